"""Scoring extraction against gold triples, as ../shared/corpus/README.md defines it.

Names match after NFKC, case-folding, punctuation to spaces and collapsed
spaces; a name equal to a gold entity's name or alias is that entity;
symmetric relations match either way round; ``optional`` triples are neither
rewarded nor punished; a predicted ``negatives`` triple is a negation
violation (and a false positive).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS

from kg.ingest import read_article
from kg.ontology import RELATIONS, SYMMETRIC, normalise
from kg.pipeline import article_graphs
from kg.rdf import KG

Triple = tuple[str, str, str]


CURVE_THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


@dataclass(frozen=True)
class Prediction:
    """Scored triples with an evidence sentence, types per name, and each triple's
    highest stated confidence (``kg:confidence`` of its evidence)."""

    triples: dict[Triple, str]
    types: dict[str, set[str]]
    confidence: dict[Triple, float] = field(default_factory=dict)

    def at_least(self, threshold: float) -> Prediction:
        """The prediction keeping only triples whose confidence reaches ``threshold``."""
        kept = {t: s for t, s in self.triples.items() if self.confidence.get(t, 1.0) >= threshold}
        return Prediction(kept, self.types, self.confidence)


@dataclass
class ArticleScore:
    article: str
    tp: list[Triple] = field(default_factory=list)
    fp: list[Triple] = field(default_factory=list)
    fn: list[Triple] = field(default_factory=list)
    violations: list[Triple] = field(default_factory=list)
    evidence: dict[Triple, str] = field(default_factory=dict)
    typed_right: int = 0
    typed_found: int = 0


@dataclass
class EvaluationResult:
    articles: list[ArticleScore]

    @property
    def tp(self) -> int:
        return sum(len(a.tp) for a in self.articles)

    @property
    def fp(self) -> int:
        return sum(len(a.fp) for a in self.articles)

    @property
    def fn(self) -> int:
        return sum(len(a.fn) for a in self.articles)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def violations(self) -> int:
        return sum(len(a.violations) for a in self.articles)

    @property
    def type_accuracy(self) -> float:
        found = sum(a.typed_found for a in self.articles)
        return sum(a.typed_right for a in self.articles) / found if found else 1.0

    def render(self, show: bool = False) -> str:
        lines = []
        if show:
            for a in self.articles:
                for kind, triples in (("FP", a.fp), ("FN", a.fn), ("NEG", a.violations)):
                    for t in triples:
                        lines.append(f"{kind}  {a.article}: {t[0]} {t[1]} {t[2]}")
                        if t in a.evidence:
                            lines.append(f'      "{a.evidence[t]}"')
            lines.append("")
        lines += [
            f"articles             {len(self.articles)}",
            f"true positives       {self.tp}",
            f"false positives      {self.fp}",
            f"false negatives      {self.fn}",
            f"precision            {self.precision:.3f}",
            f"recall               {self.recall:.3f}",
            f"f1                   {self.f1:.3f}",
            f"negation violations  {self.violations}",
            f"type accuracy        {self.type_accuracy:.3f}",
        ]
        return "\n".join(lines)


def predicted(graph: Graph) -> Prediction:
    """Scored triples (by label) with an evidence sentence each, and the types per label."""
    labels = {s: str(o) for s, o in graph.subject_objects(RDFS.label)}
    labels.update({s: str(o) for s, o in graph.subject_objects(SKOS.prefLabel) if s not in labels})
    sentences = {}
    confidences: dict[tuple, float] = {}
    for ev in graph.subjects(RDF.type, RDF.Statement):
        key = (
            graph.value(ev, RDF.subject),
            graph.value(ev, RDF.predicate),
            graph.value(ev, RDF.object),
        )
        sentences.setdefault(key, str(graph.value(ev, KG.sentence)))
        value = graph.value(ev, KG.confidence)
        if value is not None and graph.value(ev, KG.modality) != KG.Negated:
            confidences[key] = max(confidences.get(key, 0.0), float(value))
    triples: dict[Triple, str] = {}
    confidence: dict[Triple, float] = {}
    relation_terms = {KG[r]: r for r in RELATIONS}
    for s, p, o in graph:
        relation = relation_terms.get(p) or _local_relation(p)
        if relation is None or s not in labels:
            continue
        obj = str(o) if isinstance(o, Literal) else labels.get(o)
        if obj is None:
            continue
        triples[(labels[s], relation, obj)] = sentences.get((s, p, o), "")
        if (s, p, o) in confidences:
            confidence[(labels[s], relation, obj)] = confidences[(s, p, o)]
    types: dict[str, set[str]] = {}
    for s, label in labels.items():
        types.setdefault(normalise(label), set()).update(
            str(t).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in graph.objects(s, RDF.type)
        )
    return Prediction(triples, types, confidence)


def _local_name(term: object) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _local_relation(term: object) -> str | None:
    name = _local_name(term)
    return name if name in RELATIONS else None


class GoldArticle:
    def __init__(self, record: dict) -> None:
        self.article: str = record["article"]
        self.entities: list[dict] = record.get("entities", [])
        self.names: dict[str, str] = {}
        for entity in self.entities:
            for name in (entity["name"], *entity.get("aliases", ())):
                self.names.setdefault(normalise(name), normalise(entity["name"]))
        self.triples = {self.key(t) for t in record.get("triples", [])}
        self.optional = {self.key(t) for t in record.get("optional", [])}
        self.negatives = {self.key(t) for t in record.get("negatives", [])}

    def entity(self, name: str) -> str:
        n = normalise(name)
        return self.names.get(n, n)

    def key(self, triple: Iterable[str]) -> Triple:
        s, p, o = triple
        s, o = self.entity(s), self.entity(o)
        if p in SYMMETRIC:
            s, o = sorted((s, o))
        return (s, p, o)


def score_article(gold: GoldArticle, prediction: Prediction) -> ArticleScore:
    score = ArticleScore(gold.article)
    seen: set[Triple] = set()
    for triple, sentence in prediction.triples.items():
        key = gold.key(triple)
        if key in seen:
            continue
        seen.add(key)
        score.evidence[key] = sentence
        if key in gold.negatives:
            score.violations.append(key)
        if key in gold.triples:
            score.tp.append(key)
        elif key not in gold.optional:
            score.fp.append(key)
    score.fn = sorted(gold.triples - seen)
    for entity in gold.entities:
        names = [normalise(n) for n in (entity["name"], *entity.get("aliases", ()))]
        found = [prediction.types[n] for n in names if n in prediction.types]
        if found:
            score.typed_found += 1
            score.typed_right += any(entity["type"] in t for t in found)
    return score


def read_gold(path: Path) -> list[GoldArticle]:
    with path.open(encoding="utf-8") as fh:
        return [GoldArticle(json.loads(line)) for line in fh if line.strip()]


def corpus_predictions(
    gold_path: Path, articles_dir: Path, model: str | None = None
) -> list[tuple[GoldArticle, Prediction]]:
    """Each gold article with what extraction predicts for it."""
    golds = read_gold(gold_path)
    articles = [read_article(articles_dir / g.article) for g in golds]
    graphs = article_graphs(articles, model)
    return [(g, predicted(graph)) for g, graph in zip(golds, graphs, strict=True)]


def scored(
    pairs: Iterable[tuple[GoldArticle, Prediction]], threshold: float = 0.0
) -> EvaluationResult:
    """The scores of the predictions whose confidence reaches ``threshold``."""
    return EvaluationResult([score_article(g, p.at_least(threshold)) for g, p in pairs])


def curve(
    pairs: list[tuple[GoldArticle, Prediction]], thresholds: Iterable[float] = CURVE_THRESHOLDS
) -> str:
    """Precision and recall at each confidence threshold, as a table."""
    lines = ["min confidence  triples  precision  recall  f1"]
    for t in thresholds:
        r = scored(pairs, t)
        lines.append(
            f"{t:>14.2f}  {r.tp + r.fp:>7}  {r.precision:>9.3f}  {r.recall:>6.3f}  {r.f1:.3f}"
        )
    return "\n".join(lines)


def evaluate_corpus(
    gold_path: Path, articles_dir: Path, model: str | None = None
) -> EvaluationResult:
    return scored(corpus_predictions(gold_path, articles_dir, model))
