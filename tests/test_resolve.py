"""Resolution: one entity per thing within an article, IRIs that meet across articles."""

from __future__ import annotations

import pytest

from kg.model import Article, Extraction, Mention
from kg.ontology import entity_iri
from kg.resolve import resolve


def mention(text: str, cls: str, start: int, name: str | None = None, gaz: bool = False) -> Mention:
    return Mention(text, name or text, cls, start, start + len(text), 0, gaz)


def entities(*mentions: Mention) -> dict[str, tuple[str, str, set[str]]]:
    extraction = Extraction(Article(id="a", text="x"), tuple(mentions), ())
    return {e.label: (e.iri, e.cls, e.aliases) for e in resolve(extraction).entities}


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        (
            [mention("Leica Camera AG", "Organization", 0, "Leica", True),
             mention("LEICA", "Organization", 20, "Leica", True)],
            {"Leica": (entity_iri("Organization", "leica"), "Organization",
                       {"Leica Camera AG", "LEICA"})},
        ),
        (
            [mention("Lei Jun", "Person", 0), mention("Jun", "Person", 30)],
            {"Lei Jun": (entity_iri("Person", "lei jun"), "Person", {"Jun"})},
        ),
        (
            [mention("Acme Widgets Inc.", "Organization", 0, "Acme Widgets Inc."),
             mention("Acme Widgets", "Organization", 40)],
            {"Acme Widgets Inc.": (entity_iri("Organization", "acme widgets"), "Organization",
                                   {"Acme Widgets"})},
        ),
    ],
    ids=["suffix-and-case", "short-person-name", "unknown-company-suffix"],
)  # fmt: skip
def test_resolve_merges_surface_forms(mentions: list[Mention], expected: dict) -> None:
    assert entities(*mentions) == expected


def test_resolve_keeps_same_name_of_different_classes_apart() -> None:
    extraction = Extraction(
        Article(id="a", text="x"),
        (mention("Pixel", "Organization", 0), mention("Pixel", "Product", 10)),
        (),
    )
    iris = sorted(e.iri for e in resolve(extraction).entities)
    assert iris == [entity_iri("Organization", "pixel"), entity_iri("Product", "pixel")]


def test_resolve_iri_is_the_same_across_articles() -> None:
    one = Extraction(
        Article(id="a", text="x"), (mention("Xiaomi Corp", "Organization", 0, "Xiaomi", True),), ()
    )
    two = Extraction(
        Article(id="b", text="y"), (mention("XIAOMI", "Organization", 0, "Xiaomi", True),), ()
    )
    assert [e.iri for e in resolve(one).entities] == [e.iri for e in resolve(two).entities]
