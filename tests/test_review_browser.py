"""A draft reviewed end to end in the browser: ``dnnd review`` serves the fixed draft of
``tests/review_draft.py``, headless Chromium accepts and rejects items by keyboard, extends
a cut organization name by selecting text, links a name to a registered person through the
accent-free search, gives a meeting's chair the role of speaker from a sentence, and saves;
then ``dnnd check`` passes and ``dnnd build`` publishes the article. Ctrl-C stops the server
and leaves every file whole.

Items are found by their label and words, not by their place in the list. The drafts of
the current drafter are reviewed in the browser by ``bench/review.py``, run below.

Uses the explorer tests' Chromium (Debian's ``chromium``, driven by Playwright); they skip
without it. Screenshots at 1280 and 390 px wide go to ``test-screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from bench.review import SELECT
from dnnd_dataset.publishing.dataset_meta import data_file

from .conftest import REPO, python, snapshot
from .review_draft import place_draft
from .test_explorer_browser import SCREENSHOTS, browser  # noqa: F401 (the fixture)

pytest.importorskip("starlette", reason="the 'review' extra is not installed")

MEETING = "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-nam-2023-trien-khai-nhiem-vu-nam-2024"
MEETING_NAME = (
    "Hội nghị tổng kết công tác đối ngoại nhân dân năm 2023, triển khai nhiệm vụ năm 2024"
)
TITLE = "Tổng kết công tác đối ngoại nhân dân năm 2023 tại Bình Định"
# The id in the page of the item of each label whose words in the list are the given ones.
ITEM = """([label, words]) => Array.from(document.querySelectorAll("#items li"))
  .filter(li => li.querySelector(".tag").textContent === label &&
                li.querySelector(".words").textContent === words)
  .map(li => li.dataset.item)"""


def _select(page: Any, words: str) -> None:
    page.evaluate(SELECT, words)


def _current(page: Any) -> str:
    return str(page.get_attribute("#items li.current", "data-item"))


def _item(page: Any, label: str, words: str) -> str:
    """The one item of ``label`` that stands for ``words``."""
    (item,) = page.evaluate(ITEM, [label, words])
    return str(item)


@pytest.fixture()
def review(raw_copy: Path, tmp_path: Path) -> Any:
    draft = place_draft(raw_copy)
    environment = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dnnd_dataset",
            "review",
            draft.stem,
            "--raw",
            str(raw_copy),
            "--no-browser",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=environment,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    assert line.startswith(f"reviewing {draft} at http://127.0.0.1:"), line
    url = line.split(" at ", 1)[1].strip()
    yield raw_copy, draft, url, server
    if server.poll() is None:
        server.kill()
        server.wait()


def test_a_draft_is_reviewed_saved_checked_and_built(
    browser: Any,  # noqa: F811
    review: Any,
    tmp_path: Path,
) -> None:
    raw, draft, url, server = review
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("body[data-ready=yes]")
    assert page.url.endswith(":" + url.split(":")[2].split("/")[0] + "/")  # token dropped
    meeting = _item(page, "MEETING", MEETING_NAME)
    chair = _item(page, "PERSON", "Trần Văn Hải")
    cut_name = _item(page, "ORGANIZATION", "Hội Hữu nghị Nhật")
    byline = _item(page, "PERSON", "Hoàng Yến")
    assert _current(page) == _item(page, "title", TITLE)
    page.keyboard.press("a")  # the title
    assert _current(page) == _item(page, "LOCATION", "Bình Định")
    page.keyboard.press("a")  # a place
    assert _current(page) == _item(page, "LOCATION", "Quy Nhơn")
    page.keyboard.press("x")  # the meeting's place, not reviewed as a mention
    assert _current(page) == meeting

    # The meeting: its chair also speaks, as the last paragraph says.
    _select(page, "Phát biểu tại Hội nghị, đồng chí Trần Văn Hải")
    page.click("#participant-evidence-0")
    page.check("#role-0-1-speaker")
    page.fill("#meeting-date", "2024-01-12")
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    assert _current(page) == chair

    # Trần Văn Hải is registered now: linked through the search, typed without accents.
    page.click("#link")
    page.fill("#link-search", "tran van hai")
    page.click("#link-results .result[data-id=tran-van-hai]")
    page.keyboard.press("ArrowDown")
    assert _current(page) == cut_name

    # The draft cut the organization's name at " - ": the span is extended by selection.
    _select(page, "Hội Hữu nghị Nhật - Việt")
    page.click("#set-span")
    assert page.input_value("#entry-id") == "hoi-huu-nghi-nhat-viet"
    page.select_option("#organization-kind", "international_organization")
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    assert _current(page) == byline
    page.keyboard.press("x")  # rejected, then the rejection undone
    page.keyboard.press("z")
    assert _current(page) == byline
    page.keyboard.press("a")
    assert page.text_content("#counts") == "0 to review · 9 accepted · 1 rejected · unsaved changes"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.click(f"#items li[data-item='{meeting}']")
    page.screenshot(path=str(SCREENSHOTS / "review.png"))
    page.click("#save")
    page.wait_for_selector("body[data-saving=done]")
    assert page.text_content("#problems h2") == "Saved; the checks pass"
    assert page.text_content("#counts") == "0 to review · 9 accepted · 0 rejected"
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "review-390.png"), full_page=True)
    # The page sits within the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    assert all(r.startswith(url.split("/?")[0]) for r in requests), requests
    context.close()

    saved = draft.read_text(encoding="utf-8")
    body = [line for line in saved.splitlines() if not line.startswith("#")]
    assert [line for line in body if "proposed" in line or "proposals" in line] == []
    assert "{quote: Hội Hữu nghị Nhật - Việt, entity: hoi-huu-nghi-nhat-viet}" in saved
    assert "{quote: Trần Văn Hải, entity: tran-van-hai, all: true}" in saved
    meeting = raw / "registry" / "meetings" / f"{MEETING}.yaml"
    assert "roles: [chair, speaker]" in meeting.read_text(encoding="utf-8")

    # Ctrl-C: the server stops, every file as it was saved.
    files = snapshot(raw)
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=60) == 0
    assert server.stdout.read() == (
        "stop with Ctrl-C; nothing is written until you press Save in the page\n"
        "review stopped; the files are as the last save wrote them\n"
    )
    assert snapshot(raw) == files

    checked = python("-m", "dnnd_dataset", "check", "--raw", raw, "--no-cache")
    assert (checked.returncode, checked.stdout) == (0, f"{raw}: valid\n"), checked.stderr
    out = tmp_path / "dataset"
    shutil.copy(REPO / "DATASET_CARD.md", raw.parent / "DATASET_CARD.md")  # the card's prose
    built = python("-m", "dnnd_dataset", "build", "--raw", raw, "--out", out, "--no-cache")
    assert built.returncode == 0, built.stderr
    articles = pq.read_table(out / data_file("articles"), columns=["article_id"]).to_pylist()
    assert {"article_id": draft.stem} in articles
    for name in ("review.png", "review-390.png"):
        assert (SCREENSHOTS / name).read_bytes().startswith(b"\x89PNG")


def test_the_review_benchmark_reaches_a_valid_annotation_of_each_article(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    if shutil.which("git") is None:
        pytest.skip("the copy of the checkout needs git")
    from bench import review

    result = review.benchmark(tmp_path, browser)
    actions = {name: (row["actions"], row["keys"]) for name, row in result["articles"].items()}
    assert actions == {"binh-dinh": (14, 7), "nhat-viet": (10, 7), "quan-triet": (6, 5)}
    assert (tmp_path / "dataset" / "SHA256SUMS").is_file()


class _Page:
    """A page whose current item stands for ``words``; it records the keys pressed."""

    def __init__(self, words: str) -> None:
        self.words = words
        self.pressed: list[str] = []
        self.keyboard = self

    def text_content(self, selector: str) -> str:
        assert selector == "#items li.current .words"
        return self.words

    def press(self, key: str) -> None:
        self.pressed.append(key)


def test_a_benchmark_key_meant_for_another_item_stops_the_script() -> None:
    from bench.review import _act

    page = _Page("Quy Nhơn")
    _act(page, ("key", "a", "Quy Nhơn"))
    assert page.pressed == ["a"]
    with pytest.raises(SystemExit) as stopped:
        _act(page, ("key", "x", "tỉnh Bình Định"))
    assert str(stopped.value) == (
        "the script presses 'x' on 'tỉnh Bình Định', the page is at 'Quy Nhơn': the draft "
        "changed; update SCRIPTS in bench/review.py"
    )
    assert page.pressed == ["a"]
