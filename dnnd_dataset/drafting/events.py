"""Dates, attendance and meetings as news reports state them.

"Ngày 19/7", "Chiều 28-1", "ngày 6/7/2011": a day and month, with the year when printed. A
year that is not printed is read from the text (a full date in the same sentence, the years
a review conference names, the page date) and flagged as inferred, with the basis in words.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field

from dnnd_dataset.segmentation import ABBREVIATIONS

# "ngày 3 và 4/10", "từ ngày 17 đến 19/12", "ngày 3-4/10": days of one month printed once,
# after the last day; the date is the first day. "Sáng nay (20/8)": the date in brackets.
# "ngày 20 tháng 8 năm 2019": the date in words.
_DATE = re.compile(
    r"(?P<lead>(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa|[Nn]gày|[Đđ]êm)\s+(?:(?:nay|qua)\s*\(?\s*)?)"
    r"(?P<day>[0-9]{1,2})(?:\s*(?:và|đến|-|–)\s*(?:ngày\s+)?(?P<last>[0-9]{1,2}))?"
    r"(?:\s*[/-]\s*|\s+tháng\s+)(?P<month>[0-9]{1,2})"
    r"(?:(?:\s*[/-]\s*|\s+năm\s+)(?P<year>[0-9]{4}))?"
    r"(?![0-9/-])"
)
_SAME_DAY = re.compile(r"[Cc]ùng ngày")
_FULL_STOP = re.compile(r"\.(?= )")
# "hơn 200 ", "khoảng 1.500 ": a count and the word that qualifies it.
_COUNT = r"(?:(?P<qualifier>(?i:hơn|trên|khoảng|gần|chừng))\s+)?(?P<number>[0-9][0-9.]*)\s+"
_ATTENDANCE = re.compile(_COUNT + r"(?P<who>đại biểu|người|khách mời|ủy viên|học sinh|hội viên)")
_QUALIFIERS = {
    "hơn": "more_than",
    "trên": "more_than",
    "khoảng": "about",
    "gần": "about",
    "chừng": "about",
}
# A meeting named by its kind, introduced by any verb ("tổ chức", "dự", "diễn ra"): the
# name runs to a stop of the clause (a full stop that is no abbreviation's, a bracket, a
# comma before a new clause) or to the word that says who holds it, where or when.
# A venue is named after what it hosts ("Trung tâm Hội nghị", "Cung Văn hóa"): a meeting
# word after one of these nouns opens no meeting.
_VENUE_BEFORE = "".join(
    rf"(?<!{noun} )" for noun in ("Trung tâm", "Cung", "Nhà", "Hội trường", "Khách sạn", "Phòng")
)
_HEAD = (
    rf"{_VENUE_BEFORE}"
    r"(?:Hội nghị|Hội thảo|Tọa đàm|Diễn đàn|Chương trình|Lễ|Hội đàm"
    r"|Tuần lễ|Ngày hội|Liên hoan|Triển lãm)"
    r"|(?:(?<=diễn ra )|(?<=tổ chức )|(?<=dự )|(?<=có ))"
    r"(?:buổi|cuộc) (?:hội đàm|hội kiến|làm việc|gặp mặt|gặp gỡ|giao lưu|tọa đàm|tiếp)"
)
_MEETING = re.compile(
    rf"(?P<name>(?<![\w.])(?P<head>{_HEAD})(?:[^\n.;:()“”]|“[^”\n]*”|(?<=TP)\.)*?)"
    r"(?=\s*(?:\.(?:\s|$)|;|:|\(|\n|$"
    r"|,\s*(?:thu hút|với|có|do|tại|nhằm|để|đồng chí|ông|bà|[A-ZĐ])"
    r"|\s(?:do|để|nhằm|tại|vào|với sự|trên cơ sở|dưới sự|ngày(?=\s+[0-9])|sáng|chiều|tối|thu hút|có"
    r"|đã|diễn ra|được|nhân dịp|từ ngày|sang thăm|đến thăm)\s))"
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
# "do Sở Ngoại vụ tỉnh Quảng Bình tổ chức", "do A và B phối hợp tổ chức"
_HELD_BY = re.compile(
    r"^\s*do (?P<who>[^;\n]{2,200}) (?:phối hợp )?(?:tổ chức|chủ trì|đăng cai)(?=[\s.,;]|$)"
)
_PLACE_WORD = r"(?:TP\.|Tp\.|[^\s,.;:()]+)"
_MEETING_WORD = re.compile(
    r"(?i:hội nghị|hội thảo|đại hội|tọa đàm|diễn đàn|chương trình|lễ|buổi|phiên)(?!\w)"
)
# A place's name holds a capital letter; a word of common nouns ("thành phố", "địa
# phương") refers back to one.
# "... làm việc tại thành phố.": "tại" and common nouns to the end of the clause belong
# to the meeting's name, not to a place.
_UNNAMED_PLACE = re.compile(r"\s+tại(?P<words>(?:\s+[^\s,.;:()]+){1,3})(?=\s*(?:[.;,\n]|$))")
# "đoàn đã làm việc với UBND huyện X về ...": a meeting with no name, reported by the verb
# and the body met; the name is those words.
_WORKED_WITH = re.compile(
    r"(?<=đã )(?P<name>(?:làm việc|hội đàm|hội kiến|gặp gỡ) với (?P<body>[^\W\d_][^\s,.;:()]*"
    r"(?: (?!(?:về|để|nhằm|tại|vào|trong|từ|và)\s)[^\s,.;:()]+){0,9}))"
)
# The roles lexicon's attendance words before "có" and a count: "Tham dự có hơn 200
# doanh nhân", "Dự hội nghị có khoảng 80 ...", "với sự tham dự của khoảng 60 ..." count all
# who took part, whatever noun follows.
_ATTENDED_BY = re.compile(
    r"(?i:(?<!\w)(?:(?:tham dự|dự)(?:\s+[^\s,.;:]+){0,4}?\s+có|sự tham dự của))\s+"
    + _COUNT
    + r"(?P<who>[^\W\d_][^\s,.;:]*)"
)
_NEXT_DAY = re.compile(r"(?i:hôm sau|ngày hôm sau)")
RELATIVE_DAY = re.compile(r"(?i:cùng ngày|hôm sau)")
# "tại huyện Minh Hóa", "tại trụ sở LHHN Việt Nam", "tại bản Na Phao, huyện Bua-la-pha"
_AT = re.compile(
    rf"(?<!\w)[Tt]ại (?P<place>{_PLACE_WORD}(?: (?!(?:do|đã|diễn ra|tổ chức|phối hợp|với|có|cho"
    rf"|vào|ngày|để|nhằm|nhân|trong|từ|và|của)\s){_PLACE_WORD}){{0,9}})"
    rf"(?P<more>, (?:huyện|tỉnh|thành phố|TP\.|Tp\.|xã|phường|quận|thị xã) {_PLACE_WORD}"
    rf"(?: {_PLACE_WORD}){{0,2}})?"
)


_TWO_WORD_HEADS = (
    "hội nghị",
    "hội thảo",
    "tọa đàm",
    "diễn đàn",
    "chương trình",
    "hội đàm",
    "tuần lễ",
    "ngày hội",
    "liên hoan",
    "triển lãm",
    "làm việc",
)


@dataclass(frozen=True)
class DateMention:
    """A date as printed; ``date`` holds the year read from context when none is printed,
    and is None when nothing gives it; ``edtf`` keeps the printed parts ("XXXX-11-14")."""

    start: int
    end: int
    date: dt.date | None
    precision: str
    basis: str | None
    edtf: str = ""


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
    place_spans: list[tuple[int, int]] = field(default_factory=list)
    # The sentence after the meeting's own that names it again by its kind and says when or
    # where it took place ("Buổi gặp mặt diễn ra tối 21/12 tại ...").
    restated: tuple[int, int] | None = None
    # How the text refers back to a meeting named by a verb ("buổi làm việc").
    said_as: str | None = None

    @property
    def head(self) -> str:
        """The kind of meeting its name opens with, as the text says it again ("hội nghị")."""
        if self.said_as:
            return self.said_as
        first = self.name.split(" ")
        two = " ".join(first[:2]).casefold()
        if two in _TWO_WORD_HEADS:
            return two
        if first[0].casefold() in ("buổi", "cuộc"):
            return " ".join(first[:2]).casefold()
        return "lễ" if first[0].casefold() == "lễ" else two


def _full_stops(text: str, start: int, end: int) -> list[int]:
    """Where a sentence ends with a full stop in ``text[start:end]``: not after an
    abbreviation written with one ("TP. Hồ Chí Minh")."""
    return [
        m.start()
        for m in _FULL_STOP.finditer(text, start, end)
        if text[max(0, m.start() - 3) : m.start()].split(" ")[-1] not in ABBREVIATIONS
    ]


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``: from after a full stop or line break to the
    next; the full stop of an abbreviation ("TP.") ends none."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    before = _full_stops(text, line_start, start)
    after = _full_stops(text, end, line_end)
    left = before[-1] + 2 if before else line_start
    return left, after[0] if after else line_end


def dates(text: str, page_year: int | None) -> list[DateMention]:
    """Every day/month date, its year printed or inferred with the basis stated."""
    found: list[DateMention] = []
    for m in _DATE.finditer(text):
        day, month = int(m["day"]), int(m["month"])
        if m["last"] and not day < int(m["last"]) <= 31:
            continue  # "ngày 5 và 3/10" names no run of days
        days = (
            f"The text prints the days {day} to {m['last']} of month {month}; the date is "
            "the first. "
            if m["last"]
            else ""
        )
        start = m.start("day") if m["lead"].strip().lower() == "ngày" else m.start()
        if m["year"]:
            with contextlib.suppress(ValueError):
                value = dt.date(int(m["year"]), month, day)
                found.append(
                    DateMention(start, m.end(), value, "day", days or None, value.isoformat())
                )
            continue
        if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]):
            continue  # no date in any year (29/2 is one in a leap year)
        edtf = f"XXXX-{month:02d}-{day:02d}"
        year, basis = _infer_year(text, m.end(), month, page_year)
        try:
            inferred = dt.date(year, month, day) if year is not None else None
        except ValueError:
            inferred, basis = None, None
        if days and basis:
            basis = days + basis
        found.append(DateMention(m.start(), m.end(), inferred, "day", basis, edtf))
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
    found: dict[int, Attendance] = {}
    for pattern in (_ATTENDANCE, _ATTENDED_BY):
        for m in pattern.finditer(text):
            number = int(m["number"].replace(".", ""))
            start = m.start("qualifier") if m["qualifier"] else m.start("number")
            if number >= 1 and start not in found:
                qualifier = _QUALIFIERS.get((m["qualifier"] or "").strip().lower(), "exact")
                found[start] = Attendance(start, m.end(), number, qualifier)
    return [found[start] for start in sorted(found)]


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


def _next_day(previous: DateMention) -> DateMention:
    """The day after ``previous`` ("Sáng hôm sau"), its printed parts moved by one day."""
    _, month, day = previous.edtf.split("-") if previous.edtf else ("", "01", "01")
    year = previous.date.year if previous.date else 2001  # a year of 365 days
    following = dt.date(year, int(month), int(day)) + dt.timedelta(days=1)
    known = following if previous.date else None
    edtf = following.isoformat() if previous.edtf[:4].isdigit() else f"XXXX{following:-%m-%d}"
    basis = "The text says the day after (hôm sau) the date before it. " + (
        previous.basis or "That date is printed."
    )
    return DateMention(previous.start, previous.end, known, "day", basis, edtf)


def _same_day(previous: DateMention) -> DateMention:
    return DateMention(
        previous.start,
        previous.end,
        previous.date,
        previous.precision,
        "The text says 'Cùng ngày' (the same day) as the meeting reported before it; "
        + _lower_first(previous.basis or "Its date is printed."),
        previous.edtf,
    )


def _held(text: str, meeting: Meeting, all_dates: list[DateMention]) -> None:
    """The date, place and organizer that a congress's own sentence states."""
    left, right = sentence_bounds(text, meeting.start, meeting.end)
    before = [d for d in all_dates if left <= d.start < meeting.start]
    if before:
        meeting.date = before[-1]
    meeting.place_spans = places_at(text, left, right)
    if meeting.place_spans:
        start, end = meeting.place_spans[0]
        meeting.location = text[start:end]
    if _ORGANIZED.search(text, max(0, meeting.start - 12), meeting.start):
        meeting.organizer_spans.append((left, meeting.start))


def named(words: str) -> bool:
    """Whether ``words`` hold a name: a word that opens with a capital letter."""
    return any(word[:1].isupper() for word in words.split())


def places_at(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The places "tại ..." names between ``start`` and ``end``, in order."""
    found = []
    for m in _AT.finditer(text, start, end):
        if _MEETING_WORD.match(m["place"]):
            continue  # "phát biểu tại Đại hội": a meeting, not a place
        if not named(m["place"]):
            continue  # "làm việc tại thành phố": a common noun names no place
        place_end = m.end("more") if m["more"] else m.end("place")
        found.append((m.start("place"), place_end))
    return found


def _named_meetings(text: str) -> list[Meeting]:
    """The meetings a text names by their kind, and those it reports by a verb and the body
    met ("đã làm việc với UBND huyện ..."), in order, without date or place yet."""
    found: list[Meeting] = []
    for m in _MEETING.finditer(text):
        name = m["name"].rstrip(" ,")
        left, _ = sentence_bounds(text, m.start(), m.end())
        words_after_head = len(name[len(m["head"]) :].split())
        at_start = not text[left : m.start()].strip()
        if words_after_head < (2 if at_start else 1):
            continue  # "Hội nghị có 120 đại biểu": the meeting named before
        unnamed = _UNNAMED_PLACE.match(text, m.start() + len(name))
        if unnamed and not named(unnamed["words"]):
            name = text[m.start() : unnamed.end()]
        kind = (
            "review_conference"
            if "tổng kết" in name
            else ("congress" if name.startswith("Đại hội") else "conference")
        )
        found.append(Meeting(m.start(), m.start() + len(name), name, kind))
    for m in _WORKED_WITH.finditer(text):
        if not m["body"][:1].isupper() or any(f.start <= m.start() < f.end for f in found):
            continue
        verb = m["name"].split(" với ")[0]
        found.append(Meeting(m.start(), m.end(), m["name"], "conference", said_as=f"buổi {verb}"))
    return sorted(found, key=lambda meeting: meeting.start)


def _restated(
    text: str,
    meeting: Meeting,
    end: int,
    stop: int | None,
    all_dates: list[DateMention],
    places: list[tuple[int, int]],
) -> None:
    """The date and place of ``meeting`` from its own sentence (``places``), else from the
    next sentence of its paragraph when that one opens with the meeting's kind ("Buổi gặp
    mặt diễn ra tối 21/12 tại ..."), before the next meeting's name."""
    meeting.place_spans = places
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    start = end + 1
    while start < line_end and text[start] == " ":
        start += 1
    if start >= line_end or (stop is not None and stop < line_end and start >= stop):
        return
    left, right = sentence_bounds(text, start, start)
    if not text[left:right].casefold().startswith(meeting.head.casefold() + " "):
        return
    meeting.restated = (left, right)
    if meeting.date is None:
        inside = [d for d in all_dates if left <= d.start < right]
        if inside:
            meeting.date = inside[0]
    if not places:
        meeting.place_spans = places_at(text, left, right)


def meetings(text: str, page_year: int | None) -> list[Meeting]:
    """Meetings a text reports, introduced by any verb ("tổ chức Hội nghị ...", "dự Hội
    thảo ... do X tổ chức", "diễn ra buổi hội đàm ..."), and congresses."""
    found: list[Meeting] = []
    all_dates = dates(text, page_year)
    counts = attendance(text)
    previous: DateMention | None = None
    named_meetings = _named_meetings(text)
    for index, meeting in enumerate(named_meetings):
        left, right = sentence_bounds(text, meeting.start, meeting.end)
        before = [d for d in all_dates if left <= d.start < meeting.start]
        after = [d for d in all_dates if meeting.end <= d.start < right]
        lead = text[left : meeting.start]
        if before:
            meeting.date = before[-1]
        elif previous is not None and _SAME_DAY.search(lead):
            meeting.date = _same_day(previous)
        elif previous is not None and _NEXT_DAY.search(lead):
            meeting.date = _next_day(previous)
        elif after:
            meeting.date = after[0]
        places = places_at(text, left, right)
        if meeting.date is None or not places:
            stop = named_meetings[index + 1].start if index + 1 < len(named_meetings) else None
            _restated(text, meeting, right, stop, all_dates, places)
        elif places:
            meeting.place_spans = places
        previous = meeting.date or previous
        if meeting.place_spans:
            meeting.location = text[meeting.place_spans[0][0] : meeting.place_spans[0][1]]
        if _ORGANIZED.search(text, max(0, meeting.start - 12), meeting.start):
            meeting.organizer_spans.append((left, meeting.start))
        held = _HELD_BY.match(text[meeting.end : right])
        if held:
            start = meeting.end + held.start("who")
            meeting.organizer_spans.append((start, start + len(held["who"])))
        if not meeting.organizer_spans:
            meeting.organizer_spans.append((left, meeting.start))
        found.append(meeting)
    for index, meeting in enumerate(found):
        # What follows, up to the next meeting, reports on this one: its attendance.
        stop = found[index + 1].start if index + 1 < len(found) else len(text)
        near = [c for c in counts if meeting.end <= c.start < stop]
        if near:
            meeting.attendance = near[0]
    for m in _CONGRESS.finditer(text):
        name = _trim_lowercase_tail(m["name"])
        if any(f.start <= m.start() < f.end for f in found):
            continue
        congress = Meeting(m.start(), m.start() + len(name), name, "congress")
        _held(text, congress, all_dates)
        found.append(congress)
    for m in _PARTY_CONGRESS.finditer(text):
        if not any(f.start <= m.start() < f.end for f in found):
            found.append(Meeting(m.start(), m.end(), m.group(), "congress"))
    return sorted(found, key=lambda meeting: meeting.start)
