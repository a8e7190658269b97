"""kg.cli.results: SELECT column order, --limit on every format, wrapped tables."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from kg.cli.results import column_order, fitted, reshaped, table_text
from kg.formats import result_syntax
from kg.views.tables import Table

EX = "http://example.org/"


@pytest.mark.parametrize(
    ("sparql", "variables", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?name }", ["name", "p", "s"], ["s", "p", "name"]),
        (
            "select distinct * { ?zeta <p> ?alpha . ?alpha <q> $mid }",
            ["alpha", "mid", "zeta"],
            ["zeta", "alpha", "mid"],
        ),
        ("SELECT ?b ?a WHERE { ?a ?p ?b }", ["b", "a"], ["b", "a"]),
        ("SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a", ["a", "n"], ["a", "n"]),
        ("PREFIX ex: <http://example.org/> SELECT * WHERE { ?y ex:p ?x }", ["x", "y"], ["y", "x"]),
    ],
    ids=["star", "distinct-star-dollar", "explicit", "aggregate", "prefix"],
)
def test_cli_results_column_order(sparql: str, variables: list[str], expected: list[str]) -> None:
    assert column_order(sparql, variables) == expected


def solutions(rows: int) -> ox.QuerySolutions:
    store = ox.Store()
    for n in range(rows):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}p"), ox.Literal(f"v,{n}")))
    return store.query(f"SELECT * WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s")


def parsed(text: str, fmt: str) -> tuple[list[str], list[dict[str, str]]]:
    """Columns and rows of serialised results, read back by pyoxigraph (CSV by csv)."""
    if fmt == "csv":
        header, *body = csv.reader(io.StringIO(text, newline=""))
        return header, [dict(zip(header, row, strict=True)) for row in body]
    result = ox.parse_query_results(text.encode(), format=result_syntax(fmt))
    columns = [v.value for v in result.variables]
    return columns, [{c: s[c].value for c in columns} for s in result]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
@pytest.mark.parametrize("limit", [None, 0, 2, 10])
def test_cli_results_reshaped_orders_and_limits(fmt: str, limit: int | None) -> None:
    text = solutions(3).serialize(format=result_syntax(fmt)).decode()
    columns, rows = parsed(reshaped(text, fmt, ["s", "o"], limit), fmt)
    expected = [{"s": f"{EX}s{n}", "o": f"v,{n}"} for n in range(3)][:limit]
    assert (columns, rows) == (["s", "o"], expected)


@pytest.mark.parametrize(
    ("max_width", "expected"),
    [
        (
            None,
            [
                "name                key",
                "------------------  ---",
                "one two three four  k",
                "x                   y",
                "(2 rows)",
            ],
        ),
        (
            0,
            [
                "name                key",
                "------------------  ---",
                "one two three four  k",
                "x                   y",
                "(2 rows)",
            ],
        ),
        (
            15,
            [
                "name        key",
                "----------  ---",
                "one two     k",
                "three four",
                "x           y",
                "(2 rows)",
            ],
        ),
        (
            4,
            [
                "name      key",
                "--------  ---",
                "one two   k",
                "three",
                "four",
                "x         y",
                "(2 rows)",
            ],
        ),
    ],
    ids=["none", "zero", "wraps", "narrower-than-possible"],
)
def test_cli_results_table_text_wraps(max_width: int | None, expected: list[str]) -> None:
    table = Table(["name", "key"], [["one two three four", "k"], ["x", "y"]])
    assert table_text(table, max_width).splitlines() == expected


@pytest.mark.parametrize(
    ("rows", "total", "last"),
    [(1, None, "(1 row)"), (2, 2, "(2 rows)"), (1, 5, "(1 of 5 rows)"), (0, 3, "(0 of 3 rows)")],
)
def test_cli_results_table_text_counts(rows: int, total: int | None, last: str) -> None:
    table = Table(["a"], [["x"]] * rows)
    assert table_text(table, total=total).splitlines()[-1] == last


@pytest.mark.parametrize(
    ("widths", "max_width", "expected"),
    [([10, 10], 40, [10, 10]), ([40, 5, 30], 50, [20, 5, 21]), ([30, 30], 10, [8, 8])],
)
def test_cli_results_fitted(widths: list[int], max_width: int, expected: list[int]) -> None:
    assert fitted(widths, max_width) == expected
