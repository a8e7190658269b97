"""Moving a store in and out as RDF files: N-Quads, TriG, Turtle, JSON-LD, N-Triples.

The formats and their extensions are ``kg.formats``'; the entity graph as
GraphML is a view (``kg.views.network.to_graphml``), not RDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.formats import RDF_FILE_FORMATS, RDF_FORMATS, format_of
from kg.ontology import PREFIXES
from kg.store import Store, import_graph_iri
from kg.store.base import rdf_format


@dataclass(frozen=True)
class Imported:
    path: Path
    fmt: str
    graph: str
    quads: int


def import_file(store: Store, path: Path, graph: str | None = None) -> Imported:
    """Add an RDF file's quads; its triples outside any named graph go to ``graph``.

    Without ``graph`` they go to a graph named after the file (``import_graph_iri``),
    so every statement in a store lives in some named graph.
    """
    fmt = format_of(path, RDF_FILE_FORMATS)
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path")
    target = graph or import_graph_iri(path.stem)
    before = len(store)
    after = store.load(path, fmt, target)
    return Imported(path, fmt, target, after - before)


@dataclass(frozen=True)
class Exported:
    data: bytes
    summary: str
    """What was written: ``N quads`` or ``N triples``."""


def exported(store: Store, fmt: str) -> Exported:
    """The store in the RDF format ``fmt``: quad formats keep the article graphs; triple
    formats (Turtle, N-Triples) hold their union, each triple once; Turtle and TriG
    declare kg's prefixes.

    >>> from kg.store import open_store
    >>> store = open_store("memory:")  # the article's quad, and its copy in the merged layer:
    >>> store.load(b"<https://w3id.org/kg-news/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "
    ...            b'"A" <https://w3id.org/kg-news/article/x> .', "nquads", "urn:x")
    2
    >>> done = exported(store, "turtle")
    >>> done.summary, b'rdfs:label "A"' in done.data
    ('1 triple', True)
    """
    rdf = RDF_FORMATS[fmt]
    if not rdf.prefixed:
        data = store.dump(fmt)
        if rdf.quads:
            return Exported(data, counted(len(store), "quad"))
        return Exported(data, counted(data.count(b"\n"), "triple"))
    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()}
    scratch = ox.Store()
    if rdf.quads:
        scratch.bulk_extend(store.quads())
        data = scratch.dump(format=rdf_format(fmt), prefixes=prefixes)
        return Exported(data, counted(len(scratch), "quad"))
    scratch.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in store.quads())
    data = scratch.dump(format=rdf_format(fmt), from_graph=ox.DefaultGraph(), prefixes=prefixes)
    return Exported(data, counted(len(scratch), "triple"))


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
