// Drives a real headless Chromium (Debian's `chromium`) through earshot's dashboard on a running
// `earshot serve`: every page loads with no console error and no failed request, axe-core finds no
// serious or critical accessibility issue, Tab reaches every control, the leaderboard's top score is
// the API's, a plan, a forecast, communities and a backtest run from their forms to a result, marking
// a triage message answered takes it out of the queue, and pages without a session go to the login.
// A screenshot of each page is written to the artefact folder.
//
// Usage: node dashboard.mjs BASE_URL READ_KEY WRITE_KEY LABEL SCREENSHOT_DIR
// (scripts/browser_test.sh starts the server, makes the keys and runs this per database.)

import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const [base, readKey, writeKey, label, shots] = process.argv.slice(2);
if (!shots) {
  console.error('usage: node dashboard.mjs BASE_URL READ_KEY WRITE_KEY LABEL SCREENSHOT_DIR');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const failures = [];
const fail = (what) => { failures.push(`[${label}] ${what}`); console.error(`FAIL [${label}] ${what}`); };
const check = (ok, what) => { if (!ok) fail(what); else console.log(`ok   [${label}] ${what}`); };

async function api(path, key, init = {}) {
  const r = await fetch(base + path, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers || {}) } });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Every console error and failed or 4xx/5xx request of a page, by the page's path.
function watch(page) {
  const seen = [];
  page.on('console', (m) => { if (m.type() === 'error') seen.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A meta-refresh reload cancels the previous document's pending requests: not a failure.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') seen.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) seen.push(`HTTP ${r.status()}: ${r.url()}`); });
  return seen;
}

async function axe(page, name) {
  await page.evaluate(axeSource + ';0');
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `${name}: axe finds no serious or critical issue` +
    (bad.length ? ` (${bad.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`).join(' | ')})` : ''));
}

// Tab from the top of the page until focus comes back round; every visible control must be reached.
async function keyboard(page, name) {
  const total = await page.evaluate(() => {
    const els = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')];
    els.forEach((e, i) => e.setAttribute('data-kb', String(i)));
    return els.filter((e) => e.offsetParent !== null || e.getClientRects().length > 0).length;
  });
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  const reached = new Set();
  for (let i = 0; i < total + 5; i++) {
    await page.keyboard.press('Tab');
    const k = await page.evaluate(() => document.activeElement?.getAttribute('data-kb'));
    if (k !== null && k !== undefined) reached.add(k);
  }
  check(reached.size >= total, `${name}: Tab reaches all ${total} controls (reached ${reached.size})`);
}

async function visit(page, seen, path, name, { waitFor, timeout = 30000 } = {}) {
  seen.length = 0;
  const started = Date.now();
  const resp = await page.goto(base + path);
  if (waitFor) await page.locator(waitFor).first().waitFor({ timeout });
  check(resp && resp.status() < 400, `${name}: ${path} answers ${resp?.status()} in ${Date.now() - started} ms`);
  await settle(page, seen, name);
}

async function settle(page, seen, name) {
  await page.waitForLoadState('load');
  await page.screenshot({ path: `${shots}/${label}-${name}.png`, fullPage: true });
  await axe(page, name);
  await keyboard(page, name);
  check(seen.length === 0, `${name}: no console errors or failed requests${seen.length ? ': ' + seen.join('; ') : ''}`);
}

try {
  // Without a session every page sends the browser to sign in, with where it was going.
  const anon = await browser.newContext();
  const ap = await anon.newPage();
  for (const path of ['/', '/leaderboard', '/plan', '/triage', '/communities', '/backtest']) {
    await ap.goto(base + path);
    const u = new URL(ap.url());
    check(u.pathname === '/login' && u.searchParams.get('next') === path, `without a key ${path} redirects to the login (${u.pathname}${u.search})`);
  }
  await ap.fill('#key', 'es_not_a_key');
  await ap.click('form.login button');
  check(new URL(ap.url()).pathname === '/login' && await ap.locator('#login-problem').count() === 1, 'a wrong key stays on the login and says why');
  await anon.close();

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const seen = watch(page);
  await page.goto(base + '/login?next=%2Fleaderboard');
  await page.screenshot({ path: `${shots}/${label}-login.png`, fullPage: true });
  await axe(page, 'login');
  await page.fill('#key', writeKey);
  await page.click('form.login button');
  check(new URL(page.url()).pathname === '/leaderboard', 'signing in goes to the page asked for');
  const cookie = (await ctx.cookies()).find((c) => c.name === 'earshot_session');
  check(cookie && cookie.httpOnly && cookie.secure && cookie.sameSite === 'Strict', 'the session cookie is HttpOnly, Secure and SameSite=Strict');

  await visit(page, seen, '/', 'overview');
  check(await page.locator('.cards .big').count() >= 3, 'overview: shows the counts');

  await visit(page, seen, '/leaderboard', 'leaderboard');
  const top = await api('/v1/top?limit=1', readKey);
  const first = page.locator('#leaderboard tbody tr').first().locator('a');
  const shownScore = await first.getAttribute('data-score');
  check(top.items.length > 0 && shownScore === top.items[0].score.toFixed(1),
    `leaderboard: the top account's score (${shownScore}) is the API's (${top.items[0]?.score})`);
  const topHref = await first.getAttribute('href');

  // Sorting by a component and paging stay in the page's own links.
  await visit(page, seen, '/leaderboard?by=reach', 'leaderboard-by-reach');
  check((await page.locator('th[aria-sort="descending"]').innerText()).startsWith('reach'), 'leaderboard: sorted by reach');

  await visit(page, seen, topHref, 'account');
  const accountScore = await page.locator('#account-score').innerText();
  check(accountScore === top.items[0].score.toFixed(1), `account: the score shown (${accountScore}) is the API's`);

  // The explanation runs as a job from the account page, to the points and evidence.
  seen.length = 0;
  await page.locator(`form[action="${topHref}/explanation"] button`).click();
  await page.locator('#explanation, .error').first().waitFor({ timeout: 180000 });
  check(await page.locator('#explanation').count() === 1, 'explanation: the job runs to the points and evidence');
  await settle(page, seen, 'explanation');

  // A forecast from the account page runs to its distribution.
  await page.goto(base + topHref);
  await page.selectOption('select[name=simulations]', '2000');
  seen.length = 0;
  await page.click('form[action$="/forecast"] button');
  await page.locator('#forecast-p50, .error').first().waitFor({ timeout: 180000 });
  check(await page.locator('#forecast-p50').count() === 1, 'forecast: the job runs to its distribution');
  await settle(page, seen, 'forecast');

  // A plan from the planner's form runs to completion.
  await visit(page, seen, '/plan', 'planner');
  await page.fill('input[name=k]', '5');
  await page.click('form.job button');
  check(/\/jobs\/\d+$/.test(new URL(page.url()).pathname), 'planner: the form starts a job');
  await page.locator('#plan-seeds, .error').first().waitFor({ timeout: 300000 });
  const seeds = await page.locator('#plan-seeds tbody tr').count();
  check(seeds === 5, `planner: the plan finishes with 5 seeds (${seeds})`);
  seen.length = 0;
  await settle(page, seen, 'plan-result');

  // Triage: marking the first message answered takes it out of the queue.
  await visit(page, seen, '/triage', 'triage');
  const rows = page.locator('#queue tbody tr');
  if (await rows.count() === 0) {
    fail('triage: the queue is empty; the test needs messages');
  } else {
    const id = await rows.first().getAttribute('data-message');
    const before = (await api('/v1/triage/queue?limit=1', readKey)).unanswered;
    await rows.first().locator('button').click();
    await page.waitForLoadState('load');
    const after = (await api('/v1/triage/queue?limit=1', readKey)).unanswered;
    check(new URL(page.url()).pathname === '/triage' && await page.locator(`#queue tr[data-message="${id}"]`).count() === 0 && after === before - 1,
      `triage: message ${id} answered leaves the queue (${before} → ${after} unanswered)`);
  }

  await visit(page, seen, '/communities', 'communities');
  await page.click('form.job button');
  await page.locator('#communities, .error').first().waitFor({ timeout: 300000 });
  check(await page.locator('#communities').count() === 1, 'communities: the job draws the map and leaders');
  await visit(page, seen, '/communities', 'communities-map');
  check(await page.locator('svg circle.community').count() > 0, 'communities: the page shows the latest map');

  await visit(page, seen, '/backtest', 'backtest');
  await page.click('form.job button');
  await page.locator('#validity, .error').first().waitFor({ timeout: 300000 });
  check(await page.locator('#validity').count() === 1, 'backtest: the job gives the validity table');
  await visit(page, seen, '/backtest', 'backtest-result');

  // A read key sees the inbox but cannot mark messages answered.
  await page.click('form.signout button');
  check(new URL(page.url()).pathname === '/login', 'signing out goes to the login');
  await page.fill('#key', readKey);
  await page.click('form.login button');
  await visit(page, seen, '/triage', 'triage-read-only');
  check(await page.locator('#queue button').count() === 0, 'triage: a read key gets no Answered buttons');
  await ctx.close();
} catch (e) {
  fail(`stopped: ${e.stack || e}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`${failures.length} browser check(s) failed on ${label}`);
  process.exit(1);
}
console.log(`all browser checks passed on ${label}`);
