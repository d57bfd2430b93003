"""The code stays ruff-clean, formatted, and mypy --strict clean (the package typed strictly)."""

from __future__ import annotations

import sys

import pytest

from .conftest import REPO, run

CHECKS = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "."],
    "ruff format": [sys.executable, "-m", "ruff", "format", "--check", "."],
    "mypy": [sys.executable, "-m", "mypy", "dnnd_dataset", "tests", "bench", "build.py"],
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_static_check(name: str) -> None:
    done = run(CHECKS[name], cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
