"""A folder's content digested as one value: every name, and each file's bytes or identity.

Links, FIFOs, sockets and devices are refused rather than followed, since a contributed
checkout may hold any of them; the caller then treats the folder as changed.

A file's identity on disk (device, inode, size, modification and change times) stands for
its bytes once it is settled: any write sets the change time (``st_ctime``) to the clock,
and no program can set it back. A file changed in the last :data:`SETTLING_NS` may share
its change time with a later write on a file system whose clock is coarse, so such a file
is *racy*, as git calls it: its bytes are read instead.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import NamedTuple, Protocol

# Two seconds: the coarsest change-time clock of a common file system (FAT) and then some.
SETTLING_NS = 2_000_000_000

Identity = tuple[int, int, int, int, int]
# The identity of each regular file below a folder, by relative path, from one look: what a
# run that has just looked at the folder hands on, so that no file is looked at twice.
Snapshot = Mapping[str, Identity]


class SpecialFile(Exception):
    """A link, FIFO, socket or device below the folder."""


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...


class Found(NamedTuple):
    """One thing below a folder: its relative path (``/`` after a folder's) and, for a file,
    its path and identity. A tuple: a corpus has a hundred thousand of them."""

    relative: str
    path: str | None
    identity: Identity | None


class Digested(NamedTuple):
    read: list[str]
    all_settled: bool


def identity(status: os.stat_result) -> Identity:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def identity_of(path: str | os.PathLike[str]) -> Identity | None:
    """The identity of the file at ``path``; None unless it is a regular file (links are not)."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return identity(status) if stat.S_ISREG(status.st_mode) else None


def identity_in(snapshot: Snapshot | None, relative: str, path: str) -> Identity | None:
    """The identity of ``relative`` in ``snapshot``, or of the file at ``path`` when the
    snapshot does not hold it (none given, or a file made since)."""
    found = snapshot.get(relative) if snapshot is not None else None
    return found if found is not None else identity_of(path)


def settled(found: Identity, now_ns: int) -> bool:
    """Whether a file of this identity, seen at ``now_ns``, has not changed for long enough."""
    return now_ns - found[4] >= SETTLING_NS


def walk(folder: Path) -> list[Found]:
    """Everything below ``folder``, sorted by relative path; raises OSError or SpecialFile."""
    root = os.fspath(folder)
    return [
        Found(relative, None, None)
        if found is None
        else Found(relative, os.path.join(root, relative), found)
        for relative, found in _entries(root)
    ]


def _entries(root: str) -> list[tuple[str, Identity | None]]:
    # What ``walk`` gives, as plain tuples without the path (made only where a file is
    # read): a corpus has a hundred thousand files, and a named tuple or a path per file
    # costs more than the look at the file.
    found: list[tuple[str, Identity | None]] = []
    add = found.append
    pending = [(root, "")]
    is_file, is_folder = stat.S_ISREG, stat.S_ISDIR
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                status = entry.stat(follow_symlinks=False)
                mode = status.st_mode
                if is_file(mode):
                    add((prefix + entry.name, identity(status)))
                elif is_folder(mode):
                    relative = prefix + entry.name + "/"
                    add((relative, None))
                    pending.append((entry.path, relative))
                else:
                    raise SpecialFile(prefix + entry.name)
    found.sort()  # by relative path: no two are equal
    return found


def digest_identities(
    digest: _Digest,
    folder: Path,
    by_content: Collection[str] = (),
    settled_digest: _Digest | None = None,
    snapshot: dict[str, Identity] | None = None,
) -> Digested:
    """Feed ``digest`` every name below ``folder`` and each settled file's identity.

    A racy file, and each file named in ``by_content``, gives its bytes instead. Returns the
    relative paths of the files that gave their bytes (a later digest of the same folder
    equals this one only when given them as ``by_content``), and whether every file has
    settled. ``settled_digest``, when given, is fed every name and every file's identity,
    from the same look at each file: the digest once the files are settled. ``snapshot``,
    when given, receives the identity of every file. Raises ``OSError`` or ``SpecialFile``.
    """
    racy_after = time.time_ns() - SETTLING_NS
    read: list[str] = []
    all_settled = True
    # Each name with the file's identity; gathered and fed at once: one update per file
    # would cost more than the look at it.
    settled_parts: list[bytes] = []
    # The parts whose file gives its bytes instead, by index.
    by_bytes: dict[int, bytes] = {}
    root = os.fspath(folder)
    for relative, found in _entries(root):
        name = relative.encode("utf-8", "surrogateescape") + b"\0"
        if found is None:
            settled_parts.append(name)
            continue
        if snapshot is not None:
            snapshot[relative] = found
        racy = found[4] > racy_after  # as ``settled`` tells, without a call per file
        all_settled = all_settled and not racy
        if racy or relative in by_content:
            read.append(relative)
            with open(os.path.join(root, relative), "rb") as file:
                content = file.read()
            by_bytes[len(settled_parts)] = b"%sB%s%s" % (
                name,
                len(content).to_bytes(8, "big"),
                content,
            )
        settled_parts.append(b"%sI%d\0%d\0%d\0%d\0%d\0" % (name, *found))
    settled_bytes = b"".join(settled_parts)
    if by_bytes:
        for index, part in by_bytes.items():
            settled_parts[index] = part
        digest.update(b"".join(settled_parts))
    else:
        digest.update(settled_bytes)
    if settled_digest is not None:
        settled_digest.update(settled_bytes)
    return Digested(read, all_settled)


# Where the platform has it, a link is refused by open itself, between no check and the read.
_NO_LINK = getattr(os, "O_NOFOLLOW", 0)
_READ_FLAGS = os.O_RDONLY | _NO_LINK | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def plain_file_bytes(path: Path, cap: int) -> bytes | None:
    """The bytes of ``path`` when it is a regular file, not a link, of at most ``cap`` bytes;
    None otherwise, or when it cannot be read. A FIFO in its place is not waited for."""
    found = plain_file(path, cap)
    return found[0] if found is not None else None


def plain_file(path: Path, cap: int) -> tuple[bytes, Identity] | None:
    """The bytes of ``path``, as :func:`plain_file_bytes` reads them, and the identity the
    file had before they were read: any write since gives it another."""
    try:
        if not _NO_LINK and path.is_symlink():
            return None
        with open(os.open(path, _READ_FLAGS), "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > cap:
                return None
            # A read of ``cap`` bytes would allocate them all for every small file; a file
            # that grew since ``fstat`` is read on, up to one byte past the cap.
            data = file.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += file.read(cap + 1 - len(data))
    except OSError:
        return None
    return (data, identity(info)) if len(data) <= cap else None
