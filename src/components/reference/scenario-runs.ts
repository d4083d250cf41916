/**
 * The data behind the Scenarios table and the per-scenario pages: every built-in scenario run
 * under both kernel variants at build time, reduced to what the table shows per step (outcome,
 * exits, KVM_RUN errno) plus each run's invariant violations. Pure: no Astro, no DOM.
 */
import {
  BUILTIN_SCENARIO_NAMES,
  BUILTIN_SCENARIOS,
  describeStep,
  getBuiltinScenario,
  runScenario,
  VARIANTS,
  type InvariantNo,
  type Outcome,
  type Step,
  type Variant,
} from '@realmfault/model';

export interface StepOutcome {
  /** Scenario step index, 0-based as the CLI and the comparison tables number steps. */
  readonly index: number;
  readonly outcome: Outcome;
  /** Exit reasons the VMM saw in this step, in order (KVM_EXIT_MEMORY_FAULT, KVM_EXIT_MMIO). */
  readonly exits: readonly string[];
  /** The errno KVM_RUN failed with, or null. */
  readonly errno: string | null;
}

export interface VariantOutcome {
  readonly steps: readonly StepOutcome[];
  readonly violations: readonly { readonly invariant: InvariantNo; readonly step: number }[];
}

export interface ScenarioRow {
  readonly name: string;
  /** The model's description, with its source citations (render it with citeHtml). */
  readonly description: string;
  readonly stepCount: number;
  readonly runs: Readonly<Record<Variant, VariantOutcome>>;
  /** Whether any step's outcome, exits or errno, or the violations, differ between the variants. */
  readonly differs: boolean;
}

/** One step as a short text: the outcome, then exits or errno. */
export function stepOutcomeText(s: StepOutcome): string {
  const extra = [...s.exits, ...(s.errno === null ? [] : [s.errno])];
  return extra.length === 0 ? s.outcome : `${s.outcome}: ${extra.join(', ')}`;
}

/** Run a built-in scenario under one variant and keep what the table shows. */
export function variantOutcome(name: string, variant: Variant): VariantOutcome {
  const r = runScenario(getBuiltinScenario(name), { variant, trace: false });
  return {
    steps: r.steps.map((s, index) => ({
      index,
      outcome: s.outcome,
      exits: s.exits.map((e) => e.reason),
      errno: s.errno ?? null,
    })),
    violations: r.violations.map((v) => ({ invariant: v.invariant, step: v.step })),
  };
}

/** A built-in scenario's row; an unknown name throws naming it and the valid names. */
export function scenarioRow(name: string): ScenarioRow {
  if (!BUILTIN_SCENARIO_NAMES.includes(name)) {
    throw new Error(
      `scenario pages: unknown built-in scenario "${name}". Valid names: ${BUILTIN_SCENARIO_NAMES.join(', ')}`,
    );
  }
  const sc = getBuiltinScenario(name);
  const runs: Readonly<Record<Variant, VariantOutcome>> = {
    v14: variantOutcome(name, 'v14'),
    'post-v14-review': variantOutcome(name, 'post-v14-review'),
  };
  return {
    name,
    description: sc.description,
    stepCount: sc.steps.length,
    runs,
    differs: JSON.stringify(runs.v14) !== JSON.stringify(runs['post-v14-review']),
  };
}

/** Every built-in scenario's row, in the model's order. */
export function scenarioRows(): ScenarioRow[] {
  return BUILTIN_SCENARIO_NAMES.map(scenarioRow);
}

/** A step as the model describes it, with the steps interleaved into its fault window. */
export interface StepDescription {
  readonly text: string;
  readonly interleaved: readonly string[];
}

export function describeSteps(name: string): StepDescription[] {
  const sc = getBuiltinScenario(name);
  return sc.steps.map((s: Step) => ({
    text: describeStep(s),
    interleaved:
      s.actor === 'guest' && (s.op === 'read' || s.op === 'write') && s.interleave !== undefined
        ? s.interleave.flatMap((b) => b.steps.map((t) => `${b.at}: ${describeStep(t)}`))
        : [],
  }));
}

/** The scenario in the public JSON format, exactly as the model stores it, for readers to save and edit. */
export function scenarioJson(name: string): string {
  const raw = BUILTIN_SCENARIOS.find((s) => s['name'] === name);
  if (raw === undefined) throw new Error(`scenario pages: unknown built-in scenario "${name}"`);
  return JSON.stringify(raw, null, 2);
}

/** The CLI commands that reproduce a scenario under each variant. */
export function reproduceCommands(name: string): string[] {
  return VARIANTS.map((v) => `npx realmfault run --scenario ${name} --variant ${v}`);
}
