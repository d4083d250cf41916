/**
 * Messages between the Interleaving explorer's page script (client.ts) and its worker
 * (worker.ts). The worker says `{ ready: true }` once the model has loaded, then answers each
 * request with any number of progress messages and one reply. It is never asked to stop: Cancel
 * and the wall-clock limit terminate it.
 */
import type { Selection } from './choices';

/** Where the result's links point: the playground page and the full explorer page. */
export interface LinkTargets {
  readonly playground: string;
  readonly explorer: string;
}

export type Request =
  | {
      readonly id: number;
      readonly kind: 'full';
      readonly selection: Selection;
      readonly uid: string;
      readonly targets: LinkTargets;
    }
  | {
      readonly id: number;
      readonly kind: 'compact';
      /** The unmutated selection; each of `mutations` is explored on its own against it. */
      readonly selection: Selection;
      readonly mutations: readonly string[];
      readonly uid: string;
      readonly targets: LinkTargets;
    };

export interface Progress {
  readonly states: number;
  readonly actions: number;
  readonly steps: number;
  /** Which of the request's explorations is running (1-based) and how many there are. */
  readonly run: number;
  readonly runs: number;
}

export type Reply =
  | { readonly ok: true; readonly html: string; readonly announcement: string }
  | { readonly ok: false; readonly message: string };

export type WorkerMessage =
  | { readonly ready: true }
  | { readonly id: number; readonly progress: Progress }
  | { readonly id: number; readonly reply: Reply };
