"""One look at the raw files per build: the identities the up-to-date check saw are the ones
the document keys and the registry memo use, the registries are known by the digests the
memo remembers, and a key made from a file that had not settled is not remembered."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

import pytest

from dnnd_dataset import file_tree
from dnnd_dataset.builder import build
from dnnd_dataset.checking import document_worker, file_stats, shard_blocks
from dnnd_dataset.checking.document_cache import DocumentCache
from dnnd_dataset.checking.file_stats import FileStats
from dnnd_dataset.checking.pipeline import check_corpus
from dnnd_dataset.reading import raw_loading, rawio

from .conftest import checked_afresh, snapshot, synthetic_corpus

pristine, raw = synthetic_corpus(24, seed=5)


def _append(raw: Path, stem: str, sentence: str) -> None:
    text, annotation = raw / "documents" / f"{stem}.txt", raw / "documents" / f"{stem}.yaml"
    old = hashlib.sha256(text.read_bytes()).hexdigest()
    with text.open("a", encoding="utf-8", newline="") as file:
        file.write(sentence)
    new = hashlib.sha256(text.read_bytes()).hexdigest()
    annotation.write_text(annotation.read_text("utf-8").replace(old, new), "utf-8")


def test_a_rebuild_looks_at_no_raw_file_twice(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_blocks(monkeypatch)
    out, cache = _built(raw, tmp_path)
    stem = _first_stem(raw)
    _append(raw, stem, "\n\nCác đại biểu thống nhất kiến nghị.")
    keys: list[str | None] = []
    real_key = FileStats.document_key

    def key_of(stats: FileStats, stem: str) -> str | None:
        keys.append(real_key(stats, stem))
        return keys[-1]

    monkeypatch.setattr(file_stats.FileStats, "document_key", key_of)
    looked: list[str] = []
    real = file_tree.identity_of

    def counted(path: str | os.PathLike[str]) -> file_tree.Identity | None:
        looked.append(os.fspath(path))
        return real(path)

    read: list[str] = []
    real_read = rawio.read_bytes

    def read_bytes(path: Path, shown: str) -> bytes:
        read.append(shown)
        return real_read(path, shown)

    monkeypatch.setattr(file_tree, "identity_of", counted)
    monkeypatch.setattr(raw_loading, "read_bytes", read_bytes)
    build(raw, out, cache=cache)
    assert len(keys) == 24 and None not in keys
    assert [path for path in looked if path.startswith(os.fspath(raw))] == []
    assert read == []  # the registry files are known by their identities
    cold = tmp_path / "cold"
    build(raw, cold)
    assert snapshot(out) == snapshot(cold)


def _reads(monkeypatch: pytest.MonkeyPatch, raw: Path) -> Counter[str]:
    """The documents' files read from now on, with how many times each was read."""
    read: Counter[str] = Counter()
    real = file_tree.plain_file

    def plain_file(path: Path, cap: int) -> tuple[bytes, file_tree.Identity] | None:
        read[path.relative_to(raw).as_posix()] += 1
        return real(path, cap)

    monkeypatch.setattr(raw_loading, "plain_file", plain_file)
    return read


def _first_stem(raw: Path) -> str:
    return min(path.stem for path in (raw / "documents").glob("*.txt"))


def _built(raw: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The output and cache folders of a build of ``raw``."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    return out, cache


def _many_blocks(monkeypatch: pytest.MonkeyPatch, *, settled: bool = True) -> None:
    """Blocks of a few documents, so that documents are known by their keys; with
    ``settled``, every file as if written long ago."""
    monkeypatch.setattr(shard_blocks, "MEAN", 4)
    monkeypatch.setattr(shard_blocks, "MOST", 8)
    if settled:
        monkeypatch.setattr(file_tree, "SETTLING_NS", -(2**62))


def test_a_build_into_an_empty_cache_reads_each_document_once(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_blocks(monkeypatch)
    stems = sorted(path.stem for path in (raw / "documents").glob("*.txt"))
    out, cache = tmp_path / "out", tmp_path / "cache"
    read = _reads(monkeypatch, raw)
    checked = checked_afresh(monkeypatch)
    build(raw, out, cache=cache)
    files = [f"documents/{stem}{suffix}" for stem in stems for suffix in (".txt", ".yaml")]
    assert sorted(read.elements()) == files and checked == stems
    cold = tmp_path / "cold"
    build(raw, cold)
    assert snapshot(out) == snapshot(cold)
    # Each block was keyed by the keys its check made, and the files' identities remembered:
    # a rebuild reads no document and checks none.
    read.clear()
    checked.clear()
    build(raw, out, cache=cache)
    assert read == Counter() and checked == []
    assert snapshot(out) == snapshot(cold)


def test_a_file_written_after_its_check_read_it_is_checked_again(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The key a check makes is remembered with the identities the files had before it read
    # them: a write just after the read, even of a file long settled, is seen next time.
    _many_blocks(monkeypatch)
    stem = _first_stem(raw)
    real = raw_loading.read_document_files

    def read_then_written(raw_folder: Path, read_stem: str) -> raw_loading.DocumentFiles | None:
        files = real(raw_folder, read_stem)
        if read_stem == stem:
            _append(raw, stem, "\n\nCác đại biểu thống nhất kiến nghị.")
        return files

    monkeypatch.setattr(document_worker, "read_document_files", read_then_written)
    out, cache = _built(raw, tmp_path)
    monkeypatch.setattr(document_worker, "read_document_files", real)
    checked = checked_afresh(monkeypatch)
    build(raw, out, cache=cache)
    assert checked == [stem]
    cold = tmp_path / "cold"
    build(raw, cold)
    assert snapshot(out) == snapshot(cold)


def test_a_cache_that_holds_entries_keys_each_block_before_it_is_checked(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every file written again with the same bytes (as a checkout does): the identities
    # remembered are of other files, and the blocks kept are found by their bytes' keys.
    _many_blocks(monkeypatch, settled=False)
    cache = tmp_path / "cache"
    assert check_corpus(raw, cache=cache).valid
    files = sorted((raw / "documents").iterdir())
    for path in files:
        path.write_bytes(path.read_bytes())
    read = _reads(monkeypatch, raw)
    chunks: list[list[str]] = []
    real = document_worker._check_chunk

    def check_chunk(stems: list[str]) -> document_worker.ChunkOutcome:
        chunks.append(stems)
        return real(stems)

    monkeypatch.setattr(document_worker, "_check_chunk", check_chunk)
    assert check_corpus(raw, cache=cache).valid
    # Every block kept: no document is even looked up in the cache.
    assert chunks == []
    assert sorted(read.elements()) == [path.relative_to(raw).as_posix() for path in files]


def test_a_key_made_from_files_that_had_not_settled_is_not_remembered_after_the_check(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_blocks(monkeypatch, settled=False)
    monkeypatch.setattr(file_tree, "SETTLING_NS", 2**62)  # no file has settled
    cache = tmp_path / "cache"
    assert check_corpus(raw, cache=cache).valid
    read = _reads(monkeypatch, raw)
    checked = checked_afresh(monkeypatch)
    assert check_corpus(raw, cache=cache).valid
    # Nothing remembered: the plan reads every document to key its block, which is kept.
    files = sorted(path.relative_to(raw).as_posix() for path in (raw / "documents").iterdir())
    assert sorted(read.elements()) == files and checked == []


def test_a_document_written_between_the_plan_and_the_check_keeps_no_block(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The plan keys the block from the bytes it reads; the check reads later bytes. Kept
    # under the plan's key, the block's rows would be taken for the earlier bytes again.
    _many_blocks(monkeypatch)
    out, cache = _built(raw, tmp_path)
    stem = _first_stem(raw)
    _append(raw, stem, "\n\nCâu thêm lần đầu.")
    earlier = {path: path.read_bytes() for path in (raw / "documents").glob(f"{stem}.*")}
    real = raw_loading.read_document_files

    def written_before_the_read(
        raw_folder: Path, read_stem: str
    ) -> raw_loading.DocumentFiles | None:
        if read_stem == stem:
            _append(raw, stem, "\n\nCâu thêm lần hai.")
        return real(raw_folder, read_stem)

    monkeypatch.setattr(document_worker, "read_document_files", written_before_the_read)
    build(raw, out, cache=cache)
    monkeypatch.setattr(document_worker, "read_document_files", real)
    for path, data in earlier.items():
        path.write_bytes(data)
    # Another document edited, so that the build is not skipped as up to date.
    other = max(path.stem for path in (raw / "documents").glob("*.txt"))
    _append(raw, other, "\n\nCâu của bài khác.")
    build(raw, out, cache=cache)
    cold = tmp_path / "cold"
    build(raw, cold)
    assert snapshot(out) == snapshot(cold)


def test_a_file_missing_from_the_snapshot_is_looked_at(raw: Path, tmp_path: Path) -> None:
    stem = _first_stem(raw)
    with DocumentCache(tmp_path / "cache") as cache:
        assert FileStats(cache, raw, {}).document_key(stem) == FileStats(cache, raw).document_key(
            stem
        )
        assert FileStats(cache, raw, {}).document_key("missing") is None


def test_a_key_made_from_a_file_that_had_not_settled_is_not_remembered(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stem = _first_stem(raw)
    with DocumentCache(tmp_path / "cache") as cache:
        just_written = FileStats(cache, raw)
        key = just_written.document_key(stem)
        assert key is not None and just_written.now.stems == []
        monkeypatch.setattr(file_tree, "SETTLING_NS", -(2**62))
        long_ago = FileStats(cache, raw)
        assert long_ago.document_key(stem) == key
        assert (long_ago.now.stems, long_ago.now.keys) == ([stem], [key])


def test_the_snapshot_is_used_up(raw: Path, tmp_path: Path) -> None:
    looked: dict[str, file_tree.Identity] = {}
    file_tree.digest_identities(hashlib.sha256(), raw, snapshot=looked)
    assert f"documents/{min(path.name for path in (raw / 'documents').iterdir())}" in looked
    report = check_corpus(raw, cache=tmp_path / "cache", snapshot=looked)
    assert report.valid and looked == {}
