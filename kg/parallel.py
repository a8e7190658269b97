"""Where extraction runs: this process, a pool of worker processes, or a Dask cluster.

Every engine turns a stream of articles into a stream of ``GraphRecord``s in
input order; ``kg.api.build`` writes them to the store. Workers load the
spaCy pipeline once (``load_pipeline`` is cached per process) and do the
whole per-article job (parse, extract, resolve, graph, N-Triples), so the
main process only reads articles and writes batches to the store. At most
two chunks per worker are in flight: memory stays flat however long the
stream.

>>> engine_for("local", workers=1)
Local(model=None, batch_size=32)
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from kg.errors import KGError
from kg.model import Article
from kg.pipeline import BATCH_SIZE, GraphRecord, graph_records
from kg.store import first_line

IN_FLIGHT_PER_WORKER = 2
_WORKER_LOCK = threading.Lock()


class EngineError(KGError):
    """The requested engine cannot run (a missing package, an unreachable scheduler)."""


class Engine(Protocol):
    def records(self, articles: Iterable[Article]) -> Iterator[GraphRecord]:
        """Each article's graph record, in input order."""
        ...


def records_of(articles: list[Article], model: str | None, batch_size: int) -> list[GraphRecord]:
    """The whole job for one chunk, run inside a worker process.

    The lock keeps a multi-threaded Dask worker from running one spaCy
    pipeline from two threads at once (threads would not run faster anyway).
    """
    with _WORKER_LOCK:
        return list(graph_records(articles, model, batch_size))


def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def in_order(
    submit: Callable[[list[Article]], Any], chunks: Iterable[list[Article]], window: int
) -> Iterator[GraphRecord]:
    """Submit chunks (``submit`` returns a future), keeping at most ``window`` in flight;
    yield results in submission order."""
    pending: deque[Any] = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


@dataclass(frozen=True)
class Local:
    """Everything in this process: the baseline every other engine must match."""

    model: str | None = None
    batch_size: int = BATCH_SIZE

    def records(self, articles: Iterable[Article]) -> Iterator[GraphRecord]:
        return graph_records(articles, self.model, self.batch_size)


@dataclass(frozen=True)
class Pool:
    """``workers`` spawned processes on this machine, one chunk of articles per task."""

    workers: int
    model: str | None = None
    batch_size: int = BATCH_SIZE

    def records(self, articles: Iterable[Article]) -> Iterator[GraphRecord]:
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(self.workers, mp_context=context)
        try:
            yield from in_order(
                lambda chunk: pool.submit(records_of, chunk, self.model, self.batch_size),
                chunked(articles, self.batch_size),
                self.workers * IN_FLIGHT_PER_WORKER,
            )
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class Dask:
    """A Dask bag per chunk of articles on a cluster (``scheduler``) or a LocalCluster.

    Results come back to this process, which writes them to the store, so the
    store may be embedded here or a SPARQL server the workers never see.
    """

    scheduler: str | None = None
    workers: int = 1
    model: str | None = None
    batch_size: int = BATCH_SIZE
    partition_size: int = 64

    def records(self, articles: Iterable[Article]) -> Iterator[GraphRecord]:
        bag, distributed = dask_modules()
        with self.client(distributed) as client:
            window = max(1, len(client.scheduler_info()["workers"])) * IN_FLIGHT_PER_WORKER

            def submit(chunk: list[Article]) -> Any:
                partition = bag.from_sequence(chunk, npartitions=1)
                return client.compute(
                    partition.map_partitions(records_of, self.model, self.batch_size)
                )

            yield from in_order(submit, chunked(articles, self.partition_size), window)

    @contextmanager
    def client(self, distributed: Any) -> Iterator[Any]:
        """A client of the scheduler, or of a LocalCluster started (and stopped) here."""
        with ExitStack() as stack:
            if self.scheduler is None:
                cluster = stack.enter_context(
                    distributed.LocalCluster(
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",  # any free port: never clash
                        silence_logs=logging.CRITICAL,
                    )
                )
                yield stack.enter_context(distributed.Client(cluster, set_as_default=False))
                return
            try:
                client = distributed.Client(self.scheduler, timeout="10s", set_as_default=False)
            except (OSError, TimeoutError, ValueError) as err:
                raise EngineError(
                    f"cannot reach the Dask scheduler at {self.scheduler} ({first_line(err)}); "
                    "check the address (tcp://HOST:8786) and that `dask scheduler` is running"
                ) from err
            yield stack.enter_context(client)


def dask_modules() -> tuple[Any, Any]:
    try:
        import dask.bag as bag
        import distributed
    except ImportError as err:
        raise EngineError(
            "--engine dask needs dask and distributed; run: pip install 'kg[dask]'"
        ) from err
    return bag, distributed


def engine_for(
    name: str,
    workers: int = 1,
    scheduler: str | None = None,
    model: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> Engine:
    """The engine called ``name`` ("local" or "dask") with ``workers`` processes."""
    if workers < 1:
        raise EngineError(f"--workers must be 1 or more, not {workers}")
    if name not in ENGINES:
        raise EngineError(f"unknown engine '{name}'; use one of {', '.join(ENGINES)}")
    if scheduler is not None and name != "dask":
        raise EngineError("--scheduler needs --engine dask")
    return ENGINES[name](workers, scheduler, model, batch_size)


ENGINES: dict[str, Callable[[int, str | None, str | None, int], Engine]] = {
    "local": lambda n, _s, m, b: Local(m, b) if n == 1 else Pool(n, m, b),
    "dask": lambda n, s, m, b: Dask(s, n, m, b),
}
