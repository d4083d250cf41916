/**
 * The HTTP response headers of scripts/headers.mjs (dist/_headers, issue 16) in Chromium: the
 * build served as Netlify or Cloudflare Pages would serve it (scripts/serve.mjs, headers 'file').
 * Every page carries the page policy and the security headers; the site still works under them
 * (a diagram page, a snippet run, the playground, search, every worker starting); and the header
 * policy of the workers stops code in them from reaching another origin: a probe worker served
 * with exactly the headers of each worker's script reaches a second local server only when the
 * Content-Security-Policy is taken away, and hostile snippets run through the page's editor make
 * no request off the site.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../scripts/serve.mjs';
import { BASE_BUILD, baseURL, openPage, sitemapPaths, useBrowser } from './browser.js';

const { browser } = useBrowser();

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** The build, served with its _headers; `root` is where baseURL() would point on it. */
let site: { url: string; close: () => Promise<void> } | undefined;
const root = (): string => {
  if (!site) throw new Error('the site server is not running');
  return `${site.url}${new URL(baseURL()).pathname.replace(/\/$/, '')}`;
};

/** Another origin (same host, another port) that counts every request it gets. */
const hits: string[] = [];
let other: { url: string; close: () => Promise<void> } | undefined;
const otherURL = (): string => {
  if (!other) throw new Error('the other server is not running');
  return other.url;
};

beforeAll(async () => {
  site = await serve('dist', 0, { headers: 'file' });
  const server = createServer((req, res) => {
    hits.push(req.url ?? '?');
    // Everything a cross-origin fetch or module import needs to succeed, were it allowed.
    res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' });
    res.end('export const pwned = true;');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  other = {
    url: `http://127.0.0.1:${String(port)}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => {
          done();
        });
      }),
  };
});
afterAll(async () => {
  await site?.close();
  await other?.close();
});

// ---------------------------------------------------------------------------------------------
// What the build contains, found here independently of scripts/headers.mjs.

const ASTRO = readdirSync('dist/_astro');
/** The worker scripts: Vite names each after its source file, worker.ts. */
const WORKERS = ASTRO.filter((f) => /^worker-[\w-]+\.js$/.test(f));
/** The snippet runner's worker: the one the snippet client script starts. */
const SNIPPET_WORKER = (() => {
  const client = ASTRO.find((f) => f.startsWith('SnippetClient.') && f.endsWith('.js'));
  const body = client ? readFileSync(`dist/_astro/${client}`, 'utf8') : '';
  const name = /worker-[\w-]+\.js/.exec(body)?.[0];
  if (!name || !WORKERS.includes(name)) throw new Error('no snippet runner worker found in dist/_astro');
  return name;
})();

/** A page's meta policy as directive → sources (hashes apart), plus its hashes. */
function parsePolicy(policy: string): { directives: Map<string, string[]>; hashes: Map<string, string[]> } {
  const directives = new Map<string, string[]>();
  const hashes = new Map<string, string[]>();
  for (const part of policy.split(/[;,]/)) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    directives.set(
      name,
      sources.filter((s) => !s.startsWith("'sha")),
    );
    hashes.set(
      name,
      sources.filter((s) => s.startsWith("'sha")),
    );
  }
  return { directives, hashes };
}

const metaPolicy = (html: string): string | undefined =>
  /<meta http-equiv="content-security-policy" content="([^"]*)"/i.exec(html)?.[1]?.replaceAll('&#39;', "'");

function expectSecurityHeaders(res: Response, where: string): void {
  const h = res.headers;
  expect(h.get('x-content-type-options'), where).toBe('nosniff');
  expect(h.get('x-frame-options'), where).toBe('DENY');
  expect(h.get('referrer-policy'), where).toBe('strict-origin-when-cross-origin');
  expect(h.get('cross-origin-opener-policy'), where).toBe('same-origin');
  expect(h.get('permissions-policy'), where).toMatch(/(^|, )camera=\(\)/);
  expect(h.get('permissions-policy'), where).toMatch(/(^|, )microphone=\(\)/);
}

describe('response headers', () => {
  it.each([...sitemapPaths(), '/404.html', '/concepts/no-such-page/'])(
    '%s carries the page policy (the meta policy, with every hash of the page, and frame-ancestors) and the security headers',
    async (path) => {
      const res = await fetch(`${root()}${path}`);
      expect(res.status).toBe(path.includes('no-such') ? 404 : 200);
      expectSecurityHeaders(res, path);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const header = res.headers.get('content-security-policy');
      if (header === null) throw new Error(`${path} has no Content-Security-Policy header`);
      expect(header, 'one policy, not several joined').not.toContain(',');
      const fromHeader = parsePolicy(header);
      expect(fromHeader.directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(fromHeader.directives.get('script-src')).not.toContain("'unsafe-eval'");
      expect(fromHeader.directives.get('script-src')).not.toContain("'unsafe-inline'");
      const meta = metaPolicy(await res.text());
      // Astro's redirect pages (renamed scenarios) have no meta policy, and nothing to run.
      if (meta === undefined) return;
      const fromMeta = parsePolicy(meta);
      // The same directives and sources as the meta policy, plus frame-ancestors …
      expect(new Map([...fromHeader.directives].filter(([n]) => n !== 'frame-ancestors'))).toEqual(
        fromMeta.directives,
      );
      // … and every hash this page's own inline scripts and styles need.
      for (const [name, hashes] of fromMeta.hashes) {
        expect(fromHeader.hashes.get(name), `${path}: ${name}`).toEqual(expect.arrayContaining(hashes));
      }
    },
  );

  it.each(WORKERS)(
    '/_astro/%s (a worker) allows no other origin, no network and no nested worker; eval only for the snippet runner',
    async (name) => {
      const res = await fetch(`${root()}/_astro/${name}`);
      expect(res.status).toBe(200);
      expectSecurityHeaders(res, name);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const header = res.headers.get('content-security-policy') ?? '';
      expect(header, 'one policy, not several joined').not.toContain(',');
      const { directives } = parsePolicy(header);
      expect(directives.get('default-src')).toEqual(["'none'"]);
      expect(directives.get('connect-src')).toEqual(["'none'"]);
      expect(directives.get('worker-src')).toEqual(["'none'"]);
      expect(directives.get('script-src')).toEqual(
        name === SNIPPET_WORKER ? ["'self'", "'unsafe-eval'"] : ["'self'"],
      );
    },
  );

  it('hashed assets are cached for good and carry no page policy', async () => {
    const css = ASTRO.find((f) => f.endsWith('.css'));
    if (!css) throw new Error('no stylesheet in dist/_astro');
    const res = await fetch(`${root()}/_astro/${css}`);
    expectSecurityHeaders(res, css);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-security-policy')).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// The site under those headers.

/** A page that records CSP violations from the start, and every request of its context. */
async function open(path: string): Promise<{ page: Page; problems: string[]; offSite: string[] }> {
  const { page, problems } = await openPage(browser());
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations?.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  // Requests of the page and its workers to anywhere but the site, and what became of them.
  const offSite: string[] = [];
  const site = new URL(root()).origin;
  const away = (url: string) => !url.startsWith(`${site}/`) && !/^(blob|data):/.test(url);
  page.context().on('requestfinished', (r) => {
    if (away(r.url())) offSite.push(`sent: ${r.url()}`);
  });
  page.context().on('requestfailed', (r) => {
    if (away(r.url())) offSite.push(`${r.failure()?.errorText ?? '?'}: ${r.url()}`);
  });
  const res = await page.goto(`${root()}${path}`, { waitUntil: 'networkidle' });
  expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  return { page, problems, offSite };
}

async function expectClean(page: Page, problems: string[]): Promise<void> {
  expect(await page.evaluate(() => [...(window.__cspViolations ?? [])])).toEqual([]);
  expect(problems).toEqual([]);
}

/** The first page (in sitemap order) that has `selector`. */
function pageWith(selector: RegExp): string {
  const path = sitemapPaths().find((p) => selector.test(readFileSync(`dist${p}index.html`, 'utf8')));
  if (!path) throw new Error(`no page in the build matches ${String(selector)}`);
  return path;
}
const DIAGRAM_PAGE = pageWith(/<figure class="rf-diagram/);
const SNIPPET_PAGE = pageWith(/<div class="rf-snippet(?: [^"]*)?"(?![^>]*data-no-run)[^>]*data-snippet-id=/);

const snippet = (page: Page) => page.locator('.rf-snippet:not([data-no-run])').first();
const output = async (page: Page): Promise<string> =>
  (await snippet(page).locator('.rf-snippet-output').textContent()) ?? '';

/** Bring the snippet into view (it hydrates there) and wait for its controls. */
async function hydrate(page: Page): Promise<void> {
  await snippet(page).scrollIntoViewIfNeeded();
  await snippet(page).locator('button[data-action="run"]').waitFor();
}

async function runSnippet(page: Page): Promise<void> {
  await snippet(page).scrollIntoViewIfNeeded();
  await snippet(page).locator('button[data-action="run"]').click();
  await snippet(page).and(page.locator(':not([data-running])')).waitFor({ timeout: 30_000 });
}

async function setCode(page: Page, code: string): Promise<void> {
  await snippet(page).scrollIntoViewIfNeeded();
  await snippet(page).locator('button[data-action="edit"]').click();
  const content = snippet(page).locator('.cm-content');
  await content.waitFor();
  await content.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(code);
}

describe('the site works under the headers', () => {
  it('a diagram page loads with no violation or console error', async () => {
    const { page, problems } = await open(DIAGRAM_PAGE);
    expect(await page.locator('figure.rf-diagram svg').count()).toBeGreaterThan(0);
    await expectClean(page, problems);
    await page.context().close();
  });

  it("a snippet runs in the runner worker (which needs 'unsafe-eval') and prints what the build printed", async () => {
    const { page, problems } = await open(SNIPPET_PAGE);
    await hydrate(page);
    const built = await output(page);
    expect(built).not.toBe('');
    await runSnippet(page);
    expect(await output(page)).toBe(built);
    await expect(snippet(page).locator('.rf-snippet-caption').textContent()).resolves.toBe(
      'Output of the original code, run in your browser',
    );
    await expectClean(page, problems);
    await page.context().close();
  });

  it('the playground runs a scenario in its worker', async () => {
    const { page, problems } = await open('/playground/');
    const pg = '[data-rf-widget="playground"]';
    await page.locator(`${pg} .rf-pg-builtin`).focus();
    await page.waitForSelector(`${pg}[data-mounted="true"]`);
    await page.locator(`${pg} .rf-pg-run`).click();
    await page.waitForSelector(`${pg} [data-rf-widget="stepper"][data-mounted="true"]`);
    await expect
      .poll(() => page.locator(`${pg} .rf-pg-status`).textContent(), { timeout: 20_000 })
      .toMatch(/^Ran /);
    await expectClean(page, problems);
    await page.context().close();
  });

  it("search finds pages (Pagefind's WebAssembly under the page policy)", async () => {
    const { page, problems } = await open('/concepts/');
    await page.locator('site-search button[data-open-modal]').click();
    await page.locator('#starlight__search input').first().fill('realm');
    await page.locator('#starlight__search .pagefind-ui__result-link').first().waitFor();
    expect(await page.locator('#starlight__search .pagefind-ui__result').count()).toBeGreaterThan(0);
    await expectClean(page, problems);
    await page.context().close();
  });

  it.each(WORKERS)('worker %s loads under its policy and reports ready', async (name) => {
    const { page, problems } = await open('/');
    const first = await page.evaluate(
      (url) =>
        new Promise<string>((done) => {
          const w = new Worker(url, { type: 'module' });
          w.onmessage = (e: MessageEvent) => {
            done(JSON.stringify(e.data));
            w.terminate();
          };
          w.onerror = (e) => {
            done(`error: ${e.message}`);
          };
          setTimeout(() => {
            done('no message within 20 s');
          }, 20_000);
        }),
      `${root()}/_astro/${name}`,
    );
    // The snippet runner says { kind: 'ready' }, the widgets' workers { ready: true }.
    expect(first).toMatch(/^\{"(kind":"ready"|ready":true)\}$/);
    await expectClean(page, problems);
    await page.context().close();
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile code in a worker.

/**
 * A module worker that tries every way out to the other origin, waits for each, and posts what
 * happened: 'reached' or 'blocked: <error>'.
 */
const probe = (target: string): string => `
const attempt = async (f) => { try { await f(); return 'reached'; } catch (e) { return 'blocked: ' + (e && e.name); } };
const results = {};
results.fetch = await attempt(() => fetch('${target}/fetch'));
results.import = await attempt(() => import('${target}/import.js'));
results.evalImport = await attempt(() => (0, eval)("import('${target}/eval-import.js')"));
results.functionImport = await attempt(() => new Function("return import('${target}/function-import.js')")());
results.blobWorker = await new Promise((done) => {
  try {
    const code = "fetch('${target}/blob-worker-fetch').then(() => postMessage('reached'), (e) => postMessage('blocked: ' + e.name))";
    const w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    w.onmessage = (e) => done(e.data);
    w.onerror = () => done('blocked: error event');
  } catch (e) {
    done('blocked: ' + e.name);
  }
});
postMessage(results);
`;

/**
 * Start the probe from a page of a stand-in host for the site (a worker's policy is its own, not
 * its page's), which serves the probe at /probe/NAME with exactly the headers the site sends for the worker script NAME (minus
 * the CSP if `withoutCsp`). (Not Playwright's request routing: once it routes a worker's script,
 * Chromium fails that worker's other requests itself, which would prove nothing.)
 * Returns what the probe posted.
 */
async function runProbe(name: string, withoutCsp = false): Promise<Record<string, string>> {
  let served: Record<string, string> = {};
  const host = createServer((req, res) => {
    void (async () => {
      if (req.url === `/probe/${name}`) {
        const real = await fetch(`${root()}/_astro/${name}`);
        const headers = Object.fromEntries(real.headers);
        delete headers['content-length'];
        if (withoutCsp) delete headers['content-security-policy'];
        served = headers;
        res.writeHead(200, headers).end(probe(otherURL()));
        return;
      }
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>probe host</title>');
        return;
      }
      res.writeHead(404).end();
    })();
  });
  await new Promise<void>((ok) => host.listen(0, '127.0.0.1', ok));
  const hostURL = `http://127.0.0.1:${String((host.address() as AddressInfo).port)}`;
  const { page } = await openPage(browser());
  try {
    await page.goto(`${hostURL}/`, { waitUntil: 'load' });
    const posted = await page.evaluate(
      (u) =>
        new Promise<Record<string, string>>((done, fail) => {
          const w = new Worker(u, { type: 'module' });
          w.onmessage = (e: MessageEvent<Record<string, string>>) => {
            done(e.data);
          };
          w.onerror = (e) => {
            fail(new Error(`the probe worker failed: ${e.message}`));
          };
        }),
      `${hostURL}/probe/${name}`,
    );
    // The probe really was served with the site's headers for that script.
    expect(served['content-security-policy'] !== undefined).toBe(!withoutCsp);
    expect(served['x-content-type-options']).toBe('nosniff');
    return posted;
  } finally {
    await page.context().close();
    host.closeAllConnections();
    await new Promise((done) => host.close(done));
  }
}

const PROBES = ['fetch', 'import', 'evalImport', 'functionImport', 'blobWorker'];

describe("the workers' policy keeps code in them off other origins", () => {
  it('(control) without the CSP header, each probe reaches the other server', async () => {
    hits.length = 0;
    const posted = await runProbe(SNIPPET_WORKER, true);
    expect(Object.keys(posted).sort()).toEqual([...PROBES].sort());
    for (const p of PROBES) expect(posted[p], p).toBe('reached');
    expect([...hits].sort()).toEqual(
      ['/blob-worker-fetch', '/eval-import.js', '/fetch', '/function-import.js', '/import.js'].sort(),
    );
  });

  it.each(WORKERS)(
    'with the headers of %s, every probe is blocked and the other server sees nothing',
    async (name) => {
      hits.length = 0;
      const posted = await runProbe(name);
      expect(Object.keys(posted).sort()).toEqual([...PROBES].sort());
      for (const p of PROBES) expect(posted[p], p).toMatch(/^blocked: /);
      expect(hits).toEqual([]);
    },
  );

  it.each([
    ['fetch', (o: string) => `fetch('${o}/snippet-fetch');`],
    ['import()', (o: string) => `import('${o}/snippet-import.js');`],
    ['import() through indirect eval', (o: string) => `(0, eval)("import('${o}/snippet-eval-import.js')");`],
    [
      'import() through new Function',
      (o: string) => `new Function("return import('${o}/snippet-function-import.js')")();`,
    ],
    [
      'a nested blob worker',
      (o: string) =>
        `new Worker(URL.createObjectURL(new Blob(["fetch('${o}/snippet-blob-worker')"], { type: 'text/javascript' })));`,
    ],
  ])('a snippet that tries %s reaches no other origin', async (_what, code) => {
    hits.length = 0;
    const { page, offSite } = await open(SNIPPET_PAGE);
    await hydrate(page);
    // Keep the worker busy a moment after the attempt, so a request it started would go out
    // before the page ends the worker.
    await setCode(
      page,
      `${code(otherURL())}\nconst until = Date.now() + 500;\nwhile (Date.now() < until) {}\nconsole.log('done');`,
    );
    await runSnippet(page);
    expect(await output(page)).not.toBe('');
    // Give anything still in flight time to arrive.
    await page.waitForTimeout(1_000);
    expect(hits).toEqual([]);
    // Chromium reports an attempt its CSP refused as a request that failed that way; such a
    // request never left the browser. Any other outcome would be a request off the site.
    expect(offSite.filter((r) => !r.startsWith('csp: '))).toEqual([]);
    await page.context().close();
  });
});

describe(`the build for ${BASE_BUILD.base}, served with its own _headers under that path`, () => {
  let based: { url: string; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    based = await serve(BASE_BUILD.dir, 0, { base: BASE_BUILD.base, headers: 'file' });
  });
  afterAll(async () => {
    await based?.close();
  });
  const at = (path: string): string => {
    if (!based) throw new Error('the base-path server is not running');
    return `${based.url}${path}`;
  };
  const baseWorkers = readdirSync(`${BASE_BUILD.dir}/_astro`).filter((f) => /^worker-[\w-]+\.js$/.test(f));

  it.each([...sitemapPaths(BASE_BUILD), '/404.html'])(
    '%s carries the page policy with frame-ancestors, and the security headers',
    async (path) => {
      const res = await fetch(at(path));
      expect(res.status).toBe(200);
      expectSecurityHeaders(res, path);
      const { directives } = parsePolicy(res.headers.get('content-security-policy') ?? '');
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(directives.get('default-src')).toEqual(["'self'"]);
    },
  );

  it('gives every worker its worker policy, found under the base path', async () => {
    expect(baseWorkers.length).toBe(WORKERS.length);
    for (const name of baseWorkers) {
      const res = await fetch(at(`/_astro/${name}`));
      expect(res.status, name).toBe(200);
      const { directives } = parsePolicy(res.headers.get('content-security-policy') ?? '');
      expect(directives.get('connect-src'), name).toEqual(["'none'"]);
      expect(directives.get('default-src'), name).toEqual(["'none'"]);
    }
  });
});
