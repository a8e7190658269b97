"""What every reader shares: sources, problems, limits, and turning raw fields into an Article.

A reader takes a ``Source`` and yields ``Article``s, plus a ``Failure`` for each
entry it could not read (one bad line of a JSON Lines file does not stop the
others) and a ``Note`` for what it read only in part (a truncated text, bytes
it could not decode). A problem with the whole source is raised as
``Unreadable``; the caller turns it into one ``Failure`` for that source.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlsplit, urlunsplit

from kg.errors import InputError
from kg.model import Article

MAX_ARTICLE_CHARS = 100_000
"""Longer texts are cut at a paragraph break before this many characters.

A long feature runs to ~40,000 characters; spaCy's parser needs memory and
time in proportion to the text (its own ``max_length`` guard is 1,000,000),
so a 50 MB file would stall a build for minutes. The cut is reported."""

MAX_FILE_BYTES = 64 * 2**20
"""Whole-file readers (text, HTML, JSON array, feed) refuse larger files."""

MAX_PAGE_BYTES = 16 * 2**20
"""Web pages and feeds are parsed whole (trafilatura, feedparser): larger ones are refused."""

MAX_LINE_BYTES = 32 * 2**20
"""A JSON Lines line longer than this is reported and skipped."""


class Unreadable(InputError):
    """The whole source cannot be read; the message is the reason (without the source name)."""


@dataclass(frozen=True)
class Problem:
    """Something to tell the user about one input: where it was, and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class Failure(Problem):
    """An input (file, line, entry, URL) that gave no article."""


class Note(Problem):
    """An article that was read, but not all of it (truncated, undecodable bytes)."""


class MissingText(Failure):
    """A record without the text field: many in a row mean the file is not an article export."""


Item = Article | Failure | Note


@dataclass(frozen=True)
class Fields:
    """Field names tried, in order, for each article attribute of a JSON record.

    Dotted names reach into nested objects (``source.name``, as news APIs write it).
    """

    text: tuple[str, ...] = ("text", "content", "body", "maintext", "description")
    title: tuple[str, ...] = ("title", "headline")
    url: tuple[str, ...] = ("url", "link", "uri")
    source: tuple[str, ...] = ("source.name", "source", "publisher", "sitename", "site_name")
    date: tuple[str, ...] = ("date", "published", "publishedAt", "published_at", "pubDate")
    author: tuple[str, ...] = ("author", "authors", "byline", "creator")
    id: tuple[str, ...] = ("id", "guid", "uuid")


@dataclass(frozen=True)
class Options:
    """How inputs are read: JSON field names, fetch limits and the article size cap."""

    fields: Fields = field(default_factory=Fields)
    timeout: float = 20.0
    max_fetch_bytes: int = 16 * 2**20
    max_chars: int = MAX_ARTICLE_CHARS


@dataclass(frozen=True)
class Source:
    """One input: a file, a fetched URL or stdin, with the id its articles start from.

    ``data`` holds the bytes when they are already in memory (URL, stdin);
    otherwise ``path`` is read.
    """

    name: str
    id: str
    kind: str
    path: Path | None = None
    data: bytes | None = None
    url: str | None = None
    charset: str | None = None
    in_folder: bool = False
    unnamed: bool = False
    """stdin or a pipe the shell named (``/dev/fd/63``): a single article's id is from its text."""

    def open(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        try:
            return self.path.open("rb")
        except OSError as err:
            raise Unreadable(os_reason(err)) from err

    def read(self, limit: int = MAX_FILE_BYTES) -> bytes:
        """All the bytes, or Unreadable when there are more than ``limit``."""
        with self.open() as fh:
            try:
                data = fh.read(limit + 1)
            except OSError as err:
                raise Unreadable(os_reason(err)) from err
        if len(data) > limit:
            raise Unreadable(f"larger than {limit // 2**20} MB; split it into smaller files")
        return data


Reader = Callable[[Source, Options], Iterator[Item]]


def os_reason(err: OSError) -> str:
    """One line for an OSError, saying what to do."""
    hints = {
        "Permission denied": "cannot read it (permission denied); check its permissions",
        "Too many levels of symbolic links": "is a symlink loop; fix or remove the link",
        "No such file or directory": "no such file or folder; check the path",
        "Is a directory": "is a folder, not a file",
    }
    text = err.strerror or str(err)
    return hints.get(text, f"cannot read it ({text})")


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 controls but tab and newlines, DEL and C1 controls (U+0080-U+009F; U+009B is a
one-character terminal escape): no news text holds them."""


def clean_text(text: str) -> str:
    """Newlines as \\n, control characters and byte-order marks removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return CONTROL.sub("", text)


def capped(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut at the last paragraph (else line, else word) break before ``limit``.

    >>> capped("Acme grew.\\n\\nWidget shrank.", 20)
    ('Acme grew.', True)
    """
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    for brk in ("\n\n", "\n", " "):
        cut = head.rfind(brk)
        if cut > limit // 2:
            return head[:cut].rstrip(), True
    return head, True


def canonical_url(raw: object) -> str | None:
    """An http(s) URL in one spelling (lower-case scheme and host, no fragment), or None.

    >>> canonical_url("HTTPS://Example.ORG:443/news/a b#comments")
    'https://example.org/news/a%20b'
    >>> canonical_url("mailto:desk@example.org") is None
    True
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    default = {"http": 80, "https": 443}[parts.scheme.lower()]
    netloc = host if port in (None, default) else f"{host}:{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="=&%:@!$'()*+,;/?-._~")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%a, %d %b %Y %H:%M:%S %z")


def iso_date(raw: object) -> str | None:
    """An ISO 8601 date or date-time for a date in a common spelling, else None.

    >>> iso_date("March 5, 2024"), iso_date("2024-03-05T10:00:00Z"), iso_date("2022-07")
    ('2024-03-05', '2024-03-05T10:00:00+00:00', '2022-07')
    """
    if isinstance(raw, dt.datetime):
        return raw.isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    if PARTIAL_DATE.match(text):
        return text
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:
        for fmt in DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if ":" not in text and parsed.time() == dt.time(0):
        return parsed.date().isoformat()
    return parsed.isoformat()


def one_line(value: object) -> str | None:
    """A metadata value as one trimmed line (lists joined by commas), or None."""
    if isinstance(value, list | tuple):
        parts = [one_line(v) for v in value]
        value = ", ".join(p for p in parts if p)
    elif isinstance(value, dict):
        value = value.get("name")
    if value is None or isinstance(value, bool):
        return None
    text = " ".join(clean_text(str(value)).split())
    return text or None


def make_article(
    where: str,
    article_id: str,
    text: object,
    options: Options,
    *,
    title: object = None,
    url: object = None,
    source: object = None,
    published: object = None,
    author: object = None,
    path: str | None = None,
) -> Iterator[Item]:
    """The Article for raw fields (and a Note when its text was cut), or a Failure."""
    if not isinstance(text, str):
        yield Failure(where, "no article text; nothing to extract")
        return
    body = clean_text(text).strip("\n")
    if not body.strip():
        yield Failure(where, "no article text (empty or whitespace only); nothing to extract")
        return
    body, cut = capped(body, options.max_chars)
    if cut:
        yield Note(
            where,
            f"{len(text):,} characters is longer than an article; kept the first "
            f"{len(body):,} (limit {options.max_chars:,}, cut at a break); split it to read it all",
        )
    yield Article(
        id=article_id,
        text=body,
        title=one_line(title),
        url=canonical_url(url),
        source=one_line(source),
        published=iso_date(published),
        author=one_line(author),
        path=path,
    )
