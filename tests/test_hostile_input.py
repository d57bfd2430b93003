"""Hostile input: bounded work, every failure located, the run continued, no hang.

Special files (FIFO, socket, folder) named like raw files, unreadable files and folders,
deep nesting, numbers too large for int32, a card that is not UTF-8, output paths that
cannot be written, a terminal that is not UTF-8: each is
one located issue or one clear line, and the other problems of the run are still reported.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dnnd_dataset.builder import build
from dnnd_dataset.checking.pipeline import CompileResult, compile_corpus
from dnnd_dataset.cli import main
from dnnd_dataset.errors import InvalidCorpusError, Issue, OutputError
from dnnd_dataset.reading.anchoring import Span
from dnnd_dataset.records import Mention
from dnnd_dataset.span_index import LineIndex, SpanIndex, strictly_inside_another

from .conftest import REPO, snapshot

DOC = "documents/003-cb987c258479b677.yaml"
TXT = "documents/003-cb987c258479b677.txt"
FLOODED = "documents/000-129a49d91db6336b"
NAME = "Trương Tấn Sang"


def _located(raw: Path, result: CompileResult | None = None) -> list[tuple[str, int, str]]:
    report = (result or compile_corpus(raw)).report
    return [
        (str(Path(issue.path).relative_to(raw)), issue.line, issue.code)
        for issue in report.sorted_issues()
    ]


@contextlib.contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail the test, rather than wait, when the block runs longer than ``seconds``."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------- bounded work


def _flood(raw: Path, copies: int, *, all_occurrences: bool) -> str:
    """Append ``copies`` occurrences of NAME to one text; keep its annotation consistent."""
    text_path = raw / f"{FLOODED}.txt"
    text = text_path.read_text(encoding="utf-8") + "\n" + f"{NAME}, " * copies
    text_path.write_text(text, encoding="utf-8")
    yaml_path = raw / f"{FLOODED}.yaml"
    annotation = re.sub(
        r"sha256: [0-9a-f]{64}",
        f"sha256: {hashlib.sha256(text.encode('utf-8')).hexdigest()}",
        yaml_path.read_text(encoding="utf-8"),
    )
    if not all_occurrences:
        annotation = annotation.replace(
            f"{{quote: {NAME}, entity: truong-tan-sang, all: true}}",
            f"{{quote: {NAME}, entity: truong-tan-sang, occurrence: 1}}",
        )
    yaml_path.write_text(annotation, encoding="utf-8")
    return text


def _mentions_of(result: CompileResult, article_id: str, entity: str) -> int:
    mentions = cast(list[Mention], result.tables["mentions"])
    return len([m for m in mentions if m.article_id == article_id and m.entity_id == entity])


def test_32000_occurrences_under_all_true_take_linear_time(
    raw_copy: Path, compiled: CompileResult
) -> None:
    _flood(raw_copy, 32_000, all_occurrences=True)
    with within(60):  # linear: a few seconds; pairwise checks took minutes
        result = compile_corpus(raw_copy)
    assert result.report.valid, result.report.format()
    article_id = FLOODED.split("/")[1]
    before = compiled.report.stats["coverage"][article_id]
    after = result.report.stats["coverage"][article_id]
    assert after["names_found"] == before["names_found"] + 32_000
    assert after["covered"] == after["names_found"]
    assert _mentions_of(result, article_id, "truong-tan-sang") == (
        _mentions_of(compiled, article_id, "truong-tan-sang") + 32_000
    )


def test_32000_unmentioned_occurrences_are_each_located_in_linear_time(raw_copy: Path) -> None:
    text = _flood(raw_copy, 32_000, all_occurrences=False)
    with within(60):
        issues = compile_corpus(raw_copy).report.issues
    last_line = text.count("\n") + 1
    flooded = [i for i in issues if i.line == last_line and i.code == "unmentioned-name"]
    assert len(flooded) == 32_000
    assert {i.path for i in flooded} == {str(raw_copy / f"{FLOODED}.txt")}
    assert sorted(i.column for i in flooded if i.column is not None) == [
        1 + k * len(f"{NAME}, ") for k in range(32_000)
    ]


spans = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 8)).map(lambda t: Span(t[0], t[0] + t[1])),
    max_size=25,
)


@given(spans, st.integers(0, 40), st.integers(0, 10))
def test_span_index_agrees_with_pairwise_containment(
    given_spans: list[Span], start: int, length: int
) -> None:
    end = start + length
    expected = any(s.start <= start and end <= s.end for s in given_spans)
    assert SpanIndex(given_spans).contains(start, end) == expected


@given(spans)
def test_nesting_sweep_agrees_with_pairwise_comparison(given_spans: list[Span]) -> None:
    expected = [
        any(o.start <= s.start and s.end <= o.end and o != s for o in given_spans)
        for s in given_spans
    ]
    assert strictly_inside_another(given_spans) == expected


def test_nesting_sweep_edges() -> None:
    assert strictly_inside_another([]) == []
    # Equal spans do not contain each other; a span at offset 0 inside one from 0.
    assert strictly_inside_another([Span(0, 3), Span(0, 3), Span(0, 5)]) == [True, True, False]
    assert SpanIndex([]).contains(0, 0) is False
    assert SpanIndex([Span(0, 4)]).contains(0, 4) is True


@given(st.text(alphabet="ab\n", max_size=30), st.data())
def test_line_index_agrees_with_counting(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    assert LineIndex(text).line_and_column(offset) == (line, column)


# ---------------------------------------------------------------- special files


def test_a_fifo_named_like_a_text_is_an_issue_not_a_hang(raw_copy: Path) -> None:
    (raw_copy / TXT).unlink()
    os.mkfifo(raw_copy / TXT)
    with within(60):
        located = _located(raw_copy)
    assert located == [(TXT, 1, "not-a-file")]
    (issue,) = compile_corpus(raw_copy).report.issues
    assert issue.message == "the path is a FIFO, not a regular file"


def test_a_folder_and_a_socket_named_like_annotations_are_issues(
    raw_copy: Path, tmp_path: Path
) -> None:
    (raw_copy / DOC).unlink()
    (raw_copy / DOC).mkdir()
    registry = raw_copy / "registry" / "organizations" / "ban-bi-thu.yaml"
    registry.unlink()
    # A socket path must be short; bind in a short folder, then move the socket into place.
    short = Path("/tmp") / f"dnnd-{os.getpid()}.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(short))
        shutil.move(short, registry)
        issues = compile_corpus(raw_copy).report.issues
    messages = {(str(Path(i.path).relative_to(raw_copy)), i.code, i.message) for i in issues}
    assert (DOC, "not-a-file", "the path is a folder, not a regular file") in messages
    assert (
        "registry/organizations/ban-bi-thu.yaml",
        "not-a-file",
        "the path is a socket, not a regular file",
    ) in messages


# ---------------------------------------------------------------- located failures


def test_deep_nesting_is_an_issue_and_the_run_goes_on(raw_copy: Path) -> None:
    depth = 5_000
    with (raw_copy / DOC).open("a", encoding="utf-8") as file:
        file.write("deep: " + "[" * depth + "]" * depth + "\n")
    unknown = raw_copy / "documents/002-a35811e9377ab383.yaml"
    unknown.write_text(unknown.read_text(encoding="utf-8") + "nickname: x\n", encoding="utf-8")
    located = _located(raw_copy)
    assert (DOC, "invalid-yaml") in {(path, code) for path, _, code in located}
    assert any(code == "unknown-key" for _, _, code in located)


def test_attendance_beyond_int32_is_an_invalid_value(raw_copy: Path) -> None:
    registry = next(
        path
        for path in sorted((raw_copy / "registry" / "meetings").iterdir())
        if "attendance: " in path.read_text(encoding="utf-8")
    )
    shown = str(registry.relative_to(raw_copy))
    text = registry.read_text(encoding="utf-8")
    match = re.search(r"attendance: \d+", text)
    assert match is not None
    registry.write_text(
        text[: match.start()] + "attendance: 99999999999" + text[match.end() :],
        encoding="utf-8",
    )
    line = text.count("\n", 0, match.start()) + 1
    result = compile_corpus(raw_copy)
    located = _located(raw_copy, result)
    assert (shown, line, "invalid-value") in located
    # The meeting is dropped, and what names it is not reported again: one cause, one error.
    assert {code for _, _, code in located} == {"invalid-value"}
    (issue,) = [i for i in result.report.issues if i.code == "invalid-value"]
    assert "less than or equal to 2147483647" in issue.message


def _refuse_reading(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    """As a user without read permission would see it (tests often run as root)."""
    real_read_bytes, real_iterdir, real_open = Path.read_bytes, Path.iterdir, os.open
    real_scandir = os.scandir

    def read_bytes(self: Path) -> bytes:
        if self == refused:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    def iterdir(self: Path) -> Iterator[Path]:
        if self == refused:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_iterdir(self)

    def open_file(path: str | os.PathLike[str], flags: int, *args: Any) -> int:
        if Path(path) == refused:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    def scandir(path: Any = ".") -> Any:
        if Path(path) == refused:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(Path, "iterdir", iterdir)
    monkeypatch.setattr(os, "open", open_file)
    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_text_is_located_and_the_run_goes_on(
    raw_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_reading(monkeypatch, raw_copy / TXT)
    unknown = raw_copy / "documents/002-a35811e9377ab383.yaml"
    unknown.write_text(unknown.read_text(encoding="utf-8") + "nickname: x\n", encoding="utf-8")
    result = compile_corpus(raw_copy)
    located = _located(raw_copy, result)
    assert located[-1] == (TXT, 1, "unreadable-file")
    assert [code for _, _, code in located[:-1]] == ["unknown-key"]
    assert result.report.sorted_issues()[-1].format() == (
        f"{raw_copy / TXT}:1: unreadable-file: the file cannot be read: Permission denied "
        "(fix: make the file readable by the user who runs the build (chmod u+r), or replace it)"
    )


def test_an_unreadable_documents_folder_is_located(
    raw_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_reading(monkeypatch, raw_copy / "documents")
    located = _located(raw_copy)
    assert ("documents", 1, "unreadable-file") in located


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_without_read_permission(raw_copy: Path) -> None:
    (raw_copy / TXT).chmod(0)
    assert _located(raw_copy) == [(TXT, 1, "unreadable-file")]


def test_a_card_that_is_not_utf8_is_reported_with_the_corpus_problems(
    raw_copy: Path, tmp_path: Path
) -> None:
    card = (REPO / "DATASET_CARD.md").read_bytes()
    at = card.index(b"\n", card.index(b"\n") + 1) + 3  # line 3, column 3
    (tmp_path / "DATASET_CARD.md").write_bytes(card[:at] + b"\xff" + card[at:])
    unknown = raw_copy / "documents/002-a35811e9377ab383.yaml"
    unknown.write_text(unknown.read_text(encoding="utf-8") + "nickname: x\n", encoding="utf-8")
    with pytest.raises(InvalidCorpusError) as raised:
        build(raw_copy, tmp_path / "out")
    issues = raised.value.report.sorted_issues()
    assert [(i.path, i.line, i.column, i.code) for i in issues] == [
        (str(tmp_path / "DATASET_CARD.md"), 3, 3, "bad-encoding"),
        (str(unknown), issues[1].line, None, "unknown-key"),
    ]
    assert not (tmp_path / "out").exists()


def test_an_output_path_too_long_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / ("x" * 300)
    assert main(["build", "--raw", str(REPO / "raw"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("dnnd: error: ")
    assert err.endswith(
        ": cannot use it (File name too long); nothing was changed (fix: choose another "
        "folder, with a shorter path)\n"
    )
    assert len(err) < 400


def test_a_read_only_output_is_one_line_and_keeps_the_previous_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    # Without the cache: an unchanged rebuild over its own output would write nothing.
    build = ["build", "--raw", str(REPO / "raw"), "--out", str(out), "--no-cache"]
    assert main(build) == 0
    before = snapshot(out)
    capsys.readouterr()
    real_mkdir = Path.mkdir

    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        if self.parent == tmp_path and self.name.startswith(".dist.building-"):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", read_only)
    assert main(build) == 1
    err = capsys.readouterr().err
    assert re.fullmatch(
        rf"dnnd: error: cannot write {re.escape(str(tmp_path))}/\.dist\.building-[0-9a-f]{{12}}: "
        r"Read-only file system; the previous output is unchanged \(fix: choose a folder on a "
        r"writable file system with free space, and a shorter path\)\n",
        err,
    ), err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def _run_with(encoding: str, *args: str | Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": encoding}
    return subprocess.run(
        [sys.executable, "-m", "dnnd_dataset.cli", *map(str, args)],
        env=env,
        capture_output=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_json_and_messages_under_a_terminal_that_is_not_utf8(raw_copy: Path, encoding: str) -> None:
    unknown = raw_copy / "documents/002-a35811e9377ab383.yaml"
    unknown.write_text(unknown.read_text(encoding="utf-8") + "tên: x\n", encoding="utf-8")
    done = _run_with(encoding, "check", "--raw", raw_copy, "--json")
    assert done.returncode == 1, done.stderr
    assert done.stdout.isascii()
    report = json.loads(done.stdout)
    assert report["issues"][0]["message"] == "unknown key 'tên'"
    done = _run_with(encoding, "stats", "--raw", raw_copy, "--json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["valid"] is False
    done = _run_with(encoding, "check", "--raw", raw_copy)
    assert done.returncode == 1
    err = done.stderr.decode(encoding)
    assert "Traceback" not in err
    # Latin-1 has 'ê'; ASCII writes it escaped, and the run still ends normally.
    assert ("unknown key 'tên'" if encoding == "latin-1" else "unknown key 't\\xean'") in err
    assert err.endswith("1 problem(s) found.\n")


def test_the_last_resort_message_claims_nothing_about_the_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import dnnd_dataset.builder as builder

    def broken(raw: Path, **options: object) -> CompileResult:
        raise RuntimeError("a bug\x1b[2J")

    monkeypatch.setattr(builder, "check", broken)
    assert main(["check"]) == 1
    assert capsys.readouterr().err == (
        "dnnd: internal error: RuntimeError: a bug\\x1b[2J "
        "(please report this with the command you ran)\n"
    )


def test_file_names_with_newlines_and_escapes_are_printed_escaped(
    raw_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = raw_copy / "documents" / "999-x\n\x1b[31mforged.yaml"
    evil.write_text("article_id: x\n", encoding="utf-8")
    assert main(["check", "--raw", str(raw_copy)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "999-x\\n\\x1b[31mforged.yaml:1: missing-file: " in err
    assert Issue("a\nb\u202e.txt", 1, "invalid-yaml", "m", "h").format() == (
        "a\\nb\\u202e.txt:1: invalid-yaml: m (fix: h)"
    )


def test_output_refusal_messages_escape_names(tmp_path: Path) -> None:
    target = tmp_path / "out\x1b[2J"
    target.mkdir()
    (target / "note\n.txt").write_text("mine", encoding="utf-8")
    from .synthetic import write_sample

    with pytest.raises(OutputError) as raised:
        write_sample(target)
    assert "\x1b" not in str(raised.value) and "\n" not in str(raised.value)
    assert "out\\x1b[2J holds note\\n.txt, which the build does not write" in str(raised.value)


def test_verify_prints_a_folder_name_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out\n\x1b[2J"
    assert main(["verify", str(folder)]) == 1
    captured = capsys.readouterr()
    shown = str(tmp_path) + "/out\\n\\x1b[2J"
    assert captured.err == (
        f"{shown}: no such folder (looked for in {Path.cwd()}) (fix: name the folder that "
        "'dnnd build --out DIR' wrote, dataset by default)\n"
    )
    assert captured.out == f"{shown}: 1 problem(s)\n"


@pytest.mark.parametrize("blocks", [0, 2])
def test_a_card_without_one_citation_is_a_located_issue(
    raw_copy: Path, tmp_path: Path, blocks: int
) -> None:
    card = (REPO / "DATASET_CARD.md").read_text(encoding="utf-8")
    start = card.index("```bibtex\n")
    block = card[start : card.index("```\n", start + 10) + 4]
    prose = card.replace(block, block * blocks)
    (tmp_path / "DATASET_CARD.md").write_text(prose, encoding="utf-8")
    with pytest.raises(InvalidCorpusError) as raised:
        build(raw_copy, tmp_path / "out")
    [issue] = raised.value.report.sorted_issues()
    line = prose.count("\n", 0, start + len(block)) + 1 if blocks else 1
    assert (issue.path, issue.line, issue.code, issue.message) == (
        str(tmp_path / "DATASET_CARD.md"),
        line,
        "invalid-value",
        f"the card prose holds {blocks} ```bibtex blocks; it needs exactly one",
    )
    assert not (tmp_path / "out").exists()
