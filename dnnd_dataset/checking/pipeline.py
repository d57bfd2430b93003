"""From ``raw/`` to validated published rows, streamed, with every problem in one report.

The steps: read the registries and check them; check each document on its own (in worker
processes with ``jobs`` > 1, through the document cache when one is given) and hand its rows
to a sink, one document at a time in the order of the ids; then check what depends on every
document (the registries' evidence quotes, names printed somewhere) from what each document
gave back, and hand the sink the registry tables. No text is held after its document, so
memory does not grow with the corpus (registries aside). Rows reach the sink only while no
problem has been found; a sink's output is to be discarded when the report is not valid.
Neither the number of jobs nor the cache shows in the rows or the report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dnnd_dataset.checking.assembly import (
    PositionEvidence,
    assemble_evidence,
    assemble_registries,
    evidence_batches,
    indexed_positions,
)
from dnnd_dataset.checking.block_contribution import BlockContribution
from dnnd_dataset.checking.block_entry import (
    BlockBuilder,
    BlockSummary,
    contribution_key,
    registries_key,
    summary_bytes,
)
from dnnd_dataset.checking.block_plan import (
    Block,
    Part,
    gather_contribution,
    gather_evidence,
    kept_contribution,
    kept_summary,
    plan_blocks,
)
from dnnd_dataset.checking.collector import fewer_collections
from dnnd_dataset.checking.compiler import (
    check_duplicate_texts,
    check_registries,
    raw_folder_problem,
)
from dnnd_dataset.checking.counts_table import CountsTable
from dnnd_dataset.checking.coverage import name_automaton, name_owners
from dnnd_dataset.checking.document_cache import DocumentCache, usable_cache
from dnnd_dataset.checking.document_rows import Row
from dnnd_dataset.checking.document_worker import (
    CHUNK,
    DOCUMENT_TABLES,
    BlockOutcome,
    ChunkOutcome,
    WorkerContext,
    check_blocks,
    check_documents,
    check_here,
    in_chunks,
    outcomes_here,
    rows_stop,
)
from dnnd_dataset.checking.gathering import DocumentOutcome, Gathered, keep_in_block
from dnnd_dataset.checking.inferences import check_unnamed_directives
from dnnd_dataset.checking.printed_names import check_printed, printed_automaton, printed_values
from dnnd_dataset.checking.registry_evidence import check_registry_evidence, registry_quotes
from dnnd_dataset.checking.registry_files import keep, recall
from dnnd_dataset.checking.registry_view import RegistryView
from dnnd_dataset.checking.sinks import Prepare, RowSink, ShardSink
from dnnd_dataset.checking.state import CheckState
from dnnd_dataset.errors import Issue, Report
from dnnd_dataset.file_tree import Identity
from dnnd_dataset.reading.raw_loading import (
    LABEL_OF_REGISTRY,
    RawCorpus,
    document_stems,
    load_registries,
)
from dnnd_dataset.reading.raw_models import PersonEntry
from dnnd_dataset.records import TABLES, Record

Progress = Callable[[int, int], None]


@dataclass
class CompileResult:
    """The records of every table (empty when the report is not valid) and the report."""

    tables: dict[str, list[Record]]
    report: Report


def compile_corpus(
    raw: Path, today: dt.date | None = None, *, jobs: int = 1, cache: Path | None = None
) -> CompileResult:
    """Validate ``raw`` and build the published records in memory; never raises on bad input.

    For a corpus that fits in memory (tests, the library's checks); :func:`check_corpus`
    streams the rows instead. Every row is validated against its record model here.
    """
    collected = _Collector()
    report = check_corpus(raw, today, jobs=jobs, cache=cache, sink=collected)
    if not report.valid:
        return CompileResult({}, report)
    tables = {
        name: [spec.model.model_validate(row) for row in collected.rows.get(name, [])]
        for name, spec in TABLES.items()
    }
    return CompileResult(tables, report)


class _Collector:
    prepare: Prepare | None = None

    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = {}

    def add(self, table: str, rows: Any) -> None:
        self.rows.setdefault(table, []).extend(rows)


def check_corpus(
    raw: Path,
    today: dt.date | None = None,
    *,
    jobs: int = 1,
    cache: Path | None = None,
    sink: RowSink | None = None,
    progress: Progress | None = None,
    snapshot: dict[str, Identity] | None = None,
) -> Report:
    """Validate ``raw``, giving ``sink`` the rows of every table; never raises on bad input.

    ``jobs`` worker processes check the documents; ``cache`` is a folder of per-document
    results reused while their inputs are unchanged. Neither changes the rows or the report.
    ``progress`` is called with (documents done, documents in all) as documents are done.
    ``snapshot``, the identities of the files under ``raw`` from a look just taken, spares
    the cache a second look at each (a file missing from it is looked at); it is used up
    (emptied once the documents' keys are known), so as not to be held through the run.
    The report's stats: ``coverage`` and ``documents`` (counts per article, as
    :class:`CountsTable` mappings), ``proposals`` (per annotation file) and ``tables`` (rows
    per table).
    """
    raw = Path(raw)
    problem = raw_folder_problem(raw)
    if problem is not None:
        return Report(issues=[problem])
    # Opened (made) here before any worker opens it; None when git tracks it: a cache that
    # came with a checkout is neither read nor written.
    with fewer_collections(), DocumentCache(usable_cache(cache)) as kept:
        return _check_corpus(raw, today, jobs, kept, sink, progress or _quiet, snapshot)


def _quiet(done: int, total: int) -> None:
    pass


def _check_corpus(
    raw: Path,
    today: dt.date | None,
    jobs: int,
    cache: DocumentCache,
    sink: RowSink | None,
    progress: Progress,
    snapshot: dict[str, Identity] | None,
) -> Report:
    issues: list[Issue] = []
    rejected: dict[str, str] = {}
    # Before the run writes any entry: a cache that held none keeps no block.
    cache_was_empty = cache.empty()
    memo = recall(cache, raw, snapshot)
    registries = load_registries(raw, issues, rejected, memo)
    memo_key = keep(cache, raw, memo)
    registry_files = memo.digests if memo is not None else None
    del memo  # the data of every registry file: not held through the run
    stems = document_stems(raw, issues)
    state = CheckState(
        RawCorpus(registries, [], {}, set(), rejected), today or dt.date.today(), issues
    )
    check_registries(state)
    values = printed_values(state)
    owners = name_owners(state)
    # What documents read of the registries keys their blocks; only registries without a
    # problem, each file known by its digest, are read alike by the next run.
    view = (
        RegistryView(raw, state.today, state, owners, values, registry_files)
        if registry_files is not None and not state.issues
        else None
    )
    context = WorkerContext(
        raw,
        state.today,
        state.entities,
        name_automaton(owners),
        cache.folder,
        rejected,
        registry_quotes(state),
        printed_automaton(values, normalized=False),
        printed_automaton(values, normalized=True),
        {
            entity_id: LABEL_OF_REGISTRY[entity.registry]
            for entity_id, entity in state.entities.items()
            if entity.registry in LABEL_OF_REGISTRY
        },
        {
            entity.model.id: entity.model.name
            for entity in state.entries("persons")
            if isinstance(entity.model, PersonEntry)
        },
        rows_wanted=not state.issues,
        prepare=sink.prepare if sink is not None else None,
    )
    counted = dict.fromkeys(TABLES, 0)

    def give(table: str, rows: Any) -> None:
        counted[table] += len(rows)
        if sink is not None:
            sink.add(table, rows)

    gathered = Gathered(state)
    recheck = functools.partial(outcomes_here, context)
    planned = plan_blocks(
        context.raw,
        context.today,
        context.rows_wanted,
        stems,
        cache,
        sink,
        snapshot,
        registry_files,
        view,
        cache_was_empty=cache_was_empty,
    )
    plan, world = planned.blocks, planned.world
    if snapshot is not None:
        snapshot.clear()  # a hundred thousand identities at 50,000 articles: used
    shards = sink if isinstance(sink, ShardSink) else None
    if shards is not None:
        shards.start_blocks(len(plan))
    # With registry tables of the earlier output at hand, the blocks' contributions are
    # gathered after the blocks, and only if those tables cannot be taken as they are.
    deferred = shards is not None and world is not None and shards.registries_kept()
    parts: list[Part] = []
    # Summaries of blocks reused under other registries than they were made under, with the
    # same entries: restamped with this run's, so that the next run need not read the
    # contributions again to name the entries.
    restamped: dict[str, bytes] = {}
    fresh = [(index, block) for index, block in enumerate(plan) if not block.kept]
    # Workers, each loading the registries, start for more than one block to write, or for
    # more documents than a chunk to check afresh: one edited block's documents mostly
    # come from the cache, and are checked and written here in less time.
    pool = jobs > 1 and (len(fresh) > 1 or _afresh(cache, [block for _, block in fresh]) > CHUNK)
    # With several blocks to check in worker processes, each block's shards are written
    # where it is checked: its rows are not sent here to be written.
    write_block = shards.write_block if shards is not None and len(plan) > 1 else None
    in_workers = pool and len(fresh) > 1 and write_block is not None and context.rows_wanted
    checked: Generator[ChunkOutcome, None, None] | None = None
    checked_blocks: Generator[BlockOutcome, None, None] | None = None
    # Set once a document has a problem: the build fails, and the workers write no more.
    no_more_rows = rows_stop() if in_workers else None
    if no_more_rows is not None:
        checked_blocks = check_blocks(
            replace(context, write_block=write_block),
            [(index, block.stems) for index, block in fresh],
            jobs,
            no_more_rows,
        )
    else:
        to_check = [chunk for _, block in fresh for chunk in in_chunks(block.stems)]
        checked = check_documents(context, to_check, jobs if pool else 1)
    done, total = 0, len(stems)
    progress(done, total)
    try:
        for block in plan:
            gathered.keys += block.document_keys
            # Read here, one block at a time: the entries of a large corpus, read at once,
            # would take more room than everything else the run holds.
            summary = kept_summary(cache, block) if block.kept else None
            read = None
            if summary is not None and summary.world != world:
                read = _still_used(view, cache, block, summary)
                if read is None:
                    summary = None  # an entry its documents use has changed: checked here
            if (
                summary is not None
                and shards is not None
                and block.key is not None
                and not shards.reusable(block.key, summary.used_digest)
            ):
                # Its shards were written with other entries than its entry was kept with
                # (a run with other registries, into another output or none, kept it since).
                summary, read = None, None
            if summary is not None:
                done += len(block.stems)
                progress(done, total)
                gathered.block_summary(summary)
                # Deferred, a contribution read to check the entries used is read again
                # when gathered: held, every block's would be held at once.
                part = Part(block, summary.contribution, summary.shape, None if deferred else read)
                parts.append(part)
                if read is not None and block.key is not None and world is not None:
                    restamped[block.key] = summary_bytes(replace(summary, world=world))
                if not deferred:
                    gather_contribution(recheck, cache, gathered, part)
                    part.contribution = None  # gathered: not held through the run
                for table, count in summary.rows.items():
                    counted[table] += count
                if shards is not None and block.key is not None and not state.issues:
                    shards.reuse(block.key)
                continue
            # A block whose entry is gone since the plan, or does not read, is checked here.
            written: BlockOutcome | None = None
            if block.kept:
                chunks: Iterator[ChunkOutcome] = check_here(context, block.stems)
            elif checked_blocks is not None:
                written = next(checked_blocks)
                chunks = iter(written.chunks)
            else:
                assert checked is not None
                chunks = checked
            builder = BlockBuilder()
            block_rows = dict.fromkeys(DOCUMENT_TABLES, 0)
            if written is not None and not state.issues:
                for table, count in written.rows.items():
                    block_rows[table] += count
                    counted[table] += count
            held: list[DocumentOutcome] = []
            checked_keys: list[tuple[str | None, tuple[Identity, Identity] | None]] = []
            for _ in in_chunks(block.stems):
                chunk = next(chunks)
                for outcome in chunk.outcomes:
                    checked_keys.append((outcome.key, outcome.identities))
                    if deferred:
                        gathered.outcome_summary(outcome)
                        held.append(outcome)
                    else:
                        gathered.outcome(outcome)
                    keep_in_block(builder, outcome)
                if not state.issues and chunk.tables:
                    for table in DOCUMENT_TABLES:
                        block_rows[table] += len(chunk.tables[table])
                        give(table, chunk.tables[table])
                done += len(chunk.outcomes)
                progress(done, total)
            planned.key_when_checked(block, checked_keys)
            made = (
                builder.entry(block_rows, world, view.used)
                if view is not None and world is not None and not state.issues
                else None
            )
            kept = block.key if made is not None else None
            if shards is not None and not state.issues:
                used = made.summary.used_digest if made is not None else None
                if written is not None:
                    assert written.written is not None, "workers stop writing once it fails"
                    shards.take_block(written.written, kept, used)
                else:
                    shards.end_block(kept, used)
            elif written is not None and no_more_rows is not None:
                # The build fails: the workers write no more, and what they wrote goes now.
                no_more_rows.set()
                if shards is not None and written.written is not None:
                    shards.drop_block(written.written)
            if kept is not None and made is not None:
                cache.put_many(
                    {
                        kept: summary_bytes(made.summary),
                        contribution_key(kept): made.contribution_bytes,
                    }
                )
            part = Part(
                block,
                made.summary.contribution if made is not None else None,
                made.summary.shape if made is not None else None,
            )
            if deferred:
                # Kept whole only where the cache does not keep it: a block without a key,
                # or one that did not fit (whose outcomes are few and have problems).
                if made is not None and kept is None:
                    part.contribution = made.contribution
                elif made is None:
                    part.outcomes = held
            parts.append(part)
    finally:
        for generator in (checked, checked_blocks):
            if generator is not None:
                generator.close()
    gathered.keys.append(planned.save())
    made_under = _made_under(world, parts, state, shapes=False)
    # The key of every registry table but the evidence.
    shaped = _made_under(world, parts, state, shapes=True)
    block_keys = [block.key for block in plan if block.key is not None]
    keys = [*gathered.keys, *block_keys, *map(contribution_key, block_keys), memo_key]
    # What the summaries hold is checked on every run: a duplicate text is a problem of its
    # own, whatever the registry tables.
    check_duplicate_texts(state, gathered.texts)
    gathered.texts.clear()  # a digest and a path per article, not needed again
    taken = (
        shards.reuse_registries(made_under)
        if deferred and shards is not None and made_under is not None and not state.issues
        else None
    )
    # Blocks of the same shapes as when the earlier tables were made: only the evidence
    # table is made again, from the evidence of each block.
    shapes_taken = (
        shards.reuse_registries(shaped, but_evidence=True)
        if deferred
        and taken is None
        and shards is not None
        and shaped is not None
        and not state.issues
        else None
    )
    patch: _EvidencePatch | None = None
    if deferred and taken is None and shapes_taken is None:
        for part in parts:
            gather_contribution(recheck, cache, gathered, part)
    elif shapes_taken is not None:
        assert shards is not None
        gather_part = functools.partial(gather_evidence, recheck, cache, gathered)
        reported = len(state.issues)
        patch = _evidence_patch(shards, parts, gathered, gather_part)
        if patch is None:
            # Every block's evidence, in order: a block checked again by the patch is
            # checked again here, and reports its problems once.
            del state.issues[reported:]
            gathered.links.stated.clear()
            for part in parts:
                gather_part(part)
    coverage, documents = gathered.coverage, gathered.documents
    cache.put_many(restamped)
    # A cache that cannot be tidied only takes room.
    with contextlib.suppress(OSError):
        cache.keep_only(keys)
    if taken is not None:
        # Every block gives what it gave when these tables were made, against the same
        # registries: the checks across documents found nothing then and find nothing now.
        for table, count in taken.items():
            counted[table] += count
        report = Report(issues=state.issues, stats=_stats(coverage, state))
        report.stats["documents"] = documents
        report.stats["tables"] = counted
        return report
    links = gathered.links
    # Made for the evidence rows (with a patch, of the quotes gathered: from its articles);
    # with the shapes of the earlier tables, it finds what it found then: nothing.
    check_registry_evidence(state)
    if shapes_taken is None:
        check_printed(
            state,
            gathered.printed,
            gathered.printed_as,
            complete=gathered.complete and not state.raw.unreadable,
        )
        # The links come with the rows, which a corpus with problems does not build.
        if not state.issues:
            check_unnamed_directives(state, links)
    report = Report(issues=state.issues, stats=_stats(coverage, state))
    if not report.valid:
        return report
    if shards is not None:
        digests = [part.digest for part in parts if part.digest is not None]
        shards.registries_made_under(
            made_under,
            shaped,
            digests if made_under is not None else None,
            with_earlier_evidence=patch is not None,
        )
    if shapes_taken is not None:
        for table, count in shapes_taken.items():
            counted[table] += count
    if patch is not None:
        counted["evidence"] += patch.kept
        assembled = evidence_batches(state, patch.positions)
    elif shapes_taken is not None:
        assembled = assemble_evidence(state, links)
    else:
        assembled = assemble_registries(state, links)
    for table, rows in assembled:
        # Evidence of articles went out with each article; these rows sort after them.
        assert table != "evidence" or all(row["table"] != "articles" for row in rows)
        give(table, rows)
    report.stats["documents"] = documents
    report.stats["tables"] = counted
    return report


@dataclass
class _EvidencePatch:
    """The registries' evidence made again for the articles of the changed blocks alone:
    their positions' rows (their quotes' come from ``check_registry_evidence``), and the
    number of earlier rows kept."""

    positions: list[PositionEvidence]
    kept: int


def _evidence_patch(
    shards: ShardSink, parts: list[Part], gathered: Gathered, gather: Callable[[Part], None]
) -> _EvidencePatch | None:
    """With blocks of the shapes the earlier registry tables were made from, gather the
    evidence of the blocks whose contribution differs from what it was then: the earlier
    evidence rows of the others stay as they are (the same quotes and positions, at the
    same places, of the same registries). None, with no position gathered, when the
    earlier contributions or rows are not at hand, or do not match."""
    earlier = shards.earlier_contributions()
    if earlier is None or len(earlier) != len(parts):
        return None
    changed = [part for part, digest in zip(parts, earlier, strict=True) if part.digest != digest]
    articles = {stem for part in changed for stem in part.block.stems}
    found = shards.earlier_evidence(articles)
    if found is None:
        return None
    rows, kept = found
    for part in changed:
        gather(part)
    positions = indexed_positions(gathered.links.stated, rows)
    gathered.links.stated.clear()
    return _EvidencePatch(positions, kept) if positions is not None else None


def _made_under(
    world: str | None, parts: list[Part], state: CheckState, *, shapes: bool
) -> str | None:
    """The key of the registry tables made from ``parts`` (with ``shapes``, of every one
    but the evidence); None when one has no contribution kept, or with problems."""
    if world is None or state.issues:
        return None
    given = [
        (part.block.stems, digest)
        for part in parts
        if (digest := part.shape if shapes else part.digest) is not None
    ]
    if len(given) != len(parts):
        return None
    return registries_key(world, given, shapes=shapes)


def _afresh(cache: DocumentCache, blocks: list[Block]) -> int:
    """How many documents of ``blocks`` have no result in the cache, or no key (a hint)."""
    keys = [key for block in blocks for key in block.document_keys]
    present = cache.present(key for key in keys if key is not None)
    return sum(key is None or key not in present for key in keys)


def _still_used(
    view: RegistryView | None, cache: DocumentCache, block: Block, summary: BlockSummary
) -> BlockContribution | None:
    """The contribution of a block checked under other registries, when the entries its
    documents use are what they were (read from the cache to name them); None otherwise."""
    contribution = kept_contribution(cache, block, summary.contribution)
    if view is None or contribution is None:
        return None
    return contribution if view.used(contribution.used) == summary.used_digest else None


def _stats(coverage: CountsTable, state: CheckState) -> dict[str, Any]:
    return {
        "coverage": coverage,
        "proposals": dict(sorted(state.proposals.items())),
    }
