"""Scores of a drafted annotation against a gold one: spans per label and facts per kind.

Both sides are reduced to the same shape, :class:`Facts`: the labelled spans of the text,
the spans of each entity, and fact tuples (a meeting's date, a participant's role, a
position, ...). An entity is named in a fact by :class:`Ref`; a drafted entity is taken for
the gold entity whose spans it shares (same span when strict, overlapping when lenient), so
that a new person or meeting proposed under any id is compared with its gold entry.

- strict: a drafted span counts when its start, end and label equal a gold span; a fact when
  its values are equal;
- lenient: a drafted span counts when it overlaps a gold span of its label; a fact when its
  entities align by overlap and its texts hold one another (places, titles, names), its
  dates agree on every digit both print.

Precision is matched drafted items over drafted items, recall matched gold items over gold
items; each item is matched at most once.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import BaseModel

from dnnd_dataset.reading.anchoring import Span, resolve, resolve_all
from dnnd_dataset.reading.raw_models import Anchor, DocumentAnnotation
from dnnd_dataset.textnorm import normalize

LABELS = ("PERSON", "ORGANIZATION", "DIRECTIVE", "MEETING", "LOCATION")
FACTS = (
    "meeting_dates",
    "meeting_places",
    "organizers",
    "participants",
    "roles",
    "attendance",
    "positions",
    "authors",
    "credits",
    "titles",
    "directive_codes",
    "directive_issuers",
    "outlet",
    "page_date",
)
MODES = ("strict", "lenient")

SpanKey = tuple[int, int]
LabelledSpan = tuple[int, int, str]


class Ref(NamedTuple):
    """An entity named in a fact, by its id on its own side."""

    id: str


@dataclass
class Facts:
    """What one annotation of one text says, in the shape both sides are scored in."""

    spans: set[LabelledSpan] = field(default_factory=set)
    entity_spans: dict[str, set[SpanKey]] = field(default_factory=lambda: defaultdict(set))
    entity_labels: dict[str, str] = field(default_factory=dict)
    facts: dict[str, set[tuple[Any, ...]]] = field(
        default_factory=lambda: {kind: set() for kind in FACTS}
    )


def _text(value: str) -> str:
    return " ".join(normalize(value).casefold().split())


def _overlap(a: SpanKey, b: SpanKey) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _dates_agree(gold: str, drafted: str) -> bool:
    """Every digit both print is the same ('XXXX-11-14' agrees with '2019-11-14')."""
    return len(gold) == len(drafted) and all(
        g == d or "X" in (g, d) for g, d in zip(gold, drafted, strict=True)
    )


def _contains(a: str, b: str) -> bool:
    return bool(a) and bool(b) and (a in b or b in a)


def _value_equal(kind: str, gold: Any, drafted: Any, lenient: bool) -> bool:
    if gold == drafted:
        return True
    if not lenient:
        return False
    if kind == "meeting_dates" and isinstance(gold, str) and isinstance(drafted, str):
        return _dates_agree(gold, drafted)
    if kind == "titles" and isinstance(gold, tuple) and isinstance(drafted, tuple):
        return _overlap(gold, drafted)
    if isinstance(gold, str) and isinstance(drafted, str):
        return _contains(gold, drafted)
    return False


def _fact_equal(kind: str, gold: tuple[Any, ...], drafted: tuple[Any, ...], lenient: bool) -> bool:
    return len(gold) == len(drafted) and all(
        _value_equal(kind, g, d, lenient) for g, d in zip(gold, drafted, strict=True)
    )


def _matched(gold: Iterable[Any], drafted: Iterable[Any], equal: Callable[[Any, Any], bool]) -> int:
    """The most items matched one to one, greedily in sorted order (exact pairs first)."""
    remaining = sorted(drafted, key=repr)
    pairs = 0
    ordered = sorted(gold, key=repr)
    unmatched = []
    for item in ordered:
        if item in remaining:
            remaining.remove(item)
            pairs += 1
        else:
            unmatched.append(item)
    for item in unmatched:
        for index, other in enumerate(remaining):
            if equal(item, other):
                del remaining[index]
                pairs += 1
                break
    return pairs


def align(gold: Facts, drafted: Facts, lenient: bool) -> dict[str, str]:
    """For each drafted entity, the gold entity of its label that it names: the one whose
    spans it shares most (equal spans; when lenient, then overlapping ones)."""
    mapping: dict[str, str] = {}
    for draft_id, draft_spans in sorted(drafted.entity_spans.items()):
        label = drafted.entity_labels.get(draft_id)
        best: tuple[int, int, str] | None = None
        for gold_id, gold_spans in sorted(gold.entity_spans.items()):
            if label is not None and gold.entity_labels.get(gold_id, label) != label:
                continue
            equal = len(draft_spans & gold_spans)
            overlapping = (
                sum(1 for s in draft_spans if any(_overlap(s, g) for g in gold_spans))
                if lenient
                else 0
            )
            if (equal or overlapping) and (best is None or (equal, overlapping) > best[:2]):
                best = (equal, overlapping, gold_id)
        if best is not None:
            mapping[draft_id] = best[2]
    return mapping


def _translated(value: Any, mapping: Mapping[str, str], gold_ids: set[str]) -> Any:
    if isinstance(value, Ref):
        if value.id in mapping:
            return Ref(mapping[value.id])
        # An id of the corpus's registries names the same entity on both sides.
        return value if value.id in gold_ids else Ref(f"drafted:{value.id}")
    return value


@dataclass
class Tally:
    """Counts over many articles: per label or fact kind, gold, drafted and matched items."""

    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(
        self, key: str, gold: int, drafted: int, gold_matched: int, drafted_matched: int
    ) -> None:
        row = self.counts[key]
        row["gold"] += gold
        row["drafted"] += drafted
        row["gold_matched"] += gold_matched
        row["drafted_matched"] += drafted_matched

    def table(self, keys: Iterable[str]) -> dict[str, dict[str, float | int | None]]:
        out: dict[str, dict[str, float | int | None]] = {}
        for key in keys:
            row = self.counts[key]
            out[key] = {
                "gold": row["gold"],
                "drafted": row["drafted"],
                "matched": row["gold_matched"],
                "precision": row["drafted_matched"] / row["drafted"] if row["drafted"] else None,
                "recall": row["gold_matched"] / row["gold"] if row["gold"] else None,
            }
        return out


def score(gold: Facts, drafted: Facts, lenient: bool, tally: Tally) -> None:
    """Add to ``tally`` the spans per label (and ``all``) and the facts per kind."""
    for label in (*LABELS, "all"):
        g = {s for s in gold.spans if label in ("all", s[2])}
        d = {s for s in drafted.spans if label in ("all", s[2])}
        if lenient:
            g_hit = sum(1 for s in g if any(s[2] == t[2] and _overlap(s[:2], t[:2]) for t in d))
            d_hit = sum(1 for t in d if any(s[2] == t[2] and _overlap(s[:2], t[:2]) for s in g))
        else:
            g_hit = d_hit = len(g & d)
        tally.add(label, len(g), len(d), g_hit, d_hit)
    mapping = align(gold, drafted, lenient)
    gold_ids = set(gold.entity_spans)
    for kind in FACTS:
        g_facts = gold.facts[kind]
        d_facts = {
            tuple(_translated(v, mapping, gold_ids) for v in fact) for fact in drafted.facts[kind]
        }
        pairs = _matched(g_facts, d_facts, functools.partial(_fact_equal, kind, lenient=lenient))
        tally.add(kind, len(g_facts), len(d_facts), pairs, pairs)


# From annotations to facts ------------------------------------------------------------


def anchor_spans(normalized_text: str, anchor: Anchor, every: bool = False) -> list[SpanKey]:
    """The spans an anchor designates (every whole-word occurrence with ``every``), or none."""
    found = resolve_all(normalized_text, anchor) if every else resolve(normalized_text, anchor)
    if isinstance(found, Span):
        return [(found.start, found.end)]
    if isinstance(found, list):
        return [(span.start, span.end) for span in found]
    return []


def _plain(entry: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(entry, BaseModel):
        return entry.model_dump(mode="json")
    return dict(entry)


def _stated(entry: Mapping[str, Any], field_name: str, article_id: str) -> bool:
    """Whether ``article_id`` states the field: an entry without evidence (a draft's)
    states all it holds; a registry entry states what this article's evidence supports."""
    evidence = entry.get("evidence") or []
    if not evidence:
        return True
    return any(
        item.get("article") == article_id
        and any(s == field_name or s.startswith(f"{field_name}[") for s in item["supports"])
        for item in evidence
    )


def _in_article(entry: Mapping[str, Any], article_id: str) -> bool:
    evidence = list(entry.get("evidence") or [])
    for participant in entry.get("participants") or []:
        evidence += participant.get("evidence") or []
    return not evidence or any(item.get("article") == article_id for item in evidence)


def _edtf(entry: Mapping[str, Any]) -> str | None:
    if entry.get("date_edtf"):
        return str(entry["date_edtf"])
    date, precision = entry.get("date"), entry.get("date_precision")
    if not date:
        return None
    iso = date.isoformat() if isinstance(date, dt.date) else str(date)
    return {"day": iso, "month": iso[:7], "year": iso[:4]}.get(str(precision), iso)


def facts_of(
    article_id: str,
    text: str,
    annotation: DocumentAnnotation,
    spans: Iterable[tuple[int, int, str, str | None]],
    meetings: Mapping[str, BaseModel | Mapping[str, Any]],
    directives: Mapping[str, BaseModel | Mapping[str, Any]],
) -> Facts:
    """The facts an annotation of ``text`` states.

    ``spans`` are its mentions (start, end, label, entity id or None); ``meetings`` and
    ``directives`` the entries (models or dicts, by id) its facts may come from. A registry
    entry (with evidence) states what this article's evidence supports, a drafted entry
    (without) all it holds; a meeting counts when its evidence or its participants' cite the
    article, or it has no evidence.
    """
    normalized = normalize(text)
    out = Facts()
    kinds: dict[str, str] = {}
    for start, end, label, entity in spans:
        out.spans.add((start, end, label))
        if entity is not None:
            out.entity_spans[entity].add((start, end))
            kinds.setdefault(entity, label)
            out.entity_labels.setdefault(entity, label)
    facts = out.facts
    for meeting_id, model in sorted(meetings.items()):
        entry = _plain(model)
        if not _in_article(entry, article_id):
            continue
        ref = Ref(meeting_id)
        date = _edtf(entry)
        if date and _stated(entry, "date", article_id):
            facts["meeting_dates"].add((ref, date))
        if entry.get("location") and _stated(entry, "location", article_id):
            facts["meeting_places"].add((ref, _text(entry["location"])))
        if entry.get("attendance") and _stated(entry, "attendance", article_id):
            facts["attendance"].add(
                (ref, int(entry["attendance"]), entry.get("attendance_qualifier"))
            )
        if _stated(entry, "organizers", article_id):
            for organizer in entry.get("organizers") or []:
                facts["organizers"].add((ref, Ref(organizer)))
        for participant in entry.get("participants") or []:
            if not _in_article(participant, article_id):
                continue
            person = Ref(participant["person"])
            facts["participants"].add((ref, person))
            for role in participant.get("roles") or []:
                facts["roles"].add((ref, person, role))
    # Directives: every one the article names.
    for entity, label in kinds.items():
        if label != "DIRECTIVE" or entity not in directives:
            continue
        entry = _plain(directives[entity])
        if entry.get("code"):
            facts["directive_codes"].add((Ref(entity), entry["code"]))
        if entry.get("issuer") and _stated(entry, "issuer", article_id):
            facts["directive_issuers"].add((Ref(entity), Ref(entry["issuer"])))
    for position in annotation.positions:
        facts["positions"].add((Ref(position.person), _text(position.title)))
    for author in annotation.authors:
        facts["authors"].add((Ref(author.person),))
    for credit in annotation.credits:
        facts["credits"].add((credit.role, _text(credit.name)))
    for span in anchor_spans(normalized, annotation.title):
        facts["titles"].add((span,))
    if annotation.outlet is not None:
        facts["outlet"].add((_text(annotation.outlet.name),))
    if annotation.page_date is not None:
        facts["page_date"].add((annotation.page_date.value.isoformat(),))
    return out
