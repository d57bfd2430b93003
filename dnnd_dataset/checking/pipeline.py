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
import gc
import hashlib
import json
import multiprocessing
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ahocorasick

from dnnd_dataset.checking.assembly import assemble_registries
from dnnd_dataset.checking.block_entry import (
    BlockBuilder,
    BlockContribution,
    BlockSummary,
    contribution_key,
    registries_key,
    summary_bytes,
)
from dnnd_dataset.checking.block_plan import (
    Block,
    Part,
    gather_contribution,
    kept_contribution,
    kept_summary,
    plan_blocks,
)
from dnnd_dataset.checking.cache_entry import DocumentResult, from_entry, to_entry
from dnnd_dataset.checking.compiler import (
    check_document,
    check_duplicate_texts,
    check_page_date,
    check_registries,
    raw_folder_problem,
    used_ids,
)
from dnnd_dataset.checking.counts_table import CountsTable
from dnnd_dataset.checking.coverage import (
    check_coverage,
    name_automaton,
    name_owners,
)
from dnnd_dataset.checking.document_cache import DocumentCache, document_key, usable_cache
from dnnd_dataset.checking.document_rows import (
    Row,
    StatedPosition,
    article_row,
    boilerplate_offsets,
    contribution,
    document_counts,
    document_ner_layer,
    evidence_rows,
    mention_rows,
    stated_positions,
)
from dnnd_dataset.checking.gathering import DocumentOutcome, Gathered, keep_in_block
from dnnd_dataset.checking.inferences import check_document_inferences, check_unnamed_directives
from dnnd_dataset.checking.ner_table import NerLayer
from dnnd_dataset.checking.printed_names import (
    check_positions_printed,
    check_printed,
    find_printed,
    printed_automaton,
    printed_values,
)
from dnnd_dataset.checking.registry_evidence import (
    check_registry_evidence,
    registry_quotes,
    resolve_quotes,
)
from dnnd_dataset.checking.registry_files import keep, recall
from dnnd_dataset.checking.registry_view import RegistryView
from dnnd_dataset.checking.shard_blocks import ARTICLE_TABLES
from dnnd_dataset.checking.sinks import Prepare, RowSink, ShardSink
from dnnd_dataset.checking.state import CheckState, Entity
from dnnd_dataset.errors import Issue, Report
from dnnd_dataset.file_tree import Identity
from dnnd_dataset.pandas_free import spare_pandas
from dnnd_dataset.reading.anchoring import Quote, Span
from dnnd_dataset.reading.raw_loading import (
    LABEL_OF_REGISTRY,
    DocumentFiles,
    RawCorpus,
    document_stems,
    documents_folder_inside,
    load_document,
    load_registries,
    read_document_files,
)
from dnnd_dataset.reading.raw_models import DocumentAnnotation, PersonEntry
from dnnd_dataset.records import TABLES, Record
from dnnd_dataset.textnorm import normalize

# Documents handed to a worker at a time: large enough to amortize the hand-over.
CHUNK = 16
# Allocations between two collections of the youngest generation (CPython's default: 700).
GC_THRESHOLD = 50_000
DOCUMENT_TABLES = ARTICLE_TABLES


Progress = Callable[[int, int], None]


@dataclass
class CompileResult:
    """The records of every table (empty when the report is not valid) and the report."""

    tables: dict[str, list[Record]]
    report: Report


@dataclass
class ChunkOutcome:
    """A run of consecutive documents: each one's outcome, and their rows prepared together.

    ``tables`` holds the rows of the documents without issues, in document order, per table
    (prepared by the sink's ``prepare`` when it has one): fewer, larger hand-overs.
    """

    outcomes: list[DocumentOutcome]
    tables: dict[str, Any]


@dataclass(frozen=True)
class _Context:
    """What a worker needs to check any document: registries, names, build date, cache."""

    raw: Path
    today: dt.date
    entities: dict[str, Entity]
    automaton: ahocorasick.Automaton
    cache: Path | None
    # id -> registry of entries that did not load: references to them are no new error.
    rejected: dict[str, str]
    # article id -> (entity, anchor) of the registry quotes from that article.
    quotes: dict[str, list[tuple[str, Quote]]]
    printed_verbatim: ahocorasick.Automaton
    printed_normalized: ahocorasick.Automaton
    label_of: dict[str, str]
    person_names: dict[str, str]
    # False when the registries have problems: no rows are built, the build fails anyway.
    rows_wanted: bool
    prepare: Prepare | None


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
    with _fewer_collections(), DocumentCache(usable_cache(cache)) as kept:
        return _check_corpus(raw, today, jobs, kept, sink, progress or _quiet, snapshot)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run with the cyclic garbage collector at rest between large batches of allocations.

    Checking a thousand documents makes millions of short-lived lists and tuples and no
    cycles among them; at the default thresholds the collector scans the long-lived
    registries and rows over and over, a third of the time. The caller's settings return.
    """
    threshold = gc.get_threshold()
    _rest_collector()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _rest_collector() -> None:
    gc.set_threshold(GC_THRESHOLD, 20, 20)


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
    context = _Context(
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
    check_here = functools.partial(_outcomes_here, context)
    plan, world = plan_blocks(
        context.raw,
        context.today,
        context.rows_wanted,
        stems,
        cache,
        sink,
        gathered.keys,
        snapshot,
        registry_files,
        view,
    )
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
    to_check = [chunk for block in plan if not block.kept for chunk in _chunks(block.stems)]
    checked = _check_documents(context, to_check, jobs)
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
                part = Part(block, summary.contribution, None if deferred else read)
                parts.append(part)
                if read is not None and block.key is not None and world is not None:
                    restamped[block.key] = summary_bytes(replace(summary, world=world))
                if not deferred:
                    gather_contribution(check_here, cache, gathered, part)
                    part.contribution = None  # gathered: not held through the run
                for table, count in summary.rows.items():
                    counted[table] += count
                if shards is not None and block.key is not None and not state.issues:
                    shards.reuse(block.key)
                continue
            # A block whose entry is gone since the plan, or does not read, is checked here.
            chunks = _check_here(context, block.stems) if block.kept else checked
            builder = BlockBuilder()
            block_rows = dict.fromkeys(DOCUMENT_TABLES, 0)
            held: list[DocumentOutcome] = []
            for _ in _chunks(block.stems):
                chunk = next(chunks)
                for outcome in chunk.outcomes:
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
            made = (
                builder.entry(block_rows, world, view.used)
                if view is not None and world is not None and not state.issues
                else None
            )
            kept = block.key if made is not None else None
            if shards is not None and not state.issues:
                shards.end_block(kept, made.summary.used_digest if made is not None else None)
            if kept is not None and made is not None:
                cache.put_many(
                    {
                        kept: summary_bytes(made.summary),
                        contribution_key(kept): made.contribution_bytes,
                    }
                )
            part = Part(block, made.summary.contribution if made is not None else None)
            if deferred:
                # Kept whole only where the cache does not keep it: a block without a key,
                # or one that did not fit (whose outcomes are few and have problems).
                if made is not None and kept is None:
                    part.contribution = made.contribution
                elif made is None:
                    part.outcomes = held
            parts.append(part)
    finally:
        checked.close()
    given = [(part.block.stems, part.digest) for part in parts if part.digest is not None]
    made_under = (
        registries_key(world, given)
        if world is not None and len(given) == len(parts) and not state.issues
        else None
    )
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
    if deferred and taken is None:
        for part in parts:
            gather_contribution(check_here, cache, gathered, part)
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
    check_registry_evidence(state)
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
        shards.registries_made_under(made_under)
    for table, rows in assemble_registries(state, links):
        # Evidence of articles went out with each article; these rows sort after them.
        assert table != "evidence" or all(row["table"] != "articles" for row in rows)
        give(table, rows)
    report.stats["documents"] = documents
    report.stats["tables"] = counted
    return report


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


def _chunks(stems: list[str]) -> list[list[str]]:
    return [stems[start : start + CHUNK] for start in range(0, len(stems), CHUNK)]


def _check_documents(
    context: _Context, chunks: list[list[str]], jobs: int
) -> Generator[ChunkOutcome, None, None]:
    if jobs <= 1 or len(chunks) <= 1:
        _start_worker(context)
        try:
            yield from map(_check_chunk, chunks)
        finally:
            _start_worker(None)  # the registries are not kept after the run
        return
    # 'spawn': a forked child would inherit the threads of pyarrow and of the caller.
    pool = multiprocessing.get_context("spawn").Pool(
        jobs, initializer=_start_pool_worker, initargs=(context,)
    )
    try:
        yield from pool.imap(_check_chunk, chunks)
    finally:
        pool.terminate()
        pool.join()


def _check_here(context: _Context, stems: list[str]) -> Iterator[ChunkOutcome]:
    """The chunks of ``stems`` checked in this process, beside the run's own workers."""
    global _context, _cache
    saved = _context, _cache
    _context, _cache = context, DocumentCache(context.cache)
    # The digest is of the registries of one run: that of another is not reused.
    _suggested.clear()
    try:
        outcomes = [_check_chunk(chunk) for chunk in _chunks(stems)]
    finally:
        _cache.close()
        _context, _cache = saved
        _suggested.clear()
    return iter(outcomes)


def _outcomes_here(context: _Context, stems: list[str]) -> list[DocumentOutcome]:
    """The outcomes of ``stems`` checked in this process, in their order."""
    return [outcome for chunk in _check_here(context, stems) for outcome in chunk.outcomes]


_context: _Context | None = None


def _start_worker(context: _Context | None) -> None:
    global _context, _cache
    _context = context
    _suggested.clear()
    _cache.close()
    _cache = DocumentCache(context.cache if context is not None else None)


def _start_pool_worker(context: _Context) -> None:
    """Start a worker process of the run's pool, which converts no pandas data.

    Not for a run checked in the caller's process: pyarrow there would take pandas for
    absent for good, and turn a pandas categorical column into plain strings; and the
    collector's settings there are the caller's, set back after the run
    (:func:`_fewer_collections`).
    """
    _start_worker(context)
    _rest_collector()  # in a worker of ours, its settings are its own
    spare_pandas()


# The cache as this process reads and writes it during a run.
_cache = DocumentCache(None)


def _check_chunk(stems: list[str]) -> ChunkOutcome:
    context = _context
    assert context is not None, "the worker was started without its context"
    # Checked once per run of documents, not per file: a file in a folder inside raw/ lies
    # inside raw/ unless it is a link, which the reading refuses.
    inside = documents_folder_inside(context.raw)
    # Each file is read once: the bytes that give the key are the bytes checked. Files that
    # are missing, links or otherwise odd are read and reported by the loader, never cached.
    files = {stem: read_document_files(context.raw, stem) if inside else None for stem in stems}
    keys = {
        stem: document_key(str(context.raw), stem, found) if context.cache and found else None
        for stem, found in files.items()
    }
    cached = _cache.get_many(key for key in keys.values() if key)
    fresh: dict[str, bytes] = {}
    outcomes = []
    for stem in stems:
        key = keys[stem]
        entry, found = cached.pop(key, None) if key else None, files[stem]
        result = from_entry(entry, stem, found.text) if entry and found else None
        if result is not None and result.used_digest == _used_digest(
            context, result.used, result.issues
        ):
            outcome = _outcome(context, result, key)
            if outcome.issues == result.issues:
                outcomes.append(outcome)
                continue
            # A new problem is located with the annotation's line table, which the entry
            # leaves out: such a document is read and checked again.
        result = _check_afresh(context, stem, files[stem])
        if key:
            fresh[key] = to_entry(result)
        outcomes.append(_outcome(context, result, key))
    _cache.put_many(fresh)
    with_rows = [
        (outcome.rows, outcome.ner)
        for outcome in outcomes
        if outcome.rows is not None and outcome.ner is not None
    ]
    tables: dict[str, Any] = {}
    if with_rows:
        for table in DOCUMENT_TABLES:
            if table == "ner":
                layers = [layer for _, layer in with_rows]
                tables[table] = (
                    context.prepare(table, layers)
                    if context.prepare
                    else [row for layer in layers for row in layer.rows()]
                )
                continue
            rows = [row for document, _ in with_rows for row in document[table]]
            tables[table] = context.prepare(table, rows) if context.prepare else rows
    for outcome in outcomes:
        outcome.rows = outcome.ner = None  # handed over once, in the chunk's tables
    return ChunkOutcome(outcomes, tables)


def _outcome(context: _Context, result: DocumentResult, key: str | None) -> DocumentOutcome:
    """Add to a document's result what reads every registry entry or the day: never cached."""
    state = _document_state(context, result)
    outcome = DocumentOutcome(
        stem=result.stem,
        key=key,
        issues=result.issues,
        has_text=result.source is not None,
        has_document=result.document is not None,
        unreadable=result.unreadable,
        proposals=result.proposals,
        used=result.used,
        coverage=None,
        quoted={},
        printed=set(),
        printed_as={},
    )
    if result.document is not None:
        check_page_date(state, result.document)
    if result.resolved is not None:
        outcome.coverage = check_coverage(state, context.automaton, result.stem)
    cited: list[tuple[str, Span]] = []
    if result.source is not None:
        text, normalized = result.source.text, state.normalized[result.stem]
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        outcome.text_digest = (digest, result.source.shown)
        outcome.printed, outcome.printed_as = find_printed(
            context.printed_verbatim, context.printed_normalized, text, normalized
        )
        outcome.quoted, cited = resolve_quotes(
            text, normalized, result.stem, context.quotes.get(result.stem, [])
        )
    outcome.issues = [*result.issues, *state.issues]
    if outcome.issues or result.rows is None or result.document is None:
        return outcome
    if not context.rows_wanted:
        return outcome
    assert result.source is not None and outcome.coverage is not None
    ann = result.document.model
    mentions = result.rows["mentions"]
    outcome.contribution = contribution(ann, mentions, result.spans, cited, result.positions)
    article = article_row(
        ann,
        result.source.text,
        state.normalized[result.stem],
        result.spans,
        outcome.contribution.links,
        context.label_of,
        context.person_names,
    )
    outcome.rows = {"articles": [article], **result.rows}
    outcome.ner = result.ner
    outcome.counts = document_counts(article, mentions, outcome.coverage)
    return outcome


def _document_state(context: _Context, result: DocumentResult) -> CheckState:
    documents = [result.document] if result.document else []
    texts = {result.stem: result.source} if result.source else {}
    state = CheckState(RawCorpus({}, documents, texts, set(), context.rejected), context.today)
    state.entities = context.entities
    if result.source is not None:
        state.normalized[result.stem] = normalize(result.source.text)
    if result.resolved is not None:
        state.resolved[result.stem] = result.resolved
    return state


def _check_afresh(context: _Context, stem: str, files: DocumentFiles | None) -> DocumentResult:
    issues: list[Issue] = []
    loaded = load_document(context.raw, stem, issues, files)
    result = DocumentResult(
        stem, loaded.source, loaded.document, loaded.unreadable, issues, None, {}, [], ""
    )
    state = _document_state(context, result)
    state.issues = issues
    if loaded.document is not None and loaded.source is not None:
        check_document(state, loaded.document)
        check_positions_printed(state, loaded.document)
        check_document_inferences(state, loaded.document)
        result.resolved = state.resolved.get(stem)
        result.spans = state.spans
        result.proposals = state.proposals
        if not issues and result.resolved is not None:
            result.rows, result.ner, result.positions = _document_rows(state, loaded.document.model)
    if loaded.document is not None:
        result.used = used_ids(loaded.document.model)
    result.used_digest = _used_digest(context, result.used, result.issues)
    return result


def _document_rows(
    state: CheckState, ann: DocumentAnnotation
) -> tuple[dict[str, list[Row]], NerLayer, list[StatedPosition]]:
    article_id = ann.article_id
    text = state.raw.texts[article_id].text
    mentions = mention_rows(
        article_id, text, state.resolved[article_id], boilerplate_offsets(ann, state.spans)
    )
    rows = {"mentions": mentions, "evidence": evidence_rows(ann, text, state.spans)}
    layer = document_ner_layer(article_id, text, state.sentences[article_id], mentions)
    return rows, layer, stated_positions(ann, text, state.spans)


def _used_digest(context: _Context, used: list[str], issues: list[Issue]) -> str:
    """The digest of what a document's result read of the registries: the entries ``used``,
    and every id and name when ``issues`` suggest an id for one that is not there."""
    digest = hashlib.sha256()
    if any(issue.code == "dangling-reference" for issue in issues):
        digest.update(_suggested_from(context).encode())
    for entity_id in used:
        found = context.entities.get(entity_id)
        described = json.dumps(found, ensure_ascii=False) if found else "-"
        if entity_id in context.rejected:  # a reference to it is excused, not dangling
            # An entry of that id may still have loaded, from a file of another name or
            # registry: what is read of it counts as well.
            described = f"rejected:{context.rejected[entity_id]}\0{described}"
        digest.update(f"{entity_id}\0{described}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _suggested_from(context: _Context) -> str:
    """The digest of what an id is suggested from (``compiler._closest_id``): every entry's
    id, registry and names; made once per run and process, by the first document that
    needs it."""
    found = _suggested.get(_EVERY_ID)
    if found is None:
        # In the order the suggestion reads them: where two entries share a name, the first
        # one read is suggested, and a renamed file can change which one comes first.
        every = [
            (entity_id, entity.registry, entity.names)
            for entity_id, entity in context.entities.items()
        ]
        found = hashlib.sha256(json.dumps(every).encode()).hexdigest()
        _suggested[_EVERY_ID] = found
    return found


# Each entry's content as the cache compares it, described once per run and process.
# The digest of ``_suggested_from``, made once per run and process.
_suggested: dict[str, str] = {}
_EVERY_ID = "every id"
