"""The explorer without a browser: the text markup, the search folding, the graph, and the
site as files (deterministic, escaped, small pages, safe to replace). The browser tests are
in test_explorer_browser."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

import dnnd_dataset as dnnd
from dnnd_dataset.errors import OutputError
from dnnd_dataset.explorer import site as site_module
from dnnd_dataset.explorer.collation import sort_key
from dnnd_dataset.explorer.graph_data import (
    NEIGHBOUR_LIMIT,
    RELATION_STYLES,
    WHOLE_LIMIT,
    Neighbourhoods,
    graph_json,
)
from dnnd_dataset.explorer.graph_svg import MAX_PER_COLUMN, Edge, Node, draw
from dnnd_dataset.explorer.pages import _field_for
from dnnd_dataset.explorer.search_index import ENTRIES_PER_FILE, Entry, fold, script_files
from dnnd_dataset.explorer.site import write_site
from dnnd_dataset.explorer.text_markup import Span, render
from dnnd_dataset.library.navigation import Corpus
from dnnd_dataset.publishing.checksums import SHA256SUMS, sha256sums

from .conftest import REPO, python, snapshot
from .synthetic import sample_tables, write_sample

# -- text markup ---------------------------------------------------------------------------------


class _Reader(HTMLParser):
    """Replays rendered markup: checks nesting, and records which characters each marked
    span (``data-s``) covers, which ids occur, and the link of every character."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.covered: dict[str, set[int]] = {}
        self.ids: list[str] = []
        self.links: dict[int, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a":
            assert all(t != "a" for t, _ in self.stack), "a link inside a link"
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        self.stack.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for offset in range(len(self.text), len(self.text) + len(data)):
            for tag, attributes in self.stack:
                if "data-s" in attributes:
                    self.covered.setdefault(str(attributes["data-s"]), set()).add(offset)
                if tag == "a":
                    self.links[offset] = str(attributes["href"])
        self.text += data


@st.composite
def marked_texts(draw: Any) -> tuple[str, list[Span]]:
    text = draw(st.text(alphabet="ab <>&\"'\nĐảng", min_size=0, max_size=40))
    count = draw(st.integers(0, 8))
    spans = []
    for number in range(count):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        spans.append(
            Span(
                start,
                end,
                draw(st.integers(0, 2)),
                draw(st.sampled_from(["span", "mark"])),
                (("data-s", str(number)),),
                element_id=f"s{number}",
                href=draw(st.sampled_from([None, f"#to{number}"])),
            )
        )
    return text, spans


@given(marked_texts())
def test_markup_keeps_the_text_and_marks_exactly_each_span(case: tuple[str, list[Span]]) -> None:
    text, spans = case
    reader = _Reader()
    reader.feed(str(render(text, spans)))
    reader.close()
    assert reader.stack == []
    assert reader.text == text
    shown = [s for s in spans if s.start < s.end]
    for span in shown:
        assert reader.covered[span.attrs[0][1]] == set(range(span.start, span.end))
    assert sorted(reader.ids) == sorted(s.element_id for s in shown if s.element_id)
    for offset in range(len(text)):
        # The innermost linked span holding a character is the one its link leads to.
        holding = [s for s in spans if s.start <= offset < s.end and s.href]
        if holding:
            assert offset in reader.links
        else:
            assert offset not in reader.links


def test_markup_of_crossing_spans_splits_the_later_one() -> None:
    spans = [
        Span(0, 5, 0, "mark", (("class", "q"),), element_id="q0-5"),
        Span(3, 8, 2, "span", (("data-m", "0"),), element_id="m0", href="p.html"),
    ]
    assert render("Hà <Nội> &", spans) == (
        '<mark id="q0-5" class="q">Hà <span id="m0" data-m="0"><a href="p.html">&lt;N</a>'
        '</span></mark><span data-m="0"><a href="p.html">ội&gt;</a></span> &amp;'
    )


def test_markup_at_the_edges_of_the_text() -> None:
    spans = [Span(0, 2, 2, "span", element_id="a"), Span(2, 4, 2, "span", element_id="b")]
    assert render("Đảng", spans) == '<span id="a">Đả</span><span id="b">ng</span>'
    assert render("", spans) == ""


# -- search --------------------------------------------------------------------------------------


def test_fold_drops_diacritics_case_and_look_alikes() -> None:
    assert fold("Trần Quốc Vượng") == "tran quoc vuong"
    assert fold("\u00d0ảng  ta\u00a0") == "dang ta"
    assert fold("Ban Đối ngoại T.Ư") == "ban doi ngoai t.u"
    assert fold("Chỉ thị số 04\u2011CT/TW") == "chi thi so 04-ct/tw"


def test_search_index_is_split_into_files_of_fixed_size() -> None:
    entries = [Entry("person", f"Người {i:05d}", (), f"persons/p{i}.html") for i in range(9000)]
    files = script_files(entries)
    assert [path for path, _ in files] == [
        "search/index-000.js",
        "search/index-001.js",
        "search/index-002.js",
    ]
    assert files[0][1].count('"person"') == ENTRIES_PER_FILE
    assert files[2][1].startswith("window.dnndSearch = (window.dnndSearch || []).concat([[")
    assert '"nguoi 08999"' in files[2][1]


def test_evidence_fields_find_their_record_field() -> None:
    fields = ["organizer_ids", "issuer_id", "directive_ids", "participants", "date"]
    assert [
        _field_for(f, fields) for f in ("organizers", "issuer", "directives", "date", "other")
    ] == ["organizer_ids", "issuer_id", "directive_ids", "date", "other"]


# -- graph ---------------------------------------------------------------------------------------


def test_graph_keeps_the_most_connected_records_of_a_large_corpus() -> None:
    persons = [
        Node("person", f"p{i:03d}", f"P {i:03d}", f"persons/p{i:03d}.html") for i in range(100)
    ]
    meeting = Node("meeting", "m", "M", "meetings/m.html")
    edges = [
        Edge(("person", f"p{i:03d}"), ("meeting", "m"), "participant") for i in range(0, 100, 2)
    ]
    graph = draw([*persons, meeting], edges)
    assert graph.shown == {
        "organization": 0,
        "person": MAX_PER_COLUMN,
        "meeting": 1,
        "directive": 0,
    }
    assert graph.total == {"organization": 0, "person": 100, "meeting": 1, "directive": 0}
    # Every linked person is kept; the rest of the column is filled in name order.
    for i in range(0, 100, 2):
        assert f'href="persons/p{i:03d}.html"' in graph.svg
    assert graph.svg.count("<path ") == 50
    assert draw([*reversed(persons), meeting], list(reversed(edges))) == graph


# -- the site as files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "site"
    write_site(dnnd.corpus(), folder)
    return folder


def test_site_is_deterministic(real_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "elsewhere" / "site"
    write_site(dnnd.corpus(), again)
    assert snapshot(again) == snapshot(real_site)


def test_site_layout_and_page_sizes(real_site: Path) -> None:
    corpus = dnnd.corpus()
    pages = sorted(p.relative_to(real_site).as_posix() for p in real_site.rglob("*.html"))
    expected = {
        "index.html",
        "graph.html",
        *(
            f"{table}.html"
            for table in ("articles", "persons", "organizations", "directives", "meetings")
        ),
        *(f"articles/{i}.html" for i in corpus.articles),
        *(f"persons/{i}.html" for i in corpus.persons),
        *(f"organizations/{i}.html" for i in corpus.organizations),
        *(f"directives/{i}.html" for i in corpus.directives),
        *(f"meetings/{i}.html" for i in corpus.meetings),
    }
    assert set(pages) == expected
    assert max((real_site / p).stat().st_size for p in pages) < 1_000_000
    assert (real_site / SHA256SUMS).read_text(encoding="utf-8") == sha256sums(real_site)
    for page in pages:
        content = (real_site / page).read_text(encoding="utf-8")
        assert "http://" not in content.replace('xmlns="http://www.w3.org/2000/svg"', "") or (
            page.startswith("articles/")
        ), page
        assert "<script>" not in content and "style=" not in content, page


def test_long_lists_are_paged_and_every_link_resolves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(site_module, "PAGE_SIZE", 1)
    monkeypatch.setattr(site_module, "ARTICLES_PER_PAGE", 1)
    tables: dict[str, list[Any]] = {**sample_tables()}
    site = tmp_path / "site"
    write_site(Corpus(**tables), site)
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert {"articles.html", "articles.page-2.html", "persons.page-3.html"} <= pages
    assert "persons.page-4.html" not in pages
    # Trần Quốc Vượng is named in both articles: one page each.
    assert {"persons/tran-quoc-vuong.html", "persons/tran-quoc-vuong.page-2.html"} <= pages
    second = (site / "persons/tran-quoc-vuong.page-2.html").read_text(encoding="utf-8")
    assert (
        '<nav class="pager">Page <a href="tran-quoc-vuong.html">1</a> <strong>2</strong>' in second
    )
    for page in sorted(pages):
        content = (site / page).read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"#]+)(?:#[^"]*)?"', content):
            if not href.startswith("https://"):
                assert (site / page).parent.joinpath(href).resolve().is_file(), (page, href)


def test_index_lists_inferred_and_undated_meetings(real_site: Path) -> None:
    index = (real_site / "index.html").read_text(encoding="utf-8")
    undated = index.split("<h3>Undated meetings</h3>")[1].split("</ul>")[0]
    meetings = list(dnnd.corpus().meetings.values())
    assert undated.count("<li>") == sum(m.date is None for m in meetings) >= 5
    inferred = sum(m.date is not None and m.date_inferred for m in meetings)
    assert index.count('<span class="badge inferred"') == inferred >= 4
    assert 'class="event inferred"' in index


def test_article_page_shows_every_quote(real_site: Path) -> None:
    corpus = dnnd.corpus()
    article_id = "000-129a49d91db6336b"
    page = (real_site / f"articles/{article_id}.html").read_text(encoding="utf-8")
    quotes = [e for e in corpus.evidence if e.article_id == article_id]
    for evidence in quotes:
        assert f'<a href="#q{evidence.start}-{evidence.end}">' in page
        assert f'id="q{evidence.start}-{evidence.end}"' in page
    assert page.count('data-m="') >= len(corpus.article_mentions(article_id))


def test_every_text_is_escaped(tmp_path: Path) -> None:
    tables: dict[str, list[Any]] = {**sample_tables()}
    hostile = '<img src=x onerror="alert(1)"> & Co'
    tables["organizations"] = [
        o.model_copy(update={"name": hostile}) if o.organization_id == "ban-doi-ngoai-tw" else o
        for o in tables["organizations"]
    ]
    site = tmp_path / "site"
    write_site(Corpus(**tables), site)
    for path in site.rglob("*.html"):
        assert "<img" not in path.read_text(encoding="utf-8"), path
    page = (site / "organizations/ban-doi-ngoai-tw.html").read_text(encoding="utf-8")
    assert "<h1>&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; Co</h1>" in page


def test_site_replaces_only_an_earlier_site(tmp_path: Path) -> None:
    tables: dict[str, list[Any]] = {**sample_tables()}
    corpus = Corpus(**tables)
    site = tmp_path / "site"
    write_site(corpus, site)
    written = snapshot(site)
    write_site(corpus, site)  # an untouched earlier site is replaced
    assert snapshot(site) == written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]

    # A page edited by hand, its name still one the site writes: the work is kept.
    (site / "index.html").write_text("<h1>My notes</h1>", encoding="utf-8")
    with pytest.raises(OutputError) as edited:
        write_site(corpus, site)
    assert str(edited.value) == (
        f"{site} holds index.html, whose content differs from its SHA256SUMS (edited since it "
        "was written), so it is not an earlier explorer site and nothing was changed (fix: "
        "choose a new or empty folder, or move those files away)"
    )
    assert (site / "index.html").read_text(encoding="utf-8") == "<h1>My notes</h1>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]

    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError) as raised:
        write_site(corpus, foreign)
    assert str(raised.value) == (
        f"{foreign} holds thesis.txt, which the build does not write, so it is not an earlier "
        "explorer site and nothing was changed (fix: choose a new or empty folder, or move "
        "those files away)"
    )
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.txt"]


def test_explore_command(tmp_path: Path) -> None:
    done = python("-m", "dnnd_dataset.cli", "explore", "--site", tmp_path / "site")
    assert done.returncode == 0, done.stderr
    pages = len(list((tmp_path / "site").rglob("*.html")))
    assert done.stdout.startswith(f"wrote {pages} pages to {tmp_path / 'site'} (")
    assert done.stdout.endswith(f"; open {tmp_path / 'site' / 'index.html'}\n")

    missing = python(
        "-m", "dnnd_dataset.cli", "explore", tmp_path / "nowhere", "--site", tmp_path / "s2"
    )
    assert missing.returncode == 1
    assert missing.stderr == (
        f"dnnd: error: {tmp_path / 'nowhere'}: no such folder (looked for in {Path.cwd()}) "
        "(fix: name the folder that 'dnnd build --out DIR' wrote, dataset by default)\n"
    )
    assert not (tmp_path / "s2").exists()


def test_corpus_of_an_output_folder(tmp_path: Path) -> None:
    out = write_sample(tmp_path / "out")
    loaded = dnnd.corpus(out)
    tables: dict[str, list[Any]] = {**sample_tables()}
    assert repr(loaded) == repr(Corpus(**tables))
    assert sorted(loaded.persons) == ["minh-anh", "tran-quoc-vuong", "truong-tan-sang"]


def _readme_screenshot_module() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "readme_screenshot", REPO / "docs" / "readme_screenshot.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_screenshot_is_of_the_current_site(real_site: Path) -> None:
    shot = _readme_screenshot_module()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"]({shot.SCREENSHOT.relative_to(REPO).as_posix()})" in readme
    recorded = shot.recorded_digest(shot.SCREENSHOT.read_bytes())
    assert recorded == shot.source_digest(real_site), (
        "docs/explorer-article.png shows an older site: run python docs/readme_screenshot.py"
    )


def test_the_screenshot_digest_survives_the_png_format() -> None:
    shot = _readme_screenshot_module()
    png = (REPO / "docs" / "explorer-article.png").read_bytes()
    marked = shot.with_digest(png, "ab" * 32)
    assert shot.recorded_digest(marked) == "ab" * 32
    assert marked.startswith(b"\x89PNG\r\n\x1a\n") and marked.endswith(png[-12:])


# -- evidence beside each fact, basis inline, ids as they are ------------------------------------


def _rows(html: str, table_class: str) -> list[str]:
    table = html.split(f'<table class="{table_class}')[1].split("</table>")[0]
    return table.split("<tr")[2:]


def test_each_position_row_shows_its_own_quotes(real_site: Path) -> None:
    page = (real_site / "persons" / "tran-quoc-vuong.html").read_text(encoding="utf-8")
    rows = _rows(page, "relations stack")
    assert len(rows) == 2
    for row in rows:
        title = row.split('data-label="title as stated">')[1].split("</td>")[0]
        quotes = re.findall(r'<blockquote class="quote"><a href="[^"]+">([^<]+)</a>', row)
        assert quotes and all(title in quote for quote in quotes), (title, quotes)
    # No quote is left for a row of its own below the fields.
    assert "see the quotes" not in page and "not a field of the record" not in page


def test_a_quote_of_a_list_element_sits_beside_that_element(real_site: Path) -> None:
    corpus = dnnd.corpus()
    meeting = corpus.meetings["hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011"]
    page = (real_site / "meetings" / f"{meeting.meeting_id}.html").read_text(encoding="utf-8")
    (organizers,) = [r for r in _rows(page, "facts stack") if ">organizer_ids<" in r]
    quotes = [e for e in corpus.evidence_of(meeting) if e.field.startswith("organizer_ids[")]
    assert quotes
    for evidence in quotes:
        organizer = evidence.field.split("[")[1].rstrip("]")
        item = organizers.split(f'href="../organizations/{organizer}.html"')[1].split("</li>")[0]
        assert f"#q{evidence.start}-{evidence.end}" in item


def test_an_inferred_date_shows_its_basis_inline(real_site: Path) -> None:
    corpus = dnnd.corpus()
    index = (real_site / "index.html").read_text(encoding="utf-8")
    inferred = [m for m in corpus.meetings.values() if m.date_inferred and m.date_basis]
    assert inferred
    for meeting in inferred:
        escaped = str(escape(meeting.date_basis))
        assert f'<span class="badge inferred">inferred</span> <span class="basis">{escaped}' in (
            index
        )
    assert "hover" not in index


def test_a_record_shows_its_own_id_as_it_is(real_site: Path) -> None:
    page = (real_site / "persons" / "tran-quoc-vuong.html").read_text(encoding="utf-8")
    assert '<p class="kind">person <code class="id">tran-quoc-vuong</code></p>' in page
    (row,) = [r for r in _rows(page, "facts stack") if ">person_id<" in r]
    assert '<code class="id">tran-quoc-vuong</code>' in row
    css = (real_site / "style.css").read_text(encoding="utf-8")
    assert "code.id { text-transform: none;" in css


def test_the_legend_colours_are_the_graph_colours(real_site: Path) -> None:
    css = (real_site / "style.css").read_text(encoding="utf-8")
    colours = [colour for _, colour, _ in RELATION_STYLES.values()]
    assert len(set(colours)) == len(colours)
    for relation, (_, colour, line) in RELATION_STYLES.items():
        rule = re.search(rf"\.edge-key\.{relation} \{{([^}}]*)\}}", css)
        assert rule is not None, relation
        assert f"border-top-color: {colour};" in rule[1]
        assert ("border-top-style" not in rule[1]) == (line == "solid"), relation
        assert line == "solid" or f"border-top-style: {line};" in rule[1]


def test_listings_are_in_vietnamese_order(real_site: Path) -> None:
    corpus = dnnd.corpus()
    page = (real_site / "persons.html").read_text(encoding="utf-8")
    shown = re.findall(r'<li><a href="persons/[^"]+">([^<]+)</a>', page)
    assert shown == sorted((p.name for p in corpus.persons.values()), key=sort_key)
    assert shown != sorted(shown)  # code-point order would differ


def test_a_neighbourhood_is_the_record_and_its_links() -> None:
    nodes = [Node("person", f"p{i}", f"P{i}", f"persons/p{i}.html") for i in range(60)]
    nodes.append(Node("meeting", "m", "M", "meetings/m.html"))
    edges = [Edge(("person", f"p{i}"), ("meeting", "m"), "participant") for i in range(60)]
    graph = Neighbourhoods(nodes, edges)
    around = graph.around("meeting", "m")
    assert around.total_nodes == 61
    assert len(around.nodes) == NEIGHBOUR_LIMIT + 1
    assert len(around.edges) == NEIGHBOUR_LIMIT
    alone = graph.around("person", "p0")
    assert [n.record_id for n in alone.nodes] == ["p0", "m"]
    assert '"focus":"person:p0"' in alone.data
    # A graph past WHOLE_LIMIT is not drawn whole.
    many = [Node("person", f"x{i}", f"X{i}", f"persons/x{i}.html") for i in range(WHOLE_LIMIT + 1)]
    assert Neighbourhoods(many, []).whole() is None
    assert Neighbourhoods(nodes, edges).whole() is not None


def test_graph_json_cannot_close_its_script_element() -> None:
    node = Node("person", "p", "</script><b>&", "persons/p.html")
    data = graph_json([node], [])
    assert "<" not in data and ">" not in data and "&" not in data
    assert json.loads(str(data))["nodes"][0]["label"] == "</script><b>&"


def test_a_quote_that_grounds_several_parts_is_shown_once(real_site: Path) -> None:
    meeting = "hoi-nghi-quan-triet-chi-thi-04-ct-tw-2011"
    page = (real_site / "meetings" / f"{meeting}.html").read_text(encoding="utf-8")
    (participants,) = [r for r in _rows(page, "facts stack") if ">participants<" in r]
    for row in participants.split("<tr>")[2:]:
        hrefs = re.findall(r'<blockquote class="quote"><a href="([^"]+)"', row)
        assert hrefs and len(hrefs) == len(set(hrefs)), hrefs


def test_the_search_index_is_in_vietnamese_order() -> None:
    entries = [Entry("person", name, (), f"persons/{i}.html") for i, name in enumerate(
        ["Hồ Văn A", "Hà Văn B", "Hoàng Văn C"]
    )]  # fmt: skip
    ((_, script),) = script_files(entries)
    rows = json.loads(script.split(".concat(", 1)[1].rsplit(");", 1)[0])
    assert [row[1] for row in rows] == ["Hà Văn B", "Hoàng Văn C", "Hồ Văn A"]
    # search.js keeps the index order among results of one rank.
    js = (REPO / "dnnd_dataset" / "explorer" / "static" / "search.js").read_text(encoding="utf-8")
    assert "return a[0] - b[0] || a[1] - b[1];" in js
