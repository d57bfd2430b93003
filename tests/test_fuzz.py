"""Mutation fuzzing of the real raw/: every mutant builds or fails cleanly, never corrupts.

For each mutant of a copy of raw/ the build either succeeds with output that verifies, or
exits 1 listing every problem as ``path:line: ...`` under the mutated raw folder; it never
prints a traceback or an internal error, and a failed build never changes the earlier
output folder. The counts are printed at the end of the test run.

Every build goes through a document cache filled from the untouched raw/; a mutant of kind
``cache-entry`` leaves raw/ as it is and alters one of the cache's entries instead (a pickle
that would run code, a flipped bit, another key's entry, an entry sealed with another
secret, ...): the build must give the untouched output, byte for byte, and run nothing.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import io
import os
import pickle
import re
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dnnd_dataset.builder import build
from dnnd_dataset.checking.document_cache import DATABASE, MAC_SIZE
from dnnd_dataset.cli import main
from dnnd_dataset.publishing.verify import verify

from .conftest import RAW, snapshot

MUTANTS = 500
FILES = sorted(path.relative_to(RAW).as_posix() for path in RAW.rglob("*") if path.is_file())
KEY_LINE = re.compile(r"^(\s*(?:- )?)([A-Za-z_]+):(.*)$")
QUOTE_LINE = re.compile(r"^(\s*(?:- )?(?:\{)?\s*quote: )(.*)$")
OTHER_VALUES = ["[]", "{}", "42", "-7", "true", "null", "2021-13-45", "'x'", "[a, b]", "~"]

STATS: Counter[str] = Counter()


class _Workspace:
    """An untouched build of raw/ and a folder for mutants, shared by every example."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="dnnd-fuzz-"))
        shutil.copyfile(RAW.parent / "DATASET_CARD.md", self.root / "DATASET_CARD.md")
        self.pristine = self.root / "pristine"
        build(RAW, self.pristine)
        self.snapshot = snapshot(self.pristine)
        self.out = self.root / "dist"
        self.raw = self.root / "raw"
        self.card = self.root / "DATASET_CARD.md"
        self.cache = self.root / "cache"
        self.marker = self.root / "ran"
        # Entries for the raw folder as the mutants are built from it; the stamp that the
        # build leaves is of another output folder, so that no mutant's build is skipped.
        shutil.copytree(RAW, self.raw)
        self.cache_pristine = self.root / "cache-pristine"
        build(self.raw, self.root / "cached", cache=self.cache_pristine)
        shutil.rmtree(self.root / "cached")

    def reset(self) -> None:
        for folder in (self.out, self.raw, self.cache):
            if folder.exists():
                shutil.rmtree(folder)
        shutil.copytree(self.pristine, self.out)
        shutil.copytree(RAW, self.raw)
        shutil.copyfile(RAW.parent / "DATASET_CARD.md", self.card)
        shutil.copytree(self.cache_pristine, self.cache)


_WORKSPACE: list[_Workspace] = []


def _workspace() -> _Workspace:
    if not _WORKSPACE:
        _WORKSPACE.append(_Workspace())
    return _WORKSPACE[0]


def _lines_matching(text: str, pattern: re.Pattern[str]) -> list[int]:
    return [i for i, line in enumerate(text.split("\n")) if pattern.match(line)]


def _mutate_lines(
    data: st.DataObject, text: str, pattern: re.Pattern[str], edit: Callable[[list[str], int], None]
) -> str | None:
    candidates = _lines_matching(text, pattern)
    if not candidates:
        return None
    lines = text.split("\n")
    edit(lines, data.draw(st.sampled_from(candidates)))
    return "\n".join(lines)


def _delete_key(data: st.DataObject, text: str) -> str | None:
    def edit(lines: list[str], i: int) -> None:
        del lines[i]

    return _mutate_lines(data, text, KEY_LINE, edit)


def _duplicate_key(data: st.DataObject, text: str) -> str | None:
    return _mutate_lines(data, text, KEY_LINE, lambda lines, i: lines.insert(i, lines[i]))


def _retype_key(data: st.DataObject, text: str) -> str | None:
    value = data.draw(st.sampled_from(OTHER_VALUES))

    def edit(lines: list[str], i: int) -> None:
        match = KEY_LINE.match(lines[i])
        assert match is not None
        lines[i] = f"{match[1]}{match[2]}: {value}"

    return _mutate_lines(data, text, KEY_LINE, edit)


def _swap_quotes(data: st.DataObject, text: str) -> str | None:
    candidates = _lines_matching(text, QUOTE_LINE)
    if len(candidates) < 2:
        return None
    first, second = data.draw(
        st.lists(st.sampled_from(candidates), min_size=2, max_size=2, unique=True)
    )
    lines = text.split("\n")
    a, b = QUOTE_LINE.match(lines[first]), QUOTE_LINE.match(lines[second])
    assert a is not None and b is not None
    lines[first], lines[second] = a[1] + b[2], b[1] + a[2]
    return "\n".join(lines)


def _alter_quote(data: st.DataObject, text: str) -> str | None:
    insert = data.draw(st.sampled_from(["x", "Đ", "Ð", " ", "\u0301", ":", "'", "}"]))

    def edit(lines: list[str], i: int) -> None:
        match = QUOTE_LINE.match(lines[i])
        assert match is not None
        at = data.draw(st.integers(0, len(match[2])))
        lines[i] = match[1] + match[2][:at] + insert + match[2][at:]

    return _mutate_lines(data, text, QUOTE_LINE, edit)


def _invisible_character(data: st.DataObject, text: str) -> str | None:
    # A source text holding what no reader sees: NUL, ESC, a bidirectional override.
    at = data.draw(st.integers(0, len(text)))
    return text[:at] + data.draw(st.sampled_from(["\x00", "\x1b", "\u202e", "\u200b"])) + text[at:]


def _edit_text(data: st.DataObject, text: str) -> str | None:
    if not text:
        return None
    at = data.draw(st.integers(0, len(text) - 1))
    size = data.draw(st.integers(0, 12))
    insert = data.draw(st.text(alphabet="aăâđeêoôơuưĐÐ \n.,-–\u00a0\u0301\t", max_size=6))
    return text[:at] + insert + text[at + size :]


NAME_LINE = re.compile(r"^(\s*(?:- )?(?:name|title|value|position): )(.*)$")


def _long_name(data: st.DataObject, text: str) -> str | None:
    # A repetitive name: matched against a text, it walks the automaton's failure chain.
    value = "Hà " * data.draw(st.sampled_from([100, 2_000, 20_000])) + "Hà"

    def edit(lines: list[str], i: int) -> None:
        match = NAME_LINE.match(lines[i])
        assert match is not None
        lines[i] = match[1] + value

    return _mutate_lines(data, text, NAME_LINE, edit)


def _long_missing_quote(data: st.DataObject, text: str) -> str | None:
    # Nowhere in the text: the 'did you mean' search looks for the closest words.
    value = "không có " * data.draw(st.sampled_from([30, 220, 2_500])) + "gì"

    def edit(lines: list[str], i: int) -> None:
        match = QUOTE_LINE.match(lines[i])
        assert match is not None
        # In a flow mapping ({quote: ..., entity: ...}) the other keys stay.
        rest = re.search(r"[,}].*$", match[2]) if "{" in match[1] else None
        lines[i] = match[1] + value + (rest[0] if rest else "")

    return _mutate_lines(data, text, QUOTE_LINE, edit)


def _deep_nesting(data: st.DataObject, text: str) -> str | None:
    depth = data.draw(st.sampled_from([40, 1_000, 20_000]))
    opener, closer = data.draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
    value = opener * depth + "1" + closer * depth

    def edit(lines: list[str], i: int) -> None:
        match = KEY_LINE.match(lines[i])
        assert match is not None
        lines[i] = f"{match[1]}{match[2]}: {value}"

    return _mutate_lines(data, text, KEY_LINE, edit)


def _huge_int(data: st.DataObject, text: str) -> str | None:
    value = data.draw(st.sampled_from(["99999999999", "2147483648", "-2147483649", "1e400"]))

    def edit(lines: list[str], i: int) -> None:
        match = KEY_LINE.match(lines[i])
        assert match is not None
        lines[i] = f"{match[1]}{match[2]}: {value}"

    return _mutate_lines(data, text, KEY_LINE, edit)


def _set_value(data: st.DataObject, text: str, values: list[str]) -> str | None:
    value = data.draw(st.sampled_from(values))

    def edit(lines: list[str], i: int) -> None:
        match = KEY_LINE.match(lines[i])
        assert match is not None
        lines[i] = f"{match[1]}{match[2]}: {value}"

    return _mutate_lines(data, text, KEY_LINE, edit)


def _coercible_scalar(data: st.DataObject, text: str) -> str | None:
    # What YAML 1.1 or lax validation would turn into another value.
    return _set_value(
        data,
        text,
        ["0150", "0x20", "0o17", "1:30", "yes", "on", "1311033600", "2011-07-19 10:00:00", ".inf"],
    )


def _yaml_tag(data: st.DataObject, text: str) -> str | None:
    tag = data.draw(st.sampled_from(["!!binary", "!evil", "!!python/name:os.system", "!!str", "!"]))

    def edit(lines: list[str], i: int) -> None:
        match = KEY_LINE.match(lines[i])
        assert match is not None
        lines[i] = f"{match[1]}{match[2]}: {tag} {match[3].strip() or 'x'}"

    return _mutate_lines(data, text, KEY_LINE, edit)


def _escaped_character(data: st.DataObject, text: str) -> str | None:
    escape = data.draw(
        st.sampled_from(["\\u202E", "\\u200D", "\\u200B", "\\u2028", "\\x1b", "\\0", "e\\u0301"])
    )
    return _set_value(data, text, [f'"Trần{escape}Quốc"'])


TEXT_MUTATIONS: dict[str, Callable[[st.DataObject, str], str | None]] = {
    "delete-key": _delete_key,
    "duplicate-key": _duplicate_key,
    "retype-key": _retype_key,
    "swap-quotes": _swap_quotes,
    "alter-quote": _alter_quote,
    "edit-text": _edit_text,
    "deep-nesting": _deep_nesting,
    "long-name": _long_name,
    "long-missing-quote": _long_missing_quote,
    "huge-int": _huge_int,
    "coercible-scalar": _coercible_scalar,
    "yaml-tag": _yaml_tag,
    "escaped-character": _escaped_character,
    "invisible-character": _invisible_character,
}


class _Plant:
    """Unpickled, it makes the folder ``marker``: proof that an entry ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


CACHE_MUTATIONS = [
    "pickle",
    "flip-bit",
    "truncate",
    "other-key",
    "other-secret",
    "edited-rows",
    "text-value",
    "empty",
]


def _mutate_cache(data: st.DataObject, cache: Path, marker: Path) -> str:
    """Alter one entry of the cache's database as someone handing it over could."""
    with sqlite3.connect(cache / DATABASE) as db:
        entries = sorted(db.execute("SELECT key, value FROM entries").fetchall())
        key, value = data.draw(st.sampled_from(entries))
        kind = data.draw(st.sampled_from(CACHE_MUTATIONS))
        new: object
        if kind == "pickle":
            new = pickle.dumps(_Plant(marker))
        elif kind == "flip-bit":
            at = data.draw(st.integers(0, len(value) - 1))
            new = (
                value[:at]
                + bytes([value[at] ^ 1 << data.draw(st.integers(0, 7))])
                + value[at + 1 :]
            )
        elif kind == "truncate":
            new = value[: data.draw(st.integers(0, len(value) - 1))]
        elif kind == "other-key":  # a sound entry, sealed for another document
            new = data.draw(st.sampled_from([v for k, v in entries if k != key]))
        elif kind in ("other-secret", "edited-rows"):
            payload = value[MAC_SIZE:]
            if kind == "edited-rows":  # a mention moved, sealed again, not with our secret
                payload = re.sub(rb'"start":(\d+)', rb'"start":0', payload, count=1)
            secret = data.draw(st.binary(min_size=32, max_size=32))
            new = hmac.digest(secret, key.encode() + b"\0" + payload, "sha256") + payload
        elif kind == "text-value":
            new = value[MAC_SIZE:].decode("utf-8")
        else:
            new = b""
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (new, key))
    db.close()
    return f"cache-entry {kind}"


# Replace the file itself: what blocks or aborts a naive reader.
FILE_MUTATIONS = ["fifo", "folder", "unreadable"]
ALL_MENTION = re.compile(r"\{quote: ([^,{}]+), entity: [a-z0-9-]+, all: true\}")


def _flood_name(data: st.DataObject, path: Path) -> None:
    """Thousands of occurrences of a name under ``all: true``, the annotation kept valid."""
    annotation, text_path = path.with_suffix(".yaml"), path.with_suffix(".txt")
    names = ALL_MENTION.findall(annotation.read_text(encoding="utf-8"))
    text = text_path.read_text(encoding="utf-8")
    name = data.draw(st.sampled_from(names)) if names else "Hà Nội"
    copies = data.draw(st.sampled_from([1_000, 8_000]))
    text += "\n" + f"{name}, " * copies
    text_path.write_text(text, encoding="utf-8", newline="")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    annotation.write_text(
        re.sub(
            r"sha256: [0-9a-f]{64}", f"sha256: {digest}", annotation.read_text(encoding="utf-8")
        ),
        encoding="utf-8",
        newline="",
    )


def _replace_file(kind: str, path: Path) -> None:
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()


def _mutate(data: st.DataObject, space: _Workspace, target: str) -> str:
    path, card = space.raw / target, space.card
    if path.suffix == ".txt":
        kinds = ["edit-text", "invisible-character", "flood-name", "truncate", "flip-byte"]
    else:
        kinds = [*TEXT_MUTATIONS, "truncate", "flip-byte"]
    if path.parent.name == "documents" and path.suffix == ".yaml":
        kinds.insert(1, "flood-name")  # of its text: few files are texts
    kind = data.draw(st.sampled_from([*kinds, *FILE_MUTATIONS, "card-not-utf8", "cache-entry"]))
    if kind == "cache-entry":
        return _mutate_cache(data, space.cache, space.marker)
    if kind == "card-not-utf8":
        # The card prose beside raw/: its problems come with those of the corpus.
        content = card.read_bytes()
        at = data.draw(st.integers(0, len(content) - 1))
        card.write_bytes(content[:at] + b"\xff" + content[at:])
        return kind
    if kind in ("fifo", "folder"):
        _replace_file(kind, path)
        return kind
    if kind in ("unreadable", "flood-name"):
        if kind == "flood-name":
            _flood_name(data, path)
        return kind  # unreadable: the build runs with reading refused, see below
    content = path.read_bytes()
    if kind == "truncate":
        path.write_bytes(content[: data.draw(st.integers(0, max(len(content) - 1, 0)))])
        return kind
    if kind == "flip-byte":
        at = data.draw(st.integers(0, len(content) - 1))
        bit = 1 << data.draw(st.integers(0, 7))
        path.write_bytes(content[:at] + bytes([content[at] ^ bit]) + content[at + 1 :])
        return kind
    mutated = TEXT_MUTATIONS[kind](data, content.decode("utf-8"))
    if mutated is None:
        kind = "edit-text"
        mutated = _edit_text(data, content.decode("utf-8")) or "x"
    path.write_text(mutated, encoding="utf-8", newline="")
    return kind


@contextlib.contextmanager
def _refused(path: Path) -> Iterator[None]:
    """Reading ``path`` fails as it does for a user without permission (even as root)."""
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    Path.read_bytes = read_bytes  # type: ignore[method-assign]
    try:
        yield
    finally:
        Path.read_bytes = real  # type: ignore[method-assign]


@settings(
    max_examples=MUTANTS,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def _check_one_mutant(data: st.DataObject) -> None:
    space = _workspace()
    space.reset()
    target = data.draw(st.sampled_from(FILES))
    kind = _mutate(data, space, target)
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        _refused(space.raw / target) if kind == "unreadable" else contextlib.nullcontext(),
    ):
        code = main(
            ["build", "--raw", str(space.raw), "--out", str(space.out), "--cache", str(space.cache)]
        )
    errors = stderr.getvalue()
    STATS["mutants"] += 1
    STATS[f"mutation {kind}"] += 1
    assert "Traceback" not in errors and "internal error" not in errors, (target, kind, errors)
    assert not space.marker.exists(), kind
    if kind.startswith("cache-entry"):
        STATS["cache entries"] += 1
        assert code == 0, (kind, errors)
        assert snapshot(space.out) == space.snapshot, kind
    if code == 0:
        STATS["built"] += 1
        assert verify(space.out) == [], (target, kind)
        return
    STATS["rejected"] += 1
    assert code == 1, (target, kind, errors)
    *issues, summary = errors.splitlines()
    assert issues, (target, kind, errors)
    assert summary.endswith("problem(s) found; nothing was written.")
    for line in issues:
        assert line.startswith((str(space.raw) + "/", str(space.card) + ":")), line
        assert re.match(r"^\S+:[1-9][0-9]*: ", line), line
    assert snapshot(space.out) == space.snapshot, (target, kind)
    STATS["unchanged outputs"] += 1


def test_mutants_build_or_fail_cleanly() -> None:
    STATS.clear()
    _check_one_mutant()  # hypothesis runs every example, then the counts are checked
    assert STATS["mutants"] == MUTANTS
    assert STATS["built"] + STATS["rejected"] == MUTANTS
    assert STATS["rejected"] == STATS["unchanged outputs"]
    assert STATS["rejected"] > MUTANTS // 2
    assert STATS["cache entries"] > 0


# Mutants of a published Parquet file: what a reader of an output folder may be handed.
PARQUET_MUTANTS = 200
PARQUET_STATS: Counter[str] = Counter()


def _footer_span(content: bytes) -> tuple[int, int]:
    """Where the Thrift footer lies: before its 4-byte length and the closing magic."""
    length = int.from_bytes(content[-8:-4], "little")
    return max(len(content) - 8 - length, 0), len(content) - 8


# Tables whose rows are small enough to repeat a million times in a test.
BOMB_TABLES = ["evidence", "mentions", "organizations", "persons", "posts"]


def _mutate_parquet(data: st.DataObject, out: Path) -> tuple[str, str]:
    """Mutate one table's file in ``out``: (the table, the kind of mutation)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dnnd_dataset.publishing.dataset_meta import data_file
    from dnnd_dataset.publishing.publish import PARQUET_OPTIONS
    from dnnd_dataset.records import TABLE_NAMES

    kind = data.draw(st.sampled_from(["footer-byte", "footer-length", "truncate-footer", "bomb"]))
    table_name = data.draw(st.sampled_from(BOMB_TABLES if kind == "bomb" else TABLE_NAMES))
    path = out / data_file(table_name)
    content = path.read_bytes()
    start, end = _footer_span(content)
    if kind == "footer-byte":
        at = data.draw(st.integers(start, end - 1))
        value = data.draw(st.integers(0, 255))
        path.write_bytes(content[:at] + bytes([value]) + content[at + 1 :])
    elif kind == "footer-length":
        length = data.draw(st.integers(0, 2**32 - 1))
        path.write_bytes(content[:-8] + length.to_bytes(4, "little") + content[-4:])
    elif kind == "truncate-footer":
        at = data.draw(st.integers(start, len(content) - 1))
        path.write_bytes(content[:at] + content[-4:])
    else:
        # One row many times over: dictionary and run-length encoding keep the file small.
        table = pq.read_table(path)
        rows = data.draw(st.integers(2, 20)) * len(content)
        repeated = table.take(pa.array(np.zeros(rows, dtype=np.int64)))
        pq.write_table(repeated, path, **PARQUET_OPTIONS)
    return table_name, kind


@settings(
    max_examples=PARQUET_MUTANTS,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def _check_one_parquet_mutant(data: st.DataObject) -> None:
    from dnnd_dataset.library.api import CorruptDataError, load_published
    from dnnd_dataset.publishing.checksums import SHA256SUMS, sha256sums

    space = _workspace()
    shutil.rmtree(space.out, ignore_errors=True)
    shutil.copytree(space.pristine, space.out)
    table, kind = _mutate_parquet(data, space.out)
    # Recomputed, as a forger would: only what the files hold can give them away.
    (space.out / SHA256SUMS).write_text(sha256sums(space.out), encoding="utf-8")
    PARQUET_STATS[f"mutation {kind}"] += 1
    problems = verify(space.out)
    if kind == "bomb":
        assert any(p.endswith("(a decompression bomb, or a damaged footer)") for p in problems)
    try:
        load_published(space.out, table)
    except CorruptDataError as error:
        assert str(error).startswith(f"the data of table {table!r} at "), str(error)
        PARQUET_STATS["refused by the library"] += 1
    PARQUET_STATS["refused by verify" if problems else "verified"] += 1


def test_parquet_mutants_are_refused_cleanly() -> None:
    PARQUET_STATS.clear()
    _check_one_parquet_mutant()
    kinds = sum(v for k, v in PARQUET_STATS.items() if k.startswith("mutation "))
    assert kinds == PARQUET_MUTANTS
    assert PARQUET_STATS["refused by verify"] + PARQUET_STATS["verified"] == PARQUET_MUTANTS
    assert PARQUET_STATS["mutation bomb"] > 0
    assert PARQUET_STATS["refused by verify"] > PARQUET_MUTANTS // 2
