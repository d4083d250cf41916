/**
 * The base path the site is served under (`/`, or e.g. `/realmfault/` on GitHub Pages), for every
 * piece of code that writes a URL of the site's own pages or assets: build-time components and
 * Markdown plugins, and the client scripts and workers in the reader's browser.
 *
 * At build time (Node) it comes from BASE_PATH, checked by scripts/site-config.mjs exactly as
 * astro.config.mjs reads it; Astro's own `import.meta.env.BASE_URL` is not used there because
 * the Markdown plugins are loaded with the config, before Astro knows its base. In the browser
 * (no `process`) it is Vite's `import.meta.env.BASE_URL`, which the build sets from that same
 * config value.
 */
import { normaliseBase, withBase } from '../scripts/site-config.mjs';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

/** `/` or `/a/b/`. */
export const BASE: string = env ? normaliseBase(env['BASE_PATH']) : normaliseBase(import.meta.env.BASE_URL);

/** `/concepts/` → `/realmfault/concepts/` under that base; other URLs unchanged. */
export const href = (path: string): string => withBase(path, BASE);
