/**
 * The data behind <ScenarioCompare>: a built-in scenario run under both kernel variants (v14 as
 * posted and post-v14-review, VARIANT_INFO), shaped into one row per scenario step with the two
 * side by side, the first step where they differ, what each run came to (no forward progress, a
 * failed KVM_RUN, WARNs) and each run's invariant violations. Pure: no Astro, no DOM; the
 * component only renders. The Fault explorer (src/widgets/explorer) shows the same cells.
 */
import {
  BUILTIN_SCENARIO_NAMES,
  describeStep,
  formatCRet,
  getBuiltinScenario,
  MAX_REC_ENTRIES,
  runScenario,
  TOGGLE_INFO,
  INVARIANTS as MODEL_INVARIANTS,
  VARIANT_INFO,
  VARIANTS,
  type InvariantNo,
  type RunResult,
  type Scenario,
  type StepSummary,
  type TraceEvent,
  type Variant,
} from '@realmfault/model';

/** The fields compared per step, in the order the table shows them. */
export const COMPARED_FIELDS = ['outcome', 'exits', 'errno', 'faults', 'rmi', 'warnings', 'value'] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** Row headings for the compared fields. */
export const FIELD_LABELS: Readonly<Record<ComparedField, string>> = {
  outcome: 'Outcome',
  exits: 'Exits to the VMM',
  errno: 'KVM_RUN errno',
  faults: 'Faults (IPA, ESR as the RMM reported it, what kvm_handle_guest_abort() called and returned)',
  rmi: 'RMI calls (command → status[index])',
  warnings: 'WARNs',
  value: 'Value read',
};

const OUTCOME_TEXT: Readonly<Record<StepSummary['outcome'], string>> = {
  completed: 'completed',
  guest_sea: 'SEA injected into the realm',
  vmm_exit: 'exit to the VMM',
  kvm_run_error: 'KVM_RUN failed',
  no_progress: 'no forward progress: the guest faults again and again',
  kernel_livelock: 'the host kernel would loop forever',
};

/** A variant as the tables head it: "v14 as posted" (linux-arm/linux-cca cca-host/v14). */
export function variantHeading(v: Variant): string {
  return VARIANT_INFO[v].label;
}

/** A variant with the trees it follows, for captions and titles. */
export function variantWithTree(v: Variant): string {
  return `${VARIANT_INFO[v].label} (${VARIANT_INFO[v].tree})`;
}

/** A run of `times` consecutive copies of `items` (times 1: the items once). */
export interface Repeat {
  readonly items: readonly string[];
  readonly times: number;
}

/** One variant's side of a step, as display strings (addresses and ESR in hex). */
export interface StepCell {
  readonly outcome: string;
  readonly exits: readonly string[];
  readonly errno: string | null;
  readonly faults: readonly Repeat[];
  readonly rmi: readonly Repeat[];
  readonly warnings: readonly Repeat[];
  readonly value: string | null;
}

export interface CompareRow {
  /** Scenario step index (0-based, as the CLI and the sequence diagrams number them). */
  readonly index: number;
  /** What the step does, e.g. "guest vCPU0: read 8 bytes at IPA 0x10046880000 (ISV=0)". */
  readonly label: string;
  readonly cells: Readonly<Record<Variant, StepCell>>;
  /** The fields whose values differ between the variants at this step. */
  readonly differs: readonly ComparedField[];
}

export interface ViolationRow {
  readonly variant: Variant;
  readonly step: number;
  readonly invariant: InvariantNo;
  readonly message: string;
}

export interface ToggleRow {
  readonly name: string;
  readonly value: boolean;
  readonly description: string;
  readonly uncertain: boolean;
}

/** What one run came to, in a sentence per notable step (see runVerdict). */
export interface RunVerdict {
  readonly variant: Variant;
  /** One sentence per step that did not simply complete, or that WARNed. */
  readonly lines: readonly string[];
  /** True when every step completed without a WARN (lines is then empty). */
  readonly clean: boolean;
}

export interface ScenarioComparison {
  readonly scenario: string;
  /** What each run came to, v14 first. */
  readonly verdicts: readonly RunVerdict[];
  /** Every step of the scenario (not only the shown ones). */
  readonly stepCount: number;
  /** The rows to show: all steps, or the requested ones, in scenario order. */
  readonly rows: readonly CompareRow[];
  /** First step (over all steps) where any compared field differs; null when the runs agree. */
  readonly firstDifference: number | null;
  /** The fields that differ at that step. */
  readonly firstDifferenceFields: readonly ComparedField[];
  /** First step whose outcome differs; null when the outcomes agree throughout. */
  readonly firstOutcomeDifference: number | null;
  readonly violations: readonly ViolationRow[];
  /** Toggles this scenario sets to a non-default value. */
  readonly toggles: readonly ToggleRow[];
}

/** Invariant names, as the model defines them (INVARIANTS in packages/model/src/sim/invariants.ts). */
export const INVARIANTS: Readonly<Record<InvariantNo, string>> = Object.fromEntries(
  MODEL_INVARIANTS.map((i) => [i.no, i.name]),
) as Record<InvariantNo, string>;

const hex = (v: bigint): string => `0x${v.toString(16)}`;

function exitText(e: StepSummary['exits'][number]): string {
  const parts = [e.reason, `gpa ${hex(e.gpa)}`];
  if (e.size !== undefined) parts.push(`size ${hex(e.size)}`);
  if (e.flags !== undefined) {
    parts.push(`flags ${hex(e.flags)}${(e.flags & 8n) !== 0n ? ' (PRIVATE)' : ''}`);
  }
  if (e.isWrite !== undefined) parts.push(e.isWrite ? 'write' : 'read');
  return parts.join(', ');
}

/**
 * One fault as a line: `handler` is the function kvm_handle_guest_abort() dispatched to and `ret`
 * what kvm_handle_guest_abort() itself returned (packages/model/src/sim/result.ts FaultSummary),
 * so the line names both rather than attributing the return value to the handler.
 */
export function faultText(f: StepSummary['faults'][number]): string {
  if (f.handler === 'rmm_injected_sea')
    return `IPA ${hex(f.ipa)}: the RMM injected an SEA, no exit to the host`;
  if (f.handler === 'none')
    return `IPA ${hex(f.ipa)}, ESR ${hex(f.esr)}: kvm_handle_guest_abort() called no handler and returned ${formatCRet(f.ret)}`;
  return (
    `IPA ${hex(f.ipa)}, ESR ${hex(f.esr)}: kvm_handle_guest_abort() called ${f.handler}() ` +
    `and returned ${formatCRet(f.ret)}`
  );
}

function rmiText(r: StepSummary['rmi'][number]): string {
  const index = r.status === 'RMI_SUCCESS' && r.index === 0 ? '' : `[${r.index}]`;
  return `${r.cmd} → ${r.status}${index}`;
}

/**
 * Collapse tandem repeats: wherever a block of 1…maxPeriod items occurs twice or more in a row,
 * emit it once with its count. A guest that re-faults forever produces long periodic lists.
 */
export function compressRepeats(items: readonly string[], maxPeriod = 8): Repeat[] {
  const out: Repeat[] = [];
  let single: string[] = [];
  let i = 0;
  while (i < items.length) {
    let best: Repeat | null = null;
    for (let p = 1; p <= maxPeriod && i + 2 * p <= items.length; p++) {
      let times = 1;
      while (i + (times + 1) * p <= items.length) {
        let same = true;
        for (let k = 0; k < p; k++) {
          if (items[i + times * p + k] !== items[i + k]) {
            same = false;
            break;
          }
        }
        if (!same) break;
        times++;
      }
      if (times >= 2 && (best === null || times * p > best.times * best.items.length)) {
        best = { items: items.slice(i, i + p), times };
      }
    }
    if (best === null) {
      single.push(items[i] as string);
      i++;
    } else {
      if (single.length) out.push({ items: single, times: 1 });
      single = [];
      out.push(best);
      i += best.items.length * best.times;
    }
  }
  if (single.length) out.push({ items: single, times: 1 });
  return out;
}

/** Functions a step's trace reports as looping without a bound (kernel_livelock), by step index. */
export function livelocks(trace: readonly TraceEvent[]): Map<number, string> {
  const out = new Map<number, string>();
  let step = -1;
  for (const e of trace) {
    if (e.type === 'step' && e.depth === 0) step = e.index;
    else if (e.type === 'decision' && e.what.startsWith('livelock') && !out.has(step)) out.set(step, e.fn);
  }
  return out;
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/**
 * What a step came to, as a sentence a reader can act on, or null when it simply completed
 * without a WARN. `livelockIn` names the function that would loop (from the trace), when known.
 */
export function stepVerdict(s: StepSummary, livelockIn?: string): string | null {
  const warns = unique(s.warnings);
  const warnText = warns.length === 0 ? '' : `; WARN in ${warns.join(', ')}`;
  switch (s.outcome) {
    case 'completed':
      return warns.length === 0 ? null : `completed, but WARN in ${warns.join(', ')}`;
    case 'no_progress':
      return (
        `no forward progress: ${String(s.faults.length)} REC exit${s.faults.length === 1 ? '' : 's'} for the same access, ` +
        `each resumed without the access completing (the simulator stops after ${String(MAX_REC_ENTRIES)} REC entries)${warnText}`
      );
    case 'kernel_livelock':
      return `the host kernel would loop forever${livelockIn === undefined ? '' : ` in ${livelockIn}()`}${warnText}`;
    case 'kvm_run_error':
      return `KVM_RUN failed with ${s.errno ?? 'an error'} and the VMM stopped the vCPU${warnText}`;
    case 'vmm_exit':
      return `the VMM stopped the vCPU${s.exits.length > 0 ? ` after ${s.exits.map((e) => e.reason).join(', ')}` : ''}${s.errno ? ` (${s.errno})` : ''}${warnText}`;
    case 'guest_sea':
      return `the realm took a synchronous external abort (SEA)${warnText}`;
    default:
      return s.outcome satisfies never;
  }
}

/** What a run came to: one line per notable step ("step 1: no forward progress …"). */
export function runVerdict(r: RunResult): RunVerdict {
  const loops = livelocks(r.trace);
  const lines = r.steps.flatMap((s, i) => {
    const v = stepVerdict(s, loops.get(i));
    return v === null ? [] : [`step ${String(i)}: ${v}`];
  });
  return { variant: r.variant, lines, clean: lines.length === 0 };
}

/** One variant's step summary as display strings. */
export function stepCell(s: StepSummary): StepCell {
  return {
    outcome: OUTCOME_TEXT[s.outcome] === s.outcome ? s.outcome : `${s.outcome} (${OUTCOME_TEXT[s.outcome]})`,
    exits: s.exits.map(exitText),
    errno: s.errno ?? null,
    faults: compressRepeats(s.faults.map(faultText)),
    rmi: compressRepeats(s.rmi.map(rmiText)),
    warnings: compressRepeats(s.warnings),
    value: s.value === undefined ? null : hex(s.value),
  };
}

/** The fields of two step summaries that differ (compared on their display form). */
export function differingFields(a: StepSummary, b: StepSummary): ComparedField[] {
  const ca = stepCell(a);
  const cb = stepCell(b);
  return COMPARED_FIELDS.filter((f) => JSON.stringify(ca[f]) !== JSON.stringify(cb[f]));
}

/** The first step index where the two runs differ in any compared field, or null. */
export function firstDivergingStep(a: RunResult, b: RunResult): number | null {
  const n = Math.max(a.steps.length, b.steps.length);
  for (let i = 0; i < n; i++) {
    const sa = a.steps[i];
    const sb = b.steps[i];
    if (sa === undefined || sb === undefined || differingFields(sa, sb).length > 0) return i;
  }
  return null;
}

/** A built-in scenario by name; an unknown name throws an Error naming the prop and every valid name. */
export function loadScenario(name: string, where = '<ScenarioCompare scenario=…>'): Scenario {
  if (!BUILTIN_SCENARIO_NAMES.includes(name)) {
    throw new Error(
      `${where}: unknown built-in scenario "${name}". Valid names: ${BUILTIN_SCENARIO_NAMES.join(', ')}`,
    );
  }
  return getBuiltinScenario(name);
}

/** Run `name` under both variants (VARIANTS: v14, post-v14-review) and shape the result for the table. */
export function compareScenario(name: string, steps?: readonly number[]): ScenarioComparison {
  const where = `<ScenarioCompare scenario="${name}">`;
  const sc = loadScenario(name, where);
  // With the trace: a kernel_livelock verdict names the function that would loop.
  const runs: Readonly<Record<Variant, RunResult>> = {
    v14: runScenario(sc, { variant: 'v14' }),
    'post-v14-review': runScenario(sc, { variant: 'post-v14-review' }),
  };
  const stepCount = sc.steps.length;
  const shown = steps ?? sc.steps.map((_, i) => i);
  for (const i of shown) {
    if (!Number.isInteger(i) || i < 0 || i >= stepCount) {
      throw new Error(
        `${where}: steps={[…]} names step ${String(i)}, but the scenario has steps 0…${stepCount - 1}`,
      );
    }
  }
  const rows: CompareRow[] = [...new Set(shown)]
    .sort((x, y) => x - y)
    .map((i) => {
      const a = runs.v14.steps[i] as StepSummary;
      const b = runs['post-v14-review'].steps[i] as StepSummary;
      return {
        index: i,
        label: describeStep(sc.steps[i] as Scenario['steps'][number]),
        cells: { v14: stepCell(a), 'post-v14-review': stepCell(b) },
        differs: differingFields(a, b),
      };
    });
  const firstDifference = firstDivergingStep(runs.v14, runs['post-v14-review']);
  let firstOutcomeDifference: number | null = null;
  for (let i = 0; i < stepCount; i++) {
    if (runs.v14.steps[i]?.outcome !== runs['post-v14-review'].steps[i]?.outcome) {
      firstOutcomeDifference = i;
      break;
    }
  }
  const firstA = firstDifference === null ? undefined : runs.v14.steps[firstDifference];
  const firstB = firstDifference === null ? undefined : runs['post-v14-review'].steps[firstDifference];
  const violations: ViolationRow[] = VARIANTS.flatMap((variant) =>
    runs[variant].violations.map((v) => ({
      variant,
      step: v.step,
      invariant: v.invariant,
      message: v.message,
    })),
  );
  const toggles: ToggleRow[] = TOGGLE_INFO.filter((t) => sc.toggles[t.name] !== t.default).map((t) => ({
    name: t.name,
    value: sc.toggles[t.name],
    description: t.description,
    uncertain: t.uncertain,
  }));
  return {
    scenario: name,
    verdicts: VARIANTS.map((v) => runVerdict(runs[v])),
    stepCount,
    rows,
    firstDifference,
    firstDifferenceFields: firstA && firstB ? differingFields(firstA, firstB) : [],
    firstOutcomeDifference,
    violations,
    toggles,
  };
}
