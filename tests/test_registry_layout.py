"""Registries are folders of one-entry files: read in name order, with ids unique across files."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.errors import Issue
from dnnd_dataset.reading.raw_loading import REGISTRIES, load_registry
from dnnd_dataset.reading.raw_models import PersonEntry

from .conftest import RAW

PERSONS = "registry/persons"


def _issues(raw: Path) -> list[str]:
    return [issue.format() for issue in compile_corpus(raw).report.sorted_issues()]


def _person(entity_id: str, name: str = "Nguyễn Văn A") -> str:
    return (
        "# yaml-language-server: $schema=../../../schema/raw/persons.schema.json\n"
        f"id: '{entity_id}'\nname: {name}\nroles: [official]\n"
    )


def test_the_corpus_has_one_file_per_entry_named_by_its_id() -> None:
    for name in REGISTRIES:
        for path in (RAW / "registry" / name).iterdir():
            assert path.suffix == ".yaml"
            assert f"\nid: {path.stem}\n" in path.read_text(encoding="utf-8"), path


def test_an_id_defined_in_two_files_names_both_places(raw_copy: Path) -> None:
    organization = raw_copy / "registry/organizations/ho-chi-minh.yaml"
    organization.write_text(
        "# yaml-language-server: $schema=../../../schema/raw/organizations.schema.json\n"
        "# Ids are shared by all registries: this one is taken by a person.\n"
        "id: ho-chi-minh\n"
        "name: Đoàn Thanh niên Cộng sản Hồ Chí Minh\n"
        "kind: mass_organization\n",
        encoding="utf-8",
    )
    assert _issues(raw_copy) == [
        f"{organization}:3: id: duplicate-id: the id 'ho-chi-minh' is also defined at "
        f"{raw_copy / PERSONS / 'ho-chi-minh.yaml'}:2 (fix: keep one of the two entries, "
        "or give one of them another id)"
    ]


def test_an_id_that_differs_from_its_file_name_is_one_error(raw_copy: Path) -> None:
    # A copied entry whose id was not changed: the file name is the one root cause, so the
    # clash with the original is not reported a second time, whichever file sorts first.
    for copy_name in ("a-copy.yaml", "tran-quoc-vuong-2.yaml"):
        copy = raw_copy / PERSONS / copy_name
        shutil.copyfile(raw_copy / PERSONS / "tran-quoc-vuong.yaml", copy)
        assert _issues(raw_copy) == [
            f"{copy}:2: id: inconsistent-value: id 'tran-quoc-vuong' differs from the file name "
            f"{copy.stem!r} (fix: rename the file to tran-quoc-vuong.yaml, or make id equal "
            "the file name)"
        ]
        copy.unlink()


def test_a_misnamed_entry_still_resolves(raw_copy: Path) -> None:
    # References to the id keep working, so the misnaming is the only error.
    (raw_copy / PERSONS / "le-dai.yaml").rename(raw_copy / PERSONS / "le-dai-photo.yaml")
    (issue,) = compile_corpus(raw_copy).report.sorted_issues()
    assert (issue.path, issue.line, issue.code) == (
        str(raw_copy / PERSONS / "le-dai-photo.yaml"),
        2,
        "inconsistent-value",
    )


def test_a_registry_file_of_the_single_file_layout_is_refused(raw_copy: Path) -> None:
    old = raw_copy / "registry/persons.yaml"
    old.write_text("persons:\n  - id: nguyen-van-a\n    name: Nguyễn Văn A\n", encoding="utf-8")
    assert _issues(raw_copy) == [
        f"{old}:1: unexpected-file: the registry folder holds only one folder per registry "
        f"(fix: move each entry to its own file {raw_copy / PERSONS}/<id>.yaml)"
    ]


def test_a_list_of_entries_in_one_file_is_refused(raw_copy: Path) -> None:
    batch = raw_copy / PERSONS / "batch.yaml"
    batch.write_text(
        "# a list, as the single-file registries were written\n"
        "persons:\n  - id: nguyen-van-a\n    name: Nguyễn Văn A\n",
        encoding="utf-8",
    )
    assert _issues(raw_copy) == [
        f"{batch}:2: invalid-value: the file holds a list under 'persons:', a registry file "
        f"holds one entry (fix: write each entry in its own file {raw_copy / PERSONS}/<id>.yaml, "
        "starting with 'id:')"
    ]


def test_a_file_that_is_not_one_entry_is_refused(raw_copy: Path) -> None:
    empty = raw_copy / PERSONS / "nguyen-van-a.yaml"
    empty.write_text("# yaml-language-server: $schema=../../../schema/raw/persons.schema.json\n")
    listed = raw_copy / PERSONS / "nguyen-van-b.yaml"
    listed.write_text("# an entry written as a list item\n- id: nguyen-van-b\n", "utf-8")
    assert _issues(raw_copy) == [
        f"{empty}:1: invalid-value: the file holds nothing; a registry file holds one entry "
        "(fix: write the entry's keys at the top level, starting with 'id: nguyen-van-a')",
        f"{listed}:2: invalid-value: the file holds a list, not a mapping; a registry file "
        "holds one entry (fix: write the entry's keys at the top level, starting with "
        "'id: nguyen-van-b')",
    ]


def test_files_the_layout_does_not_define_are_reported(raw_copy: Path) -> None:
    (raw_copy / PERSONS / "nguyen-van-a.yml").write_text(_person("nguyen-van-a"), "utf-8")
    (raw_copy / PERSONS / "archive").mkdir()
    (raw_copy / "registry/person").mkdir()
    (raw_copy / "registry/notes.txt").write_text("", "utf-8")
    # Hidden files are tooling's (a placeholder that keeps a folder, an editor's swap file).
    (raw_copy / PERSONS / ".gitkeep").write_text("", "utf-8")
    (raw_copy / PERSONS / ".nguyen-van-a.yaml.swp").write_bytes(b"\x00")
    folders = ", ".join(REGISTRIES)
    assert _issues(raw_copy) == [
        f"{raw_copy / 'registry/notes.txt'}:1: unexpected-file: the registry folder holds only "
        f"one folder per registry (fix: move or remove it; the registry folders are {folders})",
        f"{raw_copy / 'registry/person'}:1: unexpected-file: the registry folder holds only "
        f"one folder per registry (fix: rename it to persons/; the registry folders are "
        f"{folders})",
        f"{raw_copy / PERSONS / 'archive'}:1: unexpected-file: the persons registry holds only "
        f"files named <id>.yaml (fix: rename it to archive.yaml if it is an entry, or move it "
        f"out of {raw_copy / PERSONS})",
        f"{raw_copy / PERSONS / 'nguyen-van-a.yml'}:1: unexpected-file: the persons registry "
        "holds only files named <id>.yaml (fix: rename it to nguyen-van-a.yaml if it is an "
        f"entry, or move it out of {raw_copy / PERSONS})",
    ]


def test_a_linked_entry_file_is_refused(raw_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(_person("nguyen-van-a"), "utf-8")
    (raw_copy / PERSONS / "nguyen-van-a.yaml").symlink_to(outside)
    assert [
        (issue.path, issue.line, issue.code)
        for issue in compile_corpus(raw_copy).report.sorted_issues()
    ] == [(str(raw_copy / PERSONS / "nguyen-van-a.yaml"), 1, "path-outside-raw")]


def test_a_missing_registry_folder_is_an_empty_registry(tmp_path: Path) -> None:
    issues: list[Issue] = []
    assert load_registry(tmp_path, "persons", issues) == []
    assert issues == []


def test_entry_files_are_read_in_code_point_order(tmp_path: Path) -> None:
    folder = tmp_path / PERSONS
    folder.mkdir(parents=True)
    for entity_id in ("b", "a-b", "a", "a1", "ab", "a0b"):
        (folder / f"{entity_id}.yaml").write_text(_person(entity_id), "utf-8")
    issues: list[Issue] = []
    entries = load_registry(tmp_path, "persons", issues)
    assert issues == []
    # By file name: "-" < "." < digits < letters, so "a-b.yaml" comes before "a.yaml".
    assert [cast(PersonEntry, e.model).id for e in entries] == ["a-b", "a", "a0b", "a1", "ab", "b"]
    assert [Path(e.shown).name for e in entries] == [
        "a-b.yaml",
        "a.yaml",
        "a0b.yaml",
        "a1.yaml",
        "ab.yaml",
        "b.yaml",
    ]


SLUGS = st.from_regex(r"[a-z0-9]+(-[a-z0-9]+){0,2}", fullmatch=True)


@settings(max_examples=25, deadline=None)
@given(ids=st.lists(SLUGS, min_size=1, max_size=8, unique=True), data=st.data())
def test_the_order_does_not_depend_on_how_the_files_were_written(
    ids: list[str], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / PERSONS
        folder.mkdir(parents=True)
        for entity_id in data.draw(st.permutations(ids)):
            (folder / f"{entity_id}.yaml").write_text(_person(entity_id), "utf-8")
        issues: list[Issue] = []
        entries = load_registry(Path(scratch), "persons", issues)
    assert issues == []
    assert [Path(e.shown).name for e in entries] == sorted(f"{i}.yaml" for i in ids)
