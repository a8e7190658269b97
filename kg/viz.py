"""Store -> the interactive HTML view: one self-contained file built with pyvis.

pyvis builds the nodes, edges and options; the page around them is kg's own
template (``kg/templates/viz.html`` and its script ``viz.js``) with
vis-network inlined from the copy pyvis ships, because pyvis's template links
Bootstrap, vis and tom-select from CDNs even with ``cdn_resources="in_line"``.
The file opens from disk or a mail attachment with no network.

The page draws one edge per pair of entities, listing every relation between
them; each relation keeps its modality (asserted, hedged, negated) and its
span in time, so the page can hide denials and redraw the graph of one day
without asking Python again.

>>> from kg.viz import iframe
>>> iframe("<p>hi</p>", height=100).split(" style=")[0]
'<iframe srcdoc="&lt;p&gt;hi&lt;/p&gt;"'
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx
import pyoxigraph as ox
import pyvis
from markupsafe import Markup
from pyvis.network import Network

from kg.analytics import Evidence, EvidenceIndex, evidence_index, find_entity, scores
from kg.errors import InputError, KGError
from kg.files import write_atomically
from kg.ontology import CLASSES, SYMMETRIC
from kg.store import Store
from kg.views import local_name, term_text, to_networkx, with_prefixes

VIS_VERSION = "9.1.2"
CLASS_COLOURS = {
    "Organization": "#4e79a7",
    "Person": "#f28e2b",
    "Product": "#59a14f",
    "Place": "#e15759",
}
OTHER_COLOUR = "#9c9c9c"
NODE_SIZE = (10.0, 40.0)
FOCUS_BORDER = "#1b1b1b"


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
"""Measured with benchmarks/viz_bench.py: 2,000 entities become interactive in a few seconds."""


@dataclass(frozen=True)
class Labels:
    """Which entity names the page writes at which zoom (sizes in screen pixels).

    At the opening zoom the ``2·√n`` most central entities (at least ``fewest``,
    at most ``most``) are named at ``opening`` px; the others appear one by one,
    least central last, as the zoom nears the scale where a ``base`` px font
    reaches ``threshold`` px. No name is drawn larger than ``largest`` px.
    """

    base: int = 14
    opening: int = 14
    threshold: int = 8
    largest: int = 22
    fewest: int = 8
    most: int = 40


LABELS = Labels()

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class VizOptions:
    """What to draw: everything, a neighbourhood, a CONSTRUCT result; how many nodes; when."""

    focus: str | None = None
    depth: int = 1
    query: str | None = None
    max_nodes: int | None = None
    size_by: str = "degree"
    title: str = "kg: knowledge graph"
    as_of: str | None = None
    """The day (YYYY-MM-DD) the page opens on; None draws every fact whatever its span."""
    show_negated: bool = False
    """Open with the denied (negated) statements drawn, as such."""


@dataclass(frozen=True)
class View:
    """The graph to draw, what was cut from it, and the denials among its entities."""

    graph: nx.MultiDiGraph
    total: int
    left_out: int
    denied: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    """Negated statements: edges keyed by relation with ``statements`` (their Evidence)."""
    in_store: Mapping[str, int] = field(default_factory=dict)
    """Entities per class in the whole store, drawn or not."""
    focus: str | None = None
    whole: bool = True
    """True when nothing narrowed the selection (no --focus, --query or --max-nodes)."""


@dataclass(frozen=True)
class Relation:
    """One fact the page lists on the edge between its two entities."""

    id: str
    source: str
    relation: str
    target: str
    modality: str
    """asserted, hedged or negated."""
    since: str | None
    until: str | None
    directed: bool
    title: str
    """The hover text: the fact, then each sentence with its source (plain text)."""
    evidence: tuple[Evidence, ...] = field(repr=False)

    def page_data(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "evidence"}


def span_bound(value: object) -> str | None:
    """A span bound as YYYY-MM-DD (a bare year is its first day), or None.

    >>> [span_bound(v) for v in ("2016", "2022-05", "2022-05-25", dt.date(2019, 6, 1), None)]
    ['2016-01-01', '2022-05-01', '2022-05-25', '2019-06-01', None]
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    text = str(value).strip()[:10]
    parts = text.split("-")
    return "-".join([*parts, *["01"] * (3 - len(parts))][:3])


def iso_date(text: str) -> str:
    """A day as the user wrote it, checked: YYYY-MM-DD.

    >>> iso_date("2019-06-01")
    '2019-06-01'
    """
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError as err:
        raise InputError(f"--as-of {text}: not a day; write it as YYYY-MM-DD") from err


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
        drawn.add_edge(s, o, key=p, **{"predicate": p, "evidence": 0, "hedged": False, **data})
    return drawn


def most_central(graph: nx.MultiDiGraph, limit: int, by: str) -> nx.MultiDiGraph:
    ranked = sorted(scores(graph, by).items(), key=lambda kv: (-kv[1], graph.nodes[kv[0]]["label"]))
    return graph.subgraph(n for n, _ in ranked[:limit]).copy()


NEGATED_QUERY = """
SELECT ?s ?p ?o ?sentence ?c ?a ?title ?publisher ?date ?url WHERE {
  GRAPH ?g {
    ?st a rdf:Statement ; kg:modality kg:Negated ; rdf:subject ?s ; rdf:predicate ?p ;
        rdf:object ?o ; kg:sentence ?sentence ; kg:confidence ?c ; kg:fromArticle ?a .
    FILTER(isIRI(?o))
    OPTIONAL { ?a dcterms:title ?title } OPTIONAL { ?a kg:publisher ?publisher }
    OPTIONAL { ?a dcterms:date ?date } OPTIONAL { ?a dcterms:source ?url }
  }
}
"""

NAMES_QUERY = """
SELECT ?e (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?class) WHERE {
  VALUES ?e { %s }
  GRAPH ?g { ?e rdfs:label ?l OPTIONAL { ?e a ?c FILTER(STRSTARTS(STR(?c), STR(kg:))) } }
} GROUP BY ?e
"""

IN_STORE_QUERY = """
SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {
  VALUES ?c { %s }
  GRAPH ?g { ?e a ?c ; rdfs:label ?l }
} GROUP BY ?c
"""


def denials(store: Store) -> dict[tuple[str, str, str], tuple[Evidence, ...]]:
    """(subject IRI, relation name, object IRI) of every negated statement -> its evidence."""
    found: dict[tuple[str, str, str], set[Evidence]] = {}
    for row in store.query(with_prefixes(NEGATED_QUERY)):
        value = {k: term_text(row[k]) for k in ("s", "p", "o", "sentence", "c", "a")}
        extra = {k: term_text(row[k]) for k in ("title", "publisher", "date", "url")}
        ev = Evidence(value["sentence"], "negated", float(value["c"]), value["a"], **extra)
        found.setdefault((value["s"], local_name(value["p"]), value["o"]), set()).add(ev)
    return {
        key: tuple(sorted(evs, key=lambda e: (-e.confidence, e.date, e.article, e.sentence)))
        for key, evs in found.items()
    }


def names(store: Store, iris: set[str]) -> dict[str, tuple[str, str]]:
    """IRI -> (label, class) for entities the relation graph does not hold."""
    if not iris:
        return {}
    values = " ".join(f"<{iri}>" for iri in sorted(iris))
    return {
        term_text(row["e"]): (term_text(row["label"]), local_name(term_text(row["class"])))
        for row in store.query(with_prefixes(NAMES_QUERY % values))
    }


def denied_graph(
    store: Store, graph: nx.MultiDiGraph, whole: bool, focus: str | None
) -> nx.MultiDiGraph:
    """Negated statements among the drawn entities, and those about the focus.

    The whole view also adds the entities that only denials name.
    """
    found = {
        (s, p, o): evs
        for (s, p, o), evs in denials(store).items()
        if whole or {s, o} <= set(graph) or focus in (s, o)
    }
    missing = {end for s, _, o in found for end in (s, o) if end not in graph}
    named = names(store, missing)
    denied = nx.MultiDiGraph()
    for (s, p, o), evs in sorted(found.items()):
        if not all(end in graph or end in named for end in (s, o)):
            continue
        for end in (s, o):
            known = graph.nodes[end] if end in graph else None
            label, cls = (known["label"], known.get("class", "")) if known else named[end]
            denied.add_node(end, label=label, **{"class": cls})
        since = min((ev.date for ev in evs if ev.date), default=None)
        denied.add_edge(s, o, key=p, predicate=p, statements=evs, since=since, until=None)
    return denied


def in_store(store: Store) -> dict[str, int]:
    """Entities per class in the store (every article graph), related or not."""
    values = " ".join(f"kg:{c}" for c in CLASSES)
    rows = store.query(with_prefixes(IN_STORE_QUERY % values))
    return {local_name(term_text(r["c"])): int(term_text(r["n"])) for r in rows}


def select(store: Store, options: VizOptions) -> View:
    """Apply --query, --focus/--depth and --max-nodes, in that order."""
    graph = to_networkx(store)
    if options.query is not None:
        graph = construct_graph(store, graph, options.query)
    focus = None
    if options.focus is not None:
        focus = find_entity(graph, options.focus)
        graph = neighbourhood(graph, focus, options.depth)
    if len(graph) == 0:
        raise KGError("nothing to draw: no entity with a relation; build articles into the store")
    total = len(graph)
    if options.max_nodes is not None and total > options.max_nodes:
        graph = most_central(graph, options.max_nodes, options.size_by)
        focus = focus if focus in graph else None
    whole = options.query is None and options.focus is None and len(graph) == total
    denied = denied_graph(store, graph, whole, focus)
    return View(graph, total, total - len(graph), denied, in_store(store), focus, whole)


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


def modality(data: Mapping) -> str:
    """asserted | hedged, from the edge's ``modality`` (an IRI or a name) or ``hedged`` flag."""
    if data.get("modality"):
        return local_name(str(data["modality"])).lower()
    return "hedged" if data.get("hedged") else "asserted"


def entity_labels(view: View) -> dict[str, str]:
    """Every entity on the page (related or only denied) -> its label."""
    return {n: d["label"] for n, d in [*view.denied.nodes(data=True), *view.graph.nodes(data=True)]}


STRENGTH = ("asserted", "hedged", "negated")


@dataclass(frozen=True)
class Fact:
    """A statement as the graphs hold it, before the page names and numbers it."""

    source: str
    relation: str
    target: str
    modality: str
    since: str | None
    until: str | None
    evidence: tuple[Evidence, ...]

    def key(self) -> tuple[str, str, str, bool]:
        """Symmetric relations stated both ways round are one fact; a denial stays apart."""
        ends = sorted((self.source, self.target)) if self.relation in SYMMETRIC else None
        s, o = ends or (self.source, self.target)
        return s, self.relation, o, self.modality == "negated"


def merged(first: Fact, other: Fact) -> Fact:
    """One fact from two statements of it: the stronger modality, the wider span, all evidence.

    >>> a = Fact("x:a", "partnersWith", "x:b", "hedged", "2016-01-01", "2020-01-01", ())
    >>> b = Fact("x:b", "partnersWith", "x:a", "asserted", "2017-01-01", None, ())
    >>> m = merged(a, b)
    >>> (m.source, m.modality, m.since, m.until)
    ('x:a', 'asserted', '2016-01-01', None)
    """
    since = None if None in (first.since, other.since) else min(first.since, other.since)
    until = None if None in (first.until, other.until) else max(first.until, other.until)
    evidence = sorted(
        set(first.evidence) | set(other.evidence),
        key=lambda e: (-e.confidence, e.date, e.article, e.sentence),
    )
    mode = min(first.modality, other.modality, key=STRENGTH.index)
    return Fact(first.source, first.relation, first.target, mode, since, until, tuple(evidence))


def sentences(evidence: EvidenceIndex, s: str, key: str, o: str) -> tuple[Evidence, ...]:
    """The evidence for a fact; a symmetric one's as stated either way round."""
    found = evidence.get((s, key, o), ())
    if key in SYMMETRIC:
        found = (*found, *(ev for ev in evidence.get((o, key, s), ()) if ev not in found))
    return tuple(found)


def statements(view: View, evidence: EvidenceIndex) -> list[Fact]:
    """Every fact to draw, asserted and hedged ones from the graph, then the denials."""
    found = [
        Fact(
            s,
            key,
            o,
            modality(data),
            span_bound(data.get("since")),
            span_bound(data.get("until")),
            sentences(evidence, s, key, o),
        )
        for s, o, key, data in view.graph.edges(keys=True, data=True)
    ]
    found += [
        Fact(s, key, o, "negated", span_bound(data.get("since")), None, data["statements"])
        for s, o, key, data in view.denied.edges(keys=True, data=True)
    ]
    label = entity_labels(view)
    found.sort(
        key=lambda f: (
            f.modality == "negated",
            label[f.source],
            f.relation,
            label[f.target],
            f.source,
            f.target,
        )
    )
    facts: dict[tuple[str, str, str, bool], Fact] = {}
    for fact in found:
        facts[fact.key()] = merged(facts[fact.key()], fact) if fact.key() in facts else fact
    return list(facts.values())


def relations(view: View, evidence: EvidenceIndex) -> list[Relation]:
    """The facts as the page numbers them, each with its hover text."""
    label = entity_labels(view)
    made = []
    for i, f in enumerate(statements(view, evidence)):
        denied = " (denied)" if f.modality == "negated" else ""
        said = f"{label[f.source]} {f.relation} {label[f.target]}{denied}"
        made.append(
            Relation(
                f"r{i}",
                f.source,
                f.relation,
                f.target,
                f.modality,
                f.since,
                f.until,
                f.relation not in SYMMETRIC,
                edge_title(said, f.evidence),
                f.evidence,
            )
        )
    return made


def pairs(facts: list[Relation]) -> list[list[Relation]]:
    """Facts grouped by the two entities they join (either way round), first fact first."""
    grouped: dict[frozenset[str], list[Relation]] = {}
    for fact in facts:
        grouped.setdefault(frozenset((fact.source, fact.target)), []).append(fact)
    return list(grouped.values())


def node_order(view: View, size: Mapping[str, float]) -> list[str]:
    """Most central first (the focus before all): the order in which names appear."""
    label = entity_labels(view)
    return sorted(label, key=lambda n: (n != view.focus, -size.get(n, 0.0), label[n], n))


def network(view: View, evidence: EvidenceIndex, size_by: str) -> tuple[Network, list[Relation]]:
    """The pyvis network (coloured, sized, one edge per pair) and the facts on its edges."""
    graph, denied = view.graph, view.denied
    net = Network(directed=True, cdn_resources="in_line")
    size = sizes(graph, size_by)
    order = node_order(view, size)
    rank = {node: i for i, node in enumerate(order)}
    label = entity_labels(view)
    for node in sorted(order, key=lambda n: (label[n], n)):
        data = graph.nodes[node] if node in graph else denied.nodes[node]
        cls = data.get("class") or "Other"
        colour = CLASS_COLOURS.get(cls, OTHER_COLOUR)
        said = f"{graph.degree(node)} relation(s)" if node in graph else "named only in denials"
        focus = (
            {
                "borderWidth": 5,
                "borderWidthSelected": 6,
                "shadow": True,
                "color": {"background": colour, "border": FOCUS_BORDER},
            }
            if node == view.focus
            else {"color": colour}
        )
        net.add_node(
            node,
            label=data["label"],
            cls=cls,
            size=size.get(node, NODE_SIZE[0]),
            shape="dot",
            rank=rank[node],
            focus=node == view.focus,
            title=f"{data['label']} ({cls})\n{said}",
            **focus,
        )
    facts = relations(view, evidence)
    for i, group in enumerate(pairs(facts)):
        net.add_edge(group[0].source, group[0].target, id=f"e{i}", relations=[f.id for f in group])
    net.options = physics_options(len(net.nodes))
    return net, facts


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
            "font": {"size": 11, "align": "middle", "strokeWidth": 3, "multi": False},
            "color": {"color": "#8a8a8a", "highlight": "#222222", "hover": "#222222"},
            "width": 1.5,
            "hoverWidth": 1.5,
            "selectionWidth": 2.5,
            "scaling": {"label": {"enabled": False, "drawThreshold": LABELS.threshold}},
        },
        "nodes": {"font": {"size": 0}, "borderWidth": 1},  # the page writes the names itself
    }


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, from the copy bundled with pyvis."""
    lib = Path(pyvis.__file__).parent / "lib" / f"vis-{VIS_VERSION}"
    return (lib / "vis-network.min.js").read_text("utf-8"), (lib / "vis-network.css").read_text(
        "utf-8"
    )


def template_text(name: str) -> str:
    return (Path(str(resources.files("kg"))) / "templates" / name).read_text("utf-8")


@cache
def template() -> jinja2.Template:
    return jinja2.Environment(autoescape=True).from_string(template_text("viz.html"))


def script_json(value: object) -> Markup:
    """JSON safe inside a <script> element: no '<' at all, so no tag can open or close."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c"))


def counted(values: list[str]) -> list[dict[str, object]]:
    return [{"name": k, "count": v} for k, v in sorted(Counter(values).items())]


def left_out_note(view: View, shown: int) -> str:
    if not view.left_out:
        return ""
    return (
        f"Showing the {shown} most central of {view.total} entities "
        f"({view.left_out} left out; raise --max-nodes to see more)."
    )


def render(view: View, evidence: EvidenceIndex, options: VizOptions) -> str:
    """The HTML page for ``view``."""
    net, facts = network(view, evidence, options.size_by)
    js, css = vis_assets()
    drawn = Counter(n["cls"] for n in net.nodes)
    store = {c: max(n, drawn.get(c, 0)) for c, n in view.in_store.items()}
    classes = [
        {**c, "colour": CLASS_COLOURS.get(str(c["name"]), OTHER_COLOUR)}
        for c in counted([n["cls"] for n in net.nodes])
    ]
    data = {
        "nodes": net.nodes,
        "edges": net.edges,
        "relations": {f.id: f.page_data() for f in facts},
        "evidence": {f.id: [vars(ev).copy() for ev in f.evidence] for f in facts},
        "options": net.options,
        "labels": asdict(LABELS),
        "inStore": store,
        "outside": "with no relation" if view.whole else "outside this view",
        "asOf": options.as_of,
        "showNegated": options.show_negated,
        "focus": view.focus,
    }
    return template().render(
        title=options.title,
        note=left_out_note(view, len(view.graph)),
        labels=sorted({n["label"] for n in net.nodes}),
        classes=classes,
        relations=counted([f.relation for f in facts if f.modality != "negated"]),
        denied=sum(f.modality == "negated" for f in facts),
        dated=any(f.since or f.until for f in facts if f.modality != "negated")
        or bool(options.as_of),
        as_of=options.as_of or "",
        show_negated=options.show_negated,
        size_by=options.size_by,
        vis_js=Markup(js),
        vis_css=Markup(css),
        page_js=Markup(template_text("viz.js")),
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
