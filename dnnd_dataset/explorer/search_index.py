"""The search index of the site: every name of every person, organization, directive and
meeting, folded so that a query typed without diacritics finds them.

The index is written as JavaScript files (``search/index-NNN.js``) that the index page loads
with ``<script src>``: a page opened from ``file://`` may load scripts beside it but not
fetch JSON. Each file holds at most :data:`ENTRIES_PER_FILE` entries, so no file grows with
the corpus past a fixed size.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dnnd_dataset.explorer.collation import sort_key
from dnnd_dataset.textnorm import normalize

ENTRIES_PER_FILE = 4000

# Letters that NFD does not split into a base letter and a mark.
_UNMARKED = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str) -> str:
    """``text`` as the search compares it: look-alikes mapped, diacritics and case dropped,
    spaces collapsed. ``static/search.js`` folds queries the same way."""
    decomposed = unicodedata.normalize("NFD", normalize(text).translate(_UNMARKED))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True)
class Entry:
    """One searchable record: its kind, the name shown, every name it goes by, its page."""

    kind: str
    name: str
    names: tuple[str, ...]
    url: str
    detail: str = ""

    def row(self) -> list[str]:
        keys = dict.fromkeys(fold(n) for n in (self.name, *self.names))
        return [self.kind, self.name, " | ".join(keys), self.url, self.detail]


def script_files(entries: Iterable[Entry]) -> list[tuple[str, str]]:
    """``(relative path, content)`` of the index scripts, in load order."""
    # Vietnamese order: search.js keeps it among results of the same rank.
    rows = [e.row() for e in sorted(entries, key=lambda e: (sort_key(e.name), e.kind, e.url))]
    chunks: Sequence[list[list[str]]] = [
        rows[i : i + ENTRIES_PER_FILE] for i in range(0, len(rows), ENTRIES_PER_FILE)
    ] or [[]]
    return [
        (
            f"search/index-{number:03d}.js",
            "window.dnndSearch = (window.dnndSearch || []).concat("
            + json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
            + ");\n",
        )
        for number, chunk in enumerate(chunks)
    ]
