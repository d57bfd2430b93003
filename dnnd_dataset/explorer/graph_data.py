"""The graph of persons, organizations, meetings and directives, as data for Cytoscape.js.

Cytoscape.js (vendored in ``static/vendor/``, MIT) lays the graph out in the reader's
browser and lets them pan, zoom, filter by kind and click a node to open its page. It was
chosen over Graphviz because Graphviz is a program every user building the site would have
to install, while a vendored script ships inside the package and loads from the site itself.
Edges are drawn under the nodes and each label sits on an opaque box, so no edge crosses a
label; the layout counts the labels as part of the nodes (``nodeDimensionsIncludeLabels``),
so labels do not overlap either, and long names wrap instead of being cut.

The whole graph is drawn on ``graph.html`` only while it has at most :data:`WHOLE_LIMIT`
nodes; every record's page draws its own neighbourhood: the record, the records it links to
(the :data:`NEIGHBOUR_LIMIT` most connected of them) and the links among them. Both are the
same JSON (:func:`graph_json`) read by ``static/graph.js``; the same corpus gives the same
bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from dnnd_dataset.explorer.collation import sort_key
from dnnd_dataset.explorer.graph_svg import KINDS, Edge, Node

WHOLE_LIMIT = 300
NEIGHBOUR_LIMIT = 40

# Each relation: the words the legend and the screen reader read, its colour (the Okabe-Ito
# palette, told apart with colour-blindness) and its line style, so colour is never the only
# difference.
RELATION_STYLES: dict[str, tuple[str, str, str]] = {
    "position": ("holds a position in", "#0072b2", "solid"),
    "participant": ("takes part in", "#cc79a7", "solid"),
    "organizer": ("organizes", "#009e73", "dashed"),
    "directive": ("disseminates or reviews", "#e69f00", "solid"),
    "issuer": ("issues", "#d55e00", "dashed"),
    "parent": ("belongs to", "#555555", "dotted"),
}
KIND_COLOURS: dict[str, str] = {
    "person": "#2563eb",
    "organization": "#168754",
    "meeting": "#7e3ac0",
    "directive": "#c45c0e",
}


@dataclass(frozen=True)
class GraphView:
    """A drawable graph: its JSON for the page, and its links for readers without it."""

    data: Markup
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    total_nodes: int

    def statements(self) -> list[tuple[Node, str, Node]]:
        """Each link as a sentence: source, the relation's words, target."""
        by_key = {(n.kind, n.record_id): n for n in self.nodes}
        return [
            (by_key[e.source], RELATION_STYLES[e.relation][0], by_key[e.target])
            for e in self.edges
            if e.source in by_key and e.target in by_key
        ]


class Neighbourhoods:
    """The links of every node, to cut a record's neighbourhood out of the whole graph."""

    def __init__(self, nodes: Iterable[Node], edges: Iterable[Edge]) -> None:
        self.nodes = {(n.kind, n.record_id): n for n in nodes}
        self.edges = sorted(
            {e for e in edges if e.source in self.nodes and e.target in self.nodes},
            key=lambda e: (e.source, e.target, e.relation),
        )
        self.links: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        for edge in self.edges:
            self.links[edge.source].append(edge)
            if edge.target != edge.source:
                self.links[edge.target].append(edge)

    def whole(self) -> GraphView | None:
        """The whole graph, or None when it is too large to draw on one page."""
        if len(self.nodes) > WHOLE_LIMIT:
            return None
        # A record with no link is listed under the graph, not drawn far from the rest.
        linked = [n for key, n in self.nodes.items() if self.links.get(key)]
        return _view(linked, self.edges, len(self.nodes), root="")

    def unlinked(self) -> list[Node]:
        """The records that link to no other, in Vietnamese order."""
        alone = [n for key, n in self.nodes.items() if not self.links.get(key)]
        return sorted(alone, key=lambda n: (sort_key(n.label), n.kind, n.record_id))

    def around(self, kind: str, record_id: str) -> GraphView:
        """The record, its most connected neighbours and the links among them."""
        key = (kind, record_id)
        neighbours = {e.target if e.source == key else e.source for e in self.links.get(key, [])}
        neighbours.discard(key)
        ranked = sorted(
            neighbours,
            key=lambda n: (-len(self.links[n]), sort_key(self.nodes[n].label), n),
        )
        kept = {key, *ranked[:NEIGHBOUR_LIMIT]}
        edges = [
            e
            for n in sorted(kept)
            for e in self.links.get(n, [])
            if e.source in kept and e.target in kept and (e.source == n)
        ]
        nodes = [self.nodes[n] for n in sorted(kept) if n in self.nodes]
        return _view(nodes, edges, len(neighbours) + 1, root="../", focus=key)

    def most_connected(self, count: int) -> list[Node]:
        ranked = sorted(
            self.nodes,
            key=lambda n: (-len(self.links.get(n, [])), sort_key(self.nodes[n].label), n),
        )
        return [self.nodes[n] for n in ranked[:count]]


def _view(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    total: int,
    *,
    root: str,
    focus: tuple[str, str] | None = None,
) -> GraphView:
    ordered = sorted(nodes, key=lambda n: (KINDS.index(n.kind), sort_key(n.label), n.record_id))
    edges = sorted(set(edges), key=lambda e: (e.source, e.target, e.relation))
    return GraphView(
        graph_json(ordered, edges, root=root, focus=focus),
        tuple(ordered),
        tuple(edges),
        total,
    )


def _node_id(key: tuple[str, str]) -> str:
    return f"{key[0]}:{key[1]}"


def graph_json(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    *,
    root: str = "",
    focus: tuple[str, str] | None = None,
) -> Markup:
    """The graph as the JSON ``static/graph.js`` reads, safe inside a ``<script>`` element
    of type ``application/json`` (every ``<``, ``>`` and ``&`` escaped)."""
    data = {
        "focus": _node_id(focus) if focus else None,
        "relations": {
            name: {"words": words, "colour": colour, "line": line}
            for name, (words, colour, line) in RELATION_STYLES.items()
        },
        "kinds": KIND_COLOURS,
        "nodes": [
            {
                "id": _node_id((n.kind, n.record_id)),
                "kind": n.kind,
                "label": n.label,
                "url": root + n.url,
            }
            for n in nodes
        ],
        "edges": [
            {
                "source": _node_id(e.source),
                "target": _node_id(e.target),
                "relation": e.relation,
            }
            for e in edges
        ],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    safe = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(safe)
