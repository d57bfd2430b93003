"""Reading a Parquet file that nothing vouches for, in memory bounded by its size.

A Parquet file says in its footer how many rows it holds, and dictionary and run-length
encoding let a file of one megabyte hold forty million identical rows: read whole, such a
file exhausts memory before any check of its rows could run. So the footer is read first and
refused when it promises more than the file could honestly hold; then the rows are decoded
in batches, and reading stops as soon as they take more memory than the bound.

The bounds, measured on builds of ``raw/`` and of 1,000 synthetic articles (whose repetitive
text compresses far better than real news):

- ``MAX_ROWS_PER_BYTE``: the most compressible table (``mentions``) has 0.18 rows per byte
  of file; a file may hold at most one row per byte.
- ``MAX_DECODED_PER_BYTE``: decoded in Arrow, the rows take at most 48 times their file
  (the synthetic ``articles``; real text about 3 times); the encoded, uncompressed column
  data the footer declares, and the decoded rows, may take at most 256 times the file.

Whatever passes takes at most ``MAX_DECODED_PER_BYTE`` times the file's size in Arrow
memory, give or take one batch (``BATCH_ROWS`` rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

MAX_ROWS_PER_BYTE = 1
MAX_DECODED_PER_BYTE = 256
BATCH_ROWS = 4096


class ParquetRefused(ValueError):
    """A file that cannot be read, or that claims more than its size allows.

    The message completes a sentence that starts with the file's name:
    "<file> is not a readable Parquet file (...)".
    """


def open_parquet(path: Path) -> pq.ParquetFile:
    """The file opened at its footer, refused if the footer promises too much; no row read."""
    import pyarrow.parquet as pq

    size = Path(path).stat().st_size
    try:
        opened = pq.ParquetFile(path)
        metadata = opened.metadata
        # The row groups' total, not each column chunk's: building a column chunk's metadata
        # from a damaged footer can abort the whole process inside pyarrow (a C++ exception
        # that no Python code can catch, seen with pyarrow 26 on a flipped byte of a size
        # statistics histogram), while reading the rows raises a catchable error.
        declared = sum(
            metadata.row_group(group).total_byte_size for group in range(metadata.num_row_groups)
        )
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError, ... for bad files
        raise ParquetRefused(f"is not a readable Parquet file ({error})") from error
    if metadata.num_rows > MAX_ROWS_PER_BYTE * size:
        raise ParquetRefused(
            f"declares {metadata.num_rows:,} rows in {size:,} bytes, more than "
            f"{MAX_ROWS_PER_BYTE} per byte (a decompression bomb, or a damaged footer)"
        )
    if declared > MAX_DECODED_PER_BYTE * size:
        raise ParquetRefused(
            f"declares {declared:,} bytes of column data in {size:,} bytes, more than "
            f"{MAX_DECODED_PER_BYTE} times its size (a decompression bomb, or a damaged footer)"
        )
    return opened


def footer_rows(path: Path) -> int:
    """The number of rows the footer of ``path`` declares, once :func:`open_parquet` accepts it."""
    rows: int = open_parquet(path).metadata.num_rows
    return rows


def batches(path: Path) -> Iterator[pa.RecordBatch]:
    """The rows of ``path`` in batches, stopping once they take more memory than the bound."""
    return _batches(open_parquet(path), Path(path).stat().st_size)


def read_parquet(path: Path) -> pa.Table:
    """The whole of ``path`` as an Arrow table, read through :func:`batches`."""
    import pyarrow as pa

    opened = open_parquet(path)
    try:
        schema = opened.schema_arrow
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError, ... for bad files
        raise ParquetRefused(f"is not a readable Parquet file ({error})") from error
    return pa.Table.from_batches(list(_batches(opened, Path(path).stat().st_size)), schema=schema)


def _batches(opened: pq.ParquetFile, size: int) -> Iterator[pa.RecordBatch]:
    budget = MAX_DECODED_PER_BYTE * size
    used = 0
    try:
        for batch in opened.iter_batches(batch_size=BATCH_ROWS, use_threads=False):
            used += batch.nbytes
            if used > budget:
                raise ParquetRefused(
                    f"decodes to more than {budget:,} bytes, {MAX_DECODED_PER_BYTE} times its "
                    "size (a decompression bomb)"
                )
            yield batch
    except ParquetRefused:
        raise
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError, ... for bad files
        raise ParquetRefused(f"is not a readable Parquet file ({error})") from error
