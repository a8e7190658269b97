"""Doc -> Extraction: relation facts with modality, over the mentions.

A trigger (``patterns.yaml``) anchors a relation; the nearest entities of the
pattern's domain and range classes in the parse become subject and object, by
syntactic role; cue words set the modality. Facts a name states by itself
(a product's maker, "Alphabet's Google") need no trigger.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.extract.candidates import Candidate, CandidateReader, path_between
from kg.extract.decide import RelationModel, bundled_model
from kg.extract.mentions import MentionReader
from kg.extract.patterns import (
    RelationPattern,
    TriggerIndex,
    TriggerMatch,
    Words,
    modality_cues,
    relation_patterns,
)
from kg.extract.rounds import RoundReader, RoundWords, nearest_raiser
from kg.extract.syntax import (
    anchor_distance,
    between_object,
    clause_subject,
    conj_root,
    copula_partners,
    describes_noun,
    doc_text,
    first_of_list,
    head_chain,
    listed_with,
    listing_noun,
    mention_root,
    modifiers_of,
    names_listed,
    nearest_group,
    parse_arrays,
    participle_modifier,
    relative_antecedent,
    relative_clause,
    scope_indices,
    scope_words_at,
    sentence_numbers,
    sentence_text,
    trigger_role,
    trigger_stretch_words,
)
from kg.model import Article, Extraction, Fact, Mention, Modality
from kg.nlp import entity_id, organization_label
from kg.ontology import (
    LITERAL_RELATIONS,
    SYMMETRIC,
    YEAR_CLASS,
    Ontology,
    Relation,
    load_ontology,
    relations,
)
from kg.spans import time_rules

PASSIVE_ROLES = {"agent": "subj", "subj": "obj"}
MIN_CONFIDENCE_ENV = "KG_MIN_CONFIDENCE"


class Extractor:
    """Reads mentions and facts from parsed articles using the ontology's patterns."""

    def __init__(
        self,
        nlp: Language,
        ontology: Ontology | None = None,
        model: RelationModel | bool | None = True,
    ) -> None:
        """``model``: the decision model; True for the bundled one, None or False
        for the rules alone."""
        self.ontology = ontology or load_ontology()
        self.model = bundled_model() if model is True else (model or None)
        data = self.ontology.patterns
        self.patterns = relation_patterns(data)
        self.triggers = TriggerIndex(nlp, data, self.patterns)
        self.reader = MentionReader(nlp, self.ontology)
        self.cues = modality_cues(data["modality"])
        self.roles = {e.label: e.roles for e in self.ontology.gazetteer}
        self.all_makers = self.ontology.labels_with_role("maker")
        self.makers = self.all_makers - self.ontology.labels_with_role("optics")
        self.product_makers = {e.label: e.maker for e in self.ontology.gazetteer if e.maker}
        products = data["products"]
        self.model_words = {
            w.lower() for w in (*products["model_words"], *products["series_words"])
        }
        self.maker_relation = data["product_makers"]["relation"]
        self.maker_confidence = float(data["product_makers"]["confidence"])
        self.maker_verbs = frozenset(v.lower() for v in data["product_makers"].get("verbs", ()))
        self.listing_nouns = frozenset(w.lower() for w in data.get("listing_nouns", ()))
        self.relations = relations()
        self.candidate_reader = CandidateReader(self.relations.values(), self.roles)
        self.overriders = overriders(self.patterns)
        self.not_parties = frozenset(w.lower() for w in data.get("not_parties", ()))
        self.rounds = RoundReader(RoundWords.of(data["funding_rounds"]))
        self.one_holder = time_rules().one_holder
        self.succession_verbs = frozenset(v.lower() for v in data.get("succession_verbs", ()))
        self.audience_verbs = frozenset(v.lower() for v in data.get("audience_verbs", ()))
        self.ownership_nouns = frozenset(v.lower() for v in data.get("ownership_nouns", ()))
        self.pattern_of = {p.relation: p for p in reversed(self.patterns)}
        self.round_pattern = next(
            p for p in self.patterns if p.relation == self.rounds.words.relation
        )

    def __call__(self, doc: Doc, article: Article) -> Extraction:
        """The passes in order: mentions -> rule facts (triggers, roles, modality) ->
        candidates -> decision."""
        words = Words.of(doc)
        triggers = self.triggers.matches(doc, words)
        mentions = self.reader.mentions(doc, triggers)
        roots = {m: mention_root(doc, m) for m in mentions}
        rules = self.rule_facts(doc, words, mentions, roots, triggers)
        rules = self.between_parties(rules, article)
        if self.model is None:
            floor = min_confidence()
            kept = [f for f in rules if f.confidence >= floor or f.modality is Modality.NEGATED]
            kept = self.reports_denied_later(doc, words, kept)
            return Extraction(article=article, mentions=tuple(mentions), facts=tuple(settled(kept)))
        candidates = self.candidate_reader.candidates(doc, words, mentions, roots, triggers, rules)
        facts = self.between_parties(self.decided(doc, words, candidates, triggers, roots), article)
        facts = self.reports_denied_later(doc, words, facts)
        return Extraction(article=article, mentions=tuple(mentions), facts=tuple(settled(facts)))

    def reports_denied_later(self, doc: Doc, words: Words, facts: list[Fact]) -> list[Fact]:
        """Facts of a sentence that reports something, negated when one of the next two
        sentences denies it by pointing back ("A blog reported that Aperture's deal with
        Lumora had lapsed. Both companies denied that.")."""
        cues = self.cues
        sent_of = sentence_numbers(doc)
        denying = {
            sent_of[i]
            for i in self.denials(words)
            if any(
                c.dep_ in ("dobj", "nsubjpass", "ccomp")
                and c.lemma_.lower() in cues.back_references
                for c in doc[i].children
            )
        }
        if not denying:
            return facts
        sentence_at = {sent.start_char: n for n, sent in enumerate(doc.sents)}
        reporting = {
            sent_of[i] for i, lemma in enumerate(words.lemmas) if lemma in cues.report_words
        }
        denied = {s for s in reporting if s + 1 in denying or s + 2 in denying}
        return [
            replace(f, modality=Modality.NEGATED)
            if sentence_at.get(f.sent_start) in denied and f.modality is not Modality.NEGATED
            else f
            for f in facts
        ]

    def between_parties(self, facts: list[Fact], article: Article) -> list[Fact]:
        """Facts whose subject and object can be parties: of the classes the relation
        takes (``kg.ttl``'s domain and range), not a news outlet, a wire service or a
        stock exchange (``not_parties``), nor the article's publisher."""
        facts = [f for f in facts if fits_relation(f, self.relations)]
        banned = self.not_parties | publisher_names(article.source)
        names = {f.subject.name for f in facts} | {
            f.obj.name for f in facts if isinstance(f.obj, Mention)
        }
        excluded = {n for n in names if is_non_party(n, banned)}
        return [
            f
            for f in facts
            if f.subject.name not in excluded
            and not (isinstance(f.obj, Mention) and f.obj.name in excluded)
        ]

    def proposals(self, doc: Doc) -> tuple[list[Mention], list[Candidate]]:
        """The mentions and every candidate, before the decision (what training reads)."""
        words = Words.of(doc)
        triggers = self.triggers.matches(doc, words)
        mentions = self.reader.mentions(doc, triggers)
        roots = {m: mention_root(doc, m) for m in mentions}
        rules = self.rule_facts(doc, words, mentions, roots, triggers)
        return mentions, self.candidate_reader.candidates(
            doc, words, mentions, roots, triggers, rules
        )

    def rule_facts(
        self,
        doc: Doc,
        words: Words,
        mentions: list[Mention],
        roots: dict[Mention, Token | None],
        triggers: list[TriggerMatch],
    ) -> list[Fact]:
        """What the patterns state: product names, possessives, and every trigger's
        subject and object with its modality."""
        denials = self.denials(words)
        facts = list(self.product_facts(doc, mentions, roots))
        facts += self.possessive_facts(doc, mentions)
        facts += self.round_facts(doc, mentions, roots, denials)
        by_sentence: dict[int, list[Mention]] = {}
        for mention in mentions:
            by_sentence.setdefault(mention.sent_index, []).append(mention)
        for index, sent in enumerate(doc.sents):
            sent_triggers = [t for t in triggers if sent.start <= t.anchor.i < sent.end]
            if sent_triggers:
                denied = any(sent.start <= i < sent.end for i in denials)
                facts.extend(
                    self.sentence_facts(
                        sent, sent_triggers, by_sentence.get(index, []), roots, denied
                    )
                )
        facts = without_other_makers(facts, self.maker_relation, self.reader.product_lines)
        return facts + self.succession_facts(doc, roots, facts)

    def succession_facts(
        self, doc: Doc, roots: dict[Mention, Token | None], facts: list[Fact]
    ) -> list[Fact]:
        """A successor takes over the roles the article gives the person they replace,
        for relations held by one at a time (``kg:OneHolderAtATime``): "Tom Hill will
        replace Ann Lee", "Ann Lee will be replaced by Tom Hill", "Hill succeeds Lee"."""
        people = {r.i: m for m, r in roots.items() if r is not None and m.cls == "Person"}
        held = [
            f
            for f in facts
            if f.predicate in self.one_holder
            and f.modality is not Modality.NEGATED
            and isinstance(f.obj, Mention)
        ]
        if not held or not people:
            return []
        sents = list(doc.sents)
        found: list[Fact] = []
        for verb in doc:
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.succession_verbs:
                continue
            successor, predecessor = successor_and_predecessor(verb, people)
            if successor is None or predecessor is None or successor.name == predecessor.name:
                continue
            taken_over = [
                f for f in held if predecessor.name in (f.subject.name, f.subject.name.split()[-1])
            ]
            if not taken_over:
                continue
            sent = sents[successor.sent_index]
            # the succession verb's own modality ("will not replace" takes nothing over);
            # modality reads the verb's scope, not the pattern
            first = self.pattern_of[taken_over[0].predicate]
            modality = self.modality(TriggerMatch(first, verb, frozenset({verb.i})))
            for fact in taken_over:
                pattern = self.pattern_of[fact.predicate]
                found.append(
                    Fact(
                        subject=successor,
                        predicate=fact.predicate,
                        obj=fact.obj,
                        modality=modality,
                        confidence=round(pattern.confidence * self.cues.confidence[modality], 3),
                        sentence=sentence_text(sent).strip(),
                        sent_start=sent.start_char,
                        sent_end=sent.end_char,
                        pattern="succession",
                    )
                )
        return found

    def round_facts(
        self,
        doc: Doc,
        mentions: list[Mention],
        roots: dict[Mention, Token | None],
        denials: list[int],
    ) -> list[Fact]:
        """Investors of a funding round and the company that raised it, which news
        often names in different sentences (``kg.extract.rounds``)."""
        reader = self.rounds
        investors = list(reader.investors(doc, mentions, roots))
        if not investors:
            return []
        raisers = reader.raisers(doc, mentions, roots)
        pattern = self.round_pattern
        sents = list(doc.sents)
        facts = []
        for found in investors:
            investor = found.investor
            investee = found.investee or nearest_raiser(raisers, investor.sent_index)
            if investee is None or investee.name == investor.name:
                continue
            sent = sents[investor.sent_index]
            denied = any(sent.start <= i < sent.end for i in denials)
            trigger = TriggerMatch(pattern, found.cue, frozenset({found.cue.i}))
            modality = Modality.NEGATED if denied else self.modality(trigger)
            confidence = reader.words.confidence * self.cues.confidence[modality]
            facts.append(
                Fact(
                    subject=investor,
                    predicate=reader.words.relation,
                    obj=investee,
                    modality=modality,
                    confidence=round(confidence, 3),
                    sentence=sentence_text(sent).strip(),
                    sent_start=sent.start_char,
                    sent_end=sent.end_char,
                    pattern="funding-round",
                )
            )
        return facts

    def denials(self, words: Words) -> list[int]:
        return [
            i
            for i, (lemma, pos) in enumerate(zip(words.lemmas, words.pos, strict=True))
            if lemma in self.cues.denial_verbs and pos in ("VERB", "AUX")
        ]

    def decided(
        self,
        doc: Doc,
        words: Words,
        candidates: list[Candidate],
        triggers: list[TriggerMatch],
        roots: dict[Mention, Token | None],
    ) -> list[Fact]:
        """Candidates the model accepts, as facts whose confidence is its probability.
        A rule's denial is kept whatever the model says: it is evidence, and it stops
        the same fact being asserted elsewhere in the article."""
        assert self.model is not None
        floor = min_confidence()
        threshold = max(self.model.threshold, floor)
        rule_threshold = max(self.model.rule_threshold, floor)
        sents = list(doc.sents)
        denials = self.denials(words)
        facts = []
        for cand in candidates:
            p = round(self.model.probability(cand.features), 3)
            rule = cand.rule
            if rule is not None:
                if p >= rule_threshold or rule.modality is Modality.NEGATED:
                    facts.append(replace(rule, confidence=p))
                continue
            if p < threshold or overridden(cand, self.overriders):
                continue
            sent = sents[cand.sent_index]
            trigger = self.anchor_trigger(cand, triggers, roots)
            denied = any(sent.start <= i < sent.end for i in denials) or any(
                ph in sentence_text(sent).lower() for ph in self.cues.denial_phrases
            )
            modality = Modality.NEGATED if denied else self.modality(trigger)
            literal = cand.relation in LITERAL_RELATIONS
            facts.append(
                Fact(
                    subject=cand.subject,
                    predicate=cand.relation,
                    obj=cand.obj.name if literal else cand.obj,
                    modality=modality,
                    confidence=p,
                    sentence=sentence_text(sent).strip(),
                    sent_start=sent.start_char,
                    sent_end=sent.end_char,
                    pattern=f"model-{cand.relation}",
                )
            )
        return facts

    def anchor_trigger(
        self,
        cand: Candidate,
        triggers: list[TriggerMatch],
        roots: dict[Mention, Token | None],
    ) -> TriggerMatch:
        """Where a candidate's modality is read: the relation's nearest trigger in the
        sentence, else the word joining the two mentions in the parse. ``roots``: each
        mention's root token, as the candidates were proposed from."""
        rs = roots[cand.subject]
        ro = roots[cand.obj]
        assert rs is not None and ro is not None
        path = path_between(rs, ro)
        joint = path[0][-1] if path is not None else rs
        near = [
            t
            for t in triggers
            if t.pattern.relation == cand.relation and t.anchor.sent.start == joint.sent.start
        ]
        if near:
            return min(near, key=lambda t: anchor_distance(joint, t.anchor))
        pattern = next(p for p in self.patterns if p.relation == cand.relation)
        return TriggerMatch(pattern, joint, frozenset({joint.i}))

    def sentence_facts(
        self,
        sent: Span,
        triggers: list[TriggerMatch],
        mentions: list[Mention],
        roots: dict[Mention, Token | None],
        denied: bool,
    ) -> Iterator[Fact]:
        """Facts the sentence's triggers state; ``denied``: it has a denial verb."""
        heads = {m: roots[m] for m in mentions}
        rooted = [(m, root) for m in mentions if (root := heads[m]) is not None]
        text = sentence_text(sent).lower()
        sentence_negated = denied or any(p in text for p in self.cues.denial_phrases)
        facts: list[tuple[Fact, TriggerMatch]] = []
        for trigger in triggers:
            pattern = trigger.pattern
            near = [
                m
                for m, root in rooted
                if root.i not in trigger.tokens
                and anchor_distance(root, trigger.anchor) <= pattern.max_distance
            ]
            # what a participle says of its noun ("SoftBank-owned Arm") is taken as
            # given, not as what the sentence's verbs deny
            # and so is a title given to a person ("Acme CEO Jane Roe denied the
            # report", "Acme director, Jane Roe, dismissed the rumours")
            # and so is a role noun set beside a name ("Nokia, its other supplier")
            presupposed = (
                participle_modifier(trigger.anchor)
                or titles_a_person(pattern, near, heads, trigger)
                or describes_in_apposition(trigger.anchor, near, heads)
            )
            if presupposed:
                modality = Modality.ASSERTED
            else:
                modality = Modality.NEGATED if sentence_negated else self.modality(trigger)
            relation = pattern.relation
            if modality is Modality.NEGATED and pattern.when_negated:
                relation, modality = (
                    pattern.when_negated,
                    self.modality(trigger, skip_negation=True),
                )
            minority = pattern.when_minority is not None and minority_share(trigger.anchor)
            if minority:
                relation = pattern.when_minority  # "Sonvik owns about 15% of Kestrel"
            for subject, obj in self.pairs(pattern, near, heads, trigger):
                if minority and pattern.reverse:
                    subject, obj = obj, subject  # the owner invests; it is no parent
                fact = Fact(
                    subject=subject,
                    predicate=relation,
                    obj=obj.name if relation in LITERAL_RELATIONS else obj,
                    modality=modality,
                    confidence=round(pattern.confidence * self.cues.confidence[modality], 3),
                    sentence=sentence_text(sent).strip(),
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
        if names_an_audience(trigger.anchor, self.audience_verbs):
            return  # "Ann Lee told analysts": the analysts' role, not hers
        if pattern.goods_object and not self.names_goods(trigger.anchor, near, heads):
            return  # "bought Beats from HTC": an acquisition, no supply
        person = described_person(pattern, near, heads, trigger)
        titled = title_pairs(pattern, near, heads, trigger, person)
        if titled:
            yield from titled
            return
        if person is not None and title_slot_taken(pattern, near, heads, trigger):
            return  # "Volvo and Northvolt founder Peter Carlsson": the title is Northvolt's
        if "Person" in pattern.domain and unnamed_possessor(trigger.anchor, near, heads):
            return  # "the startup's co-founders, A and B, met at Stanford"
        if person is not None and trigger.anchor.dep_ != "appos":
            # a title before a name in a list ("COO Jeff Williams and CFO Luca
            # Maestri") may lean on the list's organisation
            person = None
        listed_rivals = rivals_listed(pattern, near, heads, trigger)
        if listed_rivals:
            yield from listed_rivals
            return
        dist = {m: anchor_distance(heads[m], trigger.anchor) for m in near}
        roles = {m: trigger_role(heads[m], trigger) for m in near}
        if "agent" in roles.values():
            roles = {m: PASSIVE_ROLES.get(r, r) for m, r in roles.items()}
        relative = relative_antecedent(trigger.anchor)
        for m in near:
            # "A and B, which invested in C": the clause's noun and the names listed with it
            if relative is not None and conj_root(heads[m]) == conj_root(relative[0]):
                roles[m], dist[m] = relative[1], 1
        clause = relative_clause(trigger.anchor) if relative is not None else None
        if clause is not None:
            # "Fekete, who co-founded Paylite, was named CEO of Danube Bank": the clause's
            # other party is inside it; its noun is the antecedent, or what a copula says
            # the noun is ("the last phone that came with Zeiss optics was the XR20")
            noun = relative[0]
            antecedents = {conj_root(noun)} | {conj_root(t) for t in copula_partners(noun)}
            near = [
                m
                for m in near
                if (r := heads[m]) is not None
                and (
                    conj_root(r) in antecedents or clause.left_edge.i <= r.i <= clause.right_edge.i
                )
            ]
        near = [m for m in near if roles[m] not in ("clause", "contrast")]
        subjects = [m for m in near if m.cls in pattern.domain]
        if person is not None:
            subjects = [person]
        objects = [
            m
            for m in near
            if m.cls in pattern.range
            and (not pattern.range_role or pattern.range_role in self.roles.get(m.name, ()))
        ]
        if pattern.recipient_preps:
            # "Marlow sold Corvo to Tallis": the one it goes to, and what goes
            subjects = [m for m in subjects if roles[m] == "recipient"]
            objects = [m for m in objects if roles[m] == "obj"]
        elif pattern.domain & pattern.range or pattern.check_roles:
            subjects = [m for m in subjects if roles[m] == "subj"]
            objects = [m for m in objects if roles[m] == "obj"]
        elif describes_noun(trigger.anchor):
            # a participle or relative clause says what it is about ("a lab co-founded by
            # Elon Musk" says nothing of the company the sentence is about; "it has a
            # division based in the UK" says nothing of where it is based)
            objects = [m for m in objects if roles[m] == "obj"]
            subjects = [m for m in subjects if roles[m] != "other"]
            if pattern.range == {YEAR_CLASS}:
                # "Vireo, founded in 2017 by Daimler engineers": the year is the noun's
                subjects = [m for m in subjects if roles[m] == "obj"] or subjects
        elif pattern.range == {YEAR_CLASS} and pattern.direct_object:
            # "Simmons started The Ringer in 2016": the verb's direct object has the year
            subjects = [m for m in subjects if roles[m] == "obj"]
        partners = [m for m in near if roles[m] == "cosubj" and m.cls in pattern.domain]
        subjects = nearest_group([m for m in subjects if m not in partners], dist, heads)
        if subjects:
            subjects += [m for m in partners if m not in subjects]
        names = {m.name for m in subjects}
        objects = nearest_group([m for m in objects if m.name not in names], dist, heads)
        # "Cambridge, England", "San Jose, California-based": the city, not its region
        text = doc_text(trigger.anchor.doc)
        if pattern.range == {"Place"}:
            objects = list(dict.fromkeys(city_of(o, near, text) for o in objects))
        if pattern.domain == {"Place"}:
            subjects = list(dict.fromkeys(city_of(s, near, text) for s in subjects))
        found: list[tuple[Mention, Mention]] = []
        parties = [m for m in near if m.cls in pattern.domain]
        modifiers = modifiers_of(parties, heads, trigger) if pattern.symmetric else []
        between = [m for m in objects if between_object(heads[m])] if pattern.symmetric else []
        if len(modifiers) >= 2:
            found = [(modifiers[0], o) for o in modifiers[1:]]
        elif len(between) >= 2:
            # "a partnership between X and Y": the parties, whoever announces it
            found = [(between[0], o) for o in between[1:]]
        elif subjects and objects:
            found = [(s, o) for s in subjects for o in objects]
        elif pattern.symmetric:
            group = subjects or [m for m in objects if between_object(heads[m])]
            found = [(group[0], o) for o in group[1:]]
            if len(group) == 1 and (owner := heads[group[0]]) is not None and owner.dep_ == "poss":
                # "Its rivals include Brightforge": the possessor and the names listed
                found = [
                    (group[0], m)
                    for m in near
                    if m.cls in pattern.range
                    and (r := heads[m]) is not None
                    and names_listed(r, trigger.anchor)
                ]
        seen: set[tuple[str, str]] = set()
        for s, o in found:
            if s.name == o.name:
                continue
            a, b = (o, s) if pattern.reverse else (s, o)
            key = tuple(sorted((a.name, b.name))) if pattern.symmetric else (a.name, b.name)
            if key not in seen:
                seen.add(key)
                yield a, b

    def names_goods(
        self, verb: Token, near: list[Mention], heads: dict[Mention, Token | None]
    ) -> bool:
        """Whether the verb's direct object names goods: no name, no company noun and no
        share of a company ("battery cells", not "Beats", "the unit" or "a stake")."""
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        named = {r.i for m in near if (r := heads[m]) is not None}
        sources = [c for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ == "from"]
        return (
            bool(objects)
            and bool(sources)
            and not any(
                t.i in named
                or t.lemma_.lower() in self.ownership_nouns
                or t.lemma_.lower() in self.reader.company_nouns
                for o in objects
                for t in o.subtree
            )
        )

    def modality(self, trigger: TriggerMatch, skip_negation: bool = False) -> Modality:
        """Denial and hedging reach across clauses ("denied reports that it would buy");
        plain negation stays in the trigger's own clause ("as X had joined Y" is not
        negated by "the merger isn't surprising") and is lifted by a restrictor there
        ("without relying only on Nokia", "not just Nokia": Nokia still counts)."""
        doc = trigger.anchor.doc  # read by index: the doc's arrays, no Token objects
        heads, deps = parse_arrays(doc)
        words = scope_words_at(doc, scope_indices(trigger))
        clause = scope_indices(trigger, clause_only=True)
        clause_words = scope_words_at(doc, clause)
        text = " " + " ".join(words) + " "
        stretch = " " + " ".join(trigger_stretch_words(trigger)) + " "
        clause_text = " " + " ".join(clause_words) + " "
        if not skip_negation:
            if any(w in self.cues.denial for w in words) or self.failed(trigger.anchor):
                return Modality.NEGATED
            lowers = Words.of(doc).lowers
            chain = {lowers[t] for t in head_chain(heads, trigger.anchor.i)[1:]}
            restricted = any(w in self.cues.restrictors for w in clause_words)
            if not restricted and (
                any(w in self.cues.negation_ancestors for w in chain)
                or any(w in self.cues.negation for w in clause_words)
                or any(f" {p} " in clause_text for p in self.cues.negation_phrases)
                or any(deps[t] in self.cues.negation_deps for t in clause)
            ):
                return Modality.NEGATED
        if any(w in self.cues.hedge for w in words) or any(
            f" {p} " in text or f" {p} " in stretch for p in self.cues.hedge_phrases
        ):
            return Modality.HEDGED
        return Modality.ASSERTED

    def failed(self, anchor: Token) -> bool:
        """Whether the trigger is, or hangs in a noun phrase that is, the subject of a
        verb of failing ("The acquisition of Tamsin by Kelvo fell apart", "Talks about a
        partnership collapsed").

        The walk climbs nouns, prepositions and infinitives ("talks to acquire X
        collapsed"); a relative clause ends it ("the company that bought X collapsed").
        """
        token = anchor
        while token.dep_ in ("pobj", "prep", "compound", "amod", "acl") and token.head.i != token.i:
            token = token.head
        verb = token.head
        if (
            token.dep_ not in ("nsubj", "nsubjpass")
            or verb.lemma_.lower() not in self.cues.failure_verbs
        ):
            return False
        return verb.lemma_.lower() != "fall" or any(
            c.lower_ in ("apart", "through") for c in verb.children
        )

    def possessive_facts(self, doc: Doc, mentions: list[Mention]) -> list[Fact]:
        """Facts stated by a possessive alone ("Alphabet's Google"), from
        ``possessive_relations`` in the patterns."""
        named = [m for m in mentions if not m.anaphor]
        roots = {r.i: m for m in named if (r := mention_root(doc, m)) is not None}
        # "its logistics arm, Corvo Freight": a possessive pronoun owns for its antecedent
        owners = roots | {
            r.i: m
            for m in mentions
            if m.anaphor and (r := mention_root(doc, m)) is not None and r.tag_ == "PRP$"
        }
        near_owners = {
            i: m
            for i, m in owners.items()
            if m.anaphor
            and (subject := clause_subject(doc[i])) is not None
            and subject.i < i
            and (antecedent := roots.get(subject.i)) is not None
            and antecedent.name == m.name
        }
        sents = list(doc.sents)
        deps = parse_arrays(doc)[1]
        facts = []
        for rule in self.ontology.patterns.get("possessive_relations", ()):
            through = frozenset(w.lower() for w in rule.get("through", ()))
            if rule["possessed"] == "Product":
                # "Voltara's new Volt 350 charger", "Safiri's app, Safiri Track"
                through |= self.reader.product_nouns
            # a pronoun owns units; products only when its antecedent is named earlier
            # in its sentence ("Tamsin said its Rover 5 robot ..."): elsewhere it is
            # less sure than a product line's maker
            by_rule = owners if rule["possessed"] == "Organization" else roots | near_owners
            for i, owner in by_rule.items():
                if deps[i] != "poss":
                    continue  # only a possessive owns: no need to look for what it owns
                token = doc[i]
                owned = (
                    roots.get(token.head.i)
                    or named_unit(token.head, roots, through)
                    or copula_subject(token.head, roots, through | self.reader.product_nouns)
                )
                if (
                    owned is None
                    or (owner.anaphor and owned.gazetteer)  # "its iPhone": Apple's, whoever "it" is
                    or (
                        token.head.lemma_.lower() not in through
                        and described_by_a_noun(token.head, through)
                    )
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
                        sentence_text(sent).strip(),
                        sent.start_char,
                        sent.end_char,
                        f"possessive-{rule['relation']}",
                    )
                )
        return facts

    def product_facts(
        self, doc: Doc, mentions: list[Mention], roots: dict[Mention, Token | None]
    ) -> Iterator[Fact]:
        """manufacturedBy for products whose name starts with their maker's name, or
        that are listed as examples of their maker's products (``listing_maker``)."""
        sents = list(doc.sents)
        seen: set[tuple[str, int]] = set()
        makers_before: Counter[str] = Counter()
        article_companies = {m.name for m in mentions if m.cls == "Organization" and not m.anaphor}
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
                or brand_in_name(m.name, article_companies)
            )
            pattern = "product-name"
            if maker is None:
                maker, pattern = self.listing_maker(m, roots), "product-listing"
            if maker is None and not m.gazetteer and self.is_bare_model(m.name):
                pattern = "product-name"
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
                sentence=sentence_text(sent).strip(),
                sent_start=sent.start_char,
                sent_end=sent.end_char,
                pattern=pattern,
            )

    def listing_maker(self, mention: Mention, roots: dict[Mention, Token | None]) -> str | None:
        """The maker of a product listed as an example of its kind: the organisation
        set before the noun ("several Jeep models, including the Renegade": Jeep) or
        the subject of a making verb whose object the noun is ("Samsung makes phones
        such as the Velo 9": Samsung)."""
        root = roots.get(mention)
        noun = listing_noun(root, self.listing_nouns) if root is not None else None
        if noun is None:
            return None
        organizations = {
            r.i: m.name for m, r in roots.items() if m.cls == "Organization" and r is not None
        }
        for child in noun.children:
            if child.dep_ in ("compound", "poss") and child.i in organizations:
                return organizations[child.i]
        if noun.dep_ == "dobj" and noun.head.lemma_.lower() in self.maker_verbs:
            for child in noun.head.children:
                if child.dep_ == "nsubj" and child.i in organizations:
                    return organizations[child.i]
        return None

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
        return maker if entity_id("Organization", maker) in named else None

    def bare_product_maker(
        self, doc: Doc, mention: Mention, makers_before: Counter[str]
    ) -> str | None:
        """The maker of a product named by its model alone: the nearest maker named
        before it in its sentence, else the article's most-named maker so far, else
        (no known maker named yet) the company named most so far, at least three times
        and more than any other ("Sintera ... Sintera ... the K9")."""
        sent = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
        if sent is not None:
            for ent in reversed(list(sent.sent.ents)):
                name = organization_label(ent.id_)
                if ent.end_char <= mention.start_char and name in self.makers:
                    return name
        ranked = makers_before.most_common()
        counts = [n for n, _ in ranked if n in self.makers]
        if counts:
            return counts[0]
        if ranked and ranked[0][1] >= 3 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            return ranked[0][0]  # no known maker: the company the article is about
        return None


def title_pairs(
    pattern: RelationPattern,
    near: list[Mention],
    heads: dict[Mention, Token | None],
    trigger: TriggerMatch,
    person: Mention | None,
) -> list[tuple[Mention, Mention]]:
    """A title written before a name with its organisation before it ("Sony President
    Jane Smith", "Honda CEO Toshihiro Mibe"): that person (every person of the list,
    for a plural title) and that organisation only, not every organisation a list of
    such names mentions."""
    anchor = trigger.anchor
    if person is None:  # ``described_person``'s
        return []
    people = [person]
    if anchor.tag_ == "NNS":
        # a plural title names the whole list ("Acme co-founders Ann Lee and Bo Park")
        head = heads[person]
        people += [
            m
            for m in near
            if m.cls == "Person"
            and m is not person
            and (r := heads[m]) is not None
            and head is not None
            and conj_root(r) == head.i
        ]
        text = doc_text(anchor.doc)
        listed = listed_with([person], [m for m in near if m.cls == "Person"], text)
        people += [m for m in listed if m not in people]
    title = (
        trigger.tokens
        | {anchor.i}
        | {c.i for c in anchor.subtree if c.i < anchor.i and c.dep_ in ("compound", "amod")}
    )
    return [
        (someone, m)
        for someone in people
        for m in near
        if m.cls in pattern.range
        and (r := heads[m]) is not None
        and r.head.i in title
        and r.dep_ in ("compound", "poss", "nmod", "amod")  # the parser makes some names amod
    ]


def minority_share(verb: Token) -> bool:
    """Whether the verb's direct object is a share under half ("owns about 14% of",
    "holds 30 percent of").

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> doc = nlp("Acme owns about 14 % of Bolt")
    >>> doc[1].dep_ = "ROOT"
    >>> for i in (2, 3):
    ...     doc[i].head, doc[i].dep_ = doc[4], "nummod"
    >>> doc[4].head, doc[4].dep_ = doc[1], "dobj"
    >>> minority_share(doc[1])
    True
    """
    for obj in verb.children:
        if obj.dep_ != "dobj" or obj.lower_ not in ("%", "percent", "per", "pct"):
            continue
        for t in obj.subtree:
            if t.like_num and t.i < obj.i:
                try:
                    return float(t.text.replace(",", "")) < 50
                except ValueError:
                    return False
    return False


def city_of(place: Mention, mentions: list[Mention], text: str) -> Mention:
    """The place written just before ``place`` and a comma ("San Jose, California",
    "Cambridge, England"), which ``place`` is the region of; else ``place``.

    >>> m = lambda t, s: Mention(t, t, "Place", s, s + len(t), 0)
    >>> text = "Orvane, of San Jose, California, said"
    >>> city_of(m("California", 21), [m("San Jose", 11), m("California", 21)], text).name
    'San Jose'
    """
    for m in mentions:
        if m.cls == "Place" and m is not place and text[m.end_char : place.start_char] == ", ":
            return m
    return place


def names_an_audience(anchor: Token, verbs: frozenset[str]) -> bool:
    """Whether a role noun is the object of a verb addressing an audience ("told
    analysts", "briefed executives"): it names whoever was addressed, and no name in
    the sentence is said to hold it."""
    return (
        anchor.pos_ == "NOUN"
        and anchor.dep_ in ("dobj", "dative")
        and anchor.head.lemma_.lower() in verbs
        and not any(c.dep_ == "appos" for c in anchor.children)
    )


def unnamed_possessor(
    anchor: Token, near: list[Mention], heads: dict[Mention, Token | None]
) -> bool:
    """Whether a role noun's owner is written ("the startup's co-founders", "their
    chief executive") but names no mention: the role is that owner's, so no other
    organisation of the sentence takes it."""
    if anchor.pos_ != "NOUN":
        return False
    owners = [c for c in anchor.children if c.dep_ == "poss"]
    named = {r.i for m in near if (r := heads[m]) is not None}
    return bool(owners) and not any(
        o.i in named or any(c.i in named for c in o.subtree) for o in owners
    )


def title_slot_taken(
    pattern: RelationPattern,
    near: list[Mention],
    heads: dict[Mention, Token | None],
    trigger: TriggerMatch,
) -> bool:
    """Whether a name other than one of the relation's range fills the slot before a
    person's title ("Northvolt founder Peter Carlsson", Northvolt called a place): the
    title belongs to it, so no other organisation of the sentence takes it. Asked only
    of a title ``described_person`` found."""
    anchor = trigger.anchor
    title = trigger.tokens | {anchor.i}
    return any(
        m.cls not in pattern.range
        and not m.anaphor
        and (r := heads[m]) is not None
        and r.head.i in title
        and r.i < anchor.i
        and r.dep_ in ("compound", "poss", "nmod")
        for m in near
    )


def described_person(
    pattern: RelationPattern,
    near: list[Mention],
    heads: dict[Mention, Token | None],
    trigger: TriggerMatch,
) -> Mention | None:
    """The person a role noun is written before ("COO Jeff Williams") or stands in
    apposition to ("Tim Cook, Apple's CEO,"): the role is theirs alone, not their
    list-mates'."""
    anchor = trigger.anchor
    if anchor.dep_ not in ("compound", "appos") or "Person" not in pattern.domain:
        return None
    return next(
        (
            m
            for m in near
            if m.cls == "Person" and (r := heads[m]) is not None and r.i == anchor.head.i
        ),
        None,
    )


def titles_a_person(
    pattern: RelationPattern,
    near: list[Mention],
    heads: dict[Mention, Token | None],
    trigger: TriggerMatch,
) -> bool:
    """Whether the role noun is a person's title: written before the name or in
    apposition to it, either way round ("Acme director, Jane Roe,")."""
    if described_person(pattern, near, heads, trigger) is not None:
        return True
    anchor = trigger.anchor
    return "Person" in pattern.domain and any(
        m.cls == "Person"
        and (r := heads[m]) is not None
        and r.dep_ == "appos"
        and r.head.i == anchor.i
        for m in near
    )


def describes_in_apposition(
    anchor: Token, near: list[Mention], heads: dict[Mention, Token | None]
) -> bool:
    """Whether the trigger is a noun set beside a name, describing it ("Nokia, its
    other supplier"): what it says is given, whatever the sentence's verbs deny."""
    return (
        anchor.pos_ == "NOUN"
        and anchor.dep_ == "appos"
        and any((r := heads[m]) is not None and r.i == anchor.head.i for m in near)
    )


def described_by_a_noun(name: Token, through: frozenset[str]) -> bool:
    """Whether a common noun other than a unit word sits between a possessive and the
    name it owns: "Zupra's rival Orbis", "Apple's supplier Foxconn" say what the two
    are to each other, which is no possession ("Alphabet's Google" is)."""
    return any(
        c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ") and c.lower_ not in through
        for c in name.children
        if c.i < name.i
    )


def rivals_listed(
    pattern: RelationPattern,
    near: list[Mention],
    heads: dict[Mention, Token | None],
    trigger: TriggerMatch,
) -> list[tuple[Mention, Mention]]:
    """A plural noun of a symmetric relation set before a list of names ("has lagged
    larger rivals Halden and Corvex"): each name is the rival of the noun's possessor,
    else of the subject of its clause; not of the other names in the list."""
    anchor = trigger.anchor
    if not pattern.symmetric or anchor.tag_ != "NNS":
        return []
    if anchor.dep_ == "compound":
        named = {anchor.head.i}  # "rivals Halden and Corvex", the names' modifier
    else:  # "rivals, Halden and Corvex", in apposition
        named = {c.i for c in anchor.children if c.dep_ == "appos"}
    listed = [m for m in near if (r := heads[m]) is not None and first_of_list(r) in named]
    if not listed:
        return []
    # a list the parser broke ("Halden Medical and Corvex Diagnostics" as one phrase)
    listed = listed_with(listed, [m for m in near if m.cls in pattern.range], doc_text(anchor.doc))
    possessor = next((c for c in anchor.children if c.dep_ == "poss"), None)
    owner_token = possessor or clause_subject(anchor.head)
    owner = next(
        (
            m
            for m in near
            if m.cls in pattern.domain
            and m not in listed
            and (r := heads[m]) is not None
            and owner_token is not None
            and r.i == owner_token.i
        ),
        None,
    )
    return [(owner, m) for m in listed if m.name != owner.name] if owner is not None else []


def named_unit(noun: Token, roots: dict[int, Mention], nouns: frozenset[str]) -> Mention | None:
    """The name of a unit noun ("Intel's Mobileye division", "Intel's driving unit
    Mobileye", "Mobileye, Intel's driving unit" -> Mobileye): a mention compounded
    onto one of ``nouns`` or in apposition to it."""
    if noun.lemma_.lower() not in nouns:
        return None
    if noun.dep_ == "appos" and noun.head.i in roots:
        return roots[noun.head.i]
    return next(
        (
            roots[c.i]
            for c in noun.children
            if c.dep_ in ("compound", "nmod", "appos") and c.i in roots
        ),
        None,
    )


def fits_relation(fact: Fact, known: dict[str, Relation]) -> bool:
    """Whether the fact's subject and object are of the relation's domain and range
    (a literal's range is the year's; an unknown relation fits nothing)."""
    relation = known.get(fact.predicate)
    if relation is None or fact.subject.cls not in relation.domain:
        return False
    return relation.literal or (isinstance(fact.obj, Mention) and fact.obj.cls in relation.range)


def copula_subject(noun: Token, roots: dict[int, Mention], nouns: frozenset[str]) -> Mention | None:
    """The name a copula says a unit or product noun is ("Rook is Pellar's gaming
    brand", "The Kappa 7 is Orbit's latest tablet" -> Rook, Kappa 7)."""
    if noun.dep_ != "attr" or noun.lemma_.lower() not in nouns:
        return None
    return next(
        (roots[c.i] for c in noun.head.children if c.dep_ == "nsubj" and c.i in roots), None
    )


def publisher_names(source: str | None) -> set[str]:
    """The article's publisher as names that are never parties: the whole name and, for
    a possessive one, its parts, which the possessive split makes names of their own.

    >>> sorted(publisher_names("Tom's Hardware"))
    ['hardware', 'tom', "tom's hardware"]
    >>> publisher_names(None)
    set()
    """
    if not source:
        return set()
    lower = " ".join(source.lower().split())
    parts = re.split(r"['\u2019]s ", lower)
    return {lower, *parts} if len(parts) > 1 else {lower}


def is_non_party(name: str, banned: frozenset[str] | set[str]) -> bool:
    """Whether a name is, or ends in the words of, a name that is never a party
    ("The Wall Street Journal"); a name that only starts with one is not ("Nasdaq Inc").

    >>> is_non_party("The Wall Street Journal", {"wall street journal"})
    True
    >>> is_non_party("Nasdaq Inc", {"nasdaq"})
    False
    """
    lower = " ".join(name.lower().split())
    return lower in banned or any(lower.endswith(" " + b) for b in banned)


def min_confidence() -> float:
    """The lowest confidence a fact may have to be kept (``--min-confidence``, which
    sets ``KG_MIN_CONFIDENCE`` so worker processes see it too); 0 when unset."""
    raw = os.environ.get(MIN_CONFIDENCE_ENV, "")
    try:
        return float(raw) if raw else 0.0
    except ValueError:
        return 0.0


def successor_and_predecessor(
    verb: Token, people: dict[int, Mention]
) -> tuple[Mention | None, Mention | None]:
    """Who takes over and from whom, by a succession verb's syntax: its subject and
    object, or a passive's by-phrase and subject."""
    successor = predecessor = None
    for child in verb.children:
        if child.dep_ == "nsubj":
            successor = people.get(child.i)
        elif child.dep_ == "dobj" or child.dep_ == "nsubjpass":
            predecessor = people.get(child.i)
        elif child.dep_ == "agent":
            successor = next(
                (people[g.i] for g in child.children if g.dep_ == "pobj" and g.i in people), None
            )
    return successor, predecessor


def without_other_makers(
    facts: list[Fact], relation: str, lines: dict[str, str] | None = None
) -> list[Fact]:
    """Drop a trigger's maker of a product whose listing gives another maker in the
    same sentence ("the venture produced several Jeep models, including
    the Compass": Jeep makes the Compass, not the venture), or of a whole product
    line the gazetteer knows the maker of (``lines``: "TSMC makes the processors
    for iPhones" are Apple's; a model, "the Nokia XR20", may be made by another)."""
    lines = lines or {}
    named = {
        (f.subject.name, f.sent_start): f.obj.name
        for f in facts
        if f.pattern == "product-listing" and isinstance(f.obj, Mention)
    }
    return [
        f
        for f in facts
        if f.predicate != relation
        or f.pattern in ("product-name", "product-listing")
        or not isinstance(f.obj, Mention)
        or (
            named.get((f.subject.name, f.sent_start), f.obj.name) == f.obj.name
            and lines.get(f.subject.name.lower().removesuffix("s"), f.obj.name) == f.obj.name
        )
    ]


def overriders(patterns: list[RelationPattern]) -> dict[str, frozenset[str]]:
    """Relation -> the relations whose patterns override it ("ceoOf" overrides
    "worksFor": a CEO is not also reported as holding another role)."""
    by_id = {p.id: p.relation for p in patterns}
    found: dict[str, set[str]] = {}
    for p in patterns:
        for target in p.overrides:
            found.setdefault(by_id.get(target, target), set()).add(p.relation)
    return {k: frozenset(v - {k}) for k, v in found.items()}


def overridden(cand: Candidate, overriders: dict[str, frozenset[str]]) -> bool:
    """Whether a rule stated an overriding relation for the candidate's pair in its sentence."""
    others = {f.split("=", 1)[1] for f in cand.features if f.startswith(f"{cand.relation}|other=")}
    return bool(others & overriders.get(cand.relation, frozenset()))


def brand_in_name(name: str, companies: set[str]) -> str | None:
    """The article's one company whose first word starts the product's name, a brand
    before a model ("Orbit Neo 2" by "Orbit Devices"), if exactly one such company.

    >>> brand_in_name("Orbit Neo 2", {"Orbit Devices", "Tarsa"})
    'Orbit Devices'
    >>> brand_in_name("Neo 2", {"Orbit Devices"}) is None
    True
    """
    words = name.split()
    if len(words) < 2:
        return None
    found = [c for c in companies if c.split()[0].lower() == words[0].lower() and c != name]
    return found[0] if len(found) == 1 else None


def maker_in_name(name: str, makers: set[str]) -> str | None:
    lower = name.lower()
    for maker in makers:
        if lower.startswith(maker.lower() + " "):
            return maker
    return None


def without_overridden(
    facts: list[tuple[Fact, TriggerMatch]], patterns: list[RelationPattern]
) -> Iterator[Fact]:
    """Drop facts that a more specific pattern overrides: same entity pair, and triggers
    that share a word or are head and dependent ("ended" + "partnership",
    "purchasing" + "minority stake"), but not mere list-mates ("president and CEO").

    ``overrides`` names pattern ids ("investedIn" is the general investment
    pattern, not "investedIn-minority").
    """
    if not facts:
        return  # most sentences: no table of overrides to build
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
