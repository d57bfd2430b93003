"""The 1.1 annotation policies on the real corpus, with exact values: values as printed,
where a name stands, one participant row per person, evidence naming what it supports,
derived codes and adoption links, and what the review of the texts found missing."""

from __future__ import annotations

from typing import Any

from dnnd_dataset.checking.pipeline import CompileResult
from dnnd_dataset.records import Article, Evidence, Mention

from .golden import GOLDEN

D = "\u00d0"


def _all(compiled: CompileResult, table: str) -> list[Any]:
    return list(compiled.tables[table])


def _rows(compiled: CompileResult, table: str, key: str) -> dict[str, Any]:
    return {getattr(row, key): row for row in _all(compiled, table)}


def test_every_other_name_and_surface_form_is_printed_verbatim(compiled: CompileResult) -> None:
    texts = [a.text for a in compiled.tables["articles"] if isinstance(a, Article)]
    values = [
        name
        for table in ("persons", "organizations")
        for row in _all(compiled, table)
        for name in row.other_names
    ]
    values += [form for row in _all(compiled, "directives") for form in row.surface_forms]
    values += [row.name for t in ("meetings", "directives") for row in _all(compiled, t)]
    assert values and all(any(v in text for text in texts) for v in values)


def test_the_printed_other_names(compiled: CompileResult) -> None:
    orgs = _rows(compiled, "organizations", "organization_id")
    assert orgs["ban-doi-ngoai-trung-uong"].other_names == [
        "Ban Đối ngoại TW",
        f"Ban {D}ối ngoại T.Ư",
        f"ban {D}ối ngoại T.Ư",
        "Ban Đối ngoại Trng ương",
    ]
    assert orgs["ban-chap-hanh-trung-uong-dang"].other_names == ["BCH TW Đảng", f"T.Ư {D}ảng"]
    assert orgs["ban-bi-thu"].other_names == [
        "Ban Bí thư",
        f"Ban Bí thư T.Ư {D}ảng",
        "Ban Bí thư Trung ương ương Đảng",
    ]


def test_printed_names_and_their_completions(compiled: CompileResult) -> None:
    meetings = _rows(compiled, "meetings", "meeting_id")
    xviii = meetings["dai-hoi-dang-bo-tinh-khanh-hoa-lan-thu-xviii"]
    assert (xviii.name, xviii.full_name, xviii.full_name_inferred) == (
        "ĐẠI HỘI ĐẢNG BỘ TỈNH LẦN THỨ XVIII",
        "Đại hội Đảng bộ tỉnh Khánh Hòa lần thứ XVIII",
        True,
    )
    assert xviii.full_name_basis is not None and "Khánh Hòa" in xviii.full_name_basis
    union = meetings["dai-hoi-cong-doan-tinh-khanh-hoa-lan-thu-xi"]
    assert (union.name, union.full_name, union.full_name_inferred) == (
        "ĐẠI HỘI CÔNG ĐOÀN TỈNH KHÁNH HÒA LẦN THỨ XI, NHIỆM KỲ 2023-2028",
        "Đại hội Công đoàn tỉnh Khánh Hòa lần thứ XI, nhiệm kỳ 2023-2028",
        False,
    )
    directives = _rows(compiled, "directives", "directive_id")
    assert [directives[i].name for i in sorted(directives)] == [
        "Chỉ thị 04-CT/TW",
        "Chỉ thị số 12-CT/TW",
        "Chỉ thị 28/CT-TW",
        "Chỉ thị 32-CT/TW",
        "Chỉ thị 38/CT-TW",
        "Kết luận 73",
        "NGHỊ QUYẾT ĐẠI HỘI ĐẢNG BỘ TỈNH LẦN THỨ XVIII, ĐẠI HỘI ĐẢNG BỘ KHỐI LẦN THỨ VIII",
        "NGHỊ QUYẾT ĐẠI HỘI ĐẢNG BỘ TỈNH LẦN THỨ XVIII",
        "Nghị quyết Đại hội XIII",
        "Nghị quyết Trung ương 6 khóa XII",
    ]


def test_mentions_in_boilerplate_and_entities_known_only_from_it(compiled: CompileResult) -> None:
    flagged = [
        (m.article_id[:3], m.text)
        for m in compiled.tables["mentions"]
        if isinstance(m, Mention) and m.in_boilerplate and m.label != "LOCATION"
    ]
    assert flagged == [
        ("000", "Trương Tấn Sang"),  # the duplicated caption
        ("002", "Ban Bí thư"),
        ("002", "Trần Quốc Vượng"),
        ("002", "TTXVN"),
        ("004", "Đảng Cộng sản Việt Nam"),  # the site banner
        ("004", "Đảng bộ tỉnh Khánh Hòa"),
        ("004", "BÁC HỒ"),
        ("004", "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH KHÁNH HÒA"),
        ("004", "NGHỊ QUYẾT ĐẠI HỘI ĐẢNG BỘ TỈNH LẦN THỨ XVIII"),
        ("004", "ĐẠI HỘI ĐẢNG BỘ TỈNH LẦN THỨ XVIII"),
        ("004", "ĐẢNG BỘ TỈNH"),  # each banner congress name holds its organization's mention
        ("004", "ĐẠI HỘI ĐẢNG BỘ KHỐI LẦN THỨ VIII"),
        ("004", "ĐẢNG BỘ KHỐI"),
        ("004", "HỒ CHÍ MINH"),
        ("004", "ĐẠI HỘI CÔNG ĐOÀN TỈNH KHÁNH HÒA LẦN THỨ XI, NHIỆM KỲ 2023-2028"),
        ("004", "CÔNG ĐOÀN TỈNH KHÁNH HÒA"),
    ]
    only = sorted(
        getattr(row, key)
        for table, key in (
            ("persons", "person_id"),
            ("organizations", "organization_id"),
            ("directives", "directive_id"),
            ("meetings", "meeting_id"),
        )
        for row in _all(compiled, table)
        if row.only_in_boilerplate
    )
    assert only == [
        "cong-doan-tinh-khanh-hoa",
        "dai-hoi-cong-doan-tinh-khanh-hoa-lan-thu-xi",
        "dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-lan-thu-viii",
        "dai-hoi-dang-bo-tinh-khanh-hoa-lan-thu-xviii",
        "dang-bo-khoi-cac-co-quan-tinh-khanh-hoa",
        "dang-bo-tinh-khanh-hoa",
        "ho-chi-minh",
        "nghi-quyet-dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-viii",
        "nghi-quyet-dai-hoi-dang-bo-tinh-khanh-hoa-xviii",
    ]
    hcm = _rows(compiled, "persons", "person_id")["ho-chi-minh"]
    assert (hcm.article_ids, hcm.boilerplate_article_ids) == ([], ["004-09a4b5f42719a47d"])


def test_the_participant_rows_of_the_conference_of_19_july_2011(compiled: CompileResult) -> None:
    meeting = _rows(compiled, "meetings", "meeting_id")["hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011"]
    assert [p.model_dump() for p in meeting.participants] == [
        {
            "person_id": "truong-tan-sang",
            "roles": ["chair", "directing", "speaker"],
            "position": "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư",
            "inferred": False,
            "basis": None,
        },
        {
            "person_id": "hoang-binh-quan",
            "roles": ["chair"],
            "position": "Ủy viên BCH TW Đảng, Trưởng Ban Đối ngoại TW",
            "inferred": False,
            "basis": None,
        },
    ]


def test_an_implied_participation_is_flagged(compiled: CompileResult) -> None:
    meeting = _rows(compiled, "meetings", "meeting_id")["dai-hoi-lhhn-lan-thu-vi"]
    [vuong] = [p for p in meeting.participants if p.person_id == "tran-quoc-vuong"]
    assert (vuong.roles, vuong.inferred) == (["attendee"], True)
    assert vuong.basis is not None and "Kính thưa đồng chí Trần Quốc Vượng" in vuong.basis


def test_the_evidence_rows_of_one_meeting(compiled: CompileResult) -> None:
    rows = [
        (e.field, e.quote)
        for e in compiled.tables["evidence"]
        if isinstance(e, Evidence) and e.record_id == "hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011"
    ]
    date = (
        "Ngày 19/7, Ban Bí thư Trung ương ương Đảng đã tổ chức Hội nghị quán triệt Chỉ thị "
        "04-CT/TW của Ban Bí thư (Khóa XI) ngày 6/7/2011"
    )
    chairs = (
        "Đồng chí Trương Tấn Sang, Ủy viên Bộ Chính trị, Thường trực Ban Bí thư; đồng chí "
        "Hoàng Bình Quân, Ủy viên BCH TW Đảng, Trưởng Ban Đối ngoại TW chủ trì Hội nghị"
    )
    assert rows == [
        ("date", date),
        ("directive_ids[chi-thi-04-ct-tw-khoa-xi]", date),
        ("organizer_ids[ban-bi-thu]", date),
        ("participants[person_id=hoang-binh-quan].position", chairs),
        ("participants[person_id=hoang-binh-quan].roles[chair]", chairs),
        ("participants[person_id=truong-tan-sang].position", chairs),
        ("participants[person_id=truong-tan-sang].roles[chair]", chairs),
        (
            "participants[person_id=truong-tan-sang].roles[directing]",
            "Phát biểu chỉ đạo Hội nghị, đồng chí Trương Tấn Sang",
        ),
        (
            "participants[person_id=truong-tan-sang].roles[speaker]",
            "Phát biểu chỉ đạo Hội nghị, đồng chí Trương Tấn Sang",
        ),
    ]


def test_no_two_evidence_rows_are_identical(compiled: CompileResult) -> None:
    keys = [
        (e.table, e.record_id, e.field, e.article_id, e.start, e.end)
        for e in compiled.tables["evidence"]
        if isinstance(e, Evidence)
    ]
    assert len(keys) == len(set(keys))
    assert len([key for key in keys if key[3] in GOLDEN]) == 142
    fields = {e.field for e in compiled.tables["evidence"] if isinstance(e, Evidence)}
    assert not fields & {"organizers", "directives", "issuer", "participants", "positions"}


def test_the_code_of_ket_luan_73_and_the_adoption_links(compiled: CompileResult) -> None:
    directives = _rows(compiled, "directives", "directive_id")
    kl73 = directives["ket-luan-73-bo-chinh-tri"]
    assert (kl73.code, kl73.code_derived) == ("73-KL/TW", True)
    # As printed: the Nhân Dân text writes Ð (U+00D0), and so does the subject.
    assert kl73.subject == f"tăng cường quan hệ đối ngoại của {D}ảng trong tình hình mới"
    assert kl73.code_basis is not None and "Kết luận 73 của Bộ Chính trị" in kl73.code_basis
    assert {
        d: r.adopted_at_meeting_id for d, r in directives.items() if r.adopted_at_meeting_id
    } == {
        "nghi-quyet-dai-hoi-xiii": "dai-hoi-xiii-dang-cong-san-viet-nam",
        "nghi-quyet-dai-hoi-dang-bo-tinh-khanh-hoa-xviii": (
            "dai-hoi-dang-bo-tinh-khanh-hoa-lan-thu-xviii"
        ),
        "nghi-quyet-dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-viii": (
            "dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-lan-thu-viii"
        ),
    }
    meetings = _rows(compiled, "meetings", "meeting_id")
    assert meetings["dai-hoi-xiii-dang-cong-san-viet-nam"].adopted_directive_ids == [
        "nghi-quyet-dai-hoi-xiii"
    ]


def test_what_the_review_found_missing(compiled: CompileResult) -> None:
    article = _rows(compiled, "articles", "article_id")["004-09a4b5f42719a47d"]
    assert (article.author_ids, article.outlet, article.outlet_inferred) == (
        ["nguyen-huy-tang"],
        "Đảng bộ Khối các cơ quan tỉnh Khánh Hòa",
        True,
    )
    vufo = article.credits[1]
    assert (vufo.name, vufo.organization_id, vufo.inferred) == (
        "vufo.org.vn",
        "lien-hiep-cac-to-chuc-huu-nghi-viet-nam",
        True,
    )
    by_title = sorted(
        (m.article_id, m.label, m.entity_id)
        for m in compiled.tables["mentions"]
        if isinstance(m, Mention) and m.text == "Thường trực Ban Bí thư" and m.article_id in GOLDEN
    )
    assert by_title == [
        ("002-a35811e9377ab383", "PERSON", "tran-quoc-vuong"),
        ("002-a35811e9377ab383", "PERSON", "tran-quoc-vuong"),
        ("004-09a4b5f42719a47d", "PERSON", "tran-quoc-vuong"),
    ]
    locations = [
        m.text
        for m in compiled.tables["mentions"]
        if isinstance(m, Mention) and m.article_id == article.article_id and m.label == "LOCATION"
    ]
    assert locations.count("tỉnh Khánh Hòa") == 1 and locations.count("TỈNH KHÁNH HÒA") == 3
    state = [
        m.article_id
        for m in compiled.tables["mentions"]
        if isinstance(m, Mention) and m.entity_id == "nha-nuoc-viet-nam"
    ]
    assert sorted(set(state) & set(GOLDEN)) == sorted(GOLDEN)


def test_no_mention_of_the_party_inside_chinh_dang(compiled: CompileResult) -> None:
    """'chính đảng' (political parties in general) is waived: 'all: true' skips it."""
    texts = {a.article_id: a.text for a in compiled.tables["articles"] if isinstance(a, Article)}
    party = {
        (m.article_id, m.start)
        for m in compiled.tables["mentions"]
        if isinstance(m, Mention) and m.entity_id == "dang-cong-san-viet-nam"
    }
    inside = [
        ("001-7aa88a628dfba5ee", 838),
        ("004-09a4b5f42719a47d", 2252),
        ("004-09a4b5f42719a47d", 2374),
        ("004-09a4b5f42719a47d", 3015),
        ("004-09a4b5f42719a47d", 3420),
        ("004-09a4b5f42719a47d", 3919),
    ]
    for article_id, start in inside:
        assert texts[article_id][start - 6 : start + 4].lower() == "chính đảng"
        assert (article_id, start) not in party
    # The Party itself is still mentioned in both.
    assert {"001-7aa88a628dfba5ee", "004-09a4b5f42719a47d"} <= {a for a, _ in party}
