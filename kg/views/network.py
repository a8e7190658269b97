"""Store -> networkx: entities as nodes, the merged layer's facts as edges; and GraphML.

networkx is imported when a graph is built, not with this module.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from kg.ontology import local_name
from kg.views.prefixes import with_prefixes

if TYPE_CHECKING:
    import networkx as nx

    from kg.store import Store


EVIDENCE_COUNTS = """
SELECT ?s ?p ?o (COUNT(?ev) AS ?n) WHERE {
  GRAPH ?g { ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:modality ?m }
  FILTER(?m != kg:Negated && isIRI(?o))
} GROUP BY ?s ?p ?o
"""


def evidence_counts(store: Store) -> dict[tuple[str, str, str], int]:
    """(subject, relation name, object) in the merged layer's direction -> sentences stating it."""
    from kg.spans import canonical_triple, time_rules

    rules = time_rules()
    counts: dict[tuple[str, str, str], int] = {}
    for row in store.query(with_prefixes(EVIDENCE_COUNTS)):
        key = canonical_triple(row["s"].value, local_name(row["p"].value), row["o"].value, rules)
        counts[key] = counts.get(key, 0) + int(row["n"].value)
    return counts


def to_networkx(
    store: Store, as_of: str | None = None, known_by: str | None = None
) -> nx.MultiDiGraph:
    """Entities as nodes, the merged layer's facts between them as edges keyed by relation.

    Nodes are entity IRIs with ``label``, ``class`` and ``evidence`` (the
    evidence sentences behind the node's relations). Edges carry
    ``predicate``, ``evidence`` (sentences asserting or hedging the fact;
    negated ones never make an edge), ``hedged`` (no sentence asserts it
    outright), ``modality``, ``sources``, and the fact's span: ``since`` and
    ``until`` (ISO dates or None). A symmetric relation is one edge, from the
    smaller IRI. ``as_of`` keeps the facts that held that day; ``known_by``
    tells the spans as the articles dated on or before that day do.
    """
    import networkx as nx

    from kg.timeline import entities, merged_facts

    names = entities(store)
    counts = evidence_counts(store)
    graph = nx.MultiDiGraph()
    for fact in merged_facts(store, as_of, known_by):
        if not fact.object_is_iri or fact.subject not in names or fact.object not in names:
            continue
        count = counts.get(fact.key, 0)
        for node in (fact.subject, fact.object):
            if node not in graph:
                entity = names[node]
                graph.add_node(node, label=entity.label, evidence=0, **{"class": entity.cls})
            graph.nodes[node]["evidence"] += count
        graph.add_edge(
            fact.subject,
            fact.object,
            key=fact.predicate,
            predicate=fact.predicate,
            evidence=count,
            hedged=fact.modality == "hedged",
            modality=fact.modality,
            sources=fact.sources,
            since=fact.since,
            until=fact.until,
        )
    return graph


def without_missing_values(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph with attributes whose value is None left out: GraphML has no null.

    An open span (``since`` or ``until`` unknown) is then an absent attribute,
    as Gephi and Cytoscape read it.

    >>> import networkx as nx
    >>> graph = nx.MultiDiGraph()
    >>> graph.add_edge("a", "b", key="p", since="2022-07-04", until=None)
    'p'
    >>> list(without_missing_values(graph).edges(data=True))
    [('a', 'b', {'since': '2022-07-04'})]
    """
    kept = graph.__class__()
    for node, data in graph.nodes(data=True):
        kept.add_node(node, **{k: v for k, v in data.items() if v is not None})
    for subject, obj, key, data in graph.edges(keys=True, data=True):
        kept.add_edge(subject, obj, key=key, **{k: v for k, v in data.items() if v is not None})
    return kept


def to_graphml(store: Store) -> bytes:
    """The entity graph (``to_networkx``) as GraphML for Gephi and Cytoscape."""
    import networkx as nx

    out = io.BytesIO()
    graph = without_missing_values(to_networkx(store))
    nx.write_graphml(graph, out, encoding="utf-8", named_key_ids=True)
    return out.getvalue()
