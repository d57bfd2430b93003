"""Registry files remembered between runs: an unchanged file is not parsed again, and every
problem is reported at the same place as without the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dnnd_dataset import file_tree
from dnnd_dataset.builder import check
from dnnd_dataset.reading import raw_loading

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
