"""A block's contribution as kept: read back equal, its shape named apart from where its quotes
lie, and damaged bytes give none, never an error."""

from __future__ import annotations

import struct
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dnnd_dataset.checking.block_contribution import (
    BlockContribution,
    BlockEvidence,
    Position,
    Quoted,
    contribution_bytes,
    contribution_of,
    evidence_of,
)
from dnnd_dataset.reading.anchoring import AnchorProblem, Span

# Any text a valid document can hold: no surrogate, and no NUL, which separates the kept
# strings (``rawio`` refuses both).
_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\0"), max_size=8)
_FEW = 4


def _quoted() -> st.SearchStrategy[Quoted]:
    anchor = st.tuples(
        _TEXT, st.none() | _TEXT, st.none() | _TEXT, st.none() | st.integers(0, 2**40)
    )
    span = st.builds(Span, st.integers(0, 2**40), st.integers(0, 2**40))
    problem = st.builds(AnchorProblem, _TEXT, _TEXT, _TEXT, st.none() | _TEXT)
    return st.tuples(_TEXT, anchor, st.tuples(span, st.none() | _TEXT) | problem)


def _position() -> st.SearchStrategy[Position]:
    optional = st.none() | _TEXT
    number = st.integers(0, 2**62)
    return st.tuples(_TEXT, _TEXT, optional, optional, optional, number, number, _TEXT)


@st.composite
def contributions(draw: st.DrawFn) -> BlockContribution:
    count = draw(st.integers(0, 4))
    entities = st.lists(_TEXT, max_size=_FEW)
    return BlockContribution(
        quoted=draw(st.lists(_quoted(), max_size=_FEW)),
        positions=draw(
            st.lists(st.lists(_position(), max_size=_FEW), min_size=count, max_size=count)
        ),
        printed=draw(st.lists(_TEXT, max_size=_FEW)),
        printed_as=draw(st.lists(st.tuples(_TEXT, st.none() | _TEXT), max_size=_FEW)),
        links=draw(st.lists(st.tuples(entities, entities), min_size=count, max_size=count)),
        forms=draw(st.lists(st.tuples(_TEXT, _TEXT), max_size=_FEW)),
        used=draw(st.lists(_TEXT, max_size=_FEW)),
    )


def _kept(contribution: BlockContribution) -> bytes:
    kept = contribution_bytes(contribution)
    assert kept is not None
    return kept.data


def _shape(contribution: BlockContribution) -> str:
    kept = contribution_bytes(contribution)
    assert kept is not None
    return kept.shape


@given(contributions())
def test_a_contribution_reads_back_equal(contribution: BlockContribution) -> None:
    data = _kept(contribution)
    assert contribution_of(data, len(contribution.links)) == contribution
    assert evidence_of(data, len(contribution.links)) == BlockEvidence(
        contribution.quoted, contribution.positions
    )
    assert contribution_bytes(contribution) == (data, _shape(contribution))  # its digest names it


def _moved(contribution: BlockContribution, data: st.DataObject) -> tuple[BlockContribution, bool]:
    """``contribution`` with its quotes and positions moved in their articles (a position's
    quote printed otherwise), and whether anything changed."""
    number = st.integers(0, 2**40)

    def place(
        value: tuple[Span, str | None] | AnchorProblem,
    ) -> tuple[Span, str | None] | AnchorProblem:
        if isinstance(value, AnchorProblem):
            return value
        return Span(data.draw(number), data.draw(number)), value[1]

    moved = replace(
        contribution,
        quoted=[(article, anchor, place(value)) for article, anchor, value in contribution.quoted],
        positions=[
            [
                (*position[:5], data.draw(number), data.draw(number), data.draw(_TEXT))
                for position in positions
            ]
            for positions in contribution.positions
        ],
    )
    return moved, moved != contribution


@given(contributions(), st.data())
def test_quotes_and_positions_moved_in_their_articles_keep_the_shape(
    contribution: BlockContribution, data: st.DataObject
) -> None:
    moved, changed = _moved(contribution, data)
    assert _shape(moved) == _shape(contribution)
    assert (_kept(moved) != _kept(contribution)) == changed
    assert contribution_of(_kept(moved), len(moved.links)) == moved


_SHAPE_CHANGES = {
    "printed": lambda c: replace(c, printed=[*c.printed, "x"]),
    "printed_as": lambda c: replace(c, printed_as=[*c.printed_as, ("x", None)]),
    "links": lambda c: replace(c, links=[(["x"], []), *c.links[1:]]),
    "forms": lambda c: replace(c, forms=[*c.forms, ("x", "y")]),
    "used": lambda c: replace(c, used=[*c.used, "x"]),
    "a quote": lambda c: replace(
        c, quoted=[*c.quoted, ("a", ("q", None, None, None), (Span(0, 1), None))]
    ),
    "a problem": lambda c: replace(
        c, quoted=[*c.quoted, ("a", ("q", None, None, None), AnchorProblem("c", "m", "h"))]
    ),
    "a title": lambda c: replace(
        c, positions=[[("p", "title", None, None, None, 0, 1, "q")], *c.positions[1:]]
    ),
    # What a registry entry states is checked against the words printed at its quote.
    "the words printed at a quote": lambda c: replace(
        c, quoted=[("a", ("q", "p", None, 2), (Span(3, 4), "Q"))]
    ),
    "the words printed at a quote, now the quote": lambda c: replace(
        c, quoted=[("a", ("q", "p", None, 2), (Span(3, 4), "q"))]
    ),
    # The same strings, paired otherwise.
    "a link from the body to the chrome": lambda c: replace(
        c, links=[(["f"], ["e"]), *c.links[1:]]
    ),
    "a link of another document": lambda c: replace(c, links=[c.links[1], c.links[0]]),
    "forms of other entities": lambda c: replace(c, forms=[("e", "F"), ("f", "E")]),
    "a printed value's form": lambda c: replace(c, printed_as=[("n", "E")]),
    "a position of another person": lambda c: replace(
        c, positions=[[("e", "other title", "post", None, None, 5, 9, "q")], []]
    ),
    "a position's post": lambda c: replace(
        c, positions=[[("p", "other title", None, "post", None, 5, 9, "q")], []]
    ),
    "a position stated in another document": lambda c: replace(c, positions=[[], c.positions[0]]),
    "an anchor's prefix as its suffix": lambda c: replace(
        c, quoted=[("a", ("q", None, "p", 2), (Span(3, 4), None))]
    ),
    "an anchor's occurrence": lambda c: replace(
        c, quoted=[("a", ("q", "p", None, None), (Span(3, 4), None))]
    ),
    "the entries used": lambda c: replace(c, used=["f"]),
}


@pytest.mark.parametrize("change", _SHAPE_CHANGES)
def test_what_the_documents_name_quote_or_state_changes_the_shape(change: str) -> None:
    contribution = BlockContribution(
        quoted=[("a", ("q", "p", None, 2), (Span(3, 4), None))],
        positions=[[("p", "other title", "post", None, None, 5, 9, "q")], []],
        printed=["n"],
        printed_as=[("n", "N")],
        links=[(["e"], ["f"]), (["e", "f"], [])],
        forms=[("e", "E"), ("f", "F")],
        used=["e"],
    )
    changed = _SHAPE_CHANGES[change](contribution)
    assert changed != contribution
    assert _shape(changed) != _shape(contribution)


def test_a_quote_found_and_a_problem_are_different_shapes() -> None:
    anchor = ("q", None, None, None)
    found = BlockContribution([("a", anchor, (Span(0, 0), None))], [], [], [], [], [], [])
    problem = BlockContribution(
        [("a", anchor, AnchorProblem("quote-not-found", "m", "h"))], [], [], [], [], [], []
    )
    assert _shape(found) != _shape(problem)
    assert contribution_of(_kept(problem), 0) == problem


@given(contributions(), st.data())
def test_a_contribution_with_a_separator_in_a_string_is_not_kept(
    contribution: BlockContribution, data: st.DataObject
) -> None:
    entity = data.draw(_TEXT)
    at = data.draw(st.integers(0, len(entity)))
    odd = entity[:at] + "\0" + entity[at:]
    assert contribution_bytes(replace(contribution, used=[*contribution.used, odd])) is None


@given(contributions())
def test_a_contribution_of_another_number_of_documents_is_none(
    contribution: BlockContribution,
) -> None:
    assert contribution_of(_kept(contribution), len(contribution.links) + 1) is None


@settings(max_examples=300)
@given(contributions(), st.data())
def test_damaged_bytes_give_none_or_a_contribution_never_an_error(
    contribution: BlockContribution, data: st.DataObject
) -> None:
    kept = bytearray(_kept(contribution))
    at = data.draw(st.integers(0, len(kept) - 1))
    how = data.draw(st.sampled_from(["flip", "cut", "grow"]))
    if how == "flip":
        kept[at] ^= data.draw(st.integers(1, 255))
    elif how == "cut":
        del kept[at:]
    else:
        kept[at:at] = data.draw(st.binary(min_size=1, max_size=9))
    found = contribution_of(bytes(kept), len(contribution.links))
    assert found is None or isinstance(found, BlockContribution)


def _one_link(index: int) -> bytes:
    """The bytes of a one-document contribution linking to ``entity``, its index set to
    ``index``."""
    data = _kept(BlockContribution([], [[]], [], [], [(["entity"], [])], [], []))
    # Body count, the link, chrome count, positions count: little-endian on every machine.
    assert data[-8 * 4 :] == struct.pack("<4Q", 1, 0, 0, 0)
    return data[: -8 * 4] + struct.pack("<4Q", 1, index, 0, 0)


def test_an_index_past_the_strings_gives_none() -> None:
    assert contribution_of(_one_link(0), 1) == BlockContribution(
        [], [[]], [], [], [(["entity"], [])], [], []
    )
    assert contribution_of(_one_link(1), 1) is None  # None, where a value may not be None
    assert contribution_of(_one_link(2), 1) is None
    assert contribution_of(_one_link(2**64 - 1), 1) is None


def test_bytes_of_another_kind_give_none() -> None:
    assert contribution_of(b'{"quoted": []}', 0) is None
    assert contribution_of(b"", 0) is None
    head = struct.Struct("<" + "Q" * 13)
    # A header whose sizes overflow what the bytes hold.
    empty = _kept(BlockContribution([], [], [], [], [], [], []))
    magic = empty[: empty.index(b"\n") + 1]
    assert contribution_of(magic + head.pack(*[2**63] * 13), 0) is None


def test_an_offset_outside_64_bits_is_not_kept() -> None:
    position: Position = ("person", "title", None, None, None, -1, 3, "quote")
    assert (
        contribution_bytes(BlockContribution([], [[position]], [], [], [([], [])], [], [])) is None
    )
