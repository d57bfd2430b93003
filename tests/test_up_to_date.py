"""The up-to-date stamp: a rebuild of unchanged inputs writes nothing, a stamp that is damaged
or hostile only makes the build write, and files checked by their bytes are known by their
identities once they have settled."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dnnd_dataset import file_tree
from dnnd_dataset.builder import build
from dnnd_dataset.publishing import checksums, up_to_date

from .conftest import snapshot, synthetic_corpus

pristine, raw = synthetic_corpus(6, seed=3)


def _stamp(cache: Path) -> dict[str, object]:
    (path,) = (cache / up_to_date.STAMPS).glob("*.json")
    found = json.loads(path.read_text(encoding="ascii"))
    assert isinstance(found, dict)
    return found


def test_files_read_by_their_bytes_are_known_by_identity_once_settled(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    monkeypatch.setattr(file_tree, "SETTLING_NS", 2**62)  # every file just written
    build(raw, out, cache=cache)
    stamp = _stamp(cache)
    every = sorted(path.relative_to(raw).as_posix() for path in raw.rglob("*") if path.is_file())
    assert stamp["read"] == every
    files = stamp["files"]["out"]  # type: ignore[index]
    assert all(entry[-1] for entry in files.values())
    monkeypatch.setattr(file_tree, "SETTLING_NS", -(2**62))  # and now settled
    assert build(raw, out, cache=cache).stats["up_to_date"] is True
    stamp = _stamp(cache)
    assert stamp["read"] == []
    assert [entry[-1] for entry in stamp["files"]["out"].values()] == [""] * len(files)  # type: ignore[index]
    # Known by identity now: the next check reads no file at all.
    opened: list[Path] = []

    def counted(path: Path) -> str:
        opened.append(path)
        return checksums.sha256_file(path)

    monkeypatch.setattr(up_to_date, "sha256_file", counted)
    assert build(raw, out, cache=cache).stats["up_to_date"] is True
    assert opened == []


def test_a_file_name_that_is_not_utf8_is_stamped(raw: Path, tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    odd = os.path.join(os.fsencode(raw), b"notes-\xff.txt")
    with open(odd, "wb") as file:
        file.write("ghi chú\n".encode())
    build(raw, out, cache=cache)
    assert "notes-\udcff.txt" in _stamp(cache)["read"]  # type: ignore[operator]
    assert build(raw, out, cache=cache).stats["up_to_date"] is True


@pytest.mark.parametrize(
    "content",
    ["[" * 100_000, '{"output": ' * 50_000, "\xff", '{"inputs": 1, "stats": "x"}', "[]"],
)
def test_a_damaged_stamp_makes_the_build_write(raw: Path, tmp_path: Path, content: str) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    build(raw, out, cache=cache)
    expected = snapshot(out)
    (own,) = (cache / up_to_date.STAMPS).glob("*.json")
    own.write_text(content, encoding="utf-8")
    # Another output's stamp, damaged the same way.
    (cache / up_to_date.STAMPS / f"{'f' * 64}.json").write_text(content, encoding="utf-8")
    assert "up_to_date" not in build(raw, out, cache=cache).stats
    assert snapshot(out) == expected


def test_a_stamp_whose_stats_are_not_a_report_makes_the_build_write(
    raw: Path, tmp_path: Path
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    build(raw, out, cache=cache)
    (own,) = (cache / up_to_date.STAMPS).glob("*.json")
    hostile: list[object] = ["x", [], {"tables": "x"}, {"tables": {"articles": "6"}}, None]
    for stats in hostile:
        stamp = json.loads(own.read_text(encoding="ascii"))
        stamp["stats"] = stats
        own.write_text(json.dumps(stamp), encoding="ascii")
        assert "up_to_date" not in build(raw, out, cache=cache).stats, stats


def test_a_rebuild_of_unchanged_inputs_reports_the_stats_of_the_build(
    raw: Path, tmp_path: Path
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    built = build(raw, out, cache=cache).stats
    again = build(raw, out, cache=cache).stats
    assert again.pop("up_to_date") is True
    assert again == built
    assert list(again["documents"]) == list(built["documents"])
    assert built["documents"] and built["coverage"]


@pytest.mark.parametrize(
    "compact",
    [
        {"names": [["a"]], "parts": [[1, ["x"], [3]]]},
        {"names": [["a"]], "parts": [[0, ["x"], [3, 4]]]},
        {"names": [["a"]], "parts": [[0, ["x"], ["3"]]]},
        {"names": [["a"]], "parts": [[0, ["x"], [True]]]},
        {"names": [["a"]], "parts": [[0, ["x"]]]},
        {"names": [["a", "a"]], "parts": [[0, ["x"], [3], [4]]]},
        {"names": [[1]], "parts": [[0, ["x"], [3]]]},
        {"names": [["a"]], "parts": [[0, [1], [3]]]},
        {"names": [["a"]], "parts": [[0, "x", [3]]]},
        {"names": [["a"]], "parts": "x"},
        {"parts": []},
        # The layout of earlier stamps: not read, so the build writes.
        {"columns": [["a"]], "rows": [["x", 0, 3]]},
        [],
    ],
)
def test_a_stamp_whose_counts_per_article_do_not_read_makes_the_build_write(
    raw: Path, tmp_path: Path, compact: object
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    build(raw, out, cache=cache)
    (own,) = (cache / up_to_date.STAMPS).glob("*.json")
    stamp = json.loads(own.read_text(encoding="ascii"))
    stamp["stats"]["documents"] = compact
    own.write_text(json.dumps(stamp), encoding="ascii")
    assert "up_to_date" not in build(raw, out, cache=cache).stats
