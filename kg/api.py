"""The Python API: a thin facade over the stage functions.

>>> from kg import KnowledgeGraph
>>> g = KnowledgeGraph.open("memory:")
>>> g.add_text("Leica and Xiaomi teamed up.", id="note")
1
>>> g.ask("ASK { ?a kg:partnersWith ?b }")
True
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal
from rdflib.namespace import DCTERMS

from kg.model import Article
from kg.ontology import KG, article_iri
from kg.store import MEMORY, Store, open_store, to_rdflib
from kg.views import Stats, prefixed_query, render_result, solutions_table, stats, to_networkx

# Importing this module stays light (`kg demo` and notebooks start faster):
# spaCy (through kg.parallel and kg.pipeline), networkx and the rest load when
# a method needs them.
if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Dataset

    from kg.analytics import Hop, Ranked
    from kg.parallel import Engine
    from kg.pipeline import GraphRecord, WriteBatch
    from kg.timeline import FactRow, Moment
    from kg.viz import Page


@dataclass(frozen=True)
class BuildReport:
    added: int
    skipped: int

    def __str__(self) -> str:
        return f"{self.added} article(s) added, {self.skipped} unchanged"


def build(
    store: Store,
    articles: Iterable[Article],
    model: str | None = None,
    progress: Callable[[], None] | None = None,
    engine: Engine | None = None,
    limits: WriteBatch | None = None,
    stored: Callable[[int], None] | None = None,
) -> BuildReport:
    """Extract ``articles`` and replace their graphs in ``store``; unchanged ones are skipped.

    ``progress`` is called once per article, when it is extracted or skipped;
    ``stored`` hears how many articles each write stored.
    ``engine`` runs the extraction (default: this process, see ``kg.parallel``);
    graphs reach the store in batches of ``limits``, each article whole.
    """
    from kg.parallel import Local
    from kg.pipeline import WRITE_BATCH, write_records

    skipped = 0
    # Articles sent to extraction but not yet in the store (writes are batched):
    # a copy of one of them is a duplicate the store cannot see yet.
    in_flight: deque[tuple[str, str | None]] = deque()  # (content hash, URL)

    def changed() -> Iterator[Article]:
        nonlocal skipped
        for article in articles:
            unchanged = store.content_hash(article_iri(article.id)) == article.content_hash
            if unchanged or in_flight_copy(article, in_flight) or stored_elsewhere(store, article):
                skipped += 1
                if progress:
                    progress()
                continue
            in_flight.append((article.content_hash, article.url))
            yield article

    def extracted(records: Iterable[GraphRecord]) -> Iterator[GraphRecord]:
        for record in records:
            if progress:
                progress()
            yield record

    def written(count: int) -> None:
        for _ in range(count):
            in_flight.popleft()
        if stored:
            stored(count)

    records = extracted((engine or Local(model)).records(changed()))
    added = write_records(store, records, limits or WRITE_BATCH, written)
    return BuildReport(added, skipped)


def in_flight_copy(article: Article, in_flight: Iterable[tuple[str, str | None]]) -> bool:
    """Whether ``article`` has the text or the URL of an article on its way to the store."""
    text, url = article.content_hash, article.url
    return any(h == text or (url is not None and u == url) for h, u in in_flight)


IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def stored_elsewhere(store: Store, article: Article) -> bool:
    """Whether the store holds the same text, or the same URL, under another article id.

    The same article reached through another path (a saved page and its URL,
    a feed entry and a JSON export) is stored once, under the id it came first.
    """
    iri = article_iri(article.id)
    url = article.url if article.url and not IRI_UNSAFE.search(article.url) else None
    same_url = f"UNION {{ ?g <{DCTERMS.source}> <{url}> }}" if url else ""
    ask = (
        f"ASK {{ GRAPH ?g {{ {{ ?g <{KG.contentHash}> {Literal(article.content_hash).n3()} }} "
        f"{same_url} }} FILTER(?g != <{iri}>) }}"
    )
    return bool(store.query(ask))


class KnowledgeGraph:
    """A store of article graphs with the operations people use on it."""

    def __init__(self, store: Store, model: str | None = None) -> None:
        self.store = store
        self.model = model

    @classmethod
    def open(cls, location: str | Path = "kg-store", model: str | None = None) -> KnowledgeGraph:
        """Open (or create) the store at a folder, or ``memory:``."""
        return cls(open_store(location), model)

    def add(self, *paths: str | Path) -> BuildReport:
        """Extract the articles at ``paths`` (files or folders) into the store."""
        from kg.ingest import read_articles

        return build(self.store, read_articles(paths), self.model)

    def add_text(self, text: str, id: str, **meta: str) -> int:
        """Extract one article given as text; returns the number of articles added."""
        return build(self.store, [Article(id=id, text=text, **meta)], self.model).added

    def remove(self, article_id: str) -> bool:
        return self.store.remove_graph(article_iri(article_id))

    def query(self, sparql: str) -> object:
        """Run SPARQL (kg's prefixes predeclared); SELECT gives a list of dicts."""
        result = prefixed_query(self.store, sparql)
        if hasattr(result, "variables"):
            table = solutions_table(result)
            return [dict(zip(table.columns, row, strict=True)) for row in table.rows]
        if isinstance(result, bool) or type(result).__name__ == "QueryBoolean":
            return bool(result)
        return render_result(result, "turtle")

    def ask(self, sparql: str) -> bool:
        return bool(prefixed_query(self.store, sparql))

    def to_rdflib(self) -> Dataset:
        return to_rdflib(self.store)

    def to_networkx(self, as_of: str | None = None, known_by: str | None = None) -> nx.MultiDiGraph:
        """The entity graph; ``as_of`` (YYYY-MM-DD): the facts that held that day;
        ``known_by``: as the articles dated by then told it. Edges carry since/until."""
        return to_networkx(self.store, as_of=as_of, known_by=known_by)

    def facts(
        self,
        as_of: str | None = None,
        known_by: str | None = None,
        entity: str | None = None,
        relation: str | None = None,
    ) -> list[FactRow]:
        """The facts that held on ``as_of`` (every fact when None), each once, with its span."""
        from kg.timeline import fact_rows

        return fact_rows(self.store, as_of, known_by, entity, relation)

    def timeline(self, name: str, known_by: str | None = None) -> list[Moment]:
        """An entity's facts in date order, with spans and the sentences behind them."""
        from kg.timeline import timeline

        return timeline(self.store, name, known_by)

    def stats(self) -> Stats:
        return stats(self.store)

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        return f"KnowledgeGraph({self.store.location!r}, {len(self.store)} quads)"

    def _repr_html_(self) -> str:
        """A notebook summary: size, entities by class, relations, the most central entities."""
        s = self.stats()
        where = "in memory" if self.store.location == MEMORY else html.escape(self.store.location)
        top = ", ".join(html.escape(r.label) for r in self.rank(by="degree", top=5))

        def table(title: str, counts: dict[str, int]) -> str:
            rows = "".join(
                f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in counts.items()
            )
            return f"<table><tr><th>{title}</th><th>count</th></tr>{rows}</table>"

        return (
            f"<div><b>KnowledgeGraph</b> ({where}): {s.articles} article(s), {s.quads} quads"
            f"<br>most connected: {top or '(none)'}"
            f'<div style="display: flex; gap: 2em">{table("class", s.entities)}'
            f"{table('relation', s.relations)}</div></div>"
        )

    def rank(self, by: str = "pagerank", top: int | None = None) -> list[Ranked]:
        """Entities from most to least central: ``pagerank``, ``degree`` or ``betweenness``."""
        from kg.analytics import rank

        return rank(self.to_networkx(), by=by, top=top)

    def path(self, start: str, end: str) -> list[Hop]:
        """The shortest chain of relations between two entities (labels or IRIs), with evidence."""
        from kg.analytics import evidence_index, shortest_path

        return shortest_path(self.to_networkx(), start, end, evidence_index(self.store))

    def viz(
        self,
        focus: str | None = None,
        depth: int = 1,
        max_nodes: int | None = None,
        query: str | None = None,
        height: int = 600,
        as_of: str | None = None,
        show_negated: bool = False,
    ) -> Page:
        """The interactive HTML view; a notebook cell draws it inline (``<iframe srcdoc>``)."""
        from kg.viz import Page, VizOptions, iso_date, viz_html

        day = iso_date(as_of) if as_of else None
        options = VizOptions(
            focus=focus,
            depth=depth,
            max_nodes=max_nodes,
            query=query,
            as_of=day,
            show_negated=show_negated,
        )
        return Page(viz_html(self.store, options), height)
