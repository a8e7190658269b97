"""Facts in time: ``kg facts`` (what held on a day) and ``kg timeline`` (one entity's story)."""

from __future__ import annotations

import click

from kg.cli.group import cli, examples
from kg.cli.options import reading_store, store_option


def day_option(name: str, text: str):  # a click decorator
    return click.option(name, metavar="YYYY-MM-DD", default=None, help=text)


@cli.command(
    epilog=examples(
        "kg facts --as-of 2019-06-01 --entity Leica",
        "kg facts --all --relation partnersWith --format csv",
    )
)
@store_option
@day_option("--as-of", "The day the facts held (default: today; valid time).")
@day_option("--known-by", "Only what articles dated on or before this day said (known time).")
@click.option("--entity", metavar="NAME", help="Only facts about this entity (label or IRI).")
@click.option("--relation", metavar="NAME", help="Only this relation (partnersWith, ceoOf...).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("--all", "every", is_flag=True, help="Every fact with its span, whatever the day.")
def facts(
    store_location: str,
    as_of: str | None,
    known_by: str | None,
    entity: str | None,
    relation: str | None,
    fmt: str,
    every: bool,
) -> None:
    """The facts that held on a day, one row each: subject, relation, object, since, until, sources.

    Spans come from the text (kg:validFrom, kg:validUntil), else from the
    article's date; a later fact ends an earlier one (an ended partnership, a new
    CEO). --known-by recomputes them from the articles dated by then.
    """
    from datetime import date

    from kg.timeline import fact_rows, parse_day, render_facts

    if every and as_of:
        raise click.UsageError("--all lists every fact whatever the day; drop --as-of or --all")
    day = None if every else parse_day(as_of, "--as-of") if as_of else date.today().isoformat()
    known = parse_day(known_by, "--known-by") if known_by else None
    with reading_store(store_location) as store:
        rows = fact_rows(store, as_of=day, known_by=known, entity=entity, relation=relation)
    click.echo(render_facts(rows, fmt))


@cli.command(
    name="timeline",
    epilog=examples("kg timeline Leica", "kg timeline Huawei --known-by 2020-01-01"),
)
@store_option
@click.argument("entity")
@day_option("--known-by", "Only what articles dated on or before this day said.")
def timeline_command(store_location: str, entity: str, known_by: str | None) -> None:
    """An entity's facts in date order, each with its span, modality and evidence sentences."""
    from kg.timeline import parse_day, render_timeline, timeline

    known = parse_day(known_by, "--known-by") if known_by else None
    with reading_store(store_location) as store:
        moments = timeline(store, entity, known_by=known)
    click.echo(render_timeline(entity, moments))
