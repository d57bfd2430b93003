"""The index of document keys by file identity: its binary layout, read back or refused."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dnnd_dataset.checking.file_stats import index_bytes, index_from_bytes

NUMBER = st.integers(-(2**63), 2**63 - 1)
IDENTITY = st.tuples(NUMBER, NUMBER, NUMBER, NUMBER, NUMBER)
STEM = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\0/"), min_size=1, max_size=8
)
KEY = st.text("0123456789abcdef", min_size=64, max_size=64)
INDEX = st.dictionaries(STEM, st.tuples(IDENTITY, IDENTITY, KEY), max_size=8)

ENTRY = ((1, 2, 3, 4, 5), (6, 7, 8, 9, 10), "ab" * 32)


@given(INDEX)
def test_an_index_reads_back_as_it_was_written(index: dict) -> None:  # type: ignore[type-arg]
    again = index_from_bytes(index_bytes(index))
    assert again == index
    assert list(again) == list(index)


def test_a_name_that_is_not_utf8_reads_back() -> None:
    index = {"b\udcff": ENTRY}  # a file name's byte 0xff, escaped
    assert index_from_bytes(index_bytes(index)) == index


def test_a_document_whose_identity_does_not_fit_is_left_out() -> None:
    index = {"a": ENTRY, "b": ((2**64 - 1, 2, 3, 4, 5), ENTRY[1], ENTRY[2])}
    assert index_from_bytes(index_bytes(index)) == {"a": ENTRY}


def test_damaged_or_hostile_bytes_give_an_empty_index() -> None:
    good = index_bytes({"a": ENTRY, "b": ENTRY})
    assert index_from_bytes(good) == {"a": ENTRY, "b": ENTRY}
    damaged = [
        b"",
        b"{}",
        good[:-1],
        good + b"0",
        good.replace(b"dnnd file stats 1", b"dnnd file stats 2"),
        good[:-64] + b"AB" * 32,  # a key that is not lowercase hex
        good[:-64] + b"../" * 21 + b"x",
        index_bytes({"a": ENTRY}).replace(b"\x01\x00\x00\x00", b"\x02\x00\x00\x00", 1),
        # Two documents of the same name.
        index_bytes({"a": ENTRY, "b": ENTRY}).replace(b"a\0b", b"a\0a"),
    ]
    for data in damaged:
        assert index_from_bytes(data) == {}, data
