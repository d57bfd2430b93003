"""Worker processes and the document cache change nothing: the same bytes, the same report."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from bench import synth
from dnnd_dataset.builder import build
from dnnd_dataset.checking.document_cache import DocumentCache
from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.checking.registry_files import entry_key
from dnnd_dataset.errors import InvalidCorpusError

from .conftest import checked_afresh, snapshot

ARTICLES = 40  # more than one chunk of documents, so two workers share them


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("corpus") / "raw"
    synth.write_corpus(raw, ARTICLES, seed=5)
    return raw


def _copy(raw: Path, where: Path) -> Path:
    shutil.copytree(raw, where / "raw")
    shutil.copyfile(raw.parent / "DATASET_CARD.md", where / "DATASET_CARD.md")
    return where / "raw"


def _edit_text(raw: Path, stem: str, addition: str) -> None:
    """Append to one text and record its new checksum: a valid one-document change."""
    text_path = raw / "documents" / f"{stem}.txt"
    yaml_path = raw / "documents" / f"{stem}.yaml"
    old = hashlib.sha256(text_path.read_bytes()).hexdigest()
    text_path.write_text(text_path.read_text(encoding="utf-8") + addition, encoding="utf-8")
    new = hashlib.sha256(text_path.read_bytes()).hexdigest()
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _entries(folder: Path, raw: Path) -> set[str]:
    """The documents' entries (not the one that remembers the registry files)."""
    with DocumentCache(folder) as cache:
        return cache.keys() - {entry_key(raw)}


def test_jobs_and_cache_give_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(corpus, tmp_path / "plain", jobs=1)
    build(corpus, tmp_path / "two-jobs", jobs=2)
    build(corpus, tmp_path / "cold", jobs=2, cache=cache)
    assert len(_entries(cache, corpus)) == ARTICLES
    build(corpus, tmp_path / "warm", jobs=1, cache=cache)
    plain = snapshot(tmp_path / "plain")
    assert len(plain) > 7
    for variant in ("two-jobs", "cold", "warm"):
        assert snapshot(tmp_path / variant) == plain, variant


def test_a_changed_document_is_checked_again(corpus: Path, tmp_path: Path) -> None:
    raw = _copy(corpus, tmp_path / "edited")
    cache = tmp_path / "cache"
    build(raw, tmp_path / "before", cache=cache)
    entries = _entries(cache, raw)
    _edit_text(raw, "000007-syn", "\n\nCác đại biểu thống nhất kiến nghị.")
    build(raw, tmp_path / "cached", cache=cache, jobs=2)
    build(raw, tmp_path / "fresh")
    assert snapshot(tmp_path / "cached") == snapshot(tmp_path / "fresh")
    assert snapshot(tmp_path / "cached") != snapshot(tmp_path / "before")
    # One entry replaced, the stale one removed.
    after = _entries(cache, raw)
    assert (len(after - entries), len(entries - after), len(after)) == (1, 1, ARTICLES)


def test_a_changed_registry_entry_invalidates_the_documents_that_use_it(
    corpus: Path, tmp_path: Path
) -> None:
    raw = _copy(corpus, tmp_path / "renamed")
    cache = tmp_path / "cache"
    assert compile_corpus(raw, cache=cache).report.valid
    persons = min((raw / "registry" / "persons").glob("*.yaml"))
    text = persons.read_text(encoding="utf-8")
    name = text.split("name: ", 1)[1].split("\n", 1)[0]
    persons.write_text(text.replace(f"name: {name}\n", "name: Tên Khác Hẳn\n", 1), "utf-8")
    cached = compile_corpus(raw, cache=cache, jobs=2).report
    fresh = compile_corpus(raw).report
    assert not fresh.valid
    assert "mention-not-an-alias" in {issue.code for issue in fresh.issues}
    assert cached.format() == fresh.format()
    assert cached.stats == fresh.stats


def test_an_entry_named_like_a_file_that_did_not_load_invalidates_its_documents(
    corpus: Path, tmp_path: Path
) -> None:
    # The id of ban-bi-thu is also the name of a posts file that does not load: references
    # to it are read against the organization, whose names decide the documents' problems.
    raw = _copy(corpus, tmp_path / "rejected")
    (raw / "registry" / "posts" / "ban-bi-thu.yaml").write_text("name: [\n", encoding="utf-8")
    cache = tmp_path / "cache"
    assert "mention-not-an-alias" not in {
        i.code for i in compile_corpus(raw, cache=cache).report.issues
    }
    entry = raw / "registry" / "organizations" / "ban-bi-thu.yaml"
    text = entry.read_text(encoding="utf-8")
    assert "other_names:\n- Ban Bí thư\n" in text
    entry.write_text(text.replace("other_names:\n- Ban Bí thư\n", ""), encoding="utf-8")
    cached = compile_corpus(raw, cache=cache).report
    fresh = compile_corpus(raw).report
    assert "mention-not-an-alias" in {issue.code for issue in fresh.issues}
    assert cached.format() == fresh.format()


def test_an_id_suggested_among_entries_of_one_name_is_the_one_a_fresh_check_suggests(
    corpus: Path, tmp_path: Path
) -> None:
    # Two entries share a name that a dangling id is close to: the first one read is
    # suggested. A file renamed away from its id is read after the others.
    raw = _copy(corpus, tmp_path / "suggested")
    persons = raw / "registry" / "persons"
    for entity_id in ("aa-one", "ab-two"):
        (persons / f"{entity_id}.yaml").write_text(
            f"id: {entity_id}\nname: Anh Ba\nroles:\n- official\n", encoding="utf-8"
        )
    document = raw / "documents" / "000000-syn.yaml"
    text = document.read_text(encoding="utf-8")
    located = "- quote: Hà Nội\n  label: LOCATION\n"
    assert located in text
    document.write_text(text.replace(located, "- quote: Hà Nội\n  entity: anh-bax\n"), "utf-8")
    cache = tmp_path / "cache"
    assert "'aa-one'?" in compile_corpus(raw, cache=cache).report.format()
    (persons / "aa-one.yaml").rename(persons / "zz-one.yaml")
    cached = compile_corpus(raw, cache=cache).report
    fresh = compile_corpus(raw).report
    assert "'ab-two'?" in fresh.format()
    assert cached.format() == fresh.format()


def test_an_entry_edited_without_a_new_name_checks_no_document_again(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A document's check reads an entry's registry, names and file, and nothing else of it.
    raw = _copy(corpus, tmp_path / "roles")
    cache = tmp_path / "cache"
    build(raw, tmp_path / "before", cache=cache)
    persons = min((raw / "registry" / "persons").glob("*.yaml"))
    text = persons.read_text(encoding="utf-8")
    assert "wikidata_id" not in text
    persons.write_text(f"{text.rstrip()}\nwikidata_id: Q1\n", encoding="utf-8")
    checked = checked_afresh(monkeypatch)
    build(raw, tmp_path / "cached", cache=cache)
    assert checked == []
    monkeypatch.undo()
    build(raw, tmp_path / "fresh")
    assert snapshot(tmp_path / "cached") == snapshot(tmp_path / "fresh")
    assert snapshot(tmp_path / "cached") != snapshot(tmp_path / "before")


def test_every_error_is_reported_with_jobs_and_cache(corpus: Path, tmp_path: Path) -> None:
    raw = _copy(corpus, tmp_path / "broken")
    cache = tmp_path / "cache"
    compile_corpus(raw, cache=cache)
    (raw / "documents" / "000003-syn.yaml").write_text("title: [", encoding="utf-8")
    (raw / "documents" / "000031-syn.txt").write_text("Văn bản khác.", encoding="utf-8")
    reports = [
        compile_corpus(raw).report,
        compile_corpus(raw, jobs=2).report,
        compile_corpus(raw, jobs=2, cache=cache).report,
        compile_corpus(raw, cache=cache).report,
    ]
    codes = sorted({(issue.path.rsplit("/", 1)[-1], issue.code) for issue in reports[0].issues})
    assert codes == [
        ("000003-syn.yaml", "invalid-yaml"),
        ("000031-syn.yaml", "quote-not-found"),
        ("000031-syn.yaml", "text-changed"),
    ]
    for report in reports[1:]:
        assert report.format() == reports[0].format()
    with pytest.raises(InvalidCorpusError):
        build(raw, tmp_path / "out", jobs=2, cache=cache)
    assert not (tmp_path / "out").exists()


def test_a_cached_document_with_a_problem_of_the_day_is_located_as_without_cache(
    corpus: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert compile_corpus(corpus, cache=cache).report.valid
    # Every page date lies after this day: the check that runs afresh on cached documents
    # finds a problem, to be located in the annotation as a first check would locate it.
    early = dt.date(2000, 1, 1)
    fresh = compile_corpus(corpus, early).report
    assert {issue.code for issue in fresh.issues} == {"date-out-of-range"}
    assert all(issue.line > 1 for issue in fresh.issues)
    for cached in (
        compile_corpus(corpus, early, cache=cache).report,
        compile_corpus(corpus, early, cache=cache, jobs=2).report,
    ):
        assert cached.format() == fresh.format()


def _stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_rebuild_of_unchanged_inputs_over_its_own_output_writes_nothing(
    corpus: Path, tmp_path: Path
) -> None:
    raw = _copy(corpus, tmp_path / "same")
    cache, out = tmp_path / "cache", tmp_path / "out"
    first = build(raw, out, cache=cache)
    assert "up_to_date" not in first.stats
    files = _stats(out)
    again = build(raw, out, cache=cache, jobs=2)
    assert again.stats == {**first.stats, "up_to_date": True}
    assert _stats(out) == files
    # Another output folder is no output of that build: it is written.
    assert "up_to_date" not in build(raw, tmp_path / "elsewhere", cache=cache).stats
    assert snapshot(tmp_path / "elsewhere") == snapshot(out)


def test_a_changed_input_or_a_touched_output_file_builds_again(
    corpus: Path, tmp_path: Path
) -> None:
    raw = _copy(corpus, tmp_path / "changing")
    cache, out = tmp_path / "cache", tmp_path / "out"
    build(raw, out, cache=cache)
    expected = snapshot(out)
    card = out / "README.md"
    card.write_text(card.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "up_to_date" not in build(raw, out, cache=cache).stats
    assert snapshot(out) == expected  # the edited card is written again
    posts = out / "data" / "posts" / "train-00000-of-00001.parquet"
    os.utime(posts, ns=(posts.stat().st_atime_ns, posts.stat().st_mtime_ns + 1))
    assert "up_to_date" not in build(raw, out, cache=cache).stats
    assert snapshot(out) == expected
    assert build(raw, out, cache=cache).stats.get("up_to_date") is True
    _edit_text(raw, "000011-syn", "\n\nHội nghị kết thúc.")
    assert "up_to_date" not in build(raw, out, cache=cache).stats
    assert snapshot(out) != expected
    changed = snapshot(out)
    other_day = build(raw, out, cache=cache, today=dt.date(2030, 1, 2))
    assert "up_to_date" not in other_day.stats
    assert snapshot(out) == changed


def test_a_stamp_that_cannot_be_written_leaves_a_successful_build(
    corpus: Path, tmp_path: Path
) -> None:
    raw = _copy(corpus, tmp_path / "stamped")
    cache, out = tmp_path / "cache", tmp_path / "out"
    # A folder where a stamp would go: the stamp is only a hint, the build still succeeds.
    (cache / "outputs" / f"{'0' * 64}.json").mkdir(parents=True)
    report = build(raw, out, cache=cache)
    assert report.valid
    assert (out / "SHA256SUMS").is_file()


def test_an_output_file_changed_with_its_size_and_time_kept_builds_again(
    corpus: Path, tmp_path: Path
) -> None:
    raw = _copy(corpus, tmp_path / "corrupted")
    cache, out = tmp_path / "cache", tmp_path / "out"
    build(raw, out, cache=cache)
    expected = snapshot(out)
    posts = out / "data" / "posts" / "train-00000-of-00001.parquet"
    status = posts.stat()
    content = bytearray(posts.read_bytes())
    content[len(content) // 2] ^= 0x01
    posts.write_bytes(bytes(content))
    os.utime(posts, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (posts.stat().st_size, posts.stat().st_mtime_ns) == (status.st_size, status.st_mtime_ns)
    assert "up_to_date" not in build(raw, out, cache=cache).stats
    assert snapshot(out) == expected
