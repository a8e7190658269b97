"""The main job: extract, build, demo, query, export, stats.

Only click and kg's light modules load with this module; each command imports
the stages it runs (spaCy, rdflib, networkx) when it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.group import cli, examples, exit_with
from kg.cli.inputs import Reading, input_options, inputs_argument
from kg.cli.options import (
    min_confidence_option,
    model_option,
    reading_store,
    store_option,
    writing_store,
)
from kg.formats import EXPORT_FORMATS, GRAPHML, RDF_FILE_FORMATS, RESULT_FORMATS, format_of

ENGINE_NAMES = ("dask", "local")
"""``kg.parallel.ENGINES``' names, here so that ``--help`` need not import the pipeline."""
QUERY_FORMATS = ("table", *RESULT_FORMATS)


@cli.command(
    epilog=examples(
        "kg extract news/acme.txt -o acme.ttl", 'echo "Sony invested in Zeiss." | kg extract -'
    )
)
@inputs_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Output file (.nq, .trig, .ttl, .jsonld).",
)
@model_option
@min_confidence_option
@input_options
def extract(
    inputs: tuple[str, ...], output: Path | None, model: str | None, reading: Reading
) -> None:
    """Extract articles and write their RDF; no store is touched.

    INPUT: files, folders (searched recursively), http(s) URLs, or - for stdin;
    .txt/.md, .html, .jsonl, .json, .rss/.atom/.xml. Writes N-Quads to stdout
    without -o; with -o the format follows the extension. Exit status: 0 all
    read, 1 some input failed (one line each on stderr), 2 nothing readable.
    """
    from kg.ingest import read_inputs
    from kg.pipeline import article_graphs
    from kg.rdf import dataset_of, serialized

    if not inputs:
        raise click.UsageError("give article files, folders, URLs or - for stdin")
    fmt = format_of(output, RDF_FILE_FORMATS) if output else "nquads"
    intake = reading.intake()
    dataset = dataset_of(article_graphs(intake(read_inputs(inputs, reading.options)), model))
    if not intake.read:
        if not intake.failed:
            click.echo("kg: error: no article in the inputs; nothing written", err=True)
        exit_with(2)
    data = serialized(dataset, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        from kg.files import write_atomically

        write_atomically(output, data)
        click.echo(f"wrote {intake.read} article(s) to {output}", err=True)
    exit_with(intake.exit_code)


@cli.command(
    name="build",
    epilog=examples("kg build news/ --store news-store", "kg build --example --store demo-store"),
)
@inputs_argument
@click.option(
    "--example", is_flag=True, help="Build the bundled example corpus (29 news articles)."
)
@store_option
@model_option
@min_confidence_option
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: on a terminal)."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes extracting at once (dask without --scheduler: LocalCluster workers).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default="local",
    show_default=True,
    help="Where extraction runs: this machine, or a Dask cluster.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Dask scheduler (tcp://HOST:8786) for --engine dask; default: a LocalCluster.",
)
@input_options
def build_command(
    inputs: tuple[str, ...],
    example: bool,
    store_location: str,
    model: str | None,
    progress: bool | None,
    workers: int,
    engine: str,
    scheduler: str | None,
    reading: Reading,
) -> None:
    """Extract articles and merge them into the store.

    INPUT: files, folders (searched recursively), http(s) URLs, or - for stdin.
    Re-building an unchanged article is skipped; a changed one replaces its graph.
    Ctrl-C stops after the article in hand, keeping every finished one. Exit
    status: 0 all read, 1 some input failed (one line each), 2 nothing readable.
    """
    from kg.cli.build import run_build

    if example:
        from kg.examples import corpus_path

        inputs = (*inputs, str(corpus_path()))
    if not inputs:
        raise click.UsageError("give article files, folders, URLs or - for stdin, or --example")
    show = sys.stderr.isatty() if progress is None else progress
    with writing_store(store_location) as store:
        code, summary, interrupted = run_build(
            store, inputs, reading, model, show, (engine, workers, scheduler)
        )
    click.echo(summary, err=True)  # the store is closed, so what it says is on disk
    if interrupted:
        raise KeyboardInterrupt
    exit_with(code)


@cli.command(epilog=examples("kg demo", "kg demo --store demo-store"))
@click.option(
    "--store",
    "store_location",
    default="kg-store",
    show_default=True,
    envvar="KG_STORE",
    help="Store folder to create (or 'memory:').",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="kg-demo.html",
    show_default=True,
    help="Where to write the HTML view of the graph.",
)
@model_option
def demo(store_location: str, html_path: Path, model: str | None) -> None:
    """Build the bundled example corpus and show what was found.

    29 short news articles written for kg (partnerships begun and ended, new
    chief executives, acquisitions, funding, denials, rumours): prints a
    summary, every fact with how it was stated and by how many articles, what
    the articles denied, and writes the HTML view.
    """
    from kg.api import build
    from kg.examples import articles
    from kg.ingest import read_article
    from kg.views.prefixes import prefixed_query
    from kg.views.stats import stats
    from kg.views.tables import render_result
    from kg.viz import write_html

    with writing_store(store_location) as store:
        report = build(store, [read_article(path) for path in articles()], model)
        click.echo(f"{report}; store {store.location} holds {len(store)} quads\n")
        click.echo(stats(store).render() + "\n")
        click.echo("Facts (stated: asserted, or only hedged; articles: how many state it)")
        click.echo(render_result(prefixed_query(store, DEMO_FACTS), "table") + "\n")
        click.echo("Denied (kept as evidence only, never asserted)")
        click.echo(render_result(prefixed_query(store, DEMO_DENIED), "table") + "\n")
        write_html(store, html_path)
    click.echo(f"HTML view: {html_path} (open it in a browser; click an edge for its evidence)")
    click.echo(
        f"Next: kg query 'SELECT ...' --store {store_location}, kg rank, kg path A B, "
        "kg viz --focus NAME (kg --help)"
    )


DEMO_FACTS = """
SELECT ?subject ?relation ?object ?stated ?articles ?since ?until WHERE {
  ?f a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     kg:modality ?m ; kg:sources ?articles .
  ?s rdfs:label ?subject .
  OPTIONAL { ?o rdfs:label ?label }
  OPTIONAL { ?f kg:validFrom ?since } OPTIONAL { ?f kg:validUntil ?until }
  BIND(COALESCE(?label, STR(?o)) AS ?object)
  BIND(STRAFTER(STR(?p), "#") AS ?relation)
  BIND(IF(?m = kg:Hedged, "hedged", "asserted") AS ?stated)
} ORDER BY ?relation ?subject ?object
"""
DEMO_DENIED = """
SELECT DISTINCT ?subject ?relation ?object WHERE {
  GRAPH ?article { ?e a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                      kg:modality kg:Negated }
  ?s rdfs:label ?subject .
  OPTIONAL { ?o rdfs:label ?label }
  BIND(COALESCE(?label, STR(?o)) AS ?object)
  BIND(STRAFTER(STR(?p), "#") AS ?relation)
} ORDER BY ?relation ?subject ?object
"""


def read_query(text: str) -> str:
    """The query itself, or the contents of the file after '@'."""
    if not text.startswith("@"):
        return text
    from kg.files import read_text_file

    return read_text_file(text[1:])


def terminal_width() -> int | None:
    """The terminal's width when stdout is one; None (no wrapping) for a pipe or a file."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


@cli.command(
    epilog=examples(
        "kg query 'SELECT ?name WHERE { ?e a kg:Organization ; rdfs:label ?name }'",
        "kg query @makers.rq --format csv --limit 10",
    )
)
@click.argument("sparql")
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(QUERY_FORMATS),
    default="table",
    show_default=True,
    help="Result format for SELECT/ASK.",
)
@click.option(
    "--limit", type=click.IntRange(min=0), metavar="N", help="Show at most N rows of a SELECT."
)
@click.option(
    "--max-width",
    type=click.IntRange(min=0),
    metavar="COLUMNS",
    help="Wrap table cells to fit this width (default: the terminal's; 0: never wrap).",
)
def query(
    sparql: str, store_location: str, fmt: str, limit: int | None, max_width: int | None
) -> None:
    """Run a SPARQL 1.1 query (text, or @file.rq) against the store.

    The default graph is the union of all articles; GRAPH ?g { } reaches one article.
    Prefixes kg:, rdf:, rdfs:, skos:, xsd: and dcterms: are predeclared. Columns
    come in the order of the SELECT (for SELECT *, as the variables first appear).
    """
    import pyoxigraph as ox

    from kg.cli.results import column_order, reshaped, table_text
    from kg.views.prefixes import prefixed_query
    from kg.views.tables import Table, render_result, solutions_table

    sparql = read_query(sparql)
    with reading_store(store_location) as store:
        result = prefixed_query(store, sparql)
        if not isinstance(result, ox.QuerySolutions):
            click.echo(render_result(result, fmt).rstrip("\n"))
            return
        variables = [v.value for v in result.variables]
        columns = column_order(sparql, variables)
        if fmt == "table":
            table = solutions_table(result, short=True)
            picks = [table.columns.index(c) for c in columns]
            rows = [[row[i] for i in picks] for row in table.rows[:limit]]
            width = terminal_width() if max_width is None else max_width
            click.echo(table_text(Table(columns, rows), width, total=len(table.rows)))
            return
        text = render_result(result, fmt)
    if columns != variables or limit is not None:
        text = reshaped(text, fmt, columns, limit)
    click.echo(text.rstrip("\n"))


@cli.command(epilog=examples("kg export -o all.trig", "kg export -o entities.graphml"))
@store_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Output file: .nq, .trig, .ttl, .jsonld, .nt or .graphml.",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(EXPORT_FORMATS),
    help="Output format (default: from the extension); graphml is the entity graph.",
)
def export(store_location: str, output: Path, fmt: str | None) -> None:
    """Export the whole store (N-Quads, TriG, Turtle, JSON-LD, by extension) or GraphML.

    Turtle and N-Triples hold the union of the article graphs (each triple
    once); TriG and Turtle use kg's prefixes. GraphML holds the entity graph
    (entities and relations) for Gephi or Cytoscape.
    """
    from kg.files import write_atomically

    fmt = fmt or format_of(output)
    with reading_store(store_location) as store:
        if fmt == GRAPHML:
            from kg.views.network import to_graphml

            data, summary = to_graphml(store), "the entity graph"
        else:
            from kg.store.interop import exported

            done = exported(store, fmt)
            data, summary = done.data, done.summary
    write_atomically(output, data)
    click.echo(f"wrote {summary} to {output}", err=True)


@cli.command(name="stats", epilog=examples("kg stats", "kg stats --store http://127.0.0.1:7878"))
@store_option
def stats_command(store_location: str) -> None:
    """Articles, entities by class and relations by predicate."""
    from kg.views.stats import stats

    with reading_store(store_location) as store:
        click.echo(stats(store).render())
