"""What `dnnd build` prints: a summary; a line per document only with --verbose; JSON alone
with --json. Run with stdout and stderr not terminals: no progress bar."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from .conftest import RAW, run

SUMMARY = (
    "built {out} (articles 5, mentions 293, meetings 10, persons 12, directives 10, "
    "organizations 21, posts 6, evidence 142, ner 134)"
)


def _build(out: Path, *options: str) -> tuple[list[str], str]:
    command: list[str | Path] = [sys.executable, "-m", "dnnd_dataset", "build", "--raw", RAW]
    command += ["--out", out]
    done = run([*command, "--no-cache", *options])
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines(), done.stderr


def _digest(out: Path) -> str:
    return hashlib.sha256((out / "SHA256SUMS").read_bytes()).hexdigest()


def test_without_a_terminal_only_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    lines, errors = _build(out)
    assert lines == [SUMMARY.format(out=out), f"sha256 of SHA256SUMS: {_digest(out)}"]
    assert errors == ""


def test_verbose_adds_a_line_per_document(tmp_path: Path) -> None:
    out = tmp_path / "out"
    lines, errors = _build(out, "--verbose")
    assert lines[:2] == [
        "000-129a49d91db6336b: 35 of 35 name occurrences mentioned, 0 waived, 0 unexplained",
        "001-7aa88a628dfba5ee: 38 of 40 name occurrences mentioned, 2 waived, 0 unexplained",
    ]
    assert len(lines) == 5 + 2
    assert lines[5:] == [SUMMARY.format(out=out), f"sha256 of SHA256SUMS: {_digest(out)}"]
    assert errors == ""


@pytest.mark.parametrize("verbose", [False, True])
def test_json_prints_the_summary_alone(tmp_path: Path, verbose: bool) -> None:
    out = tmp_path / "out"
    command: list[str | Path] = [sys.executable, "-m", "dnnd_dataset", "build", "--raw", RAW]
    command += ["--out", out, "--no-cache", "--json", *(["--verbose"] if verbose else [])]
    done = run(command)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    summary = json.loads(done.stdout)
    assert sorted(summary) == sorted(
        ["out", "up_to_date", "tables", "sha256_of_sha256sums"] + (["coverage"] if verbose else [])
    )
    assert summary["out"] == str(out)
    assert summary["up_to_date"] is False
    assert summary["tables"]["articles"] == 5
    assert summary["sha256_of_sha256sums"] == _digest(out)
    if verbose:
        assert summary["coverage"]["000-129a49d91db6336b"] == {
            "names_found": 35,
            "mentions": 41,
            "covered": 35,
            "waived": 0,
            "unexplained": 0,
        }


def test_a_build_nobody_watches_needs_no_progress_library(monkeypatch: pytest.MonkeyPatch) -> None:
    from dnnd_dataset import cli

    monkeypatch.setitem(sys.modules, "tqdm", None)  # an import of it would now fail
    with cli._progress_bar(False) as bar:
        bar.total = 3
        bar.update(2)
        bar.set_postfix_str("articles.parquet")
        assert bar.n == 2


def test_a_watched_build_draws_its_bar_with_tqdm() -> None:
    from tqdm import tqdm

    from dnnd_dataset import cli

    with cli._progress_bar(True) as bar:
        assert isinstance(bar, tqdm)
        bar.total = 3
        bar.update(2)
        assert bar.n == 2
