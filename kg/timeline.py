"""Store -> facts in time: what held on a day, what the news had said by a day, timelines.

Two clocks, as bi-temporal databases have them: ``as_of`` is valid time (the
facts whose span covers that day) and ``known_by`` is known time (only the
articles dated on or before that day count, so the spans are recomputed from
their evidence with ``kg.spans.merge``). Without ``known_by`` the merged
layer's stored spans are read as they are.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date

import pyoxigraph as ox

from kg.errors import InputError
from kg.spans import Key, MergedFact, canonical_triple, merge, time_rules
from kg.store import Store
from kg.store.merged import BASIS as STORED_BASIS
from kg.store.merged import evidence_query, reports_from
from kg.views import Table, render_table
from kg.views import local_name as local

FACT_NODES = """PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?s ?p ?o ?n ?m ?from ?fb ?until ?ub ?closer ?cs ?cp ?co ?imp ?is ?ip ?io WHERE {
  ?f a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     kg:sources ?n ; kg:modality ?m .
  OPTIONAL { ?f kg:validFrom ?from ; kg:validFromBasis ?fb }
  OPTIONAL { ?f kg:validUntil ?until ; kg:validUntilBasis ?ub }
  OPTIONAL { ?f kg:closedBy ?closer . ?closer rdf:subject ?cs ; rdf:predicate ?cp ; rdf:object ?co }
  OPTIONAL { ?f kg:impliedBy ?imp . ?imp rdf:subject ?is ; rdf:predicate ?ip ; rdf:object ?io }
}"""
ENTITIES = """PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?e ?l ?c WHERE {
  ?e rdfs:label ?l OPTIONAL { ?e a ?c FILTER(STRSTARTS(STR(?c), STR(kg:))) }
}"""
BASIS = {term: name for name, term in STORED_BASIS.items()}
CSV_COLUMNS = ("subject", "relation", "object", "since", "until", "sources")


def parse_day(text: str, option: str) -> str:
    """A ``YYYY-MM-DD`` day from the command line; an InputError says how to write it."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(f"{option} {text!r} is not a date; write it as YYYY-MM-DD") from None


def key_of(row: ox.QuerySolution, s: str, p: str, o: str) -> Key | None:
    if row[s] is None:
        return None
    return (row[s].value, local(row[p].value), row[o].value)


def stored_facts(store: Store) -> list[MergedFact]:
    """The merged layer's facts as stored (spans from every article)."""
    found = []
    for row in store.query_merged(FACT_NODES):
        value = {
            k: row[k].value if row[k] is not None else None for k in ("from", "until", "fb", "ub")
        }
        found.append(
            MergedFact(
                subject=row["s"].value,
                predicate=local(row["p"].value),
                object=row["o"].value,
                object_is_iri=isinstance(row["o"], ox.NamedNode),
                sources=int(row["n"].value),
                modality=local(row["m"].value).lower(),
                since=value["from"],
                since_basis=BASIS.get(local(value["fb"] or "")),
                until=value["until"],
                until_basis=BASIS.get(local(value["ub"] or "")),
                closed_by=key_of(row, "cs", "cp", "co"),
                implied_by=key_of(row, "is", "ip", "io"),
            )
        )
    return sorted(found, key=lambda f: f.key)


def known_facts(store: Store, known_by: str) -> list[MergedFact]:
    """The facts, with spans, as the articles dated on or before ``known_by`` tell them."""
    terms: dict[str, ox.Term] = {}
    reports = reports_from(store.query(evidence_query(everything=True)), terms)
    return sorted(merge(reports, time_rules(), known_by=known_by).values(), key=lambda f: f.key)


def merged_facts(
    store: Store, as_of: str | None = None, known_by: str | None = None
) -> list[MergedFact]:
    """Every fact (``as_of``: those that held that day; ``known_by``: as reported by then)."""
    facts = known_facts(store, known_by) if known_by else stored_facts(store)
    return [f for f in facts if as_of is None or f.holds_on(as_of)]


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    cls: str


def entities(store: Store) -> dict[str, Entity]:
    """Every entity of the merged layer: IRI -> label and class."""
    found: dict[str, Entity] = {}
    for row in store.query_merged(ENTITIES):
        iri = row["e"].value
        cls = local(row["c"].value) if row["c"] is not None else ""
        if iri not in found or (cls and not found[iri].cls):
            found[iri] = Entity(iri, row["l"].value, cls)
    return found


@dataclass(frozen=True)
class FactRow:
    """One fact as ``kg facts`` shows it."""

    subject: str
    relation: str
    object: str
    since: str
    until: str
    sources: int
    modality: str
    since_basis: str
    until_basis: str


def fact_row(fact: MergedFact, subject: str, obj: str) -> FactRow:
    """The row of a merged fact, under the given subject and object names."""
    return FactRow(
        subject,
        fact.predicate,
        obj,
        fact.since or "",
        fact.until or "",
        fact.sources,
        fact.modality,
        fact.since_basis or "",
        fact.until_basis or "",
    )


def fact_rows(
    store: Store,
    as_of: str | None = None,
    known_by: str | None = None,
    entity: str | None = None,
    relation: str | None = None,
) -> list[FactRow]:
    """The facts that held on ``as_of`` (all of them when None), by subject and relation."""
    names = entities(store)
    rows = []
    for fact in merged_facts(store, as_of, known_by):
        subject = names[fact.subject].label if fact.subject in names else fact.subject
        obj = names[fact.object].label if fact.object in names else fact.object
        if relation is not None and fact.predicate.casefold() != relation.casefold():
            continue
        if entity is not None and entity.casefold() not in (
            subject.casefold(),
            obj.casefold(),
            fact.subject,
            fact.object,
        ):
            continue
        rows.append(fact_row(fact, subject, obj))
    return sorted(rows, key=lambda r: (r.subject.casefold(), r.relation, r.object.casefold()))


def render_facts(rows: list[FactRow], fmt: str) -> str:
    """``table`` (undated articles' read days marked), ``csv`` or ``json``."""
    if fmt == "json":
        return json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(
            [r.subject, r.relation, r.object, r.since, r.until, r.sources] for r in rows
        )
        return out.getvalue().rstrip("\n")
    marked = any(r.since_basis == "read" for r in rows)
    table = Table(
        list(CSV_COLUMNS),
        [
            [
                r.subject,
                r.relation,
                r.object,
                r.since + ("*" if r.since_basis == "read" else ""),
                r.until,
                str(r.sources),
            ]
            for r in rows
        ],
    )
    text = render_table(table)
    if marked:
        text += "\n* from an undated article: counted from the day it was read into the store"
    return text


EVIDENCE = """PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?s ?p ?o ?sentence ?m ?a ?title ?date ?read ?from ?fromText ?until ?untilText WHERE {
  VALUES ?x { <ENTITY> }
  GRAPH ?g {
    { ?ev rdf:subject ?x } UNION { ?ev rdf:object ?x }
    ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:sentence ?sentence ;
        kg:modality ?m ; kg:fromArticle ?a .
    OPTIONAL { ?ev kg:validFrom ?from ; kg:validFromText ?fromText }
    OPTIONAL { ?ev kg:validUntil ?until ; kg:validUntilText ?untilText }
    OPTIONAL { ?a dcterms:title ?title } OPTIONAL { ?a dcterms:date ?date }
    OPTIONAL { ?a kg:readOn ?read }
  }
}"""


@dataclass(frozen=True)
class Said:
    """One sentence behind a fact, with its article and the time it gives."""

    sentence: str
    modality: str
    title: str
    date: str
    read: bool
    times: str


@dataclass(frozen=True)
class Moment:
    """A fact on an entity's timeline."""

    fact: FactRow
    evidence: tuple[Said, ...]
    implied_by: Key | None = None
    """The fact it is (also) read from: an ended one whose sentence says when it began."""
    implied: tuple[Said, ...] = ()

    def render(self) -> str:
        f = self.fact
        span = f"{f.since or '?'}{'*' if f.since_basis == 'read' else ''} .. {f.until or 'now'}"
        lines = [
            f"{span}  {f.subject} {f.relation} {f.object}  ({f.modality}, "
            f"{f.sources} source{'s' if f.sources != 1 else ''})"
        ]
        shown = [*self.evidence]
        if self.implied_by:
            shown.append(None)
            shown += self.implied
        for said in shown:
            if said is None:
                lines.append(f"    implied by {self.implied_by[1]}, which says when it began:")
                continue
            when = said.date + (" (read)" if said.read else "")
            extra = f" [{said.times}]" if said.times else ""
            lines.append(f'    "{said.sentence}"{extra}')
            lines.append(f"      {', '.join(p for p in (said.title, when) if p)} ({said.modality})")
        return "\n".join(lines)


def find_entity(store: Store, name: str) -> Entity:
    from kg.analytics import EntityError

    known = entities(store)
    if name in known:
        return known[name]
    hits = sorted(
        (e for e in known.values() if e.label.casefold() == name.casefold().strip()),
        key=lambda e: e.iri,
    )
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise EntityError(
            f"'{name}' names {len(hits)} entities; pass one of their IRIs: "
            + ", ".join(e.iri for e in hits)
        )
    raise EntityError(f"no entity named '{name}' in the store; `kg facts --all` lists them")


def timeline(store: Store, name: str, known_by: str | None = None) -> list[Moment]:
    """The entity's facts in date order, each with its span and the sentences behind it."""
    entity = find_entity(store, name)
    rules = time_rules()
    said: dict[Key, list[Said]] = {}
    for row in store.query(EVIDENCE.replace("ENTITY", entity.iri)):
        v = {
            k: row[k].value if row[k] is not None else ""
            for k in (
                "s",
                "p",
                "o",
                "sentence",
                "m",
                "title",
                "date",
                "read",
                "fromText",
                "untilText",
            )
        }
        day = v["date"][:10] or v["read"]
        if known_by and day and day > known_by:
            continue
        key = canonical_triple(v["s"], local(v["p"]), v["o"], rules)
        times = "; ".join(
            t
            for t in (
                f"from {row['from'].value} ({v['fromText']})" if row["from"] is not None else "",
                f"until {row['until'].value} ({v['untilText']})"
                if row["until"] is not None
                else "",
            )
            if t
        )
        said.setdefault(key, []).append(
            Said(v["sentence"], local(v["m"]).lower(), v["title"], day, not v["date"], times)
        )
    names = entities(store)
    moments = []
    for fact in merged_facts(store, None, known_by):
        if entity.iri not in (fact.subject, fact.object):
            continue
        row = fact_row(
            fact,
            names[fact.subject].label if fact.subject in names else fact.subject,
            names[fact.object].label if fact.object in names else fact.object,
        )
        evidence = tuple(
            sorted(said.get(fact.key, ()), key=lambda s: (s.date, s.title, s.sentence))
        )
        implied = (
            tuple(s for s in said.get(fact.implied_by, ()) if s not in evidence)
            if fact.implied_by
            else ()
        )
        moments.append(Moment(row, evidence, implied_by=fact.implied_by, implied=implied))
    return sorted(
        moments,
        key=lambda m: (
            m.fact.since or "9999",
            m.fact.until or "9999",
            m.fact.relation,
            m.fact.subject,
            m.fact.object,
        ),
    )


def render_timeline(entity: str, moments: list[Moment]) -> str:
    if not moments:
        return f"{entity}: no facts"
    text = "\n".join(m.render() for m in moments)
    if any(m.fact.since_basis == "read" for m in moments):
        text += "\n* from an undated article: counted from the day it was read into the store"
    return text
