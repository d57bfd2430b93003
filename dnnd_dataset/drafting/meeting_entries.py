"""The entries of the meetings a text reports, and its other dates and counts."""

from __future__ import annotations

import re
from typing import Any

from dnnd_dataset.drafting import events
from dnnd_dataset.drafting.anchors import anchor_fields, slug
from dnnd_dataset.drafting.drafter import Drafter
from dnnd_dataset.drafting.known_names import Hit
from dnnd_dataset.roles_lexicon import roles_stated


def _meeting_of(
    norm: str, meetings: list[events.Meeting], starts: list[int], left: int
) -> int | None:
    """The meeting a sentence starting at ``left`` reports on: the one it names by its kind
    ("Phát biểu tại chương trình", "bên lề tọa đàm"), the last before it of that kind (or the
    next); else the last meeting whose sentence starts before it."""
    _, right = events.sentence_bounds(norm, left, left)
    sentence = norm[left:right].casefold()
    named = [
        index
        for index, meeting in enumerate(meetings)
        if re.search(rf"(?<!\w){re.escape(meeting.head.casefold())}(?!\w)", sentence)
    ]
    if named:
        before = [i for i in named if starts[i] <= left]
        return before[-1] if before else named[0]
    before = [i for i, start in enumerate(starts) if start <= left]
    return before[-1] if before else None


def _participants(
    drafter: Drafter, hits: list[Hit], meetings: list[events.Meeting], starts: list[int]
) -> list[list[dict[str, Any]]]:
    """For each meeting, the persons the sentences that report on it name, each with the
    roles that the part of its sentence around it states by the roles lexicon (from the
    person named before it to the next), else its whole sentence, with each sentence as the
    evidence of the roles it states."""
    norm = drafter.text
    persons = sorted(h for h in hits if h.label == "PERSON")
    found: list[dict[str, dict[str, Any]]] = [{} for _ in meetings]
    for index, hit in enumerate(persons):
        left, right = events.sentence_bounds(norm, hit.start, hit.end)
        meeting = _meeting_of(norm, meetings, starts, left)
        if meeting is None:
            continue
        while right > left and norm[right - 1] in " .,;:":
            right -= 1
        before = [p.end for p in persons[:index] if left <= p.end <= hit.start]
        after = [p.start for p in persons[index + 1 :] if hit.end <= p.start < right]
        part = norm[before[-1] if before else left : after[0] if after else right]
        roles = roles_stated(part) or roles_stated(norm[left:right])
        if not roles_stated(meetings[meeting].name):
            # A hand-over ("tặng") is a meeting's only when the meeting is one.
            roles = [r for r in roles if r != "actor"]
        if not roles:
            continue  # a person the sentence gives no role is no participant it states
        person = hit.entity or slug(norm[hit.start : hit.end])
        entry = found[meeting].setdefault(person, {"person": person, "roles": [], "evidence": []})
        new = [r for r in roles if r not in entry["roles"]]
        if new:
            entry["roles"] += new
            entry["evidence"].append(
                {"article": drafter.article_id, **anchor_fields(norm, left, right), "supports": new}
            )
    return [[people[p] for p in sorted(people)] for people in found]


def _meeting_id(meeting: events.Meeting) -> str:
    """The slug of the name, with the year when the name does not hold it."""
    name = slug(meeting.name)
    date = meeting.date.date if meeting.date else None
    year = str(date.year) if date else None
    return name if year is None or year in name.split("-") else f"{name}-{year}"


def meeting_details(
    drafter: Drafter,
    meetings: list[events.Meeting],
    hits: list[Hit],
    datelines: list[tuple[int, int]],
) -> None:
    """The entry of each new meeting: date, place, attendance, organizers, participants with
    their roles, documents, and the sentence that reports it as evidence. What a report says
    of a meeting runs from its sentence to the sentence of the next meeting."""
    norm = drafter.text
    starts = [events.sentence_bounds(norm, m.start, m.end)[0] for m in meetings]
    participants = _participants(drafter, hits, meetings, starts)
    for index, meeting in enumerate(meetings):
        left, right = events.sentence_bounds(norm, meeting.start, meeting.end)

        def named(label: str, start: int, end: int) -> list[str]:
            return sorted(
                {
                    h.entity or _proposed_id(drafter, h)
                    for h in hits
                    if h.label == label
                    and start <= h.start < end
                    # The dateline "(CLO)" opens the sentence; it organizes nothing.
                    and not any(s <= h.start and h.end <= e for s, e in datelines)
                }
            )

        organizers = sorted(
            {o for span in meeting.organizer_spans for o in named("ORGANIZATION", *span)}
        )
        bodies = [h for h in hits if h.label == "ORGANIZATION"]
        places = [
            (s, e)
            for s, e in meeting.place_spans
            if not any(b.start < s and e <= b.end for b in bodies)
        ]
        location = norm[places[0][0] : places[0][1]] if places else None
        entry = _meeting_entry(drafter, meeting, organizers, location)
        entry["directives"] = named("DIRECTIVE", meeting.start, right)
        entry["participants"] = participants[index]
        entry["evidence"] = _meeting_evidence(drafter, meeting, entry, left, right, places)
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
    drafter: Drafter, meeting: events.Meeting, organizers: list[str], location: str | None
) -> dict[str, Any]:
    date = meeting.date
    known = date.date if date else None
    entry: dict[str, Any] = {
        "id": _meeting_id(meeting),
        "name": drafter.text[meeting.start : meeting.end],
        "kind": meeting.kind,
        "date": known.isoformat() if known else None,
        "date_precision": date.precision if date else None,
        "date_inferred": True if known and date and date.basis else None,
        "date_basis": date.basis if known and date else None,
        # What the text prints of the date, the year as X where it prints none (a date
        # printed whole is its own EDTF: the build derives it).
        "date_edtf": date.edtf if date and date.edtf.startswith("X") else None,
        "location": location,
    }
    if meeting.attendance is not None:
        entry["attendance"] = meeting.attendance.number
        entry["attendance_qualifier"] = meeting.attendance.qualifier
    entry["organizers"] = organizers
    return entry


def _meeting_evidence(
    drafter: Drafter,
    meeting: events.Meeting,
    entry: dict[str, Any],
    left: int,
    right: int,
    places: list[tuple[int, int]],
) -> list[dict[str, Any]]:
    """The sentence that reports the meeting, supporting what it states of it."""
    norm = drafter.text
    while right > left and norm[right - 1] in " .,;:":
        right -= 1
    supports = [
        key
        for key, stated in (
            (
                "date",
                meeting.date is not None
                and (
                    left <= meeting.date.start < right
                    # "Chiều cùng ngày", "Sáng hôm sau": the sentence dates it by the one before
                    or events.RELATIVE_DAY.search(norm, left, right) is not None
                ),
            ),
            ("location", bool(places) and left <= places[0][0] < right),
        )
        if stated
    ]
    organizers = entry["organizers"]
    # One id is the list; of several, the quote names each.
    supports += ["organizers"] if len(organizers) == 1 else [f"organizers[{o}]" for o in organizers]
    supports += [f"directives[{d}]" for d in entry["directives"]]
    evidence = []
    if supports and right > left:
        evidence.append(
            {
                "article": drafter.article_id,
                **anchor_fields(norm, left, right),
                "supports": supports,
            }
        )
    if meeting.restated is not None:
        # "Buổi gặp mặt diễn ra tối 21/12 tại ...": the next sentence says when and where.
        start, end = meeting.restated
        while end > start and norm[end - 1] in " .,;:":
            end -= 1
        restated = [
            key
            for key, at in (
                ("date", meeting.date.start if meeting.date else None),
                ("location", places[0][0] if places else None),
            )
            if at is not None and start <= at < end and key not in supports
        ]
        if restated:
            evidence.append(
                {
                    "article": drafter.article_id,
                    **anchor_fields(norm, start, end),
                    "supports": restated,
                }
            )
    if "attendance" in entry and meeting.attendance is not None:
        # "Hội nghị có khoảng 120 đại biểu": the count's own sentence.
        start, end = events.sentence_bounds(norm, meeting.attendance.start, meeting.attendance.end)
        while end > start and norm[end - 1] in " .,;:":
            end -= 1
        evidence.append(
            {
                "article": drafter.article_id,
                **anchor_fields(norm, start, end),
                "supports": ["attendance"],
            }
        )
    return evidence


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
            "value": date.date.isoformat() if date.date else date.edtf,
            "date_precision": date.precision,
        }
        if date.date is not None:
            proposal["date"] = date.date.isoformat()
        else:
            proposal["note"] = (
                f"the year is not printed and nothing in the text gives it: {date.edtf}"
            )
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
