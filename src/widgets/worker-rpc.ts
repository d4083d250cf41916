/**
 * A small request/response channel to a widget's Web Worker. The widgets run the model in a
 * worker, created on the reader's first edit: the page's own scripts stay tiny and free of
 * model code, and a run that takes too long is stopped by terminating the worker instead of
 * freezing the page. A worker rather than a dynamic import: Vite wraps every dynamic import in
 * its preload helper, and once three scripts share that helper it moves out of Starlight's search
 * script into a chunk of its own that every page loads, which costs each page without widgets
 * about 200 B gzip over its budget (bench/budgets.json).
 */

interface Reply<R> {
  readonly id: number;
  readonly result: R;
}

/** One worker, started on first use, with a wall-clock limit per request. */
export class WorkerChannel<Q, R> {
  #worker: Worker | null = null;
  #next = 0;
  readonly #pending = new Map<
    number,
    { resolve: (r: R) => void; reject: (e: Error) => void; timer: number }
  >();

  constructor(
    private readonly start: () => Worker,
    /** Milliseconds a request may take before the worker is stopped. */
    private readonly limitMs: number,
  ) {}

  #get(): Worker {
    if (this.#worker) return this.#worker;
    const w = this.start();
    w.onmessage = (e: MessageEvent<Reply<R>>) => {
      const p = this.#pending.get(e.data.id);
      if (!p) return;
      this.#pending.delete(e.data.id);
      clearTimeout(p.timer);
      p.resolve(e.data.result);
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#fail(new Error(`the worker failed: ${e.message || 'unknown error'}`));
    };
    this.#worker = w;
    return w;
  }

  /** Stop the worker and reject every request still waiting. */
  #fail(error: Error): void {
    this.#worker?.terminate();
    this.#worker = null;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.#pending.clear();
  }

  request(query: Q): Promise<R> {
    const w = this.#get();
    const id = ++this.#next;
    return new Promise<R>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.#fail(new Error(`no answer within ${this.limitMs / 1000} s; the run was stopped`));
      }, this.limitMs);
      this.#pending.set(id, { resolve, reject, timer });
      w.postMessage({ id, query });
    });
  }
}

/**
 * The worker side: answer each request with `handle`. The handler's parameter type is the
 * channel's query type (WorkerChannel<Q, R> on the page side); its return value is the answer.
 */
export function serveRequests(handle: (query: never) => unknown): void {
  const scope = globalThis as unknown as {
    onmessage: ((e: MessageEvent<{ id: number; query: unknown }>) => void) | null;
    postMessage: (m: Reply<unknown>) => void;
  };
  scope.onmessage = (e) => {
    scope.postMessage({ id: e.data.id, result: handle(e.data.query as never) });
  };
}
