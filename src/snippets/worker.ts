/**
 * The reader's snippet runner (issue 5): a dedicated module Web Worker, one per run. The page
 * (src/snippets/client/runner.ts) creates it from its same-origin URL, never a blob: URL (a blob
 * worker would inherit the page's CSP, which forbids eval). The worker needs `new Function` to
 * compile the reader's code, so it cannot rely on a CSP header (GitHub Pages sends none) to keep
 * that code off the network: it locks itself down instead (src/snippets/harden.ts). It compiles
 * the snippet with the real Function constructor, kept in this module's scope, then hardens its
 * global scope (no fetch or importScripts, no eval, no function constructors, no string timers,
 * no nested workers), then calls the compiled code. The page itself still cannot eval at all.
 *
 * Protocol: the worker posts `{ kind: 'ready' }` once loaded. A spare worker started ahead of a
 * Run is then sent `{ warmUp: true }`: it runs WARM_UP (a few model runs, discarded) so the JIT
 * has compiled sucrase and the model before the reader's code arrives, and posts
 * `{ kind: 'warm' }` (WARM_UP runs before hardening; it is our code). The page posts `{ code }`
 * once; the worker runs the code with the shared runtime (runSnippet and formatRun, exactly as
 * the build does in Node), hardened as above, and posts ONE `{ kind: 'result', … }`. The page
 * terminates it after that, or after SNIPPET_LIMITS.timeoutMs.
 *
 * Not a perfect sandbox: the reader runs their own code (or code from a link they chose to run)
 * in their own browser; what matters is that it cannot reach the page, its DOM or storage, or the
 * network through the usual APIs, and that a runaway is killed.
 */
import { harden } from './harden';
import { formatRun, runSnippet, type Evaluate, type LineOf, type SnippetRun } from './runtime';

export { BLOCKED } from './harden';

/**
 * The real Function constructor, taken when this module loads: the only one left once the
 * worker is hardened, and private to this module (a snippet cannot reach its scope).
 */
const CompileFunction = Function;

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
 * V8 wraps a `new Function` body in `function anonymous(<params>\n) {\n`, so the body's first
 * line is reported as line 3 (for any parameter list without newlines). Measured, not assumed:
 * a probe function throws from its first line.
 */
function measureOffset(): number {
  try {
    const probe = new CompileFunction(
      'require',
      'exports',
      'console',
      'throw new Error("probe")',
    ) as () => void;
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

/**
 * Compile the snippet with the real constructor, then (for the reader's code) harden `lockDown`
 * before calling it: from its first statement on, the snippet finds no way to make code from a
 * string. A syntax error is thrown by the compile, before anything runs.
 */
const evaluator =
  (lockDown: object | null): Evaluate =>
  (js, vars) => {
    const names = Object.keys(vars);
    const fn = new CompileFunction(...names, js) as (...args: unknown[]) => unknown;
    if (lockDown) harden(lockDown);
    fn(...names.map((n) => vars[n]));
  };

const lineOf: LineOf = (e) => {
  const line = stackLine(e);
  return line === null || line - OFFSET < 1 ? null : line - OFFSET;
};

/**
 * Run one snippet as the worker does (exported for the unit test, which runs it in Node).
 * `lockDown`: the global scope to harden between compiling and running the code (the worker's
 * own for the reader's code; null for WARM_UP, our own code, and for unit tests that must not
 * harden Node's global).
 */
export function runInWorker(code: string, lockDown: object | null = null): WorkerResult {
  const run = runSnippet(code, evaluator(lockDown), lineOf);
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
    // Hardened between compiling the code and running it (evaluator above).
    const result = runInWorker(typeof code === 'string' ? code : '', scope);
    try {
      post(result);
    } catch {
      // Something in the result cannot be cloned (it is plain data; this should not happen).
      post({ ...result, run: { ...result.run, traces: [] } });
    }
  });
  post({ kind: 'ready' });
}
