/**
 * A Sätteri mdast plugin that checks what prose refers to, so a page cannot name a kernel
 * function or a scenario the site does not know. It changes nothing; a bad reference fails the
 * build with "file:line: …", naming the reference and what was expected.
 *
 * - Inline code that is a call with empty parentheses, `gmem_abort()`, must name a function in
 *   the model's MIRRORED_FUNCTIONS or in src/content/known-functions.ts — or, for pages that
 *   explain snippets, a function the model's public API exports (`runScenario()`).
 * - `--scenario NAME` in inline code or in a code block must name a built-in scenario
 *   (BUILTIN_SCENARIO_NAMES). An all-capitals NAME is a placeholder and is not checked.
 * - The `scenario="…"` prop of ScenarioCompare, FaultPathDiagram, ScenarioSequenceDiagram and
 *   Stepper must name a built-in scenario, and their `variant="…"` must be one of VARIANTS.
 */
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import type { MdastPluginDefinition } from 'satteri';
import * as model from '@realmfault/model';
import { BUILTIN_SCENARIO_NAMES, MIRRORED_FUNCTIONS, VARIANT_ALIASES, VARIANTS } from '@realmfault/model';
import { KNOWN_FUNCTIONS } from '../../content/known-functions.js';

/** An unknown reference, located in its Markdown file. */
export class ReferenceBuildError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ReferenceBuildError';
  }
}

/** Functions of the simulator's own API (`runScenario()`, `parseScenario()`), as snippets use them. */
export const MODEL_API_FUNCTIONS: readonly string[] = Object.entries(model)
  .filter(([, v]) => typeof v === 'function')
  .map(([k]) => k)
  .filter((k) => /^[a-z]/.test(k));

/** Every function name a page may write as `name()`. */
export const KNOWN_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  ...MIRRORED_FUNCTIONS.map((f) => f.name),
  ...KNOWN_FUNCTIONS.map((f) => f.name),
  ...MODEL_API_FUNCTIONS,
]);

const SCENARIOS: ReadonlySet<string> = new Set(BUILTIN_SCENARIO_NAMES);
const VARIANT_SET: ReadonlySet<string> = new Set(VARIANTS);

/** Components whose `scenario` and `variant` props name a built-in scenario and a variant. */
export const SCENARIO_COMPONENTS: ReadonlySet<string> = new Set([
  'ScenarioCompare',
  'FaultPathDiagram',
  'ScenarioSequenceDiagram',
  'Stepper',
]);

/** `name()` exactly: a C identifier followed by empty parentheses. */
const CALL = /^([A-Za-z_][A-Za-z0-9_]*)\(\)$/;
/** `--scenario NAME` or `--scenario=NAME`. */
const SCENARIO_FLAG = /--scenario(?:\s+|=)(\S+)/g;
const PLACEHOLDER = /^[A-Z][A-Z0-9_]*$/;

/** The function name in `name()` inline code, or undefined when the code is not such a call. */
export function calledFunction(code: string): string | undefined {
  return CALL.exec(code.trim())?.[1];
}

/** Scenario names passed with --scenario in a piece of text, with their 0-based line offsets. */
export function scenarioFlags(text: string): { name: string; lineOffset: number }[] {
  const out: { name: string; lineOffset: number }[] = [];
  for (const m of text.matchAll(SCENARIO_FLAG)) {
    const name = (m[1] ?? '').replace(/["'`;,)]+$/, '');
    if (PLACEHOLDER.test(name)) continue;
    out.push({ name, lineOffset: text.slice(0, m.index).split('\n').length - 1 });
  }
  return out;
}

function nearest(name: string, known: Iterable<string>): string | undefined {
  // A cheap hint: a known name sharing the longest prefix, if it shares at least 4 characters.
  let best: string | undefined;
  let bestLen = 3;
  for (const k of known) {
    let i = 0;
    while (i < k.length && i < name.length && k[i] === name[i]) i++;
    if (i > bestLen) {
      best = k;
      bestLen = i;
    }
  }
  return best;
}

function unknownFunction(name: string): string {
  const hint = nearest(name, KNOWN_FUNCTION_NAMES);
  return (
    `unknown function \`${name}()\`: expected a function in the model's MIRRORED_FUNCTIONS, its public API ` +
    `(packages/model/src/sim/functions.ts) or in src/content/known-functions.ts` +
    (hint ? ` (did you mean \`${hint}()\`?)` : '') +
    '; add it to known-functions.ts, citing where it is, if the page is right'
  );
}

function unknownScenario(name: string, where: string): string {
  const hint = nearest(name, SCENARIOS);
  return (
    `unknown scenario "${name}" in ${where}: expected a built-in scenario name ` +
    `(npx realmfault scenarios lists them)` +
    (hint ? `, e.g. "${hint}"` : '')
  );
}

interface Attr {
  readonly type: string;
  readonly name?: string;
  readonly value?: unknown;
}

export interface ReferencesPluginOptions {
  /** Directory that file names in errors are relative to (default: the working directory). */
  readonly root?: string;
}

/** The plugin; stateless, but pass it as a factory like the others. */
export function referencesPlugin(options: ReferencesPluginOptions = {}): MdastPluginDefinition {
  let file = '<markdown>';
  return {
    name: 'realmfault-references',
    options: { position: true },
    before(_root, ctx) {
      if (ctx.fileURL) file = relative(options.root ?? process.cwd(), fileURLToPath(ctx.fileURL));
    },
    inlineCode(node) {
      const line = node.position?.start.line ?? 0;
      const fn = calledFunction(node.value);
      if (fn !== undefined && !KNOWN_FUNCTION_NAMES.has(fn)) {
        throw new ReferenceBuildError(file, line, unknownFunction(fn));
      }
      for (const s of scenarioFlags(node.value)) {
        if (!SCENARIOS.has(s.name)) {
          throw new ReferenceBuildError(file, line, unknownScenario(s.name, 'inline code'));
        }
      }
      return undefined;
    },
    code(node) {
      // The code block's first line is the line after the opening fence.
      const fence = node.position?.start.line ?? 0;
      for (const s of scenarioFlags(node.value)) {
        if (!SCENARIOS.has(s.name)) {
          throw new ReferenceBuildError(
            file,
            fence + 1 + s.lineOffset,
            unknownScenario(s.name, 'a code block'),
          );
        }
      }
      return undefined;
    },
    mdxJsxFlowElement(node) {
      checkComponent(node.name, node.attributes, node.position?.start.line ?? 0);
      return undefined;
    },
    mdxJsxTextElement(node) {
      checkComponent(node.name, node.attributes, node.position?.start.line ?? 0);
      return undefined;
    },
  };

  function checkComponent(name: string | null | undefined, attributes: readonly Attr[], line: number): void {
    if (!name || !SCENARIO_COMPONENTS.has(name)) return;
    for (const a of attributes) {
      if (a.type !== 'mdxJsxAttribute' || typeof a.value !== 'string') continue;
      if (a.name === 'scenario' && !SCENARIOS.has(a.value)) {
        throw new ReferenceBuildError(file, line, unknownScenario(a.value, `<${name} scenario>`));
      }
      if (a.name === 'variant' && !VARIANT_SET.has(a.value)) {
        throw new ReferenceBuildError(
          file,
          line,
          `unknown variant "${a.value}" in <${name} variant>: expected one of ${[...VARIANT_SET].join(', ')}` +
            (VARIANT_ALIASES[a.value] === undefined
              ? ''
              : ` ("${a.value}" is the former name of ${VARIANT_ALIASES[a.value]})`),
        );
      }
    }
  }
}
