"""What a raw file can hold: items whose quotes resolve as found and fit the caps."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from dnnd_dataset.drafting import page
from dnnd_dataset.drafting.anchors import anchor_fields
from dnnd_dataset.errors import DnndError
from dnnd_dataset.reading.anchoring import AnchorProblem, resolve, resolve_all
from dnnd_dataset.reading.raw_models import (
    QUOTE_MAX,
    Anchor,
    Author,
    BoilerplateAnnotation,
    CreditAnnotation,
    MentionAnnotation,
    Outlet,
    PageDate,
    PositionAnnotation,
    Proposal,
    Title,
    Url,
)

_ONE_ITEM: dict[str, type[BaseModel]] = {"outlet": Outlet, "url": Url, "page_date": PageDate}


_ITEMS: dict[str, type[BaseModel]] = {
    "authors": Author,
    "credits": CreditAnnotation,
    "boilerplate": BoilerplateAnnotation,
    "mentions": MentionAnnotation,
    "positions": PositionAnnotation,
    "proposals": Proposal,
}


def title_item(real: str, lines: str, span: page.Span) -> dict[str, Any]:
    """The drafted title; one too long for a quote keeps its words up to the cap."""
    start, end = span.start, span.end
    item = {**anchor_fields(lines, start, end), "proposed": True}
    if not _fits(Title, item, real, lines):
        cut = lines.rfind(" ", start, min(end, start + QUOTE_MAX + 1))
        end = cut if cut > start else min(end, start + QUOTE_MAX)
        item = {**anchor_fields(lines, start, end), "proposed": True}
    if not _fits(Title, item, real, lines):
        raise DnndError(
            "the first line of the text cannot be quoted as its title (fix: start the text "
            "with its headline on a line of its own)"
        )
    return item


def keep_quotable(doc: dict[str, Any], real: str, lines: str, notes: list[str]) -> None:
    """Leave out the drafted items a raw file cannot hold as found, and say so.

    An item is left out when it breaks a cap of the raw format (a name or quote too long), or
    when its quote does not resolve in the text as it did for the finders: a quote across a
    line break written as CR, or one that cuts a character from its combining mark.
    """
    dropped = 0
    for key, model in _ONE_ITEM.items():
        if key in doc and not _fits(model, doc[key], real, lines):
            del doc[key]
            dropped += 1
    for key, model in _ITEMS.items():
        items = doc.get(key, [])
        kept = [item for item in items if _fits(model, item, real, lines)]
        dropped += len(items) - len(kept)
        doc[key] = kept
    if dropped:
        notes.append(
            f"{dropped} item(s) found in the text are left out: their words cannot be quoted "
            "as printed (too long for the raw format, across a line break written as CR, or "
            "cutting a character from its mark); annotate them by hand if they matter"
        )


def _fits(model: type[BaseModel], item: dict[str, Any], real: str, lines: str) -> bool:
    try:
        model.model_validate(item)
    except ValidationError:
        return False
    anchors = [item] if "quote" in item else []
    evidence = item.get("evidence")
    if isinstance(evidence, dict):
        anchors.append(evidence)
    return all(_quotable(fields, real, lines) for fields in anchors)


def _quotable(fields: dict[str, Any], real: str, lines: str) -> bool:
    """The quote resolves in the text (``real``) to the spans the finders meant (in ``lines``)."""
    anchor = Anchor.model_validate(
        {key: fields[key] for key in ("quote", "prefix", "suffix", "occurrence") if key in fields}
    )
    found = resolve_all if fields.get("all") else resolve
    resolved = found(real, anchor)
    return not isinstance(resolved, AnchorProblem) and resolved == found(lines, anchor)
