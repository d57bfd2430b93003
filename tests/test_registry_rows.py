"""Registry rows in the table's order, a batch at a time: the order of whole rows sorted by
their keys (a missing value first, ties in the order given), whether records or dicts."""

from __future__ import annotations

import itertools
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
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


def _position(person: str, article_id: str, start: int) -> Any:
    from dnnd_dataset.checking.document_rows import StatedPosition

    return StatedPosition(person, "Chủ tịch", None, None, None, article_id, start, start + 8, "q")


def _earlier(person: str, index: int, article_id: str) -> dict[str, Any]:
    return {
        "table": "persons",
        "record_id": person,
        "field": f"positions[{index}]",
        "article_id": article_id,
        "start": 0,
        "end": 8,
        "quote": "q",
    }


def test_positions_made_again_keep_the_indices_their_earlier_rows_give() -> None:
    stated = [_position("p-a", "a-2", 50), _position("p-b", "a-2", 60), _position("p-a", "a-2", 70)]
    earlier = [
        _earlier("p-a", 11, "a-2"),
        {**_earlier("p-x", 0, "a-2"), "table": "meetings", "field": "date"},
        _earlier("p-a", 10, "a-2"),
        _earlier("p-b", 3, "a-2"),
    ]
    found = assembly.indexed_positions(stated, earlier)
    assert found is not None
    assert [(row.record_id, row.field, row.start) for row in found] == [
        ("p-a", "positions[10]", 50),
        ("p-b", "positions[3]", 60),
        ("p-a", "positions[11]", 70),
    ]


@pytest.mark.parametrize(
    "earlier",
    [
        [_earlier("p-a", 0, "a-2")],  # one position fewer
        [_earlier("p-a", 0, "a-2"), _earlier("p-a", 1, "a-2"), _earlier("p-a", 2, "a-2")],
        [_earlier("p-a", 0, "a-2"), _earlier("p-a", 1, "a-3")],  # another article's
        [_earlier("p-a", 0, "a-2"), {**_earlier("p-a", 1, "a-2"), "field": "positions[x]"}],
        [_earlier("p-a", 0, "a-2"), {**_earlier("p-a", 1, "a-2"), "field": "roles[1]"}],
    ],
)
def test_earlier_rows_of_other_positions_give_none(earlier: list[dict[str, Any]]) -> None:
    stated = [_position("p-a", "a-2", 5), _position("p-a", "a-2", 9)]
    assert assembly.indexed_positions(stated, earlier) is None


# Code points whose order differs from UTF-16's, and combining marks.
_EVIDENCE_TEXT = st.text(alphabet="aAđĐ\u0300\u0301\uffff\U0001f600", max_size=3)


@settings(deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "table": st.sampled_from(["meetings", "persons", "directives"]),
                "record_id": _EVIDENCE_TEXT,
                "field": _EVIDENCE_TEXT,
                "article_id": _EVIDENCE_TEXT,
                "start": st.integers(0, 3),
                "end": st.integers(0, 3),
                "quote": _EVIDENCE_TEXT,
            }
        ),
        max_size=40,
    ),
    st.data(),
)
def test_evidence_sorted_in_arrow_is_the_rows_sorted_by_their_key(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    from dnnd_dataset._version import __version__
    from dnnd_dataset.publishing import publish
    from dnnd_dataset.publishing.table_writer import arrow_rows

    cut = data.draw(st.integers(0, len(rows)))
    parts = [arrow_rows("evidence", rows[:cut], version=__version__)]
    parts.append(arrow_rows("evidence", rows[cut:], version=__version__))
    merged = publish._sorted("evidence", pa.concat_tables(parts))
    expected = arrow_rows(
        "evidence", sorted(rows, key=TABLES["evidence"].row_key), version=__version__
    )
    assert merged.to_pylist() == expected.to_pylist()
    # The bytes it takes in memory too: they are published.
    assert merged.combine_chunks().nbytes == expected.combine_chunks().nbytes
