/**
 * arch/arm64/kvm/rmi.c of the v14 series and of the post-v14 development version, by function
 * name (brief §3.5–§3.7, §4.1). `w.variant` selects `v14` (as posted, [S-THREAD msg 30]) or
 * `fixed` (post-v14 rmi.c plus the reviewers' proposals, [S-POST14]).
 */
import { levelSize, MIN_BLOCK_LEVEL, PAGE_LEVEL } from '../arch/geometry.js';
import type { Ipa, Pfn } from '../types/addr.js';
import { __pfn_to_phys } from '../types/addr.js';
import {
  KVM_PGTABLE_PROT_DEVICE,
  KVM_PGTABLE_PROT_NORMAL_NC,
  KVM_PGTABLE_PROT_R,
  KVM_PGTABLE_PROT_W,
  MT_S2_FWB_DEVICE_nGnRE,
  MT_S2_FWB_NORMAL,
  MT_S2_FWB_NORMAL_NC,
  RMI_ADDR_TYPE_SINGLE,
  RMI_OP_MEM_DELEGATED,
  RMI_OP_MEM_UNDELEGATED,
  RMI_S2AP_DIRECT_READ,
  RMI_S2AP_DIRECT_WRITE,
  RMI_STATUS,
  RMI_EMPTY,
} from '../rmm/constants.js';
import {
  RMI_GRANULE_RANGE_DELEGATE,
  RMI_GRANULE_RANGE_UNDELEGATE,
  RMI_RTT_CREATE,
  RMI_RTT_DATA_MAP,
  RMI_RTT_DATA_UNMAP,
  RMI_RTT_SET_RIPAS,
  RMI_RTT_UNPROT_MAP,
  RMI_RTT_UNPROT_UNMAP,
  rangeDescFields,
} from '../rmm/rmi.js';
import { EBUSY, EFAULT, EINVAL, ENOMEM, ENXIO } from '../sim/errno.js';
import { hex, type Args } from '../sim/trace.js';
import { call, callT, decide, WARN_ON, type VcpuState, type World } from '../sim/world.js';
import { allocPages, freePage } from '../vmm/host.js';
import { kvm_prepare_memory_fault_exit, rangeAllAttr } from './memattr.js';

const { RMI_SUCCESS, RMI_ERROR_RTT } = RMI_STATUS;

/** kvm_realm_is_private_address(): bit ia_bits-1 clear (brief §1.1). */
export const kvm_realm_is_private_address = (w: World, addr: bigint): boolean =>
  (addr & w.geom.sharedBit) === 0n;

/**
 * find_map_level(realm, start, end): the shallowest level at which [start, end) is aligned and
 * covers a whole block, no shallower than a block can be (TF-RMM S2TT_MIN_BLOCK_LEVEL = 1) and
 * no shallower than the start level (brief §3.6). Returns the level. Mirrors post-v14 rmi.c.
 */
export function find_map_level(w: World, start: bigint, end: bigint): number {
  for (let level = Math.max(w.geom.startLevel, MIN_BLOCK_LEVEL); level < PAGE_LEVEL; level++) {
    const size = levelSize(level);
    if ((start & (size - 1n)) === 0n && end - start >= size) return level;
  }
  return PAGE_LEVEL;
}

/**
 * addr_range_desc(phys, size): build an RmiAddrRangeDesc (brief §3.5). Exact page/PMD/PUD/P4D
 * sizes give COUNT 1 at that SIZE; anything else SIZE 0 with COUNT min(pages, 511). v14 never
 * sets ST; `fixed` passes ST = UNDELEGATED for unprotected memory [S-POST14].
 */
export function addr_range_desc(w: World, phys: bigint, size: bigint, undelegated: boolean): bigint {
  // One block of an exact level size, or up to 511 pages.
  let sizeField = 0n;
  let count = 1n;
  if (size === levelSize(3)) sizeField = 0n;
  else if (size === levelSize(2)) sizeField = 1n;
  else if (size === levelSize(1)) sizeField = 2n;
  else if (size === levelSize(0)) sizeField = 3n;
  else {
    const pages = size >> 12n;
    count = pages < 511n ? pages : 511n;
  }
  const st = w.variant === 'fixed' && undelegated ? RMI_OP_MEM_UNDELEGATED : RMI_OP_MEM_DELEGATED;
  return (st << 63n) | (phys & 0x000f_ffff_ffff_f000n) | (count << 2n) | sizeField;
}

/** A page for a new RTT: from the vCPU memcache, or GFP_ATOMIC when `mc` is NULL (or empty). */
function alloc_rtt_page(w: World, mc: bigint[] | null): bigint {
  const fromCache = mc?.pop();
  if (fromCache !== undefined) return fromCache;
  return allocPages(w, 1n, 'kernel');
}

/**
 * realm_create_rtt_levels(realm, ipa, level, max_level, mc): create every missing RTT from
 * level+1 down to max_level. Each page is delegated, then RMI_RTT_CREATE; RMI_ERROR_RTT at
 * level-1 means "already there" (undelegate and free). Returns 0, -ENOMEM when a page cannot
 * be delegated, -ENXIO on any other RMI error (WARN). Mirrors v14 patch 23 [S-THREAD msg 24].
 */
export function realm_create_rtt_levels(
  w: World,
  ipa: bigint,
  level: number,
  maxLevel: number,
  mc: bigint[] | null,
): number {
  return call(
    w,
    'realm_create_rtt_levels',
    { ipa, level, max_level: maxLevel, mc: mc === null ? 'NULL' : 'vcpu' },
    () => {
      while (level++ < maxLevel) {
        const pfn = alloc_rtt_page(w, mc);
        const phys = pfn << 12n;
        const d = RMI_GRANULE_RANGE_DELEGATE(w, phys, phys + 0x1000n);
        if (d.status !== RMI_SUCCESS) {
          freePage(w, pfn);
          return ENOMEM;
        }
        const r = RMI_RTT_CREATE(w, phys, ipa & ~(levelSize(level - 1) - 1n), level);
        if (r.status === RMI_ERROR_RTT && r.index === level - 1) {
          decide(
            w,
            'realm_create_rtt_levels',
            `RTT at L${level} already exists: undelegate and free the page`,
          );
          RMI_GRANULE_RANGE_UNDELEGATE(w, phys, phys + 0x1000n);
          freePage(w, pfn);
          continue;
        }
        if (r.status !== RMI_SUCCESS) {
          WARN_ON(w, 'realm_create_rtt_levels', `RMI_RTT_CREATE returned ${hex(r.ret)}`);
          RMI_GRANULE_RANGE_UNDELEGATE(w, phys, phys + 0x1000n);
          freePage(w, pfn);
          return ENXIO;
        }
      }
      return 0;
    },
  );
}

/**
 * rmi_delegate_range(phys, size): delegate [phys, phys+size) with RMI_GRANULE_RANGE_DELEGATE.
 * Returns 0 on success or -ENXIO; `delegated` reports how far it got (the post-v14 version uses
 * it to map only the delegated prefix, brief §3.5 item 7).
 */
export function rmi_delegate_range(w: World, phys: bigint, size: bigint, out: { delegated: bigint }): number {
  return call(w, 'rmi_delegate_range', { phys, size }, () => {
    let a = phys;
    while (a < phys + size) {
      const r = RMI_GRANULE_RANGE_DELEGATE(w, a, phys + size);
      const top = r.out['top'] ?? a;
      if (r.status !== RMI_SUCCESS) {
        out.delegated = a - phys;
        return ENXIO;
      }
      a = top;
    }
    out.delegated = size;
    return 0;
  });
}

/**
 * realm_map_protected(kvm, ipa, pfn, map_size, memcache): delegate the page(s) and
 * RMI_RTT_DATA_MAP them. On RMI_ERROR_RTT v14 creates every missing level down to 3 and retries
 * once; `fixed` creates one level at a time and loops (Steven's diff [S-THREAD msg 141]).
 * A failed delegation is taken as a race with another vCPU: return 0. Returns 0, -EINVAL
 * (misaligned, WARN) or -ENXIO (RMI failure, WARN, after unwinding).
 */
export function realm_map_protected(w: World, ipa: Ipa, pfn: Pfn, mapSize: bigint, mc: bigint[]): number {
  return call(w, 'realm_map_protected', { ipa, pfn, map_size: mapSize }, () => {
    const fn = 'realm_map_protected';
    if ((mapSize & 0xfffn) !== 0n || (ipa & (mapSize - 1n)) !== 0n) {
      WARN_ON(w, fn, '!IS_ALIGNED(ipa, map_size)');
      return EINVAL;
    }
    const phys = __pfn_to_phys(pfn);
    const dr = { delegated: 0n };
    if (rmi_delegate_range(w, phys, mapSize, dr) !== 0) {
      if (w.variant === 'v14' || dr.delegated === 0n) {
        decide(w, fn, 'delegation failed: assume another vCPU raced on this fault, return 0');
        return 0;
      }
      decide(w, fn, `partial delegation: map only the delegated 0x${dr.delegated.toString(16)} bytes`);
      mapSize = dr.delegated;
    }
    const top = ipa + mapSize;
    let cur = ipa as bigint;
    let curPhys = phys as bigint;
    while (cur < top) {
      const desc = addr_range_desc(w, curPhys, top - cur, false);
      let r = RMI_RTT_DATA_MAP(w, cur, top, RMI_ADDR_TYPE_SINGLE, desc);
      if (r.status === RMI_ERROR_RTT) {
        if (w.variant === 'v14') {
          const err = realm_create_rtt_levels(w, cur, r.index, PAGE_LEVEL, mc);
          if (err !== 0) return unwind(err);
          r = RMI_RTT_DATA_MAP(w, cur, top, RMI_ADDR_TYPE_SINGLE, desc);
        } else {
          if (r.index >= PAGE_LEVEL) {
            WARN_ON(w, fn, 'level >= RMM_RTT_MAX_LEVEL');
            return unwind(ENXIO);
          }
          const err = realm_create_rtt_levels(w, cur, r.index, r.index + 1, mc);
          if (err !== 0) return unwind(err);
          continue;
        }
      }
      if (r.status !== RMI_SUCCESS) {
        WARN_ON(w, fn, `RMI_RTT_DATA_MAP returned ${hex(r.ret)}`);
        return unwind(ENXIO);
      }
      const next = r.out['top'] ?? top;
      curPhys += next - cur;
      cur = next;
    }
    return 0;

    function unwind(err: number): number {
      decide(w, fn, 'error: unmap what was mapped and undelegate the rest');
      if (cur > ipa) realm_unmap_private_range(w, ipa, cur);
      RMI_GRANULE_RANGE_UNDELEGATE(w, curPhys, phys + mapSize);
      return err;
    }
  });
}

/**
 * realm_map_non_secure(realm, ipa, pfn, map_size, prot, memcache): RMI_RTT_UNPROT_MAP with
 * MEMATTR/S2AP from `prot` (brief §3.5). v14: RTTs down to L3 on RMI_ERROR_RTT, retry once, any
 * other failure WARNs and returns the positive RMI status. `fixed`: RTTs only down to
 * find_map_level(); RMI_ERROR_RTT at or below that level (an existing, different mapping) →
 * realm_unmap_shared_range() and retry (Suzuki [S-THREAD msg 153]); failures return -ENXIO
 * (INFERRED: the post-v14 error value was not checked).
 */
export function realm_map_non_secure(
  w: World,
  ipa: Ipa,
  pfn: Pfn,
  mapSize: bigint,
  prot: number,
  mc: bigint[],
): number {
  const args = (): Args => ({ ipa, pfn, map_size: mapSize, prot: hex(prot) });
  return call(w, 'realm_map_non_secure', args, () => {
    const fn = 'realm_map_non_secure';
    if ((mapSize & 0xfffn) !== 0n || (ipa & (mapSize - 1n)) !== 0n) {
      WARN_ON(w, fn, '!IS_ALIGNED(ipa, map_size)');
      return EINVAL;
    }
    let memattr: number;
    const dev = (prot & KVM_PGTABLE_PROT_DEVICE) !== 0;
    const nc = (prot & KVM_PGTABLE_PROT_NORMAL_NC) !== 0;
    if (dev && nc) return EINVAL;
    else if (dev) memattr = MT_S2_FWB_DEVICE_nGnRE;
    else if (nc) memattr = MT_S2_FWB_NORMAL_NC;
    else memattr = MT_S2_FWB_NORMAL;
    let s2ap = 0;
    if ((prot & KVM_PGTABLE_PROT_R) !== 0) s2ap |= RMI_S2AP_DIRECT_READ;
    if ((prot & KVM_PGTABLE_PROT_W) !== 0) s2ap |= RMI_S2AP_DIRECT_WRITE;
    const flags = RMI_ADDR_TYPE_SINGLE | (BigInt(memattr) << 16n) | (BigInt(s2ap) << 19n);
    const phys = __pfn_to_phys(pfn);
    const top = ipa + mapSize;
    const reqLevel = find_map_level(w, ipa, top);
    let cur = ipa as bigint;
    let curPhys = phys as bigint;
    let unmapped = false;
    for (let guard = 0; cur < top; guard++) {
      const desc = addr_range_desc(w, curPhys, top - cur, true);
      let r = RMI_RTT_UNPROT_MAP(w, cur, top, flags, desc);
      if (r.status === RMI_ERROR_RTT) {
        if (w.variant === 'v14') {
          const err = realm_create_rtt_levels(w, cur, r.index, PAGE_LEVEL, mc);
          if (err !== 0) return err;
          r = RMI_RTT_UNPROT_MAP(w, cur, top, flags, desc);
        } else if (r.index >= reqLevel) {
          if (unmapped || guard > 4) {
            WARN_ON(w, fn, `RMI_RTT_UNPROT_MAP returned ${hex(r.ret)} after unmap`);
            return ENXIO;
          }
          decide(
            w,
            fn,
            `RMI_ERROR_RTT(${r.index}) at level >= req_level ${reqLevel}: an entry exists; unmap the shared range and retry`,
          );
          realm_unmap_shared_range(w, cur & ~w.geom.sharedBit, top & ~w.geom.sharedBit);
          unmapped = true;
          continue;
        } else {
          const err = realm_create_rtt_levels(w, cur, r.index, reqLevel, mc);
          if (err !== 0) return err;
          continue;
        }
      }
      if (r.status !== RMI_SUCCESS) {
        WARN_ON(w, fn, `RMI_RTT_UNPROT_MAP returned ${hex(r.ret)}`);
        return w.variant === 'v14' ? r.ret : ENXIO;
      }
      const next = r.out['top'] ?? top;
      curPhys += next - cur;
      cur = next;
    }
    return 0;
  });
}

/**
 * realm_map_ipa(kvm, ipa, pfn, map_size, prot, memcache): dispatch to the protected or the
 * unprotected mapper. v14: WARN and -EFAULT without PROT_W (both halves), align to PAGE_SIZE only.
 * `fixed`: -EBUSY unless the realm is ACTIVE, align to map_size, W required only for protected
 * memory (brief §3.5).
 */
export function realm_map_ipa(
  w: World,
  ipa: Ipa,
  pfn: Pfn,
  mapSize: bigint,
  prot: number,
  mc: bigint[],
): number {
  const args = (): Args => ({ ipa, pfn, map_size: mapSize, prot: hex(prot) });
  return call(w, 'realm_map_ipa', args, () => {
    const fn = 'realm_map_ipa';
    if (w.variant === 'v14') {
      if ((prot & KVM_PGTABLE_PROT_W) === 0) {
        WARN_ON(w, fn, '!(prot & KVM_PGTABLE_PROT_W)');
        return EFAULT;
      }
      ipa = (ipa & ~0xfffn) as Ipa;
    } else {
      if (w.kvm.realmState !== 'ACTIVE') {
        decide(w, fn, `realm state ${w.kvm.realmState} is not ACTIVE`);
        return EBUSY;
      }
      ipa = (ipa & ~(mapSize - 1n)) as Ipa;
    }
    if (!kvm_realm_is_private_address(w, ipa)) return realm_map_non_secure(w, ipa, pfn, mapSize, prot, mc);
    if (w.variant === 'fixed' && (prot & KVM_PGTABLE_PROT_W) === 0) {
      WARN_ON(w, fn, '!(prot & KVM_PGTABLE_PROT_W)');
      return EFAULT;
    }
    return realm_map_protected(w, ipa, pfn, mapSize, mc);
  });
}

/**
 * realm_unmap_shared_range(kvm, start, end): RMI_RTT_UNPROT_UNMAP over the shared alias of
 * [start, end). v14 forms the alias with OR, so an exclusive end equal to the shared bit becomes
 * the shared bit itself and the loop does nothing (brief §3.7, INFERRED bug); `fixed` adds the
 * bit. RMI_ERROR_RTT at a level ≥ find_map_level() skips ahead; a shallower level creates RTTs
 * (mc = NULL) and retries. RTT folding afterwards is not modelled. Returns nothing (void in C).
 */
export function realm_unmap_shared_range(w: World, start: bigint, end: bigint): void {
  call(w, 'realm_unmap_shared_range', { start, end }, () => {
    const fn = 'realm_unmap_shared_range';
    const bit = w.geom.sharedBit;
    if (w.variant === 'v14') {
      start |= bit;
      end |= bit;
    } else if (start < bit) {
      start += bit;
      end += bit;
    }
    if (end <= start)
      decide(w, fn, `end 0x${end.toString(16)} <= start 0x${start.toString(16)}: nothing to unmap`);
    let addr = start;
    for (let guard = 0; addr < end; guard++) {
      const r = RMI_RTT_UNPROT_UNMAP(w, addr, end);
      const next = r.out['next'] ?? addr;
      if (r.status === RMI_SUCCESS) {
        addr = next;
        continue;
      }
      if (r.status === RMI_ERROR_RTT) {
        const req = find_map_level(w, addr, end);
        if (r.index >= req && next > addr) {
          addr = next;
          continue;
        }
        if (r.index < PAGE_LEVEL && guard < 8) {
          realm_create_rtt_levels(w, addr, r.index, Math.max(req, r.index + 1), null);
          continue;
        }
      }
      WARN_ON(w, fn, `RMI_RTT_UNPROT_UNMAP returned ${hex(r.ret)}`);
      break;
    }
    return 0;
  });
}

/**
 * realm_unmap_private_range(kvm, start, end): RMI_RTT_DATA_UNMAP each assigned entry, then
 * undelegate the returned range. RMI_ERROR_RTT with progress = nothing mapped (skip); without
 * progress = a block larger than the range: create one RTT level (mc = NULL) and retry.
 * Folding is not modelled. Mirrors v14 patch 23/29 and [S-POST14] (same logic).
 */
export function realm_unmap_private_range(w: World, start: bigint, end: bigint): void {
  call(w, 'realm_unmap_private_range', { start, end }, () => {
    const fn = 'realm_unmap_private_range';
    let addr = start;
    for (let guard = 0; addr < end; guard++) {
      const r = RMI_RTT_DATA_UNMAP(w, addr, end);
      const next = r.out['next'] ?? addr;
      if (r.status === RMI_ERROR_RTT) {
        if (next > addr) {
          addr = next;
          continue;
        }
        if (r.index < PAGE_LEVEL && guard < 8) {
          realm_create_rtt_levels(w, addr, r.index, r.index + 1, null);
          continue;
        }
      }
      if (r.status !== RMI_SUCCESS) {
        WARN_ON(w, fn, `RMI_RTT_DATA_UNMAP returned ${hex(r.ret)}`);
        break;
      }
      const range = r.out['range'] ?? 0n;
      const d = rangeDescFields(range);
      const size = levelSize(d.level) * BigInt(d.count);
      if (d.st !== RMI_OP_MEM_UNDELEGATED) RMI_GRANULE_RANGE_UNDELEGATE(w, d.addr, d.addr + size);
      addr = next;
    }
    return 0;
  });
}

/** KVM_FILTER_PRIVATE / KVM_FILTER_SHARED of struct kvm_gfn_range.attr_filter. */
export const KVM_FILTER_SHARED = 1;
export const KVM_FILTER_PRIVATE = 2;

/**
 * The realm end of kvm_unmap_gfn_range() → __unmap_stage2_range(). v14: kvm_realm_unmap_range()
 * caps `end` at the shared bit, always unmaps the shared alias, and the private range only when
 * the filter includes PRIVATE (brief §3.7). `fixed`: kvm_realm_unmap_range_filter() unmaps only
 * the halves named by the filter [S-POST14].
 */
export function kvm_realm_unmap_range(w: World, start: bigint, size: bigint, attrFilter: number): void {
  const bit = w.geom.sharedBit;
  let end = start + size;
  if (end > bit) end = bit;
  if (w.variant === 'v14') {
    const unmapPrivate = (attrFilter & KVM_FILTER_PRIVATE) !== 0;
    call(w, 'kvm_realm_unmap_range', { start, size, unmap_private: unmapPrivate }, () => {
      realm_unmap_shared_range(w, start, end);
      if (unmapPrivate) realm_unmap_private_range(w, start, end);
      return 0;
    });
  } else {
    call(w, 'kvm_realm_unmap_range_filter', { start, size, filter: attrFilter }, () => {
      if ((attrFilter & KVM_FILTER_SHARED) !== 0) realm_unmap_shared_range(w, start, end);
      if ((attrFilter & KVM_FILTER_PRIVATE) !== 0) realm_unmap_private_range(w, start, end);
      return 0;
    });
  }
}

/**
 * ripas_range_matches_gmem() (post-v14 only): the requested RIPAS must match guest_memfd's
 * private/shared state of the range (brief §4.1 step 5).
 */
function ripas_range_matches_gmem(w: World, base: bigint, top: bigint, toRam: boolean): boolean {
  return callT(
    w,
    'ripas_range_matches_gmem',
    { base, top },
    () => rangeAllAttr(w, base >> 12n, top >> 12n, toRam),
    String,
  );
}

/**
 * kvm_complete_ripas_change(vcpu): before re-entering a REC that exited with RIPAS_CHANGE, apply
 * the change with RMI_RTT_SET_RIPAS (creating RTTs from the vCPU memcache on RMI_ERROR_RTT) and,
 * for EMPTY, unmap the private range; record progress in ripas_base [S-THREAD msg 24].
 * `fixed` first checks the range against guest_memfd and raises KVM_EXIT_MEMORY_FAULT again on a
 * mismatch. Returns 1 to enter, or -EFAULT with a memory-fault exit.
 */
export function kvm_complete_ripas_change(w: World, vcpu: VcpuState): number {
  const ex = vcpu.lastExit;
  if (ex === null) return 1;
  return call(
    w,
    'kvm_complete_ripas_change',
    { base: ex.ripasBase, top: ex.ripasTop, ripas: ex.ripas },
    () => {
      const fn = 'kvm_complete_ripas_change';
      const toRam = ex.ripas !== RMI_EMPTY;
      if (
        w.variant === 'fixed' &&
        ex.ripasBase < ex.ripasTop &&
        !ripas_range_matches_gmem(w, ex.ripasBase, ex.ripasTop, toRam)
      ) {
        kvm_prepare_memory_fault_exit(w, vcpu, ex.ripasBase, ex.ripasTop - ex.ripasBase, false, false, toRam);
        return EFAULT;
      }
      let base = ex.ripasBase;
      for (let guard = 0; base < ex.ripasTop; guard++) {
        const r = RMI_RTT_SET_RIPAS(w, vcpu.id, base, ex.ripasTop);
        if (r.status === RMI_ERROR_RTT && r.index < PAGE_LEVEL && guard < 64) {
          const err = realm_create_rtt_levels(w, base, r.index, r.index + 1, vcpu.memcache);
          if (err !== 0) return err;
          continue;
        }
        if (r.status !== RMI_SUCCESS) {
          decide(w, fn, `RMI_RTT_SET_RIPAS returned ${hex(r.ret)}: stop, the realm sees the progress so far`);
          break;
        }
        const top = r.out['top'] ?? ex.ripasTop;
        if (!toRam) realm_unmap_private_range(w, base, top);
        base = top;
        ex.ripasBase = base;
      }
      return 1;
    },
  );
}
