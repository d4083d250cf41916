/**
 * Loads a separately bundled module on first use, without Vite's preload wrapper.
 *
 * Vite wraps every literal dynamic `import('./x')` in its `__vitePreload` helper. Starlight's
 * search script already uses that helper; as soon as a second script on the site does, the
 * bundler moves the helper into a chunk of its own that every page then loads, and pages without
 * widgets would carry more JavaScript than a default Starlight page (bench/budgets.json). So the
 * widgets' lazy parts are bundled as standalone ES modules with Vite's `?worker&url` (all their
 * dependencies inlined; `vite.worker.format: 'es'` in astro.config.mjs) and imported by URL.
 * Such a bundle keeps no exports, so each lazy module registers its API under a key with
 * `provideModule`, and `loadModule` returns what was registered:
 *
 *     // in src/stepper/client.ts
 *     provideModule('stepper-client', { mountFromPage });
 *     // in the page script
 *     import clientUrl from '../stepper/client?worker&url';
 *     const client = await loadModule<{ mountFromPage: … }>(clientUrl, 'stepper-client');
 */
const REGISTRY = '__realmfaultLazyModules';

type Registry = Record<string, unknown>;

function registry(): Registry {
  const g = globalThis as unknown as Record<string, Registry | undefined>;
  return (g[REGISTRY] ??= {});
}

/** Called by a lazily loaded module to hand its API to loadModule. */
export function provideModule(key: string, api: object): void {
  registry()[key] = api;
}

/** Import the standalone module at `url` and return the API it registered under `key`. */
export async function loadModule<T>(url: string, key: string): Promise<T> {
  await import(/* @vite-ignore */ url);
  const api = registry()[key];
  if (api === undefined) throw new Error(`lazy module ${url} did not register "${key}"`);
  return api as T;
}
