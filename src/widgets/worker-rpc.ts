/**
 * The request/response channel between a widget and its model worker, with a wall-clock kill.
 * The decoder, the fault explorer and the playground run the model in a Web Worker started on the
 * reader's first use: the page's own scripts stay small and free of model code, and a run that
 * takes too long is stopped by terminating the worker instead of freezing the page. A worker
 * rather than a dynamic import: Vite wraps every dynamic import in its preload helper, and once
 * three scripts share that helper it moves out of Starlight's search script into a chunk of its
 * own that every page loads, about 200 B gzip over the budget of pages without widgets
 * (bench/budgets.json).
 *
 * Protocol: the worker posts `{ ready: true }` once its code has loaded (serveRequests does this),
 * then one `{ id, result }` per `{ id, query }`. A request's time limit starts when the worker is
 * ready, so the download and compilation of the model on a slow machine do not count against the
 * run; loading has its own, longer limit.
 *
 * The snippet runner (src/snippets/client/runner.ts) does not use this channel: it runs the
 * reader's code, so it takes a fresh worker for every run and checks the one result message
 * field by field, rather than trusting replies from a worker it keeps.
 */

interface Reply<R> {
  readonly id: number;
  readonly result: R;
}

/** Why a request got no answer. */
export type StopReason = 'timeout' | 'load' | 'crash' | 'stopped';

/** The rejection of a request the worker did not answer; `reason` says why. */
export class WorkerStopped extends Error {
  override readonly name = 'WorkerStopped';
  constructor(
    readonly reason: StopReason,
    message: string,
  ) {
    super(message);
  }
}

export interface ChannelOptions {
  /** Milliseconds a request may take, from the moment the worker is ready, before it is stopped. */
  readonly limitMs: number;
  /** Milliseconds the worker may take to load its code (default 20 000). */
  readonly loadLimitMs?: number;
}

interface Pending<R> {
  readonly resolve: (r: R) => void;
  readonly reject: (e: Error) => void;
  readonly limitMs: number;
  /** The wall-clock kill, armed once the worker is ready. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Sent to the worker once it is ready. */
  readonly message: { readonly id: number; readonly query: unknown };
}

/** One worker, started on first use (or on warm()), kept between requests until it fails. */
export class WorkerChannel<Q, R> {
  #worker: Worker | null = null;
  #ready = false;
  #loadTimer: ReturnType<typeof setTimeout> | undefined;
  #next = 0;
  readonly #pending = new Map<number, Pending<R>>();
  readonly #limitMs: number;
  readonly #loadLimitMs: number;

  constructor(
    private readonly start: () => Worker,
    options: ChannelOptions,
  ) {
    this.#limitMs = options.limitMs;
    this.#loadLimitMs = options.loadLimitMs ?? 20_000;
  }

  /** Start the worker now (e.g. on the first interaction), so the first request need not wait for it. */
  warm(): void {
    this.#get();
  }

  /** Whether a request is waiting for an answer. */
  get busy(): boolean {
    return this.#pending.size > 0;
  }

  #get(): Worker {
    if (this.#worker) return this.#worker;
    const w = this.start();
    this.#ready = false;
    w.onmessage = (e: MessageEvent<Reply<R> | { readonly ready: true } | null>) => {
      const data = e.data;
      if (data === null || typeof data !== 'object') return;
      if ('ready' in data) {
        if (this.#ready) return;
        this.#ready = true;
        clearTimeout(this.#loadTimer);
        for (const p of this.#pending.values()) this.#send(w, p);
        return;
      }
      const p = this.#pending.get(data.id);
      if (!p) return;
      this.#pending.delete(data.id);
      clearTimeout(p.timer);
      p.resolve(data.result);
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      const why = e.message || 'no details';
      this.#fail(
        this.#ready
          ? new WorkerStopped('crash', `the worker crashed (${why}); it has been stopped`)
          : new WorkerStopped('load', `the worker failed to start (${why})`),
      );
    };
    this.#loadTimer = setTimeout(() => {
      this.#fail(new WorkerStopped('load', `the worker did not load within ${this.#loadLimitMs / 1000} s`));
    }, this.#loadLimitMs);
    this.#worker = w;
    return w;
  }

  #send(w: Worker, p: Pending<R>): void {
    p.timer = setTimeout(() => {
      this.#fail(
        new WorkerStopped('timeout', `no answer within ${p.limitMs / 1000} s, so the worker was stopped`),
      );
    }, p.limitMs);
    w.postMessage(p.message);
  }

  /** Terminate the worker and reject every waiting request with `error`. */
  #fail(error: WorkerStopped): void {
    clearTimeout(this.#loadTimer);
    this.#worker?.terminate();
    this.#worker = null;
    this.#ready = false;
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of waiting) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  }

  /** Abandon every waiting request (they reject with reason "stopped") and terminate the worker. */
  stop(): void {
    this.#fail(new WorkerStopped('stopped', 'the request was abandoned'));
  }

  /** Ask the worker; `limitMs` overrides the channel's limit for this request. */
  request(query: Q, limitMs: number = this.#limitMs): Promise<R> {
    const w = this.#get();
    const id = ++this.#next;
    return new Promise<R>((resolve, reject) => {
      const p: Pending<R> = { resolve, reject, limitMs, timer: undefined, message: { id, query } };
      this.#pending.set(id, p);
      if (this.#ready) this.#send(w, p);
    });
  }
}

/**
 * The worker side: announce that the code has loaded, then answer each request with `handle`.
 * The handler's parameter type is the channel's query type (WorkerChannel<Q, R> on the page
 * side); its return value is the answer.
 */
export function serveRequests(handle: (query: never) => unknown): void {
  const scope = globalThis as unknown as {
    onmessage: ((e: MessageEvent<{ id: number; query: unknown }>) => void) | null;
    postMessage: (m: Reply<unknown> | { ready: true }) => void;
  };
  scope.onmessage = (e) => {
    scope.postMessage({ id: e.data.id, result: handle(e.data.query as never) });
  };
  scope.postMessage({ ready: true });
}
