"""What the corpus already knows: registered names, directives, press tags, places."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from dnnd_dataset.drafting.known_names import Name, NameIndex
from dnnd_dataset.errors import InvalidCorpusError, Issue, Report
from dnnd_dataset.reading.raw_loading import load_documents, load_registries
from dnnd_dataset.reading.raw_models import (
    DirectiveEntry,
    DocumentAnnotation,
    MeetingEntry,
    OrganizationEntry,
    PersonEntry,
    PostEntry,
)


@dataclass
class Knowledge:
    persons: list[PersonEntry] = field(default_factory=list)
    organizations: list[OrganizationEntry] = field(default_factory=list)
    directives: list[DirectiveEntry] = field(default_factory=list)
    meetings: list[MeetingEntry] = field(default_factory=list)
    posts: list[PostEntry] = field(default_factory=list)
    # Places annotated in the corpus (LOCATION mentions carry no registry entry).
    places: set[str] = field(default_factory=set)
    # Phrases that documents waive as no mention of the name inside them ("chính đảng").
    waived: set[str] = field(default_factory=set)
    article_ids: set[str] = field(default_factory=set)
    shas: dict[str, str] = field(default_factory=dict)  # sha256 -> article_id

    def names(self) -> NameIndex:
        return NameIndex(self.name_list(), self.waived)

    def name_list(self) -> list[Name]:
        found: list[Name] = []
        for person in self.persons:
            found += [Name(n, "PERSON", person.id) for n in (person.name, *person.other_names)]
        for org in self.organizations:
            found += [Name(n, "ORGANIZATION", org.id) for n in (org.name, *org.other_names)]
        for directive in self.directives:
            found.append(Name(directive.name, "DIRECTIVE", directive.id))
        for meeting in self.meetings:
            found.append(Name(meeting.name, "MEETING", meeting.id))
        found += [Name(place, "LOCATION", None) for place in self.places]
        return found


def read_knowledge(raw: Path) -> Knowledge:
    """The registries and annotated documents of ``raw``; a registry that fails to load raises.

    Raises InvalidCorpusError with every problem of the registries.
    """
    issues: list[Issue] = []
    registries = load_registries(raw, issues)
    if issues:
        raise InvalidCorpusError(Report(issues=issues))
    documents, _, _ = load_documents(raw, [])
    return knowledge_of(
        {name: [entry.model for entry in entries] for name, entries in registries.items()},
        [document.model for document in documents],
    )


def knowledge_of(
    registries: dict[str, list[BaseModel]], documents: list[DocumentAnnotation]
) -> Knowledge:
    def entries(name: str, kind: type[BaseModel]) -> list[BaseModel]:
        return [entry for entry in registries.get(name, []) if isinstance(entry, kind)]

    knowledge = Knowledge(
        persons=entries("persons", PersonEntry),  # type: ignore[arg-type]
        organizations=entries("organizations", OrganizationEntry),  # type: ignore[arg-type]
        directives=entries("directives", DirectiveEntry),  # type: ignore[arg-type]
        meetings=entries("meetings", MeetingEntry),  # type: ignore[arg-type]
        posts=entries("posts", PostEntry),  # type: ignore[arg-type]
    )
    for document in documents:
        knowledge.article_ids.add(document.article_id)
        knowledge.shas[document.sha256] = document.article_id
        knowledge.places |= {m.quote for m in document.mentions if m.label == "LOCATION"}
        knowledge.waived |= {waiver.quote for waiver in document.waivers}
    return knowledge
