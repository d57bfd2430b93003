"""The library on damaged installed data: its own error naming the file, never a raw one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dnnd_dataset.errors import DnndError
from dnnd_dataset.library import api

from .synthetic import write_data_dir

FIX = (
    ": reinstall the package, rebuild the data (dnnd build --package-data), or point "
    "DNND_DATA_DIR at a good copy"
)


@pytest.fixture()
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = write_data_dir(tmp_path / "data")
    monkeypatch.setenv(api.DATA_DIR_ENV, str(folder))
    api._read_table.cache_clear()
    api._load_records.cache_clear()
    yield folder
    api._read_table.cache_clear()
    api._load_records.cache_clear()


def _raised(name: str, *, records: bool = False) -> api.CorruptDataError:
    with pytest.raises(api.CorruptDataError) as raised:
        api.load(name) if records else api.table(name)
    assert isinstance(raised.value, DnndError)
    return raised.value


def test_a_file_that_is_not_parquet(data: Path) -> None:
    (data / "persons.parquet").write_bytes(b"not parquet at all")
    error = _raised("persons")
    assert str(error).startswith(
        f"the data of table 'persons' at {data / 'persons.parquet'} is not a readable Parquet "
        "file ("
    )
    assert str(error).endswith(FIX)
    assert error.name == "persons"


def test_a_truncated_file(data: Path) -> None:
    path = data / "meetings.parquet"
    path.write_bytes(path.read_bytes()[:-100])
    assert "is not a readable Parquet file" in str(_raised("meetings", records=True))


def test_another_tables_file_is_refused(data: Path) -> None:
    shutil.copyfile(data / "meetings.parquet", data / "persons.parquet")
    assert str(_raised("persons")) == (
        f"the data of table 'persons' at {data / 'persons.parquet'} holds the table 'meetings'{FIX}"
    )


def test_a_parquet_file_of_someone_else_is_refused(data: Path) -> None:
    pq.write_table(pa.table({"person_id": ["a"]}), data / "persons.parquet")
    assert str(_raised("persons")) == (
        f"the data of table 'persons' at {data / 'persons.parquet'} is no dnnd table{FIX}"
    )


def test_a_file_with_the_right_label_and_other_columns_is_refused(data: Path) -> None:
    original = pq.read_table(data / "persons.parquet")
    edited = original.drop_columns(["roles"]).replace_schema_metadata(original.schema.metadata)
    pq.write_table(edited, data / "persons.parquet")
    assert str(_raised("persons")) == (
        f"the data of table 'persons' at {data / 'persons.parquet'} has not the columns of "
        f"persons{FIX}"
    )


def test_a_row_the_model_refuses(data: Path) -> None:
    original = pq.read_table(data / "persons.parquet")
    ids = original.column("person_id").to_pylist()
    ids[0] = "Not A Slug"
    edited = original.set_column(0, original.schema.field(0), pa.array(ids, pa.string()))
    pq.write_table(edited, data / "persons.parquet")
    error = _raised("persons", records=True)
    assert str(error).startswith(
        f"the data of table 'persons' at {data / 'persons.parquet'} holds a row whose "
        "person_id the model refuses (String should match pattern"
    )


def test_names_with_newlines_and_escapes_are_printed_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_data_dir(tmp_path / "da\nta\x1b[31m")
    (folder / "persons.parquet").write_bytes(b"junk")
    monkeypatch.setenv(api.DATA_DIR_ENV, str(folder))
    api._read_table.cache_clear()
    try:
        message = str(_raised("persons"))
    finally:
        api._read_table.cache_clear()
    assert "\n" not in message and "\x1b" not in message
    assert "da\\nta\\x1b[31m/persons.parquet is not a readable Parquet file" in message
