/**
 * The page side of the snippet runner: one dedicated module worker per run
 * (src/snippets/worker.ts, from its same-origin URL), a spare one started ahead of time ("warm"),
 * a wall-clock limit enforced with worker.terminate(), and a strict check of the single result
 * message. Nothing the worker sends is used except that one checked result.
 */
import { checkResult, type CheckedResult } from './result';

/** SNIPPET_LIMITS.timeoutMs (src/snippets/runtime.ts; a unit test keeps them equal). */
export const TIMEOUT_MS = 2_000;
/** How long a cold worker may take to load its code (sucrase and the model) before it counts as broken. */
export const LOAD_LIMIT_MS = 20_000;

export type Outcome =
  | { readonly kind: 'result'; readonly result: CheckedResult }
  | { readonly kind: 'timeout'; readonly text: string }
  | { readonly kind: 'crash'; readonly text: string };

/** The text Node gives a snippet stopped by the limit (src/snippets/node.ts, SnippetTimeout). */
export const TIMEOUT_TEXT = `✗ the snippet ran longer than ${TIMEOUT_MS} ms and was stopped`;

interface Spawned {
  readonly worker: Worker;
  /** Resolves on the worker's "ready" message; rejects on an error event before it. */
  readonly ready: Promise<void>;
  /** Set by run(): called with the first valid result or a crash. */
  settle: ((o: Outcome) => void) | null;
}

let spare: Spawned | null = null;

/**
 * A new worker. A spare (`warmUp`) is asked to warm its JIT first (worker.ts WARM_UP) and counts
 * as ready once it has; a worker for an immediate run is ready as soon as it has loaded.
 */
function spawn(warmUp: boolean): Spawned {
  const worker = new Worker(new URL('../worker.ts', import.meta.url), { type: 'module' });
  if (warmUp) worker.postMessage({ warmUp: true });
  const readyKind = warmUp ? 'warm' : 'ready';
  let ok!: () => void;
  let fail!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    ok = resolve;
    fail = reject;
  });
  // A rejection nobody awaits yet must not be reported as unhandled.
  ready.catch(() => undefined);
  const spawned: Spawned = { worker, ready, settle: null };
  let isReady = false;
  worker.addEventListener('message', (e: MessageEvent) => {
    const data: unknown = e.data;
    if (!isReady) {
      if ((data as { kind?: unknown } | null)?.kind === readyKind) {
        isReady = true;
        ok();
      }
      return;
    }
    const settle = spawned.settle;
    if (!settle) return;
    const result = checkResult(data);
    if (!result) return; // not the result: ignored
    spawned.settle = null;
    settle({ kind: 'result', result });
  });
  worker.addEventListener('error', (e: ErrorEvent) => {
    e.preventDefault();
    const why = e.message ? ` (${e.message})` : '';
    if (!isReady) {
      fail(new Error(`the snippet runner could not start${why}`));
      return;
    }
    const settle = spawned.settle;
    spawned.settle = null;
    settle?.({
      kind: 'crash',
      text: `✗ the snippet runner crashed${why}; it may have run out of memory. It has been restarted.`,
    });
  });
  return spawned;
}

/** Start a worker ahead of the next run (on pointer or focus over Run). */
export function warm(): void {
  spare ??= spawn(true);
}

/** Run `code` in a fresh worker; never rejects. */
export async function runInWorker(code: string): Promise<Outcome> {
  const w = spare ?? spawn(false);
  spare = null;
  try {
    let timer = 0;
    await Promise.race([
      w.ready,
      new Promise((_, reject) => {
        timer = window.setTimeout(() => {
          reject(new Error(`the snippet runner did not load within ${LOAD_LIMIT_MS / 1000} s`));
        }, LOAD_LIMIT_MS);
      }),
    ]).finally(() => {
      clearTimeout(timer);
    });
  } catch (e) {
    w.worker.terminate();
    return { kind: 'crash', text: `✗ ${e instanceof Error ? e.message : String(e)}` };
  }
  const outcome = await new Promise<Outcome>((resolve) => {
    const timer = window.setTimeout(() => {
      w.settle = null;
      resolve({ kind: 'timeout', text: TIMEOUT_TEXT });
    }, TIMEOUT_MS);
    w.settle = (o) => {
      clearTimeout(timer);
      resolve(o);
    };
    w.worker.postMessage({ code });
  });
  // One run per worker: a used worker has a hardened (and maybe polluted) global scope.
  w.worker.terminate();
  // Warm the next one once this page is idle again.
  setTimeout(warm, 0);
  return outcome;
}
