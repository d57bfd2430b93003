"""The public surface of ``import dnnd_dataset``: exactly the documented names, loaded lazily."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import dnnd_dataset

ROOT = Path(dnnd_dataset.__file__).resolve().parent.parent

PUBLIC_NAMES = {
    "__version__",
    "TABLE_NAMES",
    "Article",
    "Mention",
    "Meeting",
    "Person",
    "Post",
    "Directive",
    "Organization",
    "Evidence",
    "NerSentence",
    "NER_TAGS",
    "load",
    "table",
    "dataset",
    "corpus",
    "Corpus",
    "Issue",
    "Report",
    "DnndError",
    "compile_corpus",
}
HEAVY = ("datasets", "pyarrow", "pandas", "numpy", "pydantic", "pydantic_core")


def isort_order(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps ``__all__`` in: CONSTANTS, Classes, then the rest."""
    if name.isupper():
        return 0, name
    return (1 if name[:1].isupper() else 2), name


def test_all_is_exactly_the_public_names() -> None:
    assert set(dnnd_dataset.__all__) == PUBLIC_NAMES
    assert len(dnnd_dataset.__all__) == len(PUBLIC_NAMES)


def test_all_is_sorted() -> None:
    assert dnnd_dataset.__all__ == sorted(dnnd_dataset.__all__, key=isort_order)


@pytest.mark.parametrize("name", sorted(PUBLIC_NAMES))
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(dnnd_dataset, name) is not None


def test_dir_shows_the_public_names_only() -> None:
    shown = {name for name in dir(dnnd_dataset) if not name.startswith("_")}
    assert shown == PUBLIC_NAMES - {"__version__"}
    assert "__version__" in dir(dnnd_dataset)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'lod'"):
        dnnd_dataset.lod  # noqa: B018


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter, run from a neutral directory, importing the package under test.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=True, cwd="/", env=env
    )


def imported_modules(importtime_log: str) -> set[str]:
    """Module names from ``-X importtime`` lines: ``import time: self | cumulative | name``."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_log.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def test_import_loads_no_heavy_module() -> None:
    modules = imported_modules(run_python("-X", "importtime", "-c", "import dnnd_dataset").stderr)
    assert "dnnd_dataset" in modules
    assert {m for m in modules if m.split(".")[0] in HEAVY} == set()
    # Nor the record models, whose classes pydantic builds at import.
    assert {m for m in modules if m.startswith("dnnd_dataset.")} == {"dnnd_dataset._version"}


def test_records_and_navigation_load_without_arrow_or_datasets() -> None:
    code = (
        "import sys, dnnd_dataset as d; d.Person; d.TABLE_NAMES; d.corpus; d.load; "
        "print(' '.join(sorted(sys.modules)))"
    )
    modules = set(run_python("-c", code).stdout.split())
    assert "dnnd_dataset.records" in modules
    assert "dnnd_dataset.library.navigation" in modules
    assert {m for m in modules if m.split(".")[0] in ("datasets", "pyarrow", "pandas")} == set()
