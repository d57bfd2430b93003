"""Dates, attendance and meetings as news reports state them.

"Ngày 19/7", "Chiều 28-1", "ngày 6/7/2011": a day and month, with the year when printed. A
year that is not printed is read from the text (a full date in the same sentence, the years
a review conference names, the page date) and flagged as inferred, with the basis in words.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field

_DATE = re.compile(
    r"(?P<lead>(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa|[Nn]gày|[Đđ]êm)\s+(?:nay\s+)?)"
    r"(?P<day>[0-9]{1,2})\s*[/-]\s*(?P<month>[0-9]{1,2})(?:\s*[/-]\s*(?P<year>[0-9]{4}))?"
    r"(?![0-9/-])"
)
_SAME_DAY = re.compile(r"[Cc]ùng ngày")
_ATTENDANCE = re.compile(
    r"(?:(?P<qualifier>hơn|trên|khoảng|gần|gần\s+|chừng)\s+)?(?P<number>[0-9][0-9.]*)\s+"
    r"(?P<who>đại biểu|người|khách mời)"
)
_QUALIFIERS = {
    "hơn": "more_than",
    "trên": "more_than",
    "khoảng": "about",
    "gần": "about",
    "chừng": "about",
}
_MEETING = re.compile(
    r"(?P<name>(?:Hội nghị|Hội thảo|Tọa đàm|Lễ kỷ niệm|Đại hội)\s[^\n.;()]*?)"
    r"(?=\s*(?:\.\s|\.$|;|\(|\n|,\s*(?:đồng chí|Đồng chí)|\s+ngày\s|\s+tại\s|$))"
)
_PARTY_CONGRESS = re.compile(r"(?<!\w)Đại hội (?:Đảng )?[IVXL]+(?!\w)")
_CONGRESS = re.compile(
    r"(?P<name>Đại hội(?:\s+[^\W\d_]+){0,8}?\s+lần thứ\s+[IVXL]+"
    r"(?:[ ]+của[ ]+(?:[A-ZĐÀ-Ỹ][^\s,.;()]*)(?:[ ]+[^\s,.;()]+){0,8})?"
    r"(?:,\s*nhiệm kỳ\s+[0-9]{4}\s*-\s*[0-9]{4})?)",
    re.IGNORECASE,
)
_REVIEW_YEARS = re.compile(r"năm (?P<year>[0-9]{4})")
_ORGANIZED = re.compile(r"tổ chức\s+$")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: dt.date
    precision: str
    basis: str | None


@dataclass(frozen=True)
class Attendance:
    start: int
    end: int
    number: int
    qualifier: str


@dataclass
class Meeting:
    start: int
    end: int
    name: str
    kind: str
    date: DateMention | None = None
    location: str | None = None
    attendance: Attendance | None = None
    organizer_spans: list[tuple[int, int]] = field(default_factory=list)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``: from after a period or line break to the next."""
    period = text.rfind(". ", 0, start)
    left = max(period + 2 if period != -1 else 0, text.rfind("\n", 0, start) + 1)
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    return left, min(stops, default=len(text))


def dates(text: str, page_year: int | None) -> list[DateMention]:
    """Every day/month date, its year printed or inferred with the basis stated."""
    found: list[DateMention] = []
    for m in _DATE.finditer(text):
        day, month = int(m["day"]), int(m["month"])
        start = m.start("day") if m["lead"].strip().lower() == "ngày" else m.start()
        if m["year"]:
            with contextlib.suppress(ValueError):
                found.append(
                    DateMention(start, m.end(), dt.date(int(m["year"]), month, day), "day", None)
                )
            continue
        year, basis = _infer_year(text, m.end(), month, page_year)
        if year is None:
            continue
        try:
            found.append(DateMention(m.start(), m.end(), dt.date(year, month, day), "day", basis))
        except ValueError:
            continue
    return found


def _infer_year(
    text: str, end: int, month: int, page_year: int | None
) -> tuple[int | None, str | None]:
    _, right = sentence_bounds(text, end, end)
    sentence = text[end:right]
    full = re.search(r"[0-9]{1,2}\s*/\s*[0-9]{1,2}\s*/\s*(?P<year>[0-9]{4})", sentence)
    if full:
        return (
            int(full["year"]),
            f"The year is not printed; the same sentence dates a document {full.group()}, "
            f"so the year {full['year']} is assumed.",
        )
    years = sorted({int(y) for y in _REVIEW_YEARS.findall(sentence)})
    if len(years) == 2 and years[1] == years[0] + 1:
        year = years[1] if month <= 6 else years[0]
        return (
            year,
            f"The year is not printed; the meeting reviews {years[0]} and plans {years[1]}, "
            f"so a date in month {month} falls in {year}.",
        )
    if page_year is not None:
        return year_basis(page_year)
    return None, None


def year_basis(page_year: int) -> tuple[int, str]:
    return page_year, f"The year is not printed; the page is dated {page_year}."


def attendance(text: str) -> list[Attendance]:
    found = []
    for m in _ATTENDANCE.finditer(text):
        number = int(m["number"].replace(".", ""))
        if number >= 1:
            qualifier = _QUALIFIERS.get((m["qualifier"] or "").strip(), "exact")
            found.append(Attendance(m.start(), m.end(), number, qualifier))
    return found


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _trim_lowercase_tail(name: str) -> str:
    """'... của LHHN được tổ chức' ends at 'LHHN': a body's name ends with a capital word."""
    if " của " not in name:
        return name
    head, _, body = name.rpartition(" của ")
    words = body.split(" ")
    while len(words) > 1 and not words[-1][:1].isupper():
        words.pop()
    return f"{head} của {' '.join(words)}"


def meetings(text: str, page_year: int | None) -> list[Meeting]:
    """Meetings a text reports: "tổ chức Hội nghị ..." and "Đại hội ... lần thứ VI ..."."""
    found: list[Meeting] = []
    all_dates = dates(text, page_year)
    counts = attendance(text)
    previous: DateMention | None = None
    for m in _MEETING.finditer(text):
        if not _ORGANIZED.search(text, max(0, m.start() - 12), m.start()):
            continue
        name = m["name"].rstrip(" ,")
        kind = (
            "review_conference"
            if "tổng kết" in name
            else ("congress" if name.startswith("Đại hội") else "conference")
        )
        left, _ = sentence_bounds(text, m.start(), m.end())
        meeting = Meeting(m.start(), m.start() + len(name), name, kind)
        before = [d for d in all_dates if left <= d.start < m.start()]
        if before:
            meeting.date = before[-1]
        elif previous is not None and _SAME_DAY.search(text, left, m.start()):
            meeting.date = DateMention(
                previous.start,
                previous.end,
                previous.date,
                previous.precision,
                "The text says 'Cùng ngày' (the same "
                "day) as the meeting reported before it; "
                + _lower_first(previous.basis or "Its date is printed."),
            )
        previous = meeting.date or previous
        place = re.search(
            r"tại (?P<place>[A-ZĐÀ-Ỹ][^\s,.;]*(?: [A-ZĐÀ-Ỹ][^\s,.;]*){0,3})", text[left : m.start()]
        )
        if place:
            meeting.location = place["place"]
        paragraph_end = text.find("\n", m.end())
        paragraph_end = len(text) if paragraph_end == -1 else paragraph_end
        near = [c for c in counts if m.end() <= c.start < paragraph_end]
        if near:
            meeting.attendance = near[0]
        meeting.organizer_spans.append((left, m.start()))
        found.append(meeting)
    for m in _CONGRESS.finditer(text):
        name = _trim_lowercase_tail(m["name"])
        if any(f.start <= m.start() < f.end for f in found):
            continue
        found.append(Meeting(m.start(), m.start() + len(name), name, "congress"))
    for m in _PARTY_CONGRESS.finditer(text):
        if not any(f.start <= m.start() < f.end for f in found):
            found.append(Meeting(m.start(), m.end(), m.group(), "congress"))
    return sorted(found, key=lambda meeting: meeting.start)
