"""The pre-annotator: each finder on the press forms it is for, and drafts of the seeds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dnnd_dataset.drafting import events, new_names, page, positions
from dnnd_dataset.drafting.directive_refs import find_refs
from dnnd_dataset.drafting.draft import anchor_fields, draft_annotation, slug
from dnnd_dataset.drafting.knowledge import read_knowledge
from dnnd_dataset.drafting.known_names import Hit, Name, NameIndex, flat
from dnnd_dataset.drafting.render import render
from dnnd_dataset.drafting.spans import draft_hits
from dnnd_dataset.reading.anchoring import Span, resolve
from dnnd_dataset.reading.raw_models import QUOTE_MAX, Anchor, DocumentAnnotation, MeetingEntry
from dnnd_dataset.reading.rawio import load_yaml

from .conftest import RAW, REPO

SEED_TEXTS = sorted((RAW / "documents").glob("*.txt"))


def _spans(text: str, hits: list[Hit]) -> list[str]:
    return [text[h.start : h.end] for h in hits]


@pytest.mark.parametrize(
    ("written", "quote", "kind", "code", "term"),
    [
        ("theo Chỉ thị số 04-CT/TW của", "Chỉ thị số 04-CT/TW", "chi_thi", "04-CT/TW", None),
        ("thực hiện Chỉ thị 04 – CT/TW để", "Chỉ thị 04 – CT/TW", "chi_thi", "04-CT/TW", None),
        ("tổng kết 38/CT-TW ngày", "38/CT-TW", "chi_thi", "38-CT/TW", None),
        (
            "Chỉ thị 28/CT-TW của Ban Bí thư khóa X về",
            "Chỉ thị 28/CT-TW",
            "chi_thi",
            "28-CT/TW",
            "X",
        ),
        (
            "Chỉ thị số 04-CT/TW, ngày 6/7/2011 của Ban Bí thư khóa XI",
            "Chỉ thị số 04-CT/TW",
            "chi_thi",
            "04-CT/TW",
            "XI",
        ),
        ("triển khai Kết luận 73 của", "Kết luận 73", "ket_luan", None, None),
        (
            "Nghị quyết Trung ương 6 khóa XII về",
            "Nghị quyết Trung ương 6 khóa XII",
            "nghi_quyet",
            None,
            "XII",
        ),
        ("Nghị quyết Đại hội XIII của Đảng", "Nghị quyết Đại hội XIII", "nghi_quyet", None, "XIII"),
        ("Nghị quyết số 12-NQ/TW về", "Nghị quyết số 12-NQ/TW", "nghi_quyet", "12-NQ/TW", None),
    ],
)
def test_directive_references_in_press_variants(
    written: str, quote: str, kind: str, code: str | None, term: str | None
) -> None:
    (ref,) = find_refs(written)
    assert (written[ref.start : ref.end], ref.kind, ref.code, ref.term) == (quote, kind, code, term)


def test_every_directive_code_of_the_corpus_is_normalized_to_its_registry_code() -> None:
    knowledge = read_knowledge(RAW)
    # A derived code (73-KL/TW for "Kết luận 73") is printed in no text.
    codes = {d.code for d in knowledge.directives if d.code and not d.code_derived}
    found = {
        ref.code
        for path in SEED_TEXTS
        for ref in find_refs(path.read_text(encoding="utf-8"))
        if ref.code
    }
    assert found == codes == {"04-CT/TW", "12-CT/TW", "28-CT/TW", "32-CT/TW", "38-CT/TW"}


@pytest.mark.parametrize(
    ("text", "printed", "date", "basis"),
    [
        (
            "Ngày 19/7, Ban Bí thư đã tổ chức Hội nghị quán triệt Chỉ thị ngày 6/7/2011 về",
            "Ngày 19/7",
            dt.date(2011, 7, 19),
            "The year is not printed; the same sentence dates a document 6/7/2011, "
            "so the year 2011 is assumed.",
        ),
        (
            "Chiều 28-1, tại Hà Nội, tổ chức Hội nghị tổng kết công tác năm 2014, "
            "triển khai nhiệm vụ năm 2015.",
            "Chiều 28-1",
            dt.date(2015, 1, 28),
            "The year is not printed; the meeting reviews 2014 and plans 2015, "
            "so a date in month 1 falls in 2015.",
        ),
        ("được ban hành ngày 6/7/2011.", "6/7/2011", dt.date(2011, 7, 6), None),
        (
            "Sáng 2-9, tại Huế",
            "Sáng 2-9",
            dt.date(2024, 9, 2),
            "The year is not printed; the page is dated 2024.",
        ),
    ],
)
def test_dates_with_their_precision_and_basis(
    text: str, printed: str, date: dt.date, basis: str | None
) -> None:
    (found, *_) = events.dates(text, page_year=2024)
    assert (text[found.start : found.end], found.date, found.precision, found.basis) == (
        printed,
        date,
        "day",
        basis,
    )


def test_a_date_without_a_year_and_nothing_to_infer_it_from_keeps_its_printed_parts() -> None:
    assert events.dates("Ngày 19/7, đoàn đến thăm.", page_year=None) == [
        events.DateMention(0, 9, None, "day", None, "XXXX-07-19")
    ]


@pytest.mark.parametrize(
    ("text", "number", "qualifier"),
    [
        ("Tham dự Hội nghị có hơn 200 đại biểu làm", 200, "more_than"),
        ("khoảng 1.500 người tham gia", 1500, "about"),
        ("có 45 đại biểu dự", 45, "exact"),
    ],
)
def test_attendance(text: str, number: int, qualifier: str) -> None:
    (found,) = events.attendance(text)
    assert (found.number, found.qualifier) == (number, qualifier)


def test_meetings_with_date_place_and_attendance() -> None:
    text = (
        "Chiều 28-1, tại Hà Nội, Ban Ðối ngoại T.Ư tổ chức Hội nghị tổng kết công tác năm 2014, "
        "triển khai nhiệm vụ năm 2015. Tham dự có hơn 200 đại biểu.\n"
        "* Cùng ngày, tại Hà Nội, Ban Ðối ngoại T.Ư tổ chức Hội nghị tổng kết công tác đối "
        "ngoại nhân dân năm 2014. Có 50 đại biểu.\n"
        "Phát biểu tại Đại hội đại biểu toàn quốc lần thứ VI của LHHN được tổ chức hôm nay"
    )
    found = events.meetings(text, page_year=None)
    assert [(m.name, m.kind, m.location) for m in found] == [
        (
            "Hội nghị tổng kết công tác năm 2014, triển khai nhiệm vụ năm 2015",
            "review_conference",
            "Hà Nội",
        ),
        (
            "Hội nghị tổng kết công tác đối ngoại nhân dân năm 2014",
            "review_conference",
            "Hà Nội",
        ),
        ("Đại hội đại biểu toàn quốc lần thứ VI của LHHN", "congress", None),
    ]
    assert [m.date.date if m.date else None for m in found] == [
        dt.date(2015, 1, 28),
        dt.date(2015, 1, 28),
        None,
    ]
    assert found[1].date is not None and found[1].date.basis is not None
    assert found[1].date.basis.startswith("The text says 'Cùng ngày' (the same day)")
    assert [(a.number, a.qualifier) for a in (m.attendance for m in found) if a] == [
        (200, "more_than"),
        (50, "exact"),
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Đồng chí Lê Hồng Anh dự và chỉ đạo", ["Lê Hồng Anh"]),
        ("Cùng dự, có đồng chí Hoàng Bình Quân, Ủy viên", ["Hoàng Bình Quân"]),
        (
            "phát biểu của Phó Trưởng ban Ban Đối ngoại Trung ương Nguyễn Huy Tăng tại",
            ["Nguyễn Huy Tăng"],
        ),
        ("Phó Chủ tịch Ủy ban MTTQ Việt Nam tỉnh Phạm Thị Lan (đứng giữa)", ["Phạm Thị Lan"]),
        ("Trần Quốc Vượng, Ủy viên Bộ Chính trị", ["Trần Quốc Vượng"]),
        ("DI CHÚC CỦA CHỦ TỊCH HỒ CHÍ MINH, LỜI", ["HỒ CHÍ MINH"]),
        ("tại Hà Nội, Ban Bí thư", []),
        ("Lê Hồng Anh dự hội nghị", []),
    ],
)
def test_persons_after_a_title(text: str, names: list[str]) -> None:
    assert _spans(text, new_names.new_persons(text, lambda _: False)) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("phối hợp với Văn phòng Trung ương Đảng và các cơ quan", ["Văn phòng Trung ương Đảng"]),
        (
            "Kỷ niệm 94 năm Ngày thành lập Đảng bộ tỉnh Khánh Hòa (24/02/1930",
            ["Đảng bộ tỉnh Khánh Hòa"],
        ),
        ("Phó Chủ tịch Ủy ban MTTQ Việt Nam tỉnh Phạm Thị Lan", ["Ủy ban MTTQ Việt Nam tỉnh"]),
        ("CHÀO MỪNG ĐẠI HỘI CÔNG ĐOÀN TỈNH KHÁNH HÒA LẦN THỨ XI", ["CÔNG ĐOÀN TỈNH KHÁNH HÒA"]),
        ("các bộ, ban, ngành", []),
    ],
)
def test_new_organizations(text: str, names: list[str]) -> None:
    assert _spans(text, new_names.new_organizations(text, lambda _: False)) == names


def test_page_chrome_repeats_and_comment_widgets() -> None:
    text = (
        "Thứ ba,  11/05/2021\n\nTiêu đề bài\n\nQuang cảnh Hội nghị.\n\nQuang cảnh Hội nghị.\n\n"
        "Nội dung, nội dung.\n\nAudio\n\n0 nhận xét:\n\nĐăng nhận xét"
    )
    found = [(text[b.start : b.end], b.kind) for b in page.boilerplate(text)]
    assert found == [
        ("Thứ ba,  11/05/2021", "page_chrome"),
        ("Quang cảnh Hội nghị.", "duplicate_caption"),
        ("Audio", "page_chrome"),
        ("0 nhận xét:\n\nĐăng nhận xét", "comment_widget"),
    ]
    assert page.page_date(text) == page.PrintedDate(0, 19, dt.date(2021, 5, 11))
    title = page.title(text, page.boilerplate(text))
    assert title is not None and text[title.start : title.end] == "Tiêu đề bài"


def test_credits_and_bylines() -> None:
    text = (
        "Tiêu đề\n\n(GLO)- Ban Bí thư vừa có Chỉ thị. Ảnh: Lê Đại |\nNội dung (ảnh: Tuấn Việt).\n"
        "HÀ SỰ\n\n(Theo website Trương Tấn Sang)\n\nNguồn: http://vufo.org.vn/bai-42.html"
    )
    found = [(c.name, c.role, text[c.start : c.end]) for c in page.credits(text)]
    assert found == [
        ("Lê Đại", "photo", "Ảnh: Lê Đại"),
        ("Tuấn Việt", "photo", "ảnh: Tuấn Việt"),
        ("website Trương Tấn Sang", "source", "Theo website Trương Tấn Sang"),
        ("vufo.org.vn", "source", "Nguồn: http://vufo.org.vn"),
    ]
    taken = [page.Span(c.start, c.end) for c in page.credits(text)]
    assert _spans(text, page.bylines(text, taken)) == ["HÀ SỰ"]  # type: ignore[arg-type]
    assert [text[s.start : s.end] for s in page.dateline_tags(text)] == ["GLO"]


def test_known_names_match_look_alikes_at_word_boundaries_only() -> None:
    index = NameIndex(
        [
            Name("Đảng", "ORGANIZATION", "dang"),
            Name("Ban Đối ngoại Trung ương", "ORGANIZATION", "bdn"),
            Name("Hà Nội", "LOCATION", None),
        ]
    )
    text = "Ðảng và Ban Đối ngoại Trung ương Ðảng; Đảngviên ở Hà Nội"
    assert _spans(text, flat(index.hits(text.replace("Ð", "Đ")))) == [
        "Ðảng",
        "Ban Đối ngoại Trung ương",
        "Ðảng",
        "Hà Nội",
    ]


def test_a_name_of_two_entities_is_left_to_the_reviewer() -> None:
    index = NameIndex([Name("Minh", "PERSON", "a"), Name("Minh", "PERSON", "b")])
    assert index.hits("ông Minh") == []


@given(
    st.text(alphabet="ab Đđ\n", min_size=1, max_size=40),
    st.data(),
)
def test_anchor_fields_resolve_to_exactly_the_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(text)), label="end")
    fields = anchor_fields(text, start, end)
    assert resolve(text, Anchor(**fields)) == Span(start, end)


@given(
    st.text(alphabet="xy ,.\n", max_size=20),
    st.text(alphabet="xy ,.\n", max_size=20),
)
def test_a_known_name_is_found_at_any_position(before: str, after: str) -> None:
    index = NameIndex([Name("Ban Bí thư", "ORGANIZATION", "ban-bi-thu")])
    text = f"{before} Ban Bí thư {after}".strip(" ")
    expected = [] if "Ban Bí thư" not in text else ["Ban Bí thư"]
    assert _spans(text, index.hits(text)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Phạm Thị Lan", "pham-thi-lan"), ("Đảng bộ tỉnh Khánh Hòa", "dang-bo-tinh-khanh-hoa")],
)
def test_slug(value: str, expected: str) -> None:
    assert slug(value) == expected


@pytest.mark.parametrize("path", SEED_TEXTS, ids=lambda p: p.stem)
def test_draft_of_a_seed_renders_to_a_valid_raw_file_and_back(path: Path, tmp_path: Path) -> None:
    knowledge = read_knowledge(RAW)
    text = path.read_text(encoding="utf-8")
    draft = draft_annotation(text, knowledge, article_id=path.stem, source_file=path.name)
    rendered = render(draft.annotation, draft.notes)
    assert rendered.startswith("# yaml-language-server: $schema=../../schema/raw/document.schema")
    target = tmp_path / f"{path.stem}.yaml"
    target.write_text(rendered, encoding="utf-8")
    loaded = load_yaml(target, str(target))
    assert DocumentAnnotation.model_validate(loaded.data) == draft.annotation
    schema = json.loads((REPO / "schema" / "raw" / "document.schema.json").read_text("utf-8"))
    jsonschema.validate(json.loads(json.dumps(loaded.data, default=str)), schema)
    assert draft.annotation.title.proposed


def test_with_every_name_registered_the_draft_finds_every_annotated_entity_mention(
    compiled: object,
) -> None:
    from dnnd_dataset.checking.pipeline import CompileResult
    from dnnd_dataset.records import Mention

    assert isinstance(compiled, CompileResult)
    knowledge = read_knowledge(RAW)
    titles = {
        p.title for person in compiled.tables["persons"] for p in getattr(person, "positions", [])
    }
    for path in SEED_TEXTS:
        text = path.read_text(encoding="utf-8")
        draft = draft_annotation(text, knowledge, article_id=path.stem, source_file=path.name)
        drafted = {(h.start, h.end, h.label) for h in draft_hits(draft.annotation, text, knowledge)}
        wanted = {
            (m.start, m.end, m.label)
            for m in compiled.tables["mentions"]
            if isinstance(m, Mention)
            and m.article_id == path.stem
            and m.label != "LOCATION"
            # A person named by a title alone ("Thường trực Ban Bí thư") is no registered name.
            and m.text not in titles
            # A meeting referred to as "this one" ("Đại hội của LHHN lần này") is no name.
            and not (m.label == "MEETING" and m.text.endswith("lần này"))
        }
        assert sorted(wanted - drafted) == [], path.stem


def test_positions_stated_after_and_before_names() -> None:
    text = (
        "Đồng chí Hoàng Bình Quân, Ủy viên BCH TW Đảng, Trưởng Ban Đối ngoại TW chủ trì. "
        "Phó Trưởng ban Ban Đối ngoại Trung ương Nguyễn Huy Tăng phát biểu."
    )
    index = NameIndex(
        [
            Name("Hoàng Bình Quân", "PERSON", "hoang-binh-quan"),
            Name("Nguyễn Huy Tăng", "PERSON", "nguyen-huy-tang"),
            Name("BCH TW Đảng", "ORGANIZATION", "bch"),
            Name("Ban Đối ngoại TW", "ORGANIZATION", "bdn"),
            Name("Ban Đối ngoại Trung ương", "ORGANIZATION", "bdn"),
        ]
    )
    hits = flat(index.hits(text))
    found = [
        (p.person.entity, p.title, p.organization, text[p.evidence_start : p.evidence_end])
        for p in positions.after_names(text, hits) + positions.before_names(text, hits)
    ]
    assert found == [
        ("hoang-binh-quan", "Ủy viên BCH TW Đảng", "bch", "Hoàng Bình Quân, Ủy viên BCH TW Đảng"),
        (
            "hoang-binh-quan",
            "Trưởng Ban Đối ngoại TW",
            "bdn",
            "Hoàng Bình Quân, Ủy viên BCH TW Đảng, Trưởng Ban Đối ngoại TW",
        ),
        (
            "nguyen-huy-tang",
            "Phó Trưởng ban Ban Đối ngoại Trung ương",
            "bdn",
            "Phó Trưởng ban Ban Đối ngoại Trung ương Nguyễn Huy Tăng",
        ),
    ]


def test_a_new_meeting_is_proposed_with_date_place_organizer_people_and_attendance() -> None:
    text = (
        "Tổng kết năm 2020\n\nNgày 23/12, tại Hà Nội, Ban Đối ngoại Trung ương tổ chức Hội nghị "
        "tổng kết công tác năm 2020, triển khai nhiệm vụ năm 2021. Tham dự có hơn 200 đại biểu."
        "\n\nĐồng chí Trần Quốc Vượng dự và chỉ đạo Hội nghị.\n"
    )
    draft = draft_annotation(text, read_knowledge(RAW), article_id="x", source_file="x.txt")
    (meeting,) = [p for p in draft.annotation.proposals if p.kind == "meeting"]
    name = "Hội nghị tổng kết công tác năm 2020, triển khai nhiệm vụ năm 2021"
    assert meeting.model_dump(exclude_defaults=True) == {
        "quote": name,
        "kind": "meeting",
        "value": name,
        "entry": {
            "id": "hoi-nghi-tong-ket-cong-tac-nam-2020-trien-khai-nhiem-vu-nam-2021",
            "name": name,
            "kind": "review_conference",
            "date": "2020-12-23",
            "date_precision": "day",
            "date_inferred": True,
            "date_basis": "The year is not printed; the meeting reviews 2020 and plans 2021, "
            "so a date in month 12 falls in 2020.",
            # The date as printed: the year is the draft's reading.
            "date_edtf": "XXXX-12-23",
            "location": "Hà Nội",
            "organizers": ["ban-doi-ngoai-trung-uong"],
            "attendance": 200,
            "attendance_qualifier": "more_than",
            "participants": [
                {
                    "person": "tran-quoc-vuong",
                    "roles": ["directing", "attendee"],
                    "evidence": [
                        {
                            "article": "x",
                            "quote": "Đồng chí Trần Quốc Vượng dự và chỉ đạo Hội nghị",
                            "supports": ["directing", "attendee"],
                        }
                    ],
                }
            ],
            "evidence": [
                {
                    "article": "x",
                    "quote": "Ngày 23/12, tại Hà Nội, Ban Đối ngoại Trung ương tổ chức " + name,
                    "supports": ["date", "location", "organizers"],
                },
                {
                    "article": "x",
                    "quote": "Tham dự có hơn 200 đại biểu",
                    "supports": ["attendance"],
                },
            ],
        },
    }
    # The entry is one the meetings registry takes as it stands.
    assert meeting.entry is not None
    MeetingEntry.model_validate(meeting.entry)


_FRAGMENTS = [
    "Đồng chí ",
    "Trần Quốc Vượng",
    ", Ủy viên Bộ Chính trị",
    " tại Hà Nội",
    "Ngày 19/7, ",
    "Chỉ thị số 04-CT/TW",
    "Ảnh: Lê Đại",
    "\n",
    "\n\n",
    "(CLO) ",
    "Theo Nhandan",
    "0 nhận xét:\n\nĐăng nhận xét",
    " tổ chức Hội nghị tổng kết",
    "Đại hội XIII",
    "hơn 200 đại biểu",
    ". ",
    "Phó Trưởng ban Ban Đối ngoại Trung ương ",
    "Nguyễn Văn An",
    "(LHHN)",
    "Thứ ba,  11/05/2021",
    "https://a.vn/x",
    "Ð",
    "ĐẢNG BỘ tỉnh Khánh Hòa",
]
_KNOWLEDGE = read_knowledge(RAW)
_SEED_PIECES = [path.read_text(encoding="utf-8")[:400] for path in SEED_TEXTS]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS) | st.sampled_from(_SEED_PIECES), min_size=1))
def test_any_text_gives_a_draft_that_renders_and_reads_back(parts: list[str]) -> None:
    text = "".join(parts)
    if not text.strip():
        return
    draft = draft_annotation(text, _KNOWLEDGE, article_id="x", source_file="x.txt")
    assert draft.annotation.title.proposed
    for hit in draft_hits(draft.annotation, text, _KNOWLEDGE):
        assert 0 <= hit.start < hit.end <= len(text)
    notes = render(draft.annotation, draft.notes).count("\n# Note: ")
    # An item is left out, with a note, only where a line is longer than a quote may be.
    assert notes == 0 or any(len(line) > QUOTE_MAX for line in text.splitlines())


def test_a_registered_code_stated_with_another_term_is_proposed_not_linked() -> None:
    text = "Tiêu đề\n\nBan Bí thư ban hành Chỉ thị số 04-CT/TW khóa XIII; Kết luận 99 nêu rõ."
    draft = draft_annotation(text, read_knowledge(RAW), article_id="x", source_file="x.txt")
    assert [m.entity for m in draft.annotation.mentions if m.quote.startswith("Chỉ thị")] == []
    found = [
        (p.quote, p.value, (p.entry or {}).get("kind"), (p.entry or {}).get("term"), p.note)
        for p in draft.annotation.proposals
        if p.kind == "directive"
    ]
    assert found == [
        (
            "Chỉ thị số 04-CT/TW",
            "04-CT/TW",
            "chi_thi",
            "XIII",
            "registered with code 04-CT/TW: chi-thi-04-ct-tw-khoa-xi; numbers restart each "
            "term: the same document only if kind, issuer and term (or date) agree",
        ),
        (
            "Kết luận 99",
            "99-KL/TW",
            "ket_luan",
            None,
            "the code is not printed; 99-KL/TW follows from kind and number",
        ),
    ]


def test_names_inside_a_waived_phrase_are_no_hits() -> None:
    party = [Name("Đảng", "ORGANIZATION", "dcs"), Name("đảng", "ORGANIZATION", "dcs")]
    text = "Các Chính đảng, Đảng ta và đảng viên; Liên hợp quốc."
    names = NameIndex([*party, Name("Liên hợp quốc", "ORGANIZATION", "lhq")], {"chính đảng"})
    assert [(text[h.start : h.end], h.start) for h in names.hits(text)] == [
        ("Đảng", 16),
        ("đảng", 27),
        ("Liên hợp quốc", 38),
    ]
    # A waived phrase that is itself a name was waived for its place, not as a phrase.
    kept = NameIndex([Name("Liên hợp quốc", "ORGANIZATION", "lhq")], {"Liên hợp quốc"})
    assert kept.hits(text) == [Hit(38, 51, "ORGANIZATION", "lhq")]


def test_a_term_read_from_a_congress_number_is_drafted_as_inferred() -> None:
    text = "Tiêu đề\n\nCác đại biểu quán triệt Nghị quyết Đại hội XIV của Đảng."
    draft = draft_annotation(text, read_knowledge(RAW), article_id="x", source_file="x.txt")
    (directive,) = [p for p in draft.annotation.proposals if p.kind == "directive"]
    assert directive.entry == {
        "id": "nghi-quyet-xiv",
        "name": "Nghị quyết Đại hội XIV",
        "kind": "nghi_quyet",
        # The body the reference prints after "của" issued it.
        "issuer": "dang-cong-san-viet-nam",
        "term": "XIV",
        "term_inferred": True,
        "term_basis": "The text names the congress XIV; its term (khóa) is read from it.",
        "evidence": [
            {"article": "x", "quote": "Nghị quyết Đại hội XIV của Đảng", "supports": ["issuer"]}
        ],
    }


def test_a_new_meeting_names_a_new_directive_by_the_id_its_proposal_gives() -> None:
    text = (
        "Tin tức trong tuần\n\nĐoạn mở đầu.\n\nNgày 5/3/2024, Ban Đối ngoại Trung ương tổ chức "
        "Hội nghị quán triệt Nghị quyết số 99-NQ/TW của Bộ Chính trị.\n"
    )
    draft = draft_annotation(text, read_knowledge(RAW), article_id="x", source_file="x.txt")
    entries = {p.kind: p.entry or {} for p in draft.annotation.proposals}
    assert entries["directive"]["id"] == "nghi-quyet-99-nq-tw"
    assert entries["meeting"]["directives"] == ["nghi-quyet-99-nq-tw"]
    (evidence,) = entries["meeting"]["evidence"]
    assert evidence["quote"].startswith("Ngày 5/3/2024, Ban Đối ngoại Trung ương tổ chức")
