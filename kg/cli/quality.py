"""Checking the graph: validate (SHACL) and evaluate (against gold)."""

from __future__ import annotations

from collections.abc import Sequence
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
@click.option(
    "--curve", is_flag=True, help="Also print precision and recall at confidence thresholds."
)
@model_option
def evaluate(gold: Path, articles: Path | None, show: bool, curve: bool, model: str | None) -> None:
    """Score extraction against hand-made gold triples (precision, recall, F1)."""
    from kg.evaluate import corpus_predictions, scored
    from kg.evaluate import curve as curve_table

    pairs = corpus_predictions(gold, articles or gold.parent, model)
    click.echo(scored(pairs).render(show=show))
    if curve:
        click.echo("")
        click.echo(curve_table(pairs))


@cli.command(
    epilog=examples(
        "kg train corpus/train/gold.jsonl corpus/dev/gold.jsonl --folds 5",
        "kg train my-news/gold.jsonl -o my-model.json",
    )
)
@click.argument(
    "gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the model (default: the bundled kg/learn/relation_model.json).",
)
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=None,
    help="Instead of writing a model, score every article with a model fitted on the "
    "other folds' articles (article-level cross-validation) and print the scores.",
)
@model_option
def train(
    gold: tuple[Path, ...], output: Path | None, folds: int | None, model: str | None
) -> None:
    """Refit the extractor's decision model on gold files (articles beside each file).

    The shipped model is trained on the corpus's train/ and dev/ gold:
    kg train corpus/train/gold.jsonl corpus/dev/gold.jsonl. Needs scikit-learn
    (pip install 'kg[train]'); the same gold gives the same weights.
    """
    from kg.extract.decide import model_path
    from kg.learn.train import fit, learner, training_examples

    learner()  # before parsing anything: scikit-learn is there
    if folds is not None:
        click.echo(cross_validation_report(gold, folds, model))
        return
    fitted = fit(training_examples(gold, model))
    target = output or model_path()
    target.write_text(fitted.to_json() + "\n", encoding="utf-8")
    click.echo(
        f"trained on {fitted.meta['examples']} candidates ({fitted.meta['positives']} true) "
        f"from {fitted.meta['articles']} articles; {len(fitted.weights)} weights -> {target}"
    )


def cross_validation_report(gold: Sequence[Path], folds: int, model: str | None) -> str:
    """The rules alone and the model, each article scored by a model not fitted on it."""
    from kg.evaluate import scored
    from kg.learn.crossval import annotated_articles, held_out_predictions, rules_only_scores
    from kg.nlp import load_pipeline

    nlp = load_pipeline(model)
    annotated = annotated_articles(gold, nlp)
    if len(annotated) < folds:
        raise click.UsageError(f"{len(annotated)} articles cannot make {folds} folds; use fewer")
    lines = [
        f"{len(annotated)} articles, {folds} folds",
        "decision       P      R      F1     tp   fp   fn",
    ]
    held_out = held_out_predictions(annotated, nlp, folds)
    for name, result in (
        ("rules alone", rules_only_scores(annotated, nlp)),
        ("model", scored(held_out)),
        *((f"model ≥ {t:.1f}", scored(held_out, t)) for t in (0.8, 0.9)),
    ):
        lines.append(
            f"{name:<12} {result.precision:.3f}  {result.recall:.3f}  {result.f1:.3f}  "
            f"{result.tp:>4} {result.fp:>4} {result.fn:>4}"
        )
    return "\n".join(lines)
