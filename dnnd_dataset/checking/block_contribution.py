"""What a block of articles gives the checks across documents, and the bytes it is kept as.

A run that makes the registry tables again reads the contribution of every block: at
50,000 articles, nearly a hundred megabytes as JSON, whose parse took most of a
one-document rebuild. Nearly all of it is the same few thousand strings (entity ids,
printed names, titles), repeated. So a contribution is kept as each of its distinct strings
once, then its lists as 64-bit indices into them: the strings are decoded and split in one
call per block, the indices read as an array, and each repeat is a reference to one string.
The quotes of registry evidence, few and of varied shape, stay JSON read through a strict
schema. Every index is looked up in the table, which refuses one outside it: damaged bytes
give no contribution (the block is then checked again), never an error.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TypeVar

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
class BlockContribution:
    """What the documents of a block give the checks across documents and the registry tables.

    Each list in the order the documents gave it. Read only when the registry tables are
    made again: a run whose every block gives what it gave before takes them as they were.
    """

    quoted: list[Quoted]
    printed: list[str]
    # (value, form, or None when it is the value) in the order the documents gave them: the
    # first form of a value counts
    printed_as: list[tuple[str, str | None]]
    # Per document: the entities it links to in its body, and those only in page chrome
    links: list[tuple[list[str], list[str]]]
    # (entity, form)
    forms: list[tuple[str, str]]
    # Per document: the positions it states
    positions: list[list[Position]]
    # The registry entries its documents use, sorted
    used: list[str]


_T = TypeVar("_T")
_S = TypeVar("_S", str, str | None)
_MAGIC = b"dnnd block contribution 1\n"
# Bytes of the quotes' JSON and of the strings; the number of strings; then the counts below.
_HEAD = struct.Struct("<QQQ" + "Q" * 8)
# Unsigned: no index can be negative, and one past the strings is taken for None only where
# a value may be None (see ``_read``).
_INTS = "Q"
_SEPARATOR = "\0"  # no text of the corpus holds a control character (``rawio``)
# The fields of a position: which may be None, which are numbers (the rest are strings).
_POSITION_FIELDS = 8
_NULLABLE_FIELDS = (2, 3, 4)
_NUMBER_FIELDS = (5, 6)
_QUOTED: TypeAdapter[list[Quoted]] = TypeAdapter(list[Quoted], config=ConfigDict(strict=True))


class _Table:
    """The distinct strings of a contribution, each given an index as it first comes; None
    is given the index after them all, known once every string is."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def of(self, value: str | None) -> int | None:
        return None if value is None else self.index.setdefault(value, len(self.index))

    def all(self, values: Iterable[str]) -> list[int]:
        # ``setdefault`` gives a new string the next index: one call per value, none in Python.
        index = self.index
        add = index.setdefault
        return [add(value, len(index)) for value in values]


def contribution_bytes(contribution: BlockContribution) -> bytes | None:
    """``contribution`` as kept, the same bytes on every machine so that its digest names it;
    None when it cannot be kept as such (a string holding the separator, which no valid
    document gives)."""
    table = _Table()
    count = len(contribution.links)
    body = [table.all(entities) for entities, _ in contribution.links]
    chrome = [table.all(entities) for _, entities in contribution.links]
    positions = [
        [
            (*map(table.of, position[:5]), position[5], position[6], table.of(position[7]))
            for position in stated
        ]
        for stated in contribution.positions
    ]
    body_flat = [index for entities in body for index in entities]
    chrome_flat = [index for entities in chrome for index in entities]
    stated_flat = [number for stated in positions for position in stated for number in position]
    # In the order ``_read`` takes them.
    sections: list[Sequence[int | None]] = [
        table.all(contribution.printed),
        [table.of(part) for pair in contribution.printed_as for part in pair],
        [len(entities) for entities in body],
        body_flat,
        [len(entities) for entities in chrome],
        chrome_flat,
        [table.of(part) for pair in contribution.forms for part in pair],
        [len(stated) for stated in positions],
        stated_flat,
        table.all(contribution.used),
    ]
    strings = list(table.index)
    joined = _SEPARATOR.join(strings)
    if joined.count(_SEPARATOR) != max(len(strings) - 1, 0):
        return None
    none = len(strings)
    ints = array(_INTS)
    try:
        for section in sections:
            ints.extend(none if value is None else value for value in section)
        quoted = _QUOTED.dump_json(contribution.quoted)
    except (OverflowError, PydanticSerializationError):
        return None  # an offset outside 64 bits, a surrogate: no valid document gives one
    _little_endian(ints)
    text = joined.encode("utf-8", "surrogatepass")
    head = _HEAD.pack(
        len(quoted),
        len(text),
        len(strings),
        len(contribution.printed),
        len(contribution.printed_as),
        count,
        len(body_flat),
        len(chrome_flat),
        len(contribution.forms),
        len(stated_flat) // _POSITION_FIELDS,
        len(contribution.used),
    )
    return b"".join((_MAGIC, head, quoted, text, ints.tobytes()))


def contribution_of(data: bytes, count: int) -> BlockContribution | None:
    """The contribution of ``count`` documents that ``data`` holds; None when it holds none."""
    try:
        return _read(data, count)
    except (ValueError, struct.error, ValidationError, UnicodeDecodeError, IndexError):
        return None


def _read(data: bytes, count: int) -> BlockContribution | None:
    if not data.startswith(_MAGIC) or array(_INTS).itemsize != 8:
        return None
    at = len(_MAGIC)
    (
        quoted_size,
        text_size,
        string_count,
        printed,
        printed_as,
        documents,
        body,
        chrome,
        forms,
        stated,
        used,
    ) = _HEAD.unpack_from(data, at)
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
        _POSITION_FIELDS * stated,
        used,
    )
    ints_at = at + quoted_size + text_size
    if documents != count or len(data) != ints_at + 8 * sum(sizes):
        return None
    quoted = _QUOTED.validate_json(data[at : at + quoted_size])
    text = data[at + quoted_size : ints_at].decode("utf-8", "surrogatepass")
    strings = text.split(_SEPARATOR) if string_count else []
    if len(strings) != string_count:
        return None
    # An index past the strings raises IndexError; the one just past them is None, read only
    # through ``nullable``.
    nullable: list[str | None] = [*strings, None]
    ints = array(_INTS, data[ints_at:])
    _little_endian(ints)
    parts: list[array[int]] = []
    start = 0
    for size in sizes:
        parts.append(ints[start : start + size])
        start += size
    (
        printed_at,
        printed_as_at,
        body_counts,
        body_at,
        chrome_counts,
        chrome_at,
        forms_at,
        stated_counts,
        stated_at,
        used_at,
    ) = parts
    if sum(body_counts) != body or sum(chrome_counts) != chrome or sum(stated_counts) != stated:
        return None
    columns = [stated_at[field::_POSITION_FIELDS] for field in range(_POSITION_FIELDS)]
    positions: list[Position] = list(
        zip(
            *(
                columns[field]
                if field in _NUMBER_FIELDS
                else _strings(nullable if field in _NULLABLE_FIELDS else strings, columns[field])
                for field in range(_POSITION_FIELDS)
            ),
            strict=True,
        )
    )
    links = zip(
        _split(_strings(strings, body_at), body_counts),
        _split(_strings(strings, chrome_at), chrome_counts),
        strict=True,
    )
    return BlockContribution(
        quoted=quoted,
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
        positions=_split(positions, stated_counts),
        used=_strings(strings, used_at),
    )


def _strings(table: Sequence[_S], indices: array[int]) -> list[_S]:
    return list(map(table.__getitem__, indices))


def _split(values: list[_T], counts: array[int]) -> list[list[_T]]:
    return [values[end - size : end] for size, end in zip(counts, accumulate(counts), strict=True)]


def _little_endian(ints: array[int]) -> None:
    """Turn ``ints`` from or to little-endian order, in which they are kept."""
    if sys.byteorder == "big":
        ints.byteswap()
