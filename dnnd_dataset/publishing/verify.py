"""Checking a published output folder: checksums, layout, schemas, rows, and what they promise.

``SHA256SUMS`` alone proves little: whoever edits a table can recompute it. So the rows are
read back and checked against the models, against the documented sort and against each other
(see :mod:`dnnd_dataset.publishing.consistency`), the card's row counts against the tables'
footers, and the file hashes recorded in ``croissant.json`` against the files; any file the
build does not write is refused. Every Parquet file is read in bounded memory, its footer
first (see :mod:`dnnd_dataset.publishing.parquet_input`).

All of that proves consistency, not truth: an edit made with care (a meeting's date, every
hash recomputed) passes. Two anchors prove more: the digest of ``SHA256SUMS`` that a release
publishes (``sha256`` here), which pins every byte of the folder, and a rebuild from ``raw/``
(:func:`dnnd_dataset.builder.rebuild_differences`, compared by :func:`compare_with_rebuild`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from dnnd_dataset.errors import printable
from dnnd_dataset.records import TABLES, Record

# How ``dnnd verify`` and ``dnnd build`` print the digest a release publishes.
SUMS_DIGEST_LABEL = "sha256 of SHA256SUMS"


def sums_digest(out: Path) -> str | None:
    """The SHA-256 of ``out/SHA256SUMS`` (hex), which pins every file it lists; None if absent."""
    from dnnd_dataset.publishing.checksums import SHA256SUMS, sha256_file

    path = Path(out) / SHA256SUMS
    return sha256_file(path) if path.is_file() and not path.is_symlink() else None


def verify(out: Path, *, sha256: str | None = None) -> list[str]:
    """Every difference between ``out`` and what the models declare; empty when it verifies.

    ``sha256``, when given, is the published digest of ``SHA256SUMS`` (hex) that the folder's
    must equal.
    """
    from dnnd_dataset.publishing.consistency import check_tables
    from dnnd_dataset.publishing.publish import sha256sums_ok

    out = Path(out)
    shown = printable(out)
    if not out.is_dir():
        what = "not a folder" if out.exists() else "no such folder"
        return [
            f"{shown}: {what} (looked for in {printable(Path.cwd())}) (fix: name the "
            "folder that 'dnnd build --out DIR' wrote, dataset by default)"
        ]
    if not any((out / name).exists() for name in ("SHA256SUMS", "README.md", "data")):
        # One line, not one per missing file: this is some other folder.
        return [
            f"{shown}: not an output folder of 'dnnd build': it holds no SHA256SUMS, README.md "
            "or data/ (fix: name the folder that 'dnnd build --out DIR' wrote, dataset by "
            "default)"
        ]
    problems = [f"{shown}/{line}" for line in sha256sums_ok(out)]
    digest = sums_digest(out)
    # Without the file, the problem above says it is missing.
    if sha256 is not None and digest is not None and digest != sha256.lower():
        problems.append(f"{shown}/SHA256SUMS: its SHA-256 is {digest}, not the published {sha256}")
    shards = _shards(out, problems)
    problems += [f"{shown}/{line}" for line in _outside_layout(out, shards)]
    # Every footer before any row: a file that declares too many rows is never decoded.
    counts = {name: _footer_rows(paths, problems) for name, paths in shards.items() if paths}
    tables: dict[str, list[Record]] = {}
    for name, paths in shards.items():
        if counts.get(name) is not None:
            records = _read_table(name, paths, problems)
            if records is not None:
                tables[name] = records
    if len(tables) == len(TABLES):
        # Only on whole tables: a missing one would make every reference to it dangle.
        problems += [f"{shown}: {problem}" for problem in check_tables(tables)]
    found = {name: count for name, count in counts.items() if count is not None}
    problems += [f"{shown}/README.md: {problem}" for problem in _card_counts(out, found)]
    problems += [f"{shown}/croissant.json: {problem}" for problem in _croissant_hashes(out)]
    return problems


def _shards(out: Path, problems: list[str]) -> dict[str, list[Path]]:
    """Each table's files, the names the build writes; empty after a problem."""
    from dnnd_dataset.publishing.dataset_meta import data_file, table_shards

    shards: dict[str, list[Path]] = {}
    for name in TABLES:
        try:
            shards[name] = table_shards(out, name)
        except ValueError as error:
            problems.append(f"{printable(out / 'data' / name)}: {error}")
            shards[name] = []
            continue
        if not shards[name]:
            problems.append(f"{printable(out / data_file(name))}: missing")
    return shards


def _outside_layout(out: Path, shards: dict[str, list[Path]]) -> list[str]:
    """Every file and folder below ``out`` that the build does not write, as relative paths.

    Such a file is never read by the library, but a reader that globs the folder (DuckDB, a
    Hugging Face pattern) would take it for data.
    """
    from dnnd_dataset.publishing.owned_folder import OUTPUT_LAYOUT

    written = {path.relative_to(out).as_posix() for paths in shards.values() for path in paths}

    def table_of(relative: str) -> str | None:
        parts = relative.split("/")
        return parts[1] if len(parts) > 1 and parts[0] == "data" else None

    def folder_ok(relative: str) -> bool:
        table = table_of(relative)
        return OUTPUT_LAYOUT.owns_folder(relative) and (table is None or table in TABLES)

    def file_ok(relative: str) -> bool:
        table = table_of(relative)
        if not OUTPUT_LAYOUT.owns_file(relative) or (table is not None and table not in TABLES):
            return False
        # The files of a table whose set is incomplete are reported once, as a set.
        return table is None or relative in written or not shards[table]

    problems = []
    for top, subfolders, names in os.walk(out):  # links are not followed
        here = Path(top).relative_to(out).as_posix()
        prefix = "" if here == "." else f"{here}/"
        kept = []
        for name in sorted(subfolders):
            if folder_ok(prefix + name) and not (Path(top) / name).is_symlink():
                kept.append(name)
            else:
                problems.append(f"{printable(prefix + name)}: not a folder the build writes")
        subfolders[:] = kept
        for name in sorted(names):
            if not file_ok(prefix + name) or (Path(top) / name).is_symlink():
                problems.append(f"{printable(prefix + name)}: not a file the build writes")
    return problems


def _footer_rows(paths: list[Path], problems: list[str]) -> int | None:
    """The rows the footers of a table's files declare; None after a problem."""
    from dnnd_dataset.publishing.parquet_input import ParquetRefused, footer_rows

    total = 0
    for path in paths:
        try:
            total += footer_rows(path)
        except ParquetRefused as error:
            problems.append(f"{printable(path)}: {_refusal(error)}")
            return None
    return total


def _read_table(name: str, paths: list[Path], problems: list[str]) -> list[Record] | None:
    """The rows of every file of a table, in shard order; None after a problem."""
    records: list[Record] = []
    for path in paths:
        rows = _read_file(path, name, problems)
        if rows is None:
            return None
        records += rows
    disorder = _out_of_order(name, records)
    if disorder is not None:
        problems.append(f"{printable(paths[0].parent)}: {disorder}")
    return records


def _out_of_order(name: str, records: list[Record]) -> str | None:
    """The first row that sorts before the row above it, by the table's documented key."""
    spec = TABLES[name]
    previous = None
    for index, record in enumerate(records):
        key = spec.row_key({column: getattr(record, column) for column in spec.sort_key})
        if previous is not None and key < previous:
            shown = ", ".join(repr(getattr(record, c)) for c in spec.sort_key[:3])
            return (
                f"{name}[{index}] ({shown}) sorts before the row above it; the rows are in "
                f"the order of {', '.join(spec.sort_key)}"
            )
        previous = key
    return None


def _read_file(path: Path, name: str, problems: list[str]) -> list[Record] | None:
    from dnnd_dataset.publishing.arrow_schema import VERSION_KEY, arrow_schema, from_arrow
    from dnnd_dataset.publishing.parquet_input import ParquetRefused, read_parquet

    shown = printable(path)
    try:
        table = read_parquet(path)
    except ParquetRefused as error:
        problems.append(f"{shown}: {_refusal(error)}")
        return None
    version = (table.schema.metadata or {}).get(VERSION_KEY, b"").decode(errors="replace")
    expected = arrow_schema(name, version)
    # Parquet names list items 'element' where Arrow says 'item': compare types, then
    # the metadata that carries the descriptions and the version, separately.
    described = [(f.name, f.metadata) for f in table.schema]
    if (
        not table.schema.equals(expected)
        or table.schema.metadata != expected.metadata
        or described != [(f.name, f.metadata) for f in expected]
    ):
        problems.append(f"{shown}: schema differs from the models' schema of {name}")
        return None
    try:
        return from_arrow(name, table)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            problems.append(f"{shown}: row field {detail['loc']}: {detail['msg']}")
        return None


def _card_counts(out: Path, counts: dict[str, int]) -> list[str]:
    """The card's ``dataset_info`` row counts against the rows read."""
    try:
        text = (out / "README.md").read_text(encoding="utf-8")
        header = text.split("---\n", 2)[1] if text.startswith("---\n") else ""
        info: Any = (yaml.safe_load(header) or {}).get("dataset_info")
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError) as error:
        return [f"cannot read the card's dataset_info ({type(error).__name__})"]
    stated: dict[str, Any] = {}
    for config in info if isinstance(info, list) else []:
        if isinstance(config, dict):
            splits = config.get("splits") or [{}]
            stated[config.get("config_name", "")] = sum(
                split.get("num_examples", 0) for split in splits if isinstance(split, dict)
            )
    problems = []
    for name, count in counts.items():
        if name not in stated:
            problems.append(f"dataset_info has no config {name}")
        elif stated[name] != count:
            problems.append(
                f"dataset_info says {name} has {stated[name]} rows; its data has {count}"
            )
    return problems


def _croissant_hashes(out: Path) -> list[str]:
    """The sha256 that croissant.json records for each file against the file."""
    from dnnd_dataset.publishing.checksums import sha256_file

    try:
        metadata = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
        entries = [e for e in metadata.get("distribution", []) if isinstance(e, dict)]
        files = [entry for entry in entries if "sha256" in entry and "contentUrl" in entry]
    except (OSError, UnicodeDecodeError, ValueError, AttributeError) as error:
        return [f"cannot read the file list ({type(error).__name__})"]
    # A sharded table is a file set, without one hash: SHA256SUMS has each of its files.
    if not files and not any(entry.get("@type") == "cr:FileSet" for entry in entries):
        return ["lists no file with its sha256"]
    problems = []
    for entry in files:
        relative = str(entry["contentUrl"])
        path = out / relative
        if Path(relative).is_absolute() or ".." in Path(relative).parts or not path.is_file():
            problems.append(f"{printable(relative)}: listed but not a file in the folder")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"{printable(relative)}: SHA-256 differs from the one recorded here")
    return problems


def compare_with_rebuild(out: Path, rebuilt: Path) -> list[str]:
    """Each file that differs between ``out`` and ``rebuilt``, with its first difference.

    Byte for byte: a Parquet file with the same rows but other bytes differs too (the
    difference then names the writer each records).
    """
    from dnnd_dataset.publishing.checksums import relative_files, sha256_file

    shown = printable(out)
    mine, theirs = set(relative_files(out)), set(relative_files(rebuilt))
    problems = []
    for name in sorted(mine | theirs):
        where = f"{shown}/{printable(name)}"
        if name not in mine:
            problems.append(f"{where}: missing; the rebuild writes it")
        elif name not in theirs:
            problems.append(f"{where}: the rebuild writes no such file")
        elif sha256_file(out / name) != sha256_file(rebuilt / name):
            if name.endswith(".parquet"):
                difference = _parquet_difference(out / name, rebuilt / name)
            else:
                difference = _text_difference(out / name, rebuilt / name)
            problems.append(f"{where}: differs from the rebuild: {difference}")
    return problems


def _text_difference(path: Path, rebuilt: Path) -> str:
    mine = path.read_bytes().split(b"\n")
    theirs = rebuilt.read_bytes().split(b"\n")
    for number, (line, other) in enumerate(zip(mine, theirs, strict=False), start=1):
        if line != other:
            return f"line {number} is {_short(line)} here, {_short(other)} in the rebuild"
    return f"{len(mine)} lines here, {len(theirs)} in the rebuild"


def _parquet_difference(path: Path, rebuilt: Path) -> str:
    """The first row and column that differ, or else what the two files' footers record."""
    from dnnd_dataset.publishing.parquet_input import ParquetRefused, open_parquet, read_parquet

    try:
        mine, theirs = read_parquet(path), read_parquet(rebuilt)
    except ParquetRefused as error:
        return f"it {error}"  # "it is not a readable Parquet file (...)"
    if not mine.schema.equals(theirs.schema, check_metadata=True):
        return "its schema or schema metadata differs"
    if mine.num_rows != theirs.num_rows:
        return f"{mine.num_rows} rows here, {theirs.num_rows} in the rebuild"
    first: tuple[int, str] | None = None
    for column in mine.column_names:
        values, others = mine.column(column).to_pylist(), theirs.column(column).to_pylist()
        row = next(
            (i for i, pair in enumerate(zip(values, others, strict=True)) if pair[0] != pair[1]),
            None,
        )
        if row is not None and (first is None or row < first[0]):
            first = (row, column)
    if first is not None:
        row, column = first
        here, there = mine.column(column)[row].as_py(), theirs.column(column)[row].as_py()
        return f"row {row}, column {column}: {_short(here)} here, {_short(there)} in the rebuild"
    writers = [open_parquet(p).metadata.created_by for p in (path, rebuilt)]
    if writers[0] != writers[1]:
        return (
            f"the same rows, written by {printable(writers[0])} here and {writers[1]} in the "
            "rebuild"
        )
    return "the same rows, encoded otherwise"


def _refusal(error: Exception) -> str:
    # The reader's phrase completes "<file> ..."; here it follows "<file>: ".
    return str(error).removeprefix("is ")


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return printable(text if len(text) <= limit else text[: limit - 3] + "...")
