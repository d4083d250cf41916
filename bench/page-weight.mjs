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
 * @typedef {{ path: string, widgets: boolean, html: Bytes, inlineJs: Bytes, inlineData: Bytes, jsBefore: Bytes, cssBefore: Bytes, jsAll: Bytes, cssAll: Bytes }} Weight
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
  // Inline <script> elements are part of the HTML. Those without a JSON type are JavaScript the
  // page runs at load; JSON ones (a widget's build-time data: trace, sources) are only parsed
  // when the widget mounts, so they are counted apart.
  const doc = seen.find((r) => r.type === 'document')?.body.toString('utf8') ?? '';
  const scripts = [...doc.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/g)];
  const isData = (/** @type {string} */ attrs) => /\btype=["']?application\/(?:[\w.+-]*\+)?json/i.test(attrs);
  /** @param {boolean} data @returns {Bytes} */
  const inline = (data) => {
    const b = Buffer.from(
      scripts
        .filter((m) => isData(m[1] ?? '') === data)
        .map((m) => m[2] ?? '')
        .join(''),
    );
    return { raw: b.length, gzip: b.length ? gzipSync(b).length : 0 };
  };
  // Inline <style> elements are render-blocking CSS inside the HTML: counted with the stylesheets.
  const styles = [...doc.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => Buffer.from(m[1] ?? ''));
  /** @param {Bytes} b @returns {Bytes} */
  const withInlineCss = (b) =>
    styles.reduce(
      (a, s) => ({ raw: a.raw + s.length, gzip: a.gzip + (s.length ? gzipSync(s).length : 0) }),
      b,
    );
  return {
    path,
    widgets: doc.includes('data-rf-widget'),
    html: sum((r) => r.type === 'document'),
    inlineJs: inline(false),
    inlineData: inline(true),
    jsBefore: sum((r) => r.type === 'script' && r.beforeLoad),
    cssBefore: withInlineCss(sum((r) => r.type === 'stylesheet' && r.beforeLoad)),
    jsAll: sum((r) => r.type === 'script'),
    cssAll: withInlineCss(sum((r) => r.type === 'stylesheet')),
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
const splash = baseline.find((w) => w.path === '/');
// The heaviest default content page: one with a code block (Expressive Code's stylesheet and script).
const content = baseline.find((w) => w.path === '/guides/code-block/');
if (!splash || !content)
  throw new Error('page-weight: the default Starlight site lacks its splash or code-block page');
/** The default page a page is compared with: the splash page for our landing page, else the content page with a code block. */
const counterpart = (/** @type {Weight} */ w) => (w.path === '/' ? splash : content);
/** gzip ratio a / b, two decimals. @param {Bytes} a @param {Bytes} b */
const ratio = (a, b) => (a.gzip / Math.max(1, b.gzip)).toFixed(2);
const header = [
  'page',
  'HTML KB',
  'inline JS',
  'inline data',
  'JS before',
  'CSS before',
  'JS all',
  'CSS all',
  'JS before ×',
  'CSS before ×',
];
/** @param {string} label @param {Weight} w @param {Weight | null} vs */
const row = (label, w, vs) => [
  `${label}${w.widgets ? ' *' : ''}`,
  kb(w.html),
  kb(w.inlineJs),
  kb(w.inlineData),
  kb(w.jsBefore),
  kb(w.cssBefore),
  kb(w.jsAll),
  kb(w.cssAll),
  vs ? ratio(w.jsBefore, vs.jsBefore) : '',
  vs ? ratio(w.cssBefore, vs.cssBefore) : '',
];
const rows = [
  ...ours.map((w) => row(w.path, w, counterpart(w))),
  ...baseline.map((w) => row(`[default Starlight] ${w.path}`, w, null)),
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (/** @type {string[]} */ r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(
  '\nPage weight (KB raw / KB gzip; "JS before" = script files loaded before the load event; "inline JS" and' +
    '\n"inline data" (JSON a widget reads when it mounts) are inside the HTML; CSS includes inline <style>;' +
    '\n× = gzip ratio to the default' +
    '\nStarlight page of the same kind, built in this run; * = page with a widget or runnable snippet)\n',
);
console.log(line(header));
for (const r of rows) console.log(line(r));

/** The largest of a field over some pages. @param {Weight[]} ws @param {(w: Weight) => Bytes} f */
const most = (ws, f) => ws.map(f).reduce((a, b) => (b.gzip > a.gzip ? b : a), { raw: 0, gzip: 0 });
const plain = ours.filter((w) => !w.widgets && w.path !== '/');
const widgeted = ours.filter((w) => w.widgets);
const landing = ours.find((w) => w.path === '/');
console.log('');
if (landing) {
  console.log(
    `Landing page before interaction: JS ${kb(landing.jsBefore)} KB (× ${ratio(landing.jsBefore, splash.jsBefore)}), ` +
      `CSS ${kb(landing.cssBefore)} KB (× ${ratio(landing.cssBefore, splash.cssBefore)}) vs the default splash page`,
  );
}
for (const [label, ws] of /** @type {const} */ ([
  ['without widgets', plain],
  ['with widgets or snippets', widgeted],
])) {
  if (!ws.length) continue;
  const js = most(ws, (w) => w.jsBefore);
  const css = most(ws, (w) => w.cssBefore);
  console.log(
    `${String(ws.length)} content pages ${label}: at most JS ${kb(js)} KB (× ${ratio(js, content.jsBefore)}), ` +
      `CSS ${kb(css)} KB (× ${ratio(css, content.cssBefore)}) before the load event vs the default content page with a code block`,
  );
}
writeFileSync(
  `${OUT}/page-weight.json`,
  JSON.stringify({ date: new Date().toISOString(), ours, baseline }, null, 2),
);
