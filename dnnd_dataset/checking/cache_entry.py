"""One document's check result, and the form the document cache keeps it in: data, never code.

An entry is JSON, read back through a strict Pydantic schema: whatever its bytes, reading
one gives a result of the declared shape or nothing (the document is then checked afresh).
Nothing in it names a type or a callable, so no entry can run code, as a pickle could.

An entry leaves out what the files give again: the text, decoded again from the bytes that
the entry's key binds; the annotation's line table, needed only to locate a problem; the
``ner`` rows, whose layer it keeps as the bytes of its token bounds (base64; two bytes for
each where the text is short enough, half of what an entry would hold else) and its
sentence sizes, the flat layer following from the mention rows. Rows are kept as columns
(each column's name once, then its values) and keep their columns' order and values:
JSON's strings, whole numbers, booleans, null and lists are all a row holds.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from pydantic import ConfigDict, TypeAdapter, ValidationError, with_config

from dnnd_dataset.checking.document_rows import Row, StatedPosition, flat_spans
from dnnd_dataset.checking.ner_table import NerLayer
from dnnd_dataset.checking.state import ResolvedSpans
from dnnd_dataset.errors import Issue
from dnnd_dataset.reading.anchoring import AnchorKey, Span
from dnnd_dataset.reading.raw_loading import Located, SourceText
from dnnd_dataset.reading.raw_models import DocumentAnnotation
from dnnd_dataset.reading.rawio import LoadedYaml, Loc


@dataclass
class DocumentResult:
    """What checking one document gives apart from the checks that read every registry entry.

    This is what the document cache keeps.
    """

    stem: str
    source: SourceText | None
    document: Located[DocumentAnnotation] | None
    unreadable: bool
    issues: list[Issue]
    resolved: ResolvedSpans | None
    spans: dict[tuple[str, AnchorKey], Span]
    used: list[str]
    used_digest: str
    # Items still marked as proposals, per annotation file.
    proposals: dict[str, int] = field(default_factory=dict)
    # mentions and evidence rows, the ner rows' layer, and the stated positions; None
    # with any issue.
    rows: dict[str, list[Row]] | None = None
    ner: NerLayer | None = None
    positions: list[StatedPosition] = field(default_factory=list)


@with_config(ConfigDict(strict=True))
@dataclass(frozen=True)
class _Entry:
    stem: str
    # Where the text was read, as problems name it; None when it was not read.
    text_shown: str | None
    annotation: DocumentAnnotation | None
    annotation_shown: str
    annotation_loc: Loc
    unreadable: bool
    issues: list[Issue]
    resolved: ResolvedSpans | None
    # The resolved anchors in the order they were resolved: (article, anchor, span).
    spans: list[tuple[str, AnchorKey, Span]]
    used: list[str]
    used_digest: str
    proposals: dict[str, int]
    # JSON values, given back as they were: checking each one would double the time an
    # entry takes to read, and the seal already says that the cache wrote them.
    rows: dict[str, dict[str, list[Any]]] | None
    # The ner layer's token bounds (base64), sentence sizes and the bytes of each bound
    # (``_narrow``), with the rows.
    ner: tuple[str, list[int], int] | None
    positions: list[StatedPosition]


_ADAPTER: TypeAdapter[_Entry] = TypeAdapter(_Entry)


def to_entry(result: DocumentResult) -> bytes:
    """The result as the cache keeps it (the text and the line table left out)."""
    layer = result.ner
    ner = None
    if layer is not None:
        bounds, width = _narrow(layer.bounds_bytes())
        ner = (base64.b64encode(bounds).decode("ascii"), layer.sizes.tolist(), width)
    document = result.document
    entry = _Entry(
        stem=result.stem,
        text_shown=result.source.shown if result.source is not None else None,
        annotation=document.model if document is not None else None,
        annotation_shown=document.shown if document is not None else "",
        annotation_loc=document.loc if document is not None else (),
        unreadable=result.unreadable,
        issues=result.issues,
        resolved=result.resolved,
        spans=[(article, anchor, span) for (article, anchor), span in result.spans.items()],
        used=result.used,
        used_digest=result.used_digest,
        proposals=result.proposals,
        rows=(
            {table: _columns(rows) for table, rows in result.rows.items()}
            if result.rows is not None
            else None
        ),
        ner=ner,
        positions=result.positions,
    )
    return _ADAPTER.dump_json(entry)


def from_entry(entry: bytes, stem: str, text: bytes) -> DocumentResult | None:
    """The result an entry holds, or None when it is not one of ``stem``'s.

    ``text`` is the bytes of the text file that the entry's key was made from.
    """
    try:
        kept = _ADAPTER.validate_json(entry)
    except ValidationError:
        return None
    if kept.stem != stem:
        return None
    source = None
    if kept.text_shown is not None:
        # The bytes the sealed entry was made from, so they passed decode_text's checks then.
        try:
            source = SourceText(stem, kept.text_shown, text.decode("utf-8"))
        except UnicodeDecodeError:
            return None
    layer = None
    rows: dict[str, list[Row]] | None = None
    if kept.rows is not None:
        if (
            source is None
            or kept.annotation is None
            or kept.ner is None
            or set(kept.rows) != {"mentions", "evidence"}
        ):
            return None
        rows = {}
        for table, columns in kept.rows.items():
            found = _rows(columns)
            if found is None:
                return None
            rows[table] = found
        layer = _layer(kept.annotation.article_id, source.text, kept.ner, rows["mentions"])
        if layer is None:
            return None
    document = None
    if kept.annotation is not None:
        document = Located(
            kept.annotation, kept.annotation_shown, LoadedYaml(None, {}), kept.annotation_loc
        )
    return DocumentResult(
        stem=stem,
        source=source,
        document=document,
        unreadable=kept.unreadable,
        issues=kept.issues,
        resolved=kept.resolved,
        spans={(article, anchor): span for article, anchor, span in kept.spans},
        used=kept.used,
        used_digest=kept.used_digest,
        proposals=kept.proposals,
        rows=rows,
        ner=layer,
        positions=kept.positions,
    )


def _layer(
    article_id: str, text: str, kept: tuple[str, list[int], int], mentions: list[Row]
) -> NerLayer | None:
    """The ner layer an entry keeps, or None when it is not one the cache wrote."""
    try:
        # A character outside ASCII is a ValueError; outside the base64 alphabet, its subclass.
        data = _widened(base64.b64decode(kept[0], validate=True), kept[2])
        flat = flat_spans(mentions)
    except (ValueError, KeyError, TypeError):
        return None
    return NerLayer.of_bytes(article_id, text, data, kept[1], flat) if data is not None else None


def _columns(rows: list[Row]) -> dict[str, list[Any]]:
    """Rows of the same columns as each column's values."""
    if not rows:
        return {}
    return {column: [row[column] for row in rows] for column in rows[0]}


def _rows(columns: dict[str, list[Any]]) -> list[Row] | None:
    """The rows that :func:`_columns` gave ``columns`` of; None when their lengths differ."""
    names = list(columns)
    try:
        return [
            dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)
        ]
    except ValueError:
        return None


def _narrow(data: bytes) -> tuple[bytes, int]:
    """Little-endian int32s as their two low bytes when no other byte is set (every bound
    of a text shorter than 65,536 code points), and how many bytes each takes."""
    if (data[2::4] + data[3::4]).count(0) != len(data) // 2:
        return data, 4
    narrow = bytearray(len(data) // 2)
    narrow[0::2], narrow[1::2] = data[0::4], data[1::4]
    return bytes(narrow), 2


def _widened(data: bytes, width: int) -> bytes | None:
    """The little-endian int32s that :func:`_narrow` gave ``data`` of; None when it gave no
    such bytes."""
    if width == 4:
        return data
    if width != 2 or len(data) % 2:
        return None
    wide = bytearray(len(data) * 2)
    wide[0::4], wide[1::4] = data[0::2], data[1::2]
    return bytes(wide)
