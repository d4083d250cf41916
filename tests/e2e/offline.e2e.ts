/**
 * Offline support (issue 16) in Chromium: after one online visit the service worker (dist/sw.js,
 * scripts/service-worker.mjs) has the whole site, and with the network gone a page never visited
 * loads, a diagram draws, search finds results, a snippet is edited and run in its worker, and a
 * page that is not cached gets the 404 page. Then a deploy with a new sw.js: the update notice
 * appears, and Reload activates the new version.
 *
 * These tests serve the build from their own small server (not the shared one of global-setup),
 * because they take the network down and deploy a changed sw.js; the server mounts the build at the
 * base path the build wrote into sw.js, so the URLs are the deployed ones. They run on dist/ (built
 * at the root) and on dist-base/ (the build under /realmfault/ that `npm run build:base` makes
 * for the base-path tests; global-setup refuses to start without it).
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServiceWorkerManifest } from '../../scripts/service-worker.mjs';
import { TYPES } from '../../scripts/serve.mjs';
import { TEST_BASE_BUILD } from '../../scripts/site-config.mjs';
import { runSnippetInNode } from '../../src/snippets/node';
import { formatRun } from '../../src/snippets/runtime';
import { openPage, useBrowser, type WatchedPage } from './browser.js';

const { browser } = useBrowser();

interface Built {
  /** The build's directory. */
  dir: string;
  /** Its sw.js, as built. */
  sw: string;
  manifest: ReturnType<typeof readServiceWorkerManifest>;
  /** The base path it was built for, from sw.js: '/' or '/realmfault/'. */
  base: string;
  /** Its pages as in the sitemap, below the base path: '/', '/concepts/'. */
  pages: string[];
}

function built(dir: string): Built {
  const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
  const manifest = readServiceWorkerManifest(sw);
  const base = manifest.base;
  const xml = readFileSync(join(dir, 'sitemap-0.xml'), 'utf8');
  const pages = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => {
    const path = new URL(m[1] ?? '').pathname;
    if (!path.startsWith(base)) throw new Error(`${dir}: sitemap entry ${path} is outside ${base}`);
    return `/${path.slice(base.length)}`;
  });
  if (pages.length === 0) throw new Error(`${dir}/sitemap-0.xml lists no pages`);
  return { dir, sw, manifest, base, pages };
}

/** Both builds (a missing sw.js fails here, never skips). */
const BUILDS: Built[] = [built('dist'), built(TEST_BASE_BUILD.outDir)];

interface TestServer {
  /** Origin, e.g. http://127.0.0.1:1234 (the site is at `${origin}${base}`). */
  origin: string;
  /** While true every request is answered by dropping the connection, as with no network. */
  down: boolean;
  /** Requests that reached the server while it was down. */
  refused: string[];
  /** Files served instead of dist/'s, by URL path: a new deploy. */
  overrides: Map<string, string>;
  close: () => Promise<void>;
}

/** A build mounted at its base path, with the site's 404 page for anything missing. */
async function serveBuild({ dir, base }: Built): Promise<TestServer> {
  const root = normalize(dir);
  const state = { down: false, refused: [] as string[], overrides: new Map<string, string>() };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (state.down) {
      state.refused.push(path);
      req.socket.destroy();
      return;
    }
    const override = state.overrides.get(path);
    if (override !== undefined) {
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(override);
      return;
    }
    let file = path.startsWith(base) ? normalize(join(root, path.slice(base.length))) : '';
    if (file && file !== root && !file.startsWith(root + sep)) file = '';
    if (file && existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    const found = file !== '' && existsSync(file);
    if (!found) file = join(root, '404.html');
    res.writeHead(found ? 200 : 404, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return Object.assign(state, {
    origin: `http://127.0.0.1:${String(port)}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => {
          done();
        });
      }),
  });
}

interface WorkerStatus {
  version: string;
  cache: string;
  files: number;
  complete: boolean;
}

/** Wait until a worker is active (so its precache is complete) and controls the page; its status. */
async function activeWorker(page: Page): Promise<WorkerStatus> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((done) => {
        navigator.serviceWorker.addEventListener('controllerchange', done, { once: true });
      });
    }
    const active = reg.active;
    if (!active) throw new Error('no active service worker');
    return new Promise<WorkerStatus>((done) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e: MessageEvent<WorkerStatus>) => {
        done(e.data);
      };
      active.postMessage({ type: 'rf-sw-status' }, [channel.port2]);
    });
  });
}

/** The cached URL paths of the worker's cache, and every cache name of the origin. */
async function cacheContents(page: Page, cache: string): Promise<{ paths: string[]; names: string[] }> {
  return page.evaluate(async (name) => {
    const keys = await (await caches.open(name)).keys();
    return { paths: keys.map((r) => new URL(r.url).pathname).sort(), names: await caches.keys() };
  }, cache);
}

/** A built page (sitemap path) whose HTML matches `re`, other than those in `not`. */
function pageWith(b: Built, re: RegExp, not: string[] = []): string {
  const path = b.pages.find(
    (p) => !not.includes(p) && re.test(readFileSync(join(b.dir, p, 'index.html'), 'utf8')),
  );
  if (!path) throw new Error(`no page of ${b.dir} matches ${String(re)}`);
  return path;
}

/** The page's title as built (h1#_top), to tell the page from the 404 page. */
const builtTitle = (b: Built, path: string): string =>
  /<h1 id="_top"[^>]*>([^<]*)<\/h1>/.exec(readFileSync(join(b.dir, path, 'index.html'), 'utf8'))?.[1] ?? '';

describe.each(BUILDS)('offline after one visit ($dir)', (b) => {
  const { manifest: MANIFEST, base: BASE } = b;
  /** A site path as a URL path of the deployed site ('/concepts/' → `${BASE}concepts/`). */
  const at = (path: string): string => `${BASE}${path.replace(/^\//, '')}`;
  let server: TestServer;
  let watched: WatchedPage;
  let context: BrowserContext;
  const first = '/';
  const other = pageWith(b, /<h1 id="_top"/, [first]);
  const diagram = pageWith(b, /<figure class="rf-diagram/, [first, other]);
  const snippet = pageWith(b, /<div class="rf-snippet[ "](?![^>]*data-no-run)/, [first, other]);

  beforeAll(async () => {
    server = await serveBuild(b);
    watched = await openPage(browser(), 'light', { serviceWorkers: 'allow' });
    context = watched.page.context();
  });
  afterAll(async () => {
    await context.close();
    await server.close();
  });

  it(
    'the first visit installs the worker, which precaches exactly the manifest',
    async () => {
      const { page, problems } = watched;
      await page.goto(`${server.origin}${at(first)}`, { waitUntil: 'load' });
      const status = await activeWorker(page);
      expect(status).toEqual({
        version: MANIFEST.version,
        cache: `rf-offline:${BASE}:${MANIFEST.version}`,
        files: MANIFEST.entries.length,
        complete: true,
      });
      const { paths, names } = await cacheContents(page, status.cache);
      expect(paths).toEqual([...MANIFEST.entries.map(([p]) => p), `${BASE}__rf-precache-done__`].sort());
      expect(names).toEqual([status.cache]);
      expect(problems).toEqual([]);
    },
    // The first visit downloads the whole site (about 17 MB) in the background.
    120_000,
  );

  it('with the network gone, a page never visited loads from the cache', async () => {
    server.down = true;
    await context.setOffline(true);
    const { page } = watched;
    const res = await page.goto(`${server.origin}${at(other)}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await page.locator('h1#_top').textContent()).toBe(builtTitle(b, other));
    // Its stylesheet came from the cache too: Starlight's layout is applied.
    expect(await page.locator('.sidebar-pane').evaluate((e) => getComputedStyle(e).position)).not.toBe(
      'static',
    );
  });

  it('a diagram page draws its diagram, and the frame script runs', async () => {
    const { page } = watched;
    await page.goto(`${server.origin}${at(diagram)}`, { waitUntil: 'load' });
    expect(await page.locator('h1#_top').textContent()).toBe(builtTitle(b, diagram));
    const figure = page.locator('figure.rf-diagram').first();
    await figure.scrollIntoViewIfNeeded();
    const box = await figure.locator('svg').first().boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(50);
    // public/diagram-frame.js (cached, unhashed) marks every frame it set up.
    await figure.and(page.locator('[data-rf-frame="ready"]')).waitFor({ timeout: 10_000 });
  });

  it('search finds results (Pagefind, its worker, WebAssembly and index from the cache)', async () => {
    const { page } = watched;
    await page.goto(`${server.origin}${at(other)}`, { waitUntil: 'load' });
    await page.locator('site-search button[data-open-modal]').click();
    await page.locator('#starlight__search input').first().fill('realm');
    const results = page.locator('#starlight__search .pagefind-ui__result-link');
    // Pagefind compiles its WebAssembly and starts its worker first: slow on a loaded machine.
    await results.first().waitFor({ timeout: 45_000 });
    expect(await results.count()).toBeGreaterThan(0);
    // A result opens its page, offline too.
    const href = (await results.first().getAttribute('href')) ?? '';
    await results.first().click();
    await page.waitForURL((u) => u.pathname === new URL(href, page.url()).pathname);
    expect(await page.locator('h1#_top').textContent()).not.toBe('Page not found');
  }, 90_000);

  it('a snippet is edited and run: CodeMirror and the snippet worker load from the cache', async () => {
    const { page } = watched;
    await page.goto(`${server.origin}${at(snippet)}`, { waitUntil: 'load' });
    const box = page.locator('.rf-snippet:not([data-no-run])').first();
    await box.scrollIntoViewIfNeeded();
    await box.locator('.rf-snippet-controls button[data-action="edit"]').click();
    const content = box.locator('.cm-content');
    await content.waitFor({ timeout: 20_000 });
    const code = "console.log('offline', 6 * 7);";
    await content.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(code);
    await box.locator('.rf-snippet-controls button[data-action="run"]').click();
    await expect
      .poll(() => box.locator('.rf-snippet-output').textContent(), { timeout: 30_000 })
      .toBe(formatRun(runSnippetInNode(code)));
  });

  it('nothing failed to load while offline', () => {
    // Every request was answered (from the cache: Chromium's offline mode stops the worker's own
    // requests before they reach the server, which would drop them anyway).
    expect(watched.problems).toEqual([]);
    // Only the browser's own update check of sw.js (made by the browser, outside the emulated
    // offline mode) may have tried the server; it fails quietly and the worker stays.
    expect(server.refused.filter((p) => p !== `${BASE}sw.js`)).toEqual([]);
  });

  it('a page that is not cached gets the 404 page, with status 404', async () => {
    const { page } = watched;
    const res = await page.goto(`${server.origin}${at('/not-a-page-of-this-site/')}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1#_top').textContent()).toBe('Page not found');
  });
});

describe.each(BUILDS)('a new deploy ($dir)', (b) => {
  const { manifest: MANIFEST, base: BASE, sw: SW_TEXT } = b;
  const at = (path: string): string => `${BASE}${path.replace(/^\//, '')}`;
  let server: TestServer;
  let context: BrowserContext;
  const next = `${MANIFEST.version.slice(0, 8)}deadbeef`;

  beforeAll(async () => {
    server = await serveBuild(b);
  });
  afterAll(async () => {
    await context.close();
    await server.close();
  });

  it('shows a non-modal update notice, and Reload activates the new version', async () => {
    const { page, problems } = await openPage(browser(), 'light', { serviceWorkers: 'allow' });
    context = page.context();
    await page.goto(`${server.origin}${at('/')}`, { waitUntil: 'load' });
    expect((await activeWorker(page)).version).toBe(MANIFEST.version);
    const notice = page.locator('#rf-sw-update');
    expect(await notice.count()).toBe(0);

    // Deploy: the same files and a sw.js with another version. The next visit finds it.
    const changed = SW_TEXT.replace(`"version":"${MANIFEST.version}"`, `"version":"${next}"`);
    expect(changed).not.toBe(SW_TEXT);
    server.overrides.set(`${BASE}sw.js`, changed);
    await page.goto(`${server.origin}${at('/concepts/')}`, { waitUntil: 'load' });
    await notice.getByRole('button', { name: 'Reload' }).waitFor({ timeout: 30_000 });
    expect(await notice.getAttribute('role')).toBe('status');
    expect(await notice.textContent()).toContain('A new version of this site is available.');
    // Non-modal: focus stays where it was, and the page is still usable underneath.
    expect(await page.evaluate(() => document.activeElement?.closest('#rf-sw-update') ?? null)).toBeNull();
    // The old version still controls the page until the reader chooses.
    expect((await activeWorker(page)).version).toBe(MANIFEST.version);

    // A page opened meanwhile offers the waiting version too.
    const second = await context.newPage();
    await second.goto(`${server.origin}${at('/')}`, { waitUntil: 'load' });
    await second
      .locator('#rf-sw-update')
      .getByRole('button', { name: 'Reload' })
      .waitFor({ timeout: 15_000 });
    await second.close();

    await Promise.all([
      page.waitForEvent('load', { timeout: 30_000 }),
      notice.getByRole('button', { name: 'Reload' }).click(),
    ]);
    const status = await activeWorker(page);
    expect(status.version).toBe(next);
    expect(status.complete).toBe(true);
    // The old version's cache is gone; the new one has every file (copied, being unchanged).
    const { paths, names } = await cacheContents(page, status.cache);
    expect(names).toEqual([`rf-offline:${BASE}:${next}`]);
    expect(paths).toHaveLength(MANIFEST.entries.length + 1);
    expect(await page.locator('#rf-sw-update').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);
});
