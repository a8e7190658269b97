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
from kg.ontology import KG, RELATIONS, SYMMETRIC, normalise
from kg.pipeline import article_graphs

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Prediction:
    triples: dict[Triple, str]
    types: dict[str, set[str]]


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
    for ev in graph.subjects(RDF.type, RDF.Statement):
        key = (
            graph.value(ev, RDF.subject),
            graph.value(ev, RDF.predicate),
            graph.value(ev, RDF.object),
        )
        sentences.setdefault(key, str(graph.value(ev, KG.sentence)))
    triples: dict[Triple, str] = {}
    relation_terms = {KG[r]: r for r in RELATIONS}
    for s, p, o in graph:
        relation = relation_terms.get(p) or _local_relation(p)
        if relation is None or s not in labels:
            continue
        obj = str(o) if isinstance(o, Literal) else labels.get(o)
        if obj is None:
            continue
        triples[(labels[s], relation, obj)] = sentences.get((s, p, o), "")
    types: dict[str, set[str]] = {}
    for s, label in labels.items():
        types.setdefault(normalise(label), set()).update(
            str(t).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in graph.objects(s, RDF.type)
        )
    return Prediction(triples, types)


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


def evaluate_corpus(
    gold_path: Path, articles_dir: Path, model: str | None = None
) -> EvaluationResult:
    golds = read_gold(gold_path)
    articles = [read_article(articles_dir / g.article) for g in golds]
    graphs = article_graphs(articles, model)
    return EvaluationResult(
        [score_article(g, predicted(graph)) for g, graph in zip(golds, graphs, strict=True)]
    )
