"""Inferred values carry their flag and basis; one policy each, applied to the whole corpus.

The corpus tests assert the flags of the five annotated texts exactly; the check tests break
one flag of a copy of raw/ and assert the exact error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dnnd_dataset.checking.pipeline import CompileResult, compile_corpus
from dnnd_dataset.records import Article, Directive, Evidence, Meeting, Mention, Organization

from .golden import GOLDEN

ACTIVITY = "tang-qua-tet-cho-viet-kieu-ngheo-o-tinh-ratanakiri"


def _rows(compiled: CompileResult, table: str, key: str) -> dict[str, object]:
    return {getattr(row, key): row for row in compiled.tables[table]}


def test_titles_and_authors_that_are_not_printed_are_flagged(compiled: CompileResult) -> None:
    articles = [a for a in compiled.tables["articles"] if isinstance(a, Article)]
    golden = [a for a in articles if a.article_id in GOLDEN]
    assert [(a.article_id[:3], a.title_inferred) for a in golden] == [
        ("000", False),
        ("001", False),
        ("002", False),
        ("003", True),
        ("004", False),
    ]
    assert [(a.article_id[:3], a.authors, a.author_inferred) for a in golden] == [
        ("000", ["Minh Anh"], [False]),
        ("001", [], []),
        ("002", ["Quốc Trần"], [False]),
        ("003", ["Hà Sự"], [False]),
        ("004", ["Nguyễn Huy Tăng"], [True]),
    ]
    gia_lai, khanh_hoa = golden[3], golden[4]
    assert gia_lai.title_basis == (
        "The text prints no headline; its lead sentence, after the dateline tag, serves as one."
    )
    basis = khanh_hoa.author_basis[0]
    assert basis is not None and basis.startswith("No byline is printed.")
    for article in articles:
        assert (article.title_basis is not None) == article.title_inferred
        assert [b is not None for b in article.author_basis] == article.author_inferred


def test_every_link_from_initials_a_brand_or_a_domain_is_flagged(compiled: CompileResult) -> None:
    golden = [a for a in compiled.tables["articles"] if isinstance(a, Article)]
    golden = [a for a in golden if a.article_id in GOLDEN]
    credits = [(a.article_id[:3], c.name, c.inferred) for a in golden for c in a.credits]
    assert credits == [
        ("000", "website Trương Tấn Sang", True),
        ("001", "Nhandan", True),
        ("002", "TTXVN", True),
        ("003", "Lê Đại", False),
        ("004", "Tuấn Việt", False),
        ("004", "vufo.org.vn", True),
        ("004", "Tuấn Việt", False),
    ]
    assert [(a.article_id[:3], a.outlet, a.outlet_inferred) for a in golden] == [
        ("000", None, False),
        ("001", None, False),
        ("002", "Báo Công luận", True),
        ("003", "Báo Gia Lai", True),
        ("004", "Đảng bộ Khối các cơ quan tỉnh Khánh Hòa", True),
    ]


def test_terms_and_notes_of_directives(compiled: CompileResult) -> None:
    directives = {
        d.directive_id: d for d in compiled.tables["directives"] if isinstance(d, Directive)
    }
    assert {k: (d.term, d.term_inferred) for k, d in directives.items() if d.term} == {
        "chi-thi-04-ct-tw-khoa-xi": ("XI", False),
        "chi-thi-28-ct-tw-khoa-x": ("X", False),
        "nghi-quyet-dai-hoi-xiii": ("XIII", True),
        "nghi-quyet-trung-uong-6-khoa-xii": ("XII", False),
    }
    term_basis = directives["nghi-quyet-dai-hoi-xiii"].term_basis
    assert term_basis is not None and "Đại hội XIII" in term_basis
    noted = {k: d.note for k, d in directives.items() if d.note is not None}
    assert sorted(noted) == [
        "nghi-quyet-dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-viii",
        "nghi-quyet-trung-uong-6-khoa-xii",
    ]
    plenum = directives["nghi-quyet-trung-uong-6-khoa-xii"]
    assert (plenum.number, plenum.code) == (None, None)
    assert plenum.note == (
        'The text prints "Nghị quyết Trung ương 6 khóa XII" and no more: the "6" may name the '
        "Central Committee's plenum (Hội nghị Trung ương 6) or be the resolution's own number, "
        "so number and code are left null."
    )
    # The bloc resolution: no span names it, and its note says so.
    bloc = directives["nghi-quyet-dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-viii"]
    assert (bloc.surface_forms, bloc.boilerplate_article_ids) == ([], ["004-09a4b5f42719a47d"])
    assert bloc.note is not None and bloc.note.startswith("No span names it alone")
    # Every directive an article cites either has a surface form or a note.
    for d in directives.values():
        if d.article_ids or d.boilerplate_article_ids:
            assert d.surface_forms or d.note, d.directive_id


def test_parents_and_kinds_of_organizations(compiled: CompileResult) -> None:
    orgs = {
        o.organization_id: o
        for o in compiled.tables["organizations"]
        if isinstance(o, Organization)
    }
    assert sorted(k for k, o in orgs.items() if o.parent_inferred) == [
        "ban-bi-thu",
        "ban-doi-ngoai-trung-uong",
        "bo-chinh-tri",
        "dang-bo-khoi-cac-co-quan-tinh-khanh-hoa",
        "doan-chu-tich-dai-hoi-lhhn-vi",
        "van-phong-trung-uong-dang",
    ]
    assert sorted(k for k, o in orgs.items() if o.parent_id and not o.parent_inferred) == [
        "ban-chap-hanh-trung-uong-dang",
        "dang-bo-tinh-khanh-hoa",
        "uy-ban-mttq-viet-nam-tinh",
    ]
    assert sorted(k for k, o in orgs.items() if not o.kind_inferred) == [
        "ban-chap-hanh-trung-uong-dang",
        "bao-cong-luan",
        "bao-gia-lai",
        "bao-nhan-dan",
        "dang-bo-khoi-cac-co-quan-tinh-khanh-hoa",
        "dang-bo-tinh-khanh-hoa",
        "dang-cong-san-viet-nam",
        "doan-chu-tich-dai-hoi-lhhn-vi",
        "nha-nuoc-viet-nam",
        "thong-tan-xa-viet-nam",
    ]
    for o in orgs.values():
        assert (o.kind_basis is not None) == o.kind_inferred
        assert (o.parent_basis is not None) == o.parent_inferred


def test_who_took_part_beyond_named_people(compiled: CompileResult) -> None:
    meetings = {m.meeting_id: m for m in compiled.tables["meetings"] if isinstance(m, Meeting)}
    taking_part = {
        k: (m.participant_organization_ids, m.participant_groups)
        for k, m in meetings.items()
        if m.participant_organization_ids or m.participant_groups
    }
    assert taking_part == {
        "dai-hoi-lhhn-lan-thu-vi": ([], ["Đại biểu"]),
        "hoi-nghi-tong-ket-cong-tac-ban-doi-ngoai-trung-uong-2014": (
            [],
            ["đại diện lãnh đạo các bộ, ban, ngành hữu quan"],
        ),
        "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2014": (
            ["mat-tran-to-quoc-viet-nam"],
            ["các bộ, ban, ngành", "các đoàn thể và tổ chức nhân dân ở T.Ư và một số địa phương"],
        ),
    }
    fields = sorted(
        (e.record_id, e.field)
        for e in compiled.tables["evidence"]
        if isinstance(e, Evidence) and e.field.startswith("participant_")
    )
    assert fields == [
        ("dai-hoi-lhhn-lan-thu-vi", "participant_groups"),
        ("hoi-nghi-tong-ket-cong-tac-ban-doi-ngoai-trung-uong-2014", "participant_groups"),
        ("hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2014", "participant_groups"),
        (
            "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2014",
            "participant_organization_ids[mat-tran-to-quoc-viet-nam]",
        ),
    ]


def test_the_gift_of_the_gia_lai_text_is_an_activity(compiled: CompileResult) -> None:
    meetings = {m.meeting_id: m for m in compiled.tables["meetings"] if isinstance(m, Meeting)}
    gift = meetings[ACTIVITY]
    assert [k for k, m in meetings.items() if m.kind == "activity"] == [ACTIVITY]
    assert (gift.name, gift.kind, gift.date, gift.date_precision, gift.location) == (
        "tặng quà Tết cho Việt kiều nghèo ở tỉnh Ratanakiri",
        "activity",
        None,
        "unknown",
        "tỉnh Ratanakiri (Vương quốc Campuchia)",
    )
    assert [(p.person_id, p.roles, p.position) for p in gift.participants] == [
        ("pham-thi-lan", ["actor"], "Phó Chủ tịch Ủy ban MTTQ Việt Nam tỉnh")
    ]
    assert (gift.article_ids, gift.only_in_boilerplate) == (["003-cb987c258479b677"], False)
    # An activity is described, not named: no mention tags it.
    assert not [m for m in compiled.tables["mentions"] if getattr(m, "entity_id", "") == ACTIVITY]


def test_congress_names_hold_their_organization_in_every_banner(compiled: CompileResult) -> None:
    mentions = [m for m in compiled.tables["mentions"] if isinstance(m, Mention)]
    congresses = [
        m
        for m in mentions
        if m.label == "MEETING" and m.in_boilerplate and m.article_id == "004-09a4b5f42719a47d"
    ]
    nested = {
        c.text: [
            n.text
            for n in mentions
            if n.article_id == c.article_id
            and n.label == "ORGANIZATION"
            and c.start <= n.start
            and n.end <= c.end
        ]
        for c in congresses
    }
    assert nested == {
        "ĐẠI HỘI ĐẢNG BỘ TỈNH LẦN THỨ XVIII": ["ĐẢNG BỘ TỈNH"],
        "ĐẠI HỘI ĐẢNG BỘ KHỐI LẦN THỨ VIII": ["ĐẢNG BỘ KHỐI"],
        "ĐẠI HỘI CÔNG ĐOÀN TỈNH KHÁNH HÒA LẦN THỨ XI, NHIỆM KỲ 2023-2028": [
            "CÔNG ĐOÀN TỈNH KHÁNH HÒA"
        ],
    }


def test_the_congress_referred_to_as_this_one_is_a_mention(compiled: CompileResult) -> None:
    found = [
        (m.start, m.end, m.label, m.entity_id)
        for m in compiled.tables["mentions"]
        if isinstance(m, Mention) and m.text == "Đại hội của LHHN lần này"
    ]
    assert found == [(1891, 1915, "MEETING", "dai-hoi-lhhn-lan-thu-vi")]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _only_issue(raw: Path) -> str:
    (issue,) = compile_corpus(raw).report.sorted_issues()
    return issue.format().replace(str(raw) + "/", "")


def test_an_inferred_author_unflagged_is_refused(raw_copy: Path) -> None:
    _replace(
        raw_copy / "documents/004-09a4b5f42719a47d.yaml",
        "    inferred: true\n    basis: >-\n      No byline is printed.",
        "    x_basis: >-\n      No byline is printed.",
    )
    text = (raw_copy / "documents/004-09a4b5f42719a47d.yaml").read_text(encoding="utf-8")
    cut = text.index("    x_basis")
    end = text.index("    evidence:", cut)
    (raw_copy / "documents/004-09a4b5f42719a47d.yaml").write_text(
        text[:cut] + text[end:], encoding="utf-8"
    )
    assert _only_issue(raw_copy) == (
        "documents/004-09a4b5f42719a47d.yaml:26: authors[0]: inference-unflagged: the quote "
        "'Đó là phát biểu của Phó Trưởng ban Ban Đối ngoại Trung ương Nguyễn Huy Tăng' is no "
        "byline of nguyen-huy-tang: a byline prints the name alone (fix: quote the byline, or "
        "add inferred: true and basis: how the authorship is read)"
    )


def test_a_credit_from_initials_unflagged_is_refused(raw_copy: Path) -> None:
    _replace(
        raw_copy / "documents/002-a35811e9377ab383.yaml",
        "    inferred: true\n    basis: TTXVN are the initials of Thông tấn xã Việt Nam; the "
        "full name is not printed.\n",
        "",
    )
    assert _only_issue(raw_copy) == (
        "documents/002-a35811e9377ab383.yaml:16: credits[0]: inference-unflagged: the credit "
        "'Ảnh: TTXVN' does not print the name 'Thông tấn xã Việt Nam' of "
        "thong-tan-xa-viet-nam: the link from initials, a brand or a domain is inferred "
        "(fix: add inferred: true and basis: how the printed form names it)"
    )


def test_a_credit_naming_an_organization_as_its_person_is_one_problem(raw_copy: Path) -> None:
    _replace(
        raw_copy / "documents/002-a35811e9377ab383.yaml",
        "    organization: thong-tan-xa-viet-nam\n    inferred: true\n    basis: TTXVN are "
        "the initials of Thông tấn xã Việt Nam; the full name is not printed.\n",
        "    person: thong-tan-xa-viet-nam\n",
    )
    assert _only_issue(raw_copy) == (
        "documents/002-a35811e9377ab383.yaml:18: credits[0].person: dangling-reference: "
        "'thong-tan-xa-viet-nam' is not an id in the persons registry (fix: correct the id, "
        "or add it as raw/registry/persons/thong-tan-xa-viet-nam.yaml)"
    )


def test_an_outlet_from_a_tag_unflagged_is_refused(raw_copy: Path) -> None:
    _replace(
        raw_copy / "documents/002-a35811e9377ab383.yaml",
        "  inferred: true\n  basis: The dateline tag (CLO) is the tag of Báo Công luận; the "
        "name is not printed.\n",
        "",
    )
    assert _only_issue(raw_copy) == (
        "documents/002-a35811e9377ab383.yaml:7: outlet: inference-unflagged: the quote "
        "'(CLO)' does not print the outlet's name 'Báo Công luận' (fix: add inferred: true "
        "and basis: how the printed form names the outlet)"
    )


def test_a_term_read_from_a_congress_unflagged_is_refused(raw_copy: Path) -> None:
    path = raw_copy / "registry/directives/nghi-quyet-dai-hoi-xiii.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("term_inferred")
    path.write_text(text[:start] + text[text.index("adopted_at:") :], encoding="utf-8")
    assert _only_issue(raw_copy) == (
        "registry/directives/nghi-quyet-dai-hoi-xiii.yaml:6: term: inference-unflagged: no "
        "quote supporting term prints 'khóa XIII' (fix: quote the words that print it, or add "
        "term_inferred: true and term_basis: how the term is read)"
    )


def test_a_parent_not_in_the_name_unflagged_is_refused(raw_copy: Path) -> None:
    path = raw_copy / "registry/organizations/bo-chinh-tri.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("parent_inferred")], encoding="utf-8")
    assert _only_issue(raw_copy) == (
        "registry/organizations/bo-chinh-tri.yaml:7: parent: inference-unflagged: the name "
        "'Bộ Chính trị' does not hold a name of its parent 'ban-chap-hanh-trung-uong-dang', "
        "so the link is not printed (fix: add parent_inferred: true and parent_basis: how the "
        "parent is known)"
    )


def test_a_directive_cited_without_a_span_or_a_note_is_refused(raw_copy: Path) -> None:
    path = (
        raw_copy
        / "registry/directives/nghi-quyet-dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-viii.yaml"
    )
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("note:")] + text[text.index("evidence:") :], encoding="utf-8")
    assert _only_issue(raw_copy) == (
        "registry/directives/nghi-quyet-dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa-viii"
        ".yaml:2: id: note-missing: nghi-quyet-dai-hoi-dang-bo-khoi-cac-co-quan-tinh-khanh-hoa"
        "-viii is cited by 004-09a4b5f42719a47d but no mention names it (fix: add a mention of "
        "the span that names it, or a note saying why none does)"
    )


@pytest.mark.parametrize(
    ("name", "number", "flagged"),
    [
        ("Nghị quyết Trung ương 6 khóa XII", None, True),
        ("Chỉ thị 04-CT/TW", "04", False),
        ("Kết luận 73", "73", False),
        ("Chỉ thị 28/CT-TW", "28", False),
        ("Nghị quyết 18 năm 2017", "18", False),
        ("Nghị quyết năm 2017", None, False),
    ],
)
def test_a_numeral_that_is_no_number_needs_a_note(
    raw_copy: Path, name: str, number: str | None, flagged: bool
) -> None:
    path = raw_copy / "registry/directives/nghi-quyet-trung-uong-6-khoa-xii.yaml"
    text = path.read_text(encoding="utf-8")
    text = text[: text.index("note:")] + text[text.index("evidence:") :]
    text = text.replace("name: Nghị quyết Trung ương 6 khóa XII", f"name: {name}")
    if number is not None:
        text = text.replace("kind: nghi_quyet\n", f'kind: nghi_quyet\nnumber: "{number}"\n')
    path.write_text(text, encoding="utf-8")
    issues = compile_corpus(raw_copy).report.sorted_issues()
    assert [i.code == "note-missing" for i in issues].count(True) == int(flagged)
