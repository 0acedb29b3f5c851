// The search page: Pagefind's UI over the bundle in pagefind/ (found from its script's address,
// so it works under a sub-path), with a sort by date. No inline script, so the site's CSP holds.
(function () {
  "use strict";
  var root = document.getElementById("search");
  var sort = document.getElementById("search-sort");
  if (!root || typeof window.PagefindUI !== "function") return;
  var ui = null;
  // Re-sorting rebuilds the UI; a search still running in the old UI's worker then ends with
  // "Pagefind worker terminated". That search's results are no longer wanted: drop the error.
  window.addEventListener("unhandledrejection", function (event) {
    if (String(event.reason && (event.reason.message || event.reason)).indexOf("worker terminated") >= 0) {
      event.preventDefault();
    }
  });
  function current() {
    var input = root.querySelector("input");
    if (input && input.value) return input.value;
    return new URLSearchParams(window.location.search).get("q") || "";
  }
  function make() {
    var term = current();
    if (ui) ui.destroy();
    root.textContent = "";
    var options = { element: "#search", showSubResults: false, showImages: false };
    if (sort && sort.value === "date") options.sort = { date: "desc" };
    ui = new window.PagefindUI(options);
    // A visible label for the UI's input (it has only a title), in the page's language.
    var input = root.querySelector("input");
    if (input) {
      input.id = "search-input";
      var label = document.getElementById("search-label");
      if (!label) {
        label = document.createElement("label");
        label.id = "search-label";
        label.className = "search-label";
        label.textContent = root.getAttribute("data-label") || "Search";
        root.parentNode.insertBefore(label, root);
      }
      label.htmlFor = "search-input";
    }
    if (term) ui.triggerSearch(term);
  }
  make();
  if (sort) sort.addEventListener("change", make);
})();
