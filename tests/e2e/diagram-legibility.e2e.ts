/**
 * The legibility gate (issue 13): on every page of the sitemap, at 1280 px and at 390 px wide,
 * in the light and the dark theme, every diagram label is drawn at 12 CSS px or more, stays
 * inside its node (or the drawing), overlaps no other label, shape or line, and can be scrolled
 * to inside its frame. tests/e2e/diagram-measure.js defines each check; a failure names the
 * page, the viewport, the theme, the diagram and the label. (bench/diagram-legibility.mjs prints
 * the same measurement as numbers.)
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseURL, sitemapPaths, useBrowser } from './browser.js';
import { measureDiagrams } from './diagram-measure.js';

const { browser } = useBrowser();

const CONFIGS = [
  { width: 1280, theme: 'light' },
  { width: 1280, theme: 'dark' },
  { width: 390, theme: 'light' },
  { width: 390, theme: 'dark' },
] as const;

const contexts: BrowserContext[] = [];
/** One page per configuration, reused from page to page (as a reader's tab would be). */
const pages: Page[] = [];
beforeAll(async () => {
  for (const c of CONFIGS) {
    const context = await browser().newContext({
      colorScheme: c.theme,
      viewport: { width: c.width, height: 900 },
    });
    contexts.push(context);
    pages.push(await context.newPage());
  }
});
afterAll(async () => {
  for (const c of contexts) await c.close();
});

/** Totals over the run, to prove the gate measured something. */
const seen = { diagrams: 0, labels: 0, pages: 0 };

describe('every diagram label is readable (12 px or more, inside its node, no overlap, reachable)', () => {
  it.each(sitemapPaths())('%s', async (path) => {
    const failures: string[] = [];
    let drew = false;
    for (const [i, c] of CONFIGS.entries()) {
      const page = pages[i];
      if (!page) throw new Error('browser page missing');
      await page.goto(`${baseURL()}${path}`, { waitUntil: 'load' });
      // The diagram font must be in before measuring: boxes are sized for it.
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const { counts, problems } = await page.evaluate(measureDiagrams, { minPx: 12 });
      seen.diagrams += counts.diagrams;
      seen.labels += counts.labels;
      if (counts.diagrams > 0) drew = true;
      for (const p of problems) {
        failures.push(
          `${path} at ${String(c.width)} px, ${c.theme}: ${p.diagram}: "${p.label}" ${p.problem}`,
        );
      }
    }
    if (drew) seen.pages++;
    expect(failures).toEqual([]);
  });

  it('measured the diagrams of the site (not an empty pass)', () => {
    // Runs after the per-page tests (vitest keeps file order): 40 pages draw diagrams today.
    expect(seen.pages).toBeGreaterThanOrEqual(30);
    expect(seen.diagrams).toBeGreaterThanOrEqual(4 * 150);
    expect(seen.labels).toBeGreaterThanOrEqual(4 * 10_000);
  });
});

describe('the gate fails when it should (a drawing made to break each rule)', () => {
  it('names a small label, a label outside its node, overlapping labels, a line through a label and a cut label', async () => {
    const context = contexts[0];
    if (!context) throw new Error('browser context missing');
    const page = await context.newPage();
    await page.setContent(
      `<figure class="rf-diagram"><div class="rf-diagram-canvas" style="width:300px;overflow:hidden">` +
        `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 200" width="600" height="200"><title>Broken</title>` +
        `<g class="node"><rect x="10" y="10" width="40" height="30"/><text x="12" y="30" font-size="13">much too long for its box</text></g>` +
        `<g class="node"><rect x="10" y="100" width="200" height="30"/><text x="12" y="120" font-size="9">tiny</text></g>` +
        `<g class="edge-label"><rect x="300" y="100" width="120" height="30"/><text x="305" y="120" font-size="13">first label</text></g>` +
        `<g class="edge-label"><rect x="310" y="105" width="120" height="30"/><text x="315" y="125" font-size="13">second label</text></g>` +
        `<polyline class="edge" data-from="a" data-to="b" points="20,60 150,60 150,175"/>` +
        `<g class="node"><rect x="100" y="150" width="160" height="30"/><text x="110" y="170" font-size="13">crossed here</text></g>` +
        `</svg></div></figure>`,
    );
    const { problems } = await page.evaluate(measureDiagrams, { minPx: 12 });
    await page.close();
    const said = problems.map((p) => `${p.label}: ${p.problem}`);
    expect(said).toContainEqual(expect.stringMatching(/^much too long for its box: leaves its node$/));
    expect(said).toContainEqual(expect.stringMatching(/^tiny: drawn at 9\.0 px \(< 12 px\)$/));
    expect(said).toContainEqual(expect.stringMatching(/^first label: overlaps the label "second label"$/));
    expect(said).toContainEqual(expect.stringMatching(/^crossed here: is crossed by the edge a → b$/));
    expect(said).toContainEqual(expect.stringMatching(/^first label: is cut at the frame/));
  });
});
