"""Articles -> article graphs, streaming: spaCy parses in batches, nothing is held for long."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Graph

from kg.extract import extractor_for
from kg.model import Article, Extraction, Resolution
from kg.nlp import load_pipeline
from kg.rdf import article_graph
from kg.resolve import resolve

BATCH_SIZE = 32


def extractions(
    articles: Iterable[Article], model: str | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[Extraction]:
    nlp = load_pipeline(model)
    extractor = extractor_for(nlp)
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield extractor(doc, article)


def resolutions(articles: Iterable[Article], model: str | None = None) -> Iterator[Resolution]:
    for extraction in extractions(articles, model):
        yield resolve(extraction)


def article_graphs(articles: Iterable[Article], model: str | None = None) -> Iterator[Graph]:
    """One named graph per article, in input order."""
    for resolution in resolutions(articles, model):
        yield article_graph(resolution)
