"""The published rows of one checked document, and what it adds to the registry tables.

Built where the document was checked (a worker, with ``--jobs``), from that document, its
text and the registry entries it names, so that rows stream to the output one document at a
time and no document is held after its rows are written. Rows are plain dicts of the table's
columns in the table's sort order; ``checking.pipeline.compile_corpus`` validates them
against the record models. What the registry tables need from an article travels beside
its rows: the entities it names (in its body, or only in page chrome), the printed forms of
their names and the positions it states.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from dnnd_dataset.bio import TaggedSpan
from dnnd_dataset.checking.ner_table import NerLayer, in_boilerplate, outermost
from dnnd_dataset.checking.state import ResolvedSpans
from dnnd_dataset.reading.anchoring import AnchorKey, Span, anchor_key
from dnnd_dataset.reading.raw_models import Anchor, DocumentAnnotation
from dnnd_dataset.records import TABLES, MentionLabel
from dnnd_dataset.segmentation import Tokens

Row = dict[str, Any]
Offsets = tuple[int, int]
Spans = Mapping[tuple[str, AnchorKey], Span]
LABELS: tuple[str, ...] = get_args(MentionLabel)
# The label of each entity column of articles, in the order of the columns.
ID_COLUMNS = {
    "PERSON": "person_ids",
    "ORGANIZATION": "organization_ids",
    "DIRECTIVE": "directive_ids",
    "MEETING": "meeting_ids",
}


@dataclass(frozen=True, slots=True)
class StatedPosition:
    """A position an article states for a person, with the quote behind it."""

    person: str
    title: str
    post: str | None
    organization: str | None
    as_of_meeting: str | None
    article_id: str
    start: int
    end: int
    quote: str


def kept_position(position: StatedPosition) -> StatedPosition:
    """``position`` as a run keeps it to the end: one string for each repeated value.

    Every article's positions are kept until the registry tables are made, each received
    with strings of its own; the ids, titles and quotes repeat across articles.
    """
    return kept_stated(
        position.person,
        position.title,
        position.post,
        position.organization,
        position.as_of_meeting,
        position.article_id,
        position.start,
        position.end,
        position.quote,
    )


def kept_stated(
    person: str,
    title: str,
    post: str | None,
    organization: str | None,
    as_of_meeting: str | None,
    article_id: str,
    start: int,
    end: int,
    quote: str,
) -> StatedPosition:
    """The StatedPosition of these fields, as :func:`kept_position` keeps it."""
    intern = sys.intern
    return StatedPosition(
        intern(person),
        intern(title),
        None if post is None else intern(post),
        None if organization is None else intern(organization),
        None if as_of_meeting is None else intern(as_of_meeting),
        intern(article_id),
        start,
        end,
        intern(quote),
    )


@dataclass(slots=True)
class Contribution:
    """What one article adds to the registry tables."""

    # (entity_id, True when the article names it only inside page chrome at that place)
    links: list[tuple[str, bool]] = field(default_factory=list)
    # (entity_id, the mention text) of every mention of an entity
    forms: list[tuple[str, str]] = field(default_factory=list)
    positions: list[StatedPosition] = field(default_factory=list)


def span(spans: Spans, article_id: str, anchor: Anchor) -> Span:
    # Rows are built only for a document whose anchors all resolved during its checks.
    return spans[(article_id, anchor_key(anchor))]


def boilerplate_offsets(ann: DocumentAnnotation, spans: Spans) -> list[Offsets]:
    return sorted(
        (s.start, s.end) for b in ann.boilerplate for s in [span(spans, ann.article_id, b)]
    )


def mention_rows(
    article_id: str, text: str, resolved: ResolvedSpans, boilerplate: Sequence[Offsets]
) -> list[Row]:
    rows = [
        {
            "article_id": article_id,
            "start": s.start,
            "end": s.end,
            "text": text[s.start : s.end],
            "label": label,
            "entity_id": entity_id,
            "in_boilerplate": in_boilerplate(boilerplate, s.start, s.end),
        }
        for s, label, entity_id in resolved.mentions
    ]
    rows.sort(key=TABLES["mentions"].row_key)
    return rows


def evidence_rows(ann: DocumentAnnotation, text: str, spans: Spans) -> list[Row]:
    """The evidence rows of the article's own fields (table ``articles``)."""
    article_id = ann.article_id
    anchors: list[tuple[str, Anchor]] = [("title", ann.title)]
    if ann.outlet:
        anchors.append(("outlet", ann.outlet.evidence))
    if ann.url:
        anchors.append(("url", ann.url))
    if ann.page_date:
        anchors.append(("page_date", ann.page_date.evidence))
    if ann.page_clock:
        anchors.append(("page_clock", ann.page_clock.evidence))
    anchors += [(f"authors[{i}]", a.evidence) for i, a in enumerate(ann.authors)]
    anchors += [(f"credits[{i}]", c.evidence) for i, c in enumerate(ann.credits)]
    rows = [
        evidence_row("articles", article_id, name, article_id, s, text)
        for name, anchor in anchors
        for s in [span(spans, article_id, anchor)]
    ]
    rows.sort(key=TABLES["evidence"].row_key)
    return rows


def evidence_row(table: str, record_id: str, name: str, article_id: str, s: Span, text: str) -> Row:
    return {
        "table": table,
        "record_id": record_id,
        "field": name,
        "article_id": article_id,
        "start": s.start,
        "end": s.end,
        "quote": text[s.start : s.end],
    }


def flat_spans(mentions: Sequence[Row]) -> list[TaggedSpan]:
    """The flat layer of an article's mention rows: outside boilerplate, in no other, in order."""
    outside = [m for m in mentions if not m["in_boilerplate"]]
    kept = outermost((m["start"], m["end"]) for m in outside)
    return sorted(
        TaggedSpan(m["start"], m["end"], m["label"], m["entity_id"])
        for m in outside
        if (m["start"], m["end"]) in kept
    )


def document_ner_layer(
    article_id: str, text: str, tokens: Tokens, mentions: Sequence[Row]
) -> NerLayer:
    """The ner rows' layer: the flat layer of the mentions on the sentence grid."""
    return NerLayer.of_tokens(article_id, text, tokens, flat_spans(mentions))


def stated_positions(ann: DocumentAnnotation, text: str, spans: Spans) -> list[StatedPosition]:
    return [
        StatedPosition(
            person=stated.person,
            title=stated.title,
            post=stated.post,
            organization=stated.organization,
            as_of_meeting=stated.as_of_meeting,
            article_id=ann.article_id,
            start=s.start,
            end=s.end,
            quote=text[s.start : s.end],
        )
        for stated in ann.positions
        for s in [span(spans, ann.article_id, stated.evidence)]
    ]


def contribution(
    ann: DocumentAnnotation,
    mentions: Sequence[Row],
    spans: Spans,
    cited: Iterable[tuple[str, Span]],
    positions: list[StatedPosition],
) -> Contribution:
    """The article's links, forms and positions; ``cited``: (entity, span) of registry quotes."""
    boilerplate = boilerplate_offsets(ann, spans)
    found = Contribution(positions=positions)
    places: list[tuple[str, Span]] = [
        (m["entity_id"], Span(m["start"], m["end"])) for m in mentions if m["entity_id"]
    ]
    places += [(a.person, span(spans, ann.article_id, a.evidence)) for a in ann.authors]
    places += list(cited)
    found.links = sorted(
        {(entity, in_boilerplate(boilerplate, s.start, s.end)) for entity, s in places}
    )
    found.forms = sorted({(m["entity_id"], m["text"]) for m in mentions if m["entity_id"]})
    return found


def article_row(
    ann: DocumentAnnotation,
    text: str,
    normalized: str,
    spans: Spans,
    links: Sequence[tuple[str, bool]],
    label_of: Mapping[str, str],
    person_names: Mapping[str, str],
) -> Row:
    article_id = ann.article_id
    body: dict[str, set[str]] = defaultdict(set)
    chrome: dict[str, set[str]] = defaultdict(set)
    for entity, in_chrome in links:
        (chrome if in_chrome else body)[label_of[entity]].add(entity)
    row: Row = {
        "article_id": article_id,
        "source_file": ann.source_file,
        "title": _quote(text, spans, article_id, ann.title),
        "text": text,
        "text_normalized": normalized,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "outlet": ann.outlet.name if ann.outlet else None,
        "outlet_inferred": ann.outlet.inferred if ann.outlet else False,
        "outlet_basis": ann.outlet.basis if ann.outlet else None,
        "url": _quote(text, spans, article_id, ann.url) if ann.url else None,
        "page_date": ann.page_date.value if ann.page_date else None,
        "page_clock": ann.page_clock.value if ann.page_clock else None,
        "authors": [person_names[a.person] for a in ann.authors],
        "author_ids": [a.person for a in ann.authors],
        "credits": [
            {
                "name": c.name,
                "role": c.role,
                "person_id": c.person,
                "organization_id": c.organization,
                "inferred": c.inferred,
                "basis": c.basis,
            }
            for c in ann.credits
        ],
        "boilerplate": sorted(
            (
                {"start": s.start, "end": s.end, "kind": b.kind}
                for b in ann.boilerplate
                for s in [span(spans, article_id, b)]
            ),
            key=lambda b: (b["start"], b["end"]),
        ),
    }
    for label, column in ID_COLUMNS.items():
        row[column] = sorted(body[label])
    for label, column in ID_COLUMNS.items():
        row[f"boilerplate_{column}"] = sorted(chrome[label] - body[label])
    row["title_inferred"] = ann.title.inferred
    row["title_basis"] = ann.title.basis
    row["author_inferred"] = [a.inferred for a in ann.authors]
    row["author_basis"] = [a.basis for a in ann.authors]
    return row


# One string per column name, shared by every document's counts.
_MENTION_COUNTS = {label: f"mentions_{label.lower()}" for label in LABELS}
_ID_COUNTS = {column: column.removesuffix("_ids") + "s" for column in ID_COLUMNS.values()}


def document_counts(
    article: Row, mentions: Sequence[Row], coverage: Mapping[str, int]
) -> dict[str, int]:
    """The card's counts of one document: mentions per label, entities, names found."""
    counts = dict.fromkeys(_MENTION_COUNTS.values(), 0)
    for mention in mentions:
        counts[_MENTION_COUNTS[mention["label"]]] += 1
    for column, name in _ID_COUNTS.items():
        counts[name] = len(article[column])
    counts["names_found"] = coverage.get("names_found", 0)
    counts["names_covered"] = coverage.get("covered", 0) + coverage.get("waived", 0)
    return counts


def _quote(text: str, spans: Spans, article_id: str, anchor: Anchor) -> str:
    s = span(spans, article_id, anchor)
    return text[s.start : s.end]
