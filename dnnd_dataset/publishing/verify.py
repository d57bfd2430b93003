"""Checking a published output folder: checksums, schemas, and every row against the models."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from dnnd_dataset.records import TABLES


def verify(out: Path) -> list[str]:
    """Every difference between ``out`` and what the models declare; empty when it verifies."""
    import pyarrow.parquet as pq

    from dnnd_dataset.publishing.arrow_schema import VERSION_KEY, arrow_schema, from_arrow
    from dnnd_dataset.publishing.dataset_meta import data_file
    from dnnd_dataset.publishing.publish import sha256sums_ok

    out = Path(out)
    if not out.is_dir():
        return [f"{out}: not a folder"]
    problems = [f"{out}/{line}" for line in sha256sums_ok(out)]
    for name in TABLES:
        path = out / data_file(name)
        if not path.is_file():
            problems.append(f"{path}: missing")
            continue
        try:
            table = pq.read_table(path)
        except Exception as error:  # pyarrow raises several unrelated types for bad files
            problems.append(f"{path}: not a readable Parquet file ({error})")
            continue
        version = (table.schema.metadata or {}).get(VERSION_KEY, b"").decode()
        expected = arrow_schema(name, version)
        # Parquet names list items 'element' where Arrow says 'item': compare types, then
        # the metadata that carries the descriptions and the version, separately.
        described = [(f.name, f.metadata) for f in table.schema]
        if (
            not table.schema.equals(expected)
            or table.schema.metadata != expected.metadata
            or described != [(f.name, f.metadata) for f in expected]
        ):
            problems.append(f"{path}: schema differs from the models' schema of {name}")
            continue
        try:
            from_arrow(name, table)
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                problems.append(f"{path}: row field {detail['loc']}: {detail['msg']}")
    return problems
