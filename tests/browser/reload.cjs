// Browser test of live reload: runs `quaestor serve --port 0` on a copy of the bundled site,
// opens a question page in headless Chromium, edits that question's title in the copy and waits
// for the page to show it without any reload from the test; then breaks the file's front matter
// and waits for the error overlay; then fixes it and waits for the overlay to go away.
//
//   node tests/browser/reload.cjs QUAESTOR_BINARY
//
// Environment: CHROMIUM (default /usr/bin/chromium when it exists, else Playwright's own).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const bin = process.argv[2];
if (!bin) {
  console.error('usage: reload.cjs QUAESTOR_BINARY');
  process.exit(2);
}
const repo = path.join(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'quaestor-reload-'));
const site = path.join(work, 'site');
fs.mkdirSync(site);
fs.cpSync(path.join(repo, 'content'), path.join(site, 'content'), { recursive: true });
fs.copyFileSync(path.join(repo, 'quaestor.toml'), path.join(site, 'quaestor.toml'));

// A Dutch question: default language, so its page is /questions/<id>/.
const dir = path.join(site, 'content', 'questions', '7');
const name = fs.readdirSync(dir).filter((f) => f.endsWith('.nl.md')).sort()[0];
const file = path.join(dir, name);
const id = name.replace(/\.nl\.md$/, '');
const original = fs.readFileSync(file, 'utf8');
const oldTitle = /^title: "(.*)"$/m.exec(original)[1];
const newTitle = `Live herladen werkt ${process.pid}`;
const edited = original.replace(/^title: ".*"$/m, `title: "${newTitle}"`);
// A date that is not one: the build fails on this file.
const broken = edited.replace(/^date: .*$/m, 'date: not-a-date');

function fail(msg) { throw new Error(msg); }
const step = (s) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}`);
const t0 = Date.now();

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', '--port', '0', '--root', site], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(String(d).replace(/^(?=.)/gm, '  serve | '));
      const m = /Serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr.on('data', (d) => process.stdout.write(String(d).replace(/^(?=.)/gm, '  serve! ')));
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before serving`)));
  });
}

(async () => {
  const { child, url } = await startServer();
  const exe = process.env.CHROMIUM || (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
    executablePath: exe, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const problems = [];
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (e) => problems.push('JS error: ' + e.message));
    let loads = 0;
    page.on('load', () => { loads += 1; });
    const pageUrl = `${url}questions/${id}/`;
    const resp = await page.goto(pageUrl);
    if (!resp || resp.status() !== 200) fail(`${pageUrl}: ${resp && resp.status()}`);
    await page.locator('h1', { hasText: oldTitle }).first().waitFor({ timeout: 10000 });
    step(`opened ${pageUrl}: "${oldTitle}"`);
    // Let the page's event stream connect before editing.
    await page.waitForTimeout(500);

    fs.writeFileSync(file, edited);
    step(`edited the title of ${name}`);
    await page.locator('h1', { hasText: newTitle }).first().waitFor({ timeout: 20000 });
    step(`the page shows "${newTitle}" (page loads so far: ${loads}, the test reloaded none)`);
    if (loads < 2) fail('the new title appeared without the page reloading?');

    fs.writeFileSync(file, broken);
    step('wrote a broken date into its front matter');
    const overlay = page.locator('#__quaestor_overlay');
    await overlay.waitFor({ state: 'visible', timeout: 20000 });
    const text = await overlay.innerText();
    if (!text.includes(name)) fail(`the overlay does not name ${name}:\n${text}`);
    step(`the overlay appeared: ${JSON.stringify(text.split('\n').slice(0, 3).join(' | '))}`);

    fs.writeFileSync(file, edited);
    step('fixed the front matter');
    await overlay.waitFor({ state: 'detached', timeout: 20000 });
    await page.locator('h1', { hasText: newTitle }).first().waitFor({ timeout: 5000 });
    step(`the overlay went away; the page shows "${newTitle}" (page loads: ${loads})`);
    if (problems.length) fail(problems.join('\n'));
    console.log('OK: live reload and the error overlay work in Chromium');
  } finally {
    await context.close();
    child.kill();
    fs.rmSync(work, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error('FAIL: ' + (e && e.stack || e));
  process.exitCode = 1;
});
