"""The dnnd command and build.py: exit codes, messages, atomic and deterministic output."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dnnd_dataset.builder import default_cache
from dnnd_dataset.checking.document_cache import DATABASE
from dnnd_dataset.checking.pipeline import CompileResult
from dnnd_dataset.cli import main
from dnnd_dataset.publishing.checksums import sha256sums

from .conftest import RAW, REPO, python, snapshot

INVALID = Path(__file__).parent / "data" / "invalid"
DOC = "documents/003-cb987c258479b677.yaml"
ORG_HCM = "registry/organizations/ho-chi-minh.yaml"
ISSUE_LINE = re.compile(r"^\S+:\d+: ")


def _run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return python(*args, cwd=cwd)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "dist"
    done = _run("build.py", "--raw", str(RAW), "--out", str(out))
    assert done.returncode == 0, done.stderr
    # The digest a release publishes, for 'dnnd verify --sha256'.
    digest = hashlib.sha256((out / "SHA256SUMS").read_bytes()).hexdigest()
    assert done.stdout.splitlines()[-1] == f"sha256 of SHA256SUMS: {digest}"
    return out


def test_build_py_writes_the_layout(built: Path) -> None:
    names = sorted(snapshot(built))
    assert names == ["README.md", "SHA256SUMS", "croissant.json"] + [
        f"data/{t}/train-00000-of-00001.parquet"
        for t in sorted(
            [
                "articles",
                "mentions",
                "meetings",
                "persons",
                "directives",
                "organizations",
                "posts",
                "evidence",
                "ner",
            ]
        )
    ]


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    assert main(["build", "--raw", str(RAW), "--out", str(tmp_path / "again")]) == 0
    assert snapshot(tmp_path / "again") == snapshot(built)


def test_failed_build_keeps_the_previous_output(
    built: Path, raw_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    shutil.copytree(built, out)
    before = snapshot(out)
    shutil.copyfile(REPO / "DATASET_CARD.md", tmp_path / "DATASET_CARD.md")
    shutil.copyfile(INVALID / "unknown-key.yaml", raw_copy / DOC)
    shutil.copyfile(INVALID / "duplicate-id.yaml", raw_copy / ORG_HCM)
    done = _run("build.py", "--raw", str(raw_copy), "--out", str(out))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    assert lines == [
        f"{raw_copy / DOC}:17: authors[0].nickname: unknown-key: unknown key 'nickname' (fix: "
        "remove the key or correct its spelling; the schema lists the allowed keys)",
        f"{raw_copy / ORG_HCM}:2: id: duplicate-id: the id 'ho-chi-minh' is also defined at "
        f"{raw_copy / 'registry/persons/ho-chi-minh.yaml'}:2 (fix: keep one of the two "
        "entries, or give one of them another id)",
        "2 problem(s) found; nothing was written.",
    ]
    assert snapshot(out) == before
    # Nothing is written beside the raw folder; only the per-document cache is kept, in the
    # user's cache folder, so that the next run re-checks what was fixed.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["DATASET_CARD.md", "dist", "raw"]
    assert (default_cache(raw_copy) / DATABASE).is_file()


def test_check_json_lists_every_issue(raw_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copyfile(INVALID / "ambiguous-quote.yaml", raw_copy / DOC)
    assert main(["check", "--raw", str(raw_copy), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert [(Path(i["path"]).name, i["line"], i["code"]) for i in report["issues"]] == [
        ("003-cb987c258479b677.yaml", 36, "ambiguous-quote"),
    ]
    assert set(report["issues"][0]) == {
        "path",
        "line",
        "column",
        "code",
        "message",
        "hint",
        "field",
    }


def test_check_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--raw", str(RAW)]) == 0
    assert capsys.readouterr().out == f"{RAW}: valid\n"


def test_stats(capsys: pytest.CaptureFixture[str], compiled: CompileResult) -> None:
    assert main(["stats", "--raw", str(RAW), "--json"]) == 0
    numbers = json.loads(capsys.readouterr().out)
    assert numbers["tables"] == {name: len(rows) for name, rows in compiled.tables.items()}
    assert numbers["documents"]["001-7aa88a628dfba5ee"]["meetings"] == 2
    assert all(row["unexplained"] == 0 for row in numbers["coverage"].values())


def test_verify_accepts_a_build_and_names_each_difference(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(built)]) == 0
    out = tmp_path / "dist"
    shutil.copytree(built, out)
    (out / "croissant.json").write_text("{}\n", encoding="utf-8")
    (out / "data/persons/train-00000-of-00001.parquet").write_bytes(b"PAR1 not really")
    capsys.readouterr()
    assert main(["verify", str(out)]) == 1
    problems = capsys.readouterr().err.splitlines()
    assert problems[0] == f"{out}/croissant.json: SHA-256 differs from SHA256SUMS"
    assert (
        problems[1]
        == f"{out}/data/persons/train-00000-of-00001.parquet: SHA-256 differs from SHA256SUMS"
    )
    assert problems[2].startswith(
        f"{out / 'data/persons/train-00000-of-00001.parquet'}: not a readable Parquet file"
    )
    assert problems[3] == f"{out}/croissant.json: lists no file with its sha256"
    assert len(problems) == 4


def test_verify_checks_rows_against_the_models(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "dist"
    shutil.copytree(built, out)
    path = out / "data/persons/train-00000-of-00001.parquet"
    table = pq.read_table(path)
    ids = table.column("person_id").to_pylist()
    ids[0] = "Not A Slug"
    table = table.set_column(0, table.schema.field(0), pa.array(ids, pa.string()))
    pq.write_table(table, path)
    assert main(["verify", str(out)]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert (
        f"{out}/data/persons/train-00000-of-00001.parquet: SHA-256 differs from SHA256SUMS"
        in errors
    )
    assert any("row field ('person_id',)" in line for line in errors), errors


def test_bad_output_path_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("not a folder", encoding="utf-8")
    done = _run("build.py", "--out", str(target))
    assert done.returncode == 1
    assert done.stderr.startswith("dnnd: error: ")
    assert "Traceback" not in done.stderr
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_usage_error_exits_2() -> None:
    done = _run("-m", "dnnd_dataset.cli", "frobnicate")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr


def test_verify_prints_the_digest_to_publish_and_checks_it(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dnnd_dataset.publishing.checksums import sha256_file

    digest = sha256_file(built / "SHA256SUMS")
    capsys.readouterr()
    assert main(["verify", str(built), "--sha256", digest.upper(), "--raw", str(RAW)]) == 0
    assert capsys.readouterr().out == f"{built}: verified\nsha256 of SHA256SUMS: {digest}\n"
    out = tmp_path / "dist"
    shutil.copytree(built, out)
    (out / "data/persons/zz-extra.parquet").write_bytes(b"")
    assert main(["verify", str(out), "--sha256", digest]) == 1
    captured = capsys.readouterr()
    assert captured.out == f"{out}: 2 problem(s)\n"
    assert captured.err.splitlines() == [
        f"{out}/data/persons/zz-extra.parquet: not listed in SHA256SUMS",
        f"{out}/data/persons/zz-extra.parquet: not a file the build writes",
    ]
    with pytest.raises(SystemExit) as usage:
        main(["verify", str(out), "--sha256", "abc"])
    assert usage.value.code == 2
    assert "'abc' is not a SHA-256 as 64 hex digits" in capsys.readouterr().err


def test_verify_raw_names_the_first_difference_of_each_file(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist"
    shutil.copytree(built, out)
    card = (out / "README.md").read_text(encoding="utf-8")
    (out / "README.md").write_text(card.replace("\n", "\n\n", 1), encoding="utf-8")
    (out / "SHA256SUMS").write_text(sha256sums(out), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(out)]) == 0
    assert main(["verify", str(out), "--raw", str(RAW)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{out}/README.md: differs from the rebuild: line 2 is b'' here, "
        f"{_short(card.splitlines()[1])} in the rebuild",
        f"{out}/SHA256SUMS: differs from the rebuild: line 1 is "
        f"{_short(sha256sums(out).splitlines()[0])} here, "
        f"{_short(sha256sums(built).splitlines()[0])} in the rebuild",
    ]
    assert captured.out.splitlines()[-1] == f"{out}: 2 problem(s)"


def _short(line: str) -> str:
    """A line as a difference shows it: the repr of its bytes, cut to 60 characters."""
    text = repr(line.encode())
    return text if len(text) <= 60 else text[:57] + "..."


def test_explore_refuses_a_decompression_bomb_and_an_extra_file_is_never_read(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .test_verify import BOMB_ROWS, bomb

    out = tmp_path / "dist"
    shutil.copytree(built, out)
    # Never read: the build writes no such name, so neither its bytes nor its rows count.
    (out / "data/articles/zz-extra.parquet").write_bytes(b"not even Parquet")
    path = out / "data/mentions/train-00000-of-00001.parquet"
    bomb(path, rows=BOMB_ROWS)
    capsys.readouterr()
    assert main(["explore", str(out), "--site", str(tmp_path / "site")]) == 1
    assert capsys.readouterr().err.startswith(
        f"dnnd: error: the data of table 'mentions' at {path} declares {BOMB_ROWS:,} rows in "
        f"{path.stat().st_size:,} bytes, more than 1 per byte (a decompression bomb, or a "
        "damaged footer): "
    )
