"""The processes the build starts for itself give back the memory they free; a caller's
process keeps its own allocators."""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

import pytest

from bench import synth
from dnnd_dataset import freed_memory
from dnnd_dataset.freed_memory import ENVIRONMENT, MMAP_THRESHOLD, freeing_environment

from .conftest import REPO, run


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


@pytest.mark.skipif(
    not hasattr(os, "confstr") or "glibc" not in (os.confstr("CS_GNU_LIBC_VERSION") or ""),
    reason="the threshold is glibc's",
)
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


WORKERS = """
import os, sys
from pathlib import Path
import pyarrow as pa
from dnnd_dataset.checking import document_worker

def chunk(stems):
    print("worker", pa.default_memory_pool().backend_name, flush=True)
    return checked(stems)

checked = document_worker._check_chunk
document_worker._check_chunk = chunk
if __name__ == "__main__":
    from dnnd_dataset.builder import build
    before = pa.default_memory_pool().backend_name
    build(Path(sys.argv[1]), Path(sys.argv[2]), jobs=2)
    print("caller", before, pa.default_memory_pool().backend_name)
"""


def test_the_workers_of_a_run_allocate_with_malloc_and_the_caller_as_it_chose(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    synth.write_corpus(raw, 40, seed=3)
    script = tmp_path / "workers.py"
    script.write_text(WORKERS, encoding="utf-8")
    environ = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT}
    environ |= {"PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    for named in (None, "mimalloc"):
        variables = {**environ, **({"ARROW_DEFAULT_MEMORY_POOL": named} if named else {})}
        done = run([sys.executable, script, raw, tmp_path / f"out-{named}"], env=variables)
        assert done.returncode == 0, done.stderr
        # Three chunks, checked by two workers that may print side by side.
        *workers, caller, before, after = done.stdout.replace("worker", " worker").split()
        assert workers == ["worker", named or "system"] * 3
        assert (caller, after) == ("caller", before)
        assert before == named or named is None


@pytest.mark.parametrize("absent", [AttributeError, ValueError, OSError])
def test_without_glibc_malloc_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch, absent: type[Exception]
) -> None:
    def confstr(name: str) -> str:
        raise absent(name)

    def no_library(name: object) -> object:
        raise AssertionError("the C library is not to be touched")

    monkeypatch.setattr(os, "confstr", confstr, raising=False)
    monkeypatch.setattr(ctypes, "CDLL", no_library)
    freed_memory.map_large_blocks()
