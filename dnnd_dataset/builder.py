"""The build: check ``raw/``, then publish the output folder (and the packaged copy)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dnnd_dataset._version import RELEASE_DATE, __version__
from dnnd_dataset.checking.pipeline import check_corpus
from dnnd_dataset.errors import InvalidCorpusError, Issue, Report
from dnnd_dataset.records import TABLES

CARD_PROSE_NAME = "DATASET_CARD.md"
# Parquet files, the card, Croissant and SHA256SUMS.
FILES_WRITTEN = len(TABLES) + 3
PACKAGE_DATA = Path(__file__).resolve().parent / "_data"


def default_cache(raw: Path) -> Path:
    """Where the per-document cache lives unless told otherwise: in the user's cache folder."""
    from dnnd_dataset.checking.document_cache import default_folder

    return default_folder(raw)


def check(raw: Path, *, jobs: int = 1, cache: Path | None = None) -> Report:
    """Validate ``raw`` without writing anything (``cache`` may be written).

    The report's stats hold the coverage, the counts per document and the rows per table.
    """
    return check_corpus(Path(raw), jobs=jobs, cache=cache)


def stats(report: Report) -> dict[str, Any]:
    return {
        "valid": report.valid,
        "tables": {name: report.stats.get("tables", {}).get(name, 0) for name in TABLES},
        "documents": dict(report.stats.get("documents", {})),
        "coverage": dict(report.stats.get("coverage", {})),
    }


def _card_prose(raw: Path) -> tuple[str, Issue | None]:
    """The card prose beside ``raw``, or why it cannot be read, as an issue of the run."""
    from dnnd_dataset.publishing.dataset_meta import bibtex_blocks

    path = Path(raw).resolve().parent / CARD_PROSE_NAME
    shown = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "", Issue(
            shown,
            1,
            "missing-file",
            "the dataset card prose is missing",
            f"keep {CARD_PROSE_NAME} beside the raw folder",
        )
    except OSError as error:
        return "", Issue(
            shown,
            1,
            "unreadable-file",
            f"the dataset card prose cannot be read: {error.strerror or error}",
            "make the file readable by the user who runs the build, or replace it",
        )
    try:
        prose = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return "", Issue(
            shown,
            line,
            "bad-encoding",
            f"byte 0x{data[error.start]:02x} is not valid UTF-8",
            "re-encode the file as UTF-8",
            column=column,
        )
    blocks = bibtex_blocks(prose)
    if len(blocks) != 1:
        # The card's one BibTeX block is the dataset's citation in the card and Croissant.
        line = prose.count("\n", 0, blocks[1].start()) + 1 if blocks else 1
        return "", Issue(
            shown,
            line,
            "invalid-value",
            f"the card prose holds {len(blocks)} ```bibtex blocks; it needs exactly one",
            "keep one ```bibtex block with the dataset's citation",
        )
    return prose, None


def build(
    raw: Path,
    out: Path,
    *,
    package_data: Path | None = None,
    progress: Callable[[str], None] | None = None,
    today: dt.date | None = None,
    jobs: int = 1,
    cache: Path | None = None,
    documents: Callable[[int, int], None] | None = None,
) -> Report:
    """Check ``raw`` and write the output folder ``out`` atomically.

    ``progress`` is called with the path of each file written (FILES_WRITTEN in all, one
    more with ``package_data``); ``documents`` with (documents done, documents in all).

    Raises InvalidCorpusError (with the full report) when ``raw`` does not validate; then
    nothing is written. ``package_data``, when given, receives a copy of each table as
    ``<table>.parquet`` (the files ``import dnnd_dataset`` reads). ``jobs`` worker
    processes check the documents; ``cache`` is a folder of per-document results that
    makes a rebuild redo only changed documents, and of stamps that let a rebuild of
    unchanged inputs over its own untouched output write nothing (the report's stats then
    say ``up_to_date``). Neither changes a byte of the output.
    """
    from dnnd_dataset.checking.compiler import raw_folder_problem
    from dnnd_dataset.checking.document_cache import usable_cache
    from dnnd_dataset.publishing.owned_folder import (
        OUTPUT_LAYOUT,
        PACKAGE_DATA_LAYOUT,
        refuse_unless_replaceable,
        replace_folder,
        replace_folders,
    )
    from dnnd_dataset.publishing.up_to_date import record, recorded_inputs

    step = progress or (lambda _message: None)
    problem = raw_folder_problem(Path(raw))
    if problem is not None:  # the one root cause: the card prose beside it is not sought
        raise InvalidCorpusError(Report(issues=[problem]))
    # Both refused before anything is checked or written (the cache included), so that a
    # refusal changes nothing.
    refuse_unless_replaceable(Path(out), OUTPUT_LAYOUT)
    if package_data is not None:
        refuse_unless_replaceable(Path(package_data), PACKAGE_DATA_LAYOUT)
    prose, card_issue = _card_prose(raw)
    today = today or dt.date.today()
    # The up-to-date stamps live in the cache folder: one that git tracks is not trusted.
    cache = usable_cache(cache)
    inputs = None
    if cache is not None and card_issue is None:
        inputs, recorded = recorded_inputs(
            Path(cache),
            Path(out),
            Path(raw),
            prose,
            version=__version__,
            today=today,
            package_data=package_data,
        )
        if recorded is not None:
            return recorded  # the output is what this build would write, byte for byte
    # Imported only to write: they bring in the Hugging Face library, a second to load.
    from dnnd_dataset.publishing.publish import DatasetWriter
    from dnnd_dataset.publishing.shard_reuse import (
        forget_shards,
        previous_output,
        record_shards,
    )

    reports: list[Report] = []
    # The shards of the output folder that a block of unchanged articles may take as they are.
    previous = (
        previous_output(Path(cache), Path(out), __version__)
        if cache is not None and package_data is None
        else None
    )
    writers: list[DatasetWriter] = []

    def write(folder: Path, package: Path | None) -> None:
        writer = DatasetWriter(folder, __version__, package=package, previous=previous)
        writers.append(writer)
        try:
            report = check_corpus(
                Path(raw),
                today=today,
                jobs=jobs,
                cache=cache,
                sink=writer,
                progress=documents,
                snapshot=inputs.snapshot if inputs is not None else None,
            )
            if card_issue is not None:
                report.issues.append(card_issue)  # reported with the corpus's own problems
            if not report.valid:
                # Raised inside the staging step: the earlier output stays as it was.
                raise InvalidCorpusError(report)
            writer.finish(
                prose=prose,
                per_document=report.stats["documents"],
                date_published=dt.date.fromisoformat(RELEASE_DATE),
                progress=step,
            )
            reports.append(report)
        finally:
            writer.abandon()

    if package_data is None:
        replace_folder(Path(out), OUTPUT_LAYOUT, lambda folder: write(folder, None))
    else:
        # Both staged, then swapped in under one journal: a run killed between the two swaps
        # is finished by the next one.
        replace_folders(
            [(Path(out), OUTPUT_LAYOUT), (Path(package_data), PACKAGE_DATA_LAYOUT)],
            lambda folders: write(folders[0], folders[1]),
        )
        step(str(package_data))
    if cache is not None:
        record(Path(cache), Path(out), package_data, inputs, reports[0])
        if package_data is None:
            written = writers[-1]
            record_shards(
                Path(cache),
                Path(out),
                __version__,
                written.written_blocks,
                written.written_tables,
                written.written_registries,
                written.written_shapes,
                written.written_contributions,
            )
        else:
            forget_shards(Path(cache), Path(out))
    return reports[0]


def rebuild_differences(out: Path, raw: Path, *, today: dt.date | None = None) -> list[str]:
    """Rebuild ``raw`` in a temporary folder and name each file of ``out`` that differs.

    Empty when ``out`` is, byte for byte, what this version of the builder writes from
    ``raw``. The output records no build date (Croissant's ``datePublished`` is the
    release date of the code), so the rebuild needs no date from ``out``; ``today`` only
    decides which dates count as in the future, as in :func:`build`. Nothing is cached.
    """
    import tempfile

    from dnnd_dataset.errors import printable
    from dnnd_dataset.publishing.verify import compare_with_rebuild

    with tempfile.TemporaryDirectory(prefix="dnnd-rebuild-") as scratch:
        rebuilt = Path(scratch) / "out"
        try:
            build(Path(raw), rebuilt, today=today)
        except InvalidCorpusError as error:
            issues = [issue.format() for issue in error.report.sorted_issues()]
            return [
                *issues,
                f"{printable(raw)}: {len(issues)} problem(s), so it cannot rebuild "
                f"{printable(out)}",
            ]
        return compare_with_rebuild(Path(out), rebuilt)
