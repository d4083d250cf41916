// @ts-check
/**
 * Post-build step of issue 16 ("Offline"): writes dist/sw.js, the service worker that keeps the
 * whole site readable without a network after the first visit (src/sw/runtime.js is its code;
 * src/sw/register.ts registers it and offers an update).
 *
 * The precache manifest lists every file a reader can need offline, as [URL path, revision]: the
 * pages, the /_astro/ bundles (widgets, their workers, CodeMirror, styles, fonts), the Pagefind
 * search index, the diagram frame and the favicon. A revision is a hash of the file's bytes, so an
 * update fetches only the files that changed. The version is a hash of the manifest (and of the
 * worker's code); it names the cache, and a new build with any changed file is a new worker the
 * update prompt offers.
 *
 * Left out, each for a reason (EXCLUDED):
 * - sw.js itself: the browser fetches the worker through its own update check, never from a cache.
 * - sitemap-*.xml: for search engines; no page links to them or loads them.
 * - _headers and nginx-snippet.conf (scripts/headers.mjs): response headers, read by the host.
 * - print/ and print/<section>/ (src/pages/print): the print edition repeats every page, about
 *   24 MB of HTML, more than the rest of the site; the pages themselves are precached, and print
 *   well on their own (src/styles/print.css).
 * - Pagefind's own UI bundles (pagefind-ui, -component-ui, -modular-ui, -highlight): Starlight
 *   bundles its search UI into /_astro/ and loads only pagefind.js (and, through it, the worker,
 *   the index and one WebAssembly file) from pagefind/; these ~430 KB are never requested.
 * - wasm.<language>.pagefind for a language the index does not name (wasm.unknown is for pages
 *   whose language has no index): pagefind-entry.json says which ones the pages use.
 * No other file is left out: the largest ones (scenario pages, 0.4 MB of HTML each; the snippet
 * worker, 0.5 MB) are exactly what offline reading needs. PRECACHE_LIMIT_BYTES fails the build
 * instead if the total grows past a size a first visit should download in the background.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { serviceWorker } from '../src/sw/runtime.js';
import { normaliseBase, outDir } from './site-config.mjs';

/** The worker's file name, under the base path. */
export const SW_FILE = 'sw.js';

/** The page served for a URL that is not cached while offline. */
export const FALLBACK_FILE = '404.html';

/** The most the precache may hold (raw bytes): about twice the site as of issue 16 (18.7 MB). */
export const PRECACHE_LIMIT_BYTES = 40 * 1024 * 1024;

/** Pagefind files Starlight's search never loads (see the header). */
const PAGEFIND_UNUSED = /^pagefind\/pagefind-(?:ui|component-ui|modular-ui|highlight)\.(?:js|css)$/;

/** The base path in '/x/' form, checked as everywhere else (scripts/site-config.mjs). */
export { normaliseBase };

/** @param {string} dir @returns {string[]} paths relative to dir, '/'-separated */
function filesUnder(dir) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} d */
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * The WebAssembly files of the languages pagefind-entry.json names (its `wasm` field); a language
 * without one makes Pagefind load wasm.unknown.pagefind.
 * @param {string} dist
 * @returns {Set<string> | null} null when the build has no Pagefind entry file
 */
function pagefindWasmInUse(dist) {
  const entryFile = join(dist, 'pagefind', 'pagefind-entry.json');
  if (!existsSync(entryFile)) return null;
  /** @type {unknown} */
  const raw = JSON.parse(readFileSync(entryFile, 'utf8'));
  const entry = /** @type {{ languages?: Record<string, { wasm?: string }> }} */ (raw);
  const languages = Object.values(entry.languages ?? {});
  return new Set(languages.map((l) => `pagefind/wasm.${l.wasm ?? 'unknown'}.pagefind`));
}

/**
 * Why a file of dist/ is not precached, or null when it is.
 * @param {string} file path relative to dist/, '/'-separated
 * @param {Set<string> | null} wasmInUse
 * @returns {string | null}
 */
export function exclusionReason(file, wasmInUse) {
  if (file === SW_FILE) return 'the service worker itself';
  if (/^sitemap[^/]*\.xml$/.test(file)) return 'sitemap, for search engines only';
  if (file === '_headers' || file === 'nginx-snippet.conf') return 'response headers, for the host';
  if (/^print\/(?:[\w-]+\/)?index\.html$/.test(file)) {
    return 'print edition: every page again, one file per section (about 24 MB together)';
  }
  if (PAGEFIND_UNUSED.test(file)) return "Pagefind UI bundle Starlight's search does not load";
  if (/^pagefind\/wasm\.[^/]+\.pagefind$/.test(file) && wasmInUse && !wasmInUse.has(file)) {
    return 'Pagefind WebAssembly for a language no page has';
  }
  return null;
}

/**
 * The URL path a file is requested at: a page's index.html by its directory.
 * @param {string} file @param {string} base
 */
export function urlPathOf(file, base) {
  const path =
    file === 'index.html' ? '' : file.endsWith('/index.html') ? file.slice(0, -'index.html'.length) : file;
  // Percent-encode exactly as the browser's URL parser does, so the worker's lookups match.
  return new URL(path, `http://x${base}`).pathname;
}

/** @param {Buffer | string} data */
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * @typedef {{ file: string, path: string, revision: string, bytes: number }} PrecacheEntry
 * @typedef {{ version: string, base: string, fallback: string, entries: PrecacheEntry[], excluded: { file: string, reason: string, bytes: number }[], bytes: number }} Manifest
 */

/**
 * The precache manifest of a built site.
 * @param {string} dist the build output directory
 * @param {string} base the base path, '/x/' form
 * @returns {Manifest}
 */
export function buildManifest(dist, base) {
  if (normaliseBase(base) !== base)
    throw new Error(`base must be in '/x/' form, not ${JSON.stringify(base)}`);
  if (!existsSync(join(dist, FALLBACK_FILE))) {
    throw new Error(
      `service worker: ${join(dist, FALLBACK_FILE)} is missing; it is the offline fallback page`,
    );
  }
  const wasmInUse = pagefindWasmInUse(dist);
  /** @type {PrecacheEntry[]} */
  const entries = [];
  /** @type {Manifest['excluded']} */
  const excluded = [];
  for (const file of filesUnder(dist)) {
    const data = readFileSync(join(dist, file));
    const reason = exclusionReason(file, wasmInUse);
    if (reason) excluded.push({ file, reason, bytes: data.length });
    else
      entries.push({
        file,
        path: urlPathOf(file, base),
        revision: sha256(data).slice(0, 16),
        bytes: data.length,
      });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const bytes = entries.reduce((n, e) => n + e.bytes, 0);
  // The version covers what the worker caches and where (paths, revisions, the base) and how (its
  // code): a worker whose code changed never takes over a cache an older worker filled.
  const version = sha256(
    JSON.stringify([base, entries.map((e) => [e.path, e.revision]), serviceWorker.toString()]),
  ).slice(0, 16);
  return { version, base, fallback: urlPathOf(FALLBACK_FILE, base), entries, excluded, bytes };
}

/**
 * The text of sw.js for a manifest: the runtime's source, called with the manifest.
 * @param {Manifest} manifest
 */
export function renderServiceWorker(manifest) {
  const config = {
    version: manifest.version,
    base: manifest.base,
    fallback: manifest.fallback,
    entries: manifest.entries.map((e) => [e.path, e.revision]),
  };
  return [
    '// realmfault offline support, generated by scripts/service-worker.mjs from src/sw/runtime.js: do not edit.',
    `// Precache version ${manifest.version}: ${String(manifest.entries.length)} files, ${String(manifest.bytes)} bytes.`,
    "'use strict';",
    `(${serviceWorker.toString()})(self, ${JSON.stringify(config)});`,
    '',
  ].join('\n');
}

/**
 * The manifest written into a built sw.js (what the deployed worker will cache).
 * @param {string} swText
 * @returns {{ version: string, base: string, fallback: string, entries: [string, string][] }}
 */
export function readServiceWorkerManifest(swText) {
  const m = /\)\(self, (\{.*\})\);\n?$/.exec(swText);
  if (!m?.[1]) throw new Error('sw.js does not end with the precache manifest call');
  /** @type {unknown} */
  const raw = JSON.parse(m[1]);
  const parsed = /** @type {{ version?: unknown, base?: unknown, fallback?: unknown, entries?: unknown }} */ (
    raw
  );
  const { version, base, fallback, entries } = parsed;
  if (
    typeof version !== 'string' ||
    typeof base !== 'string' ||
    typeof fallback !== 'string' ||
    !Array.isArray(entries) ||
    !entries.every((e) => Array.isArray(e) && e.length === 2 && e.every((x) => typeof x === 'string'))
  ) {
    throw new Error('sw.js: the precache manifest lacks version, base, fallback or [path, revision] entries');
  }
  /** @type {unknown} */
  const pairs = entries;
  return { version, base, fallback, entries: /** @type {[string, string][]} */ (pairs) };
}

/**
 * Write sw.js into the build. By default the output directory and base path are read as the build
 * reads them: OUT_DIR (default dist) and BASE_PATH (default /).
 * @param {string} [dist]
 * @param {string} [base]
 */
export function writeServiceWorker(dist = outDir(), base = normaliseBase(process.env['BASE_PATH'])) {
  const manifest = buildManifest(dist, base);
  if (manifest.bytes > PRECACHE_LIMIT_BYTES) {
    const largest = [...manifest.entries].sort((a, b) => b.bytes - a.bytes).slice(0, 5);
    throw new Error(
      `service worker: the precache would hold ${String(manifest.bytes)} bytes, over PRECACHE_LIMIT_BYTES (${String(PRECACHE_LIMIT_BYTES)}); largest: ${largest.map((e) => `${e.file} ${String(e.bytes)}`).join(', ')}`,
    );
  }
  writeFileSync(join(dist, SW_FILE), renderServiceWorker(manifest));
  console.log(
    `build: ${SW_FILE} precaches ${String(manifest.entries.length)} files (${(manifest.bytes / 1048576).toFixed(1)} MB), version ${manifest.version}, base ${base}; ${String(manifest.excluded.length)} left out`,
  );
  return manifest;
}
