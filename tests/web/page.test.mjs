// page.test.mjs - the journalist's page (server/web/) end to end in
// headless Chromium (playwright-core), against the real quire-serve on a
// free 127.0.0.1 port over an index of corpus/ plus fixtures.mjs, both made
// here in a temporary directory. Run by ctest (tests/CMakeLists.txt) with
// QUIRE_BIN_DIR and QUIRE_SOURCE_DIR set; without Chromium or
// tests/web/node_modules it says so and exits 77 (skipped).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { HERE, indexInto, launch, loadChromium, startServer } from './harness.mjs';
import { LONG_QUOTE, QUOTE, QUOTE_ID, RANSOM_DOCS, XSS_TITLE, XSS_TITLE2, writeFixtures } from './fixtures.mjs';

const SRC = process.env.QUIRE_SOURCE_DIR || resolve(HERE, '..', '..');
const BIN = process.env.QUIRE_BIN_DIR || join(SRC, 'build', 'bin');
const SHOTS = process.env.QUIRE_WEB_SHOTS || '';

const pw = await loadChromium();
if (!pw.chromium) {
  console.log(`SKIP: the page tests need Chromium and playwright-core: ${pw.why}`);
  process.exit(77);
}

let tmp, server, keyServer, browser;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'quire-web-'));
  writeFixtures(join(tmp, 'fixtures.jsonl'));
  indexInto(BIN, join(tmp, 'db'), [join(SRC, 'corpus'), join(tmp, 'fixtures.jsonl')]);
  server = await startServer(BIN, join(tmp, 'db'));
  keyServer = await startServer(BIN, join(tmp, 'db'), ['--api-key', 'sesame', '--frame-ancestors', "'self' https://portal.example"]);
  browser = await launch(pw.chromium);
});

after(async () => {
  if (browser) await browser.close();
  // SIGTERM: both exit 0 (a sanitizer report would make it non-zero).
  const codes = [server && (await server.stop()), keyServer && (await keyServer.stop())];
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  assert.deepEqual(codes, [0, 0], 'quire-serve exit statuses');
});

// A page that records what must never happen: requests leaving the server,
// CSP violations, script errors.
async function watchedPage(context, base) {
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  const problems = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base + '/') && !u.startsWith('blob:') && !u.startsWith('data:')) problems.push('external request: ' + u);
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push('CSP: ' + m.text());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations = (window.__cspViolations || 0) + 1;
      console.log('Refused to load (CSP): ' + e.violatedDirective + ' ' + e.blockedURI);
    });
  });
  return { page, problems };
}

async function search(page, q) {
  await page.fill('#q', q);
  await page.press('#q', 'Enter');
  await page.waitForFunction((want) => {
    const r = document.getElementById('results');
    return r.dataset.state === 'done' && r.dataset.q === want;
  }, q);
}

async function waitDone(page) {
  await page.waitForFunction(() => document.getElementById('results').dataset.state === 'done');
}

const hitTexts = (page, sel) => page.$$eval(sel, (ns) => ns.map((n) => n.textContent));

async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name), fullPage: false });
}

async function facetsInApi(base) {
  const r = await fetch(base + '/api/search?q=ransomware&facets=source,year,author&facet_size=8');
  if (r.status !== 200) return false;
  return Boolean((await r.json()).facets);
}

// The laptop-sized page the tests below share, in order (node:test runs a
// file's top-level tests one after the other): each starts where the one
// before left the page.
let base, context, page, problems;

test('open the page on a laptop', async () => {
  base = server.url;
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  ({ page, problems } = await watchedPage(context, base));
});

test('served with a strict CSP, nosniff and no framing', async () => {
  const res = await page.goto(base + '/');
  const h = res.headers();
  assert.equal(res.status(), 200);
  assert.match(h['content-type'], /^text\/html; charset=utf-8/);
  assert.match(h['content-security-policy'], /default-src 'self'/);
  assert.match(h['content-security-policy'], /script-src 'self';/);
  assert.doesNotMatch(h['content-security-policy'], /unsafe-inline|unsafe-eval/);
  assert.match(h['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(h['x-frame-options'], 'DENY');
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.equal(await page.getAttribute('link[rel=search]', 'href'), '/opensearch.xml');
  assert.equal(await page.$$eval('script:not([src]), style, [style]', (n) => n.length), 0, 'no inline script or style');
});

test('page and assets weigh under 150 KB', async () => {
  const html = await (await fetch(base + '/')).text();
  let total = Buffer.byteLength(html);
  const assets = ['app.js', 'util.js', 'results.js', 'docview.js', 'batch.js', 'saved.js', 'style.css'];
  for (const a of assets) {
    const r = await fetch(base + '/assets/' + a);
    assert.equal(r.status, 200, a);
    total += Buffer.byteLength(await r.text());
  }
  assert.ok(total < 150 * 1024, `page + assets = ${total} bytes`);
  assert.equal((await fetch(base + '/assets/nope.js')).status, 404);
  assert.equal((await fetch(base + '/assets/index.html')).status, 404);
});

test('/ focuses the box, Enter searches, the URL follows', async () => {
  await page.click('body');
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  await page.keyboard.type(`"ransomware crew demanded forty bitcoin"`);
  await page.keyboard.press('Enter');
  await waitDone(page);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/');
  assert.equal(url.searchParams.get('q'), '"ransomware crew demanded forty bitcoin"');
  assert.equal(await page.textContent('.hit .title'), 'Harbour pays no ransom');
  assert.match(await page.textContent('.summary'), /^1 result\b/);
});

test('the match is highlighted, the quote shown, the original linked at it', async () => {
  const marks = await hitTexts(page, '.hit .snippet mark');
  assert.ok(marks.length > 0, 'highlights');
  assert.match(marks.join(' '), /ransomware crew demanded forty bitcoin/i);
  // The snippet holds the whole sentence: it is underlined there, not repeated.
  assert.equal(await page.textContent('.hit .snippet .cited'), QUOTE);
  assert.equal(await page.$$eval('.hit blockquote', (n) => n.length), 0);
  const href = await page.getAttribute('.hit a.original', 'href');
  assert.ok(href.startsWith('https://news.example/harbour-ransom?ref=feed#:~:text='), href);
  const frag = decodeURIComponent(href.split('#:~:text=')[1]);
  assert.equal(frag, 'The harbour authority confirmed,bitcoin before the weekend.');
});

test('a sentence longer than the snippet is shown whole, apart', async () => {
  await search(page, '"lighthouse keepers logged every vessel"');
  assert.equal(await page.textContent('.hit blockquote'), LONG_QUOTE);
  assert.match((await hitTexts(page, '.hit .snippet mark')).join(' '), /lighthouse keepers logged every vessel/i);
  const href = await page.getAttribute('.hit a.original', 'href');
  assert.equal(href, 'https://news.example/keepers#:~:text=Over%20three%20winters%20the,through%20the%20narrow%20channel.');
  await page.goBack();
  await waitDone(page);
});

test('Copy citation puts quote, author, title, source, date and URL on the clipboard', async () => {
  await page.click('.hit button.copy');
  await page.waitForSelector('.hit button.copy[data-copied="yes"]');
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(clip, `“${QUOTE}” — Grace Hopper, “Harbour pays no ransom”, gazette, 2021-03-04, https://news.example/harbour-ransom?ref=feed#top`);
});

test('the document view: whole article, quote marked and in view', async () => {
  await shot(page, 'results.png');
  await page.click('.hit .title a');
  await page.waitForSelector('#doc mark.quoted');
  assert.ok(page.url().startsWith(base + '/doc/' + QUOTE_ID + '?'), page.url());
  assert.equal(await page.textContent('#doc h1'), 'Harbour pays no ransom');
  assert.equal(await page.textContent('#doc mark.quoted'), QUOTE);
  assert.match(await page.textContent('#doc .body'), /Shipping schedules are expected to recover within a fortnight\./);
  assert.ok((await hitTexts(page, '#doc mark.term')).some((m) => /^ransomware$/i.test(m)), 'query words marked');
  const inView = await page.$eval('#doc mark.quoted', (m) => {
    const r = m.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  assert.ok(inView, 'quote scrolled into view');
  await shot(page, 'doc.png');
  await page.goBack();
  await waitDone(page);
  assert.equal(await page.textContent('.hit .title'), 'Harbour pays no ransom');
});

test('the document view lists similar articles, which open in it', async () => {
  await page.goto(base + `/doc/${QUOTE_ID}?q=ransomware`);
  await page.waitForSelector('#doc .similar li a');
  assert.equal(await page.textContent('#doc .similar h2'), 'Similar articles');
  const items = await page.$$eval('#doc .similar li', (lis) => lis.map((li) => ({
    href: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').textContent,
    meta: li.querySelector('.meta')?.textContent || '' })));
  assert.ok(items.length >= 1 && items.length <= 8, JSON.stringify(items));
  // The API's answer, in its order: titles, source · date, links to /doc/{id}.
  const api = await (await fetch(base + `/api/similar/${QUOTE_ID}?limit=8&snippets=0`)).json();
  assert.deepEqual(items.map((i) => i.title), api.hits.map((h) => h.title || h.id));
  assert.deepEqual(items.map((i) => i.meta), api.hits.map((h) => [h.source, h.date].filter(Boolean).join(' · ')));
  assert.ok(items.every((i) => !i.href.startsWith('/doc/' + QUOTE_ID + '?')), 'not the article itself');
  assert.ok(items.every((i) => /^\/doc\/[^?]+\?q=ransomware$/.test(i.href)), JSON.stringify(items));
  assert.ok(items.some((i) => /^Ransomware report number/.test(i.title)), 'the ransomware reports are like it');
  await page.$eval('#doc .similar', (s) => s.scrollIntoView({ block: 'start' }));
  await shot(page, 'doc-similar.png');
  const first = items[0];
  await page.click('#doc .similar li a');
  await page.waitForFunction((t) => document.querySelector('#doc h1')?.textContent === t, first.title);
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, first.href);
  await page.goto(base + '/?q=' + encodeURIComponent('"ransomware crew demanded forty bitcoin"'));
  await waitDone(page);
});

test('exact counts, paging, back and forward', async () => {
  await search(page, 'ransomware');
  assert.match(await page.textContent('.summary'), new RegExp(`^${RANSOM_DOCS} results`));
  const first = await hitTexts(page, '.hit .title');
  assert.equal(first.length, 10);
  await page.click('#next');
  await waitDone(page);
  assert.equal(new URL(page.url()).searchParams.get('offset'), '10');
  assert.match(await page.textContent('#page-info'), /^11–20 of 24 results/);
  const second = await hitTexts(page, '.hit .title');
  assert.equal(second.filter((x) => first.includes(x)).length, 0, 'a new page');
  await page.goBack();
  await waitDone(page);
  assert.equal(new URL(page.url()).searchParams.get('offset'), null);
  assert.deepEqual(await hitTexts(page, '.hit .title'), first);
  await page.goForward();
  await waitDone(page);
  assert.deepEqual(await hitTexts(page, '.hit .title'), second);
});

test('sort by date and a date range', async () => {
  await page.selectOption('#sort', 'date');
  await waitDone(page);
  assert.equal(new URL(page.url()).searchParams.get('sort'), 'date');
  assert.equal(new URL(page.url()).searchParams.get('offset'), null, 'a new sort starts at page 1');
  const dates = (await hitTexts(page, '.hit .meta')).map((m) => /\d{4}-\d{2}-\d{2}/.exec(m)[0]);
  assert.deepEqual(dates, [...dates].sort().reverse());
  assert.equal(dates[0], '2021-03-04');
  await page.fill('#from', '2016');
  await page.fill('#to', '2017');
  await page.click('#filters button[type=submit]');
  await waitDone(page);
  const u = new URL(page.url());
  assert.equal(u.searchParams.get('from'), '2016');
  const years = (await hitTexts(page, '.hit .meta')).map((m) => /(\d{4})-\d{2}-\d{2}/.exec(m)[1]);
  assert.ok(years.length > 0 && years.every((y) => y === '2016' || y === '2017'), years.join());
  assert.match(await page.textContent('#active-filters'), /2016 to 2017/);
});

test('loading a search URL runs the search', async () => {
  const p2 = await context.newPage();
  await p2.goto(base + '/?q=ransomware&sort=date&offset=10');
  await waitDone(p2);
  assert.equal(await p2.inputValue('#q'), 'ransomware');
  assert.equal(await p2.inputValue('#sort'), 'date');
  assert.match(await p2.textContent('#page-info'), /^11–20 of 24/);
  await p2.close();
});

test('the API warnings are shown', async (tt) => {
  const r = await (await fetch(base + '/api/search?q=ransomware&source=nosuchsource')).json();
  if (!Array.isArray(r.warnings)) {
    tt.skip('the API has no warnings yet');
    return;
  }
  await page.goto(base + '/?q=ransomware&source=nosuchsource');
  await waitDone(page);
  assert.match(await page.textContent('.notice.warning'), /nosuchsource/);
  assert.match(await page.textContent('#active-filters'), /source: nosuchsource/);
});

test('facets filter on click', async (tt) => {
  if (!(await facetsInApi(base))) {
    tt.skip('the API has no facets yet (the page hides them)');
    assert.equal(await page.isHidden('#facets'), true);
    return;
  }
  await page.goto(base + '/?q=ransomware');
  await waitDone(page);
  await page.click('#facets .facet-value:has(.name:text-is("gazette"))');
  await waitDone(page);
  assert.equal(new URL(page.url()).searchParams.get('source'), 'gazette');
  const metas = await hitTexts(page, '.hit .meta');
  assert.ok(metas.length && metas.every((m) => m.startsWith('gazette')), metas.join('|'));
  await page.click('#facets button.year >> nth=0');
  await waitDone(page);
  const y = new URL(page.url()).searchParams.get('from');
  assert.match(y, /^\d{4}$/);
  assert.equal(new URL(page.url()).searchParams.get('to'), y);
  await page.goto(base + '/?q=ransomware');
  await waitDone(page);
  await page.click('#facets .facet-value:has(.name:text-is("Ada Lovelace"))');
  await waitDone(page);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'ransomware author:"Ada Lovelace"');
  assert.ok((await hitTexts(page, '.hit .meta')).every((m) => m.includes('Ada Lovelace')));
});

test('index strings reach the page as text, never as HTML', async () => {
  await page.goto(base + '/');
  await search(page, 'xsscanary');
  const titles = await hitTexts(page, '.hit .title');
  assert.ok(titles.includes(XSS_TITLE), titles.join('|'));
  assert.ok(titles.includes(XSS_TITLE2), titles.join('|'));
  assert.match((await hitTexts(page, '.hit .snippet')).join(' '), /<img src=x onerror=|<script>/);
  assert.equal(await page.$$eval('#results img, #results script, #results b, #results i', (n) => n.length), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.$$eval('#results a[href^="javascript:"]', (n) => n.length), 0, 'no javascript: links');
  await page.click(`.hit .title a >> text=${XSS_TITLE}`);
  await page.waitForSelector('#doc h1');
  assert.equal(await page.textContent('#doc h1'), XSS_TITLE);
  assert.equal(await page.$$eval('#doc img, #doc script', (n) => n.length), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

test('approximate and relaxed answers are marked, with what changed', async () => {
  await search(page, '"harbour authority confirmed the ransomware crew"');
  assert.match(await page.textContent('.notice.approximate'), /exact phrase/);
  assert.equal(await page.textContent('.hit .badge.approximate'), 'approximate');
  assert.match(await page.getAttribute('.hit .badge.approximate', 'title'), /word dropped, added/);
  await search(page, 'harbour zebra');
  assert.match(await page.textContent('.notice.relaxed'), /every word/);
  assert.equal(await page.textContent('.hit .badge.relaxed'), 'relaxed');
});

test('a spelling correction and a group\'s other names are said, and can be undone', async () => {
  await search(page, 'ransomwear');
  assert.match(await page.textContent('.notice.suggestion'), /showing results for ransomware \(spelling corrected\)/);
  assert.ok((await hitTexts(page, '.hit .title')).length > 0, 'the corrected search has hits');
  await search(page, 'Fancy Bear');
  assert.match(await page.textContent('.notice.aliases'), /other names: .*Sofacy/);
  assert.deepEqual((await hitTexts(page, '.hit .title')).sort(), ['Ministry mail', 'Ministry mail again']);
  await page.click('.notice.aliases a');
  await waitDone(page);
  assert.equal(new URL(page.url()).searchParams.get('aliases'), '0');
  assert.equal(await page.$$eval('.notice.aliases', (n) => n.length), 0);
  assert.deepEqual(await hitTexts(page, '.hit .title'), ['Ministry mail'], 'only the name as typed');
  assert.match(await page.textContent('#active-filters'), /group names as typed only/);
  await page.click('#active-filters .chip');
  await waitDone(page);
  assert.equal(new URL(page.url()).searchParams.get('aliases'), null);
  assert.equal((await hitTexts(page, '.hit .title')).length, 2);
});

test('a bad query says what is wrong', async () => {
  await page.goto(base + '/');
  await search(page, 'espionage )');
  assert.match(await page.textContent('.notice.error'), /\)/);
});

test('batch: three quotes -> best sources -> CSV', async () => {
  await page.click('#tab-batch');
  assert.equal(new URL(page.url()).searchParams.get('tab'), 'batch');
  await page.fill('#batch-input', [`"${QUOTE.split(' ').slice(0, 9).join(' ')}"`, 'cyber blame game', 'nonexistentwordzzz'].join('\n'));
  await page.click('#batch-form button[type=submit]');
  await page.waitForSelector('#batch-table:not([hidden]) tbody tr');
  const rows = await page.$$eval('#batch-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 3);
  assert.match(rows[0][3], /Harbour pays no ransom/);
  assert.match(rows[1][3], /Cybersecurity calls for a united front/);
  assert.match(rows[2][3], /no match/);
  await shot(page, 'batch.png');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#batch-csv')]);
  const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
  assert.equal(csv[0], 'query,total,match,id,title,source,date,url,quote,error');
  assert.ok(csv[1].includes(',exact,' + QUOTE_ID + ',Harbour pays no ransom,gazette,2021-03-04,'), csv[1]);
  assert.ok(csv[2].startsWith('cyber blame game,1,exact,000_b9d2c723326dce3c.txt,'), csv[2]);
  assert.ok(csv[3].startsWith('nonexistentwordzzz,0,,,'), csv[3]);
  assert.equal(download.suggestedFilename(), 'quire-batch.csv');
});

test('history and saved searches survive a reload, with their feed', async () => {
  await page.goto(base + '/?q=harbour&sort=date');
  await waitDone(page);
  await page.click('#save-search');
  await page.reload();
  await page.click('#tab-saved');
  const saved = await hitTexts(page, '#saved-list .saved-q');
  assert.deepEqual(saved, ['harbour']);
  const feed = new URL(await page.getAttribute('#saved-list a.feed', 'href'), base);
  assert.equal(feed.pathname, '/api/search');
  assert.equal(feed.searchParams.get('q'), 'harbour');
  assert.equal(feed.searchParams.get('format'), 'atom');
  assert.equal(feed.searchParams.get('sort'), 'date');
  const hist = await hitTexts(page, '#history-list .saved-q');
  assert.ok(hist.includes('xsscanary') && hist.includes('ransomware'), hist.join('|'));
  await page.click('#saved-list .saved-q');
  await waitDone(page);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'harbour');
});

test('accessibility: no serious or critical axe violations', async () => {
  const axe = readFileSync(join(HERE, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const audit = async (p) => {
    await p.evaluate(axe);
    const r = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  };
  await page.goto(base + '/?q=ransomware');
  await waitDone(page);
  assert.deepEqual(await audit(page), [], 'results view');
  await page.goto(base + `/doc/${QUOTE_ID}?q=ransomware`);
  await page.waitForSelector('#doc h1');
  assert.deepEqual(await audit(page), [], 'document view');
  await page.goto(base + '/?tab=batch');
  assert.deepEqual(await audit(page), [], 'batch view');
});

test('no external requests, no CSP violations, no script errors', async () => {
  assert.deepEqual(problems, []);
  assert.equal(await page.evaluate(() => window.__cspViolations || 0), 0);
});

test('close the laptop page', async () => {
  await context.close();
});

test('on a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const { page, problems } = await watchedPage(context, server.url);
  await page.goto(server.url + '/?q=' + encodeURIComponent('"ransomware crew demanded forty bitcoin"'));
  await waitDone(page);
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(fits, 'no sideways scrolling');
  const box = await page.$eval('#q', (n) => n.getBoundingClientRect().width);
  assert.ok(box > 200, `search box ${box}px wide`);
  await shot(page, 'phone.png');
  await page.goto(server.url + '/?q=ransomware');
  await waitDone(page);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  const top = await page.$eval('.hit', (n) => n.getBoundingClientRect().top);
  assert.ok(top < 844, `the first result starts on the first screen (at ${top}px): facets are folded`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('with --api-key: the page is public, asks for the key once, keeps it', async () => {
  const base = keyServer.url;
  const res = await fetch(base + '/');
  assert.equal(res.status, 200);
  assert.equal((await fetch(base + '/assets/app.js')).status, 200);
  assert.equal((await fetch(base + '/doc/' + QUOTE_ID)).status, 200);
  assert.equal((await fetch(base + '/api/search?q=harbour')).status, 401);
  assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'self' https:\/\/portal\.example$/);
  assert.equal(res.headers.get('x-frame-options'), null, 'CSP alone names the portal');

  const context = await browser.newContext();
  const { page, problems } = await watchedPage(context, base);
  await page.goto(base + '/?q=harbour');
  await page.waitForSelector('#key-dialog[open]');
  await page.fill('#key-input', 'sesame');
  await page.press('#key-input', 'Enter');
  await waitDone(page);
  assert.equal(await page.textContent('.hit .title'), 'Harbour pays no ransom');
  await page.reload();
  await waitDone(page);
  assert.equal(await page.isVisible('#key-dialog'), false, 'asked once');
  assert.equal(await page.textContent('.hit .title'), 'Harbour pays no ransom');
  await page.click('#tab-saved');
  await page.goto(base + '/?q=harbour');
  await waitDone(page);
  await page.click('#save-search');
  await page.click('#tab-saved');
  const feed = new URL(await page.getAttribute('#saved-list a.feed', 'href'), base);
  assert.equal(feed.searchParams.get('key'), 'sesame', 'a feed reader sends no header: the key rides in the URL');
  assert.deepEqual(problems.filter((p) => !/401/.test(p)), []);
  await context.close();
});
