"""Croissant 1.1 metadata (``croissant.json``) for the published tables.

Every table is a ``FileObject`` (its Parquet file, with its SHA-256) and a ``RecordSet``
with one ``Field`` per column, derived from the Arrow schema: a list column is an array
field (``isArray``), a struct is a field with ``subField`` s that pick their member out of
the column with a ``jsonPath`` transform, the layout ``mlcroissant`` reads from Parquet.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from dnnd_dataset.publishing import dataset_meta
from dnnd_dataset.publishing.arrow_fields import (
    DESCRIPTION_KEY,
    model_fields,
    referenced_table,
    table_spec,
)
from dnnd_dataset.publishing.dataset_meta import WrittenTable

CONFORMS_TO = "http://mlcommons.org/croissant/1.1"

# The @context mlcroissant writes for Croissant 1.1; it warns on any other.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

# The order in which record sets may reference each other: a field's ``references`` is
# written only when it names a record set earlier here than its own. mlcroissant recurses
# without end on a cycle of references between record sets, and cannot read the records
# of a record set that references itself (``organizations.parent_id``); and the
# models hold both directions of most links (``persons.article_ids`` and
# ``articles.person_ids``), so one direction is kept: from each table to the tables it
# builds on. Articles come first since every other table cites them; the inverse lists
# (``articles.person_ids``, ``meetings.directive_ids``, ``posts.person_ids``, ...) keep their
# meaning in their descriptions, as do lists of ids (``directives.meeting_ids``), which
# mlcroissant cannot join on. A new table must be placed here (a test lists them all).
JOIN_ORDER: tuple[str, ...] = (
    "articles",
    "organizations",
    "posts",
    "persons",
    "meetings",
    "directives",
    "mentions",
    "evidence",
    "ner",
)

_DATA_TYPES: dict[pa.DataType, str] = {
    pa.string(): "sc:Text",
    pa.int32(): "sc:Integer",
    pa.int64(): "sc:Integer",
    pa.date32(): "sc:Date",
    pa.bool_(): "sc:Boolean",
}


def croissant(
    tables: Sequence[WrittenTable],
    *,
    version: str,
    citation: str,
    date_published: dt.date | None = None,
    rai: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The Croissant JSON-LD document describing the written tables.

    ``rai`` holds the Responsible AI properties (``rai:...``), from the card's prose.
    """
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": dataset_meta.NAME,
        "alternateName": dataset_meta.PRETTY_NAME,
        "description": dataset_meta.SUMMARY,
        "version": version,
        "license": licenses(),
        "citeAs": citation,
        "creator": {"@type": "sc:Organization", "name": dataset_meta.CREATOR},
        "inLanguage": "vi",
        "keywords": list(dataset_meta.KEYWORDS),
        "distribution": [_file_object(table) for table in tables],
        "recordSet": [_record_set(table) for table in tables],
    }
    document.update(rai or {})
    if date_published is not None:
        document["datePublished"] = date_published.isoformat()
    return document


def licenses() -> list[dict[str, Any]]:
    """Both licences, each naming what it covers (Croissant states licences per dataset)."""
    texts = ", ".join(dataset_meta.PUBLISHERS_TEXT_FIELDS)
    return [
        {
            "@type": "sc:CreativeWork",
            "name": "CC BY 4.0",
            "url": dataset_meta.LICENSE_URL,
            "description": "The annotations: every record set and field except the "
            f"publishers' words, which are in the fields {texts}.",
        },
        {
            "@type": "sc:CreativeWork",
            "name": dataset_meta.TEXTS_LICENSE_ID,
            "description": f"The source texts, in the fields {texts}: their copyright remains "
            "with their publishers (articles.outlet, articles.credits). Included for research "
            "use with attribution; any other use, republication above all, needs the "
            "publisher's permission.",
        },
    ]


def dumps(document: dict[str, Any]) -> str:
    """Stable JSON text: same document, same bytes."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _file_object_id(table_name: str) -> str:
    return f"{table_name}-parquet"


def _file_object(table: WrittenTable) -> dict[str, Any]:
    if table.shards:
        # Several files: one set; their checksums are in SHA256SUMS.
        return {
            "@type": "cr:FileSet",
            "@id": _file_object_id(table.name),
            "name": _file_object_id(table.name),
            "description": f"Parquet files of the {table.name} table, {len(table.shards)} shards.",
            "encodingFormat": "application/x-parquet",
            "includes": table.path,
        }
    return {
        "@type": "cr:FileObject",
        "@id": _file_object_id(table.name),
        "name": _file_object_id(table.name),
        "description": f"Parquet file of the {table.name} table.",
        "contentUrl": table.path,
        "contentSize": f"{table.file_size} B",
        "encodingFormat": "application/x-parquet",
        "sha256": table.sha256,
    }


def _record_set(table: WrittenTable) -> dict[str, Any]:
    spec = table_spec(table.name)
    record_set: dict[str, Any] = {
        "@type": "cr:RecordSet",
        "@id": table.name,
        "name": table.name,
        "description": spec.description,
    }
    # A key must identify a row: only the id tables have one column that does.
    if len(spec.sort_key) == 1:
        record_set["key"] = {"@id": f"{table.name}/{spec.sort_key[0]}"}
    record_set["field"] = [
        _field(table, field, column=field.name, path=(), parent_id=table.name)
        for field in model_fields(spec.model)
    ]
    return record_set


def _field(
    table: WrittenTable, field: pa.Field, *, column: str, path: tuple[str, ...], parent_id: str
) -> dict[str, Any]:
    """The Croissant field of an Arrow field; ``path`` leads from the column to a member."""
    field_id = f"{parent_id}/{field.name}"
    node: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": field_id,
        "name": field.name,
        "description": field.metadata[DESCRIPTION_KEY].decode(),
    }
    if field_id in dataset_meta.PUBLISHERS_TEXT_FIELDS:
        node["description"] += (
            f" The publisher's words, under {dataset_meta.TEXTS_LICENSE_ID} (see license), "
            "not CC BY 4.0."
        )
    arrow_type = field.type
    if pa.types.is_list(arrow_type):
        node["isArray"] = True
        node["arrayShape"] = "-1"
        arrow_type = arrow_type.value_type
    if pa.types.is_struct(arrow_type):
        node["subField"] = [
            _field(table, member, column=column, path=(*path, member.name), parent_id=field_id)
            for member in arrow_type.fields
        ]
        return node
    if arrow_type not in _DATA_TYPES:
        raise TypeError(f"no Croissant data type for Arrow type {arrow_type}")
    node["dataType"] = _DATA_TYPES[arrow_type]
    node["source"] = _source(table, column, path)
    target = referenced_table(field)
    if target is not None:
        # The id tables' one-column key (see _record_set): a foreign key to its rows.
        (key,) = table_spec(target).sort_key
        if _joinable(table.name, target, field):
            node["references"] = {"field": {"@id": f"{target}/{key}"}}
        else:
            node["description"] += f" Each value is the {key} of a row of {target}."
    return node


def _joinable(table_name: str, target: str, field: pa.Field) -> bool:
    """Whether mlcroissant can follow a reference from ``field`` of ``table_name``.

    It cannot when the field is a list of ids (it joins on the list as one value) nor when
    the reference would close a cycle (see :data:`JOIN_ORDER`).
    """
    if pa.types.is_list(field.type):
        return False
    return JOIN_ORDER.index(target) < JOIN_ORDER.index(table_name)


def _source(table: WrittenTable, column: str, path: tuple[str, ...]) -> dict[str, Any]:
    kind = "fileSet" if table.shards else "fileObject"
    source: dict[str, Any] = {
        kind: {"@id": _file_object_id(table.name)},
        "extract": {"column": column},
    }
    if path:
        source["transform"] = [{"jsonPath": member} for member in path]
    return source
