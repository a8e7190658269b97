"""RDF: the article graph for a hand-made resolution, compared by isomorphism."""

from __future__ import annotations

from datetime import date

from rdflib import Graph
from rdflib.compare import isomorphic

from kg.model import Article, Entity, Modality, Resolution, ResolvedFact
from kg.rdf import article_graph, evidence_key

EXPECTED = """
@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix id: <https://w3id.org/kg-news/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://w3id.org/kg-news/article/note> a kg:Article ;
    dcterms:identifier "note" ;
    dcterms:title "A note" ;
    kg:readOn "2026-01-02"^^xsd:date ;
    kg:contentHash "HASH" .

id:organization\\/leica a kg:Organization ; rdfs:label "Leica" ; skos:altLabel "Leica Camera AG" .
id:product\\/x a kg:Product ; rdfs:label "Phone X" .

id:product\\/x kg:hasOptics id:organization\\/leica .

<https://w3id.org/kg-news/evidence/note/ASSERTED> a rdf:Statement ;
    rdf:subject id:product\\/x ; rdf:predicate kg:hasOptics ; rdf:object id:organization\\/leica ;
    kg:sentence "Phone X has Leica optics." ; kg:charStart 0 ; kg:charEnd 25 ;
    kg:confidence "0.850"^^xsd:decimal ; kg:modality kg:Hedged ; kg:pattern "hasOptics" ;
    kg:fromArticle <https://w3id.org/kg-news/article/note> .

<https://w3id.org/kg-news/evidence/note/NEGATED> a rdf:Statement ;
    rdf:subject id:product\\/x ; rdf:predicate kg:manufacturedBy ;
    rdf:object id:organization\\/leica ;
    kg:sentence "Leica does not make Phone X." ; kg:charStart 26 ; kg:charEnd 54 ;
    kg:confidence "0.900"^^xsd:decimal ; kg:modality kg:Negated ; kg:pattern "p" ;
    kg:fromArticle <https://w3id.org/kg-news/article/note> .
"""


def test_rdf_article_graph_is_exact() -> None:
    article = Article(
        id="note", text="Phone X has Leica optics. Leica does not make Phone X.", title="A note"
    )
    leica = Entity(
        "https://w3id.org/kg-news/id/organization/leica",
        "Leica",
        "Organization",
        {"Leica Camera AG"},
    )
    phone = Entity("https://w3id.org/kg-news/id/product/x", "Phone X", "Product")
    hedged = ResolvedFact(
        phone,
        "hasOptics",
        leica,
        Modality.HEDGED,
        0.85,
        "Phone X has Leica optics.",
        0,
        25,
        "hasOptics",
    )
    negated = ResolvedFact(
        phone,
        "manufacturedBy",
        leica,
        Modality.NEGATED,
        0.9,
        "Leica does not make Phone X.",
        26,
        54,
        "p",
    )
    graph = article_graph(Resolution(article, (leica, phone), (hedged, negated)), date(2026, 1, 2))
    expected = Graph().parse(
        data=EXPECTED.replace("HASH", article.content_hash)
        .replace("ASSERTED", evidence_key(hedged))
        .replace("NEGATED", evidence_key(negated)),
        format="turtle",
    )
    assert str(graph.identifier) == "https://w3id.org/kg-news/article/note"
    assert isomorphic(graph, expected), graph.serialize(format="turtle")


def test_rdf_same_resolution_gives_same_quads() -> None:
    article = Article(id="n", text="t")
    org = Entity("https://w3id.org/kg-news/id/organization/a", "A", "Organization")
    one = article_graph(Resolution(article, (org,), ()))
    two = article_graph(Resolution(article, (org,), ()))
    assert set(one) == set(two)
