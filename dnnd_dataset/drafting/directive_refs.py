"""Party documents as the press writes them, with their canonical codes.

"Chỉ thị số 04-CT/TW", "Chỉ thị 04 – CT/TW", "38/CT-TW" carry a code (parsed by
``directive_codes``); "Kết luận 73" a number; "Nghị quyết Trung ương 6 khóa XII" and
"Nghị quyết Đại hội XIII" name the body that adopted them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dnnd_dataset import directive_codes

KIND_WORDS = {
    "chỉ thị": "chi_thi",
    "nghị quyết": "nghi_quyet",
    "kết luận": "ket_luan",
    "quy định": "quy_dinh",
}
_KIND = "|".join(KIND_WORDS)
_ROMAN = r"[IVXL]+(?![\w])"
_TERM = re.compile(
    r"\s*,?\s*(?:ngày [0-9/.-]+\s*)?(?:của [^,.;()]{1,40}?\s*)?\(?khóa\s+(?P<term>[IVXL]+)\b", re.I
)
_CODED = re.compile(
    rf"(?:(?P<kind>{_KIND})\s+(?:số\s+)?)?(?P<code>{directive_codes.CODE_PATTERN.pattern})", re.I
)
_NUMBERED = re.compile(
    rf"(?P<kind>{_KIND})\s+(?:số\s+)?(?P<number>[0-9]{{1,4}})(?![0-9\w/–-])", re.I
)
_NAMED = re.compile(
    rf"(?P<kind>nghị quyết)\s+(?:"
    rf"(?:hội nghị\s+)?trung ương\s+(?P<plenum>[0-9]{{1,2}}|{_ROMAN})"
    rf"(?:\s+khóa\s+(?P<term>{_ROMAN}))?"
    rf"|đại hội\s+(?:đại biểu toàn quốc\s+)?(?:lần thứ\s+)?(?P<congress>{_ROMAN})"
    rf"|đại hội\s+(?P<body>đảng bộ[^,.;()\n]{{0,40}}?)\s+lần thứ\s+(?P<body_congress>{_ROMAN})"
    rf")",
    re.I,
)


@dataclass(frozen=True)
class DirectiveRef:
    start: int
    end: int
    kind: str
    code: str | None
    number: str | None
    term: str | None


def _term_after(text: str, end: int) -> str | None:
    found = _TERM.match(text, end, min(len(text), end + 60))
    return found["term"].upper() if found else None


def find_refs(text: str) -> list[DirectiveRef]:
    """Every reference to a party document in ``text`` (normalized), longest first wins."""
    refs: list[DirectiveRef] = []
    for m in _CODED.finditer(text):
        code = directive_codes.canonical_code(m["code"])
        if code is None:
            continue
        number, kind_code = code.split("-")[0], code.split("-")[1].split("/")[0]
        kind = directive_codes.KIND_OF_TYPE[kind_code]
        refs.append(
            DirectiveRef(m.start(), m.end(), kind, code, number, _term_after(text, m.end()))
        )
    for m in _NUMBERED.finditer(text):
        kind = KIND_WORDS[m["kind"].casefold()]
        refs.append(DirectiveRef(m.start(), m.end(), kind, None, m["number"], None))
    for m in _NAMED.finditer(text):
        term = m["term"] or m["congress"]
        refs.append(
            DirectiveRef(
                m.start(), m.end(), "nghi_quyet", None, None, term.upper() if term else None
            )
        )
    kept: list[DirectiveRef] = []
    end = -1
    for ref in sorted(refs, key=lambda r: (r.start, -(r.end - r.start))):
        if ref.start >= end:
            kept.append(ref)
            end = ref.end
    return kept
