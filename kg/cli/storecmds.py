"""Store commands: serve, remove, import."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.group import cli, examples
from kg.cli.options import store_option, writing_store
from kg.errors import InputError, StoreError

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
    help="Accept SPARQL Update requests.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds a query may run before it is answered with 503.",
)
def serve(store_location: str, port: int, host: str, allow_update: bool, timeout: float) -> None:
    """Serve the store as a SPARQL 1.1 Protocol endpoint, with a query page at /.

    GET or POST /sparql; results as JSON, XML, CSV or TSV (Turtle or N-Triples
    for CONSTRUCT) by the Accept header. Read-only unless --allow-update.
    """
    from kg.serve import ServeConfig, make_server
    from kg.store import open_store

    store = open_store(store_location, read_only=not allow_update, must_exist=True)
    config = ServeConfig(host=host, port=port, allow_update=allow_update, timeout=timeout)
    try:
        server, endpoint = make_server(store, config)
    except OSError as err:
        store.close()
        raise StoreError(
            f"cannot listen on {host}:{port} ({err.strerror}); pick another --port"
        ) from err
    bound_host, bound_port = server.server_address[:2]
    mode = "read-write" if allow_update else "read-only"
    click.echo(f"kg: serving {store.location} at http://{bound_host}:{bound_port}/sparql ({mode}); "
               "Ctrl-C stops", err=True)  # fmt: skip
    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("kg: stopped", err=True)
    finally:
        server.server_close()
        endpoint.close()
        store.close()


def stop(signum: int, frame: object) -> None:
    """SIGTERM stops the server the way Ctrl-C does: the store is closed cleanly."""
    raise KeyboardInterrupt


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
