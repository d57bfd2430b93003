"""'Did you mean ...?': the closest id, name or passage of a text to what was written.

Quotes are compared without case and marks first ('Hoàng Binh Quân' finds 'Hoàng Bình
Quân'), then by similarity of word windows of the same length, so a typo finds the words
the annotator meant to copy.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from dnnd_dataset.textnorm import fold

# Below this similarity a suggestion misleads more than it helps.
CUTOFF = 0.8
_WORD = re.compile(r"\S+")
_PUNCTUATION = ".,;:!?()[]\"'“”‘’"


def closest(value: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``value`` (typos, case, marks), or None when none is close."""
    by_fold: dict[str, str] = {}
    for candidate in sorted(set(candidates)):
        by_fold.setdefault(fold(candidate), candidate)
    folded = fold(value)
    if folded in by_fold and by_fold[folded] != value:
        return by_fold[folded]
    found = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=CUTOFF)
    return by_fold[found[0]] if found else None


def closest_passage(quote: str, text: str) -> str | None:
    """The words of ``text`` most like ``quote``, as the text writes them, or None."""
    folded_quote, folded_text = fold(quote), fold(text)
    at = folded_text.find(folded_quote)
    if at != -1:
        return text[at : at + len(quote)]
    words = list(_WORD.finditer(text))
    size = max(1, len(quote.split()))
    windows = {
        text[words[i].start() : words[i + size - 1].end()].strip(_PUNCTUATION)
        for i in range(len(words) - size + 1)
    }
    return closest(quote, windows - {""})


def did_you_mean(suggestion: str | None) -> str:
    """A hint's opening words for a suggestion, empty when there is none."""
    return f"did you mean {suggestion!r}? " if suggestion else ""
