"""Store -> what people look at: query results as rows and text, networkx graphs, stats."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import QueryError
from kg.ontology import CLASSES, LITERAL_RELATIONS, PREFIXES, RELATIONS
from kg.store import RESULT_FORMATS, QueryResult, Store
from kg.terminal import printable

if TYPE_CHECKING:
    import networkx as nx

PREFIX_HEADER = """PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def with_prefixes(sparql: str) -> str:
    """The query with kg's usual prefixes declared (declarations in the query win)."""
    declared = {
        line.split()[1].rstrip(":").lower()
        for line in sparql.splitlines()
        if line.strip().upper().startswith("PREFIX") and len(line.split()) > 1
    }
    header = [
        line for line in PREFIX_HEADER.splitlines()
        if line.split()[1].rstrip(":").lower() not in declared
    ]  # fmt: skip
    return "\n".join(header) + "\n" + sparql


POSITION = re.compile(r"\bat (\d+):(\d+)")


def prefixed_query(store: Store, sparql: str) -> QueryResult:
    """``store.query`` with kg's prefixes declared; an error's line:column points into ``sparql``.

    >>> from kg.store import open_store
    >>> prefixed_query(open_store("memory:"), "SELECT ?x WHERE {\\n  ?x kg:p ?y . FILTER(?x = ) }")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.QueryError: malformed SPARQL query: error at 2:31: ...
    """
    full = with_prefixes(sparql)
    added = full.count("\n") - sparql.count("\n")
    try:
        return store.query(full)
    except QueryError as err:
        message = POSITION.sub(lambda m: f"at {int(m[1]) - added}:{m[2]}", str(err), count=1)
        raise QueryError(message) from err


def term_text(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    if term is None:
        return ""
    return term.value


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]


def compact(iri: str) -> str:
    """``kg:Hedged`` for an IRI in a known namespace, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


def solutions_table(solutions: ox.QuerySolutions, short: bool = False) -> Table:
    """Rows of plain values; ``short`` writes known IRIs with prefixes (for people)."""
    columns = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row = []
        for c in columns:
            term = solution[c]
            text = term_text(term)
            if short:  # for people, on a terminal: control characters made visible
                text = printable(compact(text) if isinstance(term, ox.NamedNode) else text)
            row.append(text)
        rows.append(row)
    return Table(columns, rows)


def render_table(table: Table) -> str:
    """The table as aligned text for a terminal (control characters escaped)."""
    table = Table([printable(c) for c in table.columns],
                  [[printable(v) for v in row] for row in table.rows])  # fmt: skip
    widths = [len(c) for c in table.columns]
    for row in table.rows:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)).rstrip(), line]
    out += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in table.rows
    ]
    out.append(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})")
    return "\n".join(out)


def render_result(result: object, fmt: str) -> str:
    """A query result as text: table|csv|tsv|json|xml for solutions, Turtle for graphs."""
    if isinstance(result, ox.QueryBoolean):
        value = bool(result)
        return json.dumps({"head": {}, "boolean": value}) if fmt == "json" else str(value).lower()
    if isinstance(result, ox.QueryTriples):
        rdf_format = ox.RdfFormat.N_TRIPLES if fmt in ("nt", "ntriples") else ox.RdfFormat.TURTLE
        return result.serialize(format=rdf_format).decode("utf-8")
    if fmt == "table":
        return render_table(solutions_table(result, short=True))
    return result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")


RELATION_EDGES = """
SELECT ?s ?p ?o ?sl ?ol ?sc ?oc (COUNT(DISTINCT ?asserted) AS ?a) (COUNT(DISTINCT ?hedged) AS ?h)
WHERE {
  VALUES ?p { %s }
  ?s ?p ?o . ?s rdfs:label ?sl . ?o rdfs:label ?ol .
  OPTIONAL { ?s a ?sc FILTER(STRSTARTS(STR(?sc), STR(kg:))) }
  OPTIONAL { ?o a ?oc FILTER(STRSTARTS(STR(?oc), STR(kg:))) }
  OPTIONAL { ?asserted rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:modality kg:Asserted }
  OPTIONAL { ?hedged rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:modality kg:Hedged }
} GROUP BY ?s ?p ?o ?sl ?ol ?sc ?oc
"""


def relation_rows(store: Store) -> Iterator[dict[str, str]]:
    names = ("s", "p", "o", "sl", "ol", "sc", "oc", "a", "h")
    relations = " ".join(f"kg:{r}" for r in RELATIONS if r not in LITERAL_RELATIONS)
    for solution in store.query(with_prefixes(RELATION_EDGES % relations)):
        yield {v: term_text(solution[v]) for v in names}


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def to_networkx(store: Store) -> nx.MultiDiGraph:
    """Entities as nodes, relations as edges keyed by relation name.

    Nodes are entity IRIs with ``label``, ``class`` and ``evidence`` (the
    evidence sentences behind the node's relations). Edges carry
    ``predicate``, ``evidence`` (sentences asserting or hedging the fact;
    negated ones never make an edge) and ``hedged`` (no sentence asserts it
    outright, at least one hedges it).
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    for row in relation_rows(store):
        count = int(row["a"] or 0) + int(row["h"] or 0)
        for end in ("s", "o"):
            node, cls = row[end], local_name(row[f"{end}c"]) if row[f"{end}c"] else ""
            if node not in graph:
                graph.add_node(node, label=row[f"{end}l"], evidence=0, **{"class": cls})
            graph.nodes[node]["evidence"] += count
        predicate = local_name(row["p"])
        graph.add_edge(row["s"], row["o"], key=predicate, predicate=predicate, evidence=count,
                       hedged=row["a"] == "0" and count > 0)  # fmt: skip
    return graph


STATS_QUERIES = {
    "articles": "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kg:Article }",
    "entities": "SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?class ; rdfs:label ?l } "
    "GROUP BY ?class ORDER BY ?class",
    "relations": "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o . "
    "FILTER(STRSTARTS(STR(?p), STR(kg:)) && ?p NOT IN (kg:sentence, kg:charStart, kg:charEnd, "
    "kg:confidence, kg:modality, kg:pattern, kg:fromArticle, kg:publisher, kg:contentHash)) } } "
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
            for s in store.query(with_prefixes(STATS_QUERIES[name]))
        }

    articles = next(iter(store.query(with_prefixes(STATS_QUERIES["articles"]))))["n"].value
    entities = {k: v for k, v in pairs("entities", "class").items() if k in CLASSES}
    return Stats(int(articles), entities, pairs("relations", "p"), len(store))
