"""Extraction -> Resolution: one entity per real-world thing, facts between entities.

Within an article, mentions with the same class and the same name key (case,
punctuation and corporate suffixes ignored) are one entity, and a one-word
person name that ends or starts an earlier full name ("Jun" after "Lei Jun")
is that person. Across articles, entities meet by IRI: the IRI is minted from
the class and the canonical name, so two same-named entities of different
classes stay apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from kg.model import Entity, Extraction, Fact, Mention, Resolution, ResolvedFact
from kg.ontology import Ontology, entity_iri, load_ontology, name_key
from kg.store.merged import unify_labels_update

__all__ = ["resolve", "unify_labels_update"]  # the update lives with the store's SPARQL


def resolve(extraction: Extraction, ontology: Ontology | None = None) -> Resolution:
    ontology = ontology or load_ontology()
    suffixes = ontology.corporate_suffixes
    pool = tuple(
        dict.fromkeys(
            [
                *extraction.mentions,
                *(
                    m
                    for f in extraction.facts
                    for m in (f.subject, f.obj)
                    if isinstance(m, Mention)
                ),
            ]
        )
    )
    keys = mention_keys(pool, suffixes, ontology.organisation_words)
    entities = build_entities(pool, keys, ontology)
    facts = tuple(
        resolved
        for fact in extraction.facts
        if (resolved := resolve_fact(fact, entities, keys, suffixes)) is not None
    )
    return Resolution(
        article=extraction.article,
        entities=tuple(sorted(entities.values(), key=lambda e: e.iri)),
        facts=facts,
    )


def mention_keys(
    mentions: tuple[Mention, ...],
    suffixes: frozenset[str],
    org_words: frozenset[str] = frozenset(),
) -> dict[Mention, tuple[str, str]]:
    """(class, name key) per mention, folding other forms of a person's name into the
    full one: "Jun" after "Lei Jun", and a headline's "Jack Dorsey Steps Down"; a
    product named without its maker into its full name ("P9" -> "Huawei P9"); and an
    organisation the gazetteer does not know, named without its organisation word,
    into its full name ("Ravel" -> "Ravel Motors")."""
    people = sorted(
        {
            name_key(m.name, suffixes)
            for m in mentions
            if m.cls == "Person" and len(m.name.split()) == 2 and not m.anaphor
        }
    )
    products = {name_key(m.name, suffixes) for m in mentions if m.cls == "Product"}
    organizations = {
        name_key(m.name, suffixes)
        for m in mentions
        if m.cls == "Organization" and not m.gazetteer and not m.anaphor
    }
    keys: dict[Mention, tuple[str, str]] = {}
    seen_people: list[str] = []
    for mention in mentions:
        key = name_key(mention.name, suffixes)
        if mention.cls == "Person":
            words = key.split()
            if len(words) == 1:
                key = next(
                    (p for p in reversed(seen_people) if words[0] in (p.split()[0], p.split()[-1])),
                    key,
                )
            elif len(words) > 2:
                key = next((p for p in people if key.startswith(p + " ")), key)
            if len(key.split()) > 1:
                seen_people.append(key)
        elif mention.cls == "Product":
            key = fuller_product(key, products)
        elif mention.cls == "Organization" and not mention.gazetteer and " " not in mention.name:
            key = fuller_organization(key, organizations, org_words)
        keys[mention] = (mention.cls, key)
    return keys


def fuller_product(key: str, products: set[str]) -> str:
    """The one product key of the article that is this one with words before it ("p9"
    in an article that also names "huawei p9"), else the key itself.

    >>> fuller_product("p9", {"p9", "huawei p9"}), fuller_product("x2", {"velo x2", "orbis x2"})
    ('huawei p9', 'x2')
    """
    fuller = [p for p in products if p.endswith(" " + key)]
    return fuller[0] if len(fuller) == 1 else key


def fuller_organization(key: str, organizations: set[str], org_words: frozenset[str]) -> str:
    """The one organisation key of the article that is this one-word key followed by
    organisation words only ("ravel" in an article that also names "ravel motors"),
    else the key itself.

    >>> words = frozenset({"motors", "group"})
    >>> fuller_organization("ravel", {"ravel", "ravel motors"}, words)
    'ravel motors'
    >>> fuller_organization("ravel", {"ravel", "ravel motors", "ravel group"}, words)
    'ravel'
    >>> fuller_organization("ravel", {"ravel", "ravel cars"}, words)
    'ravel'
    """
    if " " in key:
        return key
    fuller = [
        o
        for o in organizations
        if o.startswith(key + " ") and all(w in org_words for w in o.split()[1:])
    ]
    return fuller[0] if len(fuller) == 1 else key


def build_entities(
    mentions: tuple[Mention, ...], keys: dict[Mention, tuple[str, str]], ontology: Ontology
) -> dict[tuple[str, str], Entity]:
    names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    surfaces: dict[tuple[str, str], set[str]] = defaultdict(set)
    gazetteer: dict[tuple[str, str], bool] = defaultdict(bool)
    for mention in mentions:
        key = keys[mention]
        names[key][mention.name] += 1
        gazetteer[key] |= mention.gazetteer
        if not mention.anaphor:
            surfaces[key].add(" ".join(mention.text.split()))
    entities = {}
    for key, counter in names.items():
        label = canonical_label(counter, gazetteer[key], ontology, key[1])
        cls = key[0]
        aliases = {s for s in surfaces[key] if s != label}
        entities[key] = Entity(
            iri=entity_iri(cls, name_key(label, ontology.corporate_suffixes)),
            label=label,
            cls=cls,
            aliases=aliases,
        )
    return entities


def canonical_label(
    names: Counter[str], from_gazetteer: bool, ontology: Ontology, key: str = ""
) -> str:
    """The gazetteer's label; else, of the names that match the entity's key, the
    longest (fullest), then the most frequent."""
    if from_gazetteer:
        for name in names:
            entry = ontology.lookup(name)
            if entry is not None:
                return entry.label
    suffixes = ontology.corporate_suffixes
    matching = [n for n in names if name_key(n, suffixes) == key] or list(names)
    return max(matching, key=lambda n: (len(n.split()), names[n], n))


def resolve_fact(
    fact: Fact,
    entities: dict[tuple[str, str], Entity],
    keys: dict[Mention, tuple[str, str]],
    suffixes: frozenset[str],
) -> ResolvedFact | None:
    subject = entities.get(
        keys.get(fact.subject) or (fact.subject.cls, name_key(fact.subject.name, suffixes))
    )
    if isinstance(fact.obj, str):
        obj: Entity | str | None = fact.obj
    else:
        obj = entities.get(keys.get(fact.obj) or (fact.obj.cls, name_key(fact.obj.name, suffixes)))
    if subject is None or obj is None or subject is obj:
        return None
    return ResolvedFact(
        subject=subject,
        predicate=fact.predicate,
        obj=obj,
        modality=fact.modality,
        confidence=fact.confidence,
        sentence=fact.sentence,
        sent_start=fact.sent_start,
        sent_end=fact.sent_end,
        pattern=fact.pattern,
    )
