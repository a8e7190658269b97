"""Helpers the benchmark scripts share."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator


def timed_parses(nlp, articles: Iterable, spent: dict[str, float]) -> Iterator[tuple]:
    """Yield ``(doc, article)`` from ``nlp.pipe``, adding spaCy's time to ``spent["spacy"]``.

    Only the time inside ``nlp.pipe`` counts: what the caller does between items does not.
    """
    from kg.pipeline import BATCH_SIZE

    docs = nlp.pipe(((a.document, a) for a in articles), as_tuples=True, batch_size=BATCH_SIZE)
    while True:
        started = time.perf_counter()
        try:
            doc, article = next(docs)
        except StopIteration:
            return
        spent["spacy"] += time.perf_counter() - started
        yield doc, article
