"""Hostile inputs through every reader: one clear line each, the run goes on, exit status.

The matrix runs at the ingest level (``read_inputs``: what each input gives,
exactly, as the lines the CLI prints); the CLI tests check the same lines on
stderr, the exit status, ``--strict``, a path without permission and Ctrl-C.
URLs are served by a local http.server on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from cli_helpers import run_kg as run_kg_here
from rdflib import Dataset

from kg.ingest import Failure, Note, Options, read_inputs
from kg.model import Article

GOOD = "Acme Corp signed a supply deal with Widget Co on Tuesday."
UNICODE = "Acme Corp opened an office in Zürich. Smörgåsbord for everyone ✓"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
HUGE = 50 * 2**20
LONG_LINE = 10 * 2**20
CUT = "99,9"  # every capped text here is cut just below the 100,000-character limit


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", GOOD)
    return buffer.getvalue()


def wrap(kind: str, text: str) -> str:
    """A well-formed document of ``kind`` holding one article with ``text``."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return {
        "txt": text,
        "md": f"---\ntitle: Acme\n---\n{text}",
        "html": f"<html><head><title>Acme</title></head><body><article><p>{escaped}</p>"
        "</article></body></html>",
        "jsonl": json.dumps({"text": text}, ensure_ascii=False) + "\n",
        "json": json.dumps([{"text": text}], ensure_ascii=False),
        "xml": f'<rss version="2.0"><channel><title>Acme news</title><item><title>A</title>'
        f"<description>{escaped}</description></item></channel></rss>",
    }[kind]


def prose(size: int, newlines: bool) -> str:
    sentence = "Acme Corp said on Tuesday that it had agreed to buy Widget Co. "
    text = (sentence * (size // len(sentence) + 1))[:size]
    if newlines:
        text = text.replace("Tuesday", "Tuesday\n\n", 1).replace(". Acme", ".\nAcme")
    return text


KINDS = ("txt", "md", "html", "jsonl", "json", "xml")


def outcome(items: list) -> list[str]:
    """Each item as a short line: A <article id>, N <note>, F <failure>."""
    lines = []
    for item in items:
        if isinstance(item, Article):
            lines.append(f"A {item.id}")
        elif isinstance(item, Note):
            lines.append(f"N {item}")
        else:
            assert isinstance(item, Failure)
            lines.append(f"F {item}")
    return lines


def read_one(path: Path, options: Options | None = None) -> list[str]:
    return outcome(list(read_inputs([str(path)], options)))


# Cases every file reader meets -------------------------------------------------

GENERIC: dict[str, Callable[[str], bytes]] = {
    "empty": lambda kind: b"",
    "whitespace": lambda kind: b"  \n\t\n   \n",
    "image": lambda kind: PNG,
    "zip": lambda kind: zip_bytes(),
    "truncated-utf8": lambda kind: (
        wrap(kind, UNICODE).encode("utf-8")[:-1]
        if kind == "txt"
        else wrap(kind, UNICODE).encode("utf-8").rsplit("✓".encode(), 1)[0] + "✓".encode()[:2]
    ),
}

BINARY = "not text; pass text, HTML, JSON or feed files"
GENERIC_EXPECTED: dict[str, Callable[[str, str], list[str]]] = {
    "empty": lambda name, kind: [f"F {name}: is empty; nothing to extract"],
    "whitespace": lambda name, kind: [f"F {name}: holds only whitespace; nothing to extract"],
    "image": lambda name, kind: [f"F {name}: is a PNG image, {BINARY}"],
    "zip": lambda name, kind: [f"F {name}: is a zip archive (also .docx, .xlsx, .epub), {BINARY}"],
}
DAMAGED = "N {name}: 1 undecodable byte sequence(s) in utf-8 text (first at byte {at}; a truncated or damaged file?), replaced by U+FFFD"  # noqa: E501
TRUNCATED_EXPECTED = {
    "txt": [DAMAGED.replace("{at}", "66"), "A case"],
    "md": [DAMAGED.replace("{at}", "86"), "A case"],
    "html": [DAMAGED.replace("{at}", "122"), "A case"],
    "jsonl": [
        DAMAGED.replace("{name}", "{name}:1").replace("{at}", "76"),
        "F {name}:1: not valid JSON (Unterminated string starting at, column 10); fix the line",
    ],
    "json": [
        DAMAGED.replace("{at}", "77"),
        "F {name}: not valid JSON (Unterminated string starting at at line 1, column 11); "
        "fix the file",
    ],
    "xml": [
        DAMAGED.replace("{at}", "153"),
        "F {name} entry 1: has no content or summary; nothing to extract",
    ],
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", sorted(GENERIC))
def test_hostile_generic_cases_give_one_line(tmp_path: Path, kind: str, case: str) -> None:
    path = tmp_path / f"case.{kind}"
    path.write_bytes(GENERIC[case](kind))
    if case == "truncated-utf8":
        expected = [line.format(name=path) for line in TRUNCATED_EXPECTED[kind]]
    else:
        expected = GENERIC_EXPECTED[case](str(path), kind)
    assert read_one(path) == expected


CAPPED = "{count} characters is longer than an article; kept the first {kept} (limit 100,000, cut at a break); split it to read it all"  # noqa: E501
HUGE_CAPPED = CAPPED.format(count="52,428,802", kept="99,982")
LONG_CAPPED = CAPPED.format(count="10,485,760", kept="99,998")
TOO_LARGE = "F {name}: larger than 16 MB; split it into smaller files"
HUGE_EXPECTED = {
    "txt": [f"N {{name}}: {HUGE_CAPPED}", "A case"],
    "md": [f"N {{name}}: {HUGE_CAPPED}", "A case"],
    "html": [TOO_LARGE],
    "jsonl": ["F {name}:1: line longer than 32 MB; skipped"],
    "json": [f"N {{name}}[0]: {HUGE_CAPPED}", "A case#0"],
    "xml": [TOO_LARGE],
}
LONG_LINE_EXPECTED = {
    "txt": [f"N {{name}}: {LONG_CAPPED}", "A case"],
    "md": [f"N {{name}}: {LONG_CAPPED}", "A case"],
    "html": ["F {name}: no article text found in the page (only menus, links or boilerplate)"],
    "jsonl": [f"N {{name}}:1: {LONG_CAPPED}", "A case#1"],
    "json": [f"N {{name}}[0]: {LONG_CAPPED}", "A case#0"],
    "xml": [f"N {{name}} entry 1: {LONG_CAPPED}", "A case#1"],
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("size", "newlines", "table"),
    [
        (HUGE, True, HUGE_EXPECTED),
        (LONG_LINE, False, LONG_LINE_EXPECTED),
    ],
    ids=["50MB-text", "10MB-line"],
)
def test_hostile_huge_inputs_are_capped_or_refused(
    tmp_path: Path, kind: str, size: int, newlines: bool, table: dict
) -> None:
    path = tmp_path / f"case.{kind}"
    path.write_text(wrap(kind, prose(size, newlines)), encoding="utf-8")
    started = time.monotonic()
    items = list(read_inputs([str(path)]))
    assert time.monotonic() - started < 60
    expected = [line.format(name=path) for line in table[kind]]
    assert outcome(items) == expected
    for article in (i for i in items if isinstance(i, Article)):
        assert len(article.text) <= Options().max_chars
        assert len(article.text) > Options().max_chars * 0.99


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_symlink_loop_named_and_in_a_folder(tmp_path: Path, kind: str) -> None:
    (tmp_path / f"a.{kind}").symlink_to(tmp_path / f"b.{kind}")
    (tmp_path / f"b.{kind}").symlink_to(tmp_path / f"a.{kind}")
    (tmp_path / f"good.{kind}").write_text(wrap(kind, GOOD), encoding="utf-8")
    loop = "is a symlink loop; fix or remove the link"
    assert read_one(tmp_path / f"a.{kind}") == [f"F {tmp_path}/a.{kind}: {loop}"]
    good_id = {"txt": "good", "md": "good", "html": "good", "json": "good#0"}.get(kind, "good#1")
    assert read_one(tmp_path) == [
        f"F {tmp_path}/a.{kind}: {loop}",
        f"F {tmp_path}/b.{kind}: {loop}",
        f"A {good_id}",
    ]


# Format-specific cases ---------------------------------------------------------

SPECIFIC = {
    "malformed-html": (
        "page.html",
        "<html><body><div><p>Acme Corp said it <b>acquired Widget Co</p></div>"
        "<p class=x>Terms were not <i>disclosed</p></span></body>",
        ["A page"],
    ),
    "malformed-json": (
        "export.json",
        '[{"text": "Acme Corp acquired Widget Co."}, {"text": ',
        ["F {path}: not valid JSON (Expecting value at line 1, column 54); fix the file"],
    ),
    "malformed-json-line": (
        "export.jsonl",
        '{"text": "Acme Corp acquired Widget Co."}\n{"text": "unterminated\n'
        '{"text": "Beta Inc partnered with Gamma Ltd."}\n',
        [
            "A export#1",
            "F {path}:2: not valid JSON (Invalid control character at, column 23); fix the line",
            "A export#3",
        ],
    ),
    "json-line-without-text": (
        "export.jsonl",
        '{"text": "Acme Corp acquired Widget Co."}\n{"title": "Only a title"}\n[1, 2]\n',
        [
            "A export#1",
            "F {path}:2: no text field (looked for: text, content, body, maintext, description); "
            "name it with --text-field",
            "F {path}:3: is a JSON array, not an object with article fields",
        ],
    ),
    "json-without-any-text": (
        "gold.jsonl",
        '{"article": "a.txt", "triples": []}\n{"article": "b.txt", "triples": []}\n',
        [
            "F {path}: holds no articles: no record has a text field (looked for: text, content, "
            "body, maintext, description); name it with --text-field"
        ],
    ),
    "feed-without-entries": (
        "feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>',
        ["F {path}: is a feed with no entries; nothing to extract"],
    ),
    "not-a-feed": (
        "notes.xml",
        "<?xml version='1.0'?><config><item>1</item></config>",
        ["F {path}: is not an RSS or Atom feed"],
    ),
    "feed-entry-without-text": (
        "feed.rss",
        '<rss version="2.0"><channel><title>T</title><item><title>Empty</title></item>'
        "<item><link>https://example.org/b</link><description>Acme Corp hired a CEO.</description>"
        "</item></channel></rss>",
        [
            "F {path} entry 1: has no content or summary; nothing to extract",
            "A https://example.org/b",
        ],
    ),
    "unknown-type": (
        "slides.pdf",
        "%PDF-1.4",
        [
            "F {path}: unknown file type '.pdf'; use one of "
            ".txt, .text, .md, .markdown, .html, .htm, .xhtml, "
            ".jsonl, .ndjson, .json, .rss, .atom, .xml"
        ],
    ),
    "missing": (None, None, ["F {path}: no such file or folder; check the path"]),
}


@pytest.mark.parametrize("case", sorted(SPECIFIC))
def test_hostile_format_specific_cases(tmp_path: Path, case: str) -> None:
    name, content, expected = SPECIFIC[case]
    path = tmp_path / (name or "nowhere.txt")
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert read_one(path) == [line.format(path=path) for line in expected]


def test_hostile_empty_folder_and_broken_link(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    assert read_one(tmp_path / "empty")[0].startswith(
        f"F {tmp_path}/empty: no article files inside (looked for .txt, "
    )
    assert read_one(tmp_path / "gone.txt") == [
        f"F {tmp_path}/gone.txt: is a broken symlink; fix or remove the link"
    ]


# URLs from a local server --------------------------------------------------------

PAGE = wrap("html", GOOD).encode()


class Handler(BaseHTTPRequestHandler):
    agents: ClassVar[list[str]] = []
    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {
        "/page": (200, "text/html; charset=utf-8", PAGE),
        "/feed": (200, "application/rss+xml", wrap("xml", GOOD).encode()),
        "/empty": (200, "text/plain", b""),
        "/image": (200, "image/png", PNG),
        "/big": (200, "text/plain", prose(2 * 2**20, True).encode()),
        "/missing": (404, "text/plain", b"no"),
    }

    def do_GET(self) -> None:
        Handler.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/slow":
            time.sleep(3)
        if self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", "/loop-b" if self.path == "/loop-a" else "/loop-a")
            self.end_headers()
            return
        status, content_type, body = self.routes.get(self.path, (200, "text/plain", GOOD.encode()))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the timeout case) is expected here


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


URL_CASES = {
    "/page": ["A http://127.0.0.1:{port}/page"],
    "/feed": ["A {base}/feed#1"],
    "/slow": ["F {base}/slow: no answer within 0.5s (timeout); try again or raise --timeout"],
    "/missing": ["F {base}/missing: the server answered HTTP 404 Not Found; check the URL"],
    "/loop-a": [
        "F {base}/loop-a: redirect loop or too many redirects (HTTP 302); open the URL in a browser"
    ],
    "/empty": ["F {base}/empty: is empty; nothing to extract"],
    "/image": [f"F {{base}}/image: is a PNG image, {BINARY}"],
    "/big": ["F {base}/big: the page is larger than 1 MB; save the part you need"],
}


@pytest.mark.parametrize("route", sorted(URL_CASES))
def test_hostile_urls_from_a_local_server(server: str, route: str) -> None:
    options = Options(timeout=0.5, max_fetch_bytes=2**20)
    port = server.rsplit(":", 1)[1]
    got = outcome(list(read_inputs([server + route], options)))
    assert got == [line.format(base=server, port=port) for line in URL_CASES[route]]
    assert Handler.agents[-1].startswith("kg/0.1.0 (news knowledge-graph builder")


def test_hostile_url_default_timeout_waits(server: str) -> None:
    got = outcome(list(read_inputs([server + "/slow"])))
    assert got == [f"A {server}/slow"]


TRUNCATED_HASH = hashlib.sha256((UNICODE[:-1] + "\ufffd").encode()).hexdigest()[:12]
STDIN_CASES = {
    "empty": (b"", ["F -: is empty; nothing to extract"]),
    "whitespace": (b"\n \n", ["F -: holds only whitespace; nothing to extract"]),
    "image": (PNG, [f"F -: is a PNG image, {BINARY}"]),
    "zip": (zip_bytes(), [f"F -: is a zip archive (also .docx, .xlsx, .epub), {BINARY}"]),
    "truncated-utf8": (
        UNICODE.encode()[:-1],
        [DAMAGED.format(name="-", at=66), f"A stdin-{TRUNCATED_HASH}"],
    ),
    "jsonl": (
        b'{"text": "Acme Corp hired a CEO."}\n{"nope": 1}\n',
        [
            "A stdin#1",
            "F -:2: no text field (looked for: text, content, body, maintext, description); "
            "name it with --text-field",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(STDIN_CASES))
def test_hostile_stdin(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    data, expected = STDIN_CASES[case]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert outcome(list(read_inputs(["-"]))) == expected


# The command line --------------------------------------------------------------------


def run_kg(
    *args: str, cwd: Path | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """``kg ARGS...`` in this process (spaCy loads once), or, under a ``prefix`` that
    changes what the process may do (dropped capabilities), as a new process."""
    if not prefix:
        return run_kg_here(*args, cwd=cwd)
    return subprocess.run(
        [*prefix, "kg", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


@pytest.fixture()
def mixed(tmp_path: Path) -> Path:
    """A folder of two good articles among hostile files."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text("Acme Corp acquired Widget Co in 2019.\n", encoding="utf-8")
    (folder / "b-empty.md").write_bytes(b"")
    (folder / "c-image.html").write_bytes(PNG)
    (folder / "d-lines.jsonl").write_text(
        '{"text": "Beta Inc partnered with Gamma Ltd.", "url": "https://example.org/b"}\n{bad\n',
        encoding="utf-8",
    )
    return folder


MIXED_LINES = [
    "kg: error: {f}/b-empty.md: is empty; nothing to extract",
    f"kg: error: {{f}}/c-image.html: is a PNG image, {BINARY}",
    "kg: error: {f}/d-lines.jsonl:2: not valid JSON (Expecting property name enclosed in double "
    "quotes, column 2); fix the line",
]


@pytest.mark.model
def test_hostile_cli_extract_reports_and_goes_on(mixed: Path) -> None:
    result = run_kg("extract", str(mixed))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [line.format(f=mixed) for line in MIXED_LINES]
    dataset = Dataset()
    dataset.parse(data=result.stdout, format="nquads")
    assert sorted(str(g.identifier) for g in dataset.graphs() if len(g)) == [
        "https://w3id.org/kg-news/article/a-good",
        "https://w3id.org/kg-news/article/https-example-org-b",
    ]


@pytest.mark.model
@pytest.mark.parametrize(
    ("flag", "code", "lines"),
    [
        ((), 1, MIXED_LINES),
        (("--strict",), 1, [MIXED_LINES[0], "kg: stopped at the first failure (--strict)"]),
    ],
    ids=["default-goes-on", "strict-stops"],
)
def test_hostile_cli_build_strict_or_not(
    mixed: Path, tmp_path: Path, flag: tuple[str, ...], code: int, lines: list[str]
) -> None:
    store = tmp_path / "store"
    result = run_kg("build", str(mixed), "--store", str(store), "--no-progress", *flag)
    assert result.returncode == code
    assert result.stderr.splitlines()[: len(lines)] == [line.format(f=mixed) for line in lines]
    listed = run_kg(
        "query",
        "SELECT ?id { GRAPH ?g { ?a dcterms:identifier ?id } } ORDER BY ?id",
        "--store",
        str(store),
        "--format",
        "csv",
    )
    expected = ["id", "a-good", "https://example.org/b"] if not flag else ["id", "a-good"]
    assert listed.stdout.split() == expected


NOTHING = "kg: error: no article in the inputs; nothing written"
NO_TEXT = (
    "kg: error: gold.jsonl: holds no articles: no record has a text field (looked for: text, "
    "content, body, maintext, description); name it with --text-field"
)


NOTED = NO_TEXT.replace("error: gold.jsonl: holds", "warning: folder/gold.jsonl: skipped, holds")


@pytest.mark.model
@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (("empty.txt",), ["kg: error: empty.txt: is empty; nothing to extract"]),
        (
            ("empty.txt", "--strict"),
            [
                "kg: error: empty.txt: is empty; nothing to extract",
                "kg: stopped at the first failure (--strict)",
            ],
        ),
        (("gold.jsonl",), [NO_TEXT]),
        (("folder",), [NOTED, NOTHING]),
        (("nowhere.md",), ["kg: error: nowhere.md: no such file or folder; check the path"]),
    ],
)
def test_hostile_cli_nothing_readable_is_exit_2(
    tmp_path: Path, args: tuple[str, ...], lines: list[str]
) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text('{"article": "x.txt"}\n', encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "gold.jsonl").write_text('{"article": "x.txt"}\n', encoding="utf-8")
    result = run_kg("extract", *args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == lines


def without_read_permission() -> tuple[str, ...]:
    """A command prefix under which root obeys file permissions (capabilities dropped)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root reads any file, so no test")
    caps = "-dac_override,-dac_read_search"
    return (setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}")


@pytest.mark.model
def test_hostile_cli_path_without_permission(tmp_path: Path) -> None:
    for kind in KINDS:
        locked = tmp_path / f"locked.{kind}"
        locked.write_text(wrap(kind, GOOD), encoding="utf-8")
        locked.chmod(0)
    (tmp_path / "open.txt").write_text("Acme Corp acquired Widget Co.", encoding="utf-8")
    result = run_kg("extract", str(tmp_path), prefix=without_read_permission())
    assert result.stderr.splitlines() == [
        f"kg: error: {tmp_path}/locked.{kind}: cannot read it (permission denied); "
        "check its permissions"
        for kind in sorted(KINDS)
    ]
    assert result.returncode == 1
    assert "article/open>" in result.stdout


# Ctrl-C ------------------------------------------------------------------------------

INTERRUPTED = "kg: interrupted; the store holds every article finished so far"
ORGS = ("Acme", "Widget", "Beta", "Gamma", "Delta", "Orbit", "Nimbus", "Quartz")


def write_articles(folder: Path, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        a, b = ORGS[i % len(ORGS)], ORGS[(i * 3 + 1) % len(ORGS)]
        (folder / f"n{i:04d}.txt").write_text(
            f"{a} Corp and {b} Ltd agreed a deal in week {i}.\n\n"
            f"{a} Corp acquired a stake in {b} Ltd, the companies said on day {i}.\n",
            encoding="utf-8",
        )


def nquads(store: Path) -> set[str]:
    result = run_kg("export", "--store", str(store), "-o", str(store.parent / f"{store.name}.nq"))
    assert result.returncode == 0, result.stderr
    return set((store.parent / f"{store.name}.nq").read_text(encoding="utf-8").splitlines())


@pytest.mark.model
def test_hostile_ctrl_c_stops_after_the_article_in_hand(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write_articles(folder, 400)
    store = tmp_path / "store"
    process = subprocess.Popen(
        ["kg", "build", str(folder), "--store", str(store), "--progress"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    assert process.stderr is not None
    seen = b""
    while not re.search(rb"stored [1-9]", seen):  # the first batch is stored
        chunk = process.stderr.read1(4096)
        assert chunk, seen
        seen += chunk
    process.send_signal(signal.SIGINT)
    rest = process.communicate(timeout=300)[1]
    stderr = (seen + rest).decode()
    assert process.returncode == 130
    assert "kg: stopping after the current article (Ctrl-C again to stop now)" in stderr
    assert stderr.rstrip().splitlines()[-1] == INTERRUPTED
    partial = nquads(store)

    resumed = run_kg("build", str(folder), "--store", str(store), "--no-progress")
    assert resumed.returncode == 0
    counts = re.match(r"(\d+) article\(s\) added, (\d+) unchanged", resumed.stderr)
    assert counts is not None, resumed.stderr
    added, unchanged = int(counts[1]), int(counts[2])
    assert unchanged > 0 and added > 0 and added + unchanged == 400
    whole = tmp_path / "whole"
    assert run_kg("build", str(folder), "--store", str(whole), "--no-progress").returncode == 0
    complete = nquads(whole)
    assert nquads(store) == complete
    article = "<https://w3id.org/kg-news/article/"  # the merged layer (default graph) follows
    in_articles = {q for q in complete if q.rsplit(" ", 2)[-2].startswith(article)}
    assert partial & in_articles < in_articles


@pytest.mark.model
def test_hostile_cli_urls_report_and_go_on(server: str) -> None:
    result = run_kg(
        "extract", f"{server}/page", f"{server}/missing", f"{server}/slow", "--timeout", "0.5"
    )
    assert result.stderr.splitlines() == [
        f"kg: error: {server}/missing: the server answered HTTP 404 Not Found; check the URL",
        f"kg: error: {server}/slow: no answer within 0.5s (timeout); try again or raise --timeout",
    ]
    assert result.returncode == 1
    dataset = Dataset()
    dataset.parse(data=result.stdout, format="nquads")
    slug = server.replace("http://", "http-").replace(".", "-").replace(":", "-")
    assert [str(g.identifier) for g in dataset.graphs() if len(g)] == [
        f"https://w3id.org/kg-news/article/{slug}-page"
    ]
    assert f"<{server}/page>" in result.stdout  # dcterms:source


# The store: read commands need one and open it read-only -----------------------------

NO_STORE = (
    "kg: error: {store}: {what}; check --store (or KG_STORE), or create it with "
    "`kg build INPUT... --store {store}` or `kg import`"
)
READ_COMMANDS = {
    "query": ("query", "ASK {}"),
    "stats": ("stats",),
    "export": ("export", "-o", "out.nq"),
    "viz": ("viz", "-o", "out.html"),
    "rank": ("rank",),
    "communities": ("communities",),
    "path": ("path", "Acme", "Widget"),
    "validate": ("validate",),
    "serve": ("serve", "--port", "0"),
    "remove": ("remove", "acme"),
}


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
@pytest.mark.parametrize("there", ["missing", "empty-folder"])
def test_hostile_store_read_commands_need_a_store(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    there: str,
) -> None:
    from kg.cli import main

    store = tmp_path / "stor"  # a mistyped --store
    if there == "empty-folder":
        store.mkdir()
    monkeypatch.chdir(tmp_path)
    code = main([*READ_COMMANDS[command], "--store", str(store)])
    what = "no such store" if there == "missing" else "is a folder but holds no kg store"
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.splitlines() == [NO_STORE.format(store=store, what=what)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if there == "missing" else ["stor"])
    assert not store.exists() or not any(store.iterdir())


@pytest.fixture()
def store_copy(example_store: Path, tmp_path: Path) -> Path:
    """A copy of the example store that a test may lock, protect or fill."""
    return Path(shutil.copytree(example_store, tmp_path / "store"))


@pytest.fixture(scope="module")
def example_stats(example_store: Path) -> list[str]:
    """What ``kg stats`` says of the example store, opened the ordinary way."""
    result = run_kg("stats", "--store", str(example_store))
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


BUILD_HERE = "kg: error: {store}: cannot open the store for writing: {why}"
READ_ONLY_FS = (
    "the folder is on a read-only file system; read commands (query, stats, export...) work "
    "there; build into a copy on a writable disk"
)
NO_SPACE = "no space left on the device; free some space, then run it again"
DENIED = "permission denied; check the folder's owner and permissions"
WRITER = (
    "another kg process is writing it (build, import, remove or serve --allow-update); "
    "wait for it to finish (read commands work beside it)"
)
HOLD = "import sys; from kg.store import open_store; s = open_store(sys.argv[1]); print('held', flush=True); sys.stdin.read(); s.close()"  # noqa: E501


def test_hostile_store_read_commands_work_beside_a_writer(
    store_copy: Path, example_stats: list[str]
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store_copy)],
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        stats = run_kg("stats", "--store", str(store_copy))
        assert (stats.returncode, stats.stdout.splitlines()) == (0, example_stats)
        asked = run_kg(
            "query",
            "SELECT ?l WHERE { ?x a kg:Organization ; rdfs:label ?l } ORDER BY ?l",
            "--store",
            str(store_copy),
            "--format",
            "csv",
        )
        assert (asked.returncode, asked.stdout.split()) == (0, ["l", "Huawei", "Leica", "Xiaomi"])
        second = run_kg("import", str(store_copy / "nothing.nq"), "--store", str(store_copy))
        assert second.returncode == 2
        assert second.stderr.splitlines() == [BUILD_HERE.format(store=store_copy, why=WRITER)]
    finally:
        holder.communicate("", timeout=60)
    assert holder.returncode == 0


def test_hostile_store_permissions_named(store_copy: Path, example_stats: list[str]) -> None:
    prefix = without_read_permission()
    store_copy.chmod(0o555)  # readable, not writable
    try:
        stats = run_kg("stats", "--store", str(store_copy), prefix=prefix)
        assert (stats.returncode, stats.stdout.splitlines()) == (0, example_stats)
        built = run_kg(
            "import", str(store_copy / "x.nq"), "--store", str(store_copy), prefix=prefix
        )
        assert built.stderr.splitlines() == [BUILD_HERE.format(store=store_copy, why=DENIED)]
        store_copy.chmod(0)
        stats = run_kg("stats", "--store", str(store_copy), prefix=prefix)
        assert (stats.returncode, stats.stderr.splitlines()) == (
            2,
            [f"kg: error: {store_copy}: cannot read the store: {DENIED}"],
        )
    finally:
        store_copy.chmod(0o755)


def private_mounts() -> None:
    """Skip unless this process may mount a tmpfs in a mount namespace of its own."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1): cannot make a read-only or small file system")
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k t /mnt"],
        capture_output=True,
        timeout=30,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount in a private namespace here: {probe.stderr.decode().strip()}")


def in_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` run by sh in a mount namespace of its own (its mounts vanish with it);
    the test is skipped where that is not allowed."""
    private_mounts()
    return subprocess.run(
        ["unshare", "-m", "sh", "-ec", script], capture_output=True, text=True, timeout=600
    )


def test_hostile_store_on_a_read_only_file_system(
    store_copy: Path, tmp_path: Path, example_stats: list[str]
) -> None:
    view = tmp_path / "ro"
    view.mkdir()
    result = in_namespace(
        f"mount --bind {store_copy} {view}; mount -o remount,bind,ro {view}\n"
        f"kg stats --store {view}; kg query 'ASK {{ ?s ?p ?o }}' --store {view}\n"
        f"kg import {view}/x.nq --store {view} || echo exit $?"
    )
    assert result.stdout.splitlines()[: len(example_stats)] == example_stats
    assert result.stdout.splitlines()[-2:] == ["true", "exit 2"]
    assert result.stderr.splitlines() == [BUILD_HERE.format(store=view, why=READ_ONLY_FS)]


def test_hostile_store_on_a_full_disk(
    store_copy: Path, tmp_path: Path, example_stats: list[str]
) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    result = in_namespace(
        f"mount -t tmpfs -o size=4m kg-full {disk}; cp -r {store_copy} {disk}/store\n"
        f"dd if=/dev/zero of={disk}/filler bs=64k 2>/dev/null || true\n"
        f"kg stats --store {disk}/store; kg import {disk}/x.nq --store {disk}/store || echo exit $?"
    )
    assert result.stdout.splitlines()[: len(example_stats)] == example_stats
    assert result.stdout.splitlines()[-1] == "exit 2"
    assert result.stderr.splitlines() == [BUILD_HERE.format(store=f"{disk}/store", why=NO_SPACE)]


WRITE_FOR = """
import sys, time
from kg.store import open_store
store, until = open_store(sys.argv[1]), time.monotonic() + float(sys.argv[2])
print("writing", flush=True)
n = 0
while time.monotonic() < until:
    text = "".join(f'<http://e/{j}> <http://p> "{n}-{j} {"x" * 200}" .\\n' for j in range(50))
    store.replace_graphs([(f"http://g/{n % 200}", text)])
    n += 1
    if n % 50 == 0:
        store.flush()  # new table files, and compactions that delete old ones
store.close()
print(n)
"""


def test_hostile_store_reader_beside_a_compacting_writer(tmp_path: Path) -> None:
    """A read-only reader sees whole graphs only, and new ones, while a writer compacts."""
    from kg.store import open_store

    path = tmp_path / "store"
    open_store(path).close()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITE_FOR, str(path), "8"], text=True, stdout=subprocess.PIPE
    )
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    reader = open_store(path, read_only=True)
    sizes, reads = set(), 0
    while writer.poll() is None and reads < 2000:
        rows = reader.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        sizes |= {int(row["n"].value) for row in rows}
        reads += 1
    written = int(writer.communicate(timeout=60)[0])
    assert sizes == {50} and reads > 10
    assert written > 200
    assert len(reader.graphs()) == 200  # it followed the writer to the end


# Second round (issue 16): pipes, slow servers, full disks, odd bytes -------------------


def test_hostile_fifo_in_a_folder_is_skipped_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    started = time.monotonic()
    got = read_one(tmp_path, Options(timeout=30))
    assert got == [f"N {tmp_path}/pipe.txt: skipped: is a named pipe (FIFO), not a file", "A good"]
    assert time.monotonic() - started < 10  # the pipe was never opened


def test_hostile_named_fifo_is_read_once(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)

    def write() -> None:
        with pipe.open("w", encoding="utf-8") as fh:
            for at in range(0, len(GOOD), 7):  # in pieces, as a slow program writes
                fh.write(GOOD[at : at + 7])
                fh.flush()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    items = list(read_inputs([str(pipe)], Options(timeout=30)))
    writer.join(timeout=30)
    assert outcome(items) == ["A pipe"]
    assert items[0].text == GOOD


def test_hostile_named_fifo_without_a_writer_gives_up_at_the_timeout(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    started = time.monotonic()
    got = read_one(pipe, Options(timeout=0.5))
    assert got == [f"F {pipe}: no data within 0.5s (--timeout); is a program writing to it?"]
    assert time.monotonic() - started < 5


LINES = f"{json.dumps({'text': GOOD})}\n{json.dumps({'text': UNICODE})}\n".encode()
TEXT_ID = f"A pipe-{hashlib.sha256(GOOD.encode()).hexdigest()[:12]}"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (GOOD.encode(), [TEXT_ID]),
        (LINES, ["A pipe#1", "A pipe#2"]),
        (b"", ["F {pipe}: is empty; nothing to extract"]),
    ],
    ids=["text", "json-lines", "empty"],
)
def test_hostile_process_substitution_is_read_once(data: bytes, expected: list[str]) -> None:
    """``kg extract <(cat good.txt)``: the shell passes /dev/fd/N, a pipe already written."""
    read_end, write_end = os.pipe()
    os.write(write_end, data)
    os.close(write_end)
    try:
        items = list(read_inputs([f"/dev/fd/{read_end}"], Options(timeout=5)))
    finally:
        os.close(read_end)
    assert outcome(items) == [line.format(pipe=f"/dev/fd/{read_end}") for line in expected]


@pytest.mark.model
def test_hostile_cli_process_substitution(tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("no bash for process substitution")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = subprocess.run(
        ["bash", "-c", "kg extract <(cat good.txt)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert (result.returncode, result.stderr) == (0, "")
    digest = hashlib.sha256(GOOD.encode()).hexdigest()[:12]
    assert f"<https://w3id.org/kg-news/article/pipe-{digest}>" in result.stdout


class Trickle(BaseHTTPRequestHandler):
    """One byte every 0.2 s (40 at most): with a length, without one, chunked; and redirects."""

    protocol_version = "HTTP/1.1"
    REDIRECTS: ClassVar[dict[str, str]] = {
        "/to-ftp": "ftp://127.0.0.1/news.txt",
        "/to-file": "file:///etc/passwd",
        "/to-gopher": "gopher://127.0.0.1/1",
    }

    def do_GET(self) -> None:
        if self.path in self.REDIRECTS:
            self.send_response(302)
            self.send_header("Location", self.REDIRECTS[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = (GOOD * 2).encode()[:40]
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if self.path == "/length":
            self.send_header("Content-Length", str(len(body)))
        elif self.path == "/chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        with suppress(OSError):  # kg hangs up at its deadline
            for byte in body:
                one = bytes([byte])
                self.wfile.write(b"1\r\n" + one + b"\r\n" if self.path == "/chunked" else one)
                self.wfile.flush()
                time.sleep(0.2)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def trickle() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Trickle)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("route", ["/length", "/no-length", "/chunked"])
def test_hostile_slow_server_gives_up_at_timeout_wall_time(trickle: str, route: str) -> None:
    started = time.monotonic()
    got = outcome(list(read_inputs([trickle + route], Options(timeout=1.5))))
    took = time.monotonic() - started
    assert got == [
        f"F {trickle}{route}: the download took longer than 1.5s (--timeout); try again or raise it"
    ]
    assert 1.4 < took < 4  # 40 bytes take 8 s to arrive


def test_hostile_slow_server_within_the_timeout_is_read(trickle: str) -> None:
    got = outcome(list(read_inputs([trickle + "/length"], Options(timeout=30))))
    assert got == [f"A {trickle}/length"]


@pytest.mark.parametrize("route", sorted(Trickle.REDIRECTS))
def test_hostile_redirects_only_to_http(trickle: str, route: str) -> None:
    got = outcome(list(read_inputs([trickle + route], Options(timeout=5))))
    assert got == [
        f"F {trickle}{route}: redirects to {Trickle.REDIRECTS[route]}, which kg does not follow: "
        "it follows redirects to http(s) only, so a page cannot send it to local files or "
        "other services; fetch that URL yourself if you trust it"
    ]


def test_hostile_json_lines_deep_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "deep-mid.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    lines = [
        {"text": GOOD},
        None,
        {"text": UNICODE},
        {"text": GOOD, "title": "again"},
        {"text": "Beta Inc partnered with Gamma Ltd."},
    ]
    path.write_text(
        "\n".join(deep if line is None else json.dumps(line) for line in lines) + "\n",
        encoding="utf-8",
    )
    assert read_one(path) == [
        "A deep-mid#1",
        f"F {path}:2: is nested too deeply to read; fix the line",
        "A deep-mid#3",
        f"N {path}: 'deep-mid#4' has the same text as 'deep-mid#1'; read once",
        "A deep-mid#5",
    ]


@pytest.mark.parametrize(
    ("header", "line"),
    [
        (
            'title: "unclosed',
            "line 2: the front matter is not valid YAML (while scanning a quoted "
            "scalar, found unexpected end of stream); left out",
        ),
        (
            "title: Acme\nurl: [https://example.org",
            "line 3: the front matter is not valid YAML "
            "(while parsing a flow sequence, expected ',' or ']', but got '<stream end>'); "
            "left out",
        ),
        ("- just\n- a list", "the front matter is a YAML list, not fields (title: ...); left out"),
    ],
)
def test_hostile_front_matter_yaml_error_is_a_warning(
    tmp_path: Path, header: str, line: str
) -> None:
    path = tmp_path / "story.md"
    path.write_text(f"---\n{header}\n---\n{GOOD}\n", encoding="utf-8")
    items = list(read_inputs([str(path)]))
    assert outcome(items) == [f"N {path}: {line}", "A story"]
    assert (items[1].text, items[1].title) == (GOOD, None)


def test_hostile_html_declaring_utf8_holding_windows_1252(tmp_path: Path) -> None:
    text = "Acme Corp’s “partnership” with Widget Co — worth €40m — was signed in Zürich."
    page = (
        '<html><head><meta charset="utf-8"><title>Acme’s deal</title></head><body><article>'
        f"<p>{text}</p></article></body></html>"
    ).encode("cp1252")
    path = tmp_path / "page.html"
    path.write_bytes(page)
    items = list(read_inputs([str(path)]))
    assert outcome(items) == [
        f"N {path}: declares utf-8, but 8 byte(s) are not UTF-8 (first at byte 45); "
        "read them as Windows-1252",
        "A page",
    ]
    assert (items[1].title, items[1].text) == ("Acme’s deal", text)


def test_hostile_c1_controls_leave_article_text(tmp_path: Path) -> None:
    path = tmp_path / "c1.txt"
    path.write_text("Acme Corp\u009b2J acquired\u0085 Widget Co.\u009c", encoding="utf-8")
    items = list(read_inputs([str(path)]))
    assert [item.text for item in items] == ["Acme Corp2J acquired Widget Co."]


def kg_in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``kg ARGS`` run in this process (no interpreter start): exit code, stdout, stderr."""
    from kg.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def tiny_store(tmp_path: Path) -> Path:
    """A store of one imported statement whose label holds control characters."""
    from kg.store import open_store

    data = tmp_path / "odd.nq"
    data.write_text(
        "<https://example.org/acme> <http://www.w3.org/2000/01/rdf-schema#label> "
        '"Acme\\u009B2J\\u001B[31mCorp\\nkg: error: forged" <https://example.org/g> .\n',
        encoding="utf-8",
    )
    store = open_store(tmp_path / "store")
    store.load(data, "nquads", "https://example.org/g")
    store.close()
    return tmp_path / "store"


QUERY_FILES = {
    "binary": (Path("/usr/bin/ls"), "not UTF-8 text (binary data)"),
    "latin-1": (
        "SELECT ?l WHERE { ?x rdfs:label 'Zürich' }".encode("latin-1"),
        "not UTF-8 text (an invalid byte 0xfc at byte 34)",
    ),
    "utf-16": ("ASK { ?s ?p ?o }".encode("utf-16"), "not UTF-8 text (it is UTF-16)"),
}


@pytest.mark.parametrize("command", ["query", "viz"])
@pytest.mark.parametrize("case", sorted(QUERY_FILES))
def test_hostile_query_file_not_utf8_is_one_line(
    tmp_path: Path, tiny_store: Path, capsys: pytest.CaptureFixture[str], command: str, case: str
) -> None:
    content, reason = QUERY_FILES[case]
    if isinstance(content, Path):
        if not content.is_file():
            pytest.skip(f"no {content} here")
        query = content
    else:
        query = tmp_path / "q.rq"
        query.write_bytes(content)
    args = (
        ["query", f"@{query}"]
        if command == "query"
        else ["viz", "--query", f"@{query}", "-o", str(tmp_path / "g.html")]
    )
    code, out, err = kg_in_process(capsys, *args, "--store", str(tiny_store))
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"kg: error: {query}: {reason}; save the query file as UTF-8"]
    assert not (tmp_path / "g.html").exists()


def test_hostile_query_table_escapes_control_characters(
    tiny_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = kg_in_process(
        capsys, "query", "SELECT ?l WHERE { ?x rdfs:label ?l }", "--store", str(tiny_store)
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "l",
        "-" * len("Acme\\x9b2J\\x1b[31mCorp\\nkg: error: forged"),
        "Acme\\x9b2J\\x1b[31mCorp\\nkg: error: forged",
        "(1 row)",
    ]


FORGED = "a\nkg: error: everything is fine.txt"


def test_hostile_file_name_with_a_newline_cannot_forge_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / FORGED).write_bytes(b"")
    (folder / "b\u009b2J.txt").write_bytes(PNG)
    code, out, err = kg_in_process(capsys, "extract", str(folder))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"kg: error: {folder}/a\\nkg: error: everything is fine.txt: is empty; nothing to extract",
        f"kg: error: {folder}/b\\x9b2J.txt: is a PNG image, {BINARY}",
    ]
    code, out, err = kg_in_process(capsys, "query", f"@{folder / FORGED}x", "--store", "nowhere")
    assert err.splitlines() == [
        f"kg: error: {folder}/a\\nkg: error: everything is fine.txtx: no such query file; "
        "check the path after @"
    ]


# Full disks: outputs are whole or absent, a build says so only once it is durable -----------

NOT_WRITTEN = "not written: no space left on the device; free some space or write it elsewhere"


def test_hostile_atomic_output_keeps_the_old_file_on_enospc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated ENOSPC (any machine): the old file stays whole and no temporary is left."""
    import errno

    import kg.files
    from kg.errors import OutputError

    target = tmp_path / "out.nq"
    target.write_bytes(b"old\n")

    def full(handle: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(kg.files.os, "fsync", full)
    with pytest.raises(OutputError) as raised:
        kg.files.write_atomically(target, b"new\n" * 1000)
    assert str(raised.value) == f"{target}: {NOT_WRITTEN}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nq"]
    assert target.read_bytes() == b"old\n"


def test_hostile_atomic_output_to_a_device_writes_through(tmp_path: Path) -> None:
    from kg.files import write_atomically

    write_atomically(Path("/dev/null"), b"anything\n")  # not replaced by a regular file
    assert Path("/dev/null").is_char_device()


def test_hostile_export_and_viz_onto_a_full_disk(store_copy: Path, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    result = in_namespace(
        f"mount -t tmpfs -o size=256k kg-full {disk}; echo old > {disk}/old.nq\n"
        f"dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null || true\n"
        f"kg export --store {store_copy} -o {disk}/new.nq || echo exit $?\n"
        f"kg export --store {store_copy} -o {disk}/old.nq || echo exit $?\n"
        f"kg viz --store {store_copy} -o {disk}/g.html || echo exit $?\n"
        f"ls -A {disk}; cat {disk}/old.nq"
    )
    assert result.stdout.splitlines() == ["exit 2"] * 3 + ["filler", "old.nq", "old"]
    assert result.stderr.splitlines() == [
        f"kg: error: {disk}/{name}: {NOT_WRITTEN}" for name in ("new.nq", "old.nq", "g.html")
    ]


class FullDiskAtFlush:
    """A pyoxigraph store whose flush meets a full disk, as RocksDB reports it."""

    def __init__(self, store: object) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def __iter__(self) -> Iterator[object]:
        return iter(self._store)

    def __len__(self) -> int:
        return len(self._store)

    def flush(self) -> None:
        raise OSError(
            "IO error: No space left on device: While appending to file: "
            "store/000012.sst: No space left on device"
        )


@pytest.mark.model
def test_hostile_build_full_disk_at_close_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kg.store.embedded as embedded

    real = embedded.open_disk
    monkeypatch.setattr(embedded, "open_disk", lambda *a, **k: FullDiskAtFlush(real(*a, **k)))
    store = tmp_path / "store"
    code, out, err = kg_in_process(
        capsys, "build", "--example", "--store", str(store), "--no-progress"
    )
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"kg: error: {store}: cannot write the store to disk: no space left on the device; "
        "free some space, then run it again"
    ]


@pytest.mark.model
def test_hostile_build_full_disk_at_close(tmp_path: Path) -> None:
    """A real full disk between the last write and the close: the first batch of 64
    articles is in Oxigraph's log, the build waits on a pipe, the disk fills, the pipe
    brings a copy (no write), and the close must write table files."""
    write_articles(tmp_path / "news", 64)
    (tmp_path / "copy.txt").write_text(
        (tmp_path / "news" / "n0007.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    os.mkfifo(tmp_path / "pipe.txt")
    disk, news = tmp_path / "disk", tmp_path / "news"
    disk.mkdir()
    store = disk / "store"
    result = in_namespace(f"""
mount -t tmpfs -o size=16m kg-full {disk}
kg build {news} {tmp_path}/pipe.txt --store {store} --no-progress --timeout 600 2> {tmp_path}/err &
build=$! n=0
# wait until the first batch is stored and the build reads the pipe (it holds it open)
until ls -l /proc/$build/fd 2>/dev/null | grep -q pipe.txt || [ $n -ge 1200 ]; do
  sleep 0.5; n=$((n + 1))
done
df {disk} >&2; ls -l {store} >&2
dd if=/dev/zero of={disk}/filler bs=64k 2>/dev/null || true
timeout 60 sh -c 'cat {tmp_path}/copy.txt > {tmp_path}/pipe.txt' || echo "pipe not read"
wait $build || echo "build exit $?"
kg stats --store {store} | head -1
kg build {news} --store {store} --no-progress 2>&1 || echo "again exit $?"
rm {disk}/filler
kg build {news} --store {store} --no-progress 2>&1
""")
    assert result.stdout.splitlines() == [
        "build exit 2",
        "articles   64",
        f"kg: error: {store}: cannot open the store for writing: {NO_SPACE}",
        "again exit 2",
        f"0 article(s) added, 64 unchanged; store {store} holds "
        + result.stdout.split("holds ")[-1].strip(),
    ], result.stderr
    assert (tmp_path / "err").read_text(encoding="utf-8").splitlines() == [
        f"kg: warning: {tmp_path}/pipe.txt: 'pipe' has the same text as 'n0007'; read once",
        f"kg: error: {store}: cannot write the store to disk: no space left on the device; "
        "free some space, then run it again",
    ]


@pytest.mark.model
def test_hostile_extract_output_onto_a_full_disk(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    disk = tmp_path / "disk"
    disk.mkdir()
    result = in_namespace(
        f"mount -t tmpfs -o size=64k kg-full {disk}\n"
        f"dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null || true\n"
        f"kg extract {tmp_path}/good.txt -o {disk}/out.nq || echo exit $?\n"
        f"ls -A {disk}"
    )
    assert result.stdout.splitlines() == ["exit 2", "filler"]
    assert result.stderr.splitlines() == [f"kg: error: {disk}/out.nq: {NOT_WRITTEN}"]
