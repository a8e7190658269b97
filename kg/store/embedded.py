"""Embedded Oxigraph: on disk (RocksDB, the default) or in memory.

Every write of an article is one SPARQL update (drop the old graph, insert
the new one), which Oxigraph applies as one transaction; readers work on
snapshots, so they see an article whole or not at all, and a process killed
mid-build leaves the store with whole articles only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import QueryError, StoreError
from kg.ontology import KG
from kg.store.base import (
    MEMORY,
    QUAD_FORMATS,
    QueryResult,
    RdfSource,
    check_syntax,
    first_line,
    graph_quads,
    ntriples,
    rdf_format,
    replace_update,
    serialize_quads,
    source_args,
)


class OxigraphStore:
    """Embedded Oxigraph: on disk at ``path``, or in memory when ``path`` is None."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.location = str(path) if path is not None else MEMORY
        self._store = ox.Store() if path is None else open_disk(Path(path))

    def replace_graph(self, graph: Graph) -> None:
        """Swap in an article's graph in one transaction (drop the old, insert the new)."""
        self.replace_graphs([(str(graph.identifier), ntriples(graph_quads(graph)))])

    def replace_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        if graphs:
            self.update(replace_update(graphs))

    def remove_graph(self, iri: str) -> bool:
        if not self._store.contains_named_graph(ox.NamedNode(iri)):
            return False
        self._store.update(f"DROP GRAPH <{iri}>")
        return True

    def query(self, sparql: str) -> QueryResult:
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as err:
            raise QueryError(f"malformed SPARQL query: {first_line(err)}; fix the query") from err
        except (OSError, ValueError, RuntimeError) as err:
            raise QueryError(f"the query failed: {first_line(err)}") from err

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as err:
            raise QueryError(f"malformed SPARQL update: {first_line(err)}; fix the update") from err
        except (OSError, ValueError, RuntimeError) as err:
            raise QueryError(f"the update failed: {first_line(err)}") from err

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def dump(self, fmt: str) -> bytes:
        if fmt in QUAD_FORMATS - {"json-ld"}:
            return self._store.dump(format=rdf_format(fmt))
        return serialize_quads(self._store, fmt)

    def load(self, source: RdfSource, fmt: str, graph: str) -> int:
        """Add RDF with Oxigraph's bulk loader; the input is checked whole before any write.

        The check costs one extra parse (about a tenth of the load) but means a
        malformed file adds nothing. The bulk loader is not one transaction: if
        the process dies mid-load, importing the same file again completes it.
        """
        check_syntax(source, fmt)
        if hasattr(source, "seek"):
            source.seek(0)
        target = ox.NamedNode(graph)
        try:
            self._store.bulk_load(**source_args(source), format=rdf_format(fmt), to_graph=target)
        except (SyntaxError, OSError) as err:
            raise StoreError(f"cannot load the {fmt} data: {first_line(err)}") from err
        return len(self._store)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def content_hash(self, iri: str) -> str | None:
        node = ox.NamedNode(iri)
        found = self._store.quads_for_pattern(node, ox.NamedNode(str(KG.contentHash)), None, node)
        for quad in found:
            return quad.object.value
        return None

    def __len__(self) -> int:
        return len(self._store)

    def flush(self) -> None:
        """Write RocksDB's in-memory buffers to disk, so a long build's memory stays flat."""
        if self.location != MEMORY:
            self._store.flush()

    def close(self) -> None:
        """Flush and release the folder (Oxigraph unlocks it when the handle is dropped)."""
        self.flush()
        del self._store


def open_disk(path: Path) -> ox.Store:
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: is a file, not a store folder; pass a folder with --store")
    try:
        return ox.Store(str(path))
    except OSError as err:
        raise StoreError(
            f"{path}: cannot open the store ({first_line(err)}); is another kg process using it?"
        ) from err
