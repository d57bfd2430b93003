"""The graph of persons, meetings, directives and organizations: its nodes and edges
(:func:`corpus_graph`, which the site's Cytoscape.js graph in ``graph_data`` is made of), and
a drawing of it as static SVG (:func:`draw`), for a caller that wants an image without a
script; the site itself no longer uses the drawing.

Layered layout: one column per kind (organizations, persons, meetings, directives), ordered
by repeated barycentre sweeps so that linked records sit near each other, edges drawn as
curves. Everything is integer arithmetic on sorted input, so the same corpus gives the same
bytes. Past :data:`MAX_PER_COLUMN` records of a kind the graph keeps the most connected ones
and says how many it left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from markupsafe import Markup, escape

from dnnd_dataset.library.navigation import Corpus

KINDS: tuple[str, ...] = ("organization", "person", "meeting", "directive")
MAX_PER_COLUMN = 60
SWEEPS = 6
ROW = 26
COLUMN = 250
TOP = 64
LEFT = 60
RADIUS = 6
LABEL_CHARS = 32

RELATIONS: dict[str, str] = {
    "position": "holds a position in",
    "participant": "takes part in",
    "organizer": "organizes",
    "directive": "disseminates or reviews",
    "issuer": "issues",
    "parent": "belongs to",
}


@dataclass(frozen=True)
class Node:
    kind: str
    record_id: str
    label: str
    url: str


@dataclass(frozen=True)
class Edge:
    source: tuple[str, str]
    target: tuple[str, str]
    relation: str


@dataclass(frozen=True)
class Graph:
    svg: Markup
    shown: dict[str, int]
    total: dict[str, int]


def corpus_graph(corpus: Corpus, url: dict[str, str]) -> tuple[list[Node], list[Edge]]:
    """Every record of the four kinds and every link between them. ``url`` maps a kind to
    the folder of its pages."""
    named: list[tuple[str, dict[str, Any]]] = [
        ("organization", {o.organization_id: o.name for o in corpus.organizations.values()}),
        ("person", {p.person_id: p.name for p in corpus.persons.values()}),
        ("meeting", {m.meeting_id: m.name for m in corpus.meetings.values()}),
        ("directive", {d.directive_id: d.name for d in corpus.directives.values()}),
    ]
    nodes = [
        Node(kind, record_id, name, f"{url[kind]}/{record_id}.html")
        for kind, names in named
        for record_id, name in names.items()
    ]
    edges: set[Edge] = set()
    for person in corpus.persons.values():
        for position in person.positions:
            if position.organization_id is not None:
                edges.add(
                    Edge(
                        ("organization", position.organization_id),
                        ("person", person.person_id),
                        "position",
                    )
                )
    for meeting in corpus.meetings.values():
        key = ("meeting", meeting.meeting_id)
        for participant in meeting.participants:
            edges.add(Edge(("person", participant.person_id), key, "participant"))
        for organizer in meeting.organizer_ids:
            edges.add(Edge(("organization", organizer), key, "organizer"))
        for directive_id in meeting.directive_ids:
            edges.add(Edge(key, ("directive", directive_id), "directive"))
    for directive in corpus.directives.values():
        if directive.issuer_id is not None:
            edges.add(
                Edge(
                    ("organization", directive.issuer_id),
                    ("directive", directive.directive_id),
                    "issuer",
                )
            )
    for organization in corpus.organizations.values():
        if organization.parent_id is not None:
            edges.add(
                Edge(
                    ("organization", organization.parent_id),
                    ("organization", organization.organization_id),
                    "parent",
                )
            )
    return nodes, list(edges)


def draw(nodes: Sequence[Node], edges: Sequence[Edge]) -> Graph:
    """The SVG of the graph, with the number of records of each kind shown and in total.
    The order of ``nodes`` and ``edges`` does not matter."""
    edges = sorted(set(edges), key=lambda e: (e.source, e.target, e.relation))
    degree: dict[tuple[str, str], int] = defaultdict(int)
    for edge in edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    columns: dict[str, list[Node]] = {kind: [] for kind in KINDS}
    for node in nodes:
        columns[node.kind].append(node)
    total = {kind: len(column) for kind, column in columns.items()}
    for column in columns.values():
        column.sort(key=lambda n: (-degree[(n.kind, n.record_id)], n.label, n.record_id))
        del column[MAX_PER_COLUMN:]
    kept = {(n.kind, n.record_id) for column in columns.values() for n in column}
    shown_edges = [e for e in edges if e.source in kept and e.target in kept]
    _order(columns, shown_edges)
    return Graph(
        svg=_svg(columns, shown_edges),
        shown={kind: len(column) for kind, column in columns.items()},
        total=total,
    )


def _order(columns: dict[str, list[Node]], edges: Iterable[Edge]) -> None:
    neighbours: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for edge in edges:
        if edge.source[0] != edge.target[0]:
            neighbours[edge.source].append(edge.target)
            neighbours[edge.target].append(edge.source)
    for column in columns.values():
        column.sort(key=lambda n: (n.label, n.record_id))
    for sweep in range(SWEEPS):
        place = _places(columns)
        kinds = KINDS if sweep % 2 == 0 else tuple(reversed(KINDS))
        for kind in kinds:
            column = columns[kind]

            def barycentre(node: Node, place: dict[tuple[str, str], Fraction] = place) -> Fraction:
                key = (node.kind, node.record_id)
                linked = [place[n] for n in neighbours[key] if n in place]
                return sum(linked, Fraction(0)) / len(linked) if linked else place[key]

            column.sort(key=lambda n: (barycentre(n), n.label, n.record_id))
            place.update(_places({kind: column}))


def _places(columns: dict[str, list[Node]]) -> dict[tuple[str, str], Fraction]:
    """Each node's position in its column, as a fraction of the column's height."""
    return {
        (n.kind, n.record_id): Fraction(2 * i + 1, 2 * len(column))
        for column in columns.values()
        for i, n in enumerate(column)
    }


def _svg(columns: dict[str, list[Node]], edges: Sequence[Edge]) -> Markup:
    rows = max((len(c) for c in columns.values()), default=0)
    height = TOP + max(rows, 1) * ROW + 20
    width = LEFT + len(KINDS) * COLUMN
    xy: dict[tuple[str, str], tuple[int, int]] = {}
    for number, kind in enumerate(KINDS):
        column = columns[kind]
        for i, node in enumerate(column):
            y = TOP + ((2 * i + 1) * rows * ROW) // (2 * len(column))
            xy[(node.kind, node.record_id)] = (LEFT + number * COLUMN, y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Graph of the corpus">'
    ]
    for number, kind in enumerate(KINDS):
        parts.append(
            f'<text class="column-title" x="{LEFT + number * COLUMN - RADIUS}" y="{TOP - 30}">'
            f"{kind}s</text>"
        )
    parts.append('<g class="edges">')
    for edge in edges:
        (x1, y1), (x2, y2) = xy[edge.source], xy[edge.target]
        if x1 == x2:
            bend = x1 - 40 - abs(y2 - y1) // 8
            path = f"M{x1} {y1}C{bend} {y1},{bend} {y2},{x2} {y2}"
        else:
            middle = (x1 + x2) // 2
            path = f"M{x1} {y1}C{middle} {y1},{middle} {y2},{x2} {y2}"
        parts.append(f'<path class="edge {edge.relation}" d="{path}"/>')
    parts.append("</g>")
    for kind in KINDS:
        parts.append(f'<g class="nodes {kind}">')
        for node in columns[kind]:
            x, y = xy[(node.kind, node.record_id)]
            label = (
                node.label
                if len(node.label) <= LABEL_CHARS
                else node.label[: LABEL_CHARS - 1] + "…"
            )
            parts.append(
                f'<a href="{escape(node.url)}"><title>{escape(node.label)}</title>'
                f'<circle cx="{x}" cy="{y}" r="{RADIUS}"/>'
                f'<text x="{x + RADIUS + 5}" y="{y + 4}">{escape(label)}</text></a>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
