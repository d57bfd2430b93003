"""Writing the output folder: Parquet, card, Croissant and checksums, atomically.

Layout (SPEC, "Where things go")::

    OUT/README.md                                  the dataset card
    OUT/croissant.json                             Croissant 1.1 metadata
    OUT/data/<table>/train-00000-of-00001.parquet  one file per table
    OUT/SHA256SUMS                                 `sha256sum -c` format

The folder is built beside ``OUT`` (same parent, so renames stay on one file system) and
swapped in only when complete: the previous ``OUT`` moves aside, the new one takes its
name, the old one is deleted. If anything fails before the swap, ``OUT`` is untouched and
the half-built folder is removed. Output is deterministic: the same records and version
give byte-identical files under the same pyarrow version (Parquet records the writer's
version in ``created_by``; nothing records a time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pyarrow.parquet as pq

from dnnd_dataset.errors import OutputError
from dnnd_dataset.publishing.arrow_schema import table_spec, to_arrow
from dnnd_dataset.publishing.card import render_card
from dnnd_dataset.publishing.croissant import croissant, dumps
from dnnd_dataset.publishing.dataset_meta import WrittenTable, bibtex, data_file
from dnnd_dataset.records import TABLES, Record

SHA256SUMS = "SHA256SUMS"
CARD_PROSE = Path(__file__).resolve().parents[2] / "DATASET_CARD.md"

# Explicit so that a pyarrow upgrade changing a default cannot silently change the files.
PARQUET_OPTIONS: dict[str, object] = {
    "compression": "zstd",
    "compression_level": 9,
    "version": "2.6",
    "data_page_version": "1.0",
    "use_dictionary": True,
    "write_statistics": True,
    "store_schema": True,
}

_SUMS_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def write_dataset(
    tables: Mapping[str, Sequence[Record]],
    out: str | os.PathLike[str],
    *,
    version: str,
    per_document: Mapping[str, Mapping[str, int]] | None = None,
    card_prose: str | None = None,
    date_published: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Write every table and the metadata to ``out``, replacing an earlier output.

    ``tables`` maps every published table name to its records (in any order; rows are
    sorted on write). ``per_document`` (article_id -> column -> count) adds a table of
    counts to the card. ``card_prose`` defaults to ``DATASET_CARD.md`` beside the package.
    ``date_published`` goes into Croissant. ``progress`` is called with the relative path
    of each file just written, for a progress bar.

    Raises :class:`OutputError` when ``out`` cannot be replaced; any exception raised
    before the swap leaves ``out`` as it was.
    """
    _check_table_names(tables)
    prose = card_prose if card_prose is not None else _default_prose()
    target = Path(out)
    _check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(target, "building")
    staging.mkdir()
    try:
        _write_all(
            staging,
            tables,
            version=version,
            prose=prose,
            per_document=per_document,
            date_published=date_published,
            progress=progress or _no_progress,
        )
        _swap_in(staging, target)
    finally:
        # After a successful swap the staging folder no longer exists.
        shutil.rmtree(staging, ignore_errors=True)


def sha256sums_ok(out: str | os.PathLike[str]) -> list[str]:
    """Problems between ``out/SHA256SUMS`` and the files in ``out``; empty when all agree."""
    folder = Path(out)
    sums_path = folder / SHA256SUMS
    if not sums_path.is_file():
        return [f"{SHA256SUMS}: missing"]
    problems: list[str] = []
    listed: set[str] = set()
    lines = sums_path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        match = _SUMS_LINE.match(line)
        if match is None:
            problems.append(f"{SHA256SUMS}:{number}: not a `sha256sum` line")
            continue
        expected, name = match.groups()
        listed.add(name)
        problems += _check_listed_file(folder, name, expected)
    for name in _relative_files(folder):
        if name != SHA256SUMS and name not in listed:
            problems.append(f"{name}: not listed in {SHA256SUMS}")
    return problems


def _check_listed_file(out: Path, name: str, expected: str) -> list[str]:
    path = out / name
    if Path(name).is_absolute() or ".." in Path(name).parts:
        return [f"{name}: path leaves the output folder"]
    if not path.is_file():
        return [f"{name}: listed in {SHA256SUMS} but missing"]
    if _sha256_file(path) != expected:
        return [f"{name}: SHA-256 differs from {SHA256SUMS}"]
    return []


def _check_table_names(tables: Mapping[str, Sequence[Record]]) -> None:
    for name in tables:
        table_spec(name)
    missing = [name for name in TABLES if name not in tables]
    if missing:
        raise ValueError(
            f"write_dataset needs every table; missing: {', '.join(missing)} "
            "(pass an empty list for a table without records)"
        )


def _default_prose() -> str:
    try:
        return CARD_PROSE.read_text(encoding="utf-8")
    except OSError as error:
        raise OutputError(
            f"cannot read the card prose {CARD_PROSE}: {error.strerror} "
            "(fix: run from a source checkout or pass card_prose)"
        ) from error


def _check_replaceable(out: Path) -> None:
    """Refuse to replace anything but an empty folder or an earlier output."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder (fix: choose another --out)")
    if any(out.iterdir()) and not (out / SHA256SUMS).is_file():
        raise OutputError(
            f"{out} is not empty and has no {SHA256SUMS}, so it is not an earlier output; "
            "refusing to replace it (fix: choose an empty or new folder)"
        )


def _sibling(out: Path, purpose: str) -> Path:
    # Hidden and random, so it neither shows in listings nor collides with a parallel build.
    return out.parent / f".{out.name}.{purpose}-{secrets.token_hex(6)}"


def _no_progress(step: str) -> None:
    pass


def _write_all(
    folder: Path,
    tables: Mapping[str, Sequence[Record]],
    *,
    version: str,
    prose: str,
    per_document: Mapping[str, Mapping[str, int]] | None,
    date_published: dt.date | None,
    progress: Callable[[str], None],
) -> None:
    written = []
    for name in TABLES:
        written.append(_write_table(folder, name, tables[name], version))
        progress(data_file(name))
    card = render_card(written, version=version, prose=prose, per_document=per_document)
    _write_text(folder / "README.md", card)
    progress("README.md")
    metadata = croissant(
        written, version=version, citation=bibtex(prose), date_published=date_published
    )
    _write_text(folder / "croissant.json", dumps(metadata))
    progress("croissant.json")
    _write_text(folder / SHA256SUMS, _sha256sums(folder))
    progress(SHA256SUMS)


def _write_table(folder: Path, name: str, records: Sequence[Record], version: str) -> WrittenTable:
    table = to_arrow(name, records, version)
    relative = data_file(name)
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **PARQUET_OPTIONS)
    content = path.read_bytes()
    return WrittenTable(
        name=name,
        path=relative,
        num_rows=table.num_rows,
        num_bytes=table.nbytes,
        file_size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _write_text(path: Path, text: str) -> None:
    # newline="\n": the same bytes on every platform.
    with path.open("w", encoding="utf-8", newline="\n") as file:
        file.write(text)


def _sha256sums(folder: Path) -> str:
    return "".join(
        f"{_sha256_file(folder / name)}  {name}\n"
        for name in _relative_files(folder)
        if name != SHA256SUMS
    )


def _relative_files(folder: Path) -> list[str]:
    return sorted(
        path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
    )


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _restore(previous: Path, out: Path) -> None:
    try:
        previous.rename(out)
    except OSError as error:
        raise OutputError(
            f"the build failed and the previous output could not be moved back from "
            f"{previous} to {out}: {error} (fix: rename it by hand)"
        ) from error


def _swap_in(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    previous = _sibling(out, "previous")
    out.rename(previous)
    try:
        staging.rename(out)
    except BaseException:
        _restore(previous, out)
        raise
    try:
        shutil.rmtree(previous)
    except OSError as error:
        raise OutputError(
            f"the new output is in {out}, but the previous one could not be removed from "
            f"{previous}: {error} (fix: delete that folder)"
        ) from error
