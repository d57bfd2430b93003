"""What the check of a document reads of the registries, as digests that key kept blocks.

A document's outcome depends on the registries in three ways:

- as a whole: the names every text is searched for (and the entity each belongs to), the
  values that must be printed somewhere, the entries that were rejected;
- through the entries it uses: those its mentions, authors, credits and positions name;
- through the registry quotes from it: the entries that hold them and the entities they link.

A block's key binds the first and the quoting entries of its documents (:meth:`RegistryView.
block`); its summary names the entries its documents used, with their digest, which the run
compares when it reuses the block (:meth:`RegistryView.used`). An entry is known by the
SHA-256 of the bytes of its file (one entry per file) as loaded. So an edit of an entry that
changes no name makes again only the blocks whose documents use it or are quoted by it; the
registry tables are made again after any edit of the registries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from dnnd_dataset.checking.document_cache import CODE_DIGEST
from dnnd_dataset.checking.registry_evidence import quoting_entries
from dnnd_dataset.checking.state import CheckState

_KIND = b"registry view\0"


class RegistryView:
    """The registries as the checks of single documents read them, for the keys of blocks."""

    def __init__(
        self,
        raw: Path,
        today: dt.date,
        state: CheckState,
        owners: Mapping[str, str],
        printed: Iterable[str],
        registry_files: Mapping[str, str],
    ) -> None:
        whole = hashlib.sha256(_KIND + CODE_DIGEST)
        whole.update(f"{raw}\0{today.isoformat()}\0".encode("utf-8", "surrogateescape"))
        for part in (
            (f"{name}\0{owner}" for name, owner in sorted(owners.items())),
            printed,
            (f"{entity}\0{why}" for entity, why in sorted(state.raw.rejected_ids.items())),
        ):
            whole.update("\0".join(part).encode("utf-8", "surrogateescape") + b"\0\0")
        self.whole = whole.hexdigest()
        # entity id -> the id, its registry and file, and the SHA-256 of the file's bytes
        self._entries: dict[str, bytes] = {}
        for entity_id, entity in state.entities.items():
            file = f"{entity.registry}/{os.path.basename(entity.shown)}"
            digest = registry_files.get(file)
            if digest is not None:
                described = f"{entity_id}\0{file}\0{digest}\0"
                self._entries[entity_id] = described.encode("utf-8", "surrogateescape")
        self._quoting = quoting_entries(state)

    def used(self, entity_ids: Iterable[str]) -> str | None:
        """The digest of these entries, in the order given (a block's are sorted); None when
        one of them is not known by its file."""
        try:
            described = b"".join([self._entries[entity_id] for entity_id in entity_ids])
        except KeyError:
            return None
        return hashlib.sha256(described).hexdigest()

    def block(self, stems: Iterable[str]) -> str | None:
        """What the documents ``stems`` read of the registries, besides the entries they use."""
        quoting: set[str] = set()
        for stem in stems:
            quoting |= self._quoting.get(stem, set())
        entries = self.used(sorted(quoting))
        if entries is None:
            return None
        return hashlib.sha256(f"{self.whole}\0{entries}".encode()).hexdigest()
