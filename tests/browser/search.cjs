// Browser test of search: serves a built site from a sub-path on 127.0.0.1 with the
// Content-Security-Policy of netlify.toml, opens its search page in headless Chromium with every
// non-loopback request blocked (offline), types a query, applies a facet, sorts by date, and
// checks the expected question is found. Fails on any CSP violation or JavaScript error.
//
//   node tests/browser/search.cjs SITE_DIR BASE_PATH QUERY FACET VALUE EXPECTED_URL_PART
//
// Environment: CHROMIUM (default /usr/bin/chromium when it exists, else Playwright's own).
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const { chromium } = require('playwright-core');

const [siteDir, basePath, query, facet, value, expected] = process.argv.slice(2);
if (!expected) {
  console.error('usage: search.cjs SITE_DIR BASE_PATH QUERY FACET VALUE EXPECTED_URL_PART');
  process.exit(2);
}
const netlify = fs.readFileSync(path.join(__dirname, '..', '..', 'netlify.toml'), 'utf8');
const csp = /Content-Security-Policy\s*=\s*"([^"]+)"/.exec(netlify)[1];
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
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream',
                       'Content-Security-Policy': csp });
  fs.createReadStream(file).pipe(res);
});

function fail(msg) { console.error('FAIL: ' + msg); process.exitCode = 1; }

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const exe = process.env.CHROMIUM || (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({ executablePath: exe, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] });
  const problems = [];
  try {
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
    });
    const url = `http://127.0.0.1:${port}${basePath}search/`;
    const resp = await page.goto(url);
    if (!resp || resp.status() !== 200) throw new Error(`${url}: ${resp && resp.status()}`);
    const input = page.locator('.pagefind-ui__search-input');
    await input.waitFor({ timeout: 30000 });
    await input.pressSequentially(query, { delay: 30 });
    const results = page.locator('.pagefind-ui__result-link');
    await results.first().waitFor({ timeout: 30000 });
    const before = await results.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    console.log(`"${query}": ${before.length} result(s)`);
    for (const h of before) {
      const r = await page.request.get(`http://127.0.0.1:${port}${h}`);
      if (r.status() !== 200) fail(`result ${h} does not lead to a page (${r.status()})`);
    }
    // Apply the facet: open its group and tick the value.
    const group = page.locator('details.pagefind-ui__filter-block', { hasText: facet });
    await group.locator('summary').click();
    const option = group.locator('.pagefind-ui__filter-value', { hasText: value });
    await option.locator('input').check();
    await page.waitForFunction((prev) => {
      const hrefs = [...document.querySelectorAll('.pagefind-ui__result-link')].map((a) => a.getAttribute('href'));
      return hrefs.length > 0 && hrefs.join() !== prev;
    }, before.join(), { timeout: 30000 }).catch(() => {});
    const after = await results.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    console.log(`with ${facet} = ${value}: ${after.join(' ')}`);
    if (!after.some((h) => h.includes(expected))) fail(`${expected} not found after the facet`);
    if (after.length >= before.length && before.length > 1) fail('the facet did not narrow the results');
    // Sort by date: the UI is rebuilt with the same query.
    await page.selectOption('#search-sort', 'date');
    await page.locator('.pagefind-ui__result-link').first().waitFor({ timeout: 30000 });
    await page.waitForTimeout(500);
    const sorted = await page.locator('.pagefind-ui__result-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const dates = [];
    for (const h of sorted) {
      const html = await (await page.request.get(`http://127.0.0.1:${port}${h}`)).text();
      dates.push((/data-pagefind-sort="date:([0-9-]+)"/.exec(html) || [])[1]);
    }
    console.log(`sorted by date: ${sorted.map((h, i) => h + ' ' + dates[i]).join(', ')}`);
    if (sorted.length !== before.length) fail('sorting changed the result count');
    if (dates.some((d, i) => !d || (i > 0 && d > dates[i - 1]))) fail('results are not newest first');
  } catch (e) {
    fail(String(e && e.stack || e));
  } finally {
    for (const p of problems) fail(p);
    await browser.close();
    server.close();
    if (!process.exitCode) console.log('PASS: search works offline under ' + basePath + ' with the site CSP');
  }
});
