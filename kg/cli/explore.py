"""Exploring the graph: viz (HTML), rank, communities, path."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.core import read_query
from kg.cli.group import Failed, cli, examples
from kg.cli.options import reading_store, store_option

MEASURES = ("pagerank", "degree", "betweenness")
"""``kg.analytics.MEASURES``, here so that ``--help`` need not import networkx (tested)."""
measure_choice = click.Choice(MEASURES)


@cli.command(
    epilog=examples("kg viz -o graph.html", "kg viz -o leica.html --focus Leica --depth 2")
)
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
    from kg.viz import VizOptions, iso_date, write_html

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
    with reading_store(store_location) as store:
        write_html(store, output, options)
    click.echo(f"wrote {output}", err=True)


@cli.command(name="rank", epilog=examples("kg rank --top 10", "kg rank --by betweenness"))
@store_option
@click.option(
    "--by", type=measure_choice, default="pagerank", show_default=True, help="Centrality measure."
)
@click.option("--top", type=click.IntRange(min=1), help="Show only the first N entities.")
def rank_command(store_location: str, by: str, top: int | None) -> None:
    """Rank entities by centrality (the graph read as undirected)."""
    from kg.analytics import rank, render_ranking
    from kg.views.network import to_networkx

    with reading_store(store_location) as store:
        graph = to_networkx(store)
    click.echo(render_ranking(rank(graph, by=by, top=top), by))


@cli.command(
    name="communities", epilog=examples("kg communities", "kg communities --store news-store")
)
@store_option
def communities_command(store_location: str) -> None:
    """Group entities into communities (greedy modularity), largest first."""
    from kg.analytics import communities, render_communities
    from kg.views.network import to_networkx

    with reading_store(store_location) as store:
        graph = to_networkx(store)
    click.echo(render_communities(graph, communities(graph)))


@cli.command(epilog=examples("kg path Huawei Xiaomi", 'kg path "Lei Jun" Leica --store demo-store'))
@click.argument("start")
@click.argument("end")
@store_option
def path(start: str, end: str, store_location: str) -> None:
    """The shortest chain of relations from START to END, with the evidence for each hop.

    START and END are entity labels (any case) or IRIs; relations may be
    walked either way, and each hop shows which way it reads. Exit status 1
    when no chain joins them, 2 when a name matches no entity.
    """
    from kg.analytics import NoPathError, evidence_index, render_path, shortest_path
    from kg.views.network import to_networkx

    try:
        with reading_store(store_location) as store:
            hops = shortest_path(to_networkx(store), start, end, evidence_index(store))
    except NoPathError as err:
        raise Failed(str(err), exit_code=1) from err
    click.echo(render_path(hops))
