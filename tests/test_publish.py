"""write_dataset: layout, checksums, determinism, atomic replacement, and other readers."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

import dnnd_dataset.publishing.owned_folder as owned_folder
import dnnd_dataset.publishing.publish as publish
from dnnd_dataset.errors import OutputError, UnknownTableError
from dnnd_dataset.publishing.arrow_schema import TABLE_KEY, VERSION_KEY, arrow_schema
from dnnd_dataset.publishing.dataset_meta import data_file
from dnnd_dataset.publishing.publish import SHA256SUMS, sha256sums_ok, write_dataset
from dnnd_dataset.records import TABLES

from .synthetic import (
    PER_DOCUMENT,
    VERSION,
    folder_bytes,
    sample_tables,
    write_sample,
    written_rows,
)

EXPECTED_FILES = sorted(
    ["README.md", "croissant.json", SHA256SUMS, *(data_file(name) for name in TABLES)]
)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("publish") / "out")


def _siblings(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir())


def test_layout(out: Path) -> None:
    assert sorted(folder_bytes(out)) == EXPECTED_FILES
    assert _siblings(out) == ["out"]


def test_sha256sums_format(out: Path) -> None:
    lines = (out / SHA256SUMS).read_text(encoding="utf-8").splitlines()
    names = [line[66:] for line in lines]
    assert names == sorted(name for name in EXPECTED_FILES if name != SHA256SUMS)
    assert all(re.fullmatch(r"[0-9a-f]{64}  \S+", line) for line in lines)
    assert sha256sums_ok(out) == []


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="no sha256sum on this machine")
def test_sha256sum_check_accepts_it(out: Path) -> None:
    done = subprocess.run(
        ["sha256sum", "--check", "--strict", SHA256SUMS],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_sha256sums_ok_reports_each_problem(out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "README.md").write_text("changed", encoding="utf-8")
    (copy / data_file("mentions")).unlink()
    (copy / "notes.txt").write_text("extra", encoding="utf-8")
    with (copy / SHA256SUMS).open("a", encoding="utf-8") as sums:
        sums.write("not a line\n" + "0" * 64 + "  ../outside\n")
    assert sha256sums_ok(copy) == [
        "README.md: SHA-256 differs from SHA256SUMS",
        f"{data_file('mentions')}: listed in SHA256SUMS but missing",
        "SHA256SUMS:12: not a `sha256sum` line",
        "../outside: path leaves the output folder",
        "notes.txt: not listed in SHA256SUMS",
    ]
    (copy / SHA256SUMS).unlink()
    assert sha256sums_ok(copy) == ["SHA256SUMS: missing"]


def test_two_builds_are_byte_identical(out: Path, tmp_path: Path) -> None:
    shuffled = {name: list(records)[::-1] for name, records in sample_tables().items()}
    write_dataset(shuffled, tmp_path / "again", version=VERSION, per_document=_per_document())
    assert folder_bytes(tmp_path / "again") == folder_bytes(out)


def _per_document() -> dict[str, dict[str, int]]:
    return {key: dict(value) for key, value in reversed(PER_DOCUMENT.items())}


@pytest.mark.parametrize("table_name", list(TABLES))
def test_parquet_files_are_zstd_with_the_derived_schema(out: Path, table_name: str) -> None:
    parquet = pq.ParquetFile(out / data_file(table_name))
    metadata = parquet.metadata
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for column in range(row_group.num_columns):
            assert row_group.column(column).compression == "ZSTD"
    schema = parquet.schema_arrow
    assert schema.metadata[VERSION_KEY] == VERSION.encode()
    assert schema.metadata[TABLE_KEY] == table_name.encode()
    assert b"pandas" not in schema.metadata
    expected = arrow_schema(table_name, VERSION)
    assert schema.equals(expected, check_metadata=True)
    for field in expected:
        assert schema.field(field.name).metadata == field.metadata


@pytest.mark.parametrize("table_name", list(TABLES))
def test_duckdb_reads_every_file(out: Path, table_name: str) -> None:
    path = (out / data_file(table_name)).as_posix()
    connection = duckdb.connect()
    rows = connection.execute(f"select count(*) from read_parquet('{path}')").fetchone()
    assert rows == (len(written_rows(table_name)),)
    described = connection.execute(f"describe select * from read_parquet('{path}')").fetchall()
    assert [row[0] for row in described] == list(TABLES[table_name].model.model_fields)


def test_duckdb_sees_dates_int32_and_lists_of_structs(out: Path) -> None:
    path = (out / data_file("meetings")).as_posix()
    connection = duckdb.connect()
    types = {
        row[0]: row[1]
        for row in connection.execute(f"describe select * from read_parquet('{path}')").fetchall()
    }
    assert types["date"] == "DATE"
    assert types["attendance"] == "INTEGER"
    assert types["participants"].startswith("STRUCT(person_id VARCHAR, ")
    assert types["participants"].endswith(")[]")
    chairs = connection.execute(
        f"select p.person_id from read_parquet('{path}'), unnest(participants) as t(p) "
        "where list_contains(p.roles, 'chair')"
    ).fetchall()
    assert chairs == [("truong-tan-sang",)]
    dates = connection.execute(f"select date from read_parquet('{path}') order by 1").fetchall()
    assert dates == [(dt.date(2011, 7, 19),), (None,)]


@pytest.mark.parametrize("table_name", list(TABLES))
def test_polars_reads_every_file(out: Path, table_name: str) -> None:
    frame = pl.read_parquet(out / data_file(table_name))
    assert frame.columns == list(TABLES[table_name].model.model_fields)
    assert frame.to_dicts() == written_rows(table_name)


def test_polars_types(out: Path) -> None:
    schema = pl.read_parquet_schema(out / data_file("persons"))
    assert schema["positions"] == pl.List(
        pl.Struct(
            {
                "title": pl.String,
                "post_id": pl.String,
                "organization_id": pl.String,
                "as_of": pl.Date,
                "as_of_inferred": pl.Boolean,
                "article_id": pl.String,
            }
        )
    )
    assert pl.read_parquet_schema(out / data_file("mentions"))["start"] == pl.Int32


def test_replaces_an_earlier_output(out: Path, tmp_path: Path) -> None:
    target = write_sample(tmp_path / "out")
    write_dataset(sample_tables(), target, version="9.9.9")
    assert b"version 9.9.9" in (target / "README.md").read_bytes()
    assert sha256sums_ok(target) == []
    assert _siblings(target) == ["out"]


def test_a_failure_mid_write_leaves_the_earlier_output_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write_sample(tmp_path / "out")
    before = folder_bytes(target)
    opened: list[str] = []
    real_writer = pq.ParquetWriter

    def fail_on_third_file(where, schema, **options):
        opened.append(str(where))
        if len(opened) == 3:
            raise OSError(28, "No space left on device")
        return real_writer(where, schema, **options)

    monkeypatch.setattr(pq, "ParquetWriter", fail_on_third_file)
    with pytest.raises(OutputError, match="No space left on device; the previous output is"):
        write_dataset(sample_tables(), target, version="2.0.0")
    assert folder_bytes(target) == before
    assert _siblings(target) == ["out"]


def test_a_failure_after_the_data_leaves_the_earlier_output_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write_sample(tmp_path / "out")
    before = folder_bytes(target)

    def broken(*args, **kwargs):
        raise RuntimeError("croissant failed")

    monkeypatch.setattr(publish, "croissant", broken)
    with pytest.raises(RuntimeError, match="croissant failed"):
        write_dataset(sample_tables(), target, version="2.0.0")
    assert folder_bytes(target) == before
    assert _siblings(target) == ["out"]


def test_a_failed_swap_puts_the_earlier_output_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write_sample(tmp_path / "out")
    before = folder_bytes(target)
    real_rename = Path.rename

    def refuse_new_output(self: Path, destination):
        if ".out.building-" in self.name:
            raise PermissionError(13, "Permission denied")
        return real_rename(self, destination)

    monkeypatch.setattr(Path, "rename", refuse_new_output)
    # Where the platform cannot exchange two folders in one step, two renames do it.
    monkeypatch.setattr(owned_folder, "_renameat2", lambda: None)
    with pytest.raises(OutputError, match="Permission denied; the previous output is unchanged"):
        write_dataset(sample_tables(), target, version="2.0.0")
    assert folder_bytes(target) == before
    assert _siblings(target) == ["out"]


def test_invalid_records_fail_before_anything_moves(tmp_path: Path) -> None:
    target = write_sample(tmp_path / "out")
    before = folder_bytes(target)
    tables = sample_tables()
    tables["mentions"] = tables["articles"]
    with pytest.raises(TypeError, match="holds Mention records"):
        write_dataset(tables, target, version=VERSION)
    assert folder_bytes(target) == before
    assert _siblings(target) == ["out"]


def test_refuses_to_replace_a_folder_that_is_not_an_output(tmp_path: Path) -> None:
    target = tmp_path / "home"
    target.mkdir()
    (target / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(OutputError, match="not an earlier output"):
        write_sample(target)
    assert (target / "thesis.tex").read_text(encoding="utf-8") == "precious"
    assert _siblings(target) == ["home"]


def test_refuses_to_replace_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("a file", encoding="utf-8")
    with pytest.raises(OutputError, match="is not a folder"):
        write_sample(target)


def test_writes_into_an_empty_folder_and_creates_parents(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert sha256sums_ok(write_sample(tmp_path / "empty")) == []
    assert sha256sums_ok(write_sample(tmp_path / "a" / "b" / "out")) == []


def test_output_folder_permissions_follow_the_umask(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        target = write_sample(tmp_path / "out")
    finally:
        os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o755


def test_every_table_is_required(tmp_path: Path) -> None:
    tables = dict(sample_tables())
    del tables["evidence"]
    with pytest.raises(ValueError, match="missing: evidence"):
        write_dataset(tables, tmp_path / "out", version=VERSION)
    with pytest.raises(UnknownTableError, match="no table 'people'"):
        write_dataset({**sample_tables(), "people": []}, tmp_path / "out", version=VERSION)
    assert not (tmp_path / "out").exists()


def test_empty_tables_are_written(tmp_path: Path) -> None:
    tables = {**sample_tables(), "evidence": []}
    target = tmp_path / "out"
    write_dataset(tables, target, version=VERSION)
    assert pq.read_table(target / data_file("evidence")).num_rows == 0
    assert sha256sums_ok(target) == []


def test_missing_card_prose_is_an_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "CARD_PROSE", tmp_path / "nowhere.md")
    with pytest.raises(OutputError, match="cannot read the card prose"):
        write_sample(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_card_prose_can_be_given(tmp_path: Path) -> None:
    prose = "# Card\n\n```bibtex\n@misc{other,\n  title = {Other}\n}\n```\n"
    target = write_sample(tmp_path / "out", card_prose=prose)
    assert "# Card" in (target / "README.md").read_text(encoding="utf-8")
    assert '"citeAs": "@misc{other,' in (target / "croissant.json").read_text(encoding="utf-8")


def test_progress_names_each_file_as_it_is_written(tmp_path: Path) -> None:
    steps: list[str] = []
    write_sample(tmp_path / "out", progress=steps.append)
    assert steps == [
        *(data_file(name) for name in TABLES),
        "README.md",
        "croissant.json",
        SHA256SUMS,
    ]


def test_one_thread_encodes_every_table_and_ends_with_the_writer(tmp_path: Path) -> None:
    import threading

    before = {thread.name for thread in threading.enumerate()}
    writer = publish.DatasetWriter(tmp_path / "out", "1.1.0", package=tmp_path / "package")
    writers = [*writer.writers.values(), *writer.package_writers.values()]
    assert len(writers) == 2 * len(TABLES)
    assert {id(table._thread) for table in writers} == {id(writer._thread)}
    for table in TABLES:
        writer.writers[table].add([])
    writer.abandon()
    assert writer._thread._shutdown
    assert {thread.name for thread in threading.enumerate()} <= before


def test_a_shard_that_cannot_be_closed_leaves_no_thread_and_no_other_shard_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    before = {thread.name for thread in threading.enumerate()}
    writer = publish.DatasetWriter(tmp_path / "out", "1.1.0", package=tmp_path / "package")
    writers = [*writer.writers.values(), *writer.package_writers.values()]
    for table in writers:
        table._open_shard()
    writer._thread.submit(lambda: None).result()  # the thread runs, as after a row group

    def close() -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.writers["articles"]._writer, "close", close)
    writer.abandon()  # after a failure, which is the one reported
    assert all(table._writer is None for table in writers)
    assert writer._thread._shutdown
    assert {thread.name for thread in threading.enumerate()} <= before


def test_a_row_group_whose_wait_was_interrupted_is_written_before_its_file_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures
    import time

    from dnnd_dataset.publishing import table_writer

    writer = publish.DatasetWriter(tmp_path / "out", "1.1.0")
    written: list[bool] = []
    real = table_writer._write_and_release

    def slow(parquet: pq.ParquetWriter, group: Any, count: int) -> None:
        time.sleep(0.3)  # still encoding when the wait for it is interrupted
        written.append(parquet.is_open)
        real(parquet, group, count)

    monkeypatch.setattr(table_writer, "_write_and_release", slow)
    posts = writer.writers["posts"]
    posts.row_group_rows = 1
    row: dict[str, Any] = {
        "post_id": "p",
        "name": "P",
        "organization_id": None,
        "titles": [],
        "person_ids": [],
    }
    posts.add(table_writer.arrow_rows("posts", [row], version="1.1.0"))

    def interrupted(self: Any, timeout: float | None = None) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:  # Ctrl-C while the build waits for the row group
        patch.setattr(concurrent.futures.Future, "result", interrupted)
        with pytest.raises(KeyboardInterrupt):
            posts.settle()
    writer.abandon()
    assert written == [True]
