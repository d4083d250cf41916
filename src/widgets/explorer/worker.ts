/** The Fault explorer's worker: builds, validates and runs the selection's scenario, and renders it. */
import type { Selection } from './choices';
import { announce, renderExplorerHtml } from './render';
import { explore } from './run';
import { serveRequests } from '../worker-rpc';

export interface ExploreQuery {
  readonly selection: Selection;
  /** Element id prefix of the explorer that asks. */
  readonly uid: string;
}

export type ExploreReply =
  | { readonly ok: true; readonly html: string; readonly announcement: string }
  | { readonly ok: false; readonly message: string };

serveRequests((q: ExploreQuery): ExploreReply => {
  const r = explore(q.selection);
  return r.ok
    ? { ok: true, html: renderExplorerHtml(r.view, q.uid), announcement: announce(r.view) }
    : { ok: false, message: r.message };
});
