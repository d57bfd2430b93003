"""What the review page sends on Save, validated before anything is read or written.

Everything the reviewer does in the page stays there until Save; then the page sends one
decision per item it shows (accept, reject, or leave pending, with the item's corrected
span, link, kind or registry entry) and the mentions added by selecting text.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from dnnd_dataset.checking.printed_dates import edtf_problem
from dnnd_dataset.reading.raw_models import ProposalKind
from dnnd_dataset.records import Slug

# Bounds on one request: far above any article (a text is at most a few thousand names).
MAX_ITEMS = 20_000
ItemName = Annotated[
    str,
    StringConstraints(
        pattern=r"^(title|outlet|url|page_date|page_clock"
        r"|(authors|credits|boilerplate|positions|mentions|proposals)\.[0-9]{1,6})$"
    ),
]
Offset = Annotated[int, Field(ge=0)]
Action = Literal["accept", "reject", "pending"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SpanEdit(_Strict):
    """A span of the text in code points, as the page selected it: ``start < end``."""

    start: Offset
    end: Offset


class ItemDecision(_Strict):
    item: ItemName
    action: Action
    span: SpanEdit | None = None
    # A mention or proposal linked to a registered entry, or made a place.
    entity: Slug | None = None
    label: Literal["LOCATION"] | None = None
    # A proposal's kind and registry entry, as corrected.
    kind: ProposalKind | None = None
    entry: dict[str, Any] | None = None
    # A meeting proposal's date as the text prints it, in EDTF ('' when it prints none).
    meeting_date: str | None = None

    @field_validator("meeting_date")
    @classmethod
    def _edtf(cls, value: str | None) -> str | None:
        if value:
            problem = edtf_problem(value)
            if problem is not None:
                raise ValueError(problem)
        return value


class AddedMention(_Strict):
    """A mention the reviewer added by selecting text: a link, a place, or a new entry."""

    span: SpanEdit
    entity: Slug | None = None
    label: Literal["LOCATION"] | None = None
    kind: Literal["person", "organization"] | None = None
    entry: dict[str, Any] | None = None
    # The mention stands for every occurrence of its words.
    all: bool = False


class SaveRequest(_Strict):
    # The SHA-256 of the draft the page was given: a draft changed on disk meanwhile is
    # not overwritten.
    base: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    decisions: list[ItemDecision] = Field(default=[], max_length=MAX_ITEMS)
    added: list[AddedMention] = Field(default=[], max_length=MAX_ITEMS)
