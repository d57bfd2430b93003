"""The Arrow schema of every published table's Parquet file, and rows to and from it.

The columns come from the record models (:mod:`arrow_fields`). The schema metadata carries
the dataset version, the table name and the table description, so a Parquet file explains
itself without the card, and, under ``huggingface``, the table's ``datasets`` features as
``datasets`` itself writes them (:attr:`datasets.Features.arrow_schema`): any reader of a
single file with ``datasets`` (``load_dataset("parquet", data_files=...)``) gets the
``ClassLabel`` names, the nested structs and the dates the card declares.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import pyarrow as pa

from dnnd_dataset.publishing.arrow_fields import (
    DESCRIPTION_KEY,
    columns_schema,
    table_spec,
)
from dnnd_dataset.records import Record

VERSION_KEY = b"dnnd_dataset.version"
TABLE_KEY = b"dnnd_dataset.table"
# The key ``datasets`` writes and reads back its features under.
HUGGINGFACE_KEY = b"huggingface"


@functools.cache
def arrow_schema(table_name: str, version: str) -> pa.Schema:
    """The schema of a table's Parquet file, with version and table name in its metadata."""
    spec = table_spec(table_name)
    metadata = {
        VERSION_KEY: version.encode(),
        TABLE_KEY: spec.name.encode(),
        DESCRIPTION_KEY: spec.description.encode(),
        HUGGINGFACE_KEY: huggingface_metadata(table_name),
    }
    return columns_schema(table_name).with_metadata(metadata)


@functools.cache
def huggingface_metadata(table_name: str) -> bytes:
    """The ``huggingface`` schema metadata of a table: its features, written by ``datasets``."""
    # Imported here: reading a table (``dnnd.load``) checks its columns, not this metadata.
    from dnnd_dataset.publishing import hf_memo

    return hf_memo.huggingface_metadata(table_name)


def to_arrow(table_name: str, records: Iterable[Record], version: str) -> pa.Table:
    """The records as an Arrow table, rows sorted by the table's sort key."""
    spec = table_spec(table_name)
    rows = list(records)
    for row in rows:
        if type(row) is not spec.model:
            raise TypeError(
                f"table {table_name!r} holds {spec.model.__name__} records, "
                f"not {type(row).__name__}"
            )
    dumped = [(row.model_dump(), row.model_dump_json()) for row in rows]
    # The JSON dump breaks ties, so that input order never shows in the output.
    dumped.sort(key=lambda item: (spec.row_key(item[0]), item[1]))
    return pa.Table.from_pylist(
        [row for row, _ in dumped], schema=arrow_schema(table_name, version)
    )


def from_arrow(table_name: str, table: pa.Table) -> list[Record]:
    """The rows of an Arrow table as validated records of the table's model."""
    model = table_spec(table_name).model
    return [model.model_validate(row) for row in table.to_pylist()]
