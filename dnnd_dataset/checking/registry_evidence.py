"""The registries' evidence: each fact an entry states, backed by a quote of an article.

A directive or a meeting quotes the articles that state its facts; each quote is found in
its article's text where that article is checked (:func:`resolve_quotes`), and once every
article is checked, each fact is required to have a quote and each quote becomes an
evidence row (:func:`check_registry_evidence`). The rest of the checks are in
``checking.compiler``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from pydantic import BaseModel

from dnnd_dataset.checking.compiler import entry_id
from dnnd_dataset.checking.state import CheckState
from dnnd_dataset.reading.anchoring import (
    AnchorKey,
    AnchorProblem,
    Quote,
    Span,
    anchor_key,
    resolve,
)
from dnnd_dataset.reading.raw_loading import (
    Located,
)
from dnnd_dataset.reading.raw_models import (
    DirectiveEntry,
    MeetingEntry,
    SourcedAnchor,
)
from dnnd_dataset.suggestions import closest, did_you_mean

# The facts of each registry that need evidence, and the published column each one fills.
FACT_FIELDS: dict[str, dict[str, str]] = {
    "directives": {
        "number": "number",
        "code": "code",
        "issuer": "issuer_id",
        "term": "term",
        "issued_on": "issued_on",
        "subject": "subject",
        "adopted_at": "adopted_at_meeting_id",
        "full_name": "full_name",
    },
    "meetings": {
        "date": "date",
        "location": "location",
        "organizers": "organizer_ids",
        "attendance": "attendance",
        "directives": "directive_ids",
        "participant_organizations": "participant_organization_ids",
        "participant_groups": "participant_groups",
        "full_name": "full_name",
    },
}
# Facts that are lists of ids: each element needs its own evidence.
LIST_FACTS = {"organizers", "directives", "participant_organizations"}
PARTICIPANT_FACTS = ("chair", "directing", "speaker", "attendee", "actor", "position")


def _registry_anchors(
    entry: Located[BaseModel],
) -> list[tuple[tuple[str | int, ...], SourcedAnchor]]:
    model = entry.model
    anchors: list[tuple[tuple[str | int, ...], SourcedAnchor]] = []
    if isinstance(model, (DirectiveEntry, MeetingEntry)):
        anchors += [(("evidence", i), anchor) for i, anchor in enumerate(model.evidence)]
    return anchors


def check_registry_evidence(state: CheckState) -> None:
    for registry in ("directives", "meetings"):
        for entry in state.entries(registry):
            entity_id = entry_id(entry)
            supported: set[str] = set()
            for sub, anchor in _registry_anchors(entry):
                facts = _facts(state, registry, entry, sub, anchor)
                if _record_evidence(state, registry, entity_id, entry, sub, anchor, facts):
                    supported |= set(facts)
                else:
                    supported |= set(_supports_named(registry, entry.model, anchor))
            _require_evidence(state, registry, entry, supported)
        if registry == "meetings":
            for entry in state.entries(registry):
                _check_participant_evidence(state, entry)


def _supports_named(registry: str, model: BaseModel, anchor: SourcedAnchor) -> dict[str, str]:
    """Each supported fact as 'raw[element]' -> published field, without reporting problems."""
    named: dict[str, str] = {}
    for item in anchor.supports:
        name, _, element = item.partition("[")
        if name not in FACT_FIELDS[registry]:
            continue
        column = FACT_FIELDS[registry][name]
        if name in LIST_FACTS:
            values: list[str] = getattr(model, name)
            chosen = [element[:-1]] if element else (values if len(values) == 1 else [])
            named.update({f"{name}[{v}]": f"{column}[{v}]" for v in chosen})
        elif not element:
            named[name] = column
    return named


def _facts(
    state: CheckState,
    registry: str,
    entry: Located[BaseModel],
    sub: tuple[str | int, ...],
    anchor: SourcedAnchor,
) -> dict[str, str]:
    """The facts a quote supports, keyed by their raw name, valued by the published field."""
    model = entry.model
    allowed = FACT_FIELDS[registry]
    for index, item in enumerate(anchor.supports):
        name, _, element = item.partition("[")
        where = (*sub, "supports", index)
        if name not in allowed:
            state.issue(
                entry,
                where,
                "invalid-value",
                f"supports names {name}, which is no fact of {registry}",
                f"use some of: {', '.join(sorted(allowed))}",
            )
        elif name in LIST_FACTS:
            values: list[str] = getattr(model, name)
            if element and element[:-1] not in values:
                state.issue(
                    entry,
                    where,
                    "invalid-value",
                    f"supports {item}, but {element[:-1]!r} is not in {name}",
                    f"name one of: {', '.join(values) or '(none listed)'}",
                )
            elif not element and len(values) != 1:
                state.issue(
                    entry,
                    where,
                    "invalid-value",
                    f"supports {name}, which lists {len(values)} ids: say which one",
                    f"write {name}[<id>] for each id the quote supports",
                )
        elif element:
            state.issue(
                entry,
                where,
                "invalid-value",
                f"supports {item}, but {name} is not a list",
                f"write {name} without brackets",
            )
    return _supports_named(registry, model, anchor)


def _require_evidence(
    state: CheckState, registry: str, entry: Located[BaseModel], supported: set[str]
) -> None:
    model = cast(MeetingEntry | DirectiveEntry, entry.model)
    for name in FACT_FIELDS[registry]:
        value = getattr(model, name)
        # A full name that only recases the printed one states no fact beyond the name.
        if name == "full_name" and not model.full_name_inferred:
            continue
        if name in LIST_FACTS:
            for index, element in enumerate(value):
                if f"{name}[{element}]" not in supported:
                    state.issue(
                        entry,
                        (name, index),
                        "fact-without-evidence",
                        f"{name} lists {element!r} but no evidence supports it",
                        f"add an evidence quote with 'supports: [{name}[{element}]]'",
                    )
        elif value is not None and value != [] and name not in supported:
            state.issue(
                entry,
                (name,),
                "fact-without-evidence",
                f"{name} is stated but no evidence supports it",
                f"add an evidence quote with 'supports: [{name}]'",
            )


def _check_participant_evidence(state: CheckState, entry: Located[BaseModel]) -> None:
    meeting = cast(MeetingEntry, entry.model)
    for index, participant in enumerate(meeting.participants):
        key = f"participants[person_id={participant.person}]"
        supported: set[str] = set()
        for number, anchor in enumerate(participant.evidence):
            sub = ("participants", index, "evidence", number)
            unknown = [s for s in anchor.supports if s not in PARTICIPANT_FACTS]
            wrong = [s for s in anchor.supports if s in PARTICIPANT_FACTS[:-1]]
            wrong = [s for s in wrong if s not in participant.roles]
            if unknown or wrong:
                state.issue(
                    entry,
                    (*sub, "supports"),
                    "invalid-value",
                    f"supports names {', '.join(unknown + wrong)}, which is no role or "
                    "position of this participant",
                    f"use some of: {', '.join([*participant.roles, 'position'])}",
                )
            facts = {
                s: f"{key}.position" if s == "position" else f"{key}.roles[{s}]"
                for s in anchor.supports
                if s not in unknown and s not in wrong
            }
            _record_evidence(state, "meetings", meeting.id, entry, sub, anchor, facts)
            supported |= set(anchor.supports)
        needed = [*participant.roles, *(["position"] if participant.position else [])]
        for fact in needed:
            if fact not in supported:
                state.issue(
                    entry,
                    ("participants", index),
                    "fact-without-evidence",
                    f"{participant.person} is given {fact} but no evidence supports it",
                    f"add an evidence quote with 'supports: [{fact}]'",
                )


def _record_evidence(
    state: CheckState,
    registry: str,
    entity_id: str,
    entry: Located[BaseModel],
    sub: tuple[str | int, ...],
    anchor: SourcedAnchor,
    facts: dict[str, str],
) -> bool:
    """Record one evidence row per supported field; False when the quote cannot be read."""
    if anchor.article in state.raw.unreadable:
        return False  # the unreadable text is reported; do not pile on
    if anchor.article not in state.article_ids:
        state.issue(
            entry,
            (*sub, "article"),
            "dangling-reference",
            f"{anchor.article!r} is not an article under raw/documents",
            f"{did_you_mean(closest(anchor.article, state.article_ids))}"
            "use the file name of a text in raw/documents, without .txt",
        )
        return True
    found = state.quoted.get((anchor.article, anchor_key(anchor)))
    if found is None:
        return True  # the document's own problems stopped its quotes from being read
    if isinstance(found, AnchorProblem):
        state.issue(entry, sub, found.code, found.message, found.hint)
        return True
    span, quote = found
    for field in sorted(set(facts.values())):
        state.evidence.append(
            {
                "table": registry,
                "record_id": entity_id,
                "field": field,
                "article_id": anchor.article,
                "start": span.start,
                "end": span.end,
                "quote": quote,
            }
        )
    return True


def registry_quotes(state: CheckState) -> dict[str, list[tuple[str, Quote]]]:
    """Article id -> (entity, anchor) of every registry quote from it, in registry order.

    The entity is the one the quote links to the article: the entry for its evidence, the
    participant for a participant's evidence. Each document resolves the quotes from its
    own text where it is checked (``resolve_quotes``), so no text is needed after it.
    """
    quotes: dict[str, list[tuple[str, Quote]]] = {}
    for _, entity_id, anchor in _quote_sources(state):
        quotes.setdefault(anchor.article, []).append((entity_id, Quote(*anchor_key(anchor))))
    return quotes


def quoting_entries(state: CheckState) -> dict[str, set[str]]:
    """Article id -> the ids of the entries whose quotes from it a document's check reads:
    the entry that holds each quote and the entity the quote links to."""
    entries: dict[str, set[str]] = {}
    for holder, entity_id, anchor in _quote_sources(state):
        entries.setdefault(anchor.article, set()).update((holder, entity_id))
    return entries


def _quote_sources(state: CheckState) -> Iterator[tuple[str, str, SourcedAnchor]]:
    """(the entry that holds it, the entity it links, the anchor) of every registry quote."""
    for registry in ("directives", "meetings"):
        for entry in state.entries(registry):
            entity_id = entry_id(entry)
            for _, anchor in _registry_anchors(entry):
                yield entity_id, entity_id, anchor
            if isinstance(entry.model, MeetingEntry):
                for participant in entry.model.participants:
                    for anchor in participant.evidence:
                        yield entity_id, participant.person, anchor


def resolve_quotes(
    text: str, normalized: str, article_id: str, quotes: list[tuple[str, Quote]]
) -> tuple[dict[tuple[str, AnchorKey], tuple[Span, str] | AnchorProblem], list[tuple[str, Span]]]:
    """Registry quotes resolved in one text: by anchor, and (entity, span) of those found."""
    resolved: dict[tuple[str, AnchorKey], tuple[Span, str] | AnchorProblem] = {}
    cited: list[tuple[str, Span]] = []
    for entity_id, anchor in quotes:
        key = (article_id, anchor_key(anchor))
        if key not in resolved:
            found = resolve(normalized, anchor)
            if isinstance(found, AnchorProblem):
                resolved[key] = found
            else:
                printed = text[found.start : found.end]
                # The quote itself when the text prints it so: one string, not two.
                resolved[key] = (found, anchor.quote if printed == anchor.quote else printed)
        result = resolved[key]
        if not isinstance(result, AnchorProblem):
            cited.append((entity_id, result[0]))
    return resolved, cited
