"""The main job: extract, build, query, export, stats, demo."""

from __future__ import annotations

import sys
from contextlib import suppress
from importlib import resources
from pathlib import Path

import click
from tqdm import tqdm

from kg.api import build
from kg.cli import cli
from kg.cli.inputs import Interrupted, Reading, StopOnInterrupt, input_options, inputs_argument
from kg.cli.options import model_option, store_option
from kg.errors import InputError, KGError
from kg.ingest import read_article, read_inputs
from kg.parallel import ENGINES, engine_for
from kg.pipeline import article_graphs
from kg.rdf import dataset_of, serialized
from kg.store import open_store
from kg.store.interop import RDF_FORMATS, format_for
from kg.views import render_result, stats, with_prefixes


def example_path() -> Path:
    return Path(str(resources.files("kg.examples") / "leica-xiaomi-retold.md"))


@cli.command()
@inputs_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Output file (.nq, .trig, .ttl, .jsonld).",
)
@model_option
@input_options
@click.pass_context
def extract(
    ctx: click.Context, inputs: tuple[str, ...], output: Path | None, model: str | None,
    reading: Reading,
) -> None:  # fmt: skip
    """Extract articles and write their RDF; no store is touched.

    INPUT: files, folders (searched recursively), http(s) URLs, or - for stdin;
    .txt/.md, .html, .jsonl, .json, .rss/.atom/.xml. Writes N-Quads to stdout
    without -o; with -o the format follows the extension. Exit status: 0 all
    read, 1 some input failed (one line each on stderr), 2 nothing readable.
    """
    if not inputs:
        raise click.UsageError("give article files, folders, URLs or - for stdin")
    fmt = format_for(output, RDF_FORMATS) if output else "nquads"
    intake = reading.intake()
    dataset = dataset_of(article_graphs(intake(read_inputs(inputs, reading.options)), model))
    if not intake.read:
        if not intake.failed:
            click.echo("kg: error: no article in the inputs; nothing written", err=True)
        ctx.exit(2)
    data = serialized(dataset, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        click.echo(f"wrote {intake.read} article(s) to {output}", err=True)
    ctx.exit(intake.exit_code)


@cli.command(name="build")
@inputs_argument
@click.option("--example", is_flag=True, help="Build the bundled example article.")
@store_option
@model_option
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
    type=click.Choice(sorted(ENGINES)),
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
@click.pass_context
def build_command(
    ctx: click.Context, inputs: tuple[str, ...], example: bool, store_location: str,
    model: str | None, progress: bool | None, workers: int, engine: str, scheduler: str | None,
    reading: Reading,
) -> None:  # fmt: skip
    """Extract articles and merge them into the store.

    INPUT: files, folders (searched recursively), http(s) URLs, or - for stdin.
    Re-building an unchanged article is skipped; a changed one replaces its graph.
    Ctrl-C stops after the article in hand, keeping every finished one. Exit
    status: 0 all read, 1 some input failed (one line each), 2 nothing readable.
    """
    if example:
        inputs = (*inputs, str(example_path()))
    if not inputs:
        raise click.UsageError("give article files, folders, URLs or - for stdin, or --example")
    store = open_store(store_location)
    show = sys.stderr.isatty() if progress is None else progress
    intake, stop = reading.intake(), StopOnInterrupt()
    articles = stop.articles(intake(read_inputs(inputs, reading.options)))
    report = None
    with tqdm(unit="article", disable=not show, file=sys.stderr) as bar, stop.installed():

        def step() -> None:
            bar.update()
            stop.check()

        with suppress(Interrupted):
            report = build(store, articles, model, progress=step,
                           engine=engine_for(engine, workers, scheduler, model))  # fmt: skip
    if report is not None:
        click.echo(f"{report}; store {store.location} holds {len(store)} quads", err=True)
    store.close()
    if stop.requested:
        raise KeyboardInterrupt
    ctx.exit(intake.exit_code)


@cli.command()
@click.option(
    "--store",
    "store_location",
    default="kg-store",
    show_default=True,
    envvar="KG_STORE",
    help="Store folder to create (or 'memory:').",
)
@model_option
def demo(store_location: str, model: str | None) -> None:
    """Build the bundled example into the store and show what was found."""
    store = open_store(store_location)
    report = build(store, [read_article(example_path())], model)
    click.echo(f"{report}; store {store.location} holds {len(store)} quads\n")
    click.echo(render_result(store.query(with_prefixes(DEMO_QUERY)), "table"))
    store.close()


DEMO_QUERY = """
SELECT ?subject ?relation ?object ?since ?until WHERE {
  ?f a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?s rdfs:label ?subject .
  OPTIONAL { ?o rdfs:label ?label }
  OPTIONAL { ?f kg:validFrom ?since } OPTIONAL { ?f kg:validUntil ?until }
  BIND(COALESCE(?label, STR(?o)) AS ?object)
  BIND(STRAFTER(STR(?p), "#") AS ?relation)
} ORDER BY ?relation ?subject ?object
"""


@cli.command()
@click.argument("sparql")
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml"]),
    default="table",
    show_default=True,
    help="Result format for SELECT/ASK.",
)
def query(sparql: str, store_location: str, fmt: str) -> None:
    """Run a SPARQL 1.1 query (text, or @file.rq) against the store.

    The default graph is the union of all articles; GRAPH ?g { } reaches one article.
    Prefixes kg:, rdf:, rdfs:, skos:, xsd: and dcterms: are predeclared.
    """
    if sparql.startswith("@"):
        path = Path(sparql[1:])
        if not path.is_file():
            raise InputError(f"{path}: no such query file; check the path after @")
        sparql = path.read_text(encoding="utf-8")
    store = open_store(store_location)
    click.echo(render_result(store.query(with_prefixes(sparql)), fmt).rstrip("\n"))


@cli.command()
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
    type=click.Choice(["nquads", "trig", "turtle", "json-ld", "nt", "graphml"]),
    help="Output format (default: from the extension); graphml is the entity graph.",
)
def export(store_location: str, output: Path, fmt: str | None) -> None:
    """Export the whole store (N-Quads, TriG, Turtle, JSON-LD, by extension) or GraphML.

    GraphML holds the entity graph (entities and relations) for Gephi or Cytoscape.
    """
    from kg.store.interop import export_bytes, format_for

    fmt = fmt or format_for(output)
    store = open_store(store_location)
    if fmt == "json-ld":
        from kg.store import to_rdflib

        data = to_rdflib(store).serialize(format="json-ld", encoding="utf-8")
    else:
        data = export_bytes(store, fmt)
    output.write_bytes(data)
    click.echo(f"wrote {len(store)} quads to {output}" if fmt != "graphml" else
               f"wrote the entity graph to {output}", err=True)  # fmt: skip


@cli.command(name="stats")
@store_option
def stats_command(store_location: str) -> None:
    """Articles, entities by class and relations by predicate."""
    click.echo(stats(open_store(store_location)).render())


__all__ = ["KGError"]
