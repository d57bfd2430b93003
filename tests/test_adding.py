"""``dnnd add``: the copy, the id, the draft on disk, refusals; and the README walk-through."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.cli import main
from dnnd_dataset.drafting import adding, drafter_model, file_set
from dnnd_dataset.drafting.adding import add_article, next_article_id
from dnnd_dataset.drafting.knowledge import read_knowledge
from dnnd_dataset.errors import DnndError, InvalidCorpusError

from .conftest import RAW, REPO, python, snapshot

README = (REPO / "README.md").read_text(encoding="utf-8")
WALK_THROUGH = README.split("## Adding an article", 1)[1].split("\n## ", 1)[0]
EXAMPLE = re.findall(r"```text\n(.*?)```", WALK_THROUGH, re.DOTALL)[0]
SEED = RAW / "documents" / "003-cb987c258479b677.txt"
# The README shows the example added to the five golden texts; a larger corpus gives it the
# next number, which the walk-through's commands, outputs and diffs then name instead.
README_ID = re.findall(r"added raw/documents/(\S+)\.txt", WALK_THROUGH)[0]
NEW_ID = next_article_id(RAW / "documents", EXAMPLE)


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """raw/ and the card prose in a scratch folder, as a checkout holds them."""
    shutil.copytree(RAW, tmp_path / "raw")
    shutil.copy(REPO / "DATASET_CARD.md", tmp_path / "DATASET_CARD.md")
    shutil.copy(REPO / "build.py", tmp_path / "build.py")
    shutil.copytree(REPO / "dnnd_dataset" / "_data", tmp_path / "dnnd_dataset" / "_data")
    (tmp_path / "bai-moi.txt").write_text(EXAMPLE, encoding="utf-8")
    return tmp_path


def _apply(diff: str, root: Path) -> None:
    """Apply a diff whose hunks are found by their content, not their line numbers."""
    for part in re.split(r"^--- ", diff, flags=re.MULTILINE)[1:]:
        header, *hunks = re.split(r"^@@.*@@\n", part, flags=re.MULTILINE)
        path = root / header.splitlines()[1].removeprefix("+++ b/")
        text = "" if header.startswith("/dev/null") else path.read_text(encoding="utf-8")
        for hunk in hunks:
            lines = hunk.splitlines()
            old = "".join(line[1:] + "\n" for line in lines if line[:1] in " -")
            new = "".join(line[1:] + "\n" for line in lines if line[:1] in " +")
            assert text.count(old) == 1 or old == text == "", f"{path}: hunk not found:\n{old}"
            text = text.replace(old, new) if old else new
        path.write_text(text, encoding="utf-8")


def _console(block: str, cwd: Path) -> None:
    commands = re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]
    for command in commands:
        line, _, expected = command.partition("\n")
        argv = shlex.split(line.split(" | ")[0])
        if argv[:2] == ["python", "build.py"]:
            done = python(*argv[1:], cwd=cwd)
        else:
            assert argv[0] == "dnnd"
            done = python("-m", "dnnd_dataset.cli", *argv[1:], cwd=cwd)
        output = done.stdout + done.stderr
        if " | grep " in line:
            pattern = line.split(" | grep ", 1)[1]
            output = "".join(o + "\n" for o in output.splitlines() if pattern in o)
        assert output == expected, line


def test_readme_walk_through_runs(workspace: Path) -> None:
    blocks = re.findall(r"```(console|diff)\n(.*?)```", WALK_THROUGH, re.DOTALL)
    assert [kind for kind, _ in blocks] == ["console", "diff", "console"]
    assert README_ID[4:] == NEW_ID[4:]
    for kind, shown in blocks:
        block = shown.replace(README_ID, NEW_ID).replace(
            f"grep {README_ID[:4]}", f"grep {NEW_ID[:4]}"
        )
        if kind == "console":
            _console(block, workspace)
        else:
            _apply(block, workspace)
    assert (workspace / "dataset" / "SHA256SUMS").is_file()
    # The shipped tables followed the corpus: the package data holds the new article.
    shipped = pq.read_table(workspace / "dnnd_dataset" / "_data" / "articles.parquet")
    assert NEW_ID in shipped.column("article_id").to_pylist()
    built = pq.read_table(
        workspace / "dataset" / "data" / "articles" / "train-00000-of-00001.parquet"
    )
    assert shipped.equals(built, check_metadata=True)


def test_the_copy_is_byte_identical_and_the_id_follows_the_convention(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    text = tmp_path / "new.txt"
    text.write_bytes(EXAMPLE.encode("utf-8"))
    added = add_article(raw, text)
    digest = hashlib.sha256(EXAMPLE.encode("utf-8")).hexdigest()
    number = max(int(path.name[:3]) for path in (RAW / "documents").glob("*.txt")) + 1
    assert added.article_id == f"{number:03d}-{digest[:16]}"
    assert added.text_path.read_bytes() == text.read_bytes()
    assert (added.mentions, added.proposed, added.notes) == (7, 7, [])
    assert next_article_id(raw / "documents", "x").startswith(f"{number + 1:03d}-")


def test_options_are_kept_when_the_text_prints_them(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    text = tmp_path / "new.txt"
    text.write_text(
        "Thứ sáu, 31/05/2024\n\n" + EXAMPLE + "\nNguồn: https://vufo.org.vn/bai-1.html\n",
        encoding="utf-8",
    )
    added = add_article(
        raw,
        text,
        outlet="vufo.org.vn",
        url="https://vufo.org.vn/bai-1.html",
        page_date=__import__("datetime").date(2024, 5, 31),
    )
    draft = added.annotation_path.read_text(encoding="utf-8")
    assert "outlet:\n  name: vufo.org.vn\n  evidence:\n    quote: vufo.org.vn\n" in draft
    assert "url:\n  quote: https://vufo.org.vn/bai-1.html\n  proposed: true\n" in draft
    assert "page_date:\n  value: 2024-05-31\n  evidence:\n    quote: 31/05/2024\n" in draft
    assert added.notes == []


def test_options_the_text_does_not_print_become_notes(workspace: Path) -> None:
    added = add_article(
        workspace / "raw", workspace / "bai-moi.txt", outlet="Báo Nhân Dân", url="https://x.vn/1"
    )
    assert added.notes == [
        "--outlet 'Báo Nhân Dân' is not printed in the text and no dateline tag names it; an "
        "outlet needs evidence in the text, so the draft leaves it out",
        "--url https://x.vn/1 is not printed in the text; a url needs the printed address as "
        "evidence, so the draft leaves it out",
    ]
    assert added.annotation_path.read_text(encoding="utf-8").count("# Note: ") == 2


def test_a_text_already_in_the_corpus_is_refused_and_nothing_is_written(raw_copy: Path) -> None:
    before = snapshot(raw_copy)
    with pytest.raises(DnndError) as caught:
        add_article(raw_copy, SEED)
    assert str(caught.value) == (
        f"{SEED}: this text is already in the corpus as 003-cb987c258479b677 "
        "(fix: review raw/documents/003-cb987c258479b677.yaml instead)"
    )
    assert snapshot(raw_copy) == before


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "invalid-value"), (b"\xef\xbb\xbfabc", "byte-order-mark"), (b"\xff", "bad-encoding")],
)
def test_an_unreadable_text_is_refused_with_a_located_issue(
    raw_copy: Path, tmp_path: Path, content: bytes, code: str
) -> None:
    before = snapshot(raw_copy)
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InvalidCorpusError) as caught:
        add_article(raw_copy, path)
    assert [(i.path, i.line, i.code) for i in caught.value.report.issues] == [(str(path), 1, code)]
    assert snapshot(raw_copy) == before


def test_a_broken_registry_stops_the_draft(raw_copy: Path, tmp_path: Path) -> None:
    (raw_copy / "registry" / "persons" / "ha-su.yaml").write_text("id: [", encoding="utf-8")
    before = snapshot(raw_copy)
    text = tmp_path / "new.txt"
    text.write_text(EXAMPLE, encoding="utf-8")
    with pytest.raises(InvalidCorpusError) as caught:
        add_article(raw_copy, text)
    assert [i.code for i in caught.value.report.issues] == ["invalid-yaml"]
    assert snapshot(raw_copy) == before


def test_build_refuses_a_draft_and_leaves_the_output_as_it_was(workspace: Path) -> None:
    assert main(["add", str(workspace / "bai-moi.txt"), "--raw", str(workspace / "raw")]) == 0
    out = workspace / "dist"
    done = python("-m", "dnnd_dataset.cli", "build", "--out", str(out), cwd=workspace)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-2:] == [
        f"raw/documents/{NEW_ID}.yaml:8: title: unreviewed-proposal: 7 drafted "
        "item(s) await review, the first here (fix: accept an item by deleting its "
        "'proposed: true', reject it by deleting the item; correct the entries under "
        "'proposals:' and run 'dnnd accept', or delete them)",
        "1 problem(s) found; nothing was written.",
    ]
    assert not out.exists()
    result = compile_corpus(workspace / "raw")
    counts = result.report.stats["proposals"]
    shown = str(workspace / "raw" / "documents" / f"{NEW_ID}.yaml")
    assert {path: count for path, count in counts.items() if count} == {shown: 7}
    assert len(counts) == len(list((RAW / "documents").glob("*.yaml"))) + 1


def test_cli_add_usage_errors() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dnnd_dataset.cli", "add", "x.txt", "--page-date", "31/5/2024"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "dnnd add: error: argument --page-date: '31/5/2024' is not a date as YYYY-MM-DD"
    )


def test_the_leave_one_out_evaluation_meets_its_targets() -> None:
    done = python("bench/preannotate.py", "--json", cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    import json

    results = json.loads(done.stdout)
    assert results["targets_met"] is True
    for label in ("PERSON", "ORGANIZATION", "DIRECTIVE"):
        row = results["labels"][label]
        assert row["precision"] >= 0.95 and row["recall"] >= 0.90, label
    codes = results["directive_codes"]
    assert codes["exact"] == codes["total"] > 0 and codes["misses"] == []
    every = results["directive_codes_in_texts"]
    assert every["exact"] == every["total"] > 0


def test_a_command_line_value_cannot_break_out_of_its_note(workspace: Path) -> None:
    added = add_article(
        workspace / "raw", workspace / "bai-moi.txt", url="https://x.vn/\nproposals: []\x1b[31m"
    )
    text = added.annotation_path.read_text(encoding="utf-8")
    assert "# Note: --url https://x.vn/\\nproposals: []\\x1b[31m is not printed" in text
    counts = compile_corpus(workspace / "raw").report.stats["proposals"]
    assert counts[str(added.annotation_path)] == 7


def _codes_after_add(raw: Path, text_file: Path) -> tuple[str, list[str]]:
    added = add_article(raw, text_file)
    report = compile_corpus(raw).report
    return added.annotation_path.read_text(encoding="utf-8"), [
        issue.code for issue in report.sorted_issues()
    ]


def test_a_mark_after_a_code_leaves_the_item_out_with_a_note(raw_copy: Path) -> None:
    # The directive finder ends before U+0334: a quote there would cut the 3 from its mark.
    text_file = raw_copy.parent / "ket-luan.txt"
    text_file.write_text("Kết luận 73\u0334 của Ban Bí thư\n", encoding="utf-8")
    drafted, codes = _codes_after_add(raw_copy, text_file)
    assert drafted.count("Kết luận 73") == 1  # in the title only
    assert (
        "# Note: 1 item(s) found in the text are left out: their words cannot be quoted as "
        "printed (too long for the raw format, across a line break written as CR, or cutting "
        "a character from its mark); annotate them by hand if they matter\n"
    ) in drafted
    assert codes == ["unreviewed-proposal"]


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_a_text_with_cr_line_endings_gets_a_draft_the_checker_reads(
    raw_copy: Path, newline: str
) -> None:
    text_file = raw_copy.parent / "cr.txt"
    # The comment widget spans three lines: its quote would hold the CR of each break.
    lines = ["Hội nghị tổng kết", "", "Ngày 5/3/2021, Ban Bí thư đã họp", "với Lê Đại.", "(GLO)"]
    lines += ["0 nhận xét:", "", "Đăng nhận xét"]
    text_file.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    drafted, codes = _codes_after_add(raw_copy, text_file)
    assert "\\r" not in drafted and "\r" not in drafted
    assert "  quote: Hội nghị tổng kết\n" in drafted
    assert "  - {quote: Ban Bí thư, entity: ban-bi-thu}\n" in drafted
    assert codes == ["unreviewed-proposal"]


def test_an_add_reads_and_writes_the_corpus_under_the_lock_of_the_raw_folder(
    raw_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held: list[str] = []

    def locked() -> bool:
        # Another open of the folder cannot lock it while the add holds it.
        descriptor = os.open(raw_copy, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(descriptor)
        return False

    def spy(name: str, real: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if locked():
                held.append(name)
            return real(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(adding, "read_knowledge", spy("read", read_knowledge))
    monkeypatch.setattr(adding, "write_all_or_none", spy("write", file_set.write_all_or_none))
    text_file = raw_copy.parent / "bai-moi.txt"
    text_file.write_text(EXAMPLE, encoding="utf-8")
    added = add_article(raw_copy, text_file)
    assert held == ["read", "write"]
    assert not locked()  # released
    # The second of two adds of one text reads the corpus after the first wrote it.
    with pytest.raises(DnndError, match=f"already in the corpus as {added.article_id} "):
        add_article(raw_copy, text_file)


def test_a_draft_keeps_to_the_caps_of_the_raw_format(
    raw_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A first line of 5,599 characters and a run of capitals far longer than any name. The
    # rules propose the run as one body; the corpus's model would drop it, so it is left out.
    monkeypatch.setattr(drafter_model, "model_for", lambda raw: None)
    long_line = " ".join(["Ban Chấp Hành"] * 400)
    text_file = raw_copy.parent / "dai.txt"
    text_file.write_text(f"{long_line}\nNgày 5/3/2021, {long_line} họp với Ban Bí thư.\n", "utf-8")
    drafted, codes = _codes_after_add(raw_copy, text_file)
    title = yaml.safe_load(drafted)["title"]["quote"]
    assert 1_990 < len(title) <= 2_000 and long_line.startswith(title)
    assert long_line[len(title)] == " "  # cut between words
    assert "# Note: 1 item(s) found in the text are left out" in drafted
    assert codes == ["unreviewed-proposal"]
