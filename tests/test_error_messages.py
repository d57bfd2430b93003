"""Errors that lead to the fix: one root cause gives one error, with the words to write."""

from __future__ import annotations

import hashlib
import inspect
import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel

from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.cli import main
from dnnd_dataset.errors import Issue
from dnnd_dataset.reading import raw_models

from .test_invalid_input import CASES, INVALID

DOC0 = "documents/000-129a49d91db6336b"
MEETING = "registry/meetings/hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011.yaml"
PERSON = "registry/persons/hoang-binh-quan.yaml"


def _issues(raw: Path) -> list[Issue]:
    return compile_corpus(raw).report.sorted_issues()


def _located(raw: Path) -> list[tuple[str, int, str, str]]:
    return [
        (str(Path(i.path).relative_to(raw)), i.line, i.code, f"{i.message} (fix: {i.hint})")
        for i in _issues(raw)
    ]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_invalid_date_in_a_meeting_is_one_error(raw_copy: Path) -> None:
    _edit(raw_copy / MEETING, "date: 2011-07-19", "date: 2011-07-32")
    assert [(path, line, code) for path, line, code, _ in _located(raw_copy)] == [
        (MEETING, 5, "invalid-date")
    ]


def test_a_missing_text_is_one_error(raw_copy: Path) -> None:
    (raw_copy / f"{DOC0}.txt").unlink()
    assert _located(raw_copy) == [
        (
            f"{DOC0}.yaml",
            1,
            "missing-file",
            "000-129a49d91db6336b.yaml has no companion 000-129a49d91db6336b.txt "
            "(fix: add 000-129a49d91db6336b.txt beside it, or remove 000-129a49d91db6336b.yaml)",
        )
    ]


def test_an_empty_registry_entry_is_one_error(raw_copy: Path) -> None:
    # Documents and meetings refer to this person: no reference is reported as dangling.
    (raw_copy / PERSON).write_text("", encoding="utf-8")
    assert [(path, line, code) for path, line, code, _ in _located(raw_copy)] == [
        (PERSON, 1, "invalid-value")
    ]


def _line_of(path: Path, words: str) -> int:
    """The line of ``path`` that holds ``words``: golden files may grow above it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    (line,) = [number for number, text in enumerate(lines, 1) if words in text]
    return line


def test_an_unknown_id_gets_the_closest_id(raw_copy: Path) -> None:
    line = _line_of(raw_copy / f"{DOC0}.yaml", "{quote: Hoàng Bình Quân, entity: hoang-binh-quan")
    _edit(
        raw_copy / f"{DOC0}.yaml",
        "{quote: Hoàng Bình Quân, entity: hoang-binh-quan, all: true}",
        "{quote: Hoàng Bình Quân, entity: hoang-binh-quann, all: true}",
    )
    assert _located(raw_copy) == [
        (
            f"{DOC0}.yaml",
            line,
            "dangling-reference",
            "'hoang-binh-quann' is not an id in any registry (fix: did you mean "
            "'hoang-binh-quan'? correct the id, or add its file to a registry "
            "(raw/registry/persons/hoang-binh-quann.yaml, or organizations/, directives/, "
            "meetings/))",
        )
    ]


def test_an_unknown_id_is_looked_up_in_its_registry(raw_copy: Path) -> None:
    _edit(raw_copy / MEETING, "organizers: [ban-bi-thu]", "organizers: [ban-bi-thuu]")
    (issue,) = _issues(raw_copy)
    assert (issue.line, issue.field, issue.hint) == (
        12,
        "organizers[0]",
        "did you mean 'ban-bi-thu'? correct the id, or add it as "
        "raw/registry/organizations/ban-bi-thuu.yaml",
    )


def test_a_quote_not_found_gets_the_words_of_the_text(raw_copy: Path) -> None:
    line = _line_of(raw_copy / f"{DOC0}.yaml", "{quote: Hoàng Bình Quân, entity: hoang-binh-quan")
    _edit(
        raw_copy / f"{DOC0}.yaml",
        "{quote: Hoàng Bình Quân, entity: hoang-binh-quan, all: true}",
        "{quote: Hoàng Binh Quân, entity: hoang-binh-quan, all: true}",
    )
    assert _located(raw_copy) == [
        (
            f"{DOC0}.yaml",
            line,
            "quote-not-found",
            "the quote 'Hoàng Binh Quân' does not occur as a whole word in the text "
            "(fix: did you mean 'Hoàng Bình Quân'? copy the quote from the text file exactly)",
        )
    ]


def test_a_mistyped_quote_finds_the_nearest_words(raw_copy: Path) -> None:
    _edit(
        raw_copy / f"{DOC0}.yaml",
        'evidence: {quote: "Hoàng Bình Quân, Ủy viên BCH TW Đảng"}',
        'evidence: {quote: "Hoàng Bình Quân, Uỷ viên BCH TƯ Đảng"}',
    )
    (issue,) = _issues(raw_copy)
    assert issue.hint == (
        "did you mean 'Hoàng Bình Quân, Ủy viên BCH TW Đảng'? "
        "copy the quote from the text file exactly"
    )


def test_a_quote_with_nothing_close_gets_no_guess(raw_copy: Path) -> None:
    _edit(
        raw_copy / f"{DOC0}.yaml",
        "  - {quote: Hoàng Bình Quân, entity: hoang-binh-quan, all: true}\n",
        "  - {quote: Hoàng Bình Quân, entity: hoang-binh-quan, all: true}\n"
        "  - {quote: Quảng Ngãi, label: LOCATION}\n",
    )
    (issue,) = _issues(raw_copy)
    assert (issue.code, issue.hint) == (
        "quote-not-found",
        "copy the quote from the text file exactly",
    )


def test_an_empty_document_file(raw_copy: Path) -> None:
    (raw_copy / f"{DOC0}.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert _located(raw_copy) == [
        (
            f"{DOC0}.yaml",
            1,
            "invalid-value",
            "the file is empty (fix: write the annotation of one article into it, as "
            "'key: value' lines (the schema lists the keys))",
        )
    ]


def test_a_document_file_that_is_a_list(raw_copy: Path) -> None:
    (raw_copy / f"{DOC0}.yaml").write_text("- article_id: x\n- title: y\n", encoding="utf-8")
    assert _located(raw_copy) == [
        (
            f"{DOC0}.yaml",
            1,
            "invalid-value",
            "the file holds a list, where a mapping of keys to values belongs (fix: write the "
            "annotation of one article: 'key: value' lines at the top level, not '- ' items)",
        )
    ]


def test_a_missing_sha256_gets_the_value_to_write(raw_copy: Path) -> None:
    path = raw_copy / f"{DOC0}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith("sha256:")), encoding="utf-8")
    actual = hashlib.sha256((raw_copy / f"{DOC0}.txt").read_bytes()).hexdigest()
    assert _located(raw_copy) == [
        (
            f"{DOC0}.yaml",
            1,
            "missing-key",
            f"the key 'sha256' is required (fix: add 'sha256: {actual}', the SHA-256 of "
            f"{raw_copy / DOC0}.txt as it is now (after checking that the text is the source "
            "as received))",
        )
    ]


def test_check_without_a_raw_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert capsys.readouterr().err == (
        f"raw:1: missing-file: the raw folder 'raw' does not exist (looked for in {tmp_path}) "
        "(fix: run the command in the folder that holds raw/ (a checkout of dnnd-dataset), "
        "or name the folder with --raw PATH)\n"
        "1 problem(s) found.\n"
    )


MODEL_NAMES = sorted(
    name
    for name, value in vars(raw_models).items()
    if inspect.isclass(value) and issubclass(value, BaseModel)
)


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_no_model_class_name_in_any_message(fixture: str, raw_copy: Path) -> None:
    target, _ = CASES[fixture]
    shutil.copyfile(INVALID / fixture, raw_copy / target)
    for issue in _issues(raw_copy):
        text = issue.format()
        assert not [name for name in MODEL_NAMES if name in text], text


def test_a_mapping_in_the_wrong_shape_is_said_in_yaml_words(raw_copy: Path) -> None:
    line = _line_of(raw_copy / f"{DOC0}.yaml", "{quote: Hoàng Bình Quân, entity: hoang-binh-quan")
    _edit(
        raw_copy / f"{DOC0}.yaml",
        "  - {quote: Hoàng Bình Quân, entity: hoang-binh-quan, all: true}",
        "  - Hoàng Bình Quân",
    )
    assert _located(raw_copy) == [
        (
            f"{DOC0}.yaml",
            line,
            "invalid-value",
            "expected a mapping of keys to values, got the text 'Hoàng Bình Quân' "
            "(fix: use a value the schema allows)",
        )
    ]
