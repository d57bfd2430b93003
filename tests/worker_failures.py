"""What a worker process of a test build calls instead of the real thing, by name."""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from pathlib import Path


def full_disk(folder: Path, version: str, row_groups: Mapping[str, int], index: int) -> object:
    """A block's shard writer on a disk with no room left."""
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder))
