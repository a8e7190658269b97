"""Plain text and Markdown, with optional YAML front matter (title, source, url, date, author)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from kg.ingest.base import Item, Note, Options, Source, make_article
from kg.ingest.decode import decode


@dataclass(frozen=True)
class FrontMatter:
    """A text split into its YAML front matter and body; ``problem`` when the block is broken."""

    meta: dict[str, object]
    body: str
    offset: int
    problem: str | None = None


def front_matter(text: str) -> FrontMatter:
    """The text's front matter (a ``---`` line, YAML fields, a ``---`` line) and its body.

    A block that is not valid YAML, or not a mapping of fields, is left out of
    the body all the same (it is no article text) and named in ``problem``.

    >>> front_matter("---\\ntitle: Acme\\n---\\nAcme grew.")
    FrontMatter(meta={'title': 'Acme'}, body='Acme grew.', offset=20, problem=None)
    >>> print(front_matter('---\\ntitle: "unclosed\\n---\\nAcme grew.').problem[:45])
    line 2: the front matter is not valid YAML (w
    """
    if not text.startswith("---"):
        return FrontMatter({}, text, 0)
    lines = text.splitlines(keepends=True)
    offset = len(lines[0])
    for line in lines[1:]:
        if line.rstrip("\r\n").strip() == "---":
            header = text[len(lines[0]) : offset]
            body_start = offset + len(line)
            meta, problem = parsed_fields(header)
            return FrontMatter(meta, text[body_start:], body_start, problem)
        offset += len(line)
    return FrontMatter({}, text, 0)


def parsed_fields(header: str) -> tuple[dict[str, object], str | None]:
    """The fields of a front matter block, or none and what is wrong with it."""
    try:
        meta = yaml.safe_load(header)
    except yaml.YAMLError as err:
        mark = getattr(err, "context_mark", None) or getattr(err, "problem_mark", None)
        line = f"line {mark.line + 2}: " if mark is not None else ""  # +1: the opening ---
        parts = (getattr(err, "context", None), getattr(err, "problem", None))
        why = ", ".join(p for p in parts if p) or type(err).__name__
        return {}, f"{line}the front matter is not valid YAML ({why}); left out"
    if meta is None:
        return {}, None
    if not isinstance(meta, dict):
        kind = type(meta).__name__
        return {}, f"the front matter is a YAML {kind}, not fields (title: ...); left out"
    return meta, None


def split_front_matter(text: str) -> tuple[dict[str, object], str, int]:
    """(metadata, body, offset of body in text) for text with optional YAML front matter."""
    found = front_matter(text)
    return found.meta, found.body, found.offset


def read_text(source: Source, options: Options) -> Iterator[Item]:
    """One article: the file's text after its front matter."""
    decoded = decode(source.read(), source.charset)
    if decoded.problem:
        yield Note(source.name, decoded.problem)
    found = front_matter(decoded.text)
    if found.problem:
        yield Note(source.name, found.problem)
    meta, body = found.meta, found.body
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
