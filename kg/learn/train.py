"""Annotated articles -> RelationModel: the decision model, fitted on gold triples.

Every candidate the extractor proposes in an annotated article is an example:
positive when its triple (after in-article resolution, compared as the scorer
compares names) is one of the article's gold ``triples``, negative when it is
neither a triple nor ``optional`` (optional ones are left out). A logistic
regression (scikit-learn, L-BFGS, fixed settings: the same data gives the same
weights) learns the feature weights; only the non-zero ones are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KGError
from kg.extract.candidates import Candidate
from kg.extract.decide import RelationModel
from kg.extract.facts import Extractor
from kg.model import Mention
from kg.ontology import load_ontology
from kg.resolve import build_entities, mention_keys

C = 0.3
"""Inverse L2 regularisation strength, chosen by grouped cross-validation on train + dev."""
THRESHOLD = 0.7
RULE_THRESHOLD = 0.1
MIN_WEIGHT = 0.01
"""Smaller weights are dropped: they change no decision and keep the artefact small."""


@dataclass(frozen=True)
class Example:
    article: str
    features: tuple[str, ...]
    label: int


def resolved_names(mentions: Sequence[Mention], candidates: Sequence[Candidate]) -> dict:
    """Each mention's entity label after in-article resolution (what the scorer sees)."""
    ontology = load_ontology()
    suffixes = ontology.corporate_suffixes
    pool = tuple(dict.fromkeys([*mentions, *(m for c in candidates for m in (c.subject, c.obj))]))
    pool = tuple(m for m in pool if m.cls != "Year")
    keys = mention_keys(pool, suffixes)
    entities = build_entities(pool, keys, ontology)
    return {m: entities[keys[m]].label for m in pool}


def article_examples(gold, article_id: str, extractor: Extractor, doc) -> Iterator[Example]:
    mentions, candidates = extractor.proposals(doc)
    names = resolved_names(mentions, candidates)
    for cand in candidates:
        s = names.get(cand.subject, cand.subject.name)
        o = cand.obj.name if cand.obj.cls == "Year" else names.get(cand.obj, cand.obj.name)
        key = gold.key((s, cand.relation, o))
        if key in gold.triples:
            yield Example(article_id, cand.features, 1)
        elif key not in gold.optional:
            yield Example(article_id, cand.features, 0)


def training_examples(gold_files: Iterable[Path], model: str | None = None) -> list[Example]:
    """Examples from every article of the gold files (articles in each file's folder)."""
    from kg.evaluate import read_gold
    from kg.ingest import read_article
    from kg.nlp import load_pipeline

    nlp = load_pipeline(model)
    extractor = Extractor(nlp, model=None)
    found: list[Example] = []
    for gold_file in gold_files:
        golds = read_gold(gold_file)
        articles = [read_article(gold_file.parent / g.article) for g in golds]
        docs = nlp.pipe(a.document for a in articles)
        for gold, article, doc in zip(golds, articles, docs, strict=True):
            found.extend(
                article_examples(gold, f"{gold_file.parent.name}/{article.id}", extractor, doc)
            )
    return found


def learner() -> tuple[type, type]:
    """scikit-learn's DictVectorizer and LogisticRegression, or a KGError saying how
    to install them (training is optional; extraction needs only the weights)."""
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as err:
        raise KGError(
            "training needs scikit-learn; install it with: pip install 'kg[train]'"
        ) from err
    return DictVectorizer, LogisticRegression


def fit(
    found: Sequence[Example],
    c: float = C,
    threshold: float = THRESHOLD,
    rule_threshold: float | None = None,
) -> RelationModel:
    """A logistic regression over the examples' features (binary), as a RelationModel."""
    vectorizer_class, model_class = learner()
    if not found or len({e.label for e in found}) < 2:
        raise KGError("no positive and negative examples to train on; check the gold files")
    vectorizer = vectorizer_class()
    x = vectorizer.fit_transform([dict.fromkeys(e.features, 1) for e in found])
    y = [e.label for e in found]
    clf = model_class(C=c, solver="lbfgs", max_iter=5000)
    clf.fit(x, y)
    weights = {
        name: float(w)
        for name, w in zip(vectorizer.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= MIN_WEIGHT
    }
    meta = {
        "examples": len(found),
        "positives": sum(y),
        "articles": len({e.article for e in found}),
        "C": c,
    }
    rules = RULE_THRESHOLD if rule_threshold is None else rule_threshold
    return RelationModel(weights, float(clf.intercept_[0]), threshold, rules, meta)
