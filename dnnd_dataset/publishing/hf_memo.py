"""What ``datasets`` writes of each table, remembered so that a build need not import it.

A table's ``huggingface`` schema metadata and the features of its card entry depend on the
package's code and on the ``datasets`` release alone, yet importing ``datasets`` (with
pandas and the Hub client) costs about a second and 70 MiB in every build. They are made by
``datasets`` itself (:mod:`hf_features`) the first time, checked to give what ``datasets``
gives, and kept in the user's cache folder under a name made of the package digest and the
``datasets`` version, sealed with the user's secret (:mod:`dnnd_dataset.sealing`): a file
that does not open under the seal, or says anything else than expected, is made again.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import hmac
import json
import os
import secrets
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from dnnd_dataset.file_tree import plain_file_bytes
from dnnd_dataset.records import TABLES
from dnnd_dataset.sealing import seal, user_cache

# Where the user's cache folder keeps the memos, one file per package digest and release.
FOLDER = "hf-features"
# Numbers no table reaches, standing in a card entry for its sizes until they are known.
_EXAMPLES, _BYTES, _DOWNLOAD = 2**62 + 1, 2**62 + 3, 2**62 + 5
_MAC_SIZE = 32
# A memo is some 20 KiB; a file far larger is none.
MAX_BYTES = 4 * 1024 * 1024


# A table's metadata as ``datasets`` writes it (UTF-8 JSON) and its card entry with the
# stand-in sizes.
_Memo = dict[str, tuple[str, dict[str, Any]]]
_ADAPTER: TypeAdapter[_Memo] = TypeAdapter(_Memo)


def huggingface_metadata(table_name: str) -> bytes:
    """The ``huggingface`` schema metadata of a table: its features, written by ``datasets``."""
    memo = _memo()
    if memo is None:
        from dnnd_dataset.publishing import hf_features

        return hf_features.huggingface_metadata(table_name)
    return memo[table_name][0].encode()


def dataset_info(
    table_name: str, *, num_examples: int, num_bytes: int, download_size: int
) -> dict[str, Any]:
    """The card's ``dataset_info`` entry of a table, as :func:`hf_features.dataset_info`."""
    memo = _memo()
    if memo is None:
        from dnnd_dataset.publishing import hf_features

        return hf_features.dataset_info(
            table_name,
            num_examples=num_examples,
            num_bytes=num_bytes,
            download_size=download_size,
        )
    sizes = {_EXAMPLES: num_examples, _BYTES: num_bytes, _DOWNLOAD: download_size}
    filled: dict[str, Any] = _filled(memo[table_name][1], sizes)
    return filled


def _filled(template: Any, sizes: dict[int, int]) -> Any:
    """``template`` with each stand-in size replaced by its value (a fresh copy)."""
    if isinstance(template, dict):
        return {key: _filled(value, sizes) for key, value in template.items()}
    if isinstance(template, list):
        return [_filled(value, sizes) for value in template]
    if type(template) is int:
        return sizes.get(template, template)
    return template


def forget() -> None:
    """Read the memo again at its next use (after the user's cache folder changed)."""
    _memo.cache_clear()


def known() -> dict[str, tuple[str, dict[str, Any]]] | None:
    """Every table's memo (metadata, card entry with stand-in sizes); None when ``datasets``
    is asked each time. A copy: the memo the build fills in stays as made."""
    return copy.deepcopy(_memo())


@functools.cache
def _memo() -> _Memo | None:
    """Every table's memo: kept, or made and kept; None when ``datasets`` is to be asked."""
    name = _name()
    if name is None:
        return None
    path = user_cache() / FOLDER / f"{name}.json"
    kept = _read(path, name)
    if kept is not None:
        return kept
    made = _made()
    if made is not None:
        _write(path, name, made)
    return made


def _name() -> str | None:
    from dnnd_dataset.publishing.up_to_date import package_digest

    try:
        release = metadata.version("datasets")
    except metadata.PackageNotFoundError:
        return None
    return hashlib.sha256(package_digest() + b"\0" + release.encode()).hexdigest()


def _read(path: Path, name: str) -> _Memo | None:
    # Only a regular file, not a link: a FIFO in its place is no memo and is not waited for.
    content = plain_file_bytes(path, MAX_BYTES)
    if content is None:
        return None
    mac, body = content[:_MAC_SIZE], content[_MAC_SIZE:]
    try:
        if not hmac.compare_digest(mac, seal(name, body)):
            return None
        memo = _ADAPTER.validate_json(body, strict=True)
    except (OSError, ValidationError):
        return None
    return memo if set(memo) == set(TABLES) else None


def _dumped(memo: _Memo) -> str:
    # In the order datasets gives the keys: the card is written in that order.
    return json.dumps(memo, ensure_ascii=False)


def _write(path: Path, name: str, memo: _Memo) -> None:
    body = _dumped(memo).encode()
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # A memo that cannot be kept only costs the next build the import.
    with contextlib.suppress(OSError):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(seal(name, body) + body)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)


def _made() -> _Memo | None:
    """Every table's memo from ``datasets``, provided that it fills in as ``datasets``
    writes; None otherwise (then ``datasets`` is asked each time)."""
    from dnnd_dataset.publishing import hf_features

    made: _Memo = {
        table: (
            hf_features.huggingface_metadata(table).decode(),
            hf_features.dataset_info(
                table, num_examples=_EXAMPLES, num_bytes=_BYTES, download_size=_DOWNLOAD
            ),
        )
        for table in TABLES
    }
    # As it reads back: the first build and the later ones fill in the very same data.
    memo = _ADAPTER.validate_json(_dumped(made))
    sample = {_EXAMPLES: 7, _BYTES: 1_048_583, _DOWNLOAD: 65_537}
    for table in TABLES:
        expected = hf_features.dataset_info(
            table, num_examples=7, num_bytes=1_048_583, download_size=65_537
        )
        # repr tells apart what == does not and the card does: the order of keys, a tuple.
        if repr(_filled(memo[table][1], sample)) != repr(expected):
            return None
        if memo[table][0].encode() != hf_features.huggingface_metadata(table):
            return None
    return memo
