"""Length-preserving normalization of look-alike characters (SPEC principle 3).

Each mapping is one code point to one code point, so an offset into the verbatim
text is valid in the normalized text and the other way round.
"""

from __future__ import annotations

import unicodedata

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
_TABLE = str.maketrans(LOOKALIKES)


def normalize(text: str) -> str:
    """Map look-alike characters; the result has exactly the length of ``text``."""
    return text.translate(_TABLE)


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
