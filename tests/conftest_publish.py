"""Small synthetic records for every published table, for the output-layer tests.

They exercise what the writers must get right: nulls next to values, empty lists next to
full ones, lists of structs, dates, int32 offsets, Vietnamese text with look-alike letters
and rows given out of order. The texts are invented, not taken from the corpus.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dnnd_dataset.arrow_schema import to_arrow
from dnnd_dataset.publish import write_dataset
from dnnd_dataset.records import (
    TABLES,
    Article,
    Boilerplate,
    Credit,
    Directive,
    Evidence,
    Meeting,
    Mention,
    Organization,
    Participant,
    Person,
    Position,
    Record,
)

TEXT_A = "Hội nghị về công tác đối ngoại nhân dân do Ban Ðối ngoại Trung ương tổ chức."
TEXT_B = "Chỉ thị số 04-CT/TW được quán triệt tại Hà Nội.\u00a0Ảnh: Minh Anh"


def _article(article_id: str, text: str, **fields: object) -> Article:
    normalized = text.replace("Ð", "Đ").replace("\u00a0", " ")
    values: dict[str, object] = {
        "article_id": article_id,
        "source_file": f"{article_id}.txt",
        "title": text.split(".")[0],
        "text": text,
        "text_normalized": normalized,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "outlet": None,
        "outlet_inferred": False,
        "outlet_basis": None,
        "url": None,
        "page_date": None,
        "authors": [],
        "author_ids": [],
        "credits": [],
        "boilerplate": [],
        "person_ids": [],
        "organization_ids": [],
        "directive_ids": [],
        "meeting_ids": [],
    }
    values.update(fields)
    return Article.model_validate(values)


def articles() -> list[Article]:
    # Given in reverse id order, so that sorting shows.
    return [
        _article(
            "b-chi-thi",
            TEXT_B,
            outlet="Báo Gia Lai",
            outlet_inferred=True,
            outlet_basis="the site banner names it",
            url="https://baogialai.com.vn/example",
            page_date=dt.date(2024, 5, 17),
            authors=["Minh Anh"],
            author_ids=["minh-anh"],
            credits=[Credit(name="Minh Anh", role="photo"), Credit(name="TTXVN", role="source")],
            boilerplate=[Boilerplate(start=48, end=61, kind="duplicate_caption")],
            person_ids=["minh-anh"],
            directive_ids=["chi-thi-04-2011"],
        ),
        _article(
            "a-hoi-nghi",
            TEXT_A,
            organization_ids=["ban-doi-ngoai-tw"],
            meeting_ids=["hoi-nghi-2011"],
        ),
    ]


def mentions() -> list[Mention]:
    return [
        Mention(
            article_id="b-chi-thi",
            start=0,
            end=19,
            text="Chỉ thị số 04-CT/TW",
            label="DIRECTIVE",
            entity_id="chi-thi-04-2011",
        ),
        Mention(
            article_id="b-chi-thi",
            start=40,
            end=46,
            text="Hà Nội",
            label="LOCATION",
            entity_id=None,
        ),
        Mention(
            article_id="a-hoi-nghi",
            start=43,
            end=67,
            text="Ban Ðối ngoại Trung ương",
            label="ORGANIZATION",
            entity_id="ban-doi-ngoai-tw",
        ),
    ]


def meetings() -> list[Meeting]:
    return [
        Meeting(
            meeting_id="hoi-nghi-2011",
            name="Hội nghị về công tác đối ngoại nhân dân",
            kind="conference",
            date=dt.date(2011, 9, 1),
            date_precision="month",
            date_inferred=True,
            date_basis="the year is the page year",
            location="Hà Nội",
            organizer_ids=["ban-doi-ngoai-tw"],
            participants=[
                Participant(person_id="minh-anh", role="attendee", position=None),
                Participant(
                    person_id="truong-tan-sang", role="chair", position="Thường trực Ban Bí thư"
                ),
            ],
            attendance=300,
            attendance_qualifier="more_than",
            directive_ids=["chi-thi-04-2011"],
            article_ids=["a-hoi-nghi"],
        ),
        Meeting(
            meeting_id="dai-hoi-vi",
            name="Đại hội lần thứ VI",
            kind="congress",
            date=None,
            date_precision="unknown",
            date_inferred=False,
            date_basis=None,
            location=None,
            organizer_ids=[],
            participants=[],
            attendance=None,
            attendance_qualifier=None,
            directive_ids=[],
            article_ids=[],
        ),
    ]


def persons() -> list[Person]:
    return [
        Person(
            person_id="truong-tan-sang",
            name="Trương Tấn Sang",
            other_names=["Trương Tấn Sang"],
            positions=[
                Position(
                    title="Thường trực Ban Bí thư",
                    organization_id=None,
                    as_of=dt.date(2011, 9, 1),
                    as_of_inferred=True,
                    article_id="a-hoi-nghi",
                )
            ],
            roles=["official"],
            wikidata_id="Q710957",
            article_ids=["a-hoi-nghi"],
        ),
        Person(
            person_id="minh-anh",
            name="Minh Anh",
            other_names=[],
            positions=[],
            roles=["author", "photographer"],
            wikidata_id=None,
            article_ids=["b-chi-thi"],
        ),
    ]


def directives() -> list[Directive]:
    return [
        Directive(
            directive_id="chi-thi-04-2021",
            name="Chỉ thị 04-CT/TW",
            kind="chi_thi",
            number="04",
            code="04-CT/TW",
            issuer_id=None,
            term="XIII",
            issued_on=None,
            subject=None,
            surface_forms=[],
            article_ids=[],
            meeting_ids=[],
        ),
        Directive(
            directive_id="chi-thi-04-2011",
            name="Chỉ thị số 04-CT/TW",
            kind="chi_thi",
            number="04",
            code="04-CT/TW",
            issuer_id="ban-bi-thu",
            term="XI",
            issued_on=dt.date(2011, 7, 6),
            subject="đối ngoại nhân dân",
            surface_forms=["Chỉ thị số 04-CT/TW", "04 – CT/TW"],
            article_ids=["b-chi-thi"],
            meeting_ids=["hoi-nghi-2011"],
        ),
    ]


def organizations() -> list[Organization]:
    return [
        Organization(
            organization_id="ban-doi-ngoai-tw",
            name="Ban Đối ngoại Trung ương",
            other_names=["Ban Ðối ngoại Trung ương", "Ban Đối ngoại T.Ư"],
            kind="party_body",
            parent_id=None,
            note=None,
            article_ids=["a-hoi-nghi"],
        ),
        Organization(
            organization_id="ban-bi-thu",
            name="Ban Bí thư",
            other_names=[],
            kind="party_body",
            parent_id=None,
            note="The texts do not say which term.",
            article_ids=[],
        ),
    ]


def evidence() -> list[Evidence]:
    return [
        Evidence(
            table="meetings",
            record_id="hoi-nghi-2011",
            field="location",
            article_id="b-chi-thi",
            start=40,
            end=46,
            quote="Hà Nội",
        ),
        Evidence(
            table="articles",
            record_id="b-chi-thi",
            field="credits",
            article_id="b-chi-thi",
            start=53,
            end=61,
            quote="Minh Anh",
        ),
    ]


def sample_tables() -> dict[str, Sequence[Record]]:
    """Every published table, in TABLES order, each with a few records out of order."""
    builders: dict[str, Callable[[], Sequence[Record]]] = {
        "articles": articles,
        "mentions": mentions,
        "meetings": meetings,
        "persons": persons,
        "directives": directives,
        "organizations": organizations,
        "evidence": evidence,
    }
    assert list(builders) == list(TABLES)
    return {name: build() for name, build in builders.items()}


PER_DOCUMENT = {
    "a-hoi-nghi": {"mentions": 1, "evidence": 0},
    "b-chi-thi": {"mentions": 2, "evidence": 2},
}

VERSION = "1.0.0"


def write_sample(out: Path, **options: Any) -> Path:
    """Write the sample tables to ``out`` with the real card prose; return ``out``."""
    write_dataset(sample_tables(), out, version=VERSION, per_document=PER_DOCUMENT, **options)
    return out


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path: a snapshot to compare byte for byte."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def written_rows(table_name: str) -> list[dict[str, Any]]:
    """The rows of a sample table as written, in file order, as plain Python values."""
    rows: list[dict[str, Any]] = to_arrow(
        table_name, sample_tables()[table_name], VERSION
    ).to_pylist()
    return rows
