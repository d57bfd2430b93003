"""Assembling the published records from a corpus that validated.

Only called when the report has no issue, so every anchor resolves and every
reference exists; links between tables (article_ids, meeting_ids, ...) are derived
here, never written by hand.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import TYPE_CHECKING, cast

from dnnd_dataset.checking.ner_table import ner_sentences
from dnnd_dataset.reading.anchoring import Span, anchor_key
from dnnd_dataset.reading.raw_loading import LABEL_OF_REGISTRY
from dnnd_dataset.reading.raw_models import (
    Anchor,
    DirectiveEntry,
    DocumentAnnotation,
    MeetingEntry,
    OrganizationEntry,
    PersonEntry,
)
from dnnd_dataset.records import (
    TABLES,
    Article,
    Boilerplate,
    Credit,
    Directive,
    Evidence,
    Meeting,
    Mention,
    Organization,
    Participant,
    Person,
    Position,
    Record,
)

if TYPE_CHECKING:
    from dnnd_dataset.checking.state import CheckState


def _span(state: CheckState, article_id: str, anchor: Anchor) -> Span:
    # The assembly runs only on a corpus whose anchors all resolved during the checks.
    return state.spans[(article_id, anchor_key(anchor))]


def _quote(state: CheckState, article_id: str, anchor: Anchor) -> str:
    span = _span(state, article_id, anchor)
    return state.raw.texts[article_id].text[span.start : span.end]


def _evidence(
    state: CheckState, table: str, record_id: str, name: str, article_id: str, anchor: Anchor
) -> Evidence:
    span = _span(state, article_id, anchor)
    return Evidence(
        table=table,
        record_id=record_id,
        field=name,
        article_id=article_id,
        start=span.start,
        end=span.end,
        quote=state.raw.texts[article_id].text[span.start : span.end],
    )


class _Links:
    """Which articles name which entities, gathered once from mentions and evidence."""

    def __init__(self, state: CheckState) -> None:
        self.articles_of: dict[str, set[str]] = defaultdict(set)
        self.ids_in: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.forms: dict[str, set[str]] = defaultdict(set)
        self.person_names = {
            cast(PersonEntry, e.model).id: cast(PersonEntry, e.model).name
            for e in state.entries("persons")
        }
        for article_id, resolved in state.resolved.items():
            text = state.raw.texts[article_id].text
            for span, label, entity_id in resolved.mentions:
                if entity_id is None:
                    continue
                self.articles_of[entity_id].add(article_id)
                self.ids_in[article_id][label].add(entity_id)
                self.forms[entity_id].add(text[span.start : span.end])
        for entity_id, articles in state.evidence_articles.items():
            registry, _ = state.entities[entity_id]
            for article_id in articles:
                self.articles_of[entity_id].add(article_id)
                label = LABEL_OF_REGISTRY[registry]
                self.ids_in[article_id][label].add(entity_id)
        for document in state.raw.documents:
            ann = document.model
            for author in ann.authors:
                self.articles_of[author.person].add(ann.article_id)
                self.ids_in[ann.article_id]["PERSON"].add(author.person)


def assemble(state: CheckState) -> dict[str, list[Record]]:
    links = _Links(state)
    documents = sorted(state.raw.documents, key=lambda d: d.model.article_id)
    tables: dict[str, list[Record]] = {
        "articles": [_article(state, links, d.model) for d in documents],
        "mentions": _mentions(state),
        "meetings": _meetings(state, links),
        "persons": _persons(state, links, [d.model for d in documents]),
        "directives": _directives(state, links),
        "organizations": _organizations(state, links),
    }
    evidence: list[Record] = list(state.evidence)
    for document in documents:
        evidence += _document_evidence(state, document.model)
    tables["evidence"] = evidence
    tables["ner"] = _ner(tables["articles"], tables["mentions"])
    return {name: sorted(rows, key=_sort_key(name)) for name, rows in tables.items()}


def _sort_key(table: str):  # type: ignore[no-untyped-def]
    fields = TABLES[table].sort_key

    def key(record: Record) -> tuple[tuple[bool, object], ...]:
        values = [getattr(record, f) for f in fields]
        # Not `value or ""`: an index or offset 0 would then compare with a string.
        return tuple((value is not None, "" if value is None else value) for value in values)

    return key


def _article(state: CheckState, links: _Links, ann: DocumentAnnotation) -> Article:
    article_id = ann.article_id
    text = state.raw.texts[article_id].text
    ids = links.ids_in[article_id]
    return Article(
        article_id=article_id,
        source_file=ann.source_file,
        title=_quote(state, article_id, ann.title),
        text=text,
        text_normalized=state.normalized[article_id],
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        outlet=ann.outlet.name if ann.outlet else None,
        outlet_inferred=ann.outlet.inferred if ann.outlet else False,
        outlet_basis=ann.outlet.basis if ann.outlet else None,
        url=_quote(state, article_id, ann.url) if ann.url else None,
        page_date=ann.page_date.value if ann.page_date else None,
        authors=[links.person_names[a.person] for a in ann.authors],
        author_ids=[a.person for a in ann.authors],
        credits=[Credit(name=c.name, role=c.role) for c in ann.credits],
        boilerplate=sorted(
            (
                Boilerplate(start=s.start, end=s.end, kind=b.kind)
                for b in ann.boilerplate
                for s in [_span(state, article_id, b)]
            ),
            key=lambda b: (b.start, b.end),
        ),
        person_ids=sorted(ids["PERSON"]),
        organization_ids=sorted(ids["ORGANIZATION"]),
        directive_ids=sorted(ids["DIRECTIVE"]),
        meeting_ids=sorted(ids["MEETING"]),
    )


def _document_evidence(state: CheckState, ann: DocumentAnnotation) -> list[Evidence]:
    article_id = ann.article_id
    rows = [_evidence(state, "articles", article_id, "title", article_id, ann.title)]
    if ann.outlet:
        rows.append(
            _evidence(state, "articles", article_id, "outlet", article_id, ann.outlet.evidence)
        )
    if ann.url:
        rows.append(_evidence(state, "articles", article_id, "url", article_id, ann.url))
    if ann.page_date:
        rows.append(
            _evidence(
                state, "articles", article_id, "page_date", article_id, ann.page_date.evidence
            )
        )
    rows += [
        _evidence(state, "articles", article_id, "authors", article_id, a.evidence)
        for a in ann.authors
    ]
    rows += [
        _evidence(state, "articles", article_id, "credits", article_id, c.evidence)
        for c in ann.credits
    ]
    rows += [
        _evidence(state, "persons", p.person, "positions", article_id, p.evidence)
        for p in ann.positions
    ]
    return rows


def _mentions(state: CheckState) -> list[Record]:
    rows: list[Record] = []
    for article_id, resolved in state.resolved.items():
        text = state.raw.texts[article_id].text
        rows += [
            Mention(
                article_id=article_id,
                start=span.start,
                end=span.end,
                text=text[span.start : span.end],
                label=label,
                entity_id=entity_id,
            )
            for span, label, entity_id in resolved.mentions
        ]
    return rows


def _ner(articles: list[Record], mentions: list[Record]) -> list[Record]:
    """The ner rows, article by article."""
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for mention in cast(list[Mention], mentions):
        by_article[mention.article_id].append(mention)
    rows: list[Record] = []
    for article in cast(list[Article], articles):
        rows += ner_sentences(article, by_article[article.article_id])
    return rows


def _meetings(state: CheckState, links: _Links) -> list[Record]:
    rows: list[Record] = []
    for entry in state.entries("meetings"):
        m = cast(MeetingEntry, entry.model)
        rows.append(
            Meeting(
                meeting_id=m.id,
                name=m.name,
                kind=m.kind,
                date=m.date,
                date_precision=m.date_precision,
                date_inferred=m.date_inferred,
                date_basis=m.date_basis,
                location=m.location,
                organizer_ids=list(m.organizers),
                participants=[
                    Participant(person_id=p.person, role=p.role, position=p.position)
                    for p in m.participants
                ],
                attendance=m.attendance,
                attendance_qualifier=m.attendance_qualifier,
                directive_ids=list(m.directives),
                article_ids=sorted(links.articles_of[m.id]),
            )
        )
    return rows


def _persons(state: CheckState, links: _Links, documents: list[DocumentAnnotation]) -> list[Record]:
    meetings = {
        cast(MeetingEntry, e.model).id: cast(MeetingEntry, e.model)
        for e in state.entries("meetings")
    }
    positions: dict[str, list[Position]] = defaultdict(list)
    for ann in documents:
        for stated in ann.positions:
            meeting = meetings.get(stated.as_of_meeting) if stated.as_of_meeting else None
            positions[stated.person].append(
                Position(
                    title=stated.title,
                    organization_id=stated.organization,
                    as_of=meeting.date if meeting else None,
                    as_of_inferred=meeting.date_inferred if meeting else False,
                    article_id=ann.article_id,
                )
            )
    for meeting in meetings.values():
        for participant in meeting.participants:
            links.articles_of[participant.person].add(participant.evidence.article)
    rows: list[Record] = []
    for entry in state.entries("persons"):
        p = cast(PersonEntry, entry.model)
        rows.append(
            Person(
                person_id=p.id,
                name=p.name,
                other_names=_other_names(p.name, p.other_names, links, p.id),
                positions=positions[p.id],
                roles=list(p.roles),
                wikidata_id=p.wikidata_id,
                article_ids=sorted(links.articles_of[p.id]),
            )
        )
    return rows


def _other_names(name: str, declared: list[str], links: _Links, entity_id: str) -> list[str]:
    """Declared variants, plus spellings printed with look-alikes (e.g. 'Ð' for 'Đ')."""
    printed = sorted(links.forms[entity_id] - {name, *declared})
    return [*declared, *printed]


def _directives(state: CheckState, links: _Links) -> list[Record]:
    meeting_ids: dict[str, list[str]] = defaultdict(list)
    for entry in state.entries("meetings"):
        meeting = cast(MeetingEntry, entry.model)
        for directive_id in meeting.directives:
            meeting_ids[directive_id].append(meeting.id)
    rows: list[Record] = []
    for entry in state.entries("directives"):
        d = cast(DirectiveEntry, entry.model)
        rows.append(
            Directive(
                directive_id=d.id,
                name=d.name,
                kind=d.kind,
                number=d.number,
                code=d.code,
                issuer_id=d.issuer,
                term=d.term,
                issued_on=d.issued_on,
                subject=d.subject,
                surface_forms=sorted(links.forms[d.id]),
                article_ids=sorted(links.articles_of[d.id]),
                meeting_ids=sorted(meeting_ids[d.id]),
            )
        )
    return rows


def _organizations(state: CheckState, links: _Links) -> list[Record]:
    rows: list[Record] = []
    for entry in state.entries("organizations"):
        o = cast(OrganizationEntry, entry.model)
        rows.append(
            Organization(
                organization_id=o.id,
                name=o.name,
                other_names=_other_names(o.name, o.other_names, links, o.id),
                kind=o.kind,
                parent_id=o.parent,
                note=o.note,
                article_ids=sorted(links.articles_of[o.id]),
            )
        )
    return rows
