/**
 * The site deployed under a base path (issue 16), as GitHub or GitLab Pages serve a project site:
 * dist-base/ is built with BASE_PATH=/realmfault/ and SITE_URL=https://example.org
 * (`npm run build:base`) and served only below /realmfault/. tests/e2e/links.e2e.ts loads every
 * page of it and follows every link; this file works every widget there — their workers, lazy
 * modules, permalinks and the links they write — and checks the search index, the sitemap, the
 * canonical links, the redirects and the hero buttons. Any request that leaves /realmfault/ fails
 * the test, as it would fail on the host.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decode, formatDecoded } from '@realmfault/model';
import { TEST_BASE_BUILD } from '../../scripts/site-config.mjs';
import { formatRun } from '../../src/snippets/runtime';
import { runSnippetInNode } from '../../src/snippets/node';
import { BASE_BUILD, openPage, sitemapPaths, useBrowser, type WatchedPage } from './browser.js';

const { browser } = useBrowser();
const BASE = TEST_BASE_BUILD.base;
const url = (path: string): string => `${BASE_BUILD.url()}${path}`;

/** A page of the base-path build that also records every same-origin request outside the base path. */
async function open(): Promise<WatchedPage & { outside: string[]; requests: string[] }> {
  const watched = await openPage(browser());
  const outside: string[] = [];
  const requests: string[] = [];
  const origin = new URL(BASE_BUILD.url()).origin;
  watched.page.context().on('request', (r) => {
    requests.push(r.url());
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.origin !== origin || !u.pathname.startsWith(BASE)) outside.push(r.url());
  });
  return { ...watched, outside, requests };
}

async function finish(w: WatchedPage & { outside: string[] }): Promise<void> {
  expect(w.problems).toEqual([]);
  expect(w.outside).toEqual([]);
  await w.page.context().close();
}

/** The first snippet the reader can run, and its code (read from the build, as the page has it). */
function firstSnippet(): { path: string; id: string; code: string } {
  for (const path of sitemapPaths(BASE_BUILD)) {
    const html = readFileSync(`${BASE_BUILD.dir}${path}index.html`, 'utf8');
    const m = /<div class="rf-snippet(?: [^"]*)?"([^>]*)>/.exec(html);
    if (!m || /data-no-run/.test(m[1] ?? '')) continue;
    const id = /data-snippet-id="([^"]+)"/.exec(m[1] ?? '')?.[1];
    const source = /<script type="application\/json" class="rf-snippet-source">([\s\S]*?)<\/script>/.exec(
      html.slice(m.index),
    )?.[1];
    if (id && source) return { path, id, code: (JSON.parse(source) as { code: string }).code };
  }
  throw new Error(`${BASE_BUILD.dir}: no runnable snippet found`);
}

async function hrefs(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (els) => els.map((a) => a.getAttribute('href') ?? ''));
}

describe(`the site built for ${BASE}`, () => {
  it('lists its pages in the sitemap and canonical links at SITE_URL plus the base path', async () => {
    const index = readFileSync(`${BASE_BUILD.dir}/sitemap-index.xml`, 'utf8');
    expect(index).toContain(`<loc>${TEST_BASE_BUILD.site}${BASE}sitemap-0.xml</loc>`);
    const xml = readFileSync(`${BASE_BUILD.dir}/sitemap-0.xml`, 'utf8');
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1] ?? '');
    expect(locs.length).toBeGreaterThan(40);
    for (const loc of locs) expect(loc.startsWith(`${TEST_BASE_BUILD.site}${BASE}`), loc).toBe(true);
    const w = await open();
    await w.page.goto(url('/concepts/'));
    await expect(w.page.locator('link[rel="canonical"]').getAttribute('href')).resolves.toBe(
      `${TEST_BASE_BUILD.site}${BASE}concepts/`,
    );
    await finish(w);
  });

  it('sends the hero buttons of the landing and 404 pages, and the renamed scenarios, under the base path', async () => {
    const w = await open();
    await w.page.goto(url('/'));
    expect(await hrefs(w.page, '.hero a.sl-link-button')).toEqual([
      `${BASE}start-here/`,
      `${BASE}fault-path/`,
    ]);
    await w.page.locator('.hero a.sl-link-button').first().click();
    await w.page.waitForURL(`**${BASE}start-here/`);
    await w.page.goto(url('/scenarios/fixed-read-then-write/'));
    await w.page.waitForURL(`**${BASE}scenarios/shared-read-then-write/`);
    await expect(w.page.locator('h1').first().textContent()).resolves.toContain('shared-read-then-write');
    // A missing page gets the site's 404 page, whose Home button stays on the site.
    w.problems.length = 0;
    const missing = await w.page.goto(url('/no-such-page/'));
    expect(missing?.status()).toBe(404);
    w.problems.length = 0;
    expect(await hrefs(w.page, '.hero a.sl-link-button')).toEqual([BASE]);
    await finish(w);
  });

  it('searches its own index and opens the result under the base path', async () => {
    const w = await open();
    await w.page.goto(url('/concepts/'), { waitUntil: 'networkidle' });
    await w.page.locator('site-search button[data-open-modal]').click();
    await w.page.locator('#starlight__search input').first().fill('walkthrough');
    const result = w.page.locator('#starlight__search .pagefind-ui__result-link').first();
    await result.waitFor();
    expect(await result.getAttribute('href')).toBe(`${BASE}start-here/`);
    await result.click();
    await w.page.waitForURL(`**${BASE}start-here/`);
    expect(w.requests.some((r) => r.includes(`${BASE}pagefind/`))).toBe(true);
    await finish(w);
  });

  it('runs a snippet in its worker and shows what Node shows', async () => {
    const s = firstSnippet();
    const w = await open();
    await w.page.goto(url(s.path));
    const root = w.page.locator(`.rf-snippet[data-snippet-id="${s.id}"]`);
    await root.scrollIntoViewIfNeeded();
    const run = root.locator('.rf-snippet-controls button[data-action="run"]');
    await run.waitFor();
    await run.click();
    await root.and(w.page.locator(':not([data-running])')).waitFor({ timeout: 30_000 });
    await expect(root.locator('.rf-snippet-output').textContent()).resolves.toBe(
      formatRun(runSnippetInNode(s.code)),
    );
    expect(
      w.page.workers().length + w.requests.filter((r) => /\/_astro\/worker/.test(r)).length,
    ).toBeGreaterThan(0);
    await finish(w);
  });

  it('decodes in the decoder, runs the playground and keeps its permalink under the base path', async () => {
    const w = await open();
    await w.page.goto(url('/concepts/esr-reporting/'), { waitUntil: 'load' });
    const dec = w.page.locator('[data-rf-widget="decoder"]').first();
    const input = dec.locator('input[name="value"]');
    await input.fill('0x9200004f');
    await w.page.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent.trim() === text, [
      '[data-rf-widget="decoder"] .rf-decoder-table caption',
      formatDecoded(decode('esr', '0x9200004f')).split('\n')[0] ?? '',
    ] as const);
    const PG = '[data-rf-widget="playground"]';
    await w.page.goto(url('/playground/'));
    // The playground mounts when the reader first reaches for it.
    await w.page.locator(`${PG} .rf-pg-builtin`).focus();
    await w.page.waitForSelector(`${PG}[data-mounted="true"]`);
    await w.page.locator(`${PG} .rf-pg-run`).click();
    await w.page.waitForSelector(`${PG} [data-rf-widget="stepper"][data-mounted="true"]`);
    await w.page.waitForFunction(() => /[#&]s=/.test(location.hash));
    const link = w.page.url();
    expect(new URL(link).pathname).toBe(`${BASE}playground/`);
    // The permalink opens the same run in a fresh page.
    const again = await open();
    await again.page.goto(link);
    await again.page.waitForSelector(`${PG} [data-rf-widget="stepper"][data-mounted="true"]`);
    await finish(again);
    await finish(w);
  });

  it('explores the fault explorer, the interleavings (and opens a counterexample in the playground) and a stepper', async () => {
    const w = await open();
    await w.page.goto(url('/playground/fault-explorer/'), { waitUntil: 'networkidle' });
    const FX = '[data-rf-widget="fault-explorer"]';
    await w.page.locator(`${FX} input[name="isv"]`).check();
    await w.page.waitForFunction(
      (s) => Number(document.querySelector<HTMLElement>(s)?.dataset['runs'] ?? '0') >= 1,
      FX,
    );
    const IX = '[data-rf-widget="interleavings"]';
    await w.page.goto(
      url('/playground/interleavings/#x=invalidation-race&v=v14&m=gmem-abort-no-attribute-check&b=3'),
    );
    await w.page.waitForSelector(`${IX}[data-ready="true"]`);
    await w.page.waitForFunction(
      (s) => Number(document.querySelector<HTMLElement>(s)?.dataset['runs'] ?? '0') >= 1,
      IX,
    );
    const open1 = await hrefs(w.page, `${IX} .rf-ix-out a.rf-ix-open`);
    expect(open1.length).toBeGreaterThan(0);
    for (const h of open1) expect(h.startsWith(`${BASE}playground/#`), h).toBe(true);
    await w.page.locator(`${IX} .rf-ix-out a.rf-ix-open`).first().click();
    await w.page.waitForURL(`**${BASE}playground/#*`);
    await w.page.waitForSelector(
      '[data-rf-widget="playground"] [data-rf-widget="stepper"][data-mounted="true"]',
    );
    // A stepper on a content page loads its client module from under the base path.
    await w.page.goto(url('/start-here/'));
    const stepper = w.page.locator('[data-rf-widget="stepper"]').first();
    await stepper.scrollIntoViewIfNeeded();
    await w.page.waitForSelector('[data-rf-widget="stepper"][data-mounted="true"]');
    await finish(w);
  });

  it('replays the seed’s log; its page links and “Open in the playground” stay under the base path', async () => {
    const w = await open();
    const RP = '[data-rf-widget="replay"]';
    await w.page.goto(url('/playground/replay/'));
    await w.page.waitForSelector(`${RP}[data-ready="true"]`);
    await w.page.locator(`${RP} button.rf-rp-seed`).click();
    await w.page.waitForFunction(
      (s) => Number(document.querySelector<HTMLElement>(s)?.dataset['runs'] ?? '0') >= 1,
      RP,
    );
    await expect(w.page.locator(RP).getAttribute('data-state')).resolves.toBe('done');
    const links = await hrefs(w.page, `${RP} a.rf-rp-open, ${RP} a.rf-rp-page`);
    expect(links.length).toBeGreaterThan(0);
    for (const h of links) expect(h.startsWith(BASE), h).toBe(true);
    await finish(w);
  });

  it('loads each diagram page’s frame script from under the base path', async () => {
    const w = await open();
    await w.page.goto(url('/fault-path/'), { waitUntil: 'networkidle' });
    expect(w.requests).toContain(url('/diagram-frame.js'));
    await expect(w.page.locator('figure[data-diagram]').count()).resolves.toBeGreaterThan(0);
    await finish(w);
  });
});
