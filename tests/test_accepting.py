"""``dnnd accept``: proposals move into their registry files, all of them or none."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.cli import main
from dnnd_dataset.drafting.accepting import accept_proposals
from dnnd_dataset.drafting.adding import add_article
from dnnd_dataset.errors import InvalidCorpusError

from .conftest import RAW, snapshot

TEXT = (
    "Tiếp đoàn đại biểu hữu nghị\n\n"
    "Ngày 30/5/2024, tại Hà Nội, đồng chí Nguyễn Văn An, Phó Chủ tịch Liên hiệp các tổ chức "
    "hữu nghị Việt Nam, tiếp đoàn đại biểu hữu nghị quốc tế.\n"
)
PERSON = (
    "  - quote: Nguyễn Văn An\n"
    "    kind: person\n"
    "    value: Nguyễn Văn An\n"
    "    entry: {id: nguyen-van-an, name: Nguyễn Văn An, roles: [official]}\n"
)


@pytest.fixture()
def draft(tmp_path: Path) -> Path:
    """A reviewed draft whose only proposals are those a test writes after 'proposals:'."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    text = tmp_path / "tiep-doan.txt"
    text.write_text(TEXT, encoding="utf-8")
    added = add_article(raw, text)
    content = added.annotation_path.read_text(encoding="utf-8")
    content = content.replace("  proposed: true\n", "").replace(", proposed: true}", "}")
    content = content[: content.rindex("\nproposals:") + 1] + "proposals:\n"
    added.annotation_path.write_text(content, encoding="utf-8")
    return added.annotation_path


def _refusal(draft: Path, watched: Path) -> tuple[str, str]:
    """The one problem for which accept refuses ``draft``; nothing below ``watched`` changes."""
    before = snapshot(watched)
    with pytest.raises(InvalidCorpusError) as raised:
        accept_proposals(draft.parents[1], draft)
    (issue,) = raised.value.report.issues
    assert snapshot(watched) == before
    return issue.code, issue.message


def _propose(draft: Path, items: str) -> None:
    with draft.open("a", encoding="utf-8") as stream:
        stream.write(items)


def test_a_person_becomes_its_registry_file_and_a_mention(draft: Path) -> None:
    _propose(draft, PERSON)
    raw = draft.parents[1]
    accepted = accept_proposals(raw, draft)
    person = raw / "registry" / "persons" / "nguyen-van-an.yaml"
    assert (accepted.registry_files, accepted.mentions) == ([person], 1)
    assert person.read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../../schema/raw/persons.schema.json\n"
        "id: nguyen-van-an\n"
        "name: Nguyễn Văn An\n"
        "roles: [official]\n"
    )
    content = draft.read_text(encoding="utf-8")
    assert "\nproposals:" not in content
    assert content.endswith("  - {quote: Nguyễn Văn An, entity: nguyen-van-an}\n")
    report = compile_corpus(raw).report
    assert report.valid, report.format()


def test_accepting_again_changes_nothing(draft: Path) -> None:
    _propose(draft, PERSON)
    raw = draft.parents[1]
    accept_proposals(raw, draft)
    before = snapshot(raw)
    again = accept_proposals(raw, draft.stem)
    assert (again.registry_files, again.mentions) == ([], 0)
    assert snapshot(raw) == before


def test_a_place_becomes_a_location_mention(draft: Path) -> None:
    _propose(draft, "  - {quote: Hà Nội, kind: location, value: Hà Nội}\n")
    raw = draft.parents[1]
    content = draft.read_text(encoding="utf-8").replace(
        "  - {quote: Hà Nội, label: LOCATION}\n", ""
    )
    draft.write_text(content, encoding="utf-8")
    accepted = accept_proposals(raw, draft)
    assert (accepted.registry_files, accepted.mentions) == ([], 1)
    assert draft.read_text(encoding="utf-8").endswith("  - {quote: Hà Nội, label: LOCATION}\n")


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (
            "  - {quote: Nguyễn Văn An, kind: person, value: Nguyễn Văn An}\n",
            "{draft}:{line}: proposals[0]: missing-key: a person proposal needs its registry "
            "entry under 'entry' to be accepted (fix: write the entry in the shape of "
            "raw/registry/persons/<id>.yaml, or delete the proposal)",
        ),
        (
            "  - quote: Nguyễn Văn An\n"
            "    kind: person\n"
            "    value: Nguyễn Văn An\n"
            "    entry:\n"
            "      id: nguyen-van-an\n",
            "{draft}:{entry_line}: proposals[0].entry.name: missing-key: the key 'name' is "
            "required "
            "(fix: add the key)",
        ),
        (
            "  - {quote: 30/5/2024, kind: date, value: '2024-05-30', date: 2024-05-30, "
            "date_precision: day}\n",
            "{draft}:{line}: proposals[0]: unreviewed-proposal: a date proposal has no registry "
            "file to move to (fix: write its value where it belongs (a meeting's entry, outlet, "
            "page_date, url) and delete the proposal, or delete it)",
        ),
    ],
)
def test_a_proposal_that_cannot_move_is_located_and_nothing_is_written(
    draft: Path, items: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _propose(draft, PERSON + items)
    raw = draft.parents[1]
    line = len(draft.read_text(encoding="utf-8").splitlines()) - len(items.splitlines()) + 1
    before = snapshot(raw)
    assert main(["accept", draft.stem, "--raw", str(raw)]) == 1
    shown = raw / "documents" / draft.name
    wanted = expected.format(draft=shown, line=line, entry_line=line + 3)
    wanted = wanted.replace("proposals[0]", "proposals[1]")
    assert capsys.readouterr().err == f"{wanted}\n1 problem(s) found; nothing was written.\n"
    assert snapshot(raw) == before


def test_an_id_taken_by_another_entry_is_refused(draft: Path) -> None:
    _propose(draft, PERSON.replace("nguyen-van-an", "ha-su"))
    raw = draft.parents[1]
    assert _refusal(draft, raw) == (
        "duplicate-id",
        f"{raw / 'registry' / 'persons' / 'ha-su.yaml'} already holds another entry with the "
        "id 'ha-su'",
    )


def test_a_failed_write_leaves_every_file_as_it_was(
    draft: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _propose(draft, PERSON)
    raw = draft.parents[1]
    before = snapshot(raw)
    replace = os.replace

    def failing(source: str | Path, target: str | Path) -> None:
        if Path(target) == draft:
            raise OSError("disk full")
        replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match="disk full"):
        accept_proposals(raw, draft)
    assert snapshot(raw) == before


KIND_BASIS = (
    "The name does not say what kind of body it is; the Ban Đối ngoại Trung ương is a board "
    "of the Party's Central Committee."
)
PARENT_BASIS = (
    "The name says Trung ương; that the board belongs to the Party's Central Committee is "
    "not printed."
)


def test_an_entry_that_only_adds_other_names_updates_its_file(draft: Path) -> None:
    raw = draft.parents[1]
    held = raw / "registry" / "organizations" / "ban-doi-ngoai-trung-uong.yaml"
    before = held.read_text(encoding="utf-8")
    entry = (
        "    entry:\n"
        "      id: ban-doi-ngoai-trung-uong\n"
        "      name: Ban Đối ngoại Trung ương\n"
        "      other_names: [Ban Đối ngoại TW, Ban Ðối ngoại T.Ư, ban Ðối ngoại T.Ư,"
        " Ban Đối ngoại Trng ương, BĐNTW]\n"
        "      kind: party_body\n"
        "      kind_inferred: true\n"
        f"      kind_basis: {KIND_BASIS}\n"
        "      parent: ban-chap-hanh-trung-uong-dang\n"
        "      parent_inferred: true\n"
        f"      parent_basis: {PARENT_BASIS}\n"
    )
    _propose(draft, "  - quote: Hà Nội\n    kind: organization\n    value: Hà Nội\n" + entry)
    content = draft.read_text(encoding="utf-8").replace(
        "  - {quote: Hà Nội, label: LOCATION}\n", ""
    )
    draft.write_text(content, encoding="utf-8")
    accepted = accept_proposals(raw, draft)
    assert accepted.registry_files == [held]
    assert held.read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../../schema/raw/organizations.schema.json\n"
        "id: ban-doi-ngoai-trung-uong\n"
        "name: Ban Đối ngoại Trung ương\n"
        "other_names: [Ban Đối ngoại TW, Ban Ðối ngoại T.Ư, ban Ðối ngoại T.Ư, Ban Đối ngoại Trng"
        " ương, BĐNTW]\n"
        "kind: party_body\n"
        "kind_inferred: true\n"
        "kind_basis: The name does not say what kind of body it is; the Ban Đối ngoại Trung ương"
        " is a board of\n  the Party's Central Committee.\n"
        "parent: ban-chap-hanh-trung-uong-dang\n"
        "parent_inferred: true\n"
        "parent_basis: The name says Trung ương; that the board belongs to the Party's Central"
        " Committee is not\n  printed.\n"
    )
    assert before != held.read_text(encoding="utf-8")


def test_a_registry_folder_that_is_a_link_is_refused(draft: Path, tmp_path: Path) -> None:
    _propose(draft, PERSON)
    raw = draft.parents[1]
    persons = raw / "registry" / "persons"
    outside = tmp_path / "elsewhere"
    persons.rename(outside)
    persons.symlink_to(outside, target_is_directory=True)
    assert _refusal(draft, tmp_path) == (
        "path-outside-raw",
        f"{persons} is a link or leads outside {raw}: accept writes registry files only "
        "inside the raw folder",
    )


def test_proposals_written_before_the_mentions_are_moved_right(draft: Path) -> None:
    content = draft.read_text(encoding="utf-8").removesuffix("proposals:\n")
    head, mentions = content.split("mentions:\n", 1)
    draft.write_text(f"{head}proposals:\n{PERSON}mentions:\n{mentions}", encoding="utf-8")
    raw = draft.parents[1]
    accept_proposals(raw, draft)
    assert draft.read_text(encoding="utf-8") == (
        f"{head}mentions:\n{mentions}  - {{quote: Nguyễn Văn An, entity: nguyen-van-an}}\n"
    )


def test_a_layout_the_edit_does_not_expect_is_refused_before_any_write(draft: Path) -> None:
    content = draft.read_text(encoding="utf-8").removesuffix("proposals:\n")
    head, mentions = content.split("mentions:\n", 1)
    flow = ", ".join(line.strip()[2:] for line in mentions.splitlines())
    draft.write_text(f"{head}mentions: [{flow}]\nproposals:\n{PERSON}", encoding="utf-8")
    raw = draft.parents[1]
    before = snapshot(raw)
    with pytest.raises(InvalidCorpusError) as raised:
        accept_proposals(raw, draft)
    assert [issue.code for issue in raised.value.report.issues] == ["invalid-value"]
    assert snapshot(raw) == before
