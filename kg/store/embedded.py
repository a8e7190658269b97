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

from kg.errors import StoreError
from kg.ontology import KG
from kg.store.base import (
    MEMORY,
    QUAD_FORMATS,
    QueryResult,
    RdfSource,
    Store,
    check_syntax,
    first_line,
    rdf_format,
    replace_update,
    serialize_quads,
    source_args,
    sparql_errors,
)


class OxigraphStore(Store):
    """Embedded Oxigraph: on disk at ``path``, or in memory when ``path`` is None.

    The merged layer is the store's own default graph, written in the same update
    (one transaction) as the graphs it follows.
    """

    atomic_updates = True

    def __init__(self, path: str | Path | None = None) -> None:
        self.location = str(path) if path is not None else MEMORY
        self._store = ox.Store() if path is None else open_disk(Path(path))
        self.buffers_writes = path is not None  # RocksDB's memtables

    def _write_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        """Swap in the graphs in one transaction (drop the old, insert the new)."""
        self.update(replace_update(graphs))

    def has_graph(self, iri: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(iri))

    def _drop_graph(self, iri: str) -> bool:
        if not self.has_graph(iri):
            return False
        self._store.update(f"DROP GRAPH <{iri}>")
        return True

    def _query(
        self, sparql: str, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> QueryResult:
        dataset: dict[str, object] = {}
        if default_graph is not None:
            dataset["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        if named_graphs is not None:
            dataset["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        with sparql_errors("query"):
            return self._store.query(sparql, **dataset)
        raise AssertionError("unreachable")  # pragma: no cover

    def update(self, sparql: str) -> None:
        with sparql_errors("update"):
            self._store.update(sparql)

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
        loaded = check_syntax(source, fmt, graph)
        if hasattr(source, "seek"):
            source.seek(0)
        # a quad format's default graph is a default graph (a kg export's merged layer)
        target = {} if fmt in QUAD_FORMATS else {"to_graph": ox.NamedNode(graph)}
        try:
            self._store.bulk_load(**source_args(source), format=rdf_format(fmt), **target)
        except (SyntaxError, OSError) as err:
            raise StoreError(f"cannot load the {fmt} data: {first_line(err)}") from err
        self._merge_loaded(loaded)
        return len(self._store)

    def _merge_loaded(self, graphs: set[str]) -> None:
        from kg.store import merged

        merged.refresh(self, merged.touched_in_store(self, sorted(graphs)))

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
        if self.buffers_writes:
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
