"""Waived phrases: occurrences of a known name that are not mentions of it, and what follows.

A waiver says that a phrase is not the name it contains ("chính đảng", political parties in
general, holds "đảng" but is not the Party). So nothing inside a waived phrase can be a
mention: an ``all: true`` mention never expands into one, and a mention that a document
places there by its quote is an error, since the waiver and the mention contradict each
other.
"""

from __future__ import annotations

from dnnd_dataset.checking.state import CheckState, ResolvedSpans
from dnnd_dataset.reading.anchoring import Span
from dnnd_dataset.reading.raw_loading import Located
from dnnd_dataset.reading.raw_models import DocumentAnnotation
from dnnd_dataset.span_index import SpanIndex

# A found mention: its span, the index of its entry under mentions:, its label, from all.
Found = tuple[Span, int, str, bool]


def resolve_waivers(
    state: CheckState, document: Located[DocumentAnnotation], resolved: ResolvedSpans
) -> None:
    """Find every waived phrase of ``document`` in its text, into ``resolved.waived``."""
    ann = document.model
    text = state.normalized[ann.article_id]
    for index, waiver in enumerate(ann.waivers):
        resolved.waived += state.spans_of(document, ("waivers", index), text, waiver, waiver.all)


def outside_waived_phrases(
    state: CheckState,
    document: Located[DocumentAnnotation],
    resolved: ResolvedSpans,
    found: list[Found],
) -> list[Found]:
    """The mentions of ``found`` that lie outside every waived phrase.

    An occurrence that ``all: true`` found inside one is left out; a mention placed there by
    its quote is reported once per entry under mentions: and left out too.
    """
    if not resolved.waived:
        return found
    waived = SpanIndex(resolved.waived)
    text = state.raw.texts[document.model.article_id].text
    kept: list[Found] = []
    reported: set[int] = set()
    for item in found:
        span, index, _, from_all = item
        if not waived.contains(span.start, span.end):
            kept.append(item)
            continue
        resolved.excused.append(span)
        if from_all or index in reported:
            continue
        reported.add(index)
        phrase = next(
            text[w.start : w.end]
            for w in resolved.waived
            if w.start <= span.start and span.end <= w.end
        )
        state.issue(
            document,
            ("mentions", index),
            "mention-in-waiver",
            f"the mention {text[span.start : span.end]!r} lies inside the waived phrase "
            f"{phrase!r}, which the waivers say is not a name",
            "delete the mention, or the waiver if the phrase does name the entity",
        )
    return kept
