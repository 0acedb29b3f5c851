// Browser test of search: serves a built site from a sub-path on 127.0.0.1 with the
// Content-Security-Policy of netlify.toml (gzip-compressed, as GitHub Pages and Netlify serve it),
// opens its search page in headless Chromium with every non-loopback request blocked (offline),
// and fails on any CSP violation or JavaScript error. Two modes:
//
//   node tests/browser/search.cjs SITE_DIR BASE_PATH check PAGE QUERY FACET VALUE EXPECTED
//     PAGE is the search page under the base (search/, fr/search/). Keyboard only: Tab to the
//     input, type QUERY, Tab to the first result, Enter opens it; back, the address's ?q= gives
//     the same results; EXPECTED (part of a result's address) is found; ticking VALUE in the
//     facet FACET (a key: year, ministry, ...) narrows the results and keeps EXPECTED; sort by
//     date orders them newest first; the count is shown. Prints the bytes transferred and the
//     time from the last keystroke until the first result is visible; fails above MAX_KB
//     (default 300) or MAX_MS (default 300).
//
//   node tests/browser/search.cjs SITE_DIR BASE_PATH titles PAGE[,PAGE...] N [SEED]
//     For N titles sampled (seeded, default 42; N = 0 takes every document) from the document
//     chunks of each page's bundle on disk, searches the exact title and counts how often its
//     document is in the top three (or, for a title several questions share, one of them).
//     Prints the rates per page; fails below MIN_RATE (default 95).
//
// For a big site (the benchmark), build it with --base-url https://user.github.io/repo/ into
// DIR/repo and run either mode with SITE_DIR=DIR/repo BASE_PATH=/repo/.
// Environment: CHROMIUM (default /usr/bin/chromium when it exists, else Playwright's own).
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const zlib = require('zlib');
const { chromium } = require('playwright-core');

const [siteDir, basePath, mode, ...rest] = process.argv.slice(2);
const usage = 'usage: search.cjs SITE_DIR BASE_PATH check PAGE QUERY FACET VALUE EXPECTED\n' +
  '       search.cjs SITE_DIR BASE_PATH titles PAGE[,PAGE...] N [SEED]';
if (!(mode === 'check' && rest.length === 5) && !(mode === 'titles' && rest.length >= 2)) {
  console.error(usage);
  process.exit(2);
}
const MAX_KB = Number(process.env.MAX_KB || 300);
const MAX_MS = Number(process.env.MAX_MS || 300);
const MIN_RATE = Number(process.env.MIN_RATE || 95);

const netlify = fs.readFileSync(path.join(__dirname, '..', '..', 'netlify.toml'), 'utf8');
const csp = /Content-Security-Policy\s*=\s*"([^"]+)"/.exec(netlify)[1];
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.xml': 'application/xml' };

const root = path.resolve(siteDir);
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let rel = decodeURIComponent(url.pathname);
  if (!rel.startsWith(basePath)) { res.writeHead(404); return res.end('outside the base path'); }
  let file = path.resolve(root, rel.slice(basePath.length));
  if (file !== root && !file.startsWith(root + path.sep)) { res.writeHead(403); return res.end(); }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404); return res.end('not found'); }
  const type = types[path.extname(file)] || 'application/octet-stream';
  const headers = { 'Content-Type': type, 'Content-Security-Policy': csp };
  let body = fs.readFileSync(file);
  if (/gzip/.test(req.headers['accept-encoding'] || '') && /json|text|javascript|xml|svg/.test(type)) {
    body = zlib.gzipSync(body);
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers);
  res.end(body);
});

function fail(msg) { console.error('FAIL: ' + msg); process.exitCode = 1; }

async function newPage(browser, problems) {
  const page = await browser.newPage();
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.hostname === '127.0.0.1' || u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
    problems.push('external request ' + u.href);
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (e) => problems.push('JS error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
    });
    // The time of the last keystroke and of every change to the results list, for the latency.
    window.__keys = [];
    window.__shown = [];
    document.addEventListener('keydown', () => window.__keys.push(performance.now()), true);
    document.addEventListener('DOMContentLoaded', () => {
      const list = document.getElementById('search-results');
      if (list) new MutationObserver(() => {
        if (list.querySelector('.search-result')) window.__shown.push(performance.now());
      }).observe(list, { childList: true });
    });
  });
  return page;
}

// Waits until the current search has finished and returns the result addresses shown.
async function settled(page) {
  await page.waitForFunction(() => {
    const list = document.getElementById('search-results');
    return list && list.getAttribute('aria-busy') === 'false';
  }, null, { timeout: 30000 });
  return page.locator('.search-result h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
}

async function check(browser, origin, problems) {
  const [pagePath, query, facet, value, expected] = rest;
  const page = await newPage(browser, problems);
  const url = origin + basePath + pagePath;
  // Bytes of the search's own files (the index), from the page's load until the first results.
  let bytes = 0;
  const loaded = [];
  page.on('requestfinished', async (req) => {
    const rel = new URL(req.url()).pathname.slice(basePath.length);
    if (!rel.startsWith('search-index/') && !rel.startsWith('js/search.js')) return;
    const s = await req.sizes().catch(() => null);
    if (!s) return;
    bytes += s.responseBodySize + s.responseHeadersSize;
    loaded.push(rel);
  });
  const resp = await page.goto(url);
  if (!resp || resp.status() !== 200) throw new Error(`${url}: ${resp && resp.status()}`);
  // Keyboard only: Tab to the input, type, Tab to the first result, Enter.
  let tabs = 0;
  while (tabs++ < 60 && await page.evaluate(() => document.activeElement && document.activeElement.id) !== 'search-input') {
    await page.keyboard.press('Tab');
  }
  if (await page.evaluate(() => document.activeElement.id) !== 'search-input') throw new Error('Tab never reaches the search input');
  await page.evaluate(() => { window.__keys = []; window.__shown = []; });
  await page.keyboard.type(query, { delay: 40 });
  const first = await settled(page);
  await page.locator('.search-result').first().waitFor({ state: 'visible', timeout: 30000 });
  const ms = await page.evaluate(() => {
    const last = window.__keys[window.__keys.length - 1];
    const after = window.__shown.filter((t) => t >= last);
    return after.length ? after[0] - last : NaN;
  });
  await page.waitForTimeout(200);
  const kb = bytes / 1024;
  console.log(`"${query}" on ${pagePath}: first result ${ms.toFixed(0)} ms after the last keystroke; ` +
    `${kb.toFixed(1)} KB transferred in ${loaded.length} file(s): ${loaded.join(' ')}`);
  if (!(ms <= MAX_MS)) fail(`first result after ${ms} ms (limit ${MAX_MS} ms)`);
  if (kb > MAX_KB) fail(`${kb.toFixed(1)} KB transferred (limit ${MAX_KB} KB)`);
  const relevanceDates = await page.locator('.search-result time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
  if (!relevanceDates.some((d, i) => i > 0 && d > relevanceDates[i - 1])) {
    fail(`the best matches of "${query}" are already newest first: choose a query whose order the date sort changes`);
  }
  const count = (await page.locator('#search-status').textContent()).trim();
  console.log(`count shown: "${count}"; first page: ${first.join(' ')}`);
  if (!/\d/.test(count)) fail('the result count is not shown');
  if (!first.some((h) => h.includes(expected))) fail(`${expected} is not among the results of "${query}"`);
  for (const h of first) {
    const r = await page.request.get(origin + h);
    if (r.status() !== 200) fail(`result ${h} does not lead to a page (${r.status()})`);
  }
  for (let i = 0; i < 3; i++) {
    if (await page.evaluate(() => !!document.activeElement.closest('.search-result'))) break;
    await page.keyboard.press('Tab');
  }
  const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
  if (focused !== first[0]) throw new Error(`Tab from the input does not reach the first result (focus on ${focused})`);
  await Promise.all([page.waitForURL((u) => u.pathname === first[0]), page.keyboard.press('Enter')]);
  console.log(`keyboard: Tab to the input, typing, Tab to the first result and Enter opened ${first[0]}`);
  // Back on the search page, the address (?q=) brings the same search back.
  await page.goBack();
  const again = await settled(page);
  if (!page.url().includes('q=')) fail(`the address does not hold the query: ${page.url()}`);
  if (again.join() !== first.join()) fail(`the address ${page.url()} does not give the same results`);

  // A facet narrows the results.
  const before = await resultCount(page);
  const group = page.locator(`details.search-facet[data-key="${facet}"]`);
  await group.locator('summary').click();
  const option = group.locator('label', { hasText: value }).first();
  await option.waitFor({ timeout: 30000 });
  await option.locator('input').check();
  const after = await settled(page);
  const narrowed = await resultCount(page);
  console.log(`with ${facet} = ${value}: ${narrowed} of ${before}: ${after.join(' ')}`);
  if (!after.some((h) => h.includes(expected))) fail(`${expected} not found after the facet`);
  if (!(narrowed < before)) fail('the facet did not narrow the results');
  await option.locator('input').uncheck();
  await settled(page);

  // Sort by date: newest first, same results (the first three pages' dates are compared).
  await page.selectOption('#search-sort', 'date');
  await settled(page);
  for (let i = 0; i < 2 && await page.locator('#search-more').isVisible(); i++) {
    await page.locator('#search-more').click();
    await settled(page);
  }
  const dates = await page.locator('.search-result time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
  console.log(`sorted by date: ${dates.join(' ')}`);
  if (await resultCount(page) !== before) fail(`sorting by date counts ${await resultCount(page)} results, not ${before}`);
  if (dates.length !== Math.min(before, 30)) fail(`sorting by date shows ${dates.length} results`);
  if (dates.some((d, i) => i > 0 && d > dates[i - 1])) fail('results are not newest first');
  if (!page.url().includes('sort=date')) fail('the address does not hold the sort');
}

async function resultCount(page) {
  const text = (await page.locator('#search-status').textContent()).replace(/[\s\u202f\u00a0.,]/g, '');
  const m = /\d+/.exec(text);
  return m ? Number(m[0]) : 0;
}

// A small seeded generator (mulberry32), so a run's sample can be repeated.
function random(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function titles(browser, origin, problems) {
  const [pages, nArg, seedArg] = rest;
  const n = Number(nArg);
  for (const pagePath of pages.split(',')) {
    const html = fs.readFileSync(path.join(root, pagePath, 'index.html'), 'utf8');
    const index = /data-index="([^"]+)"/.exec(html)[1].slice(basePath.length);
    const dir = path.join(root, index);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    const docs = [];
    for (let k = 0; k * meta.chunk < meta.docs; k++) {
      docs.push(...JSON.parse(fs.readFileSync(path.join(dir, 'd', k + '.json'), 'utf8')));
    }
    // Questions sharing a title cannot be told apart by it: any of them counts as found.
    const byTitle = new Map();
    for (const d of docs) byTitle.set(d.t, (byTitle.get(d.t) || new Set()).add(basePath + d.u));
    const rand = random(Number(seedArg || 42));
    let picks = [...docs.keys()];
    if (n > 0 && n < picks.length) {
      for (let i = picks.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [picks[i], picks[j]] = [picks[j], picks[i]];
      }
      picks = picks.slice(0, n).sort((a, b) => a - b);
    }
    const page = await newPage(browser, problems);
    await page.goto(origin + basePath + pagePath);
    let found = 0, exact = 0, shared = 0;
    const misses = [];
    for (const d of picks) {
      const doc = docs[d];
      await page.evaluate((q) => {
        const input = document.getElementById('search-input');
        input.value = q;
        input.form.requestSubmit();
      }, doc.t);
      const top = (await settled(page)).slice(0, 3);
      const same = byTitle.get(doc.t);
      if (same.size > 1) shared++;
      if (top.includes(basePath + doc.u)) exact++;
      if (top.some((h) => same.has(h))) found++;
      else misses.push(`${doc.i} "${doc.t}" → ${top.join(' ') || 'nothing'}`);
    }
    await page.close();
    const pct = (x) => (picks.length ? (100 * x) / picks.length : 0);
    console.log(`titles on ${pagePath}: ${found} of ${picks.length} exact titles find their question ` +
      `(or one with the same title) in the top three: ${pct(found).toFixed(1)} %; ` +
      `the very question: ${pct(exact).toFixed(1)} %; ${shared} of the titles are shared`);
    for (const m of misses.slice(0, 10)) console.log('  missed: ' + m);
    if (!(pct(found) >= MIN_RATE)) fail(`${pagePath}: ${pct(found).toFixed(1)} % of titles in the top three (limit ${MIN_RATE} %)`);
  }
}

server.listen(0, '127.0.0.1', async () => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const exe = process.env.CHROMIUM || (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({ executablePath: exe, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] });
  const problems = [];
  try {
    if (mode === 'check') await check(browser, origin, problems);
    else await titles(browser, origin, problems);
  } catch (e) {
    fail(String(e && e.stack || e));
  } finally {
    for (const p of problems) fail(p);
    await browser.close();
    server.close();
    if (!process.exitCode) console.log(`PASS: search (${mode}) works offline under ${basePath} with the site CSP`);
  }
});
