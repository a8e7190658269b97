"""Inputs (paths, folders, URLs, ``-`` for stdin) -> Sources -> Articles, once each.

Article ids (the article's IRI is minted from its id, so they must stay the
same from one build to the next):

- a file given by name: its stem (``news/acme.txt`` -> ``acme``);
- a file found in a folder: its path inside that folder, without the
  extension (``kg build corpus`` reads ``corpus/dev/acme.txt`` as ``dev/acme``);
- an entry of a JSON Lines / JSON / feed file, and a fetched URL: the
  entry's canonical URL when it has one, else ``<file id>#<entry id or number>``;
- text from stdin: its canonical URL from front matter, else
  ``stdin-`` and the first 12 hex digits of the text's SHA-256.

Within a run an article is read once: a second article with the same
canonical URL or the same text is skipped with a note; a different article
whose id is taken gets ``~2``, ``~3``... (see also ``kg.api.build``, which skips
an article whose text or URL the store already holds under another id).
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import InputError
from kg.ingest.base import (
    MAX_FILE_BYTES,
    Failure,
    Item,
    Note,
    Options,
    Reader,
    Source,
    Unreadable,
    os_reason,
)
from kg.ingest.decode import SAMPLE_BYTES, binary_kind
from kg.ingest.feed import read_feed
from kg.ingest.html import read_html
from kg.ingest.jsonl import read_json, read_jsonl
from kg.ingest.pipes import file_kind, is_stream, stream_bytes
from kg.ingest.text import read_text
from kg.ingest.url import fetch, is_url
from kg.model import Article

KINDS: dict[str, Reader] = {
    "text": read_text,
    "html": read_html,
    "jsonl": read_jsonl,
    "json": read_json,
    "feed": read_feed,
}
SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
}
READERS: dict[str, Reader] = {suffix: KINDS[kind] for suffix, kind in SUFFIXES.items()}
"""Reader by file extension; adding a format means adding a reader here."""
STDIN = "-"


def read_inputs(inputs: Iterable[str | Path], options: Options | None = None) -> Iterator[Item]:
    """Articles from files, folders, URLs and ``-`` (stdin), with a Failure for every input,
    line or entry that gave none and a Note for every one read only in part."""
    options = options or Options()
    seen = Seen()
    for found in sources(inputs, options):
        if isinstance(found, Failure | Note):
            yield found
            continue
        for item in read_source(found, options):
            yield from seen.check(item) if isinstance(item, Article) else (item,)


def read_source(source: Source, options: Options) -> Iterator[Item]:
    """Everything one source holds; a problem with the whole source is one Failure."""
    kind = source.kind
    try:
        problem = blank_or_binary(source)
        if problem:
            raise Unreadable(problem)
        if kind == "sniff":
            data = source.read() if source.data is None else source.data
            source = replace(source, data=data, kind=sniff(data))
        items = KINDS[source.kind](source, options)
        for item in items:
            yield unnamed_id(item, source.id) if source.unnamed else item
    except Unreadable as err:
        yield Failure(source.name, str(err))
    except OSError as err:
        yield Failure(source.name, os_reason(err))
    except RecursionError:
        yield Failure(source.name, "is nested too deeply to read")
    except MemoryError:
        yield Failure(source.name, "is too large to read in memory; split it")


def blank_or_binary(source: Source) -> str | None:
    """The same one line, whatever the reader, for an empty, blank or binary input."""
    with source.open() as fh:
        head = fh.read(SAMPLE_BYTES)
    if not head:
        return "is empty; nothing to extract"
    kind = binary_kind(head)
    if kind is not None:
        return f"is {kind}, not text; pass text, HTML, JSON or feed files"
    if len(head) < SAMPLE_BYTES and not head.strip():
        return "holds only whitespace; nothing to extract"
    return None


def unnamed_id(item: Item, prefix: str) -> Item:
    """A single article from stdin or an unnamed pipe (``/dev/fd/63``, from process
    substitution) takes its URL, else ``prefix`` and a hash of its text, as id."""
    if isinstance(item, Article) and item.id == prefix:
        return replace(item, id=item.url or f"{prefix}-{item.content_hash[:12]}")
    return item


def sniff(data: bytes) -> str:
    """The reader kind for bytes of unknown type, from how they start.

    >>> [sniff(b"<html>"), sniff(b'{"text": "a"}\\n{"text": "b"}'), sniff(b"Acme grew.")]
    ['html', 'jsonl', 'text']
    """
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<"):
        return "feed" if any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf")) else "html"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        try:
            json.loads(data)
        except (ValueError, RecursionError):
            return "jsonl"
        return "json"
    return "text"


# Sources --------------------------------------------------------------------


def sources(inputs: Iterable[str | Path], options: Options) -> Iterator[Source | Failure | Note]:
    """One Source per file, URL or stdin, in the order given (folders in path order)."""
    visited: set[Path] = set()
    for raw in inputs:
        text = str(raw)
        if text == STDIN:
            yield stdin_source()
        elif isinstance(raw, str) and is_url(text):
            yield url_source(text, options)
        else:
            for found in path_sources(Path(raw), visited):
                streamed = isinstance(found, Source) and found.path and is_stream(found.path)
                yield stream_source(found, options) if streamed else found


def stdin_source() -> Source | Failure:
    try:
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    except (OSError, AttributeError, ValueError) as err:
        return Failure(STDIN, f"cannot read standard input ({err})")
    if len(data) > MAX_FILE_BYTES:
        return Failure(STDIN, f"more than {MAX_FILE_BYTES // 2**20} MB on stdin; pass a file")
    return Source(name=STDIN, id="stdin", kind="sniff", data=data, unnamed=True)


def stream_source(source: Source, options: Options) -> Source | Failure:
    """A pipe or device named as an input, read once now (the readers may open a source twice)."""
    assert source.path is not None
    unnamed = str(source.path).startswith(("/dev/fd/", "/proc/", "/dev/stdin"))
    try:
        data = stream_bytes(source.path, options.timeout)
        return (
            replace(source, data=data, id="pipe", unnamed=True)
            if unnamed
            else (replace(source, data=data))
        )
    except Unreadable as err:
        return Failure(source.name, str(err))


def url_source(url: str, options: Options) -> Source | Failure:
    try:
        return fetch(url, options)
    except Unreadable as err:
        return Failure(url, str(err))


def path_sources(path: Path, visited: set[Path]) -> Iterator[Source | Failure | Note]:
    problem = path_problem(path)
    if problem:
        yield Failure(str(path), problem)
    elif path.is_dir():
        yield from folder_sources(path, visited)
    elif path.suffix.lower() not in SUFFIXES and path.suffix:
        yield Failure(
            str(path), f"unknown file type '{path.suffix}'; use one of {', '.join(SUFFIXES)}"
        )
    elif once(path, visited):
        yield file_source(path, path.stem)


def path_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read at all (missing, a symlink loop, a broken link), or None."""
    try:
        os.stat(path)
    except OSError as err:
        if err.errno == errno.ENOENT and os.path.islink(path):
            return "is a broken symlink; fix or remove the link"
        if err.errno == errno.ELOOP:
            return "is a symlink loop; fix or remove the link"
        return os_reason(err)
    return None


def folder_sources(folder: Path, visited: set[Path]) -> Iterator[Source | Failure | Note]:
    files, problems = folder_files(folder)
    yield from problems
    if not files and not problems:
        yield Failure(str(folder), f"no article files inside (looked for {', '.join(SUFFIXES)})")
    for path in files:
        if once(path, visited):
            yield file_source(path, path.relative_to(folder).with_suffix("").as_posix(), True)


def folder_files(folder: Path) -> tuple[list[Path], list[Failure | Note]]:
    """Article files under ``folder`` in path order (hidden ones and symlinked folders skipped;
    pipes, sockets and devices skipped with a note: opening a pipe waits for a writer)."""
    files: list[Path] = []
    problems: list[Failure | Note] = []

    def unreadable(err: OSError) -> None:
        problems.append(Failure(str(err.filename or folder), os_reason(err)))

    for root, dirs, names in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith(".") or Path(name).suffix.lower() not in SUFFIXES:
                continue
            path = Path(root, name)
            odd = special_kind(path)
            if odd:
                problems.append(Note(str(path), f"skipped: is {odd}, not a file"))
            else:
                files.append(path)
    problems.sort(key=lambda problem: problem.where)
    return sorted(files), problems


def special_kind(path: Path) -> str | None:
    """What ``path`` is when it is a pipe, socket or device (through links), else None."""
    try:
        return file_kind(os.stat(path).st_mode)
    except OSError:
        return None  # a broken link or a loop: reading it names the problem


def once(path: Path, visited: set[Path]) -> bool:
    """True the first time a file is met (by its real path)."""
    real = Path(os.path.realpath(path))
    if real in visited:
        return False
    visited.add(real)
    return True


def file_source(path: Path, article_id: str, in_folder: bool = False) -> Source:
    kind = SUFFIXES.get(path.suffix.lower(), "sniff")
    return Source(name=str(path), id=article_id, kind=kind, path=path, in_folder=in_folder)


# Once per run ---------------------------------------------------------------


@dataclass
class Seen:
    """Ids, URLs and texts already read in this run."""

    ids: dict[str, str]
    urls: dict[str, str]
    texts: dict[str, str]

    def __init__(self) -> None:
        self.ids, self.urls, self.texts = {}, {}, {}

    def check(self, article: Article) -> Iterator[Item]:
        where = article.path or STDIN
        digest = article.content_hash
        if digest in self.texts:
            yield Note(
                where, f"'{article.id}' has the same text as '{self.texts[digest]}'; read once"
            )
            return
        if article.url and article.url in self.urls:
            yield Note(
                where, f"'{article.id}' has the same URL as '{self.urls[article.url]}'; read once"
            )
            return
        if article.id in self.ids:
            taken, n = article.id, 2
            while f"{taken}~{n}" in self.ids:
                n += 1
            article = replace(article, id=f"{taken}~{n}")
            yield Note(where, f"id '{taken}' is taken by an earlier input; now '{article.id}'")
        self.ids[article.id] = digest
        self.texts[digest] = article.id
        if article.url:
            self.urls[article.url] = article.id
        yield article


# The library's strict helpers -------------------------------------------------


def read_articles(paths: Iterable[str | Path], options: Options | None = None) -> Iterator[Article]:
    """Every article in ``paths``; the first input that cannot be read raises InputError."""
    for item in read_inputs(paths, options):
        if isinstance(item, Failure):
            raise InputError(str(item))
        if isinstance(item, Article):
            yield item


def article_files(paths: Iterable[str | Path]) -> list[Path]:
    """The article files under ``paths`` (files, or folders searched recursively)."""
    files: list[Path] = []
    visited: set[Path] = set()
    for raw in paths:
        for found in path_sources(Path(raw), visited):
            if isinstance(found, Failure):
                raise InputError(str(found))
            if isinstance(found, Note):
                continue
            assert found.path is not None
            files.append(found.path)
    return files


def read_article(path: str | Path, options: Options | None = None) -> Article:
    """The (first) article in one file; InputError when there is none."""
    path = Path(path)
    for item in read_inputs([path], options):
        if isinstance(item, Failure):
            raise InputError(str(item))
        if isinstance(item, Article):
            return item
    raise InputError(f"{path}: no article in the file")


# Counting for the command line ------------------------------------------------


class Intake:
    """Passes articles on and reports each problem as one line, counting what failed.

    With ``strict`` the articles end at the first failure: those read before it
    are still extracted and stored.

    Exit status (the CLI's contract): 0 every input read; 1 some input, line or
    entry failed and the rest were processed; 2 nothing could be read at all.
    """

    def __init__(self, report: Callable[[str], None], strict: bool = False) -> None:
        self.report = report
        self.strict = strict
        self.read = 0
        self.failed = 0

    def __call__(self, items: Iterable[Item]) -> Iterator[Article]:
        for item in items:
            if isinstance(item, Article):
                self.read += 1
                yield item
            elif isinstance(item, Note):
                self.report(f"warning: {item}")
            else:
                self.failed += 1
                self.report(f"error: {item}")
                if self.strict:
                    self.report("stopped at the first failure (--strict)")
                    return

    @property
    def exit_code(self) -> int:
        if not self.read:
            return 2
        return 1 if self.failed else 0
