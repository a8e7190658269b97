"""Store commands: serve, remove, import."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.group import cli, examples
from kg.cli.options import store_option, writing_store
from kg.errors import InputError

if TYPE_CHECKING:
    from kg.store import Store


@cli.command(epilog=examples("kg serve --port 8000", "kg serve --store news-store --allow-update"))
@store_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=7878,
    show_default=True,
    help="TCP port (0 picks a free one).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; only change it behind a firewall or proxy.",
)
@click.option(
    "--allow-update/--read-only",
    default=False,
    show_default=True,
    help="Accept SPARQL Update and Graph Store writes: anyone who can reach the port can "
    "change or empty the store.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    default=False,
    help="Let queries use SERVICE (and updates LOAD), which make the server fetch other URLs.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    help="Seconds a query may run; then it is cancelled and answered with 503.",
)
def serve(
    store_location: str,
    port: int,
    host: str,
    allow_update: bool,
    allow_service: bool,
    timeout: float,
) -> None:
    """Serve the store as a SPARQL 1.1 Protocol endpoint, with a query UI at /.

    GET or POST /sparql; results as JSON, XML, CSV or TSV (Turtle or N-Triples
    for CONSTRUCT) by the Accept header. Read-only and on 127.0.0.1 unless told
    otherwise. Oxigraph's server answers the queries; kg checks each request first.
    """
    from kg.serve import Limits, ServeConfig
    from kg.serve.__main__ import config_json
    from kg.store import MEMORY, open_store
    from kg.views.prefixes import PREFIX_HEADER

    if store_location.startswith(("http://", "https://")):
        raise InputError(
            f"{store_location} is already a SPARQL endpoint; kg serve serves a store folder"
        )
    folder = None
    if store_location != MEMORY:
        # says why it cannot be served (no store there, or another process writing it)
        open_store(store_location, read_only=not allow_update, must_exist=True).close()
        folder = Path(store_location)
    config = ServeConfig(
        folder=folder,
        host=host,
        port=port,
        allow_update=allow_update,
        timeout=timeout,
        limits=Limits(allow_service=allow_service),
        prefixes=PREFIX_HEADER,
    )
    # The serving process imports only the front, not the whole CLI: it becomes that process.
    sys.stderr.flush()
    os.execv(
        sys.executable, [sys.executable, "-m", "kg.serve", config_json(config, store_location)]
    )


def article_ids(given: str) -> list[str]:
    """Article ids named by an id, or by a file or folder they were built from."""
    from kg.ingest import read_inputs
    from kg.ingest.base import Failure
    from kg.model import Article

    path = Path(given)
    if not path.exists():
        return [given]
    ids = []
    for item in read_inputs([path]):
        if isinstance(item, Article):
            ids.append(item.id)
        elif isinstance(item, Failure):
            raise InputError(str(item))
    if not ids:
        raise InputError(f"{path}: holds no article; give an article id or the file built from")
    return ids


def article_graphs_for(store: Store, given: str) -> list[str]:
    """The graph IRIs of the articles ``given`` names; InputError for one the store lacks."""
    from kg.ontology import article_iri

    held = set(store.graphs())
    iris = []
    for article_id in article_ids(given):
        if article_iri(article_id) not in held:
            raise InputError(
                f"no article '{article_id}' in {store.location}; `kg stats` shows what it holds"
            )
        iris.append(article_iri(article_id))
    return iris


@cli.command(
    epilog=examples("kg remove leica-xiaomi-retold", "kg remove news/acme.txt --store news-store")
)
@click.argument("articles", nargs=-1, required=True)
@store_option
def remove(articles: tuple[str, ...], store_location: str) -> None:
    """Retract articles and the entities no other article names.

    Name each article by ARTICLE_ID, or by the file or folder it was built from.

    Every article is checked first: if one is missing, nothing is removed.
    """
    from kg.store import remove_article

    with writing_store(store_location, must_exist=True) as store:
        graphs = [iri for given in articles for iri in article_graphs_for(store, given)]
        for graph in graphs:
            removal = remove_article(store, graph)
            if removal is None:  # removed by an earlier argument naming the same article
                continue
            names = ", ".join(e.rsplit("/", 1)[-1] for e in removal.entities) or "none"
            click.echo(
                f"removed {graph.rsplit('/', 1)[-1]}; entities gone with it: {names}", err=True
            )
        click.echo(f"store {store.location} holds {len(store)} quads", err=True)


@cli.command(
    name="import",
    epilog=examples(
        "kg import dump.nq", "kg import people.ttl --graph https://example.org/graph/people"
    ),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option(
    "--graph",
    default=None,
    help="Named graph for triples outside any graph (default: one named after the file).",
)
def import_command(files: tuple[Path, ...], store_location: str, graph: str | None) -> None:
    """Add RDF files to the store: .nq, .trig, .ttl, .jsonld or .nt, by extension.

    Named graphs are kept. Importing the same file twice gives the same store.
    """
    from kg.store.interop import import_file

    with writing_store(store_location) as store:
        for path in files:
            done = import_file(store, path, graph)
            click.echo(f"imported {path} ({done.fmt}): {done.quads} new quads", err=True)
        click.echo(f"store {store.location} holds {len(store)} quads", err=True)
