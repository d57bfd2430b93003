"""Work bounded by the size of the input: caps on names and quotes, a budget for suggestions.

Each test counts what the code does, never how long it takes: a name of thousands of
characters is refused before any text is matched against it, and a quote missing from a
long text is compared with a bounded number of its windows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pytest

from dnnd_dataset import suggestions
from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.drafting.adding import add_article
from dnnd_dataset.errors import InvalidCorpusError
from dnnd_dataset.reading.raw_models import NAME_MAX, QUOTE_MAX

# A repetitive name: matching it walks the automaton's failure chain at every character.
LONG_NAME = "Hà " * 2_000 + "Hà"
PERSON = "registry/persons/ha-ha.yaml"


def _long_named_person(raw: Path) -> None:
    (raw / PERSON).write_text(
        f"id: ha-ha\nname: Hà Hà\nother_names:\n  - {LONG_NAME}\n", encoding="utf-8"
    )
    text = raw / "documents" / "003-cb987c258479b677.txt"
    with text.open("a", encoding="utf-8") as stream:
        stream.write("\n\n" + LONG_NAME + "\n")
    annotation = text.with_suffix(".yaml")
    digest = hashlib.sha256(text.read_bytes()).hexdigest()
    content = annotation.read_text(encoding="utf-8")
    old = content.split("sha256: ", 1)[1][:64]
    annotation.write_text(content.replace(old, digest), encoding="utf-8")


def test_a_name_over_the_cap_is_a_located_error(raw_copy: Path) -> None:
    _long_named_person(raw_copy)
    issues = compile_corpus(raw_copy).report.sorted_issues()
    assert [(issue.path, issue.line, issue.code, issue.field) for issue in issues] == [
        (str(raw_copy / PERSON), 4, "too-long", "other_names[0]")
    ]
    shown = repr(LONG_NAME)[:56]
    assert issues[0].message == f"6002 characters, more than the 300 allowed; got {shown} ..."
    assert issues[0].hint == (
        "shorten it: a name has at most 300 characters; a quote, prefix or suffix at most "
        "2,000 (quote the words that matter, narrowed by a prefix or suffix)"
    )


def test_dnnd_add_refuses_registries_with_a_name_over_the_cap(
    raw_copy: Path, tmp_path: Path
) -> None:
    _long_named_person(raw_copy)
    text_file = tmp_path / "bai.txt"
    text_file.write_text(f"Bài mới\n{LONG_NAME}\n", encoding="utf-8")
    with pytest.raises(InvalidCorpusError) as caught:
        add_article(raw_copy, text_file)
    assert [(i.line, i.code) for i in caught.value.report.issues] == [(4, "too-long")]


def test_the_caps_hold_for_every_name_and_quote_of_the_corpus() -> None:
    assert (NAME_MAX, QUOTE_MAX) == (300, 2_000)


def _words(count: int) -> str:
    return " ".join(f"từ{i}" for i in range(count))


def _count_compared(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The characters of the windows handed to the comparison, per search."""
    compared: list[int] = []
    real = suggestions.closest

    def counting(value: str, candidates: Iterable[str]) -> str | None:
        windows = list(candidates)
        compared.append(sum(len(window) for window in windows))
        return real(value, windows)

    monkeypatch.setattr(suggestions, "closest", counting)
    return compared


def test_a_long_missing_quote_compares_a_bounded_number_of_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _words(60_000)  # about 480 KB
    quote = "không có " * 222  # 1,998 characters, nowhere in the text
    compared = _count_compared(monkeypatch)
    assert suggestions.closest_passage(quote, text) is None
    assert len(compared) == 1 and compared[0] <= suggestions.BUDGET


def test_windows_of_long_words_stop_at_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    text = " ".join(f"{i:05d}" + "x" * 2_000 for i in range(1_000))  # 2 MB of long words
    quote = "y " * 999 + "y"  # 1,000 words: each window spans 2 MB
    compared = _count_compared(monkeypatch)
    assert suggestions.closest_passage(quote, text) is None
    assert compared == [0]


def test_a_typo_in_a_long_quote_still_finds_its_passage_in_a_long_text() -> None:
    passage = _words(700)[-1_500:].split(" ", 1)[1]
    text = _words(30_000) + " " + passage + " " + _words(5_000)
    typo = passage.replace("từ650", "tù650")
    assert len(passage) > suggestions.BUDGET // 1_000
    assert suggestions.closest_passage(typo, text) == passage
