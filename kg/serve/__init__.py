"""``kg serve``: a SPARQL 1.1 Protocol endpoint you can leave running, and a query UI.

Oxigraph's own server (``oxigraph serve-read-only``, or ``oxigraph serve``
with ``--allow-update``; the same store format as pyoxigraph) answers the
queries, supervised by kg (``backend``); kg's front (``app``, on aiohttp)
checks every request before it gets there (``guard``) and serves the query
UI (``pages``). GET and POST on ``/sparql`` (or ``/query``), updates on
``/sparql`` or ``/update``, the Graph Store Protocol on ``/store``, with
``default-graph-uri`` and ``named-graph-uri`` as the protocol defines.
"""

from kg.serve.app import ServeConfig, main
from kg.serve.guard import Limits, refusal

__all__ = ["Limits", "ServeConfig", "main", "refusal"]
