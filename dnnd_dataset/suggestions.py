"""'Did you mean ...?': the closest id, name or passage of a text to what was written.

Quotes are compared without case and marks first ('Hoàng Binh Quân' finds 'Hoàng Bình
Quân'), then by similarity of word windows of the same length, so a typo finds the words
the annotator meant to copy. The windows compared hold at most ``BUDGET`` characters in
all: a long quote in a long text costs what a short quote in a short text costs.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable

from dnnd_dataset.textnorm import fold

# Below this similarity a suggestion misleads more than it helps.
CUTOFF = 0.8
_WORD = re.compile(r"\S+")
_PUNCTUATION = ".,;:!?()[]\"'“”‘’"
# Characters of the text the passage search builds and compares at most (windows times the
# quote's length): every window of a 15,000-word text for a 20-character quote, about 200
# windows for a quote of 2,000 characters.
BUDGET = 400_000


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
    words = [match.span() for match in _WORD.finditer(text)]
    quote_words = folded_quote.split()
    size = max(1, len(quote_words))
    starts: Iterable[int] = range(len(words) - size + 1)
    limit = max(1, BUDGET // max(1, len(quote)))
    if len(words) - size + 1 > limit and quote_words:
        # Too many windows to compare: keep those that begin with the quote's first word or
        # end with its last (a typo rarely hits both), the first ``limit`` in text order.
        first, last = quote_words[0].strip(_PUNCTUATION), quote_words[-1].strip(_PUNCTUATION)

        def word(index: int) -> str:
            start, end = words[index]
            return folded_text[start:end].strip(_PUNCTUATION)

        starts = itertools.islice(
            (i for i in starts if word(i) == first or word(i + size - 1) == last), limit
        )
    windows: set[str] = set()
    spent = 0
    for i in starts:
        start, end = words[i][0], words[i + size - 1][1]
        spent += end - start
        if spent > BUDGET:  # words far longer than the quote's: stop at the budget
            break
        window = text[start:end].strip(_PUNCTUATION)
        if window:
            windows.add(window)
    return closest(quote, windows)


def did_you_mean(suggestion: str | None) -> str:
    """A hint's opening words for a suggestion, empty when there is none."""
    return f"did you mean {suggestion!r}? " if suggestion else ""
