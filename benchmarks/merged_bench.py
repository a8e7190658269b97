"""What time and the merged layer cost a build: two shares measured in one run.

1. The time pass (``kg.temporal`` via ``kg.rdf.time_triples``) against extraction
   (spaCy's parse plus kg's rules) over the same articles: target <= 5%.
2. The merged layer's upkeep (``kg.store.merged``: reading what a batch touched,
   merging its evidence, rewriting those entries) against the whole build's wall
   time, building N generated articles into an embedded store on disk.

    python benchmarks/merged_bench.py --articles 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from make_corpus import write_corpus


class Clock:
    """Seconds spent inside wrapped functions (not counting nested calls twice)."""

    def __init__(self) -> None:
        self.spent = 0.0
        self.depth = 0

    def wrap(self, fn: Callable) -> Callable:
        def timed(*args: object, **kwargs: object) -> object:
            self.depth += 1
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.depth -= 1
                if self.depth == 0:
                    self.spent += time.perf_counter() - started

        return timed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="how many (default 1000)")
    args = parser.parse_args(argv)

    import kg.rdf
    import kg.store.base
    import kg.store.merged as merged
    from kg.extract import extractor_for
    from kg.ingest import read_articles
    from kg.nlp import load_pipeline
    from kg.pipeline import BATCH_SIZE, GraphRecord, write_batch
    from kg.resolve import resolve
    from kg.store import open_store

    timing = Clock()
    kg.rdf.time_triples = timing.wrap(kg.rdf.time_triples)
    upkeep = Clock()
    for name in ("refresh", "touched_in_store", "touched_in_ntriples"):
        setattr(merged, name, upkeep.wrap(getattr(merged, name)))

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "corpus"
        write_corpus(folder, args.articles)
        articles = list(read_articles([folder]))
        nlp = load_pipeline()
        extractor = extractor_for(nlp)
        store = open_store(Path(work) / "store")
        spent = {"spacy": 0.0, "rules": 0.0, "rest": 0.0}
        pending: list[GraphRecord] = []
        build_started = time.perf_counter()
        docs = nlp.pipe(((a.document, a) for a in articles), as_tuples=True, batch_size=BATCH_SIZE)
        while True:
            started = time.perf_counter()
            try:
                doc, article = next(docs)
            except StopIteration:
                break
            spent["spacy"] += time.perf_counter() - started
            started = time.perf_counter()
            extraction = extractor(doc, article)
            spent["rules"] += time.perf_counter() - started
            resolution = resolve(extraction)
            pending.append(
                GraphRecord(
                    kg.ontology.article_iri(article.id), kg.rdf.article_ntriples(resolution)
                )
            )
            if len(pending) == 64:
                write_batch(store, pending)
                pending = []
        if pending:
            write_batch(store, pending)
        wall = time.perf_counter() - build_started
        quads = len(store)
        store.close()

    extraction = spent["spacy"] + spent["rules"]
    load = os.getloadavg()
    print(f"{args.articles} generated articles; load average {load[0]:.2f} {load[1]:.2f} (2 cores)")
    print(
        f"extraction (spaCy {spent['spacy']:.2f}s + rules {spent['rules']:.2f}s): {extraction:.2f}s"
    )
    print(f"time pass (kg.temporal):         {timing.spent:.3f}s = "
          f"{timing.spent / extraction:.2%} of extraction (target <= 5%)")  # fmt: skip
    print(f"build wall time:                 {wall:.2f}s ({quads} quads)")
    print(f"merged-layer upkeep:             {upkeep.spent:.2f}s = "
          f"{upkeep.spent / wall:.2%} of the build")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
