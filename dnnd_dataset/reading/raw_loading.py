"""Reading ``raw/`` into validated raw models, each remembering where it was written.

A problem in one registry entry or one document drops only that entry or document;
the rest is still read so that one run reports every problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from dnnd_dataset.errors import Issue
from dnnd_dataset.reading.raw_models import (
    DirectiveEntry,
    DocumentAnnotation,
    MeetingEntry,
    OrganizationEntry,
    PersonEntry,
)
from dnnd_dataset.reading.rawio import LoadedYaml, Loc, RawFileError, load_yaml, read_text
from dnnd_dataset.reading.validation_issues import issues_from_validation

M = TypeVar("M", bound=BaseModel)

REGISTRIES: dict[str, type[BaseModel]] = {
    "persons": PersonEntry,
    "organizations": OrganizationEntry,
    "directives": DirectiveEntry,
    "meetings": MeetingEntry,
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


def _shown(raw: Path, path: Path) -> str:
    return str(raw / path.relative_to(raw))


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


def load_registry(raw: Path, name: str, issues: list[Issue]) -> list[Located[BaseModel]]:
    path = raw / "registry" / f"{name}.yaml"
    shown = _shown(raw, path)
    if not path.is_file():
        issues.append(
            Issue(
                shown,
                1,
                "missing-file",
                f"the {name} registry is missing",
                f"create {shown} with a top-level key '{name}:'",
            )
        )
        return []
    if not _inside(raw, path, issues, shown):
        return []
    try:
        loaded = load_yaml(path, shown)
    except RawFileError as exc:
        issues.extend(exc.issues)
        return []
    data = loaded.data
    if not isinstance(data, dict) or set(data) != {name} or not isinstance(data[name], list):
        issues.append(
            Issue(
                shown,
                1,
                "invalid-value",
                f"the file must hold one key '{name}' whose value is a list",
                f"start the file with '{name}:' followed by '- id: ...' entries",
            )
        )
        return []
    model = REGISTRIES[name]
    entries: list[Located[BaseModel]] = []
    for index, item in enumerate(data[name]):
        loc: Loc = (name, index)
        try:
            entries.append(Located(model.model_validate(item), shown, loaded, loc))
        except ValidationError as exc:
            issues.extend(issues_from_validation(exc, loaded, shown, loc))
    return entries


def load_documents(
    raw: Path, issues: list[Issue]
) -> tuple[list[Located[DocumentAnnotation]], dict[str, SourceText], set[str]]:
    folder = raw / "documents"
    if not folder.is_dir():
        issues.append(
            Issue(
                _shown(raw, folder),
                1,
                "missing-file",
                "the documents folder is missing",
                "create raw/documents with one .txt and one .yaml per article",
            )
        )
        return [], {}, set()
    texts: dict[str, SourceText] = {}
    documents: list[Located[DocumentAnnotation]] = []
    unreadable: set[str] = set()
    paths = sorted(folder.iterdir())
    stems = {path.stem for path in paths if path.suffix in (".txt", ".yaml")}
    for stem in sorted(stems):
        text_path, yaml_path = folder / f"{stem}.txt", folder / f"{stem}.yaml"
        for path, other in ((text_path, yaml_path), (yaml_path, text_path)):
            if not path.exists() and not path.is_symlink():
                issues.append(
                    Issue(
                        _shown(raw, other),
                        1,
                        "missing-file",
                        f"{other.name} has no companion {path.name}",
                        f"add {path.name} beside it, or remove {other.name}",
                    )
                )
        if text_path.exists() or text_path.is_symlink():
            source = _load_text(raw, text_path, stem, issues)
            if source is None:
                unreadable.add(stem)
            else:
                texts[stem] = source
        if yaml_path.exists() or yaml_path.is_symlink():
            document = _load_document(raw, yaml_path, issues)
            if document is not None:
                documents.append(document)
    return documents, texts, unreadable


def _load_text(raw: Path, path: Path, stem: str, issues: list[Issue]) -> SourceText | None:
    shown = _shown(raw, path)
    if not _inside(raw, path, issues, shown):
        return None
    try:
        return SourceText(stem, shown, read_text(path, shown))
    except RawFileError as exc:
        issues.extend(exc.issues)
        return None


def _load_document(
    raw: Path, path: Path, issues: list[Issue]
) -> Located[DocumentAnnotation] | None:
    shown = _shown(raw, path)
    if not _inside(raw, path, issues, shown):
        return None
    try:
        loaded = load_yaml(path, shown)
        model = DocumentAnnotation.model_validate(loaded.data)
    except RawFileError as exc:
        issues.extend(exc.issues)
        return None
    except ValidationError as exc:
        issues.extend(issues_from_validation(exc, loaded, shown))
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
    return Located(model, shown, loaded, ())
