"""What every backend shares: the ``Store`` protocol, formats and quad helpers.

A store is a set of named graphs, one per article (plus any graphs imported
whole). Queries see the union of those graphs as their default graph, and
``GRAPH ?g { }`` reaches one of them. Results come back as pyoxigraph
objects (``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``) whatever the
backend, so the views and the CLI never ask which one they talk to.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Protocol

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import StoreError

MEMORY = "memory:"

RDF_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
    "json-ld": ox.RdfFormat.JSON_LD,
}
QUAD_FORMATS = frozenset({"nquads", "trig", "json-ld"})
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
RdfSource = bytes | IO[bytes] | Path


class Store(Protocol):
    """The operations kg needs from a graph store; one conformance suite tests them all."""

    location: str

    def replace_graph(self, graph: Graph) -> None:
        """Make ``graph`` (named by its identifier) the whole of that named graph, atomically."""

    def replace_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        """Replace several named graphs, each given as (IRI, N-Triples text; empty drops it).

        Embedded: one transaction for them all. Remote: one Graph Store PUT per
        graph, each atomic, so no server's limit on the size of an update applies.
        """

    def remove_graph(self, iri: str) -> bool:
        """Drop a named graph; False when there was none."""

    def query(self, sparql: str) -> QueryResult:
        """SPARQL 1.1 query over the union of the named graphs."""

    def update(self, sparql: str) -> None:
        """SPARQL 1.1 update, applied as one request."""

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of every named graph."""

    def dump(self, fmt: str) -> bytes:
        """The store serialised (quad formats keep graphs; triple formats give the union)."""

    def load(self, source: RdfSource, fmt: str, graph: str) -> int:
        """Add RDF; triples without a graph go to ``graph``. Returns the quads now held."""

    def graphs(self) -> list[str]:
        """The named graphs' IRIs, sorted."""

    def content_hash(self, iri: str) -> str | None:
        """The content hash recorded in an article's graph, or None when it is absent."""

    def __len__(self) -> int: ...

    def close(self) -> None: ...

    def flush(self) -> None:
        """Write buffered writes out (a no-op for stores that buffer nothing)."""


def first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def rdf_format(fmt: str) -> ox.RdfFormat:
    try:
        return RDF_FORMATS[fmt]
    except KeyError:
        names = ", ".join(sorted(RDF_FORMATS))
        raise StoreError(f"unknown RDF format '{fmt}'; use one of {names}") from None


def graph_quads(graph: Graph) -> list[ox.Quad]:
    """An rdflib graph's triples as pyoxigraph quads in the graph named by its identifier."""
    name = ox.NamedNode(str(graph.identifier))
    data = graph.serialize(format="nt", encoding="utf-8")
    triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES) if data.strip() else []
    return [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]


def replace_update(graphs: Sequence[tuple[str, str]]) -> str:
    """One SPARQL 1.1 update making each (IRI, N-Triples) the whole of its named graph."""
    steps = []
    for iri, triples in graphs:
        steps.append(f"DROP SILENT GRAPH <{iri}>")
        if triples.strip():
            steps.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{triples}}} }}")
    return " ;\n".join(steps)


def ntriples(quads: Iterable[ox.Quad]) -> str:
    """Quads' triples as N-Triples text (graph names dropped)."""
    return "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)


def serialize_quads(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """Quads in ``fmt``: quad formats keep graph names, triple formats give their union."""
    target = rdf_format(fmt)
    scratch = ox.Store()
    if fmt in QUAD_FORMATS:
        scratch.extend(quads)
        return scratch.dump(format=target)
    scratch.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return scratch.dump(format=target, from_graph=ox.DefaultGraph())


def source_args(source: RdfSource) -> dict[str, object]:
    """pyoxigraph's arguments for a source: a path is read natively, faster than a file object."""
    return {"path": str(source)} if isinstance(source, Path) else {"input": source}


def check_syntax(source: RdfSource, fmt: str) -> None:
    """Parse the whole source, keeping nothing; a StoreError names the first bad spot."""
    try:
        deque(ox.parse(**source_args(source), format=rdf_format(fmt)), maxlen=0)
    except SyntaxError as err:
        raise StoreError(f"cannot parse the {fmt} data: {first_line(err)}; fix the file") from err


def parse_quads(source: RdfSource, fmt: str, graph: str) -> Iterator[ox.Quad]:
    """Parse RDF; triples outside any named graph land in ``graph``."""
    name = ox.NamedNode(graph)
    try:
        for quad in ox.parse(**source_args(source), format=rdf_format(fmt)):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, name)
            yield quad
    except SyntaxError as err:
        raise StoreError(f"cannot parse the {fmt} data: {first_line(err)}; fix the file") from err
