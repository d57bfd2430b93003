"""The drafter of one text: registered names, new candidates, and their proposals."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from dnnd_dataset import directive_codes
from dnnd_dataset.drafting import candidates, place_names, pos
from dnnd_dataset.drafting.anchors import anchor_fields, inside, lines_text, occurrences, slug
from dnnd_dataset.drafting.directive_refs import DirectiveRef, find_refs
from dnnd_dataset.drafting.knowledge import Knowledge
from dnnd_dataset.drafting.known_names import Hit, NameIndex, flat
from dnnd_dataset.drafting.sequence_model import Model
from dnnd_dataset.reading.raw_loading import LABEL_OF_REGISTRY
from dnnd_dataset.textnorm import normalize

_TYPE_OF_KIND = {kind: code for code, kind in directive_codes.KIND_OF_TYPE.items()}


# A proposal's kind is the singular of the registry that holds the label's entities.
KIND_OF_LABEL = {label: registry.removesuffix("s") for registry, label in LABEL_OF_REGISTRY.items()}


# The issuer a directive's reference prints after it.
_OF = re.compile(r"\s+của\s+")
# A rule's candidate the model gives less than this is dropped; a span no rule found is
# added from this score up. Tuned on the development set (bench/README.md).
DROP_BELOW = 0.0
ADD_FROM = 0.95
EXTEND_FROM = 0.5
# Labels whose spans the model adds: the others need what only their finders know.
COMPLETED = frozenset({"PERSON", "ORGANIZATION", "LOCATION"})


def _apart(hits: list[Hit], known: set[Hit]) -> list[Hit]:
    """Hits without a new candidate that crosses a longer hit of another label (names nest,
    they do not cross), and without a person's name inside a place ("Hồ Chí Minh" in
    "TP. Hồ Chí Minh")."""
    kept = []
    for hit in hits:
        longer = [
            other
            for other in hits
            if other.label != hit.label
            and other.start < hit.end
            and hit.start < other.end
            and other.end - other.start > hit.end - hit.start
        ]
        crossing = [o for o in longer if not (o.start <= hit.start and hit.end <= o.end)]
        if hit not in known and crossing:
            continue
        if hit.label == "PERSON" and any(o.label == "LOCATION" for o in longer):
            continue
        kept.append(hit)
    return kept


class Drafter:
    def __init__(
        self,
        text: str,
        knowledge: Knowledge,
        names: NameIndex | None,
        article_id: str = "",
        sources: candidates.Sources = candidates.ALL,
        model: Model | None = None,
    ) -> None:
        self.sources = sources
        self.model = model if sources.model else None
        self.article_id = article_id
        self.verbatim = text
        self.text = lines_text(text)
        self.knowledge = knowledge
        self.names = names if names is not None else knowledge.names()
        self.notes: list[str] = []
        self.proposals: list[dict[str, Any]] = []
        self.directive_refs: dict[tuple[int, int], DirectiveRef] = {}

    def known(self, value: str) -> bool:
        return value in self.names

    # ------------------------------------------------------------ entities

    def entity_hits(self, extra: list[Hit], boilerplate: list[tuple[int, int]]) -> list[Hit]:
        hits = [h for h in self.names.hits(self.text)]
        refs = find_refs(self.text)
        ref_spans = [(r.start, r.end) for r in refs]
        hits = [
            h
            for h in hits
            if h.label != "DIRECTIVE" or not any(s < h.end and h.start < e for s, e in ref_spans)
        ]
        for ref in refs:
            self.directive_refs[(ref.start, ref.end)] = ref
            hits.append(Hit(ref.start, ref.end, "DIRECTIVE", self._directive_of(ref)))
        words = pos.words(self.text) if self.sources.pos else []
        found = candidates.rule_hits(self.text, words)
        if self.sources.gazetteers:
            found += candidates.gazetteer_hits(self.text)
        known_places = [h for h in hits if h.label == "LOCATION"]
        found += place_names.listed_places(
            self.text, [h for h in found if h.label == "LOCATION"] + known_places
        )
        new = [h for h in found if not self.known(self.text[h.start : h.end])]
        if self.model is not None:
            new = self._ranked(new, hits, boilerplate, words)
        known = set(hits)
        hits += self._every_occurrence(list(extra) + new)
        return _apart(flat(hits), known)

    def _ranked(
        self,
        new: list[Hit],
        known: list[Hit],
        boilerplate: list[tuple[int, int]],
        words: list[pos.Word],
    ) -> list[Hit]:
        """The rules' candidates the model does not reject, completed where the model tags a
        longer span of the same label over them, and the spans it alone finds."""
        assert self.model is not None
        marks = candidates.marks(self.text, self.sources, words)
        scored = self.model.spans(self.text, boilerplate, marks)
        kept = []
        for hit in new:
            score = self.model.score(hit)
            if score is not None and score < DROP_BELOW:
                continue
            longer = [
                s
                for s in scored
                if s.label == hit.label
                and s.start <= hit.start
                and hit.end <= s.end
                and (s.start, s.end) != (hit.start, hit.end)
                and s.score >= EXTEND_FROM
            ]
            kept.append(Hit(longer[0].start, longer[0].end, hit.label) if longer else hit)
        taken = [*known, *kept]
        for span in scored:
            value = self.text[span.start : span.end]
            if (
                span.label in COMPLETED
                and span.score >= ADD_FROM
                and not self.known(value)
                and not any(h.start < span.end and span.start < h.end for h in taken)
            ):
                kept.append(Hit(span.start, span.end, span.label))
        return kept

    def _every_occurrence(self, new: list[Hit]) -> list[Hit]:
        """A new name found once stands for each of its whole-word occurrences."""
        found: set[Hit] = set()
        for hit in new:
            value = self.text[hit.start : hit.end]
            variants = {value}
            if hit.label == "MEETING":  # "hội nghị ..." again in a headline or mid-sentence
                variants.add(value[0].lower() + value[1:])
            for variant in variants:
                for start, end in occurrences(self.text, variant):
                    found.add(Hit(start, end, hit.label, hit.entity))
        return sorted(found)

    def _directive_of(self, ref: DirectiveRef) -> str | None:
        directives = self.knowledge.directives
        if ref.code is not None:
            matches = [d for d in directives if d.code == ref.code]
        elif ref.number is not None:
            matches = [
                d
                for d in directives
                if d.kind == ref.kind and (d.number or "").lstrip("0") == ref.number.lstrip("0")
            ]
        else:
            written = self.text[ref.start : ref.end].casefold()
            matches = [d for d in directives if normalize(d.name).casefold() == written]
        if ref.term is not None:
            # Numbers restart each term: a code stated with another khóa is another document.
            matches = [d for d in matches if d.term in (None, ref.term)]
        return matches[0].id if len(matches) == 1 else None

    # ------------------------------------------------------------ writing

    def mentions(self, hits: list[Hit]) -> list[dict[str, Any]]:
        groups: dict[tuple[str, str, str | None], list[Hit]] = defaultdict(list)
        for hit in hits:
            if hit.entity is not None or hit.label == "LOCATION":
                groups[(self.text[hit.start : hit.end], hit.label, hit.entity)].append(hit)
        written: list[dict[str, Any]] = []
        for (quote, label, entity), group in sorted(
            groups.items(), key=lambda item: item[1][0].start
        ):
            target: dict[str, Any] = (
                {"entity": entity} if label != "LOCATION" else {"label": "LOCATION"}
            )
            proposed = {"proposed": True} if label == "LOCATION" else {}
            for fields in self._anchors(quote, label, group, hits):
                written.append({**fields, **target, **proposed})
        return written

    def _anchors(
        self, quote: str, label: str, group: list[Hit], hits: list[Hit]
    ) -> list[dict[str, Any]]:
        same_label = [h for h in hits if h.label == label]
        every = [
            span
            for span in occurrences(self.text, quote)
            if not any(inside(span, other) for other in same_label)
        ]
        spans = sorted((h.start, h.end) for h in group)
        if spans == every and len(spans) > 1:
            return [{"quote": quote, "all": True}]
        return [anchor_fields(self.text, start, end) for start, end in spans]

    def propose_new(self, hits: list[Hit]) -> None:
        groups: dict[tuple[str, str], list[Hit]] = defaultdict(list)
        for hit in hits:
            if hit.entity is None and hit.label in KIND_OF_LABEL:
                groups[(self.text[hit.start : hit.end], hit.label)].append(hit)
        for (value, label), group in sorted(groups.items(), key=lambda item: item[1][0].start):
            for fields in self._anchors(value, label, group, hits):
                proposal: dict[str, Any] = {
                    **fields,
                    "kind": KIND_OF_LABEL[label],
                    "value": value,
                }
                if label == "DIRECTIVE":
                    proposal.update(self._directive_fields(group[0], value, hits))
                elif label != "MEETING":
                    # An organization's kind is the reviewer's to say: accept asks for it.
                    proposal["entry"] = {"id": slug(value), "name": value}
                self.proposals.append(proposal)

    def _issuer(self, hit: Hit, hits: list[Hit]) -> Hit | None:
        """The body a directive's reference names as its issuer: "... của Bộ Chính trị"."""
        after = _OF.match(self.text, hit.end)
        if after is None:
            return None
        return next((h for h in hits if h.label == "ORGANIZATION" and h.start == after.end()), None)

    def _directive_fields(self, hit: Hit, printed: str, hits: list[Hit]) -> dict[str, Any]:
        """The value, the note and the entry of a new directive, as far as its reference says."""
        ref = self.directive_refs.get((hit.start, hit.end))
        if ref is None:
            return {}
        fields: dict[str, Any] = {}
        parts = [ref.kind.replace("_", "-"), ref.code or ref.number or "", ref.term or ""]
        entry: dict[str, Any] = {
            "id": slug(" ".join(p for p in parts if p)),
            "name": printed,
            "kind": ref.kind,
        }
        if ref.number is not None:
            entry["number"] = ref.number
        if ref.code:
            fields["value"] = entry["code"] = ref.code
        issuer = self._issuer(hit, hits)
        if issuer is not None:
            entry["issuer"] = issuer.entity or slug(self.text[issuer.start : issuer.end])
        if ref.term:
            entry["term"] = ref.term
            if "khóa" not in printed.lower():
                # "Nghị quyết Đại hội XIII": the congress number, read as the khóa.
                entry["term_inferred"] = True
                entry["term_basis"] = (
                    f"The text names the congress {ref.term}; its term (khóa) is read from it."
                )
        stated = [
            key
            for key in ("number", "code", "term")
            if key in entry and entry[key] in printed and not entry.get(f"{key}_inferred")
        ]
        if stated:
            entry["evidence"] = [
                {
                    "article": self.article_id,
                    **anchor_fields(self.text, hit.start, hit.end),
                    "supports": stated,
                }
            ]
        if issuer is not None:
            entry.setdefault("evidence", []).append(
                {
                    "article": self.article_id,
                    **anchor_fields(self.text, hit.start, issuer.end),
                    "supports": ["issuer"],
                }
            )
        matches = [d.id for d in self.knowledge.directives if ref.code and d.code == ref.code]
        if matches:
            fields["note"] = (
                f"registered with code {ref.code}: {', '.join(matches)}; numbers restart each "
                "term: the same document only if kind, issuer and term (or date) agree"
            )
        elif ref.code is None and ref.number is not None:
            derived = f"{ref.number}-{_TYPE_OF_KIND[ref.kind]}/TW"
            fields["value"] = entry["code"] = derived
            entry["code_derived"] = True
            entry["code_basis"] = (
                f"The code is not printed; {derived} follows from the kind and the number."
            )
            fields["note"] = f"the code is not printed; {derived} follows from kind and number"
        fields["entry"] = entry
        return fields
