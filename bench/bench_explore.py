"""How long ``dnnd explore`` takes on an output folder, and how large its pages are.

Reads the tables of OUT (an output folder of ``dnnd build``, for instance one built from the
synthetic corpus of ``bench/synth.py``), writes the site to a temporary folder, and reports
the time spent reading the tables, the time spent writing the site, the number of pages, the
total size, and the largest pages against the 1 MB target. This script reports; it does not
fail.

    python bench/bench_explore.py OUT [--keep SITE]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from dnnd_dataset.explorer.site import write_site
from dnnd_dataset.library.navigation import corpus

PAGE_TARGET = 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="an output folder of dnnd build")
    parser.add_argument("--keep", type=Path, default=None, help="write the site here and keep it")
    args = parser.parse_args()

    started = time.perf_counter()
    loaded = corpus(args.out)
    read = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as scratch:
        site = args.keep or Path(scratch) / "site"
        started = time.perf_counter()
        summary = write_site(loaded, site)
        written = time.perf_counter() - started
        pages = sorted(
            ((p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")),
            reverse=True,
        )
    print(f"corpus: {loaded!r}")
    print(f"read the tables: {read:.1f} s")
    print(f"wrote the site: {written:.1f} s ({read + written:.1f} s in all)")
    print(f"pages: {summary.pages}, files: {summary.files}, bytes: {summary.total_bytes:,}")
    over = [page for page in pages if page[0] >= PAGE_TARGET]
    print(f"pages of 1 MB or more: {len(over)}")
    for size, name in pages[:5]:
        print(f"  {size:>10,}  {name}")


if __name__ == "__main__":
    main()
