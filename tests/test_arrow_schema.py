"""The Arrow schema derived from the record models, checked against the SPEC's contract."""

from __future__ import annotations

import datetime as dt
import random
from typing import Annotated, Literal, get_args

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field

from dnnd_dataset.errors import UnknownTableError
from dnnd_dataset.publishing.arrow_fields import (
    DESCRIPTION_KEY,
    REFERENCES_KEY,
    model_fields,
    referenced_table,
)
from dnnd_dataset.publishing.arrow_schema import (
    TABLE_KEY,
    VERSION_KEY,
    arrow_schema,
    from_arrow,
    to_arrow,
)
from dnnd_dataset.publishing.hf_features import features
from dnnd_dataset.records import I32, INT32_MAX, TABLES, Int32, Mention, Record

from .synthetic import VERSION, sample_tables

STRING = pa.string()
INT32 = pa.int32()
DATE32 = pa.date32()
BOOL = pa.bool_()


def list_of(item: pa.DataType) -> pa.DataType:
    return pa.list_(pa.field("element", item, nullable=False))


def struct(**members: tuple[pa.DataType, bool]) -> pa.DataType:
    return pa.struct([pa.field(name, t, nullable=n) for name, (t, n) in members.items()])


def req(t: pa.DataType) -> tuple[pa.DataType, bool]:
    return (t, False)


def opt(t: pa.DataType) -> tuple[pa.DataType, bool]:
    return (t, True)


IDS = req(list_of(STRING))

# The SPEC's tables, column by column: (type, nullable), with the columns of 1.1 that change
# one (participants[].roles for role) or that users are told to rely on (the boilerplate
# lists, posts). Evidence, posts and ner are not in the SPEC's list; their columns are the
# models'.
SPEC: dict[str, dict[str, tuple[pa.DataType, bool]]] = {
    "articles": {
        "article_id": req(STRING),
        "title": req(STRING),
        "text": req(STRING),
        "text_normalized": req(STRING),
        "sha256": req(STRING),
        "outlet": opt(STRING),
        "url": opt(STRING),
        "page_date": opt(DATE32),
        "page_clock": opt(DATE32),
        "authors": IDS,
        "credits": req(
            list_of(
                struct(
                    name=req(STRING),
                    role=req(STRING),
                    person_id=opt(STRING),
                    organization_id=opt(STRING),
                    inferred=req(BOOL),
                    basis=opt(STRING),
                )
            )
        ),
        "boilerplate": req(list_of(struct(start=req(INT32), end=req(INT32), kind=req(STRING)))),
        "person_ids": IDS,
        "organization_ids": IDS,
        "directive_ids": IDS,
        "meeting_ids": IDS,
        "boilerplate_person_ids": IDS,
        "boilerplate_organization_ids": IDS,
        "boilerplate_directive_ids": IDS,
        "boilerplate_meeting_ids": IDS,
    },
    "mentions": {
        "article_id": req(STRING),
        "start": req(INT32),
        "end": req(INT32),
        "text": req(STRING),
        "label": req(STRING),
        "entity_id": opt(STRING),
        "in_boilerplate": req(BOOL),
    },
    "meetings": {
        "meeting_id": req(STRING),
        "name": req(STRING),
        "kind": req(STRING),
        "date": opt(DATE32),
        "date_precision": req(STRING),
        "date_inferred": req(BOOL),
        "date_basis": opt(STRING),
        "date_edtf": opt(STRING),
        "location": opt(STRING),
        "organizer_ids": IDS,
        "full_name": req(STRING),
        "full_name_inferred": req(BOOL),
        "full_name_basis": opt(STRING),
        "participants": req(
            list_of(
                struct(
                    person_id=req(STRING),
                    roles=IDS,
                    position=opt(STRING),
                    inferred=req(BOOL),
                    basis=opt(STRING),
                )
            )
        ),
        "attendance": opt(INT32),
        "attendance_qualifier": opt(STRING),
        "directive_ids": IDS,
        "adopted_directive_ids": IDS,
        "article_ids": IDS,
        "boilerplate_article_ids": IDS,
        "only_in_boilerplate": req(BOOL),
    },
    "persons": {
        "person_id": req(STRING),
        "name": req(STRING),
        "other_names": IDS,
        "positions": req(
            list_of(
                struct(
                    title=req(STRING),
                    post_id=opt(STRING),
                    organization_id=opt(STRING),
                    as_of=opt(DATE32),
                    article_id=req(STRING),
                )
            )
        ),
        "roles": IDS,
        "wikidata_id": opt(STRING),
        "article_ids": IDS,
        "boilerplate_article_ids": IDS,
        "only_in_boilerplate": req(BOOL),
    },
    "directives": {
        "directive_id": req(STRING),
        "kind": req(STRING),
        "number": opt(STRING),
        "code": opt(STRING),
        "code_derived": req(BOOL),
        "code_basis": opt(STRING),
        "issuer_id": opt(STRING),
        "term": opt(STRING),
        "issued_on": opt(DATE32),
        "subject": opt(STRING),
        "adopted_at_meeting_id": opt(STRING),
        "surface_forms": IDS,
        "article_ids": IDS,
        "boilerplate_article_ids": IDS,
        "only_in_boilerplate": req(BOOL),
        "meeting_ids": IDS,
    },
    "organizations": {
        "organization_id": req(STRING),
        "name": req(STRING),
        "other_names": IDS,
        "kind": req(STRING),
        "parent_id": opt(STRING),
        "article_ids": IDS,
        "boilerplate_article_ids": IDS,
        "only_in_boilerplate": req(BOOL),
    },
    "posts": {
        "post_id": req(STRING),
        "name": req(STRING),
        "organization_id": opt(STRING),
        "titles": IDS,
        "person_ids": IDS,
    },
    "evidence": {
        "table": req(STRING),
        "record_id": req(STRING),
        "field": req(STRING),
        "article_id": req(STRING),
        "start": req(INT32),
        "end": req(INT32),
        "quote": req(STRING),
    },
    "ner": {
        "article_id": req(STRING),
        "sentence_index": req(INT32),
        "start": req(INT32),
        "end": req(INT32),
        "text": req(STRING),
        "tokens": IDS,
        "token_starts": req(list_of(INT32)),
        "token_ends": req(list_of(INT32)),
        # ClassLabel indices: int64 is the storage of datasets.ClassLabel, nullable as its
        # features are, so that datasets reads the label names back from the file.
        "ner_tags": opt(pa.list_(pa.field("element", pa.int64(), nullable=True))),
        "entity_ids": req(pa.list_(pa.field("element", STRING, nullable=True))),
    },
}


def assert_conforms(actual: pa.DataType, expected: pa.DataType, where: str) -> None:
    """Exact types, except that a struct may have members the SPEC does not list."""
    if pa.types.is_struct(expected):
        assert pa.types.is_struct(actual), where
        for member in expected:
            got = actual.field(member.name)
            assert got.nullable == member.nullable, f"{where}.{member.name} nullability"
            assert_conforms(got.type, member.type, f"{where}.{member.name}")
    elif pa.types.is_list(expected):
        assert pa.types.is_list(actual) and not pa.types.is_large_list(actual), where
        assert actual.value_field.nullable == expected.value_field.nullable, f"{where}[] null"
        assert_conforms(actual.value_type, expected.value_type, f"{where}[]")
    else:
        assert actual == expected, f"{where}: {actual} != {expected}"


def test_spec_lists_every_table() -> None:
    assert set(SPEC) == set(TABLES)


@pytest.mark.parametrize("table_name", list(SPEC))
def test_columns_have_the_spec_types(table_name: str) -> None:
    schema = arrow_schema(table_name, VERSION)
    for column, (expected, nullable) in SPEC[table_name].items():
        field = schema.field(column)
        assert field.nullable == nullable, f"{table_name}.{column} nullability"
        assert_conforms(field.type, expected, f"{table_name}.{column}")


@pytest.mark.parametrize("table_name", list(TABLES))
def test_every_field_carries_its_model_description(table_name: str) -> None:
    def check(fields: list[pa.Field], model: type[Record]) -> None:
        for field in fields:
            description = model.model_fields[field.name].description
            assert description is not None
            assert field.metadata[DESCRIPTION_KEY] == description.encode()
            assert set(field.metadata) <= {DESCRIPTION_KEY, REFERENCES_KEY}
            inner = field.type.value_type if pa.types.is_list(field.type) else field.type
            if pa.types.is_struct(inner):
                nested = _nested_model(model, field.name)
                check(list(inner), nested)

    check(list(arrow_schema(table_name, VERSION)), TABLES[table_name].model)


def _nested_model(model: type[Record], name: str) -> type[Record]:
    (item,) = get_args(model.model_fields[name].annotation)
    assert isinstance(item, type) and issubclass(item, Record)
    return item


def test_schema_metadata_names_version_and_table() -> None:
    schema = arrow_schema("meetings", "2.3.4")
    assert schema.metadata == {
        VERSION_KEY: b"2.3.4",
        TABLE_KEY: b"meetings",
        DESCRIPTION_KEY: TABLES["meetings"].description.encode(),
        b"huggingface": features("meetings").arrow_schema.metadata[b"huggingface"],
    }


def test_columns_follow_model_field_order() -> None:
    for name, spec in TABLES.items():
        assert arrow_schema(name, VERSION).names == list(spec.model.model_fields)


class Every(Record):
    text: str = Field(description="a string")
    flag: bool = Field(description="a bool")
    day: dt.date | None = Field(description="a nullable date")
    count: I32 = Field(description="an int32")
    maybe_count: I32 | None = Field(description="a nullable int32")
    choice: Literal["a", "b"] = Field(description="an enumeration")
    names: list[Annotated[str, Field(min_length=1)]] = Field(description="a list")
    maybe_names: list[str | None] = Field(description="a list with null items")


def test_each_annotation_maps_to_its_arrow_type() -> None:
    got = {field.name: (field.type, field.nullable) for field in model_fields(Every)}
    assert got == {
        "text": (STRING, False),
        "flag": (BOOL, False),
        "day": (DATE32, True),
        "count": (INT32, False),
        "maybe_count": (INT32, True),
        "choice": (STRING, False),
        "names": (list_of(STRING), False),
        "maybe_names": (pa.list_(pa.field("element", STRING, nullable=True)), False),
    }


class PlainInt(Record):
    n: int = Field(description="an int without the Int32 marker")


class TwoTypes(Record):
    v: str | bool = Field(description="a union that is not X | None")


class NoDescription(Record):
    v: str


class FloatField(Record):
    v: float = Field(description="a float")


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (PlainInt, "an int needs the Int32 or ClassLabels marker"),
        (TwoTypes, "X | None"),
        (NoDescription, "no description"),
        (FloatField, "no Arrow mapping"),
    ],
)
def test_unmapped_annotations_are_errors(model: type[Record], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        model_fields(model)


def test_int32_marker_is_what_makes_an_int32() -> None:
    assert Int32() in Mention.model_fields["start"].metadata


def test_unknown_table_is_an_error() -> None:
    with pytest.raises(UnknownTableError, match="no table 'people'"):
        arrow_schema("people", VERSION)


@pytest.mark.parametrize("table_name", list(TABLES))
def test_round_trip_through_parquet(table_name: str, tmp_path) -> None:
    records = sample_tables()[table_name]
    table = to_arrow(table_name, records, VERSION)
    assert table.schema == arrow_schema(table_name, VERSION)
    pq.write_table(table, tmp_path / "t.parquet")
    read = pq.read_table(tmp_path / "t.parquet")
    assert read.schema.equals(table.schema, check_metadata=True)
    back = from_arrow(table_name, read)
    assert sorted(back, key=repr) == sorted(records, key=repr)
    assert all(type(record) is TABLES[table_name].model for record in back)


def test_rows_are_sorted_by_id_whatever_the_input_order() -> None:
    records = list(sample_tables()["directives"])
    ids = to_arrow("directives", records, VERSION).column("directive_id").to_pylist()
    assert ids == ["ct-04-2011", "ct-04-2021"]
    shuffled = records[::-1]
    assert to_arrow("directives", shuffled, VERSION) == to_arrow("directives", records, VERSION)


def _mention(start: int, entity_id: str | None, label: str = "PERSON") -> Mention:
    return Mention.model_validate(
        {
            "article_id": "a",
            "start": start,
            "end": start + 1,
            "text": "x",
            "label": label,
            "entity_id": entity_id,
            "in_boilerplate": False,
        }
    )


def test_sort_key_columns_in_order_with_none_first() -> None:
    mentions = [
        _mention(5, "b"),
        _mention(5, "a"),
        _mention(5, None, "LOCATION"),
        _mention(5, None),
        _mention(2, "z"),
    ]
    random.Random(0).shuffle(mentions)
    rows = to_arrow("mentions", mentions, VERSION).to_pylist()
    assert [(r["start"], r["label"], r["entity_id"]) for r in rows] == [
        (2, "PERSON", "z"),
        (5, "LOCATION", None),
        (5, "PERSON", None),
        (5, "PERSON", "a"),
        (5, "PERSON", "b"),
    ]


def test_records_of_another_table_are_refused() -> None:
    with pytest.raises(TypeError, match="holds Mention records, not Article"):
        to_arrow("mentions", sample_tables()["articles"], VERSION)


def test_an_empty_table_keeps_its_schema() -> None:
    table = to_arrow("evidence", [], VERSION)
    assert table.num_rows == 0
    assert table.schema == arrow_schema("evidence", VERSION)


slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)
offsets = st.integers(min_value=0, max_value=INT32_MAX)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            Mention,
            article_id=slugs,
            start=offsets,
            end=offsets,
            text=st.text(),
            label=st.sampled_from(["PERSON", "ORGANIZATION", "DIRECTIVE", "MEETING", "LOCATION"]),
            entity_id=st.none() | slugs,
        ),
        max_size=8,
    )
)
def test_mentions_round_trip_exactly(mentions: list[Mention]) -> None:
    table = to_arrow("mentions", mentions, VERSION)
    assert sorted(from_arrow("mentions", table), key=repr) == sorted(mentions, key=repr)


def test_id_fields_name_the_table_their_values_are_rows_of() -> None:
    schema = arrow_schema("meetings", VERSION)
    assert referenced_table(schema.field("organizer_ids")) == "organizations"
    assert referenced_table(schema.field("article_ids")) == "articles"
    assert referenced_table(schema.field("meeting_id")) is None
    participant = schema.field("participants").type.value_type.field("person_id")
    assert participant.metadata[REFERENCES_KEY] == b"persons"
    positions = arrow_schema("persons", VERSION).field("positions").type.value_type
    assert referenced_table(positions.field("post_id")) == "posts"
    assert referenced_table(positions.field("organization_id")) == "organizations"
    assert referenced_table(arrow_schema("mentions", VERSION).field("article_id")) == "articles"
    # An id whose table depends on another column names none.
    assert referenced_table(arrow_schema("evidence", VERSION).field("record_id")) is None
    assert referenced_table(arrow_schema("mentions", VERSION).field("entity_id")) is None


def test_the_references_verify_checks_are_those_the_models_mark() -> None:
    from dnnd_dataset.publishing.consistency import REFERENCES

    for table, references in REFERENCES.items():
        for column, target, _ in references:
            name, _, member = column.partition(".")
            field = arrow_schema(table, VERSION).field(name)
            if member:
                field = field.type.value_type.field(member)
            assert referenced_table(field) == target, f"{table}.{column}"
