"""Saved web pages: the main text and metadata through trafilatura.

Menus, footers, related links and reader comments are left out. trafilatura
gives one line per paragraph; kg's pipeline starts sentences at blank lines
(headlines have no full stop), so paragraphs are joined by blank lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.ingest.base import MAX_PAGE_BYTES, Item, Note, Options, Source, Unreadable, make_article
from kg.ingest.decode import decode

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
BLOCK_TAGS = ("p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
              "tr", "pre", "section", "article", "header", "footer", "figcaption")  # fmt: skip


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag near its top."""
    found = META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None


def page_text(html: str, url: str | None = None) -> dict[str, object] | None:
    """trafilatura's text and metadata for a page, or None when it finds no main text."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False
    )
    if document is None:
        return None
    found = document if isinstance(document, dict) else document.as_dict()
    text = found.get("text") or ""
    found["text"] = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    return found


def read_html(source: Source, options: Options) -> Iterator[Item]:
    """One article: the page's main text, title, site name, date, canonical URL and author."""
    data = source.read(MAX_PAGE_BYTES)
    decoded = decode(data, source.charset or declared_charset(data))
    if decoded.problem:
        yield Note(source.name, decoded.problem)
    if "<" not in decoded.text:
        raise Unreadable("has no HTML markup; name it .txt to read it as plain text")
    try:
        found = page_text(decoded.text, source.url)
    except (ValueError, TypeError, AttributeError) as err:
        raise Unreadable(f"is HTML that cannot be parsed ({err})") from err
    if not found or not found["text"]:
        raise Unreadable("no article text found in the page (only menus, links or boilerplate)")
    yield from make_article(
        source.name,
        source.id,
        found["text"],
        options,
        title=found.get("title"),
        url=found.get("url") or source.url,
        source=found.get("sitename"),
        published=found.get("date"),
        author=found.get("author"),
        path=str(source.path) if source.path else None,
    )


def fragment_text(html: str) -> str:
    """Text of an HTML fragment (a feed entry's content), a blank line between blocks."""
    import lxml.html
    from lxml.etree import ParserError

    if "<" not in html:
        return html
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return re.sub(r"<[^>]*>", " ", html)
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    for element in root.iter(*BLOCK_TAGS):
        element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    return re.sub(r"\n\s*\n\s*", "\n\n", text).strip()
