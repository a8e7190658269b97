"""The spaCy pipeline with kg's components: gazetteer over the model, products, sentences."""

from __future__ import annotations

import pytest

from kg.errors import ModelError
from kg.nlp import load_pipeline

pytestmark = pytest.mark.model


def ents(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.id_) for e in nlp(text).ents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xiaomi and Leica signed a deal.",
         [("Xiaomi", "ORG", "Organization|Xiaomi"), ("Leica", "ORG", "Organization|Leica")]),
        ("ZEISS works with OPPO.",
         [("ZEISS", "ORG", "Organization|Zeiss"), ("OPPO", "ORG", "Organization|Oppo")]),
        ("Leica Camera AG makes lenses.", [("Leica Camera AG", "ORG", "Organization|Leica")]),
        ("The Xiaomi 12 Ultra has big cameras.",
         [("Xiaomi 12 Ultra", "PRODUCT", "Xiaomi 12 Ultra")]),
        ("The Mi 11 Ultra sold well.", [("Mi 11 Ultra", "PRODUCT", "Mi 11 Ultra")]),
        ("Huawei showed the Huawei P50 series.",
         [("Huawei", "ORG", "Organization|Huawei"),
          ("Huawei P50 series", "PRODUCT", "Huawei P50 series")]),
        ("The OnePlus 9 Pro shoots 8K video.",
         [("OnePlus 9 Pro", "PRODUCT", "OnePlus 9 Pro"), ("8", "CARDINAL", "")]),
        ("Tesla sells the Model S in Europe.",
         [("Tesla", "ORG", "Organization|Tesla"), ("Model S", "PRODUCT", "Model S"),
          ("Europe", "LOC", "")]),
        ("Leica was founded by Ernst Leitz.",
         [("Leica", "ORG", "Organization|Leica"), ("Ernst Leitz", "PERSON", "")]),
    ],
    ids=["gazetteer-beats-person", "case-variants", "corporate-suffix", "maker-model",
         "product-line", "series", "units-are-not-models", "letter-model", "person-over-company"],
)  # fmt: skip
def test_nlp_entities(nlp, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert ents(nlp, text) == expected


def test_nlp_blank_line_starts_a_sentence(nlp) -> None:
    doc = nlp("Huawei ends Leica deal\n\nXiaomi signs with Leica.")
    assert [s.text.strip() for s in doc.sents] == [
        "Huawei ends Leica deal",
        "Xiaomi signs with Leica.",
    ]


def test_nlp_glued_year_is_split(nlp) -> None:
    assert [t.text for t in nlp("founded in1869.")] == ["founded", "in", "1869", "."]


def test_nlp_components_are_declared(nlp) -> None:
    assert nlp.pipe_names[-4:] == ["ner", "kg_people", "entity_ruler", "kg_products"]
    assert "kg_paragraphs" in nlp.pipe_names


def test_nlp_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="not installed"):
        load_pipeline("en_core_web_nonexistent")
