"""The draft annotation of a new text: registered names as mentions, the rest as proposals.

Mentions of registered persons, organizations, directives and meetings are written as the
checker demands them anyway (every occurrence of a known name). Everything the draft infers
(headline, credits, bylines, boilerplate, places, dates) is marked ``proposed: true``, and
what the registries do not know yet goes under ``proposals:``; ``dnnd build`` refuses both
until a person has reviewed them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from dnnd_dataset import directive_codes
from dnnd_dataset.drafting import events, new_names, page, positions
from dnnd_dataset.drafting.directive_refs import DirectiveRef, find_refs
from dnnd_dataset.drafting.knowledge import Knowledge
from dnnd_dataset.drafting.known_names import Hit, NameIndex, flat
from dnnd_dataset.errors import DnndError
from dnnd_dataset.reading.anchoring import AnchorProblem, Span, resolve, resolve_all
from dnnd_dataset.reading.raw_loading import LABEL_OF_REGISTRY
from dnnd_dataset.reading.raw_models import (
    QUOTE_MAX,
    Anchor,
    Author,
    BoilerplateAnnotation,
    CreditAnnotation,
    DocumentAnnotation,
    MentionAnnotation,
    Outlet,
    PageDate,
    PositionAnnotation,
    Proposal,
    Title,
    Url,
)
from dnnd_dataset.roles_lexicon import roles_stated
from dnnd_dataset.textnorm import at_word_boundaries, normalize

_TYPE_OF_KIND = {kind: code for code, kind in directive_codes.KIND_OF_TYPE.items()}
# A proposal's kind is the singular of the registry that holds the label's entities.
_KIND_OF_LABEL = {
    label: registry.removesuffix("s") for registry, label in LABEL_OF_REGISTRY.items()
}


@dataclass
class Draft:
    """A draft annotation and the notes a reviewer should read first."""

    annotation: DocumentAnnotation
    notes: list[str] = field(default_factory=list)


def slug(value: str) -> str:
    """An ASCII id from a Vietnamese name: 'Phạm Thị Lan' -> 'pham-thi-lan'."""
    value = normalize(value).replace("Đ", "D").replace("đ", "d")
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-") or "entry"


def anchor_fields(text: str, start: int, end: int) -> dict[str, Any]:
    """Quote (and occurrence, if it repeats) that resolves to exactly ``text[start:end]``."""
    quote = text[start:end]
    count, position = 0, text.find(quote)
    index = 0
    while position != -1:
        count += 1
        if position == start:
            index = count
        position = text.find(quote, position + 1)
    fields: dict[str, Any] = {"quote": quote}
    if count > 1:
        fields["occurrence"] = index
    # A span that cuts a character from its mark resolves to a problem: the item is left out
    # of the draft (``_quotable``); any other span is exactly the one found.
    resolved = resolve(text, Anchor.model_construct(**fields))
    assert isinstance(resolved, AnchorProblem) or resolved == Span(start, end)
    return fields


def _occurrences(text: str, value: str) -> list[tuple[int, int]]:
    found, position = [], text.find(value)
    while position != -1:
        if at_word_boundaries(text, position, position + len(value)):
            found.append((position, position + len(value)))
        position = text.find(value, position + 1)
    return found


def _inside(inner: Hit | tuple[int, int], outer: Hit) -> bool:
    start, end = (inner.start, inner.end) if isinstance(inner, Hit) else inner
    return outer.start <= start and end <= outer.end and (start, end) != (outer.start, outer.end)


def _lines_text(text: str) -> str:
    """``text`` with each CR a line break the finders see: a CR-only or CRLF text has lines
    too. One character for one, so every offset holds in the text itself."""
    return normalize(text).replace("\r", "\n")


class _Drafter:
    def __init__(
        self, text: str, knowledge: Knowledge, names: NameIndex | None, article_id: str = ""
    ) -> None:
        self.article_id = article_id
        self.verbatim = text
        self.text = _lines_text(text)
        self.knowledge = knowledge
        self.names = names if names is not None else knowledge.names()
        self.notes: list[str] = []
        self.proposals: list[dict[str, Any]] = []
        self.directive_refs: dict[tuple[int, int], DirectiveRef] = {}

    def known(self, value: str) -> bool:
        return value in self.names

    # ------------------------------------------------------------ entities

    def entity_hits(self, extra: list[Hit]) -> list[Hit]:
        hits = [h for h in self.names.hits(self.text)]
        refs = find_refs(self.text)
        ref_spans = [(r.start, r.end) for r in refs]
        hits = [
            h
            for h in hits
            if h.label != "DIRECTIVE" or not any(s < h.end and h.start < e for s, e in ref_spans)
        ]
        for ref in refs:
            self.directive_refs[(ref.start, ref.end)] = ref
            hits.append(Hit(ref.start, ref.end, "DIRECTIVE", self._directive_of(ref)))
        new: list[Hit] = list(extra)
        new += new_names.new_persons(self.text, self.known)
        new += new_names.new_organizations(self.text, self.known)
        new += new_names.places(self.text, self.known)
        hits += self._every_occurrence(new)
        return flat(hits)

    def _every_occurrence(self, new: list[Hit]) -> list[Hit]:
        """A new name found once stands for each of its whole-word occurrences."""
        found: set[Hit] = set()
        for hit in new:
            value = self.text[hit.start : hit.end]
            variants = {value}
            if hit.label == "MEETING":  # "hội nghị ..." again in a headline or mid-sentence
                variants.add(value[0].lower() + value[1:])
            for variant in variants:
                for start, end in _occurrences(self.text, variant):
                    found.add(Hit(start, end, hit.label, hit.entity))
        return sorted(found)

    def _directive_of(self, ref: DirectiveRef) -> str | None:
        directives = self.knowledge.directives
        if ref.code is not None:
            matches = [d for d in directives if d.code == ref.code]
        elif ref.number is not None:
            matches = [
                d
                for d in directives
                if d.kind == ref.kind and (d.number or "").lstrip("0") == ref.number.lstrip("0")
            ]
        else:
            written = self.text[ref.start : ref.end].casefold()
            matches = [d for d in directives if normalize(d.name).casefold() == written]
        if ref.term is not None:
            # Numbers restart each term: a code stated with another khóa is another document.
            matches = [d for d in matches if d.term in (None, ref.term)]
        return matches[0].id if len(matches) == 1 else None

    # ------------------------------------------------------------ writing

    def mentions(self, hits: list[Hit]) -> list[dict[str, Any]]:
        groups: dict[tuple[str, str, str | None], list[Hit]] = defaultdict(list)
        for hit in hits:
            if hit.entity is not None or hit.label == "LOCATION":
                groups[(self.text[hit.start : hit.end], hit.label, hit.entity)].append(hit)
        written: list[dict[str, Any]] = []
        for (quote, label, entity), group in sorted(
            groups.items(), key=lambda item: item[1][0].start
        ):
            target: dict[str, Any] = (
                {"entity": entity} if label != "LOCATION" else {"label": "LOCATION"}
            )
            proposed = {"proposed": True} if label == "LOCATION" else {}
            for fields in self._anchors(quote, label, group, hits):
                written.append({**fields, **target, **proposed})
        return written

    def _anchors(
        self, quote: str, label: str, group: list[Hit], hits: list[Hit]
    ) -> list[dict[str, Any]]:
        same_label = [h for h in hits if h.label == label]
        every = [
            span
            for span in _occurrences(self.text, quote)
            if not any(_inside(span, other) for other in same_label)
        ]
        spans = sorted((h.start, h.end) for h in group)
        if spans == every and len(spans) > 1:
            return [{"quote": quote, "all": True}]
        return [anchor_fields(self.text, start, end) for start, end in spans]

    def propose_new(self, hits: list[Hit]) -> None:
        groups: dict[tuple[str, str], list[Hit]] = defaultdict(list)
        for hit in hits:
            if hit.entity is None and hit.label in _KIND_OF_LABEL:
                groups[(self.text[hit.start : hit.end], hit.label)].append(hit)
        for (value, label), group in sorted(groups.items(), key=lambda item: item[1][0].start):
            for fields in self._anchors(value, label, group, hits):
                proposal: dict[str, Any] = {
                    **fields,
                    "kind": _KIND_OF_LABEL[label],
                    "value": value,
                }
                if label == "DIRECTIVE":
                    proposal.update(self._directive_fields(group[0], value))
                elif label != "MEETING":
                    # An organization's kind is the reviewer's to say: accept asks for it.
                    proposal["entry"] = {"id": slug(value), "name": value}
                self.proposals.append(proposal)

    def _directive_fields(self, hit: Hit, printed: str) -> dict[str, Any]:
        """The value, the note and the entry of a new directive, as far as its reference says."""
        ref = self.directive_refs.get((hit.start, hit.end))
        if ref is None:
            return {}
        fields: dict[str, Any] = {}
        parts = [ref.kind.replace("_", "-"), ref.code or ref.number or "", ref.term or ""]
        entry: dict[str, Any] = {
            "id": slug(" ".join(p for p in parts if p)),
            "name": printed,
            "kind": ref.kind,
        }
        if ref.number is not None:
            entry["number"] = ref.number
        if ref.code:
            fields["value"] = entry["code"] = ref.code
        if ref.term:
            entry["term"] = ref.term
            if "khóa" not in printed.lower():
                # "Nghị quyết Đại hội XIII": the congress number, read as the khóa.
                entry["term_inferred"] = True
                entry["term_basis"] = (
                    f"The text names the congress {ref.term}; its term (khóa) is read from it."
                )
        stated = [
            key
            for key in ("number", "code", "term")
            if key in entry and entry[key] in printed and not entry.get(f"{key}_inferred")
        ]
        if stated:
            entry["evidence"] = [
                {
                    "article": self.article_id,
                    **anchor_fields(self.text, hit.start, hit.end),
                    "supports": stated,
                }
            ]
        matches = [d.id for d in self.knowledge.directives if ref.code and d.code == ref.code]
        if matches:
            fields["note"] = (
                f"registered with code {ref.code}: {', '.join(matches)}; numbers restart each "
                "term: the same document only if kind, issuer and term (or date) agree"
            )
        elif ref.code is None and ref.number is not None:
            derived = f"{ref.number}-{_TYPE_OF_KIND[ref.kind]}/TW"
            fields["value"] = entry["code"] = derived
            entry["code_derived"] = True
            entry["code_basis"] = (
                f"The code is not printed; {derived} follows from the kind and the number."
            )
            fields["note"] = f"the code is not printed; {derived} follows from kind and number"
        fields["entry"] = entry
        return fields


def draft_annotation(
    text: str,
    knowledge: Knowledge,
    *,
    article_id: str,
    source_file: str,
    outlet: str | None = None,
    url: str | None = None,
    page_date: dt.date | None = None,
    names: NameIndex | None = None,
) -> Draft:
    """Draft the annotation of ``text`` with what ``knowledge`` holds."""
    drafter = _Drafter(text, knowledge, names, article_id)
    norm = drafter.text
    doc: dict[str, Any] = {
        "article_id": article_id,
        "source_file": source_file,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    chrome = page.boilerplate(norm)
    credits = page.credits(norm)
    taken = [page.Span(c.start, c.end) for c in credits] + [
        page.Span(b.start, b.end) for b in chrome
    ]
    bylines = page.bylines(norm, taken)
    title = page.title(norm, chrome)
    if title is None:
        raise DnndError("the text is empty (fix: give the file that holds the article text)")
    doc["title"] = _title(normalize(text), norm, title)
    _outlet(drafter, doc, outlet)
    _url(drafter, doc, url)
    printed = page.printed_date(norm, page_date) if page_date else page.page_date(norm)
    if printed is not None:
        doc["page_date"] = {
            "value": printed.value.isoformat(),
            "evidence": anchor_fields(norm, printed.start, printed.end),
            "proposed": True,
        }
    elif page_date is not None:
        drafter.notes.append(
            f"--page-date {page_date.isoformat()} is not printed in the text; a page date "
            "needs the printed date as evidence, so the draft leaves it out"
        )
    extra: list[Hit] = []
    for credit in credits:
        extra += _credit_hits(drafter, credit)
    for line in bylines:
        value = norm[line.start : line.end]
        if not drafter.known(value):
            extra.append(Hit(line.start, line.end, "PERSON"))
    for tag in page.dateline_tags(norm):
        if not drafter.known(norm[tag.start : tag.end]):
            extra.append(Hit(tag.start, tag.end, "ORGANIZATION"))
    page_year = printed.value.year if printed is not None else None
    meetings = events.meetings(norm, page_year)
    for meeting in meetings:
        if not drafter.known(meeting.name):
            extra.append(Hit(meeting.start, meeting.end, "MEETING"))
    hits = drafter.entity_hits(extra)
    doc["authors"] = _authors(drafter, bylines, hits)
    doc["credits"] = _credits(norm, credits)
    doc["boilerplate"] = [
        {**anchor_fields(norm, b.start, b.end), "kind": b.kind, "proposed": True} for b in chrome
    ]
    doc["mentions"] = drafter.mentions(hits)
    drafter.propose_new(hits)
    doc["positions"] = _positions(drafter, hits)
    _acronyms(drafter, hits)
    _meeting_details(drafter, meetings, hits)
    _dates_and_counts(drafter, meetings, page_year)
    doc["proposals"] = drafter.proposals
    _keep_quotable(doc, normalize(text), norm, drafter.notes)
    annotation = DocumentAnnotation.model_validate(doc)
    return Draft(annotation, drafter.notes)


# ------------------------------------------------------------ what a raw file can hold

_ONE_ITEM: dict[str, type[BaseModel]] = {"outlet": Outlet, "url": Url, "page_date": PageDate}
_ITEMS: dict[str, type[BaseModel]] = {
    "authors": Author,
    "credits": CreditAnnotation,
    "boilerplate": BoilerplateAnnotation,
    "mentions": MentionAnnotation,
    "positions": PositionAnnotation,
    "proposals": Proposal,
}


def _title(real: str, lines: str, span: page.Span) -> dict[str, Any]:
    """The drafted title; one too long for a quote keeps its words up to the cap."""
    start, end = span.start, span.end
    item = {**anchor_fields(lines, start, end), "proposed": True}
    if not _fits(Title, item, real, lines):
        cut = lines.rfind(" ", start, min(end, start + QUOTE_MAX + 1))
        end = cut if cut > start else min(end, start + QUOTE_MAX)
        item = {**anchor_fields(lines, start, end), "proposed": True}
    if not _fits(Title, item, real, lines):
        raise DnndError(
            "the first line of the text cannot be quoted as its title (fix: start the text "
            "with its headline on a line of its own)"
        )
    return item


def _keep_quotable(doc: dict[str, Any], real: str, lines: str, notes: list[str]) -> None:
    """Leave out the drafted items a raw file cannot hold as found, and say so.

    An item is left out when it breaks a cap of the raw format (a name or quote too long), or
    when its quote does not resolve in the text as it did for the finders: a quote across a
    line break written as CR, or one that cuts a character from its combining mark.
    """
    dropped = 0
    for key, model in _ONE_ITEM.items():
        if key in doc and not _fits(model, doc[key], real, lines):
            del doc[key]
            dropped += 1
    for key, model in _ITEMS.items():
        items = doc.get(key, [])
        kept = [item for item in items if _fits(model, item, real, lines)]
        dropped += len(items) - len(kept)
        doc[key] = kept
    if dropped:
        notes.append(
            f"{dropped} item(s) found in the text are left out: their words cannot be quoted "
            "as printed (too long for the raw format, across a line break written as CR, or "
            "cutting a character from its mark); annotate them by hand if they matter"
        )


def _fits(model: type[BaseModel], item: dict[str, Any], real: str, lines: str) -> bool:
    try:
        model.model_validate(item)
    except ValidationError:
        return False
    anchors = [item] if "quote" in item else []
    evidence = item.get("evidence")
    if isinstance(evidence, dict):
        anchors.append(evidence)
    return all(_quotable(fields, real, lines) for fields in anchors)


def _quotable(fields: dict[str, Any], real: str, lines: str) -> bool:
    """The quote resolves in the text (``real``) to the spans the finders meant (in ``lines``)."""
    anchor = Anchor.model_validate(
        {key: fields[key] for key in ("quote", "prefix", "suffix", "occurrence") if key in fields}
    )
    found = resolve_all if fields.get("all") else resolve
    resolved = found(real, anchor)
    return not isinstance(resolved, AnchorProblem) and resolved == found(lines, anchor)


def _outlet(drafter: _Drafter, doc: dict[str, Any], outlet: str | None) -> None:
    norm = drafter.text
    tags = page.dateline_tags(norm)
    if outlet is not None:
        at = norm.find(normalize(outlet))
        if at != -1:
            doc["outlet"] = {
                "name": outlet,
                "evidence": anchor_fields(norm, at, at + len(outlet)),
                "proposed": True,
            }
            return
    for tag in tags:
        value = norm[tag.start : tag.end]
        press = [o for o in drafter.knowledge.organizations if o.kind == "press"]
        owner = next((o for o in press if value in o.other_names), None)
        if owner is not None and (outlet is None or normalize(outlet) == normalize(owner.name)):
            doc["outlet"] = {
                "name": owner.name,
                "inferred": True,
                "basis": f"The dateline tag ({value}) is the tag of {owner.name}; "
                "the name is not printed.",
                "evidence": anchor_fields(norm, tag.start - 1, tag.end + 1),
                "proposed": True,
            }
            return
    if outlet is not None:
        drafter.notes.append(
            f"--outlet {outlet!r} is not printed in the text and no dateline tag names it; an "
            "outlet needs evidence in the text, so the draft leaves it out"
        )


def _url(drafter: _Drafter, doc: dict[str, Any], url: str | None) -> None:
    norm = drafter.text
    printed = page.urls(norm)
    if url is not None:
        at = norm.find(url)
        if at != -1:
            doc["url"] = {**anchor_fields(norm, at, at + len(url)), "proposed": True}
            return
        drafter.notes.append(
            f"--url {url} is not printed in the text; a url needs the printed address as "
            "evidence, so the draft leaves it out"
        )
    if printed and "url" not in doc:
        first = printed[0]
        doc["url"] = {**anchor_fields(norm, first.start, first.end), "proposed": True}


def _credit_hits(drafter: _Drafter, credit: page.Credit) -> list[Hit]:
    name = drafter.text[credit.name_start : credit.name_end]
    if drafter.known(name) or "://" in name or "." in name:
        return []
    words = name.split()
    if (len(words) == 1 and name.isupper()) or (len(words) == 1 and credit.role == "source"):
        return [Hit(credit.name_start, credit.name_end, "ORGANIZATION")]
    if 2 <= len(words) <= 4 and all(w[0].isupper() for w in words):
        return [Hit(credit.name_start, credit.name_end, "PERSON")]
    return []


def _credits(norm: str, credits: list[page.Credit]) -> list[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    written = []
    for credit in credits:
        if (credit.name, credit.role) in seen:
            continue
        seen.add((credit.name, credit.role))
        written.append(
            {
                "name": credit.name,
                "role": credit.role,
                "evidence": anchor_fields(norm, credit.start, credit.end),
                "proposed": True,
            }
        )
    return written


def _authors(drafter: _Drafter, bylines: list[page.Span], hits: list[Hit]) -> list[dict[str, Any]]:
    written = []
    for line in bylines:
        owner = next(
            (h.entity for h in hits if (h.start, h.end) == (line.start, line.end) and h.entity),
            None,
        )
        if owner is not None:
            written.append(
                {
                    "person": owner,
                    "evidence": anchor_fields(drafter.text, line.start, line.end),
                    "proposed": True,
                }
            )
        else:
            for proposal in drafter.proposals:
                if proposal.get("quote") == drafter.text[line.start : line.end]:
                    proposal["note"] = "the byline"
                    if "entry" in proposal:
                        proposal["entry"]["roles"] = ["author"]
    return written


def _positions(drafter: _Drafter, hits: list[Hit]) -> list[dict[str, Any]]:
    """Registered persons' titles as stated; a new person's go into the note of its proposal."""
    norm = drafter.text
    written: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    new_titles: dict[str, list[str]] = defaultdict(list)
    stated = positions.after_names(norm, hits) + positions.before_names(norm, hits)
    for position in sorted(stated, key=lambda p: (p.evidence_start, p.evidence_end)):
        quote = norm[position.evidence_start : position.evidence_end]
        person = position.person
        if person.entity is None:
            name = norm[person.start : person.end]
            if position.title not in new_titles[name]:
                new_titles[name].append(position.title)
            continue
        key = (person.entity, position.title, quote)
        if key in seen:
            continue
        seen.add(key)
        item: dict[str, Any] = {"person": person.entity, "title": position.title}
        if position.organization is not None:
            item["organization"] = position.organization
        item["evidence"] = anchor_fields(norm, position.evidence_start, position.evidence_end)
        item["proposed"] = True
        written.append(item)
    for proposal in drafter.proposals:
        titles = new_titles.get(proposal["value"]) if proposal["kind"] == "person" else None
        if titles:
            proposal["note"] = "titles as stated: " + "; ".join(titles)
    return written


def _acronyms(drafter: _Drafter, hits: list[Hit]) -> None:
    """ "Full Name (ABBR)": ABBR is another name of the body just before it."""
    norm = drafter.text
    for m in re.finditer(r"\((?P<abbr>[A-ZĐ][A-ZĐ0-9]{1,9})\)", norm):
        abbr = m["abbr"]
        if drafter.known(abbr):
            continue
        named = [
            h for h in hits if h.label == "ORGANIZATION" and h.end in (m.start(), m.start() - 1)
        ]
        if not named:
            continue
        body = named[-1]
        spans = _occurrences(norm, abbr)
        entry = _entry_of_body(drafter, body)
        if entry is None:
            continue
        if abbr not in entry.setdefault("other_names", []):
            entry["other_names"].append(abbr)
        drafter.proposals.append(
            {
                "quote": abbr,
                "all": True,
                "kind": "organization",
                "value": abbr,
                "entry": entry,
                "note": f"another name of {norm[body.start : body.end]!r}, which the text "
                f"abbreviates; it occurs {len(spans)} time(s)",
            }
        )


def _entry_of_body(drafter: _Drafter, body: Hit) -> dict[str, Any] | None:
    """The entry a new other name of ``body`` goes into: its proposal's, or its file's."""
    if body.entity is None:
        wanted = slug(drafter.text[body.start : body.end])
        return next(
            (
                p["entry"]
                for p in drafter.proposals
                if p["kind"] == "organization" and p.get("entry", {}).get("id") == wanted
            ),
            None,
        )
    known = next((o for o in drafter.knowledge.organizations if o.id == body.entity), None)
    return None if known is None else known.model_dump(mode="json", exclude_defaults=True)


def _participants(drafter: _Drafter, hits: list[Hit], start: int, end: int) -> list[dict[str, Any]]:
    """Persons named between ``start`` and ``end``, each with the roles its sentence states
    by the roles lexicon, and that sentence as the evidence of each."""
    norm = drafter.text
    found: dict[str, dict[str, Any]] = {}
    for hit in hits:
        if hit.label != "PERSON" or not start <= hit.start < end:
            continue
        left, right = events.sentence_bounds(norm, hit.start, hit.end)
        right = min(right, end)
        while right > left and norm[right - 1] in " .,;:":
            right -= 1
        roles = roles_stated(norm[left:right])
        person = hit.entity or slug(norm[hit.start : hit.end])
        if not roles or person in found:
            continue  # a person the sentence gives no role is no participant it states
        found[person] = {
            "person": person,
            "roles": roles,
            "evidence": [
                {
                    "article": drafter.article_id,
                    **anchor_fields(norm, left, right),
                    "supports": roles,
                }
            ],
        }
    return [found[person] for person in sorted(found)]


def _meeting_id(meeting: events.Meeting) -> str:
    """The slug of the name, with the year when the name does not hold it."""
    name = slug(meeting.name)
    year = str(meeting.date.date.year) if meeting.date else None
    return name if year is None or year in name.split("-") else f"{name}-{year}"


def _next_paragraph_end(norm: str, end: int) -> int:
    """The end of the paragraph after the one ending at ``end``: reports name people there."""
    rest = norm[end:]
    start = end + len(rest) - len(rest.lstrip())
    found = norm.find("\n", start)
    return len(norm) if found == -1 else found


def _meeting_details(drafter: _Drafter, meetings: list[events.Meeting], hits: list[Hit]) -> None:
    """The entry of each new meeting: date, place, attendance, organizers, participants with
    their roles, documents, and the sentence that reports it as evidence."""
    norm = drafter.text
    for meeting in meetings:
        paragraph_end = norm.find("\n", meeting.end)
        paragraph_end = len(norm) if paragraph_end == -1 else paragraph_end
        sentence_end = norm.find(". ", meeting.end)
        sentence_end = paragraph_end if sentence_end == -1 else min(sentence_end, paragraph_end)
        # Without an organizer the evidence starts where the meeting's sentence does.
        sentence_start, _ = events.sentence_bounds(norm, meeting.start, meeting.end)
        left, right = (
            meeting.organizer_spans[0]
            if meeting.organizer_spans
            else (sentence_start, sentence_start)
        )

        def named(label: str, start: int, end: int) -> list[str]:
            return sorted(
                {
                    h.entity or _proposed_id(drafter, h)
                    for h in hits
                    if h.label == label and start <= h.start < end
                }
            )

        entry = _meeting_entry(drafter, meeting, named("ORGANIZATION", left, right))
        entry["directives"] = named("DIRECTIVE", meeting.start, sentence_end)
        entry["participants"] = _participants(
            drafter, hits, meeting.end, _next_paragraph_end(norm, paragraph_end)
        )
        entry["evidence"] = _meeting_evidence(drafter, meeting, entry, left, sentence_end)
        entry = {key: value for key, value in entry.items() if value not in (None, [])}
        # The same meeting named again ("hội nghị ..." in the headline) gets the same entry.
        for proposal in drafter.proposals:
            if proposal["kind"] == "meeting" and (
                proposal["value"].casefold() == meeting.name.casefold()
            ):
                proposal.setdefault("entry", entry)


def _proposed_id(drafter: _Drafter, hit: Hit) -> str:
    """The id that the proposal of a new name gives it: its entry's, or a slug of the name."""
    quote = drafter.text[hit.start : hit.end]
    for proposal in drafter.proposals:
        entry = proposal.get("entry")
        if proposal.get("quote") == quote and isinstance(entry, dict) and "id" in entry:
            return str(entry["id"])
    return slug(quote)


def _meeting_entry(
    drafter: _Drafter, meeting: events.Meeting, organizers: list[str]
) -> dict[str, Any]:
    date = meeting.date
    entry: dict[str, Any] = {
        "id": _meeting_id(meeting),
        "name": drafter.text[meeting.start : meeting.end],
        "kind": meeting.kind,
        "date": date.date.isoformat() if date else None,
        "date_precision": date.precision if date else None,
        "date_inferred": True if date and date.basis else None,
        "date_basis": date.basis if date else None,
        "location": meeting.location,
        "organizers": organizers,
    }
    if meeting.attendance is not None:
        entry["attendance"] = meeting.attendance.number
        entry["attendance_qualifier"] = meeting.attendance.qualifier
    return entry


def _meeting_evidence(
    drafter: _Drafter, meeting: events.Meeting, entry: dict[str, Any], left: int, right: int
) -> list[dict[str, Any]]:
    """The sentence that reports the meeting, supporting what it states of it."""
    norm = drafter.text
    sentence = norm[left:right]
    supports = [
        key
        for key, stated in (
            ("date", meeting.date is not None and left <= meeting.date.start < right),
            (
                "location",
                entry.get("location") is not None and f"tại {entry['location']}" in sentence,
            ),
        )
        if stated
    ]
    organizers = entry["organizers"]
    # One id is the list; of several, the quote names each.
    supports += ["organizers"] if len(organizers) == 1 else [f"organizers[{o}]" for o in organizers]
    supports += [f"directives[{d}]" for d in entry["directives"]]
    if not supports or right <= left:
        return []
    return [
        {"article": drafter.article_id, **anchor_fields(norm, left, right), "supports": supports}
    ]


def _dates_and_counts(
    drafter: _Drafter, meetings: list[events.Meeting], page_year: int | None
) -> None:
    norm = drafter.text
    used = {(m.date.start, m.date.end) for m in meetings if m.date}
    used |= {(m.attendance.start, m.attendance.end) for m in meetings if m.attendance}
    for date in events.dates(norm, page_year):
        if (date.start, date.end) in used:
            continue
        proposal: dict[str, Any] = {
            **anchor_fields(norm, date.start, date.end),
            "kind": "date",
            "value": date.date.isoformat(),
            "date": date.date.isoformat(),
            "date_precision": date.precision,
        }
        if date.basis:
            proposal["date_basis"] = date.basis
        drafter.proposals.append(proposal)
    for count in events.attendance(norm):
        if (count.start, count.end) in used:
            continue
        drafter.proposals.append(
            {
                **anchor_fields(norm, count.start, count.end),
                "kind": "attendance",
                "value": str(count.number),
                "attendance": count.number,
                "attendance_qualifier": count.qualifier,
            }
        )
