"""Mentions + rule facts -> Candidates: every pair of mentions in a sentence that a
relation's domain and range fit, described by generic features for the decision pass.

Candidates are proposed broadly (any two mentions a few dependency arcs apart), so
recall does not depend on a rule having been written for the phrasing; what decides
is the model in ``kg.extract.decide``. The features say how the two mentions are
linked (the dependency path, its words, the words between them), which triggers of
the relation are near, which rule (``patterns.yaml``) proposed the same fact, and
what the mentions are (class, gazetteer roles, references back).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.extract.patterns import TriggerMatch, Words
from kg.extract.syntax import conj_root
from kg.model import Fact, Mention, Modality
from kg.ontology import YEAR_CLASS, Relation

MAX_PATH = 10
"""Pairs further apart in the parse than this many arcs are not proposed."""
CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADP", "ADV", "PART", "AUX", "PROPN", "NUM"})
ROLE_RELATIONS = frozenset({"hasOptics", "manufacturedBy"})
"""Relations whose object's gazetteer role (optics brand, maker) is a feature; for the
others a known name's role would only teach the model which companies the training
articles happened to pair."""
SHARED = frozenset(
    {"rule", "dist", "gap", "order", "sdep", "odep", "dpath", "sana", "oana", "head", "conj",
     "interv", "nm", "trigd", "trig", "trigon", "appos", "poss", "rulemod", "other", "sner",
     "oner", "sgaz", "ogaz"}
)  # fmt: skip
"""Feature kinds also emitted without the relation's name, so relations with few
examples borrow what the others teach (rules fire, short paths, lists)."""


@dataclass(frozen=True)
class Candidate:
    """A possible fact: two mentions and a relation, with the features that decide it
    and, when a rule stated it, that rule's fact (its modality and pattern)."""

    subject: Mention
    relation: str
    obj: Mention
    sent_index: int
    features: tuple[str, ...]
    rule: Fact | None = None


def bucket(n: int) -> str:
    """A count as a coarse bin, so features generalise across lengths.

    >>> [bucket(n) for n in (0, 2, 5, 9, 30)]
    ['0-1', '2-3', '4-6', '7-10', '11+']
    """
    for top, name in ((1, "0-1"), (3, "2-3"), (6, "4-6"), (10, "7-10")):
        if n <= top:
            return name
    return "11+"


def path_between(a: Token, b: Token) -> tuple[list[Token], list[Token]] | None:
    """The dependency path from ``a`` up to the lowest common ancestor (included) and
    from ``b`` up to it (excluded), or None when they are in different trees."""
    up_a = [a, *a.ancestors]
    index = {t.i: n for n, t in enumerate(up_a)}
    up_b: list[Token] = []
    for token in [b, *b.ancestors]:
        if token.i in index:
            return up_a[: index[token.i] + 1], up_b
        up_b.append(token)
    return None


def lemma(token: Token) -> str:
    return token.lemma_.lower()


class CandidateReader:
    """Proposes candidates for one doc; relations and their domain/range come from
    the ontology, triggers and rule facts from the rule passes."""

    def __init__(self, relations: Iterable[Relation], roles: dict[str, frozenset[str]]) -> None:
        self.relations = tuple(relations)
        self.roles = roles

    def candidates(
        self,
        doc: Doc,
        words: Words,
        mentions: Sequence[Mention],
        roots: dict[Mention, Token | None],
        triggers: Sequence[TriggerMatch],
        rule_facts: Sequence[Fact],
    ) -> list[Candidate]:
        by_sentence: dict[int, list[Mention]] = {}
        for m in mentions:
            if roots.get(m) is not None:
                by_sentence.setdefault(m.sent_index, []).append(m)
        sents = list(doc.sents)
        sent_of = {s.start: n for n, s in enumerate(sents)}
        sent_by_char = {s.start_char: n for n, s in enumerate(sents)}
        triggers_by_sentence: dict[int, list[TriggerMatch]] = {}
        for t in triggers:
            n = sent_of[t.anchor.sent.start]
            triggers_by_sentence.setdefault(n, []).append(t)
        rules: dict[tuple[str, str, str, int], Fact] = {}
        for fact in rule_facts:
            key = (
                fact.subject.name,
                fact.predicate,
                _name(fact.obj),
                sent_by_char[fact.sent_start],
            )
            if key not in rules or rule_rank(fact) > rule_rank(rules[key]):
                rules[key] = fact
        found: list[Candidate] = []
        used: set[tuple[str, str, str, int]] = set()
        for n, group in by_sentence.items():
            for cand in self.sentence_candidates(
                n, group, roots, triggers_by_sentence.get(n, []), rules, words
            ):
                used.add((cand.subject.name, cand.relation, cand.obj.name, n))
                found.append(cand)
        for key, fact in rules.items():
            if key not in used:
                found.append(rule_only_candidate(fact, key[3]))
        return found

    def sentence_candidates(
        self,
        n: int,
        mentions: list[Mention],
        roots: dict[Mention, Token | None],
        triggers: list[TriggerMatch],
        rules: dict[tuple[str, str, str, int], Fact],
        words: Words,
    ) -> Iterator[Candidate]:
        ordered = sorted(mentions, key=lambda m: m.start_char)
        pair_rules: dict[tuple[str, str], set[str]] = {}
        for s_name, relation_name, o_name, index in rules:
            if index == n:
                pair_rules.setdefault((s_name, o_name), set()).add(relation_name)
                pair_rules.setdefault((o_name, s_name), set()).add(relation_name)
        triggered: dict[str, list[TriggerMatch]] = {}
        for t in triggers:
            triggered.setdefault(t.pattern.relation, []).append(t)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if a.name == b.name:
                    continue
                ra, rb = roots[a], roots[b]
                assert ra is not None and rb is not None
                if ra.i == rb.i:
                    continue
                path = path_between(ra, rb)
                if path is None or len(path[0]) + len(path[1]) - 1 > MAX_PATH:
                    continue
                for relation in self.relations:
                    if relation.name not in triggered and not pair_rules.get((a.name, b.name)):
                        continue
                    fits = (a.cls in relation.domain and b.cls in relation.range) or (
                        b.cls in relation.domain and a.cls in relation.range
                    )
                    if not fits:
                        continue
                    near = trigger_features(
                        relation.name, triggered.get(relation.name, []), path[0], path[1], ra, rb
                    )
                    for s, o, rs, ro, forward in ((a, b, ra, rb, True), (b, a, rb, ra, False)):
                        if s.cls not in relation.domain or o.cls not in relation.range:
                            continue
                        if relation.symmetric and not forward and a.cls == b.cls:
                            continue
                        rule = rules.get((s.name, relation.name, o.name, n))
                        if rule is None and relation.symmetric:
                            rule = rules.get((o.name, relation.name, s.name, n))
                        if rule is None and ("trigd", "0-1") not in near:
                            continue
                        feats = self.features(
                            relation, s, o, rs, ro, forward, ordered, near, rule, words
                        )
                        others = pair_rules.get((a.name, b.name), set()) - {relation.name}
                        feats += named(relation.name, [("other", r) for r in sorted(others)])
                        yield Candidate(s, relation.name, o, n, feats, rule)

    def features(
        self,
        relation: Relation,
        s: Mention,
        o: Mention,
        rs: Token,
        ro: Token,
        forward: bool,
        mentions: list[Mention],
        near: list[tuple[str, str]],
        rule: Fact | None,
        words: Words,
    ) -> tuple[str, ...]:
        """``near``: the relation's ``trigger_features`` for this pair; ``words``: the
        doc's token arrays, so the words between the mentions need no Token objects."""
        up, down = path_between(rs, ro) or ([rs], [])
        lca = up[-1]
        feats: list[tuple[str, str]] = [("b", ""), ("cls", f"{s.cls}>{o.cls}")]
        steps = [f"{t.dep_}<" for t in up[:-1]] + [f">{t.dep_}" for t in reversed(down)]
        length = len(steps)
        feats.append(("dist", bucket(length)))
        if length <= 5:
            feats.append(("dpath", " ".join(steps)))
            feats.append(
                ("lpath", " ".join([*steps[: len(up) - 1], lemma(lca), *steps[len(up) - 1 :]]))
            )
        if lca.i not in (rs.i, ro.i):
            feats.append(("lca", lemma(lca)))
        span_tokens = {rs.i, ro.i}
        interior = [t for t in (*up[1:], *down[1:]) if t.i not in span_tokens]
        for t in interior:
            if t.pos_ in CONTENT_POS:
                feats.append(("on", lemma(t)))
        first, last = (rs, ro) if rs.i < ro.i else (ro, rs)
        doc = rs.doc
        between = range(first.i + 1, last.i)
        feats.append(("gap", bucket(len(between))))
        if len(between) <= 12:
            for k in between:
                if words.pos[k] in CONTENT_POS and not doc[k].ent_type_:
                    feats.append(("btw", words.lemmas[k]))
        feats.append(("order", "so" if forward else "os"))
        feats.append(("sdep", rs.dep_))
        feats.append(("odep", ro.dep_))
        feats.append(("shead", lemma(rs.head)))
        feats.append(("ohead", lemma(ro.head)))
        if s.anaphor:
            feats.append(("sana", ""))
        if o.anaphor:
            feats.append(("oana", ""))
        feats += entity_evidence("s", s, rs) + entity_evidence("o", o, ro)
        if relation.name in ROLE_RELATIONS:
            for role in sorted(self.roles.get(o.name, ())):
                feats.append(("orole", role))
        if s.sent_index == 0:
            feats.append(("head", ""))
        same_range = sum(1 for m in mentions if m.cls == o.cls)
        feats.append(("nm", bucket(same_range)))
        if conj_root(rs) == conj_root(ro):
            feats.append(("conj", ""))
        lo, hi = sorted((s.start_char, o.start_char))
        if any(lo < m.start_char < hi and m.cls == o.cls for m in mentions if m not in (s, o)):
            feats.append(("interv", ""))
        if (rs.dep_ == "appos" and rs.head.i == ro.i) or (ro.dep_ == "appos" and ro.head.i == rs.i):
            feats.append(("appos", ""))
        if rs.dep_ == "poss" and rs.head.i == ro.i:
            feats.append(("poss", "s"))
        elif ro.dep_ == "poss" and ro.head.i == rs.i:
            feats.append(("poss", "o"))
        feats += near
        if rule is not None:
            feats.append(("rule", rule.pattern))
            feats.append(("rulemod", rule.modality.value))
        return named(relation.name, feats)


def trigger_features(
    relation: str,
    triggers: list[TriggerMatch],
    up: list[Token],
    down: list[Token],
    rs: Token,
    ro: Token,
) -> list[tuple[str, str]]:
    """The nearest trigger of the relation: its pattern, its word, whether it lies on
    the path between the mentions and how far it is from them."""
    on_path = {t.i for t in (*up, *down)}
    best: tuple[int, TriggerMatch] | None = None
    for t in triggers:
        if t.pattern.relation != relation:
            continue
        if t.anchor.i in on_path or t.tokens & on_path:
            d = 0
        else:
            d = min(_arcs(t.anchor, rs), _arcs(t.anchor, ro))
        if best is None or d < best[0]:
            best = (d, t)
    if best is None:
        return []
    d, t = best
    feats = [("trig", t.pattern.id), ("trigw", lemma(t.anchor)), ("trigd", bucket(d))]
    if d == 0:
        feats.append(("trigon", t.pattern.id))
    return feats


def entity_evidence(side: str, mention: Mention, root: Token) -> list[tuple[str, str]]:
    """How sure the mention's class is: the statistical model's own label on its root
    (an organisation it tagged PERSON was reclassified by context) and whether the
    gazetteer knows the name. Facts on names only context typed are wrong more often."""
    label = root.ent_type_ or "none"
    return [(f"{side}ner", f"{mention.cls}:{label}"), (f"{side}gaz", str(mention.gazetteer))]


def _arcs(a: Token, b: Token) -> int:
    path = path_between(a, b)
    return 99 if path is None else len(path[0]) + len(path[1]) - 1


def named(relation: str, feats: list[tuple[str, str]]) -> tuple[str, ...]:
    out = [f"{relation}|{k}={v}" for k, v in feats]
    out += [f"*|{k}={v}" for k, v in feats if k in SHARED]
    return tuple(dict.fromkeys(out))


def rule_only_candidate(fact: Fact, sent_index: int) -> Candidate:
    """A rule's fact whose mentions were not paired (a product's maker read from its
    name): decided on the rule alone."""
    obj = fact.obj
    if isinstance(obj, str):
        s = fact.subject
        obj = Mention(obj, obj, YEAR_CLASS, s.start_char, s.end_char, sent_index)
    feats = [
        ("b", ""),
        ("cls", f"{fact.subject.cls}>{obj.cls}"),
        ("rule", fact.pattern),
        ("rulemod", fact.modality.value),
        ("ruleonly", ""),
    ]
    if fact.subject.anaphor:
        feats.append(("sana", ""))
    if sent_index == 0:
        feats.append(("head", ""))
    return Candidate(
        fact.subject, fact.predicate, obj, sent_index, named(fact.predicate, feats), fact
    )


def _name(obj: Mention | str) -> str:
    return obj if isinstance(obj, str) else obj.name


def rule_rank(fact: Fact) -> tuple[bool, float]:
    """Which of two rule facts for one triple in one sentence a candidate carries: a
    denial first (denial wins), then the more confident."""
    return (fact.modality is Modality.NEGATED, fact.confidence)
