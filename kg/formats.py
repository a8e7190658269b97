"""The RDF and SPARQL-results formats kg reads and writes, in one table each.

Each format has one name, used everywhere: by ``--format`` options, by the
store (``Store.dump``/``load``), by rdflib (whose names these are) and in
error messages; the file extensions kg recognises; and, through pyoxigraph's
own format objects, the media type and whether it carries named graphs.
Nothing heavy is imported here, so the CLI's ``--help`` can list the names.

>>> RDF_FORMATS["turtle"].media_type, RDF_FORMATS["turtle"].quads
('text/turtle', False)
>>> format_of(Path("dump.NQ"))
'nquads'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError

if TYPE_CHECKING:
    import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFormat:
    """An RDF syntax: kg's (and rdflib's) name, pyoxigraph's name, file extensions,
    whether it holds named graphs (a quad format) or one graph (a triple format),
    and whether kg writes it with its prefixes declared."""

    name: str
    oxigraph: str
    extensions: tuple[str, ...] = ()
    quads: bool = False
    prefixed: bool = False

    @property
    def syntax(self) -> ox.RdfFormat:
        """pyoxigraph's parser and serialiser for it."""
        import pyoxigraph as ox

        return getattr(ox.RdfFormat, self.oxigraph)

    @property
    def media_type(self) -> str:
        return self.syntax.media_type


RDF_FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("nquads", "N_QUADS", (".nq", ".nquads"), quads=True),
        RdfFormat("trig", "TRIG", (".trig",), quads=True, prefixed=True),
        RdfFormat("turtle", "TURTLE", (".ttl", ".turtle"), prefixed=True),
        RdfFormat("json-ld", "JSON_LD", (".jsonld", ".json"), quads=True),
        RdfFormat("nt", "N_TRIPLES", (".nt",)),
        RdfFormat("xml", "RDF_XML"),
    )
}
"""Every RDF format, by name; files are read and written in those with extensions."""

QUAD_FORMATS = frozenset(name for name, f in RDF_FORMATS.items() if f.quads)

RDF_FILE_FORMATS = tuple(name for name, f in RDF_FORMATS.items() if f.extensions)
"""The RDF formats kg reads and writes files in (``kg import``, ``kg extract -o``)."""
GRAPHML = "graphml"
"""Not RDF: the entity graph for Gephi and Cytoscape (``kg export``)."""
EXPORT_FORMATS = (*RDF_FILE_FORMATS, GRAPHML)
"""What ``kg export`` writes."""

RESULT_FORMATS = {"json": "JSON", "csv": "CSV", "tsv": "TSV", "xml": "XML"}
"""SPARQL SELECT/ASK result formats: kg's name -> pyoxigraph's ``QueryResultsFormat`` name."""


def result_syntax(name: str) -> ox.QueryResultsFormat:
    """pyoxigraph's serialiser for a result format name (``RESULT_FORMATS``)."""
    import pyoxigraph as ox

    return getattr(ox.QueryResultsFormat, RESULT_FORMATS[name])


def extensions() -> dict[str, str]:
    """File extension (lower case, with the dot) -> format name; ``.graphml`` too."""
    found = {ext: f.name for f in RDF_FORMATS.values() for ext in f.extensions}
    return {**found, ".graphml": GRAPHML}


def format_of(path: Path, allowed: tuple[str, ...] = EXPORT_FORMATS) -> str:
    """The format a file's extension names; InputError (naming the known ones) otherwise.

    >>> format_of(Path("x.graphml"), allowed=("nquads",))
    Traceback (most recent call last):
    kg.errors.InputError: x.graphml: unknown RDF file extension '.graphml'; use one of .nq, .nquads
    """
    by_extension = extensions()
    fmt = by_extension.get(path.suffix.lower())
    if fmt is None or fmt not in allowed:
        known = ", ".join(sorted(k for k, v in by_extension.items() if v in allowed))
        raise InputError(f"{path}: unknown RDF file extension '{path.suffix}'; use one of {known}")
    return fmt
