"""The Arrow schema of every published table, derived from the record models.

Nothing here is typed by hand: each model field becomes one Arrow field, by the rules

======================  ============================
model annotation        Arrow type
======================  ============================
``str``, ``Literal``    ``string``
``bool``                ``bool``
``datetime.date``       ``date32``
``int`` + ``Int32``     ``int32``
``int`` + ``ClassLabels`` ``int64``, the names in the field metadata
``list[X]``             ``list<X>``
a ``Record`` subclass   ``struct<...>`` of its fields
``X | None``            ``X``, nullable
======================  ============================

and every other annotation is a ``TypeError``, so that a new field type gets a deliberate
mapping instead of whatever Arrow would infer. Each field carries its description in the
field metadata, and the schema carries the dataset version, the table name and the table
description, so a Parquet file explains itself without the card.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import types
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel

from dnnd_dataset.errors import UnknownTableError
from dnnd_dataset.records import TABLES, ClassLabels, Int32, Record, TableSpec

DESCRIPTION_KEY = b"description"
# On a field (or a list's element field) holding ClassLabel indices: the JSON list of names.
CLASS_LABELS_KEY = b"dnnd_dataset.class_labels"
VERSION_KEY = b"dnnd_dataset.version"
TABLE_KEY = b"dnnd_dataset.table"


def table_spec(table_name: str) -> TableSpec:
    """The spec of a published table, or :class:`UnknownTableError`."""
    try:
        return TABLES[table_name]
    except KeyError:
        raise UnknownTableError(table_name, TABLES) from None


def model_fields(model: type[BaseModel]) -> list[pa.Field]:
    """One Arrow field per model field, in declaration order."""
    return [_arrow_field(model, name) for name in model.model_fields]


@functools.cache
def arrow_schema(table_name: str, version: str) -> pa.Schema:
    """The schema of a table's Parquet file, with version and table name in its metadata."""
    spec = table_spec(table_name)
    metadata = {
        VERSION_KEY: version.encode(),
        TABLE_KEY: spec.name.encode(),
        DESCRIPTION_KEY: spec.description.encode(),
    }
    return pa.schema(model_fields(spec.model), metadata=metadata)


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


def _arrow_field(model: type[BaseModel], name: str) -> pa.Field:
    info = model.model_fields[name]
    if not info.description:
        raise TypeError(f"{model.__name__}.{name} has no description")
    arrow_type, nullable = _resolve(info.annotation, tuple(info.metadata))
    metadata = {DESCRIPTION_KEY: info.description.encode()}
    metadata.update(_class_label_metadata(info.annotation, tuple(info.metadata)))
    return pa.field(name, arrow_type, nullable=nullable, metadata=metadata)


def class_labels(field: pa.Field) -> tuple[str, ...] | None:
    """The ClassLabel names of a field that holds their indices, else None."""
    if field.metadata is None or CLASS_LABELS_KEY not in field.metadata:
        return None
    return tuple(json.loads(field.metadata[CLASS_LABELS_KEY]))


def _class_label_metadata(annotation: Any, metadata: tuple[object, ...]) -> dict[bytes, bytes]:
    while get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata = (*metadata, *extra)
    for marker in metadata:
        if isinstance(marker, ClassLabels):
            return {CLASS_LABELS_KEY: json.dumps(list(marker.names)).encode()}
    return {}


def _resolve(annotation: Any, metadata: tuple[object, ...]) -> tuple[pa.DataType, bool]:
    """The Arrow type of an annotation, and whether it admits null."""
    while get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata = (*metadata, *extra)
    if get_origin(annotation) in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(members) != 1:
            raise TypeError(f"only `X | None` unions map to Arrow, not {annotation!r}")
        inner, _ = _resolve(members[0], metadata)
        return inner, True
    return _non_null_type(annotation, metadata), False


def _non_null_type(annotation: Any, metadata: tuple[object, ...]) -> pa.DataType:
    origin = get_origin(annotation)
    if origin is list:
        (item,) = get_args(annotation)
        item_type, item_nullable = _resolve(item, ())
        # "element" is the Parquet LIST name, so a file reads back with exactly this schema.
        element = pa.field(
            "element",
            item_type,
            nullable=item_nullable,
            metadata=_class_label_metadata(item, ()) or None,
        )
        return pa.list_(element)
    if origin is Literal:
        if not all(isinstance(value, str) for value in get_args(annotation)):
            raise TypeError(f"only string literals map to Arrow, not {annotation!r}")
        return pa.string()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(model_fields(annotation))
    # Identity checks, not issubclass: bool is an int and datetime is a date.
    if annotation is str:
        return pa.string()
    if annotation is bool:
        return pa.bool_()
    if annotation is dt.date:
        return pa.date32()
    if annotation is int and any(isinstance(marker, Int32) for marker in metadata):
        return pa.int32()
    if annotation is int and any(isinstance(marker, ClassLabels) for marker in metadata):
        return pa.int64()
    raise TypeError(
        f"no Arrow mapping for {annotation!r} (an int needs the Int32 or ClassLabels marker)"
    )
