/**
 * The offline service worker (issue 16): the precache manifest scripts/service-worker.mjs builds
 * from a built site, and the generated sw.js itself, run in a VM against fake caches and a fake
 * network (install in batches with retries, reuse of unchanged files, cleanup, the fetch routes).
 * tests/e2e/offline.e2e.ts runs the real worker in Chromium.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildManifest,
  readServiceWorkerManifest,
  renderServiceWorker,
  urlPathOf,
} from '../../scripts/service-worker.mjs';

const ORIGIN = 'https://example.org';

/** A fixture shaped like dist/: pages, bundles, Pagefind, sitemaps, an old sw.js. */
const FILES: Record<string, string> = {
  'index.html': '<h1>home</h1>',
  '404.html': '<h1>not found</h1>',
  'concepts/index.html': '<h1>concepts</h1>',
  'fault-path/gmem-abort/index.html': '<h1>gmem</h1>',
  'a b/index.html': '<h1>space</h1>',
  '_astro/page.Ab12Cd.js': 'console.log(1)',
  '_astro/worker-Xy34.js': 'self.onmessage = () => {}',
  '_astro/inter-latin-400-normal.C38.woff2': 'font',
  'diagram-frame.js': '//frame',
  'favicon.svg': '<svg/>',
  'pagefind/pagefind.js': '//pf',
  'pagefind/pagefind-worker.js': '//pfw',
  'pagefind/pagefind-entry.json': JSON.stringify({ languages: { en: { hash: 'en_1', wasm: 'en' } } }),
  'pagefind/pagefind.en_1.pf_meta': 'meta',
  'pagefind/wasm.en.pagefind': 'wasm-en',
  'pagefind/wasm.unknown.pagefind': 'wasm-unknown',
  'pagefind/index/en_aa.pf_index': 'idx',
  'pagefind/fragment/en_bb.pf_fragment': 'frag',
  'pagefind/pagefind-ui.js': '//ui',
  'pagefind/pagefind-ui.css': '/*ui*/',
  'pagefind/pagefind-component-ui.js': '//cui',
  'pagefind/pagefind-modular-ui.css': '/*mui*/',
  'pagefind/pagefind-highlight.js': '//hl',
  'sitemap-index.xml': '<sitemapindex/>',
  'sitemap-0.xml': '<urlset/>',
  'sw.js': '// an earlier build',
};

const EXCLUDED = [
  'pagefind/pagefind-component-ui.js',
  'pagefind/pagefind-highlight.js',
  'pagefind/pagefind-modular-ui.css',
  'pagefind/pagefind-ui.css',
  'pagefind/pagefind-ui.js',
  'pagefind/wasm.unknown.pagefind',
  'sitemap-0.xml',
  'sitemap-index.xml',
  'sw.js',
];

const roots: string[] = [];
function fixture(files: Record<string, string> = FILES): string {
  const root = mkdtempSync(join(tmpdir(), 'rf-sw-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('the precache manifest', () => {
  it('lists every file of the build exactly once, precached or left out with a reason', () => {
    const m = buildManifest(fixture(), '/');
    const files = [...m.entries.map((e) => e.file), ...m.excluded.map((e) => e.file)].sort();
    expect(files).toEqual(Object.keys(FILES).sort());
    expect(m.excluded.map((e) => e.file).sort()).toEqual(EXCLUDED);
    for (const e of m.excluded) expect(e.reason, e.file).not.toBe('');
    expect(m.bytes).toBe(m.entries.reduce((n, e) => n + e.bytes, 0));
  });

  it('keeps the WebAssembly of every language the index names, and wasm.unknown when one has none', () => {
    const files = {
      ...FILES,
      'pagefind/pagefind-entry.json': JSON.stringify({ languages: { en: { wasm: 'en' }, xx: {} } }),
    };
    const kept = buildManifest(fixture(files), '/').entries.map((e) => e.file);
    expect(kept).toContain('pagefind/wasm.en.pagefind');
    expect(kept).toContain('pagefind/wasm.unknown.pagefind');
  });

  it('requests pages by their directory and honours the base path', () => {
    const m = buildManifest(fixture(), '/realmfault/');
    const paths = m.entries.map((e) => e.path);
    expect(paths).toContain('/realmfault/');
    expect(paths).toContain('/realmfault/concepts/');
    expect(paths).toContain('/realmfault/a%20b/');
    expect(paths).toContain('/realmfault/_astro/page.Ab12Cd.js');
    expect(paths).not.toContain('/realmfault/concepts/index.html');
    expect(paths.every((p) => p.startsWith('/realmfault/'))).toBe(true);
    expect(m.fallback).toBe('/realmfault/404.html');
    expect(urlPathOf('index.html', '/')).toBe('/');
  });

  it('has a deterministic version that changes with any file, path or the base', () => {
    const a = buildManifest(fixture(), '/');
    expect(buildManifest(fixture(), '/').version).toBe(a.version);
    expect(a.version).toMatch(/^[0-9a-f]{16}$/);
    const changed = buildManifest(fixture({ ...FILES, 'concepts/index.html': '<h1>new</h1>' }), '/');
    expect(changed.version).not.toBe(a.version);
    // Only the changed file's revision differs, so an update fetches only that file.
    const differing = changed.entries.filter(
      (e) => a.entries.find((x) => x.path === e.path)?.revision !== e.revision,
    );
    expect(differing.map((e) => e.file)).toEqual(['concepts/index.html']);
    expect(buildManifest(fixture(), '/realmfault/').version).not.toBe(a.version);
    // A file that is left out does not count.
    expect(buildManifest(fixture({ ...FILES, 'sitemap-0.xml': '<urlset>x</urlset>' }), '/').version).toBe(
      a.version,
    );
  });

  it('refuses a build without the 404 page and a base not in /x/ form', () => {
    const without = Object.fromEntries(Object.entries(FILES).filter(([f]) => f !== '404.html'));
    expect(() => buildManifest(fixture(without), '/')).toThrow(/404\.html is missing/);
    expect(() => buildManifest(fixture(), '/realmfault')).toThrow(/'\/x\/' form/);
  });

  it('round-trips through the generated sw.js', () => {
    const m = buildManifest(fixture(), '/realmfault/');
    const read = readServiceWorkerManifest(renderServiceWorker(m));
    expect(read.version).toBe(m.version);
    expect(read.base).toBe('/realmfault/');
    expect(read.entries).toEqual(m.entries.map((e) => [e.path, e.revision]));
  });
});

/** Cache storage kept in memory: responses stored as bytes, as the Cache API does. */
class FakeCache {
  readonly store = new Map<string, { body: ArrayBuffer; status: number; headers: [string, string][] }>();
  constructor(private readonly network: Network) {}
  match(req: Request | string): Promise<Response | undefined> {
    const hit = this.store.get(typeof req === 'string' ? req : req.url);
    return Promise.resolve(
      hit ? new Response(hit.body, { status: hit.status, headers: hit.headers }) : undefined,
    );
  }
  async put(req: Request | string, res: Response): Promise<void> {
    const body = await res.arrayBuffer();
    this.store.set(typeof req === 'string' ? req : req.url, {
      body,
      status: res.status,
      headers: [...res.headers],
    });
  }
  async add(req: Request): Promise<void> {
    const res = await this.network.fetch(req);
    if (!res.ok) throw new TypeError(`bad status ${String(res.status)}`);
    await this.put(req, res);
  }
  async addAll(reqs: Request[]): Promise<void> {
    this.network.addAllCalls++;
    const all = await Promise.all(reqs.map((r) => this.network.fetch(r)));
    if (all.some((r) => !r.ok)) throw new TypeError('bad status');
    await Promise.all(all.map((res, i) => this.put(reqs[i] as Request, res)));
  }
  keys(): Promise<Request[]> {
    return Promise.resolve([...this.store.keys()].map((u) => new Request(u)));
  }
}

class FakeCaches {
  readonly caches = new Map<string, FakeCache>();
  constructor(private readonly network: Network) {}
  open(name: string): Promise<FakeCache> {
    let c = this.caches.get(name);
    if (!c) {
      c = new FakeCache(this.network);
      this.caches.set(name, c);
    }
    return Promise.resolve(c);
  }
  keys(): Promise<string[]> {
    return Promise.resolve([...this.caches.keys()]);
  }
  delete(name: string): Promise<boolean> {
    return Promise.resolve(this.caches.delete(name));
  }
}

/** The site as a server: the fixture's files by URL path; `down` makes every request fail. */
class Network {
  down = false;
  /** URLs that fail this many more times before they succeed. */
  readonly flaky = new Map<string, number>();
  readonly requested: string[] = [];
  addAllCalls = 0;
  constructor(
    /** The deployed files; a test swaps them for a new build. */
    public files: Record<string, string>,
    private readonly base: string,
  ) {}
  fetch = (req: Request | { url: string }): Promise<Response> => {
    const url = req.url;
    this.requested.push(url);
    const fails = this.flaky.get(url) ?? 0;
    if (this.down || fails > 0) {
      this.flaky.set(url, fails - 1);
      return Promise.reject(new TypeError('Failed to fetch'));
    }
    const path = new URL(url).pathname;
    const rel = decodeURIComponent(path.slice(this.base.length));
    const file = rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
    const text = this.files[file];
    return Promise.resolve(
      text === undefined
        ? new Response(this.files['404.html'] ?? '', { status: 404 })
        : new Response(text, { status: 200 }),
    );
  };
}

type Handler = (event: unknown) => void;

/** The generated sw.js, run in a fresh VM context with a fake global scope. */
function startWorker(files: Record<string, string>, base: string, caches: FakeCaches, network: Network) {
  const sw = renderServiceWorker(buildManifest(fixture(files), base));
  const handlers = new Map<string, Handler>();
  const self = {
    location: { origin: ORIGIN },
    caches,
    registration: { scope: `${ORIGIN}${base}`, navigationPreload: { enable: () => Promise.resolve() } },
    clients: { claim: () => Promise.resolve() },
    skipWaiting: () => Promise.resolve(),
    addEventListener: (type: string, fn: Handler) => handlers.set(type, fn),
  };
  runInContext(
    sw,
    createContext({
      self,
      fetch: network.fetch,
      Request,
      Response,
      URL,
      setTimeout,
      clearTimeout,
    }),
  );
  const lifecycle = async (type: 'install' | 'activate') => {
    const waits: Promise<unknown>[] = [];
    handlers.get(type)?.({ waitUntil: (p: Promise<unknown>) => waits.push(p) });
    await Promise.all(waits);
  };
  /** A request as the page makes it; undefined when the worker lets the browser handle it. */
  const request = async (path: string, mode: 'navigate' | 'cors' = 'cors') => {
    let answer: Promise<Response> | undefined;
    handlers.get('fetch')?.({
      request: { url: `${ORIGIN}${path}`, method: 'GET', mode },
      preloadResponse: Promise.resolve(undefined),
      respondWith: (r: Promise<Response>) => (answer = Promise.resolve(r)),
    });
    return answer ? await answer : undefined;
  };
  return { install: () => lifecycle('install'), activate: () => lifecycle('activate'), request, sw };
}

describe('the generated service worker', () => {
  const base = '/realmfault/';
  let network: Network;
  let caches: FakeCaches;
  beforeEach(() => {
    network = new Network(FILES, base);
    caches = new FakeCaches(network);
  });

  const cachedUrls = (name: string) => [...(caches.caches.get(name)?.store.keys() ?? [])].sort();
  const onlyCache = () => {
    const names = [...caches.caches.keys()];
    expect(names).toHaveLength(1);
    return names[0] ?? '';
  };

  it('precaches every manifest file in batches, then marks the cache complete', async () => {
    const w = startWorker(FILES, base, caches, network);
    await w.install();
    const m = readServiceWorkerManifest(w.sw);
    const name = onlyCache();
    expect(name).toBe(`rf-offline:${base}:${m.version}`);
    expect(cachedUrls(name)).toEqual(
      [...m.entries.map(([p]) => `${ORIGIN}${p}`), `${ORIGIN}${base}__rf-precache-done__`].sort(),
    );
    expect(network.addAllCalls).toBe(Math.ceil(m.entries.length / 12));
  });

  it('retries the files of a failed batch one by one', async () => {
    network.flaky.set(`${ORIGIN}${base}concepts/`, 2);
    const w = startWorker(FILES, base, caches, network);
    await w.install();
    expect(cachedUrls(onlyCache())).toContain(`${ORIGIN}${base}concepts/`);
    expect(cachedUrls(onlyCache())).toContain(`${ORIGIN}${base}__rf-precache-done__`);
  });

  it('fails the install, naming the file, when one cannot be fetched, and is not marked complete', async () => {
    network.flaky.set(`${ORIGIN}${base}favicon.svg`, 99);
    const w = startWorker(FILES, base, caches, network);
    await expect(w.install()).rejects.toThrow(`precache: ${ORIGIN}${base}favicon.svg could not be fetched`);
    expect(cachedUrls(onlyCache())).not.toContain(`${ORIGIN}${base}__rf-precache-done__`);
  });

  it('on update fetches only changed files, and activation deletes only its own old caches', async () => {
    const first = startWorker(FILES, base, caches, network);
    await first.install();
    await first.activate();
    const oldName = onlyCache();
    await caches.open('rf-offline:/another-site/:0123');
    const changed = { ...FILES, 'concepts/index.html': '<h1>concepts, v2</h1>' };
    network.files = changed;
    network.requested.length = 0;
    const second = startWorker(changed, base, caches, network);
    await second.install();
    expect(network.requested).toEqual([`${ORIGIN}${base}concepts/`]);
    await second.activate();
    const names = [...caches.caches.keys()].sort();
    expect(names).not.toContain(oldName);
    expect(names).toContain('rf-offline:/another-site/:0123');
    const page = await second.request(`${base}concepts/`, 'navigate');
    expect(await page?.text()).toBe('<h1>concepts, v2</h1>');
  });

  it('serves pages network-first, from the cache offline, and the 404 page for an uncached one', async () => {
    const w = startWorker(FILES, base, caches, network);
    await w.install();
    network.requested.length = 0;
    const online = await w.request(`${base}concepts/?q=1`, 'navigate');
    expect(network.requested).toEqual([`${ORIGIN}${base}concepts/?q=1`]);
    expect(await online?.text()).toBe('<h1>concepts</h1>');
    network.down = true;
    for (const path of [
      `${base}fault-path/gmem-abort/`,
      `${base}fault-path/gmem-abort`,
      `${base}a%20b/index.html`,
    ]) {
      const res = await w.request(path, 'navigate');
      expect(res?.status, path).toBe(200);
      expect(await res?.text(), path).toMatch(/gmem|space/);
    }
    const missing = await w.request(`${base}no-such-page/`, 'navigate');
    expect(missing?.status).toBe(404);
    expect(await missing?.text()).toBe('<h1>not found</h1>');
  });

  it('serves hashed files from the cache without the network, and leaves other URLs alone', async () => {
    const w = startWorker(FILES, base, caches, network);
    await w.install();
    network.requested.length = 0;
    const js = await w.request(`${base}_astro/page.Ab12Cd.js`);
    const index = await w.request(`${base}pagefind/index/en_aa.pf_index`);
    expect(await js?.text()).toBe('console.log(1)');
    expect(await index?.text()).toBe('idx');
    expect(network.requested).toEqual([]);
    network.down = true;
    expect(await (await w.request(`${base}pagefind/pagefind.js`))?.text()).toBe('//pf');
    // Not in the manifest, outside the base path, or the worker itself: the browser's business.
    expect(await w.request(`${base}sitemap-0.xml`)).toBeUndefined();
    expect(await w.request('/elsewhere/page/', 'navigate')).toBeUndefined();
    expect(await w.request(`${base}sw.js`)).toBeUndefined();
  });
});
