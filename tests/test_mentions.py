"""Mentions on sentences written for these tests: which names are entities, and of
which class, before any relation is read (``kg.extract.mentions``)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from kg.extract import MentionReader, extractor_for
from kg.extract.patterns import Words
from kg.model import Mention
from kg.ontology import load_ontology

pytestmark = pytest.mark.model


def mentions(nlp, text: str) -> set[tuple[str, str]]:
    """(name, class) of the named (not referring) mentions, after the context passes."""
    extractor = extractor_for(nlp)
    doc = nlp(text)
    found, _ = extractor.proposals(doc)
    return {(m.name, m.cls) for m in found if not m.anaphor and m.cls != "Year"}


# name -> class that must be found, and names that must not be entities at all
CASES = {
    "place-in-apposition-stays-a-place": (
        "Yahoo said Monday it has acquired Tamber Labs, a San Jose, Calif., startup that "
        "builds photo apps.",
        {"Tamber Labs": "Organization", "San Jose": "Place", "Calif.": "Place"},
        set(),
    ),
    "nationality-adjective-is-no-entity": (
        "Czech investor Petr Novak and Slovak partner Juraj Hrasko bought a stake in Casino.",
        {"Petr Novak": "Person", "Juraj Hrasko": "Person"},
        {"Slovak", "Czech"},
    ),
    "model-code-is-a-product": (
        "Nio also built the EP9 electric hypercar in Britain.",
        {"NIO": "Organization", "EP9": "Product"},
        set(),
    ),
    "name-before-product-noun-is-a-product": (
        "Sony will ship its Vexa image sensors to phone makers next year.",
        {"Sony": "Organization", "Vexa": "Product"},
        set(),
    ),
    "names-after-company-noun": (
        "Meta has bought the audio companies Tamber and Quillcast.",
        {"Meta": "Organization", "Tamber": "Organization", "Quillcast": "Organization"},
        set(),
    ),
    "name-after-firm-called": (
        "The funds went to a new firm called Halden Mobile, which Geely will control.",
        {"Halden Mobile": "Organization"},
        set(),
    ),
    "name-after-backed": (
        "Amazon led a $50 million round in Ford-backed Velotrax.",
        {"Amazon": "Organization", "Ford": "Organization", "Velotrax": "Organization"},
        set(),
    ),
    "unit-of-a-known-company": (
        "Stefan Braun, head of Volkswagen Commercial Vehicles, spoke on Monday.",
        {"Stefan Braun": "Person", "Volkswagen Commercial Vehicles": "Organization"},
        {"Volkswagen"},
    ),
    "joint-name-of-two-known-companies": (
        "Sony Ericsson sold millions of phones.",
        {"Sony Ericsson": "Organization"},
        {"Sony", "Ericsson"},
    ),
    "person-in-apposition-to-a-role": (
        "The founders — Logan Hart, Zumo’s CEO, and John Zimmer, its president — will stay "
        "on the board. Zumo said so.",
        {"Logan Hart": "Person", "John Zimmer": "Person", "Zumo": "Organization"},
        set(),
    ),
    "person-in-a-list-is-no-organisation": (
        "Czech investor Petr Novak and Slovak partner Juraj Hrasko bought a stake in Casino.",
        {"Petr Novak": "Person", "Juraj Hrasko": "Person"},
        set(),
    ),
    "nonprofit-called": (
        "Marta Kovacs, CEO of a nonprofit called Booklift, joined the board.",
        {"Marta Kovacs": "Person", "Booklift": "Organization"},
        set(),
    ),
    "ampersand-name-after-a-company-noun": (
        "Umesh Patel, vice chairman with executive search firm Carter & Dunmore, said so.",
        {"Umesh Patel": "Person", "Carter & Dunmore": "Organization"},
        {"Carter"},
    ),
    "possessive-inside-a-name-is-owner-and-unit": (
        "New investors included Harbor Ventures's Seed Fund, the company said.",
        {"Harbor Ventures": "Organization", "Seed Fund": "Organization"},
        {"Harbor Ventures's Seed Fund"},
    ),
    "possessive-of-a-plural-inside-a-name": (
        "Other investors included Kestrel Partners' Growth Fund.",
        {"Kestrel Partners": "Organization", "Growth Fund": "Organization"},
        set(),
    ),
    "honorific-makes-a-person": (
        "The stake went back to founders Paul Hart and Dr. Quell last year.",
        {"Paul Hart": "Person", "Quell": "Person"},
        set(),
    ),
    "organisation-of-an-officer-stays-an-organisation": (
        "Nordtek Microsystems chief executive Ann Lee is stepping aside after two decades.",
        {"Nordtek Microsystems": "Organization", "Ann Lee": "Person"},
        set(),
    ),
    "possessor-of-the-bought-company-stays-a-person": (
        "Spotify is in talks to acquire Bill Simmons' media startup The Ringer.",
        {"Spotify": "Organization", "Bill Simmons": "Person"},
        {"Bill Simmons'"},
    ),
    "name-ending-in-a-product-noun-is-a-product": (
        "The network hired Dana Hart, whose Dana Hart Show airs weekly.",
        {"Dana Hart": "Person", "Dana Hart Show": "Product"},
        set(),
    ),
    "dateline-is-no-entity": (
        "OSLO, March 3 (Wire) - Luxembourg-based operator Orbitra signed a deal with Vodafone.",
        {"Orbitra": "Organization", "Vodafone": "Organization", "Luxembourg": "Place"},
        {"OSLO"},
    ),
    "name-said-to-be-based-somewhere-is-no-product": (
        "Stockholm-based streaming service Lumora ended its deal with Calder Mobile. The "
        "Lumora app has ten million users.",
        {"Lumora": "Organization", "Stockholm": "Place"},
        set(),
    ),
    "known-place-as-a-possessor-stays-a-place": (
        "Abu Dhabi's Qasr Investment Authority and Copenhagen's Fjordline Partners "
        "invested in Tessary.",
        {
            "Abu Dhabi": "Place",
            "Copenhagen": "Place",
            "Qasr Investment Authority": "Organization",
            "Fjordline Partners": "Organization",
        },
        set(),
    ),
    "a-company-named-by-its-first-word-stays-the-company": (
        "Safiri Freight runs trucks. Safiri Track is its app, and Safiri now employs 300 "
        "people. Safiri said sales rose.",
        {"Safiri Freight": "Organization", "Safiri": "Organization"},
        set(),
    ),
    "known-place-inside-a-longer-name-is-no-place": (
        "Shares of Dublin Capital rose after Virginia Rometty joined its board.",
        {"Dublin Capital": "Organization", "Virginia Rometty": "Person"},
        {"Dublin", "Virginia"},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mentions_classes(nlp, case: str) -> None:
    text, classes, absent = CASES[case]
    found = mentions(nlp, text)
    names = {name for name, _ in found}
    assert {n: c for n, c in found if n in classes} == classes
    assert not names & absent


# a name, and how many times it is a mention of that class
REPEATS = {
    "organisation-before-the-model-tags-it": (
        "After starting Brivo in 2012, Green and Tolliver were famous. Dana Green, Brivo's "
        "CEO, and Mark Tolliver, its president, stayed.",
        ("Brivo", "Organization", 2),
    ),
    "full-name-of-a-person-before-the-model-tags-it": (
        "Days later, Oppo’s Liu Feng posted a photo with the team. “It is a good hire,” "
        "said Liu Feng.",
        ("Liu Feng", "Person", 2),
    ),
}


@pytest.mark.parametrize("case", sorted(REPEATS))
def test_mentions_repeats(nlp, case: str) -> None:
    text, (name, cls, count) = REPEATS[case]
    extractor = extractor_for(nlp)
    found, _ = extractor.proposals(nlp(text))
    assert sum(m.name == name and m.cls == cls and not m.anaphor for m in found) == count


def parsed(nlp, words: list[str], heads: list[int], deps: list[str], ents: list[str]) -> Doc:
    """A doc with the parse given, so a context rule is tested whatever the model says."""
    return Doc(nlp.vocab, words=words, heads=heads, deps=deps, ents=ents)


def test_mentions_name_in_apposition_to_a_place_after_in_is_a_place(nlp) -> None:
    words = ["They", "met", "in", "Sakai", ",", "Osaka", "Prefecture", "."]
    doc = parsed(
        nlp,
        words,
        heads=[1, 1, 1, 2, 3, 6, 3, 1],
        deps=["nsubj", "ROOT", "prep", "pobj", "punct", "compound", "appos", "punct"],
        ents=["O", "O", "O", "B-ORG", "O", "B-GPE", "I-GPE", "O"],
    )
    sakai = Mention("Sakai", "Sakai", "Organization", 12, 17, 0)
    osaka = Mention("Osaka Prefecture", "Osaka Prefecture", "Place", 19, 35, 0)
    reader = MentionReader(nlp, load_ontology())
    assert reader.places_by_context(doc, [sakai, osaka]) == {"Sakai"}
    in_a_name = Mention("Sakai Labs", "Sakai Labs", "Organization", 12, 17, 0)
    assert reader.places_by_context(doc, [in_a_name, osaka]) == set()


def test_mentions_company_noun_set_off_by_commas_whatever_the_parse(nlp) -> None:
    """ "Zolvo, a Lisbon startup, ...": read from the words when the parser missed the
    apposition (here it hangs the name on the verb); not without the closing comma."""
    words = ["Zolvo", ",", "a", "Lisbon", "startup", ",", "raised", "money", "."]
    doc = Doc(
        nlp.vocab,
        words=words,
        lemmas=[w.lower() for w in words],
        heads=[6, 6, 4, 4, 6, 6, 6, 6, 6],
        deps=["advmod", "punct", "det", "compound", "nsubj", "punct", "ROOT", "dobj", "punct"],
        ents=["O", "O", "O", "B-GPE", "O", "O", "O", "O", "O"],
    )
    reader = MentionReader(nlp, load_ontology())
    span = reader.company_by_apposition(doc, 0, {3})
    assert (span.text, span.label_) == ("Zolvo", "ORG")
    assert reader.set_off_company_noun(doc, 1)
    unclosed = Doc(
        nlp.vocab, words=[*words[:5], "raised"], lemmas=[*(w.lower() for w in words[:5]), "raise"]
    )
    assert not reader.set_off_company_noun(unclosed, 1)


def test_mentions_reference_to_a_name_context_made_a_person_is_dropped(nlp) -> None:
    words = ["CEO", "Dana", "Whitfield", "spoke", ".", "The", "company", "grew", "."]
    doc = parsed(
        nlp,
        words,
        heads=[2, 2, 3, 3, 3, 6, 7, 7, 7],
        deps=["compound", "compound", "nsubj", "ROOT", "punct", "det", "nsubj", "ROOT", "punct"],
        ents=["O", "B-ORG", "I-ORG", "O", "O", "O", "O", "O", "O"],
    )
    dana = Mention("Dana Whitfield", "Dana Whitfield", "Organization", 4, 18, 0)
    company = Mention("The company", "Dana Whitfield", "Organization", 27, 38, 1, anaphor=True)
    extractor = extractor_for(nlp)
    triggers = extractor.triggers.matches(doc, Words.of(doc))
    found = extractor.reader.people_by_context(doc, [dana, company], triggers)
    assert [(m.name, m.cls, m.anaphor) for m in found] == [("Dana Whitfield", "Person", False)]


# a reference's words -> the name it refers to
REFERENCES = {
    "noun-in-another-clause-of-the-sentence": (
        "Shares of Kestrel Bank fell after the lender said its profit had doubled.",
        ("the lender", "Kestrel Bank"),
    ),
    "noun-with-a-participle": (
        "Spotify reported results on Monday. The music streaming giant has bought the "
        "podcast companies Tamber and Quillcast.",
        ("The music streaming giant", "Spotify"),
    ),
    "bare-company-noun-before-a-role": (
        "HTC bought a stake in Beats Electronics in 2011. It later sold the stake to company "
        "founders Jimmy Iovine and Andre Young.",
        ("company", "Beats"),
    ),
}


@pytest.mark.parametrize("case", sorted(REFERENCES))
def test_mentions_references(nlp, case: str) -> None:
    text, (words, name) = REFERENCES[case]
    found, _ = extractor_for(nlp).proposals(nlp(text))
    assert [m.name for m in found if m.anaphor and m.text == words] == [name]


def test_mentions_votes_a_company_short_name_an_organisation(nlp) -> None:
    """A one-word name the model calls a person is the organisation whose name it starts,
    when that longer name is voted an organisation ("Greenfield" of "Greenfield Markets",
    tagged once each way), but stays a person's part of a person's name."""
    from spacy.tokens import Span

    reader = extractor_for(nlp).reader
    doc = nlp.make_doc("Greenfield Markets . Greenfield Markets . Greenfield . Ann Lee . Lee .")
    ents = [
        Span(doc, 0, 2, "ORG"),
        Span(doc, 3, 5, "PERSON"),
        Span(doc, 6, 7, "PERSON"),
        Span(doc, 8, 10, "PERSON"),
        Span(doc, 11, 12, "PERSON"),
    ]
    assert reader.voted_classes(ents) == {
        "Greenfield Markets": "Organization",
        "Greenfield": "Organization",
    }
