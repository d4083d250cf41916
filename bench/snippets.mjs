// @ts-check
/**
 * Snippet run latency in the reader's browser: for every snippet of the built site, in
 * Chromium, the time from pressing Run to the output being on screen, with the worker warm (a
 * spare worker already loaded: sucrase, the model and the runtime parsed and evaluated, as after
 * the pointer or focus has reached Run). Per snippet: one warm-up run, then RUNS timed runs
 * (default 5), each waiting first for the spare worker to be ready; median, min and max.
 * Target: 100 ms.
 *
 * What is timed: inside the page, from the Run button's click to the animation frame after the
 * snippet's result area has been rewritten (the controller clears data-running after writing
 * the output), so it covers posting the code, sucrase, the run, the result message and the DOM
 * update. no_run snippets are timed too (the endless-loop kind then shows the 2 s limit).
 *
 * Usage: npm run bench:snippets   (builds the site first if dist/ is missing; RUNS=n).
 * Prints a table; writes bench/out/snippets.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { launchOptions } from '../scripts/chromium.mjs';
import { serve } from '../scripts/serve.mjs';

const RUNS = Number(process.env['RUNS'] ?? 5);
const TARGET_MS = 100;

if (!existsSync('dist/index.html')) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
mkdirSync('bench/out', { recursive: true });

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

/** Pages with snippets, and their snippet ids and flags, from the built HTML. */
function snippetPages() {
  const xml = readFileSync('dist/sitemap-0.xml', 'utf8');
  const paths = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1] ?? '/').pathname);
  /** @type {{ path: string, snippets: { id: string, noRun: boolean }[] }[]} */
  const pages = [];
  for (const path of paths) {
    const html = readFileSync(`dist${path}index.html`, 'utf8');
    const snippets = [...html.matchAll(/<div class="rf-snippet(?: [^"]*)?"([^>]*)>/g)].map((m) => ({
      id: /data-snippet-id="([^"]+)"/.exec(m[1] ?? '')?.[1] ?? '?',
      noRun: /\bdata-no-run\b/.test(m[1] ?? ''),
    }));
    if (snippets.length) pages.push({ path, snippets });
  }
  return pages;
}

/**
 * Click Run inside the page and resolve with the ms until the frame after the result is written.
 * @param {import('playwright-core').Page} page
 * @param {string} id
 * @returns {Promise<number>}
 */
function timedRun(page, id) {
  return page.evaluate(
    (id) =>
      new Promise((resolve, reject) => {
        const root = document.querySelector(`.rf-snippet[data-snippet-id="${id}"]`);
        const run = root?.querySelector('button[data-action="run"]');
        if (!root || !(run instanceof HTMLButtonElement)) {
          reject(new Error(`snippet ${id} has no Run button`));
          return;
        }
        const t0 = performance.now();
        const mo = new MutationObserver(() => {
          if (root.hasAttribute('data-running')) return;
          mo.disconnect();
          requestAnimationFrame(() => {
            resolve(performance.now() - t0);
          });
        });
        mo.observe(root, { attributes: true, attributeFilter: ['data-running'] });
        run.click();
      }),
    id,
  );
}

const site = await serve('dist');
const browser = await chromium.launch(launchOptions());
/** @type {{ page: string, id: string, noRun: boolean, medianMs: number, minMs: number, maxMs: number, runsMs: number[], output: string }[]} */
const rows = [];
try {
  for (const { path, snippets } of snippetPages()) {
    const context = await browser.newContext();
    const page = await context.newPage();
    /** Live workers: the controller terminates each after its run and starts a spare. */
    /** @type {Set<import('playwright-core').Worker>} */
    const workers = new Set();
    page.on('worker', (w) => {
      workers.add(w);
      w.on('close', () => workers.delete(w));
    });
    /** Wait until a live worker (the spare) has loaded and is idle. */
    const spareReady = async () => {
      for (let i = 0; i < 500; i++) {
        const w = [...workers].at(-1);
        if (w) {
          try {
            await w.evaluate(() => 0);
            return;
          } catch {
            // closed meanwhile: wait for the next
          }
        }
        await page.waitForTimeout(20);
      }
      throw new Error(`${path}: no spare worker became ready`);
    };
    await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
    for (const { id, noRun } of snippets) {
      const root = page.locator(`.rf-snippet[data-snippet-id="${id}"]`);
      await root.scrollIntoViewIfNeeded();
      await root.locator('button[data-action="run"]').hover(); // warms a worker
      await spareReady();
      await timedRun(page, id); // warm-up run: code caches, JIT
      /** @type {number[]} */
      const runsMs = [];
      for (let i = 0; i < RUNS; i++) {
        await page.waitForTimeout(50);
        await spareReady();
        runsMs.push(await timedRun(page, id));
      }
      const output = (await root.locator('.rf-snippet-output').textContent()) ?? '';
      rows.push({
        page: path,
        id,
        noRun,
        medianMs: median(runsMs),
        minMs: Math.min(...runsMs),
        maxMs: Math.max(...runsMs),
        runsMs,
        output: output.split('\n').at(-1)?.slice(0, 60) ?? '',
      });
      const r = rows.at(-1);
      if (r) console.error(`${r.id}: median ${r.medianMs.toFixed(1)} ms`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await site.close();
}

const fmt = (/** @type {number} */ n) => n.toFixed(1);
console.log(
  `\nSnippet Run → output visible, worker warm (${RUNS} runs each, median; target ${TARGET_MS} ms); ` +
    `${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
);
console.log('| Snippet | Page | Median ms | Min–max ms | Within target |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) {
  const within = r.medianMs <= TARGET_MS ? 'yes' : r.noRun ? 'no (no_run)' : 'no';
  console.log(
    `| \`${r.id}\` | \`${r.page}\` | ${fmt(r.medianMs)} | ${fmt(r.minMs)}–${fmt(r.maxMs)} | ${within} |`,
  );
}
const timed = rows.filter((r) => !r.noRun).map((r) => r.medianMs);
console.log(
  `\n${timed.filter((m) => m <= TARGET_MS).length} of ${timed.length} run-at-build snippets within ${TARGET_MS} ms; ` +
    `median of medians ${fmt(median(timed))} ms, worst ${fmt(Math.max(...timed))} ms`,
);
writeFileSync(
  'bench/out/snippets.json',
  JSON.stringify({ when: new Date().toISOString(), runs: RUNS, rows }, null, 2),
);
