"""One conformance suite for every store backend: on disk, in memory, and real SPARQL servers.

The graphs here are written by hand (no spaCy), so the suite is fast and
says exactly what each backend must hold.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from sparql_servers import Server, oxigraph_server, virtuoso_available, virtuoso_server

from kg.errors import QueryError, StoreError
from kg.rdf import ARTICLE, ENTITY, KG
from kg.store import (
    Endpoints,
    Retry,
    SparqlStore,
    Store,
    import_graph_iri,
    open_store,
    remove_article,
    to_rdflib,
)
from kg.store.merged import MERGED
from kg.views import to_networkx, with_prefixes

BACKENDS = ["disk", "memory", "oxigraph-server", "oxigraph-union", "virtuoso", "kg-serve"]
QUICK = Retry(attempts=3, first_delay=0.01, timeout=5)


def article(name: str, entities: dict[str, str], relations: list[tuple[str, str, str]],
            digest: str = "h1") -> Graph:  # fmt: skip
    """An article graph shaped like kg.rdf's: metadata, entities with labels, relations."""
    node = ARTICLE[name]
    graph = Graph(identifier=node)
    graph.add((node, RDF.type, KG.Article))
    graph.add((node, KG.contentHash, Literal(digest)))
    for label, cls in entities.items():
        entity = ENTITY[label.replace(" ", "-")]
        graph.add((entity, RDF.type, KG[cls]))
        graph.add((entity, RDFS.label, Literal(label)))
        graph.add((entity, SKOS.altLabel, Literal(label.upper())))
    for subject, predicate, obj in relations:
        graph.add((ENTITY[subject.replace(" ", "-")], KG[predicate], ENTITY[obj.replace(" ", "-")]))
    return graph


LENS = article(
    "lens-deal",
    {"Acme Optics": "Organization", "Borealis Phones": "Organization", "Borealis X1": "Product"},
    [
        ("Acme Optics", "partnersWith", "Borealis Phones"),
        ("Borealis X1", "hasOptics", "Acme Optics"),
    ],
)
SPLIT = article(
    "split",
    {"Acme Optics": "Organization", "Cobalt Mobile": "Organization"},
    [("Cobalt Mobile", "endedPartnershipWith", "Acme Optics")],
)


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """Both servers, started once per session (Virtuoso only when installed)."""
    with ExitStack() as stack:
        found = {
            "oxigraph-server": stack.enter_context(
                oxigraph_server(tmp_path_factory.mktemp("oxigraph"))),
            "oxigraph-union": stack.enter_context(
                oxigraph_server(tmp_path_factory.mktemp("oxigraph-union"), union=True)),
        }  # fmt: skip
        if virtuoso_available():
            found["virtuoso"] = stack.enter_context(
                virtuoso_server(tmp_path_factory.mktemp("virtuoso")))  # fmt: skip
        yield found


@pytest.fixture
def kg_serve() -> Iterator:
    """Start `kg serve`'s server (writable) over a store folder; stopped after the test."""
    from kg.serve.app import ServeConfig, serving

    with ExitStack() as stack:

        def start(folder: Path) -> str:
            open_store(folder).close()
            return stack.enter_context(serving(ServeConfig(folder, port=0, allow_update=True)))

        yield start


def fresh_remote(server: Server, monkeypatch: pytest.MonkeyPatch) -> Store:
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    store = open_store(server.url)
    for graph in store.graphs():
        store.remove_graph(graph)
    assert len(store) == 0
    return store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if request.param == "disk":
        opened = open_store(tmp_path / "store")
    elif request.param == "memory":
        opened = open_store("memory:")
    elif request.param == "kg-serve":
        url = request.getfixturevalue("kg_serve")(tmp_path / "served")
        opened = open_store(url)
    else:
        servers = request.getfixturevalue("servers")
        if request.param not in servers:
            pytest.skip(f"{request.param} is not installed (see .ci/run)")
        opened = fresh_remote(servers[request.param], monkeypatch)
    yield opened
    opened.close()


def graph_of(store: Store, iri: str) -> Graph:
    dataset = to_rdflib(store)
    return dataset.graph(URIRef(iri))


def merged_of(store: Store) -> Graph:
    """The merged layer: the default graph's triples."""
    graph = Graph()
    for q in store.quads():
        if isinstance(q.graph_name, ox.DefaultGraph):
            graph.parse(data=f"{q.subject} {q.predicate} {q.object} .", format="nt")
    return graph


# LENS's merged layer: each entity once, each fact once (a symmetric one both ways round,
# its node from the smaller IRI), with its sources and modality; no date, so no span.
MERGED_LENS = """
@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix id: <https://w3id.org/kg-news/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
id:Acme-Optics a kg:Organization ; rdfs:label "Acme Optics" ; skos:altLabel "ACME OPTICS" ;
    kg:partnersWith id:Borealis-Phones .
id:Borealis-Phones a kg:Organization ; rdfs:label "Borealis Phones" ;
    skos:altLabel "BOREALIS PHONES" ; kg:partnersWith id:Acme-Optics .
id:Borealis-X1 a kg:Product ; rdfs:label "Borealis X1" ; skos:altLabel "BOREALIS X1" ;
    kg:hasOptics id:Acme-Optics .
<https://w3id.org/kg-news/fact/9265ae19c6d02fe1> a kg:Fact ; rdf:subject id:Acme-Optics ;
    rdf:predicate kg:partnersWith ; rdf:object id:Borealis-Phones ; kg:sources 1 ;
    kg:modality kg:Asserted .
<https://w3id.org/kg-news/fact/9e721ff62b021cc1> a kg:Fact ; rdf:subject id:Borealis-X1 ;
    rdf:predicate kg:hasOptics ; rdf:object id:Acme-Optics ; kg:sources 1 ;
    kg:modality kg:Asserted .
"""


def test_store_replace_graph_holds_exactly_the_article(store: Store) -> None:
    store.replace_graph(LENS)
    assert store.graphs() == [str(ARTICLE["lens-deal"])]
    assert len(store) == len(LENS) + 24 == 37
    assert isomorphic(graph_of(store, str(ARTICLE["lens-deal"])), LENS)
    assert isomorphic(merged_of(store), Graph().parse(data=MERGED_LENS, format="turtle"))


def test_store_replace_graph_replaces_instead_of_merging(store: Store) -> None:
    store.replace_graph(LENS)
    smaller = article("lens-deal", {"Acme Optics": "Organization"}, [], digest="h2")
    store.replace_graph(smaller)
    assert len(store) == len(smaller) + 3 == 8
    assert isomorphic(graph_of(store, str(ARTICLE["lens-deal"])), smaller)
    assert store.content_hash(str(ARTICLE["lens-deal"])) == "h2"


def nt(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode()


def test_store_replace_graphs_writes_several_and_drops_empty_ones(store: Store) -> None:
    store.replace_graph(SPLIT)
    store.replace_graphs([(str(ARTICLE["lens-deal"]), nt(LENS)), (str(ARTICLE["split"]), "")])
    assert store.graphs() == [str(ARTICLE["lens-deal"])]
    assert isomorphic(graph_of(store, str(ARTICLE["lens-deal"])), LENS)


def test_store_replace_graphs_takes_a_large_article(store: Store) -> None:
    """20,000 triples in one article: more than some servers' SPARQL parsers take in one update."""
    big = sized_article("long-read", 20_000)
    store.replace_graphs([(str(big.identifier), nt(big))])
    assert len(store) == 20_000
    assert store.content_hash(str(big.identifier)) == "long-read-20000"


def test_store_query_over_many_articles(store: Store) -> None:
    """150 article graphs: some servers echo every dataset graph of a query as a header."""
    store.replace_graphs(
        [(str(g.identifier), nt(g)) for g in (sized_article(f"n{i}", 2) for i in range(150))]
    )
    count = store.query(
        f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH ?g {{ ?a <{KG.contentHash}> ?h }} }}"
    )
    assert int(next(iter(count))["n"].value) == 150
    assert len(store.graphs()) == 150


def test_store_content_hash_absent_for_unknown_article(store: Store) -> None:
    store.replace_graph(LENS)
    assert store.content_hash(str(ARTICLE["lens-deal"])) == "h1"
    assert store.content_hash(str(ARTICLE["never-built"])) is None


def test_store_query_default_graph_is_the_merged_layer(store: Store) -> None:
    """Each entity and fact once, whatever number of articles name them; a symmetric
    relation matches either way round."""
    store.replace_graph(LENS)
    store.replace_graph(SPLIT)
    rows = store.query(with_prefixes(
        'SELECT ?n WHERE { ?x kg:endedPartnershipWith|kg:partnersWith ?y . '
        '?y rdfs:label "Acme Optics" . ?x rdfs:label ?n } ORDER BY ?n'))  # fmt: skip
    assert [r["n"].value for r in rows] == ["Borealis Phones", "Cobalt Mobile"]
    labels = store.query(with_prefixes("SELECT ?l WHERE { ?e rdfs:label ?l ; a kg:Organization }"))
    assert sorted(r["l"].value for r in labels) == [
        "Acme Optics",
        "Borealis Phones",
        "Cobalt Mobile",
    ]


@pytest.mark.parametrize(
    ("dataset", "expected"),
    [
        ("FROM <https://w3id.org/kg-news/article/split>", 9),
        (f"FROM <{ARTICLE['split']}> FROM <{ARTICLE['lens-deal']}>", 22),
        ("FROM <http://nope/>", 0),
        ("", 35),
    ],
)  # fmt: skip
def test_store_query_honours_from(store: Store, dataset: str, expected: int) -> None:
    store.replace_graph(LENS)
    store.replace_graph(SPLIT)
    rows = store.query(f"SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ ?s ?p ?o }}")
    assert int(next(iter(rows))["n"].value) == expected


def test_store_query_honours_protocol_dataset(store: Store) -> None:
    store.replace_graph(LENS)
    store.replace_graph(SPLIT)
    split, lens = str(ARTICLE["split"]), str(ARTICLE["lens-deal"])
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(next(iter(store.query(count, default_graph=[split])))["n"].value) == 9
    graphs = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert [r["g"].value for r in store.query(graphs, named_graphs=[lens])] == [lens]


def test_store_query_graph_names_the_article(store: Store) -> None:
    store.replace_graph(LENS)
    store.replace_graph(SPLIT)
    rows = store.query(with_prefixes(
        "SELECT ?g WHERE { GRAPH ?g { ?e rdfs:label \"Acme Optics\" } } ORDER BY ?g"))  # fmt: skip
    expected = [str(ARTICLE["lens-deal"]), str(ARTICLE["split"])]
    if getattr(store, "dataset", "") == "server":  # GRAPH ?g reaches every graph the server has
        expected.append(MERGED)
    assert [r["g"].value for r in rows] == expected


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("ASK { ?x kg:hasOptics ?y }", True),
        ("ASK { ?x kg:acquired ?y }", False),
    ],
)
def test_store_query_ask(store: Store, sparql: str, expected: bool) -> None:
    store.replace_graph(LENS)
    result = store.query(with_prefixes(sparql))
    assert isinstance(result, ox.QueryBoolean)
    assert bool(result) is expected


def test_store_query_construct_gives_triples(store: Store) -> None:
    store.replace_graph(LENS)
    result = store.query(
        with_prefixes("CONSTRUCT { ?x kg:hasOptics ?y } WHERE { ?x kg:hasOptics ?y }")
    )
    assert isinstance(result, ox.QueryTriples)
    assert [(t.subject.value, t.object.value) for t in result] == [
        (str(ENTITY["Borealis-X1"]), str(ENTITY["Acme-Optics"]))
    ]


@pytest.mark.parametrize("sparql", ["SELEKT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { ?x ?p }"])
def test_store_malformed_query_is_a_query_error(store: Store, sparql: str) -> None:
    with pytest.raises(QueryError, match="malformed SPARQL query"):
        store.query(sparql)


def test_store_update_inserts_into_a_named_graph(store: Store) -> None:
    store.update(with_prefixes(
        'INSERT DATA { GRAPH <https://w3id.org/kg-news/article/note> {'
        ' <https://w3id.org/kg-news/id/Zed> rdfs:label "Zed" } }'))  # fmt: skip
    assert store.graphs() == ["https://w3id.org/kg-news/article/note"]
    assert bool(store.query(with_prefixes('ASK { GRAPH ?g { ?x rdfs:label "Zed" } }')))


def test_store_malformed_update_is_a_query_error(store: Store) -> None:
    with pytest.raises(QueryError, match="malformed SPARQL update"):
        store.update("INSERT DATUM { }")


def test_store_remove_graph_reports_whether_it_existed(store: Store) -> None:
    store.replace_graph(LENS)
    assert store.remove_graph(str(ARTICLE["lens-deal"])) is True
    assert store.remove_graph(str(ARTICLE["lens-deal"])) is False
    assert len(store) == 0
    assert store.graphs() == []


def test_store_remove_article_takes_only_its_own_entities(store: Store) -> None:
    store.replace_graph(LENS)
    store.replace_graph(SPLIT)
    removal = remove_article(store, str(ARTICLE["split"]))
    assert removal is not None
    assert removal.entities == (str(ENTITY["Cobalt-Mobile"]),)
    labels = store.query(with_prefixes("SELECT ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l"))
    assert [r["l"].value for r in labels] == ["Acme Optics", "Borealis Phones", "Borealis X1"]
    assert remove_article(store, str(ARTICLE["split"])) is None


@pytest.mark.parametrize("as_file", [False, True], ids=["bytes", "file"])
@pytest.mark.parametrize("fmt", ["nquads", "trig", "turtle", "nt", "json-ld"])
def test_store_dump_then_load_round_trips(
    store: Store, fmt: str, as_file: bool, tmp_path: Path
) -> None:
    source = open_store("memory:")
    source.replace_graph(LENS)
    source.replace_graph(SPLIT)
    data = source.dump(fmt)
    if as_file:
        (tmp_path / "dump").write_bytes(data)
    target = import_graph_iri("bundle")
    store.load(tmp_path / "dump" if as_file else data, fmt, target)
    if fmt in ("nquads", "trig", "json-ld"):  # the merged layer comes back as it was
        assert sorted(quad_lines(store.quads(), None)) == sorted(quad_lines(source.quads(), None))
    else:  # the union lands in the target graph
        expected = sorted(set(quad_lines(source.quads(), target)))
        named = [q for q in store.quads() if not isinstance(q.graph_name, ox.DefaultGraph)]
        assert sorted(quad_lines(named, None)) == expected


def quad_lines(quads: Iterator[ox.Quad], graph: str | None) -> list[str]:
    """Quads as N-Quads lines; with ``graph``, every quad moved into that graph."""
    return [
        f"{q.subject} {q.predicate} {q.object} {f'<{graph}>' if graph else graph_text(q)} ."
        for q in quads
    ]


def graph_text(quad: ox.Quad) -> str:
    return "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)


def test_store_load_malformed_data_adds_nothing(store: Store) -> None:
    store.replace_graph(LENS)
    bad = b"<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n<oops\n"
    with pytest.raises(StoreError, match="cannot parse the nquads data"):
        store.load(bad, "nquads", import_graph_iri("bad"))
    assert len(store) == 37


def test_store_to_rdflib_and_to_networkx(store: Store) -> None:
    store.replace_graph(LENS)
    store.replace_graph(SPLIT)
    dataset = to_rdflib(store)
    named = sorted(str(g.identifier) for g in dataset.graphs() if len(g) and
                   g.identifier != DATASET_DEFAULT_GRAPH_ID)  # fmt: skip
    assert named == [str(ARTICLE["lens-deal"]), str(ARTICLE["split"])]
    articles = sum(len(dataset.graph(URIRef(g))) for g in named)
    assert articles == len(LENS) + len(SPLIT) == 22
    assert len(dataset.default_graph) == len(store) - 22
    graph = to_networkx(store)
    assert isinstance(graph, nx.MultiDiGraph)
    edges = sorted(
        (graph.nodes[u]["label"], k, graph.nodes[v]["label"]) for u, v, k in graph.edges(keys=True)
    )
    assert edges == [
        ("Acme Optics", "endedPartnershipWith", "Cobalt Mobile"),
        ("Acme Optics", "partnersWith", "Borealis Phones"),
        ("Borealis X1", "hasOptics", "Acme Optics"),
    ]
    assert graph.nodes[str(ENTITY["Borealis-X1"])]["class"] == "Product"


def test_store_literals_keep_their_datatypes(store: Store) -> None:
    graph = article("typed", {}, [])
    node = ARTICLE["typed"]
    graph.add((node, KG.foundedIn, Literal("1913", datatype=XSD.gYear)))
    graph.add((node, KG.confidence, Literal("0.85", datatype=XSD.decimal)))
    graph.add((node, KG.sentence, Literal('Quote "this"\nand a tab\there, ünïcödé')))
    store.replace_graph(graph)
    assert isomorphic(graph_of(store, str(node)), graph)


# --- the remote store's own behaviour --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "env", "expected"),
    [
        ("http://db:7878", {}, Endpoints("http://db:7878/query", "http://db:7878/update",
                                         "http://db:7878/store")),
        ("http://db:8890/sparql", {}, Endpoints("http://db:8890/sparql", "http://db:8890/sparql")),
        ("https://db/ds/", {"KG_STORE_UPDATE_URL": "https://db/ds/update",
                            "KG_STORE_GRAPH_URL": "https://db/ds/data"},
         Endpoints("https://db/ds/", "https://db/ds/update", "https://db/ds/data")),
    ],
)  # fmt: skip
def test_store_remote_endpoints_from_url(url: str, env: dict, expected: Endpoints) -> None:
    assert Endpoints.from_url(url, env) == expected


def test_store_remote_refuses_credentials_in_the_url() -> None:
    with pytest.raises(StoreError, match="set KG_STORE_USER and KG_STORE_PASSWORD"):
        open_store("http://me:secret@db:7878")


@pytest.mark.parametrize(
    ("mode", "expected"), [(None, "named"), ("server", "server"), ("named", "named")]
)
def test_store_remote_dataset_mode_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, mode: str | None, expected: str
) -> None:
    if mode is None:
        monkeypatch.delenv("KG_STORE_DATASET", raising=False)
    else:
        monkeypatch.setenv("KG_STORE_DATASET", mode)
    assert open_store("http://db:7878").dataset == expected


def test_store_remote_unknown_dataset_mode_is_a_store_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KG_STORE_DATASET", "everything")
    with pytest.raises(
        StoreError,
        match="KG_STORE_DATASET='everything' is not a dataset mode; use one of named or server",
    ):
        open_store("http://db:7878")


def test_store_remote_unreachable_is_one_store_error() -> None:
    with socket_reserved() as port:
        store = SparqlStore(Endpoints.from_url(f"http://127.0.0.1:{port}", {}), retry=QUICK)
        with pytest.raises(StoreError) as caught:
            len(store)
    message = str(caught.value)
    assert message.startswith(f"cannot reach the SPARQL endpoint http://127.0.0.1:{port}/query")
    assert message.endswith("(after 3 attempts); check that the server is up")
    assert "\n" not in message


@contextmanager
def socket_reserved() -> Iterator[int]:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


class Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 503 ``failures`` times, then a SPARQL JSON count; records the auth header."""

    failures = 0
    seen: list[str | None] = []  # noqa: RUF012

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        Flaky.seen.append(self.headers.get("Authorization"))
        if Flaky.failures > 0:
            Flaky.failures -= 1
            self.send_response(503)
            self.end_headers()
            return
        body = (
            b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"7"}}]}}'
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Flaky.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("failures", "outcome"), [(0, 7), (2, 7), (3, "HTTP 503")])
def test_store_remote_retries_transient_failures(
    flaky: str, failures: int, outcome: object
) -> None:
    Flaky.failures = failures
    store = SparqlStore(Endpoints.from_url(flaky, {}), retry=QUICK)
    if isinstance(outcome, int):
        assert len(store) == outcome
        assert len(Flaky.seen) == failures + 1
    else:
        with pytest.raises(StoreError, match=outcome):
            len(store)
        assert len(Flaky.seen) == 3


@pytest.mark.parametrize(("user", "expected"), [("ana", "Basic YW5hOnMzY3JldA=="), (None, None)])
def test_store_remote_basic_auth_comes_from_the_environment(
    flaky: str, monkeypatch: pytest.MonkeyPatch, user: str | None, expected: str | None
) -> None:
    Flaky.failures = 0
    if user:
        monkeypatch.setenv("KG_STORE_USER", user)
        monkeypatch.setenv("KG_STORE_PASSWORD", "s3cret")
    else:
        monkeypatch.delenv("KG_STORE_USER", raising=False)
    len(SparqlStore(Endpoints.from_url(flaky, {}), retry=QUICK))
    assert Flaky.seen == [expected]


def test_store_remote_hides_graphs_outside_its_prefix(
    servers: dict[str, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = fresh_remote(servers["oxigraph-server"], monkeypatch)
    store.update("INSERT DATA { GRAPH <http://example.org/other> { <http://example.org/a> "
                 "<http://example.org/p> \"x\" } }")  # fmt: skip
    store.replace_graph(LENS)
    try:
        assert store.graphs() == [str(ARTICLE["lens-deal"])]
        assert len(store) == 37
        assert not bool(store.query('ASK { ?s ?p "x" }'))
    finally:
        store.update("DROP GRAPH <http://example.org/other>")


# --- concurrency and crashes (embedded) ------------------------------------------------------


def sized_article(name: str, size: int) -> Graph:
    node = ARTICLE[name]
    graph = Graph(identifier=node)
    graph.add((node, KG.contentHash, Literal(f"{name}-{size}")))
    for n in range(size - 1):
        graph.add((node, KG.sentence, Literal(f"line {n}")))
    return graph


def test_store_readers_see_whole_articles_while_a_build_writes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    sizes = {f"a{n}": 40 + 10 * (n % 5) for n in range(30)}
    allowed = {str(ARTICLE[name]): {size, 25} for name, size in sizes.items()}
    torn: list[tuple[str, int]] = []
    done = threading.Event()

    def write() -> None:
        for name, size in sizes.items():
            store.replace_graph(sized_article(name, size))
            store.replace_graph(sized_article(name, 25))
            store.replace_graph(sized_article(name, size))
        done.set()

    def read() -> None:
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        while not done.is_set():
            for row in store.query(query):
                if int(row["n"].value) not in allowed[row["g"].value]:
                    torn.append((row["g"].value, int(row["n"].value)))

    threads = [threading.Thread(target=write), *(threading.Thread(target=read) for _ in range(3))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert torn == []
    assert len(store) == sum(sizes.values())
    store.close()


@pytest.mark.parametrize("where", ["disk", "memory"])
def test_store_reopen_keeps_every_write_and_the_store_writable(tmp_path: Path, where: str) -> None:
    location = tmp_path / "store" if where == "disk" else "memory:"
    store = open_store(location)
    store.replace_graph(sized_article("a", 3))
    store.reopen()  # type: ignore[attr-defined]
    assert store.graphs() == [str(ARTICLE["a"])]
    assert store.content_hash(str(ARTICLE["a"])) == "a-3"
    store.replace_graph(sized_article("b", 2))
    assert (store.graphs(), len(store)) == ([str(ARTICLE["a"]), str(ARTICLE["b"])], 5)
    store.close()
    if where == "disk":  # the folder is unlocked: another writer opens it
        again = open_store(location, must_exist=True)
        assert (again.graphs(), len(again)) == ([str(ARTICLE["a"]), str(ARTICLE["b"])], 5)
        again.close()


def test_store_reopen_with_a_result_in_use_is_one_store_error(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    store.replace_graph(sized_article("a", 3))
    rows = store.query("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }")
    with pytest.raises(StoreError) as caught:
        store.reopen()  # type: ignore[attr-defined]
    assert str(caught.value).endswith(
        "a query result from it is still in use: consume or delete it first"
    )
    del rows
    store.close()  # nothing left to close: no second error
