"""kg's usual prefixes as SPARQL declarations, and queries run with them declared."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.errors import QueryError
from kg.ontology import PREFIXES

if TYPE_CHECKING:
    from kg.store import QueryResult, Store

PREFIX_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
"""kg's usual prefixes (``kg.ontology.PREFIXES``) as SPARQL declarations."""


def declared(line: str) -> str:
    """The prefix a ``PREFIX p: <...>`` line declares, lower case ("" for another line).

    >>> declared("PREFIX KG: <https://w3id.org/kg-news/ontology#>"), declared("SELECT *")
    ('kg', '')
    """
    words = line.split()
    if len(words) < 2 or words[0].upper() != "PREFIX":
        return ""
    return words[1].rstrip(":").lower()


def with_prefixes(sparql: str) -> str:
    """The query with kg's usual prefixes declared (declarations in the query win).

    >>> print(with_prefixes("PREFIX kg: <urn:x#>\\nASK {}").splitlines()[0])
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    """
    mine = {declared(line) for line in sparql.splitlines()} - {""}
    header = [line for line in PREFIX_HEADER.splitlines() if declared(line) not in mine]
    return "\n".join(header) + "\n" + sparql


POSITION = re.compile(r"\bat (\d+):(\d+)")


def prefixed_query(store: Store, sparql: str) -> QueryResult:
    """``store.query`` with kg's prefixes declared; an error's line:column points into ``sparql``.

    >>> from kg.store import open_store
    >>> prefixed_query(open_store("memory:"), "SELECT ?x WHERE {\\n  ?x kg:p ?y . FILTER(?x = ) }")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.QueryError: malformed SPARQL query: error at 2:31: ...
    """
    full = with_prefixes(sparql)
    added = full.count("\n") - sparql.count("\n")
    try:
        return store.query(full)
    except QueryError as err:
        message = POSITION.sub(lambda m: f"at {int(m[1]) - added}:{m[2]}", str(err), count=1)
        raise QueryError(message) from err
