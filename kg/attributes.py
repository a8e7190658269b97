"""Token attributes from rules, as the model's ``attribute_ruler`` and ``lemmatizer``
set them, faster: the same annotations, read and written as arrays.

The English models map each fine-grained tag to its part of speech and
morphology with about 180 ``attribute_ruler`` rules. spaCy runs them through a
``Matcher`` that tries every rule at every token, then sets each match's
attributes one ``Span`` at a time: about a tenth of the model's time on news.
``AttributeRules`` gives every token the same attributes from dictionary
lookups over the doc's arrays. Rules of one token whose tests are equality or
``IN``/``NOT_IN`` on ``TAG``, ``LOWER``, ``DEP`` or ``IS_SPACE`` (nearly all)
take that path; any other rule (several tokens, regular expressions) still
goes through a ``Matcher``. As in spaCy, every rule is tested against the
attributes the doc had before any rule ran, and where rules disagree the later
one wins.

``ArrayLemmatizer`` runs the model's rule lemmatizer once per (word, part of
speech, morphology) and gives every token its lemma from that memo, where
spaCy's component builds a ``Token`` and calls its Python method for each.

kg runs them in place of the model's two components (``kg.nlp``), which stay in
the pipeline, disabled; a test checks that both ways give every token of the
real corpus the same annotations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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
SET_ATTRS = [POS, MORPH, LEMMA, TAG, DEP]
"""Attributes a rule may set (what the model's rules set)."""


@dataclass(frozen=True)
class Test:
    """One attribute test of a token: its value (a string hash) is, or is not, in ``values``."""

    column: int
    values: frozenset[int]
    negated: bool = False


@dataclass(frozen=True)
class Rule:
    """One rule on the fast path: its order, its tests, what it sets (column, value)."""

    order: int
    tests: tuple[Test, ...]
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
        self.by_lower: dict[int, list[Rule]] = {}
        self.by_tag: dict[int, list[Rule]] = {}
        self.general: list[Rule] = []
        self.sets: list[tuple[tuple[int, int], ...]] = []
        self.indices: list[int] = []
        for order, raw in enumerate(patterns):
            self.sets.append(self.settings(raw["attrs"]))
            self.indices.append(int(raw.get("index", 0)))
            for pattern in raw["patterns"]:
                tests = self.fast_tests(pattern)
                if tests is None:
                    self.matcher.add(str(order), [pattern])
                else:
                    self.index(Rule(order, tests, self.sets[order]))

    def settings(self, attrs: dict[str, Any]) -> tuple[tuple[int, int], ...]:
        """(column in ``SET_ATTRS``, value) pairs, normalised as spaCy's ruler does."""
        found = intify_attrs(dict(attrs), strings_map=self.vocab.strings)
        if MORPH in found:
            found[MORPH] = self.vocab.morphology.add(self.vocab.strings.as_string(found[MORPH]))
        unknown = set(found) - set(SET_ATTRS)
        if unknown:
            raise ValueError(f"kg_attribute_ruler cannot set {sorted(attrs)}")
        return tuple((SET_ATTRS.index(attr), int(value)) for attr, value in found.items())

    def fast_tests(self, pattern: list[dict[str, Any]]) -> tuple[Test, ...] | None:
        """The pattern's tests when it is one token tested by value, else None."""
        if len(pattern) != 1 or any(key not in TESTED for key in pattern[0]):
            return None
        tests = []
        for key, spec in pattern[0].items():
            if key == "IS_SPACE":
                if not isinstance(spec, bool):
                    return None
                tests.append(Test(TESTED[key], frozenset({int(spec)})))
            elif isinstance(spec, str):
                tests.append(Test(TESTED[key], frozenset({self.vocab.strings.add(spec)})))
            elif isinstance(spec, dict) and len(spec) == 1 and set(spec) <= {"IN", "NOT_IN"}:
                ((op, values),) = spec.items()
                hashes = frozenset(self.vocab.strings.add(v) for v in values)
                tests.append(Test(TESTED[key], hashes, negated=op == "NOT_IN"))
            else:
                return None
        return tuple(tests)

    def index(self, rule: Rule) -> None:
        """File the rule under a value its token must have (its word, else its tag); a
        test that the filing itself settles is dropped from the rule."""
        for column, table in ((TESTED["LOWER"], self.by_lower), (TESTED["TAG"], self.by_tag)):
            test = next((t for t in rule.tests if t.column == column and not t.negated), None)
            if test is not None:
                if len(test.values) == 1:
                    rest = tuple(t for t in rule.tests if t is not test)
                    rule = Rule(rule.order, rest, rule.sets)
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
        """(rule order, token index) for every fast-path rule a token passes."""
        by_lower, by_tag, general = self.by_lower, self.by_tag, self.general
        hits = []
        for i, row in enumerate(rows):
            for rules in (by_lower.get(row[1], ()), by_tag.get(row[0], ()), general):
                for rule in rules:
                    for test in rule.tests:
                        if (row[test.column] in test.values) == test.negated:
                            break
                    else:
                        hits.append((rule.order, i))
        return hits

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
