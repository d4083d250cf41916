/**
 * Memory attributes and invalidation (virt/kvm/kvm_main.c, virt/kvm/guest_memfd.c and the arm64
 * hooks of v14 patch 25 [@v14-25]): KVM_SET_MEMORY_ATTRIBUTES, the MMU-notifier and
 * guest_memfd invalidations, and what they unmap through kvm_unmap_gfn_range().
 */
import type { Gpa } from '../types/addr.js';
import { KVM_MEMORY_EXIT_FLAG_PRIVATE } from '../rmm/constants.js';
import { hex } from '../sim/trace.js';
import { call, callT, decide, type RangeList, type VcpuState, type World } from '../sim/world.js';
import { granuleState } from '../rmm/rtt.js';
import { freePage, memslotForGfn } from '../vmm/host.js';
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
 * not passed on, as in mainline [@linux-kvm_host.h:2513-2526].
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
 * __unmap_stage2_range(only_shared = !(filter & PRIVATE)) → kvm_realm_unmap_range()
 * [@v14-mmu.c:2505-2506; @v14-mmu.c:329-346].
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
 * otherwise KVM_FILTER_PRIVATE; then kvm_unmap_gfn_range() [@v14-mmu.c:2787-2800].
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
      if (w.mutations.has('attributes-skip-unmap')) {
        decide(
          w,
          'kvm_arch_post_set_memory_attributes',
          'mutation attributes-skip-unmap: no kvm_unmap_gfn_range()',
        );
        return 0;
      }
      kvm_unmap_gfn_range(w, startGfn, endGfn, priv ? KVM_FILTER_SHARED : KVM_FILTER_PRIVATE);
      return 0;
    },
  );
}

/**
 * kvm_mmu_invalidate_begin(kvm): an invalidation starts. mmu_invalidate_in_progress goes up, so a
 * fault that checks mmu_invalidate_retry() from now until the matching end retries.
 */
function kvm_mmu_invalidate_begin(w: World): void {
  callT(
    w,
    'kvm_mmu_invalidate_begin',
    { mmu_invalidate_in_progress: w.kvm.mmuInvalidateInProgress },
    () => {
      w.kvm.mmuInvalidateInProgress++;
      return undefined;
    },
    () => 'void',
  );
}

/**
 * kvm_mmu_invalidate_end(kvm): the invalidation is over. mmu_invalidate_seq moves on (so a fault
 * that sampled the old value retries) and mmu_invalidate_in_progress comes back down.
 */
function kvm_mmu_invalidate_end(w: World): void {
  callT(
    w,
    'kvm_mmu_invalidate_end',
    { mmu_invalidate_seq: w.kvm.mmuInvalidateSeq },
    () => {
      w.kvm.mmuInvalidateSeq++;
      w.kvm.mmuInvalidateInProgress--;
      return undefined;
    },
    () => 'void',
  );
}

/**
 * kvm_vm_set_mem_attributes() (KVM_SET_MEMORY_ATTRIBUTES): a no-op when the whole range already
 * has the attributes. Otherwise, as kvm_main.c orders it: the pre-set pass opens an invalidation
 * (kvm_mmu_invalidate_begin), the attributes are stored, and the post-set pass closes it
 * (kvm_mmu_invalidate_end, mmu_invalidate_seq moves) and runs the arch hook, which unmaps.
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
      kvm_mmu_invalidate_begin(w);
      w.kvm.privateAttr = setRangeAttr(w.kvm.privateAttr, start, end, priv);
      w.t.acc.dirtyAttr.push({ start, end });
      if (w.t.on) w.t.ev({ type: 'attribute_change', gpa, size, private: priv });
      kvm_mmu_invalidate_end(w);
      return kvm_arch_post_set_memory_attributes(w, start, end, priv);
    },
  );
}

/** The GFN ranges of the memslots that the VMM's HVA range [start, end) backs. */
function gfnRangesOfHva(w: World, start: bigint, end: bigint): { start: bigint; end: bigint }[] {
  const out: { start: bigint; end: bigint }[] = [];
  for (const m of w.sc.memslots) {
    const s = start > m.hva ? start : m.hva;
    const e = end < m.hva + m.size ? end : m.hva + m.size;
    if (s >= e) continue;
    const base = m.gpa >> 12n;
    out.push({ start: base + ((s - m.hva) >> 12n), end: base + ((e - m.hva + 0xfffn) >> 12n) });
  }
  return out;
}

/**
 * kvm_mmu_notifier_invalidate_range_start(mn, range): the host mm is about to change or drop the
 * VMM's PTEs for the HVAs [start, end) (a copy-on-write break, madvise(MADV_DONTNEED), a hole
 * punched in a memfd). For every memslot that range backs, KVM opens an invalidation and unmaps
 * the GFNs with KVM_FILTER_SHARED: for a realm, the shared alias goes. Nothing happens when the
 * range backs no memslot.
 */
export function kvm_mmu_notifier_invalidate_range_start(w: World, start: bigint, end: bigint): void {
  call(w, 'kvm_mmu_notifier_invalidate_range_start', { start, end }, () => {
    const ranges = gfnRangesOfHva(w, start, end);
    if (ranges.length === 0) return 0;
    kvm_mmu_invalidate_begin(w);
    if (w.mutations.has('notifier-skips-shared-unmap')) {
      decide(
        w,
        'kvm_mmu_notifier_invalidate_range_start',
        'mutation notifier-skips-shared-unmap: no kvm_mmu_unmap_gfn_range()',
      );
      return 0;
    }
    for (const r of ranges) kvm_unmap_gfn_range(w, r.start, r.end, KVM_FILTER_SHARED);
    return 0;
  });
}

/**
 * kvm_mmu_notifier_invalidate_range_end(mn, range): the host mm has changed the PTEs; for every
 * memslot the range backs, the invalidation closes and mmu_invalidate_seq moves on.
 */
export function kvm_mmu_notifier_invalidate_range_end(w: World, start: bigint, end: bigint): void {
  call(w, 'kvm_mmu_notifier_invalidate_range_end', { start, end }, () => {
    if (gfnRangesOfHva(w, start, end).length === 0) return 0;
    kvm_mmu_invalidate_end(w);
    return 0;
  });
}

/**
 * kvm_gmem_punch_hole(): fallocate(PUNCH_HOLE) on the guest_memfd. kvm_gmem_invalidate_begin()
 * opens an invalidation and unmaps the range with KVM_FILTER_PRIVATE, the pages are truncated,
 * and kvm_gmem_invalidate_end() closes the invalidation.
 */
export function kvm_gmem_punch_hole(w: World, gpa: bigint, size: bigint): void {
  call(w, 'kvm_gmem_punch_hole', { gpa, size }, () => {
    const start = gpa >> 12n;
    const end = (gpa + size) >> 12n;
    kvm_mmu_invalidate_begin(w);
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
    kvm_mmu_invalidate_end(w);
    return 0;
  });
}
