"""Store -> what people look at, one job per module.

- ``kg.views.prefixes``: kg's SPARQL prefixes, and queries run with them declared;
- ``kg.views.tables``: query results as rows and as text (tables, CSV, JSON...);
- ``kg.views.network``: the entity graph as networkx (and GraphML);
- ``kg.views.stats``: what a store holds, counted.

Each module is light to import (networkx loads only when a graph is built), so
``from kg.views import ...`` costs a command nothing it does not use.
"""

from __future__ import annotations

from kg.ontology import local_name
from kg.views.network import evidence_counts, to_graphml, to_networkx
from kg.views.prefixes import PREFIX_HEADER, prefixed_query, with_prefixes
from kg.views.stats import Stats, stats
from kg.views.tables import Table, compact, render_result, render_table, solutions_table, term_text

__all__ = [
    "PREFIX_HEADER",
    "Stats",
    "Table",
    "compact",
    "evidence_counts",
    "local_name",
    "prefixed_query",
    "render_result",
    "render_table",
    "solutions_table",
    "stats",
    "term_text",
    "to_graphml",
    "to_networkx",
    "with_prefixes",
]
