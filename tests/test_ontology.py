"""The one vocabulary: relations from kg.ttl, patterns checked against it, and a lint
of the rule data in patterns.yaml."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.extract.patterns import relation_patterns
from kg.ontology import (
    LITERAL_RELATIONS,
    RELATIONS,
    SYMMETRIC,
    OntologyError,
    check_patterns,
    load_ontology,
    relations,
)

DESIGN_RELATIONS = (
    "partnersWith",
    "endedPartnershipWith",
    "hasOptics",
    "manufacturedBy",
    "acquired",
    "subsidiaryOf",
    "ceoOf",
    "founderOf",
    "worksFor",
    "headquarteredIn",
    "supplierOf",
    "investedIn",
    "competesWith",
    "foundedIn",
)


def test_ontology_relations_come_from_kg_ttl() -> None:
    assert RELATIONS == DESIGN_RELATIONS
    assert frozenset({"partnersWith", "endedPartnershipWith", "competesWith"}) == SYMMETRIC
    assert frozenset({"foundedIn"}) == LITERAL_RELATIONS
    assert relations()["investedIn"].domain == {"Organization", "Person"}
    assert relations()["hasOptics"].domain == {"Product"}
    assert relations()["foundedIn"].range == {"Year"}


@pytest.mark.parametrize("pattern", relation_patterns(load_ontology().patterns), ids=lambda p: p.id)
def test_ontology_patterns_fit_their_relation(pattern) -> None:
    relation = relations()[pattern.relation]
    subjects, objects = (
        (pattern.range, pattern.domain) if pattern.reverse else (pattern.domain, pattern.range)
    )
    assert subjects <= relation.domain
    assert objects <= relation.range
    assert pattern.symmetric == relation.symmetric


BAD = {
    "unknown-top": ({"relatons": []}, "patterns.yaml: top level: unknown key 'relatons'"),
    "unknown-relation-key": (
        {"relations": [{"relation": "acquired", "symmetric": True, "triggers": []}]},
        "patterns.yaml: relations[0] (acquired): unknown key 'symmetric'",
    ),
    "unknown-trigger-key": (
        {"relations": [{"relation": "acquired", "triggers": [{"phrase": "buy", "lemma": "x"}]}]},
        "patterns.yaml: relations[0] (acquired) triggers[0]: unknown key 'lemma'",
    ),
    "relation-not-in-ontology": (
        {"relations": [{"relation": "boughtBy", "triggers": []}]},
        "patterns.yaml: relations[0] (boughtBy): relation 'boughtBy' is not in kg.ttl",
    ),
    "switch-to-a-relation-not-in-ontology": (
        {"relations": [{"relation": "subsidiaryOf", "when_minority": "ownsPart", "triggers": []}]},
        "patterns.yaml: relations[0] (subsidiaryOf): when_minority 'ownsPart' is not in kg.ttl",
    ),
    "trigger-word-yaml-read-as-a-boolean": (
        {
            "relations": [
                {"relation": "supplierOf", "triggers": [{"head": ["rely"], "child": [True]}]}
            ]
        },
        "patterns.yaml: relations[0] (supplierOf) triggers[0]: child True is not a word",
    ),
    "unknown-modality-key": (
        {"modality": {"hedge": {"word": ["may"]}}},
        "patterns.yaml: modality.hedge: unknown key 'word'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_ontology_check_patterns_names_the_bad_key(case: str) -> None:
    data, message = BAD[case]
    with pytest.raises(OntologyError) as err:
        check_patterns(data)
    assert str(err.value).split(";")[0] == message


def test_ontology_bundled_patterns_pass_the_check() -> None:
    check_patterns(load_ontology().patterns)


def word_lists() -> dict[str, list[str]]:
    data = load_ontology().patterns
    lists = {
        f"modality.{part}.{kind}": [str(w).lower() for w in data["modality"][part].get(kind, ())]
        for part in ("negation", "denial", "hedge")
        for kind in ("words", "phrases", "sentence_verbs", "governors")
    }
    for key in (
        "not_entities",
        "organisation_words",
        "keep_hyphenated",
        "company_nouns",
        "pairs",
        "product_nouns",
        "honorifics",
    ):
        lists[key] = [str(w).lower() for w in data.get(key, ())]
    return lists


@pytest.mark.parametrize("name", sorted(word_lists()))
def test_patterns_lint_no_word_twice_in_a_list(name: str) -> None:
    counts = Counter(word_lists()[name])
    assert [w for w, n in counts.items() if n > 1] == []


def test_patterns_lint_no_word_both_denial_and_hedge() -> None:
    lists = word_lists()
    denial = set(lists["modality.denial.words"]) | set(lists["modality.denial.phrases"])
    hedge = set(lists["modality.hedge.words"]) | set(lists["modality.hedge.phrases"])
    assert denial & hedge == set()


def test_patterns_lint_no_trigger_phrase_in_two_patterns_of_one_relation() -> None:
    seen: dict[tuple[str, str], str] = {}
    clashes = []
    for raw in load_ontology().patterns["relations"]:
        pid = raw.get("id", raw["relation"])
        for trigger in raw["triggers"]:
            if "phrase" not in trigger:
                continue
            key = (raw["relation"], trigger["phrase"].lower())
            if key in seen and seen[key] != pid:
                clashes.append((key, seen[key], pid))
            seen.setdefault(key, pid)
    assert clashes == []


NAMES = {
    "wrong-key": ({"given_name": ["Anna"]}, "names.yaml: expected one key, given_names"),
    "not-a-list": ({"given_names": "Anna"}, "names.yaml: expected one key, given_names"),
    "yaml-boolean": ({"given_names": ["Anna", True]}, "names.yaml: given_names: True is not"),
}


@pytest.mark.parametrize("case", sorted(NAMES))
def test_ontology_given_names_are_checked(case: str) -> None:
    from kg.ontology import given_names_of

    data, start = NAMES[case]
    with pytest.raises(OntologyError) as err:
        given_names_of(data)
    assert str(err.value).startswith(start)


def test_ontology_bundled_given_names_are_lower_case_words() -> None:
    names = load_ontology().given_names
    assert len(names) > 500
    assert {"anna", "tomas", "satya"} <= names
    assert not {"austin", "ola", "grant"} & names  # places and companies are left out
