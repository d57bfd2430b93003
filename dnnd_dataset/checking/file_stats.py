"""Document keys without reading unchanged files: each file's identity on disk, remembered.

A document's key (``document_cache.document_key``) hashes its two files, so finding the key
of every document reads the whole corpus. A block of unchanged documents needs only to
know that they are unchanged: the cache keeps, per document, the identity of both files
(device, inode, size, modification and change times) when its key was last made. A file
whose identity is the same was not written since: any write changes its change time
(``st_ctime``), which no program can set back. Any other file is read and hashed, as
before. The index is one entry of the document cache, sealed like every entry.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from dnnd_dataset.checking.document_cache import DocumentCache, document_key
from dnnd_dataset.file_tree import Identity, Snapshot, identity_in, settled
from dnnd_dataset.reading.raw_loading import read_document_files

# stem -> (identity of the text, identity of the annotation, the document's key)
_Index = dict[str, tuple[Identity, Identity, str]]
_ADAPTER: TypeAdapter[_Index] = TypeAdapter(_Index)


class FileStats:
    """The keys of the documents of ``raw``, read from disk only for files that changed."""

    def __init__(self, cache: DocumentCache, raw: Path, snapshot: Snapshot | None = None) -> None:
        self.cache = cache
        self.raw = raw
        self.snapshot = snapshot
        self.time = time.time_ns()
        self.folder = os.fspath(raw / "documents")
        self.key = hashlib.sha256(f"file-stats\0{raw}".encode("utf-8", "surrogateescape"))
        self.key.update(os.fsencode(os.path.abspath(raw)))
        self.entry_key = self.key.hexdigest()
        found = cache.get_many([self.entry_key]).get(self.entry_key)
        self.known: _Index = {}
        if found is not None:
            try:
                self.known = _ADAPTER.validate_json(found)
            except ValidationError:
                self.known = {}
        self.now: _Index = {}

    def document_key(self, stem: str) -> str | None:
        """The key of ``stem``, or None when its files are not both plain files."""
        # Plain strings: a Path per file costs more than the stat itself.
        base = os.path.join(self.folder, stem)
        relative = f"documents/{stem}"
        text = identity_in(self.snapshot, relative + ".txt", base + ".txt")
        annotation = identity_in(self.snapshot, relative + ".yaml", base + ".yaml")
        if text is None or annotation is None:
            return None
        known = self.known.get(stem)
        if known is not None and known[0] == text and known[1] == annotation:
            self.now[stem] = known
            return known[2]
        files = read_document_files(self.raw, stem)
        if files is None:
            return None
        key = document_key(str(self.raw), stem, files)
        # A file written in the moments before it was seen may be written again with the
        # same identity: its key is not remembered until it has settled.
        if settled(text, self.time) and settled(annotation, self.time):
            self.now[stem] = (text, annotation, key)
        return key

    def save(self) -> str:
        """Keep the identities seen in this run; the key of the entry that holds them."""
        if self.now != self.known:
            self.cache.put_many({self.entry_key: _ADAPTER.dump_json(self.now)})
        return self.entry_key
