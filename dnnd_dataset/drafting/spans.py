"""The spans a draft annotation marks, with their labels, as the checker would resolve them."""

from __future__ import annotations

from dnnd_dataset.drafting.knowledge import Knowledge
from dnnd_dataset.drafting.known_names import Hit
from dnnd_dataset.reading.anchoring import AnchorProblem, Span, resolve, resolve_all
from dnnd_dataset.reading.raw_models import Anchor, DocumentAnnotation
from dnnd_dataset.textnorm import normalize

LABEL_OF_KIND = {
    "person": "PERSON",
    "organization": "ORGANIZATION",
    "directive": "DIRECTIVE",
    "meeting": "MEETING",
    "location": "LOCATION",
}


def _spans(text: str, anchor: Anchor, every: bool) -> list[Span]:
    found = resolve_all(text, anchor) if every else resolve(text, anchor)
    if isinstance(found, AnchorProblem):
        return []
    return found if isinstance(found, list) else [found]


def draft_hits(annotation: DocumentAnnotation, text: str, knowledge: Knowledge) -> list[Hit]:
    """Mentions and naming proposals of ``annotation`` as labelled spans of ``text``.

    As in the checker, an occurrence taken by ``all: true`` inside a longer span of the same
    label belongs to the longer one.
    """
    norm = normalize(text)
    label_of = {p.id: "PERSON" for p in knowledge.persons}
    label_of |= {o.id: "ORGANIZATION" for o in knowledge.organizations}
    label_of |= {d.id: "DIRECTIVE" for d in knowledge.directives}
    label_of |= {m.id: "MEETING" for m in knowledge.meetings}
    found: list[tuple[Hit, bool]] = []
    for mention in annotation.mentions:
        label = "LOCATION" if mention.entity is None else label_of.get(mention.entity)
        if label is None:
            continue
        for span in _spans(norm, mention, mention.all):
            found.append((Hit(span.start, span.end, label, mention.entity), mention.all))
    for proposal in annotation.proposals:
        label = LABEL_OF_KIND.get(proposal.kind)
        if label is None:
            continue
        for span in _spans(norm, proposal, proposal.all):
            found.append((Hit(span.start, span.end, label, None), proposal.all))
    kept = {
        hit
        for hit, every in found
        if not every
        or not any(
            other.label == hit.label
            and other.start <= hit.start
            and hit.end <= other.end
            and (other.start, other.end) != (hit.start, hit.end)
            for other, _ in found
        )
    }
    return sorted(kept)
