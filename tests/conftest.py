from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dnnd_dataset.compiler import CompileResult, compile_corpus

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "raw"
SEEDS = REPO.parent / "shared" / "seeds"


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from .test_fuzz import STATS

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
