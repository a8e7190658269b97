"""JSON Lines (one article per line) and JSON files (an array of articles, or one article).

Field names come from ``Fields`` (``--text-field`` and friends on the command
line). A line or item that cannot be read is reported and the others go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import count

from kg.ingest.base import (
    MAX_LINE_BYTES,
    Failure,
    Fields,
    Item,
    MissingText,
    Note,
    Options,
    Source,
    Unreadable,
    canonical_url,
    make_article,
)
from kg.ingest.decode import SAMPLE_BYTES, binary_kind, decode
from kg.model import Article

MAX_HELD = 1000
LIST_KEYS = ("articles", "items", "entries", "data", "results", "documents")
"""Keys under which news-API exports keep their list of articles."""


def field_value(record: dict, names: tuple[str, ...]) -> object:
    """The first present, non-empty value among ``names`` (dotted names reach into objects)."""
    for name in names:
        value: object = record
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value not in (None, "", [], {}):
            return value
    return None


def record_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    return None


def entry_id(source: Source, url: str | None, key: object, position: int | None) -> str:
    """A record's article id: its URL, else the file's id with the record's id or position
    (``None`` for a file holding one record: the file's own id)."""
    if url:
        return url
    if isinstance(key, str | int) and not isinstance(key, bool) and str(key).strip():
        return f"{source.id}#{str(key).strip()}"
    return source.id if position is None else f"{source.id}#{position}"


def record_items(
    where: str, record: object, source: Source, position: int | None, options: Options
) -> Iterator[Item]:
    """The article in one JSON record, or a Failure naming what is missing."""
    fields: Fields = options.fields
    if not isinstance(record, dict):
        yield Failure(where, f"is a JSON {json_type(record)}, not an object with article fields")
        return
    raw = field_value(record, fields.text)
    text = record_text(raw)
    if text is None:
        names = ", ".join(fields.text)
        what = "no text field" if raw is None else f"the text field is a JSON {json_type(raw)}"
        yield MissingText(where, f"{what} (looked for: {names}); name it with --text-field")
        return
    url = canonical_url(field_value(record, fields.url))
    yield from make_article(
        where,
        entry_id(source, url, field_value(record, fields.id), position),
        text,
        options,
        title=field_value(record, fields.title),
        url=url,
        source=field_value(record, fields.source),
        published=field_value(record, fields.date),
        author=field_value(record, fields.author),
        path=str(source.path) if source.path else None,
    )


def json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def read_jsonl(source: Source, options: Options) -> Iterator[Item]:
    """One article per line; blank lines are skipped."""
    return unless_no_articles(source, options, jsonl_items(source, options))


def read_json(source: Source, options: Options) -> Iterator[Item]:
    """An array of articles, an export holding one (``{"articles": [...]}``), or one article."""
    return unless_no_articles(source, options, json_items(source, options))


def unless_no_articles(source: Source, options: Options, items: Iterator[Item]) -> Iterator[Item]:
    """The items; but a file none of whose records has a text field is no article export
    (a gold file, a config): one line for the file, a warning when it was only found in a
    folder, instead of one failure per record."""
    held: list[Item] = []
    articles = False
    for item in items:
        if not articles and isinstance(item, MissingText) and len(held) < MAX_HELD:
            held.append(item)
            continue
        if isinstance(item, Article) and not articles:
            articles = True
            yield from held
        yield item
    if held and not articles:
        names = ", ".join(options.fields.text)
        reason = (
            f"holds no articles: no record has a text field (looked for: {names}); "
            "name it with --text-field"
        )
        yield (
            Note(source.name, "skipped, " + reason)
            if source.in_folder
            else Failure(source.name, reason)
        )


def jsonl_items(source: Source, options: Options) -> Iterator[Item]:
    with source.open() as fh:
        head = fh.read(SAMPLE_BYTES)
        kind = binary_kind(head)
        if kind is not None:
            raise Unreadable(f"is {kind}, not JSON Lines")
        if not head.strip():
            raise Unreadable("is empty (no JSON lines); nothing to extract")
        fh.seek(0)
        for number in count(1):
            line = fh.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            where = f"{source.name}:{number}"
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                skip_rest_of_line(fh)
                yield Failure(where, f"line longer than {MAX_LINE_BYTES // 2**20} MB; skipped")
                continue
            if line.strip():
                yield from line_items(where, line, source, number, options)


def skip_rest_of_line(fh) -> None:
    while True:
        chunk = fh.readline(MAX_LINE_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return


def line_items(
    where: str, line: bytes, source: Source, number: int, options: Options
) -> Iterator[Item]:
    try:
        decoded = decode(line)
    except Unreadable as err:
        yield Failure(where, str(err))
        return
    if decoded.problem:
        yield Note(where, decoded.problem)
    try:
        record = json.loads(decoded.text)
        items = list(record_items(where, record, source, number, options))
    except json.JSONDecodeError as err:
        yield Failure(where, f"not valid JSON ({err.msg}, column {err.colno}); fix the line")
        return
    except RecursionError:
        yield Failure(where, "is nested too deeply to read; fix the line")
        return
    yield from items


def json_items(source: Source, options: Options) -> Iterator[Item]:
    decoded = decode(source.read())
    if decoded.problem:
        yield Note(source.name, decoded.problem)
    if not decoded.text.strip():
        raise Unreadable("is empty (no JSON); nothing to extract")
    try:
        data = json.loads(decoded.text)
    except json.JSONDecodeError as err:
        raise Unreadable(
            f"not valid JSON ({err.msg} at line {err.lineno}, column {err.colno}); fix the file"
        ) from err
    if isinstance(data, dict):
        listed = next((data[k] for k in LIST_KEYS if isinstance(data.get(k), list)), None)
        data = listed if listed is not None else data
    if not isinstance(data, list):
        yield from record_items(source.name, data, source, None, options)
        return
    if not data:
        raise Unreadable("is an empty JSON array; nothing to extract")
    for index, record in enumerate(data):
        yield from record_items(f"{source.name}[{index}]", record, source, index, options)
