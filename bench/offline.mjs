// @ts-check
/**
 * What offline support (issue 16) costs, against the same site without it, in the same run.
 *
 * 1. Per page: the bytes the registration script adds to the HTML of every built page (it is
 *    inlined), raw and gzip, against the same page with the script taken out.
 * 2. The precache: files, raw bytes and gzip bytes (each file gzipped alone, as a server would
 *    send it), by kind, and the size of sw.js itself (fetched on each update check).
 * 3. In Chromium, served by a local server that counts what it sends: a first visit to the landing
 *    page until the worker is active (the precache downloaded), and a second page visited online
 *    afterwards, each against the same visits to the baseline copy (dist/ without the registration
 *    script and without sw.js).
 *
 * Usage: npm run bench:offline   (builds the site first if dist/sw.js is missing)
 * Prints tables; writes bench/out/offline.json.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { launchOptions } from '../scripts/chromium.mjs';
import { readServiceWorkerManifest } from '../scripts/service-worker.mjs';
import { TYPES } from '../scripts/serve.mjs';

const OUT = 'bench/out';
mkdirSync(OUT, { recursive: true });
if (!existsSync('dist/sw.js')) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });

const SW = readFileSync('dist/sw.js', 'utf8');
const manifest = readServiceWorkerManifest(SW);
const BASE = manifest.base;
/** The registration script as Astro inlines it: the module <script> holding the notice's id. */
const REGISTRATION = /<script type="module">(?:(?!<\/script>)[\s\S])*?rf-sw-update[\s\S]*?<\/script>/;

/** @param {string} dir @returns {string[]} */
const filesUnder = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

/** @typedef {{ raw: number, gzip: number }} Bytes */
/** @param {Buffer | string} data @returns {Bytes} */
const size = (data) => {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return { raw: b.length, gzip: b.length ? gzipSync(b).length : 0 };
};

// The baseline: dist/ with the registration script removed from every page and no sw.js.
const baselineRoot = join(OUT, 'offline-baseline');
rmSync(baselineRoot, { recursive: true, force: true });
cpSync('dist', baselineRoot, { recursive: true });
rmSync(join(baselineRoot, 'sw.js'));

/** @type {{ page: string, with: Bytes, without: Bytes, script: Bytes }[]} */
const pages = [];
for (const file of filesUnder('dist').filter((f) => f.endsWith('.html'))) {
  const html = readFileSync(file, 'utf8');
  const m = REGISTRATION.exec(html);
  // Astro's redirect pages for renamed scenarios are bare meta-refresh documents.
  if (!m) continue;
  const stripped = html.replace(m[0], '');
  writeFileSync(join(baselineRoot, relative('dist', file)), stripped);
  const body = m[0].replace(/^<script[^>]*>/, '').replace(/<\/script>$/, '');
  pages.push({
    page: relative('dist', file).split(sep).join('/'),
    with: size(html),
    without: size(stripped),
    script: size(body),
  });
}
if (pages.length === 0) throw new Error('bench:offline: no page of dist/ has the registration script');

/** A static server for `root` at BASE that counts the requests and bytes it answers. */
async function countingServer(/** @type {string} */ root) {
  const stats = { requests: 0, bytes: 0, gzip: 0, paths: /** @type {string[]} */ ([]) };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = path.startsWith(BASE) ? normalize(join(root, path.slice(BASE.length))) : '';
    if (file && existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    const found = file !== '' && file.startsWith(normalize(root)) && existsSync(file);
    const body = readFileSync(found ? file : join(root, '404.html'));
    stats.requests++;
    stats.paths.push(path);
    stats.bytes += body.length;
    stats.gzip += gzipSync(body).length;
    res.writeHead(found ? 200 : 404, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  });
  await new Promise((ok) => {
    server.listen(0, '127.0.0.1', () => {
      ok(undefined);
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${String(port)}${BASE}`,
    stats,
    reset: () => Object.assign(stats, { requests: 0, bytes: 0, gzip: 0, paths: [] }),
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(done);
      }),
  };
}

const browser = await chromium.launch(launchOptions());
const second = 'concepts/';

/**
 * A first visit to the landing page, then a visit to another page, online, in a fresh profile.
 * @param {string} root
 */
async function visits(root) {
  const server = await countingServer(root);
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(server.url, { waitUntil: 'load' });
  // With the worker: until it is active, so its precache is complete. Without: until the page's
  // own lazy loads (the search UI at idle) are done.
  const activated = await page.evaluate(async () => {
    await new Promise((done) => setTimeout(done, 2000));
    const reg = await navigator.serviceWorker.getRegistration();
    if (!reg) return false;
    await navigator.serviceWorker.ready;
    return true;
  });
  await page.waitForLoadState('networkidle');
  const first = { ...server.stats, ms: Date.now() - t0, activated };
  server.reset();
  await page.goto(server.url + second, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1500);
  const later = { ...server.stats };
  await context.close();
  await server.close();
  return { first, later };
}

const ours = await visits('dist');
const baseline = await visits(baselineRoot);
await browser.close();

// The precache by kind.
/** @param {string} path */
const kindOf = (path) => {
  const rel = path.slice(BASE.length);
  if (rel === '' || rel.endsWith('/') || rel.endsWith('.html')) return 'pages (HTML)';
  if (rel.startsWith('_astro/')) return rel.endsWith('.woff2') ? 'fonts' : '/_astro/ JS and CSS';
  if (rel.startsWith('pagefind/')) return 'search index (pagefind/)';
  return 'other (diagram frame, favicon)';
};
/** @type {Map<string, Bytes & { files: number }>} */
const kinds = new Map();
const total = { raw: 0, gzip: 0, files: 0 };
for (const [path] of manifest.entries) {
  const rel = path.slice(BASE.length);
  const file = join('dist', decodeURIComponent(rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel));
  const s = size(readFileSync(file));
  const k = kinds.get(kindOf(path)) ?? { raw: 0, gzip: 0, files: 0 };
  kinds.set(kindOf(path), { raw: k.raw + s.raw, gzip: k.gzip + s.gzip, files: k.files + 1 });
  total.raw += s.raw;
  total.gzip += s.gzip;
  total.files++;
}

/** @param {number} n */
const kb = (n) => (n / 1024).toFixed(1);
/** @param {number} n */
const mb = (n) => (n / 1048576).toFixed(2);
/** @param {string[][]} rows */
const table = (rows) => {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '));
};

const deltas = pages.map((p) => ({ raw: p.with.raw - p.without.raw, gzip: p.with.gzip - p.without.gzip }));
const sorted = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b);
const median = (/** @type {number[]} */ xs) => sorted(xs)[Math.floor(xs.length / 2)] ?? 0;
const script = pages[0]?.script ?? { raw: 0, gzip: 0 };
console.log(`\nOffline support (issue 16), version ${manifest.version}, base ${BASE}\n`);
console.log(
  `Registration script (inline in every page): ${String(script.raw)} B raw / ${String(script.gzip)} B gzip on its own.`,
);
console.log(
  `Added to each page's HTML vs the same page without it (${String(pages.length)} pages): ` +
    `raw +${String(Math.min(...deltas.map((d) => d.raw)))}…+${String(Math.max(...deltas.map((d) => d.raw)))} B, ` +
    `gzip median +${String(median(deltas.map((d) => d.gzip)))} B (+${String(Math.min(...deltas.map((d) => d.gzip)))}…+${String(Math.max(...deltas.map((d) => d.gzip)))} B)`,
);
const landing = pages.find((p) => p.page === 'index.html');
if (landing) {
  console.log(
    `  landing page HTML: ${kb(landing.without.raw)} → ${kb(landing.with.raw)} KB raw, ${kb(landing.without.gzip)} → ${kb(landing.with.gzip)} KB gzip`,
  );
}
console.log(
  `\nsw.js (the worker; fetched once per update check): ${kb(size(SW).raw)} KB raw / ${kb(size(SW).gzip)} KB gzip\n`,
);
console.log(
  'Precache (downloaded once in the background after the first visit; an update fetches only changed files):',
);
table([
  ['kind', 'files', 'MB raw', 'MB gzip'],
  ...[...kinds].map(([k, v]) => [k, String(v.files), mb(v.raw), mb(v.gzip)]),
  ['total', String(total.files), mb(total.raw), mb(total.gzip)],
]);
console.log(
  '\nIn Chromium (bytes the server sent, uncompressed; gzip = what a compressing server would send):',
);
table([
  ['visit', 'requests', 'MB raw', 'MB gzip', 'ms'],
  [
    'first visit, with offline support',
    String(ours.first.requests),
    mb(ours.first.bytes),
    mb(ours.first.gzip),
    String(ours.first.ms),
  ],
  [
    'first visit, baseline',
    String(baseline.first.requests),
    mb(baseline.first.bytes),
    mb(baseline.first.gzip),
    String(baseline.first.ms),
  ],
  [
    `then /${second}, with offline support`,
    String(ours.later.requests),
    mb(ours.later.bytes),
    mb(ours.later.gzip),
    '',
  ],
  [
    `then /${second}, baseline`,
    String(baseline.later.requests),
    mb(baseline.later.bytes),
    mb(baseline.later.gzip),
    '',
  ],
]);
console.log(`\nRequested on the later visit with offline support: ${ours.later.paths.join(', ')}`);
if (!ours.first.activated)
  throw new Error('bench:offline: the service worker did not register on the landing page');
if (baseline.first.activated) throw new Error('bench:offline: the baseline registered a service worker');

writeFileSync(
  `${OUT}/offline.json`,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      version: manifest.version,
      base: BASE,
      registration: script,
      pages,
      sw: size(SW),
      precache: { total, kinds: Object.fromEntries(kinds) },
      chromium: { ours, baseline },
    },
    null,
    2,
  ),
);
