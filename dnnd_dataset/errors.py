"""Problems as data, and the few exceptions the library raises.

Exception hierarchy::

    DnndError                 root of everything this package raises on purpose
    ├── InvalidCorpusError    raw/ does not validate; carries the full Report
    ├── OutputError           the output folder cannot be written or verified
    ├── UnknownTableError     a table name that is not published (also a ValueError)
    ├── DataNotFoundError     (api) a packaged table file is missing (also a FileNotFoundError)
    ├── CorruptDataError      (api) a table file is unreadable or holds other data (a ValueError)
    └── UnknownRecordError    (navigation) an id that no record has (also a KeyError)

Every problem found in ``raw/`` is an :class:`Issue` with a stable kebab-case code, a
location and a fix hint; a run collects all of them into a :class:`Report`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# Stable codes and what they mean; tests and `dnnd check --json` users rely on them.
CODES: dict[str, str] = {
    "ambiguous-quote": "a quote occurs more than once and nothing says which occurrence",
    "bad-encoding": "a file is not UTF-8",
    "byte-order-mark": "a file starts with a byte-order mark",
    "clock-outside-chrome": "a page clock quoted outside the page chrome",
    "control-character": "a text value holds a control character",
    "dangling-reference": "an id refers to no record",
    "date-out-of-range": "a date before 1930 or after the build date",
    "directive-code-mismatch": "a written code differs from the directive's code",
    "duplicate-id": "two records share an id",
    "duplicate-key": "a YAML mapping repeats a key",
    "duplicate-text": "two articles hold byte-identical texts",
    "edtf-disagrees": "a meeting's date_edtf and its typed date say different things",
    "edtf-missing": "an inferred date without date_edtf, the parts the text prints",
    "fact-without-evidence": "a stated fact has no evidence quote",
    "file-too-large": "a file is larger than the size cap",
    "inconsistent-value": "values of one record contradict each other",
    "inference-unflagged": "a value the text does not print is not marked inferred with a basis",
    "invalid-date": "a value is not a valid date",
    "invalid-directive-code": "a directive code does not parse",
    "invalid-edtf": "a date_edtf that is not one EDTF calendar date",
    "invalid-id": "an id is not an ASCII slug",
    "invalid-value": "a value has the wrong type or is not allowed",
    "invalid-yaml": "a file is not valid YAML",
    "missing-file": "a required file is missing",
    "missing-key": "a required key is absent",
    "mention-in-waiver": "a mention lies inside a phrase that a waiver says is not a name",
    "mention-crosses-sentence": "a mention runs over the end of a sentence of the ner table",
    "mention-not-an-alias": "a mention's text is not a name of its entity",
    "mention-splits-token": "a mention starts or ends inside a token of the ner table",
    "not-a-file": "a path that must be a regular file is a folder, FIFO, socket or device",
    "not-nfc": "a text is not in Unicode NFC",
    "overlapping-mentions": "two mentions overlap and neither contains the other",
    "not-as-printed": "a value kept as printed does not occur verbatim in the text",
    "page-date-in-chrome": "a page date quoted in the page chrome, where a site clock stands",
    "path-outside-raw": "a path leaves the raw folder",
    "note-missing": "a reading that could mislead, or a missing span, has no note saying why",
    "quote-not-found": "a quote does not occur in the article text",
    "role-not-recorded": "a participant's quote states a role that its roles lack",
    "role-not-stated": "a participant's role that no quote of it states by the roles lexicon",
    "span-splits-grapheme": "a span boundary splits a character from its mark",
    "text-changed": "a source text no longer has the SHA-256 its annotation records",
    "too-long": "a name or quote is longer than the raw format allows",
    "unexpected-file": "a file or folder where the raw layout has none",
    "unknown-key": "a key that the format does not define",
    "unreadable-file": "a file or folder cannot be read (permissions, I/O error)",
    "unreviewed-proposal": "a drafted item still marked as a proposal awaits review",
    "unmentioned-name": "a known name occurs in a text with no mention and no waiver",
    "yaml-alias": "a YAML anchor or alias (not allowed)",
    "yaml-tag": "a YAML tag such as !!binary (not allowed)",
}


@dataclass(frozen=True, order=True)
class Issue:
    """One problem, located: ``path:line: field: code: message (fix: hint)``."""

    path: str
    line: int
    code: str
    message: str
    hint: str
    column: int | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown issue code {self.code!r}")

    def format(self) -> str:
        where = f"{self.path}:{self.line}:"
        what = f" {self.field}:" if self.field else ""
        # One line, whatever file names the message quotes: escapes cannot forge lines.
        return printable(f"{where}{what} {self.code}: {self.message} (fix: {self.hint})")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    """The outcome of checking a corpus: every issue, and statistics."""

    issues: list[Issue] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.issues

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def sorted_issues(self) -> list[Issue]:
        return sorted(set(self.issues))

    def format(self) -> str:
        return "\n".join(issue.format() for issue in self.sorted_issues())

    def to_json(self, *, ascii_only: bool = False) -> str:
        """The report as JSON; ``ascii_only`` escapes every non-ASCII character (``\\uXXXX``)."""
        payload = {
            "valid": self.valid,
            "issues": [issue.to_dict() for issue in self.sorted_issues()],
            "stats": self.stats,
        }
        return json.dumps(
            payload, ensure_ascii=ascii_only, indent=2, sort_keys=True, default=_jsonable
        )


def _jsonable(value: object) -> object:
    # Counts per article are a mapping that is not a dict (``CountsTable``).
    return dict(value) if isinstance(value, Mapping) else str(value)


def printable(value: object) -> str:
    """``str(value)`` with control and invisible characters escaped (``\\n``, ``\\x1b``, ...).

    File names may hold newlines or terminal escape sequences; printed raw they would forge
    lines or recolour a terminal.
    """
    text = str(value)
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


class DnndError(Exception):
    """Root of the exceptions this package raises on purpose."""


class InvalidCorpusError(DnndError):
    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(f"{len(report.issues)} problem(s) in the raw corpus")


class OutputError(DnndError):
    """The output folder cannot be written or does not verify."""


class UnknownTableError(DnndError, ValueError):
    def __init__(self, name: str, valid: Iterable[str]) -> None:
        super().__init__(f"no table {name!r}; the tables are: {', '.join(valid)}")
