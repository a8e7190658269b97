"""Inputs -> Articles: files, folders, URLs and stdin, one reader per format.

>>> from kg.ingest import READERS
>>> sorted({reader.__name__ for reader in READERS.values()})
['read_feed', 'read_html', 'read_json', 'read_jsonl', 'read_text']

Modules: ``text`` (plain text and Markdown with front matter), ``html``
(trafilatura), ``jsonl`` (JSON Lines and JSON arrays), ``feed`` (RSS/Atom),
``url`` (fetching), ``decode`` (encodings), ``inputs`` (paths, ids, once-only).
"""

from kg.ingest.base import (
    MAX_ARTICLE_CHARS,
    Failure,
    Fields,
    Item,
    Note,
    Options,
    Source,
    Unreadable,
)
from kg.ingest.inputs import (
    READERS,
    STDIN,
    Intake,
    article_files,
    read_article,
    read_articles,
    read_inputs,
    sniff,
)
from kg.ingest.text import split_front_matter

__all__ = [
    "MAX_ARTICLE_CHARS",
    "READERS",
    "STDIN",
    "Failure",
    "Fields",
    "Intake",
    "Item",
    "Note",
    "Options",
    "Source",
    "Unreadable",
    "article_files",
    "read_article",
    "read_articles",
    "read_inputs",
    "sniff",
    "split_front_matter",
]
