"""The bundled example corpus (kg/examples): dated articles, gold that fits them, facts kg gets."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import pytest

from kg.examples import articles, corpus_path, example_path, examples_folder, gold_path, query_path
from kg.ingest import read_article
from kg.ontology import CLASSES, RELATIONS, normalise
from kg.store import open_store
from kg.views import with_prefixes

ROOT = Path(__file__).resolve().parent.parent
GOLD = [json.loads(line) for line in gold_path().read_text(encoding="utf-8").splitlines()]


def test_examples_corpus_is_twenty_to_thirty_dated_articles_with_front_matter() -> None:
    read = [read_article(path) for path in articles()]
    assert 20 <= len(read) <= 30
    for article in read:
        assert article.title and article.source == "kg example desk", article.id
        assert article.url == f"https://example.org/kg/{article.id}"
        assert date.fromisoformat(article.published or "") < date(2024, 1, 1), article.id
        assert 300 < len(article.text) < 1600, article.id


def test_examples_leica_article_keeps_its_facts() -> None:
    article = read_article(example_path())
    assert (article.id, article.published) == ("leica-xiaomi-retold", "2022-05-25")
    for sentence in (
        "Huawei has confirmed that it has ended its partnership with Leica, closing a chapter "
        "that began with the P9 in 2016.",
        "Xiaomi has entered a strategic partnership with Leica, the camera company founded "
        "in 1869.",
        "The Huawei Xs 2 foldable, launched this spring, does not carry Leica branding on its "
        "cameras.",
    ):
        assert sentence in article.text


def test_examples_gold_has_one_line_per_article() -> None:
    assert [g["article"] for g in GOLD] == [path.name for path in articles()]


@pytest.mark.parametrize("gold", GOLD, ids=lambda g: g["article"])
def test_examples_gold_names_typed_entities_and_core_relations(gold: dict) -> None:
    names = {e["name"] for e in gold["entities"]}
    assert {e["type"] for e in gold["entities"]} <= set(CLASSES)
    for subject, relation, obj in gold["triples"] + gold["optional"] + gold["negatives"]:
        assert relation in RELATIONS
        assert subject in names
        assert obj in names or (relation == "foundedIn" and obj.isdigit())
    text = (corpus_path() / gold["article"]).read_text(encoding="utf-8")
    for entity in gold["entities"]:
        spellings = [entity["name"], *entity["aliases"]]
        assert any(normalise(s) in normalise(text) for s in spellings), entity["name"]


def test_examples_ship_in_the_wheel() -> None:
    """Every data file under kg/examples matches a package-data pattern in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["kg.examples"]
    folder = examples_folder()
    data = {
        p.relative_to(folder)
        for p in folder.rglob("*")
        if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts
    }
    assert {p for p in data if not any(p.match(pattern) for pattern in patterns)} == set()
    assert query_path("makers").is_file()


# The story the bundled corpus tells, as kg extracts it today: every fact here
# is a gold triple (or negative) of its article, with the modality kg gives it.
KEY_FACTS = {
    ("Xiaomi", "partnersWith", "Leica"): "Asserted",
    ("Huawei", "endedPartnershipWith", "Leica"): "Asserted",
    ("Huawei", "partnersWith", "Leica"): "Asserted",
    ("Microsoft", "acquired", "LinkedIn"): "Asserted",
    ("Broadcom", "acquired", "VMware"): "Asserted",
    ("Qualcomm", "acquired", "Nuvia"): "Asserted",
    ("Google", "acquired", "Fitbit"): "Asserted",
    ("Amazon", "investedIn", "Anthropic"): "Asserted",
    ("Samsung", "partnersWith", "Google"): "Asserted",
    ("Sony", "supplierOf", "Xiaomi"): "Asserted",
    ("Qualcomm", "supplierOf", "Apple"): "Asserted",
    ("Linda Yaccarino", "ceoOf", "Twitter"): "Asserted",
    ("Andy Jassy", "ceoOf", "Amazon"): "Asserted",
    ("Jeff Bezos", "founderOf", "Amazon"): "Asserted",
    ("Leica", "headquarteredIn", "Wetzlar"): "Asserted",
    ("Leica", "foundedIn", "1869"): "Asserted",
    ("Google", "investedIn", "Anthropic"): "Hedged",
    ("Apple", "endedPartnershipWith", "Goldman Sachs"): "Hedged",
    ("Xiaomi 12 Ultra", "hasOptics", "Leica"): "Hedged",
    ("Adobe", "acquired", "Figma"): "Negated",
    ("Huawei Xs 2", "hasOptics", "Leica"): "Negated",
}


def fact_id(value: object) -> str:
    return " ".join(value) if isinstance(value, tuple) else str(value)


def canonical_names() -> dict[str, str]:
    """Every gold spelling (normalised) -> its entity's gold name."""
    return {
        normalise(spelling): e["name"]
        for g in GOLD
        for e in g["entities"]
        for spelling in (e["name"], *e["aliases"])
    }


@pytest.mark.parametrize(("fact", "modality"), KEY_FACTS.items(), ids=fact_id)
def test_examples_key_facts_are_gold(fact: tuple[str, str, str], modality: str) -> None:
    listed = "negatives" if modality == "Negated" else "triples"
    assert any(list(fact) in g[listed] for g in GOLD)


@pytest.fixture(scope="module")
def built(bundled_store: Path) -> dict[tuple[str, str, str], set[str]]:
    """``kg build --example`` (once a session): each (subject, relation, object) with its
    modalities."""
    names = canonical_names()
    store = open_store(str(bundled_store), read_only=True)
    rows = store.query(
        with_prefixes("""
        SELECT ?s ?p ?o ?m WHERE {
          GRAPH ?article {
            ?e a rdf:Statement ; rdf:subject ?si ; rdf:predicate ?pi ; rdf:object ?oi ;
               kg:modality ?mi . ?si rdfs:label ?s .
            OPTIONAL { ?oi rdfs:label ?ol }
          }
          BIND(COALESCE(?ol, STR(?oi)) AS ?o)
          BIND(STRAFTER(STR(?pi), "#") AS ?p) BIND(STRAFTER(STR(?mi), "#") AS ?m)
        }""")
    )
    stated: dict[tuple[str, str, str], set[str]] = {}
    for row in rows:
        s, p, o, m = (row[k].value for k in ("s", "p", "o", "m"))
        key = (names.get(normalise(s), s), p, names.get(normalise(o), o))
        stated.setdefault(key, set()).add(m)
    store.close()
    return stated


@pytest.mark.model
@pytest.mark.parametrize(("fact", "modality"), KEY_FACTS.items(), ids=fact_id)
def test_examples_build_states_the_key_facts(
    built: dict[tuple[str, str, str], set[str]], fact: tuple[str, str, str], modality: str
) -> None:
    found = built.get(fact, set())
    if modality == "Negated":
        assert found == {"Negated"}
    else:
        assert modality in found and "Negated" not in found
