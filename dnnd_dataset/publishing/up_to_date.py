"""Whether an output folder already holds what a build of the same inputs would write.

A build that uses a cache folder records, after it succeeds, a stamp there: the digest of
everything the output depends on (every file under ``raw/``, the card prose, the package's
code, the version, the build date and the package data folder), and the identity on disk
of every file it wrote. A later build with the same digest, whose output files are exactly
those files, unchanged, has nothing to do: it returns the recorded report and writes
nothing. Anything else (an edited input, an output file touched, added or removed, another
day) builds as usual. Deterministic output makes this safe: the same inputs give the same
bytes, which are the bytes already there.

Files are compared by their identity (``file_tree``): no file is read unless it changed in
the moments before it was seen, when its bytes are compared instead. So a rebuild of an
unchanged corpus reads neither the corpus nor the output.

Stamps live in ``<cache>/outputs/<digest of the output path>.json``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from dnnd_dataset.checking.counts_table import CountsTable
from dnnd_dataset.checking.document_cache import environment_description
from dnnd_dataset.errors import Report
from dnnd_dataset.file_tree import (
    Identity,
    SpecialFile,
    digest_identities,
    settled,
    walk,
)
from dnnd_dataset.publishing.checksums import SHA256SUMS, parse_sha256sums, sha256_file

_PACKAGE = Path(__file__).resolve().parents[1]
STAMPS = "outputs"
_STAMP = re.compile(r"[0-9a-f]{64}\.json")


@functools.cache
def package_digest() -> bytes:
    # Every module and template of the package decides what a build writes, and so do the
    # libraries (pyarrow names itself in every Parquet footer) and Python's Unicode data.
    digest = hashlib.sha256(environment_description().encode())
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "_data" not in p.parts):
        if path.suffix in (".py", ".j2", ".css", ".js", ".json"):
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.digest()


@dataclass(frozen=True)
class Inputs:
    """What a build's output depends on, as a digest; ``read`` names the raw files that gave
    their bytes to it rather than their identity."""

    digest: str
    read: list[str] = field(default_factory=list)
    # The digest of the same inputs by their identities alone, from the same look at each
    # file, when every raw file has settled: what a stamp says instead once it is checked.
    settled: str | None = None
    # The identity of every raw file, from the look that gave the digest (for the build to
    # use up).
    snapshot: dict[str, Identity] | None = None


def inputs_digest(
    raw: Path,
    prose: str,
    *,
    version: str,
    today: dt.date,
    package_data: Path | None,
    by_content: frozenset[str] = frozenset(),
) -> Inputs | None:
    """The digest of what a build's output depends on; None when ``raw`` is not plain files.

    ``by_content``: raw files to digest by their bytes whatever their identity (those that
    an earlier stamp read).
    """
    digest = hashlib.sha256(package_digest())
    # The raw folder as given: the report names its files by that path.
    digest.update(f"{version}\0{today.isoformat()}\0{package_data}\0{raw}\0".encode())
    digest.update(prose.encode("utf-8"))
    settled = digest.copy()
    snapshot: dict[str, Identity] = {}
    try:
        read, all_settled = digest_identities(digest, Path(raw), by_content, settled, snapshot)
    except (OSError, SpecialFile):
        return None  # the build reports what is wrong with it
    return Inputs(digest.hexdigest(), read, settled.hexdigest() if all_settled else None, snapshot)


def recorded_inputs(
    cache: Path,
    out: Path,
    raw: Path,
    prose: str,
    *,
    version: str,
    today: dt.date,
    package_data: Path | None,
) -> tuple[Inputs | None, Report | None]:
    """The inputs of this build, and the recorded report when ``out`` already holds its output."""
    stamp = _stamp(cache, out)
    read = stamp.get("read") if stamp else None
    by_content = (
        frozenset(read)
        if isinstance(read, list) and all(isinstance(name, str) for name in read)
        else frozenset()
    )
    inputs = inputs_digest(
        raw, prose, version=version, today=today, package_data=package_data, by_content=by_content
    )
    if inputs is None or stamp is None or stamp.get("inputs") != inputs.digest:
        return inputs, None
    folders = {"out": out, **({"package_data": package_data} if package_data else {})}
    recorded, stats = stamp.get("files"), _expanded(stamp.get("stats"))
    if not isinstance(recorded, dict):
        return inputs, None
    if not _stats_shape(stats):
        return inputs, None
    now_known: dict[str, dict[str, list[int | str]]] = {}
    for name, folder in folders.items():
        known = _unchanged(folder, recorded.get(name))
        if known is None:
            return inputs, None
        now_known[name] = known
    if (inputs.read or now_known != recorded) and inputs.settled is not None:
        # Checked by their bytes, and settled since: known by their identities from now on.
        _write_stamp(cache, out, Inputs(inputs.settled), now_known, stats)
    report = Report(issues=[], stats=stats)
    report.stats["up_to_date"] = True
    return inputs, report


def _stats_shape(stats: Any) -> TypeGuard[dict[str, Any]]:
    """Whether a stamp's stats look like a report's (it is data from a file: it may not)."""
    return (
        isinstance(stats, dict)
        and isinstance(stats.get("tables"), dict)
        and all(isinstance(count, int) for count in stats["tables"].values())
        and all(isinstance(stats.get(key), CountsTable) for key in _PER_ARTICLE)
    )


# The report's stats that hold counts per article: in a stamp, as columns.
_PER_ARTICLE = ("documents", "coverage")


def _compact(stats: dict[str, Any]) -> dict[str, Any]:
    """``stats`` with the counts per article as their columns (``CountsTable.compact``): a
    few lists rather than a hundred thousand dictionaries to write and read at 50,000
    articles."""
    compact = dict(stats)
    for name in _PER_ARTICLE:
        per_article = stats.get(name)
        if isinstance(per_article, Mapping):
            table = per_article if isinstance(per_article, CountsTable) else _table(per_article)
            compact[name] = table.compact()
    return compact


def _table(per_article: Mapping[str, Mapping[str, int]]) -> CountsTable:
    table = CountsTable()
    for article, counts in per_article.items():
        table.add(article, counts)
    return table


def _expanded(stats: Any) -> Any:
    """The stats a stamp holds, with the counts per article as tables again; None when they
    are not what :func:`_compact` writes (a stamp is data from a file: it may not be)."""
    if not isinstance(stats, dict):
        return None
    expanded = dict(stats)
    for name in _PER_ARTICLE:
        table = CountsTable.from_compact(stats.get(name))
        if table is None:
            return None
        expanded[name] = table
    return expanded


def _stamp(cache: Path, out: Path) -> dict[str, Any] | None:
    return _read_json(_stamp_path(cache, out))


def _read_json(path: Path) -> dict[str, Any] | None:
    """A stamp's content, or None when it is not a JSON object (damaged, or hostile)."""
    try:
        found = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) else None


def _files(folder: Path, known: dict[str, str]) -> dict[str, list[int | str]] | None:
    """Relative path -> [device, inode, size, modification and change times in ns, SHA-256]
    of every file below ``folder``; the digest is "" for a settled file.

    A settled file is known by its identity alone; a racy one by its digest too, from
    ``known`` (the folder's ``SHA256SUMS``: files just written are not read again) or read.
    """
    now = time.time_ns()
    try:
        return {
            item.relative: [
                *item.identity,
                ""
                if settled(item.identity, now)
                else known.get(item.relative) or sha256_file(Path(item.path)),
            ]
            for item in walk(folder)
            if item.path is not None and item.identity is not None
        }
    except (OSError, SpecialFile):
        return None


def _unchanged(folder: Path, recorded: Any) -> dict[str, list[int | str]] | None:
    """The files below ``folder`` as a stamp lists them, when they are the ``recorded`` ones,
    unchanged; None otherwise. A racy file checked by its bytes that has settled since is
    listed by its identity alone."""
    if not isinstance(recorded, dict):
        return None
    try:
        found = [item for item in walk(folder) if item.path is not None]
    except (OSError, SpecialFile):
        return None
    if [item.relative for item in found] != sorted(recorded):
        return None
    now = time.time_ns()
    listing: dict[str, list[int | str]] = {}
    for item in found:
        expected = recorded[item.relative]
        if not isinstance(expected, list) or expected[:-1] != list(item.identity or ()):
            return None
        digest = expected[-1]
        if not isinstance(digest, str) or item.identity is None:
            return None
        # A file racy when recorded may have been written again within its clock's tick.
        if digest and sha256_file(Path(str(item.path))) != digest:
            return None
        listing[item.relative] = [*item.identity, "" if settled(item.identity, now) else digest]
    return listing


def _listed(folder: Path) -> dict[str, str]:
    """The digests the folder's ``SHA256SUMS`` lists (empty when it cannot be read)."""
    try:
        listed, _ = parse_sha256sums((folder / SHA256SUMS).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}
    return listed


def _stamp_path(cache: Path, out: Path) -> Path:
    name = hashlib.sha256(os.fsencode(os.path.abspath(out))).hexdigest()
    return cache / STAMPS / f"{name}.json"


def record(
    cache: Path, out: Path, package_data: Path | None, inputs: Inputs | None, report: Report
) -> None:
    """Stamp ``out`` as written by a build of ``inputs``; a stamp is only ever a hint."""
    if inputs is None:
        return
    folders = {"out": out, **({"package_data": package_data} if package_data else {})}
    # The build has just written these folders and their SHA256SUMS, which give the digests
    # of the files too new to be known by their identity alone.
    files = {name: _files(folder, _listed(folder)) for name, folder in folders.items()}
    if any(listing is None for listing in files.values()):
        return
    _write_stamp(cache, out, inputs, files, report.stats)


def _write_stamp(
    cache: Path, out: Path, inputs: Inputs, files: dict[str, Any], stats: dict[str, Any]
) -> None:
    path = _stamp_path(cache, out)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    payload = {
        "output": os.path.abspath(out),
        "inputs": inputs.digest,
        "read": inputs.read,
        "files": files,
        "stats": _compact(stats),
    }
    try:
        _forget_gone_outputs(path.parent, path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # ASCII, so that a file name that is not UTF-8 (an escaped byte) is kept as it is.
        temporary.write_text(json.dumps(payload), encoding="ascii")
        os.replace(temporary, path)
    except (OSError, ValueError):
        temporary.unlink(missing_ok=True)  # without a stamp the next build only takes longer


def _forget_gone_outputs(folder: Path, replaced: Path) -> None:
    """Remove the stamps of output folders that no longer exist, so stamps do not pile up.

    ``replaced`` is the stamp about to be written: not read, since it goes anyway.
    """
    if not folder.is_dir():
        return
    for stamp in folder.glob("*.json"):
        if not _STAMP.fullmatch(stamp.name) or stamp == replaced:
            continue  # not ours, or about to be replaced
        found = _read_json(stamp)
        output = found.get("output") if found is not None else None
        if not isinstance(output, str) or not os.path.isdir(output):
            stamp.unlink(missing_ok=True)
