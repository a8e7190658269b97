"""A store folder -> a supervised ``oxigraph serve`` process on a private loopback port.

kg answers queries with Oxigraph's own server (the ``oxigraph`` package's
binary, the same store format as pyoxigraph): it streams results and runs
queries on its own threads. Oxigraph cannot cancel every query (one still
being planned, some joins), and its ``--timeout-s`` keeps a thread alive per
query for the whole timeout (thousands of threads under load), so kg keeps
time itself: a query past the timeout is killed with its process, which is
started again at once (tens of milliseconds) and gives the memory back; a
query cut off by that restart is sent again. A crash (a stack overflow in
the parser) is restarted the same way.

Read-only serving opens the store read-only and holds the store's lock file
meanwhile, so no ``kg build`` can write under the reader; ``--allow-update``
runs the read-write server, which takes the lock itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import fcntl
import os
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from kg.errors import StoreError

READY_SECONDS = 30.0
PR_SET_PDEATHSIG = 1  # prctl(2)
STOP_SECONDS = 3.0


@dataclass(frozen=True)
class Child:
    """How to run the query server: the store folder (None: in memory) and its mode.

    Oxigraph's default graph is the store's own, as in ``kg query``: the merged
    layer, with the article graphs reached by ``GRAPH``, ``FROM`` or the protocol's
    ``default-graph-uri`` and ``named-graph-uri``.
    """

    folder: Path | None
    writable: bool

    def command(self, binary: str, port: int) -> list[str]:
        """The ``oxigraph`` command line serving this store on ``port``.

        >>> Child(Path("s"), writable=False).command("oxigraph", 9)[:3]
        ['oxigraph', 'serve-read-only', '--location']
        """
        mode = "serve" if self.writable or self.folder is None else "serve-read-only"
        line = [binary, mode]
        line += ["--location", str(self.folder)] if self.folder is not None else []
        line += ["--bind", f"127.0.0.1:{port}"]
        return line


def oxigraph_binary() -> str:
    """The ``oxigraph`` server that came with this Python environment (or on PATH)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    import shutil  # only here: it loads the compression libraries

    found = shutil.which("oxigraph")
    if not found:
        raise StoreError("kg serve needs Oxigraph's server; install it with: pip install oxigraph")
    return found


# Looked up in kg's process, so the forked child only makes the call.
PRCTL = ctypes.CDLL(None).prctl if sys.platform.startswith("linux") else None


def stop_with_parent() -> None:
    """In the child before exec: on Linux, SIGTERM when kg dies (even by SIGKILL)."""
    if PRCTL is not None:
        PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hold_lock(folder: Path) -> int:
    """Take the store's lock file, as a writer would, so no writer opens it while we read."""
    descriptor = os.open(folder / "LOCK", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        os.close(descriptor)
        raise StoreError(
            f"{folder}: another process is writing the store; let it finish, or serve with "
            "--allow-update and write through the server"
        ) from err
    return descriptor


async def probe(port: int) -> bool:
    """True when the server on ``port`` answers ``ASK {}`` with 200."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        line = await asyncio.wait_for(reader.readline(), READY_SECONDS)
        return line.startswith(b"HTTP/1.1 200 ")
    finally:
        writer.close()


class Supervisor:
    """Starts, watches, restarts and stops the Oxigraph process."""

    def __init__(self, child: Child) -> None:
        self.child = child
        self.binary = oxigraph_binary()
        self.process: asyncio.subprocess.Process | None = None
        self.port = 0
        self.ready = asyncio.Event()
        self.restarts = 0
        self.generation = 0  # which process is current: a restart asked for an older one is moot
        self.stopping = False
        self.lock = None if child.writable or child.folder is None else hold_lock(child.folder)
        self._watch: asyncio.Task[None] | None = None
        self._restarting = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        for _ in range(3):  # the free port can be taken between the probe and the bind
            self.port = free_port()
            self.process = await asyncio.create_subprocess_exec(
                *self.child.command(self.binary, self.port),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C in the terminal reaches kg, which stops it
                preexec_fn=stop_with_parent,
            )
            if await self._answers():
                self.generation += 1
                self.ready.set()
                self._watch = asyncio.create_task(self._watch_exit(self.process))
                return
            await self._kill()
        raise StoreError(f"Oxigraph's server did not start on {self.child.folder or 'memory'}")

    async def _answers(self) -> bool:
        deadline = asyncio.get_running_loop().time() + READY_SECONDS
        while asyncio.get_running_loop().time() < deadline:
            if self.process is None or self.process.returncode is not None:
                return False
            with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                if await probe(self.port):
                    return True
            await asyncio.sleep(0.05)
        return False

    async def _watch_exit(self, process: asyncio.subprocess.Process) -> None:
        generation = self.generation
        await process.wait()
        if not self.stopping and process is self.process:
            await self.restart(generation)

    async def restart(self, generation: int) -> None:
        """Kill process ``generation`` (a wedged query with it) and start a new one."""
        async with self._restarting:
            if self.stopping or generation != self.generation:
                return
            self.ready.clear()
            self.restarts += 1
            await self._kill()
            await self.start()

    def restart_soon(self, generation: int) -> None:
        """Restart process ``generation`` in the background (the caller answers meanwhile)."""
        task = asyncio.get_running_loop().create_task(self.restart(generation))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _kill(self) -> None:
        process = self.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()

    async def stop(self) -> None:
        self.stopping = True
        if self._watch is not None:
            self._watch.cancel()
        await self._kill()
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None
