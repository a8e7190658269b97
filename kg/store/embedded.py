"""The graph store: a merged dataset with one named graph per article.

``open_store`` picks the backend from a location: a directory (embedded
Oxigraph on disk, the default), ``memory:`` (in memory). Every backend
implements ``Store``; the CLI and the Python API only use that protocol.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.errors import QueryError, StoreError
from kg.ontology import KG

MEMORY = "memory:"
RDF_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
}
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


class Store(Protocol):
    location: str

    def replace_graph(self, graph: Graph) -> None: ...
    def remove_graph(self, iri: str) -> bool: ...
    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples: ...
    def update(self, sparql: str) -> None: ...
    def dump(self, fmt: str) -> bytes: ...
    def load(self, data: bytes, fmt: str) -> None: ...
    def graphs(self) -> list[str]: ...
    def content_hash(self, iri: str) -> str | None: ...
    def __len__(self) -> int: ...
    def close(self) -> None: ...


class OxigraphStore:
    """Embedded Oxigraph: on disk at ``path``, or in memory when ``path`` is None."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.location = str(path) if path is not None else MEMORY
        if path is None:
            self._store = ox.Store()
            return
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path}: is a file, not a store folder; pass a folder with --store")
        try:
            self._store = ox.Store(str(path))
        except OSError as err:
            raise StoreError(
                f"{path}: cannot open the store ({err}); is another kg process writing to it?"
            ) from err

    def replace_graph(self, graph: Graph) -> None:
        """Swap in an article's graph in one transaction (drop the old, insert the new)."""
        name = ox.NamedNode(str(graph.identifier))
        data = graph.serialize(format="nt", encoding="utf-8")
        triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES) if data.strip() else []
        quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
        update = f"DROP SILENT GRAPH <{name.value}>"
        if quads:
            body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
            update += f";\nINSERT DATA {{ GRAPH <{name.value}> {{\n{body}\n}} }}"
        self._store.update(update)

    def remove_graph(self, iri: str) -> bool:
        name = ox.NamedNode(iri)
        if not self._store.contains_named_graph(name):
            return False
        self._store.update(f"DROP GRAPH <{iri}>")
        return True

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as err:
            raise QueryError(f"malformed SPARQL query: {first_line(err)}; fix the query") from err
        except (OSError, ValueError) as err:
            raise QueryError(f"the query failed: {first_line(err)}") from err

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as err:
            raise QueryError(f"malformed SPARQL update: {first_line(err)}; fix the update") from err

    def dump(self, fmt: str) -> bytes:
        if fmt in ("nquads", "trig"):
            return self._store.dump(format=RDF_FORMATS[fmt])
        union = ox.Store()
        union.extend(ox.Quad(q.subject, q.predicate, q.object) for q in self._store)
        return union.dump(format=RDF_FORMATS[fmt], from_graph=ox.DefaultGraph())

    def load(self, data: bytes, fmt: str) -> None:
        try:
            quads = list(ox.parse(data, format=RDF_FORMATS[fmt]))
        except SyntaxError as err:
            raise StoreError(f"cannot parse the {fmt} data: {first_line(err)}") from err
        self._store.extend(quads)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def content_hash(self, iri: str) -> str | None:
        found = self._store.quads_for_pattern(
            ox.NamedNode(iri), ox.NamedNode(str(KG.contentHash)), None, ox.NamedNode(iri)
        )
        for quad in found:
            return quad.object.value
        return None

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        self._store.flush() if self.location != MEMORY else None
        del self._store


def open_store(location: str | Path | None) -> Store:
    """The store at ``location``: a folder (created if needed) or ``memory:``."""
    if location is None or str(location) == MEMORY:
        return OxigraphStore(None)
    return OxigraphStore(location)


def to_rdflib(store: Store) -> Dataset:
    """The whole store as an rdflib Dataset (named graph per article)."""
    dataset = Dataset()
    dataset.parse(io.BytesIO(store.dump("nquads")), format="nquads")
    return dataset


def first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def add_graphs(store: Store, graphs: Iterable[Graph]) -> int:
    count = 0
    for graph in graphs:
        store.replace_graph(graph)
        count += 1
    return count
