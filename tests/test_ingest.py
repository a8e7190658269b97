"""kg.ingest: what each reader makes of well-formed input, encodings, ids, once-only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.api import build
from kg.ingest import READERS, Failure, Fields, Note, Options, read_article, read_inputs, sniff
from kg.ingest.base import canonical_url, capped, iso_date
from kg.ingest.decode import decode
from kg.model import Article
from kg.store import open_store

BODY = "Acme Corp agreed to buy Widget Co.\n\nThe deal closes in May."


def items(*paths: Path | str, options: Options | None = None) -> list:
    return list(read_inputs([str(p) for p in paths], options))


def only_article(path: Path, options: Options | None = None) -> Article:
    found = items(path, options=options)
    assert len(found) == 1 and isinstance(found[0], Article), found
    return found[0]


def test_ingest_readers_cover_every_suffix() -> None:
    assert {s: r.__name__ for s, r in READERS.items()} == {
        ".txt": "read_text",
        ".text": "read_text",
        ".md": "read_text",
        ".markdown": "read_text",
        ".html": "read_html",
        ".htm": "read_html",
        ".xhtml": "read_html",
        ".jsonl": "read_jsonl",
        ".ndjson": "read_jsonl",
        ".json": "read_json",
        ".rss": "read_feed",
        ".atom": "read_feed",
        ".xml": "read_feed",
    }


def test_ingest_text_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "acme.md"
    path.write_text(
        "---\ntitle: Acme buys Widget\nsource: The Gadget Post\nurl: HTTPS://Example.ORG/a#top\n"
        f"date: 2024-03-05\nauthor: [Jo Bloggs, Ann Other]\n---\n{BODY}\n",
        encoding="utf-8",
    )
    assert only_article(path) == Article(
        id="acme",
        text=BODY,
        title="Acme buys Widget",
        url="https://example.org/a",
        source="The Gadget Post",
        published="2024-03-05",
        path=str(path),
        author="Jo Bloggs, Ann Other",
    )


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", "Zoë Müller of Acme Corp met Widget Co in Besançon."),
        ("utf-8-sig", "Zoë Müller of Acme Corp met Widget Co in Besançon."),
        ("utf-16", "Zoë Müller of Acme Corp met Widget Co in Besançon."),
        ("cp1252", "Zoë Müller of Acme Corp met Widget Co in Besançon; “quoted” – dashed."),
        ("cp1251", "Компания Acme Corp купила завод в Москве у компании Widget Co за миллион."),
        (
            "shift_jis",
            "アクメ社はウィジェット社を買収したと火曜日に発表した。東京の本社で会見した。",
        ),
    ],
)
def test_ingest_text_in_common_encodings(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "enc.txt"
    path.write_bytes(text.encode(encoding))
    assert only_article(path).text == text


@pytest.mark.parametrize(
    ("data", "declared", "encoding", "problem"),
    [
        (b"plain ascii", None, "utf-8", None),
        ("caf\u00e9".encode("latin-1") + b" au lait, tr\xe8s bon", "latin-1", "iso8859-1", None),
        (
            "ok ✓".encode()[:-1],
            None,
            "utf-8",
            "1 undecodable byte sequence(s) in utf-8 text "
            "(first at byte 3; a truncated or damaged file?), replaced by U+FFFD",
        ),
    ],
)
def test_ingest_decode_reports_what_it_could_not_decode(
    data: bytes, declared: str | None, encoding: str, problem: str | None
) -> None:
    decoded = decode(data, declared)
    assert (decoded.encoding, decoded.problem) == (encoding, problem)


def test_ingest_decode_refuses_noise(tmp_path: Path) -> None:
    noise = bytes((i * 151 + 7) % 255 + 1 for i in range(5000))  # no NUL, no signature
    (tmp_path / "noise.txt").write_bytes(noise)
    assert [str(i) for i in items(tmp_path / "noise.txt")] == [
        f"{tmp_path}/noise.txt: is not text in any encoding kg can tell (not UTF-8 from byte "
        f"{noise.index(next(b for b in noise if b > 0x7F))}); re-save it as UTF-8"
    ]


PAGE = """<!doctype html><html><head><meta charset="windows-1252">
<title>Acme buys Widget Co | The Gadget Post</title>
<meta property="og:site_name" content="The Gadget Post">
<meta name="author" content="Jo Bloggs">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://example.org/news/acme-widget">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/tech">Tech</a></li></ul></nav>
<article><h1>Acme buys Widget Co</h1>
<p>Acme Corp said on Tuesday it had acquired Widget Co for an undisclosed sum.</p>
<p>The deal gives Acme control of Widget\x92s camera sensor business in Zürich.</p></article>
<div class="comments"><h3>Comments</h3><p>First! Great news, says a reader.</p></div>
<footer>Copyright 2024 The Gadget Post. All rights reserved.</footer>
</body></html>"""


def test_ingest_html_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "saved.html"
    path.write_bytes(PAGE.replace("Zürich", "Z\xfcrich").encode("latin-1"))
    assert only_article(path) == Article(
        id="saved",
        text="Acme buys Widget Co\n\nAcme Corp said on Tuesday it had acquired Widget Co for an "
        "undisclosed sum.\n\nThe deal gives Acme control of Widget’s camera sensor business "
        "in Zürich.",
        title="Acme buys Widget Co",
        url="https://example.org/news/acme-widget",
        source="The Gadget Post",
        published="2024-03-05",
        path=str(path),
        author="Jo Bloggs",
    )


RECORDS = [
    {
        "id": 7,
        "title": "Acme buys Widget",
        "content": "Acme Corp bought Widget Co.",
        "source": {"id": None, "name": "Wire"},
        "publishedAt": "2024-03-05T10:00:00Z",
        "author": "Jo Bloggs",
    },
    {"link": "https://example.org/b", "body": "Beta Inc hired a CEO.", "pubDate": "2024-03-06"},
    {"text": ["Gamma Ltd grew.", "Delta Co shrank."], "uuid": "g-1"},
]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("news.jsonl", "\n".join(json.dumps(r) for r in RECORDS) + "\n\n"),
        ("news.json", json.dumps(RECORDS)),
        ("news.json", json.dumps({"status": "ok", "articles": RECORDS})),
    ],
    ids=["jsonl", "json-array", "json-export-object"],
)
def test_ingest_json_records_with_default_fields(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    found = [(a.id, a.text, a.title, a.url, a.source, a.published, a.author) for a in items(path)]
    assert found == [
        (
            "news#7",
            "Acme Corp bought Widget Co.",
            "Acme buys Widget",
            None,
            "Wire",
            "2024-03-05T10:00:00+00:00",
            "Jo Bloggs",
        ),
        (
            "https://example.org/b",
            "Beta Inc hired a CEO.",
            None,
            "https://example.org/b",
            None,
            "2024-03-06",
            None,
        ),
        ("news#g-1", "Gamma Ltd grew.\n\nDelta Co shrank.", None, None, None, None, None),
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            Fields(),
            [
                "F {p}:1: no text field (looked for: text, content, body, maintext, "
                "description); name it with --text-field",
                "A notes#2",
            ],
        ),
        (
            Fields(text=("story",), title=("headline_text",), id=("key",)),
            [
                "A notes#k1 Acme hired Jo. / Hire",
                "F {p}:2: no text field (looked for: story); name it with --text-field",
            ],
        ),
    ],
    ids=["default-fields", "custom-fields"],
)
def test_ingest_json_field_names_are_configurable(
    tmp_path: Path, fields: Fields, expected: list[str]
) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text(
        '{"story": "Acme hired Jo.", "headline_text": "Hire", "key": "k1"}\n'
        '{"text": "Beta grew."}\n',
        encoding="utf-8",
    )
    got = [
        f"A {i.id} {i.text} / {i.title}"
        if isinstance(i, Article) and i.title
        else f"A {i.id}"
        if isinstance(i, Article)
        else f"F {i}"
        for i in items(path, options=Options(fields=fields))
    ]
    assert got == [line.format(p=path) for line in expected]


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>The Gadget Post</title>
<item><title>Acme buys Widget</title><link>https://example.org/a</link>
<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate><author>jo@example.org (Jo Bloggs)</author>
<description>&lt;p&gt;Acme Corp bought &lt;b&gt;Widget Co&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;More soon.&lt;/p&gt;</description></item>
<item><title>Beta news</title><guid isPermaLink="false">beta-1</guid>
<description>Beta Inc hired a CEO.</description></item>
</channel></rss>"""  # noqa: E501
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><title>Gamma</title><id>urn:gamma</id><updated>2024-03-07T08:30:00Z</updated>
<content type="html">&lt;p&gt;Gamma Ltd grew.&lt;/p&gt;</content>
<summary>short</summary></entry></feed>"""


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "wire.rss",
            FEED,
            [
                (
                    "https://example.org/a",
                    "Acme Corp bought Widget Co.\n\nMore soon.",
                    "Acme buys Widget",
                    "https://example.org/a",
                    "The Gadget Post",
                    "2024-03-05T10:00:00+00:00",
                    "jo@example.org (Jo Bloggs)",
                ),
                (
                    "wire#beta-1",
                    "Beta Inc hired a CEO.",
                    "Beta news",
                    None,
                    "The Gadget Post",
                    None,
                    None,
                ),
            ],
        ),
        (
            "wire.atom",
            ATOM,
            [
                (
                    "wire#urn:gamma",
                    "Gamma Ltd grew.",
                    "Gamma",
                    None,
                    "Atom Wire",
                    "2024-03-07T08:30:00+00:00",
                    None,
                ),
            ],
        ),
    ],
    ids=["rss", "atom"],
)
def test_ingest_feed_entries(tmp_path: Path, name: str, content: str, expected: list) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    found = [(a.id, a.text, a.title, a.url, a.source, a.published, a.author) for a in items(path)]
    assert found == expected


def test_ingest_article_ids_are_stable_paths(tmp_path: Path) -> None:
    (tmp_path / "corpus" / "dev").mkdir(parents=True)
    (tmp_path / "corpus" / "a.txt").write_text("Acme Corp hired Jo.", encoding="utf-8")
    (tmp_path / "corpus" / "dev" / "a.txt").write_text("Beta Inc hired Ann.", encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.md").write_text("Gamma Ltd hired Bo.", encoding="utf-8")
    found = items(tmp_path / "corpus", tmp_path / "other", tmp_path / "corpus" / "dev" / "a.txt")
    assert [str(i) if isinstance(i, Note) else i.id for i in found] == [
        "a",
        "dev/a",
        f"{tmp_path}/other/a.md: id 'a' is taken by an earlier input; now 'a~2'",
        "a~2",
    ]
    assert read_article(tmp_path / "corpus" / "dev" / "a.txt").id == "a"


def test_ingest_same_text_or_url_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(f"{BODY}\n", encoding="utf-8")
    (tmp_path / "two.md").write_text(f"\r\n{BODY}\r\n", encoding="utf-8")
    (tmp_path / "three.md").write_text("---\nurl: https://example.org/x\n---\nAcme grew.")
    (tmp_path / "four.jsonl").write_text('{"url": "https://example.org/x", "text": "Acme grew!"}\n')
    assert [str(i) if isinstance(i, Note) else i.id for i in items(tmp_path)] == [
        "https://example.org/x",
        "one",
        f"{tmp_path}/three.md: 'three' has the same URL as 'https://example.org/x'; read once",
        f"{tmp_path}/two.md: 'two' has the same text as 'one'; read once",
    ]


def test_ingest_store_keeps_one_copy_across_runs(tmp_path: Path) -> None:
    store = open_store("memory:")
    first = Article("first", "Acme Corp hired Jo.", url="https://example.org/j")
    again = [
        Article("copy", "Acme Corp hired Jo."),
        Article("moved", "New text.", url="https://example.org/j"),
        Article("fresh", "Beta Inc hired Ann."),
    ]
    assert str(build(store, [first])) == "1 article(s) added, 0 unchanged"
    assert str(build(store, again)) == "1 article(s) added, 2 unchanged"
    assert [g.rsplit("/", 1)[1] for g in store.graphs()] == ["first", "fresh"]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, ("short", False)),
        ("one two\n\nthree four five", 20, ("one two\n\nthree four", True)),
        ("one two three\n\nfour five six", 20, ("one two three", True)),
        ("one two\nthree four five", 20, ("one two\nthree four", True)),
        ("abcdefghij" * 3, 20, ("abcdefghij" * 2, True)),
    ],
)
def test_ingest_capped_cuts_at_a_break(text: str, limit: int, expected: tuple) -> None:
    assert capped(text, limit) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" HTTP://Example.ORG:80/a b?q=1#frag ", "http://example.org/a%20b?q=1"),
        ("https://example.org:8443", "https://example.org:8443/"),
        ("ftp://example.org/file", None),
        ("not a url", None),
        ("http://[::1", None),
        (42, None),
    ],
)
def test_ingest_canonical_url(raw: object, expected: str | None) -> None:
    assert canonical_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2022-07", "2022-07"),
        ("2024-03-05T10:00:00Z", "2024-03-05T10:00:00+00:00"),
        ("March 5, 2024", "2024-03-05"),
        ("Tue, 05 Mar 2024 10:00:00 +0000", "2024-03-05T10:00:00+00:00"),
        ("yesterday-ish", None),
        ("", None),
    ],
)
def test_ingest_iso_date(raw: str, expected: str | None) -> None:
    assert iso_date(raw) == expected


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"<!doctype html><p>x</p>", "html"),
        (b"\xef\xbb\xbf<?xml version='1.0'?><rss version='2.0'>", "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b'[{"text": "x"}]', "json"),
        (b'{\n  "text": "x"\n}', "json"),
        (b'{"text": "x"}\n{"text": "y"}\n', "jsonl"),
        (b"Acme Corp hired Jo.", "text"),
    ],
)
def test_ingest_sniff_for_stdin_and_urls(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_ingest_read_article_raises_one_line(tmp_path: Path) -> None:
    from kg.errors import InputError

    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(InputError, match=r"^.*empty\.txt: is empty; nothing to extract$"):
        read_article(tmp_path / "empty.txt")
    assert isinstance(items(tmp_path / "empty.txt")[0], Failure)


# The command line ------------------------------------------------------------------------

NOTES = '{"story": "Sony invested in Zeiss.", "key": "n1"}\n'


@pytest.mark.model
@pytest.mark.parametrize(
    ("args", "stdin", "code", "graphs"),
    [
        (("-",), "Sony invested in Zeiss.", 0, ["stdin-9ab07a309d79"]),
        (("-",), NOTES, 2, []),
        (("-", "--text-field", "story"), NOTES, 0, ["stdin-9ab07a309d79"]),
        (("-", "--text-field", "story", "--id-field", "key"), NOTES, 0, ["stdin-n1"]),
    ],
    ids=["text", "jsonl-default-fields", "jsonl-text-field", "jsonl-id-field"],
)
def test_ingest_cli_stdin_and_field_options(
    args: tuple[str, ...], stdin: str, code: int, graphs: list[str]
) -> None:
    from cli_helpers import run_kg
    from rdflib import Dataset

    result = run_kg("extract", *args, input=stdin)
    assert result.returncode == code, result.stderr
    dataset = Dataset()
    dataset.parse(data=result.stdout, format="nquads")
    assert sorted(str(g.identifier).rsplit("/", 1)[1] for g in dataset.graphs() if len(g)) == graphs


@pytest.mark.parametrize("module", ["kg.ingest", "kg.ingest.base", "kg.ingest.inputs"])
def test_ingest_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
    assert result.attempted > 0


@pytest.mark.parametrize(
    ("options", "length", "note"),
    [
        (Options(), 6_599, None),
        (
            Options(max_chars=2_000),
            1_995,
            "6,599 characters is longer than an article; kept the "
            "first 1,995 (limit 2,000, cut at a break); split it to read it all",
        ),
    ],
    ids=["default", "max-chars-2000"],
)
def test_ingest_max_chars(tmp_path: Path, options: Options, length: int, note: str | None) -> None:
    path = tmp_path / "long.txt"
    path.write_text(("Acme grew. " * 600).strip(), encoding="utf-8")
    found = items(path, options=options)
    assert [i.reason for i in found if isinstance(i, Note)] == ([note] if note else [])
    assert [len(i.text) for i in found if isinstance(i, Article)] == [length]


@pytest.mark.parametrize(
    ("text", "meta", "body", "problem"),
    [
        ("Acme grew.", {}, "Acme grew.", None),
        ("---\ntitle: Acme\n---\nAcme grew.", {"title": "Acme"}, "Acme grew.", None),
        ("---\n---\nAcme grew.", {}, "Acme grew.", None),
        ("---\ntitle: Acme\nAcme grew.", {}, "---\ntitle: Acme\nAcme grew.", None),  # never closed
        (
            "---\n- a\n---\nAcme grew.",
            {},
            "Acme grew.",
            "the front matter is a YAML list, not fields (title: ...); left out",
        ),
        (
            "---\ntitle: Acme\n  bad: indent\n---\nAcme grew.",
            {},
            "Acme grew.",
            "line 3: the front matter is not valid YAML (mapping values are not allowed here); "
            "left out",
        ),
    ],
)
def test_ingest_front_matter(text: str, meta: dict, body: str, problem: str | None) -> None:
    from kg.ingest.text import front_matter

    found = front_matter(text)
    assert (found.meta, found.body, found.problem) == (meta, body, problem)
    assert text[found.offset :] == found.body


@pytest.mark.parametrize(
    ("data", "declared", "text", "encoding", "problem"),
    [
        ("Café ✓".encode(), "utf-8", "Café ✓", "utf-8", None),
        (
            "Café’s".encode("cp1252"),
            "utf-8",
            "Café’s",
            "utf-8",
            "declares utf-8, but 2 byte(s) are not UTF-8 (first at byte 3); "
            "read them as Windows-1252",
        ),
        (
            "Zürich ✓ ".encode() + "Acme’s".encode("cp1252"),
            "UTF-8",
            "Zürich ✓ Acme’s",
            "utf-8",
            "declares UTF-8, but 1 byte(s) are not UTF-8 (first at byte 16); read them as "
            "Windows-1252",
        ),
        ("Café’s".encode("cp1252"), "windows-1252", "Café’s", "cp1252", None),
    ],
)
def test_ingest_decode_declared_utf8_holding_windows_1252(
    data: bytes, declared: str, text: str, encoding: str, problem: str | None
) -> None:
    found = decode(data, declared)
    assert (found.text, found.encoding, found.problem) == (text, encoding, problem)


def test_ingest_decode_declared_utf8_not_windows_1252_either() -> None:
    """Bytes Windows-1252 leaves undefined (0x81, a Shift JIS lead byte) are not forced into it."""
    from kg.ingest.decode import utf8_and_cp1252

    data = "東京の会社が発表した。".encode("shift_jis")
    assert utf8_and_cp1252(data, "utf-8") is None
    assert decode(data, "utf-8").text == "東京の会社が発表した。"
