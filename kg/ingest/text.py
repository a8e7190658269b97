"""Files and folders -> Articles.

Readers are chosen by file extension from ``READERS``; adding a format means
adding a reader there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import yaml

from kg.errors import InputError
from kg.model import Article

FRONT_MATTER_FIELDS = ("title", "source", "url", "date")


def read_articles(paths: Iterable[str | Path]) -> Iterator[Article]:
    """Every article under ``paths`` (files, or folders searched recursively), in path order."""
    for path in article_files(paths):
        yield read_article(path)


def article_files(paths: Iterable[str | Path]) -> list[Path]:
    """The readable article files under ``paths``; a bad path raises InputError."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder; check the path")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in READERS)
            if not found:
                raise InputError(
                    f"{path}: no article files inside (looked for {', '.join(sorted(READERS))})"
                )
            files.extend(found)
        elif path.suffix.lower() not in READERS:
            raise InputError(
                f"{path}: unknown file type '{path.suffix or '(none)'}'; "
                f"use one of {', '.join(sorted(READERS))}"
            )
        else:
            files.append(path)
    return files


def read_article(path: Path) -> Article:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"{path}: unknown file type '{path.suffix}'")
    return reader(path)


def decoded_text(path: Path) -> str:
    """The file's text; binary or non-UTF-8 files raise InputError."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror}); check permissions") from err
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: looks like a binary file, not an article; pass text files")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            f"{path}: not valid UTF-8 (byte {err.start}); re-save the file as UTF-8"
        ) from err
    if not text.strip():
        raise InputError(f"{path}: the file is empty; nothing to extract")
    return text


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


def _meta_str(meta: dict[str, object], key: str) -> str | None:
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def read_text_article(path: Path) -> Article:
    """A .txt or .md file, with optional YAML front matter (title, source, url, date)."""
    meta, body, _ = split_front_matter(decoded_text(path))
    if not body.strip():
        raise InputError(f"{path}: front matter but no article text; add the body")
    return Article(
        id=path.stem,
        text=body,
        title=_meta_str(meta, "title"),
        url=_meta_str(meta, "url"),
        source=_meta_str(meta, "source"),
        published=_meta_str(meta, "date"),
        path=str(path),
    )


READERS: dict[str, Callable[[Path], Article]] = {
    ".txt": read_text_article,
    ".md": read_text_article,
    ".markdown": read_text_article,
}
