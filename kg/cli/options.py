"""Options shared by several commands."""

from __future__ import annotations

import click

from kg.store import Store, open_store

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


def read_store(location: str) -> Store:
    """The store a command that only reads opens; the one place the CLI decides it.

    It must exist (only build, demo and import create stores), and a folder opens
    read-only: no lock, nothing written, so the command works beside a running
    ``kg build`` or ``kg serve``, on a read-only file system and on a full disk.
    """
    return open_store(location, read_only=True)
