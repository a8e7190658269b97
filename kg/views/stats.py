"""Store -> what it holds, counted: articles, quads, entities by class, facts by relation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.ontology import CLASSES, local_name
from kg.views.prefixes import with_prefixes

if TYPE_CHECKING:
    from kg.store import Store

STATS_QUERIES = {
    "articles": "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { ?a a kg:Article } }",
    "entities": "SELECT ?class (COUNT(?e) AS ?n) WHERE { ?e a ?class ; rdfs:label ?l } "
    "GROUP BY ?class ORDER BY ?class",
    "relations": "SELECT ?p (COUNT(?f) AS ?n) WHERE { ?f a kg:Fact ; rdf:predicate ?p } "
    "GROUP BY ?p ORDER BY ?p",
}


@dataclass(frozen=True)
class Stats:
    articles: int
    entities: dict[str, int]
    relations: dict[str, int]
    quads: int

    def render(self) -> str:
        lines = [f"articles   {self.articles}", f"quads      {self.quads}", "entities"]
        lines += [f"  {k:<22} {v}" for k, v in self.entities.items()] or ["  (none)"]
        lines.append("relations")
        lines += [f"  {k:<22} {v}" for k, v in self.relations.items()] or ["  (none)"]
        return "\n".join(lines)


def stats(store: Store) -> Stats:
    def pairs(name: str, key: str) -> dict[str, int]:
        return {
            local_name(s[key].value): int(s["n"].value)
            for s in store.query_merged(with_prefixes(STATS_QUERIES[name]))
        }

    articles = next(iter(store.query(with_prefixes(STATS_QUERIES["articles"]))))["n"].value
    entities = {k: v for k, v in pairs("entities", "class").items() if k in CLASSES}
    return Stats(int(articles), entities, pairs("relations", "p"), len(store))
