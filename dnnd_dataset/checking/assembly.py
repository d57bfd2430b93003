"""Assembling the published records from a corpus that validated.

Only called when the report has no issue, so every anchor resolves and every
reference exists; links between tables (article_ids, meeting_ids, ...) are derived
here, never written by hand.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import TYPE_CHECKING, cast, get_args

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
    PostEntry,
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
    ParticipantRole,
    Person,
    Position,
    Post,
    Record,
)
from dnnd_dataset.textnorm import normalize

if TYPE_CHECKING:
    from dnnd_dataset.checking.state import CheckState

ROLE_ORDER: list[ParticipantRole] = list(get_args(ParticipantRole))


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
    """Which articles name which entities, in their body or only in boilerplate.

    Gathered once from mentions, evidence quotes, bylines and participants: a link whose span
    lies in a boilerplate span of its article (a banner, a duplicated caption) is a link of the
    page chrome, and an article that names an entity only there does not count as naming it.
    """

    def __init__(self, state: CheckState) -> None:
        self.body: dict[str, set[str]] = defaultdict(set)
        self.chrome: dict[str, set[str]] = defaultdict(set)
        self.ids_in: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.chrome_ids_in: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.forms: dict[str, set[str]] = defaultdict(set)
        self.person_names = {
            cast(PersonEntry, e.model).id: cast(PersonEntry, e.model).name
            for e in state.entries("persons")
        }
        self.boilerplate = {
            d.model.article_id: [_span(state, d.model.article_id, b) for b in d.model.boilerplate]
            for d in state.raw.documents
        }
        self._label = {
            entity_id: LABEL_OF_REGISTRY[registry]
            for entity_id, (registry, _) in state.entities.items()
            if registry in LABEL_OF_REGISTRY
        }
        for article_id, resolved in state.resolved.items():
            text = state.raw.texts[article_id].text
            for span, _, entity_id in resolved.mentions:
                if entity_id is None:
                    continue
                self.add(entity_id, article_id, span)
                self.forms[entity_id].add(text[span.start : span.end])
        for entity_id, places in state.evidence_spans.items():
            for article_id, span in places:
                self.add(entity_id, article_id, span)
        for document in state.raw.documents:
            ann = document.model
            for author in ann.authors:
                span = _span(state, ann.article_id, author.evidence)
                self.add(author.person, ann.article_id, span)
        for entry in state.entries("meetings"):
            for participant in cast(MeetingEntry, entry.model).participants:
                for anchor in participant.evidence:
                    span = _span(state, anchor.article, anchor)
                    self.add(participant.person, anchor.article, span)

    def in_boilerplate(self, article_id: str, span: Span) -> bool:
        spans = self.boilerplate.get(article_id, [])
        return any(b.start <= span.start and span.end <= b.end for b in spans)

    def add(self, entity_id: str, article_id: str, span: Span) -> None:
        chrome = self.in_boilerplate(article_id, span)
        (self.chrome if chrome else self.body)[entity_id].add(article_id)
        (self.chrome_ids_in if chrome else self.ids_in)[article_id][self._label[entity_id]].add(
            entity_id
        )

    def article_ids(self, entity_id: str) -> list[str]:
        return sorted(self.body[entity_id])

    def boilerplate_article_ids(self, entity_id: str) -> list[str]:
        return sorted(self.chrome[entity_id] - self.body[entity_id])

    def only_in_boilerplate(self, entity_id: str) -> bool:
        return not self.body[entity_id] and bool(self.chrome[entity_id])

    def chrome_only_ids(self, article_id: str, label: str) -> list[str]:
        return sorted(self.chrome_ids_in[article_id][label] - self.ids_in[article_id][label])


def assemble(state: CheckState) -> dict[str, list[Record]]:
    links = _Links(state)
    documents = sorted(state.raw.documents, key=lambda d: d.model.article_id)
    annotations = [d.model for d in documents]
    positions, position_evidence = _positions(state, annotations)
    tables: dict[str, list[Record]] = {
        "articles": [_article(state, links, d.model) for d in documents],
        "mentions": _mentions(state, links),
        "meetings": _meetings(state, links),
        "persons": _persons(state, links, positions),
        "directives": _directives(state, links),
        "organizations": _organizations(state, links),
        "posts": _posts(state, positions),
    }
    evidence: list[Record] = [*state.evidence, *position_evidence]
    for ann in annotations:
        evidence += _document_evidence(state, ann)
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
        credits=[
            Credit(
                name=c.name,
                role=c.role,
                person_id=c.person,
                organization_id=c.organization,
                inferred=c.inferred,
                basis=c.basis,
            )
            for c in ann.credits
        ],
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
        boilerplate_person_ids=links.chrome_only_ids(article_id, "PERSON"),
        boilerplate_organization_ids=links.chrome_only_ids(article_id, "ORGANIZATION"),
        boilerplate_directive_ids=links.chrome_only_ids(article_id, "DIRECTIVE"),
        boilerplate_meeting_ids=links.chrome_only_ids(article_id, "MEETING"),
    )


def _document_evidence(state: CheckState, ann: DocumentAnnotation) -> list[Evidence]:
    article_id = ann.article_id

    def row(name: str, anchor: Anchor) -> Evidence:
        return _evidence(state, "articles", article_id, name, article_id, anchor)

    rows = [row("title", ann.title)]
    if ann.outlet:
        rows.append(row("outlet", ann.outlet.evidence))
    if ann.url:
        rows.append(row("url", ann.url))
    if ann.page_date:
        rows.append(row("page_date", ann.page_date.evidence))
    rows += [row(f"authors[{i}]", a.evidence) for i, a in enumerate(ann.authors)]
    rows += [row(f"credits[{i}]", c.evidence) for i, c in enumerate(ann.credits)]
    return rows


def _mentions(state: CheckState, links: _Links) -> list[Record]:
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
                in_boilerplate=links.in_boilerplate(article_id, span),
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
    adopted: dict[str, list[str]] = defaultdict(list)
    for entry in state.entries("directives"):
        directive = cast(DirectiveEntry, entry.model)
        if directive.adopted_at is not None:
            adopted[directive.adopted_at].append(directive.id)
    rows: list[Record] = []
    for entry in state.entries("meetings"):
        m = cast(MeetingEntry, entry.model)
        rows.append(
            Meeting(
                meeting_id=m.id,
                name=m.name,
                full_name=m.full_name or m.name,
                full_name_inferred=m.full_name_inferred,
                full_name_basis=m.full_name_basis,
                kind=m.kind,
                date=m.date,
                date_precision=m.date_precision,
                date_inferred=m.date_inferred,
                date_basis=m.date_basis,
                location=m.location,
                organizer_ids=list(m.organizers),
                participants=[
                    Participant(
                        person_id=p.person,
                        roles=sorted(p.roles, key=ROLE_ORDER.index),
                        position=p.position,
                        inferred=p.inferred,
                        basis=p.basis,
                    )
                    for p in m.participants
                ],
                attendance=m.attendance,
                attendance_qualifier=m.attendance_qualifier,
                directive_ids=list(m.directives),
                adopted_directive_ids=sorted(adopted[m.id]),
                article_ids=links.article_ids(m.id),
                boilerplate_article_ids=links.boilerplate_article_ids(m.id),
                only_in_boilerplate=links.only_in_boilerplate(m.id),
            )
        )
    return rows


def _positions(
    state: CheckState, documents: list[DocumentAnnotation]
) -> tuple[dict[str, list[Position]], list[Evidence]]:
    """Each person's positions in article order, and the evidence row of each by its index."""
    meetings = {
        cast(MeetingEntry, e.model).id: cast(MeetingEntry, e.model)
        for e in state.entries("meetings")
    }
    posts = {cast(PostEntry, e.model).id: cast(PostEntry, e.model) for e in state.entries("posts")}
    positions: dict[str, list[Position]] = defaultdict(list)
    evidence: list[Evidence] = []
    for ann in documents:
        for stated in ann.positions:
            meeting = meetings.get(stated.as_of_meeting) if stated.as_of_meeting else None
            post = posts.get(stated.post) if stated.post else None
            held = positions[stated.person]
            evidence.append(
                _evidence(
                    state,
                    "persons",
                    stated.person,
                    f"positions[{len(held)}]",
                    ann.article_id,
                    stated.evidence,
                )
            )
            held.append(
                Position(
                    title=stated.title,
                    post_id=stated.post,
                    organization_id=stated.organization
                    or (post.organization if post is not None else None),
                    as_of=meeting.date if meeting else None,
                    as_of_inferred=meeting.date_inferred if meeting else False,
                    article_id=ann.article_id,
                )
            )
    return positions, evidence


def _persons(
    state: CheckState, links: _Links, positions: dict[str, list[Position]]
) -> list[Record]:
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
                article_ids=links.article_ids(p.id),
                boilerplate_article_ids=links.boilerplate_article_ids(p.id),
                only_in_boilerplate=links.only_in_boilerplate(p.id),
            )
        )
    return rows


def _other_names(name: str, declared: list[str], links: _Links, entity_id: str) -> list[str]:
    """Declared variants, plus other spellings of them that mentions print (e.g. 'Ð' for 'Đ').

    A mention that names a person by a title ("Thường trực Ban Bí thư") is no spelling of
    the name, so only forms equal to a name after normalization count.
    """
    names = {normalize(n) for n in (name, *declared)}
    printed = sorted(
        form for form in links.forms[entity_id] - {name, *declared} if normalize(form) in names
    )
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
                full_name=d.full_name or d.name,
                full_name_inferred=d.full_name_inferred,
                full_name_basis=d.full_name_basis,
                kind=d.kind,
                number=d.number,
                code=d.code,
                code_derived=d.code_derived,
                code_basis=d.code_basis,
                issuer_id=d.issuer,
                term=d.term,
                issued_on=d.issued_on,
                subject=d.subject,
                adopted_at_meeting_id=d.adopted_at,
                surface_forms=sorted(links.forms[d.id]),
                article_ids=links.article_ids(d.id),
                boilerplate_article_ids=links.boilerplate_article_ids(d.id),
                only_in_boilerplate=links.only_in_boilerplate(d.id),
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
                article_ids=links.article_ids(o.id),
                boilerplate_article_ids=links.boilerplate_article_ids(o.id),
                only_in_boilerplate=links.only_in_boilerplate(o.id),
            )
        )
    return rows


def _posts(state: CheckState, positions: dict[str, list[Position]]) -> list[Record]:
    titles: dict[str, set[str]] = defaultdict(set)
    holders: dict[str, set[str]] = defaultdict(set)
    for person_id, held in positions.items():
        for position in held:
            if position.post_id is not None:
                titles[position.post_id].add(position.title)
                holders[position.post_id].add(person_id)
    return [
        Post(
            post_id=post.id,
            name=post.name,
            organization_id=post.organization,
            titles=sorted(titles[post.id]),
            person_ids=sorted(holders[post.id]),
        )
        for entry in state.entries("posts")
        for post in [cast(PostEntry, entry.model)]
    ]
