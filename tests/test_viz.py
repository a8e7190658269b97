"""kg.viz: the HTML page's content, and the page itself in a real headless Chromium."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from browser import chromium
from cli_helpers import run_kg

from kg import KnowledgeGraph
from kg.analytics import Evidence
from kg.examples import example_path
from kg.store import open_store
from kg.viz import Page, View, VizOptions, iframe, render, viz_html

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

EXAMPLE_NODES = {
    ("Huawei", "Organization"),
    ("Huawei Xs 2", "Product"),
    ("Lei Jun", "Person"),
    ("Leica", "Organization"),
    ("P9", "Product"),
    ("Xiaomi", "Organization"),
    ("Xiaomi 12 Ultra", "Product"),
    ("Mi 11 Ultra", "Product"),
}
EXAMPLE_EDGES = {
    ("Huawei", "endedPartnershipWith", "Leica", False),
    ("Huawei Xs 2", "manufacturedBy", "Huawei", False),
    ("Lei Jun", "ceoOf", "Xiaomi", False),
    ("P9", "manufacturedBy", "Huawei", False),
    ("Leica", "partnersWith", "Xiaomi", False),  # symmetric: one edge, from the smaller IRI
    ("Huawei", "partnersWith", "Leica", False),  # 2016 until its end (no sentence of its own)
    ("Xiaomi 12 Ultra", "hasOptics", "Leica", True),
    ("Xiaomi 12 Ultra", "manufacturedBy", "Xiaomi", False),
    ("Mi 11 Ultra", "manufacturedBy", "Xiaomi", False),
}
CONSTRUCT = "CONSTRUCT { ?p kg:manufacturedBy ?m } WHERE { ?p kg:manufacturedBy ?m }"


@pytest.fixture(scope="module")
def store():
    """The example in memory: the on-disk store stays free for the CLI (Oxigraph locks it)."""
    graph = KnowledgeGraph.open("memory:")
    graph.add(example_path())
    return graph.store


def page_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert found, "the page has no kg-data block"
    return json.loads(found.group(1))


def drawn(data: dict) -> tuple[set, set]:
    """(label, class) of the entities; (subject, relation, object, hedged) of the facts."""
    label = {n["id"]: n["label"] for n in data["nodes"]}
    stated = [f for f in data["relations"].values() if f["modality"] != "negated"]
    related = {end for f in stated for end in (f["source"], f["target"])}
    nodes = {(n["label"], n["cls"]) for n in data["nodes"] if n["id"] in related}
    facts = {
        (label[f["source"]], f["relation"], label[f["target"]], f["modality"] == "hedged")
        for f in stated
    }
    return nodes, facts


@pytest.mark.parametrize(
    "options",
    [
        VizOptions(),
        VizOptions(focus="Leica", depth=2),
        VizOptions(max_nodes=3, size_by="pagerank"),
        VizOptions(query=CONSTRUCT),
    ],
    ids=["all", "focus", "max-nodes", "query"],
)
def test_viz_page_is_self_contained(store, options: VizOptions) -> None:
    page = viz_html(store, options)
    assert REMOTE.findall(page) == []
    assert "<script src" not in page and "<link" not in page
    assert "vis.Network" in page and "@import" not in page


def test_viz_page_draws_the_example(store) -> None:
    data = page_data(viz_html(store))
    assert drawn(data) == (EXAMPLE_NODES, EXAMPLE_EDGES)
    colours = {n["cls"]: n["color"] for n in data["nodes"]}
    assert colours == {"Organization": "#4e79a7", "Person": "#f28e2b", "Product": "#59a14f"}
    sizes = {n["label"]: n["size"] for n in data["nodes"]}
    assert (sizes["Xiaomi"], sizes["Leica"], sizes["P9"]) == (40.0, 40.0, 17.5)
    directed = {f["relation"]: f["directed"] for f in data["relations"].values()}
    assert (directed["partnersWith"], directed["hasOptics"]) == (False, True)
    denied = [f for f in data["relations"].values() if f["modality"] == "negated"]
    label = {n["id"]: n["label"] for n in data["nodes"]}
    assert [(label[f["source"]], f["relation"], label[f["target"]]) for f in denied] == [
        ("Huawei Xs 2", "hasOptics", "Leica")
    ]
    assert sorted(len(e["relations"]) for e in data["edges"]) == [1] * 8 + [2]  # Huawei-Leica


def test_viz_page_carries_every_edges_evidence(store) -> None:
    data = page_data(viz_html(store))
    text = example_path().read_text(encoding="utf-8")
    headline = "Xiaomi signs up Leica after the German camera maker leaves Huawei"
    facts = data["relations"]
    counts = sorted(len(data["evidence"][id]) for id, f in facts.items())
    assert counts == [0, 1, 1, 1, 1, 1, 1, 1, 1, 2]  # the implied partnership has no sentence
    for id, fact in facts.items():
        for ev in data["evidence"][id]:
            assert ev["sentence"] in text and ev["sentence"] in fact["title"]
            assert ev["title"] == headline
            assert (ev["publisher"], ev["date"]) == ("kg example desk", "2022-05-25")
            assert ev["url"] == "https://example.org/kg/leica-xiaomi-retold"
            assert ev["modality"] == fact["modality"]


@pytest.mark.parametrize(
    ("options", "labels"),
    [
        (VizOptions(focus="Leica"), {"Huawei", "Leica", "Xiaomi", "Xiaomi 12 Ultra"}),
        (
            VizOptions(focus="lei jun", depth=2),
            {"Lei Jun", "Leica", "Xiaomi", "Xiaomi 12 Ultra", "Mi 11 Ultra"},
        ),
        (
            VizOptions(query=CONSTRUCT),
            {"Huawei", "Huawei Xs 2", "P9", "Xiaomi", "Xiaomi 12 Ultra", "Mi 11 Ultra"},
        ),
        (VizOptions(max_nodes=3), {"Xiaomi", "Huawei", "Leica"}),
        (VizOptions(max_nodes=8), {label for label, _ in EXAMPLE_NODES}),
    ],
    ids=["focus", "focus-depth-2", "query", "max-nodes", "max-nodes-not-reached"],
)
def test_viz_selection_keeps_the_right_entities(store, options: VizOptions, labels: set) -> None:
    nodes, _ = drawn(page_data(viz_html(store, options)))
    assert {label for label, _ in nodes} == labels


@pytest.mark.parametrize(
    ("max_nodes", "note"),
    [
        (
            3,
            "Showing the 3 most central of 8 entities (5 left out; raise --max-nodes to see more).",
        ),
        (None, None),
    ],
)
def test_viz_page_says_how_many_were_left_out(store, max_nodes, note) -> None:
    page = viz_html(store, VizOptions(max_nodes=max_nodes))
    found = re.search(r'<span id="kg-note">(.*?)</span>', page)
    assert (found.group(1) if found else None) == note


def test_viz_page_lists_classes_and_relations_as_filters(store) -> None:
    page = viz_html(store)
    classes = re.findall(r'data-filter="class" value="([^"]+)"', page)
    relations = re.findall(r'data-filter="relation" value="([^"]+)"', page)
    assert classes == ["Organization", "Person", "Product"]
    assert relations == [
        "ceoOf",
        "endedPartnershipWith",
        "hasOptics",
        "manufacturedBy",
        "partnersWith",
    ]


HOSTILE_LABEL = "Acme </script><script>window.pwned = 1</script>"
HOSTILE_SENTENCE = 'Acme <img src=x onerror="window.pwned = 2"> partners with Globex.'


@pytest.fixture(scope="module")
def hostile_store():
    """Markup in labels and sentences, as a scraped page might carry."""
    kg_ns, rdf = "https://w3id.org/kg-news/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    a, b = "https://w3id.org/kg-news/id/organization/acme", "https://w3id.org/kg-news/id/org/globex"
    ev, art = "https://w3id.org/kg-news/evidence/x/1", "https://w3id.org/kg-news/article/x"
    triples = [
        (a, rdf + "type", f"<{kg_ns}Organization>"),
        (b, rdf + "type", f"<{kg_ns}Organization>"),
        (a, "http://www.w3.org/2000/01/rdf-schema#label", json.dumps(HOSTILE_LABEL)),
        (b, "http://www.w3.org/2000/01/rdf-schema#label", '"Globex"'),
        (a, kg_ns + "partnersWith", f"<{b}>"),
        (ev, rdf + "type", f"<{rdf}Statement>"),
        (ev, rdf + "subject", f"<{a}>"),
        (ev, rdf + "predicate", f"<{kg_ns}partnersWith>"),
        (ev, rdf + "object", f"<{b}>"),
        (ev, kg_ns + "sentence", json.dumps(HOSTILE_SENTENCE)),
        (ev, kg_ns + "modality", f"<{kg_ns}Asserted>"),
        (ev, kg_ns + "confidence", '"0.9"'),
        (ev, kg_ns + "fromArticle", f"<{art}>"),
        (art, "http://purl.org/dc/terms/source", '"javascript:alert(1)"'),
    ]
    data = "".join(f"<{s}> <{p}> {o} <{art}> .\n" for s, p, o in triples)
    graph = KnowledgeGraph.open("memory:")
    graph.store.load(data.encode("utf-8"), "nquads", art)
    return graph.store


def test_viz_page_keeps_markup_in_data_as_text(hostile_store) -> None:
    page = viz_html(hostile_store)
    assert "window.pwned" in page and "<script>window.pwned" not in page and "<img" not in page
    data = page_data(page)
    assert {n["label"] for n in data["nodes"]} == {HOSTILE_LABEL, "Globex"}
    (evidence,) = data["evidence"].values()
    assert [e["sentence"] for e in evidence] == [HOSTILE_SENTENCE]


def test_viz_iframe_is_srcdoc_for_notebooks(store) -> None:
    page = viz_html(store, VizOptions(focus="Leica"))
    frame = Page(page, height=420)._repr_html_()
    assert frame == iframe(page, 420)
    assert frame.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "height: 420px" in frame and " src=" not in frame


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-o", "{tmp}/graph.png"],
            "{tmp}/graph.png: the output must be an .html file; name it e.g. graph.html",
        ),
        (
            ["-o", "{tmp}/g.html", "--focus", "Leika"],
            "no entity named 'Leika' in the graph; did you mean 'Leica' or 'Lei Jun'?",
        ),
        (
            ["-o", "{tmp}/g.html", "--query", "SELECT ?s WHERE { ?s ?p ?o }"],
            "--query needs a CONSTRUCT query (it draws the triples it returns)",
        ),
        (
            ["-o", "{tmp}/g.html", "--query", "@{tmp}/missing.rq"],
            "{tmp}/missing.rq: no such query file; check the path after @",
        ),
    ],
    ids=["not-html", "unknown-focus", "select-query", "missing-query-file"],
)
def test_viz_cli_bad_input_is_one_line_exit_2(
    example_store: Path, tmp_path: Path, args: list, message: str
) -> None:
    result = run_kg(
        "viz", "--store", str(example_store), *(a.replace("{tmp}", str(tmp_path)) for a in args)
    )
    assert (result.returncode, result.stderr) == (
        2,
        f"kg: error: {message.replace('{tmp}', str(tmp_path))}\n",
    )
    assert not (tmp_path / "g.html").exists()


def test_viz_cli_empty_store_is_an_error(tmp_path: Path) -> None:
    open_store(tmp_path / "empty").close()  # a store with nothing in it
    result = run_kg("viz", "--store", str(tmp_path / "empty"), "-o", str(tmp_path / "g.html"))
    assert (result.returncode, result.stderr) == (
        2,
        "kg: error: nothing to draw: no entity with a relation; build articles into the store\n",
    )


@pytest.mark.parametrize(
    ("args", "title"),
    [
        ([], "kg: knowledge graph"),
        (["--title", "Camera deals <2022>"], "Camera deals &lt;2022&gt;"),
    ],
)
def test_viz_cli_title(example_store: Path, tmp_path: Path, args: list, title: str) -> None:
    out = tmp_path / "graph.html"
    result = run_kg("viz", "--store", str(example_store), "-o", str(out), *args)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert f"<title>{title}</title>" in page and f"<h1>{title}</h1>" in page


def test_viz_cli_writes_the_page(example_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    query = tmp_path / "made.rq"
    query.write_text(CONSTRUCT, encoding="utf-8")
    result = run_kg("viz", "--store", str(example_store), "-o", str(out), "--query", f"@{query}")
    assert (result.returncode, result.stderr) == (0, f"wrote {out}\n")
    _, edges = drawn(page_data(out.read_text(encoding="utf-8")))
    assert {relation for _, relation, _, _ in edges} == {"manufacturedBy"}


def test_viz_docstring_examples_run() -> None:
    import doctest

    import kg.viz

    result = doctest.testmod(kg.viz)
    assert (result.attempted, result.failed) == (8, 0)


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    driver = chromium("--proxy-bypass-list=<-loopback>")  # loopback to the dead proxy too
    driver.execute_cdp_cmd("Network.enable", {})
    offline = {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0}
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    yield driver
    driver.quit()


DRAWN_NODES = (
    "var n = kgViz.nodes;"
    "return kgViz.network.body.nodeIndices.map(function (i) {"
    "  return [n.get(i).label, n.get(i).cls]; });"
)
DRAWN_FACTS = """
var n = kgViz.nodes, out = [];
kgViz.network.body.edgeIndices.forEach(function (i) {
  kgViz.drawnFacts(i).forEach(function (id) {
    var f = kgViz.facts[id];
    out.push([n.get(f.source).label, f.relation, n.get(f.target).label, f.modality]);
  });
});
return out;
"""


def drawn_nodes(driver) -> set[tuple[str, str]]:
    """(label, class) of every entity the network draws now."""
    return {tuple(n) for n in driver.execute_script(DRAWN_NODES)}


def drawn_facts(driver) -> set[tuple[str, str, str, str]]:
    """(subject, relation, object, modality) of every fact on a drawn edge now."""
    return {tuple(f) for f in driver.execute_script(DRAWN_FACTS)}


def open_page(driver, path: Path) -> None:
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(path.resolve().as_uri())
    deadline = time.monotonic() + 60
    while not driver.execute_script("return Boolean(window.kgViz && window.kgViz.ready)"):
        assert time.monotonic() < deadline, "the layout never stabilised"
        time.sleep(0.05)


def requests_made(driver) -> list[str]:
    events = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
    return [
        e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
    ]


def canvas_point(driver, script: str) -> tuple[float, float]:
    """A network point (from ``script``) in CSS pixels relative to the canvas centre."""
    x, y, width, height = driver.execute_script(
        "var net = kgViz.network, p = (function () {" + script + "})();"
        "var dom = net.canvasToDOM(p), c = net.canvas.frame.canvas.getBoundingClientRect();"
        "return [dom.x, dom.y, c.width, c.height];"
    )
    return x - width / 2, y - height / 2


def pointer_at(driver, offset: tuple[float, float]):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    canvas = driver.find_element(By.CSS_SELECTOR, "#kg-network canvas")
    return ActionChains(driver).move_to_element_with_offset(canvas, *map(round, offset))


def hover_at(driver, offset: tuple[float, float]) -> None:
    pointer_at(driver, offset).perform()


def click_at(driver, offset: tuple[float, float]) -> None:
    pointer_at(driver, offset).click().perform()


@pytest.fixture(scope="module")
def example_page(store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "example.html"
    path.write_text(viz_html(store), encoding="utf-8")
    return path


@pytest.mark.browser
def test_viz_browser_loads_offline_without_errors(browser, example_page: Path) -> None:
    open_page(browser, example_page)
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    requests = requests_made(browser)
    assert [u for u in requests if not u.startswith(LOCAL_SCHEMES)] == []
    # Besides the page, only data: URIs (Chromium's own date-picker icon).
    assert [u for u in requests if not u.startswith("data:")] == [example_page.resolve().as_uri()]
    assert browser.execute_script("return kgViz.network.physics.options.enabled") is False
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "viz-example.png"))


@pytest.mark.browser
def test_viz_browser_draws_the_expected_network(browser, example_page: Path) -> None:
    open_page(browser, example_page)
    assert drawn_nodes(browser) == EXAMPLE_NODES
    assert {(s, r, o, m == "hedged") for s, r, o, m in drawn_facts(browser)} == EXAMPLE_EDGES
    dashes = browser.execute_script(
        "return kgViz.network.body.edgeIndices.map(function (i) {"
        "  return [kgViz.edges.get(i).label, kgViz.network.body.edges[i].options.dashes]; });"
    )
    assert sorted(dashes) == [
        ["ceoOf", False],
        ["endedPartnershipWith\npartnersWith", False],
        ["hasOptics", True],
    ] + [["manufacturedBy", False]] * 4 + [["partnersWith", False]]


@pytest.mark.browser
def test_viz_browser_hover_and_click_on_an_edge_show_its_evidence(
    browser, example_page: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(browser, example_page)
    edge = browser.execute_script(
        "return kgViz.edges.get().filter(function (e) {"
        "  return kgViz.drawnFacts(e.id).some(function (f) {"
        "    return kgViz.facts[f].relation === 'hasOptics'; }); })[0].id"
    )
    (fact,) = browser.execute_script(f"return kgViz.drawnFacts('{edge}')")
    point = canvas_point(
        browser,
        f"return net.body.edges['{edge}'].edgeType.getPoint(0.5);",
    )
    hover_at(browser, point)
    tooltip = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "div.vis-tooltip").text or None
    )
    sentence, confidence = browser.execute_script(
        f"var ev = kgViz.evidence['{fact}'][0]; return [ev.sentence, ev.confidence];"
    )
    assert sentence in example_path().read_text(encoding="utf-8")
    assert tooltip == (
        f"Xiaomi 12 Ultra hasOptics Leica\n\n\u201c{sentence}\u201d\n"
        "Xiaomi signs up Leica after the German camera maker leaves Huawei, kg example desk, "
        f"2022-05-25 · confidence {confidence:.2f} · hedged\nhttps://example.org/kg/leica-xiaomi-retold"
    )
    click_at(browser, point)
    panel = browser.find_element(By.ID, "kg-panel")
    assert panel.find_element(By.TAG_NAME, "h2").text == "Xiaomi 12 Ultra —hasOptics→ Leica"
    (box,) = panel.find_elements(By.CSS_SELECTOR, ".evidence")
    sentence = box.find_element(By.TAG_NAME, "blockquote").text
    assert sentence.strip("\u201c\u201d") in example_path().read_text(encoding="utf-8")
    assert box.find_element(By.CSS_SELECTOR, ".source").text == (
        "Xiaomi signs up Leica after the German camera maker leaves Huawei · kg example desk · "
        "2022-05-25"
    )
    link = box.find_element(By.CSS_SELECTOR, "a.link")
    assert link.get_attribute("href") == "https://example.org/kg/leica-xiaomi-retold"
    assert box.find_element(By.CSS_SELECTOR, ".confidence").text.endswith("· hedged")
    assert "hedged" in box.get_attribute("class").split()
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "viz-example-evidence.png"))


@pytest.mark.browser
def test_viz_browser_search_finds_an_entity(browser, example_page: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(browser, example_page)
    search = browser.find_element(By.ID, "kg-search")
    search.send_keys("lei jun", Keys.ENTER)
    selected = browser.execute_script(
        "return kgViz.network.getSelectedNodes()"
        ".map(function (i) { return kgViz.nodes.get(i).label; })"
    )
    assert selected == ["Lei Jun"]
    panel = browser.find_element(By.ID, "kg-panel")
    assert panel.find_element(By.TAG_NAME, "h2").text == "Lei Jun (Person)"
    assert panel.find_element(By.TAG_NAME, "li").text == "Lei Jun ceoOf Xiaomi"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("kind", "value", "nodes", "edges"),
    [("class", "Product", 4, 3), ("relation", "manufacturedBy", 8, 4)],
)
def test_viz_browser_filters_hide_classes_and_relations(
    browser, example_page: Path, kind: str, value: str, nodes: int, edges: int
) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, example_page)
    box = browser.find_element(By.CSS_SELECTOR, f'input[data-filter="{kind}"][value="{value}"]')
    box.click()
    counts = browser.execute_script(
        "var b = kgViz.network.body; return [b.nodeIndices.length, b.edgeIndices.length];"
    )
    assert counts == [nodes, edges]
    box.click()
    counts = browser.execute_script(
        "var b = kgViz.network.body; return [b.nodeIndices.length, b.edgeIndices.length];"
    )
    assert counts == [8, 8]


@pytest.mark.browser
def test_viz_browser_shows_the_left_out_note(browser, store, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    path = tmp_path / "top.html"
    path.write_text(viz_html(store, VizOptions(max_nodes=3)), encoding="utf-8")
    open_page(browser, path)
    assert browser.find_element(By.ID, "kg-note").text.startswith("Showing the 3 most central of 8")
    assert browser.execute_script("return kgViz.network.body.nodeIndices.length") == 3


@pytest.mark.browser
def test_viz_browser_runs_no_markup_from_the_data(browser, hostile_store, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    path = tmp_path / "hostile.html"
    path.write_text(viz_html(hostile_store), encoding="utf-8")
    open_page(browser, path)
    edge = browser.execute_script("return kgViz.edges.getIds()[0]")
    browser.execute_script(f"kgViz.showEdge('{edge}')")
    panel = browser.find_element(By.ID, "kg-panel")
    assert panel.find_element(By.TAG_NAME, "blockquote").text == f"\u201c{HOSTILE_SENTENCE}\u201d"
    assert panel.find_elements(By.CSS_SELECTOR, "a.link") == []  # a javascript: URL is no link
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "img") == []


# --- pages drawn from graphs built by hand (the edge attributes of kg.views.to_networkx) ---------

ORG = "https://w3id.org/kg-news/id/organization/"


def iri(name: str) -> str:
    return ORG + name.lower().replace(" ", "-")


def hand_view(facts: list[tuple], in_store: dict | None = None, focus: str | None = None) -> View:
    """Organisations joined by ``(subject, relation, object, attributes)``; since/until/modality
    are the edge attributes the time engineer's ``to_networkx`` carries."""
    graph = nx.MultiDiGraph()
    for s, relation, o, extra in facts:
        for end in (s, o):
            graph.add_node(iri(end), label=end, evidence=1, **{"class": "Organization"})
        attributes = {"since": None, "until": None, "modality": "asserted", **extra}
        graph.add_edge(
            iri(s),
            iri(o),
            key=relation,
            predicate=relation,
            evidence=1,
            hedged=attributes["modality"] == "hedged",
            **attributes,
        )
    return View(graph, len(graph), 0, in_store=in_store or {}, focus=focus and iri(focus))


def hand_page(tmp_path: Path, view: View, evidence=None, **options) -> Path:
    path = tmp_path / "hand.html"
    path.write_text(render(view, evidence or {}, VizOptions(**options)), encoding="utf-8")
    return path


DATED = [
    ("Huawei", "partnersWith", "Leica", {"since": "2016-04-06", "until": "2022-05-24"}),
    ("Xiaomi", "partnersWith", "Leica", {"since": "2022-05-24"}),
    ("Xiaomi", "competesWith", "Huawei", {}),
    ("Sony", "supplierOf", "Xiaomi", {"since": "2020", "modality": "hedged"}),
]


def test_viz_page_carries_each_facts_span() -> None:
    data = page_data(render(hand_view(DATED), {}, VizOptions(as_of="2019-06-01")))
    spans = {
        (f["source"].rsplit("/", 1)[1], f["relation"], f["since"], f["until"], f["modality"])
        for f in data["relations"].values()
    }
    assert spans == {
        ("huawei", "partnersWith", "2016-04-06", "2022-05-24", "asserted"),
        ("xiaomi", "partnersWith", "2022-05-24", None, "asserted"),
        ("xiaomi", "competesWith", None, None, "asserted"),
        ("sony", "supplierOf", "2020-01-01", None, "hedged"),
    }
    assert (data["asOf"], data["showNegated"]) == ("2019-06-01", False)


PARALLEL = [
    ("Huawei", "partnersWith", "Leica", {}),
    ("Leica", "partnersWith", "Huawei", {"modality": "hedged"}),
    ("Leica", "endedPartnershipWith", "Huawei", {}),
    ("Huawei", "supplierOf", "Leica", {}),
    ("Leica", "supplierOf", "Huawei", {}),
]


def test_viz_page_joins_parallel_relations_into_one_edge() -> None:
    data = page_data(render(hand_view(PARALLEL), {}, VizOptions()))
    facts = data["relations"]
    ((edge),) = data["edges"]
    listed = [
        (facts[i]["source"].rsplit("/", 1)[1], facts[i]["relation"], facts[i]["modality"])
        for i in edge["relations"]
    ]
    assert listed == [
        ("huawei", "partnersWith", "asserted"),  # stated both ways round: one fact, the stronger
        ("huawei", "supplierOf", "asserted"),
        ("leica", "endedPartnershipWith", "asserted"),
        ("leica", "supplierOf", "asserted"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2019-13-01", "--as-of 2019-13-01: not a day; write it as YYYY-MM-DD"),
        ("June 2019", "--as-of June 2019: not a day; write it as YYYY-MM-DD"),
    ],
)
def test_viz_cli_bad_day_is_one_line_exit_2(example_store, tmp_path: Path, text, message) -> None:
    out = tmp_path / "g.html"
    result = run_kg("viz", "--store", str(example_store), "-o", str(out), "--as-of", text)
    assert (result.returncode, result.stderr) == (2, f"kg: error: {message}\n")
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "as_of", "negated"),
    [([], None, False), (["--as-of", "2019-06-01", "--show-negated"], "2019-06-01", True)],
    ids=["off", "on"],
)
def test_viz_cli_as_of_and_show_negated(example_store, tmp_path: Path, args, as_of, negated):
    out = tmp_path / "g.html"
    result = run_kg("viz", "--store", str(example_store), "-o", str(out), *args)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    data = page_data(page)
    assert (data["asOf"], data["showNegated"]) == (as_of, negated)
    assert ('id="kg-negated" checked' in page) is negated
    assert ('id="kg-any-day" checked' in page) is (as_of is None)


# --- in the browser: reading, filtering, denials, dates ------------------------------------------


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def wait_for(driver, script: str, timeout: float = 10.0):
    """The value of ``script`` once it is truthy (the page redraws on the next animation frame)."""
    deadline = time.monotonic() + timeout
    while not (value := driver.execute_script(script)):
        assert time.monotonic() < deadline, f"never true: {script}"
        time.sleep(0.05)
    return value


def header(driver) -> tuple[str, str]:
    from selenium.webdriver.common.by import By

    return (
        driver.find_element(By.ID, "kg-summary").text,
        driver.find_element(By.ID, "kg-left-out").text,
    )


def legend(driver, kind: str) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    spans = driver.find_elements(By.CSS_SELECTOR, f'[data-count="{kind}"]')
    return {s.get_attribute("data-name"): s.text for s in spans}


def toggle(driver, kind: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f'input[data-filter="{kind}"][value="{value}"]').click()


@pytest.mark.browser
def test_viz_browser_counts_follow_the_filters(browser, example_page: Path) -> None:
    open_page(browser, example_page)
    assert header(browser) == ("8 of 8 entities, 9 relations", "")
    toggle(browser, "class", "Product")
    assert header(browser) == (
        "4 of 8 entities, 4 relations",
        "not drawn: 4 hidden by the class filters",
    )
    assert legend(browser, "class") == {"Organization": "3", "Person": "1", "Product": "4"}
    assert legend(browser, "relation") == {
        "ceoOf": "1",
        "endedPartnershipWith": "1",
        "hasOptics": "0",
        "manufacturedBy": "0",
        "partnersWith": "2",
    }
    toggle(browser, "relation", "ceoOf")
    assert header(browser) == (
        "4 of 8 entities, 3 relations",
        "not drawn: 4 hidden by the class filters",
    )
    toggle(browser, "class", "Product")
    toggle(browser, "relation", "ceoOf")
    assert header(browser) == ("8 of 8 entities, 9 relations", "")


@pytest.mark.browser
def test_viz_browser_says_which_entities_have_no_relation(browser, tmp_path: Path) -> None:
    view = hand_view(DATED, in_store={"Organization": 10, "Person": 3})
    open_page(browser, hand_page(tmp_path, view))
    assert header(browser) == ("4 of 13 entities, 4 relations", "not drawn: 9 with no relation")
    assert legend(browser, "class") == {"Organization": "4 of 10"}


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["class", "relation"])
def test_viz_browser_filters_keep_every_position(browser, tmp_path: Path, kind: str) -> None:
    graph = nx.barabasi_albert_graph(120, 2, seed=3)
    view = hand_view(
        [(f"Org {u}", "supplierOf", f"Org {v}", {}) for u, v in graph.edges()][:-20]
        + [(f"Org {u}", "partnersWith", f"Org {v}", {}) for u, v in list(graph.edges())[-20:]]
    )
    for node in list(view.graph)[::3]:
        view.graph.nodes[node]["class"] = "Product"
    open_page(browser, hand_page(tmp_path, view))
    before = browser.execute_script("return kgViz.network.getPositions()")
    value = "Product" if kind == "class" else "partnersWith"
    toggle(browser, kind, value)
    hidden = browser.execute_script("return kgViz.network.body.nodeIndices.length")
    toggle(browser, kind, value)
    after = browser.execute_script("return kgViz.network.getPositions()")
    assert hidden == (120 - 40 if kind == "class" else 120)
    assert after == before
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"viz-after-{kind}-filter.png"))


NAMES = """
var net = kgViz.network, ctx = document.createElement("canvas").getContext("2d");
var out = [];
kgViz.written.forEach(function (id) {
  var n = kgViz.nodes.get(id), p = net.canvasToDOM(net.getPosition(id));
  out.push({id: id, label: n.label, rank: n.rank, x: p.x, y: p.y, size: n.size * net.getScale()});
});
return {written: out, named: kgViz.named, scale: net.getScale(), opening: kgViz.openingScale,
        shown: net.body.nodeIndices.length};
"""


def in_view(driver) -> int:
    """How many drawn entities stand inside the canvas now."""
    return driver.execute_script(
        "var net = kgViz.network, c = net.canvas.frame.canvas.getBoundingClientRect();"
        "return net.body.nodeIndices.filter(function (id) {"
        "  var p = net.canvasToDOM(net.getPosition(id));"
        "  return p.x >= 0 && p.y >= 0 && p.x <= c.width && p.y <= c.height; }).length;"
    )


def overlapping(names: list[dict], px: float = 14) -> list[tuple[str, str]]:
    """Pairs of written names whose boxes (estimated: 0.6 em a character) overlap."""
    boxes = [
        (
            n["label"],
            n["x"] - 0.3 * px * len(n["label"]),
            n["x"] + 0.3 * px * len(n["label"]),
            n["y"] + n["size"],
            n["y"] + n["size"] + px,
        )
        for n in names
    ]
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[2] and b[1] < a[2] and a[3] < b[4] and b[3] < a[4]
    ]


@pytest.mark.browser
@pytest.mark.parametrize("count", [150, 400])
def test_viz_browser_names_the_most_central_first(browser, tmp_path: Path, count: int) -> None:
    graph = nx.barabasi_albert_graph(count, 1, seed=5)
    view = hand_view([(f"Company {u}", "supplierOf", f"Company {v}", {}) for u, v in graph.edges()])
    open_page(browser, hand_page(tmp_path, view))
    opening = browser.execute_script(NAMES)
    assert opening["scale"] < 0.5  # zoomed out: vis-network alone writes no name at all here
    written = opening["written"]
    wanted = round(2 * count**0.5)
    assert {n["id"] for n in written} == set(opening["named"])
    assert min(wanted, 40) * 0.6 <= len(written) <= min(wanted, 40)
    assert min(n["rank"] for n in written) == 0
    assert max(n["rank"] for n in written) < 4 * len(written)
    assert overlapping(written) == []
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"viz-{count}-opening.png"))
    browser.execute_script("kgViz.network.moveTo({scale: kgViz.openingScale * 2})")
    closer = wait_for(
        browser, f"var r = (function () {{ {NAMES} }})();return r.scale > r.opening * 1.5 && r;"
    )
    assert len(closer["written"]) > len(written)
    browser.execute_script("kgViz.network.moveTo({scale: 1.0})")
    near = wait_for(browser, f"var r = (function () {{ {NAMES} }})(); return r.scale === 1 && r;")
    assert len(near["written"]) >= in_view(browser) > 0
    browser.save_screenshot(str(ARTIFACTS / f"viz-{count}-zoomed.png"))


@pytest.mark.browser
def test_viz_browser_draws_parallel_relations_as_one_edge(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, hand_page(tmp_path, hand_view(PARALLEL)))
    edges = browser.execute_script(
        "return kgViz.network.body.edgeIndices.map(function (i) { var e = kgViz.edges.get(i);"
        "  return [e.label, e.arrows]; });"
    )
    assert edges == [
        ["partnersWith\nsupplierOf\nendedPartnershipWith\n\u2190 supplierOf", "to,from"]
    ]
    browser.execute_script("kgViz.showEdge(kgViz.edges.getIds()[0])")
    panel = browser.find_element(By.ID, "kg-panel")
    assert panel.find_element(By.TAG_NAME, "h2").text == "Huawei \u2014 Leica: 4 relations"
    assert [h.text for h in panel.find_elements(By.TAG_NAME, "h3")] == [
        "Huawei \u2014partnersWith\u2192 Leica",
        "Huawei \u2014supplierOf\u2192 Leica",
        "Leica \u2014endedPartnershipWith\u2192 Huawei",
        "Leica \u2014supplierOf\u2192 Huawei",
    ]


@pytest.mark.browser
def test_viz_browser_shows_denials_on_demand(browser, example_page: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, example_page)
    denial = ("Huawei Xs 2", "hasOptics", "Leica", "negated")
    assert denial not in drawn_facts(browser)
    browser.find_element(By.ID, "kg-negated").click()
    assert drawn_facts(browser) == {
        (s, r, o, "hedged" if h else "asserted") for s, r, o, h in EXAMPLE_EDGES
    } | {denial}
    assert header(browser) == ("8 of 8 entities, 9 relations, 1 denied", "")
    assert legend(browser, "relation")["hasOptics"] == "1"
    edge = browser.execute_script(
        "return kgViz.edges.get().filter(function (e) {"
        "  return e.label === 'not hasOptics'; })[0].id"
    )
    look = browser.execute_script(
        f"var o = kgViz.network.body.edges['{edge}'].options; return [o.dashes, o.color.color];"
    )
    assert look == [[2, 5], "#c0392b"]
    browser.execute_script(f"kgViz.showEdge('{edge}')")
    panel = browser.find_element(By.ID, "kg-panel")
    assert panel.find_element(By.TAG_NAME, "h2").text == (
        "Huawei Xs 2 \u2014hasOptics\u2192 Leica (denied)"
    )
    (box,) = panel.find_elements(By.CSS_SELECTOR, ".evidence.negated")
    assert box.find_element(By.CSS_SELECTOR, ".confidence").text.endswith("\u00b7 negated")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "viz-example-denied.png"))
    browser.find_element(By.ID, "kg-negated").click()
    assert denial not in drawn_facts(browser)
    assert console_errors(browser) == []


@pytest.mark.browser
def test_viz_browser_opens_with_denials_when_asked(browser, store, tmp_path: Path) -> None:
    path = tmp_path / "denied.html"
    path.write_text(viz_html(store, VizOptions(show_negated=True)), encoding="utf-8")
    open_page(browser, path)
    assert ("Huawei Xs 2", "hasOptics", "Leica", "negated") in drawn_facts(browser)


@pytest.mark.browser
def test_viz_browser_makes_the_focus_stand_out(browser, store, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    path = tmp_path / "focus.html"
    path.write_text(viz_html(store, VizOptions(focus="Leica")), encoding="utf-8")
    open_page(browser, path)
    focus = browser.execute_script(
        "var id = kgViz.nodes.get().filter(function (n) { return n.focus; })[0].id,"
        "  o = kgViz.network.body.nodes[id].options;"
        "return [kgViz.nodes.get(id).label, o.borderWidth, o.color.border, o.shadow.enabled,"
        "  kgViz.named.indexOf(id), kgViz.network.body.nodes[id].options.borderWidth"
        "    - kgViz.network.body.nodes[kgViz.named[1]].options.borderWidth];"
    )
    assert focus == ["Leica", 5, "#1b1b1b", True, 0, 4]
    panel = browser.find_element(By.ID, "kg-panel")
    assert panel.find_element(By.TAG_NAME, "h2").text == "Leica (Organization)"


@pytest.mark.browser
def test_viz_browser_wraps_long_links_in_the_panel(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    url = "https://example.org/" + "a-very-long-path-segment-without-any-break" * 8
    evidence = {
        (iri("Acme"), "partnersWith", iri("Globex")): (
            Evidence(
                "Acme partners with Globex.",
                "asserted",
                0.9,
                "x:a",
                "A title",
                "Desk",
                "2024-01-01",
                url,
            ),
        )
    }
    view = hand_view([("Acme", "partnersWith", "Globex", {})])
    open_page(browser, hand_page(tmp_path, view, evidence))
    browser.execute_script("kgViz.showEdge(kgViz.edges.getIds()[0])")
    panel = browser.find_element(By.ID, "kg-panel")
    link = panel.find_element(By.CSS_SELECTOR, "a.link")
    assert link.get_attribute("href") == url
    right, panel_right, scroll, client = browser.execute_script(
        "var p = document.getElementById('kg-panel'), a = p.querySelector('a.link');"
        "return [a.getBoundingClientRect().right, p.getBoundingClientRect().right,"
        "  p.scrollWidth, p.clientWidth];"
    )
    assert right <= panel_right and scroll <= client


DAY_CASES = [
    ("2019-06-01", {("Huawei", "partnersWith", "Leica"), ("Xiaomi", "competesWith", "Huawei")}),
    (
        "2021-06-01",
        {
            ("Huawei", "partnersWith", "Leica"),
            ("Xiaomi", "competesWith", "Huawei"),
            ("Sony", "supplierOf", "Xiaomi"),
        },
    ),
    (
        "2023-01-01",
        {
            ("Xiaomi", "partnersWith", "Leica"),
            ("Xiaomi", "competesWith", "Huawei"),
            ("Sony", "supplierOf", "Xiaomi"),
        },
    ),
    ("2015-01-01", {("Xiaomi", "competesWith", "Huawei")}),
]


def drawn_triples(driver) -> set[tuple[str, str, str]]:
    return {(s, r, o) for s, r, o, _ in drawn_facts(driver)}


@pytest.mark.browser
@pytest.mark.parametrize(("day", "facts"), DAY_CASES, ids=[d for d, _ in DAY_CASES])
def test_viz_browser_opens_on_the_day_asked(browser, tmp_path: Path, day: str, facts) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, hand_page(tmp_path, hand_view(DATED), as_of=day))
    assert drawn_triples(browser) == facts
    plural = "relation" if len(facts) == 1 else "relations"
    entities = {e for fact in facts for e in (fact[0], fact[2])}
    assert {label for label, _ in drawn_nodes(browser)} == entities
    assert header(browser)[0] == f"{len(entities)} of 4 entities, {len(facts)} {plural} on {day}"
    assert browser.find_element(By.ID, "kg-day").get_attribute("value") == day
    assert not browser.find_element(By.ID, "kg-any-day").is_selected()


@pytest.mark.browser
def test_viz_browser_date_controls_redraw_the_day(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, hand_page(tmp_path, hand_view(DATED)))
    everything = {(s, r, o) for s, r, o, _ in DATED}
    assert drawn_triples(browser) == everything
    before = browser.execute_script("return kgViz.network.getPositions()")
    day_box = browser.find_element(By.ID, "kg-day")
    for day, facts in DAY_CASES:  # the date box
        browser.execute_script(
            "var b = document.getElementById('kg-day'); b.value = arguments[0];"
            "b.dispatchEvent(new Event('change'));",
            day,
        )
        wait_for(
            browser,
            f"return kgViz.filters.day === '{day}' && document.getElementById("
            "'kg-summary').textContent.endsWith(kgViz.filters.day);",
        )
        assert drawn_triples(browser) == facts, day
    slider = browser.find_element(By.ID, "kg-day-slider")
    assert (slider.get_attribute("min"), slider.get_attribute("max")) == ("0", "2239")
    for index, day, facts in [
        (0, "2016-04-06", DAY_CASES[0][1]),
        (2239, "2022-05-24", DAY_CASES[2][1]),
    ]:
        browser.execute_script(
            "var s = document.getElementById('kg-day-slider'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('input'));",
            str(index),
        )
        wait_for(
            browser, f"return document.getElementById('kg-summary').textContent.endsWith('{day}');"
        )
        assert drawn_triples(browser) == facts
        assert day_box.get_attribute("value") == day
    browser.find_element(By.ID, "kg-any-day").click()
    wait_for(
        browser, "return kgViz.filters.day === null && kgViz.network.body.edgeIndices.length === 4"
    )
    assert drawn_triples(browser) == everything
    assert browser.execute_script("return kgViz.network.getPositions()") == before
    assert console_errors(browser) == []


@pytest.fixture(scope="module")
def dev_page(tmp_path_factory: pytest.TempPathFactory, dev_nquads: bytes) -> Path:
    """The 25 dev articles (the issue's 118-entity case); skipped when the corpus is absent."""
    store = open_store("memory:")
    store.load(dev_nquads, "nquads", "urn:unused")
    path = tmp_path_factory.mktemp("dev") / "dev.html"
    path.write_text(viz_html(store), encoding="utf-8")
    return path


@pytest.mark.browser
def test_viz_browser_dev_corpus_opens_readable(browser, dev_page: Path) -> None:
    open_page(browser, dev_page)
    opening = browser.execute_script(NAMES)
    names = {n["label"] for n in opening["written"]}
    assert {"Leica", "Xiaomi", "Huawei"} <= names and len(names) >= 15
    assert overlapping(opening["written"]) == []
    summary, left_out = header(browser)
    found = re.fullmatch(r"(\d+) of (\d+) entities, (\d+) relations", summary)
    assert found and int(found.group(1)) == opening["shown"] < int(found.group(2))
    page_nodes = browser.execute_script("return kgViz.nodes.length")
    assert left_out.startswith(f"not drawn: {int(found.group(2)) - page_nodes} with no relation")
    pair = browser.execute_script(
        "var n = kgViz.nodes; return kgViz.network.body.edgeIndices.map(function (i) {"
        "  var e = kgViz.edges.get(i); return [[n.get(e.from).label, n.get(e.to).label].sort(),"
        "    kgViz.drawnFacts(i).map(function (f) { return kgViz.facts[f].relation; })]; })"
        ".filter(function (p) { return p[0].join() === 'Huawei,Leica'; });"
    )
    assert len(pair) == 1 and {"partnersWith", "endedPartnershipWith"} <= set(pair[0][1])
    assert console_errors(browser) == []
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "viz-dev-opening.png"))


@pytest.mark.parametrize(
    ("options", "denials"),
    [
        (VizOptions(focus="Leica"), [("Huawei Xs 2", "hasOptics", "Leica")]),
        (VizOptions(focus="Lei Jun"), []),
        (VizOptions(max_nodes=3), []),
        (VizOptions(), [("Huawei Xs 2", "hasOptics", "Leica")]),
    ],
    ids=["about-the-focus", "not-about-the-focus", "not-among-the-drawn", "whole"],
)
def test_viz_page_carries_the_denials_it_can_draw(store, options: VizOptions, denials) -> None:
    data = page_data(viz_html(store, options))
    label = {n["id"]: n["label"] for n in data["nodes"]}
    found = [
        (label[f["source"]], f["relation"], label[f["target"]])
        for f in data["relations"].values()
        if f["modality"] == "negated"
    ]
    assert found == denials


def test_viz_page_finds_a_symmetric_facts_evidence_either_way_round() -> None:
    said = Evidence("Leica and Huawei are partners.", "asserted", 0.9, "x:a")
    evidence = {(iri("Leica"), "partnersWith", iri("Huawei")): (said,)}
    view = hand_view([("Huawei", "partnersWith", "Leica", {})])
    data = page_data(render(view, evidence, VizOptions()))
    assert [[e["sentence"] for e in evs] for evs in data["evidence"].values()] == [
        ["Leica and Huawei are partners."]
    ]


@pytest.fixture(scope="module")
def corpus_store(bundled_store: Path):
    """The bundled 29-article corpus (built once a session), opened read-only."""
    store = open_store(bundled_store, read_only=True)
    yield store
    store.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("day", "partner", "not_partner"),
    [("2019-06-01", "Huawei", "Xiaomi"), ("2023-01-01", "Xiaomi", "Huawei")],
)
def test_viz_browser_as_of_draws_the_graph_of_that_day(
    browser, corpus_store, tmp_path: Path, day: str, partner: str, not_partner: str
) -> None:
    """The page opened --as-of a day draws exactly to_networkx(store, as_of=day)'s facts."""
    from kg.views import to_networkx

    path = tmp_path / "day.html"
    path.write_text(viz_html(corpus_store, VizOptions(as_of=day)), encoding="utf-8")
    open_page(browser, path)
    that_day = to_networkx(corpus_store, as_of=day)
    label = {n: d["label"] for n, d in that_day.nodes(data=True)}
    expected = {(label[s], key, label[o]) for s, o, key in that_day.edges(keys=True)}
    assert drawn_triples(browser) == expected
    leica = {
        s if o == "Leica" else o
        for s, r, o in expected
        if r == "partnersWith" and "Leica" in (s, o)
    }
    assert partner in leica and not_partner not in leica
    assert console_errors(browser) == []
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"viz-corpus-{day}.png"))
