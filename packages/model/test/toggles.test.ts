/**
 * The toggles for what the brief marks uncertain (§9), end to end: each one changes exactly the
 * behaviour it names, and TOGGLE_INFO documents every toggle of DEFAULT_TOGGLES.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOGGLES, TOGGLE_INFO } from '../src/scenario/types.js';
import { runScenario } from '../src/sim/engine.js';
import { scenario, stepEvents } from './helpers.js';

describe('TOGGLE_INFO', () => {
  it('documents every toggle with its default, a brief source, and whether it is uncertain', () => {
    expect(TOGGLE_INFO.map((t) => t.name).sort()).toEqual(Object.keys(DEFAULT_TOGGLES).sort());
    for (const t of TOGGLE_INFO) {
      expect(t.default).toBe(DEFAULT_TOGGLES[t.name]);
      expect(t.source).toMatch(/§\d/);
    }
    expect(TOGGLE_INFO.filter((t) => t.uncertain).map((t) => t.name)).toEqual([
      'rmmRevealsWriteOnPermissionFault',
      'nonGmemPrivateGuard',
    ]);
  });
});

describe('kvm_is_write_fault with rmmMasksWnR off (brief §2.2 item 5, §9.3)', () => {
  const sc = scenario({
    steps: [
      { guest: 'write', ipa: '0x10046880000', value: '0x99', isv: false },
      { vmm: 'read', gpa: '0x46880000' },
    ],
  });
  it('default (masked): a shared ISV=0 store looks like a read (0x92000005) and v14 fails with EFAULT', () => {
    const r = runScenario(sc);
    expect(r.steps[0]).toMatchObject({ outcome: 'kvm_run_error', errno: 'EFAULT' });
    expect(r.steps[0]?.faults[0]?.esr).toBe(0x92000005n);
  });
  it('unmasked: ESR 0x92000045, GUP with FOLL_WRITE breaks copy-on-write and v14 maps it RW; the VMM sees the store', () => {
    const r = runScenario({ ...sc, toggles: { ...sc.toggles, rmmMasksWnR: false } });
    expect(r.steps[0]?.faults[0]?.esr).toBe(0x92000045n);
    expect(stepEvents(r, 0).some((e) => e.type === 'host_mm' && e.what === 'alloc')).toBe(true);
    expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0x99n });
    expect(r.violations).toEqual([]);
  });
});

describe('user_mem_abort on a protected IPA of a memslot without guest_memfd (brief §3.2, §9.4)', () => {
  const sc = scenario({
    memslots: [
      {
        gpa: '0x40000000',
        size: '0x40000000',
        hva: '0xffff00000000',
        guestMemfd: false,
        backing: 'anon-shared',
      },
    ],
    ripasRam: [{ gpa: '0x40000000', size: '0x40000000' }],
    steps: [
      { guest: 'write', ipa: '0x46880000', value: '0x1', isv: false },
      { vmm: 'read', gpa: '0x46880000' },
    ],
  });
  it("v14 as posted delegates the VMM's own page and maps it protected; the VMM then faults on it", () => {
    const r = runScenario(sc);
    expect(r.steps[0]?.faults[0]?.handler).toBe('user_mem_abort');
    expect(stepEvents(r, 0).some((e) => e.type === 'fn_enter' && e.fn === 'realm_map_protected')).toBe(true);
    expect(r.steps[0]?.outcome).toBe('completed');
    expect(r.steps[1]?.outcome).toBe('vmm_exit');
  });
  it('with nonGmemPrivateGuard (the v12 check) it fails with EINVAL instead', () => {
    const r = runScenario({ ...sc, toggles: { ...sc.toggles, nonGmemPrivateGuard: true } });
    expect(r.steps[0]).toMatchObject({ outcome: 'kvm_run_error', errno: 'EINVAL' });
  });
});

describe('kvm_s2_fault_compute_prot with forceSharedWrite (brief §7)', () => {
  it('forces W only for shared-space faults: prot 0xb becomes 0xf', () => {
    const sc = scenario({ steps: [{ guest: 'read', ipa: '0x10046880000', isv: false }] });
    const plain = stepEvents(runScenario(sc, { variant: 'fixed' }), 0);
    const forced = stepEvents(
      runScenario({ ...sc, toggles: { ...sc.toggles, forceSharedWrite: true } }, { variant: 'fixed' }),
      0,
    );
    const prot = (ev: typeof plain) =>
      ev.find((e) => e.type === 'fn_return' && e.fn === 'kvm_s2_fault_compute_prot');
    expect(prot(plain)).toMatchObject({ ret: '0xb' });
    expect(prot(forced)).toMatchObject({ ret: '0xf' });
  });
});
