"""Each part under its own licence, said the same way by the card, the README, the licence
files and the citation; the wheel's metadata is checked in test_packaging."""

from __future__ import annotations

import re

import yaml

from dnnd_dataset._version import RELEASE_DATE, __version__
from dnnd_dataset.publishing.dataset_meta import (
    HUB_LICENSE,
    LICENSE_EXPRESSION,
    LICENSE_FILES,
    LICENSE_ID,
    LICENSING,
)
from dnnd_dataset.publishing.owned_folder import OUTPUT_LAYOUT

from .conftest import REPO


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^{re.escape(heading)}\n\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, heading
    return match[1]


def test_the_card_says_it_as_the_licensing_text() -> None:
    card = (REPO / "DATASET_CARD.md").read_text(encoding="utf-8")
    assert _section(card, "## Licensing").strip() == LICENSING.strip()


def test_the_readme_says_it_the_same_way() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert _section(readme, "## Licences").startswith(LICENSING)


def test_each_licence_file_is_there_and_named() -> None:
    assert [p for p in LICENSE_FILES if not (REPO / p).is_file()] == []
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    cc = (REPO / "LICENSES" / "CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International Public License" in cc
    texts = (REPO / "LICENSES" / "LicenseRef-Publishers-Texts.txt").read_text(encoding="utf-8")
    assert "They are included for research use with attribution" in " ".join(texts.split())
    assert "included for research use with attribution" in " ".join(LICENSING.split())


def test_the_package_licence_names_all_three() -> None:
    assert LICENSE_EXPRESSION.split(" AND ") == ["MIT", "CC-BY-4.0", "LicenseRef-Publishers-Texts"]
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'license = "{LICENSE_EXPRESSION}"' in pyproject
    assert LICENSE_ID == "cc-by-4.0"  # the licence of the annotations


def test_the_hub_licence_links_to_the_card_the_build_writes() -> None:
    assert HUB_LICENSE == {
        "license": "other",
        "license_name": "cc-by-4.0-annotations-and-publishers-texts",
        "license_link": "README.md",
    }
    assert OUTPUT_LAYOUT.owns_file(HUB_LICENSE["license_link"])


def test_citation_cff_matches_the_release() -> None:
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["type"] == "dataset"
    assert citation["version"] == __version__
    assert str(citation["date-released"]) == RELEASE_DATE
    assert citation["license"] == "CC-BY-4.0"
    assert citation["authors"] == [{"name": "dnnd-dataset contributors"}]
    assert {"cff-version", "message", "title", "authors"} <= set(citation)
