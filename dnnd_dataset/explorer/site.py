"""Writing the static site: one page per article and per record, an index with search and a
timeline, listings, and the graph. Opens from ``file://`` with no server and no network.

Layout::

    SITE/index.html                    counts, search, timeline of meetings, articles
    SITE/graph.html                    the graph, static SVG
    SITE/<table>.html, <table>.page-N.html   one listing per table, in pages of PAGE_SIZE
    SITE/<table>/<id>.html             one page per article, person, organization, ...
    SITE/<table>/<id>.page-N.html      more articles that mention a record, past the first page
    SITE/style.css, SITE/search.js     the only style and script, both inside the site
    SITE/search/index-NNN.js           the search index (see search_index)
    SITE/SHA256SUMS                    every other file: a later run replaces only an unedited site

The site replaces ``SITE`` the way a build replaces its output folder (``owned_folder``):
only a new, empty or earlier site, staged beside it, swapped in whole under a lock, so a
failure leaves the previous site as it was. Same tables, same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from dnnd_dataset._version import __version__
from dnnd_dataset.explorer.collation import sort_key
from dnnd_dataset.explorer.graph_data import RELATION_STYLES, Neighbourhoods
from dnnd_dataset.explorer.graph_svg import KINDS, RELATIONS, corpus_graph
from dnnd_dataset.explorer.pages import FOLDERS, Link, Site, display_date
from dnnd_dataset.explorer.search_index import Entry, script_files
from dnnd_dataset.explorer.timeline_svg import timeline
from dnnd_dataset.library.navigation import Corpus
from dnnd_dataset.publishing.checksums import SHA256SUMS
from dnnd_dataset.publishing.owned_folder import Layout, replace_folder
from dnnd_dataset.records import TABLE_NAMES, Meeting

_TABLES = "articles|persons|organizations|directives|meetings"
# Every folder and file the site writer writes: a folder holding anything else is not replaced.
SITE_LAYOUT = Layout(
    "explorer site",
    re.compile(rf"{_TABLES}|search|vendor"),
    re.compile(
        rf"index\.html|graph\.html|style\.css|search\.js|graph\.js|{SHA256SUMS}"
        r"|vendor/cytoscape\.min\.js|vendor/cytoscape\.LICENSE\.txt"
        rf"|({_TABLES})(\.page-[0-9]+)?\.html"
        rf"|({_TABLES})/[a-z0-9][a-z0-9-]*(\.page-[0-9]+)?\.html"
        r"|search/index-[0-9]{3,}\.js"
    ),
    same_digests=True,  # a page edited by hand is kept, not overwritten
)
PAGE_SIZE = 500
# An entity named in more articles than this lists them on pages of their own.
ARTICLES_PER_PAGE = 200
# Rows of a relation table on a record's page; past it the page says how many more there are.
ROW_LIMIT = 500
STATIC_FILES = (
    "style.css",
    "search.js",
    "graph.js",
    "vendor/cytoscape.min.js",
    "vendor/cytoscape.LICENSE.txt",
)
# The most connected records graph.html lists when the graph is too large to draw whole.
GRAPH_TOP = 100


@dataclass(frozen=True)
class SiteSummary:
    """What a site build wrote: the number of pages and of bytes, and the largest page."""

    folder: Path
    pages: int
    files: int
    total_bytes: int
    largest: tuple[str, int]


def write_site(corpus: Corpus, site: str | Path) -> SiteSummary:
    """Write the site of ``corpus`` to ``site``, replacing an earlier site there.

    Raises :class:`OutputError` when ``site`` exists and is neither empty nor an earlier
    site (every file one this writer writes, listed in its ``SHA256SUMS``).
    """
    sizes: dict[str, int] = {}

    def write(staging: Path) -> None:
        sizes.update(_write_all(staging, corpus))

    replace_folder(Path(site), SITE_LAYOUT, write)
    pages = {path: size for path, size in sizes.items() if path.endswith(".html")}
    largest = max(sorted(pages.items()), key=lambda item: item[1])
    return SiteSummary(Path(site), len(pages), len(sizes), sum(sizes.values()), largest)


# -- writing ---------------------------------------------------------------------------------


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("dnnd_dataset.explorer", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals.update(
        version=__version__,
        relations=RELATIONS,
        relation_styles=RELATION_STYLES,
        graph_kinds=KINDS,
    )
    return environment


class _Writer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.environment = _environment()
        self.sizes: dict[str, int] = {}
        self.digests: dict[str, str] = {}

    def text(self, relative: str, content: str) -> None:
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8")
        path.write_bytes(data)
        self.sizes[relative] = len(data)
        self.digests[relative] = hashlib.sha256(data).hexdigest()

    def page(self, relative: str, template: str, **context: Any) -> None:
        root = "../" * relative.count("/")
        html = self.environment.get_template(template).render(root=root, **context)
        self.text(relative, html)


def _write_all(folder: Path, corpus: Corpus) -> dict[str, int]:
    writer = _Writer(folder)
    site = Site(corpus)
    graph = Neighbourhoods(*corpus_graph(corpus, _KIND_FOLDERS))
    static = resources.files("dnnd_dataset.explorer") / "static"
    for name in STATIC_FILES:
        writer.text(name, (static / name).read_text(encoding="utf-8"))
    search = script_files(_search_entries(site))
    for relative, content in search:
        writer.text(relative, content)
    _write_index(writer, site, [relative for relative, _ in search])
    _write_listings(writer, site)
    _write_articles(writer, site)
    _write_persons(writer, site, graph)
    _write_organizations(writer, site, graph)
    _write_directives(writer, site, graph)
    _write_meetings(writer, site, graph)
    writer.page(
        "graph.html",
        "graph.html.j2",
        title="Graph",
        whole=graph.whole(),
        unlinked=graph.unlinked(),
        total=len(graph.nodes),
        top=graph.most_connected(GRAPH_TOP),
    )
    sums = "".join(f"{digest}  {name}\n" for name, digest in sorted(writer.digests.items()))
    writer.text(SHA256SUMS, sums)
    return writer.sizes


_KIND_FOLDERS = {
    "person": "persons",
    "organization": "organizations",
    "directive": "directives",
    "meeting": "meetings",
}
_KIND_OF_TABLE = {folder: kind for kind, folder in _KIND_FOLDERS.items()}


def _search_entries(site: Site) -> Iterator[Entry]:
    corpus = site.corpus
    for p in corpus.persons.values():
        titles = dict.fromkeys(position.title for position in p.positions)
        yield Entry(
            "person", p.name, tuple(p.other_names), f"persons/{p.person_id}.html", "; ".join(titles)
        )
    for o in corpus.organizations.values():
        yield Entry(
            "organization",
            o.name,
            tuple(o.other_names),
            f"organizations/{o.organization_id}.html",
            o.kind.replace("_", " "),
        )
    for d in corpus.directives.values():
        names = (*([d.code] if d.code else []), *d.surface_forms)
        detail = " ".join(x for x in (d.code, f"khóa {d.term}" if d.term else None) if x)
        yield Entry("directive", d.name, names, f"directives/{d.directive_id}.html", detail)
    for m in corpus.meetings.values():
        yield Entry("meeting", m.name, (), f"meetings/{m.meeting_id}.html", display_date(m))


def _write_index(writer: _Writer, site: Site, search_scripts: list[str]) -> None:
    corpus = site.corpus
    # Every table the corpus holds is an attribute of the same name.
    counts = {name: len(getattr(corpus, name)) for name in TABLE_NAMES}
    dated = sorted(
        (m for m in corpus.meetings.values() if m.date is not None),
        key=lambda m: (m.date or dt.date.min, sort_key(m.name), m.meeting_id),
    )
    undated = sorted(
        (m for m in corpus.meetings.values() if m.date is None),
        key=lambda m: (sort_key(m.name), m.meeting_id),
    )
    years: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in dated:
        assert meeting.date is not None
        years[meeting.date.year].append(meeting)
    articles = sorted(corpus.articles.values(), key=lambda a: (sort_key(a.title), a.article_id))
    writer.page(
        "index.html",
        "index.html.j2",
        title="dnnd-dataset explorer",
        counts=counts,
        folders=FOLDERS,
        years=sorted(years.items()),
        timeline=timeline(dated),
        undated=undated,
        display_date=display_date,
        articles=articles[:PAGE_SIZE],
        more_articles=max(0, len(articles) - PAGE_SIZE),
        search_scripts=search_scripts,
    )


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [items]


def _page_name(stem: str, number: int) -> str:
    # '.' is never part of an id, so no page of a list can take the name of a record's page.
    return f"{stem}.html" if number == 1 else f"{stem}.page-{number}.html"


def _write_listings(writer: _Writer, site: Site) -> None:
    corpus = site.corpus
    rows: dict[str, list[Link]] = {
        "articles": [
            Link(a.title, f"articles/{a.article_id}.html", a.outlet or "")
            for a in sorted(
                corpus.articles.values(), key=lambda a: (sort_key(a.title), a.article_id)
            )
        ],
        "persons": [
            Link(p.name, f"persons/{p.person_id}.html", ", ".join(p.roles))
            for p in sorted(corpus.persons.values(), key=lambda p: (sort_key(p.name), p.person_id))
        ],
        "organizations": [
            Link(o.name, f"organizations/{o.organization_id}.html", o.kind.replace("_", " "))
            for o in sorted(
                corpus.organizations.values(), key=lambda o: (sort_key(o.name), o.organization_id)
            )
        ],
        "directives": [
            Link(
                d.name,
                f"directives/{d.directive_id}.html",
                " ".join(filter(None, (d.code, d.term and f"khóa {d.term}"))),
            )
            for d in sorted(
                corpus.directives.values(), key=lambda d: (sort_key(d.name), d.directive_id)
            )
        ],
        "meetings": [
            Link(m.name, f"meetings/{m.meeting_id}.html", display_date(m))
            for m in sorted(
                corpus.meetings.values(),
                key=lambda m: (m.date is None, m.date or dt.date.min, sort_key(m.name)),
            )
        ],
    }
    for table, links in rows.items():
        chunks = _chunks(links, PAGE_SIZE)
        for number, chunk in enumerate(chunks, start=1):
            writer.page(
                _page_name(table, number),
                "listing.html.j2",
                title=table.capitalize(),
                table=table,
                links=chunk,
                pager=_pager(table, number, len(chunks)),
                total=len(links),
            )


def _pager(stem: str, number: int, count: int) -> list[tuple[str, str | None]]:
    """Links to every page of a paged list; the current one has no link."""
    if count <= 1:
        return []
    return [(str(n), None if n == number else _page_name(stem, n)) for n in range(1, count + 1)]


def _write_articles(writer: _Writer, site: Site) -> None:
    for article in site.corpus.articles.values():
        text, label_counts = site.article_text(article)
        writer.page(
            f"articles/{article.article_id}.html",
            "article.html.j2",
            title=article.title,
            article=article,
            text=text,
            label_counts=sorted(label_counts.items()),
            facts=site.facts("articles", article, site.corpus.evidence_of(article)),
            quotes=site.article_quotes(article),
        )


def _mentions_by_article(site: Site, entity: Any) -> list[tuple[Link, list[Link]]]:
    """The articles that mention ``entity``, each with a link to every mention in it."""
    grouped: dict[str, list[Link]] = defaultdict(list)
    for view in site.corpus.mentions_of(entity):
        mention = view.mention
        grouped[mention.article_id].append(
            Link(
                mention.text,
                f"../articles/{mention.article_id}.html#m{site.mention_numbers[mention]}",
            )
        )
    articles = site.corpus.articles
    shown = sorted(
        (a for a in grouped if a in articles), key=lambda a: (sort_key(articles[a].title), a)
    )
    return [(Link(articles[a].title, f"../articles/{a}.html"), grouped[a]) for a in shown]


def _entity_page(
    writer: _Writer,
    site: Site,
    table: str,
    record_id: str,
    record: Any,
    *,
    grounded: bool,
    graph: Neighbourhoods,
    **sections: Any,
) -> None:
    mentions = _mentions_by_article(site, record)
    stem = record_id
    chunks = _chunks(mentions, ARTICLES_PER_PAGE)
    evidence = site.corpus.evidence_of(record) if grounded else []
    for number, chunk in enumerate(chunks, start=1):
        writer.page(
            f"{table}/{_page_name(stem, number)}",
            f"{table.removesuffix('s')}.html.j2" if number == 1 else "more_mentions.html.j2",
            title=record.name,
            record=record,
            table=table,
            facts=site.facts(table, record, evidence) if number == 1 else [],
            mentions=chunk,
            mention_total=len(mentions),
            pager=_pager(stem, number, len(chunks)),
            neighbourhood=graph.around(_KIND_OF_TABLE[table], record_id) if number == 1 else None,
            **sections,
        )


def _write_persons(writer: _Writer, site: Site, graph: Neighbourhoods) -> None:
    corpus = site.corpus
    for person in corpus.persons.values():
        meetings = corpus.person_meetings(person)
        _entity_page(
            writer,
            site,
            "persons",
            person.person_id,
            person,
            grounded=True,
            graph=graph,
            positions=site.held_titles(corpus.person_positions(person)),
            meetings=[
                (site.link("meetings", p.meeting.meeting_id), display_date(p.meeting), p)
                for p in meetings[:ROW_LIMIT]
            ],
            more_meetings=max(0, len(meetings) - ROW_LIMIT),
        )


def _write_organizations(writer: _Writer, site: Site, graph: Neighbourhoods) -> None:
    corpus = site.corpus
    for organization in corpus.organizations.values():
        children = sorted(
            corpus.organization_children(organization),
            key=lambda c: (sort_key(c.name), c.organization_id),
        )
        meetings = corpus.organization_meetings(organization)
        directives = sorted(
            corpus.organization_directives(organization),
            key=lambda d: (sort_key(d.name), d.directive_id),
        )
        held = site.held_titles(corpus.organization_positions(organization))
        _entity_page(
            writer,
            site,
            "organizations",
            organization.organization_id,
            organization,
            grounded=False,
            graph=graph,
            parent=site.value("parent_id", organization.parent_id),
            children=[site.link("organizations", c.organization_id) for c in children],
            positions=held[:ROW_LIMIT],
            more_positions=max(0, len(held) - ROW_LIMIT),
            meetings=[
                (site.link("meetings", m.meeting_id), display_date(m)) for m in meetings[:ROW_LIMIT]
            ],
            more_meetings=max(0, len(meetings) - ROW_LIMIT),
            directives=[site.link("directives", d.directive_id) for d in directives[:ROW_LIMIT]],
            more_directives=max(0, len(directives) - ROW_LIMIT),
        )


def _write_directives(writer: _Writer, site: Site, graph: Neighbourhoods) -> None:
    corpus = site.corpus
    for directive in corpus.directives.values():
        _entity_page(
            writer,
            site,
            "directives",
            directive.directive_id,
            directive,
            grounded=True,
            graph=graph,
            meetings=[
                (site.link("meetings", m.meeting_id), display_date(m))
                for m in sorted(
                    corpus.directive_meetings(directive),
                    key=lambda m: (m.date is None, m.date or dt.date.min, m.meeting_id),
                )[:ROW_LIMIT]
            ],
            more_meetings=max(0, len(directive.meeting_ids) - ROW_LIMIT),
        )


def _write_meetings(writer: _Writer, site: Site, graph: Neighbourhoods) -> None:
    corpus = site.corpus
    for meeting in corpus.meetings.values():
        _entity_page(
            writer,
            site,
            "meetings",
            meeting.meeting_id,
            meeting,
            grounded=True,
            graph=graph,
            when=display_date(meeting),
            participants=[
                (site.link("persons", p.person.person_id), ", ".join(p.roles), p.position)
                for p in corpus.meeting_participants(meeting)
            ],
        )
