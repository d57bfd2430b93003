"""Turning Pydantic validation errors into located issues with stable codes."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from dnnd_dataset.errors import CODES, Issue
from dnnd_dataset.reading.raw_models import NAME_MAX, QUOTE_MAX
from dnnd_dataset.reading.rawio import LoadedYaml, Loc, dotted

_CODE_OF_TYPE = {
    "extra_forbidden": "unknown-key",
    "missing": "missing-key",
    "date_parsing": "invalid-date",
    "date_from_datetime_parsing": "invalid-date",
    "date_from_datetime_inexact": "invalid-date",
    "date_type": "invalid-date",
    "string_too_long": "too-long",
}
_HINTS = {
    "unknown-key": "remove the key or correct its spelling; the schema lists the allowed keys",
    "missing-key": "add the key",
    "invalid-date": "write the date as YYYY-MM-DD, a real calendar date",
    "invalid-id": "use lowercase ASCII letters, digits and hyphens, e.g. 'tran-quoc-vuong'",
    "inconsistent-value": "make the values agree",
    "too-long": f"shorten it: a name has at most {NAME_MAX} characters; a quote, prefix or "
    f"suffix at most {QUOTE_MAX:,} (quote the words that matter, narrowed by a prefix or suffix)",
    "invalid-value": "use a value the schema allows",
}


# Pydantic names the model class in these messages; a user knows the file, not the class.
_MAPPING_TYPES = {"model_type", "model_attributes_type", "dataclass_type", "dict_type"}


def kind_of(value: object) -> str:
    """What a YAML value is, in the words of someone writing YAML."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return f"the boolean {value!r}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    return f"the value {_short(value)}"


def _short(value: object, limit: int = 60) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 4] + " ..."


def _code(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind in CODES:
        return kind
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(error.get("ctx", {}).get("pattern")):
        return "invalid-id"
    return _CODE_OF_TYPE.get(kind, "invalid-value")


def issues_from_validation(
    error: ValidationError, loaded: LoadedYaml, shown: str, base: Loc = ()
) -> list[Issue]:
    """One issue per Pydantic error, on the line of the offending key."""
    issues = []
    for detail in error.errors(include_url=False):
        loc: Loc = (*base, *detail["loc"])
        code = _code(detail)
        message = detail["msg"]
        if code == "unknown-key":
            message = f"unknown key {loc[-1]!r}"
        elif code == "missing-key":
            message = f"the key {loc[-1]!r} is required"
        elif code == "too-long":
            given = detail.get("input")
            limit = detail.get("ctx", {}).get("max_length")
            size = len(given) if isinstance(given, str) else "more"
            message = f"{size} characters, more than the {limit} allowed; got {_short(given)}"
        elif detail["type"] in _MAPPING_TYPES:
            message = f"expected a mapping of keys to values, got {kind_of(detail.get('input'))}"
        elif "input" in detail and code != "inconsistent-value":
            message = f"{message}; got {_short(detail['input'])}"
        issues.append(
            Issue(
                path=shown,
                line=loaded.line_of(loc),
                code=code,
                message=message,
                hint=_HINTS.get(code, _HINTS["invalid-value"]),
                field=dotted(loc) or None,
            )
        )
    return issues
