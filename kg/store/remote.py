"""A remote store: any SPARQL 1.1 server, through standard protocols only.

Queries go out with SPARQL 1.1 Protocol (POST, form-encoded), updates with
SPARQL 1.1 Update, and article graphs are written whole with one Graph Store
Protocol PUT each (N-Triples), so a write either lands whole or not at all.
Queries name their dataset (``default-graph-uri`` / ``named-graph-uri``: the
store's graphs), because servers disagree on what an unnamed default graph
is; a server's own system graphs stay out of sight, since the store only sees
graphs whose IRI starts with ``graph_prefix`` (kg's namespace by default).
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import StoreError
from kg.ontology import BASE, KG
from kg.store.base import (
    QueryResult,
    RdfSource,
    Store,
    first_line,
    ntriples,
    parse_quads,
    replace_update,
    sparql_errors,
)
from kg.store.http import Response, Retry, request
from kg.store.merged import MERGED

ENDPOINT_ENV = {
    "query": "KG_STORE_QUERY_URL",
    "update": "KG_STORE_UPDATE_URL",
    "graph_store": "KG_STORE_GRAPH_URL",
}
PREFIX_ENV = "KG_STORE_GRAPH_PREFIX"
# "named" (default): every query names its dataset, the store's graphs; works on any server.
# "server": the server's default graph already is the union of its graphs (Oxigraph with
# --union-default-graph, Fuseki with unionDefaultGraph, GraphDB, Neptune, Virtuoso), so
# queries go out bare: cheaper on big stores, but the server's own graphs are in the union.
DATASET_ENV = "KG_STORE_DATASET"
DATASET_MODES = ("named", "server")
# Oxigraph server's layout, used when the URL is a bare host (http://host:7878).
ROOT_LAYOUT = {"query": "/query", "update": "/update", "graph_store": "/store"}
NO_GRAPH = BASE + "graph/none"  # the dataset of an empty store: a graph nobody writes

RESULTS_JSON = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
GRAPH_TYPES = {
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
GRAPH_PATTERNS = ("", "?s ?p ?o")  # cheap where supported, then the scan every server answers
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
NTRIPLES = {"Content-Type": "application/n-triples"}


@dataclass(frozen=True)
class Endpoints:
    """Where to send queries, updates and Graph Store Protocol requests."""

    query: str
    update: str
    graph_store: str | None = None

    @classmethod
    def from_url(cls, url: str, env: dict[str, str] | None = None) -> Endpoints:
        """Endpoints for ``url``; a bare host means Oxigraph's layout; env vars override."""
        env = dict(os.environ) if env is None else env
        parts = urllib.parse.urlsplit(url)
        if parts.username or parts.password:
            raise StoreError(
                "credentials in the store URL would show in process lists; "
                "set KG_STORE_USER and KG_STORE_PASSWORD instead"
            )
        base = url.rstrip("/")
        if parts.path in ("", "/"):
            found = {k: base + path for k, path in ROOT_LAYOUT.items()}
        else:
            found = {"query": url, "update": url, "graph_store": None}
        found.update({k: env[v] for k, v in ENDPOINT_ENV.items() if env.get(v)})
        return cls(**found)


# A query that names its own dataset: the server then reads it, not kg's default.
OWN_DATASET = re.compile(r"\bFROM\s+(NAMED\s+)?<([^>\s]*)>", re.IGNORECASE)


@dataclass(frozen=True)
class SparqlStore(Store):
    """A store behind SPARQL 1.1 Query/Update and the Graph Store Protocol.

    Transient failures are retried (``retry``); every write kg sends is
    idempotent (a graph replaced, quads added to a set), so a retry after a
    lost answer cannot double anything. The merged layer is the named graph
    ``MERGED``, which every query names as its default graph (servers differ
    on what their own default graph is); dumps show it as the default graph.
    """

    merged_graph = MERGED
    update_chunk = 5_000

    endpoints: Endpoints
    graph_prefix: str = field(default_factory=lambda: os.environ.get(PREFIX_ENV, BASE))
    retry: Retry = field(default_factory=Retry)
    dataset: str = field(default_factory=lambda: os.environ.get(DATASET_ENV) or "named")

    def __post_init__(self) -> None:
        if self.dataset not in DATASET_MODES:
            raise StoreError(
                f"{DATASET_ENV}={self.dataset!r} is not a dataset mode; use one of "
                + " or ".join(DATASET_MODES)
            )

    @property
    def location(self) -> str:
        return self.endpoints.query

    def _write_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        """One Graph Store PUT per graph (a DELETE for an empty one); without a graph
        store endpoint, one update per graph."""
        for iri, triples in graphs:
            if not triples.strip():
                self._drop_graph(iri)
            elif self.endpoints.graph_store:
                self._send("PUT", self._graph_url(iri), triples.encode("utf-8"), NTRIPLES)
            else:
                self.update(replace_update([(iri, triples)]))

    def _drop_graph(self, iri: str) -> bool:
        if not self._ask(f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"):
            return False
        if self.endpoints.graph_store:
            self._send("DELETE", self._graph_url(iri), ok_missing=True)
        else:
            self.update(f"DROP SILENT GRAPH <{iri}>")
        return True

    def _query(
        self, sparql: str, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> QueryResult:
        form = query_form(sparql)
        params = [("query", sparql), *self._dataset(sparql, default_graph, named_graphs)]
        accept = GRAPH_ACCEPT if form is ox.QueryTriples else RESULTS_JSON
        answer = self._post_form(self.endpoints.query, params, accept)
        return graph_result(answer) if form is ox.QueryTriples else solutions(answer)

    def _dataset(
        self, sparql: str, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> list[tuple[str, str]]:
        """The protocol's dataset parameters: those given; none when the query names its
        own (FROM, FROM NAMED); else the merged layer as default graph and the store's
        graphs as named graphs. In ``server`` mode, the server's named graphs answer
        ``GRAPH``: a query without it names only the merged layer; one with it goes
        bare, and its default graph is the server's (usually the union of all graphs)."""
        if default_graph is None and named_graphs is None:
            own = query_dataset(sparql)
            if own is not None:  # sent as protocol parameters too: some servers ignore FROM
                default_graph, named_graphs = own
                return [("default-graph-uri", g) for g in default_graph] + [
                    ("named-graph-uri", g) for g in named_graphs
                ]
            if self.dataset == "server":
                uses_graph = re.search(r"\bGRAPH\b", sparql, re.IGNORECASE)
                return [] if uses_graph else [("default-graph-uri", MERGED)]
        if default_graph is None:
            default_graph = [MERGED]
        if named_graphs is None:
            named_graphs = self.graphs() or [NO_GRAPH]
        params = [("default-graph-uri", g) for g in default_graph]
        return params + [("named-graph-uri", g) for g in named_graphs]

    def update(self, sparql: str) -> None:
        check_update(sparql)
        self._post_form(self.endpoints.update, [("update", sparql)], "*/*")

    def quads(self) -> Iterator[ox.Quad]:
        for triple in self._graph_triples(MERGED):
            yield ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph())
        for iri in self.graphs():
            name = ox.NamedNode(iri)
            for triple in self._graph_triples(iri):
                yield ox.Quad(triple.subject, triple.predicate, triple.object, name)

    def load(self, source: RdfSource, fmt: str, graph: str) -> int:
        """Add RDF one graph at a time (GSP POST, or INSERT DATA without a graph store)."""
        by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
        for quad in parse_quads(source, fmt, graph):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(MERGED))
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise StoreError(f"cannot load the {fmt} data: a blank-node graph name; name it")
            by_graph[quad.graph_name.value].append(quad)
        for iri, quads in by_graph.items():
            body = ntriples(quads)
            if self.endpoints.graph_store:
                self._send("POST", self._graph_url(iri), body.encode("utf-8"), NTRIPLES)
            else:
                self.update(f"INSERT DATA {{ GRAPH <{iri}> {{\n{body}}} }}")
        from kg.store import merged

        merged.refresh(self, merged.touched_in_store(self, sorted(set(by_graph) - {MERGED})))
        return len(self)

    def graphs(self) -> list[str]:
        """The store's graphs: ``GRAPH ?g {}`` lists them from the index where servers
        support it; where it finds none, a scan of the quads makes sure."""
        keep = f"FILTER(STRSTARTS(STR(?g), {literal(self.graph_prefix)}))"
        for pattern in GRAPH_PATTERNS:
            rows = self._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {pattern} }} {keep} }}")
            found = sorted(row["g"].value for row in rows if row["g"].value != MERGED)
            if found:
                return found
        return []

    def content_hash(self, iri: str) -> str | None:
        pattern = f"<{iri}> <{KG.contentHash}> ?h"
        rows = self._select(f"SELECT ?h WHERE {{ GRAPH <{iri}> {{ {pattern} }} }}")
        for row in rows:
            return row["h"].value
        return None

    def __len__(self) -> int:
        rows = self._select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(STRSTARTS(STR(?g), {literal(self.graph_prefix)})) }}"
        )
        return int(next(iter(rows))["n"].value)

    def close(self) -> None:
        """Nothing to release: every request is its own connection."""

    def _graph_triples(self, iri: str) -> Iterator[ox.Quad]:
        if self.endpoints.graph_store and iri != MERGED:  # the merged graph may not exist yet
            answer = self._send("GET", self._graph_url(iri), headers={"Accept": GRAPH_ACCEPT})
        else:
            sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
            answer = self._post_form(self.endpoints.query, [("query", sparql)], GRAPH_ACCEPT)
        return ox.parse(answer.body, format=graph_format(answer))

    def _select(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean:
        return solutions(self._post_form(self.endpoints.query, [("query", sparql)], RESULTS_JSON))

    def _ask(self, sparql: str) -> bool:
        return bool(self._select(sparql))

    def _graph_url(self, iri: str) -> str:
        base = self.endpoints.graph_store or ""
        joiner = "&" if "?" in base else "?"
        return f"{base}{joiner}{urllib.parse.urlencode({'graph': iri})}"

    def _post_form(self, url: str, params: list[tuple[str, str]], accept: str) -> Response:
        body = urllib.parse.urlencode(params).encode("utf-8")
        return self._send("POST", url, body, {**FORM, "Accept": accept})

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        ok_missing: bool = False,
    ) -> Response:
        return request(method, url, body, headers, self.retry, ok_missing)


def literal(text: str) -> str:
    return str(ox.Literal(text))


def query_dataset(sparql: str) -> tuple[list[str], list[str]] | None:
    """The query's own FROM and FROM NAMED graphs (IRIs written in full), or None.

    >>> query_dataset("SELECT * FROM <http://g> FROM NAMED <http://h> WHERE { ?s ?p ?o }")
    (['http://g'], ['http://h'])
    >>> query_dataset('SELECT * WHERE { ?s ?p "from <x>" }') is None
    True
    """
    head = sparql.split("{", 1)[0]
    found = OWN_DATASET.findall(head)
    if not found:
        return None
    return [i for named, i in found if not named], [i for named, i in found if named]


def query_form(sparql: str) -> type:
    """SELECT/ASK/CONSTRUCT, found by planning the query on an empty store (also checks syntax)."""
    with sparql_errors("query"):
        return type(ox.Store().query(sparql))
    raise AssertionError("unreachable")  # pragma: no cover


def check_update(sparql: str) -> None:
    """Only the syntax is checked here; the server judges the rest."""
    with sparql_errors("update", syntax_only=True):
        ox.Store().update(sparql)


def solutions(answer: Response) -> ox.QuerySolutions | ox.QueryBoolean:
    try:
        return ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
    except SyntaxError as err:
        raise StoreError(
            f"the endpoint answered with something other than SPARQL JSON results "
            f"({answer.content_type or 'no content type'}); is the URL a SPARQL query endpoint?"
        ) from err


def graph_format(answer: Response) -> ox.RdfFormat:
    media = answer.content_type.split(";")[0].strip().lower()
    return GRAPH_TYPES.get(media, ox.RdfFormat.TURTLE)  # N-Triples is Turtle too


def graph_result(answer: Response) -> ox.QueryTriples:
    """A CONSTRUCT/DESCRIBE answer as the same ``QueryTriples`` an embedded store returns."""
    scratch = ox.Store()
    try:
        scratch.load(answer.body, format=graph_format(answer))
    except SyntaxError as err:
        raise StoreError(f"the endpoint sent unreadable RDF: {first_line(err)}") from err
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
