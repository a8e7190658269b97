"""URLs given as inputs: fetched once, with a timeout, a size cap and a User-Agent that says
what is asking; the body then goes through the reader its content type names."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from email.message import Message

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
    max_redirections = MAX_REDIRECTS
    max_repeats = 2


def fetch(url: str, options: Options) -> Source:
    """The URL's body as a Source (kind from its content type); Unreadable says why not."""
    opener = urllib.request.build_opener(LimitedRedirects())
    request = urllib.request.Request(url, headers={"User-Agent": user_agent(), "Accept": "*/*"})
    deadline = time.monotonic() + options.timeout
    try:
        with opener.open(request, timeout=options.timeout) as response:
            headers: Message = response.headers
            data = read_capped(response, options, deadline)
            final = response.geturl()
    except urllib.error.HTTPError as err:
        raise Unreadable(http_reason(err)) from err
    except urllib.error.URLError as err:
        raise Unreadable(network_reason(err.reason, options)) from err
    except TimeoutError as err:
        raise Unreadable(network_reason(err, options)) from err
    except (OSError, ValueError) as err:
        raise Unreadable(f"cannot fetch it ({err})") from err
    content_type = headers.get_content_type()
    return Source(
        name=url,
        id=canonical_url(url) or url,
        kind=CONTENT_TYPES.get(content_type, "sniff"),
        data=data,
        url=canonical_url(final) or canonical_url(url),
        charset=headers.get_content_charset(),
    )


def read_capped(response, options: Options, deadline: float) -> bytes:
    """The body, refusing more than ``max_fetch_bytes`` or a download past the timeout."""
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > options.max_fetch_bytes:
        raise Unreadable(too_big(options))
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > options.max_fetch_bytes:
            raise Unreadable(too_big(options))
        if time.monotonic() > deadline:
            raise Unreadable(f"the download took longer than {options.timeout:g}s; try --timeout")
        chunks.append(chunk)
    return b"".join(chunks)


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
