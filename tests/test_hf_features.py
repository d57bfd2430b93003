"""Hugging Face features and dataset_info, and loading the written folder with `datasets`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from datasets import ClassLabel, Features, LargeList, List, Value
from datasets.info import DatasetInfosDict

import dnnd_dataset
from dnnd_dataset.publishing.arrow_schema import arrow_schema, to_arrow
from dnnd_dataset.publishing.hf_features import dataset_info, features
from dnnd_dataset.records import NER_TAGS, TABLES

from .conftest import run
from .synthetic import VERSION, sample_tables, write_sample, written_rows


def test_meetings_features_exactly() -> None:
    string = Value("string")
    assert features("meetings") == Features(
        {
            "meeting_id": string,
            "name": string,
            "full_name": string,
            "full_name_inferred": Value("bool"),
            "full_name_basis": string,
            "kind": string,
            "date": Value("date32"),
            "date_precision": string,
            "date_inferred": Value("bool"),
            "date_basis": string,
            "date_edtf": string,
            "location": string,
            "organizer_ids": List(string),
            "participants": List(
                {
                    "person_id": string,
                    "roles": List(string),
                    "position": string,
                    "inferred": Value("bool"),
                    "basis": string,
                }
            ),
            "participant_organization_ids": List(string),
            "participant_groups": List(string),
            "attendance": Value("int32"),
            "attendance_qualifier": string,
            "directive_ids": List(string),
            "adopted_directive_ids": List(string),
            "article_ids": List(string),
            "boilerplate_article_ids": List(string),
            "only_in_boilerplate": Value("bool"),
        }
    )


def test_ner_features_exactly() -> None:
    offsets = List(Value("int32"))
    assert features("ner") == Features(
        {
            "article_id": Value("string"),
            "sentence_index": Value("int32"),
            "start": Value("int32"),
            "end": Value("int32"),
            "text": Value("string"),
            "tokens": List(Value("string")),
            "token_starts": offsets,
            "token_ends": offsets,
            "ner_tags": List(ClassLabel(names=list(NER_TAGS))),
            "entity_ids": List(Value("string")),
        }
    )
    assert NER_TAGS == (
        "O",
        "B-PERSON",
        "I-PERSON",
        "B-ORGANIZATION",
        "I-ORGANIZATION",
        "B-DIRECTIVE",
        "I-DIRECTIVE",
        "B-MEETING",
        "I-MEETING",
        "B-LOCATION",
        "I-LOCATION",
    )


def test_dataset_info_declares_the_class_label_names() -> None:
    info = dataset_info("ner", num_examples=1, num_bytes=1, download_size=1)
    entries = {entry["name"]: entry for entry in info["features"]}
    assert entries["ner_tags"] == {
        "name": "ner_tags",
        "list": {"class_label": {"names": {str(i): tag for i, tag in enumerate(NER_TAGS)}}},
    }


def test_boilerplate_offsets_are_int32() -> None:
    assert features("articles")["boilerplate"] == List(
        {"start": Value("int32"), "end": Value("int32"), "kind": Value("string")}
    )


def _walk(node: object) -> list[object]:
    if isinstance(node, dict):
        return [node, *(leaf for value in node.values() for leaf in _walk(value))]
    if isinstance(node, (List, LargeList)):
        return [node, *_walk(node.feature)]
    return [node]


@pytest.mark.parametrize("table_name", list(TABLES))
def test_features_use_only_our_four_values_and_list(table_name: str) -> None:
    for node in _walk(dict(features(table_name))):
        if isinstance(node, ClassLabel):
            assert (table_name, node.names) == ("ner", list(NER_TAGS))
            continue
        assert isinstance(node, (dict, List, Value)), node
        if isinstance(node, Value):
            assert node.dtype in {"string", "int32", "date32", "bool"}
        if isinstance(node, List):
            assert node.length == -1


@pytest.mark.parametrize("table_name", list(TABLES))
def test_our_tables_cast_to_the_features_without_change(table_name: str) -> None:
    table = to_arrow(table_name, sample_tables()[table_name], VERSION)
    cast = table.cast(features(table_name).arrow_schema)
    assert cast.to_pylist() == table.to_pylist()
    assert [f.type for f in cast.schema] == [
        _without_names_or_nullability(f.type) for f in arrow_schema(table_name, VERSION)
    ]


def _without_names_or_nullability(arrow_type: pa.DataType) -> pa.DataType:
    if pa.types.is_list(arrow_type):
        return pa.list_(_without_names_or_nullability(arrow_type.value_type))
    if pa.types.is_struct(arrow_type):
        return pa.struct([(f.name, _without_names_or_nullability(f.type)) for f in arrow_type])
    return arrow_type


def test_datasets_maps_arrow_types_as_our_files_need() -> None:
    # Our files hold list (32-bit offsets); were they large_list, the features would say so.
    struct = pa.struct([("start", pa.int32()), ("kind", pa.string())])
    schema = pa.schema(
        [
            ("spans", pa.list_(struct)),
            ("big", pa.large_list(pa.string())),
            ("day", pa.date32()),
            ("flag", pa.bool_()),
        ]
    )
    assert Features.from_arrow_schema(schema) == Features(
        {
            "spans": List({"start": Value("int32"), "kind": Value("string")}),
            "big": LargeList(Value("string")),
            "day": Value("date32"),
            "flag": Value("bool"),
        }
    )


@pytest.mark.parametrize("table_name", list(TABLES))
def test_dataset_info_round_trips_through_yaml_list(table_name: str) -> None:
    info = dataset_info(table_name, num_examples=3, num_bytes=120, download_size=80)
    (read,) = DatasetInfosDict.from_dataset_card_data({"dataset_info": info}).values()
    assert read.features == features(table_name)
    assert read.splits["train"].num_examples == 3
    assert info["config_name"] == table_name
    assert info["splits"] == [{"name": "train", "num_bytes": 120, "num_examples": 3}]
    assert (info["download_size"], info["dataset_size"]) == (80, 120)


def test_dataset_info_writes_lists_of_structs_with_list_key() -> None:
    info = dataset_info("persons", num_examples=1, num_bytes=1, download_size=1)
    entries = {entry["name"]: entry for entry in info["features"]}
    assert entries["positions"] == {
        "name": "positions",
        "list": [
            {"name": "title", "dtype": "string"},
            {"name": "post_id", "dtype": "string"},
            {"name": "organization_id", "dtype": "string"},
            {"name": "as_of", "dtype": "date32"},
            {"name": "as_of_inferred", "dtype": "bool"},
            {"name": "article_id", "dtype": "string"},
        ],
    }
    assert entries["other_names"] == {"name": "other_names", "list": "string"}
    assert entries["wikidata_id"] == {"name": "wikidata_id", "dtype": "string"}


# Run in a fresh interpreter so that HF_HUB_OFFLINE is read at import time, as a user's is.
LOAD_SCRIPT = """
import json, pathlib, sys
import datasets
out, cache, package_data = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
result = {}
for name in sys.argv[4:]:
    ds = datasets.load_dataset(out, name, split="train", cache_dir=cache)
    # A direct read of the shards knows nothing of the card: only the files' own metadata.
    shards = sorted(str(p) for p in (pathlib.Path(out) / "data" / name).glob("*.parquet"))
    direct = datasets.load_dataset("parquet", data_files=shards, split="train", cache_dir=cache)
    packaged = datasets.load_dataset(
        "parquet", data_files=str(package_data / f"{name}.parquet"), split="train",
        cache_dir=cache,
    )
    result[name] = {
        "features": ds.features.to_dict(),
        "direct": direct.features.to_dict(),
        "packaged": packaged.features.to_dict(),
        "rows": ds.to_list(),
        "nbytes": ds.data.table.nbytes,
    }
default = datasets.load_dataset(out, split="train", cache_dir=cache)
result["default"] = default.column_names
print(json.dumps(result, default=str))
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    base = tmp_path_factory.mktemp("hf")
    out = write_sample(base / "out")
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HOME": str(base / "hf-home"),
    }
    package_data = Path(dnnd_dataset.__file__).parent / "_data"
    command: list[str | Path] = [
        sys.executable,
        "-c",
        LOAD_SCRIPT,
        out,
        base / "cache",
        package_data,
        *TABLES,
    ]
    done = run(command, env=env)
    assert done.returncode == 0, done.stderr
    loaded: dict[str, dict[str, object]] = json.loads(done.stdout.splitlines()[-1])
    return loaded


@pytest.mark.parametrize("table_name", list(TABLES))
def test_load_dataset_gives_the_declared_features(loaded, table_name: str) -> None:
    assert Features.from_dict(loaded[table_name]["features"]) == features(table_name)


@pytest.mark.parametrize("table_name", list(TABLES))
def test_parquet_shards_read_alone_give_the_declared_features(loaded, table_name: str) -> None:
    assert Features.from_dict(loaded[table_name]["direct"]) == features(table_name)


@pytest.mark.parametrize("table_name", list(TABLES))
def test_package_data_files_read_alone_give_the_declared_features(loaded, table_name: str) -> None:
    assert Features.from_dict(loaded[table_name]["packaged"]) == features(table_name)


@pytest.mark.parametrize("table_name", list(TABLES))
def test_files_carry_the_features_as_datasets_writes_them(table_name: str) -> None:
    metadata = arrow_schema(table_name, VERSION).metadata
    assert metadata[b"huggingface"] == features(table_name).arrow_schema.metadata[b"huggingface"]
    assert json.loads(metadata[b"huggingface"]) == {
        "info": {"features": features(table_name).to_dict()}
    }


@pytest.mark.parametrize("table_name", list(TABLES))
def test_load_dataset_gives_every_value_back(loaded, table_name: str) -> None:
    # Dates come back through JSON as ISO strings; everything else exactly, nulls included.
    expected = json.loads(json.dumps(written_rows(table_name), default=str))
    assert loaded[table_name]["rows"] == expected


@pytest.mark.parametrize("table_name", list(TABLES))
def test_num_bytes_we_declare_is_what_datasets_holds(loaded, table_name: str) -> None:
    table = to_arrow(table_name, sample_tables()[table_name], VERSION)
    assert loaded[table_name]["nbytes"] == table.nbytes


def test_default_config_is_articles(loaded) -> None:
    assert loaded["default"] == list(TABLES["articles"].model.model_fields)
