"""Checking the graph: validate (SHACL) and evaluate (against gold)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import cli
from kg.cli.options import model_option, read_store, store_option
from kg.store import to_rdflib
from kg.validate import validate_dataset


@cli.command()
@store_option
def validate(store_location: str) -> None:
    """Check the store against the SHACL shapes; exit 1 when it does not conform."""
    report = validate_dataset(to_rdflib(read_store(store_location)))
    click.echo(report.text.rstrip())
    if not report.conforms:
        raise SystemExit(1)


@cli.command()
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
