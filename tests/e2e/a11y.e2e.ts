/**
 * axe-core on every page of the sitemap (and the 404 page), in both themes: WCAG 2.0/2.1 A and
 * AA and WCAG 2.2 AA rules.
 *
 * Each page is loaded once, in the light theme; axe-core is injected once and run, then the page
 * is switched to the dark theme the way Starlight's theme picker does it (data-theme on <html>,
 * the choice kept in localStorage) and axe runs again. Calling axe.run directly instead of
 * @axe-core/playwright's AxeBuilder (which re-injects axe for every analysis) makes the whole
 * gate about three times faster with the same rules; the site has no iframes, which is the one
 * thing AxeBuilder adds.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { baseURL, openPage, sitemapPaths, useBrowser } from './browser.js';

const { browser } = useBrowser();
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const PAGES = [...sitemapPaths(), '/404/'];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

describe('axe (light and dark themes)', () => {
  it.each(PAGES)(`%s has no violations`, async (path) => {
    const { page, problems } = await openPage(browser(), 'light');
    await page.addInitScript(() => {
      localStorage.setItem('starlight-theme', 'light');
    });
    await page.goto(`${baseURL()}${path}`, { waitUntil: 'networkidle' });
    await page.evaluate(AXE_SOURCE);
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      if (scheme === 'dark') {
        await page.evaluate(() => {
          localStorage.setItem('starlight-theme', 'dark');
          document.documentElement.dataset['theme'] = 'dark';
        });
      }
      await expect(page.evaluate(() => document.documentElement.dataset['theme'])).resolves.toBe(scheme);
      const violations = await page.evaluate(async (tags) => {
        const axe = (
          window as unknown as {
            axe: { run: (ctx: Document, o: unknown) => Promise<{ violations: AxeViolation[] }> };
          }
        ).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
        return result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target })),
        }));
      }, TAGS);
      found.push(
        ...violations.map(
          (v) =>
            `[${scheme}] ${v.id} (${v.impact ?? '?'}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        ),
      );
    }
    expect(found).toEqual([]);
    // The 404 page answers with status 404 by design; everything else must load cleanly.
    const expected404 = (p: string) =>
      path === '/404/' && (p === `HTTP 404: ${baseURL()}/404/` || p.includes('status of 404 (Not Found)'));
    expect(problems.filter((p) => !expected404(p))).toEqual([]);
    await page.context().close();
  });
});
