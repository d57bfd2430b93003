"""What each page of the site shows, computed from a :class:`Corpus`: the values the templates
lay out, with every link and every piece of text already decided.

Values are rendered to escaped HTML here (``markupsafe``) rather than in the templates, because
the same rules (an id becomes a link to its record's page, null reads "not stated", a list of
structs becomes a small table) apply to every field of every table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from pydantic import BaseModel

from dnnd_dataset.explorer.text_markup import Span, render
from dnnd_dataset.library.navigation import Corpus, HeldPosition
from dnnd_dataset.records import Article, Evidence, Meeting, Mention, Record

# The folder of each table's pages; also the kind of record a field's ids point at.
FOLDERS: dict[str, str] = {
    "articles": "articles",
    "persons": "persons",
    "organizations": "organizations",
    "directives": "directives",
    "meetings": "meetings",
}
SINGULAR: dict[str, str] = {
    "articles": "article",
    "persons": "person",
    "organizations": "organization",
    "directives": "directive",
    "meetings": "meeting",
}
LABEL_TABLE: dict[str, str] = {
    "PERSON": "persons",
    "ORGANIZATION": "organizations",
    "DIRECTIVE": "directives",
    "MEETING": "meetings",
}
# Which table a field's ids refer to.
ID_FIELDS: dict[str, str] = {
    "article_id": "articles",
    "article_ids": "articles",
    "person_id": "persons",
    "person_ids": "persons",
    "author_ids": "persons",
    "organization_id": "organizations",
    "organization_ids": "organizations",
    "organizer_ids": "organizations",
    "issuer_id": "organizations",
    "parent_id": "organizations",
    "directive_ids": "directives",
    "meeting_ids": "meetings",
}
# Fields shown elsewhere on the page than in the table of facts.
NOT_IN_FACTS: dict[str, frozenset[str]] = {
    "articles": frozenset({"text", "text_normalized"}),
}
BOILERPLATE_WORDS: dict[str, str] = {
    "site_banner": "site banner",
    "page_chrome": "page chrome",
    "duplicate_caption": "duplicated caption",
    "duplicate_text": "duplicated text",
    "comment_widget": "comment widget",
}


# Past these, a list in a table of facts, or the quotes of one field, show how many more
# there are: the full lists are on the pages they link to, and every quote on its article's.
LIST_LIMIT = 50
QUOTE_LIMIT = 12
# Articles and quotes shown in one row of a table of positions.
ROW_LINKS = 5
# An evidence field is a path into its record: "positions[0]", "organizer_ids[ban-bi-thu]",
# "participants[person_id=le-hong-anh].roles[chair]". Its first step names the field, the
# selector in brackets the element of a list the quote supports.
_FIELD_PATH = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?")


def _id_of(record: Record) -> str:
    for name in ("article_id", "person_id", "organization_id", "directive_id", "meeting_id"):
        if name in type(record).model_fields:
            return str(getattr(record, name))
    raise TypeError(f"{type(record).__name__} has no id field")


def _title_of(record: Record) -> str:
    if isinstance(record, Article):
        return record.title
    return str(getattr(record, "name"))  # noqa: B009


def quote_anchor(evidence: Evidence) -> str:
    return f"q{evidence.start}-{evidence.end}"


def display_date(meeting: Meeting) -> str:
    """A meeting's date to the precision it is known; without a year, the parts printed."""
    if meeting.date is None:
        return f"{meeting.date_edtf} (year unknown)" if meeting.date_edtf else "undated"
    if meeting.date_precision == "year":
        return f"{meeting.date.year}"
    if meeting.date_precision == "month":
        return f"{meeting.date:%Y-%m}"
    return meeting.date.isoformat()


@dataclass(frozen=True)
class Quote:
    """An evidence quote and the link to its place in the article."""

    text: str
    href: str
    article_title: str


@dataclass(frozen=True)
class Fact:
    """One row of a record's table of facts: a field, its value, the quotes that ground it."""

    name: str
    description: str
    value: Markup
    quotes: tuple[Quote, ...]
    more_quotes: int = 0
    # A table of structs, which takes the evidence column too when the field has no quote
    # of its own (its elements' quotes are in the table).
    wide: bool = False


@dataclass(frozen=True)
class HeldTitle:
    """One title held in one organization, as every article that states it states it: the
    earliest and latest dates stated, the articles and the quotes."""

    person: Markup
    title: str
    organization: Markup
    first: dt.date | None
    last: dt.date | None
    inferred: bool
    articles: tuple[Markup, ...]
    more_articles: int
    quotes: tuple[Quote, ...]
    more_quotes: int


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    note: str = ""


@dataclass
class Site:
    """The corpus with the indexes the pages need, and the link rules between pages."""

    corpus: Corpus
    evidence_by_article: dict[str, list[Evidence]] = field(default_factory=dict)
    # Each mention's number in its article, in text order: the anchor #m<number> on its page.
    mention_numbers: dict[Mention, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for article_id in self.corpus.articles:
            for number, view in enumerate(self.corpus.article_mentions(article_id)):
                self.mention_numbers[view.mention] = number
        grouped: dict[str, list[Evidence]] = defaultdict(list)
        for evidence in self.corpus.evidence:
            grouped[evidence.article_id].append(evidence)
        self.evidence_by_article = dict(grouped)

    # -- links -----------------------------------------------------------------------------

    def record(self, table: str, record_id: str) -> Record | None:
        records = {
            "articles": self.corpus.articles,
            "persons": self.corpus.persons,
            "organizations": self.corpus.organizations,
            "directives": self.corpus.directives,
            "meetings": self.corpus.meetings,
        }[table]
        return records.get(record_id)

    def href(self, table: str, record_id: str, root: str = "../") -> str:
        return f"{root}{FOLDERS[table]}/{record_id}.html"

    def link(self, table: str, record_id: str, root: str = "../") -> Markup:
        """A link to a record's page, named by its name; a dangling id stays plain text."""
        record = self.record(table, record_id)
        if record is None:
            return Markup(f'<span class="missing">{escape(record_id)}</span>')
        href = escape(self.href(table, record_id, root))
        return Markup(f'<a href="{href}">{escape(_title_of(record))}</a>')

    def quote(self, evidence: Evidence, root: str = "../") -> Quote:
        article = self.corpus.articles.get(evidence.article_id)
        return Quote(
            evidence.quote,
            f"{self.href('articles', evidence.article_id, root)}#{quote_anchor(evidence)}",
            article.title if article else evidence.article_id,
        )

    # -- values ----------------------------------------------------------------------------

    def value(
        self,
        name: str,
        value: object,
        element_quotes: dict[int, list[Quote]] | None = None,
    ) -> Markup:
        """A field's value as HTML: ids as links, null as "not stated", structs as tables.
        A list longer than :data:`LIST_LIMIT` shows its first items and how many more.
        ``element_quotes`` maps a list element's index to the quotes that ground it, drawn
        beside that element."""
        if value is None:
            return Markup('<span class="null">not stated</span>')
        if isinstance(value, bool):
            return Markup("yes" if value else "no")
        if isinstance(value, dt.date):
            return Markup(f"<time>{value.isoformat()}</time>")
        if name in ID_FIELDS and isinstance(value, str):
            return self.link(ID_FIELDS[name], value)
        if isinstance(value, list):
            if not value:
                return Markup('<span class="null">none</span>')
            shown, hidden = value[:LIST_LIMIT], len(value) - LIST_LIMIT
            more = f'<p class="note">and {hidden:,} more</p>' if hidden > 0 else ""
            beside = element_quotes or {}
            if isinstance(value[0], BaseModel):
                return Markup(self._struct_table(shown, beside, name) + more)
            items = "".join(
                f"<li>{self.value(name, item)}{quote_list(beside.get(i, []))}</li>"
                for i, item in enumerate(shown)
            )
            return Markup(f'<ul class="values">{items}</ul>{more}')
        if name == "url" and isinstance(value, str) and value.startswith(("http://", "https://")):
            # rel=noreferrer: following it is the reader's choice; the page never loads it.
            return Markup(f'<a class="external" href="{escape(value)}" rel="noreferrer">'
                          f"{escape(value)}</a>")  # fmt: skip
        return escape(str(value))

    def _struct_table(
        self,
        rows: Sequence[BaseModel],
        quotes: dict[int, list[Quote]] | None = None,
        name: str = "",
    ) -> str:
        columns = list(type(rows[0]).model_fields)
        grounded = bool(quotes)
        head = "".join(f"<th>{escape(c)}</th>" for c in columns)
        head += "<th>evidence</th>" if grounded else ""
        body = "".join(
            "<tr>"
            + "".join(
                f'<td data-label="{escape(c)}">{self.value(c, getattr(row, c))}</td>'
                for c in columns
            )
            + (
                f'<td data-label="evidence">{quote_list((quotes or {}).get(i, []))}</td>'
                if grounded
                else ""
            )
            + "</tr>"
            for i, row in enumerate(rows)
        )
        return (
            f'<div class="scroll" tabindex="0" role="region" aria-label="{escape(name)}">'
            f'<table class="structs"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            "</table></div>"
        )

    def facts(self, table: str, record: Record, evidence: Iterable[Evidence]) -> list[Fact]:
        """Every field of ``record`` with its value and the quotes behind it, in model order;
        quotes for a field the model does not have come last, under their own name."""
        model_fields = type(record).model_fields
        quotes: dict[str, list[Quote]] = defaultdict(list)
        # Quotes of one element of a list field, drawn beside that element.
        element_quotes: dict[str, dict[int, list[Quote]]] = defaultdict(lambda: defaultdict(list))
        for row in evidence:
            name, selector = _field_path(row.field, model_fields)
            index = _element(getattr(record, name, None), selector)
            if index is None:
                quotes[name].append(self.quote(row))
            else:
                element_quotes[name][index].append(self.quote(row))
        hidden = NOT_IN_FACTS.get(table, frozenset())
        # The record's own id, as it is: a link to this very page, named by the record's
        # name, would hide it.
        id_field = next((n for n in model_fields if n == f"{SINGULAR.get(table, '')}_id"), None)
        own_id = Markup(f'<code class="id">{escape(_id_of(record))}</code>')
        facts = [
            Fact(
                name,
                info.description or "",
                own_id
                if name == id_field
                else self.value(name, getattr(record, name), element_quotes.get(name)),
                *_capped(quotes.pop(name, [])),
                wide=_is_struct_list(getattr(record, name)),
            )
            for name, info in model_fields.items()
            if name not in hidden
        ]
        # A quote of a field the record does not have: its own row, still beside its words.
        facts.extend(
            Fact(
                name,
                "",
                Markup('<span class="null">not a field of the record</span>'),
                *_capped(rows),
            )
            for name, rows in sorted(quotes.items())
        )
        return facts

    def held_titles(self, held: Sequence[HeldPosition]) -> list[HeldTitle]:
        """Positions grouped by person, title and organization, earliest first (undated last).
        A title restated by many articles is one row, not one row per article."""
        groups: dict[tuple[str, str, str], list[HeldPosition]] = defaultdict(list)
        for h in held:
            key = (h.person.person_id, h.position.title, h.position.organization_id or "")
            groups[key].append(h)
        rows = []
        for (person_id, title, organization_id), items in groups.items():
            dates = sorted(h.position.as_of for h in items if h.position.as_of is not None)
            articles = list(dict.fromkeys(h.article.article_id for h in items))
            quotes = _unique(self._position_quotes(items))
            rows.append(
                HeldTitle(
                    person=self.link("persons", person_id),
                    title=title,
                    organization=self.value("organization_id", organization_id or None),
                    first=dates[0] if dates else None,
                    last=dates[-1] if dates else None,
                    inferred=any(h.position.as_of_inferred for h in items),
                    articles=tuple(self.link("articles", a) for a in articles[:ROW_LINKS]),
                    more_articles=max(0, len(articles) - ROW_LINKS),
                    quotes=tuple(quotes[:ROW_LINKS]),
                    more_quotes=max(0, len(quotes) - ROW_LINKS),
                )
            )
        return sorted(
            rows,
            key=lambda r: (r.first is None, r.first or dt.date.min, r.last or dt.date.min, r.title),
        )

    def _position_quotes(self, items: Sequence[HeldPosition]) -> list[Quote]:
        """The quotes of exactly these positions: evidence of ``positions[i]`` of the person,
        for each i that is one of ``items``."""
        person = items[0].person
        index = {id(position): i for i, position in enumerate(person.positions)}
        wanted = {index[id(h.position)] for h in items if id(h.position) in index}
        quotes = []
        for evidence in self.corpus.evidence_of(person):
            name, selector = _field_path(evidence.field, type(person).model_fields)
            if name == "positions" and _element(person.positions, selector) in wanted:
                quotes.append(self.quote(evidence))
        return quotes

    # -- article text ----------------------------------------------------------------------

    def article_text(self, article: Article) -> tuple[Markup, dict[str, int]]:
        """The article's text marked up, and the number of mentions of each label."""
        spans: list[Span] = []
        for part in article.boilerplate:
            words = BOILERPLATE_WORDS.get(part.kind, part.kind)
            spans.append(
                Span(
                    part.start,
                    part.end,
                    0,
                    "span",
                    (("class", "bp"), ("data-kind", part.kind), ("title", f"boilerplate: {words}")),
                )
            )
        by_span: dict[tuple[int, int], list[Evidence]] = defaultdict(list)
        for evidence in self.evidence_by_article.get(article.article_id, ()):
            by_span[(evidence.start, evidence.end)].append(evidence)
        for (start, end), rows in sorted(by_span.items()):
            supports = "; ".join(
                f"{SINGULAR.get(e.table, e.table)} {self._name(e.table, e.record_id)}: {e.field}"
                for e in rows
            )
            spans.append(
                Span(
                    start,
                    end,
                    1,
                    "mark",
                    # Focusable, so a tap or the keyboard shows what the hover shows.
                    (("class", "q"), ("tabindex", "0"), ("title", f"evidence for {supports}")),
                    element_id=quote_anchor(rows[0]),
                )
            )
        counts: dict[str, int] = defaultdict(int)
        for number, view in enumerate(self.corpus.article_mentions(article)):
            mention = view.mention
            counts[mention.label] += 1
            table = LABEL_TABLE.get(mention.label)
            linked = table is not None and mention.entity_id is not None
            name = self._name(table, mention.entity_id) if linked else ""  # type: ignore[arg-type]
            spans.append(
                Span(
                    mention.start,
                    mention.end,
                    2,
                    "span",
                    (
                        ("class", f"m {mention.label.lower()}"),
                        ("data-m", str(number)),
                        ("title", f"{mention.label}: {name}" if name else mention.label),
                    ),
                    element_id=f"m{number}",
                    href=self.href(table, mention.entity_id) if linked else None,  # type: ignore[arg-type]
                )
            )
        return render(article.text, spans), dict(counts)

    def article_quotes(self, article: Article) -> list[tuple[str, str, Markup, str]]:
        """Each quote in the article: its anchor, its text, the record it supports, the field."""
        rows = sorted(
            self.evidence_by_article.get(article.article_id, ()),
            key=lambda e: (e.start, e.end, e.table, e.record_id, e.field),
        )
        return [(quote_anchor(e), e.quote, self.link(e.table, e.record_id), e.field) for e in rows]

    def _name(self, table: str, record_id: str) -> str:
        record = self.record(table, record_id)
        return _title_of(record) if record is not None else record_id


def quote_list(quotes: Sequence[Quote]) -> str:
    """Quotes as HTML, each a link to its place in its article, each place once; empty for
    none."""
    quotes = _unique(quotes)
    return "".join(
        f'<blockquote class="quote"><a href="{escape(q.href)}">{escape(q.text)}</a>'
        f"<cite>{escape(q.article_title)}</cite></blockquote>"
        for q in quotes[:QUOTE_LIMIT]
    ) + (
        f'<p class="note">and {len(quotes) - QUOTE_LIMIT:,} more quotes</p>'
        if len(quotes) > QUOTE_LIMIT
        else ""
    )


def _field_path(evidence_field: str, model_fields: Iterable[str]) -> tuple[str, str | None]:
    """The record field an evidence field's path starts at, and the selector of its first
    step ("positions[0]" is field "positions", selector "0")."""
    match = _FIELD_PATH.match(evidence_field)
    if match is None:
        return _field_for(evidence_field, model_fields), None
    return _field_for(match[1], model_fields), match[2]


def _element(value: object, selector: str | None) -> int | None:
    """The index of the list element ``selector`` names: a number, ``key=value`` of a
    struct, or the element itself (an id); None when it names none."""
    if selector is None or not isinstance(value, list):
        return None
    if selector.isdigit():
        return int(selector) if int(selector) < len(value) else None
    key, equals, wanted = selector.partition("=")
    for i, item in enumerate(value):
        if equals and isinstance(item, BaseModel) and str(getattr(item, key, None)) == wanted:
            return i
        if not equals and str(item) == selector:
            return i
    return None


def _is_struct_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], BaseModel)


def _unique(quotes: Sequence[Quote]) -> list[Quote]:
    # One quote often grounds several parts of a fact (a participant's role and position):
    # it is shown once.
    first: dict[str, Quote] = {}
    for quote in quotes:
        first.setdefault(quote.href, quote)
    return list(first.values())


def _capped(quotes: list[Quote]) -> tuple[tuple[Quote, ...], int]:
    quotes = _unique(quotes)
    return tuple(quotes[:QUOTE_LIMIT]), max(0, len(quotes) - QUOTE_LIMIT)


def _field_for(evidence_field: str, model_fields: Iterable[str]) -> str:
    """The record field an evidence row's field name stands for ('organizers' grounds
    'organizer_ids', 'issuer' grounds 'issuer_id'); the name itself when none matches."""
    names = set(model_fields)
    stem = evidence_field.removesuffix("s")
    for candidate in (
        evidence_field,
        f"{evidence_field}_id",
        f"{evidence_field}_ids",
        f"{stem}_ids",
        f"{stem}_id",
    ):
        if candidate in names:
            return candidate
    return evidence_field
