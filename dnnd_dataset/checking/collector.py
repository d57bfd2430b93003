"""The cyclic garbage collector's settings while documents are checked."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# Allocations between two collections of the youngest generation (CPython's default: 700).
GC_THRESHOLD = 50_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run with the cyclic garbage collector at rest between large batches of allocations.

    Checking a thousand documents makes millions of short-lived lists and tuples and no
    cycles among them; at the default thresholds the collector scans the long-lived
    registries and rows over and over, a third of the time. The caller's settings return.
    """
    threshold = gc.get_threshold()
    rest_collector()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def rest_collector() -> None:
    """Collect the youngest generation every :data:`GC_THRESHOLD` allocations."""
    gc.set_threshold(GC_THRESHOLD, 20, 20)
