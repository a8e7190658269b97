"""Moving a store in and out: RDF files (N-Quads, TriG, Turtle, JSON-LD, N-Triples) and GraphML."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.ontology import PREFIXES
from kg.rdf import FORMATS as RDF_EXTENSIONS
from kg.store import Store, import_graph_iri
from kg.store.base import QUAD_FORMATS, rdf_format

# file extension -> kg format name (kg.rdf's RDF extensions, plus graphml)
EXTENSIONS = {**RDF_EXTENSIONS, ".graphml": "graphml"}
EXPORT_FORMATS = ("nquads", "trig", "turtle", "json-ld", "nt", "graphml")
RDF_FORMATS = tuple(f for f in EXPORT_FORMATS if f != "graphml")


def format_for(path: Path, allowed: tuple[str, ...] = EXPORT_FORMATS) -> str:
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None or fmt not in allowed:
        known = ", ".join(sorted(k for k, v in EXTENSIONS.items() if v in allowed))
        raise InputError(f"{path}: unknown RDF file extension '{path.suffix}'; use one of {known}")
    return fmt


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
    fmt = format_for(path, RDF_FORMATS)
    if not path.is_file():
        raise InputError(f"{path}: no such file; check the path")
    target = graph or import_graph_iri(path.stem)
    before = len(store)
    after = store.load(path, fmt, target)
    return Imported(path, fmt, target, after - before)


def export_bytes(store: Store, fmt: str) -> bytes:
    """The store in ``fmt``: an RDF format, or GraphML of the entity graph."""
    return exported(store, fmt).data


@dataclass(frozen=True)
class Exported:
    data: bytes
    summary: str
    """What was written: ``N quads``, ``N triples`` or ``the entity graph``."""


PREFIXED_FORMATS = ("turtle", "trig")


def exported(store: Store, fmt: str) -> Exported:
    """The store in ``fmt``: quad formats keep the article graphs; Turtle and N-Triples hold
    their union, each triple once; Turtle and TriG declare kg's prefixes; GraphML is the
    entity graph.

    >>> from kg.store import open_store
    >>> store = open_store("memory:")  # the article's quad, and its copy in the merged layer:
    >>> store.load(b"<https://w3id.org/kg-news/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "
    ...            b'"A" <https://w3id.org/kg-news/article/x> .', "nquads", "urn:x")
    2
    >>> done = exported(store, "turtle")
    >>> done.summary, b'rdfs:label "A"' in done.data
    ('1 triple', True)
    """
    if fmt == "graphml":
        return Exported(to_graphml(store), "the entity graph")
    if fmt not in PREFIXED_FORMATS:
        data = store.dump(fmt)
        if fmt in QUAD_FORMATS:
            return Exported(data, counted(len(store), "quad"))
        return Exported(data, counted(data.count(b"\n"), "triple"))
    scratch = ox.Store()
    scratch.bulk_extend(ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS))
    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()}
    if fmt == "trig":
        data = scratch.dump(format=rdf_format(fmt), prefixes=prefixes)
        return Exported(data, counted(len(scratch), "quad"))
    union = ox.Store()
    union.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in scratch)
    data = union.dump(format=rdf_format(fmt), from_graph=ox.DefaultGraph(), prefixes=prefixes)
    return Exported(data, counted(len(union), "triple"))


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def to_graphml(store: Store) -> bytes:
    """The entity graph (``to_networkx``) as GraphML for Gephi and Cytoscape."""
    import networkx as nx

    from kg.views import to_networkx

    out = io.BytesIO()
    nx.write_graphml(to_networkx(store), out, encoding="utf-8", named_key_ids=True)
    return out.getvalue()
