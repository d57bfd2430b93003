"""A cache of per-document check results, keyed by content, so that rebuilds redo only what changed.

An entry is found by the SHA-256 of the checking code, the raw folder as given, the article
id and the bytes of the text and of the annotation; it is used only when the registry
entries that the document's checks read (its ``used`` ids) still have the content they had,
compared by a digest. The build date and the coverage, which depend on the whole registry,
are checked afresh on every run, so an entry never changes what a build reports or writes.

A cache is a file anyone may hand over (committed to a repository, copied from another
machine), so an entry is trusted for nothing. It is data, never code (``cache_entry``: JSON
read through a strict schema), and it is sealed with an HMAC-SHA256 of its key and its
bytes under a secret made once per user (``entry-key`` in the user's cache folder, 32
random bytes readable by the user alone, never beside a corpus). An entry whose seal does
not match its key, such as another document's or another corpus's entry, one made
elsewhere or with another secret, or a damaged one, is left unread: the document is checked
afresh and its entry written again. A database that git tracks is neither read nor written.

By default each corpus has its own folder in the user's cache folder
(``platformdirs.user_cache_dir``), named by a digest of the raw folder's resolved path;
``--cache DIR`` names another. A folder the cache makes gets a ``.gitignore`` of ``*``.

Entries are kept in one SQLite database per version of the checking code,
``<folder>/documents-<code>.sqlite3``, a few documents to a transaction: a file per entry
made creating files most of what the cache cost, and SQLite lets the worker processes write
side by side. The run's main process makes the database before any worker opens it, and a
worker retries a write that finds the database busy, so that workers under load keep their
entries. Entries that a whole run did not use are deleted after it, and so are the
databases of other versions (those marked as the cache's). A cache that cannot be opened,
read or written only costs time: the documents are checked afresh.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import re
import sqlite3
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import yaml

from dnnd_dataset.reading.raw_loading import DocumentFiles
from dnnd_dataset.sealing import (
    _ignored_by_git,
    entry_secret,
    user_cache,
)

_PACKAGE = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def environment_description() -> str:
    """Python, its Unicode data and the libraries whose versions can change a result."""
    versions = []
    for name in ("pydantic", "pydantic-core", "PyYAML", "pyahocorasick", "pyarrow"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return f"{sys.version}\0{unicodedata.unidata_version}\0{yaml.__with_libyaml__}\0" + ",".join(
        versions
    )


def _code_digest() -> bytes:
    # Reading and checking code decides what an entry holds, and so do the libraries and the
    # Unicode data the tokens come from: any change to them starts afresh.
    digest = hashlib.sha256(environment_description().encode())
    for path in sorted(
        [*_PACKAGE.glob("*.py"), *_PACKAGE.glob("reading/*.py"), *_PACKAGE.glob("checking/*.py")]
    ):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.digest()


CODE_DIGEST = _code_digest()


def document_key(raw: str, stem: str, files: DocumentFiles) -> str:
    """The key of a document's text and annotation, from the bytes that are then checked.

    ``raw`` is the raw folder as given: problems name their files by it.
    """
    digest = hashlib.sha256(CODE_DIGEST)
    digest.update(f"{raw}\0{stem}\0".encode())
    for content in (files.text, files.annotation):
        digest.update(len(content).to_bytes(8, "big"))
        digest.update(content)
    return digest.hexdigest()


def default_folder(raw: Path) -> Path:
    """The cache of the corpus in ``raw`` unless told otherwise: its own, in the user's folder.

    Never beside the corpus, where a checkout could bring one along.
    """
    name = hashlib.sha256(str(Path(raw).resolve()).encode()).hexdigest()[:32]
    return user_cache() / "corpora" / name


def usable_cache(folder: Path | None) -> Path | None:
    """``folder``, or None when git tracks a file in it (its database, the up-to-date stamps):
    a cache that came with a checkout is neither read nor written."""
    if folder is None or not _tracked_by_git(Path(folder).resolve()):
        return folder
    return None


def _tracked_by_git(path: Path) -> bool:
    """Whether git tracks ``path``; without git, or outside a work tree, it does not."""
    if not path.parent.is_dir():
        return False
    try:
        done = subprocess.run(
            # No fsmonitor: a repository's configuration must not start a program.
            ["git", "-c", "core.fsmonitor=false", "ls-files", "--error-unmatch", "--", path.name],
            cwd=path.parent,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


class DocumentCache:
    """The entries in ``folder``; ``None`` as folder gives a cache that keeps nothing.

    Open it in each process that uses it, and close it after the run (or use ``with``).
    ``folder`` becomes None when the cache cannot be opened. Only entries that this user's
    cache wrote for a key are ever given back for it.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self._secret = b""
        if folder is not None:
            with contextlib.suppress(OSError, sqlite3.Error):
                self._secret = entry_secret()
                self._db = _retried(lambda: _open(folder))
        if self._db is None:
            self.folder = None

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The entries found for ``keys``; absent, unreadable or unsealed ones are left out."""
        wanted = list(keys)
        if self._db is None or not wanted:
            return {}
        db = self._db
        try:
            found = _retried(
                lambda: db.execute(
                    f"SELECT key, value FROM entries WHERE key IN ({', '.join('?' * len(wanted))})",
                    wanted,
                ).fetchall()
            )
        except sqlite3.Error:
            return {}  # these documents are checked afresh
        opened = {key: self._opened(key, value) for key, value in found}
        return {key: entry for key, entry in opened.items() if entry is not None}

    def present(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` that have an entry, read or not: a hint that may be stale."""
        wanted = list(keys)
        if self._db is None:
            return set()
        db, found = self._db, set[str]()

        def query(some: list[str]) -> list[tuple[str]]:
            marks = ", ".join("?" * len(some))
            return db.execute(f"SELECT key FROM entries WHERE key IN ({marks})", some).fetchall()

        try:
            for start in range(0, len(wanted), _KEYS_PER_QUERY):
                some = wanted[start : start + _KEYS_PER_QUERY]
                found.update(key for (key,) in _retried(functools.partial(query, some)))
        except sqlite3.Error:
            return set()
        return found

    def empty(self) -> bool:
        """Whether the cache holds no entry: a hint, as :meth:`present` gives. A cache that
        keeps nothing, or cannot be read, is empty."""
        if self._db is None:
            return True
        db = self._db
        try:
            return _retried(lambda: db.execute("SELECT 1 FROM entries LIMIT 1").fetchone()) is None
        except sqlite3.Error:
            return True

    def put_many(self, entries: dict[str, bytes]) -> None:
        if self._db is None or not entries:
            return
        db = self._db
        sealed = [(key, self._seal(key, entry)) for key, entry in entries.items()]

        def write() -> None:
            with _transaction(db):
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", sealed)

        # A write that cannot be made only costs time: the next run checks these again.
        with contextlib.suppress(sqlite3.Error):
            _retried(write)

    def _seal(self, key: str, entry: bytes) -> bytes:
        return _mac(self._secret, key, entry) + entry

    def _opened(self, key: str, value: object) -> bytes | None:
        """The entry that ``value`` seals for ``key``, or None."""
        if not isinstance(value, bytes) or len(value) < MAC_SIZE:
            return None
        mac, entry = value[:MAC_SIZE], value[MAC_SIZE:]
        return entry if hmac.compare_digest(mac, _mac(self._secret, key, entry)) else None

    def keep_only(self, keys: Iterable[str | None]) -> None:
        """Delete the entries whose key is not in ``keys``, and the older layout's files."""
        if self.folder is None or not self.folder.is_dir():
            return
        _forget_other_versions(self.folder)
        for path in self.folder.iterdir():
            if _OLD_ENTRY.match(path.name):
                path.unlink(missing_ok=True)
        if self._db is None:
            return
        db, kept = self._db, set(keys)

        def delete() -> None:
            # The keys alone come from the index; the entries are touched only to be deleted
            # (few, after a small change).
            stale = [(key,) for (key,) in db.execute("SELECT key FROM entries") if key not in kept]
            with _transaction(db):
                db.executemany("DELETE FROM entries WHERE key = ?", stale)
            # Run to its end (a cursor would step it once, freeing one page): every page
            # the deleted entries held goes back to the file system.
            db.executescript("PRAGMA incremental_vacuum;")

        with contextlib.suppress(sqlite3.Error):
            _retried(delete)

    def keys(self) -> set[str]:
        """The keys of every entry."""
        if self._db is None:
            return set()
        return {key for (key,) in self._db.execute("SELECT key FROM entries")}

    def __enter__(self) -> DocumentCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


# One database per version of the checking code: every entry of another version is stale,
# and a whole file goes at once, where deleting its entries one by one took minutes.
DATABASE = f"documents-{CODE_DIGEST.hex()[:16]}.sqlite3"
# The cache's databases of any version, with their write-ahead logs and shared memory.
_DATABASES = re.compile(r"documents(-[0-9a-f]{16})?\.sqlite3(-wal|-shm)?")
# Where SQLite writes a database's application id: 4 bytes, big-endian, in its header.
_APPLICATION_ID_AT = 68
# Marks the database as the cache's ("dnnd" in ASCII): no other database is written to.
APPLICATION_ID = 0x646E6E64
# Entries of the layout before the database: one pickle file each.
_OLD_ENTRY = re.compile(r"^(\.[0-9a-f]{64}\.[0-9a-f]{12}\.tmp|[0-9a-f]{64}\.pickle)$")


# Keys asked for in one query: under SQLite's least limit on the parameters of a statement.
_KEYS_PER_QUERY = 30_000
# An entry's seal: HMAC-SHA256 of its key and bytes, before the bytes.
MAC_SIZE = 32
# Attempts at an operation that finds the database busy, and the first pause between two.
ATTEMPTS = 8
PAUSE = 0.05


def _mac(secret: bytes, key: str, entry: bytes) -> bytes:
    return hmac.digest(secret, key.encode() + b"\0" + entry, "sha256")


def _retried(operation: Callable[[], T]) -> T:
    """``operation``, tried again while the database is busy, a bounded number of times.

    SQLite waits for a lock (the connection's timeout), except where waiting could deadlock
    or while another connection sets the database up: then it fails at once, and the
    pauses here, doubling from PAUSE, give the other process time to finish.
    """
    for attempt in range(ATTEMPTS):
        try:
            return operation()
        except sqlite3.OperationalError as error:
            busy = "locked" in str(error) or "busy" in str(error)
            if not busy or attempt == ATTEMPTS - 1:
                raise
            time.sleep(PAUSE * 2**attempt)
    raise AssertionError("unreachable")


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE: take the write lock at the start, waiting for another worker's transaction,
    # instead of failing when a read turns into a write. A failed COMMIT is rolled back too:
    # an open transaction would hold the lock that the other workers wait for.
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise


class _NotOurs(sqlite3.DatabaseError):
    """The folder holds a database by that name that the cache did not create."""


def _open(folder: Path) -> sqlite3.Connection:
    """The cache's database in ``folder``, created when absent.

    Raises ``sqlite3.Error`` for a file that is not a database, a database that is not the
    cache's, or one that cannot be locked: the run then goes without a cache, and the file
    is left as it is.
    """
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        _ignored_by_git(folder)
    for path in (folder / DATABASE, folder / f"{DATABASE}-wal", folder / f"{DATABASE}-shm"):
        if path.is_symlink():  # SQLite would create or write the file at the link's target
            raise _NotOurs(f"{path} is a symbolic link")
    # Autocommit, with explicit transactions; wait for the other workers' short writes.
    db = sqlite3.connect(folder / DATABASE, timeout=60, isolation_level=None)
    try:
        # Settings change the file: first make sure it is ours, or empty.
        if not _ours_or_empty(db):
            raise _NotOurs(f"{folder / DATABASE} is not the cache's database")
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # counts only before the first table
        db.execute("PRAGMA journal_mode = WAL")  # readers and one writer side by side
        # With WAL, a crash of the machine may lose the last entries but not damage the file;
        # the file is synced at checkpoints, made every 64 MiB of entries rather than 4 MiB.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA wal_autocheckpoint = 16384")
        with _transaction(db):  # one worker creates the table, the others find it
            if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                if not _ours_or_empty(db):  # another process made it something else
                    raise _NotOurs(f"{folder / DATABASE} is not the cache's database")
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    except BaseException:
        db.close()
        raise
    return db


def _forget_other_versions(folder: Path) -> None:
    """Delete the databases of other versions of the code that are marked as the cache's."""
    names = {path.name for path in folder.iterdir() if _DATABASES.fullmatch(path.name)}
    for name in sorted(names):
        if name.startswith(DATABASE) or name.endswith(("-wal", "-shm")):
            continue
        with contextlib.suppress(OSError):  # what cannot be deleted only takes room
            _forget(folder, name, names)


def _forget(folder: Path, name: str, names: set[str]) -> None:
    path = folder / name
    if path.is_symlink() or not path.is_file() or not _marked_as_ours(path):
        return
    # The log and shared memory first: a log left without its database would be taken for
    # the log of a new database of that name.
    for companion in (f"{name}-wal", f"{name}-shm"):
        companion_path = folder / companion
        if companion in names and not companion_path.is_symlink():
            companion_path.unlink(missing_ok=True)
    path.unlink(missing_ok=True)


def _marked_as_ours(path: Path) -> bool:
    with path.open("rb") as file:
        header = file.read(_APPLICATION_ID_AT + 4)
    return (
        header.startswith(b"SQLite format 3\0")
        and int.from_bytes(header[_APPLICATION_ID_AT:], "big") == APPLICATION_ID
    )


def _ours_or_empty(db: sqlite3.Connection) -> bool:
    # One statement, one snapshot: read in two, the mark before another process made the
    # database and its table after, a database being made looked like someone else's.
    owner, tables = db.execute(
        "SELECT (SELECT application_id FROM pragma_application_id()),"
        " (SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    return bool(owner == APPLICATION_ID or (owner == 0 and tables == 0))
