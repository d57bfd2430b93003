"""Turning Pydantic validation errors into located issues with stable codes."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from dnnd_dataset.errors import CODES, Issue
from dnnd_dataset.reading.rawio import LoadedYaml, Loc, dotted

_CODE_OF_TYPE = {
    "extra_forbidden": "unknown-key",
    "missing": "missing-key",
    "date_parsing": "invalid-date",
    "date_from_datetime_parsing": "invalid-date",
    "date_from_datetime_inexact": "invalid-date",
    "date_type": "invalid-date",
}
_HINTS = {
    "unknown-key": "remove the key or correct its spelling; the schema lists the allowed keys",
    "missing-key": "add the key",
    "invalid-date": "write the date as YYYY-MM-DD, a real calendar date",
    "invalid-id": "use lowercase ASCII letters, digits and hyphens, e.g. 'tran-quoc-vuong'",
    "inconsistent-value": "make the values agree",
    "invalid-value": "use a value the schema allows",
}


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
        elif "input" in detail and code != "inconsistent-value":
            message = f"{message}; got {detail['input']!r}"
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
