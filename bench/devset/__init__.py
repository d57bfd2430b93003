"""The development and test articles of the pre-annotator, kept apart from ``raw/``.

Texts written for the evaluation of ``dnnd add`` (not news, not in the corpus), each with
its gold annotation in the raw format::

    bench/devset/<split>/documents/<article_id>.txt, .yaml    the text and its annotation
    bench/devset/<split>/registry/<registry>/<id>.yaml        the entries it adds to raw/

``split`` is ``dev`` (the drafter is tuned on it) or ``test`` (reported once, never tuned
on). A split's registry holds only what ``raw/`` lacks: :func:`overlaid` copies ``raw/`` into
a temporary folder and adds the split's files, so that the project's own checks (those of
``dnnd check``) validate the gold against the corpus it extends. The drafter's knowledge
comes from ``raw/`` alone, never from here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from dnnd_dataset.checking.pipeline import CompileResult, check_corpus, compile_corpus
from dnnd_dataset.errors import Report
from dnnd_dataset.reading.raw_loading import REGISTRIES, load_documents, load_registries
from dnnd_dataset.reading.raw_models import DocumentAnnotation

HERE = Path(__file__).resolve().parent
RAW = HERE.parents[1] / "raw"
SPLITS = ("dev", "test")


class SplitError(Exception):
    """A split that cannot be laid over raw/: it is unknown, or a file would replace one."""


def split_folder(split: str) -> Path:
    """The folder of ``split`` (``dev`` or ``test``)."""
    if split not in SPLITS:
        raise SplitError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    return HERE / split


def article_ids(split: str) -> list[str]:
    """The ids of the split's articles, in code-point order."""
    return sorted(path.stem for path in (split_folder(split) / "documents").glob("*.yaml"))


def _additions(split: str) -> list[tuple[Path, Path]]:
    """(file of the split, its path relative to a raw folder), in a fixed order."""
    folder = split_folder(split)
    pairs = [(path, Path("documents") / path.name) for path in (folder / "documents").iterdir()]
    for registry in REGISTRIES:
        entries = folder / "registry" / registry
        if entries.is_dir():
            pairs += [(path, Path("registry") / registry / path.name) for path in entries.iterdir()]
    return sorted((p for p in pairs if p[0].name != ".gitkeep"), key=lambda p: str(p[1]))


def overlay(split: str, target: Path, raw: Path = RAW) -> Path:
    """Write ``raw`` with the split's files added into ``target``/raw; return that folder.

    A file of the split that has the name of a file of ``raw`` is refused: the split adds to
    the corpus, it never changes what the corpus says.
    """
    combined = Path(target) / "raw"
    shutil.copytree(raw, combined)
    for source, relative in _additions(split):
        destination = combined / relative
        if destination.exists():
            raise SplitError(
                f"{source}: raw/{relative.as_posix()} exists already; give the entry another id"
                " or use the one of raw/"
            )
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    return combined


@contextlib.contextmanager
def overlaid(split: str, raw: Path = RAW) -> Iterator[Path]:
    """A temporary raw folder: ``raw`` with the split's files; removed on exit."""
    with tempfile.TemporaryDirectory(prefix=f"dnnd-{split}-") as work:
        yield overlay(split, Path(work), raw)


def _relocated(report: Report, combined: Path, split: str, raw: Path) -> Report:
    """The report with each temporary path replaced by the file it was copied from."""
    origins = {str(combined / relative): str(source) for source, relative in _additions(split)}

    def shown(text: str) -> str:
        for copied, source in origins.items():
            text = text.replace(copied, source)
        return text.replace(str(combined), str(raw))

    issues = [
        dataclasses.replace(
            issue, path=shown(issue.path), message=shown(issue.message), hint=shown(issue.hint)
        )
        for issue in report.issues
    ]
    return Report(issues=issues, stats=report.stats)


def check_split(split: str, raw: Path = RAW) -> Report:
    """The report of ``dnnd check`` on ``raw`` with the split laid over it (no cache), each
    issue located in the file of the split (or of ``raw``) it is about."""
    with overlaid(split, raw) as combined:
        return _relocated(check_corpus(combined), combined, split, raw)


@dataclasses.dataclass(frozen=True)
class Gold:
    """A split's gold, checked: what the project's checks publish, and the raw models."""

    split: str
    article_ids: list[str]
    result: CompileResult  # the published records of raw/ with the split, every article's
    registries: dict[str, dict[str, BaseModel]]  # every entry of raw/ and the split, by id
    documents: dict[str, DocumentAnnotation]  # the split's annotations, by article id
    texts: dict[str, str]  # the split's texts, as read


def load_gold(split: str, raw: Path = RAW) -> Gold:
    """The gold of ``split`` laid over ``raw``; :class:`SplitError` with the located issues
    when the checks refuse it."""
    ids = article_ids(split)
    with overlaid(split, raw) as combined:
        result = compile_corpus(combined)
        if not result.report.valid:
            shown = _relocated(result.report, combined, split, raw).format()
            raise SplitError(f"the {split} set does not pass the checks:\n{shown}")
        issues: list[Any] = []
        registries = {
            name: {entry.model.id: entry.model for entry in entries}  # type: ignore[attr-defined]
            for name, entries in load_registries(combined, issues).items()
        }
        located, sources, _ = load_documents(combined, issues)
    return Gold(
        split=split,
        article_ids=ids,
        result=result,
        registries=registries,
        documents={d.model.article_id: d.model for d in located if d.model.article_id in ids},
        texts={key: sources[key].text for key in ids},
    )
