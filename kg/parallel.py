"""Where extraction runs: this process, a pool of worker processes, or a Dask cluster.

Every engine turns a stream of articles into a stream of ``GraphRecord``s in
input order; ``kg.api.build`` writes them to the store. Workers load the
spaCy pipeline once (``load_pipeline`` is cached per process) and do the
whole per-article job (parse, extract, resolve, graph, N-Triples), so the
main process only reads articles and writes batches to the store. At most
two chunks per worker are in flight: memory stays flat however long the
stream.

``Pool`` forks its workers from multiprocessing's fork server, which loads the
pipeline once (``kg.pool_preload``) before forking any: the workers start with
it loaded instead of each importing spaCy and loading the model (seconds of
CPU each, on a machine whose cores the workers need), and the main process
stays light (no spaCy, no threads forked).

>>> engine_for("local", workers=1)
Local(model=None, batch_size=32)
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol, TypeVar

from kg.errors import KGError
from kg.model import Article
from kg.pipeline import BATCH_SIZE, GraphRecord, graph_records
from kg.store import first_line

IN_FLIGHT_PER_WORKER = 2
_WORKER_LOCK = threading.Lock()
PRELOAD_MODEL = "KG_POOL_PRELOAD_MODEL"
"""The fork server's environment names the pipeline it loads ("" for the default one)."""
_SERVER_LOCK = threading.Lock()
T = TypeVar("T")


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
    """``workers`` processes on this machine, one chunk of articles per task."""

    workers: int
    model: str | None = None
    batch_size: int = BATCH_SIZE

    def records(self, articles: Iterable[Article]) -> Iterator[GraphRecord]:
        context = pool_context()
        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=adopt_environment,
            initargs=(dict(os.environ),),
        )
        # The fork server starts loading the pipeline when the first article comes (this
        # process reads on meanwhile) and has loaded it before the first chunk goes, so
        # Ctrl-C while it loads leaves no worker half-started.
        articles = on_first(articles, lambda: start_server(context, self.model))
        chunks = on_first(chunked(articles, self.batch_size), lambda: server_ready(context))
        try:
            yield from in_order(
                lambda chunk: pool.submit(records_of, chunk, self.model, self.batch_size),
                chunks,
                self.workers * IN_FLIGHT_PER_WORKER,
            )
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def pool_context() -> Any:
    """How ``Pool`` starts workers: forked from multiprocessing's fork server, whose
    pipeline is loaded once (``start_server``); spawned where there is none (Windows)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def start_server(context: Any, model: str | None) -> None:
    """Start the fork server, which loads ``model``'s pipeline before it forks a worker
    (``kg.pool_preload``), unless it runs already.

    It runs as long as this process and forks every later pool's workers too, with the
    pipeline it loaded first (a pool for another model loads that one in each worker).
    It ignores Ctrl-C, which is the main process's to handle; the workers it forks get
    Python's handler, as spawned ones have. Its preload list is multiprocessing's, for
    the whole process.
    """
    if context.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    with _SERVER_LOCK, sigint_ignored():
        os.environ[PRELOAD_MODEL] = model or ""
        try:
            context.set_forkserver_preload(["kg.pool_preload"])
            forkserver.ensure_running()  # a running server keeps its preload
        finally:
            del os.environ[PRELOAD_MODEL]


def server_ready(context: Any) -> None:
    """Wait until the fork server has loaded its pipeline: it has forked a process that
    does nothing (and that an interrupt meanwhile leaves harmless) once ``start`` returns."""
    if context.get_start_method() == "forkserver":
        context.Process(target=int, name="kg-forkserver-probe", daemon=True).start()


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ctrl-C ignored meanwhile, in this process and those it starts (the main thread's
    business: elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def on_first(items: Iterable[T], call: Callable[[], object]) -> Iterator[T]:
    """``items``, calling ``call`` once the first has come (never when there is none)."""
    iterator = iter(items)
    for item in iterator:
        call()
        yield item
        yield from iterator


def adopt_environment(environment: dict[str, str]) -> None:
    """A worker's environment: its main process's (``--min-confidence`` sets one), not
    the fork server's."""
    os.environ.clear()
    os.environ.update(environment)


def preload_pipeline() -> None:
    """Load the pipeline (and extraction) ``PRELOAD_MODEL`` names, in the fork server
    before it forks a worker; a failure is left to the workers, which load again and
    report it. The workers it forks get Python's Ctrl-C handler back."""
    model = os.environ.pop(PRELOAD_MODEL, None)
    if model is None:
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import kg.rdf  # noqa: F401  (what graph_records imports on first use)
        from kg.extract import extractor_for
        from kg.nlp import load_pipeline

        extractor_for(load_pipeline(model or None))
    except Exception:  # a worker loads again and reports it
        pass
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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
