"""Quotes that resolve to exactly the spans the finders found, and ids from names."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from dnnd_dataset.drafting.known_names import Hit
from dnnd_dataset.reading.anchoring import AnchorProblem, Span, resolve
from dnnd_dataset.reading.raw_models import (
    Anchor,
)
from dnnd_dataset.textnorm import at_word_boundaries, normalize


def slug(value: str) -> str:
    """An ASCII id from a Vietnamese name: 'Phạm Thị Lan' -> 'pham-thi-lan'."""
    value = normalize(value).replace("Đ", "D").replace("đ", "d")
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-") or "entry"


def anchor_fields(text: str, start: int, end: int) -> dict[str, Any]:
    """Quote (and occurrence, if it repeats) that resolves to exactly ``text[start:end]``."""
    quote = text[start:end]
    count, position = 0, text.find(quote)
    index = 0
    while position != -1:
        count += 1
        if position == start:
            index = count
        position = text.find(quote, position + 1)
    fields: dict[str, Any] = {"quote": quote}
    if count > 1:
        fields["occurrence"] = index
    # A span that cuts a character from its mark resolves to a problem: the item is left out
    # of the draft (``_quotable``); any other span is exactly the one found.
    resolved = resolve(text, Anchor.model_construct(**fields))
    assert isinstance(resolved, AnchorProblem) or resolved == Span(start, end)
    return fields


def occurrences(text: str, value: str) -> list[tuple[int, int]]:
    found, position = [], text.find(value)
    while position != -1:
        if at_word_boundaries(text, position, position + len(value)):
            found.append((position, position + len(value)))
        position = text.find(value, position + 1)
    return found


def inside(inner: Hit | tuple[int, int], outer: Hit) -> bool:
    start, end = (inner.start, inner.end) if isinstance(inner, Hit) else inner
    return outer.start <= start and end <= outer.end and (start, end) != (outer.start, outer.end)


def lines_text(text: str) -> str:
    """``text`` with each CR a line break the finders see: a CR-only or CRLF text has lines
    too. One character for one, so every offset holds in the text itself."""
    return normalize(text).replace("\r", "\n")
