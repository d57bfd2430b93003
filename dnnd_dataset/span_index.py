"""Containment questions over many spans, answered after one sort instead of pair by pair.

A text may hold tens of thousands of occurrences of one name under ``all: true``; comparing
every span with every other would be quadratic. Sorted by start, with the running maximum
of the ends, "does any span contain [start, end)?" is one binary search.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from typing import Protocol


class Span(Protocol):
    """Anything with code-point bounds: a resolved quote, a drafted hit."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


class SpanIndex:
    """Answers whether some span of a fixed set contains a given range."""

    def __init__(self, spans: Iterable[Span]) -> None:
        ordered = sorted((span.start, span.end) for span in spans)
        self._starts = [start for start, _ in ordered]
        # _reach[i]: the furthest end among the first i + 1 spans by start.
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))

    def contains(self, start: int, end: int) -> bool:
        """True when some span ``s`` has ``s.start <= start`` and ``end <= s.end``."""
        count = bisect.bisect_right(self._starts, start)
        return count > 0 and self._reach[count - 1] >= end


def strictly_inside_another(spans: Sequence[Span]) -> list[bool]:
    """For each span, whether a different span of ``spans`` contains it.

    A sweep by start (longer first on equal starts): a span is inside another exactly when
    an earlier span with other bounds reaches at least as far. Equal spans do not count
    as containing each other.
    """
    order = sorted(range(len(spans)), key=lambda i: (spans[i].start, -spans[i].end))
    inside = [False] * len(spans)
    reach = -1  # furthest end among spans before the current run of equal spans
    run_reach = -1
    previous: Span | None = None
    for i in order:
        span = spans[i]
        if span != previous:
            reach = max(reach, run_reach)
            run_reach = span.end
            previous = span
        inside[i] = reach >= span.end
    return inside


class LineIndex:
    """1-based line and column of code-point offsets into one text, each in log time."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n")]

    def line_and_column(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1
