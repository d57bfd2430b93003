"""A contributor adds new articles, from a saved text to a checked, built corpus.

For each article of ``bench/contribute/`` (``NAME.txt``, written for this benchmark and not in
the corpus) in a copy of the checkout: ``dnnd add``, the reviewer's edits of
``NAME.edits.yaml`` to the draft, ``dnnd accept``, ``dnnd check``; then one build with
``python build.py`` (the package data included), ``dnnd verify``, and, with ``--tests``, the
tests that pin the golden documents and the package data. It reports the hand edits each
article needed and the wall time of each step.

An edit is one decision of the reviewer: deleting a ``proposed: true`` mark (accepting the
item), or one replacement in the draft (correcting a value, deleting a proposal or an item,
adding an item). ``NAME.edits.yaml`` lists the replacements, ``{old: ..., new: ...}``, each
applied to exactly one place; every mark left after them is deleted and counted.

    python bench/contribute.py [--tests] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "bench" / "contribute"
MARKS = ("\n  proposed: true", ", proposed: true}")


def names() -> list[str]:
    return sorted(path.stem for path in ARTICLES.glob("*.txt"))


def review(draft: Path, edits: list[dict[str, str]]) -> int:
    """Apply the reviewer's ``edits`` to ``draft``, then delete every mark; the edits made."""
    text = draft.read_text(encoding="utf-8")
    for edit in edits:
        # The article's id is known only once it is added.
        old, new = (edit[key].replace("ARTICLE", draft.stem) for key in ("old", "new"))
        if text.count(old) != 1:
            raise SystemExit(
                f"{draft.name}: an edit's old text occurs {text.count(old)} times: {old!r}"
            )
        text = text.replace(old, new)
    marks = sum(text.count(mark) for mark in MARKS)
    for mark in MARKS:
        text = text.replace(mark, "}" if mark.endswith("}") else "")
    draft.write_text(text, encoding="utf-8")
    return len(edits) + marks


def _run(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    environment = {**os.environ, "PYTHONPATH": str(cwd), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        argv, cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started


def _copy_checkout(work: Path) -> None:
    """The files git tracks in the checkout, as a clean clone holds them."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)


def contribute(work: Path, *, tests: bool) -> dict[str, Any]:
    """Add every article of the benchmark to a copy of the checkout in ``work``; with
    ``tests``, run the whole suite there after the build (the fuzzer and browser aside)."""
    _copy_checkout(work)
    dnnd = [sys.executable, "-m", "dnnd_dataset"]
    articles: dict[str, Any] = {}
    for name in names():
        before = set((work / "raw" / "documents").glob("*.yaml"))
        seconds = {"add": _run([*dnnd, "add", str(ARTICLES / f"{name}.txt")], work)}
        (draft,) = set((work / "raw" / "documents").glob("*.yaml")) - before
        edits = yaml.safe_load((ARTICLES / f"{name}.edits.yaml").read_text(encoding="utf-8"))
        hand = review(draft, edits or [])
        seconds["accept"] = _run([*dnnd, "accept", draft.stem], work)
        seconds["check"] = _run([*dnnd, "check", "--no-cache"], work)
        articles[name] = {"article_id": draft.stem, "hand_edits": hand, "seconds": seconds}
    totals = {
        "build": _run([sys.executable, "build.py", "--no-cache"], work),
        "verify": _run([*dnnd, "verify", "dataset"], work),
    }
    if tests:
        suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"]
        ignored = ["--ignore=tests/test_fuzz.py", "--ignore=tests/test_explorer_browser.py"]
        totals["tests"] = _run([*suite, *ignored], work)
    return {"articles": articles, "seconds": totals}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", action="store_true", help="also run the test suite")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        result = contribute(Path(folder), tests=args.tests)
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return 0
    print("| article | hand edits | add s | accept s | check s |")
    print("|---|---:|---:|---:|---:|")
    for name, row in result["articles"].items():
        step = row["seconds"]
        times = " | ".join(f"{step[what]:.2f}" for what in ("add", "accept", "check"))
        print(f"| {name} | {row['hand_edits']} | {times} |")
    print()
    print(", ".join(f"{step} {seconds:.2f} s" for step, seconds in result["seconds"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
