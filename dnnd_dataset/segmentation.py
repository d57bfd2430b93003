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
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from dnnd_dataset.textnorm import category_ranges, combining_ranges, one_of

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
class _Patterns:
    token: re.Pattern[str]
    # A token that may end a sentence: one full stop or closing quote or bracket, no mark.
    ending: re.Pattern[str]


@functools.cache
def _patterns() -> _Patterns:
    """The rules above as regular expressions, built once per process.

    re's ``\\w`` is ``str.isalnum()`` or ``_`` and its ``\\S`` is ``not str.isspace()``, so a
    word character (a letter, a digit or a combining mark) is ``[^\\W_]`` or a mark, and a
    visible character is ``\\S`` but no control or format character.
    """
    marks = one_of(combining_ranges())
    invisible = one_of(category_ranges(frozenset({"Cc", "Cf"})))
    alnum = r"[^\W_]"
    # Written so that a run of letters is one repeat of one class, without a branch per
    # character: Vietnamese in NFC has few combining marks. Every combining mark lies
    # outside ASCII, so after a run of letters one range test (the space or punctuation
    # that mostly follows) spares the test of the marks' class.
    word = f"{alnum}+(?:(?=[^\\x00-\\x7f]){marks}+{alnum}*)*|{marks}+(?:{alnum}+{marks}*)*"
    # \S first: a space, the commonest character a token does not start at, fails at once.
    other = f"\\S(?<!{invisible}){marks}*"
    enders = re.escape("".join(sorted(SENTENCE_END | CLOSING)))
    return _Patterns(re.compile(f"{word}|{other}"), re.compile(f"[{enders}](?!{marks})"))


_SPAN = re.Match.span  # mapped in C over the matches: no Python frame per token
_START = itemgetter(0)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The tokens of ``text[start:end]`` as (start, end) offsets into ``text``.

    ``0 <= start <= end <= len(text)``; a token never runs past ``end``.
    """
    stop = len(text) if end is None else end
    return list(map(_SPAN, _patterns().token.finditer(text, start, stop)))


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
    found: list[Sentence] = []
    for start, end in regions(len(text), excluded):
        found += _split_region(text, start, end)
    return found


def _split_region(text: str, start: int, end: int) -> list[Sentence]:
    # One pass of each pattern over the region, not one per line: a line break is whitespace,
    # so no token holds one and no rule looks past one (a full stop that ends its line only
    # ends a sentence where the line break does already).
    tokens = tokenize(text, start, end)
    if not tokens:
        return []
    cuts = {
        bisect_left(tokens, newline.start(), key=_START)
        for newline in _NEWLINE.finditer(text, start, end)
    }
    for candidate in _patterns().ending.finditer(text, start, end):
        index = bisect_left(tokens, candidate.start(), key=_START)
        if index + 1 < len(tokens) and _ends_sentence(text, tokens, index):
            cuts.add(index + 1)
    cuts.discard(0)
    found: list[Sentence] = []
    first = 0
    for cut in sorted(cuts):
        if cut < len(tokens):
            found.append(_sentence(tokens[first:cut]))
            first = cut
    found.append(_sentence(tokens[first:]))
    return found


_NEWLINE = re.compile("\n")


def _sentence(tokens: Sequence[tuple[int, int]]) -> Sentence:
    return Sentence(tokens[0][0], tokens[-1][1], tuple(tokens))


def _ends_sentence(text: str, tokens: Sequence[tuple[int, int]], index: int) -> bool:
    """True when a sentence ends after ``tokens[index]`` (which has a successor)."""
    following_start = tokens[index + 1][0]
    if tokens[index][1] == following_start:  # no whitespace between them: ".)" or "04-CT"
        return False
    following = text[following_start]
    if not (following.isupper() or following.isdigit() or following in OPENING):
        return False
    last = index
    while last > 0 and _token(text, tokens, last) in CLOSING and _glued(tokens, last):
        last -= 1
    if _token(text, tokens, last) not in SENTENCE_END:
        return False
    first = last
    while first > 0 and _token(text, tokens, first - 1) in SENTENCE_END and _glued(tokens, first):
        first -= 1
    if first == 0 or not _glued(tokens, first):
        return True
    before = _token(text, tokens, first - 1)
    return not ((len(before) == 1 and before.isupper()) or before in ABBREVIATIONS)


def _token(text: str, tokens: Sequence[tuple[int, int]], index: int) -> str:
    start, end = tokens[index]
    return text[start:end]


def _glued(tokens: Sequence[tuple[int, int]], index: int) -> bool:
    """True when ``tokens[index]`` follows the token before it with no space between."""
    return index > 0 and tokens[index - 1][1] == tokens[index][0]
