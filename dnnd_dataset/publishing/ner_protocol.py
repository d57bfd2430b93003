"""The evaluation protocol of the ``ner`` config: document-level folds as ``datasets`` splits.

Sentences of one article share names, phrasing and page furniture, so a model tested on
sentences of an article it was trained on is flattered: every fold holds whole articles.
While the corpus has fewer than :data:`FIXED_SPLITS_FROM` articles, the protocol is
leave-one-article-out (one fold per article, its sentences the test split, all others the
training split) and scores pool the predictions of every fold. From that size on, it is one
fixed split by a hash of the article id (:func:`bucket`): 80% train, 10% validation, 10%
test, so that adding articles never moves an article from one split to another.

The ``ner`` table is sorted by ``article_id``, so each article is one run of rows, and each
split is a ``datasets`` split instruction over the published ``train`` split
(``"train[0:37]+train[52:134]"``), which ``load_dataset(..., "ner", split=...)`` reads as is.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Sequence

# From this many articles on, one fixed train/validation/test split replaces the folds.
FIXED_SPLITS_FROM = 50
BUCKETS = 10
VALIDATION_BUCKET = 8
TEST_BUCKET = 9


@dataclasses.dataclass(frozen=True)
class Fold:
    """One fold: its name, the articles it tests, and its splits as split instructions."""

    name: str
    test_articles: tuple[str, ...]
    train: str
    test: str
    validation: str | None = None


def bucket(article_id: str) -> int:
    """The hash bucket of an article, 0 to 9: the same on every machine and in every version."""
    digest = hashlib.sha256(article_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def folds(rows_per_article: Sequence[tuple[str, int]]) -> list[Fold]:
    """The folds of a ``ner`` table whose articles, in table order, have these row counts."""
    ranges = _ranges(rows_per_article)
    if len(ranges) < FIXED_SPLITS_FROM:
        return [
            Fold(
                name=f"fold-{index}",
                test_articles=(article_id,),
                train=_instruction([r for r in ranges if r[0] != article_id]),
                test=_instruction([(article_id, start, end)]),
            )
            for index, (article_id, start, end) in enumerate(ranges)
        ]
    parts: dict[str, list[tuple[str, int, int]]] = {"train": [], "validation": [], "test": []}
    for article in ranges:
        kind = {VALIDATION_BUCKET: "validation", TEST_BUCKET: "test"}.get(bucket(article[0]))
        parts[kind or "train"].append(article)
    return [
        Fold(
            name="fixed",
            test_articles=tuple(article_id for article_id, _, _ in parts["test"]),
            train=_instruction(parts["train"]),
            test=_instruction(parts["test"]),
            validation=_instruction(parts["validation"]),
        )
    ]


def _ranges(rows_per_article: Iterable[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """Each article with rows, with the row range it occupies."""
    ranges: list[tuple[str, int, int]] = []
    start = 0
    for article_id, count in rows_per_article:
        if count:
            ranges.append((article_id, start, start + count))
        start += count
    return ranges


def _instruction(ranges: Sequence[tuple[str, int, int]]) -> str:
    """The rows of ``ranges`` as a ``datasets`` split instruction, adjacent ranges merged."""
    merged: list[list[int]] = []
    for _, start, end in ranges:
        if merged and merged[-1][1] == start:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return "+".join(f"train[{start}:{end}]" for start, end in merged)
