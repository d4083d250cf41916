/**
 * What each built-in scenario does, pinned explicitly (not only through the golden files): handler,
 * RMI sequence with its RMI_ERROR_RTT retries, exit reason/flags/GPA, errno, WARNs, and the values
 * the guest and the VMM read. Each block cites the code its expectations come from.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/sim/engine.js';
import type { TraceEvent } from '../src/sim/trace.js';
import { entered, rmiSeq, runBuiltin, scenario, stepEvents } from './helpers.js';

const rtteChanges = (events: readonly TraceEvent[]): string[] =>
  events.flatMap((e) =>
    e.type === 'rtte_change' ? [`L${e.level} 0x${e.ipa.toString(16)} ${e.from}->${e.to}`] : [],
  );
const rmiCalls = (events: readonly TraceEvent[]) => events.flatMap((e) => (e.type === 'rmi_call' ? [e] : []));
const fnEnters = (events: readonly TraceEvent[], fn: string) =>
  events.flatMap((e) => (e.type === 'fn_enter' && e.fn === fn ? [e] : []));
const fnReturns = (events: readonly TraceEvent[], fn: string) =>
  events.flatMap((e) => (e.type === 'fn_return' && e.fn === fn ? [e] : []));
const BOTH = ['v14', 'post-v14-review'] as const;

/*
 * TF-RMM reports a protected-IPA abort with EC, SET, FnV, EA and DFSC only (no IL, no WnR)
 * [@tf-rmm-exit.c:258-263]; gmem_abort() maps a private page with realm_map_ipa(..., PAGE_SIZE, R|W)
 * [@v14-mmu.c:1726-1729]; realm_map_protected() creates every missing level at once in v14
 * [@v14 realm_map_protected()] and one level per retry after v14 [@post-v14 realm_map_protected()].
 */
describe('gmem_abort: private first touch', () => {
  it('reports ESR 0x90000005 (L1 translation, IL/WnR masked) with HPFAR 0x468800', () => {
    const r = runBuiltin('private-first-touch', 'v14');
    expect(r.steps[0]?.faults).toEqual([
      { ipa: 0x46880000n, esr: 0x90000005n, handler: 'gmem_abort', ret: 1 },
    ]);
    const exit = stepEvents(r, 0).find((e) => e.type === 'rec_exit');
    expect(exit).toMatchObject({ reason: 'RMI_EXIT_SYNC', esr: 0x90000005n, hpfar: 0x468800n, far: 0n });
    expect(r.steps[0]?.exits).toEqual([]);
  });

  it('v14: RTT_DATA_MAP 0x104, creates L2 and L3 with two memcache pages, then maps', () => {
    const r = runBuiltin('private-first-touch', 'v14');
    expect(rmiSeq(r, 0)).toEqual([
      'RMI_GRANULE_RANGE_DELEGATE:RMI_SUCCESS',
      'RMI_RTT_DATA_MAP:RMI_ERROR_RTT(1)',
      'RMI_GRANULE_RANGE_DELEGATE:RMI_SUCCESS',
      'RMI_RTT_CREATE:RMI_SUCCESS',
      'RMI_GRANULE_RANGE_DELEGATE:RMI_SUCCESS',
      'RMI_RTT_CREATE:RMI_SUCCESS',
      'RMI_RTT_DATA_MAP:RMI_SUCCESS',
    ]);
    const map = rmiCalls(stepEvents(r, 0)).filter((c) => c.cmd === 'RMI_RTT_DATA_MAP');
    expect(map.map((c) => c.ret)).toEqual([0x104, 0]);
    const create = rmiCalls(stepEvents(r, 0)).filter((c) => c.cmd === 'RMI_RTT_CREATE');
    expect(create.map((c) => c.args['level'])).toEqual([2, 3]);
    expect(fnEnters(stepEvents(r, 0), 'realm_map_ipa')[0]).toMatchObject({ args: { prot: '0xc' } });
  });

  it('post-v14: 0x104 → create L2 → 0x204 → create L3 → SUCCESS, one level per retry', () => {
    const r = runBuiltin('private-first-touch', 'post-v14-review');
    const map = rmiCalls(stepEvents(r, 0)).filter((c) => c.cmd === 'RMI_RTT_DATA_MAP');
    expect(map.map((c) => c.ret)).toEqual([0x104, 0x204, 0]);
  });

  it('ends with an L3 assigned_ram entry and the guest reads back what it wrote', () => {
    for (const v of BOTH) {
      const r = runBuiltin('private-first-touch', v);
      expect(rtteChanges(stepEvents(r, 0)).at(-1)).toBe('L3 0x46880000 unassigned_ram->assigned_ram');
      expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0x1234n });
      expect(r.violations).toEqual([]);
    }
  });
});

/*
 * QEMU makes a guest_memfd memslot PRIVATE when it creates it [@qemu-kvm-all.c:1612-1619] (since
 * [@qemu-bd3bcf69]); vmm.gmemPrivateAtCreation: false is a VMM that leaves KVM's default, shared.
 * gmem_abort() then finds a private-alias fault on a shared GFN and exits [@v14-mmu.c:1659-1680].
 */
describe('vmm.gmemPrivateAtCreation', () => {
  const steps = [
    { guest: 'write', ipa: '0x46880000', value: '0x1234', isv: false },
    { guest: 'read', ipa: '0x46880000' },
  ];
  const setupAttr = (events: readonly TraceEvent[]) => fnEnters(events, 'kvm_vm_set_mem_attributes');

  it('true (QEMU, the default): the setup sets every guest_memfd memslot PRIVATE before activation, and a first touch maps without an exit', () => {
    const sc = scenario({
      memslots: [
        { gpa: '0x40000000', size: '0x80000000', hva: '0xffff23e00000', guestMemfd: true },
        { gpa: '0x0', size: '0x1000', hva: '0xffff00000000', guestMemfd: false },
      ],
      steps,
    });
    expect(sc.vmm.gmemPrivateAtCreation).toBe(true);
    const r = runScenario(sc);
    const setup = stepEvents(r, -1);
    expect(setupAttr(setup).map((e) => e.args)).toEqual([
      { address: 0x40000000n, size: 0x80000000n, attributes: '0x8' },
    ]);
    const attr = setup.findIndex((e) => e.type === 'fn_enter' && e.fn === 'kvm_vm_set_mem_attributes');
    const act = setup.findIndex((e) => e.type === 'fn_enter' && e.fn === 'kvm_activate_realm');
    expect(attr).toBeLessThan(act);
    expect(r.steps[0]).toMatchObject({ outcome: 'completed', exits: [] });
    expect(r.steps[0]?.faults.map((f) => f.ret)).toEqual([1]);
  });

  it('false: no attribute is set at creation; the first touch exits with KVM_EXIT_MEMORY_FAULT {PRIVATE}, QEMU converts, the re-fault maps', () => {
    const r = runScenario(scenario({ vmm: { gmemPrivateAtCreation: false }, steps }));
    expect(setupAttr(stepEvents(r, -1))).toEqual([]);
    expect(r.steps[0]?.exits).toEqual([
      { reason: 'KVM_EXIT_MEMORY_FAULT', gpa: 0x46880000n, size: 0x1000n, flags: 0x8n },
    ]);
    expect(r.steps[0]?.faults.map((f) => f.ret)).toEqual([-14, 1]);
    expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0x1234n });
  });

  it('the `private` ranges are set PRIVATE at setup in both cases', () => {
    const r = runScenario(
      scenario({
        vmm: { gmemPrivateAtCreation: false },
        private: [{ gpa: '0x46880000', size: '0x1000' }],
        steps,
      }),
    );
    expect(setupAttr(stepEvents(r, -1)).map((e) => e.args)).toEqual([
      { address: 0x46880000n, size: 0x1000n, attributes: '0x8' },
    ]);
    expect(r.steps[0]?.exits).toEqual([]);
  });
});

describe('gmem_abort: private fault on a shared attribute (private-fault-shared-attr)', () => {
  it('exits with KVM_EXIT_MEMORY_FAULT {flags=PRIVATE, gpa=0x46880000, size=0x1000} and -EFAULT, then converts and maps', () => {
    for (const v of BOTH) {
      const r = runBuiltin('private-fault-shared-attr', v);
      const s = r.steps[0];
      expect(s?.exits).toEqual([
        { reason: 'KVM_EXIT_MEMORY_FAULT', gpa: 0x46880000n, size: 0x1000n, flags: 0x8n },
      ]);
      expect(s?.faults.map((f) => f.ret)).toEqual([-14, 1]);
      expect(s?.outcome).toBe('completed');
      const run = stepEvents(r, 0).find((e) => e.type === 'exit_to_vmm');
      expect(run).toMatchObject({ ret: -1, errno: 'EFAULT', exitReason: 'KVM_EXIT_MEMORY_FAULT' });
      expect(r.steps[1]?.value).toBe(0x1234n);
    }
  });

  it('the conversion to private unmaps only the shared alias (KVM_FILTER_SHARED [@v14-mmu.c:2787-2800])', () => {
    const ev = stepEvents(runBuiltin('private-fault-shared-attr', 'v14'), 0);
    expect(fnEnters(ev, 'kvm_realm_unmap_range')[0]).toMatchObject({ args: { unmap_private: false } });
    const post = stepEvents(runBuiltin('private-fault-shared-attr', 'post-v14-review'), 0);
    expect(fnEnters(post, 'kvm_realm_unmap_range_filter')[0]).toMatchObject({ args: { attr_filter: 1 } });
    expect(fnEnters(post, 'realm_unmap_private_range')).toEqual([]);
  });
});

/*
 * RSI_IPA_STATE_SET exits with RMI_EXIT_RIPAS_CHANGE [@tf-rmm-rsi-memory.c:42-55];
 * rec_exit_ripas_change() turns it into KVM_EXIT_MEMORY_FAULT [@v14-rmi-exit.c:90-117]; v14 unmaps the
 * shared alias on every unmap [@v14-rmi.c:633-648]; the change is applied on the next entry
 * [@v14-rmi.c:1062-1095].
 */
describe('kvm_complete_ripas_change: explicit private → shared', () => {
  const r = runBuiltin('explicit-private-to-shared', 'v14');
  const ev = stepEvents(r, 1);

  it('RIPAS_CHANGE becomes KVM_EXIT_MEMORY_FAULT {flags=0, gpa=0x46880000, size=0x1000}', () => {
    expect(r.steps[1]?.exits).toEqual([
      { reason: 'KVM_EXIT_MEMORY_FAULT', gpa: 0x46880000n, size: 0x1000n, flags: 0n },
    ]);
    expect(ev.find((e) => e.type === 'rec_exit')).toMatchObject({
      reason: 'RMI_EXIT_RIPAS_CHANGE',
      ripasBase: 0x46880000n,
      ripasTop: 0x46881000n,
      ripas: 0,
    });
    expect(r.steps[1]).toMatchObject({ rsi: 'RSI_SUCCESS', rsiResponse: 'RSI_ACCEPT' });
  });

  it('v14 unmaps the shared alias twice (attribute change and guest_memfd discard), as in the seed log', () => {
    const shared = fnEnters(ev, 'realm_unmap_shared_range');
    expect(shared).toHaveLength(2);
    expect(shared.every((e) => e.args['start'] === 0x46880000n)).toBe(true);
    const unprot = rmiCalls(ev).filter((c) => c.cmd === 'RMI_RTT_UNPROT_UNMAP');
    expect(unprot.every((c) => c.args['base'] === 0x10046880000n)).toBe(true);
  });

  it('RTT_DATA_UNMAP: assigned_ram → unassigned_destroyed, undelegate; RTT_SET_RIPAS → unassigned_empty', () => {
    const ch = rtteChanges(ev);
    expect(ch).toContain('L3 0x46880000 assigned_ram->unassigned_destroyed');
    expect(ch.at(-1)).toBe('L3 0x46880000 unassigned_destroyed->unassigned_empty');
    expect(rmiSeq(r, 1)).toContain('RMI_GRANULE_RANGE_UNDELEGATE:RMI_SUCCESS');
    expect(rmiSeq(r, 1)).toContain('RMI_RTT_SET_RIPAS:RMI_SUCCESS');
  });

  it('post-v14 unmaps the private range only (kvm_realm_unmap_range_filter [@post-v14-gw-rmi.c:604-620]) and checks guest_memfd first (ripas_range_matches_gmem), still ending unassigned_empty', () => {
    const f = runBuiltin('explicit-private-to-shared', 'post-v14-review');
    const fev = stepEvents(f, 1);
    expect(fnEnters(fev, 'realm_unmap_shared_range')).toHaveLength(0);
    expect(fnReturns(fev, 'ripas_range_matches_gmem')).toMatchObject([{ ret: 'true' }]);
    expect(rtteChanges(fev).at(-1)).toBe('L3 0x46880000 unassigned_destroyed->unassigned_empty');
  });

  it('the later shared touch reads what the VMM wrote', () => {
    for (const v of BOTH)
      expect(runBuiltin('explicit-private-to-shared', v).steps[3]).toMatchObject({
        outcome: 'completed',
        value: 0xabcdn,
      });
  });
});

/*
 * An unprotected abort without a valid syndrome: EC, SET, FnV, EA, DFSC and IL, WnR hidden
 * [@tf-rmm-exit.c:265-273]. RMI_RTT_UNPROT_MAP flags: MEMATTR and S2AP from prot
 * [@v14 realm_map_non_secure()]; post-v14 descriptors carry ST = UNDELEGATED [@post-v14-gw-rmi.c:826].
 */
describe('user_mem_abort: shared fault on a page the VMM wrote', () => {
  it('v14: ESR 0x92000007 (the seed), RTT_UNPROT_MAP flags 0x1e0001 with desc pfn|4 → assigned_ns RW', () => {
    const r = runBuiltin('shared-fault-vmm-written', 'v14');
    expect(r.steps[2]?.faults).toEqual([
      { ipa: 0x10046880000n, esr: 0x92000007n, handler: 'user_mem_abort', ret: 1 },
    ]);
    const [map] = rmiCalls(stepEvents(r, 2)).filter((c) => c.cmd === 'RMI_RTT_UNPROT_MAP');
    expect(map).toMatchObject({
      status: 'RMI_SUCCESS',
      args: { base: 0x10046880000n, top: 0x10046881000n, flags: 0x1e0001n },
    });
    const desc = map?.args['desc'];
    expect(typeof desc === 'bigint' && (desc & 0xfffn) === 4n && desc >> 63n === 0n).toBe(true);
    expect(rtteChanges(stepEvents(r, 2))).toEqual(['L3 0x10046880000 unassigned_ns->assigned_ns(RW)']);
    expect(r.steps[2]?.value).toBe(0xabcdn);
  });

  it('post-v14: no RTTs on the shared alias yet (the conversion to shared left it alone), so RMI_ERROR_RTT(1), RTTs to L3, then SUCCESS; ST = UNDELEGATED', () => {
    const r = runBuiltin('shared-fault-vmm-written', 'post-v14-review');
    expect(r.steps[2]?.faults[0]?.esr).toBe(0x92000005n);
    const maps = rmiCalls(stepEvents(r, 2)).filter((c) => c.cmd === 'RMI_RTT_UNPROT_MAP');
    expect(maps.map((c) => c.ret)).toEqual([0x104, 0]);
    const desc = maps[0]?.args['desc'];
    expect(typeof desc === 'bigint' && desc >> 63n).toBe(1n);
    expect(r.steps[2]?.value).toBe(0xabcdn);
  });
});

describe('realm_map_ipa: shared read of an untouched MAP_PRIVATE page', () => {
  it('v14: zero page, no W, WARN and -EFAULT [@v14-mmu.c:1549-1570]; KVM_RUN fails with EFAULT without a memory-fault exit', () => {
    const r = runBuiltin('shared-fault-zero-page', 'v14');
    const s = r.steps[1];
    expect(s).toMatchObject({
      outcome: 'kvm_run_error',
      errno: 'EFAULT',
      exits: [],
      warnings: ['realm_map_ipa'],
    });
    expect(s?.faults).toEqual([
      { ipa: 0x10046880000n, esr: 0x92000007n, handler: 'user_mem_abort', ret: -14 },
    ]);
    expect(stepEvents(r, 1).find((e) => e.type === 'exit_to_vmm')).toMatchObject({
      errno: 'EFAULT',
      exitReason: null,
    });
    expect(rmiSeq(r, 1)).toEqual([]);
  });

  it('post-v14: maps the page read-only (S2AP READ: flags 0x160001 [@post-v14-gw-rmi.c:870-890]) and the read returns 0', () => {
    const r = runBuiltin('shared-fault-zero-page', 'post-v14-review');
    const maps = rmiCalls(stepEvents(r, 1)).filter((c) => c.cmd === 'RMI_RTT_UNPROT_MAP');
    expect(maps.at(-1)?.args['flags']).toBe(0x160001n);
    expect(rtteChanges(stepEvents(r, 1)).at(-1)).toBe('L3 0x10046880000 unassigned_ns->assigned_ns(R)');
    expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0n, warnings: [] });
    expect(r.violations).toEqual([]);
  });
});

/*
 * The MMU notifier around copy-on-write: wp_page_copy() brackets the PTE change with an
 * MMU_NOTIFY_CLEAR range [@linux-memory.c:3903-3906]; KVM's invalidate_range_start unmaps the GFNs
 * with KVM_FILTER_SHARED [@linux-kvm_main.c:607-611] after kvm_mmu_invalidate_begin(), and
 * kvm_mmu_invalidate_end() moves mmu_invalidate_seq [@linux-kvm_main.c:771-795]. A fault that
 * sampled the old sequence retries (-EAGAIN, returned as 0) [@linux-mmu.c:1989-2075].
 */
describe('the MMU notifier on copy-on-write', () => {
  it("the VMM's write to a zero-page-backed shared page unmaps the realm's shared alias and moves mmu_invalidate_seq; the guest re-faults and reads the new page", () => {
    const r = runBuiltin('shared-read-then-vmm-write', 'post-v14-review');
    const ev = stepEvents(r, 2);
    expect(entered({ ...r, trace: ev })).toEqual([
      'wp_page_copy',
      'kvm_mmu_notifier_invalidate_range_start',
      'kvm_mmu_invalidate_begin',
      'kvm_unmap_gfn_range',
      'kvm_realm_unmap_range_filter',
      'realm_unmap_shared_range',
      'realm_fold_rtt_level',
      'kvm_mmu_notifier_invalidate_range_end',
      'kvm_mmu_invalidate_end',
    ]);
    expect(fnEnters(ev, 'kvm_unmap_gfn_range')[0]).toMatchObject({
      args: { start: '0x46880', end: '0x46881', attr_filter: 'KVM_FILTER_SHARED' },
    });
    expect(rtteChanges(ev)).toEqual(['L3 0x10046880000 assigned_ns(R)->unassigned_ns']);
    // The unmap happens before the VMM's PTE moves to the new page, and the sequence moves after.
    const unmap = ev.findIndex((e) => e.type === 'rmi_call' && e.cmd === 'RMI_RTT_UNPROT_UNMAP');
    const cow = ev.findIndex((e) => e.type === 'host_mm' && e.what === 'cow_break');
    const end = ev.findIndex((e) => e.type === 'fn_enter' && e.fn === 'kvm_mmu_invalidate_end');
    expect(unmap).toBeLessThan(cow);
    expect(cow).toBeLessThan(end);
    const seqBefore = fnEnters(ev, 'kvm_mmu_invalidate_end')[0]?.args['mmu_invalidate_seq'];
    const refault = stepEvents(r, 3);
    expect(fnEnters(refault, 'mmu_invalidate_retry')[0]?.args).toMatchObject({
      mmu_invalidate_seq: Number(seqBefore) + 1,
    });
    expect(r.steps[3]).toMatchObject({ outcome: 'completed', value: 0x5eedn });
    expect(r.steps[3]?.faults.map((f) => f.esr)).toEqual([0x92000007n]);
  });

  it('v14 never maps the zero page, so there is nothing to unmap but the notifier still runs', () => {
    const r = runBuiltin('shared-read-then-vmm-write', 'v14');
    expect(r.steps[1]).toMatchObject({ outcome: 'kvm_run_error', errno: 'EFAULT' });
    const ev = stepEvents(r, 2);
    expect(fnEnters(ev, 'kvm_realm_unmap_range')).toMatchObject([{ args: { unmap_private: false } }]);
    expect(rtteChanges(ev)).toEqual([]);
    expect(r.steps[3]).toMatchObject({ outcome: 'completed', value: 0x5eedn });
  });

  // shared-write-cow-retry: the VMM reads the page first, so its page table holds the shared zero
  // page; the guest's emulatable store (ISV=1, WnR reported [@tf-rmm-exit.c:275-280]) then pins with
  // FOLL_WRITE, which breaks copy-on-write inside the fault: the fault retries once.
  it('GUP with FOLL_WRITE inside a fault: the notifier moves mmu_invalidate_seq after the sample, so the first fault retries without mapping', () => {
    // v14 made the shared alias's L3 table when it unmapped it for the conversion to shared; post-v14
    // does not unmap the shared alias then, so its first fault is at L1 until the notifier's unmap
    // creates the tables [@post-v14-gw-rmi.c:446-462].
    const firstEsr = { v14: 0x91c08047n, 'post-v14-review': 0x91c08045n };
    for (const v of BOTH) {
      const r = runBuiltin('shared-write-cow-retry', v);
      expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0n });
      expect(stepEvents(r, 1).some((e) => e.type === 'host_mm' && e.what === 'zero_page')).toBe(true);
      const ev = stepEvents(r, 2);
      expect(r.steps[2]?.faults.map((f) => f.esr)).toEqual([firstEsr[v], 0x91c08047n]);
      expect(fnEnters(ev, 'wp_page_copy')).toHaveLength(1);
      expect(fnReturns(ev, 'mmu_invalidate_retry').map((e) => e.ret)).toEqual(['true', 'false']);
      expect(fnEnters(ev, 'mmu_invalidate_retry').map((e) => e.args['mmu_seq'])).toEqual([3, 4]);
      const map = rmiCalls(ev).filter((c) => c.cmd === 'RMI_RTT_UNPROT_MAP');
      expect(map.map((c) => c.status)).toEqual(['RMI_SUCCESS']);
      expect(map[0]?.args['flags']).toBe(0x1e0001n);
      expect(r.steps[3]).toMatchObject({ outcome: 'completed', value: 0x77n });
    }
  });

  it('an untouched page needs no copy: FOLL_WRITE allocates it directly (no notifier) [@linux-memory.c:5357-5395]', () => {
    const untouched = scenario({
      steps: [
        { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
        { guest: 'write', ipa: '0x10046880000', value: '0x77', isv: true },
        { vmm: 'read', gpa: '0x46880000' },
      ],
    });
    for (const v of BOTH) {
      const r = runScenario(untouched, { variant: v });
      const ev = stepEvents(r, 1);
      expect(fnEnters(ev, 'wp_page_copy')).toEqual([]);
      expect(ev.some((e) => e.type === 'host_mm' && e.what === 'alloc')).toBe(true);
      expect(r.steps[1]?.faults).toHaveLength(1);
      expect(r.steps[2]).toMatchObject({ outcome: 'completed', value: 0x77n });
    }
  });
});

describe('kvm_s2_fault_compute_prot: the seed, forced W on MAP_PRIVATE [@v14-29-shan-0626a]', () => {
  const r = runBuiltin('shared-force-write-zero-page', 'v14');

  it('maps the zero page RW with prot 0xf and flags 0x1e0001', () => {
    const ev = stepEvents(r, 2);
    expect(ev.find((e) => e.type === 'fn_return' && e.fn === 'kvm_s2_fault_compute_prot')).toMatchObject({
      ret: '0xf',
    });
    expect(rmiCalls(ev).find((c) => c.cmd === 'RMI_RTT_UNPROT_MAP')?.args['flags']).toBe(0x1e0001n);
  });

  it("vring B reads vring A's descriptor, B's memset wipes A, and the VMM reads zeros at GPA 0x46880000", () => {
    for (const v of BOTH) {
      const x = runBuiltin('shared-force-write-zero-page', v);
      expect(x.steps[3]?.value).toBe(0x100b983f000n);
      expect(x.steps[5]?.value).toBe(0n);
      expect(x.steps[6]).toMatchObject({ outcome: 'completed', value: 0n });
    }
  });

  it('reports invariant (3): a writable shared mapping of the zero page', () => {
    expect(r.violations.length).toBeGreaterThan(0);
    expect(r.violations.every((v) => v.invariant === 3)).toBe(true);
    expect(r.violations[0]?.message).toMatch(/zero page/);
  });
});

describe('kvm_s2_fault_pin_pfn: the same steps with MAP_SHARED [@v14-29-shan-0628]', () => {
  it('keeps the data: B reads 0, A keeps the descriptor, the VMM reads it, no violation', () => {
    for (const v of BOTH) {
      const r = runBuiltin('shared-force-write-memfd', v);
      expect(r.steps[3]?.value).toBe(0n);
      expect(r.steps[5]?.value).toBe(0x100b983f000n);
      expect(r.steps[6]?.value).toBe(0x100b983f000n);
      expect(r.violations).toEqual([]);
    }
  });
});

/*
 * A write to a read-only shared mapping under post-v14. kvm_is_write_fault() reads WnR
 * [@linux-kvm_emulate.h:480-502], which TF-RMM hides for aborts without a valid syndrome
 * [@tf-rmm-exit.c:265-273]; rmmRevealsWriteOnPermissionFault models the unpublished RMM change
 * [@v14-29-poulose-0626a]. A permission fault skips the memcache top-up [@linux-mmu.c:2077-2114].
 */
describe('realm_map_non_secure: read-only map then write under post-v14 (shared-read-then-write)', () => {
  it('the former name fixed-read-then-write runs the same scenario', () => {
    expect(runBuiltin('fixed-read-then-write', 'post-v14-review').steps).toEqual(
      runBuiltin('shared-read-then-write', 'post-v14-review').steps,
    );
  });

  it('with rmmRevealsWriteOnPermissionFault: ESR 0x9200004F, FOLL_WRITE breaks copy-on-write, whose notifier unmaps the read-only page and moves mmu_invalidate_seq; the fault retries, the re-fault (0x92000007) maps RW; the VMM sees the write', () => {
    const r = runBuiltin('shared-read-then-write', 'post-v14-review');
    expect(r.steps[2]?.faults.map((f) => f.esr)).toEqual([0x9200004fn, 0x92000007n]);
    const ev = stepEvents(r, 2);
    expect(fnEnters(ev, '__kvm_faultin_pfn').map((e) => e.args['flags'])).toEqual(['FOLL_WRITE', '0']);
    expect(fnEnters(ev, 'topup_mmu_memcache')).toHaveLength(1);
    expect(fnReturns(ev, 'mmu_invalidate_retry').map((e) => e.ret)).toEqual(['true', 'false']);
    expect(rmiCalls(ev).map((c) => `${c.cmd}:${c.ret.toString(16)}`)).toEqual([
      'RMI_RTT_UNPROT_UNMAP:0',
      'RMI_RTT_FOLD:104',
      'RMI_RTT_UNPROT_MAP:0',
    ]);
    expect(rtteChanges(ev)).toEqual([
      'L3 0x10046880000 assigned_ns(R)->unassigned_ns',
      'L3 0x10046880000 unassigned_ns->assigned_ns(RW)',
    ]);
    expect(r.steps[2]?.warnings).toEqual([]);
    expect(r.steps[3]?.value).toBe(0x77n);
    expect(r.violations).toEqual([]);
  });

  it('without it the write looks like a read (0x9200000F): VM_WARN_ON_ONCE, the same read-only mapping again and again, no_progress', () => {
    const r = runBuiltin('shared-read-then-write', 'post-v14-review', {
      rmmRevealsWriteOnPermissionFault: false,
    });
    expect(r.steps[2]?.outcome).toBe('no_progress');
    expect(r.steps[2]?.faults[0]?.esr).toBe(0x9200000fn);
    expect(r.steps[2]?.warnings).toEqual(['kvm_handle_guest_abort']);
    const ev = stepEvents(r, 2);
    expect(fnEnters(ev, '__kvm_faultin_pfn').every((e) => e.args['flags'] === '0')).toBe(true);
    // Each round maps the same read-only entry again, which TF-RMM accepts unchanged
    // [@tf-rmm-rtt_map.c:1145-1155]: no unmap, no change, the guest faults again.
    const calls = rmiCalls(ev);
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.every((c) => c.cmd === 'RMI_RTT_UNPROT_MAP' && c.status === 'RMI_SUCCESS')).toBe(true);
    expect(calls.every((c) => c.args['flags'] === 0x160001n)).toBe(true);
    expect(rtteChanges(ev)).toEqual([]);
  });
});

describe('transparent_hugepage_adjust: THP, unaligned fault', () => {
  it('v14: 2 MiB mapping with the unaligned IPA [@v14-mmu.c:2124-2134] → realm_map_non_secure WARN → EINVAL', () => {
    const r = runBuiltin('thp-unaligned', 'v14');
    const ev = stepEvents(r, 1);
    expect(ev.find((e) => e.type === 'fn_return' && e.fn === 'transparent_hugepage_adjust')).toMatchObject({
      ret: '0x200000',
    });
    expect(fnEnters(ev, 'realm_map_ipa')[0]).toMatchObject({
      args: { ipa: 0x10046880000n, map_size: 0x200000n },
    });
    expect(r.steps[1]).toMatchObject({
      outcome: 'kvm_run_error',
      errno: 'EINVAL',
      warnings: ['realm_map_non_secure'],
    });
  });

  it('post-v14: IPA aligned to 0x10046800000, RTTs only to L2, a 2 MiB assigned_ns block (desc SIZE 1)', () => {
    const r = runBuiltin('thp-unaligned', 'post-v14-review');
    const ev = stepEvents(r, 1);
    expect(fnEnters(ev, 'realm_map_non_secure')[0]).toMatchObject({ args: { ipa: 0x10046800000n } });
    expect(
      rmiCalls(ev)
        .filter((c) => c.cmd === 'RMI_RTT_CREATE')
        .map((c) => c.args['level']),
    ).toEqual([2]);
    const desc = rmiCalls(ev).find((c) => c.cmd === 'RMI_RTT_UNPROT_MAP')?.args['desc'];
    expect(typeof desc === 'bigint' && desc & 3n).toBe(1n);
    expect(rtteChanges(ev).at(-1)).toBe('L2 0x10046800000 unassigned_ns->assigned_ns(RW)');
    expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0x5a5an });
  });
});

describe('realm_map_non_secure: THP fault already aligned (inferred from the code)', () => {
  it('v14: 0x104, RTTs to L3, retry 0x204 (L2 is a table), WARN, positive return → re-fault forever', () => {
    const r = runBuiltin('thp-aligned', 'v14');
    const ev = stepEvents(r, 1);
    const maps = rmiCalls(ev).filter((c) => c.cmd === 'RMI_RTT_UNPROT_MAP');
    expect(maps.slice(0, 2).map((c) => c.ret)).toEqual([0x104, 0x204]);
    expect(ev.find((e) => e.type === 'fn_return' && e.fn === 'realm_map_non_secure')).toMatchObject({
      ret: '0x204',
    });
    expect(r.steps[1]?.outcome).toBe('no_progress');
    expect(r.steps[1]?.warnings.every((w) => w === 'realm_map_non_secure')).toBe(true);
    expect(r.steps[1]?.faults.length).toBeGreaterThan(2);
  });

  it('post-v14 maps a 2 MiB block', () => {
    const r = runBuiltin('thp-aligned', 'post-v14-review');
    expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0x5a5an });
    expect(rtteChanges(stepEvents(r, 1)).at(-1)).toBe('L2 0x10046800000 unassigned_ns->assigned_ns(RW)');
  });
});

describe('kvm_s2_fault_get_vma_info: hugetlbfs 2 MiB (inferred from the code)', () => {
  it('v14 fails with EINVAL after the alignment WARN; post-v14 maps', () => {
    expect(runBuiltin('hugetlb-unaligned', 'v14').steps[0]).toMatchObject({
      outcome: 'kvm_run_error',
      errno: 'EINVAL',
      warnings: ['realm_map_non_secure'],
    });
    const f = runBuiltin('hugetlb-unaligned', 'post-v14-review');
    expect(f.steps[0]?.outcome).toBe('completed');
    expect(fnEnters(stepEvents(f, 0), 'realm_map_ipa')[0]).toMatchObject({ args: { map_size: 0x200000n } });
  });
});

describe('mmu_invalidate_retry: invalidation race', () => {
  it('-EAGAIN → 0 → re-enter with no RMI map call; the re-fault follows the new (shared) state', () => {
    for (const v of BOTH) {
      const r = runBuiltin('invalidation-race', v);
      const ev = stepEvents(r, 0);
      const firstRetry = ev.findIndex(
        (e) => e.type === 'fn_return' && e.fn === 'mmu_invalidate_retry' && e.ret === 'true',
      );
      expect(firstRetry).toBeGreaterThan(0);
      const gmemRet = ev.slice(firstRetry).find((e) => e.type === 'fn_return' && e.fn === 'gmem_abort');
      expect(gmemRet).toMatchObject({ ret: '0' });
      const firstMapCall = ev.findIndex((e) => e.type === 'rmi_call' && e.cmd === 'RMI_RTT_DATA_MAP');
      const memFault = ev.findIndex((e) => e.type === 'exit_to_vmm');
      expect(firstMapCall).toBeGreaterThan(memFault);
      expect(r.steps[0]?.exits).toEqual([
        { reason: 'KVM_EXIT_MEMORY_FAULT', gpa: 0x46880000n, size: 0x1000n, flags: 0x8n },
      ]);
      expect(r.steps[0]?.outcome).toBe('completed');
    }
  });
});

describe('realm_map_protected: two vCPUs fault the same page', () => {
  it("vCPU 1's rmi_delegate_range fails (already delegated) and returns 0; both writes land in the one page", () => {
    for (const v of BOTH) {
      const r = runBuiltin('two-vcpus-same-page', v);
      const del = rmiCalls(stepEvents(r, 0)).filter((c) => c.cmd === 'RMI_GRANULE_RANGE_DELEGATE');
      expect(del.at(-1)?.status).toBe('RMI_ERROR_INPUT');
      expect(
        stepEvents(r, 0).find(
          (e) => e.type === 'fn_return' && e.fn === 'rmi_delegate_range' && e.ret !== '0',
        ),
      ).toBeDefined();
      expect(fnReturns(stepEvents(r, 0), 'realm_map_protected').at(-1)).toMatchObject({ ret: '0' });
      expect(r.steps[1]?.value).toBe(0xbn);
      expect(r.steps[2]?.value).toBe(0xan);
    }
  });
});

describe('topup_mmu_memcache: memcache exhaustion', () => {
  it('-ENOMEM → KVM_RUN fails with ENOMEM, no RMI call', () => {
    for (const v of BOTH) {
      const r = runBuiltin('memcache-exhaustion', v);
      expect(r.steps[0]).toMatchObject({ outcome: 'kvm_run_error', errno: 'ENOMEM', rmi: [] });
      expect(r.steps[0]?.faults[0]?.ret).toBe(-12);
    }
  });
});

/*
 * An emulatable abort at an unprotected IPA keeps ISV, SAS, SF and WnR, drops IL, SSE and SRT, and
 * passes FAR[11:0] and the stored value [@tf-rmm-exit.c:275-280]; rec_exit_sync_dabt() copies
 * gprs[0] to the register named by SRT [@v14-rmi-exit.c:38-40]; kvm_handle_mmio_return() completes
 * the access [@v14-mmio.c:143-156].
 */
describe('io_mem_abort: MMIO with a valid syndrome', () => {
  const r = runBuiltin('mmio-valid-syndrome', 'v14');
  it('sanitised ESR keeps ISV/SAS/SF/WnR (0x91C0804x), gprs[0] carries the data, KVM_EXIT_MMIO at GPA 0x09000000', () => {
    const f = r.steps[0]?.faults[0];
    expect(f?.handler).toBe('io_mem_abort');
    expect((f?.esr ?? 0n) & ~0x3fn).toBe(0x91c08040n);
    expect(stepEvents(r, 0).find((e) => e.type === 'rec_exit')).toMatchObject({ gprs0: 0x41n });
    expect(r.steps[0]?.exits).toEqual([{ reason: 'KVM_EXIT_MMIO', gpa: 0x09000000n, isWrite: true }]);
  });
  it('re-enters with REC_ENTER_FLAG_EMULATED_MMIO; a load gets the emulated value', () => {
    expect(
      stepEvents(r, 0).some(
        (e) => e.type === 'rec_enter' && e.flags.includes('REC_ENTER_FLAG_EMULATED_MMIO'),
      ),
    ).toBe(true);
    expect(r.steps[1]).toMatchObject({
      outcome: 'completed',
      value: 0x41n,
      exits: [{ reason: 'KVM_EXIT_MMIO', gpa: 0x09000000n, isWrite: false }],
    });
  });
});

describe('io_mem_abort: MMIO without a valid syndrome [@v14-inject_fault.c:229-233]', () => {
  it('injects an SEA (REC_ENTER_FLAG_INJECT_SEA): guest_sea', () => {
    for (const v of BOTH) {
      const r = runBuiltin('mmio-no-syndrome', v);
      expect(r.steps[0]).toMatchObject({ outcome: 'guest_sea', exits: [] });
      expect(r.steps[0]?.faults[0]?.handler).toBe('io_mem_abort');
      expect(
        stepEvents(r, 0).some((e) => e.type === 'rec_enter' && e.flags.includes('REC_ENTER_FLAG_INJECT_SEA')),
      ).toBe(true);
    }
  });
});

describe('handle_data_abort (RMM): SEAs without a host exit', () => {
  it('private alias of a page made shared (RIPAS EMPTY [@tf-rmm-exit.c:228-237]): rmm_injected_sea, no REC exit', () => {
    const r = runBuiltin('private-alias-of-shared-page', 'v14');
    expect(r.steps[1]).toMatchObject({
      outcome: 'guest_sea',
      exits: [],
      faults: [{ handler: 'rmm_injected_sea', ipa: 0x46880000n }],
    });
    expect(stepEvents(r, 1).some((e) => e.type === 'rec_exit')).toBe(false);
  });
  it('IPA ≥ 2^41 [@tf-rmm-exit.c:253-256]: rmm_injected_sea, no REC exit', () => {
    const r = runBuiltin('beyond-ipa-size', 'v14');
    expect(r.steps[0]).toMatchObject({
      outcome: 'guest_sea',
      exits: [],
      faults: [{ handler: 'rmm_injected_sea', ipa: 0x20000000000n }],
    });
    expect(stepEvents(r, 0).some((e) => e.type === 'rec_exit')).toBe(false);
  });
});

/*
 * kvm_activate_realm() marks the realm DEAD before creating the RECs and returns on a failure
 * [@v14-rmi.c:1298-1306]; kvm_rec_pre_enter() refuses every later entry with -EINVAL
 * [@v14-rmi.c:1148-1149], before any RMI_REC_ENTER.
 */
describe('kvm_rec_pre_enter: realm DEAD (realm-not-active)', () => {
  it('activation fails at setup and leaves KVM’s state DEAD', () => {
    const setup = stepEvents(runBuiltin('realm-not-active', 'v14'), -1);
    expect(fnReturns(setup, 'kvm_activate_realm')).toMatchObject([{ ret: '-ENOMEM' }]);
    expect(rmiCalls(setup).map((c) => c.cmd)).not.toContain('RMI_REALM_ACTIVATE');
  });

  it('v14: KVM_RUN fails with EINVAL from kvm_rec_pre_enter, with no REC entry', () => {
    const r = runBuiltin('realm-not-active', 'v14');
    expect(r.steps[0]).toMatchObject({ outcome: 'kvm_run_error', errno: 'EINVAL', faults: [], rmi: [] });
    const ev = stepEvents(r, 0);
    expect(fnReturns(ev, 'kvm_rec_pre_enter')).toMatchObject([{ ret: '-EINVAL' }]);
    expect(ev.some((e) => e.type === 'rec_enter')).toBe(false);
    expect(ev.find((e) => e.type === 'exit_to_vmm')).toMatchObject({ ret: -1, errno: 'EINVAL' });
  });

  // Post-v14 kvm_activate_realm() calls kvm_vm_dead() on failure [@post-v14-gw-rmi.c:1492-1494];
  // kvm_vcpu_ioctl() then refuses every vCPU ioctl with -EIO [@linux-kvm_main.c:4415-4416].
  it('post-v14: the failed activation killed the VM, KVM_RUN fails with EIO before arm64 code', () => {
    const r = runBuiltin('realm-not-active', 'post-v14-review');
    expect(r.steps[0]).toMatchObject({ outcome: 'kvm_run_error', errno: 'EIO', faults: [], rmi: [] });
    const ev = stepEvents(r, 0);
    expect(fnReturns(ev, 'kvm_rec_pre_enter')).toEqual([]);
    expect(ev.some((e) => e.type === 'rec_enter')).toBe(false);
    expect(ev.find((e) => e.type === 'exit_to_vmm')).toMatchObject({ ret: -1, errno: 'EIO' });
  });
});

/*
 * After PSCI SYSTEM_OFF the RMM's realm is no longer ACTIVE: RMI_REC_ENTER fails with
 * RMI_ERROR_REALM [@tf-rmm-run.c:447-454], which handle_rec_exit() turns into KVM_EXIT_SHUTDOWN and
 * a return of 0 [@v14-rmi-exit.c:166-169].
 */
describe('handle_rec_exit: RMI_ERROR_REALM (realm-system-off)', () => {
  it('KVM_RUN returns 0 with KVM_EXIT_SHUTDOWN and the VMM stops the VM, in both variants', () => {
    for (const v of BOTH) {
      const r = runBuiltin('realm-system-off', v);
      expect(r.steps[0]).toMatchObject({ outcome: 'vmm_exit', faults: [], exits: [], rmi: [] });
      const ev = stepEvents(r, 0);
      expect(ev.filter((e) => e.type === 'rec_enter')).toHaveLength(1);
      expect(ev.some((e) => e.type === 'rec_exit')).toBe(false);
      expect(fnEnters(ev, 'handle_rec_exit')).toMatchObject([
        { args: { exit_reason: 'RMI_REC_ENTER status RMI_ERROR_REALM' } },
      ]);
      expect(fnReturns(ev, 'handle_rec_exit')).toMatchObject([{ ret: '0' }]);
      expect(ev.find((e) => e.type === 'exit_to_vmm')).toMatchObject({
        ret: 0,
        errno: null,
        exitReason: 'KVM_EXIT_SHUTDOWN',
      });
    }
  });

  it('KVM’s own state stays ACTIVE: kvm_rec_pre_enter lets the entry through', () => {
    const ev = stepEvents(runBuiltin('realm-system-off', 'v14'), 0);
    expect(fnEnters(ev, 'kvm_rec_pre_enter')).toEqual([]);
  });
});

/*
 * TF-RMM refuses an RSI_IPA_STATE_SET range that is not wholly in the protected half itself:
 * RSI_ERROR_INPUT in X0 and back to the realm, no REC exit [@tf-rmm-rsi-memory.c:33-40]. The guest's
 * rsi_set_memory_range() returns -EINVAL [@linux-rsi.h:26-40] and set_memory_decrypted() WARNs that
 * the pages leak [@linux-pageattr.c:338-346]. rec_exit_ripas_change()'s own check is not reached.
 */
describe('RSI_IPA_STATE_SET outside the protected half (ripas-change-not-protected)', () => {
  it('RSI_ERROR_INPUT, no exit to the host, the guest WARNs; rec_exit_ripas_change is never called', () => {
    for (const v of BOTH) {
      const r = runBuiltin('ripas-change-not-protected', v);
      expect(r.steps[0]).toMatchObject({
        outcome: 'completed',
        rsi: 'RSI_ERROR_INPUT',
        exits: [],
        faults: [],
        rmi: [],
      });
      expect(r.steps[0]?.rsiResponse).toBeUndefined();
      const ev = stepEvents(r, 0);
      expect(ev.some((e) => e.type === 'rec_exit')).toBe(false);
      expect(ev.some((e) => e.type === 'exit_to_vmm')).toBe(false);
      expect(fnEnters(ev, 'rec_exit_ripas_change')).toEqual([]);
      expect(fnReturns(ev, 'rsi_set_memory_range_shared')).toMatchObject([{ ret: '-EINVAL' }]);
      expect(ev.some((e) => e.type === 'decision' && e.fn === 'realm_set_memory_decrypted')).toBe(true);
    }
  });

  it('the same holds for a range wholly in the unprotected half and for set_memory_encrypted', () => {
    const r = runScenario(
      scenario({
        steps: [
          { guest: 'set_memory_shared', ipa: '0x10046880000', size: '0x1000' },
          { guest: 'set_memory_private', ipa: '0xfffffff000', size: '0x2000' },
        ],
      }),
    );
    for (const i of [0, 1]) {
      expect(r.steps[i]).toMatchObject({ outcome: 'completed', rsi: 'RSI_ERROR_INPUT', exits: [] });
      expect(stepEvents(r, i).some((e) => e.type === 'rec_exit')).toBe(false);
    }
  });
});

describe('user_mem_abort: the seed under post-v14 without the force-W change', () => {
  it('on MAP_PRIVATE the vrings do not alias and the VMM reads the descriptor', () => {
    const r = runBuiltin('seed-post-v14-anon-private', 'post-v14-review');
    expect(r.steps[3]?.value).toBe(0n);
    expect(r.steps[5]?.value).toBe(0x100b983f000n);
    expect(r.steps[6]?.value).toBe(0x100b983f000n);
    expect(r.violations).toEqual([]);
    // The write to vring A: a read-only zero-page map, then the revealed write copies on write and
    // retries, then the page is mapped RW.
    expect(r.steps[2]?.faults.map((f) => f.esr)).toEqual([0x92000005n, 0x9200004fn, 0x92000007n]);
    expect(rmiSeq(r, 2)).toContain('RMI_RTT_UNPROT_UNMAP:RMI_SUCCESS');
    expect(entered(r)).toContain('realm_unmap_shared_range');
  });

  it('the former name seed-fixed-anon-private runs the same scenario', () => {
    expect(runBuiltin('seed-fixed-anon-private', 'post-v14-review').steps).toEqual(
      runBuiltin('seed-post-v14-anon-private', 'post-v14-review').steps,
    );
  });
});
