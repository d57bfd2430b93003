"""Whether an output folder already holds what a build of the same inputs would write.

A build that uses a cache folder records, after it succeeds, a stamp there: the digest of
everything the output depends on (every file under ``raw/``, the card prose, the package's
code, the version, the build date and the package data folder), and the size, modification
time and SHA-256 of every file it wrote. A later build with the same digest, whose output
files are exactly those files, unchanged, has nothing to do: it returns the recorded report
and writes nothing. Anything else (an edited input, an output file touched, added or
removed, another day) builds as usual. Deterministic output makes this safe: the same
inputs give the same bytes, which are the bytes already there.

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
from pathlib import Path
from typing import Any

from dnnd_dataset.checking.document_cache import environment_description
from dnnd_dataset.errors import Report
from dnnd_dataset.file_tree import SpecialFile, digest_tree, walk
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


def inputs_digest(
    raw: Path, prose: str, *, version: str, today: dt.date, package_data: Path | None
) -> str | None:
    """The digest of what a build's output depends on; None when ``raw`` is not plain files."""
    digest = hashlib.sha256(package_digest())
    # The raw folder as given: the report names its files by that path.
    digest.update(f"{version}\0{today.isoformat()}\0{package_data}\0{raw}\0".encode())
    digest.update(prose.encode("utf-8"))
    try:
        digest_tree(digest, Path(raw))
    except (OSError, SpecialFile):
        return None  # the build reports what is wrong with it
    return digest.hexdigest()


def _files(folder: Path, known: dict[str, str] | None = None) -> dict[str, list[int | str]] | None:
    """Relative path -> [size, modification time in ns, SHA-256] of every file below ``folder``.

    The digest, because a file can change and keep its size and time (a flipped byte, a copy
    that keeps times); reading the output once costs little next to building it. ``known``
    gives the digests of files just written (their ``SHA256SUMS``), which are not read again.
    """
    known = known or {}
    try:
        return {
            relative: [status.st_size, status.st_mtime_ns, known.get(relative) or sha256_file(path)]
            for relative, path in walk(folder)
            if path is not None
            for status in [path.stat()]
        }
    except (OSError, SpecialFile):
        return None


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


def recorded_report(
    cache: Path, out: Path, package_data: Path | None, digest: str | None
) -> Report | None:
    """The report of the build that wrote ``out`` from inputs of ``digest``, if untouched since."""
    if digest is None:
        return None
    try:
        stamp: dict[str, Any] = json.loads(_stamp_path(cache, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("inputs") != digest:
        return None
    folders = {"out": out, **({"package_data": package_data} if package_data else {})}
    for name, folder in folders.items():
        if _files(folder) != stamp.get("files", {}).get(name):
            return None
    report = Report(issues=[], stats=stamp.get("stats", {}))
    report.stats["up_to_date"] = True
    return report


def record(
    cache: Path, out: Path, package_data: Path | None, digest: str | None, report: Report
) -> None:
    """Stamp ``out`` as written by a build of inputs ``digest``; a stamp is only ever a hint."""
    if digest is None:
        return
    folders = {"out": out, **({"package_data": package_data} if package_data else {})}
    # The build has just written these folders and their SHA256SUMS: a later build compares
    # every file's digest with what is recorded here, so a file changed since is noticed.
    files = {name: _files(folder, _listed(folder)) for name, folder in folders.items()}
    if any(listing is None for listing in files.values()):
        return
    path = _stamp_path(cache, out)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    payload = {
        "output": os.path.abspath(out),
        "inputs": digest,
        "files": files,
        "stats": report.stats,
    }
    try:
        _forget_gone_outputs(path.parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(payload), encoding="utf-8")
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
