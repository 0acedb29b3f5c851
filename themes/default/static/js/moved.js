// The 404 page: an address Quaestor moved by pattern (a question's old bilingual page, say) is
// sent on to its new address. Netlify does this itself with `_redirects`; GitHub Pages serves
// this page for every missing address, so the rules travel with it (src/site/moved.rs).
(function () {
  "use strict";
  var el = document.getElementById("moved");
  if (!el) return;
  var rules;
  try {
    rules = JSON.parse(el.getAttribute("data-rules") || "[]");
  } catch (e) {
    return;
  }
  var path = location.pathname;
  for (var k = 0; k < rules.length; k++) {
    var r = rules[k];
    if (r.length === 2) {
      if (path !== r[0]) continue;
      location.replace(r[1] + location.search + location.hash);
      return;
    }
    if (path.indexOf(r[0]) !== 0) continue;
    var rest = path.slice(r[0].length);
    // A folder address may be asked for with or without its slash or index.html.
    var tails = [r[1]];
    if (r[1].slice(-1) === "/") tails.push(r[1].slice(0, -1), r[1] + "index.html");
    for (var j = 0; j < tails.length; j++) {
      var tail = tails[j];
      if (tail && rest.slice(-tail.length) !== tail) continue;
      var id = rest.slice(0, rest.length - tail.length);
      if (!id || id.indexOf("/") >= 0) continue;
      var to = r[2] + id + r[3];
      // Keep a query the new address does not set, and the fragment.
      if (location.search && to.indexOf("?") < 0) to += location.search;
      location.replace(to + location.hash);
      return;
    }
  }
})();
