"""Query results for ``kg query``: columns in the query's order, ``--limit``, wrapped tables.

Oxigraph answers ``SELECT *`` with its variables sorted by name; people read
the columns in the order they wrote the variables, so ``SELECT *`` columns
follow their first appearance in the query. An explicit projection
(``SELECT ?b ?a``) is kept as written. The row limit and the column order are
applied to the serialised results (CSV, TSV, JSON, XML as Oxigraph writes
them), so each format stays exactly the standard one.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.views.tables import Table

SELECT_STAR = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)
VARIABLE = re.compile(r"[?$]([A-Za-z_0-9\u00b7\u00c0-\uffff]+)")
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


def column_order(sparql: str, variables: Sequence[str]) -> list[str]:
    """The columns of a SELECT: as projected, or for ``SELECT *`` as they appear in the query.

    >>> column_order("SELECT * WHERE { ?s ?p ?name }", ["name", "p", "s"])
    ['s', 'p', 'name']
    >>> column_order("SELECT ?name ?s WHERE { ?s ?p ?name }", ["name", "s"])
    ['name', 's']
    """
    star = SELECT_STAR.search(sparql)
    if star is None:
        return list(variables)
    first: dict[str, int] = {}
    for match in VARIABLE.finditer(sparql, star.end()):
        first.setdefault(match.group(1), match.start())
    return sorted(variables, key=lambda v: first.get(v, len(sparql)))


def reshaped(text: str, fmt: str, columns: Sequence[str], limit: int | None) -> str:
    """Serialised SELECT results with ``columns`` in that order and at most ``limit`` rows."""
    if fmt == "json":
        import json

        data = json.loads(text)
        data["head"]["vars"] = list(columns)
        data["results"]["bindings"] = data["results"]["bindings"][:limit]
        return json.dumps(data)
    if fmt in ("csv", "tsv"):
        return delimited(text, fmt, columns, limit)
    if fmt == "xml":
        return xml_results(text, columns, limit)
    raise ValueError(f"not a results format: {fmt}")


def delimited(text: str, fmt: str, columns: Sequence[str], limit: int | None) -> str:
    """CSV (RFC 4180, CRLF) or TSV (one row per line; tabs and newlines are escaped in terms)."""
    import csv
    import io

    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text, newline="")))
    else:
        rows = [line.split("\t") for line in text.split("\n") if line]
    header = [name.lstrip("?") for name in rows[0]]
    picks = [header.index(c) for c in columns]
    prefix = "?" if fmt == "tsv" else ""
    body = rows[1:] if limit is None else rows[1 : limit + 1]
    table = [[prefix + c for c in columns], *([row[i] for i in picks] for row in body)]
    if fmt == "tsv":
        return "".join("\t".join(row) + "\n" for row in table)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(table)
    return out.getvalue()


def xml_results(text: str, columns: Sequence[str], limit: int | None) -> str:
    from xml.etree import ElementTree

    ElementTree.register_namespace("", RESULTS_NS)
    root = ElementTree.fromstring(text)
    head = root.find(f"{{{RESULTS_NS}}}head")
    results = root.find(f"{{{RESULTS_NS}}}results")
    assert head is not None and results is not None  # SPARQL XML results always have both
    variables = {v.get("name"): v for v in head.findall(f"{{{RESULTS_NS}}}variable")}
    for variable in variables.values():
        head.remove(variable)
    for index, name in enumerate(columns):
        head.insert(index, variables[name])
    for result in results.findall(f"{{{RESULTS_NS}}}result")[limit:] if limit is not None else []:
        results.remove(result)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True)


def table_text(table: Table, max_width: int | None = None, total: int | None = None) -> str:
    """A plain-text table; with ``max_width``, the widest columns wrap to fit in it.

    ``total`` is the number of rows before a limit cut the table, for the last line.

    >>> from kg.views.tables import Table
    >>> print(table_text(Table(["name", "n"], [["one two three four", "1"]]), max_width=14))
    name         n
    -----------  -
    one two      1
    three four
    (1 row)
    """
    widths = [
        max([len(c), *(len(row[i]) for row in table.rows)]) for i, c in enumerate(table.columns)
    ]
    if max_width:
        widths = fitted(widths, max_width)
    lines = [join_cells(table.columns, widths), "  ".join("-" * w for w in widths)]
    for row in table.rows:
        cells = [
            textwrap.wrap(v, w, break_on_hyphens=False) or [""]
            for v, w in zip(row, widths, strict=True)
        ]
        for depth in range(max(len(c) for c in cells)):
            lines.append(join_cells([c[depth] if depth < len(c) else "" for c in cells], widths))
    count = len(table.rows)
    shown = f"{count} of {total}" if total is not None and total > count else f"{count}"
    lines.append(f"({shown} row{'s' if (total or count) != 1 else ''})")
    return "\n".join(lines)


def join_cells(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


MIN_COLUMN = 8


def fitted(widths: list[int], max_width: int) -> list[int]:
    """Column widths whose table (two spaces between columns) fits ``max_width``, if it can.

    The widest column gives way first, down to ``MIN_COLUMN`` characters (or
    its own width, if narrower).

    >>> fitted([40, 5, 30], 50)
    [20, 5, 21]
    """
    widths = list(widths)
    budget = max_width - 2 * (len(widths) - 1)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= MIN_COLUMN:
            break
        widths[widest] -= 1
    return widths
