"""Which blocks of articles a run takes from the cache, and what each block gives the checks.

The plan cuts the documents into the blocks that share a shard and marks those whose kept
entry (and, with a sink of shards, whose shards) can stand in for checking their documents.
A block's contribution to the checks across documents comes from the cache, from the block
as the run holds it, or from checking its documents again when the cache lost it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dnnd_dataset.checking.block_contribution import BlockContribution, BlockEvidence
from dnnd_dataset.checking.block_entry import (
    BlockSummary,
    block_key,
    contribution_from_bytes,
    contribution_key,
    evidence_from_bytes,
    summary_from_bytes,
    world_digest,
)
from dnnd_dataset.checking.document_cache import DocumentCache
from dnnd_dataset.checking.file_stats import FileStats
from dnnd_dataset.checking.gathering import DocumentOutcome, Gathered
from dnnd_dataset.checking.registry_view import RegistryView
from dnnd_dataset.checking.shard_blocks import blocks as shard_blocks
from dnnd_dataset.checking.sinks import RowSink, ShardSink
from dnnd_dataset.file_tree import Identity, Snapshot
from dnnd_dataset.reading.raw_loading import documents_folder_inside

# The outcomes of the documents of the given stems, checked in this process, in their order.
CheckHere = Callable[[list[str]], Iterable[DocumentOutcome]]


@dataclass
class Block:
    """A block of articles, its key (None: never kept) and its kept entry when it is reused."""

    stems: list[str]
    key: str | None
    document_keys: list[str | None]
    # Whether the cache holds an entry for it, read when the run reaches the block.
    kept: bool = False
    # What its documents read of the registries, for a block keyed once they are checked
    # (:meth:`Plan.key_when_checked`).
    read: str | None = None


@dataclass
class Plan:
    """The blocks of a run, the world digest (None: no block is kept) and the identities of
    the documents' files, to be saved once the run has made every key (:meth:`save`)."""

    blocks: list[Block]
    world: str | None
    stats: FileStats | None

    def key_when_checked(
        self, block: Block, checked: list[tuple[str | None, tuple[Identity, Identity] | None]]
    ) -> None:
        """Key ``block``, whose documents' keys were not known to the plan, by the keys
        their check made from the files it read, in the order of its stems, and remember
        each key with the identities the files had before they were read. A block the plan
        keyed keeps its key only if the check read the same bytes."""
        keys = [key for key, _ in checked]
        read, block.read = block.read, None
        if read is None:
            if block.key is not None and keys != block.document_keys:
                # A document was written between the plan's read and the check's: the
                # block's rows are of the later bytes, not of those its key was made from.
                block.key = None
            return
        if self.stats is not None:
            for stem, planned, (key, identities) in zip(
                block.stems, block.document_keys, checked, strict=True
            ):
                if planned is None:
                    self.stats.learn(stem, identities, key)
        known = [(stem, key) for stem, key in zip(block.stems, keys, strict=True) if key]
        if len(known) == len(keys):
            block.key = block_key(read, known)

    def save(self) -> str | None:
        """Keep the identities of the files seen in this run; the key of the entry that
        holds them, if any."""
        return self.stats.save() if self.stats is not None else None


def plan_blocks(
    raw: Path,
    today: dt.date,
    rows_wanted: bool,
    stems: list[str],
    cache: DocumentCache,
    sink: RowSink | None,
    snapshot: Snapshot | None,
    registry_files: Mapping[str, str] | None,
    view: RegistryView | None,
    *,
    cache_was_empty: bool = False,
) -> Plan:
    """The blocks of the run, each marked when it needs no checking, and the world digest.

    ``rows_wanted`` is False when the registries have problems; ``cache_was_empty`` when the
    cache held no entry as the run began.

    A block is reused when its entry is kept and its rows are not wanted (no sink) or the
    sink still has its shards; the checks of its documents are then skipped altogether.
    Keys are made only with a cache, for a corpus of more than one block whose registries
    have no problem. A block's key binds what its documents read of the registries
    (``view``); the world digest, of every registry file, keys the registry tables. With a
    cache that held nothing, no block is kept: each is keyed once its documents are checked
    (:meth:`Plan.key_when_checked`), and no file is read twice.
    """
    cut = shard_blocks(stems)
    # One block is one shard of each table, always written: nothing to keep for it.
    wanted = registry_files is not None and rows_wanted and len(cut) > 1
    world = (
        world_digest(raw, today, registry_files) if wanted and registry_files is not None else None
    )
    inside = world is not None and documents_folder_inside(raw)
    stats = FileStats(cache, raw, snapshot, read=not cache_was_empty) if inside else None
    planned = []
    for stems_of_block in cut:
        keys = [stats.document_key(stem) if stats else None for stem in stems_of_block]
        known = [(stem, key) for stem, key in zip(stems_of_block, keys, strict=True) if key]
        read = view.block(stems_of_block) if world is not None and view is not None else None
        key = block_key(read, known) if read is not None and len(known) == len(keys) else None
        later = read if stats is not None and not stats.read and key is None else None
        planned.append(Block(stems_of_block, key, keys, read=later))
    if stats is not None:
        stats.planned()
    plan = Plan(planned, world, stats)
    shards = sink if isinstance(sink, ShardSink) else None
    if sink is not None and shards is None:
        return plan  # every row is wanted
    present = cache.present(block.key for block in planned if block.key)
    for block in planned:
        if block.key in present and (shards is None or shards.reusable(block.key)):
            block.kept = True
    return plan


def kept_summary(cache: DocumentCache, block: Block) -> BlockSummary | None:
    """The summary the cache keeps for ``block``; None when it is gone or does not read."""
    data = cache.get_many([block.key]).get(block.key) if block.key else None
    return summary_from_bytes(data, block.stems) if data is not None else None


def kept_contribution(cache: DocumentCache, block: Block, digest: str) -> BlockContribution | None:
    """The contribution the cache keeps for ``block``, if it reads and its SHA-256 is
    ``digest`` (its summary's)."""
    data = _kept_bytes(cache, block)
    return contribution_from_bytes(data, digest, len(block.stems)) if data is not None else None


def kept_evidence(cache: DocumentCache, block: Block, digest: str) -> BlockEvidence | None:
    """What the contribution the cache keeps for ``block`` gives the evidence table, as
    :func:`kept_contribution` reads it."""
    data = _kept_bytes(cache, block)
    return evidence_from_bytes(data, digest, len(block.stems)) if data is not None else None


def _kept_bytes(cache: DocumentCache, block: Block) -> bytes | None:
    key = contribution_key(block.key) if block.key else None
    return cache.get_many([key]).get(key) if key else None


@dataclass
class Part:
    """A block as the checks across documents see it, until its contribution is gathered.

    ``digest`` is its contribution's SHA-256 and ``shape`` the digest of its shape (None:
    it has none, having problems); the contribution itself is in the cache under the
    block's key, or held here: whole, or as its documents' outcomes.
    """

    block: Block
    digest: str | None
    shape: str | None
    contribution: BlockContribution | None = None
    outcomes: list[DocumentOutcome] | None = None


def gather_contribution(
    check_here: CheckHere, cache: DocumentCache, gathered: Gathered, part: Part
) -> None:
    """Gather what the block of ``part`` gives the checks across documents and the registries.

    A contribution the cache no longer gives (or gives damaged) is made again by checking
    the block's documents with ``check_here``: their rows are not wanted, their shards are
    written.
    """
    stems, contribution = part.block.stems, part.contribution
    if contribution is None and part.outcomes is None and part.digest:
        contribution = kept_contribution(cache, part.block, part.digest)
    if contribution is not None:
        gathered.block_contribution(stems, contribution)
        return
    for outcome in _outcomes(check_here, gathered, part):
        gathered.outcome_contribution(outcome)


def gather_evidence(
    check_here: CheckHere, cache: DocumentCache, gathered: Gathered, part: Part
) -> None:
    """Gather what the block of ``part`` gives the evidence table alone, as
    :func:`gather_contribution` gathers the whole."""
    stems = part.block.stems
    evidence: BlockEvidence | None = part.contribution
    if evidence is None and part.outcomes is None and part.digest:
        evidence = kept_evidence(cache, part.block, part.digest)
    if evidence is not None:
        gathered.block_evidence(stems, evidence)
        return
    for outcome in _outcomes(check_here, gathered, part):
        gathered.outcome_evidence(outcome)


def _outcomes(check_here: CheckHere, gathered: Gathered, part: Part) -> list[DocumentOutcome]:
    """The outcomes ``part`` holds, or those of its documents checked again."""
    if part.outcomes is not None:
        return part.outcomes
    outcomes = list(check_here(part.block.stems))
    for outcome in outcomes:
        # The block's summary said it had none: found now, they are reported all the same.
        gathered.state.issues += outcome.issues
    return outcomes
