"""Vietnamese alphabetical order: the one sort key of every listing and of search results.

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y: a letter with a
breve, circumflex or horn, and đ, are letters of their own after their base letter. Words are
compared syllable by syllable; within a syllable its letters decide first, and only syllables
spelled alike are ordered by tone: ngang (no mark), huyền (à), hỏi (ả), ngã (ã), sắc (á),
nặng (ạ). This is the order of the Từ điển tiếng Việt of the Viện Ngôn ngữ học (ed. Hoàng
Phê), where "ma, mà, mả, mã, má, mạ" precede "mác", and of the CLDR collation for
Vietnamese (``&̀<<̉<<̃<<́<<̣``, tones as a secondary difference after the letters).

ICU (PyICU) would give the same order, but ships no wheel and needs a compiler and the ICU
headers on every machine that installs the explorer; this key needs neither. Letters outside
the Vietnamese alphabet (f j w z, as in foreign names) take their place in the Latin
alphabet; digits come before letters, and any other character after them by code point.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from dnnd_dataset.textnorm import normalize

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tone marks in dictionary order; no mark (ngang) is 0.
TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
_TONE = {mark: index + 1 for index, mark in enumerate(TONES)}
# Marks that make a letter of its own: breve, circumflex, horn.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_DIGITS = 0
_LETTERS = 1
_OTHER = 2

Key = tuple[tuple[tuple[tuple[tuple[int, int], ...], int], ...], tuple[bool, ...], str]


def _syllables(text: str) -> list[str]:
    # Hyphens, slashes and spaces all separate syllables ("04-CT/TW", "Lào Cai").
    separated = "".join(" " if not (c.isalnum() or unicodedata.combining(c)) else c for c in text)
    return separated.split()


# Syllables repeat across names and titles, and one name is sorted in many lists: both keys
# are remembered, up to a bound, so that sorting a large corpus's listings costs little.
@lru_cache(maxsize=1 << 16)
def _syllable_key(syllable: str) -> tuple[tuple[tuple[int, int], ...], int]:
    letters: list[tuple[int, int]] = []
    tone = 0
    for char in syllable:
        decomposed = unicodedata.normalize("NFD", char.lower())
        base, marks = decomposed[0], decomposed[1:]
        letter = unicodedata.normalize(
            "NFC", base + "".join(m for m in marks if m in _LETTER_MARKS)
        )
        for mark in marks:
            tone = max(tone, _TONE.get(mark, 0))
        if letter in _RANK:
            letters.append((_LETTERS, _RANK[letter]))
        elif letter.isdigit():
            letters.append((_DIGITS, int(letter) if letter.isascii() else ord(letter)))
        elif base in _RANK:  # a Latin letter with a mark Vietnamese does not use
            letters.append((_LETTERS, _RANK[base]))
        else:
            letters.append((_OTHER, ord(letter[0])))
    return tuple(letters), tone


@lru_cache(maxsize=1 << 16)
def sort_key(text: str) -> Key:
    """The key that sorts ``text`` in Vietnamese order. Ties of letters and tones are broken
    by case (lower case first), then by the text itself, so that the order is total."""
    normalized = unicodedata.normalize("NFC", normalize(text))
    syllables = tuple(_syllable_key(s) for s in _syllables(normalized))
    cases = tuple(c.isupper() for c in normalized if c.isalpha())
    return syllables, cases, normalized
