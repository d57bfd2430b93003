"""The benchmark corpus builds without errors and is the same for a seed; the floor runs on it;
the one-pass name search finds exactly what a search name by name finds."""

from __future__ import annotations

from pathlib import Path

import ahocorasick
from hypothesis import given
from hypothesis import strategies as st

from bench import floor, synth
from dnnd_dataset.checking.compiler import compile_corpus, find_names
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
