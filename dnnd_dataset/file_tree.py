"""A folder's content digested as one value: every name and every file's bytes, in order.

Links, FIFOs, sockets and devices are refused rather than followed, since a contributed
checkout may hold any of them; the caller then treats the folder as changed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Protocol


class SpecialFile(Exception):
    """A link, FIFO, socket or device below the folder."""


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...


def walk(folder: Path) -> list[tuple[str, Path | None]]:
    """(relative path, file or None for a folder) of everything below ``folder``, sorted."""
    found: list[tuple[str, Path | None]] = []
    pending = [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                relative = f"{prefix}{entry.name}"
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    found.append((relative + "/", None))
                    pending.append((Path(entry.path), relative + "/"))
                elif stat.S_ISREG(mode):
                    found.append((relative, Path(entry.path)))
                else:
                    raise SpecialFile(relative)
    return sorted(found, key=lambda item: item[0])


def digest_tree(digest: _Digest, folder: Path) -> None:
    """Feed ``digest`` every name below ``folder`` and each file's length and bytes.

    Raises ``OSError`` or ``SpecialFile``.
    """
    for relative, path in walk(folder):
        digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
        if path is not None:
            content = path.read_bytes()
            digest.update(len(content).to_bytes(8, "big"))
            digest.update(content)
