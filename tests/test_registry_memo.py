"""Registry files remembered between runs: an unchanged file is not parsed again, and every
problem is reported at the same place as without the cache."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from dnnd_dataset import file_tree
from dnnd_dataset.builder import check
from dnnd_dataset.checking import pipeline, registry_evidence
from dnnd_dataset.checking.state import CheckState
from dnnd_dataset.errors import Report
from dnnd_dataset.reading import raw_loading
from dnnd_dataset.reading.registry_memo import RegistryMemo

from .conftest import RAW

MEETING = "dai-hoi-cong-doan-tinh-khanh-hoa-lan-thu-xi"


@pytest.fixture
def raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "raw"
    shutil.copytree(RAW, copy)
    # As if every file had been written long ago: settled, so known by its identity.
    monkeypatch.setattr(file_tree, "SETTLING_NS", -(2**62))
    return copy


def _parsed_registry_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = raw_loading._read_yaml

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        if "registry" in path.parts:
            parsed.append(path.name)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(raw_loading, "_read_yaml", counting)
    return parsed


def test_an_unchanged_registry_file_is_not_parsed_again(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = check(raw, cache=cache)
    parsed = _parsed_registry_files(monkeypatch)
    again = check(raw, cache=cache)
    assert parsed == []
    assert again.format() == first.format() and again.stats == first.stats
    path = raw / "registry" / "meetings" / f"{MEETING}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: congress", "kind: x"), "utf-8")
    changed = check(raw, cache=cache)
    assert parsed == [f"{MEETING}.yaml"]
    assert changed.format() == check(raw).format()
    assert [issue.line for issue in changed.issues if issue.path.endswith(f"{MEETING}.yaml")] == [5]


def test_a_problem_in_a_remembered_file_is_located_as_without_the_cache(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    assert check(raw, cache=cache).valid
    # Another registry takes the meeting's id: both files are named, each at its id's line.
    (raw / "registry" / "persons" / f"{MEETING}.yaml").write_text(
        f"id: {MEETING}\nname: Nguyễn Văn A\n", encoding="utf-8"
    )
    parsed = _parsed_registry_files(monkeypatch)
    cached = check(raw, cache=cache)
    assert parsed == [f"{MEETING}.yaml"]  # the new file; the meeting's lines are read on demand
    fresh = check(raw)
    assert not cached.valid
    assert cached.format() == fresh.format()
    assert any(
        issue.path.endswith(f"meetings/{MEETING}.yaml") and issue.line == 2
        for issue in cached.issues
    ), cached.format()


DIRECTIVE = "chi-thi-38-ct-tw-2019"


@pytest.mark.parametrize("change", ["kept", "deleted", "rewritten", "invalid", "folder", "fifo"])
def test_a_problem_found_late_is_located_in_the_file_as_it_is(
    raw: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    path = raw / "registry" / "directives" / f"{DIRECTIVE}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    supports: [number," in text.splitlines()[15]
    path.write_text(text.replace("supports: [number,", "supports: [bogus, number,"), "utf-8")
    real = registry_evidence.check_registry_evidence

    def after_a_change(state: CheckState) -> None:
        if change == "deleted":
            path.unlink()
        elif change == "rewritten":
            path.write_text("# a line\n" * 40 + text, "utf-8")
        elif change == "invalid":
            path.write_bytes(b"\xff\tnot: [yaml")
        elif change == "folder":
            path.unlink()
            path.mkdir()
        elif change == "fifo":
            path.unlink()
            os.mkfifo(path)
        real(state)

    monkeypatch.setattr(pipeline, "check_registry_evidence", after_a_change)
    # Checked in a thread: a read that waits for a writer must fail the test, not hang it.
    reports: list[Report] = []
    checking = threading.Thread(target=lambda: reports.append(check(raw)), daemon=True)
    checking.start()
    checking.join(timeout=120)
    (report,) = reports
    (bogus,) = [issue for issue in report.issues if "bogus" in issue.message]
    # The line of the file as read at the start; when it no longer holds it, the file's.
    assert bogus.line == {"kept": 16, "rewritten": 56}.get(change, 1)


IDENTITY = (1, 2, 3, 4, 0)  # changed long ago: settled


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"id": "a", "name": "Nguyễn Văn A"}, '{"id": "a", "name": "Nguyễn Văn A"}'),
        ({"id": "a", "when": 2.5, "roles": []}, '{"id": "a", "when": 2.5, "roles": []}'),
        # Not given back equal, or not UTF-8: read from the file again next time.
        ({"id": "a", "when": float("nan")}, None),
        ({"id": "a", "name": "\ud800"}, None),
        ({"id": "a", 1: "one"}, None),
        ({"id": "a", "when": (1, 2)}, None),
    ],
)
def test_a_file_is_remembered_as_the_json_text_of_its_data(
    data: dict[object, object], text: str | None
) -> None:
    memo = RegistryMemo()
    memo.remember("persons/a.yaml", IDENTITY, data, "d" * 64)
    assert memo.digests == {"persons/a.yaml": "d" * 64}
    assert memo.seen == ({"persons/a.yaml": (IDENTITY, text, "d" * 64)} if text else {})
    if text is not None:
        again = RegistryMemo(memo.seen)
        assert again.data("persons/a.yaml", IDENTITY) == (data, "d" * 64)
        assert again.data("persons/a.yaml", (1, 2, 3, 4, 5)) is None  # another identity
        # Data that came from the memo keeps its text as it was.
        again.remember("persons/a.yaml", IDENTITY, data, "d" * 64)
        assert again.seen == memo.seen


@pytest.mark.parametrize("text", ["{", "[" * 100_000 + "]" * 100_000, ""])
def test_a_remembered_text_that_does_not_parse_has_the_file_read(text: str) -> None:
    memo = RegistryMemo({"persons/a.yaml": (IDENTITY, text, "d" * 64)})
    assert memo.data("persons/a.yaml", IDENTITY) is None
    # The file read again, its data is remembered as its own text.
    memo.remember("persons/a.yaml", IDENTITY, {"id": "a"}, "d" * 64)
    assert memo.seen == {"persons/a.yaml": (IDENTITY, '{"id": "a"}', "d" * 64)}


def test_data_that_came_from_the_memo_keeps_its_text_as_it_was() -> None:
    compact = '{"id":"a","name":"Nguyễn Văn A"}'  # not as json.dumps would write it
    memo = RegistryMemo({"persons/a.yaml": (IDENTITY, compact, "d" * 64)})
    data = memo.data("persons/a.yaml", IDENTITY)
    assert data == ({"id": "a", "name": "Nguyễn Văn A"}, "d" * 64)
    memo.remember("persons/a.yaml", IDENTITY, data[0], "d" * 64)
    assert memo.seen == memo.known
    # Other bytes (another digest) give their own text.
    memo.remember("persons/a.yaml", IDENTITY, {"id": "a"}, "e" * 64)
    assert memo.seen == {"persons/a.yaml": (IDENTITY, '{"id": "a"}', "e" * 64)}
