"""Resolution -> rdflib Graph: one named graph per article.

The graph holds the article's metadata, its entities (type, one rdfs:label,
skos:altLabel), its asserted and hedged triples, and an rdf:Statement
evidence node for every fact, negated ones included. Every node is an IRI
minted from the content, so the same article always gives the same quads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.model import Article, Entity, Modality, Resolution, ResolvedFact
from kg.ontology import KG, PREFIXES, article_iri, evidence_iri

MODALITY_TERMS = {
    Modality.ASSERTED: KG.Asserted,
    Modality.HEDGED: KG.Hedged,
    Modality.NEGATED: KG.Negated,
}


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


def article_graph(resolution: Resolution) -> Graph:
    """The article's named graph (identifier: the article's IRI)."""
    article = resolution.article
    graph = bind_prefixes(Graph(identifier=URIRef(article_iri(article.id))))
    add_article(graph, article)
    for entity in resolution.entities:
        add_entity(graph, entity)
    for fact in resolution.facts:
        add_fact(graph, article, fact)
    return graph


def add_article(graph: Graph, article: Article) -> None:
    node = URIRef(article_iri(article.id))
    graph.add((node, RDF.type, KG.Article))
    graph.add((node, DCTERMS.identifier, Literal(article.id)))
    graph.add((node, KG.contentHash, Literal(article.content_hash)))
    if article.title:
        graph.add((node, DCTERMS.title, Literal(article.title)))
    if article.source:
        graph.add((node, KG.publisher, Literal(article.source)))
    if article.url:
        graph.add((node, DCTERMS.source, URIRef(article.url)))
    if article.published:
        graph.add((node, DCTERMS.date, date_literal(article.published)))
    if article.author:
        graph.add((node, DCTERMS.creator, Literal(article.author)))


def date_literal(value: str) -> Literal:
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return Literal(value, datatype=XSD.date)
    if len(value) > 10 and value[4] == "-" and "T" in value:
        return Literal(value, datatype=XSD.dateTime)
    return Literal(value)


def add_entity(graph: Graph, entity: Entity) -> None:
    node = URIRef(entity.iri)
    graph.add((node, RDF.type, KG[entity.cls]))
    graph.add((node, RDFS.label, Literal(entity.label)))
    for alias in sorted(entity.aliases):
        graph.add((node, SKOS.altLabel, Literal(alias)))


def object_term(fact: ResolvedFact) -> URIRef | Literal:
    if isinstance(fact.obj, str):
        return Literal(fact.obj, datatype=XSD.gYear)
    return URIRef(fact.obj.iri)


def add_fact(graph: Graph, article: Article, fact: ResolvedFact) -> None:
    subject, predicate, obj = URIRef(fact.subject.iri), KG[fact.predicate], object_term(fact)
    if fact.modality is not Modality.NEGATED:
        graph.add((subject, predicate, obj))
    node = URIRef(evidence_iri(article.id, evidence_key(fact)))
    graph.add((node, RDF.type, RDF.Statement))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, predicate))
    graph.add((node, RDF.object, obj))
    graph.add((node, KG.sentence, Literal(fact.sentence)))
    graph.add((node, KG.charStart, Literal(fact.sent_start)))
    graph.add((node, KG.charEnd, Literal(fact.sent_end)))
    graph.add((node, KG.confidence, Literal(f"{fact.confidence:.3f}", datatype=XSD.decimal)))
    graph.add((node, KG.modality, MODALITY_TERMS[fact.modality]))
    graph.add((node, KG.pattern, Literal(fact.pattern)))
    graph.add((node, KG.fromArticle, URIRef(article_iri(article.id))))


def evidence_key(fact: ResolvedFact) -> str:
    obj = fact.obj if isinstance(fact.obj, str) else fact.obj.iri
    raw = f"{fact.subject.iri}|{fact.predicate}|{obj}|{fact.sent_start}|{fact.modality}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def dataset_of(graphs: Iterable[Graph]) -> Dataset:
    """An rdflib Dataset holding the given article graphs as named graphs."""
    dataset = Dataset()
    bind_prefixes(dataset)
    for graph in graphs:
        named = dataset.graph(graph.identifier)
        for triple in graph:
            named.add(triple)
    return dataset


TRIPLE_FORMATS = frozenset({"turtle", "nt"})


def serialized(dataset: Dataset, fmt: str) -> bytes:
    """The dataset in ``fmt``; formats without named graphs get the union of all graphs."""
    if fmt not in TRIPLE_FORMATS:
        return dataset.serialize(format=fmt, encoding="utf-8")
    union = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union.serialize(format=fmt, encoding="utf-8")


FORMATS = {
    ".nq": "nquads",
    ".nquads": "nquads",
    ".trig": "trig",
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
}
