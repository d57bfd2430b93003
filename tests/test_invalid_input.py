"""Every defect of tests/data/invalid/, each asserted with its exact (file, line, code)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.reading import rawio

from .golden import outside_golden

INVALID = Path(__file__).parent / "data" / "invalid"
DOC = "documents/003-cb987c258479b677.yaml"
TXT = "documents/003-cb987c258479b677.txt"
ORG_HCM = "registry/organizations/ho-chi-minh.yaml"
DIRECTIVE_04 = "registry/directives/chi-thi-04-ct-tw-khoa-xi.yaml"
DIRECTIVE_12 = "registry/directives/chi-thi-12-ct-tw-ban-bi-thu.yaml"
ORG_BDN = "registry/organizations/ban-doi-ngoai-trung-uong.yaml"
KL73 = "registry/directives/ket-luan-73-bo-chinh-tri.yaml"
MEETING_2011 = "registry/meetings/hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011.yaml"
NQ_TW6 = "registry/directives/nghi-quyet-trung-uong-6-khoa-xii.yaml"
DOC_004 = "documents/004-09a4b5f42719a47d.yaml"

# fixture file -> (the raw file it replaces, the exact issues as (file, line, code))
CASES: dict[str, tuple[str, list[tuple[str, int, str]]]] = {
    "unknown-key.yaml": (DOC, [(DOC, 17, "unknown-key")]),
    "missing-key.yaml": (DOC, [(DOC, 1, "missing-key")]),
    "quote-not-found.yaml": (DOC, [(DOC, 6, "quote-not-found")]),
    # A mention that fails is one error: the names it was meant to cover are not reported again.
    "ambiguous-quote.yaml": (DOC, [(DOC, 36, "ambiguous-quote")]),
    "dangling-reference.yaml": (DOC, [(DOC, 32, "dangling-reference")]),
    "invalid-date.yaml": (DOC, [(DOC, 16, "invalid-date")]),
    "date-out-of-range.yaml": (DOC, [(DOC, 16, "date-out-of-range")]),
    "duplicate-key.yaml": (DOC, [(DOC, 10, "duplicate-key")]),
    "yaml-alias.yaml": (DOC, [(DOC, 19, "yaml-alias")]),
    "alias-bomb.yaml": (DOC, [(DOC, 2, "yaml-alias")]),
    "control-character.yaml": (DOC, [(DOC, 19, "control-character")]),
    "invalid-id.yaml": (DOC, [(DOC, 16, "invalid-id")]),
    "not-nfc.yaml": (DOC, [(DOC, 19, "not-nfc")]),
    "byte-order-mark.yaml": (DOC, [(DOC, 1, "byte-order-mark")]),
    "bad-encoding.yaml": (DOC, [(DOC, 19, "bad-encoding")]),
    "file-too-large.yaml": (DOC, [(DOC, 1, "file-too-large")]),
    "invalid-yaml.yaml": (DOC, [(DOC, 32, "invalid-yaml")]),
    "mention-not-an-alias.yaml": (DOC, [(DOC, 31, "mention-not-an-alias")]),
    "unmentioned-name.yaml": (DOC, [(TXT, 6, "unmentioned-name")]),
    "mention-splits-token.yaml": (DOC, [(DOC, 47, "mention-splits-token")]),
    "mention-crosses-sentence.yaml": (DOC, [(DOC, 48, "mention-crosses-sentence")]),
    "overlapping-mentions.yaml": (DOC, [(DOC, 48, "overlapping-mentions")]),
    "mention-in-waiver.yaml": (DOC, [(DOC, 50, "mention-in-waiver")]),
    "directive-code-mismatch.yaml": (DOC, [(DOC, 44, "directive-code-mismatch")]),
    "inconsistent-value.yaml": (DOC, [(DOC, 10, "inconsistent-value")]),
    "text-changed.txt": (TXT, [(DOC, 4, "text-changed")]),
    "unreviewed-proposal.yaml": (DOC, [(DOC, 19, "unreviewed-proposal")]),
    "too-long.yaml": (DOC, [(DOC, 42, "too-long")]),
    "duplicate-text.yaml": (
        "documents/997-duplicate.yaml",
        [("documents/997-duplicate.txt", 1, "duplicate-text")],
    ),
    "duplicate-id.yaml": (ORG_HCM, [(ORG_HCM, 2, "duplicate-id")]),
    "invalid-directive-code.yaml": (
        DIRECTIVE_12,
        [(DOC, 44, "directive-code-mismatch"), (DIRECTIVE_12, 7, "invalid-directive-code")],
    ),
    "subject-not-as-printed.yaml": (KL73, [(KL73, 13, "not-as-printed")]),
    "role-not-recorded.yaml": (MEETING_2011, [(MEETING_2011, 25, "role-not-recorded")]),
    "role-not-stated.yaml": (MEETING_2011, [(MEETING_2011, 28, "role-not-stated")]),
    "invalid-edtf.yaml": (MEETING_2011, [(MEETING_2011, 11, "invalid-edtf")]),
    "edtf-disagrees.yaml": (MEETING_2011, [(MEETING_2011, 11, "edtf-disagrees")]),
    "edtf-missing.yaml": (MEETING_2011, [(MEETING_2011, 7, "edtf-missing")]),
    "page-date-in-chrome.yaml": (DOC_004, [(DOC_004, 20, "page-date-in-chrome")]),
    "clock-outside-chrome.yaml": (DOC_004, [(DOC_004, 23, "clock-outside-chrome")]),
    "fact-without-evidence.yaml": (DIRECTIVE_04, [(DIRECTIVE_04, 8, "fact-without-evidence")]),
    "not-as-printed.yaml": (ORG_BDN, [(ORG_BDN, 6, "not-as-printed")]),
    "inference-unflagged.yaml": (DOC, [(DOC, 6, "inference-unflagged")]),
    "note-missing.yaml": (NQ_TW6, [(NQ_TW6, 3, "note-missing")]),
    "span-splits-grapheme.yaml": (
        "documents/999-fixture.yaml",
        [("documents/999-fixture.yaml", 4, "span-splits-grapheme")],
    ),
    "missing-file.yaml": (
        "documents/998-orphan.yaml",
        [("documents/998-orphan.yaml", 1, "missing-file")],
    ),
}
COMPANIONS = {
    "span-splits-grapheme.yaml": ("span-splits-grapheme.txt", "documents/999-fixture.txt"),
    # A second article with the text of 003 byte for byte.
    "duplicate-text.yaml": ("duplicate-text.txt", "documents/997-duplicate.txt"),
}


def _located(raw: Path, *replaced: str) -> list[tuple[str, int, str]]:
    """The issues as (file, line, code), but those of documents other than the golden ones.

    A document that names what a fixture breaks has issues of its own; the ``replaced``
    files are kept, golden or not.
    """
    report = compile_corpus(raw).report
    located = [
        (Path(issue.path).relative_to(raw).as_posix(), issue.line, issue.code)
        for issue in report.sorted_issues()
    ]
    return [item for item in located if item[0] in replaced or not outside_golden(item[0])]


def test_every_fixture_is_asserted() -> None:
    companions = {source for source, _ in COMPANIONS.values()}
    on_disk = {path.name for path in INVALID.iterdir()} - companions - {"path-outside-raw.txt"}
    assert on_disk == set(CASES)


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_invalid_fixture(fixture: str, raw_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target, expected = CASES[fixture]
    replaced = [target]
    if fixture == "file-too-large.yaml":
        # Larger than every real raw file, smaller than the fixture.
        cap = max(path.stat().st_size for path in raw_copy.rglob("*") if path.is_file()) + 1
        assert (INVALID / fixture).stat().st_size > cap
        monkeypatch.setattr(rawio, "MAX_FILE_BYTES", cap)
    shutil.copyfile(INVALID / fixture, raw_copy / target)
    if fixture in COMPANIONS:
        source, companion_target = COMPANIONS[fixture]
        shutil.copyfile(INVALID / source, raw_copy / companion_target)
        replaced.append(companion_target)
    assert _located(raw_copy, *replaced) == expected


def test_issue_text_names_file_line_field_and_fix(raw_copy: Path) -> None:
    shutil.copyfile(INVALID / "unknown-key.yaml", raw_copy / DOC)
    (issue,) = compile_corpus(raw_copy).report.sorted_issues()
    assert issue.format() == (
        f"{raw_copy / DOC}:17: authors[0].nickname: unknown-key: unknown key 'nickname' "
        "(fix: remove the key or correct its spelling; the schema lists the allowed keys)"
    )


def test_a_normalized_spelling_is_told_the_printed_one(raw_copy: Path) -> None:
    shutil.copyfile(INVALID / "not-as-printed.yaml", raw_copy / ORG_BDN)
    (issue,) = compile_corpus(raw_copy).report.sorted_issues()
    assert issue.format() == (
        f"{raw_copy / ORG_BDN}:6: other_names[1]: "
        "not-as-printed: 'Ban Đối ngoại T.Ư' does not occur in any text; it is printed "
        "'Ban \u00d0ối ngoại T.Ư' (fix: write 'Ban \u00d0ối ngoại T.Ư', with the characters the "
        "text prints)"
    )


def test_alias_bomb_fails_fast(raw_copy: Path) -> None:
    shutil.copyfile(INVALID / "alias-bomb.yaml", raw_copy / DOC)
    started = time.perf_counter()
    compile_corpus(raw_copy)
    assert time.perf_counter() - started < 5


def test_path_outside_raw(raw_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.txt"
    shutil.copyfile(INVALID / "path-outside-raw.txt", outside)
    (raw_copy / TXT).unlink()
    (raw_copy / TXT).symlink_to(outside)
    assert _located(raw_copy) == [(TXT, 1, "path-outside-raw")]


def test_a_duplicate_text_names_the_article_it_repeats(raw_copy: Path) -> None:
    shutil.copyfile(INVALID / "duplicate-text.yaml", raw_copy / "documents/997-duplicate.yaml")
    shutil.copyfile(INVALID / "duplicate-text.txt", raw_copy / "documents/997-duplicate.txt")
    (issue,) = compile_corpus(raw_copy).report.sorted_issues()
    assert issue.format() == (
        f"{raw_copy}/documents/997-duplicate.txt:1: duplicate-text: this text is byte for byte "
        f"the text of 003-cb987c258479b677 ({raw_copy / TXT}) (fix: keep one article: delete "
        "997-duplicate.txt and 997-duplicate.yaml, and add what they annotate to "
        "003-cb987c258479b677.yaml)"
    )


def test_all_errors_in_one_run(raw_copy: Path) -> None:
    shutil.copyfile(INVALID / "unknown-key.yaml", raw_copy / DOC)
    shutil.copyfile(INVALID / "duplicate-id.yaml", raw_copy / ORG_HCM)
    assert _located(raw_copy) == [(DOC, 17, "unknown-key"), (ORG_HCM, 2, "duplicate-id")]


def test_a_directive_code_may_repeat_only_across_terms(raw_copy: Path) -> None:
    added = "registry/directives/chi-thi-04-ct-tw-khoa-xiii.yaml"
    entry = (
        "id: chi-thi-04-ct-tw-khoa-xiii\n"
        "name: Chỉ thị 04-CT/TW\n"
        "kind: chi_thi\n"
        'number: "04"\n'
        "code: 04-CT/TW\n"
        "issuer: ban-bi-thu\n"
        "term: {term}\n"
    )
    # The 2021 directive of khóa XIII shares the code of the 2011 one of khóa XI: allowed.
    # (No text of the corpus names it, so its facts lack evidence; that is all.)
    unsupported = [(added, line, "fact-without-evidence") for line in (4, 5, 6, 7)]
    (raw_copy / added).write_text(entry.format(term="XIII"), encoding="utf-8")
    assert _located(raw_copy) == unsupported
    # With the same term it would be the same directive written twice, in two files.
    (raw_copy / added).write_text(entry.format(term="XI"), encoding="utf-8")
    report = compile_corpus(raw_copy).report
    (duplicate,) = [issue for issue in report.issues if issue.code == "duplicate-id"]
    assert duplicate.format() == (
        f"{raw_copy / added}:1: id: duplicate-id: 'chi-thi-04-ct-tw-khoa-xiii' has the kind, "
        "number, issuer and term (or date) of 'chi-thi-04-ct-tw-khoa-xi' at "
        f"{raw_copy / DIRECTIVE_04}:2 (fix: merge the two entries, or give each its term (khóa) "
        "or date of issue)"
    )
    assert _located(raw_copy) == [(added, 1, "duplicate-id"), *unsupported]
