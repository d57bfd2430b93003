"""Places the press names by their kind or in a list, whatever the gazetteers know.

"tỉnh Khăm Muộn", "huyện Bua-la-pha", "vùng Bretagne", "đảo Jeju", "miền Trung", "miền núi
phía Bắc", "đồng bằng sông Cửu Long": a word of administrative or geographic kind and the
capitalized name after it is one place, kind included. After a plural ("các huyện Vân Đồn,
Cô Tô và Tiên Yên", "các địa phương Osaka, Fukuoka") each listed name is a place on its own,
and so is a name listed after a place ("ở Pháp, Bỉ và Lúc-xăm-bua"). "TP. Hồ Chí Minh" is
one place: the abbreviation's full stop ends no sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dnnd_dataset.drafting.gazetteers import place_names
from dnnd_dataset.drafting.known_names import Hit
from dnnd_dataset.drafting.lexicon import (
    FAMILY_NAMES,
    HONORIFICS,
    ORGANIZATION_HEADS,
    TITLES,
    UPPER,
)

_KINDS = (
    "thành phố",
    "thị xã",
    "thị trấn",
    "tỉnh",
    "huyện",
    "quận",
    "phường",
    "xã",
    "bản",
    "làng",
    "vùng",
    "miền",
    "đảo",
    "quần đảo",
    "đồng bằng sông",
)
_KIND = "|".join(sorted(_KINDS, key=len, reverse=True))
# A capitalized word, with the parts a hyphen joins ("Bua-la-pha", "Xay-nha-phon").
_CAP = rf"(?=[{UPPER}])(?-i:[^\W\d_])[^\W\d_]*(?:-[^\W\d_]+)*"
_NAME = rf"{_CAP}(?: {_CAP}){{0,3}}"
_KINDED = re.compile(
    rf"(?<![\w.])(?P<plural>(?:các|những|hai|ba|bốn|năm) )?"
    rf"(?P<kind>{_KIND})(?: núi| ven biển)?(?P<side> phía)? (?P<name>{_NAME})(?!\w)"
)
# "khu vực phía Nam" is a place; in "khu vực Đông Bắc Á" the name is.
_AREA = re.compile(rf"(?<!\w)khu vực phía (?:{_CAP})(?!\w)")
_CITY = re.compile(rf"(?<![\w.])(?:TP|Tp)\. (?P<name>{_NAME})(?!\w)")
_LIST_ITEM = re.compile(rf"(?:, | và )(?P<name>{_NAME})(?!\w)")
_PLURAL_LEAD = re.compile(rf"(?<!\w)(?:các|những) (?:địa phương|nước|quốc gia) (?P<name>{_NAME})")
_NOT_NAMES = frozenset(
    w.casefold()
    for w in (
        *FAMILY_NAMES,
        *(h for h in HONORIFICS if " " not in h),
        *(h for h in ORGANIZATION_HEADS if " " not in h),
        *(t for t in TITLES if " " not in t),
    )
) | frozenset({"hội", "lễ", "đoàn", "phó"})


_NOT_OPENINGS = tuple(
    f"{phrase.casefold()} " for phrase in (*ORGANIZATION_HEADS, *TITLES) if " " in phrase
)


def _name_ok(name: str, following: str = "") -> bool:
    """A name opens with no family name, honorific, title or head of a body (``following``:
    the words after it, which may complete a head: "Liên" of "Liên hiệp")."""
    folded = name.casefold()
    return folded.split()[
        0
    ] not in _NOT_NAMES and not f"{folded}{following.casefold()} ".startswith(_NOT_OPENINGS)


def _without_known_tail(name: str) -> str:
    """ "Trung Việt Nam" of "miền Trung Việt Nam" is "Trung": the known place that ends a
    name is a place of its own."""
    words = name.split(" ")
    known = place_names()
    for cut in range(1, len(words)):
        if " ".join(words[cut:]) in known:
            return " ".join(words[:cut])
    return name


def kinded_places(text: str) -> list[Hit]:
    """Places named with their kind, and the names listed after a plural kind."""
    found: list[Hit] = []
    for m in _KINDED.finditer(text):
        name = m["name"]
        if not _name_ok(name, text[m.end() : m.end() + 12]):
            continue
        if len(name.split()) >= 3 and place_names() and f"{m['kind']} {name}" not in place_names():
            continue  # "tỉnh Rơ Mah Thuận": a person after the province's body
        start = m.start("name") if m["plural"] else m.start("kind")
        # "miền Trung Việt Nam": the region of a country, which is a place of its own.
        kept = _without_known_tail(name) if m["kind"] in ("miền", "vùng") else name
        found.append(Hit(start, m.start("name") + len(kept), "LOCATION"))
    found += [Hit(m.start(), m.end(), "LOCATION") for m in _AREA.finditer(text)]
    found += [
        Hit(m.start(), m.end(), "LOCATION")
        for m in _CITY.finditer(text)
        if _name_ok(m["name"], text[m.end() : m.end() + 12])
    ]
    for m in _PLURAL_LEAD.finditer(text):
        if _name_ok(m["name"]):
            found.append(Hit(m.start("name"), m.end("name"), "LOCATION"))
    return found


def listed_places(text: str, places: Iterable[Hit]) -> list[Hit]:
    """Names listed after a place ("Pháp, Bỉ và Lúc-xăm-bua"), each a place of its own."""
    found: list[Hit] = []
    frontier = sorted({(h.start, h.end) for h in places})
    seen: set[tuple[int, int]] = set(frontier)
    while frontier:
        _, end = frontier.pop()
        m = _LIST_ITEM.match(text, end)
        if (
            m is None
            or not _name_ok(m["name"], text[m.end() : m.end() + 12])
            or len(m["name"].split()) > 3
        ):
            continue
        span = (m.start("name"), m.end("name"))
        if span not in seen:
            seen.add(span)
            frontier.append(span)
            found.append(Hit(span[0], span[1], "LOCATION"))
    return found
