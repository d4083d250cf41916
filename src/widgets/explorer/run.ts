/**
 * The Fault explorer's engine side: build the selection's scenario, validate it with the model's
 * parser, run it under the chosen variants (with a step budget), and shape the result for
 * render.ts. In the browser it runs in the explorer's Web Worker (./worker.ts), started on the
 * reader's first change; the build uses it to render the default selection.
 */
import {
  describeStep,
  parseScenario,
  runScenario,
  ScenarioError,
  StepBudgetExceeded,
  type RunResult,
  type Scenario,
  type Variant,
} from '@realmfault/model';
import { stepCell, type StepCell } from '../../components/scenario-compare';
import { inapplicable, type Selection } from './choices';
import { firstDivergence, stepLines, type Divergence, type PathLine } from './path';
import { buildScenario, selectionIpa } from './scenario';

/**
 * Units of work one run may take (function calls, RMI commands, REC entries). The explorer's
 * scenarios need a few hundred; the model's own default is 20 million, far more than a reader
 * should wait for. The worker also has a wall-clock limit (client.ts).
 */
export const EXPLORER_BUDGET = 200_000;

export interface RunView {
  readonly variant: Variant;
  readonly result: RunResult;
  /** Per scenario step: its lines (see path.ts) and its summary as the comparison table shows it. */
  readonly lines: readonly (readonly PathLine[])[];
  readonly cells: readonly StepCell[];
}

export interface ExplorerView {
  readonly selection: Selection;
  readonly ipa: string;
  /** The scenario as JSON, ready for `npx realmfault run FILE.json --variant …`. */
  readonly scenarioJson: string;
  readonly stepLabels: readonly string[];
  readonly runs: readonly RunView[];
  /** With two runs: where they first differ (null: they agree). Always null with one run. */
  readonly divergence: Divergence | null;
  /** Choices that the selection makes irrelevant, as sentences. */
  readonly notes: readonly string[];
}

export type ExploreOutcome =
  { readonly ok: true; readonly view: ExplorerView } | { readonly ok: false; readonly message: string };

/** The parsed scenario for a selection (throws ScenarioError when the parser rejects it). */
export function selectionScenario(sel: Selection): Scenario {
  return parseScenario(buildScenario(sel));
}

/** Run the selection. Invalid scenarios and exhausted budgets come back as messages. */
export function explore(sel: Selection, budget = EXPLORER_BUDGET): ExploreOutcome {
  let sc: Scenario;
  const doc = buildScenario(sel);
  try {
    sc = parseScenario(doc);
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, message: `The scenario is not valid: ${e.message}` };
    throw e;
  }
  const variants: Variant[] = sel.variant === 'both' ? ['v14', 'post-v14-review'] : [sel.variant];
  const runs: RunView[] = [];
  for (const variant of variants) {
    let result: RunResult;
    try {
      result = runScenario(sc, { variant, budget });
    } catch (e) {
      if (e instanceof StepBudgetExceeded) {
        return {
          ok: false,
          message: `The ${variant} run stopped after its budget of ${budget} steps: ${e.message}`,
        };
      }
      throw e;
    }
    runs.push({
      variant,
      result,
      lines: stepLines(result.trace, sc.steps.length),
      cells: result.steps.map(stepCell),
    });
  }
  const [a, b] = runs;
  const na = inapplicable(sel);
  const notes: string[] = [];
  if (na.attribute) {
    notes.push(
      'No memslot covers the MMIO page, so it has no memory attribute: the attribute choice does not apply.',
    );
  }
  if (na.vmmWrite && sel.before === 'vmm-write') {
    notes.push('The VMM cannot write the MMIO page through a memslot: “the VMM wrote it” does not apply.');
  }
  return {
    ok: true,
    view: {
      selection: sel,
      ipa: `0x${selectionIpa(sel).toString(16)}`,
      scenarioJson: JSON.stringify(doc, null, 2),
      stepLabels: sc.steps.map(describeStep),
      runs,
      divergence: a && b ? firstDivergence(a.lines, b.lines) : null,
      notes,
    },
  };
}
