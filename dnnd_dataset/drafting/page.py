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
_COMMENTS = re.compile(r"[0-9]+ nhận xét:\s*\n(?:\s*\n)*\s*Đăng nhận xét")
_PHOTO = re.compile(r"(?P<lead>[Ảả]nh)\s*:\s*(?P<name>[^\n()|:]{2,60}?)\s*(?=[)|\n]|$)")
_SOURCE = re.compile(
    r"^\(?(?P<lead>Theo|Nguồn)\s*:?\s+(?P<name>[^\n()]{2,400}?)\)?\s*$", re.MULTILINE
)
_URL = re.compile(r"https?://[^\s)\"”]+")
_DATELINE = re.compile(r"(?:^|\n)\s*\((?P<tag>[A-ZĐ][A-ZĐ.]{1,9})\)")
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
    for index, line in enumerate(all_lines):
        value = text[line.start : line.end]
        repeated, previous = value == previous, value
        if repeated and len(value.split()) >= 3:
            caption = "Ảnh:" in value or (value.endswith(".") and len(value.split()) <= 20)
            kind = "duplicate_caption" if caption else "duplicate_text"
            found.append(Boilerplate(line.start, line.end, kind))
        elif value in PAGE_CHROME or _PAGE_DATE.fullmatch(value):
            found.append(Boilerplate(line.start, line.end, "page_chrome"))
        elif index == 0 and (value.count(" - ") + value.count(")- ")) >= 2:
            found.append(Boilerplate(line.start, line.end, "site_banner"))
    for m in _COMMENTS.finditer(text):
        found.append(Boilerplate(m.start(), m.end(), "comment_widget"))
    return found


def page_date(text: str) -> PrintedDate | None:
    """The date a site prints at the top of the page ("Thứ ba,  11/05/2021")."""
    for line in lines(text)[:4]:
        m = _PAGE_DATE.search(text, line.start, line.end)
        if m:
            try:
                value = dt.date(int(m["year"]), int(m["month"]), int(m["day"]))
            except ValueError:
                return None
            date_end = m.start("year") + 4
            return PrintedDate(m.start(), date_end, value)
    return None


def printed_date(text: str, value: dt.date) -> PrintedDate | None:
    """Where ``text`` prints ``value`` as d/m/yyyy (any zero padding, '/', '-' or '.')."""
    pattern = rf"(?<![0-9])0?{value.day}[/.-]0?{value.month}[/.-]{value.year}(?![0-9])"
    m = re.search(pattern, text)
    return PrintedDate(m.start(), m.end(), value) if m else None


def title(text: str, skip: list[Boilerplate]) -> Span | None:
    """The first line that is no page furniture: a headline, or else the lead sentence."""
    for line in lines(text):
        line = _strip(text, line)
        if any(b.start <= line.start and line.end <= b.end for b in skip):
            continue
        value = text[line.start : line.end]
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
        name = m["name"].strip()
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


def bylines(text: str, taken: list[Span]) -> list[Span]:
    """The author's name on a line of its own near the end ("Minh Anh", "HÀ SỰ")."""
    for line in reversed(lines(text)[-6:]):
        line = _strip(text, line)
        value = text[line.start : line.end]
        if any(s.start <= line.start < s.end or line.start <= s.start < line.end for s in taken):
            continue
        words = value.split()
        if _BYLINE.match(value) and all(w[0].isupper() for w in words) and 2 <= len(words) <= 4:
            return [line]
        if value.endswith((".", "!", ":", ",")) or len(value.split()) > 4:
            return []
    return []


def urls(text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in _URL.finditer(text)]


def dateline_tags(text: str) -> list[Span]:
    """The outlet's tag opening the lead: "(CLO)", "(GLO)-"."""
    return [Span(m.start("tag"), m.end("tag")) for m in _DATELINE.finditer(text)][:1]
