// The search page: a small client for the index the build writes to search-index/<lang>/ (format
// 1, see src/output/search/). Vanilla JS, no WebAssembly, no inline script: it runs under the
// site's CSP, under a sub-path and offline. Words are folded exactly as the indexer folds them and
// forms are looked up, never stemmed here. Text from the index reaches the page only as text nodes.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || !window.fetch || !window.Map || !window.URLSearchParams) return;
  var input = document.getElementById("search-input");
  var sortSel = document.getElementById("search-sort");
  var statusEl = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var moreBtn = document.getElementById("search-more");
  var facetsEl = document.getElementById("search-facets");
  var clearBtn = document.getElementById("search-clear");
  var indexUrl = root.getAttribute("data-index");
  var base = root.getAttribute("data-base");
  var pageLang = root.getAttribute("data-lang");

  var PAGE = 10;
  // Query words this long also match the forms they start with ("spionage" → "spionagesoftware").
  var PREFIX_MIN = 3;
  // A prefix spanning more shards than this (a short, common start) matches its exact form only,
  // so one query never pulls a large part of the index.
  var MAX_PREFIX_SHARDS = 6;
  // Title bonus: how many document chunks may be read to learn title lengths beyond those shown.
  var BONUS_CHUNKS = 3;
  var DEBOUNCE_MS = 60;

  var FOLD = { "à": "a", "á": "a", "â": "a", "ã": "a", "ä": "a", "å": "a", "ç": "c", "è": "e",
    "é": "e", "ê": "e", "ë": "e", "ì": "i", "í": "i", "î": "i", "ï": "i", "ñ": "n", "ò": "o",
    "ó": "o", "ô": "o", "õ": "o", "ö": "o", "ø": "o", "ù": "u", "ú": "u", "û": "u", "ü": "u",
    "ý": "y", "ÿ": "y", "œ": "oe", "æ": "ae", "ß": "ss" };
  var FOLD_RE = /[àáâãäåçèéêëìíîïñòóôõöøùúûüýÿœæß]/g;
  var SPLIT_RE = /[^\p{L}\p{N}]+/u;
  var WORD_RE = /([\p{L}\p{N}]+)/u;

  function t(key) { return root.getAttribute("data-t-" + key) || ""; }
  function fill(s, vars) {
    return s.replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? String(vars[k]) : m; });
  }
  function fold(word) {
    return word.toLowerCase().replace(FOLD_RE, function (c) { return FOLD[c]; });
  }
  function queryWords(q) {
    var seen = [];
    q.split(SPLIT_RE).forEach(function (w) {
      if (!w) return;
      var f = fold(w);
      if (seen.indexOf(f) < 0) seen.push(f);
    });
    return seen;
  }
  function isPrefix(w) { return Array.from(w).length >= PREFIX_MIN; }
  function undelta(list) {
    var out = new Int32Array(list.length), acc = 0;
    for (var i = 0; i < list.length; i++) { acc += list[i]; out[i] = acc; }
    return out;
  }

  // Every file is fetched once; a failed fetch may be retried by a later search.
  var files = new Map();
  function load(rel) {
    var p = files.get(rel);
    if (!p) {
      p = fetch(indexUrl + rel).then(function (r) {
        if (!r.ok) throw new Error(rel + ": HTTP " + r.status);
        return r.json();
      });
      files.set(rel, p);
      p.catch(function () { files.delete(rel); });
    }
    return p;
  }
  var metaP = null;
  function meta() {
    if (!metaP) {
      metaP = load("meta.json").then(function (m) {
        if (m.version !== 1) throw new Error("meta.json: unknown version " + m.version);
        return m;
      });
      metaP.catch(function () { metaP = null; });
    }
    return metaP;
  }

  // The shards holding w (and, for a prefix, every form starting with w): [first, last].
  function shardSpan(shards, w, prefix) {
    var lo = 0, hi = shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (shards[mid] <= w) lo = mid; else hi = mid - 1;
    }
    var last = lo;
    if (prefix) {
      var end = w + "\uffff";
      while (last + 1 < shards.length && shards[last + 1] < end) last++;
      if (last - lo + 1 > MAX_PREFIX_SHARDS) return { first: lo, last: lo, prefix: false };
    }
    return { first: lo, last: last, prefix: prefix };
  }

  // One query word: the best weight of each document over its matched stems, and its forms.
  function matchWord(m, w) {
    var span = shardSpan(m.shards, w, isPrefix(w));
    var loads = [];
    for (var n = span.first; n <= span.last; n++) loads.push(load("t/" + n + ".json"));
    return Promise.all(loads).then(function (shards) {
      var best = new Uint8Array(m.docs), docs = [], forms = new Set();
      shards.forEach(function (sh) {
        var f = sh.forms, lo = 0, hi = f.length, used = new Set();
        while (lo < hi) { var mid = (lo + hi) >> 1; if (f[mid] < w) lo = mid + 1; else hi = mid; }
        for (var i = lo; i < f.length; i++) {
          if (f[i] !== w && !(span.prefix && f[i].lastIndexOf(w, 0) === 0)) break;
          forms.add(f[i]);
          var s = sh.stem[i];
          if (used.has(s)) continue;
          used.add(s);
          var post = sh.postings[s], wts = sh.weights[s], d = 0;
          for (var j = 0; j < post.length; j++) {
            d += post[j];
            var v = wts[j] + 1;
            if (best[d] === 0) docs.push(d);
            if (v > best[d]) best[d] = v;
          }
        }
      });
      return { best: best, docs: docs, forms: forms };
    });
  }

  // Documents matching every word, with their score and whether every word is in their title.
  function match(m, words) {
    return Promise.all(words.map(function (w) { return matchWord(m, w); })).then(function (per) {
      var smallest = per.reduce(function (a, b) { return b.docs.length < a.docs.length ? b : a; });
      var hits = [];
      smallest.docs.forEach(function (d) {
        var score = 0, title = true;
        for (var k = 0; k < per.length; k++) {
          var v = per[k].best[d];
          if (v === 0) return;
          v -= 1;
          if (v >= 16) score += 100; else title = false;
          score += v % 16;
        }
        hits.push({ doc: d, score: score, title: title, bonus: false });
      });
      var forms = new Set();
      per.forEach(function (p) { p.forms.forEach(function (f) { forms.add(f); }); });
      return { hits: hits, forms: forms };
    });
  }

  function chunkOf(m, d) { return Math.floor(d / m.chunk); }
  function doc(m, d) {
    return load("d/" + chunkOf(m, d) + ".json").then(function (c) { return c[d % m.chunk]; });
  }
  function byScore(a, b) {
    var sa = a.score + (a.bonus ? 1000 : 0), sb = b.score + (b.bonus ? 1000 : 0);
    return sb - sa || a.doc - b.doc;
  }

  // The title bonus needs each title's word count, which lives in the document chunks: read the
  // chunks of title matches in rank order until `want` bonus documents lead, within a budget.
  function resolveBonus(m, st, want) {
    var g = st.titleHits, k = st.words.length;
    if (st.resolved >= g.length || st.bonusCount >= want) return Promise.resolve();
    var batch = [], chunks = new Set();
    for (var i = st.resolved; i < g.length && batch.length < PAGE; i++) {
      var c = chunkOf(m, g[i].doc);
      if (!st.chunksRead.has(c) && !chunks.has(c)) {
        if (st.bonusBudget <= 0) break;
        st.bonusBudget--;
        chunks.add(c);
      }
      batch.push(g[i]);
    }
    if (!batch.length) { st.resolved = g.length; return Promise.resolve(); }
    return Promise.all(batch.map(function (h) { return doc(m, h.doc); })).then(function (ds) {
      batch.forEach(function (h, j) {
        h.bonus = !!ds[j] && ds[j].n <= k + 2;
        if (h.bonus) st.bonusCount++;
        st.chunksRead.add(chunkOf(m, h.doc));
      });
      st.resolved += batch.length;
      return resolveBonus(m, st, want);
    });
  }

  // ---- state and rendering ----
  var state = null;      // the current search: words, hits, shown count, filters
  var generation = 0;    // bumped by every new search: late answers of older ones are dropped
  var facetData = new Map(); // facet key → {values, docs: [Int32Array]}
  var selected = new Map();  // facet key → Set of value indexes
  var facetsBuilt = false;
  var debounce = 0;
  var loadingTimer = 0;

  function setStatus(text) { statusEl.textContent = text; }
  function busy(on) { list.setAttribute("aria-busy", on ? "true" : "false"); }
  function countText(n) {
    if (n === 0) return t("count-none");
    if (n === 1) return t("count-one");
    return fill(t("count-many"), { n: n.toLocaleString(pageLang) });
  }

  function updateAddress(q) {
    // meta.json is small and every search needs it: read it before the first keystroke.
  meta().catch(function () { /* reported by the first search */ });
  var params = new URLSearchParams(window.location.search);
    if (q) params.set("q", q); else params.delete("q");
    if (sortSel.value === "date") params.set("sort", "date"); else params.delete("sort");
    var s = params.toString();
    try { window.history.replaceState(null, "", window.location.pathname + (s ? "?" + s : "")); } catch (e) { /* file: pages */ }
  }

  function filterMask(m, exceptKey) {
    var mask = null;
    selected.forEach(function (vals, key) {
      if (key === exceptKey || !vals.size || !facetData.has(key)) return;
      var ok = new Uint8Array(m.docs);
      vals.forEach(function (v) {
        var ds = facetData.get(key).docs[v];
        for (var i = 0; i < ds.length; i++) ok[ds[i]] = 1;
      });
      if (mask) for (var i = 0; i < mask.length; i++) mask[i] &= ok[i]; else mask = ok;
    });
    return mask;
  }

  // The results in display order after filters and sort.
  function ordered(m) {
    var mask = filterMask(m, null);
    var hits = mask ? state.hits.filter(function (h) { return mask[h.doc]; }) : state.hits.slice();
    if (sortSel.value === "date") hits.sort(function (a, b) { return a.doc - b.doc; });
    else hits.sort(byScore);
    return hits;
  }

  function appendMarked(parent, text, forms, words) {
    text.split(WORD_RE).forEach(function (part, i) {
      if (!part) return;
      var hit = false;
      if (i % 2 === 1) {
        var f = fold(part);
        hit = forms.has(f) || words.some(function (w) { return f === w || (isPrefix(w) && f.lastIndexOf(w, 0) === 0); });
      }
      if (hit) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  var dateFormat = null;
  try {
    dateFormat = new Intl.DateTimeFormat(pageLang, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  } catch (e) { dateFormat = null; }
  function formatDate(d) {
    if (!dateFormat || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return d;
    return dateFormat.format(new Date(d + "T00:00:00Z"));
  }

  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function renderHit(d, st) {
    var li = document.createElement("li");
    li.className = "search-result";
    var h = document.createElement("h2");
    var a = document.createElement("a");
    a.href = base + d.u;
    appendMarked(a, d.t || d.i, st.forms, st.words);
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement("p");
    meta.className = "search-result-meta";
    var parts = [span("search-result-id", d.i)];
    if (d.d) {
      var time = document.createElement("time");
      time.dateTime = d.d;
      time.textContent = formatDate(d.d);
      parts.push(time);
    }
    if (d.a) parts.push(span("search-result-author", d.a + (d.p ? " (" + d.p + ")" : "")));
    if (d.m && d.m.length) parts.push(span("search-result-ministry", d.m.join(", ")));
    if (d.s) parts.push(span("search-result-status", d.s));
    if (d.l && d.l !== pageLang) {
      var marker = span("search-result-lang", fill(t("only-in"), { lang: root.getAttribute("data-lang-" + d.l) || d.l }));
      parts.push(marker);
    }
    parts.forEach(function (p, i) {
      if (i) meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(p);
    });
    li.appendChild(meta);
    if (d.x) {
      var x = document.createElement("p");
      x.className = "search-result-excerpt";
      appendMarked(x, d.x, st.forms, st.words);
      li.appendChild(x);
    }
    return li;
  }

  // Shows results from..to of the current order; `focusFirst` moves focus to the first new one.
  function show(m, st, gen, from, focusFirst) {
    var hits = ordered(m);
    var to = Math.min(hits.length, from + PAGE);
    var slice = hits.slice(from, to);
    return Promise.all(slice.map(function (h) { return doc(m, h.doc); })).then(function (ds) {
      if (gen !== generation) return;
      clearTimeout(loadingTimer);
      if (from === 0) list.textContent = "";
      var first = null;
      ds.forEach(function (d) {
        if (!d) return;
        var li = renderHit(d, st);
        list.appendChild(li);
        if (!first) first = li.querySelector("a");
      });
      st.shown = to;
      moreBtn.hidden = to >= hits.length;
      setStatus(countText(hits.length));
      busy(false);
      if (focusFirst && first) first.focus();
      buildFacets(m);
      refreshFacets(m);
    });
  }

  function fail(gen) {
    if (gen !== generation) return;
    clearTimeout(loadingTimer);
    list.textContent = "";
    moreBtn.hidden = true;
    setStatus(t("error"));
    busy(false);
  }

  function search() {
    var q = input.value;
    var gen = ++generation;
    updateAddress(q.trim());
    var words = queryWords(q);
    clearTimeout(loadingTimer);
    if (!words.length) {
      state = null;
      list.textContent = "";
      moreBtn.hidden = true;
      facetsEl.hidden = true;
      setStatus("");
      busy(false);
      return;
    }
    busy(true);
    loadingTimer = setTimeout(function () { if (gen === generation) setStatus(t("loading")); }, 400);
    meta().then(function (m) {
      return match(m, words).then(function (r) {
        if (gen !== generation) return;
        var hits = r.hits.sort(byScore);
        var st = { words: words, hits: hits, forms: r.forms, shown: 0,
          titleHits: hits.filter(function (h) { return h.title; }),
          resolved: 0, bonusCount: 0, bonusBudget: BONUS_CHUNKS, chunksRead: new Set() };
        state = st;
        // The first page's chunks are read at once, in parallel with the title bonus lookups,
        // which reuse them (they do not count against the bonus budget).
        var top = sortSel.value === "date" ? hits.slice().sort(function (a, b) { return a.doc - b.doc; }) : hits;
        top.slice(0, PAGE).forEach(function (h) {
          st.chunksRead.add(chunkOf(m, h.doc));
          doc(m, h.doc).catch(function () { /* reported by show() */ });
        });
        var want = sortSel.value === "date" ? 0 : PAGE;
        return resolveBonus(m, st, want).then(function () {
          if (gen !== generation) return;
          return show(m, st, gen, 0, false);
        });
      });
    }).catch(function () { fail(gen); });
  }

  function showMore() {
    var st = state, gen = generation;
    if (!st) return;
    meta().then(function (m) {
      var want = sortSel.value === "date" ? 0 : st.shown + PAGE;
      return resolveBonus(m, st, want).then(function () {
        if (gen !== generation) return;
        return show(m, st, gen, st.shown, true);
      });
    }).catch(function () { fail(gen); });
  }

  // Re-renders the first page of the current results (after a sort or filter change).
  function rerender() {
    var st = state, gen = ++generation;
    if (!st) return;
    busy(true);
    meta().then(function (m) {
      return resolveBonus(m, st, sortSel.value === "date" ? 0 : PAGE).then(function () {
        if (gen !== generation) return;
        return show(m, st, gen, 0, false);
      });
    }).catch(function () { fail(gen); });
  }

  // ---- facets: built after the first results show; each file is read when its group opens ----
  function buildFacets(m) {
    facetsEl.hidden = false;
    if (facetsBuilt) return;
    facetsBuilt = true;
    (m.facets || []).forEach(function (f) {
      var det = document.createElement("details");
      det.className = "search-facet";
      det.setAttribute("data-key", f.key);
      var sum = document.createElement("summary");
      sum.textContent = f.label;
      det.appendChild(sum);
      var body = document.createElement("div");
      body.className = "search-facet-values";
      det.appendChild(body);
      det.addEventListener("toggle", function () {
        if (!det.open || facetData.has(f.key)) return;
        body.textContent = t("facet-loading");
        load("f/" + f.key + ".json").then(function (data) {
          facetData.set(f.key, { values: data.values, docs: data.docs.map(undelta) });
          refreshFacets(m);
        }).catch(function () { body.textContent = t("error"); });
      });
      facetsEl.appendChild(det);
    });
  }

  function refreshFacets(m) {
    if (!state) return;
    var any = false;
    selected.forEach(function (v) { if (v.size) any = true; });
    clearBtn.hidden = !any;
    Array.prototype.forEach.call(facetsEl.querySelectorAll("details.search-facet"), function (det) {
      var key = det.getAttribute("data-key"), data = facetData.get(key);
      if (!data) return;
      var body = det.querySelector(".search-facet-values");
      var mask = filterMask(m, key), inResults = new Uint8Array(m.docs);
      state.hits.forEach(function (h) { if (!mask || mask[h.doc]) inResults[h.doc] = 1; });
      var sel = selected.get(key) || new Set();
      var ul = document.createElement("ul");
      data.values.forEach(function (value, v) {
        var ds = data.docs[v], n = 0;
        for (var i = 0; i < ds.length; i++) n += inResults[ds[i]];
        if (!n && !sel.has(v)) return;
        var li = document.createElement("li");
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.checked = sel.has(v);
        box.addEventListener("change", function () {
          var s = selected.get(key) || new Set();
          if (box.checked) s.add(v); else s.delete(v);
          selected.set(key, s);
          rerender();
        });
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + value + " "));
        label.appendChild(span("search-facet-count", "(" + n.toLocaleString(pageLang) + ")"));
        li.appendChild(label);
        ul.appendChild(li);
      });
      // Keep the focused checkbox focused across the redraw (keyboard users tick several values).
      var active = document.activeElement, idx = -1;
      if (active && body.contains(active)) idx = Array.prototype.indexOf.call(body.querySelectorAll("input"), active);
      body.textContent = "";
      body.appendChild(ul);
      if (idx >= 0) { var boxes = body.querySelectorAll("input"); if (boxes[idx]) boxes[idx].focus(); }
    });
  }

  clearBtn.addEventListener("click", function () {
    selected.clear();
    input.focus();
    rerender();
  });
  input.addEventListener("input", function () {
    clearTimeout(debounce);
    debounce = setTimeout(search, DEBOUNCE_MS);
  });
  input.form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(debounce);
    search();
  });
  sortSel.addEventListener("change", function () {
    updateAddress(input.value.trim());
    rerender();
  });
  moreBtn.addEventListener("click", showMore);

  // meta.json is small and every search needs it: read it before the first keystroke.
  meta().catch(function () { /* reported by the first search */ });
  var params = new URLSearchParams(window.location.search);
  if (params.get("sort") === "date") sortSel.value = "date";
  var initial = params.get("q");
  if (initial) { input.value = initial; search(); }
})();
