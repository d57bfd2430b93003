"""The registry files a run remembers for the next, kept in the document cache.

One entry per raw folder (as given and as resolved), sealed like every entry and read back
through a strict schema: the data of each registry file as parsed, as JSON text
(``reading.registry_memo``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from dnnd_dataset.checking.document_cache import CODE_DIGEST, DocumentCache
from dnnd_dataset.file_tree import Snapshot
from dnnd_dataset.reading.registry_memo import KnownFiles, RegistryMemo

_ADAPTER: TypeAdapter[dict[str, tuple[tuple[int, int, int, int, int], str, str]]] = TypeAdapter(
    dict[str, tuple[tuple[int, int, int, int, int], str, str]]
)


def entry_key(raw: Path) -> str:
    """The key of the entry that remembers the registry files of ``raw``."""
    # The code too: another parser could make other data of the same bytes.
    digest = hashlib.sha256(b"registry-files\0" + CODE_DIGEST)
    digest.update(os.fsencode(str(raw)) + b"\0" + os.fsencode(os.path.abspath(raw)))
    return digest.hexdigest()


def recall(
    cache: DocumentCache, raw: Path, snapshot: Snapshot | None = None
) -> RegistryMemo | None:
    """The files remembered for ``raw``; None without a cache. ``snapshot``: the identities
    of the files under ``raw`` from a look just taken."""
    if cache.folder is None:
        return None
    found = cache.get_many([entry_key(raw)]).get(entry_key(raw))
    known: KnownFiles = {}
    if found is not None:
        try:
            known = _ADAPTER.validate_json(found)
        except ValidationError:
            known = {}
    return RegistryMemo(known, snapshot)


def keep(cache: DocumentCache, raw: Path, memo: RegistryMemo | None) -> str | None:
    """Remember what the run saw; the key of the entry that holds it."""
    if memo is None:
        return None
    if memo.seen != memo.known:
        cache.put_many({entry_key(raw): _ADAPTER.dump_json(memo.seen)})
    return entry_key(raw)
