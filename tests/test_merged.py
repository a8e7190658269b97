"""The merged layer's upkeep (kg.store.merged): whatever order article graphs are written,
replaced and removed in, and however they are batched, the merged layer ends as one clean
build of the graphs left makes it; the index path (embedded) and the SPARQL path (servers)
agree. Graphs are generated here, shaped like kg.rdf's, with few entities so that every
entity is a hub: denials, stated times, ended partnerships, CEOs replacing each other,
acquisitions closing stakes, founding years, label variants, and triples without evidence.
"""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ontology import KG, article_iri, entity_iri, evidence_iri
from kg.store import Store
from kg.store.embedded import OxigraphStore
from kg.store.merged import fact_iri

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
DATE = "http://purl.org/dc/terms/date"

ORGS = ("Acme", "Borealis", "Cygnus", "Dorado")
PEOPLE = ("Ann Lee", "Bo Chan")
NAMES = {  # label variants an article may use
    "Acme": ("Acme", "ACME", "Acme Corp"),
    "Borealis": ("Borealis", "Borealis Inc"),
    "Cygnus": ("Cygnus",),
    "Dorado": ("Dorado", "Dorado Labs"),
    "Ann Lee": ("Ann Lee", "Anne Lee"),
    "Bo Chan": ("Bo Chan",),
}
RELATIONS = (  # (relation, subject kind, object kind)
    ("partnersWith", ORGS, ORGS),
    ("endedPartnershipWith", ORGS, ORGS),
    ("acquired", ORGS, ORGS),
    ("investedIn", ORGS, ORGS),
    ("ceoOf", PEOPLE, ORGS),
    ("foundedIn", ORGS, ("1998", "2004")),
)
MODALITIES = ("Asserted", "Asserted", "Hedged", "Negated")


def entity(name: str) -> str:
    return entity_iri("Person" if name in PEOPLE else "Organization", name)


def article_text(number: int, seed: int) -> str:
    """Article ``number``'s graph as N-Triples; ``seed`` picks its content (a new seed: an
    edited article)."""
    rng = random.Random(seed)
    graph = article_iri(f"a{number}")
    lines = [f"<{graph}> <{RDF}type> <{KG.Article}> ."]
    if rng.random() < 0.85:
        day = f"20{rng.randint(10, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        lines.append(f'<{graph}> <{DATE}> "{day}"^^<{XSD}date> .')
    else:
        lines.append(f'<{graph}> <{KG.readOn}> "2024-01-0{number % 9 + 1}"^^<{XSD}date> .')
    named: set[str] = set()
    for fact in range(rng.randint(1, 5)):
        relation, subjects, objects = rng.choice(RELATIONS)
        s, o = rng.choice(subjects), rng.choice(objects)
        if s == o:
            continue
        named.add(s)
        obj = f'"{o}"^^<{XSD}gYear>' if relation == "foundedIn" else f"<{entity(o)}>"
        if relation != "foundedIn":
            named.add(o)
        triple = f"<{entity(s)}> <{KG[relation]}> {obj}"
        modality = rng.choice(MODALITIES)
        if modality != "Negated":
            lines.append(f"{triple} .")
        if rng.random() < 0.1 and modality != "Negated":
            continue  # a triple with no evidence behind it, as an imported graph may hold
        node = f"<{evidence_iri(f'a{number}', f'{fact}-{relation}')}>"
        lines += [
            f"{node} <{RDF}type> <{RDF}Statement> .",
            f"{node} <{RDF}subject> <{entity(s)}> .",
            f"{node} <{RDF}predicate> <{KG[relation]}> .",
            f"{node} <{RDF}object> {obj} .",
            f"{node} <{KG.modality}> <{KG[modality]}> .",
            f"{node} <{KG.fromArticle}> <{graph}> .",
        ]
        if rng.random() < 0.4:
            lines.append(f'{node} <{KG.validFrom}> "{rng.randint(2008, 2022)}"^^<{XSD}gYear> .')
        if rng.random() < 0.25:
            day = f"20{rng.randint(12, 24)}-0{rng.randint(1, 9)}-15"
            lines.append(f'{node} <{KG.validUntil}> "{day}"^^<{XSD}date> .')
    for name in sorted(named):
        cls = "Person" if name in PEOPLE else "Organization"
        lines.append(f"<{entity(name)}> <{RDF}type> <{KG[cls]}> .")
        lines.append(f'<{entity(name)}> <{RDFS_LABEL}> "{rng.choice(NAMES[name])}" .')
        if rng.random() < 0.3:
            lines.append(f'<{entity(name)}> <{SKOS_ALT}> "{name.lower()}" .')
    return "".join(line + "\n" for line in lines)


class SparqlPath(OxigraphStore):
    """Embedded Oxigraph driven the way a SPARQL server is: queries, no index lookups."""

    atomic_updates = False
    indexed_lookups = False


def merged_layer(store: Store) -> set[str]:
    """The default graph's triples, as N-Triples lines."""
    return {f"{q.subject} {q.predicate} {q.object} ." for q in store.quads() if
            isinstance(q.graph_name, ox.DefaultGraph)}  # fmt: skip


def apply(store: Store, batches: list[list[tuple[int, int | None]]]) -> dict[int, int]:
    """Write each batch (article, seed; None drops the article); returns what is left."""
    held: dict[int, int] = {}
    for batch in batches:
        writes = {n: seed for n, seed in batch if seed is not None}
        if writes:
            store.replace_graphs([(article_iri(f"a{n}"), article_text(n, s))
                                  for n, s in sorted(writes.items())])  # fmt: skip
            held.update(writes)
        for n, seed in batch:
            if seed is None and n not in writes:
                store.remove_graph(article_iri(f"a{n}"))
                held.pop(n, None)
    return held


def clean_build(held: dict[int, int], store: Store | None = None) -> Store:
    store = store or OxigraphStore()
    graphs = [(article_iri(f"a{n}"), article_text(n, s)) for n, s in sorted(held.items())]
    if graphs:
        store.replace_graphs(graphs)
    return store


OPERATIONS = st.lists(
    st.lists(
        st.tuples(st.integers(0, 7), st.one_of(st.none(), st.integers(0, 40))),
        min_size=1,
        max_size=4,
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPERATIONS)
def test_merged_any_writes_removals_and_batches_equal_one_clean_build(batches) -> None:
    store = OxigraphStore()
    held = apply(store, batches)
    assert merged_layer(store) == merged_layer(clean_build(held))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPERATIONS, st.sampled_from([0, 6, 40_000]))
def test_merged_remembered_evidence_changes_nothing(batches, limit: int) -> None:
    """While a build remembers the evidence it wrote (at most ``limit`` reports, the
    oldest graphs forgotten first), the merged layer is what reading the store gives."""
    store = OxigraphStore()
    with store.remembering():
        assert store.evidence is not None
        store.evidence.limit = limit
        held = apply(store, batches)
        assert store.evidence.size <= limit
    assert store.evidence is None
    assert merged_layer(store) == merged_layer(clean_build(held))


def test_merged_remembering_is_only_for_embedded_writers() -> None:
    store = SparqlPath()
    with store.remembering():
        assert store.evidence is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPERATIONS)
def test_merged_index_path_equals_sparql_path(batches) -> None:
    indexed, sparql = OxigraphStore(), SparqlPath()
    held = apply(indexed, batches)
    assert apply(sparql, batches) == held
    assert merged_layer(indexed) == merged_layer(sparql)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPERATIONS)
def test_merged_rebuild_from_scratch_changes_nothing(batches) -> None:
    store = OxigraphStore()
    apply(store, batches)
    before = merged_layer(store)
    store.rebuild_merged()
    assert merged_layer(store) == before


def test_merged_hub_pairs_one_fact_each() -> None:
    """Many articles on the same few entities: each fact is stated once, with its sources."""
    store = clean_build({n: 1000 + n for n in range(8)})
    layer = merged_layer(store)
    facts = [line for line in layer if f"<{RDF}type> <{KG.Fact}>" in line]
    assert facts
    nodes = {line.split()[0] for line in facts}
    assert len(nodes) == len(facts)
    sources = [line for line in layer if f"<{KG.sources}>" in line]
    assert len(sources) == len(facts)


@pytest.mark.parametrize(
    ("key", "expected"),
    [(("https://w3id.org/kg-news/id/organization/a", "partnersWith", "x"),
      "https://w3id.org/kg-news/fact/5612fd430631063b")],
)  # fmt: skip
def test_merged_fact_iri(key: tuple[str, str, str], expected: str) -> None:
    assert fact_iri(key) == expected


def denial(number: int, relation: str, s: str, o: str, until: str | None) -> str:
    """An article that only denies ``s relation o`` (no plain triple), with an end."""
    graph, node = article_iri(f"d{number}"), evidence_iri(f"d{number}", "denied")
    lines = [
        f"<{graph}> <{RDF}type> <{KG.Article}> .",
        f'<{graph}> <{DATE}> "2021-05-05"^^<{XSD}date> .',
        f"<{node}> <{RDF}subject> <{entity(s)}> .",
        f"<{node}> <{RDF}predicate> <{KG[relation]}> .",
        f"<{node}> <{RDF}object> <{entity(o)}> .",
        f"<{node}> <{KG.modality}> <{KG.Negated}> .",
        f"<{node}> <{KG.fromArticle}> <{graph}> .",
    ]
    if until:
        lines.append(f'<{node}> <{KG.validUntil}> "{until}"^^<{XSD}date> .')
    return "".join(line + "\n" for line in lines)


def statement(number: int, relation: str, s: str, o: str) -> str:
    graph, node = article_iri(f"s{number}"), evidence_iri(f"s{number}", "stated")
    return "".join(line + "\n" for line in [
        f"<{graph}> <{RDF}type> <{KG.Article}> .",
        f'<{graph}> <{DATE}> "2016-02-02"^^<{XSD}date> .',
        f"<{entity(s)}> <{KG[relation]}> <{entity(o)}> .",
        f"<{node}> <{RDF}subject> <{entity(s)}> .",
        f"<{node}> <{RDF}predicate> <{KG[relation]}> .",
        f"<{node}> <{RDF}object> <{entity(o)}> .",
        f"<{node}> <{KG.modality}> <{KG.Asserted}> .",
        f"<{node}> <{KG.fromArticle}> <{graph}> .",
    ])  # fmt: skip


@pytest.mark.parametrize("relation", ["partnersWith", "ceoOf"])
@pytest.mark.parametrize("denial_first", [True, False])
def test_merged_denial_in_another_article_counts_in_any_order(
    relation: str, denial_first: bool
) -> None:
    """A denial's stated end is evidence on the fact even in an article that states
    nothing else about the pair, whichever article the store saw first."""
    s = "Ann Lee" if relation == "ceoOf" else "Acme"
    graphs = [
        (article_iri("d0"), denial(0, relation, s, "Borealis", "2020-03-15")),
        (article_iri("s0"), statement(0, relation, s, "Borealis")),
    ]
    if not denial_first:
        graphs.reverse()
    apart = OxigraphStore()
    for graph in graphs:
        apart.replace_graphs([graph])
    together = OxigraphStore()
    together.replace_graphs(graphs)
    until = f'<{KG.validUntil}> "2020-03-15"^^<{XSD}date> .'
    assert any(line.endswith(until) for line in merged_layer(together))
    assert merged_layer(apart) == merged_layer(together)
