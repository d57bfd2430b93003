"""Saving a review: the decisions applied to the draft, the accepted proposals moved to their
registry files by the code of ``dnnd accept``, every file written or none; then the checks.

Before anything is written the decisions are applied in memory and the result validated: a
problem is returned, located at the item it comes from, and nothing changes. The draft on
disk must still be the one the page was given (``base``), so a draft edited meanwhile by hand
is never overwritten.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dnnd_dataset.builder import check, default_cache
from dnnd_dataset.drafting.accepting import plan_proposals
from dnnd_dataset.drafting.adding import raw_folder_locked
from dnnd_dataset.drafting.render import render
from dnnd_dataset.errors import DnndError, InvalidCorpusError, Issue
from dnnd_dataset.reading.anchoring import occurrences
from dnnd_dataset.reading.raw_loading import DocumentFiles, Located, load_document
from dnnd_dataset.reading.raw_models import Anchor, DocumentAnnotation, MentionAnnotation
from dnnd_dataset.reading.rawio import LoadedYaml, dotted
from dnnd_dataset.reviewing.decisions import AddedMention, ItemDecision, SaveRequest, SpanEdit
from dnnd_dataset.reviewing.items import ANCHORED, LISTS, SINGLE
from dnnd_dataset.reviewing.meeting_dates import with_printed_date
from dnnd_dataset.textnorm import normalize

_ANCHOR_KEYS = ("quote", "occurrence", "prefix", "suffix")
# The parts of an issue's dotted field, 'proposals[2].entry.kind': names and list indexes.
_FIELD_PART = re.compile(r"([^.\[\]]+)|\[([0-9]+)\]")


@dataclass(frozen=True)
class Problem:
    """A problem for the page: the item it belongs to (None: the document as a whole)."""

    item: str | None
    field: str | None
    code: str
    message: str
    hint: str
    path: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "path": self.path,
            "line": self.line,
        }


class Refused(Exception):
    """The decisions cannot be saved as they are; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Saved:
    written: list[Path]
    problems: list[Problem]
    # Problems of other files of the corpus, which this review did not write.
    elsewhere: int
    ids: dict[str, str] = field(default_factory=dict)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Draft:
    """The draft being rebuilt from the decisions, with where each new item came from."""

    def __init__(self, text: str, model: DocumentAnnotation, shown: str) -> None:
        self.text = text
        self.shown = shown
        self.data: dict[str, Any] = model.model_dump(mode="json", exclude_defaults=True)
        self.lists: dict[str, list[dict[str, Any]]] = {group: [] for group in LISTS}
        self.origin: dict[tuple[str, int], str] = {}
        self.taken: list[tuple[dict[str, Any], str]] = []  # proposals to accept
        self.linked: list[tuple[dict[str, Any], str]] = []  # proposals become mentions
        self.problems: list[Problem] = []

    def problem(self, item: str, message: str, hint: str, code: str = "invalid-value") -> None:
        self.problems.append(Problem(item, None, code, message, hint, self.shown, 1))

    def span(self, item: str, target: dict[str, Any], span: SpanEdit) -> None:
        """Anchor ``target`` at ``span``: its words, and which occurrence of them it is."""
        start, end = span.start, span.end
        words = self.text[start:end]
        start += len(words) - len(words.lstrip())
        end -= len(words) - len(words.rstrip())
        if not 0 <= start < end <= len(self.text):
            self.problem(item, "the span selects no words of the text", "select the words again")
            return
        quote = self.text[start:end]
        for key in _ANCHOR_KEYS:
            target.pop(key, None)
        target["quote"] = quote
        if target.get("all"):
            return
        found = occurrences(normalize(self.text), Anchor(quote=quote))
        if len(found) > 1:
            index = [s.start for s in found].index(start)
            target["occurrence"] = index + 1


def apply(
    text: str, model: DocumentAnnotation, shown: str, request: SaveRequest
) -> tuple[DocumentAnnotation, _Draft]:
    """The draft with the decisions applied, its accepted proposals still under
    ``proposals`` (first, in ``draft.taken`` order); raises Refused."""
    draft = _Draft(text, model, shown)
    decided: dict[str, ItemDecision] = {}
    for decision in request.decisions:
        if decision.item in decided:
            draft.problem(decision.item, "the item is decided twice", "send one decision each")
        decided[decision.item] = decision
    known = {name for name in SINGLE if name in draft.data} | {
        f"{group}.{index}" for group in LISTS for index in range(len(draft.data.get(group, [])))
    }
    for name in sorted(set(decided) - known):
        draft.problem(name, f"the draft has no item {name}", "reload the page")
    for group in SINGLE:
        if group in draft.data:
            _single(draft, group, decided.get(group))
    for group in LISTS:
        for index, item in enumerate(draft.data.get(group, [])):
            _listed(draft, group, index, item, decided.get(f"{group}.{index}"))
    for number, added in enumerate(request.added):
        _added(draft, f"added.{number}", added)
    if draft.problems:
        raise Refused(draft.problems)
    data = dict(draft.data)
    for group in LISTS:
        data.pop(group, None)
    mentions = draft.lists["mentions"] + [m for m, _ in draft.linked]
    for index, (_, origin) in enumerate(draft.linked):
        draft.origin[("mentions", len(draft.lists["mentions"]) + index)] = origin
    proposals = [p for p, _ in draft.taken] + draft.lists["proposals"]
    kept = {f"proposals.{i}": o for (g, i), o in draft.origin.items() if g == "proposals"}
    draft.origin = {k: v for k, v in draft.origin.items() if k[0] != "proposals"}
    for index, (_, origin) in enumerate(draft.taken):
        draft.origin[("proposals", index)] = origin
    for index in range(len(draft.lists["proposals"])):
        draft.origin[("proposals", len(draft.taken) + index)] = kept[f"proposals.{index}"]
    lists = {**draft.lists, "mentions": mentions, "proposals": proposals}
    for group in LISTS:
        if lists[group]:
            data[group] = lists[group]
    try:
        return DocumentAnnotation.model_validate(data), draft
    except ValidationError as error:
        raise Refused(
            [
                _located(draft, tuple(problem["loc"]), "invalid-value", problem["msg"], "")
                for problem in error.errors()
            ]
        ) from None


def _located(
    draft: _Draft, loc: tuple[str | int, ...], code: str, message: str, hint: str
) -> Problem:
    item = _item_of(draft.origin, loc)
    return Problem(
        item, dotted(loc) if loc else None, code, message, hint or "correct it", draft.shown, 1
    )


def _item_of(origin: dict[tuple[str, int], str], loc: tuple[str | int, ...]) -> str | None:
    if not loc:
        return None
    if loc[0] in SINGLE:
        return str(loc[0])
    if len(loc) > 1 and isinstance(loc[1], int):
        return origin.get((str(loc[0]), loc[1]))
    return None


def _target(group: str, item: dict[str, Any]) -> dict[str, Any]:
    if group in ANCHORED:
        return item
    evidence = item.setdefault("evidence", {})
    return evidence if isinstance(evidence, dict) else item


def _single(draft: _Draft, group: str, decision: ItemDecision | None) -> None:
    item = draft.data[group]
    if decision is None or decision.action == "pending":
        if decision is not None and decision.span is not None:
            draft.span(group, _target(group, item), decision.span)
        return
    if decision.action == "reject":
        if group == "title":
            draft.problem(group, "an article needs its title", "correct the title's span instead")
            return
        del draft.data[group]
        return
    item.pop("proposed", None)
    if decision.span is not None:
        draft.span(group, _target(group, item), decision.span)


def _listed(
    draft: _Draft, group: str, index: int, item: dict[str, Any], decision: ItemDecision | None
) -> None:
    name = f"{group}.{index}"
    if decision is not None and decision.action == "reject":
        return
    if decision is not None and decision.span is not None:
        draft.span(name, _target(group, item), decision.span)
    accepted = decision is not None and decision.action == "accept"
    if group == "proposals":
        _proposal(draft, name, item, decision)
        return
    if accepted:
        item.pop("proposed", None)
    if group == "mentions" and decision is not None and (decision.entity or decision.label):
        item.pop("entity", None)
        item.pop("label", None)
        item.update({"entity": decision.entity} if decision.entity else {"label": "LOCATION"})
    draft.origin[(group, len(draft.lists[group]))] = name
    draft.lists[group].append(item)


def _proposal(
    draft: _Draft, name: str, item: dict[str, Any], decision: ItemDecision | None
) -> None:
    if decision is not None:
        if decision.kind is not None:
            item["kind"] = decision.kind
        if decision.entry is not None:
            item["entry"] = dict(decision.entry)
        if decision.meeting_date is not None and isinstance(item.get("entry"), dict):
            item["entry"] = with_printed_date(item["entry"], decision.meeting_date)
    if decision is None or decision.action == "pending":
        draft.origin[("proposals", len(draft.lists["proposals"]))] = name
        draft.lists["proposals"].append(item)
        return
    anchor = {k: item[k] for k in (*_ANCHOR_KEYS, "all") if k in item}
    if decision.entity is not None:
        draft.linked.append(({**anchor, "entity": decision.entity}, name))
    elif decision.label is not None:
        draft.linked.append(({**anchor, "label": "LOCATION"}, name))
    else:
        draft.taken.append((item, name))


def _added(draft: _Draft, name: str, added: AddedMention) -> None:
    chosen = [added.entity is not None, added.label is not None, added.kind is not None]
    if sum(chosen) != 1:
        draft.problem(name, "an added mention needs one of a link, a place or a new entry", "")
        return
    item: dict[str, Any] = {"all": True} if added.all else {}
    draft.span(name, item, added.span)
    if "quote" not in item:
        return
    if added.entity is not None or added.label is not None:
        item.update({"entity": added.entity} if added.entity else {"label": "LOCATION"})
        draft.linked.append((item, name))
        return
    if added.entry is None:
        draft.problem(name, f"a new {added.kind} needs its registry entry", "give its id and name")
        return
    proposal = {**item, "kind": added.kind, "value": item["quote"], "entry": dict(added.entry)}
    draft.taken.append((proposal, name))


def save(raw: Path, stem: str, request: SaveRequest) -> Saved:
    """Apply ``request`` to the draft ``stem`` of ``raw`` and write it, with the registry
    files of its accepted proposals; then check the corpus. Raises Refused (nothing written)
    or DnndError (the draft changed on disk)."""
    documents = raw / "documents"
    path = documents / f"{stem}.yaml"
    shown = str(path)
    with raw_folder_locked(raw):
        current = path.read_bytes()
        if digest(current) != request.base:
            raise DnndError(
                f"{shown} changed on disk since the page was loaded (fix: reload the page; "
                "the decisions made since are lost, the file is kept as it is)"
            )
        issues: list[Issue] = []
        files = DocumentFiles((documents / f"{stem}.txt").read_bytes(), current)
        loaded = load_document(raw, stem, issues, files)
        if loaded.document is None or loaded.source is None:
            raise Refused([_from_issue(issue, {}) for issue in issues])
        intermediate, draft = apply(loaded.source.text, loaded.document.model, shown, request)
        located = Located(intermediate, shown, LoadedYaml(None, {}), ())
        try:
            plan = plan_proposals(raw, located, list(range(len(draft.taken))))
        except InvalidCorpusError as error:
            raise Refused(
                [_from_issue(issue, draft.origin) for issue in error.report.issues]
            ) from None
        accepted = [MentionAnnotation.model_validate(m) for m in plan.mentions]
        final = intermediate.model_copy(
            update={
                "proposals": intermediate.proposals[len(draft.taken) :],
                "mentions": [*intermediate.mentions, *accepted],
            }
        )
        content = _with_head(current.decode("utf-8"), render(final, [])).encode("utf-8")
        for target in plan.written():
            _inside_registry(raw, target)
        plan.write(path, content)
        written = [*plan.written(), path]
    report = check(raw, cache=default_cache(raw))
    mine = {str(p) for p in written} | {str(documents / f"{stem}.txt")}
    problems = [_from_issue(issue, None) for issue in report.sorted_issues() if issue.path in mine]
    return Saved(written, problems, len(report.issues) - len(problems))


def _inside_registry(raw: Path, target: Path) -> None:
    """A registry file the plan writes lies in its registry folder inside ``raw``."""
    folder = (raw / "registry").resolve()
    if target.parent.parent.resolve() != folder or target.is_symlink():
        raise DnndError(f"{target}: outside {folder}; nothing was written")


def _with_head(old: str, rendered: str) -> str:
    """``rendered`` under the comment lines that head the draft on disk."""
    head = []
    for line in old.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        head.append(line)
    body = rendered.splitlines(keepends=True)
    while body and body[0].startswith("#"):
        body.pop(0)
    return "".join(head) + "".join(body)


def _from_issue(issue: Issue, origin: dict[tuple[str, int], str] | None) -> Problem:
    """``issue`` for the page; ``origin`` maps the items of the draft the issue is located in
    to the page's, None when it is located in the saved draft, whose items the page reloads."""
    loc: tuple[str | int, ...] = tuple(
        int(index) if index else name for name, index in _FIELD_PART.findall(issue.field or "")
    )
    item = _saved_item(loc) if origin is None else _item_of(origin, loc)
    return Problem(item, issue.field, issue.code, issue.message, issue.hint, issue.path, issue.line)


def _saved_item(loc: tuple[str | int, ...]) -> str | None:
    """The item of the saved draft that a problem's field lies in."""
    if not loc:
        return None
    if loc[0] in SINGLE:
        return str(loc[0])
    if len(loc) > 1 and isinstance(loc[1], int) and loc[0] in LISTS:
        return f"{loc[0]}.{loc[1]}"
    return None
