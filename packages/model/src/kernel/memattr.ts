/**
 * Memory attributes and invalidation (virt/kvm/kvm_main.c, virt/kvm/guest_memfd.c and the arm64
 * hooks of v14 patch 25; brief §3.7, §4.1–§4.3): KVM_SET_MEMORY_ATTRIBUTES, the MMU-notifier and
 * guest_memfd invalidations, and what they unmap through kvm_unmap_gfn_range().
 */
import type { Gpa } from '../types/addr.js';
import { KVM_MEMORY_EXIT_FLAG_PRIVATE } from '../rmm/constants.js';
import { hex } from '../sim/trace.js';
import { call, callT, decide, type RangeList, type VcpuState, type World } from '../sim/world.js';
import { granuleState } from '../rmm/rtt.js';
import { discardHostRange, freePage, gfnToHva, memslotForGfn } from '../vmm/host.js';
import { KVM_FILTER_PRIVATE, KVM_FILTER_SHARED, kvm_realm_unmap_range } from './rmi.js';

/* ---- attribute range list ---- */

export function isPrivateGfn(list: RangeList, gfn: bigint): boolean {
  for (const r of list) {
    if (gfn < r.start) return false;
    if (gfn < r.end) return true;
  }
  return false;
}

/** Whether every GFN in [start, end) has the attribute `priv`. */
export function rangeAllAttr(w: World, start: bigint, end: bigint, priv: boolean): boolean {
  const list = w.kvm.privateAttr;
  if (priv) {
    for (const r of list) if (r.start <= start && end <= r.end) return true;
    return start >= end;
  }
  for (const r of list) if (r.start < end && start < r.end) return false;
  return true;
}

/** Set [start, end) to `priv` in the sorted, disjoint list. */
export function setRangeAttr(list: RangeList, start: bigint, end: bigint, priv: boolean): RangeList {
  const out: RangeList = [];
  for (const r of list) {
    if (r.end <= start || r.start >= end) out.push(r);
    else {
      if (r.start < start) out.push({ start: r.start, end: start });
      if (r.end > end) out.push({ start: end, end: r.end });
    }
  }
  if (priv) out.push({ start, end });
  out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: RangeList = [];
  for (const r of out) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.end >= r.start) last.end = last.end > r.end ? last.end : r.end;
    else merged.push({ ...r });
  }
  return merged;
}

/** Split [start, end) into runs of equal attribute. */
export function splitByAttr(
  w: World,
  start: bigint,
  end: bigint,
): { start: bigint; end: bigint; priv: boolean }[] {
  const out: { start: bigint; end: bigint; priv: boolean }[] = [];
  let cur = start;
  for (const r of w.kvm.privateAttr) {
    if (r.end <= cur) continue;
    if (r.start >= end) break;
    if (r.start > cur) out.push({ start: cur, end: r.start, priv: false });
    const e = r.end < end ? r.end : end;
    out.push({ start: r.start > cur ? r.start : cur, end: e, priv: true });
    cur = e;
  }
  if (cur < end) out.push({ start: cur, end, priv: false });
  return out;
}

/** kvm_mem_is_private(kvm, gfn). */
export const kvm_mem_is_private = (w: World, gfn: bigint): boolean => isPrivateGfn(w.kvm.privateAttr, gfn);

/**
 * kvm_prepare_memory_fault_exit(vcpu, gpa, size, is_write, is_exec, is_private): fill
 * run->memory_fault and set KVM_EXIT_MEMORY_FAULT; the caller returns -EFAULT. R/W/X flags are
 * ignored as in mainline (brief §4.3).
 */
export function kvm_prepare_memory_fault_exit(
  w: World,
  vcpu: VcpuState,
  gpa: bigint,
  size: bigint,
  isWrite: boolean,
  isExec: boolean,
  isPrivate: boolean,
): void {
  callT(
    w,
    'kvm_prepare_memory_fault_exit',
    { gpa, size, is_write: isWrite, is_exec: isExec, is_private: isPrivate },
    () => {
      vcpu.run.exitReason = 'KVM_EXIT_MEMORY_FAULT';
      vcpu.run.memoryFault = { flags: isPrivate ? KVM_MEMORY_EXIT_FLAG_PRIVATE : 0n, gpa, size };
      return undefined;
    },
    () => 'void',
  );
}

/**
 * kvm_unmap_gfn_range(kvm, range) with `attr_filter`: for a realm this reaches
 * __unmap_stage2_range(only_shared = !(filter & PRIVATE)) → kvm_realm_unmap_range() (brief §3.7).
 */
export function kvm_unmap_gfn_range(w: World, startGfn: bigint, endGfn: bigint, attrFilter: number): void {
  call(
    w,
    'kvm_unmap_gfn_range',
    { start: hex(startGfn), end: hex(endGfn), attr_filter: filterName(attrFilter) },
    () => {
      kvm_realm_unmap_range(w, startGfn << 12n, (endGfn - startGfn) << 12n, attrFilter);
      return 0;
    },
  );
}

const filterName = (f: number): string =>
  [f & KVM_FILTER_SHARED ? 'KVM_FILTER_SHARED' : '', f & KVM_FILTER_PRIVATE ? 'KVM_FILTER_PRIVATE' : '']
    .filter(Boolean)
    .join('|');

/**
 * kvm_arch_post_set_memory_attributes(): new attribute PRIVATE → attr_filter = KVM_FILTER_SHARED,
 * otherwise KVM_FILTER_PRIVATE; then kvm_unmap_gfn_range() (brief §4.1 step 4, [S-THREAD msg 26]).
 */
export function kvm_arch_post_set_memory_attributes(
  w: World,
  startGfn: bigint,
  endGfn: bigint,
  priv: boolean,
): number {
  return call(
    w,
    'kvm_arch_post_set_memory_attributes',
    { start: hex(startGfn), end: hex(endGfn), private: priv },
    () => {
      kvm_unmap_gfn_range(w, startGfn, endGfn, priv ? KVM_FILTER_SHARED : KVM_FILTER_PRIVATE);
      return 0;
    },
  );
}

/**
 * kvm_vm_set_mem_attributes() (KVM_SET_MEMORY_ATTRIBUTES): a no-op when the whole range already
 * has the attributes; otherwise bump mmu_invalidate_seq, update, and run the arch post hook.
 */
export function kvm_vm_set_mem_attributes(w: World, gpa: Gpa, size: bigint, priv: boolean): number {
  return call(
    w,
    'kvm_vm_set_mem_attributes',
    { address: gpa, size, attributes: priv ? '0x8' : '0x0' },
    () => {
      const start = gpa >> 12n;
      const end = (gpa + size) >> 12n;
      if (rangeAllAttr(w, start, end, priv)) {
        decide(w, 'kvm_vm_set_mem_attributes', 'range already has these attributes: nothing to do');
        return 0;
      }
      w.kvm.mmuInvalidateSeq++;
      w.kvm.privateAttr = setRangeAttr(w.kvm.privateAttr, start, end, priv);
      if (w.t.on) w.t.ev({ type: 'attribute_change', gpa, size, private: priv });
      return kvm_arch_post_set_memory_attributes(w, start, end, priv);
    },
  );
}

/**
 * The VMM discards its shared backing (madvise(MADV_DONTNEED) or fallocate punch hole on the
 * memfd): the MMU notifier invalidates the range with KVM_FILTER_SHARED, then the pages go.
 */
export function kvm_mmu_notifier_invalidate_range_start(w: World, gpa: bigint, size: bigint): void {
  call(w, 'kvm_mmu_notifier_invalidate_range_start', { gpa, size }, () => {
    w.kvm.mmuInvalidateSeq++;
    kvm_unmap_gfn_range(w, gpa >> 12n, (gpa + size) >> 12n, KVM_FILTER_SHARED);
    for (const m of w.sc.memslots) {
      const s = gpa > m.gpa ? gpa : m.gpa;
      const e = gpa + size < m.gpa + m.size ? gpa + size : m.gpa + m.size;
      if (s < e) discardHostRange(w, gfnToHva(m, s >> 12n), e - s);
    }
    return 0;
  });
}

/**
 * kvm_gmem_punch_hole(): guest_memfd invalidation (KVM_FILTER_PRIVATE) then the pages are freed.
 */
export function kvm_gmem_punch_hole(w: World, gpa: bigint, size: bigint): void {
  call(w, 'kvm_gmem_punch_hole', { gpa, size }, () => {
    const start = gpa >> 12n;
    const end = (gpa + size) >> 12n;
    w.kvm.mmuInvalidateSeq++;
    kvm_unmap_gfn_range(w, start, end, KVM_FILTER_PRIVATE);
    const victims: number[] = [];
    for (const gfn of w.kvm.gmem.keys()) {
      const g = BigInt(gfn);
      if (g >= start && g < end && memslotForGfn(w, g)?.guestMemfd === true) victims.push(gfn);
    }
    for (const gfn of victims) {
      const n = w.kvm.gmem.get(gfn);
      if (n === undefined) continue;
      const pfn = BigInt(n);
      w.kvm.gmem.delete(gfn);
      if (granuleState(w, pfn << 12n) !== 'undelegated') {
        decide(w, 'kvm_gmem_punch_hole', `PFN ${hex(pfn)} is still delegated: leaked`);
        continue;
      }
      freePage(w, pfn);
    }
    if (victims.length > 0) decide(w, 'kvm_gmem_punch_hole', `freed ${victims.length} guest_memfd page(s)`);
    return 0;
  });
}
