"""A folder digested by names and identities, reading only the files too new to trust."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from dnnd_dataset import file_tree
from dnnd_dataset.file_tree import SpecialFile, digest_identities, walk


def _digest(folder: Path, by_content: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    digest = hashlib.sha256()
    read, _ = digest_identities(digest, folder, by_content)
    return digest.hexdigest(), read


def _folder(path: Path) -> Path:
    (path / "sub").mkdir(parents=True)
    (path / "a.txt").write_text("một", encoding="utf-8")
    (path / "sub" / "b.yaml").write_text("id: b\n", encoding="utf-8")
    return path


def _settle(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if every file had been written long ago.
    monkeypatch.setattr(file_tree, "SETTLING_NS", -(2**62))


def _unsettle(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if every file had been written a moment ago, however loaded the machine.
    monkeypatch.setattr(file_tree, "SETTLING_NS", 2**62)


def test_walk_lists_folders_and_files_in_order(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "f")
    assert [(item.relative, item.path is None) for item in walk(folder)] == [
        ("a.txt", False),
        ("sub/", True),
        ("sub/b.yaml", False),
    ]


def test_a_link_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "f")
    (folder / "link").symlink_to(folder / "a.txt")
    with pytest.raises(SpecialFile, match="link"):
        walk(folder)


def test_settled_files_give_their_identity_and_new_files_their_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path / "f")
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    # Just written: racy, so read; a copy with the same bytes and names digests the same.
    _unsettle(monkeypatch)
    first, read = _digest(folder)
    assert read == ["a.txt", "sub/b.yaml"]
    assert _digest(copy) == (first, read)
    _settle(monkeypatch)
    # Settled: known by identity, so the copy (other inodes) digests otherwise...
    settled, read = _digest(folder)
    assert read == []
    assert _digest(copy)[0] != settled
    # ...unless the files an earlier digest read are read again.
    assert _digest(copy, frozenset({"a.txt", "sub/b.yaml"})) == (first, ["a.txt", "sub/b.yaml"])


def test_a_write_changes_the_digest_of_a_settled_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path / "f")
    _settle(monkeypatch)
    before, _ = _digest(folder)
    path = folder / "a.txt"
    status = path.stat()
    path.write_text("ngày", encoding="utf-8")  # the same size: five bytes
    assert path.stat().st_size == status.st_size
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert _digest(folder)[0] != before


def test_the_settled_digest_comes_from_the_same_look_and_only_when_all_have_settled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path / "f")
    _settle(monkeypatch)
    by_identity = hashlib.sha256()
    assert digest_identities(hashlib.sha256(), folder) == ([], True)
    # Read by content as asked, yet the settled digest is the digest by identities.
    by_content, settled = hashlib.sha256(), hashlib.sha256()
    assert digest_identities(by_content, folder, {"a.txt"}, settled) == (["a.txt"], True)
    digest_identities(by_identity, folder)
    assert settled.hexdigest() == by_identity.hexdigest() != by_content.hexdigest()
    _unsettle(monkeypatch)
    assert digest_identities(hashlib.sha256(), folder) == (["a.txt", "sub/b.yaml"], False)


@pytest.mark.parametrize(("size", "kept"), [(0, True), (1, True), (7, True), (8, True), (9, False)])
def test_plain_file_bytes_keeps_files_up_to_the_cap(tmp_path: Path, size: int, kept: bool) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(bytes(range(size)))
    assert file_tree.plain_file_bytes(path, 8) == (bytes(range(size)) if kept else None)


@pytest.mark.parametrize(("grown", "kept"), [(3, True), (5, True), (6, False), (40, False)])
def test_plain_file_bytes_reads_a_file_that_grew_since_it_was_looked_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grown: int, kept: bool
) -> None:
    # fstat reports the size before the file grew to ``grown`` bytes.
    path = tmp_path / "f.txt"
    path.write_bytes(b"x" * grown)
    real = os.fstat

    def stale(fd: int) -> os.stat_result:
        info = real(fd)
        fields = list(info)
        fields[6] = 2  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", stale)
    assert file_tree.plain_file_bytes(path, 5) == (b"x" * grown if kept else None)


def test_plain_file_gives_the_identity_the_file_had_before_its_bytes_were_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write between the look and the read: the bytes are the new ones, the identity the
    # old one, so that the key made from the bytes is never remembered with the identity
    # of other bytes.
    path = tmp_path / "f.txt"
    path.write_bytes(b"old")
    real = os.fstat
    looked: list[os.stat_result] = []

    def written_after_the_look(fd: int) -> os.stat_result:
        looked.append(real(fd))
        with path.open("ab") as file:
            file.write(b" and new")
        return looked[-1]

    monkeypatch.setattr(os, "fstat", written_after_the_look)
    found = file_tree.plain_file(path, 64)
    monkeypatch.undo()
    assert found is not None
    assert found[0] == b"old and new"
    assert found[1] == file_tree.identity(looked[0]) != file_tree.identity_of(path)


def test_plain_file_bytes_refuses_links_and_fifos(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    target.write_bytes(b"abc")
    (tmp_path / "link.txt").symlink_to(target)
    os.mkfifo(tmp_path / "fifo.txt")
    assert file_tree.plain_file_bytes(target, 8) == b"abc"
    assert file_tree.plain_file_bytes(tmp_path / "link.txt", 8) is None
    assert file_tree.plain_file_bytes(tmp_path / "fifo.txt", 8) is None
    assert file_tree.plain_file_bytes(tmp_path / "missing.txt", 8) is None
