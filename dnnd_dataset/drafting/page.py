"""The parts of a page around the article: headline, page chrome, repeats, credits, bylines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from dnnd_dataset.drafting.lexicon import PAGE_CHROME, WEEKDAYS

_LINE = re.compile(r"[^\n]+")
_PAGE_DATE = re.compile(
    r"(?P<weekday>" + "|".join(WEEKDAYS) + r"),\s+(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/"
    r"(?P<year>[0-9]{4})(?:\s+[0-9]{1,2}:[0-9]{2})?",
    re.IGNORECASE,
)
# A line that is a date and nothing else: "Thứ Năm, 06:30, 28/04/2016", "18/08/2025 11:20",
# "Cập nhật lúc 08:45 ngày 16/11/2019", "Thứ Bảy, 23/9/2023 - 10:15".
_DATE_LINE = re.compile(
    r"(?:(?:" + "|".join(WEEKDAYS) + r"),\s+)?(?:cập nhật(?: lúc)?\s+)?"
    r"(?:[0-9]{1,2}:[0-9]{2},?\s+)?(?:ngày\s+)?"
    r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})"
    r"(?:\s*-?\s*[0-9]{1,2}:[0-9]{2})?",
    re.IGNORECASE,
)
# Words that open an event's date: a date after them is no page's.
_EVENT_LEAD = re.compile(r"(?:ngày|sáng|chiều|tối|trưa|đêm|hôm|từ|đến)\s*$", re.IGNORECASE)
# A byline at the top: "Bài và ảnh: NGUYỄN HOÀI AN", "Bài: ...", "Tin, ảnh: ...".
_TOP_BYLINE = re.compile(
    r"^(?:Bài|Tin)(?:(?: và|,) ảnh)?\s*:\s*(?P<name>[^\W\d_]+(?: [^\W\d_]+){1,3})\s*$",
    re.MULTILINE,
)
_COMMENTS = re.compile(r"[0-9]+ nhận xét:\s*\n(?:\s*\n)*\s*Đăng nhận xét")
_PHOTO = re.compile(r"(?P<lead>[Ảả]nh)\s*:\s*(?P<name>[^\n()|:]{2,60}?)\s*(?=[)|\n]|$)")
_SOURCE = re.compile(
    r"^\(?(?P<lead>Theo|Nguồn)\s*:?\s+(?P<name>[^\n()]{2,400}?)\)?\s*$", re.MULTILINE
)
_URL = re.compile(r"https?://[^\s)\"”]+")
_DATELINE = re.compile(
    r"(?:^|\n)\s*(?:\((?P<tag>[A-ZĐ][A-ZĐ.]{1,9}|[A-Z][A-Za-z]+\.(?:vn|VN|com))\)"
    r"|(?P<bare>[A-Z][A-Za-z]+\.(?:vn|VN|com)|[A-ZĐ]{2,9}) - (?=\(?[A-ZĐ0-9]))"
)
_BYLINE = re.compile(r"^(?:[^\W\d_]+ ){0,3}[^\W\d_]+$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Boilerplate:
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Credit:
    start: int
    end: int
    name: str
    role: str  # photo or source
    name_start: int
    name_end: int


@dataclass(frozen=True)
class PrintedDate:
    start: int
    end: int
    value: dt.date
    # A date in the page chrome above the headline: the site's clock, not the page's date.
    clock: bool = False


def lines(text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in _LINE.finditer(text) if m.group().strip()]


def _strip(text: str, span: Span) -> Span:
    value = text[span.start : span.end]
    left = len(value) - len(value.lstrip())
    right = len(value) - len(value.rstrip())
    return Span(span.start + left, span.end - right)


def boilerplate(text: str) -> list[Boilerplate]:
    """Banners, page chrome, repeated lines and comment widgets."""
    found: list[Boilerplate] = []
    all_lines = [_strip(text, line) for line in lines(text)]
    previous = ""
    headline_seen = False
    for index, line in enumerate(all_lines):
        value = text[line.start : line.end]
        repeated, previous = value == previous, value
        if repeated and len(value.split()) >= 3:
            caption = "Ảnh:" in value or (value.endswith(".") and len(value.split()) <= 20)
            kind = "duplicate_caption" if caption else "duplicate_text"
            found.append(Boilerplate(line.start, line.end, kind))
        elif value in PAGE_CHROME or (_DATE_LINE.fullmatch(value) and not headline_seen):
            # A date above the headline is the site's clock; below it, the article's date.
            found.append(Boilerplate(line.start, line.end, "page_chrome"))
        elif index == 0 and (value.count(" - ") + value.count(")- ")) >= 2:
            found.append(Boilerplate(line.start, line.end, "site_banner"))
        elif not _DATE_LINE.fullmatch(value):
            headline_seen = True
    for m in _COMMENTS.finditer(text):
        found.append(Boilerplate(m.start(), m.end(), "comment_widget"))
    return found


def page_date(text: str, chrome: list[Boilerplate] | None = None) -> PrintedDate | None:
    """The date a site prints on a line of its own at the top of the page: in the page
    chrome above the headline, its clock ("Thứ ba,  11/05/2021"); below it, the page's date
    ("Thứ Năm, 06:30, 28/04/2016")."""
    clocks = [b for b in (chrome or []) if b.kind == "page_chrome"]
    for line in lines(text)[:8]:
        line = _strip(text, line)
        m = _DATE_LINE.fullmatch(text, line.start, line.end)
        if m:
            try:
                value = dt.date(int(m["year"]), int(m["month"]), int(m["day"]))
            except ValueError:
                return None
            clock = any(b.start <= line.start and line.end <= b.end for b in clocks)
            return PrintedDate(line.start, line.end, value, clock)
    return None


def printed_date(text: str, value: dt.date) -> PrintedDate | None:
    """Where ``text`` prints ``value`` as d/m/yyyy (any zero padding, '/', '-' or '.')."""
    pattern = rf"(?<![0-9])0?{value.day}[/.-]0?{value.month}[/.-]{value.year}(?![0-9])"
    for m in re.finditer(pattern, text):
        # "ngày 6/7/2011" in the body is an event's date, never the page's.
        if not _EVENT_LEAD.search(text, max(0, m.start() - 8), m.start()):
            return PrintedDate(m.start(), m.end(), value)
    return None


def title(text: str, skip: list[Boilerplate]) -> Span | None:
    """The first line that is no page furniture: a headline, or else the lead sentence."""
    for line in lines(text):
        line = _strip(text, line)
        if any(b.start <= line.start and line.end <= b.end for b in skip):
            continue
        value = text[line.start : line.end]
        if _DATE_LINE.fullmatch(value) or _TOP_BYLINE.fullmatch(value):
            continue
        if len(value) <= 200 and not value.endswith("."):
            return line
        lead = re.match(r"(?:\([A-ZĐ.]+\)\s*-?\s*)?(?P<lead>.+?\.)(?:\s|$)", value)
        if lead:
            return Span(line.start + lead.start("lead"), line.start + lead.end("lead"))
        return line
    # A page of furniture only: its first line, for the reviewer to replace.
    first = lines(text)
    return _strip(text, first[0]) if first else None


def credits(text: str) -> list[Credit]:
    """Photo credits ("Ảnh: Lê Đại") and sources ("Theo Nhandan", "Nguồn: http://...")."""
    found: list[Credit] = []
    for m in _PHOTO.finditer(text):
        # "Ảnh: Thu Phương/TTXVN": the photographer, then the outlet.
        name = m["name"].split("/")[0].strip()
        found.append(
            Credit(
                m.start(),
                m.start("name") + len(name),
                name,
                "photo",
                m.start("name"),
                m.start("name") + len(name),
            )
        )
    for m in _SOURCE.finditer(text):
        name = m["name"].strip()
        start, end = m.start("name"), m.start("name") + len(name)
        if m["lead"] == "Theo" and (
            len(name.split()) > 5 or (name[0].islower() and not name.startswith("website"))
        ):
            continue
        shown = urlsplit(name).hostname if _URL.fullmatch(name) else name
        if shown is None:
            continue
        if shown != name:
            end = start + name.find(shown) + len(shown)
        found.append(Credit(m.start("lead"), end, shown, "source", start, end))
    return found


def top_bylines(text: str) -> list[Span]:
    """The author's name in a byline above the lead ("Bài và ảnh: NGUYỄN HOÀI AN")."""
    return [
        Span(m.start("name"), m.end("name"))
        for m in _TOP_BYLINE.finditer(text, 0, sum(len(v) + 1 for v in text.split("\n")[:8]))
        if all(w[0].isupper() for w in m["name"].split())
    ]


def bylines(text: str, taken: list[Span]) -> list[Span]:
    """The author's name on a line of its own near the end ("Minh Anh", "HÀ SỰ", "Hoàng
    Quỳnh/VOV-Đông Bắc": the name before the outlet), or in a byline at the top."""
    top = top_bylines(text)
    if top:
        return top
    for line in reversed(lines(text)[-6:]):
        line = _strip(text, line)
        value = text[line.start : line.end]
        if any(s.start <= line.start < s.end or line.start <= s.start < line.end for s in taken):
            continue
        name = value.split("/")[0].rstrip() if value.count("/") == 1 else value
        words = name.split()
        if _BYLINE.match(name) and all(w[0].isupper() for w in words) and 2 <= len(words) <= 4:
            return [Span(line.start, line.start + len(name))]
        if value.endswith((".", "!", ":", ",")) or len(value.split()) > 4:
            return []
    return []


def byline_outlets(text: str, names: list[Span]) -> list[Span]:
    """The outlet after a byline's slash ("VOV-Đông Bắc" of "Hoàng Quỳnh/VOV-Đông Bắc")."""
    found = []
    for name in names:
        rest = text[name.end : text.find("\n", name.end) if "\n" in text[name.end :] else len(text)]
        outlet = rest[1:].strip()
        if (
            rest.startswith("/")
            and outlet
            and len(outlet) <= 40
            and not re.search(r"[.?=/]", outlet)
        ):
            start = name.end + 1 + len(rest[1:]) - len(rest[1:].lstrip())
            found.append(Span(start, start + len(rest[1:].strip())))
    return found


def urls(text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in _URL.finditer(text)]


def dateline_tags(text: str) -> list[Span]:
    """The outlet's tag opening the lead: "(CLO)", "(GLO)-"."""
    found = []
    for m in _DATELINE.finditer(text):
        group = "tag" if m["tag"] else "bare"
        found.append(Span(m.start(group), m.end(group)))
    return found[:1]
