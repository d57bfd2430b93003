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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from dnnd_dataset.checking.document_cache import environment_description
from dnnd_dataset.errors import Report
from dnnd_dataset.file_tree import SpecialFile, digest_identities, settled, walk
from dnnd_dataset.publishing.checksums import SHA256SUMS, parse_sha256sums, sha256_file

_PACKAGE = Path(__file__).resolve().parents[1]
STAMPS = "outputs"
_STAMP = re.compile(r"[0-9a-f]{64}\.json")
# Any JSON, read and written by pydantic's own JSON code (a stamp can hold megabytes).
_JSON: TypeAdapter[Any] = TypeAdapter(Any)


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
    try:
        read = digest_identities(digest, Path(raw), by_content)
    except (OSError, SpecialFile):
        return None  # the build reports what is wrong with it
    return Inputs(digest.hexdigest(), read)


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
    recorded = stamp.get("files")
    if not isinstance(recorded, dict):
        return inputs, None
    for name, folder in folders.items():
        if not _unchanged(folder, recorded.get(name)):
            return inputs, None
    report = Report(issues=[], stats=stamp.get("stats", {}))
    report.stats["up_to_date"] = True
    return inputs, report


def _stamp(cache: Path, out: Path) -> dict[str, Any] | None:
    try:
        stamp = _JSON.validate_json(_stamp_path(cache, out).read_bytes())
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


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


def _unchanged(folder: Path, recorded: Any) -> bool:
    """Whether the files below ``folder`` are the ``recorded`` ones, unchanged."""
    if not isinstance(recorded, dict):
        return False
    try:
        found = [item for item in walk(folder) if item.path is not None]
    except (OSError, SpecialFile):
        return False
    if [item.relative for item in found] != sorted(recorded):
        return False
    for item in found:
        expected = recorded[item.relative]
        if not isinstance(expected, list) or expected[:-1] != list(item.identity or ()):
            return False
        # A file racy when recorded may have been written again within its clock's tick.
        if expected[-1] and sha256_file(Path(str(item.path))) != expected[-1]:
            return False
    return True


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
    path = _stamp_path(cache, out)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    payload = {
        "output": os.path.abspath(out),
        "inputs": inputs.digest,
        "read": inputs.read,
        "files": files,
        "stats": report.stats,
    }
    try:
        _forget_gone_outputs(path.parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(_JSON.dump_json(payload))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)  # without a stamp the next build only takes longer


def _forget_gone_outputs(folder: Path) -> None:
    """Remove the stamps of output folders that no longer exist, so stamps do not pile up."""
    if not folder.is_dir():
        return
    for stamp in folder.glob("*.json"):
        if not _STAMP.fullmatch(stamp.name):
            continue  # not ours
        try:
            output = json.loads(stamp.read_text(encoding="utf-8")).get("output")
        except (OSError, ValueError, AttributeError):
            output = None
        if not isinstance(output, str) or not os.path.isdir(output):
            stamp.unlink(missing_ok=True)
