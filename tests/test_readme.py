"""The README's examples run, and print what the README says they print."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
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


MARK = "\x1edNND-README-OUTPUT\x1e"


def _groups(block: str) -> list[list[str]]:
    """The block's lines, split into code and the runs of '# ' lines that show its output."""
    groups: list[list[str]] = [[]]
    for line in block.splitlines():
        shows = line.startswith("# ")
        if shows != (bool(groups[-1]) and groups[-1][0].startswith("# ")) and groups[-1]:
            groups.append([])
        groups[-1].append(line)
    return groups


def _with_output(block: str, run: Callable[[str], str]) -> str:
    """``block`` with each run of '# ' lines replaced by what the code before it prints.

    The block runs once, with a marker printed where each run of output lines stands.
    """
    groups = _groups(block)
    shows = [bool(group) and group[0].startswith("# ") for group in groups]
    marked = "\n".join(
        f"print({MARK!r})" if output else "\n".join(group)
        for group, output in zip(groups, shows, strict=True)
    )
    printed = run(marked + "\n").split(MARK + "\n")
    lines: list[str] = []
    parts = iter(printed)
    for group, output in zip(groups, shows, strict=True):
        lines += [f"# {line}" for line in next(parts).splitlines()] if output else group
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example(index: int, dist_folder: Path, request: pytest.FixtureRequest) -> None:
    """The README's outputs are a snapshot of the corpus: after a change of the corpus,
    ``pytest tests/test_readme.py --update-readme`` writes the new ones into the README."""
    block = BLOCKS[index]

    def run(code: str) -> subprocess.CompletedProcess[str]:
        return python(
            "-c",
            code,
            cwd=dist_folder,
            HF_HUB_OFFLINE="1",
            HF_DATASETS_CACHE=str(dist_folder / "cache"),
        )

    done = run(block)
    assert done.returncode == 0, done.stderr
    assert _expected_output(block)
    if request.config.getoption("--update-readme") and done.stdout != _expected_output(block):
        readme = README_PATH.read_text(encoding="utf-8")
        assert readme.count(block) == 1
        updated = _with_output(block, lambda code: run(code).stdout)
        README_PATH.write_text(readme.replace(block, updated), encoding="utf-8")
        return
    assert done.stdout == _expected_output(block), (
        "run: pytest tests/test_readme.py --update-readme"
    )


def test_an_update_writes_each_output_where_its_lines_stood() -> None:
    block = "a = 1\nprint(a)\n# 0\n# stale\n\nprint(a + 1)\n# 9\n"

    def run(code: str) -> str:
        return python("-c", code).stdout

    assert _with_output(block, run) == "a = 1\nprint(a)\n# 1\n\nprint(a + 1)\n# 2\n"


QUICK_START = README.split("## Quick start for data users", 1)[1].split("\n## ", 1)[0]


def test_the_quick_start_comes_before_everything_but_the_two_commands() -> None:
    sections = re.findall(r"^## (.+)$", README, re.MULTILINE)
    assert sections[0] == "Quick start for data users"
    assert README.index("## Quick start") > README.index('pip install ".[test]" && pytest')


def test_the_quick_start_shows_what_a_data_user_needs() -> None:
    for needed in (
        "dnnd.TABLE_NAMES",
        "dnnd.dataset(",
        'datasets.load_dataset("./dataset", ',
        'pip install "dnnd-dataset[duckdb]"',
        'pip install "dnnd-dataset[polars]"',
        "(dataset/README.md#tables-and-fields)",
    ):
        assert needed in QUICK_START, needed


def test_the_quick_start_counts_come_from_a_checked_example() -> None:
    # Numbers that grow with the corpus stand only in an example's output, which
    # test_readme_example compares with what the code prints.
    prose = re.sub(r"```.*?```", "", QUICK_START, flags=re.DOTALL)
    assert re.findall(r"\b\d+\b", prose) == []


def test_the_extras_the_quick_start_names_exist() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    extras = pyproject.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
    assert '\nduckdb = ["duckdb>=1.0"]\n' in extras
    assert '\npolars = ["polars>=1.0"]\n' in extras


def test_sql_needs_the_reserved_column_names_quoted() -> None:
    """Why the README quotes "end" and "table": DuckDB refuses them bare."""
    import duckdb

    from dnnd_dataset.library.api import _data_dir

    evidence = str(_data_dir(None) / "evidence.parquet")
    for bare in ("end", "table"):
        with pytest.raises(duckdb.ParserException, match=f'syntax error at or near "{bare}"'):
            duckdb.sql(f"SELECT {bare} FROM '{evidence}'")
    quoted = duckdb.execute(f"""SELECT "table", "end" FROM '{evidence}' LIMIT 1""").fetchall()
    assert len(quoted) == 1
