"""The ontology's vocabulary, the data files in ``ontologies/`` and IRI minting.

Every IRI kg writes is minted here, so the scheme lives in one place.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KGError

if TYPE_CHECKING:
    from rdflib import Graph


class Namespace(str):
    """An IRI namespace whose terms are IRI strings: ``KG.Fact`` or ``KG["Fact"]``.

    Plain strings, so SPARQL text, pyoxigraph and the store layer use the
    vocabulary without importing rdflib (about 0.15 s that ``kg query`` and
    ``kg stats`` need not pay); ``kg.rdf.KG`` is the same namespace as rdflib
    terms, for building rdflib graphs.

    >>> KG.Fact, KG["partnersWith"] == KG.partnersWith
    ('https://w3id.org/kg-news/ontology#Fact', True)
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return f"{self}{name}"

    def __getitem__(self, name: str) -> str:  # type: ignore[override]
        return f"{self}{name}"


BASE = "https://w3id.org/kg-news/"
KG = Namespace(BASE + "ontology#")
ENTITY = Namespace(BASE + "id/")
ARTICLE = Namespace(BASE + "article/")
EVIDENCE = Namespace(BASE + "evidence/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
OWL = Namespace("http://www.w3.org/2002/07/owl#")

PREFIXES: dict[str, Namespace] = {
    "kg": KG,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
    "dcterms": DCTERMS,
}
"""The prefixes kg declares everywhere: in SPARQL (``kg.views.prefixes``), in Turtle and
TriG exports, and on rdflib graphs (``kg.rdf``)."""

CLASSES = ("Organization", "Person", "Product", "Place")


class OntologyError(KGError):
    """The data in ``ontologies/`` is malformed (an unknown key, an unknown relation)."""


YEAR_CLASS = "Year"
"""The extraction class of a literal year (a relation whose range is ``xsd:gYear``)."""


@dataclass(frozen=True)
class Relation:
    """A relation of ``kg.ttl``: its domain and range classes (local names; a literal
    year's range is ``Year``), and whether it is symmetric."""

    name: str
    domain: frozenset[str]
    range: frozenset[str]
    symmetric: bool = False

    @property
    def literal(self) -> bool:
        return self.range == {YEAR_CLASS}


@cache
def relations() -> dict[str, Relation]:
    """The scored relations, read once from ``ontologies/kg.ttl``: every object or
    datatype property whose domain or range is one of the core classes.

    >>> relations()["partnersWith"].symmetric
    True
    >>> sorted(relations()["investedIn"].domain)
    ['Organization', 'Person']
    """
    triples = ontology_triples()
    types = triples.get(RDF.type, {})
    found: dict[str, Relation] = {}
    for prop, kinds in types.items():
        if not prop.startswith(KG) or not kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}:
            continue
        domain = _classes(triples, _one(triples, RDFS.domain, prop))
        rng = _classes(triples, _one(triples, RDFS.range, prop))
        if not domain or not rng:
            continue
        name = prop[len(KG) :]
        found[name] = Relation(name, domain, rng, OWL.SymmetricProperty in kinds)
    return dict(sorted(found.items(), key=lambda item: _line_order(item[0])))


Triples = dict[str, dict[str, frozenset[str]]]
"""predicate IRI -> subject -> its objects (IRIs, blank node ids, literal values)."""


@cache
def ontology_triples() -> Triples:
    """``kg.ttl`` read with pyoxigraph into plain strings, by predicate then subject.

    rdflib's Turtle parser takes about 0.1 s on this file; pyoxigraph about 5 ms.
    ``ontology_graph()`` still gives the rdflib Graph (SHACL validation needs one).

    >>> sorted(ontology_triples()[KG.endOf][KG.endedPartnershipWith])
    ['https://w3id.org/kg-news/ontology#partnersWith']
    """
    import pyoxigraph as ox

    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for triple in ox.parse(path=str(ontology_dir() / "kg.ttl"), format=ox.RdfFormat.TURTLE):
        found[triple.predicate.value][triple.subject.value].add(triple.object.value)
    return {p: {s: frozenset(o) for s, o in by_s.items()} for p, by_s in found.items()}


def _one(triples: Triples, predicate: str, subject: str) -> str | None:
    objects = triples.get(predicate, {}).get(subject, frozenset())
    return min(objects) if objects else None


def _classes(triples: Triples, node: str | None) -> frozenset[str]:
    """Core class names a domain or range names: one class, an ``owl:unionOf`` list,
    or ``xsd:gYear`` (a year)."""
    if node is None:
        return frozenset()
    if node == XSD.gYear:
        return frozenset({YEAR_CLASS})
    members = _one(triples, OWL.unionOf, node)
    nodes = [node] if members is None else _list(triples, members)
    names = {n[len(KG) :] for n in nodes if n.startswith(KG)}
    return frozenset(n for n in names if n in CLASSES)


def _list(triples: Triples, head: str) -> list[str]:
    """The members of an RDF collection (``rdf:first`` / ``rdf:rest``), in order."""
    members: list[str] = []
    node: str | None = head
    while node is not None and node != RDF.nil and len(members) < 1000:
        first = _one(triples, RDF.first, node)
        if first is not None:
            members.append(first)
        node = _one(triples, RDF.rest, node)
    return members


@cache
def _ttl_lines() -> dict[str, int]:
    text = (ontology_dir() / "kg.ttl").read_text(encoding="utf-8")
    return {m.group(1): m.start() for m in re.finditer(r"^kg:(\w+) a owl:", text, re.M)}


def _line_order(name: str) -> int:
    return _ttl_lines().get(name, 1 << 30)


def __getattr__(name: str) -> Any:
    """``RELATIONS``, ``SYMMETRIC`` and ``LITERAL_RELATIONS``, derived from ``kg.ttl``
    on first use (importing kg reads no file)."""
    if name == "RELATIONS":
        return tuple(relations())
    if name == "SYMMETRIC":
        return frozenset(r.name for r in relations().values() if r.symmetric)
    if name == "LITERAL_RELATIONS":
        return frozenset(r.name for r in relations().values() if r.literal)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class GazetteerEntry:
    label: str
    cls: str
    aliases: tuple[str, ...] = ()
    roles: frozenset[str] = frozenset()
    product_lines: tuple[str, ...] = ()
    maker: str | None = None


@dataclass(frozen=True)
class Ontology:
    """The data that drives extraction: gazetteer, patterns and cue lists."""

    gazetteer: tuple[GazetteerEntry, ...]
    patterns: dict[str, Any]
    by_key: dict[str, GazetteerEntry] = field(default_factory=dict)
    given_names: frozenset[str] = frozenset()

    def lookup(self, name: str) -> GazetteerEntry | None:
        """The gazetteer entry a name or alias stands for (case and suffix blind)."""
        return self.by_key.get(name_key(name, self.corporate_suffixes))

    @cached_property
    def corporate_suffixes(self) -> frozenset[str]:
        """Read once per ontology: name keys (``lookup``, resolution) ask for it per name."""
        return frozenset(s.lower().rstrip(".,") for s in self.patterns["corporate_suffixes"])

    @cached_property
    def organisation_words(self) -> frozenset[str]:
        """Words that end organisations' names ("Motors", "Labs"), lower case."""
        return frozenset(w.lower() for w in self.patterns.get("organisation_words", ()))

    def starts_with_given_name(self, name: str) -> bool:
        """Whether a name's first word is a common given name (``names.yaml``).

        >>> load_ontology().starts_with_given_name("Anna Berg")
        True
        >>> load_ontology().starts_with_given_name("Tsinghua Unigroup")
        False
        """
        words = name.split()
        return bool(words) and words[0].lower() in self.given_names

    def labels_with_role(self, role: str) -> frozenset[str]:
        """Labels of the gazetteer entries that have ``role`` ("maker", "optics")."""
        return frozenset(e.label for e in self.gazetteer if role in e.roles)

    def lines_to_maker(self) -> dict[str, str]:
        """Product line name (lower case) -> the maker's label."""
        return {
            line.lower(): entry.label for entry in self.gazetteer for line in entry.product_lines
        }


def ontology_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("kg.ontologies")))


def _read_yaml(name: str, directory: Path | None) -> Any:
    import yaml

    path = (directory or ontology_dir()) / name
    with path.open(encoding="utf-8") as fh:  # libyaml's safe loader: same data, ~10x faster
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _entry(raw: dict[str, Any]) -> GazetteerEntry:
    return GazetteerEntry(
        label=raw["label"],
        cls=raw["class"],
        aliases=tuple(raw.get("aliases", ())),
        roles=frozenset(raw.get("roles", ())),
        product_lines=tuple(raw.get("product_lines", ())),
        maker=raw.get("maker"),
    )


PATTERN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({
        "defaults", "relations", "possessive_relations", "product_makers", "products",
        "modality", "not_entities", "not_parties", "organisation_words", "keep_hyphenated",
        "company_nouns", "possessives", "pairs", "pronouns", "anaphora", "anaphora_nouns",
        "corporate_suffixes", "funding_rounds", "product_nouns", "honorifics",
        "not_references", "listing_nouns", "succession_verbs", "appointment_verbs",
        "audience_verbs", "ownership_nouns", "itself_words",
    }),
    "defaults": frozenset({"max_distance", "confidence", "subject_preps"}),
    "relations[]": frozenset({
        "relation", "id", "domain", "range", "range_role", "confidence", "max_distance",
        "reverse", "overrides", "when_negated", "when_minority", "subject_preps",
        "object_preps", "possessor",
        "co_subject_preps", "check_roles", "direct_object", "named", "recipient_preps",
        "goods_object",
        "triggers",
    }),
    "triggers[]": frozenset({"phrase", "pos", "dep", "head", "child", "rel", "match"}),
    "possessive_relations[]": frozenset(
        {"relation", "possessor", "possessed", "confidence", "through"}
    ),
    "product_makers": frozenset({"relation", "confidence", "verbs"}),
    "funding_rounds": frozenset({
        "relation", "confidence", "round_words", "raise_verbs", "investor_verbs",
        "investor_nouns",
    }),
    "products": frozenset(
        {"model_words", "series_words", "quantity_words", "stop_words", "not_model_names"}
    ),
    "modality": frozenset({"negation", "denial", "hedge", "confidence"}),
    "modality.negation": frozenset({"deps", "governors", "words", "phrases", "restrictors"}),
    "modality.denial": frozenset(
        {"words", "sentence_verbs", "phrases", "failure_verbs", "report_words", "back_references"}
    ),
    "modality.hedge": frozenset({"words", "phrases"}),
    "modality.confidence": frozenset({"asserted", "hedged", "negated"}),
}  # fmt: skip
"""The keys each part of ``patterns.yaml`` may have; any other is an error."""


def check_patterns(data: Any, where: str = "patterns.yaml") -> None:
    """Raise ``OntologyError`` naming the first unknown key or unknown relation in the
    pattern data, and where it is.

    >>> try:
    ...     check_patterns({"relations": [{"relation": "acquired", "symetric": True}]})
    ... except OntologyError as err:
    ...     print(str(err).split(";")[0])
    patterns.yaml: relations[0] (acquired): unknown key 'symetric'
    """
    if not isinstance(data, dict):
        raise OntologyError(f"{where}: expected a mapping at the top")
    _check_keys(data, "", where, "top level")
    for section in ("defaults", "products", "product_makers", "funding_rounds", "modality"):
        if section in data:
            _check_keys(data[section], section, where, section)
    for part in ("negation", "denial", "hedge", "confidence"):
        if part in data.get("modality", {}):
            _check_keys(data["modality"][part], f"modality.{part}", where, f"modality.{part}")
    known = relations()
    for n, raw in enumerate(data.get("relations", ())):
        name = raw.get("relation") if isinstance(raw, dict) else None
        label = f"relations[{n}] ({name})"
        _check_keys(raw, "relations[]", where, label)
        if name not in known:
            raise OntologyError(f"{where}: {label}: relation {name!r} is not in kg.ttl")
        for key in ("when_negated", "when_minority"):
            if key in raw and raw[key] not in known:
                raise OntologyError(f"{where}: {label}: {key} {raw[key]!r} is not in kg.ttl")
        for m, trigger in enumerate(raw.get("triggers") or ()):
            _check_keys(trigger, "triggers[]", where, f"{label} triggers[{m}]")
            _check_words(trigger, where, f"{label} triggers[{m}]")
    for n, raw in enumerate(data.get("possessive_relations", ())):
        _check_keys(raw, "possessive_relations[]", where, f"possessive_relations[{n}]")


def _check_words(trigger: dict[str, Any], where: str, label: str) -> None:
    """A trigger's words must be strings: YAML reads a bare ``on``, ``no`` or ``yes``
    as a boolean, which would otherwise fail deep inside the matcher."""
    for key in ("phrase", "head", "child", "pos", "dep", "rel"):
        value = trigger.get(key)
        for word in value if isinstance(value, list) else ([] if value is None else [value]):
            if not isinstance(word, str):
                raise OntologyError(
                    f'{where}: {label}: {key} {word!r} is not a word; quote it ("on")'
                )


def _check_keys(raw: Any, kind: str, where: str, label: str) -> None:
    if not isinstance(raw, dict):
        raise OntologyError(f"{where}: {label}: expected a mapping, got {type(raw).__name__}")
    allowed = PATTERN_KEYS[kind]
    for key in raw:
        if key not in allowed:
            keys = ", ".join(sorted(allowed)[:3])
            raise OntologyError(f"{where}: {label}: unknown key {key!r}; known keys: {keys}, ...")


@cache
def load_ontology(directory: Path | None = None) -> Ontology:
    """Read the gazetteer and patterns (from ``directory``, else the bundled ones);
    the patterns are checked strictly (``check_patterns``)."""
    patterns = _read_yaml("patterns.yaml", directory)
    check_patterns(patterns, str((directory or ontology_dir()) / "patterns.yaml"))
    entries = tuple(_entry(raw) for raw in _read_yaml("gazetteer.yaml", directory))
    given_names = given_names_of(
        _read_yaml("names.yaml", directory), str((directory or ontology_dir()) / "names.yaml")
    )
    suffixes = frozenset(s.lower().rstrip(".,") for s in patterns["corporate_suffixes"])
    by_key: dict[str, GazetteerEntry] = {}
    for entry in entries:
        for name in (entry.label, *entry.aliases):
            by_key.setdefault(name_key(name, suffixes), entry)
    return Ontology(gazetteer=entries, patterns=patterns, by_key=by_key, given_names=given_names)


def given_names_of(data: Any, where: str = "names.yaml") -> frozenset[str]:
    """The lower-case given names of ``names.yaml``'s one key, checked.

    >>> sorted(given_names_of({"given_names": ["Anna", "Tomas"]}))
    ['anna', 'tomas']
    >>> given_names_of({"given_name": []})
    Traceback (most recent call last):
    ...
    kg.ontology.OntologyError: names.yaml: expected one key, given_names, as a list of names
    """
    names = data.get("given_names") if isinstance(data, dict) else None
    if set(data or ()) != {"given_names"} or not isinstance(names, list):
        raise OntologyError(f"{where}: expected one key, given_names, as a list of names")
    if bad := [n for n in names if not isinstance(n, str)]:
        raise OntologyError(f"{where}: given_names: {bad[0]!r} is not a name; quote it")
    return frozenset(n.lower() for n in names)


def ontology_graph() -> Graph:
    """``kg.ttl`` as an rdflib Graph (for SHACL; ``ontology_triples`` reads it faster)."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(ontology_dir() / "kg.ttl", format="turtle")
    return graph


def shapes_graph() -> Graph:
    from rdflib import Graph

    graph = Graph()
    graph.parse(ontology_dir() / "shapes.ttl", format="turtle")
    return graph


@lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Name comparison form: NFKC, case-folded, punctuation to spaces, spaces collapsed
    (kept per name: an article's names are keyed again and again, by extraction,
    resolution and the gazetteer)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(text.split())


def name_key(name: str, suffixes: frozenset[str] = frozenset()) -> str:
    """Normalised name without trailing corporate suffixes ("Leica Camera AG" -> "leica camera")."""
    words = normalise(name).split()
    while len(words) > 1 and words[-1] in suffixes:
        words.pop()
    return " ".join(words)


@lru_cache(maxsize=16384)
def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def entity_iri(cls: str, label: str) -> str:
    """One IRI per (class, name): same-named entities of different classes stay apart."""
    return str(ENTITY[f"{cls.lower()}/{slug(label)}"])


def article_iri(article_id: str) -> str:
    return str(ARTICLE[slug(article_id)])


def evidence_iri(article_id: str, key: str) -> str:
    return str(EVIDENCE[f"{slug(article_id)}/{key}"])


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> local_name(KG.partnersWith), local_name(ENTITY["organization/leica"])
    ('partnersWith', 'leica')
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
