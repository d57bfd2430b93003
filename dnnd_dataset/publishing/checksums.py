"""SHA-256 checksums of a folder's files, in the `sha256sum` format of ``SHA256SUMS``."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

SHA256SUMS = "SHA256SUMS"

SUMS_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def relative_files(folder: Path) -> list[str]:
    """Every regular file below ``folder`` as a sorted relative POSIX path."""
    return sorted(
        path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
    )


def sha256sums(folder: Path) -> str:
    """The ``SHA256SUMS`` text for every file below ``folder`` but ``SHA256SUMS`` itself."""
    return "".join(
        f"{sha256_file(folder / name)}  {name}\n"
        for name in relative_files(folder)
        if name != SHA256SUMS
    )


def sums_text(digests: dict[str, str]) -> str:
    """The ``SHA256SUMS`` text of relative path -> hex digest, in the order of ``sha256sums``."""
    return "".join(f"{digests[name]}  {name}\n" for name in sorted(digests))


def parse_sha256sums(text: str) -> tuple[dict[str, str], list[int]]:
    """Listed name -> hex digest, and the numbers of the lines that are not `sha256sum` lines."""
    listed: dict[str, str] = {}
    bad: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = SUMS_LINE.match(line)
        if match is None:
            bad.append(number)
        else:
            listed[match[2]] = match[1]
    return listed, bad
