"""Dates as printed: a meeting's date in EDTF beside the typed date, never dropped.

A text may print a date without its year ("Sáng 15/3"). The typed ``date`` holds a year or
nothing, so ``date_edtf`` keeps what the text prints, in the Library of Congress Extended
Date/Time Format (ISO 8601-2): ``XXXX-03-15``, an X for each digit the text does not give
(unspecified digits in any part, as here the year, are EDTF level 2).
Where context gives the year, ``date`` holds it (``date_inferred``, with its basis) and
``date_edtf`` still shows which parts are printed; where nothing gives it, ``date`` is null
and ``date_edtf`` alone keeps the date. The EDTF string is read by the ``edtf`` package (the
reference implementation for Python); the model holds one calendar date, so the string is
also held to the form ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with whole parts unspecified.
"""

from __future__ import annotations

import calendar
import re
from typing import cast

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

from dnnd_dataset.checking.state import CheckState
from dnnd_dataset.reading.raw_loading import Located
from dnnd_dataset.reading.raw_models import MeetingEntry

# One calendar date, each part printed (digits) or not (all X).
_FORM = re.compile(r"(?P<year>[0-9]{4}|XXXX)(?:-(?P<month>[0-9]{2}|XX)(?:-(?P<day>[0-9]{2}|XX))?)?")
_PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}


def printed_edtf(meeting: MeetingEntry) -> str | None:
    """The published ``date_edtf``: as written, or the typed date where the text prints it whole."""
    if meeting.date_edtf is not None or meeting.date is None or meeting.date_inferred:
        return meeting.date_edtf
    length = {"day": 10, "month": 7, "year": 4}[meeting.date_precision]
    return meeting.date.isoformat()[:length]


def edtf_problem(value: str) -> str | None:
    """Why ``value`` is not one EDTF calendar date of the form the model holds, or None."""
    found = _FORM.fullmatch(value)
    if found is None:
        return (
            f"{value!r} is not an EDTF date of the form YYYY, YYYY-MM or YYYY-MM-DD with "
            "XXXX or XX for a part not printed"
        )
    try:
        parse_edtf(value)
    except EDTFParseException:
        return f"{value!r} is not a valid EDTF date"
    month, day = found["month"], found["day"]
    if month is not None and month != "XX" and day is not None and day != "XX":
        year = 2000 if found["year"] == "XXXX" else int(found["year"])  # 2000: 29 February
        if int(day) > calendar.monthrange(year, int(month))[1]:
            return f"{value!r} is not a valid EDTF date: month {month} has no day {day}"
    if found["year"] != "XXXX" and (month == "XX" or day == "XX"):
        # Only a missing day of a known month is expressible as a typed date of less precision.
        return f"{value!r} is not a valid EDTF date for a typed date: leave the part out"
    return None


def check_printed_dates(state: CheckState) -> None:
    for entry in state.entries("meetings"):
        _check_meeting(state, cast(Located[MeetingEntry], entry))


def _check_meeting(state: CheckState, entry: Located[MeetingEntry]) -> None:
    meeting = entry.model
    edtf = meeting.date_edtf
    if edtf is None:
        if meeting.date_inferred:
            state.issue(
                entry,
                ("date_inferred",),
                "edtf-missing",
                "the date is inferred but date_edtf does not say which parts are printed",
                "add date_edtf: the printed parts with X for each digit not printed, e.g. "
                "XXXX-07-19 for '19/7'",
            )
        return
    problem = edtf_problem(edtf)
    if problem is not None:
        state.issue(
            entry,
            ("date_edtf",),
            "invalid-edtf",
            problem,
            "write the printed parts with X for each digit not printed: XXXX-03-15, 2011-07",
        )
        return
    disagreement = _disagreement(meeting, edtf)
    if disagreement is not None:
        state.issue(entry, ("date_edtf",), "edtf-disagrees", *disagreement)


def _disagreement(meeting: MeetingEntry, edtf: str) -> tuple[str, str] | None:
    """What ``date_edtf`` and the typed date fields say differently, with the fix."""
    if meeting.date is None:
        if not edtf.startswith("XXXX"):
            return (
                f"date_edtf {edtf!r} prints the year, but date is null",
                f"give the date with its precision: date {edtf} and date_precision",
            )
        return None
    typed = meeting.date.isoformat()
    precision = _PRECISION_OF_LENGTH[len(edtf)]
    if precision != meeting.date_precision:
        return (
            f"date_edtf {edtf!r} gives a {precision}, date_precision is {meeting.date_precision}",
            "make date_precision the precision of the printed date",
        )
    if any(printed not in ("X", known) for printed, known in zip(edtf, typed, strict=False)):
        return (
            f"date_edtf {edtf!r} does not agree with date {typed}",
            "each printed digit of date_edtf must be that of date",
        )
    if ("X" in edtf) != meeting.date_inferred:
        how = "inferred" if meeting.date_inferred else "printed whole"
        return (
            f"date_edtf {edtf!r} and date_inferred disagree: the date is {how}",
            "a date with a part not printed (X) is inferred, with its basis; "
            "one printed whole is not",
        )
    return None
