"""The outlet and the source address, where the text prints them."""

from __future__ import annotations

from typing import Any

from dnnd_dataset.drafting import page
from dnnd_dataset.drafting.anchors import anchor_fields
from dnnd_dataset.drafting.drafter import Drafter
from dnnd_dataset.textnorm import normalize


def outlet_item(drafter: Drafter, doc: dict[str, Any], outlet: str | None) -> None:
    norm = drafter.text
    tags = page.dateline_tags(norm)
    if outlet is not None:
        at = norm.find(normalize(outlet))
        if at != -1:
            doc["outlet"] = {
                "name": outlet,
                "evidence": anchor_fields(norm, at, at + len(outlet)),
                "proposed": True,
            }
            return
    for tag in tags:
        value = norm[tag.start : tag.end]
        press = [o for o in drafter.knowledge.organizations if o.kind == "press"]
        owner = next((o for o in press if value in o.other_names), None)
        if owner is not None and (outlet is None or normalize(outlet) == normalize(owner.name)):
            doc["outlet"] = {
                "name": owner.name,
                "inferred": True,
                "basis": f"The dateline tag ({value}) is the tag of {owner.name}; "
                "the name is not printed.",
                "evidence": anchor_fields(norm, tag.start - 1, tag.end + 1),
                "proposed": True,
            }
            return
    if outlet is not None:
        drafter.notes.append(
            f"--outlet {outlet!r} is not printed in the text and no dateline tag names it; an "
            "outlet needs evidence in the text, so the draft leaves it out"
        )


def url_item(drafter: Drafter, doc: dict[str, Any], url: str | None) -> None:
    norm = drafter.text
    printed = page.urls(norm)
    if url is not None:
        at = norm.find(url)
        if at != -1:
            doc["url"] = {**anchor_fields(norm, at, at + len(url)), "proposed": True}
            return
        drafter.notes.append(
            f"--url {url} is not printed in the text; a url needs the printed address as "
            "evidence, so the draft leaves it out"
        )
    if printed and "url" not in doc:
        first = printed[0]
        doc["url"] = {**anchor_fields(norm, first.start, first.end), "proposed": True}
