"""Mentions anywhere in a text: at offset 0, at the end, adjacent and nested.

Each example writes a small corpus (a few persons and organizations, one document whose text
is generated from their names and filler words), checks and assembles it, and compares the
mentions table with the spans the example placed. A sort key once turned offset 0 into ""
and crashed on a text that opened with a name; these inputs keep that class of bug out.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.cli import main

from .conftest import REPO

PERSONS = {"tran-quoc-vuong": "Trần Quốc Vượng", "hoang-binh-quan": "Hoàng Bình Quân"}
# "Hà Nội" is also a place on its own: a LOCATION inside an organization's name nests in it.
ORGANIZATIONS = {"uy-ban-nhan-dan-ha-noi": "Ủy ban nhân dân Hà Nội", "ban-bi-thu": "Ban Bí thư"}
NAMES = {**PERSONS, **ORGANIZATIONS}
FILLER = ["tiếp", "đoàn", "đại biểu", "tại", "ngày 19/7", "Ðảng"]
PLACE = "Hà Nội"
ARTICLE = "001-tin-ngan"


def write_corpus(raw: Path, text: str, mentions: list[dict[str, Any]]) -> None:
    """A raw folder of one document with the persons and organizations above."""
    registry = raw / "registry"
    registry.mkdir(parents=True)
    entries: dict[str, list[dict[str, str]]] = {
        "persons": [{"id": key, "name": name} for key, name in PERSONS.items()],
        "organizations": [
            {"id": key, "name": name, "kind": "state_body"} for key, name in ORGANIZATIONS.items()
        ],
        "directives": [],
        "meetings": [],
    }
    for name, items in entries.items():
        (registry / name).mkdir()
        for item in items:
            dump = yaml.safe_dump(item, allow_unicode=True, sort_keys=False)
            (registry / name / f"{item['id']}.yaml").write_text(dump, encoding="utf-8")
    documents = raw / "documents"
    documents.mkdir()
    (documents / f"{ARTICLE}.txt").write_text(text, encoding="utf-8")
    annotation = {
        "article_id": ARTICLE,
        "source_file": f"{ARTICLE}.txt",
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "title": {"quote": text[: min(len(text), 4)], "occurrence": 1},
        "mentions": mentions,
    }
    (documents / f"{ARTICLE}.yaml").write_text(
        yaml.safe_dump(annotation, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def occurrence(text: str, quote: str, start: int) -> int:
    """The 1-based number of the occurrence of ``quote`` that starts at ``start``."""
    return sum(1 for i in range(start + 1) if text.startswith(quote, i))


TOKENS = st.lists(
    st.tuples(
        st.sampled_from([*NAMES.values(), *FILLER, PLACE]), st.sampled_from([" ", ", ", " / "])
    ),
    min_size=1,
    max_size=8,
)
# The ner table's tokens: runs of letters and digits, and each other character on its own.
WORD_TOKEN = re.compile(r"[^\W_]+|[^\w\s]|_")


def _crosses(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Overlapping, and neither inside the other."""
    return (
        a[0] < b[1]
        and b[0] < a[1]
        and not (a[0] <= b[0] and b[1] <= a[1])
        and not (b[0] <= a[0] and a[1] <= b[1])
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TOKENS, st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6)), max_size=3))
def test_mentions_anywhere_are_published_exactly(
    tokens: list[tuple[str, str]], places: list[tuple[int, int]]
) -> None:
    # The separator of the last token is dropped, so the text may end with a name.
    text = "".join(token + sep for token, sep in tokens[:-1]) + tokens[-1][0]
    ids = {name: key for key, name in NAMES.items()}
    mentions: list[dict[str, Any]] = []
    expected: set[tuple[int, int, str, str | None]] = set()
    position = 0
    for token, sep in tokens:
        if token in ids:
            label = "PERSON" if ids[token] in PERSONS else "ORGANIZATION"
            n = occurrence(text, token, position)
            mentions.append({"quote": token, "entity": ids[token], "occurrence": n})
            expected.add((position, position + len(token), label, ids[token]))
        position += len(token) + len(sep)
    # Places, also inside an organization's name, which nests them.
    for start in (i for i in range(len(text)) if text.startswith(PLACE, i)):
        n = occurrence(text, PLACE, start)
        mentions.append({"quote": PLACE, "label": "LOCATION", "occurrence": n})
        expected.add((start, start + len(PLACE), "LOCATION", None))
    # Free LOCATION spans of whole tokens: they start at 0, end at the text's end, touch,
    # contain or sit inside other mentions (crossing spans are the overlap check's concern).
    words = [match.span() for match in WORD_TOKEN.finditer(text)]
    for first, extra in places:
        i = min(first, len(words) - 1)
        start, end = words[i][0], words[min(len(words) - 1, i + extra)][1]
        taken = {(s, e) for s, e, _, _ in expected}
        if (start, end) in taken or any(_crosses((start, end), span) for span in taken):
            continue
        quote = text[start:end]
        n = occurrence(text, quote, start)
        mentions.append({"quote": quote, "label": "LOCATION", "occurrence": n})
        expected.add((start, end, "LOCATION", None))
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw"
        write_corpus(raw, text, mentions)
        result = compile_corpus(raw)
    assert result.report.valid, result.report.format()
    rows = [(m.start, m.end, m.label, m.entity_id) for m in result.tables["mentions"]]  # type: ignore[attr-defined]
    assert rows == sorted(expected, key=lambda r: (r[0], r[1], r[2], r[3] is not None, r[3] or ""))
    for row in result.tables["mentions"]:
        assert text[row.start : row.end] == row.text  # type: ignore[attr-defined]


def test_a_text_that_opens_and_ends_with_a_name_builds(tmp_path: Path, capsys: Any) -> None:
    text = "Trần Quốc Vượng tiếp đoàn đại biểu tại Hà Nội"
    mentions = [
        {"quote": "Trần Quốc Vượng", "entity": "tran-quoc-vuong"},
        {"quote": "Hà Nội", "label": "LOCATION"},
    ]
    write_corpus(tmp_path / "raw", text, mentions)
    shutil.copyfile(REPO / "DATASET_CARD.md", tmp_path / "DATASET_CARD.md")
    code = main(["build", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, "")
    assert "mentions 2" in captured.out
