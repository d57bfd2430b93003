"""The Arrow fields of every published table, derived from the record models.

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
field metadata. The schema of a file, with its schema metadata, is :mod:`arrow_schema`'s.
"""

from __future__ import annotations

import datetime as dt
import json
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel

from dnnd_dataset.errors import UnknownTableError
from dnnd_dataset.records import TABLES, ClassLabels, Int32, References, TableSpec

DESCRIPTION_KEY = b"description"
# On a field (or a list's element field) holding ClassLabel indices: the JSON list of names.
CLASS_LABELS_KEY = b"dnnd_dataset.class_labels"
# On a field of ids (or a list of them) that name rows of another table: that table's name.
REFERENCES_KEY = b"dnnd_dataset.references"


def table_spec(table_name: str) -> TableSpec:
    """The spec of a published table, or :class:`UnknownTableError`."""
    try:
        return TABLES[table_name]
    except KeyError:
        raise UnknownTableError(table_name, TABLES) from None


def model_fields(model: type[BaseModel]) -> list[pa.Field]:
    """One Arrow field per model field, in declaration order."""
    return [_arrow_field(model, name) for name in model.model_fields]


def columns_schema(table_name: str) -> pa.Schema:
    """The columns of a table's Parquet file, without the schema metadata."""
    return pa.schema(model_fields(table_spec(table_name).model))


def _arrow_field(model: type[BaseModel], name: str) -> pa.Field:
    info = model.model_fields[name]
    if not info.description:
        raise TypeError(f"{model.__name__}.{name} has no description")
    arrow_type, nullable = _resolve(info.annotation, tuple(info.metadata))
    metadata = {DESCRIPTION_KEY: info.description.encode()}
    metadata.update(_class_label_metadata(info.annotation, tuple(info.metadata)))
    target = _referenced_table(info.annotation, tuple(info.metadata))
    if target is not None:
        metadata[REFERENCES_KEY] = target.encode()
    # ``datasets`` reads a column's features back from the file's ``huggingface`` metadata
    # only when the column's Arrow field is the one its features give, and features are
    # always nullable: so a column of ClassLabel indices is nullable in Arrow (the model
    # still refuses a null), or a direct read of the file would lose the label names.
    labelled = CLASS_LABELS_KEY in metadata or _labelled_elements(arrow_type)
    return pa.field(name, arrow_type, nullable=nullable or labelled, metadata=metadata)


def referenced_table(field: pa.Field) -> str | None:
    """The table whose ids a field (or its list) holds, when the model marks it, else None."""
    if field.metadata is None or REFERENCES_KEY not in field.metadata:
        return None
    table: bytes = field.metadata[REFERENCES_KEY]
    return table.decode()


def _referenced_table(annotation: Any, metadata: tuple[object, ...]) -> str | None:
    """The ``References`` mark of an annotation, through ``X | None`` and ``list[X]``."""
    while get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata = (*metadata, *extra)
    for marker in metadata:
        if isinstance(marker, References):
            return marker.table
    if get_origin(annotation) in (Union, types.UnionType, list):
        found = {table for arg in get_args(annotation) if (table := _referenced_table(arg, ()))}
        if len(found) > 1:
            raise TypeError(f"{annotation!r} references more than one table: {sorted(found)}")
        return found.pop() if found else None
    return None


def admits_null(field: pa.Field) -> bool:
    """Whether the model lets the column hold null (label columns are nullable only in Arrow)."""
    labelled = class_labels(field) is not None or _labelled_elements(field.type)
    return field.nullable and not labelled


def _labelled_elements(arrow_type: pa.DataType) -> bool:
    return pa.types.is_list(arrow_type) and class_labels(arrow_type.value_field) is not None


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
        labels = _class_label_metadata(item, ())
        # "element" is the Parquet LIST name, so a file reads back with exactly this schema.
        # Label indices are nullable for ``datasets``' sake (see _arrow_field).
        element = pa.field(
            "element", item_type, nullable=item_nullable or bool(labels), metadata=labels or None
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
