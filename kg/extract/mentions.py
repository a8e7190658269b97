"""Doc -> Mentions: named entities with their classes, and references resolved within
the article ("the company", "it", "the two companies", "the 12 Ultra")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import replace

from spacy.attrs import ORTH, POS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, Span, Token

from kg.extract.patterns import TriggerMatch, Words
from kg.extract.syntax import (
    anchor_distance,
    first_conjunct,
    is_subject,
    listing_noun,
    mention_root,
    mention_tokens,
    parse_arrays,
    relative_antecedent,
    sentence_numbers,
    syntactic_role,
    trigger_role,
)
from kg.model import Mention
from kg.nlp import (
    BARE_MODEL,
    LABEL_TO_CLASS,
    lexicon_of,
    organization_label,
    split_entity_id,
)
from kg.ontology import Ontology

REFERENCE_DETERMINERS = frozenset({"the", "this", "that"})
REFERENCE_MODIFIERS = frozenset({"ADJ", "NOUN", "PROPN", "PUNCT", "NUM"})
YEAR = re.compile(r"^(1[6-9]|20)\d\d$")
MODEL_CODE = re.compile(r"^[A-Za-z]{1,5}-?\d+[A-Za-z\d]{0,3}\+?$")


class MentionReader:
    """Finds the article's mentions using the gazetteer and the reference cues in
    ``patterns.yaml`` (anaphora, pronouns, possessives, pairs)."""

    def __init__(self, nlp: Language, ontology: Ontology) -> None:
        self.ontology = ontology
        self.lexicon = lexicon_of(nlp)
        data = ontology.patterns
        self.anaphora = PhraseMatcher(nlp.vocab, attr="LOWER")
        for cls, phrases in data.get("anaphora", {}).items():
            self.anaphora.add(cls, [nlp.make_doc(p) for p in phrases])
        self.noun_anaphora = {
            noun.lower(): cls
            for cls, nouns in data.get("anaphora_nouns", {}).items()
            for noun in nouns
        }
        self.pair_phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.pair_phrases.add("pair", [nlp.make_doc(p) for p in data.get("pairs", ())])
        self.possessives = {
            word.lower(): cls
            for cls, words in data.get("possessives", {}).items()
            for word in words
        }
        self.not_entities = {w.lower() for w in data.get("not_entities", ())}
        self.not_references = {w.lower() for w in data.get("not_references", ())}
        self.company_nouns = {
            w.lower() for w in data.get("anaphora_nouns", {}).get("Organization", ())
        } | {w.lower() for w in data.get("company_nouns", ())}
        self.organisation_words = ontology.organisation_words
        self.itself_words = frozenset(w.lower() for w in data.get("itself_words", ()))
        self.model_words = frozenset(
            w.lower() for w in data.get("products", {}).get("model_words", ())
        )
        self.organisation_endings = tuple(w for w in self.organisation_words if len(w) >= 6)
        self.organisation_word_cache: dict[str, bool] = {}
        self.name_words_read: tuple[Doc, list[bool]] | None = None
        self.corporate_suffixes = {
            w.lower().rstrip(".,") for w in data.get("corporate_suffixes", ())
        }
        rounds = data.get("funding_rounds", {})
        self.raise_verbs = frozenset(w.lower() for w in rounds.get("raise_verbs", ()))
        self.round_words = frozenset(w.lower() for w in rounds.get("round_words", ()))
        self.product_nouns = {w.lower() for w in data.get("product_nouns", ())}
        self.product_lines = ontology.lines_to_maker()
        self.series_words = frozenset(
            w.lower() for w in data.get("products", {}).get("series_words", ())
        )
        self.listing_nouns = frozenset(w.lower() for w in data.get("listing_nouns", ()))
        self.honorifics = {w.lower() for w in data.get("honorifics", ())}
        self.appointment_verbs = frozenset(w.lower() for w in data.get("appointment_verbs", ()))
        self.pronoun_classes = {
            word.lower(): tuple(classes) for word, classes in data.get("pronouns", {}).items()
        }

    def mentions(self, doc: Doc, triggers: Sequence[TriggerMatch] = ()) -> list[Mention]:
        """The article's mentions, in three passes: names -> their classes corrected by
        context (``people_by_context``) -> references ("the company", "it", "the two
        companies"), so a reference finds a name whose class the context corrected
        (a company the model called a person is a company's antecedent)."""
        sent_of = sentence_numbers(doc)
        names, taken = self.name_spans(doc)
        named = self.people_by_context(doc, self.named_mentions(doc, names, sent_of), triggers)
        return self.with_references(doc, named, self.reference_spans(doc, taken), sent_of)

    def name_spans(self, doc: Doc) -> tuple[list[Span], set[int]]:
        """The names of the article: the model's entities (possessives split off), the
        names found from context (``discovered_names``) and repeats of names tagged
        once; and the tokens names take (where no reference starts)."""
        taken: set[int] = set()
        # doc.ents: new Spans each read
        ents = [trimmed(e) for e in doc.ents if e.label_ in LABEL_TO_CLASS]
        for ent in ents:
            taken.update(range(ent.start, ent.end))
        named = self.split_lists(doc, split_possessives(doc, with_given_names(ents)))
        discovered = self.discovered_names(doc, named)
        if discovered:
            covered = {i for d in discovered for i in range(d.start, d.end)}
            named = [e for e in named if not covered.intersection(range(e.start, e.end))]
            named = sorted(named + discovered, key=lambda e: e.start)
            taken.update(covered)
        named = sorted(named + self.unlabelled_repeats(doc, named, taken), key=lambda e: e.start)
        dateline = dateline_tokens(doc)
        named = [e for e in named if e.start not in dateline]
        return named, taken | dateline | {i for e in named for i in range(e.start, e.end)}

    def split_lists(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """The model's names that join two organisations' names, each ending in an
        organisation word, as two: "Khosla Ventures and Founders Fund" (but "Procter
        and Gamble" is one name, as is any name the gazetteer knows); and names the
        model ran across "by" or a lower-case verb ("Pennat by Dravo", "Korvan counts
        Hasegawa Industries")."""
        found = []
        for ent in ents:
            cut = next(
                (
                    t.i
                    for t in ent[1:-1]
                    if not ent.id_
                    and doc[t.i + 1].text[:1].isupper()
                    and (
                        t.text == "by"  # "the purchase of Pennat by Dravo"
                        or (t.pos_ in ("VERB", "AUX") and t.text.islower())  # "X counts Y"
                        or (
                            t.lower_ in ("and", "&")
                            and self.is_organisation_word(doc[t.i - 1].text)
                        )
                    )
                ),
                None,
            )
            if cut is None:
                found.append(ent)
            else:
                found += [
                    Span(doc, ent.start, cut, label=ent.label_),
                    Span(doc, cut + 1, ent.end, label=ent.label_),
                ]
        return found

    def named_mentions(self, doc: Doc, names: list[Span], sent_of: list[int]) -> list[Mention]:
        """A mention for each name that is an entity's, classed by the article's votes."""
        classes = self.voted_classes(names)
        found: list[Mention] = []
        seen_products: list[Mention] = []
        for span in names:
            if is_adjective(span):
                continue
            one = self.entity_mention(doc, span, sent_of, seen_products)
            if one is not None and not one.gazetteer and one.name in classes:
                one = replace(one, cls=classes[one.name])
            if one is None or not self.is_entity_name(one):
                continue
            found.append(one)
            if one.cls == "Product":
                seen_products.append(one)
        return found

    def reference_spans(self, doc: Doc, taken: set[int]) -> list[tuple[str, int, int]]:
        """Where the article refers back, as (class or "pair", start, end), in order:
        anaphora ("the company", "the phone") and pairs ("the two companies") outside
        the names (``taken``), possessives ("its"), pronouns ("it", "she"), years."""
        anaphors = {start: (doc.vocab.strings[key], end) for key, start, end in self.anaphora(doc)}
        for cls, start, end in self.noun_references(doc):
            names_follow = end < len(doc) and (doc[end].ent_type_ or doc[end].pos_ == "PROPN")
            if not names_follow and (start not in anaphors or end > anaphors[start][1]):
                anaphors[start] = (cls, end)
        found = [(cls, s, e) for s, (cls, e) in anaphors.items() if s not in taken]
        found += [("pair", s, e) for _, s, e in self.pair_phrases(doc) if s not in taken]
        deps = parse_arrays(doc)[1]
        for i, lower in enumerate(Words.of(doc).lowers):
            if lower in self.possessives and deps[i] == "poss":
                found.append((self.possessives[lower], i, i + 1))
            elif lower in self.pronoun_classes:
                if i not in anaphors:
                    found.append((self.pronoun_classes[lower][0], i, i + 1))
            elif YEAR.match(lower) and i not in taken:
                found.append(("Year", i, i + 1))
        return sorted(found, key=lambda r: r[1])

    def with_references(
        self,
        doc: Doc,
        named: list[Mention],
        references: list[tuple[str, int, int]],
        sent_of: list[int],
    ) -> list[Mention]:
        """The named mentions with the references among them, each reference resolved
        against the mentions before it."""
        found: list[Mention] = []
        waiting = iter(sorted(named, key=lambda m: m.start_char))
        upcoming = next(waiting, None)
        for item in references:
            at = doc[item[1]].idx
            while upcoming is not None and upcoming.start_char <= at:
                found.append(upcoming)
                upcoming = next(waiting, None)
            if item[0] == "pair":
                found += self.pair_mentions(doc, item, sent_of, found)
            elif (one := self.other_mention(doc, item, sent_of, found)) is not None:
                found.append(one)
        if upcoming is not None:
            found.append(upcoming)
        return found + list(waiting)

    def discovered_names(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Organisations the model missed or split, found from their context:
        a known company's unit ("Volvo Commercial Vehicles": the known name, then two
        or more capitalised words ending in an organisation word), two known
        companies' joint name ("Sony Ericsson"), names after a company noun ("the
        podcast companies Gimlet and Parcast", "a firm called Tamber Mobile"), and a
        name after "-backed", "-based" or "-owned" ("Ford-backed Argon")."""
        known = {e.start: e for e in ents if organization_label(e.id_)}
        places = {e.start: e for e in ents if LABEL_TO_CLASS.get(e.label_) == "Place"}
        in_ents = {i for e in ents for i in range(e.start, e.end)}
        words = Words.of(doc)
        proper_names = name_words(doc)
        own_names = self.own_name_words(doc)
        found: list[Span] = []
        end = 0
        for i in range(len(doc)):
            if i < end:
                continue
            span = None
            if i in known:
                span = self.unit_name(doc, known[i], known, places)
            elif self.introduces_name(doc, i, words):
                for start, stop in self.name_runs(doc, i + 1):
                    if not any(keeps_its_name(e, start, stop) for e in ents):
                        found.append(Span(doc, start, stop, label="ORG"))
                    end = stop
                continue
            elif i not in in_ents and (i == 0 or not proper_names[i - 1]) and own_names[i]:
                span = self.company_by_apposition(doc, i, in_ents)
            if span is not None:
                found.append(span)
                end = span.end
        taken = in_ents.union(*(range(s.start, s.end) for s in found))
        return found + self.listed_products(doc, taken)

    def listed_products(self, doc: Doc, taken: set[int]) -> list[Span]:
        """Untagged names listed as examples of a product noun ("Jeep models including
        the Renegade and Grand Commander"): each name with its compounds and numbers."""
        found = []
        proper_names = name_words(doc)
        for i in range(len(doc)):
            if i in taken or not proper_names[i]:
                continue
            token = doc[i]
            if listing_noun(token, self.listing_nouns) is None and not self.names_a_series(token):
                continue
            parts = [token, *(c for c in token.children if c.dep_ in ("compound", "nummod"))]
            start, end = min(t.i for t in parts), max(t.i for t in parts) + 1
            if not taken.intersection(range(start, end)):
                found.append(Span(doc, start, end, label="PRODUCT"))
        return found

    def company_by_apposition(self, doc: Doc, start: int, in_ents: set[int]) -> Span | None:
        """A name the model left untagged that ends in an organisation word ("Vantor
        Systems"), stands in apposition to a company noun ("Tamber, a Berlin-based
        startup", "Quell, the German parts maker") or raises a round ("Tamber Robotics
        raised $40 million")."""
        stop = start
        own_names = self.own_name_words(doc)
        while stop < len(doc) and stop - start < 4 and own_names[stop]:
            if stop in in_ents:
                return None
            stop += 1
        if stop == start or stop == len(doc) or doc[stop - 1].lower_ in self.not_entities:
            return None
        root = doc[stop - 1]
        if (
            stop - start >= 2
            and self.is_organisation_word(root.text)
            and not any(doc[k].ent_type_ for k in range(start, stop))
            and not title_case(root.sent)
        ):
            return Span(doc, start, stop, label="ORG")  # "Vantor Systems", "Kestrel Labs"
        if doc[stop].text == "," and (
            any(
                c.dep_ == "appos"
                and stop < c.i <= stop + 9
                and c.lemma_.lower() in self.company_nouns
                for c in root.children
            )
            or self.set_off_company_noun(doc, stop)
        ):
            return Span(doc, start, stop, label="ORG")
        if root.dep_ == "nsubj" and self.raises_a_round(root.head):
            return Span(doc, start, stop, label="ORG")
        return None

    def set_off_company_noun(self, doc: Doc, comma: int) -> bool:
        """Whether a description set off by commas, read from the words alone, ends in a
        company noun: ", a Lisbon startup," (the parser may not see the apposition
        after an unknown sentence-initial name).

        Its first word is an article and no comma comes before the company noun, which
        the phrase ends on.
        """
        if comma + 2 >= len(doc) or doc[comma + 1].lower_ not in ("a", "an", "the"):
            return False
        for k in range(comma + 2, min(comma + 9, len(doc) - 1)):
            if doc[k].text == "," or doc[k].is_sent_start:
                return False
            if doc[k].lemma_.lower() in self.company_nouns and doc[k + 1].text in (",", "that"):
                return True
        return False

    def raises_a_round(self, verb: Token) -> bool:
        """ "raised $40 million", "closed a Series B round" (``funding_rounds``)."""
        if verb.lemma_.lower() not in self.raise_verbs:
            return False
        near = [*verb.children, *(g for c in verb.children for g in c.children)]
        return any(t.lemma_.lower() in self.round_words or t.ent_type_ == "MONEY" for t in near)

    def unit_name(
        self, doc: Doc, ent: Span, known: dict[int, Span], places: dict[int, Span]
    ) -> Span | None:
        """ "Volvo Commercial Vehicles", "Sony Ericsson", "Samsung Foundry" or "Lenovo
        China" from the known name at ``ent``."""
        proper_names = name_words(doc)
        if ent.end in known and ent[-1].whitespace_ and proper_names[ent.end]:
            return Span(doc, ent.start, known[ent.end].end, label="ORG")
        stop = ent.end
        while stop < len(doc) and stop - ent.end < 4 and proper_names[stop]:
            stop += 1
        if stop - ent.end == 1 and ent[-1].whitespace_ and not ent[-1].is_punct:
            word = doc[ent.end]
            place = places.get(ent.end)
            if word.lower_ not in self.itself_words and (
                self.is_organisation_word(word.text) or (place is not None and len(place) == 1)
            ):
                return Span(doc, ent.start, stop, label="ORG")  # one more word: a unit
            return None
        while stop - ent.end >= 2:
            if self.is_organisation_word(doc[stop - 1].text):
                return Span(doc, ent.start, stop, label="ORG")
            stop -= 1
        return None

    def introduces_name(self, doc: Doc, i: int, words: Words) -> bool:
        """Whether the words up to ``i`` say a name follows: a company noun ("the
        podcast companies", "a firm called"), or "-backed", "-based", "-owned"."""
        lemmas, lowers = words.lemmas, words.lowers
        lemma = lemmas[i]
        if lemma in ("call", "name") and i > 0 and lemmas[i - 1] in self.company_nouns:
            return True
        if lemma in self.company_nouns and words.pos[i] == "NOUN":
            return i + 1 < len(doc) and lowers[i + 1] not in ("called", "named")
        return lowers[i] in ("backed", "owned", *BASED) and i > 0 and lowers[i - 1] == "-"

    def name_runs(self, doc: Doc, start: int) -> list[tuple[int, int]]:
        """Runs of capitalised proper nouns from ``start``, and their conjuncts
        ("Gimlet and Parcast")."""
        runs: list[tuple[int, int]] = []
        proper_names = name_words(doc)
        i = start
        while i < len(doc):
            stop = i
            while (
                stop < len(doc)
                and stop - i < 4
                and (
                    proper_names[stop]
                    or (
                        doc[stop].text == "&"
                        and stop > i
                        and stop + 1 < len(doc)
                        and proper_names[stop + 1]
                    )
                )
            ):
                stop += 1
            if stop == i or doc[stop - 1].lower_ in self.not_entities:
                break
            if any(
                t.lower_.rstrip(".,") not in self.ontology.corporate_suffixes for t in doc[i:stop]
            ):
                runs.append((i, stop))
            if (
                stop + 1 < len(doc)
                and doc[stop].lower_ in ("and", ",")
                and doc[stop + 1].dep_ == "conj"
            ):
                i = stop + 1
            else:
                break
        return runs

    def unlabelled_repeats(self, doc: Doc, ents: list[Span], taken: set[int]) -> list[Span]:
        """Names the statistical model tagged once but missed elsewhere in the article
        ("Lyft" tagged in one sentence, untagged in the next), and people's surnames
        after their full name ("Zimmer" after "John Zimmer"): every proper-noun
        occurrence of the same words becomes a mention with the same label."""
        names: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
        for ent in ents:
            if ent.id_ or ent.label_ not in ("ORG", "PERSON"):
                continue
            words = tuple(t.text for t in ent if t.lower_ not in ("the", "'s", "’s"))
            if not words or not all(w[:1].isupper() for w in words):
                continue
            forms = [words]
            if ent.label_ == "PERSON" and len(words) >= 2:
                forms.append(words[-1:])
            for form in forms:
                # an organisation's or a person's full name counts before its tagged
                # place too; a surname only after the full name
                first = -1 if ent.label_ == "ORG" or len(form) > 1 else ent.start
                names.setdefault(form[0], []).append((form, ent.label_, first))
        found: list[Span] = []
        if not names:
            return found
        strings = doc.vocab.strings
        propn = POS_IDS["PROPN"]
        rows = doc.to_array([ORTH, POS]).tolist()
        for i, (orth, pos) in enumerate(rows):
            if pos != propn or i in taken or strings[orth] not in names:
                continue
            token = doc[i]
            for words, label, first in names[token.text]:
                end = token.i + len(words)
                if (
                    end <= len(doc)
                    and first < token.i + 1
                    and tuple(t.text for t in doc[token.i : end]) == words
                    and not any(i in taken for i in range(token.i, end))
                ):
                    found.append(Span(doc, token.i, end, label=label))
                    taken.update(range(token.i, end))
                    break
        return found

    def voted_classes(self, ents: list[Span]) -> dict[str, str]:
        """One class per name the gazetteer does not know, from the whole article: a
        name with an organisation's word ("Ludic Labs", "Accel Partners") is an
        organisation; so is a one-word "person" that is no part of a person's full
        name in the article ("Groupon said", never "Andrew Groupon") or that starts an
        organisation's name ("Safiri" of "Safiri Freight"); otherwise the class the
        model gave the name most often (organisation on a tie), so a startup it once
        calls a place stays an organisation."""
        votes: dict[str, Counter[str]] = {}
        for ent in ents:
            cls = LABEL_TO_CLASS.get(ent.label_)
            if ent.id_ or cls not in ("Organization", "Person", "Place"):
                continue
            votes.setdefault(clean_name(ent.text), Counter())[cls] += 1
        company_starts = {  # "Safiri" of "Safiri Freight": the company's short name
            name.split()[0]
            for name, c in votes.items()
            if len(name.split()) > 1
            and (
                any(self.is_organisation_word(w) for w in name.split()[1:])
                or c["Organization"] >= max(c["Person"], 1)  # "Greenfield Markets"
            )
        }
        person_words = {
            w
            for name, c in votes.items()
            if c["Person"] and len(name.split()) > 1
            for w in name.split()
        } - company_starts
        chosen: dict[str, str] = {}
        for name, counts in votes.items():
            words = name.split()
            company_word = (counts["Organization"] or counts["Person"]) and any(
                self.is_organisation_word(w) for w in words[1:]
            )
            lone_word = len(words) == 1 and counts["Person"] and name not in person_words
            if company_word or lone_word:
                chosen[name] = "Organization"
            elif len(counts) > 1:
                top = max(counts.values())
                chosen[name] = (
                    "Organization" if counts["Organization"] == top else counts.most_common(1)[0][0]
                )
        return chosen

    def noun_references(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(class, start, end) of "the company", "the German firm", "this e-commerce
        giant", "the music streaming giant": a determiner, up to three modifiers
        (adjectives, nouns, participles), a noun from ``anaphora_nouns``; the longest
        such phrase from each determiner; no word of it named. Also the bare nouns of
        ``bare_noun_references``."""
        found = []
        for i, lower in enumerate(Words.of(doc).lowers):
            if lower not in REFERENCE_DETERMINERS:
                continue
            best = None
            start, j, limit = i, i + 1, min(i + 5, len(doc))
            while j < limit:
                word = doc[j]
                based = place_based_end(doc, j)
                if based is not None:  # "the Santa Clara-based company": the noun alone
                    start, j, limit = based, based, min(based + 4, len(doc))
                    continue
                if word.ent_type_ or word.lower_ in self.not_references:
                    break
                cls = self.noun_anaphora.get(word.lemma_.lower())
                if cls is not None:
                    best = (cls, start, j + 1)
                if word.pos_ not in REFERENCE_MODIFIERS and word.tag_ not in ("VBG", "VBN"):
                    break
                j += 1
            if best is not None:
                found.append(best)
        found += self.bare_noun_references(doc)
        return found

    def bare_noun_references(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(class, start, end) of a bare company noun modifying another noun, which
        means the company last named: "company founders A and B", "firm spokesman"."""
        found = []
        for i, lemma in enumerate(Words.of(doc).lemmas):
            cls = self.noun_anaphora.get(lemma)
            if cls is None:
                continue
            token = doc[i]
            if (
                token.tag_ == "NN"
                and token.dep_ == "compound"
                and token.head.pos_ == "NOUN"
                and not any(c.dep_ in ("det", "poss", "amod", "compound") for c in token.children)
                and not (token.i > 0 and doc[token.i - 1].dep_ in ("det", "poss"))
            ):
                found.append((cls, token.i, token.i + 1))
        return found

    def people_by_context(
        self, doc: Doc, mentions: list[Mention], triggers: list[TriggerMatch]
    ) -> list[Mention]:
        """Mentions whose class context corrects: organisation mentions that are
        people (a surname of a person named in the article, "Mollenkopf", or a
        personal-looking name next to a person's role, "founded by Ernst Leitz"),
        people and places only an organisation fits (``companies_by_context``), and
        names only a product fits (``products_by_context``)."""
        role_anchors = [t.anchor for t in triggers if t.pattern.domain == {"Person"}]
        role_anchor_ids = {a.i for a in role_anchors}
        sent_of = sentence_numbers(doc)
        untagged = self.companies_by_triggers(doc, mentions, triggers, sent_of)
        untagged += self.people_by_roles(doc, [*mentions, *untagged], triggers, sent_of)
        untagged += self.makers_by_possession(doc, mentions, untagged, sent_of)
        if untagged:
            mentions = sorted([*mentions, *untagged], key=lambda m: m.start_char)
        renamed = self.people_beside_roles(doc, mentions, {a.i for a in role_anchors})
        people = {m.name for m in mentions if m.cls == "Person" and not m.anaphor} | set(renamed)
        by_surname = {n.split()[-1]: n for n in people if len(n.split()) > 1}
        people_roots = [
            r
            for m in mentions
            if m.cls == "Person" and not m.anaphor and (r := mention_root(doc, m)) is not None
        ]
        for m in mentions:
            if m.cls not in ("Organization", "Place", "Product") or m.gazetteer or m.anaphor:
                continue
            if m.name in by_surname:
                renamed[m.name] = by_surname[m.name]
            elif (
                (
                    (m.cls == "Organization" and self.looks_like_person(m.name))
                    or (
                        m.cls == "Place" and self.is_personal_name(m.name)
                    )  # "Marta Oyelaran", tagged a place
                )
                and not modifies_a_noun(doc, m)
                and not in_employer_slot(mention_root(doc, m), role_anchor_ids)
                and any(
                    anchor_distance(root, a) <= 3
                    and not any(
                        anchor_distance(p, a) < anchor_distance(root, a) for p in people_roots
                    )
                    and not self.appoints(root, a)
                    for root in [mention_root(doc, m)]
                    if root is not None
                    for a in role_anchors
                    if sent_of[a.i] == sent_of[root.i]
                )
            ):  # a personal-looking name next to a role no named person is nearer to
                renamed[m.name] = m.name
        companies = self.companies_by_context(doc, mentions, triggers, role_anchors, sent_of)
        products = self.products_by_context(doc, mentions)
        places = self.places_by_context(doc, mentions, triggers)
        return [
            replace(m, cls="Person", name=renamed[m.name])
            if m.cls != "Person" and m.name in renamed and not m.gazetteer and not m.anaphor
            else replace(m, cls="Product")
            if m.name in products and not m.gazetteer and not m.anaphor
            else replace(m, cls="Place")
            if m.name in places and not m.gazetteer and not m.anaphor
            else replace(m, cls="Organization")
            if m.cls in ("Person", "Place", "Product") and m.name in companies
            else m
            for m in mentions
            if not (  # a reference to an "organisation" that context made something else
                m.anaphor
                and m.cls == "Organization"
                and not m.gazetteer
                and (m.name in renamed or m.name in products or m.name in places)
            )
        ]

    def companies_by_triggers(
        self,
        doc: Doc,
        mentions: list[Mention],
        triggers: list[TriggerMatch],
        sent_of: list[int],
    ) -> list[Mention]:
        """Names the model left untagged where only an organisation fits: the object
        of a trigger whose range is organisations ("Tamber was founded in 2010 by ..."),
        the subject of one whose domain is. Title-case headlines are skipped: there
        every word looks like a name."""
        covered = covered_tokens(doc, mentions)
        found: list[Mention] = []
        trigger_words = {i for t in triggers for i in (t.anchor.i, *t.tokens)}
        product_ends = {
            tokens.stop
            for m in mentions
            if m.cls == "Product" and (tokens := mention_tokens(doc, m))
        }
        for trigger in triggers:
            pattern = trigger.pattern
            wanted = {"obj"} if pattern.range == {"Organization"} else set()
            if pattern.domain == {"Organization"}:
                wanted.add("subj")
            if pattern.recipient_preps:
                wanted = {"recipient"}  # one sells products, to companies
            sent = trigger.anchor.sent
            if not wanted or title_case(sent):
                continue
            title_start = min(trigger.tokens | {trigger.anchor.i})
            relative = relative_antecedent(trigger.anchor, depth=1)
            for start, stop in untagged_names(
                doc, sent.start, sent.end, covered, self.own_name_words(doc)
            ):
                # "Corvex COO", "Corvex Vice President": the name before a title
                stop = next((i for i in range(start, stop) if i in trigger_words), stop)
                if stop == start or start in product_ends:
                    continue  # "Ford's F-150 Lightning": the rest of a product's name
                words = [t.lower_.rstrip(".,") for t in doc[start:stop]]
                if (
                    words[-1] in self.not_entities
                    or " ".join(words) in self.not_entities
                    or words[0] in self.corporate_suffixes
                ):
                    continue
                root = doc[start:stop].root
                appointer = pattern.domain == {"Person"} and self.appoints(root, trigger.anchor)
                if anchor_distance(root, trigger.anchor) > 2 and not appointer:
                    continue
                role = trigger_role(root, trigger)  # a pattern's domain is its subject's
                if pattern.domain == {"Person"} and stop == title_start:
                    role = "obj"  # "Mabeko Chief Executive Thandiwe Nkosi": the title's owner
                if relative is not None and relative[0].i == root.i:
                    role = relative[1]  # "Tessary, which is backed by Okra": the pronoun's
                    if role == "obj" and "Organization" not in pattern.range:
                        role = "subj"  # "Halvard, which is headquartered in Oslo"
                if role == "agent":
                    role = "subj"  # "the purchase of Pennat by Dravo"
                if (
                    role == "obj"
                    and root.dep_ == "nsubjpass"
                    and root.head.i == trigger.anchor.i
                    and "Organization" not in pattern.range
                    and not pattern.reverse
                ):
                    role = "subj"  # "Halvard is headquartered in Oslo": no organisation is object
                if (
                    pattern.domain == {"Person"}
                    and root.dep_ == "poss"
                    and root.head.i in (trigger.anchor.i, *trigger.tokens)
                ):
                    role = "obj"  # "Lyft's CEO": a person's role belongs to an organisation
                if role in wanted or appointer:
                    found.append(organization_mention(doc[start:stop], sent_of))
                    covered.update(range(start, stop))
        return found

    def people_by_roles(
        self, doc: Doc, mentions: list[Mention], triggers: list[TriggerMatch], sent_of: list[int]
    ) -> list[Mention]:
        """Names the model left untagged that are people's: a given name and a surname
        ("Ana Ruiz", ``names.yaml``) beside a person's role ("Vexo executives Ana Ruiz
        and Bo Lind", "Ana Ruiz and Bo Lind are executives of Vexo"), or any personal-
        looking name right after a title ("Chief Executive Thandiwe Nkosi said")."""
        roles = [t for t in triggers if t.pattern.domain == {"Person"}]
        anchors = [t.anchor for t in roles]
        anchor_ids = {a.i for a in anchors}
        title_ends = {max(t.tokens | {t.anchor.i}) for t in roles if t.anchor.pos_ != "VERB"}
        title_words = {i for t in roles for i in t.tokens | {t.anchor.i}}
        if not anchors:
            return []

        covered = covered_tokens(doc, mentions) | title_words  # a title's words name no one
        found: list[Mention] = []
        for sent in {a.sent for a in anchors}:
            if title_case(sent):
                continue
            near = [a for a in anchors if a.sent == sent]
            for start, stop in untagged_names(
                doc, sent.start, sent.end, covered, self.own_name_words(doc)
            ):
                span = doc[start:stop]
                after_title = (  # "Chief Executive Thandiwe Nkosi", "Folake Adeyemi, an analyst"
                    start - 1 in title_ends
                    or any(c.dep_ == "appos" and c.i in anchor_ids for c in span.root.children)
                ) and self.looks_like_person(span.text)
                if not after_title and (
                    not self.is_personal_name(span.text)
                    or not any(anchor_distance(span.root, a) <= 3 for a in near)
                ):
                    continue
                found.append(person_mention(span, sent_of))
                covered.update(range(start, stop))
        return found

    def appoints(self, subject: Token, role: Token) -> bool:
        """Whether ``subject`` is the subject of a verb that gives someone the ``role``
        ("Vexa Prime named Ana Ruiz chief executive", "... hired Ana Ruiz as its CFO")."""
        verb = subject.head
        return (
            subject.dep_ == "nsubj"
            and verb.lemma_.lower() in self.appointment_verbs
            and role.i != verb.i
            and verb in role.ancestors
        )

    def makers_by_possession(
        self, doc: Doc, mentions: list[Mention], added: list[Mention], sent_of: list[int]
    ) -> list[Mention]:
        """Untagged names that possess a product ("Corvex's new Aria 5"): its maker,
        an organisation."""
        covered = covered_tokens(doc, [*mentions, *added])
        found: list[Mention] = []
        for m in mentions:
            root = mention_root(doc, m) if m.cls == "Product" and not m.anaphor else None
            owner = next((c for c in root.children if c.dep_ == "poss"), None) if root else None
            if owner is None or owner.i in covered or not self.is_name_word(owner):
                continue
            start = owner.left_edge.i
            span = doc[start : owner.i + 1]
            if title_case(owner.sent) or not all(self.is_name_word(t) for t in span):
                continue
            found.append(organization_mention(span, sent_of))
            covered.update(range(start, owner.i + 1))
        return found

    def places_by_context(
        self, doc: Doc, mentions: list[Mention], triggers: Sequence[TriggerMatch] = ()
    ) -> set[str]:
        """Names the model calls organisations or people that are places: "the
        Oslo-based maker", "a plant in Kameyama, Mie Prefecture" (after "in", "at" or
        "near", with a place in apposition, unless a name holds an organisation's
        word)."""
        place_roots = {
            r.i for m in mentions if m.cls == "Place" and (r := mention_root(doc, m)) is not None
        }
        found: set[str] = set()
        place_triggers = [
            t for t in triggers if t.pattern.range == {"Place"} and not t.pattern.reverse
        ]
        for m in mentions:
            if m.cls not in ("Organization", "Person") or m.gazetteer or m.anaphor:
                continue
            root = mention_root(doc, m)
            if root is not None and hyphened_to_based(doc, m):
                found.add(m.name)  # "the Oslo-based ferry maker"
            elif root is not None and self.in_a_place_slot(m, root, place_triggers):
                found.add(m.name)  # "its headquarters in Lyon", Lyon tagged an organisation
            elif (
                root is not None
                and root.dep_ == "pobj"
                and root.head.lower_ in ("in", "at", "near")
                and any(c.dep_ == "appos" and c.i in place_roots for c in root.children)
                and not any(w.lower() in self.organisation_words for w in m.name.split())
            ):
                found.add(m.name)
        return found

    def in_a_place_slot(
        self, mention: Mention, root: Token, triggers: Sequence[TriggerMatch]
    ) -> bool:
        """Whether a one- or two-word name without an organisation word is the object,
        through a preposition, of a trigger only a place fits ("headquartered in Lyon",
        "moved its headquarters to Lyon")."""
        return (
            root.dep_ == "pobj"
            and root.head.lower_ in PLACE_PREPOSITIONS  # not "joins from Accra-headquartered X"
            and len(mention.name.split()) <= 2
            and not any(self.is_organisation_word(w) for w in mention.name.split())
            and any(
                anchor_distance(root, t.anchor) <= 3 and trigger_role(root, t) == "obj"
                for t in triggers
                if t.anchor.sent.start == root.sent.start
            )
        )

    def people_beside_roles(
        self, doc: Doc, mentions: list[Mention], anchors: set[int]
    ) -> dict[str, str]:
        """Names the model calls something else that are people's: after an honorific
        ("Dr. Quell"), or personal-looking and in apposition to a person's role ("Dana
        Whitfield, Lyft's CEO", "CEO Dana Whitfield")."""
        found: dict[str, str] = {}
        for m in mentions:
            if m.cls == "Person" or m.gazetteer or m.anaphor:
                continue
            span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
            if span is None:
                continue
            if span.start > 0 and doc[span.start - 1].lower_ in self.honorifics:
                found[m.name] = m.name
                continue
            root = span.root
            if not self.looks_like_person(m.name):
                continue
            beside = [c for c in root.children if c.dep_ in ("appos", "compound")]
            if root.dep_ == "appos":
                beside.append(root.head)
            if any(t.i in anchors for t in beside):
                found[m.name] = m.name
        return found

    def companies_by_context(
        self,
        doc: Doc,
        mentions: list[Mention],
        triggers: list[TriggerMatch],
        role_anchors: list[Token],
        sent_of: list[int],
    ) -> set[str]:
        """Names the model calls people that only an organisation's place fits:
        "its acquisition of Activision Blizzard", never near a person's role."""
        company_triggers = [
            t
            for t in triggers
            if t.pattern.domain == {"Organization"}
            and t.pattern.range == {"Organization"}
            and not t.pattern.recipient_preps
        ]

        # a trigger whose objects are only organisations ("poured $300 million into
        # Quantix": investors may be people, what they invest in is a company)
        company_objects = [
            t
            for t in triggers
            if t.pattern.range == {"Organization"}
            and not t.pattern.range_role  # hasOptics: only a known optics brand
            and not t.pattern.recipient_preps  # one sells products too
            and (not t.pattern.reverse or t.pattern.domain == {"Organization"})
        ]

        def object_of_company_trigger(root: Token) -> bool:
            return any(
                sent_of[t.anchor.i] == sent_of[root.i]
                and anchor_distance(root, t.anchor) <= 2
                and syntactic_role(root, t.anchor, t.pattern.subject_preps, t.pattern.object_preps)
                == "obj"
                for t in company_objects
            )

        def possessor_of_company_noun(root: Token) -> bool:
            return root.dep_ == "poss" and any(
                root.head.i in (t.anchor.i, *t.tokens) for t in company_triggers
            )

        def subject_of_company_trigger(root: Token) -> bool:
            return any(
                sent_of[t.anchor.i] == sent_of[root.i]
                and anchor_distance(root, t.anchor) <= 2
                and (
                    (
                        root.dep_ in ("nsubj", "nsubjpass")
                        and syntactic_role(
                            root, t.anchor, t.pattern.subject_preps, t.pattern.object_preps
                        )
                        == ("obj" if t.pattern.reverse else "subj")
                    )
                    or is_passive_agent(root, t.anchor)  # "acquired by Vireo"
                )
                for t in company_triggers
            )

        founding_titles = {
            t.anchor.i for t in triggers if t.pattern.relation in ORGANISATION_TITLES
        }

        def before_a_founding_title(root: Token) -> bool:
            # "Northvolt founder Peter Carlsson": a place has no founder or CEO
            return (
                root.dep_ in ("compound", "poss")
                and root.head.i in founding_titles
                and root.i < root.head.i
            )

        def listed_beside_a_company(m: Mention, root: Token) -> bool:
            # "backed by Balderton Capital and Atomico" (``company_roots`` grows below)
            return (
                not self.looks_like_person(m.name)
                and conjoined_with(root, company_roots)
                and not describes_a_name(root, named_roots)
            )

        def near(root: Token, anchors: list[Token], limit: int) -> bool:
            return any(
                sent_of[a.i] == sent_of[root.i] and anchor_distance(root, a) <= limit
                for a in anchors
            )

        found: set[str] = set()
        named_roots = {r.i for m in mentions if not m.anaphor and (r := mention_root(doc, m))}
        company_roots = {
            r.i
            for m in mentions
            if m.cls == "Organization" and not m.anaphor and (r := mention_root(doc, m))
        }
        for m in mentions:
            root = mention_root(doc, m)
            if m.gazetteer or m.anaphor or root is None:
                continue
            if m.cls == "Product" and not any(ch.isdigit() for ch in m.name):
                # a name the model calls a product, with no model number, that only a
                # company fits ("agreed to buy rival Pillbox")
                if object_of_company_trigger(root) or subject_of_company_trigger(root):
                    found.add(m.name)
                continue
            if m.cls not in ("Person", "Place"):
                continue
            if m.cls == "Place" and before_a_founding_title(root):
                found.add(m.name)
                continue
            if m.cls == "Place" and describes_a_name(root, named_roots):
                continue
            if listed_beside_a_company(m, root) or (
                not self.looks_like_person(m.name) and possessor_of_company_noun(root)
            ):
                # "backed by Balderton Capital and Atomico", "Tessaly's parent company"
                found.add(m.name)
            elif self.described_as_company(root) or (
                root.dep_ != "poss"
                and (
                    (object_of_company_trigger(root) and not self.named_as_a_person(m))
                    or (not self.is_personal_name(m.name) and subject_of_company_trigger(root))
                )
                and not near(root, role_anchors, 3)
            ):
                found.add(m.name)
        # a second look: names listed beside the companies just found ("Quill Mobile
        # and Ferrox have ended their partnership", both tagged places)
        company_roots |= {
            r.i for m in mentions if m.name in found and (r := mention_root(doc, m)) is not None
        }
        found |= {
            m.name
            for m in mentions
            if m.cls in ("Person", "Place")
            and not m.gazetteer
            and not m.anaphor
            and (root := mention_root(doc, m)) is not None
            and listed_beside_a_company(m, root)
        }
        if not found:
            return found
        people_elsewhere = {
            m.name
            for m in mentions
            if m.cls == "Person"
            and (root := mention_root(doc, m)) is not None
            and near(root, role_anchors, 3)
            and not self.described_as_company(root)
        }
        return found - people_elsewhere

    def products_by_context(self, doc: Doc, mentions: list[Mention]) -> set[str]:
        """Names the model calls organisations, people or places that only a product
        fits: a model code ("EP9", "ARMv8"), a name described by a product noun in
        apposition ("The Zephyr X, an electric pickup"), set before one ("the Tamber
        sensor", "its Vela image sensors") or ending in one ("The Dana Hart Podcast");
        never one the article describes as a company ("Vela, a chip developer")."""
        found: set[str] = set()
        companies: set[str] = set()
        brands: dict[str, set[str]] = {}
        for m in mentions:
            if m.cls == "Organization" and not m.anaphor and m.name:
                brands.setdefault(m.name.split()[0], set()).add(m.name)
        for m in mentions:
            if m.gazetteer or m.anaphor or m.cls not in ("Organization", "Person", "Place"):
                continue
            if self.brand_model(m.name, brands):
                found.add(m.name)
                continue
            root = mention_root(doc, m)
            if root is None:
                continue
            if (
                self.described_as_company(root)
                or based_somewhere(root)
                or any(self.is_organisation_word(w) for w in m.name.split()[1:])
            ):  # "the Lux Future Fund, a state-backed investment vehicle"
                companies.add(m.name)
            elif (
                is_model_code(m.name)
                or self.described_as_product(root)
                or self.names_a_series(root)
                or listing_noun(root, self.listing_nouns) is not None
                or self.modifies_product_noun(root)
                or self.ends_in_product_noun(m.name)
            ):
                found.add(m.name)
        return found - companies

    def brand_model(self, name: str, brands: dict[str, set[str]]) -> bool:
        """Whether a name is a company's first word and a model ("Tamsin Rover Mini",
        "Orbitra Dish 2" where the article names Tamsin Robotics, Orbitra Networks):
        a product named after its maker."""
        words = name.split()
        last = words[-1]
        return (
            len(words) >= 2
            and bool(brands.get(words[0], set()) - {name})
            and (last.lower() in self.model_words or any(ch.isdigit() for ch in last))
            and not any(self.is_organisation_word(w) for w in words[1:])
        )

    def described_as_product(self, root: Token) -> bool:
        """ "The Zephyr X, an electric pickup ...": a product noun in apposition."""
        return described_by(root, self.product_nouns, ("appos",))

    def ends_in_product_noun(self, name: str) -> bool:
        """ "The Dana Hart Podcast", "Velo Phone": a name of two or more words ending in a
        product noun is a product's (a show's, a phone's), not a person's or a company's."""
        words = name.lower().split()
        return (
            len(words) >= 2
            and words[-1] in self.product_nouns
            and not any(w in self.organisation_words for w in words)
        )

    def names_a_series(self, root: Token) -> bool:
        """ "the Kappa series", "its Kappa line of tablets": the name is set before a
        series word (``products.series_words``; "line" only with "of" and a product
        noun), so it names products."""
        head = root.head
        if root.dep_ != "compound" or head.i == root.i:
            return False
        word = head.lemma_.lower()
        if word in self.series_words:
            return True
        return word == "line" and any(
            c.dep_ == "prep"
            and c.lower_ == "of"
            and any(g.lemma_.lower() in self.product_nouns for g in c.children)
            for c in head.children
        )

    def modifies_product_noun(self, root: Token) -> bool:
        """ "the Vela sensor", "Vela image sensors": the name is a compound of a product
        noun (directly or through another compound) that heads its phrase, not one
        that modifies a maker or another noun ("sensor maker", "a Vela podcast slate")."""
        head = root
        while head.dep_ == "compound" and head.head.i != head.i:
            head = head.head
            if head.lemma_.lower() in self.product_nouns:
                return head.dep_ != "compound"
        return False

    def described_as_company(self, root: Token) -> bool:
        """ "Corephotonics, an Israeli company", "zoom developer Corephotonics"."""
        return described_by(root, self.company_nouns, ("appos", "compound"))

    def is_organisation_word(self, word: str) -> bool:
        """An ``organisation_words`` entry, or a word ending in one of six letters or
        more ("Microsystems", "Telecommunications", "Biotechnologies")."""
        known = self.organisation_word_cache.get(word)
        if known is None:
            lower = word.lower().strip(".,")
            known = lower in self.organisation_words or any(
                lower.endswith(org) and len(lower) > len(org) for org in self.organisation_endings
            )
            self.organisation_word_cache[word] = known
        return known

    def own_name_words(self, doc: Doc) -> list[bool]:
        """``self.is_name_word`` of every token, by index, read once per doc (kept for
        the last doc read: the flags depend on this reader's lexicon)."""
        cached = self.name_words_read
        if cached is not None and cached[0] is doc and len(cached[1]) == len(doc):
            return cached[1]
        flags = [
            proper or self.is_name_word(t) for proper, t in zip(name_words(doc), doc, strict=True)
        ]
        self.name_words_read = (doc, flags)
        return flags

    def is_name_word(self, token: Token) -> bool:
        """A word of a name: a proper noun (``is_name_word``), or a capitalised word no
        English dictionary has, whatever the model tagged it ("Zupra supplies ...",
        "Quelt" tagged a date)."""
        return is_name_word(token) or (
            token.is_alpha
            and token.is_title
            and len(token) > 2
            and not token.is_stop
            and token.ent_type_ in UNKNOWN_WORD_ENT_TYPES
            and not self.lexicon.knows(token.lower_)
        )

    def is_personal_name(self, name: str) -> bool:
        """A given name and a surname ("Anna Berg")."""
        return self.looks_like_person(name) and self.ontology.starts_with_given_name(name)

    def named_as_a_person(self, mention: Mention) -> bool:
        """A name the model calls a person's that starts with a given name ("Anna Berg",
        not "Tsinghua Unigroup"): the model is right, whatever slot it fills."""
        return (
            mention.cls == "Person"
            and self.looks_like_person(mention.name)
            and self.ontology.starts_with_given_name(mention.name)
        )

    def looks_like_person(self, name: str) -> bool:
        words = name.split()
        return 2 <= len(words) <= 3 and all(
            w[:1].isupper() and w.isalpha() and not self.is_organisation_word(w) for w in words
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
    ) -> Mention | None:
        cls = LABEL_TO_CLASS.get(ent.label_)
        if cls is None:
            return None
        text = ent.text
        maker = ent.kb_id_ or None
        if (known := split_entity_id(ent.id_)) is not None:
            (cls, name), gazetteer = known, True
        elif ent.id_ == BARE_MODEL:
            name, gazetteer = self.bare_product_name(doc, ent, seen_products), False
        elif ent.id_:
            name, gazetteer = ent.id_, False
        elif cls == "Product" and not is_product_name(text, self.not_entities):
            return None
        else:
            name, gazetteer = clean_name(text), False
            if cls == "Person":
                name = self.without_title(name)
            entry = self.ontology.lookup(name)
            if entry is not None:
                cls, name, gazetteer = entry.cls, entry.label, True
            elif name.endswith("s") and name[:-1].lower() in self.product_lines:
                # "iPhones": a product line's models, its maker's
                cls, name, gazetteer = "Product", name[:-1], True
                maker = self.product_lines[name.lower()]
        return Mention(
            text=text,
            name=name,
            cls=cls,
            start_char=ent.start_char,
            end_char=ent.end_char,
            sent_index=sent_of[ent.start],
            gazetteer=gazetteer,
            maker=maker,
        )

    def without_title(self, name: str) -> str:
        """A person's name without the role words the model took into it ("CFO Luca
        Maestri" is Luca Maestri)."""
        words = name.split()
        while len(words) > 2 and words[0].lower() in self.not_entities:
            words = words[1:]
        return " ".join(words)

    def bare_product_name(self, doc: Doc, ent: Span, seen: list[Mention]) -> str:
        """A model named without its maker takes the full name the article gives it
        elsewhere ("the 12 Ultra" -> "Xiaomi 12 Ultra") or its possessor's ("Xiaomi's
        13 Ultra"); otherwise it keeps its own ("X5 Pro")."""
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
                if e.end == owner.i + 1 and (label := organization_label(e.id_)):
                    return f"{label} {text}"
        return text

    def appositive_antecedent(self, doc: Doc, span: Span, found: list[Mention]) -> Mention | None:
        """ "Leica, the camera company founded in 1869": a description set off by a comma
        right after a name describes that name; so does "whose" ("Volt Packs, whose
        chief executive ...")."""
        whose = span.text.lower() == "whose"
        if (len(span) < 2 and not whose) or span.start < 2 or doc[span.start - 1].text != ",":
            return None
        if span.end < len(doc) and doc[span.end].tag_ == "POS":
            return None  # "Diane Greene, the company's founder": the company is not her
        end_char = doc[span.start - 2].idx + len(doc[span.start - 2].text)
        return next((m for m in reversed(found) if m.end_char == end_char and not m.anaphor), None)

    def other_mention(
        self, doc: Doc, item: tuple[str, int, int], sent_of: list[int], found: list[Mention]
    ) -> Mention | None:
        cls, start, end = item
        span = doc[start:end]
        if cls == "Year":
            return Mention(
                span.text, span.text, "Year", span.start_char, span.end_char, sent_of[start]
            )
        sent = sent_of[start]
        possessive = end - start == 1 and (
            doc[start].lower_ in self.possessives or doc[start].lower_ in self.pronoun_classes
        )
        own_subject = clause_subject_start(span.root)
        appositive = self.appositive_antecedent(doc, span, found)
        if appositive is not None and appositive.cls in self.pronoun_classes.get(
            span.text.lower(), (cls,)
        ):
            return as_reference(appositive, span, sent)
        # "Lena Fox, who founded it with her brother": the clause's noun; but "Kessel,
        # which has been its supplier": what the clause's noun is to someone else
        clause = relative_antecedent(span.root, depth=None)
        relative = None if clause is None else named_at(found, clause[0].idx)
        copular = possessive and owns_the_copula_attribute(span.root)
        if (
            relative is not None
            and not copular
            and relative.cls in self.pronoun_classes.get(span.text.lower(), (cls,))
        ):
            return as_reference(relative, span, sent)
        if copular and relative is not None:
            found = [e for e in found if e.start_char != relative.start_char]
        if possessive:
            for earlier in found:
                if (
                    earlier.sent_index == sent
                    and (root := mention_root(doc, earlier)) is not None
                    and earlier.cls in self.pronoun_classes.get(span.text.lower(), (cls,))
                    and earlier.start_char < span.start_char
                    and earlier.start_char != own_subject
                    and root.dep_ in ("nsubj", "nsubjpass")
                ):
                    return as_reference(earlier, span, sent)
        classes = self.pronoun_classes.get(span.text.lower(), (cls,))
        candidates = [
            e
            for e in found
            if e.cls in classes
            and sent - 2 <= e.sent_index <= sent
            and e.start_char < span.start_char
            and not (
                e.sent_index == sent
                and e.cls == "Organization"
                and not possessive
                and co_arguments(doc, e, span.root)
            )
            and not (e.cls == "Product" and end - start > 1 and not has_model_number(e.name))
        ]
        candidates = [e for e in candidates if e.start_char != own_subject]
        if not candidates:
            return None
        pick = candidates[-1]
        in_subject_place = span.root.dep_ in ("nsubj", "nsubjpass")
        if (
            span.text.lower() in self.pronoun_classes
            or span.text.lower() in self.possessives
            or in_subject_place
        ):
            subjects = [e for e in candidates if is_subject(doc, e)]
            if subjects and subjects[-1].sent_index == pick.sent_index:
                pick = subjects[-1]
        return Mention(
            span.text,
            pick.name,
            pick.cls,
            span.start_char,
            span.end_char,
            sent,
            pick.gazetteer,
            anaphor=True,
        )


# the titles only an organisation gives: a place before one is a company's name
ORGANISATION_TITLES = frozenset({"founderOf", "ceoOf"})

NAME_ENT_TYPES = frozenset(
    {"", "ORG", "PERSON", "GPE", "LOC", "PRODUCT", "WORK_OF_ART", "NORP", "FAC"}
)


# the labels the model gives a word it does not know: a name's, or a date's ("Quelt")
UNKNOWN_WORD_ENT_TYPES = NAME_ENT_TYPES | {"DATE", "TIME"}


def named_at(mentions: list[Mention], char: int) -> Mention | None:
    """The last name (no reference) among the mentions that covers the character."""
    return next(
        (m for m in reversed(mentions) if not m.anaphor and m.start_char <= char < m.end_char),
        None,
    )


def covered_tokens(doc: Doc, mentions: list[Mention]) -> set[int]:
    """The indices of the tokens the mentions cover."""
    return {i for m in mentions for i in mention_tokens(doc, m)}


def organization_mention(span: Span, sent_of: list[int]) -> Mention:
    """A mention of an organisation at a span the model left untagged."""
    return Mention(
        text=span.text,
        name=clean_name(span.text),
        cls="Organization",
        start_char=span.start_char,
        end_char=span.end_char,
        sent_index=sent_of[span.start],
    )


def person_mention(span: Span, sent_of: list[int]) -> Mention:
    """A mention of a person at a span the model left untagged."""
    return replace(organization_mention(span, sent_of), cls="Person")


def as_reference(antecedent: Mention, span: Span, sent: int) -> Mention:
    """A reference at ``span`` to the antecedent: its name and class, the span's text."""
    return replace(
        antecedent,
        text=span.text,
        start_char=span.start_char,
        end_char=span.end_char,
        sent_index=sent,
        anaphor=True,
    )


def clause_subject_start(token: Token) -> int | None:
    """Where the subject of the verb the token is the object of starts: a pronoun
    there is never that subject ("after EMC acquired it": it is not EMC)."""
    verb = token.head
    if token.dep_ == "pobj" and verb.dep_ == "prep":
        verb = verb.head
    elif token.dep_ != "dobj":
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject.left_edge.idx if subject is not None and subject.i < token.i else None


def place_based_end(doc: Doc, i: int) -> int | None:
    """The index after "based" when ``doc[i:]`` starts "<place>-based", else None.

    >>> import spacy
    >>> doc = spacy.blank("en")("the Austin-based firm")
    >>> doc.ents = [doc.char_span(4, 10, label="GPE")]
    >>> place_based_end(doc, 1), place_based_end(doc, 0)
    (4, None)
    """
    if doc[i].ent_type_ not in ("GPE", "LOC"):
        return None
    j = i
    while j < len(doc) and doc[j].ent_type_ in ("GPE", "LOC") and j - i < 4:
        j += 1
    if j + 1 < len(doc) and doc[j].text == "-" and doc[j + 1].lower_ in BASED:
        return j + 2
    return None


def owns_the_copula_attribute(token: Token) -> bool:
    """Whether a possessive sits on what a copula says its subject is ("which has been
    its supplier", "is its biggest rival"): the owner is not that subject.

    >>> import spacy
    >>> words = ["which", "is", "its", "supplier"]
    >>> doc = Doc(spacy.blank("en").vocab, words=words, heads=[1, 1, 3, 1],
    ...           deps=["nsubj", "ROOT", "poss", "attr"])
    >>> doc[1].lemma_ = "be"
    >>> owns_the_copula_attribute(doc[2]), owns_the_copula_attribute(doc[0])
    (True, False)
    """
    noun = token.head
    return token.dep_ == "poss" and noun.dep_ == "attr" and noun.head.lemma_ == "be"


def co_arguments(doc: Doc, mention: Mention, token: Token) -> bool:
    """Whether a mention and a token hang on the same verb ("Google bought the
    company": the company is not Google), so one cannot refer to the other; a name
    in another clause can be referred to ("Shares of Kestrel fell after the lender
    said ...")."""
    span = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    if span is None:
        return True
    return clause_verb(span.root) == clause_verb(token)


def clause_verb(token: Token) -> int:
    """The index of the nearest verb at or above the token (the root if none)."""
    for t in (token, *token.ancestors):
        if t.pos_ in ("VERB", "AUX"):
            return t.i
    return token.sent.root.i


def described_by(root: Token, nouns: Collection[str], deps: tuple[str, ...]) -> bool:
    """Whether one of ``nouns`` stands in apposition to the name (either way round) or
    hangs on it by one of ``deps`` ("Vela, a chip developer"; "developer Vela")."""
    if root.dep_ == "appos" and root.head.lemma_.lower() in nouns:
        return True
    return any(c.dep_ in deps and c.lemma_.lower() in nouns for c in root.children)


DATELINE_DASHES = frozenset({"-", "--", "—", "–"})


LIST_WORDS = frozenset({"and", "or", "&", ","})
PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "to", "into", "outside"})
BASED = ("based", "headquartered")  # "Oslo-based", "Nairobi-headquartered"


def trimmed(ent: Span) -> Span:
    """The entity without a list's conjunction the model ran it into ("Harrowgate
    Capital and | Okavango Partners").

    >>> import spacy
    >>> doc = spacy.blank("en")("by Harrowgate Capital and Okavango")
    >>> trimmed(Span(doc, 1, 4, "ORG")).text
    'Harrowgate Capital'
    """
    end = ent.end
    while end - 1 > ent.start and ent.doc[end - 1].lower_ in LIST_WORDS:
        end -= 1
    if end == ent.end:
        return ent
    return Span(ent.doc, ent.start, end, label=ent.label_, span_id=ent.id_)


def with_given_names(ents: list[Span]) -> list[Span]:
    """People's names the model cut short of the given name the parser hangs on them
    ("Beatriz | Moura" tagged "Moura"): the capitalised, untagged word just before.

    >>> import spacy
    >>> doc = spacy.blank("en")("by Beatriz Moura and")
    >>> doc[1].head, doc[1].dep_, doc[1].pos_ = doc[2], "compound", "PROPN"
    >>> [e.text for e in with_given_names([Span(doc, 2, 3, "PERSON")])]
    ['Beatriz Moura']
    """
    found = []
    for ent in ents:
        doc = ent.doc
        before = doc[ent.start - 1] if ent.start > 0 else None
        if (
            ent.label_ == "PERSON"
            and len(ent) == 1
            and before is not None
            and before.pos_ == "PROPN"
            and before.is_title
            and before.is_alpha  # not "Dr." (an honorific, read as such)
            and not before.ent_type_
            and before.dep_ == "compound"
            and before.head.i == ent.start
        ):
            ent = Span(doc, ent.start - 1, ent.end, label=ent.label_, span_id=ent.id_)
        found.append(ent)
    return found


def in_employer_slot(root: Token | None, anchors: set[int]) -> bool:
    """Whether a name is the organisation a role noun is held at ("an analyst at Ikoyi
    Insights", "chief executive of Corvan"): a company's place, never a person's."""
    return (
        root is not None
        and root.dep_ == "pobj"
        and root.head.lower_ in ("at", "of", "with", "for")
        and root.head.head.i in anchors
    )


def dateline_tokens(doc: Doc) -> set[int]:
    """The tokens of datelines: a paragraph opening with a place in capitals, then
    perhaps a date and a wire service, up to a dash ("WASHINGTON —", "FRANKFURT, Oct 2
    (Reuters) -"). The place says where the story was filed: no party of a fact.

    >>> import spacy
    >>> doc = spacy.blank("en")("Title\\n\\nSAN JOSE, May 3 (Wire) - Acme rose.")
    >>> [doc[i].text for i in sorted(dateline_tokens(doc))]
    ['SAN', 'JOSE', ',', 'May', '3', '(', 'Wire', ')', '-']
    """
    found: set[int] = set()
    lowers = Words.of(doc).lowers
    for i in range(len(doc)):
        if i == 0 or ("\n" in lowers[i - 1] and doc[i - 1].is_space):
            end = dateline_end(doc, i)
            if end is not None:
                found.update(range(i, end + 1))
    return found


def dateline_end(doc: Doc, start: int) -> int | None:
    """The dash ending a dateline that starts at ``start``: place words in capitals,
    then perhaps a comma and a short date, then perhaps a parenthesis, then the dash."""
    i, n = start, len(doc)
    while i < n and doc[i].is_alpha and doc[i].is_upper and len(doc[i]) > 1:
        i += 1
    if i == start:
        return None
    if i < n and doc[i].text == ",":
        i += 1
        stop = min(i + 4, n)
        while i < stop and (doc[i].is_title or doc[i].like_num or doc[i].text == "."):
            i += 1
    if i < n and doc[i].text == "(":
        close = next((t.i for t in doc[i : i + 5] if t.text == ")"), None)
        if close is None:
            return None
        i = close + 1
    return i if i < n and doc[i].text in DATELINE_DASHES else None


def based_somewhere(root: Token) -> bool:
    """Whether the name, or the noun it is set before, is said to be based somewhere
    ("Stockholm-based streaming service Lumora"): a company's or a person's, never a
    product's."""
    nouns = [root]
    while nouns[-1].dep_ in ("compound", "appos") and nouns[-1].head.i != nouns[-1].i:
        nouns.append(nouns[-1].head)
    nouns += [c for c in root.children if c.dep_ == "compound"]
    return any(c.lower_ in BASED and c.dep_ in ("amod", "acl") for n in nouns for c in n.children)


def is_passive_agent(token: Token, verb: Token) -> bool:
    """Whether the token is the by-phrase object of a passive verb ("acquired by X")."""
    return token.dep_ == "pobj" and token.head.dep_ == "agent" and token.head.head.i == verb.i


def hyphened_to_based(doc: Doc, mention: Mention) -> bool:
    """Whether "-based" follows the mention ("Oslo-based"): what it names is a place."""
    span = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    end = span.end if span is not None else len(doc)
    return (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and doc[end + 1].lower_ in BASED
    )


def is_name_word(token: Token) -> bool:
    """A word of a name: a capitalised proper noun the model does not call a date,
    money or number ("Parcast", "ArgoAI", "Vehicles")."""
    return (
        token.tag_ in ("NNP", "NNPS")
        and token.text[:1].isupper()
        and token.ent_type_ in NAME_ENT_TYPES
    )


NAME_WORDS_KEY = "kg_name_words"


def name_words(doc: Doc) -> list[bool]:
    """``is_name_word`` of every token, by index: read once per doc and kept in
    ``doc.user_data`` (the mention passes ask about each word several times)."""
    flags = doc.user_data.get(NAME_WORDS_KEY)
    if flags is None or len(flags) != len(doc):
        flags = doc.user_data[NAME_WORDS_KEY] = [is_name_word(t) for t in doc]
    return flags


def untagged_names(
    doc: Doc,
    start: int,
    end: int,
    covered: set[int],
    name_word: Sequence[bool],
) -> list[tuple[int, int]]:
    """Runs of up to four capitalised words of names (``name_word``: a flag by token
    index) in ``doc[start:end]`` that the model gave no entity label kg reads (a
    facility's or a work's may be a company's) and no mention covers."""
    runs = []
    i = start
    while i < end:
        stop = i
        while (
            stop < end
            and stop - i < 4
            and stop not in covered
            and name_word[stop]
            and doc[stop].ent_type_ not in LABEL_TO_CLASS
        ):
            stop += 1
        if stop > i:
            runs.append((i, stop))
            i = stop
        else:
            i += 1
    return runs


def title_case(sent: Span) -> bool:
    """Whether a sentence has no lower-case word of four letters or more but short
    function words (a headline's style, "Tamber Buys Quell After Talks with Orbis").

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> [title_case(nlp(s)[:]) for s in ("Tamber Ends Talks with Quell", "Tamber was sold")]
    [True, False]
    """
    return not any(t.is_alpha and len(t) > 3 and t.is_lower and not t.is_stop for t in sent)


def split_possessives(doc: Doc, ents: list[Span]) -> list[Span]:
    """The model's names that hold a possessive, as owner and unit: "Harbor
    Ventures's Seed Fund" is two organisations (known names are never split)."""
    found = []
    for ent in ents:
        cut = next((t.i for t in ent[1:-1] if t.tag_ == "POS" and not ent.id_), None)
        if cut is None:
            found.append(ent)
        else:
            found += [
                Span(doc, ent.start, cut, label=ent.label_),
                Span(doc, cut + 1, ent.end, label=ent.label_),
            ]
    return found


def keeps_its_name(ent: Span, start: int, stop: int) -> bool:
    """Whether an entity stays as it is over a name found from context at
    ``start:stop``: it is a known name of exactly those words, or the model's name
    reaches beyond them ("Christian & Timbers" over "Christian")."""
    if ent.start == start and ent.end == stop:
        return bool(ent.id_)
    overlaps = ent.start < stop and start < ent.end
    return overlaps and not (start <= ent.start and ent.end <= stop)


def is_adjective(ent: Span) -> bool:
    """Whether the model's entity is one adjective the gazetteer does not know: a
    nationality ("Slovak partner"), never a party."""
    return not ent.id_ and len(ent) == 1 and ent[0].tag_ == "JJ" and ent[0].dep_ == "amod"


def conjoined_with(root: Token, roots: set[int]) -> bool:
    """Whether a name's root is coordinated with one of ``roots`` ("A and B", "A, B
    and C")."""
    first = first_conjunct(root)
    items = {first.i} | {
        t.i for t in first.subtree if t.dep_ == "conj" and first_conjunct(t).i == first.i
    }
    return bool((items - {root.i}) & roots)


def describes_a_name(root: Token, named_roots: set[int]) -> bool:
    """Whether a place is set beside another name in apposition, as where that name is
    ("Ludic Labs, a San Mateo, Calif., startup"): the place stays a place."""
    if any(c.dep_ == "conj" for c in root.children):
        return False  # a list the parser read as appositions ("Microsoft, Citrix, Oracle")
    token = root
    while token.dep_ == "appos" and token.head.i != token.i:
        token = token.head
        if token.i in named_roots:
            return True
    return False


def clean_name(text: str) -> str:
    """A mention's name: whitespace collapsed, leading "the" and possessive dropped.

    >>> clean_name("the Ringer's"), clean_name("Bill Simmons'")
    ('Ringer', 'Bill Simmons')
    """
    words = text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    name = " ".join(words)
    for suffix in ("'s", "’s", "'", "’"):
        name = name.removesuffix(suffix)
    return name or text


def modifies_a_noun(doc: Doc, mention: Mention) -> bool:
    """Whether a name modifies a noun outside it, as an organisation does its
    officer ("Vexa Systems chief executive Ann Lee", "Vexa Systems' president")."""
    span = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    return (
        root.dep_ in ("compound", "poss", "nmod")
        and root.head.pos_ in ("NOUN", "PROPN")
        and not span.start <= root.head.i < span.end
    )


def is_model_code(name: str) -> bool:
    """Whether a name is one model code, letters then digits: a product's, never a
    company's, person's or place's.

    >>> [is_model_code(n) for n in ("EP9", "ARMv8", "Z6", "3M", "Intel", "X 9")]
    [True, True, True, False, False, False]
    """
    return MODEL_CODE.match(name) is not None


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
