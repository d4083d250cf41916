/**
 * axe-core on every page of the sitemap (and the 404 page), in both themes: WCAG 2.0/2.1 A and
 * AA and WCAG 2.2 AA rules.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { describe, expect, it } from 'vitest';
import { baseURL, openPage, sitemapPaths, useBrowser } from './browser.js';

const { browser } = useBrowser();
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const PAGES = [...sitemapPaths(), '/404/'];

describe.each(['light', 'dark'] as const)('axe (%s theme)', (scheme) => {
  it.each(PAGES)(`%s has no violations`, async (path) => {
    const { page, problems } = await openPage(browser(), scheme);
    await page.addInitScript((t) => {
      localStorage.setItem('starlight-theme', t);
    }, scheme);
    await page.goto(`${baseURL()}${path}`, { waitUntil: 'networkidle' });
    await expect(page.evaluate(() => document.documentElement.dataset['theme'])).resolves.toBe(scheme);
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    const summary = violations.map(
      (v) => `${v.id} (${v.impact ?? '?'}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
    expect(summary).toEqual([]);
    // The 404 page answers with status 404 by design; everything else must load cleanly.
    const expected404 = (p: string) =>
      path === '/404/' && (p === `HTTP 404: ${baseURL()}/404/` || p.includes('status of 404 (Not Found)'));
    expect(problems.filter((p) => !expected404(p))).toEqual([]);
    await page.context().close();
  });
});
