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


def document_key(stem: str, files: DocumentFiles) -> str:
    """The key of a document's text and annotation, from the bytes that are then checked."""
    digest = hashlib.sha256(CODE_DIGEST)
    digest.update(stem.encode())
    for content in (files.text, files.annotation):
        digest.update(len(content).to_bytes(8, "big"))
        digest.update(content)
    return digest.hexdigest()


class DocumentCache:
    """The entries in ``folder``; ``None`` as folder gives a cache that keeps nothing.

    Open it in each process that uses it, and close it after the run.
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
            return {}
        return dict(found)

    def put_many(self, entries: dict[str, bytes]) -> None:
        if self._db is None or not entries:
            return
        with contextlib.suppress(sqlite3.Error), _transaction(self._db):
            self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", entries.items())

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
            self._db.execute("PRAGMA incremental_vacuum")  # give the freed pages back

    def keys(self) -> set[str]:
        """The keys of every entry."""
        if self._db is None:
            return set()
        return {key for (key,) in self._db.execute("SELECT key FROM entries")}

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


DATABASE = "documents.sqlite3"
# Entries of the layout before the database: one pickle file each.
_OLD_ENTRY = re.compile(r"^(\.[0-9a-f]{64}\.[0-9a-f]{12}\.tmp|[0-9a-f]{64}\.pickle)$")


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE: take the write lock at the start, waiting for another worker's transaction,
    # instead of failing when a read turns into a write.
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _open(folder: Path, *, afresh: bool = True) -> sqlite3.Connection:
    folder.mkdir(parents=True, exist_ok=True)
    # Autocommit, with explicit transactions; wait for the other workers' short writes.
    db = sqlite3.connect(folder / DATABASE, timeout=60, isolation_level=None)
    try:
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # only before the first table
        db.execute("PRAGMA journal_mode = WAL")  # readers and one writer side by side
        # A crash of the machine may lose the last entries: they are checked again.
        db.execute("PRAGMA synchronous = OFF")
        db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        db.execute("SELECT count(*) FROM entries LIMIT 1").fetchone()
    except sqlite3.DatabaseError as error:
        db.close()
        if afresh and not isinstance(error, sqlite3.OperationalError):
            # Damaged or not a database (a machine crashed, a file was overwritten): the
            # database is ours, so it is started afresh rather than left to fail every run.
            for suffix in ("", "-wal", "-shm"):
                (folder / f"{DATABASE}{suffix}").unlink(missing_ok=True)
            return _open(folder, afresh=False)
        raise
    return db
