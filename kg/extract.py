"""Doc -> Extraction: entity mentions and relation facts, with modality.

Relations come from ``ontologies/patterns.yaml``. Each pattern names trigger
phrases (matched by lemma) or head/child pairs (matched on the parse); a
trigger's head word anchors the relation, and entities of the pattern's
domain and range classes near it in the parse become subject and object.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from kg.model import Article, Extraction, Fact, Mention, Modality
from kg.nlp import BARE_MODEL, LABEL_TO_CLASS
from kg.ontology import LITERAL_RELATIONS, SYMMETRIC, Ontology, load_ontology

YEAR = re.compile(r"^(1[6-9]|20)\d\d$")
SUBJECT_DEPS = frozenset({"nsubj", "csubj", "poss", "agent"})
OBJECT_DEPS = frozenset({"nsubjpass", "dobj", "pobj", "attr", "oprd", "dative"})
CLAUSE_DEPS = frozenset({"advcl", "relcl", "ccomp", "parataxis", "conj", "acl"})
PASSIVE_ROLES = {"agent": "subj", "subj": "obj"}
SCOPE_CHILD_DEPS = frozenset({"neg", "aux", "auxpass", "advmod", "mark", "prep", "npadvmod"})


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


class Extractor:
    """Reads mentions and facts from parsed articles using the ontology's patterns."""

    def __init__(self, nlp: Language, ontology: Ontology | None = None) -> None:
        self.ontology = ontology or load_ontology()
        data = self.ontology.patterns
        self.patterns = relation_patterns(data)
        self._add_triggers(nlp)
        self.cues = modality_cues(data["modality"])
        self.roles = {e.label: e.roles for e in self.ontology.gazetteer}
        self.makers = {
            e.label
            for e in self.ontology.gazetteer
            if "maker" in e.roles and "optics" not in e.roles
        }
        self.all_makers = {e.label for e in self.ontology.gazetteer if "maker" in e.roles}
        self.product_makers = {e.label: e.maker for e in self.ontology.gazetteer if e.maker}
        self.anaphora = PhraseMatcher(nlp.vocab, attr="LOWER")
        for cls, phrases in data.get("anaphora", {}).items():
            self.anaphora.add(cls, [nlp.make_doc(p) for p in phrases])
        self.noun_anaphora = Matcher(nlp.vocab)
        for cls, nouns in data.get("anaphora_nouns", {}).items():
            self.noun_anaphora.add(
                cls,
                [[
                    {"LOWER": {"IN": ["the", "this", "that"]}},
                    {"POS": {"IN": ["ADJ", "NOUN", "PROPN", "PUNCT", "NUM"]}, "ENT_TYPE": "",
                     "OP": "{0,3}"},
                    {"LEMMA": {"IN": nouns}, "ENT_TYPE": ""},
                ]],
                greedy="LONGEST",
            )  # fmt: skip
        self.pair_phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.pair_phrases.add("pair", [nlp.make_doc(p) for p in data.get("pairs", ())])
        self.possessives = {
            word.lower(): cls
            for cls, words in data.get("possessives", {}).items()
            for word in words
        }
        self.not_entities = {w.lower() for w in data.get("not_entities", ())}
        self.company_nouns = {
            w.lower() for w in data.get("anaphora_nouns", {}).get("Organization", ())
        } | {w.lower() for w in data.get("company_nouns", ())}
        self.organisation_words = {w.lower() for w in data.get("organisation_words", ())}
        self.pronoun_classes = {
            word.lower(): tuple(classes) for word, classes in data.get("pronouns", {}).items()
        }
        products = data["products"]
        self.model_words = {
            w.lower() for w in (*products["model_words"], *products["series_words"])
        }
        self.maker_relation = data["product_makers"]["relation"]
        self.maker_confidence = float(data["product_makers"]["confidence"])

    def _add_triggers(self, nlp: Language) -> None:
        """Index the triggers: phrases by their words (lower-case or lemma), head/child
        triggers by the head's lemma. Matching is dictionary lookups, not a matcher
        pass per pattern, so extraction stays a small share of spaCy's time."""
        self.phrases: dict[tuple[str, ...], list[tuple[int, str | None]]] = {}
        self.heads: dict[str, list[tuple[int, frozenset[str], bool]]] = {}
        for index, pattern in enumerate(self.patterns):
            for trigger in pattern_triggers(self.ontology.patterns, pattern.id):
                if "phrase" in trigger:
                    words = tuple(t.text.lower() for t in nlp.make_doc(trigger["phrase"]))
                    self.phrases.setdefault(words, []).append((index, trigger.get("pos")))
                else:
                    children = frozenset(w.lower() for w in trigger["child"])
                    descendants = trigger.get("rel", ">") == ">>"
                    for head in trigger["head"]:
                        self.heads.setdefault(head.lower(), []).append(
                            (index, children, descendants)
                        )
        self.longest_phrase = max((len(k) for k in self.phrases), default=1)

    def __call__(self, doc: Doc, article: Article) -> Extraction:
        triggers = self.trigger_matches(doc)
        mentions = self.people_by_context(doc, self.mentions(doc), triggers)
        facts = list(self.product_facts(doc, mentions))
        facts += self.possessive_facts(doc, mentions)
        by_sentence: dict[int, list[Mention]] = {}
        for mention in mentions:
            by_sentence.setdefault(mention.sent_index, []).append(mention)
        sentences = list(doc.sents)
        for index, sent in enumerate(sentences):
            sent_triggers = [t for t in triggers if sent.start <= t.anchor.i < sent.end]
            if sent_triggers:
                facts.extend(
                    self.sentence_facts(sent, sent_triggers, by_sentence.get(index, []), doc)
                )
        return Extraction(article=article, mentions=tuple(mentions), facts=tuple(settled(facts)))

    # Mentions ---------------------------------------------------------------

    def mentions(self, doc: Doc) -> list[Mention]:
        sent_index = {s.start: i for i, s in enumerate(doc.sents)}
        sent_of = [0] * len(doc)
        current = 0
        for token in doc:
            current = sent_index.get(token.i, current)
            sent_of[token.i] = current
        found: list[Mention] = []
        seen_products: list[Mention] = []
        maker_counts: Counter[str] = Counter()
        anaphors = {start: (doc.vocab.strings[key], end) for key, start, end in self.anaphora(doc)}
        for key, start, end in self.noun_anaphora(doc):
            names_follow = end < len(doc) and (doc[end].ent_type_ or doc[end].pos_ == "PROPN")
            if not names_follow and (start not in anaphors or end > anaphors[start][1]):
                anaphors[start] = (doc.vocab.strings[key], end)
        taken: set[int] = set()
        for ent in doc.ents:
            if ent.label_ in LABEL_TO_CLASS:
                taken.update(range(ent.start, ent.end))
        events: list[tuple[int, Span | tuple[str, int, int]]] = [
            (e.start, e) for e in doc.ents if e.label_ in LABEL_TO_CLASS
        ]
        events += [(s, (cls, s, e)) for s, (cls, e) in anaphors.items() if s not in taken]
        events += [(s, ("pair", s, e)) for _, s, e in self.pair_phrases(doc) if s not in taken]
        events += [
            (t.i, (self.possessives[t.lower_], t.i, t.i + 1))
            for t in doc
            if t.dep_ == "poss" and t.lower_ in self.possessives
        ]
        events += [
            (t.i, (self.pronoun_classes[t.lower_][0], t.i, t.i + 1))
            for t in doc
            if t.lower_ in self.pronoun_classes and t.i not in anaphors and t.dep_ != "poss"
        ]
        events += [
            (t.i, ("Year", t.i, t.i + 1)) for t in doc if YEAR.match(t.text) and t.i not in taken
        ]
        for _, item in sorted(events, key=lambda x: x[0]):
            if isinstance(item, Span):
                one = self.entity_mention(doc, item, sent_of, seen_products, maker_counts)
                new = [one] if one is not None and self.is_entity_name(one) else []
            elif item[0] == "pair":
                new = self.pair_mentions(doc, item, sent_of, found)
            else:
                one = self.other_mention(doc, item, sent_of, found)
                new = [one] if one is not None else []
            for mention in new:
                found.append(mention)
                if mention.cls == "Product":
                    seen_products.append(mention)
                elif mention.cls == "Organization" and mention.name in self.all_makers:
                    maker_counts[mention.name] += 1
        return found

    def people_by_context(
        self, doc: Doc, mentions: list[Mention], triggers: list[TriggerMatch]
    ) -> list[Mention]:
        """Organisation mentions that context shows are people: a surname of a person
        named in the article ("Mollenkopf"), or a personal-looking name next to a
        person's role ("founded by Ernst Leitz", "Dinesh Paliwal will remain CEO")."""
        people = {m.name for m in mentions if m.cls == "Person" and not m.anaphor}
        by_surname = {n.split()[-1]: n for n in people if len(n.split()) > 1}
        renamed: dict[str, str] = {}
        role_anchors = [t.anchor for t in triggers if t.pattern.domain == {"Person"}]
        for m in mentions:
            if m.cls != "Organization" or m.gazetteer or m.anaphor:
                continue
            if m.name in by_surname:
                renamed[m.name] = by_surname[m.name]
            elif self.looks_like_person(m.name) and any(
                anchor_distance(root, a) <= 3
                for root in [mention_root(doc, m)]
                if root is not None
                for a in role_anchors
                if a.sent.start <= root.i < a.sent.end
            ):
                renamed[m.name] = m.name
        companies = self.companies_by_context(doc, mentions, triggers, role_anchors)
        return [
            replace(m, cls="Person", name=renamed[m.name])
            if m.cls == "Organization" and m.name in renamed and not m.gazetteer
            else replace(m, cls="Organization")
            if m.cls in ("Person", "Place") and m.name in companies
            else m
            for m in mentions
        ]

    def companies_by_context(
        self,
        doc: Doc,
        mentions: list[Mention],
        triggers: list[TriggerMatch],
        role_anchors: list[Token],
    ) -> set[str]:
        """Names the model calls people that only an organisation's place fits:
        "its acquisition of Activision Blizzard", never near a person's role."""
        company_triggers = [
            t for t in triggers
            if t.pattern.domain == {"Organization"} and t.pattern.range == {"Organization"}
        ]  # fmt: skip

        def object_of_company_trigger(root: Token) -> bool:
            return any(
                t.anchor.sent.start <= root.i < t.anchor.sent.end
                and anchor_distance(root, t.anchor) <= 2
                and syntactic_role(root, t.anchor, t.pattern.subject_preps,
                                   t.pattern.object_preps) == "obj"
                for t in company_triggers
            )  # fmt: skip

        def near(root: Token, anchors: list[Token], limit: int) -> bool:
            return any(
                a.sent.start <= root.i < a.sent.end and anchor_distance(root, a) <= limit
                for a in anchors
            )

        found: set[str] = set()
        for m in mentions:
            root = mention_root(doc, m)
            if m.cls not in ("Person", "Place") or m.gazetteer or m.anaphor or root is None:
                continue
            if self.described_as_company(root) or (
                object_of_company_trigger(root) and not near(root, role_anchors, 3)
            ):
                found.add(m.name)
        people_elsewhere = {
            m.name for m in mentions
            if m.cls == "Person" and (root := mention_root(doc, m)) is not None
            and near(root, role_anchors, 3) and not self.described_as_company(root)
        }  # fmt: skip
        return found - people_elsewhere

    def described_as_company(self, root: Token) -> bool:
        """ "Corephotonics, an Israeli company", "zoom developer Corephotonics"."""
        nouns = self.company_nouns
        if root.dep_ == "appos" and root.head.lemma_.lower() in nouns:
            return True
        return any(
            c.dep_ in ("appos", "compound") and c.lemma_.lower() in nouns for c in root.children
        )

    def looks_like_person(self, name: str) -> bool:
        words = name.split()
        return 2 <= len(words) <= 3 and all(
            w[:1].isupper() and w.isalpha() and w.lower() not in self.organisation_words
            for w in words
        )

    def is_entity_name(self, mention: Mention) -> bool:
        """False for the model's junk entities: role words, lower-case words, digits in names."""
        if mention.gazetteer or mention.anaphor:
            return True
        name = mention.name
        first = name.split()[0] if name.split() else ""
        if name.lower() in self.not_entities or not any(c.isupper() or c.isdigit() for c in first):
            return False
        return not (mention.cls == "Person" and any(ch.isdigit() for ch in name))

    def pair_mentions(
        self, doc: Doc, item: tuple[str, int, int], sent_of: list[int], found: list[Mention]
    ) -> list[Mention]:
        """ "the two companies" -> the last two organisations named (within two sentences)."""
        _, start, end = item
        span = doc[start:end]
        sent = sent_of[start]
        names: list[Mention] = []
        for earlier in reversed(found):
            if earlier.sent_index < sent - 2 or len(names) == 2:
                break
            if earlier.cls == "Organization" and earlier.name not in {m.name for m in names}:
                names.append(earlier)
        if len(names) < 2:
            return []
        return [
            Mention(
                span.text,
                m.name,
                m.cls,
                span.start_char,
                span.end_char,
                sent,
                m.gazetteer,
                anaphor=True,
            )
            for m in names
        ]

    def entity_mention(
        self,
        doc: Doc,
        ent: Span,
        sent_of: list[int],
        seen_products: list[Mention],
        maker_counts: Counter[str],
    ) -> Mention | None:
        cls = LABEL_TO_CLASS.get(ent.label_)
        if cls is None:
            return None
        text = ent.text
        if "|" in ent.id_:
            cls, name = ent.id_.split("|", 1)
            gazetteer = True
        elif ent.id_ == BARE_MODEL:
            name, gazetteer = self.bare_product_name(doc, ent, seen_products, maker_counts), False
        elif ent.id_:
            name, gazetteer = ent.id_, False
        elif cls == "Product" and not is_product_name(text, self.not_entities):
            return None
        else:
            name, gazetteer = clean_name(text, self.ontology), False
            entry = self.ontology.lookup(name)
            if entry is not None:
                cls, name, gazetteer = entry.cls, entry.label, True
        return Mention(
            text=text,
            name=name,
            cls=cls,
            start_char=ent.start_char,
            end_char=ent.end_char,
            sent_index=sent_of[ent.start],
            gazetteer=gazetteer,
            maker=ent.kb_id_ or None,
        )

    def bare_product_name(
        self, doc: Doc, ent: Span, seen: list[Mention], maker_counts: Counter[str]
    ) -> str:
        """ "the 12 Ultra" -> "Xiaomi 12 Ultra": an earlier product, a possessive maker,
        or the article's most-mentioned maker so far."""
        text = " ".join(ent.text.split())
        for other in doc.ents:
            if other.label_ == "PRODUCT" and other.id_.lower().endswith(" " + text.lower()):
                return other.id_
        for earlier in reversed(seen):
            if earlier.name.lower().endswith(" " + text.lower()):
                return earlier.name
        if ent.start >= 2 and doc[ent.start - 1].lower_ in ("'s", "’s"):
            owner = doc[ent.start - 2]
            for e in doc.ents:
                if e.end == owner.i + 1 and e.id_.startswith("Organization|"):
                    return f"{e.id_.split('|', 1)[1]} {text}"
        return text

    def appositive_antecedent(self, doc: Doc, span: Span, found: list[Mention]) -> Mention | None:
        """ "Leica, the camera company founded in 1869": a description set off by a comma
        right after a name describes that name."""
        if len(span) < 2 or span.start < 2 or doc[span.start - 1].text != ",":
            return None
        end_char = doc[span.start - 2].idx + len(doc[span.start - 2].text)
        return next((m for m in reversed(found) if m.end_char == end_char and not m.anaphor), None)

    def is_bare_model(self, name: str) -> bool:
        """A model named without its maker: it opens with a model number, or every word
        is a model number or model word ("12 Ultra", "X5 Raw", "P50 series")."""
        words = name.split()
        return bool(words) and (
            any(ch.isdigit() for ch in words[0])
            or all(any(ch.isdigit() for ch in w) or w.lower() in self.model_words for w in words)
        )

    def known_maker_in_sentence(self, doc: Doc, mention: Mention) -> str | None:
        """A gazetteer product's maker, when the sentence names that maker too."""
        maker = self.product_makers.get(mention.name)
        if maker is None:
            return None
        span = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
        if span is None:
            return None
        named = {e.id_ for e in span.sent.ents}
        return maker if f"Organization|{maker}" in named else None

    def bare_product_maker(
        self, doc: Doc, mention: Mention, makers_before: Counter[str]
    ) -> str | None:
        """The maker of a product named by its model alone: the nearest maker named
        before it in its sentence, else the article's most-named maker so far."""
        sent = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
        if sent is not None:
            for ent in reversed(list(sent.sent.ents)):
                if ent.end_char <= mention.start_char and ent.id_.startswith("Organization|"):
                    name = ent.id_.split("|", 1)[1]
                    if name in self.makers:
                        return name
        counts = [n for n, _ in makers_before.most_common() if n in self.makers]
        return counts[0] if counts else None

    def other_mention(
        self, doc: Doc, item: tuple[str, int, int], sent_of: list[int], found: list[Mention]
    ) -> Mention | None:
        cls, start, end = item
        span = doc[start:end]
        if cls == "Year":
            return Mention(span.text, span.text, "Year", span.start_char, span.end_char,
                           sent_of[start])  # fmt: skip
        sent = sent_of[start]
        possessive = end - start == 1 and (
            doc[start].lower_ in self.possessives or doc[start].lower_ in self.pronoun_classes
        )
        if possessive:
            for earlier in found:
                token = doc.char_span(earlier.start_char, earlier.end_char, alignment_mode="expand")
                if (earlier.sent_index == sent and token is not None
                        and earlier.cls in self.pronoun_classes.get(span.text.lower(), (cls,))
                        and earlier.start_char < span.start_char
                        and token.root.dep_ in ("nsubj", "nsubjpass")):  # fmt: skip
                    return replace(
                        earlier,
                        text=span.text,
                        start_char=span.start_char,
                        end_char=span.end_char,
                        sent_index=sent,
                        anaphor=True,
                    )
        appositive = self.appositive_antecedent(doc, span, found)
        if appositive is not None:
            return replace(appositive, text=span.text, start_char=span.start_char,
                           end_char=span.end_char, sent_index=sent, anaphor=True)  # fmt: skip
        classes = self.pronoun_classes.get(span.text.lower(), (cls,))
        candidates = [
            e for e in found
            if e.cls in classes and sent - 2 <= e.sent_index <= sent
            and e.start_char < span.start_char
            and not (e.sent_index == sent and e.cls == "Organization" and not possessive)
            and not (e.cls == "Product" and end - start > 1 and not has_model_number(e.name))
        ]  # fmt: skip
        if not candidates:
            return None
        pick = candidates[-1]
        in_subject_place = span.root.dep_ in ("nsubj", "nsubjpass")
        if span.text.lower() in self.pronoun_classes or in_subject_place:
            subjects = [e for e in candidates if is_subject(doc, e)]
            if subjects and subjects[-1].sent_index == pick.sent_index:
                pick = subjects[-1]
        return Mention(span.text, pick.name, pick.cls, span.start_char, span.end_char, sent,
                       pick.gazetteer, anaphor=True)  # fmt: skip

    # Relations --------------------------------------------------------------

    def trigger_matches(self, doc: Doc) -> list[TriggerMatch]:
        found: dict[tuple[int, int], TriggerMatch] = {}
        lowers = [t.lower_ for t in doc]
        lemmas = [t.lemma_.lower() for t in doc]
        n = len(doc)
        for i in range(n):
            for size in range(1, min(self.longest_phrase, n - i) + 1):
                for words in {tuple(lowers[i : i + size]), tuple(lemmas[i : i + size])}:
                    for index, pos in self.phrases.get(words, ()):
                        span = doc[i : i + size]
                        if pos is not None and any(t.pos_ != pos for t in span):
                            continue
                        found.setdefault(
                            (index, span.root.i),
                            TriggerMatch(self.patterns[index], span.root,
                                         frozenset(range(i, i + size))),
                        )  # fmt: skip
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
        return list(found.values())

    def sentence_facts(
        self, sent: Span, triggers: list[TriggerMatch], mentions: list[Mention], doc: Doc
    ) -> Iterator[Fact]:
        heads = {m: mention_root(doc, m) for m in mentions}
        sentence_negated = any(p in sent.text.lower() for p in self.cues.denial_phrases) or any(
            t.lemma_.lower() in self.cues.denial_verbs and t.pos_ in ("VERB", "AUX") for t in sent
        )
        facts: list[tuple[Fact, TriggerMatch]] = []
        for trigger in triggers:
            pattern = trigger.pattern
            near = [
                m for m in mentions
                if heads[m] is not None and heads[m].i not in trigger.tokens
                and anchor_distance(heads[m], trigger.anchor) <= pattern.max_distance
            ]  # fmt: skip
            modality = Modality.NEGATED if sentence_negated else self.modality(trigger)
            relation = pattern.relation
            if modality is Modality.NEGATED and pattern.when_negated:
                relation, modality = (
                    pattern.when_negated,
                    self.modality(trigger, skip_negation=True),
                )
            for subject, obj in self.pairs(pattern, near, heads, trigger):
                fact = Fact(
                    subject=subject,
                    predicate=relation,
                    obj=obj.name if relation in LITERAL_RELATIONS else obj,
                    modality=modality,
                    confidence=round(pattern.confidence * self.cues.confidence[modality], 3),
                    sentence=sent.text.strip(),
                    sent_start=sent.start_char,
                    sent_end=sent.end_char,
                    pattern=pattern.id,
                )
                facts.append((fact, trigger))
        yield from without_overridden(facts, self.patterns)

    def pairs(
        self,
        pattern: RelationPattern,
        near: list[Mention],
        heads: dict[Mention, Token | None],
        trigger: TriggerMatch,
    ) -> Iterator[tuple[Mention, Mention]]:
        """Subject and object: the nearest fitting mentions on each side, with their conjuncts."""
        dist = {m: anchor_distance(heads[m], trigger.anchor) for m in near}
        roles = {
            m: syntactic_role(
                heads[m], trigger.anchor, pattern.subject_preps, pattern.object_preps,
                pattern.possessor, pattern.co_subject_preps, trigger.tokens,
                pattern.direct_object,
            )
            for m in near
        }  # fmt: skip
        if "agent" in roles.values():
            roles = {m: PASSIVE_ROLES.get(r, r) for m, r in roles.items()}
        antecedent = relative_antecedent(trigger.anchor)
        for m in near:
            if antecedent is not None and conj_root(heads[m]) == antecedent.i:
                roles[m], dist[m] = "subj", 1
        subjects = [m for m in near if m.cls in pattern.domain]
        objects = [
            m for m in near
            if m.cls in pattern.range
            and (not pattern.range_role or pattern.range_role in self.roles.get(m.name, ()))
        ]  # fmt: skip
        if pattern.domain & pattern.range or pattern.check_roles:
            subjects = [m for m in subjects if roles[m] == "subj"]
            objects = [m for m in objects if roles[m] == "obj"]
        partners = [m for m in near if roles[m] == "cosubj" and m.cls in pattern.domain]
        subjects = nearest_group([m for m in subjects if m not in partners], dist, heads)
        if subjects:
            subjects += [m for m in partners if m not in subjects]
        names = {m.name for m in subjects}
        objects = nearest_group([m for m in objects if m.name not in names], dist, heads)
        found: list[tuple[Mention, Mention]] = []
        modifiers = modifiers_of(near, heads, trigger) if pattern.symmetric else []
        between = [m for m in objects if _between(heads[m])] if pattern.symmetric else []
        if len(modifiers) >= 2:
            found = [(modifiers[0], o) for o in modifiers[1:]]
        elif len(between) >= 2:
            # "a partnership between X and Y": the parties, whoever announces it
            found = [(between[0], o) for o in between[1:]]
        elif subjects and objects:
            found = [(s, o) for s in subjects for o in objects]
        elif pattern.symmetric:
            group = subjects or [m for m in objects if _between(heads[m])]
            found = [(group[0], o) for o in group[1:]]
        seen: set[tuple[str, str]] = set()
        for s, o in found:
            if s.name == o.name:
                continue
            a, b = (o, s) if pattern.reverse else (s, o)
            key = tuple(sorted((a.name, b.name))) if pattern.symmetric else (a.name, b.name)
            if key not in seen:
                seen.add(key)
                yield a, b

    def modality(self, trigger: TriggerMatch, skip_negation: bool = False) -> Modality:
        """Denial and hedging reach across clauses ("denied reports that it would buy");
        plain negation stays in the trigger's own clause ("as X had joined Y" is not
        negated by "the merger isn't surprising")."""
        words = scope_words(scope_tokens(trigger))
        clause = scope_tokens(trigger, clause_only=True)
        clause_words = scope_words(clause)
        text = " " + " ".join(words) + " "
        stretch = " " + " ".join(t.lower_ for t in trigger_stretch(trigger)) + " "
        clause_text = " " + " ".join(clause_words) + " "
        if not skip_negation:
            if any(w in self.cues.denial for w in words):
                return Modality.NEGATED
            chain = {t.lower_ for t in trigger.anchor.ancestors}
            if (
                any(w in self.cues.negation_ancestors for w in chain)
                or any(w in self.cues.negation for w in clause_words)
                or any(f" {p} " in clause_text for p in self.cues.negation_phrases)
                or any(t.dep_ in self.cues.negation_deps for t in clause)
            ):
                return Modality.NEGATED
        if any(w in self.cues.hedge for w in words) or any(
            f" {p} " in text or f" {p} " in stretch for p in self.cues.hedge_phrases
        ):
            return Modality.HEDGED
        return Modality.ASSERTED

    def possessive_facts(self, doc: Doc, mentions: list[Mention]) -> list[Fact]:
        """Facts stated by a possessive alone ("Alphabet's Google"), from
        ``possessive_relations`` in the patterns."""
        named = [m for m in mentions if not m.anaphor]
        roots = {r.i: m for m in named if (r := mention_root(doc, m)) is not None}
        sents = list(doc.sents)
        facts = []
        for rule in self.ontology.patterns.get("possessive_relations", ()):
            for i, owner in roots.items():
                token = doc[i]
                owned = roots.get(token.head.i)
                if (
                    token.dep_ != "poss"
                    or owned is None
                    or owner.cls != rule["possessor"]
                    or owned.cls != rule["possessed"]
                    or owner.name == owned.name
                ):
                    continue
                sent = sents[owned.sent_index]
                facts.append(
                    Fact(
                        owned,
                        rule["relation"],
                        owner,
                        Modality.ASSERTED,
                        float(rule["confidence"]),
                        sent.text.strip(),
                        sent.start_char,
                        sent.end_char,
                        f"possessive-{rule['relation']}",
                    )
                )
        return facts

    def product_facts(self, doc: Doc, mentions: list[Mention]) -> Iterator[Fact]:
        """manufacturedBy for products whose name starts with their maker's name."""
        sents = list(doc.sents)
        seen: set[tuple[str, int]] = set()
        makers_before: Counter[str] = Counter()
        for m in mentions:
            if m.cls == "Organization" and not m.anaphor:
                makers_before[m.name] += 1
            if m.cls != "Product" or m.anaphor or (m.name, m.sent_index) in seen:
                continue
            seen.add((m.name, m.sent_index))
            maker = (
                m.maker
                or maker_in_name(m.name, self.all_makers)
                or self.known_maker_in_sentence(doc, m)
            )
            if maker is None and not m.gazetteer and self.is_bare_model(m.name):
                maker = self.bare_product_maker(doc, m, makers_before)
            if maker is None:
                continue
            sent = sents[m.sent_index]
            yield Fact(
                subject=m,
                predicate=self.maker_relation,
                obj=Mention(
                    maker, maker, "Organization", m.start_char, m.end_char, m.sent_index, True
                ),
                modality=Modality.ASSERTED,
                confidence=self.maker_confidence,
                sentence=sent.text.strip(),
                sent_start=sent.start_char,
                sent_end=sent.end_char,
                pattern="product-name",
            )


# Helpers --------------------------------------------------------------------


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
                symmetric=bool(raw.get("symmetric", raw["relation"] in SYMMETRIC)),
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
    )


def clean_name(text: str, ontology: Ontology) -> str:
    """A mention's name: whitespace collapsed, leading "the" and possessive dropped."""
    words = text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    name = " ".join(words)
    for suffix in ("'s", "’s"):
        name = name.removesuffix(suffix)
    return name or text


def maker_in_name(name: str, makers: set[str]) -> str | None:
    lower = name.lower()
    for maker in makers:
        if lower.startswith(maker.lower() + " "):
            return maker
    return None


def has_model_number(name: str) -> bool:
    """Whether a product name carries a model number: "the phone" refers back to a
    "Vivo X90", not to "Android"."""
    return any(ch.isdigit() for ch in name)


def is_product_name(text: str, not_entities: set[str]) -> bool:
    """Whether a product the statistical model found has a real name ("Zenmuse",
    "Leica Summicron"), not a spec ("8K", "256GB", "100x") or a role word."""
    words = clean_words(text)
    return (
        bool(words)
        and words[-1].lower() not in not_entities
        and any(w[:1].isupper() and w.isalpha() and len(w) > 1 for w in words)
    )


def clean_words(text: str) -> list[str]:
    words = text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return [w.removesuffix("'s").removesuffix("’s") for w in words]


def is_subject(doc: Doc, mention: Mention) -> bool:
    root = mention_root(doc, mention)
    return root is not None and root.dep_ in ("nsubj", "nsubjpass")


def mention_root(doc: Doc, mention: Mention) -> Token | None:
    span = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    return span.root if span is not None else None


def anchor_distance(token: Token, anchor: Token) -> int:
    """Arcs from a mention to the trigger, counting a conjunct as near as the first of its list."""
    root = token
    while root.dep_ in ("conj", "appos") and root.head.i != root.i:
        root = root.head
    return min(tree_distance(token, anchor), tree_distance(root, anchor))


def tree_distance(a: Token, b: Token) -> int:
    """Number of dependency arcs between two tokens of one sentence."""
    path_a = [a, *a.ancestors]
    index_b = {t.i: n for n, t in enumerate([b, *b.ancestors])}
    for n, token in enumerate(path_a):
        if token.i in index_b:
            return n + index_b[token.i]
    return 99


def syntactic_role(
    token: Token | None,
    anchor: Token,
    subject_preps: frozenset[str],
    object_preps: frozenset[str] | None = None,
    possessor: str = "subj",
    co_subject_preps: frozenset[str] = frozenset(),
    trigger_tokens: frozenset[int] = frozenset(),
    direct_object: bool = False,
) -> str:
    """How a mention attaches below where it meets the trigger: 'subj', 'obj', 'agent'
    (a passive's by-phrase), 'cosubj' (a co-subject: "founded X with Y") or 'other'."""
    if token is None:
        return "other"
    anchor_path = {t.i for t in [anchor, *anchor.ancestors]}
    if anchor.dep_ == "appos" and token.i == anchor.head.i:
        # "OnePlus, a subsidiary of Oppo": the name the trigger noun describes
        return "subj"
    if token.dep_ == "poss" and (token.head.i in anchor_path or token.head.i in trigger_tokens):
        return possessor
    child = token
    while (
        child.head.i != child.i and child.i not in anchor_path and child.head.i not in anchor_path
    ):
        child = child.head
    if child.i in anchor_path:
        return "other"
    if child.i in trigger_tokens or (child.dep_ == "compound" and child.head.i == anchor.i):
        return "obj"
    if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ in subject_preps):
        return "agent"
    if child.dep_ == "prep" and child.lower_ in co_subject_preps:
        return "cosubj"
    if child.dep_ == "poss":
        return possessor
    if child.dep_ in SUBJECT_DEPS or (child.dep_ == "nsubjpass" and child.head.i != anchor.i):
        # a raising verb's passive subject is the subject of the trigger below it:
        # "Vivo is said to be working with Zeiss"
        return "subj"
    if child.dep_ in ("conj", "appos"):
        return syntactic_role(
            child.head, anchor, subject_preps, object_preps, possessor, co_subject_preps,
            trigger_tokens, direct_object,
        )  # fmt: skip
    if not attaches_near(child.head, anchor, child.dep_):
        return "other"
    if child.dep_ == "prep":
        return "obj" if object_preps is None or child.lower_ in object_preps else "other"
    if child.dep_ in OBJECT_DEPS:
        # "acquired a stake in OpenAI": the stake is the object, not OpenAI
        return "obj" if not direct_object or conj_root(token) == child.i else "other"
    return "other"


def modifiers_of(
    mentions: list[Mention], heads: dict[Mention, Token | None], trigger: TriggerMatch
) -> list[Mention]:
    """Mentions that modify a trigger noun or stand in apposition to it: "the Nokia-Zeiss
    partnership", "Apple manufacturing partner Foxconn"."""
    anchor = trigger.anchor
    found = []
    for m in mentions:
        token = heads[m]
        if token is None:
            continue
        if token.head.i == anchor.i and token.dep_ == "appos":
            found.append(m)
            continue
        if anchor.dep_ in ("compound", "amod") and token.i == anchor.head.i:
            found.append(m)
            continue
        while token.dep_ in ("compound", "conj", "amod", "nmod") and token.head.i != token.i:
            token = token.head
            if token.i in trigger.tokens:
                found.append(m)
                break
    names: dict[str, Mention] = {}
    for m in sorted(found, key=lambda m: m.start_char):
        names.setdefault(m.name, m)
    return list(names.values())


def attaches_near(point: Token, anchor: Token, dep: str = "") -> bool:
    """Objects attach to the trigger itself, or to the verb a trigger noun is the object
    of ("signed a deal with X"), not further up ("leverage X's networks to expand supply"),
    except as what a clause's noun is said to be ("the phone X released was the Y")."""
    if point.i == anchor.i:
        return True
    if point.i == anchor.head.i and anchor.dep_ in ("dobj", "attr", "oprd", "pobj", "nsubj"):
        return True
    noun = anchor.head
    return (
        dep == "attr"
        and anchor.dep_ in ("relcl", "acl")
        and noun.dep_ in ("nsubj", "nsubjpass")
        and noun.head.i == point.i
    )


def _between(token: Token | None) -> bool:
    """Whether the token is, or is a conjunct of, the object of "between"/"among"."""
    while token is not None and token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token is not None and token.head.lower_ in ("between", "among")


def relative_antecedent(anchor: Token) -> Token | None:
    """The noun a relative clause around the trigger is about ("BBK, which owns Vivo" -> BBK)."""
    for token in [anchor, *anchor.ancestors][:3]:
        if token.dep_ == "relcl" and any(
            c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("which", "who", "that")
            for c in token.children
        ):
            return token.head
    return None


def nearest_group(
    mentions: list[Mention], dist: dict[Mention, int], heads: dict[Mention, Token | None]
) -> list[Mention]:
    """The mentions nearest the trigger, with the mentions coordinated with them."""
    if not mentions:
        return []
    best = min(dist[m] for m in mentions)
    group = [m for m in mentions if dist[m] == best]
    roots = {conj_root(heads[m]) for m in group}
    group += [m for m in mentions if m not in group and conj_root(heads[m]) in roots]
    return sorted(group, key=lambda m: m.start_char)


def conj_root(token: Token | None) -> int | None:
    """The first conjunct of the coordination the token belongs to (itself if none)."""
    if token is None:
        return None
    while token.dep_ in ("conj", "appos") and token.head.i != token.i:
        token = token.head
    return token.i


def scope_tokens(trigger: TriggerMatch, clause_only: bool = False) -> list[Token]:
    """Tokens whose words set a trigger's modality: its head chain (up to the head of
    its clause when ``clause_only``) and their function words."""
    chain = [trigger.anchor]
    for token in trigger.anchor.ancestors:
        if clause_only and chain[-1].dep_ in CLAUSE_DEPS:
            break
        chain.append(token)
    on_chain = {t.i for t in chain}
    found = []
    for n, token in enumerate(chain):
        if token.i not in trigger.tokens:
            found.append(token)
        for child in token.children:
            if child.i in trigger.tokens or child.i in on_chain:
                continue
            if child.dep_ in SCOPE_CHILD_DEPS or (n == 0 and child.dep_ == "det"):
                found.append(child)
                found.extend(c for c in child.children if c.dep_ in ("neg", "advmod", "pobj"))
    return sorted(found, key=lambda t: t.i)


def trigger_stretch(trigger: TriggerMatch) -> Span:
    """The words from the trigger's highest governor down to the trigger
    ("said to be working"), for phrase cues the parse splits apart."""
    chain = [trigger.anchor, *trigger.anchor.ancestors]
    start = min(t.i for t in chain)
    end = max(t.i for t in chain) + 1
    return trigger.anchor.doc[start:end]


def scope_words(tokens: list[Token]) -> list[str]:
    words: list[str] = []
    for token in tokens:
        words.append(token.lower_)
        if token.lemma_.lower() != token.lower_:
            words.append(token.lemma_.lower())
    return words


def without_overridden(
    facts: list[tuple[Fact, TriggerMatch]], patterns: list[RelationPattern]
) -> Iterator[Fact]:
    """Drop facts that a more specific pattern overrides: same entity pair, and triggers
    that share a word or are head and dependent ("ended" + "partnership",
    "purchasing" + "minority stake"), but not mere list-mates ("president and CEO").

    ``overrides`` names pattern ids ("investedIn" is the general investment
    pattern, not "investedIn-minority").
    """
    overrides = {p.id: p.overrides for p in patterns}
    for fact, trigger in facts:
        pair = frozenset((fact.subject.name, _name(fact.obj)))
        if not any(
            fact.pattern in overrides.get(other.pattern, ())
            and frozenset((other.subject.name, _name(other.obj))) == pair
            and triggers_linked(trigger, other_trigger)
            for other, other_trigger in facts
        ):
            yield fact


def triggers_linked(a: TriggerMatch, b: TriggerMatch) -> bool:
    if a.tokens & b.tokens:
        return True
    x, y = a.anchor, b.anchor
    return (x.head.i == y.i and x.dep_ != "conj") or (y.head.i == x.i and y.dep_ != "conj")


def _name(obj: Mention | str) -> str:
    return obj if isinstance(obj, str) else obj.name


def settled(facts: Iterable[Fact]) -> list[Fact]:
    """Facts in text order, with every assertion of a triple the article also denies
    turned into evidence of the denial (denial wins: asserting a denied fact is the
    worst error)."""
    facts = list(facts)
    denied = {fact_key(f) for f in facts if f.modality is Modality.NEGATED}
    best: dict[tuple, Fact] = {}
    for fact in facts:
        if fact.modality is not Modality.NEGATED and fact_key(fact) in denied:
            continue
        key = (fact_key(fact), fact.sent_start)
        if key not in best or fact.confidence > best[key].confidence:
            best[key] = fact
    return sorted(
        best.values(), key=lambda f: (f.sent_start, f.predicate, f.subject.name, _name(f.obj))
    )


def fact_key(fact: Fact) -> tuple[str, str, str]:
    s, o = fact.subject.name, _name(fact.obj)
    if fact.predicate in SYMMETRIC:
        s, o = sorted((s, o))
    return (s, fact.predicate, o)


@cache
def extractor_for(nlp: Language) -> Extractor:
    return Extractor(nlp)
