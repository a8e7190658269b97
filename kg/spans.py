"""Evidence from every article -> merged facts, each once, with sources, modality and span.

A pure function of the set of reports (one per evidence statement), so the
articles' order never matters. A fact holds from its earliest stated start
(else the earliest article reporting it, else the day an undated article was
read) until the earliest end that is stated, or implied by a later fact under
the rules of ``ontologies/kg.ttl``: ``kg:endOf`` / ``kg:closes`` (an ended
partnership closes the partnership, an acquisition the investment) and
``kg:OneHolderAtATime`` (a new CEO closes the previous one's term).

>>> r = [Report("x:a", "ceoOf", "x:o", "asserted", "x:1", "2019-03-01"),
...      Report("x:b", "ceoOf", "x:o", "asserted", "x:2", "2021-06-01")]
>>> [(f.subject, f.since, f.until) for f in merge(r).values()]
[('x:a', '2019-03-01', '2021-06-01'), ('x:b', '2021-06-01', None)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from kg.ontology import KG, OWL, RDF, ontology_triples

STRENGTH = {"asserted": 2, "hedged": 1, "negated": 0}

Key = tuple[str, str, str]
"""(subject IRI, relation name, object IRI or literal value); symmetric: smaller IRI first."""


@dataclass(frozen=True)
class TimeRules:
    """How facts end each other, read from ``kg.ttl``."""

    symmetric: frozenset[str]
    closes: dict[str, frozenset[str]]
    end_of: dict[str, frozenset[str]]
    one_holder: frozenset[str]

    @property
    def ending(self) -> frozenset[str]:
        """Relations that state another's end (``kg:endOf``): their time is that end."""
        return frozenset(self.end_of)


def local(iri: object) -> str:
    return str(iri).rsplit("#", 1)[-1]


@cache
def time_rules() -> TimeRules:
    triples = ontology_triples()
    closes: dict[str, set[str]] = defaultdict(set)
    end_of: dict[str, set[str]] = defaultdict(set)
    for s, objects in triples.get(KG.closes, {}).items():
        closes[local(s)].update(local(o) for o in objects)
    for s, objects in triples.get(KG.endOf, {}).items():
        end_of[local(s)].update(local(o) for o in objects)
        closes[local(s)].update(local(o) for o in objects)
    types = triples.get(RDF.type, {})
    return TimeRules(
        symmetric=frozenset(local(s) for s, t in types.items() if OWL.SymmetricProperty in t),
        closes={k: frozenset(v) for k, v in closes.items()},
        end_of={k: frozenset(v) for k, v in end_of.items()},
        one_holder=frozenset(local(s) for s, t in types.items() if KG.OneHolderAtATime in t),
    )


@dataclass(frozen=True)
class Report:
    """One evidence statement: a fact as one article states it, with the times it gives."""

    subject: str
    predicate: str
    object: str
    modality: str
    article: str
    day: str | None = None
    """The article's date (``YYYY-MM-DD``)."""
    start: str | None = None
    """``kg:validFrom`` as stated: ``YYYY`` or ``YYYY-MM-DD``."""
    end: str | None = None
    read_on: str | None = None
    """For an undated article, the day it was read into the store."""
    object_is_iri: bool = True
    implied_by: Key | None = None

    @property
    def known_on(self) -> str | None:
        """When the news said it: the article's date, else the day it was read."""
        return self.day or self.read_on


@dataclass(frozen=True)
class MergedFact:
    subject: str
    predicate: str
    object: str
    object_is_iri: bool
    sources: int
    modality: str
    since: str | None
    since_basis: str | None
    """``stated`` (a sentence gives it), ``article`` (the article's date) or ``read``."""
    until: str | None = None
    until_basis: str | None = None
    """``stated``, or ``later`` (a later fact ended it: ``closed_by``)."""
    closed_by: Key | None = None
    implied_by: Key | None = None

    @property
    def key(self) -> Key:
        return (self.subject, self.predicate, self.object)

    def holds_on(self, day: str) -> bool:
        """Whether the fact held on ``day`` (``until`` is the first day it no longer did)."""
        return (self.since is None or self.since <= day) and (
            self.until is None or day < self.until
        )


def canonical_key(report: Report, rules: TimeRules) -> Key:
    return canonical_triple(report.subject, report.predicate, report.object, rules)


def canonical_triple(s: str, p: str, o: str, rules: TimeRules) -> Key:
    """(subject, relation name, object) in the merged layer's direction: a symmetric
    relation from the smaller IRI."""
    if p in rules.symmetric and o < s:
        s, o = o, s
    return (s, p, o)


def start_day(value: str) -> str:
    """A stated start as a day: a year starts on 1 January."""
    return f"{value}-01-01" if len(value) == 4 else value


def end_day(value: str) -> str:
    """A stated end as the first day the fact no longer held: a year is held through."""
    return f"{int(value) + 1}-01-01" if len(value) == 4 else value


def implied_reports(reports: Iterable[Report], rules: TimeRules) -> list[Report]:
    """An ended fact with a stated start implies the fact it ended held from then to its end."""
    implied = []
    for r in reports:
        if r.modality == "negated" or r.start is None:
            continue
        for ended in sorted(rules.end_of.get(r.predicate, ())):
            end = r.end or r.known_on
            implied.append(replace(r, predicate=ended, end=end, implied_by=canonical_key(r, rules)))
    return implied


def merge(
    reports: Iterable[Report], rules: TimeRules | None = None, known_by: str | None = None
) -> dict[Key, MergedFact]:
    """Every fact some article asserts or hedges, with its span; ``known_by`` keeps only
    the articles dated (or read) on or before that day."""
    rules = rules or time_rules()
    kept = [r for r in reports if known_by is None or r.known_on is None or r.known_on <= known_by]
    kept += implied_reports(kept, rules)
    by_key: dict[Key, list[Report]] = defaultdict(list)
    for r in kept:
        by_key[canonical_key(r, rules)].append(r)
    facts = {
        key: opened(key, group, rules)
        for key, group in sorted(by_key.items())
        if any(r.modality != "negated" for r in group)
    }
    near = Neighbours.of(facts.values())
    return {key: closed(fact, by_key[key], near, rules) for key, fact in facts.items()}


def opened(key: Key, group: list[Report], rules: TimeRules) -> MergedFact:
    """The fact with its sources, strongest modality and start."""
    stating = [r for r in group if r.modality != "negated"]
    modality = max((r.modality for r in stating), key=STRENGTH.__getitem__)
    since, basis = start_of(key[1], stating, rules)
    implied = sorted(r.implied_by for r in stating if r.implied_by is not None)
    return MergedFact(
        *key,
        object_is_iri=stating[0].object_is_iri,
        sources=len({r.article for r in stating}),
        modality=modality,
        since=since,
        since_basis=basis,
        implied_by=implied[0] if implied else None,
    )


def start_of(
    predicate: str, stating: list[Report], rules: TimeRules
) -> tuple[str | None, str | None]:
    """A relation that states another's end starts when the end came; any other at its
    stated start, else when it was first reported."""
    if predicate in rules.ending:
        ends = [end_day(r.end) if len(r.end) == 4 else r.end for r in stating if r.end]
        if ends:
            return min(ends), "stated"
    else:
        starts = [start_day(r.start) for r in stating if r.start]
        if starts:
            return min(starts), "stated"
    dated = [r.day for r in stating if r.day]
    if dated:
        return min(dated), "article"
    read = [r.read_on for r in stating if r.read_on]
    return (min(read), "read") if read else (None, None)


def closed(fact: MergedFact, group: list[Report], near: Neighbours, rules: TimeRules) -> MergedFact:
    """The fact with its end: stated in its own evidence, or implied by a later fact."""
    s, p, o = fact.key
    if p in rules.ending:
        return fact
    since = fact.since or ""
    candidates = [
        (end_day(r.end), "stated", None) for r in group if r.end and end_day(r.end) >= since
    ]
    for other in near.pair.get(frozenset((s, o)), ()):
        if (
            other.since is not None
            and p in rules.closes.get(other.predicate, ())
            and other.since >= since
        ):
            candidates.append((other.since, "later", other.key))
    if p in rules.one_holder:
        for other in near.holders.get((p, o), ()):
            if other.subject != s and other.since is not None and other.since > since:
                candidates.append((other.since, "later", other.key))
    if not candidates:
        return fact
    until, basis, by = min(candidates, key=lambda c: (c[0], c[1], c[2] or ("", "", "")))
    return replace(fact, until=until, until_basis=basis, closed_by=by)


@dataclass(frozen=True)
class Neighbours:
    """Facts by their pair of entities, and by (relation, object): where closers are found."""

    pair: dict[frozenset[str], list[MergedFact]]
    holders: dict[tuple[str, str], list[MergedFact]]

    @classmethod
    def of(cls, facts: Iterable[MergedFact]) -> Neighbours:
        pair: dict[frozenset[str], list[MergedFact]] = defaultdict(list)
        holders: dict[tuple[str, str], list[MergedFact]] = defaultdict(list)
        for fact in facts:
            pair[frozenset((fact.subject, fact.object))].append(fact)
            holders[(fact.predicate, fact.object)].append(fact)
        return cls(dict(pair), dict(holders))
