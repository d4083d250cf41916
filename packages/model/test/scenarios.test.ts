/**
 * What brief §8 states about each scenario, pinned explicitly (not only through the golden files):
 * handler, RMI sequence with its RMI_ERROR_RTT retries, exit reason/flags/GPA, errno, WARNs, and
 * the values the guest and the VMM read.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../src/sim/trace.js';
import { entered, rmiSeq, runBuiltin, stepEvents } from './helpers.js';

const rtteChanges = (events: readonly TraceEvent[]): string[] =>
  events.flatMap((e) =>
    e.type === 'rtte_change' ? [`L${e.level} 0x${e.ipa.toString(16)} ${e.from}->${e.to}`] : [],
  );
const rmiCalls = (events: readonly TraceEvent[]) => events.flatMap((e) => (e.type === 'rmi_call' ? [e] : []));

describe('gmem_abort: private first touch (brief §8.1)', () => {
  it('reports ESR 0x90000005 (L1 translation, IL/WnR masked) with HPFAR 0x468800', () => {
    const r = runBuiltin('private-first-touch', 'v14');
    expect(r.steps[0]?.faults).toEqual([
      { ipa: 0x46880000n, esr: 0x90000005n, handler: 'gmem_abort', ret: 1 },
    ]);
    const exit = stepEvents(r, 0).find((e) => e.type === 'rec_exit');
    expect(exit).toMatchObject({ reason: 'RMI_EXIT_SYNC', esr: 0x90000005n, hpfar: 0x468800n });
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
  });

  it('fixed: 0x104 → create L2 → 0x204 → create L3 → SUCCESS, one level per retry', () => {
    const r = runBuiltin('private-first-touch', 'fixed');
    const map = rmiCalls(stepEvents(r, 0)).filter((c) => c.cmd === 'RMI_RTT_DATA_MAP');
    expect(map.map((c) => c.ret)).toEqual([0x104, 0x204, 0]);
  });

  it('ends with an L3 assigned_ram entry and the guest reads back what it wrote', () => {
    for (const v of ['v14', 'fixed'] as const) {
      const r = runBuiltin('private-first-touch', v);
      expect(rtteChanges(stepEvents(r, 0)).at(-1)).toBe('L3 0x46880000 unassigned_ram->assigned_ram');
      expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0x1234n });
      expect(r.violations).toEqual([]);
    }
  });
});

describe('gmem_abort: private fault on a shared attribute (brief §8.2)', () => {
  it('exits with KVM_EXIT_MEMORY_FAULT {flags=PRIVATE, gpa=0x46880000, size=0x1000} and -EFAULT, then converts and maps', () => {
    for (const v of ['v14', 'fixed'] as const) {
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

  it('the conversion to private unmaps only the shared alias (kvm_arch_post_set_memory_attributes)', () => {
    const r = runBuiltin('private-fault-shared-attr', 'v14');
    const ev = stepEvents(r, 0);
    const unmapRange = ev.find((e) => e.type === 'fn_enter' && e.fn === 'kvm_realm_unmap_range');
    expect(unmapRange).toMatchObject({ args: { unmap_private: false } });
  });
});

describe('kvm_complete_ripas_change: explicit private → shared (brief §8.3, §4.1)', () => {
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
  });

  it('v14 unmaps the shared alias twice (attribute change and guest_memfd discard), as in the seed log', () => {
    const shared = ev.filter((e) => e.type === 'fn_enter' && e.fn === 'realm_unmap_shared_range');
    expect(shared).toHaveLength(2);
    expect(shared.every((e) => e.type === 'fn_enter' && e.args['start'] === 0x46880000n)).toBe(true);
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

  it('fixed unmaps the private range only (kvm_realm_unmap_range_filter), still ending unassigned_empty', () => {
    const f = runBuiltin('explicit-private-to-shared', 'fixed');
    const fev = stepEvents(f, 1);
    expect(fev.filter((e) => e.type === 'fn_enter' && e.fn === 'realm_unmap_shared_range')).toHaveLength(0);
    expect(rtteChanges(fev).at(-1)).toBe('L3 0x46880000 unassigned_destroyed->unassigned_empty');
  });

  it('the later shared touch reads what the VMM wrote', () => {
    expect(r.steps[3]).toMatchObject({ outcome: 'completed', value: 0xabcdn });
  });
});

describe('user_mem_abort: shared fault on a page the VMM wrote (brief §8.4)', () => {
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

  it('fixed: no RTTs on the shared alias yet, so RMI_ERROR_RTT(1), RTTs to L3, then SUCCESS; ST = UNDELEGATED', () => {
    const r = runBuiltin('shared-fault-vmm-written', 'fixed');
    const maps = rmiCalls(stepEvents(r, 2)).filter((c) => c.cmd === 'RMI_RTT_UNPROT_MAP');
    expect(maps.map((c) => c.ret)).toEqual([0x104, 0]);
    const desc = maps[0]?.args['desc'];
    expect(typeof desc === 'bigint' && desc >> 63n).toBe(1n);
    expect(r.steps[2]?.value).toBe(0xabcdn);
  });
});

describe('realm_map_ipa: shared read of an untouched MAP_PRIVATE page (brief §8.5)', () => {
  it('v14: zero page, no W, WARN and -EFAULT; KVM_RUN fails with EFAULT without a memory-fault exit', () => {
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

  it('fixed: maps the page read-only (S2AP READ: flags 0x160001) and the read returns 0', () => {
    const r = runBuiltin('shared-fault-zero-page', 'fixed');
    const maps = rmiCalls(stepEvents(r, 1)).filter((c) => c.cmd === 'RMI_RTT_UNPROT_MAP');
    expect(maps.at(-1)?.args['flags']).toBe(0x160001n);
    expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0n, warnings: [] });
    expect(r.violations).toEqual([]);
  });
});

describe('kvm_s2_fault_compute_prot: the seed, forced W on MAP_PRIVATE (brief §8.6, §7)', () => {
  const r = runBuiltin('shared-force-write-zero-page', 'v14');

  it('maps the zero page RW with prot 0xf and flags 0x1e0001', () => {
    const ev = stepEvents(r, 2);
    expect(ev.find((e) => e.type === 'fn_return' && e.fn === 'kvm_s2_fault_compute_prot')).toMatchObject({
      ret: '0xf',
    });
    expect(rmiCalls(ev).find((c) => c.cmd === 'RMI_RTT_UNPROT_MAP')?.args['flags']).toBe(0x1e0001n);
  });

  it("vring B reads vring A's descriptor, B's memset wipes A, and the VMM reads zeros at GPA 0x46880000", () => {
    expect(r.steps[3]?.value).toBe(0x100b983f000n);
    expect(r.steps[5]?.value).toBe(0n);
    expect(r.steps[6]).toMatchObject({ outcome: 'completed', value: 0n });
  });

  it('reports invariant (3): a writable shared mapping of the zero page', () => {
    expect(r.violations.length).toBeGreaterThan(0);
    expect(r.violations.every((v) => v.invariant === 3)).toBe(true);
    expect(r.violations[0]?.message).toMatch(/zero page/);
  });
});

describe('kvm_s2_fault_pin_pfn: the same steps with MAP_SHARED (brief §8.7)', () => {
  it('keeps the data: B reads 0, A keeps the descriptor, the VMM reads it, no violation', () => {
    const r = runBuiltin('shared-force-write-memfd', 'v14');
    expect(r.steps[3]?.value).toBe(0n);
    expect(r.steps[5]?.value).toBe(0x100b983f000n);
    expect(r.steps[6]?.value).toBe(0x100b983f000n);
    expect(r.violations).toEqual([]);
  });
});

describe('realm_map_non_secure: read-only map then write under fixed (brief §8.8, §9.1)', () => {
  it('with rmmRevealsWriteOnPermissionFault: ESR 0x9200004F, FOLL_WRITE, UNPROT_MAP 0x304, unmap, retry, RW; VMM sees the write', () => {
    const r = runBuiltin('fixed-read-then-write', 'fixed');
    expect(r.steps[2]?.faults.map((f) => f.esr)).toEqual([0x9200004fn]);
    const ev = stepEvents(r, 2);
    expect(ev.find((e) => e.type === 'fn_enter' && e.fn === '__kvm_faultin_pfn')).toMatchObject({
      args: { flags: 'FOLL_WRITE' },
    });
    expect(rmiCalls(ev).map((c) => `${c.cmd}:${c.ret.toString(16)}`)).toEqual([
      'RMI_RTT_UNPROT_MAP:304',
      'RMI_RTT_UNPROT_UNMAP:0',
      'RMI_RTT_UNPROT_MAP:0',
    ]);
    expect(r.steps[3]?.value).toBe(0x77n);
    expect(r.violations).toEqual([]);
  });

  it('without it the write looks like a read (0x9200000F): VM_WARN_ON_ONCE, no upgrade, no_progress', () => {
    const r = runBuiltin('fixed-read-then-write', 'fixed', { rmmRevealsWriteOnPermissionFault: false });
    expect(r.steps[2]?.outcome).toBe('no_progress');
    expect(r.steps[2]?.faults[0]?.esr).toBe(0x9200000fn);
    expect(r.steps[2]?.warnings).toEqual(['kvm_handle_guest_abort']);
  });
});

describe('transparent_hugepage_adjust: THP, unaligned fault (brief §8.9)', () => {
  it('v14: 2 MiB mapping with the unaligned IPA → realm_map_non_secure WARN → EINVAL', () => {
    const r = runBuiltin('thp-unaligned', 'v14');
    const ev = stepEvents(r, 1);
    expect(ev.find((e) => e.type === 'fn_return' && e.fn === 'transparent_hugepage_adjust')).toMatchObject({
      ret: '0x200000',
    });
    expect(ev.find((e) => e.type === 'fn_enter' && e.fn === 'realm_map_ipa')).toMatchObject({
      args: { ipa: 0x10046880000n, map_size: 0x200000n },
    });
    expect(r.steps[1]).toMatchObject({
      outcome: 'kvm_run_error',
      errno: 'EINVAL',
      warnings: ['realm_map_non_secure'],
    });
  });

  it('fixed: IPA aligned to 0x10046800000, RTTs only to L2, a 2 MiB assigned_ns block (desc SIZE 1)', () => {
    const r = runBuiltin('thp-unaligned', 'fixed');
    const ev = stepEvents(r, 1);
    expect(ev.find((e) => e.type === 'fn_enter' && e.fn === 'realm_map_non_secure')).toMatchObject({
      args: { ipa: 0x10046800000n },
    });
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

describe('realm_map_non_secure: THP fault already aligned (brief §8.10, INFERRED)', () => {
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

  it('fixed maps a 2 MiB block', () => {
    const r = runBuiltin('thp-aligned', 'fixed');
    expect(r.steps[1]).toMatchObject({ outcome: 'completed', value: 0x5a5an });
  });
});

describe('kvm_s2_fault_get_vma_info: hugetlbfs 2 MiB (brief §8.11, INFERRED)', () => {
  it('v14 fails with EINVAL after the alignment WARN; fixed maps', () => {
    expect(runBuiltin('hugetlb-unaligned', 'v14').steps[0]).toMatchObject({
      outcome: 'kvm_run_error',
      errno: 'EINVAL',
      warnings: ['realm_map_non_secure'],
    });
    const f = runBuiltin('hugetlb-unaligned', 'fixed');
    expect(f.steps[0]?.outcome).toBe('completed');
    expect(stepEvents(f, 0).find((e) => e.type === 'fn_enter' && e.fn === 'realm_map_ipa')).toMatchObject({
      args: { map_size: 0x200000n },
    });
  });
});

describe('mmu_invalidate_retry: invalidation race (brief §8.12)', () => {
  it('-EAGAIN → 0 → re-enter with no RMI map call; the re-fault follows the new (shared) state', () => {
    const r = runBuiltin('invalidation-race', 'v14');
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
  });
});

describe('realm_map_protected: two vCPUs fault the same page (brief §8.13)', () => {
  it("vCPU 1's rmi_delegate_range fails (already delegated) and returns 0; both writes land in the one page", () => {
    for (const v of ['v14', 'fixed'] as const) {
      const r = runBuiltin('two-vcpus-same-page', v);
      const del = rmiCalls(stepEvents(r, 0)).filter((c) => c.cmd === 'RMI_GRANULE_RANGE_DELEGATE');
      expect(del.at(-1)?.status).toBe('RMI_ERROR_INPUT');
      expect(
        stepEvents(r, 0).find(
          (e) => e.type === 'fn_return' && e.fn === 'rmi_delegate_range' && e.ret !== '0',
        ),
      ).toBeDefined();
      expect(r.steps[1]?.value).toBe(0xbn);
      expect(r.steps[2]?.value).toBe(0xan);
    }
  });
});

describe('topup_mmu_memcache: memcache exhaustion (brief §8.14)', () => {
  it('-ENOMEM → KVM_RUN fails with ENOMEM, no RMI call', () => {
    const r = runBuiltin('memcache-exhaustion', 'v14');
    expect(r.steps[0]).toMatchObject({ outcome: 'kvm_run_error', errno: 'ENOMEM', rmi: [] });
    expect(r.steps[0]?.faults[0]?.ret).toBe(-12);
  });
});

describe('io_mem_abort: MMIO with a valid syndrome (brief §8.15)', () => {
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

describe('io_mem_abort: MMIO without a valid syndrome (brief §8.16)', () => {
  it('injects an SEA (REC_ENTER_FLAG_INJECT_SEA): guest_sea', () => {
    const r = runBuiltin('mmio-no-syndrome', 'fixed');
    expect(r.steps[0]).toMatchObject({ outcome: 'guest_sea', exits: [] });
    expect(r.steps[0]?.faults[0]?.handler).toBe('io_mem_abort');
    expect(
      stepEvents(r, 0).some((e) => e.type === 'rec_enter' && e.flags.includes('REC_ENTER_FLAG_INJECT_SEA')),
    ).toBe(true);
  });
});

describe('handle_data_abort (RMM): SEAs without a host exit (brief §8.17, §8.18)', () => {
  it('private alias of a page made shared (RIPAS EMPTY): rmm_injected_sea, no REC exit', () => {
    const r = runBuiltin('private-alias-of-shared-page', 'v14');
    expect(r.steps[1]).toMatchObject({
      outcome: 'guest_sea',
      exits: [],
      faults: [{ handler: 'rmm_injected_sea', ipa: 0x46880000n }],
    });
    expect(stepEvents(r, 1).some((e) => e.type === 'rec_exit')).toBe(false);
  });
  it('IPA ≥ 2^41: rmm_injected_sea, no REC exit', () => {
    const r = runBuiltin('beyond-ipa-size', 'v14');
    expect(r.steps[0]).toMatchObject({
      outcome: 'guest_sea',
      exits: [],
      faults: [{ handler: 'rmm_injected_sea', ipa: 0x20000000000n }],
    });
    expect(stepEvents(r, 0).some((e) => e.type === 'rec_exit')).toBe(false);
  });
});

describe('realm_map_ipa: realm not ACTIVE (brief §8.19)', () => {
  it('fixed returns -EBUSY (KVM_RUN fails with EBUSY); v14 has no check and maps', () => {
    expect(runBuiltin('realm-not-active', 'fixed').steps[0]).toMatchObject({
      outcome: 'kvm_run_error',
      errno: 'EBUSY',
    });
    expect(runBuiltin('realm-not-active', 'v14').steps[0]?.outcome).toBe('completed');
  });
});

describe('rec_exit_ripas_change: range not wholly protected (brief §8.20)', () => {
  it('sets REC_ENTER_FLAG_RIPAS_RESPONSE and returns -EINVAL: KVM_RUN fails with EINVAL', () => {
    const r = runBuiltin('ripas-change-not-protected', 'v14');
    expect(r.steps[0]).toMatchObject({ outcome: 'kvm_run_error', errno: 'EINVAL', exits: [] });
    expect(
      stepEvents(r, 0).find((e) => e.type === 'fn_return' && e.fn === 'rec_exit_ripas_change'),
    ).toMatchObject({ ret: '-EINVAL' });
  });
});

describe('user_mem_abort: the seed under fixed without the force-W change (brief §7, §9.1)', () => {
  it('on MAP_PRIVATE the vrings do not alias and the VMM reads the descriptor', () => {
    const r = runBuiltin('seed-fixed-anon-private', 'fixed');
    expect(r.steps[3]?.value).toBe(0n);
    expect(r.steps[5]?.value).toBe(0x100b983f000n);
    expect(r.steps[6]?.value).toBe(0x100b983f000n);
    expect(r.violations).toEqual([]);
    expect(rmiSeq(r, 2)).toContain('RMI_RTT_UNPROT_UNMAP:RMI_SUCCESS');
    expect(entered(r)).toContain('realm_unmap_shared_range');
  });
});
