"""Relation patterns and modality cues from ``ontologies/patterns.yaml``, and the
trigger index that finds them in a parsed doc."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import LEMMA, LOWER, POS
from spacy.language import Language
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc, Token

from kg.model import Modality
from kg.ontology import relations


@dataclass(frozen=True)
class RelationPattern:
    id: str
    relation: str
    domain: frozenset[str]
    range: frozenset[str]
    range_role: str | None
    symmetric: bool
    confidence: float
    max_distance: int
    reverse: bool
    overrides: frozenset[str]
    when_negated: str | None
    subject_preps: frozenset[str]
    object_preps: frozenset[str] | None
    possessor: str
    co_subject_preps: frozenset[str]
    check_roles: bool
    direct_object: bool
    named: str | None = None
    """What the name a trigger noun describes is ("Meta, Instagram's parent company";
    "parent company Meta"): 'subj' or 'obj'; None reads an apposition as the subject."""
    recipient_preps: frozenset[str] = frozenset()
    goods_object: bool = False
    """The verb must have a direct object naming goods, not a company or a share of
    one ("buys battery cells from Hanul" is supply; "bought Beats from HTC" and
    "bought a stake from Sony" are not)."""
    when_minority: str | None = None
    """The relation the trigger states when its verb's object is a share under half
    ("owns 15% of Kestrel": investedIn, not subsidiaryOf)."""
    """Prepositions naming who receives what the verb's object names ("sold Corvo to
    Tallis"): that one is the subject, the verb's own subject no party."""


@dataclass(frozen=True)
class TriggerMatch:
    pattern: RelationPattern
    anchor: Token
    tokens: frozenset[int]


@dataclass(frozen=True)
class Cues:
    negation_deps: frozenset[str]
    negation: frozenset[str]
    negation_phrases: tuple[str, ...]
    denial: frozenset[str]
    denial_phrases: tuple[str, ...]
    hedge: frozenset[str]
    hedge_phrases: tuple[str, ...]
    confidence: dict[str, float]
    denial_verbs: frozenset[str] = frozenset()
    negation_ancestors: frozenset[str] = frozenset()
    restrictors: frozenset[str] = frozenset()
    failure_verbs: frozenset[str] = frozenset()
    """Verbs whose subject did not happen ("the acquisition collapsed")."""
    report_words: frozenset[str] = frozenset()
    back_references: frozenset[str] = frozenset()


"""The last ``Words`` built from a doc's cached lists (by class), handed out again while
that doc is read."""


@dataclass(frozen=True)
class Words:
    """A doc's words read once: lower-case forms, lemmas and parts of speech by token
    index (spaCy builds a Token object on every access; extraction reads these)."""

    lowers: list[str]
    lemmas: list[str]
    pos: list[str]

    @classmethod
    def of(cls, doc: Doc) -> Words:
        """The doc's words, read once per doc (kept in ``doc.user_data``)."""
        cached = doc.user_data.get("kg_words")  # plain lists: the doc still serialises
        if cached is not None and len(cached[0]) == len(doc):
            return cls(*cached)
        strings = doc.vocab.strings
        rows = doc.to_array([LOWER, LEMMA, POS]).tolist() if len(doc) else []
        words = cls(
            [strings[row[0]] for row in rows],
            [strings[row[1]].lower() for row in rows],
            [POS_NAMES[row[2]] for row in rows],
        )
        doc.user_data["kg_words"] = [words.lowers, words.lemmas, words.pos]
        return words


class TriggerIndex:
    """The triggers of every pattern, indexed for dictionary lookups: phrases by their
    words (lower-case or lemma), head/child triggers by the head's lemma. This keeps
    extraction a small share of spaCy's own time."""

    def __init__(self, nlp: Language, data: dict, patterns: list[RelationPattern]) -> None:
        self.patterns = patterns
        self.phrases: dict[tuple[str, ...], list[tuple[int, str | None, bool, frozenset]]] = {}
        self.heads: dict[str, list[tuple[int, frozenset[str], bool]]] = {}
        for index, pattern in enumerate(patterns):
            for trigger in pattern_triggers(data, pattern.id):
                if "phrase" in trigger:
                    words = tuple(t.text.lower() for t in nlp.make_doc(trigger["phrase"]))
                    by_lemma = trigger.get("match", "word") == "lemma"
                    deps = frozenset(trigger.get("dep", ()))
                    self.phrases.setdefault(words, []).append(
                        (index, trigger.get("pos"), by_lemma, deps)
                    )
                else:
                    children = frozenset(w.lower() for w in trigger["child"])
                    descendants = trigger.get("rel", ">") == ">>"
                    for head in trigger["head"]:
                        self.heads.setdefault(head.lower(), []).append(
                            (index, children, descendants)
                        )
        self.longest_phrase = max((len(k) for k in self.phrases), default=1)
        self.first_words = frozenset(k[0] for k in self.phrases)

    def matches(self, doc: Doc, words: Words) -> list[TriggerMatch]:
        found: dict[tuple[int, int], TriggerMatch] = {}
        lowers, lemmas = words.lowers, words.lemmas
        n = len(doc)
        first = self.first_words
        for i in range(n):
            if lowers[i] not in first and lemmas[i] not in first:
                sizes: range = range(0)
            else:
                sizes = range(1, min(self.longest_phrase, n - i) + 1)
            for size in sizes:
                lemma_words = tuple(lemmas[i : i + size])
                for words in {tuple(lowers[i : i + size]), lemma_words}:
                    for index, pos, by_lemma, deps in self.phrases.get(words, ()):
                        span = doc[i : i + size]
                        if pos is not None and any(t.pos_ != pos for t in span):
                            continue
                        if deps and span.root.dep_ not in deps:
                            continue
                        if by_lemma and words != lemma_words:
                            # "found" as a word, but the past of "find"
                            continue
                        found.setdefault(
                            (index, span.root.i),
                            TriggerMatch(
                                self.patterns[index], span.root, frozenset(range(i, i + size))
                            ),
                        )
            for index, children, descendants in self.heads.get(lemmas[i], ()):
                head = doc[i]
                below = head.subtree if descendants else head.children
                for child in below:
                    if child.i != i and (
                        lowers[child.i] in children or lemmas[child.i] in children
                    ):
                        found.setdefault(
                            (index, i),
                            TriggerMatch(self.patterns[index], head, frozenset({i, child.i})),
                        )
                        break
        names = name_tokens(doc)
        return without_nested(
            [
                m
                for m in found.values()
                if not m.tokens <= names and not any(of_a_kind(doc[i]) for i in m.tokens)
            ]
        )


NAME_LABELS = frozenset({"ORG", "PERSON", "PRODUCT", "GPE", "FAC", "WORK_OF_ART"})


def name_tokens(doc: Doc) -> set[int]:
    """The proper-noun words of names of two words or more: "Fund" in "Acacia Growth
    Fund", "Partners" in "Fjordline Partners" name, they trigger nothing."""
    return {
        t.i
        for e in doc.ents
        if e.label_ in NAME_LABELS and len(e) > 1
        for t in e
        if t.pos_ == "PROPN" or t.text[:1].isupper()
    }


def of_a_kind(anchor: Token) -> bool:
    """Whether a trigger noun names a kind, not a fact: "such a tie-up", "such deals"
    (a tie-up talked about, whose parties the sentence does not name).

    >>> import spacy
    >>> doc = Doc(spacy.blank("en").vocab, words=["such", "a", "tie-up"], heads=[2, 2, 2],
    ...           deps=["predet", "det", "ROOT"])
    >>> of_a_kind(doc[2]), of_a_kind(doc[0])
    (True, False)
    """
    return anchor.pos_ != "VERB" and any(
        c.lower_ == "such" and c.dep_ in ("predet", "amod", "det") for c in anchor.children
    )


def without_nested(matches: list[TriggerMatch]) -> list[TriggerMatch]:
    """The matches not inside a longer one of another relation between the same
    classes: "chief" (worksFor) inside "chief executive" (ceoOf) is that title's word,
    not a title of its own that could pass to the people listed after it; nor a
    modifier of another match of the same pattern ("chief" of "chief economist":
    the economist's title says whose it is)."""
    anchors = {(m.pattern.id, m.anchor.i) for m in matches}
    return [
        m
        for m in matches
        if not any(
            m.tokens < o.tokens
            and o.pattern.relation != m.pattern.relation
            and o.pattern.domain == m.pattern.domain
            and o.pattern.range == m.pattern.range
            for o in matches
        )
        and not (
            m.anchor.dep_ in ("amod", "compound")
            and (m.pattern.id, m.anchor.head.i) in anchors
            and m.anchor.head.i != m.anchor.i
        )
    ]


def relation_patterns(data: dict) -> list[RelationPattern]:
    defaults = data.get("defaults", {})
    found = []
    for raw in data["relations"]:
        domain = raw["domain"] if isinstance(raw["domain"], list) else [raw["domain"]]
        rng = raw["range"] if isinstance(raw["range"], list) else [raw["range"]]
        found.append(
            RelationPattern(
                id=raw.get("id", raw["relation"]),
                relation=raw["relation"],
                domain=frozenset(domain),
                range=frozenset(rng),
                range_role=raw.get("range_role"),
                symmetric=relations()[raw["relation"]].symmetric,
                confidence=float(raw.get("confidence", defaults.get("confidence", 0.8))),
                max_distance=int(raw.get("max_distance", defaults.get("max_distance", 4))),
                reverse=bool(raw.get("reverse", False)),
                overrides=frozenset(raw.get("overrides", ())),
                when_negated=raw.get("when_negated"),
                subject_preps=frozenset(
                    raw.get("subject_preps", defaults.get("subject_preps", ["by"]))
                ),
                object_preps=frozenset(raw["object_preps"]) if "object_preps" in raw else None,
                possessor=raw.get("possessor", "subj"),
                co_subject_preps=frozenset(raw.get("co_subject_preps", ())),
                check_roles=bool(raw.get("check_roles", False)),
                direct_object=bool(raw.get("direct_object", False)),
                named=raw.get("named"),
                recipient_preps=frozenset(raw.get("recipient_preps", ())),
                when_minority=raw.get("when_minority"),
                goods_object=bool(raw.get("goods_object", False)),
            )
        )
    return found


def pattern_triggers(data: dict, pattern_id: str) -> list[dict]:
    for raw in data["relations"]:
        if raw.get("id", raw["relation"]) == pattern_id:
            return raw["triggers"]
    raise KeyError(pattern_id)


def modality_cues(raw: dict) -> Cues:
    def words(section: dict) -> frozenset[str]:
        return frozenset(w.lower() for w in section.get("words", ()))

    def phrases(section: dict) -> tuple[str, ...]:
        return tuple(p.lower() for p in section.get("phrases", ()))

    return Cues(
        negation_deps=frozenset(raw["negation"].get("deps", ())),
        negation=words(raw["negation"]),
        negation_phrases=phrases(raw["negation"]),
        denial=words(raw["denial"]),
        denial_phrases=phrases(raw["denial"]),
        hedge=words(raw["hedge"]),
        hedge_phrases=phrases(raw["hedge"]),
        confidence={Modality(k): float(v) for k, v in raw["confidence"].items()},
        denial_verbs=frozenset(v.lower() for v in raw["denial"].get("sentence_verbs", ())),
        negation_ancestors=frozenset(w.lower() for w in raw["negation"].get("governors", ())),
        restrictors=frozenset(w.lower() for w in raw["negation"].get("restrictors", ())),
        failure_verbs=frozenset(v.lower() for v in raw["denial"].get("failure_verbs", ())),
        report_words=frozenset(v.lower() for v in raw["denial"].get("report_words", ())),
        back_references=frozenset(v.lower() for v in raw["denial"].get("back_references", ())),
    )
