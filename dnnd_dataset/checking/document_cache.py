"""A cache of per-document check results, keyed by content, so that rebuilds redo only what changed.

An entry is found by the SHA-256 of the checking code, the article id and the bytes of the
text and of the annotation; it is used only when the registry entries that the document's
checks read (its ``used`` ids) still have the content they had, compared by a digest. The
build date and the coverage, which depend on the whole registry, are checked afresh on every
run, so an entry never changes what a build reports or writes.

Files: ``<folder>/<key>.pickle``, written atomically (a temporary file, then a rename). The
folder holds nothing else of ours; entries that a whole run did not use are removed after it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import secrets
import sys
import unicodedata
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from dnnd_dataset.reading.raw_loading import DocumentFiles

_ENTRY = re.compile(r"^[0-9a-f]{64}\.pickle$")
_PACKAGE = Path(__file__).resolve().parents[1]


def environment_description() -> str:
    """Python, its Unicode data and the libraries whose versions can change a result."""
    versions = []
    for name in ("pydantic", "pydantic-core", "PyYAML", "pyahocorasick", "pyarrow"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return f"{sys.version}\0{unicodedata.unidata_version}\0{yaml.__with_libyaml__}\0" + ",".join(
        versions
    )


def _code_digest() -> bytes:
    # Reading and checking code decides what an entry holds, and so do the libraries and the
    # Unicode data the tokens come from: any change to them starts afresh.
    digest = hashlib.sha256(environment_description().encode())
    for path in sorted(
        [*_PACKAGE.glob("*.py"), *_PACKAGE.glob("reading/*.py"), *_PACKAGE.glob("checking/*.py")]
    ):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.digest()


CODE_DIGEST = _code_digest()


def document_key(stem: str, files: DocumentFiles) -> str:
    """The key of a document's text and annotation, from the bytes that are then checked."""
    digest = hashlib.sha256(CODE_DIGEST)
    digest.update(stem.encode())
    for content in (files.text, files.annotation):
        digest.update(len(content).to_bytes(8, "big"))
        digest.update(content)
    return digest.hexdigest()


class DocumentCache:
    """Entries in ``folder``; ``None`` as folder gives a cache that keeps nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, key: str) -> Any:
        if self.folder is None:
            return None
        try:
            with (self.folder / f"{key}.pickle").open("rb") as file:
                return pickle.load(file)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            return None  # absent or unreadable: the document is checked again

    def put(self, key: str, value: Any) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{key}.{secrets.token_hex(6)}.tmp"
        try:
            with temporary.open("wb") as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.folder / f"{key}.pickle")
        except OSError:
            temporary.unlink(missing_ok=True)  # a cache that cannot be written only costs time

    def keep_only(self, keys: Iterable[str | None]) -> None:
        """Remove the entries of ours whose key is not in ``keys``."""
        if self.folder is None or not self.folder.is_dir():
            return
        kept = {f"{key}.pickle" for key in keys if key is not None}
        for path in self.folder.iterdir():
            if _ENTRY.match(path.name) and path.name not in kept:
                path.unlink(missing_ok=True)
