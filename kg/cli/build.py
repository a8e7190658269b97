"""What ``kg build`` runs once its options are read: the progress bar, Ctrl-C, the report.

Imported only when ``kg build`` runs (it loads the pipeline, so spaCy).
"""

from __future__ import annotations

import sys

from tqdm import tqdm

from kg.api import build
from kg.cli.inputs import Reading, StopOnInterrupt, countable_articles
from kg.ingest import read_inputs
from kg.parallel import engine_for
from kg.store import Store

COUNTED = (
    "{l_bar}{bar}| {n_fmt}/{total_fmt} articles [{elapsed}<{remaining}, {rate_noinv_fmt}{postfix}]"
)
UNCOUNTED = "{n_fmt} articles [{elapsed}, {rate_noinv_fmt}{postfix}]"


def run_build(
    store: Store,
    inputs: tuple[str, ...],
    reading: Reading,
    model: str | None,
    show: bool,
    engine: tuple[str, int, str | None],
) -> tuple[int, str, bool]:
    """Build ``inputs`` into ``store``: (exit status, summary line, interrupted?).

    The caller prints the summary only after closing the store, so success is
    told only once the store is durable (a full disk fails at the close).

    The bar moves when each article is extracted (or skipped as unchanged),
    shows a total and an ETA when the inputs can be counted up front (files,
    folders, JSON Lines; not URLs, stdin, JSON arrays or feeds), and says how
    many articles are stored: writes go in batches, each article whole.
    After Ctrl-C no article is started; those in hand are finished and stored.
    """
    intake, stop = reading.intake(), StopOnInterrupt()
    articles = stop.articles(intake(read_inputs(inputs, reading.options)))
    total = countable_articles(inputs) if show else None
    bar = tqdm(
        total=total,
        unit=" articles",
        disable=not show,
        file=sys.stderr,
        dynamic_ncols=True,
        bar_format=COUNTED if total is not None else UNCOUNTED,
    )
    stored = 0

    def wrote(count: int) -> None:
        nonlocal stored
        stored += count
        bar.set_postfix_str(f"stored {stored}")

    with bar, stop.installed():
        wrote(0)
        report = build(
            store,
            articles,
            model,
            progress=bar.update,
            stored=wrote,
            engine=engine_for(*engine, model),
        )
    summary = f"{report}; store {store.location} holds {len(store)} quads"
    return intake.exit_code, summary, stop.requested
