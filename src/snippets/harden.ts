/**
 * Locking down the global scope a reader's snippet runs in (issues 5 and 16). The reader's
 * worker (src/snippets/worker.ts) calls harden() once, after it has compiled the snippet and
 * before it calls it; the build's Node evaluator (src/snippets/node.ts) does the same to each
 * snippet's vm context, so a snippet that uses a blocked global fails the build with the error
 * the reader would see.
 *
 * What harden() takes away, each as an error naming what is blocked and why:
 * - the network and the page: fetch, XMLHttpRequest, WebSocket, FontFace, importScripts, nested
 *   workers, storage, postMessage … (BLOCKED, BLOCKED_NAVIGATOR);
 * - every way of turning a string into code, because code made from a string may contain
 *   `import("https://…")`, which no global can intercept: eval, the constructors of the four
 *   kinds of function (the global Function and `.constructor` of any function, so
 *   `Object.getPrototypeOf(async function () {}).constructor` too) and setTimeout/setInterval
 *   with a string (they still take a function).
 * A snippet's own text cannot contain `import(` either: src/snippets/runtime.ts refuses it.
 *
 * Each name is replaced on the global object and on every prototype of it that defines the name
 * (Chromium puts importScripts, fetch and setTimeout on WorkerGlobalScope.prototype, so
 * `WorkerGlobalScope.prototype.importScripts.call(self, …)` must fail too), as non-configurable
 * properties the snippet cannot redefine. If any of them cannot be replaced, harden() throws and
 * the snippet is not run.
 *
 * Only the code that calls harden() keeps what it had before: the worker's own reference to the
 * real Function constructor and to postMessage live in its module scope, which a snippet cannot
 * reach.
 */

const NO_NETWORK = 'snippets run in a Web Worker without network access';
const NO_DOM = "snippets run in a Web Worker without the page's DOM";
const NO_STORAGE = "snippets run in a Web Worker without the page's DOM or storage";
/** Why code from strings is refused: an `import()` in it would load code from anywhere. */
export const NO_EVAL = 'snippets cannot run code made from strings, which could import code from the network';
const NO_WORKERS = 'snippets cannot start other workers';

/** Globals a snippet must not use, and why. Each becomes a getter that throws a clear error. */
export const BLOCKED: Readonly<Record<string, string>> = {
  fetch: NO_NETWORK,
  XMLHttpRequest: NO_NETWORK,
  WebSocket: NO_NETWORK,
  WebSocketStream: NO_NETWORK,
  WebTransport: NO_NETWORK,
  EventSource: NO_NETWORK,
  // A font face loads its url() source, from any origin.
  FontFace: NO_NETWORK,
  fonts: NO_NETWORK,
  Notification: 'snippets cannot show notifications (nor load their icons from the network)',
  importScripts: 'snippets can import only "@realmfault/model"',
  eval: NO_EVAL,
  Function: NO_EVAL,
  ShadowRealm: NO_EVAL,
  indexedDB: NO_STORAGE,
  caches: NO_STORAGE,
  webkitRequestFileSystem: NO_STORAGE,
  webkitRequestFileSystemSync: NO_STORAGE,
  webkitResolveLocalFileSystemURL: NO_STORAGE,
  webkitResolveLocalFileSystemSyncURL: NO_STORAGE,
  BroadcastChannel: 'snippets run in a Web Worker that cannot message other pages',
  postMessage: 'snippets print with console.log; they cannot message the page',
  close: 'the page ends the snippet runner itself',
  Worker: NO_WORKERS,
  SharedWorker: NO_WORKERS,
  document: NO_DOM,
  window: NO_DOM,
  parent: NO_DOM,
  localStorage: NO_STORAGE,
  sessionStorage: NO_STORAGE,
  cookieStore: NO_STORAGE,
};

/** Properties of the worker's navigator that reach storage or other contexts. */
export const BLOCKED_NAVIGATOR: Readonly<Record<string, string>> = {
  storage: NO_STORAGE,
  storageBuckets: NO_STORAGE,
  locks: NO_STORAGE,
  serviceWorker: NO_STORAGE,
  sendBeacon: NO_NETWORK,
};

/**
 * The four kinds of function whose constructors compile a string, in the order harden() makes
 * one of each: every function's `.constructor` is one of them.
 */
export const FUNCTION_KINDS = [
  'Function',
  'AsyncFunction',
  'GeneratorFunction',
  'AsyncGeneratorFunction',
] as const;

/** Timers that take a string of code as well as a function. */
export const STRING_TIMERS = ['setTimeout', 'setInterval'] as const;

// Kept from before any snippet runs: a snippet may replace Object.defineProperty, Reflect.apply
// or Error, and the wrappers below call these while a snippet runs.
const { defineProperty, getOwnPropertyDescriptor, getPrototypeOf } = Object;
const { apply } = Reflect;
const SafeError = Error;
const toNumber = Number;
const hasOwn = (o: object, name: PropertyKey): boolean => getOwnPropertyDescriptor(o, name) !== undefined;

/** `target` and every object on its prototype chain that has an own property `name`. */
function holders(target: object, name: string): object[] {
  const out: object[] = [target];
  for (let p = getPrototypeOf(target) as object | null; p; p = getPrototypeOf(p) as object | null) {
    if (hasOwn(p, name)) out.push(p);
  }
  return out;
}

/** Define `name` on `holder` for good, or say why that failed (the snippet is then not run). */
function lock(holder: object, name: string, descriptor: PropertyDescriptor): void {
  try {
    defineProperty(holder, name, { ...descriptor, configurable: false });
  } catch (e) {
    throw new SafeError(
      `the snippet runner could not block ${name} (${e instanceof Error ? e.message : String(e)}), so it did not run the snippet`,
    );
  }
}

/** A getter (and setter) that throws "<what> is not available: <why>". */
function thrower(what: string, why: string): () => never {
  return () => {
    throw new SafeError(`${what} is not available: ${why}`);
  };
}

/** Replace each name, on the target and on every prototype that defines it, by a thrower. */
export function block(target: object, names: Readonly<Record<string, string>>, prefix: string): void {
  for (const [name, why] of Object.entries(names)) {
    const fail = thrower(`${prefix}${name}`, why);
    for (const holder of holders(target, name)) lock(holder, name, { get: fail, set: fail });
  }
}

/** setTimeout/setInterval that run a function as before and refuse a string of code. */
function functionOnly(
  global: object,
  name: string,
  original: (...args: unknown[]) => unknown,
): typeof original {
  const refuse = thrower(`${name} with a string`, `${NO_EVAL} (pass a function)`);
  return function (handler: unknown, timeout?: unknown, ...args: unknown[]): unknown {
    if (typeof handler !== 'function') refuse();
    // The delay is converted here, not by the original while it is on the stack.
    return apply(original, global, [handler, toNumber(timeout ?? 0), ...args]);
  };
}

const hardened = new WeakSet<object>();

/**
 * Lock down `global` (the worker's own global scope, or a vm context's global in Node). Call it
 * after compiling the snippet with the real Function constructor and before running it. Safe to
 * call again (it does nothing the second time); throws when something could not be blocked.
 */
export function harden(global: object = globalThis): void {
  if (hardened.has(global)) return;
  const g = global as Record<string, unknown>;

  // One function of each kind, made in the global's own realm (it may be a vm context), while
  // its Function constructor is still there: their prototypes hold the four constructors.
  const RealmFunction = g['Function'] as FunctionConstructor;
  // (Runs once, before any snippet code.)
  const make = new RealmFunction(
    'return [function () {}, async function () {}, function* () {}, async function* () {}];',
  ) as () => object[];
  const samples = make();
  FUNCTION_KINDS.forEach((kind, i) => {
    const proto = getPrototypeOf(samples[i]) as object;
    const fail = thrower(kind, NO_EVAL);
    lock(proto, 'constructor', { get: fail, set: fail });
  });

  for (const name of STRING_TIMERS) {
    const original = g[name];
    if (typeof original !== 'function') continue;
    const safe = functionOnly(global, name, original as (...args: unknown[]) => unknown);
    defineProperty(safe, 'name', { value: name });
    for (const holder of holders(global, name)) {
      lock(holder, name, { value: safe, writable: false, enumerable: true });
    }
  }

  const nav = g['navigator'];
  if (typeof nav === 'object' && nav !== null) block(nav, BLOCKED_NAVIGATOR, 'navigator.');
  block(global, BLOCKED, '');
  hardened.add(global);
}
