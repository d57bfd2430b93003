"""Reading a document's two files once: plain files only, the same result as reading them anew."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dnnd_dataset.checking.document_cache import document_key
from dnnd_dataset.errors import Issue
from dnnd_dataset.reading.raw_loading import (
    DocumentFiles,
    documents_folder_inside,
    load_document,
    read_document_files,
)
from dnnd_dataset.reading.rawio import MAX_FILE_BYTES

STEM = "003-cb987c258479b677"


def _files(raw: Path) -> tuple[Path, Path]:
    folder = raw / "documents"
    return folder / f"{STEM}.txt", folder / f"{STEM}.yaml"


def test_plain_files_are_read_as_they_are(raw_copy: Path) -> None:
    text, annotation = _files(raw_copy)
    assert read_document_files(raw_copy, STEM) == DocumentFiles(
        text.read_bytes(), annotation.read_bytes()
    )


def test_loading_the_read_files_gives_what_loading_the_paths_gives(raw_copy: Path) -> None:
    files = read_document_files(raw_copy, STEM)
    assert files is not None
    loaded = load_document(raw_copy, STEM, [], files)
    assert loaded.document is not None and loaded.source is not None
    assert loaded == load_document(raw_copy, STEM, [])
    _, annotation = _files(raw_copy)
    # An unknown key: the read files must be reported exactly as the paths are.
    annotation.write_text(annotation.read_text(encoding="utf-8") + "nickname: x\n", "utf-8")
    files = read_document_files(raw_copy, STEM)
    assert files is not None
    from_paths: list[Issue] = []
    from_files: list[Issue] = []
    assert load_document(raw_copy, STEM, from_files, files) == load_document(
        raw_copy, STEM, from_paths
    )
    assert [issue.format() for issue in from_files] == [issue.format() for issue in from_paths]
    assert [issue.code for issue in from_files] == ["unknown-key"]


def test_a_link_is_not_read(raw_copy: Path, tmp_path: Path) -> None:
    text, _ = _files(raw_copy)
    elsewhere = tmp_path / "elsewhere.txt"
    shutil.move(text, elsewhere)
    text.symlink_to(elsewhere)
    assert read_document_files(raw_copy, STEM) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_not_read_and_does_not_block(raw_copy: Path) -> None:
    _, annotation = _files(raw_copy)
    annotation.unlink()
    os.mkfifo(annotation)
    assert read_document_files(raw_copy, STEM) is None


def test_a_missing_or_oversized_file_is_not_read(raw_copy: Path) -> None:
    text, annotation = _files(raw_copy)
    annotation.unlink()
    assert read_document_files(raw_copy, STEM) is None
    text.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    assert read_document_files(raw_copy, "002-a35811e9377ab383") is not None
    assert read_document_files(raw_copy, STEM) is None


def test_a_documents_folder_that_leads_outside_raw_is_known(raw_copy: Path, tmp_path: Path) -> None:
    assert documents_folder_inside(raw_copy)
    moved = tmp_path / "outside"
    shutil.move(raw_copy / "documents", moved)
    (raw_copy / "documents").symlink_to(moved)
    assert not documents_folder_inside(raw_copy)
    (raw_copy / "documents").unlink()
    assert not documents_folder_inside(raw_copy)


def test_the_key_follows_every_byte_the_boundary_between_the_files_and_the_raw_folder() -> None:
    key = document_key("raw", STEM, DocumentFiles(b"ab", b"c"))
    assert len(key) == 64
    assert key == document_key("raw", STEM, DocumentFiles(b"ab", b"c"))
    assert key != document_key("raw", STEM, DocumentFiles(b"a", b"bc"))
    assert key != document_key("raw", STEM, DocumentFiles(b"ab", b"d"))
    assert key != document_key("raw", "004-other", DocumentFiles(b"ab", b"c"))
    # Problems name files by the raw folder as given: another spelling, another entry.
    assert key != document_key("/srv/raw", STEM, DocumentFiles(b"ab", b"c"))
