"""Python packaging as in any project: ``python -m build`` writes the sdist and the wheel,
``python build.py`` builds the dataset, the sdist runs the tests, the wheel states the licences.
"""

from __future__ import annotations

import email
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from dnnd_dataset._version import __version__
from dnnd_dataset.publishing.dataset_meta import LICENSE_EXPRESSION, LICENSE_FILES

from .conftest import REPO, python, run

# What a checkout holds besides the sources: environments, caches and build outputs.
NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "__pycache__",
    "*.egg-info",
    "build",
    "dist",
    "dataset",
    ".*_cache",
    ".hypothesis",
)
# A meaningful part of the suite, run inside the unpacked sdist: the whole corpus checked
# and assembled, the packaged tables rebuilt from raw/, and every invalid-input fixture.
SDIST_TESTS = ["tests/test_corpus.py", "tests/test_package_data.py", "tests/test_invalid_input.py"]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("checkout") / "dnnd-dataset"
    shutil.copytree(REPO, root, ignore=NOT_SOURCES)
    return root


@pytest.fixture(scope="module")
def distributions(checkout: Path) -> Path:
    out = checkout.parent / "dist"
    done = run([sys.executable, "-m", "build", "--outdir", out], cwd=checkout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def test_python_m_build_writes_the_sdist_and_the_wheel(distributions: Path) -> None:
    assert sorted(p.name for p in distributions.iterdir()) == [
        f"dnnd_dataset-{__version__}-py3-none-any.whl",
        f"dnnd_dataset-{__version__}.tar.gz",
    ]


def test_python_build_py_still_builds_the_dataset(checkout: Path) -> None:
    done = python("build.py", "--out", "dataset", cwd=checkout)
    assert done.returncode == 0, done.stderr
    assert (checkout / "dataset" / "SHA256SUMS").is_file()
    assert not (checkout / "dist").exists()


def _wheel_metadata(distributions: Path) -> tuple[email.message.Message, set[str]]:
    (wheel,) = distributions.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (meta,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(meta)), names


def test_the_wheel_states_each_licence(distributions: Path) -> None:
    metadata, names = _wheel_metadata(distributions)
    assert metadata["License-Expression"] == LICENSE_EXPRESSION
    assert metadata.get_all("License-File") == list(LICENSE_FILES)
    for path in LICENSE_FILES:
        assert f"dnnd_dataset-{__version__}.dist-info/licenses/{path}" in names


@pytest.fixture(scope="module")
def unpacked(distributions: Path) -> Path:
    (sdist,) = distributions.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(distributions.parent / "sdist", filter="data")
    return distributions.parent / "sdist" / f"dnnd_dataset-{__version__}"


def test_the_sdist_holds_what_the_dataset_and_the_tests_need(unpacked: Path) -> None:
    for path in [
        "build.py",
        "DATASET_CARD.md",
        "CHANGELOG.md",
        "CITATION.cff",
        *LICENSE_FILES,
        "tests/conftest.py",
        "tests/data/invalid/quote-not-found.yaml",
        "schema/records/articles.schema.json",
        "dnnd_dataset/_data/articles.parquet",
    ]:
        assert (unpacked / path).is_file(), path
    assert sorted(p.name for p in (unpacked / "raw").iterdir()) == ["documents", "registry"]
    assert sorted(p.name for p in (unpacked / "raw" / "documents").iterdir()) == sorted(
        p.name for p in (REPO / "raw" / "documents").iterdir()
    )


def test_the_sdist_builds_the_dataset_and_passes_its_tests(unpacked: Path) -> None:
    # The checkout is on PYTHONPATH for python(); in the sdist its own copy must come first.
    env = {"PYTHONPATH": str(unpacked)}
    where = python("-c", "import dnnd_dataset; print(dnnd_dataset.__file__)", cwd=unpacked, **env)
    assert where.stdout.strip() == str(unpacked / "dnnd_dataset" / "__init__.py")
    built = python("build.py", "--out", "dataset", cwd=unpacked, **env)
    assert built.returncode == 0, built.stderr
    done = python("-m", "pytest", "-q", "-p", "no:cacheprovider", *SDIST_TESTS, cwd=unpacked, **env)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout.splitlines()[-1] and "failed" not in done.stdout


def test_python_m_build_without_pypa_build_says_what_to_install() -> None:
    # -S leaves site-packages, and with it PyPA's build, off the module path.
    done = run([sys.executable, "-S", "-m", "build"], cwd=REPO)
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        "python -m build needs PyPA's build, which is not installed: pip install build"
        " (python build.py builds the dataset)\n",
    )
