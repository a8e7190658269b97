(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var facts = data.relations;
  var LABELS = data.labels;
  var FACE = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var SMALLEST = Math.min.apply(null, data.nodes.map(function (n) { return n.size; }));
  var LARGEST = Math.max.apply(null, data.nodes.map(function (n) { return n.size; }));
  var DAY_MS = 86400000;
  var PLAIN = data.options.edges.color;
  var DENIED = { color: "#c0392b", highlight: "#922b21", hover: "#922b21" };
  var filters = {
    "class": new Set(), relation: new Set(),
    negated: Boolean(data.showNegated), day: data.asOf || null
  };
  var settled = false;
  var alive = {};      // entity id -> it has a fact on the chosen day (with denials if shown)
  var deniedOnly = {}; // entity id -> it has a denial on the chosen day (used while they are hidden)
  var showing = {};    // edge id -> the ids of the facts it draws now
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  function onDay(f) {
    var day = filters.day;
    return !day || ((!f.since || f.since <= day) && (!f.until || day < f.until));
  }
  function present(f) { return (filters.negated || f.modality !== "negated") && onDay(f); }
  function classShown(id) { return !filters["class"].has(byId[id].cls); }
  function nodeShown(n) { return !settled || (alive[n.id] && classShown(n.id)); }
  function drawnFacts(e) {
    return e.relations.filter(function (id) {
      var f = facts[id];
      return !settled || (present(f) && !filters.relation.has(f.relation));
    });
  }

  function look(e, ids) {
    var fs = ids.map(function (id) { return facts[id]; });
    var ahead = fs.some(function (f) { return f.directed && f.source === e.from; });
    var back = fs.some(function (f) { return f.directed && f.source !== e.from; });
    var denied = fs.every(function (f) { return f.modality === "negated"; });
    var hedged = fs.every(function (f) { return f.modality === "hedged"; });
    var lines = fs.map(function (f) {
      var name = (f.modality === "negated" ? "not " : "") + f.relation;
      return fs.length > 1 && f.directed && f.source !== e.from ? "\u2190 " + name : name;
    });
    return {
      id: e.id,
      label: lines.join("\n"),
      title: fs.map(function (f) { return f.title; }).join("\n\n"),
      arrows: [ahead ? "to" : "", back ? "from" : ""].filter(Boolean).join(","),
      dashes: denied ? [2, 5] : hedged,
      color: denied ? DENIED : PLAIN,
      width: Math.min(1.5 + (fs.length - 1), 4.5),
      count: fs.length
    };
  }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges.map(function (e) {
    showing[e.id] = e.relations.join(" ");
    return Object.assign({}, e, look(e, e.relations));
  }));
  function edgeShown(e) {
    return nodeShown(byId[e.from]) && nodeShown(byId[e.to]) && (!settled || showing[e.id] !== "");
  }
  var container = document.getElementById("kg-network");
  var progress = document.getElementById("kg-progress");
  var panel = document.getElementById("kg-panel");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var state = window.kgViz = {
    network: network, nodes: nodes, edges: edges, facts: facts, evidence: data.evidence,
    filters: filters, ready: false, started: performance.now()
  };

  // --- what is drawn follows the filters; entities keep their place ---------------------------
  function apply(quiet) {
    alive = {};
    deniedOnly = {};
    Object.keys(facts).forEach(function (id) {
      var f = facts[id];
      if (present(f)) { alive[f.source] = true; alive[f.target] = true; }
      else if (onDay(f)) { deniedOnly[f.source] = true; deniedOnly[f.target] = true; }
    });
    var changed = [];
    data.edges.forEach(function (e) {
      var ids = drawnFacts(e), key = ids.join(" ");
      if (ids.length && key !== showing[e.id]) { changed.push(look(e, ids)); }
      showing[e.id] = key;
    });
    if (changed.length) { edges.update(changed); }
    // Hidden, not removed: vis-network keeps each entity where it stands (a removed one comes
    // back in a ring), and flipping the flag then rebuilding the index lists vis-network 9.1
    // draws from costs little next to a DataSet update (about 1 ms an item) or a re-add.
    var body = network.body;
    data.nodes.forEach(function (n) { body.nodes[n.id].options.hidden = !nodeShown(n); });
    data.edges.forEach(function (e) { body.edges[e.id].options.hidden = !edgeShown(e); });
    network._updateVisibleIndices();
    if (!quiet) { network.redraw(); }
    counts();
  }

  function counts() {
    var perClass = {}, perRelation = {}, drawnNodes = 0, drawnFactsCount = 0, drawnDenials = 0;
    var filtered = 0, dayless = 0, denials = 0;
    data.nodes.forEach(function (n) {
      if (alive[n.id]) {
        perClass[n.cls] = (perClass[n.cls] || 0) + 1;
        if (classShown(n.id)) { drawnNodes += 1; } else { filtered += 1; }
      } else if (deniedOnly[n.id]) { denials += 1; }
      else { dayless += 1; }
    });
    Object.keys(facts).forEach(function (id) {
      var f = facts[id];
      if (!present(f) || !classShown(f.source) || !classShown(f.target)) { return; }
      var denial = f.modality === "negated", drawnNow = !filters.relation.has(f.relation);
      if (!denial) { perRelation[f.relation] = (perRelation[f.relation] || 0) + 1; }
      if (drawnNow && denial) { drawnDenials += 1; } else if (drawnNow) { drawnFactsCount += 1; }
    });
    var inStore = 0;
    Object.keys(data.inStore).forEach(function (c) { inStore += data.inStore[c]; });
    var total = Math.max(inStore, data.nodes.length);
    var outside = total - data.nodes.length;
    document.getElementById("kg-summary").textContent = drawnNodes + " of " + total +
      " entities, " + drawnFactsCount + (drawnFactsCount === 1 ? " relation" : " relations") +
      (drawnDenials ? ", " + drawnDenials + " denied" : "") + (filters.day ? " on " + filters.day : "");
    var parts = [];
    if (outside) { parts.push(outside + " " + data.outside); }
    if (dayless) { parts.push(dayless + " with no relation on " + filters.day); }
    if (denials) { parts.push(denials + " named only in denials"); }
    if (filtered) { parts.push(filtered + " hidden by the class filters"); }
    document.getElementById("kg-left-out").textContent = parts.length ? "not drawn: " + parts.join(", ") : "";
    document.querySelectorAll("[data-count]").forEach(function (span) {
      var name = span.getAttribute("data-name");
      if (span.getAttribute("data-count") === "class") {
        var here = perClass[name] || 0, all = data.inStore[name] || here;
        span.textContent = here === all ? String(here) : here + " of " + all;
        span.title = here + " drawn" + (here === all ? "" : "; " + (all - here) + " more in the store are not");
      } else {
        span.textContent = String(perRelation[name] || 0);
      }
    });
    state.counts = { nodes: drawnNodes, relations: drawnFactsCount, denied: drawnDenials, outside: outside,
                     dayless: dayless, deniedOnly: denials, filtered: filtered };
  }

  // --- names: the most central readable at the opening zoom, the rest as you zoom in ---------
  function nameBox(n, scale, measure) {
    var at = network.canvasToDOM(network.getPosition(n.id));
    var width = measure.measureText(n.label).width, below = n.size * scale + 3;
    return { left: at.x - width / 2 - 4, right: at.x + width / 2 + 4, top: at.y + below - 2, bottom: at.y + below + LABELS.opening + 6 };
  }
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  function openingNames(order, scale, wanted) {
    // Most central first; a name that would cover one already chosen waits for a closer zoom.
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = LABELS.opening + "px " + FACE;
    var chosen = new Set(), boxes = [];
    order.forEach(function (n) {
      if (chosen.size >= wanted || !nodeShown(n)) { return; }
      var box = nameBox(n, scale, measure);
      if (n.focus || !boxes.some(function (b) { return overlaps(b, box); })) { chosen.add(n.id); boxes.push(box); }
    });
    return chosen;
  }
  var appear = {};  // entity id -> the zoom (scale) from which its name is written
  function nameZooms() {
    var scale = network.getScale();
    var order = data.nodes.slice().sort(function (a, b) { return a.rank - b.rank; });
    var shown = order.filter(nodeShown).length;
    var wanted = Math.min(shown, Math.max(LABELS.fewest, Math.min(LABELS.most, Math.round(2 * Math.sqrt(shown)))));
    var every = LABELS.threshold / LABELS.base;  // the zoom at which every name is written
    var chosen = openingNames(order, scale, wanted);
    var later = order.filter(function (n) { return !chosen.has(n.id); });
    // The others appear one by one, least central last, from 1.25 times the opening zoom.
    var from = scale * 1.25;
    later.forEach(function (n, i) {
      appear[n.id] = from < every ? from * Math.pow(every / from, (i + 1) / later.length) : 0;
    });
    chosen.forEach(function (id) { appear[id] = 0; });
    state.openingScale = scale;
    state.named = Array.from(chosen);
  }
  function namePx(node, scale) {
    // Screen pixels: at least `opening`, growing with the zoom up to `largest`; hubs a little larger.
    var px = Math.min(LABELS.largest, Math.max(LABELS.opening, LABELS.base * scale));
    return px * (0.9 + 0.2 * (node.options.size - SMALLEST) / Math.max(1, LARGEST - SMALLEST));
  }
  function drawNames(ctx) {
    if (!state.ready) { return; }
    var scale = network.getScale(), body = network.body;
    var corner = network.DOMtoCanvas({ x: 0, y: 0 });
    var far = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
    var margin = 200 / scale, picked = new Set(network.getSelectedNodes()), written = [];
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 4 / scale;
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.fillStyle = "#222";
    body.nodeIndices.forEach(function (id) {
      var node = body.nodes[id];
      if (!(appear[id] <= scale || picked.has(id) || node.hover)) { return; }
      if (node.x < corner.x - margin || node.x > far.x + margin || node.y < corner.y - margin || node.y > far.y + margin) { return; }
      var px = namePx(node, scale);
      ctx.font = (byId[id].focus ? "bold " : "") + (px / scale) + "px " + FACE;
      var y = node.y + node.options.size + 3 / scale;
      ctx.strokeText(byId[id].label, node.x, y);
      ctx.fillText(byId[id].label, node.x, y);
      written.push(id);
    });
    ctx.restore();
    state.written = written;
    state.writtenAt = scale;
  }
  network.on("afterDrawing", drawNames);

  function settle() {
    if (state.ready) { return; }
    var start = performance.now();
    network.setOptions({ physics: { enabled: false } });
    settled = true;
    apply(true);
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.92 });  // room for the names under the rim
    nameZooms();
    if (data.focus) { showNode(data.focus); }
    state.ready = true;
    network.redraw();
    state.readyAt = performance.now();
    state.settleMs = state.readyAt - start;
    progress.textContent = "";
    document.body.setAttribute("data-state", "ready");
  }
  network.on("stabilizationProgress", function (p) { state.iters = p.iterations;
    progress.textContent = "Laying out\u2026 " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", settle);
  network.once("stabilized", settle);

  // --- the evidence panel ---------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function clearPanel(title) {
    panel.replaceChildren(el("h2", null, title));
  }
  function evidenceBlock(ev) {
    var box = el("div", "evidence " + ev.modality);
    box.appendChild(el("blockquote", null, "\u201c" + ev.sentence + "\u201d"));
    var source = [ev.title, ev.publisher, ev.date].filter(Boolean).join(" \u00b7 ");
    if (source) { box.appendChild(el("div", "meta source", source)); }
    if (/^https?:\/\//i.test(ev.url)) {
      var link = el("a", "link", ev.url);
      link.href = ev.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      var line = el("div", "meta");
      line.appendChild(link);
      box.appendChild(line);
    }
    box.appendChild(el("div", "meta confidence", "confidence " + ev.confidence.toFixed(2) + " \u00b7 " + ev.modality));
    return box;
  }
  function factName(f) {
    var denied = f.modality === "negated" ? " (denied)" : "";
    return byId[f.source].label + " \u2014" + f.relation + "\u2192 " + byId[f.target].label + denied;
  }
  function factBlocks(id) {
    var evs = data.evidence[id] || [];
    if (!evs.length) { panel.appendChild(el("p", "hint", "No evidence sentence is stored for this relation.")); }
    evs.forEach(function (ev) { panel.appendChild(evidenceBlock(ev)); });
  }
  function showEdge(id) {
    var e = edges.get(id);
    if (!e) { return; }
    var ids = drawnFacts(e);
    if (ids.length === 1) {
      clearPanel(factName(facts[ids[0]]));
      factBlocks(ids[0]);
      return;
    }
    clearPanel(byId[e.from].label + " \u2014 " + byId[e.to].label + ": " + ids.length + " relations");
    ids.forEach(function (fid) {
      panel.appendChild(el("h3", facts[fid].modality === "negated" ? "denied" : null, factName(facts[fid])));
      factBlocks(fid);
    });
  }
  function showNode(id) {
    var n = byId[id];
    clearPanel(n.label + " (" + n.cls + ")");
    var list = el("ul");
    data.edges.filter(function (e) { return (e.from === id || e.to === id) && edgeShown(e); }).forEach(function (e) {
      drawnFacts(e).forEach(function (fid) {
        var f = facts[fid];
        var item = el("li", f.modality === "negated" ? "denied" : null);
        var text = byId[f.source].label + " " + (f.modality === "negated" ? "not " : "") + f.relation + " " + byId[f.target].label;
        var link = el("a", null, text);
        link.href = "#";
        link.addEventListener("click", function (ev) { ev.preventDefault(); network.selectEdges([e.id]); showEdge(e.id); });
        item.appendChild(link);
        list.appendChild(item);
      });
    });
    panel.appendChild(list);
  }
  state.showEdge = showEdge;
  state.drawnFacts = function (id) { return drawnFacts(edges.get(id)); };
  state.showNode = showNode;
  network.on("click", function (p) {
    if (p.nodes.length) { showNode(p.nodes[0]); }
    else if (p.edges.length) { showEdge(p.edges[0]); }
  });

  // --- search ---------------------------------------------------------------------------------
  var search = document.getElementById("kg-search");
  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return null; }
    var shown = data.nodes.filter(nodeShown);
    var exact = shown.filter(function (n) { return n.label.toLowerCase() === q; });
    var part = shown.filter(function (n) { return n.label.toLowerCase().indexOf(q) >= 0; });
    return (exact[0] || part[0] || null);
  }
  function go() {
    var n = find(search.value);
    if (!n) { clearPanel("No entity matches \u201c" + search.value + "\u201d"); return; }
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: Math.max(1.2, network.getScale()), animation: { duration: 300 } });
    showNode(n.id);
  }
  search.addEventListener("change", go);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { go(); } });

  // --- filters --------------------------------------------------------------------------------
  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    box.addEventListener("change", function () {
      var set = filters[box.getAttribute("data-filter")];
      if (box.checked) { set.delete(box.value); } else { set.add(box.value); }
      apply();
    });
  });
  var negated = document.getElementById("kg-negated");
  negated.addEventListener("change", function () { filters.negated = negated.checked; apply(); });

  // --- the day: a slider and a date box over the facts' spans ---------------------------------
  var anyDay = document.getElementById("kg-any-day");
  var slider = document.getElementById("kg-day-slider");
  var dayBox = document.getElementById("kg-day");
  var bounds = [];
  Object.keys(facts).forEach(function (id) {
    [facts[id].since, facts[id].until].forEach(function (d) { if (d) { bounds.push(d); } });
  });
  if (data.asOf) { bounds.push(data.asOf); }
  bounds.sort();
  var firstDay = bounds.length ? Date.parse(bounds[0]) : 0;
  var lastDay = bounds.length ? Date.parse(bounds[bounds.length - 1]) : 0;
  function dayAt(index) { return new Date(firstDay + index * DAY_MS).toISOString().slice(0, 10); }
  function indexOf(day) { return Math.round((Date.parse(day) - firstDay) / DAY_MS); }
  slider.max = String(Math.round((lastDay - firstDay) / DAY_MS));
  if (bounds.length) { dayBox.min = bounds[0]; dayBox.max = bounds[bounds.length - 1]; }
  slider.value = String(data.asOf ? indexOf(data.asOf) : slider.max);
  if (!dayBox.value && bounds.length) { dayBox.value = bounds[bounds.length - 1]; }
  var pending = false;
  function setDay(day) {
    filters.day = day;
    if (day) { dayBox.value = day; slider.value = String(indexOf(day)); }
    if (pending) { return; }
    pending = true;
    requestAnimationFrame(function () { pending = false; if (settled) { apply(); } });
  }
  state.setDay = setDay;
  slider.addEventListener("input", function () { anyDay.checked = false; setDay(dayAt(Number(slider.value))); });
  dayBox.addEventListener("change", function () {
    if (/^\d{4}-\d{2}-\d{2}$/.test(dayBox.value)) { anyDay.checked = false; setDay(dayBox.value); }
  });
  anyDay.addEventListener("change", function () { setDay(anyDay.checked ? null : dayBox.value || dayAt(Number(slider.value))); });
})();
