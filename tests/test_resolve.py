"""Resolution: one entity per thing within an article, IRIs that meet across articles."""

from __future__ import annotations

import pytest

from kg.model import Article, Extraction, Mention
from kg.ontology import entity_iri
from kg.resolve import resolve


def mention(text: str, cls: str, start: int, name: str | None = None, gaz: bool = False) -> Mention:
    return Mention(text, name or text, cls, start, start + len(text), 0, gaz)


def entities(*mentions: Mention) -> dict[str, tuple[str, str, set[str]]]:
    extraction = Extraction(Article(id="a", text="x"), tuple(mentions), ())
    return {e.label: (e.iri, e.cls, e.aliases) for e in resolve(extraction).entities}


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        (
            [
                mention("Leica Camera AG", "Organization", 0, "Leica", True),
                mention("LEICA", "Organization", 20, "Leica", True),
            ],
            {
                "Leica": (
                    entity_iri("Organization", "leica"),
                    "Organization",
                    {"Leica Camera AG", "LEICA"},
                )
            },
        ),
        (
            [mention("Lei Jun", "Person", 0), mention("Jun", "Person", 30)],
            {"Lei Jun": (entity_iri("Person", "lei jun"), "Person", {"Jun"})},
        ),
        (
            [mention("Huawei P9", "Product", 0), mention("P9", "Product", 30)],
            {"Huawei P9": (entity_iri("Product", "huawei p9"), "Product", {"P9"})},
        ),
        (
            [
                mention("Velo X2", "Product", 0),
                mention("Orbis X2", "Product", 20),
                mention("X2", "Product", 40),
            ],
            {
                "Velo X2": (entity_iri("Product", "velo x2"), "Product", set()),
                "Orbis X2": (entity_iri("Product", "orbis x2"), "Product", set()),
                "X2": (entity_iri("Product", "x2"), "Product", set()),
            },
        ),
        (
            [
                mention("Acme Widgets Inc.", "Organization", 0, "Acme Widgets Inc."),
                mention("Acme Widgets", "Organization", 40),
            ],
            {
                "Acme Widgets Inc.": (
                    entity_iri("Organization", "acme widgets"),
                    "Organization",
                    {"Acme Widgets"},
                )
            },
        ),
        (
            [mention("Ravel Motors", "Organization", 0), mention("Ravel", "Organization", 30)],
            {
                "Ravel Motors": (
                    entity_iri("Organization", "ravel motors"),
                    "Organization",
                    {"Ravel"},
                )
            },
        ),
        (
            [
                mention("Sony", "Organization", 0, "Sony", True),
                mention("Sony Pictures", "Organization", 30),
            ],
            {
                "Sony": (entity_iri("Organization", "sony"), "Organization", set()),
                "Sony Pictures": (
                    entity_iri("Organization", "sony pictures"),
                    "Organization",
                    set(),
                ),
            },
        ),
    ],
    ids=[
        "suffix-and-case",
        "short-person-name",
        "product-without-its-maker",
        "product-name-shared-by-two-makers",
        "unknown-company-suffix",
        "unknown-company-without-its-organisation-word",
        "known-company-and-its-unit-stay-apart",
    ],
)
def test_resolve_merges_surface_forms(mentions: list[Mention], expected: dict) -> None:
    assert entities(*mentions) == expected


def test_resolve_keeps_same_name_of_different_classes_apart() -> None:
    extraction = Extraction(
        Article(id="a", text="x"),
        (mention("Pixel", "Organization", 0), mention("Pixel", "Product", 10)),
        (),
    )
    iris = sorted(e.iri for e in resolve(extraction).entities)
    assert iris == [entity_iri("Organization", "pixel"), entity_iri("Product", "pixel")]


def test_resolve_iri_is_the_same_across_articles() -> None:
    one = Extraction(
        Article(id="a", text="x"), (mention("Xiaomi Corp", "Organization", 0, "Xiaomi", True),), ()
    )
    two = Extraction(
        Article(id="b", text="y"), (mention("XIAOMI", "Organization", 0, "Xiaomi", True),), ()
    )
    assert [e.iri for e in resolve(one).entities] == [e.iri for e in resolve(two).entities]


@pytest.mark.model
def test_resolve_across_articles_one_iri_one_label_every_alias() -> None:
    from kg import KnowledgeGraph

    kg = KnowledgeGraph.open("memory:")
    kg.add_text("OnePlus launched the OnePlus 9 series with Hasselblad.", id="one")
    kg.add_text("The OnePlus 9 Series uses Hasselblad colour tuning. ONEPLUS said so.", id="two")
    rows = kg.query(
        "SELECT ?e (COUNT(DISTINCT ?l) AS ?labels) WHERE { ?e rdfs:label ?l } GROUP BY ?e "
        "HAVING (COUNT(DISTINCT ?l) > 1)"
    )
    assert rows == []
    product = kg.query("SELECT DISTINCT ?label WHERE { ?e a kg:Product ; rdfs:label ?label }")
    assert product == [{"label": "OnePlus 9 Series"}]
    aliases = kg.query(
        "SELECT DISTINCT ?alias WHERE { ?e a kg:Product ; skos:altLabel ?alias } ORDER BY ?alias"
    )
    assert aliases == [{"alias": "OnePlus 9 series"}]
    company = kg.query(
        "SELECT DISTINCT ?alias WHERE { ?e rdfs:label 'OnePlus' ; skos:altLabel ?alias }"
    )
    assert company == [{"alias": "ONEPLUS"}]


@pytest.mark.model
def test_resolve_counts_the_sources_of_a_fact() -> None:
    from kg import KnowledgeGraph

    kg = KnowledgeGraph.open("memory:")
    kg.add_text("Xiaomi has teamed up with Leica.", id="one")
    kg.add_text("Leica and Xiaomi are partners now.", id="two")
    kg.add_text("Sony makes sensors.", id="three")
    rows = kg.query(
        """SELECT ?a ?b ?sources WHERE {
             ?f a kg:Fact ; rdf:subject ?s ; rdf:predicate kg:partnersWith ; rdf:object ?o ;
                kg:sources ?sources . ?s rdfs:label ?a . ?o rdfs:label ?b }"""
    )
    assert rows == [{"a": "Leica", "b": "Xiaomi", "sources": "2"}]
    evidence = kg.query(
        """SELECT ?a ?b (COUNT(DISTINCT ?article) AS ?sources) WHERE { GRAPH ?g {
             ?ev rdf:subject ?s ; rdf:predicate kg:partnersWith ; rdf:object ?o ;
                 kg:fromArticle ?article .
             ?s rdfs:label ?x . ?o rdfs:label ?y .
             BIND(IF(?x < ?y, ?x, ?y) AS ?a) BIND(IF(?x < ?y, ?y, ?x) AS ?b)
           } } GROUP BY ?a ?b"""
    )
    assert evidence == rows
