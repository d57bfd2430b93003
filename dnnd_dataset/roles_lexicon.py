"""The roles lexicon: the words by which a Vietnamese report states a participant's role.

One source for the checks (a participant's roles are those its quotes state), the drafter
and the card's guidelines. Each role is stated by whole words, matched case-blind in the
look-alike-normalized text; "dự" heads other words too ("dự án", a project; "dự thảo", a
draft), which state no attendance.
"""

from __future__ import annotations

import re
from typing import get_args

from dnnd_dataset.records import ParticipantRole
from dnnd_dataset.textnorm import normalize

ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "chair": ("chủ trì", "chủ tọa"),
    "directing": ("chỉ đạo",),
    "speaker": ("phát biểu", "trình bày"),
    "attendee": ("dự", "tham dự", "cùng dự"),
    # Who carries out an activity that is no meeting: "tặng quà" (hands over gifts).
    "actor": ("tặng", "trao tặng", "trao quà"),
}
# Words that open with "dự" but say nothing of attending.
NOT_ATTENDING = (
    "án",
    "bị",
    "báo",
    "kiến",
    "khuyết",
    "luật",
    "phòng",
    "thảo",
    "thi",
    "toán",
    "trù",
    "trữ",
    "tính",
    "định",
    "đoán",
)
assert set(ROLE_WORDS) == set(get_args(ParticipantRole))


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    spelled = sorted((r"\s+".join(map(re.escape, w.split())) for w in words), key=len)
    return re.compile(r"(?<!\w)(?:" + "|".join(reversed(spelled)) + r")(?!\w)")


_PATTERNS = {role: _pattern(words) for role, words in ROLE_WORDS.items()}
_NOT_ATTENDING = re.compile(r"\s+(?:" + "|".join(NOT_ATTENDING) + r")(?!\w)")


def roles_stated(quote: str) -> list[str]:
    """The roles that ``quote`` states by a word of the lexicon, in the lexicon's order."""
    text = normalize(quote).lower()
    found = []
    for role, pattern in _PATTERNS.items():
        for match in pattern.finditer(text):
            if (
                role == "attendee"
                and match.group() == "dự"
                and _NOT_ATTENDING.match(text, match.end())
            ):
                continue
            found.append(role)
            break
    return found
