"""JSON Schema of every published record and raw file, generated from the models.

``schema/records/<table>.schema.json`` describe the published rows;
``schema/raw/*.schema.json`` the hand-written files: ``<registry>.schema.json`` one entry
file of ``raw/registry/<registry>/``, ``document.schema.json`` one annotation. Each raw
file points at its schema in its ``# yaml-language-server: $schema=...`` first line so
that editors validate as you type.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from dnnd_dataset.reading.raw_loading import REGISTRIES
from dnnd_dataset.reading.raw_models import DocumentAnnotation
from dnnd_dataset.records import TABLES

# raw/registry/<registry>/<id>.yaml -> schema/raw/<registry>.schema.json (one entry);
# raw/documents/<article_id>.yaml -> schema/raw/document.schema.json.
RAW_FILES: dict[str, type[BaseModel]] = {**REGISTRIES, "document": DocumentAnnotation}
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _schema(model: type[BaseModel], schema_id: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, "$id": schema_id, **schema}


def json_schemas() -> dict[str, dict[str, Any]]:
    """Every schema file, keyed by its path relative to ``schema/``."""
    files = {
        f"records/{name}.schema.json": _schema(spec.model, f"records/{name}.schema.json")
        for name, spec in TABLES.items()
    }
    files.update(
        {
            f"raw/{name}.schema.json": _schema(model, f"raw/{name}.schema.json")
            for name, model in RAW_FILES.items()
        }
    )
    return files


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_json_schemas(folder: Path) -> list[Path]:
    """Write every schema under ``folder``; return the paths written."""
    written = []
    for relative, schema in sorted(json_schemas().items()):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written
