// @ts-check
/**
 * The service worker's code (issue 16, "Offline"). scripts/service-worker.mjs writes dist/sw.js
 * as this function's source called with the build's precache manifest, so the worker is one
 * plain script with no imports and nothing here runs in the page. Everything the function uses
 * must be inside it.
 *
 * - install: every manifest file is put in a cache named after the manifest's version; a file
 *   whose revision (content hash) is unchanged since the previous complete version is copied from
 *   that version's cache, the rest is fetched in batches with cache.addAll, and a failed batch is
 *   retried file by file. Any file still missing fails the install: a partial copy must never be
 *   activated, and the browser tries again on a later visit (what is already cached is kept).
 * - activate: the caches of other versions of this site (same base path) are deleted, navigation
 *   preload is turned on (the page request starts while the worker boots), open pages are claimed.
 * - fetch: files with a content hash in their name (/_astro/, Pagefind's index and fragments) never
 *   change, so they are served cache-first. Pages and the unhashed files (pagefind.js,
 *   pagefind-entry.json, the diagram frame, the favicon) are network-first: online readers get the
 *   deployed version, and the cached copy answers when the network fails or takes longer than
 *   NETWORK_TIMEOUT_MS. Network answers are not written into the cache, so the cache stays one
 *   consistent build (the update prompt brings in the next one). A page that is not cached gets
 *   the cached 404 page, status 404, when the network fails.
 *
 * @param {ServiceWorkerScope} scope the worker's global scope (`self`)
 * @param {{ version: string, base: string, fallback: string, entries: [string, string][] }} precache
 *   the manifest: version, base path ('/x/'), the offline fallback page and [path, revision] pairs
 */
export function serviceWorker(scope, precache) {
  const { version, base, fallback, entries } = precache;
  const PREFIX = `rf-offline:${base}:`;
  const CACHE = `${PREFIX}${version}`;
  /** The cache entry recording which revisions a complete cache holds; written last. */
  const DONE = new URL('__rf-precache-done__', scope.registration.scope).href;
  const NETWORK_TIMEOUT_MS = 4000;
  const BATCH = 12;
  const RETRIES = 3;
  /** Absolute URL → revision, for every precached file. */
  const REVISIONS = new Map(entries.map(([path, rev]) => [new URL(path, scope.location.origin).href, rev]));
  const IMMUTABLE = [
    new RegExp(`^${escape(base)}_astro/`),
    new RegExp(`^${escape(base)}pagefind/(?:index|fragment)/`),
    new RegExp(`^${escape(base)}pagefind/pagefind\\.[^/]+\\.pf_meta$`),
  ];

  /** @param {string} text */
  function escape(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  /** @param {string} pathname */
  const isImmutable = (pathname) => IMMUTABLE.some((re) => re.test(pathname));

  /** @param {number} ms */
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

  /** @param {string} url */
  const request = (url) =>
    new Request(url, {
      credentials: 'same-origin',
      cache: isImmutable(new URL(url).pathname) ? 'default' : 'no-cache',
    });

  /**
   * The revisions held by the complete caches of earlier versions: URL → [cache name, revision].
   * @returns {Promise<Map<string, [string, string]>>}
   */
  async function earlierRevisions() {
    /** @type {Map<string, [string, string]>} */
    const found = new Map();
    for (const name of await scope.caches.keys()) {
      if (!name.startsWith(PREFIX) || name === CACHE) continue;
      const done = await (await scope.caches.open(name)).match(DONE);
      if (!done) continue;
      /** @type {unknown} */
      const recorded = await done.json();
      const revisions = /** @type {Record<string, string>} */ (recorded);
      for (const [url, rev] of Object.entries(revisions)) found.set(url, [name, rev]);
    }
    return found;
  }

  /** @param {Cache} cache @param {string} url */
  async function addWithRetries(cache, url) {
    for (let attempt = 1; ; attempt++) {
      try {
        await cache.add(request(url));
        return;
      } catch (error) {
        if (attempt >= RETRIES) {
          throw new Error(`precache: ${url} could not be fetched (${String(error)})`, { cause: error });
        }
        await sleep(500 * attempt);
      }
    }
  }

  async function install() {
    const cache = await scope.caches.open(CACHE);
    if (await cache.match(DONE)) return;
    // An install that failed part-way left what it had fetched: same version, same files.
    const have = new Set((await cache.keys()).map((r) => r.url));
    const earlier = await earlierRevisions();
    /** @type {string[]} */
    const missing = [];
    for (const [url, rev] of REVISIONS) {
      if (have.has(url)) continue;
      const old = earlier.get(url);
      const copy = old && old[1] === rev ? await (await scope.caches.open(old[0])).match(url) : undefined;
      if (copy) await cache.put(url, copy);
      else missing.push(url);
    }
    for (let i = 0; i < missing.length; i += BATCH) {
      const batch = missing.slice(i, i + BATCH);
      try {
        await cache.addAll(batch.map(request));
      } catch {
        // addAll is all or nothing: fetch the batch's files one by one, each retried.
        for (const url of batch) await addWithRetries(cache, url);
      }
    }
    await cache.put(DONE, new Response(JSON.stringify(Object.fromEntries(REVISIONS))));
  }

  async function activate() {
    for (const name of await scope.caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await scope.caches.delete(name);
    }
    await scope.registration.navigationPreload?.enable();
    await scope.clients.claim();
  }

  /** @param {string} url @returns {Promise<Response | undefined>} */
  async function cached(url) {
    return (await scope.caches.open(CACHE)).match(url);
  }

  /**
   * A cached response as a navigation may use it: a response that followed a redirect cannot
   * answer a navigation, so its body is rewrapped.
   * @param {Response} res @param {number} [status]
   */
  function plain(res, status) {
    if (!res.redirected && status === undefined) return res;
    return new Response(res.body, {
      status: status ?? res.status,
      statusText: status === undefined ? res.statusText : '',
      headers: res.headers,
    });
  }

  /**
   * The precached URL that answers a page request, if any: the path itself, its directory for
   * `…/index.html`, or with the trailing slash a directory page needs. Queries are ignored.
   * @param {URL} url
   */
  function pageKey(url) {
    const path = url.pathname;
    const candidates = [path];
    if (path.endsWith('/index.html')) candidates.push(path.slice(0, -'index.html'.length));
    else if (!path.endsWith('/')) candidates.push(`${path}/`);
    for (const c of candidates) {
      const key = new URL(c, url.origin).href;
      if (REVISIONS.has(key)) return key;
    }
    return undefined;
  }

  /**
   * The network's answer, or the cached copy when the network fails or is slower than
   * NETWORK_TIMEOUT_MS (a slow answer is still waited for when there is no copy).
   * @param {Promise<Response>} network @param {string | undefined} key
   * @returns {Promise<Response | undefined>}
   */
  function networkFirst(network, key) {
    return new Promise((resolve) => {
      let settled = false;
      /** @param {Response | undefined} res */
      const settle = (res) => {
        if (!settled && res) {
          settled = true;
          resolve(res);
        }
      };
      const copy = () => (key ? cached(key) : Promise.resolve(undefined));
      const timer = setTimeout(() => {
        void copy().then(settle);
      }, NETWORK_TIMEOUT_MS);
      network.then(
        (res) => {
          clearTimeout(timer);
          settle(res);
        },
        () => {
          clearTimeout(timer);
          void copy().then((res) => {
            if (res) settle(res);
            else if (!settled) {
              settled = true;
              resolve(undefined);
            }
          });
        },
      );
    });
  }

  /** @param {FetchEvent} event */
  async function navigate(event) {
    const key = pageKey(new URL(event.request.url));
    const network = Promise.resolve(event.preloadResponse).then((res) => res ?? fetch(event.request));
    const res = await networkFirst(network, key);
    if (res) return plain(res);
    const notFound = await cached(new URL(fallback, scope.location.origin).href);
    return notFound ? plain(notFound, 404) : Response.error();
  }

  /** @param {Request} req @param {string} key */
  async function cacheFirst(req, key) {
    return (await cached(key)) ?? fetch(req);
  }

  /** @param {Request} req @param {string} key */
  async function fromNetworkFirst(req, key) {
    return (await networkFirst(fetch(req), key)) ?? Response.error();
  }

  scope.addEventListener('install', (event) => {
    event.waitUntil(install());
  });

  scope.addEventListener('activate', (event) => {
    event.waitUntil(activate());
  });

  scope.addEventListener('message', (event) => {
    const data = /** @type {{ type?: unknown } | null} */ (event.data);
    if (data?.type === 'rf-sw-skip-waiting') {
      void scope.skipWaiting();
    } else if (data?.type === 'rf-sw-status') {
      void cached(DONE).then((done) => {
        event.ports[0]?.postMessage({ version, cache: CACHE, files: REVISIONS.size, complete: !!done });
      });
    }
  });

  scope.addEventListener('fetch', (event) => {
    const req = event.request;
    if (req.method !== 'GET') return;
    const url = new URL(req.url);
    if (url.origin !== scope.location.origin || !url.pathname.startsWith(base)) return;
    if (req.mode === 'navigate') {
      event.respondWith(navigate(event));
      return;
    }
    const key = new URL(url.pathname, url.origin).href;
    if (!REVISIONS.has(key)) return;
    event.respondWith(isImmutable(url.pathname) ? cacheFirst(req, key) : fromNetworkFirst(req, key));
  });
}

/**
 * The parts of a service worker's global scope this file uses (the DOM library the project is
 * type-checked with has no ServiceWorkerGlobalScope).
 * @typedef {Event & { waitUntil(promise: Promise<unknown>): void }} ExtendableEvent
 * @typedef {ExtendableEvent & { request: Request, preloadResponse: Promise<Response | undefined>, respondWith(response: Response | Promise<Response>): void }} FetchEvent
 * @typedef {ExtendableEvent & { data: unknown, ports: readonly MessagePort[] }} ExtendableMessageEvent
 * @typedef {{
 *   location: { origin: string },
 *   caches: CacheStorage,
 *   registration: { scope: string, navigationPreload?: { enable(): Promise<void> } },
 *   clients: { claim(): Promise<void> },
 *   skipWaiting(): Promise<void>,
 *   addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void,
 *   addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void,
 *   addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void,
 * }} ServiceWorkerScope
 */
