"""A large table is written in numbered shards with bounded row groups; every reader reads
them back whole: verify, 🤗 Datasets, DuckDB, mlcroissant."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from bench import synth
from dnnd_dataset.builder import build
from dnnd_dataset.checking import shard_blocks
from dnnd_dataset.publishing import publish
from dnnd_dataset.publishing.verify import verify

from .conftest import run

ARTICLES = 40


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shards")
    synth.write_corpus(folder / "raw", ARTICLES, seed=2)
    with pytest.MonkeyPatch.context() as patch:
        # Blocks of 16 articles: no id ends a block of its own.
        patch.setattr(shard_blocks, "MEAN", 10**18)
        patch.setattr(shard_blocks, "MOST", 16)
        patch.setattr(publish, "DEFAULT_ROWS_PER_SHARD", 400)
        patch.setattr(publish, "ROW_GROUP_ROWS", {"articles": 5})
        patch.setattr(publish, "DEFAULT_ROW_GROUP_ROWS", 100)
        build(folder / "raw", folder / "out")
    return folder / "out"


def test_large_tables_are_sharded_in_hugging_face_naming(sharded: Path) -> None:
    articles = sorted(p.name for p in (sharded / "data" / "articles").iterdir())
    assert articles == [f"train-0000{i}-of-00003.parquet" for i in range(3)]
    assert [
        pq.ParquetFile(sharded / "data/articles" / name).metadata.num_rows for name in articles
    ] == [16, 16, 8]
    # Row groups are filled in order and never span two shards.
    sizes = [
        [
            metadata.row_group(i).num_rows
            for metadata in [pq.ParquetFile(sharded / "data/articles" / name).metadata]
            for i in range(metadata.num_row_groups)
        ]
        for name in articles
    ]
    assert sizes == [[5, 5, 5, 1], [5, 5, 5, 1], [5, 3]]
    persons = sorted(p.name for p in (sharded / "data" / "persons").iterdir())
    assert persons == ["train-00000-of-00001.parquet"]
    # Every table of article rows has a shard per block; the registries' evidence follows.
    for table, shards in [("mentions", 3), ("ner", 3), ("evidence", 4)]:
        names = sorted(p.name for p in (sharded / "data" / table).iterdir())
        assert names == [f"train-0000{i}-of-0000{shards}.parquet" for i in range(shards)]
    first = pq.read_table(sharded / "data/mentions/train-00000-of-00003.parquet")
    assert sorted(set(first.column("article_id").to_pylist())) == ids(0, 16)
    registries = pq.read_table(sharded / "data/evidence/train-00003-of-00004.parquet")
    assert "articles" not in set(registries.column("table").to_pylist())
    assert verify(sharded) == []


def ids(start: int, stop: int) -> list[str]:
    return [f"{i:06d}-syn" for i in range(start, stop)]


def test_readers_read_every_shard_in_order(sharded: Path) -> None:
    import datasets

    rows = datasets.load_dataset(str(sharded), "articles", split="train")
    ids = [f"{i:06d}-syn" for i in range(ARTICLES)]
    assert rows["article_id"] == ids
    glob = (sharded / "data/mentions/*.parquet").as_posix()
    relation = duckdb.sql(f"SELECT count(*) FROM '{glob}'")
    assert relation is not None
    total = relation.fetchall()[0][0]
    mention_files = list((sharded / "data" / "mentions").iterdir())
    assert len(mention_files) > 1
    assert total == sum(pq.ParquetFile(path).metadata.num_rows for path in mention_files)


def test_croissant_describes_shards_as_a_file_set(sharded: Path) -> None:
    import mlcroissant

    document = json.loads((sharded / "croissant.json").read_text(encoding="utf-8"))
    nodes = {node["@id"]: node for node in document["distribution"]}
    assert nodes["articles-parquet"]["@type"] == "cr:FileSet"
    assert nodes["articles-parquet"]["includes"] == "data/articles/train-*.parquet"
    assert nodes["persons-parquet"]["@type"] == "cr:FileObject"
    done = run(
        [
            sys.executable,
            "-c",
            "from mlcroissant.scripts.cli import main; main()",
            "validate",
            "--jsonld",
            "croissant.json",
        ],
        cwd=sharded,
    )
    assert done.returncode == 0, done.stderr
    dataset = mlcroissant.Dataset(jsonld=str(sharded / "croissant.json"))
    ids = sorted(r["articles/article_id"].decode() for r in dataset.records(record_set="articles"))
    assert ids == [f"{i:06d}-syn" for i in range(ARTICLES)]


def test_verify_names_a_missing_shard(sharded: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(sharded, copy)
    (copy / "data/articles/train-00001-of-00003.parquet").unlink()
    problems = verify(copy)
    assert (
        f"{copy / 'data/articles'}: the files are not train-00000-of-00003.parquet "
        "to train-00002-of-00003.parquet" in problems
    )
