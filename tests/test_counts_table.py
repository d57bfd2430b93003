"""Counts per article held as columns: read as the dictionaries the report has always given."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from dnnd_dataset.checking.counts_table import CountsTable
from dnnd_dataset.errors import Report
from dnnd_dataset.publishing.card import _per_document_section

NAMES = st.sampled_from([("a", "b"), ("b", "a"), ("a",), ("c", "a", "b"), ()])
DOCUMENTS = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=4),
        NAMES.flatmap(
            lambda names: st.tuples(
                st.just(names),
                st.lists(st.integers(0, 9), min_size=len(names), max_size=len(names)),
            )
        ),
    ),
    max_size=12,
    unique_by=lambda document: document[0],
)


def _table(documents: list[tuple[str, tuple[tuple[str, ...], list[int]]]]) -> CountsTable:
    table = CountsTable()
    for stem, (names, values) in documents:
        table.add(stem, dict(zip(names, values, strict=True)))
    return table


def _dicts(
    documents: list[tuple[str, tuple[tuple[str, ...], list[int]]]],
) -> dict[str, dict[str, int]]:
    return {stem: dict(zip(names, values, strict=True)) for stem, (names, values) in documents}


def test_a_table_reads_as_its_dictionaries_in_the_order_added() -> None:
    table = CountsTable()
    table.add("b", {"x": 1, "y": 2})
    table.add_columns(["c", "a"], {"x": [3, 4], "y": [5, 6]})
    table.add("d", {"z": 7})
    assert dict(table) == {
        "b": {"x": 1, "y": 2},
        "c": {"x": 3, "y": 5},
        "a": {"x": 4, "y": 6},
        "d": {"z": 7},
    }
    assert list(table) == ["b", "c", "a", "d"]
    assert table == {
        "b": {"x": 1, "y": 2},
        "c": {"x": 3, "y": 5},
        "a": {"x": 4, "y": 6},
        "d": {"z": 7},
    }
    assert len(table) == 4 and table["a"] == {"x": 4, "y": 6} and "e" not in table
    # Documents with the same columns share a part: the whole corpus is a few lists.
    assert [(part.names, part.stems, part.columns) for part in table.parts] == [
        (("x", "y"), ["b", "c", "a"], [[1, 3, 4], [2, 5, 6]]),
        (("z",), ["d"], [[7]]),
    ]


def test_columns_of_unequal_length_are_refused() -> None:
    table = CountsTable()
    try:
        table.add_columns(["a", "b"], {"x": [1]})
    except ValueError as error:
        assert str(error) == "every column needs one value per document"
    else:
        raise AssertionError("accepted")
    assert table == {}


@given(DOCUMENTS)
def test_a_table_is_the_dictionaries_it_was_given(documents: list) -> None:  # type: ignore[type-arg]
    table = _table(documents)
    assert table == _dicts(documents)
    assert list(table) == list(_dicts(documents))


@given(DOCUMENTS)
def test_the_compact_form_round_trips_through_json(documents: list) -> None:  # type: ignore[type-arg]
    table = _table(documents)
    again = CountsTable.from_compact(json.loads(json.dumps(table.compact())))
    assert again is not None
    assert again == _dicts(documents)
    assert list(again) == list(table)


@given(DOCUMENTS)
def test_the_card_shows_a_table_as_it_shows_its_dictionaries(documents: list) -> None:  # type: ignore[type-arg]
    assert _per_document_section(_table(documents)) == _per_document_section(_dicts(documents))


def test_the_card_section_of_counts() -> None:
    table = CountsTable()
    table.add_columns(["b", "a"], {"x": [1, 2]})
    table.add("c", {"y": 3, "x": 4})
    assert _per_document_section(table) == "\n".join(
        [
            "## Counts per document",
            "",
            "| article_id | x | y |",
            "|---|---:|---:|",
            "| `a` | 2 | 0 |",
            "| `b` | 1 | 0 |",
            "| `c` | 4 | 3 |",
        ]
    )


def test_a_report_gives_its_tables_to_json_as_dictionaries() -> None:
    table = CountsTable()
    table.add("a", {"x": 1})
    payload = json.loads(Report(issues=[], stats={"documents": table}).to_json())
    assert payload["stats"] == {"documents": {"a": {"x": 1}}}
