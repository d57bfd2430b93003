"""Words of a text with their offsets, and runs of capitalized words.

A hyphen between letters joins one word ("Jean-Pierre", "Min-jung"): foreign names keep theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:[.-][^\W\d_]+)*")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def capitalized(self) -> bool:
        return self.text[0].isupper()


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def runs(text: str, words: list[Token]) -> list[list[Token]]:
    """Maximal sequences of capitalized words separated by single spaces."""
    found: list[list[Token]] = []
    current: list[Token] = []
    for word in words:
        if word.capitalized and current and text[current[-1].end : word.start] == " ":
            current.append(word)
            continue
        if current:
            found.append(current)
        current = [word] if word.capitalized else []
    if current:
        found.append(current)
    return found


def fold(text: str) -> str:
    """Case-folded, for comparing words printed in capitals with the lexicon."""
    return text.casefold()
