"""Navigate the corpus both ways: between persons, meetings, directives, organizations and the
articles and mentions that ground them.

    >>> import dnnd_dataset as dnnd
    >>> c = dnnd.corpus()
    >>> [person] = c.find_persons("Trần Quốc Vượng")
    >>> [(p.meeting.name, p.roles) for p in c.person_meetings(person)]
    >>> [(h.person.name, h.position.as_of) for h in c.post_holders("thuong-truc-ban-bi-thu")]
    >>> [directive] = c.find_directives("04-CT/TW", year=2011)
    >>> [a.title for a in c.directive_articles(directive)]
    >>> [(v.span.start, v.span.text, v.entity) for v in c.article_mentions("002-a35811e9377ab383")]

Every navigation method takes a record or its id. Lookups by id raise
:class:`UnknownRecordError`; lookups by name return a list, since names can be shared (a
directive code such as "04-CT/TW" names one directive per term).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Generic, Literal, TypeAlias, TypeVar

from dnnd_dataset.directive_codes import canonical_code
from dnnd_dataset.errors import DnndError
from dnnd_dataset.library.api import data_dir, load, load_published
from dnnd_dataset.records import (
    TABLE_NAMES,
    Article,
    Directive,
    Evidence,
    Meeting,
    Mention,
    MentionLabel,
    NerSentence,
    Organization,
    ParticipantRole,
    Person,
    Position,
    Post,
)
from dnnd_dataset.textnorm import at_word_boundaries, fold, normalize

__all__ = [
    "Corpus",
    "Entity",
    "HeldPosition",
    "MeetingParticipation",
    "MentionView",
    "TextSpan",
    "UnknownRecordError",
    "corpus",
]

Entity: TypeAlias = Person | Organization | Directive | Meeting
Grounded: TypeAlias = Article | Meeting | Person | Directive
GroundedTable: TypeAlias = Literal["articles", "meetings", "persons", "directives"]
R = TypeVar("R")


class UnknownRecordError(DnndError, KeyError):
    """An id that names no record of its table."""

    def __init__(self, table: str, record_id: str) -> None:
        self.table = table
        self.record_id = record_id
        super().__init__(f"no record {record_id!r} in table {table!r}")

    def __str__(self) -> str:
        # KeyError would print the repr of its argument, quotes and all.
        return str(self.args[0])


@dataclass(frozen=True)
class TextSpan:
    """A span of an article's text: code-point offsets, start inclusive, end exclusive."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class MentionView:
    """A mention with the entity it refers to (None for a LOCATION)."""

    mention: Mention
    entity: Entity | None

    @property
    def label(self) -> MentionLabel:
        return self.mention.label

    @property
    def span(self) -> TextSpan:
        return TextSpan(self.mention.start, self.mention.end, self.mention.text)


@dataclass(frozen=True)
class MeetingParticipation:
    """A person taking part in a meeting, with the roles and position stated for it.

    ``inferred`` is true when the text implies the participation without stating it; ``basis``
    then says how."""

    meeting: Meeting
    person: Person
    roles: tuple[ParticipantRole, ...]
    position: str | None
    inferred: bool = False
    basis: str | None = None


@dataclass(frozen=True)
class HeldPosition:
    """A position a person held, as one article states it, with its organization resolved."""

    person: Person
    position: Position
    organization: Organization | None
    article: Article
    post: Post | None = None

    @property
    def title(self) -> str:
        return self.position.title


def name_key(name: str) -> str:
    """The form names are compared in: NFC, look-alikes mapped ('Ð' -> 'Đ'), spaces collapsed,
    case folded."""
    return " ".join(normalize(unicodedata.normalize("NFC", name)).split()).casefold()


def _folded_key(name: str) -> str:
    """:func:`name_key` without marks: 'Trần Quốc Vượng' and 'tran quoc vuong' agree."""
    return " ".join(fold(unicodedata.normalize("NFC", name)).split())


# How well a name matches a query, best first: the ranks of a search's answer.
EXACT, EXACT_WITHOUT_MARKS, WORDS, WORDS_WITHOUT_MARKS, PART = range(5)


def match_rank(query: str, name: str) -> int | None:
    """How ``name`` matches ``query`` (one of the ranks above), or None when it does not.

    Whole words beat parts of words, and the marks as written beat a match without them.
    """
    return _rank(name_key(query), _folded_key(query), name_key(name), _folded_key(name))


def _rank(wanted: str, folded_wanted: str, key: str, folded: str) -> int | None:
    if not wanted:
        return None
    if key == wanted:
        return EXACT
    if folded == folded_wanted:
        return EXACT_WITHOUT_MARKS
    if _has_words(key, wanted):
        return WORDS
    if _has_words(folded, folded_wanted):
        return WORDS_WITHOUT_MARKS
    if folded_wanted in folded:
        return PART
    return None


def _has_words(text: str, words: str) -> bool:
    start = text.find(words)
    while start != -1:
        if at_word_boundaries(text, start, start + len(words)):
            return True
        start = text.find(words, start + 1)
    return False


class Corpus:
    """All published tables, indexed for navigation in both directions.

    ``articles``, ``persons``, ``meetings``, ``directives`` and ``organizations`` map ids to
    records (read-only); ``mentions``, ``evidence`` and ``ner`` hold every row in table order.
    """

    def __init__(
        self,
        *,
        articles: Iterable[Article],
        mentions: Iterable[Mention],
        meetings: Iterable[Meeting],
        persons: Iterable[Person],
        directives: Iterable[Directive],
        organizations: Iterable[Organization],
        evidence: Iterable[Evidence] = (),
        posts: Iterable[Post] = (),
        ner: Iterable[NerSentence] = (),
    ) -> None:
        self.articles = _by_id("articles", articles, lambda r: r.article_id)
        self.meetings = _by_id("meetings", meetings, lambda r: r.meeting_id)
        self.persons = _by_id("persons", persons, lambda r: r.person_id)
        self.directives = _by_id("directives", directives, lambda r: r.directive_id)
        self.organizations = _by_id("organizations", organizations, lambda r: r.organization_id)
        self.posts = _by_id("posts", posts, lambda r: r.post_id)
        self.mentions: tuple[Mention, ...] = tuple(mentions)
        self.evidence: tuple[Evidence, ...] = tuple(evidence)
        self.ner: tuple[NerSentence, ...] = tuple(ner)
        self._build_reverse_indexes()
        self._build_name_indexes()

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{name}={len(rows)}"
            for name, rows in (
                ("articles", self.articles),
                ("mentions", self.mentions),
                ("meetings", self.meetings),
                ("persons", self.persons),
                ("directives", self.directives),
                ("organizations", self.organizations),
                ("posts", self.posts),
                ("evidence", self.evidence),
                ("ner", self.ner),
            )
        )
        return f"Corpus({counts})"

    # -- indexes ---------------------------------------------------------------------------

    def _build_reverse_indexes(self) -> None:
        # Only relations that no table stores from both ends need an index here; the rest
        # (e.g. person.article_ids and article.person_ids) are already stored both ways.
        in_text_order = sorted(self.mentions, key=lambda m: (m.article_id, m.start, m.end))
        self._mentions_by_article = _group(in_text_order, lambda m: m.article_id)
        self._mentions_by_entity = _group(
            (m for m in in_text_order if m.entity_id is not None),
            lambda m: (m.label, m.entity_id),
        )
        self._participations_by_person = _group(
            (
                participation
                for meeting in _chronological(self.meetings.values())
                for participation in self.meeting_participants(meeting)
            ),
            lambda participation: participation.person.person_id,
        )
        self._meetings_by_organizer = _group_many(
            _chronological(self.meetings.values()), lambda m: m.organizer_ids
        )
        held_positions = [held for p in self.persons.values() for held in self.person_positions(p)]
        self._positions_by_organization = _group(
            held_positions, lambda held: held.position.organization_id
        )
        # Undated holdings go last; person and article break ties so the order is stable.
        self._holders_by_post = _group(
            sorted(
                held_positions,
                key=lambda h: (
                    h.position.as_of is None,
                    h.position.as_of or dt.date.min,
                    h.person.person_id,
                    h.position.article_id,
                ),
            ),
            lambda held: held.position.post_id,
        )
        self._children = _group(self.organizations.values(), lambda o: o.parent_id)
        self._issued = _group(self.directives.values(), lambda d: d.issuer_id)
        self._evidence_by_record = _group(self.evidence, lambda e: (e.table, e.record_id))
        self._sentences_by_article = _group(
            sorted(self.ner, key=lambda s: (s.article_id, s.sentence_index)),
            lambda s: s.article_id,
        )

    def _build_name_indexes(self) -> None:
        self._article_names = _NameIndex(self.articles.values(), lambda a: [a.title])
        self._person_names = _NameIndex(self.persons.values(), lambda p: [p.name, *p.other_names])
        self._meeting_names = _NameIndex(self.meetings.values(), lambda m: [m.name])
        self._organization_names = _NameIndex(
            self.organizations.values(), lambda o: [o.name, *o.other_names]
        )
        self._post_names = _NameIndex(self.posts.values(), lambda p: [p.name, *p.titles])
        self._directive_names = _NameIndex(
            self.directives.values(),
            lambda d: [d.name, *([d.code] if d.code else []), *d.surface_forms],
        )

    # -- records by id ---------------------------------------------------------------------

    def article(self, article_id: str) -> Article:
        return _get("articles", self.articles, article_id)

    def person(self, person_id: str) -> Person:
        return _get("persons", self.persons, person_id)

    def meeting(self, meeting_id: str) -> Meeting:
        return _get("meetings", self.meetings, meeting_id)

    def directive(self, directive_id: str) -> Directive:
        return _get("directives", self.directives, directive_id)

    def organization(self, organization_id: str) -> Organization:
        return _get("organizations", self.organizations, organization_id)

    def post(self, post_id: str) -> Post:
        return _get("posts", self.posts, post_id)

    # -- records by name -------------------------------------------------------------------

    # Every search takes a whole name or a part of one, with or without marks ("Vượng",
    # "tran quoc vuong"), and answers best match first: the exact name, the name without
    # marks, whole words, then parts of words; ties in table order.

    def find_articles(self, title: str) -> list[Article]:
        """Articles whose title is or contains ``title``, best match first."""
        return self._article_names.search(title)

    def find_persons(self, name: str) -> list[Person]:
        """Persons whose name or any other name is or contains ``name``, best match first."""
        return self._person_names.search(name)

    def find_meetings(self, name: str) -> list[Meeting]:
        """Meetings whose name is or contains ``name``, best match first."""
        return self._meeting_names.search(name)

    def find_posts(self, title: str) -> list[Post]:
        """Posts whose name or any printed title is or contains ``title``, best match first
        ("Trưởng ban Đối ngoại T.Ư" finds the post a text prints "Trưởng ban Ðối ngoại T.Ư")."""
        return self._post_names.search(title)

    def find_organizations(self, name: str) -> list[Organization]:
        """Organizations whose name, abbreviation or variant is or contains ``name``, best
        match first."""
        return self._organization_names.search(name)

    def find_directives(
        self, name: str, *, term: str | None = None, year: int | None = None
    ) -> list[Directive]:
        """Directives written ``name``: their name, a surface form, or any press variant of a code
        ("04 – CT/TW", "Chỉ thị số 04-CT/TW"), whole or in part, best match first. Codes
        restart each term, so narrow the answer with ``term`` ("XI") or ``year`` (of issue)."""
        code = canonical_code(name)
        return self._directive_names.search(
            name,
            keep=lambda d: (
                (term is None or d.term == term)
                and (year is None or (d.issued_on is not None and d.issued_on.year == year))
            ),
            exact=lambda d: code is not None and d.code == code,
        )

    # -- persons ---------------------------------------------------------------------------

    def person_meetings(self, person: Person | str) -> list[MeetingParticipation]:
        """The meetings a person took part in, in date order, with role and position."""
        return list(self._participations_by_person.get(self._person(person).person_id, ()))

    def person_positions(self, person: Person | str) -> list[HeldPosition]:
        """Each position the articles state the person held, in the order recorded."""
        record = self._person(person)
        return [
            HeldPosition(
                record,
                position,
                self._optional(self.organization, position.organization_id),
                self.article(position.article_id),
                self._optional(self.post, position.post_id),
            )
            for position in record.positions
        ]

    def person_articles(self, person: Person | str) -> list[Article]:
        return self._articles(self._person(person).article_ids)

    # -- directives ------------------------------------------------------------------------

    def directive_articles(self, directive: Directive | str) -> list[Article]:
        return self._articles(self._directive(directive).article_ids)

    def directive_meetings(self, directive: Directive | str) -> list[Meeting]:
        """Meetings that disseminated, reviewed or cited the directive."""
        return [self.meeting(i) for i in self._directive(directive).meeting_ids]

    def directive_issuer(self, directive: Directive | str) -> Organization | None:
        return self._optional(self.organization, self._directive(directive).issuer_id)

    # -- meetings --------------------------------------------------------------------------

    def meeting_participants(self, meeting: Meeting | str) -> list[MeetingParticipation]:
        """Named participants as Person records, with the role and position stated."""
        record = self._meeting(meeting)
        return [
            MeetingParticipation(
                record,
                self.person(p.person_id),
                tuple(p.roles),
                p.position,
                p.inferred,
                p.basis,
            )
            for p in record.participants
        ]

    def meeting_organizers(self, meeting: Meeting | str) -> list[Organization]:
        return [self.organization(i) for i in self._meeting(meeting).organizer_ids]

    def meeting_directives(self, meeting: Meeting | str) -> list[Directive]:
        return [self.directive(i) for i in self._meeting(meeting).directive_ids]

    def meeting_articles(self, meeting: Meeting | str) -> list[Article]:
        return self._articles(self._meeting(meeting).article_ids)

    # -- articles --------------------------------------------------------------------------

    def article_mentions(self, article: Article | str) -> list[MentionView]:
        """The article's mentions in text order, each with its entity and its span."""
        mentions = self._mentions_by_article.get(self._article(article).article_id, ())
        return [self._view(m) for m in mentions]

    def article_sentences(self, article: Article | str) -> list[NerSentence]:
        """The article's rows of the ner table: its body sentence by sentence, tokens tagged."""
        return list(self._sentences_by_article.get(self._article(article).article_id, ()))

    def article_authors(self, article: Article | str) -> list[Person]:
        return [self.person(i) for i in self._article(article).author_ids]

    def article_persons(self, article: Article | str) -> list[Person]:
        return [self.person(i) for i in self._article(article).person_ids]

    def article_organizations(self, article: Article | str) -> list[Organization]:
        return [self.organization(i) for i in self._article(article).organization_ids]

    def article_directives(self, article: Article | str) -> list[Directive]:
        return [self.directive(i) for i in self._article(article).directive_ids]

    def article_meetings(self, article: Article | str) -> list[Meeting]:
        return [self.meeting(i) for i in self._article(article).meeting_ids]

    # -- organizations ---------------------------------------------------------------------

    def organization_articles(self, organization: Organization | str) -> list[Article]:
        return self._articles(self._organization(organization).article_ids)

    def organization_meetings(self, organization: Organization | str) -> list[Meeting]:
        """Meetings the organization organized, in date order."""
        key = self._organization(organization).organization_id
        return list(self._meetings_by_organizer.get(key, ()))

    def organization_positions(self, organization: Organization | str) -> list[HeldPosition]:
        """Every position stated as held in the organization, by person."""
        key = self._organization(organization).organization_id
        return list(self._positions_by_organization.get(key, ()))

    def organization_persons(self, organization: Organization | str) -> list[Person]:
        """Persons stated to hold a position in the organization, each once."""
        persons = {h.person.person_id: h.person for h in self.organization_positions(organization)}
        return list(persons.values())

    def organization_children(self, organization: Organization | str) -> list[Organization]:
        key = self._organization(organization).organization_id
        return list(self._children.get(key, ()))

    def organization_parent(self, organization: Organization | str) -> Organization | None:
        return self._optional(self.organization, self._organization(organization).parent_id)

    def organization_directives(self, organization: Organization | str) -> list[Directive]:
        """Directives the organization issued."""
        key = self._organization(organization).organization_id
        return list(self._issued.get(key, ()))

    # -- posts -----------------------------------------------------------------------------

    def post_holders(self, post: Post | str) -> list[HeldPosition]:
        """Who held the post, in date order (the date of the event at which a text states it;
        undated statements last): one entry per statement, so a person stated to hold the
        post at two events appears twice."""
        key = (self.post(post) if isinstance(post, str) else post).post_id
        return list(self._holders_by_post.get(key, ()))

    # -- any record ------------------------------------------------------------------------

    def mentions_of(self, entity: Entity) -> list[MentionView]:
        """Every mention of an entity across the corpus, in article and text order."""
        label, entity_id = _label_and_id(entity)
        return [self._view(m) for m in self._mentions_by_entity.get((label, entity_id), ())]

    def evidence_of(self, record: Grounded, field: str | None = None) -> list[Evidence]:
        """The quotes that ground the record's facts, or only those of ``field``."""
        rows = self._evidence_by_record.get(_table_and_id(record), ())
        return [e for e in rows if field is None or e.field == field]

    # -- helpers ---------------------------------------------------------------------------

    def _view(self, mention: Mention) -> MentionView:
        return MentionView(mention, self._entity(mention.label, mention.entity_id))

    def _entity(self, label: MentionLabel, entity_id: str | None) -> Entity | None:
        if entity_id is None or label == "LOCATION":
            return None
        lookup: dict[str, Callable[[str], Entity]] = {
            "PERSON": self.person,
            "ORGANIZATION": self.organization,
            "DIRECTIVE": self.directive,
            "MEETING": self.meeting,
        }
        return lookup[label](entity_id)

    def _articles(self, ids: Iterable[str]) -> list[Article]:
        return [self.article(i) for i in ids]

    @staticmethod
    def _optional(get: Callable[[str], R], record_id: str | None) -> R | None:
        return None if record_id is None else get(record_id)

    def _article(self, article: Article | str) -> Article:
        return self.article(article) if isinstance(article, str) else article

    def _person(self, person: Person | str) -> Person:
        return self.person(person) if isinstance(person, str) else person

    def _meeting(self, meeting: Meeting | str) -> Meeting:
        return self.meeting(meeting) if isinstance(meeting, str) else meeting

    def _directive(self, directive: Directive | str) -> Directive:
        return self.directive(directive) if isinstance(directive, str) else directive

    def _organization(self, organization: Organization | str) -> Organization:
        return self.organization(organization) if isinstance(organization, str) else organization


def corpus(folder: str | os.PathLike[str] | None = None) -> Corpus:
    """The whole published dataset as a :class:`Corpus`, loaded once and then cached.

    Without ``folder``, the tables that ship in the package (or ``$DNND_DATA_DIR``); with it,
    the tables of an output folder of ``dnnd build``, read afresh on every call.
    """
    if folder is not None:
        return Corpus(**{name: load_published(folder, name) for name in TABLE_NAMES})
    # Keyed by the data folder, so a different DNND_DATA_DIR gives a different corpus.
    return _corpus(str(data_dir()))


@functools.cache
def _corpus(data_folder: str) -> Corpus:
    return Corpus(
        articles=load("articles"),
        mentions=load("mentions"),
        meetings=load("meetings"),
        persons=load("persons"),
        directives=load("directives"),
        organizations=load("organizations"),
        evidence=load("evidence"),
        posts=load("posts"),
        ner=load("ner"),
    )


def _by_id(table: str, records: Iterable[R], key: Callable[[R], str]) -> Mapping[str, R]:
    index: dict[str, R] = {}
    for record in records:
        record_id = key(record)
        if record_id in index:
            raise ValueError(f"duplicate id {record_id!r} in table {table!r}")
        index[record_id] = record
    return MappingProxyType(index)


def _get(table: str, index: Mapping[str, R], record_id: str) -> R:
    try:
        return index[record_id]
    except KeyError:
        raise UnknownRecordError(table, record_id) from None


K = TypeVar("K")


def _group(items: Iterable[R], key: Callable[[R], K | None]) -> dict[K, list[R]]:
    """Items grouped by key, each group in input order; items keyed None are left out."""
    return _group_many(items, lambda item: [] if (k := key(item)) is None else [k])


def _group_many(items: Iterable[R], keys: Callable[[R], Iterable[K]]) -> dict[K, list[R]]:
    """Items grouped under each of their keys, each group in input order."""
    groups: dict[K, list[R]] = defaultdict(list)
    for item in items:
        for group_key in keys(item):
            groups[group_key].append(item)
    return dict(groups)


class _NameIndex(Generic[R]):
    """The records of a table with every name they go by, as compared by the searches."""

    def __init__(self, records: Iterable[R], names: Callable[[R], list[str]]) -> None:
        self._entries = [
            (record, sorted({(name_key(n), _folded_key(n)) for n in names(record)}))
            for record in records
        ]

    def search(
        self,
        query: str,
        *,
        keep: Callable[[R], bool] = lambda _record: True,
        exact: Callable[[R], bool] = lambda _record: False,
    ) -> list[R]:
        """Records with a name that matches ``query``, by best rank, then in table order."""
        wanted, folded_wanted = name_key(query), _folded_key(query)
        ranked: list[tuple[int, int, R]] = []
        for position, (record, keys) in enumerate(self._entries):
            if not keep(record):
                continue
            ranks = [
                rank
                for key, folded in keys
                if (rank := _rank(wanted, folded_wanted, key, folded)) is not None
            ]
            if exact(record):
                ranks.append(EXACT)
            if ranks:
                ranked.append((min(ranks), position, record))
        ranked.sort(key=lambda item: item[:2])
        return [record for _, _, record in ranked]


def _chronological(meetings: Iterable[Meeting]) -> list[Meeting]:
    # Undated meetings go last; the id breaks ties so the order is stable across builds.
    return sorted(meetings, key=lambda m: (m.date is None, m.date or dt.date.min, m.meeting_id))


def _label_and_id(entity: Entity) -> tuple[MentionLabel, str]:
    if isinstance(entity, Person):
        return "PERSON", entity.person_id
    if isinstance(entity, Organization):
        return "ORGANIZATION", entity.organization_id
    if isinstance(entity, Directive):
        return "DIRECTIVE", entity.directive_id
    return "MEETING", entity.meeting_id


def _table_and_id(record: Grounded) -> tuple[GroundedTable, str]:
    if isinstance(record, Article):
        return "articles", record.article_id
    if isinstance(record, Meeting):
        return "meetings", record.meeting_id
    if isinstance(record, Person):
        return "persons", record.person_id
    return "directives", record.directive_id
