/**
 * The Replay widget's worker: reads the log (the text box's text or a file) slice by slice into
 * the model's replay (createReplay().push()), posting progress between slices, and keeps the
 * result. The page then asks for what it shows — windows of rows, one line's detail, more
 * episodes — rendered here (render.ts), so a 100 000-line result never crosses to the page. The
 * page terminates the worker on Cancel and after its wall-clock limit (client.ts); the log never
 * leaves the browser.
 */
import { createReplay, MAX_REPLAY_BYTES, ReplayInputError, type ReplayResult } from '@realmfault/model';
import { encodeLink } from '../../playground/permalink';
import type { Reply, Request, WorkerMessage } from './protocol';
import {
  announce,
  detailHtml,
  episodesHtml,
  moreEpisodesHtml,
  resultHtml,
  rowsHtml,
  type RenderContext,
  type ScenarioLinks,
} from './render';

/** Bytes read per slice: between two slices the worker posts its progress. */
const CHUNK_BYTES = 256 * 1024;
/** Rows one request may ask for. */
const MAX_ROWS = 1000;

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage: (m: WorkerMessage) => void;
};

interface Kept {
  readonly result: ReplayResult;
  readonly ctx: RenderContext;
}

/** The last run's result, kept for the page's questions. */
let kept: Kept | null = null;

const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

async function run(req: Extract<Request, { kind: 'run' }>): Promise<Reply> {
  kept = null;
  const t0 = performance.now();
  const blob = req.input.kind === 'text' ? new Blob([req.input.text]) : req.input.file;
  const total = blob.size;
  const what = req.input.kind === 'file' ? `The file ${req.input.name}` : 'The log';
  if (total === 0)
    return {
      ok: false,
      kind: 'input',
      message: `${what} is empty: paste log lines into the text box, choose or drop a file, or load the seed's log.`,
    };
  if (total > MAX_REPLAY_BYTES)
    return {
      ok: false,
      kind: 'input',
      message: `${what} is ${mb(total)}; the replay reads at most ${mb(MAX_REPLAY_BYTES)}. Cut it to the lines around the faults you want to read.`,
    };
  let result: ReplayResult;
  try {
    const replay = createReplay({ ipaBits: req.settings.ipaBits, variant: req.settings.variant });
    // Not fatal: bytes that are not UTF-8 become U+FFFD and the model calls their line binary.
    const decoder = new TextDecoder('utf-8');
    for (let at = 0; at < total; at += CHUNK_BYTES) {
      const bytes = await blob.slice(at, Math.min(total, at + CHUNK_BYTES)).arrayBuffer();
      const text = decoder.decode(bytes, { stream: true });
      if (text !== '') replay.push(text);
      scope.postMessage({
        id: req.id,
        progress: { bytes: Math.min(total, at + CHUNK_BYTES), total, lines: replay.lines, phase: 'reading' },
      });
    }
    const tail = decoder.decode();
    if (tail !== '') replay.push(tail);
    scope.postMessage({
      id: req.id,
      progress: { bytes: total, total, lines: replay.lines, phase: 'finishing' },
    });
    result = replay.end();
  } catch (e) {
    if (e instanceof ReplayInputError) return { ok: false, kind: 'input', message: e.message };
    throw e;
  }
  const ctx: RenderContext = { uid: req.uid, mode: 'live', targets: req.targets };
  kept = { result, ctx };
  let links: ScenarioLinks | null = null;
  if (result.scenario !== null) {
    const json = JSON.stringify(result.scenario, null, 2);
    links = { json, playgroundHash: await encodeLink({ json, variant: result.variant }) };
  }
  const html = resultHtml(ctx, { result, links });
  return {
    ok: true,
    kind: 'run',
    lines: result.lines.length,
    chars: result.stats.chars,
    episodes: result.episodes.length,
    html,
    announcement: announce(result),
    ms: performance.now() - t0,
  };
}

const NO_RESULT: Reply = {
  ok: false,
  kind: 'no-result',
  message: 'There is no result to show: run the replay again.',
};

function answer(req: Exclude<Request, { kind: 'run' }>, k: Kept | null): Reply {
  if (k === null) return NO_RESULT;
  const { result, ctx } = k;
  switch (req.kind) {
    case 'rows': {
      const from = Math.max(0, Math.floor(req.from));
      const count = Math.max(0, Math.min(MAX_ROWS, Math.floor(req.count)));
      return { ok: true, kind: 'rows', from, html: rowsHtml(ctx, result, from, count) };
    }
    case 'detail': {
      const line = result.lines[req.index];
      if (line === undefined)
        return { ok: false, kind: 'error', message: `There is no line ${String(req.index + 1)}.` };
      return { ok: true, kind: 'detail', index: req.index, html: detailHtml(ctx, line) };
    }
    case 'episodes': {
      const from = Math.max(0, Math.floor(req.from));
      const count = Math.max(0, Math.floor(req.count));
      const end = Math.min(result.episodes.length, from + count);
      return {
        ok: true,
        kind: 'episodes',
        from,
        count: end - from,
        html: episodesHtml(ctx, result, from, count) + moreEpisodesHtml(ctx, end, result.episodes.length),
      };
    }
  }
}

async function handle(req: Request): Promise<Reply> {
  return req.kind === 'run' ? run(req) : answer(req, kept);
}

scope.onmessage = (e) => {
  const req = e.data;
  handle(req).then(
    (reply) => {
      scope.postMessage({ id: req.id, reply });
    },
    (err: unknown) => {
      scope.postMessage({
        id: req.id,
        reply: {
          ok: false,
          kind: 'error',
          message: `The replay failed: ${err instanceof Error ? err.message : String(err)}`,
        },
      });
    },
  );
};
scope.postMessage({ ready: true });
