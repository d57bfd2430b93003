"""Memory a process of the build frees goes back to the system, not to a pool it keeps.

Two allocators keep what a build frees. glibc's malloc raises its mmap threshold each time
a large block is freed (up to 32 MiB); from then on, large passing buffers (the JSON of the
registry memo, the pickled registries a worker starts with, a shard's pages) come from the
heap, and a heap freed in the middle stays resident. pyarrow's own pools (jemalloc,
mimalloc) keep freed pages for reuse. At 50,000 articles the two held about 90 MiB in the
main process and 50 MiB in each worker that no live object used.

Only the processes the build starts for itself call these: the ``dnnd`` program
(:func:`program_gives_back`, before anything is loaded, so that its workers start under the
same rules) and the workers of any build (:func:`return_freed_memory`). A caller's own
process keeps its allocators, and a threshold or pool the environment already names is the
one used.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Mapping, MutableMapping

# A block over this size gets a mapping of its own, unmapped when freed: a megabyte is far
# more than a document's passing objects, and far less than the buffers above.
MMAP_THRESHOLD = 1 << 20
ARROW_POOL = "ARROW_DEFAULT_MEMORY_POOL"
MMAP_VARIABLE = "MALLOC_MMAP_THRESHOLD_"
# What glibc reads when a process starts; pyarrow, when it is first loaded.
ENVIRONMENT = {ARROW_POOL: "system", MMAP_VARIABLE: str(MMAP_THRESHOLD)}
# glibc's <malloc.h>: the mallopt parameter of the mmap threshold.
_M_MMAP_THRESHOLD = -3


def freeing_environment(environ: MutableMapping[str, str]) -> list[str]:
    """Set in ``environ`` what a process started with it needs to give back what it frees,
    where the caller has not said otherwise; the names this set."""
    given = {MMAP_VARIABLE} if _threshold_given(environ) else set()
    added = [name for name in ENVIRONMENT if name not in environ and name not in given]
    environ.update({name: ENVIRONMENT[name] for name in added})
    return added


def map_large_blocks() -> None:
    """Have glibc's malloc map every block over :data:`MMAP_THRESHOLD` apart, in this
    process; nothing under another C library, whose own policy stands."""
    if _glibc():
        # A fixed threshold also stops glibc from raising it as blocks are freed.
        ctypes.CDLL(None).mallopt(ctypes.c_int(_M_MMAP_THRESHOLD), ctypes.c_int(MMAP_THRESHOLD))


def program_gives_back() -> None:
    """In the ``dnnd`` program's own process, before pyarrow is loaded: the environment
    for it and its workers, and large blocks mapped apart in it from now on."""
    # glibc reads the variable as a process starts: this one has started without it.
    if MMAP_VARIABLE in freeing_environment(os.environ):
        map_large_blocks()


def return_freed_memory() -> None:
    """In a process already started: large blocks mapped apart from now on, and pyarrow
    allocating with malloc, unless its environment says otherwise (a threshold there was
    applied when the process started)."""
    if not _threshold_given(os.environ):
        map_large_blocks()
    if ARROW_POOL not in os.environ:
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())


def _threshold_given(environ: Mapping[str, str]) -> bool:
    """Whether ``environ`` gives glibc an mmap threshold: the variable, or the tunable."""
    tunables = environ.get("GLIBC_TUNABLES", "")
    return MMAP_VARIABLE in environ or "glibc.malloc.mmap_threshold" in tunables


def _glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (AttributeError, ValueError, OSError):  # no confstr (Windows), or no such name
        return False
