/**
 * The runnable-snippet runtime (issue 5), shared by the three places a ```ts sim snippet runs:
 * the build (Node, src/snippets/node.ts), the test suite (the same Node evaluator) and the
 * reader's browser (a dedicated Web Worker, src/snippets/worker.ts). Only the evaluator differs;
 * type stripping, the model the snippet sees, output capture and formatting, limits and error
 * reporting are here, so a snippet prints byte-identical output in all three.
 *
 * A snippet is a TypeScript program against the model's public API:
 *
 *     import { runScenario, getBuiltinScenario } from '@realmfault/model';
 *     const r = runScenario(getBuiltinScenario('private-first-touch'), { variant: 'v14' });
 *     console.log(r.steps[0].outcome);
 *
 * Types are stripped by sucrase (line-preserving: a line in the output is the same line in the
 * reader's code, so error lines need no source map). `import … from '@realmfault/model'` is the
 * only import; anything else is an error naming the module, and a dynamic `import(…)` anywhere in
 * the snippet's text is refused before it runs (see DYNAMIC_IMPORT).
 */
import { transform } from 'sucrase';
import * as model from '@realmfault/model';
import type { ExploreOptions, ExploreResult, RunOptions, RunResult, Scenario } from '@realmfault/model';

/** What stopped a snippet, with the line in the reader's code where one is known. */
export interface SnippetProblem {
  readonly kind: 'syntax' | 'runtime' | 'budget' | 'timeout' | 'output' | 'crash';
  readonly message: string;
  /** 1-based line in the snippet as written, or null when the engine gives none. */
  readonly line: number | null;
}

/** A run recorded for the stepper: the scenario, variant and JSON trace (bigints as "0x…"). */
export interface SnippetTrace {
  readonly scenario: string;
  readonly variant: string;
  readonly events: readonly unknown[];
  /** The model's formatEvent() text of each kept event (the no-JS trace list). */
  readonly lines: readonly string[];
  /** Call depth of each kept event (for indenting the lines). */
  readonly depths: readonly number[];
}

export interface SnippetRun {
  /** Everything the snippet printed, formatted (see formatValue), lines joined by "\n". */
  readonly output: string;
  readonly problem: SnippetProblem | null;
  /** The runScenario() calls the snippet made (at most LIMITS.traces, the first ones). */
  readonly traces: readonly SnippetTrace[];
}

export const SNIPPET_LIMITS = {
  /** Characters of output before the snippet is stopped. */
  outputChars: 20_000,
  /** Model steps per runScenario() call (the model's own budget, StepBudgetExceeded). */
  budget: 1_000_000,
  /** Wall-clock limit in ms: the worker is terminated, the build's vm run is interrupted. */
  timeoutMs: 2_000,
  /** Traces kept for the stepper. */
  traces: 4,
  /** Trace events kept per trace. */
  traceEvents: 5_000,
  /** Distinct states an explore() call may reach (ExploreLimitExceeded beyond). */
  exploreStates: 20_000,
} as const;

/** The only module a snippet may import. */
export const SNIPPET_MODULE = '@realmfault/model';

/** Whitespace and comments, as the engine skips them between two tokens (HTML-like ones too). */
const GAP = String.raw`(?:\s|\/\*[\s\S]*?\*\/|\/\/.*|<!--.*|-->.*)*`;

/**
 * A dynamic import: the keyword `import` called, directly or as `import.name(…)` (the proposed
 * import.source() and import.defer()), with any whitespace or comments between. Matched on the
 * compiled code exactly as the engine will see it, and anywhere, strings and comments included:
 * a tokenizer that disagrees with the engine about where a comment or string ends must not be
 * able to hide one (sucrase does not know the HTML-like comments `<!--` and `-->` that V8 accepts
 * in a function body, so `a <!-- \`` on one line would hide the next line from it). Preceded by
 * an identifier character, the text is part of a longer name.
 */
export const DYNAMIC_IMPORT = new RegExp(
  String.raw`(?<![\w$])import${GAP}(?:\.${GAP}[\w$\\{}\u0080-\u{10FFFF}]*${GAP})?\(`,
  'u',
);

/** The message for a snippet that contains a dynamic import, even in a string. */
export const DYNAMIC_IMPORT_MESSAGE = `Error: import() is not available: a snippet can import only "${SNIPPET_MODULE}", with an import declaration (the text import( or import.name( is refused anywhere in a snippet, even in a string or a comment)`;

/** The 1-based line of `index` in `text` (any JavaScript line terminator ends a line). */
const lineAt = (text: string, index: number): number =>
  (text.slice(0, index).match(/\r\n?|[\n\u2028\u2029]/g)?.length ?? 0) + 1;

/**
 * Type-strip and turn the import into require(); a syntax error becomes a problem, and so does
 * any dynamic import() left in the code (see DYNAMIC_IMPORT): it would load code from anywhere,
 * and no global of the worker can intercept it.
 */
export function compileSnippet(code: string): { js: string } | { problem: SnippetProblem } {
  try {
    const out = transform(code, {
      transforms: ['typescript', 'imports'],
      disableESTransforms: true,
      production: true,
      // Left as written, so the check below refuses it with its line (sucrase would turn it
      // into a require() whose error surfaces only in a promise nobody awaits).
      preserveDynamicImport: true,
    });
    const dynamic = DYNAMIC_IMPORT.exec(out.code);
    if (dynamic) {
      return {
        problem: { kind: 'syntax', message: DYNAMIC_IMPORT_MESSAGE, line: lineAt(out.code, dynamic.index) },
      };
    }
    return { js: out.code };
  } catch (e) {
    const loc = (e as { loc?: { line?: unknown } }).loc;
    const line = typeof loc?.line === 'number' ? loc.line : null;
    const raw = e instanceof Error ? e.message : String(e);
    // sucrase appends "(line:column)"; we report the line separately.
    const message = raw.replace(/\s*\(\d+:\d+\)\s*$/, '');
    return { problem: { kind: 'syntax', message: `SyntaxError: ${message}`, line } };
  }
}

/**
 * Runs compiled snippet code: `scope` names become the code's free variables (require, exports,
 * console). Throws whatever the code throws. Each environment supplies its own.
 */
export type Evaluate = (js: string, scope: Readonly<Record<string, unknown>>) => void;

/** The 1-based line in the snippet an error was thrown from, or null (environment-specific). */
export type LineOf = (error: unknown) => number | null;

/** Thrown by console.* once the output cap is reached; stops the snippet. */
export class SnippetOutputLimit extends Error {
  constructor() {
    super(
      `output limit reached (${SNIPPET_LIMITS.outputChars.toLocaleString('en')} characters): the snippet was stopped`,
    );
    this.name = 'SnippetOutputLimit';
  }
}

/** Thrown for an import of anything but the model. */
export class SnippetImportError extends Error {
  constructor(readonly specifier: string) {
    super(`cannot import "${specifier}": a snippet can import only "${SNIPPET_MODULE}"`);
    this.name = 'SnippetImportError';
  }
}

const hex = (v: bigint): string => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);

/** JSON-able copy: bigint → "0x…", Map/Set → arrays, cycles → "[circular]". */
function plain(v: unknown, seen: Set<object>): unknown {
  if (typeof v === 'bigint') return hex(v);
  if (typeof v === 'undefined') return null;
  if (typeof v === 'function') return `[function ${v.name || 'anonymous'}]`;
  if (typeof v === 'symbol') return v.toString();
  if (v === null || typeof v !== 'object') return v;
  if (seen.has(v)) return '[circular]';
  seen.add(v);
  try {
    if (isErrorLike(v)) return `${v.name}: ${v.message}`;
    // By tag, not instanceof: in Node the snippet's Map and Set come from its vm context.
    const tag = Object.prototype.toString.call(v);
    if (tag === '[object Map]') {
      return [...(v as Map<unknown, unknown>).entries()].map(([k, x]) => [plain(k, seen), plain(x, seen)]);
    }
    if (tag === '[object Set]') return [...(v as Set<unknown>)].map((x) => plain(x, seen));
    if (Array.isArray(v)) return v.map((x) => plain(x, seen));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x, seen);
    return out;
  } finally {
    seen.delete(v);
  }
}

function isErrorLike(v: unknown): v is { name: string; message: string } {
  return (
    v instanceof Error ||
    (typeof v === 'object' &&
      v !== null &&
      typeof (v as { name?: unknown }).name === 'string' &&
      typeof (v as { message?: unknown }).message === 'string' &&
      typeof (v as { stack?: unknown }).stack === 'string')
  );
}

/**
 * How console.log shows one argument, identical in Node and the browser: strings as they are,
 * bigints in hex (the model's addresses and registers are bigints), numbers and booleans as
 * JavaScript prints them, errors as "Name: message", everything else as indented JSON with
 * bigints in hex.
 */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return hex(v);
  if (typeof v === 'undefined') return 'undefined';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'function' || typeof v === 'symbol') return String(plain(v, new Set()));
  if (isErrorLike(v)) return `${v.name}: ${v.message}`;
  return JSON.stringify(plain(v, new Set()), null, 2);
}

/** A thrown value as one line: Errors by name and message, anything else says what it was. */
export function describeThrown(e: unknown): string {
  if (isErrorLike(e)) return `${e.name}: ${e.message}`;
  const type = typeof e;
  const what =
    e === null
      ? 'null'
      : Array.isArray(e)
        ? 'an array'
        : type === 'object' || type === 'undefined'
          ? `an ${type}`
          : `a ${type}`;
  // One line: objects as compact JSON (bigints in hex).
  const shown = e !== null && typeof e === 'object' ? JSON.stringify(plain(e, new Set())) : formatValue(e);
  return `Uncaught ${shown} (${what} was thrown, not an Error)`;
}

/** The budget error, whichever realm (vm context, worker) it was created in. */
function isBudget(e: unknown): boolean {
  return e instanceof model.StepBudgetExceeded || (isErrorLike(e) && e.name === 'StepBudgetExceeded');
}

/**
 * Run one snippet: compile, evaluate with a console that captures output, a require() that
 * returns the model (its runScenario capped by the snippet budget and recorded for the
 * stepper), and report how it ended. Never throws.
 */
export function runSnippet(code: string, evaluate: Evaluate, lineOf: LineOf): SnippetRun {
  const lines: string[] = [];
  let chars = 0;
  const traces: SnippetTrace[] = [];
  const done = (problem: SnippetProblem | null): SnippetRun => ({
    output: lines.join('\n'),
    problem,
    traces,
  });

  const compiled = compileSnippet(code);
  if ('problem' in compiled) return done(compiled.problem);

  const print = (...args: unknown[]): void => {
    if (chars > SNIPPET_LIMITS.outputChars) throw new SnippetOutputLimit();
    const line = args.map(formatValue).join(' ');
    chars += line.length + 1;
    if (chars > SNIPPET_LIMITS.outputChars) {
      lines.push(line.slice(0, Math.max(0, SNIPPET_LIMITS.outputChars - (chars - line.length - 1))));
      throw new SnippetOutputLimit();
    }
    lines.push(line);
  };
  const snippetConsole = Object.freeze({ log: print, info: print, warn: print, error: print, debug: print });

  const runScenario = (scenario: Scenario, options: RunOptions = {}): RunResult => {
    const budget = Math.min(options.budget ?? SNIPPET_LIMITS.budget, SNIPPET_LIMITS.budget);
    const result = model.runScenario(scenario, { ...options, budget });
    if (traces.length < SNIPPET_LIMITS.traces) {
      const kept = result.trace.slice(0, SNIPPET_LIMITS.traceEvents);
      traces.push({
        scenario: typeof scenario.name === 'string' ? scenario.name : '(unnamed)',
        variant: result.variant,
        events: model.toJSONValue(kept) as unknown[],
        lines: kept.map((e) => model.formatEvent(e)),
        depths: kept.map((e) => e.depth),
      });
    }
    return result;
  };
  // An error escaping a model call is often thrown deep in the model, its stack too deep to
  // reach the snippet's frame; the call site, captured when the error passes the wrapper below
  // (a shallow stack: wrapper, then the snippet), gives the snippet's line instead.
  const callSites = new WeakMap<object, Error>();
  const atCallSite = <A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) =>
    function (this: unknown, ...args: A): R {
      try {
        return fn.apply(this, args);
      } catch (e) {
        if (e !== null && typeof e === 'object' && !callSites.has(e))
          callSites.set(e, new Error('call site'));
        throw e;
      }
    };
  const isClass = (f: unknown): boolean =>
    typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));
  // The explorer too runs within limits: at most SNIPPET_LIMITS.exploreStates states.
  const explore = (scenario: Scenario, options: ExploreOptions = {}): ExploreResult =>
    model.explore(scenario, {
      ...options,
      maxStates: Math.min(options.maxStates ?? SNIPPET_LIMITS.exploreStates, SNIPPET_LIMITS.exploreStates),
    });
  const exported: Record<string, unknown> = { ...model, runScenario, explore };
  for (const [name, v] of Object.entries(exported)) {
    if (typeof v === 'function' && !isClass(v)) {
      const wrapped = atCallSite(v as (...args: unknown[]) => unknown);
      Object.defineProperty(wrapped, 'name', { value: name });
      exported[name] = wrapped;
    }
  }
  const api = Object.freeze(exported);
  const require = (specifier: unknown): unknown => {
    if (specifier === SNIPPET_MODULE) return api;
    throw new SnippetImportError(String(specifier));
  };

  try {
    evaluate(compiled.js, { require, exports: {}, console: snippetConsole });
    return done(null);
  } catch (e) {
    const site = e !== null && typeof e === 'object' ? callSites.get(e) : undefined;
    const line = lineOf(e) ?? (site ? lineOf(site) : null);
    if (e instanceof SnippetOutputLimit) return done({ kind: 'output', message: e.message, line });
    if (isBudget(e)) {
      return done({
        kind: 'budget',
        message: `${describeThrown(e)} (snippets run the model with a budget of ${SNIPPET_LIMITS.budget.toLocaleString('en')} steps)`,
        line,
      });
    }
    if (isErrorLike(e) && e.name === 'SyntaxError')
      return done({ kind: 'syntax', message: describeThrown(e), line });
    return done({ kind: 'runtime', message: describeThrown(e), line });
  }
}

/** The problem's line of the output area: "✗ message (line N)". */
export function formatProblem(problem: SnippetProblem): string {
  const where = problem.line === null ? '' : ` (line ${problem.line})`;
  return `✗ ${problem.message}${where}`;
}

/** The output area's text for a run: the output, then the problem on its own line. */
export function formatRun(run: SnippetRun): string {
  const parts = run.output ? [run.output] : [];
  if (run.problem) parts.push(formatProblem(run.problem));
  return parts.join('\n');
}
