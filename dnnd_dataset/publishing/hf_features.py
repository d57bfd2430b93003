"""Hugging Face ``datasets`` features and card ``dataset_info``, derived from the Arrow schema.

The Arrow schema is itself derived from the record models (see :mod:`arrow_schema`), so the
features the card declares are the types the Parquet files hold, and
``datasets.load_dataset`` reads them without a cast. Lists become ``datasets.List``, which
``datasets`` maps to Arrow ``list`` (32-bit offsets) like our files; ``Sequence`` would turn
a list of structs into a struct of lists, and ``LargeList`` into ``large_list``. A field
whose model marks it with ``ClassLabels`` (the ``ner`` tags) becomes a ``ClassLabel`` with
those names, stored as ``int64`` like the file.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from datasets import ClassLabel, Features, List, Value

from dnnd_dataset.publishing.arrow_schema import class_labels, model_fields, table_spec
from dnnd_dataset.publishing.dataset_meta import SPLIT


def features(table_name: str) -> Features:
    """The features of a table, one per column."""
    fields = model_fields(table_spec(table_name).model)
    return Features({field.name: field_feature(field) for field in fields})


def field_feature(field: pa.Field) -> Any:
    """The ``datasets`` feature of one Arrow field: a ClassLabel where it holds label indices."""
    names = class_labels(field)
    if names is not None:
        return ClassLabel(names=list(names))
    arrow_type = field.type
    if pa.types.is_list(arrow_type):
        return List(field_feature(arrow_type.value_field))
    if pa.types.is_struct(arrow_type):
        return {member.name: field_feature(member) for member in arrow_type.fields}
    return feature(arrow_type)


def feature(arrow_type: pa.DataType) -> Any:
    """The ``datasets`` feature of one Arrow type of our schemas."""
    if pa.types.is_list(arrow_type):
        return List(feature(arrow_type.value_type))
    if pa.types.is_struct(arrow_type):
        return {field.name: feature(field.type) for field in arrow_type.fields}
    if arrow_type in _VALUE_TYPES:
        return Value(_VALUE_TYPES[arrow_type])
    raise TypeError(f"no datasets feature for Arrow type {arrow_type}")


_VALUE_TYPES: dict[pa.DataType, str] = {
    pa.string(): "string",
    pa.int32(): "int32",
    pa.int64(): "int64",
    pa.date32(): "date32",
    pa.bool_(): "bool",
}


def dataset_info(
    table_name: str, *, num_examples: int, num_bytes: int, download_size: int
) -> dict[str, Any]:
    """The card's ``dataset_info`` entry of one config (table) with its single split.

    ``num_bytes`` is the size of the split in Arrow memory, as ``datasets`` counts it;
    ``download_size`` is the size of the Parquet file.
    """
    return {
        "config_name": table_name,
        "features": features(table_name)._to_yaml_list(),
        "splits": [{"name": SPLIT, "num_bytes": num_bytes, "num_examples": num_examples}],
        "download_size": download_size,
        "dataset_size": num_bytes,
    }
