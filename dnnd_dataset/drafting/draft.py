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
from dataclasses import dataclass, field
from typing import Any

from dnnd_dataset.drafting import events, page
from dnnd_dataset.drafting.anchors import anchor_fields, slug
from dnnd_dataset.drafting.authorship import authors, credit_hits, credits_of
from dnnd_dataset.drafting.candidates import ALL, Sources
from dnnd_dataset.drafting.drafter import Drafter
from dnnd_dataset.drafting.knowledge import Knowledge
from dnnd_dataset.drafting.known_names import Hit, NameIndex
from dnnd_dataset.drafting.meeting_entries import dates_and_counts, meeting_details
from dnnd_dataset.drafting.page_items import outlet_item, url_item
from dnnd_dataset.drafting.quotable import keep_quotable, title_item
from dnnd_dataset.drafting.sequence_model import Model
from dnnd_dataset.drafting.title_links import acronyms, positions_of
from dnnd_dataset.errors import DnndError
from dnnd_dataset.reading.raw_models import (
    DocumentAnnotation,
)
from dnnd_dataset.textnorm import normalize

__all__ = ["Draft", "anchor_fields", "draft_annotation", "slug"]


@dataclass
class Draft:
    """A draft annotation and the notes a reviewer should read first."""

    annotation: DocumentAnnotation
    notes: list[str] = field(default_factory=list)


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
    sources: Sources = ALL,
    model: Model | None = None,
) -> Draft:
    """Draft the annotation of ``text`` with what ``knowledge`` holds, the sources of
    ``sources`` and the corpus's sequence ``model``."""
    drafter = Drafter(text, knowledge, names, article_id, sources, model)
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
    doc["title"] = title_item(normalize(text), norm, title)
    outlet_item(drafter, doc, outlet)
    url_item(drafter, doc, url)
    printed = page.printed_date(norm, page_date) if page_date else page.page_date(norm, chrome)
    if printed is not None:
        # A clock in the page chrome is the day the page was shown, never the page's date.
        doc["page_clock" if printed.clock else "page_date"] = {
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
        extra += credit_hits(drafter, credit)
    for line in bylines:
        value = norm[line.start : line.end]
        if not drafter.known(value):
            extra.append(Hit(line.start, line.end, "PERSON"))
    signed = bylines + [page.Span(c.name_start, c.name_end) for c in credits if c.role == "photo"]
    for outlet_span in page.byline_outlets(norm, signed):
        if not drafter.known(norm[outlet_span.start : outlet_span.end]):
            extra.append(Hit(outlet_span.start, outlet_span.end, "ORGANIZATION"))
    for tag in page.dateline_tags(norm):
        if not drafter.known(norm[tag.start : tag.end]):
            extra.append(Hit(tag.start, tag.end, "ORGANIZATION"))
    page_year = printed.value.year if printed is not None else None
    meetings = events.meetings(norm, page_year)
    for meeting in meetings:
        if not drafter.known(meeting.name):
            extra.append(Hit(meeting.start, meeting.end, "MEETING"))
    hits = drafter.entity_hits(extra, [(b.start, b.end) for b in chrome])
    doc["credits"] = credits_of(norm, credits)
    doc["boilerplate"] = [
        {**anchor_fields(norm, b.start, b.end), "kind": b.kind, "proposed": True} for b in chrome
    ]
    doc["mentions"] = drafter.mentions(hits)
    drafter.propose_new(hits)
    # After the proposals: a new byline's person is the one its proposal names.
    doc["authors"] = authors(drafter, bylines, hits)
    doc["positions"] = positions_of(drafter, hits)
    acronyms(drafter, hits)
    datelines = [(t.start - 1, t.end + 1) for t in page.dateline_tags(norm)]
    meeting_details(drafter, meetings, hits, datelines)
    dates_and_counts(drafter, meetings, page_year)
    doc["proposals"] = drafter.proposals
    keep_quotable(doc, normalize(text), norm, drafter.notes)
    annotation = DocumentAnnotation.model_validate(doc)
    return Draft(annotation, drafter.notes)
