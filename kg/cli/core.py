"""The main job: extract, build, query, export, stats, demo."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import click
from tqdm import tqdm

from kg.api import build
from kg.cli import cli
from kg.cli.options import model_option, store_option
from kg.errors import InputError, KGError
from kg.ingest import article_files, read_article
from kg.pipeline import article_graphs
from kg.rdf import FORMATS, dataset_of
from kg.store import open_store
from kg.views import render_result, stats, with_prefixes

EXPORT_FORMATS = {"nquads": ".nq", "trig": ".trig", "turtle": ".ttl", "json-ld": ".jsonld"}


def rdf_format_for(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: unknown output extension '{path.suffix}'; use .nq, .trig, .ttl or .jsonld"
        )
    return fmt


def example_path() -> Path:
    return Path(str(resources.files("kg.examples") / "leica-xiaomi-retold.md"))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output file (.nq, .trig, .ttl, .jsonld).")
@model_option
def extract(paths: tuple[Path, ...], output: Path | None, model: str | None) -> None:
    """Extract articles (files or folders) and write their RDF; no store is touched.

    Writes N-Quads to stdout without -o; with -o the format follows the extension.
    """
    fmt = rdf_format_for(output) if output else "nquads"
    files = article_files(paths)
    dataset = dataset_of(article_graphs((read_article(p) for p in files), model))
    data = dataset.serialize(format=fmt, encoding="utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        click.echo(f"wrote {len(files)} article(s) to {output}", err=True)


@cli.command(name="build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--example", is_flag=True, help="Build the bundled example article.")
@store_option
@model_option
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def build_command(
    paths: tuple[Path, ...], example: bool, store_location: str, model: str | None, progress: bool | None
) -> None:
    """Extract articles (files or folders, recursively) and merge them into the store.

    Re-building an unchanged article is skipped; a changed one replaces its graph.
    """
    if example:
        paths = (*paths, example_path())
    if not paths:
        raise click.UsageError("give article files or folders, or --example")
    files = article_files(paths)
    store = open_store(store_location)
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=len(files), unit="article", disable=not show, file=sys.stderr) as bar:
        report = build(store, (read_article(p) for p in files), model, progress=lambda: bar.update())
    click.echo(f"{report}; store {store.location} holds {len(store)} quads", err=True)
    store.close()


@cli.command()
@click.option("--store", "store_location", default="kg-store", show_default=True, envvar="KG_STORE",
              help="Store folder to create (or 'memory:').")
@model_option
def demo(store_location: str, model: str | None) -> None:
    """Build the bundled example into the store and show what was found."""
    store = open_store(store_location)
    report = build(store, [read_article(example_path())], model)
    click.echo(f"{report}; store {store.location} holds {len(store)} quads\n")
    click.echo(render_result(store.query(with_prefixes(DEMO_QUERY)), "table"))
    store.close()


DEMO_QUERY = """
SELECT ?subject ?relation ?object WHERE {
  ?s ?p ?o . ?s rdfs:label ?subject . ?o rdfs:label ?object .
  FILTER(STRSTARTS(STR(?p), STR(kg:)))
  BIND(STRAFTER(STR(?p), "#") AS ?relation)
} ORDER BY ?relation ?subject ?object
"""


@cli.command()
@click.argument("sparql")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml"]),
              default="table", show_default=True, help="Result format for SELECT/ASK.")
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
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Output file: .nq, .trig, .ttl or .jsonld.")
def export(store_location: str, output: Path) -> None:
    """Export the whole store (N-Quads, TriG, Turtle or JSON-LD, by extension)."""
    fmt = rdf_format_for(output)
    store = open_store(store_location)
    if fmt == "json-ld":
        from kg.store import to_rdflib

        data = to_rdflib(store).serialize(format="json-ld", encoding="utf-8")
    else:
        data = store.dump(fmt)
    output.write_bytes(data)
    click.echo(f"wrote {len(store)} quads to {output}", err=True)


@cli.command(name="stats")
@store_option
def stats_command(store_location: str) -> None:
    """Articles, entities by class and relations by predicate."""
    click.echo(stats(open_store(store_location)).render())


__all__ = ["KGError"]
