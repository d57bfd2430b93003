"""Checking a published output folder: checksums, schemas, rows, and what the rows promise.

``SHA256SUMS`` alone proves little: whoever edits a table can recompute it. So the rows are
read back and checked against the models and against each other (see
:mod:`dnnd_dataset.publishing.consistency`), the card's row counts against the tables, and
the file hashes recorded in ``croissant.json`` against the files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from dnnd_dataset.errors import printable
from dnnd_dataset.records import TABLES, Record


def verify(out: Path) -> list[str]:
    """Every difference between ``out`` and what the models declare; empty when it verifies."""
    from dnnd_dataset.publishing.consistency import check_tables
    from dnnd_dataset.publishing.publish import sha256sums_ok

    out = Path(out)
    shown = printable(out)
    if not out.is_dir():
        return [f"{shown}: not a folder"]
    problems = [f"{shown}/{line}" for line in sha256sums_ok(out)]
    tables: dict[str, list[Record]] = {}
    for name in TABLES:
        records = _read_table(out, name, problems)
        if records is not None:
            tables[name] = records
    if len(tables) == len(TABLES):
        # Only on whole tables: a missing one would make every reference to it dangle.
        problems += [f"{shown}: {problem}" for problem in check_tables(tables)]
    counts = {name: len(records) for name, records in tables.items()}
    problems += [f"{shown}/README.md: {problem}" for problem in _card_counts(out, counts)]
    problems += [f"{shown}/croissant.json: {problem}" for problem in _croissant_hashes(out)]
    return problems


def _read_table(out: Path, name: str, problems: list[str]) -> list[Record] | None:
    """The rows of every file of a table, in shard order; None after a problem."""
    from dnnd_dataset.publishing.dataset_meta import SPLIT, data_file

    paths = sorted((out / "data" / name).glob(f"{SPLIT}-*.parquet"))
    if not paths:
        problems.append(f"{printable(out / data_file(name))}: missing")
        return None
    expected = [Path(data_file(name, shard, len(paths))).name for shard in range(len(paths))]
    if [path.name for path in paths] != expected:
        problems.append(
            f"{printable(out / 'data' / name)}: the files are not {expected[0]} to {expected[-1]}"
        )
        return None
    records: list[Record] = []
    for path in paths:
        rows = _read_file(path, name, problems)
        if rows is None:
            return None
        records += rows
    return records


def _read_file(path: Path, name: str, problems: list[str]) -> list[Record] | None:
    import pyarrow.parquet as pq

    from dnnd_dataset.publishing.arrow_schema import VERSION_KEY, arrow_schema, from_arrow

    shown = printable(path)
    try:
        table = pq.read_table(path)
    except Exception as error:  # pyarrow raises several unrelated types for bad files
        problems.append(f"{shown}: not a readable Parquet file ({error})")
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
