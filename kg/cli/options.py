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
