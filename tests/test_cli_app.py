"""The CLI as an application: whole on import, light to start, one-line errors, help and README.

None of these loads the spaCy model.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from cli_helpers import run_kg

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)
HEAVY = ("spacy", "rdflib", "networkx", "pyvis", "pyshacl", "trafilatura", "feedparser", "tqdm")
"""What `kg --help` must not import (issue 14: it took 1.07 s when it loaded spaCy)."""


def modules_loaded_by(code: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after running ``code``."""
    script = f"import sys\n{code}\nimport json; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return {name.split(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}


def test_cli_app_commands_exist_on_import() -> None:
    """Running kg registers nothing: every command is defined when kg.cli is imported."""
    from kg.cli import main

    before = sorted(cli.commands)
    assert main(["--help"]) == 0
    assert sorted(cli.commands) == before
    assert set(before) >= {
        "build",
        "communities",
        "demo",
        "evaluate",
        "export",
        "extract",
        "facts",
        "import",
        "path",
        "query",
        "rank",
        "remove",
        "serve",
        "stats",
        "timeline",
        "train",
        "validate",
        "viz",
    }


@pytest.mark.parametrize(
    "code",
    [
        "import kg.cli",
        "from kg.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
        "from kg.cli import main, cli\nfor name in cli.commands:\n    main([name, '--help'])",
    ],
    ids=["import", "help", "every-command-help"],
)
def test_cli_app_start_up_imports_nothing_heavy(code: str) -> None:
    assert modules_loaded_by(code) & set(HEAVY) == set()


def test_cli_app_parallel_parent_imports_no_spacy_or_rdflib() -> None:
    """The parent of --workers N only writes: it loads neither spaCy nor rdflib."""
    assert modules_loaded_by("import kg.parallel, kg.pipeline") & {"spacy", "rdflib"} == set()


def test_cli_app_python_api_import_loads_no_spacy() -> None:
    loaded = modules_loaded_by("from kg import KnowledgeGraph\nKnowledgeGraph.open('memory:')")
    assert loaded & (set(HEAVY) - {"rdflib"}) == set()


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store with two facts, loaded without spaCy."""
    from kg.store import open_store

    location = tmp_path_factory.mktemp("small") / "store"
    store = open_store(location)
    store.load(SMALL_NQ.encode(), "nquads", "urn:unused")
    store.close()
    return location


ENTITY = "https://w3id.org/kg-news/id/organization/"
KG = "https://w3id.org/kg-news/ontology#"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
GRAPH = "<https://w3id.org/kg-news/article/small>"
NAMES = ("acme", "borealis", "cobalt", "dynamo")
SMALL_NQ = "".join(
    f"<{ENTITY}{s}> {p} {o} {GRAPH} .\n"
    for s, p, o in [
        ("acme", f"<{KG}partnersWith>", f"<{ENTITY}borealis>"),
        ("cobalt", f"<{KG}partnersWith>", f"<{ENTITY}dynamo>"),
        *((name, LABEL, f'"{name.title()}"') for name in NAMES),
        *((name, TYPE, f"<{KG}Organization>") for name in NAMES),
    ]
) + (f'<{ENTITY}acme> {LABEL} "Acme" <https://w3id.org/kg-news/article/other> .\n')
"""Ten triples in eleven quads: two articles name Acme."""


STORE_READ_NEVER = {"spacy", "rdflib", "yaml", "networkx", "pyvis", "trafilatura", "tqdm"}
"""What reading a store must not import: rdflib and yaml alone cost ``kg query`` about
0.2 s of its 0.4 s budget (issue 14); the read path is pyoxigraph's."""


@pytest.mark.parametrize(
    "args",
    [["stats"], ["query", "SELECT * WHERE { ?s ?p ?o }"], ["export", "-o", "{tmp}/out.ttl"]],
    ids=["stats", "query", "export"],
)
def test_cli_app_read_commands_load_nothing_heavy(
    small_store: Path, tmp_path: Path, args: list[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in [*args, "--store", str(small_store)]]
    code = f"from kg.cli import main\nassert main({argv!r}) == 0"
    assert modules_loaded_by(code) & STORE_READ_NEVER == set()


@pytest.mark.parametrize("name", COMMANDS)
def test_cli_app_help_ends_with_examples_that_parse(name: str) -> None:
    result = run_kg(name, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: kg {name} ")
    after_options = result.stdout.split("\nOptions:\n")[1]
    examples = after_options.split("\n  Examples:\n")[1].rstrip("\n").splitlines()
    assert 1 <= len(examples) <= 2
    for example in examples:
        words = shlex.split(example.strip().split(" | ")[-1])
        assert words[:2] == ["kg", name], example
        # parsing checks the options exist (values go unchecked: the files are not here)
        cli.commands[name].make_context(name, words[2:], resilient_parsing=True)


ORGANIZATIONS = "'SELECT ?name WHERE { ?e a kg:Organization ; rdfs:label ?name }'"


def test_cli_app_group_help_ends_with_examples() -> None:
    result = run_kg("--help")
    assert result.stdout.endswith(f"\n  Examples:\n    kg demo\n    kg query {ORGANIZATIONS}\n")


@pytest.mark.parametrize("name", COMMANDS)
def test_cli_app_readme_documents_command_and_options(name: str) -> None:
    table_rows = [line for line in README.splitlines() if line.startswith(f"| `kg {name}")]
    assert table_rows, f"the README's command tables have no row for kg {name}"
    undocumented = [
        param.opts[0]
        for param in cli.commands[name].params
        if isinstance(param, click.Option)
        and not any(named(opt) for opt in param.opts + param.secondary_opts)
    ]
    assert undocumented == [], f"kg {name}: options the README never names"


def named(option: str) -> bool:
    """Whether the README names ``option`` (``--show`` in ``[--show]``, not in ``--shown``)."""
    return re.search(re.escape(option) + r"(?![\w-])", README) is not None


def test_cli_app_constants_match_the_library() -> None:
    from kg.analytics import MEASURES
    from kg.cli.core import ENGINE_NAMES
    from kg.cli.explore import MEASURES as CLI_MEASURES
    from kg.cli.inputs import MAX_ARTICLE_CHARS
    from kg.ingest import MAX_ARTICLE_CHARS as INGEST_MAX
    from kg.parallel import ENGINES

    library = (tuple(sorted(ENGINES)), tuple(MEASURES), INGEST_MAX)
    assert library == (ENGINE_NAMES, CLI_MEASURES, MAX_ARTICLE_CHARS)


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["query", "--bogus", "x"], "kg: error: no such option '--bogus'; see 'kg query --help'\n"),
        (
            ["rank", "--by", "closeness"],
            "kg: error: invalid value for '--by': 'closeness' is not one of 'pagerank', 'degree', "
            "'betweenness'; see 'kg rank --help'\n",
        ),
        (["nonsense"], "kg: error: no such command 'nonsense'; see 'kg --help'\n"),
        (["query"], "kg: error: missing argument 'SPARQL'; see 'kg query --help'\n"),
        (
            ["query", "@{tmp}/missing.rq"],
            "kg: error: {tmp}/missing.rq: no such query file; check the path after @\n",
        ),
        (
            ["stats", "--store", "{tmp}/a-file"],
            "kg: error: {tmp}/a-file: is a file, not a store folder; pass a folder with --store\n",
        ),
    ],
    ids=[
        "unknown-option",
        "bad-choice",
        "unknown-command",
        "missing-argument",
        "missing-query-file",
        "store-is-a-file",
    ],
)
def test_cli_app_errors_are_one_line_exit_2(tmp_path: Path, args: list[str], stderr: str) -> None:
    (tmp_path / "a-file").write_text("not a store", encoding="utf-8")
    result = run_kg(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        stderr.replace("{tmp}", str(tmp_path)),
    )


@pytest.mark.parametrize(
    ("sparql", "message"),
    [
        ("SELEKT ?x", "error at 1:10: expected CONSTRUCT"),
        ("SELECT ?x WHERE {\n ?x ?p ?y .\n FILTER(?x = ) }", "error at 3:17: expected one of"),
        (
            "PREFIX ex: <http://example.org/>\nSELECT ?x WHERE {\n ?x ex:p ?y . FILTER(?x = ) }",
            "error at 3:30: expected one of",
        ),
    ],
    ids=["line-1", "line-3", "own-prefix"],
)
def test_cli_app_query_error_points_into_the_query(
    small_store: Path, sparql: str, message: str
) -> None:
    result = run_kg("query", sparql, "--store", str(small_store))
    assert result.returncode == 2
    assert result.stderr.startswith(f"kg: error: malformed SPARQL query: {message}")


def test_cli_app_path_without_a_chain_exits_1(small_store: Path) -> None:
    result = run_kg("path", "Acme", "Cobalt", "--store", str(small_store))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("kg: error: no chain of relations connects 'Acme' and 'Cobalt'")


def test_cli_app_path_with_a_chain_exits_0(small_store: Path) -> None:
    result = run_kg("path", "Acme", "Borealis", "--store", str(small_store))
    assert (result.returncode, result.stdout.splitlines()[0]) == (
        0,
        "Acme -[partnersWith]-> Borealis",
    )


PAIRS = "WHERE { ?a kg:partnersWith ?b . ?a rdfs:label ?s . ?b rdfs:label ?o } ORDER BY ?s"
STAR = f"SELECT DISTINCT * {PAIRS}"


@pytest.mark.parametrize(
    ("fmt", "header", "rows"),
    [
        # two partnerships, each matched both ways round (partnersWith is symmetric)
        ("csv", ["a", "b", "s", "o"], 4),
        ("tsv", ["?a", "?b", "?s", "?o"], 4),
        ("table", ["a", "b", "s", "o"], 4 + 2),  # a rule line, a count line (and no wrapping)
        ("json", ["a", "b", "s", "o"], None),
    ],
)
def test_cli_app_select_star_keeps_the_query_order(
    small_store: Path, fmt: str, header: list[str], rows: int | None
) -> None:
    result = run_kg("query", STAR, "--store", str(small_store), "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        assert json.loads(result.stdout)["head"]["vars"] == header
        return
    lines = result.stdout.splitlines()
    assert lines[0].replace(",", " ").split() == header
    assert len(lines) == 1 + rows


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", "s,o\nAcme,Borealis\n"),
        ("tsv", '?s\t?o\n"Acme"\t"Borealis"\n'),
        ("table", "s     o\n----  --------\nAcme  Borealis\n(1 of 4 rows)\n"),
    ],
)
def test_cli_app_query_limit(small_store: Path, fmt: str, expected: str) -> None:
    result = run_kg(
        "query",
        f"SELECT DISTINCT ?s ?o {PAIRS}",
        "--store",
        str(small_store),
        "--format",
        fmt,
        "--limit",
        "1",
    )
    assert (result.returncode, result.stdout.replace("\r\n", "\n")) == (0, expected)


def test_cli_app_query_max_width_wraps_the_table(small_store: Path) -> None:
    sparql = "SELECT DISTINCT ?e ?name WHERE { ?e rdfs:label ?name } ORDER BY ?name LIMIT 1"
    result = run_kg("query", sparql, "--store", str(small_store), "--max-width", "30")
    assert result.stdout.splitlines() == [
        "e                         name",
        "------------------------  ----",
        "https://w3id.org/kg-news  Acme",
        "/id/organization/acme",
        "(1 row)",
    ]


@pytest.mark.parametrize(
    ("suffix", "summary", "expected"),
    [
        # 11 quads in the article graphs, 24 in the merged layer (the default graph)
        (".ttl", "24 triples", "@prefix kg: <https://w3id.org/kg-news/ontology#> ."),
        (".trig", "35 quads", "@prefix kg: <https://w3id.org/kg-news/ontology#> ."),
        (".nt", "24 triples", None),
        (".nq", "35 quads", None),
    ],
)
def test_cli_app_export_counts_and_prefixes(
    small_store: Path, tmp_path: Path, suffix: str, summary: str, expected: str | None
) -> None:
    out = tmp_path / f"all{suffix}"
    result = run_kg("export", "--store", str(small_store), "-o", str(out))
    assert (result.returncode, result.stderr) == (0, f"wrote {summary} to {out}\n")
    text = out.read_text(encoding="utf-8")
    if expected is not None:
        assert expected in text.splitlines()
        assert "kg:partnersWith" in text
