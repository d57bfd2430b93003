"""What the published tables promise about each other, checked on the rows as read back.

Checksums prove only that files were not changed after ``SHA256SUMS`` was written; anyone
who edits a table can recompute them. These checks read the content: every id unique
(and the key of every mention), every reference resolving to a row of the right table,
``sha256`` and ``text_normalized`` derived from ``text``, every span inside its text and
equal to ``text[start:end]``, and every person or organization mentioned by one of its
names. Each kind of difference is
reported once, at its first row, with how many rows share it; the work is linear in the
size of the tables. The ``ner`` rows must be exactly those that the articles and their
mentions give (the same derivation the build runs).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pyarrow as pa

from dnnd_dataset.checking.ner_table import ner_sentences
from dnnd_dataset.publishing.arrow_fields import model_fields, referenced_table
from dnnd_dataset.records import (
    TABLES,
    Article,
    Evidence,
    Mention,
    NerSentence,
    Organization,
    Person,
    Record,
)
from dnnd_dataset.textnorm import normalize

# The table each mention label and each evidence table refers to.
TABLE_OF_LABEL = {
    "PERSON": "persons",
    "ORGANIZATION": "organizations",
    "DIRECTIVE": "directives",
    "MEETING": "meetings",
}
# The id column of each table that has one: the tables sorted by a single id.
ID_COLUMN = {name: spec.sort_key[0] for name, spec in TABLES.items() if len(spec.sort_key) == 1}


@dataclass
class _Findings:
    """The first row of each kind of difference, and how many rows show it."""

    first: dict[str, str] = field(default_factory=dict)
    count: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, message: str) -> None:
        self.first.setdefault(kind, message)
        self.count[kind] += 1

    def problems(self) -> list[str]:
        out = []
        for kind, message in self.first.items():
            more = self.count[kind] - 1
            out.append(message + (f" (and {more} more rows like it)" if more else ""))
        return out


def check_tables(tables: Mapping[str, Sequence[Record]]) -> list[str]:
    """Every broken promise between the tables, first row of each kind first."""
    found = _Findings()
    ids = _unique_ids(tables, found)
    articles = {a.article_id: a for a in cast(Sequence[Article], tables.get("articles", []))}
    _check_articles(articles.values(), found)
    _check_mentions(tables, articles, ids, found)
    _check_evidence(tables, articles, ids, found)
    _check_references(tables, ids, found)
    if not found.first:
        # The ner rows derive from the articles and mentions: a fault there would show
        # again in them, so they are compared only when the rest holds.
        _check_ner(tables, articles, found)
    return found.problems()


def _row(table: str, index: int, record: Record) -> str:
    key = ", ".join(repr(getattr(record, name)) for name in TABLES[table].sort_key[:3])
    return f"{table}[{index}] ({key})"


def _unique_ids(tables: Mapping[str, Sequence[Record]], found: _Findings) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {}
    for table, records in tables.items():
        # Evidence has no id: one quote may ground the same field twice (two participants).
        if table == "evidence":
            continue
        key = (ID_COLUMN[table],) if table in ID_COLUMN else TABLES[table].sort_key
        seen: set[tuple[Any, ...]] = set()
        for index, record in enumerate(records):
            value = tuple(getattr(record, name) for name in key)
            if value in seen:
                found.add(
                    f"duplicate {table}",
                    f"{_row(table, index, record)}: {', '.join(key)} repeats an earlier row",
                )
            seen.add(value)
        if table in ID_COLUMN:
            ids[table] = {getattr(record, ID_COLUMN[table]) for record in records}
    return ids


def _check_articles(articles: Iterable[Article], found: _Findings) -> None:
    for index, article in enumerate(articles):
        where = f"articles[{index}] ({article.article_id!r})"
        digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        if digest != article.sha256:
            found.add("sha256", f"{where}: sha256 {article.sha256} is not that of text ({digest})")
        if article.text_normalized != normalize(article.text):
            found.add("normalized", f"{where}: text_normalized is not text with look-alikes mapped")
        for number, part in enumerate(article.boilerplate):
            if not 0 <= part.start < part.end <= len(article.text):
                found.add(
                    "boilerplate",
                    f"{where}: boilerplate[{number}] {part.start}:{part.end} is not a span of "
                    f"its text of {len(article.text)} characters",
                )


def _check_span(
    found: _Findings,
    kind: str,
    where: str,
    article: Article | None,
    start: int,
    end: int,
    written: str,
) -> None:
    if article is None:
        return  # reported as a dangling reference
    if not 0 <= start < end <= len(article.text):
        found.add(
            f"{kind} span",
            f"{where}: {start}:{end} is not a span of the text of {article.article_id!r} "
            f"({len(article.text)} characters)",
        )
    elif article.text[start:end] != written:
        found.add(
            f"{kind} text",
            f"{where}: {written!r} differs from the text of {article.article_id!r} at "
            f"{start}:{end}, {article.text[start:end]!r}",
        )


def _check_mentions(
    tables: Mapping[str, Sequence[Record]],
    articles: Mapping[str, Article],
    ids: Mapping[str, set[str]],
    found: _Findings,
) -> None:
    names = _names(tables)
    for index, mention in enumerate(cast(Sequence[Mention], tables.get("mentions", []))):
        where = _row("mentions", index, mention)
        article = articles.get(mention.article_id)
        if article is None:
            found.add(
                "mention article",
                f"{where}: article_id {mention.article_id!r} is no row of articles",
            )
        _check_span(found, "mention", where, article, mention.start, mention.end, mention.text)
        target = TABLE_OF_LABEL.get(mention.label)
        if target is None:
            if mention.entity_id is not None:
                found.add("location entity", f"{where}: a LOCATION mention has an entity_id")
            continue
        if mention.entity_id not in ids.get(target, set()):
            found.add(
                "mention entity",
                f"{where}: entity_id {mention.entity_id!r} is no row of {target}",
            )
        elif target in ("persons", "organizations") and normalize(mention.text) not in names.get(
            mention.entity_id, set()
        ):
            found.add(
                "mention name",
                f"{where}: {mention.text!r} is none of the names of {mention.entity_id!r} in "
                f"{target}",
            )


def _names(tables: Mapping[str, Sequence[Record]]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    # A duplicated id is reported on its own; its rows' names all count here.
    for person in cast(Sequence[Person], tables.get("persons", [])):
        # A title the texts give the person names its holder too ("Thường trực Ban Bí thư").
        titles = [position.title for position in person.positions]
        names.setdefault(person.person_id, set()).update(
            normalize(n) for n in (person.name, *person.other_names, *titles)
        )
    for org in cast(Sequence[Organization], tables.get("organizations", [])):
        names.setdefault(org.organization_id, set()).update(
            normalize(n) for n in (org.name, *org.other_names)
        )
    return names


def _check_evidence(
    tables: Mapping[str, Sequence[Record]],
    articles: Mapping[str, Article],
    ids: Mapping[str, set[str]],
    found: _Findings,
) -> None:
    for index, evidence in enumerate(cast(Sequence[Evidence], tables.get("evidence", []))):
        where = _row("evidence", index, evidence)
        if evidence.record_id not in ids.get(evidence.table, set()):
            found.add(
                "evidence record",
                f"{where}: record_id {evidence.record_id!r} is no row of {evidence.table}",
            )
        article = articles.get(evidence.article_id)
        if article is None:
            found.add(
                "evidence article",
                f"{where}: article_id {evidence.article_id!r} is no row of articles",
            )
        _check_span(found, "evidence", where, article, evidence.start, evidence.end, evidence.quote)


# Each id column and the table its values must be rows of, from the models' References
# marks ("participants.person_id" is the member of each element of a list of structs).
# The article_id of a span (mentions, evidence, ner) is checked with its span instead.
_Refs = Callable[[Any], Iterable[str | None]]
_CHECKED_WITH_SPANS = {
    ("mentions", "article_id"),
    ("evidence", "article_id"),
    ("ner", "article_id"),
}


def _values(name: str, member: str | None) -> _Refs:
    """The ids a record holds in column ``name`` (or in ``member`` of its structs)."""

    def values(record: Any) -> Iterable[str | None]:
        value = getattr(record, name)
        items = value if isinstance(value, list) else [value]
        if member is None:
            return items
        return [getattr(item, member) for item in items if item is not None]

    return values


def _references() -> dict[str, list[tuple[str, str, _Refs]]]:
    found: dict[str, list[tuple[str, str, _Refs]]] = {}
    for table, spec in TABLES.items():
        for column in model_fields(spec.model):
            target = referenced_table(column)
            if target is not None and (table, column.name) not in _CHECKED_WITH_SPANS:
                found.setdefault(table, []).append(
                    (column.name, target, _values(column.name, None))
                )
            inner = column.type.value_type if pa.types.is_list(column.type) else column.type
            if not pa.types.is_struct(inner):
                continue
            for member in inner:
                target = referenced_table(member)
                if target is not None:
                    path = f"{column.name}.{member.name}"
                    found.setdefault(table, []).append(
                        (path, target, _values(column.name, member.name))
                    )
    return found


REFERENCES = _references()


def _check_references(
    tables: Mapping[str, Sequence[Record]], ids: Mapping[str, set[str]], found: _Findings
) -> None:
    for table, references in REFERENCES.items():
        for index, record in enumerate(tables.get(table, [])):
            for column, target, values in references:
                for value in values(record):
                    if value is not None and value not in ids.get(target, set()):
                        found.add(
                            f"{table}.{column}",
                            f"{_row(table, index, record)}: {column} {value!r} is no row of "
                            f"{target}",
                        )
                        break


def _check_ner(
    tables: Mapping[str, Sequence[Record]], articles: Mapping[str, Article], found: _Findings
) -> None:
    mentions: dict[str, list[Mention]] = {}
    for mention in cast(Sequence[Mention], tables.get("mentions", [])):
        mentions.setdefault(mention.article_id, []).append(mention)
    rows: dict[str, list[tuple[int, NerSentence]]] = {}
    for index, row in enumerate(cast(Sequence[NerSentence], tables.get("ner", []))):
        if row.article_id not in articles:
            found.add(
                "ner article",
                f"{_row('ner', index, row)}: article_id {row.article_id!r} is no row of articles",
            )
        rows.setdefault(row.article_id, []).append((index, row))
    for article_id, article in articles.items():
        where = f"articles ({article_id!r})"
        try:
            expected = ner_sentences(article, mentions.get(article_id, []))
        except ValueError as error:
            found.add("ner grid", f"{where}: its mentions do not fit the ner token grid: {error}")
            continue
        actual = sorted(rows.get(article_id, []), key=lambda item: item[1].sentence_index)
        if len(actual) != len(expected):
            found.add(
                "ner rows",
                f"{where}: {len(actual)} ner rows, where its text gives {len(expected)} sentences",
            )
            continue
        for (index, row), wanted in zip(actual, expected, strict=True):
            differing = [
                name
                for name in NerSentence.model_fields
                if getattr(row, name) != getattr(wanted, name)
            ]
            if differing:
                found.add(
                    "ner row",
                    f"{_row('ner', index, row)}: {', '.join(differing)} differ from what the "
                    "article's text and mentions give",
                )
