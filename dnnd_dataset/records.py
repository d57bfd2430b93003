"""The published records: one Pydantic model per table, and nested structs.

These models are the single source of truth for every schema the dataset ships:
JSON Schema (``schema/``), the Arrow schema of the Parquet files, the Hugging Face
features of the dataset card and the Croissant fields are all derived from them.
Every field carries a description because it flows into all of those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class Int32:
    """Marks an ``int`` field that is stored as Arrow ``int32``."""


@dataclass(frozen=True)
class ClassLabels:
    """Marks an ``int`` field holding the index of one of ``names``: a ``datasets`` ClassLabel.

    Stored as Arrow ``int64``, the storage of ``datasets.ClassLabel``, so that
    ``load_dataset`` reads the column without a cast.
    """

    names: tuple[str, ...]


@dataclass(frozen=True)
class References:
    """Marks an id field whose values are the ids of rows of ``table`` (a foreign key).

    Croissant's ``references`` and ``dnnd verify``'s reference checks follow these marks.
    """

    table: str


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
ArticleId = Annotated[Slug, References("articles")]
PersonId = Annotated[Slug, References("persons")]
OrganizationId = Annotated[Slug, References("organizations")]
DirectiveId = Annotated[Slug, References("directives")]
MeetingId = Annotated[Slug, References("meetings")]
PostId = Annotated[Slug, References("posts")]
I32 = Annotated[int, Int32(), Field(ge=0, le=INT32_MAX)]

MentionLabel = Literal["PERSON", "ORGANIZATION", "DIRECTIVE", "MEETING", "LOCATION"]
MENTION_LABELS: tuple[str, ...] = get_args(MentionLabel)
# The BIO tags of the ner table, in the order of their ClassLabel indices: O, then B- and I-
# of each mention label (the layout of conll2003).
NER_TAGS: tuple[str, ...] = (
    "O",
    *(f"{prefix}-{label}" for label in MENTION_LABELS for prefix in ("B", "I")),
)
NerTag = Annotated[int, ClassLabels(NER_TAGS), Field(ge=0, lt=len(NER_TAGS))]
MeetingKind = Literal["conference", "review_conference", "congress", "activity"]
DatePrecision = Literal["day", "month", "year", "unknown"]
ParticipantRole = Literal["chair", "directing", "speaker", "attendee", "actor"]
AttendanceQualifier = Literal["exact", "more_than", "about"]
PersonRole = Literal["official", "author", "photographer"]
DirectiveKind = Literal["chi_thi", "nghi_quyet", "ket_luan", "quy_dinh"]
OrganizationKind = Literal[
    "party",
    "party_body",
    "party_organization",
    "state_body",
    "mass_organization",
    "international_organization",
    "press",
    "meeting_body",
    "state",
]
CreditRole = Literal["photo", "source"]
BoilerplateKind = Literal[
    "site_banner", "page_chrome", "duplicate_caption", "duplicate_text", "comment_widget"
]
Term = Annotated[str, StringConstraints(pattern=r"^[IVXL]+$")]
WikidataId = Annotated[str, StringConstraints(pattern=r"^Q[1-9][0-9]*$")]


# A repr longer than this floods a notebook; the full value stays one attribute away.
REPR_TEXT = 80
REPR_ITEMS = 5


class _Shown:
    """A value as a repr shows it: long texts and lists cut, with their full size."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _short(value: object) -> object:
    if isinstance(value, str) and len(value) > REPR_TEXT:
        return _Shown(f"{value[:REPR_TEXT]!r}… ({len(value)} characters)")
    if isinstance(value, list) and len(value) > REPR_ITEMS:
        shown = ", ".join(repr(_short(item)) for item in value[:REPR_ITEMS])
        return _Shown(f"[{shown}, …] ({len(value)} items)")
    if isinstance(value, list) and any(isinstance(item, str) for item in value):
        # A long text inside a short list (author_basis) is cut like one outside it.
        return _Shown("[" + ", ".join(repr(_short(item)) for item in value) + "]")
    return value


class Record(BaseModel):
    """Base of every published record: strict, immutable, no unknown fields.

    Its repr (and str) cuts texts after 80 characters and lists after 5 items, saying how
    long they are; the fields themselves stay whole.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, _short(value)


class Credit(Record):
    name: str = Field(description="Who is credited, as printed (a person, an agency, a site).")
    role: CreditRole = Field(
        description="photo: a photo credit; source: the text is taken from this source "
        "('Theo ...', 'Nguồn: ...')."
    )
    person_id: PersonId | None = Field(description="The person credited or whose site is credited.")
    organization_id: OrganizationId | None = Field(
        description="The organization credited or whose site is credited."
    )
    inferred: bool = Field(
        description="True when the link to person_id or organization_id is not printed but "
        "inferred (see basis)."
    )
    basis: str | None = Field(description="How an inferred link was inferred.")


class Boilerplate(Record):
    start: I32 = Field(description="Code-point offset of the span start (inclusive).")
    end: I32 = Field(description="Code-point offset of the span end (exclusive).")
    kind: BoilerplateKind = Field(
        description="What the span is: a site banner, page chrome, a duplicated caption or "
        "paragraph, a comment widget."
    )


class Article(Record):
    """One source document, verbatim, with what it names."""

    article_id: Slug = Field(description="Stable id of the article.")
    source_file: str = Field(description="File name of the source document as received.")
    title: str = Field(
        description="Headline as printed (or the lead sentence where there is none)."
    )
    text: str = Field(description="Verbatim source text (byte-identical UTF-8).")
    text_normalized: str = Field(
        description="Same length as text, look-alike characters mapped one for one "
        "(U+00D0 to U+0110, no-break space to space, ...): every offset is valid in both."
    )
    sha256: str = Field(description="Hex SHA-256 of text encoded as UTF-8.")
    outlet: str | None = Field(
        description="The publication that printed the text; null if unknown."
    )
    outlet_inferred: bool = Field(
        description="True when the outlet is not printed in full but inferred (see outlet_basis)."
    )
    outlet_basis: str | None = Field(description="How an inferred outlet was inferred.")
    url: str | None = Field(description="Source URL when the text states one.")
    page_date: dt.date | None = Field(
        description="The page's own publication date, printed with the article (not the date "
        "of an event it reports); null if none is printed."
    )
    page_clock: dt.date | None = Field(
        description="The date a site clock in the page chrome showed: the day the page was "
        "displayed when it was saved, not its publication date; null if the chrome has none."
    )
    authors: list[str] = Field(description="Bylines, as canonical person names.")
    author_ids: list[PersonId] = Field(
        description="person_id of each byline, in the order of authors."
    )
    credits: list[Credit] = Field(description="Photo credits and 'Theo ...' / 'Nguồn' sources.")
    boilerplate: list[Boilerplate] = Field(
        description="Spans that are not article content: banners, chrome, duplicated captions, "
        "comment widgets."
    )
    person_ids: list[PersonId] = Field(description="Persons the article names in its body.")
    organization_ids: list[OrganizationId] = Field(
        description="Organizations the article names in its body."
    )
    directive_ids: list[DirectiveId] = Field(
        description="Directives the article names in its body."
    )
    meeting_ids: list[MeetingId] = Field(
        description="Meetings the article names or reports in its body."
    )
    boilerplate_person_ids: list[PersonId] = Field(
        description="Persons the article names only in boilerplate (banner, page chrome, "
        "duplicated caption), never in its body."
    )
    boilerplate_organization_ids: list[OrganizationId] = Field(
        description="Organizations the article names only in boilerplate."
    )
    boilerplate_directive_ids: list[DirectiveId] = Field(
        description="Directives the article names only in boilerplate."
    )
    boilerplate_meeting_ids: list[MeetingId] = Field(
        description="Meetings the article names only in boilerplate."
    )
    title_inferred: bool = Field(
        description="True when the text prints no headline and title is a sentence that "
        "serves as one (see title_basis)."
    )
    title_basis: str | None = Field(description="Why an inferred title stands for the headline.")
    author_inferred: list[bool] = Field(
        description="For each of authors, in its order: true when no byline prints the name "
        "and the authorship is inferred (see author_basis)."
    )
    author_basis: list[str | None] = Field(
        description="For each of authors, in its order: how an inferred authorship was "
        "inferred; null for a printed byline."
    )


class Mention(Record):
    """A span of an article's text that names an entity or a location."""

    article_id: ArticleId = Field(description="The article whose text holds the span.")
    start: I32 = Field(description="Code-point offset into articles.text (inclusive).")
    end: I32 = Field(description="Code-point offset into articles.text (exclusive).")
    text: str = Field(description="Equals articles.text[start:end].")
    label: MentionLabel = Field(description="PERSON, ORGANIZATION, DIRECTIVE, MEETING or LOCATION.")
    entity_id: Slug | None = Field(
        description="Id of the row the span refers to; null only for LOCATION."
    )
    in_boilerplate: bool = Field(
        description="True when the span lies in a boilerplate span of the article (banner, "
        "page chrome, duplicated caption or paragraph, comment widget)."
    )


class Participant(Record):
    person_id: PersonId = Field(description="The participating person (one row per person).")
    roles: list[ParticipantRole] = Field(
        description="Every role the texts give the person there, in the order chair, "
        "directing, speaker, attendee, actor (who carries out an activity)."
    )
    position: str | None = Field(
        description="The person's position as printed in that report; null if none is stated."
    )
    inferred: bool = Field(
        description="True when the text implies the participation but does not state it "
        "(see basis)."
    )
    basis: str | None = Field(description="How an inferred participation was inferred.")


class Meeting(Record):
    """A conference, review conference or congress that the texts name or report, or an
    activity they report (a visit, a gift: kind activity)."""

    meeting_id: Slug = Field(description="Stable id of the meeting.")
    name: str = Field(description="Name as printed in a text, in Vietnamese, verbatim.")
    full_name: str = Field(
        description="The name in sentence case, with any part the printed name leaves "
        "implicit completed from context (see full_name_inferred)."
    )
    full_name_inferred: bool = Field(
        description="True when full_name adds words that the printed name does not hold."
    )
    full_name_basis: str | None = Field(description="How an inferred completion was inferred.")
    kind: MeetingKind = Field(
        description="conference, review_conference, congress, or activity (an event that is "
        "no meeting, e.g. a gift handed over; its name is the words that report it)."
    )
    date: dt.date | None = Field(
        description="Date of the meeting; null if no part is stated or the year is unknown "
        "(date_edtf then holds the parts printed)."
    )
    date_precision: DatePrecision = Field(
        description="Which parts of date are meaningful: day, month, year or unknown."
    )
    date_inferred: bool = Field(description="True when a part of date is not printed in the text.")
    date_basis: str | None = Field(description="How an inferred part of the date was inferred.")
    date_edtf: str | None = Field(
        description="The date as the texts print it, in EDTF (Library of Congress Extended "
        "Date/Time Format, ISO 8601-2): the printed parts, X for each digit not printed "
        "('XXXX-07-19' for '19/7', whose year date infers); null if no part is printed."
    )
    location: str | None = Field(description="Place as stated; null if not stated.")
    organizer_ids: list[OrganizationId] = Field(description="Organizations that held the meeting.")
    participants: list[Participant] = Field(
        description="Named participants, with role and position."
    )
    participant_organization_ids: list[OrganizationId] = Field(
        description="Organizations the text says took part (e.g. by their representatives), "
        "each quoted in evidence."
    )
    participant_groups: list[str] = Field(
        description="Groups the text says took part without naming them one by one, verbatim "
        "(e.g. 'đại diện lãnh đạo các bộ, ban, ngành'); each quoted in evidence."
    )
    attendance: I32 | None = Field(description="Number of participants stated; null if none.")
    attendance_qualifier: AttendanceQualifier | None = Field(
        description="exact, more_than ('hơn') or about ('khoảng'); null when attendance is null."
    )
    directive_ids: list[DirectiveId] = Field(
        description="Documents disseminated, reviewed or cited."
    )
    adopted_directive_ids: list[DirectiveId] = Field(
        description="Resolutions the meeting adopted (the inverse of "
        "directives.adopted_at_meeting_id)."
    )
    article_ids: list[ArticleId] = Field(
        description="Articles that name or report the meeting in their body."
    )
    boilerplate_article_ids: list[ArticleId] = Field(
        description="Articles that name the meeting only in boilerplate (a site banner, ...)."
    )
    only_in_boilerplate: bool = Field(
        description="True when no article names the meeting outside boilerplate."
    )


class Position(Record):
    title: str = Field(description="The title as the text prints it, verbatim.")
    post_id: PostId | None = Field(
        description="The canonical post (posts table) the title names; null when the text "
        "does not say of what body the title is."
    )
    organization_id: OrganizationId | None = Field(
        description="The organization the title belongs to."
    )
    as_of: dt.date | None = Field(
        description="When the text says the person held it (the date of the event reported)."
    )
    as_of_inferred: bool = Field(description="True when as_of rests on an inferred date.")
    article_id: ArticleId = Field(description="The article that states it.")


class Person(Record):
    """A person named in the texts: officials, authors, photographers."""

    person_id: Slug = Field(description="Stable id of the person.")
    name: str = Field(description="Full name with diacritics, family name first.")
    other_names: list[str] = Field(
        description="Other spellings, each verbatim as some article prints it."
    )
    positions: list[Position] = Field(
        description="Each position as a text states it, at that time."
    )
    roles: list[PersonRole] = Field(description="official, author, photographer.")
    wikidata_id: WikidataId | None = Field(description="Wikidata item, only when verified.")
    article_ids: list[ArticleId] = Field(description="Articles that name the person in their body.")
    boilerplate_article_ids: list[ArticleId] = Field(
        description="Articles that name the person only in boilerplate."
    )
    only_in_boilerplate: bool = Field(
        description="True when no article names the person outside boilerplate."
    )


class Directive(Record):
    """A party document: chỉ thị, nghị quyết, kết luận, quy định."""

    directive_id: Slug = Field(description="Unique across terms (numbers restart each khóa).")
    name: str = Field(
        description="How a text prints its name, verbatim, e.g. 'Chỉ thị 04-CT/TW' or "
        "'Nghị quyết Đại hội XIII'."
    )
    full_name: str = Field(
        description="The name in sentence case, with any part the printed name leaves "
        "implicit completed from context (see full_name_inferred)."
    )
    full_name_inferred: bool = Field(
        description="True when full_name adds words that the printed name does not hold."
    )
    full_name_basis: str | None = Field(description="How an inferred completion was inferred.")
    kind: DirectiveKind = Field(description="chi_thi, nghi_quyet, ket_luan or quy_dinh.")
    number: str | None = Field(description="The number as printed, e.g. '04'; null if none.")
    code: str | None = Field(
        description="Canonical code 'NN-XX/TW' when the text prints one or determines it "
        "(see code_derived); null otherwise."
    )
    code_derived: bool = Field(
        description="True when no text prints the code but the texts determine it (kind, "
        "number and issuer printed): see code_basis."
    )
    code_basis: str | None = Field(description="How a derived code was derived.")
    issuer_id: OrganizationId | None = Field(description="Organization that issued it.")
    term: Term | None = Field(
        description="Roman numeral of the Central Committee term (khóa), when stated or "
        "inferred (see term_inferred)."
    )
    term_inferred: bool = Field(
        description="True when no text prints 'khóa' with the term and it is read from "
        "something else, e.g. a congress number (see term_basis)."
    )
    term_basis: str | None = Field(description="How an inferred term was inferred.")
    issued_on: dt.date | None = Field(description="Date of issue, when stated.")
    subject: str | None = Field(description="What it is about, as stated.")
    adopted_at_meeting_id: MeetingId | None = Field(
        description="The meeting (a congress) that adopted it, when the texts say so."
    )
    surface_forms: list[str] = Field(
        description="Every distinct way the corpus writes it, verbatim."
    )
    article_ids: list[ArticleId] = Field(description="Articles that name it in their body.")
    boilerplate_article_ids: list[ArticleId] = Field(
        description="Articles that name it only in boilerplate."
    )
    only_in_boilerplate: bool = Field(
        description="True when no article names it outside boilerplate."
    )
    meeting_ids: list[MeetingId] = Field(
        description="Meetings that disseminated, reviewed or cited it."
    )
    note: str | None = Field(
        description="How the printed name is read where it could mislead (a numeral that is "
        "no number of the document), or why no span names it; null otherwise."
    )


class Organization(Record):
    """A party body, state body, mass organization, press outlet, ..."""

    organization_id: Slug = Field(description="Stable id of the organization.")
    name: str = Field(description="Full Vietnamese name.")
    other_names: list[str] = Field(
        description="Abbreviations and variants, each verbatim as some article prints it."
    )
    kind: OrganizationKind = Field(description="party, party_body, state, state_body, press, ...")
    kind_inferred: bool = Field(
        description="True when neither the name nor a text states the kind (see kind_basis)."
    )
    kind_basis: str | None = Field(description="How an inferred kind was inferred.")
    parent_id: OrganizationId | None = Field(description="The organization it belongs to.")
    parent_inferred: bool = Field(
        description="True when the name does not hold the parent's name and no text states "
        "the link (see parent_basis)."
    )
    parent_basis: str | None = Field(description="How an inferred parent was inferred.")
    note: str | None = Field(description="What the texts leave open about it.")
    article_ids: list[ArticleId] = Field(description="Articles that name it in their body.")
    boilerplate_article_ids: list[ArticleId] = Field(
        description="Articles that name it only in boilerplate."
    )
    only_in_boilerplate: bool = Field(
        description="True when no article names it outside boilerplate."
    )


class Post(Record):
    """A post (Popolo's Post): one position in one body, whoever holds it and however spelled."""

    post_id: Slug = Field(description="Stable id of the post.")
    name: str = Field(description="Canonical Vietnamese name of the post.")
    organization_id: OrganizationId | None = Field(
        description="The organization the post belongs to."
    )
    titles: list[str] = Field(
        description="Every title the texts print for the post, verbatim, sorted."
    )
    person_ids: list[PersonId] = Field(description="Persons a text states held the post.")


class Evidence(Record):
    """The quote that grounds one stated fact of one record."""

    table: Literal["articles", "meetings", "persons", "directives"] = Field(
        description="Table of the record the fact belongs to."
    )
    record_id: Slug = Field(description="Id of that record.")
    field: str = Field(
        description="The published column the quote supports, e.g. 'date' or 'organizer_ids'; "
        "an element of a list is named: 'organizer_ids[ban-bi-thu]' (an id in a list of ids), "
        "'participants[person_id=truong-tan-sang].roles' (a struct by its key), "
        "'positions[2]', 'authors[0]', 'credits[1]' (by index)."
    )
    article_id: ArticleId = Field(description="Article that holds the quote.")
    start: I32 = Field(description="Code-point offset into articles.text (inclusive).")
    end: I32 = Field(description="Code-point offset into articles.text (exclusive).")
    quote: str = Field(description="Equals articles.text[start:end].")


class NerSentence(Record):
    """One sentence of an article body in syllable tokens with BIO tags: token classification."""

    article_id: ArticleId = Field(description="The article the sentence belongs to.")
    sentence_index: I32 = Field(
        description="Position of the sentence among the article's sentences, from 0."
    )
    start: I32 = Field(
        description="Code-point offset of the sentence's first token in articles.text."
    )
    end: I32 = Field(description="Code-point offset where its last token ends (exclusive).")
    text: str = Field(description="Equals articles.text[start:end].")
    tokens: list[str] = Field(
        description="Syllable tokens as printed: runs of letters and digits, and each other "
        "visible character on its own; tokens[i] equals articles.text[token_starts[i]:"
        "token_ends[i]]."
    )
    token_starts: list[I32] = Field(
        description="Code-point offset of each token in articles.text (inclusive)."
    )
    token_ends: list[I32] = Field(
        description="Code-point offset of each token end in articles.text (exclusive)."
    )
    ner_tags: list[NerTag] = Field(
        description="BIO tag of each token, an index into "
        + ", ".join(f"{index} {tag}" for index, tag in enumerate(NER_TAGS))
        + ". Where mentions nest, the outermost is tagged."
    )
    entity_ids: list[Slug | None] = Field(
        description="For each token, the entity its tagged span refers to (entity linking); "
        "null for O and for LOCATION tokens."
    )

    @property
    def tags(self) -> list[str]:
        """The tag names of ``ner_tags``."""
        return [NER_TAGS[tag] for tag in self.ner_tags]


@dataclass(frozen=True)
class TableSpec:
    """A published table: its model, the key its rows are sorted by, and its description."""

    name: str
    model: type[Record]
    sort_key: tuple[str, ...]
    description: str

    def row_key(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """The sort key of a row (a dict of the columns): a missing value sorts first.

        Each column gives two items, False and "" when the value is missing, True and the
        value otherwise, so that None is never compared to a value. One flat tuple: the
        registries' evidence sorts a key per quote.
        """
        key: list[Any] = []
        for column in self.sort_key:
            value = row[column]
            key += (False, "") if value is None else (True, value)
        return tuple(key)


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("articles", Article, ("article_id",), "The source documents, verbatim."),
        TableSpec(
            "mentions",
            Mention,
            ("article_id", "start", "end", "label", "entity_id"),
            "Entity and location spans in the article texts.",
        ),
        TableSpec("meetings", Meeting, ("meeting_id",), "Meetings named or reported."),
        TableSpec("persons", Person, ("person_id",), "Persons named, with positions."),
        TableSpec("directives", Directive, ("directive_id",), "Party documents named."),
        TableSpec("organizations", Organization, ("organization_id",), "Organizations named."),
        TableSpec("posts", Post, ("post_id",), "Posts held, each with every printed title."),
        TableSpec(
            "evidence",
            Evidence,
            ("table", "record_id", "field", "article_id", "start", "end"),
            "The quote behind every stated fact.",
        ),
        TableSpec(
            "ner",
            NerSentence,
            ("article_id", "sentence_index"),
            "Sentences of the article bodies in syllable tokens with BIO tags and entity ids, "
            "for token classification and entity linking.",
        ),
    )
}
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
