"""The ner table made in bulk from articles' layers equals the table of their rows, and a
layer kept as bytes comes back whole or not at all."""

from __future__ import annotations

import sys
from array import array

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dnnd_dataset import __version__
from dnnd_dataset.bio import TaggedSpan
from dnnd_dataset.checking.ner_table import NerLayer, ner_rows
from dnnd_dataset.publishing import ner_columns
from dnnd_dataset.publishing.arrow_schema import arrow_schema
from dnnd_dataset.publishing.ner_columns import ner_table
from dnnd_dataset.segmentation import sentences

from .test_segmentation import PIECES

SCHEMA = arrow_schema("ner", __version__)
LABELS = ("PERSON", "ORGANIZATION", "LOCATION", "DIRECTIVE", "MEETING")


@st.composite
def layers(draw: st.DrawFn, article_id: str = "a") -> NerLayer:
    """An article's text (any characters: astral, marks, invisible, controls), boilerplate
    and a flat layer of whole-token spans within sentences, first and last tokens included."""
    text = draw(
        st.one_of(
            st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
            st.text(max_size=60),
        )
    )
    cut = draw(st.lists(st.integers(0, len(text)), max_size=4, unique=True).map(sorted))
    grid = sentences(text, list(zip(cut[::2], cut[1::2], strict=False)))
    taken: list[tuple[int, int]] = []  # token positions (sentence, token) already tagged
    flat = []
    for _ in range(draw(st.integers(0, 6)) if grid else 0):
        index = draw(st.integers(0, len(grid) - 1))
        tokens = grid[index].tokens
        first = draw(st.integers(0, len(tokens) - 1))
        last = draw(st.integers(first, len(tokens) - 1))
        covered = [(index, position) for position in range(first, last + 1)]
        if any(position in taken for position in covered):
            continue
        taken += covered
        label = draw(st.sampled_from(LABELS))
        entity = None if label == "LOCATION" else draw(st.sampled_from(["p-1", "ủy-ban", None]))
        flat.append(TaggedSpan(tokens[first][0], tokens[last][1], label, entity))
    return NerLayer.of_grid(article_id, text, grid, sorted(flat))


def from_rows(articles: list[NerLayer]) -> pa.Table:
    return pa.Table.from_pylist([row for layer in articles for row in layer.rows()], schema=SCHEMA)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(0, 99), max_size=5, unique=True).flatmap(
    lambda ids: st.tuples(*(layers(f"a-{i}") for i in ids))
))  # fmt: skip
def test_bulk_columns_equal_the_rows(articles: tuple[NerLayer, ...]) -> None:
    expected = from_rows(list(articles))
    made = ner_table(list(articles), SCHEMA)
    assert made.equals(expected)
    # The card's byte counts come from Arrow's: the same buffers, not only the same values.
    assert made.nbytes == expected.nbytes
    assert made.schema.equals(SCHEMA, check_metadata=True)


def test_the_columns_of_two_articles_exactly() -> None:
    first = "Hà Nội. Ông Minh"
    second = "😀 Đà\u0301"
    made = ner_table(
        [
            NerLayer.of_grid("x", first, sentences(first), [TaggedSpan(0, 6, "LOCATION", None)]),
            NerLayer.of_grid("y", second, sentences(second), [TaggedSpan(2, 5, "PERSON", "p")]),
        ],
        SCHEMA,
    )
    assert made.to_pydict() == {
        "article_id": ["x", "x", "y"],
        "sentence_index": [0, 1, 0],
        "start": [0, 8, 0],
        "end": [7, 16, 5],
        "text": ["Hà Nội.", "Ông Minh", "😀 Đà\u0301"],
        "tokens": [["Hà", "Nội", "."], ["Ông", "Minh"], ["😀", "Đà\u0301"]],
        "token_starts": [[0, 3, 6], [8, 12], [0, 2]],
        "token_ends": [[2, 6, 7], [11, 16], [1, 5]],
        "ner_tags": [[9, 10, 0], [0, 0], [0, 1]],
        "entity_ids": [[None, None, None], [None, None], [None, "p"]],
    }


def test_articles_without_sentences_and_no_articles() -> None:
    empty = NerLayer.of_grid("x", "", [], [])
    blank = NerLayer.of_grid("y", " \n ", sentences(" \n "), [])
    assert ner_table([empty, blank], SCHEMA).num_rows == 0
    assert ner_table([], SCHEMA).equals(SCHEMA.empty_table())


def test_a_run_of_articles_is_cut_into_groups_with_the_same_table(monkeypatch) -> None:
    texts = ["Hà Nội. Đảng", "Ảnh: Minh", "Tp. Hồ Chí Minh"]
    articles = [
        NerLayer.of_grid(f"a{i}", text, sentences(text), []) for i, text in enumerate(texts)
    ]
    monkeypatch.setattr(ner_columns, "_GROUP_CODE_POINTS", 10)
    assert ner_table(articles, SCHEMA).equals(from_rows(articles))


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (TaggedSpan(0, 5, "PERSON", None), "does not start and end on token boundaries"),
        (TaggedSpan(3, 11, "PERSON", None), "lies outside every sentence"),
        (TaggedSpan(3, 99, "PERSON", None), "lies outside the text"),
    ],
)
def test_spans_off_the_grid_are_refused_as_the_rows_refuse_them(
    span: TaggedSpan, message: str
) -> None:
    text = "Hà Nội\nĐảng ta"
    layer = NerLayer.of_grid("a", text, sentences(text), [span])
    with pytest.raises(ValueError, match=message):
        ner_table([layer], SCHEMA)


def test_overlapping_spans_are_refused() -> None:
    text = "Hà Nội mới"
    spans = [TaggedSpan(0, 6, "LOCATION", None), TaggedSpan(3, 10, "LOCATION", None)]
    with pytest.raises(ValueError, match="overlaps another span"):
        ner_table([NerLayer.of_grid("a", text, sentences(text), spans)], SCHEMA)
    with pytest.raises(ValueError, match="overlaps another span"):
        ner_rows("a", text, sentences(text), spans)


@given(layers())
def test_a_layer_comes_back_from_its_bytes(layer: NerLayer) -> None:
    again = NerLayer.of_bytes(
        layer.article_id, layer.text, layer.bounds_bytes(), layer.sizes.tolist(), layer.flat
    )
    assert again == layer
    assert again is not None and again.rows() == layer.rows()


def test_a_layer_gives_back_the_sentences_it_was_made_of() -> None:
    text = "Ảnh: Minh Anh\nBanner. Hà Nội mới."
    grid = sentences(text, [(text.index("Banner"), text.index("Banner") + 7)])
    assert NerLayer.of_grid("a", text, grid, []).sentences() == grid


def test_bytes_that_do_not_fit_the_text_give_no_layer() -> None:
    text = "Hà Nội. Đảng"
    layer = NerLayer.of_grid("a", text, sentences(text), [])
    data, sizes = layer.bounds_bytes(), layer.sizes.tolist()
    assert NerLayer.of_bytes("a", text, data, sizes, ()) == layer
    assert data[:8] == (0).to_bytes(4, "little") + (2).to_bytes(4, "little")
    cases = [
        (data[:-1], sizes),  # not whole int32 pairs
        (data, [*sizes, 1]),  # more tokens said than kept
        (data, [0, sum(sizes)]),  # an empty sentence
        (data, sizes[:-1]),  # fewer
        (data[:-4] + (99).to_bytes(4, "little"), sizes),  # past the end of the text
        ((-1).to_bytes(4, "little", signed=True) + data[4:], sizes),  # before its start
        (data[8:16] + data[:8] + data[16:], sizes),  # out of order
    ]
    for bad, counted in cases:
        assert NerLayer.of_bytes("a", text, bad, counted, ()) is None


def test_bytes_a_sealed_entry_could_hold_that_fit_no_table_give_no_layer() -> None:
    """What no segmentation gives, nor any flat layer of the checked mentions: refused here,
    so that the build checks the document again rather than stop or write other rows."""
    text = "Hà Nội. Đảng"
    layer = NerLayer.of_grid("a", text, sentences(text), [])
    data, sizes = layer.bounds_bytes(), layer.sizes.tolist()
    empty_token = (0).to_bytes(4, "little") * 2 + data
    cases = [
        (data, [2**40, 1]),  # a size no int32 holds
        (data, [-(2**40), 2**40 + sum(sizes)]),
        (empty_token, [sizes[0] + 1, *sizes[1:]]),  # a token without a character
    ]
    for bad, counted in cases:
        assert NerLayer.of_bytes("a", text, bad, counted, ()) is None
    for flat in (
        [TaggedSpan(0, 5, "PERSON", None)],  # not on token boundaries
        [TaggedSpan(3, 9, "PERSON", None)],  # over the end of a sentence
        [TaggedSpan(0, 6, "LOCATION", None), TaggedSpan(3, 6, "LOCATION", None)],  # overlapping
        [TaggedSpan(3, 6, "LOCATION", None), TaggedSpan(0, 2, "LOCATION", None)],  # not in order
        [TaggedSpan(0, 6, "PLACE", None)],  # a label the tags do not name
        [TaggedSpan(0, 6, "PERSON", 7)],  # type: ignore[arg-type]  # an id that is no string
        [TaggedSpan(0, 6.0, "PERSON", None)],  # type: ignore[arg-type]
        [TaggedSpan(0, 99, "PERSON", None)],
    ):
        assert NerLayer.of_bytes("a", text, data, sizes, flat) is None
    fine = [TaggedSpan(0, 2, "LOCATION", None), TaggedSpan(3, 6, "LOCATION", "x")]
    assert NerLayer.of_bytes("a", text, data, sizes, fine) is not None


@given(st.lists(st.integers(-(2**31), 2**31 - 1), max_size=40))
def test_bounds_kept_in_two_bytes_each_where_they_fit_come_back(numbers: list[int]) -> None:
    from dnnd_dataset.checking.cache_entry import _narrow, _widened

    data = array("i", numbers)
    if sys.byteorder == "big":
        data.byteswap()
    kept, width = _narrow(data.tobytes())
    assert width == (2 if all(0 <= number < 2**16 for number in numbers) else 4)
    assert len(kept) == width * len(numbers)
    assert _widened(kept, width) == data.tobytes()


@given(
    st.lists(
        st.fixed_dictionaries({"a": st.integers(), "b": st.none() | st.text(max_size=3)}),
        max_size=5,
    )
)
def test_rows_kept_as_columns_come_back(rows: list[dict[str, object]]) -> None:
    from dnnd_dataset.checking.cache_entry import _columns, _rows

    assert _rows(_columns(rows)) == rows
    if rows:
        assert _rows({**_columns(rows), "a": [*_columns(rows)["a"], 0]}) is None
