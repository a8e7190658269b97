"""The pages people see: the query UI at /, its assets, an entity's page, a drawn CONSTRUCT.

The UI is YASGUI (``@zazuko/yasgui`` from the npm registry, MIT), vendored in
``kg/serve/static`` so the page loads nothing from another host. Entity
pages and drawn CONSTRUCT results are kg's own HTML view (``kg.viz``) over
the store folder opened read-only (as ``kg query`` reads it), built in a
process of their own (``kg.serve.draw``) that is killed past ``--timeout``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import sys
from functools import cache
from pathlib import Path

from kg.serve.guard import refusal
from kg.serve.http import Answer, Request

ASSETS = {
    "yasgui.min.js": b"application/javascript",
    "yasgui.min.css": b"text/css",
    "kg-ui.js": b"application/javascript",
    "kg-ui.css": b"text/css",
}
# Pages are framed only by this server, and run no script from anywhere else.
SECURITY = (
    b"X-Frame-Options: SAMEORIGIN\r\n"
    b"Content-Security-Policy: default-src 'self' 'unsafe-inline' data: blob:; "
    b"img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'self'\r\n"
    b"X-Content-Type-Options: nosniff\r\n"
)
HTML = b"text/html; charset=utf-8"
STATIC = Path(__file__).parent / "static"  # shipped in the wheel beside this module
ENTITY_NAMESPACE = "https://w3id.org/kg-news/id/"


@cache
def asset(name: str) -> bytes:
    return (STATIC / name).read_bytes()


def examples() -> list[dict[str, str]]:
    """The example queries the UI offers (the README's), from kg/serve/static/examples.json."""
    return json.loads(asset("examples.json"))


def add_pages(front: object) -> None:
    """Register the UI's pages on the front (``front.pages``: path -> handler)."""
    config = front.config

    async def index(request: Request, params: list[tuple[str, str]]) -> Answer:
        settings = {
            "endpoint": "/sparql",
            "prefixes": prefix_map(config.prefixes),
            "examples": examples(),
            "entityNamespace": ENTITY_NAMESPACE,
            "mode": "read-write" if config.allow_update else "read-only",
        }
        page = (
            asset("index.html")
            .decode()
            .replace("{{settings}}", html.escape(json.dumps(settings), quote=True))
        )
        return Answer(200, HTML, page.encode(), SECURITY)

    async def static(request: Request, params: list[tuple[str, str]]) -> Answer:
        name = request.target.partition(b"?")[0].rsplit(b"/", 1)[-1].decode("latin-1")
        return Answer(200, ASSETS[name], asset(name), SECURITY + b"Cache-Control: max-age=3600\r\n")

    async def entity(request: Request, params: list[tuple[str, str]]) -> Answer:
        iri = dict(params).get("iri", "")
        if not iri.startswith(("http://", "https://")) or any(c in iri for c in '<>" {}|\\^`'):
            return page_error(400, "give an entity IRI in ?iri=")
        return await drawn(front, "entity", iri)

    async def graph(request: Request, params: list[tuple[str, str]]) -> Answer:
        query = dict(params).get("query", "")
        refused = refusal(query, config.limits) if query else "give a CONSTRUCT query in ?query="
        if refused:
            return page_error(400, refused)
        return await drawn(front, "graph", front.with_prefixes(query))

    front.pages.update({"/": index, "/entity": entity, "/graph": graph})
    front.pages.update({f"/ui/{name}": static for name in ASSETS})


def prefix_map(header: str) -> dict[str, str]:
    """``{"kg": "https://...#"}`` from PREFIX lines.

    >>> prefix_map("PREFIX kg: <https://w3id.org/kg-news/ontology#>")
    {'kg': 'https://w3id.org/kg-news/ontology#'}
    """
    found = {}
    for line in header.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].upper() == "PREFIX":
            found[parts[1].rstrip(":")] = parts[2].strip("<>")
    return found


def page_error(status: int, message: str) -> Answer:
    body = f"<!doctype html><meta charset=utf-8><title>kg</title><p>{html.escape(message)}</p>\n"
    return Answer(status, HTML, body.encode(), SECURITY)


async def drawn(front: object, kind: str, argument: str) -> Answer:
    """A page drawn by ``python -m kg.serve.draw`` over the served store, within the timeout.

    Drawing needs rdflib, networkx and kg's views: a process of its own keeps
    them out of the server's memory, and is killed if it runs past ``--timeout``.
    """
    await front.supervisor.ready.wait()
    # The folder read as `kg query` reads it (its merged layer is the default graph);
    # an in-memory store only through the server.
    folder = front.config.folder
    location = str(folder) if folder is not None else front.supervisor.base
    job = json.dumps(
        {"kind": kind, "argument": argument, "location": location, "read_only": folder is not None}
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kg.serve.draw",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(front.config.timeout):
            page, problem = await process.communicate(job.encode())
    except TimeoutError:
        return page_error(503, f"drawing took longer than {front.config.timeout:g}s")
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    if process.returncode != 0:
        lines = problem.decode("utf-8", "replace").strip().splitlines()
        return page_error(
            400 if process.returncode == 2 else 500, lines[-1] if lines else "drawing failed"
        )
    return Answer(200, HTML, page, SECURITY)


def entity_page(store: object, iri: str) -> str:
    """An entity's page: its facts with the sentences behind them, and its neighbourhood."""
    from kg.analytics import evidence_index
    from kg.views import to_networkx
    from kg.viz import VizOptions, iframe, viz_html

    graph = to_networkx(store)
    if iri not in graph:
        return entity_missing(iri)
    label = graph.nodes[iri].get("label", iri)
    evidence = evidence_index(store)
    rows = []
    edges = {(u, d["predicate"], v) for u, v, d in graph.edges(data=True) if iri in (u, v)}
    for subject, predicate, obj in sorted(edges):
        links = [
            f'<a href="/entity?iri={html.escape(n, quote=True)}">'
            f"{html.escape(graph.nodes[n].get('label', n))}</a>"
            for n in (subject, obj)
        ]
        quotes = "".join(
            f"<blockquote>{html.escape(e.sentence)}</blockquote>"
            f'<p class="meta">{html.escape(e.modality)} · {html.escape(e.title or e.article)}'
            f"{' · ' + html.escape(e.date) if e.date else ''}</p>"
            for e in evidence.get((subject, predicate, obj), ())
        )
        rows.append(
            f"<tr><td>{links[0]}</td><td>{html.escape(predicate)}</td>"
            f"<td>{links[1]}</td><td>{quotes}</td></tr>"
        )
    drawing = viz_html(store, VizOptions(focus=iri, depth=1, title=f"kg: {label}"))
    table = "".join(rows) or '<tr><td colspan="4">no stated facts</td></tr>'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg: {html.escape(label)}</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/ui/kg-ui.css"></head>
<body class="entity"><header><a href="/">&larr; query</a>
<h1 id="entity-label">{html.escape(label)}</h1><code>{html.escape(iri)}</code></header>
<h2>Facts ({len(rows)})</h2>
<table id="facts"><thead><tr><th>subject</th><th>relation</th><th>object</th>
<th>evidence</th></tr></thead><tbody>{table}</tbody></table>
<h2>Neighbourhood</h2>{iframe(drawing, height=560)}
</body></html>
"""


def entity_missing(iri: str) -> str:
    return (
        '<!doctype html><meta charset="utf-8"><title>kg</title><link rel="stylesheet" '
        f'href="/ui/kg-ui.css"><p><a href="/">&larr; query</a></p><p>No entity '
        f"<code>{html.escape(iri)}</code> in this store.</p>\n"
    )


def construct_page(store: object, query: str) -> str:
    from kg.viz import VizOptions, viz_html

    return viz_html(store, VizOptions(query=query, title="kg: CONSTRUCT result"))
