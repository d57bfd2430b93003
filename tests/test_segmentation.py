"""Tokens and sentences equal those of the definition, written character by character.

The reference below is the rule of :mod:`dnnd_dataset.segmentation` walked one character at a
time; the module computes the same from the classes of a whole text at once. They are
compared on every code point and on generated text, at offset 0, at the end, on slices and
around excluded spans, empty ones included (where two regions meet).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from dnnd_dataset.segmentation import (
    ABBREVIATIONS,
    CLOSING,
    OPENING,
    SENTENCE_END,
    Sentence,
    regions,
    sentences,
    tokenize,
)

# -- the reference -----------------------------------------------------------------------------


def _is_separator(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def _is_word(char: str) -> bool:
    return char.isalnum() or unicodedata.combining(char) != 0


def reference_tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    stop = len(text) if end is None else end
    tokens: list[tuple[int, int]] = []
    position = start
    while position < stop:
        char = text[position]
        if _is_separator(char):
            position += 1
            continue
        first = position
        position += 1
        if _is_word(char):
            while position < stop and _is_word(text[position]):
                position += 1
        else:
            while position < stop and unicodedata.combining(text[position]):
                position += 1
        tokens.append((first, position))
    return tokens


def reference_sentences(text: str, excluded: Sequence[tuple[int, int]] = ()) -> list[Sentence]:
    found: list[Sentence] = []
    for region_start, region_end in regions(len(text), excluded):
        line_start = region_start
        while line_start < region_end:
            newline = text.find("\n", line_start, region_end)
            line_end = region_end if newline == -1 else newline
            found += _split_line(text, reference_tokenize(text, line_start, line_end))
            line_start = line_end + 1
    return found


def _split_line(text: str, tokens: Sequence[tuple[int, int]]) -> list[Sentence]:
    found: list[Sentence] = []
    first = 0
    for index in range(len(tokens)):
        if index + 1 < len(tokens) and _ends_sentence(text, tokens, index):
            found.append(_sentence(tokens[first : index + 1]))
            first = index + 1
    if first < len(tokens):
        found.append(_sentence(tokens[first:]))
    return found


def _sentence(tokens: Sequence[tuple[int, int]]) -> Sentence:
    return Sentence(tokens[0][0], tokens[-1][1], tuple(tokens))


def _ends_sentence(text: str, tokens: Sequence[tuple[int, int]], index: int) -> bool:
    following_start = tokens[index + 1][0]
    if tokens[index][1] == following_start:
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
    return index > 0 and tokens[index - 1][1] == tokens[index][0]


# -- every code point --------------------------------------------------------------------------


def test_every_code_point_is_classed_as_the_definition_says() -> None:
    # Each code point between a sign and a letter: a letter or digit joins the letter, a mark
    # the sign, a separator vanishes, any other character stands alone; so a character put
    # in the wrong class changes the tokens.
    text = "".join(f"!{chr(code)}a" for code in range(0x110000))
    assert tokenize(text) == reference_tokenize(text)


# -- generated text ----------------------------------------------------------------------------

PIECES = [
    # Vietnamese letters, composed and decomposed, and the look-alike eth
    *"aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBĐÊÔƠƯÐảạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựýỳỷỹỵ",
    "Vu\u031bo\u031b\u0323ng", "Đảng", "Nguyễn", "Hà Nội",
    # combining marks alone, after letters and after signs
    "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u031b", "\u20dd",
    # punctuation, quotes, brackets, ellipsis, and the underscore that re's \w holds
    *".,;:!?…-–—/%&@#*+=_~|\\^$",
    *"\"'“”‘’«»()[]{}",
    "...", "!?", ".”", ".)", "…”",
    # abbreviations, initials and capitals that may start a sentence
    *sorted(ABBREVIATIONS), "T", "Ư", "A", "v.v", "T.Ư.",
    # digits of several scripts and numbers
    *"0123456789", "٣", "²", "½", "Ⅻ", "2011", "19/7",
    # whitespace of several kinds and line breaks
    " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2007", "\u202f", "\u3000", "\u2028", "\x0b", "\x85",
    # zero-width and other invisible characters, controls, a variation selector
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\x00", "\x1f", "\x7f", "\ufe0f",
    # other scripts and symbols
    "中", "😀", "©", "\U000e0041", "\U00020000",
]  # fmt: skip

TEXT = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=80).map("".join),
    st.text(max_size=60),
)


@settings(max_examples=1000, deadline=None)
@given(TEXT, st.data())
def test_tokens_equal_the_reference(text: str, data: st.DataObject) -> None:
    assert tokenize(text) == reference_tokenize(text)
    length = len(text)
    for start, end in ((0, 0), (0, length), (length, length), (0, max(length - 1, 0))):
        assert tokenize(text, start, end) == reference_tokenize(text, start, end)
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(start, len(text)), label="end")
    assert tokenize(text, start) == reference_tokenize(text, start)
    assert tokenize(text, start, end) == reference_tokenize(text, start, end)
    assert tokenize(text, 0, end) == reference_tokenize(text, 0, end)


@settings(max_examples=1000, deadline=None)
@given(TEXT, st.data())
def test_sentences_equal_the_reference(text: str, data: st.DataObject) -> None:
    assert sentences(text) == reference_sentences(text)
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=6).map(sorted), label="cuts")
    excluded = list(zip(cuts[::2], cuts[1::2], strict=False))
    assert sentences(text, excluded) == reference_sentences(text, excluded)


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join))
def test_sentences_at_offset_zero_and_at_the_end(text: str) -> None:
    # A full stop or a quote at the very start or end of the text, and of an excluded span.
    for framed in (f".{text}.", f"”{text}”", f"{text}. A", f"A. {text}"):
        assert sentences(framed) == reference_sentences(framed)
        assert sentences(framed, [(0, 1)]) == reference_sentences(framed, [(0, 1)])
        end = len(framed)
        assert sentences(framed, [(end - 1, end)]) == reference_sentences(framed, [(end - 1, end)])


def test_a_sentence_end_is_found_at_each_edge() -> None:
    assert [(s.start, s.end) for s in sentences("Hết. A")] == [(0, 4), (5, 6)]
    assert [(s.start, s.end) for s in sentences(". A.")] == [(0, 1), (2, 4)]
    assert [(s.start, s.end) for s in sentences("“Hết.” “B”")] == [(0, 6), (7, 10)]
    # After an initial a full stop ends nothing.
    assert [(s.start, s.end) for s in sentences("Ông A. Bình")] == [(0, 11)]
    # A mark on a full stop makes it another token, which ends nothing.
    assert [(s.start, s.end) for s in sentences("Hết.\u0301 A")] == [(0, 7)]


def test_regions_that_meet_cut_tokens_and_sentences_as_the_reference() -> None:
    # An empty excluded span between two regions: the second starts a token and a
    # sentence, even inside a word, a sign with its marks, or a run of full stops.
    cases = [
        ("!\u0301a", 1),
        ("!\u0301a", 2),
        ("a\u0301\u0301b", 2),
        ("Hết.. A", 4),
        ("Hết. A", 4),
        ("TP. Hà", 2),
        ("”. A", 1),
        ("x.\u0301 A", 2),
    ]
    for text, at in cases:
        for excluded in ([(at, at)], [(0, at)], [(at, len(text))], [(at - 1, at)]):
            assert sentences(text, excluded) == reference_sentences(text, excluded), (
                text,
                excluded,
            )


def test_excluded_spans_past_the_end_of_the_text_exclude_nothing_more() -> None:
    assert sentences("", [(2, 3)]) == []
    assert sentences("", [(1, 1)]) == []
    assert sentences("ab", [(0, 2), (4, 5)]) == []
    assert sentences("ab cd", [(7, 9)]) == reference_sentences("ab cd")
    assert sentences("ab cd", [(1, 1), (7, 9)]) == reference_sentences("ab cd", [(1, 1)])
