// A question's language versions side by side, on its own page: the texts of the other versions
// are read from their pages (same site, so it works under the CSP, a sub-path and offline) and
// shown in columns beside this one. `?view=bilingual` opens the view; the old bilingual
// addresses redirect there. Without JavaScript the link stays hidden and each version is a
// link away. Text from other pages is moved as parsed nodes, never as markup strings.
(function () {
  "use strict";
  var item = document.getElementById("bilingual");
  if (!item || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  var link = item.querySelector("a");
  var article = document.querySelector("article.question");
  var own = Array.prototype.slice.call(article.querySelectorAll("section.text"));
  var versions;
  try {
    versions = JSON.parse(link.getAttribute("data-versions"));
  } catch (e) {
    return;
  }
  var openLabel = link.textContent;
  var view = null;
  var pageLang = document.documentElement.lang;
  item.hidden = false;

  function load(v) {
    if (v.lang === pageLang) return Promise.resolve(document);
    return fetch(v.url).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      return new DOMParser().parseFromString(html, "text/html");
    });
  }

  // One column: the version's title and its question and answer, headings one level down.
  function column(v, doc) {
    var col = document.createElement("div");
    col.className = "column";
    col.lang = v.lang;
    var eyebrow = document.createElement("p");
    eyebrow.className = "eyebrow";
    var a = document.createElement("a");
    a.href = v.url;
    a.textContent = v.label;
    eyebrow.appendChild(a);
    col.appendChild(eyebrow);
    var h1 = doc.querySelector("article.question h1");
    var title = document.createElement("h2");
    title.textContent = h1 ? h1.textContent : "";
    col.appendChild(title);
    var sections = doc.querySelectorAll("article.question section.text");
    Array.prototype.forEach.call(sections, function (s) {
      var h = s.querySelector("h2");
      var sub = document.createElement("h3");
      sub.textContent = h ? h.textContent : "";
      col.appendChild(sub);
      Array.prototype.forEach.call(s.children, function (child) {
        if (child === h) return;
        var copy = document.importNode(child, true);
        // Ids belong to the page they came from.
        copy.removeAttribute("id");
        Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (n) {
          n.removeAttribute("id");
        });
        col.appendChild(copy);
      });
    });
    return col;
  }

  function setAddress(on) {
    var params = new URLSearchParams(location.search);
    if (on) params.set("view", "bilingual");
    else params.delete("view");
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function show(on) {
    own.forEach(function (s) { s.hidden = on; });
    if (view) view.hidden = !on;
    link.textContent = on ? link.getAttribute("data-one") : openLabel;
    link.setAttribute("aria-expanded", on ? "true" : "false");
    setAddress(on);
  }

  function open() {
    if (view) return show(true);
    link.setAttribute("aria-busy", "true");
    Promise.all(versions.map(load)).then(function (docs) {
      view = document.createElement("div");
      view.className = "side-by-side";
      view.id = "side-by-side";
      versions.forEach(function (v, k) {
        view.appendChild(column(v, docs[k]));
      });
      article.insertBefore(view, own[0]);
      link.setAttribute("aria-controls", "side-by-side");
      link.removeAttribute("aria-busy");
      show(true);
    }).catch(function () {
      link.removeAttribute("aria-busy");
      var note = document.createElement("span");
      note.className = "muted";
      note.setAttribute("role", "status");
      note.textContent = " " + link.getAttribute("data-failed");
      item.appendChild(note);
    });
  }

  link.setAttribute("aria-expanded", "false");
  link.addEventListener("click", function (e) {
    e.preventDefault();
    if (view && !view.hidden) show(false);
    else open();
  });
  if (new URLSearchParams(location.search).get("view") === "bilingual") open();
})();
