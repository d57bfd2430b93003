"""A small synthetic corpus for the library tests: two articles, two meetings, three persons,
two directives that share the code 04-CT/TW (khóa XI and khóa XIII), five organizations.

The texts are short inventions in the style of the seeds; one writes 'Ðảng' with U+00D0 as a
seed does. Every offset is computed from the text, so the fixture cannot drift from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pyarrow.parquet as pq

from dnnd_dataset._version import __version__
from dnnd_dataset.arrow_schema import to_arrow
from dnnd_dataset.records import (
    Article,
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
from dnnd_dataset.textnorm import normalize

TEXT_2011 = (
    "Hội nghị quán triệt Chỉ thị 04-CT/TW\n\n"
    "Ngày 19/7, Ban Bí thư đã tổ chức Hội nghị quán triệt Chỉ thị 04-CT/TW ngày 6/7/2011. "
    "Đồng chí Trương Tấn Sang, Thường trực Ban Bí thư, chủ trì Hội nghị tại Hà Nội. "
    "Đồng chí Trần Quốc Vượng dự Hội nghị."
)
TEXT_2021 = (
    "Tổng kết công tác đối ngoại nhân dân\n\n"
    "Ngày 20/12/2021, Ban Đối ngoại Trung ương tổ chức Hội nghị tổng kết. "
    "Đồng chí Trần Quốc Vuợng, Thường trực Ban Bí thư, dự và chỉ đạo. "
    "Hội nghị quán triệt Chỉ thị số 04-CT/TW của Ban Bí thư khóa XIII. "
    "\u00d0ảng ta luôn coi trọng đối ngoại nhân dân.\n\nMinh Anh"
)
TEXTS = {"hoi-nghi-2011": TEXT_2011, "tong-ket-2021": TEXT_2021}


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
        }
    )


def evidence(table: str, record_id: str, field: str, article_id: str, quote: str) -> Evidence:
    start, end = span(article_id, quote)
    return Evidence.model_validate(
        {
            "table": table,
            "record_id": record_id,
            "field": field,
            "article_id": article_id,
            "start": start,
            "end": end,
            "quote": quote,
        }
    )


def article(article_id: str, title: str, **refs: list[str]) -> Article:
    text = TEXTS[article_id]
    return Article(
        article_id=article_id,
        source_file=f"{article_id}.txt",
        title=title,
        text=text,
        text_normalized=normalize(text),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        outlet=None,
        outlet_inferred=False,
        outlet_basis=None,
        url=None,
        page_date=None,
        authors=refs.pop("authors", []),
        author_ids=refs.pop("author_ids", []),
        credits=[],
        boilerplate=[],
        person_ids=refs["person_ids"],
        organization_ids=refs["organization_ids"],
        directive_ids=refs["directive_ids"],
        meeting_ids=refs["meeting_ids"],
    )


def articles() -> list[Article]:
    return [
        article(
            "hoi-nghi-2011",
            "Hội nghị quán triệt Chỉ thị 04-CT/TW",
            person_ids=["tran-quoc-vuong", "truong-tan-sang"],
            organization_ids=["ban-bi-thu"],
            directive_ids=["ct-04-2011"],
            meeting_ids=["hn-quan-triet-ct-04-2011"],
        ),
        article(
            "tong-ket-2021",
            "Tổng kết công tác đối ngoại nhân dân",
            authors=["Minh Anh"],
            author_ids=["minh-anh"],
            person_ids=["minh-anh", "tran-quoc-vuong"],
            organization_ids=["ban-bi-thu", "ban-doi-ngoai-tw", "dang-cong-san-viet-nam"],
            directive_ids=["ct-04-2021"],
            meeting_ids=["hn-tong-ket-2021"],
        ),
    ]


def mentions() -> list[Mention]:
    a, b = "hoi-nghi-2011", "tong-ket-2021"
    return [
        mention(a, "Chỉ thị 04-CT/TW", "DIRECTIVE", "ct-04-2011"),
        mention(a, "Ban Bí thư", "ORGANIZATION", "ban-bi-thu"),
        mention(a, "Chỉ thị 04-CT/TW", "DIRECTIVE", "ct-04-2011", nth=1),
        mention(a, "Trương Tấn Sang", "PERSON", "truong-tan-sang"),
        mention(a, "Ban Bí thư", "ORGANIZATION", "ban-bi-thu", nth=1),
        mention(a, "Hội nghị", "MEETING", "hn-quan-triet-ct-04-2011", nth=2),
        mention(a, "Hà Nội", "LOCATION", None),
        mention(a, "Trần Quốc Vượng", "PERSON", "tran-quoc-vuong"),
        mention(b, "Ban Đối ngoại Trung ương", "ORGANIZATION", "ban-doi-ngoai-tw"),
        mention(b, "Hội nghị tổng kết", "MEETING", "hn-tong-ket-2021"),
        mention(b, "Trần Quốc Vuợng", "PERSON", "tran-quoc-vuong"),
        mention(b, "Ban Bí thư", "ORGANIZATION", "ban-bi-thu"),
        mention(b, "Chỉ thị số 04-CT/TW", "DIRECTIVE", "ct-04-2021"),
        mention(b, "Ban Bí thư", "ORGANIZATION", "ban-bi-thu", nth=1),
        mention(b, "\u00d0ảng", "ORGANIZATION", "dang-cong-san-viet-nam"),
        mention(b, "Minh Anh", "PERSON", "minh-anh"),
    ]


def meetings() -> list[Meeting]:
    return [
        Meeting(
            meeting_id="hn-quan-triet-ct-04-2011",
            name="Hội nghị quán triệt Chỉ thị 04-CT/TW",
            kind="conference",
            date=dt.date(2011, 7, 19),
            date_precision="day",
            date_inferred=True,
            date_basis="The year is that of the directive, issued 6/7/2011.",
            location="Hà Nội",
            organizer_ids=["ban-bi-thu"],
            participants=[
                Participant(
                    person_id="truong-tan-sang", role="chair", position="Thường trực Ban Bí thư"
                ),
                Participant(person_id="tran-quoc-vuong", role="attendee", position=None),
            ],
            attendance=None,
            attendance_qualifier=None,
            directive_ids=["ct-04-2011"],
            article_ids=["hoi-nghi-2011"],
        ),
        Meeting(
            meeting_id="hn-tong-ket-2021",
            name="Hội nghị tổng kết công tác đối ngoại nhân dân",
            kind="review_conference",
            date=dt.date(2021, 12, 20),
            date_precision="day",
            date_inferred=False,
            date_basis=None,
            location=None,
            organizer_ids=["ban-doi-ngoai-tw"],
            participants=[
                Participant(
                    person_id="tran-quoc-vuong",
                    role="directing",
                    position="Thường trực Ban Bí thư",
                ),
            ],
            attendance=None,
            attendance_qualifier=None,
            directive_ids=["ct-04-2021"],
            article_ids=["tong-ket-2021"],
        ),
    ]


def persons() -> list[Person]:
    return [
        Person(
            person_id="minh-anh",
            name="Minh Anh",
            other_names=[],
            positions=[],
            roles=["author"],
            wikidata_id=None,
            article_ids=["tong-ket-2021"],
        ),
        Person(
            person_id="tran-quoc-vuong",
            name="Trần Quốc Vượng",
            other_names=["Trần Quốc Vuợng"],
            positions=[
                Position(
                    title="Thường trực Ban Bí thư",
                    organization_id="ban-bi-thu",
                    as_of=dt.date(2021, 12, 20),
                    as_of_inferred=False,
                    article_id="tong-ket-2021",
                )
            ],
            roles=["official"],
            wikidata_id=None,
            article_ids=["hoi-nghi-2011", "tong-ket-2021"],
        ),
        Person(
            person_id="truong-tan-sang",
            name="Trương Tấn Sang",
            other_names=[],
            positions=[
                Position(
                    title="Thường trực Ban Bí thư",
                    organization_id="ban-bi-thu",
                    as_of=dt.date(2011, 7, 19),
                    as_of_inferred=True,
                    article_id="hoi-nghi-2011",
                )
            ],
            roles=["official"],
            wikidata_id=None,
            article_ids=["hoi-nghi-2011"],
        ),
    ]


def directives() -> list[Directive]:
    return [
        Directive(
            directive_id="ct-04-2011",
            name="Chỉ thị 04-CT/TW",
            kind="chi_thi",
            number="04",
            code="04-CT/TW",
            issuer_id="ban-bi-thu",
            term="XI",
            issued_on=dt.date(2011, 7, 6),
            subject="đối ngoại nhân dân",
            surface_forms=["Chỉ thị 04-CT/TW"],
            article_ids=["hoi-nghi-2011"],
            meeting_ids=["hn-quan-triet-ct-04-2011"],
        ),
        Directive(
            directive_id="ct-04-2021",
            name="Chỉ thị số 04-CT/TW",
            kind="chi_thi",
            number="04",
            code="04-CT/TW",
            issuer_id="ban-bi-thu",
            term="XIII",
            issued_on=None,
            subject=None,
            surface_forms=["Chỉ thị số 04-CT/TW"],
            article_ids=["tong-ket-2021"],
            meeting_ids=["hn-tong-ket-2021"],
        ),
    ]


def organization(organization_id: str, name: str, **fields: object) -> Organization:
    defaults: dict[str, object] = {"other_names": [], "parent_id": None, "note": None}
    return Organization.model_validate(
        {"organization_id": organization_id, "name": name, **defaults, **fields}
    )


def organizations() -> list[Organization]:
    return [
        organization(
            "ban-bi-thu",
            "Ban Bí thư Trung ương Đảng",
            other_names=["Ban Bí thư"],
            kind="party_body",
            parent_id="ban-chap-hanh-tw",
            article_ids=["hoi-nghi-2011", "tong-ket-2021"],
        ),
        organization(
            "ban-chap-hanh-tw",
            "Ban Chấp hành Trung ương Đảng",
            other_names=["BCH TW"],
            kind="party_body",
            parent_id="dang-cong-san-viet-nam",
            article_ids=[],
        ),
        organization(
            "ban-doi-ngoai-tw",
            "Ban Đối ngoại Trung ương",
            other_names=["Ban Đối ngoại TW"],
            kind="party_body",
            parent_id="ban-chap-hanh-tw",
            article_ids=["tong-ket-2021"],
        ),
        organization(
            "dang-cong-san-viet-nam",
            "Đảng Cộng sản Việt Nam",
            other_names=["Đảng"],
            kind="party",
            article_ids=["tong-ket-2021"],
        ),
        organization("bao-nhan-dan", "Báo Nhân Dân", kind="press", article_ids=[]),
    ]


def evidence_rows() -> list[Evidence]:
    return [
        evidence("meetings", "hn-quan-triet-ct-04-2011", "date", "hoi-nghi-2011", "Ngày 19/7"),
        evidence("meetings", "hn-quan-triet-ct-04-2011", "location", "hoi-nghi-2011", "Hà Nội"),
        evidence("directives", "ct-04-2011", "issued_on", "hoi-nghi-2011", "ngày 6/7/2011"),
    ]


def tables() -> dict[str, list[Record]]:
    """Every published table of the synthetic corpus."""
    return {
        "articles": list(articles()),
        "mentions": list(mentions()),
        "meetings": list(meetings()),
        "persons": list(persons()),
        "directives": list(directives()),
        "organizations": list(organizations()),
        "evidence": list(evidence_rows()),
    }


def write_data_dir(directory: Path) -> Path:
    """Write one ``<table>.parquet`` per table into ``directory``, as the build does."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, records in tables().items():
        pq.write_table(to_arrow(name, records, __version__), directory / f"{name}.parquet")
    return directory
