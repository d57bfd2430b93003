"""Reading raw files defensively: bytes to text, YAML to data with a line for every node.

The YAML is parsed by libyaml's C parser where PyYAML has it (the pure-Python parser
otherwise: both give the same events, and this module the same data and the same errors).
The data is built here from the parser's events rather than by PyYAML's constructor:

- a scalar is read as written, by the YAML 1.2 core rules, made stricter: ``0150``,
  ``0x20``, ``1:30``, ``yes`` and ``2011-07-19`` stay strings (YAML 1.1 would make them
  104, 32, 90, True and a date), so the models see what the annotator typed;
- tags (``!!binary``, ``!evil``, ``!!python/name:...``), anchors and aliases are errors,
  and nothing is ever expanded, so memory stays bounded;
- a key repeated in one mapping is an error (PyYAML keeps the last one silently);
- every string, however it was written (escapes included), passes the same Unicode NFC and
  invisible-character checks as the file that holds it;
- nesting deeper than :data:`MAX_DEPTH` is an error, not a ``RecursionError``;
- a syntax error is reported at the line where the broken construct opened, with the line
  where the parser gave up in the message.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from dnnd_dataset.errors import Issue
from dnnd_dataset.textnorm import category_ranges, one_of

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
Loc = tuple[str | int, ...]

# The parsers by name: libyaml's where PyYAML was built with it, and the pure-Python one.
PARSERS: dict[str, Callable[[str], Any]] = {"python": yaml.SafeLoader}
if getattr(yaml, "__with_libyaml__", False):
    PARSERS["libyaml"] = yaml.CSafeLoader
DEFAULT_PARSER = "libyaml" if "libyaml" in PARSERS else "python"

# YAML 1.2 core schema, without its octal and hexadecimal forms and without leading zeros,
# which people type by mistake far more often than on purpose.
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# A plain scalar that starts otherwise is a string: the common case, decided at once.
_RESOLVABLE_START = frozenset("0123456789+-.~nNtTfF")
_SPECIAL_FLOAT = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}

# Unicode categories no text of the corpus needs: controls (but tab and line feed), format
# characters (bidirectional overrides, zero-width joiners and spaces, soft hyphen), line and
# paragraph separators, surrogates. Each can hide or reorder what a reader sees.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_CATEGORY_NAMES = {
    "Cc": "control character",
    "Cf": "invisible formatting character",
    "Zl": "line separator",
    "Zp": "paragraph separator",
    "Cs": "surrogate",
}


@dataclass(frozen=True)
class LoadedYaml:
    data: Any
    lines: dict[Loc, int]

    def line_of(self, loc: Loc) -> int:
        """Line of the deepest node on ``loc`` that the file has (1 for the file itself)."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1


class RawFileError(Exception):
    """Carries the issues that stop a file from being read at all."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(issue.format() for issue in issues))


@functools.cache
def _forbidden(allowed: str) -> re.Pattern[str]:
    """One forbidden code point, ``allowed`` excepted."""
    ranges: list[tuple[int, int]] = []
    for first, last in category_ranges(_FORBIDDEN_CATEGORIES):
        start = first
        for code in sorted(ord(char) for char in allowed if first <= ord(char) <= last):
            if start < code:
                ranges.append((start, code - 1))
            start = code + 1
        if start <= last:
            ranges.append((start, last))
    return re.compile(one_of(tuple(ranges)))


def forbidden_character(text: str, allowed: str) -> int | None:
    """Index of the first character that no text may hold (``allowed`` excepted), or None."""
    found = _forbidden(allowed).search(text)
    return found.start() if found else None


def describe_character(char: str) -> str:
    name = unicodedata.name(char, "")
    kind = _CATEGORY_NAMES.get(unicodedata.category(char), "character")
    return f"the {kind} U+{ord(char):04X}" + (f" ({name})" if name else "")


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def read_text(path: Path, shown: str) -> str:
    """Read a UTF-8 text file; raise RawFileError naming what is wrong with it.

    Source texts may hold carriage returns as received; tab and line feed are the only other
    characters below U+0020 that any file may hold.
    """
    return decode_text(read_bytes(path, shown), shown)


def read_bytes(path: Path, shown: str) -> bytes:
    """The bytes of a raw file; raise RawFileError when it is over the cap."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RawFileError(
            [
                Issue(
                    shown,
                    1,
                    "file-too-large",
                    f"the file has {size} bytes, over the cap of {MAX_FILE_BYTES}",
                    "split the file or remove what does not belong in it",
                )
            ]
        )
    return path.read_bytes()


def decode_text(data: bytes, shown: str) -> str:
    """The text of a file's bytes, read as :func:`read_text` reads a file (after its size)."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise RawFileError(
            [
                Issue(
                    shown,
                    1,
                    "byte-order-mark",
                    "the file starts with a UTF-8 byte-order mark",
                    "save the file as UTF-8 without BOM",
                    column=1,
                )
            ]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RawFileError(
            [
                Issue(
                    shown,
                    line,
                    "bad-encoding",
                    f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
                    "re-encode the file as UTF-8",
                    column=column,
                )
            ]
        ) from None
    # Tabs in YAML files get their own message from the YAML reader.
    bad = forbidden_character(text, "\t\n\r" if shown.endswith(".txt") else "\t\n")
    if bad is not None:
        line, column = _position(text, bad)
        raise RawFileError(
            [
                Issue(
                    shown,
                    line,
                    "control-character",
                    f"the file holds {describe_character(text[bad])}",
                    "remove the character; no text of the corpus needs it",
                    column=column,
                )
            ]
        )
    if not unicodedata.is_normalized("NFC", text):
        line = _first_non_nfc_line(text)
        raise RawFileError(
            [
                Issue(
                    shown,
                    line,
                    "not-nfc",
                    "the text is not in Unicode NFC",
                    "save the file in Unicode NFC (composed characters)",
                )
            ]
        )
    return text


def _first_non_nfc_line(text: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if not unicodedata.is_normalized("NFC", line):
            return number
    return 1


def load_yaml(path: Path, shown: str, parser: str = DEFAULT_PARSER) -> LoadedYaml:
    """Read and parse a raw YAML file; raise RawFileError listing every problem in it."""
    return parse_yaml(read_text(path, shown), shown, parser)


def lines_only(loaded: LoadedYaml) -> LoadedYaml:
    """The line table of a parsed file without its data, once a model holds the data."""
    return LoadedYaml(None, loaded.lines)


def parse_yaml(text: str, shown: str, parser: str = DEFAULT_PARSER) -> LoadedYaml:
    """Parse YAML text (one document) into plain data and the line of every node.

    A file that libyaml refuses is read again by the pure-Python parser, whose report is the
    one given: the two word their errors differently, and a file must get the same report
    whichever parser a machine has.
    """
    tab = text.find("\t")
    if tab >= 0:
        # PyYAML and libyaml disagree on where a tab may stand; no raw file needs one.
        line, column = _position(text, tab)
        raise RawFileError(
            [
                Issue(
                    shown,
                    line,
                    "invalid-yaml",
                    "a tab character (YAML files here use spaces only)",
                    "indent with spaces; write \\t inside a double-quoted string for a tab",
                    column=column,
                )
            ]
        )
    try:
        return _parse(text, shown, parser)
    except _SyntaxFailure as failure:
        if parser == "python":
            raise RawFileError(failure.issues) from None
        try:
            return _parse(text, shown, "python")
        except _SyntaxFailure as again:
            raise RawFileError(again.issues) from None


class _TooDeep(Exception):
    pass


class _SyntaxFailure(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues


def _parse(text: str, shown: str, parser: str) -> LoadedYaml:
    try:
        builder = _Builder(PARSERS[parser], text, shown)
    except yaml.reader.ReaderError as exc:
        raise RawFileError([_reader_issue(text, exc, shown)]) from None
    try:
        data = builder.document()
    except _TooDeep:
        raise RawFileError(builder.issues) from None
    except yaml.reader.ReaderError as exc:
        raise RawFileError([_reader_issue(text, exc, shown)]) from None
    except yaml.MarkedYAMLError as exc:
        raise _SyntaxFailure([*builder.issues, _syntax_issue(text, exc, shown)]) from None
    except yaml.YAMLError as exc:
        raise _SyntaxFailure(
            [*builder.issues, Issue(shown, 1, "invalid-yaml", str(exc), "fix the YAML syntax")]
        ) from None
    finally:
        builder.close()
    if builder.issues:
        raise RawFileError(builder.issues)
    return LoadedYaml(data, builder.lines)


class _Builder:
    """Plain data from a stream of parser events; problems are collected, not raised."""

    def __init__(self, loader: Callable[[str], Any], text: str, shown: str) -> None:
        self._loader = loader(text)
        # The parser's own method, not a wrapper: one call less for every event of every file.
        self._next: Callable[[], Event] = self._loader.get_event
        self._shown = shown
        self.lines: dict[Loc, int] = {}
        self.issues: list[Issue] = []
        self._alias_seen = False

    def close(self) -> None:
        self._loader.dispose()

    def _issue(self, event: Event, code: str, message: str, hint: str, loc: Loc = ()) -> None:
        line, column = _start(event)
        self.issues.append(
            Issue(self._shown, line, code, message, hint, column=column, field=dotted(loc) or None)
        )

    def document(self) -> Any:
        self._next()  # StreamStartEvent
        if self._loader.check_event(yaml.StreamEndEvent):
            self.lines[()] = 1
            return None
        self._next()  # DocumentStartEvent
        data = self._node(self._next(), (), 0)
        self._next()  # DocumentEndEvent
        if not self._loader.check_event(yaml.StreamEndEvent):
            extra = self._next()
            self._issue(
                extra,
                "invalid-yaml",
                "the file holds a second YAML document",
                "remove the '---' line and what follows, or move it into a file of its own",
            )
        return data

    def _node(self, event: Event, loc: Loc, depth: int) -> Any:
        if type(event) is ScalarEvent and event.tag is None and event.anchor is None:
            self.lines[loc] = event.start_mark.line + 1  # type: ignore[union-attr]
            return self._scalar(event, loc)
        self.lines[loc] = _start(event)[0]
        if isinstance(event, AliasEvent) or (
            isinstance(event, NodeEvent) and event.anchor is not None
        ):
            # One root cause, one issue: the anchors and aliases after the first say nothing new.
            if not self._alias_seen:
                self._alias_seen = True
                self._issue(
                    event,
                    "yaml-alias",
                    "YAML anchors and aliases are not allowed",
                    "write the value out in full",
                    loc,
                )
            self._skip(event)
            return None
        tag = getattr(event, "tag", None)
        if tag is not None:
            self._issue(
                event,
                "yaml-tag",
                f"the YAML tag {tag!r} is not allowed",
                "remove the tag; quote the value if it must stay text",
                loc,
            )
            self._skip(event)
            return None
        if depth >= MAX_DEPTH:
            self._issue(
                event,
                "invalid-yaml",
                f"the data is nested more than {MAX_DEPTH} levels deep",
                "flatten the structure; the format never nests this deep",
                loc,
            )
            # Stop reading: the pure-Python scanner slows down with every level it holds open.
            raise _TooDeep
        if isinstance(event, SequenceStartEvent):
            return self._sequence(loc, depth)
        if isinstance(event, MappingStartEvent):
            return self._mapping(loc, depth)
        raise AssertionError(f"unexpected YAML event {event!r}")  # the parser guarantees it

    def _sequence(self, loc: Loc, depth: int) -> list[Any]:
        items: list[Any] = []
        while type(event := self._next()) is not SequenceEndEvent:
            items.append(self._node(event, (*loc, len(items)), depth + 1))
        return items

    def _mapping(self, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while type(key_event := self._next()) is not MappingEndEvent:
            key = self._key(key_event, loc)
            value_event = self._next()
            if key is None:
                self._skip(value_event)
                continue
            key_loc = (*loc, key)
            if key in result:
                self._issue(
                    key_event,
                    "duplicate-key",
                    f"the key {key!r} appears twice in one mapping",
                    "keep one of the two entries",
                    key_loc,
                )
                self._skip(value_event)
                continue
            result[key] = self._node(value_event, key_loc, depth + 1)
            # The key's line reads better than that of a block value starting below it.
            self.lines[key_loc] = key_event.start_mark.line + 1  # type: ignore[union-attr]
        return result

    def _key(self, event: Event, loc: Loc) -> str | None:
        key = None
        if type(event) is ScalarEvent and event.tag is None and event.anchor is None:
            key = self._scalar(event, loc)
        else:
            self._skip(event)
        if isinstance(key, str) and key:
            return key
        self._issue(
            event,
            "invalid-yaml",
            "a mapping key is not a plain string",
            "use a name as the key, such as 'quote' or 'entity'",
            loc,
        )
        return None

    def _scalar(self, event: ScalarEvent, loc: Loc) -> Any:
        value: str = event.value
        style = event.style
        if not style:  # plain, unquoted (libyaml says "", PyYAML None)
            if not value or value[0] in _RESOLVABLE_START:
                try:
                    return _resolve_plain(value)
                except ValueError:  # more digits than Python turns into an int
                    self._issue(
                        event,
                        "invalid-value",
                        f"the number has {len(value)} characters, more than a number can",
                        "quote it if it is text; no field takes a number this long",
                        loc,
                    )
                    return value
        elif style == '"':
            # Only escapes can put into a value what the file-level checks did not see.
            self._check_string(event, value, loc)
        return value

    def _check_string(self, event: Event, value: str, loc: Loc) -> None:
        bad = forbidden_character(value, "\t\n")
        if bad is not None:
            self._issue(
                event,
                "control-character",
                f"the value holds {describe_character(value[bad])}",
                "remove the character (or the escape that writes it)",
                loc,
            )
        elif not unicodedata.is_normalized("NFC", value):
            self._issue(
                event,
                "not-nfc",
                "the value is not in Unicode NFC",
                "write composed characters (an escape may have written a decomposed one)",
                loc,
            )

    def _skip(self, event: Event) -> None:
        """Consume the rest of the node that ``event`` starts, without building it."""
        depth = 1 if isinstance(event, (SequenceStartEvent, MappingStartEvent)) else 0
        while depth:
            following = self._next()
            if isinstance(following, (SequenceStartEvent, MappingStartEvent)):
                depth += 1
            elif isinstance(following, (SequenceEndEvent, MappingEndEvent)):
                depth -= 1


def _resolve_plain(value: str) -> Any:
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    return _SPECIAL_FLOAT.get(value, value)


def _start(event: Event) -> tuple[int, int]:
    """Line and column (from 1) where an event starts; both parsers always set the mark."""
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _reader_issue(text: str, exc: yaml.reader.ReaderError, shown: str) -> Issue:
    # PyYAML refuses some code points (U+FFFE, ...) before parsing anything.
    line, column = _position(text, exc.position)
    return Issue(
        shown,
        line,
        "control-character",
        f"the file holds the character U+{exc.character:04X}, which YAML does not allow"
        if isinstance(exc.character, int)
        else "the file holds a character YAML refuses",
        "remove the character",
        column=column,
    )


# What each parser says it was reading when it gave up (libyaml and PyYAML word a few of
# these differently), and how to mend that construct.
_CONSTRUCTS: dict[str, tuple[str, str]] = {
    "flow mapping": ("the '{' mapping", "close it with '}' and separate its entries with ','"),
    "flow sequence": ("the '[' list", "close it with ']' and separate its items with ','"),
    "quoted scalar": (
        "the quoted string",
        "close the quote; inside '...' write '' for a quote mark, inside \"...\" write \\\"",
    ),
    "double-quoted scalar": (
        "the quoted string",
        "close the quote, or escape the quote mark inside",
    ),
    "single-quoted scalar": (
        "the quoted string",
        "close the quote; write '' for a quote mark inside",
    ),
    "block mapping": (
        "the mapping",
        "align its keys at one indentation, and quote a value that holds ': '",
    ),
    "block collection": (
        "the list",
        "start each item with '- ' at one indentation",
    ),
    "block scalar": ("the block text", "indent every line of it more than its key"),
}


def _syntax_issue(text: str, exc: yaml.MarkedYAMLError, shown: str) -> Issue:
    problem = exc.problem_mark or exc.context_mark
    p_line, p_column = (problem.line + 1, problem.column + 1) if problem else (1, 1)
    context = str(exc.context or "")
    construct = next((c for c in _CONSTRUCTS if context.endswith(" " + c)), None)
    if construct is None or exc.context_mark is None:
        return Issue(
            shown,
            p_line,
            "invalid-yaml",
            "the YAML syntax breaks here"
            + (
                ": a ':' starts a mapping where none can"
                if "mapping values" in str(exc.problem)
                else ""
            ),
            "fix the YAML syntax at this place; quote a value that holds ': ' or ' #'",
            column=p_column,
        )
    opened, mend = _CONSTRUCTS[construct]
    c_line, c_column = exc.context_mark.line + 1, exc.context_mark.column + 1
    return Issue(
        shown,
        c_line,
        "invalid-yaml",
        f"{opened} that opens here (column {c_column}) is not closed: the YAML breaks "
        f"at line {p_line}, column {p_column}",
        mend,
        column=c_column,
    )


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
