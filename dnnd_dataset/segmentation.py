"""Sentences and syllable tokens of a text, at code-point offsets: the grid of the ``ner`` table.

Tokens are Vietnamese syllables, the unit of the syllable-level PhoNER_COVID19 data:

- a maximal run of letters, digits and combining marks is one token ("Đảng", "2011",
  "CT"); Vietnamese writes one syllable per space-separated word, so this is a syllable;
- every other visible character is a token of its own, with any combining marks that
  follow it ("04-CT/TW" is ``04 - CT / TW``, "19/7" is ``19 / 7``);
- whitespace (``str.isspace``: spaces, no-break spaces, line breaks) and invisible
  characters (Unicode categories Cc and Cf, e.g. a zero-width space) separate tokens and
  belong to none.

Sentences are cut, in order of strength:

1. at every excluded span (the article's boilerplate): no sentence holds any of it;
2. at every line break: headlines, captions and bylines end without a full stop;
3. after a run of ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets right
   after it) that whitespace follows and whose next token starts with an upper-case letter,
   a digit or an opening quote or bracket, unless the token before the full stop is a single
   upper-case letter (an initial, "T.Ư.") or one of :data:`ABBREVIATIONS`.

Both are rules on characters only, with no model and no dictionary beyond that short list,
so the same text always gives the same sentences and tokens on every machine.

Each code point is put in one of four classes (a separator, a letter or digit, a combining
mark, any other visible character) and the tokens are found from the classes of a whole
text at once, in numpy: an article has thousands of tokens, and a Python object per token
cost more than the rest of the cut. The tests compare it with the rules walked one
character at a time, on every code point.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Vietnamese abbreviations written with a full stop before a name: "TP. Hồ Chí Minh",
# "PGS. TS. Nguyễn ...". A full stop after them does not end a sentence.
ABBREVIATIONS = frozenset({"TP", "Tp", "GS", "PGS", "TS", "ThS", "BS", "KS", "Nxb", "NXB"})
SENTENCE_END = frozenset(".!?…")
CLOSING = frozenset("\"'”’»)]}")
OPENING = frozenset("\"'“‘«([{")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its span (first token start to last token end) and its tokens."""

    start: int
    end: int
    tokens: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Tokens:
    """The tokens of a text cut into sentences, flat: ``bounds`` holds the start and end of
    every token in text order, ``sizes`` the number of tokens of each sentence (one at
    least), both int32."""

    bounds: array[int]
    sizes: array[int]

    def sentences(self) -> list[Sentence]:
        """The same sentences, a tuple of offsets per token."""
        tokens = list(zip(self.bounds[::2], self.bounds[1::2], strict=True))
        found = []
        first = 0
        for size in self.sizes:
            part = tuple(tokens[first : first + size])
            found.append(Sentence(part[0][0], part[-1][1], part))
            first += size
        return found


Ints = npt.NDArray[np.int64]
# What each code point is, as flags: its class (two bits), and whether it may end a
# sentence, is a line break, or may start a sentence after one.
_SEPARATOR, _LETTER, _MARK, _OTHER = 0, 1, 2, 3
_CLASS = 3
_ENDER, _NEWLINE, _STARTER = 4, 8, 16
_UNKNOWN = 255
# Found the first time a text holds the code point: a text holds a few hundred of them.
_FLAGS = np.full(0x110000, _UNKNOWN, np.uint8)


def _flags_of(code: int) -> int:
    char = chr(code)
    flags = (
        (_ENDER if char in SENTENCE_END or char in CLOSING else 0)
        | (_NEWLINE if char == "\n" else 0)
        | (_STARTER if char.isupper() or char.isdigit() or char in OPENING else 0)
    )
    # Whitespace and the invisible characters: controls and format characters.
    if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
        return flags | _SEPARATOR
    if char.isalnum():
        return flags | _LETTER
    # A combining mark is never a letter, a digit or a separator (the tests check them all).
    if unicodedata.combining(char):
        return flags | _MARK
    return flags | _OTHER


def _flags(text: str) -> npt.NDArray[np.uint8]:
    # A lone surrogate is a character of its own, as ``str`` holds it.
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    found = _FLAGS[points]
    unknown = found == _UNKNOWN
    if unknown.any():
        for code in np.unique(points[unknown]).tolist():
            _FLAGS[code] = _flags_of(code)
        found = _FLAGS[points]
    return found


def _token_bounds(classes: npt.NDArray[np.uint8], firsts: Ints) -> tuple[Ints, Ints]:
    """The starts and ends of the tokens of code points of these classes, where a token
    starts at each of ``firsts`` (the start of a region) that is not a separator.

    A token is a letter, digit or mark with the letters, digits and marks that follow it,
    or any other visible character with the marks that follow it: a mark continues the
    token before it, and a letter after the marks of a sign starts a token of its own.
    """
    visible = classes != _SEPARATOR
    previous = np.empty_like(classes)
    previous[:1] = _SEPARATOR
    previous[1:] = classes[:-1]
    letter = classes == _LETTER
    starts = visible & (
        (previous == _SEPARATOR) | (classes == _OTHER) | (letter & (previous == _OTHER))
    )
    starts[firsts] = visible[firsts]
    # A letter after marks: rare in NFC text, so the marks are walked back one by one to
    # the sign or the letter they follow.
    for at in (np.flatnonzero(letter & (previous == _MARK))).tolist():
        before = at - 1
        while classes[before] == _MARK and not starts[before]:
            before -= 1
        # Stopped at a mark: one that starts a token, which is a word.
        if classes[before] == _OTHER:
            starts[at] = True
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:] | ~visible[1:]
    ends[-1:] = True
    return np.flatnonzero(starts), np.flatnonzero(visible & ends) + 1


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The tokens of ``text[start:end]`` as (start, end) offsets into ``text``.

    ``0 <= start <= end <= len(text)``; a token never runs past ``end``.
    """
    grid = token_grid(text[start : len(text) if end is None else end])
    bounds = grid.bounds
    return list(
        zip((a + start for a in bounds[::2]), (b + start for b in bounds[1::2]), strict=True)
    )


def regions(length: int, excluded: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``range(length)`` outside every excluded span, in order."""
    kept: list[tuple[int, int]] = []
    position = 0
    for start, end in sorted(excluded):
        if start > position:
            kept.append((position, start))
        position = max(position, end)
    if position < length:
        kept.append((position, length))
    return kept


def sentences(text: str, excluded: Iterable[tuple[int, int]] = ()) -> list[Sentence]:
    """The sentences of ``text`` outside the excluded spans, in text order."""
    return token_grid(text, excluded).sentences()


def token_grid(text: str, excluded: Iterable[tuple[int, int]] = ()) -> Tokens:
    """The tokens of ``text`` outside the excluded spans, cut into its sentences.

    The whole text is cut at once: an excluded code point is a separator, and a token and
    a sentence start at the start of each region (where two regions meet, an excluded
    span is empty).
    """
    kept = regions(len(text), excluded)
    if not kept:
        return Tokens(array("i"), array("i"))
    flags = _flags(text)
    classes = (flags & _CLASS).astype(np.uint8, copy=False)
    inside = np.ones(len(text), np.bool_)
    if kept != [(0, len(text))]:
        inside[:] = False
        for start, end in kept:
            inside[start:end] = True
        classes[~inside] = _SEPARATOR
    # A region past the end of the text (an excluded span beyond it) holds nothing.
    firsts = np.array([start for start, _ in kept if start < len(text)], np.int64)
    starts, ends = _token_bounds(classes, firsts)
    if not len(starts):
        return Tokens(array("i"), array("i"))
    bounds = np.empty(2 * len(starts), np.int32)
    bounds[0::2], bounds[1::2] = starts, ends
    flat = array("i")
    flat.frombytes(bounds.tobytes())
    return Tokens(flat, _sentence_sizes(text, flags, classes, inside, kept, starts, ends))


def _sentence_sizes(
    text: str,
    flags: npt.NDArray[np.uint8],
    classes: npt.NDArray[np.uint8],
    inside: npt.NDArray[np.bool_],
    kept: list[tuple[int, int]],
    starts: Ints,
    ends: Ints,
) -> array[int]:
    """The number of tokens of each sentence, for tokens at ``starts`` and ``ends`` (one at
    least) in the regions ``kept``. A line break is whitespace, so no token holds one and
    no rule looks past one: a full stop that ends its line only ends a sentence where the
    line break does already."""
    count = len(starts)
    # The first token of each region, and the end of the last.
    region_first = np.searchsorted(starts, [start for start, _ in kept])
    region_end = np.append(region_first[1:], count)
    cuts = set(region_first.tolist())
    newlines = np.flatnonzero(((flags & _NEWLINE) != 0) & inside)
    cuts.update(np.searchsorted(starts, newlines).tolist())
    # A full stop, closing quote or bracket that no mark follows (each is a token), then
    # whitespace and a token that may start a sentence in the same region. (The last code
    # point of a region is its last token: a mark the next region starts with is not seen.)
    mark_after = np.zeros(len(classes), np.bool_)
    mark_after[:-1] = classes[1:] == _MARK
    at = np.flatnonzero(((flags & _ENDER) != 0) & inside & ~mark_after)
    index = np.searchsorted(starts, at)
    region = np.searchsorted(region_first, index, side="right") - 1
    index, region = index[index + 1 < region_end[region]], region[index + 1 < region_end[region]]
    following = starts[index + 1]
    maybe = (ends[index] != following) & ((flags[following] & _STARTER) != 0)
    if maybe.any():
        token_starts, token_ends = starts.tolist(), ends.tolist()
        ended = index[maybe].tolist()
        firsts = region_first[region[maybe]].tolist()
        for end, first in zip(ended, firsts, strict=True):
            if _ends_sentence(text, token_starts, token_ends, end, first):
                cuts.add(end + 1)
    edges = sorted(cut for cut in cuts if 0 < cut < count)
    return array("i", [b - a for a, b in zip([0, *edges], [*edges, count], strict=True)])


def _ends_sentence(
    text: str, starts: Sequence[int], ends: Sequence[int], index: int, first_of_region: int
) -> bool:
    """True when a sentence ends after token ``index``, whose successor in its region
    follows whitespace and may start a sentence."""

    def token(at: int) -> str:
        return text[starts[at] : ends[at]]

    def glued(at: int) -> bool:
        """True when token ``at`` follows the token before it with no space between."""
        return at > first_of_region and ends[at - 1] == starts[at]

    last = index
    while last > first_of_region and token(last) in CLOSING and glued(last):
        last -= 1
    if token(last) not in SENTENCE_END:
        return False
    first = last
    while first > first_of_region and token(first - 1) in SENTENCE_END and glued(first):
        first -= 1
    if first == first_of_region or not glued(first):
        return True
    before = token(first - 1)
    return not ((len(before) == 1 and before.isupper()) or before in ABBREVIATIONS)
