"""Resolving quote anchors to code-point offsets.

Quote, prefix and suffix are compared after look-alike normalization of both sides,
so an annotator may type 'Đảng' for a text that prints 'Ðảng' (U+00D0); the span's
offsets then point into the verbatim text, where the printed form is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

from dnnd_dataset.suggestions import closest_passage, did_you_mean
from dnnd_dataset.textnorm import at_word_boundaries, normalize, splits_grapheme


# Slots: a corpus holds a span for every registry quote of every article, hundreds of
# thousands of them.
@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class AnchorProblem:
    code: str
    message: str
    hint: str
    # For a quote not found: the words of the text it most likely means.
    suggestion: str | None = None


AnchorKey = tuple[str, str | None, str | None, int | None]


class Quoted(Protocol):
    """What resolving an anchor reads of it (``raw_models.Anchor``, or a :class:`Quote`)."""

    @property
    def quote(self) -> str: ...
    @property
    def prefix(self) -> str | None: ...
    @property
    def suffix(self) -> str | None: ...
    @property
    def occurrence(self) -> int | None: ...


class Quote(NamedTuple):
    """An anchor as a tuple: a tenth of the room of its model, for quotes held by the
    thousand (the registry quotes each worker resolves)."""

    quote: str
    prefix: str | None
    suffix: str | None
    occurrence: int | None


def anchor_key(anchor: Quoted) -> AnchorKey:
    """What a resolution depends on: equal keys resolve to the same span in one text."""
    return (anchor.quote, anchor.prefix, anchor.suffix, anchor.occurrence)


def occurrences(normalized_text: str, anchor: Quoted) -> list[Span]:
    quote = normalize(anchor.quote)
    prefix = normalize(anchor.prefix) if anchor.prefix else ""
    suffix = normalize(anchor.suffix) if anchor.suffix else ""
    spans: list[Span] = []
    position = normalized_text.find(quote)
    while position != -1:
        end = position + len(quote)
        if normalized_text.startswith(suffix, end) and normalized_text.endswith(
            prefix, 0, position
        ):
            spans.append(Span(position, end))
        position = normalized_text.find(quote, position + 1)
    return spans


def resolve(normalized_text: str, anchor: Quoted) -> Span | AnchorProblem:
    """The one span an anchor designates, or why it designates none."""
    spans = occurrences(normalized_text, anchor)
    if not spans:
        return _not_found(normalized_text, anchor, "")
    if anchor.occurrence is not None:
        if anchor.occurrence > len(spans):
            return AnchorProblem(
                "quote-not-found",
                f"occurrence {anchor.occurrence} asked, the quote {anchor.quote!r} "
                f"occurs {len(spans)} time(s)",
                f"use an occurrence from 1 to {len(spans)}",
            )
        span = spans[anchor.occurrence - 1]
    elif len(spans) > 1:
        return AnchorProblem(
            "ambiguous-quote",
            f"the quote {anchor.quote!r} occurs {len(spans)} times",
            "add a prefix, a suffix or 'occurrence: N' (1 = first)",
        )
    else:
        span = spans[0]
    return _checked(normalized_text, span)


def resolve_all(normalized_text: str, anchor: Quoted) -> list[Span] | AnchorProblem:
    """Every whole-word occurrence of the quote (for ``all: true``)."""
    spans = [
        span
        for span in occurrences(normalized_text, anchor)
        if at_word_boundaries(normalized_text, span.start, span.end)
    ]
    if not spans:
        return _not_found(normalized_text, anchor, " as a whole word")
    for span in spans:
        checked = _checked(normalized_text, span)
        if isinstance(checked, AnchorProblem):
            return checked
    return spans


def _not_found(normalized_text: str, anchor: Quoted, how: str) -> AnchorProblem:
    narrowed = anchor.prefix or anchor.suffix
    if narrowed and normalize(anchor.quote) in normalized_text:
        return AnchorProblem(
            "quote-not-found",
            f"the quote {anchor.quote!r} does not occur{how} in the text with that prefix/suffix",
            "copy the prefix and suffix from the text file exactly, or drop them",
        )
    suggestion = closest_passage(normalize(anchor.quote), normalized_text)
    return AnchorProblem(
        "quote-not-found",
        f"the quote {anchor.quote!r} does not occur{how} in the text",
        f"{did_you_mean(suggestion)}copy the quote from the text file exactly",
        suggestion,
    )


def _checked(normalized_text: str, span: Span) -> Span | AnchorProblem:
    if splits_grapheme(normalized_text, span.start, span.end):
        return AnchorProblem(
            "span-splits-grapheme",
            f"the span {span.start}-{span.end} cuts a character from its combining mark",
            "extend the quote to the whole character",
        )
    return span


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a code-point offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
