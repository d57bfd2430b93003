"""The README's examples run, and print what the README says they print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dnnd_dataset.builder import build

from .conftest import RAW, REPO, python

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.DOTALL)


def _expected_output(block: str) -> str:
    return "".join(line[2:] + "\n" for line in block.splitlines() if line.startswith("# "))


def test_readme_opens_with_the_two_commands() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.DOTALL)
    assert commands[:2] == ["pip install . && python build.py", 'pip install ".[test]" && pytest']


@pytest.fixture(scope="module")
def dist_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    build(RAW, folder / "dataset")
    return folder


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example(index: int, dist_folder: Path) -> None:
    block = BLOCKS[index]
    done = python(
        "-c",
        block,
        cwd=dist_folder,
        HF_HUB_OFFLINE="1",
        HF_DATASETS_CACHE=str(dist_folder / "cache"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == _expected_output(block)
    assert _expected_output(block)
