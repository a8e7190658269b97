"""HTTP for the remote store: one request function with retries, backoff and basic auth.

Transient failures (connection refused or reset, timeouts, 429 and 5xx
answers) are retried on the ``Retry`` schedule; anything else, or the last
failure, becomes one ``StoreError`` line that names the endpoint.
"""

from __future__ import annotations

import base64
import http.client
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache

from kg.errors import StoreError
from kg.store.base import first_line

MAX_HEADERS = 1_000_000
TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})
USER_ENV = "KG_STORE_USER"
PASSWORD_ENV = "KG_STORE_PASSWORD"


@dataclass(frozen=True)
class Retry:
    """How often and how patiently to retry a transient failure."""

    attempts: int = 4
    first_delay: float = 0.25
    factor: float = 2.0
    timeout: float = 60.0

    def delays(self) -> list[float]:
        return [self.first_delay * self.factor**n for n in range(self.attempts - 1)]


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str


class TransientError(Exception):
    """A failure worth retrying; carries the line to show if retries run out."""


def auth_header() -> dict[str, str]:
    """Basic auth from KG_STORE_USER / KG_STORE_PASSWORD, never from the command line."""
    user = os.environ.get(USER_ENV)
    if not user:
        return {}
    token = f"{user}:{os.environ.get(PASSWORD_ENV, '')}".encode()
    return {"Authorization": "Basic " + base64.b64encode(token).decode("ascii")}


def request(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    retry: Retry = Retry(),
    ok_missing: bool = False,
) -> Response:
    """Send one request, retrying transient failures; 404 is returned when ``ok_missing``."""
    all_headers = {**auth_header(), **(headers or {})}
    last = ""
    for delay in [*retry.delays(), None]:
        try:
            return attempt(method, url, body, all_headers, retry.timeout, ok_missing)
        except TransientError as err:
            last = str(err)
        if delay is not None:
            time.sleep(delay)
    raise StoreError(f"{last} (after {retry.attempts} attempts); check that the server is up")


@cache
def allow_many_headers() -> None:
    """Raise http.client's limit of 100 response headers, once per process.

    Some servers (Virtuoso) echo every dataset graph of a query as a response header,
    and kg names each article graph. The limit is a module global of http.client with
    no per-request setting, so it is raised (never lowered) on the first request.
    """
    http.client._MAXHEADERS = max(http.client._MAXHEADERS, MAX_HEADERS)  # type: ignore[attr-defined]


def attempt(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    timeout: float,
    ok_missing: bool,
) -> Response:
    allow_many_headers()
    req = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return Response(answer.status, answer.read(), answer.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace").strip().splitlines()
        message = f"{method} {url}: HTTP {err.code} {detail[0] if detail else err.reason}"
        if err.code in TRANSIENT_STATUS:
            raise TransientError(message) from err
        if err.code == 404 and ok_missing:
            return Response(404, b"", "")
        raise StoreError(http_advice(err.code, message)) from err
    except http.client.HTTPException as err:  # a malformed answer: not worth retrying
        raise StoreError(
            f"{method} {url}: unreadable answer ({first_line(err)}); check the URL"
        ) from err
    except (TimeoutError, urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise TransientError(f"cannot reach the SPARQL endpoint {url}: {reason}") from err


def http_advice(status: int, message: str) -> str:
    advice = {
        400: "the server rejected the request",
        401: f"set {USER_ENV} and {PASSWORD_ENV} for this endpoint",
        403: "the account may not write here; check the server's permissions",
        404: "check the endpoint URL",
    }.get(status, "check the server's log")
    return f"{message}; {advice}"
