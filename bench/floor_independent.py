"""An independent floor: the least work for the same bytes, written without the builder's code.

    python bench/floor_independent.py RAW [--out DIR]

It imports nothing of ``dnnd_dataset``: it reads every file under ``RAW``, parses each YAML
file with libyaml (``yaml.CSafeLoader``), finds the syllable tokens of every text in one
regular-expression pass, and writes about the rows the build writes as zstd Parquet with
pyarrow: per article one ``articles`` row (its text twice, as the text and its normalized
form), a ``mentions`` row per occurrence of each mention's quote (every occurrence for
``all: true``), an ``evidence`` row per quote of the annotation and of every registry entry,
a ``ner`` row per sentence (its tokens, offsets and a tag per token), and a row per registry
entry. Nothing is checked. It prints the wall time and the rows per table as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

# Syllables, numbers and single punctuation marks; a line break ends a sentence too.
TOKEN = re.compile(r"\n|\w+|[^\w\s]")
SENTENCE_END = frozenset({".", "!", "?", "\n"})
OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 9, "version": "2.6"}
# Rows converted to Arrow at a time: an article holds its text twice, so fewer of them.
BATCH = {"articles": 500}
DEFAULT_BATCH = 20_000


def _yaml(path: Path) -> Any:
    return yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def _quotes(node: Any) -> Iterator[str]:
    """Every ``quote`` below a YAML node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "quote" and isinstance(value, str):
                yield value
            else:
                yield from _quotes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _quotes(item)


class _Table:
    """Rows of one table, written to its Parquet file a batch at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.batch = BATCH.get(path.stem, DEFAULT_BATCH)
        self.rows: list[dict[str, Any]] = []
        self.writer: pq.ParquetWriter | None = None
        self.count = 0

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        table = pa.Table.from_pylist(self.rows)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema, **OPTIONS)
        self.writer.write_table(table.cast(self.writer.schema))
        self.count += len(self.rows)
        self.rows = []

    def close(self) -> None:
        self.flush()
        if self.writer is not None:
            self.writer.close()


def _article(stem: str, text: str, annotation: dict[str, Any], tables: dict[str, _Table]) -> None:
    tables["articles"].add(
        {"article_id": stem, "title": str(annotation.get("title")), "text": text, "norm": text}
    )
    for mention in annotation.get("mentions") or []:
        quote = mention.get("quote", "")
        if not quote:
            continue
        start = text.find(quote)
        for _ in range(text.count(quote) if mention.get("all") else 1):
            tables["mentions"].add(
                {"article_id": stem, "start": start, "end": start + len(quote), "text": quote}
            )
    for quote in _quotes({key: value for key, value in annotation.items() if key != "mentions"}):
        start = text.find(quote)
        tables["evidence"].add(
            {"article_id": stem, "start": start, "end": start + len(quote), "quote": quote}
        )
    tokens: list[str] = []
    starts: list[int] = []
    index = 0
    for match in TOKEN.finditer(text):
        token = match.group()
        if token != "\n":
            tokens.append(token)
            starts.append(match.start())
        if token in SENTENCE_END and tokens:
            tables["ner"].add(
                {
                    "article_id": stem,
                    "sentence_index": index,
                    "start": starts[0],
                    "end": match.end(),
                    "text": text[starts[0] : match.end()],
                    "tokens": tokens,
                    "ner_tags": [0] * len(tokens),
                }
            )
            index += 1
            tokens, starts = [], []


def floor(raw: Path, out: Path) -> dict[str, int]:
    names = ("articles", "mentions", "evidence", "ner", "registries")
    tables = {name: _Table(out / f"{name}.parquet") for name in names}
    documents = raw / "documents"
    for name in sorted(os.listdir(documents)):
        if not name.endswith(".txt"):
            continue
        stem = name[:-4]
        text = (documents / name).read_bytes().decode("utf-8")
        _article(stem, text, _yaml(documents / f"{stem}.yaml"), tables)
    for path in sorted((raw / "registry").rglob("*.yaml")):
        entry = _yaml(path)
        tables["registries"].add(
            {
                "id": entry.get("id"),
                "name": entry.get("name"),
                "data": json.dumps(entry, default=str),
            }
        )
        for quote in _quotes(entry):
            tables["evidence"].add({"article_id": "", "start": 0, "end": 0, "quote": quote})
    for table in tables.values():
        table.close()
    return {name: table.count for name, table in tables.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="keep the files in DIR")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        rows = floor(args.raw, args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="floor-") as scratch:
            rows = floor(args.raw, Path(scratch))
    print(json.dumps({"seconds": round(time.perf_counter() - started, 2), "rows": rows}))


if __name__ == "__main__":
    main()
