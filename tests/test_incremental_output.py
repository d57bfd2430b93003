"""A rebuild after an edit writes only the shards whose rows changed, and the same bytes as a
cold build: editing, adding, deleting and renaming a document, and a registry change."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dnnd_dataset.builder import build, check
from dnnd_dataset.checking import block_plan, document_worker, pipeline, shard_blocks
from dnnd_dataset.checking.block_entry import evidence_from_bytes
from dnnd_dataset.checking.document_cache import DocumentCache
from dnnd_dataset.checking.document_worker import CHUNK, WorkerContext
from dnnd_dataset.errors import InvalidCorpusError, OutputError
from dnnd_dataset.publishing import publish
from dnnd_dataset.publishing.dataset_meta import data_file

from . import worker_failures
from .conftest import python, snapshot, synthetic_corpus

ARTICLES = 48
ARTICLE_TABLES = ("articles", "mentions", "evidence", "ner")


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Blocks of 4 articles on average: a small corpus in many shards.
    monkeypatch.setattr(shard_blocks, "MEAN", 4)
    monkeypatch.setattr(shard_blocks, "MOST", 8)


pristine, raw = synthetic_corpus(ARTICLES, seed=11)


def _quoted_by_registries(raw: Path) -> set[str]:
    """The articles that registry entries quote: deleting one would leave a quote dangling."""
    found = set()
    for path in (raw / "registry").rglob("*.yaml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith(("- article:", "article:")):
                found.add(line.split(":", 1)[1].strip())
    return found


def _free_article(raw: Path, after: int = 0) -> str:
    """An article that no registry entry quotes, from the ``after``-th on."""
    quoted = _quoted_by_registries(raw)
    stems = sorted(path.stem for path in (raw / "documents").glob("*.txt"))
    return next(stem for stem in stems[after:] if stem not in quoted)


def _set_text(raw: Path, stem: str, text: str) -> None:
    text_path = raw / "documents" / f"{stem}.txt"
    yaml_path = raw / "documents" / f"{stem}.yaml"
    old = hashlib.sha256(text_path.read_bytes()).hexdigest()
    text_path.write_text(text, encoding="utf-8", newline="")
    new = hashlib.sha256(text_path.read_bytes()).hexdigest()
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(old, new), "utf-8")


def edit_text(raw: Path) -> None:
    stem = _free_article(raw, 20)
    text = (raw / "documents" / f"{stem}.txt").read_text(encoding="utf-8")
    _set_text(raw, stem, text + "\n\nCác đại biểu thống nhất kiến nghị.")


def _insert_sentence(raw: Path, stem: str, sentence: str) -> None:
    """Insert ``sentence``, which names nothing, after the first paragraph of ``stem``:
    everything after it moves."""
    text = (raw / "documents" / f"{stem}.txt").read_text(encoding="utf-8")
    first = text.index("\n\n")
    _set_text(raw, stem, f"{text[:first]}\n\n{sentence}{text[first:]}")


def _quoted_and_stating(raw: Path) -> str:
    """An article that registry entries quote and that states positions."""
    quoted = _quoted_by_registries(raw)
    for path in sorted((raw / "documents").glob("*.yaml")):
        if path.stem in quoted and "positions:\n-" in path.read_text(encoding="utf-8"):
            return path.stem
    raise AssertionError("no article is quoted and states a position")


def insert_text(raw: Path) -> None:
    _insert_sentence(raw, _quoted_and_stating(raw), "Các đại biểu thống nhất kiến nghị.")


def drop_position(raw: Path) -> None:
    """Drop the first position an article states, of one that states several: the same
    documents and offsets, another persons table."""
    for path in sorted((raw / "documents").glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        if "positions:\n" not in lines:
            continue
        first = lines.index("positions:\n") + 1
        items = [at for at in range(first, len(lines)) if lines[at].startswith("- person:")]
        end = next(at for at in range(first, len(lines)) if not lines[at].startswith(("-", " ")))
        items = [at for at in items if at < end]
        if len(items) > 1:
            path.write_text("".join(lines[: items[0]] + lines[items[1] :]), encoding="utf-8")
            return
    raise AssertionError("no article states two positions")


def _copy_as(raw: Path, stem: str, new: str) -> None:
    folder = raw / "documents"
    shutil.copyfile(folder / f"{stem}.txt", folder / f"{new}.txt")
    annotation = (folder / f"{stem}.yaml").read_text(encoding="utf-8")
    (folder / f"{new}.yaml").write_text(
        annotation.replace(f"article_id: {stem}", f"article_id: {new}"), encoding="utf-8"
    )


def add_document(raw: Path) -> None:
    stem = _free_article(raw, 30)
    new = f"{stem[:6]}-added"
    _copy_as(raw, stem, new)
    # A text of its own: two equal texts are refused.
    text = (raw / "documents" / f"{new}.txt").read_text(encoding="utf-8")
    _set_text(raw, new, text + "\n\nHội nghị kết thúc tốt đẹp.")


def delete_document(raw: Path) -> None:
    stem = _free_article(raw, 5)
    for suffix in (".txt", ".yaml"):
        (raw / "documents" / f"{stem}{suffix}").unlink()


def rename_document(raw: Path) -> None:
    stem = _free_article(raw, 12)
    _copy_as(raw, stem, f"{stem[:6]}-renamed")
    for suffix in (".txt", ".yaml"):
        (raw / "documents" / f"{stem}{suffix}").unlink()


def change_registry(raw: Path) -> None:
    path = min((raw / "registry" / "persons").glob("*.yaml"))
    text = path.read_text(encoding="utf-8")
    assert "roles:\n- official\n" in text
    path.write_text(text.replace("roles:\n- official\n", "roles:\n- official\n- author\n"))


EDITS: list[Callable[[Path], None]] = [
    edit_text,
    insert_text,
    drop_position,
    add_document,
    delete_document,
    rename_document,
    change_registry,
]


def _identities(out: Path) -> dict[str, tuple[int, int]]:
    return {
        path.relative_to(out).as_posix(): (os.stat(path).st_dev, os.stat(path).st_ino)
        for path in out.rglob("*")
        if path.is_file()
    }


def _rewritten(before: dict[str, tuple[int, int]], out: Path) -> set[str]:
    """The Parquet files of ``out`` that are not files of the earlier output."""
    kept = set(before.values())
    return {
        name
        for name, found in _identities(out).items()
        if name.endswith(".parquet") and found not in kept
    }


def _last(out: Path, table: str) -> str:
    return max(path.relative_to(out).as_posix() for path in (out / "data" / table).iterdir())


def _shards(out: Path, table: str) -> int:
    return len(list((out / "data" / table).iterdir()))


def test_each_edit_rewrites_few_shards_and_the_same_bytes_as_a_cold_build(
    raw: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    shards = _shards(out, "articles")
    assert shards >= 6  # many blocks, so that most of them stay as they were
    for number, edit in enumerate(EDITS):
        before = _identities(out)
        edit(raw)
        build(raw, out, cache=cache)
        cold = tmp_path / f"cold-{number}"
        build(raw, cold)
        assert snapshot(out) == snapshot(cold), edit.__name__
        rewritten = _rewritten(before, out)
        print(edit.__name__, sorted(rewritten))
        if edit is change_registry:
            continue  # most documents use the person: their blocks are checked again
        # One block changed (two when the edit ends or starts a block): its shard of each
        # table is written, every other shard is the earlier file. The registry tables and
        # the registries' evidence (the last shard of evidence) are written when their rows
        # change: the articles that name an entity, the positions an article states.
        blocks = rewritten - {_last(out, "evidence")}
        blocks = {name for name in blocks if name.split("/")[1] in ARTICLE_TABLES}
        assert len(blocks) in (4, 8), (edit.__name__, sorted(rewritten))
        assert {name.split("/")[1] for name in blocks} == set(ARTICLE_TABLES)
        if edit is edit_text:  # a sentence that names nothing: no registry row changes
            assert rewritten == blocks


def _built(raw: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """Output and cache of a build, and the digests of its files."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    return out, cache, snapshot(out)


def _built_then_edited(raw: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, tuple[int, int]]]:
    """Output and cache of a build, the identities of its files, and then one text edited."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    before = _identities(out)
    edit_text(raw)
    return out, cache, before


def _same_as_cold(raw: Path, out: Path, tmp_path: Path) -> None:
    cold = tmp_path / "cold"
    build(raw, cold)
    assert snapshot(out) == snapshot(cold)


def test_a_touched_shard_is_written_again(raw: Path, tmp_path: Path) -> None:
    out, cache, expected = _built(raw, tmp_path)
    victim = min((out / "data" / "mentions").iterdir())
    content = victim.read_bytes()
    victim.write_bytes(content)  # the same bytes, but the file was written: not trusted
    before = _identities(out)
    edit_text(raw)
    build(raw, out, cache=cache)
    assert victim.relative_to(out).as_posix() in _rewritten(before, out)
    assert snapshot(out) != expected
    _same_as_cold(raw, out, tmp_path)


def test_a_text_changed_in_place_with_its_size_and_time_is_read_again(
    raw: Path, tmp_path: Path
) -> None:
    out, cache, expected = _built(raw, tmp_path)
    stem = _free_article(raw, 20)
    path = raw / "documents" / f"{stem}.txt"
    status = path.stat()
    data = path.read_bytes()
    assert b"a" in data
    path.write_bytes(data.replace(b"a", b"o", 1))  # its checksum no longer matches
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (status.st_size, status.st_mtime_ns)
    with pytest.raises(InvalidCorpusError) as failure:
        build(raw, out, cache=cache)
    assert "text-changed" in {issue.code for issue in failure.value.report.issues}
    assert snapshot(out) == expected


def test_a_kept_entry_that_does_not_read_checks_its_block_again(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache, before = _built_then_edited(raw, tmp_path)
    # As if the entries of every unchanged block no longer fitted the code that reads them.
    monkeypatch.setattr(block_plan, "summary_from_bytes", lambda data, stems: None)
    build(raw, out, cache=cache)
    _same_as_cold(raw, out, tmp_path)
    # Every block was checked and written again.
    assert _rewritten(before, out) >= {
        path.relative_to(out).as_posix() for path in (out / "data" / "ner").iterdir()
    }


def _registry_tables(out: Path) -> set[str]:
    """The files of the registry tables, and the last shard of evidence (the registries')."""
    tables = ("meetings", "persons", "directives", "organizations", "posts")
    names = {path.relative_to(out).as_posix() for path in out.glob("data/*/*.parquet")}
    return {name for name in names if name.split("/")[1] in tables} | {_last(out, "evidence")}


def _build_reading_no_contribution(
    raw: Path, out: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Build, failing should any block's contribution be read."""

    def unread(data: bytes, digest: str, count: int) -> None:
        raise AssertionError("a contribution was read")

    with monkeypatch.context() as patch:
        patch.setattr(block_plan, "contribution_from_bytes", unread)
        build(raw, out, cache=cache)


def test_an_edit_that_changes_no_registry_row_reads_no_block_contribution(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache, before = _built_then_edited(raw, tmp_path)
    _build_reading_no_contribution(raw, out, cache, monkeypatch)
    # The registry tables are the earlier output's files, taken whole.
    assert _registry_tables(out) and not _rewritten(before, out) & _registry_tables(out)
    _same_as_cold(raw, out, tmp_path)


def test_an_edit_that_moves_registry_quotes_makes_only_the_evidence_again(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    before = _identities(out)
    stem = _quoted_and_stating(raw)
    insert_text(raw)
    # Only where the quotes and positions of the edited block lie is read of the blocks'
    # contributions: the earlier rows of the others are taken.
    read: list[int] = []

    def evidence(data: bytes, digest: str, count: int) -> object:
        read.append(count)
        return evidence_from_bytes(data, digest, count)

    monkeypatch.setattr(block_plan, "evidence_from_bytes", evidence)
    _build_reading_no_contribution(raw, out, cache, monkeypatch)
    blocks = shard_blocks.blocks(_stems(raw))
    assert read == [len(block) for block in blocks if stem in block]
    rewritten = _rewritten(before, out)
    assert rewritten & _registry_tables(out) == {_last(out, "evidence")}
    evidence_rows = pq.read_table(out / _last(out, "evidence")).to_pylist()
    moved = [row for row in evidence_rows if row["article_id"] == stem]
    # Its positions, and the registry quotes from it.
    assert {"persons"} < {row["table"] for row in moved}
    _same_as_cold(raw, out, tmp_path)


def test_edits_that_move_quotes_then_a_revert_give_the_bytes_of_a_cold_build(
    raw: Path, tmp_path: Path
) -> None:
    """Each rebuild takes the evidence rows of the blocks that did not change since the one
    before: the record of what each block gave must be this build's."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    first, last = min(_quoted_by_registries(raw)), _stems(raw)[-1]
    original = (raw / "documents" / f"{first}.txt").read_text(encoding="utf-8")
    steps: list[Callable[[], None]] = [
        lambda: _insert_sentence(raw, first, "Hội nghị diễn ra trong hai ngày."),
        lambda: _insert_sentence(raw, last, "Các đại biểu thống nhất kiến nghị."),
        lambda: _set_text(raw, first, original),
        lambda: _insert_sentence(raw, first, "Hội nghị diễn ra trong hai ngày."),
    ]
    for number, step in enumerate(steps):
        step()
        build(raw, out, cache=cache)
        build(raw, tmp_path / f"cold-{number}")
        assert snapshot(out) == snapshot(tmp_path / f"cold-{number}"), number


def test_a_subject_printed_otherwise_at_its_quote_fails_as_in_a_cold_build(
    raw: Path, tmp_path: Path
) -> None:
    """The words at a registry quote change, not where it lies (a look-alike letter):
    what the entry states is checked against them again."""
    out, cache, expected = _built(raw, tmp_path)
    for path in sorted((raw / "registry" / "directives").glob("*.yaml")):
        entry = path.read_text(encoding="utf-8")
        if "\nsubject: " in entry and "\n- article: " in entry:
            break
    subject = entry.split("\nsubject: ", 1)[1].split("\n", 1)[0].strip("'\"")
    stem = entry.split("\n- article: ", 1)[1].split("\n", 1)[0].strip()
    text = (raw / "documents" / f"{stem}.txt").read_text(encoding="utf-8")
    at = text.index(subject)
    letter = text.index("đ", at)
    assert letter < at + len(subject)
    _set_text(raw, stem, text[:letter] + "ð" + text[letter + 1 :])
    found = _problems(raw, out, cache)
    assert found == _problems(raw, tmp_path / "cold", None)
    assert any(": subject: not-as-printed: " in line for line in found[0])
    assert snapshot(out) == expected


@pytest.mark.parametrize("earlier", ["at hand", "touched"])
def test_quotes_moved_in_two_blocks_give_the_bytes_of_a_cold_build(
    raw: Path, tmp_path: Path, earlier: str
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    if earlier == "touched":
        # The same bytes, but written: the earlier evidence is made again from every block.
        evidence = out / _last(out, "evidence")
        evidence.write_bytes(evidence.read_bytes())
    before = _identities(out)
    # An article that registries quote, and the last, in another block, which states
    # positions.
    first, last = min(_quoted_by_registries(raw)), _stems(raw)[-1]
    assert not any(first in block and last in block for block in shard_blocks.blocks(_stems(raw)))
    assert "positions:\n-" in (raw / "documents" / f"{last}.yaml").read_text(encoding="utf-8")
    _insert_sentence(raw, first, "Hội nghị diễn ra trong hai ngày.")
    _insert_sentence(raw, last, "Các đại biểu thống nhất kiến nghị.")
    report = build(raw, out, cache=cache)
    assert _rewritten(before, out) & _registry_tables(out) == {_last(out, "evidence")}
    cold = build(raw, tmp_path / "cold")
    assert snapshot(out) == snapshot(tmp_path / "cold")
    # The rows per table it reports, the earlier rows taken counted.
    assert report.stats["tables"] == cold.stats["tables"]


@pytest.mark.parametrize("contributions", ["kept", "lost"])
def test_registry_tables_that_changed_on_disk_are_made_again_from_every_block(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, contributions: str
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    persons = next((out / "data" / "persons").iterdir())
    persons.write_bytes(persons.read_bytes())  # the same bytes, but written: not trusted
    before = _identities(out)
    edit_text(raw)
    if contributions == "lost":
        # As if the cache had lost every block's contribution: the blocks are checked again.
        monkeypatch.setattr(block_plan, "contribution_from_bytes", lambda data, digest, count: None)
    build(raw, out, cache=cache)
    assert persons.relative_to(out).as_posix() in _rewritten(before, out)
    _same_as_cold(raw, out, tmp_path)


KINDS = ("edit", "insert", "add", "delete", "rename")


def _apply(raw: Path, kind: str, which: int, step: int) -> None:
    """One edit of ``kind`` on the ``which``-th article that no registry quotes."""
    stems = sorted(path.stem for path in (raw / "documents").glob("*.txt"))
    quoted = _quoted_by_registries(raw)
    free = [stem for stem in stems if stem not in quoted]
    stem = free[which % len(free)]
    if kind == "edit":
        text = (raw / "documents" / f"{stem}.txt").read_text(encoding="utf-8")
        _set_text(raw, stem, text + f"\n\nĐoạn {step}.")
    elif kind == "insert":
        # Into any article: the positions it states move, and the quotes of registries.
        _insert_sentence(raw, stems[which % len(stems)], f"Đoạn {step}.")
    elif kind == "add":
        _copy_as(raw, stem, f"{stem[:6]}-add{step}")
        text = (raw / "documents" / f"{stem[:6]}-add{step}.txt").read_text(encoding="utf-8")
        _set_text(raw, f"{stem[:6]}-add{step}", text + f"\n\nBản sao {step}.")
    else:
        if kind == "rename":
            _copy_as(raw, stem, f"{stem[:6]}-moved{step}")
        for suffix in (".txt", ".yaml"):
            (raw / "documents" / f"{stem}{suffix}").unlink()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(KINDS), st.integers(min_value=0, max_value=60)),
        min_size=1,
        max_size=3,
    )
)
def test_any_sequence_of_edits_gives_the_bytes_of_a_cold_build(
    pristine: Path, edits: list[tuple[str, int]]
) -> None:
    with tempfile.TemporaryDirectory(prefix="dnnd-edits-") as scratch:
        folder = Path(scratch)
        raw = folder / "raw"
        shutil.copytree(pristine, raw)
        shutil.copyfile(pristine.parent / "DATASET_CARD.md", folder / "DATASET_CARD.md")
        out, cache = folder / "out", folder / "cache"
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(shard_blocks, "MEAN", 4)
            patch.setattr(shard_blocks, "MOST", 8)
            build(raw, out, cache=cache)
            for step, (kind, which) in enumerate(edits):
                _apply(raw, kind, which, step)
                build(raw, out, cache=cache)
                cold = folder / f"cold-{step}"
                build(raw, cold)
                assert snapshot(out) == snapshot(cold), edits[: step + 1]
                shutil.rmtree(cold)


def _problems(raw: Path, out: Path, cache: Path | None) -> tuple[list[str], int, dict[str, object]]:
    with pytest.raises(InvalidCorpusError) as failure:
        build(raw, out, cache=cache)
    report = failure.value.report
    return [issue.format() for issue in report.sorted_issues()], len(report.issues), report.stats


def test_a_rebuild_with_problems_reports_what_a_cold_build_reports(
    raw: Path, tmp_path: Path
) -> None:
    out, cache, expected = _built(raw, tmp_path)
    stems = sorted(path.stem for path in (raw / "documents").glob("*.txt"))
    # A problem in an early block and a duplicate text at the end, with the registry tables
    # of the earlier output recorded under their key.
    annotation = raw / "documents" / f"{stems[3]}.yaml"
    kept = annotation.read_text(encoding="utf-8")
    bad = "mentions:\n- quote: Không có ở đây\n  entity: ban-bi-thu\n"
    annotation.write_text(kept.replace("mentions:\n", bad, 1), encoding="utf-8")
    _copy_as(raw, _free_article(raw, 30), "zzzzzz-dup")
    found = _problems(raw, out, cache)
    assert [": quote-not-found: " in line for line in found[0]] == [True, False]
    assert ": duplicate-text: " in found[0][1] and found[1] == 2
    assert found == _problems(raw, tmp_path / "cold", None)
    assert snapshot(out) == expected  # a failed build leaves the earlier output
    annotation.write_text(kept, encoding="utf-8")
    for suffix in (".txt", ".yaml"):
        (raw / "documents" / f"zzzzzz-dup{suffix}").unlink()
    before = _identities(out)
    build(raw, out, cache=cache)
    # Back to what the earlier output was made from: its registry tables are taken whole.
    assert not _rewritten(before, out) & _registry_tables(out)
    assert snapshot(out) == expected


def _taken_blocks(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The keys of the blocks whose shards a worker wrote, as the builds take them."""
    taken: list[str | None] = []
    take = publish.DatasetWriter.take_block

    def counted(
        writer: publish.DatasetWriter, written: object, key: str | None, used: str | None
    ) -> None:
        taken.append(key)
        take(writer, written, key, used)

    monkeypatch.setattr(publish.DatasetWriter, "take_block", counted)
    return taken


def test_workers_write_the_shards_of_their_blocks_in_the_bytes_of_one_process(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Row groups of a few rows: a block's shards hold several, as the workers write them.
    monkeypatch.setattr(publish, "ROW_GROUP_ROWS", {"articles": 3, "ner": 7})
    monkeypatch.setattr(publish, "DEFAULT_ROW_GROUP_ROWS", 11)
    taken = _taken_blocks(monkeypatch)
    one, two, cache = tmp_path / "one", tmp_path / "two", tmp_path / "cache"
    build(raw, one)
    build(raw, two, jobs=2, cache=cache)
    assert len(taken) == _shards(one, "articles") >= 6
    assert snapshot(two) == snapshot(one)
    groups = [pq.ParquetFile(path).num_row_groups for path in (two / "data" / "ner").iterdir()]
    assert max(groups) > 1
    assert sorted(path.name for path in two.iterdir()) == [
        "README.md",
        "SHA256SUMS",
        "croissant.json",
        "data",
    ]
    # Many documents changed: their blocks are checked by the workers, every other block is
    # taken as it was, but for one whose kept entry does not read: checked here, between
    # blocks that the workers wrote.
    taken.clear()
    lost: list[str | None] = []
    summary = block_plan.kept_summary

    def losing(cache: DocumentCache, block: block_plan.Block) -> object:
        if not lost:
            lost.append(block.key)
            return None
        return summary(cache, block)

    monkeypatch.setattr(pipeline, "kept_summary", losing)
    free = sorted(set(_stems(raw)) - _quoted_by_registries(raw))
    for stem in free[2 : CHUNK + 3]:
        _append(raw, stem, "Các đại biểu thống nhất kiến nghị.")
    build(raw, two, jobs=2, cache=cache)
    assert len(lost) == 1 and lost[0] not in taken
    assert 2 <= len(taken) < _shards(one, "articles") - 1 and None not in taken
    _same_as_cold(raw, two, tmp_path)
    monkeypatch.setattr(pipeline, "kept_summary", summary)
    # One document changed: its block is checked in this process, no worker starts.
    jobs: list[int] = []
    check_documents = document_worker.check_documents

    def checking(context: WorkerContext, chunks: list[list[str]], given: int) -> object:
        jobs.append(given)
        return check_documents(context, chunks, given)

    monkeypatch.setattr(pipeline, "check_documents", checking)
    _append(raw, free[0], "Hội nghị kết thúc tốt đẹp.")
    before = len(taken)
    build(raw, two, jobs=2, cache=cache)
    assert jobs == [1] and len(taken) == before
    shutil.rmtree(tmp_path / "cold")
    _same_as_cold(raw, two, tmp_path)


def _stems(raw: Path) -> list[str]:
    return sorted(path.stem for path in (raw / "documents").glob("*.txt"))


def _append(raw: Path, stem: str, sentence: str) -> None:
    text = (raw / "documents" / f"{stem}.txt").read_text(encoding="utf-8")
    _set_text(raw, stem, f"{text}\n\n{sentence}")


def test_a_block_with_a_problem_checked_by_a_worker_fails_as_in_one_process(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = _taken_blocks(monkeypatch)
    out, _, expected = _built(raw, tmp_path)
    # In the first block: the blocks after it that the workers wrote are not taken.
    annotation = raw / "documents" / f"{_stems(raw)[1]}.yaml"
    bad = "mentions:\n- quote: Không có ở đây\n  entity: ban-bi-thu\n"
    annotation.write_text(
        annotation.read_text(encoding="utf-8").replace("mentions:\n", bad, 1), encoding="utf-8"
    )
    with pytest.raises(InvalidCorpusError) as two:
        build(raw, out, jobs=2)
    with pytest.raises(InvalidCorpusError) as one:
        build(raw, out)
    found = [issue.format() for issue in two.value.report.sorted_issues()]
    assert found == [issue.format() for issue in one.value.report.sorted_issues()]
    assert len(found) == 1 and ": quote-not-found: " in found[0]
    assert taken == []
    assert snapshot(out) == expected
    _nothing_left_beside(tmp_path / "out")


ONE_PROCESS = """
import sys
from multiprocessing import resource_tracker
from pathlib import Path
from dnnd_dataset.builder import build
build(Path(sys.argv[1]), Path(sys.argv[2]), jobs=1, cache=Path(sys.argv[3]))
print(resource_tracker._resource_tracker._pid)
"""


def test_a_build_in_one_process_starts_no_other(raw: Path, tmp_path: Path) -> None:
    # No pool, and nothing a pool needs: an event would start multiprocessing's tracker.
    done = python("-c", ONE_PROCESS, raw, tmp_path / "out", tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None"]


def _nothing_left_beside(out: Path) -> None:
    """No staging folder, lock or file of a block is left beside the output folder."""
    assert sorted(path.name for path in out.parent.iterdir()) == [
        "DATASET_CARD.md",
        "cache",
        "out",
        "raw",
    ]


def test_a_worker_that_cannot_write_fails_the_build_with_the_reason(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _, expected = _built(raw, tmp_path)
    # Pickled by name, so that the workers call it too.
    monkeypatch.setattr(publish, "block_shard_writer", worker_failures.full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        build(raw, out, jobs=2)
    assert snapshot(out) == expected
    _nothing_left_beside(tmp_path / "out")


def _users(raw: Path, entity_id: str) -> list[str]:
    """The articles whose annotation names ``entity_id`` (in a mention, a position, ...)."""
    return sorted(
        path.stem
        for path in (raw / "documents").glob("*.yaml")
        if f": {entity_id}\n" in path.read_text(encoding="utf-8")
    )


def _block_shards(raw: Path, out: Path, stems: list[str]) -> set[str]:
    """The shards of article rows of the blocks that hold ``stems``."""
    cut = shard_blocks.blocks(sorted(path.stem for path in (raw / "documents").glob("*.txt")))
    return {
        data_file(table, number, _shards(out, table))
        for number, block in enumerate(cut)
        if set(block) & set(stems)
        for table in ARTICLE_TABLES
    }


@pytest.mark.parametrize("users", [0, 1])
def test_a_registry_edit_that_changes_no_name_checks_only_the_blocks_that_use_the_entry(
    raw: Path, tmp_path: Path, users: int
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    posts = sorted((raw / "registry" / "posts").glob("*.yaml"))
    path = next(path for path in posts if len(_users(raw, path.stem)) == users)
    before = _identities(out)
    with path.open("a", encoding="utf-8") as file:
        file.write("# ghi chú của người biên tập\n")
    build(raw, out, cache=cache)
    _same_as_cold(raw, out, tmp_path)
    rewritten = _rewritten(before, out)
    # Of the blocks, only those of the articles that use the post are checked and written
    # again (the registry tables are made again, and taken whole where their rows are equal).
    assert rewritten - _registry_tables(out) == _block_shards(raw, out, _users(raw, path.stem))


def test_an_edit_of_a_meeting_checks_the_blocks_that_use_it_or_that_it_quotes_again(
    raw: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    meeting = max((raw / "registry" / "meetings").glob("*.yaml"))
    text = meeting.read_text(encoding="utf-8")
    before = _identities(out)
    meeting.write_text(text + "# ghi chú của người biên tập\n", encoding="utf-8")
    build(raw, out, cache=cache)
    _same_as_cold(raw, out, tmp_path)
    quoted = sorted(
        {line.split(":", 1)[1].strip() for line in text.splitlines() if "- article:" in line}
    )
    readers = sorted({*quoted, *_users(raw, meeting.stem)})
    assert quoted and len(readers) < ARTICLES // 2
    rewritten = _rewritten(before, out) - _registry_tables(out)
    assert rewritten == _block_shards(raw, out, readers)


def test_a_new_entry_that_owns_a_printed_name_checks_every_block_again(
    raw: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    before = _identities(out)
    person = min((raw / "registry" / "persons").glob("*.yaml"))
    # The same name under an id that sorts first: the name found in every text that prints
    # it now belongs to the new entry, whose id the unmentioned-name problems would give.
    twin = person.with_name("a-" + person.name)
    twin.write_text(
        person.read_text(encoding="utf-8").replace(f"id: {person.stem}", f"id: {twin.stem}"),
        encoding="utf-8",
    )
    outcome = [build(raw, out, cache=cache).valid]
    cold = tmp_path / "cold"
    outcome.append(build(raw, cold).valid)
    assert outcome == [True, True]
    assert snapshot(out) == snapshot(cold)
    # Every block was checked again: the names every text is searched for changed.
    assert _rewritten(before, out) >= {
        path.relative_to(out).as_posix() for path in (out / "data" / "ner").iterdir()
    }


def test_a_block_checked_under_other_registries_is_checked_again_when_they_come_back(
    raw: Path, tmp_path: Path
) -> None:
    first, second, cache = tmp_path / "first", tmp_path / "second", tmp_path / "cache"
    build(raw, first, cache=cache)
    post = next(
        path
        for path in sorted((raw / "registry" / "posts").glob("*.yaml"))
        if len(_users(raw, path.stem)) == 1
    )
    kept = post.read_text(encoding="utf-8")
    post.write_text(kept + "# ghi chú\n", encoding="utf-8")
    # Another output from the same cache: the block of the post's article is checked under
    # the edited registries, and kept so.
    build(raw, second, cache=cache)
    post.write_text(kept, encoding="utf-8")
    edited = _free_article(raw, 20)
    edit_text(raw)  # so that the first output is not up to date
    before = _identities(first)
    # The registries of the first output again: its registry tables are taken whole, but the
    # block kept under the edited post is checked again, since it was made under another.
    build(raw, first, cache=cache)
    _same_as_cold(raw, first, tmp_path)
    rewritten = _rewritten(before, first) - _registry_tables(first)
    assert rewritten == _block_shards(raw, first, [*_users(raw, post.stem), edited])


def _author(raw: Path) -> Path:
    """The registry file of a person whom some article gives as its author."""
    for path in sorted((raw / "registry" / "persons").glob("*.yaml")):
        for annotation in sorted((raw / "documents").glob("*.yaml")):
            if f"authors:\n- person: {path.stem}\n" in annotation.read_text(encoding="utf-8"):
                return path
    raise AssertionError("no article has an author")


def _name_with_a_no_break_space(path: Path) -> None:
    """The person's name with a no-break space for its last space: the same name where texts
    are searched (look-alikes are one), another value in the authors of the articles."""
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("name: "))
    assert line.count(" ") >= 2
    head, tail = line.rsplit(" ", 1)
    path.write_text(text.replace(line, f"{head}\u00a0{tail}"), encoding="utf-8")


@pytest.mark.parametrize("between", ["check", "another output"])
def test_shards_written_under_other_registry_entries_are_not_taken(
    raw: Path, tmp_path: Path, between: str
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    expected = snapshot(out)
    person = _author(raw)
    _name_with_a_no_break_space(person)
    # The blocks of the person's articles are checked under the edited entry, and kept so
    # in the cache, while the output still holds their shards written under the old one.
    if between == "check":
        assert check(raw, cache=cache).valid
    else:
        build(raw, tmp_path / "other", cache=cache)
    before = _identities(out)
    build(raw, out, cache=cache)
    _same_as_cold(raw, out, tmp_path)
    assert snapshot(out) != expected
    rewritten = _rewritten(before, out) - _registry_tables(out)
    assert rewritten == _block_shards(raw, out, _users(raw, person.stem))


def test_a_dangling_reference_suggests_what_a_cold_build_suggests(
    raw: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    person = _author(raw)
    assert person.stem[-1] in "0123456"
    typo, closer = person.stem[:-1] + "7", person.stem[:-1] + "8"
    annotation = next(
        path
        for path in sorted((raw / "documents").glob("*.yaml"))
        if f"authors:\n- person: {person.stem}\n" in path.read_text(encoding="utf-8")
    )
    text = annotation.read_text(encoding="utf-8")
    annotation.write_text(
        text.replace(f"authors:\n- person: {person.stem}\n", f"authors:\n- person: {typo}\n"),
        encoding="utf-8",
    )
    found = _problems(raw, out, cache)
    assert [f"did you mean {person.stem!r}? " in line for line in found[0]] == [True]
    # A new person whose id is as close to the typo, and sorts after: the one suggested now.
    entry = person.read_text(encoding="utf-8").replace(f"id: {person.stem}", f"id: {closer}")
    name = next(line for line in entry.splitlines() if line.startswith("name: "))
    (person.parent / f"{closer}.yaml").write_text(
        entry.replace(name, "name: Tên Chưa In Ở Đâu"), encoding="utf-8"
    )
    found = _problems(raw, out, cache)
    assert [f"did you mean {closer!r}? " in line for line in found[0]] == [True]
    assert found == _problems(raw, tmp_path / "cold", None)


def test_after_a_registry_edit_a_rebuild_reads_no_block_contribution_again(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(raw, out, cache=cache)
    posts = sorted((raw / "registry" / "posts").glob("*.yaml"))
    post = next(path for path in posts if len(_users(raw, path.stem)) == 1)
    with post.open("a", encoding="utf-8") as file:
        file.write("# ghi chú của người biên tập\n")
    # Every block is read to know the entries it uses, once: its entry then says that it
    # was checked under the registries of this run.
    build(raw, out, cache=cache)
    before = _identities(out)
    edit_text(raw)
    _build_reading_no_contribution(raw, out, cache, monkeypatch)
    assert _registry_tables(out) and not _rewritten(before, out) & _registry_tables(out)
    _same_as_cold(raw, out, tmp_path)
