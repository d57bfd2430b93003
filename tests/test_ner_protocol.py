"""The NER evaluation protocol: document-level folds as split instructions, and the baseline."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter
from pathlib import Path

import pytest

import dnnd_dataset as dnnd
from dnnd_dataset.builder import build
from dnnd_dataset.publishing.ner_protocol import FIXED_SPLITS_FROM, Fold, bucket, folds

from .conftest import RAW, REPO, python, run


def test_leave_one_article_out_while_the_corpus_is_small() -> None:
    assert folds([("a", 2), ("b", 0), ("c", 3), ("d", 1)]) == [
        Fold("fold-0", ("a",), train="train[2:6]", test="train[0:2]"),
        Fold("fold-1", ("c",), train="train[0:2]+train[5:6]", test="train[2:5]"),
        Fold("fold-2", ("d",), train="train[0:5]", test="train[5:6]"),
    ]


def test_hash_buckets_are_fixed() -> None:
    # The bucket of an id never changes: it is part of the published protocol.
    ids = ["000-129a49d91db6336b", "001-7aa88a628dfba5ee", "002-a35811e9377ab383"]
    assert [bucket(article_id) for article_id in ids] == [2, 8, 7]
    digest = hashlib.sha256(ids[0].encode()).digest()
    assert bucket(ids[0]) == int.from_bytes(digest[:8], "big") % 10


def test_fixed_splits_once_the_corpus_is_large() -> None:
    articles = [(f"{n:03d}-x", 2) for n in range(FIXED_SPLITS_FROM)]
    (fold,) = folds(articles)
    assert fold.name == "fixed"
    rows: Counter[int] = Counter()
    for instruction in (fold.train, fold.validation, fold.test):
        assert instruction
        for part in instruction.split("+"):
            start, end = part.removeprefix("train[").removesuffix("]").split(":")
            rows.update(range(int(start), int(end)))
    assert rows == Counter(range(2 * FIXED_SPLITS_FROM))  # every row in exactly one split
    tested = [a for a, _ in articles if bucket(a) == 9]
    assert fold.test_articles == tuple(tested) and tested
    # One article fewer: the fixed split says "not yet".
    assert folds(articles[:-1])[0].name == "fold-0"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("protocol")
    build(RAW, folder / "dataset")
    return folder


LOAD_FOLDS = """
import json, sys, datasets
from collections import Counter
from dnnd_dataset.publishing.ner_protocol import folds
whole = datasets.load_dataset("./dataset", "ner", split="train")
found = folds(sorted(Counter(whole["article_id"]).items()))
print(json.dumps([
    [sorted(set(datasets.load_dataset("./dataset", "ner", split=s)["article_id"]))
     for s in (f.train, f.test)] + [list(f.test_articles)]
    for f in found
]))
"""


def test_load_dataset_reads_each_fold_as_whole_articles(built: Path) -> None:
    done = python("-c", LOAD_FOLDS, cwd=built, HF_HUB_OFFLINE="1", HF_HOME=str(built / "hf"))
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.splitlines()[-1])
    articles = sorted({a.article_id for a in dnnd.load("articles")})
    assert len(loaded) == len(articles)
    for (train, test, tested), article in zip(loaded, articles, strict=True):
        assert test == tested == [article]
        assert train == [a for a in articles if a != article]


def test_the_card_lists_the_folds(built: Path) -> None:
    card = (built / "dataset" / "README.md").read_text(encoding="utf-8")
    section = card.split("## The `ner` config: evaluation protocol", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| fold-")]
    assert rows[0].startswith("| fold-0 | `000-129a49d91db6336b` | `train[21:")
    assert rows[0].endswith("| none | `train[0:21]` |")


def test_the_card_reports_the_baseline_that_the_bench_measures(built: Path) -> None:
    """A snapshot, like the README's outputs: after a corpus change, run
    ``python build.py && python -m bench.ner_baseline --update-card``."""
    done = run(
        [sys.executable, "-m", "bench.ner_baseline", "--dataset", str(built / "dataset")],
        cwd=REPO,
        env={
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "HF_HOME": str(built / "hf"),
        },
    )
    assert done.returncode == 0, done.stderr
    card = (REPO / "DATASET_CARD.md").read_text(encoding="utf-8")
    shown = card.split("--update-card -->\n", 1)[1].split("\n<!-- /ner-baseline -->", 1)[0]
    assert done.stdout.strip() == shown, "run: python -m bench.ner_baseline --update-card"
    assert "| micro avg |" in shown
