"""Per-document counts held as tuples of numbers under shared column names.

A corpus of 50,000 articles has two small dictionaries of counts per article (the coverage
and the card's counts): as dictionaries they take several times the room of the numbers
themselves. Here each document keeps a tuple of its numbers and the index of its columns'
names, which every document with the same columns shares; the dictionaries are made once,
at the end of the run, for the report.
"""

from __future__ import annotations

from collections.abc import Mapping


class CountsTable:
    """Document -> column -> count, added one document at a time, in the documents' order."""

    def __init__(self) -> None:
        self._shapes: dict[tuple[str, ...], int] = {}
        self._names: list[tuple[str, ...]] = []
        self._rows: dict[str, tuple[int, tuple[int, ...]]] = {}

    def add(self, stem: str, counts: Mapping[str, int]) -> None:
        names = tuple(counts)
        shape = self._shapes.get(names)
        if shape is None:
            shape = self._shapes[names] = len(self._names)
            self._names.append(names)
        self._rows[stem] = (shape, tuple(counts.values()))

    def add_columns(self, stems: list[str], columns: Mapping[str, list[int]]) -> None:
        """Documents given as one list of values per column, in the order of ``stems``."""
        names = tuple(columns)
        for index, stem in enumerate(stems):
            self.add(stem, {name: columns[name][index] for name in names})

    def __len__(self) -> int:
        return len(self._rows)

    def as_dicts(self) -> dict[str, dict[str, int]]:
        return {
            stem: dict(zip(self._names[shape], values, strict=True))
            for stem, (shape, values) in self._rows.items()
        }
