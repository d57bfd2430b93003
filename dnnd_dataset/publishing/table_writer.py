"""Writing one table's rows as they come, in bounded memory, into numbered Parquet shards.

Rows arrive in the table's order, a few at a time. They are converted to Arrow a fixed
number at a time and written in row groups of a fixed size, in shards of a fixed number of
rows, so that the same rows always give the same bytes however they were handed over.
Shards are written under a temporary name and take their Hugging Face names
(``train-00000-of-0000N.parquet``) once the count is known. A shard can also end where the
caller says (a block of articles), or be taken whole from an earlier output whose rows are
the same: linked, not written again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

import pyarrow as pa
import pyarrow.parquet as pq

from dnnd_dataset.checking.ner_table import NerLayer
from dnnd_dataset.publishing.arrow_schema import arrow_schema
from dnnd_dataset.publishing.checksums import sha256_file
from dnnd_dataset.publishing.dataset_meta import (
    WrittenFile,
    WrittenTable,
    data_file,
    data_files_pattern,
)
from dnnd_dataset.publishing.ner_columns import ner_table

Row = dict[str, Any]

# Explicit so that a pyarrow upgrade changing a default cannot silently change the files.
PARQUET_OPTIONS: dict[str, object] = {
    "compression": "zstd",
    "compression_level": 9,
    "version": "2.6",
    "data_page_version": "1.0",
    "use_dictionary": True,
    "write_statistics": True,
    "store_schema": True,
}
# Rows converted to Arrow at a time: bounds the rows held as Python objects.
CONVERT_ROWS = 1_000


class TableWriter:
    """A table's rows, written to ``path_of(shard)`` files of at most ``rows_per_shard`` rows.

    ``path_of`` gives a shard's temporary path; :meth:`close` renames each to
    ``final_of(shard, count)`` and returns what the card and Croissant need.
    """

    def __init__(
        self,
        name: str,
        version: str,
        folder: Path,
        *,
        rows_per_shard: int | None,
        row_group_rows: int,
        final_of: Callable[[int, int], str],
        pattern: str,
        thread: ThreadPoolExecutor | None = None,
    ) -> None:
        self.name = name
        self.schema = arrow_schema(name, version)
        self.folder = folder
        self.rows_per_shard = rows_per_shard
        self.row_group_rows = row_group_rows
        self.final_of = final_of
        self.pattern = pattern
        self._pending: list[Row] = []
        self._converted: list[pa.Table] = []
        self._converted_rows = 0
        self._writer: pq.ParquetWriter | None = None
        # Row groups are encoded on a thread of their own, which the writers of a dataset
        # share (``thread``): what a thread's allocators keep of the buffers it freed is kept
        # once, not once per table.
        self._owns_thread = thread is None
        self._thread = thread or ThreadPoolExecutor(max_workers=1, thread_name_prefix="write")
        self._in_flight: Future[None] | None = None
        self._shard_rows = 0
        self._temporary: list[Path] = []
        self._shard_counts: list[int] = []
        # shard -> its SHA-256, for a shard taken from an earlier output
        self._known: dict[int, str] = {}
        # Each shard's rows as Arrow counts them (``WrittenTable.num_bytes`` is their sum).
        self.shard_bytes: list[int] = []
        self._open_bytes = 0
        self.num_rows = 0
        self.num_bytes = 0
        # Every shard as closed, in order (set by :meth:`close`).
        self.files: list[WrittenFile] = []

    def add(self, rows: Iterable[Row] | pa.Table) -> None:
        """Rows as dicts of the columns, or as an Arrow table of this table's schema."""
        if isinstance(rows, pa.Table):
            self._convert(len(self._pending))  # keep the order of rows
            if rows.num_rows:
                self._converted.append(rows)
                self._converted_rows += rows.num_rows
        else:
            self._pending += rows
            while len(self._pending) >= CONVERT_ROWS:
                self._convert(CONVERT_ROWS)
        self._write_full_groups()

    def end_shard(self) -> int:
        """End the open shard here (an empty one when no row came since); its number."""
        self._flush()
        if self._writer is None:
            self._open_shard()
        self._close_shard()
        return len(self._temporary) - 1

    def reuse_shard(
        self, source: Path, *, rows: int, num_bytes: int, sha256: str, move: bool = False
    ) -> int:
        """Take ``source``, a shard with the rows due next, as the next shard: one of an
        earlier output, or with ``move`` one written beside this one (by a worker process),
        which is moved in.

        Only between shards: rows that came since the last shard ended are written first.
        The file is linked where the file system allows it, so no byte is written.
        """
        if self._pending or self._converted_rows or self._writer is not None:
            self.end_shard()
        path = self.folder / f".{self.name}-{len(self._temporary):05d}.partial"
        path.parent.mkdir(parents=True, exist_ok=True)
        if move:
            os.replace(source, path)
        else:
            try:
                os.link(source, path, follow_symlinks=False)
            except OSError:
                shutil.copyfile(source, path, follow_symlinks=False)
        self._known[len(self._temporary)] = sha256
        self._temporary.append(path)
        self._shard_counts.append(rows)
        self.shard_bytes.append(num_bytes)
        self.num_rows += rows
        self.num_bytes += num_bytes
        return len(self._temporary) - 1

    def _flush(self) -> None:
        self._convert(len(self._pending))
        self._write_full_groups()
        while self._converted_rows:
            self._write_group(min(self._converted_rows, self._room()))

    def close(self) -> WrittenTable:
        self._flush()
        if not self._temporary:  # a table without rows still gets its one file
            self._open_shard()
        self._close_shard()
        if self._owns_thread:
            self._thread.shutdown()
        count = len(self._temporary)
        written = []
        for shard, (temporary, rows) in enumerate(
            zip(self._temporary, self._shard_counts, strict=True)
        ):
            relative = self.final_of(shard, count)
            path = self.folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.rename(path)
            digest = self._known.get(shard) or sha256_file(path)
            written.append(WrittenFile(relative, rows, path.stat().st_size, digest))
        self.files = written
        if count == 1:
            (only,) = written
            return WrittenTable(
                self.name, only.path, self.num_rows, self.num_bytes, only.file_size, only.sha256
            )
        return WrittenTable(
            name=self.name,
            path=self.pattern,
            num_rows=self.num_rows,
            num_bytes=self.num_bytes,
            file_size=sum(file.file_size for file in written),
            sha256="",
            shards=tuple(written),
        )

    def abandon(self) -> None:
        """Close an open file after a failure (the staging folder that holds it goes)."""
        # The failure that led here is the one reported, not a write it interrupted.
        with contextlib.suppress(Exception):
            self._wait()
        if self._owns_thread:
            self._thread.shutdown()
        if self._writer is not None:
            writer, self._writer = self._writer, None
            # A file that cannot be closed either (a full disk) goes with the staging folder.
            with contextlib.suppress(Exception):
                writer.close()

    def _convert(self, count: int) -> None:
        if count:
            rows, self._pending = self._pending[:count], self._pending[count:]
            self._converted.append(pa.Table.from_pylist(rows, schema=self.schema))
            self._converted_rows += count

    def _room(self) -> int:
        """Rows the open (or next) shard still takes."""
        if self.rows_per_shard is None:
            return self.row_group_rows
        return min(self.row_group_rows, self.rows_per_shard - self._shard_rows)

    def _write_full_groups(self) -> None:
        while self._converted_rows >= self._room():
            self._write_group(self._room())

    def _write_group(self, count: int) -> None:
        table = pa.concat_tables(self._converted)
        # One contiguous chunk: the pages written then depend on the rows alone, not on how
        # they were handed over.
        group, rest = table.slice(0, count).combine_chunks(), table.slice(count)
        self._converted = [rest] if rest.num_rows else []
        self._converted_rows = rest.num_rows
        if self._writer is None:
            self._open_shard()
        assert self._writer is not None
        # Encoding and compression release the GIL: the next rows are built meanwhile. One
        # row group in flight at a time keeps the order of the rows and bounds the memory.
        self._wait()
        self._in_flight = self._thread.submit(_write_and_release, self._writer, group, count)
        self.num_rows += count
        self.num_bytes += group.nbytes
        self._open_bytes += group.nbytes
        self._shard_rows += count
        if self.rows_per_shard is not None and self._shard_rows == self.rows_per_shard:
            self._close_shard()

    def _open_shard(self) -> None:
        path = self.folder / f".{self.name}-{len(self._temporary):05d}.partial"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._temporary.append(path)
        self._writer = pq.ParquetWriter(path, self.schema, **PARQUET_OPTIONS)

    def settle(self) -> None:
        """Let the row group in flight finish; its error, if any, is raised here."""
        self._wait()

    def _wait(self) -> None:
        """Let the row group in flight finish; its error, if any, is raised here."""
        in_flight = self._in_flight
        if in_flight is not None:
            try:
                in_flight.result()
            finally:
                # One still running (its wait interrupted) is waited for again before its
                # file is closed: the thread may be another table's, not shut down here.
                if in_flight.done():
                    self._in_flight = None

    def _close_shard(self) -> None:
        self._wait()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._shard_counts.append(self._shard_rows)
            self.shard_bytes.append(self._open_bytes)
            self._shard_rows = 0
            self._open_bytes = 0


def _write_and_release(writer: pq.ParquetWriter, group: pa.Table, count: int) -> None:
    writer.write_table(group, count)
    # Arrow's allocator keeps freed pages for the thread that freed them, for reuse; the
    # next row group may be of another table, or come only after many documents.
    pa.default_memory_pool().release_unused()


def shard_path(name: str) -> Callable[[int, int], str]:
    """The Hugging Face name of a shard of ``name`` in the output folder."""
    return lambda shard, count: data_file(name, shard, count)


def table_writer(
    name: str,
    version: str,
    folder: Path,
    *,
    rows_per_shard: int | None,
    row_group_rows: int,
    thread: ThreadPoolExecutor | None = None,
) -> TableWriter:
    """A writer of the output folder's shards of ``name``."""
    return TableWriter(
        name,
        version,
        folder,
        rows_per_shard=rows_per_shard,
        row_group_rows=row_group_rows,
        final_of=shard_path(name),
        pattern=data_files_pattern(name),
        thread=thread,
    )


def arrow_rows(table: str, rows: list[Row] | list[NerLayer], *, version: str) -> pa.Table:
    """Rows as an Arrow table of the published schema (what :meth:`TableWriter.add` takes).

    The ``ner`` rows may come as their articles' layers instead, made into columns in bulk.
    """
    schema = arrow_schema(table, version)
    if rows and isinstance(rows[0], NerLayer):
        return ner_table([row for row in rows if isinstance(row, NerLayer)], schema)
    return pa.Table.from_pylist(cast(list[Row], rows), schema=schema)
