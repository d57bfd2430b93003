"""The per-user secret that seals what the project caches, and the user's cache folder.

A cache is a file anyone may hand over (committed to a repository, copied from another
machine), so what a cache holds is trusted only when its HMAC-SHA256 under this secret
matches: 32 random bytes made once per user (``entry-key`` in the user's cache folder),
readable by the user alone, never beside a corpus. The document cache of the checks and the
drafter's model cache both seal with it.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import stat
from pathlib import Path

import platformdirs

SECRET = "entry-key"
SECRET_SIZE = 32
# Where the platform has it, a link is refused by open itself.
_NO_LINK = getattr(os, "O_NOFOLLOW", 0)


def user_cache() -> Path:
    """The user's cache folder for the project, where the entries' secret lives."""
    return Path(platformdirs.user_cache_dir("dnnd-dataset", appauthor=False))


def seal(key: str, content: bytes) -> bytes:
    """The HMAC-SHA256 of ``key`` and ``content`` under the user's secret.

    Raises OSError when the secret can be neither read nor made.
    """
    return hmac.digest(entry_secret(), key.encode() + b"\0" + content, "sha256")


_secrets: dict[Path, bytes] = {}


def entry_secret() -> bytes:
    """The secret that seals this user's entries, made at the first use.

    Raises OSError when it can be neither read nor made: the run goes without a cache.
    """
    path = user_cache() / SECRET
    if path not in _secrets:
        secret = _read_secret(path)
        if secret is None:
            _make_secret(path)
            secret = _read_secret(path)
            if secret is None:
                raise OSError(f"{path} is not a secret of {SECRET_SIZE} bytes")
        _secrets[path] = secret
    return _secrets[path]


def _read_secret(path: Path) -> bytes | None:
    """The secret in ``path``, or None when there is none that only this user can read."""
    try:
        fd = os.open(path, os.O_RDONLY | _NO_LINK)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as file:
        status = os.fstat(file.fileno())
        secret = file.read(SECRET_SIZE + 1)
    private = os.name != "posix" or (
        status.st_uid == os.geteuid() and not status.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    )
    if not stat.S_ISREG(status.st_mode) or not private or len(secret) != SECRET_SIZE:
        return None
    return secret


def _make_secret(path: Path) -> None:
    """Write a new secret in ``path``: whole, readable by the user alone, the first one wins."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        _ignored_by_git(path.parent)
    partial = path.with_name(f".{SECRET}.{secrets.token_hex(8)}.tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_LINK, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(secrets.token_bytes(SECRET_SIZE))
        if os.path.lexists(path):
            os.replace(partial, path)  # one that is not private, or damaged, is replaced
        else:
            with contextlib.suppress(FileExistsError):  # another process made it first
                os.link(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _ignored_by_git(folder: Path) -> None:
    """Keep a folder the cache made out of any repository it lies in."""
    with contextlib.suppress(OSError):
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")
