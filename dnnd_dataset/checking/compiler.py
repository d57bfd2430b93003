"""The checks: every problem in ``raw/`` becomes a located issue on the check state.

Registries: ids, references, directive identities. One document: its anchors resolved to
offsets, its references, its mentions. Across documents: no text twice. The evidence of
registry facts (``checking.registry_evidence``), coverage (``checking.coverage``) and
values as printed (``checking.printed_names``) have modules of their own;
``checking.pipeline`` runs them all in order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from itertools import pairwise
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel

from dnnd_dataset import directive_codes
from dnnd_dataset.checking.coverage import entity_names
from dnnd_dataset.checking.inferences import check_registry_inferences
from dnnd_dataset.checking.ner_table import TokenGrid, in_boilerplate, outermost
from dnnd_dataset.checking.page_dates import check_page_dates
from dnnd_dataset.checking.participant_roles import check_participant_roles
from dnnd_dataset.checking.printed_dates import check_printed_dates
from dnnd_dataset.checking.state import CheckState, Entity, ResolvedSpans
from dnnd_dataset.checking.waived_phrases import outside_waived_phrases, resolve_waivers
from dnnd_dataset.errors import Issue
from dnnd_dataset.reading.anchoring import (
    AnchorProblem,
    Span,
    anchor_key,
    line_and_column,
    occurrences,
    resolve,
    resolve_all,
)
from dnnd_dataset.reading.raw_loading import (
    LABEL_OF_REGISTRY,
    REGISTRIES,
    Located,
)
from dnnd_dataset.reading.raw_models import (
    Anchor,
    DirectiveEntry,
    DocumentAnnotation,
    MeetingEntry,
    OrganizationEntry,
    PersonEntry,
    PostEntry,
)
from dnnd_dataset.span_index import strictly_inside_another
from dnnd_dataset.suggestions import closest, did_you_mean
from dnnd_dataset.textnorm import fold, normalize

EARLIEST_DATE = dt.date(1930, 1, 1)


def check_registries(state: CheckState) -> None:
    """Index every entity by id, then check ids, references and directive identities."""
    _index_entities(state)
    _check_registries(state)
    check_participant_roles(state)
    check_registry_inferences(state)
    check_printed_dates(state)


def no_raw_folder(raw: Path) -> Issue:
    """The one issue of a run whose raw folder is not there."""
    what = "is a file, not a folder" if raw.exists() else "does not exist"
    return Issue(
        str(raw),
        1,
        "missing-file",
        f"the raw folder {str(raw)!r} {what} (looked for in {Path.cwd()})",
        "run the command in the folder that holds raw/ (a checkout of dnnd-dataset), "
        "or name the folder with --raw PATH",
    )


def raw_folder_problem(raw: Path) -> Issue | None:
    """The one issue of a run whose ``raw`` is not a raw folder, or None when it is one.

    A raw folder holds ``documents/`` or ``registry/``; a folder with neither (a documents
    folder given as raw, an empty or unrelated folder) is refused before anything is read
    or written in it.
    """
    if not raw.is_dir():
        return no_raw_folder(raw)
    if (raw / "documents").is_dir() or (raw / "registry").is_dir():
        return None
    parent = raw.parent
    hint = "name the folder that holds documents/ and registry/ with --raw PATH"
    if raw.name in ("documents", "registry") and (parent / "documents").is_dir():
        hint = f"name the folder that holds it: --raw {parent}"
    return Issue(
        str(raw),
        1,
        "missing-file",
        f"{str(raw)!r} is not a raw folder: it holds neither documents/ nor registry/",
        hint,
    )


# ---------------------------------------------------------------- ids and references

Entry = PersonEntry | OrganizationEntry | DirectiveEntry | MeetingEntry | PostEntry


def entry_id(entry: Located[BaseModel]) -> str:
    """The id of a registry entry."""
    return cast(Entry, entry.model).id


def _misnamed(entry: Located[BaseModel]) -> bool:
    return Path(entry.shown).stem != entry_id(entry)


def _index_entities(state: CheckState) -> None:
    # Ids are global across registries. An entry whose id differs from its file name is
    # already reported as such; it yields to a well-named entry of the same id rather than
    # giving that root cause a second error.
    located = [(registry, entry) for registry in REGISTRIES for entry in state.entries(registry)]
    first_of: dict[str, Located[BaseModel]] = {}
    for registry, entry in sorted(located, key=lambda pair: _misnamed(pair[1])):
        entity_id = entry_id(entry)
        first = first_of.get(entity_id)
        if first is not None:
            if _misnamed(entry):
                continue
            state.issue(
                entry,
                ("id",),
                "duplicate-id",
                f"the id {entity_id!r} is also defined at {first.shown}:{first.line('id')}",
                "keep one of the two entries, or give one of them another id",
            )
            continue
        first_of[entity_id] = entry
        state.entities[entity_id] = Entity(registry, tuple(entity_names(entry.model)), entry.shown)


def _expect(
    state: CheckState,
    where: Located[Any],
    sub: tuple[str | int, ...],
    entity_id: str | None,
    registry: str,
) -> bool:
    if entity_id is None:
        return True
    found = state.entities.get(entity_id)
    if found is None or found.registry != registry:
        if state.raw.rejected_ids.get(entity_id) == registry:
            return False  # its entry did not load, and that is reported already
        state.issue(
            where,
            sub,
            "dangling-reference",
            f"{entity_id!r} is not an id in the {registry} registry",
            f"{did_you_mean(_closest_id(state, entity_id, registry))}"
            f"correct the id, or add it as raw/registry/{registry}/{entity_id}.yaml",
        )
        return False
    return True


def _closest_id(state: CheckState, written: str, registry: str | None) -> str | None:
    """The id an unknown id most likely means, by the ids and the names of the entries."""
    ids: dict[str, str] = {}
    for entity_id, entity in state.entities.items():
        if registry is None or entity.registry == registry:
            ids[entity_id] = entity_id
            for alias in entity.names:
                ids.setdefault(re.sub(r"[^a-z0-9]+", "-", fold(alias)).strip("-"), entity_id)
    found = closest(written, ids)
    return ids[found] if found is not None else None


def _check_date(
    state: CheckState, where: Located[Any], sub: tuple[str | int, ...], value: dt.date | None
) -> None:
    if value is not None and not EARLIEST_DATE <= value <= state.today:
        state.issue(
            where,
            sub,
            "date-out-of-range",
            f"{value.isoformat()} is before 1930 or after the build date",
            "check the year against the text",
        )


def _check_registries(state: CheckState) -> None:
    for entry in state.entries("organizations"):
        org = cast(OrganizationEntry, entry.model)
        _expect(state, entry, ("parent",), org.parent, "organizations")
    for entry in state.entries("posts"):
        post = cast(PostEntry, entry.model)
        _expect(state, entry, ("organization",), post.organization, "organizations")
    for entry in state.entries("directives"):
        _check_directive(state, entry)
    _check_directive_identities(state)
    for entry in state.entries("meetings"):
        meeting = cast(MeetingEntry, entry.model)
        for index, org_id in enumerate(meeting.organizers):
            _expect(state, entry, ("organizers", index), org_id, "organizations")
        for index, directive_id in enumerate(meeting.directives):
            _expect(state, entry, ("directives", index), directive_id, "directives")
        for index, org_id in enumerate(meeting.participant_organizations):
            _expect(state, entry, ("participant_organizations", index), org_id, "organizations")
        for index, participant in enumerate(meeting.participants):
            _expect(state, entry, ("participants", index, "person"), participant.person, "persons")
        _check_date(state, entry, ("date",), meeting.date)


def _check_directive_identities(state: CheckState) -> None:
    """Numbers restart each term: a code may repeat, kind+number+issuer+term+date may not."""
    seen: dict[tuple[object, ...], Located[BaseModel]] = {}
    for entry in state.entries("directives"):
        d = cast(DirectiveEntry, entry.model)
        if d.number is None:
            continue
        identity = (d.kind, d.number, d.issuer, d.term or d.issued_on)
        first = seen.setdefault(identity, entry)
        if first is not entry:
            state.issue(
                entry,
                ("id",),
                "duplicate-id",
                f"{d.id!r} has the kind, number, issuer and term (or date) of {entry_id(first)!r} "
                f"at {first.shown}:{first.line('id')}",
                "merge the two entries, or give each its term (khóa) or date of issue",
            )


def _check_directive(state: CheckState, entry: Located[BaseModel]) -> None:
    directive = cast(DirectiveEntry, entry.model)
    _expect(state, entry, ("issuer",), directive.issuer, "organizations")
    _expect(state, entry, ("adopted_at",), directive.adopted_at, "meetings")
    _check_date(state, entry, ("issued_on",), directive.issued_on)
    if directive.code is None:
        return
    if not directive_codes.is_canonical(directive.code):
        state.issue(
            entry,
            ("code",),
            "invalid-directive-code",
            f"{directive.code!r} is not a canonical code",
            "write it as number-TYPE/TW, e.g. '04-CT/TW'",
        )
        return
    number, rest = directive.code.split("-", 1)
    kind = directive_codes.KIND_OF_TYPE[rest.split("/")[0]]
    if directive.number != number or directive.kind != kind:
        state.issue(
            entry,
            ("code",),
            "inconsistent-value",
            f"code {directive.code!r} disagrees with number {directive.number!r} "
            f"or kind {directive.kind!r}",
            f"set number: '{number}' and kind: {kind}",
        )


# ---------------------------------------------------------------- documents


def _span_of(
    state: CheckState,
    where: Located[Any],
    sub: tuple[str | int, ...],
    article_id: str,
    anchor: Anchor,
) -> Span | None:
    text = state.normalized.get(article_id)
    if text is None:
        return None
    found = resolve(text, anchor)
    if isinstance(found, AnchorProblem):
        state.issue(where, sub, found.code, found.message, found.hint)
        return None
    state.spans[(article_id, anchor_key(anchor))] = found
    return found


def check_page_date(state: CheckState, document: Located[DocumentAnnotation]) -> None:
    """The page date against the build date (apart: the rest does not depend on the day)."""
    page_date = document.model.page_date
    if page_date:
        _check_date(state, document, ("page_date", "value"), page_date.value)
    page_clock = document.model.page_clock
    if page_clock:
        _check_date(state, document, ("page_clock", "value"), page_clock.value)


def used_ids(ann: DocumentAnnotation) -> list[str]:
    """The ids of the registry entries whose content the checks of ``ann`` read."""
    ids = {mention.entity for mention in ann.mentions}
    ids |= {author.person for author in ann.authors}
    for credit in ann.credits:
        ids |= {credit.person, credit.organization}
    for position in ann.positions:
        ids |= {position.person, position.organization, position.as_of_meeting, position.post}
    return sorted(entity_id for entity_id in ids if entity_id is not None)


def check_document(state: CheckState, document: Located[DocumentAnnotation]) -> None:
    """Anchors, references and mentions of one document (coverage and page date apart)."""
    ann = document.model
    source = state.raw.texts.get(ann.article_id)
    if source is None:
        return
    actual = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    if actual != ann.sha256:
        state.issue(
            document,
            ("sha256",),
            "text-changed",
            f"{source.shown} has SHA-256 {actual}, the annotation records {ann.sha256}",
            "restore the text as received, or re-check every quote and update sha256",
        )
    resolved = state.resolved.setdefault(ann.article_id, ResolvedSpans())
    article = ann.article_id
    anchors: list[tuple[tuple[str | int, ...], Anchor]] = [(("title",), ann.title)]
    if ann.outlet:
        anchors.append((("outlet", "evidence"), ann.outlet.evidence))
    if ann.url:
        anchors.append((("url",), ann.url))
    if ann.page_date:
        anchors.append((("page_date", "evidence"), ann.page_date.evidence))
    if ann.page_clock:
        anchors.append((("page_clock", "evidence"), ann.page_clock.evidence))
    anchors += [(("authors", i, "evidence"), a.evidence) for i, a in enumerate(ann.authors)]
    anchors += [(("credits", i, "evidence"), c.evidence) for i, c in enumerate(ann.credits)]
    anchors += [(("boilerplate", i), b) for i, b in enumerate(ann.boilerplate)]
    anchors += [(("positions", i, "evidence"), p.evidence) for i, p in enumerate(ann.positions)]
    for sub, anchor in anchors:
        _span_of(state, document, sub, article, anchor)
    check_page_dates(state, document)
    for index, author in enumerate(ann.authors):
        _expect(state, document, ("authors", index, "person"), author.person, "persons")
    for index, credit in enumerate(ann.credits):
        _expect(state, document, ("credits", index, "person"), credit.person, "persons")
        _expect(
            state,
            document,
            ("credits", index, "organization"),
            credit.organization,
            "organizations",
        )
    for index, position in enumerate(ann.positions):
        _expect(state, document, ("positions", index, "person"), position.person, "persons")
        _expect(state, document, ("positions", index, "post"), position.post, "posts")
        _expect(
            state,
            document,
            ("positions", index, "organization"),
            position.organization,
            "organizations",
        )
        _expect(
            state,
            document,
            ("positions", index, "as_of_meeting"),
            position.as_of_meeting,
            "meetings",
        )
    # Waivers first: no mention may lie inside a waived phrase.
    resolve_waivers(state, document, resolved)
    _resolve_mentions(state, document, resolved)
    _check_proposals(state, document)


def _check_proposals(state: CheckState, document: Located[DocumentAnnotation]) -> None:
    """Proposals must quote the text; while any remains, the corpus is a draft."""
    ann = document.model
    text = state.normalized[ann.article_id]
    for index, proposal in enumerate(ann.proposals):
        state.spans_of(document, ("proposals", index), text, proposal, proposal.all)
    paths = ann.proposed_items()
    state.proposals[document.shown] = len(paths)
    if paths:
        first = sorted(paths, key=lambda path: document.line(*path))[0]
        state.issue(
            document,
            first,
            "unreviewed-proposal",
            f"{len(paths)} drafted item(s) await review, the first here",
            "accept an item by deleting its 'proposed: true', reject it by deleting the item; "
            "correct the entries under 'proposals:' and run 'dnnd accept', or delete them",
        )


def _resolve_mentions(
    state: CheckState, document: Located[DocumentAnnotation], resolved: ResolvedSpans
) -> None:
    ann = document.model
    text = state.normalized[ann.article_id]
    found_spans: list[tuple[Span, int, str, bool]] = []  # span, mention index, label, from all
    for index, mention in enumerate(ann.mentions):
        label = _mention_label(state, document, index)
        found = resolve_all(text, mention) if mention.all else resolve(text, mention)
        if isinstance(found, AnchorProblem):
            state.issue(document, ("mentions", index), found.code, found.message, found.hint)
            meant = Anchor(quote=found.suggestion) if found.suggestion else mention
            resolved.excused += occurrences(text, meant)
        elif label is None:
            resolved.excused += found if isinstance(found, list) else [found]
        else:
            spans = found if isinstance(found, list) else [found]
            found_spans += [(span, index, label, mention.all) for span in spans]
    found_spans = outside_waived_phrases(state, document, resolved, found_spans)
    # 'all: true' annotates flat within a label: an occurrence inside a longer mention of the
    # same label belongs to that one ('TW' inside 'Ban Đối ngoại TW'); across labels spans nest.
    nested: dict[tuple[Span, int, str, bool], bool] = {}
    for label in {item[2] for item in found_spans}:
        same = [item for item in found_spans if item[2] == label]
        nested.update(zip(same, strictly_inside_another([item[0] for item in same]), strict=True))
    kept = [item for item in found_spans if not item[3] or not nested[item]]
    seen: set[tuple[int, int, str | None]] = set()
    accepted: list[tuple[Span, int]] = []
    for span, index, label, _ in sorted(
        kept, key=lambda item: (item[0].start, item[0].end, item[1])
    ):
        mention = ann.mentions[index]
        key = (span.start, span.end, mention.entity)
        if key in seen:
            continue
        if _written_as_named(state, document, index, span):
            seen.add(key)
            resolved.mentions.append((span, label, mention.entity))
            accepted.append((span, index))
        else:
            resolved.excused.append(span)
    _check_token_grid(state, document, accepted)


def _check_token_grid(
    state: CheckState, document: Located[DocumentAnnotation], mentions: list[tuple[Span, int]]
) -> None:
    """The ner table tags whole tokens of one sentence, and flat mentions cannot overlap."""
    ann = document.model
    text = state.raw.texts[ann.article_id].text
    boilerplate = [
        (span.start, span.end)
        for anchor in ann.boilerplate
        if (span := state.spans.get((ann.article_id, anchor_key(anchor)))) is not None
    ]
    grid = TokenGrid(text, boilerplate)
    state.tokens[ann.article_id] = grid.tokens
    outside = [
        (span, index)
        for span, index in mentions
        if not in_boilerplate(boilerplate, span.start, span.end)
    ]
    reported: set[int] = set()  # one issue per mention entry, however many spans it has
    for span, index in outside:
        problem = grid.misplaced(span.start, span.end)
        if problem is not None and index not in reported:
            reported.add(index)
            line, column = line_and_column(text, span.start)
            state.issue(
                document,
                ("mentions", index),
                problem.code,
                f"{problem.message} ({state.raw.texts[ann.article_id].shown}:{line}:{column})",
                problem.hint,
            )
    flat = outermost((span.start, span.end) for span, _ in outside)
    entries = sorted(
        (span.start, span.end, index) for span, index in outside if (span.start, span.end) in flat
    )
    for (start, end, index), (next_start, next_end, next_index) in pairwise(entries):
        if next_start < end and next_index not in reported:
            reported.add(next_index)
            other = f"mentions[{index}] (line {document.line('mentions', index)})"
            same = (next_start, next_end) == (start, end)
            state.issue(
                document,
                ("mentions", next_index),
                "overlapping-mentions",
                f"{text[next_start:next_end]!r} is also the span of {other}, with another entity"
                if same
                else f"{text[next_start:next_end]!r} overlaps {text[start:end]!r} of {other}, "
                "and neither contains the other",
                "keep the mention of the entity the text means"
                if same
                else "make one mention contain the other, or drop one of them",
            )


def _mention_label(
    state: CheckState, document: Located[DocumentAnnotation], index: int
) -> str | None:
    mention = document.model.mentions[index]
    if mention.entity is None:
        return "LOCATION"
    found = state.entities.get(mention.entity)
    if found is None or found.registry not in LABEL_OF_REGISTRY:
        if mention.entity not in state.raw.rejected_ids:
            state.issue(
                document,
                ("mentions", index, "entity"),
                "dangling-reference",
                f"{mention.entity!r} is not an id in any registry",
                f"{did_you_mean(_closest_id(state, mention.entity, None))}correct the id, or "
                f"add its file to a registry (raw/registry/persons/{mention.entity}.yaml, or "
                "organizations/, directives/, meetings/)",
            )
        return None
    return LABEL_OF_REGISTRY[found.registry]


def _written_as_named(
    state: CheckState, document: Located[DocumentAnnotation], index: int, span: Span
) -> bool:
    """Persons and organizations are mentioned by a registered name; codes must match."""
    mention = document.model.mentions[index]
    if mention.entity is None:
        return True
    registry, known, shown = state.entities[mention.entity]
    written = state.raw.texts[document.model.article_id].text[span.start : span.end]
    if registry in ("persons", "organizations"):
        names = {normalize(name) for name in known}
        if registry == "persons":
            # A person may be named by a title the same text gives them ("Thường trực Ban Bí
            # thư" alone for its holder), never by a title of someone else.
            names |= {
                normalize(position.title)
                for position in document.model.positions
                if position.person == mention.entity
            }
        if normalize(written) not in names:
            state.issue(
                document,
                ("mentions", index),
                "mention-not-an-alias",
                f"{written!r} is not a name of {mention.entity!r}",
                f"add {written!r} to other_names in {shown}, or correct the quote",
            )
            return False
    if registry == "directives":
        code = known[0] if known else None
        for written_code in directive_codes.find_codes(written):
            if written_code != code:
                state.issue(
                    document,
                    ("mentions", index),
                    "directive-code-mismatch",
                    f"{written!r} writes {written_code}, {mention.entity!r} has code {code}",
                    "point the mention at the directive with that code",
                )
                return False
    return True


# ---------------------------------------------------------------- registry evidence


# ---------------------------------------------------------------- across documents


def check_duplicate_texts(state: CheckState, texts: list[tuple[str, str, str]]) -> None:
    """No two articles hold the same text: (article_id, SHA-256 of the text, path shown)."""
    first: dict[str, tuple[str, str]] = {}
    for article_id, digest, shown in sorted(texts):
        if digest not in first:
            first[digest] = (article_id, shown)
            continue
        other, other_shown = first[digest]
        state.issues.append(
            Issue(
                shown,
                1,
                "duplicate-text",
                f"this text is byte for byte the text of {other} ({other_shown})",
                f"keep one article: delete {article_id}.txt and {article_id}.yaml, and add "
                f"what they annotate to {other}.yaml",
            )
        )
