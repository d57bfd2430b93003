"""Which shards of the output folder a rebuild can take as they are, instead of writing them.

Each table of article rows has one shard per block of articles
(:mod:`dnnd_dataset.checking.shard_blocks`). After a build, the cache folder records, per
output folder, for each block's key: each table's shard (its name, rows, checksum and the
file's identity on disk: device, inode, size, modification and change times), the digest of
the registry entries its documents used when it was written, and the block's share of the
``ner`` counts of the card. A later build whose block has the same key (the same documents,
what they read of the registries, checking code and date) and uses entries of the same
digest, and whose writing code is the same, takes the shard from the output folder by a hard
link, provided the file is still the one recorded: any change to it, even one that keeps
its size and times, changes its change time (``st_ctime``, which no program can set back).
A record is only ever a hint: anything that does not match is written afresh, and the bytes
are the same either way.

Records live in ``<cache>/shards/<digest of the output path>.json``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
from pydantic import ConfigDict, TypeAdapter, ValidationError, with_config

from dnnd_dataset.file_tree import Identity, identity_of
from dnnd_dataset.publishing.owned_folder import OUTPUT_LAYOUT

RECORDS = "shards"


@with_config(ConfigDict(strict=True))
@dataclass(frozen=True)
class ShardFacts:
    """One shard as written: where, what it holds, and the file's identity on disk."""

    path: str
    rows: int
    num_bytes: int
    sha256: str
    # (device, inode, size, modification ns, change ns), taken once the output was in place.
    identity: Identity


@with_config(ConfigDict(strict=True))
@dataclass(frozen=True)
class NerPart:
    """A block's share of the ``ner`` counts of the card."""

    sentences: int
    tags: dict[int, int]
    articles: dict[str, int]


@with_config(ConfigDict(strict=True))
@dataclass(frozen=True)
class BlockShards:
    tables: dict[str, ShardFacts]
    ner: NerPart
    # The digest of the registry entries the block's documents used (``checking.
    # registry_view.RegistryView.used``): a block's key does not bind them, and a build with
    # other registries, into another output or with no output, may keep the block's entry.
    used: str


@with_config(ConfigDict(strict=True))
@dataclass(frozen=True)
class WholeShard:
    """The one shard of a table written whole at the end, and the digest of its rows."""

    digest: str
    shard: ShardFacts


@with_config(ConfigDict(strict=True))
@dataclass(frozen=True)
class _Record:
    output: str
    writer: str
    blocks: dict[str, BlockShards]
    # The registry tables, and the evidence of the registries after the blocks' shards.
    tables: dict[str, WholeShard]
    # The key they were made under (``checking.block_entry.registries_key``), when every
    # one of them is in ``tables`` (the evidence only when the registries gave some), and
    # the key of all but the evidence (made with ``shapes``).
    registries: str | None = None
    shapes: str | None = None
    # The digest of each block's contribution they were made from, in block order.
    contributions: list[str] | None = None


_ADAPTER: TypeAdapter[_Record] = TypeAdapter(_Record)


@functools.cache
def writer_digest(version: str) -> str:
    """What decides a shard's bytes besides its rows: the package's code, libraries, version."""
    from dnnd_dataset.publishing.up_to_date import package_digest

    return hashlib.sha256(package_digest() + version.encode()).hexdigest()


# Rows per record batch of the stream a table's digest is made from.
DIGEST_ROWS = 8192


def rows_digest(rows: pa.Table) -> str:
    """The digest of a table's rows, from its Arrow stream: equal rows, equal digests.

    The stream holds batches of ``DIGEST_ROWS`` rows, each taken into buffers of its own
    (a stream's bytes depend on how the buffers under a slice lie, not only on the rows),
    and goes to the hash as it is written: neither the table nor its stream is held whole.
    """
    digest = hashlib.sha256()
    every = pa.array(range(min(DIGEST_ROWS, rows.num_rows)), pa.int64())
    with pa.ipc.new_stream(pa.PythonFile(_Hashing(digest), mode="w"), rows.schema) as stream:
        for start in range(0, rows.num_rows, DIGEST_ROWS):
            batch = rows.slice(start, DIGEST_ROWS)
            stream.write_table(batch.take(every.slice(0, batch.num_rows)))
    return digest.hexdigest()


class _Hashing:
    """A file to write to that only hashes what it is given."""

    def __init__(self, digest: Any) -> None:
        self.digest = digest
        self.closed = False

    def write(self, data: bytes | memoryview) -> int:
        self.digest.update(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def _usable(folder: Path, table: str, facts: ShardFacts) -> bool:
    if not facts.path.startswith(f"data/{table}/") or not OUTPUT_LAYOUT.owns_file(facts.path):
        return False
    return identity_of(folder / facts.path) == facts.identity


@dataclass
class PreviousOutput:
    """The shards of the output folder ``folder`` that a build may take, by block key."""

    folder: Path
    blocks: dict[str, BlockShards]
    tables: dict[str, WholeShard]
    registries: str | None = None
    shapes: str | None = None
    contributions: list[str] | None = None

    def registry_tables(self, but_evidence: bool) -> dict[str, WholeShard]:
        return {
            table: whole
            for table, whole in self.tables.items()
            if not (but_evidence and table == "evidence")
        }

    def registries_reusable(self, key: str, *, but_evidence: bool = False) -> bool:
        """Whether the registry tables were made under ``key`` and are all still at hand;
        with ``but_evidence``, all but the evidence, under the key of their shapes."""
        recorded = self.shapes if but_evidence else self.registries
        return (
            recorded is not None
            and recorded == key
            and all(
                _usable(self.folder, table, whole.shard)
                for table, whole in self.registry_tables(but_evidence).items()
            )
        )

    def table_reusable(self, table: str, digest: str) -> bool:
        found = self.tables.get(table)
        return (
            found is not None
            and found.digest == digest
            and _usable(self.folder, table, found.shard)
        )

    def reusable(self, key: str, tables: tuple[str, ...], used: str | None = None) -> bool:
        """Whether the shards of the block of ``key`` are at hand, written with the registry
        entries of digest ``used`` when it is given."""
        found = self.blocks.get(key)
        if found is None or set(found.tables) != set(tables):
            return False
        if used is not None and found.used != used:
            return False
        return all(_usable(self.folder, table, facts) for table, facts in found.tables.items())


def _record_path(cache: Path, out: Path) -> Path:
    name = hashlib.sha256(os.fsencode(os.path.abspath(out))).hexdigest()
    return cache / RECORDS / f"{name}.json"


def previous_output(cache: Path, out: Path, version: str) -> PreviousOutput | None:
    """What the last build recorded of ``out``, if it was written by this very code."""
    try:
        record = _ADAPTER.validate_json(_record_path(cache, out).read_bytes())
    except (OSError, ValidationError):
        return None
    if record.writer != writer_digest(version) or record.output != os.path.abspath(out):
        return None
    return PreviousOutput(
        Path(out),
        record.blocks,
        record.tables,
        record.registries,
        record.shapes,
        record.contributions,
    )


@dataclass
class WrittenBlock:
    """A block's shards as a build wrote them: (table, shard facts without identity), its
    share of the ner counts, and the digest of the registry entries its documents used."""

    tables: dict[str, tuple[str, int, int, str]]
    ner: NerPart
    used: str


@dataclass
class WrittenWhole:
    """A table written whole at the end: the digest of its rows, its shard as written."""

    digest: str
    shard: tuple[str, int, int, str]


def _facts(out: Path, written: tuple[str, int, int, str]) -> ShardFacts | None:
    relative, rows, num_bytes, sha256 = written
    found = identity_of(out / relative)
    return None if found is None else ShardFacts(relative, rows, num_bytes, sha256, found)


def record_shards(
    cache: Path,
    out: Path,
    version: str,
    written: Mapping[str, WrittenBlock],
    whole: Mapping[str, WrittenWhole],
    registries: str | None = None,
    shapes: str | None = None,
    contributions: list[str] | None = None,
) -> None:
    """Record the shards of ``out`` as now on disk; a record is only a hint, so errors pass.

    ``registries`` is the key the tables in ``whole`` were made under, when they are all
    the registry tables, ``shapes`` the key of all but the evidence, and ``contributions``
    the digests of the blocks' contributions they were made from.
    """
    path = _record_path(cache, out)
    blocks: dict[str, BlockShards] = {}
    for key, block in written.items():
        tables = {}
        for table, shard in block.tables.items():
            facts = _facts(out, shard)
            if facts is None:
                break
            tables[table] = facts
        else:
            blocks[key] = BlockShards(tables, block.ner, block.used)
    tables_whole = {
        table: WholeShard(table_whole.digest, facts)
        for table, table_whole in whole.items()
        if (facts := _facts(out, table_whole.shard)) is not None
    }
    if len(tables_whole) != len(whole) or registries is None:
        # One is no longer the file written: the tables are not all at hand.
        registries, shapes, contributions = None, None, None
    record = _Record(
        os.path.abspath(out),
        writer_digest(version),
        blocks,
        tables_whole,
        registries,
        shapes,
        contributions,
    )
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(_ADAPTER.dump_json(record))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def forget_shards(cache: Path, out: Path) -> None:
    """Drop the record of ``out`` (a build that could not record its shards)."""
    _record_path(cache, out).unlink(missing_ok=True)


def ner_part(sentences: int, tags: Counter[int], articles: Counter[str]) -> NerPart:
    return NerPart(sentences, dict(tags), dict(articles))
