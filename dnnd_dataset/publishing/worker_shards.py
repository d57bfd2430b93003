"""The shards of a block of articles, written where its documents were checked.

With worker processes, a block's rows would otherwise cross to the main process to be
encoded there: every article's text, mentions and tokens sent once more, and all the
compression done by one process. A worker writes the block's shard of each table of
article rows instead, with the same writer and row groups as the main process, so the
bytes are the same; the main process moves the files in (:meth:`DatasetWriter.take_block`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dnnd_dataset.checking.shard_blocks import ARTICLE_TABLES
from dnnd_dataset.publishing.card import NerSummary
from dnnd_dataset.publishing.table_writer import TableWriter

# Inside the staging folder, a folder per block; empty and removed once every block is in.
BLOCKS_FOLDER = ".blocks"


@dataclass(frozen=True)
class ShardFile:
    """A shard written by a worker: its path in the staging folder, its rows, their size
    as Arrow counts it, and the file's SHA-256."""

    path: str
    rows: int
    num_bytes: int
    sha256: str


@dataclass(frozen=True)
class WorkerBlock:
    """What a worker wrote of a block: the folder of its shards in the staging folder, each
    table's shard, and the block's ``ner`` counts."""

    folder: str
    files: dict[str, ShardFile]
    ner: NerSummary


class BlockShardWriter:
    """The shards of the block ``index`` of a run, written as its chunks' rows come.

    ``folder`` is the staging folder and ``row_groups`` the rows per row group of each
    table, as the main process's writers have them.
    """

    def __init__(
        self, folder: Path, version: str, row_groups: Mapping[str, int], index: int
    ) -> None:
        self.relative = f"{BLOCKS_FOLDER}/{index:06d}"
        self._writers = {
            table: TableWriter(
                table,
                version,
                folder / self.relative,
                rows_per_shard=None,
                row_group_rows=row_groups[table],
                final_of=_named(f"{table}.parquet"),
                pattern=f"{table}.parquet",
                thread=_encoding_thread(),
            )
            for table in ARTICLE_TABLES
        }
        self._ner = NerSummary()

    def add(self, tables: Mapping[str, Any]) -> None:
        """The rows of a chunk per table (prepared), in order; a chunk without rows has none."""
        for table, rows in tables.items():
            self._writers[table].add(rows)
            if table == "ner":
                self._ner.add(rows)

    def close(self) -> WorkerBlock:
        files = {}
        for table, writer in self._writers.items():
            written = writer.close()
            files[table] = ShardFile(
                f"{self.relative}/{written.path}",
                written.num_rows,
                written.num_bytes,
                written.sha256,
            )
        return WorkerBlock(self.relative, files, self._ner)

    def abandon(self) -> None:
        for writer in self._writers.values():
            writer.abandon()


def block_shard_writer(
    folder: Path, version: str, row_groups: Mapping[str, int], index: int
) -> BlockShardWriter:
    """What ``DatasetWriter.write_block`` gives a worker: a writer of the block ``index``."""
    return BlockShardWriter(folder, version, row_groups, index)


_thread: ThreadPoolExecutor | None = None


def _encoding_thread() -> ThreadPoolExecutor:
    """The thread that encodes the row groups of every block this process writes, while
    the next documents are checked: one for the life of the process, since what a thread's
    allocators keep of the buffers it freed is kept once per thread."""
    global _thread
    if _thread is None:
        _thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="write")
    return _thread


def _named(name: str) -> Callable[[int, int], str]:
    return lambda _shard, _count: name
