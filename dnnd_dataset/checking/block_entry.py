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
from dataclasses import dataclass
from pathlib import Path

from pydantic import ConfigDict, TypeAdapter, ValidationError, with_config

from dnnd_dataset.checking.document_cache import CODE_DIGEST
from dnnd_dataset.checking.document_rows import Contribution, StatedPosition
from dnnd_dataset.file_tree import SpecialFile, digest_tree
from dnnd_dataset.reading.anchoring import AnchorKey, AnchorProblem, Span

# Marks the key of a block, so that it never equals a document's.
_KIND = b"block\0"


Quoted = tuple[str, AnchorKey, tuple[Span, str] | AnchorProblem]
# A StatedPosition as a tuple of its fields, in their order, without the article (the block's
# document it came with).
Position = tuple[str, str, str | None, str | None, str | None, int, int, str]


@with_config(ConfigDict(strict=True))
@dataclass(frozen=True)
class BlockEntry:
    """What the documents of a block gave, in their order, in few and flat lists.

    Flat so that an entry reads fast and holds few objects: a column of numbers per count
    instead of a dictionary per document, and each list in the order the documents gave it.
    """

    stems: list[str]
    proposals: dict[str, int]
    # column -> one value per document, for the coverage and for the card's counts
    coverage: dict[str, list[int]]
    counts: dict[str, list[int]]
    # (SHA-256 of the text, the path shown for it) per document
    texts: list[tuple[str, str]]
    quoted: list[Quoted]
    printed: list[str]
    # (value, form, or None when it is the value) in the order the documents gave them: the
    # first form of a value counts
    printed_as: list[tuple[str, str | None]]
    # Per document: the entities it links to in its body, and those only in page chrome
    links: list[tuple[list[str], list[str]]]
    # (entity, form)
    forms: list[tuple[str, str]]
    # Per document: the positions it states
    positions: list[list[Position]]
    # Rows per table of article rows.
    rows: dict[str, int]


class BlockBuilder:
    """Gathers a block's entry document by document; ``entry`` is None if one did not fit."""

    def __init__(self) -> None:
        self.fits = True
        self.stems: list[str] = []
        self.proposals: dict[str, int] = {}
        self.coverage: dict[str, list[int]] = {}
        self.counts: dict[str, list[int]] = {}
        self.texts: list[tuple[str, str]] = []
        self.quoted: list[Quoted] = []
        self.printed: set[str] = set()
        self.printed_as: dict[str, str] = {}
        self.links: list[tuple[list[str], list[str]]] = []
        self.forms: set[tuple[str, str]] = set()
        self.positions: list[list[Position]] = []

    def add(
        self,
        stem: str,
        *,
        proposals: dict[str, int],
        coverage: dict[str, int],
        counts: dict[str, int],
        text: tuple[str, str],
        quoted: dict[tuple[str, AnchorKey], tuple[Span, str] | AnchorProblem],
        printed: set[str],
        printed_as: dict[str, str],
        contribution: Contribution,
    ) -> None:
        if not self._column(self.coverage, coverage) or not self._column(self.counts, counts):
            self.fits = False
            return
        self.stems.append(stem)
        self.proposals.update(proposals)
        self.texts.append(text)
        self.quoted += [(entity, anchor, value) for (entity, anchor), value in quoted.items()]
        self.printed |= printed
        for value, form in printed_as.items():
            self.printed_as.setdefault(value, form)
        body = [entity for entity, chrome in contribution.links if not chrome]
        self.links.append((body, [entity for entity, chrome in contribution.links if chrome]))
        self.forms.update(contribution.forms)
        self.positions.append([_position(stated, stem) for stated in contribution.positions])

    def _column(self, columns: dict[str, list[int]], values: dict[str, int]) -> bool:
        """Append a document's values; False when its keys differ from the block's."""
        if self.stems and list(columns) != list(values):
            return False
        for name, value in values.items():
            columns.setdefault(name, []).append(value)
        return True

    def entry(self, rows: dict[str, int]) -> BlockEntry | None:
        if not self.fits:
            return None
        return BlockEntry(
            stems=self.stems,
            proposals=self.proposals,
            coverage=self.coverage,
            counts=self.counts,
            texts=self.texts,
            quoted=self.quoted,
            printed=sorted(self.printed),
            printed_as=[
                (value, None if form == value else form) for value, form in self.printed_as.items()
            ],
            links=self.links,
            forms=sorted(self.forms),
            positions=self.positions,
            rows=rows,
        )


def _position(stated: StatedPosition, stem: str) -> Position:
    assert stated.article_id == stem, "a document states positions in itself"
    return (
        stated.person,
        stated.title,
        stated.post,
        stated.organization,
        stated.as_of_meeting,
        stated.start,
        stated.end,
        stated.quote,
    )


def stated_position(position: Position, stem: str) -> StatedPosition:
    """The StatedPosition that ``position`` of the document ``stem`` holds."""
    person, title, post, organization, as_of_meeting, start, end, quote = position
    return StatedPosition(person, title, post, organization, as_of_meeting, stem, start, end, quote)


_ADAPTER: TypeAdapter[BlockEntry] = TypeAdapter(BlockEntry)


def to_bytes(entry: BlockEntry) -> bytes:
    return _ADAPTER.dump_json(entry)


def from_bytes(data: bytes, stems: list[str]) -> BlockEntry | None:
    """The entry ``data`` holds, or None when it is not one of the block of ``stems``."""
    try:
        entry = _ADAPTER.validate_json(data)
    except ValidationError:
        return None
    if entry.stems != stems or any(
        len(column) != len(stems) for column in (entry.texts, entry.links, entry.positions)
    ):
        return None
    for columns in (entry.coverage, entry.counts):
        if any(len(values) != len(stems) for values in columns.values()):
            return None
    return entry


def world_digest(raw: Path, today: dt.date) -> str | None:
    """The digest of what every document's outcome depends on besides the document itself.

    None when ``raw/registry`` holds anything but folders and regular files: then no block
    is kept or reused, and the loader reports what is wrong.
    """
    digest = hashlib.sha256(_KIND + CODE_DIGEST)
    digest.update(f"{raw}\0{today.isoformat()}\0".encode("utf-8", "surrogateescape"))
    try:
        digest_tree(digest, Path(raw) / "registry")
    except (OSError, SpecialFile):
        return None
    return digest.hexdigest()


def block_key(world: str, documents: list[tuple[str, str]]) -> str:
    """The key of a block: the world digest and each (stem, document key) in order."""
    digest = hashlib.sha256(_KIND + world.encode())
    for stem, key in documents:
        digest.update(f"{stem}\0{key}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
