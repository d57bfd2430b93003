"""The document cache's database: only its own, never a reason for a run to fail or differ."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from dnnd_dataset.checking import document_cache, document_worker
from dnnd_dataset.checking.document_cache import APPLICATION_ID, DATABASE, DocumentCache
from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.checking.registry_files import entry_key

from .conftest import RAW, checked_afresh

ARTICLES = len(list((RAW / "documents").glob("*.txt")))


def test_a_run_fills_the_cache_and_marks_the_database_as_its_own(tmp_path: Path) -> None:
    assert compile_corpus(RAW, cache=tmp_path).report.valid
    with DocumentCache(tmp_path) as cache:
        assert len(cache.keys() - {entry_key(RAW)}) == ARTICLES
    with sqlite3.connect(tmp_path / DATABASE) as db:
        assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)


def test_a_database_of_someone_else_is_left_as_it_is(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / DATABASE) as db:
        db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        db.execute("INSERT INTO entries VALUES ('mine', x'00')")
    db.close()
    before = (tmp_path / DATABASE).read_bytes()
    result = compile_corpus(RAW, cache=tmp_path)
    assert result.report.valid
    assert result.tables == compile_corpus(RAW).tables
    assert (tmp_path / DATABASE).read_bytes() == before


def test_a_file_that_is_not_a_database_is_left_as_it_is(tmp_path: Path) -> None:
    (tmp_path / DATABASE).write_bytes(b"notes, not a database\n" * 100)
    result = compile_corpus(RAW, cache=tmp_path)
    assert result.report.valid
    assert (tmp_path / DATABASE).read_bytes() == b"notes, not a database\n" * 100


def test_a_damaged_entry_is_checked_again_and_replaced(tmp_path: Path) -> None:
    fresh = compile_corpus(RAW)
    compile_corpus(RAW, cache=tmp_path)
    with DocumentCache(tmp_path) as cache:
        (damaged, *_) = sorted(cache.keys() - {entry_key(RAW)})
    with sqlite3.connect(tmp_path / DATABASE) as db:
        db.execute("UPDATE entries SET value = x'80054b' WHERE key = ?", (damaged,))
    db.close()
    again = compile_corpus(RAW, cache=tmp_path)
    assert again.tables == fresh.tables
    assert again.report.format() == fresh.report.format()
    with sqlite3.connect(tmp_path / DATABASE) as db:
        (value,) = db.execute("SELECT value FROM entries WHERE key = ?", (damaged,)).fetchone()
    db.close()
    assert len(value) > 1000


def test_unused_entries_and_their_pages_are_given_back(tmp_path: Path) -> None:
    compile_corpus(RAW, cache=tmp_path)
    with DocumentCache(tmp_path) as cache:
        cache.keep_only([])
        assert cache.keys() == set()
    with sqlite3.connect(tmp_path / DATABASE) as db:
        assert db.execute("PRAGMA freelist_count").fetchone() == (0,)
    db.close()


def test_the_files_of_the_older_layout_go_and_nothing_else(tmp_path: Path) -> None:
    old = tmp_path / f"{'ab' * 32}.pickle"
    partial = tmp_path / f".{'cd' * 32}.0123456789ab.tmp"
    other = tmp_path / "notes.txt"
    for path in (old, partial, other):
        path.write_bytes(b"x")
    compile_corpus(RAW, cache=tmp_path)
    assert not old.exists()
    assert not partial.exists()
    assert other.read_bytes() == b"x"


def test_a_database_another_process_makes_meanwhile_is_taken_as_the_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two workers open a cache that does not exist yet: one makes the database between the
    # other's look at the mark and its look at the tables. That worker must not take the
    # database for someone else's and go without a cache (it lost its entries under load).
    real = sqlite3.connect
    made: list[DocumentCache] = []

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db: sqlite3.Connection = real(*args, **kwargs)

        def between(statement: str) -> None:
            if "sqlite_master" in statement and not made:
                made.append(DocumentCache(tmp_path))  # the other worker, all at once

        db.set_trace_callback(between)
        return db

    monkeypatch.setattr(sqlite3, "connect", connect)
    with DocumentCache(tmp_path) as cache:
        cache.put_many({"a" * 64: b"{}"})
        assert cache.keys() == {"a" * 64}
    assert made[0].keys() == {"a" * 64}
    made[0].close()


class _Busy:
    """A connection that finds the database locked at the first ``busy`` writes."""

    def __init__(self, db: sqlite3.Connection, busy: int) -> None:
        self.db, self.busy = db, busy

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql == "BEGIN IMMEDIATE" and self.busy:
            self.busy -= 1
            raise sqlite3.OperationalError("database is locked")
        return self.db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def test_a_busy_database_does_not_lose_the_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = document_cache._open
    monkeypatch.setattr(document_cache, "_open", lambda folder: _Busy(real(folder), busy=2))
    result = compile_corpus(RAW, cache=tmp_path)
    assert result.report.valid
    monkeypatch.undo()
    with DocumentCache(tmp_path) as cache:
        assert len(cache.keys() - {entry_key(RAW)}) == ARTICLES


def test_a_warm_run_checks_no_document_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every entry the cache wrote is read back whole: none fails its seal or its schema.
    cold = compile_corpus(RAW, cache=tmp_path)
    checked = checked_afresh(monkeypatch)
    warm = compile_corpus(RAW, cache=tmp_path)
    assert checked == []
    assert warm.tables == cold.tables
    assert warm.report.format() == cold.report.format()
    assert warm.report.stats == cold.report.stats


def test_present_names_the_keys_with_an_entry_in_queries_of_bounded_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(document_cache, "_KEYS_PER_QUERY", 2)
    with DocumentCache(tmp_path) as cache:
        cache.put_many({"a": b"1", "b": b"2", "c": b"3"})
        assert cache.present(["a", "x", "c", "b", "y"]) == {"a", "b", "c"}
        assert cache.present([]) == set()
    assert DocumentCache(None).present(["a"]) == set()


def _database(path: Path, application_id: int) -> None:
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA application_id = {application_id}")
        db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    db.close()


def test_the_databases_of_other_versions_of_the_code_go_and_nothing_else(tmp_path: Path) -> None:
    older = "documents-0123456789abcdef.sqlite3"
    _database(tmp_path / older, APPLICATION_ID)
    (tmp_path / f"{older}-wal").write_bytes(b"")
    (tmp_path / f"{older}-shm").write_bytes(b"")
    _database(tmp_path / "documents.sqlite3", APPLICATION_ID)  # the layout of one database
    foreign = "documents-fedcba9876543210.sqlite3"
    _database(tmp_path / foreign, 7)
    (tmp_path / "notes.sqlite3").write_bytes(b"mine")
    (tmp_path / "documents-1111111111111111.sqlite3").symlink_to(tmp_path / older)
    assert compile_corpus(RAW, cache=tmp_path).report.valid
    left = {path.name for path in tmp_path.iterdir() if "sqlite3" in path.name}
    assert left == {DATABASE, "documents-1111111111111111.sqlite3", foreign, "notes.sqlite3"}


def test_documents_checked_in_the_main_process_describe_the_registries_afresh() -> None:
    from types import SimpleNamespace

    # As if an earlier build in this process had described every id of other registries.
    document_worker._suggested[document_worker._EVERY_ID] = "stale"
    document_worker._described["P-0001"] = b"stale"
    list(document_worker.check_here(SimpleNamespace(cache=None), []))  # type: ignore[arg-type]
    assert document_worker._suggested == {}
    assert document_worker._described == {}
