"""Files kg writes (exports, pages) and small text files it reads (queries): whole or not at all.

An output is written to a temporary file beside it, synced, then renamed over
the target: a full disk, a Ctrl-C or a crash leaves the old file (or none), never
a truncated one that looks valid. A device or pipe given as the output
(``/dev/stdout``, ``/dev/null``, a FIFO) is written directly: it cannot be
replaced, and it holds nothing to lose.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_atomically(folder / "out.nq", b"<a> <b> <c> .\\n")
>>> (folder / "out.nq").read_bytes(), sorted(p.name for p in folder.iterdir())
(b'<a> <b> <c> .\\n', ['out.nq'])
>>> write_atomically(folder / "missing" / "out.nq", b"")
Traceback (most recent call last):
...
kg.errors.OutputError: ...missing/out.nq: not written: no such folder; create it first
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

from kg.errors import InputError, OutputError

WRITE_REASONS = {
    errno.ENOSPC: "no space left on the device; free some space or write it elsewhere",
    errno.EDQUOT: "the disk quota is used up; free some space or write it elsewhere",
    errno.EROFS: "the folder is on a read-only file system; write it elsewhere",
    errno.EACCES: "permission denied; check the folder's permissions or write it elsewhere",
    errno.EPERM: "permission denied; check the folder's permissions or write it elsewhere",
    errno.ENOENT: "no such folder; create it first",
    errno.ENOTDIR: "part of the path is a file, not a folder; check the path",
    errno.EISDIR: "is a folder; give a file name",
}
MAX_QUERY_BYTES = 16 * 2**20


def write_reason(err: OSError) -> str:
    """Why a write failed, as the end of one line."""
    return WRITE_REASONS.get(err.errno or 0, err.strerror or str(err))


def write_atomically(path: str | Path, data: bytes) -> None:
    """Make ``data`` the whole of ``path``; OutputError (and the old file kept) when it cannot."""
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        found = os.stat(target)
    except OSError:
        found = None
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise OutputError(f"{path}: not written: {WRITE_REASONS[errno.EISDIR]}")
    if found is not None and not stat.S_ISREG(found.st_mode):
        write_directly(path, data)
        return
    mode = stat.S_IMODE(found.st_mode) if found is not None else 0o666 & ~current_umask()
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as err:
        raise OutputError(f"{path}: not written: {write_reason(err)}") from err
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as err:
        with suppress(OSError):
            os.unlink(temporary)
        if isinstance(err, OSError):
            raise OutputError(f"{path}: not written: {write_reason(err)}") from err
        raise
    sync_folder(target.parent)


def write_directly(path: Path, data: bytes) -> None:
    """Write to a device or a pipe, which cannot be swapped for a new file."""
    try:
        with path.open("wb") as fh:
            fh.write(data)
    except OSError as err:
        raise OutputError(f"{path}: not written: {write_reason(err)}") from err


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every file system allows it)."""
    with suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_text_file(path: str | Path, what: str = "query file") -> str:
    """The UTF-8 text of a small file the user names (a query after ``@``); InputError if not.

    >>> import tempfile
    >>> latin1 = Path(tempfile.mkdtemp()) / "q.rq"
    >>> _ = latin1.write_bytes("SELECT * WHERE { ?s ?p 'Zürich' }".encode("latin-1"))
    >>> try:
    ...     read_text_file(latin1)
    ... except InputError as err:
    ...     print(str(err).split(": ", 1)[1])
    not UTF-8 text (an invalid byte 0xfc at byte 25); save the query file as UTF-8
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_QUERY_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what}; check the path after @") from None
    except OSError as err:
        reason = "is a folder" if err.errno == errno.EISDIR else err.strerror or str(err)
        raise InputError(f"{path}: cannot read the {what} ({reason})") from err
    if len(data) > MAX_QUERY_BYTES:
        raise InputError(f"{path}: larger than {MAX_QUERY_BYTES // 2**20} MB; is it a {what}?")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            f"{path}: not UTF-8 text ({not_utf8(data, err)}); save the {what} as UTF-8"
        ) from None


def not_utf8(data: bytes, err: UnicodeDecodeError) -> str:
    """What the bytes look like instead of UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "it is UTF-16"
    if b"\x00" in data[:4096]:
        return "binary data"
    return f"an invalid byte 0x{data[err.start]:02x} at byte {err.start}"
