"""Hugging Face ``datasets`` features and card ``dataset_info``, derived from the Arrow schema.

The Arrow schema is itself derived from the record models (see :mod:`arrow_fields`), and
``datasets.Features.from_arrow_schema`` turns it into features, exactly as ``datasets``
does when it reads our Parquet files: ``list`` becomes ``List``, ``large_list`` would become
``LargeList``, a struct a dict of features, ``date32`` ``Value("date32")``. So the features
the card declares are the ones ``load_dataset`` reports, and no cast happens on loading.
A field whose model marks it with ``ClassLabels`` (the ``ner`` tags) then becomes a
``ClassLabel`` with those names, stored as ``int64`` like the file.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from datasets import ClassLabel, DatasetInfo, Features, List, SplitDict, SplitInfo
from datasets.info import DatasetInfosDict

from dnnd_dataset.publishing.arrow_fields import class_labels, model_fields, table_spec
from dnnd_dataset.publishing.dataset_meta import SPLIT


def features(table_name: str) -> Features:
    """The features of a table, one per column."""
    fields = model_fields(table_spec(table_name).model)
    derived = Features.from_arrow_schema(pa.schema(fields))
    return Features({field.name: _labelled(field, derived[field.name]) for field in fields})


def huggingface_metadata(table_name: str) -> bytes:
    """The ``huggingface`` schema metadata of a table: its features, written by ``datasets``."""
    hf_schema = features(table_name).arrow_schema
    value: bytes = (hf_schema.metadata or {})[b"huggingface"]
    return value


def _labelled(field: pa.Field, feature: Any) -> Any:
    """``feature`` with a ClassLabel wherever the model marks label indices."""
    names = class_labels(field)
    if names is not None:
        return ClassLabel(names=list(names))
    if isinstance(feature, List) and pa.types.is_list(field.type):
        return List(_labelled(field.type.value_field, feature.feature))
    if isinstance(feature, dict) and pa.types.is_struct(field.type):
        return {member.name: _labelled(member, feature[member.name]) for member in field.type}
    return feature


def dataset_info(
    table_name: str, *, num_examples: int, num_bytes: int, download_size: int
) -> dict[str, Any]:
    """The card's ``dataset_info`` entry of one config (table) with its single split.

    ``num_bytes`` is the size of the split in Arrow memory, as ``datasets`` counts it;
    ``download_size`` is the size of the Parquet file. Written by ``datasets`` itself, as
    ``push_to_hub`` writes a card.
    """
    info = DatasetInfo(
        features=features(table_name),
        splits=SplitDict(
            {SPLIT: SplitInfo(name=SPLIT, num_bytes=num_bytes, num_examples=num_examples)}
        ),
        download_size=download_size,
        dataset_size=num_bytes,
    )
    card: dict[str, Any] = {}
    DatasetInfosDict({table_name: info}).to_dataset_card_data(card)
    entry: dict[str, Any] = card["dataset_info"]
    return entry
