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
    assert len(dev) >= 1
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


def test_an_issue_of_the_gold_names_the_file_of_the_split(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    # A raw/ that lacks an entry the gold names: the issue is the gold's, at its own path.
    (raw / "registry" / "directives" / "chi-thi-04-ct-tw-khoa-xi.yaml").unlink()
    (raw / "registry" / "meetings" / "hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011.yaml").unlink()
    (raw / "documents" / "000-129a49d91db6336b.yaml").unlink()
    (raw / "documents" / "000-129a49d91db6336b.txt").unlink()
    report = devset.check_split("dev", raw)
    paths = {issue.path for issue in report.issues}
    assert str(devset.split_folder("dev") / "documents" / "dev-01-quang-binh.yaml") in paths
    assert all(not path.startswith("/tmp/dnnd-dev-") for path in paths)
