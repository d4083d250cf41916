/**
 * scripts/headers.mjs: the response headers written after the build (dist/_headers for Netlify
 * and Cloudflare Pages, dist/nginx-snippet.conf), from a small built site made here: paths under
 * the base path, the page policy as the union of the pages' meta policies plus frame-ancestors,
 * one policy per worker script ('unsafe-eval' only where the worker compiles code), no header
 * set twice for one path, and clear errors for what cannot be expressed. Also the _headers reader
 * that scripts/serve.mjs uses, with Netlify's path matching.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertNoOverlap,
  formatHeadersFile,
  headersForPath,
  pagePolicy,
  parseHeadersFile,
  pathPattern,
  writeHeaders,
  workerPolicy,
} from '../../scripts/headers.mjs';

const H = (n: number) => `'sha256-${String(n).repeat(43).slice(0, 43)}='`;
const META_BASE =
  "default-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'";

/** A page whose meta policy has these script and style hashes (quoted as Astro writes them). */
const page = (scripts: string[], styles: string[], base = META_BASE) =>
  `<!doctype html><html><head><meta http-equiv="content-security-policy" content="${`${base}; script-src 'self' 'wasm-unsafe-eval' ${scripts.join(' ')}; style-src 'self' ${styles.join(' ')}`.replaceAll("'", '&#39;')}"></head><body></body></html>`;

/** A built site in a temporary directory: path (relative) → content. */
function site(files: Record<string, string>): string {
  const dist = mkdtempSync(join(tmpdir(), 'headers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dist, path)), { recursive: true });
    writeFileSync(join(dist, path), text);
  }
  return dist;
}

/** A small site built with base /realmfault/: two page directories, two workers, assets. */
const SITE = {
  'index.html': page([H(1), H(2)], [H(5)]),
  '404.html': page([H(1)], []),
  'concepts/index.html': page([H(1), H(3)], [H(5)]),
  'concepts/deep/page/index.html': page([H(4)], [H(6)]),
  'scenarios/old/index.html': '<!doctype html><meta http-equiv="refresh" content="0;url=/realmfault/x/">',
  'playground/index.html': page([H(1)], []),
  'favicon.svg': '<svg/>',
  'pagefind/pagefind.js': 'export {}',
  // The snippet runner compiles the reader's code; Vite refers to it by an absolute URL.
  '_astro/Snippet.abc.js':
    'const w=new Worker(new URL(`/realmfault/_astro/worker-AAAA.js`,``+import.meta.url),{type:`module`});',
  '_astro/worker-AAAA.js': 'self.run=(n,c)=>Function(...n,c);postMessage({kind:`ready`})',
  // A widget's worker: a comment before a relative URL; its code only calls methods named eval.
  '_astro/client-BBBB.js':
    'new Worker(new URL(\n/* @vite-ignore */\n"./worker-BBBB.js", import.meta.url), { type: "module" })',
  '_astro/worker-BBBB.js': 'o.eval(1);x.Function(1);Function.prototype;postMessage({ready:true})',
  '_astro/style.abc.css': 'a{}',
};

describe('writeHeaders on a built site with base /realmfault/', () => {
  const dist = site(SITE);
  const out = writeHeaders(dist, { base: '/realmfault/' });
  const text = readFileSync(join(dist, '_headers'), 'utf8');
  const rules = parseHeadersFile(text);
  const at = (path: string) => headersForPath(rules, path);
  const policyAt = (path: string) => at(path)['Content-Security-Policy'];

  it('puts every rule under the base path', () => {
    expect(rules.length).toBe(out.rules.length);
    for (const r of rules) expect(r.path).toMatch(/^\/realmfault\//);
  });

  it('gives pages the meta policy with the union of all pages’ hashes, and frame-ancestors', () => {
    expect(out.pages).toBe(5);
    const policy = policyAt('/realmfault/concepts/deep/page/');
    expect(policy).toBe(
      `${META_BASE}; script-src 'self' 'wasm-unsafe-eval' ${[H(1), H(2), H(3), H(4)].join(' ')}; style-src 'self' ${[H(5), H(6)].join(' ')}; frame-ancestors 'none'`,
    );
    // The same policy on every page, the home page, the 404 page and a missing page's path.
    for (const path of [
      '/realmfault/',
      '/realmfault/index.html',
      '/realmfault/404.html',
      '/realmfault/concepts/',
      '/realmfault/playground/',
      '/realmfault/scenarios/old/',
      '/realmfault/concepts/no-such-page/',
    ]) {
      expect(policyAt(path), path).toBe(policy);
      expect(at(path)['Cache-Control'], path).toBe('no-cache');
    }
  });

  it("gives each worker script its own policy: no network, no other origin; 'unsafe-eval' only where the code compiles code", () => {
    expect(out.workers).toEqual([
      { path: '/realmfault/_astro/worker-AAAA.js', evaluates: true },
      { path: '/realmfault/_astro/worker-BBBB.js', evaluates: false },
    ]);
    expect(policyAt('/realmfault/_astro/worker-AAAA.js')).toBe(
      "default-src 'none'; script-src 'self' 'unsafe-eval'; connect-src 'none'; worker-src 'none'",
    );
    expect(policyAt('/realmfault/_astro/worker-BBBB.js')).toBe(workerPolicy(false));
    expect(workerPolicy(false)).toBe(
      "default-src 'none'; script-src 'self'; connect-src 'none'; worker-src 'none'",
    );
  });

  it('caches hashed /_astro/ files for good, revalidates the rest, and sends no page policy with assets', () => {
    for (const path of ['/realmfault/_astro/style.abc.css', '/realmfault/_astro/worker-AAAA.js']) {
      expect(at(path)['Cache-Control'], path).toBe('public, max-age=31536000, immutable');
    }
    for (const path of ['/realmfault/favicon.svg', '/realmfault/pagefind/pagefind.js']) {
      expect(at(path)['Cache-Control'], path).toBe('no-cache');
      expect(policyAt(path), path).toBeUndefined();
    }
    expect(policyAt('/realmfault/_astro/style.abc.css')).toBeUndefined();
  });

  it('sends the security headers with everything under the base, and nothing outside it', () => {
    for (const path of ['/realmfault/', '/realmfault/_astro/worker-AAAA.js', '/realmfault/favicon.svg']) {
      expect(at(path), path).toMatchObject({
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'strict-origin-when-cross-origin',
        'Cross-Origin-Opener-Policy': 'same-origin',
      });
      expect(at(path)['Permissions-Policy']).toContain('camera=()');
    }
    expect(at('/other/')).toEqual({});
  });

  it('never sets one header twice for a path (Cloudflare would join them, Netlify pick one)', () => {
    const paths = [
      ...Object.keys(SITE).map((f) => `/realmfault/${f}`),
      '/realmfault/',
      '/realmfault/nope/',
      '/realmfault/concepts/nope/',
    ];
    for (const path of paths) {
      const names = rules
        .filter((r) => r.pattern.test(path))
        .flatMap((r) => r.headers.map(([n]) => n.toLowerCase()));
      // At least the five security headers, and no name twice.
      expect(names.length, path).toBeGreaterThanOrEqual(5);
      expect(new Set(names).size, path).toBe(names.length);
    }
  });

  it('writes the same rules for nginx: a location each, every header repeated, 404 page, generated files hidden', () => {
    const nginx = readFileSync(join(dist, 'nginx-snippet.conf'), 'utf8');
    expect(nginx).toContain('error_page 404 /realmfault/404.html;');
    expect(nginx).toContain('location = /realmfault/_headers {\n    return 404;\n}');
    expect(nginx).toContain('location = /realmfault/nginx-snippet.conf {\n    return 404;\n}');
    const block = (location: string) => {
      const m = new RegExp(`\\nlocation ${location.replace(/[.*^$/]/g, '\\$&')} \\{\\n([^}]*)\\}`).exec(
        nginx,
      );
      if (!m) throw new Error(`no location ${location}`);
      return (m[1] ?? '')
        .trim()
        .split('\n')
        .map((l) => l.trim());
    };
    const worker = block('= /realmfault/_astro/worker-AAAA.js');
    expect(worker).toContain(`add_header Content-Security-Policy "${workerPolicy(true)}" always;`);
    expect(worker).toContain('add_header Cache-Control "public, max-age=31536000, immutable" always;');
    expect(worker).toContain('add_header X-Frame-Options "DENY" always;');
    expect(worker).toHaveLength(7);
    const concepts = block('^~ /realmfault/concepts/');
    expect(concepts).toContain(
      `add_header Content-Security-Policy "${String(policyAt('/realmfault/concepts/'))}" always;`,
    );
    expect(concepts).toHaveLength(7);
    // Paths no other location takes get the security headers only.
    expect(block('/realmfault/')).toHaveLength(5);
    expect(block('= /realmfault/')).toHaveLength(7);
  });
});

describe('errors instead of wrong headers', () => {
  it('refuses pages whose meta policies differ beyond their hashes, naming them', () => {
    const dist = site({
      'a/index.html': page([H(1)], []),
      'b/index.html': page([H(1)], [], "default-src 'self'; connect-src *"),
    });
    expect(() => pagePolicy(dist)).toThrow(
      /differ beyond their hashes[\s\S]*a\/index\.html[\s\S]*b\/index\.html/,
    );
  });

  it('refuses a build without a page policy, a worker missing from the build, and a build with no worker', () => {
    expect(() => pagePolicy(site({ 'index.html': '<p>no policy</p>' }))).toThrow(
      /no page .* has a CSP meta element/,
    );
    const missing = site({
      'index.html': page([], []),
      '_astro/a.js': 'new Worker(new URL("/_astro/worker-gone.js", import.meta.url))',
    });
    expect(() => writeHeaders(missing, { base: '/' })).toThrow(
      /_astro\/a\.js starts a worker from \/_astro\/worker-gone\.js, which is not in/,
    );
    const none = site({ 'index.html': page([], []), '_astro/a.js': 'export {}' });
    expect(() => writeHeaders(none, { base: '/' })).toThrow(/found no `new Worker\(new URL\(…\)\)`/);
  });

  it('finds a worker whose URL a loader script names (a `?worker&url` import), and refuses a worker entry nothing names', () => {
    // The playground's loader passes the URL to its client, which starts the worker with it.
    const named = site({
      'index.html': page([], []),
      '_astro/Snippet.js': 'new Worker(new URL(`/_astro/worker-AAAA.js`, import.meta.url))',
      '_astro/Playground.js': 'const e=`/_astro/client-X.js`,r=`/_astro/worker-CCCC.js`;load(e,r)',
      '_astro/worker-AAAA.js': 'Function("")',
      '_astro/worker-CCCC.js': 'postMessage(1)',
      '_astro/worker-rpc.DDDD.js': 'export {}',
    });
    const found = writeHeaders(named, { base: '/' }).workers.map((w) => w.path);
    expect(found).toEqual(['/_astro/worker-AAAA.js', '/_astro/worker-CCCC.js']);
    const orphan = site({
      'index.html': page([], []),
      '_astro/Snippet.js': 'new Worker(new URL(`/_astro/worker-AAAA.js`, import.meta.url))',
      '_astro/worker-AAAA.js': 'Function("")',
      '_astro/worker-EEEE.js': 'postMessage(1)',
    });
    expect(() => writeHeaders(orphan, { base: '/' })).toThrow(
      /_astro\/worker-EEEE\.js is a worker entry, but no script starts it .* it would get no worker policy/,
    );
  });

  it("refuses a _headers line longer than Cloudflare Pages' 2,000 characters", () => {
    const many = Array.from({ length: 40 }, (_, i) => H(i));
    expect(() =>
      formatHeadersFile([
        { path: '/*', why: 'test', headers: [['Content-Security-Policy', many.join(' ')]] },
      ]),
    ).toThrow(/Cloudflare Pages reads at most 2000/);
  });

  it('finds a header set twice for one path', () => {
    const rules = [
      {
        path: '/*',
        why: 'a',
        headers: [['Content-Security-Policy', "default-src 'self'"]] as [string, string][],
      },
      {
        path: '/_astro/w.js',
        why: 'b',
        headers: [['content-security-policy', "default-src 'none'"]] as [string, string][],
      },
    ];
    expect(() => {
      assertNoOverlap(rules, ['/_astro/w.js']);
    }).toThrow(/\/_astro\/w\.js gets content-security-policy from two rules, \/\* and \/_astro\/w\.js/);
    expect(() => {
      assertNoOverlap(rules, ['/index.html']);
    }).not.toThrow();
  });
});

describe('reading _headers back (scripts/serve.mjs), with Netlify path matching', () => {
  it.each([
    ['/a/*', '/a', true],
    ['/a/*', '/a/', true],
    ['/a/*', '/a/b/c.js', true],
    // Netlify's own pattern (^/a/?(.*)/?$) takes /ab too; the build checks that no two rules
    // meet on any file because of it (assertNoOverlap).
    ['/a/*', '/ab', true],
    ['/a/*', '/b/a/', false],
    ['/*', '/', true],
    ['/', '/', true],
    ['/', '/x', false],
    ['/x.js', '/x.js', true],
    ['/x.js', '/X.JS', true],
    ['/x.js', '/xxjs', false],
    ['/p/:id/', '/p/12/', true],
    ['/p/:id/', '/p/12/13/', false],
  ])('%s matches %s: %s', (rule, path, matches) => {
    expect(pathPattern(rule).test(path)).toBe(matches);
  });

  it('reads rules, comments and repeated headers; joins a header from two rules as Cloudflare does', () => {
    const rules = parseHeadersFile(
      '# comment\n/*\n  X-A: 1\n  Cache-Control: a\n  cache-control: b\n\n/x/*\n  # inner comment\n  X-A: 2\n  X-B: url: with colon\n',
    );
    expect(rules.map((r) => r.path)).toEqual(['/*', '/x/*']);
    expect(headersForPath(rules, '/y')).toEqual({ 'X-A': '1', 'Cache-Control': 'a, b' });
    expect(headersForPath(rules, '/x/1')).toEqual({
      'X-A': '1, 2',
      'Cache-Control': 'a, b',
      'X-B': 'url: with colon',
    });
  });

  it.each([
    ['  X-A: 1', /line 1: a header before any path/],
    ['/x\nX-A: 1', /line 2: a header line must be indented/],
    ['/x\n  no colon here', /line 2: expected "Name: value"/],
    ['/x\n  X-A:', /line 2: expected "Name: value"/],
    ['/x*y\n  X-A: 1', /'\*' must be a whole path segment/],
    ['  /x\n  X-A: 1', /line 1: a path must not be indented/],
  ])('refuses %j', (text, error) => {
    expect(() => parseHeadersFile(text)).toThrow(error);
  });
});
