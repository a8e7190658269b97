"""Facts in time over real extraction: dated articles written for these tests, the bundled
example, and the dev corpus. Spans, both clocks, and the merged layer's upkeep."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kg import KnowledgeGraph
from kg.api import build
from kg.cli import main
from kg.examples import __file__ as examples_init
from kg.model import Article
from kg.ontology import article_iri
from kg.store import open_store
from kg.timeline import CSV_COLUMNS

pytestmark = pytest.mark.model


def story(id: str, day: str | None, title: str | None, body: str) -> Article:
    return Article(id=id, published=day, title=title, text=f"{title}\n\n{body}" if title else body)


ARTICLES = [
    story(
        "deal",
        "2018-03-02",
        "Acme and Borealis team up",
        "Acme Corp has signed a partnership with Borealis Inc, the companies said on Monday.",
    ),
    story(
        "split",
        "2021-09-14",
        "Acme ends Borealis deal",
        "Acme Corp has ended its partnership with Borealis Inc.",
    ),
    story(
        "ceo-1",
        "2017-01-10",
        "Zephyr's chief opens a plant",
        "Anna Kowalski, the chief executive of Zephyr Systems, opened the plant.",
    ),
    story(
        "ceo-2",
        "2020-06-03",
        "Zephyr has a new chief",
        "Brian Osei became chief executive of Zephyr Systems, replacing Anna Kowalski.",
    ),
    story("stake", "2019-02-01", None, "Nimbus Holdings took a stake in Quartz Labs in 2015."),
    story("buy", "2022-11-20", "A startup sold", "Nimbus Holdings bought Quartz Labs."),
]

SPANS = {  # subject, relation, object -> since, until
    ("Acme Corp", "partnersWith", "Borealis Inc"): ("2018-02-26", "2021-09-14"),
    ("Acme Corp", "endedPartnershipWith", "Borealis Inc"): ("2021-09-14", ""),
    ("Anna Kowalski", "ceoOf", "Zephyr Systems"): ("2017-01-10", "2020-06-03"),
    ("Brian Osei", "ceoOf", "Zephyr Systems"): ("2020-06-03", ""),
    ("Nimbus Holdings", "investedIn", "Quartz Labs"): ("2015-01-01", "2022-11-20"),
    ("Nimbus Holdings", "acquired", "Quartz Labs"): ("2022-11-20", ""),
}


def built(articles: list[Article]) -> KnowledgeGraph:
    graph = KnowledgeGraph.open("memory:")
    build(graph.store, articles)
    return graph


def spans_of(graph: KnowledgeGraph, **when: str) -> dict[tuple[str, str, str], tuple[str, str]]:
    return {(f.subject, f.relation, f.object): (f.since, f.until) for f in graph.facts(**when)}


def dump(graph: KnowledgeGraph) -> list[str]:
    return sorted(graph.store.dump("nquads").decode("utf-8").splitlines())


@pytest.fixture(scope="module")
def story_graph() -> KnowledgeGraph:
    return built(ARTICLES)


def test_timeline_spans_over_dated_articles(story_graph: KnowledgeGraph) -> None:
    assert spans_of(story_graph) == SPANS


@pytest.mark.parametrize(
    ("as_of", "held"),
    [
        ("2016-06-01", {("Nimbus Holdings", "investedIn", "Quartz Labs")}),
        (
            "2019-06-01",
            {
                ("Acme Corp", "partnersWith", "Borealis Inc"),
                ("Anna Kowalski", "ceoOf", "Zephyr Systems"),
                ("Nimbus Holdings", "investedIn", "Quartz Labs"),
            },
        ),
        (
            "2023-01-01",
            {
                ("Acme Corp", "endedPartnershipWith", "Borealis Inc"),
                ("Brian Osei", "ceoOf", "Zephyr Systems"),
                ("Nimbus Holdings", "acquired", "Quartz Labs"),
            },
        ),
    ],
)
def test_timeline_as_of(story_graph: KnowledgeGraph, as_of: str, held: set) -> None:
    assert set(spans_of(story_graph, as_of=as_of)) == held


def test_timeline_known_by_tells_what_was_reported_then(story_graph: KnowledgeGraph) -> None:
    """By the end of 2020 no article had said the partnership ended or Quartz was bought."""
    assert spans_of(story_graph, known_by="2020-12-31") == {
        ("Acme Corp", "partnersWith", "Borealis Inc"): ("2018-02-26", ""),
        ("Anna Kowalski", "ceoOf", "Zephyr Systems"): ("2017-01-10", "2020-06-03"),
        ("Brian Osei", "ceoOf", "Zephyr Systems"): ("2020-06-03", ""),
        ("Nimbus Holdings", "investedIn", "Quartz Labs"): ("2015-01-01", ""),
    }


@pytest.mark.parametrize("order", [(5, 4, 3, 2, 1, 0), (1, 3, 5, 0, 2, 4), (2, 0, 4, 1, 5, 3)])
def test_timeline_any_order_gives_the_same_store(story_graph: KnowledgeGraph, order: tuple) -> None:
    """Articles fed in another order, one per batch: the same spans, the same quads."""
    graph = KnowledgeGraph.open("memory:")
    for i in order:
        build(graph.store, [ARTICLES[i]])
    assert spans_of(graph) == SPANS
    assert dump(graph) == dump(story_graph)


def test_timeline_remove_and_rebuild_equals_a_clean_build(story_graph: KnowledgeGraph) -> None:
    graph = built(ARTICLES)
    for gone in ("split", "ceo-1", "buy"):
        assert graph.remove(gone)
    assert dump(graph) == dump(
        built([a for a in ARTICLES if a.id not in ("split", "ceo-1", "buy")])
    )
    build(graph.store, [a for a in ARTICLES if a.id in ("buy", "split", "ceo-1")])
    assert dump(graph) == dump(story_graph)


def test_timeline_undated_article_counts_from_the_day_it_was_read() -> None:
    graph = built(
        [story("wire", None, "A wire", "Acme Corp has ended its partnership with Borealis Inc.")]
    )
    today = date.today().isoformat()
    facts = graph.facts()
    assert [(f.relation, f.since, f.since_basis) for f in facts] == [
        ("endedPartnershipWith", today, "read")
    ]


EXAMPLE = Path(examples_init).parent / "news" / "leica-xiaomi-retold.md"


def example_graph() -> KnowledgeGraph:
    graph = KnowledgeGraph.open("memory:")
    graph.add(EXAMPLE)
    return graph


@pytest.mark.parametrize(
    ("as_of", "partners"), [("2019-06-01", ["Huawei"]), ("2023-01-01", ["Xiaomi"])]
)
def test_timeline_bundled_example_partners_of_leica(as_of: str, partners: list[str]) -> None:
    graph = example_graph()
    rows = graph.facts(as_of=as_of, entity="Leica", relation="partnersWith")
    assert sorted({r.subject, r.object} - {"Leica"} for r in rows) == [{p} for p in partners]
    sparql = f"""SELECT ?name WHERE {{
      ?f rdf:predicate kg:partnersWith ; rdf:subject|rdf:object ?leica , ?partner ;
         kg:validFrom ?from .
      ?leica rdfs:label "Leica" . ?partner rdfs:label ?name . FILTER(?partner != ?leica)
      OPTIONAL {{ ?f kg:validUntil ?until }}
      FILTER(?from <= "{as_of}"^^xsd:date && (!BOUND(?until) || ?until > "{as_of}"^^xsd:date))
    }}"""
    assert [row["name"] for row in graph.query(sparql)] == partners
    edges = graph.to_networkx(as_of=as_of).edges(keys=True)
    names = {
        graph.to_networkx().nodes[n]["label"]
        for u, v, k in edges
        if k == "partnersWith"
        for n in (u, v)
    }
    assert names == {"Leica", *partners}


def test_timeline_facts_csv_and_timeline_commands(tmp_path, capsys) -> None:
    store = str(tmp_path / "store")
    assert main(["build", str(EXAMPLE), "--store", store, "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["facts", "--store", store, "--as-of", "2019-06-01", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS) == "subject,relation,object,since,until,sources"
    assert "Huawei,partnersWith,Leica,2016-01-01,2022-05-25,1" in lines
    assert main(["timeline", "Huawei", "--store", store]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("2016-01-01 .. 2022-05-25  Huawei partnersWith Leica")
    assert main(["facts", "--store", store, "--as-of", "June"]) == 2
    assert "--as-of 'June' is not a date; write it as YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.corpus
def test_timeline_dev_corpus_naive_join_gives_one_row_per_partner(dev_dir, dev_nquads) -> None:
    from kg.ingest import read_articles

    store = open_store("memory:")  # the dev corpus as built (conftest), in a store of its own
    store.load(dev_nquads, "nquads", "urn:unused")
    rows = store.query("""PREFIX kg: <https://w3id.org/kg-news/ontology#>
      PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
      SELECT ?n WHERE { ?x kg:partnersWith ?y . ?y rdfs:label "Leica" . ?x rdfs:label ?n }""")
    names = [row["n"].value for row in rows]
    assert names and len(names) == len(set(names))
    graphs = store.graphs()
    for iri in graphs[::3]:
        store.remove_graph(iri)
    clean = open_store("memory:")
    kept = [a for a in read_articles([dev_dir]) if article_iri(a.id) not in graphs[::3]]
    build(clean, kept)
    assert sorted(store.dump("nquads").splitlines()) == sorted(clean.dump("nquads").splitlines())
