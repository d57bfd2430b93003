"""The benchmark corpus builds without errors and is the same for a seed; the floor runs on it;
the one-pass name search finds exactly what a search name by name finds."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

import ahocorasick
from hypothesis import given
from hypothesis import strategies as st

from bench import floor, floor_independent, run, synth
from dnnd_dataset.checking.coverage import find_names
from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.textnorm import at_word_boundaries

from .conftest import snapshot


def test_synthetic_corpus_builds_without_errors(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    synth.write_corpus(raw, 60, seed=3)
    result = compile_corpus(raw)
    assert result.report.format() == ""
    counts = {name: len(rows) for name, rows in result.tables.items()}
    # N/10 = 6 of each registry (two organizations more: the party and the issuer).
    assert counts["articles"] == 60
    assert (counts["persons"], counts["meetings"], counts["directives"]) == (6, 6, 6)
    assert counts["organizations"] == 8
    assert all(meeting.participants for meeting in result.tables["meetings"])  # type: ignore[attr-defined]
    labels = {mention.label for mention in result.tables["mentions"]}  # type: ignore[attr-defined]
    assert labels == {"PERSON", "ORGANIZATION", "DIRECTIVE", "MEETING", "LOCATION"}
    assert counts["mentions"] >= 20 * 60
    texts = [article.text for article in result.tables["articles"]]  # type: ignore[attr-defined]
    assert all(4_000 <= len(text) <= 8_000 for text in texts)
    assert all("\u00d0ảng" in text for text in texts)


def test_synthetic_corpus_is_the_same_for_a_seed(tmp_path: Path) -> None:
    synth.write_corpus(tmp_path / "a" / "raw", 12, seed=7)
    synth.write_corpus(tmp_path / "b" / "raw", 12, seed=7)
    synth.write_corpus(tmp_path / "c" / "raw", 12, seed=8)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "c")


def test_the_independent_floor_uses_none_of_the_builders_code(tmp_path: Path) -> None:
    source = Path(floor_independent.__file__).read_text(encoding="utf-8")
    imported = {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
    }
    assert not [name for name in imported if name.startswith(("dnnd_dataset", "bench"))]
    synth.write_corpus(tmp_path / "raw", 20)
    (tmp_path / "floor").mkdir()
    counts = floor_independent.floor(tmp_path / "raw", tmp_path / "floor")
    assert counts["articles"] == 20
    assert counts["mentions"] > 20 * 10
    assert sorted(path.name for path in (tmp_path / "floor").iterdir()) == sorted(
        f"{name}.parquet" for name in counts
    )


def test_floor_writes_every_table(tmp_path: Path) -> None:
    synth.write_corpus(tmp_path / "raw", 20)
    counts = floor.floor(tmp_path / "raw", tmp_path / "floor")
    assert counts["articles"] == 20
    assert (counts["persons"], counts["organizations"]) == (4, 6)
    assert sorted(path.name for path in (tmp_path / "floor").iterdir()) == sorted(
        f"{name}.parquet" for name in counts
    )


def _naive(names: dict[str, str], text: str) -> list[tuple[int, int, str]]:
    found: dict[tuple[int, int], str] = {}
    for name, entity_id in sorted(names.items()):
        start = text.find(name)
        while start != -1:
            end = start + len(name)
            if at_word_boundaries(text, start, end):
                found.setdefault((start, end), entity_id)
            start = text.find(name, start + 1)
    return sorted((start, end, entity_id) for (start, end), entity_id in found.items())


@given(
    st.dictionaries(
        st.text(alphabet="ab Đđ", min_size=1, max_size=4), st.sampled_from(["x", "y"]), max_size=5
    ),
    st.text(alphabet="ab Đđ.", max_size=30),
)
def test_one_pass_search_finds_what_a_search_per_name_finds(
    names: dict[str, str], text: str
) -> None:
    automaton = ahocorasick.Automaton()
    for name, entity_id in names.items():
        automaton.add_word(name, (len(name), entity_id))
    if names:
        automaton.make_automaton()
    assert find_names(automaton, text) == _naive(names, text)


def test_run_measures_a_process_and_writes_the_table(tmp_path: Path) -> None:
    timing = run.measure(
        [sys.executable, "-c", "import time; b = bytearray(64 << 20); time.sleep(0.3)"],
        log=tmp_path / "log",
    )
    assert timing.seconds >= 0.3
    assert timing.peak_rss_mib >= 64
    result: dict[str, Any] = {
        "articles": 1000,
        "floor": {"seconds": 4.0, "peak_rss_mib": 100.0},
        "independent_floor": {"seconds": 2.5, "peak_rss_mib": 90.0, "load": 1.5},
        "rows": [
            {
                "jobs": jobs,
                "full": {"seconds": seconds, "peak_rss_mib": 250.4, "load": 2.0},
                "no_change": {"seconds": 0.5, "peak_rss_mib": 1.0},
                "warm": {"seconds": 2.25, "peak_rss_mib": 1.0},
                "one_change": {"seconds": 0.75, "peak_rss_mib": 1.0, "written_mib": 3.25},
            }
            for jobs, seconds in ((1, 5.0), (2, 3.2))
        ],
    }
    markdown = run.table([result])
    assert markdown.splitlines()[2:] == [
        "| 1000 | independent floor | 2.50 | 400 | 90 | | | | | | | 1.5 |",
        "| 1000 | floor.py | 4.00 | 250 | 100 | | | | | | | 0.0 |",
        "| 1000 | 1 | 5.00 | 200 | 250 | 2.00 | 1.25 | 0.50 | 2.25 | 0.75 | 3.2 | 2.0 |",
        "| 1000 | 2 | 3.20 | 312 | 250 | 1.28 | 0.80 | 0.50 | 2.25 | 0.75 | 3.2 | 2.0 |",
    ]
    failed = {"articles": 50000, "failed": "exit -9, killed (out of memory?), running x\nlog"}
    assert run.table([result, failed]).splitlines()[-1] == (
        "| 50000 | failed | exit -9, killed (out of memory?) | | | | | | | | | |"
    )
    later = {
        **result,
        "articles": 10000,
        "rows": [{**row, "full": {"seconds": 40.0, "peak_rss_mib": 1.0}} for row in result["rows"]],
    }
    assert run.table([result, later]).endswith(
        "\nWall-time ratio between sizes (`--jobs 1`): 10000/1000: 8.00.\n"
    )
    readme = tmp_path / "README.md"
    readme.write_text(f"# B\n\n{run.BEGIN}\nold\n{run.END}\nafter\n", encoding="utf-8")
    run.write_readme(markdown, "a machine", readme=readme)
    assert readme.read_text(encoding="utf-8") == (
        f"# B\n\n{run.BEGIN}\nMeasured on a machine.\n\n{markdown}{run.END}\nafter\n"
    )
