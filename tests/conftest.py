from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from dnnd_dataset.checking.pipeline import CompileResult, compile_corpus
from dnnd_dataset.library import api

from .synthetic import write_data_dir

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "raw"
SEEDS = REPO.parent / "shared" / "seeds"


def run(
    argv: Sequence[str | Path], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A command in a child process, output decoded as UTF-8; the caller checks the result."""
    return subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )


def python(
    *args: str | Path, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """This interpreter with the checkout importable; ``env`` adds variables."""
    variables = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", **env}
    return run([sys.executable, *args], cwd=cwd, env=variables)


def corpus_copy(pristine: Path, where: Path) -> Path:
    """A copy of a synthetic raw folder and the card prose beside it, in ``where``."""
    shutil.copytree(pristine, where / "raw")
    shutil.copyfile(pristine.parent / "DATASET_CARD.md", where / "DATASET_CARD.md")
    return where / "raw"


def synthetic_corpus(articles: int, seed: int) -> tuple[Any, Any]:
    """The fixtures ``pristine``, a synthetic corpus of ``articles`` written once per module,
    and ``raw``, a copy of it for each test: ``pristine, raw = synthetic_corpus(6, seed=3)``."""

    @pytest.fixture(scope="module")
    def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
        from bench import synth

        raw = tmp_path_factory.mktemp("pristine") / "raw"
        synth.write_corpus(raw, articles, seed=seed)
        return raw

    @pytest.fixture
    def raw(pristine: Path, tmp_path: Path) -> Path:
        return corpus_copy(pristine, tmp_path)

    return pristine, raw


def checked_afresh(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents that runs in this process check afresh from now on, as they come."""
    from dnnd_dataset.checking import document_worker

    checked: list[str] = []
    real = document_worker._check_afresh

    def check_afresh(context: Any, stem: str, files: Any) -> Any:
        checked.append(stem)
        return real(context, stem, files)

    monkeypatch.setattr(document_worker, "_check_afresh", check_afresh)
    return checked


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder``, by relative path."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's cache folder (the default caches, the entries' secret) is the tests' own."""
    folder = tmp_path_factory.mktemp("user-cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)  # children started by the tests inherit it
    yield folder / "dnnd-dataset"
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="session")
def compiled() -> CompileResult:
    result = compile_corpus(RAW)
    assert result.report.valid, result.report.format()
    return result


@pytest.fixture()
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of raw/ that a test may break."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The synthetic corpus written as package data, and DNND_DATA_DIR pointing at it."""
    directory = write_data_dir(tmp_path_factory.mktemp("library") / "data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(api.DATA_DIR_ENV, str(directory))
        yield directory


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-readme",
        action="store_true",
        help="write the outputs of the README's examples into the README (after a corpus change)",
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from .test_fuzz import PARQUET_STATS, STATS

    if PARQUET_STATS:
        counts = ", ".join(
            f"{key.removeprefix('mutation ')} {n}" for key, n in sorted(PARQUET_STATS.items())
        )
        terminalreporter.write_line(f"Parquet mutants: {counts}, 0 tracebacks")

    if STATS["mutants"]:
        terminalreporter.write_line(
            f"mutation fuzzer: {STATS['mutants']} mutants, {STATS['rejected']} rejected with "
            f"located errors, {STATS['built']} built and verified, 0 tracebacks, "
            f"{STATS['rejected'] - STATS['unchanged outputs']} changed outputs"
        )
        kinds = ", ".join(
            f"{key.removeprefix('mutation ')} {value}"
            for key, value in sorted(STATS.items())
            if key.startswith("mutation ")
        )
        terminalreporter.write_line(f"mutation fuzzer kinds: {kinds}")
