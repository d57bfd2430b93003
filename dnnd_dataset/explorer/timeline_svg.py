"""The timeline of dated meetings on the index page, as static SVG.

One axis of years; each meeting is a dot at its date (a bar across the month or the year
when only that is known), linked to its page. A date with an inferred part is drawn hollow
and dashed. Meetings that fall close together stack upwards. Integer arithmetic only, so
the same meetings give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

from dnnd_dataset.records import Meeting

WIDTH = 960
LEFT = 30
RIGHT = 30
AXIS_Y = 96
STEP = 16
MAX_STACK = 4


def timeline(meetings: Sequence[Meeting]) -> Markup:
    """The SVG of ``meetings`` (each with a date) on a time axis; empty markup for none."""
    dated = [m for m in meetings if m.date is not None]
    if not dated:
        return Markup("")
    first = min(m.date for m in dated if m.date).year
    last = max(m.date for m in dated if m.date).year
    start = dt.date(first, 1, 1).toordinal()
    span = dt.date(last + 1, 1, 1).toordinal() - start
    usable = WIDTH - LEFT - RIGHT

    def x(day: dt.date) -> int:
        return LEFT + (day.toordinal() - start) * usable // span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} 130" '
        f'width="{WIDTH}" height="130" role="group" aria-label="Timeline of dated meetings">',
        f'<line class="axis" x1="{LEFT}" y1="{AXIS_Y}" x2="{WIDTH - RIGHT}" y2="{AXIS_Y}"/>',
    ]
    years = range(first, last + 2)
    every = max(1, len(years) // 16)
    for year in years:
        tick = x(dt.date(year, 1, 1))
        parts.append(
            f'<line class="tick" x1="{tick}" y1="{AXIS_Y}" x2="{tick}" y2="{AXIS_Y + 6}"/>'
        )
        if (year - first) % every == 0 and year <= last:
            middle = (tick + x(dt.date(year, 12, 31))) // 2
            parts.append(f'<text class="year" x="{middle}" y="{AXIS_Y + 24}">{year}</text>')
    stacks: dict[int, int] = {}
    for meeting in sorted(dated, key=lambda m: (m.date or dt.date.min, m.meeting_id)):
        assert meeting.date is not None
        left, right = _extent(meeting)
        x1, x2 = x(left), max(x(left), x(right))
        bucket = x1 // 12
        level = stacks.get(bucket, 0)
        stacks[bucket] = level + 1
        y = AXIS_Y - 14 - min(level, MAX_STACK) * STEP
        inferred = " inferred" if meeting.date_inferred else ""
        # The date to its precision, as the list below the timeline prints it.
        shown = meeting.date.isoformat()[: {"year": 4, "month": 7}.get(meeting.date_precision, 10)]
        note = " (inferred)" if inferred else ""
        shape = (
            f'<circle cx="{x1}" cy="{y}" r="6"/>'
            if x2 - x1 < 6
            else f'<rect x="{x1}" y="{y - 5}" width="{x2 - x1}" height="10" rx="5"/>'
        )
        parts.append(
            f'<a class="event{inferred}" href="meetings/{escape(meeting.meeting_id)}.html">'
            f"<title>{shown}{note}: {escape(meeting.name)}</title>"
            f"{shape}</a>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _extent(meeting: Meeting) -> tuple[dt.date, dt.date]:
    """First and last day a meeting's date may stand for, given its precision."""
    assert meeting.date is not None
    day = meeting.date
    if meeting.date_precision == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if meeting.date_precision == "month":
        following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return dt.date(day.year, day.month, 1), following - dt.timedelta(days=1)
    return day, day
