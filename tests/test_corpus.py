"""The annotated corpus: exact facts of every document, offsets, normalization, coverage."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest

from dnnd_dataset.checking.pipeline import CompileResult
from dnnd_dataset.records import Article, Directive, Meeting, Mention, Person

from .conftest import RAW, SEEDS
from .golden import GOLDEN

SEED_SHA256 = {
    "000_129a49d91db6336b.txt": "a1f53a5d26fcf0deb290645fded61835447f2b040edbf781345dcea9d94efc93",
    "001_7aa88a628dfba5ee.txt": "703fb9a4d95bb7e1e91efa28c6b0a543887e0d6f6f3e61c856ad76e533093f6a",
    "002_a35811e9377ab383.txt": "629f187655706cd7d11827d6e30b9158d3ff6ff419af9fb9ef178a9b6ea8895f",
    "003_cb987c258479b677.txt": "5642a739177ca942340e14ddfdd8d20ad37cc49ff412af2c15fe3f486b7acfc1",
    "004_09a4b5f42719a47d.txt": "6937e307169dd8b1f5cf6c4794f37847b461b955eb1b7bd7a54b6f6a396ec8d1",
}

# What each document names in its body: persons, organizations, directives, meetings.
NAMED: dict[str, dict[str, set[str]]] = {
    "000-129a49d91db6336b": {
        "persons": {"truong-tan-sang", "hoang-binh-quan", "minh-anh"},
        "organizations": {
            "ban-bi-thu",
            "ban-chap-hanh-trung-uong-dang",
            "ban-doi-ngoai-trung-uong",
            "bo-chinh-tri",
            "dang-cong-san-viet-nam",
            "mat-tran-to-quoc-viet-nam",
            "nha-nuoc-viet-nam",
        },
        "directives": {"chi-thi-04-ct-tw-khoa-xi"},
        "meetings": {"hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011"},
    },
    "001-7aa88a628dfba5ee": {
        "persons": {"le-hong-anh", "hoang-binh-quan"},
        "organizations": {
            "ban-bi-thu",
            "ban-chap-hanh-trung-uong-dang",
            "ban-chi-dao-thong-tin-doi-ngoai",
            "ban-doi-ngoai-trung-uong",
            "bao-nhan-dan",
            "bo-chinh-tri",
            "dang-cong-san-viet-nam",
            "mat-tran-to-quoc-viet-nam",
            "nha-nuoc-viet-nam",
        },
        "directives": {"ket-luan-73-bo-chinh-tri"},
        "meetings": {
            "hoi-nghi-tong-ket-cong-tac-ban-doi-ngoai-trung-uong-2014",
            "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2014",
        },
    },
    "002-a35811e9377ab383": {
        "persons": {"tran-quoc-vuong", "quoc-tran"},
        "organizations": {
            "ban-bi-thu",
            "ban-doi-ngoai-trung-uong",
            "bao-cong-luan",
            "bo-chinh-tri",
            "dang-cong-san-viet-nam",
            "mat-tran-to-quoc-viet-nam",
            "nha-nuoc-viet-nam",
            "thong-tan-xa-viet-nam",
            "van-phong-trung-uong-dang",
        },
        "directives": {
            "chi-thi-04-ct-tw-khoa-xi",
            "nghi-quyet-dai-hoi-xiii",
            "nghi-quyet-trung-uong-6-khoa-xii",
        },
        "meetings": {
            "dai-hoi-xiii-dang-cong-san-viet-nam",
            "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2020",
        },
    },
    "003-cb987c258479b677": {
        "persons": {"pham-thi-lan", "le-dai", "ha-su"},
        "organizations": {
            "ban-bi-thu",
            "bao-gia-lai",
            "dang-cong-san-viet-nam",
            "lien-hiep-cac-to-chuc-huu-nghi-viet-nam",
            "lien-hop-quoc",
            "mat-tran-to-quoc-viet-nam",
            "nha-nuoc-viet-nam",
            "uy-ban-mttq-viet-nam-tinh",
        },
        "directives": {"chi-thi-12-ct-tw-ban-bi-thu"},
        # The gift its photo caption reports: an activity, linked by its evidence.
        "meetings": {"tang-qua-tet-cho-viet-kieu-ngheo-o-tinh-ratanakiri"},
    },
    "004-09a4b5f42719a47d": {
        "persons": {"nguyen-huy-tang", "tran-quoc-vuong", "tuan-viet"},
        "organizations": {
            "ban-bi-thu",
            "ban-doi-ngoai-trung-uong",
            "bo-chinh-tri",
            "dang-cong-san-viet-nam",
            "doan-chu-tich-dai-hoi-lhhn-vi",
            "lien-hiep-cac-to-chuc-huu-nghi-viet-nam",
            "nha-nuoc-viet-nam",
            "uy-ban-cong-tac-ve-cac-to-chuc-phi-chinh-phu-nuoc-ngoai",
        },
        "directives": {
            "chi-thi-28-ct-tw-khoa-x",
            "chi-thi-32-ct-tw-2019",
            "chi-thi-38-ct-tw-2019",
        },
        "meetings": {"dai-hoi-lhhn-lan-thu-vi"},
    },
}
# What each document names only in its boilerplate: the site banner of 004.
NAMED_IN_BOILERPLATE_ONLY: dict[str, dict[str, set[str]]] = {
    article_id: {"persons": set(), "organizations": set(), "directives": set(), "meetings": set()}
    for article_id in NAMED
}
NAMED_IN_BOILERPLATE_ONLY["004-09a4b5f42719a47d"] = {
    "persons": {"ho-chi-minh"},
    "organizations": {
        "cong-doan-tinh-khanh-hoa",
        "dang-bo-khoi-cac-co-quan-tinh-khanh-hoa",
        "dang-bo-tinh-khanh-hoa",
    },
    "directives": {
        "nghi-quyet-dai-hoi-dang-bo-tinh-khanh-hoa-xviii",
        "nghi-quyet-dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-viii",
    },
    "meetings": {
        "dai-hoi-dang-bo-tinh-khanh-hoa-lan-thu-xviii",
        "dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-lan-thu-viii",
        "dai-hoi-cong-doan-tinh-khanh-hoa-lan-thu-xi",
    },
}

D = dt.date
# meeting_id: (date, precision, inferred, location, attendance, qualifier, participants,
#              organizers, directives)
MEETINGS: dict[str, tuple[Any, ...]] = {
    "hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011": (
        D(2011, 7, 19),
        "day",
        True,
        None,
        None,
        None,
        [
            (
                "truong-tan-sang",
                ["chair", "directing", "speaker"],
                "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư",
                False,
            ),
            ("hoang-binh-quan", ["chair"], "Ủy viên BCH TW Đảng, Trưởng Ban Đối ngoại TW", False),
        ],
        ["ban-bi-thu"],
        ["chi-thi-04-ct-tw-khoa-xi"],
    ),
    "hoi-nghi-tong-ket-cong-tac-ban-doi-ngoai-trung-uong-2014": (
        D(2015, 1, 28),
        "day",
        True,
        "Hà Nội",
        None,
        None,
        [
            (
                "le-hong-anh",
                ["directing", "attendee"],
                "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư",
                False,
            ),
            (
                "hoang-binh-quan",
                ["attendee"],
                "Ủy viên T.Ư \u00d0ảng, Trưởng ban \u00d0ối ngoại T.Ư",
                False,
            ),
        ],
        ["ban-doi-ngoai-trung-uong"],
        ["ket-luan-73-bo-chinh-tri"],
    ),
    "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2014": (
        D(2015, 1, 28),
        "day",
        True,
        "Hà Nội",
        200,
        "more_than",
        [
            (
                "le-hong-anh",
                ["directing", "attendee"],
                "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư",
                False,
            )
        ],
        ["ban-doi-ngoai-trung-uong"],
        [],
    ),
    "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2020": (
        D(2020, 12, 23),
        "day",
        True,
        "Hà Nội",
        None,
        None,
        [
            (
                "tran-quoc-vuong",
                ["directing", "speaker", "attendee"],
                "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư",
                False,
            )
        ],
        ["ban-doi-ngoai-trung-uong"],
        ["nghi-quyet-dai-hoi-xiii", "nghi-quyet-trung-uong-6-khoa-xii", "chi-thi-04-ct-tw-khoa-xi"],
    ),
    "dai-hoi-xiii-dang-cong-san-viet-nam": (
        None,
        "unknown",
        False,
        None,
        None,
        None,
        [],
        ["dang-cong-san-viet-nam"],
        [],
    ),
    "dai-hoi-lhhn-lan-thu-vi": (
        None,
        "unknown",
        False,
        None,
        None,
        None,
        [
            ("nguyen-huy-tang", ["speaker"], "Phó Trưởng ban Ban Đối ngoại Trung ương", False),
            ("tran-quoc-vuong", ["attendee"], "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư", True),
        ],
        ["lien-hiep-cac-to-chuc-huu-nghi-viet-nam"],
        ["chi-thi-28-ct-tw-khoa-x", "chi-thi-32-ct-tw-2019", "chi-thi-38-ct-tw-2019"],
    ),
    "dai-hoi-dang-bo-tinh-khanh-hoa-lan-thu-xviii": (
        None,
        "unknown",
        False,
        None,
        None,
        None,
        [],
        ["dang-bo-tinh-khanh-hoa"],
        [],
    ),
    "dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-lan-thu-viii": (
        None,
        "unknown",
        False,
        None,
        None,
        None,
        [],
        ["dang-bo-khoi-cac-co-quan-tinh-khanh-hoa"],
        [],
    ),
    "dai-hoi-cong-doan-tinh-khanh-hoa-lan-thu-xi": (
        None,
        "unknown",
        False,
        None,
        None,
        None,
        [],
        ["cong-doan-tinh-khanh-hoa"],
        [],
    ),
}

# directive_id: (kind, number, code, issuer, term, issued_on)
DIRECTIVES: dict[str, tuple[Any, ...]] = {
    "chi-thi-04-ct-tw-khoa-xi": ("chi_thi", "04", "04-CT/TW", "ban-bi-thu", "XI", D(2011, 7, 6)),
    "chi-thi-12-ct-tw-ban-bi-thu": ("chi_thi", "12", "12-CT/TW", "ban-bi-thu", None, None),
    "chi-thi-28-ct-tw-khoa-x": ("chi_thi", "28", "28-CT/TW", "ban-bi-thu", "X", D(2008, 12, 2)),
    "chi-thi-32-ct-tw-2019": ("chi_thi", "32", "32-CT/TW", "bo-chinh-tri", None, D(2019, 2, 18)),
    "chi-thi-38-ct-tw-2019": ("chi_thi", "38", "38-CT/TW", "ban-bi-thu", None, D(2019, 9, 19)),
    "ket-luan-73-bo-chinh-tri": ("ket_luan", "73", "73-KL/TW", "bo-chinh-tri", None, None),
    "nghi-quyet-dai-hoi-xiii": ("nghi_quyet", None, None, "dang-cong-san-viet-nam", "XIII", None),
    "nghi-quyet-trung-uong-6-khoa-xii": (
        "nghi_quyet",
        None,
        None,
        "ban-chap-hanh-trung-uong-dang",
        "XII",
        None,
    ),
    "nghi-quyet-dai-hoi-dang-bo-tinh-khanh-hoa-xviii": (
        "nghi_quyet",
        None,
        None,
        "dang-bo-tinh-khanh-hoa",
        None,
        None,
    ),
    "nghi-quyet-dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-viii": (
        "nghi_quyet",
        None,
        None,
        "dang-bo-khoi-cac-co-quan-tinh-khanh-hoa",
        None,
        None,
    ),
}


def _by_id(result: CompileResult, table: str) -> dict[str, Any]:
    key = {
        "articles": "article_id",
        "meetings": "meeting_id",
        "persons": "person_id",
        "directives": "directive_id",
        "organizations": "organization_id",
    }[table]
    return {getattr(row, key): row for row in result.tables[table]}


def test_texts_are_the_seeds_verbatim(compiled: CompileResult) -> None:
    articles = compiled.tables["articles"]
    golden = {a.source_file: a.sha256 for a in articles if isinstance(a, Article)}
    assert {name: golden.get(name) for name in SEED_SHA256} == SEED_SHA256
    for article in articles:
        assert isinstance(article, Article)
        raw_bytes = (RAW / "documents" / f"{article.article_id}.txt").read_bytes()
        assert hashlib.sha256(raw_bytes).hexdigest() == article.sha256
        assert raw_bytes.decode("utf-8") == article.text
        if SEEDS.is_dir():
            assert (SEEDS / article.source_file).read_bytes() == raw_bytes


@pytest.mark.parametrize("article_id", sorted(NAMED))
def test_each_document_names_exactly(compiled: CompileResult, article_id: str) -> None:
    article = _by_id(compiled, "articles")[article_id]
    assert {
        "persons": set(article.person_ids),
        "organizations": set(article.organization_ids),
        "directives": set(article.directive_ids),
        "meetings": set(article.meeting_ids),
    } == NAMED[article_id]
    assert {
        "persons": set(article.boilerplate_person_ids),
        "organizations": set(article.boilerplate_organization_ids),
        "directives": set(article.boilerplate_directive_ids),
        "meetings": set(article.boilerplate_meeting_ids),
    } == NAMED_IN_BOILERPLATE_ONLY[article_id]


def test_registries_hold_exactly_what_the_documents_name(compiled: CompileResult) -> None:
    articles = [a for a in compiled.tables["articles"] if isinstance(a, Article)]
    assert sorted(NAMED) == sorted(GOLDEN)
    for table in ("persons", "organizations", "directives", "meetings"):
        golden = set().union(
            *(doc[table] for doc in NAMED.values()),
            *(doc[table] for doc in NAMED_IN_BOILERPLATE_ONLY.values()),
        )
        column = table.removesuffix("s") + "_ids"
        named = set().union(
            *(getattr(a, column) for a in articles),
            *(getattr(a, f"boilerplate_{column}") for a in articles),
        )
        assert golden <= named == set(_by_id(compiled, table)), table


@pytest.mark.parametrize("meeting_id", sorted(MEETINGS))
def test_meeting_facts(compiled: CompileResult, meeting_id: str) -> None:
    meeting: Meeting = _by_id(compiled, "meetings")[meeting_id]
    assert (
        meeting.date,
        meeting.date_precision,
        meeting.date_inferred,
        meeting.location,
        meeting.attendance,
        meeting.attendance_qualifier,
        [(p.person_id, p.roles, p.position, p.inferred) for p in meeting.participants],
        meeting.organizer_ids,
        meeting.directive_ids,
    ) == MEETINGS[meeting_id]
    assert (meeting.date_basis is not None) == meeting.date_inferred


@pytest.mark.parametrize("directive_id", sorted(DIRECTIVES))
def test_directive_facts(compiled: CompileResult, directive_id: str) -> None:
    d: Directive = _by_id(compiled, "directives")[directive_id]
    assert (d.kind, d.number, d.code, d.issuer_id, d.term, d.issued_on) == DIRECTIVES[directive_id]


def test_directive_04_is_one_row_with_every_press_spelling(compiled: CompileResult) -> None:
    d: Directive = _by_id(compiled, "directives")["chi-thi-04-ct-tw-khoa-xi"]
    assert d.surface_forms == ["Chỉ thị 04 – CT/TW", "Chỉ thị 04-CT/TW", "Chỉ thị số 04-CT/TW"]
    assert d.article_ids == ["000-129a49d91db6336b", "002-a35811e9377ab383"]
    assert d.meeting_ids == [
        "hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011",
        "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2020",
    ]
    assert _by_id(compiled, "directives")["chi-thi-38-ct-tw-2019"].surface_forms == [
        "Chỉ thị 38/CT-TW"
    ]


def test_articles_metadata(compiled: CompileResult) -> None:
    rows = _by_id(compiled, "articles")
    got = {
        key: (
            a.outlet,
            a.outlet_inferred,
            a.page_date,
            a.authors,
            [(c.name, c.role, c.person_id, c.organization_id, c.inferred) for c in a.credits],
            a.url,
        )
        for key, a in rows.items()
        if key in GOLDEN
    }
    assert got == {
        "000-129a49d91db6336b": (
            None,
            False,
            None,
            ["Minh Anh"],
            [("website Trương Tấn Sang", "source", "truong-tan-sang", None, True)],
            None,
        ),
        "001-7aa88a628dfba5ee": (
            None,
            False,
            None,
            [],
            [("Nhandan", "source", None, "bao-nhan-dan", True)],
            None,
        ),
        "002-a35811e9377ab383": (
            "Báo Công luận",
            True,
            None,
            ["Quốc Trần"],
            [("TTXVN", "photo", None, "thong-tan-xa-viet-nam", True)],
            None,
        ),
        "003-cb987c258479b677": (
            "Báo Gia Lai",
            True,
            None,
            ["Hà Sự"],
            [("Lê Đại", "photo", "le-dai", None, False)],
            None,
        ),
        "004-09a4b5f42719a47d": (
            "Đảng bộ Khối các cơ quan tỉnh Khánh Hòa",
            True,
            None,
            ["Nguyễn Huy Tăng"],
            [
                ("Tuấn Việt", "photo", "tuan-viet", None, False),
                ("vufo.org.vn", "source", None, "lien-hiep-cac-to-chuc-huu-nghi-viet-nam", True),
                ("Tuấn Việt", "photo", "tuan-viet", None, False),
            ],
            "http://vufo.org.vn/Phoi-hop-chat-che-giua-Doi-ngoai-Dang-va-Doi-ngoai-nhan-dan-"
            "hoan-thanh-cac-nhiem-vu-doi-ngoai-42-4682.html?lang=vn",
        ),
    }
    assert rows["003-cb987c258479b677"].title.startswith("Ban Bí thư vừa có Chỉ thị số 12-CT/TW")


def test_boilerplate_spans(compiled: CompileResult) -> None:
    got = {
        a.article_id: [(b.kind, a.text[b.start : b.end]) for b in a.boilerplate]
        for a in compiled.tables["articles"]
        if isinstance(a, Article)
    }
    assert got["000-129a49d91db6336b"] == [
        ("duplicate_caption", "Đồng chí Trương Tấn Sang phát biểu tại Hội nghị."),
        (
            "duplicate_text",
            "Chú trọng quan hệ hợp tác về kinh tế, văn hóa, giáo dục, khoa học – "
            "công nghệ, bảo vệ môi trường",
        ),
        ("comment_widget", "0 nhận xét:\n\nĐăng nhận xét"),
    ]
    assert [kind for kind, _ in got["002-a35811e9377ab383"]] == [
        "page_chrome",
        "page_chrome",
        "duplicate_caption",
        "duplicate_caption",
    ]
    assert got["004-09a4b5f42719a47d"][0][0] == "site_banner"
    assert got["004-09a4b5f42719a47d"][0][1].endswith("NHIỆM KỲ 2023-2028.")
    # The second copy is marked, so the first one stays content.
    first = compiled.tables["articles"][0]
    assert isinstance(first, Article)
    caption = "Đồng chí Trương Tấn Sang phát biểu tại Hội nghị."
    assert first.boilerplate[0].start == first.text.rindex(caption)


def test_mentions_are_exact_code_point_spans(compiled: CompileResult) -> None:
    texts = {a.article_id: a.text for a in compiled.tables["articles"] if isinstance(a, Article)}
    for mention in compiled.tables["mentions"]:
        assert texts[mention.article_id][mention.start : mention.end] == mention.text  # type: ignore[attr-defined]
    labels = {m.label for m in compiled.tables["mentions"]}  # type: ignore[attr-defined]
    assert labels == {"PERSON", "ORGANIZATION", "DIRECTIVE", "MEETING", "LOCATION"}


def test_lookalike_d_is_kept_verbatim_and_normalized(compiled: CompileResult) -> None:
    article = _by_id(compiled, "articles")["001-7aa88a628dfba5ee"]
    assert article.text.count("\u00d0") == 18
    assert len(article.text_normalized) == len(article.text)
    assert "\u00d0" not in article.text_normalized
    assert article.text_normalized.count("Đảng") == article.text.count("Ðảng") + article.text.count(
        "Đảng"
    )
    printed = [
        m
        for m in compiled.tables["mentions"]
        if isinstance(m, Mention) and m.article_id == article.article_id and m.text == "Ðảng"
    ]
    # Ten 'Ðảng' in the text; two of them belong to 'T.Ư Ðảng' (the Central Committee).
    assert article.text.count("Ðảng") == 10
    assert len(printed) == 8
    party = _by_id(compiled, "organizations")["dang-cong-san-viet-nam"]
    assert party.other_names == ["Đảng", "đảng", "Ðảng"]


def test_positions_as_stated_at_the_time(compiled: CompileResult) -> None:
    person: Person = _by_id(compiled, "persons")["hoang-binh-quan"]
    assert [
        (p.title, p.organization_id, p.as_of, p.as_of_inferred, p.article_id)
        for p in person.positions
    ] == [
        (
            "Ủy viên BCH TW Đảng",
            "ban-chap-hanh-trung-uong-dang",
            D(2011, 7, 19),
            True,
            "000-129a49d91db6336b",
        ),
        (
            "Trưởng Ban Đối ngoại TW",
            "ban-doi-ngoai-trung-uong",
            D(2011, 7, 19),
            True,
            "000-129a49d91db6336b",
        ),
        (
            "Ủy viên T.Ư \u00d0ảng",
            "ban-chap-hanh-trung-uong-dang",
            D(2015, 1, 28),
            True,
            "001-7aa88a628dfba5ee",
        ),
        (
            "Trưởng ban \u00d0ối ngoại T.Ư",
            "ban-doi-ngoai-trung-uong",
            D(2015, 1, 28),
            True,
            "001-7aa88a628dfba5ee",
        ),
    ]


def test_every_stated_fact_has_evidence_found_in_the_text(compiled: CompileResult) -> None:
    texts = {a.article_id: a.text for a in compiled.tables["articles"] if isinstance(a, Article)}
    evidence = compiled.tables["evidence"]
    for row in evidence:
        assert texts[row.article_id][row.start : row.end] == row.quote  # type: ignore[attr-defined]
    supported = {(e.table, e.record_id, e.field) for e in evidence}  # type: ignore[attr-defined]
    for meeting in compiled.tables["meetings"]:
        assert isinstance(meeting, Meeting)
        for name in ("date", "location", "attendance"):
            if getattr(meeting, name) is not None:
                assert ("meetings", meeting.meeting_id, name) in supported
        for participant in meeting.participants:
            key = f"participants[person_id={participant.person_id}]"
            for role in participant.roles:
                assert ("meetings", meeting.meeting_id, f"{key}.roles[{role}]") in supported
            if participant.position is not None:
                assert ("meetings", meeting.meeting_id, f"{key}.position") in supported
        for name in ("organizer_ids", "directive_ids"):
            for element in getattr(meeting, name):
                assert ("meetings", meeting.meeting_id, f"{name}[{element}]") in supported
    for directive in compiled.tables["directives"]:
        assert isinstance(directive, Directive)
        for name in ("code", "term", "issued_on", "subject"):
            if getattr(directive, name) is not None:
                assert ("directives", directive.directive_id, name) in supported


def test_coverage_has_no_unexplained_gap(compiled: CompileResult) -> None:
    coverage = compiled.report.stats["coverage"]
    articles = [a.article_id for a in compiled.tables["articles"] if isinstance(a, Article)]
    assert sorted(coverage) == sorted(articles)
    assert set(GOLDEN) <= set(coverage)
    for stats in coverage.values():
        assert stats["unexplained"] == 0
        assert stats["names_found"] == stats["covered"] + stats["waived"] > 0


def test_every_table_round_trips_through_parquet(compiled: CompileResult, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from dnnd_dataset.builder import build
    from dnnd_dataset.publishing.arrow_schema import from_arrow

    build(RAW, tmp_path / "dist")
    for name, rows in compiled.tables.items():
        path = tmp_path / "dist" / "data" / name / "train-00000-of-00001.parquet"
        assert from_arrow(name, pq.read_table(path)) == rows, name


def test_a_waiver_explains_an_occurrence(raw_copy: Path) -> None:
    from dnnd_dataset.checking.pipeline import compile_corpus

    document = raw_copy / "documents" / "003-cb987c258479b677.yaml"
    text = document.read_text(encoding="utf-8")
    text = text.replace("  - {quote: Liên hợp quốc, entity: lien-hop-quoc}\n", "")
    text += (
        "  - quote: Liên hợp quốc\n"
        "    reason: named only inside the title of the Charter, not as an actor\n"
    )
    document.write_text(text, encoding="utf-8")
    result = compile_corpus(raw_copy)
    assert result.report.valid, result.report.format()
    assert result.report.stats["coverage"]["003-cb987c258479b677"] == {
        "names_found": 24,
        "covered": 22,
        "waived": 2,
        "unexplained": 0,
        "mentions": 31,
    }
    organizations = {o.organization_id: o for o in result.tables["organizations"]}  # type: ignore[attr-defined]
    assert organizations["lien-hop-quoc"].article_ids == []  # type: ignore[attr-defined]
