"""kg.viz: the HTML page's content, and the page itself in a real headless Chromium."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import run_kg

from kg import KnowledgeGraph
from kg.cli.core import example_path
from kg.viz import Page, VizOptions, iframe, viz_html

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--window-size=1400,900",
    # Network off: every request that would leave the machine goes to a dead proxy.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)
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
    label = {n["id"]: n["label"] for n in data["nodes"]}
    nodes = {(n["label"], n["cls"]) for n in data["nodes"]}
    edges = {(label[e["from"]], e["relation"], label[e["to"]], e["dashes"]) for e in data["edges"]}
    return nodes, edges


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
    arrows = {e["relation"]: e["arrows"] for e in data["edges"]}
    assert (arrows["partnersWith"], arrows["hasOptics"]) == ("", "to")


def test_viz_page_carries_every_edges_evidence(store) -> None:
    data = page_data(viz_html(store))
    text = example_path().read_text(encoding="utf-8")
    headline = "Xiaomi signs up Leica after the German camera maker leaves Huawei"
    counts = sorted(len(data["evidence"][edge["id"]]) for edge in data["edges"])
    assert counts == [0, 1, 1, 1, 1, 1, 1, 1, 2]
    for edge in data["edges"]:
        for ev in data["evidence"][edge["id"]]:
            assert ev["sentence"] in text and ev["sentence"] in edge["title"]
            assert ev["title"] == headline
            assert (ev["publisher"], ev["date"]) == ("kg example desk", "2022-05-25")
            assert ev["url"] == "https://example.org/kg/leica-xiaomi-retold"
            assert ev["modality"] == ("hedged" if edge["dashes"] else "asserted")


@pytest.mark.parametrize(
    ("options", "labels"),
    [
        (VizOptions(focus="Leica"), {"Huawei", "Leica", "Xiaomi", "Xiaomi 12 Ultra"}),
        (VizOptions(focus="lei jun", depth=2), {"Lei Jun", "Leica", "Xiaomi", "Xiaomi 12 Ultra",
                                                "Mi 11 Ultra"}),
        (VizOptions(query=CONSTRUCT), {"Huawei", "Huawei Xs 2", "P9", "Xiaomi", "Xiaomi 12 Ultra",
                                       "Mi 11 Ultra"}),
        (VizOptions(max_nodes=3), {"Xiaomi", "Huawei", "Leica"}),
        (VizOptions(max_nodes=8), {label for label, _ in EXAMPLE_NODES}),
    ],
    ids=["focus", "focus-depth-2", "query", "max-nodes", "max-nodes-not-reached"],
)  # fmt: skip
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
    assert relations == ["ceoOf", "endedPartnershipWith", "hasOptics", "manufacturedBy",
                         "partnersWith"]  # fmt: skip


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
        (["-o", "{tmp}/graph.png"], "{tmp}/graph.png: the output must be an .html file; "
                                    "name it e.g. graph.html"),
        (["-o", "{tmp}/g.html", "--focus", "Leika"], "no entity named 'Leika' in the graph; "
                                                      "did you mean 'Leica' or 'Lei Jun'?"),
        (["-o", "{tmp}/g.html", "--query", "SELECT ?s WHERE { ?s ?p ?o }"],
         "--query needs a CONSTRUCT query (it draws the triples it returns)"),
        (["-o", "{tmp}/g.html", "--query", "@{tmp}/missing.rq"],
         "{tmp}/missing.rq: no such query file; check the path after @"),
    ],
    ids=["not-html", "unknown-focus", "select-query", "missing-query-file"],
)  # fmt: skip
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
    from kg.store import open_store

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
    assert (result.attempted, result.failed) == (2, 0)


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            "Debian's chromium is not installed: apt-get install -y chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    offline = {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0}
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    yield driver
    driver.quit()


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
    assert requests == [example_page.resolve().as_uri()]
    assert browser.execute_script("return kgViz.network.physics.options.enabled") is False
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "viz-example.png"))


@pytest.mark.browser
def test_viz_browser_draws_the_expected_network(browser, example_page: Path) -> None:
    open_page(browser, example_page)
    nodes, edges = browser.execute_script(
        "var b = kgViz.network.body, n = kgViz.nodes;"
        "return [b.nodeIndices.map(function (i) { return [n.get(i).label, n.get(i).cls]; }),"
        "  b.edgeIndices.map(function (i) { var e = kgViz.edges.get(i);"
        "    return [n.get(e.from).label, e.relation, n.get(e.to).label, Boolean(e.dashes)]; })];"
    )
    assert {tuple(n) for n in nodes} == EXAMPLE_NODES
    assert {tuple(e) for e in edges} == EXAMPLE_EDGES


@pytest.mark.browser
def test_viz_browser_hover_and_click_on_an_edge_show_its_evidence(
    browser, example_page: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(browser, example_page)
    edge = browser.execute_script(
        "return kgViz.edges.get().filter(function (e) { return e.relation === 'hasOptics'; })[0].id"
    )
    point = canvas_point(
        browser,
        f"return net.body.edges['{edge}'].edgeType.getPoint(0.5);",
    )
    hover_at(browser, point)
    tooltip = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "div.vis-tooltip").text or None
    )
    sentence = browser.execute_script(f"return kgViz.evidence['{edge}'][0].sentence")
    assert sentence in example_path().read_text(encoding="utf-8")
    assert tooltip == (
        f"Xiaomi 12 Ultra hasOptics Leica\n\n\u201c{sentence}\u201d\n"
        "Xiaomi signs up Leica after the German camera maker leaves Huawei, kg example desk, "
        "2022-05-25 · confidence 0.59 · hedged\nhttps://example.org/kg/leica-xiaomi-retold"
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
