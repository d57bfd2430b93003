"""The ``ner`` table's columns made from its articles' layers in bulk, with no object per token.

A ``ner`` row holds, for every token of its sentence, the token's text, its two offsets, a
tag and an entity id: most of the published bytes, and most of the Python objects a
build would make. Here the tokens' strings are cut from the UTF-8 bytes of a run of
articles in one numpy gather, and every list column is an Arrow list over one flat column,
so the cost of a token is a few array elements. The table equals ``pa.Table.from_pylist``
of the layers' rows (``NerLayer.rows``), value for value; the tests check that on random
texts and spans.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from dnnd_dataset.bio import OUTSIDE, TaggedSpan
from dnnd_dataset.checking.ner_table import NerLayer
from dnnd_dataset.records import NER_TAGS

# Text per Arrow string array at most, in code points: four bytes each stay within the
# 32-bit offsets of Arrow's strings.
_GROUP_CODE_POINTS = (2**31 - 1) // 4
_TAG = {tag: index for index, tag in enumerate(NER_TAGS)}

Ints = npt.NDArray[np.int64]


def ner_table(layers: Sequence[NerLayer], schema: pa.Schema) -> pa.Table:
    """The ``ner`` rows of ``layers``, in their order, as a table of ``schema``.

    Raises ``ValueError`` for a flat span that is not whole tokens of one sentence, or that
    overlaps another, as ``ner_rows`` does.
    """
    parts = [_table(group, schema) for group in _groups(layers)]
    if len(parts) == 1:
        return parts[0]
    return pa.concat_tables(parts) if parts else schema.empty_table()


def _groups(layers: Sequence[NerLayer]) -> Iterator[Sequence[NerLayer]]:
    first = 0
    size = 0
    for index, layer in enumerate(layers):
        if index > first and size + len(layer.text) > _GROUP_CODE_POINTS:
            yield layers[first:index]
            first, size = index, 0
        size += len(layer.text)
    if first < len(layers):
        yield layers[first:]


def _table(layers: Sequence[NerLayer], schema: pa.Schema) -> pa.Table:
    text = "".join(layer.text for layer in layers)
    # Where each article's text begins in ``text``, in code points.
    base = _cumulative([len(layer.text) for layer in layers])
    sizes = np.concatenate([np.asarray(layer.sizes, np.int64) for layer in layers])
    bounds = np.concatenate([np.asarray(layer.bounds, np.int64) for layer in layers])
    sentences_of = np.fromiter((len(layer.sizes) for layer in layers), np.int64, len(layers))
    tokens_of = np.fromiter((len(layer.bounds) // 2 for layer in layers), np.int64, len(layers))
    # Token bounds in ``text``: sorted, since articles follow one another.
    starts = _ints(bounds[0::2] + np.repeat(base[:-1], tokens_of))
    ends = _ints(bounds[1::2] + np.repeat(base[:-1], tokens_of))
    first_token = _cumulative(sizes)
    byte_at = _byte_offsets(text)
    data = np.frombuffer(text.encode("utf-8"), np.uint8) if text else np.zeros(0, np.uint8)
    sentence_starts = starts[first_token[:-1]]
    sentence_ends = ends[first_token[1:] - 1]
    sentence_base = np.repeat(base[:-1], sentences_of)
    first_sentence = np.repeat(_cumulative(sentences_of)[:-1], sentences_of)
    tags, entity_ids = _tags(layers, base, starts, ends, first_token)
    list_offsets = pa.array(first_token, pa.int32())
    columns = {
        "article_id": [layer.article_id for layer in layers for _ in layer.sizes],
        "sentence_index": np.arange(len(sizes)) - first_sentence,
        "start": sentence_starts - sentence_base,
        "end": sentence_ends - sentence_base,
        "text": _strings(data, byte_at[sentence_starts], byte_at[sentence_ends]),
        "tokens": _strings(data, byte_at[starts], byte_at[ends]),
        "token_starts": bounds[0::2],
        "token_ends": bounds[1::2],
        "ner_tags": tags,
        "entity_ids": entity_ids,
    }
    arrays = []
    for field in schema:
        if isinstance(field.type, pa.ListType):
            element = _array(columns[field.name], field.type.value_type)
            arrays.append(pa.ListArray.from_arrays(list_offsets, element, type=field.type))
        else:
            arrays.append(_array(columns[field.name], field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _array(values: object, kind: pa.DataType) -> pa.Array:
    return values if isinstance(values, pa.Array) else pa.array(values, kind)


def _ints(values: npt.ArrayLike) -> Ints:
    return np.asarray(values, np.int64)


def _cumulative(counts: Sequence[int] | Ints) -> Ints:
    """0 and the running sums of ``counts``: where each part begins, and the end."""
    found = np.zeros(len(counts) + 1, np.int64)
    np.cumsum(counts, out=found[1:])
    return found


def _byte_offsets(text: str) -> Ints:
    """The UTF-8 offset of each code point of ``text``, and of its end."""
    points = np.frombuffer(text.encode("utf-32-le"), np.uint32) if text else np.zeros(0, np.uint32)
    widths = 1 + (points >= 0x80).astype(np.int64) + (points >= 0x800) + (points >= 0x10000)
    return _cumulative(widths)


def _strings(data: npt.NDArray[np.uint8], starts: Ints, ends: Ints) -> pa.Array:
    """The strings ``data[starts[i]:ends[i]]`` as one Arrow array: ranges in order, apart."""
    # +1 where a string begins, -1 where it ends: the running sum is 1 on the bytes kept.
    edges = np.zeros(len(data) + 1, np.int8)
    edges[starts] += 1
    edges[ends] -= 1
    kept = np.cumsum(edges[:-1], dtype=np.int8).view(np.bool_)
    return pa.StringArray.from_buffers(
        len(starts),
        pa.py_buffer(_cumulative(ends - starts).astype(np.int32)),
        pa.py_buffer(data[kept]),
    )


def _tags(
    layers: Sequence[NerLayer], base: Ints, starts: Ints, ends: Ints, first_token: Ints
) -> tuple[Ints, pa.Array]:
    """The tag index and entity id of every token: ``O`` and null outside the flat spans."""
    spans: list[tuple[TaggedSpan, int]] = []
    for layer, at in zip(layers, base.tolist(), strict=False):
        for span in layer.flat:
            if not 0 <= span.start < span.end <= len(layer.text):
                raise ValueError(f"{span} lies outside the text")
            spans.append((span, at))
    span_starts = np.fromiter((span.start + at for span, at in spans), np.int64, len(spans))
    span_ends = np.fromiter((span.end + at for span, at in spans), np.int64, len(spans))
    first = np.searchsorted(starts, span_starts)
    last = np.searchsorted(starts, span_ends) - 1
    inside = first < len(starts)
    whole = inside & (last >= first)
    whole[whole] &= (starts[first[whole]] == span_starts[whole]) & (
        ends[last[whole]] == span_ends[whole]
    )
    if not whole.all():
        wrong = spans[int(np.argmin(whole))][0]
        raise ValueError(f"{wrong} does not start and end on token boundaries")
    sentence = np.searchsorted(first_token, first, side="right")
    apart = last >= first_token[sentence]
    if apart.any():
        raise ValueError(f"{spans[int(np.argmax(apart))][0]} lies outside every sentence")
    # The span (numbered from 1) that covers each token, from +k where it begins and -k
    # after it ends; spans that overlap would cover a token twice.
    edges = np.zeros(len(starts) + 1, np.int64)
    np.add.at(edges, first, 1)
    np.add.at(edges, last + 1, -1)
    if (np.cumsum(edges) > 1).any():
        raise ValueError("a span overlaps another span")
    numbered = np.zeros(len(starts) + 1, np.int64)
    numbered[first] += np.arange(1, len(spans) + 1)
    numbered[last + 1] -= np.arange(1, len(spans) + 1)
    covering = np.cumsum(numbered[:-1])
    inner = np.array([OUTSIDE] + [_TAG[f"I-{span.label}"] for span, _ in spans], np.int64)
    tags = inner[covering]
    tags[first] = [_TAG[f"B-{span.label}"] for span, _ in spans]
    ids = pa.array([None] + [span.entity_id for span, _ in spans], pa.string())
    taken = ids.take(pa.array(covering))
    if taken.null_count == 0:  # no validity bitmap then, as Arrow builds one from a list
        taken = pa.StringArray.from_buffers(len(taken), *taken.buffers()[1:], null_count=0)
    return tags, taken
