"""Writing several files of ``raw/`` as one change: every file or none."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dnnd_dataset.errors import DnndError


def write_all_or_none(new: dict[Path, bytes], replaced: dict[Path, bytes] | None = None) -> None:
    """Create the files of ``new`` and replace those of ``replaced``, or change nothing.

    Each file goes to a temporary name beside it first, then is renamed over its target: the
    new files first, the replaced ones last. A failure while renaming removes the new files
    again and writes back the replaced ones' earlier bytes, so every file is as it was. A file
    of ``new`` that exists meanwhile is refused before anything is renamed.
    """
    replaced = replaced or {}
    earlier = {target: target.read_bytes() for target in replaced}
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in [*new.items(), *replaced.items()]:
            if target in new and (target.exists() or target.is_symlink()):
                raise DnndError(f"{target}: written meanwhile by another run (fix: run again)")
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(name, 0o644)
            staged.append((Path(name), target))
        done: list[Path] = []
        try:
            for temporary, target in staged:
                os.replace(temporary, target)
                done.append(target)
        except OSError:
            for target in done:
                if target in new:
                    target.unlink(missing_ok=True)
                else:
                    target.write_bytes(earlier[target])
            raise
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
