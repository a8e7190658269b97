// kg's query page: YASGUI with kg's prefixes and examples, entity links, CONSTRUCT drawn.
(function () {
  "use strict";
  const settings = JSON.parse(document.body.dataset.settings);
  const header = Object.entries(settings.prefixes)
    .map(([name, iri]) => `PREFIX ${name}: <${iri}>`).join("\n");
  const withHeader = (query) => `${header}\n\n${query}`;
  document.getElementById("kg-mode").textContent = `${settings.endpoint} (${settings.mode})`;

  Yasgui.Yasr.defaults.prefixes = settings.prefixes;
  // No completer that asks another host (prefix.cc, LOV): the page works offline.
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: settings.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [] },
    persistenceId: null,
    yasqe: { value: withHeader(settings.examples[0].query), resizeable: true,
             editorHeight: "260px" },
    yasr: { prefixes: settings.prefixes, pluginOrder: ["table", "response"], defaultPlugin: "table" },
  });

  const select = document.getElementById("kg-examples");
  settings.examples.forEach((example, index) => {
    const option = document.createElement("option");
    option.value = index;
    option.textContent = example.name;
    select.append(option);
  });
  select.addEventListener("change", () => {
    yasgui.getTab().getYasqe().setValue(withHeader(settings.examples[select.value].query));
  });

  // Entity IRIs open kg's page for the entity instead of leaving for the IRI itself.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (link && link.href.startsWith(settings.entityNamespace)) {
      event.preventDefault();
      window.location.href = `/entity?iri=${encodeURIComponent(link.href)}`;
    }
  }, true);

  // CONSTRUCT and DESCRIBE results are drawn with kg's HTML view.
  const section = document.getElementById("kg-graph");
  yasgui.on("queryResponse", (instance, tab) => {
    const yasqe = tab.getYasqe();
    const kind = yasqe.getQueryType();
    if (kind === "CONSTRUCT" || kind === "DESCRIBE") {
      section.hidden = false;
      document.getElementById("kg-graph-frame").src =
        `/graph?query=${encodeURIComponent(yasqe.getValue())}`;
    } else {
      section.hidden = true;
    }
  });
})();
