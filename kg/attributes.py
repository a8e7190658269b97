"""Token attributes from rules, as the model's ``attribute_ruler`` and ``lemmatizer``
set them, faster: the same annotations, read and written as arrays.

The English models map each fine-grained tag to its part of speech and
morphology with about 180 ``attribute_ruler`` rules. spaCy runs them through a
``Matcher`` that tries every rule at every token, then sets each match's
attributes one ``Span`` at a time: about a tenth of the model's time on news.
``AttributeRules`` gives every token the same attributes from dictionary
lookups over the doc's arrays. Rules of one token whose tests are equality or
``IN``/``NOT_IN``/``REGEX`` on ``TAG``, ``LOWER``, ``DEP`` or ``IS_SPACE``,
over one token or a fixed run of them (all of the model's), take that path;
any other rule (operators, other attributes) still goes through a ``Matcher``.
As in spaCy, every rule is tested against the attributes the doc had before
any rule ran, and where rules disagree the later one wins.

``ArrayLemmatizer`` runs the model's rule lemmatizer once per (word, part of
speech, morphology) and gives every token its lemma from that memo, where
spaCy's component builds a ``Token`` and calls its Python method for each.

kg runs them in place of the model's two components (``kg.nlp``), which stay in
the pipeline, disabled; a test checks that both ways give every token of the
real corpus the same annotations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG, intify_attrs
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

TESTED = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
"""Attributes a rule on the fast path may test, by column of ``TESTED_ATTRS``."""
TESTED_ATTRS = [TAG, LOWER, DEP, IS_SPACE]
INDEX_ORDER = ("LOWER", "TAG", "DEP", "IS_SPACE")
"""Which test files a rule for lookup: the most selective its first token has."""
SET_ATTRS = [POS, MORPH, LEMMA, TAG, DEP]
"""Attributes a rule may set (what the model's rules set)."""


@dataclass(frozen=True)
class Test:
    """One attribute test of a token: its value (a string hash) is, or is not, in
    ``values``; or, with ``regex``, the value's string matches it (``re.search``, as
    spaCy's ``REGEX``), remembered per value in ``seen``."""

    column: int
    values: frozenset[int] = frozenset()
    negated: bool = False
    regex: re.Pattern[str] | None = None
    seen: dict[int, bool] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Rule:
    """One pattern of a rule on the fast path: the rule's order, the tests of each of
    its tokens, which token it sets (``index``, from the end if negative) and what it
    sets there (column of ``SET_ATTRS``, value)."""

    order: int
    tokens: tuple[tuple[Test, ...], ...]
    index: int
    sets: tuple[tuple[int, int], ...]


@Language.factory(
    "kg_attribute_ruler",
    assigns=["token.pos", "token.morph", "token.lemma", "token.tag", "token.dep"],
    requires=["token.tag", "token.dep"],
    default_config={"patterns": []},
)
def make_attribute_rules(
    nlp: Language, name: str, patterns: list[dict[str, Any]]
) -> AttributeRules:
    return AttributeRules(nlp.vocab, patterns)


class AttributeRules:
    """spaCy ``AttributeRuler`` patterns (``{"patterns": [...], "attrs": {...},
    "index": 0}``, in order), applied with dictionary lookups where they allow it."""

    def __init__(self, vocab: Vocab, patterns: Iterable[dict[str, Any]]) -> None:
        self.vocab = vocab
        self.matcher = Matcher(vocab)
        self.tables: list[tuple[int, dict[int, list[Rule]]]] = [
            (TESTED[key], {}) for key in INDEX_ORDER
        ]
        """Per tested column, the rules filed under each value (see ``index``)."""
        self.general: list[Rule] = []
        self.sets: list[tuple[tuple[int, int], ...]] = []
        self.indices: list[int] = []
        for order, raw in enumerate(patterns):
            self.sets.append(self.settings(raw["attrs"]))
            self.indices.append(int(raw.get("index", 0)))
            for pattern in raw["patterns"]:
                tokens = [self.fast_tests(spec) for spec in pattern]
                if not tokens or any(tests is None for tests in tokens):
                    self.matcher.add(str(order), [pattern])
                else:
                    rule = Rule(order, tuple(tokens), self.indices[order], self.sets[order])
                    self.file(rule)

    def settings(self, attrs: dict[str, Any]) -> tuple[tuple[int, int], ...]:
        """(column in ``SET_ATTRS``, value) pairs, normalised as spaCy's ruler does."""
        found = intify_attrs(dict(attrs), strings_map=self.vocab.strings)
        if MORPH in found:
            found[MORPH] = self.vocab.morphology.add(self.vocab.strings.as_string(found[MORPH]))
        unknown = set(found) - set(SET_ATTRS)
        if unknown:
            raise ValueError(f"kg_attribute_ruler cannot set {sorted(attrs)}")
        return tuple((SET_ATTRS.index(attr), int(value)) for attr, value in found.items())

    def fast_tests(self, spec: dict[str, Any]) -> tuple[Test, ...] | None:
        """The tests of one pattern token, or None when only a ``Matcher`` can run it
        (an operator, another attribute, another predicate)."""
        tests = []
        for key, value in spec.items():
            if key not in TESTED:
                return None
            test = self.fast_test(TESTED[key], key, value)
            if test is None:
                return None
            tests.append(test)
        return tuple(tests)

    def fast_test(self, column: int, key: str, spec: Any) -> Test | None:
        strings = self.vocab.strings
        if key == "IS_SPACE":
            return Test(column, frozenset({int(spec)})) if isinstance(spec, bool) else None
        if isinstance(spec, str):
            return Test(column, frozenset({strings.add(spec)}))
        if not isinstance(spec, dict) or len(spec) != 1:
            return None
        ((op, values),) = spec.items()
        if op in ("IN", "NOT_IN"):
            hashes = frozenset(strings.add(v) for v in values)
            return Test(column, hashes, negated=op == "NOT_IN")
        if op == "REGEX" and isinstance(values, str):
            return Test(column, regex=re.compile(values))
        return None

    def file(self, rule: Rule) -> None:
        """File the rule under a value its first token must have (its word, else its tag,
        its dependency, its being a space); a test the filing settles is dropped."""
        first = rule.tokens[0]
        for column, table in self.tables:
            test = next(
                (t for t in first if t.column == column and not t.negated and t.regex is None),
                None,
            )
            if test is not None:
                if len(test.values) == 1:
                    rest = tuple(t for t in first if t is not test)
                    rule = Rule(rule.order, (rest, *rule.tokens[1:]), rule.index, rule.sets)
                for value in test.values:
                    table.setdefault(value, []).append(rule)
                return
        self.general.append(rule)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        rows = doc.to_array(TESTED_ATTRS).tolist()
        hits = self.fast_hits(rows)
        hits.extend(self.matcher_hits(doc))
        hits.sort()
        out = doc.to_array(SET_ATTRS).tolist()
        sets = self.sets
        for order, i in hits:
            row = out[i]
            for column, value in sets[order]:
                row[column] = value
        doc.from_array(SET_ATTRS, numpy.array(out, dtype="uint64"))
        return doc

    def fast_hits(self, rows: list[list[int]]) -> list[tuple[int, int]]:
        """(rule order, index of the token it sets) for every fast-path match."""
        lookups = [(column, table) for column, table in self.tables if table]
        general = self.general
        hits: list[tuple[int, int]] = []
        for i, row in enumerate(rows):
            for column, table in lookups:
                rules = table.get(row[column])
                if rules:
                    self.add_matches(rules, rows, i, hits)
            if general:
                self.add_matches(general, rows, i, hits)
        return hits

    def add_matches(
        self, rules: list[Rule], rows: list[list[int]], i: int, hits: list[tuple[int, int]]
    ) -> None:
        """Add (rule order, target) to ``hits`` for each rule matching from token ``i``."""
        for rule in rules:
            size = len(rule.tokens)
            if i + size > len(rows):
                continue
            for k in range(size):
                row = rows[i + k]
                for test in rule.tokens[k]:
                    if test.regex is None:
                        if (row[test.column] in test.values) == test.negated:
                            break
                    elif not self.regex_passes(test, row[test.column]):
                        break
                else:
                    continue
                break
            else:
                hits.append(
                    (rule.order, i + (rule.index if rule.index >= 0 else size + rule.index))
                )

    def regex_passes(self, test: Test, value: int) -> bool:
        found = test.seen.get(value)
        if found is None:
            found = test.seen[value] = bool(test.regex.search(self.vocab.strings[value]))
        return found

    def matcher_hits(self, doc: Doc) -> Iterator[tuple[int, int]]:
        """(rule order, token index) for the rules only a ``Matcher`` can test."""
        if not len(self.matcher):
            return
        strings = self.vocab.strings
        for match_id, start, end in self.matcher(doc, allow_missing=True):
            order = int(strings[match_id])
            index = self.indices[order]
            target = start + index if index >= 0 else end + index
            if not start <= target < end:
                raise ValueError(f"attribute rule {order}: index {index} outside its match")
            yield order, target


def attribute_ruler_patterns(nlp: Language, name: str = "attribute_ruler") -> list[dict[str, Any]]:
    """The patterns of the pipeline's spaCy ``AttributeRuler``, in order."""
    return [
        {"patterns": p["patterns"], "attrs": p["attrs"], "index": p["index"]}
        for p in nlp.get_pipe(name).patterns
    ]


@Language.factory(
    "kg_lemmatizer",
    assigns=["token.lemma"],
    requires=["token.pos", "token.morph"],
    default_config={"source": "lemmatizer"},
)
def make_array_lemmatizer(nlp: Language, name: str, source: str) -> ArrayLemmatizer:
    """The lemmatizer named ``source`` in ``nlp`` (a rule lemmatizer), run over arrays."""
    return ArrayLemmatizer(nlp.get_pipe(source))


class ArrayLemmatizer:
    """A spaCy rule ``Lemmatizer`` applied once per distinct (word, POS, morphology).

    The rule lemmatizer's answer depends on nothing else (its own cache has the
    same key), so every token gets the lemma spaCy would give it.
    """

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        if lemmatizer.mode != "rule":
            raise ValueError(f"kg_lemmatizer needs a rule lemmatizer, not mode {lemmatizer.mode!r}")
        self.lemmatizer = lemmatizer
        self.memo: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        keep = not self.lemmatizer.overwrite
        memo = self.memo
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma and keep:
                lemmas.append(lemma)
                continue
            key = (orth, pos, morph)
            found = memo.get(key)
            if found is None:
                found = memo[key] = doc.vocab.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas.append(found)
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64").reshape(-1, 1))
        return doc
