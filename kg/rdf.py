"""Resolution -> rdflib Graph: one named graph per article.

The graph holds the article's metadata, its entities (type, one rdfs:label,
skos:altLabel), its asserted and hedged triples, and an rdf:Statement
evidence node for every fact, negated ones included. Every node is an IRI
minted from the content, so the same article always gives the same quads.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache, lru_cache

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg import ontology
from kg.formats import RDF_FORMATS
from kg.model import Article, Entity, Modality, Resolution, ResolvedFact
from kg.ontology import PREFIXES, article_iri, evidence_iri
from kg.temporal import When, fact_time

KG, ENTITY, ARTICLE, EVIDENCE = (
    Namespace(ns) for ns in (ontology.KG, ontology.ENTITY, ontology.ARTICLE, ontology.EVIDENCE)
)
"""``kg.ontology``'s namespaces with rdflib terms (``URIRef``), for building and reading
rdflib graphs; ``kg.ontology``'s own give plain IRI strings."""

Triple = tuple[URIRef, URIRef, URIRef | Literal]

MODALITY_TERMS = {
    Modality.ASSERTED: KG.Asserted,
    Modality.HEDGED: KG.Hedged,
    Modality.NEGATED: KG.Negated,
}


@cache
def kg_term(name: str) -> URIRef:
    """``KG[name]``, minted once per name (rdflib builds and checks the IRI on every
    access, and every fact names a dozen terms)."""
    return KG[name]


@lru_cache(maxsize=4096)
def offset_literal(offset: int) -> Literal:
    """``Literal(offset)``, kept per value (a sentence's offsets recur in its facts)."""
    return Literal(offset)


@lru_cache(maxsize=4096)
def decimal_literal(text: str) -> Literal:
    """An ``xsd:decimal`` literal, kept per value: rdflib parses the value into a
    ``Decimal`` on every construction, and confidences recur."""
    return Literal(text, datatype=XSD.decimal)


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


def article_graph(resolution: Resolution, read_on: date | None = None) -> Graph:
    """The article's named graph (identifier: the article's IRI)."""
    graph = bind_prefixes(Graph(identifier=URIRef(article_iri(resolution.article.id))))
    add = graph.store.add  # Graph.add's checks: the triples are rdflib terms by construction
    for triple in article_triples(resolution, read_on):
        add(triple, graph, quoted=False)
    return graph


def article_ntriples(resolution: Resolution, read_on: date | None = None) -> str:
    """The same graph as N-Triples text, without building an rdflib Graph: the form
    the store takes, and several times cheaper on the build's hot path."""
    return "".join(nt_row(triple) for triple in article_triples(resolution, read_on))


NT_ESCAPED = re.compile('[\\x00-\\x1f"\\\\\\x7f\\ufffe\\uffff]')
"""The characters pyoxigraph escapes in an N-Triples literal; a literal without any is
written as it is."""


def nt_term(term: URIRef | Literal) -> str:
    """One term in N-Triples syntax (pyoxigraph's escaping).

    >>> print(nt_term(Literal('say "hi"')))
    "say \\"hi\\""
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    if term.language:
        return str(ox.Literal(str(term), language=term.language))
    value = str(term)
    if NT_ESCAPED.search(value) is None:  # nothing to escape: the common case, no ox objects
        if term.datatype is None or term.datatype == XSD.string:
            return f'"{value}"'
        return f'"{value}"^^<{term.datatype}>'
    if term.datatype:
        return str(ox.Literal(value, datatype=ox.NamedNode(str(term.datatype))))
    return str(ox.Literal(value))


def nt_row(triple: Triple) -> str:
    return f"{nt_term(triple[0])} {nt_term(triple[1])} {nt_term(triple[2])} .\n"


def article_triples(resolution: Resolution, read_on: date | None = None) -> list[Triple]:
    """Every triple of the article's graph, each once, in a stable order.

    An undated article records the day it was read (``kg:readOn``, ``read_on``
    or today): its facts count from then.
    """
    article = resolution.article
    triples = list(metadata_triples(article, read_on))
    for entity in resolution.entities:
        triples.extend(entity_triples(entity))
    for fact in strongest_per_evidence(resolution.facts):
        triples.extend(fact_triples(article, fact))
    return list(dict.fromkeys(triples))


def strongest_per_evidence(facts: Iterable[ResolvedFact]) -> list[ResolvedFact]:
    """One fact per evidence node, the most confident: two names of one sentence that
    resolve to one entity ("Acme", "Acme Corp") would otherwise give one statement
    two confidences."""
    best: dict[str, ResolvedFact] = {}
    for fact in facts:
        key = evidence_key(fact)
        if key not in best or fact.confidence > best[key].confidence:
            best[key] = fact
    return list(best.values())


def metadata_triples(article: Article, read_on: date | None = None) -> Iterator[Triple]:
    node = URIRef(article_iri(article.id))
    yield node, RDF.type, KG.Article
    yield node, DCTERMS.identifier, Literal(article.id)
    yield node, KG.contentHash, Literal(article.content_hash)
    if article.title:
        yield node, DCTERMS.title, Literal(article.title)
    if article.source:
        yield node, KG.publisher, Literal(article.source)
    if article.url:
        yield node, DCTERMS.source, URIRef(article.url)
    if article.published:
        yield node, DCTERMS.date, date_literal(article.published)
    else:
        yield node, KG.readOn, Literal((read_on or date.today()).isoformat(), datatype=XSD.date)
    if article.author:
        yield node, DCTERMS.creator, Literal(article.author)


def date_literal(value: str) -> Literal:
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return Literal(value, datatype=XSD.date)
    if len(value) > 10 and value[4] == "-" and "T" in value:
        return Literal(value, datatype=XSD.dateTime)
    return Literal(value)


def entity_triples(entity: Entity) -> Iterator[Triple]:
    node = URIRef(entity.iri)
    yield node, RDF.type, kg_term(entity.cls)
    yield node, RDFS.label, Literal(entity.label)
    for alias in sorted(entity.aliases):
        yield node, SKOS.altLabel, Literal(alias)


def object_term(fact: ResolvedFact) -> URIRef | Literal:
    if isinstance(fact.obj, str):
        return Literal(fact.obj, datatype=XSD.gYear)
    return URIRef(fact.obj.iri)


def fact_triples(article: Article, fact: ResolvedFact) -> Iterator[Triple]:
    """The fact itself (unless negated) and its rdf:Statement evidence node."""
    subject, predicate, obj = URIRef(fact.subject.iri), kg_term(fact.predicate), object_term(fact)
    if fact.modality is not Modality.NEGATED:
        yield subject, predicate, obj
    node = URIRef(evidence_iri(article.id, evidence_key(fact)))
    yield node, RDF.type, RDF.Statement
    yield node, RDF.subject, subject
    yield node, RDF.predicate, predicate
    yield node, RDF.object, obj
    yield node, kg_term("sentence"), Literal(fact.sentence)
    yield node, kg_term("charStart"), offset_literal(fact.sent_start)
    yield node, kg_term("charEnd"), offset_literal(fact.sent_end)
    yield node, kg_term("confidence"), decimal_literal(f"{fact.confidence:.3f}")
    yield node, kg_term("modality"), MODALITY_TERMS[fact.modality]
    yield node, kg_term("pattern"), Literal(fact.pattern)
    yield node, kg_term("fromArticle"), URIRef(article_iri(article.id))
    yield from time_triples(node, article, fact)


def time_triples(node: URIRef, article: Article, fact: ResolvedFact) -> Iterator[Triple]:
    """The time the sentence gives for the fact (``kg.temporal``), with its words."""
    time = fact_time(fact.sentence, fact.predicate, fact.modality, article.published)
    if time.start is not None:
        yield node, kg_term("validFrom"), when_literal(time.start)
        yield node, kg_term("validFromText"), Literal(time.start.words)
    if time.end is not None:
        yield node, kg_term("validUntil"), when_literal(time.end)
        yield node, kg_term("validUntilText"), Literal(time.end.words)


def when_literal(when: When) -> Literal:
    return Literal(when.value, datatype=XSD.gYear if when.is_year else XSD.date)


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


def serialized(dataset: Dataset, fmt: str) -> bytes:
    """The dataset in ``fmt``; formats without named graphs get the union of all graphs."""
    if RDF_FORMATS[fmt].quads:
        return dataset.serialize(format=fmt, encoding="utf-8")
    union = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union.serialize(format=fmt, encoding="utf-8")
