"""Exploring the graph: viz (HTML), rank, communities, path."""

from __future__ import annotations

from pathlib import Path

import click

from kg.analytics import (
    MEASURES,
    communities,
    evidence_index,
    rank,
    render_communities,
    render_path,
    render_ranking,
    shortest_path,
)
from kg.cli import cli
from kg.cli.options import store_option
from kg.errors import InputError
from kg.store import open_store
from kg.views import to_networkx
from kg.viz import VizOptions, iso_date, write_html


def read_query(text: str) -> str:
    """The query itself, or the contents of the file after '@'."""
    if not text.startswith("@"):
        return text
    path = Path(text[1:])
    if not path.is_file():
        raise InputError(f"{path}: no such query file; check the path after @")
    return path.read_text(encoding="utf-8")


measure_choice = click.Choice(list(MEASURES))


@cli.command()
@store_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The HTML file to write.",
)
@click.option("--focus", metavar="ENTITY", help="Draw only this neighbourhood (label or IRI).")
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="How many relations away from --focus to draw.",
)
@click.option(
    "--query", "query", metavar="SPARQL", help="Draw a CONSTRUCT result (@file.rq or text)."
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    help="Keep only the N most central entities (the page says how many were left out).",
)
@click.option(
    "--size-by",
    type=measure_choice,
    default="degree",
    show_default=True,
    help="Centrality that sizes the nodes (and picks them for --max-nodes).",
)
@click.option("--title", default="kg: knowledge graph", show_default=True, help="Page title.")
@click.option(
    "--as-of",
    metavar="YYYY-MM-DD",
    help="Open on the graph of that day (the page's date slider moves from there).",
)
@click.option(
    "--show-negated/--hide-negated",
    default=False,
    show_default=True,
    help="Open with the statements the articles deny drawn (red, dotted, 'not ...').",
)
def viz(
    store_location: str,
    output: Path,
    focus: str | None,
    depth: int,
    query: str | None,
    max_nodes: int | None,
    size_by: str,
    title: str,
    as_of: str | None,
    show_negated: bool,
) -> None:
    """Write an interactive HTML graph that opens offline (one self-contained file).

    Nodes are coloured by class and sized by centrality; edges are labelled
    with the relation, dashed when hedged; click an edge for its evidence.
    """
    options = VizOptions(
        focus=focus,
        depth=depth,
        query=read_query(query) if query else None,
        max_nodes=max_nodes,
        size_by=size_by,
        title=title,
        as_of=iso_date(as_of) if as_of else None,
        show_negated=show_negated,
    )
    store = open_store(store_location)
    write_html(store, output, options)
    click.echo(f"wrote {output}", err=True)


@cli.command(name="rank")
@store_option
@click.option(
    "--by", type=measure_choice, default="pagerank", show_default=True, help="Centrality measure."
)
@click.option("--top", type=click.IntRange(min=1), help="Show only the first N entities.")
def rank_command(store_location: str, by: str, top: int | None) -> None:
    """Rank entities by centrality (the graph read as undirected)."""
    graph = to_networkx(open_store(store_location))
    click.echo(render_ranking(rank(graph, by=by, top=top), by))


@cli.command(name="communities")
@store_option
def communities_command(store_location: str) -> None:
    """Group entities into communities (greedy modularity), largest first."""
    graph = to_networkx(open_store(store_location))
    click.echo(render_communities(graph, communities(graph)))


@cli.command()
@click.argument("start")
@click.argument("end")
@store_option
def path(start: str, end: str, store_location: str) -> None:
    """The shortest chain of relations from START to END, with the evidence for each hop.

    START and END are entity labels (any case) or IRIs; relations may be
    walked either way, and each hop shows which way it reads.
    """
    store = open_store(store_location)
    hops = shortest_path(to_networkx(store), start, end, evidence_index(store))
    click.echo(render_path(hops))
