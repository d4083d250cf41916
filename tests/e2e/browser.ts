/**
 * Shared set-up for the browser tests: one Chromium per test file, a page that records console
 * errors and failed requests, and the list of pages from the built sitemap.
 */
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { launchOptions } from '../../scripts/chromium.mjs';
import { TEST_BASE_BUILD } from '../../scripts/site-config.mjs';

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

/** A build the browser tests serve: dist/ at the root, and dist-base/ under its base path. */
export interface Build {
  readonly name: string;
  /** The directory it was built into. */
  readonly dir: string;
  /** The base path it was built for: `/` or `/realmfault/`. */
  readonly base: string;
  /** The site's root URL, base path included, without a trailing slash. */
  readonly url: () => string;
}

export const ROOT_BUILD: Build = { name: 'at the root', dir: 'dist', base: '/', url: baseURL };
export const BASE_BUILD: Build = {
  name: `under ${TEST_BASE_BUILD.base}`,
  dir: TEST_BASE_BUILD.outDir,
  base: TEST_BASE_BUILD.base,
  url: () => inject('basedURL'),
};
export const BUILDS: readonly Build[] = [ROOT_BUILD, BASE_BUILD];

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

/**
 * Every page path in a build's sitemap (dist/sitemap-0.xml), below its base path: "/concepts/".
 * An entry outside the base path is an error (a sitemap must list where the pages are served).
 */
export function sitemapPaths(build: Build = ROOT_BUILD): string[] {
  const file = `${build.dir}/sitemap-0.xml`;
  const xml = readFileSync(file, 'utf8');
  const paths = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => {
    const path = new URL(m[1] ?? '').pathname;
    if (!path.startsWith(build.base))
      throw new Error(`${file}: ${m[1] ?? ''} is outside the base path ${build.base}`);
    return `/${path.slice(build.base.length)}`;
  });
  if (paths.length === 0) throw new Error(`${file} lists no pages`);
  return paths;
}
