"""The gold of the pre-annotator's development and test articles passes the project's own
checks, laid over raw/, so that it stays valid as the code and the corpus change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench import devset

from .conftest import REPO


@pytest.mark.parametrize("split", devset.SPLITS)
def test_every_gold_annotation_passes_the_checks(split: str) -> None:
    report = devset.check_split(split)
    assert report.format() == ""
    checked = set(report.stats["documents"])
    assert set(devset.article_ids(split)) <= checked


def test_the_splits_hold_their_articles_and_no_article_of_raw() -> None:
    dev, test = devset.article_ids("dev"), devset.article_ids("test")
    assert len(dev) >= 8 and len(test) >= 3
    assert not set(dev) & set(test)
    raw = {path.stem for path in (REPO / "raw" / "documents").glob("*.yaml")}
    assert not (set(dev) | set(test)) & raw
    for split in devset.SPLITS:
        for article_id in devset.article_ids(split):
            assert (devset.split_folder(split) / "documents" / f"{article_id}.txt").is_file()


def test_a_split_file_never_replaces_a_file_of_raw(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    entry = sorted((devset.split_folder("dev") / "registry" / "persons").glob("*.yaml"))[0]
    (raw / "registry" / "persons" / entry.name).write_text("id: x\n", encoding="utf-8")
    with pytest.raises(devset.SplitError) as refused:
        devset.overlay("dev", tmp_path / "work", raw)
    assert str(refused.value) == (
        f"{entry}: raw/registry/persons/{entry.name} exists already; give the entry another"
        " id or use the one of raw/"
    )


def test_an_unknown_split_is_refused() -> None:
    with pytest.raises(devset.SplitError) as refused:
        devset.article_ids("train")
    assert str(refused.value) == "unknown split 'train': use one of dev, test"


def test_an_issue_of_the_gold_names_the_files_of_the_split_and_of_raw(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    # A raw/ whose union no longer has the abbreviation a gold text uses.
    union = raw / "registry" / "organizations" / "lien-hiep-cac-to-chuc-huu-nghi-viet-nam.yaml"
    union.write_text(
        union.read_text(encoding="utf-8").replace("other_names: [LHHN]\n", ""), encoding="utf-8"
    )
    report = devset.check_split("dev", raw)
    gold = devset.split_folder("dev") / "documents" / "dev-02-ha-noi-bretagne.yaml"
    refused = [issue for issue in report.issues if issue.path == str(gold)]
    # Both occurrences of the 'all: true' mention, each in the gold's file, the fix in raw/'s.
    assert [(issue.code, issue.message, issue.hint) for issue in refused] == 2 * [
        (
            "mention-not-an-alias",
            "'LHHN' is not a name of 'lien-hiep-cac-to-chuc-huu-nghi-viet-nam'",
            f"add 'LHHN' to other_names in {union}, or correct the quote",
        )
    ]
