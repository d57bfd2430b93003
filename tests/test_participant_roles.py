"""The roles lexicon: which words state which role, and the roles the corpus records by it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dnnd_dataset.checking.pipeline import CompileResult, compile_corpus
from dnnd_dataset.records import Meeting
from dnnd_dataset.roles_lexicon import NOT_ATTENDING, ROLE_WORDS, roles_stated

from .conftest import REPO

INVALID = Path(__file__).parent / "data" / "invalid"
MEETING_2011 = "registry/meetings/hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011.yaml"


@pytest.mark.parametrize(
    ("quote", "roles"),
    [
        ("Đồng chí Lê Hồng Anh dự và chỉ đạo Hội nghị", ["directing", "attendee"]),
        ("Phát biểu chỉ đạo Hội nghị, đồng chí Trương Tấn Sang", ["directing", "speaker"]),
        ("Cùng dự, có đồng chí Hoàng Bình Quân", ["attendee"]),
        ("đồng chí Hoàng Bình Quân chủ trì Hội nghị", ["chair"]),
        ("PHÁT BIỂU tại hội nghị", ["speaker"]),
        ("Đại diện Ban Tuyên giáo trình bày báo cáo", ["speaker"]),
        ("đã tham dự Hội thảo", ["attendee"]),
        ("Hội nghị thảo luận dự thảo Nghị quyết và dự án", []),
        ("Kính thưa đồng chí Trần Quốc Vượng", []),
        ("sự dựng nên", []),  # "dựng" is no "dự"
    ],
)
def test_roles_stated(quote: str, roles: list[str]) -> None:
    assert roles_stated(quote) == roles


@given(st.sampled_from(NOT_ATTENDING), st.sampled_from(["", ". ", " và "]))
def test_a_word_that_opens_with_du_states_no_attendance(word: str, tail: str) -> None:
    assert roles_stated(f"các đại biểu dự {word}{tail}") == []
    assert roles_stated(f"các đại biểu dự{tail}") == ["attendee"]


def test_the_card_states_the_lexicon() -> None:
    card = (REPO / "DATASET_CARD.md").read_text(encoding="utf-8")
    line = re.search(r"roles lexicon: (.*?)\.\s", card, re.DOTALL)
    assert line is not None
    stated = " ".join(line[1].split())
    expected = "; ".join(
        f"{' / '.join(f'“{word}”' for word in words)} → {role}"
        for role, words in ROLE_WORDS.items()
    )
    assert stated == expected


def test_who_spoke(compiled: CompileResult) -> None:
    spoke = sorted(
        (meeting.meeting_id, participant.person_id)
        for meeting in compiled.tables["meetings"]
        if isinstance(meeting, Meeting)
        for participant in meeting.participants
        if "speaker" in participant.roles
    )
    assert spoke == [
        ("dai-hoi-lhhn-lan-thu-vi", "nguyen-huy-tang"),
        ("hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011", "truong-tan-sang"),
        ("hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-2020", "tran-quoc-vuong"),
    ]


def test_a_role_waiver_says_whose_role_the_word_states(raw_copy: Path) -> None:
    meeting = raw_copy / MEETING_2011
    shutil.copyfile(INVALID / "role-not-recorded.yaml", meeting)
    text = meeting.read_text(encoding="utf-8")
    text = text.replace(
        "    roles: [chair, directing]\n",
        "    roles: [chair, directing]\n"
        "    role_waivers:\n"
        "      - role: speaker\n"
        "        reason: the speech that directed, read as one role\n",
        1,
    )
    meeting.write_text(text, encoding="utf-8")
    report = compile_corpus(raw_copy).report
    assert report.valid, report.format()
