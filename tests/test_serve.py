"""kg serve: the SPARQL 1.1 Protocol endpoint, through real HTTP clients.

urllib speaks raw HTTP; SPARQLWrapper and rdflib's SPARQLStore are the peer
clients other tools would use; one test runs the real `kg serve` command.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from test_store import LENS, SPLIT

from kg.ontology import ENTITY, KG
from kg.serve import ServeConfig, accepted, make_server
from kg.store import Store, open_store

PRODUCTS = "SELECT ?l WHERE { ?e a kg:Product ; rdfs:label ?l }"
OPTICS = "CONSTRUCT { ?x kg:hasOptics ?y } WHERE { ?x kg:hasOptics ?y }"


@contextmanager
def serving(store: Store, **config: object) -> Iterator[str]:
    server, endpoint = make_server(store, ServeConfig(port=0, **config))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        endpoint.close()


@pytest.fixture
def store() -> Store:
    opened = open_store("memory:")
    opened.replace_graph(LENS)
    opened.replace_graph(SPLIT)
    return opened


@pytest.fixture
def url(store: Store) -> Iterator[str]:
    with serving(store) as base:
        yield base


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers.get("Content-Type"), answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type"), err.read()


def get(url: str, query: str, accept: str | None = None, **params: str):
    qs = urllib.parse.urlencode({"query": query, **params})
    return fetch(f"{url}/sparql?{qs}", headers={"Accept": accept} if accept else {})


@pytest.mark.parametrize(
    ("accept", "media", "body"),
    [
        ("text/csv", "text/csv", b"l\r\nBorealis X1\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", b'?l\n"Borealis X1"\n'),
        ("application/sparql-results+json", "application/sparql-results+json",
         b'{"head":{"vars":["l"]},"results":{"bindings":[{"l":{"type":"literal",'
         b'"value":"Borealis X1"}}]}}'),
        ("application/sparql-results+xml", "application/sparql-results+xml",
         b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
         b'<head><variable name="l"/></head><results><result><binding name="l">'
         b"<literal>Borealis X1</literal></binding></result></results></sparql>"),
        ("text/html;q=0.9, text/csv;q=0.2, application/json;q=0.5", "application/json", None),
        ("*/*", "application/sparql-results+json", None),
    ],
)  # fmt: skip
def test_serve_select_by_content_negotiation(
    url: str, accept: str, media: str, body: bytes | None
) -> None:
    status, content_type, data = get(url, PRODUCTS, accept)
    assert status == 200
    assert content_type == f"{media}; charset=utf-8"
    if body is not None:
        assert data == body
    else:
        assert json.loads(data)["results"]["bindings"] == [
            {"l": {"type": "literal", "value": "Borealis X1"}}
        ]


@pytest.mark.parametrize(("fmt", "first"), [("csv", b"l\r\n"), ("tsv", b"?l\n")])
def test_serve_format_parameter_overrides_accept(url: str, fmt: str, first: bytes) -> None:
    status, _, data = get(url, PRODUCTS, "application/sparql-results+json", format=fmt)
    assert status == 200
    assert data.startswith(first)


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), (None, "turtle")],
)
def test_serve_construct_as_rdf(url: str, accept: str | None, rdflib_format: str) -> None:
    status, content_type, data = get(url, OPTICS, accept)
    assert status == 200
    assert content_type.startswith(accept or "text/turtle")
    graph = Graph().parse(data=data, format=rdflib_format)
    assert set(graph) == {
        (URIRef(ENTITY["Borealis-X1"]), KG.hasOptics, URIRef(ENTITY["Acme-Optics"]))
    }


@pytest.mark.parametrize("how", ["form", "direct"])
def test_serve_post_query(url: str, how: str) -> None:
    if how == "form":
        data = urllib.parse.urlencode({"query": PRODUCTS}).encode()
        kind = "application/x-www-form-urlencoded"
    else:
        data, kind = PRODUCTS.encode(), "application/sparql-query"
    status, _, body = fetch(f"{url}/sparql", data, {"Content-Type": kind, "Accept": "text/csv"})
    assert (status, body) == (200, b"l\r\nBorealis X1\r\n")


def test_serve_ask(url: str) -> None:
    status, _, body = get(url, "ASK { ?x kg:acquired ?y }", "application/sparql-results+json")
    assert (status, json.loads(body)) == (200, {"head": {}, "boolean": False})


@pytest.mark.parametrize(
    ("query", "accept", "status", "message"),
    [
        ("SELEKT ?x {}", None, 400, b"malformed SPARQL query: "),
        (PRODUCTS, "image/png", 406, b"cannot answer in image/png; ask for "),
        (OPTICS, "text/csv", 406, b"cannot answer in text/csv; ask for text/turtle"),
    ],
)
def test_serve_bad_requests_get_one_line(url: str, query: str, accept: str | None,
                                         status: int, message: bytes) -> None:  # fmt: skip
    got, content_type, body = get(url, query, accept)
    assert got == status
    assert content_type == "text/plain; charset=utf-8"
    assert body.startswith(message)
    assert body.count(b"\n") == 1


INSERT = (
    "INSERT DATA { GRAPH <https://w3id.org/kg-news/article/memo> "
    '{ <https://w3id.org/kg-news/id/Dyne> rdfs:label "Dyne" } }'
)


@pytest.mark.parametrize(("allow", "status", "stored"), [(False, 403, False), (True, 204, True)])
def test_serve_update_only_when_allowed(
    store: Store, allow: bool, status: int, stored: bool
) -> None:
    with serving(store, allow_update=allow) as base:
        data = urllib.parse.urlencode({"update": INSERT}).encode()
        got, _, body = fetch(
            f"{base}/sparql", data, {"Content-Type": "application/x-www-form-urlencoded"}
        )
    assert got == status
    if not allow:
        assert body == b"this endpoint is read-only; start kg serve with --allow-update to write\n"
    assert (
        bool(store.query('ASK { ?x <http://www.w3.org/2000/01/rdf-schema#label> "Dyne" }'))
        is stored
    )


def test_serve_update_by_get_is_refused(url: str) -> None:
    qs = urllib.parse.urlencode({"update": INSERT})
    status, _, _ = fetch(f"{url}/sparql?{qs}")
    assert status == 400


def test_serve_slow_query_times_out() -> None:
    slow = open_store("memory:")
    slow.update(
        "INSERT DATA { GRAPH <https://w3id.org/kg-news/article/n> { "
        + " ".join(f"<http://example.org/n{i}> <http://example.org/v> {i} ." for i in range(2500))
        + " } }"
    )
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?p ?y . FILTER(?x < ?y) }"
    with serving(slow, timeout=0.2) as base:
        status, _, body = get(base, heavy)
        assert status == 503
        assert body == b"the query ran longer than 0.2s; narrow it or add a LIMIT\n"
        assert get(base, "ASK {}")[0] == 200  # the server still answers


def test_serve_query_page(url: str) -> None:
    status, content_type, body = fetch(url + "/")
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    assert b'<form action="/sparql" method="get">' in body
    assert b"(read-only)" in body


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/csv;q=0.5, application/json", ["application/json", "text/csv"]),
        ("a/b;q=0, c/d", ["c/d"]),
        ("", []),
    ],
)
def test_serve_accept_header_ranking(header: str, expected: list[str]) -> None:
    assert accepted(header) == expected


def test_serve_sparqlwrapper_client(url: str) -> None:
    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery(
        f"PREFIX kg: <{KG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> {PRODUCTS}"
    )
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["l"]["value"] for r in rows] == ["Borealis X1"]
    client.setQuery(f"PREFIX kg: <{KG}> {OPTICS}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 1


def test_serve_rdflib_sparqlstore_client(url: str) -> None:
    graph = Graph(store=SPARQLStore(f"{url}/sparql"))
    rows = graph.query(
        "SELECT ?o WHERE { ?s <https://w3id.org/kg-news/ontology#endedPartnershipWith> ?o }"
    )
    assert [str(r.o) for r in rows] == [str(ENTITY["Acme-Optics"])]


STARTED = r"kg: serving \S+ at (http://127\.0\.0\.1:\d+)/sparql \(read-only\); Ctrl-C stops\n"


def test_serve_cli_binds_loopback_and_stops_on_sigterm(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    store.replace_graph(LENS)
    store.close()
    command = ["kg", "serve", "--store", str(tmp_path / "store"), "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        found = re.fullmatch(STARTED, line)
        assert found, line
        status, _, body = get(found.group(1), PRODUCTS, "text/csv")
        assert (status, body) == (200, b"l\r\nBorealis X1\r\n")
    finally:
        process.send_signal(signal.SIGTERM)
        rest = process.stderr.read()
        process.wait(timeout=30)
    assert process.returncode == 0
    assert rest == "kg: stopped\n"


def test_serve_cli_port_in_use_is_one_line(tmp_path: Path) -> None:
    with serving(open_store("memory:")) as base:
        port = base.rsplit(":", 1)[1]
        result = subprocess.run(["kg", "serve", "--store", "memory:", "--port", port],
                                capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2
    expected = f"cannot listen on 127.0.0.1:{port} (Address already in use); pick another --port"
    assert result.stderr == f"kg: error: {expected}\n"


def test_serve_results_match_the_store(url: str, store: Store) -> None:
    _, _, body = get(
        url, "SELECT ?e ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l", "text/tab-separated-values"
    )
    local = store.query(
        "SELECT ?e ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l"
    ).serialize(format=ox.QueryResultsFormat.TSV)
    assert body == local


def send(url: str, method: str, body: bytes = b"", kind: str = "application/n-triples"):
    request = urllib.request.Request(
        url, data=body or None, method=method, headers={"Content-Type": kind}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


GRAPH = urllib.parse.quote("https://w3id.org/kg-news/article/memo", safe="")
TRIPLE = (
    b'<https://w3id.org/kg-news/id/Dyne> <http://www.w3.org/2000/01/rdf-schema#label> "Dyne" .\n'
)


@pytest.mark.parametrize(
    ("allow", "method", "path", "body", "kind", "status", "answer"),
    [
        (False, "PUT", f"/store?graph={GRAPH}", TRIPLE, "application/n-triples", 403,
         b"this endpoint is read-only; start kg serve with --allow-update to write\n"),
        (True, "PUT", f"/store?graph={GRAPH}", TRIPLE, "application/n-triples", 204, b""),
        (True, "PUT", f"/store?graph={GRAPH}", TRIPLE, "text/turtle", 204, b""),
        (True, "PUT", f"/store?graph={GRAPH}", b"<oops", "text/turtle", 400, None),
        (True, "PUT", f"/store?graph={GRAPH}", TRIPLE, "image/png", 400,
         b"unsupported Content-Type 'image/png'; send N-Triples or Turtle\n"),
        (True, "PUT", "/store?graph=not%20an%20iri", TRIPLE, "text/turtle", 400, None),
        (True, "DELETE", f"/store?graph={GRAPH}", b"", "text/plain", 404,
         b"no graph <https://w3id.org/kg-news/article/memo> here\n"),
        (True, "GET", f"/store?graph={GRAPH}", b"", "text/plain", 404, None),
    ],
)  # fmt: skip
def test_serve_graph_store_protocol(
    store: Store, allow: bool, method: str, path: str, body: bytes, kind: str, status: int,
    answer: bytes | None,
) -> None:  # fmt: skip
    with serving(store, allow_update=allow) as base:
        got, data = send(base + path, method, body, kind)
    assert got == status
    if answer is not None:
        assert data == answer
    held = bool(store.query('ASK { ?x <http://www.w3.org/2000/01/rdf-schema#label> "Dyne" }'))
    assert held is (status == 204)
