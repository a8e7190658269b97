"""A store folder opened read-only, for the commands that only read.

Oxigraph (RocksDB) opens a folder read-only without taking its lock and without
writing anything, so these commands work beside a running ``kg build`` or
``kg serve``, on a read-only file system, on a full disk, and on files the user
may read but not write. What a read-only handle sees is the store as of its
opening, whole articles only: the writer's log is replayed up to its last
finished transaction.

A writer working beside it has two effects, both handled here:

- its compactions delete table files the reader has not opened yet; a read that
  meets one reopens the folder and runs again (a bounded number of times);
- new articles: before each read the folder's files (names and sizes) are
  compared with those seen at opening, and a changed folder is reopened, so a
  long-running reader (``kg serve``) sees a build's articles as they are stored.

Query results are evaluated whole before they are handed on, so a retry never
happens halfway through a caller's loop.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox

from kg.errors import KGError, StoreError
from kg.store.base import QueryResult, RdfSource
from kg.store.embedded import OxigraphStore, check_folder, fault

if TYPE_CHECKING:
    from rdflib import Graph

ATTEMPTS = 5
"""Reads tried before giving up on a store a writer keeps compacting under them."""
PAUSE = 0.05
"""Seconds before the second attempt; each later one waits one more step."""

T = TypeVar("T")


class ReadOnlyStore(OxigraphStore):
    """An on-disk store opened for reading only; a write is a StoreError saying so."""

    def __init__(self, path: str | Path) -> None:
        self.location = str(path)
        self.path = Path(path)
        check_folder(self.path, must_exist=True)
        self._seen = folder_state(self.path)
        self._store = open_read_only(self.path)

    # Reading --------------------------------------------------------------------

    def _query(
        self, sparql: str, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> QueryResult:
        return self._read(
            lambda: settled(OxigraphStore._query(self, sparql, default_graph, named_graphs))
        )

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._read(lambda: list(self._store)))

    def dump(self, fmt: str) -> bytes:
        return self._read(lambda: OxigraphStore.dump(self, fmt))

    def graphs(self) -> list[str]:
        return self._read(lambda: OxigraphStore.graphs(self))

    def content_hash(self, iri: str) -> str | None:
        return self._read(lambda: OxigraphStore.content_hash(self, iri))

    def __len__(self) -> int:
        return self._read(lambda: len(self._store))

    def _read(self, read: Callable[[], T]) -> T:
        """``read()`` on the store as it is now, again after a writer moved files under it."""
        for attempt in range(ATTEMPTS):
            self._follow()
            try:
                return read()
            except (OSError, RuntimeError, KGError) as err:
                if not vanished(err) or attempt == ATTEMPTS - 1:
                    raise translated(err, self.location) from err
            time.sleep(PAUSE * (attempt + 1))
            self._reopen()
        raise AssertionError("unreachable")  # pragma: no cover

    def _follow(self) -> None:
        """Reopen when the folder changed since the handle was opened (a writer stored more)."""
        now = folder_state(self.path)
        if now != self._seen:
            self._reopen(now)

    def _reopen(self, state: frozenset[tuple[str, int]] | None = None) -> None:
        self._seen = state if state is not None else folder_state(self.path)
        self._store = open_read_only(self.path)

    # Writing is refused ------------------------------------------------------------

    def replace_graph(self, graph: Graph) -> None:
        raise self._refused()

    def replace_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        raise self._refused()

    def remove_graph(self, iri: str) -> bool:
        raise self._refused()

    def update(self, sparql: str) -> None:
        raise self._refused()

    def load(self, source: RdfSource, fmt: str, graph: str) -> int:
        raise self._refused()

    def flush(self) -> None:
        """Nothing to write."""

    def close(self) -> None:
        del self._store

    def _refused(self) -> StoreError:
        return StoreError(
            f"{self.location}: opened read-only; changing it needs a command that writes "
            "(kg build, import, remove, or serve --allow-update)"
        )


def open_read_only(path: Path) -> ox.Store:
    """Oxigraph's read-only handle on ``path``, retried while a writer moves files under it."""
    for attempt in range(ATTEMPTS):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as err:
            if not vanished(err) or attempt == ATTEMPTS - 1:
                raise StoreError(f"{path}: cannot read the store: {fault(err, False)}") from err
        time.sleep(PAUSE * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def folder_state(path: Path) -> frozenset[tuple[str, int]]:
    """The store folder's files and their sizes: any write by another process changes it."""
    state = set()
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                with suppress(OSError):  # a file deleted as we look is left out
                    state.add((entry.name, entry.stat().st_size))
    except OSError:
        pass  # the opening reports what is wrong with the folder
    return frozenset(state)


def vanished(err: BaseException | None) -> bool:
    """Whether ``err`` (or its cause) is a file a writer deleted under the reader."""
    while err is not None:
        if "No such file or directory" in str(err):
            return True
        err = err.__cause__
    return False


def translated(err: BaseException, location: str) -> BaseException:
    """The error to raise: kg's own as it is, an OS failure as one StoreError line."""
    if isinstance(err, KGError):
        return err
    if vanished(err):
        return StoreError(
            f"{location}: the store kept changing while it was read (a writer is compacting "
            "it); run the command again"
        )
    return StoreError(f"{location}: cannot read the store: {fault(err, False)}")


def settled(result: QueryResult) -> QueryResult:
    """A query result evaluated whole, as the same pyoxigraph type (so a retry can happen here)."""
    if isinstance(result, ox.QuerySolutions):
        data = result.serialize(format=ox.QueryResultsFormat.JSON)
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryTriples):
        scratch = ox.Store()
        scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in result)
        return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    return result
