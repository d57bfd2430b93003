"""Reading ``raw/`` into validated raw models, each remembering where it was written.

Each registry is a folder with one file per entry, ``raw/registry/<registry>/<id>.yaml``:
contributors who add articles at the same time add files rather than edit a shared one,
so their merges do not conflict, and no file grows with the corpus. Files are read in
the code-point order of their names, so the same folder gives the same result anywhere.

A problem in one registry entry or one document drops only that entry or document;
the rest is still read so that one run reports every problem.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from dnnd_dataset.errors import Issue
from dnnd_dataset.file_tree import Identity, plain_file
from dnnd_dataset.reading import rawio
from dnnd_dataset.reading.raw_models import (
    DirectiveEntry,
    DocumentAnnotation,
    MeetingEntry,
    OrganizationEntry,
    PersonEntry,
    PostEntry,
)
from dnnd_dataset.reading.rawio import (
    LoadedYaml,
    Loc,
    RawFileError,
    decode_text,
    lines_only,
    load_yaml,
    parse_yaml,
    read_bytes,
    read_text,
)
from dnnd_dataset.reading.registry_memo import FileLines, RegistryMemo
from dnnd_dataset.reading.validation_issues import issues_from_validation, kind_of

M = TypeVar("M", bound=BaseModel)

REGISTRIES: dict[str, type[BaseModel]] = {
    "persons": PersonEntry,
    "organizations": OrganizationEntry,
    "directives": DirectiveEntry,
    "meetings": MeetingEntry,
    "posts": PostEntry,
}
# The mention label of each registry's entities.
LABEL_OF_REGISTRY: dict[str, str] = {
    "persons": "PERSON",
    "organizations": "ORGANIZATION",
    "directives": "DIRECTIVE",
    "meetings": "MEETING",
}


@dataclass(frozen=True)
class Located(Generic[M]):
    """A validated model with the file it came from and the lines of its nodes."""

    model: M
    shown: str
    source: LoadedYaml
    loc: Loc

    def line(self, *sub: str | int) -> int:
        return self.source.line_of((*self.loc, *sub))


@dataclass(frozen=True)
class SourceText:
    article_id: str
    shown: str
    text: str


@dataclass
class RawCorpus:
    registries: dict[str, list[Located[BaseModel]]]
    documents: list[Located[DocumentAnnotation]]
    texts: dict[str, SourceText]
    # Articles whose text file exists but could not be read: already reported once.
    unreadable: set[str]
    # id -> registry of entries that did not load: references to them are no new error.
    rejected_ids: dict[str, str] = field(default_factory=dict)


def _shown(raw: Path, path: Path) -> str:
    return str(raw / path.relative_to(raw))


def _unreadable(shown: str, error: OSError, what: str = "file") -> Issue:
    return Issue(
        shown,
        1,
        "unreadable-file",
        f"the {what} cannot be read: {error.strerror or error}",
        f"make the {what} readable by the user who runs the build (chmod u+r), or replace it",
    )


def _regular(path: Path, issues: list[Issue], shown: str) -> bool:
    """True for a regular file; a FIFO would block the run, a folder or socket abort it."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        issues.append(_unreadable(shown, error))
        return False
    if stat.S_ISREG(mode):
        return True
    issues.append(
        Issue(
            shown,
            1,
            "not-a-file",
            f"the path is {_kind(mode)}, not a regular file",
            "replace it with a regular file, or move it out of the raw folder",
        )
    )
    return False


def _special(path: Path) -> bool:
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISLNK(mode))


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device or other special file"


def _listing(raw: Path, folder: Path, issues: list[Issue]) -> list[Path]:
    """The entries of ``folder`` by name; none, with an issue, when it cannot be listed."""
    try:
        return sorted(folder.iterdir(), key=lambda p: p.name) if folder.is_dir() else []
    except OSError as error:
        issues.append(_unreadable(_shown(raw, folder), error, "folder"))
        return []


def _read_yaml(
    path: Path, shown: str, issues: list[Issue], content: bytes | None = None
) -> LoadedYaml | None:
    """The parsed file, or None with its problems (unreadable, too deep, invalid) in issues.

    ``content``, when given, is the file's bytes already read.
    """
    try:
        if content is not None:
            return parse_yaml(decode_text(content, shown), shown)
        return load_yaml(path, shown)
    except RawFileError as exc:
        issues.extend(exc.issues)
    except OSError as error:
        issues.append(_unreadable(shown, error))
    except RecursionError:
        issues.append(
            Issue(
                shown,
                1,
                "invalid-yaml",
                "the YAML nests lists or mappings too deeply to read",
                "flatten the structure; annotation files need only a few levels",
            )
        )
    return None


def _inside(raw: Path, path: Path, issues: list[Issue], shown: str) -> bool:
    if path.is_symlink() or not path.resolve().is_relative_to(raw.resolve()):
        issues.append(
            Issue(
                shown,
                1,
                "path-outside-raw",
                "the path is a link or leads outside the raw folder",
                "replace the link with the file itself, inside the raw folder",
            )
        )
        return False
    return True


def load_registries(
    raw: Path,
    issues: list[Issue],
    rejected: dict[str, str] | None = None,
    memo: RegistryMemo | None = None,
) -> dict[str, list[Located[BaseModel]]]:
    """Every registry, each read from its folder of one-entry files in file-name order.

    ``rejected`` receives the id (the file name) and registry of each entry that did not load.
    ``memo`` gives the data of files unchanged since an earlier run, and receives this run's.
    """
    _check_registry_folder(raw, issues)
    return {name: load_registry(raw, name, issues, rejected, memo) for name in REGISTRIES}


def _check_registry_folder(raw: Path, issues: list[Issue]) -> None:
    folder = raw / "registry"
    listed = _listing(raw, folder, issues)
    for path in listed:
        if path.name.startswith(".") or (path.name in REGISTRIES and path.is_dir()):
            continue
        shown = _shown(raw, path)
        if path.suffix == ".yaml" and path.stem in REGISTRIES:
            # The layout before registries became folders: one file of many entries.
            hint = f"move each entry to its own file {shown[: -len('.yaml')]}/<id>.yaml"
        else:
            close = difflib.get_close_matches(path.name, REGISTRIES, n=1)
            hint = f"rename it to {close[0]}/; " if close else "move or remove it; "
            hint += f"the registry folders are {', '.join(REGISTRIES)}"
        issues.append(
            Issue(
                shown,
                1,
                "unexpected-file",
                "the registry folder holds only one folder per registry",
                hint,
            )
        )


def load_registry(
    raw: Path,
    name: str,
    issues: list[Issue],
    rejected: dict[str, str] | None = None,
    memo: RegistryMemo | None = None,
) -> list[Located[BaseModel]]:
    """The entries of ``raw/registry/<name>/*.yaml``, one per file, in file-name order.

    A missing folder is an empty registry: version control keeps no empty folders.
    """
    folder = raw / "registry" / name
    try:
        is_folder = folder.is_dir()
    except OSError:  # the registry folder itself cannot be read: reported once, above
        return []
    folder_shown = _shown(raw, folder)
    # Once the folder is known to lie inside raw/, a file in it does unless it is a link;
    # the listing says which are, so a registry of thousands of files costs no path
    # resolution per file.
    if not is_folder or not _inside(raw, folder, issues, folder_shown):
        return []
    try:
        with os.scandir(folder) as listing:
            files = sorted(
                (
                    item.name,
                    item.is_symlink(),
                    item.is_file(follow_symlinks=False),
                    item.is_dir(follow_symlinks=False),
                    memo.identity(f"registry/{name}/{item.name}", item.path)
                    if memo is not None
                    else None,
                )
                for item in listing
                if not item.name.startswith(".")
            )
    except OSError as error:
        issues.append(_unreadable(folder_shown, error, "folder"))
        return []
    entries: list[Located[BaseModel]] = []
    for file_name, is_link, is_file, is_dir, identity in files:
        shown = os.path.join(folder_shown, file_name)
        if not file_name.endswith(".yaml") or is_dir:
            issues.append(
                Issue(
                    shown,
                    1,
                    "unexpected-file",
                    f"the {name} registry holds only files named <id>.yaml",
                    f"rename it to {Path(file_name).stem}.yaml if it is an entry, or move it "
                    f"out of {folder_shown}",
                )
            )
        elif is_link:
            _inside(raw, folder / file_name, issues, shown)
        elif not is_file:
            _regular(folder / file_name, issues, shown)  # says FIFO, socket or device
        else:
            entry = _remembered_entry(folder / file_name, shown, name, issues, memo, identity)
            if entry is not None:
                entries.append(entry)
            elif rejected is not None:
                rejected.setdefault(Path(file_name).stem, name)
    return entries


def _remembered_entry(
    path: Path,
    shown: str,
    name: str,
    issues: list[Issue],
    memo: RegistryMemo | None,
    identity: Identity | None,
) -> Located[BaseModel] | None:
    """The entry of a registry file, from its remembered data when it is unchanged."""
    if memo is None:
        return _load_entry(path, shown, name, issues)
    key = f"{name}/{path.name}"
    remembered = memo.data(key, identity)
    before = len(issues)
    if remembered is not None:
        data, digest = remembered
        entry = _load_entry(path, shown, name, issues, FileLines(data, path, shown))
    else:
        # The digest is of the very bytes parsed: read once.
        content = _read_bytes(path, shown, issues)
        loaded = _read_yaml(path, shown, issues, content) if content is not None else None
        entry = _load_entry(path, shown, name, issues, loaded) if loaded is not None else None
        data = loaded.data if loaded is not None else None
        digest = hashlib.sha256(content).hexdigest() if content is not None else ""
    if entry is not None and len(issues) == before:
        memo.remember(key, identity, data, digest)
    return entry


def _read_bytes(path: Path, shown: str, issues: list[Issue]) -> bytes | None:
    try:
        return read_bytes(path, shown)
    except RawFileError as exc:
        issues.extend(exc.issues)
    except OSError as error:
        issues.append(_unreadable(shown, error))
    return None


def _load_entry(
    path: Path, shown: str, name: str, issues: list[Issue], loaded: LoadedYaml | None = None
) -> Located[BaseModel] | None:
    if loaded is None:
        loaded = _read_yaml(path, shown, issues)
    if loaded is None:
        return None
    data = loaded.data
    if isinstance(data, dict) and set(data) == {name}:
        issues.append(
            Issue(
                shown,
                loaded.line_of((name,)),
                "invalid-value",
                f"the file holds a list under '{name}:', a registry file holds one entry",
                f"write each entry in its own file {os.path.dirname(shown)}/<id>.yaml, "
                "starting with 'id:'",
            )
        )
        return None
    if not isinstance(data, dict):
        what = "nothing" if data is None else f"a {type(data).__name__}, not a mapping"
        issues.append(
            Issue(
                shown,
                loaded.lines.get((), 1),
                "invalid-value",
                f"the file holds {what}; a registry file holds one entry",
                f"write the entry's keys at the top level, starting with 'id: {path.stem}'",
            )
        )
        return None
    try:
        model = REGISTRIES[name].model_validate(data)
    except ValidationError as exc:
        issues.extend(issues_from_validation(exc, loaded, shown))
        return None
    # The line table of every node is read again from the file if a problem is to be
    # located in it, rather than held for every entry through the run: at 25,000 entries,
    # some 50 MiB.
    entry: Located[BaseModel] = Located(model, shown, FileLines(None, path, shown), ())
    entity_id = getattr(model, "id", None)
    if entity_id != path.stem:
        issues.append(
            Issue(
                shown,
                loaded.line_of(("id",)),
                "inconsistent-value",
                f"id {entity_id!r} differs from the file name {path.stem!r}",
                f"rename the file to {entity_id}.yaml, or make id equal the file name",
                field="id",
            )
        )
    return entry


def document_stems(raw: Path, issues: list[Issue]) -> list[str]:
    """The article ids under ``raw/documents``: every stem of a .txt or .yaml file, sorted."""
    folder = raw / "documents"
    try:
        is_folder = folder.is_dir()
    except OSError as error:
        issues.append(_unreadable(_shown(raw, folder), error, "folder"))
        return []
    if not is_folder:
        issues.append(
            Issue(
                _shown(raw, folder),
                1,
                "missing-file",
                "the documents folder is missing",
                "create raw/documents with one .txt and one .yaml per article",
            )
        )
        return []
    try:
        # Names, not paths: a corpus has a hundred thousand of them.
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries]
    except OSError as error:
        issues.append(_unreadable(_shown(raw, folder), error, "folder"))
        return []
    stems = set()
    for name in names:
        dot = name.rfind(".")  # a suffix as pathlib has it: never the name's first character
        if dot > 0 and name[dot:] in (".txt", ".yaml"):
            stems.add(name[:dot])
    return sorted(stems)


@dataclass
class LoadedDocument:
    """One article's text and annotation, each None when it is missing or unreadable."""

    source: SourceText | None
    document: Located[DocumentAnnotation] | None
    # The text file is missing or could not be read (already reported).
    unreadable: bool


@dataclass(frozen=True)
class DocumentFiles:
    """The bytes of an article's text and annotation file, each read once, and the
    identities the two files had before they were read (when known)."""

    text: bytes
    annotation: bytes
    identities: tuple[Identity, Identity] | None = field(default=None, compare=False)


def documents_folder_inside(raw: Path) -> bool:
    """True when ``raw/documents`` is a folder that lies inside ``raw``, link or not."""
    folder = raw / "documents"
    try:
        return folder.is_dir() and folder.resolve().is_relative_to(raw.resolve())
    except OSError:
        return False


def read_document_files(raw: Path, stem: str) -> DocumentFiles | None:
    """Both files of ``stem`` when each is a plain regular file within the size cap, else None.

    Only for a documents folder known to lie inside ``raw`` (:func:`documents_folder_inside`).
    None says nothing about what is wrong: :func:`load_document` without the files reads
    and reports it, as it does every problem.
    """
    folder = raw / "documents"
    text = plain_file(folder / f"{stem}.txt", rawio.MAX_FILE_BYTES)
    if text is None:
        return None
    annotation = plain_file(folder / f"{stem}.yaml", rawio.MAX_FILE_BYTES)
    if annotation is None:
        return None
    return DocumentFiles(text[0], annotation[0], (text[1], annotation[1]))


def load_document(
    raw: Path, stem: str, issues: list[Issue], files: DocumentFiles | None = None
) -> LoadedDocument:
    """Read ``<stem>.txt`` and ``<stem>.yaml``; every problem goes to ``issues``.

    ``files``, from :func:`read_document_files`, are the two files already read.
    """
    folder = raw / "documents"
    text_path, yaml_path = folder / f"{stem}.txt", folder / f"{stem}.yaml"
    if files is not None:
        source = _decoded_text(str(text_path), stem, files.text, issues)
        document = _load_document(raw, yaml_path, issues, source, files.annotation)
        return LoadedDocument(source, document, source is None)
    for path, other in ((text_path, yaml_path), (yaml_path, text_path)):
        # A FIFO or folder named like the other file is reported as such, once.
        if not path.exists() and not path.is_symlink() and not _special(other):
            issues.append(
                Issue(
                    _shown(raw, other),
                    1,
                    "missing-file",
                    f"{other.name} has no companion {path.name}",
                    f"add {path.name} beside it, or remove {other.name}",
                )
            )
    source = document = None
    unreadable = False
    if text_path.exists() or text_path.is_symlink():
        source = _load_text(raw, text_path, stem, issues)
        unreadable = source is None
    else:
        unreadable = True  # the missing text is reported once, above
    if yaml_path.exists() or yaml_path.is_symlink():
        document = _load_document(raw, yaml_path, issues, source)
    return LoadedDocument(source, document, unreadable)


def load_documents(
    raw: Path, issues: list[Issue]
) -> tuple[list[Located[DocumentAnnotation]], dict[str, SourceText], set[str]]:
    texts: dict[str, SourceText] = {}
    documents: list[Located[DocumentAnnotation]] = []
    unreadable: set[str] = set()
    for stem in document_stems(raw, issues):
        loaded = load_document(raw, stem, issues)
        if loaded.source is not None:
            texts[stem] = loaded.source
        if loaded.unreadable:
            unreadable.add(stem)
        if loaded.document is not None:
            documents.append(loaded.document)
    return documents, texts, unreadable


def _decoded_text(shown: str, stem: str, data: bytes, issues: list[Issue]) -> SourceText | None:
    try:
        return SourceText(stem, shown, decode_text(data, shown))
    except RawFileError as exc:
        issues.extend(exc.issues)
    return None


def _load_text(raw: Path, path: Path, stem: str, issues: list[Issue]) -> SourceText | None:
    shown = _shown(raw, path)
    if not _inside(raw, path, issues, shown) or not _regular(path, issues, shown):
        return None
    try:
        return SourceText(stem, shown, read_text(path, shown))
    except RawFileError as exc:
        issues.extend(exc.issues)
    except OSError as error:
        issues.append(_unreadable(shown, error))
    return None


def _not_a_mapping(shown: str, data: object, expected: str) -> Issue:
    if data is None:
        return Issue(
            shown,
            1,
            "invalid-value",
            "the file is empty",
            f"write {expected} into it, as 'key: value' lines (the schema lists the keys)",
        )
    return Issue(
        shown,
        1,
        "invalid-value",
        f"the file holds {kind_of(data)}, where a mapping of keys to values belongs",
        f"write {expected}: 'key: value' lines at the top level, not '- ' items",
    )


def _with_sha256(issue: Issue, text: SourceText | None) -> Issue:
    """A missing sha256 gets the value to write: that of the text as it is now."""
    if issue.code != "missing-key" or issue.field != "sha256" or text is None:
        return issue
    actual = hashlib.sha256(text.text.encode("utf-8")).hexdigest()
    return replace(
        issue,
        hint=f"add 'sha256: {actual}', the SHA-256 of {text.shown} as it is now "
        "(after checking that the text is the source as received)",
    )


def _load_document(
    raw: Path,
    path: Path,
    issues: list[Issue],
    text: SourceText | None,
    content: bytes | None = None,
) -> Located[DocumentAnnotation] | None:
    shown = _shown(raw, path)
    if content is None and (
        not _inside(raw, path, issues, shown) or not _regular(path, issues, shown)
    ):
        return None
    loaded = _read_yaml(path, shown, issues, content)
    if loaded is None:
        return None
    if not isinstance(loaded.data, dict):
        issues.append(_not_a_mapping(shown, loaded.data, "the annotation of one article"))
        return None
    try:
        model = DocumentAnnotation.model_validate(loaded.data)
    except ValidationError as exc:
        found = issues_from_validation(exc, loaded, shown)
        issues.extend(_with_sha256(issue, text) for issue in found)
        return None
    if model.article_id != path.stem:
        issues.append(
            Issue(
                shown,
                loaded.line_of(("article_id",)),
                "inconsistent-value",
                f"article_id {model.article_id!r} differs from the file name {path.stem!r}",
                "make article_id equal the file name without .yaml",
                field="article_id",
            )
        )
        return None
    return Located(model, shown, lines_only(loaded), ())
