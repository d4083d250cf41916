// @ts-check
/**
 * Lighthouse 13 (the npm package, driving Debian's Chromium with the flags of
 * scripts/chromium.mjs) on the built site served by scripts/serve.mjs: performance and
 * accessibility scores, LCP, TBT and CLS for the landing page, a fault-path page with diagrams
 * and a runnable snippet (gmem_abort), and the
 * playground. Lighthouse's default (mobile, simulated throttling) settings; RUNS runs per page
 * (default 3), median of each figure.
 *
 * Usage: npm run bench:lighthouse   (builds the site first if dist/ is missing; PAGES="/a/ /b/"
 * to choose pages). Writes bench/out/lighthouse.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { directFlags, requireChromium } from '../scripts/chromium.mjs';
import { serve } from '../scripts/serve.mjs';

const RUNS = Number(process.env['RUNS'] ?? 3);
const PAGES = (process.env['PAGES'] ?? '/ /fault-path/gmem-abort/ /playground/').split(/\s+/).filter(Boolean);

if (!existsSync('dist/index.html')) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
mkdirSync('bench/out', { recursive: true });

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

const site = await serve('dist');
const chromePath = process.env['CHROME_PATH'] ?? requireChromium();
/** @type {{ path: string, performance: number, accessibility: number, lcpMs: number, tbtMs: number, cls: number }[]} */
const results = [];
for (const path of PAGES) {
  /** @type {(typeof results)[number][]} */
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: directFlags() });
    try {
      const r = await lighthouse(`${site.url}${path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility'],
      });
      if (!r) throw new Error(`lighthouse returned nothing for ${path}`);
      const { categories, audits } = r.lhr;
      if (r.lhr.runtimeError) throw new Error(`${path}: ${r.lhr.runtimeError.message}`);
      runs.push({
        path,
        performance: Math.round((categories['performance']?.score ?? NaN) * 100),
        accessibility: Math.round((categories['accessibility']?.score ?? NaN) * 100),
        lcpMs: audits['largest-contentful-paint']?.numericValue ?? NaN,
        tbtMs: audits['total-blocking-time']?.numericValue ?? NaN,
        cls: audits['cumulative-layout-shift']?.numericValue ?? NaN,
      });
    } finally {
      chrome.kill();
    }
  }
  /** @param {(r: (typeof runs)[number]) => number} f */
  const m = (f) => median(runs.map(f));
  const row = {
    path,
    performance: m((r) => r.performance),
    accessibility: m((r) => r.accessibility),
    lcpMs: Math.round(m((r) => r.lcpMs)),
    tbtMs: Math.round(m((r) => r.tbtMs)),
    cls: Number(m((r) => r.cls).toFixed(3)),
  };
  results.push(row);
  console.log(
    `${path}: performance ${row.performance}, accessibility ${row.accessibility}, LCP ${(row.lcpMs / 1000).toFixed(2)} s, TBT ${row.tbtMs} ms, CLS ${row.cls}` +
      `  (median of ${RUNS}; performance per run: ${runs.map((r) => r.performance).join(', ')})`,
  );
}
await site.close();

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`\nLighthouse 13, mobile defaults, ${chromePath}, ${machine}`);
writeFileSync(
  'bench/out/lighthouse.json',
  JSON.stringify({ date: new Date().toISOString(), machine, runs: RUNS, results }, null, 2),
);
