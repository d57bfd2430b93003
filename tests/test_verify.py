"""`dnnd verify` reads the content: tampering is found even when every checksum is recomputed.

Each test edits one table of a real build the way a careful forger would: the Parquet file
is rewritten with its schema, its SHA-256 and size in croissant.json are updated, and
SHA256SUMS is recomputed. Verify must still name the first row that differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dnnd_dataset.builder import build, rebuild_differences
from dnnd_dataset.publishing.checksums import SHA256SUMS, sha256_file, sha256sums
from dnnd_dataset.publishing.dataset_meta import data_file
from dnnd_dataset.publishing.publish import PARQUET_OPTIONS
from dnnd_dataset.publishing.verify import sums_digest, verify

from .conftest import RAW

Rows = list[dict[str, Any]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify") / "dist"
    build(RAW, out)
    return out


@pytest.fixture()
def out(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "dist"
    shutil.copytree(built, copy)
    return copy


def rows(out: Path, table: str) -> Rows:
    result: Rows = pq.read_table(out / data_file(table)).to_pylist()
    return result


def tamper(out: Path, table: str, edit: Callable[[Rows], Rows], *, croissant: bool = True) -> None:
    """Rewrite ``table`` through ``edit``, then recompute what a forger can recompute."""
    path = out / data_file(table)
    original = pq.read_table(path)
    edited = pa.Table.from_pylist(edit(original.to_pylist()), schema=original.schema)
    pq.write_table(edited, path, **PARQUET_OPTIONS)
    if croissant:
        metadata = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
        for entry in metadata["distribution"]:
            if entry.get("contentUrl") == data_file(table):
                entry["sha256"] = sha256_file(path)
                entry["contentSize"] = f"{path.stat().st_size} B"
        (out / "croissant.json").write_text(json.dumps(metadata), encoding="utf-8")
    (out / SHA256SUMS).write_text(sha256sums(out), encoding="utf-8")


def test_an_untouched_build_verifies(built: Path) -> None:
    assert verify(built) == []


def test_a_renamed_person(out: Path) -> None:
    def rename(persons: Rows) -> Rows:
        for person in persons:
            if person["person_id"] == "tran-quoc-vuong":
                person["name"] = "Trần Văn Giả"
        return persons

    tamper(out, "persons", rename)
    mentions = rows(out, "mentions")
    named = [
        (i, m)
        for i, m in enumerate(mentions)
        if m["entity_id"] == "tran-quoc-vuong" and m["text"] == "Trần Quốc Vượng"
    ]
    first, mention = named[0]
    assert verify(out) == [
        f"{out}: mentions[{first}] ({mention['article_id']!r}, {mention['start']}, "
        f"{mention['end']}): 'Trần Quốc Vượng' is none of the names of 'tran-quoc-vuong' in "
        f"persons (and {len(named) - 1} more rows like it)"
    ]


def test_shifted_mention_offsets(out: Path) -> None:
    def shift(mentions: Rows) -> Rows:
        mentions[3]["start"] += 1
        mentions[3]["end"] += 1
        return mentions

    before = rows(out, "mentions")[3]
    tamper(out, "mentions", shift)
    text = next(a["text"] for a in rows(out, "articles") if a["article_id"] == before["article_id"])
    start, end = before["start"] + 1, before["end"] + 1
    assert verify(out) == [
        f"{out}: mentions[3] ({before['article_id']!r}, {start}, {end}): {before['text']!r} "
        f"differs from the text of {before['article_id']!r} at {start}:{end}, "
        f"{text[start:end]!r}"
    ]


def test_a_mention_past_the_end_of_its_text(out: Path) -> None:
    def stretch(mentions: Rows) -> Rows:
        mentions[0]["end"] = 10**6
        return mentions

    first = rows(out, "mentions")[0]
    length = next(
        len(a["text"]) for a in rows(out, "articles") if a["article_id"] == first["article_id"]
    )
    tamper(out, "mentions", stretch)
    assert verify(out) == [
        f"{out}: mentions[0] ({first['article_id']!r}, {first['start']}, 1000000): "
        f"{first['start']}:1000000 is not a span of the text of {first['article_id']!r} "
        f"({length} characters)"
    ]


def test_dropped_rows_disagree_with_the_card(out: Path) -> None:
    tamper(out, "evidence", lambda evidence: evidence[:-2])
    count = len(rows(out, "evidence"))
    assert verify(out) == [
        f"{out}/README.md: dataset_info says evidence has {count + 2} rows; its data has {count}"
    ]


def test_a_dropped_person_leaves_dangling_references(out: Path) -> None:
    count = len(rows(out, "persons"))
    tamper(out, "persons", lambda persons: [p for p in persons if p["person_id"] != "ha-su"])
    problems = verify(out)
    assert problems[-1] == (
        f"{out}/README.md: dataset_info says persons has {count} rows; its data has {count - 1}"
    )
    assert any(": entity_id 'ha-su' is no row of persons" in p for p in problems), problems
    assert any(": person_ids 'ha-su' is no row of persons" in p for p in problems), problems


def test_a_duplicated_id(out: Path) -> None:
    def duplicate(organizations: Rows) -> Rows:
        copy = dict(organizations[2], name="Một tổ chức khác")
        return [*organizations[:3], copy, *organizations[3:]]  # in the sort order

    tamper(out, "organizations", duplicate)
    organizations = rows(out, "organizations")
    last = len(organizations) - 1
    assert verify(out) == [
        f"{out}: organizations[3] ({organizations[2]['organization_id']!r}): "
        "organization_id repeats an earlier row",
        f"{out}/README.md: dataset_info says organizations has {last} rows; its data has "
        f"{last + 1}",
    ]


def test_a_dangling_post_id_of_a_position(out: Path) -> None:
    # Every id column the models mark as a reference is checked, posts and nested ones too.
    def dangle(persons: Rows) -> Rows:
        index = next(i for i, p in enumerate(persons) if p["positions"])
        persons[index]["positions"][0]["post_id"] = "khong-co-chuc-vu-nay"
        return persons

    tamper(out, "persons", dangle)
    persons = rows(out, "persons")
    index = next(i for i, p in enumerate(persons) if p["positions"])
    assert verify(out) == [
        f"{out}: persons[{index}] ({persons[index]['person_id']!r}): "
        "positions.post_id 'khong-co-chuc-vu-nay' is no row of posts"
    ]


def test_a_dangling_holder_of_a_post(out: Path) -> None:
    def dangle(posts: Rows) -> Rows:
        posts[0]["person_ids"] = ["khong-co-nguoi-nay"]
        return posts

    tamper(out, "posts", dangle)
    first = rows(out, "posts")[0]
    assert verify(out) == [
        f"{out}: posts[0] ({first['post_id']!r}): "
        "person_ids 'khong-co-nguoi-nay' is no row of persons"
    ]


def test_a_dangling_entity_id(out: Path) -> None:
    def dangle(mentions: Rows) -> Rows:
        index = next(i for i, m in enumerate(mentions) if m["label"] == "ORGANIZATION")
        mentions[index]["entity_id"] = "khong-co-to-chuc-nay"
        return mentions

    tamper(out, "mentions", dangle)
    mentions = rows(out, "mentions")
    index = next(i for i, m in enumerate(mentions) if m["entity_id"] == "khong-co-to-chuc-nay")
    mention = mentions[index]
    assert verify(out) == [
        f"{out}: mentions[{index}] ({mention['article_id']!r}, {mention['start']}, "
        f"{mention['end']}): entity_id 'khong-co-to-chuc-nay' is no row of organizations"
    ]


def test_a_text_that_no_longer_matches_its_sha256(out: Path) -> None:
    articles = rows(out, "articles")
    article_id = articles[1]["article_id"]
    quoted = {
        offset
        for table in ("mentions", "evidence")
        for row in rows(out, table)
        if row["article_id"] == article_id
        for offset in range(row["start"], row["end"])
    }
    at = max(set(range(len(articles[1]["text"]))) - quoted)  # a character no span quotes

    def edit(articles: Rows) -> Rows:
        for column in ("text", "text_normalized"):
            articles[1][column] = articles[1][column][:at] + "#" + articles[1][column][at + 1 :]
        return articles

    tamper(out, "articles", edit)
    new = hashlib.sha256(rows(out, "articles")[1]["text"].encode("utf-8")).hexdigest()
    assert verify(out) == [
        f"{out}: articles[1] ({articles[1]['article_id']!r}): sha256 {articles[1]['sha256']} "
        f"is not that of text ({new})"
    ]


def test_croissant_file_hashes_are_checked(out: Path) -> None:
    tamper(out, "evidence", lambda evidence: evidence[:-1], croissant=False)
    problems = verify(out)
    assert problems[-1] == (
        f"{out}/croissant.json: {data_file('evidence')}: SHA-256 differs from the one recorded here"
    )
    assert len(problems) == 2  # and the card's row count


def test_evidence_quote_must_equal_its_span(out: Path) -> None:
    def edit(evidence: Rows) -> Rows:
        evidence[0]["quote"] = "một câu khác"
        return evidence

    first = rows(out, "evidence")[0]
    tamper(out, "evidence", edit)
    problems = verify(out)
    assert len(problems) == 1
    assert problems[0].startswith(f"{out}: evidence[0] ({first['table']!r}, ")
    assert ": 'một câu khác' differs from the text of " in problems[0]


def test_a_ner_tag_changed(out: Path) -> None:
    def retag(sentences: Rows) -> Rows:
        sentences[2]["ner_tags"][0] = 9  # B-LOCATION
        return sentences

    row = rows(out, "ner")[2]
    tamper(out, "ner", retag)
    assert verify(out) == [
        f"{out}: ner[2] ({row['article_id']!r}, {row['sentence_index']}): ner_tags differ "
        "from what the article's text and mentions give"
    ]


def test_dropped_ner_rows(out: Path) -> None:
    before = rows(out, "ner")
    kept = [s for s in before if s["sentence_index"] != 5]
    first = kept[0]["article_id"]
    own = sum(s["article_id"] == first for s in kept)
    tamper(out, "ner", lambda sentences: [s for s in sentences if s["sentence_index"] != 5])
    assert verify(out) == [
        f"{out}: articles ({first!r}): {own} ner rows, where its text gives {own + 1} "
        "sentences (and 4 more rows like it)",
        f"{out}/README.md: dataset_info says ner has {len(before)} rows; its data has {len(kept)}",
    ]


def move_a_meeting(out: Path) -> tuple[int, dt.date, dt.date]:
    """Move the first dated meeting a day on, every hash recomputed: (row, old, new date)."""
    meetings = rows(out, "meetings")
    index, meeting = next((i, m) for i, m in enumerate(meetings) if m["date"] is not None)
    moved = meeting["date"] + dt.timedelta(days=1)

    def move(rows: Rows) -> Rows:
        rows[index]["date"] = moved
        return rows

    tamper(out, "meetings", move)
    return index, meeting["date"], moved


def test_a_changed_meeting_date_is_found_only_by_a_rebuild(out: Path) -> None:
    index, date, moved = move_a_meeting(out)
    assert verify(out) == []  # consistent: only a trusted source tells it from the truth
    problems = rebuild_differences(out, RAW)
    assert [problem.split(": ")[0] for problem in problems] == [
        f"{out}/SHA256SUMS",
        f"{out}/croissant.json",
        f"{out}/{data_file('meetings')}",
    ]
    assert problems[0].startswith(f"{out}/SHA256SUMS: differs from the rebuild: line ")
    assert problems[2] == (
        f"{out}/{data_file('meetings')}: differs from the rebuild: row {index}, column date: "
        f"{moved!r} here, {date!r} in the rebuild"
    )


def test_an_untouched_build_is_what_raw_rebuilds(built: Path) -> None:
    assert rebuild_differences(built, RAW) == []


def test_a_raw_folder_that_does_not_build(built: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    shutil.copyfile(RAW.parent / "DATASET_CARD.md", tmp_path / "DATASET_CARD.md")
    (raw / "registry/persons/ha-su.yaml").unlink()
    problems = rebuild_differences(built, raw)
    assert problems[-1] == (f"{raw}: {len(problems) - 1} problem(s), so it cannot rebuild {built}")
    assert all(problem.startswith(f"{raw}/") for problem in problems[:-1]), problems


def test_the_published_digest_of_sha256sums(out: Path) -> None:
    digest = hashlib.sha256((out / SHA256SUMS).read_bytes()).hexdigest()
    assert sums_digest(out) == digest
    assert verify(out, sha256=digest) == []
    assert verify(out, sha256=digest.upper()) == []
    move_a_meeting(out)
    changed = hashlib.sha256((out / SHA256SUMS).read_bytes()).hexdigest()
    assert verify(out, sha256=digest) == [
        f"{out}/SHA256SUMS: its SHA-256 is {changed}, not the published {digest}"
    ]
    (out / SHA256SUMS).unlink()
    assert verify(out, sha256=digest)[0] == f"{out}/SHA256SUMS: missing"


def test_a_file_the_build_does_not_write_is_refused_even_when_listed(out: Path) -> None:
    from dnnd_dataset.library.api import load_published

    extra = out / "data" / "persons" / "zz-extra.parquet"
    shutil.copyfile(out / data_file("persons"), extra)
    (out / "data" / "notes").mkdir()
    (out / SHA256SUMS).write_text(sha256sums(out), encoding="utf-8")
    assert verify(out) == [
        f"{out}/data/notes: not a folder the build writes",
        f"{out}/data/persons/zz-extra.parquet: not a file the build writes",
    ]
    assert len(load_published(out, "persons")) == 12  # the extra file is never read


def test_rows_out_of_their_documented_order(out: Path) -> None:
    tamper(out, "persons", lambda persons: [persons[1], persons[0], *persons[2:]])
    first = rows(out, "persons")[1]["person_id"]
    assert verify(out) == [
        f"{out}/data/persons: persons[1] ({first!r}) sorts before the row above it; the rows "
        "are in the order of person_id"
    ]


def test_a_decompression_bomb_is_refused_from_its_footer(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = out / data_file("persons")
    bomb(path, rows=BOMB_ROWS)
    (out / SHA256SUMS).write_text(sha256sums(out), encoding="utf-8")
    size = path.stat().st_size
    never_decoded(monkeypatch)
    assert verify(out)[0] == (
        f"{path}: declares {BOMB_ROWS:,} rows in {size:,} bytes, more than 1 per byte "
        "(a decompression bomb, or a damaged footer)"
    )


BOMB_ROWS = 200_000


def bomb(path: Path, *, rows: int) -> None:
    """Overwrite ``path`` with its first row ``rows`` times: a file of a few kilobytes."""
    import numpy as np

    table = pq.read_table(path)
    repeated = table.take(pa.array(np.zeros(rows, dtype=np.int64)))
    pq.write_table(repeated, path, **PARQUET_OPTIONS)
    assert rows > 10 * path.stat().st_size


def never_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to decode rows fails the test: a bomb must be refused from its footer."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("rows were decoded")

    monkeypatch.setattr(pq, "read_table", refuse)
    monkeypatch.setattr(pq.ParquetFile, "read", refuse)
    monkeypatch.setattr(pq.ParquetFile, "iter_batches", refuse)
