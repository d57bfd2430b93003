"""Registry files remembered from an earlier run: a settled file whose identity is the same is
not read or parsed again.

A corpus of 50,000 articles has some 25,000 registry files, and parsing them (with the line
of every node) costs more than all the rest of a one-article rebuild. A file whose identity
on disk (``file_tree``) is the one remembered holds the bytes it held then, so its parsed
data is what parsing it again would give; the entry is validated from that data as usual.
Its line table is read from the file only if a problem is to be located in it.

Only a file that loaded without a problem, was settled when it was seen, and whose data
comes back from JSON equal is remembered. Each file's data is held as its JSON text and
parsed only when its entry is made: the parsed data of every file at once would take more
room than the entries made of it, and Python keeps the room once freed.
"""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path
from typing import Any

from dnnd_dataset.file_tree import Identity, Snapshot, identity_in, settled
from dnnd_dataset.reading.rawio import LoadedYaml, Loc, RawFileError, load_yaml

# "<registry>/<file name>" -> (its identity, its parsed data as JSON text, the SHA-256 of
# its bytes)
KnownFiles = dict[str, tuple[Identity, str, str]]


class RegistryMemo:
    """What an earlier run remembered (``known``), and what this run saw (``seen``).

    ``digests`` receives the SHA-256 of the bytes of every file that loaded without a
    problem, remembered or read: what the registries are, for the keys of kept blocks.
    """

    def __init__(self, known: KnownFiles | None = None, snapshot: Snapshot | None = None) -> None:
        self.known: KnownFiles = known or {}
        self.seen: KnownFiles = {}
        self.now = time.time_ns()
        self.snapshot = snapshot
        self.digests: dict[str, str] = {}

    def identity(self, relative: str, path: str) -> Identity | None:
        """The identity of the file ``relative`` to the raw folder, at ``path``."""
        return identity_in(self.snapshot, relative, path)

    def data(self, key: str, identity: Identity | None) -> tuple[Any, str] | None:
        """The remembered data and digest of a file of this identity now, or None."""
        found = self.known.get(key)
        if found is None or identity is None or found[0] != identity:
            return None
        if not settled(identity, self.now):
            return None
        try:
            return json.loads(found[1]), found[2]
        except (ValueError, RecursionError):
            del self.known[key]  # the file is read, and its data remembered afresh
            return None

    def remember(self, key: str, identity: Identity | None, data: Any, digest: str) -> None:
        """A file that loaded without a problem: its data and the SHA-256 of its bytes."""
        self.digests[key] = digest
        if identity is None or not settled(identity, self.now):
            return
        known = self.known.get(key)
        # Data that came from the memo came from its text: the text is kept as it is.
        if known is not None and known[0] == identity and known[2] == digest:
            text: str | None = known[1]
        else:
            text = _json_text(data)
        if text is not None:
            self.seen[key] = (identity, text, digest)


def _json_text(data: Any) -> str | None:
    """``data`` as JSON text, or None when the text would not give it back equal or is not
    UTF-8 (a lone surrogate escaped in YAML)."""
    try:
        text = json.dumps(data, allow_nan=False, ensure_ascii=False)
        text.encode("utf-8")
        return text if json.loads(text) == data else None
    except (TypeError, ValueError, RecursionError):
        return None


class FileLines(LoadedYaml):
    """A file's data as remembered, and its line table read from the file when first asked.

    The file is the one read (same identity); should it have changed since, its lines are
    those of the file as it is then, and a line it no longer has (or a file that is gone or
    no longer a regular file) reads 1.
    """

    def __init__(self, data: Any, path: Path, shown: str) -> None:
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_shown", shown)
        object.__setattr__(self, "_table", None)

    @property
    def lines(self) -> dict[Loc, int]:
        table: dict[Loc, int] | None = object.__getattribute__(self, "_table")
        if table is None:
            try:
                # Only a regular file: one put in its place since (a FIFO) is not waited for.
                if not stat.S_ISREG(self._path.stat().st_mode):
                    raise RawFileError([])
                table = load_yaml(self._path, self._shown).lines
            except (RawFileError, OSError, RecursionError):
                table = {}
            object.__setattr__(self, "_table", table)
        return table

    _path: Path
    _shown: str
