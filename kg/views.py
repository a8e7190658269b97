"""Store -> what people look at: query results as rows and text, networkx graphs, stats."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import QueryError
from kg.ontology import CLASSES, PREFIXES
from kg.store import RESULT_FORMATS, QueryResult, Store
from kg.terminal import printable

if TYPE_CHECKING:
    import networkx as nx

PREFIX_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
"""kg's usual prefixes (``kg.ontology.PREFIXES``) as SPARQL declarations."""


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


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


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
        graph.add_edge(fact.subject, fact.object, key=fact.predicate, predicate=fact.predicate,
                       evidence=count, hedged=fact.modality == "hedged", modality=fact.modality,
                       sources=fact.sources, since=fact.since, until=fact.until)  # fmt: skip
    return graph


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
