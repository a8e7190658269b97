"""Articles -> article graphs -> store, streaming: nothing is held for long.

spaCy parses in batches (``nlp.pipe``); each parsed article is extracted,
resolved and turned into its named graph at once, and the graph leaves as
N-Triples text in a ``GraphRecord`` (small, picklable: what worker
processes and Dask workers send back). Records are written to the store in
batches (``Store.replace_graphs``: one transaction per batch embedded), so a
store round trip is paid per batch rather than per article, while every
article still lands whole.

Writing needs neither spaCy nor rdflib: they load when extraction first runs, so a
process that only writes (the parent of ``--workers N``) never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.model import Article, Extraction, Resolution
from kg.ontology import article_iri
from kg.resolve import resolve, unify_labels_update
from kg.store import Store

if TYPE_CHECKING:
    from rdflib import Graph

BATCH_SIZE = 32
"""Articles per ``nlp.pipe`` batch."""


@dataclass(frozen=True)
class WriteBatch:
    """When to send buffered article graphs to the store: whichever limit comes first."""

    articles: int = 64
    chars: int = 4_000_000
    flush_every: int = 1000
    """Articles between asking the store to write its buffers out (see ``settle``)."""


WRITE_BATCH = WriteBatch()


@dataclass(frozen=True)
class GraphRecord:
    """One article's named graph, ready for the store."""

    iri: str
    ntriples: str

    @classmethod
    def of(cls, graph: Graph) -> GraphRecord:
        return cls(str(graph.identifier), graph.serialize(format="nt", encoding="utf-8").decode())


def extractions(
    articles: Iterable[Article], model: str | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[Extraction]:
    from kg.extract import extractor_for
    from kg.nlp import load_pipeline

    nlp = load_pipeline(model)
    extractor = extractor_for(nlp)
    pairs = ((article.document, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield extractor(doc, article)


def resolutions(
    articles: Iterable[Article], model: str | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[Resolution]:
    for extraction in extractions(articles, model, batch_size):
        yield resolve(extraction)


def article_graphs(
    articles: Iterable[Article], model: str | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[Graph]:
    """One named graph per article, in input order."""
    from kg.rdf import article_graph

    for resolution in resolutions(articles, model, batch_size):
        yield article_graph(resolution)


def graph_records(
    articles: Iterable[Article], model: str | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[GraphRecord]:
    """Each article's graph as a ``GraphRecord``, in input order, in this process."""
    from kg.rdf import article_ntriples

    for resolution in resolutions(articles, model, batch_size):
        yield GraphRecord(article_iri(resolution.article.id), article_ntriples(resolution))


def write_batch(store: Store, records: Sequence[GraphRecord]) -> None:
    """Replace the records' graphs (each article whole), then give every entity they
    mention one label store-wide (``kg.resolve.unify_labels_update``).

    Two steps, not one update: remote stores write each graph with a Graph Store
    PUT, since some servers reject large INSERT DATA updates.
    """
    store.replace_graphs([(r.iri, r.ntriples) for r in records])
    store.update(unify_labels_update(r.iri for r in records))


def write_records(
    store: Store,
    records: Iterable[GraphRecord],
    limits: WriteBatch = WRITE_BATCH,
    written: Callable[[int], None] | None = None,
) -> int:
    """Write records in batches (``write_batch``); returns how many.

    ``written`` hears each batch's size once it is stored. On Ctrl-C the
    records already finished are written before the interrupt goes on, so
    the store holds every article finished so far.
    """
    total = 0
    pending: list[GraphRecord] = []
    size = 0

    def flush() -> None:
        nonlocal total, pending, size
        if pending:
            write_batch(store, pending)
            if (total + len(pending)) // limits.flush_every > total // limits.flush_every:
                settle(store)
            total += len(pending)
            if written:
                written(len(pending))
            pending, size = [], 0

    with store.remembering():  # the merged layer's upkeep reads back less (merged.Evidence)
        try:
            for record in records:
                pending.append(record)
                size += len(record.ntriples)
                if len(pending) >= limits.articles or size >= limits.chars:
                    flush()
        except KeyboardInterrupt:
            flush()
            raise
        flush()
    return total


def settle(store: Store) -> None:
    """Let a store that buffers writes in memory write them out, if it can.

    Embedded Oxigraph keeps recent writes in RocksDB memtables, which grow to
    hundreds of megabytes before RocksDB flushes them on its own, and caches that
    grow with the store until the database is closed; flushing and reopening it
    (``OxigraphStore.reopen``) every ``WriteBatch.flush_every`` articles keeps a
    long build's memory flat. Stores without such buffers (remote ones) have no
    ``flush`` and need none.
    """
    reopen = getattr(store, "reopen", None)
    if callable(reopen):
        reopen()
        return
    flush = getattr(store, "flush", None)
    if callable(flush):
        flush()
