"""What a newcomer mistypes is refused with one located line, and nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dnnd_dataset._version import __version__
from dnnd_dataset.cli import main

from .conftest import RAW, REPO, python, snapshot


def test_add_outside_a_corpus_is_refused_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "bai.txt"
    text.write_text("Một bài báo.\n", encoding="utf-8")
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    monkeypatch.chdir(empty)
    assert main(["add", str(text)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"raw:1: missing-file: the raw folder 'raw' does not exist (looked for in {empty}) "
        "(fix: run the command in the folder that holds raw/ (a checkout of dnnd-dataset), "
        "or name the folder with --raw PATH)\n"
        "1 problem(s) found; nothing was written.\n"
    )
    assert list(empty.iterdir()) == []


@pytest.mark.parametrize("command", ["check", "stats", "build", "add"])
def test_the_documents_folder_given_as_raw_is_one_located_error(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    text = tmp_path / "bai.txt"
    text.write_text("Một bài báo.\n", encoding="utf-8")
    before = snapshot(tmp_path)
    argv = {
        "check": ["check"],
        "stats": ["stats"],
        "build": ["build", "--out", str(tmp_path / "dataset")],
        "add": ["add", str(text)],
    }[command]
    assert main([*argv, "--raw", str(raw / "documents")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[0] == (
        f"{raw / 'documents'}:1: missing-file: {str(raw / 'documents')!r} is not a raw folder: "
        f"it holds neither documents/ nor registry/ (fix: name the folder that holds it: "
        f"--raw {raw})"
    )
    assert len(captured.err.splitlines()) == 2
    assert snapshot(tmp_path) == before


def test_explore_of_a_missing_folder_says_what_to_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["explore", "datset"]) == 1
    assert capsys.readouterr().err == (
        f"dnnd: error: datset: no such folder (looked for in {tmp_path}) (fix: name the folder "
        "that 'dnnd build --out DIR' wrote, dataset by default)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_python_m_dnnd_dataset_runs_the_command() -> None:
    done = python("-m", "dnnd_dataset", "--version")
    assert (done.returncode, done.stdout) == (0, f"dnnd-dataset {__version__}\n")


def test_verify_of_a_folder_that_is_no_dataset_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    fix = "(fix: name the folder that 'dnnd build --out DIR' wrote, dataset by default)"
    assert main(["verify", "."]) == 1
    assert capsys.readouterr().err == (
        ".: not an output folder of 'dnnd build': it holds no SHA256SUMS, README.md or data/ "
        f"{fix}\n"
    )
    assert main(["verify", "datset"]) == 1
    assert capsys.readouterr().err == f"datset: no such folder (looked for in {tmp_path}) {fix}\n"


def test_build_py_without_the_dependencies_says_what_to_install(tmp_path: Path) -> None:
    # -S leaves site-packages, and with it every dependency, off the module path.
    done = python("-S", str(REPO / "build.py"), "--out", str(tmp_path / "dataset"), cwd=REPO)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "dnnd: error: the library 'pydantic' that dnnd needs is not installed for this Python "
        "(fix: run 'pip install .' in the checkout, or 'pip install dnnd-dataset')\n"
    )
    assert not (tmp_path / "dataset").exists()
