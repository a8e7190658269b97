"""Reading the dependency parse: distances, syntactic roles, coordination, the words
around a trigger. Pure functions over spaCy tokens."""

from __future__ import annotations

import numpy as np
from spacy.attrs import DEP, ENT_TYPE, HEAD, ORTH, SPACY
from spacy.tokens import Doc, Span, Token

from kg.extract.patterns import TriggerMatch, Words
from kg.model import Mention

SUBJECT_DEPS = frozenset({"nsubj", "csubj", "poss", "agent"})
CONTRAST_PREPS = frozenset({"unlike"})
COUNTING_VERBS = frozenset({"count", "consider", "regard", "see", "view", "list", "name"})
CONTRAST_PAIRS = frozenset({("instead", "of"), ("rather", "than")})
CONTRAST_CLOSERS = frozenset({",", ";", ":", "—", "–"})
CONTRASTS_KEY = "kg_contrast_starts"
PARSE_KEY = "kg_parse"
SENTENCES_KEY = "kg_sentence_numbers"
DISTANCES_KEY = "kg_anchor_distances"
CHILDREN_KEY = "kg_children"
ENTITY_TYPES_KEY = "kg_entity_types"
OBJECT_DEPS = frozenset({"nsubjpass", "dobj", "pobj", "attr", "oprd", "dative"})
CLAUSE_DEPS = frozenset({"advcl", "relcl", "ccomp", "parataxis", "conj", "acl"})
RELATIVE_WORDS = frozenset({"which", "that", "who", "whom", "whose", "where", "when"})
SHARE_WORDS = frozenset({"%", "percent", "pct", "per", "cent"})  # "20% of", "20 per cent of"
SCOPE_CHILD_DEPS = frozenset({"neg", "aux", "auxpass", "advmod", "mark", "prep", "npadvmod"})


def sentence_numbers(doc: Doc) -> list[int]:
    """The number of the sentence each token is in, by token index (read once per doc
    and kept in ``doc.user_data``; callers get a copy)."""
    numbers = doc.user_data.get(SENTENCES_KEY)
    if numbers is None or len(numbers) != len(doc):
        numbers = [0] * len(doc)
        for n, sent in enumerate(doc.sents):
            numbers[sent.start : sent.end] = [n] * (sent.end - sent.start)
        doc.user_data[SENTENCES_KEY] = numbers
    return list(numbers)


def parse_arrays(doc: Doc) -> tuple[list[int], list[str]]:
    """Each token's head (by index; a root is its own) and dependency label, read once
    per doc and kept in ``doc.user_data`` as plain lists: walking heads through Token
    objects builds one per step."""
    cached = doc.user_data.get(PARSE_KEY)
    if cached is not None and len(cached[0]) == len(doc):
        return cached[0], cached[1]
    n = len(doc)
    if n:
        rows = doc.to_array([HEAD, DEP])
        heads = (rows[:, 0].astype(np.int64) + np.arange(n)).tolist()  # relative, unsigned
        strings = doc.vocab.strings
        deps = [strings[d] for d in rows[:, 1].tolist()]
    else:
        heads, deps = [], []
    doc.user_data[PARSE_KEY] = [heads, deps]
    return heads, deps


def head_chain(heads: list[int], i: int) -> list[int]:
    """``i`` and its ancestors' indices, nearest first (``[t, *t.ancestors]``; like
    spaCy, at most one step per token)."""
    chain = [i]
    t = i
    while heads[t] != t and len(chain) <= len(heads):
        t = heads[t]
        chain.append(t)
    return chain


def mention_root(doc: Doc, mention: Mention) -> Token | None:
    """The token heading the mention's words (looked up once per doc and stretch)."""
    roots = doc.user_data.setdefault("kg_roots", {})
    key = f"{mention.start_char}:{mention.end_char}"
    i = roots.get(key)
    if i is None:
        span = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
        if span is not None and len(span) > 1 and span[0].dep_ in ("det", "predet"):
            span = span[1:]  # "The Brenmoor Group" tagged whole: the name heads it, not "The"
        i = roots[key] = span.root.i if span is not None else -1
    return doc[i] if i >= 0 else None


def mention_tokens(doc: Doc, mention: Mention) -> range:
    """The indices of the tokens the mention's characters touch (``doc.char_span``,
    expanded; empty when none), looked up once per doc and stretch."""
    spans = doc.user_data.setdefault("kg_spans", {})
    key = f"{mention.start_char}:{mention.end_char}"
    bounds = spans.get(key)
    if bounds is None:
        span = doc.char_span(mention.start_char, mention.end_char, alignment_mode="expand")
        bounds = spans[key] = [span.start, span.end] if span is not None else [0, 0]
    return range(bounds[0], bounds[1])


LIST_PREPS = frozenset({"including", "like", "as"})


def listing_noun(token: Token, nouns: frozenset[str]) -> Token | None:
    """The noun a list of names gives examples of, when the token is one of the names:
    "several Jeep models, including the Renegade, Compass and Cherokee", "phones such as
    the Velo 9" (only nouns whose lemma is in ``nouns``).

    >>> import spacy
    >>> from spacy.tokens import Doc
    >>> words = ["Acme", "sells", "models", "including", "Velo", "and", "Aria"]
    >>> heads = [1, 1, 1, 2, 3, 4, 4]
    >>> deps = ["nsubj", "ROOT", "dobj", "prep", "pobj", "cc", "conj"]
    >>> pos = ["PROPN", "VERB", "NOUN", "VERB", "PROPN", "CCONJ", "PROPN"]
    >>> doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, pos=pos,
    ...           lemmas=["acme", "sell", "model", "include", "velo", "and", "aria"])
    >>> listing_noun(doc[6], frozenset({"model"})).text, listing_noun(doc[0], frozenset({"model"}))
    ('models', None)
    """
    if token.dep_ == "compound" and token.head.text[:1].isdigit():
        token = token.head  # "the Lumen 4K": the model number heads the name
    first = first_conjunct(token)
    prep = first.head
    if first.dep_ == "dobj" and prep.lemma_ == "include":  # "its cameras include the X"
        noun = next((c for c in prep.children if c.dep_ == "nsubj"), None)
        return noun if noun is not None and noun.lemma_.lower() in nouns else None
    if first.dep_ != "pobj" or prep.lower_ not in LIST_PREPS:
        return None
    if prep.lower_ == "as" and not any(c.lower_ == "such" for c in prep.children):
        return None
    noun = prep.head
    return noun if noun.lemma_.lower() in nouns and noun.pos_ == "NOUN" else None


def is_subject(doc: Doc, mention: Mention) -> bool:
    root = mention_root(doc, mention)
    return root is not None and root.dep_ in ("nsubj", "nsubjpass")


def doc_text(doc: Doc) -> str:
    """The document's text, joined once per document (``Doc.text`` joins every token
    each time it is read)."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = joined_text(doc)
    return text


def joined_text(doc: Doc) -> str:
    """``Doc.text`` read from the doc's arrays, with no Token objects: each word, then a
    space where the word has one after it."""
    if not len(doc):
        return ""
    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, SPACY]).tolist()
    return "".join(strings[orth] + " " if space else strings[orth] for orth, space in rows)


def sentence_text(sent: Span) -> str:
    """``sent.text``, cut from the doc's text joined once (``doc_text``)."""
    return doc_text(sent.doc)[sent.start_char : sent.end_char]


def anchor_distance(token: Token, anchor: Token) -> int:
    """Arcs from a mention to the trigger, counting a conjunct as near as the first of its
    list (measured once per doc and pair: the fact passes ask again for each trigger's
    mentions, and kept in ``doc.user_data``)."""
    doc = token.doc
    distances = doc.user_data.setdefault(DISTANCES_KEY, {})
    key = f"{token.i}:{anchor.i}"
    found = distances.get(key)
    if found is None:
        found = distances[key] = conjunct_distance(*parse_arrays(doc), token.i, anchor.i)
    return found


def conjunct_distance(heads: list[int], deps: list[str], a: int, b: int) -> int:
    """``anchor_distance`` by token index, over the doc's ``heads`` and ``deps``."""
    root = a
    while deps[root] in ("conj", "appos") and heads[root] != root:
        root = heads[root]
    if root == a:
        return index_distance(heads, a, b)
    return min(index_distance(heads, a, b), index_distance(heads, root, b))


def tree_distance(a: Token, b: Token) -> int:
    """Number of dependency arcs between two tokens of one sentence."""
    return index_distance(parse_arrays(a.doc)[0], a.i, b.i)


def index_distance(heads: list[int], a: int, b: int) -> int:
    """``tree_distance`` by token index, over the doc's ``heads``."""
    index_b = {t: n for n, t in enumerate(head_chain(heads, b))}
    for n, t in enumerate(head_chain(heads, a)):
        if t in index_b:
            return n + index_b[t]
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
    named: str | None = None,
    recipient_preps: frozenset[str] = frozenset(),
) -> str:
    """How a mention attaches below where it meets the trigger: 'subj', 'obj', 'agent'
    (a passive's by-phrase), 'cosubj' (a co-subject: "founded X with Y"), 'recipient'
    (who receives the object: "sold Corvo to Tallis"), 'clause' (inside a relative
    clause on the trigger), 'contrast' (set against the sentence: "Unlike Zeiss, ...")
    or 'other'."""
    if token is None:
        return "other"
    if contrast_phrase(token) != contrast_phrase(anchor):
        return "contrast"  # "Unlike Zeiss, Leica made lenses for ...": no party
    anchor_path = set(head_chain(parse_arrays(anchor.doc)[0], anchor.i))
    if describes_noun(anchor):
        # "Google-backed Waymo", "a startup acquired by EMC", "the site Groupon snapped
        # up": the noun the participle or relative clause describes is what it acts on;
        # a name hyphenated to the participle is its agent

        if hyphened_to(token, anchor):
            return "agent"  # "the Mexico City-based group", however the name was parsed
        noun = described_noun(anchor)
        named = noun
        while named.dep_ == "compound" and named.head.i != named.i:
            named = named.head  # "Toronto-based chip designer Sintera": the name it is set before
        if (
            token.i == noun.i
            or (named.i != noun.i and token.i == named.i)
            or (noun.dep_ == "appos" and noun.head.i == token.i)
            or (token.dep_ == "appos" and token.head.i == noun.i)
            or (token.i == noun.i + 1 and token.pos_ == "PROPN" and token.head.i == noun.head.i)
            or (token.dep_ in ("compound", "nmod") and token.head.i == noun.i)
        ):
            # the noun, the name in apposition to it either way or set before it ("the
            # Taro X2 phone, made by ..."), or the name the parser set beside it ("the
            # Google-backed startup Quanta raised ...")
            return "obj"
        if token.dep_ == "npadvmod" and token.head.i == anchor.i:
            return "agent"
        if noun.dep_ == "attr" and token.dep_ in ("nsubj", "nsubjpass"):
            # "Harman will be 100 percent owned by Samsung", "X is a startup acquired
            # by Y": the copula's subject is what the participle's noun is
            return "obj" if token.head.i == noun.head.i else "other"
        if token.dep_ == "attr" and noun.dep_ in ("nsubj", "nsubjpass"):
            # "the phone X released was the Y": what the noun is said to be
            return "obj" if token.head.i == noun.head.i else "other"
        if not anchor.left_edge.i <= token.i <= anchor.right_edge.i:
            # outside the participle's phrase: the sentence's other parties
            return "other"
    if named and names_listed(token, anchor):
        return named  # "Tesla's suppliers include Panasonic and LG"
    counted = counted_as(token, anchor)
    if named and counted is not None:
        # "Korvan counts Hasegawa as its largest shareholder": the one counted is what
        # the noun names, the one counting is the other side
        return named if counted == "counted" else ("obj" if named == "subj" else "subj")
    if named and token.dep_ == "poss" and names_listed(token.head, anchor):
        return "other"  # "investors included Y Combinator's Continuity Fund": the fund's owner
    if token.dep_ == "appos" and token.head.i == anchor.i and anchor.pos_ == "NOUN":
        # "Apple's main chip supplier, TSMC": the name set beside the trigger noun
        return named or "subj"
    if anchor.dep_ == "appos" and token.i == anchor.head.i:
        # "OnePlus, a subsidiary of Oppo": the name the trigger noun describes
        return named or "subj"
    if named and anchor.dep_ in ("compound", "amod") and token.i == anchor.head.i:
        # "parent company Meta": the name the trigger noun is set before
        return named
    if token.dep_ == "poss" and (token.head.i in anchor_path or token.head.i in trigger_tokens):
        return possessor
    if by_phrase_of_noun(token, anchor, subject_preps):
        return "agent"  # "the acquisition of Pennat by Dravo"
    child = token
    while (
        child.head.i != child.i and child.i not in anchor_path and child.head.i not in anchor_path
    ):
        child = child.head
    if child.i in anchor_path:
        return "other"
    if (
        token.dep_ == "poss"
        and token.tag_ == "PRP$"
        and token.head.pos_ == "NOUN"
        and token.head.i not in trigger_tokens
    ):
        return "other"  # "a stake in their joint venture": the noun is the party
    if (
        child.dep_ == "relcl"
        and child.head.i == anchor.i
        and any(c.lower_ in ("who", "whom") for c in child.children)
    ):
        # "Ann Lee, its chief executive, who worked at Google": a relative clause on a
        # person's title says something else of that person
        return "clause"
    if (
        child.dep_ in ("prep", "dative")
        and child.lower_ in recipient_preps
        and (child.head.i == anchor.i or child.head.i in trigger_tokens)
    ):
        return "recipient"  # "sold Corvo to Tallis"
    if (
        child.dep_ in ("compound", "amod", "nmod")
        and child.head.i == anchor.i
        and (anchor.pos_ == "VERB" or (anchor.dep_ == "ROOT" and anchor.tag_ == "NNS"))
        and child.i < anchor.i
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in anchor.children)
    ):
        # "Harlan competes with ...", "Tessary competes ...": the name parsed as the
        # compound of the verb (or of the verb taken for a plural noun)
        return "subj"
    if child.i in trigger_tokens and object_preps is not None:
        # "completed its purchase of Kestrel from Holloway": through the trigger's noun,
        # its own prepositions say who is what (the seller is no object)
        below = token
        while below.head.i != child.i and below.head.i != below.i:
            below = below.head
        if below.dep_ == "prep" and below.lower_ not in object_preps:
            return "agent" if below.lower_ in subject_preps else "other"
    if child.i in trigger_tokens or (child.dep_ == "compound" and child.head.i == anchor.i):
        return "obj"
    if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ in subject_preps):
        # the by-phrase of a verb above the trigger is that verb's ("X was selected by
        # Y to supply Z": Y is no supplier)
        own = child.head.i == anchor.i or child.head.i in trigger_tokens
        return "agent" if own or child.head.pos_ != "VERB" else "other"
    if child.dep_ == "prep" and child.lower_ in co_subject_preps:
        # "with her brother Max Fox": the brother is the co-subject, not "her"
        return "other" if token.dep_ == "poss" else "cosubj"
    if child.dep_ == "poss":
        return possessor
    if child.dep_ in ("nsubj", "nsubjpass") and subject_below(anchor, child.head):
        return "other"  # "X ended its tie-up after Y was sold to Z": the sale has its own
    if child.dep_ in SUBJECT_DEPS or (child.dep_ == "nsubjpass" and child.head.i != anchor.i):
        # a raising verb's passive subject is the subject of the trigger below it:
        # "Vivo is said to be working with Zeiss"
        return "subj"
    if child.dep_ in ("conj", "appos"):
        return syntactic_role(
            child.head,
            anchor,
            subject_preps,
            object_preps,
            possessor,
            co_subject_preps,
            trigger_tokens,
            direct_object,
            named,
        )
    if not attaches_near(child.head, anchor, child.dep_):
        return "other"
    if child.dep_ == "prep":
        if object_preps is None and direct_object and anchor.pos_ == "VERB":
            return "other"  # "will start at Kestrel": no direct object, nothing started
        return "obj" if object_preps is None or child.lower_ in object_preps else "other"
    if child.dep_ in OBJECT_DEPS:
        # "acquired a stake in OpenAI": the stake is the object, not OpenAI; but "buy
        # 20% of Tallis" buys (a share of) Tallis
        direct = conj_root(token) == child.i or share_of(token, child)
        return "obj" if not direct_object or direct else "other"
    return "other"


def share_of(token: Token, share: Token) -> bool:
    """Whether ``token`` names what ``share`` is a percentage of ("20% of Tallis").

    >>> import spacy
    >>> words = ["buy", "20", "%", "of", "Tallis"]
    >>> deps = ["ROOT", "nummod", "dobj", "prep", "pobj"]
    >>> doc = Doc(spacy.blank("en").vocab, words=words, heads=[0, 2, 0, 2, 3], deps=deps)
    >>> share_of(doc[4], doc[2]), share_of(doc[4], doc[1])
    (True, False)
    """
    of = token.doc[conj_root(token)].head  # "20% of Tallis and Vela": both
    return (
        share.lower_ in SHARE_WORDS
        and of.lower_ == "of"
        and of.dep_ == "prep"
        and (of.head.i == share.i)
    )


def hyphened_to(token: Token, anchor: Token) -> bool:
    """Whether the token starts a name hyphenated to the anchor ("Mexico City-based"),
    however the parser split the name.

    >>> import spacy
    >>> doc = spacy.blank("en")("the Mexico City - based group")
    >>> hyphened_to(doc[1], doc[4]), hyphened_to(doc[0], doc[4])
    (True, False)
    """
    between = token.doc[token.i : anchor.i]
    return (
        len(between) >= 2
        and between[-1].text == "-"
        and all(t.text[:1].isupper() for t in between[:-1])
    )


def subject_below(anchor: Token, verb: Token) -> bool:
    """Whether a clause between the trigger and the ``verb`` above it has a subject of
    its own (an adverbial or complement clause: "after Y was sold", "said Y bought"),
    so the ``verb``'s subject is not the trigger's."""
    for token in [anchor, *anchor.ancestors]:
        if token.i == verb.i:
            return False
        if token.dep_ == "advcl" and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
            return True
    return False


def by_phrase_of_noun(token: Token, anchor: Token, subject_preps: frozenset[str]) -> bool:
    """Whether the token is the object of a by-phrase inside a trigger noun's phrase,
    below no verb ("the purchase of Pennat by Dravo", however the parser hangs the
    by-phrase): the noun's agent."""
    prep = token.head
    if (
        anchor.pos_ != "NOUN"
        or token.dep_ != "pobj"
        or prep.lower_ not in subject_preps
        or not anchor.left_edge.i <= token.i <= anchor.right_edge.i
    ):
        return False
    between = list(prep.ancestors)
    return anchor in between and not any(
        t.pos_ in ("VERB", "AUX") for t in between[: between.index(anchor)]
    )


def names_listed(token: Token, noun: Token) -> bool:
    """Whether the token is what a subject noun is said to include or be ("its
    suppliers include Panasonic and LG", "its biggest supplier is Foxconn")."""
    verb = noun.head
    if noun.dep_ != "nsubj" or verb.lemma_.lower() not in ("include", "be"):
        return False
    first = first_conjunct(token)
    return first.head.i == verb.i and first.dep_ in ("dobj", "attr")


def counted_as(token: Token, noun: Token) -> str | None:
    """'counted' for the object and 'counting' for the subject of a verb that counts
    someone as what a trigger noun says ("CATL counts BMW as a customer", "regards
    Lyft as its main rival"); None otherwise."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "as":
        return None
    verb = prep.head
    if verb.lemma_.lower() not in COUNTING_VERBS:
        return None
    first = first_conjunct(token)
    if first.head.i != verb.i:
        return None
    return {"dobj": "counted", "nsubj": "counting"}.get(first.dep_)


def described_noun(participle: Token) -> Token:
    """The noun a participle or relative clause describes: its head, or the noun whose
    "of" phrase it hangs on ("the maker of e-bikes founded in 2017": the maker; one
    founds companies, not what they make).

    >>> import spacy
    >>> doc = spacy.blank("en")("the maker of bikes founded in 2017")
    >>> heads, deps = [1, 1, 1, 2, 3, 4, 5], ["det", "ROOT", "prep", "pobj", "acl", "prep", "pobj"]
    >>> for t, h, d in zip(doc, heads, deps):
    ...     t.head, t.dep_ = doc[h], d
    >>> described_noun(doc[4]).text
    'maker'
    """
    noun = participle.head
    if (
        participle.dep_ in ("acl", "relcl")  # set after the noun; "Austin-based" is its own
        and noun.dep_ == "pobj"
        and noun.head.lower_ == "of"
        and noun.head.head.i != noun.head.i
    ):
        return noun.head.head
    return noun


def contrast_phrase(token: Token) -> int | None:
    """Where the contrast the token is inside starts ("Unlike Zeiss, ...", "... with
    Leica instead of Zeiss", "rather than Zeiss"): the marker's index, read from the
    words back to the last comma (parses of these phrases vary), else None.

    >>> import spacy
    >>> doc = spacy.blank("en")("Xiaomi chose Leica instead of Zeiss")
    >>> [contrast_phrase(t) for t in doc]
    [None, None, None, None, 3, 3]
    >>> doc = spacy.blank("en")("Unlike Zeiss , Leica makes lenses")
    >>> [contrast_phrase(t) for t in doc]
    [0, 0, None, None, None, None]
    """
    doc = token.doc
    starts = doc.user_data.get(CONTRASTS_KEY)
    if starts is None:
        starts = doc.user_data[CONTRASTS_KEY] = contrast_starts(doc)
    return starts[token.i]


def contrast_starts(doc: Doc) -> list[int | None]:
    """``contrast_phrase`` for every token, in one pass over the words: a marker opens a
    contrast for up to 12 words, a comma, colon, dash or sentence start closes it."""
    lowers = Words.of(doc).lowers
    if doc.has_annotation("SENT_START"):
        numbers = sentence_numbers(doc)
        sent_starts = {i for i in range(len(numbers)) if i == 0 or numbers[i] != numbers[i - 1]}
    else:
        sent_starts = {0}
    found: list[int | None] = []
    marker: int | None = None
    for i, word in enumerate(lowers):
        if i in sent_starts or word in CONTRAST_CLOSERS:
            marker = None
        if word in CONTRAST_PREPS:
            marker = i
        elif i > 0 and i not in sent_starts and (lowers[i - 1], word) in CONTRAST_PAIRS:
            marker = i - 1
        if marker is not None and i - marker > 12:
            marker = None
        found.append(None if word in CONTRAST_CLOSERS else marker)
    return found


def trigger_role(token: Token | None, trigger: TriggerMatch) -> str:
    """``syntactic_role`` with the trigger's pattern's settings."""
    pattern = trigger.pattern
    return syntactic_role(
        token,
        trigger.anchor,
        pattern.subject_preps,
        pattern.object_preps,
        pattern.possessor,
        pattern.co_subject_preps,
        trigger.tokens,
        pattern.direct_object,
        pattern.named,
        pattern.recipient_preps,
    )


def participle_modifier(token: Token) -> bool:
    """Whether the token is a past participle describing a noun ("SoftBank-owned Arm",
    "a unit sold to Intel"), so that noun is acted on, not acting."""
    return token.dep_ in ("amod", "acl") and token.tag_ == "VBN" and token.head.i != token.i


def describes_noun(token: Token) -> bool:
    """Whether the token heads a participle or relative clause that describes the noun
    it hangs on ("SoftBank-owned Arm", "the app that Facebook bought")."""
    return participle_modifier(token) or object_relative(token)


def object_relative(token: Token) -> bool:
    """Whether the token is the verb of a relative clause whose noun is its object:
    "the site Groupon snapped up", "the app that Facebook bought"."""
    if token.dep_ != "relcl" or token.pos_ != "VERB":
        return False
    subjects = [c for c in token.children if c.dep_ == "nsubj"]
    objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    return (
        bool(subjects)
        and all(c.lower_ not in RELATIVE_WORDS for c in subjects)
        and all(c.lower_ in RELATIVE_WORDS for c in objects)
    )


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


def between_object(token: Token | None) -> bool:
    """Whether the token is, or is a conjunct of, the object of "between"/"among"."""
    if token is None:
        return False
    return first_conjunct(token).head.lower_ in ("between", "among")


def relative_clause(anchor: Token, depth: int = 3) -> Token | None:
    """The verb of the relative clause the trigger is in (among its ``depth`` nearest
    heads), or None."""
    return next((t for t in [anchor, *anchor.ancestors][:depth] if t.dep_ == "relcl"), None)


def relative_antecedent(anchor: Token, depth: int | None = 3) -> tuple[Token, str] | None:
    """The noun a relative clause around the trigger is about, and its role: the
    subject ("BBK, which owns Vivo" -> BBK), or the object when the trigger is the
    clause's passive verb ("Vivo, which was acquired by BBK" -> Vivo). The clause is
    looked for among the ``depth`` nearest heads (all of them with None)."""
    for token in [anchor, *anchor.ancestors][:depth]:
        if token.dep_ != "relcl":
            continue
        for c in token.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("which", "who", "that"):
                passive = c.dep_ == "nsubjpass" and token.i == anchor.i
                return token.head, "obj" if passive else "subj"
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
    head = next((h for m in group if (h := heads[m]) is not None), None)
    if head is not None:
        # "by Aino Laaksonen and Mikko Heinonen", the first name parsed as the second's
        # modifier: names written as one list with the group belong to it
        group = listed_with(group, mentions, doc_text(head.doc))
    return sorted(group, key=lambda m: m.start_char)


LIST_GAPS = frozenset({",", "and", ", and", "or", ", or"})


def listed_with(group: list[Mention], mentions: list[Mention], text: str) -> list[Mention]:
    """``group`` with the ``mentions`` written beside its names as one list, joined by
    commas and "and" only.

    >>> m = lambda t, s: Mention(t, t, "Person", s, s + len(t), 0)
    >>> text = "by Ann Lee, Bo Park and Cy Ito, who met Di Wu"
    >>> ann, bo, cy, di = m("Ann Lee", 3), m("Bo Park", 12), m("Cy Ito", 24), m("Di Wu", 40)
    >>> [p.text for p in listed_with([cy], [ann, bo, cy, di], text)]
    ['Cy Ito', 'Bo Park', 'Ann Lee']
    """
    found = list(group)
    grew = True
    while grew:
        grew = False
        for m in mentions:
            if m in found or m.cls != found[0].cls:
                continue
            if any(
                " ".join(text[a.end_char : b.start_char].split()) in LIST_GAPS
                for g in found
                for a, b in ((m, g), (g, m))
                if a.end_char <= b.start_char
            ):
                found.append(m)
                grew = True
    return found


def first_conjunct(token: Token) -> Token:
    """The first name of the list the token is in, through "and"/commas only (itself
    if none); unlike ``conj_root`` it does not climb appositions."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


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
    doc = trigger.anchor.doc
    return [doc[i] for i in scope_indices(trigger, clause_only)]


def scope_indices(trigger: TriggerMatch, clause_only: bool = False) -> list[int]:
    """``scope_tokens`` by token index, read from the doc's parse arrays."""
    doc = trigger.anchor.doc
    heads, deps = parse_arrays(doc)
    chain = [trigger.anchor.i]
    for t in head_chain(heads, trigger.anchor.i)[1:]:
        if clause_only and deps[chain[-1]] in CLAUSE_DEPS:
            break
        chain.append(t)
    on_chain = set(chain)
    found = []
    for n, t in enumerate(chain):
        if t not in trigger.tokens:
            found.append(t)
        for child in children_of(doc, t):
            if child in trigger.tokens or child in on_chain:
                continue
            if deps[child] in SCOPE_CHILD_DEPS or (n == 0 and deps[child] == "det"):
                found.append(child)
                found.extend(
                    c for c in children_of(doc, child) if deps[c] in ("neg", "advmod", "pobj")
                )
    return sorted(found)


def children_of(doc: Doc, i: int) -> list[int]:
    """The token's children by index, in order (``Token.children``: a child always lies
    within its head's edges)."""
    order, starts = children_index(doc)
    return [child for child in order[starts[i] : starts[i + 1]] if child != i]


def children_index(doc: Doc) -> tuple[list[int], list[int]]:
    """Every token's index ordered by its head's (children in order), and where each
    head's children start in that order: read once per doc and kept in
    ``doc.user_data`` as two flat lists (a list per token would be garbage collected)."""
    cached = doc.user_data.get(CHILDREN_KEY)
    if cached is not None and len(cached[0]) == len(doc):
        return cached[0], cached[1]
    heads = parse_arrays(doc)[0]
    order = sorted(range(len(heads)), key=heads.__getitem__)  # stable: by index within a head
    starts = [0] * (len(heads) + 1)
    for head in heads:
        starts[head + 1] += 1
    for k in range(len(heads)):
        starts[k + 1] += starts[k]
    doc.user_data[CHILDREN_KEY] = [order, starts]
    return order, starts


def entity_types(doc: Doc) -> list[str]:
    """Each token's entity type (``Token.ent_type_``) by index, read once per doc and
    kept in ``doc.user_data``."""
    cached = doc.user_data.get(ENTITY_TYPES_KEY)
    if cached is not None and len(cached) == len(doc):
        return cached
    strings = doc.vocab.strings
    types = [strings[e] for e in doc.to_array(ENT_TYPE).tolist()] if len(doc) else []
    doc.user_data[ENTITY_TYPES_KEY] = types
    return types


def trigger_stretch(trigger: TriggerMatch) -> Span:
    """The words from the trigger's highest governor down to the trigger
    ("said to be working"), for phrase cues the parse splits apart."""
    chain = [trigger.anchor, *trigger.anchor.ancestors]
    start = min(t.i for t in chain)
    end = max(t.i for t in chain) + 1
    return trigger.anchor.doc[start:end]


def scope_words(tokens: list[Token]) -> list[str]:
    """The words and lemmas modality cues are looked up in; dates are left out, so the
    month "May" is no hedge."""
    return scope_words_at(tokens[0].doc, [t.i for t in tokens]) if tokens else []


def scope_words_at(doc: Doc, indices: list[int]) -> list[str]:
    """``scope_words`` of the doc's tokens at ``indices``, read from its arrays."""
    types, words = entity_types(doc), Words.of(doc)
    lowers, lemmas = words.lowers, words.lemmas
    found: list[str] = []
    for i in indices:
        if types[i] in ("DATE", "TIME"):
            continue
        found.append(lowers[i])
        if lemmas[i] != lowers[i]:
            found.append(lemmas[i])
    return found


def trigger_stretch_words(trigger: TriggerMatch) -> list[str]:
    """The lower-case words of ``trigger_stretch``, read from the doc's arrays."""
    doc = trigger.anchor.doc
    chain = head_chain(parse_arrays(doc)[0], trigger.anchor.i)
    return Words.of(doc).lowers[min(chain) : max(chain) + 1]


def first_of_list(token: Token) -> int:
    """The index of the first name of the list the token is in (``conj`` links only)."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token.i


def copula_partners(noun: Token) -> list[Token]:
    """What a copula says the noun is, or is said to be ("the phone ... was the XR20":
    the XR20 for the phone, the phone for the XR20)."""
    verb = noun.head  # a copula: only copulas take an ``attr`` ("’s" is left unlemmatised)
    if verb.i == noun.i:
        return []
    if noun.dep_ in ("nsubj", "nsubjpass"):
        return [c for c in verb.children if c.dep_ == "attr"]
    if noun.dep_ == "attr":
        return [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return []


def clause_subject(token: Token) -> Token | None:
    """The subject of the nearest verb above ``token`` that has one ("Tamsin said its
    Rover 5 robot ...": Tamsin; "Apple will source chips for its phones from Intel":
    Apple).

    >>> import spacy
    >>> words = ["Tamsin", "sells", "its", "robot"]
    >>> doc = Doc(spacy.blank("en").vocab, words=words, heads=[1, 1, 3, 1],
    ...           deps=["nsubj", "ROOT", "poss", "dobj"])
    >>> clause_subject(doc[2]).text
    'Tamsin'
    """
    head = token.head
    for _ in range(len(token.doc)):
        subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and not subject.left_edge.i <= token.i <= subject.right_edge.i:
            return subject  # (a subject the token is part of is the next clause's business)
        if head.head.i == head.i:
            return None
        head = head.head
    return None
