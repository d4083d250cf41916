// @ts-check
/**
 * How legible the built site's diagrams are, as Chromium draws them: for every page of the
 * sitemap, at 1280 px and 390 px wide, in the light and dark themes, the labels drawn under
 * 12 CSS px, the labels that leave their node or the drawing, overlapping labels, shapes and
 * lines, and labels cut at the frame (tests/e2e/diagram-measure.js defines each). The e2e gate
 * (tests/e2e/diagram-legibility.e2e.ts) fails on any of them; this prints the numbers.
 *
 * Usage: npm run build && npm run bench:diagram-legibility   (DIST=… for another build)
 * Writes bench/out/diagram-legibility.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { launchOptions } from '../scripts/chromium.mjs';
import { serve } from '../scripts/serve.mjs';
import { measureDiagrams } from '../tests/e2e/diagram-measure.js';

const DIST = resolve(process.env['DIST'] ?? 'dist');
const VIEWPORTS = [1280, 390];
const THEMES = /** @type {const} */ (['light', 'dark']);
const xml = readFileSync(resolve(DIST, 'sitemap-0.xml'), 'utf8');
const paths = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1] ?? '/').pathname);
const server = await serve(DIST);
const base = server.url.replace(/\/$/, '');
const browser = await chromium.launch(launchOptions());
/** @type {Record<string, unknown>[]} */
const rows = [];
/** Pages with diagrams, the smallest label, and the sum of every other count measureDiagrams returns. */
/** @type {Record<string, number>} */
const total = { pages: 0, minPx: Infinity };
/** Diagrams wider than their frame, per viewport width. @type {Record<number, { wider: number, of: number }>} */
const wider = {};
/** @type {Map<string, string>} */
const examples = new Map();
for (const width of VIEWPORTS) {
  for (const theme of THEMES) {
    const context = await browser.newContext({ colorScheme: theme, viewport: { width, height: 900 } });
    const page = await context.newPage();
    for (const path of paths) {
      await page.goto(`${base}${path}`, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const { counts, problems } = await page.evaluate(measureDiagrams, { minPx: 12 });
      if (counts.diagrams === 0 && counts.hidden === 0) continue;
      rows.push({ path, width, theme, ...counts, problems: problems.slice(0, 200) });
      if (width === 1280 && theme === 'light') total['pages'] = (total['pages'] ?? 0) + 1;
      for (const [k, v] of Object.entries(counts)) {
        if (k !== 'minPx' && k !== 'wider') total[k] = (total[k] ?? 0) + v;
      }
      total['minPx'] = Math.min(total['minPx'] ?? Infinity, counts.minPx);
      if (theme === 'light') {
        const w = (wider[width] ??= { wider: 0, of: 0 });
        w.wider += counts.wider;
        w.of += counts.diagrams;
      }
      for (const p of problems.slice(0, 3)) {
        const key = p.problem.replace(/"[^"]*"/g, '"…"').replace(/[\d.]+ px \(/, 'N px (');
        if (!examples.has(key))
          examples.set(key, `${path} (${width}, ${theme}): ${p.diagram}: "${p.label}" ${p.problem}`);
      }
    }
    await context.close();
  }
}
await browser.close();
await server.close();

const t = (/** @type {string} */ k) => total[k] ?? 0;
const pct = (/** @type {number} */ n) => (t('labels') ? `${((100 * n) / t('labels')).toFixed(1)} %` : '—');
console.log(
  `Pages with diagrams: ${String(t('pages'))}; diagram renderings measured (2 widths × 2 themes): ${String(t('diagrams'))}`,
);
console.log(`Labels measured: ${String(t('labels'))}; smallest drawn: ${t('minPx').toFixed(1)} px`);
console.log(`  under 12 px:         ${String(t('small'))} (${pct(t('small'))})`);
console.log(`  outside their node:  ${String(t('outside'))}`);
console.log(`  overlaps:            ${String(t('overlap'))}`);
console.log(`  cut at the frame:    ${String(t('cut'))}`);
console.log(`  not displayed:       ${String(t('hidden'))}`);
console.log(`  drawn smaller than natural size: ${String(t('shrunk'))}`);
for (const [w, c] of Object.entries(wider))
  console.log(
    `  wider than the column at ${w} px: ${String(c.wider)} of ${String(c.of)} diagrams (they scroll in their frame)`,
  );
console.log('Per page (1280 px, light): labels / under 12 px / outside / overlaps / cut');
for (const r of rows.filter((r) => r.width === 1280 && r.theme === 'light')) {
  console.log(
    `  ${String(r.path).padEnd(48)} ${[r.labels, r.small, r.outside, r.overlap, r.cut].map(String).join(' / ')}  (min ${Number(r.minPx).toFixed(1)} px)`,
  );
}
console.log('One example of each kind of problem:');
for (const e of examples.values()) console.log(`  ${e}`);
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/diagram-legibility.json', JSON.stringify({ total, wider, rows }, null, 2));
