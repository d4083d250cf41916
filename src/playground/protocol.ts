/** Messages between the playground page and its model worker (src/playground/worker.ts). */
import type { JsonEvent } from '../stepper/types';

/** A run request (src/widgets/worker-rpc.ts adds the request id). */
export interface RunRequest {
  readonly kind: 'run';
  /** The scenario as JSON text, exactly as typed. */
  readonly json: string;
  /** "v14" or "post-v14-review" (or a former name, `fixed`), or null for the scenario's own variant. */
  readonly variant: string | null;
  /** Units of work before StepBudgetExceeded (runScenario's budget). */
  readonly budget: number;
}

export type RunReply =
  | {
      readonly ok: true;
      readonly name: string;
      readonly variant: string;
      /** What the variant follows, for the status line: VARIANT_INFO's label and trees. */
      readonly variantLabel: string;
      readonly events: readonly JsonEvent[];
      readonly prose: readonly string[];
      /** One line per scenario step: its outcome. */
      readonly outcomes: readonly string[];
      readonly violations: readonly string[];
    }
  | {
      readonly ok: false;
      /** invalid: the scenario failed validation (message names the field); budget: out of work units. */
      readonly kind: 'invalid' | 'budget' | 'error';
      readonly message: string;
    };

/**
 * Validate only (the editor's inline diagnostics, src/playground/scenario-editor.ts): the model's
 * parser reads the text and says whether it is a valid scenario; nothing runs.
 */
export interface CheckRequest {
  readonly kind: 'check';
  readonly json: string;
}

export type CheckReply =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** The field the parser names (`steps[2].ipa`; '' for the whole document, e.g. invalid JSON). */
      readonly path: string;
      /** The parser's message, e.g. `steps[2].ipa: expected an address …, got "x"`. */
      readonly message: string;
    };

export type WorkerRequest = RunRequest | CheckRequest;
export type WorkerReply = RunReply | CheckReply;
