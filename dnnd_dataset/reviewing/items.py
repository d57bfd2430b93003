"""A draft as the review page sees it: the text, each reviewable item with its spans, and the
registry entries a span may be linked to.

An item is named by its path in the annotation (``title``, ``mentions.3``, ``proposals.0``):
the page sends decisions by these names, and the checks' problems name fields below them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dnnd_dataset.drafting.spans import LABEL_OF_KIND
from dnnd_dataset.errors import Issue
from dnnd_dataset.explorer.search_index import Entry
from dnnd_dataset.reading.anchoring import AnchorProblem, resolve, resolve_all
from dnnd_dataset.reading.raw_loading import LABEL_OF_REGISTRY, Located, load_registries
from dnnd_dataset.reading.raw_models import Anchor, DocumentAnnotation
from dnnd_dataset.textnorm import normalize

SINGLE = ("title", "outlet", "url", "page_date", "page_clock")
LISTS = ("authors", "credits", "boilerplate", "positions", "mentions", "proposals")
# Items that are an anchor themselves; the others point at their words with ``evidence``.
ANCHORED = frozenset({"title", "url", "boilerplate", "mentions", "proposals"})


@dataclass(frozen=True)
class Registry:
    """The ids the registries hold, their labels, and the rows of the name search."""

    labels: dict[str, str]
    search: list[list[str]]


def read_registry(raw: Path) -> Registry:
    """Every registered entry that can be linked; entries that do not load are left out (the
    checks after a save report them)."""
    issues: list[Issue] = []
    labels: dict[str, str] = {}
    rows: list[list[str]] = []
    for registry, entries in load_registries(raw, issues).items():
        label = LABEL_OF_REGISTRY.get(registry, registry.upper().removesuffix("S"))
        for located in entries:
            data = located.model.model_dump()
            labels[data["id"]] = label
            names = tuple(data.get("other_names") or ())
            detail = str(data.get("kind") or "")
            # The explorer's search entry, so that the page folds names as the site does.
            row = Entry(label.lower(), data["name"], names, data["id"], detail).row()
            rows.append(row)
    rows.sort(key=lambda row: (row[0], row[2], row[3]))
    return Registry(labels, rows)


def item_anchor(group: str, item: Any) -> Anchor | None:
    if group in ANCHORED:
        return item if isinstance(item, Anchor) else None
    evidence = getattr(item, "evidence", None)
    return evidence if isinstance(evidence, Anchor) else None


def spans_of(text: str, anchor: Anchor | None, every: bool) -> list[list[int]]:
    """The spans ``anchor`` designates in ``text``; none when it resolves to none."""
    if anchor is None:
        return []
    normalized = normalize(text)
    found = resolve_all(normalized, anchor) if every else resolve(normalized, anchor)
    if isinstance(found, AnchorProblem):
        return []
    spans = found if isinstance(found, list) else [found]
    return [[span.start, span.end] for span in spans]


def page_items(
    document: Located[DocumentAnnotation], text: str, labels: dict[str, str]
) -> list[dict[str, Any]]:
    """Every item of the annotation that the page shows, in the order of the file."""
    model = document.model
    found: list[tuple[str, Any]] = []
    for group in SINGLE:
        value = getattr(model, group)
        if value is not None:
            found.append((group, value))
    for group in LISTS:
        found += [(f"{group}.{index}", item) for index, item in enumerate(getattr(model, group))]
    items = []
    for name, item in found:
        group = name.partition(".")[0]
        every = bool(getattr(item, "all", False))
        data = item.model_dump(mode="json", exclude_defaults=True)
        items.append(
            {
                "id": name,
                "group": group,
                # Proposals all await review; other items only where the draft marks them.
                "proposed": group == "proposals" or bool(getattr(item, "proposed", False)),
                "label": _label(group, item, labels),
                "spans": spans_of(text, item_anchor(group, item), every),
                "data": data,
            }
        )
    return items


def _label(group: str, item: Any, labels: dict[str, str]) -> str:
    if group == "mentions":
        if item.label is not None:
            return str(item.label)
        return labels.get(item.entity or "", "UNKNOWN")
    if group == "proposals":
        return str(LABEL_OF_KIND.get(item.kind, item.kind.upper()))
    if group == "boilerplate":
        return f"boilerplate: {item.kind}"
    return group.rstrip("s") if group in LISTS else group
