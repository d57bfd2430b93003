"""Words and parts of speech from ``underthesea``, at code-point offsets of the text.

underthesea segments Vietnamese into words ("Nguyễn Văn Bình", "Hà Nội" and "Anna Schmidt"
each one word) and tags them (``Np`` proper noun, ``N`` noun, ``V`` verb, ``E`` preposition,
...) with models that ship in its wheel: nothing is fetched at run time. Without the library
a text has no tagged words and the drafter goes by its rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dnnd_dataset.drafting.extras import available


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    tag: str


def _locate(line: str, word: str, cursor: int) -> tuple[int, int] | None:
    at = line.find(word, cursor)
    if at != -1 and at - cursor <= 8:
        return at, at + len(word)
    pattern = r"\s+".join(re.escape(part) for part in word.split())
    m = re.compile(pattern).search(line, cursor)
    if m is not None and m.start() - cursor <= 8:
        return m.start(), m.end()
    return None


def words(text: str) -> list[Word]:
    """The tagged words of ``text``, line by line; none without underthesea.

    A word the tagger gives back changed (it normalizes some characters) is left out, so
    every offset holds in ``text`` itself.
    """
    if not available("underthesea"):
        return []
    from underthesea import pos_tag

    found: list[Word] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            cursor = 0
            for word, tag in pos_tag(line):
                located = _locate(line, word, cursor)
                if located is None:
                    continue
                start, end = located
                found.append(Word(offset + start, offset + end, tag))
                cursor = end
        offset += len(line) + 1
    return found
