"""The main commands end to end (in process): seed gold, formats, idempotent builds, progress.

The few tests about real processes (exit codes, no traceback) run the installed
entry point; tests/test_cli_app.py holds the ones that need no model.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_helpers import run_kg, run_kg_process
from rdflib import Dataset

from kg.evaluate import GoldArticle, predicted, score_article
from kg.formats import extensions

pytestmark = pytest.mark.model


def test_cli_extract_seed_matches_gold_exactly(seed_path: Path, seed_gold: dict) -> None:
    result = run_kg("extract", str(seed_path))
    assert result.returncode == 0, result.stderr
    dataset = Dataset()
    dataset.parse(data=result.stdout, format="nquads")
    graphs = [g for g in dataset.graphs() if len(g)]
    assert len(graphs) == 1
    score = score_article(GoldArticle(seed_gold), predicted(graphs[0]))
    assert sorted(score.fp) == []
    assert sorted(score.fn) == []
    assert score.violations == []
    assert len(score.tp) == 6


@pytest.mark.parametrize("suffix", [".nq", ".trig", ".ttl", ".jsonld"])
def test_cli_extract_writes_format_by_extension(
    tmp_path: Path, seed_path: Path, suffix: str
) -> None:
    out = tmp_path / f"seed{suffix}"
    result = run_kg("extract", str(seed_path), "-o", str(out))
    assert result.returncode == 0, result.stderr
    dataset = Dataset()
    dataset.parse(out, format=extensions()[suffix])
    objects = {str(o) for _, _, o, _ in dataset.quads((None, None, None, None))}
    assert "Xiaomi 12 Ultra" in objects
    assert "Huawei Xs 2" in objects


def test_cli_build_twice_leaves_store_identical(tmp_path: Path, seed_path: Path) -> None:
    store = tmp_path / "store"
    dumps = []
    for _ in range(2):
        assert run_kg("build", str(seed_path), "--store", str(store)).returncode == 0
        out = tmp_path / "dump.nq"
        assert run_kg("export", "--store", str(store), "-o", str(out)).returncode == 0
        dumps.append(sorted(out.read_text(encoding="utf-8").splitlines()))
    assert dumps[0] == dumps[1]
    assert len(dumps[0]) > 100


def test_cli_query_json_on_example(example_store: Path) -> None:
    result = run_kg(
        "query",
        "SELECT ?p WHERE { ?p kg:hasOptics ?o . ?o rdfs:label 'Leica' }",
        "--store",
        str(example_store),
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert [b["p"]["value"] for b in bindings] == [
        "https://w3id.org/kg-news/id/product/xiaomi-12-ultra"
    ]


def test_cli_query_ask_and_graph_scope(example_store: Path, tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text(
        "ASK { GRAPH ?g { ?s kg:endedPartnershipWith ?o . ?g a kg:Article } }", encoding="utf-8"
    )
    result = run_kg("query", f"@{query_file}", "--store", str(example_store))
    assert (result.returncode, result.stdout.strip()) == (0, "true")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "table"])
def test_cli_query_formats_list_negated_fact(example_store: Path, fmt: str) -> None:
    result = run_kg(
        "query",
        "SELECT ?label WHERE { GRAPH ?g { ?e kg:modality kg:Negated ; rdf:subject ?s } "
        "?s rdfs:label ?label }",
        "--store",
        str(example_store),
        "--format",
        fmt,
    )
    assert result.returncode == 0, result.stderr
    lines = [line.strip().strip('"') for line in result.stdout.strip().splitlines()]
    assert "Huawei Xs 2" in lines


def test_cli_stats_counts_example(example_store: Path) -> None:
    result = run_kg("stats", "--store", str(example_store))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "articles   1"
    assert "  hasOptics              1" in lines
    assert "  endedPartnershipWith   1" in lines


def test_cli_validate_example_conforms(example_store: Path) -> None:
    result = run_kg("validate", "--store", str(example_store))
    assert result.returncode == 0, result.stdout
    assert "Conforms: True" in result.stdout


@pytest.mark.parametrize("suffix", [".nq", ".trig", ".ttl", ".jsonld"])
def test_cli_export_round_trips(example_store: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"all{suffix}"
    result = run_kg("export", "--store", str(example_store), "-o", str(out))
    assert result.returncode == 0, result.stderr
    dataset = Dataset()
    dataset.parse(out, format=extensions()[suffix])
    objects = {str(o) for _, _, o, _ in dataset.quads((None, None, None, None))}
    assert {"Huawei Xs 2", "Xiaomi 12 Ultra", "Leica"} <= objects


def _bad_inputs(tmp: Path) -> dict[str, list[str]]:
    empty = tmp / "empty.txt"
    empty.write_text("")
    binary = tmp / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    unknown = tmp / "notes.pdf"
    unknown.write_bytes(b"%PDF-1.4")
    a_file = tmp / "plain-file"
    a_file.write_text("not a store")
    return {
        "missing": ["extract", str(tmp / "nope.txt")],
        "empty": ["extract", str(empty)],
        "binary": ["extract", str(binary)],
        "unknown-extension": ["extract", str(unknown)],
        "malformed-query": ["query", "SELEKT ?x", "--store", str(tmp / "s")],
        "store-is-a-file": ["build", "--example", "--store", str(a_file)],
        "unknown-output-format": ["export", "--store", str(tmp / "s"), "-o", str(tmp / "x.pdf")],
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "empty",
        "binary",
        "unknown-extension",
        "malformed-query",
        "store-is-a-file",
        "unknown-output-format",
    ],
)
def test_cli_bad_input_gets_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    result = run_kg_process(*_bad_inputs(tmp_path)[case])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("kg: error: ")


def test_cli_bad_input_keeps_store(tmp_path: Path, seed_path: Path) -> None:
    store = tmp_path / "store"
    assert run_kg("build", str(seed_path), "--store", str(store)).returncode == 0
    before = run_kg("stats", "--store", str(store)).stdout
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    assert run_kg("build", str(empty), "--store", str(store)).returncode == 2
    assert run_kg("query", "SELECT", "--store", str(store)).returncode == 2
    assert run_kg("stats", "--store", str(store)).stdout == before


def write_notes(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"note-{n}.txt").write_text(
            f"Note {n}\n\nAcme Optics has partnered with Borealis Phones on lens {n}.\n",
            encoding="utf-8",
        )
    return folder


@pytest.mark.parametrize(
    ("inputs", "total"),
    [(["notes"], "/3"), (["notes", "extra.jsonl"], "/5"), (["notes", "-"], None)],
    ids=["folder", "folder-and-jsonl", "stdin-uncounted"],
)
def test_cli_build_progress_moves_per_article_with_total(
    tmp_path: Path, inputs: list[str], total: str | None
) -> None:
    write_notes(tmp_path / "notes", 3)
    (tmp_path / "extra.jsonl").write_text(
        '{"id": "x1", "text": "Cobalt Mobile acquired Dynamo Lenses."}\n\n'
        '{"id": "x2", "text": "Ember Devices invested in Cobalt Mobile."}\n',
        encoding="utf-8",
    )
    args = [str(tmp_path / i) if i != "-" else i for i in inputs]
    result = run_kg(
        "build",
        *args,
        "--store",
        str(tmp_path / "store"),
        "--progress",
        input="Acme Optics has partnered with Ember Devices.\n",
    )
    assert result.returncode == 0, result.stderr
    done = [int(n) for n in re.findall(r"(\d+)(?:/\d+)? articles \[", result.stderr)]
    articles = 3 + (2 if "extra.jsonl" in inputs else 0) + (1 if "-" in inputs else 0)
    assert done == sorted(done) and done[0] == 0 and done[-1] == articles
    assert f"stored {articles}" in result.stderr
    if total is None:
        assert not re.search(r"\d+/\d+ articles", result.stderr)
    else:
        assert f"{articles}{total} articles" in result.stderr
        assert "<" in result.stderr  # the ETA: [elapsed<remaining, rate]


def test_cli_build_progress_hears_each_article_before_its_batch_is_stored(tmp_path: Path) -> None:
    from kg.api import build
    from kg.ingest import read_articles
    from kg.pipeline import WriteBatch
    from kg.store import open_store

    events: list[str] = []
    build(
        open_store("memory:"),
        read_articles([write_notes(tmp_path / "notes", 3)]),
        progress=lambda: events.append("article"),
        stored=lambda n: events.append(f"stored {n}"),
        limits=WriteBatch(articles=2),
    )
    assert events == ["article", "article", "stored 2", "article", "stored 1"]


def test_cli_build_without_progress_prints_only_the_report(tmp_path: Path) -> None:
    notes = write_notes(tmp_path / "notes", 2)
    result = run_kg("build", str(notes), "--store", str(tmp_path / "store"), "--no-progress")
    assert result.returncode == 0
    assert result.stderr.startswith("2 article(s) added, 0 unchanged; store ")
    assert result.stderr.count("\n") == 1
