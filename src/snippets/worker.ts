/**
 * The reader's snippet runner (issue 5): a dedicated module Web Worker, one per run. The page
 * (src/snippets/client/runner.ts) creates it from its same-origin URL, never a blob: URL (a blob
 * worker would inherit the page's CSP, which forbids eval). Served without a CSP header of its
 * own, the worker may use `new Function`; the page itself still cannot.
 *
 * Protocol: the worker posts `{ kind: 'ready' }` once loaded. A spare worker started ahead of a
 * Run is then sent `{ warmUp: true }`: it runs WARM_UP (a few model runs, discarded) so the JIT
 * has compiled sucrase and the model before the reader's code arrives, and posts
 * `{ kind: 'warm' }`. The page posts `{ code }` once;
 * the worker hardens its global scope, runs the code with the shared runtime (runSnippet and
 * formatRun, exactly as the build does in Node) and posts ONE `{ kind: 'result', … }`. The page
 * terminates it after that, or after SNIPPET_LIMITS.timeoutMs.
 *
 * Not a perfect sandbox: the reader runs their own code (or code from a link they chose to run)
 * in their own browser; what matters is that it cannot reach the page, its DOM or storage, or the
 * network through the usual APIs, and that a runaway is killed.
 */
import { formatRun, runSnippet, type Evaluate, type LineOf, type SnippetRun } from './runtime';

/** What the page receives (checked again there: nothing from a worker is trusted). */
export interface WorkerResult {
  readonly kind: 'result';
  readonly run: SnippetRun;
  /** formatRun(run): the output area's text. */
  readonly text: string;
  /** The problem's line of that text ("✗ … (line N)"), or null. */
  readonly problemText: string | null;
}

type Scope = typeof globalThis & {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
};
const scope = globalThis as Scope;

/** True in a worker; false when a unit test imports this file in Node. */
const IN_WORKER =
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'function' &&
  typeof scope.postMessage === 'function';

/**
 * Globals a snippet must not use, and why. Each becomes a getter that throws a clear error, on
 * the global object and on every prototype of it that defines the name (Web IDL puts methods
 * such as postMessage on DedicatedWorkerGlobalScope.prototype, not on `self`).
 */
const NO_NETWORK = 'snippets run in a Web Worker without network access';
const NO_DOM = "snippets run in a Web Worker without the page's DOM";
const NO_STORAGE = "snippets run in a Web Worker without the page's DOM or storage";
export const BLOCKED: Readonly<Record<string, string>> = {
  fetch: NO_NETWORK,
  XMLHttpRequest: NO_NETWORK,
  WebSocket: NO_NETWORK,
  WebTransport: NO_NETWORK,
  EventSource: NO_NETWORK,
  importScripts: 'snippets can import only "@realmfault/model"',
  indexedDB: NO_STORAGE,
  caches: NO_STORAGE,
  BroadcastChannel: 'snippets run in a Web Worker that cannot message other pages',
  postMessage: 'snippets print with console.log; they cannot message the page',
  close: 'the page ends the snippet runner itself',
  Worker: 'snippets cannot start other workers',
  SharedWorker: 'snippets cannot start other workers',
  document: NO_DOM,
  window: NO_DOM,
  parent: NO_DOM,
  localStorage: NO_STORAGE,
  sessionStorage: NO_STORAGE,
  cookieStore: NO_STORAGE,
};
/** Properties of the worker's navigator that reach storage or other contexts. */
const BLOCKED_NAVIGATOR: Readonly<Record<string, string>> = {
  storage: NO_STORAGE,
  locks: NO_STORAGE,
  serviceWorker: NO_STORAGE,
  sendBeacon: NO_NETWORK,
};

function block(target: object, names: Readonly<Record<string, string>>, prefix: string): void {
  for (const [name, why] of Object.entries(names)) {
    const thrower = (): never => {
      throw new Error(`${prefix}${name} is not available: ${why}`);
    };
    // Own property on the target (shadows the prototypes) …
    const holders: object[] = [target];
    // … and every prototype that defines it, so Object.getPrototypeOf(self).postMessage fails too.
    for (
      let p: object | null = Object.getPrototypeOf(target) as object | null;
      p;
      p = Object.getPrototypeOf(p) as object | null
    ) {
      if (Object.prototype.hasOwnProperty.call(p, name)) holders.push(p);
    }
    for (const holder of holders) {
      try {
        Object.defineProperty(holder, name, { get: thrower, set: thrower, configurable: false });
      } catch {
        // A non-configurable property (none in current engines) stays; the own one shadows it.
      }
    }
  }
}

/** Replace the blocked globals; run once, just before the reader's code. */
export function harden(): void {
  const nav = (scope as { navigator?: object }).navigator;
  if (nav) block(nav, BLOCKED_NAVIGATOR, 'navigator.');
  block(scope, BLOCKED, '');
}

/**
 * V8 wraps a `new Function` body in `function anonymous(<params>\n) {\n`, so the body's first
 * line is reported as line 3 (for any parameter list without newlines). Measured, not assumed:
 * a probe function throws from its first line.
 */
function measureOffset(): number {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the worker's purpose
    const probe = new Function('require', 'exports', 'console', 'throw new Error("probe")') as () => void;
    probe();
  } catch (e) {
    const line = stackLine(e);
    if (line !== null) return line - 1;
  }
  return 0;
}

/** The line of the first stack frame in code made by `new Function` (Chromium, Firefox). */
function stackLine(e: unknown): number | null {
  const stack = (e as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return null;
  const m = /(?:<anonymous>|> Function):(\d+):\d+/.exec(stack);
  return m ? Number(m[1]) : null;
}

const OFFSET = measureOffset();

const evaluate: Evaluate = (js, vars) => {
  const names = Object.keys(vars);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the worker's purpose
  const fn = new Function(...names, js) as (...args: unknown[]) => unknown;
  fn(...names.map((n) => vars[n]));
};

const lineOf: LineOf = (e) => {
  const line = stackLine(e);
  return line === null || line - OFFSET < 1 ? null : line - OFFSET;
};

/** Run one snippet as the worker does (exported for the unit test, which runs it in Node). */
export function runInWorker(code: string): WorkerResult {
  const run = runSnippet(code, evaluate, lineOf);
  return {
    kind: 'result',
    run,
    text: formatRun(run),
    problemText: run.problem ? formatRun({ output: '', problem: run.problem, traces: [] }) : null,
  };
}

/**
 * Exercises sucrase (type stripping of a typical snippet) and the model's fault path, so that a
 * fresh worker's JIT is warm. Only the page's spare worker runs it, before any reader code; its
 * output is discarded.
 */
export const WARM_UP = `import { runScenario, getBuiltinScenario, BUILTIN_SCENARIO_NAMES, formatEvent } from '@realmfault/model';
for (let round = 0; round < 2; round++) {
  for (const name of BUILTIN_SCENARIO_NAMES.slice(0, 6)) {
    for (const variant of ['v14', 'post-v14-review'] as const) {
      const run = runScenario(getBuiltinScenario(name), { variant });
      const last: string = run.trace.length > 0 ? formatEvent(run.trace[run.trace.length - 1]!) : '';
      console.log(name, variant, run.steps.length, last.length);
    }
  }
}
`;

if (IN_WORKER) {
  /** Kept before hardening: the only way out of the worker is this one reference. */
  const post = scope.postMessage.bind(scope);
  let started = false;
  let warmed = false;
  scope.addEventListener('message', (e: MessageEvent) => {
    if (started) return;
    if ((e.data as { warmUp?: unknown } | null)?.warmUp === true) {
      if (!warmed) {
        warmed = true;
        runInWorker(WARM_UP);
        post({ kind: 'warm' });
      }
      return;
    }
    started = true;
    const code = (e.data as { code?: unknown } | null)?.code;
    harden();
    const result = runInWorker(typeof code === 'string' ? code : '');
    try {
      post(result);
    } catch {
      // Something in the result cannot be cloned (it is plain data; this should not happen).
      post({ ...result, run: { ...result.run, traces: [] } });
    }
  });
  post({ kind: 'ready' });
}
