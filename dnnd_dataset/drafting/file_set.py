"""Writing several files of ``raw/`` as one change: every file or none."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dnnd_dataset.errors import DnndError


def write_all_or_none(new: dict[Path, bytes], replaced: dict[Path, bytes] | None = None) -> None:
    """Create the files of ``new`` and replace those of ``replaced``, or change nothing.

    Each file goes to a temporary name beside it first, then is renamed over its target: the
    new files first, the replaced ones last, so that a failure while renaming removes the
    new files again and leaves every earlier file as it was. A file of ``new`` that exists
    meanwhile is refused before anything is renamed.
    """
    replaced = replaced or {}
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
        created: list[Path] = []
        try:
            for temporary, target in staged:
                os.replace(temporary, target)
                if target in new:
                    created.append(target)
        except OSError:
            for target in created:
                target.unlink(missing_ok=True)
            raise
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
