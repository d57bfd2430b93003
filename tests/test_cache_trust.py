"""A document cache is trusted for nothing: no entry runs code or changes a byte of output."""

from __future__ import annotations

import base64
import json
import os
import pickle
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dnnd_dataset import sealing
from dnnd_dataset.builder import build, default_cache
from dnnd_dataset.checking.document_cache import DATABASE, DocumentCache
from dnnd_dataset.cli import main
from dnnd_dataset.sealing import SECRET, user_cache

from .conftest import RAW, snapshot

ARTICLES = len(list((RAW / "documents").glob("*.txt")))
EDITED = "004-09a4b5f42719a47d"


class _Plant:
    """Unpickled, it makes the folder ``marker``: proof that an entry ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def _corpus(where: Path) -> Path:
    raw = where / "raw"
    shutil.copytree(RAW, raw)
    shutil.copyfile(RAW.parent / "DATASET_CARD.md", where / "DATASET_CARD.md")
    return raw


def _values(cache: Path) -> dict[str, bytes]:
    with sqlite3.connect(cache / DATABASE) as db:
        found = dict(db.execute("SELECT key, value FROM entries").fetchall())
    db.close()
    return found


def _set_values(cache: Path, values: dict[str, bytes]) -> None:
    with sqlite3.connect(cache / DATABASE) as db:
        db.executemany(
            "UPDATE entries SET value = ? WHERE key = ?", [(v, k) for k, v in values.items()]
        )
    db.close()


def _plant(cache: Path, marker: Path) -> None:
    """Every entry becomes a pickle that makes ``marker`` when it is loaded."""
    payload = pickle.dumps(_Plant(marker))
    keys = _values(cache)
    assert len(keys) == ARTICLES
    _set_values(cache, dict.fromkeys(keys, payload))


def _build(raw: Path, out: Path, *options: str) -> None:
    assert main(["build", "--raw", str(raw), "--out", str(out), *options]) == 0


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("cold") / "out"
    _build(RAW, out, "--no-cache")
    return snapshot(out)


@pytest.mark.parametrize(
    "command",
    [["build", "--out", "{out}"], ["check", "--jobs", "2"], ["stats", "--jobs", "2"]],
    ids=["build", "check-jobs-2", "stats-jobs-2"],
)
def test_an_entry_that_would_run_code_never_runs(
    command: list[str], tmp_path: Path, cold: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    raw, cache, marker = _corpus(tmp_path), tmp_path / "cache", tmp_path / "ran"
    _build(raw, tmp_path / "first", "--cache", str(cache))
    _plant(cache, marker)
    argv = [part.format(out=tmp_path / "out") for part in command]
    assert main([*argv, "--raw", str(raw), "--cache", str(cache)]) == 0
    assert not marker.exists()
    if command[0] == "build":
        assert snapshot(tmp_path / "out") == cold
    # No planted entry is ever given back. (Each is replaced by a fresh result when the write
    # succeeds; a write given up under load only costs the next run time, so that is not
    # asserted here.)
    with DocumentCache(cache) as kept:
        given = kept.get_many(_values(cache))
    assert not any(value.startswith(b"\x80") for value in given.values())
    capsys.readouterr()


def test_a_cache_beside_the_corpus_is_not_read_by_default(
    tmp_path: Path, cold: dict[str, str]
) -> None:
    # What a repository could carry: the cache where earlier versions kept it by default.
    raw, old, marker = _corpus(tmp_path), tmp_path / ".dnnd-cache", tmp_path / "ran"
    _build(raw, tmp_path / "first", "--cache", str(old))
    _plant(old, marker)
    before = snapshot(old)
    _build(raw, tmp_path / "out")
    assert not marker.exists()
    assert snapshot(tmp_path / "out") == cold
    assert snapshot(old) == before  # left as it was
    assert default_cache(raw).parent == user_cache() / "corpora"
    assert len(_values(default_cache(raw))) == ARTICLES


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_cache_database_that_git_tracks_is_neither_read_nor_written(
    tmp_path: Path, cold: dict[str, str]
) -> None:
    raw, cache, marker = _corpus(tmp_path), tmp_path / "cache", tmp_path / "ran"
    _build(raw, tmp_path / "first", "--cache", str(cache))
    _plant(cache, marker)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-f", f"cache/{DATABASE}"], check=True)
    before = (cache / DATABASE).read_bytes()
    _build(raw, tmp_path / "out", "--cache", str(cache), "--jobs", "2")
    assert not marker.exists()
    assert snapshot(tmp_path / "out") == cold
    assert (cache / DATABASE).read_bytes() == before


def test_up_to_date_stamps_that_git_tracks_are_not_trusted(tmp_path: Path) -> None:
    raw, cache = _corpus(tmp_path), tmp_path / "cache"
    out = tmp_path / "out"
    assert build(raw, out, cache=cache).stats.get("up_to_date") is None
    assert build(raw, out, cache=cache).stats.get("up_to_date") is True
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-f", "cache/outputs"], check=True)
    # A stamp from a checkout could vouch for any output: the build checks and writes again.
    assert build(raw, out, cache=cache).stats.get("up_to_date") is None


def test_an_entry_of_another_corpus_under_the_right_key_is_discarded(
    tmp_path: Path, cold: dict[str, str]
) -> None:
    # Another corpus in the same place: one article's text longer, its annotation following.
    # Its entry for that article is sound, sealed with this user's secret, for another key.
    raw, theirs_cache, cache = _corpus(tmp_path), tmp_path / "theirs", tmp_path / "cache"
    text = raw / "documents" / f"{EDITED}.txt"
    annotation = raw / "documents" / f"{EDITED}.yaml"
    text_bytes, annotation_text = text.read_bytes(), annotation.read_text(encoding="utf-8")
    text.write_bytes(text_bytes + "\nThêm một đoạn.\n".encode())
    digests = (_sha256(text_bytes), _sha256(text.read_bytes()))
    annotation.write_text(annotation_text.replace(*digests), encoding="utf-8")
    _build(raw, tmp_path / "theirs-out", "--cache", str(theirs_cache))
    assert snapshot(tmp_path / "theirs-out") != cold
    text.write_bytes(text_bytes)
    annotation.write_text(annotation_text, encoding="utf-8")
    _build(raw, tmp_path / "first", "--cache", str(cache))
    ours, theirs = _values(cache), _values(theirs_cache)
    (changed,) = set(theirs) - set(ours)
    (replaced,) = set(ours) - set(theirs)
    _set_values(cache, {replaced: theirs[changed]})
    _build(raw, tmp_path / "out", "--cache", str(cache))
    assert snapshot(tmp_path / "out") == cold


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_an_entry_sealed_with_another_secret_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with DocumentCache(tmp_path / "cache") as cache:
        cache.put_many({"a" * 64: b"{}"})
        assert cache.get_many(["a" * 64]) == {"a" * 64: b"{}"}
    # Another user, or another machine: another secret.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    with DocumentCache(tmp_path / "cache") as cache:
        assert cache.keys() == {"a" * 64}
        assert cache.get_many(["a" * 64]) == {}


def test_the_secret_is_the_users_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    secret = sealing.entry_secret()
    path = tmp_path / "dnnd-dataset" / SECRET
    assert path.read_bytes() == secret
    assert len(secret) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (tmp_path / "dnnd-dataset" / ".gitignore").read_text(encoding="utf-8") == "*\n"
    # A secret that others can read is replaced, in a process that has not read it yet.
    sealing._secrets.clear()
    path.chmod(0o644)
    assert sealing.entry_secret() != secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_folder_the_cache_makes_is_ignored_by_git_and_no_other(tmp_path: Path) -> None:
    with DocumentCache(tmp_path / "made" / "cache") as cache:
        assert cache.folder is not None
    assert (tmp_path / "made" / "cache" / ".gitignore").read_text(encoding="utf-8") == "*\n"
    (tmp_path / "mine").mkdir()
    with DocumentCache(tmp_path / "mine") as cache:
        assert cache.folder is not None
    assert not (tmp_path / "mine" / ".gitignore").exists()


def test_a_database_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    cache, target = tmp_path / "cache", tmp_path / "victim.sqlite3"
    cache.mkdir()
    (cache / DATABASE).symlink_to(target)
    with DocumentCache(cache) as kept:
        kept.put_many({"k": b"{}"})
        assert kept.folder is None
    assert not target.exists()


@pytest.mark.parametrize(
    "layer",
    [
        lambda data, sizes, width: [data, [2**40, *sizes[1:]], width],  # no int32 holds it
        # A token without a character first, as no segmentation makes one.
        lambda data, sizes, width: [
            base64.b64encode(bytes(2 * width) + base64.b64decode(data)).decode(),
            [sizes[0] + 1, *sizes[1:]],
            width,
        ],
        lambda data, sizes, width: [f"{data}é", sizes, width],  # no base64 alphabet
        lambda data, sizes, width: [data, sizes, 3],  # bounds of three bytes each
        lambda data, sizes, width: [data, sizes, 4 if width == 2 else 2],  # of another width
    ],
    ids=["huge-size", "empty-token", "not-ascii", "odd-width", "other-width"],
)
def test_a_sealed_entry_whose_ner_layer_fits_no_table_is_checked_again(
    layer: Callable[[str, list[int], int], list[Any]], tmp_path: Path, cold: dict[str, str]
) -> None:
    raw, cache = _corpus(tmp_path), tmp_path / "cache"
    _build(raw, tmp_path / "first", "--cache", str(cache))
    with DocumentCache(cache) as kept:
        entries = kept.get_many(_values(cache))
        changed = {}
        for key, entry in entries.items():
            value = json.loads(entry)
            if value["ner"] is not None:
                value["ner"] = layer(*value["ner"])
                changed[key] = json.dumps(value, ensure_ascii=False).encode()
        assert changed
        kept.put_many(changed)
    _build(raw, tmp_path / "out", "--cache", str(cache))
    assert snapshot(tmp_path / "out") == cold


def test_a_sealed_entry_whose_columns_differ_in_length_is_checked_again(
    tmp_path: Path, cold: dict[str, str]
) -> None:
    raw, cache = _corpus(tmp_path), tmp_path / "cache"
    _build(raw, tmp_path / "first", "--cache", str(cache))
    with DocumentCache(cache) as kept:
        changed = {}
        for key, entry in kept.get_many(_values(cache)).items():
            value = json.loads(entry)
            if value["rows"] is not None and value["rows"]["mentions"]:
                value["rows"]["mentions"]["start"].pop()  # one start fewer than the rows
                changed[key] = json.dumps(value, ensure_ascii=False).encode()
        assert changed
        kept.put_many(changed)
    _build(raw, tmp_path / "out", "--cache", str(cache))
    assert snapshot(tmp_path / "out") == cold
