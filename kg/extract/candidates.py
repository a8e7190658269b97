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

from spacy.attrs import ENT_TYPE
from spacy.tokens import Doc, Token

from kg.extract.patterns import TriggerMatch, Words
from kg.extract.syntax import contrast_phrase, parse_arrays, sentence_numbers
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
    {
        "rule",
        "dist",
        "gap",
        "order",
        "sdep",
        "odep",
        "dpath",
        "sana",
        "oana",
        "head",
        "conj",
        "interv",
        "nm",
        "trigd",
        "trig",
        "trigon",
        "appos",
        "poss",
        "rulemod",
        "other",
        "sner",
        "oner",
        "sgaz",
        "ogaz",
    }
)
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


class Tree:
    """A doc's parse read once as plain lists by token index (heads, dependency labels,
    entity types), with each token's chain of heads kept: spaCy builds a Token object
    on every access, and the candidates walk the same chains many times."""

    def __init__(self, doc: Doc) -> None:
        strings = doc.vocab.strings
        self.heads, self.deps = parse_arrays(doc)  # the doc's, read once
        self.ents: list[str] = (
            [strings[h] for h in doc.to_array(ENT_TYPE).tolist()] if len(doc) else []
        )
        self.chains: dict[int, list[int]] = {}
        self.positions: dict[int, dict[int, int]] = {}
        self.paths: dict[tuple[int, int], tuple[list[int], list[int]] | None] = {}

    def chain(self, i: int) -> list[int]:
        """``i`` and its ancestors, nearest first (``[t, *t.ancestors]``)."""
        found = self.chains.get(i)
        if found is None:
            found = [i]
            heads = self.heads
            t = i
            while heads[t] != t and len(found) <= len(heads):
                t = heads[t]
                found.append(t)
            self.chains[i] = found
        return found

    def path(self, a: int, b: int) -> tuple[list[int], list[int]] | None:
        """``path_between`` by token index."""
        key = (a, b)
        if key in self.paths:
            return self.paths[key]
        up_a = self.chain(a)
        index = self.chain_positions(a)
        found = None
        up_b: list[int] = []
        for t in self.chain(b):
            if t in index:
                found = (up_a[: index[t] + 1], up_b)
                break
            up_b.append(t)
        self.paths[key] = found
        return found

    def chain_positions(self, i: int) -> dict[int, int]:
        """Each token of ``chain(i)`` with its place in it (kept: paths start from the
        same tokens again and again)."""
        found = self.positions.get(i)
        if found is None:
            found = self.positions[i] = {t: n for n, t in enumerate(self.chain(i))}
        return found

    def arcs(self, a: int, b: int) -> int:
        """Arcs between two tokens (99: different trees)."""
        path = self.path(a, b)
        return 99 if path is None else len(path[0]) + len(path[1]) - 1

    def conj_root(self, i: int) -> int:
        """``syntax.conj_root`` by token index."""
        heads, deps = self.heads, self.deps
        while deps[i] in ("conj", "appos") and heads[i] != i:
            i = heads[i]
        return i


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
        sent_by_char = {s.start_char: n for n, s in enumerate(doc.sents)}
        sent_of = sentence_numbers(doc)
        triggers_by_sentence: dict[int, list[TriggerMatch]] = {}
        for t in triggers:
            triggers_by_sentence.setdefault(sent_of[t.anchor.i], []).append(t)
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
        tree = Tree(doc)
        for n, group in by_sentence.items():
            for cand in self.sentence_candidates(
                n, group, roots, triggers_by_sentence.get(n, []), rules, words, tree
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
        tree: Tree,
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
                ia, ib = ra.i, rb.i
                if ia == ib:
                    continue
                path = tree.path(ia, ib)
                if path is None or len(path[0]) + len(path[1]) - 1 > MAX_PATH:
                    continue
                if contrast_phrase(ra) != contrast_phrase(rb):
                    continue  # "Unlike Zeiss, Leica ...": set against, no party
                for relation in self.relations:
                    if relation.name not in triggered and not pair_rules.get((a.name, b.name)):
                        continue
                    fits = (a.cls in relation.domain and b.cls in relation.range) or (
                        b.cls in relation.domain and a.cls in relation.range
                    )
                    if not fits:
                        continue
                    near = trigger_features(
                        relation.name,
                        triggered.get(relation.name, []),
                        path[0],
                        path[1],
                        ia,
                        ib,
                        tree,
                        words,
                    )
                    for s, o, rs, ro, forward in ((a, b, ia, ib, True), (b, a, ib, ia, False)):
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
                            relation, s, o, rs, ro, forward, ordered, near, rule, words, tree
                        )
                        others = pair_rules.get((a.name, b.name), set()) - {relation.name}
                        feats += named(relation.name, [("other", r) for r in sorted(others)])
                        yield Candidate(s, relation.name, o, n, feats, rule)

    def features(
        self,
        relation: Relation,
        s: Mention,
        o: Mention,
        rs: int,
        ro: int,
        forward: bool,
        mentions: list[Mention],
        near: list[tuple[str, str]],
        rule: Fact | None,
        words: Words,
        tree: Tree,
    ) -> tuple[str, ...]:
        """``rs``, ``ro``: the mentions' root tokens by index; ``near``: the relation's
        ``trigger_features`` for this pair; ``words`` and ``tree``: the doc's token
        arrays, so no Token objects are needed."""
        up, down = tree.path(rs, ro) or ([rs], [])
        lca = up[-1]
        deps, heads, lemmas, pos = tree.deps, tree.heads, words.lemmas, words.pos
        feats: list[tuple[str, str]] = [("b", ""), ("cls", f"{s.cls}>{o.cls}")]
        steps = [f"{deps[t]}<" for t in up[:-1]] + [f">{deps[t]}" for t in reversed(down)]
        length = len(steps)
        feats.append(("dist", bucket(length)))
        if length <= 5:
            feats.append(("dpath", " ".join(steps)))
            feats.append(
                ("lpath", " ".join([*steps[: len(up) - 1], lemmas[lca], *steps[len(up) - 1 :]]))
            )
        if lca not in (rs, ro):
            feats.append(("lca", lemmas[lca]))
        interior = [t for t in (*up[1:], *down[1:]) if t != rs and t != ro]
        for t in interior:
            if pos[t] in CONTENT_POS:
                feats.append(("on", lemmas[t]))
        first, last = (rs, ro) if rs < ro else (ro, rs)
        between = range(first + 1, last)
        feats.append(("gap", bucket(len(between))))
        if len(between) <= 12:
            ents = tree.ents
            for k in between:
                if pos[k] in CONTENT_POS and not ents[k]:
                    feats.append(("btw", lemmas[k]))
        feats.append(("order", "so" if forward else "os"))
        feats.append(("sdep", deps[rs]))
        feats.append(("odep", deps[ro]))
        feats.append(("shead", lemmas[heads[rs]]))
        feats.append(("ohead", lemmas[heads[ro]]))
        if s.anaphor:
            feats.append(("sana", ""))
        if o.anaphor:
            feats.append(("oana", ""))
        feats += entity_evidence("s", s, tree.ents[rs]) + entity_evidence("o", o, tree.ents[ro])
        if relation.name in ROLE_RELATIONS:
            for role in sorted(self.roles.get(o.name, ())):
                feats.append(("orole", role))
        if s.sent_index == 0:
            feats.append(("head", ""))
        same_range = sum(1 for m in mentions if m.cls == o.cls)
        feats.append(("nm", bucket(same_range)))
        if tree.conj_root(rs) == tree.conj_root(ro):
            feats.append(("conj", ""))
        lo, hi = sorted((s.start_char, o.start_char))
        if any(lo < m.start_char < hi and m.cls == o.cls and m not in (s, o) for m in mentions):
            feats.append(("interv", ""))
        if (deps[rs] == "appos" and heads[rs] == ro) or (deps[ro] == "appos" and heads[ro] == rs):
            feats.append(("appos", ""))
        if deps[rs] == "poss" and heads[rs] == ro:
            feats.append(("poss", "s"))
        elif deps[ro] == "poss" and heads[ro] == rs:
            feats.append(("poss", "o"))
        feats += near
        if rule is not None:
            feats.append(("rule", rule.pattern))
            feats.append(("rulemod", rule.modality.value))
        return named(relation.name, feats)


def trigger_features(
    relation: str,
    triggers: list[TriggerMatch],
    up: list[int],
    down: list[int],
    rs: int,
    ro: int,
    tree: Tree,
    words: Words,
) -> list[tuple[str, str]]:
    """The nearest trigger of the relation: its pattern, its word, whether it lies on
    the path between the mentions and how far it is from them (tokens by index)."""
    on_path = {*up, *down}
    best: tuple[int, TriggerMatch] | None = None
    for t in triggers:
        if t.pattern.relation != relation:
            continue
        anchor = t.anchor.i
        if anchor in on_path or t.tokens & on_path:
            d = 0
        else:
            d = min(tree.arcs(anchor, rs), tree.arcs(anchor, ro))
        if best is None or d < best[0]:
            best = (d, t)
    if best is None:
        return []
    d, t = best
    feats = [("trig", t.pattern.id), ("trigw", words.lemmas[t.anchor.i]), ("trigd", bucket(d))]
    if d == 0:
        feats.append(("trigon", t.pattern.id))
    return feats


def entity_evidence(side: str, mention: Mention, ent_type: str) -> list[tuple[str, str]]:
    """How sure the mention's class is: the statistical model's own label on its root
    (``ent_type``: an organisation it tagged PERSON was reclassified by context) and
    whether the gazetteer knows the name. Facts on names only context typed are wrong
    more often."""
    label = ent_type or "none"
    return [(f"{side}ner", f"{mention.cls}:{label}"), (f"{side}gaz", str(mention.gazetteer))]


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
