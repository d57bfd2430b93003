"""Every example of docs/annotating.md is a valid raw file of the kind its schema line names."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from dnnd_dataset.drafting.accepting import REGISTRY_OF_KIND
from dnnd_dataset.reading.raw_loading import REGISTRIES
from dnnd_dataset.reading.raw_models import DocumentAnnotation, Proposal
from dnnd_dataset.reading.rawio import parse_yaml

from .conftest import REPO

PAGE = (REPO / "docs" / "annotating.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```yaml\n(.*?)```", PAGE, re.DOTALL)
SCHEMA = re.compile(r"^# yaml-language-server: \$schema=[./]*schema/raw/(\w+)\.schema\.json\n")
MODELS: dict[str, type[BaseModel]] = {"document": DocumentAnnotation, **REGISTRIES}


FILES = [example for example in EXAMPLES if SCHEMA.match(example)]
EXCERPTS = [example for example in EXAMPLES if example.startswith("proposals:\n")]


def test_the_page_shows_every_raw_format() -> None:
    shown = [found[1] for example in FILES if (found := SCHEMA.match(example))]
    assert sorted(shown) == sorted(MODELS)
    assert len(FILES) + len(EXCERPTS) == len(EXAMPLES)


def test_the_proposal_shown_holds_an_entry_its_registry_takes() -> None:
    (excerpt,) = EXCERPTS
    (proposal,) = parse_yaml(excerpt, "docs/annotating.md").data["proposals"]
    model = Proposal.model_validate(proposal)
    assert model.entry is not None
    REGISTRIES[REGISTRY_OF_KIND[model.kind]].model_validate(model.entry)


def _kind(example: str) -> str:
    found = SCHEMA.match(example)
    return found[1] if found else "?"


@pytest.mark.parametrize("example", FILES, ids=_kind)
def test_each_example_validates_against_its_model(example: str) -> None:
    found = SCHEMA.match(example)
    assert found is not None, example[:80]
    data = parse_yaml(example, "docs/annotating.md").data
    MODELS[found[1]].model_validate(data)
