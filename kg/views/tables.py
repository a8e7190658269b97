"""Query results -> rows of text and rendered text: aligned tables for people, and the
standard result formats (CSV, TSV, JSON, XML; Turtle or N-Triples for graphs)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from kg.formats import RDF_FORMATS, result_syntax
from kg.ontology import PREFIXES
from kg.terminal import printable


def term_text(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    if term is None:
        return ""
    return term.value


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]


def compact(iri: str) -> str:
    """``kg:Hedged`` for an IRI in a known namespace, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


def solutions_table(solutions: ox.QuerySolutions, short: bool = False) -> Table:
    """Rows of plain values; ``short`` writes known IRIs with prefixes (for people)."""
    columns = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row = []
        for c in columns:
            term = solution[c]
            text = term_text(term)
            if short:  # for people, on a terminal: control characters made visible
                text = printable(compact(text) if isinstance(term, ox.NamedNode) else text)
            row.append(text)
        rows.append(row)
    return Table(columns, rows)


def render_table(table: Table) -> str:
    """The table as aligned text for a terminal (control characters escaped)."""
    columns = [printable(c) for c in table.columns]
    table = Table(columns, [[printable(v) for v in row] for row in table.rows])
    widths = [len(c) for c in table.columns]
    for row in table.rows:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)).rstrip(), line]
    out += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in table.rows
    ]
    out.append(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})")
    return "\n".join(out)


def render_result(result: object, fmt: str) -> str:
    """A query result as text: table|csv|tsv|json|xml for solutions, Turtle (or ``nt``:
    N-Triples) for graphs."""
    if isinstance(result, ox.QueryBoolean):
        value = bool(result)
        return json.dumps({"head": {}, "boolean": value}) if fmt == "json" else str(value).lower()
    if isinstance(result, ox.QueryTriples):
        syntax = RDF_FORMATS["nt" if fmt == "nt" else "turtle"].syntax
        return result.serialize(format=syntax).decode("utf-8")
    if fmt == "table":
        return render_table(solutions_table(result, short=True))
    return result.serialize(format=result_syntax(fmt)).decode("utf-8")
