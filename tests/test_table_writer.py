"""Rows written as they come give the same files however they are handed over."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from dnnd_dataset.publishing import table_writer
from dnnd_dataset.publishing.shard_reuse import DIGEST_ROWS, rows_digest
from dnnd_dataset.publishing.table_writer import TableWriter, arrow_rows

VERSION = "9.9.9"


def _rows(count: int) -> list[dict[str, Any]]:
    return [
        {
            "article_id": f"{index // 7:06d}-a",
            "start": index,
            "end": index + 3 + index % 5,
            "text": "Đảng" * (1 + index % 3),
            "label": "ORGANIZATION",
            "entity_id": None if index % 4 else "dang-cong-san-viet-nam",
            "in_boilerplate": index % 9 == 0,
        }
        for index in range(count)
    ]


def _write(
    folder: Path,
    rows: list[dict[str, Any]],
    cuts: list[int],
    per_shard: int | None,
    group: int,
    *,
    as_tables: bool = False,
) -> dict[str, bytes]:
    writer = TableWriter(
        "mentions",
        VERSION,
        folder,
        rows_per_shard=per_shard,
        row_group_rows=group,
        final_of=lambda shard, count: f"part-{shard:03d}-of-{count:03d}.parquet",
        pattern="part-*.parquet",
    )
    bounds = [0, *sorted(cut % (len(rows) + 1) for cut in cuts), len(rows)]
    for number, (start, end) in enumerate(itertools.pairwise(bounds)):
        if as_tables and number % 2:  # Arrow tables and dict rows, mixed
            writer.add(arrow_rows("mentions", rows[start:end], version=VERSION))
        else:
            writer.add(rows[start:end])
    written = writer.close()
    files = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
    assert written.num_rows == len(rows)
    assert sum(1 for _ in files) == max(1, len(written.shards))
    return files


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=60),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=6),
    per_shard=st.one_of(st.none(), st.integers(min_value=1, max_value=25)),
    group=st.integers(min_value=1, max_value=12),
    convert=st.integers(min_value=1, max_value=9),
)
def test_the_files_do_not_depend_on_how_rows_are_handed_over(
    count: int, cuts: list[int], per_shard: int | None, group: int, convert: int
) -> None:
    rows = _rows(count)
    saved = table_writer.CONVERT_ROWS
    try:
        with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as many:
            whole = _write(Path(one), rows, [], per_shard, group)
            # Other conversion sizes and Arrow tables in between give the same bytes.
            table_writer.CONVERT_ROWS = convert
            pieces = _write(Path(many), rows, cuts, per_shard, group, as_tables=True)
            shards = max(1, -(-count // per_shard)) if per_shard else 1
            assert sorted(whole) == [f"part-{i:03d}-of-{shards:03d}.parquet" for i in range(shards)]
            assert whole == pieces
            read: list[dict[str, Any]] = []
            for index, name in enumerate(sorted(whole)):
                metadata = pq.ParquetFile(Path(one) / name).metadata
                in_shard = min(per_shard or count, count - index * (per_shard or count))
                sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
                full, rest = divmod(in_shard, group)
                assert sizes == [group] * full + ([rest] if rest else [])
                read += pq.read_table(Path(one) / name).to_pylist()
            assert read == rows
    finally:
        table_writer.CONVERT_ROWS = saved


def test_a_table_without_rows_is_one_file_with_the_schema(tmp_path: Path) -> None:
    files = _write(tmp_path, [], [], 10, 5)
    assert list(files) == ["part-000-of-001.parquet"]
    table = pq.read_table(tmp_path / "part-000-of-001.parquet")
    assert table.num_rows == 0
    assert table.schema.names == [
        "article_id",
        "start",
        "end",
        "text",
        "label",
        "entity_id",
        "in_boilerplate",
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3 * DIGEST_ROWS), max_size=4), st.integers(1, 2 * DIGEST_ROWS))
def test_the_digest_of_rows_is_the_same_however_they_are_chunked(
    cuts: list[int], size: int
) -> None:
    """Registry tables are compared with an earlier output's by this digest: it must not
    depend on how the rows were handed over, and must see every row."""
    rows = pa.table(
        {
            "id": [f"id-{i}" for i in range(size)],
            "note": [None if i % 5 else "ghi chú" for i in range(size)],
            "article_ids": [[f"a-{j}" for j in range(i % 3)] for i in range(size)],
        }
    )
    bounds = sorted({0, size, *(cut % (size + 1) for cut in cuts)})
    chunked = pa.concat_tables(rows.slice(a, b - a) for a, b in itertools.pairwise(bounds))
    assert rows_digest(chunked) == rows_digest(rows) == rows_digest(rows.combine_chunks())
    assert rows_digest(rows.slice(0, size - 1)) != rows_digest(rows)
