"""The store commands end to end: remote builds, crashes, remove, import/export, bad endpoints."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from cli_helpers import run_kg
from sparql_servers import Server, oxigraph_server, virtuoso_available, virtuoso_server

from kg.ontology import article_iri
from kg.store import open_store
from kg.store.merged import MERGED

pytestmark = pytest.mark.model

GAVE_UP = r"\(after 4 attempts\); check that the server is up"
COMPANIES = ["Acme Optics", "Borealis Phones", "Cobalt Mobile", "Dynamo Lenses", "Ember Devices"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``kg ARGS`` in this process (the tests about killed processes use Popen)."""
    return run_kg(*args, env=env)


def write_articles(folder: Path, count: int) -> Path:
    """``count`` short made-up articles, each different, so each gets its own graph."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        a, b = COMPANIES[n % 5], COMPANIES[(n + 2) % 5]
        text = (
            f"Report {n}\n\n{a} said on Monday that it has partnered with {b} on camera "
            f"module number {n}. The two companies plan {n % 7 + 2} new phones next year."
        )
        (folder / f"note-{n:04d}.txt").write_text(text, encoding="utf-8")
    return folder


def graph_lines(export: Path) -> dict[str, set[str]]:
    """N-Quads lines grouped by graph name ("" for the default graph: the merged layer)."""
    graphs: dict[str, set[str]] = {}
    for quad in ox.parse(path=str(export), format=ox.RdfFormat.N_QUADS):
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        graphs.setdefault(graph, set()).add(str(quad))
    return graphs


def export_of(store: str, tmp: Path, env: dict[str, str] | None = None) -> dict[str, set[str]]:
    out = tmp / f"export-{abs(hash(store))}.nq"
    result = run("export", "--store", store, "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    return graph_lines(out)


@pytest.fixture(scope="module")
def corpus_inputs(seed_path: Path, dev_dir: Path) -> list[str]:
    return [str(seed_path), *sorted(str(p) for p in dev_dir.glob("*.txt"))]


@pytest.fixture(scope="module")
def embedded_export(corpus_inputs: list[str], tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("embedded")
    result = run("build", *corpus_inputs, "--store", str(tmp / "store"))
    assert result.returncode == 0, result.stderr
    return export_of(str(tmp / "store"), tmp)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    with ExitStack() as stack:
        found = {
            "oxigraph-server": stack.enter_context(oxigraph_server(tmp_path_factory.mktemp("ox")))
        }
        if virtuoso_available():
            found["virtuoso"] = stack.enter_context(virtuoso_server(tmp_path_factory.mktemp("vt")))
        yield found


@pytest.mark.corpus
@pytest.mark.parametrize("backend", ["oxigraph-server", "virtuoso"])
def test_cli_store_remote_build_exports_the_embedded_quads(
    backend: str,
    servers: dict[str, Server],
    corpus_inputs: list[str],
    embedded_export: dict[str, set[str]],
    tmp_path: Path,
) -> None:
    if backend not in servers:
        pytest.skip(f"{backend} is not installed (see .ci/run)")
    server = servers[backend]
    result = run("build", *corpus_inputs, "--store", server.url, env=server.env)
    assert result.returncode == 0, result.stderr
    remote = export_of(server.url, tmp_path, server.env)
    assert len(remote) == len(corpus_inputs) + 1  # the article graphs and the merged layer
    assert remote == embedded_export
    again = run("build", *corpus_inputs, "--store", server.url, env=server.env)
    assert again.returncode == 0, again.stderr
    assert f"0 article(s) added, {len(corpus_inputs)} unchanged" in again.stderr


@pytest.mark.corpus
def test_cli_store_rebuild_skips_unchanged_and_replaces_changed(
    tmp_path: Path, corpus_inputs: list[str], embedded_export: dict[str, set[str]]
) -> None:
    store = str(tmp_path / "store")
    assert run("build", *corpus_inputs, "--store", store).returncode == 0
    changed = tmp_path / Path(corpus_inputs[0]).name
    changed.write_text(Path(corpus_inputs[0]).read_text(encoding="utf-8") + "\n\nA closing line.\n")
    result = run("build", str(changed), *corpus_inputs[1:], "--store", store)
    assert result.returncode == 0, result.stderr
    assert f"1 article(s) added, {len(corpus_inputs) - 1} unchanged" in result.stderr
    after = export_of(store, tmp_path)
    iri = f"<{article_iri(changed.stem)}>"
    assert after[iri] != embedded_export[iri]
    assert {k: v for k, v in after.items() if k not in (iri, "")} == {
        k: v for k, v in embedded_export.items() if k not in (iri, "")
    }


def progress_reached(process: subprocess.Popen, count: int) -> None:
    """Read the progress bar on stderr until it shows ``count`` articles stored."""
    seen = ""
    while process.poll() is None:
        seen += process.stderr.read(1)
        done = [int(n) for n in re.findall(r"stored (\d+)", seen)]
        if done and max(done) >= count:
            return
    raise AssertionError(f"the build ended before {count} articles: {seen[-300:]}")


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]]]:
    """300 made-up articles and the export of a complete build of them."""
    tmp = tmp_path_factory.mktemp("notes")
    folder = write_articles(tmp / "notes", 300)
    assert run("build", str(folder), "--store", str(tmp / "full")).returncode == 0
    return folder, export_of(str(tmp / "full"), tmp)


def test_cli_store_sigkill_mid_build_leaves_whole_articles(
    tmp_path: Path, notes: tuple[Path, dict[str, set[str]]]
) -> None:
    folder, complete = notes
    store = str(tmp_path / "store")
    process = subprocess.Popen(
        ["kg", "build", str(folder), "--store", store, "--progress"],
        stderr=subprocess.PIPE,
        text=True,
    )
    progress_reached(process, 64)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    partial = export_of(store, tmp_path)
    articles = [graph for graph in partial if graph]  # "": the merged layer, derived
    assert 64 <= len(articles) < 300
    assert all(partial[graph] == complete[graph] for graph in articles)
    result = run("build", str(folder), "--store", store)
    assert result.returncode == 0, result.stderr
    assert f"{300 - len(articles)} article(s) added, {len(articles)} unchanged" in result.stderr
    assert export_of(store, tmp_path) == complete


def test_cli_store_server_dying_mid_build_leaves_whole_articles(
    tmp_path: Path, notes: tuple[Path, dict[str, set[str]]]
) -> None:
    folder, complete = notes
    data = tmp_path / "oxigraph"
    with oxigraph_server(data) as server:
        command = ["kg", "build", str(folder), "--store", server.url, "--progress"]
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        progress_reached(process, 64)
        os.kill(server.pid, signal.SIGKILL)
        rest = process.stderr.read()
        process.wait(timeout=120)
    assert process.returncode == 2
    last = rest.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"kg: error: cannot reach the SPARQL endpoint {server.url}/(query|update): .+ {GAVE_UP}",
        last,
    ), last
    with oxigraph_server(data) as server:
        partial = export_of(server.url, tmp_path)
    assert 64 <= len(partial) < 300
    assert all(partial[graph] == complete[graph] for graph in partial if graph)  # "": merged layer


@pytest.mark.parametrize(
    ("store", "message"),
    [
        (
            "http://127.0.0.1:9",
            rf"kg: error: cannot reach the SPARQL endpoint http://127\.0\.0\.1:9/query: "
            rf".+ {GAVE_UP}",
        ),
        (
            "http://ana:pw@127.0.0.1:9",
            "kg: error: credentials in the store URL would show in process lists; "
            "set KG_STORE_USER and KG_STORE_PASSWORD instead",
        ),
    ],
)
def test_cli_store_bad_endpoint_is_one_line(store: str, message: str) -> None:
    result = run("stats", "--store", store)
    assert result.returncode == 2
    assert result.stdout == ""
    assert re.fullmatch(message + "\n", result.stderr), result.stderr


@pytest.fixture
def example_store(tmp_path: Path) -> str:
    store = str(tmp_path / "store")
    folder = write_articles(tmp_path / "few", 3)
    result = run("build", str(folder), "--store", store)
    assert result.returncode == 0, result.stderr
    return store


@pytest.mark.parametrize(
    ("how", "gone"),
    [
        ("id", ["note-0001"]),
        ("file", ["note-0001"]),
        ("folder", ["note-0000", "note-0001", "note-0002"]),
    ],
)
def test_cli_store_remove_article(
    example_store: str, tmp_path: Path, how: str, gone: list[str]
) -> None:
    target = {
        "id": "note-0001",
        "file": str(tmp_path / "few" / "note-0001.txt"),
        "folder": str(tmp_path / "few"),
    }[how]
    before = open_store(example_store)
    graphs = before.graphs()
    before.close()
    result = run("remove", target, "--store", example_store)
    assert result.returncode == 0, result.stderr
    removed = [line.split(";")[0] for line in result.stderr.splitlines()[:-1]]
    assert removed == [f"removed {name}" for name in gone]
    after = open_store(example_store)
    assert after.graphs() == [g for g in graphs if g not in {article_iri(n) for n in gone}]
    after.close()


def test_cli_store_remove_folder_without_articles_is_one_line(
    example_store: str, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    result = run("remove", str(tmp_path / "empty"), "--store", example_store)
    assert result.returncode == 2
    assert result.stderr.startswith("kg: error: ")
    assert result.stderr.count("\n") == 1


def test_cli_store_remove_takes_entities_no_other_article_names(tmp_path: Path) -> None:
    folder = tmp_path / "two"
    folder.mkdir()
    (folder / "one.txt").write_text("Acme Optics has partnered with Borealis Phones.\n")
    (folder / "two.txt").write_text("Acme Optics has partnered with Cobalt Mobile.\n")
    store = str(tmp_path / "store")
    assert run("build", str(folder), "--store", store).returncode == 0
    result = run("remove", "two", "--store", store)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == "removed two; entities gone with it: cobalt-mobile"
    labels = run(
        "query",
        "SELECT ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l",
        "--store",
        store,
        "--format",
        "csv",
    )
    assert labels.stdout.splitlines() == ["l", "Acme Optics", "Borealis Phones"]


def test_cli_store_remove_missing_article_removes_nothing(example_store: str) -> None:
    result = run("remove", "note-0000", "no-such-note", "--store", example_store)
    assert result.returncode == 2
    assert result.stderr == (
        f"kg: error: no article 'no-such-note' in {example_store}; `kg stats` shows what it holds\n"
    )
    store = open_store(example_store)
    assert len(store.graphs()) == 3
    store.close()


ALL = "https://w3id.org/kg-news/graph/all"


@pytest.mark.parametrize("suffix", [".nq", ".trig", ".ttl", ".jsonld", ".nt"])
def test_cli_store_export_then_import_round_trips(
    example_store: str, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"all{suffix}"
    assert run("export", "--store", example_store, "-o", str(out)).returncode == 0
    target = str(tmp_path / "copy")
    result = run("import", str(out), "--store", target)
    assert result.returncode == 0, result.stderr
    original, copy = open_store(example_store), open_store(target)
    try:
        if suffix in (".nq", ".trig", ".jsonld"):
            assert copy.graphs() == original.graphs()
            assert sorted(map(str, copy.quads())) == sorted(map(str, original.quads()))
        else:
            assert copy.graphs() == ["https://w3id.org/kg-news/graph/all"]
            named = [q for q in copy.quads() if not isinstance(q.graph_name, ox.DefaultGraph)]
            assert len(named) == len({(q.subject, q.predicate, q.object) for q in original.quads()})
    finally:
        original.close()
        copy.close()
    again = run("import", str(out), "--store", target)
    assert f"imported {out} " in again.stderr and ": 0 new quads" in again.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.pdf", b"x", "unknown RDF file extension '.pdf'"),
        ("broken.nq", b"<http://a> <http://b> .\n", "cannot parse the nquads data"),
        ("absent.ttl", None, "no such file; check the path"),
    ],
)
def test_cli_store_import_bad_file_is_one_line(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("import", str(path), "--store", str(tmp_path / "store"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


@pytest.mark.parametrize("how", [["-o", "g.graphml"], ["-o", "g.xml", "--format", "graphml"]])
def test_cli_store_export_graphml(example_store: str, tmp_path: Path, how: list[str]) -> None:
    args = [a if not a.startswith("g.") else str(tmp_path / a) for a in how]
    result = run("export", "--store", example_store, *args)
    assert result.returncode == 0, result.stderr
    graph = nx.read_graphml(args[1])
    store = open_store(example_store)
    from kg.views import to_networkx

    expected = to_networkx(store)
    store.close()
    assert set(graph.nodes) == set(expected.nodes)
    assert sorted((u, v, d["predicate"]) for u, v, d in graph.edges(data=True)) == sorted(
        (u, v, d["predicate"]) for u, v, d in expected.edges(data=True)
    )
    assert {n: d["label"] for n, d in graph.nodes(data=True)} == {
        n: d["label"] for n, d in expected.nodes(data=True)
    }


COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def test_cli_store_readers_of_kg_serve_see_whole_articles_during_a_build(
    tmp_path: Path, notes: tuple[Path, dict[str, set[str]]]
) -> None:
    """Another process builds through `kg serve --allow-update` while clients keep querying it."""
    import json
    import urllib.parse
    import urllib.request

    folder, complete = notes
    sizes = {graph.strip("<>"): len(lines) for graph, lines in complete.items()}
    open_store(tmp_path / "store").close()  # kg serve serves a store that exists
    command = ["kg", "serve", "--store", str(tmp_path / "store"), "--port", "0", "--allow-update"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        base = re.search(r"at (http://\S+)/sparql", server.stderr.readline()).group(1)
        build = subprocess.Popen(
            ["kg", "build", str(folder), "--store", base], stderr=subprocess.PIPE, text=True
        )
        seen, torn = set(), []
        while build.poll() is None:
            url = f"{base}/sparql?{urllib.parse.urlencode({'query': COUNTS})}"
            with urllib.request.urlopen(url, timeout=60) as answer:
                rows = json.load(answer)["results"]["bindings"]
            for row in rows:
                graph, count = row["g"]["value"], int(row["n"]["value"])
                if graph not in sizes:  # the merged layer's graph, derived from the articles
                    continue
                seen.add(len(rows))
                if graph == MERGED:  # the build's merged layer, a graph on this server
                    continue
                if count != sizes[graph]:
                    torn.append((graph, count))
        assert build.wait() == 0, build.stderr.read()
        assert torn == []
        assert len(seen) > 1  # the readers saw the store at more than one stage
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    served = export_of(str(tmp_path / "store"), tmp_path)
    # a remote client keeps the merged layer in a named graph of the served store
    merged = {line.removesuffix(f" <{MERGED}>") for line in served.pop(f"<{MERGED}>")}
    assert {**served, "": merged} == complete
