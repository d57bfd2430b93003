"""Registry rows in the table's order, a batch at a time: the order of whole rows sorted by
their keys (a missing value first, ties in the order given), whether records or dicts."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dnnd_dataset.checking import assembly
from dnnd_dataset.records import TABLES, Evidence


def _nested_key(columns: tuple[str, ...], row: dict[str, Any]) -> tuple[tuple[bool, Any], ...]:
    return tuple((row[c] is not None, "" if row[c] is None else row[c]) for c in columns)


# A column holds text, or a number, or nothing: None is never compared to a value.
texts = st.one_of(st.none(), st.sampled_from(["", "a", "b", "ab"]))
numbers = st.one_of(st.none(), st.integers(min_value=0, max_value=3))


@st.composite
def table_rows(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    table = draw(st.sampled_from(list(TABLES)))
    fields = TABLES[table].model.model_fields
    row = st.fixed_dictionaries(
        {
            column: numbers if fields[column].annotation is int else texts
            for column in TABLES[table].sort_key
        }
    )
    return table, draw(st.lists(row, max_size=30))


@given(table_rows())
def test_a_flat_key_orders_as_a_key_of_pairs(drawn: tuple[str, list[dict[str, Any]]]) -> None:
    table, rows = drawn
    flat = sorted(rows, key=TABLES[table].row_key)
    assert flat == sorted(rows, key=lambda row: _nested_key(TABLES[table].sort_key, row))


evidence = st.builds(
    lambda table, record_id, field, start, quote: Evidence.model_construct(
        table=table,
        record_id=record_id,
        field=field,
        article_id="a",
        start=start,
        end=start + 1,
        quote=quote,
    ),
    st.sampled_from(["meetings", "persons", "directives"]),
    st.sampled_from(["x", "y"]),
    st.sampled_from(["date", "positions[0]"]),
    st.integers(min_value=0, max_value=2),
    st.sampled_from(["q", "r"]),  # rows equal on the key, apart in their quote: ties
)


@given(
    items=st.lists(
        st.tuples(evidence, st.booleans()).map(
            lambda pair: pair[0].model_dump() if pair[1] else pair[0]
        ),
        max_size=20,
    )
)
def test_registry_rows_come_sorted_in_batches(items: list[Any]) -> None:
    spec = TABLES["evidence"]
    dumped = [item if isinstance(item, dict) else item.model_dump() for item in items]
    expected = sorted(dumped, key=lambda row: _nested_key(spec.sort_key, row))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assembly, "ROW_BATCH", 3)
        batches = list(assembly.sorted_row_batches("evidence", items))
    assert all(1 <= len(batch) <= 3 for batch in batches)
    assert list(itertools.chain.from_iterable(batches)) == expected


def _fresh(text: str) -> str:
    """An equal string that is another object, as each article's positions arrive."""
    return "".join(list(text))


def test_the_positions_kept_to_the_end_share_their_repeated_strings() -> None:
    from dnnd_dataset.checking.document_rows import Contribution, StatedPosition

    def stated(article_id: str, start: int) -> StatedPosition:
        return StatedPosition(
            _fresh("p-nguyen-van-a"),
            _fresh("Chủ tịch"),
            None,
            _fresh("o-hoi-huu-nghi"),
            _fresh("m-dai-hoi"),
            _fresh(article_id),
            start,
            start + 8,
            _fresh("Chủ tịch"),
        )

    first, second = stated("a-0001", 3), stated("a-0002", 40)
    assert first.person is not second.person
    links = assembly.Links()
    links.add("a-0001", Contribution(positions=[first]))
    links.add("a-0002", Contribution(positions=[second]))
    assert links.stated == [first, second]
    kept_first, kept_second = links.stated
    assert kept_first.person is kept_second.person
    assert kept_first.title is kept_second.title is kept_first.quote
    assert kept_first.organization is kept_second.organization
    assert kept_first.as_of_meeting is kept_second.as_of_meeting
    assert kept_first.post is None and kept_second.post is None
    assert (kept_first.article_id, kept_second.article_id) == ("a-0001", "a-0002")
