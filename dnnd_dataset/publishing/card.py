"""The dataset card (the output ``README.md``): generated YAML, the prose, generated tables.

The YAML header is what the Hugging Face Hub and ``datasets`` read: a config per table with
its data file, and ``dataset_info`` with the features and sizes. Its tag values come from
the lists that ``datasets`` ships in ``datasets/utils/resources/`` (creators,
multilingualities, size categories, languages) and from the Hub's task taxonomy. The prose
comes from ``DATASET_CARD.md``; the field tables after it are generated from the schema,
so they cannot drift from the files.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from dnnd_dataset.checking.counts_table import CountsTable
from dnnd_dataset.publishing import dataset_meta
from dnnd_dataset.publishing.arrow_fields import (
    DESCRIPTION_KEY,
    admits_null,
    model_fields,
    table_spec,
)
from dnnd_dataset.publishing.dataset_meta import WrittenTable
from dnnd_dataset.publishing.hf_memo import dataset_info
from dnnd_dataset.publishing.ner_protocol import FIXED_SPLITS_FROM, folds
from dnnd_dataset.records import MENTION_LABELS, NER_TAGS

# Hub tags. `token-classification` / `named-entity-recognition` is the Hub's task and subtask
# for span annotation; the other values are in the lists datasets ships.
CARD_TAGS: dict[str, Any] = {
    "pretty_name": dataset_meta.PRETTY_NAME,
    **dataset_meta.HUB_LICENSE,
    "language": ["vi"],
    "multilinguality": ["monolingual"],
    "language_creators": ["found"],
    "annotations_creators": ["expert-generated"],
    "source_datasets": ["original"],
    "task_categories": ["token-classification"],
    "task_ids": ["named-entity-recognition"],
    "tags": ["people-diplomacy", "vietnamese", "news", "entity-linking", "political-texts"],
}

# Upper bounds of the Hub's size categories, smallest first.
_SIZE_CATEGORIES: tuple[tuple[int, str], ...] = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
)


def size_category(num_rows: int) -> str:
    """The Hub size category of a dataset with this many rows in all."""
    for bound, category in _SIZE_CATEGORIES:
        if num_rows < bound:
            return category
    return "10M<n<100M"


def card_metadata(tables: Sequence[WrittenTable]) -> dict[str, Any]:
    """The YAML header of the card, as data."""
    return {
        **CARD_TAGS,
        "size_categories": [size_category(sum(table.num_rows for table in tables))],
        "configs": [_config(table, default=index == 0) for index, table in enumerate(tables)],
        "dataset_info": [
            dataset_info(
                table.name,
                num_examples=table.num_rows,
                num_bytes=table.num_bytes,
                download_size=table.file_size,
            )
            for table in tables
        ],
    }


def render_card(
    tables: Sequence[WrittenTable],
    *,
    version: str,
    prose: str,
    per_document: Mapping[str, Mapping[str, int]] | None = None,
    ner: NerSummary | None = None,
) -> str:
    """The whole README.md: YAML header, the prose, then the generated sections."""
    header = yaml.safe_dump(card_metadata(tables), sort_keys=False, allow_unicode=True, width=1000)
    sections = [prose.strip(), _tables_section(tables, version)]
    if ner is not None:
        sections.append(_ner_section(ner))
    if per_document:
        sections.append(_per_document_section(per_document))
    return f"---\n{header}---\n\n" + "\n\n".join(sections) + "\n"


def _config(table: WrittenTable, *, default: bool) -> dict[str, Any]:
    config: dict[str, Any] = {
        "config_name": table.name,
        "data_files": [{"split": dataset_meta.SPLIT, "path": table.path}],
    }
    # Without a default, load_dataset(folder) with no config name fails.
    if default:
        config["default"] = True
    return config


def _tables_section(tables: Sequence[WrittenTable], version: str) -> str:
    total = sum(table.num_rows for table in tables)
    lines = [
        "## Tables and fields",
        "",
        f"Generated from the record models for version {version}. Each table is a config "
        f"with one split, `{dataset_meta.SPLIT}`, in one Parquet file "
        "(numbered shards once a table is large); "
        f"{total} rows in all. "
        "A nested field is written `column[].member` (a list of structs) or "
        "`column.member` (a struct).",
        "",
        "| table | rows | file | description |",
        "|---|---:|---|---|",
    ]
    for table in tables:
        description = table_spec(table.name).description
        lines.append(
            f"| `{table.name}` | {table.num_rows} | `{table.path}` | {_cell(description)} |"
        )
    for table in tables:
        lines += ["", *_field_table(table)]
    return "\n".join(lines)


def _field_table(table: WrittenTable) -> list[str]:
    spec = table_spec(table.name)
    lines = [
        f"### {table.name}",
        "",
        f"{spec.description} {table.num_rows} rows.",
        "",
        "| column | type | nullable | description |",
        "|---|---|---|---|",
    ]
    for column, field in _flatten(model_fields(spec.model), prefix=""):
        lines.append(
            f"| `{column}` | {_cell(type_name(field.type))} | "
            f"{'yes' if admits_null(field) else 'no'} | "
            f"{_cell(field.metadata[DESCRIPTION_KEY].decode())} |"
        )
    return lines


def _flatten(fields: Sequence[pa.Field], prefix: str) -> list[tuple[str, pa.Field]]:
    """Every field with its dotted path, a struct's members right after the struct."""
    rows: list[tuple[str, pa.Field]] = []
    for field in fields:
        column = f"{prefix}{field.name}"
        rows.append((column, field))
        arrow_type = field.type
        if pa.types.is_list(arrow_type) and pa.types.is_struct(arrow_type.value_type):
            rows += _flatten(arrow_type.value_type.fields, prefix=f"{column}[].")
        elif pa.types.is_struct(arrow_type):
            rows += _flatten(arrow_type.fields, prefix=f"{column}.")
    return rows


def type_name(arrow_type: pa.DataType) -> str:
    """A short type name: members of a struct are listed as rows of their own."""
    if pa.types.is_list(arrow_type):
        return f"list<{type_name(arrow_type.value_type)}>"
    if pa.types.is_struct(arrow_type):
        return "struct"
    # The SPEC's names, not pyarrow's ("date32[day]").
    if pa.types.is_date32(arrow_type):
        return "date32"
    if pa.types.is_boolean(arrow_type):
        return "bool"
    return str(arrow_type)


@dataclasses.dataclass
class NerSummary:
    """How many sentences the ``ner`` table has and how often each tag occurs, row by row."""

    sentences: int = 0
    tags: Counter[int] = dataclasses.field(default_factory=Counter)
    # Sentences per article: the folds of the evaluation protocol.
    articles: Counter[str] = dataclasses.field(default_factory=Counter)

    def add(self, rows: Iterable[Mapping[str, Any]] | pa.Table) -> None:
        if isinstance(rows, pa.Table):
            self.sentences += rows.num_rows
            counted = pc.value_counts(pc.list_flatten(rows.column("ner_tags")))
            for item in counted.to_pylist():
                self.tags[item["values"]] += item["counts"]
            for item in pc.value_counts(rows.column("article_id")).to_pylist():
                self.articles[item["values"]] += item["counts"]
            return
        for row in rows:
            self.sentences += 1
            self.tags.update(row["ner_tags"])
            self.articles[row["article_id"]] += 1


def _ner_section(ner: NerSummary) -> str:
    """The tag set with its ClassLabel indices, and how often each tag and label occurs."""
    tokens = ner.tags
    total = sum(tokens.values())
    lines = [
        "## The `ner` config: tags and counts",
        "",
        f"Generated from the `ner` table: {ner.sentences} sentences, {total} tokens. "
        "`ner_tags` holds the index of each tag; "
        '`features["ner_tags"].feature.names` lists them in this order.',
        "",
        "| index | tag | tokens |",
        "|---:|---|---:|",
    ]
    lines += [f"| {index} | `{tag}` | {tokens[index]} |" for index, tag in enumerate(NER_TAGS)]
    lines += ["", "| label | spans (B- tags) |", "|---|---:|"]
    lines += [f"| {label} | {tokens[NER_TAGS.index(f'B-{label}')]} |" for label in MENTION_LABELS]
    return "\n".join([*lines, "", _protocol_section(ner)])


def _protocol_section(ner: NerSummary) -> str:
    """The folds of the evaluation protocol, each split a ``datasets`` split instruction."""
    found = folds(sorted(ner.articles.items()))
    kind = (
        f"leave-one-article-out ({len(found)} folds; fixed splits from "
        f"{FIXED_SPLITS_FROM} articles on)"
        if len(ner.articles) < FIXED_SPLITS_FROM
        else "one fixed split by a hash of the article id"
    )
    lines = [
        "## The `ner` config: evaluation protocol",
        "",
        f"Generated from the `ner` table ({len(ner.articles)} articles): {kind}. Each split "
        'is a split instruction for `load_dataset(..., "ner", split=...)`; see the `ner` '
        "config section above for the protocol and a baseline.",
        "",
        "| fold | test articles | train split | validation split | test split |",
        "|---|---|---|---|---|",
    ]
    for fold in found:
        tested = ", ".join(f"`{article_id}`" for article_id in fold.test_articles)
        validation = f"`{fold.validation}`" if fold.validation else "none"
        lines.append(f"| {fold.name} | {tested} | `{fold.train}` | {validation} | `{fold.test}` |")
    return "\n".join(lines)


def _per_document_section(per_document: Mapping[str, Mapping[str, int]]) -> str:
    table = per_document if isinstance(per_document, CountsTable) else _as_table(per_document)
    columns: list[str] = []
    for part in table.parts:
        columns += [column for column in part.names if column not in columns]
    # Each document's cells, from the columns of its part: no dictionary per document.
    cells: dict[str, str] = {}
    for part in table.parts:
        at = {column: index for index, column in enumerate(part.names)}
        zero = ["0"] * len(part.stems)
        lists = [
            [str(count) for count in part.columns[at[column]]] if column in at else zero
            for column in columns
        ]
        rows = map(" | ".join, zip(*lists, strict=True)) if lists else [""] * len(part.stems)
        cells.update(zip(part.stems, rows, strict=True))
    lines = [
        "## Counts per document",
        "",
        "| article_id | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    lines += [f"| `{article_id}` | {cells[article_id]} |" for article_id in sorted(cells)]
    return "\n".join(lines)


def _as_table(per_document: Mapping[str, Mapping[str, int]]) -> CountsTable:
    table = CountsTable()
    for article_id, counts in per_document.items():
        table.add(article_id, counts)
    return table


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
