"""Plain text and Markdown, with optional YAML front matter (title, source, url, date, author)."""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from kg.ingest.base import Item, Note, Options, Source, make_article
from kg.ingest.decode import decode


def split_front_matter(text: str) -> tuple[dict[str, object], str, int]:
    """(metadata, body, offset of body in text) for text with optional YAML front matter."""
    if not text.startswith("---"):
        return {}, text, 0
    lines = text.splitlines(keepends=True)
    offset = len(lines[0])
    for line in lines[1:]:
        if line.strip() == "---":
            header = text[len(lines[0]) : offset]
            body_start = offset + len(line)
            try:
                meta = yaml.safe_load(header) or {}
            except yaml.YAMLError:
                return {}, text, 0
            return (meta if isinstance(meta, dict) else {}), text[body_start:], body_start
        offset += len(line)
    return {}, text, 0


def read_text(source: Source, options: Options) -> Iterator[Item]:
    """One article: the file's text after its front matter."""
    decoded = decode(source.read(), source.charset)
    if decoded.problem:
        yield Note(source.name, decoded.problem)
    meta, body, _ = split_front_matter(decoded.text)
    yield from make_article(
        source.name,
        source.id,
        body,
        options,
        title=meta.get("title"),
        url=meta.get("url") or source.url,
        source=meta.get("source") or meta.get("publisher"),
        published=meta.get("date") or meta.get("published"),
        author=meta.get("author"),
        path=str(source.path) if source.path else None,
    )
