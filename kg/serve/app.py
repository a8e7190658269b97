"""HTTP requests -> guarded answers: kg's front in front of Oxigraph's server.

Every request is checked here before anything reaches Oxigraph: the Host
and Origin headers (a web page cannot read or write through the user's
browser, nor reach the server by DNS rebinding), the size of headers and
body, the number of open connections and how long one may sit idle, and the
shape of each query (``guard.refusal``). What passes is forwarded over a
pool of keep-alive connections and the answer streamed back. A query past
``timeout`` is killed with its process (``backend.Supervisor``), which is
started again at once, so the next request answers at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import signal
import sys
import threading
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

import aiohttp
from aiohttp import web
from multidict import MultiDict

from kg.errors import StoreError
from kg.serve.backend import Child, Supervisor
from kg.serve.guard import Limits, refusal

BUFFERED = 256 * 1024  # answers up to this size go out whole, with their length
HOLD_BACK = 64  # the tail kept until the end, where Oxigraph writes a cancellation
CANCELLED = b"The SPARQL operation has been cancelled"
TEXT = "text/plain; charset=utf-8"
FORMAT_PARAM = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
}
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
SPARQL_PATHS = frozenset({"/sparql", "/query"})


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


def one_line(status: int, message: str) -> web.Response:
    return web.Response(status=status, text=message.strip() + "\n", content_type="text/plain")


def loopback_or_literal(host: str) -> bool:
    """True for a Host header naming localhost or an IP address (never a DNS name).

    A DNS-rebinding page reaches the server under its own domain name, so a
    name other than ``localhost`` is refused; an address can only be typed.

    >>> hosts = ("127.0.0.1:7878", "localhost", "[::1]:80", "evil.example")
    >>> [loopback_or_literal(host) for host in hosts]
    [True, True, True, False]
    """
    name = urllib.parse.urlsplit(f"//{host}").hostname or ""
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def cross_origin(request: web.BaseRequest) -> str | None:
    """The other site a browser says this request comes from, or None.

    Following a link to the UI from another site is allowed (a GET that the
    browser shows, never hands to the other site's script); any other request
    a browser makes on another site's behalf is not.
    """
    if request.method in ("GET", "HEAD") and request.headers.get("Sec-Fetch-Mode") == "navigate":
        return None
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        parts = urllib.parse.urlsplit(origin)
        if parts.netloc.lower() != request.headers.get("Host", "").lower():
            return origin
    elif origin == "null" or request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        return origin or request.headers.get("Referer", "another site")
    return None


class BoundedServer(web.Server):
    """aiohttp's server with a ceiling on open connections: one more is answered 503."""

    def __init__(self, handler: Callable, max_connections: int, **kwargs: object) -> None:
        super().__init__(handler, **kwargs)
        self.max_connections = max_connections

    def connection_made(self, handler: object, transport: asyncio.Transport) -> None:
        if len(self._connections) >= self.max_connections:
            transport.write(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                b"Connection: close\r\nContent-Length: 44\r\n\r\n"
                b"too many open connections; try again later\n\n"
            )
            transport.close()
            return
        super().connection_made(handler, transport)


class Front:
    """The request handler: checks, routes, forwards."""

    def __init__(self, config: ServeConfig, supervisor: Supervisor) -> None:
        self.config = config
        self.limits = config.limits
        self.supervisor = supervisor
        self.session: aiohttp.ClientSession | None = None
        self.closing = False
        self.pages: dict[str, Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]] = {}

    async def open(self) -> None:
        connector = aiohttp.TCPConnector(limit=64, keepalive_timeout=30)
        self.session = aiohttp.ClientSession(
            connector=connector, auto_decompress=False, skip_auto_headers=("User-Agent",)
        )

    async def close(self) -> None:
        self.closing = True
        if self.session is not None:
            await self.session.close()

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        if not loopback_or_literal(request.headers.get("Host", "")):
            return one_line(
                HTTPStatus.FORBIDDEN,
                f"Host '{request.headers.get('Host', '')}' is not served here; "
                "use http://127.0.0.1 or http://localhost",
            )
        other = cross_origin(request)
        if other:
            return one_line(
                HTTPStatus.FORBIDDEN,
                f"requests from {other} are refused; open the query page of this server instead",
            )
        path = request.path.rstrip("/") or "/"
        if path in SPARQL_PATHS or (path == "/" and "query" in request.query):
            return await self.sparql(request)
        if path == "/update":
            return await self.sparql(request, update_only=True)
        if path == "/store":
            return await self.graph_store(request)
        page = self.pages.get(path)
        if page is not None and request.method in ("GET", "HEAD"):
            return await page(request)
        return one_line(HTTPStatus.NOT_FOUND, "no such page; the endpoint is /sparql")

    async def body(self, request: web.BaseRequest) -> bytes | web.Response:
        """The request body, or the answer refusing it (too big, too slow)."""
        limit = self.limits.body_bytes
        if request.content_length is not None and request.content_length > limit:
            return one_line(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the body is {request.content_length:,} bytes, over the limit of {limit:,}",
            )
        chunks, size = [], 0
        try:
            async with asyncio.timeout(self.limits.body_seconds):
                async for chunk in request.content.iter_any():
                    size += len(chunk)
                    if size > limit:
                        return one_line(
                            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            f"the body is over the limit of {limit:,} bytes",
                        )
                    chunks.append(chunk)
        except TimeoutError:
            return one_line(
                HTTPStatus.REQUEST_TIMEOUT,
                f"the body took longer than {self.limits.body_seconds:g}s to arrive",
            )
        return b"".join(chunks)

    async def sparql(
        self, request: web.BaseRequest, update_only: bool = False
    ) -> web.StreamResponse:
        """SPARQL 1.1 Protocol: a query by GET or POST, an update by POST."""
        params = MultiDict(request.query)
        text, kind = params.get("query"), "query"
        if request.method == "POST":
            body = await self.body(request)
            if isinstance(body, web.Response):
                return body
            media = request.content_type
            decoded = body.decode("utf-8", "replace")
            if media == "application/sparql-query":
                text = decoded
            elif media == "application/sparql-update":
                text, kind = decoded, "update"
            elif media == "application/x-www-form-urlencoded":
                params.extend(urllib.parse.parse_qsl(decoded, keep_blank_values=True))
                text, kind = (
                    (params.get("update"), "update")
                    if "update" in params
                    else (params.get("query"), "query")
                )
            else:
                return one_line(
                    HTTPStatus.BAD_REQUEST,
                    f"unsupported Content-Type '{media}'; use application/sparql-query, "
                    "application/sparql-update or a form",
                )
        elif request.method not in ("GET", "HEAD"):
            return one_line(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST")
        if update_only and kind == "query" and text is not None:
            return one_line(
                HTTPStatus.BAD_REQUEST, "POST an update to /update, or a query to /query"
            )
        if text is None:
            if request.method == "GET" and "update" in params:
                return one_line(HTTPStatus.BAD_REQUEST, "send updates by POST, not GET")
            return one_line(HTTPStatus.BAD_REQUEST, "give a SPARQL query in the 'query' parameter")
        if kind == "update" and not self.config.allow_update:
            return one_line(
                HTTPStatus.FORBIDDEN,
                "this endpoint is read-only; start kg serve with --allow-update to write",
            )
        refused = refusal(text, self.limits, kind)
        if refused:
            return one_line(HTTPStatus.BAD_REQUEST, refused)
        form = [(kind, self.with_prefixes(text))]
        form += [(name, value) for name in DATASET_PARAMS for value in params.getall(name, [])]
        accept = params.get("format") or request.headers.get("Accept", "*/*")
        accept = FORMAT_PARAM.get(accept, accept)
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        data = urllib.parse.urlencode(form).encode()
        return await self.forward(request, "POST", f"/{kind}", data, headers, kind)

    def with_prefixes(self, text: str) -> str:
        """kg's prefixes before the text, less those it declares itself."""
        declared = {
            line.split()[1].rstrip(":").lower()
            for line in text.splitlines()
            if line.strip().upper().startswith("PREFIX") and len(line.split()) > 1
        }
        header = [
            line for line in self.config.prefixes.splitlines()
            if line.split()[1].rstrip(":").lower() not in declared
        ]  # fmt: skip
        # one line, before the query's first: Oxigraph's error positions keep their line
        return " ".join(header) + " " + text if header else text

    async def graph_store(self, request: web.BaseRequest) -> web.StreamResponse:
        """Graph Store Protocol at /store?graph=IRI: reads always, writes with --allow-update."""
        writes = request.method in ("PUT", "POST", "DELETE")
        if writes and not self.config.allow_update:
            return one_line(
                HTTPStatus.FORBIDDEN,
                "this endpoint is read-only; start kg serve with --allow-update to write",
            )
        if request.method not in ("GET", "HEAD") and not writes:
            return one_line(HTTPStatus.METHOD_NOT_ALLOWED, "use GET, PUT, POST or DELETE")
        data = b""
        if writes:
            body = await self.body(request)
            if isinstance(body, web.Response):
                return body
            data = body
        headers = {"Accept": request.headers.get("Accept", "*/*")}
        if "Content-Type" in request.headers:
            headers["Content-Type"] = request.headers["Content-Type"]
        path = "/store?" + urllib.parse.urlencode(list(request.query.items()))
        return await self.forward(request, request.method, path, data, headers, "request")

    async def forward(
        self, request: web.BaseRequest, method: str, path: str, data: bytes,
        headers: dict[str, str], kind: str,
    ) -> web.StreamResponse:  # fmt: skip
        """Oxigraph's answer to the request, within the timeout; streamed when it is long."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.timeout
        generation = self.supervisor.generation
        for attempt in range(2):
            state = {"upstream": True, "response": None}
            try:
                async with asyncio.timeout_at(deadline):
                    await asyncio.wait_for(self.supervisor.ready.wait(), READY_WAIT)
                    generation = self.supervisor.generation
                    assert self.session is not None
                    async with self.session.request(
                        method, self.supervisor.base + path, data=data, headers=headers
                    ) as answer:
                        return await self.relay(request, answer, kind, state)
            except TimeoutError:
                if state["upstream"]:
                    # Still computing: the process goes, and the query's memory with it.
                    self.supervisor.restart_soon(generation)
                if state["response"] is None:
                    return one_line(
                        HTTPStatus.SERVICE_UNAVAILABLE,
                        f"the {kind} ran longer than {self.config.timeout:g}s; "
                        "narrow it or add a LIMIT",
                    )
                break
            except (aiohttp.ClientError, OSError):
                if state["response"] is not None:
                    break
                if attempt == 0 and kind == "query" and not self.closing:  # a restart under it
                    continue
                why = "kg serve is stopping" if self.closing else "it is restarting, try again"
                return one_line(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"the query server stopped while answering this {kind}; {why}",
                )
        abort(request)
        return state["response"]

    async def relay(
        self, request: web.BaseRequest, answer: aiohttp.ClientResponse, kind: str, state: dict
    ) -> web.StreamResponse:
        """Oxigraph's answer, made kg's: one-line errors, cancellations as 503s."""
        if answer.status >= 400:
            message = (await answer.content.read(4096)).decode("utf-8", "replace")
            return self.error(answer.status, message, kind)
        head, done = await read_up_to(answer.content, BUFFERED)
        if done:
            if head.endswith(CANCELLED) and answer.status == 200:
                return self.error(HTTPStatus.SERVICE_UNAVAILABLE, CANCELLED.decode(), kind)
            return web.Response(
                status=answer.status, body=head, headers=relayed_headers(answer, len(head))
            )
        response = web.StreamResponse(status=answer.status, headers=relayed_headers(answer))
        state["response"] = response
        await response.prepare(request)
        held = head
        while True:
            if len(held) > HOLD_BACK:
                state["upstream"] = False
                await response.write(held[:-HOLD_BACK])
                held = held[-HOLD_BACK:]
            state["upstream"] = True
            chunk = await answer.content.readany()
            if not chunk:
                break
            held += chunk
        if held.endswith(CANCELLED):  # cut short: the client sees a broken stream, not a result
            abort(request)
            return response
        state["upstream"] = False
        await response.write(held)
        await response.write_eof()
        return response

    def error(self, status: int, message: str, kind: str) -> web.Response:
        first = message.strip().splitlines()[0] if message.strip() else HTTPStatus(status).phrase
        if CANCELLED.decode() in message:
            return one_line(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"the {kind} ran longer than {self.config.timeout:g}s; narrow it or add a LIMIT",
            )
        if status == HTTPStatus.BAD_REQUEST and kind in ("query", "update"):
            return one_line(status, f"malformed SPARQL {kind}: {first}; fix the {kind}")
        return one_line(status, first)


READY_WAIT = 30.0


async def read_up_to(stream: aiohttp.StreamReader, size: int) -> tuple[bytes, bool]:
    """Up to ``size`` bytes of a stream, and whether that was all of it."""
    chunks, total = [], 0
    while total <= size:
        chunk = await stream.readany()
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks), False


def relayed_headers(answer: aiohttp.ClientResponse, length: int | None = None) -> dict[str, str]:
    headers = {"Content-Type": answer.headers.get("Content-Type", "application/octet-stream")}
    headers["Vary"] = "Accept"
    if length is not None:
        headers["Content-Length"] = str(length)
    return headers


def abort(request: web.BaseRequest) -> None:
    """Close the connection without finishing the answer, so the client sees it failed."""
    if request.transport is not None:
        request.transport.abort()


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
    try:
        await supervisor.start()
        await front.open()
        add_pages(front)
        limits = config.limits
        server = BoundedServer(
            front,
            limits.connections,
            keepalive_timeout=limits.idle_seconds,
            max_line_size=16 * 1024,
            max_field_size=16 * 1024,
            max_headers=64,
            access_log=None,
            handler_cancellation=True,
        )
        loop = asyncio.get_running_loop()
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
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.shutdown(1.0), 2.0)
    finally:
        if listening is not None:
            listening.close()
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
