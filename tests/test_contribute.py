"""The contributor's loop on three articles written for it: add, review, accept, check, build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench import contribute


@pytest.mark.skipif(shutil.which("git") is None, reason="the copy of the checkout needs git")
def test_three_new_articles_go_from_text_to_a_verified_build(tmp_path: Path) -> None:
    result = contribute.contribute(tmp_path, tests=False)
    edits = {name: row["hand_edits"] for name, row in result["articles"].items()}
    # The reviewer's decisions each article needs, as bench/contribute/*.edits.yaml make them.
    assert edits == {"binh-dinh": 9, "nhat-viet": 7, "quan-triet": 4}
    first = max(int(p.name[:3]) for p in (contribute.ROOT / "raw" / "documents").glob("*.txt"))
    numbers = [row["article_id"][:3] for row in result["articles"].values()]
    assert numbers == [f"{first + n:03d}" for n in (1, 2, 3)]
    assert (tmp_path / "dataset" / "SHA256SUMS").is_file()
    registry = tmp_path / "raw" / "registry"
    for entry in (
        "organizations/lien-hiep-cac-to-chuc-huu-nghi-tinh-binh-dinh.yaml",
        "organizations/hoi-huu-nghi-nhat-viet.yaml",
        "persons/tanaka-hiroshi.yaml",
        "persons/ly-van-thanh.yaml",
    ):
        assert (registry / entry).is_file(), entry
    assert not list((tmp_path / "raw" / "documents").glob("*.yaml.*"))
