"""The ``ner`` table: each article's body as sentences of syllable tokens with BIO tags.

Derived from one article and its mentions alone, so it is built article by article. The
tags show the flat layer of the mentions: those outside boilerplate that no other mention
contains (where mentions nest, the outermost is tagged). The checks use :class:`TokenGrid`
to report a mention whose boundaries are not token boundaries of one sentence, or that
overlaps another flat mention, before any row is built.
"""

from __future__ import annotations

import bisect
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any

from dnnd_dataset.bio import TaggedSpan, encode
from dnnd_dataset.records import MENTION_LABELS, Article, Mention, NerSentence
from dnnd_dataset.segmentation import Sentence, Tokens, sentences, token_grid

Offsets = tuple[int, int]


def in_boilerplate(boilerplate: Iterable[Offsets], start: int, end: int) -> bool:
    """True when the span lies inside one boilerplate span."""
    return any(b_start <= start and end <= b_end for b_start, b_end in boilerplate)


def outermost(spans: Iterable[Offsets]) -> set[Offsets]:
    """The spans that no other (different) span contains."""
    kept: set[Offsets] = set()
    reach = -1  # the furthest end among the spans before, in (start, -end) order
    for start, end in sorted(set(spans), key=lambda span: (span[0], -span[1])):
        if end > reach:
            kept.add((start, end))
        reach = max(reach, end)
    return kept


def flat_layer(article: Article, mentions: Iterable[Mention]) -> list[Mention]:
    """The article's mentions outside boilerplate that no other such mention contains."""
    boilerplate = [(b.start, b.end) for b in article.boilerplate]
    outside = [
        m
        for m in mentions
        if m.article_id == article.article_id and not in_boilerplate(boilerplate, m.start, m.end)
    ]
    kept = outermost((m.start, m.end) for m in outside)
    return sorted(
        (m for m in outside if (m.start, m.end) in kept),
        key=lambda m: (m.start, m.end, m.label, m.entity_id or ""),
    )


@dataclass(frozen=True)
class Misplaced:
    """Why a span does not sit on the token grid, in words."""

    code: str
    message: str
    hint: str


class TokenGrid:
    """The sentences and tokens of one article body, and where spans fall on them."""

    def __init__(self, text: str, boilerplate: Iterable[Offsets]) -> None:
        self.text = text
        self.boilerplate = sorted(boilerplate)
        self.tokens: Tokens = token_grid(text, self.boilerplate)
        # Searched, not indexed: an article has thousands of tokens and a few dozen mentions.
        self._token_starts = self.tokens.bounds[0::2]
        self._token_ends = self.tokens.bounds[1::2]
        # The first token of each sentence, and the end of the last.
        self._first = list(accumulate(self.tokens.sizes, initial=0))
        self._starts = [self._token_starts[first] for first in self._first[:-1]]
        self._ends = [self._token_ends[after - 1] for after in self._first[1:]]

    def sentence_of_start(self, offset: int) -> int | None:
        """The sentence in which a token starts at ``offset``, if any."""
        index = bisect.bisect_right(self._starts, offset) - 1
        if index < 0 or offset >= self._ends[index]:
            return None
        last = self._first[index + 1]
        found = bisect.bisect_left(self._token_starts, offset, self._first[index], last)
        return index if found < last and self._token_starts[found] == offset else None

    def sentence_of_end(self, offset: int) -> int | None:
        """The sentence in which a token ends at ``offset``, if any."""
        index = bisect.bisect_left(self._starts, offset) - 1
        if index < 0 or offset > self._ends[index]:
            return None
        first = self._first[index]
        # The token before the first that starts at or after the offset.
        found = bisect.bisect_left(self._token_starts, offset, first, self._first[index + 1]) - 1
        return index if found >= first and self._token_ends[found] == offset else None

    def token_at(self, offset: int) -> Offsets | None:
        """The token that holds ``offset``; only an error needs it, so it is searched."""
        found = bisect.bisect_right(self._token_starts, offset) - 1
        if found >= 0 and offset < self._token_ends[found]:
            return self._token_starts[found], self._token_ends[found]
        return None

    def misplaced(self, start: int, end: int) -> Misplaced | None:
        """None when ``text[start:end]`` is whole tokens of one sentence."""
        quoted = self.text[start:end]
        for b_start, b_end in self.boilerplate:
            if start < b_end and b_start < end and not (b_start <= start and end <= b_end):
                return Misplaced(
                    "mention-crosses-sentence",
                    f"{quoted!r} runs into the boilerplate span "
                    f"{self.text[b_start:b_end]!r} without lying inside it",
                    "quote a span within the article body or within the boilerplate span",
                )
        first = self.sentence_of_start(start)
        last = self.sentence_of_end(end)
        if first is None or last is None:
            edge, offset = ("starts", start) if first is None else ("ends", end - 1)
            token = self.token_at(offset)
            inside = (
                f"inside the token {self.text[token[0] : token[1]]!r}"
                if token is not None
                else "on a space or a line break"
            )
            return Misplaced(
                "mention-splits-token",
                f"{quoted!r} {edge} {inside}; ner tokens are runs of letters and digits, "
                "and each other character on its own",
                "quote whole tokens, without spaces at either end",
            )
        if first != last:
            return Misplaced(
                "mention-crosses-sentence",
                f"{quoted!r} runs over the end of the sentence {self._sentence_text(first)!r}",
                "quote a span within one sentence (a line break, a boilerplate span or "
                "a full stop before a capital ends a sentence)",
            )
        return None

    def _sentence_text(self, index: int) -> str:
        return self.text[self._starts[index] : self._ends[index]]


def ner_sentences(article: Article, mentions: Iterable[Mention]) -> list[NerSentence]:
    """The ``ner`` rows of one article, in sentence order, as records."""
    grid = sentences(article.text, [(b.start, b.end) for b in article.boilerplate])
    flat = [TaggedSpan(m.start, m.end, m.label, m.entity_id) for m in flat_layer(article, mentions)]
    return [
        NerSentence.model_validate(row)
        for row in ner_rows(article.article_id, article.text, grid, flat)
    ]


def ner_rows(
    article_id: str, text: str, grid: Sequence[Sentence], flat: Sequence[TaggedSpan]
) -> list[dict[str, Any]]:
    """The ``ner`` rows of one article as plain rows of the table, in sentence order.

    ``grid`` is the article's sentences; ``flat`` its flat layer of mentions in text order.
    """
    rows: list[dict[str, Any]] = []
    position = 0
    for index, sentence in enumerate(grid):
        inside: list[TaggedSpan] = []
        while position < len(flat) and flat[position].start < sentence.end:
            inside.append(flat[position])
            position += 1
        tags, entity_ids = encode(sentence.tokens, inside)
        # Built by map and zip over the tokens: a sentence has dozens, an article thousands.
        starts, ends = zip(*sentence.tokens, strict=True)
        rows.append(
            {
                "article_id": article_id,
                "sentence_index": index,
                "start": sentence.start,
                "end": sentence.end,
                **_slices(text, sentence.start, sentence.end, starts, ends),
                "token_starts": list(starts),
                "token_ends": list(ends),
                "ner_tags": tags,
                "entity_ids": entity_ids,
            }
        )
    if position < len(flat):
        raise ValueError(f"{flat[position]} lies outside every sentence")
    return rows


@dataclass(frozen=True)
class NerLayer:
    """One article's ``ner`` rows as what they are made of: its tokens, sentences and flat layer.

    ``bounds`` holds the start and end of every token in text order (int32), ``sizes`` the
    number of tokens of each sentence (each has one at least). A token is two numbers here,
    where a row of Python objects holds a string and three list items for it: the rows of
    a run's articles are made from their layers in bulk (``publishing.ner_columns``), and
    the document cache keeps a layer as its bytes.
    """

    article_id: str
    text: str
    bounds: array[int]
    sizes: array[int]
    flat: tuple[TaggedSpan, ...]

    @classmethod
    def of_grid(
        cls, article_id: str, text: str, grid: Sequence[Sentence], flat: Sequence[TaggedSpan]
    ) -> NerLayer:
        """The layer of an article's sentences and its flat layer of mentions in text order."""
        bounds = array("i", chain.from_iterable(chain.from_iterable(s.tokens for s in grid)))
        sizes = array("i", [len(sentence.tokens) for sentence in grid])
        return cls(article_id, text, bounds, sizes, tuple(flat))

    @classmethod
    def of_tokens(
        cls, article_id: str, text: str, tokens: Tokens, flat: Sequence[TaggedSpan]
    ) -> NerLayer:
        """The layer of an article's tokens (:func:`~dnnd_dataset.segmentation.token_grid`)
        and its flat layer of mentions in text order."""
        return cls(article_id, text, tokens.bounds, tokens.sizes, tuple(flat))

    @classmethod
    def of_bytes(
        cls,
        article_id: str,
        text: str,
        data: bytes,
        sizes: Sequence[int],
        flat: Sequence[TaggedSpan],
    ) -> NerLayer | None:
        """The layer whose bounds :meth:`bounds_bytes` gave, or None when they do not fit
        ``text``, ``sizes`` and ``flat``: tokens of a character at least, in order, within the
        text; sentences not empty; the flat spans as :func:`ner_rows` takes them."""
        if len(data) % 8:
            return None
        bounds = array("i")
        bounds.frombytes(data)
        if _BIG_ENDIAN:
            bounds.byteswap()
        try:
            counted = array("i", sizes)
        except (OverflowError, TypeError):
            return None
        if sum(counted) * 2 != len(bounds) or (counted and min(counted) < 1):
            return None
        if bounds and (bounds[0] < 0 or bounds[-1] > len(text)):
            return None
        if bounds.tolist() != sorted(bounds) or not all(map(int.__lt__, bounds[::2], bounds[1::2])):
            return None
        layer = cls(article_id, text, bounds, counted, tuple(flat))
        return layer if layer._flat_fits() else None

    def _flat_fits(self) -> bool:
        """True when the flat spans are in order, apart, of known labels, and each whole
        tokens of one sentence: what :func:`ner_rows` takes without raising."""
        starts, ends = self.bounds[::2], self.bounds[1::2]
        first_tokens = list(accumulate(self.sizes, initial=0))
        reach = -1  # the last token of the span before
        for span in self.flat:
            if not (
                type(span.start) is int
                and type(span.end) is int
                and span.label in MENTION_LABELS
                and (span.entity_id is None or type(span.entity_id) is str)
            ):
                return False
            first = bisect.bisect_left(starts, span.start)
            last = bisect.bisect_left(starts, span.end) - 1
            if (
                first >= len(starts)
                or starts[first] != span.start
                or last < first
                or ends[last] != span.end
                or first <= reach
                or bisect.bisect_right(first_tokens, first)
                != bisect.bisect_right(first_tokens, last)
            ):
                return False
            reach = last
        return True

    def bounds_bytes(self) -> bytes:
        """The bounds as little-endian int32s, the same bytes on every machine."""
        if not _BIG_ENDIAN:
            return self.bounds.tobytes()
        swapped = array("i", self.bounds)
        swapped.byteswap()
        return swapped.tobytes()

    def sentences(self) -> list[Sentence]:
        """The article's sentences, as :func:`dnnd_dataset.segmentation.sentences` gave them."""
        return Tokens(self.bounds, self.sizes).sentences()

    def rows(self) -> list[dict[str, Any]]:
        """The ``ner`` rows of the article as plain rows of the table (:func:`ner_rows`)."""
        return ner_rows(self.article_id, self.text, self.sentences(), self.flat)


_BIG_ENDIAN = sys.byteorder == "big"


def _slices(
    text: str, start: int, end: int, starts: Iterable[int], ends: Iterable[int]
) -> dict[str, Any]:
    """The columns of a ner row that are slices of the text: the sentence and its tokens."""
    return {
        "text": text[start:end],
        "tokens": list(map(text.__getitem__, map(slice, starts, ends))),
    }
