"""Values as printed: names, other names, positions and subjects keep the characters a text
prints, found in every text by two Aho-Corasick passes (verbatim and normalized).
"""

from __future__ import annotations

from typing import Any, cast

import ahocorasick

from dnnd_dataset.checking.state import CheckState
from dnnd_dataset.reading.anchoring import (
    AnchorProblem,
    anchor_key,
)
from dnnd_dataset.reading.raw_loading import (
    Located,
)
from dnnd_dataset.reading.raw_models import (
    DirectiveEntry,
    DocumentAnnotation,
    MeetingEntry,
    OrganizationEntry,
    PersonEntry,
)
from dnnd_dataset.textnorm import normalize


def printed_values(state: CheckState) -> list[str]:
    """The registry values that must be printed verbatim in some text."""
    values: list[str] = []
    for registry in ("persons", "organizations"):
        for entry in state.entries(registry):
            values += cast(PersonEntry | OrganizationEntry, entry.model).other_names
    for registry in ("meetings", "directives"):
        for entry in state.entries(registry):
            values.append(cast(MeetingEntry | DirectiveEntry, entry.model).name)
    return sorted(set(values))


def printed_automaton(values: list[str], *, normalized: bool) -> ahocorasick.Automaton:
    """Every value (normalized, when told) mapped to itself, for one pass over a text."""
    automaton = ahocorasick.Automaton()
    for value in values:
        key = normalize(value) if normalized else value
        automaton.add_word(key, key)
    if values:
        automaton.make_automaton()
    return automaton


def find_printed(
    verbatim: ahocorasick.Automaton, normalized: ahocorasick.Automaton, text: str, norm: str
) -> tuple[set[str], dict[str, str]]:
    """The values printed verbatim in ``text``, and how the text prints each normalized value.

    The printed form is the one at the first place the normalized value occurs.
    """
    found = {value for _, value in verbatim.iter(text)} if len(verbatim) else set()
    first: dict[str, int] = {}
    for last, key in normalized.iter(norm) if len(normalized) else ():
        start = last + 1 - len(key)
        if key not in first or start < first[key]:
            first[key] = start
    return found, {key: text[start : start + len(key)] for key, start in first.items()}


def check_printed(
    state: CheckState, printed: set[str], printed_as: dict[str, str], *, complete: bool
) -> None:
    """Names, other names, participant positions and directive subjects keep the characters
    a text prints.

    ``printed``: the values printed verbatim in some text; ``printed_as``: normalized value
    -> its printed form in the first text that prints it. ``complete`` is False when a text
    could not be read: a name may be printed only there, and that text is reported already.
    """
    for registry in ("persons", "organizations") if complete else ():
        for entry in state.entries(registry):
            model = cast(PersonEntry | OrganizationEntry, entry.model)
            for index, name in enumerate(model.other_names):
                _printed_somewhere(state, entry, ("other_names", index), name, printed, printed_as)
    for registry in ("meetings", "directives") if complete else ():
        for entry in state.entries(registry):
            name = cast(MeetingEntry | DirectiveEntry, entry.model).name
            _printed_somewhere(state, entry, ("name",), name, printed, printed_as)
    for entry in state.entries("meetings"):
        meeting = cast(MeetingEntry, entry.model)
        for index, participant in enumerate(meeting.participants):
            if participant.position is None:
                continue
            quotes = [
                found[1]
                for anchor in participant.evidence
                for found in [state.quoted.get((anchor.article, anchor_key(anchor)))]
                if found is not None and not isinstance(found, AnchorProblem)
            ]
            if quotes:
                sub = ("participants", index, "position")
                _printed(state, entry, sub, participant.position, quotes)
    for entry in state.entries("directives"):
        directive = cast(DirectiveEntry, entry.model)
        if directive.subject is None:
            continue
        quotes = [
            found[1]
            for anchor in directive.evidence
            if "subject" in anchor.supports
            for found in [state.quoted.get((anchor.article, anchor_key(anchor)))]
            if found is not None and not isinstance(found, AnchorProblem)
        ]
        if quotes:
            _printed(state, entry, ("subject",), directive.subject, quotes)


def check_positions_printed(state: CheckState, document: Located[DocumentAnnotation]) -> None:
    """Each stated title keeps the characters of its quote."""
    ann = document.model
    source = state.raw.texts.get(ann.article_id)
    if source is None:
        return
    for index, position in enumerate(ann.positions):
        span = state.spans.get((ann.article_id, anchor_key(position.evidence)))
        if span is not None:
            quote = source.text[span.start : span.end]
            _printed(state, document, ("positions", index, "title"), position.title, [quote])


def _printed_somewhere(
    state: CheckState,
    where: Located[Any],
    sub: tuple[str | int, ...],
    value: str,
    printed: set[str],
    printed_as: dict[str, str],
) -> None:
    if value in printed:
        return
    form = printed_as.get(normalize(value))
    _not_printed(state, where, sub, value, form, "any text")


def _printed(
    state: CheckState,
    where: Located[Any],
    sub: tuple[str | int, ...],
    value: str,
    texts: list[str],
) -> None:
    if any(value in text for text in texts):
        return
    wanted = normalize(value)
    printed = next(
        (
            text[start : start + len(wanted)]
            for text in texts
            if (start := normalize(text).find(wanted)) != -1
        ),
        None,
    )
    _not_printed(state, where, sub, value, printed, "the text" if len(texts) == 1 else "any text")


def _not_printed(
    state: CheckState,
    where: Located[Any],
    sub: tuple[str | int, ...],
    value: str,
    printed: str | None,
    scope: str,
) -> None:
    state.issue(
        where,
        sub,
        "not-as-printed",
        f"{value!r} does not occur in {scope}"
        + (f"; it is printed {printed!r}" if printed is not None else ""),
        f"write {printed!r}, with the characters the text prints"
        if printed is not None
        else "copy the value from the text, character for character",
    )
