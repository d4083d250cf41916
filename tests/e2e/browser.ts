/**
 * Shared set-up for the browser tests: one Chromium per test file, a page that records console
 * errors and failed requests, and the list of pages from the built sitemap.
 */
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { launchOptions } from '../../scripts/chromium.mjs';

export interface WatchedPage {
  page: Page;
  /** Console errors, page errors and failed or 4xx/5xx requests seen so far. */
  problems: string[];
}

/** Launch Chromium for the current test file and close it afterwards. */
export function useBrowser(): { browser: () => Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.launch(launchOptions());
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    browser: () => {
      if (!browser) throw new Error('the browser is not running (beforeAll failed?)');
      return browser;
    },
  };
}

export const baseURL = (): string => inject('baseURL');

/**
 * A new page (own context, so storage does not leak between tests) that records problems.
 * Service workers are blocked unless a test opts in: otherwise every page would install the
 * offline worker and download the whole site in the background (tests/e2e/offline.e2e.ts opts in).
 */
export async function openPage(
  browser: Browser,
  colorScheme: 'light' | 'dark' = 'light',
  { serviceWorkers = 'block' }: { serviceWorkers?: 'allow' | 'block' } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    colorScheme,
    viewport: { width: 1280, height: 800 },
    serviceWorkers,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const error = req.failure()?.errorText ?? '?';
    // A navigation aborts the requests of the page it leaves (for example the search UI that
    // Starlight loads at idle); that is not a failure of the site.
    if (error !== 'net::ERR_ABORTED') problems.push(`request failed: ${req.url()} (${error})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { page, problems };
}

/** Every page path in the built sitemap (dist/sitemap-0.xml), e.g. "/concepts/". */
export function sitemapPaths(): string[] {
  const xml = readFileSync('dist/sitemap-0.xml', 'utf8');
  const paths = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1] ?? '').pathname);
  if (paths.length === 0) throw new Error('dist/sitemap-0.xml lists no pages');
  return paths;
}
