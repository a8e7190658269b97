"""The pages people see: the query UI at /, its assets, an entity's page, a drawn CONSTRUCT.

The UI is YASGUI (``@zazuko/yasgui`` from the npm registry, MIT), vendored in
``kg/serve/static`` so the page loads nothing from another host. Entity
pages and drawn CONSTRUCT results are kg's own HTML view (``kg.viz``) over
the store folder opened read-only (as ``kg query`` reads it), built in a
worker thread and bounded by ``--timeout``.
"""

from __future__ import annotations

import asyncio
import html
import json
from functools import cache
from http import HTTPStatus
from importlib import resources

from aiohttp import web

from kg.serve.guard import refusal

ASSETS = {
    "yasgui.min.js": "application/javascript",
    "yasgui.min.css": "text/css",
    "kg-ui.js": "application/javascript",
    "kg-ui.css": "text/css",
}
# Pages are framed only by this server, and run no script from anywhere else.
SECURITY = {
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "default-src 'self' 'unsafe-inline' data: blob:; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
}
ENTITY_NAMESPACE = "https://w3id.org/kg-news/id/"


@cache
def asset(name: str) -> bytes:
    return resources.files("kg.serve").joinpath("static", name).read_bytes()


def examples() -> list[dict[str, str]]:
    """The example queries the UI offers (the README's), from kg/serve/static/examples.json."""
    return json.loads(asset("examples.json"))


def add_pages(front: object) -> None:
    """Register the UI's pages on the front (``front.pages``: path -> handler)."""
    config = front.config

    async def index(request: web.BaseRequest) -> web.Response:
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
        return web.Response(text=page, content_type="text/html", headers=SECURITY)

    async def static(request: web.BaseRequest) -> web.Response:
        name = request.path.rsplit("/", 1)[-1]
        if name not in ASSETS:
            return web.Response(status=404, text="no such file\n", content_type="text/plain")
        headers = {**SECURITY, "Cache-Control": "max-age=3600"}
        return web.Response(body=asset(name), content_type=ASSETS[name], headers=headers)

    async def entity(request: web.BaseRequest) -> web.Response:
        iri = request.query.get("iri", "")
        if not iri.startswith(("http://", "https://")) or any(c in iri for c in '<>" {}|\\^`'):
            return page_error(HTTPStatus.BAD_REQUEST, "give an entity IRI in ?iri=")
        return await drawn(front, lambda store: entity_page(store, iri))

    async def graph(request: web.BaseRequest) -> web.Response:
        query = request.query.get("query", "")
        refused = refusal(query, config.limits) if query else "give a CONSTRUCT query in ?query="
        if refused:
            return page_error(HTTPStatus.BAD_REQUEST, refused)
        return await drawn(front, lambda store: construct_page(store, front.with_prefixes(query)))

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


def page_error(status: int, message: str) -> web.Response:
    body = f"<!doctype html><meta charset=utf-8><title>kg</title><p>{html.escape(message)}</p>\n"
    return web.Response(status=status, text=body, content_type="text/html", headers=SECURITY)


async def drawn(front: object, build: object) -> web.Response:
    """An HTML page built by ``build(store)`` on a thread, over the served store."""
    from kg.errors import KGError
    from kg.store import open_store

    folder = front.config.folder
    await front.supervisor.ready.wait()
    try:
        # The folder read as `kg query` reads it (its merged layer is the default graph);
        # an in-memory store only through the server.
        store = await asyncio.to_thread(
            open_store, folder or front.supervisor.base, read_only=folder is not None
        )
        async with asyncio.timeout(front.config.timeout):
            page = await asyncio.to_thread(build, store)
    except TimeoutError:
        return page_error(
            HTTPStatus.SERVICE_UNAVAILABLE, f"drawing took longer than {front.config.timeout:g}s"
        )
    except KGError as err:
        return page_error(HTTPStatus.BAD_REQUEST, str(err))
    finally:
        if "store" in locals():
            store.close()
    return web.Response(text=page, content_type="text/html", headers=SECURITY)


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
        rows.append(f"<tr><td>{links[0]}</td><td>{html.escape(predicate)}</td>"
                    f"<td>{links[1]}</td><td>{quotes}</td></tr>")  # fmt: skip
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
