// @ts-check
/**
 * Where the site is deployed, from the environment, checked once for everyone who needs it:
 * astro.config.mjs (Astro's `site`, `base` and `outDir`), the build's post-processing steps, the
 * link check, the test server and the Markdown plugins that write links.
 *
 *   SITE_URL   the origin the site is served from (default http://localhost:4321); used for the
 *              sitemap and canonical links. A path in it is refused: the path is BASE_PATH's job.
 *   BASE_PATH  the path the site lives under (default /), e.g. /realmfault/ on GitHub Pages.
 *              Written with or without slashes; normalised to /a/b/ form.
 *   OUT_DIR    where the build writes the site (default dist).
 *
 * A bad value throws an error naming the variable, the value and what was expected.
 */

/**
 * `/`, or `/a/b/`: the base path in the form every URL is built from.
 * @param {string | undefined} raw
 * @returns {string}
 */
export function normaliseBase(raw) {
  const value = (raw ?? '').trim();
  if (value === '' || value === '/') return '/';
  const parts = value.split('/').filter((p) => p !== '');
  for (const p of parts) {
    if (!/^[A-Za-z0-9._~-]+$/.test(p) || p === '.' || p === '..') {
      throw new Error(
        `BASE_PATH=${JSON.stringify(raw)}: expected a URL path such as /realmfault/ ` +
          `(segments of letters, digits, '.', '_', '~' or '-'), found the segment ${JSON.stringify(p)}`,
      );
    }
  }
  return `/${parts.join('/')}/`;
}

/**
 * The deployment origin, without a trailing slash.
 * @param {string | undefined} raw
 * @returns {string}
 */
export function normaliseSite(raw) {
  const value = (raw ?? '').trim() || 'http://localhost:4321';
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`SITE_URL=${JSON.stringify(raw)}: expected an absolute URL such as https://example.org`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`SITE_URL=${JSON.stringify(raw)}: expected an http or https URL`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(
      `SITE_URL=${JSON.stringify(raw)}: expected an origin only (such as ${url.origin}); ` +
        `put the path ${JSON.stringify(url.pathname)} in BASE_PATH instead`,
    );
  }
  return url.origin;
}

/** @returns {string} the base path, `/` or `/a/b/` */
export const basePath = () => normaliseBase(process.env['BASE_PATH']);
/** @returns {string} the site's origin */
export const siteUrl = () => normaliseSite(process.env['SITE_URL']);
/** @returns {string} the build's output directory */
export const outDir = () => (process.env['OUT_DIR'] ?? '').trim() || 'dist';

/**
 * A root-absolute site path (`/concepts/`) as served under the base path (`/realmfault/concepts/`).
 * Anything else (a relative path, a full URL, `//host`, `#x`) is returned unchanged.
 * @param {string} path
 * @param {string} [base]
 * @returns {string}
 */
export function withBase(path, base = basePath()) {
  if (!path.startsWith('/') || path.startsWith('//') || base === '/') return path;
  if (path === base.slice(0, -1) || path.startsWith(base)) return path;
  return base + path.slice(1);
}

/**
 * The second build the browser tests check (issue 16): the whole site built for a project page
 * under a base path, written beside dist/ (`npm run build:base`, scripts/build-base.mjs), and
 * served by the tests only below that path.
 */
export const TEST_BASE_BUILD = Object.freeze({
  outDir: 'dist-base',
  base: '/realmfault/',
  site: 'https://example.org',
});
