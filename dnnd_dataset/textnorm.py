"""Length-preserving normalization of look-alike characters (SPEC principle 3), and the
character classes that the readers and the tokenizer test characters against.

Each mapping is one code point to one code point, so an offset into the verbatim
text is valid in the normalized text and the other way round.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Callable, Iterable

LOOKALIKES: dict[str, str] = {
    "\u00d0": "\u0110",  # Ð (Icelandic eth) printed for Đ
    "\u00f0": "\u0111",  # ð printed for đ
    "\u0189": "\u0110",  # Ɖ (African D) printed for Đ
    "\u00a0": " ",  # no-break space
    "\u2007": " ",  # figure space
    "\u202f": " ",  # narrow no-break space
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
}
# No look-alike maps to another, so replacing them one after the other is one translation;
# ``str.replace`` skips a text without the look-alike at the speed of a byte search, where
# ``str.translate`` looks every character up in a dict.
_REPLACEMENTS = tuple(LOOKALIKES.items())


def normalize(text: str) -> str:
    """Map look-alike characters; the result has exactly the length of ``text``."""
    for lookalike, meant in _REPLACEMENTS:
        if lookalike in text:
            text = text.replace(lookalike, meant)
    return text


def is_word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.combining(char) != 0


def at_word_boundaries(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is not glued to a letter or digit on either side."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (before and is_word_char(before)) and not (after and is_word_char(after))


def splits_grapheme(text: str, start: int, end: int) -> bool:
    """True when a span boundary falls between a base character and its combining mark."""
    for offset in (start, end):
        if 0 < offset < len(text):
            char = text[offset]
            if unicodedata.combining(char) or char in "\u200d\ufe0f\ufe0e":
                return True
    return False


# đ is a letter of its own, not d with a mark: no decomposition takes it to d.
_FOLD_SPECIAL = {"đ": "d", "Đ": "d", "\u00d0": "d", "\u00f0": "d", "\u0189": "d"}


def _fold_char(char: str) -> str:
    special = _FOLD_SPECIAL.get(char)
    if special is not None:
        return special
    base = unicodedata.normalize("NFD", char)[0]
    return base.lower() if len(base.lower()) == 1 else base


def fold(text: str) -> str:
    """Lowercase without marks ('Trần Quốc Vượng' -> 'tran quoc vuong'), same length as ``text``.

    One character maps to one, so an offset found in the folded text is valid in ``text``;
    a lone combining mark folds to itself.
    """
    return "".join(_fold_char(char) for char in normalize(text))


# Planes 2 and 3 hold ideographs (letters) and unassigned code points only, planes 4 to 13
# nothing, planes 15 and 16 private use: every control, format, separator, surrogate and
# combining character lies in planes 0 and 1 or among the tags and variation selectors of
# plane 14. Walking these 135,168 code points instead of all 1,114,112 keeps the start of
# every process (the builder starts worker processes) short; a test walks the rest of
# Unicode to prove that nothing there belongs to a class built this way.
WALKED_CODE_POINTS = (range(0x20000), range(0xE0000, 0xE1000))

CodePointRanges = tuple[tuple[int, int], ...]


def _ranges(flags: Callable[[Iterable[str]], Iterable[object]]) -> CodePointRanges:
    """Inclusive ranges of the walked code points whose flag (computed per block) is true."""
    ranges: list[tuple[int, int]] = []
    for block in WALKED_CODE_POINTS:
        for code in itertools.compress(block, flags(map(chr, block))):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return tuple(ranges)


@functools.cache
def category_ranges(categories: frozenset[str]) -> CodePointRanges:
    """Inclusive ranges of the code points in the given Unicode general categories."""
    return _ranges(lambda chars: map(categories.__contains__, map(unicodedata.category, chars)))


@functools.cache
def combining_ranges() -> CodePointRanges:
    """Inclusive ranges of the code points with a non-zero canonical combining class."""
    return _ranges(lambda chars: map(unicodedata.combining, chars))


def character_class(ranges: Iterable[tuple[int, int]]) -> str:
    """The ranges written for the inside of a regular expression's ``[...]``."""
    return "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in ranges)


def one_of(ranges: CodePointRanges) -> str:
    """A regular expression for one code point of ``ranges``, fast on any character.

    ``re`` keeps the part of a class below U+10000 as a bitmap but tests every range above
    it one by one, for each character that the bitmap does not hold. So the class is split:
    the bitmap, widened by all of the planes above (one range), and a look-behind that tests
    the long list only for the rare character from those planes.
    """
    wide = [(first, last) for first, last in ranges if last > 0xFFFF]
    if not wide:
        return f"[{character_class(ranges)}]"
    narrow = [(first, min(last, 0xFFFF)) for first, last in ranges if first <= 0xFFFF]
    return f"(?:[{character_class(narrow)}\\U00010000-\\U0010ffff](?<=[{character_class(ranges)}]))"
