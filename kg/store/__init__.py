"""The graph store: one named graph per article, and the merged layer above them.

``open_store`` picks the backend from a location: a directory (embedded
Oxigraph on disk, the default), ``memory:`` (in memory), or an ``http(s)://``
SPARQL 1.1 endpoint (any server speaking SPARQL Query/Update and the Graph
Store Protocol). Every backend implements ``Store``; the CLI and the Python
API only use that protocol.

>>> store = open_store("memory:")
>>> len(store), store.graphs()
(0, [])
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.ontology import BASE
from kg.store.base import (
    MEMORY,
    QUAD_FORMATS,
    RDF_FORMATS,
    RESULT_FORMATS,
    QueryResult,
    Store,
    first_line,
)
from kg.store.embedded import OxigraphStore
from kg.store.merged import MERGED
from kg.store.readonly import ReadOnlyStore

if TYPE_CHECKING:
    from rdflib import Dataset

    from kg.store.http import Retry
    from kg.store.remote import Endpoints, SparqlStore

REMOTE_SCHEMES = ("http://", "https://")

__all__ = [
    "MEMORY",
    "QUAD_FORMATS",
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "Endpoints",
    "OxigraphStore",
    "QueryResult",
    "ReadOnlyStore",
    "Removal",
    "Retry",
    "SparqlStore",
    "Store",
    "first_line",
    "import_graph_iri",
    "open_store",
    "remove_article",
    "to_rdflib",
]


def open_store(
    location: str | Path | None,
    *,
    read_only: bool = False,
    must_exist: bool = False,
    retry: Retry | None = None,
) -> Store:
    """The store at ``location``: a folder, ``memory:`` or an endpoint URL.

    A folder is created when it holds no store yet, unless ``must_exist`` (then a
    StoreError says there is no store there: only building or importing creates
    one). ``read_only`` opens a folder for reading only (implies ``must_exist``):
    no lock is taken and nothing is written, so it works beside a process
    writing the store, on a read-only file system and on a full disk. Memory and
    remote stores ignore both.

    >>> from kg.errors import StoreError
    >>> try:
    ...     open_store("no-such-store", read_only=True)
    ... except StoreError as err:
    ...     print(str(err).split(";")[0])
    no-such-store: no such store
    """
    if location is None or str(location) == MEMORY:
        return OxigraphStore(None)
    if str(location).startswith(REMOTE_SCHEMES):
        from kg.store.http import Retry
        from kg.store.remote import Endpoints, SparqlStore

        return SparqlStore(Endpoints.from_url(str(location)), retry=retry or Retry())
    if read_only:
        return ReadOnlyStore(location)
    return OxigraphStore(location, must_exist=must_exist)


def __getattr__(name: str) -> Any:
    """The remote store's names, imported on first use: they bring http.client, about
    60 ms that a command on a store folder need not pay."""
    if name == "Retry":
        from kg.store.http import Retry

        return Retry
    if name in ("Endpoints", "SparqlStore"):
        from kg.store import remote

        return getattr(remote, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def to_rdflib(store: Store) -> Dataset:
    """The whole store as an rdflib Dataset: a named graph per article, the merged layer
    as its default graph."""
    from rdflib import Dataset

    dataset = Dataset()
    dataset.parse(io.BytesIO(store.dump("nquads")), format="nquads")
    return dataset


def import_graph_iri(name: str) -> str:
    """The named graph that an import's triples (those outside any graph) go to.

    >>> import_graph_iri("people")
    'https://w3id.org/kg-news/graph/people'
    """
    return BASE + "graph/" + "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)


@dataclass(frozen=True)
class Removal:
    """What ``remove_article`` took away: the article's graph and the entities only it named."""

    graph: str
    entities: tuple[str, ...]


LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
# Entities the article names (it carries their labels) that no other graph names.
ONLY_HERE = """SELECT DISTINCT ?e WHERE {{
  GRAPH <{graph}> {{ ?e {label} ?l }}
  FILTER NOT EXISTS {{ GRAPH ?other {{ ?e {label} ?m }}
                       FILTER(?other != <{graph}> && ?other != <{merged}>) }}
}}"""


def remove_article(store: Store, graph: str) -> Removal | None:
    """Drop an article's graph; None when the store has no such article.

    Entities (their type, label, aliases) live inside each article graph that
    mentions them, so the entities only this article named go with its graph,
    and those other articles name stay, each with its own statements.
    """
    gone = store.query(ONLY_HERE.format(graph=graph, label=LABEL, merged=MERGED))
    entities = tuple(sorted(row["e"].value for row in gone))
    if not store.remove_graph(graph):
        return None
    return Removal(graph, entities)
