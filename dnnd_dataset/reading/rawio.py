"""Reading raw files defensively: bytes to text, YAML to data with a line for every node.

Plain PyYAML keeps the last of two duplicate keys silently and expands aliases (a
"billion laughs" bomb); here both are errors, and every value keeps the line it came
from so that a validation error can point at it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dnnd_dataset.errors import Issue

MAX_FILE_BYTES = 2 * 1024 * 1024
Loc = tuple[str | int, ...]


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


def read_text(path: Path, shown: str) -> str:
    """Read a UTF-8 text file; raise RawFileError naming what is wrong with it."""
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
    data = path.read_bytes()
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


class _StrictComposer(Composer):
    """Refuses anchors and aliases before anything is expanded, so memory stays bounded."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        anchor = getattr(event, "anchor", None)
        if isinstance(event, AliasEvent) or anchor is not None:
            mark = event.start_mark
            raise _AliasFound(mark.line + 1, mark.column + 1)
        return super().compose_node(parent, index)


class _AliasFound(Exception):
    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


class _Loader(yaml.SafeLoader, _StrictComposer):
    pass


def _scalar(loader: _Loader, node: ScalarNode) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.constructor.ConstructorError):
        # An impossible date such as 2011-02-30 stays a string so that the model reports it.
        return node.value


def load_yaml(path: Path, shown: str) -> LoadedYaml:
    """Parse a raw YAML file; raise RawFileError listing every structural problem."""
    text = read_text(path, shown)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        raise RawFileError([_reader_issue(text, exc, shown)]) from None
    try:
        try:
            root = loader.get_single_node()
        except _AliasFound as found:
            raise RawFileError(
                [
                    Issue(
                        shown,
                        found.line,
                        "yaml-alias",
                        "YAML anchors and aliases are not allowed",
                        "write the value out in full",
                        column=found.column,
                    )
                ]
            ) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            column = mark.column + 1 if mark else None
            raise RawFileError(
                [
                    Issue(
                        shown,
                        line,
                        "invalid-yaml",
                        str(exc.problem or exc.context or "syntax error"),
                        "fix the YAML syntax at this place",
                        column=column,
                    )
                ]
            ) from None
        except yaml.YAMLError as exc:
            raise RawFileError(
                [Issue(shown, 1, "invalid-yaml", str(exc), "fix the YAML syntax")]
            ) from None
        if root is None:
            return LoadedYaml(None, {(): 1})
        lines: dict[Loc, int] = {}
        issues: list[Issue] = []
        data = _build(loader, root, (), lines, issues, shown)
    finally:
        loader.dispose()
    if issues:
        raise RawFileError(issues)
    return LoadedYaml(data, lines)


def _reader_issue(text: str, exc: yaml.reader.ReaderError, shown: str) -> Issue:
    # PyYAML refuses some code points (C0 controls, U+FFFE, ...) before parsing anything.
    line = text.count("\n", 0, exc.position) + 1
    column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
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


def _build(
    loader: _Loader, node: Node, loc: Loc, lines: dict[Loc, int], issues: list[Issue], shown: str
) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node) if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                issues.append(
                    Issue(
                        shown,
                        key_node.start_mark.line + 1,
                        "invalid-yaml",
                        "a mapping key is not a plain string",
                        "use a plain string as key",
                    )
                )
                continue
            if key in result:
                issues.append(
                    Issue(
                        shown,
                        key_node.start_mark.line + 1,
                        "duplicate-key",
                        f"the key {key!r} appears twice in one mapping",
                        "keep one of the two entries",
                        column=key_node.start_mark.column + 1,
                        field=dotted((*loc, key)),
                    )
                )
                continue
            key_loc = (*loc, key)
            result[key] = _build(loader, value_node, key_loc, lines, issues, shown)
            # The key's line reads better than that of a block value starting below it.
            lines[key_loc] = key_node.start_mark.line + 1
        return result
    if isinstance(node, SequenceNode):
        return [
            _build(loader, item, (*loc, index), lines, issues, shown)
            for index, item in enumerate(node.value)
        ]
    value = _scalar(loader, node)  # type: ignore[arg-type]
    if isinstance(value, str):
        _check_controls(value, node, loc, issues, shown)
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    return value


def _check_controls(value: str, node: Node, loc: Loc, issues: list[Issue], shown: str) -> None:
    for char in value:
        if unicodedata.category(char) == "Cc" and char not in "\n\t":
            issues.append(
                Issue(
                    shown,
                    node.start_mark.line + 1,
                    "control-character",
                    f"the value holds the control character U+{ord(char):04X}",
                    "remove the character",
                    field=dotted(loc),
                )
            )
            return


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
