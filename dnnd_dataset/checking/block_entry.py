"""What a block of articles gave the run, kept so that an unchanged block is not checked again.

A block (:mod:`dnnd_dataset.checking.shard_blocks`) whose documents, and what they read of
the registries, are byte for byte what they were when its entry was made gives the run
exactly what checking it again would: for each document what the checks across documents
and the registry tables need (never its text or its rows: those stay in the shards already
written), and the number of rows of each table. Only a block without any problem is kept.

A block is kept as two entries of the document cache. Its summary (the documents, their
counts for the report and the card, the digests of their texts, its rows per table) is read
on every run that reuses the block. Its contribution (what the other checks across
documents and the registry tables read: registry quotes, printed names, links, forms,
stated positions) is read
only when the registry tables are made again; the summary names it by its SHA-256, and the
digests of every block's contribution make the key of the registry tables
(:func:`registries_key`), so that a run whose blocks all give what they gave before takes
the registry tables of the earlier output without reading any contribution. The summary
also names the contribution's shape (all of it but where quotes and positions lie in
their articles): a run whose blocks all have the shapes they had takes every registry
table but the evidence, which it makes from the evidence of each contribution alone.

The key binds everything an outcome depends on: the checking code and libraries, the raw
folder as given, the build date, what the documents read of the registries
(:mod:`dnnd_dataset.checking.registry_view`: the names and printed values of every entry,
and the bytes of the files of the entries that quote the documents, as loaded; their
digests are remembered with the registry memo, so that unchanged files are not read) and
each document's own key (its text and annotation). The entries the documents use are
named in the summary with their digest, compared when the block is reused. The registry
tables are keyed by every registry file's bytes (:func:`world_digest`). Entries are JSON
read back through a strict schema, sealed by the document cache like any entry: reading one
never runs code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ConfigDict, TypeAdapter, ValidationError, with_config

from dnnd_dataset.checking.block_contribution import (
    BlockContribution,
    BlockEvidence,
    Position,
    Quoted,
    contribution_bytes,
    contribution_of,
    evidence_of,
)
from dnnd_dataset.checking.document_cache import CODE_DIGEST
from dnnd_dataset.checking.document_rows import Contribution, StatedPosition, kept_stated
from dnnd_dataset.reading.anchoring import AnchorKey, AnchorProblem, Span

# Mark the keys of a block, of its contribution and of the registry tables, so that none
# ever equals another kind's or a document's.
_KIND = b"block\0"
_CONTRIBUTION_KIND = b"contribution\0"
_REGISTRIES_KIND = b"registries\0"
_SHAPES_KIND = b"registries but evidence\0"


@with_config(ConfigDict(strict=True))
@dataclass(frozen=True)
class BlockSummary:
    """What the documents of a block gave the report and the card, in their order.

    Flat so that an entry reads fast and holds few objects: a column of numbers per count
    instead of a dictionary per document.
    """

    stems: list[str]
    proposals: dict[str, int]
    # column -> one value per document, for the coverage and for the card's counts
    coverage: dict[str, list[int]]
    counts: dict[str, list[int]]
    # (SHA-256 of the text, the path shown for it) per document, for duplicate texts
    texts: list[tuple[str, str]]
    # Rows per table of article rows.
    rows: dict[str, int]
    # The SHA-256 of the block's contribution as kept (:func:`contribution_bytes`), and the
    # digest of its shape, which all but the evidence table are made from.
    contribution: str
    shape: str
    # The world digest when the block was checked (or last reused with the same entries
    # under other registries), and the digest of the registry entries its documents use
    # (``RegistryView.used``): under other registries, the block is reused only while the
    # entries it uses are the same.
    world: str
    used_digest: str


@dataclass(frozen=True)
class BlockEntry:
    """A block's summary, its contribution and the bytes the contribution is kept as."""

    summary: BlockSummary
    contribution: BlockContribution
    contribution_bytes: bytes


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
        self.used: set[str] = set()

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
        used: list[str],
    ) -> None:
        if not self._column(self.coverage, coverage) or not self._column(self.counts, counts):
            self.fits = False
            return
        self.stems.append(stem)
        self.proposals.update(proposals)
        self.texts.append(text)
        self.quoted += [
            (article, anchor, _kept_quote(anchor, value))
            for (article, anchor), value in quoted.items()
        ]
        self.printed |= printed
        for value, form in printed_as.items():
            self.printed_as.setdefault(value, form)
        body = [entity for entity, chrome in contribution.links if not chrome]
        self.links.append((body, [entity for entity, chrome in contribution.links if chrome]))
        self.forms.update(contribution.forms)
        self.positions.append([_position(stated, stem) for stated in contribution.positions])
        self.used.update(used)

    def _column(self, columns: dict[str, list[int]], values: dict[str, int]) -> bool:
        """Append a document's values; False when its keys differ from the block's."""
        if self.stems and list(columns) != list(values):
            return False
        for name, value in values.items():
            columns.setdefault(name, []).append(value)
        return True

    def entry(
        self, rows: dict[str, int], world: str, used_digest: Callable[[list[str]], str | None]
    ) -> BlockEntry | None:
        """The block's entry under the registries of ``world``; None when a document did not
        fit, an entry it uses is not known by ``used_digest``, or its contribution cannot be
        kept (``contribution_bytes``)."""
        used = sorted(self.used)
        digest = used_digest(used)
        if not self.fits or digest is None:
            return None
        contribution = BlockContribution(
            quoted=self.quoted,
            printed=sorted(self.printed),
            printed_as=[
                (value, None if form == value else form) for value, form in self.printed_as.items()
            ],
            links=self.links,
            forms=sorted(self.forms),
            positions=self.positions,
            used=used,
        )
        kept = contribution_bytes(contribution)
        if kept is None:
            return None
        summary = BlockSummary(
            stems=self.stems,
            proposals=self.proposals,
            coverage=self.coverage,
            counts=self.counts,
            texts=self.texts,
            rows=rows,
            contribution=hashlib.sha256(kept.data).hexdigest(),
            shape=kept.shape,
            world=world,
            used_digest=digest,
        )
        return BlockEntry(summary, contribution, kept.data)


def _kept_quote(
    anchor: AnchorKey, value: tuple[Span, str] | AnchorProblem
) -> tuple[Span, str | None] | AnchorProblem:
    if isinstance(value, AnchorProblem) or value[1] != anchor[0]:
        return value
    return value[0], None


def resolved_quote(
    anchor: AnchorKey, value: tuple[Span, str | None] | AnchorProblem
) -> tuple[Span, str] | AnchorProblem:
    """A quote as kept, as the run holds it: the anchor's own quote where the text prints it."""
    if isinstance(value, AnchorProblem):
        return value
    span, printed = value
    return span, anchor[0] if printed is None else printed


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
    """The StatedPosition that ``position`` of the document ``stem`` holds, as a run keeps it
    to the end (``document_rows.kept_position``)."""
    person, title, post, organization, as_of_meeting, start, end, quote = position
    return kept_stated(person, title, post, organization, as_of_meeting, stem, start, end, quote)


_SUMMARY: TypeAdapter[BlockSummary] = TypeAdapter(BlockSummary)


def summary_bytes(summary: BlockSummary) -> bytes:
    return _SUMMARY.dump_json(summary)


def summary_from_bytes(data: bytes, stems: list[str]) -> BlockSummary | None:
    """The summary ``data`` holds, or None when it is not one of the block of ``stems``."""
    try:
        summary = _SUMMARY.validate_json(data)
    except ValidationError:
        return None
    if summary.stems != stems or len(summary.texts) != len(stems):
        return None
    for columns in (summary.coverage, summary.counts):
        if any(len(values) != len(stems) for values in columns.values()):
            return None
    return summary


def contribution_from_bytes(data: bytes, digest: str, count: int) -> BlockContribution | None:
    """The contribution of ``count`` documents that ``data`` holds, if its SHA-256 is ``digest``."""
    if hashlib.sha256(data).hexdigest() != digest:
        return None
    return contribution_of(data, count)


def evidence_from_bytes(data: bytes, digest: str, count: int) -> BlockEvidence | None:
    """What the contribution that ``data`` holds gives the evidence table, if its SHA-256 is
    ``digest``."""
    if hashlib.sha256(data).hexdigest() != digest:
        return None
    return evidence_of(data, count)


def contribution_key(key: str) -> str:
    """The key under which the contribution of the block of ``key`` is kept."""
    return hashlib.sha256(_CONTRIBUTION_KIND + key.encode()).hexdigest()


def registries_key(world: str, blocks: list[tuple[list[str], str]], *, shapes: bool = False) -> str:
    """The key of what the registry tables are made from: the world and every block's
    documents and contribution digest, in order.

    Two runs with the same key check the same contributions across documents against the
    same registries, and make the same registry tables. With ``shapes``, the digests are
    those of the contributions' shapes: two runs with the same key find the same problems
    across documents and make the same tables but for the evidence.
    """
    kind = _SHAPES_KIND if shapes else _REGISTRIES_KIND
    digest = hashlib.sha256(kind + world.encode())
    for stems, contribution in blocks:
        digest.update(f"{len(stems)}\0{contribution}\0".encode())
        digest.update("\0".join(stems).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def world_digest(raw: Path, today: dt.date, registry_files: Mapping[str, str]) -> str:
    """The digest of what every document's outcome depends on besides the document itself.

    ``registry_files``: "<registry>/<file name>" -> the SHA-256 of the bytes loaded, for
    every registry file (the registries of a run whose files all loaded without a problem).
    """
    digest = hashlib.sha256(_KIND + CODE_DIGEST)
    digest.update(f"{raw}\0{today.isoformat()}\0".encode("utf-8", "surrogateescape"))
    digest.update(
        "".join(f"{name}\0{registry_files[name]}\0" for name in sorted(registry_files)).encode(
            "utf-8", "surrogateescape"
        )
    )
    return digest.hexdigest()


def block_key(view: str, documents: list[tuple[str, str]]) -> str:
    """The key of a block: what its documents read of the registries besides the entries
    they use (``RegistryView.block``) and each (stem, document key) in order."""
    digest = hashlib.sha256(_KIND + view.encode())
    for stem, key in documents:
        digest.update(f"{stem}\0{key}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
