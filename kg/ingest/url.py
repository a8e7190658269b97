"""URLs given as inputs: fetched once, with a timeout, a size cap and a User-Agent that says
what is asking; the body then goes through the reader its content type names."""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.error
import urllib.request
from contextlib import suppress
from email.message import Message
from urllib.parse import urljoin, urlsplit

from kg.ingest.base import Options, Source, Unreadable, canonical_url

USER_AGENT = "kg/{version} (news knowledge-graph builder; fetches only the URLs it is given)"
MAX_REDIRECTS = 10
CHUNK = 64 * 1024
CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/feed+json": "json",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/jsonlines": "jsonl",
    "text/plain": "text",
    "text/markdown": "text",
}
"""Content type -> reader kind; other types (and XML) are sniffed from the body."""


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def user_agent() -> str:
    from kg import __version__

    return USER_AGENT.format(version=__version__)


class LimitedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows at most ``MAX_REDIRECTS`` redirects, and only to http(s) URLs."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 2

    def http_error_302(self, req, fp, code, msg, headers):
        target = headers.get("Location") or headers.get("URI") or ""
        scheme = urlsplit(urljoin(req.full_url, target)).scheme.lower()
        if target and scheme not in ("http", "https"):
            fp.close()
            raise Unreadable(
                f"redirects to {target}, which kg does not follow: it follows redirects to "
                "http(s) only, so a page cannot send it to local files or other services; "
                "fetch that URL yourself if you trust it"
            )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class Deadline:
    """A wall-clock limit on one fetch, redirects and body included.

    A socket timeout bounds each read, not the whole: a server sending one byte
    every half second never trips it. At the deadline every connection of the
    fetch is shut down, so the read in hand returns at once.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                shut(sock)


def shut(sock: socket.socket) -> None:
    """Shut a connection down from another thread (the plain socket's call, also for TLS)."""
    with suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def watched(base: type[http.client.HTTPConnection], deadline: Deadline) -> type:
    """``base`` with its socket handed to ``deadline`` once connected."""

    class Watched(base):  # type: ignore[valid-type, misc]
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    return Watched


class DeadlineHTTP(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request):
        return self.do_open(watched(http.client.HTTPConnection, self.deadline), req)


class DeadlineHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request):
        connection = watched(http.client.HTTPSConnection, self.deadline)
        return self.do_open(connection, req, context=self._context)


def fetch(url: str, options: Options) -> Source:
    """The URL's body as a Source (kind from its content type); Unreadable says why not.

    The whole fetch (connecting, redirects, headers, body) ends by ``options.timeout``.
    """
    request = urllib.request.Request(url, headers={"User-Agent": user_agent(), "Accept": "*/*"})
    answered = False
    with Deadline(options.timeout) as deadline:
        opener = urllib.request.build_opener(
            DeadlineHTTP(deadline), DeadlineHTTPS(deadline), LimitedRedirects()
        )
        try:
            with opener.open(request, timeout=options.timeout) as response:
                answered = True
                headers: Message = response.headers
                data = read_capped(response, options, deadline)
                final = response.geturl()
        except Unreadable:
            raise
        except urllib.error.HTTPError as err:
            raise Unreadable(http_reason(err)) from err
        except (OSError, ValueError, http.client.HTTPException) as err:
            reason = err.reason if isinstance(err, urllib.error.URLError) else err
            if deadline.expired or isinstance(reason, TimeoutError):
                raise Unreadable(too_slow(options, answered)) from err
            raise Unreadable(network_reason(reason, options)) from err
    content_type = headers.get_content_type()
    return Source(
        name=url,
        id=canonical_url(url) or url,
        kind=CONTENT_TYPES.get(content_type, "sniff"),
        data=data,
        url=canonical_url(final) or canonical_url(url),
        charset=headers.get_content_charset(),
    )


def read_capped(response, options: Options, deadline: Deadline) -> bytes:
    """The body, refusing more than ``max_fetch_bytes`` or a download past the deadline."""
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > options.max_fetch_bytes:
        raise Unreadable(too_big(options))
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > options.max_fetch_bytes:
            raise Unreadable(too_big(options))
        chunks.append(chunk)
    if deadline.expired:  # a body without a length ends where the deadline cut it
        raise Unreadable(too_slow(options, answered=True))
    return b"".join(chunks)


def too_slow(options: Options, answered: bool) -> str:
    if not answered:
        return f"no answer within {options.timeout:g}s (timeout); try again or raise --timeout"
    return f"the download took longer than {options.timeout:g}s (--timeout); try again or raise it"


def too_big(options: Options) -> str:
    return f"the page is larger than {options.max_fetch_bytes // 2**20} MB; save the part you need"


def http_reason(err: urllib.error.HTTPError) -> str:
    if 300 <= err.code < 400:
        return f"redirect loop or too many redirects (HTTP {err.code}); open the URL in a browser"
    return f"the server answered HTTP {err.code} {err.reason}; check the URL"


def network_reason(reason: object, options: Options) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer within {options.timeout:g}s (timeout); try again or raise --timeout"
    if isinstance(reason, socket.gaierror):
        return "unknown host; check the URL and your network"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused; is the server up?"
    return f"cannot fetch it ({reason})"
