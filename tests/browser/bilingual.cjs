// Browser test of a question's languages side by side and of the moved addresses: serves a built
// site from a sub-path on 127.0.0.1 as GitHub Pages does (the site's 404.html, with status 404,
// for any missing address; the netlify.toml CSP; offline), then in headless Chromium:
//   - the old bilingual address of a question (in each language) lands on the question's page in
//     that language with both versions in columns, each column in its language with its text;
//   - the link on the page closes the view and opens it again, with the keyboard;
//   - the old French feed address of the question lands on its one feed, and the old address of
//     the bulk data on its compressed file.
// Fails on any CSP violation or JavaScript error.
//
//   node tests/browser/bilingual.cjs SITE_DIR BASE_PATH ID NL_TEXT FR_TEXT
//     ID a question with a Dutch and a French version; NL_TEXT and FR_TEXT words of each text.
// Environment: CHROMIUM (default /usr/bin/chromium when it exists, else Playwright's own).
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const { chromium } = require('playwright-core');

const [siteDir, basePath, id, nlText, frText] = process.argv.slice(2);
if (!frText) {
  console.error('usage: bilingual.cjs SITE_DIR BASE_PATH ID NL_TEXT FR_TEXT');
  process.exit(2);
}
const netlify = fs.readFileSync(path.join(__dirname, '..', '..', 'netlify.toml'), 'utf8');
const csp = /Content-Security-Policy\s*=\s*"([^"]+)"/.exec(netlify)[1];
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.xml': 'application/xml' };
const root = path.resolve(siteDir);

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const rel = decodeURIComponent(url.pathname);
  let file = null;
  if (rel.startsWith(basePath)) {
    file = path.resolve(root, rel.slice(basePath.length));
    if (file !== root && !file.startsWith(root + path.sep)) file = null;
    else if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  }
  let status = 200;
  if (!file || !fs.existsSync(file)) {
    // GitHub Pages: the site's own 404 page for anything missing.
    status = 404;
    file = path.join(root, '404.html');
  }
  const headers = {
    'Content-Type': types[path.extname(file)] || 'application/octet-stream',
    'Content-Security-Policy': csp,
  };
  const body = fs.readFileSync(file);
  headers['Content-Length'] = body.length;
  res.writeHead(status, headers);
  res.end(body);
});

function fail(msg) { console.error('FAIL: ' + msg); process.exitCode = 1; }

async function main() {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const exe = process.env.CHROMIUM || (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({ executablePath: exe });
  const problems = [];
  const page = await browser.newPage();
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.hostname === '127.0.0.1') return route.continue();
    problems.push('external request ' + u.href);
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (e) => problems.push('JS error: ' + e.message));
  page.on('console', (m) => {
    // The old address itself answers 404 before the page sends the browser on: expected.
    if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push('console: ' + m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
    });
  });

  for (const [prefix, lang] of [['', 'nl'], ['fr/', 'fr']]) {
    const question = `${basePath}${prefix}questions/${id}/`;
    await page.goto(`${origin}${question}bilingual/`);
    await page.waitForURL(`${origin}${question}?view=bilingual`, { timeout: 5000 })
      .catch(() => fail(`${prefix}questions/${id}/bilingual/ did not move to ${question}?view=bilingual (at ${page.url()})`));
    await page.waitForSelector('#side-by-side .column', { timeout: 5000 })
      .catch(() => fail(`${question}?view=bilingual shows no columns`));
    const columns = await page.$$eval('#side-by-side .column', (cs) => cs.map((c) => ({
      lang: c.lang, text: c.textContent, visible: c.getClientRects().length > 0 })));
    const langs = columns.map((c) => c.lang).join(',');
    if (langs !== 'nl,fr') fail(`${question}: columns ${langs}, expected nl,fr`);
    if (!columns.every((c) => c.visible)) fail(`${question}: a column is not shown`);
    const nl = columns.find((c) => c.lang === 'nl');
    const fr = columns.find((c) => c.lang === 'fr');
    if (!nl || !nl.text.includes(nlText)) fail(`${question}: the Dutch column lacks "${nlText}"`);
    if (!fr || !fr.text.includes(frText)) fail(`${question}: the French column lacks "${frText}"`);
    const htmlLang = await page.evaluate(() => document.documentElement.lang);
    if (htmlLang !== lang) fail(`${question}: the page is in ${htmlLang}, expected ${lang}`);
    const ids = await page.$$eval('[id]', (els) => els.map((e) => e.id));
    const dup = ids.filter((x, i) => ids.indexOf(x) !== i);
    if (dup.length) fail(`${question}: duplicate ids ${dup.join(', ')}`);

    // Keyboard: focus the link, Enter closes the view, Enter opens it again.
    await page.focus('#bilingual a');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('side-by-side').hidden, null, { timeout: 3000 })
      .catch(() => fail(`${question}: Enter on the link did not close the view`));
    const single = await page.evaluate(() => ({
      search: location.search,
      shown: [...document.querySelectorAll('article.question > section.text')].every((s) => !s.hidden),
    }));
    if (single.search !== '' || !single.shown) fail(`${question}: closing left ${JSON.stringify(single)}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.getElementById('side-by-side').hidden, null, { timeout: 3000 })
      .catch(() => fail(`${question}: Enter on the link did not open the view again`));
    console.log(`${prefix}questions/${id}/bilingual/ → ${question}?view=bilingual: columns ${langs}`);
  }

  // The French feed address of the question now is its one feed. (Chromium's own XML viewer
  // then breaks the CSP with inline styles: what the pages did is checked before.)
  if (problems.length) fail(problems.splice(0).join('\n'));
  await page.goto(`${origin}${basePath}fr/questions/${id}/feed.xml`);
  const feed = `${origin}${basePath}questions/${id}/feed.xml`;
  await page.waitForURL(feed, { timeout: 5000 })
    .catch(() => fail(`fr/questions/${id}/feed.xml did not move to ${feed} (at ${page.url()})`));
  console.log(`fr/questions/${id}/feed.xml → ${page.url()}`);
  problems.splice(0);

  // The bulk data moved to its compressed file (answered here as text: a download ends no page).
  await page.route('**/questions.jsonl.gz', (r) => r.fulfill({ status: 200, contentType: 'text/plain', body: 'gz' }));
  await page.goto(`${origin}${basePath}questions.jsonl`);
  const gz = `${origin}${basePath}questions.jsonl.gz`;
  await page.waitForURL(gz, { timeout: 5000 })
    .catch(() => fail(`questions.jsonl did not move to ${gz} (at ${page.url()})`));
  problems.splice(0);

  // An address that never existed stays on the 404 page.
  await page.goto(`${origin}${basePath}questions/${id}/nothing-here/`);
  await page.waitForTimeout(300);
  if (!page.url().endsWith('/nothing-here/')) fail(`an unknown address moved to ${page.url()}`);

  await browser.close();
  server.close();
  if (problems.length) fail(problems.join('\n'));
  if (!process.exitCode) console.log('PASS: side by side and moved addresses');
}

main().catch((e) => { fail(e.stack || String(e)); server.close(); });
