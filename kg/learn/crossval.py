"""Annotated articles -> EvaluationResult: article-level cross-validation.

In-sample scores say little once a model is trained on the articles it is
scored on. Here every article is scored by a model fitted on the other folds
only: the articles are dealt into ``folds`` groups (sorted by name, article
``i`` in fold ``i % folds``: the same files give the same folds), and for each
fold the decision model is fitted on the others' candidates, then the whole
extractor runs on the held-out articles and the corpus scorer scores them. The
sum over folds is what rounds of rule changes are judged by (see
``docs/extraction-rounds.md``): the articles scored never taught the weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc

from kg.evaluate import (
    EvaluationResult,
    GoldArticle,
    Prediction,
    predicted,
    read_gold,
    score_article,
    scored,
)
from kg.extract.facts import Extractor
from kg.learn.train import Example, article_examples, fit
from kg.model import Article
from kg.rdf import article_graph
from kg.resolve import resolve

FOLDS = 5


@dataclass(frozen=True)
class Annotated:
    """One gold article, read and parsed once for every fold."""

    key: str
    gold: GoldArticle
    article: Article
    doc: Doc


def fold_of(index: int, folds: int) -> int:
    """The fold of the ``index``-th article in name order.

    >>> [fold_of(i, 3) for i in range(7)]
    [0, 1, 2, 0, 1, 2, 0]
    """
    return index % folds


def annotated_articles(gold_files: Iterable[Path], nlp) -> list[Annotated]:
    """Every article of the gold files, parsed, sorted by folder and name."""
    from kg.ingest import read_article

    found = []
    for gold_file in gold_files:
        golds = read_gold(gold_file)
        articles = [read_article(gold_file.parent / g.article) for g in golds]
        docs = nlp.pipe(a.document for a in articles)
        for gold, article, doc in zip(golds, articles, docs, strict=True):
            found.append(Annotated(f"{gold_file.parent.name}/{gold.article}", gold, article, doc))
    return sorted(found, key=lambda a: a.key)


def held_out_scores(
    annotated: Sequence[Annotated], nlp, folds: int = FOLDS, **settings: float
) -> EvaluationResult:
    """Each article scored by a model fitted on the other folds' articles.

    ``settings`` go to ``kg.learn.train.fit`` (``c``, ``threshold``, ``rule_threshold``).
    """
    return scored(held_out_predictions(annotated, nlp, folds, **settings))


def held_out_predictions(
    annotated: Sequence[Annotated], nlp, folds: int = FOLDS, **settings: float
) -> list[tuple[GoldArticle, Prediction]]:
    """Each article with what a model fitted on the other folds' articles predicts
    (``kg.evaluate.scored`` and ``curve`` score them at any confidence)."""
    proposer = Extractor(nlp, model=None)
    examples: dict[str, list[Example]] = {
        a.key: list(article_examples(a.gold, a.key, proposer, a.doc)) for a in annotated
    }
    pairs = []
    for fold in range(folds):
        held = [a for i, a in enumerate(annotated) if fold_of(i, folds) == fold]
        taught = [
            e for i, a in enumerate(annotated) if fold_of(i, folds) != fold for e in examples[a.key]
        ]
        extractor = Extractor(nlp, model=fit(taught, **settings))
        for a in held:
            pairs.append((a.gold, predicted(article_graph(resolve(extractor(a.doc, a.article))))))
    return pairs


def rules_only_scores(annotated: Sequence[Annotated], nlp) -> EvaluationResult:
    """The same articles scored with no decision model (the rules' facts alone)."""
    extractor = Extractor(nlp, model=None)
    return EvaluationResult(
        [
            score_article(a.gold, predicted(article_graph(resolve(extractor(a.doc, a.article)))))
            for a in annotated
        ]
    )
