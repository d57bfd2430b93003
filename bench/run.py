"""Measure the builder against the floor on synthetic corpora of growing size.

    python bench/run.py [--sizes 1000 10000 50000] [--work DIR] [--repeat K] [--write-readme]

For each size N: write the corpus (``bench/synth.py``, seed 0), time the two floors (the
independent one, ``bench/floor_independent.py``, which uses none of the builder's code, and
``bench/floor.py``, which uses its tokenizer and models), then with ``--jobs 1`` and with
``--jobs 2``: a full build with an empty cache, a no-change rebuild (over its own output:
nothing to write), the same build into a new folder with the warm cache (every row comes
from the cache and is written), and a rebuild after one document changed (one sentence
appended to a text, its checksum updated). Each step runs in a fresh process; wall time is
measured around it and peak RSS is the largest sum of the resident sizes of the process and
its workers, sampled every 20 ms (at least the kernel's maximum for the main process); the
MiB written are what the kernel counts as written by the process and its workers
(``ru_oublock``), and the load is the machine's one-minute load average when the step
started: on a shared machine, compare the ratios of steps run back to back, and the RSS and
MiB written, which load does not change. With ``--repeat K`` the floor and each full build
run K times: the fastest wall time is kept, the least disturbed by the rest of the machine,
and the largest peak RSS.

Results are kept per size in ``WORK/results-N.json``: a run that stops resumes at the first
size without results (``--again`` measures every size anew). The table is printed as
Markdown and, with ``--write-readme``, written into ``bench/README.md`` between the markers
``<!-- results -->`` and ``<!-- /results -->``. Nothing here fails on a slow number: it
reports.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from dnnd_dataset.freed_memory import freeing_environment

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
BEGIN, END = "<!-- results -->", "<!-- /results -->"
CHANGE = "\n\nCác đại biểu nhất trí thông qua kiến nghị gửi các cơ quan liên quan."


class StepFailed(Exception):
    """A measured command exited with an error (or was killed, say for lack of memory)."""


@dataclass
class Timing:
    seconds: float
    peak_rss_mib: float
    written_mib: float = 0.0
    load: float = 0.0


@dataclass
class Row:
    articles: int
    jobs: int
    full: Timing
    no_change: Timing
    warm: Timing
    one_change: Timing


def _tree_rss_kib(pid: int) -> int:
    """Resident KiB of ``pid`` and all its descendants (0 once it is gone)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as kids:
                    stack += [int(child) for child in kids.read().split()]
        except (OSError, ValueError):
            continue
    return total


def measure(argv: list[str], *, log: Path) -> Timing:
    """Run ``argv``; its wall time and the peak RSS of its process tree. Exits on failure.

    Every command runs with the allocator settings that ``dnnd`` chooses for itself.
    """
    environ = dict(os.environ)
    freeing_environment(environ)
    peak = 0
    load = os.getloadavg()[0]
    with log.open("w", encoding="utf-8") as output:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, env=environ)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.02):
                peak = max(peak, _tree_rss_kib(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        killed = ", killed (out of memory?)" if child.returncode < 0 else ""
        raise StepFailed(
            f"exit {child.returncode}{killed}, running {' '.join(argv)}\n{log.read_text()[-3000:]}"
        )
    return Timing(
        round(elapsed, 2),
        round(max(peak, usage.ru_maxrss) / 1024, 1),
        round(usage.ru_oublock * 512 / 2**20, 1),
        round(load, 2),
    )


def _change_one_document(raw: Path) -> None:
    """Append a sentence to the first text and record its new checksum."""
    text = min((raw / "documents").glob("*.txt"))
    annotation = text.with_suffix(".yaml")
    old = hashlib.sha256(text.read_bytes()).hexdigest()
    with text.open("a", encoding="utf-8", newline="") as file:
        file.write(CHANGE)
    new = hashlib.sha256(text.read_bytes()).hexdigest()
    annotation.write_text(annotation.read_text("utf-8").replace(old, new), "utf-8")


def _restore(raw: Path, pristine: Path) -> None:
    for path in pristine.iterdir():
        shutil.copyfile(path, raw / "documents" / path.name)


def _fastest(runs: list[Timing]) -> Timing:
    """The fastest wall time of a few runs of one step, and the largest peak RSS among them.

    The fastest run is the one least disturbed by the rest of the machine.
    """
    fastest = min(runs, key=lambda run: run.seconds)
    return Timing(
        fastest.seconds, max(run.peak_rss_mib for run in runs), fastest.written_mib, fastest.load
    )


def measure_size(articles: int, work: Path, repeat: int = 1) -> dict[str, Any]:
    folder = work / str(articles)
    raw = folder / "raw"
    marker = folder / "corpus-complete"
    python = sys.executable
    if not marker.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        print(f"N={articles}: writing the corpus", flush=True)
        subprocess.run(
            [python, str(HERE / "synth.py"), "--articles", str(articles), "--out", str(raw)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        marker.write_text("seed 0\n", encoding="utf-8")
    first = min((raw / "documents").glob("*.txt"))
    pristine = folder / "pristine"
    pristine.mkdir(exist_ok=True)
    for path in (first, first.with_suffix(".yaml")):
        if not (pristine / path.name).exists():
            shutil.copyfile(path, pristine / path.name)
    _restore(raw, pristine)  # a run stopped mid-way may have left the changed document

    print(f"N={articles}: independent floor", flush=True)
    independent = _fastest(
        [
            measure(
                [python, str(HERE / "floor_independent.py"), str(raw)],
                log=folder / f"floor-independent-{run}.log",
            )
            for run in range(1, repeat + 1)
        ]
    )
    print(f"N={articles}: floor", flush=True)
    floor = _fastest(
        [
            measure([python, str(HERE / "floor.py"), str(raw)], log=folder / f"floor-{run}.log")
            for run in range(1, repeat + 1)
        ]
    )
    rows = []
    outputs = []
    for jobs in (1, 2):
        cache, out = folder / f"cache-{jobs}", folder / f"out-{jobs}"
        build = [
            python,
            "-m",
            "dnnd_dataset.cli",
            "build",
            "--raw",
            str(raw),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            "--cache",
            str(cache),
        ]
        print(f"N={articles} jobs={jobs}: full build", flush=True)
        runs = []
        for run in range(1, repeat + 1):
            shutil.rmtree(cache, ignore_errors=True)  # a cold cache, and no up-to-date stamp
            runs.append(measure(build, log=folder / f"full-{jobs}-{run}.log"))
        full = _fastest(runs)
        outputs.append(out / "SHA256SUMS")
        print(f"N={articles} jobs={jobs}: no-change rebuild", flush=True)
        no_change = measure(build, log=folder / f"no-change-{jobs}.log")
        print(f"N={articles} jobs={jobs}: no change, into a new folder", flush=True)
        fresh_out = folder / f"out-{jobs}-warm"
        shutil.rmtree(fresh_out, ignore_errors=True)
        elsewhere = [str(fresh_out) if arg == str(out) else arg for arg in build]
        warm = measure(elsewhere, log=folder / f"warm-{jobs}.log")
        shutil.rmtree(fresh_out, ignore_errors=True)
        _change_one_document(raw)
        try:
            print(f"N={articles} jobs={jobs}: one document changed", flush=True)
            one_change = measure(build, log=folder / f"one-change-{jobs}.log")
        finally:
            _restore(raw, pristine)
        rows.append(Row(articles, jobs, full, no_change, warm, one_change))
    # The last build of each saw the same changed corpus: their files must be equal.
    same = outputs[0].read_bytes() == outputs[1].read_bytes()
    return {
        "articles": articles,
        "floor": asdict(floor),
        "independent_floor": asdict(independent),
        "rows": [asdict(row) for row in rows],
        "jobs_outputs_identical": same,
        "repeat": repeat,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
    }


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| N | jobs | wall s | articles/s | peak RSS MiB | × independent floor | × floor.py "
        "| no-change rebuild s | no change, new folder s | one-document change s "
        "| MiB written by it | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        n = result["articles"]
        if "failed" in result:
            reason = result["failed"].split(", running ", 1)[0]
            lines.append(f"| {n} | failed | {reason} | | | | | | | | | |")
            continue
        floor = result["floor"]
        independent = result.get("independent_floor")
        for name, measured in (("independent floor", independent), ("floor.py", floor)):
            if measured is None:
                continue
            lines.append(
                f"| {n} | {name} | {measured['seconds']:.2f} | "
                f"{n / measured['seconds']:.0f} | {measured['peak_rss_mib']:.0f} | | | | | | | "
                f"{measured.get('load', 0):.1f} |"
            )
        for row in result["rows"]:
            full, one = row["full"], row["one_change"]
            versus = f"{full['seconds'] / independent['seconds']:.2f}" if independent else ""
            lines.append(
                f"| {n} | {row['jobs']} | {full['seconds']:.2f} | "
                f"{n / full['seconds']:.0f} | {full['peak_rss_mib']:.0f} | {versus} | "
                f"{full['seconds'] / floor['seconds']:.2f} | "
                f"{row['no_change']['seconds']:.2f} | {row['warm']['seconds']:.2f} | "
                f"{one['seconds']:.2f} | {one.get('written_mib', 0):.1f} | "
                f"{full.get('load', 0):.1f} |"
            )
    return "\n".join(lines) + "\n" + _growth(results)


def _growth(results: list[dict[str, Any]]) -> str:
    """How wall time grows from one size to the next, with one process."""
    done = [r for r in results if "failed" not in r]
    steps = []
    for small, large in pairwise(done):
        ratio = large["rows"][0]["full"]["seconds"] / small["rows"][0]["full"]["seconds"]
        steps.append(f"{large['articles']}/{small['articles']}: {ratio:.2f}")
    if not steps:
        return ""
    return "\nWall-time ratio between sizes (`--jobs 1`): " + ", ".join(steps) + ".\n"


def write_readme(markdown: str, machine: str, repeat: int = 1, readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        sys.exit(f"{readme} lacks the markers {BEGIN} and {END}")
    repeated = (
        f"; the floor and each full build are the fastest of {repeat} runs" if repeat > 1 else ""
    )
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    block = f"{BEGIN}\nMeasured on {machine}{repeated}.\n\n{markdown}{END}"
    readme.write_text(head + block + tail, encoding="utf-8")


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--again", action="store_true", help="measure every size anew")
    parser.add_argument("--write-readme", action="store_true", help="write bench/README.md")
    parser.add_argument(
        "--repeat",
        type=_positive,
        default=1,
        metavar="K",
        help="run the floor and each full build K times and keep the fastest",
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for articles in args.sizes:
        saved = args.work / f"results-{articles}.json"
        if args.again or not saved.is_file():
            try:
                result = measure_size(articles, args.work, args.repeat)
            except StepFailed as failure:
                # Not saved: the next run tries this size again.
                print(f"N={articles}: {failure}", file=sys.stderr)
                results.append({"articles": articles, "failed": str(failure)})
                continue
            saved.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        results.append(json.loads(saved.read_text(encoding="utf-8")))
        if not results[-1]["jobs_outputs_identical"]:
            print(f"N={articles}: --jobs 1 and --jobs 2 wrote different files", file=sys.stderr)
    markdown = table(results)
    print(markdown, end="")
    if args.write_readme:
        machine = next((str(r["machine"]) for r in results if "machine" in r), "this machine")
        repeat = max((int(r.get("repeat", 1)) for r in results), default=1)
        write_readme(markdown, machine, repeat)


if __name__ == "__main__":
    main()
