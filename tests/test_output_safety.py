"""Output folders: only a folder the build wrote is replaced, in one step, under a lock.

``--out`` and ``--package-data`` follow one rule: a folder is replaced only when it is
absent, empty, or holds exactly the files the build writes, all listed in its SHA256SUMS.
Anything else is refused with one clear line and nothing is deleted.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import hashlib
import os
import shutil
from pathlib import Path

import pytest

import dnnd_dataset.publishing.owned_folder as owned_folder
from dnnd_dataset.builder import build
from dnnd_dataset.cli import main
from dnnd_dataset.errors import InvalidCorpusError, OutputError
from dnnd_dataset.publishing.publish import SHA256SUMS, sha256sums_ok, write_dataset

from .conftest import RAW, REPO, python, snapshot
from .synthetic import VERSION, folder_bytes, sample_tables, write_sample

REFUSED = "so it is not an earlier output folder and nothing was changed"
FIX = "(fix: choose a new or empty folder, or move those files away)"


@pytest.fixture()
def earlier(tmp_path: Path) -> Path:
    return write_sample(tmp_path / "out")


def _siblings(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.parent.iterdir())


def _refused(target: Path, message: str) -> None:
    before = snapshot(target) if target.is_dir() else None
    siblings = _siblings(target)
    with pytest.raises(OutputError) as raised:
        write_sample(target)
    assert str(raised.value) == message
    assert (snapshot(target) if target.is_dir() else None) == before
    assert _siblings(target) == siblings


# ---------------------------------------------------------------- --out


def test_a_folder_with_an_iso_image_and_its_checksum_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "isos"
    target.mkdir()
    (target / "debian.iso").write_bytes(b"\0" * 1024)
    (target / SHA256SUMS).write_text("0" * 64 + "  debian.iso\n", encoding="utf-8")
    _refused(target, f"{target} holds debian.iso, which the build does not write, {REFUSED} {FIX}")


def test_an_output_the_user_made_a_git_repository_is_refused(earlier: Path) -> None:
    (earlier / ".git").mkdir()
    (earlier / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (earlier / ".gitattributes").write_text("*.parquet filter=lfs\n", encoding="utf-8")
    (earlier / "notes.md").write_text("upload on Monday\n", encoding="utf-8")
    _refused(
        earlier,
        f"{earlier} holds .git/, .gitattributes, notes.md, which the build does not write, "
        f"{REFUSED} {FIX}",
    )


def test_more_than_three_foreign_entries_are_counted(earlier: Path) -> None:
    for name in "abcde":
        (earlier / name).write_text(name, encoding="utf-8")
    _refused(
        earlier,
        f"{earlier} holds a, b, c and 2 more, which the build does not write, {REFUSED} {FIX}",
    )


def test_a_file_of_the_layout_that_sha256sums_does_not_list_is_refused(earlier: Path) -> None:
    extra = earlier / "data" / "persons" / "train-00001-of-00002.parquet"
    extra.write_bytes(b"PAR1")
    _refused(
        earlier,
        f"{earlier} holds data/persons/train-00001-of-00002.parquet, which its SHA256SUMS "
        f"does not list, {REFUSED} {FIX}",
    )


def test_an_output_without_sha256sums_is_refused(earlier: Path) -> None:
    (earlier / SHA256SUMS).unlink()
    _refused(earlier, f"{earlier} has no SHA256SUMS, {REFUSED} {FIX}")


def test_a_file_link_inside_is_refused(earlier: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.md").write_text("mine", encoding="utf-8")
    (earlier / "README.md").unlink()
    (earlier / "README.md").symlink_to(tmp_path / "elsewhere.md")
    _refused(earlier, f"{earlier} holds README.md, which the build does not write, {REFUSED} {FIX}")
    assert (tmp_path / "elsewhere.md").read_text(encoding="utf-8") == "mine"


def test_a_link_as_out_is_refused_naming_its_target(earlier: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(earlier)
    _refused(
        link,
        f"{link} is a symbolic link; refusing to replace it (fix: pass the folder it points "
        f"to, {earlier})",
    )


def test_an_earlier_output_and_an_empty_folder_are_replaced(earlier: Path, tmp_path: Path) -> None:
    write_dataset(sample_tables(), earlier, version="9.9.9")
    assert b"version 9.9.9" in (earlier / "README.md").read_bytes()
    (tmp_path / "empty" / "data").mkdir(parents=True)
    write_sample(tmp_path / "empty")
    assert sha256sums_ok(tmp_path / "empty") == []


def test_cli_refuses_the_working_directory_and_says_nothing_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    shutil.copytree(RAW, work / "raw")
    shutil.copyfile(REPO / "DATASET_CARD.md", work / "DATASET_CARD.md")
    before = snapshot(work)
    monkeypatch.chdir(work)
    assert main(["build", "--out", "."]) == 1
    assert capsys.readouterr().err == (
        f"dnnd: error: . holds DATASET_CARD.md, raw/, which the build does not write, "
        f"{REFUSED} {FIX}\n"
    )
    assert snapshot(work) == before


# ---------------------------------------------------------------- --package-data


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("package")
    build(RAW, folder / "out", package_data=folder / "data")
    return folder


def test_package_data_is_the_tables_and_their_sha256sums(built_once: Path) -> None:
    assert sorted(snapshot(built_once / "data")) == sorted(
        [SHA256SUMS, *(f"{name}.parquet" for name in sample_tables())]
    )
    assert sha256sums_ok(built_once / "data") == []


def test_package_data_replaces_its_own_earlier_folder(built_once: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built_once / "data", data)
    before = snapshot(data)
    build(RAW, tmp_path / "out", package_data=data)
    assert snapshot(data) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "out"]


def test_package_data_refuses_the_raw_folder(raw_copy: Path, tmp_path: Path) -> None:
    shutil.copyfile(REPO / "DATASET_CARD.md", tmp_path / "DATASET_CARD.md")
    before = snapshot(raw_copy)
    with pytest.raises(OutputError) as raised:
        build(raw_copy, tmp_path / "out", package_data=raw_copy)
    assert str(raised.value) == (
        f"{raw_copy} holds documents/, registry/, which the build does not write, so it is "
        f"not an earlier package data folder and nothing was changed {FIX}"
    )
    assert snapshot(raw_copy) == before
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_package_data_refuses_the_working_directory_and_keeps_the_output(
    built_once: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = tmp_path / "work"
    shutil.copytree(RAW, work / "raw")
    shutil.copyfile(REPO / "DATASET_CARD.md", work / "DATASET_CARD.md")
    (work / "thesis.tex").write_text("precious", encoding="utf-8")
    shutil.copytree(built_once / "out", work / "out")
    before = snapshot(work)
    monkeypatch.chdir(work)
    assert main(["build", "--out", "out", "--package-data", "."]) == 1
    err = capsys.readouterr().err
    assert err == (
        "dnnd: error: . holds DATASET_CARD.md, out/, raw/ and 1 more, which the build does "
        f"not write, so it is not an earlier package data folder and nothing was changed {FIX}\n"
    )
    assert snapshot(work) == before


def test_package_data_with_a_foreign_file_is_refused(built_once: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built_once / "data", data)
    (data / "__init__.py").write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match=r"holds __init__\.py, which the build does not"):
        build(RAW, tmp_path / "out", package_data=data)
    assert (data / "__init__.py").exists()


# ---------------------------------------------------------------- one atomic step


def test_the_output_is_complete_after_every_step_of_the_swap(
    earlier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash at any instant leaves a whole output: old or new, never none and never a mix."""
    old = folder_bytes(earlier)
    seen: list[str] = []

    def whole() -> None:
        assert earlier.is_dir(), "the output folder is missing"
        assert sha256sums_ok(earlier) == []
        seen.append((earlier / "README.md").read_text(encoding="utf-8").split("version ")[1][:5])

    real_rename, real_rmtree = os.rename, shutil.rmtree

    def rename(*args: object, **kwargs: object) -> None:
        real_rename(*args, **kwargs)  # type: ignore[arg-type]
        whole()

    def rmtree(*args: object, **kwargs: object) -> None:
        real_rmtree(*args, **kwargs)  # type: ignore[arg-type]
        whole()

    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(shutil, "rmtree", rmtree)
    write_dataset(sample_tables(), earlier, version="9.9.9")
    assert seen and seen[-1] == "9.9.9"
    assert folder_bytes(earlier) != old
    assert _siblings(earlier) == ["out"]


def _fake_renameat2(code: int):
    def renameat2(*args: object) -> int:
        ctypes.set_errno(code)
        return -1

    return lambda: renameat2


@pytest.mark.parametrize("code", [errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP])
def test_without_an_atomic_exchange_two_renames_replace_the_output(
    earlier: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    monkeypatch.setattr(owned_folder, "_renameat2", _fake_renameat2(code))
    write_dataset(sample_tables(), earlier, version="9.9.9")
    assert b"version 9.9.9" in (earlier / "README.md").read_bytes()
    assert sha256sums_ok(earlier) == []
    assert _siblings(earlier) == ["out"]


def test_a_failing_exchange_leaves_the_output_and_says_why(
    earlier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = folder_bytes(earlier)
    monkeypatch.setattr(owned_folder, "_renameat2", _fake_renameat2(errno.EACCES))
    with pytest.raises(OutputError, match="Permission denied; the previous output is unchanged"):
        write_dataset(sample_tables(), earlier, version="9.9.9")
    assert folder_bytes(earlier) == before
    assert _siblings(earlier) == ["out"]


def test_without_renameat2_in_libc_the_renames_are_used(
    earlier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(owned_folder, "_renameat2", lambda: None)
    write_dataset(sample_tables(), earlier, version="9.9.9")
    assert b"version 9.9.9" in (earlier / "README.md").read_bytes()


def test_the_real_exchange_swaps_two_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "from-a").touch()
    if not owned_folder.exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("no renameat2 with RENAME_EXCHANGE here")
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["from-a"]
    assert list((tmp_path / "a").iterdir()) == []


# ---------------------------------------------------------------- lock and leftovers


def test_a_second_build_of_the_same_folder_is_refused_while_one_runs(earlier: Path) -> None:
    before = folder_bytes(earlier)
    with owned_folder.output_lock(earlier), pytest.raises(OutputError) as raised:
        write_dataset(sample_tables(), earlier, version="9.9.9")
    lock = earlier.parent / ".out.lock"
    assert str(raised.value) == (
        f"another build is writing {earlier} (it holds {lock}); nothing was changed "
        "(fix: wait for it to finish, then build again)"
    )
    assert folder_bytes(earlier) == before
    assert _siblings(earlier) == ["out"]  # the lock file goes with the lock
    write_dataset(sample_tables(), earlier, version="9.9.9")


def test_leftovers_of_killed_runs_are_swept_and_nothing_else(earlier: Path) -> None:
    parent = earlier.parent
    partial = parent / ".out.building-0123456789ab"
    (partial / "data" / "persons").mkdir(parents=True)
    (partial / "data" / "persons" / "train-00000-of-00001.parquet").write_bytes(b"PAR1")
    previous = parent / ".out.previous-ba9876543210"
    shutil.copytree(earlier, previous)
    foreign = parent / ".out.building-fedcba987654"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    odd_name = parent / ".out.building-mine"
    odd_name.mkdir()
    other_output = parent / ".other.building-0123456789ab"
    other_output.mkdir()
    write_dataset(sample_tables(), earlier, version=VERSION)
    assert _siblings(earlier) == sorted(
        [".other.building-0123456789ab", ".out.building-fedcba987654", ".out.building-mine", "out"]
    )
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_table_files_a_killed_build_was_writing_are_swept(earlier: Path) -> None:
    parent = earlier.parent
    killed = parent / ".out.building-0123456789ab"
    (killed / "data" / "persons").mkdir(parents=True)
    (killed / ".persons-00000.partial").write_bytes(b"PAR1 half")
    (killed / ".ner-00003.partial").write_bytes(b"PAR1")
    package = parent / ".pkg.building-ba9876543210"
    package.mkdir()
    (package / ".articles-00000.partial").write_bytes(b"PAR1")
    # Only at the top of a staging folder, and only with a table writer's name.
    misplaced = parent / ".out.building-fedcba987654"
    (misplaced / "data").mkdir(parents=True)
    (misplaced / "data" / ".persons-00000.partial").write_bytes(b"PAR1")
    odd = parent / ".out.building-00000000000f"
    odd.mkdir()
    (odd / ".Persons-0.partial").write_bytes(b"PAR1")
    write_dataset(sample_tables(), earlier, version=VERSION)
    kept = [".out.building-00000000000f", ".out.building-fedcba987654"]
    assert _siblings(earlier) == [*kept, ".pkg.building-ba9876543210", "out"]
    assert owned_folder.sweep_stale_staging(parent / "pkg", owned_folder.PACKAGE_DATA_LAYOUT) == [
        package
    ]


def test_a_link_planted_as_the_lock_file_is_not_followed(earlier: Path, tmp_path: Path) -> None:
    aim = tmp_path / "elsewhere" / "created-by-the-build"
    aim.parent.mkdir()
    lock = earlier.parent / ".out.lock"
    lock.symlink_to(aim)
    before = folder_bytes(earlier)
    with pytest.raises(OutputError) as raised:
        write_dataset(sample_tables(), earlier, version="9.9.9")
    assert str(raised.value) == (
        f"{lock} is a symbolic link, not the build's lock file; nothing was changed "
        "(fix: delete the link)"
    )
    assert not aim.exists() and lock.is_symlink()
    assert folder_bytes(earlier) == before


# ---------------------------------------------------------------- --package-data with --out

# Build in a child process that dies at the second swap of a folder into place.
KILLED_AT_SECOND_SWAP = """
import os, sys
from pathlib import Path
import dnnd_dataset.publishing.owned_folder as owned_folder
from dnnd_dataset.builder import build
real, calls = owned_folder.exchange, []
def dying(*args):
    calls.append(args)
    if len(calls) == 2:
        os._exit(9)  # killed: nothing after this runs
    return real(*args)
owned_folder.exchange = dying
build(Path(sys.argv[1]), Path(sys.argv[2]), package_data=Path(sys.argv[3]))
"""


def test_a_build_killed_between_its_two_swaps_is_finished_by_the_next_run(
    tmp_path: Path,
) -> None:
    if not owned_folder.exchange(tmp_path, tmp_path):
        pytest.skip("no renameat2 with RENAME_EXCHANGE here")
    shutil.copytree(RAW, tmp_path / "raw")
    shutil.copy(REPO / "DATASET_CARD.md", tmp_path / "DATASET_CARD.md")
    raw, out, package = tmp_path / "raw", tmp_path / "out", tmp_path / "pkg"
    build(raw, out, package_data=package)
    before, package_before = snapshot(out), snapshot(package)
    text = raw / "documents" / "003-cb987c258479b677.txt"
    annotation = text.with_suffix(".yaml")
    old = hashlib.sha256(text.read_bytes()).hexdigest()
    text.write_text(text.read_text(encoding="utf-8") + "\n\nHội nghị kết thúc.\n", "utf-8")
    new = hashlib.sha256(text.read_bytes()).hexdigest()
    annotation.write_text(annotation.read_text(encoding="utf-8").replace(old, new), "utf-8")
    expected = tmp_path / "expected"
    build(raw, expected / "out", package_data=expected / "pkg")
    assert snapshot(expected / "out") != before

    killed = python("-c", KILLED_AT_SECOND_SWAP, raw, out, package)
    assert killed.returncode == 9, killed.stderr
    # One folder swapped, the other not yet.
    assert (snapshot(out) == before) != (snapshot(package) == package_before)

    # The next run, even one that fails, first finishes the swaps of the killed one.
    person = raw / "registry" / "persons" / "ha-su.yaml"
    person.write_text(person.read_text(encoding="utf-8") + "nickname: x\n", encoding="utf-8")
    with pytest.raises(InvalidCorpusError):
        build(raw, out, package_data=package)
    assert snapshot(out) == snapshot(expected / "out")
    assert snapshot(package) == snapshot(expected / "pkg")
    assert _siblings(out) == ["DATASET_CARD.md", "expected", "out", "pkg", "raw"]


def test_a_failed_second_swap_puts_the_first_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not owned_folder.exchange(tmp_path, tmp_path):
        pytest.skip("no renameat2 with RENAME_EXCHANGE here")
    first, second = write_sample(tmp_path / "out"), write_sample(tmp_path / "more")
    before = folder_bytes(first), folder_bytes(second)
    real, calls = owned_folder.exchange, []

    def failing(*args: Path) -> bool:
        calls.append(args)
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error", str(args[1]))
        return real(*args)

    monkeypatch.setattr(owned_folder, "exchange", failing)

    def write(stagings: list[Path]) -> None:
        for staging in stagings:
            write_sample(staging, date_published=dt.date(2000, 1, 1))

    with pytest.raises(OutputError, match="Input/output error"):
        owned_folder.replace_folders(
            [(first, owned_folder.OUTPUT_LAYOUT), (second, owned_folder.OUTPUT_LAYOUT)], write
        )
    assert (folder_bytes(first), folder_bytes(second)) == before
    assert _siblings(first) == ["more", "out"]
