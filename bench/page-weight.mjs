// @ts-check
/**
 * Page weight of every built page, measured in Chromium: the JavaScript and CSS a page loads
 * before the load event ("before interaction") and in all once the network is idle ("after lazy
 * loads"), raw and gzip, next to a default Starlight site built in the same run.
 *
 * Usage: npm run bench:weight   (builds the site first if dist/ is missing)
 * Prints a table; writes bench/out/page-weight.json.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { launchOptions } from '../scripts/chromium.mjs';
import { serve } from '../scripts/serve.mjs';

const OUT = 'bench/out';
mkdirSync(OUT, { recursive: true });

if (!existsSync('dist/index.html')) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });

// Build the default Starlight site with the same installed packages.
const baselineRoot = resolve(OUT, 'baseline');
rmSync(baselineRoot, { recursive: true, force: true });
cpSync('bench/baseline', baselineRoot, { recursive: true });
symlinkSync(resolve('node_modules'), resolve(baselineRoot, 'node_modules'));
execFileSync('astro', ['build', '--root', baselineRoot, '--silent'], { stdio: 'inherit' });

/** @param {string} dir */
function sitemapPaths(dir) {
  const xml = readFileSync(resolve(dir, 'sitemap-0.xml'), 'utf8');
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1] ?? '/').pathname);
}

/**
 * @typedef {{ raw: number, gzip: number }} Bytes
 * @typedef {{ path: string, html: Bytes, inlineJs: Bytes, jsBefore: Bytes, cssBefore: Bytes, jsAll: Bytes, cssAll: Bytes }} Weight
 */

const browser = await chromium.launch(launchOptions());

/** @param {string} url @param {string} path @returns {Promise<Weight>} */
async function measure(url, path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  /** @type {{ type: string, body: Buffer, beforeLoad: boolean }[]} */
  const seen = [];
  let loaded = false;
  /** @type {Promise<void>[]} */
  const pending = [];
  page.on('response', (res) => {
    const type = res.request().resourceType();
    const beforeLoad = !loaded;
    pending.push(
      res
        .body()
        .then((body) => {
          seen.push({ type, body, beforeLoad });
        })
        .catch(() => undefined),
    );
  });
  page.on('load', () => {
    loaded = true;
  });
  await page.goto(url + path, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  // Starlight loads its search UI when the browser is idle; give idle callbacks time to run.
  await page.waitForTimeout(1500);
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  await context.close();
  /** @param {(r: (typeof seen)[number]) => boolean} pick @returns {Bytes} */
  const sum = (pick) =>
    seen
      .filter(pick)
      .reduce((a, r) => ({ raw: a.raw + r.body.length, gzip: a.gzip + gzipSync(r.body).length }), {
        raw: 0,
        gzip: 0,
      });
  // Inline <script> elements are part of the HTML but are JavaScript the page runs at load.
  const doc = seen.find((r) => r.type === 'document')?.body.toString('utf8') ?? '';
  const inline = Buffer.from(
    [...doc.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '').join(''),
  );
  return {
    path,
    html: sum((r) => r.type === 'document'),
    inlineJs: { raw: inline.length, gzip: inline.length ? gzipSync(inline).length : 0 },
    jsBefore: sum((r) => r.type === 'script' && r.beforeLoad),
    cssBefore: sum((r) => r.type === 'stylesheet' && r.beforeLoad),
    jsAll: sum((r) => r.type === 'script'),
    cssAll: sum((r) => r.type === 'stylesheet'),
  };
}

const site = await serve('dist');
const base = await serve(resolve(baselineRoot, 'dist'));
const ours = [];
for (const path of sitemapPaths('dist')) ours.push(await measure(site.url, path));
const baseline = [];
for (const path of sitemapPaths(resolve(baselineRoot, 'dist'))) baseline.push(await measure(base.url, path));
await site.close();
await base.close();
await browser.close();

/** @param {Bytes} b */
const kb = (b) => `${(b.raw / 1024).toFixed(1)} / ${(b.gzip / 1024).toFixed(1)}`;
const header = ['page', 'HTML KB', 'inline JS', 'JS before', 'CSS before', 'JS all', 'CSS all'];
/** @param {string} label @param {Weight} w */
const row = (label, w) => [
  label,
  kb(w.html),
  kb(w.inlineJs),
  kb(w.jsBefore),
  kb(w.cssBefore),
  kb(w.jsAll),
  kb(w.cssAll),
];
const rows = [
  ...ours.map((w) => row(w.path, w)),
  ...baseline.map((w) => row(`[default Starlight] ${w.path}`, w)),
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (/** @type {string[]} */ r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(
  '\nPage weight (KB raw / KB gzip; "JS before" = script files loaded before the load event; "inline JS" is inside the HTML)\n',
);
console.log(line(header));
for (const r of rows) console.log(line(r));

const landing = ours.find((w) => w.path === '/');
const baseLanding = baseline.find((w) => w.path === '/');
if (landing && baseLanding) {
  const ratio = landing.jsBefore.gzip / Math.max(1, baseLanding.jsBefore.gzip);
  console.log(
    `\nLanding page JS before interaction: ${kb(landing.jsBefore)} KB vs default Starlight ${kb(baseLanding.jsBefore)} KB (ratio ${ratio.toFixed(2)})`,
  );
}
writeFileSync(
  `${OUT}/page-weight.json`,
  JSON.stringify({ date: new Date().toISOString(), ours, baseline }, null, 2),
);
