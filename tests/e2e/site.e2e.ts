/**
 * The built site in a real Chromium: the landing page, the sidebar, search and the theme switch.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseURL, openPage, useBrowser } from './browser.js';

const { browser } = useBrowser();

/** The sidebar's sections and the folder each lives in (astro.config.mjs). */
const SECTIONS: [label: string, path: string, heading: string][] = [
  ['Start here', '/start-here/', 'Start here'],
  ['Concepts', '/concepts/', 'Concepts'],
  ['The fault path', '/fault-path/', 'The fault path'],
  ['Conversions', '/conversions/', 'Conversions'],
  ['Case studies from review', '/case-studies/', 'Case studies from review'],
  ['Scenarios', '/scenarios/', 'Scenarios'],
  ['Playground', '/playground/', 'Playground'],
  ['Reference', '/reference/', 'Reference'],
];

describe('landing page', () => {
  it('renders the title and what the site teaches, with no console error or failed request', async () => {
    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}/`, { waitUntil: 'networkidle' });
    await expect(page.title()).resolves.toBe('realmfault — the realm fault path');
    await expect(page.locator('h1').first().textContent()).resolves.toContain('realmfault');
    await expect(page.getByText('Who it is for', { exact: true }).isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
    // Every run keeps a screenshot in reports/; UPDATE_SCREENSHOTS=1 also refreshes the one the
    // README shows, so ordinary test runs leave the working tree clean.
    mkdirSync('reports', { recursive: true });
    await page.screenshot({ path: 'reports/landing.png' });
    if (process.env['UPDATE_SCREENSHOTS'] === '1') await page.screenshot({ path: 'docs/landing.png' });
    await page.context().close();
  });
});

describe('sidebar', () => {
  it('lists the eight sections in reading order', async () => {
    const { page } = await openPage(browser());
    await page.goto(`${baseURL()}/start-here/`);
    const groups = await page
      .locator('#starlight__sidebar ul.top-level > li > details > summary')
      .allTextContents();
    expect(groups.map((g) => g.trim())).toEqual(SECTIONS.map(([label]) => label));
    await page.context().close();
  });

  it.each(SECTIONS)('navigates to "%s"', async (label, path, heading) => {
    const { page, problems } = await openPage(browser());
    // Start from a different section so the click really navigates.
    const from = path === '/start-here/' ? '/concepts/' : '/start-here/';
    await page.goto(`${baseURL()}${from}`);
    const group = page.locator('#starlight__sidebar details', {
      has: page.locator('summary', { hasText: label }),
    });
    await group.locator(`a[href="${path}"]`).click();
    await page.waitForURL(`${baseURL()}${path}`);
    await expect(page.locator('h1#_top').textContent()).resolves.toBe(heading);
    await expect(
      page.locator(`#starlight__sidebar a[href="${path}"]`).getAttribute('aria-current'),
    ).resolves.toBe('page');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

/** HTML files of the built content pages (not the 404 page). */
function builtPages(dir = 'dist'): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'pagefind' || name === '_astro') return [];
    if (statSync(path).isDirectory()) return builtPages(path);
    return name === 'index.html' ? [path] : [];
  });
}

describe('search', () => {
  it('finds a word that appears on one content page and opens that page', async () => {
    const word = 'walkthrough';
    // Pages in the search index (Starlight marks their body data-pagefind-body; the print
    // edition, which repeats every page, and the 404 page are left out of it).
    const holders = builtPages().filter((f) => {
      const html = readFileSync(f, 'utf8');
      if (!html.includes('data-pagefind-body')) return false;
      const main = /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';
      return main.toLowerCase().includes(word);
    });
    // The test's premise: exactly one page holds the word.
    expect(holders).toEqual([join('dist', 'start-here', 'index.html')]);

    const { page, problems } = await openPage(browser());
    await page.goto(`${baseURL()}/concepts/`, { waitUntil: 'networkidle' });
    await page.locator('site-search button[data-open-modal]').click();
    const input = page.locator('#starlight__search input[type="text"], #starlight__search input').first();
    await input.fill(word);
    const result = page.locator('#starlight__search .pagefind-ui__result-link').first();
    await result.waitFor();
    await expect(page.locator('#starlight__search .pagefind-ui__result').count()).resolves.toBe(1);
    await result.click();
    await page.waitForURL(/\/start-here\//);
    await expect(page.locator('h1#_top').textContent()).resolves.toBe('Start here');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('theme switch', () => {
  it('switches to dark and to light, and keeps the choice across a reload', async () => {
    const { page, problems } = await openPage(browser(), 'light');
    await page.goto(`${baseURL()}/concepts/`);
    const theme = () => page.evaluate(() => document.documentElement.dataset['theme']);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await expect(theme()).resolves.toBe('light');
    const lightBackground = await background();

    const select = page.locator('starlight-theme-select select').first();
    await select.selectOption('dark');
    await expect(theme()).resolves.toBe('dark');
    expect(await background()).not.toBe(lightBackground);

    await page.reload();
    await expect(theme()).resolves.toBe('dark');
    await expect(select.inputValue()).resolves.toBe('dark');

    await select.selectOption('light');
    await page.reload();
    await expect(theme()).resolves.toBe('light');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
