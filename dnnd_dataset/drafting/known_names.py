"""Every registered name in a text, in one pass of an Aho-Corasick automaton.

Names are matched in the look-alike-normalized text (``textnorm.normalize``), so a text that
prints 'Ðảng' with U+00D0 still yields the registered 'Đảng'. A match counts only at word
boundaries, and a name shared by two entities is left to the reviewer. A match inside a
phrase that the corpus waives ("chính đảng", political parties in general, holds "đảng")
is no mention, as the checks require.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from dnnd_dataset.span_index import SpanIndex
from dnnd_dataset.textnorm import at_word_boundaries, normalize


@dataclass(frozen=True, order=True)
class Hit:
    """A span of the text naming something: a registered entity or a new candidate."""

    start: int
    end: int
    label: str
    entity: str | None = None


@dataclass(frozen=True)
class Name:
    text: str
    label: str
    entity: str | None


class NameIndex:
    """The registered names of every entity, ready to be found in any text."""

    def __init__(self, names: Iterable[Name], waived: Iterable[str] = ()) -> None:
        owners: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
        for name in names:
            owners[normalize(name.text)].add((name.label, name.entity))
            # A long name may open with a small letter mid-sentence: "ban Đối ngoại T.Ư".
            if len(name.text.split()) >= 3 and name.text[0].isupper():
                lowered = normalize(name.text[0].lower() + name.text[1:])
                owners[lowered].add((name.label, name.entity))
        self._automaton = ahocorasick.Automaton()
        self.size = 0
        for key, found in sorted(owners.items()):
            if len(found) == 1 and key.strip():
                ((label, entity),) = found
                self._automaton.add_word(key, (len(key), label, entity))
                self.size += 1
        if self.size:
            self._automaton.make_automaton()
        # A waived phrase that is itself a name ("Liên hợp quốc" inside a treaty's title)
        # was waived for its place in one text, not as a phrase: only longer phrases count.
        self._waived = ahocorasick.Automaton()
        phrases = {normalize(p) for p in waived} - set(owners)
        phrases = {phrase.lower() for phrase in phrases} - {""}
        for phrase in sorted(phrases):
            self._waived.add_word(phrase, len(phrase))
        if phrases:
            self._waived.make_automaton()

    def __contains__(self, name: str) -> bool:
        return self.size > 0 and normalize(name) in self._automaton

    def owner(self, name: str) -> tuple[str, str | None] | None:
        """The label and entity a name belongs to, if it belongs to exactly one."""
        found = self._automaton.get(normalize(name), None) if self.size else None
        return None if found is None else (found[1], found[2])

    def hits(self, normalized_text: str) -> list[Hit]:
        """Every whole-word occurrence of every name, overlapping ones included."""
        if not self.size:
            return []
        waived = SpanIndex(self._phrases(normalized_text))
        found: list[Hit] = []
        for last, (length, label, entity) in self._automaton.iter(normalized_text):
            start, end = last + 1 - length, last + 1
            if at_word_boundaries(normalized_text, start, end) and not waived.contains(start, end):
                found.append(Hit(start, end, label, entity))
        return sorted(found)

    def _phrases(self, normalized_text: str) -> list[Hit]:
        """The whole-word occurrences of the waived phrases, compared case-blind."""
        if self._waived.kind != ahocorasick.AHOCORASICK:
            return []
        lowered = normalized_text.lower()
        if len(lowered) != len(normalized_text):  # a rare letter whose lower case is longer
            lowered = normalized_text
        spans = []
        for last, length in self._waived.iter(lowered):
            start, end = last + 1 - length, last + 1
            if at_word_boundaries(lowered, start, end):
                spans.append(Hit(start, end, "", None))
        return spans


def flat(hits: Iterable[Hit]) -> list[Hit]:
    """Within each label, the longest leftmost spans that do not overlap; labels may nest."""
    kept: list[Hit] = []
    by_label: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_label[hit.label].append(hit)
    for label_hits in by_label.values():
        end = -1
        for hit in sorted(label_hits, key=lambda h: (h.start, -(h.end - h.start))):
            if hit.start >= end:
                kept.append(hit)
                end = hit.end
    return sorted(kept)
