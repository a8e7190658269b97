"""kg.analytics: ranking, communities and paths, on hand-made graphs and the bundled example."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from cli_helpers import run_kg

from kg import KnowledgeGraph
from kg.analytics import (
    EntityError,
    NoPathError,
    communities,
    find_entity,
    rank,
    render_communities,
    render_path,
    shortest_path,
)
from kg.errors import KGError
from kg.examples import example_path

E = "https://w3id.org/kg-news/id/"


def small_graph() -> nx.MultiDiGraph:
    """Two triangles joined by one bridge (Bravo - Delta), plus a product and a rival."""
    g = nx.MultiDiGraph()
    nodes = {
        "a": ("Alpha", "Organization"),
        "b": ("Bravo", "Organization"),
        "c": ("Charlie", "Person"),
        "d": ("Delta", "Organization"),
        "e": ("Echo", "Product"),
        "f": ("Foxtrot", "Organization"),
    }
    for key, (label, cls) in nodes.items():
        g.add_node(E + key, label=label, evidence=0, **{"class": cls})
    for s, p, o, hedged in [
        ("a", "partnersWith", "b", False),
        ("c", "ceoOf", "a", False),
        ("c", "worksFor", "b", False),
        ("b", "supplierOf", "d", True),
        ("e", "manufacturedBy", "d", False),
        ("f", "competesWith", "d", False),
        ("e", "hasOptics", "f", False),
    ]:
        g.add_edge(E + s, E + o, key=p, predicate=p, evidence=1, hedged=hedged)
    return g


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        (
            "degree",
            [("Bravo", 3), ("Delta", 3), ("Alpha", 2), ("Charlie", 2), ("Echo", 2), ("Foxtrot", 2)],
        ),
        (
            "betweenness",
            [
                ("Bravo", 0.6),
                ("Delta", 0.6),
                ("Alpha", 0.0),
                ("Charlie", 0.0),
                ("Echo", 0.0),
                ("Foxtrot", 0.0),
            ],
        ),
    ],
)
def test_analytics_rank_orders_by_score_then_label(by: str, expected: list) -> None:
    ranked = rank(small_graph(), by=by)
    assert [(r.label, round(r.score, 4)) for r in ranked] == expected


def test_analytics_rank_pagerank_is_a_distribution_led_by_the_bridges() -> None:
    ranked = rank(small_graph(), by="pagerank")
    assert [r.label for r in ranked[:2]] == ["Bravo", "Delta"]
    assert round(sum(r.score for r in ranked), 6) == 1.0


@pytest.mark.parametrize("top", [1, 3])
def test_analytics_rank_top_cuts_the_list(top: int) -> None:
    assert len(rank(small_graph(), by="degree", top=top)) == top


def test_analytics_rank_unknown_measure_is_a_kg_error() -> None:
    with pytest.raises(KGError, match="unknown measure 'closeness'; use one of pagerank"):
        rank(small_graph(), by="closeness")


def test_analytics_communities_split_at_the_bridge() -> None:
    g = small_graph()
    assert render_communities(g, communities(g)) == (
        "community 1 (3): Alpha, Bravo, Charlie\ncommunity 2 (3): Delta, Echo, Foxtrot"
    )


TIED_RING = """
import networkx as nx
from kg.analytics import communities

g = nx.MultiDiGraph()  # a ring of 12: every merge greedy modularity makes ties with others
for u, v in nx.cycle_graph(12).edges():
    g.add_edge(f"urn:e:{u:02d}", f"urn:e:{v:02d}", key="partnersWith")
for n in g:
    g.nodes[n]["label"] = f"Org {99 - int(n[-2:])}"  # label order is the IRIs' reversed
print(communities(g))
"""


def test_analytics_communities_are_the_same_whatever_the_hash_seed() -> None:
    """Two interpreters with different string-hash seeds split a tie-ridden ring alike."""
    printed = [
        subprocess.run(
            [sys.executable, "-c", TIED_RING],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    groups = [[f"urn:e:{n:02d}" for n in range(end, end - 4, -1)] for end in (11, 7, 3)]
    assert printed == [f"{groups}\n"] * 2


def test_analytics_communities_of_a_graph_without_relations_are_none() -> None:
    g = nx.MultiDiGraph()
    g.add_node(E + "a", label="Alpha")
    assert communities(g) == []
    assert render_communities(g, []) == "(no relations, so no communities)"


def test_analytics_shortest_path_walks_relations_either_way() -> None:
    hops = shortest_path(small_graph(), "charlie", "Echo")
    assert render_path(hops) == (
        "Charlie -[worksFor]-> Bravo\nBravo -[supplierOf]-> Delta\nDelta <-[manufacturedBy]- Echo"
    )
    assert [h.forward for h in hops] == [True, True, False]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Delt", "no entity named 'Delt' in the graph; did you mean 'Delta'?"),
        ("Zulu", "no entity named 'Zulu' in the graph; see `kg rank`"),
    ],
)
def test_analytics_find_entity_unknown_names_suggest(name: str, message: str) -> None:
    with pytest.raises(EntityError) as err:
        find_entity(small_graph(), name)
    assert str(err.value) == message


def test_analytics_find_entity_by_iri_and_ambiguous_label() -> None:
    g = small_graph()
    assert find_entity(g, E + "d") == E + "d"
    g.add_node(E + "d2", label="Delta", **{"class": "Place"})
    with pytest.raises(EntityError, match=r"'delta' names 2 entities .*; pass the IRI"):
        find_entity(g, "delta")


def test_analytics_shortest_path_without_a_connection_says_so() -> None:
    g = small_graph()
    g.add_node(E + "z", label="Zulu", **{"class": "Place"})
    with pytest.raises(NoPathError, match="no chain of relations connects 'Alpha' and 'Zulu'"):
        shortest_path(g, "Alpha", "Zulu")


# --- the bundled example, through the model ---------------------------------------------------

EXAMPLE_NODES = {
    "Huawei": ("Organization", 3),
    "Huawei Xs 2": ("Product", 1),
    "Lei Jun": ("Person", 1),
    "Leica": ("Organization", 4),
    "P9": ("Product", 1),
    "Xiaomi": ("Organization", 5),
    "Xiaomi 12 Ultra": ("Product", 2),
    "Mi 11 Ultra": ("Product", 1),
}
EXAMPLE_EDGES = {
    ("Huawei", "endedPartnershipWith", "Leica", 1, False),
    ("Huawei Xs 2", "manufacturedBy", "Huawei", 1, False),
    ("Lei Jun", "ceoOf", "Xiaomi", 1, False),
    ("P9", "manufacturedBy", "Huawei", 1, False),
    ("Leica", "partnersWith", "Xiaomi", 2, False),  # symmetric: from the smaller IRI
    ("Huawei", "partnersWith", "Leica", 0, False),  # implied: the ended one began in 2016
    ("Xiaomi 12 Ultra", "hasOptics", "Leica", 1, True),
    ("Xiaomi 12 Ultra", "manufacturedBy", "Xiaomi", 1, False),
    ("Mi 11 Ultra", "manufacturedBy", "Xiaomi", 1, False),
}


@pytest.fixture(scope="module")
def example() -> KnowledgeGraph:
    graph = KnowledgeGraph.open("memory:")
    graph.add(example_path())
    return graph


@pytest.mark.model
def test_analytics_example_graph_has_labels_classes_and_evidence(example: KnowledgeGraph) -> None:
    g = example.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert all(n.startswith(E) for n in g)
    nodes = {d["label"]: (d["class"], d["evidence"]) for _, d in g.nodes(data=True)}
    assert nodes == EXAMPLE_NODES
    edges = {
        (g.nodes[s]["label"], k, g.nodes[o]["label"], d["evidence"], d["hedged"])
        for s, o, k, d in g.edges(keys=True, data=True)
    }
    assert edges == EXAMPLE_EDGES


@pytest.mark.model
def test_analytics_example_rank_by_degree(example: KnowledgeGraph) -> None:
    assert [(r.label, r.score) for r in example.rank(by="degree", top=4)] == [
        ("Huawei", 4.0),
        ("Leica", 4.0),
        ("Xiaomi", 4.0),
        ("Xiaomi 12 Ultra", 2.0),
    ]


@pytest.mark.model
def test_analytics_example_path_carries_each_hops_evidence(example: KnowledgeGraph) -> None:
    hops = example.path("Huawei", "Xiaomi")
    assert [(h.subject_label, h.predicate, h.object_label, h.forward) for h in hops] == [
        ("Huawei", "endedPartnershipWith", "Leica", True),
        ("Leica", "partnersWith", "Xiaomi", True),
    ]
    text = example_path().read_text(encoding="utf-8")
    assert [len(hop.evidence) for hop in hops] == [1, 2]
    for ev in (ev for hop in hops for ev in hop.evidence):
        assert ev.sentence in text
        assert (ev.title, ev.publisher, ev.date, ev.modality) == (
            "Xiaomi signs up Leica after the German camera maker leaves Huawei",
            "kg example desk",
            "2022-05-25",
            "asserted",
        )
        assert ev.url == "https://example.org/kg/leica-xiaomi-retold"


@pytest.mark.model
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["rank", "--by", "degree", "--top", "3"],
            "rank  entity  class         degree\n"
            "----  ------  ------------  ------\n"
            "1     Huawei  Organization  4\n"
            "2     Leica   Organization  4\n"
            "3     Xiaomi  Organization  4\n"
            "(3 rows)\n",
        ),
        (
            ["rank", "--by", "betweenness", "--top", "2"],
            "rank  entity  class         betweenness\n"
            "----  ------  ------------  -----------\n"
            "1     Leica   Organization  0.5714\n"
            "2     Huawei  Organization  0.5238\n"
            "(2 rows)\n",
        ),
        (
            ["communities"],
            "community 1 (5): Lei Jun, Leica, Mi 11 Ultra, Xiaomi, Xiaomi 12 Ultra\n"
            "community 2 (3): Huawei, Huawei Xs 2, P9\n",
        ),
    ],
)
def test_analytics_cli_prints_exact_tables(example_store: Path, args: list, expected: str) -> None:
    result = run_kg(*args, "--store", str(example_store))
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, "")


@pytest.mark.model
def test_analytics_cli_rank_defaults_to_pagerank(example_store: Path) -> None:
    result = run_kg("rank", "--store", str(example_store))
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["rank", "entity", "class", "pagerank"]
    assert lines[2].split() == ["1", "Xiaomi", "Organization", "0.2341"]
    assert lines[-1] == "(8 rows)"


@pytest.mark.model
def test_analytics_cli_path_prints_evidence_for_each_hop(example_store: Path) -> None:
    result = run_kg("path", "huawei", "Xiaomi", "--store", str(example_store))
    assert result.returncode == 0, result.stderr
    text = example_path().read_text(encoding="utf-8")
    lines = result.stdout.splitlines()
    assert lines[0] == "Huawei -[endedPartnershipWith]-> Leica"
    assert lines[4] == "Leica -[partnersWith]-> Xiaomi"
    source = re.compile(
        r"      Xiaomi signs up Leica after the German camera maker leaves Huawei, "
        r"kg example desk, 2022-05-25 \(confidence (0\.\d\d|1\.00), asserted\)"
    )  # the confidence is the decision model's, which `kg train` may move
    assert source.fullmatch(lines[2]) and source.fullmatch(lines[6])
    assert lines[3] == lines[7] == "      https://example.org/kg/leica-xiaomi-retold"
    for sentence in (lines[1], lines[5]):
        assert sentence.startswith('    "') and sentence.endswith('"')
        assert sentence.strip()[1:-1] in text


@pytest.mark.model
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["path", "Huawei", "Leika"],
            "kg: error: no entity named 'Leika' in the graph; did you mean 'Leica' or 'Lei Jun'?\n",
        ),
        (
            ["path", "Leica", "leica"],
            "kg: error: 'Leica' and 'leica' are the same entity; name two different ones\n",
        ),
        (["rank", "--by", "closeness"], None),
    ],
)
def test_analytics_cli_bad_input_is_one_line_exit_2(
    example_store: Path, args: list, message: str | None
) -> None:
    result = run_kg(*args, "--store", str(example_store))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    if message is not None:
        assert (result.stdout, result.stderr) == ("", message)


@pytest.mark.model
@pytest.mark.corpus
def test_analytics_seed_article_links_huawei_and_xiaomi_through_leica(
    seed_path: Path, tmp_path: Path
) -> None:
    graph = KnowledgeGraph.open(tmp_path / "store")
    graph.add(seed_path)
    hops = graph.path("Huawei", "Xiaomi")
    walked = [(h.subject_label, h.object_label)[:: 1 if h.forward else -1] for h in hops]
    assert walked == [("Huawei", "Leica"), ("Leica", "Xiaomi")]
    assert [h.predicate for h in hops] == ["endedPartnershipWith", "partnersWith"]
    text = " ".join(seed_path.read_text(encoding="utf-8").split())
    assert all(" ".join(ev.sentence.split()) in text for h in hops for ev in h.evidence)
    assert all(h.evidence for h in hops)


def test_analytics_docstring_examples_run() -> None:
    import doctest

    import kg.analytics

    result = doctest.testmod(kg.analytics)
    assert (result.attempted, result.failed) == (6, 0)
