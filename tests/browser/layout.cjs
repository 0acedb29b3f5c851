// Layout test: serves a built site from a sub-path on 127.0.0.1 and opens one page of each type
// (home, a question, a member, a ministry, a keyword, the keyword index, stats, data, search) in
// every language at 1280×800 and 390×844 in headless Chromium. Fails on horizontal overflow, a
// nav that wraps at 1280 px, a phone header taller than 100 px, no current section marked in the
// nav, follow links (feed, calendar) missing or hidden, chart labels drawn outside their chart,
// and search snippets that run a label into its value. Screenshots go to SHOTS_DIR for review.
//
//   node tests/browser/layout.cjs SITE_DIR BASE_PATH SHOTS_DIR
//
// Environment: CHROMIUM (default /usr/bin/chromium when it exists, else Playwright's own).
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const { chromium } = require('playwright-core');

const [siteDir, basePath, shotsDir] = process.argv.slice(2);
if (!shotsDir) {
  console.error('usage: layout.cjs SITE_DIR BASE_PATH SHOTS_DIR');
  process.exit(2);
}
fs.mkdirSync(shotsDir, { recursive: true });
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.xml': 'application/xml',
  '.wasm': 'application/wasm' };

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let rel = decodeURIComponent(url.pathname);
  if (!rel.startsWith(basePath)) { res.writeHead(404); return res.end('outside the base path'); }
  rel = rel.slice(basePath.length);
  let file = path.join(siteDir, rel);
  if (!file.startsWith(path.resolve(siteDir))) { res.writeHead(403); return res.end(); }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404); return res.end('not found'); }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});

let failures = 0;
function fail(msg) { console.error('FAIL: ' + msg); failures++; }

// The pages of the bundled site in each language, with the nav entry that should be marked
// current on them and whether they must show follow links.
const PAGES = [
  { name: 'home', nl: '', fr: 'fr/', nav: 'home', follow: true },
  { name: 'question', nl: 'questions/8-102/', fr: 'fr/questions/8-102/', nav: 'questions', follow: true },
  { name: 'member', nl: 'members/anna-peeters/', fr: 'fr/members/anna-peeters/', nav: 'members', follow: true },
  { name: 'ministry', nl: 'ministries/justitie/', fr: 'fr/ministries/justice/', nav: 'ministries', follow: true },
  { name: 'keyword', nl: 'keywords/cyberveiligheid/', fr: 'fr/keywords/cybersecurite/', nav: 'keywords', follow: true },
  { name: 'keywords', nl: 'keywords/', fr: 'fr/keywords/', nav: 'keywords', follow: false },
  { name: 'stats', nl: 'stats/', fr: 'fr/stats/', nav: 'stats', follow: false },
  { name: 'data', nl: 'data/', fr: 'fr/data/', nav: null, follow: false },
  { name: 'search', nl: 'search/', fr: 'fr/search/', nav: 'search', follow: false },
];
const VIEWPORTS = [{ w: 1280, h: 800 }, { w: 390, h: 844 }];

async function check(page, label, spec, vp) {
  const m = await page.evaluate(() => {
    const doc = document.documentElement;
    const header = document.querySelector('.site-header');
    const navItems = [...document.querySelectorAll('.site-header nav li')];
    const navList = document.querySelector('.site-header nav ul');
    const navHidden = navList ? navList.scrollWidth - navList.clientWidth : 0;
    const tops = navItems.map((li) => Math.round(li.getBoundingClientRect().top));
    const current = [...document.querySelectorAll('.site-header [aria-current="page"]')]
      .map((a) => a.getAttribute('data-nav') || a.getAttribute('href'));
    const follow = [...document.querySelectorAll('a[href$="feed.xml"], a[href$=".ics"]')]
      .filter((a) => { const r = a.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(a).visibility !== 'hidden'; })
      .map((a) => a.getAttribute('href'));
    const heads = [...document.querySelectorAll('link[rel="alternate"][type]')].map((l) => l.getAttribute('href'));
    const clipped = [];
    for (const svg of document.querySelectorAll('svg.chart')) {
      const box = svg.getBoundingClientRect();
      for (const t of svg.querySelectorAll('text')) {
        const r = t.getBoundingClientRect();
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
          clipped.push(`${svg.id || svg.getAttribute('aria-labelledby')}: "${t.textContent}"`);
        }
      }
    }
    const tiny = [];
    for (const svg of document.querySelectorAll('svg.chart')) {
      const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      for (const t of svg.querySelectorAll('text')) {
        const px = parseFloat(getComputedStyle(t).fontSize) * k;
        if (px < 12) { tiny.push(`"${t.textContent}" ${px.toFixed(1)} px`); }
      }
    }
    const items = document.querySelector('ol.items');
    const stats = document.querySelector('section.stats');
    const statsFirst = !!(items && stats && (stats.compareDocumentPosition(items) & Node.DOCUMENT_POSITION_FOLLOWING));
    const tables = document.querySelectorAll('main table').length;
    return {
      statsFirst, tables, scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth,
      headerHeight: header ? header.getBoundingClientRect().height : 0,
      navLines: new Set(tops).size, navHidden, current, follow, heads, clipped, tiny,
    };
  });
  if (m.scrollWidth > m.innerWidth) fail(`${label}: horizontal overflow, ${m.scrollWidth} px wide in a ${m.innerWidth} px window`);
  if (vp.w === 1280 && m.navLines > 1) fail(`${label}: the nav wraps onto ${m.navLines} lines`);
  if (vp.w === 1280 && m.navHidden > 0) fail(`${label}: the nav is ${m.navHidden} px too wide for its line`);
  if (vp.w === 390 && m.headerHeight > 100) fail(`${label}: the header is ${Math.round(m.headerHeight)} px high`);
  if (spec.nav && !m.current.includes(spec.nav)) fail(`${label}: the nav does not mark "${spec.nav}" as current (marked: ${m.current.join(', ') || 'none'})`);
  if (spec.follow) {
    if (m.heads.length === 0) fail(`${label}: no feed in the head`);
    for (const h of m.heads) if (!m.follow.includes(h)) fail(`${label}: ${h} is in the head but not a visible link`);
  }
  if (m.statsFirst) fail(`${label}: the statistics come before the questions`);
  if (spec.name === 'keywords' && m.tables > 1) fail(`${label}: the index is ${m.tables} tables`);
  for (const c of m.clipped) fail(`${label}: chart label outside its chart: ${c}`);
  for (const c of m.tiny) fail(`${label}: chart text under 12 px: ${c}`);
  return m;
}

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const origin = `http://127.0.0.1:${port}`;
  const exe = process.env.CHROMIUM || (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({ executablePath: exe, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] });
  let checked = 0;
  try {
    for (const vp of VIEWPORTS) {
      const ctx = await browser.newContext({ viewport: { width: vp.w, height: vp.h } });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => fail('JS error: ' + e.message));
      for (const spec of PAGES) {
        for (const lang of ['nl', 'fr']) {
          const url = `${origin}${basePath}${spec[lang]}`;
          const label = `${spec.name} (${lang}, ${vp.w}px)`;
          const resp = await page.goto(url);
          if (!resp || resp.status() !== 200) { fail(`${label}: ${url}: ${resp && resp.status()}`); continue; }
          if (spec.name === 'search') await searchFor(page, label);
          await check(page, label, spec, vp);
          checked++;
          await page.screenshot({ path: path.join(shotsDir, `${spec.name}-${lang}-${vp.w}.png`), fullPage: true });
          await page.screenshot({ path: path.join(shotsDir, `${spec.name}-${lang}-${vp.w}-first-screen.png`) });
        }
      }
      await ctx.close();
    }
  } catch (e) {
    fail(String(e && e.stack || e));
  } finally {
    await browser.close();
    server.close();
    console.log(`${checked} page views checked; screenshots in ${shotsDir}`);
    if (failures) { console.error(`${failures} problem(s)`); process.exitCode = 1; }
    else console.log('PASS: no overflow, one-line nav, compact phone header, current section marked, follow links visible, chart labels inside their charts');
  }
});

// Types a member's name into the search page and checks the results: a label run into its
// value ("VraagstellerAnna Peeters") would be a fact list shown without a separator.
async function searchFor(page, label) {
  try {
    await typeAndCheck(page, label);
  } catch (e) {
    fail(`${label}: search gave no result for "Peeters": ${String(e.message).split('\n')[0]}`);
  }
}

async function typeAndCheck(page, label) {
  const input = page.locator('#search-input');
  await input.waitFor({ timeout: 30000 });
  await input.pressSequentially('Peeters', { delay: 20 });
  const excerpts = page.locator('.search-result');
  await excerpts.first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(300);
  const texts = await excerpts.allTextContents();
  for (const t of texts) {
    if (/[a-zà-ÿ]Anna Peeters/.test(t)) fail(`${label}: a search result runs a label into its value: "${t.trim().slice(0, 120)}"`);
  }
}
