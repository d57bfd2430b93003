"""The README's examples run, and print what the README says they print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dnnd_dataset.builder import build

from .conftest import RAW, REPO, python

README_PATH = REPO / "README.md"
README = README_PATH.read_text(encoding="utf-8")
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


def _with_output(block: str, output: str) -> str:
    """``block`` with its '# ' lines replaced by ``output``, where the old ones stood."""
    lines = block.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("# "))
    kept = [line for line in lines if not line.startswith("# ")]
    printed = [f"# {line}" for line in output.splitlines()]
    return "\n".join([*kept[:first], *printed, *kept[first:]]) + "\n"


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example(index: int, dist_folder: Path, request: pytest.FixtureRequest) -> None:
    """The README's outputs are a snapshot of the corpus: after a change of the corpus,
    ``pytest tests/test_readme.py --update-readme`` writes the new ones into the README."""
    block = BLOCKS[index]
    done = python(
        "-c",
        block,
        cwd=dist_folder,
        HF_HUB_OFFLINE="1",
        HF_DATASETS_CACHE=str(dist_folder / "cache"),
    )
    assert done.returncode == 0, done.stderr
    assert _expected_output(block)
    if request.config.getoption("--update-readme") and done.stdout != _expected_output(block):
        readme = README_PATH.read_text(encoding="utf-8")
        assert readme.count(block) == 1
        README_PATH.write_text(readme.replace(block, _with_output(block, done.stdout)), "utf-8")
        return
    assert done.stdout == _expected_output(block), (
        "run: pytest tests/test_readme.py --update-readme"
    )
