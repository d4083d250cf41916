/**
 * The Interleaving explorer's engine side: explore a selection with the model's explorer
 * (packages/model/src/explore/explore.ts) and prepare each counterexample's links, a playground
 * permalink and the scenario file. The build runs it for the components' default selections;
 * in the browser it runs in the widget's worker (worker.ts).
 */
import {
  ExploreLimitExceeded,
  explore,
  getBuiltinScenario,
  type ExploreProgress,
  type ExploreResult,
} from '@realmfault/model';
import { encodeLink } from '../../playground/permalink';
import type { Selection } from './choices';

/** Distinct states before an exploration in the page gives up (the model's default is 200 000). */
export const PAGE_MAX_STATES = 100_000;

export interface CounterexampleLinks {
  /** The playground's permalink hash (with `#`) for the counterexample's scenario and the variant. */
  readonly playgroundHash: string;
  /** The scenario file, as `npx realmfault run` reads it. */
  readonly json: string;
  readonly fileName: string;
}

export interface ExploreView {
  readonly selection: Selection;
  readonly result: ExploreResult;
  /** One per result.counterexamples entry. */
  readonly links: readonly CounterexampleLinks[];
}

export type ExploreOutcome =
  { readonly ok: true; readonly view: ExploreView } | { readonly ok: false; readonly message: string };

export interface ExploreHooks {
  readonly onProgress?: (p: ExploreProgress) => void;
  readonly progressEvery?: number;
}

/** Explore the selection. Bad input, an unknown scenario and the state limit come back as messages. */
export async function exploreSelection(sel: Selection, hooks: ExploreHooks = {}): Promise<ExploreOutcome> {
  let result: ExploreResult;
  try {
    const scenario = getBuiltinScenario(sel.scenario);
    result = explore(scenario, {
      variant: sel.variant,
      mutations: sel.mutations,
      bound: sel.bound,
      maxStates: PAGE_MAX_STATES,
      ...(hooks.onProgress === undefined
        ? {}
        : { onProgress: hooks.onProgress, progressEvery: hooks.progressEvery ?? 5 }),
    });
  } catch (e) {
    if (e instanceof ExploreLimitExceeded) return { ok: false, message: `Stopped: ${e.message}.` };
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `The explorer did not run: ${message}` };
  }
  const links = await Promise.all(
    result.counterexamples.map(async (cx) => {
      const json = JSON.stringify(cx.scenario, null, 2);
      const name = (cx.scenario as { name?: unknown }).name;
      return {
        playgroundHash: await encodeLink({ json, variant: result.variant }),
        json,
        fileName: `${typeof name === 'string' ? name : 'counterexample'}.json`,
      };
    }),
  );
  return { ok: true, view: { selection: sel, result, links } };
}
