"""The state that the checks build up and the assembly reads: entities, spans, evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import BaseModel

from dnnd_dataset.errors import Issue
from dnnd_dataset.reading.anchoring import AnchorKey, AnchorProblem, Span, resolve, resolve_all
from dnnd_dataset.reading.raw_loading import Located, RawCorpus
from dnnd_dataset.reading.raw_models import Anchor
from dnnd_dataset.reading.rawio import dotted
from dnnd_dataset.segmentation import Tokens


@dataclass
class ResolvedSpans:
    """Spans resolved in one article."""

    mentions: list[tuple[Span, str, str | None]] = field(default_factory=list)  # span, label, id
    waived: list[Span] = field(default_factory=list)
    # Where a mention that failed would have been: its names are not reported again there.
    excused: list[Span] = field(default_factory=list)


class Entity(NamedTuple):
    """What the check of a document reads of a registry entry, and all it reads of it.

    A worker holds these rather than the entries (a few hundred bytes each, not several
    kilobytes), and a document's cached result is reused while the entities it uses are
    the same.
    """

    registry: str
    # The names it is known by in texts (``coverage.entity_names``): a directive's code.
    names: tuple[str, ...]
    # Its file, as messages name it.
    shown: str


@dataclass
class CheckState:
    raw: RawCorpus
    today: dt.date
    issues: list[Issue] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    normalized: dict[str, str] = field(default_factory=dict)
    resolved: dict[str, ResolvedSpans] = field(default_factory=dict)
    # Spans of the document anchors, resolved once here and read again by the assembly.
    spans: dict[tuple[str, AnchorKey], Span] = field(default_factory=dict)
    # The registries' evidence rows, as the table's columns: a record would take three
    # times the room, for each of a corpus's registry quotes.
    evidence: list[dict[str, Any]] = field(default_factory=list)
    # Items still marked as proposals, per annotation file.
    proposals: dict[str, int] = field(default_factory=dict)
    # The tokens and sentences of each checked text: the grid of its ner rows.
    tokens: dict[str, Tokens] = field(default_factory=dict)
    # Articles whose text was read, and the registry quotes resolved in them.
    article_ids: set[str] = field(default_factory=set)
    quoted: dict[tuple[str, AnchorKey], tuple[Span, str] | AnchorProblem] = field(
        default_factory=dict
    )

    def entries(self, registry: str) -> list[Located[BaseModel]]:
        return self.raw.registries[registry]

    def spans_of(
        self,
        where: Located[Any],
        sub: tuple[str | int, ...],
        text: str,
        anchor: Anchor,
        every: bool,
    ) -> list[Span]:
        """Where ``anchor`` stands in ``text`` (every occurrence with ``every``); a quote that
        does not resolve is an issue at ``sub`` and gives no span."""
        found = resolve_all(text, anchor) if every else resolve(text, anchor)
        if isinstance(found, AnchorProblem):
            self.issue(where, sub, found.code, found.message, found.hint)
            return []
        return found if isinstance(found, list) else [found]

    def issue(
        self, where: Located[Any], sub: tuple[str | int, ...], code: str, message: str, hint: str
    ) -> None:
        self.issues.append(
            Issue(
                where.shown,
                where.line(*sub),
                code,
                message,
                hint,
                field=dotted((*where.loc, *sub)) or None,
            )
        )
