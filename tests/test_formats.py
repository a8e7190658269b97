"""kg.formats: one table of RDF and result formats, agreeing with pyoxigraph and rdflib."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import InputError
from kg.formats import (
    EXPORT_FORMATS,
    QUAD_FORMATS,
    RDF_FILE_FORMATS,
    RDF_FORMATS,
    RESULT_FORMATS,
    extensions,
    format_of,
    result_syntax,
)


@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_formats_rdf_table_agrees_with_pyoxigraph(name: str) -> None:
    rdf = RDF_FORMATS[name]
    assert rdf.quads == rdf.syntax.supports_datasets
    assert f".{rdf.syntax.file_extension}" in rdf.extensions or not rdf.extensions


def test_formats_names() -> None:
    assert {"nquads", "trig", "json-ld"} == QUAD_FORMATS
    assert RDF_FILE_FORMATS == ("nquads", "trig", "turtle", "json-ld", "nt")
    assert (*RDF_FILE_FORMATS, "graphml") == EXPORT_FORMATS
    assert [RDF_FORMATS[n].media_type for n in RDF_FILE_FORMATS] == [
        "application/n-quads",
        "application/trig",
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
    ]


@pytest.mark.parametrize("name", sorted(RESULT_FORMATS))
def test_formats_result_names_are_pyoxigraphs(name: str) -> None:
    assert isinstance(result_syntax(name), ox.QueryResultsFormat)


@pytest.mark.parametrize(
    ("path", "allowed", "expected"),
    [
        ("a.nq", EXPORT_FORMATS, "nquads"),
        ("a.NQuads", EXPORT_FORMATS, "nquads"),
        ("a.ttl", RDF_FILE_FORMATS, "turtle"),
        ("a.json", RDF_FILE_FORMATS, "json-ld"),
        ("a.graphml", EXPORT_FORMATS, "graphml"),
    ],
)
def test_formats_format_of_reads_the_extension(
    path: str, allowed: tuple[str, ...], expected: str
) -> None:
    assert format_of(Path(path), allowed) == expected


@pytest.mark.parametrize(
    ("path", "allowed", "message"),
    [
        (
            "a.graphml",
            RDF_FILE_FORMATS,
            "a.graphml: unknown RDF file extension '.graphml'; use one of "
            ".json, .jsonld, .nq, .nquads, .nt, .trig, .ttl, .turtle",
        ),
        (
            "a.rdf",
            EXPORT_FORMATS,
            "a.rdf: unknown RDF file extension '.rdf'; use one of "
            ".graphml, .json, .jsonld, .nq, .nquads, .nt, .trig, .ttl, .turtle",
        ),
    ],
)
def test_formats_format_of_names_the_known_extensions(
    path: str, allowed: tuple[str, ...], message: str
) -> None:
    with pytest.raises(InputError) as raised:
        format_of(Path(path), allowed)
    assert str(raised.value) == message


def test_formats_every_extension_names_one_format() -> None:
    assert extensions() == {
        ".nq": "nquads",
        ".nquads": "nquads",
        ".trig": "trig",
        ".ttl": "turtle",
        ".turtle": "turtle",
        ".jsonld": "json-ld",
        ".json": "json-ld",
        ".nt": "nt",
        ".graphml": "graphml",
    }
