/**
 * runScenario as an API: bad model input is a RangeError/TypeError naming the field, a runaway run
 * stops at the work budget, the text trace is indented by call depth, and the built-ins resolve
 * by name.
 */
import { describe, expect, it } from 'vitest';
import { formatTrace } from '../src/explain/text.js';
import { BUILTIN_SCENARIO_NAMES, getBuiltinScenario } from '../src/scenarios/builtin.js';
import { runScenario } from '../src/sim/engine.js';
import { StepBudgetExceeded } from '../src/sim/errors.js';
import { ipa } from '../src/types/addr.js';
import { scenario } from './helpers.js';

describe('runScenario input checks', () => {
  const ok = scenario({ steps: [{ guest: 'read', ipa: '0x46880000' }] });

  it('rejects a non-integer or out-of-range ipaBits with a RangeError naming it', () => {
    expect(() => runScenario({ ...ok, realm: { ...ok.realm, ipaBits: 40.5 } })).toThrow(RangeError);
    expect(() => runScenario({ ...ok, realm: { ...ok.realm, ipaBits: 60 } })).toThrow(
      /ipaBits: expected an integer 32…52, got 60/,
    );
  });

  it('rejects a memslot size that is not a multiple of 4 KiB, and a number where a bigint is expected', () => {
    const m = ok.memslots[0];
    if (m === undefined) throw new Error('fixture');
    expect(() => runScenario({ ...ok, memslots: [{ ...m, size: 0x1234n }] })).toThrow(
      /memslots\[0\]\.size: expected a positive multiple of 4 KiB, got 0x1234/,
    );
    expect(() => runScenario({ ...ok, memslots: [{ ...m, gpa: 5 as never }] })).toThrow(TypeError);
  });

  it('rejects an access not aligned to its size and an unknown variant', () => {
    expect(() =>
      runScenario({
        ...ok,
        steps: [{ actor: 'guest', op: 'read', ipa: ipa(0x46880004n), size: 8, isv: true, vcpu: 0 }],
      }),
    ).toThrow(/steps\[0\]\.ipa: expected an address aligned to the access size 8/);
    expect(() => runScenario(ok, { variant: 'v15' as never })).toThrow(
      /variant: expected v14 or fixed, got v15/,
    );
  });

  it('treats an access beyond the realm IPA width as a scenario, not bad input (brief §8.18)', () => {
    const r = runScenario({
      ...ok,
      steps: [{ actor: 'guest', op: 'read', ipa: ipa(1n << 45n), size: 8, isv: true, vcpu: 0 }],
    });
    expect(r.steps[0]?.outcome).toBe('guest_sea');
  });
});

describe('the work budget', () => {
  it('throws StepBudgetExceeded with a clear message when a run does too much', () => {
    const sc = getBuiltinScenario('thp-aligned');
    expect(() => runScenario(sc, { budget: 50 })).toThrow(StepBudgetExceeded);
    expect(() => runScenario(sc, { budget: 50 })).toThrow(
      /step budget exceeded: the run did more than 50 units of work/,
    );
  });
});

describe('formatTrace', () => {
  it('prints the seed fault path indented by call depth, with C-style returns', () => {
    const text = formatTrace(
      runScenario(getBuiltinScenario('shared-fault-zero-page'), { variant: 'v14' }).trace,
    );
    expect(text).toContain('REC exit RMI_EXIT_SYNC: esr=0x92000007 far=0x0 hpfar=0x100468800');
    expect(text).toMatch(/\n {6}user_mem_abort\(fault_ipa=0x10046880000, write_fault=false\)\n/);
    expect(text).toContain('WARNING in realm_map_ipa: WARN_ON(!(prot & KVM_PGTABLE_PROT_W))');
    expect(text).toContain('realm_map_ipa → -EFAULT');
    expect(text).toContain('KVM_RUN returns -1 errno=EFAULT');
  });
});

describe('getBuiltinScenario', () => {
  it('has the 20 scenarios of brief §8 plus the seed under fixed, each described with a brief section', () => {
    expect(BUILTIN_SCENARIO_NAMES).toHaveLength(21);
    for (const n of BUILTIN_SCENARIO_NAMES) expect(getBuiltinScenario(n).description).toMatch(/§\d/);
  });
  it('names the known scenarios when given an unknown one', () => {
    expect(() => getBuiltinScenario('nope')).toThrow(
      /scenario: expected one of private-first-touch, .* got nope/,
    );
  });
});
