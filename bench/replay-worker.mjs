// @ts-check
/**
 * The Replay page's worker (issue 15), in Chromium: the generated log of bench/replay-log.mjs
 * (100 000 lines, about 10 MB) chosen as a file on /playground/replay/ and read by the page's own
 * Web Worker — in 256 KiB slices into the model's createReplay(), with a progress message after
 * each slice, then the episodes, the predictions and the rendering of the result's first view.
 * bench/replay.mjs measures the model alone in Node; this measures what the reader waits for.
 *
 * Per run: the worker's own time (first slice to rendered reply, which the page records in
 * data-ms), lines per second by it, and the total in the page, from the click on Run to the
 * animation frame after the result is on screen (posting the file, starting the worker on the
 * first run, reading, rendering, the DOM update). The first run starts the worker and loads the
 * model; the others reuse it. Also: the longest gap between 10 ms timer ticks on the page's main
 * thread during a run (how responsive the page stayed), the rows in the DOM once the list is shown,
 * and the time from scrolling to the end to the last row being on screen.
 *
 * Baseline in the same run and page: a worker that only reads the same file in the same 256 KiB
 * slices, decodes them and splits them into lines, posting the same progress messages — the least
 * any in-worker reader of this file does.
 *
 * Builds nothing: run after `npm run build` (dist/ must hold the site). Usage:
 * `npx node bench/replay-worker.mjs [--lines N] [--runs N] [--json]`. Prints numbers; writes
 * bench/out/replay-worker.json. No pass/fail.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { launchOptions } from '../scripts/chromium.mjs';
import { serve } from '../scripts/serve.mjs';
import { benchLog } from './replay-log.mjs';

/** @typedef {{ totalMs: number, workerMs: number, state: string, lines: number, maxGapMs: number }} RunResult */

const asJson = process.argv.includes('--json');
/** @param {string} flag @param {number} dflt */
const arg = (flag, dflt) => {
  const at = process.argv.indexOf(flag);
  return at > 0 ? Number(process.argv[at + 1]) : dflt;
};
const LINES = arg('--lines', 100_000);
const RUNS = arg('--runs', 4);
const RP = '[data-rf-widget="replay"]';

if (!existsSync('dist/playground/replay/index.html')) {
  console.error('bench/replay-worker.mjs: dist/ has no /playground/replay/ page; run `npm run build` first.');
  process.exit(2);
}
mkdirSync('bench/out', { recursive: true });

const text = benchLog(LINES);
const bytes = Buffer.byteLength(text);

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

/** The baseline worker: the page worker's reading loop without the replay. */
const BASELINE_WORKER = `
const CHUNK = 256 * 1024;
onmessage = async (e) => {
  const blob = e.data;
  const t0 = performance.now();
  const decoder = new TextDecoder('utf-8');
  let lines = 0;
  let rest = '';
  for (let at = 0; at < blob.size; at += CHUNK) {
    const text = rest + decoder.decode(await blob.slice(at, at + CHUNK).arrayBuffer(), { stream: true });
    const parts = text.split('\\n');
    rest = parts.pop() ?? '';
    lines += parts.length;
    postMessage({ progress: { bytes: Math.min(blob.size, at + CHUNK), total: blob.size, lines } });
  }
  rest += decoder.decode();
  if (rest !== '') lines++;
  postMessage({ done: true, lines, ms: performance.now() - t0 });
};
`;

const site = await serve('dist');
const browser = await chromium.launch(launchOptions());
/** @type {{ run: number, workerMs: number, totalMs: number, linesPerSecond: number, maxGapMs: number }[]} */
const runs = [];
/** @type {{ workerMs: number, totalMs: number }[]} */
const baseline = [];
/** What the page showed: lines in the result, rows in the DOM, scroll to the end in ms. */
const seen = { lines: 0, domRows: 0, scrollToEndMs: 0 };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${site.url}/playground/replay/`, { waitUntil: 'networkidle' });
  await page.waitForSelector(`${RP}[data-ready="true"]`);
  await page.locator(`${RP} input[type="file"]`).setInputFiles({
    name: 'bench.log',
    mimeType: 'text/plain',
    buffer: Buffer.from(text),
  });
  for (let i = 0; i < RUNS; i++) {
    const res = await page.evaluate(
      (s) =>
        /** @type {Promise<RunResult>} */ (
          new Promise((resolve, reject) => {
            const root = document.querySelector(s);
            const run = root?.querySelector('button.rf-rp-run');
            if (!(root instanceof HTMLElement) || !(run instanceof HTMLButtonElement)) {
              reject(new Error('no replay widget'));
              return;
            }
            const before = Number(root.dataset['runs'] ?? '0');
            let maxGap = 0;
            let last = performance.now();
            const tick = setInterval(() => {
              const now = performance.now();
              maxGap = Math.max(maxGap, now - last);
              last = now;
            }, 10);
            const t0 = performance.now();
            const mo = new MutationObserver(() => {
              if (Number(root.dataset['runs'] ?? '0') <= before) return;
              mo.disconnect();
              requestAnimationFrame(() => {
                const total = performance.now() - t0;
                clearInterval(tick);
                resolve({
                  totalMs: total,
                  workerMs: Number(root.dataset['ms'] ?? 'NaN'),
                  state: root.dataset['state'] ?? '',
                  lines: Number(root.dataset['lines'] ?? '0'),
                  maxGapMs: maxGap,
                });
              });
            });
            mo.observe(root, { attributes: true, attributeFilter: ['data-runs'] });
            run.click();
          })
        ),
      RP,
    );
    if (res.state !== 'done') throw new Error(`run ${String(i + 1)} ended in state ${res.state}`);
    seen.lines = res.lines;
    runs.push({
      run: i + 1,
      workerMs: res.workerMs,
      totalMs: res.totalMs,
      linesPerSecond: Math.round(res.lines / (res.workerMs / 1000)),
      maxGapMs: res.maxGapMs,
    });
    if (!asJson)
      console.error(
        `run ${String(i + 1)}: worker ${res.workerMs.toFixed(0)} ms, total ${res.totalMs.toFixed(0)} ms`,
      );
  }
  await page.waitForFunction(
    (s) => document.querySelectorAll(`${s} .rf-rp-viewport .rf-rp-row`).length > 0,
    RP,
  );
  seen.domRows = await page.locator(`${RP} .rf-rp-viewport .rf-rp-row`).count();
  seen.scrollToEndMs = await page.evaluate(
    ([s, n]) =>
      /** @type {Promise<number>} */ (
        new Promise((resolve) => {
          const vp = document.querySelector(`${s} .rf-rp-viewport`);
          if (!(vp instanceof HTMLElement)) {
            resolve(NaN);
            return;
          }
          const t0 = performance.now();
          const mo = new MutationObserver(() => {
            if (vp.querySelector(`.rf-rp-row[data-n="${String(n)}"]`) === null) return;
            mo.disconnect();
            requestAnimationFrame(() => {
              resolve(performance.now() - t0);
            });
          });
          mo.observe(vp, { childList: true, subtree: true });
          vp.scrollTop = vp.scrollHeight;
        })
      ),
    /** @type {const} */ ([RP, seen.lines]),
  );
  // The baseline worker, in the same page (worker-src allows blob:), on the same File.
  for (let i = 0; i < RUNS; i++) {
    const res = await page.evaluate(
      ([s, code]) =>
        /** @type {Promise<{ workerMs: number, totalMs: number, lines: number }>} */ (
          new Promise((resolve, reject) => {
            const input = document.querySelector(`${s} input[type="file"]`);
            const file = input instanceof HTMLInputElement ? input.files?.[0] : undefined;
            if (!file) {
              reject(new Error('no file chosen'));
              return;
            }
            const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
            const t0 = performance.now();
            const w = new Worker(url, { name: 'bench-baseline' });
            /** @param {MessageEvent<{ done?: boolean, lines: number, ms: number }>} e */
            w.onmessage = (e) => {
              const d = e.data;
              if (!d.done) return;
              const total = performance.now() - t0;
              w.terminate();
              URL.revokeObjectURL(url);
              resolve({ workerMs: d.ms, totalMs: total, lines: d.lines });
            };
            w.postMessage(file);
          })
        ),
      /** @type {const} */ ([RP, BASELINE_WORKER]),
    );
    if (res.lines !== seen.lines)
      throw new Error(`the baseline counted ${String(res.lines)} lines, the replay ${String(seen.lines)}`);
    baseline.push({ workerMs: res.workerMs, totalMs: res.totalMs });
  }
} finally {
  await browser.close();
  await site.close();
}

const warm = runs.slice(1);
const result = {
  when: new Date().toISOString(),
  machine: `${String(cpus().length)} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
  lines: seen.lines,
  bytes,
  runs,
  coldWorkerMs: Math.round(runs[0]?.workerMs ?? NaN),
  coldTotalMs: Math.round(runs[0]?.totalMs ?? NaN),
  warmWorkerMs: Math.round(median(warm.map((r) => r.workerMs))),
  warmTotalMs: Math.round(median(warm.map((r) => r.totalMs))),
  warmLinesPerSecond: Math.round(seen.lines / (median(warm.map((r) => r.workerMs)) / 1000)),
  maxMainThreadGapMs: Math.round(Math.max(...runs.map((r) => r.maxGapMs))),
  baselineWorkerMs: +median(baseline.map((r) => r.workerMs)).toFixed(1),
  baselineTotalMs: +median(baseline.map((r) => r.totalMs)).toFixed(1),
  domRows: seen.domRows,
  scrollToEndMs: Math.round(seen.scrollToEndMs),
};
writeFileSync('bench/out/replay-worker.json', JSON.stringify(result, null, 2));
if (asJson) console.log(JSON.stringify(result, null, 2));
else {
  const mb = (bytes / 1e6).toFixed(1);
  console.log(
    `\nReplay page worker, Chromium: ${String(seen.lines)} lines (${mb} MB) chosen as a file, ${String(RUNS)} runs; ${result.machine}\n`,
  );
  console.log(
    '| Run | Worker ms (first slice → rendered reply) | Lines/s (worker) | Total ms (Run click → result on screen) | Longest main-thread gap ms |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of runs)
    console.log(
      `| ${String(r.run)}${r.run === 1 ? ' (starts the worker)' : ''} | ${r.workerMs.toFixed(0)} | ${String(r.linesPerSecond)} | ${r.totalMs.toFixed(0)} | ${r.maxGapMs.toFixed(0)} |`,
    );
  console.log(
    `\nWarm runs (median): worker ${String(result.warmWorkerMs)} ms, ${String(result.warmLinesPerSecond)} lines/s; total ${String(result.warmTotalMs)} ms.`,
  );
  console.log(
    `Baseline, same page, same file (a worker that only reads the slices and splits lines; median of ${String(RUNS)}): ` +
      `${String(result.baselineWorkerMs)} ms in the worker, ${String(result.baselineTotalMs)} ms from posting the file to its reply ` +
      `(the replay's worker takes ${(result.warmWorkerMs / result.baselineWorkerMs).toFixed(1)}× the baseline).`,
  );
  console.log(
    `Line list: ${String(seen.domRows)} rows in the DOM for ${String(seen.lines)} lines; scroll to the end → last row on screen in ${String(result.scrollToEndMs)} ms.`,
  );
}
