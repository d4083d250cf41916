/**
 * The data shaping behind <ScenarioCompare> (src/components/scenario-compare.ts): the first step
 * where v14 and post-v14-review differ, repeat compression, fault lines that say which function
 * returned what, what each run came to (ahead of the invariant checks), and the build-failing
 * error for a bad name.
 */
import {
  BUILTIN_SCENARIO_NAMES,
  formatCRet,
  getBuiltinScenario,
  MAX_REC_ENTRIES,
  runScenario,
  VARIANTS,
  type StepSummary,
} from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import {
  compareScenario,
  compressRepeats,
  faultText,
  loadScenario,
  runVerdict,
  stepVerdict,
} from '../../src/components/scenario-compare.js';

describe('compareScenario', () => {
  it('finds where shared-fault-zero-page diverges', () => {
    const cmp = compareScenario('shared-fault-zero-page');
    expect(cmp.stepCount).toBe(2);
    // Step 0 (set_memory_decrypted) already differs in its RMI calls: v14 also unmaps the
    // shared alias, creating RTTs for it; post-v14 filters the unmap to the private half.
    expect(cmp.firstDifference).toBe(0);
    expect(cmp.firstDifferenceFields).toEqual(['rmi']);
    // Step 1 (the read through the shared alias) is where the outcome differs.
    expect(cmp.firstOutcomeDifference).toBe(1);
    const read = cmp.rows[1];
    const v14 = read?.cells.v14;
    const post = read?.cells['post-v14-review'];
    expect(v14?.outcome).toMatch(/^kvm_run_error/);
    expect(v14?.errno).toBe('EFAULT');
    expect(v14?.exits).toEqual([]);
    expect(v14?.warnings).toEqual([{ items: ['realm_map_ipa'], times: 1 }]);
    expect(post?.outcome).toMatch(/^completed/);
    expect(post?.value).toBe('0x0');
    expect(read?.differs).toContain('outcome');
    // The dispatch target and what kvm_handle_guest_abort() returned, each named.
    expect(v14?.faults[0]?.items[0]).toBe(
      'IPA 0x10046880000, ESR 0x92000007: kvm_handle_guest_abort() called user_mem_abort() and returned -EFAULT',
    );
  });

  it('shows only the requested steps but reports the first difference over all of them', () => {
    const cmp = compareScenario('shared-fault-zero-page', [1]);
    expect(cmp.rows.map((r) => r.index)).toEqual([1]);
    expect(cmp.firstDifference).toBe(0);
  });

  it('reports the violations of the seed reproduction and the toggle it sets', () => {
    const cmp = compareScenario('shared-force-write-zero-page');
    expect(cmp.violations.length).toBeGreaterThan(0);
    expect(cmp.violations.every((v) => v.invariant === 3)).toBe(true);
    expect(cmp.toggles.map((t) => t.name)).toEqual(['forceSharedWrite']);
  });

  it('throws for an unknown scenario, naming the prop and every valid name', () => {
    expect(() => compareScenario('no-such-scenario')).toThrow(
      /<ScenarioCompare scenario="no-such-scenario">/,
    );
    try {
      loadScenario('no-such-scenario');
      expect.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain('unknown built-in scenario "no-such-scenario"');
      for (const name of BUILTIN_SCENARIO_NAMES) expect(msg).toContain(name);
    }
  });

  it('throws for a step index outside the scenario', () => {
    expect(() => compareScenario('shared-fault-zero-page', [2])).toThrow(/steps 0…1/);
  });
});

describe('fault lines', () => {
  it('says when kvm_handle_guest_abort() returned before calling a handler', () => {
    const line = faultText({ ipa: 0x46880000n as never, esr: 0x92000010n, handler: 'none', ret: -14 });
    expect(line).toBe(
      'IPA 0x46880000, ESR 0x92000010: kvm_handle_guest_abort() called no handler and returned -EFAULT',
    );
  });

  it('never credits the handler with kvm_handle_guest_abort()’s return value', () => {
    for (const name of BUILTIN_SCENARIO_NAMES) {
      for (const variant of VARIANTS) {
        for (const step of runScenario(getBuiltinScenario(name), { variant, trace: false }).steps) {
          for (const f of step.faults) {
            const line = faultText(f);
            expect(line).not.toMatch(new RegExp(`${f.handler} (→|returned)`));
            if (f.handler === 'rmm_injected_sea')
              expect(line).toMatch(/the RMM injected an SEA, no exit to the host$/);
            else if (f.handler === 'none')
              expect(line).toContain(
                `kvm_handle_guest_abort() called no handler and returned ${formatCRet(f.ret)}`,
              );
            else
              expect(line).toContain(
                `kvm_handle_guest_abort() called ${f.handler}() and returned ${formatCRet(f.ret)}`,
              );
          }
        }
      }
    }
  });
  it('a private first touch: gmem_abort() mapped the page and kvm_handle_guest_abort() returned 1', () => {
    const cell = compareScenario('private-first-touch').rows[0]?.cells.v14;
    expect(cell?.faults[0]?.items[0]).toBe(
      'IPA 0x46880000, ESR 0x90000005: kvm_handle_guest_abort() called gmem_abort() and returned 1',
    );
  });
});

describe('what each run came to', () => {
  const summary = (s: Partial<StepSummary>): StepSummary => ({
    outcome: 'completed',
    exits: [],
    faults: [],
    rmi: [],
    warnings: [],
    ...s,
  });
  it('says why a step did not complete, with its WARNs', () => {
    const fault = { ipa: 0n, esr: 0n, handler: 'user_mem_abort', ret: 1 } as StepSummary['faults'][number];
    expect(stepVerdict(summary({}))).toBeNull();
    expect(
      stepVerdict(
        summary({
          outcome: 'no_progress',
          faults: [fault, fault],
          warnings: ['realm_map_non_secure', 'realm_map_non_secure'],
        }),
      ),
    ).toBe(
      `no forward progress: 2 REC exits for the same access, each resumed without the access completing (the simulator stops after ${String(MAX_REC_ENTRIES)} REC entries); WARN in realm_map_non_secure`,
    );
    expect(stepVerdict(summary({ outcome: 'kernel_livelock' }), 'realm_map_non_secure')).toBe(
      'the host kernel would loop forever in realm_map_non_secure()',
    );
    expect(stepVerdict(summary({ outcome: 'kvm_run_error', errno: 'EINVAL' }))).toBe(
      'KVM_RUN failed with EINVAL and the VMM stopped the vCPU',
    );
    expect(stepVerdict(summary({ warnings: ['realm_map_ipa'] }))).toBe(
      'completed, but WARN in realm_map_ipa',
    );
  });
  it('thp-aligned: v14 makes no forward progress and WARNs, post-v14 completes', () => {
    const cmp = compareScenario('thp-aligned');
    const [v14, post] = cmp.verdicts;
    expect(v14?.variant).toBe('v14');
    expect(v14?.clean).toBe(false);
    const run = runScenario(getBuiltinScenario('thp-aligned'), { variant: 'v14', trace: false });
    const stuck = run.steps.findIndex((s) => s.outcome === 'no_progress');
    expect(stuck).toBeGreaterThanOrEqual(0);
    expect(v14?.lines).toContain(
      `step ${String(stuck)}: ${stepVerdict(run.steps[stuck] as StepSummary) ?? ''}`,
    );
    expect(v14?.lines.join(' ')).toMatch(/no forward progress: \d+ REC exits .*WARN in realm_map_non_secure/);
    expect(post?.variant).toBe('post-v14-review');
    expect(post?.clean).toBe(true);
    // No invariant is broken: the verdict is what the reader needs first.
    expect(cmp.violations).toEqual([]);
  });
  it('a run whose steps all complete without a WARN is clean', () => {
    const r = runScenario(getBuiltinScenario('private-first-touch'), { variant: 'v14' });
    expect(runVerdict(r)).toEqual({ variant: 'v14', lines: [], clean: true });
  });
});

describe('compressRepeats', () => {
  it('collapses tandem repeats and keeps the rest in order', () => {
    expect(compressRepeats(['a', 'b', 'c', 'b', 'c', 'b', 'c', 'd'])).toEqual([
      { items: ['a'], times: 1 },
      { items: ['b', 'c'], times: 3 },
      { items: ['d'], times: 1 },
    ]);
    expect(compressRepeats([])).toEqual([]);
  });
});
