"""One small synthetic corpus for the tests that need a whole set of published tables: the
loaders and navigation (test_api, test_navigation) and the output layer (test_arrow_schema,
test_card, test_croissant, test_hf_features, test_publish).

Two articles, two meetings, three persons, two directives that share the code 04-CT/TW
(khóa XI and khóa XIII), five organizations in a tree, one post held by two persons, one
LOCATION mention without an entity. The texts are short inventions in the style of the
seeds; one writes 'Ðảng' with U+00D0 as a seed does, and has a no-break space before a
photo caption. Every offset is computed from the text, so the records cannot drift from it.

The records exercise what the writers must get right: nulls next to values, empty lists next
to full ones, lists of structs, dates, int32 offsets, and rows given out of order: every table
but evidence (already out of order) is given in reverse id order, so that sorting shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import pyarrow.parquet as pq

from dnnd_dataset._version import __version__
from dnnd_dataset.checking.ner_table import ner_sentences
from dnnd_dataset.publishing.arrow_schema import to_arrow
from dnnd_dataset.publishing.publish import write_dataset
from dnnd_dataset.records import (
    TABLES,
    Article,
    Boilerplate,
    Credit,
    Directive,
    Evidence,
    Meeting,
    Mention,
    NerSentence,
    Organization,
    Participant,
    Person,
    Position,
    Post,
    Record,
)
from dnnd_dataset.textnorm import normalize

R = TypeVar("R", bound=Record)

TEXT_2011 = (
    "Hội nghị quán triệt Chỉ thị 04-CT/TW\n\n"
    "Ngày 19/7, Ban Bí thư đã tổ chức Hội nghị quán triệt Chỉ thị 04-CT/TW ngày 6/7/2011. "
    "Đồng chí Trương Tấn Sang, Thường trực Ban Bí thư, chủ trì Hội nghị tại Hà Nội. "
    "Đồng chí Trần Quốc Vượng dự Hội nghị."
)
TEXT_2021 = (
    "Tổng kết công tác đối ngoại nhân dân\n\n"
    "Ban Đối ngoại Trung ương tổ chức Hội nghị tổng kết với hơn 300 đại biểu. "
    "Đồng chí Trần Quốc Vuợng, Ủy viên Bộ Chính trị, Thường trực Ban Bí thư, dự và chỉ đạo. "
    "Hội nghị quán triệt Chỉ thị số 04-CT/TW của Ban Bí thư khóa XIII. "
    "\u00d0ảng ta luôn coi trọng đối ngoại nhân dân.\u00a0Ảnh: Minh Anh\n\nMinh Anh"
)
TEXTS = {"hoi-nghi-2011": TEXT_2011, "tong-ket-2021": TEXT_2021}

# The version the tables are written with: the package's, which the loaders check.
VERSION = __version__


# -- one record ----------------------------------------------------------------------------------


def _record(model: type[R], values: dict[str, object], fields: dict[str, object]) -> R:
    """A ``model`` record from default ``values`` overridden by ``fields``."""
    return model.model_validate({**values, **fields})


def span(article_id: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """Code-point offsets of the ``nth`` occurrence of ``needle`` in an article's text."""
    text = TEXTS[article_id]
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def mention(
    article_id: str, needle: str, label: str, entity_id: str | None, nth: int = 0
) -> Mention:
    start, end = span(article_id, needle, nth)
    return Mention.model_validate(
        {
            "article_id": article_id,
            "start": start,
            "end": end,
            "text": needle,
            "label": label,
            "entity_id": entity_id,
            "in_boilerplate": False,
        }
    )


def evidence(table: str, record_id: str, field: str, article_id: str, quote: str) -> Evidence:
    start, end = span(article_id, quote)
    where = {"table": table, "record_id": record_id, "field": field, "article_id": article_id}
    return Evidence.model_validate({**where, "start": start, "end": end, "quote": quote})


def article(article_id: str, **fields: object) -> Article:
    """An article of ``TEXTS``, titled by its first paragraph; fields default to null/empty."""
    text = TEXTS[article_id]
    values: dict[str, object] = {
        "article_id": article_id,
        "source_file": f"{article_id}.txt",
        "title": text.split("\n\n", 1)[0],
        "text": text,
        "text_normalized": normalize(text),
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "outlet": None,
        "outlet_inferred": False,
        "outlet_basis": None,
        "url": None,
        "page_date": None,
        "page_clock": None,
        "authors": [],
        "author_ids": [],
        "credits": [],
        "boilerplate": [],
        "person_ids": [],
        "organization_ids": [],
        "directive_ids": [],
        "meeting_ids": [],
        "boilerplate_person_ids": [],
        "boilerplate_organization_ids": [],
        "boilerplate_directive_ids": [],
        "boilerplate_meeting_ids": [],
        "title_inferred": False,
        "title_basis": None,
    }
    authors = cast(list[str], fields.get("authors", []))
    values["author_inferred"] = [False] * len(authors)
    values["author_basis"] = [None] * len(authors)
    return _record(Article, values, fields)


def meeting(meeting_id: str, name: str, **fields: object) -> Meeting:
    values: dict[str, object] = {
        "meeting_id": meeting_id,
        "name": name,
        "full_name": name,
        "full_name_inferred": False,
        "full_name_basis": None,
        "date": None,
        "date_precision": "unknown",
        "date_inferred": False,
        "date_basis": None,
        "date_edtf": None,
        "location": None,
        "attendance": None,
        "attendance_qualifier": None,
        "participant_organization_ids": [],
        "participant_groups": [],
        "adopted_directive_ids": [],
        "boilerplate_article_ids": [],
        "only_in_boilerplate": False,
    }
    return _record(Meeting, values, fields)


def position(
    title: str,
    organization_id: str | None,
    article_id: str,
    as_of: dt.date | None = None,
    *,
    as_of_inferred: bool = False,
    post_id: str | None = None,
) -> Position:
    return Position(
        title=title,
        post_id=post_id,
        organization_id=organization_id,
        as_of=as_of,
        as_of_inferred=as_of_inferred,
        article_id=article_id,
    )


def person(person_id: str, name: str, **fields: object) -> Person:
    values: dict[str, object] = {
        "person_id": person_id,
        "name": name,
        "other_names": [],
        "positions": [],
        "roles": ["official"],
        "wikidata_id": None,
        "article_ids": [],
        "boilerplate_article_ids": [],
        "only_in_boilerplate": False,
    }
    return _record(Person, values, fields)


def directive(directive_id: str, name: str, **fields: object) -> Directive:
    """A chỉ thị, written as its name; what the texts do not say is null."""
    values: dict[str, object] = {
        "directive_id": directive_id,
        "name": name,
        "full_name": name,
        "full_name_inferred": False,
        "full_name_basis": None,
        "kind": "chi_thi",
        "code_derived": False,
        "code_basis": None,
        "issued_on": None,
        "subject": None,
        "adopted_at_meeting_id": None,
        "term_inferred": False,
        "term_basis": None,
        "note": None,
        "surface_forms": [name],
        "boilerplate_article_ids": [],
        "only_in_boilerplate": False,
    }
    return _record(Directive, values, fields)


def organization(organization_id: str, name: str, **fields: object) -> Organization:
    values: dict[str, object] = {
        "organization_id": organization_id,
        "name": name,
        "other_names": [],
        "kind_inferred": False,
        "kind_basis": None,
        "parent_id": None,
        "parent_inferred": False,
        "parent_basis": None,
        "note": None,
        "article_ids": [],
        "boilerplate_article_ids": [],
        "only_in_boilerplate": False,
    }
    return _record(Organization, values, fields)


# -- the tables ----------------------------------------------------------------------------------


def articles() -> list[Article]:
    caption_start, caption_end = span("tong-ket-2021", "Ảnh: Minh Anh")
    return [
        article(
            "tong-ket-2021",
            outlet="Báo Nhân Dân",
            outlet_inferred=True,
            outlet_basis="the site banner names it",
            url="https://nhandan.vn/example",
            page_date=dt.date(2021, 12, 21),
            authors=["Minh Anh"],
            author_ids=["minh-anh"],
            credits=[
                Credit(
                    name="Minh Anh",
                    role="photo",
                    person_id="minh-anh",
                    organization_id=None,
                    inferred=False,
                    basis=None,
                )
            ],
            boilerplate=[
                Boilerplate(start=caption_start, end=caption_end, kind="duplicate_caption")
            ],
            person_ids=["minh-anh", "tran-quoc-vuong"],
            organization_ids=["ban-bi-thu", "ban-doi-ngoai-tw", "dang-cong-san-viet-nam"],
            directive_ids=["ct-04-2021"],
            meeting_ids=["hn-tong-ket-2021"],
        ),
        article(
            "hoi-nghi-2011",
            person_ids=["tran-quoc-vuong", "truong-tan-sang"],
            organization_ids=["ban-bi-thu"],
            directive_ids=["ct-04-2011"],
            meeting_ids=["hn-quan-triet-ct-04-2011"],
        ),
    ]


def mentions() -> list[Mention]:
    a, b = "hoi-nghi-2011", "tong-ket-2021"
    return [
        mention(b, "Ban Đối ngoại Trung ương", "ORGANIZATION", "ban-doi-ngoai-tw"),
        mention(b, "Hội nghị tổng kết", "MEETING", "hn-tong-ket-2021"),
        mention(b, "Trần Quốc Vuợng", "PERSON", "tran-quoc-vuong"),
        mention(b, "Ban Bí thư", "ORGANIZATION", "ban-bi-thu"),
        mention(b, "Chỉ thị số 04-CT/TW", "DIRECTIVE", "ct-04-2021"),
        mention(b, "Ban Bí thư", "ORGANIZATION", "ban-bi-thu", nth=1),
        mention(b, "\u00d0ảng", "ORGANIZATION", "dang-cong-san-viet-nam"),
        mention(b, "Minh Anh", "PERSON", "minh-anh", nth=1),  # the byline, not the caption
        mention(a, "Chỉ thị 04-CT/TW", "DIRECTIVE", "ct-04-2011"),
        mention(a, "Ban Bí thư", "ORGANIZATION", "ban-bi-thu"),
        mention(a, "Chỉ thị 04-CT/TW", "DIRECTIVE", "ct-04-2011", nth=1),
        # Nests the directive above: the ner table tags this one.
        mention(a, "Hội nghị quán triệt Chỉ thị 04-CT/TW", "MEETING", MEETING_2011, nth=1),
        mention(a, "Trương Tấn Sang", "PERSON", "truong-tan-sang"),
        mention(a, "Ban Bí thư", "ORGANIZATION", "ban-bi-thu", nth=1),
        mention(a, "Hội nghị", "MEETING", MEETING_2011, nth=2),
        mention(a, "Hà Nội", "LOCATION", None),
        mention(a, "Trần Quốc Vượng", "PERSON", "tran-quoc-vuong"),
    ]


MEETING_2011 = "hn-quan-triet-ct-04-2011"


def meetings() -> list[Meeting]:
    return [
        meeting(
            "hn-tong-ket-2021",
            "Hội nghị tổng kết công tác đối ngoại nhân dân",
            kind="review_conference",
            organizer_ids=["ban-doi-ngoai-tw"],
            participants=[
                Participant(
                    person_id="tran-quoc-vuong",
                    roles=["directing"],
                    position="Thường trực Ban Bí thư",
                    inferred=False,
                    basis=None,
                ),
            ],
            attendance=300,
            attendance_qualifier="more_than",
            directive_ids=["ct-04-2021"],
            article_ids=["tong-ket-2021"],
        ),
        meeting(
            "hn-quan-triet-ct-04-2011",
            "Hội nghị quán triệt Chỉ thị 04-CT/TW",
            kind="conference",
            date=dt.date(2011, 7, 19),
            date_precision="day",
            date_inferred=True,
            date_basis="The year is that of the directive, issued 6/7/2011.",
            date_edtf="XXXX-07-19",
            location="Hà Nội",
            organizer_ids=["ban-bi-thu"],
            participants=[
                Participant(
                    person_id="truong-tan-sang",
                    roles=["chair"],
                    position="Thường trực Ban Bí thư",
                    inferred=False,
                    basis=None,
                ),
                Participant(
                    person_id="tran-quoc-vuong",
                    roles=["attendee"],
                    position=None,
                    inferred=True,
                    basis="Named at the conference, not said to attend.",
                ),
            ],
            directive_ids=["ct-04-2011"],
            article_ids=["hoi-nghi-2011"],
        ),
    ]


def persons() -> list[Person]:
    return [
        person(
            "truong-tan-sang",
            "Trương Tấn Sang",
            positions=[
                position(
                    "Thường trực Ban Bí thư",
                    "ban-bi-thu",
                    "hoi-nghi-2011",
                    as_of=dt.date(2011, 7, 19),
                    as_of_inferred=True,
                    post_id="thuong-truc-ban-bi-thu",
                )
            ],
            wikidata_id="Q710957",
            article_ids=["hoi-nghi-2011"],
        ),
        person(
            "tran-quoc-vuong",
            "Trần Quốc Vượng",
            other_names=["Trần Quốc Vuợng"],
            positions=[
                # The Politburo is not among the organizations; the 2021 meeting has no date.
                position("Ủy viên Bộ Chính trị", None, "tong-ket-2021"),
                position(
                    "Thường trực Ban Bí thư",
                    "ban-bi-thu",
                    "tong-ket-2021",
                    post_id="thuong-truc-ban-bi-thu",
                ),
            ],
            article_ids=["hoi-nghi-2011", "tong-ket-2021"],
        ),
        person(
            "minh-anh",
            "Minh Anh",
            roles=["author", "photographer"],
            article_ids=["tong-ket-2021"],
        ),
    ]


def directives() -> list[Directive]:
    code = {"number": "04", "code": "04-CT/TW", "issuer_id": "ban-bi-thu"}
    return [
        directive(
            "ct-04-2021",
            "Chỉ thị số 04-CT/TW",
            **code,
            term="XIII",
            article_ids=["tong-ket-2021"],
            meeting_ids=["hn-tong-ket-2021"],
        ),
        directive(
            "ct-04-2011",
            "Chỉ thị 04-CT/TW",
            **code,
            term="XI",
            issued_on=dt.date(2011, 7, 6),
            subject="đối ngoại nhân dân",
            article_ids=["hoi-nghi-2011"],
            meeting_ids=["hn-quan-triet-ct-04-2011"],
        ),
    ]


def organizations() -> list[Organization]:
    return [
        organization(
            "dang-cong-san-viet-nam",
            "Đảng Cộng sản Việt Nam",
            other_names=["Đảng"],
            kind="party",
            article_ids=["tong-ket-2021"],
        ),
        organization("bao-nhan-dan", "Báo Nhân Dân", kind="press"),
        organization(
            "ban-doi-ngoai-tw",
            "Ban Đối ngoại Trung ương",
            other_names=["Ban Đối ngoại TW"],
            kind="party_body",
            parent_id="ban-chap-hanh-tw",
            article_ids=["tong-ket-2021"],
        ),
        organization(
            "ban-chap-hanh-tw",
            "Ban Chấp hành Trung ương Đảng",
            other_names=["BCH TW"],
            kind="party_body",
            parent_id="dang-cong-san-viet-nam",
            note="No text names it; it is the parent of the boards that are named.",
        ),
        organization(
            "ban-bi-thu",
            "Ban Bí thư Trung ương Đảng",
            other_names=["Ban Bí thư"],
            kind="party_body",
            parent_id="ban-chap-hanh-tw",
            article_ids=["hoi-nghi-2011", "tong-ket-2021"],
        ),
    ]


def posts() -> list[Post]:
    return [
        Post(
            post_id="thuong-truc-ban-bi-thu",
            name="Thường trực Ban Bí thư",
            organization_id="ban-bi-thu",
            titles=["Thường trực Ban Bí thư"],
            person_ids=["tran-quoc-vuong", "truong-tan-sang"],
        )
    ]


def evidence_rows() -> list[Evidence]:
    return [
        evidence("meetings", "hn-quan-triet-ct-04-2011", "date", "hoi-nghi-2011", "Ngày 19/7"),
        evidence("meetings", "hn-quan-triet-ct-04-2011", "location", "hoi-nghi-2011", "Hà Nội"),
        evidence("directives", "ct-04-2011", "issued_on", "hoi-nghi-2011", "ngày 6/7/2011"),
    ]


def ner() -> list[NerSentence]:
    """Derived from the articles and mentions above, as the build derives it; reversed."""
    by_article = {a.article_id: a for a in articles()}
    rows = [
        row
        for article_id in sorted(by_article)
        for row in ner_sentences(by_article[article_id], mentions())
    ]
    return rows[::-1]


def sample_tables() -> dict[str, list[Record]]:
    """Every published table, in TABLES order, each with its records out of order."""
    builders: dict[str, Callable[[], list[Any]]] = {
        "articles": articles,
        "mentions": mentions,
        "meetings": meetings,
        "persons": persons,
        "directives": directives,
        "organizations": organizations,
        "posts": posts,
        "evidence": evidence_rows,
        "ner": ner,
    }
    assert list(builders) == list(TABLES)
    return {name: build() for name, build in builders.items()}


# Counts per article for the card, taken from the tables so that they cannot drift from them.
PER_DOCUMENT = {
    a.article_id: {
        "mentions": sum(m.article_id == a.article_id for m in mentions()),
        "evidence": sum(e.article_id == a.article_id for e in evidence_rows()),
    }
    for a in articles()
}


# -- writing them --------------------------------------------------------------------------------


def write_data_dir(directory: Path) -> Path:
    """Write one ``<table>.parquet`` per table into ``directory``, as the package data is."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, records in sample_tables().items():
        pq.write_table(to_arrow(name, records, VERSION), directory / f"{name}.parquet")
    return directory


def write_sample(out: Path, **options: Any) -> Path:
    """Write the tables to ``out`` as a release, with the real card prose; return ``out``."""
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
    """The rows of a table as written, in file order, as plain Python values."""
    rows: list[dict[str, Any]] = to_arrow(
        table_name, sample_tables()[table_name], VERSION
    ).to_pylist()
    return rows
