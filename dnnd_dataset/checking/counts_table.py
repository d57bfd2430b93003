"""Per-document counts held as columns of numbers, read as a mapping of dictionaries.

A corpus of 50,000 articles has two small dictionaries of counts per article (the coverage
and the card's counts): as dictionaries they take several times the room of the numbers
themselves, and making them costs more than the rest of a rebuild that reuses every block.
Here documents with the same column names share a *part*: their ids in order and one list
of numbers per column, as a block reused from the cache gives them. A document's dictionary
is made only when it is asked for; the stamp and the card read the columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Part:
    """Documents that share their column names: one list of counts per column."""

    names: tuple[str, ...]
    stems: list[str] = field(default_factory=list)
    columns: list[list[int]] = field(default_factory=list)


class CountsTable(Mapping[str, dict[str, int]]):
    """Document -> column -> count, added one document or one block at a time.

    Read as a mapping it is the dictionary of dictionaries the report has always held, in the
    order the documents were added. A run adds each document once.
    """

    def __init__(self) -> None:
        self.parts: list[Part] = []
        # document -> (part, row), made when first read and dropped by any addition.
        self._index: dict[str, tuple[int, int]] | None = None

    def add(self, stem: str, counts: Mapping[str, int]) -> None:
        self._index = None
        names = tuple(counts)
        part = self.parts[-1] if self.parts and self.parts[-1].names == names else None
        if part is None:
            part = Part(names, [], [[] for _ in names])
            self.parts.append(part)
        part.stems.append(stem)
        for column, value in zip(part.columns, counts.values(), strict=True):
            column.append(value)

    def add_columns(self, stems: list[str], columns: Mapping[str, Sequence[int]]) -> None:
        """Documents given as one list of values per column, in the order of ``stems``."""
        if any(len(values) != len(stems) for values in columns.values()):
            raise ValueError("every column needs one value per document")
        self._index = None
        names = tuple(columns)
        if self.parts and self.parts[-1].names == names:
            part = self.parts[-1]
            part.stems += stems
            for column, values in zip(part.columns, columns.values(), strict=True):
                column += values
        else:
            self.parts.append(
                Part(names, list(stems), [list(values) for values in columns.values()])
            )

    def _located(self) -> dict[str, tuple[int, int]]:
        if self._index is None:
            self._index = {}
            for number, part in enumerate(self.parts):
                rows = range(len(part.stems))
                self._index.update(zip(part.stems, ((number, row) for row in rows), strict=True))
        return self._index

    def __getitem__(self, stem: str) -> dict[str, int]:
        number, row = self._located()[stem]
        part = self.parts[number]
        return {name: column[row] for name, column in zip(part.names, part.columns, strict=True)}

    def __iter__(self) -> Iterator[str]:
        return iter(self._located())

    def __len__(self) -> int:
        return len(self._located())

    def __repr__(self) -> str:
        return f"CountsTable({dict(self.items())!r})"

    def compact(self) -> dict[str, Any]:
        """As ``{"names": [[column, ...], ...], "parts": [[names index, [document, ...],
        [count, ...] per column...], ...]}``: a few lists for the whole corpus, for a file."""
        shapes: dict[tuple[str, ...], int] = {}
        parts = [
            [shapes.setdefault(part.names, len(shapes)), part.stems, *part.columns]
            for part in self.parts
        ]
        return {"names": [list(names) for names in shapes], "parts": parts}

    @classmethod
    def from_compact(cls, compact: Any) -> CountsTable | None:
        """The table :meth:`compact` gave; None when ``compact`` is not such a value (it comes
        from a file, so it may be anything)."""
        if not isinstance(compact, dict):
            return None
        shapes, parts = compact.get("names"), compact.get("parts")
        if not isinstance(shapes, list) or not isinstance(parts, list):
            return None
        if not all(
            isinstance(names, list) and all(isinstance(name, str) for name in names)
            for names in shapes
        ):
            return None
        table = cls()
        for part in parts:
            if not isinstance(part, list) or len(part) < 2:
                return None
            shape, stems, columns = part[0], part[1], part[2:]
            if type(shape) is not int or not 0 <= shape < len(shapes):
                return None
            names = shapes[shape]
            if len(set(names)) != len(names):
                return None
            if not isinstance(stems, list) or not all(type(stem) is str for stem in stems):
                return None
            if len(columns) != len(names) or not all(
                isinstance(column, list)
                and len(column) == len(stems)
                and all(type(value) is int for value in column)
                for column in columns
            ):
                return None
            table.add_columns(stems, dict(zip(names, columns, strict=True)))
        return table
