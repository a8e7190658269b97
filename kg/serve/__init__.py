"""``kg serve``: a SPARQL 1.1 Protocol endpoint you can leave running, and a query UI.

Oxigraph's own server (``oxigraph serve-read-only``, or ``oxigraph serve``
with ``--allow-update``; the same store format as pyoxigraph) answers the
queries, supervised by kg (``backend``); kg's front (``http``: an asyncio
Protocol on httptools' parser; ``app``: the checks and the relay over
``upstream``'s keep-alive pool) checks every request before it gets there
(``guard``) and serves the query UI (``pages``, drawn by ``draw``). GET and
POST on ``/sparql`` (or ``/query``), updates on ``/sparql`` or ``/update``,
the Graph Store Protocol on ``/store``, with ``default-graph-uri`` and
``named-graph-uri`` as the protocol defines.

Importing this package loads nothing: ``python -m kg.serve`` decides what the
serving process holds before asyncio is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.serve.app import ServeConfig, main
    from kg.serve.guard import Limits, refusal

__all__ = ["Limits", "ServeConfig", "main", "refusal"]


def __getattr__(name: str) -> Any:
    if name in ("ServeConfig", "main"):
        from kg.serve import app

        return getattr(app, name)
    if name in ("Limits", "refusal"):
        from kg.serve import guard

        return getattr(guard, name)
    raise AttributeError(f"module 'kg.serve' has no attribute {name!r}")
