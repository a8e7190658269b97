"""kg.pipeline: streaming extraction, graph records, batched store writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.api import build
from kg.model import Article
from kg.pipeline import (
    GraphRecord,
    WriteBatch,
    article_graphs,
    graph_records,
    write_records,
)
from kg.store import OxigraphStore, open_store

EX = "https://example.org/"
ARTICLES = (
    Article("p-one", "Zeiss and Vivo signed a deal on camera lenses.\n\nVivo expects more phones."),
    Article("p-two", "Sony acquired a sensor start-up in Osaka last spring."),
    Article("p-three", "Xiaomi teamed up with Leica. The Xiaomi 12 Ultra carries Leica optics."),
    Article("p-four", "Apple competes with Samsung in every market, analysts said."),
    Article("p-five", "Huawei ended its partnership with Leica after several years."),
)


def record(name: str, *objects: str) -> GraphRecord:
    lines = "".join(f'<{EX}s> <{EX}p> "{o}" .\n' for o in objects)
    return GraphRecord(f"{EX}{name}", lines)


def quads_of(store) -> list[str]:
    """The article graphs' quads (the merged layer in the default graph is
    ``kg.store.merged``'s, tested there)."""
    quads = ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS)
    return sorted(f"{q} ." for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))


LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"


def labelled(name: str, label: str) -> GraphRecord:
    return GraphRecord(f"{EX}{name}", f'<{EX}e> <{LABEL}> "{label}" .\n')


@pytest.mark.parametrize("limits", [WriteBatch(articles=1), WriteBatch(articles=2)])
def test_pipeline_write_records_unify_labels_store_wide(limits: WriteBatch) -> None:
    store = open_store("memory:")
    write_records(
        store, [labelled("a", "OnePlus 9 series"), labelled("b", "OnePlus 9 Series")], limits
    )
    assert quads_of(store) == sorted(
        [
            f'<{EX}e> <{LABEL}> "OnePlus 9 Series" <{EX}a> .',
            f'<{EX}e> <{ALT}> "OnePlus 9 series" <{EX}a> .',
            f'<{EX}e> <{LABEL}> "OnePlus 9 Series" <{EX}b> .',
        ]
    )


class FlushCountingStore(OxigraphStore):
    """The embedded store, counting the flushes and reopenings a build asks for."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.flushes = 0
        self.reopens = 0

    def flush(self) -> None:
        self.flushes += 1
        self._store.flush()

    def reopen(self) -> None:
        self.reopens += 1
        super().reopen()


@pytest.mark.parametrize(
    ("count", "limits", "flushes"),
    [
        (10, WriteBatch(articles=2, flush_every=4), 2),
        (10, WriteBatch(articles=3, flush_every=4), 2),
        (10, WriteBatch(articles=64, flush_every=4), 1),
        (3, WriteBatch(articles=1, flush_every=4), 0),
    ],
)
def test_pipeline_write_records_flushes_buffers(
    tmp_path: Path, count: int, limits: WriteBatch, flushes: int
) -> None:
    store = FlushCountingStore(tmp_path / "store")
    write_records(store, [record(f"g{i}", str(i)) for i in range(count)], limits)
    assert (store.flushes, store.reopens) == (flushes, flushes)
    assert len(store.graphs()) == count


@pytest.mark.parametrize(
    ("count", "limits", "batches"),
    [
        (5, WriteBatch(articles=2), [2, 2, 1]),
        (5, WriteBatch(articles=64), [5]),
        (4, WriteBatch(articles=1), [1, 1, 1, 1]),
        (3, WriteBatch(articles=64, chars=1), [1, 1, 1]),
        (0, WriteBatch(), []),
    ],
)
def test_pipeline_write_records_batches(count: int, limits: WriteBatch, batches: list[int]) -> None:
    store = open_store("memory:")
    seen: list[int] = []
    records = [record(f"g{i}", str(i)) for i in range(count)]
    assert write_records(store, records, limits, seen.append) == count
    assert seen == batches
    assert store.graphs() == sorted(f"{EX}g{i}" for i in range(count))


@pytest.mark.parametrize("limits", [WriteBatch(articles=1), WriteBatch(articles=3)])
def test_pipeline_write_records_replaces_old_graph(limits: WriteBatch) -> None:
    store = open_store("memory:")
    write_records(store, [record("a", "old", "older"), record("b", "kept")], limits)
    write_records(store, [record("a", "new")], limits)
    assert quads_of(store) == [
        f'<{EX}s> <{EX}p> "kept" <{EX}b> .',
        f'<{EX}s> <{EX}p> "new" <{EX}a> .',
    ]


@pytest.mark.parametrize("finished", [1, 3])
def test_pipeline_write_records_keeps_finished_on_interrupt(finished: int) -> None:
    def interrupted() -> Iterator[GraphRecord]:
        for i in range(finished):
            yield record(f"g{i}", str(i))
        raise KeyboardInterrupt

    store = open_store("memory:")
    with pytest.raises(KeyboardInterrupt):
        write_records(store, interrupted(), WriteBatch(articles=64))
    assert store.graphs() == [f"{EX}g{i}" for i in range(finished)]


@pytest.mark.model
@pytest.mark.parametrize(("batch_size", "taken", "pulled"), [(2, 1, 2), (2, 3, 4), (1, 2, 2)])
def test_pipeline_graph_records_stream(batch_size: int, taken: int, pulled: int) -> None:
    read: list[str] = []

    def articles() -> Iterator[Article]:
        for article in ARTICLES:
            read.append(article.id)
            yield article

    stream = graph_records(articles(), batch_size=batch_size)
    for _ in range(taken):
        next(stream)
    assert len(read) == pulled


@pytest.mark.model
def test_pipeline_graph_records_hold_article_graphs() -> None:
    records = list(graph_records(ARTICLES))
    graphs = list(article_graphs(ARTICLES))
    assert [r.iri for r in records] == [str(g.identifier) for g in graphs]
    for rec, graph in zip(records, graphs, strict=True):
        assert isomorphic(Graph().parse(data=rec.ntriples, format="nt"), graph)


@pytest.mark.model
@pytest.mark.parametrize(
    "limits", [WriteBatch(articles=1), WriteBatch(articles=2), WriteBatch(chars=1), WriteBatch()]
)
def test_pipeline_batched_build_equals_graph_by_graph(limits: WriteBatch) -> None:
    one_by_one = open_store("memory:")
    for graph in article_graphs(ARTICLES):
        one_by_one.replace_graph(graph)
    batched = open_store("memory:")
    report = build(batched, ARTICLES, limits=limits)
    assert (report.added, report.skipped) == (len(ARTICLES), 0)
    assert quads_of(batched) == quads_of(one_by_one)


@pytest.mark.model
@pytest.mark.parametrize("limits", [WriteBatch(articles=1), WriteBatch(articles=64)])
@pytest.mark.parametrize(
    "copy",
    [
        Article("p-copy", ARTICLES[1].text),
        Article("p-same-url", "Leica opened a store in Wetzlar.", url="https://example.org/n/2"),
    ],
)
def test_pipeline_batched_build_skips_copies_in_flight(limits: WriteBatch, copy: Article) -> None:
    first = Article("p-first", ARTICLES[1].text, url="https://example.org/n/2")
    store = open_store("memory:")
    report = build(store, [first, ARTICLES[0], copy], limits=limits)
    assert (report.added, report.skipped) == (2, 1)
    assert [g.rsplit("/", 1)[1] for g in store.graphs()] == ["p-first", "p-one"]
