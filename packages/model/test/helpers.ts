/** Shared helpers for the model's tests. */
import { parseScenario } from '../src/scenario/parse.js';
import type { Scenario } from '../src/scenario/types.js';
import { getBuiltinScenario } from '../src/scenarios/builtin.js';
import { runScenario } from '../src/sim/engine.js';
import type { RunResult } from '../src/sim/result.js';
import { toJSONValue } from '../src/sim/trace.js';

/** Run a built-in scenario under a variant. */
export function runBuiltin(
  name: string,
  variant: 'v14' | 'post-v14-review',
  toggles: Record<string, boolean> = {},
): RunResult {
  const sc = getBuiltinScenario(name);
  return runScenario({ ...sc, toggles: { ...sc.toggles, ...toggles } }, { variant });
}

/**
 * The built-in scenarios' common setup (a 41-bit realm and one 2 GiB guest_memfd memslot at GPA
 * 0x40000000, as in the seed report [@v14-29-shan-0625]) with the given extra fields, parsed.
 */
export function scenario(extra: Record<string, unknown>): Scenario {
  return parseScenario({
    name: 'test',
    variant: 'v14',
    seed: 1,
    realm: { ipaBits: 41 },
    memslots: [
      {
        gpa: '0x40000000',
        size: '0x80000000',
        hva: '0xffff23e00000',
        guestMemfd: true,
        backing: 'anon-private',
      },
    ],
    ...extra,
  });
}

/** The RMI commands of a step as `CMD:STATUS(index)` strings. */
export const rmiSeq = (r: RunResult, step: number): string[] =>
  (r.steps[step]?.rmi ?? []).map((c) => `${c.cmd}:${c.status}${c.index !== 0 ? `(${c.index})` : ''}`);

/** The functions entered in the run, in order. */
export const entered = (r: RunResult): string[] =>
  r.trace.flatMap((e) => (e.type === 'fn_enter' ? [e.fn] : []));

/** The trace events of one step (from its `step` marker to the next top-level one). */
export function stepEvents(r: RunResult, index: number): RunResult['trace'] {
  const start = r.trace.findIndex((e) => e.type === 'step' && e.index === index);
  if (start < 0) throw new Error(`no step ${index}`);
  const end = r.trace.findIndex((e, i) => i > start && e.type === 'step' && e.index >= 0);
  return r.trace.slice(start, end < 0 ? undefined : end);
}

/** A run as stable JSON text: the summary, then one trace event per line. */
export function goldenText(name: string, r: RunResult): string {
  const head = JSON.stringify(
    { scenario: name, variant: r.variant, steps: toJSONValue(r.steps), violations: r.violations },
    null,
    1,
  );
  const events = r.trace.map((e) => JSON.stringify(toJSONValue(e)));
  return `${head.slice(0, -2)},\n "trace": [\n${events.join(',\n')}\n ]\n}\n`;
}
