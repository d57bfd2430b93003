"""Adding an article to ``raw/``: the text verbatim under a new id, and its draft annotation.

Article ids are ``NNN-HHHHHHHHHHHHHHHH``: a sequence number one above the highest in
``raw/documents`` (three digits or more) and the first 16 hex digits of the text's SHA-256.
The number keeps the files in the order they were added; the hash keeps two contributors
who add at the same time from taking the same id for different texts. On one machine, an
add holds a lock on the raw folder from reading the corpus to writing the files, so two adds
of one text at once add it once; ``dnnd build`` refuses two articles with the same text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dnnd_dataset.drafting import drafter_model, extras
from dnnd_dataset.drafting.draft import draft_annotation
from dnnd_dataset.drafting.file_set import write_all_or_none
from dnnd_dataset.drafting.knowledge import read_knowledge
from dnnd_dataset.drafting.render import render
from dnnd_dataset.errors import DnndError, InvalidCorpusError, Issue, Report
from dnnd_dataset.reading.rawio import RawFileError, read_text

# The file name of an article: its number, then the digest of its text.
NUMBERED_NAME = re.compile(r"^(?P<number>[0-9]{3,})-")


@dataclass(frozen=True)
class Added:
    """What ``add_article`` wrote, and what the draft holds for review."""

    article_id: str
    text_path: Path
    annotation_path: Path
    mentions: int
    proposed: int
    notes: list[str] = field(default_factory=list)


def next_article_id(documents: Path, text: str) -> str:
    numbers = [
        int(m["number"])
        for path in (documents.iterdir() if documents.is_dir() else [])
        if (m := NUMBERED_NAME.match(path.name))
    ]
    number = max(numbers, default=-1) + 1
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"{number:03d}-{digest}"


def _read(text_file: Path) -> str:
    shown = str(text_file)
    if not text_file.is_file():
        raise InvalidCorpusError(
            Report(
                issues=[
                    Issue(
                        shown,
                        1,
                        "missing-file",
                        "there is no such text file",
                        "give the path of a UTF-8 text file",
                    )
                ]
            )
        )
    try:
        text = read_text(text_file, shown)
    except RawFileError as exc:
        raise InvalidCorpusError(Report(issues=exc.issues)) from None
    if not text.strip():
        raise InvalidCorpusError(
            Report(
                issues=[
                    Issue(
                        shown,
                        1,
                        "invalid-value",
                        "the text file is empty",
                        "give the file that holds the article text",
                    )
                ]
            )
        )
    return text


def add_article(
    raw: Path,
    text_file: Path,
    *,
    outlet: str | None = None,
    url: str | None = None,
    page_date: dt.date | None = None,
) -> Added:
    """Copy ``text_file`` into ``raw/documents`` under a new id and write its draft.

    Raises InvalidCorpusError when the text or the registries cannot be read, and DnndError
    when the text is already in the corpus. Nothing is written unless both files are.
    """
    raw = Path(raw)
    text = _read(Path(text_file))
    with raw_folder_locked(raw):
        return _add_locked(raw, Path(text_file), text, outlet, url, page_date)


@contextlib.contextmanager
def raw_folder_locked(raw: Path) -> Iterator[None]:
    """Hold the lock of ``raw`` while an article is added: another ``dnnd add`` waits for it.

    So two adds of one text at once add it once: the second reads the corpus only after the
    first has written the text. The lock is on the folder itself and leaves no file behind.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: the hash in the id still keeps two texts apart
        yield
        return
    try:
        descriptor = os.open(raw, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield  # no such folder: reading the registries reports it
        return
    try:
        with contextlib.suppress(OSError):  # a file system without locks: as without fcntl
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _add_locked(
    raw: Path,
    text_file: Path,
    text: str,
    outlet: str | None,
    url: str | None,
    page_date: dt.date | None,
) -> Added:
    knowledge = read_knowledge(raw)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest in knowledge.shas:
        raise DnndError(
            f"{text_file}: this text is already in the corpus as {knowledge.shas[digest]} "
            "(fix: review raw/documents/" + knowledge.shas[digest] + ".yaml instead)"
        )
    documents = raw / "documents"
    article_id = next_article_id(documents, text)
    absent = extras.missing()
    draft = draft_annotation(
        text,
        knowledge,
        article_id=article_id,
        source_file=Path(text_file).name,
        outlet=outlet,
        url=url,
        page_date=page_date,
        model=drafter_model.model_for(raw),
    )
    if absent:
        draft.notes.append(extras.thin_note(absent))
    text_path = documents / f"{article_id}.txt"
    annotation_path = documents / f"{article_id}.yaml"
    rendered = render(draft.annotation, draft.notes).encode("utf-8")
    try:
        write_all_or_none({text_path: text.encode("utf-8"), annotation_path: rendered})
    except OSError as error:
        raise DnndError(
            f"{documents}: cannot write the new article ({error.strerror}) "
            "(fix: make the folder writable; nothing was added)"
        ) from error
    annotation = draft.annotation
    return Added(
        article_id,
        text_path,
        annotation_path,
        mentions=len(annotation.mentions),
        proposed=len(annotation.proposed_items()),
        notes=draft.notes,
    )
