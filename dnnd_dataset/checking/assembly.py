"""The registry tables, assembled once every document is checked.

Only called when the report has no issue, so every reference exists. The links between
tables (article_ids, meeting_ids, ...) are derived here from what each article contributed
(``checking.document_rows.Contribution``), never written by hand; the rows of the articles
themselves were written as each document was checked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple, cast, get_args

from dnnd_dataset.checking.document_rows import Contribution, Row, StatedPosition, kept_position
from dnnd_dataset.checking.printed_dates import printed_edtf
from dnnd_dataset.reading.raw_models import (
    DirectiveEntry,
    MeetingEntry,
    OrganizationEntry,
    PersonEntry,
    PostEntry,
)
from dnnd_dataset.records import (
    TABLES,
    Directive,
    Meeting,
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


@dataclass
class Links:
    """Which articles name which entities, in their body or only in boilerplate.

    A link whose span lies in a boilerplate span of its article (a banner, a duplicated
    caption) is a link of the page chrome, and an article that names an entity only there
    does not count as naming it.
    """

    # entity -> the articles that name it, in the order they came (the order of the ids):
    # lists, not sets, since a corpus has millions of links and a set takes several times
    # the room of a list.
    body: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    chrome: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # (entity, form) as the articles print it: a corpus repeats each pair in many articles,
    # gathered by one set update per block; read through ``forms``.
    form_pairs: set[tuple[str, str]] = field(default_factory=set)
    stated: list[StatedPosition] = field(default_factory=list)
    _forms: dict[str, set[str]] | None = field(default=None, init=False, repr=False, compare=False)

    def add(self, article_id: str, contribution: Contribution) -> None:
        for entity_id, in_chrome in contribution.links:
            self.link(entity_id, article_id, in_chrome)
        self.add_forms(contribution.forms)
        self.add_stated(contribution.positions)

    def add_stated(self, positions: Iterable[StatedPosition]) -> None:
        self.stated += map(kept_position, positions)

    def add_forms(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.form_pairs.update(pairs)
        self._forms = None

    @property
    def forms(self) -> dict[str, set[str]]:
        """entity -> the forms the articles print it in."""
        if self._forms is None:
            self._forms = defaultdict(set)
            for entity_id, form in self.form_pairs:
                self._forms[entity_id].add(form)
        return self._forms

    def link(self, entity_id: str, article_id: str, in_chrome: bool) -> None:
        found = (self.chrome if in_chrome else self.body)[entity_id]
        if not found or found[-1] != article_id:  # an article's links come together
            found.append(article_id)

    def link_block(self, stems: list[str], links: list[tuple[list[str], list[str]]]) -> None:
        """The links of the articles ``stems``: for each, the entities it names in its body,
        then those it names only in page chrome. Each entity once per article and side (as
        ``document_rows.contribution`` gives them), so no link is looked for before it is
        added: what reads the links reads them as sets."""
        body, chrome = self.body, self.chrome
        for stem, (in_body, in_chrome) in zip(stems, links, strict=True):
            for entity_id in in_body:
                body[entity_id].append(stem)
            for entity_id in in_chrome:
                chrome[entity_id].append(stem)

    def article_ids(self, entity_id: str) -> list[str]:
        return sorted(set(self.body[entity_id]))

    def boilerplate_article_ids(self, entity_id: str) -> list[str]:
        return sorted(set(self.chrome[entity_id]) - set(self.body[entity_id]))

    def only_in_boilerplate(self, entity_id: str) -> bool:
        return not self.body[entity_id] and bool(self.chrome[entity_id])


def assemble_registries(state: CheckState, links: Links) -> Iterator[tuple[str, list[Row]]]:
    """The rows of each registry table, then the evidence rows of registries and positions.

    Each table's rows come sorted, as dicts, in batches of at most ``ROW_BATCH``: only one
    batch's records are made at once (a person's record holds every position stated of
    them, and a corpus states tens of thousands). ``links.stated`` is used up.
    """
    positions = _held_positions(state, links.stated)
    evidence = _position_evidence(links.stated)
    links.stated.clear()  # as many as the articles state: not kept twice
    tables: dict[str, Callable[[], Callable[[Any], Record]]] = {
        "meetings": lambda: _meeting_of(state, links),
        "persons": lambda: _person_of(links, positions),
        "directives": lambda: _directive_of(state, links),
        "organizations": lambda: _organization_of(links),
        "posts": lambda: _post_of(positions),
    }
    for name, made in tables.items():
        record_of = made()
        # The table's order: by its id column, which every entry's id gives.
        entries = sorted(state.entries(name), key=attrgetter("model.id"))
        for start in range(0, len(entries), ROW_BATCH):
            batch = entries[start : start + ROW_BATCH]
            yield name, [record_of(entry.model).model_dump() for entry in batch]
    yield from evidence_batches(state, evidence)


def assemble_evidence(state: CheckState, links: Links) -> Iterator[tuple[str, list[Row]]]:
    """The evidence rows of registries and positions alone, as :func:`assemble_registries`
    gives them; ``links.stated`` is used up."""
    evidence = _position_evidence(links.stated)
    links.stated.clear()
    return evidence_batches(state, evidence)


def evidence_batches(
    state: CheckState, evidence: list[PositionEvidence]
) -> Iterator[tuple[str, list[Row]]]:
    """The rows of the registries' quotes (``state.evidence``) and of ``evidence``, in
    the table's order; both are used up."""
    rows: list[Record | Row | PositionEvidence] = [*state.evidence, *evidence]
    evidence.clear()
    state.evidence.clear()  # a row for every registry quote: held once, in ``rows``
    for batch_rows in sorted_row_batches("evidence", rows):
        yield "evidence", batch_rows


def _meeting_of(state: CheckState, links: Links) -> Callable[[MeetingEntry], Record]:
    adopted: dict[str, list[str]] = defaultdict(list)
    for entry in state.entries("directives"):
        directive = cast(DirectiveEntry, entry.model)
        if directive.adopted_at is not None:
            adopted[directive.adopted_at].append(directive.id)

    def record(m: MeetingEntry) -> Record:
        return Meeting(
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
            date_edtf=printed_edtf(m),
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
            participant_organization_ids=list(m.participant_organizations),
            participant_groups=list(m.participant_groups),
            attendance=m.attendance,
            attendance_qualifier=m.attendance_qualifier,
            directive_ids=list(m.directives),
            adopted_directive_ids=sorted(adopted[m.id]),
            article_ids=links.article_ids(m.id),
            boilerplate_article_ids=links.boilerplate_article_ids(m.id),
            only_in_boilerplate=links.only_in_boilerplate(m.id),
        )

    return record


class _HeldPosition(NamedTuple):
    """The fields of a :class:`Position`: a tuple, a third of a dict's room, since a corpus
    states tens of thousands, all held until the persons' records are made."""

    title: str
    post_id: str | None
    organization_id: str | None
    as_of: dt.date | None
    as_of_inferred: bool
    article_id: str


class PositionEvidence(NamedTuple):
    """The evidence row of a stated position, as a tuple until it is written."""

    table: str
    record_id: str
    field: str
    article_id: str
    start: int
    end: int
    quote: str


def _position_evidence(stated: Iterable[StatedPosition]) -> list[PositionEvidence]:
    """The evidence row of each position, which names it by its index among its person's."""
    held: dict[str, int] = defaultdict(int)
    evidence: list[PositionEvidence] = []
    for position in stated:
        index = held[position.person]
        held[position.person] = index + 1
        evidence.append(_evidence_of(position, index))
    return evidence


def _evidence_of(position: StatedPosition, index: int) -> PositionEvidence:
    return PositionEvidence(
        "persons",
        position.person,
        f"{_POSITIONS}[{index}]",
        position.article_id,
        position.start,
        position.end,
        position.quote,
    )


_POSITIONS = "positions"


def indexed_positions(
    stated: Iterable[StatedPosition], earlier: Iterable[Row]
) -> list[PositionEvidence] | None:
    """The evidence rows of the positions ``stated``, each named by the index that the
    ``earlier`` evidence rows of the same articles give it, in order: articles that state
    the same positions of each person, in the same order, keep their indices. None when
    the earlier rows name other positions."""
    indices: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in earlier:
        if row["table"] != "persons":
            continue
        name, _, index = str(row["field"]).partition("[")
        if name != _POSITIONS or not index.endswith("]") or not index[:-1].isdecimal():
            return None
        indices[(row["record_id"], row["article_id"])].append(int(index[:-1]))
    for found in indices.values():
        found.sort(reverse=True)  # taken from the end: the lowest first
    evidence: list[PositionEvidence] = []
    for position in stated:
        left = indices.get((position.person, position.article_id))
        if not left:
            return None
        evidence.append(_evidence_of(position, left.pop()))
    return None if any(indices.values()) else evidence


def _held_positions(
    state: CheckState, stated: Iterable[StatedPosition]
) -> dict[str, list[_HeldPosition]]:
    """Each person's positions in article order."""
    meetings = {
        cast(MeetingEntry, e.model).id: cast(MeetingEntry, e.model)
        for e in state.entries("meetings")
    }
    posts = {cast(PostEntry, e.model).id: cast(PostEntry, e.model) for e in state.entries("posts")}
    positions: dict[str, list[_HeldPosition]] = defaultdict(list)
    for position in stated:
        meeting = meetings.get(position.as_of_meeting) if position.as_of_meeting else None
        post = posts.get(position.post) if position.post else None
        positions[position.person].append(
            _HeldPosition(
                position.title,
                position.post,
                position.organization or (post.organization if post is not None else None),
                meeting.date if meeting else None,
                meeting.date_inferred if meeting else False,
                position.article_id,
            )
        )
    return positions


def _person_of(
    links: Links, positions: dict[str, list[_HeldPosition]]
) -> Callable[[PersonEntry], Record]:
    def record(p: PersonEntry) -> Record:
        return Person(
            person_id=p.id,
            name=p.name,
            other_names=_other_names(p.name, p.other_names, links, p.id),
            positions=[Position(**held._asdict()) for held in positions[p.id]],
            roles=list(p.roles),
            wikidata_id=p.wikidata_id,
            article_ids=links.article_ids(p.id),
            boilerplate_article_ids=links.boilerplate_article_ids(p.id),
            only_in_boilerplate=links.only_in_boilerplate(p.id),
        )

    return record


def _other_names(name: str, declared: list[str], links: Links, entity_id: str) -> list[str]:
    """Declared variants, plus other spellings of them that mentions print (e.g. 'Ð' for 'Đ').

    A mention that names a person by a title ("Thường trực Ban Bí thư") is no spelling of
    the name, so only forms equal to a name after normalization count.
    """
    names = {normalize(n) for n in (name, *declared)}
    printed = sorted(
        form for form in links.forms[entity_id] - {name, *declared} if normalize(form) in names
    )
    return [*declared, *printed]


def _directive_of(state: CheckState, links: Links) -> Callable[[DirectiveEntry], Record]:
    meeting_ids: dict[str, list[str]] = defaultdict(list)
    for entry in state.entries("meetings"):
        meeting = cast(MeetingEntry, entry.model)
        for directive_id in meeting.directives:
            meeting_ids[directive_id].append(meeting.id)

    def record(d: DirectiveEntry) -> Record:
        return Directive(
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
            term_inferred=d.term_inferred,
            term_basis=d.term_basis,
            issued_on=d.issued_on,
            subject=d.subject,
            adopted_at_meeting_id=d.adopted_at,
            surface_forms=sorted(links.forms[d.id]),
            article_ids=links.article_ids(d.id),
            boilerplate_article_ids=links.boilerplate_article_ids(d.id),
            only_in_boilerplate=links.only_in_boilerplate(d.id),
            meeting_ids=sorted(meeting_ids[d.id]),
            note=d.note,
        )

    return record


def _organization_of(links: Links) -> Callable[[OrganizationEntry], Record]:
    def record(o: OrganizationEntry) -> Record:
        return Organization(
            organization_id=o.id,
            name=o.name,
            other_names=_other_names(o.name, o.other_names, links, o.id),
            kind=o.kind,
            kind_inferred=o.kind_inferred,
            kind_basis=o.kind_basis,
            parent_id=o.parent,
            parent_inferred=o.parent_inferred,
            parent_basis=o.parent_basis,
            note=o.note,
            article_ids=links.article_ids(o.id),
            boilerplate_article_ids=links.boilerplate_article_ids(o.id),
            only_in_boilerplate=links.only_in_boilerplate(o.id),
        )

    return record


def _post_of(positions: dict[str, list[_HeldPosition]]) -> Callable[[PostEntry], Record]:
    titles: dict[str, set[str]] = defaultdict(set)
    holders: dict[str, set[str]] = defaultdict(set)
    for person_id, held in positions.items():
        for position in held:
            if position.post_id is not None:
                titles[position.post_id].add(position.title)
                holders[position.post_id].add(person_id)

    def record(post: PostEntry) -> Record:
        return Post(
            post_id=post.id,
            name=post.name,
            organization_id=post.organization,
            titles=sorted(titles[post.id]),
            person_ids=sorted(holders[post.id]),
        )

    return record


# Rows of a registry table made and turned into dicts at once.
ROW_BATCH = 2048


def sorted_row_batches(
    table: str, items: list[Record | Row | PositionEvidence]
) -> Iterator[list[Row]]:
    """The rows of ``items`` (records, rows as dicts, or named tuples) in the table's order,
    in batches of ``ROW_BATCH``: the registries' evidence has a row for every quote, and only
    its sort keys and the rows not yet given are held. ``items`` is used up as the batches go."""
    spec = TABLES[table]
    # Rows equal on the key are equal throughout (ids are unique; an evidence span fixes its
    # quote), and ties keep an order that depends on neither jobs nor cache.
    order = sorted(
        range(len(items)),
        key=lambda index: spec.row_key(_sort_fields(items[index], spec.sort_key)),
    )
    for start in range(0, len(order), ROW_BATCH):
        batch = order[start : start + ROW_BATCH]
        yield [_dumped(items[index]) for index in batch]
        for index in batch:
            items[index] = _GIVEN


# What stands in ``sorted_row_batches``' items for a row already given.
_GIVEN: Row = {}


def _sort_fields(item: Record | Row | PositionEvidence, columns: tuple[str, ...]) -> Row:
    if isinstance(item, dict):
        return item
    return {column: getattr(item, column) for column in columns}


def _dumped(item: Record | Row | PositionEvidence) -> Row:
    if isinstance(item, dict):
        return item
    return item._asdict() if isinstance(item, tuple) else item.model_dump()
