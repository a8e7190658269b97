"""What time and the merged layer cost a build: two shares measured in one run.

1. The time pass (``kg.temporal`` via ``kg.rdf.time_triples``) against extraction
   (spaCy's parse plus kg's rules) over the same articles: target <= 5%.
2. The merged layer's upkeep (``kg.store.merged``: reading what a batch touched,
   merging its evidence, rewriting those entries) against the whole build's wall
   time: every batch of N generated articles is written to two embedded stores on
   disk, one keeping the merged layer and one not, and the difference is the upkeep.

    python benchmarks/merged_bench.py --articles 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import timed_parses
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
                result = fn(*args, **kwargs)
                return list(result) if isinstance(result, types.GeneratorType) else result
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
    from kg.pipeline import GraphRecord, write_batch
    from kg.resolve import resolve
    from kg.store import open_store

    timing = Clock()
    kg.rdf.time_triples = timing.wrap(kg.rdf.time_triples)
    real_steps, real_touched = merged.refresh_steps, merged.touched_in_store
    real_pending = merged.Pending.of

    def unread(graphs: list[tuple[str, str]]) -> merged.Pending:
        return merged.Pending(tuple(iri for iri, _ in graphs))

    def without_merged(on: bool) -> None:
        """Switch the merged layer's upkeep off (the store then writes graphs only)."""
        merged.refresh_steps = real_steps if on else (lambda *a, **k: [])
        merged.touched_in_store = real_touched if on else (lambda *a, **k: merged.Touched())
        merged.Pending.of = real_pending if on else unread

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "corpus"
        write_corpus(folder, args.articles)
        articles = list(read_articles([folder]))
        nlp = load_pipeline()
        extractor = extractor_for(nlp)
        stores = {"merged": open_store(Path(work) / "a"), "plain": open_store(Path(work) / "b")}
        spent = {"spacy": 0.0, "rules": 0.0, "merged": 0.0, "plain": 0.0}
        pending: list[GraphRecord] = []

        def write(records: list[GraphRecord]) -> None:
            for name in ("plain", "merged"):  # the same batch into both stores, timed apart
                without_merged(name == "merged")
                started = time.perf_counter()
                write_batch(stores[name], records)
                spent[name] += time.perf_counter() - started
            without_merged(True)

        build_started = time.perf_counter()
        with stores["merged"].remembering():  # as kg build's write_records does
            for doc, article in timed_parses(nlp, articles, spent):
                started = time.perf_counter()
                extraction = extractor(doc, article)
                spent["rules"] += time.perf_counter() - started
                resolution = resolve(extraction)
                iri = kg.ontology.article_iri(article.id)
                pending.append(GraphRecord(iri, kg.rdf.article_ntriples(resolution)))
                if len(pending) == 64:
                    write(pending)
                    pending = []
            if pending:
                write(pending)
        total = time.perf_counter() - build_started
        quads = {name: len(store) for name, store in stores.items()}
        for store in stores.values():
            store.close()

    extraction = spent["spacy"] + spent["rules"]
    build = total - spent["plain"]  # one build: everything but the comparison store's writes
    upkeep = spent["merged"] - spent["plain"]
    load = os.getloadavg()
    print(f"{args.articles} generated articles; load average {load[0]:.2f} {load[1]:.2f} (2 cores)")
    print(
        f"extraction (spaCy {spent['spacy']:.2f}s + rules {spent['rules']:.2f}s): {extraction:.2f}s"
    )
    print(f"time pass (kg.temporal):  {timing.spent:.3f}s = "
          f"{timing.spent / extraction:.2%} of extraction (target <= 5%)")  # fmt: skip
    print(f"store writes, graphs only:           {spent['plain']:.2f}s ({quads['plain']} quads)")
    print(f"store writes, graphs + merged layer: {spent['merged']:.2f}s ({quads['merged']} quads)")
    print(f"build wall time (with merged layer): {build:.2f}s")
    print(f"merged-layer upkeep: {upkeep:.2f}s = {upkeep / build:.2%} of the build")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
