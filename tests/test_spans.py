"""Spans across articles, from hand-made reports (no spaCy): exact spans, any order."""

from __future__ import annotations

import itertools

import pytest

from kg.spans import MergedFact, Report, merge, time_rules

A, B, C, ORG = "x:acme", "x:borealis", "x:cobalt", "x:org"


def spans(reports: list[Report], known_by: str | None = None) -> dict[tuple, tuple]:
    return {
        k: (f.since, f.since_basis, f.until, f.until_basis, f.sources, f.modality)
        for k, f in merge(reports, known_by=known_by).items()
    }


CASES = {
    "ended partnership closes it": (
        [
            Report(A, "partnersWith", B, "asserted", "x:1", "2018-03-02"),
            Report(B, "endedPartnershipWith", A, "asserted", "x:2", "2021-09-14"),
        ],
        {
            (A, "partnersWith", B): ("2018-03-02", "article", "2021-09-14", "later", 1, "asserted"),
            (A, "endedPartnershipWith", B): ("2021-09-14", "article", None, None, 1, "asserted"),
        },
    ),
    "an end with a stated start implies the partnership": (
        [
            Report(
                A,
                "endedPartnershipWith",
                B,
                "asserted",
                "x:1",
                "2022-05-25",
                start="2016",
                end="2022-05-25",
            )
        ],
        {
            (A, "partnersWith", B): ("2016-01-01", "stated", "2022-05-25", "later", 1, "asserted"),
            (A, "endedPartnershipWith", B): ("2022-05-25", "stated", None, None, 1, "asserted"),
        },
    ),
    "a new CEO closes the old one's term": (
        [
            Report(A, "ceoOf", ORG, "asserted", "x:1", "2017-01-10"),
            Report(C, "ceoOf", ORG, "asserted", "x:2", "2020-06-03"),
            Report(A, "ceoOf", ORG, "hedged", "x:3", "2018-01-01"),
        ],
        {
            (A, "ceoOf", ORG): ("2017-01-10", "article", "2020-06-03", "later", 2, "asserted"),
            (C, "ceoOf", ORG): ("2020-06-03", "article", None, None, 1, "asserted"),
        },
    ),
    "an acquisition closes the investment": (
        [
            Report(A, "investedIn", B, "asserted", "x:1", "2019-02-01", start="2015"),
            Report(A, "acquired", B, "asserted", "x:2", "2022-11-20"),
        ],
        {
            (A, "investedIn", B): ("2015-01-01", "stated", "2022-11-20", "later", 1, "asserted"),
            (A, "acquired", B): ("2022-11-20", "article", None, None, 1, "asserted"),
        },
    ),
    "no longer ends it; a stated end holds through its year": (
        [
            Report(A, "partnersWith", B, "asserted", "x:1", "2018-03-02", end="2030"),
            Report(A, "partnersWith", B, "negated", "x:2", "2020-02-02", end="2020-02-02"),
        ],
        {(A, "partnersWith", B): ("2018-03-02", "article", "2020-02-02", "stated", 1, "asserted")},
    ),
    "an end before a renewed partnership leaves it open": (
        [
            Report(A, "endedPartnershipWith", B, "asserted", "x:1", "2019-01-01"),
            Report(A, "partnersWith", B, "asserted", "x:2", "2021-01-01"),
        ],
        {
            (A, "partnersWith", B): ("2021-01-01", "article", None, None, 1, "asserted"),
            (A, "endedPartnershipWith", B): ("2019-01-01", "article", None, None, 1, "asserted"),
        },
    ),
    "an undated article counts from the day it was read": (
        [Report(A, "partnersWith", B, "hedged", "x:1", read_on="2026-12-02")],
        {(A, "partnersWith", B): ("2026-12-02", "read", None, None, 1, "hedged")},
    ),
    "only negated: no fact": (
        [Report(A, "hasOptics", B, "negated", "x:1", "2020-01-01")],
        {},
    ),
}


@pytest.mark.parametrize(("reports", "expected"), CASES.values(), ids=CASES.keys())
def test_spans_merge(reports: list[Report], expected: dict) -> None:
    assert spans(reports) == expected


@pytest.mark.parametrize(("reports", "expected"), CASES.values(), ids=CASES.keys())
def test_spans_any_order_gives_the_same_spans(reports: list[Report], expected: dict) -> None:
    for order in itertools.permutations(reports):
        assert spans(list(order)) == expected


def test_spans_known_by_keeps_what_was_reported_by_then() -> None:
    reports = CASES["a new CEO closes the old one's term"][0]
    assert spans(reports, known_by="2019-12-31") == {
        (A, "ceoOf", ORG): ("2017-01-10", "article", None, None, 2, "asserted"),
    }


def test_spans_rules_come_from_the_ontology() -> None:
    rules = time_rules()
    assert rules.end_of == {"endedPartnershipWith": frozenset({"partnersWith"})}
    assert rules.closes["acquired"] == frozenset({"investedIn", "competesWith"})
    assert rules.one_holder == frozenset({"ceoOf", "acquired"})
    assert rules.symmetric == frozenset({"partnersWith", "endedPartnershipWith", "competesWith"})


@pytest.mark.parametrize(
    ("day", "held"),
    [("2017-12-31", False), ("2018-03-02", True), ("2021-09-13", True), ("2021-09-14", False)],
)
def test_spans_holds_on_until_is_exclusive(day: str, held: bool) -> None:
    fact = MergedFact(
        A, "partnersWith", B, True, 1, "asserted", "2018-03-02", "article", "2021-09-14", "later"
    )
    assert fact.holds_on(day) is held
