// bench/page_bench.mjs - the page's speed as a journalist feels it: the time
// from pressing Enter in the search box to the results on screen, in
// headless Chromium (Debian's, driven by tests/web's playwright-core)
// against quire-serve on 127.0.0.1, for every query of the open eval set.
//
//   node bench/page_bench.mjs [--bin DIR] [--index DIR] [--set DIR] [--shots DIR] [--no-append]
//
//   --bin    quire-serve's directory (default build/bin)
//   --index  the index to serve (default $QUIRE_BENCH_INDEX, else
//            /tmp/quire-bench-query/quire as bench/bench_query.sh leaves it)
//   --set    the eval set (default ../shared/eval/open): queries.txt, expected.jsonl
//   --shots  also save screenshots of the results, document, batch and phone
//            views there (docs/ holds the README's); --shots-only: only them;
//            --shot-query Q: the search they show (default: the first exact
//            quote of the set)
//
// Method: one page, one query at a time, as typed: the box is filled, Enter
// pressed (a real key event); the clock starts at the keydown event's
// timeStamp and stops after the first frame painted once the app has put
// the results in the DOM (requestAnimationFrame, then a task). Pass 1 is
// every query once (the server's result cache cold for it); pass 2 repeats
// them (answered from the server's cache, revalidated by ETag). Prints
// median, p90, p99 and max per pass and per query kind, and appends a dated
// section to bench/RESULTS.md unless --no-append.
import { execSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { launch, loadChromium, startServer } = await import(join(ROOT, 'tests', 'web', 'harness.mjs'));

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const BIN = resolve(arg('bin', join(ROOT, 'build', 'bin')));
const INDEX = resolve(arg('index', process.env.QUIRE_BENCH_INDEX || '/tmp/quire-bench-query/quire'));
const SET = resolve(arg('set', join(ROOT, '..', 'shared', 'eval', 'open')));
const SHOTS = arg('shots', '');
const SHOTS_ONLY = process.argv.includes('--shots-only');
const APPEND = !process.argv.includes('--no-append') && !SHOTS_ONLY;

for (const [what, path] of [['index', INDEX], ['eval set', join(SET, 'queries.txt')], ['quire-serve', join(BIN, 'quire-serve')]]) {
  if (!existsSync(path)) {
    console.error(`page_bench: no ${what} at ${path}`);
    process.exit(2);
  }
}
const pw = await loadChromium();
if (!pw.chromium) {
  console.error('page_bench: ' + pw.why);
  process.exit(2);
}

const queries = readFileSync(join(SET, 'queries.txt'), 'utf8').split('\n').filter(Boolean);
const kinds = existsSync(join(SET, 'expected.jsonl'))
  ? readFileSync(join(SET, 'expected.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).kind)
  : queries.map(() => 'all');

// PAGE_BENCH_N=30: the first 30 queries only (a quick look).
if (process.env.PAGE_BENCH_N) queries.length = kinds.length = Math.min(queries.length, Number(process.env.PAGE_BENCH_N));
const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const server = await startServer(BIN, INDEX);
const browser = await launch(pw.chromium);
const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
page.setDefaultTimeout(20000);
await page.goto(server.url + '/');
await page.evaluate(() => {
  // The probe: Enter's timeStamp, and a frame after the app says done.
  window.__times = [];
  document.getElementById('q').addEventListener('keydown', (e) => { if (e.key === 'Enter') window.__t0 = e.timeStamp; }, true);
  const results = document.getElementById('results');
  new MutationObserver(() => {
    if (results.dataset.state !== 'done' || window.__t0 === undefined) return;
    const t0 = window.__t0;
    window.__t0 = undefined;
    requestAnimationFrame(() => setTimeout(() => window.__times.push(performance.now() - t0), 0));
  }).observe(results, { attributes: true, attributeFilter: ['data-state'] });
});

// One pass over the queries: each one's time on screen, and the part of it
// the search request took (Resource Timing: request start to response end).
async function pass() {
  const times = [];
  const fetches = [];
  for (const q of queries) {
    const n = await page.evaluate(() => window.__times.length);
    await page.fill('#q', q);
    await page.press('#q', 'Enter');
    await page.waitForFunction((k) => window.__times.length > k, n);
    const [t, f] = await page.evaluate((k) => {
      const e = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/search?')).pop();
      performance.clearResourceTimings();
      return [window.__times[k], e ? e.responseEnd - e.startTime : NaN];
    }, n);
    times.push(t);
    fetches.push(f);
  }
  times.fetches = fetches;
  return times;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const row = (label, xs) => `| ${label} | ${xs.length} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 90).toFixed(1)} | ${pct(xs, 99).toFixed(1)} | ${Math.max(...xs).toFixed(1)} | ${xs.filter((x) => x <= 200).length} |`;

const cold = SHOTS_ONLY ? [] : await pass();
const warm = SHOTS_ONLY ? [] : await pass();

if (SHOTS) {
  mkdirSync(SHOTS, { recursive: true });
  const q = arg('shot-query', queries.find((x, i) => kinds[i] === 'exact') || queries[0]);
  await page.goto(server.url + '/?q=' + encodeURIComponent(q));
  await page.waitForFunction(() => document.getElementById('results').dataset.state === 'done');
  await page.screenshot({ path: join(SHOTS, 'page-results.jpg'), quality: 45 });
  await page.click('.hit .title a');
  await page.waitForSelector('#doc h1');
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(SHOTS, 'page-doc.jpg'), quality: 45 });
  // The batch: the quotes of the results shown, and a misremembered one.
  await page.goBack();
  await page.waitForSelector('.hit');
  const quotes = await page.$$eval('.hit .cited, .hit blockquote', (ns) => ns.slice(0, 4).map((n) => '"' + n.textContent + '"'));
  if (quotes.length) quotes.push(quotes[0].split(' ').filter((w, i) => i !== 3).join(' '));
  await page.goto(server.url + '/?tab=batch');
  await page.fill('#batch-input', quotes.join('\n'));
  await page.click('#batch-form button[type=submit]');
  await page.waitForSelector('#batch-table:not([hidden]) tbody tr');
  await page.screenshot({ path: join(SHOTS, 'page-batch.jpg'), quality: 45 });
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 1 });
  await phone.goto(server.url + '/?q=' + encodeURIComponent(q));
  await phone.waitForFunction(() => document.getElementById('results').dataset.state === 'done');
  await phone.screenshot({ path: join(SHOTS, 'page-phone.jpg'), quality: 45 });
}
await browser.close();
await server.stop();

if (SHOTS_ONLY) process.exit(0);
const lines = ['| pass / kind | queries | median ms | p90 ms | p99 ms | max ms | within 200 ms |', '|---|---:|---:|---:|---:|---:|---:|',
  row('1: first time (server cache cold)', cold), row('2: repeated (server cache)', warm)];
for (const k of [...new Set(kinds)]) if (kinds.includes(k)) lines.push(row(`1: ${k}`, cold.filter((_, i) => kinds[i] === k)));
lines.push('', '| pass | median: the request ms | median: the page\'s own ms (on screen − request) | p99: the page\'s own ms |', '|---|---:|---:|---:|');
for (const [label, xs] of [['1', cold], ['2', warm]]) {
  const own = xs.map((x, i) => x - xs.fetches[i]).filter((x) => Number.isFinite(x));
  lines.push(`| ${label} | ${pct(xs.fetches.filter(Number.isFinite), 50).toFixed(1)} | ${pct(own, 50).toFixed(1)} | ${pct(own, 99).toFixed(1)} |`);
}
const table = lines.join('\n');
console.log(table);

if (APPEND) {
  const sh = (c) => { try { return execSync(c, { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { return '?'; } };
  const date = new Date().toUTCString().replace(/:\d\d GMT$/, ' UTC');
  appendFileSync(join(ROOT, 'bench', 'RESULTS.md'), `
## Page: Enter to results on screen — ${date} (issue 12)

- Machine: ${cpus().length} CPU(s), ${cpus()[0].model}; load average ${loadBefore} before, ${sh("cut -d' ' -f1-3 /proc/loadavg")} after.
- Commit ${sh('git rev-parse --short HEAD')}; ${sh('/usr/bin/chromium --version 2>/dev/null')} headless, playwright-core; quire-serve --threads 2 on 127.0.0.1.
- Index: \`${INDEX}\`; queries: \`${SET}/queries.txt\` (${queries.length}).
- Method: \`node bench/page_bench.mjs\`: the box filled, Enter pressed (a real key event),
  timed from the keydown's timeStamp to the first frame after the results are in the DOM
  (requestAnimationFrame, then a task). Pass 1: each query once (the server's result cache
  cold for it); pass 2: the same again (server cache, ETag revalidation).

${table}
`);
}
