"""Replacing a folder that the build owns: recognise it, lock it, stage, swap, sweep.

A folder is replaced only when it is absent, empty, or provably an earlier output of the
build: every entry in it is a folder or regular file that the build writes (its
:class:`Layout`), and its ``SHA256SUMS`` lists exactly those files (for a layout of files
a person may edit, such as a site, with those very contents). Anything else (a git
repository, a stray note, a symbolic link, the raw folder, the working directory) is
refused with an :class:`OutputError` before anything is written, and nothing is deleted.

The new content is written into a hidden staging folder beside the target (same parent,
so renames stay on one file system), under a lock file beside it that keeps a second build
of the same folder out. The finished folder takes the target's place in one atomic step
where the platform has one (Linux ``renameat2`` with ``RENAME_EXCHANGE``): at every instant
the target holds either the complete previous output or the complete new one. Elsewhere two
renames do it, and a failure between them puts the previous output back. Staging folders
left by a run that was killed are provably the build's own (their hidden name and their
content, table files half written included) and are removed by the next run of the same
target. Folders that change together (``replace_folders``: the output and the package data)
are swapped one after the other under a journal, which the next run uses to finish the
swaps of a run killed between them.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import json
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from dnnd_dataset.errors import OutputError, printable
from dnnd_dataset.publishing.checksums import SHA256SUMS, parse_sha256sums, sha256_file


@dataclass(frozen=True)
class Layout:
    """The relative paths of the folders and files that the build writes into a folder."""

    what: str  # "output folder", for messages
    folders: re.Pattern[str]
    files: re.Pattern[str]
    # Every file must also have the SHA-256 its SHA256SUMS lists: for a folder whose files a
    # person may edit in place (a site's pages), where an edit is work that must not be lost.
    same_digests: bool = False

    def owns_folder(self, relative: str) -> bool:
        return self.folders.fullmatch(relative) is not None

    def owns_file(self, relative: str) -> bool:
        return self.files.fullmatch(relative) is not None


_TABLE = r"[a-z][a-z0-9_]*"
OUTPUT_LAYOUT = Layout(
    "output folder",
    re.compile(rf"data(/{_TABLE})?"),
    re.compile(
        rf"README\.md|croissant\.json|{SHA256SUMS}"
        rf"|data/{_TABLE}/train-[0-9]{{5}}-of-[0-9]{{5}}\.parquet"
    ),
)
PACKAGE_DATA_LAYOUT = Layout(
    "package data folder",
    re.compile(r"(?!)"),  # no subfolders
    re.compile(rf"{_TABLE}\.parquet|{SHA256SUMS}"),
)

# The file a table writer fills before naming it (``table_writer``): in a staging folder only.
_PARTIAL = re.compile(rf"\.{_TABLE}-[0-9]{{5}}\.partial")

# Shown at most, when a folder holds things the build did not write.
_SHOWN = 3


def replace_folder(target: Path, layout: Layout, write: Callable[[Path], None]) -> None:
    """Call ``write`` with an empty staging folder, then make that folder ``target``.

    Raises OutputError when ``target`` is refused, locked or cannot be written; any
    exception leaves ``target`` as it was and removes the staging folder.
    """
    replace_folders([(target, layout)], lambda stagings: write(stagings[0]))


def replace_folders(
    targets: Sequence[tuple[Path, Layout]], write: Callable[[list[Path]], None]
) -> None:
    """``replace_folder`` for folders that change together (the output and the package data).

    ``write`` fills one staging folder per target; then each takes its target's place, one
    after the other. Before the first swap a journal beside the first target names every
    staged folder and the checksums it holds, and it is removed after the last: a run
    killed between two swaps leaves it, and the next run of the same folders finishes those
    swaps first, so the folders are never left half old and half new past that run. A swap
    that fails is undone, with the swaps before it.
    """
    for target, layout in targets:
        refuse_unless_replaceable(target, layout)
    # Absolute, so that the lock and staging names beside it exist even for '.' or 'a/..'.
    targets = [(Path(os.path.abspath(target)), layout) for target, layout in targets]
    for target, _ in targets:
        with _as_output_error(target.parent):
            target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as locks:
        for target, _ in targets:
            locks.enter_context(output_lock(target))
        journal = _journal_path(targets[0][0])
        if len(targets) > 1:
            _finish_interrupted(journal, targets)
        for target, layout in targets:
            sweep_stale_staging(target, layout)
            refuse_unless_replaceable(target, layout)  # again: it may have changed before the lock
        stagings = [_staging_name(target, "building") for target, _ in targets]
        swapped: list[Path] = []  # their names now hold what _remove_previous decides on
        try:
            with _as_output_error(stagings[0]):
                for staging in stagings:
                    staging.mkdir()
                write(stagings)
                if len(targets) > 1:
                    _write_journal(journal, targets, stagings)
                try:
                    _swap_all(stagings, targets, swapped)
                finally:
                    journal.unlink(missing_ok=True)
        finally:
            for staging in stagings:
                if staging not in swapped and staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def _as_output_error(path: Path) -> Iterator[None]:
    """An OSError becomes a one-line OutputError naming the file and the reason."""
    try:
        yield
    except OSError as error:
        where = _abbreviated(error.filename or path)
        raise OutputError(
            f"cannot write {where}: {error.strerror or error}; the previous output is "
            "unchanged (fix: choose a folder on a writable file system with free space, "
            "and a shorter path)"
        ) from error


# ---------------------------------------------------------------- recognising


def foreign_entries(folder: Path, layout: Layout) -> list[str]:
    """Relative paths below ``folder`` that the build does not write (links count as such)."""
    found: list[str] = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        with os.scandir(folder / prefix if prefix else folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                relative = f"{prefix}/{entry.name}" if prefix else entry.name
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode) and layout.owns_folder(relative):
                    pending.append(relative)
                elif not (stat.S_ISREG(mode) and layout.owns_file(relative)):
                    found.append(relative + ("/" if stat.S_ISDIR(mode) else ""))
    return sorted(found)


def refuse_unless_replaceable(target: Path, layout: Layout) -> None:
    """Raise OutputError unless ``target`` is absent, empty or an earlier output."""
    try:
        _refuse_unless_replaceable(target, layout)
    except OSError as error:  # a path too long for the file system, a loop of links, ...
        raise OutputError(
            f"{_abbreviated(target)}: cannot use it ({error.strerror or error}); nothing was "
            "changed (fix: choose another folder, with a shorter path)"
        ) from error


def _abbreviated(path: Path | str) -> str:
    shown = printable(path)
    return shown if len(shown) <= 160 else f"{shown[:80]}...{shown[-60:]}"


def _refuse_unless_replaceable(target: Path, layout: Layout) -> None:
    shown = printable(target)
    if not Path(os.path.abspath(target)).name:
        raise OutputError(f"{shown} is the root folder; refusing to replace it")
    if target.is_symlink():
        raise OutputError(
            f"{shown} is a symbolic link; refusing to replace it "
            f"(fix: pass the folder it points to, {printable(os.path.realpath(target))})"
        )
    try:
        if not target.exists():
            return
        if not target.is_dir():
            raise OutputError(f"{shown} exists and is not a folder (fix: choose another folder)")
        foreign = foreign_entries(target, layout)
        problem = _foreign_problem(foreign) if foreign else _listing_problem(target, layout)
    except OSError as error:
        raise OutputError(
            f"{shown}: cannot read it ({error.strerror}), so it cannot be recognised as an "
            f"earlier {layout.what}; nothing was changed (fix: make it readable or choose "
            "another folder)"
        ) from error
    if problem:
        raise OutputError(
            f"{shown} {problem}, so it is not an earlier {layout.what} and nothing was "
            "changed (fix: choose a new or empty folder, or move those files away)"
        )


def _foreign_problem(foreign: list[str]) -> str:
    return f"holds {_some(foreign)}, which the build does not write"


def _some(names: list[str]) -> str:
    shown = ", ".join(printable(name) for name in names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


def _listing_problem(target: Path, layout: Layout) -> str | None:
    files = {
        path.relative_to(target).as_posix()
        for path in target.rglob("*")
        if path.is_file() and path.name != SHA256SUMS
    }
    sums = target / SHA256SUMS
    if not files and not sums.exists():
        return None  # empty, or only empty folders of the layout
    if not sums.is_file():
        return f"has no {SHA256SUMS}"
    try:
        listed, bad = parse_sha256sums(sums.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return f"has a {SHA256SUMS} that is not UTF-8"
    if bad:
        return f"has a {SHA256SUMS} whose line {bad[0]} is not a `sha256sum` line"
    unlisted = sorted(files - listed.keys())
    if unlisted:
        return f"holds {printable(unlisted[0])}, which its {SHA256SUMS} does not list"
    missing = sorted(listed.keys() - files)
    if missing:
        return f"lacks {printable(missing[0])}, which its {SHA256SUMS} lists"
    if layout.same_digests:
        for name in sorted(listed):
            if sha256_file(target / name) != listed[name]:
                return (
                    f"holds {printable(name)}, whose content differs from its {SHA256SUMS} "
                    "(edited since it was written)"
                )
    return None


# ---------------------------------------------------------------- locking


@contextlib.contextmanager
def output_lock(target: Path) -> Iterator[None]:
    """Hold the lock of ``target`` (a hidden file beside it); OutputError if another has it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory locks, the staging names still never collide
        yield
        return
    path = target.parent / f".{target.name}.lock"
    while True:
        try:
            # Never through a link: one planted there would have the build create its target.
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise OutputError(
                    f"{printable(path)} is a symbolic link, not the build's lock file; nothing "
                    "was changed (fix: delete the link)"
                ) from error
            with _as_output_error(path):
                raise
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(descriptor)
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise OutputError(
                    f"{printable(path)}: cannot lock it ({error.strerror})"
                ) from error
            raise OutputError(
                f"another build is writing {printable(target)} (it holds {printable(path)}); "
                "nothing was changed (fix: wait for it to finish, then build again)"
            ) from None
        # The holder before us may have removed the file after we opened it: then our lock
        # is on a file nobody else will open, so start again with the current one.
        try:
            same = os.path.samestat(os.fstat(descriptor), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(descriptor)
    try:
        yield
    finally:
        # Removed while still locked, so that no other run can lock this file afterwards.
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(descriptor)


# ---------------------------------------------------------------- staging and swapping

_PURPOSES = ("building", "previous")


def _staging_name(target: Path, purpose: str) -> Path:
    # Hidden, and random so that it never collides with a leftover of a killed run.
    return target.parent / f".{target.name}.{purpose}-{secrets.token_hex(6)}"


def _staged_name(target: Path, *purposes: str) -> re.Pattern[str]:
    """The names ``_staging_name`` gives beside ``target`` (for building, by default)."""
    chosen = "|".join(purposes or ("building",))
    return re.compile(rf"\.{re.escape(target.name)}\.(?:{chosen})-[0-9a-f]{{12}}")


def sweep_stale_staging(target: Path, layout: Layout) -> list[Path]:
    """Remove staging folders of ``target`` that killed runs left; return what was removed.

    Only run under the lock: then no other build is using them. A folder is removed only
    when its name is one this module gives and everything in it is what the build writes,
    or a table file it was still writing (``.<table>-NNNNN.partial``).
    """
    name = _staged_name(target, *_PURPOSES)
    removed: list[Path] = []
    with os.scandir(target.parent) as entries:
        candidates = sorted(
            Path(entry.path)
            for entry in entries
            if name.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
        )
    for folder in candidates:
        try:
            if [
                entry for entry in foreign_entries(folder, layout) if not _PARTIAL.fullmatch(entry)
            ]:
                continue
            shutil.rmtree(folder)
        except OSError:
            continue  # left for the user to look at; it never blocks a build
        removed.append(folder)
    return removed


_RENAME_EXCHANGE = 1 << 1
_AT_FDCWD = -100
# The kernel or the file system does not know the flag: use the two renames instead.
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP})


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2  # glibc 2.28 and later, musl 1.2.2 and later
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the platform cannot."""
    function = _renameat2()
    if function is None:
        return False
    result = function(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _swap_in(staging: Path, target: Path, layout: Layout) -> None:
    previous = _swap(staging, target)
    if previous is not None:
        _remove_previous(previous, target, layout)


def _swap(staging: Path, target: Path) -> Path | None:
    """Put ``staging`` in ``target``'s place; where the previous content went, if any."""
    if not target.exists():
        staging.rename(target)
        return None
    if exchange(staging, target):
        return staging  # the name now holds the previous output
    previous = _staging_name(target, "previous")
    target.rename(previous)
    try:
        staging.rename(target)
    except BaseException:
        _restore(previous, target)
        raise
    return previous


def _swap_all(
    stagings: list[Path], targets: Sequence[tuple[Path, Layout]], swapped: list[Path]
) -> None:
    """Swap every staged folder in; on a failure, put back those swapped before it.

    ``swapped`` receives the staging names once every swap is done: what they hold then is
    the previous content, removed here or kept with an OutputError saying where.
    """
    done: list[tuple[Path | None, Path]] = []
    try:
        for staging, (target, _) in zip(stagings, targets, strict=True):
            done.append((_swap(staging, target), target))
    except BaseException:
        for previous, target in reversed(done):
            _undo(previous, target)
        raise
    swapped += stagings
    for (previous, target), (_, layout) in zip(done, targets, strict=True):
        if previous is not None:
            _remove_previous(previous, target, layout)


def _undo(previous: Path | None, target: Path) -> None:
    if previous is None:
        shutil.rmtree(target, ignore_errors=True)  # there was no folder before
    elif not exchange(previous, target):
        shutil.rmtree(target, ignore_errors=True)
        _restore(previous, target)


# ---------------------------------------------------------------- the journal of swaps


def _journal_path(first: Path) -> Path:
    return first.parent / f".{first.name}.swapping"


def _sums_digest(folder: Path) -> str | None:
    """The SHA-256 of a folder's SHA256SUMS: which build's content it holds, if any."""
    try:
        return sha256_file(folder / SHA256SUMS)
    except OSError:
        return None


def _write_journal(
    journal: Path, targets: Sequence[tuple[Path, Layout]], stagings: list[Path]
) -> None:
    swaps = [
        {
            "target": str(target),
            "staged": str(staging),
            "new": _sums_digest(staging),
            "old": _sums_digest(target),
        }
        for staging, (target, _) in zip(stagings, targets, strict=True)
    ]
    temporary = journal.with_name(f"{journal.name}-{secrets.token_hex(6)}")
    with open(temporary, "x", encoding="utf-8") as stream:
        stream.write(json.dumps({"swaps": swaps}))
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, journal)


def _finish_interrupted(journal: Path, targets: Sequence[tuple[Path, Layout]]) -> None:
    """Finish the swaps a killed run of the same folders left undone (under their locks).

    A folder is swapped only when it still holds what it held before that run, and its
    staged folder is complete (the checksums the journal names) and only the build's own:
    nothing that changed since is ever replaced.
    """
    try:
        swaps = json.loads(journal.read_text(encoding="utf-8"))["swaps"]
        planned = [(Path(s["target"]), Path(s["staged"]), s["new"], s["old"]) for s in swaps]
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError):
        planned = []  # not a journal this module wrote: dropped below
    layouts = {target: layout for target, layout in targets}
    if sorted(target for target, *_ in planned) == sorted(layouts):
        for target, staged, new, old in planned:
            current = _sums_digest(target)
            if current == new or current != old or _sums_digest(staged) != new:
                continue
            if staged.parent != target.parent or not _staged_name(target).fullmatch(staged.name):
                continue  # only a staging folder of that target is ever swapped in
            with _as_output_error(target):
                if not foreign_entries(staged, layouts[target]):
                    _swap_in(staged, target, layouts[target])
    with _as_output_error(journal):
        journal.unlink(missing_ok=True)


def _restore(previous: Path, target: Path) -> None:
    try:
        previous.rename(target)
    except OSError as error:
        raise OutputError(
            f"the build failed and the previous output could not be moved back from "
            f"{printable(previous)} to {printable(target)}: {error.strerror} "
            "(fix: rename it by hand)"
        ) from error


def _remove_previous(previous: Path, target: Path, layout: Layout) -> None:
    foreign = foreign_entries(previous, layout)
    if foreign:
        # Someone added files while the build ran: keep them, and say where they are.
        raise OutputError(
            f"the new output is in {printable(target)}; the previous one is kept in "
            f"{printable(previous)} because {_some(foreign)} appeared in it while the "
            "build ran (fix: move those files, then delete that folder)"
        )
    try:
        shutil.rmtree(previous)
    except OSError as error:
        raise OutputError(
            f"the new output is in {printable(target)}, but the previous one could not be "
            f"removed from {printable(previous)}: {error.strerror} (fix: delete that folder)"
        ) from error
