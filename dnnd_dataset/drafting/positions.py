"""Positions as a text states them: "Trương Tấn Sang, Ủy viên Bộ Chính trị, Thường trực Ban
Bí thư" and "Phó Trưởng ban Ban Đối ngoại Trung ương Nguyễn Huy Tăng"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dnnd_dataset.drafting.known_names import Hit
from dnnd_dataset.drafting.lexicon import TITLES

_TITLE = re.compile(
    r"(?<!\w)(?:phó\s+)?(?:" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)
_ITEM_END = re.compile(r"[,;()\n]|\.(?=\s|$)")


@dataclass(frozen=True)
class Position:
    person: Hit
    title: str
    organization: str | None  # entity id of the body, when registered
    evidence_start: int
    evidence_end: int


def _body_in(hits: list[Hit], start: int, end: int) -> Hit | None:
    bodies = [h for h in hits if h.label == "ORGANIZATION" and start <= h.start and h.end <= end]
    return bodies[-1] if bodies else None


def after_names(text: str, hits: list[Hit]) -> list[Position]:
    """Titles after a name, separated by commas, up to the end of the clause."""
    found: list[Position] = []
    for person in (h for h in hits if h.label == "PERSON"):
        at = person.end
        while text.startswith(", ", at):
            title = _TITLE.match(text, at + 2)
            if title is None:
                break
            stop = _ITEM_END.search(text, title.end())
            item_end = stop.start() if stop else len(text)
            body = _body_in(hits, title.start(), item_end)
            end = body.end if body is not None else item_end
            if body is None and len(text[title.start() : end].split()) > 6:
                break
            found.append(
                Position(
                    person,
                    text[title.start() : end],
                    body.entity if body is not None else None,
                    person.start,
                    end,
                )
            )
            if end != item_end:
                break
            at = item_end
    return found


def before_names(text: str, hits: list[Hit]) -> list[Position]:
    """A title (and its body) just before a name: "Thường trực Ban Bí thư Trần Quốc Vượng"."""
    found: list[Position] = []
    bodies = {h.end: h for h in hits if h.label == "ORGANIZATION"}
    for person in (h for h in hits if h.label == "PERSON"):
        if text[person.start - 1 : person.start] != " ":
            continue
        body = bodies.get(person.start - 1)
        head_end = body.start - 1 if body is not None else person.start - 1
        window = text[max(0, head_end - 40) : head_end]
        titles = [m for m in _TITLE.finditer(window) if m.end() == len(window)]
        if not titles:
            continue
        start = head_end - len(window) + titles[-1].start()
        end = body.end if body is not None else head_end
        found.append(
            Position(
                person,
                text[start:end],
                body.entity if body is not None else None,
                start,
                person.end,
            )
        )
    return found
