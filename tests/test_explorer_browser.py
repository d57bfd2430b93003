"""The explorer site of the real corpus, opened from disk in headless Chromium.

The checks read the rendered DOM: highlighted mentions per article page against the mentions
table, every internal link and fragment, the search box, and every request the pages make.
No page scrolls sideways on a phone, axe-core (vendored in ``tests/vendor/axe-core/``,
MPL-2.0) finds no serious violation, and the graph is drawn with no edge across a label.
Screenshots of the index, an article, a person, a meeting and the graph at 1280 and 390 px go
to ``test-screenshots/`` (or ``$DNND_SCREENSHOT_DIR``) for a person to look at.

Needs Debian's ``chromium`` (``.ci/run`` installs it) and the ``playwright`` package, which
drives that browser and never downloads one. Without them the tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from dnnd_dataset.builder import build
from dnnd_dataset.explorer.graph_data import RELATION_STYLES
from dnnd_dataset.publishing.dataset_meta import data_file

from .conftest import RAW, REPO, python
from .golden import GOLDEN

CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Flags that let Chromium start in a container as root and keep it off the network.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("DNND_SCREENSHOT_DIR", REPO / "test-screenshots"))
ARTICLE_SHOWN = "000-129a49d91db6336b"


def _chromium() -> str | None:
    explicit = os.environ.get("DNND_CHROMIUM")
    if explicit:
        return explicit
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("explorer") / "dist"
    build(RAW, out)
    return out


@pytest.fixture(scope="module")
def site(dist: Path) -> Path:
    folder = dist.parent / "site"
    done = python("-m", "dnnd_dataset.cli", "explore", dist, "--site", folder)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if executable is None:
        pytest.skip(
            "no Chromium found (looked for chromium and chromium-browser on PATH, and "
            "$DNND_CHROMIUM): install Debian's chromium package to run the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing: pip install '.[test]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            launched.close()


class Visit:
    """One browser page that records every request and every console error."""

    def __init__(self, browser: Any, site: Path, **options: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 900}, **options)
        self.page = self.context.new_page()
        self.site = site
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        # Anything not on disk is refused, so a slip cannot reach the network even here.
        self.context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith("file://") else route.abort()
            ),
        )

    def open(self, relative: str) -> Any:
        self.page.goto((self.site / relative).resolve().as_uri())
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def visit(browser: Any, site: Path) -> Iterator[Visit]:
    session = Visit(browser, site)
    yield session
    session.close()


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_highlighted_mentions_match_the_mentions_table(
    visit: Visit, site: Path, dist: Path
) -> None:
    mentions = pq.read_table(dist / data_file("mentions"))
    articles = pq.read_table(dist / data_file("articles")).to_pylist()
    assert set(GOLDEN) <= {article["article_id"] for article in articles}
    for article in articles:
        expected = pc.sum(pc.equal(mentions["article_id"], article["article_id"])).as_py()
        page = visit.open(f"articles/{article['article_id']}.html")
        shown = page.eval_on_selector_all(
            "article.text [data-m]", "nodes => new Set(nodes.map(n => n.dataset.m)).size"
        )
        assert (article["article_id"], shown) == (article["article_id"], expected)
        # The text reads exactly as the source, markup and all.
        assert page.eval_on_selector("article.text", "n => n.textContent") == article["text"]


def test_nested_mentions_and_boilerplate_are_drawn(visit: Visit) -> None:
    page = visit.open(f"articles/{ARTICLE_SHOWN}.html")
    nested = page.eval_on_selector_all(
        "article.text .m.meeting .m.directive", "nodes => nodes.map(n => n.textContent)"
    )
    assert nested[:2] == ["Chỉ thị 04-CT/TW", "Chỉ thị 04-CT/TW"]
    grey = page.eval_on_selector(
        "article.text .bp", "n => [n.dataset.kind, getComputedStyle(n).color]"
    )
    assert grey == ["duplicate_caption", "rgb(89, 98, 115)"]
    # A link inside a nested mention leads to the innermost entity.
    href = page.eval_on_selector(
        "article.text .m.meeting .m.directive a", "n => n.getAttribute('href')"
    )
    assert href == "../directives/chi-thi-04-ct-tw-khoa-xi.html"


def test_every_internal_link_resolves(visit: Visit, site: Path, dist: Path) -> None:
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    for relative in _pages(site):
        page = visit.open(relative)
        ids[relative] = set(page.eval_on_selector_all("[id]", "nodes => nodes.map(n => n.id)"))
        hrefs = page.eval_on_selector_all(
            "a[href]",
            "nodes => nodes.map(n => new URL(n.getAttribute('href'), document.baseURI).href)",
        )
        links.extend((relative, href) for href in hrefs)
    internal = [(page, href) for page, href in links if href.startswith("file://")]
    assert len(internal) > 1000
    broken = []
    root = site.resolve()
    for page, href in internal:
        parts = urlsplit(href)
        target = Path(unquote(parts.path))
        if not target.is_file() or not target.is_relative_to(root):
            broken.append((page, href))
            continue
        relative = target.relative_to(root).as_posix()
        if parts.fragment and parts.fragment not in ids.get(relative, set()):
            broken.append((page, href))
    assert broken == []
    external = sorted({href for _, href in links if not href.startswith("file://")})
    # The only way out is a source's own URL, printed in its article record, never loaded.
    urls = pq.read_table(dist / data_file("articles"), columns=["url"])["url"].to_pylist()
    assert external == sorted(url for url in urls if url)


def test_search_finds_names_without_diacritics(visit: Visit) -> None:
    page = visit.open("index.html")
    page.fill("#search-box", "tran quoc vuong")
    results = page.eval_on_selector_all(
        "#search-results a", "nodes => nodes.map(n => [n.textContent, n.getAttribute('href')])"
    )
    assert results == [["Trần Quốc Vượng", "persons/tran-quoc-vuong.html"]]
    page.fill("#search-box", "CHỈ THỊ 04")
    found = page.eval_on_selector_all(
        "#search-results a", "nodes => nodes.map(n => n.getAttribute('href'))"
    )
    assert "directives/chi-thi-04-ct-tw-khoa-xi.html" in found
    page.fill("#search-box", "lhhn")
    assert page.inner_text("#search-status") != "Nothing found."
    page.fill("#search-box", "zzqx")
    assert page.inner_text("#search-status") == "Nothing found."
    page.fill("#search-box", "")
    assert page.eval_on_selector_all("#search-results li", "nodes => nodes.length") == 0


def test_no_page_requests_anything_outside_the_site(visit: Visit, site: Path) -> None:
    for relative in _pages(site):
        visit.open(relative)
    root = site.resolve().as_uri() + "/"
    outside = [url for url in visit.requests if not url.startswith(root)]
    assert outside == []
    assert visit.errors == []
    # Each page loads its stylesheet, and the index its scripts, all from the site.
    assert any(url.endswith("/style.css") for url in visit.requests)
    assert any(url.endswith("/search.js") for url in visit.requests)


# One page of each type: the index, a listing, an article, each kind of record, the graph.
PAGE_TYPES = {
    "index": "index.html",
    "listing": "persons.html",
    "article": f"articles/{ARTICLE_SHOWN}.html",
    "person": "persons/tran-quoc-vuong.html",
    "organization": "organizations/ban-doi-ngoai-trung-uong.html",
    "directive": "directives/chi-thi-04-ct-tw-khoa-xi.html",
    "meeting": "meetings/hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011.html",
    "graph": "graph.html",
}
SCREENSHOT_PAGES = ("index", "article", "person", "meeting", "graph")
AXE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"


def _at_width(browser: Any, site: Path, width: int, **options: Any) -> Visit:
    visit = Visit(browser, site, **options)
    visit.page.set_viewport_size({"width": width, "height": 900})
    return visit


def test_the_page_types_exist(site: Path) -> None:
    assert [name for name, page in PAGE_TYPES.items() if not (site / page).is_file()] == []


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_no_page_scrolls_sideways(browser: Any, site: Path, width: int) -> None:
    visit = _at_width(browser, site, width)
    try:
        wide = []
        for relative in _pages(site):
            page = visit.open(relative)
            size = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
            if size[0] > size[1]:
                wide.append((relative, size[0]))
        assert wide == []
        assert visit.errors == []
    finally:
        visit.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_violation(browser: Any, site: Path, width: int) -> None:
    # The page's CSP allows only the site's own scripts: axe is injected past it, test-side.
    visit = _at_width(browser, site, width, bypass_csp=True)
    try:
        found = {}
        for name, relative in PAGE_TYPES.items():
            page = visit.open(relative)
            page.add_script_tag(path=str(AXE))
            found[name] = page.evaluate(
                """async () => (await axe.run(document, {resultTypes: ["violations"]}))
                .violations.filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")))"""
            )
        assert {name: ids for name, ids in found.items() if ids} == {}
    finally:
        visit.close()


def test_the_graph_is_drawn_and_opens_a_page(visit: Visit, site: Path) -> None:
    page = visit.open("graph.html")
    page.wait_for_selector("#graph-canvas[data-ready=true] canvas")
    # The legend names every relation once; the links are listed as text for every reader.
    legend = page.eval_on_selector_all(".edge-legend li", "nodes => nodes.map(n => n.textContent)")
    assert legend == [words for words, _, _ in RELATION_STYLES.values()]
    statements = page.eval_on_selector_all(".graph-links li", "nodes => nodes.length")
    assert statements > 20
    # Tapping a node opens its page.
    point = page.evaluate(
        """() => { const n = window.dnndGraph.getElementById("person:tran-quoc-vuong");
        const p = n.renderedPosition(); const box = document.getElementById("graph-canvas")
        .getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; }"""
    )
    page.mouse.click(point[0], point[1])
    page.wait_for_url("**/persons/tran-quoc-vuong.html")
    # The record's own page draws its neighbourhood, the record in the middle.
    page.wait_for_selector("#graph-canvas[data-ready=true] canvas")
    assert page.evaluate("() => window.dnndGraph.$('node.focus').data('label')") == (
        "Trần Quốc Vượng"
    )


# Whether the segment a-b meets the box r (x1, y1, x2, y2): Liang-Barsky clipping.
SEGMENT_MEETS_BOX = """() => { function meets(a, b, r) {
  let t0 = 0, t1 = 1; const dx = b.x - a.x, dy = b.y - a.y;
  const sides = [[-dx, a.x - r.x1], [dx, r.x2 - a.x], [-dy, a.y - r.y1], [dy, r.y2 - a.y]];
  for (const [p, q] of sides) {
    if (p === 0) { if (q < 0) { return false; } continue; }
    const t = q / p;
    if (p < 0) { if (t > t1) { return false; } if (t > t0) { t0 = t; } }
    else { if (t < t0) { return false; } if (t < t1) { t1 = t; } }
  }
  return true; }"""


@pytest.mark.parametrize(
    ("relative", "width"),
    [
        ("graph.html", 1280),
        ("graph.html", 390),
        ("organizations/ban-doi-ngoai-trung-uong.html", 1280),
        ("persons/tran-quoc-vuong.html", 390),
    ],
)
def test_no_edge_crosses_a_label(browser: Any, site: Path, relative: str, width: int) -> None:
    visit = _at_width(browser, site, width)
    try:
        _assert_no_edge_crosses_a_label(visit.open(relative))
    finally:
        visit.close()


def _assert_no_edge_crosses_a_label(page: Any) -> None:
    page.wait_for_selector("#graph-canvas[data-ready=true]")
    crossings = page.evaluate(
        SEGMENT_MEETS_BOX
        + """; const cy = window.dnndGraph; const out = [];
        const boxes = cy.nodes().map(n => [n, n.boundingBox({includeLabels: true,
            includeNodes: false, includeOverlays: false})]);
        cy.edges().forEach(e => {
          const a = e.source().position(), b = e.target().position();
          boxes.forEach(([n, r]) => {
            if (n.same(e.source()) || n.same(e.target())) { return; }
            if (meets(a, b, r)) { out.push([e.id(), n.id()]); }
          });
        });
        return out; }"""
    )
    assert crossings == []


def test_screenshots_for_a_person(browser: Any, site: Path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    for width in (1280, 390):
        visit = _at_width(browser, site, width)
        try:
            for name in SCREENSHOT_PAGES:
                page = visit.open(PAGE_TYPES[name])
                if name == "index":
                    page.fill("#search-box", "tran quoc vuong")
                if name == "graph":
                    page.wait_for_selector("#graph-canvas[data-ready=true] canvas")
                path = SCREENSHOTS / f"{name}-{width}.png"
                page.screenshot(path=str(path), full_page=name != "article")
                written.append(path)
        finally:
            visit.close()
    assert [p.name for p in written if not p.read_bytes().startswith(b"\x89PNG")] == []


def test_what_a_hover_shows_a_tap_or_the_keyboard_shows(visit: Visit) -> None:
    page = visit.open(f"articles/{ARTICLE_SHOWN}.html")
    page.focus("article.text mark.q")
    shown = page.eval_on_selector(
        "article.text mark.q", "n => getComputedStyle(n, '::after').content"
    )
    title = page.eval_on_selector("article.text mark.q", "n => n.title")
    assert title.startswith("evidence for ") and shown == f'"{title}"'
    # A mention's label and name are on its link, which a keyboard reaches.
    link = page.eval_on_selector("#m0 a", "n => [n.title, n.tabIndex]")
    assert link == ["PERSON: Trương Tấn Sang", 0]
