/**
 * The print edition (issue 16): which pages a print page holds, and how one page's rendered HTML
 * is made to live inside another page.
 *
 * A print page (`print/` for the whole site, `print/<section>/` for one sidebar section) renders
 * every page of its sections one after the other, in sidebar order. Each page's HTML is rewritten
 * so that it stays valid next to the others:
 * - every id gets the page's prefix (`concepts-worlds--rtt`), and every reference to an id of the
 *   same page follows (`href="#…"`, `aria-labelledby`, `for`, SVG `url(#…)`, …), so ids stay unique;
 * - a link to a page that is also in the print page points inside it (`#concepts-worlds` for the
 *   page, `#concepts-worlds--rtt` for an anchor on it); any other link to the site keeps its
 *   target, made root-absolute where it was relative (the print page lives at another address);
 * - headings move down (the page's title becomes a heading of the print page);
 * - scripts are dropped: the print edition is a static document, and each widget shows the
 *   rendering it has without JavaScript (the stepper's trace, a snippet's build-time output);
 * - exercise answers (`<details class="rf-exercise-answer">`) are open, as paper cannot open them;
 *   other `<details>` stay as the page has them (a diagram's text version, a snippet's full trace
 *   and a scenario's JSON are closed: on paper they would repeat the diagram or run for pages).
 */

/** A page of the print edition. */
export interface PrintPage {
  /** Site path without the base, with slashes: `/concepts/worlds/`. */
  path: string;
  /** Prefix of the page's ids in the print page, and the id of its article: `concepts-worlds`. */
  prefix: string;
}

/**
 * Each page's rendered HTML (before rewriting) by site path, kept for the rest of a production
 * build: the whole site's print page then takes what the section pages rendered instead of
 * rendering every page again. Rendering a page's slot is what runs its components, so a page
 * taken from here costs nothing more. (Not filled in development, where content changes.)
 */
export const renderedPages = new Map<string, string>();

/** `/concepts/worlds/` → `concepts-worlds`; `/scenarios/thp-unaligned/` → `scenarios-thp-unaligned`. */
export function pagePrefix(path: string): string {
  const prefix = path
    .split('/')
    .filter((s) => s !== '')
    .join('-')
    .replace(/[^\w-]/g, '-');
  if (prefix === '') throw new Error(`print edition: no prefix for the site root (${JSON.stringify(path)})`);
  return prefix;
}

/** The site path of a URL path under `base` (`/realmfault/concepts/` → `/concepts/`), or undefined. */
export function sitePath(pathname: string, base: string): string | undefined {
  const b = base.endsWith('/') ? base : `${base}/`;
  if (!pathname.startsWith(b)) return undefined;
  return `/${pathname.slice(b.length)}`;
}

/** Attributes whose value is a space-separated list of ids. */
const ID_LIST_ATTRS = new Set([
  'aria-labelledby',
  'aria-describedby',
  'aria-controls',
  'aria-owns',
  'aria-flowto',
  'aria-activedescendant',
  'aria-details',
  'aria-errormessage',
  'for',
  'headers',
  'list',
  'form',
  'popovertarget',
  'commandfor',
]);

/** Attributes holding a URL. */
const URL_ATTRS = new Set(['href', 'xlink:href', 'src']);

/** Attributes that may need rewriting (besides any holding an SVG `url(#…)` reference). */
const REWRITTEN = new Set(['id', 'class', ...ID_LIST_ATTRS, ...URL_ATTRS]);

/** A URL fragment without its %-escapes (as the id it names), or as written when malformed. */
function percentDecoded(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/** Widget state in a URL fragment (`v=…&s=…`), not an anchor (as scripts/check-links.mjs). */
const isStateFragment = (fragment: string): boolean => /^[a-z]+=[^&]*(&[a-z]+=[^&]*)*$/i.test(fragment);

const decode = (s: string): string =>
  s.replace(
    /&(amp|lt|gt|quot|#39|apos|#x([0-9a-f]+)|#(\d+));/gi,
    (m, name: string, hex?: string, dec?: string) => {
      if (hex) return String.fromCodePoint(parseInt(hex, 16));
      if (dec) return String.fromCodePoint(Number(dec));
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };
      return named[name.toLowerCase()] ?? m;
    },
  );

const encode = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const TAG = /<([a-zA-Z][\w:-]*)((?:\s+[^\s=>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*(\/?)>/g;
const ATTR = /(\s+)([^\s=>/"']+)(?:(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;
/** The `<details>` the print edition opens: exercise answers (a class attribute naming it). */
const OPEN_DETAILS = /\sclass\s*=\s*["'][^"']*\brf-exercise-answer\b/i;
const SCRIPT = /<script\b(?:[^>"']|"[^"]*"|'[^']*')*>[\s\S]*?<\/script\s*>/gi;

export interface RewriteOptions {
  /** The page being embedded. */
  page: PrintPage;
  /** The site's base path (`import.meta.env.BASE_URL`), ending with '/'. */
  base: string;
  /** Every page of the print page, by site path, so links between them stay inside it. */
  pages: ReadonlyMap<string, PrintPage>;
  /** How many levels each heading moves down (h2 → h3 for 1); h6 stays h6. */
  shift: number;
}

/** The page's rendered HTML, rewritten to sit inside a print page (see the module comment). */
export function rewritePageHtml(html: string, { page, base, pages, shift }: RewriteOptions): string {
  const withoutScripts = html.replace(SCRIPT, '');
  const ids = new Set<string>();
  for (const tag of withoutScripts.matchAll(TAG)) {
    for (const a of (tag[2] ?? '').matchAll(ATTR)) {
      if (a[2]?.toLowerCase() === 'id') ids.add(decode(a[4] ?? a[5] ?? a[6] ?? ''));
    }
  }
  const own = (id: string): string => `${page.prefix}--${id}`;
  const heading = (level: string): string => `h${Math.min(6, Number(level) + shift)}`;
  // The page's own address, to resolve its relative links against.
  const pageAddress = new URL(
    `${base.endsWith('/') ? base : `${base}/`}${page.path.slice(1)}`,
    'http://site.invalid',
  );

  const link = (raw: string): string => {
    if (raw.startsWith('#')) {
      const fragment = percentDecoded(raw.slice(1));
      return ids.has(fragment) ? `#${own(fragment)}` : raw;
    }
    if (/^[a-z][a-z\d+.-]*:/i.test(raw) || raw.startsWith('//')) return raw;
    const url = new URL(raw, pageAddress);
    const path = sitePath(url.pathname, base);
    const target = path === undefined ? undefined : pages.get(path);
    const fragment = percentDecoded(url.hash.slice(1));
    if (target && url.search === '' && !isStateFragment(fragment)) {
      return fragment === '' ? `#${target.prefix}` : `#${target.prefix}--${fragment}`;
    }
    return `${url.pathname}${url.search}${url.hash}`;
  };

  const attr = (name: string, value: string): string => {
    if (name === 'id') return own(value);
    if (ID_LIST_ATTRS.has(name)) {
      return value
        .split(/\s+/)
        .map((t) => (ids.has(t) ? own(t) : t))
        .join(' ');
    }
    if (URL_ATTRS.has(name)) return link(value);
    // Starlight's heading wrapper names the level it wraps.
    if (name === 'class')
      return value.replace(/\blevel-h([1-6])\b/g, (_m, l: string) => `level-${heading(l)}`);
    // SVG paint and marker references (fill="url(#…)", marker-end, style).
    return value.replace(/url\(\s*#([^)\s]+)\s*\)/g, (m, id: string) =>
      ids.has(id) ? `url(#${own(id)})` : m,
    );
  };

  const rewriteAttr = (
    m: string,
    space: string,
    attrName: string,
    eq?: string,
    dq?: string,
    sq?: string,
    bare?: string,
  ): string => {
    if (eq === undefined) return m;
    const name = attrName.toLowerCase();
    const raw = dq ?? sq ?? bare ?? '';
    // Most attributes (an SVG path's data, a title) need nothing: leave them as written.
    if (!REWRITTEN.has(name) && !raw.includes('url(')) return m;
    const value = decode(raw);
    const next = attr(name, value);
    return next === value ? m : `${space}${attrName}="${encode(next)}"`;
  };

  return withoutScripts
    .replace(TAG, (whole, tagName: string, attrs: string, selfClose: string) => {
      const name = /^h[1-6]$/i.test(tagName) ? heading(tagName.slice(1)) : tagName;
      const open =
        tagName.toLowerCase() === 'details' && OPEN_DETAILS.test(attrs) && !/\sopen\b/i.test(attrs)
          ? ' open'
          : '';
      const rewritten = open + attrs.replace(ATTR, rewriteAttr);
      return name === tagName && rewritten === attrs ? whole : `<${name}${rewritten}${selfClose}>`;
    })
    .replace(/<\/h([1-6])\s*>/gi, (_m, level: string) => `</${heading(level)}>`);
}
