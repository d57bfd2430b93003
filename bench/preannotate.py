"""Leave-one-out evaluation of the pre-annotator behind ``dnnd add``.

For each annotated article: rebuild the knowledge without what only that article introduces
(entities no other article mentions, names no other text prints, places no other article
annotates), draft the article from its text alone, and score the draft against the final
annotation: precision and recall per mention label (exact span and label), exact match of
directive codes, exact match of meeting dates (date and precision).

Beside it, the articles of the development set (``bench/devset/dev``), or with ``--split
test`` those of the test set, drafted with the knowledge of ``raw/`` alone and scored against
their gold, strictly and leniently, per label and per fact (``bench/scoring.py``).

    python bench/preannotate.py [--raw raw] [--split dev|test] [--json] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, cast

# Run as a script, the checkout's root (which holds the bench package) is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import BaseModel

from bench import devset, scoring
from dnnd_dataset import directive_codes
from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.drafting import drafter_model
from dnnd_dataset.drafting.candidates import ALL, Sources
from dnnd_dataset.drafting.draft import draft_annotation
from dnnd_dataset.drafting.knowledge import Knowledge, knowledge_of
from dnnd_dataset.drafting.known_names import NameIndex
from dnnd_dataset.drafting.sequence_model import Model, train
from dnnd_dataset.drafting.spans import draft_hits
from dnnd_dataset.reading.raw_loading import load_documents, load_registries
from dnnd_dataset.reading.raw_models import DirectiveEntry, DocumentAnnotation, MeetingEntry
from dnnd_dataset.records import Mention, Person
from dnnd_dataset.textnorm import at_word_boundaries, normalize

LABELS = ("PERSON", "ORGANIZATION", "DIRECTIVE", "MEETING", "LOCATION")
TARGETS = {"PERSON": (0.95, 0.90), "ORGANIZATION": (0.95, 0.90), "DIRECTIVE": (0.95, 0.90)}


def _printed(texts: dict[str, str], name: str, article_ids: set[str]) -> bool:
    needle = normalize(name)
    for article_id in article_ids:
        text = texts[article_id]
        position = text.find(needle)
        while position != -1:
            if at_word_boundaries(text, position, position + len(needle)):
                return True
            position = text.find(needle, position + 1)
    return False


def _without(
    held_out: str,
    registries: dict[str, list[BaseModel]],
    documents: list[DocumentAnnotation],
    texts: dict[str, str],
    mentioned_in: dict[str, set[str]],
) -> tuple[Knowledge, NameIndex]:
    others = set(texts) - {held_out}

    def introduced(name: str) -> bool:
        return _printed(texts, name, {held_out}) and not _printed(texts, name, others)

    kept: dict[str, list[BaseModel]] = {}
    for registry, entries in registries.items():
        kept[registry] = []
        for entry in entries:
            entity_id = entry.id  # type: ignore[attr-defined]
            if mentioned_in.get(entity_id) == {held_out}:
                continue
            update: dict[str, Any] = {}
            if hasattr(entry, "other_names"):
                update["other_names"] = [n for n in entry.other_names if not introduced(n)]
            kept[registry].append(entry.model_copy(update=update))
    knowledge = knowledge_of(kept, [d for d in documents if d.article_id != held_out])
    # A kept entry's own name counts as known unless only the held-out text prints it.
    names = NameIndex(
        [n for n in knowledge.name_list() if not introduced(n.text)], knowledge.waived
    )
    return knowledge, names


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _fold_models(raw: Path, sources: Sources) -> dict[str, Model | None]:
    """For each article of ``raw``, the sequence model trained on the others (none when the
    sources leave the model out)."""
    if not sources.model:
        return defaultdict(lambda: None)
    examples = drafter_model.training_examples(raw, sources)
    return defaultdict(
        lambda: None,
        {
            held_out: Model(train([e for key, e in examples.items() if key != held_out]))
            for held_out in examples
        },
    )


def evaluate(raw: Path, using: Sources = ALL) -> dict[str, Any]:
    result = compile_corpus(raw)
    if not result.report.valid:
        raise SystemExit(f"{raw} does not validate:\n{result.report.format()}")
    issues: list[Any] = []
    registries = {
        name: [e.model for e in entries] for name, entries in load_registries(raw, issues).items()
    }
    located, sources, _ = load_documents(raw, issues)
    documents = [d.model for d in located]
    texts = {key: normalize(source.text) for key, source in sources.items()}
    gold: dict[str, list[Mention]] = defaultdict(list)
    mentioned_in: dict[str, set[str]] = defaultdict(set)
    # A person named by a title alone ("Thường trực Ban Bí thư" for its holder) is no name a
    # draft can look up: the title is shared by every holder, so the reviewer links it.
    titles = {
        (person.person_id, position.title)
        for person in cast(list[Person], result.tables["persons"])
        for position in person.positions
    }
    for row in result.tables["mentions"]:
        assert isinstance(row, Mention)
        if (row.entity_id, row.text) in titles:
            continue
        gold[row.article_id].append(row)
        if row.entity_id:
            mentioned_in[row.entity_id].add(row.article_id)
    directives = {d.id: d for d in registries["directives"] if isinstance(d, DirectiveEntry)}
    meetings = [m for m in registries["meetings"] if isinstance(m, MeetingEntry)]
    counts: dict[str, Counter[str]] = {label: Counter() for label in LABELS}
    codes = Counter[str]()
    code_misses: list[str] = []
    dates = Counter[str]()
    date_misses: list[str] = []
    per_article: dict[str, dict[str, int]] = {}
    errors: list[str] = []
    positions = Counter[str]()
    models = _fold_models(raw, using)
    for article_id in sorted(texts):
        knowledge, names = _without(article_id, registries, documents, texts, mentioned_in)
        text = sources[article_id].text
        draft = draft_annotation(
            text,
            knowledge,
            article_id=article_id,
            source_file=f"{article_id}.txt",
            names=names,
            sources=using,
            model=models[article_id],
        ).annotation
        hits = draft_hits(draft, text, knowledge)
        drafted = {(h.start, h.end, h.label) for h in hits}
        wanted = {(m.start, m.end, m.label) for m in gold[article_id]}
        for label in LABELS:
            d = {x for x in drafted if x[2] == label}
            w = {x for x in wanted if x[2] == label}
            counts[label]["tp"] += len(d & w)
            counts[label]["fp"] += len(d - w)
            counts[label]["fn"] += len(w - d)
        for start, end, label in sorted(drafted ^ wanted):
            side = "extra" if (start, end, label) in drafted else "missed"
            errors.append(f"{article_id}: {side} {label} {texts[article_id][start:end]!r}")
        per_article[article_id] = {
            "drafted": len(drafted),
            "annotated": len(wanted),
            "matched": len(drafted & wanted),
        }
        # Positions: person, title and body, as the final annotation states them.
        annotated = {
            (p.person, p.title, p.organization)
            for d in documents
            if d.article_id == article_id
            for p in d.positions
        }
        proposed_positions = {(p.person, p.title, p.organization) for p in draft.positions}
        positions["annotated"] += len(annotated)
        positions["drafted"] += len(proposed_positions)
        positions["matched"] += len(annotated & proposed_positions)
        # Directive codes: the code the draft gives each annotated span that carries one.
        proposal_codes = {
            (p.quote, p.occurrence): p.value for p in draft.proposals if p.kind == "directive"
        }
        for mention in gold[article_id]:
            entity = directives.get(mention.entity_id or "")
            # A derived code ("Kết luận 73" is 73-KL/TW) is printed nowhere to be drafted from.
            if mention.label != "DIRECTIVE" or entity is None or entity.code is None:
                continue
            if entity.code_derived:
                continue
            codes["total"] += 1
            drafted_code = _drafted_code(hits, mention, knowledge, texts[article_id])
            drafted_code = drafted_code or proposal_codes.get((mention.text, None))
            if drafted_code == entity.code:
                codes["exact"] += 1
            else:
                code_misses.append(f"{article_id}: {mention.text!r} -> {drafted_code}")
        # Meeting dates: each dated meeting this article grounds the date of.
        for meeting in meetings:
            grounded = any(
                e.article == article_id and "date" in e.supports for e in meeting.evidence
            )
            if meeting.date is None or not grounded:
                continue
            dates["total"] += 1
            spans = {
                (m.start, m.end)
                for m in gold[article_id]
                if m.entity_id == meeting.id and m.label == "MEETING"
            }
            proposed = [
                p
                for p in draft.proposals
                if p.kind == "meeting" and _span_of(p, texts[article_id]) in spans
            ]
            entry = (proposed[0].entry or {}) if proposed else {}
            got = (entry.get("date"), entry.get("date_precision")) if proposed else None
            if got == (meeting.date and meeting.date.isoformat(), meeting.date_precision):
                dates["exact"] += 1
            else:
                date_misses.append(f"{article_id}: {meeting.id} -> {got}")
    every_code = Counter[str]()
    for article_id in texts:
        for mention in gold[article_id]:
            entity = directives.get(mention.entity_id or "")
            if entity is None or entity.code is None or entity.code_derived:
                continue
            every_code["total"] += 1
            if directive_codes.canonical_code(mention.text) == entity.code:
                every_code["exact"] += 1
    table = {
        label: {
            **dict(counts[label]),
            "precision": _ratio(counts[label]["tp"], counts[label]["tp"] + counts[label]["fp"]),
            "recall": _ratio(counts[label]["tp"], counts[label]["tp"] + counts[label]["fn"]),
        }
        for label in LABELS
    }
    return {
        "labels": table,
        "directive_codes": {**dict(codes), "misses": code_misses},
        "directive_codes_in_texts": dict(every_code),
        "meeting_dates": {**dict(dates), "misses": date_misses},
        "positions": dict(positions),
        "articles": per_article,
        "span_errors": errors,
        "targets_met": all(
            (table[label]["precision"] or 0) >= p and (table[label]["recall"] or 0) >= r
            for label, (p, r) in TARGETS.items()
        )
        and codes["exact"] == codes["total"],
    }


def _drafted_code(hits: list[Any], mention: Mention, knowledge: Knowledge, text: str) -> str | None:
    for hit in hits:
        if (hit.start, hit.end, hit.label) == (mention.start, mention.end, "DIRECTIVE"):
            for directive in knowledge.directives:
                if directive.id == hit.entity:
                    return directive.code
            return directive_codes.canonical_code(text[hit.start : hit.end])
    return None


def _span_of(proposal: Any, text: str) -> tuple[int, int] | None:
    from dnnd_dataset.reading.anchoring import Span, resolve

    found = resolve(text, proposal)
    return (found.start, found.end) if isinstance(found, Span) else None


def markdown(results: dict[str, Any]) -> str:
    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{100 * value:.1f}%"

    lines = [
        "| label | annotated | drafted | matched | precision | recall | target (P / R) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, row in results["labels"].items():
        tp, fp, fn = row.get("tp", 0), row.get("fp", 0), row.get("fn", 0)
        target = TARGETS.get(label)
        goal = f"≥ {target[0]:.0%} / ≥ {target[1]:.0%}" if target else "none"
        lines.append(
            f"| {label} | {tp + fn} | {tp + fp} | {tp} | {pct(row['precision'])} "
            f"| {pct(row['recall'])} | {goal} |"
        )
    codes, dates = results["directive_codes"], results["meeting_dates"]
    every = results["directive_codes_in_texts"]
    lines += [
        "",
        f"Directive codes of the drafted spans: {codes.get('exact', 0)} of "
        f"{codes.get('total', 0)} exact; every code written in the corpus "
        f"({every.get('total', 0)}): {every.get('exact', 0)} normalized to the registry's code.",
        f"Meeting dates (date and precision): {dates.get('exact', 0)} of "
        f"{dates.get('total', 0)} exact.",
        f"Positions (person, title, body): {results['positions'].get('matched', 0)} of "
        f"{results['positions'].get('annotated', 0)} annotated drafted exactly, "
        f"{results['positions'].get('drafted', 0)} drafted (a new person's go into the note "
        "of its proposal).",
    ]
    return "\n".join(lines)


def _draft_facts(
    article_id: str,
    text: str,
    knowledge: Knowledge,
    directives: dict[str, BaseModel],
    sources: Sources = ALL,
    model: Model | None = None,
) -> scoring.Facts:
    """The draft of ``text`` from ``knowledge``, in the shape of :func:`scoring.facts_of`."""
    draft = draft_annotation(
        text,
        knowledge,
        article_id=article_id,
        source_file=f"{article_id}.txt",
        sources=sources,
        model=model,
    ).annotation
    normalized = normalize(text)
    proposed: dict[tuple[int, int], str] = {}
    for proposal in draft.proposals:
        if proposal.entry and isinstance(proposal.entry.get("id"), str):
            for span in scoring.anchor_spans(normalized, proposal, proposal.all):
                proposed.setdefault(span, proposal.entry["id"])
    spans = [
        (hit.start, hit.end, hit.label, hit.entity or proposed.get((hit.start, hit.end)))
        for hit in draft_hits(draft, text, knowledge)
    ]
    entries = {
        (p.kind, str(p.entry["id"])): p.entry
        for p in draft.proposals
        if p.entry and isinstance(p.entry.get("id"), str)
    }
    meetings = {key: entry for (kind, key), entry in entries.items() if kind == "meeting"}
    drafted_directives: dict[str, Any] = {
        **directives,
        **{key: entry for (kind, key), entry in entries.items() if kind == "directive"},
    }
    # A page date or outlet drafted as a proposal is the draft's value of that field.
    update: dict[str, Any] = {}
    for proposal in draft.proposals:
        if proposal.kind == "page_date" and draft.page_date is None and proposal.date:
            update["page_date"] = {"value": proposal.date, "evidence": {"quote": proposal.quote}}
        if proposal.kind == "outlet" and draft.outlet is None:
            update["outlet"] = {"name": proposal.value, "evidence": {"quote": proposal.quote}}
    if update:
        draft = DocumentAnnotation.model_validate(
            {**draft.model_dump(exclude_defaults=True), **update}, strict=False
        )
    return scoring.facts_of(article_id, text, draft, spans, meetings, drafted_directives)


def evaluate_split(split: str, raw: Path, sources: Sources = ALL) -> dict[str, Any]:
    """Draft each article of ``split`` with the knowledge of ``raw`` alone (and its model,
    trained on ``raw`` alone); score it against its gold, strictly and leniently, per label
    and per fact."""
    examples = drafter_model.training_examples(raw, sources) if sources.model else {}
    model = Model(train(list(examples.values()))) if examples else None
    issues: list[Any] = []
    registries = {
        name: [e.model for e in entries] for name, entries in load_registries(raw, issues).items()
    }
    located, _, _ = load_documents(raw, issues)
    knowledge = knowledge_of(registries, [d.model for d in located])
    directives: dict[str, BaseModel] = {
        d.id: d for d in registries["directives"] if isinstance(d, DirectiveEntry)
    }
    gold_set = devset.load_gold(split, raw)
    ids = gold_set.article_ids
    tallies = {mode: scoring.Tally() for mode in scoring.MODES}
    errors: list[str] = []
    rows: dict[str, list[Mention]] = defaultdict(list)
    for row in gold_set.result.tables["mentions"]:
        assert isinstance(row, Mention)
        if row.article_id in ids:
            rows[row.article_id].append(row)
    for article_id in ids:
        text = gold_set.texts[article_id]
        gold = scoring.facts_of(
            article_id,
            text,
            gold_set.documents[article_id],
            [(m.start, m.end, m.label, m.entity_id) for m in rows[article_id]],
            gold_set.registries["meetings"],
            gold_set.registries["directives"],
        )
        drafted = _draft_facts(article_id, text, knowledge, directives, sources, model)
        for mode in scoring.MODES:
            scoring.score(gold, drafted, mode == "lenient", tallies[mode])
        normalized = normalize(text)
        for start, end, label in sorted(gold.spans ^ drafted.spans):
            side = "extra" if (start, end, label) in drafted.spans else "missed"
            errors.append(f"{article_id}: {side} {label} {normalized[start:end]!r}")
    return {
        "split": split,
        "articles": ids,
        **{
            mode: {
                "labels": tallies[mode].table((*scoring.LABELS, "all")),
                "facts": tallies[mode].table(scoring.FACTS),
            }
            for mode in scoring.MODES
        },
        "span_errors": errors,
    }


def split_markdown(results: dict[str, Any]) -> str:
    """The tables of :func:`evaluate_split`: labels, then facts, strict and lenient."""

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{100 * value:.1f}%"

    strict, lenient = results["strict"], results["lenient"]
    lines = [
        f"{results['split']} set, {len(results['articles'])} articles: "
        "strict (same span and label) and lenient (overlapping span, same label).",
    ]
    for heading, key in (("label", "labels"), ("fact", "facts")):
        lines += [
            "",
            f"| {heading} | gold | drafted | strict P | strict R | lenient P | lenient R |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, row in strict[key].items():
            other = lenient[key][name]
            lines.append(
                f"| {name} | {row['gold']} | {row['drafted']} | {pct(row['precision'])} "
                f"| {pct(row['recall'])} | {pct(other['precision'])} | {pct(other['recall'])} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=Path("raw"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list every extra or missed span")
    parser.add_argument(
        "--split",
        choices=devset.SPLITS,
        default="dev",
        help="the set of unseen articles reported beside leave-one-out (default: dev; the "
        "test set is reported once, never tuned on)",
    )
    args = parser.parse_args(argv)
    results = evaluate(args.raw)
    results[args.split] = evaluate_split(args.split, args.raw)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True, default=str))
    else:
        print("Leave-one-out over raw/:\n")
        print(markdown(results))
        for miss in results["directive_codes"]["misses"] + results["meeting_dates"]["misses"]:
            print(f"miss: {miss}")
        if args.errors:
            print("\n".join(results["span_errors"]))
        print()
        print(split_markdown(results[args.split]))
        if args.errors:
            print("\n".join(results[args.split]["span_errors"]))
    return 0 if results["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
