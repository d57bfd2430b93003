"""BIO tags over a token grid: from labelled spans to tags and back, losslessly.

A span covers whole tokens; its first token is tagged ``B-<label>``, the others
``I-<label>``, every token outside a span ``O``. Each token also carries the entity id of
its span (null outside spans and for spans without an entity). :func:`decode` inverts
:func:`encode` exactly for spans that do not overlap, which the ``ner`` round-trip test
checks on every sentence.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from dnnd_dataset.records import NER_TAGS

OUTSIDE = NER_TAGS.index("O")
_INDEX = {tag: index for index, tag in enumerate(NER_TAGS)}


@dataclass(frozen=True, order=True)
class TaggedSpan:
    """A labelled span at code-point offsets, with the entity it refers to."""

    start: int
    end: int
    label: str
    entity_id: str | None


def encode(
    tokens: Sequence[tuple[int, int]], spans: Sequence[TaggedSpan]
) -> tuple[list[int], list[str | None]]:
    """The tag index and entity id of each token.

    Raises ``ValueError`` when a span does not start and end on token boundaries, or
    overlaps another span: BIO cannot say either.
    """
    tags = [OUTSIDE] * len(tokens)
    entity_ids: list[str | None] = [None] * len(tokens)
    for span in spans:
        # Tokens are in text order and do not overlap: both boundaries are found by bisection.
        first = bisect.bisect_left(tokens, (span.start,))
        last = bisect.bisect_left(tokens, (span.end,)) - 1
        if (
            first >= len(tokens)
            or tokens[first][0] != span.start
            or last < first
            or tokens[last][1] != span.end
        ):
            raise ValueError(f"{span} does not start and end on token boundaries")
        if any(tag != OUTSIDE for tag in tags[first : last + 1]):
            raise ValueError(f"{span} overlaps another span")
        tags[first] = _INDEX[f"B-{span.label}"]
        for index in range(first, last + 1):
            if index > first:
                tags[index] = _INDEX[f"I-{span.label}"]
            entity_ids[index] = span.entity_id
    return tags, entity_ids


def decode(
    tokens: Sequence[tuple[int, int]], tags: Sequence[int], entity_ids: Sequence[str | None]
) -> list[TaggedSpan]:
    """The spans that ``tags`` mark; an ``I-`` tag that continues nothing opens a span."""
    spans: list[TaggedSpan] = []
    open_span: TaggedSpan | None = None
    for (start, end), tag, entity_id in zip(tokens, tags, entity_ids, strict=True):
        name = NER_TAGS[tag]
        if name == "O":
            _close(spans, open_span)
            open_span = None
            continue
        prefix, label = name.split("-", 1)
        if prefix == "I" and open_span is not None and open_span.label == label:
            open_span = TaggedSpan(open_span.start, end, label, open_span.entity_id)
            continue
        _close(spans, open_span)
        open_span = TaggedSpan(start, end, label, entity_id)
    _close(spans, open_span)
    return spans


def _close(spans: list[TaggedSpan], open_span: TaggedSpan | None) -> None:
    if open_span is not None:
        spans.append(open_span)


def invalid_continuations(tags: Sequence[int]) -> list[int]:
    """Positions of ``I-X`` tags that follow ``O``, the start, or a tag of another type.

    The check token-classification pipelines (``transformers`` examples, seqeval in strict
    IOB2 mode) rely on; empty for every tag sequence :func:`encode` makes.
    """
    bad: list[int] = []
    previous = "O"
    for position, tag in enumerate(tags):
        name = NER_TAGS[tag]
        if name.startswith("I-") and previous[2:] != name[2:]:
            bad.append(position)
        previous = name
    return bad
