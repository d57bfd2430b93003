"""Look-alike normalization equals its translation table, and the character classes walked
over part of Unicode equal those walked over all of it."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dnnd_dataset.textnorm import (
    LOOKALIKES,
    WALKED_CODE_POINTS,
    category_ranges,
    combining_ranges,
    normalize,
)

TRANSLATION = str.maketrans(LOOKALIKES)

TEXT = st.one_of(
    st.text(alphabet=st.sampled_from([*LOOKALIKES, *LOOKALIKES.values(), *"aĐđảng \n-"])),
    st.text(),
    st.lists(st.sampled_from([*LOOKALIKES, "Ðảng", "Nguyễn", " ", ""]), max_size=40).map("".join),
)


@settings(max_examples=1000)
@given(TEXT)
def test_normalize_equals_the_translation(text: str) -> None:
    assert normalize(text) == text.translate(TRANSLATION)


def test_normalize_at_the_edges() -> None:
    assert normalize("") == ""
    assert normalize("\u00d0ảng\u00a0v\u00e0 \u2011\u00d0") == "\u0110ảng v\u00e0 -\u0110"


def test_no_lookalike_maps_to_another() -> None:
    # normalize replaces one look-alike after the other: a replacement that is itself a
    # look-alike would be replaced again, which the translation does not do.
    assert not set(LOOKALIKES.values()) & set(LOOKALIKES)


def _outside_the_walk() -> range | list[int]:
    walked = [False] * 0x110000
    for block in WALKED_CODE_POINTS:
        walked[block.start : block.stop] = [True] * len(block)
    return [code for code in range(0x110000) if not walked[code]]


def test_nothing_outside_the_walk_is_a_mark_a_control_or_a_separator() -> None:
    outside = _outside_the_walk()
    assert len(outside) == 0x110000 - sum(len(block) for block in WALKED_CODE_POINTS)
    assert sum(len(block) for block in WALKED_CODE_POINTS) == 135_168
    categories = {unicodedata.category(chr(code)) for code in outside}
    assert categories == {"Lo", "Cn", "Co"}
    assert not any(unicodedata.combining(chr(code)) for code in outside)


def _ranges_of(codes: list[int]) -> tuple[tuple[int, int], ...]:
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return tuple(ranges)


@pytest.mark.parametrize(
    "categories", [frozenset({"Cc", "Cf"}), frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})]
)
def test_category_ranges_equal_a_walk_of_all_of_unicode(categories: frozenset[str]) -> None:
    every = [c for c in range(0x110000) if unicodedata.category(chr(c)) in categories]
    assert category_ranges(categories) == _ranges_of(every)


def test_combining_ranges_equal_a_walk_of_all_of_unicode() -> None:
    every = [c for c in range(0x110000) if unicodedata.combining(chr(c))]
    assert combining_ranges() == _ranges_of(every)
