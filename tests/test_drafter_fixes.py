"""The drafter on made-up sentences of the forms Vietnamese news takes: each case one pattern
the rules used to miss or misread, with the exact spans and facts a draft must hold."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dnnd_dataset.drafting import events, page
from dnnd_dataset.drafting.draft import draft_annotation
from dnnd_dataset.drafting.knowledge import Knowledge, knowledge_of
from dnnd_dataset.drafting.spans import draft_hits
from dnnd_dataset.reading.raw_models import DocumentAnnotation, PersonEntry, PostEntry
from dnnd_dataset.textnorm import normalize


def _draft(text: str, knowledge: Knowledge | None = None, **options: Any) -> DocumentAnnotation:
    return draft_annotation(
        text, knowledge or Knowledge(), article_id="x", source_file="x.txt", **options
    ).annotation


def _labelled(text: str, knowledge: Knowledge | None = None) -> set[tuple[str, str]]:
    knowledge = knowledge or Knowledge()
    annotation = _draft(text, knowledge)
    norm = normalize(text)
    return {(norm[h.start : h.end], h.label) for h in draft_hits(annotation, text, knowledge)}


def _meeting_entries(annotation: DocumentAnnotation) -> list[dict[str, Any]]:
    return [p.entry for p in annotation.proposals if p.kind == "meeting" and p.entry]


# ------------------------------------------------------------ names of bodies


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("Tiêu đề\n\nSáng nay, Ban Tuyên giáo Tỉnh ủy họp.", "Ban Tuyên giáo Tỉnh ủy"),
        ("Tiêu đề\n\nQuỹ Bảo trợ trẻ em Việt Nam trao quà.", "Quỹ Bảo trợ trẻ em Việt Nam"),
        (
            "Tiêu đề\n\nĐoàn thăm Bộ Văn hóa, Thể thao và Du lịch hôm qua.",
            "Bộ Văn hóa, Thể thao và Du lịch",
        ),
        ("Tiêu đề\n\nĐoàn của Hội Hữu nghị Pháp - Việt Nam đến.", "Hội Hữu nghị Pháp - Việt Nam"),
        (
            "Tiêu đề\n\nLiên hiệp các tổ chức hữu nghị tỉnh Nghệ An đón đoàn.",
            "Liên hiệp các tổ chức hữu nghị tỉnh Nghệ An",
        ),
        ("Tiêu đề\n\nSở Ngoại vụ TP. Cần Thơ đón đoàn.", "Sở Ngoại vụ TP. Cần Thơ"),
        ("Tiêu đề\n\nĐại sứ quán Đức tại Việt Nam cho biết.", "Đại sứ quán Đức tại Việt Nam"),
    ],
)
def test_a_body_is_named_whole(text: str, body: str) -> None:
    found = _labelled(text)
    assert (body, "ORGANIZATION") in found
    # and not a piece of it
    assert not any(label == "ORGANIZATION" and v != body and v in body for v, label in found)


def test_a_city_is_no_person_and_no_body() -> None:
    found = _labelled("Tiêu đề\n\nChiều 5/6, tại TP. Hồ Chí Minh, Hội Nông dân gặp mặt.")
    assert ("TP. Hồ Chí Minh", "LOCATION") in found
    assert not {v for v, label in found if label in ("PERSON", "ORGANIZATION") and "Minh" in v}


# ------------------------------------------------------------ persons


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        (
            "Tiêu đề\n\nBà Anna Schmidt gặp ông Nguyễn Văn Bình tại Hà Nội.",
            {"Anna Schmidt", "Nguyễn Văn Bình"},
        ),
        (
            "Tiêu đề\n\nHôm qua, ông Tanaka Hiroshi và bà Kim Min-jung thăm trường.",
            {"Tanaka Hiroshi", "Kim Min-jung"},
        ),
        ("Tiêu đề\n\nHôm qua, ông Jean-Pierre Martin đến thăm.", {"Jean-Pierre Martin"}),
    ],
)
def test_foreign_names_are_persons(text: str, persons: set[str]) -> None:
    assert {v for v, label in _labelled(text) if label == "PERSON"} == persons


# ------------------------------------------------------------ places


def test_places_beyond_tai() -> None:
    text = (
        "Tiêu đề\n\nĐoàn đã thăm Lào, Campuchia và Thái Lan trước khi về miền Trung. "
        "Quảng Nam đón 20 đoàn khách từ các huyện Tây Giang, Nam Giang."
    )
    places = {v for v, label in _labelled(text) if label == "LOCATION"}
    assert places == {
        "Lào",
        "Campuchia",
        "Thái Lan",
        "miền Trung",
        "Quảng Nam",
        "Tây Giang",
        "Nam Giang",
    }


def test_an_abbreviation_ends_no_sentence() -> None:
    text = "Sáng 2/3, tại TP. Cần Thơ, hội nghị diễn ra. Câu sau."
    at = text.index("hội nghị")
    assert events.sentence_bounds(text, at, at + 8) == (0, text.index(". Câu"))


# ------------------------------------------------------------ dates and counts


def test_a_date_without_a_printed_year_is_kept_in_edtf() -> None:
    (found,) = events.dates("Chiều 9/10, đoàn đến thăm.", None)
    assert (found.start, found.end, found.date, found.edtf) == (0, 10, None, "XXXX-10-09")


def test_a_date_proposal_without_a_year_says_so() -> None:
    annotation = _draft("Tiêu đề\n\nChiều 9/10, đoàn đến thăm.")
    (date,) = [p for p in annotation.proposals if p.kind == "date"]
    assert (date.quote, date.value, date.date) == ("Chiều 9/10", "XXXX-10-09", None)
    assert date.note == "the year is not printed and nothing in the text gives it: XXXX-10-09"


@pytest.mark.parametrize(
    ("text", "number", "qualifier"),
    [
        ("Hơn 200 đại biểu dự.", 200, "more_than"),
        ("Gần 60 ủy viên dự.", 60, "about"),
        ("Có khoảng 70 đại biểu.", 70, "about"),
        ("Có 35 đại biểu.", 35, "exact"),
    ],
)
def test_a_qualified_count_is_never_exact(text: str, number: int, qualifier: str) -> None:
    (count,) = events.attendance(text)
    assert (count.number, count.qualifier) == (number, qualifier)


# ------------------------------------------------------------ meetings


def test_a_meeting_introduced_by_any_verb() -> None:
    text = (
        "Sáng 12/5, ông Lê Văn Tám đã dự Hội thảo hợp tác biên giới do Sở Ngoại vụ "
        "tỉnh Lạng Sơn tổ chức tại huyện Cao Lộc."
    )
    (meeting,) = events.meetings(text, None)
    assert meeting.name == "Hội thảo hợp tác biên giới"
    assert meeting.date is not None and meeting.date.edtf == "XXXX-05-12"
    assert meeting.location == "huyện Cao Lộc"
    assert [text[s:e] for s, e in meeting.organizer_spans] == ["Sở Ngoại vụ tỉnh Lạng Sơn"]


def test_a_dateline_organizes_nothing() -> None:
    text = (
        "Tiêu đề\n\n(ABC) Chiều 3/3, Hội Nông dân tỉnh Bình Phước tổ chức Hội nghị sơ kết "
        "công tác đối ngoại."
    )
    (entry,) = _meeting_entries(_draft(text))
    assert entry["organizers"] == ["hoi-nong-dan-tinh-binh-phuoc"]
    assert (entry["name"], entry["date_edtf"]) == (
        "Hội nghị sơ kết công tác đối ngoại",
        "XXXX-03-03",
    )


def test_participants_and_roles_come_from_the_sentence_that_names_them() -> None:
    text = (
        "Tiêu đề\n\n"
        "Sáng 3/3, Hội Nông dân tỉnh Hà Tĩnh tổ chức Hội nghị tổng kết công tác năm 2024. "
        "Ông Trần Văn Hai chủ trì hội nghị.\n\n"
        "Sáng 4/3, Hội Nông dân tỉnh Hà Tĩnh tổ chức Tọa đàm giao lưu văn hóa. "
        "Bà Lê Thị Ba phát biểu tại tọa đàm.\n\n"
        "Trước đó, bà Ngô Thị Tư, Phó Chủ tịch Hội, phát biểu tại hội nghị."
    )
    entries = {e["name"]: e for e in _meeting_entries(_draft(text))}
    roles = {
        name: {p["person"]: p["roles"] for p in entry.get("participants", [])}
        for name, entry in entries.items()
    }
    assert roles == {
        "Hội nghị tổng kết công tác năm 2024": {
            "ngo-thi-tu": ["speaker"],
            "tran-van-hai": ["chair"],
        },
        "Tọa đàm giao lưu văn hóa": {"le-thi-ba": ["speaker"]},
    }


def _meeting(text: str) -> events.Meeting:
    (meeting,) = events.meetings(text, 2020)
    return meeting


@pytest.mark.parametrize(
    ("text", "day", "edtf"),
    [
        ("Ngày 7 và 8/9, tại Hà Nội, diễn ra Hội thảo nông nghiệp xanh.", 7, "XXXX-09-07"),
        ("Từ ngày 12 đến 14/6, tại Huế diễn ra Liên hoan ẩm thực ba miền.", 12, "XXXX-06-12"),
        ("Ngày 21-22/5/2020, tại Vinh diễn ra Hội nghị cán bộ chủ chốt.", 21, "2020-05-21"),
    ],
)
def test_a_run_of_days_dates_a_meeting_by_its_first_day(text: str, day: int, edtf: str) -> None:
    meeting = _meeting(text)
    assert meeting.date is not None
    assert (meeting.date.edtf, meeting.date.date) == (edtf, dt.date(2020, int(edtf[5:7]), day))
    assert meeting.date.basis is not None and meeting.date.basis.startswith(
        "The text prints the days "
    )


def test_a_date_in_brackets_or_in_words() -> None:
    (bracketed,) = events.dates("Sáng nay (8/3), đoàn đến thăm.", None)
    (worded,) = events.dates("Ngày 8 tháng 3 năm 2021, đoàn đến thăm.", None)
    assert bracketed.edtf == "XXXX-03-08"
    assert (worded.date, worded.edtf) == (dt.date(2021, 3, 8), "2021-03-08")


def test_a_place_is_a_building_and_its_city() -> None:
    meeting = _meeting(
        "Ngày 2/4, tại Khách sạn Sông Lam, TP. Vinh, đã diễn ra Lễ ra mắt Câu lạc bộ hữu nghị."
    )
    assert (meeting.name, meeting.location) == (
        "Lễ ra mắt Câu lạc bộ hữu nghị",
        "Khách sạn Sông Lam, TP. Vinh",
    )


def test_a_place_opening_the_sentence() -> None:
    meeting = _meeting(
        "Tại Nhà hát Lớn, TP. Hải Phòng, Hội Nông dân thành phố tổ chức Lễ tuyên dương nông "
        "dân giỏi. Tại buổi lễ, ông Mạc Văn Lũy phát biểu."
    )
    assert meeting.location == "Nhà hát Lớn, TP. Hải Phòng"


def test_a_meeting_word_inside_a_venue_names_no_meeting() -> None:
    text = (
        "Chiều 9/9, Hội Nông dân tỉnh Yên Bái tổ chức buổi gặp mặt nông dân tiêu biểu "
        "tại Trung tâm Hội nghị tỉnh."
    )
    meeting = _meeting(text)
    assert (meeting.name, meeting.location) == (
        "buổi gặp mặt nông dân tiêu biểu",
        "Trung tâm Hội nghị tỉnh",
    )


def test_a_place_without_a_name_belongs_to_the_meeting_name() -> None:
    meeting = _meeting(
        "Hội Luật gia tỉnh Sơn La đã tổ chức buổi gặp mặt các luật gia đang công tác tại "
        "địa phương."
    )
    assert (meeting.name, meeting.location, meeting.place_spans) == (
        "buổi gặp mặt các luật gia đang công tác tại địa phương",
        None,
        [],
    )


def test_a_meeting_restated_by_its_kind_gets_that_sentence_date_and_place() -> None:
    text = (
        "Tiêu đề\n\n08/04/2020\n\n"
        "Nhân dịp Tết cổ truyền, Hội Nông dân tỉnh Yên Bái đã tổ chức buổi gặp mặt nông dân "
        "tiêu biểu. Buổi gặp mặt diễn ra tối 6/4 tại Nhà văn hóa Thanh Niên, phường Minh Tân."
    )
    (entry,) = _meeting_entries(_draft(text))
    assert (entry["date"], entry["date_edtf"], entry["location"]) == (
        "2020-04-06",
        "XXXX-04-06",
        "Nhà văn hóa Thanh Niên, phường Minh Tân",
    )
    assert [e["supports"] for e in entry["evidence"]] == [
        ["organizers"],
        ["date", "location"],
    ]
    assert entry["evidence"][1]["quote"] == (
        "Buổi gặp mặt diễn ra tối 6/4 tại Nhà văn hóa Thanh Niên, phường Minh Tân"
    )


def test_a_meeting_reported_by_a_verb_and_the_body_met() -> None:
    text = (
        "Tiêu đề\n\n"
        "Trong khuôn khổ chuyến thăm, đoàn đã làm việc với Sở Ngoại vụ tỉnh Điện Biên về "
        "hợp tác biên giới. Chủ trì buổi làm việc, ông Quàng Văn Sính phát biểu."
    )
    (entry,) = _meeting_entries(_draft(text))
    assert entry["name"] == "làm việc với Sở Ngoại vụ tỉnh Điện Biên"
    assert [(p["person"], p["roles"]) for p in entry["participants"]] == [
        ("quang-van-sinh", ["chair", "speaker"])
    ]


def test_a_meeting_name_stops_before_the_delegation_trip() -> None:
    meeting = _meeting(
        "Ngày 1/6, tại Điện Biên Phủ, đã diễn ra Lễ đón đoàn đại biểu tỉnh Phông-sa-lỳ "
        "sang thăm và làm việc tại tỉnh Điện Biên."
    )
    assert meeting.name == "Lễ đón đoàn đại biểu tỉnh Phông-sa-lỳ"


@pytest.mark.parametrize(
    ("text", "number", "qualifier"),
    [
        ("Tham dự có hơn 300 doanh nhân, nghệ sĩ.", 300, "more_than"),
        ("Dự hội thảo có khoảng 40 chuyên gia.", 40, "about"),
        ("Lễ diễn ra với sự tham dự của gần 90 nghệ nhân.", 90, "about"),
    ],
)
def test_a_count_after_the_attendance_words_is_the_attendance(
    text: str, number: int, qualifier: str
) -> None:
    (count,) = events.attendance(text)
    assert (count.number, count.qualifier) == (number, qualifier)


def test_new_kinds_of_meeting_and_a_meeting_held_by_a_session() -> None:
    names = [
        m.name
        for m in events.meetings(
            "Sáng 3/3, Hội Hữu nghị tỉnh Lào Cai tổ chức Tuần lễ văn hóa Lào. Chiều cùng "
            "ngày, đoàn đã có buổi tiếp xã giao với lãnh đạo tỉnh Lào Cai.",
            None,
        )
    ]
    assert names == ["Tuần lễ văn hóa Lào", "buổi tiếp xã giao với lãnh đạo tỉnh Lào Cai"]


def test_a_meeting_called_cuoc_or_reported_by_hoi_kien() -> None:
    names = [
        m.name
        for m in events.meetings(
            "Sáng 3/3, tại Vientiane đã diễn ra cuộc hội đàm giữa hai hội hữu nghị. Chiều "
            "cùng ngày, đoàn đã hội kiến với Chủ tịch Mặt trận Lào xây dựng đất nước.",
            None,
        )
    ]
    assert names == [
        "cuộc hội đàm giữa hai hội hữu nghị",
        "hội kiến với Chủ tịch Mặt trận Lào xây dựng đất nước",
    ]


# ------------------------------------------------------------ directives, posts, bylines


def test_a_directive_issuer_is_proposed() -> None:
    annotation = _draft("Tiêu đề\n\nThực hiện Chỉ thị số 45-CT/TW của Ban Bí thư, tỉnh đã làm.")
    (directive,) = [p for p in annotation.proposals if p.kind == "directive"]
    assert directive.entry is not None and directive.entry["issuer"] == "ban-bi-thu"
    assert directive.entry["evidence"][-1] == {
        "article": "x",
        "quote": "Chỉ thị số 45-CT/TW của Ban Bí thư",
        "supports": ["issuer"],
    }


def test_an_existing_post_is_proposed_for_its_title() -> None:
    knowledge = knowledge_of(
        {
            "persons": [PersonEntry(id="le-hong-anh", name="Lê Hồng Anh")],
            "posts": [PostEntry(id="thuong-truc-ban-bi-thu", name="Thường trực Ban Bí thư")],
        },
        [],
    )
    annotation = _draft(
        "Tiêu đề\n\nĐồng chí Lê Hồng Anh, Thường trực Ban Bí thư, phát biểu.", knowledge
    )
    assert [(p.person, p.title, p.post) for p in annotation.positions] == [
        ("le-hong-anh", "Thường trực Ban Bí thư", "thuong-truc-ban-bi-thu")
    ]


def _bylines(annotation: DocumentAnnotation) -> list[tuple[str, list[str]]]:
    return [
        (p.value, (p.entry or {}).get("roles", []))
        for p in annotation.proposals
        if p.note == "the byline"
    ]


def test_new_bylines_at_the_top_and_before_an_outlet_become_authors() -> None:
    top = _draft("TIÊU ĐỀ BÀI VIẾT\n\nBài và ảnh: TRẦN MINH\n\nNội dung bài viết ở đây.")
    assert _bylines(top) == [("TRẦN MINH", ["author"])]
    assert [(c.role, c.name) for c in top.credits] == [("photo", "TRẦN MINH")]
    end = "Tiêu đề\n\nNội dung bài viết ở đây.\n\nHoàng Lan/VOV-Tây Bắc"
    assert _bylines(_draft(end)) == [("Hoàng Lan", ["author"])]
    assert ("VOV-Tây Bắc", "ORGANIZATION") in _labelled(end)


def test_a_registered_byline_is_an_author() -> None:
    knowledge = knowledge_of({"persons": [PersonEntry(id="tran-minh", name="TRẦN MINH")]}, [])
    annotation = _draft("TIÊU ĐỀ BÀI VIẾT\n\nBài: TRẦN MINH\n\nNội dung bài viết ở đây.", knowledge)
    assert [(a.person, a.evidence.quote) for a in annotation.authors] == [
        ("tran-minh", "TRẦN MINH")
    ]


# ------------------------------------------------------------ page dates


def test_a_date_above_the_headline_is_the_page_clock() -> None:
    annotation = _draft("Thứ hai, 02/03/2020\n\nTiêu đề bài báo\n\nNgày 1/3/2020, đoàn đến.")
    assert annotation.page_date is None
    assert annotation.page_clock is not None
    assert (annotation.page_clock.value, annotation.page_clock.evidence.quote) == (
        dt.date(2020, 3, 2),
        "Thứ hai, 02/03/2020",
    )


def test_a_page_date_is_never_an_event_date() -> None:
    text = "Tiêu đề bài báo\n\nNgày 1/3/2020, đoàn đến."
    draft = draft_annotation(
        text, Knowledge(), article_id="x", source_file="x.txt", page_date=dt.date(2020, 3, 1)
    )
    assert draft.annotation.page_date is None
    assert draft.notes == [
        "--page-date 2020-03-01 is not printed in the text; a page date needs the printed "
        "date as evidence, so the draft leaves it out"
    ]


def test_a_date_below_the_headline_is_the_page_date() -> None:
    annotation = _draft("Tiêu đề bài báo\n\nThứ Năm, 06:30, 28/04/2016\n\nNội dung.")
    assert annotation.page_clock is None
    assert annotation.page_date is not None
    assert annotation.page_date.value == dt.date(2016, 4, 28)
    assert annotation.page_date.evidence.quote == "Thứ Năm, 06:30, 28/04/2016"


# ------------------------------------------------------------ properties

_WORDS = st.sampled_from(
    [
        "Hội",
        "Hữu",
        "nghị",
        "tỉnh",
        "Quảng",
        "Nam",
        "TP.",
        "Hồ",
        "Chí",
        "Minh",
        "ông",
        "bà",
        "Kim",
        "Min-jung",
        "tại",
        "và",
        ",",
        "-",
        "Sáng",
        "12/5",
        "Hội nghị",
        "do",
        "tổ chức",
        "Lào",
        "miền",
        "Trung",
        "Ban",
        "ủy",
        "hơn",
        "200",
        "đại biểu",
        ".",
        "\n",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=40))
def test_every_drafted_span_lies_on_the_text_and_quotes_it(words: list[str]) -> None:
    text = "Tiêu đề\n\n" + " ".join(words)
    annotation = _draft(text)
    norm = normalize(text)
    for hit in draft_hits(annotation, text, Knowledge()):
        assert 0 <= hit.start < hit.end <= len(norm)
        assert norm[hit.start : hit.end].strip() == norm[hit.start : hit.end]
    for entry in _meeting_entries(annotation):
        edtf = entry.get("date_edtf")
        assert edtf is None or re.fullmatch(r"(?:[0-9]{4}|XXXX)-[0-9]{2}-[0-9]{2}", edtf)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 40), st.integers(0, 14), st.sampled_from(["Sáng", "Chiều", "ngày"]))
def test_a_printed_day_and_month_is_a_date_only_in_some_year(
    day: int, month: int, lead: str
) -> None:
    found = events.dates(f"{lead} {day}/{month}, đoàn đến.", None)
    valid = 1 <= month <= 12 and 1 <= day <= (
        29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    )
    assert [f.edtf for f in found] == ([f"XXXX-{month:02d}-{day:02d}"] if valid else [])


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab .TP\n", max_size=60), st.integers(0, 59))
def test_a_sentence_holds_its_span(text: str, at: int) -> None:
    at = min(at, len(text))
    left, right = events.sentence_bounds(text, at, at)
    assert 0 <= left <= at <= right <= len(text)


def test_page_dates_parse_the_forms_sites_print() -> None:
    for line, value in [
        ("Cập nhật lúc 08:45 ngày 16/11/2019", dt.date(2019, 11, 16)),
        ("Thứ Bảy, 23/9/2023 - 10:15", dt.date(2023, 9, 23)),
        ("18/08/2025 11:20", dt.date(2025, 8, 18)),
    ]:
        found = page.page_date(f"Tiêu đề\n{line}\nNội dung.")
        assert found is not None and (found.value, found.clock) == (value, False)
