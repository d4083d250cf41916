// @ts-check
/**
 * HTTP response headers for hosts that can set them (issue 16), written after the build:
 *
 *   dist/_headers             Netlify and Cloudflare Pages format (read from the publish directory)
 *   dist/nginx-snippet.conf   the same rules as nginx `location` blocks, to `include` in a server block
 *
 * Why headers at all, when every page already carries its Content-Security-Policy as a
 * <meta http-equiv> (astro.config.mjs `security.csp`, scripts/csp-inline-hashes.mjs)?
 *   - A Web Worker never sees a meta element: its policy comes only from the HTTP headers of its
 *     own script's response. Without a header, the snippet runner (which runs the reader's code)
 *     and the widgets' workers may fetch or import() from anywhere. Each worker gets a header
 *     policy that allows scripts from the site only and no network access at all.
 *   - `frame-ancestors` (no framing, against clickjacking) works only as a header.
 *
 * The page policy is the meta policy of the built pages: the same directives, with the union of
 * every page's inline-script and inline-style hashes (a _headers rule covers many pages, so it
 * cannot carry one page's hashes), plus `frame-ancestors 'none'`. The browser enforces the header
 * policy and the page's own meta policy together, so each page stays as strict as its meta
 * element makes it.
 *
 * The rules never set one header twice for the same path: Cloudflare joins the values of
 * overlapping rules with a comma (for a CSP that means two policies, both enforced), while
 * Netlify lets one win. Without overlap the two hosts agree. So the page policy is not put on a
 * site-wide `/*` rule (it would also reach the workers): it goes on each page directory instead.
 * Paths carry the base path (env BASE_PATH, e.g. `/realmfault/`; default `/`).
 *
 * docs/deploy.md explains deployment; tests/unit/headers.test.ts and tests/e2e/headers.e2e.ts
 * pin this file's output and its effect in Chromium.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { normaliseBase } from './site-config.mjs';

/**
 * @typedef {{ path: string, why: string, headers: Array<[string, string]> }} Rule
 *   One _headers block: a path pattern (exact, or ending in a `*` segment) and its headers.
 * @typedef {{ path: string, evaluates: boolean }} WorkerScript
 *   A worker's script as a URL path, and whether its code compiles code at run time
 *   (`new Function` / `eval`), which its policy must then allow with 'unsafe-eval'.
 * @typedef {{ path: string, kind: 'page' | 'dir' | 'file' }} TopLevel
 *   A top-level entry of the build: `page` (an .html file, or a directory with pages),
 *   `dir` (a directory of other files), `file` (any other file). `_astro` is not listed.
 */

/** Headers every response gets. */
export const SECURITY_HEADERS = /** @type {const} */ ([
  // Never guess a type: a file is what its Content-Type says (no script served as text runs).
  ['X-Content-Type-Options', 'nosniff'],
  // Links to other sites (the primary sources) get the origin only, not the page's path.
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  // The site uses none of these; no script on it (or framed in it) may ask for them.
  [
    'Permissions-Policy',
    'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
  ],
  // A page opened from another site (or that opens one) shares no window with it.
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  // No framing, for browsers that predate CSP frame-ancestors.
  ['X-Frame-Options', 'DENY'],
]);

/** Hashed build output (file names change when the content does): cache for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else may change with the next deployment: revalidate before each use. */
export const REVALIDATE = 'no-cache';

/**
 * The policy of a worker's script: its own code and other scripts of the site, nothing from any
 * other origin (so no import() of other origins, whether written directly, through eval or
 * through `new Function`), no network access (connect-src: fetch, XHR, WebSocket, EventSource)
 * and no nested workers (worker-src, which would otherwise fall back to script-src and allow
 * same-origin ones). 'unsafe-eval' only for a worker whose code needs it: the snippet runner
 * compiles the reader's code with `new Function`.
 * @param {boolean} evaluates
 */
export function workerPolicy(evaluates) {
  return [
    "default-src 'none'",
    `script-src 'self'${evaluates ? " 'unsafe-eval'" : ''}`,
    "connect-src 'none'",
    "worker-src 'none'",
  ].join('; ');
}

/** Cloudflare Pages' limits for _headers (developers.cloudflare.com/pages/configuration/headers). */
export const CLOUDFLARE_LIMITS = { rules: 100, lineLength: 2000 };

/** The base path in '/x/' form, checked as everywhere else (scripts/site-config.mjs). */
export { normaliseBase };

/** @param {string} dir @returns {string[]} every file under dir, recursively */
function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** @param {string} dist @param {string} file @param {string} base */
const urlPathOf = (dist, file, base) => base + relative(dist, file).split(sep).join('/');

const META = /<meta http-equiv="content-security-policy" content="([^"]*)"\s*\/?>/i;
const HASH = /^'sha(256|384|512)-[A-Za-z0-9+/=]+'$/;

/**
 * The page policy for the header: the directives of the built pages' meta policies, with the
 * union of their hashes, and `frame-ancestors 'none'`. Every page with a meta policy must have
 * the same directives and non-hash sources (only the hashes may differ); otherwise one header
 * could not stand for them all, and this throws naming the pages that differ.
 * @param {string} dist
 * @returns {{ policy: string, pages: number, hashes: number }}
 */
export function pagePolicy(dist) {
  /** @type {Map<string, { sources: string[], hashes: Set<string> }> | null} */
  let union = null;
  /** @type {string} */
  let first = '';
  let pages = 0;
  for (const file of filesUnder(dist).filter((f) => f.endsWith('.html'))) {
    const meta = META.exec(readFileSync(file, 'utf8'));
    // Pages without one (Astro's redirect pages) run no script and have nothing to add.
    if (!meta) continue;
    pages++;
    const page = relative(dist, file);
    /** @type {Map<string, { sources: string[], hashes: Set<string> }>} */
    const directives = new Map();
    for (const part of (meta[1] ?? '').replaceAll('&#39;', "'").replaceAll('&amp;', '&').split(';')) {
      const [name, ...tokens] = part.trim().split(/\s+/);
      if (!name) continue;
      directives.set(name.toLowerCase(), {
        sources: tokens.filter((t) => !HASH.test(t)),
        hashes: new Set(tokens.filter((t) => HASH.test(t))),
      });
    }
    if (!union) {
      union = directives;
      first = page;
      continue;
    }
    const shape = (/** @type {typeof directives} */ d) =>
      [...d].map(([name, { sources }]) => `${name} ${sources.join(' ')}`).join('; ');
    if (shape(directives) !== shape(union)) {
      throw new Error(
        `headers: the pages' CSP meta policies differ beyond their hashes, so no single header can stand for them:\n  ${first}: ${shape(union)}\n  ${page}: ${shape(directives)}`,
      );
    }
    for (const [name, { hashes }] of directives) for (const h of hashes) union.get(name)?.hashes.add(h);
  }
  if (!union) throw new Error(`headers: no page in ${dist} has a CSP meta element (is it a built site?)`);
  if (union.has('frame-ancestors'))
    throw new Error('headers: the meta policy unexpectedly has frame-ancestors');
  const parts = [...union].map(([name, { sources, hashes }]) =>
    [name, ...sources, ...[...hashes].sort()].join(' '),
  );
  parts.push("frame-ancestors 'none'");
  const hashes = [...union.values()].reduce((n, d) => n + d.hashes.size, 0);
  return { policy: parts.join('; '), pages, hashes };
}

/**
 * `new Worker(new URL('…', import.meta.url), …)` as Vite emits it (a comment may precede the
 * string, which may be quoted with ', " or `).
 */
const WORKER_REF = /new\s+(?:Shared)?Worker\(\s*new\s+URL\(\s*(?:\/\*[\s\S]*?\*\/\s*)?([`'"])([^`'"]+)\1/g;
/**
 * A worker's URL as a string literal, as Vite emits an `import url from './worker?worker&url'`
 * that a script later passes to `new Worker(url)` (the playground's loader does this). Every
 * worker entry in src/ is a file named worker.ts, which Vite emits as _astro/worker-<hash>.js.
 */
const WORKER_URL = /([`'"])((?:\/[\w.~-]+)*\/_astro\/worker-[\w-]+\.js)\1/g;
/** A file name in _astro/ that is a worker entry (worker.ts), not a shared chunk (worker-rpc.<hash>.js). */
const WORKER_FILE = /^worker-[\w-]+\.js$/;
/** A call of the global Function constructor or of eval (not a method such as x.eval()). */
const EVALUATES = /(?<![\w$.])(?:new\s+)?Function\s*\(|(?<![\w$.])eval\s*\(/;

/**
 * Every worker script the built JavaScript starts, found from its `new Worker(new URL(…))`.
 * Throws when a referenced script is not in the build, and when no worker is found at all (the
 * bundler's output would have changed shape, and the workers would silently get no policy).
 * @param {string} dist
 * @param {string} base
 * @returns {WorkerScript[]} sorted by path
 */
export function findWorkers(dist, base) {
  /** @type {Map<string, WorkerScript>} */
  const found = new Map();
  for (const file of filesUnder(dist).filter((f) => /\.m?js$/.test(f))) {
    const from = new URL(urlPathOf(dist, file, base), 'http://site.invalid');
    const text = readFileSync(file, 'utf8');
    for (const m of [...text.matchAll(WORKER_REF), ...text.matchAll(WORKER_URL)]) {
      const path = new URL(m[2] ?? '', from).pathname;
      if (found.has(path)) continue;
      const target = path.startsWith(base) ? join(dist, ...path.slice(base.length).split('/')) : '';
      if (!target || !existsSync(target)) {
        throw new Error(
          `headers: ${relative(dist, file)} starts a worker from ${path}, which is not in ${dist}`,
        );
      }
      found.set(path, { path, evaluates: EVALUATES.test(readFileSync(target, 'utf8')) });
    }
  }
  if (found.size === 0) {
    throw new Error(
      `headers: found no \`new Worker(new URL(…))\` in ${dist}'s JavaScript; the workers would get no policy`,
    );
  }
  // A worker entry that nothing above found would be served without a worker policy: fail.
  const astro = join(dist, '_astro');
  const entries = existsSync(astro) ? readdirSync(astro).filter((f) => WORKER_FILE.test(f)) : [];
  for (const name of entries) {
    if (!found.has(`${base}_astro/${name}`)) {
      throw new Error(
        `headers: _astro/${name} is a worker entry, but no script starts it with new Worker(new URL(…)) ` +
          `or names its URL; it would get no worker policy`,
      );
    }
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The top-level entries of the build, classified (see TopLevel), sorted by path.
 * @param {string} dist
 * @param {string} base
 * @returns {TopLevel[]}
 */
export function topLevel(dist, base) {
  return readdirSync(dist)
    .filter((name) => name !== '_astro' && !OUTPUTS.includes(name))
    .sort()
    .map((name) => {
      const path = join(dist, name);
      if (statSync(path).isDirectory()) {
        const pages = filesUnder(path).some((f) => f.endsWith('.html'));
        return { path: `${base}${name}/`, kind: pages ? 'page' : 'dir' };
      }
      return { path: `${base}${name}`, kind: name.endsWith('.html') ? 'page' : 'file' };
    });
}

/** The files this module writes into the build; they are not part of the site. */
export const OUTPUTS = ['_headers', 'nginx-snippet.conf'];

/**
 * The rules, in order: security headers for everything, then one rule per top-level entry of the
 * build (pages: the page policy; hashed /_astro/ assets: cached for good; the rest: revalidated),
 * then one per worker script (its policy). No two rules set one header for the same path.
 * @param {{ base: string, pagePolicy: string, entries: TopLevel[], workers: WorkerScript[] }} site
 * @returns {Rule[]}
 */
export function headerRules({ base, pagePolicy, entries, workers }) {
  const page = /** @type {Array<[string, string]>} */ ([
    ['Content-Security-Policy', pagePolicy],
    ['Cache-Control', REVALIDATE],
  ]);
  /** @type {Rule[]} */
  const rules = [
    {
      path: `${base}*`,
      why: 'every response',
      headers: SECURITY_HEADERS.map(([n, v]) => /** @type {[string, string]} */ ([n, v])),
    },
    { path: base, why: 'the home page', headers: page },
  ];
  for (const e of entries) {
    const pattern = e.path.endsWith('/') ? `${e.path}*` : e.path;
    if (e.kind === 'page') rules.push({ path: pattern, why: 'pages', headers: page });
    else rules.push({ path: pattern, why: 'not hashed', headers: [['Cache-Control', REVALIDATE]] });
  }
  rules.push({
    path: `${base}_astro/*`,
    why: 'hashed build output',
    headers: [['Cache-Control', IMMUTABLE]],
  });
  for (const w of workers) {
    rules.push({
      path: w.path,
      why: w.evaluates ? 'worker script that compiles code (new Function)' : 'worker script',
      headers: [['Content-Security-Policy', workerPolicy(w.evaluates)]],
    });
  }
  return rules;
}

// ---------------------------------------------------------------------------------------------
// The _headers format: writing it, and reading it back with Netlify's path matching (used by
// scripts/serve.mjs to serve the build as such a host would).

/**
 * @typedef {{ path: string, pattern: RegExp, headers: Array<[string, string]> }} ParsedRule
 */

/**
 * A rule path as Netlify matches it (the pattern of its headers parser): segments between
 * slashes; a `*` segment matches anything, including further segments, nothing at all, and
 * (as the slash before it is optional there) a longer name: `/a/*` also takes `/ab`; a `:name`
 * segment matches one segment; an optional trailing slash; case-insensitive. Other uses of `*`
 * are not part of the subset this module writes and are refused.
 * @param {string} path
 * @returns {RegExp}
 */
export function pathPattern(path) {
  if (!path.startsWith('/')) throw new Error(`_headers: a rule path must start with '/': ${path}`);
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((part) => {
      if (part === '*') return '?(.*)';
      if (part.includes('*')) throw new Error(`_headers: '*' must be a whole path segment: ${path}`);
      if (part.startsWith(':')) return '([^/]+)';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    });
  return new RegExp(`^/${parts.join('/')}/?$`, 'iu');
}

/**
 * Parse a _headers file: a path line (starting with '/') opens a rule; indented `Name: value`
 * lines add headers to it (a name given twice in one rule joins its values with ', '); blank
 * lines and lines starting with '#' are ignored. Anything else is an error naming its line.
 * @param {string} text
 * @returns {ParsedRule[]}
 */
export function parseHeadersFile(text) {
  /** @type {ParsedRule[]} */
  const rules = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `_headers line ${String(i + 1)}`;
    if (line.startsWith('/')) {
      if (/^\s/.test(raw)) throw new Error(`${where}: a path must not be indented: ${line}`);
      rules.push({ path: line, pattern: pathPattern(line), headers: [] });
      return;
    }
    const rule = rules.at(-1);
    if (!rule) throw new Error(`${where}: a header before any path: ${line}`);
    if (!/^\s/.test(raw)) throw new Error(`${where}: a header line must be indented: ${line}`);
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    const value = colon > 0 ? line.slice(colon + 1).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || value === '') {
      throw new Error(`${where}: expected "Name: value": ${line}`);
    }
    const same = rule.headers.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (same) same[1] = `${same[1]}, ${value}`;
    else rule.headers.push([name, value]);
  });
  return rules;
}

/**
 * The headers the rules give a request path, in rule order. Where two matching rules set the same
 * header their values are joined with ', ' (Cloudflare's documented behaviour; Netlify lets one
 * win, which is why headerRules never overlaps).
 * @param {ParsedRule[]} rules
 * @param {string} path a URL path, e.g. '/concepts/'
 * @returns {Record<string, string>}
 */
export function headersForPath(rules, path) {
  /** @type {Record<string, string>} */
  const out = {};
  /** @type {Record<string, string>} lower-case name → name as first written */
  const names = {};
  for (const rule of rules) {
    if (!rule.pattern.test(path)) continue;
    for (const [name, value] of rule.headers) {
      const key = name.toLowerCase();
      const as = (names[key] ??= name);
      out[as] = out[as] === undefined ? value : `${out[as]}, ${value}`;
    }
  }
  return out;
}

/**
 * Throws if any of `paths` gets one header from two rules (the hosts would disagree on it).
 * @param {Rule[]} rules
 * @param {string[]} paths
 */
export function assertNoOverlap(rules, paths) {
  const parsed = rules.map((r) => ({ ...r, pattern: pathPattern(r.path) }));
  for (const path of paths) {
    /** @type {Map<string, string>} */
    const setBy = new Map();
    for (const rule of parsed) {
      if (!rule.pattern.test(path)) continue;
      for (const [name] of rule.headers) {
        const earlier = setBy.get(name.toLowerCase());
        if (earlier !== undefined) {
          throw new Error(`headers: ${path} gets ${name} from two rules, ${earlier} and ${rule.path}`);
        }
        setBy.set(name.toLowerCase(), rule.path);
      }
    }
  }
}

/**
 * The _headers file. Throws if it would exceed Cloudflare Pages' limits (rules, line length),
 * which would otherwise drop rules without saying so.
 * @param {Rule[]} rules
 * @returns {string}
 */
export function formatHeadersFile(rules) {
  const lines = [
    '# Response headers for Netlify and Cloudflare Pages, written by scripts/headers.mjs after the',
    '# build (do not edit: rebuild). See docs/deploy.md.',
  ];
  for (const rule of rules) {
    lines.push('', `# ${rule.why}`, rule.path, ...rule.headers.map(([n, v]) => `  ${n}: ${v}`));
  }
  if (rules.length > CLOUDFLARE_LIMITS.rules) {
    throw new Error(
      `headers: ${String(rules.length)} rules; Cloudflare Pages reads at most ${String(CLOUDFLARE_LIMITS.rules)}`,
    );
  }
  const long = lines.find((l) => l.length > CLOUDFLARE_LIMITS.lineLength);
  if (long !== undefined) {
    throw new Error(
      `headers: a _headers line is ${String(long.length)} characters; Cloudflare Pages reads at most ${String(CLOUDFLARE_LIMITS.lineLength)} (too many inline-script hashes?): ${long.slice(0, 80)}…`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The same rules for nginx: one `location` per rule (an exact path becomes `location =`, a
 * `/dir/*` rule `location ^~ /dir/`), each repeating every header that applies to it, because a
 * location with its own add_header inherits none from outside. `always` sends them with error
 * responses too. The site's 404 page answers missing paths, and the two generated files are not
 * served. The server block that includes it sets `root` (see deploy/nginx.conf).
 * @param {Rule[]} rules
 * @param {string} base
 * @returns {string}
 */
export function formatNginx(rules, base) {
  const parsed = rules.map((r) => ({ ...r, pattern: pathPattern(r.path) }));
  /** @param {string} value */
  const quoted = (value) => {
    if (/["\\$]/.test(value)) throw new Error(`headers: a header value nginx cannot take as is: ${value}`);
    return `"${value}"`;
  };
  /**
   * @param {string} location
   * @param {Array<[string, string]>} headers
   */
  const block = (location, headers) =>
    [
      `location ${location} {`,
      ...headers.map(([n, v]) => `    add_header ${n} ${quoted(v)} always;`),
      '}',
    ].join('\n');
  /** @param {string} path @returns {Array<[string, string]>} every header the rules give path */
  const all = (path) => parsed.filter((r) => r.pattern.test(path)).flatMap((r) => r.headers);
  const out = [
    '# nginx: response headers for the realmfault site, written by scripts/headers.mjs after the',
    '# build (do not edit: rebuild). Include it in a server block whose root holds the site at',
    `# <root>${base} (see deploy/nginx.conf and docs/deploy.md). It defines the locations for`,
    `# ${base} and below: remove any location of your own for those paths.`,
    '',
    `error_page 404 ${base}404.html;`,
    ...OUTPUTS.map((name) => `location = ${base}${name} {\n    return 404;\n}`),
  ];
  for (const rule of parsed) {
    if (rule.path === `${base}*`) {
      // The fallback location (paths no other location matches) gets this rule's headers only.
      out.push(`# ${rule.why} not matched below`, block(base, rule.headers));
    } else if (rule.path.endsWith('/*')) {
      const prefix = rule.path.slice(0, -1);
      out.push(`# ${rule.why}`, block(`^~ ${prefix}`, all(prefix)));
    } else {
      out.push(`# ${rule.why}`, block(`= ${rule.path}`, all(rule.path)));
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * Compute the rules from the build in `dist` and write dist/_headers and dist/nginx-snippet.conf.
 * @param {string} [dist]
 * @param {{ base?: string }} [options] base path; default: env BASE_PATH, normalised
 * @returns {{ rules: Rule[], workers: WorkerScript[], pages: number, hashes: number }}
 */
export function writeHeaders(dist = 'dist', options = {}) {
  const base = normaliseBase(options.base ?? process.env['BASE_PATH']);
  const { policy, pages, hashes } = pagePolicy(dist);
  const workers = findWorkers(dist, base);
  const rules = headerRules({ base, pagePolicy: policy, entries: topLevel(dist, base), workers });
  const served = filesUnder(dist)
    .filter((f) => !OUTPUTS.includes(relative(dist, f)))
    .map((f) => urlPathOf(dist, f, base));
  assertNoOverlap(rules, [base, ...served, `${base}no-such-page/`]);
  writeFileSync(join(dist, '_headers'), formatHeadersFile(rules));
  writeFileSync(join(dist, 'nginx-snippet.conf'), formatNginx(rules, base));
  return { rules, workers, pages, hashes };
}
