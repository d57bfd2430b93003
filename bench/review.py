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

# Each step: (what, target, value). "key": a key press, on the item whose words in the list
# are the value (the script stops when the draft holds another item there); "click": a click
# on a selector; "select": the words selected in the text; "fill": a field typed in;
# "choose": an option picked or a box ticked.
Step = tuple[str, str, str]
SCRIPTS: dict[str, list[Step]] = {
    "binh-dinh": [
        ("key", "a", "Tổng kết công tác đối ngoại nhân dân năm 2023 tại Bình Định"),
        # The draft marks one 'Bình Định'; the reviewer marks every one, below.
        ("key", "x", "Bình Định"),
        ("key", "a", "Quy Nhơn"),
        ("key", "x", "tỉnh Bình Định"),  # within the organizing body's name
        ("choose", "#organization-kind", "mass_organization"),
        ("click", "#accept", ""),  # Liên hiệp các tổ chức hữu nghị tỉnh Bình Định
        (
            "key",
            "a",
            "Hội nghị tổng kết công tác đối ngoại nhân dân năm 2023, triển khai nhiệm vụ năm 2024",
        ),
        ("key", "a", "Trần Văn Hải"),
        ("key", "a", "Hoàng Yến"),
        ("select", "Bình Định", ""),
        ("choose", "#add-all", "check"),
        ("choose", "#add-label", "LOCATION"),
        ("click", "#add-mention", ""),
    ],
    "nhat-viet": [
        ("key", "a", "Tiếp đoàn Hội Hữu nghị Nhật - Việt"),
        ("key", "a", "Ảnh: Quốc Trần"),
        ("key", "a", "Hà Nội"),
        ("key", "a", "Việt Nam"),
        ("choose", "#organization-kind", "international_organization"),
        ("click", "#accept", ""),  # Hội Hữu nghị Nhật - Việt
        ("key", "a", "Nguyễn Thị Mai"),
        ("key", "a", "Tanaka Hiroshi"),
        ("key", "x", "Chiều 5/9/2023"),  # a visit's date: no meeting of the corpus to hold it
    ],
    "quan-triet": [
        ("key", "a", "Quán triệt Kết luận 73 của Bộ Chính trị"),
        ("key", "a", "Minh Anh"),  # the byline
        ("key", "a", "Hà Nội"),
        (
            "key",
            "a",
            "Hội nghị quán triệt Kết luận 73 của Bộ Chính trị về tăng cường quan hệ đối ngoại "
            "của Đảng trong tình hình mới",
        ),
        ("key", "a", "Lý Văn Thành"),
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
        current = page.text_content("#items li.current .words")
        if current != value:
            raise SystemExit(
                f"the script presses {target!r} on {value!r}, the page is at {current!r}: "
                "the draft changed; update SCRIPTS in bench/review.py"
            )
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
