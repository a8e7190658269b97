"""Options shared by several commands."""

from __future__ import annotations

import click

store_option = click.option(
    "--store",
    "store_location",
    default="kg-store",
    show_default=True,
    envvar="KG_STORE",
    help="Store folder (embedded Oxigraph), 'memory:', or a SPARQL endpoint URL (http://host:7878).",
)
model_option = click.option(
    "--model",
    default=None,
    envvar="KG_MODEL",
    help="spaCy pipeline to use (default: the best installed English one).",
)


def _set_min_confidence(ctx: click.Context, param: click.Parameter, value: float | None) -> None:
    """Extraction reads the floor from the environment, so worker processes see it too."""
    import os

    if value is not None:
        os.environ["KG_MIN_CONFIDENCE"] = str(value)


min_confidence_option = click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    envvar="KG_MIN_CONFIDENCE",
    expose_value=False,
    callback=_set_min_confidence,
    help="Keep only facts at least this confident (0-1; default: the model's own threshold).",
)
