/**
 * Registers the offline service worker (dist/sw.js, written by scripts/service-worker.mjs) once
 * the page has loaded and the browser is idle, and offers a new build when one is waiting: a
 * non-modal notice (a polite live region, not focused) whose Reload button activates the waiting
 * worker and reloads. Bundled by Astro into every page (src/components/OfflineSupport.astro), so
 * it is kept small; tests/e2e/budgets.e2e.ts counts it.
 */

const NOTICE_ID = 'rf-sw-update';

/** Set when the reader asked for the new version: the next controller change reloads. */
let reloadRequested = false;

/** Show (or update) the notice; `waiting` is the worker to activate, null when one already is. */
function offer(waiting: ServiceWorker | null): void {
  let box = document.getElementById(NOTICE_ID);
  if (!box) {
    box = document.createElement('div');
    box.id = NOTICE_ID;
    box.setAttribute('role', 'status');
    box.style.cssText =
      'position:fixed;z-index:1000;inset-block-end:1rem;inset-inline-end:1rem;max-width:calc(100vw - 2rem);' +
      'display:flex;gap:.75rem;align-items:center;padding:.75rem 1rem;border:1px solid var(--sl-color-gray-5);' +
      'background:var(--sl-color-black);color:var(--sl-color-white);box-shadow:var(--sl-shadow-md);font-size:var(--sl-text-sm)';
    document.body.append(box);
  }
  const notice = box;
  // Filled after the live region is in the document, so screen readers announce the text.
  setTimeout(() => {
    const text = document.createElement('span');
    text.textContent = 'A new version of this site is available.';
    const reload = document.createElement('button');
    reload.type = 'button';
    reload.textContent = 'Reload';
    reload.style.cssText =
      'font:inherit;font-weight:600;padding:.25rem .75rem;border:0;border-radius:.25rem;cursor:pointer;' +
      'background:var(--sl-color-text-accent);color:var(--sl-color-black)';
    reload.addEventListener('click', () => {
      reloadRequested = true;
      if (waiting && waiting.state === 'installed') {
        waiting.postMessage({ type: 'rf-sw-skip-waiting' });
        // Should the worker never take over, reload anyway.
        setTimeout(() => {
          location.reload();
        }, 4000);
      } else {
        location.reload();
      }
    });
    notice.replaceChildren(text, reload);
  }, 100);
}

async function register(): Promise<void> {
  const sw = navigator.serviceWorker;
  const base = import.meta.env.BASE_URL;
  const hadController = sw.controller !== null;
  const reg = await sw.register(`${base}sw.js`, { scope: base });
  /** A worker that finished installing while another controls the page is a new version. */
  const watch = (worker: ServiceWorker | null): void => {
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && sw.controller) offer(worker);
    });
  };
  if (reg.waiting && sw.controller) offer(reg.waiting);
  watch(reg.installing);
  reg.addEventListener('updatefound', () => {
    watch(reg.installing);
  });
  sw.addEventListener('controllerchange', () => {
    if (reloadRequested) location.reload();
    // Another tab activated a new version: this page's files may be gone from the cache.
    else if (hadController) offer(null);
  });
}

/** Register after the load event, when the browser is idle; only where service workers exist. */
export function registerServiceWorker(): void {
  // The development server (npm start) has no sw.js: the build writes it after bundling, and a
  // worker caching pages there would hide the edits the server reloads.
  if (import.meta.env.DEV) return;
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const start = (): void => {
    const run = (): void => {
      register().catch((error: unknown) => {
        console.warn('Offline support is unavailable:', error);
      });
    };
    if ('requestIdleCallback' in window) requestIdleCallback(run, { timeout: 5000 });
    else setTimeout(run, 1000);
  };
  if (document.readyState === 'complete') start();
  else addEventListener('load', start, { once: true });
}
