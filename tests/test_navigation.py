"""Navigation with exact answers, both directions: over a synthetic corpus, and over the real
corpus of raw/ written to Parquet and read back through ``dnnd_dataset.corpus()``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import dnnd_dataset as dnnd
from dnnd_dataset.checking.pipeline import CompileResult
from dnnd_dataset.errors import DnndError
from dnnd_dataset.library import api
from dnnd_dataset.library.navigation import (
    EXACT,
    EXACT_WITHOUT_MARKS,
    PART,
    WORDS,
    WORDS_WITHOUT_MARKS,
    Corpus,
    HeldPosition,
    MeetingParticipation,
    MentionView,
    TextSpan,
    UnknownRecordError,
    match_rank,
)
from dnnd_dataset.publishing.arrow_schema import to_arrow
from dnnd_dataset.records import Participant

from .synthetic import meetings, mentions, persons, sample_tables


def build(**changes: list[Any]) -> Corpus:
    """The synthetic corpus, its tables in the order given (reverse id order, mostly)."""
    tables: dict[str, list[Any]] = {**sample_tables(), **changes}
    return Corpus(**tables)


@pytest.fixture(scope="module")
def c() -> Corpus:
    return build()


def ids(records: list[Any], attribute: str) -> list[str]:
    return [getattr(record, attribute) for record in records]


# -- the questions of the issue ----------------------------------------------------------------


def test_the_meetings_a_person_took_part_in(c: Corpus) -> None:
    [person] = c.find_persons("Trần Quốc Vượng")
    assert [
        (p.meeting.meeting_id, p.roles, p.position, p.inferred) for p in c.person_meetings(person)
    ] == [
        ("hn-quan-triet-ct-04-2011", ("attendee",), None, True),
        ("hn-tong-ket-2021", ("directing",), "Thường trực Ban Bí thư", False),
    ]


def test_the_articles_that_name_the_2011_directive(c: Corpus) -> None:
    [directive] = c.find_directives("04-CT/TW", year=2011)
    assert directive.directive_id == "ct-04-2011"
    assert ids(c.directive_articles(directive), "article_id") == ["hoi-nghi-2011"]


def test_who_chaired_the_conference_of_19_july(c: Corpus) -> None:
    [meeting] = [m for m in c.meetings.values() if m.date == dt.date(2011, 7, 19)]
    chairs = [p.person.name for p in c.meeting_participants(meeting) if "chair" in p.roles]
    assert chairs == ["Trương Tấn Sang"]


# -- lookups -----------------------------------------------------------------------------------


def test_records_by_id(c: Corpus) -> None:
    assert c.person("truong-tan-sang").name == "Trương Tấn Sang"
    assert c.meeting("hn-tong-ket-2021").kind == "review_conference"
    assert c.article("hoi-nghi-2011").title == "Hội nghị quán triệt Chỉ thị 04-CT/TW"
    assert c.directive("ct-04-2021").term == "XIII"
    assert c.organization("ban-bi-thu").kind == "party_body"
    assert set(c.persons) == {"minh-anh", "tran-quoc-vuong", "truong-tan-sang"}


def test_an_unknown_id_is_a_readable_key_error(c: Corpus) -> None:
    with pytest.raises(UnknownRecordError) as raised:
        c.person("tran-quoc-vuon")
    assert isinstance(raised.value, KeyError)
    assert isinstance(raised.value, DnndError)
    assert str(raised.value) == "no record 'tran-quoc-vuon' in table 'persons'"


def test_the_mappings_are_read_only(c: Corpus) -> None:
    with pytest.raises(TypeError):
        c.persons["x"] = c.person("minh-anh")  # type: ignore[index]


@pytest.mark.parametrize(
    "name",
    [
        "Trần Quốc Vượng",  # the name
        "Trần Quốc Vuợng",  # another spelling as printed
        "  trần  quốc vượng ",  # case and spaces do not matter
        unicodedata.normalize("NFD", "Trần Quốc Vượng"),  # nor the Unicode form
    ],
)
def test_persons_by_any_name(c: Corpus, name: str) -> None:
    assert ids(c.find_persons(name), "person_id") == ["tran-quoc-vuong"]


@pytest.mark.parametrize(
    "query",
    ["Vượng", "tran quoc vuong", "TRAN QUOC VUONG", "Trần Quốc", "quoc vuo", "Vuợng"],
)
def test_persons_by_part_of_a_name_with_or_without_marks(c: Corpus, query: str) -> None:
    assert ids(c.find_persons(query), "person_id") == ["tran-quoc-vuong"]


def test_a_search_ranks_exact_names_first(c: Corpus) -> None:
    # Exact, then whole words, then parts of words; ties in table order (reverse id order).
    assert ids(c.find_organizations("Đảng"), "organization_id") == [
        "dang-cong-san-viet-nam",
        "ban-chap-hanh-tw",
        "ban-bi-thu",
    ]
    assert ids(c.find_organizations("dang"), "organization_id") == [
        "dang-cong-san-viet-nam",
        "ban-chap-hanh-tw",
        "ban-bi-thu",
    ]
    assert ids(c.find_organizations("Ban"), "organization_id") == [
        "ban-doi-ngoai-tw",
        "ban-chap-hanh-tw",
        "ban-bi-thu",
    ]
    assert c.find_persons("Nguyễn") == []
    assert c.find_persons("  ") == []


def test_match_ranks() -> None:
    assert match_rank("Trần Quốc Vượng", "Trần Quốc Vượng") == EXACT
    assert match_rank("tran quoc vuong", "Trần Quốc Vượng") == EXACT_WITHOUT_MARKS
    assert match_rank("Vượng", "Trần Quốc Vượng") == WORDS
    assert match_rank("vuong", "Trần Quốc Vượng") == WORDS_WITHOUT_MARKS
    assert match_rank("Vượ", "Trần Quốc Vượng") == PART
    assert match_rank("Vương", "Trần Quốc Vượng") == WORDS_WITHOUT_MARKS
    assert match_rank("Sang", "Trần Quốc Vượng") is None


def test_a_lookalike_d_finds_the_organization(c: Corpus) -> None:
    expected = ["dang-cong-san-viet-nam"]
    assert ids(c.find_organizations("\u00d0ảng"), "organization_id")[:1] == expected
    assert ids(c.find_organizations("Đảng"), "organization_id")[:1] == expected
    assert ids(c.find_organizations("Ban Đối ngoại TW"), "organization_id") == ["ban-doi-ngoai-tw"]


def test_meetings_and_articles_by_name(c: Corpus) -> None:
    [meeting] = c.find_meetings("Hội nghị tổng kết công tác đối ngoại nhân dân")
    assert meeting.meeting_id == "hn-tong-ket-2021"
    [article] = c.find_articles("Tổng kết công tác đối ngoại nhân dân")
    assert article.article_id == "tong-ket-2021"


# Lists of records come in table order; the synthetic tables are in reverse id order.
@pytest.mark.parametrize(
    ("written", "term", "year", "expected"),
    [
        ("04-CT/TW", None, None, ["ct-04-2021", "ct-04-2011"]),
        ("Chỉ thị số 04 – CT/TW", None, None, ["ct-04-2021", "ct-04-2011"]),
        ("Chỉ thị 04-CT/TW", "XI", None, ["ct-04-2011"]),
        ("04-CT/TW", "XIII", None, ["ct-04-2021"]),
        ("04-CT/TW", None, 2011, ["ct-04-2011"]),
        ("04-CT/TW", None, 2021, []),  # the 2021 directive's date is not stated
        ("05-CT/TW", None, None, []),
        ("04-ct", None, None, ["ct-04-2021", "ct-04-2011"]),  # in part, in lower case
        ("04 – CT/TW", "XI", None, ["ct-04-2011"]),
    ],
)
def test_directives_by_code_term_and_year(
    c: Corpus, written: str, term: str | None, year: int | None, expected: list[str]
) -> None:
    found = c.find_directives(written, term=term, year=year)
    assert ids(found, "directive_id") == expected


# -- persons -----------------------------------------------------------------------------------


def test_a_persons_positions_resolve_organization_and_article(c: Corpus) -> None:
    [held] = c.person_positions("truong-tan-sang")
    assert isinstance(held, HeldPosition)
    assert held.title == "Thường trực Ban Bí thư"
    assert held.organization == c.organization("ban-bi-thu")
    assert held.article == c.article("hoi-nghi-2011")
    assert held.position.as_of == dt.date(2011, 7, 19)


def test_a_persons_articles(c: Corpus) -> None:
    assert ids(c.person_articles("tran-quoc-vuong"), "article_id") == [
        "hoi-nghi-2011",
        "tong-ket-2021",
    ]
    assert c.person_meetings("minh-anh") == []


# -- directives --------------------------------------------------------------------------------


def test_a_directives_meetings_and_issuer(c: Corpus) -> None:
    assert ids(c.directive_meetings("ct-04-2021"), "meeting_id") == ["hn-tong-ket-2021"]
    assert c.directive_issuer("ct-04-2011") == c.organization("ban-bi-thu")


# -- meetings ----------------------------------------------------------------------------------


def test_a_meetings_participants_are_person_records(c: Corpus) -> None:
    participants = c.meeting_participants("hn-quan-triet-ct-04-2011")
    assert participants == [
        MeetingParticipation(
            c.meeting("hn-quan-triet-ct-04-2011"),
            c.person("truong-tan-sang"),
            ("chair",),
            "Thường trực Ban Bí thư",
        ),
        MeetingParticipation(
            c.meeting("hn-quan-triet-ct-04-2011"),
            c.person("tran-quoc-vuong"),
            ("attendee",),
            None,
            True,
            "Named at the conference, not said to attend.",
        ),
    ]


# -- posts -------------------------------------------------------------------------------------


def test_the_holders_of_a_post_in_date_order(c: Corpus) -> None:
    holders = c.post_holders("thuong-truc-ban-bi-thu")
    # The 2021 meeting has no date: its statement goes last.
    assert [(h.person.person_id, h.position.as_of, h.article.article_id) for h in holders] == [
        ("truong-tan-sang", dt.date(2011, 7, 19), "hoi-nghi-2011"),
        ("tran-quoc-vuong", None, "tong-ket-2021"),
    ]
    assert [h.post for h in holders] == [c.post("thuong-truc-ban-bi-thu")] * 2
    assert c.post_holders(c.post("thuong-truc-ban-bi-thu")) == holders


def test_posts_by_title(c: Corpus) -> None:
    assert c.find_posts("thường trực  ban bí thư") == [c.post("thuong-truc-ban-bi-thu")]
    # A part of a title, with or without marks, finds the post too.
    assert c.find_posts("thuong truc") == [c.post("thuong-truc-ban-bi-thu")]
    assert c.find_posts("Phó Chủ tịch") == []
    with pytest.raises(UnknownRecordError, match="no record 'nobody' in table 'posts'"):
        c.post_holders("nobody")


def test_a_meetings_organizers_directives_and_articles(c: Corpus) -> None:
    meeting = "hn-tong-ket-2021"
    assert ids(c.meeting_organizers(meeting), "organization_id") == ["ban-doi-ngoai-tw"]
    assert ids(c.meeting_directives(meeting), "directive_id") == ["ct-04-2021"]
    assert ids(c.meeting_articles(meeting), "article_id") == ["tong-ket-2021"]


# -- articles ----------------------------------------------------------------------------------


def test_an_articles_mentions_with_entity_and_span(c: Corpus) -> None:
    views = c.article_mentions("tong-ket-2021")
    text = c.article("tong-ket-2021").text
    assert [(v.span.text, v.label, v.entity and type(v.entity).__name__) for v in views] == [
        ("Ban Đối ngoại Trung ương", "ORGANIZATION", "Organization"),
        ("Hội nghị tổng kết", "MEETING", "Meeting"),
        ("Trần Quốc Vuợng", "PERSON", "Person"),
        ("Ban Bí thư", "ORGANIZATION", "Organization"),
        ("Chỉ thị số 04-CT/TW", "DIRECTIVE", "Directive"),
        ("Ban Bí thư", "ORGANIZATION", "Organization"),
        ("\u00d0ảng", "ORGANIZATION", "Organization"),
        ("Minh Anh", "PERSON", "Person"),
    ]
    assert all(text[v.span.start : v.span.end] == v.span.text for v in views)
    assert views[2].entity == c.person("tran-quoc-vuong")


def test_an_articles_sentences_in_order_with_their_tags(c: Corpus) -> None:
    sentences = c.article_sentences("hoi-nghi-2011")
    assert [s.sentence_index for s in sentences] == [0, 1, 2, 3]
    assert sentences[3].text == "Đồng chí Trần Quốc Vượng dự Hội nghị."
    assert sentences[3].tags == ["O", "O", "B-PERSON", "I-PERSON", "I-PERSON", "O", "O", "O", "O"]
    assert c.article_sentences(c.article("tong-ket-2021"))[0].text == (
        "Tổng kết công tác đối ngoại nhân dân"
    )


def test_a_location_has_no_entity(c: Corpus) -> None:
    [location] = [v for v in c.article_mentions("hoi-nghi-2011") if v.label == "LOCATION"]
    assert location.entity is None
    assert location.span == TextSpan(194, 200, "Hà Nội")
    assert c.article("hoi-nghi-2011").text[194:200] == "Hà Nội"


def test_mentions_come_in_text_order_whatever_the_input_order(c: Corpus) -> None:
    shuffled = build(mentions=list(reversed(mentions())))
    assert shuffled.article_mentions("hoi-nghi-2011") == c.article_mentions("hoi-nghi-2011")


def test_an_articles_entities(c: Corpus) -> None:
    article = c.article("tong-ket-2021")
    assert ids(c.article_persons(article), "person_id") == ["minh-anh", "tran-quoc-vuong"]
    assert ids(c.article_authors(article), "person_id") == ["minh-anh"]
    assert ids(c.article_organizations(article), "organization_id") == [
        "ban-bi-thu",
        "ban-doi-ngoai-tw",
        "dang-cong-san-viet-nam",
    ]
    assert ids(c.article_directives(article), "directive_id") == ["ct-04-2021"]
    assert ids(c.article_meetings(article), "meeting_id") == ["hn-tong-ket-2021"]


# -- organizations -----------------------------------------------------------------------------


def test_an_organizations_articles_meetings_and_directives(c: Corpus) -> None:
    org = "ban-bi-thu"
    assert ids(c.organization_articles(org), "article_id") == ["hoi-nghi-2011", "tong-ket-2021"]
    assert ids(c.organization_meetings(org), "meeting_id") == ["hn-quan-triet-ct-04-2011"]
    assert ids(c.organization_directives(org), "directive_id") == ["ct-04-2021", "ct-04-2011"]


def test_the_persons_holding_a_position_in_an_organization(c: Corpus) -> None:
    held = c.organization_positions("ban-bi-thu")
    assert [(h.person.person_id, h.title) for h in held] == [
        ("truong-tan-sang", "Thường trực Ban Bí thư"),
        ("tran-quoc-vuong", "Thường trực Ban Bí thư"),
    ]
    persons = c.organization_persons("ban-bi-thu")
    assert ids(persons, "person_id") == ["truong-tan-sang", "tran-quoc-vuong"]


def test_organizations_up_and_down_the_tree(c: Corpus) -> None:
    children = c.organization_children("ban-chap-hanh-tw")
    assert ids(children, "organization_id") == ["ban-doi-ngoai-tw", "ban-bi-thu"]
    assert c.organization_parent("ban-bi-thu") == c.organization("ban-chap-hanh-tw")
    assert c.organization_parent("dang-cong-san-viet-nam") is None
    assert c.organization_children("bao-nhan-dan") == []


# -- any record --------------------------------------------------------------------------------


def test_every_mention_of_an_entity(c: Corpus) -> None:
    views = c.mentions_of(c.person("tran-quoc-vuong"))
    spans = [(v.mention.article_id, v.span.text) for v in views]
    assert spans == [("hoi-nghi-2011", "Trần Quốc Vượng"), ("tong-ket-2021", "Trần Quốc Vuợng")]
    assert all(isinstance(v, MentionView) for v in views)


def test_the_evidence_of_a_fact(c: Corpus) -> None:
    meeting = c.meeting("hn-quan-triet-ct-04-2011")
    assert [e.quote for e in c.evidence_of(meeting, "date")] == ["Ngày 19/7"]
    assert [e.field for e in c.evidence_of(meeting)] == ["date", "location"]
    assert [e.quote for e in c.evidence_of(c.directive("ct-04-2011"))] == ["ngày 6/7/2011"]
    assert c.evidence_of(c.person("minh-anh")) == []


# -- both ways agree ---------------------------------------------------------------------------


def test_every_link_is_navigable_both_ways(c: Corpus) -> None:
    for person in c.persons.values():
        for participation in c.person_meetings(person):
            assert participation in c.meeting_participants(participation.meeting)
        for article in c.person_articles(person):
            assert person in c.article_persons(article)
    for directive in c.directives.values():
        for article in c.directive_articles(directive):
            assert directive in c.article_directives(article)
        for meeting in c.directive_meetings(directive):
            assert directive in c.meeting_directives(meeting)
    for org in c.organizations.values():
        for meeting in c.organization_meetings(org):
            assert org in c.meeting_organizers(meeting)
        for child in c.organization_children(org):
            assert c.organization_parent(child) == org


def test_navigation_results_are_frozen(c: Corpus) -> None:
    [participation, *_] = c.person_meetings("tran-quoc-vuong")
    with pytest.raises(dataclasses.FrozenInstanceError):
        participation.roles = ("chair",)  # type: ignore[misc]


# -- integrity of the input --------------------------------------------------------------------


def test_a_dangling_participant_is_reported_when_the_corpus_is_built() -> None:
    [first, second] = meetings()
    broken = first.model_copy(
        update={
            "participants": [
                Participant(
                    person_id="nobody", roles=["chair"], position=None, inferred=False, basis=None
                )
            ]
        }
    )
    with pytest.raises(UnknownRecordError, match="'nobody' in table 'persons'"):
        build(meetings=[broken, second])


def test_a_duplicate_id_is_refused() -> None:
    with pytest.raises(ValueError, match="duplicate id 'truong-tan-sang' in table 'persons'"):
        build(persons=[*persons(), persons()[0]])


# -- corpus() over the published files ---------------------------------------------------------


def test_corpus_loads_every_table_once(data_dir: Path, c: Corpus) -> None:
    loaded = dnnd.corpus()
    assert loaded is dnnd.corpus()
    assert isinstance(loaded, dnnd.Corpus)
    assert repr(loaded) == (
        "Corpus(articles=2, mentions=17, meetings=2, persons=3, directives=2, "
        "organizations=5, posts=1, evidence=3, ner=10)"
    )
    [person] = loaded.find_persons("Trần Quốc Vượng")
    assert loaded.person_meetings(person) == c.person_meetings(person)


# -- the real corpus, through the published Parquet files ---------------------------------------


@pytest.fixture(scope="module")
def real(compiled: CompileResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """The corpus of raw/, written as the build writes it and read back through corpus()."""
    directory = tmp_path_factory.mktemp("real")
    for name, records in compiled.tables.items():
        pq.write_table(to_arrow(name, records, dnnd.__version__), directory / f"{name}.parquet")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(api.DATA_DIR_ENV, str(directory))
        yield dnnd.corpus()


def test_real_the_meetings_tran_quoc_vuong_took_part_in(real: Corpus) -> None:
    [person] = real.find_persons("Trần Quốc Vượng")
    assert [
        (p.meeting.meeting_id, p.meeting.date, p.roles, p.inferred)
        for p in real.person_meetings(person)
    ] == [
        (
            "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2020",
            dt.date(2020, 12, 23),
            ("directing", "speaker", "attendee"),
            False,
        ),
        ("dai-hoi-lhhn-lan-thu-vi", None, ("attendee",), True),
    ]


def test_real_the_articles_that_name_chi_thi_04_of_2011(real: Corpus) -> None:
    [directive] = real.find_directives("Chỉ thị 04-CT/TW", year=2011)
    assert (directive.code, directive.term, directive.issued_on) == (
        "04-CT/TW",
        "XI",
        dt.date(2011, 7, 6),
    )
    assert ids(real.directive_articles(directive), "article_id") == [
        "000-129a49d91db6336b",
        "002-a35811e9377ab383",
    ]


def test_real_who_chaired_the_conference_of_19_july(real: Corpus) -> None:
    [meeting] = [
        m for m in real.meetings.values() if m.date and (m.date.month, m.date.day) == (7, 19)
    ]
    chairs = [p.person.name for p in real.meeting_participants(meeting) if "chair" in p.roles]
    assert chairs == ["Trương Tấn Sang", "Hoàng Bình Quân"]


def test_real_who_was_thuong_truc_ban_bi_thu_when(real: Corpus) -> None:
    [post] = real.find_posts("Thường trực Ban Bí thư")
    assert [
        (h.person.name, h.position.as_of, h.position.as_of_inferred, h.article.article_id)
        for h in real.post_holders(post)
    ] == [
        ("Trương Tấn Sang", dt.date(2011, 7, 19), True, "000-129a49d91db6336b"),
        ("Lê Hồng Anh", dt.date(2015, 1, 28), True, "001-7aa88a628dfba5ee"),
        ("Trần Quốc Vượng", dt.date(2020, 12, 23), True, "002-a35811e9377ab383"),
        # The congress of 004 is undated: the statement goes last.
        ("Trần Quốc Vượng", None, False, "004-09a4b5f42719a47d"),
    ]


def test_real_one_post_for_two_spellings_of_a_title(real: Corpus) -> None:
    # 000 prints "Trưởng Ban Đối ngoại TW"; 001 prints "Trưởng ban Ðối ngoại T.Ư" with U+00D0.
    [post] = real.find_posts("Trưởng ban Đối ngoại T.Ư")
    assert post.post_id == "truong-ban-doi-ngoai-trung-uong"
    assert post.titles == ["Trưởng Ban Đối ngoại TW", "Trưởng ban \u00d0ối ngoại T.Ư"]
    assert [(h.title, h.position.as_of) for h in real.post_holders(post)] == [
        ("Trưởng Ban Đối ngoại TW", dt.date(2011, 7, 19)),
        ("Trưởng ban \u00d0ối ngoại T.Ư", dt.date(2015, 1, 28)),
    ]
    [member] = real.find_posts("Ủy viên T.Ư Đảng")
    assert member.titles == ["Ủy viên BCH TW Đảng", "Ủy viên T.Ư \u00d0ảng"]
    assert [h.person.person_id for h in real.post_holders(member)] == ["hoang-binh-quan"] * 2


def test_real_every_mention_span_is_the_article_text(real: Corpus) -> None:
    for article in real.articles.values():
        for view in real.article_mentions(article):
            assert article.text[view.span.start : view.span.end] == view.span.text
            assert (view.entity is None) == (view.label == "LOCATION")


def test_real_every_link_is_navigable_both_ways(real: Corpus) -> None:
    test_every_link_is_navigable_both_ways(real)
