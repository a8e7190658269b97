"""Graph analytics over ``to_networkx()``: rank entities, find communities, trace paths.

The measures read the graph as undirected: in news, "Xiaomi partners with
Leica" makes both sides more central, whichever way the triple points.
Every result is ordered deterministically (score, then label), so the same
store always prints the same answer.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("x:a", label="A", evidence=1, **{"class": "Organization"})
>>> g.add_node("x:b", label="B", evidence=1, **{"class": "Organization"})
>>> g.add_edge("x:a", "x:b", key="partnersWith", predicate="partnersWith", evidence=1)
'partnersWith'
>>> [(r.label, r.score) for r in rank(g, by="degree")]
[('A', 1.0), ('B', 1.0)]
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx

from kg.errors import KGError
from kg.ontology import local_name
from kg.store import Store
from kg.views.prefixes import with_prefixes
from kg.views.tables import Table, render_table, term_text


class EntityError(KGError):
    """An entity name that matches no entity, or more than one."""


class NoPathError(KGError):
    """Two entities that no chain of relations connects."""


@dataclass(frozen=True)
class Evidence:
    """One sentence behind a fact, with where it was read."""

    sentence: str
    modality: str
    confidence: float
    article: str
    title: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""

    def source(self) -> str:
        """'title, publisher, date' with the parts that are known."""
        return ", ".join(part for part in (self.title, self.publisher, self.date) if part)


@dataclass(frozen=True)
class Ranked:
    iri: str
    label: str
    cls: str
    score: float


@dataclass(frozen=True)
class Hop:
    """One relation on a path; ``forward`` is False when walked against its direction."""

    subject: str
    predicate: str
    object: str
    subject_label: str
    object_label: str
    forward: bool
    evidence: tuple[Evidence, ...] = ()

    def render(self) -> str:
        left, right = (
            (self.subject_label, self.object_label)
            if self.forward
            else (self.object_label, self.subject_label)
        )
        arrow = f"-[{self.predicate}]->" if self.forward else f"<-[{self.predicate}]-"
        lines = [f"{left} {arrow} {right}"]
        for ev in self.evidence:
            lines.append(f'    "{ev.sentence}"')
            lines.append(f"      {ev.source()} (confidence {ev.confidence:.2f}, {ev.modality})")
            if ev.url:
                lines.append(f"      {ev.url}")
        return "\n".join(lines)


def undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """The simple undirected graph, nodes and neighbours inserted in label order.

    Insertion order decides networkx's tie-breaks, so sorting here makes
    paths and communities the same on every run.
    """
    simple = nx.Graph()
    order = sorted(graph.nodes, key=lambda n: (graph.nodes[n].get("label", ""), n))
    simple.add_nodes_from((n, graph.nodes[n]) for n in order)
    position = {n: i for i, n in enumerate(order)}
    edges = {tuple(sorted((u, v), key=position.__getitem__)) for u, v in graph.edges()}
    simple.add_edges_from(sorted(edges, key=lambda e: (position[e[0]], position[e[1]])))
    return simple


def _degree(graph: nx.MultiDiGraph) -> dict[str, float]:
    return {n: float(d) for n, d in graph.degree()}


def _pagerank(graph: nx.MultiDiGraph) -> dict[str, float]:
    return nx.pagerank(undirected(graph))


def _betweenness(graph: nx.MultiDiGraph) -> dict[str, float]:
    return nx.betweenness_centrality(undirected(graph))


MEASURES: dict[str, Callable[[nx.MultiDiGraph], dict[str, float]]] = {
    "pagerank": _pagerank,
    "degree": _degree,
    "betweenness": _betweenness,
}
"""Centrality by name: degree counts relations (each relation once), the others are networkx's."""


def scores(graph: nx.MultiDiGraph, by: str = "pagerank") -> dict[str, float]:
    if by not in MEASURES:
        raise KGError(f"unknown measure '{by}'; use one of {', '.join(MEASURES)}")
    return MEASURES[by](graph) if len(graph) else {}


def rank(graph: nx.MultiDiGraph, by: str = "pagerank", top: int | None = None) -> list[Ranked]:
    """Entities from most to least central (ties by label)."""
    ranked = [
        Ranked(n, graph.nodes[n].get("label", n), graph.nodes[n].get("class", ""), s)
        for n, s in scores(graph, by).items()
    ]
    ranked.sort(key=lambda r: (-round(r.score, 12), r.label, r.iri))
    return ranked[:top] if top is not None else ranked


def render_ranking(ranked: list[Ranked], by: str) -> str:
    shown = "{:.0f}" if by == "degree" else "{:.4f}"
    rows = [[str(i), r.label, r.cls, shown.format(r.score)] for i, r in enumerate(ranked, start=1)]
    return render_table(Table(["rank", "entity", "class", by], rows))


def communities(graph: nx.MultiDiGraph) -> list[list[str]]:
    """Groups of entities more tied to each other than to the rest (greedy modularity).

    Largest first, each listed by label; entities with no relation are left out.
    """
    simple = undirected(graph)
    if simple.number_of_edges() == 0:
        return []
    # networkx walks sets of nodes; numbered nodes (in label order) make those walks,
    # and so its tie-breaks, the same whatever the string-hash seed (PYTHONHASHSEED).
    nodes = list(simple)
    numbered = nx.convert_node_labels_to_integers(simple, ordering="default")
    groups = nx.community.greedy_modularity_communities(numbered)
    label = {n: simple.nodes[n].get("label", n) for n in simple}
    named = ([nodes[i] for i in group] for group in groups)
    ordered = [sorted(group, key=lambda n: (label[n], n)) for group in named]
    ordered.sort(key=lambda g: (-len(g), label[g[0]]))
    return ordered


def render_communities(graph: nx.MultiDiGraph, groups: list[list[str]]) -> str:
    lines = []
    for i, group in enumerate(groups, start=1):
        labels = ", ".join(graph.nodes[n].get("label", n) for n in group)
        lines.append(f"community {i} ({len(group)}): {labels}")
    return "\n".join(lines) or "(no relations, so no communities)"


def find_entity(graph: nx.MultiDiGraph, name: str) -> str:
    """The node an IRI or a label (any case) names; a clear error otherwise."""
    if name in graph:
        return name
    wanted = name.casefold().strip()
    hits = sorted(n for n in graph if graph.nodes[n].get("label", "").casefold() == wanted)
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise EntityError(f"'{name}' names {len(hits)} entities ({', '.join(hits)}); pass the IRI")
    labels = sorted({graph.nodes[n].get("label", "") for n in graph})
    close = difflib.get_close_matches(name, labels, n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else "see `kg rank`"
    raise EntityError(f"no entity named '{name}' in the graph; {hint}")


EvidenceIndex = Mapping[tuple[str, str, str], tuple[Evidence, ...]]

EVIDENCE_QUERY = """
SELECT ?s ?p ?o ?sentence ?m ?c ?a ?title ?publisher ?date ?url WHERE { GRAPH ?g {
  ?ev a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      kg:sentence ?sentence ; kg:modality ?m ; kg:confidence ?c ; kg:fromArticle ?a .
  FILTER(?m != kg:Negated && isIRI(?o))
  OPTIONAL { ?a dcterms:title ?title } OPTIONAL { ?a kg:publisher ?publisher }
  OPTIONAL { ?a dcterms:date ?date } OPTIONAL { ?a dcterms:source ?url }
} }
"""


def evidence_index(store: Store) -> dict[tuple[str, str, str], tuple[Evidence, ...]]:
    """(subject IRI, relation name, object IRI) -> its evidence, most confident first.

    Keys follow the merged layer (a symmetric relation from the smaller IRI), as
    ``to_networkx``'s edges do. Negated evidence is left out: it backs no edge.
    """
    from kg.spans import canonical_triple, time_rules

    rules = time_rules()
    found: dict[tuple[str, str, str], set[Evidence]] = {}
    for row in store.query(with_prefixes(EVIDENCE_QUERY)):
        value = {k: term_text(row[k]) for k in ("s", "p", "o", "sentence", "m", "c", "a")}
        extra = {k: term_text(row[k]) for k in ("title", "publisher", "date", "url")}
        ev = Evidence(
            value["sentence"],
            local_name(value["m"]).lower(),
            float(value["c"]),
            value["a"],
            **extra,
        )
        key = canonical_triple(value["s"], local_name(value["p"]), value["o"], rules)
        found.setdefault(key, set()).add(ev)
    return {
        key: tuple(sorted(evs, key=lambda e: (-e.confidence, e.date, e.article, e.sentence)))
        for key, evs in found.items()
    }


def _best_hop(graph: nx.MultiDiGraph, u: str, v: str, evidence: EvidenceIndex) -> Hop:
    """The best-attested relation between two neighbours, in either direction."""
    candidates = [
        (s, o, key, data)
        for s, o in ((u, v), (v, u))
        for key, data in (graph.get_edge_data(s, o) or {}).items()
    ]
    s, o, key, _ = min(
        candidates,
        key=lambda c: (-c[3].get("evidence", 0), c[3].get("hedged", False), c[0] != u, c[2]),
    )
    return Hop(
        s,
        key,
        o,
        graph.nodes[s].get("label", s),
        graph.nodes[o].get("label", o),
        forward=s == u,
        evidence=evidence.get((s, key, o), ()),
    )


def shortest_path(
    graph: nx.MultiDiGraph, start: str, end: str, evidence: EvidenceIndex | None = None
) -> list[Hop]:
    """The shortest chain of relations from ``start`` to ``end`` (labels or IRIs).

    Relations may be walked against their direction; each hop says which way
    it reads and carries its evidence when ``evidence`` is given.
    """
    a, b = find_entity(graph, start), find_entity(graph, end)
    if a == b:
        raise EntityError(f"'{start}' and '{end}' are the same entity; name two different ones")
    try:
        nodes = nx.shortest_path(undirected(graph), a, b)
    except nx.NetworkXNoPath as err:
        raise NoPathError(
            f"no chain of relations connects '{start}' and '{end}' in this graph"
        ) from err
    return [_best_hop(graph, u, v, evidence or {}) for u, v in pairwise(nodes)]


def render_path(hops: list[Hop]) -> str:
    return "\n".join(hop.render() for hop in hops)
