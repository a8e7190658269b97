"""Inputs that are not regular files: named pipes, process substitution, devices.

A pipe can be read once only, and opening one waits for a writer, so:

- in a folder, anything but a regular file is skipped with one line (a FIFO
  there would hang the walk, a socket cannot be read);
- given by name (``kg extract pipe.txt``, ``kg extract <(curl ...)``, which the
  shell passes as ``/dev/fd/63``), it is read once, whole, into memory, and the
  reader works on those bytes. The wait for a writer and for the end of the data
  is bounded by ``--timeout``, so nothing hangs on a pipe no one writes to.
"""

from __future__ import annotations

import os
import select
import stat
import time

from kg.ingest.base import MAX_FILE_BYTES, Unreadable

CHUNK = 64 * 1024
WAIT = 0.05
"""Seconds between looks at a FIFO no writer has opened yet (poll cannot wait for one)."""


def file_kind(mode: int) -> str | None:
    """What a non-regular file is, for the line that skips it; None for a regular file.

    >>> file_kind(stat.S_IFIFO), file_kind(stat.S_IFREG)
    ('a named pipe (FIFO)', None)
    """
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def is_stream(path: os.PathLike[str] | str) -> bool:
    """Whether ``path`` (followed through links) is a pipe or a device, read once as it comes."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # the reader reports it
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def stream_bytes(
    path: os.PathLike[str] | str, timeout: float, limit: int = MAX_FILE_BYTES
) -> bytes:
    """Everything a pipe or device gives until its end, within ``timeout`` seconds.

    Unreadable when no end comes in time (no writer, or one that never stops) or
    there is more than ``limit``.
    """
    deadline = time.monotonic() + timeout
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        raise Unreadable(f"cannot read it ({err.strerror})") from err
    try:
        fifo = stat.S_ISFIFO(os.fstat(handle).st_mode)
        return read_until_end(handle, fifo, deadline, timeout, limit)
    finally:
        os.close(handle)


def read_until_end(handle: int, fifo: bool, deadline: float, timeout: float, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    poller = select.poll()
    poller.register(handle, select.POLLIN)
    hung_up = False  # a writer came and went since the pipe was opened
    while True:
        try:
            chunk = os.read(handle, CHUNK)
        except BlockingIOError:
            chunk = None  # a writer is there, with nothing to say yet
        if chunk:
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise Unreadable(f"more than {limit // 2**20} MB; save it to a file and split it")
            continue
        if chunk == b"" and (chunks or hung_up or not fifo):
            return b"".join(chunks)  # the end: the writer closed it (or a device's end)
        left = deadline - time.monotonic()
        if left <= 0:
            waited = "no data" if not chunks else "no end of the data"
            raise Unreadable(
                f"{waited} within {timeout:g}s (--timeout); is a program writing to it?"
            )
        events = poller.poll(max(1, int(min(left, WAIT if chunk == b"" else left) * 1000)))
        hung_up = any(flags & select.POLLHUP for _, flags in events)
