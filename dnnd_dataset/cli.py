"""The ``dnnd`` command: a thin layer that parses arguments and calls the library.

Exit codes: 0 success; 1 invalid input, a failed verification or an error that the
message explains; 2 a usage error. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import datetime as dt
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from dnnd_dataset._version import __version__
from dnnd_dataset.errors import DnndError, InvalidCorpusError, Report, printable
from dnnd_dataset.freed_memory import program_gives_back

# Not dist/: Python packaging writes wheels and sdists there.
DEFAULT_OUTPUT = Path("dataset")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dnnd",
        description="Build, check and verify the dnnd-dataset corpus: Vietnamese news about "
        "people's diplomacy, annotated under raw/ and published as Parquet, a Hugging Face "
        "dataset folder and the dnnd_dataset library.",
        epilog="Run 'dnnd COMMAND --help' for the options of a command. Exit status: 0 done, "
        "1 invalid input or failed verification (every problem is listed), 2 a usage error.",
    )
    parser.add_argument("--version", action="version", version=f"dnnd-dataset {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=description)

    def raw_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--raw",
            type=Path,
            default=Path("raw"),
            metavar="DIR",
            help="the annotated corpus: documents/ and registry/ (default: raw)",
        )

    build = command(
        "build",
        "check raw/ and write the dataset folder",
        "Check the corpus, then write the Hugging Face dataset folder: one Parquet file per "
        "table, the dataset card (README.md), croissant.json and SHA256SUMS. When the corpus "
        "has a problem, every problem is listed and nothing is written. Same as "
        "'python build.py'.",
    )
    raw_option(build)
    build.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help=f"the dataset folder to write (default: {DEFAULT_OUTPUT})",
    )
    build.add_argument(
        "--package-data",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write <table>.parquet files into DIR (dnnd_dataset/_data in a checkout)",
    )
    build.add_argument(
        "--verbose",
        action="store_true",
        help="also print a line per document: how many of its name occurrences are mentioned",
    )
    build.add_argument(
        "--json",
        action="store_true",
        help="print the summary (tables, checksum, and with --verbose each document) as JSON",
    )

    _speed_options(build)

    check = command(
        "check",
        "validate raw/ without writing anything",
        "Validate the corpus and list every problem as path:line: field: code: message "
        "(fix: hint). Writes nothing.",
    )
    raw_option(check)
    check.add_argument(
        "--json", action="store_true", help="print the report (issues and statistics) as JSON"
    )
    _speed_options(check)

    stats = command(
        "stats",
        "counts per table and per document, coverage",
        "Count the rows each table would have, the mentions and entities of each document, "
        "and how many occurrences of known names are mentioned or waived.",
    )
    raw_option(stats)
    stats.add_argument("--json", action="store_true", help="print the statistics as JSON")
    _speed_options(stats)

    verify = command(
        "verify",
        "check a dataset folder against SHA256SUMS and the models",
        "Check a built dataset folder: every file against SHA256SUMS and the layout, every "
        "Parquet schema and every row against the record models and the sort order. This "
        "proves consistency only; --raw or --sha256 ties the folder to a trusted source. "
        "Prints 'sha256 of SHA256SUMS: HEX' when it verifies.",
    )
    verify.add_argument(
        "out", type=Path, metavar="DIR", help=f"the dataset folder to verify, e.g. {DEFAULT_OUTPUT}"
    )
    verify.add_argument(
        "--raw",
        type=Path,
        default=None,
        metavar="DIR",
        help="also rebuild this raw folder in a temporary folder and compare every file byte "
        "for byte",
    )
    verify.add_argument(
        "--sha256",
        type=_hex_digest,
        default=None,
        metavar="HEX",
        help="the published SHA-256 of SHA256SUMS that the folder's must equal",
    )

    add = command(
        "add",
        "copy a new article text into raw/ and draft its annotation for review",
        "Copy TEXT_FILE verbatim to raw/documents/<id>.txt (id: next number and the first 16 "
        "hex digits of the text's SHA-256) and write the draft <id>.yaml: mentions of "
        "registered names, and proposals marked for review.",
    )
    add.add_argument("text_file", type=Path, metavar="TEXT_FILE", help="UTF-8 article text")
    raw_option(add)
    add.add_argument("--outlet", help="the publication, as it names itself")
    add.add_argument("--url", help="the address the text was taken from")
    add.add_argument(
        "--page-date", type=_iso_date, metavar="YYYY-MM-DD", help="the date the page prints"
    )

    train = command(
        "train-drafter",
        "train the sequence model of the drafter on the corpus's reviewed articles",
        "Train the CRF that ranks and completes the candidates of `dnnd add` on the reviewed "
        "articles of raw/ and keep it, sealed, in the user's cache folder. `dnnd add` trains "
        "it by itself when the corpus changed; the same corpus gives the same model.",
    )
    raw_option(train)

    accept = command(
        "accept",
        "move the proposals of a reviewed draft into the registries",
        "Write each proposal of DOCUMENT's draft into its registry file (its 'entry', as "
        "raw/registry/<registry>/<id>.yaml will hold it) and turn its quote into a mention; "
        "a place becomes a LOCATION mention. Every file is written, or none.",
    )
    accept.add_argument(
        "document", metavar="DOCUMENT", help="the draft: its article id or its .yaml file"
    )
    raw_option(accept)

    review = command(
        "review",
        "review a draft in the browser: accept, reject, correct and link its items",
        "Serve a page on 127.0.0.1 (a free port, a token in its address) that shows "
        "DOCUMENT's text with every drafted span highlighted and each item to review. Nothing "
        "is written until Save; Save writes the draft and, for accepted proposals, their "
        "registry files as 'dnnd accept' does, then shows the problems of the checks. Stop "
        "with Ctrl-C. Needs the 'review' extra: pip install 'dnnd-dataset[review]'.",
    )
    review.add_argument(
        "document",
        metavar="DOCUMENT",
        nargs="?",
        default=None,
        help="the draft: its article id or its .yaml file (default: the newest draft with "
        "items to review)",
    )
    raw_option(review)
    review.add_argument(
        "--no-browser", action="store_true", help="print the address without opening it"
    )

    explore = commands.add_parser(
        "explore",
        help="write a static site to browse the published tables, offline, from file://",
        description="Write a static site of the published tables: an index with search and a "
        "timeline, a page per article with its mentions and evidence highlighted, a page per "
        "person, organization, directive and meeting, and a graph. Open SITE/index.html.",
    )
    explore.add_argument(
        "out",
        type=Path,
        nargs="?",
        default=None,
        help="an output folder of 'dnnd build' (default: the tables that ship in the package)",
    )
    explore.add_argument(
        "--site", type=Path, default=Path("site"), help="folder to write (default: site)"
    )

    schema = command(
        "schema",
        "write the JSON Schemas generated from the models",
        "Write the JSON Schema of every published record and of every raw annotation file, "
        "generated from the Pydantic models.",
    )
    schema.add_argument(
        "--out",
        type=Path,
        default=Path("schema"),
        metavar="DIR",
        help="the folder to write them into (default: schema)",
    )
    return parser


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date as YYYY-MM-DD") from None


def _hex_digest(value: str) -> str:
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value.lower()):
        raise argparse.ArgumentTypeError(f"{value!r} is not a SHA-256 as 64 hex digits")
    return value.lower()


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes (1 or more)")
    return jobs


def _speed_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="check documents in N worker processes (default: 1); the output is the same",
    )
    cache = command.add_mutually_exclusive_group()
    cache.add_argument(
        "--cache",
        type=Path,
        default=None,
        metavar="DIR",
        help="per-document cache folder (default: one per corpus in the user's cache folder)",
    )
    cache.add_argument(
        "--no-cache", action="store_true", help="check every document afresh, keep no cache"
    )


def _cache(args: argparse.Namespace) -> Path | None:
    from dnnd_dataset.builder import default_cache

    if args.no_cache:
        return None
    return args.cache if args.cache is not None else default_cache(args.raw)


def _print_issues(report: Report, stream: TextIO, *, building: bool = True) -> None:
    for issue in report.sorted_issues():
        print(issue.format(), file=stream)
    consequence = "; nothing was written." if building else "."
    print(f"{len(report.issues)} problem(s) found{consequence}", file=stream)


class _NoBar:
    """What the build reports to a bar, when nobody watches one."""

    total = 0
    n = 0

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, count: float) -> None:
        self.n += int(count)

    def set_postfix_str(self, text: str) -> None:
        return None


def _progress_bar(watched: bool) -> Any:
    if not watched:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=0, desc="dnnd build", unit="doc", file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    from dnnd_dataset.builder import build
    from dnnd_dataset.pandas_free import spare_pandas
    from dnnd_dataset.publishing.verify import SUMS_DIGEST_LABEL, sums_digest

    spare_pandas()  # this process converts no pandas data

    # A bar only for a person watching a terminal; logs, pipes and --json get the summary,
    # and need no progress library at all.
    watched = sys.stdout.isatty() and sys.stderr.isatty() and not args.json
    with _progress_bar(watched) as bar:

        def documents(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        def written(path: str) -> None:
            bar.set_postfix_str(path)

        report = build(
            args.raw,
            args.out,
            package_data=args.package_data,
            progress=written,
            jobs=args.jobs,
            cache=_cache(args),
            documents=documents,
        )
    coverage = report.stats.get("coverage", {})
    tables = report.stats.get("tables", {})
    up_to_date = bool(report.stats.get("up_to_date"))
    digest = sums_digest(args.out)
    if args.json:
        summary: dict[str, Any] = {
            "out": str(args.out),
            "up_to_date": up_to_date,
            "tables": tables,
            "sha256_of_sha256sums": digest,
        }
        if args.verbose:
            summary["coverage"] = dict(sorted(coverage.items()))
        print(json.dumps(summary, ensure_ascii=not _speaks_utf8(sys.stdout), indent=2))
        return 0
    if args.verbose:
        for article_id, row in sorted(coverage.items()):
            print(
                f"{article_id}: {row['covered']} of {row['names_found']} name occurrences "
                f"mentioned, {row['waived']} waived, {row['unexplained']} unexplained"
            )
    counts = ", ".join(f"{name} {count}" for name, count in tables.items())
    if up_to_date:
        print(f"{printable(args.out)} is up to date ({counts})")
    else:
        print(f"built {printable(args.out)} ({counts})")
    print(f"{SUMS_DIGEST_LABEL}: {digest}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from dnnd_dataset.builder import check

    report = check(args.raw, jobs=args.jobs, cache=_cache(args))
    if args.json:
        print(report.to_json(ascii_only=not _speaks_utf8(sys.stdout)))
    elif report.valid:
        print(f"{printable(args.raw)}: valid")
    else:
        _print_issues(report, sys.stderr, building=False)
    return 0 if report.valid else 1


def _stats(args: argparse.Namespace) -> int:
    from dnnd_dataset.builder import check, stats

    report = check(args.raw, jobs=args.jobs, cache=_cache(args))
    numbers = stats(report)
    if args.json:
        ascii_only = not _speaks_utf8(sys.stdout)
        print(json.dumps(numbers, ensure_ascii=ascii_only, indent=2, sort_keys=True))
    elif not report.valid:  # counts of a corpus that does not check would mislead
        _print_issues(report, sys.stderr, building=False)
    else:
        for name, count in numbers["tables"].items():
            print(f"{name:<14} {count:>6}")
        for article_id, row in numbers["documents"].items():
            cells = ", ".join(f"{key} {value}" for key, value in row.items())
            print(f"{article_id}: {cells}")
    return 0 if report.valid else 1


def _verify(args: argparse.Namespace) -> int:
    from dnnd_dataset.builder import rebuild_differences
    from dnnd_dataset.publishing.verify import SUMS_DIGEST_LABEL, sums_digest, verify

    problems = verify(args.out, sha256=args.sha256)
    if args.raw is not None:
        problems += rebuild_differences(args.out, args.raw)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{printable(args.out)}: {'verified' if not problems else f'{len(problems)} problem(s)'}")
    if not problems:
        print(f"{SUMS_DIGEST_LABEL}: {sums_digest(args.out)}")
    return 1 if problems else 0


def _add(args: argparse.Namespace) -> int:
    from dnnd_dataset.checking.compiler import raw_folder_problem
    from dnnd_dataset.drafting.adding import add_article

    # Refused before anything is written: outside a corpus, raw/ would be created here.
    problem = raw_folder_problem(args.raw)
    if problem is not None:
        raise InvalidCorpusError(Report(issues=[problem]))
    added = add_article(
        args.raw, args.text_file, outlet=args.outlet, url=args.url, page_date=args.page_date
    )
    print(f"added {printable(added.text_path)}")
    print(
        f"drafted {printable(added.annotation_path)}: {added.mentions} mention(s), "
        f"{added.proposed} item(s) to review"
    )
    for note in added.notes:
        print(f"note: {printable(note)}")
    return 0


def _train_drafter(args: argparse.Namespace) -> int:
    from dnnd_dataset.checking.compiler import raw_folder_problem
    from dnnd_dataset.drafting.drafter_model import retrain

    problem = raw_folder_problem(args.raw)
    if problem is not None:
        raise InvalidCorpusError(Report(issues=[problem]))
    path, articles, size = retrain(args.raw)
    print(
        f"trained the drafter on {articles} reviewed article(s): {printable(path)} ({size} bytes)"
    )
    return 0


def _accept(args: argparse.Namespace) -> int:
    from dnnd_dataset.checking.compiler import raw_folder_problem
    from dnnd_dataset.drafting.accepting import accept_proposals

    problem = raw_folder_problem(args.raw)
    if problem is not None:
        raise InvalidCorpusError(Report(issues=[problem]))
    accepted = accept_proposals(args.raw, args.document)
    for path in accepted.registry_files:
        print(f"wrote {printable(path)}")
    print(
        f"accepted {printable(accepted.annotation_path)}: {len(accepted.registry_files)} "
        f"registry file(s), {accepted.mentions} mention(s); next: dnnd check"
    )
    return 0


# The libraries of the 'review' extra, by the name Python imports them by.
REVIEW_LIBRARIES = ("starlette", "uvicorn")


def _review(args: argparse.Namespace) -> int:
    import importlib

    from dnnd_dataset.checking.compiler import raw_folder_problem

    missing = []
    for name in REVIEW_LIBRARIES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise DnndError(
            f"'dnnd review' needs the librar{'ies' if len(missing) > 1 else 'y'} "
            f"{', '.join(map(repr, missing))}, not installed for this Python (fix: pip install "
            "'dnnd-dataset[review]', or pip install '.[review]' in the checkout)"
        )
    from dnnd_dataset.reviewing.running import serve_review

    problem = raw_folder_problem(args.raw)
    if problem is not None:
        raise InvalidCorpusError(Report(issues=[problem]))
    # Ctrl-C is how a review ends; the server finishes a save under way first.
    with contextlib.suppress(KeyboardInterrupt):
        serve_review(
            args.raw,
            args.document,
            open_browser=not args.no_browser,
            say=lambda line: print(printable(line), flush=True),
        )
    print("review stopped; the files are as the last save wrote them", flush=True)
    return 0


def _explore(args: argparse.Namespace) -> int:
    from dnnd_dataset.explorer.site import write_site
    from dnnd_dataset.library.navigation import corpus

    if args.out is not None and not args.out.is_dir():
        raise DnndError(
            f"{printable(args.out)}: no such folder (looked for in {printable(Path.cwd())}) "
            f"(fix: name the folder that 'dnnd build --out DIR' wrote, {DEFAULT_OUTPUT} by "
            "default)"
        )
    summary = write_site(corpus(args.out), args.site)
    name, size = summary.largest
    print(
        f"wrote {summary.pages} pages to {args.site} ({summary.total_bytes:,} bytes; "
        f"largest page {name}, {size:,} bytes); open {args.site / 'index.html'}"
    )
    return 0


def _schema(args: argparse.Namespace) -> int:
    from dnnd_dataset.publishing.json_schemas import write_json_schemas

    for path in write_json_schemas(args.out):
        print(printable(path))
    return 0


COMMANDS = {
    "accept": _accept,
    "add": _add,
    "train-drafter": _train_drafter,
    "build": _build,
    "check": _check,
    "stats": _stats,
    "verify": _verify,
    "explore": _explore,
    "review": _review,
    "schema": _schema,
}


def _speaks_utf8(stream: TextIO) -> bool:
    return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"


def _escape_what_cannot_be_encoded() -> None:
    # Under a Latin-1 or ASCII terminal a Vietnamese name would raise UnicodeEncodeError;
    # written as \\u1ea7 it stays readable and the run goes on.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _escape_what_cannot_be_encoded()
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InvalidCorpusError as error:
        _print_issues(error.report, sys.stderr)
        return 1
    except DnndError as error:
        print(f"dnnd: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dnnd: interrupted", file=sys.stderr)
        return 130
    except ModuleNotFoundError as error:
        library = (error.name or "").partition(".")[0]
        if library in ("", "dnnd_dataset"):  # a fault of the package itself
            return _internal_error(error)
        # The command ran without its dependencies, e.g. a checkout's build.py under a
        # Python where the package was never installed.
        print(
            f"dnnd: error: the library {library!r} that dnnd needs is not installed for this "
            "Python (fix: run 'pip install .' in the checkout, or 'pip install dnnd-dataset')",
            file=sys.stderr,
        )
        return 1
    except Exception as error:  # the promise: no traceback reaches a user
        return _internal_error(error)


def _internal_error(error: Exception) -> int:
    # Nothing here is known about the output folder, so nothing is claimed about it.
    print(
        f"dnnd: internal error: {type(error).__name__}: {printable(error)} "
        "(please report this with the command you ran)",
        file=sys.stderr,
    )
    return 1


def command(argv: Sequence[str] | None = None) -> int:
    """The ``dnnd`` program: :func:`main` in a process of its own, which gives back the
    memory it frees, as its workers do (:mod:`~dnnd_dataset.freed_memory`).

    Only before pyarrow is loaded, when the process is the command's own: a caller that
    runs :func:`main` in its process keeps its allocators. What the caller's environment
    sets is kept.
    """
    if "pyarrow" not in sys.modules:
        program_gives_back()
    return main(argv)


if __name__ == "__main__":
    sys.exit(command())
