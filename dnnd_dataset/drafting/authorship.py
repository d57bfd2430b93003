"""Bylines and credits: who wrote the article and who is credited for its photos."""

from __future__ import annotations

import re
from typing import Any

from dnnd_dataset.drafting import page
from dnnd_dataset.drafting.anchors import anchor_fields
from dnnd_dataset.drafting.drafter import Drafter
from dnnd_dataset.drafting.known_names import Hit


def credit_hits(drafter: Drafter, credit: page.Credit) -> list[Hit]:
    name = drafter.text[credit.name_start : credit.name_end]
    if drafter.known(name) or "://" in name:
        return []
    if re.fullmatch(r"[A-Za-z]+\.(?:vn|VN|com|net)", name):
        return [Hit(credit.name_start, credit.name_end, "ORGANIZATION")]  # "Theo Chinhphu.vn"
    if "." in name:
        return []
    words = name.split()
    if (len(words) == 1 and name.isupper()) or (len(words) == 1 and credit.role == "source"):
        return [Hit(credit.name_start, credit.name_end, "ORGANIZATION")]
    if 2 <= len(words) <= 4 and all(w[0].isupper() for w in words):
        return [Hit(credit.name_start, credit.name_end, "PERSON")]
    return []


def credits_of(norm: str, credits: list[page.Credit]) -> list[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    written = []
    for credit in credits:
        if (credit.name, credit.role) in seen:
            continue
        seen.add((credit.name, credit.role))
        written.append(
            {
                "name": credit.name,
                "role": credit.role,
                "evidence": anchor_fields(norm, credit.start, credit.end),
                "proposed": True,
            }
        )
    return written


def authors(drafter: Drafter, bylines: list[page.Span], hits: list[Hit]) -> list[dict[str, Any]]:
    written = []
    for line in bylines:
        owner = next(
            (h.entity for h in hits if (h.start, h.end) == (line.start, line.end) and h.entity),
            None,
        )
        if owner is None:
            # A new byline: the proposal of its name says so, and accepting it makes the
            # person an author (the document names only registered persons).
            for proposal in drafter.proposals:
                if proposal.get("quote") == drafter.text[line.start : line.end]:
                    proposal["note"] = "the byline"
                    if "entry" in proposal:
                        proposal["entry"]["roles"] = ["author"]
        else:
            written.append(
                {
                    "person": owner,
                    "evidence": anchor_fields(drafter.text, line.start, line.end),
                    "proposed": True,
                }
            )
    return written
