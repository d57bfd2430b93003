"""A page date is the page's own publication date; a clock in the page chrome is not one.

Many sites print the day (and time) at which the page is shown in their header, beside the
banner: "Thứ Ba, 28/05/2024 23:47" over a speech given years earlier. Such a date says when
the page was displayed and saved, nothing of when the article was published or of the events
it reports, so it is ``page_clock``, and ``page_date`` is only a date printed with the article
itself. Page chrome is what the annotation marks as ``page_chrome`` boilerplate, so the rule
is checkable: a page date quoted inside page chrome is an error, and so is a clock quoted
outside it.
"""

from __future__ import annotations

from dnnd_dataset.checking.state import CheckState
from dnnd_dataset.reading.anchoring import Span, anchor_key
from dnnd_dataset.reading.raw_loading import Located
from dnnd_dataset.reading.raw_models import Anchor, DocumentAnnotation


def check_page_dates(state: CheckState, document: Located[DocumentAnnotation]) -> None:
    """Run after the document's anchors are resolved into ``state.spans``."""
    ann = document.model
    article = ann.article_id
    chrome = [
        state.spans[(article, anchor_key(b))]
        for b in ann.boilerplate
        if b.kind == "page_chrome" and (article, anchor_key(b)) in state.spans
    ]
    if ann.page_date and _in(state, article, chrome, ann.page_date.evidence):
        state.issue(
            document,
            ("page_date", "evidence"),
            "page-date-in-chrome",
            f"the page date {ann.page_date.evidence.quote!r} lies in the page chrome, where a "
            "site shows the day the page is displayed, not the day the article was published",
            "write it as page_clock (the date the page's clock showed) and give page_date only "
            "for a date printed with the article",
        )
    if ann.page_clock and _in(state, article, chrome, ann.page_clock.evidence) is False:
        state.issue(
            document,
            ("page_clock", "evidence"),
            "clock-outside-chrome",
            f"the page clock {ann.page_clock.evidence.quote!r} lies outside every page_chrome "
            "span: a date printed with the article is its page_date",
            "mark the clock's line as page_chrome boilerplate, or write the date as page_date",
        )


def _in(state: CheckState, article: str, chrome: list[Span], anchor: Anchor) -> bool | None:
    """Whether the span of ``anchor`` lies in a chrome span; None if it was not resolved."""
    span = state.spans.get((article, anchor_key(anchor)))
    if span is None:  # its anchor failed, and is reported as such
        return None
    return any(c.start <= span.start and span.end <= c.end for c in chrome)
