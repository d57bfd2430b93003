"""Models of the hand-written files under ``raw/``.

Layout, one file per entry so that independent additions never touch the same file::

    raw/registry/persons/<id>.yaml        PersonEntry
    raw/registry/organizations/<id>.yaml  OrganizationEntry
    raw/registry/directives/<id>.yaml     DirectiveEntry
    raw/registry/meetings/<id>.yaml       MeetingEntry
    raw/registry/posts/<id>.yaml          PostEntry
    raw/documents/<article_id>.txt        a source text, verbatim
    raw/documents/<article_id>.yaml       DocumentAnnotation of that text

Spans are anchored by quotes, never by offsets: the builder finds the quote in the
text (after look-alike normalization of both), narrowed by ``prefix``/``suffix`` or an
``occurrence`` number where the quote repeats.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from dnnd_dataset.records import (
    INT32_MAX,
    AttendanceQualifier,
    BoilerplateKind,
    CreditRole,
    DatePrecision,
    DirectiveKind,
    MeetingKind,
    OrganizationKind,
    ParticipantRole,
    PersonRole,
    Slug,
    Term,
    WikidataId,
)

Text = Annotated[str, StringConstraints(min_length=1)]
# Caps that no printed name or quote comes near, and that keep the work on a text linear in
# its length: name matching walks up to a name's length of the automaton per character of a
# text, and a 'did you mean' search compares windows as long as the quote.
NAME_MAX = 300
QUOTE_MAX = 2_000
Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
Quote = Annotated[str, StringConstraints(min_length=1, max_length=QUOTE_MAX)]
QuoteContext = Annotated[str, StringConstraints(max_length=QUOTE_MAX)]
NameLike = Annotated[str, StringConstraints(max_length=NAME_MAX)]  # may be empty


def _iso_date_text(value: object) -> object:
    # YAML gives dates as the text typed; only that text may become a date, never a number
    # (lax validation reads 1311033600 as a Unix time).
    if isinstance(value, str) and len(value) == 10:
        return value
    raise PydanticCustomError("date_type", "a date must be written YYYY-MM-DD")


# Parsed from its ISO text only: strict mode would refuse the text, lax mode a number too.
IsoDate = Annotated[dt.date, Strict(False), BeforeValidator(_iso_date_text)]


class RawModel(BaseModel):
    # Strict: a value of the wrong type is an error, never converted ("1" is not 1, and
    # true is not 1).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Proposable(RawModel):
    """An item that ``dnnd add`` may draft; it counts as unreviewed while ``proposed`` is true."""

    proposed: bool = Field(
        default=False,
        description="Drafted by 'dnnd add' and not yet reviewed: delete this key to accept "
        "the item, or delete the item to reject it. 'dnnd build' refuses drafts.",
    )


class Anchor(RawModel):
    """A span of an article text, found by its quote."""

    quote: Quote = Field(
        description=f"The exact words of the text (look-alikes may differ), at most {QUOTE_MAX:,} "
        "characters."
    )
    prefix: QuoteContext | None = Field(
        default=None, description="Words just before the quote, to pick one occurrence."
    )
    suffix: QuoteContext | None = Field(
        default=None, description="Words just after the quote, to pick one occurrence."
    )
    occurrence: int | None = Field(
        default=None, ge=1, description="Which remaining occurrence (1 = first) to take."
    )


SUPPORTED = r"^[a-z_]+(\[[a-z0-9][a-z0-9-]*\])?$"


class SourcedAnchor(Anchor):
    """An evidence quote in a named article, and the fields of the record it supports."""

    article: Slug = Field(description="article_id of the text that holds the quote.")
    supports: list[Annotated[str, StringConstraints(pattern=SUPPORTED)]] = Field(
        min_length=1,
        description="Fields of the record this grounds; 'field[id]' names one element of a "
        "list of ids (e.g. 'directives[chi-thi-04-ct-tw-khoa-xi]').",
    )


class Completion(RawModel):
    """A name completed from context: the published full_name where the printed one is short."""

    full_name: Name | None = Field(
        default=None,
        description="The name in sentence case, completed from context where needed; "
        "defaults to the printed name.",
    )
    full_name_inferred: bool = Field(
        default=False, description="full_name adds words the printed name does not hold."
    )
    full_name_basis: str | None = Field(
        default=None, description="How the completion was inferred."
    )

    @model_validator(mode="after")
    def _completion(self) -> Completion:
        if self.full_name_inferred != (self.full_name_basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "full_name_inferred true needs full_name_basis, and only then"
            )
        if self.full_name_inferred and self.full_name is None:
            raise PydanticCustomError(
                "inconsistent-value", "full_name_inferred true needs the full_name it infers"
            )
        return self


class PersonEntry(RawModel):
    """One person, however many texts name it: the file raw/registry/persons/<id>.yaml."""

    id: Slug = Field(description="person_id: an ASCII slug of the name.")
    name: Name = Field(description="Full name with diacritics, family name first.")
    other_names: list[Name] = Field(
        default=[],
        description="Other spellings, each as a text prints it, character for character.",
    )
    roles: list[PersonRole] = Field(default=[], description="official, author, photographer.")
    wikidata_id: WikidataId | None = Field(default=None, description="Only when verified.")


class OrganizationEntry(RawModel):
    """One organization, however many texts name it: raw/registry/organizations/<id>.yaml."""

    id: Slug = Field(description="organization_id.")
    name: Name = Field(description="Full Vietnamese name.")
    other_names: list[Name] = Field(
        default=[],
        description="Abbreviations and variants, each as a text prints it, character for "
        "character.",
    )
    kind: OrganizationKind = Field(description="What kind of body it is.")
    kind_inferred: bool = Field(
        default=False, description="Neither the name nor a text states the kind."
    )
    kind_basis: str | None = Field(default=None, description="How the kind was inferred.")
    parent: Slug | None = Field(default=None, description="organization_id it belongs to.")
    parent_inferred: bool = Field(
        default=False,
        description="The name does not hold the parent's name and no text states the link.",
    )
    parent_basis: str | None = Field(default=None, description="How the parent was inferred.")
    note: str | None = Field(default=None, description="What the texts leave open about it.")

    @model_validator(mode="after")
    def _bases(self) -> OrganizationEntry:
        if self.kind_inferred != (self.kind_basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "kind_inferred true needs kind_basis, and only then"
            )
        if self.parent_inferred != (self.parent_basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "parent_inferred true needs parent_basis, and only then"
            )
        if self.parent_inferred and self.parent is None:
            raise PydanticCustomError(
                "inconsistent-value", "parent_inferred true needs the parent it infers"
            )
        return self


class PostEntry(RawModel):
    """One post (one position in one body), however its title is spelled:
    raw/registry/posts/<id>.yaml."""

    id: Slug = Field(description="post_id.")
    name: Name = Field(description="Canonical Vietnamese name of the post.")
    organization: Slug | None = Field(default=None, description="organization_id of the body.")


class DirectiveEntry(Completion):
    """One directive, however many texts name it: raw/registry/directives/<id>.yaml.

    Party document numbers restart each term (khóa): identity is kind + number + issuer +
    term or date, never the code alone.
    """

    id: Slug = Field(description="directive_id, unique across terms.")
    name: Name = Field(
        description="How a text prints its name, e.g. 'Chỉ thị 04-CT/TW', character for character."
    )
    kind: DirectiveKind = Field(description="chi_thi, nghi_quyet, ket_luan, quy_dinh.")
    number: str | None = Field(default=None, description="The number as printed.")
    code: NameLike | None = Field(
        default=None, description="Canonical 'NN-XX/TW' if printed or determined by the text."
    )
    code_derived: bool = Field(
        default=False, description="No text prints the code; kind, number and issuer give it."
    )
    code_basis: str | None = Field(default=None, description="How the code was derived.")
    issuer: Slug | None = Field(default=None, description="organization_id of the issuer.")
    term: Term | None = Field(default=None, description="Roman numeral of the khóa, if stated.")
    term_inferred: bool = Field(
        default=False, description="No text prints 'khóa' with the term; it is read."
    )
    term_basis: str | None = Field(default=None, description="How the term was inferred.")
    issued_on: IsoDate | None = Field(default=None, description="Date of issue, if stated.")
    subject: str | None = Field(default=None, description="What it is about, as stated.")
    adopted_at: Slug | None = Field(
        default=None, description="meeting_id of the congress that adopted it."
    )
    note: str | None = Field(
        default=None,
        description="How the printed name is read where it could mislead, or why no span names it.",
    )
    evidence: list[SourcedAnchor] = Field(default=[], description="Quotes grounding the fields.")

    @model_validator(mode="after")
    def _derived(self) -> DirectiveEntry:
        if self.term_inferred != (self.term_basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "term_inferred true needs term_basis, and only then"
            )
        if self.term_inferred and self.term is None:
            raise PydanticCustomError("inconsistent-value", "term_inferred true needs the term")
        if self.code_derived != (self.code_basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "code_derived true needs code_basis, and only then"
            )
        if self.code_derived and self.code is None:
            raise PydanticCustomError("inconsistent-value", "code_derived true needs the code")
        return self


class RoleWaiver(RawModel):
    """A role that a word of the participant's quotes states of someone else, and why."""

    role: ParticipantRole = Field(description="The role the word states.")
    reason: Text = Field(description="Why it is not this person's role.")


class ParticipantEntry(RawModel):
    person: Slug = Field(description="person_id; one entry per person per meeting.")
    roles: list[ParticipantRole] = Field(
        min_length=1, description="chair, directing, speaker, attendee: each role stated."
    )
    position: NameLike | None = Field(
        default=None, description="Position as printed in that report, character for character."
    )
    inferred: bool = Field(
        default=False, description="The text implies the participation but does not state it."
    )
    basis: str | None = Field(default=None, description="How the participation was inferred.")
    evidence: list[SourcedAnchor] = Field(
        min_length=1,
        description="Quotes naming the person in a role ('supports: [chair]') or with the "
        "position ('supports: [position]').",
    )
    role_waivers: list[RoleWaiver] = Field(
        default=[],
        description="Roles that a word of the quotes states of another person, with the reason.",
    )

    @model_validator(mode="after")
    def _basis(self) -> ParticipantEntry:
        if self.inferred != (self.basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "inferred: true needs a basis, and only then"
            )
        if len(set(self.roles)) != len(self.roles):
            raise PydanticCustomError("inconsistent-value", "a role is listed twice")
        return self


class MeetingEntry(Completion):
    """One meeting, however many texts report it: raw/registry/meetings/<id>.yaml."""

    id: Slug = Field(description="meeting_id.")
    name: Name = Field(
        description="Name as a text prints it, in Vietnamese, character for character."
    )
    kind: MeetingKind = Field(description="conference, review_conference, congress.")
    date: IsoDate | None = Field(
        default=None, description="Date; null if no part is stated or the year is unknown."
    )
    date_precision: DatePrecision = Field(
        default="unknown", description="day, month, year, unknown."
    )
    date_inferred: bool = Field(default=False, description="A part of date is not printed.")
    date_basis: str | None = Field(default=None, description="How the inferred part was inferred.")
    date_edtf: str | None = Field(
        default=None,
        description="The date as printed, in EDTF (ISO 8601-2): the parts the text prints, X for "
        "each digit it does not ('XXXX-07-19' for '19/7'). Needed when a part of date is "
        "inferred or the year is unknown; a date printed whole may leave it out.",
    )
    location: str | None = Field(default=None, description="Place as stated.")
    organizers: list[Slug] = Field(default=[], description="organization_ids.")
    participants: list[ParticipantEntry] = Field(default=[], description="Named participants.")
    participant_organizations: list[Slug] = Field(
        default=[],
        description="organization_ids of bodies the text says took part; evidence "
        "'supports: [participant_organizations[<id>]]'.",
    )
    participant_groups: list[Text] = Field(
        default=[],
        description="Groups that took part, unnamed one by one, as printed "
        "('đại diện lãnh đạo các bộ, ban, ngành'); evidence 'supports: [participant_groups]'.",
    )
    attendance: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="Number of participants stated."
    )
    attendance_qualifier: AttendanceQualifier | None = Field(
        default=None, description="exact, more_than, about."
    )
    directives: list[Slug] = Field(default=[], description="Documents disseminated/reviewed/cited.")
    evidence: list[SourcedAnchor] = Field(default=[], description="Quotes grounding the fields.")

    @model_validator(mode="after")
    def _consistent(self) -> MeetingEntry:
        if (self.date is None) != (self.date_precision == "unknown"):
            raise PydanticCustomError(
                "inconsistent-value",
                "date and date_precision disagree: a date needs a precision, no date needs "
                "'unknown'",
            )
        if self.date_inferred != (self.date_basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "date_inferred true needs date_basis, and only then"
            )
        if (self.attendance is None) != (self.attendance_qualifier is None):
            raise PydanticCustomError(
                "inconsistent-value", "attendance and attendance_qualifier go together"
            )
        return self


class MentionAnnotation(Anchor, Proposable):
    """A mention; with ``all: true`` every whole-word occurrence of the quote is one."""

    quote: Name = Field(
        description=f"The name as the text prints it (look-alikes may differ), at most {NAME_MAX} "
        "characters."
    )

    entity: Slug | None = Field(default=None, description="Id of the entity; none for LOCATION.")
    label: Literal["LOCATION"] | None = Field(
        default=None, description="Only for LOCATION; other labels follow from the entity."
    )
    all: bool = Field(
        default=False,
        description="Every whole-word occurrence not inside a longer mention is a mention.",
    )

    @model_validator(mode="after")
    def _target(self) -> MentionAnnotation:
        if (self.entity is None) == (self.label is None):
            raise PydanticCustomError(
                "inconsistent-value", "a mention names either an entity or label: LOCATION"
            )
        if self.all and self.occurrence is not None:
            raise PydanticCustomError(
                "inconsistent-value", "'all: true' takes every occurrence; drop 'occurrence'"
            )
        return self


class Waiver(Anchor):
    """An occurrence of a known name that is not a mention of it, and why."""

    reason: Text = Field(description="Why this occurrence is not a mention.")
    all: bool = Field(default=False, description="Waive every occurrence of the quote.")


class Author(Proposable):
    person: Slug = Field(description="person_id of the byline.")
    inferred: bool = Field(
        default=False, description="No byline prints the name; the authorship is inferred."
    )
    basis: str | None = Field(default=None, description="How the authorship was inferred.")
    evidence: Anchor = Field(description="The byline as printed, or the words it is read from.")

    @model_validator(mode="after")
    def _basis(self) -> Author:
        if self.inferred != (self.basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "inferred: true needs a basis, and only then"
            )
        return self


class CreditAnnotation(Proposable):
    name: Name = Field(description="Who is credited, as printed.")
    role: CreditRole = Field(description="photo or source.")
    person: Slug | None = Field(default=None, description="person_id of who is credited.")
    organization: Slug | None = Field(
        default=None, description="organization_id of who is credited."
    )
    inferred: bool = Field(default=False, description="The link is not printed, but inferred.")
    basis: str | None = Field(default=None, description="How the link was inferred.")
    evidence: Anchor = Field(description="The credit as printed.")

    @model_validator(mode="after")
    def _basis(self) -> CreditAnnotation:
        if self.inferred != (self.basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "inferred: true needs a basis, and only then"
            )
        if self.inferred and self.person is None and self.organization is None:
            raise PydanticCustomError(
                "inconsistent-value", "inferred: true needs the person or organization it infers"
            )
        return self


class BoilerplateAnnotation(Anchor, Proposable):
    kind: BoilerplateKind = Field(description="What the span is.")


class Outlet(Proposable):
    name: Name = Field(description="The publication's name.")
    inferred: bool = Field(default=False, description="Not printed in full, inferred.")
    basis: str | None = Field(default=None, description="How it was inferred.")
    evidence: Anchor = Field(description="Where the text names or tags the outlet.")

    @model_validator(mode="after")
    def _basis(self) -> Outlet:
        if self.inferred != (self.basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "inferred: true needs a basis, and only then"
            )
        return self


class PageDate(Proposable):
    value: IsoDate = Field(description="The page's own publication date, as printed.")
    evidence: Anchor = Field(description="The printed date.")


class PageClock(Proposable):
    value: IsoDate = Field(
        description="The date a clock in the page chrome showed: the day the page was "
        "displayed when it was saved, not its publication date."
    )
    evidence: Anchor = Field(description="The clock as printed, in a page_chrome span.")


class PositionAnnotation(Proposable):
    person: Slug = Field(description="person_id.")
    title: Name = Field(
        description="The title as the evidence quote prints it, character for character."
    )
    post: Slug | None = Field(default=None, description="post_id of the post the title names.")
    organization: Slug | None = Field(default=None, description="organization_id of the title.")
    as_of_meeting: Slug | None = Field(
        default=None, description="The meeting at which the text says the person held it."
    )
    evidence: Anchor = Field(description="The words stating the position.")


class Url(Anchor, Proposable):
    """A source address printed in the text."""


class Title(Anchor, Proposable):
    """The headline (or the lead sentence where there is none, marked inferred)."""

    inferred: bool = Field(
        default=False, description="The text prints no headline; this sentence serves as one."
    )
    basis: str | None = Field(default=None, description="Why the sentence stands for a headline.")

    @model_validator(mode="after")
    def _basis(self) -> Title:
        if self.inferred != (self.basis is not None):
            raise PydanticCustomError(
                "inconsistent-value", "inferred: true needs a basis, and only then"
            )
        return self


ProposalKind = Literal[
    "person",
    "organization",
    "directive",
    "meeting",
    "post",
    "location",
    "date",
    "attendance",
    "outlet",
    "page_date",
    "url",
]


class Proposal(Anchor):
    """Something the registries do not know yet, drafted by ``dnnd add`` for review.

    Every entry counts as unreviewed: accepting one means writing what it proposes into
    its registry (or into this file) and deleting the entry.
    """

    kind: ProposalKind = Field(description="What is proposed.")
    value: Name = Field(
        description="The name as printed, the canonical code, the ISO date or the number."
    )
    entry: dict[str, Any] | None = Field(
        default=None,
        description="For a person, organization, directive, meeting or post: the registry "
        "entry as its file raw/registry/<registry>/<id>.yaml will hold it; 'dnnd accept' "
        "moves it there and the quote becomes a mention of it.",
    )
    all: bool = Field(default=False, description="The quote stands for every occurrence.")
    date: IsoDate | None = Field(default=None, description="For a date.")
    date_precision: DatePrecision | None = Field(
        default=None, description="day, month or year: what the text prints or implies."
    )
    date_basis: str | None = Field(default=None, description="How an unprinted part was read.")
    attendance: int | None = Field(default=None, ge=1, description="Number of people stated.")
    attendance_qualifier: AttendanceQualifier | None = Field(
        default=None, description="exact, more_than, about."
    )
    note: str | None = Field(default=None, description="Why the draft proposes it.")


class DocumentAnnotation(RawModel):
    """The annotation of one source text."""

    article_id: Slug = Field(description="Equals the file name stem.")
    source_file: Text = Field(description="File name of the source document as received.")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="SHA-256 of the text file; guards the annotation against edits of the text."
    )
    title: Title = Field(description="The headline (or lead sentence).")
    outlet: Outlet | None = Field(default=None, description="The publication, if known.")
    url: Url | None = Field(default=None, description="A source URL printed in the text.")
    page_date: PageDate | None = Field(
        default=None, description="The page's publication date, printed with the article."
    )
    page_clock: PageClock | None = Field(
        default=None, description="The date of a site clock in the page chrome."
    )
    authors: list[Author] = Field(default=[], description="Bylines.")
    credits: list[CreditAnnotation] = Field(default=[], description="Photo credits and sources.")
    boilerplate: list[BoilerplateAnnotation] = Field(default=[], description="Non-content spans.")
    mentions: list[MentionAnnotation] = Field(default=[], description="Entity and place spans.")
    positions: list[PositionAnnotation] = Field(default=[], description="Positions as stated.")
    waivers: list[Waiver] = Field(default=[], description="Name occurrences that are no mention.")
    proposals: list[Proposal] = Field(
        default=[], description="Drafted candidates the registries do not know yet."
    )

    def proposed_items(self) -> list[tuple[str | int, ...]]:
        """Paths of the items still awaiting review: marked ones and every proposal."""
        paths: list[tuple[str | int, ...]] = []
        for name in ("title", "outlet", "url", "page_date", "page_clock"):
            item = getattr(self, name)
            if item is not None and item.proposed:
                paths.append((name,))
        for name in ("authors", "credits", "boilerplate", "positions", "mentions"):
            items = getattr(self, name)
            paths += [(name, i) for i, item in enumerate(items) if item.proposed]
        paths += [("proposals", i) for i in range(len(self.proposals))]
        return paths
