"""The entries of the meetings a text reports, and its other dates and counts."""

from __future__ import annotations

from typing import Any

from dnnd_dataset.drafting import events
from dnnd_dataset.drafting.anchors import anchor_fields, slug
from dnnd_dataset.drafting.drafter import Drafter
from dnnd_dataset.drafting.known_names import Hit
from dnnd_dataset.roles_lexicon import roles_stated


def _participants(drafter: Drafter, hits: list[Hit], start: int, end: int) -> list[dict[str, Any]]:
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


def meeting_details(drafter: Drafter, meetings: list[events.Meeting], hits: list[Hit]) -> None:
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


def _proposed_id(drafter: Drafter, hit: Hit) -> str:
    """The id that the proposal of a new name gives it: its entry's, or a slug of the name."""
    quote = drafter.text[hit.start : hit.end]
    for proposal in drafter.proposals:
        entry = proposal.get("entry")
        if proposal.get("quote") == quote and isinstance(entry, dict) and "id" in entry:
            return str(entry["id"])
    return slug(quote)


def _meeting_entry(
    drafter: Drafter, meeting: events.Meeting, organizers: list[str]
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
    drafter: Drafter, meeting: events.Meeting, entry: dict[str, Any], left: int, right: int
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


def dates_and_counts(
    drafter: Drafter, meetings: list[events.Meeting], page_year: int | None
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
