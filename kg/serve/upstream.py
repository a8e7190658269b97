"""A request for Oxigraph's server -> its answer, over a pool of keep-alive connections.

Each connection is an asyncio Protocol with httptools' response parser: the
answer's status and media type are read, its body is handed over as it
arrives (unchunked), and the connection goes back to the pool when the
answer is complete. Reading pauses while more than ``HIGH_WATER`` bytes
wait for the client, so a huge result streams through in bounded memory.
Connections belong to one Oxigraph process (its ``generation``): after a
restart the old ones are dropped.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

import httptools

HIGH_WATER = 1024 * 1024  # unread answer bytes held before reading from Oxigraph pauses
HANDOVER = 256 * 1024  # a listener hears of an answer once it is whole, broken, or this long
POOL_SIZE = 64  # connections to Oxigraph at once; more requests wait for one


class Exchange(asyncio.Protocol):
    """One connection to Oxigraph, and the answer being read on it."""

    def __init__(self, pool: Pool, generation: int) -> None:
        self.pool = pool
        self.generation = generation
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.closed = False
        self.paused = False
        # Set while a request's answer is awaited by callback rather than by a coroutine:
        self.listener: Callable[[Exchange], None] | None = None
        self.client: object = None  # what the listener needs to answer it
        self.message = b""
        self.kind = ""
        self.deadline = 0.0
        self._clear()

    def _clear(self) -> None:
        self.status = 0
        self.content_type = b"application/octet-stream"
        self.chunks: list[bytes] = []
        self.size = 0
        self.finished = False
        self.failed: Exception | None = None
        self.reusable = False

    def send(self, message: bytes) -> None:
        self._clear()
        self.transport.write(message)

    def _heard(self) -> None:
        if self.finished or self.failed is not None or self.size > HANDOVER:
            listener, self.listener = self.listener, None
            listener(self)

    async def wait(self) -> None:
        """Until more of the answer has arrived; raises ConnectionError if the connection broke."""
        if not (self.finished or self.failed):
            self.waiter = self.pool.loop.create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        if self.failed is not None and not self.finished:
            raise self.failed

    def take(self) -> bytes:
        """The body bytes arrived since the last call."""
        data = b"".join(self.chunks) if len(self.chunks) != 1 else self.chunks[0]
        self.chunks = []
        self.size = 0
        if self.paused and not self.closed:
            self.paused = False
            self.transport.resume_reading()
        return data

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    # asyncio's side

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.failed = ConnectionResetError("the query server closed the connection")
        self.pool.forget(self)
        if self.listener is not None:
            self._heard()
        self._wake()

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as err:
            self.failed = ConnectionError(f"the query server's answer is malformed: {err}")
            self.transport.close()
        if self.size > HIGH_WATER and not self.paused and not self.finished:
            self.paused = True
            self.transport.pause_reading()
        if self.listener is not None:
            self._heard()
        else:
            self._wake()

    # httptools' side

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"content-type":
            self.content_type = value

    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)
        self.size += len(body)

    def on_message_complete(self) -> None:
        self.finished = True
        self.reusable = self.parser.should_keep_alive()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.transport.close()


class Pool:
    """Keep-alive connections to the current Oxigraph process, at most ``size`` at once."""

    def __init__(self, loop: asyncio.AbstractEventLoop, size: int = POOL_SIZE) -> None:
        self.loop = loop
        self.size = size
        self.idle: list[Exchange] = []
        self.open = 0
        self.waiters: deque[asyncio.Future[None]] = deque()

    async def exchange(self, generation: int, port: int) -> Exchange:
        """A connection to process ``generation`` listening on ``port``."""
        while True:
            found = self.idle_exchange(generation)
            if found is not None:
                return found
            if self.open < self.size:
                break
            waiter = self.loop.create_future()
            self.waiters.append(waiter)
            await waiter
        self.open += 1
        try:
            _, made = await self.loop.create_connection(
                lambda: Exchange(self, generation), "127.0.0.1", port
            )
        except BaseException:
            self.open -= 1
            self._wake()
            raise
        return made  # type: ignore[return-value]

    def idle_exchange(self, generation: int) -> Exchange | None:
        """An idle connection to process ``generation``, or None."""
        while self.idle:
            found = self.idle.pop()
            if found.generation == generation and not found.closed:
                return found
            found.close()
        return None

    def release(self, exchange: Exchange) -> None:
        """Give back a connection whose answer was read whole (others are closed)."""
        if exchange.finished and exchange.reusable and not exchange.closed:
            self.idle.append(exchange)
            self._wake()
        else:
            exchange.close()

    def forget(self, exchange: Exchange) -> None:
        """A connection closed: it no longer counts."""
        self.open -= 1
        if exchange in self.idle:
            self.idle.remove(exchange)
        self._wake()

    def _wake(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def close(self) -> None:
        for exchange in self.idle:
            exchange.close()
        self.idle.clear()
