"""What the run keeps of each document once it is checked, and of all of them together.

A document's outcome never holds its text; the gathered outcomes are what the checks across
documents (registry quotes, names printed somewhere, duplicate texts), the registry tables
and the card need. A block of documents reused from the cache gives the same, from its entry.
What the report and the card need (the summary) and what the checks across documents and
the registry tables need (the contribution) are gathered apart: a run whose blocks all give
the contributions they gave before needs no contribution at all.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from dnnd_dataset.checking.assembly import Links
from dnnd_dataset.checking.block_contribution import BlockContribution, BlockEvidence
from dnnd_dataset.checking.block_entry import (
    BlockBuilder,
    BlockSummary,
    resolved_quote,
    stated_position,
)
from dnnd_dataset.checking.counts_table import CountsTable
from dnnd_dataset.checking.document_rows import Contribution, Row
from dnnd_dataset.checking.ner_table import NerLayer
from dnnd_dataset.checking.state import CheckState
from dnnd_dataset.errors import Issue
from dnnd_dataset.file_tree import Identity
from dnnd_dataset.reading.anchoring import AnchorKey, AnchorProblem, Span


@dataclass
class DocumentOutcome:
    """What the run keeps of one document once it is checked: never its text."""

    stem: str
    key: str | None
    issues: list[Issue]
    has_text: bool
    has_document: bool
    unreadable: bool
    proposals: dict[str, int]
    coverage: dict[str, int] | None
    quoted: dict[tuple[str, AnchorKey], tuple[Span, str] | AnchorProblem]
    printed: set[str]
    printed_as: dict[str, str]
    # The SHA-256 of its text and the path shown for the text, when there is one.
    text_digest: tuple[str, str] | None = None
    # With no issue: its rows per table, its counts for the card, what it adds to registries.
    rows: dict[str, list[Row]] | None = None
    ner: NerLayer | None = None
    counts: dict[str, int] | None = None
    contribution: Contribution | None = None
    # The registry entries its checks read (``compiler.used_ids``).
    used: list[str] = field(default_factory=list)
    # The identities of its two files before the bytes that made its key were read.
    identities: tuple[Identity, Identity] | None = None


class Gathered:
    """What the run keeps of every document for the checks across documents and the card."""

    def __init__(self, state: CheckState) -> None:
        self.state = state
        self.coverage = CountsTable()
        self.documents = CountsTable()
        self.links = Links()
        self.printed: set[str] = set()
        self.printed_as: dict[str, str] = {}
        self.complete = True
        self.keys: list[str | None] = []
        self.texts: list[tuple[str, str, str]] = []

    def outcome(self, outcome: DocumentOutcome) -> None:
        """A document checked in this run: its summary and its contribution at once."""
        self.outcome_summary(outcome)
        self.outcome_contribution(outcome)

    def outcome_summary(self, outcome: DocumentOutcome) -> None:
        """What a checked document gives the report and the card."""
        state, stem = self.state, sys.intern(outcome.stem)
        self.keys.append(outcome.key)
        state.issues += outcome.issues
        if outcome.has_text:
            state.article_ids.add(stem)
        elif outcome.has_document:
            self.complete = False
        if outcome.unreadable:
            state.raw.unreadable.add(stem)
        state.proposals.update(outcome.proposals)
        if outcome.text_digest is not None:
            self.texts.append((stem, *outcome.text_digest))
        if outcome.coverage is not None:
            self.coverage.add(stem, outcome.coverage)
        if outcome.contribution is not None and outcome.counts is not None:
            self.documents.add(stem, outcome.counts)

    def outcome_contribution(self, outcome: DocumentOutcome) -> None:
        """What a checked document gives the checks across documents and the registry tables."""
        stem = sys.intern(outcome.stem)
        self.state.quoted.update(outcome.quoted)
        self._printed(outcome.printed, outcome.printed_as)
        if outcome.contribution is not None and outcome.counts is not None:
            self.links.add(stem, outcome.contribution)

    def outcome_evidence(self, outcome: DocumentOutcome) -> None:
        """What a checked document gives the evidence table."""
        self.state.quoted.update(outcome.quoted)
        if outcome.contribution is not None and outcome.counts is not None:
            self.links.add_stated(outcome.contribution.positions)

    def block_summary(self, summary: BlockSummary) -> None:
        """The documents of a block whose entry was reused: what they give the report."""
        stems = [sys.intern(stem) for stem in summary.stems]
        self.state.article_ids.update(stems)
        self.state.proposals.update(summary.proposals)
        for stem, text in zip(stems, summary.texts, strict=True):
            self.texts.append((stem, *text))
        self.coverage.add_columns(stems, summary.coverage)
        self.documents.add_columns(stems, summary.counts)

    def block_contribution(self, stems: list[str], contribution: BlockContribution) -> None:
        """The documents ``stems`` of a reused block: what they give the checks across them."""
        stems = [sys.intern(stem) for stem in stems]
        self.block_evidence(stems, contribution)
        printed_as = {
            value: value if form is None else form for value, form in contribution.printed_as
        }
        self._printed(set(contribution.printed), printed_as)
        self.links.link_block(stems, contribution.links)
        self.links.add_forms(contribution.forms)

    def block_evidence(self, stems: list[str], evidence: BlockEvidence) -> None:
        """The documents ``stems`` of a reused block: what they give the evidence table."""
        self.state.quoted.update(
            ((article, anchor), resolved_quote(anchor, value))
            for article, anchor, value in evidence.quoted
        )
        stated = self.links.stated
        for stem, positions in zip(stems, evidence.positions, strict=True):
            stem = sys.intern(stem)
            stated += [stated_position(position, stem) for position in positions]

    def _printed(self, printed: set[str], printed_as: dict[str, str]) -> None:
        self.printed |= printed
        for value, form in printed_as.items():
            self.printed_as.setdefault(value, form)


def keep_in_block(builder: BlockBuilder, outcome: DocumentOutcome) -> None:
    """Add a document to its block's entry: only one with rows and without problems fits."""
    if (
        outcome.issues
        or not outcome.has_text
        or outcome.coverage is None
        or outcome.text_digest is None
        or outcome.counts is None
        or outcome.contribution is None
    ):
        builder.fits = False
        return
    builder.add(
        outcome.stem,
        proposals=outcome.proposals,
        coverage=outcome.coverage,
        counts=outcome.counts,
        text=outcome.text_digest,
        quoted=outcome.quoted,
        printed=outcome.printed,
        printed_as=outcome.printed_as,
        contribution=outcome.contribution,
        used=outcome.used,
    )
