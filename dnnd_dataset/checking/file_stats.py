"""Document keys without reading unchanged files: each file's identity on disk, remembered.

A document's key (``document_cache.document_key``) hashes its two files, so finding the key
of every document reads the whole corpus. A block of unchanged documents needs only to
know that they are unchanged: the cache keeps, per document, the identity of both files
(device, inode, size, modification and change times) when its key was last made. A file
whose identity is the same was not written since: any write changes its change time
(``st_ctime``), which no program can set back. Any other file is read and hashed, as
before. The index is one entry of the document cache, sealed like every entry, in a binary
layout (:func:`index_bytes`): at 50,000 documents, JSON took longer to read than the look at
every file.

On a run whose cache holds nothing yet, no block can be taken from it, and a key the plan
made would only be made again when the document is checked: such a plan reads no file
(``read=False``), and each document's key is learnt from its check, with the identities
its files had before the check read them (:meth:`FileStats.learn`). What is remembered is
held as flat numbers until it is saved, the index of the last run only while the plan
reads it.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import time
from array import array
from pathlib import Path

from dnnd_dataset.checking.document_cache import DocumentCache, document_key
from dnnd_dataset.file_tree import Identity, Snapshot, identity_of, settled
from dnnd_dataset.reading.raw_loading import read_document_files

# stem -> (identity of the text, identity of the annotation, the document's key)
_Index = dict[str, tuple[Identity, Identity, str]]

_MAGIC = b"dnnd file stats 1\n"
# The number of documents and the length of their names, joined by NUL.
_HEAD = struct.Struct("<II")
_NUMBERS = array("q")  # an identity's five numbers, as signed 64-bit integers
_PER_DOCUMENT = 10  # numbers: the text's identity, then the annotation's
_KEY = 64  # hex digits of a key
_HEX_KEYS = re.compile(rb"[0-9a-f]*")


def index_bytes(index: _Index) -> bytes:
    """``index`` as the names of its documents, then their identities as 64-bit integers,
    then their keys. A document an identity of which does not fit (a file system may give
    any number) is left out: its key is made again from its bytes."""
    remembered = _Remembered()
    for stem, (text, annotation, key) in index.items():
        remembered.add(stem, text, annotation, key)
    return remembered.bytes()


class _Remembered:
    """Documents' identities and keys, in the order given, as the index's layout holds them."""

    def __init__(self) -> None:
        self.stems: list[str] = []
        self.numbers = array(_NUMBERS.typecode)
        self.keys: list[str] = []

    def add(self, stem: str, text: Identity, annotation: Identity, key: str) -> bool:
        """Remember a document; False when an identity does not fit, and it is left out."""
        try:
            numbers = array(_NUMBERS.typecode, (*text, *annotation))
        except OverflowError:
            return False
        self.stems.append(stem)
        self.numbers += numbers
        self.keys.append(key)
        return True

    def bytes(self) -> bytes:
        names = "\0".join(self.stems).encode("utf-8", "surrogateescape")
        keys = "".join(self.keys).encode("ascii")
        head = _HEAD.pack(len(self.stems), len(names))
        return b"".join((_MAGIC, head, names, self.numbers.tobytes(), keys))


def index_from_bytes(data: bytes) -> _Index:
    """The index :func:`index_bytes` gave; empty when ``data`` is not such an index."""
    start = len(_MAGIC) + _HEAD.size
    if not data.startswith(_MAGIC) or len(data) < start or _NUMBERS.itemsize != 8:
        return {}
    count, size = _HEAD.unpack_from(data, len(_MAGIC))
    numbers_at = start + size
    keys_at = numbers_at + 8 * _PER_DOCUMENT * count
    if len(data) != keys_at + _KEY * count or not _HEX_KEYS.fullmatch(data, keys_at):
        return {}
    stems = data[start:numbers_at].decode("utf-8", "surrogateescape").split("\0")
    if count == 0 or len(stems) != count or len(set(stems)) != count:
        return {}
    numbers = array(_NUMBERS.typecode)
    numbers.frombytes(data[numbers_at:keys_at])
    # Five numbers to an identity, two identities to a document, in the order of ``stems``.
    identities: list[Identity] = list(zip(*[iter(numbers)] * 5, strict=True))
    keys = data[keys_at:].decode("ascii")
    return {
        stem: (identities[2 * at], identities[2 * at + 1], keys[_KEY * at : _KEY * (at + 1)])
        for at, stem in enumerate(stems)
    }


class FileStats:
    """The keys of the documents of ``raw``, read from disk only for files that changed."""

    def __init__(
        self,
        cache: DocumentCache,
        raw: Path,
        snapshot: Snapshot | None = None,
        *,
        read: bool = True,
    ) -> None:
        self.cache = cache
        self.raw = raw
        self.snapshot = snapshot
        self.read = read
        self.time = time.time_ns()
        self.raw_path = os.fspath(raw)
        self.key = hashlib.sha256(f"file-stats\0{raw}".encode("utf-8", "surrogateescape"))
        self.key.update(os.fsencode(os.path.abspath(raw)))
        self.entry_key = self.key.hexdigest()
        found = cache.get_many([self.entry_key]).get(self.entry_key)
        self.known: _Index = index_from_bytes(found) if found is not None else {}
        self._known_count = len(self.known)
        self.now = _Remembered()
        # Whether ``now`` differs from the index of the last run: saved then.
        self._changed = False

    def document_key(self, stem: str) -> str | None:
        """The key of ``stem``, or None when its files are not both plain files or, without
        ``read``, when the index does not know them."""
        if not self.read and not self.known:
            return None  # nothing to look up: no file's identity is needed
        relative = "documents/" + stem
        text = self._identity(relative + ".txt")
        annotation = self._identity(relative + ".yaml")
        if text is None or annotation is None:
            return None
        known = self.known.get(stem)
        if known is not None and known[0] == text and known[1] == annotation:
            self.now.add(stem, *known)
            return known[2]
        if not self.read:
            return None
        files = read_document_files(self.raw, stem)
        if files is None:
            return None
        key = document_key(str(self.raw), stem, files)
        self.learn(stem, (text, annotation), key)
        return key

    def learn(
        self, stem: str, identities: tuple[Identity, Identity] | None, key: str | None
    ) -> None:
        """Remember the ``key`` made from the files of ``stem`` as they were read, and the
        ``identities`` they had before: a file written since has another by the next run,
        which reads it again."""
        if identities is None or key is None:
            return
        text, annotation = identities
        # A file written in the moments before it was seen may be written again with the
        # same identity: its key is not remembered until it has settled.
        if settled(text, self.time) and settled(annotation, self.time):
            self._changed |= self.now.add(stem, text, annotation, key)

    def planned(self) -> None:
        """Let go of the last run's index, read by the plan."""
        self.known = {}

    def _identity(self, relative: str) -> Identity | None:
        # Plain strings, and a path made only for a file the snapshot does not hold: at
        # 50,000 documents, a Path per file costs more than the look at it.
        found = self.snapshot.get(relative) if self.snapshot is not None else None
        return found if found is not None else identity_of(os.path.join(self.raw_path, relative))

    def save(self) -> str:
        """Keep the identities seen in this run; the key of the entry that holds them."""
        if self._changed or len(self.now.stems) != self._known_count:
            self.cache.put_many({self.entry_key: self.now.bytes()})
        return self.entry_key
