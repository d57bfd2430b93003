"""The processes the build starts for itself give back the memory they free; a caller's
process keeps its own allocators."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from bench import synth
from dnnd_dataset.freed_memory import ENVIRONMENT, MMAP_THRESHOLD, freeing_environment

from .conftest import RAW, REPO, run


def test_the_environment_is_added_to_where_the_caller_said_nothing() -> None:
    environ = {"ARROW_DEFAULT_MEMORY_POOL": "jemalloc", "HOME": "/h"}
    assert freeing_environment(environ) == ["MALLOC_MMAP_THRESHOLD_"]
    assert environ == {
        "ARROW_DEFAULT_MEMORY_POOL": "jemalloc",
        "HOME": "/h",
        "MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD),
    }
    environ = {}
    assert freeing_environment(environ) == list(ENVIRONMENT)
    assert environ == {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_MMAP_THRESHOLD_": "1048576"}
    assert freeing_environment(environ) == []


glibc_only = pytest.mark.skipif(
    not hasattr(os, "confstr") or "glibc" not in (os.confstr("CS_GNU_LIBC_VERSION") or ""),
    reason="the threshold is glibc's",
)

# A large block freed raises glibc's threshold; blocks under it then come from the heap, and
# those freed below one still held stay resident.
HEAP = """
import sys
def rss():
    with open("/proc/self/status") as status:
        return int(status.read().split("VmRSS:")[1].split()[0]) // 1024
if sys.argv[1] == "mapped":
    from dnnd_dataset.freed_memory import map_large_blocks
    map_large_blocks()
large = bytearray(16 << 20)
del large
before = rss()
blocks = [bytearray(2 << 20) for _ in range(30)]
for block in blocks:
    block[::4096] = b"x" * 512  # a byte in each page: every page resident
held = bytearray(100)
del blocks
print(rss() - before)
"""


@glibc_only
def test_large_blocks_freed_go_back_to_the_system_once_mapped_apart() -> None:
    environ = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT}
    environ["PYTHONPATH"] = str(REPO)
    kept, given_back = (
        run([sys.executable, "-c", HEAP, mode], env=environ) for mode in ("heap", "mapped")
    )
    assert kept.returncode == given_back.returncode == 0, kept.stderr + given_back.stderr
    # 60 MiB were allocated and freed: on the heap most of it stays, mapped apart none.
    assert int(kept.stdout) > 40
    assert int(given_back.stdout) < 8


# Whether glibc's malloc maps blocks of a size apart: a flag in each block's header.
MAPPED = """
import ctypes
_libc = ctypes.CDLL(None)
_libc.malloc.restype = ctypes.c_void_p
_libc.free.argtypes = [ctypes.c_void_p]
def mapped(size):
    # Many blocks at once: a free block of the heap left by earlier work (one grown in
    # place) may serve a few whatever the threshold, never most of them.
    blocks = [_libc.malloc(size) for _ in range(64)]
    header = ctypes.sizeof(ctypes.c_size_t)
    flags = [ctypes.c_size_t.from_address(block - header).value & 2 for block in blocks]
    for block in blocks:
        _libc.free(block)
    return int(sum(map(bool, flags)) > len(blocks) // 2)
"""

COMMAND = (
    MAPPED
    + """
import os, sys
from dnnd_dataset import cli
seen = []
def spy(args):
    import pyarrow
    seen.extend([os.environ.get("ARROW_DEFAULT_MEMORY_POOL"),
                 os.environ.get("MALLOC_MMAP_THRESHOLD_"),
                 pyarrow.default_memory_pool().backend_name])
    return 0
cli.COMMANDS["check"] = spy
assert getattr(cli, sys.argv[2])(["check", "--raw", sys.argv[1]]) == 0
# A large block freed raises a threshold glibc keeps moving, and none that was fixed.
_libc.free(_libc.malloc(8 << 20))
print(*seen, mapped(1000 << 10), mapped(1100 << 10))
"""
)


def _clean() -> dict[str, str]:
    """This environment without any allocator setting, the checkout importable."""
    names = {*ENVIRONMENT, "GLIBC_TUNABLES"}
    environ = {name: value for name, value in os.environ.items() if name not in names}
    return environ | {"PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}


@glibc_only
@pytest.mark.parametrize(
    ("entry", "given", "seen"),
    [
        # The program: blocks over 1 MiB apart, Arrow on malloc, for its workers too.
        ("command", {}, "system 1048576 system 0 1"),
        # What the caller's environment names is the one used.
        (
            "command",
            {"MALLOC_MMAP_THRESHOLD_": "65536", "ARROW_DEFAULT_MEMORY_POOL": "mimalloc"},
            "mimalloc 65536 mimalloc 1 1",
        ),
        (
            "command",
            {"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"},
            "system None system 1 1",
        ),
        # ``main`` in a caller's process: its allocators as they were.
        ("main", {}, "None None {default} 0 0"),
    ],
)
def test_the_dnnd_program_gives_back_freed_memory_and_a_caller_of_main_keeps_its_own(
    tmp_path: Path, entry: str, given: dict[str, str], seen: str
) -> None:
    default = run(
        [
            sys.executable,
            "-c",
            "import pyarrow as pa; print(pa.default_memory_pool().backend_name)",
        ],
        env=_clean(),
    )
    done = run([sys.executable, "-c", COMMAND, RAW, entry], cwd=tmp_path, env=_clean() | given)
    assert (done.stdout, done.stderr) == (seen.format(default=default.stdout.strip()) + "\n", "")


WORKERS = (
    MAPPED
    + """
import os, sys
from pathlib import Path
import pyarrow as pa
from dnnd_dataset.checking import document_worker

def chunk(stems):
    _libc.free(_libc.malloc(8 << 20))  # raises a threshold that is not fixed
    print("worker", pa.default_memory_pool().backend_name, mapped(1000 << 10),
          mapped(1100 << 10), flush=True)
    return checked(stems)

checked = document_worker._check_chunk
document_worker._check_chunk = chunk
if __name__ == "__main__":
    from dnnd_dataset.builder import build
    before = pa.default_memory_pool().backend_name
    build(Path(sys.argv[1]), Path(sys.argv[2]), jobs=2)
    print("caller", before, pa.default_memory_pool().backend_name)
"""
)


@glibc_only
def test_the_workers_of_a_run_give_back_freed_memory_and_the_caller_keeps_its_own(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    synth.write_corpus(raw, 40, seed=3)
    script = tmp_path / "workers.py"
    script.write_text(WORKERS, encoding="utf-8")
    for named, threshold, worker in (
        ({}, ["0", "1"], "system"),
        (
            {"ARROW_DEFAULT_MEMORY_POOL": "mimalloc", "MALLOC_MMAP_THRESHOLD_": "65536"},
            ["1", "1"],
            "mimalloc",
        ),
    ):
        done = run([sys.executable, script, raw, tmp_path / f"out-{worker}"], env=_clean() | named)
        assert done.returncode == 0, done.stderr
        # Three chunks, checked by two workers that may print side by side.
        *workers, caller, before, after = done.stdout.replace("worker", " worker").split()
        assert workers == ["worker", worker, *threshold] * 3
        assert (caller, after) == ("caller", before)
        assert before == named.get("ARROW_DEFAULT_MEMORY_POOL", before)
