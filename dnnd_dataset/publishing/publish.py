"""Writing the output folder: Parquet, card, Croissant and checksums, atomically.

Layout (SPEC, "Where things go")::

    OUT/README.md                                  the dataset card
    OUT/croissant.json                             Croissant 1.1 metadata
    OUT/data/<table>/train-00000-of-00001.parquet  one file per table
    OUT/SHA256SUMS                                 `sha256sum -c` format

The folder is built beside ``OUT`` and swapped in only when complete, under a lock, and
only over an earlier output (see :mod:`dnnd_dataset.publishing.owned_folder`). If anything
fails before the swap, ``OUT`` is untouched and the half-built folder is removed. Output
is deterministic: the same records and version give byte-identical files under the same
pyarrow version (Parquet records the writer's version in ``created_by``; nothing records a
time).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dnnd_dataset.checking.shard_blocks import ARTICLE_TABLES
from dnnd_dataset.checking.sinks import WriteBlock
from dnnd_dataset.errors import OutputError, printable
from dnnd_dataset.publishing.arrow_fields import table_spec
from dnnd_dataset.publishing.arrow_schema import to_arrow
from dnnd_dataset.publishing.card import NerSummary, render_card
from dnnd_dataset.publishing.checksums import (
    SHA256SUMS,
    SUMS_LINE,
    relative_files,
    sha256_file,
    sha256sums,
    sums_text,
)
from dnnd_dataset.publishing.croissant import croissant, dumps
from dnnd_dataset.publishing.dataset_meta import WrittenFile, bibtex
from dnnd_dataset.publishing.owned_folder import OUTPUT_LAYOUT, replace_folder
from dnnd_dataset.publishing.rai import rai_fields
from dnnd_dataset.publishing.shard_reuse import (
    PreviousOutput,
    ShardFacts,
    WholeShard,
    WrittenBlock,
    WrittenWhole,
    ner_part,
    rows_digest,
)
from dnnd_dataset.publishing.table_writer import (
    PARQUET_OPTIONS,
    TableWriter,
    arrow_rows,
    table_writer,
)
from dnnd_dataset.publishing.worker_shards import (
    BLOCKS_FOLDER,
    ShardFile,
    WorkerBlock,
    block_shard_writer,
)
from dnnd_dataset.records import TABLES, Record

__all__ = ["PARQUET_OPTIONS", "SHA256SUMS", "DatasetWriter", "sha256sums_ok", "write_dataset"]

CARD_PROSE = Path(__file__).resolve().parents[2] / "DATASET_CARD.md"

# Bounded files and row groups, so that readers (Spark, DuckDB, datasets) split the work;
# fixed row counts, so that the same rows always give the same files. A small corpus
# gives one file per table. The tables of article rows have one shard per block of
# articles instead (``checking/shard_blocks.py``), so that a change rewrites few files.
# A row group is held whole while it is encoded, and its encoding takes several times its
# size: a ``ner`` group of 5,000 sentences is about 5 MB of Arrow data, one of 10,000
# evidence rows about 2.5 MB (100,000 rows took some 50 MB more memory to write).
DEFAULT_ROWS_PER_SHARD = 1_000_000
ROW_GROUP_ROWS = {"articles": 1_000, "ner": 5_000}
DEFAULT_ROW_GROUP_ROWS = 10_000


class DatasetWriter:
    """Rows in, the output folder out: Parquet shards as rows come, then card and Croissant.

    A :class:`dnnd_dataset.checking.sinks.RowSink`: each table's rows arrive in the
    table's order. ``package``, when given, is a folder that also receives each table whole
    as ``<table>.parquet`` (the files ``import dnnd_dataset`` reads).
    """

    def __init__(
        self,
        folder: Path,
        version: str,
        *,
        package: Path | None = None,
        previous: PreviousOutput | None = None,
    ) -> None:
        self.folder = folder
        self.version = version
        self.package = package
        # The shards of the earlier output that may be taken instead of written again.
        self.previous = previous if package is None else None
        # One thread encodes the row groups of every table, in the order they come.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="write")
        self.writers = {
            name: table_writer(
                name,
                version,
                folder,
                rows_per_shard=None if name in ARTICLE_TABLES else DEFAULT_ROWS_PER_SHARD,
                row_group_rows=ROW_GROUP_ROWS.get(name, DEFAULT_ROW_GROUP_ROWS),
                thread=self._thread,
            )
            for name in TABLES
        }
        self._blocks = 0
        # block key -> table -> shard number, the block's share of the ner counts, and the
        # digest of the registry entries its documents use
        self._block_shards: dict[str, tuple[dict[str, int], NerSummary, str]] = {}
        self._block_ner = NerSummary()
        self._ended = 0
        # What :meth:`finish` wrote of each block whose key was given: for the next build.
        self.written_blocks: dict[str, WrittenBlock] = {}
        # Rows of the tables written whole at the end, and (digest, shard) of each.
        self._held: dict[str, list[pa.Table]] = {}
        self._held_shards: dict[str, tuple[str, int]] = {}
        self.written_tables: dict[str, WrittenWhole] = {}
        # The key the registry tables given are made under, and the tables taken instead
        # from the earlier output (``reuse_registries``).
        self._registries: str | None = None
        self._shapes: str | None = None
        self._contributions: list[str] | None = None
        self._reused_whole: dict[str, WholeShard] = {}
        # The earlier output's registries' evidence (read once), its rows of other articles
        # than ``earlier_evidence`` gave, and those once they are to be written again with
        # the rows given (``registries_made_under``).
        self._earlier_evidence: pa.Table | None = None
        self._earlier_others: pa.Table | None = None
        self._kept_evidence: pa.Table | None = None
        # Set by :meth:`finish` when every registry table is one shard: for the next build.
        self.written_registries: str | None = None
        self.written_shapes: str | None = None
        self.written_contributions: list[str] | None = None
        self.package_writers = (
            {name: _package_writer(name, version, package, self._thread) for name in TABLES}
            if package is not None
            else {}
        )
        self.ner = NerSummary()
        # Run where documents are checked: rows reach add() as Arrow tables.
        self.prepare = functools.partial(arrow_rows, version=version)
        # Run where a block's documents were checked, in a worker process: the block's
        # shards written there (not with a package folder, which takes every row here).
        self.write_block: WriteBlock | None = (
            functools.partial(
                block_shard_writer,
                folder,
                version,
                {table: self.writers[table].row_group_rows for table in ARTICLE_TABLES},
            )
            if package is None
            else None
        )

    def add(self, table: str, rows: list[dict[str, Any]] | pa.Table) -> None:
        if self.package is not None:
            self.package_writers[table].add(rows)
        if table == "ner":
            self._block_ner.add(rows)
        if table not in ARTICLE_TABLES or (table == "evidence" and self._after_blocks()):
            # A table written whole at the end (the registries' rows): held, so that the
            # earlier output's file is taken when the rows are the same.
            held = rows if isinstance(rows, pa.Table) else self.prepare(table, rows)
            self._held.setdefault(table, []).append(held)
            return
        self.writers[table].add(rows)

    def _after_blocks(self) -> bool:
        return self._blocks > 1 and self._ended == self._blocks

    def _write_held(self) -> bool:
        """Write the tables held whole; whether every one of them is a single shard."""
        single_all = True
        for table, whole in self._reused_whole.items():
            facts = whole.shard
            assert self.previous is not None, "registry tables are reused from an earlier output"
            shard = self.writers[table].reuse_shard(
                self.previous.folder / facts.path,
                rows=facts.rows,
                num_bytes=facts.num_bytes,
                sha256=facts.sha256,
            )
            self._held_shards[table] = (whole.digest, shard)
        kept, self._kept_evidence = self._kept_evidence, None
        if kept is not None:
            self._held["evidence"] = [kept, *self._held.get("evidence", [])]
        for table, parts in self._held.items():
            # Chunked as held: the digest and the writer each combine a batch at a time.
            rows = pa.concat_tables(parts)
            if table == "evidence" and kept is not None:
                rows = _sorted(table, rows)
            parts.clear()
            digest = rows_digest(rows)
            writer = self.writers[table]
            if self.previous is not None and self.previous.table_reusable(table, digest):
                facts = self.previous.tables[table].shard
                shard = writer.reuse_shard(
                    self.previous.folder / facts.path,
                    rows=facts.rows,
                    num_bytes=facts.num_bytes,
                    sha256=facts.sha256,
                )
            else:
                writer.add(rows)
                shard = writer.end_shard() if rows.num_rows or table != "evidence" else -1
            # Only a table of one shard is taken whole (registries far under the bound).
            single = writer.rows_per_shard is None or rows.num_rows < writer.rows_per_shard
            if shard >= 0 and single:
                self._held_shards[table] = (digest, shard)
            single_all = single_all and single
        self._held.clear()
        return single_all

    def start_blocks(self, count: int) -> None:
        """Articles come in ``count`` blocks: with more than one, a shard per block."""
        self._blocks = count

    def reusable(self, key: str, used: str | None = None) -> bool:
        return self.previous is not None and self.previous.reusable(key, ARTICLE_TABLES, used)

    def registries_kept(self) -> bool:
        """Whether the earlier output's registry tables are recorded with their key."""
        return self.previous is not None and self.previous.registries is not None

    def reuse_registries(self, key: str, *, but_evidence: bool = False) -> dict[str, int] | None:
        """Take the earlier output's registry tables if made under ``key`` (with
        ``but_evidence``, all but the evidence, if their shapes' key is ``key``): rows per
        table."""
        previous = self.previous
        if previous is None or not previous.registries_reusable(key, but_evidence=but_evidence):
            return None
        self._reused_whole = previous.registry_tables(but_evidence)
        if not but_evidence:
            self._registries, self._shapes = key, previous.shapes
            self._contributions = previous.contributions
        return {table: whole.shard.rows for table, whole in self._reused_whole.items()}

    def earlier_contributions(self) -> list[str] | None:
        """The digests of the blocks' contributions the earlier registry tables were made
        from, in block order; None when not known."""
        return self.previous.contributions if self.previous is not None else None

    def earlier_evidence(
        self, articles: Collection[str]
    ) -> tuple[list[dict[str, Any]], int] | None:
        """The earlier output's rows of the registries' evidence from ``articles``, in the
        table's order, and the number of its other rows; None when it is not at hand."""
        previous = self.previous
        found = previous.tables.get("evidence") if previous is not None else None
        if (
            previous is None
            or found is None
            or not previous.table_reusable("evidence", found.digest)
        ):
            return None
        if self._earlier_evidence is None:
            schema = self.writers["evidence"].schema
            try:
                self._earlier_evidence = pq.read_table(
                    previous.folder / found.shard.path, schema=schema
                )
            except (OSError, pa.ArrowException):
                return None
        earlier = self._earlier_evidence
        given = pc.is_in(earlier["article_id"], pa.array(list(articles), pa.string()))
        rows: list[dict[str, Any]] = earlier.filter(given).to_pylist()
        self._earlier_others = earlier.filter(pc.invert(given))
        return rows, self._earlier_others.num_rows

    def registries_made_under(
        self,
        key: str | None,
        shapes: str | None,
        contributions: list[str] | None,
        *,
        with_earlier_evidence: bool = False,
    ) -> None:
        """As ``checking.sinks.ShardSink.registries_made_under`` says.

        The articles' rows are all written by then: what Arrow's allocator keeps of them
        is handed back, so that the registry tables, made next, do not add to it.
        """
        self._registries, self._shapes, self._contributions = key, shapes, contributions
        if with_earlier_evidence:
            assert self._earlier_others is not None, "earlier_evidence read the earlier rows"
            self._kept_evidence = self._earlier_others
        self._earlier_evidence, self._earlier_others = None, None
        for writer in self.writers.values():
            writer.settle()
        pa.default_memory_pool().release_unused()

    def reuse(self, key: str) -> None:
        """Take the block's shards from the earlier output: its rows are the same."""
        assert self.previous is not None
        found = self.previous.blocks[key]
        shards = self._take_shards(self.previous.folder, found.tables, move=False)
        ner = NerSummary(found.ner.sentences, Counter(found.ner.tags), Counter(found.ner.articles))
        self._merge_ner(ner)
        self._block_shards[key] = (shards, ner, found.used)
        self._ended += 1

    def take_block(self, written: object, key: str | None, used: str | None) -> None:
        """Move in the shards a worker wrote of a block (``write_block``), as ``end_block``
        after its rows would."""
        assert isinstance(written, WorkerBlock), "a block's shards come from write_block"
        shards = self._take_shards(self.folder, written.files, move=True)
        # Its folder is empty now: removed, so that the blocks' folder is empty at the end.
        (self.folder / written.folder).rmdir()
        self._merge_ner(written.ner)
        self._ended += 1
        if key is not None and used is not None:
            self._block_shards[key] = (shards, written.ner, used)

    def drop_block(self, written: object) -> None:
        """Delete the shards a worker wrote of a block that is not taken (the build fails)."""
        assert isinstance(written, WorkerBlock), "a block's shards come from write_block"
        for facts in written.files.values():
            (self.folder / facts.path).unlink(missing_ok=True)
        (self.folder / written.folder).rmdir()

    def _take_shards(
        self, source: Path, found: Mapping[str, ShardFacts] | Mapping[str, ShardFile], *, move: bool
    ) -> dict[str, int]:
        """Take the shard of each table of article rows at ``source / found[table].path``
        (linked, or moved), as the next shard of its table; each one's number."""
        return {
            table: self.writers[table].reuse_shard(
                source / found[table].path,
                rows=found[table].rows,
                num_bytes=found[table].num_bytes,
                sha256=found[table].sha256,
                move=move,
            )
            for table in ARTICLE_TABLES
        }

    def end_block(self, key: str | None, used: str | None) -> None:
        """The rows of a block are all in: end its shards (a single block ends nowhere)."""
        ner, self._block_ner = self._block_ner, NerSummary()
        self._merge_ner(ner)
        self._ended += 1
        if self._blocks < 2:
            return
        shards = {table: self.writers[table].end_shard() for table in ARTICLE_TABLES}
        if key is not None and used is not None:
            self._block_shards[key] = (shards, ner, used)

    def _merge_ner(self, part: NerSummary) -> None:
        self.ner.sentences += part.sentences
        self.ner.tags.update(part.tags)
        self.ner.articles.update(part.articles)

    def finish(
        self,
        *,
        prose: str,
        per_document: Mapping[str, Mapping[str, int]] | None,
        date_published: dt.date | None,
        progress: Callable[[str], None],
    ) -> None:
        self._merge_ner(self._block_ner)
        self._block_ner = NerSummary()
        with contextlib.suppress(FileNotFoundError):
            (self.folder / BLOCKS_FOLDER).rmdir()
        if self._write_held():
            self.written_registries, self.written_shapes = self._registries, self._shapes
            self.written_contributions = self._contributions
        written = []
        for name in TABLES:
            written.append(self.writers[name].close())
            progress(written[-1].path)
        for key, (shards, ner, used) in self._block_shards.items():
            tables = {}
            for table, shard in shards.items():
                writer = self.writers[table]
                file = writer.files[shard]
                tables[table] = (file.path, file.num_rows, writer.shard_bytes[shard], file.sha256)
            self.written_blocks[key] = WrittenBlock(
                tables, ner_part(ner.sentences, ner.tags, ner.articles), used
            )
        for table, (digest, shard) in self._held_shards.items():
            writer = self.writers[table]
            if len(writer.files) <= shard:
                # Not recorded: the tables are not all known.
                self.written_registries, self.written_shapes = None, None
                self.written_contributions = None
            else:
                file = writer.files[shard]
                self.written_tables[table] = WrittenWhole(
                    digest, (file.path, file.num_rows, writer.shard_bytes[shard], file.sha256)
                )
        card = render_card(
            written, version=self.version, prose=prose, per_document=per_document, ner=self.ner
        )
        _write_text(self.folder / "README.md", card)
        progress("README.md")
        metadata = croissant(
            written,
            version=self.version,
            citation=bibtex(prose),
            date_published=date_published,
            rai=rai_fields(prose),
        )
        _write_text(self.folder / "croissant.json", dumps(metadata))
        progress("croissant.json")
        # From the digests already known: reading every shard again costs as much as a
        # rebuild that writes one of them.
        digests = {"README.md": _text_digest(card), "croissant.json": _text_digest(dumps(metadata))}
        for whole in written:
            for file in whole.shards or (WrittenFile(whole.path, 0, 0, whole.sha256),):
                digests[file.path] = file.sha256
        _write_text(self.folder / SHA256SUMS, sums_text(digests))
        progress(SHA256SUMS)
        if self.package is not None:
            for writer in self.package_writers.values():
                writer.close()
            _write_text(self.package / SHA256SUMS, sha256sums(self.package))
        self._thread.shutdown()

    def abandon(self) -> None:
        try:
            for writer in [*self.writers.values(), *self.package_writers.values()]:
                writer.abandon()
        finally:
            self._thread.shutdown()


def _sorted(table: str, rows: pa.Table) -> pa.Table:
    """``rows`` in the order of ``table``, as ``TableSpec.row_key`` sorts them: the key
    columns of the evidence hold no missing value, and strings compare alike as code points
    and as UTF-8 bytes."""
    keys = [(column, "ascending") for column in TABLES[table].sort_key]
    taken = rows.take(pc.sort_indices(rows, sort_keys=keys))
    return pa.Table.from_arrays([_unmasked(column) for column in taken.columns], schema=rows.schema)


def _unmasked(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``column`` without a validity bitmap where it has no missing value, as rows
    converted to Arrow are (``take`` makes one): the bytes a table takes in memory are
    published (``num_bytes``), the same however its rows were gathered."""
    chunks = []
    for chunk in column.chunks:
        buffers = chunk.buffers()
        if chunk.null_count or buffers[0] is None or pa.types.is_nested(chunk.type):
            chunks.append(chunk)
        else:
            chunks.append(
                pa.Array.from_buffers(
                    chunk.type, len(chunk), [None, *buffers[1:]], null_count=0, offset=chunk.offset
                )
            )
    return pa.chunked_array(chunks, column.type)


def _package_writer(
    name: str, version: str, folder: Path, thread: ThreadPoolExecutor
) -> TableWriter:
    """A writer of ``<name>.parquet``: one file, whatever its size."""
    path = f"{name}.parquet"
    return TableWriter(
        name,
        version,
        folder,
        rows_per_shard=None,
        row_group_rows=ROW_GROUP_ROWS.get(name, DEFAULT_ROW_GROUP_ROWS),
        final_of=lambda _shard, _count: path,
        pattern=path,
        thread=thread,
    )


def write_dataset(
    tables: Mapping[str, Sequence[Record]],
    out: str | os.PathLike[str],
    *,
    version: str,
    per_document: Mapping[str, Mapping[str, int]] | None = None,
    card_prose: str | None = None,
    date_published: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Write every table and the metadata to ``out``, replacing an earlier output.

    ``tables`` maps every published table name to its records (in any order; rows are
    sorted on write). ``per_document`` (article_id -> column -> count) adds a table of
    counts to the card. ``card_prose`` defaults to ``DATASET_CARD.md`` beside the package.
    ``date_published`` goes into Croissant. ``progress`` is called with the relative path
    of each file just written, for a progress bar.

    Raises :class:`OutputError` when ``out`` is not empty and not an earlier output, when
    another build holds it, or when it cannot be written; any exception leaves ``out`` as
    it was.
    """
    _check_table_names(tables)
    prose = card_prose if card_prose is not None else _default_prose()

    def write(staging: Path) -> None:
        writer = DatasetWriter(staging, version)
        try:
            for name in TABLES:
                writer.add(name, to_arrow(name, tables[name], version).to_pylist())
            writer.finish(
                prose=prose,
                per_document=per_document,
                date_published=date_published,
                progress=progress or _no_progress,
            )
        finally:
            writer.abandon()

    replace_folder(Path(out), OUTPUT_LAYOUT, write)


def sha256sums_ok(out: str | os.PathLike[str]) -> list[str]:
    """Problems between ``out/SHA256SUMS`` and the files in ``out``; empty when all agree."""
    folder = Path(out)
    sums_path = folder / SHA256SUMS
    if not sums_path.is_file():
        return [f"{SHA256SUMS}: missing"]
    try:
        text = sums_path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [f"{SHA256SUMS}: not UTF-8"]
    problems: list[str] = []
    listed: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = SUMS_LINE.match(line)
        if match is None:
            problems.append(f"{SHA256SUMS}:{number}: not a `sha256sum` line")
            continue
        expected, name = match.groups()
        listed.add(name)
        problems += _check_listed_file(folder, name, expected)
    for name in relative_files(folder):
        if name != SHA256SUMS and name not in listed:
            problems.append(f"{printable(name)}: not listed in {SHA256SUMS}")
    return problems


def _check_listed_file(out: Path, name: str, expected: str) -> list[str]:
    path = out / name
    shown = printable(name)
    if Path(name).is_absolute() or ".." in Path(name).parts:
        return [f"{shown}: path leaves the output folder"]
    if path.is_symlink() or not path.is_file():
        return [f"{shown}: listed in {SHA256SUMS} but missing"]
    if sha256_file(path) != expected:
        return [f"{shown}: SHA-256 differs from {SHA256SUMS}"]
    return []


def _check_table_names(tables: Mapping[str, Sequence[Record]]) -> None:
    for name in tables:
        table_spec(name)
    missing = [name for name in TABLES if name not in tables]
    if missing:
        raise ValueError(
            f"write_dataset needs every table; missing: {', '.join(missing)} "
            "(pass an empty list for a table without records)"
        )


def _default_prose() -> str:
    try:
        return CARD_PROSE.read_text(encoding="utf-8")
    except OSError as error:
        raise OutputError(
            f"cannot read the card prose {CARD_PROSE}: {error.strerror} "
            "(fix: run from a source checkout or pass card_prose)"
        ) from error


def _no_progress(step: str) -> None:
    pass


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_text(path: Path, text: str) -> None:
    # newline="\n": the same bytes on every platform.
    with path.open("w", encoding="utf-8", newline="\n") as file:
        file.write(text)
