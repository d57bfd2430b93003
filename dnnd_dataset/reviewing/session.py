"""One review of one draft: its files, the lock that keeps a second review out, the token.

The lock is an advisory ``flock`` on the article's text file, which a review never rewrites
(the annotation is replaced by a rename on every save, so a lock on it would not hold). It
is released when the process ends, however it ends.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from dnnd_dataset.drafting.adding import NUMBERED_NAME
from dnnd_dataset.errors import DnndError
from dnnd_dataset.records import (
    SLUG_PATTERN,
    AttendanceQualifier,
    OrganizationKind,
    ParticipantRole,
)
from dnnd_dataset.reviewing.items import page_items, read_registry


@dataclass(frozen=True)
class ReviewSession:
    raw: Path
    stem: str
    # Required on every request that reads or writes the draft; printed once, in the URL.
    token: str

    @property
    def annotation(self) -> Path:
        return self.raw / "documents" / f"{self.stem}.yaml"

    @property
    def text_file(self) -> Path:
        return self.raw / "documents" / f"{self.stem}.txt"


def document_stem(raw: Path, document: str | None) -> str:
    """The article id a DOCUMENT argument names (an id or a file of it), or, without one, the
    newest draft that still has items to review."""
    folder = raw / "documents"
    if folder.is_symlink() or not folder.resolve().is_relative_to(raw.resolve()):
        # A save writes the draft by its path in this folder: never through a link.
        raise DnndError(
            f"{folder}: a link or leads outside {raw}, and a review writes only inside the raw "
            "folder (fix: make it a plain folder inside the raw folder)"
        )
    if document is None:
        return _newest_draft(raw)
    name = Path(document).name.removesuffix(".yaml").removesuffix(".txt")
    if not re.fullmatch(SLUG_PATTERN.strip("^$"), name) or Path(document).name in ("", ".", ".."):
        raise DnndError(
            f"{document!r} names no article (fix: give an article id such as 005-5475fce42a364dee "
            "or its file raw/documents/<id>.yaml)"
        )
    for suffix in (".txt", ".yaml"):
        path = folder / f"{name}{suffix}"
        if not path.is_file() or path.is_symlink():
            raise DnndError(
                f"{path}: no such file (fix: name a draft that 'dnnd add' wrote in {folder})"
            )
    if not _drafted(folder / f"{name}.yaml"):
        raise DnndError(
            f"{folder / name}.yaml: not a draft of 'dnnd add', and a save writes the file in "
            "the layout of a draft (fix: edit this annotation in an editor, then run "
            "'dnnd check')"
        )
    return name


# The head of every draft (drafting/render.py): a save re-renders the annotation in that
# layout, which would rewrite a file laid out by hand.
DRAFT_HEAD = "# Drafted by 'dnnd add'."


def _drafted(path: Path) -> bool:
    with path.open("rb") as stream:
        head = stream.read(4096).decode("utf-8", errors="replace")
    lines = head.splitlines()
    comments = [line for line in lines[: len(lines) - 1] if line.startswith("#")]
    return any(line.startswith(DRAFT_HEAD) for line in comments[:8])


def _newest_draft(raw: Path) -> str:
    folder = raw / "documents"
    drafts = []
    for path in folder.glob("*.yaml") if folder.is_dir() else []:
        if path.is_symlink() or not path.is_file():
            continue  # never read through a link (to /dev/zero, say), nor from a FIFO
        found = NUMBERED_NAME.match(path.name)
        content = path.read_text(encoding="utf-8", errors="replace") if found else ""
        pending = "proposed: true" in content.split("\n", 8)[-1] or "\nproposals:" in content
        if found and _drafted(path) and pending:
            drafts.append((int(found["number"]), path.stem))
    drafts.sort()
    if not drafts:
        raise DnndError(
            f"{folder}: no draft has items to review (fix: name the document to review, or "
            "add an article with 'dnnd add TEXT_FILE')"
        )
    return drafts[-1][1]


@contextlib.contextmanager
def review_session(raw: Path, document: str | None) -> Iterator[ReviewSession]:
    """Hold the review of ``document`` in ``raw``; a second review of it at once is refused."""
    raw = Path(raw)
    stem = document_stem(raw, document)
    session = ReviewSession(raw, stem, secrets.token_urlsafe(32))
    descriptor = os.open(session.text_file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        try:
            import fcntl

            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # not POSIX: no lock to take
            pass
        except BlockingIOError:
            raise DnndError(
                f"{session.annotation}: already under review in another 'dnnd review' (fix: "
                "finish that review and stop its server with Ctrl-C, or use its page)"
            ) from None
        yield session
    finally:
        os.close(descriptor)


def page_state(session: ReviewSession) -> dict[str, object]:
    """What the page is given: the text, the items, the registry to link to, and the SHA-256
    of the draft it shows."""
    from dnnd_dataset.errors import Issue
    from dnnd_dataset.reading.raw_loading import DocumentFiles, load_document
    from dnnd_dataset.reviewing.saving import digest

    issues: list[Issue] = []
    annotation = session.annotation.read_bytes()
    files = DocumentFiles(session.text_file.read_bytes(), annotation)
    loaded = load_document(session.raw, session.stem, issues, files)
    if loaded.document is None or loaded.source is None:
        raise DnndError(
            "; ".join(issue.format() for issue in issues)
            or f"{session.annotation}: cannot be read (fix: run 'dnnd check')"
        )
    registry = read_registry(session.raw)
    return {
        "article_id": session.stem,
        "text": loaded.source.text,
        "base": digest(annotation),
        "items": page_items(loaded.document, loaded.source.text, registry.labels),
        "labels": registry.labels,
        "search": registry.search,
        # The choices the page offers, from the models.
        "organization_kinds": list(get_args(OrganizationKind)),
        "roles": list(get_args(ParticipantRole)),
        "attendance_qualifiers": list(get_args(AttendanceQualifier)),
    }
