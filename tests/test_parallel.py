"""kg.parallel: engines for a process pool and Dask give the store a local build gives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sparql_servers import oxigraph_server

from kg.api import build
from kg.cli import main
from kg.model import Article
from kg.parallel import Dask, EngineError, Local, Pool, chunked, engine_for, in_order
from kg.pipeline import GraphRecord
from kg.store import open_store

ARTICLES = tuple(
    Article(f"par-{i}", text)
    for i, text in enumerate(
        [
            "Zeiss and Vivo signed a deal on camera lenses.\n\nVivo expects more phones.",
            "Sony acquired a sensor start-up in Osaka last spring.",
            "Xiaomi teamed up with Leica. The Xiaomi 12 Ultra carries Leica optics.",
            "Apple competes with Samsung in every market, analysts said.",
            "Huawei ended its partnership with Leica after several years.",
            "Hasselblad works with OnePlus on colour tuning for its cameras.",
            "Samsung supplies displays to Apple under a long contract.",
        ]
    )
)
ARTICLE_TEXTS = {
    "lens-deal.md": "Zeiss and Vivo signed a deal on camera lenses.\n",
    "rivals.md": "Apple competes with Samsung in every market, analysts said.\n",
    "split.txt": "Huawei ended its partnership with Leica after several years.\n",
    "optics.md": "Xiaomi teamed up with Leica. The Xiaomi 12 Ultra carries Leica optics.\n",
}


def quads_of(store) -> list[str]:
    return sorted(store.dump("nquads").decode("utf-8").splitlines())


@pytest.fixture(scope="module")
def local_quads() -> list[str]:
    store = open_store("memory:")
    build(store, ARTICLES)
    return quads_of(store)


@pytest.fixture
def article_dir(tmp_path: Path) -> Path:
    return write_article_dir(tmp_path / "articles")


@pytest.mark.parametrize(
    ("name", "workers", "scheduler", "expected"),
    [
        ("local", 1, None, Local()),
        ("local", 3, None, Pool(3)),
        ("dask", 1, None, Dask(None, 1)),
        ("dask", 2, "tcp://10.0.0.5:8786", Dask("tcp://10.0.0.5:8786", 2)),
    ],
)
def test_parallel_engine_for_picks_engine(name, workers, scheduler, expected) -> None:
    assert engine_for(name, workers, scheduler) == expected


@pytest.mark.parametrize(
    ("name", "workers", "scheduler", "message"),
    [
        ("local", 0, None, "--workers must be 1 or more, not 0"),
        ("spark", 1, None, "unknown engine 'spark'; use one of local, dask"),
        ("local", 1, "tcp://10.0.0.5:8786", "--scheduler needs --engine dask"),
    ],
)
def test_parallel_engine_for_rejects(name, workers, scheduler, message) -> None:
    with pytest.raises(EngineError) as caught:
        engine_for(name, workers, scheduler)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("count", "size", "sizes"), [(7, 3, [3, 3, 1]), (6, 3, [3, 3]), (0, 3, []), (2, 5, [2])]
)
def test_parallel_chunked_sizes(count: int, size: int, sizes: list[int]) -> None:
    chunks = list(chunked((Article(str(i), "x") for i in range(count)), size))
    assert [len(c) for c in chunks] == sizes
    assert [a.id for c in chunks for a in c] == [str(i) for i in range(count)]


@pytest.mark.parametrize(("window", "chunks"), [(1, 5), (2, 5), (3, 2)])
def test_parallel_in_order_bounds_work_in_flight(window: int, chunks: int) -> None:
    submitted: list[int] = []
    consumed = 0

    def work(chunk: list[Article]) -> list[GraphRecord]:
        return [GraphRecord(a.id, "") for a in chunk]

    def articles() -> Iterator[list[Article]]:
        for i in range(chunks):
            yield [Article(f"{i}-a", "x"), Article(f"{i}-b", "x")]

    with ThreadPoolExecutor(4) as pool:

        def submit(chunk: list[Article]):
            assert len(submitted) - consumed < window
            submitted.append(len(submitted))
            return pool.submit(work, chunk)

        ids = []
        for item in in_order(submit, articles(), window):
            ids.append(item.iri)
            consumed = (len(ids) + 1) // 2
    assert ids == [f"{i}-{s}" for i in range(chunks) for s in "ab"]


@pytest.mark.model
@pytest.mark.parametrize("workers", [2])
def test_parallel_pool_equals_local_build(workers: int, local_quads: list[str]) -> None:
    store = open_store("memory:")
    report = build(store, ARTICLES, engine=Pool(workers, batch_size=2))
    assert (report.added, report.skipped) == (len(ARTICLES), 0)
    assert quads_of(store) == local_quads


@pytest.mark.model
def test_parallel_pool_workers_see_this_process_environment(monkeypatch, local_quads) -> None:
    """Workers fork from a server started once, yet see the environment the pool starts in
    (``--min-confidence`` reaches them that way)."""
    build(open_store("memory:"), ARTICLES[:2], engine=Pool(2, batch_size=1))  # a server runs
    monkeypatch.setenv("KG_MIN_CONFIDENCE", "0.99")
    pooled, local = open_store("memory:"), open_store("memory:")
    build(pooled, ARTICLES, engine=Pool(2, batch_size=2))
    build(local, ARTICLES)
    assert quads_of(pooled) == quads_of(local) != local_quads


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as running:
        yield running


@pytest.mark.model
@pytest.mark.parametrize("partition_size", [1, 3])
def test_parallel_dask_equals_local_build(cluster, partition_size: int, local_quads) -> None:
    store = open_store("memory:")
    engine = Dask(cluster.scheduler_address, partition_size=partition_size)
    report = build(store, ARTICLES, engine=engine)
    assert (report.added, report.skipped) == (len(ARTICLES), 0)
    assert quads_of(store) == local_quads


@pytest.mark.model
def test_parallel_dask_writes_remote_store(cluster, tmp_path: Path, local_quads) -> None:
    with oxigraph_server(tmp_path / "server") as server:
        remote = open_store(server.url)
        build(remote, ARTICLES, engine=Dask(cluster.scheduler_address, partition_size=2))
        assert quads_of(remote) == local_quads


def write_article_dir(folder: Path) -> Path:
    folder.mkdir()
    for name, text in ARTICLE_TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The articles' folder, and the sorted N-Quads of a one-process ``kg build`` of it."""
    tmp = tmp_path_factory.mktemp("local")
    folder = write_article_dir(tmp / "articles")
    assert main(["build", str(folder), "--no-progress", "--store", str(tmp / "store")]) == 0
    assert main(["export", "--store", str(tmp / "store"), "-o", str(tmp / "local.nq")]) == 0
    return folder, sorted((tmp / "local.nq").read_text(encoding="utf-8").splitlines())


@pytest.mark.model
@pytest.mark.parametrize(
    "flags",
    [
        ["--workers", "2"],
        ["--engine", "dask", "--workers", "2"],
        ["--engine", "dask", "--scheduler"],
    ],
)
def test_parallel_cli_build_exports_equal_local(
    cluster, flags: list[str], local_export: tuple[Path, list[str]], tmp_path: Path
) -> None:
    if flags[-1] == "--scheduler":
        flags = [*flags, cluster.scheduler_address]
    folder, local_lines = local_export
    other = tmp_path / "other"
    assert main(["build", str(folder), "--no-progress", "--store", str(other), *flags]) == 0
    assert main(["export", "--store", str(other), "-o", str(tmp_path / "other.nq")]) == 0
    other_lines = sorted((tmp_path / "other.nq").read_text(encoding="utf-8").splitlines())
    assert len(local_lines) > 4 * len(ARTICLE_TEXTS)
    assert other_lines == local_lines


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_parallel_dask_unreachable_scheduler_is_one_line(
    capsys, monkeypatch: pytest.MonkeyPatch, article_dir: Path, tmp_path
):
    import distributed

    client = distributed.Client

    def impatient(*args, **kwargs):
        """kg waits 10 s for a scheduler; the refused port says no at once, so 1 s will do."""
        return client(*args, **{**kwargs, "timeout": "1s"})

    monkeypatch.setattr(distributed, "Client", impatient)
    address = f"tcp://127.0.0.1:{closed_port()}"
    code = main(
        [
            "build",
            str(article_dir),
            "--store",
            str(tmp_path / "s"),
            "--engine",
            "dask",
            "--scheduler",
            address,
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"kg: error: cannot reach the Dask scheduler at {address} (")
    assert err.endswith(
        "check the address (tcp://HOST:8786) and that `dask scheduler` is running\n"
    )
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--scheduler", "tcp://10.0.0.5:8786"], "kg: error: --scheduler needs --engine dask\n"),
        (["--workers", "0"], "kg: error: invalid value for '--workers'"),
        (["--engine", "spark"], "kg: error: invalid value for '--engine'"),
    ],
)
def test_parallel_cli_rejects_bad_engine_flags(capsys, flags, message, article_dir, tmp_path):
    code = main(["build", str(article_dir), "--store", str(tmp_path / "s"), *flags])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("flags", [["--workers", "2"], ["--engine", "dask", "--workers", "1"]])
def test_parallel_worker_errors_are_one_line(capfd, flags, article_dir, tmp_path):
    store = tmp_path / "s"
    code = main(
        [
            "build",
            str(article_dir),
            "--store",
            str(store),
            "--model",
            "no_such_model",
            "--no-progress",
            *flags,
        ]
    )
    err = capfd.readouterr().err
    assert code == 2
    assert err == (
        "kg: error: spaCy pipeline 'no_such_model' is not installed; "
        "install it or pick another with --model\n"
    )
