"""The library on damaged installed data: its own error naming the file, never a raw one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def test_a_decompression_bomb_is_refused_before_any_row_is_decoded(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_verify import BOMB_ROWS, bomb, never_decoded

    path = data / "persons.parquet"
    bomb(path, rows=BOMB_ROWS)
    size = path.stat().st_size
    never_decoded(monkeypatch)
    assert str(_raised("persons", records=True)) == (
        f"the data of table 'persons' at {path} declares {BOMB_ROWS:,} rows in {size:,} bytes, "
        f"more than 1 per byte (a decompression bomb, or a damaged footer){FIX}"
    )
    with pytest.raises(api.CorruptDataError, match="a decompression bomb"):
        api.load_published(data, "persons")


def test_rows_that_decode_past_the_bound_are_refused_batch_by_batch(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    from dnnd_dataset.publishing import parquet_input
    from dnnd_dataset.publishing.publish import PARQUET_OPTIONS

    # One long run of a letter, stored once in a dictionary page and compressed to almost
    # nothing: the footer is modest, the rows that refer to it decode to megabytes.
    path = data / "articles.parquet"
    original = pq.read_table(path)
    long_text = pa.array(["a" * 200_000] * original.num_rows, pa.string())
    index = original.schema.get_field_index("text")
    table = original.set_column(index, original.schema.field(index), long_text)
    table = table.take(pa.array(np.zeros(64, dtype=np.int64)))
    pq.write_table(table, path, **PARQUET_OPTIONS)
    size = path.stat().st_size
    assert parquet_input.footer_rows(path) == 64
    monkeypatch.setattr(parquet_input, "BATCH_ROWS", 1)
    decoded = []
    real = pq.ParquetFile.iter_batches

    def counted(self: pq.ParquetFile, **options: Any) -> Iterator[pa.RecordBatch]:
        for batch in real(self, **options):
            decoded.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", counted)
    assert str(_raised("articles")) == (
        f"the data of table 'articles' at {path} decodes to more than {256 * size:,} bytes, "
        f"256 times its size (a decompression bomb){FIX}"
    )
    assert sum(decoded) < 64


def test_ids_repeated_across_shards_are_corrupt_data(tmp_path: Path) -> None:
    from dnnd_dataset.library.navigation import corpus
    from dnnd_dataset.publishing.dataset_meta import data_file

    from .synthetic import write_sample

    out = write_sample(tmp_path / "out")
    whole = out / data_file("persons")
    for shard in range(2):
        shutil.copyfile(whole, out / data_file("persons", shard, 2))
    whole.unlink()
    first = pq.read_table(out / data_file("persons", 0, 2)).column("person_id")[0].as_py()
    count = pq.ParquetFile(out / data_file("persons", 0, 2)).metadata.num_rows
    with pytest.raises(api.CorruptDataError) as raised:
        corpus(out)
    assert str(raised.value) == (
        f"the data of table 'persons' at {out / 'data/persons'} holds the person_id {first!r} "
        f"twice, in rows 0 and {count}{FIX}"
    )
