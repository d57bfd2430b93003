"""The scores of a draft against a gold annotation, on a small hand-made example whose
numbers are worked out by hand: spans strict and lenient, facts through aligned entities."""

from __future__ import annotations

from typing import Any

import pytest

from bench import scoring
from dnnd_dataset.reading.raw_models import DocumentAnnotation

TEXT = (
    "Hội nghị hữu nghị\n\n"
    "Sáng 3/4, tại TP. Huế, Hội Hữu nghị Việt - Lào tổ chức Hội nghị hữu nghị. "
    "Ông Nguyễn Văn An chủ trì."
)


def _at(quote: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(quote, start + 1)
    return start, start + len(quote)


def _annotation(**fields: Any) -> DocumentAnnotation:
    return DocumentAnnotation.model_validate(
        {
            "article_id": "a",
            "source_file": "a.txt",
            "sha256": "0" * 64,
            "title": {"quote": "Hội nghị hữu nghị", "occurrence": 1},
            **fields,
        },
        strict=False,
    )


GOLD_MEETING = {
    "id": "m1",
    "name": "Hội nghị hữu nghị",
    "kind": "conference",
    "date_edtf": "XXXX-04-03",
    "location": "TP. Huế",
    "organizers": ["hhn"],
    "participants": [
        {
            "person": "an",
            "roles": ["chair"],
            "evidence": [{"article": "a", "quote": "Nguyễn Văn An chủ trì", "supports": ["chair"]}],
        }
    ],
    "evidence": [
        {"article": "a", "quote": "Sáng 3/4", "supports": ["date", "location", "organizers"]},
        {"article": "other", "quote": "x", "supports": ["attendance"]},
    ],
    # Stated by another article only: not a fact of this one.
    "attendance": 50,
    "attendance_qualifier": "exact",
}
DRAFT_MEETING = {
    "id": "hoi-nghi-huu-nghi",
    "name": "Hội nghị hữu nghị",
    "kind": "conference",
    "date": "2024-04-03",
    "date_precision": "day",
    "location": "Huế",
    "organizers": ["hoi-huu-nghi-viet"],
    "participants": [{"person": "nguyen-van-an", "roles": ["chair", "speaker"]}],
}


def _facts() -> tuple[scoring.Facts, scoring.Facts]:
    gold = scoring.facts_of(
        "a",
        TEXT,
        _annotation(outlet={"name": "Báo Huế", "evidence": {"quote": "Huế"}}),
        [
            (*_at("Hội Hữu nghị Việt - Lào"), "ORGANIZATION", "hhn"),
            (*_at("Hội nghị hữu nghị", 2), "MEETING", "m1"),
            (*_at("Nguyễn Văn An"), "PERSON", "an"),
            (*_at("TP. Huế"), "LOCATION", None),
        ],
        {"m1": GOLD_MEETING},
        {},
    )
    drafted = scoring.facts_of(
        "a",
        TEXT,
        _annotation(page_date={"value": "2024-04-03", "evidence": {"quote": "3/4"}}),
        [
            (*_at("Hội Hữu nghị Việt"), "ORGANIZATION", "hoi-huu-nghi-viet"),
            (*_at("Hội nghị hữu nghị", 2), "MEETING", "hoi-nghi-huu-nghi"),
            (*_at("Nguyễn Văn An"), "PERSON", "nguyen-van-an"),
            (*_at("TP"), "LOCATION", None),
            (*_at("Lào"), "LOCATION", None),
        ],
        {"hoi-nghi-huu-nghi": DRAFT_MEETING},
        {},
    )
    return gold, drafted


def _scores(lenient: bool) -> dict[str, dict[str, Any]]:
    gold, drafted = _facts()
    tally = scoring.Tally()
    scoring.score(gold, drafted, lenient, tally)
    return {
        **tally.table((*scoring.LABELS, "all")),
        **tally.table(scoring.FACTS),
    }


def _pr(row: dict[str, Any]) -> tuple[int, int, int, float | None, float | None]:
    return row["gold"], row["drafted"], row["matched"], row["precision"], row["recall"]


def test_strict_scores_count_only_equal_spans_and_equal_facts() -> None:
    scores = _scores(lenient=False)
    assert _pr(scores["all"]) == (4, 5, 2, 0.4, 0.5)
    assert _pr(scores["ORGANIZATION"]) == (1, 1, 0, 0.0, 0.0)
    assert _pr(scores["LOCATION"]) == (1, 2, 0, 0.0, 0.0)
    assert _pr(scores["PERSON"]) == (1, 1, 1, 1.0, 1.0)
    assert _pr(scores["MEETING"]) == (1, 1, 1, 1.0, 1.0)
    assert _pr(scores["DIRECTIVE"]) == (0, 0, 0, None, None)
    # 'XXXX-04-03' is not '2024-04-03', 'tp. huế' not 'huế'; the organizer's spans differ.
    assert _pr(scores["meeting_dates"]) == (1, 1, 0, 0.0, 0.0)
    assert _pr(scores["meeting_places"]) == (1, 1, 0, 0.0, 0.0)
    assert _pr(scores["organizers"]) == (1, 1, 0, 0.0, 0.0)
    # The drafted person shares the gold person's span: same participant, under another id.
    assert _pr(scores["participants"]) == (1, 1, 1, 1.0, 1.0)
    assert _pr(scores["roles"]) == (1, 2, 1, 0.5, 1.0)
    # Stated by another article's evidence only: no gold attendance here.
    assert _pr(scores["attendance"]) == (0, 0, 0, None, None)
    assert _pr(scores["titles"]) == (1, 1, 1, 1.0, 1.0)
    assert _pr(scores["outlet"]) == (1, 0, 0, None, 0.0)
    # An event's date drafted as the page date is a false page date.
    assert _pr(scores["page_date"]) == (0, 1, 0, 0.0, None)


def test_lenient_scores_accept_overlapping_spans_and_facts_that_agree() -> None:
    scores = _scores(lenient=True)
    # "Hội Hữu nghị Việt" overlaps the organization, "TP" the place; "Lào" overlaps no place.
    assert _pr(scores["all"]) == (4, 5, 4, 0.8, 1.0)
    assert _pr(scores["ORGANIZATION"]) == (1, 1, 1, 1.0, 1.0)
    assert _pr(scores["LOCATION"]) == (1, 2, 1, 0.5, 1.0)
    assert _pr(scores["meeting_dates"]) == (1, 1, 1, 1.0, 1.0)
    assert _pr(scores["meeting_places"]) == (1, 1, 1, 1.0, 1.0)
    assert _pr(scores["organizers"]) == (1, 1, 1, 1.0, 1.0)
    assert _pr(scores["roles"]) == (1, 2, 1, 0.5, 1.0)


def test_entities_align_by_shared_spans() -> None:
    gold, drafted = _facts()
    assert scoring.align(gold, drafted, lenient=False) == {
        "hoi-nghi-huu-nghi": "m1",
        "nguyen-van-an": "an",
    }
    assert scoring.align(gold, drafted, lenient=True) == {
        "hoi-huu-nghi-viet": "hhn",
        "hoi-nghi-huu-nghi": "m1",
        "nguyen-van-an": "an",
    }


@pytest.mark.parametrize(
    ("gold", "drafted", "agree"),
    [
        ("XXXX-04-03", "2024-04-03", True),
        ("XXXX-04-03", "2024-04-30", False),
        ("2024-04", "2024-04-03", False),
        ("2024-04-03", "XXXX-04-03", True),
    ],
)
def test_dates_agree_on_the_digits_both_print(gold: str, drafted: str, agree: bool) -> None:
    gold_facts, drafted_facts = scoring.Facts(), scoring.Facts()
    for facts, date in ((gold_facts, gold), (drafted_facts, drafted)):
        facts.entity_spans["m"].add((0, 8))
        facts.facts["meeting_dates"].add((scoring.Ref("m"), date))
    tally = scoring.Tally()
    scoring.score(gold_facts, drafted_facts, True, tally)
    assert tally.table(["meeting_dates"])["meeting_dates"]["matched"] == int(agree)


def test_an_entity_aligns_within_its_label_and_an_equal_span_before_an_overlap() -> None:
    gold, drafted = scoring.Facts(), scoring.Facts()
    for facts, entity, label, spans in (
        (gold, "meeting", "MEETING", {(0, 30)}),
        (gold, "a-organization", "ORGANIZATION", {(0, 30), (12, 18)}),
        (gold, "b-exact", "PERSON", {(40, 45)}),
        (gold, "a-overlapping", "PERSON", {(49, 55), (56, 60)}),
        (drafted, "drafted-meeting", "MEETING", {(0, 30), (12, 18)}),
        (drafted, "drafted-person", "PERSON", {(40, 45), (50, 60)}),
    ):
        facts.entity_spans[entity] |= spans
        facts.entity_labels[entity] = label
    expected = {"drafted-meeting": "meeting", "drafted-person": "b-exact"}
    assert scoring.align(gold, drafted, lenient=True) == expected
    assert scoring.align(gold, drafted, lenient=False) == expected
