"""Embedded Oxigraph: on disk (RocksDB, the default) or in memory.

Every write of an article is one SPARQL update (drop the old graph, insert
the new one), which Oxigraph applies as one transaction; readers work on
snapshots, so they see an article whole or not at all, and a process killed
mid-build leaves the store with whole articles only.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
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
    (one transaction) as the graphs it follows. ``must_exist`` refuses a folder
    that holds no store yet (read commands, and ``kg remove``: only building or
    importing creates a store).
    """

    atomic_updates = True
    indexed_lookups = True

    def __init__(self, path: str | Path | None = None, *, must_exist: bool = False) -> None:
        self.location = str(path) if path is not None else MEMORY
        self._store = ox.Store() if path is None else open_disk(Path(path), must_exist)
        self.buffers_writes = path is not None  # RocksDB's memtables

    def _write_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        """Swap in the graphs in one transaction (drop the old, insert the new)."""
        self.update(replace_update(graphs))

    def quads_matching(
        self, s: ox.Term | None, p: ox.Term | None, o: ox.Term | None, g: ox.Term | None
    ) -> Iterator[ox.Quad]:
        return self._store.quads_for_pattern(s, p, o, g)

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
        try:
            self._store.update(sparql)
        except SyntaxError as err:
            raise QueryError(f"malformed SPARQL update: {first_line(err)}; fix the update") from err
        except OSError as err:
            raise StoreError(
                f"{self.location}: cannot write the store: {fault(err, True)}"
            ) from None
        except (ValueError, RuntimeError) as err:
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
        """Write RocksDB's in-memory buffers to disk, so a long build's memory stays flat.

        Once it returns, every write so far is in the store's table files (RocksDB
        syncs them); a full disk or a failing device is a StoreError naming it.
        """
        if not self.buffers_writes:
            return
        try:
            self._store.flush()
        except (OSError, RuntimeError) as err:
            raise StoreError(
                f"{self.location}: cannot write the store to disk: {fault(err, writing=True)}"
            ) from err

    def reopen(self) -> None:
        """Flush, close the database and open it again, to release what RocksDB keeps.

        RocksDB holds, for as long as the database is open, block caches (Oxigraph's
        string table has one of 128 MB) and the index and filter blocks of every table
        file it has read, all growing with the store; only closing it gives them back.
        ``kg build`` reopens the store every ``WriteBatch.flush_every`` articles, so its
        memory stays flat (``kg.pipeline.settle``). A query result still in use keeps
        the database open, so it cannot be opened again: a StoreError says so. An
        in-memory store only flushes (there is nothing to reopen).
        """
        self.flush()
        if not self.buffers_writes:
            return
        del self._store  # dropping the handle closes the database and unlocks the folder
        for attempt in range(2):
            try:
                self._store = ox.Store(self.location)
                return
            except OSError as err:
                if attempt == 0:
                    gc.collect()  # a result no longer used, held in a reference cycle
                    continue
                raise StoreError(
                    f"{self.location}: cannot reopen the store ({fault(err, True)}); "
                    "a query result from it is still in use: consume or delete it first"
                ) from err

    def close(self) -> None:
        """Flush and release the folder (Oxigraph unlocks it when the handle is dropped).

        The handle is released even when the flush fails, so the error reaches the
        user as one line and the next command finds the real cause, not a lock.
        """
        if not hasattr(self, "_store"):  # closed already, or a reopening failed
            return
        try:
            self.flush()
        finally:
            del self._store  # dropping the handle closes the database and unlocks the folder


STORE_FILE = "CURRENT"
"""A file every Oxigraph (RocksDB) store folder holds: its presence tells a store from a folder."""

FAULTS = (
    ("No space left on device", "no space left on the device; free some space, then run it again"),
    (
        "Read-only file system",
        "the folder is on a read-only file system; read commands (query, "
        "stats, export...) work there; build into a copy on a writable disk",
    ),
    ("Permission denied", "permission denied; check the folder's owner and permissions"),
    ("Disk quota exceeded", "the disk quota is used up; free some space, then run it again"),
    ("Input/output error", "the device reported an I/O error; check the disk"),
)
"""What an OS error in Oxigraph's message means for the user, by its strerror text."""


def fault(err: BaseException, writing: bool) -> str:
    """The real cause of a store failure, as the end of one line.

    >>> fault(OSError("IO error: While open a file for appending: s/LOG: Read-only file system"),
    ...       writing=True).split(";")[0]
    'the folder is on a read-only file system'
    >>> fault(OSError("IO error: While lock file: s/LOCK: Resource temporarily unavailable"),
    ...       writing=True).split(";")[0]
    'another kg process is writing it (build, import, remove or serve --allow-update)'
    """
    text = str(err)
    for cause, hint in FAULTS:
        if cause in text:
            return hint
    if writing and "LOCK" in text:
        return (
            "another kg process is writing it (build, import, remove or serve --allow-update); "
            "wait for it to finish (read commands work beside it)"
        )
    return first_line(err)


def open_disk(path: Path, must_exist: bool = False) -> ox.Store:
    """The store in folder ``path`` opened for writing (created unless ``must_exist``)."""
    check_folder(path, must_exist)
    try:
        return ox.Store(str(path))
    except OSError as err:
        raise StoreError(f"{path}: cannot open the store for writing: {fault(err, True)}") from err


def check_folder(path: Path, must_exist: bool) -> None:
    """StoreError unless ``path`` is a store folder (or, without ``must_exist``, may become one)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError as err:
        raise StoreError(f"{path}: cannot reach the store: {fault(err, False)}") from err
    if found is not None and not stat.S_ISDIR(found.st_mode):
        raise StoreError(f"{path}: is a file, not a store folder; pass a folder with --store")
    if must_exist and not holds_store(path):
        what = "is a folder but holds no kg store" if found else "no such store"
        raise StoreError(
            f"{path}: {what}; check --store (or KG_STORE), or create it with "
            f"`kg build INPUT... --store {path}` or `kg import`"
        )


def holds_store(path: Path) -> bool:
    """Whether ``path`` holds an Oxigraph store (permission problems are left to the opening)."""
    try:
        os.stat(path / STORE_FILE)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True
