"""The interactive HTML view: one self-contained file built with pyvis.

pyvis builds the nodes, edges and options; the page around them is kg's own
template (``kg/templates/viz.html``) with vis-network inlined from the copy
pyvis ships, because pyvis's template links Bootstrap, vis and tom-select
from CDNs even with ``cdn_resources="in_line"``. The file opens from disk
or a mail attachment with no network.

>>> from kg.viz import iframe
>>> iframe("<p>hi</p>", height=100).split(" style=")[0]
'<iframe srcdoc="&lt;p&gt;hi&lt;/p&gt;"'
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx
import pyoxigraph as ox
import pyvis
from markupsafe import Markup
from pyvis.network import Network

from kg.analytics import EvidenceIndex, evidence_index, find_entity, scores
from kg.errors import InputError, KGError
from kg.files import write_atomically
from kg.ontology import SYMMETRIC
from kg.store import Store
from kg.views import local_name, to_networkx, with_prefixes

VIS_VERSION = "9.1.2"
CLASS_COLOURS = {
    "Organization": "#4e79a7",
    "Person": "#f28e2b",
    "Product": "#59a14f",
    "Place": "#e15759",
}
OTHER_COLOUR = "#9c9c9c"
NODE_SIZE = (10.0, 40.0)


@dataclass(frozen=True)
class Layout:
    """How hard the layout works before it stops, for graphs up to ``up_to`` entities."""

    up_to: float
    iterations: int
    theta: float
    """Barnes-Hut approximation: higher is coarser and faster."""
    curved: bool
    improved: bool
    """vis-network's improvedLayout (Kamada-Kawai seeding): good but slow on big graphs."""


LAYOUTS = (
    Layout(up_to=150, iterations=400, theta=0.5, curved=True, improved=True),
    Layout(up_to=800, iterations=200, theta=0.7, curved=False, improved=False),
    Layout(up_to=float("inf"), iterations=100, theta=0.9, curved=False, improved=False),
)
"""Measured with benchmarks/viz_bench.py: 2,000 entities become interactive in ~3 s."""

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class VizOptions:
    """What to draw: everything, a neighbourhood, a CONSTRUCT result; how many nodes."""

    focus: str | None = None
    depth: int = 1
    query: str | None = None
    max_nodes: int | None = None
    size_by: str = "degree"
    title: str = "kg: knowledge graph"


@dataclass(frozen=True)
class View:
    """The graph to draw, and how many entities were cut by ``max_nodes``."""

    graph: nx.MultiDiGraph
    total: int
    left_out: int


def neighbourhood(graph: nx.MultiDiGraph, focus: str, depth: int) -> nx.MultiDiGraph:
    """Entities within ``depth`` relations of ``focus`` (either direction)."""
    centre = find_entity(graph, focus)
    near = nx.ego_graph(graph.to_undirected(as_view=True), centre, radius=depth)
    return graph.subgraph(near.nodes).copy()


def construct_graph(store: Store, graph: nx.MultiDiGraph, sparql: str) -> nx.MultiDiGraph:
    """The graph a CONSTRUCT query returns, with labels and classes from the store."""
    result = store.query(with_prefixes(sparql))
    if not isinstance(result, ox.QueryTriples):
        raise InputError("--query needs a CONSTRUCT query (it draws the triples it returns)")
    drawn = nx.MultiDiGraph()
    labels: dict[str, str] = {}
    classes: dict[str, str] = {}
    links = []
    for t in result:
        s, p, o = t.subject.value, t.predicate.value, t.object
        if p == RDFS_LABEL:
            labels[s] = o.value
        elif p == RDF_TYPE:
            classes[s] = local_name(o.value)
        elif isinstance(o, ox.NamedNode) and isinstance(t.subject, ox.NamedNode):
            links.append((s, local_name(p), o.value))
    for s, p, o in links:
        for node in (s, o):
            known = graph.nodes[node] if node in graph else {}
            label = known.get("label") or labels.get(node) or local_name(node)
            cls = known.get("class") or classes.get(node, "")
            drawn.add_node(node, label=label, evidence=known.get("evidence", 0), **{"class": cls})
        data = (graph.get_edge_data(s, o) or {}).get(p, {})
        drawn.add_edge(
            s,
            o,
            key=p,
            predicate=p,
            evidence=data.get("evidence", 0),
            hedged=data.get("hedged", False),
        )
    return drawn


def most_central(graph: nx.MultiDiGraph, limit: int, by: str) -> nx.MultiDiGraph:
    ranked = sorted(scores(graph, by).items(), key=lambda kv: (-kv[1], graph.nodes[kv[0]]["label"]))
    return graph.subgraph(n for n, _ in ranked[:limit]).copy()


def select(store: Store, options: VizOptions) -> View:
    """Apply --query, --focus/--depth and --max-nodes, in that order."""
    graph = to_networkx(store)
    if options.query is not None:
        graph = construct_graph(store, graph, options.query)
    if options.focus is not None:
        graph = neighbourhood(graph, options.focus, options.depth)
    if len(graph) == 0:
        raise KGError("nothing to draw: no entity with a relation; build articles into the store")
    total = len(graph)
    if options.max_nodes is not None and total > options.max_nodes:
        graph = most_central(graph, options.max_nodes, options.size_by)
    return View(graph, total, total - len(graph))


def sizes(graph: nx.MultiDiGraph, by: str) -> dict[str, float]:
    measured = scores(graph, by)
    top = max(measured.values(), default=0.0) or 1.0
    low, high = NODE_SIZE
    return {n: round(low + (high - low) * s / top, 2) for n, s in measured.items()}


def edge_title(label: str, evidence: tuple) -> str:
    """The hover text: every sentence with its source and confidence (plain text)."""
    lines = [label]
    for ev in evidence:
        lines.append(f"\n\u201c{ev.sentence}\u201d")
        lines.append(f"{ev.source()} \u00b7 confidence {ev.confidence:.2f} \u00b7 {ev.modality}")
        if ev.url:
            lines.append(ev.url)
    return "\n".join(lines)


def physics_options(count: int) -> dict:
    """Stabilise once, then stop: the page turns physics off when layout is done."""
    layout = next(tier for tier in LAYOUTS if count <= tier.up_to)
    return {
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -6000,
                "springLength": 140,
                "damping": 0.4,
                "theta": layout.theta,
            },
            "stabilization": {
                "enabled": True,
                "iterations": layout.iterations,
                "updateInterval": 25,
                "fit": True,
            },
        },
        "layout": {"improvedLayout": layout.improved, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": not layout.curved},
        "edges": {
            "smooth": {"enabled": True, "type": "dynamic"} if layout.curved else False,
            "font": {"size": 11, "align": "middle", "strokeWidth": 3},
            "color": {"color": "#8a8a8a", "highlight": "#222222", "hover": "#222222"},
            "width": 1.5,
            "hoverWidth": 1.5,
            "selectionWidth": 2.5,
        },
        "nodes": {"font": {"size": 14}, "borderWidth": 1},
    }


def network(view: View, evidence: EvidenceIndex, size_by: str) -> Network:
    """The pyvis network: coloured, sized, labelled, hedged edges dashed."""
    graph = view.graph
    net = Network(directed=True, cdn_resources="in_line")
    size = sizes(graph, size_by)
    for node in sorted(graph, key=lambda n: (graph.nodes[n]["label"], n)):
        data = graph.nodes[node]
        cls = data.get("class") or "Other"
        net.add_node(
            node,
            label=data["label"],
            cls=cls,
            size=size[node],
            shape="dot",
            color=CLASS_COLOURS.get(cls, OTHER_COLOUR),
            title=f"{data['label']} ({cls})\n{graph.degree(node)} relation(s)",
        )
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1]))
    for i, (s, o, key, data) in enumerate(edges):
        found = evidence.get((s, key, o), ())
        label = f"{graph.nodes[s]['label']} {key} {graph.nodes[o]['label']}"
        net.add_edge(
            s,
            o,
            id=f"e{i}",
            label=key,
            relation=key,
            dashes=bool(data.get("hedged")),
            arrows="" if key in SYMMETRIC else "to",
            title=edge_title(label, found),
        )
    net.options = physics_options(len(graph))
    return net


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, from the copy bundled with pyvis."""
    lib = Path(pyvis.__file__).parent / "lib" / f"vis-{VIS_VERSION}"
    return (lib / "vis-network.min.js").read_text("utf-8"), (lib / "vis-network.css").read_text(
        "utf-8"
    )


@cache
def template() -> jinja2.Template:
    source = (Path(str(resources.files("kg"))) / "templates" / "viz.html").read_text("utf-8")
    return jinja2.Environment(autoescape=True).from_string(source)


def script_json(value: object) -> Markup:
    """JSON safe inside a <script> element: no '<' at all, so no tag can open or close."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c"))


def counted(values: list[str]) -> list[dict[str, object]]:
    return [{"name": k, "count": v} for k, v in sorted(Counter(values).items())]


def render(view: View, evidence: EvidenceIndex, options: VizOptions) -> str:
    """The HTML page for ``view``."""
    net = network(view, evidence, options.size_by)
    js, css = vis_assets()
    edge_evidence = {
        e["id"]: [asdict(ev) for ev in evidence.get((e["from"], e["relation"], e["to"]), ())]
        for e in net.edges
    }
    classes = [
        {**c, "colour": CLASS_COLOURS.get(str(c["name"]), OTHER_COLOUR)}
        for c in counted([n["cls"] for n in net.nodes])
    ]
    summary = f"{len(net.nodes)} entities, {len(net.edges)} relations"
    note = (
        f"Showing the {len(net.nodes)} most central of {view.total} entities "
        f"({view.left_out} left out; raise --max-nodes to see more)."
        if view.left_out
        else ""
    )
    data = {
        "nodes": net.nodes,
        "edges": net.edges,
        "evidence": edge_evidence,
        "options": net.options,
    }
    return template().render(
        title=options.title,
        summary=summary,
        note=note,
        labels=sorted({n["label"] for n in net.nodes}),
        classes=classes,
        relations=counted([e["relation"] for e in net.edges]),
        size_by=options.size_by,
        vis_js=Markup(js),
        vis_css=Markup(css),
        data_json=script_json(data),
        pyvis_version=pyvis.__version__,
        vis_version=VIS_VERSION,
    )


def viz_html(store: Store, options: VizOptions | None = None) -> str:
    """The self-contained HTML page for the store (or the part ``options`` selects)."""
    options = options or VizOptions()
    view = select(store, options)
    return render(view, evidence_index(store), options)


def write_html(store: Store, path: Path, options: VizOptions | None = None) -> str:
    """Write the page to ``path`` (must end in .html); returns the page."""
    if path.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"{path}: the output must be an .html file; name it e.g. graph.html")
    page = viz_html(store, options)
    write_atomically(path, page.encode("utf-8"))
    return page


def iframe(page: str, height: int = 600) -> str:
    """The page inside an ``<iframe srcdoc>``: inline in JupyterLab, Notebook and VS Code.

    A ``srcdoc`` needs no file the notebook server must serve.
    """
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" '
        f'style="width: 100%; height: {height}px; border: 1px solid #ddd" '
        'sandbox="allow-scripts allow-popups"></iframe>'
    )


@dataclass(frozen=True)
class Page:
    """An HTML view that draws itself in a notebook cell."""

    html: str = field(repr=False)
    height: int = 600

    def __repr__(self) -> str:
        return f"<kg viz page: {len(self.html):,} characters; shown inline in a notebook>"

    def _repr_html_(self) -> str:
        return iframe(self.html, self.height)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path
