"""Checking the graph: validate (SHACL) and evaluate (against gold)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.group import cli, examples, exit_with
from kg.cli.options import model_option, reading_store, store_option


@cli.command(epilog=examples("kg validate", "kg validate --store news-store"))
@store_option
def validate(store_location: str) -> None:
    """Check the store against the SHACL shapes; exit 1 when it does not conform."""
    from kg.store import to_rdflib
    from kg.validate import validate_dataset

    with reading_store(store_location) as store:
        report = validate_dataset(to_rdflib(store))
    click.echo(report.text.rstrip())
    if not report.conforms:
        exit_with(1)


@cli.command(
    epilog=examples(
        "kg evaluate gold.jsonl --show", "kg evaluate corpus/dev/gold.jsonl --articles corpus/dev"
    )
)
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--articles",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of the articles (default: the gold file's folder).",
)
@click.option("--show", is_flag=True, help="List every false positive and false negative.")
@model_option
def evaluate(gold: Path, articles: Path | None, show: bool, model: str | None) -> None:
    """Score extraction against hand-made gold triples (precision, recall, F1)."""
    from kg.evaluate import evaluate_corpus

    result = evaluate_corpus(gold, articles or gold.parent, model)
    click.echo(result.render(show=show))
