"""Accepting the proposals of a reviewed draft: each becomes its registry file, and a mention.

A proposal of a person, organization, directive, meeting or post holds under ``entry`` the
registry entry it proposes, in the shape of ``raw/registry/<registry>/<id>.yaml``; accepting
it is a move: the entry goes to its file, and the proposal's quote becomes a mention of the
new id. A place becomes a LOCATION mention. A proposal of another kind (a date, a count, an
outlet) has no file of its own: the reviewer writes its value where it belongs and deletes it.

Everything is checked before anything is written, and every problem is reported at its line;
then the registry files and the draft are written together, or nothing is. Accepting again
finds nothing left to do; an entry whose file already holds the same entry is not written
again, and one that only adds other names (an abbreviation the text gives) updates its file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dnnd_dataset.drafting.file_set import write_all_or_none
from dnnd_dataset.drafting.render import flow_line, registry_file
from dnnd_dataset.errors import InvalidCorpusError, Issue, Report
from dnnd_dataset.reading.raw_loading import REGISTRIES, Located, load_document
from dnnd_dataset.reading.raw_models import DocumentAnnotation, MentionAnnotation, Proposal
from dnnd_dataset.reading.rawio import LoadedYaml, RawFileError, dotted, load_yaml, parse_yaml
from dnnd_dataset.reading.validation_issues import issues_from_validation

# A proposal's kind is the singular of its registry's name: "person" goes to "persons".
REGISTRY_OF_KIND = {registry.removesuffix("s"): registry for registry in REGISTRIES}
_ANCHOR_KEYS = ("quote", "occurrence", "prefix", "suffix", "all")


@dataclass
class Accepted:
    """What ``accept_proposals`` wrote."""

    annotation_path: Path
    registry_files: list[Path] = field(default_factory=list)
    mentions: int = 0


def accept_proposals(raw: Path, document: str | Path) -> Accepted:
    """Move every proposal of ``document`` (an article id or its annotation file) into place.

    Raises InvalidCorpusError with every problem, located, when any proposal cannot be
    accepted as it stands; then no file is changed.
    """
    raw = Path(raw)
    stem = _stem(document)
    issues: list[Issue] = [problem for problem in [_registry_outside(raw)] if problem]
    loaded = load_document(raw, stem, issues)
    located = loaded.document
    if located is None or issues:
        raise InvalidCorpusError(Report(issues=issues or [_no_annotation(raw, stem)]))
    path = raw / "documents" / f"{stem}.yaml"
    text = path.read_text(encoding="utf-8")
    plan = AcceptPlan(raw, located, text)
    plan.check_layout()
    for index, proposal in enumerate(located.model.proposals):
        plan.take(index, proposal)
    if plan.issues:
        raise InvalidCorpusError(Report(issues=plan.issues))
    accepted = Accepted(path, plan.written(), len(plan.mentions))
    if not located.model.proposals:
        return accepted
    edited = plan.edited()
    if edited is None:
        raise InvalidCorpusError(Report(issues=[_unexpected_layout(located)]))
    plan.write(path, edited.encode("utf-8"))
    return accepted


def plan_proposals(
    raw: Path, document: Located[DocumentAnnotation], indexes: list[int]
) -> AcceptPlan:
    """What accepting the proposals ``indexes`` of ``document`` writes: their registry files
    and the mentions their quotes become (``plan.mentions``, in the order of ``indexes``).

    For a caller that writes the annotation itself (``dnnd review``), with ``plan.write``.
    Raises InvalidCorpusError with every problem, located in ``document``; nothing is written.
    """
    outside = _registry_outside(raw)
    if outside is not None:
        raise InvalidCorpusError(Report(issues=[outside]))
    plan = AcceptPlan(raw, document, "")
    for index in indexes:
        plan.take(index, document.model.proposals[index])
    if plan.issues:
        raise InvalidCorpusError(Report(issues=plan.issues))
    return plan


def _unexpected_layout(document: Located[DocumentAnnotation]) -> Issue:
    return Issue(
        document.shown,
        document.line("proposals"),
        "invalid-value",
        "accept edits the draft as 'dnnd add' lays it out, and this one is laid out otherwise "
        "(mentions or proposals not as block lists of '  - ' items, a comment at the margin "
        "inside a proposal)",
        "write 'mentions:' and 'proposals:' as block lists with items indented by two spaces",
        field="proposals",
    )


def _registry_outside(raw: Path) -> Issue | None:
    """A registry folder that is a link or leads outside ``raw``: nothing is written there."""
    inside = raw.resolve()
    for folder in [raw / "registry", *(raw / "registry" / name for name in REGISTRIES)]:
        if folder.is_symlink() or (folder.exists() and not folder.resolve().is_relative_to(inside)):
            return Issue(
                str(folder),
                1,
                "path-outside-raw",
                f"{folder} is a link or leads outside {raw}: accept writes registry files "
                "only inside the raw folder",
                "make it a plain folder inside the raw folder",
            )
    return None


def _stem(document: str | Path) -> str:
    name = Path(document).name
    return name.removesuffix(".yaml").removesuffix(".txt")


def _no_annotation(raw: Path, stem: str) -> Issue:
    shown = str(raw / "documents" / f"{stem}.yaml")
    return Issue(
        shown,
        1,
        "missing-file",
        f"no annotation of an article {stem!r} in {raw / 'documents'}",
        "name a draft that 'dnnd add' wrote, by its id or its file",
    )


class AcceptPlan:
    """The files an accept writes and the lines it changes in the draft."""

    def __init__(self, raw: Path, document: Located[DocumentAnnotation], text: str) -> None:
        self.raw = raw
        self.document = document
        self.text = text
        self.issues: list[Issue] = []
        self.files: dict[Path, bytes] = {}
        # Existing entries that accepted proposals give other names.
        self.updated: dict[Path, bytes] = {}
        self.mentions: list[dict[str, Any]] = []

    def written(self) -> list[Path]:
        """The registry files the plan writes, new or updated."""
        return sorted([*self.files, *self.updated])

    def write(self, annotation: Path, content: bytes) -> None:
        """Write the registry files and ``content`` to ``annotation``: every file, or none."""
        write_all_or_none(self.files, {**self.updated, annotation: content})

    def issue(self, sub: tuple[str | int, ...], code: str, message: str, hint: str) -> None:
        doc = self.document
        self.issues.append(Issue(doc.shown, doc.line(*sub), code, message, hint, field=dotted(sub)))

    def check_layout(self) -> None:
        """The draft's proposals as ``dnnd add`` writes them: a block list under its key."""
        if not self.document.model.proposals:
            return
        header = self.text.splitlines()[self.document.line("proposals") - 1]
        if header.rstrip() != "proposals:":
            self.issue(
                ("proposals",),
                "invalid-value",
                "accept edits the proposals as 'dnnd add' writes them: 'proposals:' alone on "
                "its line, then one '- ' item each",
                "write the proposals as a block list",
            )

    def take(self, index: int, proposal: Proposal) -> None:
        anchor = {
            key: value
            for key in _ANCHOR_KEYS
            if (value := getattr(proposal, key)) not in (None, False)
        }
        if proposal.kind == "location":
            self.mentions.append({**anchor, "label": "LOCATION"})
            return
        registry = REGISTRY_OF_KIND.get(proposal.kind)
        if registry is None:
            self.issue(
                ("proposals", index),
                "unreviewed-proposal",
                f"a {proposal.kind} proposal has no registry file to move to",
                "write its value where it belongs (a meeting's entry, outlet, page_date, url) "
                "and delete the proposal, or delete it",
            )
            return
        if proposal.entry is None:
            self.issue(
                ("proposals", index),
                "missing-key",
                f"a {proposal.kind} proposal needs its registry entry under 'entry' to be accepted",
                f"write the entry in the shape of raw/registry/{registry}/<id>.yaml, or "
                "delete the proposal",
            )
            return
        entry = self._valid_entry(index, registry, proposal.entry)
        if entry is None:
            return
        target = self.raw / "registry" / registry / f"{entry['id']}.yaml"
        content = registry_file(registry, entry).encode("utf-8")
        held = self._held(target, registry, entry)
        if held == "other":
            self.issue(
                ("proposals", index, "entry", "id"),
                "duplicate-id",
                f"{target} already holds another entry with the id {entry['id']!r}",
                "choose another id, or merge the proposal into that file by hand and delete it",
            )
            return
        planned = self.updated if held == "fewer names" else self.files
        if held != "same" and planned.setdefault(target, content) != content:
            self.issue(
                ("proposals", index, "entry", "id"),
                "duplicate-id",
                f"another proposal of this draft has the id {entry['id']!r} with another entry",
                "give each entry its own id, or make the two entries one",
            )
            return
        self.mentions.append({**anchor, "entity": entry["id"]})

    def _valid_entry(
        self, index: int, registry: str, entry: dict[str, Any]
    ) -> dict[str, Any] | None:
        try:
            REGISTRIES[registry].model_validate(entry)
        except ValidationError as error:
            # Located in the draft, at the entry's own keys.
            base = ("proposals", index, "entry")
            lines = {loc: self.document.line(*loc) for loc in _locs(base, entry)}
            self.issues += issues_from_validation(
                error, LoadedYaml(entry, lines), self.document.shown, base
            )
            return None
        return entry

    def _held(self, target: Path, registry: str, entry: dict[str, Any]) -> str:
        """What ``target`` holds against ``entry``: "nothing", "same", "fewer names" (the same
        entry but for other names that ``entry`` adds) or "other"."""
        if not (target.exists() or target.is_symlink()):
            return "nothing"
        if target.is_symlink() or not target.is_file():
            # A link or a FIFO is never read: a FIFO would block the read for ever.
            return "other"
        model = REGISTRIES[registry]
        try:
            held = model.model_validate(load_yaml(target, str(target)).data).model_dump()
            proposed = model.model_validate(entry).model_dump()
        except (RawFileError, ValidationError):
            return "other"
        if held == proposed:
            return "same"
        names = held.pop("other_names", None), proposed.pop("other_names", None)
        fewer = names[0] is not None and names[1] is not None and set(names[0]) < set(names[1])
        return "fewer names" if held == proposed and fewer else "other"

    def edited(self) -> str | None:
        """The draft without its proposals, with a mention for each accepted one; None when
        the draft is laid out so that the edit would not give exactly that."""
        lines = self.text.splitlines(keepends=True)
        doc = self.document
        count = len(doc.model.proposals)
        # Both places are found on the lines as they are, before any is removed.
        start = doc.line("proposals") - 1
        end = _block_end(lines, doc.line("proposals", count - 1))
        added = [f"  - {flow_line(mention)}\n" for mention in self.mentions]
        at = len(lines)
        if added and doc.model.mentions:
            at = _block_end(lines, doc.line("mentions", len(doc.model.mentions) - 1))
        elif added:
            added = ["mentions:\n", *added]
        parts = (
            [(start, end, []), (at, at, added)]
            if at >= end
            else [(at, at, added), (start, end, [])]
        )
        edited: list[str] = []
        done = 0
        for first, last, inserted in parts:
            edited += [*lines[done:first], *inserted]
            done = last
        edited += lines[done:]
        text = "".join(edited)
        return text if self._as_meant(text) else None

    def _as_meant(self, text: str) -> bool:
        """True when ``text`` holds the draft's annotation less its proposals, plus the new
        mentions: a layout the line edit does not expect shows here, before any write."""
        try:
            model = DocumentAnnotation.model_validate(parse_yaml(text, self.document.shown).data)
        except (RawFileError, ValidationError):
            return False
        old = self.document.model
        mentions = [MentionAnnotation.model_validate(m) for m in self.mentions]
        return model == old.model_copy(
            update={"proposals": [], "mentions": [*old.mentions, *mentions]}
        )


def _locs(base: tuple[str | int, ...], value: Any) -> list[tuple[str | int, ...]]:
    """Every path below ``base`` in ``value``, ``base`` included."""
    found = [base]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _locs((*base, key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _locs((*base, index), item)
    return found


def _block_end(lines: list[str], last_item_line: int) -> int:
    """The index of the first line after the block list item that starts at line
    ``last_item_line`` (1-based): the next line at the left margin, or the end."""
    index = last_item_line
    while index < len(lines) and (not lines[index].strip() or lines[index][0] == " "):
        index += 1
    while index > last_item_line and not lines[index - 1].strip():
        index -= 1  # blank lines stay with what follows
    return index
