"""The dataset card: YAML that the Hub and `datasets` accept, the prose, generated tables."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import datasets
import pytest
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs, known_task_ids
from huggingface_hub import DatasetCard

from dnnd_dataset.publishing.card import (
    CARD_TAGS,
    NerSummary,
    card_metadata,
    render_card,
    size_category,
    type_name,
)
from dnnd_dataset.publishing.dataset_meta import WrittenTable, bibtex, data_file
from dnnd_dataset.publishing.hf_features import features
from dnnd_dataset.publishing.publish import CARD_PROSE
from dnnd_dataset.records import TABLES

from .synthetic import PER_DOCUMENT, ner

RESOURCES = Path(datasets.__file__).parent / "utils" / "resources"
PROSE = CARD_PROSE.read_text(encoding="utf-8")

# The Hub's subtasks of token-classification (huggingface.js, packages/tasks/src/pipelines.ts);
# datasets ships the task names (known_task_ids) but not their subtasks.
TOKEN_CLASSIFICATION_SUBTASKS = {
    "named-entity-recognition",
    "part-of-speech",
    "parsing",
    "lemmatization",
    "word-sense-disambiguation",
    "coreference-resolution",
}


def _tables() -> list[WrittenTable]:
    return [
        WrittenTable(name, data_file(name), index + 1, 100 * (index + 1), 50 + index, "0" * 64)
        for index, name in enumerate(TABLES)
    ]


@pytest.fixture(scope="module")
def card() -> DatasetCard:
    text = render_card(_tables(), version="1.2.3", prose=PROSE, per_document=PER_DOCUMENT)
    return DatasetCard(text)


@pytest.fixture(scope="module")
def data(card: DatasetCard) -> dict[str, Any]:
    """The card's metadata as huggingface_hub parsed it."""
    parsed: dict[str, Any] = card.data.to_dict()  # type: ignore[no-untyped-call]
    return parsed


def _resource(name: str) -> Any:
    return json.loads((RESOURCES / name).read_text(encoding="utf-8"))


def test_tag_values_are_in_the_lists_datasets_ships(data: dict[str, Any]) -> None:
    creators = _resource("creators.json")
    assert set(data["annotations_creators"]) <= set(creators["annotations"])
    assert set(data["language_creators"]) <= set(creators["language"])
    assert set(data["multilinguality"]) <= set(_resource("multilingualities.json"))
    assert set(data["size_categories"]) <= set(_resource("size_categories.json"))
    assert set(data["language"]) <= set(_resource("languages.json"))
    assert set(data["task_categories"]) <= set(known_task_ids)


def test_task_ids_are_hub_subtasks_of_the_task(data: dict[str, Any]) -> None:
    assert data["task_categories"] == ["token-classification"]
    assert set(data["task_ids"]) <= TOKEN_CLASSIFICATION_SUBTASKS


def test_license_language_and_name(data: dict[str, Any]) -> None:
    # Not "cc-by-4.0" alone: the Hub would show the publishers' texts as CC BY.
    assert data["license"] == "other"
    assert data["license_name"] == "cc-by-4.0-annotations-and-publishers-texts"
    assert data["license_link"] == "README.md"
    assert data["language"] == ["vi"]
    assert data["pretty_name"] == CARD_TAGS["pretty_name"]
    assert data["size_categories"] == ["n<1K"]


def test_configs_parse_with_datasets_own_reader(card: DatasetCard) -> None:
    configs = MetadataConfigs.from_dataset_card_data(card.data)
    assert list(configs) == list(TABLES)
    for name, config in configs.items():
        assert config["data_files"] == [
            {"split": "train", "path": f"data/{name}/train-00000-of-00001.parquet"}
        ]
    assert configs.get_default_config_name() == "articles"


def test_dataset_info_declares_features_and_sizes(data: dict[str, Any]) -> None:
    infos = {info["config_name"]: info for info in data["dataset_info"]}
    assert list(infos) == list(TABLES)
    for table in _tables():
        info = infos[table.name]
        (read,) = DatasetInfosDict.from_dataset_card_data({"dataset_info": info}).values()
        assert read.features == features(table.name)
        assert info["splits"] == [
            {"name": "train", "num_bytes": table.num_bytes, "num_examples": table.num_rows}
        ]
        assert (info["download_size"], info["dataset_size"]) == (table.file_size, table.num_bytes)


def test_prose_follows_the_yaml_header(card: DatasetCard) -> None:
    assert card.text.lstrip().startswith(PROSE.strip())


def test_generated_field_tables(card: DatasetCard) -> None:
    text = card.text
    assert "| `participants[].position` | string | yes | " in text
    assert "| `boilerplate[].start` | int32 | no | " in text
    assert "| `page_date` | date32 | yes | " in text
    assert "| `credits` | list<struct> | no | " in text
    assert "| `other_names` | list<string> | no | " in text
    assert "Generated from the record models for version 1.2.3." in text
    for table in _tables():
        assert f"### {table.name}\n" in text
        assert f"| `{table.name}` | {table.num_rows} | `{table.path}` |" in text


def test_per_document_counts(card: DatasetCard) -> None:
    assert (
        "| article_id | mentions | evidence |\n"
        "|---|---:|---:|\n"
        "| `hoi-nghi-2011` | 9 | 3 |\n"
        "| `tong-ket-2021` | 8 | 0 |"
    ) in card.text


def test_ner_section_lists_each_tag_with_its_index_and_counts() -> None:
    summary = NerSummary()
    summary.add(row.model_dump() for row in ner())
    text = render_card(_tables(), version="1", prose=PROSE, ner=summary)
    protocol = text.index("## The `ner` config: evaluation protocol")
    section = text[text.index("## The `ner` config: tags and counts") : protocol]
    assert section == (
        "## The `ner` config: tags and counts\n\n"
        "Generated from the `ner` table: 10 sentences, 148 tokens. `ner_tags` holds the index "
        'of each tag; `features["ner_tags"].feature.names` lists them in this order.\n\n'
        "| index | tag | tokens |\n|---:|---|---:|\n"
        "| 0 | `O` | 85 |\n| 1 | `B-PERSON` | 4 |\n| 2 | `I-PERSON` | 7 |\n"
        "| 3 | `B-ORGANIZATION` | 6 |\n| 4 | `I-ORGANIZATION` | 12 |\n"
        "| 5 | `B-DIRECTIVE` | 2 |\n| 6 | `I-DIRECTIVE` | 13 |\n"
        "| 7 | `B-MEETING` | 3 |\n| 8 | `I-MEETING` | 14 |\n"
        "| 9 | `B-LOCATION` | 1 |\n| 10 | `I-LOCATION` | 1 |\n\n"
        "| label | spans (B- tags) |\n|---|---:|\n"
        "| PERSON | 4 |\n| ORGANIZATION | 6 |\n| DIRECTIVE | 2 |\n| MEETING | 3 |\n"
        "| LOCATION | 1 |\n\n"
    )
    rows = [line for line in text[protocol:].splitlines() if line.startswith("| fold-")]
    counts = Counter(row.article_id for row in ner())
    first, second = sorted(counts)
    split = counts[first]
    total = split + counts[second]
    assert rows == [
        f"| fold-0 | `{first}` | `train[{split}:{total}]` | none | `train[0:{split}]` |",
        f"| fold-1 | `{second}` | `train[0:{split}]` | none | `train[{split}:{total}]` |",
    ]


def test_the_card_prose_documents_the_ner_config() -> None:
    for words in (
        "### The `ner` config",
        "outermost mention is tagged",
        "`mention-splits-token`",
        "Why rules and no Vietnamese tokenizer library",
    ):
        assert words in PROSE


def test_no_per_document_section_without_counts() -> None:
    text = render_card(_tables(), version="1", prose=PROSE)
    assert "## Counts per document" not in text


def test_table_cells_escape_pipes() -> None:
    text = render_card(_tables(), version="1", prose=PROSE, per_document=None)
    for line in text.splitlines():
        if line.startswith("| `") and line.count("|") != 5:
            pytest.fail(f"a cell leaks a pipe: {line}")


def test_same_input_same_text() -> None:
    first = render_card(_tables(), version="1", prose=PROSE, per_document=PER_DOCUMENT)
    assert first == render_card(_tables(), version="1", prose=PROSE, per_document=PER_DOCUMENT)


@pytest.mark.parametrize(
    ("rows", "category"),
    [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (99_999, "10K<n<100K"), (10**7, "10M<n<100M")],
)
def test_size_category(rows: int, category: str) -> None:
    assert size_category(rows) == category
    assert category in _resource("size_categories.json")


def test_metadata_is_deterministic_data() -> None:
    assert card_metadata(_tables()) == card_metadata(_tables())


def test_type_names_are_the_spec_names() -> None:
    import pyarrow as pa

    assert type_name(pa.date32()) == "date32"
    assert type_name(pa.list_(pa.struct([("a", pa.int32())]))) == "list<struct>"
    assert type_name(pa.bool_()) == "bool"


# The prose itself: the sections the Hugging Face template asks for, and the facts it owes.
TEMPLATE_SECTIONS = [
    "## Dataset Details",
    "### Dataset Description",
    "### Dataset Sources",
    "## Uses",
    "### Direct Use",
    "### Out-of-Scope Use",
    "## Dataset Structure",
    "## Dataset Creation",
    "### Curation Rationale",
    "#### Data Collection and Processing",
    "#### Who are the source data producers?",
    "#### Annotation process",
    "#### Who are the annotators?",
    "#### Personal and Sensitive Information",
    "## Bias, Risks, and Limitations",
    "## Licensing",
    "## Citation",
]


def test_prose_has_the_template_sections_in_order() -> None:
    headings = [line for line in PROSE.splitlines() if line.startswith("#")]
    positions = [headings.index(section) for section in TEMPLATE_SECTIONS]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "fact",
    [
        "Trương Tấn Sang",
        "Chỉ thị 04-CT/TW",
        "Nhân Dân",
        "U+00D0",
        "Công luận",
        "Trần Quốc Vượng",
        "Báo Gia Lai",
        "Chỉ thị 12-CT/TW",
        "Nguyễn Huy Tăng",
        "vufo.org.vn",
        "SHA-256",
        "CC BY 4.0",
    ],
)
def test_prose_names_the_sources_and_terms(fact: str) -> None:
    assert fact in PROSE


def test_prose_has_one_bibtex_entry() -> None:
    entry = bibtex(PROSE)
    assert entry.startswith("@misc{dnnd_dataset,") and entry.endswith("}")


def test_prose_has_no_placeholders() -> None:
    assert not re.search(r"TODO|TBD|\[More Information Needed\]|\{\{ ", PROSE)
