"""An article's verbatim text as HTML, with overlapping spans marked up.

Spans come in layers (boilerplate, evidence quotes, mentions) that may nest or cross. HTML
elements can only nest, so a span that crosses another is split into fragments: the first
fragment carries the span's ``id``, every fragment carries its other attributes (so
``data-m`` counts each mention once however many fragments it has). Links never nest either:
only runs of plain text become ``<a>`` elements, each pointing at the innermost open span
that has an ``href`` and carrying that span's ``title``.

The text itself is escaped and otherwise unchanged: reading the ``textContent`` of the result
gives back exactly the article's text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Span:
    """One marked span: code-point offsets, the element to draw it with, and its layer.

    ``layer`` orders spans that start and end at the same offsets: a lower layer is drawn
    outside a higher one. ``href`` makes the span's text a link (the innermost one wins).
    """

    start: int
    end: int
    layer: int
    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    element_id: str | None = None
    href: str | None = None


def render(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` escaped, with every non-empty span in ``spans`` drawn as (fragments of) its
    element."""
    ordered = sorted(
        (s for s in spans if 0 <= s.start < s.end <= len(text)),
        key=lambda s: (s.start, -s.end, s.layer, s.tag, s.attrs, s.element_id or ""),
    )
    boundaries = sorted({0, len(text), *(s.start for s in ordered), *(s.end for s in ordered)})
    starting: dict[int, list[Span]] = {}
    for span in ordered:
        starting.setdefault(span.start, []).append(span)

    out: list[str] = []
    stack: list[Span] = []
    opened: set[int] = set()  # ids of spans whose first fragment is already written
    for position, following in zip(boundaries, [*boundaries[1:], None], strict=True):
        _close_ending(stack, position, out, opened)
        for span in starting.get(position, ()):
            _open(span, out, opened)
            stack.append(span)
        if following is None:
            break
        run = escape(text[position:following], quote=False)
        linked = next((s for s in reversed(stack) if s.href is not None), None)
        out.append(run if linked is None else _link(linked, run))
    return Markup("".join(out))


def _link(span: Span, run: str) -> str:
    # The span's title goes on the link too: a link is focusable, so a keyboard or screen
    # reader user gets the description (a mention's label and name) that a mouse gets on hover.
    title = dict(span.attrs).get("title")
    extra = f' title="{escape(title)}"' if title else ""
    return f'<a href="{escape(span.href or "")}"{extra}>{run}</a>'


def _close_ending(stack: list[Span], position: int, out: list[str], opened: set[int]) -> None:
    """Close every open span that ends at ``position``; spans inside one of them that go on
    are closed with it and reopened as continuation fragments."""
    deepest = max((i for i, s in enumerate(stack) if s.end == position), default=None)
    if deepest is None:
        return
    reopen: list[Span] = []
    while len(stack) > deepest:
        span = stack.pop()
        out.append(f"</{span.tag}>")
        if span.end != position:
            reopen.append(span)
    # The rest of the stack may still hold spans ending here, below the deepest one.
    _close_ending(stack, position, out, opened)
    for span in reversed(reopen):
        _open(span, out, opened)
        stack.append(span)


def _open(span: Span, out: list[str], opened: set[int]) -> None:
    attributes: list[tuple[str, str]] = []
    if span.element_id is not None and id(span) not in opened:
        attributes.append(("id", span.element_id))
    opened.add(id(span))
    attributes.extend(span.attrs)
    out.append(f"<{span.tag}{_attributes(attributes)}>")


def _attributes(pairs: Sequence[tuple[str, str]]) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in pairs)
