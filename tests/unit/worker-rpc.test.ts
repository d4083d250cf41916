/**
 * The widgets' worker channel (src/widgets/worker-rpc.ts): the ready handshake, the wall-clock
 * kill counted from readiness, the load limit, crashes, abandoning a run, and that a worker is
 * replaced after it is stopped. A fake Worker stands in for the browser's; the real channel runs
 * in Chromium in tests/e2e/widgets.e2e.ts and playground.e2e.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkerChannel, WorkerStopped, serveRequests } from '../../src/widgets/worker-rpc';

interface Sent {
  readonly id: number;
  readonly query: unknown;
}

/** A worker whose side of the conversation the test plays. */
class FakeWorker {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  readonly sent: Sent[] = [];
  terminated = false;
  postMessage(m: Sent): void {
    this.sent.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  /** The worker says something to the page. */
  say(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent);
  }
  crash(message: string): void {
    let prevented = false;
    this.onerror?.({
      message,
      preventDefault: () => {
        prevented = true;
      },
    } as ErrorEvent);
    expect(prevented).toBe(true);
  }
}

function channel(limitMs = 1000, loadLimitMs = 5000) {
  const workers: FakeWorker[] = [];
  const ch = new WorkerChannel<string, string>(
    () => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    },
    { limitMs, loadLimitMs },
  );
  return { ch, workers };
}

/** Element i of xs, which must exist. */
function nth<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`no element ${String(i)} (length ${String(xs.length)})`);
  return x;
}

/** How a promise settled, without waiting for it. */
function watch<T>(p: Promise<T>): { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } {
  const w: { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } = { state: 'pending' };
  p.then(
    (v) => {
      w.state = 'resolved';
      w.value = v;
    },
    (e: unknown) => {
      w.state = 'rejected';
      w.error = e;
    },
  );
  return w;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WorkerChannel', () => {
  it('starts no worker until asked, holds requests until the worker is ready, then answers by id', async () => {
    const { ch, workers } = channel();
    expect(workers).toHaveLength(0);
    const a = watch(ch.request('a'));
    const b = watch(ch.request('b'));
    expect(workers).toHaveLength(1);
    const w = nth(workers, 0);
    expect(w.sent).toEqual([]);
    expect(ch.busy).toBe(true);
    w.say({ ready: true });
    expect(w.sent.map((m) => m.query)).toEqual(['a', 'b']);
    w.say({ id: nth(w.sent, 1).id, result: 'B' });
    w.say({ id: nth(w.sent, 0).id, result: 'A' });
    await vi.runAllTimersAsync();
    expect([a.value, b.value]).toEqual(['A', 'B']);
    expect(ch.busy).toBe(false);
    expect(w.terminated).toBe(false);
  });

  it('counts the time limit from readiness, not from the request', async () => {
    const { ch, workers } = channel(1000, 5000);
    const r = watch(ch.request('slow load'));
    await vi.advanceTimersByTimeAsync(3000); // loading: past the run limit, within the load limit
    expect(r.state).toBe('pending');
    const w = nth(workers, 0);
    w.say({ ready: true });
    await vi.advanceTimersByTimeAsync(999);
    expect(r.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(r.state).toBe('rejected');
    expect(r.error).toBeInstanceOf(WorkerStopped);
    expect((r.error as WorkerStopped).reason).toBe('timeout');
    expect((r.error as Error).message).toBe('no answer within 1 s, so the worker was stopped');
    expect(w.terminated).toBe(true);
  });

  it('stops a worker that does not load within the load limit', async () => {
    const { ch, workers } = channel(1000, 5000);
    const r = watch(ch.request('x'));
    await vi.advanceTimersByTimeAsync(5000);
    expect(r.state).toBe('rejected');
    expect((r.error as WorkerStopped).reason).toBe('load');
    expect((r.error as Error).message).toBe('the worker did not load within 5 s');
    expect(nth(workers, 0).terminated).toBe(true);
  });

  it('applies a per-request limit over the channel default', async () => {
    const { ch, workers } = channel(1000);
    const r = watch(ch.request('x', 5));
    nth(workers, 0).say({ ready: true });
    await vi.advanceTimersByTimeAsync(5);
    expect((r.error as WorkerStopped).reason).toBe('timeout');
    expect((r.error as Error).message).toContain('within 0.005 s');
  });

  it('tells a crash before readiness from a crash during a run', async () => {
    const first = channel();
    const early = watch(first.ch.request('x'));
    nth(first.workers, 0).crash('SyntaxError in module');
    await vi.runAllTimersAsync();
    expect((early.error as WorkerStopped).reason).toBe('load');
    expect((early.error as Error).message).toBe('the worker failed to start (SyntaxError in module)');

    const second = channel();
    const late = watch(second.ch.request('x'));
    nth(second.workers, 0).say({ ready: true });
    nth(second.workers, 0).crash('');
    await vi.runAllTimersAsync();
    expect((late.error as WorkerStopped).reason).toBe('crash');
    expect((late.error as Error).message).toBe('the worker crashed (no details); it has been stopped');
    expect(nth(second.workers, 0).terminated).toBe(true);
  });

  it('abandons waiting requests on stop() and uses a new worker for the next one', async () => {
    const { ch, workers } = channel();
    ch.warm();
    expect(workers).toHaveLength(1);
    nth(workers, 0).say({ ready: true });
    const old = watch(ch.request('old'));
    ch.stop();
    await vi.runAllTimersAsync();
    expect((old.error as WorkerStopped).reason).toBe('stopped');
    expect(nth(workers, 0).terminated).toBe(true);
    // A late reply from the stopped worker is ignored; the next request gets a fresh worker.
    const next = watch(ch.request('next'));
    expect(workers).toHaveLength(2);
    nth(workers, 0).say({ id: nth(nth(workers, 0).sent, 0).id, result: 'stale' });
    nth(workers, 1).say({ ready: true });
    nth(workers, 1).say({ id: nth(nth(workers, 1).sent, 0).id, result: 'fresh' });
    await vi.runAllTimersAsync();
    expect(next.value).toBe('fresh');
  });

  it('ignores messages that are not replies to a waiting request', async () => {
    const { ch, workers } = channel();
    const r = watch(ch.request('x'));
    const w = nth(workers, 0);
    w.say({ ready: true });
    w.say(null);
    w.say('text');
    w.say({ id: 999, result: 'nobody asked' });
    w.say({ ready: true }); // a second ready does not resend
    expect(w.sent).toHaveLength(1);
    expect(r.state).toBe('pending');
    w.say({ id: nth(w.sent, 0).id, result: 'ok' });
    await vi.runAllTimersAsync();
    expect(r.value).toBe('ok');
  });
});

describe('serveRequests', () => {
  it('announces readiness, then answers each query with its id', () => {
    const scope = globalThis as unknown as {
      onmessage: ((e: { data: Sent }) => void) | null;
      postMessage: unknown;
    };
    const saved = { onmessage: scope.onmessage, postMessage: scope.postMessage };
    const posted: unknown[] = [];
    scope.postMessage = (m: unknown) => posted.push(m);
    try {
      serveRequests((q: string) => q.toUpperCase());
      expect(posted).toEqual([{ ready: true }]);
      scope.onmessage?.({ data: { id: 7, query: 'abc' } });
      expect(posted).toEqual([{ ready: true }, { id: 7, result: 'ABC' }]);
    } finally {
      scope.onmessage = saved.onmessage;
      scope.postMessage = saved.postMessage;
    }
  });
});
