"""The loaders: load, table and dataset over every table, read from a synthetic data folder."""

from __future__ import annotations

from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dnnd_dataset as dnnd
from dnnd_dataset.errors import DnndError, UnknownTableError
from dnnd_dataset.library import api
from dnnd_dataset.publishing.arrow_schema import arrow_schema
from dnnd_dataset.publishing.hf_features import features
from dnnd_dataset.records import TABLES, Record

from .synthetic import sample_tables

ALL_TABLES = list(TABLES)


def dumps(records: list[Record]) -> list[str]:
    """Records as sorted JSON, so tables compare whatever their row order."""
    return sorted(record.model_dump_json() for record in records)


@pytest.mark.parametrize("name", ALL_TABLES)
def test_load_gives_the_records_of_every_table(data_dir: Path, name: str) -> None:
    records = dnnd.load(name)
    assert all(type(record) is TABLES[name].model for record in records)
    assert dumps(records) == dumps(sample_tables()[name])


def test_load_returns_a_fresh_list_each_call(data_dir: Path) -> None:
    first = dnnd.load("persons")
    first.clear()
    assert len(dnnd.load("persons")) == 3


def test_load_is_typed_by_table_name(data_dir: Path) -> None:
    # mypy checks the overloads; at run time the same call gives Person records.
    persons: list[dnnd.Person] = dnnd.load("persons")
    assert persons[0].name == "Minh Anh"


@pytest.mark.parametrize("name", ALL_TABLES)
def test_table_has_the_published_schema(data_dir: Path, name: str) -> None:
    arrow = dnnd.table(name)
    assert isinstance(arrow, pa.Table)
    published = arrow_schema(name, dnnd.__version__)
    # Parquet names list items "element" where Arrow says "item"; types compare equal.
    assert arrow.schema.equals(published)
    assert arrow.schema.metadata == published.metadata
    assert [f.metadata for f in arrow.schema] == [f.metadata for f in published]
    assert arrow.num_rows == len(sample_tables()[name])


def test_table_is_read_once(data_dir: Path) -> None:
    assert dnnd.table("meetings") is dnnd.table("meetings")


@pytest.mark.parametrize("name", ALL_TABLES)
def test_dataset_has_the_card_features(data_dir: Path, name: str) -> None:
    ds = dnnd.dataset(name)
    assert isinstance(ds, datasets.Dataset)
    assert ds.split == "train"
    assert ds.features == features(name)
    assert ds.info.config_name == name
    assert str(ds.info.version) == dnnd.__version__
    assert ds.cache_files == []
    rows = [TABLES[name].model.model_validate(row) for row in ds]
    assert dumps(rows) == dumps(sample_tables()[name])


@pytest.mark.parametrize("loader", [dnnd.load, dnnd.table, dnnd.dataset])
def test_an_unknown_table_names_the_valid_ones(data_dir: Path, loader: object) -> None:
    assert callable(loader)
    with pytest.raises(UnknownTableError) as raised:
        loader("person")
    assert isinstance(raised.value, ValueError)
    assert isinstance(raised.value, DnndError)
    message = str(raised.value)
    assert "'person'" in message
    assert all(name in message for name in ALL_TABLES)


def test_a_missing_file_says_how_to_get_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(api.DATA_DIR_ENV, str(tmp_path))
    with pytest.raises(api.DataNotFoundError) as raised:
        dnnd.load("articles")
    assert isinstance(raised.value, FileNotFoundError)
    assert isinstance(raised.value, DnndError)
    assert str(tmp_path / "articles.parquet") in str(raised.value)
    assert api.DATA_DIR_ENV in str(raised.value)


def test_the_package_data_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(api.DATA_DIR_ENV, raising=False)
    expected = Path(dnnd.__file__).parent / "_data"
    assert Path(str(api.data_dir())) == expected


def test_changing_the_data_dir_never_serves_stale_tables(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(dnnd.load("persons")) == 3
    other = tmp_path / "other"
    other.mkdir()
    only_one = pa.Table.from_pylist(
        [dnnd.load("persons")[0].model_dump()], schema=arrow_schema("persons", dnnd.__version__)
    )
    pq.write_table(only_one, other / "persons.parquet")
    monkeypatch.setenv(api.DATA_DIR_ENV, str(other))
    assert [p.person_id for p in dnnd.load("persons")] == ["minh-anh"]
