"""Coverage: every known name a text prints is mentioned, explained or waived.

The names of the registries are found in one Aho-Corasick pass per text (normalized).
"""

from __future__ import annotations

import ahocorasick
from pydantic import BaseModel

from dnnd_dataset.checking.state import CheckState
from dnnd_dataset.errors import Issue
from dnnd_dataset.reading.raw_loading import (
    SourceText,
)
from dnnd_dataset.reading.raw_models import (
    DirectiveEntry,
    MeetingEntry,
    OrganizationEntry,
    PersonEntry,
)
from dnnd_dataset.span_index import LineIndex, SpanIndex
from dnnd_dataset.textnorm import at_word_boundaries, normalize


def entity_names(model: BaseModel) -> list[str]:
    """The names a registry entry is known by in texts."""
    if isinstance(model, (PersonEntry, OrganizationEntry)):
        return [model.name, *model.other_names]
    if isinstance(model, DirectiveEntry):
        return [model.code] if model.code else []
    if isinstance(model, MeetingEntry):
        # An activity's name is the words that report it, not a name to find in texts.
        return [] if model.kind == "activity" else [model.name]
    return []


def name_owners(state: CheckState) -> dict[str, str]:
    """Every normalized known name and the first entity (by id) that has it."""
    owners: dict[str, str] = {}
    for entity_id, entity in state.entities.items():
        for name in entity.names:
            key = normalize(name)
            if key not in owners or entity_id < owners[key]:
                owners[key] = entity_id
    return owners


def name_automaton(owners: dict[str, str]) -> ahocorasick.Automaton:
    """The names of :func:`name_owners`, each mapped to its length and its entity."""
    automaton = ahocorasick.Automaton()
    for name, entity_id in sorted(owners.items()):
        automaton.add_word(name, (len(name), entity_id))
    automaton.make_automaton()
    return automaton


def find_names(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int, str]]:
    """(start, end, entity_id) of every whole-word occurrence of a known name, in one pass."""
    if len(automaton) == 0:
        return []
    found = []
    for last, (length, entity_id) in automaton.iter(text):
        start, end = last + 1 - length, last + 1
        if at_word_boundaries(text, start, end):
            found.append((start, end, entity_id))
    return sorted(found)


def check_coverage(
    state: CheckState, automaton: ahocorasick.Automaton, article_id: str
) -> dict[str, int]:
    """Every known name in one text is mentioned or waived; the counts of the text."""
    resolved = state.resolved[article_id]
    text = state.normalized[article_id]
    source = state.raw.texts[article_id]
    spans = [span for span, _, _ in resolved.mentions]
    mentioned, waivers = SpanIndex(spans), SpanIndex(resolved.waived)
    lines: list[LineIndex] = []  # built on the first unmentioned name only
    found = covered = waived = 0
    for start, end, entity_id in find_names(automaton, text):
        found += 1
        if mentioned.contains(start, end):
            covered += 1
        elif waivers.contains(start, end):
            waived += 1
        elif any(s.start <= start and end <= s.end for s in resolved.excused):
            continue  # a mention meant for it failed, and that failure is reported
        else:
            lines = lines or [LineIndex(source.text)]
            _unmentioned(state, source, lines[0], start, end, entity_id)
    return {
        "names_found": found,
        "covered": covered,
        "waived": waived,
        "unexplained": found - covered - waived,
        "mentions": len(spans),
    }


def _unmentioned(
    state: CheckState, source: SourceText, lines: LineIndex, start: int, end: int, entity_id: str
) -> None:
    line, column = lines.line_and_column(start)
    written = source.text[start:end]
    state.issues.append(
        Issue(
            source.shown,
            line,
            "unmentioned-name",
            f"{written!r} (a name of {entity_id}) is covered by no mention",
            f"add a mention of {entity_id} to {source.article_id}.yaml, or a waiver with a reason",
            column=column,
        )
    )
