"""Every example of docs/annotating.md is a valid raw file of the kind its schema line names."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from dnnd_dataset.reading.raw_loading import REGISTRIES
from dnnd_dataset.reading.raw_models import DocumentAnnotation
from dnnd_dataset.reading.rawio import parse_yaml

from .conftest import REPO

PAGE = (REPO / "docs" / "annotating.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```yaml\n(.*?)```", PAGE, re.DOTALL)
SCHEMA = re.compile(r"^# yaml-language-server: \$schema=[./]*schema/raw/(\w+)\.schema\.json\n")
MODELS: dict[str, type[BaseModel]] = {"document": DocumentAnnotation, **REGISTRIES}


def test_the_page_shows_every_raw_format() -> None:
    shown = [found[1] for example in EXAMPLES if (found := SCHEMA.match(example))]
    assert sorted(shown) == sorted(MODELS)
    assert len(shown) == len(EXAMPLES)


def _kind(example: str) -> str:
    found = SCHEMA.match(example)
    return found[1] if found else "?"


@pytest.mark.parametrize("example", EXAMPLES, ids=_kind)
def test_each_example_validates_against_its_model(example: str) -> None:
    found = SCHEMA.match(example)
    assert found is not None, example[:80]
    data = parse_yaml(example, "docs/annotating.md").data
    MODELS[found[1]].model_validate(data)
