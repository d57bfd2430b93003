"""The YAML reader: values as written, no tags or aliases, the same report under both parsers."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from dnnd_dataset.reading.raw_models import MeetingEntry
from dnnd_dataset.reading.rawio import (
    MAX_DEPTH,
    PARSERS,
    LoadedYaml,
    RawFileError,
    forbidden_character,
    load_yaml,
    parse_yaml,
    read_text,
)
from dnnd_dataset.reading.validation_issues import issues_from_validation

from .conftest import RAW

INVALID = Path(__file__).parent / "data" / "invalid"
BOTH = pytest.mark.parametrize("parser", ["libyaml", "python"])


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    # The CI machines install PyYAML wheels, which are built with libyaml.
    assert set(PARSERS) == {"libyaml", "python"}


def _outcome(text: str, parser: str) -> LoadedYaml | list[tuple[int, int | None, str, str, str]]:
    try:
        return parse_yaml(text, "f.yaml", parser)
    except RawFileError as error:
        return [(i.line, i.column, i.code, i.message, i.hint) for i in error.issues]


def _issues(text: str, parser: str) -> list[str]:
    with pytest.raises(RawFileError) as caught:
        parse_yaml(text, "f.yaml", parser)
    return [issue.format() for issue in caught.value.issues]


@BOTH
@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("0150", "0150"),  # YAML 1.1: octal 104
        ("0x20", "0x20"),  # YAML 1.1 and 1.2: 32
        ("0o17", "0o17"),
        ("1:30", "1:30"),  # YAML 1.1: sexagesimal 90
        ("yes", "yes"),  # YAML 1.1: True
        ("off", "off"),
        ("2011-07-19", "2011-07-19"),  # YAML 1.1: a date
        ("2011-07-19 10:00:00", "2011-07-19 10:00:00"),  # YAML 1.1: a datetime
        ("1311033600", 1311033600),
        ("150", 150),
        ("-3", -3),
        ("0", 0),
        ("1.5", 1.5),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        ('"150"', "150"),
        ("'true'", "true"),
        ("Hà Nội", "Hà Nội"),
    ],
)
def test_scalars_are_read_as_written(parser: str, written: str, read: Any) -> None:
    loaded = parse_yaml(f"value: {written}\n", "f.yaml", parser)
    assert loaded.data == {"value": read}
    assert type(loaded.data["value"]) is type(read)


MEETING = """\
id: hoi-nghi
name: Hội nghị
kind: conference
date: 2011-07-19
date_precision: day
location: Hà Nội
attendance: 150
attendance_qualifier: more_than
"""


def _meeting_issues(replace: str, by: str) -> list[tuple[str | None, str, str]]:
    text = MEETING.replace(replace, by)
    assert text != MEETING
    loaded = parse_yaml(text, "m.yaml")
    try:
        MeetingEntry.model_validate(loaded.data)
    except ValidationError as error:
        return [(i.field, i.code, i.message) for i in issues_from_validation(error, loaded, "m")]
    return []


def test_a_meeting_written_plainly_validates() -> None:
    meeting = MeetingEntry.model_validate(parse_yaml(MEETING, "m.yaml").data)
    assert (meeting.date, meeting.attendance, meeting.location) == (
        dt.date(2011, 7, 19),
        150,
        "Hà Nội",
    )


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        (
            "attendance: 150",
            "attendance: 0150",
            [("attendance", "invalid-value", "Input should be a valid integer; got '0150'")],
        ),
        (
            "attendance: 150",
            "attendance: 0x20",
            [("attendance", "invalid-value", "Input should be a valid integer; got '0x20'")],
        ),
        (
            "attendance: 150",
            "attendance: 1:30",
            [("attendance", "invalid-value", "Input should be a valid integer; got '1:30'")],
        ),
        (
            "attendance: 150",
            "attendance: true",
            [("attendance", "invalid-value", "Input should be a valid integer; got True")],
        ),
        (
            "attendance: 150",
            'attendance: "150"',
            [("attendance", "invalid-value", "Input should be a valid integer; got '150'")],
        ),
        (
            "date: 2011-07-19",
            "date: 1311033600",
            [("date", "invalid-date", "a date must be written YYYY-MM-DD; got 1311033600")],
        ),
        (
            "date: 2011-07-19",
            "date: 2011-02-30",
            [
                (
                    "date",
                    "invalid-date",
                    "Input should be a valid date or datetime, day value is outside expected"
                    " range; got '2011-02-30'",
                )
            ],
        ),
        (
            "date: 2011-07-19",
            "date: 2011-07-19 10:00:00",
            [
                (
                    "date",
                    "invalid-date",
                    "a date must be written YYYY-MM-DD; got '2011-07-19 10:00:00'",
                )
            ],
        ),
        ("location: Hà Nội", "location: 2011-07-19 10:00:00", []),
    ],
)
def test_no_value_is_coerced(replace: str, by: str, expected: list[tuple[str, str, str]]) -> None:
    assert _meeting_issues(replace, by) == expected


def test_a_datetime_typed_as_a_location_stays_the_text_typed() -> None:
    text = MEETING.replace("location: Hà Nội", "location: 2011-07-19 10:00:00")
    assert MeetingEntry.model_validate(parse_yaml(text, "m.yaml").data).location == (
        "2011-07-19 10:00:00"
    )


@BOTH
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: !!binary aGVsbG8=\n",
            "f.yaml:1: name: yaml-tag: the YAML tag 'tag:yaml.org,2002:binary' is not allowed"
            " (fix: remove the tag; quote the value if it must stay text)",
        ),
        (
            "name: !evil x\n",
            "f.yaml:1: name: yaml-tag: the YAML tag '!evil' is not allowed"
            " (fix: remove the tag; quote the value if it must stay text)",
        ),
        (
            "name: !!python/name:os.system x\n",
            "f.yaml:1: name: yaml-tag: the YAML tag 'tag:yaml.org,2002:python/name:os.system'"
            " is not allowed (fix: remove the tag; quote the value if it must stay text)",
        ),
        (
            "a: 1\nlist: !!set {x: null}\n",
            "f.yaml:2: list: yaml-tag: the YAML tag 'tag:yaml.org,2002:set' is not allowed"
            " (fix: remove the tag; quote the value if it must stay text)",
        ),
        (
            "name: ! 12\n",
            "f.yaml:1: name: yaml-tag: the YAML tag '!' is not allowed"
            " (fix: remove the tag; quote the value if it must stay text)",
        ),
    ],
)
def test_every_tag_is_an_error(parser: str, text: str, expected: str) -> None:
    assert _issues(text, parser) == [expected]


@BOTH
@pytest.mark.parametrize(
    ("escape", "what"),
    [
        ("\\u202E", "the invisible formatting character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\\u200D", "the invisible formatting character U+200D (ZERO WIDTH JOINER)"),
        ("\\u200B", "the invisible formatting character U+200B (ZERO WIDTH SPACE)"),
        ("\\u2028", "the line separator U+2028 (LINE SEPARATOR)"),
        ("\\x1b", "the control character U+001B"),
        ("\\0", "the control character U+0000"),
        ("\\r", "the control character U+000D"),
    ],
)
def test_escapes_pass_the_character_checks(parser: str, escape: str, what: str) -> None:
    assert _issues(f'a: 1\nname: "Trần{escape}Quốc"\n', parser) == [
        f"f.yaml:2: name: control-character: the value holds {what}"
        " (fix: remove the character (or the escape that writes it))"
    ]


@BOTH
def test_a_number_too_long_to_read_is_an_issue_not_a_crash(parser: str) -> None:
    digits = "9" * 5000
    assert _issues(f"id: a\nother_names:\n- {digits}\n", parser) == [
        "f.yaml:3: other_names[0]: invalid-value: the number has 5000 characters, more than a"
        " number can (fix: quote it if it is text; no field takes a number this long)"
    ]
    assert parse_yaml(f"n: {'9' * 4300}\n", "f.yaml", parser).data == {"n": int("9" * 4300)}


@BOTH
def test_escapes_pass_the_nfc_check(parser: str) -> None:
    assert _issues('name: "Tra\\u0300n"\n', parser) == [
        "f.yaml:1: name: not-nfc: the value is not in Unicode NFC (fix: write composed"
        " characters (an escape may have written a decomposed one))"
    ]


@BOTH
def test_escapes_that_write_ordinary_text_are_read(parser: str) -> None:
    assert parse_yaml('name: "Tr\\u1ea7n\\tQuốc\\n"\n', "f.yaml", parser).data == {
        "name": "Trần\tQuốc\n"
    }


@BOTH
def test_an_unclosed_flow_mapping_is_reported_where_it_opens(parser: str) -> None:
    text = "mentions:\n  - {quote: Lê Đại, entity: le-dai\n  - {quote: HÀ SỰ}\n"
    assert _issues(text, parser) == [
        "f.yaml:2: invalid-yaml: the '{' mapping that opens here (column 5) is not closed:"
        " the YAML breaks at line 3, column 5 (fix: close it with '}' and separate its entries"
        " with ',')"
    ]


@BOTH
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: [1, 2\nb: 3\n",
            "f.yaml:1: invalid-yaml: the '[' list that opens here (column 4) is not closed: the"
            " YAML breaks at line 2, column 2 (fix: close it with ']' and separate its items"
            " with ',')",
        ),
        (
            "a: 'abc\nb: 1\n",
            "f.yaml:1: invalid-yaml: the quoted string that opens here (column 4) is not closed:"
            " the YAML breaks at line 3, column 1 (fix: close the quote; inside '...' write ''"
            ' for a quote mark, inside "..." write \\")',
        ),
        (
            "a:\n  - b\n c: 1\n",
            "f.yaml:1: invalid-yaml: the mapping that opens here (column 1) is not closed: the"
            " YAML breaks at line 3, column 2 (fix: align its keys at one indentation, and quote"
            " a value that holds ': ')",
        ),
        (
            "a: b: c\n",
            "f.yaml:1: invalid-yaml: the YAML syntax breaks here: a ':' starts a mapping where"
            " none can (fix: fix the YAML syntax at this place; quote a value that holds ': ' or"
            " ' #')",
        ),
        (
            "a: 1\n\tb: 2\n",
            "f.yaml:2: invalid-yaml: a tab character (YAML files here use spaces only)"
            " (fix: indent with spaces; write \\t inside a double-quoted string for a tab)",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "f.yaml:2: invalid-yaml: the file holds a second YAML document (fix: remove the '---'"
            " line and what follows, or move it into a file of its own)",
        ),
        (
            "a: 1\na: 2\nb: {c: 1, c: 2}\n",
            "f.yaml:2: a: duplicate-key: the key 'a' appears twice in one mapping (fix: keep one"
            " of the two entries)",
        ),
        (
            "base: &x {a: 1}\nuse: *x\nagain: *x\n",
            "f.yaml:1: base: yaml-alias: YAML anchors and aliases are not allowed (fix: write the"
            " value out in full)",
        ),
        (
            "? [a, b]\n: 1\n",
            "f.yaml:1: invalid-yaml: a mapping key is not a plain string (fix: use a name as the"
            " key, such as 'quote' or 'entity')",
        ),
        (
            "1: a\n",
            "f.yaml:1: invalid-yaml: a mapping key is not a plain string (fix: use a name as the"
            " key, such as 'quote' or 'entity')",
        ),
    ],
)
def test_syntax_errors(parser: str, text: str, expected: str) -> None:
    assert _issues(text, parser)[0] == expected


@BOTH
def test_one_issue_per_duplicate_key_and_the_rest_still_read(parser: str) -> None:
    assert _issues("a: 1\na: 2\nb: {c: 1, c: 2}\n", parser) == [
        "f.yaml:2: a: duplicate-key: the key 'a' appears twice in one mapping (fix: keep one of"
        " the two entries)",
        "f.yaml:3: b.c: duplicate-key: the key 'c' appears twice in one mapping (fix: keep one"
        " of the two entries)",
    ]


@BOTH
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000])
@pytest.mark.parametrize("closed", [True, False])
def test_deep_nesting_is_an_issue_not_a_crash(parser: str, depth: int, closed: bool) -> None:
    # Unclosed, libyaml refuses the file and the pure-Python parser reads it again: it must
    # stop early too, as its scanner slows down with every open level.
    text = "a: " + "[" * depth + ("]" * depth if closed else "") + "\n"
    assert _issues(text, parser) == [
        f"f.yaml:1: a{'[0]' * (MAX_DEPTH - 1)}: invalid-yaml: the data is nested more than"
        f" {MAX_DEPTH} levels deep (fix: flatten the structure; the format never nests this"
        " deep)"
    ]


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    assert _issues("\n".join(lines) + "\n", "libyaml") == [
        "f.yaml:1: a0: yaml-alias: YAML anchors and aliases are not allowed (fix: write the"
        " value out in full)"
    ]


@pytest.mark.parametrize(
    "fixture", sorted(p.name for p in INVALID.glob("*.yaml")), ids=lambda name: name
)
def test_invalid_fixtures_read_the_same_under_both_parsers(fixture: str) -> None:
    text = (INVALID / fixture).read_bytes().decode("utf-8", errors="replace")
    assert _outcome(text, "libyaml") == _outcome(text, "python")


@pytest.mark.parametrize("path", sorted(RAW.rglob("*.yaml")), ids=lambda p: p.name)
def test_raw_files_read_the_same_under_both_parsers(path: Path) -> None:
    shown = path.relative_to(RAW).as_posix()
    assert load_yaml(path, shown, "libyaml") == load_yaml(path, shown, "python")


YAML_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(RAW.rglob("*.yaml"))]
SIGNIFICANT = [*"{}[]:,-'\"#&*!|>?%@` \n", "  ", "- ", ": ", "\\u"]


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(YAML_TEXTS))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "truncate"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(SIGNIFICANT)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 3)) :]
        else:
            text = text[:at]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_a_file_libyaml_refuses_gets_the_same_report_from_both(text: str) -> None:
    # libyaml accepts a few plain scalars in flow context that PyYAML refuses ("[a ?b]"):
    # there the libyaml reading is the YAML 1.2 one. Everything else reads the same.
    fast, slow = _outcome(text, "libyaml"), _outcome(text, "python")
    if isinstance(fast, list) or isinstance(slow, LoadedYaml):
        assert fast == slow


def test_source_text_with_nul_or_escape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    for char, name in [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\u202e", "U+202E")]:
        path.write_text(f"Hà Nội\nngày 19/7{char}\n", encoding="utf-8")
        with pytest.raises(RawFileError) as caught:
            read_text(path, "documents/x.txt")
        [issue] = caught.value.issues
        assert (issue.line, issue.column, issue.code) == (2, 10, "control-character")
        assert name in issue.message


def test_source_text_keeps_carriage_returns_and_tabs(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes("Hà Nội\r\n\tngày 19/7\r\n".encode())
    assert read_text(path, "documents/x.txt") == "Hà Nội\r\n\tngày 19/7\r\n"


@settings(max_examples=500)
@given(st.characters(), st.sampled_from(["\t\n", "\t\n\r"]))
def test_the_forbidden_pattern_is_its_definition(char: str, allowed: str) -> None:
    expected = char not in allowed and unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs"}
    assert (forbidden_character(f"ab{char}", allowed) == 2) is expected


@pytest.mark.parametrize("allowed", ["\t\n", "\t\n\r"])
def test_every_control_but_the_allowed_is_forbidden(allowed: str) -> None:
    for code in range(0x20):
        assert (forbidden_character(chr(code), allowed) is None) is (chr(code) in allowed)
