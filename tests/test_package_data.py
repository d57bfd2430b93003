"""The tables inside the package equal a fresh build, and a wheel carries them."""

from __future__ import annotations

import os
import re
import sys
import sysconfig
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dnnd_dataset.builder import build
from dnnd_dataset.records import TABLE_NAMES

from .conftest import RAW, REPO, run

PACKAGED = REPO / "dnnd_dataset" / "_data"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fresh")
    build(RAW, folder / "dist", package_data=folder / "_data")
    return folder


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_packaged_table_equals_a_fresh_build(table: str, fresh: Path) -> None:
    packaged = pq.read_table(PACKAGED / f"{table}.parquet")
    rebuilt = pq.read_table(fresh / "_data" / f"{table}.parquet")
    published = pq.read_table(fresh / "dist" / "data" / table / "train-00000-of-00001.parquet")
    hint = "run: python build.py --package-data dnnd_dataset/_data"
    assert packaged.equals(rebuilt, check_metadata=True), hint
    assert published.equals(rebuilt, check_metadata=True)


def test_only_the_tables_and_their_sums_are_packaged(fresh: Path) -> None:
    assert sorted(path.name for path in PACKAGED.iterdir()) == sorted(
        ["SHA256SUMS", *(f"{name}.parquet" for name in TABLE_NAMES)]
    )
    # Listed, so that the next --package-data recognises the folder as its own.
    sums = (PACKAGED / "SHA256SUMS").read_text(encoding="utf-8")
    fresh_sums = (fresh / "_data" / "SHA256SUMS").read_text(encoding="utf-8")
    # Parquet records its writer's version (created_by), so another pyarrow (the floor run
    # of .ci/run) writes other bytes for the same rows, which the test above compares.
    writer = pq.ParquetFile(PACKAGED / "articles.parquet").metadata.created_by
    if writer == pq.ParquetFile(fresh / "_data" / "articles.parquet").metadata.created_by:
        assert sums == fresh_sums
    else:
        assert [line.split()[1] for line in sums.splitlines()] == [
            line.split()[1] for line in fresh_sums.splitlines()
        ]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    done = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", folder, REPO])
    assert done.returncode == 0, done.stderr
    (path,) = folder.glob("dnnd_dataset-*.whl")
    return path


def test_wheel_contains_the_tables_and_the_types(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in TABLE_NAMES:
        assert f"dnnd_dataset/_data/{table}.parquet" in names
    assert "dnnd_dataset/py.typed" in names


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A fresh venv's python that holds only the wheel, and the venv's site-packages.

    The dependencies come from this interpreter's site-packages through a .pth file, which
    sys.path lists after the venv's own.
    """
    venv = tmp_path_factory.mktemp("installed") / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", venv]).returncode == 0
    python = venv / "bin" / "python"
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(run([python, "-c", where]).stdout.strip())
    (site / "dependencies.pth").write_text(
        "\n".join(sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}))
        + "\n",
        encoding="utf-8",
    )
    done = run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--target",
            site,
            wheel,
        ]
    )
    assert done.returncode == 0, done.stderr
    return python, site


def _user_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "DNND_DATA_DIR", "VIRTUAL_ENV")
    }
    env.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", PYTHONIOENCODING="utf-8")
    return env


def test_installed_wheel_loads_every_table_offline_from_anywhere(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    python, site = installed
    script = (
        "import dnnd_dataset as d\n"
        f"assert d.__file__.startswith({str(site)!r}), d.__file__\n"
        "for name in d.TABLE_NAMES:\n"
        "    print(name, len(d.load(name)), d.table(name).num_rows, d.dataset(name).num_rows)\n"
        "print(d.corpus().person('tran-quoc-vuong').name)\n"
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    done = run([python, "-c", script], cwd=workdir, env=_user_env())
    assert done.returncode == 0, done.stderr
    counts = {
        name: pq.ParquetFile(PACKAGED / f"{name}.parquet").metadata.num_rows for name in TABLE_NAMES
    }
    assert done.stdout.splitlines() == [
        *(f"{name} {count} {count} {count}" for name, count in counts.items()),
        "Trần Quốc Vượng",
    ]


README = (REPO / "README.md").read_text(encoding="utf-8")
QUICK_START = README.split("## Quick start for data users", 1)[1].split("\n## ", 1)[0]
QUICK_START_BLOCKS = re.findall(r"```python\n(.*?)```", QUICK_START, re.DOTALL)


@pytest.mark.parametrize("index", range(len(QUICK_START_BLOCKS)))
def test_the_readme_quick_start_runs_in_a_fresh_venv(
    index: int, installed: tuple[Path, Path], tmp_path: Path
) -> None:
    """Each example of the quick start, with the wheel installed, in a folder holding only
    what ``python build.py`` writes there, prints what the README says it prints."""
    python, _ = installed
    build(RAW, tmp_path / "dataset")
    block = QUICK_START_BLOCKS[index]
    env = {**_user_env(), "HF_HOME": str(tmp_path / "hf-home")}
    done = run([python, "-c", block], cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    shown = "".join(line[2:] + "\n" for line in block.splitlines() if line.startswith("# "))
    assert shown and done.stdout == shown
