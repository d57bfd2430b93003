"""The floor: the least work any builder must do on a raw corpus, timed the same way.

    python bench/floor.py RAW [--out DIR]

Reads every file under ``RAW``, parses the YAML with ``yaml.CSafeLoader``, validates it
with the same Pydantic models as the builder (the raw models of ``dnnd_dataset``), and
writes rows of the published tables with pyarrow, with the published schemas and Parquet
options: each article with its text, normalized text and checksum, one mention row per
mention quote at its first occurrence (at every occurrence for ``all: true``), one evidence
row per document anchor and per fact a registry quote supports, one ``ner``
row per sentence (the package's tokenizer; every tag ``O``), and one row per registry
entry. Nothing is checked: no reference, coverage, occurrence, token or evidence rule. A
builder's time divided by this time is its ratio to the floor.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from dnnd_dataset._version import __version__
from dnnd_dataset.checking.collector import GC_THRESHOLD
from dnnd_dataset.checking.ner_table import ner_rows
from dnnd_dataset.publishing.arrow_schema import arrow_schema
from dnnd_dataset.publishing.publish import PARQUET_OPTIONS
from dnnd_dataset.reading.raw_loading import REGISTRIES
from dnnd_dataset.reading.raw_models import Anchor, DocumentAnnotation
from dnnd_dataset.segmentation import sentences
from dnnd_dataset.textnorm import normalize

BATCH = 1000


class _Loader(yaml.CSafeLoader):
    """libyaml's safe loader; dates stay text, as the raw models take them."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),  # type: ignore[arg-type]
)


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def _span(text: str, anchor: Anchor) -> tuple[int, int]:
    start = max(text.find(normalize(anchor.quote)), 0)
    return start, start + len(anchor.quote)


def _every(text: str, anchor: Anchor) -> list[tuple[int, int]]:
    quote = normalize(anchor.quote)
    spans, start = [], text.find(quote)
    while start != -1:
        spans.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return spans or [(0, len(quote))]


def _quotes(registries: dict[str, list[Any]]) -> dict[str, list[tuple[str, str, str, Anchor]]]:
    """Article id -> (table, record id, field, anchor) of each registry evidence quote."""
    quotes: dict[str, list[tuple[str, str, str, Anchor]]] = {}
    for name in ("directives", "meetings"):
        for entry in registries[name]:
            for anchor in entry.evidence:
                for fact in anchor.supports or ["name"]:
                    quotes.setdefault(anchor.article, []).append((name, entry.id, fact, anchor))
            for participant in getattr(entry, "participants", []):
                for anchor in participant.evidence:
                    for fact in anchor.supports:
                        where = f"participants[person_id={participant.person}].{fact}"
                        quotes.setdefault(anchor.article, []).append(
                            ("meetings", entry.id, where, anchor)
                        )
    return quotes


def _document_rows(
    ann: DocumentAnnotation, text: str, quotes: list[tuple[str, str, str, Anchor]]
) -> dict[str, list[dict[str, Any]]]:
    normalized = normalize(text)
    article_id = ann.article_id
    title = _span(normalized, ann.title)
    ids: dict[str, list[str]] = {"person_ids": [], "organization_ids": []}
    mentions = []
    for mention in ann.mentions:
        spans = _every(normalized, mention) if mention.all else [_span(normalized, mention)]
        mentions += [
            {
                "article_id": article_id,
                "start": start,
                "end": end,
                "text": text[start:end],
                "label": mention.label or "PERSON",
                "entity_id": mention.entity,
                "in_boilerplate": False,
            }
            for start, end in spans
        ]
        if mention.entity:
            ids["person_ids"].append(mention.entity)
    evidence = []
    for field, anchor in (
        ("title", ann.title),
        *([("outlet", ann.outlet.evidence)] if ann.outlet else []),
        *([("url", ann.url)] if ann.url else []),
        *([("page_date", ann.page_date.evidence)] if ann.page_date else []),
        *(("authors", a.evidence) for a in ann.authors),
        *(("credits", c.evidence) for c in ann.credits),
        *(("positions", p.evidence) for p in ann.positions),
    ):
        start, end = _span(normalized, anchor)
        evidence.append(
            {
                "table": "articles",
                "record_id": article_id,
                "field": field,
                "article_id": article_id,
                "start": start,
                "end": end,
                "quote": text[start:end],
            }
        )
    article = {
        "article_id": article_id,
        "source_file": ann.source_file,
        "title": text[title[0] : title[1]],
        "text": text,
        "text_normalized": normalized,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "outlet": ann.outlet.name if ann.outlet else None,
        "outlet_inferred": bool(ann.outlet and ann.outlet.inferred),
        "outlet_basis": ann.outlet.basis if ann.outlet else None,
        "url": ann.url.quote if ann.url else None,
        "page_date": ann.page_date.value if ann.page_date else None,
        "authors": [a.person for a in ann.authors],
        "author_ids": [a.person for a in ann.authors],
        "credits": [
            {
                "name": c.name,
                "role": c.role,
                "person_id": c.person,
                "organization_id": c.organization,
                "inferred": c.inferred,
                "basis": c.basis,
            }
            for c in ann.credits
        ],
        "boilerplate": [
            {"start": s, "end": e, "kind": b.kind}
            for b in ann.boilerplate
            for s, e in [_span(normalized, b)]
        ],
        "person_ids": sorted(set(ids["person_ids"])),
        "organization_ids": [],
        "directive_ids": [],
        "meeting_ids": [],
        "boilerplate_person_ids": [],
        "boilerplate_organization_ids": [],
        "boilerplate_directive_ids": [],
        "boilerplate_meeting_ids": [],
        "title_inferred": ann.title.inferred,
        "title_basis": ann.title.basis,
        "author_inferred": [a.inferred for a in ann.authors],
        "author_basis": [a.basis for a in ann.authors],
    }
    for table, record_id, field, anchor in quotes:
        start, end = _span(normalized, anchor)
        evidence.append(
            {
                "table": table,
                "record_id": record_id,
                "field": field,
                "article_id": article_id,
                "start": start,
                "end": end,
                "quote": text[start:end],
            }
        )
    boilerplate = [_span(normalized, b) for b in ann.boilerplate]
    ner = ner_rows(article_id, text, sentences(text, boilerplate), [])
    return {"articles": [article], "mentions": mentions, "evidence": evidence, "ner": ner}


def _registries(raw: Path) -> dict[str, list[Any]]:
    return {
        name: [
            model.model_validate(_load(path))
            for path in sorted((raw / "registry" / name).glob("*.yaml"))
        ]
        for name, model in REGISTRIES.items()
    }


def _registry_rows(registries: dict[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [_registry_row(name, entry.model_dump()) for entry in entries]
        for name, entries in registries.items()
    }


def _registry_row(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    common: dict[str, Any] = {"article_ids": []}
    chrome: dict[str, Any] = {"boilerplate_article_ids": [], "only_in_boilerplate": False}
    completion = {
        "full_name": entry.get("full_name") or entry["name"],
        "full_name_inferred": entry.get("full_name_inferred", False),
        "full_name_basis": entry.get("full_name_basis"),
    }
    if name == "persons":
        return {
            "person_id": entry["id"],
            "name": entry["name"],
            "other_names": entry["other_names"],
            "positions": [],
            "roles": entry["roles"],
            "wikidata_id": entry["wikidata_id"],
            **common,
            **chrome,
        }
    if name == "organizations":
        return {
            "organization_id": entry["id"],
            "name": entry["name"],
            "other_names": entry["other_names"],
            "kind": entry["kind"],
            "kind_inferred": entry["kind_inferred"],
            "kind_basis": entry["kind_basis"],
            "parent_id": entry["parent"],
            "parent_inferred": entry["parent_inferred"],
            "parent_basis": entry["parent_basis"],
            "note": entry["note"],
            **common,
            **chrome,
        }
    if name == "directives":
        return {
            "directive_id": entry["id"],
            "name": entry["name"],
            **completion,
            "kind": entry["kind"],
            "number": entry["number"],
            "code": entry["code"],
            "code_derived": entry["code_derived"],
            "code_basis": entry["code_basis"],
            "issuer_id": entry["issuer"],
            "term": entry["term"],
            "term_inferred": entry["term_inferred"],
            "term_basis": entry["term_basis"],
            "issued_on": entry["issued_on"],
            "subject": entry["subject"],
            "adopted_at_meeting_id": entry["adopted_at"],
            "surface_forms": [],
            "meeting_ids": [],
            "note": entry["note"],
            **common,
            **chrome,
        }
    if name == "posts":
        return {
            "post_id": entry["id"],
            "name": entry["name"],
            "organization_id": entry["organization"],
            "titles": [],
            "person_ids": [],
        }
    return {
        "meeting_id": entry["id"],
        "name": entry["name"],
        **completion,
        "kind": entry["kind"],
        "date": entry["date"],
        "date_precision": entry["date_precision"],
        "date_inferred": entry["date_inferred"],
        "date_basis": entry["date_basis"],
        "location": entry["location"],
        "organizer_ids": entry["organizers"],
        "participants": [
            {
                "person_id": p["person"],
                "roles": p["roles"],
                "position": p["position"],
                "inferred": p["inferred"],
                "basis": p["basis"],
            }
            for p in entry["participants"]
        ],
        "participant_organization_ids": entry["participant_organizations"],
        "participant_groups": entry["participant_groups"],
        "attendance": entry["attendance"],
        "attendance_qualifier": entry["attendance_qualifier"],
        "directive_ids": entry["directives"],
        "adopted_directive_ids": [],
        **common,
        **chrome,
    }


def floor(raw: Path, out: Path) -> dict[str, int]:
    """Read, parse, validate and write ``raw`` into ``out``; the number of rows per table."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    writers = {
        name: pq.ParquetWriter(
            out / f"{name}.parquet", arrow_schema(name, __version__), **PARQUET_OPTIONS
        )
        for name in ("articles", "mentions", "evidence", "ner")
    }
    batch: dict[str, list[dict[str, Any]]] = {name: [] for name in writers}

    def flush() -> None:
        for name, rows in batch.items():
            if rows:
                writers[name].write_table(
                    pa.Table.from_pylist(rows, schema=arrow_schema(name, __version__))
                )
                counts[name] = counts.get(name, 0) + len(rows)
                rows.clear()

    registries = _registries(raw)
    quotes = _quotes(registries)
    for path in sorted((raw / "documents").glob("*.yaml")):
        ann = DocumentAnnotation.model_validate(_load(path))
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        for name, rows in _document_rows(ann, text, quotes.get(ann.article_id, [])).items():
            batch[name] += rows
        if len(batch["articles"]) >= BATCH:
            flush()
    flush()
    for writer in writers.values():
        writer.close()
    for name, rows in _registry_rows(registries).items():
        pq.write_table(
            pa.Table.from_pylist(rows, schema=arrow_schema(name, __version__)),
            out / f"{name}.parquet",
            **PARQUET_OPTIONS,
        )
        counts[name] = len(rows)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, metavar="RAW")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: temp)")
    args = parser.parse_args(argv)
    # The builder's collector setting (checking.collector.GC_THRESHOLD), so that the floor
    # is not slowed by what the builder avoids.
    gc.set_threshold(GC_THRESHOLD, 20, 20)
    with tempfile.TemporaryDirectory(prefix="dnnd-floor-") as scratch:
        started = time.perf_counter()
        counts = floor(args.raw, args.out or Path(scratch))
        elapsed = time.perf_counter() - started
    rows = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
    print(f"floor: {elapsed:.2f} s ({rows})")


if __name__ == "__main__":
    main()
