"""SHACL validation of a store's graphs against ``ontologies/shapes.ttl`` (pySHACL)."""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate
from rdflib import Dataset, Graph

from kg.ontology import ontology_graph, shapes_graph


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    text: str


def union_graph(dataset: Dataset) -> Graph:
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def validate_graph(graph: Graph) -> ValidationReport:
    conforms, _, text = validate(
        graph,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return ValidationReport(bool(conforms), str(text))


def validate_dataset(dataset: Dataset) -> ValidationReport:
    """Validate the union of all article graphs (entities are shared across articles)."""
    return validate_graph(union_graph(dataset))
