"""Dates as printed (meetings.date_edtf) and page dates that are the page's own (page_clock)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dnnd_dataset.checking.pipeline import CompileResult, compile_corpus
from dnnd_dataset.checking.printed_dates import edtf_problem, printed_edtf
from dnnd_dataset.explorer.pages import display_date
from dnnd_dataset.reading.raw_models import MeetingEntry
from dnnd_dataset.records import Article, Evidence, Meeting

from .golden import GOLDEN
from .synthetic import meeting as meeting_record

LHHN_VI = "registry/meetings/dai-hoi-lhhn-lan-thu-vi.yaml"


def _meetings(result: CompileResult) -> dict[str, Meeting]:
    return {m.meeting_id: m for m in result.tables["meetings"] if isinstance(m, Meeting)}


def _articles(result: CompileResult) -> dict[str, Article]:
    return {a.article_id: a for a in result.tables["articles"] if isinstance(a, Article)}


def test_every_dated_meeting_keeps_its_date_as_printed(compiled: CompileResult) -> None:
    got = {
        meeting_id: (m.date_edtf, m.date, m.date_precision, m.date_inferred)
        for meeting_id, m in _meetings(compiled).items()
        if meeting_id.startswith("hoi-nghi-")
    }
    assert got == {
        "hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011": (
            "XXXX-07-19",
            dt.date(2011, 7, 19),
            "day",
            True,
        ),
        "hoi-nghi-tong-ket-cong-tac-ban-doi-ngoai-trung-uong-2014": (
            "XXXX-01-28",
            dt.date(2015, 1, 28),
            "day",
            True,
        ),
        "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2014": (
            "XXXX-01-28",
            dt.date(2015, 1, 28),
            "day",
            True,
        ),
        "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2020": (
            "XXXX-12-23",
            dt.date(2020, 12, 23),
            "day",
            True,
        ),
    }


def test_an_undated_meeting_has_no_printed_date(compiled: CompileResult) -> None:
    congresses = [m for m in _meetings(compiled).values() if m.kind == "congress"]
    assert congresses
    assert {(m.date, m.date_edtf, m.date_precision) for m in congresses} == {
        (None, None, "unknown")
    }


def test_a_date_without_a_year_is_kept_not_dropped(raw_copy: Path) -> None:
    path = raw_copy / LHHN_VI
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: congress\n", "kind: congress\ndate_edtf: XXXX-03-15\n"))
    result = compile_corpus(raw_copy)
    assert result.report.valid, result.report.format()
    meeting = _meetings(result)["dai-hoi-lhhn-lan-thu-vi"]
    assert (meeting.date_edtf, meeting.date, meeting.date_precision, meeting.date_inferred) == (
        "XXXX-03-15",
        None,
        "unknown",
        False,
    )


def test_a_printed_year_needs_the_typed_date(raw_copy: Path) -> None:
    path = raw_copy / LHHN_VI
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: congress\n", "kind: congress\ndate_edtf: 2019-03\n"))
    (issue,) = compile_corpus(raw_copy).report.sorted_issues()
    assert issue.format() == (
        f"{raw_copy / LHHN_VI}:5: date_edtf: edtf-disagrees: date_edtf '2019-03' prints the "
        "year, but date is null (fix: give the date with its precision: date 2019-03 and "
        "date_precision)"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("XXXX-03-15", None),
        ("2011-07-19", None),
        ("2011-07", None),
        ("2011", None),
        ("XXXX-02-29", None),
        (
            "15/3",
            "'15/3' is not an EDTF date of the form YYYY, YYYY-MM or YYYY-MM-DD with XXXX or XX "
            "for a part not printed",
        ),
        (
            "2011-07-19?",
            "'2011-07-19?' is not an EDTF date of the form YYYY, YYYY-MM or YYYY-MM-DD with "
            "XXXX or XX for a part not printed",
        ),
        ("XXXX-13-01", "'XXXX-13-01' is not a valid EDTF date"),
        ("XXXX-02-30", "'XXXX-02-30' is not a valid EDTF date: month 02 has no day 30"),
        ("2015-02-29", "'2015-02-29' is not a valid EDTF date: month 02 has no day 29"),
        (
            "2011-XX-19",
            "'2011-XX-19' is not a valid EDTF date for a typed date: leave the part out",
        ),
    ],
)
def test_edtf_problem(value: str, problem: str | None) -> None:
    assert edtf_problem(value) == problem


@pytest.mark.parametrize(
    ("date", "precision", "edtf"),
    [
        ("2011-07-19", "day", "2011-07-19"),
        ("2011-07-01", "month", "2011-07"),
        ("2011-01-01", "year", "2011"),
    ],
)
def test_a_date_printed_whole_is_its_own_edtf(date: str, precision: str, edtf: str) -> None:
    meeting = MeetingEntry.model_validate(
        {
            "id": "m",
            "name": "Hội nghị",
            "kind": "conference",
            "date": date,
            "date_precision": precision,
        }
    )
    assert printed_edtf(meeting) == edtf


def test_no_page_date_is_a_site_clock(compiled: CompileResult) -> None:
    articles = _articles(compiled)
    got = {key: (a.page_date, a.page_clock) for key, a in articles.items() if key in GOLDEN}
    assert got == {
        "000-129a49d91db6336b": (None, None),
        "001-7aa88a628dfba5ee": (None, dt.date(2021, 5, 11)),
        "002-a35811e9377ab383": (None, None),
        "003-cb987c258479b677": (None, None),
        "004-09a4b5f42719a47d": (None, dt.date(2024, 5, 28)),
    }


def test_the_page_clock_has_its_evidence(compiled: CompileResult) -> None:
    rows = [
        (e.article_id, e.quote)
        for e in compiled.tables["evidence"]
        if isinstance(e, Evidence) and e.table == "articles" and e.field == "page_clock"
    ]
    assert [row for row in rows if row[0] in GOLDEN] == [
        ("001-7aa88a628dfba5ee", "Thứ ba,\xa0 11/05/2021"),  # a no-break space, as printed
        ("004-09a4b5f42719a47d", "Thứ Ba, 28/05/2024"),
    ]
    assert not any(
        isinstance(e, Evidence) and e.field == "page_date" and e.article_id in GOLDEN
        for e in compiled.tables["evidence"]
    )


def test_a_page_date_in_the_chrome_is_told_to_be_the_clock(raw_copy: Path) -> None:
    fixture = Path(__file__).parent / "data" / "invalid" / "page-date-in-chrome.yaml"
    target = raw_copy / "documents" / "004-09a4b5f42719a47d.yaml"
    target.write_bytes(fixture.read_bytes())
    (issue,) = compile_corpus(raw_copy).report.sorted_issues()
    assert issue.format() == (
        f"{target}:20: page_date.evidence: page-date-in-chrome: the page date 'Thứ Ba, "
        "28/05/2024' lies in the page chrome, where a site shows the day the page is "
        "displayed, not the day the article was published (fix: write it as page_clock (the "
        "date the page's clock showed) and give page_date only for a date printed with the "
        "article)"
    )


@pytest.mark.parametrize(
    ("edtf", "shown"), [("XXXX-03-15", "XXXX-03-15 (year unknown)"), (None, "undated")]
)
def test_the_explorer_shows_a_date_without_its_year(edtf: str | None, shown: str) -> None:
    meeting = meeting_record(
        "m",
        "Hội nghị",
        kind="conference",
        organizer_ids=[],
        participants=[],
        directive_ids=[],
        article_ids=[],
        date_edtf=edtf,
    )
    assert display_date(meeting) == shown
