"""How fast a ``kg viz`` page becomes usable in headless Chromium, at 200 and 2,000 entities.

    python benchmarks/viz_bench.py                 # 200 and 2,000 entities
    python benchmarks/viz_bench.py --nodes 500 5000

For each size it builds a store in memory from a seeded scale-free graph
(Barabási-Albert, two relations per new entity, every relation with an
evidence sentence and an article, about one in six hedged), writes the page
with the same code as ``kg viz``, opens it in Debian's chromium (headless,
network off) and prints:

- page: seconds to build the HTML in Python, and its size;
- interactive: seconds from navigation start until the layout has
  stabilised and physics is off (``window.kgViz.ready``), measured by the
  page itself with ``performance.now()``;
- click: milliseconds from a real mouse click on an entity to its panel;
- redraw: milliseconds for one full canvas redraw after layout (pan/zoom cost);
- filter: milliseconds to hide one class and show it again, both redrawn (the
  same work as a move of the date slider: which facts and entities to draw).

The target (issue 5): the 2,000-entity page is interactive within a few seconds.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.ontology import KG, article_iri, entity_iri, evidence_iri
from kg.store import open_store
from kg.viz import VizOptions, viz_html

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--no-first-run", "--window-size=1400,900", "--proxy-server=http://127.0.0.1:9",
)  # fmt: skip
CLASSES = ("Organization", "Organization", "Organization", "Product", "Person", "Place")
RELATIONS = {
    ("Organization", "Organization"): ("partnersWith", "supplierOf", "competesWith", "acquired"),
    ("Product", "Organization"): ("manufacturedBy", "hasOptics"),
    ("Person", "Organization"): ("ceoOf", "worksFor", "founderOf"),
    ("Organization", "Place"): ("headquarteredIn",),
}
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"


def literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def synthetic_nquads(nodes: int, seed: int = 7) -> bytes:
    """A seeded news-like graph as N-Quads: entities, relations, evidence, articles."""
    rng = random.Random(seed)
    shape = nx.barabasi_albert_graph(nodes, 2, seed=seed)
    cls = {n: rng.choice(CLASSES) for n in shape}
    iri = {n: entity_iri(cls[n], f"entity {n}") for n in shape}
    quads: list[str] = []
    articles = max(1, nodes // 20)
    for a in range(articles):
        g = f"<{article_iri(f'bench-{a}')}>"
        quads += [
            f"{g} <{RDF}type> <{KG.Article}> {g} .",
            f"{g} <{DCT}title> {literal(f'Bench story {a}')} {g} .",
            f"{g} <{KG.publisher}> {literal('kg bench desk')} {g} .",
            f"{g} <{DCT}date> {literal('2024-01-01')} {g} .",
            f"{g} <{DCT}source> <https://example.org/bench/{a}> {g} .",
        ]
    for n in shape:
        g = f"<{article_iri(f'bench-{n % articles}')}>"
        quads.append(f"<{iri[n]}> <{RDF}type> <{KG[cls[n]]}> {g} .")
        quads.append(f"<{iri[n]}> <{RDFS}label> {literal(f'{cls[n]} {n}')} {g} .")
    for i, (u, v) in enumerate(shape.edges()):
        pair = next(((s, o) for s, o in ((u, v), (v, u)) if (cls[s], cls[o]) in RELATIONS), None)
        s, o = pair or (u, v)
        relation = rng.choice(RELATIONS.get((cls[s], cls[o]), ("competesWith",)))
        article = f"bench-{i % articles}"
        g = f"<{article_iri(article)}>"
        hedged = rng.random() < 1 / 6
        ev = f"<{evidence_iri(article, f'e{i}')}>"
        sentence = f"{cls[s]} {s} {'may have' if hedged else 'has'} a {relation} tie with {o}."
        quads += [
            f"<{iri[s]}> <{KG[relation]}> <{iri[o]}> {g} .",
            f"{ev} <{RDF}type> <{RDF}Statement> {g} .",
            f"{ev} <{RDF}subject> <{iri[s]}> {g} .",
            f"{ev} <{RDF}predicate> <{KG[relation]}> {g} .",
            f"{ev} <{RDF}object> <{iri[o]}> {g} .",
            f"{ev} <{KG.sentence}> {literal(sentence)} {g} .",
            f'{ev} <{KG.confidence}> "0.8"^^<http://www.w3.org/2001/XMLSchema#decimal> {g} .',
            f"{ev} <{KG.modality}> <{KG.Hedged if hedged else KG.Asserted}> {g} .",
            f"{ev} <{KG.fromArticle}> {g} {g} .",
        ]
    return ("\n".join(quads) + "\n").encode("utf-8")


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    return driver


def wait_ready(driver, timeout: float = 120.0) -> float:
    deadline = time.monotonic() + timeout
    while not driver.execute_script("return Boolean(window.kgViz && window.kgViz.ready)"):
        if time.monotonic() > deadline:
            raise SystemExit(f"the page was not interactive after {timeout:.0f} s")
        time.sleep(0.02)
    return driver.execute_script("return kgViz.readyAt") / 1000


WATCH_CLICK = """
window.kgBench = {down: null, shown: null};
window.addEventListener("pointerdown", function () { kgBench.down = performance.now(); }, true);
new MutationObserver(function () {
  if (kgBench.down !== null && kgBench.shown === null) { kgBench.shown = performance.now(); }
}).observe(document.getElementById("kg-panel"), {childList: true, subtree: true});
"""


def click_ms(driver) -> float:
    """A real click on the most connected entity: page time from pointer down to its panel."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    x, y, w, h = driver.execute_script(
        "var net = kgViz.network, ids = kgViz.nodes.getIds();"
        "ids.sort(function (a, b) { return net.getConnectedEdges(b).length"
        "  - net.getConnectedEdges(a).length; });"
        "net.moveTo({position: net.getPosition(ids[0]), scale: 1.0});"
        "var d = net.canvasToDOM(net.getPosition(ids[0])),"
        " c = net.canvas.frame.canvas.getBoundingClientRect();"
        "return [d.x, d.y, c.width, c.height];"
    )
    driver.execute_script(WATCH_CLICK)
    canvas = driver.find_element(By.CSS_SELECTOR, "#kg-network canvas")
    ActionChains(driver).move_to_element_with_offset(
        canvas, round(x - w / 2), round(y - h / 2)
    ).click().perform()
    deadline = time.monotonic() + 10
    while (shown := driver.execute_script("return kgBench.shown - kgBench.down")) <= 0:
        if time.monotonic() > deadline:
            raise SystemExit("the click on an entity never showed its panel")
        time.sleep(0.01)
    return shown


def redraw_ms(driver, rounds: int = 10) -> float:
    return driver.execute_script(
        f"var r = kgViz.network.renderer, t = performance.now();"
        f"for (var i = 0; i < {rounds}; i++) {{ r._redraw(); }}"
        f"return (performance.now() - t) / {rounds};"
    )


def filter_ms(driver, rounds: int = 3) -> float:
    """Untick and tick the Organization class (each click redraws the canvas), in page time."""
    return driver.execute_script(
        f"var box = document.querySelector('input[data-filter=class][value=Organization]');"
        f"var t = performance.now();"
        f"for (var i = 0; i < {rounds}; i++) {{"
        f"  box.click(); box.click(); }}"
        f"return (performance.now() - t) / {rounds};"
    )


def measure(nodes: int, folder: Path, driver) -> dict[str, float]:
    store = open_store("memory:")
    store.load(synthetic_nquads(nodes), "nquads", article_iri("bench-0"))
    start = time.perf_counter()
    page = viz_html(store, VizOptions(title=f"kg bench: {nodes} entities"))
    build = time.perf_counter() - start
    path = folder / f"bench-{nodes}.html"
    path.write_text(page, encoding="utf-8")
    driver.get(path.as_uri())
    ready = wait_ready(driver)
    facts = driver.execute_script(
        "return Object.keys(kgViz.facts || {}).length || kgViz.edges.length"
    )
    return {
        "nodes": driver.execute_script("return kgViz.nodes.length"),
        "edges": facts,
        "page_s": build,
        "page_mb": len(page.encode("utf-8")) / 1e6,
        "interactive_s": ready,
        "click_ms": click_ms(driver),
        "redraw_ms": redraw_ms(driver),
        "filter_ms": filter_ms(driver),
    }


COLUMNS = (  # header, width, format; in the order of measure()'s keys
    ("entities", 8, ""),
    ("relations", 9, ""),
    ("page s", 7, ".2f"),
    ("page MB", 7, ".2f"),
    ("interactive s", 13, ".2f"),
    ("click ms", 8, ".0f"),
    ("redraw ms", 9, ".1f"),
    ("filter ms", 9, ".0f"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[200, 2000])
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print("needs chromium: apt-get install -y chromium chromium-driver", file=sys.stderr)
        return 2
    driver = browser()
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in args.nodes:
                results.append(measure(n, Path(tmp), driver))
    finally:
        driver.quit()
    print(" ".join(f"{name:>{width}}" for name, width, _ in COLUMNS))
    for r in results:
        print(
            " ".join(
                f"{r[key]:>{width}{fmt}}" for (_, width, fmt), key in zip(COLUMNS, r, strict=True)
            )
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        times = last["interactive_s"] / first["interactive_s"]
        sizes = last["nodes"] / first["nodes"]
        print(f"interactive time x{times:.1f} for x{sizes:.0f} entities (same run, same browser)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
