"""Article graphs -> the merged layer: each entity once, each fact once, with its span.

The merged layer lives in the store's default graph (on a remote server, in
the graph ``MERGED``, which every query kg sends names as its default graph).
It is derived: after article graphs are written or dropped, ``refresh`` reads
the evidence of the facts those graphs touch (and of the facts that can end
them: the same two entities, or the same relation and object when it has one
holder at a time), merges it with ``kg.spans.merge`` and swaps the old
entries for the new ones in one update. Nothing else is recomputed, and the
result does not depend on the order articles arrived in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from sys import intern
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.ontology import BASE, KG, RELATIONS
from kg.spans import (
    Key,
    MergedFact,
    Report,
    TimeRules,
    canonical_key,
    canonical_triple,
    local,
    merge,
    time_rules,
)

if TYPE_CHECKING:
    from kg.store.base import Store

MERGED = BASE + "graph/merged"
FACT = BASE + "fact/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS_DATE = "http://purl.org/dc/terms/date"
ENTITY_PREDICATES = (RDF + "type", RDFS_LABEL, SKOS_ALT)
BASIS = {
    "stated": "StatedInText",
    "article": "ArticleDate",
    "read": "ReadDate",
    "later": "LaterFact",
}
MODALITY = {"asserted": "Asserted", "hedged": "Hedged", "negated": "Negated"}
CHUNK = 20_000
"""Triples per update when a store limits update size (``Store.update_chunk``)."""


def fact_iri(key: Key) -> str:
    """One IRI per merged fact, minted from (subject, relation, object).

    >>> fact_iri(("https://w3id.org/kg-news/id/organization/a", "partnersWith", "x"))
    'https://w3id.org/kg-news/fact/5612fd430631063b'
    """
    return FACT + hashlib.sha1("|".join(key).encode("utf-8")).hexdigest()[:16]


@dataclass
class Touched:
    """What some article graphs name: their facts' entity pairs and relations, their entities."""

    pairs: set[tuple[ox.Term, ox.Term]] = field(default_factory=set)
    holders: set[tuple[str, ox.Term]] = field(default_factory=set)
    entities: set[ox.NamedNode] = field(default_factory=set)

    def __or__(self, other: Touched) -> Touched:
        return Touched(
            self.pairs | other.pairs, self.holders | other.holders, self.entities | other.entities
        )

    def __bool__(self) -> bool:
        return bool(self.pairs or self.entities)

    def add_fact(self, s: ox.Term, p: str, o: ox.Term, rules: TimeRules) -> None:
        self.pairs.add((s, o))
        if p in rules.one_holder:
            self.holders.add((p, o))


def touched_in_ntriples(texts: Iterable[str], rules: TimeRules | None = None) -> Touched:
    """What the given N-Triples texts (new article graphs) name."""
    rules = rules or time_rules()
    found = Touched()
    parts: dict[ox.Term, dict[str, ox.Term]] = {}
    for text in texts:
        if not text.strip():
            continue
        for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
            p = t.predicate.value
            if p == RDFS_LABEL and isinstance(t.subject, ox.NamedNode):
                found.entities.add(t.subject)
            elif p in (RDF + "subject", RDF + "predicate", RDF + "object"):
                parts.setdefault(t.subject, {})[p] = t.object
            elif p in RELATION_IRIS:
                found.add_fact(t.subject, local(p), t.object, rules)
    for statement in parts.values():
        if len(statement) == 3:
            s, p, o = (
                statement[RDF + "subject"],
                statement[RDF + "predicate"],
                statement[RDF + "object"],
            )
            found.add_fact(s, local(p.value), o, rules)
    return found


RELATION_IRIS = frozenset(str(KG[r]) for r in RELATIONS)
RELATION_VALUES = " ".join(f"<{r}>" for r in sorted(RELATION_IRIS))
TOUCHED_QUERY = """SELECT ?s ?p ?o ?e WHERE {{
  VALUES ?g {{ {graphs} }}
  {{ GRAPH ?g {{ ?ev <{rdf}subject> ?s ; <{rdf}predicate> ?p ; <{rdf}object> ?o }} }}
  UNION {{ VALUES ?p {{ {relations} }} GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ GRAPH ?g {{ ?e <{label}> ?l }} }}
  FILTER(?g != <{merged}>)
}}"""


def touched_in_store(
    store: Store, graphs: Sequence[str], rules: TimeRules | None = None
) -> Touched:
    """What the given graphs, as the store holds them now, name."""
    rules = rules or time_rules()
    found = Touched()
    if not graphs:
        return found
    if store.indexed_lookups:  # each graph's own quads, read from the index
        texts = (
            "".join(
                f"{q.subject} {q.predicate} {q.object} .\n"
                for q in store.quads_matching(None, None, None, ox.NamedNode(g))
            )
            for g in graphs
        )
        return touched_in_ntriples(texts, rules)
    sparql = TOUCHED_QUERY.format(
        graphs=" ".join(f"<{g}>" for g in graphs),
        rdf=RDF,
        label=RDFS_LABEL,
        relations=RELATION_VALUES,
        merged=MERGED,
    )
    for row in store.query(sparql):
        if row["e"] is not None and isinstance(row["e"], ox.NamedNode):
            found.entities.add(row["e"])
        elif row["s"] is not None:
            found.add_fact(row["s"], local(row["p"].value), row["o"], rules)
    return found


# A fact as each graph states it: its evidence statements; or, in a graph that holds
# the plain triple with no statement behind it (an import), the triple, as asserted.
EVIDENCE_BODY = f"""GRAPH ?g {{ {{ ?ev <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o ;
      <{KG.modality}> ?m ; <{KG.fromArticle}> ?a .
    FILTER(?m = <{KG.Negated}> || EXISTS {{ ?s ?p ?o }})
    OPTIONAL {{ ?ev <{KG.validFrom}> ?from }} OPTIONAL {{ ?ev <{KG.validUntil}> ?until }} }}
  UNION {{ VALUES ?p {{ {RELATION_VALUES} }} ?s ?p ?o .
    FILTER NOT EXISTS {{ ?ev <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o }}
    BIND(<{KG.Asserted}> AS ?m) BIND(?g AS ?a) }}
  OPTIONAL {{ ?a <{DCTERMS_DATE}> ?day }} OPTIONAL {{ ?a <{KG.readOn}> ?read }} }}
  FILTER(?g NOT IN (EXCLUDED))"""
REPORT_VARIABLES = "?s ?p ?o ?m ?a ?day ?read ?from ?until"


def excluded(graphs: Iterable[str] = ()) -> str:
    """The graphs whose evidence does not count: the merged one, and those being replaced."""
    return ", ".join(f"<{g}>" for g in (MERGED, *sorted(graphs)))


def evidence_query(
    pairs: Iterable[tuple[ox.Term, ox.Term]] = (),
    holders: Iterable[tuple[str, ox.Term]] = (),
    everything: bool = False,
    skip: Iterable[str] = (),
) -> str:
    """The evidence on these entity pairs (either way round) and these (relation, object)
    groups; or all evidence in the store; the graphs in ``skip`` left out."""
    body = EVIDENCE_BODY.replace("EXCLUDED", excluded(skip))
    if everything:
        return f"SELECT {REPORT_VARIABLES} WHERE {{ {body} }}"
    rows = pair_rows(pairs)
    blocks = []
    if rows:
        blocks.append(f"{{ VALUES (?s ?o) {{ {' '.join(rows)} }} {body} }}")
    groups = sorted({f"(<{KG[p]}> {o})" for p, o in holders})
    if groups:
        blocks.append(f"{{ VALUES (?p ?o) {{ {' '.join(groups)} }} {body} }}")
    if not blocks:
        return ""
    return f"SELECT {REPORT_VARIABLES} WHERE {{ {' UNION '.join(blocks)} }}"


def pair_rows(pairs: Iterable[tuple[ox.Term, ox.Term]]) -> list[str]:
    """VALUES rows (?s ?o) for entity pairs, both ways round (a literal only as object)."""
    rows = {f"({a} {b})" for x, y in pairs for a, b in ((x, y), (y, x))}
    return sorted(r for r in rows if not r.startswith('("'))


def value(term: ox.Term | None) -> str | None:
    return None if term is None else term.value


def reports_from(result: Iterable[ox.QuerySolution], terms: dict[str, ox.Term]) -> list[Report]:
    """Query rows as ``Report`` records; ``terms`` learns each object's RDF term."""
    found = []
    for row in result:
        s, o = row["s"], row["o"]
        if not isinstance(s, ox.NamedNode) or isinstance(o, ox.BlankNode):
            continue
        terms[o.value] = o
        terms[s.value] = s
        found.append(
            Report(
                subject=s.value,
                predicate=local(row["p"].value),
                object=o.value,
                modality=local(row["m"].value).lower(),
                article=row["a"].value,
                day=day_of(row["day"]),
                start=value(row["from"]),
                end=value(row["until"]),
                read_on=day_of(row["read"]),
                object_is_iri=isinstance(o, ox.NamedNode),
            )
        )
    return found


def day_of(term: ox.Term | None) -> str | None:
    """``YYYY-MM-DD`` of an article's date (a date or a timestamp), else None."""
    text = value(term)
    if not text or len(text) < 10 or text[4] != "-" or text[7] != "-":
        return None
    return text[:10]


def fetch(
    store: Store,
    pairs: set[tuple[ox.Term, ox.Term]],
    holders: set[tuple[str, ox.Term]],
    skip: Sequence[str],
    terms: dict[str, ox.Term],
) -> list[Report]:
    """The evidence on these pairs and groups: by index lookups where the store offers
    them (embedded), else one SPARQL query."""
    if not pairs and not holders:
        return []
    if store.indexed_lookups:
        return indexed_reports(store, pairs, holders, set(skip), terms)
    return reports_from(store.query(evidence_query(pairs, holders, skip=skip)), terms)


def indexed_reports(
    store: Store,
    pairs: set[tuple[ox.Term, ox.Term]],
    holders: set[tuple[str, ox.Term]],
    skip: set[str],
    terms: dict[str, ox.Term],
) -> list[Report]:
    """``fetch`` through the store's quad index, in time proportional to the evidence
    found, however many facts name a pair's entities (a hub like Apple names thousands).

    The graphs stating a pair's or a group's facts are found from their plain triples
    (one index lookup each), the statements within a graph from that graph's own index,
    and denials, which have no plain triple, among the store's few negated statements.
    A statement counts when its graph states its triple or it is a denial (``counts``).
    The graphs whose reports ``store.evidence`` keeps are not read at all.
    """
    skip = skip | {MERGED}
    memory = store.evidence
    kept: set[ox.Term] = set()  # graphs whose reports ``memory`` holds

    def named(graph: ox.Term) -> bool:
        """Whether to read this graph's statements from the store (else: skip, or kept)."""
        if not isinstance(graph, ox.NamedNode) or graph.value in skip:
            return False
        if memory is not None and graph.value in memory.by_graph:
            kept.add(graph)
            return False
        return True

    on_pair: set[tuple[ox.Term, ox.Term, ox.Term]] = set()  # (graph, subject, object)
    in_group: set[tuple[ox.Term, ox.Term, ox.Term]] = set()  # (graph, relation, object)
    plain: set[tuple[ox.Term, ox.Term, ox.Term, ox.Term]] = set()
    for x, y in pairs:
        for s, o in ((x, y), (y, x)):
            if isinstance(s, ox.Literal):
                continue
            for q in store.quads_matching(s, None, o, None):
                if q.predicate.value in RELATION_IRIS and named(q.graph_name):
                    plain.add((s, q.predicate, o, q.graph_name))
                    on_pair.add((q.graph_name, s, o))
    for p, o in holders:
        relation = ox.NamedNode(str(KG[p]))
        for q in store.quads_matching(None, relation, o, None):
            if named(q.graph_name):
                plain.add((q.subject, relation, o, q.graph_name))
                in_group.add((q.graph_name, relation, o))
    wanted: set[tuple[ox.Term, ox.Term]] = set()
    for graph, s, o in on_pair:
        for q in store.quads_matching(None, STATEMENT_SUBJECT, s, graph):
            if first(store.quads_matching(q.subject, STATEMENT_OBJECT, o, graph)):
                wanted.add((q.subject, graph))
    for graph, relation, o in in_group:
        for q in store.quads_matching(None, STATEMENT_OBJECT, o, graph):
            if first(store.quads_matching(q.subject, STATEMENT_PREDICATE, relation, graph)):
                wanted.add((q.subject, graph))
    statements = {key: statement_parts(store, *key) for key in wanted}
    pair_keys = {frozenset((x, y)) for x, y in pairs}
    for q in store.quads_matching(None, MODALITY_PREDICATE, NEGATED, None):
        key = (q.subject, q.graph_name)
        if key in statements or not named(q.graph_name):
            continue  # already read, skipped, or kept in memory
        parts = statement_parts(store, *key)
        s, p, o = statement_triple(parts)
        if s is not None and (frozenset((s, o)) in pair_keys or (local(p.value), o) in holders):
            statements[key] = parts
    found: list[Report] = []
    stated: set[tuple[ox.Term, ox.Term, ox.Term, ox.Term]] = set()
    articles: dict[ox.Term, dict[str, ox.Term]] = {}

    def article_meta(article: ox.Term, graph: ox.Term) -> dict[str, ox.Term]:
        if article not in articles:
            articles[article] = {
                q.predicate.value: q.object
                for q in store.quads_matching(article, None, None, graph)
            }
        return articles[article]

    for (_, graph), parts in sorted(statements.items(), key=lambda kv: str(kv[0])):
        s, p, o = statement_triple(parts)
        if s is None or not isinstance(s, ox.NamedNode):
            continue
        modality = parts.get(str(KG.modality), ASSERTED)
        if not counts(modality, (s, p, o, graph) in plain):
            continue
        stated.add((s, p, o, graph))
        article = parts.get(str(KG.fromArticle), graph)
        found.append(
            report_of(s, p, o, modality, article, article_meta(article, graph), parts, terms)
        )
    for s, p, o, graph in sorted(plain, key=str):
        if (s, p, o, graph) not in stated:
            found.append(report_of(s, p, o, ASSERTED, graph, article_meta(graph, graph), {}, terms))
    if memory is not None and kept:
        found += memory.reports(sorted(kept, key=str), pair_keys, holders, terms)
    return found


STATEMENT_SUBJECT, STATEMENT_PREDICATE, STATEMENT_OBJECT = (
    ox.NamedNode(RDF + k) for k in ("subject", "predicate", "object")
)
MODALITY_PREDICATE = ox.NamedNode(str(KG.modality))
ASSERTED, NEGATED = ox.NamedNode(str(KG.Asserted)), ox.NamedNode(str(KG.Negated))


def first(quads: Iterable[ox.Quad]) -> ox.Quad | None:
    """The first of some quads, or None."""
    return next(iter(quads), None)


def statement_parts(store: Store, node: ox.Term, graph: ox.Term) -> dict[str, ox.Term]:
    """A statement node's properties in its graph, by predicate IRI."""
    return {q.predicate.value: q.object for q in store.quads_matching(node, None, None, graph)}


def statement_triple(
    parts: dict[str, ox.Term],
) -> tuple[ox.Term, ox.Term, ox.Term] | tuple[None, None, None]:
    """(subject, predicate, object) a statement node states, or Nones when one is missing."""
    s, p, o = (parts.get(RDF + k) for k in ("subject", "predicate", "object"))
    if s is None or p is None or o is None:
        return None, None, None
    return s, p, o


def counts(modality: ox.Term, plainly_stated: bool) -> bool:
    """Whether an evidence statement counts: a denial always; any other only when its
    graph also states the triple (as every graph kg writes does), so the store's index
    finds it from the triple however common its entities are.

    >>> counts(NEGATED, False), counts(ASSERTED, True), counts(ASSERTED, False)
    (True, True, False)
    """
    return modality == NEGATED or plainly_stated


def report_of(
    s: ox.Term,
    p: ox.Term,
    o: ox.Term,
    modality: ox.Term,
    article: ox.Term,
    meta: dict[str, ox.Term],
    parts: dict[str, ox.Term],
    terms: dict[str, ox.Term],
) -> Report:
    terms[s.value], terms[o.value] = s, o
    return Report(
        subject=s.value,
        predicate=local(p.value),
        object=o.value,
        modality=local(modality.value).lower(),
        article=article.value,
        day=day_of(meta.get(DCTERMS_DATE)),
        start=value(parts.get(str(KG.validFrom))),
        end=value(parts.get(str(KG.validUntil))),
        read_on=day_of(meta.get(str(KG.readOn))),
        object_is_iri=isinstance(o, ox.NamedNode),
    )


def store_reports(
    store: Store, touched: Touched, rules: TimeRules, pending: Pending | None = None
) -> tuple[list[Report], Callable[[Key], bool], dict[str, ox.Term]]:
    """The evidence ``refresh`` needs, and which facts' keys it may rewrite: those on the
    touched pairs and in the one-holder groups, whose every closer it has read.
    With ``pending``, its graphs are read from its texts instead of the store."""
    pending = pending or Pending()
    terms: dict[str, ox.Term] = dict(pending.terms)
    skip = pending.graphs
    reports = fetch(store, touched.pairs, touched.holders, skip, terms)
    reports += pending.reports
    holders = set(touched.holders)
    for r in reports:
        if r.predicate in rules.one_holder:
            holders.add((r.predicate, terms[r.object]))
    more = set(holders) - touched.holders
    if more:
        reports += fetch(store, set(), more, skip, terms)
    known_pairs = {frozenset((a.value, b.value)) for a, b in touched.pairs}
    far = {
        (terms[r.subject], terms[r.object])
        for r in reports
        if frozenset((r.subject, r.object)) not in known_pairs
    }
    if far:
        reports += fetch(store, far, set(), skip, terms)
    reports = list(dict.fromkeys(reports))
    group_keys = {(p, o.value) for p, o in holders}

    def in_scope(key: Key) -> bool:
        return frozenset((key[0], key[2])) in known_pairs or (key[1], key[2]) in group_keys

    return reports, in_scope, terms


# The fact nodes first (a sub-select), then their triples: joined the other way round,
# the engine would scan the whole merged layer.
OLD_FACTS = """SELECT ?f ?fp ?fv WHERE {{
  {{ SELECT DISTINCT ?f WHERE {{
    {{ VALUES (?s ?o) {{ {pairs} }} ?f <{rdf}subject> ?s . ?f <{rdf}object> ?o }}
    UNION {{ VALUES (?p ?o) {{ {groups} }} ?f <{rdf}predicate> ?p . ?f <{rdf}object> ?o }}
  }} }}
  ?f ?fp ?fv
}}"""
OLD_ENTITIES = """SELECT ?f ?fp ?fv WHERE {{
  VALUES ?f {{ {entities} }} VALUES ?fp {{ {predicates} }} ?f ?fp ?fv
}}"""
NEW_ENTITIES = """SELECT ?e ?p ?v WHERE {{
  VALUES ?e {{ {entities} }} VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?e ?p ?v }}
  FILTER(?g NOT IN ({excluded}))
}}"""


def old_triples(store: Store, touched: Touched, rules: TimeRules) -> list[str]:
    """The merged layer's current triples for what ``touched`` names (N-Triples lines)."""
    if store.indexed_lookups:
        return indexed_old_triples(store, touched, rules)
    lines: list[str] = []
    pairs = " ".join(pair_rows(touched.pairs))
    groups = " ".join(sorted({f"(<{KG[p]}> {o})" for p, o in touched.holders}))
    if pairs or groups:
        sparql = OLD_FACTS.format(
            pairs=pairs or "(<urn:x:none> <urn:x:none>)",
            groups=groups or "(<urn:x:none> <urn:x:none>)",
            rdf=RDF,
            fact=KG.Fact,
        )
        nodes: dict[ox.Term, dict[str, ox.Term]] = {}
        for row in store.query_merged(sparql):
            lines.append(f"{row['f']} {row['fp']} {row['fv']} .")
            nodes.setdefault(row["f"], {})[row["fp"].value] = row["fv"]
        for parts in nodes.values():
            s, p, o = (parts.get(RDF + k) for k in ("subject", "predicate", "object"))
            if s is not None and p is not None and o is not None:
                lines.append(f"{s} {p} {o} .")
                if local(p.value) in rules.symmetric and isinstance(o, ox.NamedNode):
                    lines.append(f"{o} {p} {s} .")
    if touched.entities:
        sparql = OLD_ENTITIES.format(
            entities=" ".join(sorted(str(e) for e in touched.entities)),
            predicates=" ".join(f"<{p}>" for p in ENTITY_PREDICATES),
        )
        lines += [f"{row['f']} {row['fp']} {row['fv']} ." for row in store.query_merged(sparql)]
    return lines


def indexed_old_triples(store: Store, touched: Touched, rules: TimeRules) -> list[str]:
    """``old_triples`` through the quad index of the default graph: a merged fact's plain
    triple is one lookup by its pair (or by its relation and object), and its node's IRI
    follows from its key, so no hub entity's other facts are read."""
    default = ox.DefaultGraph()
    keys: set[Key] = set()
    for x, y in touched.pairs:
        for s, o in ((x, y), (y, x)):
            if isinstance(s, ox.Literal):
                continue
            for q in store.quads_matching(s, None, o, default):
                if q.predicate.value in RELATION_IRIS:
                    keys.add(canonical_triple(s.value, local(q.predicate.value), o.value, rules))
    for p, o in touched.holders:
        for q in store.quads_matching(None, ox.NamedNode(str(KG[p])), o, default):
            keys.add(canonical_triple(q.subject.value, p, o.value, rules))
    lines: list[str] = []
    for key in sorted(keys):
        parts = {}
        for q in store.quads_matching(ox.NamedNode(fact_iri(key)), None, None, default):
            lines.append(f"{q.subject} {q.predicate} {q.object} .")
            parts[q.predicate.value] = q.object
        s, p, o = statement_triple(parts)
        if s is not None:
            lines.append(f"{s} {p} {o} .")
            if local(p.value) in rules.symmetric and isinstance(o, ox.NamedNode):
                lines.append(f"{o} {p} {s} .")
    lines += old_entity_lines(store, touched.entities)
    return lines


def old_entity_lines(store: Store, entities: Iterable[ox.NamedNode]) -> list[str]:
    """The merged layer's triples about these entities (class, label, altLabels)."""
    default = ox.DefaultGraph()
    return [
        f"{q.subject} {q.predicate} {q.object} ."
        for e in sorted(entities, key=str)
        for p in ENTITY_PREDICATES
        for q in store.quads_matching(e, ox.NamedNode(p), None, default)
    ]


def entity_triples(
    store: Store,
    entities: set[ox.NamedNode],
    pending: Pending | None = None,
    grown: Iterable[ox.NamedNode] = (),
) -> list[str]:
    """Each entity once, from every graph that names it: its classes, the smallest of its
    labels (the same whatever the order articles came in) and the others as altLabels.

    An entity in ``grown`` is only gaining names and classes from ``pending``'s graphs
    (none of the graphs that named it before goes away): its merged entry is read from
    the merged layer and widened, since the smallest label of all is the smaller of the
    merged label and the new ones. The others are read from every graph that names them.
    """
    if not entities:
        return []
    pending = pending or Pending()
    grown = set(grown) & entities if store.indexed_lookups else set()
    found: dict[ox.Term, dict[str, set[ox.Term]]] = {}
    default = ox.DefaultGraph()
    for e in grown:
        for p in ENTITY_PREDICATES:
            for q in store.quads_matching(e, ox.NamedNode(p), None, default):
                found.setdefault(e, {}).setdefault(p, set()).add(q.object)
    rest = entities - grown
    if rest and store.indexed_lookups:
        skip = {MERGED, *pending.graphs}
        for e in rest:
            for p in ENTITY_PREDICATES:
                for q in store.quads_matching(e, ox.NamedNode(p), None, None):
                    g = q.graph_name
                    if isinstance(g, ox.NamedNode) and g.value not in skip:
                        found.setdefault(e, {}).setdefault(p, set()).add(q.object)
    elif rest:
        sparql = NEW_ENTITIES.format(
            excluded=excluded(pending.graphs),
            entities=" ".join(sorted(str(e) for e in rest)),
            predicates=" ".join(f"<{p}>" for p in ENTITY_PREDICATES),
        )
        for row in store.query(sparql):
            found.setdefault(row["e"], {}).setdefault(row["p"].value, set()).add(row["v"])
    for e, p, v in pending.entity_parts:
        if e in entities:
            found.setdefault(e, {}).setdefault(p, set()).add(v)
    lines = []
    for entity, parts in sorted(found.items(), key=lambda kv: kv[0].value):
        labels = parts.get(RDFS_LABEL, set())
        names = labels | parts.get(SKOS_ALT, set())
        for cls in sorted(parts.get(RDF + "type", set()), key=str):
            lines.append(f"{entity} <{RDF}type> {cls} .")
        if labels:
            label = min(labels, key=lambda t: (t.value, str(t)))
            lines.append(f"{entity} <{RDFS_LABEL}> {label} .")
            names = {n for n in names if n.value != label.value}
        for name in sorted({n.value for n in names}):
            lines.append(f"{entity} <{SKOS_ALT}> {ox.Literal(name)} .")
    return lines


def fact_triples(fact: MergedFact, terms: dict[str, ox.Term], rules: TimeRules) -> list[str]:
    """A merged fact: its plain triple (both ways for a symmetric relation, so a pattern in
    either direction finds it once) and its node with sources, modality and span."""
    s, o = terms.get(fact.subject) or ox.NamedNode(fact.subject), terms.get(fact.object)
    if o is None:
        o = ox.NamedNode(fact.object) if fact.object_is_iri else ox.Literal(fact.object)
    p = ox.NamedNode(str(KG[fact.predicate]))
    node = ox.NamedNode(fact_iri(fact.key))
    lines = [f"{s} {p} {o} ."]
    if fact.predicate in rules.symmetric and isinstance(o, ox.NamedNode):
        lines.append(f"{o} {p} {s} .")

    def kg(name: str, term: ox.Term) -> None:
        lines.append(f"{node} <{KG[name]}> {term} .")

    lines += [
        f"{node} <{RDF}type> <{KG.Fact}> .",
        f"{node} <{RDF}subject> {s} .",
        f"{node} <{RDF}predicate> {p} .",
        f"{node} <{RDF}object> {o} .",
    ]
    kg("sources", ox.Literal(str(fact.sources), datatype=ox.NamedNode(XSD + "integer")))
    kg("modality", ox.NamedNode(str(KG[MODALITY[fact.modality]])))
    if fact.since:
        kg("validFrom", ox.Literal(fact.since, datatype=ox.NamedNode(XSD + "date")))
        kg("validFromBasis", ox.NamedNode(str(KG[BASIS[fact.since_basis or "article"]])))
    if fact.until:
        kg("validUntil", ox.Literal(fact.until, datatype=ox.NamedNode(XSD + "date")))
        kg("validUntilBasis", ox.NamedNode(str(KG[BASIS[fact.until_basis or "stated"]])))
    if fact.closed_by:
        kg("closedBy", ox.NamedNode(fact_iri(fact.closed_by)))
    if fact.implied_by:
        kg("impliedBy", ox.NamedNode(fact_iri(fact.implied_by)))
    return lines


@dataclass
class Evidence:
    """The evidence of the graphs a build wrote, kept in memory while it writes.

    Each batch's refresh reads the evidence of every fact it touches, and in news the
    same facts come back batch after batch (a hub's partnerships, its CEO): read from
    the store, that evidence costs more with every article stored. The graphs a build
    writes pass through ``Pending`` anyway; their reports are kept here, by graph, and
    the store is read only for graphs written before. Only a writer that holds the store
    alone may keep it (``Store.remembering``); at most ``limit`` reports are kept (the
    oldest graphs are read from the store again), so memory stays bounded.
    """

    limit: int = 30_000
    by_graph: dict[str, list[Report]] = field(default_factory=dict)
    terms: dict[str, ox.Term] = field(default_factory=dict)
    size: int = 0

    def remember(self, pending: Pending) -> None:
        """The pending graphs are now in the store as read (an empty one is gone)."""
        for graph, reports in pending.by_graph.items():
            self.forget([graph])
            self.by_graph[graph] = reports
            self.size += len(reports)
        self.terms.update(pending.terms)
        while self.size > self.limit and self.by_graph:
            self.forget([next(iter(self.by_graph))])
        if len(self.terms) > 2 * self.limit:  # the terms of forgotten reports go too
            named = {v for rs in self.by_graph.values() for r in rs for v in (r.subject, r.object)}
            self.terms = {v: t for v, t in self.terms.items() if v in named}

    def forget(self, graphs: Iterable[str]) -> None:
        for graph in graphs:
            self.size -= len(self.by_graph.pop(graph, ()))

    def reports(
        self,
        graphs: Iterable[ox.Term],
        pairs: set[frozenset[ox.Term]],
        holders: set[tuple[str, ox.Term]],
        terms: dict[str, ox.Term],
    ) -> list[Report]:
        """The kept reports of these graphs on these pairs (either way round) and groups."""
        pair_values = {frozenset(t.value for t in pair) for pair in pairs}
        group_values = {(p, o.value) for p, o in holders}
        found = []
        for graph in graphs:
            for r in self.by_graph[graph.value]:
                if (
                    frozenset((r.subject, r.object)) in pair_values
                    or (r.predicate, r.object) in group_values
                ):
                    found.append(r)
                    terms[r.subject], terms[r.object] = self.terms[r.subject], self.terms[r.object]
        return found


@dataclass
class Pending:
    """Graphs about to be written (or dropped), read from their N-Triples texts, so the
    merged layer's change can go out in the same update as the graphs themselves."""

    graphs: tuple[str, ...] = ()
    reports: list[Report] = field(default_factory=list)
    entity_parts: list[tuple[ox.Term, str, ox.Term]] = field(default_factory=list)
    terms: dict[str, ox.Term] = field(default_factory=dict)

    by_graph: dict[str, list[Report]] = field(default_factory=dict)

    @classmethod
    def of(cls, graphs: Sequence[tuple[str, str]]) -> Pending:
        pending = cls(tuple(iri for iri, _ in graphs))
        for iri, text in graphs:
            start = len(pending.reports)
            if text.strip():
                pending.read(iri, text)
            pending.by_graph[iri] = pending.reports[start:]
        return pending

    def touched(self, rules: TimeRules | None = None) -> Touched:
        """What these graphs name: their facts' pairs and one-holder groups, their entities."""
        rules = rules or time_rules()
        found = Touched(entities={e for e, p, _ in self.entity_parts if p == RDFS_LABEL})
        for r in self.reports:
            found.add_fact(self.terms[r.subject], r.predicate, self.terms[r.object], rules)
        return found

    def read(self, graph: str, text: str) -> None:
        nodes: dict[ox.Term, dict[str, ox.Term]] = {}
        plain: list[ox.Triple] = []
        for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
            p = t.predicate.value
            if p in ENTITY_PREDICATES and isinstance(t.subject, ox.NamedNode):
                self.entity_parts.append((t.subject, p, t.object))
            if p in RELATION_IRIS:
                plain.append(t)
            nodes.setdefault(t.subject, {})[p] = t.object
        stated = set()
        plainly = {(t.subject, t.predicate, t.object) for t in plain}
        for parts in nodes.values():
            s, p, o = statement_triple(parts)
            if s is None:
                continue
            modality = parts.get(str(KG.modality), ASSERTED)
            if not counts(modality, (s, p, o) in plainly):
                continue
            stated.add((s, p, o))
            article = parts.get(str(KG.fromArticle), ox.NamedNode(graph))
            self.add(s, p, o, modality, article, nodes, parts)
        for t in plain:
            if (t.subject, t.predicate, t.object) not in stated:
                self.add(
                    t.subject,
                    t.predicate,
                    t.object,
                    ox.NamedNode(str(KG.Asserted)),
                    ox.NamedNode(graph),
                    nodes,
                    {},
                )

    def add(
        self,
        s: ox.Term,
        p: ox.Term,
        o: ox.Term,
        modality: ox.Term,
        article: ox.Term,
        nodes: dict[ox.Term, dict[str, ox.Term]],
        parts: dict[str, ox.Term],
    ) -> None:
        if not isinstance(s, ox.NamedNode) or isinstance(o, ox.BlankNode):
            return
        meta = nodes.get(article, {})
        subject, obj = intern(s.value), intern(o.value)  # shared: reports may be kept
        self.terms[subject], self.terms[obj] = s, o
        day, read_on = day_of(meta.get(DCTERMS_DATE)), day_of(meta.get(str(KG.readOn)))
        self.reports.append(
            Report(
                subject=subject,
                predicate=intern(local(p.value)),
                object=obj,
                modality=intern(local(modality.value).lower()),
                article=intern(article.value),
                day=intern(day) if day else None,
                start=value(parts.get(str(KG.validFrom))),
                end=value(parts.get(str(KG.validUntil))),
                read_on=intern(read_on) if read_on else None,
                object_is_iri=isinstance(o, ox.NamedNode),
            )
        )


def refresh_steps(
    store: Store,
    touched: Touched,
    rules: TimeRules | None = None,
    pending: Pending | None = None,
    replaced: Iterable[ox.NamedNode] | None = None,
) -> list[str]:
    """The updates that rewrite the merged entries of what ``touched`` names, from every
    article graph (those in ``pending`` as they are about to be).

    ``replaced``: the entities the pending graphs' old versions named (their entries are
    read again from every graph); the pending graphs' other entities only gain names, so
    their entries grow from the merged layer. None: every entity is read again.
    """
    if not touched:
        return []
    rules = rules or time_rules()
    reports, in_scope, terms = store_reports(store, touched, rules, pending)
    for r in reports:  # the scope's own one-holder groups, so their old entries go too
        if in_scope(canonical_key(r, rules)) and r.predicate in rules.one_holder:
            touched.holders.add((r.predicate, terms[r.object]))
    old = old_triples(store, touched, rules)
    merged = merge(reports, rules)
    grown = () if pending is None or replaced is None else touched.entities - set(replaced)
    new = entity_triples(store, touched.entities, pending, grown)
    for key, fact in merged.items():
        if in_scope(key):
            new += fact_triples(fact, terms, rules)
    return data_steps(store, sorted(set(old) - set(new)), sorted(set(new) - set(old)))


def refresh(store: Store, touched: Touched, rules: TimeRules | None = None) -> None:
    """Rewrite the merged entries of what ``touched`` names, from every article graph."""
    for step in refresh_steps(store, touched, rules):
        store.update(step)


def data_steps(store: Store, delete: list[str], insert: list[str]) -> list[str]:
    """DELETE DATA then INSERT DATA into the merged layer: one update, or chunks when the
    store limits update size."""
    graph = store.merged_graph
    chunk = store.update_chunk or max(len(delete) + len(insert), 1)

    def block(verb: str, lines: list[str]) -> str:
        body = "\n".join(lines)
        return (
            f"{verb} DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"
            if graph
            else f"{verb} DATA {{\n{body}\n}}"
        )

    steps = [block("DELETE", delete[i : i + chunk]) for i in range(0, len(delete), chunk)]
    steps += [block("INSERT", insert[i : i + chunk]) for i in range(0, len(insert), chunk)]
    if store.update_chunk or not steps:
        return steps
    return [" ;\n".join(steps)]


def rebuild(store: Store, rules: TimeRules | None = None) -> None:
    """The merged layer from scratch: everything every article graph names."""
    rules = rules or time_rules()
    store.update(
        f"CLEAR SILENT GRAPH <{store.merged_graph}>"
        if store.merged_graph
        else "CLEAR SILENT DEFAULT"
    )
    touched = touched_in_store(store, store.graphs(), rules)
    refresh(store, touched, rules)


def unify_labels_update(graph_iris: Iterable[str]) -> str:
    """A SPARQL 1.1 update giving every entity of these graphs one rdfs:label store-wide.

    Articles may name one entity differently ("OnePlus 9 series", "OnePlus 9
    Series"); the IRI is the same. The smallest label wins everywhere (whatever
    the order articles arrive in) and the others become skos:altLabel.
    """
    values = " ".join(f"<{iri}>" for iri in graph_iris)
    return f"""DELETE {{ GRAPH ?g {{ ?e <{RDFS_LABEL}> ?l }} }}
INSERT {{ GRAPH ?g {{ ?e <{RDFS_LABEL}> ?keep . ?e <{SKOS_ALT}> ?l }} }}
WHERE {{
  {{ SELECT ?e (MIN(STR(?x)) AS ?keep) WHERE {{
      VALUES ?new {{ {values} }}
      GRAPH ?new {{ ?e <{RDFS_LABEL}> ?any }}
      GRAPH ?h {{ ?e <{RDFS_LABEL}> ?x }}
    }} GROUP BY ?e HAVING (COUNT(DISTINCT ?x) > 1) }}
  GRAPH ?g {{ ?e <{RDFS_LABEL}> ?l }}
  FILTER(STR(?l) != ?keep)
}}"""
