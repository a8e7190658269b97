"""Options shared by several commands, and the one place commands open their store.

Commands open the store with ``reading_store`` or ``writing_store`` (context
managers that close it: tests run many commands in one process, and an
embedded store stays locked while it is open).
"""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kg.store import Store

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


def reading_store(location: str) -> closing[Store]:
    """The store a command only reads from, closed when the command is done.

    It must exist (only build, demo and import create stores), and a folder opens
    read-only: no lock, nothing written, so the command works beside a running
    ``kg build`` or ``kg serve``, on a read-only file system and on a full disk.
    """
    from kg.store import open_store

    return closing(open_store(location, read_only=True))


def writing_store(location: str, *, must_exist: bool = False) -> closing[Store]:
    """The store a command writes to (created unless ``must_exist``), closed when done."""
    from kg.store import open_store

    return closing(open_store(location, must_exist=must_exist))


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
