"""How the check scales with many occurrences of one name in one text (hostile input).

A copy of ``raw/`` gets N occurrences of a name appended to one text, either all covered by
its ``all: true`` mention or none covered (then each is an ``unmentioned-name`` issue), and
``compile_corpus`` is timed for each N. Linear work shows as a roughly constant time per
occurrence; pairwise span comparisons showed as a time per occurrence growing with N. This
script reports; it does not fail.

    python bench/bench_flood.py [--sizes 4000 8000 16000 32000]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dnnd_dataset.checking.pipeline import compile_corpus  # noqa: E402

DOCUMENT = "documents/000-129a49d91db6336b"
NAME = "Trương Tấn Sang"
ALL = f"{{quote: {NAME}, entity: truong-tan-sang, all: true}}"


def flooded_raw(folder: Path, copies: int, *, covered: bool) -> Path:
    raw = folder / "raw"
    shutil.copytree(ROOT / "raw", raw)
    text_path = raw / f"{DOCUMENT}.txt"
    text = text_path.read_text(encoding="utf-8") + "\n" + f"{NAME}, " * copies
    text_path.write_text(text, encoding="utf-8")
    yaml_path = raw / f"{DOCUMENT}.yaml"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    annotation = re.sub(
        r"sha256: [0-9a-f]{64}", f"sha256: {digest}", yaml_path.read_text(encoding="utf-8")
    )
    if not covered:
        annotation = annotation.replace(ALL, ALL.replace("all: true", "occurrence: 1"))
    yaml_path.write_text(annotation, encoding="utf-8")
    return raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4000, 8000, 16000, 32000])
    args = parser.parse_args()
    print(f"{'occurrences':>11} {'covered':>8} {'seconds':>8} {'us/occurrence':>14} issues")
    for covered in (True, False):
        for size in args.sizes:
            with tempfile.TemporaryDirectory() as folder:
                raw = flooded_raw(Path(folder), size, covered=covered)
                started = time.perf_counter()
                result = compile_corpus(raw)
                seconds = time.perf_counter() - started
            per = seconds / size * 1e6
            issues = len(result.report.issues)
            print(f"{size:>11} {covered!s:>8} {seconds:>8.2f} {per:>14.1f} {issues}")


if __name__ == "__main__":
    main()
