"""The check of documents, a chunk at a time, in this process or in worker processes.

Each document is read once, looked up in the document cache by its bytes, and checked
afresh only when its cached result is missing or was made under other registry entries
than those it uses now. What reads every registry entry or the day is added to each
result on every run (:func:`_outcome`); the rows of a chunk's documents without problems
are prepared together for the sink. The workers hold a :class:`WorkerContext`: the
registries as :class:`~dnnd_dataset.checking.state.Entity` values and the automata that
find names, never the entries' models.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import ahocorasick

from dnnd_dataset.checking.cache_entry import DocumentResult, from_entry, to_entry
from dnnd_dataset.checking.collector import rest_collector
from dnnd_dataset.checking.compiler import (
    check_document,
    check_page_date,
    used_ids,
)
from dnnd_dataset.checking.coverage import check_coverage
from dnnd_dataset.checking.document_cache import DocumentCache, document_key
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
from dnnd_dataset.checking.gathering import DocumentOutcome
from dnnd_dataset.checking.inferences import check_document_inferences
from dnnd_dataset.checking.ner_table import NerLayer
from dnnd_dataset.checking.printed_names import check_positions_printed, find_printed
from dnnd_dataset.checking.registry_evidence import resolve_quotes
from dnnd_dataset.checking.shard_blocks import ARTICLE_TABLES
from dnnd_dataset.checking.sinks import Prepare, WriteBlock
from dnnd_dataset.checking.state import CheckState, Entity
from dnnd_dataset.errors import Issue
from dnnd_dataset.freed_memory import return_freed_memory
from dnnd_dataset.pandas_free import spare_pandas
from dnnd_dataset.reading.anchoring import Quote, Span
from dnnd_dataset.reading.raw_loading import (
    DocumentFiles,
    RawCorpus,
    documents_folder_inside,
    load_document,
    read_document_files,
)
from dnnd_dataset.reading.raw_models import DocumentAnnotation
from dnnd_dataset.textnorm import normalize

# Documents handed to a worker at a time: large enough to amortize the hand-over.
CHUNK = 16
# 'spawn': a forked child would inherit the threads of pyarrow and of the caller.
_SPAWN = multiprocessing.get_context("spawn")
DOCUMENT_TABLES = ARTICLE_TABLES


@dataclass
class ChunkOutcome:
    """A run of consecutive documents: each one's outcome, and their rows prepared together.

    ``tables`` holds the rows of the documents without issues, in document order, per table
    (prepared by the sink's ``prepare`` when it has one): fewer, larger hand-overs.
    """

    outcomes: list[DocumentOutcome]
    tables: dict[str, Any]


@dataclass(frozen=True)
class WorkerContext:
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
    # Set for a run whose workers write the shards of each block they check themselves.
    write_block: WriteBlock | None = None


@dataclass
class BlockOutcome:
    """A block of documents checked in a worker, which wrote its shards
    (``WorkerContext.write_block``): its chunks' outcomes (without rows), what the worker
    wrote and the rows of each table."""

    chunks: list[ChunkOutcome]
    # None once the build has failed (the rows are not written)
    written: object | None
    rows: dict[str, int]


def in_chunks(stems: list[str]) -> list[list[str]]:
    """``stems`` in runs of :data:`CHUNK`, in their order."""
    return [stems[start : start + CHUNK] for start in range(0, len(stems), CHUNK)]


def check_documents(
    context: WorkerContext, chunks: list[list[str]], jobs: int
) -> Generator[ChunkOutcome, None, None]:
    """The outcome of each of ``chunks``, in their order: checked in this process when
    ``jobs`` is 1 or there is one chunk, else by a pool of ``jobs`` worker processes,
    which ends when the generator is closed."""
    if jobs <= 1 or len(chunks) <= 1:
        _start_worker(context)
        try:
            yield from map(_check_chunk, chunks)
        finally:
            _start_worker(None)  # the registries are not kept after the run
        return
    pool = _SPAWN.Pool(jobs, initializer=_start_pool_worker, initargs=(context,))
    try:
        yield from pool.imap(_check_chunk, chunks)
    finally:
        pool.terminate()
        pool.join()


def rows_stop() -> Event:
    """What tells the workers of :func:`check_blocks` to write no more shards, once set."""
    return _SPAWN.Event()


def check_blocks(
    context: WorkerContext, blocks: list[tuple[int, list[str]]], jobs: int, stop: Event
) -> Generator[BlockOutcome, None, None]:
    """The outcome of each of ``blocks`` (its number in the run, its stems), in their order,
    checked by a pool of ``jobs`` worker processes that write each block's shards
    (``context.write_block``) until ``stop`` is set; the pool ends when the generator is
    closed."""
    pool = _SPAWN.Pool(jobs, initializer=_start_block_worker, initargs=(context, stop))
    try:
        yield from pool.imap(_check_block, blocks)
    finally:
        pool.terminate()
        pool.join()


def check_here(context: WorkerContext, stems: list[str]) -> Iterator[ChunkOutcome]:
    """The chunks of ``stems`` checked in this process, beside the run's own workers."""
    global _context, _cache
    saved = _context, _cache
    _context, _cache = context, DocumentCache(context.cache)
    # The descriptions are of the registries of one run: those of another are not reused.
    _forget()
    try:
        outcomes = [_check_chunk(chunk) for chunk in in_chunks(stems)]
    finally:
        _cache.close()
        _context, _cache = saved
        _forget()
    return iter(outcomes)


def outcomes_here(context: WorkerContext, stems: list[str]) -> list[DocumentOutcome]:
    """The outcomes of ``stems`` checked in this process, in their order."""
    return [outcome for chunk in check_here(context, stems) for outcome in chunk.outcomes]


_context: WorkerContext | None = None


def _start_worker(context: WorkerContext | None) -> None:
    global _context, _cache
    _context = context
    _forget()
    _cache.close()
    _cache = DocumentCache(context.cache if context is not None else None)


def _start_pool_worker(context: WorkerContext) -> None:
    """Start a worker process of the run's pool, which converts no pandas data and gives
    back the memory it frees (:func:`return_freed_memory`).

    Not for a run checked in the caller's process: pyarrow there would take pandas for
    absent for good, and turn a pandas categorical column into plain strings; and the
    collector's settings there are the caller's, set back after the run
    (:func:`fewer_collections`).
    """
    _start_worker(context)
    rest_collector()  # in a worker of ours, its settings are its own
    spare_pandas()
    return_freed_memory()


# The cache as this process reads and writes it during a run.
_cache = DocumentCache(None)


def _start_block_worker(context: WorkerContext, stop: Event) -> None:
    global _stop
    _start_pool_worker(context)
    _stop = stop


# Set by the run's main process once the build fails: no more shards are written.
_stop: Event | None = None


def _check_block(block: tuple[int, list[str]]) -> BlockOutcome:
    index, stems = block
    context = _context
    assert context is not None and context.write_block is not None
    # The rows of each chunk are written as they come, whatever documents give them: a
    # block with a document without rows (one with problems) fails the build, and its
    # shards are not taken.
    writer = context.write_block(index) if _stop is None or not _stop.is_set() else None
    rows = dict.fromkeys(DOCUMENT_TABLES, 0)
    chunks = []
    try:
        for stems_of_chunk in in_chunks(stems):
            chunk = _check_chunk(stems_of_chunk)
            if writer is not None:
                writer.add(chunk.tables)
            for table, given in chunk.tables.items():
                rows[table] += len(given)
            chunk.tables = {}
            chunks.append(chunk)
        written = writer.close() if writer is not None else None
    finally:
        if writer is not None:
            writer.abandon()
    return BlockOutcome(chunks, written, rows)


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
    for outcome in outcomes:
        found = files[outcome.stem]
        if outcome.key is not None and found is not None:
            outcome.identities = found.identities
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


def _outcome(context: WorkerContext, result: DocumentResult, key: str | None) -> DocumentOutcome:
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


def _document_state(context: WorkerContext, result: DocumentResult) -> CheckState:
    documents = [result.document] if result.document else []
    texts = {result.stem: result.source} if result.source else {}
    state = CheckState(RawCorpus({}, documents, texts, set(), context.rejected), context.today)
    state.entities = context.entities
    if result.source is not None:
        state.normalized[result.stem] = normalize(result.source.text)
    if result.resolved is not None:
        state.resolved[result.stem] = result.resolved
    return state


def _check_afresh(context: WorkerContext, stem: str, files: DocumentFiles | None) -> DocumentResult:
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
    layer = document_ner_layer(article_id, text, state.tokens[article_id], mentions)
    return rows, layer, stated_positions(ann, text, state.spans)


def _used_digest(context: WorkerContext, used: list[str], issues: list[Issue]) -> str:
    """The digest of what a document's result read of the registries: the entries ``used``,
    and every id and name when ``issues`` suggest an id for one that is not there."""
    digest = hashlib.sha256()
    if any(issue.code == "dangling-reference" for issue in issues):
        digest.update(_suggested_from(context).encode())
    for entity_id in used:
        described = _described.get(entity_id)
        if described is None:
            described = _described[entity_id] = _describe(context, entity_id)
        digest.update(described)
    return digest.hexdigest()


def _describe(context: WorkerContext, entity_id: str) -> bytes:
    """The SHA-256 of what a document's check reads of the entry ``entity_id``."""
    found = context.entities.get(entity_id)
    described = json.dumps(found, ensure_ascii=False) if found else "-"
    if entity_id in context.rejected:  # a reference to it is excused, not dangling
        # An entry of that id may still have loaded, from a file of another name or
        # registry: what is read of it counts as well.
        described = f"rejected:{context.rejected[entity_id]}\0{described}"
    whole = f"{entity_id}\0{described}\0".encode("utf-8", "surrogateescape")
    return hashlib.sha256(whole).digest()


def _suggested_from(context: WorkerContext) -> str:
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


def _forget() -> None:
    """Let go of what was described of the registries of a run."""
    _described.clear()
    _suggested.clear()


# Each entry as ``_used_digest`` takes it, described once per run and process: a
# document uses a few entries of thousands, and other documents use them again. A digest
# (32 bytes) rather than the description: at 50,000 articles, 2.5 MiB per worker, not 5.
_described: dict[str, bytes] = {}
# The digest of ``_suggested_from``, made once per run and process.
_suggested: dict[str, str] = {}
_EVERY_ID = "every id"
