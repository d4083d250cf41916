/**
 * Site gates (issue 7) in a real Chromium: every page of the sitemap loads with no console error
 * and no failed request, and every internal link and #anchor on it resolves — the link's page
 * exists (crawled too when it is not in the sitemap) and the anchor is an element id there.
 * scripts/check-links.mjs checks the same links statically at build time; this is the browser's
 * view, after scripts have run.
 *
 * Both builds are checked (issue 16): dist/ at the root, and dist-base/, built for
 * BASE_PATH=/realmfault/ and served only below it, so every link, stylesheet, script, font,
 * worker and search file that forgot the base path shows up as a failed request or a broken link.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStateFragment } from '../../scripts/check-links.mjs';
import { BUILDS, openPage, sitemapPaths, useBrowser, type Build, type WatchedPage } from './browser.js';

const { browser } = useBrowser();

describe.each(BUILDS)('every page of the sitemap, built $name', (build: Build) => {
  /** Element ids (and a[name]s) per visited page path (below the base path). */
  const idsByPage = new Map<string, Set<string>>();
  /** Internal links seen, with the page that has each. */
  const links: { from: string; url: URL }[] = [];
  /** Requests that left the base path (same origin, outside it). */
  const outside: string[] = [];

  let watched: WatchedPage;
  beforeAll(async () => {
    watched = await openPage(browser());
    const root = new URL(`${build.url()}/`);
    watched.page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin === root.origin && !u.pathname.startsWith(build.base)) outside.push(r.url());
    });
  });
  afterAll(async () => {
    await watched.page.context().close();
  });

  /** Load `path`, return the problems seen while loading and record its ids and internal links. */
  async function visit(page: Page, problems: string[], path: string): Promise<string[]> {
    problems.length = 0;
    const response = await page.goto(`${build.url()}${path}`, { waitUntil: 'networkidle' });
    const found = [...problems];
    if (!response || response.status() >= 400) found.push(`HTTP ${response?.status() ?? 'no response'}`);
    const ids = await page.$$eval('[id], a[name]', (els) =>
      els.flatMap((e) => [e.id, e.getAttribute('name') ?? ''].filter((x) => x !== '')),
    );
    idsByPage.set(path, new Set(ids));
    const hrefs = await page.$$eval('a[href], area[href]', (els) =>
      els.map((a) => (a as HTMLAnchorElement | HTMLAreaElement).href),
    );
    const origin = new URL(build.url()).origin;
    for (const href of hrefs) {
      const url = new URL(href);
      if (url.origin === origin) links.push({ from: path, url });
    }
    return found;
  }

  const PAGES = sitemapPaths(build);

  it.each(PAGES)('%s loads with no console error or failed request', async (path) => {
    expect(await visit(watched.page, watched.problems, path)).toEqual([]);
  });

  it('every internal link and #anchor on them resolves, and nothing was requested outside the base path', async () => {
    expect([...idsByPage.keys()].sort()).toEqual([...PAGES].sort());
    const broken: string[] = [];
    /** Status of non-page targets (files), fetched once each. */
    const status = new Map<string, number>();
    for (const { from, url } of links) {
      const full = decodeURIComponent(url.pathname);
      if (!full.startsWith(build.base)) {
        broken.push(`${from}: ${url.href} — outside the base path ${build.base}`);
        continue;
      }
      const path = `/${full.slice(build.base.length)}`;
      // The print edition (/print/, /print/<section>/) repeats every page, up to 12 MB of HTML in
      // one file: tests/e2e/print.e2e.ts loads each print page and checks its links and anchors,
      // and the build's link check reads them all, so here it is only fetched, like a file.
      const isPage = (path.endsWith('/') || path.endsWith('.html')) && !path.startsWith('/print/');
      if (isPage && !idsByPage.has(path)) {
        // A page that is not in the sitemap (the 404 page, say): crawl it as well.
        const problems = await visit(watched.page, watched.problems, path);
        if (problems.length) broken.push(`${from}: ${url.href} — ${problems.join('; ')}`);
      }
      if (!isPage) {
        if (!status.has(path)) {
          const r = await watched.page.request.get(url.href.replace(/#.*/, ''));
          status.set(path, r.status());
        }
        const s = status.get(path) ?? 0;
        if (s >= 400) broken.push(`${from}: ${url.href} — HTTP ${s}`);
        continue;
      }
      const fragment = decodeURIComponent(url.hash.slice(1));
      // Widget state in a permalink (`#v=…&s=…`, `#x=…&v=…`), not an anchor.
      if (isStateFragment(url.hash.slice(1))) continue;
      if (fragment !== '' && !idsByPage.get(path)?.has(fragment)) {
        broken.push(`${from}: ${url.pathname}${url.hash} — no element with id "${fragment}" on ${path}`);
      }
    }
    expect(links.length).toBeGreaterThan(PAGES.length);
    expect(broken).toEqual([]);
    expect(outside).toEqual([]);
  }, 300_000);
});
