"""The contributor benchmark's three articles reviewed in the browser, by a scripted session.

For each article of ``bench/contribute/``, in a copy of the checkout: ``dnnd add``, then
``dnnd review`` with headless Chromium (Debian's, driven by Playwright) doing what a reviewer
does in the page, one action at a time, until Save answers that the checks pass; then one
``dnnd check``, a build and ``dnnd verify`` of the grown corpus. It reports the actions each
article took (a key, a click, a text selection, a field filled or a choice made) and the
seconds from the page being ready to a saved annotation that checks.

The scripts reach the registry entries and mentions of ``NAME.edits.yaml`` (the hand review
of ``bench/contribute.py``); the byline roles and the positions those edits also add are
not items of the page and are left out here.

    python bench/review.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.contribute import ARTICLES, _copy_checkout, _run, names

# Each step: (what, target, value). "key": a key press; "click": a click on a selector;
# "select": the words selected in the text; "fill": a field typed in; "choose": an option
# picked or a box ticked.
Step = tuple[str, str, str]
SCRIPTS: dict[str, list[Step]] = {
    "binh-dinh": [
        ("key", "a", ""),  # the title
        ("key", "a", ""),  # Bình Định
        ("key", "a", ""),  # Quy Nhơn
        # The organizing body, which the draft does not know.
        ("select", "Liên hiệp các tổ chức hữu nghị tỉnh Bình Định", ""),
        ("choose", "#add-all", "check"),
        ("choose", "#add-label", "organization"),
        ("click", "#add-mention", ""),
        ("choose", "#organization-kind", "mass_organization"),
        ("click", "#items li[data-item='proposals.0']", ""),
        ("fill", "#meeting-organizers", "lien-hiep-cac-to-chuc-huu-nghi-tinh-binh-dinh"),
        # The chair also speaks, two sentences later.
        ("select", "Phát biểu tại Hội nghị, đồng chí Trần Văn Hải", ""),
        ("click", "#participant-evidence-0", ""),
        ("choose", "#role-0-1-speaker", "check"),
        ("click", "#accept", ""),  # the meeting
        ("key", "a", ""),  # Trần Văn Hải
        ("key", "a", ""),  # Hoàng Yến
    ],
    "nhat-viet": [
        ("key", "a", ""),  # the title
        ("key", "a", ""),  # the photo credit
        ("key", "a", ""),  # Hà Nội
        ("key", "a", ""),  # Việt Nam
        # The draft cuts the name at " - ".
        ("select", "Hội Hữu nghị Nhật - Việt", ""),
        ("click", "#set-span", ""),
        ("choose", "#organization-kind", "international_organization"),
        ("click", "#accept", ""),
        ("key", "a", ""),  # Nguyễn Thị Mai
        ("key", "x", ""),  # a visit's date: no meeting of the corpus to hold it
        # A Japanese name that the draft does not find.
        ("select", "Tanaka Hiroshi", ""),
        ("choose", "#add-label", "person"),
        ("click", "#add-mention", ""),
    ],
    "quan-triet": [
        ("key", "a", ""),  # the title
        ("key", "a", ""),  # the byline
        ("key", "a", ""),  # Hà Nội
        # "Hơn 100 đại biểu": more than 100, attending this conference.
        ("fill", "#meeting-attendance", "100"),
        ("choose", "#meeting-attendance-qualifier", "more_than"),
        ("select", "Hơn 100 đại biểu đến từ các bộ, ban, ngành dự Hội nghị", ""),
        ("click", "#meeting-evidence", ""),
        ("choose", "#supports-1-attendance", "check"),
        ("click", "#accept", ""),  # the meeting
        ("key", "a", ""),  # Lý Văn Thành
        ("key", "x", ""),  # the attendance proposal, now in the meeting
    ],
}
# Selects words of the article text as a mouse drag does, then releases the button.
SELECT = """words => {
  const box = document.getElementById("text");
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let all = "";
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, all.length]);
    all += walker.currentNode.data;
  }
  const start = all.indexOf(words), end = start + words.length;
  const at = offset => {
    for (const [node, from] of nodes) {
      if (offset <= from + node.data.length) { return [node, offset - from]; }
    }
  };
  const range = document.createRange();
  range.setStart(...at(start));
  range.setEnd(...at(end));
  window.getSelection().removeAllRanges();
  window.getSelection().addRange(range);
  box.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
}"""
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def _act(page: Any, step: Step) -> None:
    what, target, value = step
    if what == "key":
        page.keyboard.press(target)
    elif what == "click":
        page.click(target)
    elif what == "select":
        page.evaluate(SELECT, target)
    elif what == "fill":
        page.fill(target, value)
        page.dispatch_event(target, "change")
    elif what == "choose" and value == "check":
        page.check(target)
    elif what == "choose":
        page.select_option(target, value)
    else:
        raise ValueError(f"unknown step {what!r}")


def _review(browser: Any, work: Path, stem: str, script: list[Step]) -> dict[str, Any]:
    environment = {**os.environ, "PYTHONPATH": str(work), "PYTHONIOENCODING": "utf-8"}
    server = subprocess.Popen(
        [sys.executable, "-m", "dnnd_dataset", "review", stem, "--no-browser"],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        env=environment,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split(" at ", 1)[1].strip()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("body[data-ready=yes]")
        started = time.perf_counter()
        for step in script:
            _act(page, step)
        page.click("#save")
        page.wait_for_selector("body[data-saving=done]")
        seconds = time.perf_counter() - started
        verdict = page.text_content("#problems h2")
        problems = page.text_content("#problems ul")
        context.close()
        if verdict != "Saved; the checks pass":
            raise SystemExit(f"{stem}: {verdict}: {problems}")
        keys = sum(1 for step in script if step[0] == "key")
        return {"actions": len(script) + 1, "keys": keys, "seconds": seconds}
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


def benchmark(work: Path, browser: Any = None) -> dict[str, Any]:
    """Review the three articles in a copy of the checkout in ``work``, with ``browser`` (a
    Playwright browser) or Debian's Chromium."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        executable = os.environ.get("DNND_CHROMIUM") or shutil.which("chromium")
        if executable is None:
            raise SystemExit("no Chromium: install Debian's chromium package")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_FLAGS
            )
            try:
                return benchmark(work, launched)
            finally:
                launched.close()
    _copy_checkout(work)
    dnnd = [sys.executable, "-m", "dnnd_dataset"]
    articles: dict[str, Any] = {}
    for name in names():
        before = set((work / "raw" / "documents").glob("*.yaml"))
        _run([*dnnd, "add", str(ARTICLES / f"{name}.txt")], work)
        (draft,) = set((work / "raw" / "documents").glob("*.yaml")) - before
        articles[name] = _review(browser, work, draft.stem, SCRIPTS[name])
    totals = {
        "check": _run([*dnnd, "check", "--no-cache"], work),
        "build": _run([sys.executable, "build.py", "--no-cache"], work),
        "verify": _run([*dnnd, "verify", "dataset"], work),
    }
    return {"articles": articles, "seconds": totals}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        result = benchmark(Path(folder))
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return 0
    print("| article | actions | of them keys | seconds to a valid annotation |")
    print("|---|---:|---:|---:|")
    for name, row in result["articles"].items():
        print(f"| {name} | {row['actions']} | {row['keys']} | {row['seconds']:.2f} |")
    print()
    print(", ".join(f"{step} {seconds:.2f} s" for step, seconds in result["seconds"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
