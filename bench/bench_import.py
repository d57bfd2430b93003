"""How much ``import dnnd_dataset`` costs, against ``import pydantic``.

Each statement runs in a fresh interpreter that times it with ``time.perf_counter`` around the
statement alone (interpreter start-up excluded), after one warm-up run that leaves the bytecode
caches written. The median of ``--runs`` runs is reported, with the ratio of the package import
to the pydantic import (target: at most 1.5). The last rows show what the lazy names cost when
first touched. This script reports; it does not fail.

    python bench/bench_import.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5

PACKAGE = "import dnnd_dataset"
BASELINE = "import pydantic"
EXTRA = {
    "the record models (pydantic builds them)": "import dnnd_dataset; dnnd_dataset.Person",
    "the loaders and navigation": "import dnnd_dataset; dnnd_dataset.corpus",
    "what load(), table() and dataset() need": "import dnnd_dataset.library.api, pyarrow, datasets",
}

TIMER = "import time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)"


def run_once(statement: str) -> float:
    """Seconds the statement takes in a fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-c", TIMER.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return float(completed.stdout)


def median_ms(statement: str, runs: int) -> float:
    run_once(statement)  # warm-up: writes __pycache__ so every counted run reads bytecode
    return 1000 * statistics.median(run_once(statement) for _ in range(runs))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per statement (default 15)")
    args = parser.parse_args(argv)

    package = median_ms(PACKAGE, args.runs)
    baseline = median_ms(BASELINE, args.runs)
    ratio = package / baseline
    print(f"median of {args.runs} fresh interpreters, Python {sys.version.split()[0]}")
    print(f"{PACKAGE:<70} {package:8.2f} ms")
    print(f"{BASELINE:<70} {baseline:8.2f} ms")
    verdict = "within" if ratio <= TARGET_RATIO else "ABOVE"
    print(f"ratio {ratio:.3f} ({verdict} the target of {TARGET_RATIO})")
    print("first use of the lazy names:")
    for label, statement in EXTRA.items():
        print(f"  {label:<68} {median_ms(statement, args.runs):8.2f} ms")


if __name__ == "__main__":
    main()
