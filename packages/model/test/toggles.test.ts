/**
 * The toggles, end to end: each one changes exactly the behaviour it names, and TOGGLE_INFO
 * documents every toggle of DEFAULT_TOGGLES with primary sources that resolve.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOGGLES, RETIRED_TOGGLES, TOGGLE_INFO } from '../src/scenario/types.js';
import { citationProblems, findCitations } from '../src/sources/cite.js';
import { runScenario } from '../src/sim/engine.js';
import { scenario, stepEvents } from './helpers.js';

describe('TOGGLE_INFO', () => {
  it('documents every toggle with its default, primary sources that resolve, and whether it is uncertain', () => {
    expect(TOGGLE_INFO.map((t) => t.name).sort()).toEqual(Object.keys(DEFAULT_TOGGLES).sort());
    for (const t of TOGGLE_INFO) {
      expect(t.default).toBe(DEFAULT_TOGGLES[t.name]);
      expect(findCitations(t.source).length, t.name).toBeGreaterThan(0);
      expect(citationProblems(t.source), t.name).toEqual([]);
      expect(citationProblems(t.description), t.name).toEqual([]);
    }
    // Only the RMM change whose content is not public is a hypothesis; the others follow code.
    expect(TOGGLE_INFO.filter((t) => t.uncertain).map((t) => t.name)).toEqual([
      'rmmRevealsWriteOnPermissionFault',
    ]);
  });
});

describe('RETIRED_TOGGLES', () => {
  it('names a current toggle as the replacement of each retired one', () => {
    expect(Object.keys(RETIRED_TOGGLES)).toEqual(['rmmMasksWnR']);
    for (const [old, use] of Object.entries(RETIRED_TOGGLES)) {
      expect(Object.keys(DEFAULT_TOGGLES)).not.toContain(old);
      expect(Object.keys(DEFAULT_TOGGLES)).toContain(use.split(' ')[0]);
    }
  });
});

/*
 * TF-RMM hides WnR for an abort without a valid syndrome at an unprotected IPA and, since commit
 * 4de93bb0, keeps IL [@tf-rmm-exit.c:258-273; @tf-rmm-4de93bb0]; before it such an abort took the
 * emulatable path, whose mask keeps WnR and drops IL [@tf-rmm-before-4de93bb0-exit.c:256-268].
 * kvm_is_write_fault() reads WnR [@linux-kvm_emulate.h:480-502], and only a write fault pins with
 * FOLL_WRITE [@linux-mmu.c:1885-1887].
 */
describe('kvm_is_write_fault with rmmEsrBefore4de93bb0', () => {
  const sc = scenario({
    steps: [
      { guest: 'write', ipa: '0x10046880000', value: '0x99', isv: false },
      { vmm: 'read', gpa: '0x46880000' },
    ],
  });
  it('default (TF-RMM since 4de93bb0): a shared ISV=0 store looks like a read (0x92000005: IL kept, WnR hidden) and v14 fails with EFAULT', () => {
    const r = runScenario(sc);
    expect(r.steps[0]).toMatchObject({ outcome: 'kvm_run_error', errno: 'EFAULT' });
    expect(r.steps[0]?.faults[0]?.esr).toBe(0x92000005n);
  });
  it('before 4de93bb0: ESR 0x90000045 (WnR kept, IL dropped), GUP with FOLL_WRITE allocates the page and v14 maps it RW; the VMM sees the store', () => {
    const r = runScenario({ ...sc, toggles: { ...sc.toggles, rmmEsrBefore4de93bb0: true } });
    expect(r.steps[0]?.faults[0]?.esr).toBe(0x90000045n);
    expect(stepEvents(r, 0).find((e) => e.type === 'fn_enter' && e.fn === '__kvm_faultin_pfn')).toMatchObject(
      {
        args: { flags: 'FOLL_WRITE' },
      },
    );
    expect(stepEvents(r, 0).some((e) => e.type === 'host_mm' && e.what === 'alloc')).toBe(true);
    expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0x99n });
    expect(r.violations).toEqual([]);
  });
});

/*
 * v12 refused a protected-IPA fault on a memslot without guest_memfd [@v12-24]; neither v14 nor the
 * post-v14 mmu.c has that guard: kvm_handle_guest_abort() sends every fault that is not a
 * private-alias fault on a guest_memfd slot to user_mem_abort() [@post-v14-lp-mmu.c:2459-2462].
 */
describe('user_mem_abort on a protected IPA of a memslot without guest_memfd', () => {
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

/* Gavin Shan's local change forces W for shared-space faults [@v14-29-shan-0626a]. */
describe('kvm_s2_fault_compute_prot with forceSharedWrite', () => {
  it('forces W only for shared-space faults: prot 0xb becomes 0xf', () => {
    const sc = scenario({ steps: [{ guest: 'read', ipa: '0x10046880000', isv: false }] });
    const plain = stepEvents(runScenario(sc, { variant: 'post-v14-review' }), 0);
    const forced = stepEvents(
      runScenario(
        { ...sc, toggles: { ...sc.toggles, forceSharedWrite: true } },
        { variant: 'post-v14-review' },
      ),
      0,
    );
    const prot = (ev: typeof plain) =>
      ev.find((e) => e.type === 'fn_return' && e.fn === 'kvm_s2_fault_compute_prot');
    expect(prot(plain)).toMatchObject({ ret: '0xb' });
    expect(prot(forced)).toMatchObject({ ret: '0xf' });
  });
});
