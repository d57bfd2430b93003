"""Positions stated beside names, and abbreviations that name a body just named."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from dnnd_dataset.drafting import positions
from dnnd_dataset.drafting.anchors import anchor_fields, occurrences, slug
from dnnd_dataset.drafting.drafter import Drafter
from dnnd_dataset.drafting.known_names import Hit
from dnnd_dataset.textnorm import normalize


def positions_of(drafter: Drafter, hits: list[Hit]) -> list[dict[str, Any]]:
    """Registered persons' titles as stated; a new person's go into the note of its proposal."""
    norm = drafter.text
    written: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    new_titles: dict[str, list[str]] = defaultdict(list)
    stated = positions.after_names(norm, hits) + positions.before_names(norm, hits)
    for position in sorted(stated, key=lambda p: (p.evidence_start, p.evidence_end)):
        quote = norm[position.evidence_start : position.evidence_end]
        person = position.person
        owner = person.entity
        if owner is None:
            name = norm[person.start : person.end]
            if position.title not in new_titles[name]:
                new_titles[name].append(position.title)
            continue  # its proposal's note holds it: the document names registered persons
        key = (owner, position.title, quote)
        if key in seen:
            continue
        seen.add(key)
        item: dict[str, Any] = {"person": owner, "title": position.title}
        post = _post_of(drafter, position.title, position.organization)
        if post is not None:
            item["post"] = post  # a registered post the title names
        if position.organization is not None:
            item["organization"] = position.organization
        item["evidence"] = anchor_fields(norm, position.evidence_start, position.evidence_end)
        item["proposed"] = True
        written.append(item)
    for proposal in drafter.proposals:
        titles = new_titles.get(proposal["value"]) if proposal["kind"] == "person" else None
        if titles:
            proposal["note"] = "titles as stated: " + "; ".join(titles)
    return written


def _post_of(drafter: Drafter, title: str, organization: str | None) -> str | None:
    """The registered post whose name is the title, or the title with its body's name."""
    bodies = {o.id: o for o in drafter.knowledge.organizations}
    names = {normalize(title).casefold()}
    if organization in bodies:
        body = bodies[organization]
        names |= {normalize(f"{title} {n}").casefold() for n in (body.name, *body.other_names)}
    matches = [
        post.id
        for post in drafter.knowledge.posts
        if normalize(post.name).casefold() in names and post.organization in (None, organization)
    ]
    return matches[0] if len(matches) == 1 else None


def acronyms(drafter: Drafter, hits: list[Hit]) -> None:
    """ "Full Name (ABBR)": ABBR is another name of the body just before it."""
    norm = drafter.text
    for m in re.finditer(r"\((?P<abbr>[A-ZĐ][A-ZĐ0-9]{1,9})\)", norm):
        abbr = m["abbr"]
        if drafter.known(abbr):
            continue
        named = [
            h for h in hits if h.label == "ORGANIZATION" and h.end in (m.start(), m.start() - 1)
        ]
        if not named:
            continue
        body = named[-1]
        spans = occurrences(norm, abbr)
        entry = _entry_of_body(drafter, body)
        if entry is None:
            continue
        if abbr not in entry.setdefault("other_names", []):
            entry["other_names"].append(abbr)
        drafter.proposals.append(
            {
                "quote": abbr,
                "all": True,
                "kind": "organization",
                "value": abbr,
                "entry": entry,
                "note": f"another name of {norm[body.start : body.end]!r}, which the text "
                f"abbreviates; it occurs {len(spans)} time(s)",
            }
        )


def _entry_of_body(drafter: Drafter, body: Hit) -> dict[str, Any] | None:
    """The entry a new other name of ``body`` goes into: its proposal's, or its file's."""
    if body.entity is None:
        wanted = slug(drafter.text[body.start : body.end])
        return next(
            (
                p["entry"]
                for p in drafter.proposals
                if p["kind"] == "organization" and p.get("entry", {}).get("id") == wanted
            ),
            None,
        )
    known = next((o for o in drafter.knowledge.organizations if o.id == body.entity), None)
    return None if known is None else known.model_dump(mode="json", exclude_defaults=True)
