"""Candidate names of a text from every source the drafter has: rules, gazetteers, POS.

The same function gives the candidates the drafter proposes and the features the sequence
model is trained on, so that the model learns how far each source is right on the corpus.
Rules run as if the registries knew nothing: what the registries know is found apart, by
exact look-up, and a candidate they know is dropped by the caller.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from dnnd_dataset.drafting import events, gazetteers, new_names, page, place_names, pos
from dnnd_dataset.drafting.directive_refs import find_refs
from dnnd_dataset.drafting.known_names import Hit, Name, NameIndex
from dnnd_dataset.drafting.sequence_model import Marks


@dataclass(frozen=True)
class Sources:
    """Which sources a draft uses: all by default; fewer to measure what each adds."""

    gazetteers: bool = True
    pos: bool = True
    model: bool = True


ALL = Sources()


def _never(_: str) -> bool:
    return False


@functools.cache
def place_index() -> NameIndex:
    """The gazetteers' place names, ready to be found in a text."""
    return NameIndex([Name(place, "LOCATION", None) for place in sorted(gazetteers.place_names())])


def rule_hits(
    text: str, words: list[pos.Word], is_known: Callable[[str], bool] = _never
) -> list[Hit]:
    """Names the rules find in ``text`` (with its tagged words, when there are any)."""
    found = new_names.new_persons(text, is_known, words)
    found += new_names.new_organizations(text, is_known, words)
    found += new_names.places(text, is_known)
    found += place_names.kinded_places(text)
    return found


# The form of a state printed before its name ("Vương quốc Campuchia") is part of the name.
_PLURAL = re.compile(r"(?:các|những) $")
_STATE_FORM = re.compile(r"(?:Vương quốc|Cộng hòa|Cộng hoà|VƯƠNG QUỐC|CỘNG HÒA) $")


def gazetteer_hits(text: str) -> list[Hit]:
    """The places of the gazetteers in ``text``, with the form of a state before its name."""
    found = []
    for hit in place_index().hits(text):
        form = _STATE_FORM.search(text, max(0, hit.start - 12), hit.start)
        words = text[hit.start : hit.end].split(" ")
        kind = next((i for i, word in enumerate(words) if not word.islower()), 0)
        if kind and _PLURAL.search(text, max(0, hit.start - 8), hit.start):
            # "các huyện Tây Giang, Nam Giang": after a plural each name is a place alone.
            hit = Hit(hit.start + len(" ".join(words[:kind])) + 1, hit.end, hit.label)
        found.append(Hit(form.start(), hit.end, hit.label) if form else hit)
    return found


def marks(text: str, sources: Sources = ALL, words: list[pos.Word] | None = None) -> Marks:
    """Everything the sources find in ``text``: the sequence model's features."""
    if words is None:
        words = pos.words(text) if sources.pos else []
    rules = rule_hits(text, words)
    rules += [Hit(m.start, m.end, "MEETING") for m in events.meetings(text, None)]
    rules += [Hit(r.start, r.end, "DIRECTIVE") for r in find_refs(text)]
    rules += [Hit(t.start, t.end, "ORGANIZATION") for t in page.dateline_tags(text)]
    places = [(h.start, h.end) for h in gazetteer_hits(text)] if sources.gazetteers else []
    return Marks(rules=sorted(rules), places=places, words=words)
