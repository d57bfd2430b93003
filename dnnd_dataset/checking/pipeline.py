"""From ``raw/`` to validated published records, with every problem in one report.

The steps: read the registries and check them; check each document on its own (in worker
processes with ``jobs`` > 1, through the document cache when one is given); check the
registries' evidence against the texts; assemble the records. Documents are taken in the
order of their ids and their results merged in that order, so neither the number of jobs
nor the cache shows in the output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick
from pydantic import BaseModel

from dnnd_dataset.checking.assembly import assemble
from dnnd_dataset.checking.compiler import (
    check_coverage,
    check_document,
    check_page_date,
    check_printed,
    check_registries,
    check_registry_evidence,
    name_automaton,
    no_raw_folder,
    used_ids,
)
from dnnd_dataset.checking.document_cache import DocumentCache, document_key
from dnnd_dataset.checking.state import CheckState, ResolvedSpans
from dnnd_dataset.errors import Issue, Report
from dnnd_dataset.reading.anchoring import AnchorKey, Span
from dnnd_dataset.reading.raw_loading import (
    Located,
    RawCorpus,
    SourceText,
    document_stems,
    load_document,
    load_registries,
)
from dnnd_dataset.reading.raw_models import DocumentAnnotation
from dnnd_dataset.reading.rawio import LoadedYaml
from dnnd_dataset.records import Record
from dnnd_dataset.textnorm import normalize

_NO_LINES = LoadedYaml(None, {})
# Documents handed to a worker at a time: large enough to amortize the hand-over.
CHUNK = 16


@dataclass
class CompileResult:
    """The records of every table (empty when the report is not valid) and the report."""

    tables: dict[str, list[Record]]
    report: Report


@dataclass
class DocumentResult:
    """What checking one document gives, apart from coverage and the page date."""

    stem: str
    source: SourceText | None
    document: Located[DocumentAnnotation] | None
    unreadable: bool
    issues: list[Issue]
    resolved: ResolvedSpans | None
    spans: dict[tuple[str, AnchorKey], Span]
    used: list[str]
    used_digest: str
    # Items still marked as proposals, per annotation file.
    proposals: dict[str, int] = field(default_factory=dict)
    # Checked afresh on every run, never cached:
    fresh_issues: list[Issue] = field(default_factory=list)
    coverage: dict[str, int] | None = None


@dataclass(frozen=True)
class _Context:
    """What a worker needs to check any document: registries, names, build date, cache."""

    raw: Path
    today: dt.date
    entities: dict[str, tuple[str, Located[BaseModel]]]
    automaton: ahocorasick.Automaton
    cache: Path | None
    # id -> registry of entries that did not load: references to them are no new error.
    rejected: dict[str, str] = field(default_factory=dict)


def compile_corpus(
    raw: Path, today: dt.date | None = None, *, jobs: int = 1, cache: Path | None = None
) -> CompileResult:
    """Validate ``raw`` and build the published records; never raises on bad input.

    ``jobs`` worker processes check the documents; ``cache`` is a folder of per-document
    results reused while their inputs are unchanged. Neither changes the result.
    """
    raw = Path(raw)
    if not raw.is_dir():
        return CompileResult({}, Report(issues=[no_raw_folder(raw)]))
    issues: list[Issue] = []
    rejected: dict[str, str] = {}
    registries = load_registries(raw, issues, rejected)
    stems = document_stems(raw, issues)
    state = CheckState(
        RawCorpus(registries, [], {}, set(), rejected), today or dt.date.today(), issues
    )
    check_registries(state)
    context = _Context(
        raw, state.today, _slim(state.entities), name_automaton(state), cache, rejected
    )
    coverage: dict[str, dict[str, int]] = {}
    keys: list[str | None] = []
    for result, key in _check_documents(context, stems, jobs):
        keys.append(key)
        _merge(state, result)
        if result.coverage is not None:
            coverage[result.stem] = result.coverage
    DocumentCache(cache).keep_only(keys)
    check_registry_evidence(state)
    check_printed(state)
    stats = {"coverage": coverage, "proposals": dict(sorted(state.proposals.items()))}
    report = Report(issues=state.issues, stats=stats)
    if not report.valid:
        return CompileResult({}, report)
    tables = assemble(state)
    report.stats["tables"] = {name: len(rows) for name, rows in tables.items()}
    return CompileResult(tables, report)


def _slim(
    entities: dict[str, tuple[str, Located[BaseModel]]],
) -> dict[str, tuple[str, Located[BaseModel]]]:
    # A worker reads only the models: leave the registry files' line tables behind.
    return {
        entity_id: (registry, Located(entry.model, entry.shown, _NO_LINES, entry.loc))
        for entity_id, (registry, entry) in entities.items()
    }


def _merge(state: CheckState, result: DocumentResult) -> None:
    state.issues += result.issues + result.fresh_issues
    if result.source is not None:
        state.raw.texts[result.stem] = result.source
        state.normalized[result.stem] = normalize(result.source.text)
    if result.unreadable:
        state.raw.unreadable.add(result.stem)
    if result.document is not None:
        # Every issue of the document is made: its table of YAML lines is not needed again.
        document = result.document
        state.raw.documents.append(Located(document.model, document.shown, _NO_LINES, document.loc))
    if result.resolved is not None:
        state.resolved[result.stem] = result.resolved
    state.spans.update(result.spans)
    state.proposals.update(result.proposals)


def _check_documents(
    context: _Context, stems: list[str], jobs: int
) -> Iterator[tuple[DocumentResult, str | None]]:
    if jobs <= 1 or len(stems) <= CHUNK:
        _start_worker(context)
        yield from map(_check_one, stems)
        return
    # 'spawn': a forked child would inherit the threads of pyarrow and of the caller.
    pool = multiprocessing.get_context("spawn").Pool(
        jobs, initializer=_start_worker, initargs=(context,)
    )
    try:
        yield from pool.imap(_check_one, stems, chunksize=CHUNK)
    finally:
        pool.terminate()
        pool.join()


_context: _Context | None = None


def _start_worker(context: _Context) -> None:
    global _context
    _context = context


def _check_one(stem: str) -> tuple[DocumentResult, str | None]:
    context = _context
    assert context is not None, "the worker was started without its context"
    cache = DocumentCache(context.cache)
    key = document_key(context.raw / "documents", stem) if context.cache else None
    result = cache.get(key) if key else None
    if not (
        isinstance(result, DocumentResult)
        and result.used_digest == _used_digest(context, result.used)
    ):
        result = _check_afresh(context, stem)
        if key:
            cache.put(key, result)
    state = _document_state(context, result)
    if result.document is not None:
        check_page_date(state, result.document)
    if result.resolved is not None:
        result.coverage = check_coverage(state, context.automaton, stem)
    result.fresh_issues = state.issues
    return result, key


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


def _check_afresh(context: _Context, stem: str) -> DocumentResult:
    issues: list[Issue] = []
    loaded = load_document(context.raw, stem, issues)
    result = DocumentResult(
        stem, loaded.source, loaded.document, loaded.unreadable, issues, None, {}, [], ""
    )
    state = _document_state(context, result)
    state.issues = issues
    if loaded.document is not None and loaded.source is not None:
        check_document(state, loaded.document)
        result.resolved = state.resolved.get(stem)
        result.spans = state.spans
        result.proposals = state.proposals
    if loaded.document is not None:
        result.used = used_ids(loaded.document.model)
    result.used_digest = _used_digest(context, result.used)
    return result


def _used_digest(context: _Context, used: list[str]) -> str:
    digest = hashlib.sha256()
    for entity_id in used:
        found: Any = context.entities.get(entity_id)
        described = f"{found[0]}:{found[1].model.model_dump_json()}" if found else "-"
        if entity_id in context.rejected:  # a reference to it is excused, not dangling
            described = f"rejected:{context.rejected[entity_id]}"
        digest.update(f"{entity_id}\0{described}\0".encode())
    return digest.hexdigest()
