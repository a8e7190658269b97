"""RSS and Atom feeds (feedparser): each entry is an article.

An entry's text is its full content when the feed carries it, else its
summary; HTML in either is reduced to text. Nothing is fetched: an entry's
link is kept as the article's URL, not followed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

from kg.ingest.base import (
    MAX_PAGE_BYTES,
    Failure,
    Item,
    Note,
    Options,
    Source,
    Unreadable,
    canonical_url,
    make_article,
)
from kg.ingest.decode import decode
from kg.ingest.html import fragment_text


def entry_text(entry: dict) -> str | None:
    """The entry's longest content block, else its summary, as text."""
    blocks = [c.get("value", "") for c in entry.get("content", ()) if c.get("value")]
    raw = max(blocks, key=len) if blocks else entry.get("summary")
    return fragment_text(raw) if isinstance(raw, str) else None


def entry_date(entry: dict) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if isinstance(parsed, time.struct_time):
            return dt.datetime(*parsed[:6], tzinfo=dt.UTC).isoformat()
    return None


def read_feed(source: Source, options: Options) -> Iterator[Item]:
    """One article per entry, with the entry's link, date, author and the feed's title."""
    import feedparser

    decoded = decode(source.read(MAX_PAGE_BYTES), source.charset)
    if decoded.problem:
        yield Note(source.name, decoded.problem)
    parsed = feedparser.parse(decoded.text)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        raise Unreadable("is not an RSS or Atom feed" + (f" ({problem})" if problem else ""))
    if not parsed.entries:
        raise Unreadable("is a feed with no entries; nothing to extract")
    publisher = parsed.feed.get("title")
    for index, entry in enumerate(parsed.entries):
        where = f"{source.name} entry {index + 1}"
        text = entry_text(entry)
        if not text or not text.strip():
            yield Failure(where, "has no content or summary; nothing to extract")
            continue
        url = canonical_url(entry.get("link"))
        key = entry.get("id") if not url else None
        yield from make_article(
            where,
            url or f"{source.id}#{key or index + 1}",
            text,
            options,
            title=entry.get("title"),
            url=url,
            source=publisher,
            published=entry_date(entry),
            author=entry.get("author"),
            path=str(source.path) if source.path else None,
        )
