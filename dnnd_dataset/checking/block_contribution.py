"""What a block of articles gives the checks across documents, and the bytes it is kept as.

A run that makes the registry tables again reads the contribution of every block: at
50,000 articles, nearly a hundred megabytes as JSON, whose parse took most of a
one-document rebuild. Nearly all of it is the same few thousand strings (entity ids,
printed names, titles), repeated. So a contribution is kept as each of its distinct strings
once, then its lists as 64-bit indices into them: the strings are decoded and split in one
call per block, the indices read as an array, and each repeat is a reference to one string.
The problems of registry quotes, rare and of varied shape, are JSON read through a strict
schema. Every index is looked up in the table, which refuses one outside it: damaged bytes
give no contribution (the block is then checked again), never an error.

Where a quote or a stated position lies in its article (its offsets, and the words a
position's quote prints) only reaches the evidence table. The rest, the contribution's
*shape*, is kept
first, with strings of its own, and named by a digest of its own (:attr:`Kept.shape`): an
edit that moves text without changing what the documents name, quote or state gives
blocks of the same shapes, and a run whose every block has the shape it had needs only
the evidence (:func:`evidence_of`) to make the evidence table again. The words printed at
a registry quote are of the shape: what a registry entry states is checked against them
(``printed_names.check_printed``).
"""

from __future__ import annotations

import hashlib
import struct
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple, TypeVar

from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError

from dnnd_dataset.reading.anchoring import AnchorKey, AnchorProblem, Span

# (article, anchor, its span and the text printed there, None when that is the anchor's
# quote, or the problem found)
Quoted = tuple[str, AnchorKey, tuple[Span, str | None] | AnchorProblem]
# A StatedPosition as a tuple of its fields, in their order, without the article (the block's
# document it came with).
Position = tuple[str, str, str | None, str | None, str | None, int, int, str]


@dataclass(frozen=True)
class BlockEvidence:
    """What the documents of a block give the evidence table: every registry quote found in
    them, and per document the positions it states, where each lies in its article."""

    quoted: list[Quoted]
    positions: list[list[Position]]


@dataclass(frozen=True)
class BlockContribution(BlockEvidence):
    """What the documents of a block give the checks across documents and the registry tables.

    Each list in the order the documents gave it. Read only when the registry tables are
    made again: a run whose every block gives what it gave before takes them as they were.
    """

    printed: list[str]
    # (value, form, or None when it is the value) in the order the documents gave them: the
    # first form of a value counts
    printed_as: list[tuple[str, str | None]]
    # Per document: the entities it links to in its body, and those only in page chrome
    links: list[tuple[list[str], list[str]]]
    # (entity, form)
    forms: list[tuple[str, str]]
    # The registry entries its documents use, sorted
    used: list[str]


class Kept(NamedTuple):
    """A contribution's bytes as kept, and the digest of its shape."""

    data: bytes
    shape: str


_T = TypeVar("_T")
_S = TypeVar("_S", str, str | None)
_MAGIC = b"dnnd block contribution 2\n"
_SHAPE_KIND = b"contribution shape\0"
# The counts of a contribution: the strings of its shape, then of each list below.
_COUNTS = struct.Struct("<" + "Q" * 10)
# Bytes of the problems' JSON and of the strings; the number of strings; then the counts.
_HEAD = struct.Struct("<QQQ" + "Q" * 10)
# Unsigned: no index can be negative.
_INTS = "Q"
_SEPARATOR = "\0"  # no text of the corpus holds a control character (``rawio``)
# The fields of a stated position in the shape: person, title, then three that may be None;
# where it lies: start, end (numbers) and the quote.
_STATED_SHAPE = 5
_STATED_PLACE = 3
# The fields of a quote in the shape: article, quote, two that may be None (prefix, suffix),
# the occurrence (a number, one more than it, 0 for None), the words printed there (None
# when they are the quote); where it lies: start, end.
_QUOTED_SHAPE = 6
_QUOTED_PLACE = 2
# (index of the quote, its problem)
_PROBLEMS: TypeAdapter[list[tuple[int, AnchorProblem]]] = TypeAdapter(
    list[tuple[int, AnchorProblem]], config=ConfigDict(strict=True)
)


class _Table:
    """The distinct strings of a contribution, each given an index as it first comes."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def of(self, value: str) -> int:
        return self.index.setdefault(value, len(self.index))

    def maybe(self, value: str | None) -> int:
        """The number kept for a value that may be None: 0 for None, else one more than its
        index, whatever strings come later (the shape's numbers are made before them)."""
        return 0 if value is None else self.index.setdefault(value, len(self.index)) + 1

    def all(self, values: Iterable[str]) -> list[int]:
        # ``setdefault`` gives a new string the next index: one call per value, none in Python.
        index = self.index
        add = index.setdefault
        return [add(value, len(index)) for value in values]


def contribution_bytes(contribution: BlockContribution) -> Kept | None:
    """``contribution`` as kept, the same bytes on every machine so that its digest names it,
    and the digest of its shape; None when it cannot be kept as such (a string holding the
    separator, an offset outside 64 bits: no valid document gives one)."""
    try:
        return _kept(contribution)
    except (OverflowError, PydanticSerializationError):
        return None


def _kept(contribution: BlockContribution) -> Kept | None:
    table = _Table()
    of, maybe = table.of, table.maybe
    count = len(contribution.links)
    body = [table.all(entities) for entities, _ in contribution.links]
    chrome = [table.all(entities) for _, entities in contribution.links]
    stated = [position for positions in contribution.positions for position in positions]
    quoted = contribution.quoted
    # In the order ``_parse`` takes them; the shape's strings first, so that its indices do
    # not depend on where anything lies.
    shape: list[Sequence[int]] = [
        table.all(contribution.printed),
        [number for value, form in contribution.printed_as for number in (of(value), maybe(form))],
        [len(entities) for entities in body],
        [index for entities in body for index in entities],
        [len(entities) for entities in chrome],
        [index for entities in chrome for index in entities],
        [number for entity, form in contribution.forms for number in (of(entity), of(form))],
        [len(positions) for positions in contribution.positions],
        [
            index
            for person, title, post, organization, meeting, *_ in stated
            for index in (of(person), of(title), maybe(post), maybe(organization), maybe(meeting))
        ],
        table.all(contribution.used),
        [
            number
            for article, (quote, prefix, suffix, occurrence), value in quoted
            for number in (
                of(article),
                of(quote),
                maybe(prefix),
                maybe(suffix),
                0 if occurrence is None else occurrence + 1,
                0 if isinstance(value, AnchorProblem) else maybe(value[1]),
            )
        ],
    ]
    shape_strings = len(table.index)
    place: list[Sequence[int]] = [
        [
            number
            for _, _, value in quoted
            for number in ((0, 0) if isinstance(value, AnchorProblem) else _place(value[0]))
        ],
        [number for position in stated for number in (position[5], position[6], of(position[7]))],
    ]
    problems = _PROBLEMS.dump_json(
        [
            (index, value)
            for index, (_, _, value) in enumerate(quoted)
            if isinstance(value, AnchorProblem)
        ]
    )
    strings = list(table.index)
    shape_text, place_text = _joined(strings[:shape_strings]), _joined(strings[shape_strings:])
    if shape_text is None or place_text is None:
        return None
    shape_ints, place_ints = array(_INTS), array(_INTS)
    for ints, sections in ((shape_ints, shape), (place_ints, place)):
        for section in sections:
            ints.extend(section)
        _little_endian(ints)
    counts = _COUNTS.pack(
        shape_strings,
        len(contribution.printed),
        len(contribution.printed_as),
        count,
        len(shape[3]),
        len(shape[5]),
        len(contribution.forms),
        len(stated),
        len(contribution.used),
        len(quoted),
    )
    # As the strings joined at once.
    between = b"\0" if 0 < shape_strings < len(strings) else b""
    text = shape_text + between + place_text
    head = _HEAD.pack(len(problems), len(text), len(strings), *_COUNTS.unpack(counts))
    digest = hashlib.sha256(_SHAPE_KIND + counts + problems + shape_text)
    digest.update(shape_ints.tobytes())
    data = b"".join((_MAGIC, head, problems, text, shape_ints.tobytes(), place_ints.tobytes()))
    return Kept(data, digest.hexdigest())


def _place(span: Span) -> tuple[int, int]:
    return span.start, span.end


def _joined(strings: list[str]) -> bytes | None:
    """The strings joined by the separator, None when one holds it."""
    joined = _SEPARATOR.join(strings)
    if joined.count(_SEPARATOR) != max(len(strings) - 1, 0):
        return None
    return joined.encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class _Parsed:
    """A contribution's strings and sections, as read."""

    strings: list[str]
    # None, then the strings: for the values that may be None (``_Table.maybe``).
    nullable: list[str | None]
    sections: list[array[int]]
    problems: list[tuple[int, AnchorProblem]]


def contribution_of(data: bytes, count: int) -> BlockContribution | None:
    """The contribution of ``count`` documents that ``data`` holds; None when it holds none."""
    try:
        parsed = _parse(data, count)
        return None if parsed is None else _contribution(parsed)
    except (ValueError, struct.error, ValidationError, UnicodeDecodeError, IndexError):
        return None


def evidence_of(data: bytes, count: int) -> BlockEvidence | None:
    """What the contribution of ``count`` documents that ``data`` holds gives the evidence
    table, without the rest; None when it holds none."""
    try:
        parsed = _parse(data, count)
        return None if parsed is None else _evidence(parsed)
    except (ValueError, struct.error, ValidationError, UnicodeDecodeError, IndexError):
        return None


def _parse(data: bytes, count: int) -> _Parsed | None:
    if not data.startswith(_MAGIC) or array(_INTS).itemsize != 8:
        return None
    at = len(_MAGIC)
    problems_size, text_size, string_count, *counts = _HEAD.unpack_from(data, at)
    (shape_strings, printed, printed_as, documents, body, chrome, forms, stated, used, quoted) = (
        counts
    )
    at += _HEAD.size
    sizes = (
        printed,
        2 * printed_as,
        documents,
        body,
        documents,
        chrome,
        2 * forms,
        documents,
        _STATED_SHAPE * stated,
        used,
        _QUOTED_SHAPE * quoted,
        _QUOTED_PLACE * quoted,
        _STATED_PLACE * stated,
    )
    ints_at = at + problems_size + text_size
    if documents != count or shape_strings > string_count or len(data) != ints_at + 8 * sum(sizes):
        return None
    problems = _PROBLEMS.validate_json(data[at : at + problems_size])
    if any(not 0 <= index < quoted for index, _ in problems):
        return None
    text = data[at + problems_size : ints_at].decode("utf-8", "surrogatepass")
    strings = text.split(_SEPARATOR) if string_count else []
    if len(strings) != string_count:
        return None
    ints = array(_INTS, data[ints_at:])
    _little_endian(ints)
    sections: list[array[int]] = []
    start = 0
    for size in sizes:
        sections.append(ints[start : start + size])
        start += size
    for counted, total in ((2, body), (4, chrome), (7, stated)):
        if sum(sections[counted]) != total:
            return None
    # An index past the strings raises IndexError.
    return _Parsed(strings, [None, *strings], sections, problems)


def _evidence(parsed: _Parsed) -> BlockEvidence:
    strings, nullable, sections = parsed.strings, parsed.nullable, parsed.sections
    stated_counts, stated_shape, quoted_shape, quoted_place, stated_place = (
        sections[7],
        sections[8],
        sections[10],
        sections[11],
        sections[12],
    )
    anchors = zip(
        _strings(strings, quoted_shape[1::_QUOTED_SHAPE]),
        _strings(nullable, quoted_shape[2::_QUOTED_SHAPE]),
        _strings(nullable, quoted_shape[3::_QUOTED_SHAPE]),
        [None if number == 0 else number - 1 for number in quoted_shape[4::_QUOTED_SHAPE]],
        strict=True,
    )
    values: list[tuple[Span, str | None] | AnchorProblem] = list(
        zip(
            map(Span, quoted_place[0::_QUOTED_PLACE], quoted_place[1::_QUOTED_PLACE]),
            _strings(nullable, quoted_shape[5::_QUOTED_SHAPE]),
            strict=True,
        )
    )
    for index, problem in parsed.problems:
        values[index] = problem
    quoted: list[Quoted] = list(
        zip(_strings(strings, quoted_shape[0::_QUOTED_SHAPE]), anchors, values, strict=True)
    )
    shape = [stated_shape[field::_STATED_SHAPE] for field in range(_STATED_SHAPE)]
    positions: list[Position] = list(
        zip(
            _strings(strings, shape[0]),
            _strings(strings, shape[1]),
            _strings(nullable, shape[2]),
            _strings(nullable, shape[3]),
            _strings(nullable, shape[4]),
            stated_place[0::_STATED_PLACE],
            stated_place[1::_STATED_PLACE],
            _strings(strings, stated_place[2::_STATED_PLACE]),
            strict=True,
        )
    )
    return BlockEvidence(quoted, _split(positions, stated_counts))


def _contribution(parsed: _Parsed) -> BlockContribution:
    evidence = _evidence(parsed)
    strings, nullable = parsed.strings, parsed.nullable
    (printed_at, printed_as_at, body_counts, body_at, chrome_counts, chrome_at, forms_at) = (
        parsed.sections[:7]
    )
    links = zip(
        _split(_strings(strings, body_at), body_counts),
        _split(_strings(strings, chrome_at), chrome_counts),
        strict=True,
    )
    return BlockContribution(
        quoted=evidence.quoted,
        positions=evidence.positions,
        printed=_strings(strings, printed_at),
        printed_as=list(
            zip(
                _strings(strings, printed_as_at[0::2]),
                _strings(nullable, printed_as_at[1::2]),
                strict=True,
            )
        ),
        links=list(links),
        forms=list(
            zip(_strings(strings, forms_at[0::2]), _strings(strings, forms_at[1::2]), strict=True)
        ),
        used=_strings(strings, parsed.sections[9]),
    )


def _strings(table: Sequence[_S], indices: array[int]) -> list[_S]:
    return list(map(table.__getitem__, indices))


def _split(values: list[_T], counts: array[int]) -> list[list[_T]]:
    return [values[end - size : end] for size, end in zip(counts, accumulate(counts), strict=True)]


def _little_endian(ints: array[int]) -> None:
    """Turn ``ints`` from or to little-endian order, in which they are kept."""
    if sys.byteorder == "big":
        ints.byteswap()
