"""What ``datasets`` writes of each table, remembered: equal to what it writes, and kept
only when sealed and whole."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from dnnd_dataset.publishing import hf_features, hf_memo
from dnnd_dataset.records import TABLES
from dnnd_dataset.sealing import seal

from .conftest import RAW, python, snapshot

sizes = st.integers(min_value=0, max_value=2**53)


@pytest.fixture
def fresh_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty user cache folder, and the memo forgotten before and after."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    hf_memo.forget()
    yield tmp_path / "dnnd-dataset" / hf_memo.FOLDER
    hf_memo.forget()


@given(
    table=st.sampled_from(list(TABLES)),
    num_examples=sizes,
    num_bytes=sizes,
    download_size=sizes,
)
def test_the_memo_fills_in_as_datasets_writes(
    table: str, num_examples: int, num_bytes: int, download_size: int
) -> None:
    sized = {"num_examples": num_examples, "num_bytes": num_bytes, "download_size": download_size}
    assert hf_memo.dataset_info(table, **sized) == hf_features.dataset_info(table, **sized)


@pytest.mark.parametrize("table", list(TABLES))
def test_the_memo_holds_the_metadata_datasets_writes(table: str) -> None:
    assert hf_memo.huggingface_metadata(table) == hf_features.huggingface_metadata(table)


def test_a_memo_is_kept_and_read_back(fresh_memo: Path) -> None:
    made = hf_memo.known()
    (kept,) = fresh_memo.iterdir()
    hf_memo.forget()
    assert hf_memo.known() == made
    assert list(fresh_memo.iterdir()) == [kept]


@pytest.mark.parametrize(
    "damage",
    [
        lambda body: body[:32] + body[32:].replace(b'"train"', b'"tests"'),  # seal broken
        lambda body: body[:-1],
        lambda body: b"",
        lambda body: b"\0" * 32 + b"{}",
    ],
)
def test_a_memo_that_does_not_open_is_made_again(fresh_memo: Path, damage: object) -> None:
    made = hf_memo.known()
    (kept,) = fresh_memo.iterdir()
    body = kept.read_bytes()
    kept.write_bytes(damage(body))  # type: ignore[operator]
    hf_memo.forget()
    assert hf_memo.known() == made
    assert kept.read_bytes() == body


def test_a_sealed_memo_of_other_tables_is_made_again(fresh_memo: Path) -> None:
    made = hf_memo.known()
    assert made is not None
    (kept,) = fresh_memo.iterdir()
    name = kept.stem
    body = json.dumps({"persons": made["persons"]}).encode()
    kept.write_bytes(seal(name, body) + body)
    hf_memo.forget()
    assert hf_memo.known() == made


BUILD_SCRIPT = """
import sys
from dnnd_dataset.cli import main
code = main(["build", "--raw", sys.argv[1], "--out", sys.argv[2], "--cache", sys.argv[3]])
print(code, "datasets" in sys.modules, "pandas" in sys.modules)
"""


def test_a_build_with_the_memo_imports_neither_datasets_nor_pandas(tmp_path: Path) -> None:
    outcomes = []
    for run in ("first", "second"):
        done = python("-c", BUILD_SCRIPT, RAW, tmp_path / run, tmp_path / f"cache-{run}")
        assert done.returncode == 0, done.stderr
        outcomes.append(done.stdout.splitlines()[-1])
    # The first build of this code in the tests' user cache may have to ask datasets.
    assert outcomes[1] == "0 False False"
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "second")


def _card_yaml(entry: dict[str, object]) -> str:
    # As the card writes it: in the order of the keys.
    return yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=1000)


@pytest.mark.parametrize("kept", [False, True])
def test_the_card_entry_keeps_the_order_datasets_writes(fresh_memo: Path, kept: bool) -> None:
    hf_memo.known()
    if kept:
        hf_memo.forget()
        assert list(fresh_memo.iterdir())
    sized = {"num_examples": 3, "num_bytes": 4096, "download_size": 1024}
    for table in TABLES:
        memo = hf_memo.dataset_info(table, **sized)
        assert _card_yaml(memo) == _card_yaml(hf_features.dataset_info(table, **sized))


@pytest.mark.parametrize("kind", ["fifo", "link to a fifo", "folder", "over the cap"])
def test_a_memo_that_is_no_plain_file_is_not_waited_for(fresh_memo: Path, kind: str) -> None:
    made = hf_memo.known()
    (kept,) = fresh_memo.iterdir()
    kept.unlink()
    if kind == "fifo":
        os.mkfifo(kept)
    elif kind == "link to a fifo":
        os.mkfifo(fresh_memo / "elsewhere")
        kept.symlink_to(fresh_memo / "elsewhere")
    elif kind == "folder":
        kept.mkdir()
    else:
        kept.write_bytes(b" " * (hf_memo.MAX_BYTES + 1))
    hf_memo.forget()
    # Read in a thread: a read that waits for a writer must fail the test, not hang it.
    read: list[object] = []
    reader = threading.Thread(target=lambda: read.append(hf_memo.known()), daemon=True)
    reader.start()
    reader.join(timeout=60)
    assert read == [made]


def test_without_a_cache_folder_datasets_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_bytes(b"")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    hf_memo.forget()
    try:
        sized = {"num_examples": 5, "num_bytes": 10, "download_size": 20}
        for table in TABLES:
            memo = hf_memo.dataset_info(table, **sized)
            assert _card_yaml(memo) == _card_yaml(hf_features.dataset_info(table, **sized))
            assert hf_memo.huggingface_metadata(table) == hf_features.huggingface_metadata(table)
    finally:
        hf_memo.forget()


def test_without_a_datasets_release_datasets_is_asked(fresh_memo: Path) -> None:
    def version(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(metadata, "version", version)
        assert hf_memo.known() is None
        assert hf_memo.huggingface_metadata("ner") == hf_features.huggingface_metadata("ner")
    assert not fresh_memo.exists()
