"""HTTP requests -> guarded answers: kg's front in front of Oxigraph's server.

Every request is checked here before anything reaches Oxigraph: the Host
and Origin headers (a web page cannot read or write through the user's
browser, nor reach the server by DNS rebinding) and the shape of each query
(``guard.refusal``); ``http`` has already bounded its head, body, connection
and time. What passes is sent to Oxigraph over a pool of keep-alive
connections (``upstream``) and its answer relayed: whole when it is short,
streamed when it is long. A query past ``timeout`` is killed with its
process (``backend.Supervisor``), which is started again at once, so the
next request answers at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import re
import signal
import sys
import threading
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from time import monotonic

from kg.errors import StoreError
from kg.serve.backend import Child, Supervisor
from kg.serve.guard import Limits, refusal
from kg.serve.http import (
    Answer,
    Connection,
    Request,
    Server,
    TooManyFields,
    fields,
    one_line,
)
from kg.serve.remember import Remembered
from kg.serve.upstream import HANDOVER, Exchange, Pool

BUFFERED = HANDOVER  # answers up to this size go out whole, with their length
DEADLINE_STEP = 0.1  # how often the requests answered by callback are checked for time
FORMAT_PARAM = {
    "json": b"application/sparql-results+json",
    "xml": b"application/sparql-results+xml",
    "csv": b"text/csv",
    "tsv": b"text/tab-separated-values",
    "turtle": b"text/turtle",
    "nt": b"application/n-triples",
}
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
SPARQL_PATHS = frozenset({"/sparql", "/query"})
VARY = b"Vary: Accept\r\n"
READ_ONLY = "this endpoint is read-only; start kg serve with --allow-update to write"
PREPARED = 512  # distinct GET queries whose checked, prefixed form is kept
PREPARED_TARGET = 4096  # ... when their URL is at most this long
DECLARED = re.compile(r"\bPREFIX\s+([^\s:]*):", re.IGNORECASE)
# a media type for ?format= (it becomes a header line: printable characters only)
MEDIA_TYPE = re.compile(r"[\w!#$&^.+*-]+/[\w!#$&^.+*-]+(?:[ \t]*;[\x20-\x7e]*)?", re.ASCII)


@dataclass(frozen=True)
class ServeConfig:
    """What ``kg serve`` was asked for."""

    folder: Path | None = None  # the store folder; None serves an empty store in memory
    host: str = "127.0.0.1"
    port: int = 7878
    allow_update: bool = False
    timeout: float = 30.0
    limits: Limits = field(default_factory=Limits)
    prefixes: str = ""  # PREFIX lines put before every query that does not declare them


@lru_cache(maxsize=64)
def loopback_or_literal(host: str) -> bool:
    """True for a Host header naming localhost or an IP address (never a DNS name).

    A DNS-rebinding page reaches the server under its own domain name, so a
    name other than ``localhost`` is refused; an address can only be typed.

    >>> hosts = ("127.0.0.1:7878", "localhost", "[::1]:80", "evil.example")
    >>> [loopback_or_literal(host) for host in hosts]
    [True, True, True, False]
    """
    try:
        name = urllib.parse.urlsplit(f"//{host}").hostname or ""
    except ValueError:
        return False
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def cross_origin(method: bytes, headers: dict[bytes, bytes]) -> str | None:
    """The other site a browser says this request comes from, or None.

    Following a link to the UI from another site is allowed (a GET that the
    browser shows, never hands to the other site's script); any other request
    a browser makes on another site's behalf is not.

    >>> cross_origin(b"POST", {b"origin": b"http://evil.example", b"host": b"127.0.0.1:7878"})
    'http://evil.example'
    >>> cross_origin(b"GET", {b"host": b"127.0.0.1:7878"}) is None
    True
    """
    origin = headers.get(b"origin")
    site = headers.get(b"sec-fetch-site")
    if origin is None and site is None:
        return None  # not a browser's cross-site request: the fast path
    if method in (b"GET", b"HEAD") and headers.get(b"sec-fetch-mode") == b"navigate":
        return None
    if origin and origin != b"null":
        netloc = urllib.parse.urlsplit(origin.decode("latin-1")).netloc.lower()
        if netloc != headers.get(b"host", b"").decode("latin-1").lower():
            return origin.decode("latin-1")
    elif origin == b"null" or site in (b"cross-site", b"same-site"):
        return (origin or headers.get(b"referer", b"another site")).decode("latin-1")
    return None


def first(pairs: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in pairs if key == name), None)


def upstream_message(
    method: bytes, target: bytes, accept: bytes, content_type: bytes | None, body: bytes
) -> bytes:
    """An HTTP/1.1 request for Oxigraph's server, whole."""
    kind = b"Content-Type: %s\r\n" % content_type if content_type else b""
    return b"%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: %s\r\n%sContent-Length: %d\r\n\r\n%s" % (
        method,
        target,
        accept,
        kind,
        len(body),
        body,
    )


def sparql_body(kind: str, text: str, pairs: list[tuple[str, str]]) -> tuple[bytes, bytes]:
    """The media type and body that send ``text`` to Oxigraph, with any dataset parameters.

    Plain text when there are none; a form otherwise (in the body, not the
    URL: a query may name hundreds of graphs, past Oxigraph's 8 KB of headers).

    >>> sparql_body("query", "ASK {}", [("default-graph-uri", "http://g")])
    (b'application/x-www-form-urlencoded', b'query=ASK+%7B%7D&default-graph-uri=http%3A%2F%2Fg')
    >>> sparql_body("update", "CLEAR ALL", [])
    (b'application/sparql-update', b'CLEAR ALL')
    """
    dataset = [(name, value) for name, value in pairs if name in DATASET_PARAMS]
    if not dataset:
        return b"application/sparql-" + kind.encode(), text.encode("utf-8", "surrogatepass")
    form = urllib.parse.urlencode([(kind, text), *dataset], errors="surrogatepass")
    return b"application/x-www-form-urlencoded", form.encode()


class Front:
    """The request handler: checks, routes, forwards."""

    def __init__(self, config: ServeConfig, supervisor: Supervisor) -> None:
        self.config = config
        self.limits = config.limits
        self.supervisor = supervisor
        self.pool: Pool | None = None
        self.closing = False
        self.pages: dict[str, Callable[[Request, list[tuple[str, str]]], Awaitable[Answer]]] = {}
        self.prefix_lines = [
            (line.split()[1].rstrip(":").lower(), line.strip())
            for line in config.prefixes.splitlines()
            if len(line.split()) > 1
        ]
        self.prepared: dict[tuple[bytes, bytes], bytes | Answer] = {}
        self.inflight: set[Exchange] = set()  # sent by forward's common case, not yet answered
        # Read-only, the store cannot change under the server: a query's answer holds.
        self.remembered = None if config.allow_update else Remembered()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._watch: asyncio.Task[None] | None = None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self.loop = loop
        self.pool = Pool(loop)
        self._watch = loop.create_task(self._watch_deadlines())

    async def close(self) -> None:
        self.closing = True
        if self._watch is not None:
            self._watch.cancel()
        if self.pool is not None:
            self.pool.close()

    def __call__(
        self, request: Request, connection: Connection
    ) -> Answer | Awaitable[Answer | None] | None:
        """The answer to ``request``: now, later through ``connection.finish``, or awaited."""
        try:
            return self.answer(request, connection)
        except TooManyFields as err:
            return one_line(400, str(err))

    def answer(
        self, request: Request, connection: Connection
    ) -> Answer | Awaitable[Answer | None] | None:
        headers = request.headers
        host = headers.get(b"host", b"").decode("latin-1")
        if not loopback_or_literal(host):
            return one_line(
                403, f"Host '{host}' is not served here; use http://127.0.0.1 or http://localhost"
            )
        other = cross_origin(request.method, headers)
        if other:
            return one_line(
                403,
                f"requests from {other} are refused; open the query page of this server instead",
            )
        path, _, query = request.target.partition(b"?")
        if b"%" in path:
            path = urllib.parse.unquote_to_bytes(path)
        route = path.decode("latin-1").rstrip("/") or "/"
        if route in SPARQL_PATHS or (route == "/" and query.startswith(b"query=")):
            if request.method == b"GET" and len(request.target) <= PREPARED_TARGET:
                ready = self.prepared_query(request)
            else:
                ready = self.sparql(request, query)
        elif route == "/update":
            ready = self.sparql(request, query, update_only=True)
        elif route == "/store":
            ready = self.graph_store(request, query)
        else:
            page = self.pages.get(route)
            if page is not None and request.method in (b"GET", b"HEAD"):
                return page(request, fields(query))
            return one_line(404, "no such page; the endpoint is /sparql")
        if isinstance(ready, Answer):
            return ready
        return self.forward(connection, *ready)

    def prepared_query(self, request: Request) -> tuple[bytes, str] | Answer:
        """A GET query, checked and prefixed once per distinct URL and Accept (a pure function)."""
        key = (request.target, request.headers.get(b"accept", b"*/*"))
        ready = self.prepared.get(key)
        if ready is None:
            query = request.target.partition(b"?")[2]
            ready = self.upstream_query(request, fields(query))
            if len(self.prepared) >= PREPARED:
                self.prepared.clear()
            self.prepared[key] = ready
        return ready if isinstance(ready, Answer) else (ready, "query")

    def sparql(
        self, request: Request, query: bytes, update_only: bool = False
    ) -> tuple[bytes, str] | Answer:
        """SPARQL 1.1 Protocol: a query by GET or POST, an update by POST.

        The request for Oxigraph and its kind, or the answer refusing it.
        """
        pairs = fields(query)
        text, kind = first(pairs, "query"), "query"
        if request.method == b"POST":
            media = request.headers.get(b"content-type", b"").partition(b";")[0].strip().lower()
            if media == b"application/sparql-query":
                text = request.body.decode("utf-8", "replace")
            elif media == b"application/sparql-update":
                text, kind = request.body.decode("utf-8", "replace"), "update"
            elif media == b"application/x-www-form-urlencoded":
                pairs += fields(request.body)
                update = first(pairs, "update")
                text, kind = (
                    (update, "update") if update is not None else (first(pairs, "query"), "query")
                )
            else:
                return one_line(
                    400,
                    f"unsupported Content-Type '{media.decode('latin-1')}'; use "
                    "application/sparql-query, application/sparql-update or a form",
                )
        elif request.method not in (b"GET", b"HEAD"):
            return one_line(405, "use GET or POST")
        if update_only and kind == "query" and text is not None:
            return one_line(400, "POST an update to /update, or a query to /query")
        if text is None:
            if request.method == b"GET" and first(pairs, "update") is not None:
                return one_line(400, "send updates by POST, not GET")
            return one_line(400, "give a SPARQL query in the 'query' parameter")
        if kind == "update":
            if not self.config.allow_update:
                return one_line(403, READ_ONLY)
            refused = refusal(text, self.limits, kind)
            if refused:
                return one_line(400, refused)
            media, body = sparql_body(kind, self.with_prefixes(text), pairs)
            return upstream_message(b"POST", b"/update", b"*/*", media, body), kind
        ready = self.upstream_query(request, pairs, text)
        return ready if isinstance(ready, Answer) else (ready, kind)

    def upstream_query(
        self, request: Request, pairs: list[tuple[str, str]], text: str | None = None
    ) -> bytes | Answer:
        """The request for Oxigraph that answers a query, or the answer refusing it."""
        if text is None:
            text = first(pairs, "query")
            if text is None:
                if first(pairs, "update") is not None:
                    return one_line(400, "send updates by POST, not GET")
                return one_line(400, "give a SPARQL query in the 'query' parameter")
        refused = refusal(text, self.limits, "query")
        if refused:
            return one_line(400, refused)
        wanted = first(pairs, "format")
        accept = FORMAT_PARAM.get(wanted) if wanted else None
        if accept is None and wanted:
            if not MEDIA_TYPE.fullmatch(wanted):
                return one_line(
                    400,
                    f"unknown format {wanted[:80]!r}; use json, xml, csv, tsv, turtle, nt "
                    "or a media type such as text/csv",
                )
            accept = wanted.encode()
        if accept is None:
            accept = request.headers.get(b"accept", b"*/*")
        media, body = sparql_body("query", self.with_prefixes(text), pairs)
        return upstream_message(b"POST", b"/query", accept, media, body)

    def with_prefixes(self, text: str) -> str:
        """kg's prefixes before the text: those it uses and does not declare itself.

        A prefix the text never names is left out (less for Oxigraph to parse);
        text with escapes, which could spell a name, gets them all.

        >>> front = Front(ServeConfig(prefixes="PREFIX kg: <k#>\\nPREFIX rdfs: <r#>"), None)
        >>> front.with_prefixes("SELECT * { ?x a kg:Product }")
        'PREFIX kg: <k#> SELECT * { ?x a kg:Product }'
        >>> front.with_prefixes("PREFIX kg: <o#> SELECT * { ?x rdfs:label ?l ; a kg:P }")
        'PREFIX rdfs: <r#> PREFIX kg: <o#> SELECT * { ?x rdfs:label ?l ; a kg:P }'
        """
        declared = (
            {name.lower() for name in DECLARED.findall(text)} if "prefix" in text.lower() else ()
        )
        escaped = "\\" in text
        header = " ".join(
            line
            for name, line in self.prefix_lines
            if name not in declared and (escaped or name + ":" in text)
        )
        # one line, before the query's first: Oxigraph's error positions keep their line
        return header + " " + text if header else text

    def graph_store(self, request: Request, query: bytes) -> tuple[bytes, str] | Answer:
        """Graph Store Protocol at /store?graph=IRI: reads always, writes with --allow-update."""
        writes = request.method in (b"PUT", b"POST", b"DELETE")
        if writes and not self.config.allow_update:
            return one_line(403, READ_ONLY)
        if request.method not in (b"GET", b"HEAD") and not writes:
            return one_line(405, "use GET, PUT, POST or DELETE")
        target = b"/store"
        if query:
            target += b"?" + urllib.parse.urlencode(fields(query)).encode()
        method = b"GET" if request.method == b"HEAD" else request.method
        message = upstream_message(
            method,
            target,
            request.headers.get(b"accept", b"*/*"),
            request.headers.get(b"content-type"),
            request.body if writes else b"",
        )
        return message, "request"

    def forward(
        self, connection: Connection, message: bytes, kind: str
    ) -> Answer | Awaitable[Answer | None] | None:
        """Send ``message`` to Oxigraph; its answer reaches ``connection`` within the timeout.

        A query answered before, on a store served read-only, is answered
        again from ``remembered`` without asking Oxigraph. The common case
        (Oxigraph ready, an idle connection to it, a short answer) runs on
        callbacks alone: ``_answered`` finishes the request,
        ``_watch_deadlines`` times it out. Anything else, or anything
        unusual on the way (a long answer, an error, a broken connection), is
        carried on by the coroutine ``relay``.
        """
        if self.remembered is not None and kind == "query":
            kept = self.remembered.get(message, self.supervisor.generation)
            if kept is not None:
                return kept
        supervisor = self.supervisor
        deadline = monotonic() + self.config.timeout
        if supervisor.ready.is_set():
            exchange = self.pool.idle_exchange(supervisor.generation)
            if exchange is not None:
                exchange.send(message)
                exchange.client, exchange.message, exchange.kind = connection, message, kind
                exchange.deadline = deadline
                exchange.listener = self._answered
                self.inflight.add(exchange)
                return None
        return self.relay(connection, message, kind, deadline)

    def _answered(self, exchange: Exchange) -> None:
        """Oxigraph's answer is whole, long, or broken: finish the request, or hand it on."""
        self.inflight.discard(exchange)
        connection, exchange.client = exchange.client, None
        if exchange.finished and exchange.status < 400:
            answer = Answer(exchange.status, exchange.content_type, exchange.take(), VARY)
            self.pool.release(exchange)
            self.remember(exchange.message, exchange.kind, answer, exchange.generation)
            connection.finish(answer)
            return
        pending = self.relay(
            connection, exchange.message, exchange.kind, exchange.deadline, exchange
        )
        connection.finish_later(pending)

    def remember(self, message: bytes, kind: str, answer: Answer, generation: int) -> None:
        if self.remembered is not None and kind == "query":
            self.remembered.keep(message, answer, generation)

    async def _watch_deadlines(self) -> None:
        """Time out the requests answered by callback (``forward``'s common case)."""
        while True:
            await asyncio.sleep(DEADLINE_STEP)
            now = monotonic()
            for exchange in [e for e in self.inflight if e.deadline <= now]:
                self.inflight.discard(exchange)
                exchange.listener = None
                connection, exchange.client = exchange.client, None
                # Still computing: the process goes, and the query's memory with it.
                self.supervisor.restart_soon(exchange.generation)
                exchange.close()
                connection.finish(self.too_long(exchange.kind))

    def too_long(self, kind: str) -> Answer:
        return one_line(
            503, f"the {kind} ran longer than {self.config.timeout:g}s; narrow it or add a LIMIT"
        )

    async def relay(
        self,
        connection: Connection,
        message: bytes,
        kind: str,
        deadline: float,
        sent: Exchange | None = None,
    ) -> Answer | None:
        """Oxigraph's answer to ``message`` by ``deadline``: whole, or streamed if long.

        ``sent``: the connection ``message`` was already sent on, if any. None
        when the answer was streamed (or cut off) on ``connection`` itself.
        """
        supervisor = self.supervisor
        generation = sent.generation if sent is not None else supervisor.generation
        for attempt in range(2):
            exchange, sent = sent, None
            upstream = True  # waiting for Oxigraph, not for the client
            streaming = False
            try:
                async with asyncio.timeout_at(deadline):
                    if exchange is None:
                        if not supervisor.ready.is_set():
                            await supervisor.ready.wait()
                        generation = supervisor.generation
                        exchange = await self.pool.exchange(generation, supervisor.port)
                        exchange.send(message)
                    while not exchange.finished and exchange.size <= BUFFERED:
                        await exchange.wait()
                    if exchange.status >= 400:
                        while not exchange.finished and exchange.size < 4096:
                            await exchange.wait()
                        return self.error(exchange.status, exchange.take(), kind)
                    if exchange.finished:
                        body = exchange.take()
                        answer = Answer(exchange.status, exchange.content_type, body, VARY)
                        self.pool.release(exchange)
                        self.remember(message, kind, answer, exchange.generation)
                        exchange = None
                        return answer
                    connection.start_stream(exchange.status, exchange.content_type, VARY)
                    streaming = True
                    while True:
                        data = exchange.take()
                        if data:
                            connection.write_chunk(data)
                        if exchange.finished:
                            break
                        upstream = False
                        await connection.drain()
                        upstream = True
                        await exchange.wait()
                    connection.end_stream()
                    self.pool.release(exchange)
                    exchange = None
                    return None
            except TimeoutError:
                if upstream:
                    # Still computing: the process goes, and the query's memory with it.
                    supervisor.restart_soon(generation)
                if not streaming:
                    return self.too_long(kind)
                connection.abort()
                return None
            except OSError:  # the connection to Oxigraph broke (or the client's, mid-stream)
                if streaming:
                    connection.abort()
                    return None
                if attempt == 0 and kind == "query" and not self.closing:  # a restart under it
                    continue
                why = "kg serve is stopping" if self.closing else "it is restarting, try again"
                return one_line(503, f"the query server stopped while answering this {kind}; {why}")
            finally:
                if exchange is not None:
                    exchange.close()
        return None  # not reached: the second attempt returns

    def error(self, status: int, body: bytes, kind: str) -> Answer:
        message = body[:4096].decode("utf-8", "replace").strip()
        line = message.splitlines()[0] if message else str(status)
        if status == 400 and kind in ("query", "update"):
            return one_line(status, f"malformed SPARQL {kind}: {line}; fix the {kind}")
        return one_line(status, line)


READY_WAIT = 30.0


async def serve(
    config: ServeConfig, started: Callable[[str], None], stop: asyncio.Event | None = None
) -> None:
    """Serve until ``stop`` is set (by default: until SIGTERM or SIGINT).

    ``started`` gets the server's URL once it listens.
    """
    from kg.serve.pages import add_pages

    supervisor = Supervisor(Child(config.folder, config.allow_update))
    front = Front(config, supervisor)
    listening = None
    loop = asyncio.get_running_loop()
    server = Server(front, config.limits, loop)
    try:
        await supervisor.start()
        await front.open()
        add_pages(front)
        try:
            listening = await loop.create_server(server, config.host, config.port, backlog=512)
        except OSError as err:
            raise StoreError(
                f"cannot listen on {config.host}:{config.port} "
                f"({os.strerror(err.errno) if err.errno else err}); "
                "pick another --port"
            ) from err
        host, port = listening.sockets[0].getsockname()[:2]
        if stop is None:
            stop = asyncio.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
        started(f"http://{host}:{port}")
        await stop.wait()
        listening.close()
        front.closing = True
        await server.drain(1.0)
        # Queries still running are answered 503 once their Oxigraph stops.
        await supervisor.stop()
        await server.drain(0.5)
    finally:
        if listening is not None:
            listening.close()
        server.abort()
        await front.close()
        await supervisor.stop()


@contextlib.contextmanager
def serving(config: ServeConfig) -> Iterator[str]:
    """Serve in a background thread (for notebooks and tests); yields the server's URL.

    The store folder must not be open elsewhere in this process.
    """
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    url: list[str] = []
    up = threading.Event()

    def started(found: str) -> None:
        url.append(found)
        up.set()

    async def run() -> None:
        try:
            await serve(config, started, stop)
        finally:
            up.set()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    up.wait(READY_WAIT + 5)
    try:
        if not url:
            raise StoreError(f"kg serve did not start on {config.folder or 'memory'}")
        yield url[0]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)


def main(config: ServeConfig, started: Callable[[str], None]) -> None:
    try:
        asyncio.run(serve(config, started))
    except KeyboardInterrupt:  # a second Ctrl-C while stopping
        sys.exit(130)
