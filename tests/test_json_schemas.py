"""schema/ is generated from the models and stays in sync; raw files point at it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from dnnd_dataset.publishing.json_schemas import json_schemas, render
from dnnd_dataset.reading.raw_loading import REGISTRIES

from .conftest import RAW, REPO

SCHEMA = REPO / "schema"
RAW_FILES = sorted(RAW.glob("registry/*/*.yaml")) + sorted(RAW.glob("documents/*.yaml"))


def _schema_of(path: Path) -> str:
    """The header each raw file carries: registries one folder deeper than documents."""
    if path.parent.name == "documents":
        return "../../schema/raw/document.schema.json"
    return f"../../../schema/raw/{path.parent.name}.schema.json"


def test_schema_folder_equals_the_models() -> None:
    generated = {name: render(schema) for name, schema in json_schemas().items()}
    on_disk = {
        path.relative_to(SCHEMA).as_posix(): path.read_text(encoding="utf-8")
        for path in SCHEMA.rglob("*.json")
    }
    assert sorted(on_disk) == sorted(generated)
    for name, text in generated.items():
        assert on_disk[name] == text, f"schema/{name} is stale: run `dnnd schema`"


def test_every_registry_has_entries_on_disk() -> None:
    assert sorted({path.parent.name for path in RAW_FILES} - {"documents"}) == sorted(REGISTRIES)


@pytest.mark.parametrize("path", RAW_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_raw_file_declares_and_satisfies_its_schema(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    expected = _schema_of(path)
    assert first_line == f"# yaml-language-server: $schema={expected}"
    schema = json.loads((path.parent / expected).read_text(encoding="utf-8"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML dates arrive as date objects; the editor sees them as strings.
    jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def test_schema_rejects_an_unknown_key() -> None:
    schema = json_schemas()["raw/persons.schema.json"]
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        jsonschema.validate({"id": "x", "name": "X", "nickname": "y"}, schema)


def test_every_field_is_described() -> None:
    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                assert "description" in prop, name
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for schema in json_schemas().values():
        walk(schema)
