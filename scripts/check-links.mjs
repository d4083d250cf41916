// @ts-check
/**
 * Broken internal links in the built site: every `href` and `src` in dist/**.html that points
 * inside the site must name a file that exists, and every `#anchor` must be an element id on the
 * target page. Runs after `astro build` (scripts/build.mjs) and alone:
 *   node scripts/check-links.mjs [dist]
 * It prints each broken link with the page that has it and exits 1 when there is any.
 * A site built under a base path (BASE_PATH=/realmfault/) is checked as served there: its
 * files are at /realmfault/…, and a link outside the base path is broken (a static host under
 * /realmfault/ has nothing else to give).
 * The browser-level check (console errors, failed requests) is tests/e2e/links.e2e.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { basePath, outDir } from './site-config.mjs';

/** Origins that count as the site itself (absolute links to the configured site URL). */
const SITE_ORIGINS = new Set(['http://localhost:4321', process.env['SITE_URL'] ?? ''].filter(Boolean));

const ATTR = /\s(href|src|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const TAG = /<(a|area|link|script|img|source|iframe|use|image)\b[^>]*>/gi;
/**
 * Whether a URL fragment is widget state (`key=value`, `&`-separated) rather than an anchor.
 * @param {string} fragment
 */
export const isStateFragment = (fragment) => /^[a-z]+=[^&]*(&[a-z]+=[^&]*)*$/i.test(fragment);

const ID = /\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

/** @type {Record<string, string>} */
const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

/**
 * The few entities Astro writes inside attribute values.
 * @param {string} s
 * @returns {string}
 */
function decodeEntities(s) {
  return s.replace(
    /&(amp|lt|gt|quot|#39|apos|#x([0-9a-f]+)|#(\d+));/gi,
    (
      /** @type {string} */ m,
      /** @type {string} */ name,
      /** @type {string | undefined} */ hex,
      /** @type {string | undefined} */ dec,
    ) => {
      if (hex) return String.fromCodePoint(parseInt(hex, 16));
      if (dec) return String.fromCodePoint(Number(dec));
      return NAMED[name.toLowerCase()] ?? m;
    },
  );
}

/** @param {string} dir @returns {string[]} */
function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'pagefind' ? [] : htmlFiles(path);
    return name.endsWith('.html') ? [path] : [];
  });
}

/**
 * The site path a built file is served at: dist/a/index.html → /a/ (or /base/a/), dist/404.html → /404.html.
 * @param {string} root
 * @param {string} file
 * @param {string} base
 */
function urlPathOf(root, file, base) {
  const rel = relative(root, file).split(sep).join('/');
  return `${base}${rel.endsWith('index.html') ? rel.slice(0, -'index.html'.length) : rel}`;
}

/**
 * The file a site path is served from, as scripts/serve.mjs resolves it, or undefined.
 * @param {string} root
 * @param {string} pathname
 * @param {string} base
 */
function fileOf(root, pathname, base) {
  if (!pathname.startsWith(base)) return undefined;
  const file = join(root, pathname.slice(base.length));
  if (existsSync(file) && statSync(file).isFile()) return file;
  const index = join(file, 'index.html');
  return existsSync(index) ? index : undefined;
}

/**
 * @param {string} root the built site (dist)
 * @param {string} [under] the base path it was built for (`/`, or `/realmfault/`)
 * @returns {{ pages: number, links: number, broken: { page: string, href: string, reason: string }[] }}
 */
export function checkLinks(root = outDir(), under = basePath()) {
  const files = htmlFiles(root);
  /** @type {Map<string, string>} */
  const html = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
  /** @type {Map<string, Set<string>>} */
  const idCache = new Map();
  const idsOf = (/** @type {string} */ file) => {
    let ids = idCache.get(file);
    if (!ids) {
      const text = html.get(file) ?? readFileSync(file, 'utf8');
      ids = new Set([...text.matchAll(ID)].map((m) => decodeEntities(m[1] ?? m[2] ?? m[3] ?? '')));
      idCache.set(file, ids);
    }
    return ids;
  };
  /** @type {{ page: string, href: string, reason: string }[]} */
  const broken = [];
  let links = 0;
  for (const file of files) {
    const page = urlPathOf(root, file, under);
    const base = new URL(page, 'http://site.invalid');
    const text = html.get(file) ?? '';
    for (const tag of text.matchAll(TAG)) {
      // A canonical URL names the page for search engines; readers never follow it (and the
      // 404 page's is /404/ although a static host serves it for any missing path).
      if (/\srel\s*=\s*["']?canonical\b/i.test(tag[0])) continue;
      for (const m of tag[0].matchAll(ATTR)) {
        const raw = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '').trim();
        if (raw === '' || raw === '#' || /^(mailto|tel|data|javascript|blob):/i.test(raw)) continue;
        let url;
        try {
          url = new URL(raw, base);
        } catch {
          broken.push({ page, href: raw, reason: 'not a valid URL' });
          continue;
        }
        const internal = url.origin === base.origin || SITE_ORIGINS.has(url.origin);
        if (!internal) continue;
        links++;
        let pathname;
        try {
          pathname = decodeURIComponent(url.pathname);
        } catch {
          broken.push({ page, href: raw, reason: 'a malformed %-escape' });
          continue;
        }
        const target = fileOf(root, pathname, under);
        if (!target) {
          const reason = pathname.startsWith(under)
            ? `no file for ${pathname}`
            : `outside the base path ${under} (the site is served under it)`;
          broken.push({ page, href: raw, reason });
          continue;
        }
        const fragment = url.hash.slice(1);
        if (fragment === '' || !target.endsWith('.html')) continue;
        // `key=value&…`: a widget's state in a permalink (the playground's `#v=…&s=…`, the
        // interleaving explorer's `#x=…&v=…`), read by the page's script, not an element id.
        if (isStateFragment(fragment)) continue;
        let id;
        try {
          id = decodeURIComponent(fragment);
        } catch {
          id = fragment;
        }
        if (!idsOf(target).has(id)) {
          broken.push({
            page,
            href: raw,
            reason: `no element with id "${id}" on ${urlPathOf(root, target, under)}`,
          });
        }
      }
    }
  }
  return { pages: files.length, links, broken };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = process.argv[2] ?? outDir();
  const { pages, links, broken } = checkLinks(root);
  if (broken.length) {
    console.error(`check-links: ${broken.length} broken internal link(s) in ${root}/:`);
    for (const b of broken) console.error(`  ${b.page}: ${b.href} — ${b.reason}`);
    process.exit(1);
  }
  console.log(`check-links: ${links} internal links on ${pages} pages, none broken`);
}
