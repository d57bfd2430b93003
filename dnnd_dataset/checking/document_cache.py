"""A cache of per-document check results, keyed by content, so that rebuilds redo only what changed.

An entry is found by the SHA-256 of the checking code, the article id and the bytes of the
text and of the annotation; it is used only when the registry entries that the document's
checks read (its ``used`` ids) still have the content they had, compared by a digest. The
build date and the coverage, which depend on the whole registry, are checked afresh on every
run, so an entry never changes what a build reports or writes.

Entries, pickled by the pipeline, are kept in one SQLite database,
``<folder>/documents.sqlite3``, a few documents to a transaction: a file per entry made
creating files most of what the cache cost, and SQLite lets the worker processes write side
by side. Entries that a whole run did not use are deleted after it. A cache that cannot be
opened, read or written only costs time: the documents are checked afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path

import yaml

from dnnd_dataset.reading.raw_loading import DocumentFiles

_PACKAGE = Path(__file__).resolve().parents[1]


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


class DocumentCache:
    """The entries in ``folder``; ``None`` as folder gives a cache that keeps nothing.

    Open it in each process that uses it, and close it after the run (or use ``with``).
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        if folder is not None:
            with contextlib.suppress(OSError, sqlite3.Error):
                self._db = _open(folder)

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The entries found for ``keys``; absent or unreadable ones are left out."""
        wanted = list(keys)
        if self._db is None or not wanted:
            return {}
        try:
            found = self._db.execute(
                f"SELECT key, value FROM entries WHERE key IN ({', '.join('?' * len(wanted))})",
                wanted,
            ).fetchall()
        except sqlite3.Error:
            self.close()  # the rest of the run goes without the cache
            return {}
        return dict(found)

    def put_many(self, entries: dict[str, bytes]) -> None:
        if self._db is None or not entries:
            return
        try:
            with _transaction(self._db):
                self._db.executemany(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?)", entries.items()
                )
        except sqlite3.Error:
            self.close()  # a cache that cannot be written only costs time

    def keep_only(self, keys: Iterable[str | None]) -> None:
        """Delete the entries whose key is not in ``keys``, and the older layout's files."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if _OLD_ENTRY.match(path.name):
                path.unlink(missing_ok=True)
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY)")
            with _transaction(self._db):
                self._db.execute("DELETE FROM kept")
                self._db.executemany(
                    "INSERT OR IGNORE INTO kept VALUES (?)", ((k,) for k in keys if k is not None)
                )
                self._db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM kept)")
            # Run to its end (a cursor would step it once, freeing one page): every page
            # the deleted entries held goes back to the file system.
            self._db.executescript("PRAGMA incremental_vacuum;")

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


DATABASE = "documents.sqlite3"
# Marks the database as the cache's ("dnnd" in ASCII): no other database is written to.
APPLICATION_ID = 0x646E6E64
# Entries of the layout before the database: one pickle file each.
_OLD_ENTRY = re.compile(r"^(\.[0-9a-f]{64}\.[0-9a-f]{12}\.tmp|[0-9a-f]{64}\.pickle)$")


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
    folder.mkdir(parents=True, exist_ok=True)
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


def _ours_or_empty(db: sqlite3.Connection) -> bool:
    owner: int = db.execute("PRAGMA application_id").fetchone()[0]
    if owner == APPLICATION_ID:
        return True
    tables: int = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return owner == 0 and tables == 0
