"""Parsing party document codes into the canonical ``NN-XX/ISSUER`` form (SPEC principle 5).

The press writes the same code many ways: "04-CT/TW", "04 – CT/TW", "38/CT-TW",
"Chỉ thị số 04-CT/TW". All of them map to one canonical code. A code alone never
identifies a directive, because numbers restart each term (khóa).
"""

from __future__ import annotations

import re

KIND_OF_TYPE: dict[str, str] = {
    "CT": "chi_thi",
    "NQ": "nghi_quyet",
    "KL": "ket_luan",
    "QĐ": "quy_dinh",
}
_TYPES = "|".join(sorted(KIND_OF_TYPE, key=len, reverse=True))
_SEP = r"\s*[-–—/]\s*"
CODE_PATTERN = re.compile(
    rf"(?<![0-9])(?P<number>[0-9]{{1,4}}){_SEP}(?P<type>{_TYPES}){_SEP}"
    r"(?P<issuer>TW|T\.Ư|TƯ)(?![0-9A-Za-zÀ-ỹ])"
)
CANONICAL = re.compile(rf"^[0-9]{{1,4}}-(?:{_TYPES})/TW$")
_ISSUERS = {"TW": "TW", "T.Ư": "TW", "TƯ": "TW"}


def find_codes(text: str) -> list[str]:
    """Every directive code written in ``text``, in canonical form, in order."""
    return [_canonical(match) for match in CODE_PATTERN.finditer(text.replace("Ð", "Đ"))]


def canonical_code(text: str) -> str | None:
    """The canonical code of the single code in ``text``; None if there is none or several."""
    codes = find_codes(text)
    return codes[0] if len(codes) == 1 else None


def is_canonical(code: str) -> bool:
    return CANONICAL.match(code) is not None


def _canonical(match: re.Match[str]) -> str:
    return f"{match['number']}-{match['type']}/{_ISSUERS[match['issuer']]}"
