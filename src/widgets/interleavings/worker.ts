/**
 * The Interleaving explorer's worker: runs the model's explorer for a request, posting the counts
 * as it goes, and renders the result. The page terminates it on Cancel and after its wall-clock
 * limit (client.ts), so it never needs to be asked to stop.
 */
import { announce, renderCompactHtml, renderResultHtml } from './render';
import { exploreSelection, type ExploreView } from './run';
import type { Reply, Request, WorkerMessage } from './protocol';

/** Actions between two progress messages. */
const PROGRESS_EVERY = 5;

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage: (m: WorkerMessage) => void;
};

async function handle(req: Request): Promise<Reply> {
  const sels =
    req.kind === 'full'
      ? [req.selection]
      : [req.selection, ...req.mutations.map((m) => ({ ...req.selection, mutations: [m] }))];
  const views: ExploreView[] = [];
  for (const [i, sel] of sels.entries()) {
    const out = await exploreSelection(sel, {
      progressEvery: PROGRESS_EVERY,
      onProgress: (p) => {
        scope.postMessage({
          id: req.id,
          progress: { states: p.states, actions: p.actions, steps: p.steps, run: i + 1, runs: sels.length },
        });
      },
    });
    if (!out.ok) return { ok: false, message: out.message };
    views.push(out.view);
  }
  const [first] = views;
  if (first === undefined) return { ok: false, message: 'Nothing was explored.' };
  return req.kind === 'full'
    ? { ok: true, html: renderResultHtml(first, req.uid, req.targets), announcement: announce(first) }
    : {
        ok: true,
        html: renderCompactHtml(views, req.targets),
        announcement: views.map(announce).join(' '),
      };
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
          message: `The explorer failed: ${err instanceof Error ? err.message : String(err)}`,
        },
      });
    },
  );
};
scope.postMessage({ ready: true });
