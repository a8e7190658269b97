"""kg serve: the SPARQL 1.1 Protocol endpoint, through real HTTP clients, on 127.0.0.1.

The protocol tests run the server in a thread (``kg.serve.app.serving``: the
same front and the same supervised Oxigraph process as the command); the
hostile rows of issue 15 run the real `kg serve` command. Every loop is
bounded in count and time.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import pytest
from browser import chromium
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from test_store import LENS, SPLIT

from kg.rdf import ARTICLE, ENTITY, KG
from kg.serve import Limits, refusal
from kg.serve.app import ServeConfig, serving
from kg.serve.guard import plainly_within, scanned_refusal
from kg.serve.http import fields
from kg.store import open_store
from kg.views import PREFIX_HEADER, with_prefixes

PRODUCTS = "SELECT ?l WHERE { ?e a kg:Product ; rdfs:label ?l }"
OPTICS = "CONSTRUCT { ?x kg:hasOptics ?y } WHERE { ?x kg:hasOptics ?y }"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def make_store(folder: Path, numbers: int = 0) -> Path:
    store = open_store(folder)
    store.replace_graph(LENS)
    store.replace_graph(SPLIT)
    if numbers:
        store.update(
            "INSERT DATA { "  # in the default graph, which queries read
            + " ".join(
                f"<http://example.org/n{i}> <http://example.org/v> {i} ." for i in range(numbers)
            )
            + " }"
        )
    store.close()
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("served") / "store")


@pytest.fixture(scope="module")
def url(folder: Path) -> Iterator[str]:
    with serving(ServeConfig(folder, port=0, prefixes=PREFIX_HEADER)) as base:
        yield base


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
          method: str | None = None, timeout: float = 30):  # fmt: skip
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.headers.get("Content-Type"), answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type"), err.read()


def get(url: str, query: str, accept: str | None = None, **params: str):
    qs = urllib.parse.urlencode({"query": query, **params})
    return fetch(f"{url}/sparql?{qs}", headers={"Accept": accept} if accept else {})


def form(url: str, path: str = "/sparql", headers: dict[str, str] | None = None, **fields: str):
    data = urllib.parse.urlencode(fields).encode()
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    return fetch(url + path, data, {**kind, **(headers or {})})


# --- the protocol -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media", "body"),
    [
        ("text/csv", "text/csv; charset=utf-8", b"l\r\nBorealis X1\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8",
         b'?l\n"Borealis X1"\n'),
        ("application/sparql-results+json", "application/sparql-results+json",
         b'{"head":{"vars":["l"]},"results":{"bindings":[{"l":{"type":"literal",'
         b'"value":"Borealis X1"}}]}}'),
        ("application/sparql-results+xml", "application/sparql-results+xml",
         b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
         b'<head><variable name="l"/></head><results><result><binding name="l">'
         b"<literal>Borealis X1</literal></binding></result></results></sparql>"),
        ("*/*", "application/sparql-results+json", None),
    ],
)  # fmt: skip
def test_serve_select_by_content_negotiation(
    url: str, accept: str, media: str, body: bytes | None
) -> None:
    status, content_type, data = get(url, PRODUCTS, accept)
    assert (status, content_type) == (200, media)
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
    ("accept", "rdflib_format"), [("text/turtle", "turtle"), ("application/n-triples", "nt")]
)
def test_serve_construct_as_rdf(url: str, accept: str, rdflib_format: str) -> None:
    status, content_type, data = get(url, OPTICS, accept)
    assert status == 200
    assert content_type.startswith(accept)
    graph = Graph().parse(data=data, format=rdflib_format)
    assert set(graph) == {
        (URIRef(ENTITY["Borealis-X1"]), KG.hasOptics, URIRef(ENTITY["Acme-Optics"]))
    }


@pytest.mark.parametrize("how", ["form", "direct", "query-path"])
def test_serve_post_query(url: str, how: str) -> None:
    if how == "direct":
        headers = {"Content-Type": "application/sparql-query", "Accept": "text/csv"}
        status, _, body = fetch(f"{url}/sparql", PRODUCTS.encode(), headers)
    else:
        path = "/query" if how == "query-path" else "/sparql"
        status, _, body = form(url, path, {"Accept": "text/csv"}, query=PRODUCTS)
    assert (status, body) == (200, b"l\r\nBorealis X1\r\n")


def test_serve_ask(url: str) -> None:
    status, _, body = get(url, "ASK { ?x kg:acquired ?y }", "application/sparql-results+json")
    assert (status, json.loads(body)) == (200, {"head": {}, "boolean": False})


@pytest.mark.parametrize(
    ("query", "accept", "status", "message"),
    [
        ("SELEKT ?x {}", None, 400, b"malformed SPARQL query: error at 1:"),
        (PRODUCTS, "image/png", 406, b"The accept header does not provide any accepted format"),
        (OPTICS, "text/csv", 406, b"The accept header does not provide any accepted format"),
    ],
)
def test_serve_bad_requests_get_one_line(url: str, query: str, accept: str | None,
                                         status: int, message: bytes) -> None:  # fmt: skip
    got, content_type, body = get(url, query, accept)
    assert got == status
    assert content_type == "text/plain; charset=utf-8"
    assert body.startswith(message)
    assert body.count(b"\n") == 1


DATASET = "SELECT ?s ?o WHERE { ?s ?p ?o FILTER(?p IN (kg:partnersWith, kg:endedPartnershipWith)) }"
NAMED = "SELECT ?g ?s WHERE { GRAPH ?g { ?s kg:endedPartnershipWith ?o } }"
LENS_IRI, SPLIT_IRI = str(ARTICLE["lens-deal"]), str(ARTICLE["split"])


@pytest.mark.parametrize(
    ("query", "default", "named", "expected"),
    [
        (DATASET, None, None,  # the merged layer: a symmetric relation both ways
         {("Acme-Optics", "Borealis-Phones"), ("Borealis-Phones", "Acme-Optics"),
          ("Cobalt-Mobile", "Acme-Optics"), ("Acme-Optics", "Cobalt-Mobile")}),
        (DATASET, [SPLIT_IRI], None, {("Cobalt-Mobile", "Acme-Optics")}),
        (DATASET, [LENS_IRI], None, {("Acme-Optics", "Borealis-Phones")}),
        (DATASET, [LENS_IRI, SPLIT_IRI], None,
         {("Acme-Optics", "Borealis-Phones"), ("Cobalt-Mobile", "Acme-Optics")}),
        (f"SELECT ?s ?o FROM <{SPLIT_IRI}> WHERE {{ ?s kg:endedPartnershipWith ?o }}", None, None,
         {("Cobalt-Mobile", "Acme-Optics")}),
        (NAMED, None, [SPLIT_IRI], {("split", "Cobalt-Mobile")}),
        (NAMED, None, [LENS_IRI], set()),
        (NAMED, None, None, {("split", "Cobalt-Mobile")}),
        (f"SELECT ?g ?s FROM NAMED <{LENS_IRI}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", None, None,
         {("lens-deal", "lens-deal"), ("lens-deal", "Acme-Optics"),
          ("lens-deal", "Borealis-Phones"), ("lens-deal", "Borealis-X1")}),
    ],
)  # fmt: skip
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_serve_dataset_as_kg_query_reads_it(
    url: str, folder: Path, query: str, default: list | None, named: list | None, expected: set,
    method: str,
) -> None:  # fmt: skip
    """default-graph-uri, named-graph-uri and FROM select what they do in `kg query`."""
    fields = [("query", query)]
    fields += [("default-graph-uri", g) for g in default or []]
    fields += [("named-graph-uri", g) for g in named or []]
    encoded = urllib.parse.urlencode(fields)
    accept = {"Accept": "application/sparql-results+json"}
    if method == "GET":
        status, _, body = fetch(f"{url}/sparql?{encoded}", headers=accept)
    else:
        kind = {"Content-Type": "application/x-www-form-urlencoded"}
        status, _, body = fetch(f"{url}/sparql", encoded.encode(), {**accept, **kind})
    assert status == 200
    rows = json.loads(body)["results"]["bindings"]
    served = {tuple(row[v]["value"].rsplit("/", 1)[-1] for v in row) for row in rows}
    store = open_store(folder, read_only=True)
    try:
        local = store.query(with_prefixes(query), default_graph=default, named_graphs=named)
        kept = {tuple(term.value.rsplit("/", 1)[-1] for term in row) for row in local}
    finally:
        store.close()
    assert served == kept == expected


INSERT = (
    "INSERT DATA { GRAPH <https://w3id.org/kg-news/article/memo> "
    '{ <https://w3id.org/kg-news/id/Dyne> rdfs:label "Dyne" } }'
)
DYNE = f'ASK {{ GRAPH ?g {{ ?x {LABEL} "Dyne" }} }}'


def held(folder: Path) -> bool:
    store = open_store(folder)
    try:
        return bool(store.query(DYNE))
    finally:
        store.close()


@pytest.mark.parametrize(("allow", "status", "stored"), [(False, 403, False), (True, 204, True)])
def test_serve_update_only_when_allowed(
    tmp_path: Path, allow: bool, status: int, stored: bool
) -> None:
    folder = make_store(tmp_path / "store")
    config = ServeConfig(folder, port=0, allow_update=allow, prefixes=PREFIX_HEADER)
    with serving(config) as base:
        got, _, body = form(base, update=INSERT)
    assert got == status
    if not allow:
        assert body == b"this endpoint is read-only; start kg serve with --allow-update to write\n"
    assert held(folder) is stored


def test_serve_update_by_get_is_refused(url: str) -> None:
    status, _, body = fetch(f"{url}/sparql?{urllib.parse.urlencode({'update': INSERT})}")
    assert (status, body) == (400, b"send updates by POST, not GET\n")


def test_serve_sparqlwrapper_client(url: str) -> None:
    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery(PRODUCTS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["l"]["value"] for r in rows] == ["Borealis X1"]
    client.setQuery(OPTICS)
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 1


def test_serve_rdflib_sparqlstore_client(url: str) -> None:
    graph = Graph(store=SPARQLStore(f"{url}/sparql"))
    rows = graph.query(
        "SELECT ?o WHERE { ?s <https://w3id.org/kg-news/ontology#endedPartnershipWith> ?o }"
    )
    # the merged layer holds a symmetric relation both ways
    assert sorted(str(r.o) for r in rows) == [
        str(ENTITY["Acme-Optics"]),
        str(ENTITY["Cobalt-Mobile"]),
    ]


GRAPH = urllib.parse.quote("https://w3id.org/kg-news/article/memo", safe="")
TRIPLE = f'<https://w3id.org/kg-news/id/Dyne> {LABEL} "Dyne" .\n'.encode()
READ_ONLY = b"this endpoint is read-only; start kg serve with --allow-update to write\n"


@pytest.mark.parametrize(
    ("allow", "method", "path", "body", "kind", "status", "answer"),
    [
        (False, "PUT", f"/store?graph={GRAPH}", TRIPLE, "application/n-triples", 403, READ_ONLY),
        (False, "DELETE", f"/store?graph={GRAPH}", b"", "text/plain", 403, READ_ONLY),
        (True, "PUT", f"/store?graph={GRAPH}", TRIPLE, "application/n-triples", 201, None),
        (True, "PUT", f"/store?graph={GRAPH}", TRIPLE, "text/turtle", 201, None),
        (True, "PUT", f"/store?graph={GRAPH}", b"<oops", "text/turtle", 400, None),
        (True, "PUT", f"/store?graph={GRAPH}", TRIPLE, "image/png", 415, None),
        (True, "DELETE", f"/store?graph={GRAPH}", b"", "text/plain", 404, None),
        (True, "GET", f"/store?graph={GRAPH}", b"", "text/plain", 404, None),
    ],
)  # fmt: skip
def test_serve_graph_store_protocol(
    tmp_path: Path, allow: bool, method: str, path: str, body: bytes, kind: str, status: int,
    answer: bytes | None,
) -> None:  # fmt: skip
    folder = make_store(tmp_path / "store")
    with serving(ServeConfig(folder, port=0, allow_update=allow)) as base:
        got, _, data = fetch(base + path, body or None, {"Content-Type": kind}, method)
    assert got == status
    if answer is not None:
        assert data == answer
    assert held(folder) is (status == 201)


def test_serve_results_match_the_store(url: str, folder: Path) -> None:
    _, _, body = get(
        url,
        "SELECT DISTINCT ?e ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l",
        "text/tab-separated-values",
    )
    assert body.splitlines()[1:] == [
        b'<https://w3id.org/kg-news/id/Acme-Optics>\t"Acme Optics"',
        b'<https://w3id.org/kg-news/id/Borealis-Phones>\t"Borealis Phones"',
        b'<https://w3id.org/kg-news/id/Borealis-X1>\t"Borealis X1"',
        b'<https://w3id.org/kg-news/id/Cobalt-Mobile>\t"Cobalt Mobile"',
    ]


# --- what is refused before the parser ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE " + "{" * 3000 + "}" * 3000,
         "the query nests 3000 levels deep, over the limit of 64; flatten it"),
        ("SELECT * WHERE { {} " + "UNION {} " * 4000 + "}",
         "the query chains 4001 operators (UNION, OPTIONAL, ||, +, /...), over the limit of 512; "
         "split it"),
        ("SELECT * { ?s ?p '" + "x" * 140_000 + "' }",
         "the query is 140,021 bytes, over the limit of 131,072; send a shorter one"),
        ("SELECT * { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
         "the query uses SERVICE, which makes the server fetch another URL; start kg serve with "
         "--allow-service to allow it"),
        ("SELECT * { ?s ?p 1.SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
         "the query uses SERVICE, which makes the server fetch another URL; start kg serve with "
         "--allow-service to allow it"),
        (r"SELECT * { \u0053ERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
         "the query uses SERVICE, which makes the server fetch another URL; start kg serve with "
         "--allow-service to allow it"),
        ("SELECT ?service { ?service <http://x/SERVICE> 'SERVICE' } # SERVICE", None),
        ("SELECT * { ?a ?b ?c " + "OPTIONAL { ?a ?b ?c } " * 500 + "}", None),
        ("SELECT * WHERE " + "{" * 64 + "}" * 64, None),
    ],
)  # fmt: skip
def test_serve_guard_refusals(text: str, message: str | None) -> None:
    assert refusal(text, Limits()) == message


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "SELECT * { ?s ?p 1SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "SELECT * { ?s ?p 1.SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "select * { service <http://x/> { ?s ?p ?o } }",
        "SELECT * { ?a ?b ?c } #\nLOAD <http://x/>",
        "SELECT * WHERE " + "{" * 64 + "}" * 64,
        "SELECT * WHERE " + "{" * 65 + "}" * 65,
        "SELECT * WHERE " + "(" * 40 + "[" * 30 + "]" * 30 + ")" * 40,
        "SELECT * { {} " + "UNION {} " * 512 + "}",
        "SELECT * { {} " + "UNION {} " * 511 + "}",
        "SELECT * { ?a ?b ?c FILTER(" + "?a+" * 600 + "1) }",
        "SELECT * { ?a ?b ?c FILTER(" + "?a&&" * 513 + "1) }",
        r"SELECT * { \u0053ERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o } LIMIT 20",
    ],
)
@pytest.mark.parametrize("allow_service", [False, True])
def test_serve_guard_fast_path_passes_only_what_the_scan_passes(
    text: str, allow_service: bool
) -> None:
    limits = Limits(allow_service=allow_service)
    if plainly_within(text, limits):
        assert scanned_refusal(text, limits) is None
    assert refusal(text, limits) == (
        None if plainly_within(text, limits) else scanned_refusal(text, limits)
    )


PIECES = ["%", "=", "&", "+", " ", "a", "Z", "0", "3", "d", "D", "F", "%3d", "%C3%A9", "%e9",
          "%zz", "é", "\t", "\n"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24))
def test_serve_fields_read_as_urllib_reads_them(parts: list[str]) -> None:
    text = "".join(parts).encode()
    assert fields(text) == urllib.parse.parse_qsl(
        text.decode(), keep_blank_values=True, errors="replace"
    )


def test_serve_too_many_fields_is_one_line(url: str) -> None:
    status, _, body = fetch(f"{url}/sparql?query=ASK%7B%7D" + "&x=1" * 1000)
    assert (status, body) == (400, b"more than 1,000 parameters; send fewer\n")


def test_serve_guard_allows_service_when_told() -> None:
    query = "SELECT * { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
    assert refusal(query, Limits(allow_service=True)) is None
    assert refusal("LOAD <http://127.0.0.1:9/x>", Limits(), "update") == (
        "the update uses LOAD, which makes the server fetch another URL; start kg serve with "
        "--allow-service to allow it"
    )


# --- issue 15's table, row by row, against the real `kg serve` ---------------------------------

STARTED = (
    r"kg: serving \S+ at (http://127\.0\.0\.1:\d+)/sparql \((read-only|read-write)\); "
    r"Ctrl-C stops\n"
)


@contextmanager
def kg_serve(folder: Path, *flags: str) -> Iterator[tuple[str, subprocess.Popen]]:
    command = ["kg", "serve", "--store", str(folder), "--port", "0", *flags]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        found = re.fullmatch(STARTED, line)
        assert found, line
        yield found.group(1), process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def memory(process: subprocess.Popen) -> int:
    """Resident bytes of `kg serve` and its Oxigraph process together."""
    parent = psutil.Process(process.pid)
    return sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)])


ASKED = itertools.count()


def fresh_ask() -> str:
    """An ASK never sent before: kg answers it from Oxigraph, not from what it remembers."""
    number = next(ASKED)
    return f"ASK {{ FILTER({number} = {number}) }}"


def timed(call) -> tuple[object, float]:
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen]]:
    """A real `kg serve --timeout 2` over 2,500 numbers (a pair scan is 6 million rows)."""
    folder = make_store(tmp_path_factory.mktemp("hostile") / "store", numbers=2500)
    with kg_serve(folder, "--timeout", "2") as served:
        yield served


def test_serve_row_deep_nesting_is_refused_and_the_server_lives(hostile) -> None:
    base, process = hostile
    deep = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    status, _, body = form(base, query=deep)
    assert (status, body) == (400, b"the query nests 3000 levels deep, over the limit of 64; "
                                   b"flatten it\n")  # fmt: skip
    chain = "SELECT * WHERE { {} " + "UNION {} " * 4000 + "}"
    assert form(base, query=chain)[0] == 400
    assert get(base, fresh_ask())[0] == 200
    assert process.poll() is None


def test_serve_row_cartesian_product_is_cancelled_and_memory_stays_flat(hostile) -> None:
    base, process = hostile
    before = memory(process)
    peak = before
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"})
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    started = time.monotonic()
    connection.request("GET", f"/sparql?{query}", headers={"Accept": "text/tab-separated-values"})
    answer = connection.getresponse()
    received, broken = 0, False
    try:
        while time.monotonic() - started < 20:
            chunk = answer.read1(65536)
            if not chunk:
                break
            received += len(chunk)
            peak = max(peak, memory(process)) if received % 8 == 0 else peak
    except (http.client.IncompleteRead, ConnectionError):
        broken = True
    elapsed = time.monotonic() - started
    connection.close()
    assert elapsed < 2 + 2 + 3  # --timeout, the grace Oxigraph gets, slack for a busy machine
    assert broken or answer.status == 503  # a cut-short result never looks complete
    assert peak - before < 150 * 2**20
    (status, _, _), took = timed(lambda: get(base, fresh_ask()))
    assert status == 200
    assert took < 1.0


SLOW_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?p ?y . FILTER(?x < ?y) }"
VALUES = " ".join(str(i) for i in range(100))
UNCANCELLABLE = (  # Oxigraph's own --timeout-s does not stop this one: kg kills the process
    f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{{VALUES}}} VALUES ?b {{{VALUES}}} "
    f"VALUES ?c {{{VALUES}}} VALUES ?d {{{VALUES}}} }}"
)


@pytest.mark.parametrize("query", [SLOW_COUNT, UNCANCELLABLE], ids=["count", "uncancellable"])
def test_serve_row_slow_queries_are_cancelled_and_ask_answers_at_once(hostile, query) -> None:
    base, process = hostile
    answers = []

    def slow() -> None:
        answers.append(timed(lambda: get(base, query)))

    threads = [threading.Thread(target=slow) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [status for (status, _, _), _ in answers] == [503] * 5
    assert {body for (_, _, body), _ in answers} == {
        b"the query ran longer than 2s; narrow it or add a LIMIT\n"
    }
    assert max(took for _, took in answers) < 2 + 2 + 3
    time.sleep(0.5)  # a killed Oxigraph is started again
    (status, _, body), took = timed(lambda: get(base, fresh_ask(), "application/json"))
    assert (status, body) == (200, b'{"head":{},"boolean":true}')
    assert took < 1.5
    assert process.poll() is None


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_serve_row_stops_on_signal_with_a_query_running_and_releases_the_store(
    tmp_path: Path, how: signal.Signals
) -> None:
    folder = make_store(tmp_path / "store", numbers=2500)
    with kg_serve(folder, "--timeout", "60") as (base, process):
        child = psutil.Process(process.pid).children()[0]
        runner = threading.Thread(target=lambda: get(base, UNCANCELLABLE), daemon=True)
        runner.start()
        time.sleep(1)
        process.send_signal(how)
        _, took = timed(lambda: process.wait(timeout=15))
        rest = process.stderr.read()
    assert took < 6
    assert process.returncode == 0
    assert rest == "kg: stopped\n"
    assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
    store = open_store(folder)  # the lock is released
    assert len(store) > 0
    store.close()


class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        Recorder.hits.append(self.path)
        body = (
            b'{"head":{"vars":["x"]},"results":{"bindings":'
            b'[{"x":{"type":"literal","value":"secret"}}]}}'
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def internal() -> Iterator[str]:
    """An 'internal admin' URL on 127.0.0.1 that records every request it gets."""
    Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/internal-admin?action=x"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("allow", "status", "fetched"), [(False, 400, 0), (True, 200, 1)])
def test_serve_row_service_is_refused_unless_allowed(
    tmp_path: Path, internal: str, allow: bool, status: int, fetched: int
) -> None:
    folder = make_store(tmp_path / "store")
    flags = ["--allow-service"] if allow else []
    with kg_serve(folder, *flags) as (base, _):
        got, _, body = get(base, f"SELECT ?x WHERE {{ SERVICE <{internal}> {{ ?x ?y ?z }} }}")
    assert got == status
    assert len(Recorder.hits) == fetched
    if not allow:
        assert b"--allow-service" in body


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "http://evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Host": "evil.example"}, 403),  # DNS rebinding: the page's own name in Host
        ({"Host": "rebind.evil.example:7878", "Origin": "http://rebind.evil.example:7878"}, 403),
        ({}, 204),
    ],
)
def test_serve_row_cross_origin_writes_are_refused(
    tmp_path: Path, headers: dict[str, str], status: int
) -> None:
    folder = make_store(tmp_path / "store")
    with serving(ServeConfig(folder, port=0, allow_update=True, prefixes=PREFIX_HEADER)) as base:
        got, _, _ = form(base, headers=headers, update=INSERT)
    assert got == status
    assert held(folder) is (status == 204)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, 200),  # a link
        ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, 403),  # <img src>
        ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, 403),  # fetch()
        ({"Origin": "http://evil.example", "Sec-Fetch-Mode": "cors"}, 403),
    ],
)
def test_serve_cross_site_reads_only_by_following_a_link(
    url: str, headers: dict[str, str], status: int
) -> None:
    assert fetch(f"{url}/sparql?query=ASK%7B%7D", headers=headers)[0] == status


def test_serve_same_origin_page_may_post(url: str) -> None:
    host = url.removeprefix("http://")
    status, _, body = form(url, headers={"Origin": url, "Host": host, "Accept": "text/csv"},
                           query=PRODUCTS)  # fmt: skip
    assert (status, body) == (200, b"l\r\nBorealis X1\r\n")


def raw(base: str, data: bytes, timeout: float = 10) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


# --- the front's own HTTP: pipelining, streaming, HEAD, Expect, and checks kept per request ------


def statuses(answer: bytes) -> list[int]:
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)]


def test_serve_pipelined_requests_are_answered_in_order(url: str) -> None:
    host = url.removeprefix("http://")
    ask = urllib.parse.quote("ASK {}")
    deep = urllib.parse.quote("SELECT * WHERE " + "{" * 100 + "}" * 100)
    products = urllib.parse.quote(PRODUCTS)
    heads = [
        f"GET /sparql?query={ask} HTTP/1.1\r\nHost: {host}\r\nAccept: text/csv\r\n\r\n",
        f"GET /sparql?query={deep} HTTP/1.1\r\nHost: {host}\r\n\r\n",
        f"GET /nowhere HTTP/1.1\r\nHost: {host}\r\n\r\n",
        f"GET /sparql?query={products} HTTP/1.1\r\nHost: {host}\r\nAccept: text/csv\r\n"
        "Connection: close\r\n\r\n",
    ]
    answer = raw(url, "".join(heads).encode())
    assert statuses(answer) == [200, 400, 404, 200]
    assert answer.index(b"true") < answer.index(b"nests 100 levels") < answer.index(b"no such page")
    assert answer.endswith(b"l\r\nBorealis X1\r\n")


def test_serve_checks_every_request_even_a_repeated_query(url: str) -> None:
    """The checked form of a query is kept per URL; the Host and Origin checks are not."""
    path = f"{url}/sparql?{urllib.parse.urlencode({'query': PRODUCTS})}"
    assert fetch(path)[0] == 200
    assert fetch(path, headers={"Host": "evil.example"})[0] == 403
    assert fetch(path, headers={"Origin": "http://evil.example"})[0] == 403
    service = f"{url}/sparql?{urllib.parse.urlencode({'query': 'ASK { SERVICE <http://x/> {} }'})}"
    assert [fetch(service)[0] for _ in range(2)] == [400, 400]


def test_serve_long_url_gets_414_and_a_long_query_can_be_posted(url: str) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 20_000
    status, _, body = get(url, query)
    assert (status, body) == (414, b"the URL is over 16,384 bytes; POST the query\n")
    kind = {"Content-Type": "application/sparql-query"}
    assert fetch(f"{url}/sparql", query.encode(), kind)[0] == 200


def test_serve_head_answers_headers_only(url: str) -> None:
    host = url.removeprefix("http://")
    query = urllib.parse.quote(PRODUCTS)
    head = f"HEAD /sparql?query={query} HTTP/1.1\r\nHost: {host}\r\nAccept: text/csv\r\n"
    answer = raw(url, (head + "Connection: close\r\n\r\n").encode())
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Content-Length: 16\r\n" in answer  # l, Borealis X1: not sent
    assert answer.endswith(b"\r\n\r\n")


def test_serve_expect_100_continue(url: str) -> None:
    host, port = url.removeprefix("http://").split(":")
    body = PRODUCTS.encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"POST /sparql HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/csv\r\n"
            f"Content-Type: application/sparql-query\r\nContent-Length: {len(body)}\r\n"
            "Expect: 100-continue\r\nConnection: close\r\n\r\n".encode()
        )
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert answer.endswith(b"l\r\nBorealis X1\r\n")


def test_serve_long_results_stream_whole(hostile) -> None:
    base, _ = hostile
    query = (
        "SELECT ?a ?b WHERE { ?a <http://example.org/v> ?x . ?b <http://example.org/v> ?y } "
        "LIMIT 40000"
    )
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                       headers={"Accept": "text/tab-separated-values"})  # fmt: skip
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    assert answer.status == 200
    assert answer.getheader("Transfer-Encoding") == "chunked"
    lines = body.splitlines()
    assert lines[0] == b"?a\t?b"
    assert len(lines) == 40_001
    assert all(line.startswith(b"<http://example.org/n") for line in lines[1:])


def test_serve_row_huge_body_is_refused_before_it_is_read(hostile) -> None:
    base, process = hostile
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: {base.removeprefix('http://')}\r\n"
        "Content-Type: application/sparql-query\r\nContent-Length: 104857600\r\n\r\n"
    )
    answer = raw(base, head.encode() + b"SELECT" * 1000)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert answer.endswith(b"the body is 104,857,600 bytes, over the limit of 16,777,216\n")
    assert memory(process) < 300 * 2**20


def test_serve_row_bad_content_length_gets_400(hostile) -> None:
    base, _ = hostile
    host = base.removeprefix("http://")
    head = f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Length: ²\r\n\r\n"
    assert re.match(rb"HTTP/1\.[01] 400 Bad Request\r\n", raw(base, head.encode()))
    assert get(base, fresh_ask())[0] == 200


def test_serve_row_idle_and_half_sent_connections_are_bounded_and_closed(hostile) -> None:
    base, process = hostile
    host, port = base.removeprefix("http://").split(":")
    sockets = []
    try:
        for number in range(600):
            sock = socket.create_connection((host, int(port)), timeout=10)
            if number % 2:
                sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sockets.append(sock)
        threads = len(psutil.Process(process.pid).threads())
        refused = 0
        for sock in sockets[-300:]:
            sock.settimeout(5)
            with suppress(TimeoutError):
                refused += sock.recv(100).startswith(b"HTTP/1.1 503")
        assert refused >= 600 - Limits().connections - 50  # those past the ceiling
        assert threads < 40  # no thread per connection
        # Those within the ceiling are closed once idle past the limit (15 s).
        time.sleep(Limits().idle_seconds + 3)
        closed = 0
        for sock in sockets[:100]:
            sock.settimeout(2)
            try:
                closed += sock.recv(100) == b""
            except (TimeoutError, ConnectionResetError):
                closed += 0
        assert closed == 100
        assert get(base, fresh_ask())[0] == 200
    finally:
        for sock in sockets:
            sock.close()


def test_serve_row_concurrent_selects_never_stall(hostile) -> None:
    """Each query is new (its own LIMIT), so each one is relayed to Oxigraph."""
    base, _ = hostile
    host = base.removeprefix("http://")
    latencies: list[float] = []
    failures: list[int] = []
    limits = itertools.count(1000)

    def client() -> None:
        connection = http.client.HTTPConnection(host, timeout=10)
        for _ in range(250):
            query = f"{PRODUCTS} LIMIT {next(limits)}"
            path = "/sparql?" + urllib.parse.urlencode({"query": query})
            start = time.monotonic()
            connection.request("GET", path, headers={"Accept": "text/csv"})
            answer = connection.getresponse()
            body = answer.read()
            latencies.append(time.monotonic() - start)
            if (answer.status, body) != (200, b"l\r\nBorealis X1\r\n"):
                failures.append(answer.status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert len(latencies) == 2000
    assert max(latencies) < 1.0  # none stalls for a second, as the listen backlog of 5 did


# --- the command ---------------------------------------------------------------------------------


def test_serve_cli_binds_loopback_and_stops_on_sigterm(tmp_path: Path) -> None:
    with kg_serve(make_store(tmp_path / "store")) as (base, process):
        assert base.startswith("http://127.0.0.1:")
        status, _, body = get(base, PRODUCTS, "text/csv")
        assert (status, body) == (200, b"l\r\nBorealis X1\r\n")
        process.send_signal(signal.SIGTERM)
        rest = process.stderr.read()
        process.wait(timeout=30)
    assert process.returncode == 0
    assert rest == "kg: stopped\n"


def test_serve_cli_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = subprocess.run(["kg", "serve", "--store", "memory:", "--port", port],
                                capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2
    expected = f"cannot listen on 127.0.0.1:{port} (Address already in use); pick another --port"
    assert result.stderr == f"kg: error: {expected}\n"


def test_serve_cli_refuses_a_store_in_use(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    try:
        result = subprocess.run(["kg", "serve", "--store", str(tmp_path / "store"), "--port", "0"],
                                capture_output=True, text=True, timeout=60)  # fmt: skip
    finally:
        store.close()
    assert result.returncode == 2
    assert result.stderr == (
        f"kg: error: {tmp_path / 'store'}: another process is writing the store; let it finish, "
        "or serve with --allow-update and write through the server\n"
    )


def test_serve_read_only_keeps_writers_out(tmp_path: Path) -> None:
    folder = make_store(tmp_path / "store")
    with kg_serve(folder):
        result = subprocess.run(["kg", "import", str(tmp_path / "x.nt"), "--store", str(folder)],
                                capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert "cannot open the store for writing" in result.stderr


# --- the query UI, in a real browser ------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    driver = chromium()  # loopback bypasses the dead proxy
    yield driver
    driver.quit()


def requested(driver: object) -> set[str]:
    """Every URL the page asked for since the last call."""
    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    return urls


@pytest.mark.browser
def test_serve_ui_type_run_read_the_table_click_an_entity(url: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 30)
    requested(browser)
    browser.get(url + "/")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror textarea"))
    examples = [o.text for o in browser.find_elements(By.CSS_SELECTOR, "#kg-examples option")]
    assert examples[0] == "Products and their optics"
    browser.find_element(By.CSS_SELECTOR, ".yasqe .CodeMirror").click()
    editor = browser.find_element(By.CSS_SELECTOR, ".yasqe .CodeMirror textarea")
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys("SELECT DISTINCT ?e ?label WHERE { ?e rdfs:label ?label } ORDER BY ?label")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")) == 4)
    rows = [
        [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
        for row in browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")
    ]
    assert [row[1:] for row in rows] == [
        [f"<{ENTITY['Acme-Optics']}>", "Acme Optics"],
        [f"<{ENTITY['Borealis-Phones']}>", "Borealis Phones"],
        [f"<{ENTITY['Borealis-X1']}>", "Borealis X1"],
        [f"<{ENTITY['Cobalt-Mobile']}>", "Cobalt Mobile"],
    ]
    chip = browser.find_element(By.CSS_SELECTOR, ".yasr_response_chip").text
    assert re.fullmatch(r"4 results in [\d.]+ seconds", chip), chip
    link = browser.find_element(
        By.CSS_SELECTOR, f".yasr table tbody a[href='{ENTITY['Acme-Optics']}']"
    )
    link.click()
    wait.until(lambda d: d.find_elements(By.ID, "entity-label"))
    assert (
        browser.current_url
        == f"{url}/entity?iri={urllib.parse.quote(ENTITY['Acme-Optics'], safe='')}"
    )
    assert browser.find_element(By.ID, "entity-label").text == "Acme Optics"
    facts = [
        [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")[:3]]
        for row in browser.find_elements(By.CSS_SELECTOR, "#facts tbody tr")
    ]
    assert sorted(facts) == [  # a symmetric relation once, from the smaller IRI
        ["Acme Optics", "endedPartnershipWith", "Cobalt Mobile"],
        ["Acme Optics", "partnersWith", "Borealis Phones"],
        ["Borealis X1", "hasOptics", "Acme Optics"],
    ]
    frame = browser.find_element(By.CSS_SELECTOR, "iframe")
    assert "Acme Optics" in frame.get_attribute("srcdoc")
    assert {u for u in requested(browser) if not u.startswith((url, "data:"))} == set()


@pytest.mark.browser
def test_serve_ui_draws_a_construct_result(url: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 30)
    requested(browser)
    browser.get(url + "/")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#kg-examples option"))
    browser.execute_script(
        "const s = document.getElementById('kg-examples');"
        "s.value = s.options.length - 1; s.dispatchEvent(new Event('change'));"
    )
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait.until(lambda d: d.find_element(By.ID, "kg-graph").is_displayed())
    frame = browser.find_element(By.ID, "kg-graph-frame")
    assert frame.get_attribute("src").startswith(f"{url}/graph?query=")
    browser.switch_to.frame(frame)
    wait.until(lambda d: d.find_elements(By.ID, "kg-summary"))
    summary = browser.find_element(By.ID, "kg-summary").text  # the partnership, drawn
    assert re.match(r"2 (of \d+ )?entities, 1 relation", summary), summary
    browser.switch_to.default_content()
    assert {u for u in requested(browser) if not u.startswith((url, "data:"))} == set()


@pytest.mark.model
def test_serve_entity_page_shows_facts_with_their_evidence(example_store: Path) -> None:
    xiaomi_12 = "https://w3id.org/kg-news/id/product/xiaomi-12-ultra"
    with serving(ServeConfig(example_store, port=0, prefixes=PREFIX_HEADER)) as base:
        status, content_type, body = fetch(
            f"{base}/entity?{urllib.parse.urlencode({'iri': xiaomi_12})}"
        )
        missing = fetch(f"{base}/entity?iri=https%3A%2F%2Fw3id.org%2Fkg-news%2Fid%2Fnone")
        bad = fetch(f"{base}/entity?iri=%3Cscript%3E")
    page = body.decode()
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    assert '<h1 id="entity-label">Xiaomi 12 Ultra</h1>' in page
    fact = (
        r"<td>hasOptics</td><td><a href=\"/entity\?iri=[^\"]+leica\">Leica</a></td>"
        r"<td><blockquote>[^<]*Leica[^<]*</blockquote><p class=\"meta\">hedged"
    )
    assert re.search(fact, page)
    assert "<iframe srcdoc=" in page
    assert missing[0] == 200
    assert b"No entity" in missing[2]
    assert bad[0] == 400


def test_serve_oversized_headers_get_400(hostile) -> None:
    base, _ = hostile
    host = base.removeprefix("http://")
    head = f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: {host}\r\nX-Big: {'a' * 100_000}\r\n\r\n"
    assert re.match(rb"HTTP/1\.[01] 4\d\d ", raw(base, head.encode()))
    many = "".join(f"X-{n}: {n}\r\n" for n in range(500))
    head = f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: {host}\r\n{many}\r\n"
    assert re.match(rb"HTTP/1\.[01] 4\d\d ", raw(base, head.encode()))
    assert get(base, fresh_ask())[0] == 200


def test_serve_answers_a_repeated_query_without_oxigraph(hostile) -> None:
    """Served read-only, the store cannot change: a query asked again is answered by kg itself."""
    base, process = hostile
    first = get(base, PRODUCTS, "text/csv")
    assert first == (200, "text/csv; charset=utf-8", b"l\r\nBorealis X1\r\n")
    child = psutil.Process(process.pid).children()[0]
    child.suspend()  # Oxigraph answers nothing now
    try:
        again, took = timed(lambda: get(base, PRODUCTS, "text/csv"))
    finally:
        child.resume()
    assert again == first
    assert took < 1.0


def test_serve_forgets_answers_when_oxigraph_is_started_again(tmp_path: Path) -> None:
    """A new Oxigraph process opens the folder afresh: what it finds there is answered."""
    folder = make_store(tmp_path / "store")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with kg_serve(folder) as (base, process):
        before = get(base, count, "text/csv")
        folder.rename(tmp_path / "old")
        make_store(folder, numbers=3)
        child = psutil.Process(process.pid).children()[0]
        child.kill()
        child.wait(10)
        deadline = time.monotonic() + 10
        after = before
        while after == before and time.monotonic() < deadline:
            after = get(base, count, "text/csv")
            time.sleep(0.1)
    assert before[0] == after[0] == 200
    assert int(after[2].split()[-1]) == int(before[2].split()[-1]) + 3


@pytest.mark.parametrize(
    "fmt",
    [
        "text/csv\r\nContent-Type: application/sparql-query\r\n\r\nASK {}",
        "text/csv\n;X: y",
        "no-slash",
    ],
)
def test_serve_format_parameter_is_a_media_type_or_refused(url: str, fmt: str) -> None:
    status, _, body = get(url, "ASK {}", format=fmt)
    assert status == 400
    assert body.startswith(b"unknown format ")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (STRUUID() AS ?u) {}",
        "SELECT (RAND() AS ?r) {}",
        "SELECT (BNODE() AS ?b) {}",
        "SELECT (STR(NOW()) AS ?t) {}",
    ],
)
def test_serve_answers_volatile_functions_afresh(url: str, query: str) -> None:
    answers = set()
    for _ in range(3):
        status, _, body = get(url, query, "text/csv")
        assert status == 200
        answers.add(body)
        time.sleep(0.01)  # NOW() moves on
    assert len(answers) == 3


def test_serve_with_updates_never_answers_from_memory(tmp_path: Path) -> None:
    folder = make_store(tmp_path / "store")
    config = ServeConfig(folder, port=0, allow_update=True, prefixes=PREFIX_HEADER)
    with serving(config) as base:
        before = get(base, DYNE, "application/json")
        assert form(base, update=INSERT)[0] == 204
        after = get(base, DYNE, "application/json")
    assert before[2] == b'{"head":{},"boolean":false}'
    assert after[2] == b'{"head":{},"boolean":true}'


def test_serve_a_dead_oxigraph_is_started_again(hostile) -> None:
    base, process = hostile
    child = psutil.Process(process.pid).children()[0]
    child.kill()
    child.wait(10)
    deadline = time.monotonic() + 10
    status = 0
    while status != 200 and time.monotonic() < deadline:
        status = get(base, fresh_ask())[0]
    assert status == 200
    assert psutil.Process(process.pid).children()[0].pid != child.pid


@pytest.mark.model
def test_serve_ui_examples_answer_on_the_example_store(example_store: Path) -> None:
    from kg.serve.pages import examples

    with serving(ServeConfig(example_store, port=0, prefixes=PREFIX_HEADER)) as base:
        answers = [
            get(base, example["query"], "application/sparql-results+json, text/turtle")
            for example in examples()
        ]
    assert [status for status, _, _ in answers] == [200] * len(answers)
    for (_, media, body), example in zip(answers, examples(), strict=True):
        if media.startswith("text/turtle"):
            assert len(Graph().parse(data=body, format="turtle")) > 0, example["name"]
        else:
            assert json.loads(body)["results"]["bindings"], example["name"]


def test_serve_oxigraph_goes_when_kg_serve_is_killed(tmp_path: Path) -> None:
    with kg_serve(make_store(tmp_path / "store")) as (_, process):
        child = psutil.Process(process.pid).children()[0]
        process.kill()
        process.wait(10)
        gone, _ = psutil.wait_procs([child], timeout=10)
    assert gone == [child]
