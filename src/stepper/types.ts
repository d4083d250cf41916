/**
 * The data a stepper is mounted on: plain JSON, written at build time into the page (built-in
 * scenarios) or computed in the browser (the playground). No model code is needed to show it.
 */

/** A site inside a model function that a trace event can be matched to. */
export interface SourceSite {
  /** decide() (decision events), WARN_ON*() (warn_on events), or a call of another function. */
  readonly kind: 'decide' | 'warn' | 'call';
  /** 1-based line in the model file. */
  readonly line: number;
  /** decide/warn: the function the event names; call: the callee (C name or RMI command). */
  readonly fn: string;
  /** decide/warn: anchored regular expression for the event's `what`/`cond` text. */
  readonly pattern?: string;
}

/** One model function's source, with the sites events map to. */
export interface SourceSlice {
  /** The C name (or, for helper scopes such as `interleave`, the name the trace uses). */
  readonly name: string;
  /** Model file, relative to the repository root. */
  readonly model: string;
  /** The C source file it mirrors (MIRRORED_FUNCTIONS), null for model-only scopes. */
  readonly cFile: string | null;
  /** 1-based line numbers in the model file: first shown line (its doc comment), declaration, end. */
  readonly start: number;
  readonly decl: number;
  readonly end: number;
  /** The lines start…end. */
  readonly lines: readonly string[];
  readonly sites: readonly SourceSite[];
}

export interface SourceIndex {
  /** By key: the C name for mirrored functions; for other decide() names, the name or name@file:line. */
  readonly slices: Readonly<Record<string, SourceSlice>>;
  /** decide() names outside MIRRORED_FUNCTIONS → keys of the slices that use them. */
  readonly scopes: Readonly<Record<string, readonly string[]>>;
}

/** Where one event happened: the slice shown, the marked line, and the diagram node to mark. */
export interface EventLocation {
  /** Slice name (key of `sources`), or null outside any function (scenario level). */
  readonly fn: string | null;
  /** 1-based model-file line inside the slice, or null with fn. */
  readonly line: number | null;
  /** Diagram node (C function or RMI command) current at this event, or null. */
  readonly node: string | null;
}

/** A trace event in JSON form (bigints as "0x…" strings), as traceToJSON writes it. */
export type JsonEvent = { readonly type: string; readonly depth: number } & Readonly<Record<string, unknown>>;

export interface StepperData {
  readonly scenario: string;
  readonly variant: string;
  /** The trace (toJSONValue of the model's TraceEvent[]). */
  readonly events: readonly JsonEvent[];
  /** formatEvent() of each event. */
  readonly prose: readonly string[];
  /** Index of the first event of each step, ascending; step i ends where step i + 1 starts. */
  readonly steps: readonly number[];
  /** Per event. */
  readonly loc: readonly EventLocation[];
  /** The slices `loc` refers to. */
  readonly sources: Readonly<Record<string, SourceSlice>>;
}
