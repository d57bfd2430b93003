"""What a block of articles gave the run, kept so that an unchanged block is not checked again.

A block (:mod:`dnnd_dataset.checking.shard_blocks`) whose documents and registries are
byte for byte what they were when its entry was made gives the run exactly what checking
it again would: for each document what the checks across documents and the registry tables
need (never its text or its rows: those stay in the shards already written), and the number
of rows of each table. Only a block without any problem is kept.

The key binds everything an outcome depends on: the checking code and libraries, the raw
folder as given, the build date, every byte under ``raw/registry/`` and each document's
own key (its text and annotation). The entry is JSON read back through a strict schema,
sealed by the document cache like any entry: reading one never runs code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pydantic import ConfigDict, TypeAdapter, ValidationError, with_config

from dnnd_dataset.checking.document_cache import CODE_DIGEST
from dnnd_dataset.checking.document_rows import Contribution
from dnnd_dataset.reading.anchoring import AnchorKey, AnchorProblem, Span

# Marks the key of a block, so that it never equals a document's.
_KIND = b"block\0"


@with_config(ConfigDict(strict=True))
@dataclass(frozen=True)
class DocumentSummary:
    """What the run keeps of one valid document (``pipeline.DocumentOutcome`` less rows)."""

    stem: str
    proposals: dict[str, int]
    coverage: dict[str, int]
    quoted: list[tuple[str, AnchorKey, tuple[Span, str] | AnchorProblem]]
    printed: list[str]
    printed_as: dict[str, str]
    text_digest: tuple[str, str]
    counts: dict[str, int]
    contribution: Contribution


@with_config(ConfigDict(strict=True))
@dataclass(frozen=True)
class BlockEntry:
    documents: list[DocumentSummary]
    # Rows per table of article rows.
    rows: dict[str, int]


_ADAPTER: TypeAdapter[BlockEntry] = TypeAdapter(BlockEntry)


def to_bytes(entry: BlockEntry) -> bytes:
    return _ADAPTER.dump_json(entry)


def from_bytes(data: bytes, stems: list[str]) -> BlockEntry | None:
    """The entry ``data`` holds, or None when it is not one of the block of ``stems``."""
    try:
        entry = _ADAPTER.validate_json(data)
    except ValidationError:
        return None
    if [document.stem for document in entry.documents] != stems:
        return None
    return entry


def world_digest(raw: Path, today: dt.date) -> str | None:
    """The digest of what every document's outcome depends on besides the document itself.

    None when ``raw/registry`` holds anything but folders and regular files: then no block
    is kept or reused, and the loader reports what is wrong.
    """
    digest = hashlib.sha256(_KIND + CODE_DIGEST)
    digest.update(f"{raw}\0{today.isoformat()}\0".encode("utf-8", "surrogateescape"))
    pending = [(Path(raw) / "registry", "")]
    found: list[tuple[str, Path | None]] = []
    try:
        while pending:
            folder, prefix = pending.pop()
            with os.scandir(folder) as entries:
                for item in entries:
                    relative = f"{prefix}{item.name}"
                    mode = item.stat(follow_symlinks=False).st_mode
                    if stat.S_ISDIR(mode):
                        found.append((relative + "/", None))
                        pending.append((Path(item.path), relative + "/"))
                    elif stat.S_ISREG(mode):
                        found.append((relative, Path(item.path)))
                    else:
                        return None
        for relative, path in sorted(found, key=lambda item: item[0]):
            digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
            if path is not None:
                content = path.read_bytes()
                digest.update(len(content).to_bytes(8, "big"))
                digest.update(content)
    except OSError:
        return None
    return digest.hexdigest()


def block_key(world: str, documents: list[tuple[str, str]]) -> str:
    """The key of a block: the world digest and each (stem, document key) in order."""
    digest = hashlib.sha256(_KIND + world.encode())
    for stem, key in documents:
        digest.update(f"{stem}\0{key}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
