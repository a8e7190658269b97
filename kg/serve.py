"""``kg serve``: a SPARQL 1.1 Protocol endpoint over any store, plus a query page.

GET and POST (form-encoded, ``application/sparql-query``,
``application/sparql-update``) on ``/sparql`` (and ``/``), results by content
negotiation (or a ``format`` parameter): JSON, XML, CSV, TSV for SELECT and
ASK; Turtle or N-Triples for CONSTRUCT and DESCRIBE. ``/store?graph=IRI``
speaks the Graph Store Protocol (GET; PUT, POST, DELETE when writable), so
another kg process can use a served store as its ``--store`` URL while it is
served. Read-only unless ``allow_update``; binds to 127.0.0.1 unless told
otherwise.

A query that runs past ``timeout`` seconds gets a 503 answer at once. Oxigraph
cannot cancel a running query, so its worker thread finishes in the
background; ``workers`` bounds how many queries run at the same time.
"""

from __future__ import annotations

import html
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from kg.errors import KGError
from kg.store import Store, first_line
from kg.store.base import ntriples
from kg.views import with_prefixes


@dataclass(frozen=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 7878
    allow_update: bool = False
    timeout: float = 30.0
    workers: int = 4


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str


# media type -> serialisation, per result kind; the first one is the default.
SOLUTION_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
FORMAT_PARAM = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
}
TEXT = "text/plain; charset=utf-8"


def accepted(accept: str) -> list[str]:
    """Media ranges from an Accept header, best first (q-values honoured)."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, position, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(accept: str, offered: dict[str, object]) -> str | None:
    """The offered media type that best fits ``accept`` (anything, when none was asked)."""
    default = next(iter(offered))
    for media in accepted(accept) or ["*/*"]:
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            matching = [m for m in offered if media == "*/*" or m.startswith(media[:-1])]
            return default if media == "*/*" else (matching[0] if matching else None)
    return None


def render(result: object, accept: str) -> Answer:
    """A query result serialised in the negotiated media type, or a 406."""
    offered = GRAPH_TYPES if isinstance(result, ox.QueryTriples) else SOLUTION_TYPES
    media = negotiate(accept, offered)
    if media is None:
        kinds = ", ".join(offered)
        return Answer(
            HTTPStatus.NOT_ACCEPTABLE,
            f"cannot answer in {accept}; ask for {kinds}\n".encode(),
            TEXT,
        )
    body = result.serialize(format=offered[media])
    return Answer(HTTPStatus.OK, body, f"{media}; charset=utf-8")


class Endpoint:
    """The protocol logic, apart from the HTTP plumbing: request fields in, ``Answer`` out."""

    def __init__(self, store: Store, config: ServeConfig) -> None:
        self.store = store
        self.config = config
        self.pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="sparql")
        self.write_lock = threading.Lock()

    def query(self, sparql: str, accept: str, params: dict[str, list[str]] | None = None) -> Answer:
        dataset = {  # the protocol's default-graph-uri / named-graph-uri, when given
            arg: (params or {}).get(name) for arg, name in DATASET_PARAMS.items()
        }
        future = self.pool.submit(self._run_query, sparql, accept, dataset)
        try:
            return future.result(timeout=self.config.timeout)
        except FutureTimeout:
            message = (
                f"the query ran longer than {self.config.timeout:g}s; narrow it or add a LIMIT\n"
            )
            return Answer(HTTPStatus.SERVICE_UNAVAILABLE, message.encode(), TEXT)

    def update(self, sparql: str) -> Answer:
        if not self.config.allow_update:
            message = "this endpoint is read-only; start kg serve with --allow-update to write\n"
            return Answer(HTTPStatus.FORBIDDEN, message.encode(), TEXT)
        try:
            with self.write_lock:
                self.store.update(with_prefixes(sparql))
        except KGError as err:
            return Answer(HTTPStatus.BAD_REQUEST, f"{err}\n".encode(), TEXT)
        return Answer(HTTPStatus.NO_CONTENT, b"", TEXT)

    def graph_get(self, iri: str, accept: str) -> Answer:
        """Graph Store Protocol GET: one named graph as Turtle or N-Triples."""
        if iri not in self.store.graphs():
            return Answer(HTTPStatus.NOT_FOUND, f"no graph <{iri}> here\n".encode(), TEXT)
        return self.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}", accept
        )

    def graph_write(self, method: str, iri: str, body: bytes, media: str) -> Answer:
        """Graph Store Protocol PUT (replace), POST (add) and DELETE, each one transaction."""
        if not self.config.allow_update:
            return self.update("")  # the read-only answer
        if method == "DELETE":
            with self.write_lock:
                found = self.store.remove_graph(iri)
            status = HTTPStatus.NO_CONTENT if found else HTTPStatus.NOT_FOUND
            return Answer(status, b"" if found else f"no graph <{iri}> here\n".encode(), TEXT)
        fmt = ox.RdfFormat.from_media_type(media or "application/n-triples")
        if fmt is None:
            return bad(f"unsupported Content-Type '{media}'; send N-Triples or Turtle")
        try:
            triples = ntriples(ox.parse(body, format=fmt)) if body.strip() else ""
        except (SyntaxError, ValueError) as err:
            return bad(f"unreadable {media or 'RDF'} body: {first_line(err)}")
        steps = [f"DROP SILENT GRAPH <{iri}>"] if method == "PUT" else []
        if triples:
            steps.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{triples}}} }}")
        return (
            self.update(" ;\n".join(steps)) if steps else Answer(HTTPStatus.NO_CONTENT, b"", TEXT)
        )

    def _run_query(
        self, sparql: str, accept: str, dataset: dict[str, list[str] | None] | None = None
    ) -> Answer:
        try:
            return render(self.store.query(with_prefixes(sparql), **(dataset or {})), accept)
        except KGError as err:
            return Answer(HTTPStatus.BAD_REQUEST, f"{err}\n".encode(), TEXT)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def page(endpoint: str, allow_update: bool) -> Answer:
    """The query page people see at ``/``: a form that GETs ``/sparql``."""
    mode = "read-write" if allow_update else "read-only"
    example = html.escape(
        "SELECT ?subject ?relation ?object WHERE {\n"
        "  ?s ?p ?o . ?s rdfs:label ?subject . ?o rdfs:label ?object .\n"
        "  FILTER(STRSTARTS(STR(?p), STR(kg:)))\n"
        '  BIND(STRAFTER(STR(?p), "#") AS ?relation)\n} LIMIT 50'
    )
    options = "".join(f'<option value="{k}">{k}</option>' for k in FORMAT_PARAM)
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
textarea{{width:100%;font-family:monospace}}</style></head>
<body><h1>kg SPARQL endpoint</h1>
<p>SPARQL 1.1 Protocol at <code>{html.escape(endpoint)}</code> ({mode}). Prefixes kg:, rdf:,
rdfs:, skos:, xsd: and dcterms: are predeclared; the default graph is the union of all
articles.</p>
<form action="/sparql" method="get">
<textarea name="query" rows="12">{example}</textarea>
<p><label>format <select name="format">{options}</select></label>
<button type="submit">Run query</button></p>
</form></body></html>
"""
    return Answer(HTTPStatus.OK, body.encode(), "text/html; charset=utf-8")


SPARQL_PATHS = frozenset({"/sparql", "/query", "/update"})
DATASET_PARAMS = {"default_graph": "default-graph-uri", "named_graphs": "named-graph-uri"}
GRAPH_STORE = "/store"  # Graph Store Protocol, indirect identification (?graph=IRI)


def handler_for(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-serve"

        def do_GET(self) -> None:
            path, params = self._split()
            if path == GRAPH_STORE:
                iri = self._graph(params)
                self._send(endpoint.graph_get(iri, self._accept(params)) if iri else NO_GRAPH)
            elif path == "/" and "query" not in params:
                self._send(page(self._url("/sparql"), endpoint.config.allow_update))
            elif path in SPARQL_PATHS | {"/"} and "query" in params:
                self._send(endpoint.query(params["query"][0], self._accept(params), params))
            elif path in SPARQL_PATHS | {"/"}:
                self._send(bad("give a SPARQL query in the 'query' parameter"))
            else:
                self._send(
                    Answer(HTTPStatus.NOT_FOUND, b"no such page; the endpoint is /sparql\n", TEXT)
                )

        def do_PUT(self) -> None:
            self._graph_write()

        def do_DELETE(self) -> None:
            self._graph_write()

        def _graph_write(self) -> None:
            path, params = self._split()
            iri = self._graph(params)
            if path != GRAPH_STORE or not iri:
                self._send(NO_GRAPH if path == GRAPH_STORE else bad("PUT and DELETE go to /store"))
                return
            media = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            self._send(endpoint.graph_write(self.command, iri, self._body(), media))

        def _body(self) -> bytes:
            length = self.headers.get("Content-Length", "0")
            return self.rfile.read(int(length)) if length.isdigit() else b""

        def _graph(self, params: dict[str, list[str]]) -> str | None:
            iri = params.get("graph", [""])[0]
            try:
                return ox.NamedNode(iri).value if iri else None
            except ValueError:
                return None

        def do_POST(self) -> None:
            path, params = self._split()
            if path == GRAPH_STORE:
                self._graph_write()
                return
            if path not in SPARQL_PATHS | {"/"}:
                self._send(
                    Answer(HTTPStatus.NOT_FOUND, b"no such endpoint; POST to /sparql\n", TEXT)
                )
                return
            media = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            body = self._body().decode("utf-8", "replace")
            if media == "application/sparql-query":
                self._send(endpoint.query(body, self._accept(params)))
            elif media == "application/sparql-update":
                self._send(endpoint.update(body))
            elif media == "application/x-www-form-urlencoded":
                form = {**params, **urllib.parse.parse_qs(body, keep_blank_values=True)}
                if "update" in form:
                    self._send(endpoint.update(form["update"][0]))
                elif "query" in form:
                    self._send(endpoint.query(form["query"][0], self._accept(form), form))
                else:
                    self._send(bad("give a 'query' or an 'update' field"))
            else:
                self._send(bad(f"unsupported Content-Type '{media}'; use application/sparql-query, "
                               "application/sparql-update or a form"))  # fmt: skip

        def _split(self) -> tuple[str, dict[str, list[str]]]:
            parts = urllib.parse.urlsplit(self.path)
            return parts.path.rstrip("/") or "/", urllib.parse.parse_qs(parts.query)

        def _accept(self, params: dict[str, list[str]]) -> str:
            fmt = params.get("format", [""])[0]
            return FORMAT_PARAM.get(fmt, fmt) if fmt else self.headers.get("Accept", "*/*")

        def _url(self, path: str) -> str:
            host, port = self.server.server_address[:2]
            return f"http://{host}:{port}{path}"

        def _send(self, answer: Answer) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("Vary", "Accept")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet by default: the CLI prints one line when it starts."""

    return Handler


def bad(message: str) -> Answer:
    return Answer(HTTPStatus.BAD_REQUEST, f"{message}\n".encode(), TEXT)


NO_GRAPH = bad(
    "name a graph with ?graph=IRI (an absolute IRI); kg keeps every triple in a named graph"
)


def make_server(store: Store, config: ServeConfig) -> tuple[ThreadingHTTPServer, Endpoint]:
    """A bound (not yet serving) HTTP server; port 0 picks a free port."""
    endpoint = Endpoint(store, config)
    server = ThreadingHTTPServer((config.host, config.port), handler_for(endpoint))
    server.daemon_threads = True
    return server, endpoint
