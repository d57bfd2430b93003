"""croissant.json: structure, checksums, `mlcroissant validate`, and records read back."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dnnd_dataset.publishing.arrow_fields import model_fields, referenced_table
from dnnd_dataset.publishing.croissant import CONFORMS_TO, JOIN_ORDER, croissant, dumps
from dnnd_dataset.publishing.dataset_meta import LICENSE_URL, WrittenTable, data_file
from dnnd_dataset.publishing.rai import SECTIONS, rai_fields, sections
from dnnd_dataset.records import TABLES

from .conftest import REPO, run
from .synthetic import VERSION, write_sample, written_rows


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("croissant") / "out")


@pytest.fixture(scope="module")
def document(out: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
    return document


def _by_id(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {node["@id"]: node for node in nodes}


def test_dataset_level_properties(document: dict[str, Any]) -> None:
    assert document["@type"] == "sc:Dataset"
    assert document["conformsTo"] == CONFORMS_TO == "http://mlcommons.org/croissant/1.1"
    assert document["version"] == VERSION
    assert [(cw["@type"], cw["name"], cw.get("url")) for cw in document["license"]] == [
        ("sc:CreativeWork", "CC BY 4.0", LICENSE_URL),
        ("sc:CreativeWork", "LicenseRef-Publishers-Texts", None),
    ]
    assert document["citeAs"].startswith("@misc{dnnd_dataset,")
    assert document["inLanguage"] == "vi"


PUBLISHERS_WORDS = (
    "articles/title, articles/text, articles/text_normalized, mentions/text, evidence/quote, "
    "ner/text, ner/tokens"
)


def test_each_licence_names_the_fields_it_covers(document: dict[str, Any]) -> None:
    annotations, texts = document["license"]
    assert annotations["description"] == (
        "The annotations: every record set and field except the publishers' words, which are "
        f"in the fields {PUBLISHERS_WORDS}."
    )
    assert texts["description"].startswith(f"The source texts, in the fields {PUBLISHERS_WORDS}:")


def test_the_fields_of_the_publishers_words_say_their_licence(document: dict[str, Any]) -> None:
    note = " The publisher's words, under LicenseRef-Publishers-Texts (see license), not CC BY 4.0."
    fields = {
        field["@id"]: field["description"]
        for record_set in document["recordSet"]
        for field in record_set["field"]
    }
    marked = sorted(field_id for field_id, text in fields.items() if text.endswith(note))
    assert marked == sorted(PUBLISHERS_WORDS.split(", "))
    assert fields["articles/text"] == "Verbatim source text (byte-identical UTF-8)." + note


def test_every_table_is_a_file_object_with_its_sha256(out: Path, document: dict[str, Any]) -> None:
    files = _by_id(document["distribution"])
    assert set(files) == {f"{name}-parquet" for name in TABLES}
    for name in TABLES:
        node = files[f"{name}-parquet"]
        content = (out / data_file(name)).read_bytes()
        assert node["contentUrl"] == data_file(name)
        assert node["sha256"] == hashlib.sha256(content).hexdigest()
        assert node["contentSize"] == f"{len(content)} B"
        assert node["encodingFormat"] == "application/x-parquet"


def test_every_column_is_a_field(document: dict[str, Any]) -> None:
    record_sets = _by_id(document["recordSet"])
    assert list(record_sets) == list(TABLES)
    for name, spec in TABLES.items():
        fields = record_sets[name]["field"]
        assert [field["name"] for field in fields] == list(spec.model.model_fields)
        assert [field["@id"] for field in fields] == [
            f"{name}/{column}" for column in spec.model.model_fields
        ]


def test_data_types_follow_the_arrow_types(document: dict[str, Any]) -> None:
    fields = {
        field["@id"]: field for record_set in document["recordSet"] for field in record_set["field"]
    }
    assert fields["articles/title"]["dataType"] == "sc:Text"
    assert fields["articles/page_date"]["dataType"] == "sc:Date"
    assert fields["mentions/start"]["dataType"] == "sc:Integer"
    assert fields["meetings/date_inferred"]["dataType"] == "sc:Boolean"
    assert fields["articles/person_ids"] == {
        "@type": "cr:Field",
        "@id": "articles/person_ids",
        "name": "person_ids",
        "description": "Persons the article names in its body. "
        "Each value is the person_id of a row of persons.",
        "isArray": True,
        "arrayShape": "-1",
        "dataType": "sc:Text",
        "source": {"fileObject": {"@id": "articles-parquet"}, "extract": {"column": "person_ids"}},
    }


def test_lists_of_structs_have_sub_fields(document: dict[str, Any]) -> None:
    meetings = _by_id(document["recordSet"])["meetings"]
    participants = _by_id(meetings["field"])["meetings/participants"]
    assert participants["isArray"] is True
    assert "dataType" not in participants and "source" not in participants
    position = _by_id(participants["subField"])["meetings/participants/position"]
    assert position == {
        "@type": "cr:Field",
        "@id": "meetings/participants/position",
        "name": "position",
        "description": "The person's position as printed in that report; null if none is stated.",
        "dataType": "sc:Text",
        "source": {
            "fileObject": {"@id": "meetings-parquet"},
            "extract": {"column": "participants"},
            "transform": [{"jsonPath": "position"}],
        },
    }


def test_only_single_column_ids_are_keys(document: dict[str, Any]) -> None:
    record_sets = _by_id(document["recordSet"])
    assert record_sets["persons"]["key"] == {"@id": "persons/person_id"}
    assert "key" not in record_sets["mentions"]
    assert "key" not in record_sets["evidence"]


def test_same_input_same_bytes() -> None:
    tables = [WrittenTable("mentions", data_file("mentions"), 1, 2, 3, "0" * 64)]
    first = dumps(croissant(tables, version="1", citation="@misc{x}"))
    assert first == dumps(croissant(tables, version="1", citation="@misc{x}"))
    dated = croissant(tables, version="1", citation="@misc{x}", date_published=dt.date(2026, 1, 2))
    assert dated["datePublished"] == "2026-01-02"


# The `mlcroissant` command's entry point; its module has no `__main__` guard for `-m`.
MLCROISSANT = "from mlcroissant.scripts.cli import main; main()"


def _validate(folder: Path) -> subprocess.CompletedProcess[str]:
    return run(
        [sys.executable, "-c", MLCROISSANT, "validate", "--jsonld", "croissant.json"], cwd=folder
    )


def test_mlcroissant_validate_passes(out: Path) -> None:
    done = _validate(out)
    assert done.returncode == 0, done.stderr
    assert "Done." in done.stderr
    assert "error" not in done.stderr.lower()


def test_mlcroissant_validate_fails_on_a_broken_file(out: Path, tmp_path: Path) -> None:
    # Proves the command above really validates: a file without its FileObjects fails.
    document = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
    document["distribution"] = []
    (tmp_path / "croissant.json").write_text(json.dumps(document), encoding="utf-8")
    done = _validate(tmp_path)
    assert done.returncode != 0


def _plain(value: Any) -> Any:
    """mlcroissant's values as plain Python: text is bytes, dates are Timestamps."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key.rsplit("/", 1)[-1]: _plain(item) for key, item in value.items()}
    return value


@pytest.mark.parametrize("table_name", list(TABLES))
def test_mlcroissant_reads_every_record_set(out: Path, table_name: str) -> None:
    import mlcroissant

    dataset = mlcroissant.Dataset(jsonld=str(out / "croissant.json"))
    records = [_plain(record) for record in dataset.records(record_set=table_name)]
    assert records == written_rows(table_name)


def _fields(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every field and sub-field, depth first."""
    found: list[dict[str, Any]] = []
    for node in nodes:
        found.append(node)
        found += _fields(node.get("subField", []))
    return found


def test_join_order_places_every_table() -> None:
    assert sorted(JOIN_ORDER) == sorted(TABLES)


def _marked_references() -> dict[str, tuple[str, bool]]:
    """Field id -> referenced table and whether the field is a list, from the models."""
    import pyarrow as pa

    def walk(fields: list[pa.Field], prefix: str) -> dict[str, tuple[str, bool]]:
        found: dict[str, tuple[str, bool]] = {}
        for field in fields:
            target = referenced_table(field)
            if target is not None:
                found[f"{prefix}/{field.name}"] = (target, pa.types.is_list(field.type))
            inner = field.type.value_type if pa.types.is_list(field.type) else field.type
            if pa.types.is_struct(inner):
                found.update(walk(list(inner), f"{prefix}/{field.name}"))
        return found

    marked: dict[str, tuple[str, bool]] = {}
    for name, spec in TABLES.items():
        marked.update(walk(model_fields(spec.model), name))
    return marked


def test_every_foreign_key_that_points_back_in_join_order_is_a_reference(
    document: dict[str, Any],
) -> None:
    written = {
        field["@id"]: field["references"]["field"]["@id"]
        for record_set in document["recordSet"]
        for field in _fields(record_set["field"])
        if "references" in field
    }
    expected = {
        field_id: f"{target}/{TABLES[target].sort_key[0]}"
        for field_id, (target, is_list) in _marked_references().items()
        if not is_list and JOIN_ORDER.index(target) < JOIN_ORDER.index(field_id.split("/")[0])
    }
    assert written == expected
    # The links the metadata must let a consumer follow, whatever else changes.
    for field_id, key in {
        "mentions/article_id": "articles/article_id",
        "evidence/article_id": "articles/article_id",
        "ner/article_id": "articles/article_id",
        "meetings/participants/person_id": "persons/person_id",
        "persons/positions/post_id": "posts/post_id",
        "persons/positions/organization_id": "organizations/organization_id",
        "directives/adopted_at_meeting_id": "meetings/meeting_id",
        "posts/organization_id": "organizations/organization_id",
        "directives/issuer_id": "organizations/organization_id",
    }.items():
        assert written[field_id] == key, field_id


def test_the_ids_no_reference_can_follow_name_their_table(document: dict[str, Any]) -> None:
    fields = {
        field["@id"]: field
        for record_set in document["recordSet"]
        for field in _fields(record_set["field"])
    }
    meeting_ids = fields["directives/meeting_ids"]
    assert "references" not in meeting_ids
    assert meeting_ids["description"].endswith(
        " Each value is the meeting_id of a row of meetings."
    )
    parent = fields["organizations/parent_id"]
    assert "references" not in parent
    assert parent["description"].endswith(
        " Each value is the organization_id of a row of organizations."
    )


def test_references_point_at_keys(document: dict[str, Any]) -> None:
    keys = {rs["key"]["@id"] for rs in document["recordSet"] if "key" in rs}
    for record_set in document["recordSet"]:
        for field in _fields(record_set["field"]):
            if "references" in field:
                assert field["references"]["field"]["@id"] in keys, field["@id"]


def test_the_rai_fields_are_the_card_sections(document: dict[str, Any]) -> None:
    prose = (REPO / "DATASET_CARD.md").read_text(encoding="utf-8")
    assert [key for key in document if key.startswith("rai:")] == [p for p, _, _ in SECTIONS]
    assert document["rai:personalSensitiveInformation"][0].startswith(
        "The texts name public officials in their public roles"
    )
    assert document["rai:dataCollection"].startswith("The five texts were saved from the web")
    biases = document["rai:dataBiases"]
    assert len(biases) == sections(prose)["Bias, Risks, and Limitations"].count("\n- ") + 1
    assert biases[2].startswith("**A small corpus.**")


def test_rai_fields_split_lists_and_leave_out_missing_sections() -> None:
    prose = (
        "# Card\n\n## Uses\n\n### Direct Use\n\n- one\n  wrapped\n- two\n\n"
        "#### Data Collection and Processing\n\nSaved as\nreceived.\n\nSecond.\n"
    )
    assert rai_fields(prose) == {
        "rai:dataCollection": "Saved as received.\n\nSecond.",
        "rai:dataUseCases": ["one wrapped", "two"],
    }


def test_mlcroissant_reads_the_rai_fields(out: Path) -> None:
    import mlcroissant

    metadata = mlcroissant.Dataset(jsonld=str(out / "croissant.json")).metadata
    assert metadata.data_collection.startswith("The five texts were saved")
    assert metadata.data_biases[1].startswith("**One viewpoint.**")
    assert metadata.personal_sensitive_information[0].startswith("The texts name public")


def test_mlcroissant_alone_joins_record_sets_through_their_references(out: Path) -> None:
    """A consumer that knows nothing of the tables follows every reference the metadata
    declares, with mlcroissant only, and finds the row each value names."""
    import mlcroissant

    dataset = mlcroissant.Dataset(jsonld=str(out / "croissant.json"))
    records = {
        record_set.uuid: [_plain(r) for r in dataset.records(record_set=record_set.uuid)]
        for record_set in dataset.metadata.record_sets
    }
    followed = 0
    for record_set in dataset.metadata.record_sets:
        for field in record_set.fields:
            for leaf in [field, *field.sub_fields]:
                if leaf.references is None or leaf.references.uuid is None:
                    continue
                target_set, key = leaf.references.uuid.split("/")
                keys = {row[key] for row in records[target_set]}
                path = leaf.uuid.split("/")[1:]
                for row in records[record_set.uuid]:
                    for value in _values(row, path):
                        assert value in keys, (leaf.uuid, value)
                        followed += 1
    assert followed > 0
    # The join a user wants most: each mention with the title of its article.
    titles = {row["article_id"]: row["title"] for row in records["articles"]}
    joined = [(m["article_id"], titles[m["article_id"]]) for m in records["mentions"]]
    assert len(joined) == len(records["mentions"]) > 0


def _values(row: Any, path: list[str]) -> list[Any]:
    """The non-null values at ``path`` in a record, through lists and structs."""
    if isinstance(row, list):
        return [value for item in row for value in _values(item, path)]
    if not path:
        return [] if row is None else [row]
    return _values(row[path[0]], path[1:])
