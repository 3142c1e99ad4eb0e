// harness.mjs - what the page tests and the page benchmark share: the
// prerequisites (Chromium, playwright-core), and running the real
// quire-index and quire-serve (--port 0 on 127.0.0.1; the port is read from
// the "listening on" line) as child processes that stop with the run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = process.env.QUIRE_CHROMIUM || '/usr/bin/chromium';

// playwright-core's chromium, or null and why not (the caller skips).
export async function loadChromium() {
  if (!existsSync(CHROMIUM)) return { why: `no Chromium at ${CHROMIUM} (apt-get install chromium)` };
  if (!existsSync(join(HERE, 'node_modules', 'playwright-core'))) {
    return { why: 'tests/web/node_modules is missing (run npm ci in tests/web)' };
  }
  const pw = await import(join(HERE, 'node_modules', 'playwright-core', 'index.mjs'));
  return { chromium: pw.chromium };
}

export function launch(chromium) {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}

// Index the inputs into db with the real quire-index; throws on failure.
export function indexInto(binDir, db, inputs) {
  const r = spawnSync(join(binDir, 'quire-index'), ['--db', db, '--quiet', ...inputs], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`quire-index exited ${r.status}: ${r.stderr}`);
}

// Start quire-serve on a free port; resolves to {url, stop(), log()}.
export function startServer(binDir, db, extra = []) {
  const proc = spawn(join(binDir, 'quire-serve'), ['--db', db, '--port', '0', '--threads', '2', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error('quire-serve did not start: ' + err)); }, 15000);
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      err += chunk;
      if (err.length > 1 << 20) err = err.slice(-(1 << 19)); // the access log grows: keep the tail
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m && !started) {
        started = true;
        clearTimeout(timer);
        resolve({
          url: m[1],
          log: () => err,
          stop: () => new Promise((done) => {
            if (proc.exitCode !== null) return done(proc.exitCode);
            const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
            proc.once('exit', (code) => { clearTimeout(kill); done(code); });
            proc.kill('SIGTERM');
          }),
        });
      }
    });
    proc.once('exit', (code) => reject(new Error(`quire-serve exited ${code}: ${err}`)));
  });
}
