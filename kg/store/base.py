"""What every backend shares: the ``Store`` protocol, formats and quad helpers.

A store is a set of named graphs, one per article (plus any graphs imported
whole), and a merged layer above them (``kg.store.merged``): each entity
once, each fact once with its sources, modality and span. Queries read the
merged layer as their default graph, and ``GRAPH ?g { }`` reaches one article.
Results come back as pyoxigraph
objects (``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``) whatever the
backend, so the views and the CLI never ask which one they talk to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, ClassVar

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.formats import QUAD_FORMATS, RDF_FORMATS, RESULT_FORMATS  # noqa: F401  kg.store's

if TYPE_CHECKING:
    from rdflib import Graph

if TYPE_CHECKING:
    from kg.store import merged

MEMORY = "memory:"

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
RdfSource = bytes | IO[bytes] | Path


class Store:
    """The operations kg needs from a graph store; one conformance suite tests every backend.

    A backend implements the primitives (``_write_graphs``, ``_drop_graph``,
    ``_query``, ``update``, ``quads``, ``load``, ``graphs``...); the base class
    keeps the merged layer (``kg.store.merged``) in step with every write, so
    no backend can forget it. Capability flags say what a backend can do:
    ``buffers_writes`` (``flush()`` writes buffered writes out) and
    ``update_chunk`` (the most triples one update should carry; None: no limit) and
    ``atomic_updates`` (one update is one transaction, so graphs and the merged layer
    change together: a crash between them cannot leave the merged layer behind).
    """

    location: str
    buffers_writes: ClassVar[bool] = False
    update_chunk: ClassVar[int | None] = None
    indexed_lookups: ClassVar[bool] = False
    """``quads_matching`` answers a quad pattern from an index (embedded Oxigraph)."""
    atomic_updates: ClassVar[bool] = False
    """One SPARQL update is one transaction, whatever its size: an article's graph and
    its part of the merged layer are written together."""
    merged_graph: ClassVar[str | None] = None
    """Where the merged layer lives: None for the store's own default graph."""
    evidence: merged.Evidence | None = None
    """The evidence of the graphs written while ``remembering`` (index-lookup stores)."""

    # -- writes: article graphs, then the merged layer for what they touch --

    def replace_graph(self, graph: Graph) -> None:
        """Make ``graph`` (named by its identifier) the whole of that named graph, atomically."""
        self.replace_graphs([(str(graph.identifier), ntriples(graph_quads(graph)))])

    def replace_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        """Replace several named graphs, each given as (IRI, N-Triples text; empty drops it),
        then update the merged layer for the facts and entities they touched (old or new).

        Embedded: one transaction for the graphs. Remote: one Graph Store PUT per
        graph, each atomic, so no server's limit on the size of an update applies.
        """
        if not graphs:
            return
        from kg.store import merged

        before = merged.touched_in_store(self, [iri for iri, _ in graphs])
        if self.atomic_updates:  # graphs and merged layer in one transaction
            pending = merged.Pending.of(graphs)
            touched = before | pending.touched()
            steps = merged.refresh_steps(self, touched, pending=pending, replaced=before.entities)
            with self.forgetting_on_error():
                self.update(" ;\n".join([replace_update(graphs), *steps]))
            if self.evidence is not None:
                self.evidence.remember(pending)
            return
        touched = before | merged.touched_in_ntriples(text for _, text in graphs)
        self._write_graphs(graphs)
        merged.refresh(self, touched)

    def remove_graph(self, iri: str) -> bool:
        """Drop a named graph, and its part of the merged layer; False when there was none."""
        from kg.store import merged

        if self.atomic_updates:
            if not self.has_graph(iri):
                return False
            before = merged.touched_in_store(self, [iri])
            steps = merged.refresh_steps(self, before, pending=merged.Pending.of([(iri, "")]))
            with self.forgetting_on_error():
                self.update(" ;\n".join([f"DROP SILENT GRAPH <{iri}>", *steps]))
            if self.evidence is not None:
                self.evidence.forget([iri])
            return True
        before = merged.touched_in_store(self, [iri])
        if not self._drop_graph(iri):
            return False
        merged.refresh(self, before)
        return True

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """Keep the evidence of the graphs written meanwhile in memory (``merged.Evidence``),
        so each batch's refresh reads from the store only what was there before.

        For a writer that holds the store alone while it lasts (``kg build`` holds the
        embedded store's lock); other stores (remote ones) ignore it.
        """
        from kg.store import merged

        if not (self.indexed_lookups and self.atomic_updates) or self.evidence is not None:
            yield
            return
        self.evidence = merged.Evidence()
        try:
            yield
        finally:
            self.evidence = None

    @contextmanager
    def forgetting_on_error(self) -> Iterator[None]:
        """A write that fails may have left anything: what is remembered is dropped."""
        try:
            yield
        except BaseException:
            self.evidence = None if self.evidence is None else type(self.evidence)()
            raise

    def rebuild_merged(self) -> None:
        """Recompute the whole merged layer from the article graphs (after an import)."""
        from kg.store import merged

        merged.rebuild(self)

    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """SPARQL 1.1 query. Its default graph is the merged layer and ``GRAPH ?g`` reaches
        the article graphs, unless the query says otherwise (``FROM``, ``FROM NAMED``) or
        the protocol's ``default_graph`` / ``named_graphs`` (graph IRIs) are given."""
        return self._query(sparql, default_graph, named_graphs)

    def query_merged(self, sparql: str) -> QueryResult:
        """A query over the merged layer alone, whatever the server makes its default graph."""
        if self.merged_graph is None:
            return self.query(sparql)
        return self.query(sparql, default_graph=[self.merged_graph], named_graphs=[])

    # -- what each backend provides --

    def _write_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        raise NotImplementedError

    def _drop_graph(self, iri: str) -> bool:
        raise NotImplementedError

    def _query(
        self, sparql: str, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> QueryResult:
        raise NotImplementedError

    def update(self, sparql: str) -> None:
        """SPARQL 1.1 update, applied as one request."""
        raise NotImplementedError

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad: the merged layer's in the default graph, then every named graph's."""
        raise NotImplementedError

    def dump(self, fmt: str) -> bytes:
        """The store serialised (quad formats keep graphs; triple formats give the union)."""
        return serialize_quads(self.quads(), fmt)

    def load(self, source: RdfSource, fmt: str, graph: str) -> int:
        """Add RDF; triples without a graph go to ``graph``. Returns the quads now held."""
        raise NotImplementedError

    def graphs(self) -> list[str]:
        """The named graphs' IRIs (articles and imports), sorted."""
        raise NotImplementedError

    def has_graph(self, iri: str) -> bool:
        return iri in self.graphs()

    def quads_matching(
        self, s: ox.Term | None, p: ox.Term | None, o: ox.Term | None, g: ox.Term | None
    ) -> Iterator[ox.Quad]:
        """The quads matching a pattern (None: any); only with ``indexed_lookups``."""
        raise NotImplementedError

    def content_hash(self, iri: str) -> str | None:
        """The content hash recorded in an article's graph, or None when it is absent."""
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        """Release the store (nothing to do by default)."""

    def flush(self) -> None:
        """Write buffered writes out (only stores with ``buffers_writes`` have any)."""


QUERY_ERRORS = (OSError, ValueError, RuntimeError)


@contextmanager
def sparql_errors(kind: str = "query", syntax_only: bool = False) -> Iterator[None]:
    """SPARQL errors as one-line ``QueryError``s: a malformed query or update, or one that
    failed; with ``syntax_only``, only syntax errors are raised (a server judges the rest)."""
    try:
        yield
    except SyntaxError as err:
        raise QueryError(f"malformed SPARQL {kind}: {first_line(err)}; fix the {kind}") from err
    except QUERY_ERRORS as err:
        if not syntax_only:
            raise QueryError(f"the {kind} failed: {first_line(err)}") from err


def first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def rdf_format(fmt: str) -> ox.RdfFormat:
    try:
        return RDF_FORMATS[fmt].syntax
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


def check_syntax(source: RdfSource, fmt: str, graph: str) -> set[str]:
    """Parse the whole source, keeping only the graphs it fills (``graph`` for triples
    outside any); a StoreError names the first bad spot."""
    graphs: set[str] = set()
    keep_default = fmt in QUAD_FORMATS
    try:
        for quad in ox.parse(**source_args(source), format=rdf_format(fmt)):
            name = quad.graph_name
            if isinstance(name, ox.NamedNode):
                graphs.add(name.value)
            elif not keep_default:
                graphs.add(graph)
    except SyntaxError as err:
        raise StoreError(f"cannot parse the {fmt} data: {first_line(err)}; fix the file") from err
    return graphs


def parse_quads(source: RdfSource, fmt: str, graph: str) -> Iterator[ox.Quad]:
    """Parse RDF; a triple format's triples land in ``graph`` (a quad format's default
    graph stays the default graph: in a kg export, the merged layer)."""
    name = ox.NamedNode(graph)
    keep_default = fmt in QUAD_FORMATS
    try:
        for quad in ox.parse(**source_args(source), format=rdf_format(fmt)):
            if isinstance(quad.graph_name, ox.DefaultGraph) and not keep_default:
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, name)
            yield quad
    except SyntaxError as err:
        raise StoreError(f"cannot parse the {fmt} data: {first_line(err)}; fix the file") from err
