"""Loaders for the published tables: records, Arrow tables and Hugging Face datasets.

The Parquet files ship inside the package, in ``dnnd_dataset/_data/<table>.parquet``, and are
read through :mod:`importlib.resources`, so an installed package gives the data offline and from
any working directory. Setting the environment variable ``DNND_DATA_DIR`` to a folder of
``<table>.parquet`` files reads that folder instead (a fresh build, or a test fixture).

pyarrow and datasets are imported inside the functions that need them: importing this module
costs only the record models.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from dnnd_dataset._version import __version__
from dnnd_dataset.errors import DnndError, UnknownTableError, printable
from dnnd_dataset.records import (
    TABLE_NAMES,
    TABLES,
    Article,
    Directive,
    Evidence,
    Meeting,
    Mention,
    NerSentence,
    Organization,
    Person,
    Post,
    Record,
)

if TYPE_CHECKING:
    from importlib.abc import Traversable

    import datasets
    import pyarrow as pa

__all__ = [
    "DATA_DIR_ENV",
    "CorruptDataError",
    "DataNotFoundError",
    "data_dir",
    "dataset",
    "load",
    "load_published",
    "table",
]

DATA_DIR_ENV = "DNND_DATA_DIR"


class DataNotFoundError(DnndError, FileNotFoundError):
    """The Parquet file of a table is missing from the data directory."""

    def __init__(self, name: str, location: str, fix: str | None = None) -> None:
        self.name = name
        self.location = location
        fix = fix or (
            "build the dataset into the package (dnnd_dataset/_data/) or point "
            f"{DATA_DIR_ENV} at a folder of <table>.parquet files"
        )
        super().__init__(f"no data for table {name!r} at {printable(location)}: {fix}")


class CorruptDataError(DnndError, ValueError):
    """A table file that cannot be read, holds another table, or rows its model refuses."""

    def __init__(self, name: str, location: str, problem: str) -> None:
        self.name = name
        self.location = location
        # printable over all of it: the reader's own message may quote the path again.
        super().__init__(
            printable(
                f"the data of table {name!r} at {location} {problem}: reinstall the package, "
                f"rebuild the data (dnnd build --package-data), or point {DATA_DIR_ENV} at a "
                "good copy"
            )
        )


def data_dir() -> Traversable:
    """The folder the tables are read from: ``$DNND_DATA_DIR`` if set, else the package's data."""
    return _data_dir(_override())


def _override() -> str | None:
    # Absolute, because the value keys the caches and a relative one depends on the cwd.
    value = os.environ.get(DATA_DIR_ENV)
    return os.path.abspath(value) if value else None


def _data_dir(override: str | None) -> Traversable:
    if override is not None:
        return Path(override)
    return resources.files("dnnd_dataset") / "_data"


def _check_name(name: str) -> str:
    if name not in TABLES:
        raise UnknownTableError(name, TABLE_NAMES)
    return name


def table(name: str) -> pa.Table:
    """The published table ``name`` as a ``pyarrow.Table``, read once and then cached."""
    # The override is part of the cache key, so changing DNND_DATA_DIR never serves stale data.
    return _read_table(_check_name(name), _override())


@functools.cache
def _read_table(name: str, override: str | None) -> pa.Table:
    from dnnd_dataset.publishing.arrow_fields import columns_schema
    from dnnd_dataset.publishing.arrow_schema import TABLE_KEY

    resource = _data_dir(override) / f"{name}.parquet"
    if not resource.is_file():
        raise DataNotFoundError(name, str(resource))
    # as_file gives a real path even when the package is imported from a zip archive.
    with resources.as_file(resource) as path:
        arrow = _read_file(name, path, str(resource))
    metadata = arrow.schema.metadata or {}
    found = metadata.get(TABLE_KEY, b"").decode(errors="replace")
    if found != name:
        raise CorruptDataError(
            name, str(resource), f"holds the table {found!r}" if found else "is no dnnd table"
        )
    if not arrow.schema.equals(columns_schema(name)):
        raise CorruptDataError(name, str(resource), f"has not the columns of {name}")
    return arrow


@overload
def load(name: Literal["articles"]) -> list[Article]: ...
@overload
def load(name: Literal["mentions"]) -> list[Mention]: ...
@overload
def load(name: Literal["meetings"]) -> list[Meeting]: ...
@overload
def load(name: Literal["persons"]) -> list[Person]: ...
@overload
def load(name: Literal["directives"]) -> list[Directive]: ...
@overload
def load(name: Literal["organizations"]) -> list[Organization]: ...
@overload
def load(name: Literal["posts"]) -> list[Post]: ...
@overload
def load(name: Literal["evidence"]) -> list[Evidence]: ...
@overload
def load(name: Literal["ner"]) -> list[NerSentence]: ...
@overload
def load(name: str) -> list[Record]: ...
def load(name: str) -> list[Any]:
    """The rows of table ``name`` as validated, immutable records (``Person``, ``Meeting``, ...).

    The list is a fresh copy on every call; the records in it are shared and frozen.
    """
    return list(_load_records(_check_name(name), _override()))


@functools.cache
def _load_records(name: str, override: str | None) -> tuple[Record, ...]:
    from pydantic import ValidationError

    from dnnd_dataset.publishing.arrow_schema import from_arrow

    location = str(_data_dir(override) / f"{name}.parquet")
    try:
        records = from_arrow(name, _read_table(name, override))
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in detail["loc"])
        raise CorruptDataError(
            name, location, f"holds a row whose {where} the model refuses ({detail['msg']})"
        ) from None
    _refuse_repeated_ids(name, records, location)
    return tuple(records)


def load_published(folder: str | os.PathLike[str], name: str) -> list[Any]:
    """The rows of table ``name`` from a folder of published tables, as validated records.

    ``folder`` is an output folder of ``dnnd build`` (``data/<table>/``, its files
    ``train-00000-of-0000N.parquet`` and on, in order; no other file there is read) or a
    folder of ``<table>.parquet`` files like the package's data.
    """
    import pyarrow as pa
    from pydantic import ValidationError

    from dnnd_dataset.publishing.arrow_schema import from_arrow
    from dnnd_dataset.publishing.dataset_meta import table_shards

    root = Path(folder)
    location = str(root / "data" / _check_name(name))
    try:
        shards = table_shards(root, name)
    except ValueError as error:
        raise CorruptDataError(name, location, f"is damaged: {error}") from None
    if not shards:
        single = root / f"{name}.parquet"
        if not single.is_file():
            raise DataNotFoundError(
                name,
                f"{root}/data/{name}/*.parquet",
                f"not an output folder of 'dnnd build' (fix: dnnd build --out {root})",
            )
        shards, location = [single], str(single)
    tables = [_read_file(name, path, str(path)) for path in shards]
    try:
        records = from_arrow(name, pa.concat_tables(tables))
    except (ValidationError, pa.ArrowInvalid) as error:
        raise CorruptDataError(name, str(root), f"holds rows its model refuses ({error})") from None
    _refuse_repeated_ids(name, records, location)
    return records


def _read_file(name: str, path: Path, location: str) -> pa.Table:
    """One Parquet file of table ``name``, read in bounded memory (see parquet_input)."""
    from dnnd_dataset.publishing.parquet_input import ParquetRefused, read_parquet

    try:
        return read_parquet(path)
    except ParquetRefused as error:
        raise CorruptDataError(name, location, str(error)) from error


# The tables whose one sort column is the id that the other tables refer to.
_ID_TABLES = ("articles", "meetings", "persons", "directives", "organizations", "posts")


def _refuse_repeated_ids(name: str, records: Sequence[Record], location: str) -> None:
    if name not in _ID_TABLES:
        return
    (column,) = TABLES[name].sort_key
    first: dict[str, int] = {}
    for row, record in enumerate(records):
        value = getattr(record, column)
        if value in first:
            raise CorruptDataError(
                name,
                location,
                f"holds the {column} {value!r} twice, in rows {first[value]} and {row}",
            )
        first[value] = row


def dataset(name: str) -> datasets.Dataset:
    """The published table ``name`` as a ``datasets.Dataset`` (split ``train``), in memory.

    No network and no cache files: the Dataset wraps the Arrow table already read, with the
    features the dataset card declares.
    """
    import datasets

    from dnnd_dataset.publishing.hf_features import features

    arrow = table(name)
    info = datasets.DatasetInfo(
        description=TABLES[name].description,
        features=features(name),
        config_name=name,
        version=__version__,
    )
    return datasets.Dataset(arrow, info=info, split=datasets.Split.TRAIN)
