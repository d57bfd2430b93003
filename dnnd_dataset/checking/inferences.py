"""A value the text does not print is marked inferred, with its basis; a reading that could
mislead carries a note.

What counts as printed, one rule per kind of value:

- a title opens a line of the text, as a headline does; a lead sentence after a dateline
  tag that stands for a missing headline is ``inferred`` (003);
- an author's quote is the person's name, as a byline prints it; an authorship read from
  other words ("Đó là phát biểu của ...") is ``inferred`` (004);
- a credit or an outlet is printed when its quote holds the full name of what it links to;
  a link from initials, a brand or a domain ("TTXVN", "Nhandan", "(CLO)", "vufo.org.vn") is
  ``inferred``;
- a directive's term is printed when a quote supporting it prints "khóa" with it; a term
  read from a congress number ("Đại hội XIII") is ``term_inferred``;
- an organization's parent is printed when its name holds a name of the parent; otherwise
  ``parent_inferred``;
- a numeral of a directive's printed name that is not its number (the plenum of "Nghị quyết
  Trung ương 6") needs a ``note``, and so does a directive that articles cite but no span
  names (``check_unnamed_directives``, once every document is checked).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from pydantic import BaseModel

from dnnd_dataset.checking.state import CheckState
from dnnd_dataset.reading.anchoring import anchor_key
from dnnd_dataset.reading.raw_loading import Located
from dnnd_dataset.reading.raw_models import (
    DirectiveEntry,
    DocumentAnnotation,
    OrganizationEntry,
)
from dnnd_dataset.textnorm import normalize

if TYPE_CHECKING:
    from dnnd_dataset.checking.assembly import Links

_NUMERAL = re.compile(r"(?<![\w/-])\d+(?![\w/-])")


def _key(text: str) -> str:
    return " ".join(normalize(text).casefold().split())


def _holds(text: str, name: str) -> bool:
    """Whether ``name`` occurs in ``text`` as whole words, case-blind and look-alike-blind."""
    return re.search(r"(?<!\w)" + re.escape(_key(name)) + r"(?!\w)", _key(text)) is not None


def check_registry_inferences(state: CheckState) -> None:
    """Terms, parents and misleading numerals of the registries."""
    names = {
        org.id: [org.name, *org.other_names]
        for entry in state.entries("organizations")
        for org in [cast(OrganizationEntry, entry.model)]
    }
    for entry in state.entries("organizations"):
        org = cast(OrganizationEntry, entry.model)
        if org.parent is None or org.parent_inferred or org.parent not in names:
            continue
        if not any(_holds(org.name, name) for name in names[org.parent]):
            state.issue(
                entry,
                ("parent",),
                "inference-unflagged",
                f"the name {org.name!r} does not hold a name of its parent {org.parent!r}, "
                "so the link is not printed",
                "add parent_inferred: true and parent_basis: how the parent is known",
            )
    for entry in state.entries("directives"):
        _check_directive(state, entry)


def _check_directive(state: CheckState, entry: Located[BaseModel]) -> None:
    directive = cast(DirectiveEntry, entry.model)
    if directive.term is not None and not directive.term_inferred:
        printed = (f"khóa {directive.term}", f"khoá {directive.term}")
        quotes = [e.quote for e in directive.evidence if "term" in e.supports]
        # A term no quote supports is fact-without-evidence already.
        if quotes and not any(_holds(quote, form) for quote in quotes for form in printed):
            state.issue(
                entry,
                ("term",),
                "inference-unflagged",
                f"no quote supporting term prints 'khóa {directive.term}'",
                "quote the words that print it, or add term_inferred: true and term_basis: "
                "how the term is read",
            )
    if directive.note is None:
        # A year ("năm 2017") reads as one; a short numeral that is not the number misleads.
        numerals = [
            n for n in _NUMERAL.findall(directive.name) if n != directive.number and len(n) < 4
        ]
        if numerals:
            state.issue(
                entry,
                ("name",),
                "note-missing",
                f"the name {directive.name!r} prints {numerals[0]!r}, which is not "
                + (
                    f"its number {directive.number!r}"
                    if directive.number
                    else "its number (it has none)"
                ),
                "add a note saying what the numeral is, or set number if it is the number",
            )


def check_document_inferences(state: CheckState, document: Located[DocumentAnnotation]) -> None:
    """Title, authors, credits and outlet of one document: inferred unless printed."""
    ann = document.model
    text = state.normalized.get(ann.article_id)
    if text is None:
        return
    title = state.spans.get((ann.article_id, anchor_key(ann.title)))
    if title is not None and not ann.title.inferred:
        before = text.rfind("\n", 0, title.start) + 1
        if text[before : title.start].strip():
            state.issue(
                document,
                ("title",),
                "inference-unflagged",
                f"the title follows {text[before : title.start].strip()!r} on its line, so it "
                "is no printed headline",
                "quote the headline, or add inferred: true and basis: why this sentence "
                "stands for the headline",
            )
    for index, author in enumerate(ann.authors):
        person = state.entities.get(author.person)
        # An id of no person is reported as such, and is no second problem here.
        if author.inferred or person is None or person.registry != "persons":
            continue
        if _key(author.evidence.quote) not in {_key(n) for n in person.names}:
            state.issue(
                document,
                ("authors", index),
                "inference-unflagged",
                f"the quote {author.evidence.quote!r} is no byline of {author.person}: a "
                "byline prints the name alone",
                "quote the byline, or add inferred: true and basis: how the authorship is read",
            )
    for index, credit in enumerate(ann.credits):
        if credit.inferred:
            continue
        for entity_id, registry in (
            (credit.person, "persons"),
            (credit.organization, "organizations"),
        ):
            entity = state.entities.get(entity_id) if entity_id else None
            if entity is None or entity.registry != registry:
                continue
            name = entity.names[0]  # a person's or an organization's name comes first
            if not _holds(credit.evidence.quote, name):
                state.issue(
                    document,
                    ("credits", index),
                    "inference-unflagged",
                    f"the credit {credit.evidence.quote!r} does not print the name {name!r} "
                    f"of {entity_id}: the link from initials, a brand or a domain is inferred",
                    "add inferred: true and basis: how the printed form names it",
                )
    outlet = ann.outlet
    if (
        outlet is not None
        and not outlet.inferred
        and not _holds(outlet.evidence.quote, outlet.name)
    ):
        state.issue(
            document,
            ("outlet",),
            "inference-unflagged",
            f"the quote {outlet.evidence.quote!r} does not print the outlet's name {outlet.name!r}",
            "add inferred: true and basis: how the printed form names the outlet",
        )


def check_unnamed_directives(state: CheckState, links: Links) -> None:
    """A directive that articles cite but no span names says why in its note."""
    for entry in state.entries("directives"):
        directive = cast(DirectiveEntry, entry.model)
        cited = links.body.get(directive.id) or links.chrome.get(directive.id)
        if cited and not links.forms.get(directive.id) and directive.note is None:
            state.issue(
                entry,
                ("id",),
                "note-missing",
                f"{directive.id} is cited by {sorted(cited)[0]} but no mention names it",
                "add a mention of the span that names it, or a note saying why none does",
            )
