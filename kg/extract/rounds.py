"""Doc + mentions -> investment facts of funding news, across sentences.

Funding news names the investors in one sentence ("A led the round, joined by
backers B and C"; "investors including D") and the company that raised the
money in another (the headline, "X raised $50 million"). A trigger-and-distance
rule cannot pair them. This pass finds the raisers (organisations that are the
subject of a raising verb whose clause names a round or an amount), then the
investors (names attached to an investor word: the subject of "led"/"joined" a
round, the agent of "led by", "backers A and B", "investors including C",
"participation from D"), and states ``investor investedIn raiser``, taking the
raiser named nearest before the investors' sentence (else the first after).
A possessor of the investor word ("Ludic's backers") is the investee itself.
The words are data: ``funding_rounds`` in ``ontologies/patterns.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.extract.candidates import lemma
from kg.extract.syntax import conj_root, first_conjunct
from kg.model import Mention

INVESTOR_PREPS = frozenset({"by", "from", "including", "like", "as", "with"})


@dataclass(frozen=True)
class RoundWords:
    """The words of ``funding_rounds`` in the patterns."""

    relation: str
    confidence: float
    round_words: frozenset[str]
    raise_verbs: frozenset[str]
    investor_verbs: frozenset[str]
    investor_nouns: frozenset[str]

    @classmethod
    def of(cls, raw: dict) -> RoundWords:
        def words(key: str) -> frozenset[str]:
            return frozenset(w.lower() for w in raw[key])

        return cls(
            raw["relation"],
            float(raw["confidence"]),
            words("round_words"),
            words("raise_verbs"),
            words("investor_verbs"),
            words("investor_nouns"),
        )


@dataclass(frozen=True)
class RoundInvestor:
    """An investor named in a sentence about a round, the word it hangs on, and the
    investee when the sentence itself names it (a possessor: "Ludic's backers")."""

    investor: Mention
    cue: Token
    investee: Mention | None


class RoundReader:
    def __init__(self, words: RoundWords) -> None:
        self.words = words

    def names_round(self, token: Token) -> bool:
        """Whether a verb's own phrase names a round or an amount ("raised $5m",
        "led the Series B", "the round was led")."""
        near = [*token.children, *(g for c in token.children for g in c.children)]
        return any(lemma(t) in self.words.round_words or t.ent_type_ == "MONEY" for t in near)

    def raisers(
        self, doc: Doc, mentions: Sequence[Mention], roots: dict[Mention, Token | None]
    ) -> list[Mention]:
        """Organisations that raised money, in text order."""
        found = []
        for m in mentions:
            root = roots.get(m)
            if m.cls != "Organization" or root is None:
                continue
            base = doc[conj_root(root) or root.i]
            verb = base.head
            if (
                base.dep_ == "nsubj"
                and lemma(verb) in self.words.raise_verbs
                and self.names_round(verb)
            ) or any(self.raising_clause(c) for c in root.children):
                found.append(m)
        return sorted(found, key=lambda m: m.start_char)

    def raising_clause(self, clause: Token) -> bool:
        """Whether a relative clause says its noun raised money ("Kelvo, which has
        raised $300 million from ...")."""
        return (
            clause.dep_ == "relcl"
            and lemma(clause) in self.words.raise_verbs
            and any(c.dep_ == "nsubj" and c.lower_ in ("which", "that") for c in clause.children)
            and self.names_round(clause)
        )

    def investors(
        self, doc: Doc, mentions: Sequence[Mention], roots: dict[Mention, Token | None]
    ) -> Iterator[RoundInvestor]:
        """Organisations and people attached to an investor word in a sentence about a
        round ("Angel investors Ama Owusu and ...")."""
        # the companies by root token: what an investor word may name ("in 2020" is no
        # company)
        companies = {r.i: m for m, r in roots.items() if r is not None and m.cls == "Organization"}
        for m in mentions:
            root = roots.get(m)
            if m.cls not in ("Organization", "Person") or root is None:
                continue
            # "its investors, A and B": the list's first name is in apposition to the
            # investor word, which conj_root would climb past
            cue = self.investor_cue(first_conjunct(root)) or self.investor_cue(
                doc[conj_root(root) or root.i]
            )
            if cue is None:
                continue
            yield RoundInvestor(m, cue, invested_company(cue, companies))

    def investor_cue(self, base: Token) -> Token | None:
        """The investor word a name hangs on, if it hangs on one."""
        nouns, verbs = self.words.investor_nouns, self.words.investor_verbs
        head = base.head
        if base.dep_ == "nsubj" and verb_lemma(head) in verbs and self.round_clause(head):
            return head
        if base.dep_ == "pobj" and head.lower_ in INVESTOR_PREPS:
            governor = head.head
            if lemma(governor) in nouns:
                return governor
            if lemma(governor) in verbs and self.round_clause(governor):
                return governor
            if (
                head.lower_ == "from"
                and lemma(governor) in self.words.raise_verbs
                and self.names_round(governor)
            ):
                # "X received $500 million from Y"
                return governor
        if base.dep_ == "appos" and lemma(head) in nouns:
            return head
        if (base.dep_ == "dobj" and lemma(head) == "include") or (
            base.dep_ == "attr" and lemma(head) == "be"
        ):
            # "its investors include A", "the other new investor is A"
            subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if subject is not None and lemma(subject) in nouns:
                return subject
        return next(
            (c for c in base.children if c.dep_ in ("compound", "amod") and lemma(c) in nouns),
            None,
        )

    def names_investors(self, noun: Token) -> bool:
        """ "investors", "a group of investors", "a consortium of backers"."""
        nouns = self.words.investor_nouns
        return lemma(noun) in nouns or any(
            c.dep_ == "prep" and c.lower_ == "of" and any(lemma(g) in nouns for g in c.children)
            for c in noun.children
        )

    def round_clause(self, verb: Token) -> bool:
        """A verb about a round: it names one, describes one ("a round led by A"), or
        hangs on a verb that does ("led the round, joined by ..."), or its agent is an
        investor word."""
        if self.names_round(verb):
            return True
        if verb.dep_ in ("advcl", "conj", "xcomp") and self.names_round(verb.head):
            return True
        if verb.dep_ == "acl" and (
            lemma(verb.head) in self.words.round_words or self.names_investors(verb.head)
        ):
            # "a Series D round led by A", "a group of investors led by A"
            return True
        return any(
            c.dep_ == "agent" and any(lemma(g) in self.words.investor_nouns for g in c.children)
            for c in verb.children
        )


def verb_lemma(verb: Token) -> str:
    """A verb's lemma, with "take part" read as one verb, "participate"."""
    if lemma(verb) == "take" and any(
        c.dep_ == "dobj" and c.lower_ == "part" for c in verb.children
    ):
        return "participate"
    return lemma(verb)


def invested_company(cue: Token, companies: dict[int, Mention]) -> Mention | None:
    """The company an investor word names: its possessor ("Souq's investors") or the
    object of its "in" ("an investor in Souq"), from ``companies`` by root token."""
    for child in cue.children:
        if child.dep_ == "poss" and child.i in companies:
            return companies[child.i]
        if child.dep_ == "prep" and child.lower_ == "in":
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.i in companies:
                    return companies[obj.i]
    return None


def nearest_raiser(raisers: Sequence[Mention], sent_index: int) -> Mention | None:
    """The raiser named last at or before the sentence, else the first after it.

    >>> a = Mention("A", "A", "Organization", 0, 1, 0)
    >>> b = Mention("B", "B", "Organization", 50, 51, 3)
    >>> [nearest_raiser([a, b], n).name for n in (0, 2, 3, 5)]
    ['A', 'A', 'B', 'B']
    >>> nearest_raiser([b], 1).name
    'B'
    """
    before = [m for m in raisers if m.sent_index <= sent_index]
    if before:
        return before[-1]
    return raisers[0] if raisers else None
