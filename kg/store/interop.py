"""Moving a store in and out: RDF files (N-Quads, TriG, Turtle, JSON-LD, N-Triples) and GraphML."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from kg.errors import InputError
from kg.rdf import FORMATS as RDF_EXTENSIONS
from kg.store import Store, import_graph_iri
from kg.views import to_networkx

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
    if fmt == "graphml":
        return to_graphml(store)
    return store.dump(fmt)


def to_graphml(store: Store) -> bytes:
    """The entity graph (``to_networkx``) as GraphML for Gephi and Cytoscape."""
    out = io.BytesIO()
    nx.write_graphml(to_networkx(store), out, encoding="utf-8", named_key_ids=True)
    return out.getvalue()
