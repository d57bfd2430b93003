"""The build: check ``raw/``, then publish the output folder (and the packaged copy)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

from dnnd_dataset._version import RELEASE_DATE, __version__
from dnnd_dataset.checking.pipeline import CompileResult, compile_corpus
from dnnd_dataset.errors import InvalidCorpusError, Issue, Report
from dnnd_dataset.records import TABLES, MentionLabel, Record

CARD_PROSE_NAME = "DATASET_CARD.md"
CACHE_NAME = ".dnnd-cache"
# Parquet files, the card, Croissant and SHA256SUMS.
FILES_WRITTEN = len(TABLES) + 3
PACKAGE_DATA = Path(__file__).resolve().parent / "_data"


def default_cache(raw: Path) -> Path:
    """Where the per-document cache lives unless told otherwise: beside the raw folder."""
    return Path(raw).resolve().parent / CACHE_NAME


def check(raw: Path, *, jobs: int = 1, cache: Path | None = None) -> CompileResult:
    """Validate ``raw`` without writing anything (``cache`` may be written)."""
    return compile_corpus(Path(raw), jobs=jobs, cache=cache)


def per_document_counts(result: CompileResult) -> dict[str, dict[str, int]]:
    """article_id -> mentions per label, entities named, and coverage counts."""
    counts: dict[str, dict[str, int]] = {}
    mentions = Counter(
        (row.article_id, row.label)  # type: ignore[attr-defined]
        for row in result.tables.get("mentions", [])
    )
    for article in result.tables.get("articles", []):
        article_id: str = article.article_id  # type: ignore[attr-defined]
        row = {
            f"mentions_{label.lower()}": mentions[(article_id, label)]
            for label in get_args(MentionLabel)
        }
        for column in ("person_ids", "organization_ids", "directive_ids", "meeting_ids"):
            row[column.removesuffix("_ids") + "s"] = len(getattr(article, column))
        coverage = result.report.stats["coverage"].get(article_id, {})
        row["names_found"] = coverage.get("names_found", 0)
        row["names_covered"] = coverage.get("covered", 0) + coverage.get("waived", 0)
        counts[article_id] = row
    return counts


def stats(result: CompileResult) -> dict[str, Any]:
    return {
        "valid": result.report.valid,
        "tables": {name: len(result.tables.get(name, [])) for name in TABLES},
        "documents": per_document_counts(result),
        "coverage": result.report.stats.get("coverage", {}),
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
) -> Report:
    """Check ``raw`` and write the output folder ``out`` atomically.

    ``progress`` is called with the path of each file written (FILES_WRITTEN in all, one
    more with ``package_data``).

    Raises InvalidCorpusError (with the full report) when ``raw`` does not validate; then
    nothing is written. ``package_data``, when given, receives a copy of each table as
    ``<table>.parquet`` (the files ``import dnnd_dataset`` reads). ``jobs`` worker
    processes check the documents; ``cache`` is a folder of per-document results that
    makes a rebuild redo only changed documents. Neither changes a byte of the output.
    """
    from dnnd_dataset.publishing.owned_folder import (
        OUTPUT_LAYOUT,
        PACKAGE_DATA_LAYOUT,
        refuse_unless_replaceable,
    )
    from dnnd_dataset.publishing.publish import write_dataset

    step = progress or (lambda _message: None)
    # Both refused before anything is checked or written (the cache included), so that a
    # refusal changes nothing.
    refuse_unless_replaceable(Path(out), OUTPUT_LAYOUT)
    if package_data is not None:
        refuse_unless_replaceable(Path(package_data), PACKAGE_DATA_LAYOUT)
    result = compile_corpus(Path(raw), today=today, jobs=jobs, cache=cache)
    prose, card_issue = _card_prose(raw)
    if card_issue is not None:
        result.report.issues.append(card_issue)  # reported with the corpus's own problems
    if not result.report.valid:
        raise InvalidCorpusError(result.report)
    write_dataset(
        result.tables,
        Path(out),
        version=__version__,
        per_document=per_document_counts(result),
        card_prose=prose,
        date_published=dt.date.fromisoformat(RELEASE_DATE),
        progress=step,
    )
    if package_data is not None:
        write_package_data(result.tables, package_data)
        step(str(package_data))
    return result.report


def write_package_data(tables: dict[str, list[Record]], folder: Path) -> None:
    """Write ``<table>.parquet`` files and their SHA256SUMS into ``folder``, all at once.

    ``folder`` is replaced only when it is new, empty or an earlier package data folder
    (exactly these files, listed in its SHA256SUMS); otherwise OutputError, and nothing
    is touched.
    """
    import pyarrow.parquet as pq

    from dnnd_dataset.publishing.arrow_schema import to_arrow
    from dnnd_dataset.publishing.checksums import SHA256SUMS, sha256sums
    from dnnd_dataset.publishing.owned_folder import PACKAGE_DATA_LAYOUT, replace_folder
    from dnnd_dataset.publishing.publish import PARQUET_OPTIONS

    def write(staging: Path) -> None:
        for name in TABLES:
            pq.write_table(
                to_arrow(name, tables[name], __version__),
                staging / f"{name}.parquet",
                **PARQUET_OPTIONS,
            )
        (staging / SHA256SUMS).write_bytes(sha256sums(staging).encode("utf-8"))

    replace_folder(Path(folder), PACKAGE_DATA_LAYOUT, write)
