/**
 * arch/arm64/kvm/rmi.c by function name, in two versions: the v14 series as posted
 * [@v14-rmi.c] and the post-v14 development code [@post-v14-gw-rmi.c], selected by `w.variant`.
 * Each function says which lines it mirrors; the verification ledger (src/sources/ledger-rows.ts)
 * lists them all with what the model leaves out.
 *
 * Where the C loops without a bound on a state that does not change, the model stops and reports
 * a livelock (kernelLivelock()) instead of spinning.
 */
import { levelSize, PAGE_LEVEL } from '../arch/geometry.js';
import { __pfn_to_phys, type Ipa, type Pfn } from '../types/addr.js';
import {
  KVM_PGTABLE_PROT_DEVICE,
  KVM_PGTABLE_PROT_NORMAL_NC,
  KVM_PGTABLE_PROT_R,
  KVM_PGTABLE_PROT_W,
  MT_S2_FWB_DEVICE_nGnRE,
  MT_S2_FWB_NORMAL,
  MT_S2_FWB_NORMAL_NC,
  RMI_ADDR_TYPE_SINGLE,
  RMI_EMPTY,
  RMI_OP_MEM_DELEGATED,
  RMI_OP_MEM_UNDELEGATED,
  RMI_RAM,
  RMI_S2AP_DIRECT_READ,
  RMI_S2AP_DIRECT_WRITE,
  RMI_STATUS,
} from '../rmm/constants.js';
import {
  RMI_GRANULE_RANGE_DELEGATE,
  RMI_GRANULE_RANGE_UNDELEGATE,
  RMI_RTT_CREATE,
  RMI_RTT_DATA_MAP,
  RMI_RTT_DATA_UNMAP,
  RMI_RTT_FOLD,
  RMI_RTT_INIT_RIPAS,
  RMI_RTT_SET_RIPAS,
  RMI_RTT_UNPROT_MAP,
  RMI_RTT_UNPROT_UNMAP,
  rangeDescFields,
  type RmiResult,
} from '../rmm/rmi.js';
import { EBUSY, EFAULT, EINVAL, ENOMEM, ENXIO } from '../sim/errno.js';
import { hex, type Args } from '../sim/trace.js';
import { call, callT, decide, kernelLivelock, WARN_ON, type VcpuState, type World } from '../sim/world.js';
import { allocPages, freePage } from '../vmm/host.js';
import { kvm_prepare_memory_fault_exit, rangeAllAttr } from './memattr.js';
import { kvm_mmu_memory_cache_alloc, kvm_mmu_topup_memory_cache } from './memcache.js';

const { RMI_SUCCESS, RMI_ERROR_RTT, RMI_BUSY, RMI_BLOCKED } = RMI_STATUS;
const PAGE_SIZE = 0x1000n;
/** PHYS_ADDR_MAX: alloc_delegated_granule()'s "no page". */
const NO_PAGE = -1n;
/** Rounds of a loop whose state does not change before the model calls it a livelock. */
const LIVELOCK_ROUNDS = 64;

/** An RMI output register; TF-RMM zeroes the ones a command does not write. */
const outReg = (r: RmiResult, name: string): bigint => r.out[name] ?? 0n;

/** kvm_realm_is_private_address(realm, addr): bit ia_bits - 1 clear [@v14-kvm_rmi.h:121-125]. */
export const kvm_realm_is_private_address = (w: World, addr: bigint): boolean =>
  (addr & w.geom.sharedBit) === 0n;

/** rmi_rtt_level_mapsize(level): what one entry at `level` maps [@v14-rmi.c:15-21]. */
const rmi_rtt_level_mapsize = (level: number): bigint => levelSize(level);

/** get_start_level(realm): 4 - stage2_pgtable_levels(ia_bits) [@v14-rmi.c:63-66]. */
const get_start_level = (w: World): number => w.geom.startLevel;

/**
 * find_map_level(realm, start, end): starting at level 3, step one level shallower while `start`
 * is aligned to the next shallower entry size and that entry fits below `end`, never above the
 * start level. Returns the shallowest level whose entries can map [start, end) from `start`
 * [@v14-rmi.c:68-85] (unchanged after v14).
 */
export function find_map_level(w: World, start: bigint, end: bigint): number {
  let level = PAGE_LEVEL;
  while (level > get_start_level(w)) {
    const mapSize = rmi_rtt_level_mapsize(level - 1);
    if ((start & (mapSize - 1n)) !== 0n || start + mapSize > end) break;
    level--;
  }
  return level;
}

/**
 * addr_range_desc(phys, size[, state]): an RmiAddrRangeDesc for [phys, phys + size). A size of
 * exactly one page, PMD, PUD or P4D gives that SIZE code with COUNT 1; any other size SIZE 0 with
 * COUNT = min(pages, 511). v14 never sets the ST bit (bit 63), so every descriptor says DELEGATED
 * [@v14-rmi.c:690-722]; post-v14 passes DELEGATED for protected and UNDELEGATED for unprotected
 * memory [@post-v14-gw-rmi.c:671-707].
 */
export function addr_range_desc(w: World, phys: bigint, size: bigint, state: bigint): bigint {
  let out: bigint;
  if (size === levelSize(0)) out = 3n | (1n << 2n);
  else if (size === levelSize(1)) out = 2n | (1n << 2n);
  else if (size === levelSize(2)) out = 1n | (1n << 2n);
  else if (size === PAGE_SIZE) out = 0n | (1n << 2n);
  else {
    const pages = size >> 12n;
    out = (pages < 511n ? pages : 511n) << 2n;
  }
  const st = w.variant === 'v14' ? RMI_OP_MEM_DELEGATED : state;
  return (st << 63n) | (phys & 0x000f_ffff_ffff_f000n) | out;
}

/**
 * rmi_delegate_range(phys, size[, &out_phys]) (arch/arm64/kernel/rmi.c in v14): delegate with
 * RMI_GRANULE_RANGE_DELEGATE from `phys` until the whole range is delegated, retrying on
 * RMI_BUSY/RMI_BLOCKED; any other status ends it and is returned [@v14-kernel-rmi.c:15-30].
 * Post-v14 also reports how far it got [@post-v14-gw-fw-rmi.c:30-52]; the model always fills
 * `out.delegated`, and only the post-v14 callers read it.
 */
export function rmi_delegate_range(w: World, phys: bigint, size: bigint, out: { delegated: bigint }): number {
  return call(w, 'rmi_delegate_range', { phys, size }, () => {
    const top = phys + size;
    let a = phys;
    let ret = 0;
    for (let rounds = 0; a < top; rounds++) {
      const r = RMI_GRANULE_RANGE_DELEGATE(w, a, top);
      ret = r.ret;
      if (r.status === RMI_SUCCESS) a = outReg(r, 'top');
      else if (r.status !== RMI_BUSY && r.status !== RMI_BLOCKED) break;
      if (rounds > LIVELOCK_ROUNDS * 512) kernelLivelock(w, 'rmi_delegate_range', 'no progress delegating');
    }
    out.delegated = a - phys;
    return ret;
  });
}

/** rmi_undelegate_range(phys, size): the same with RMI_GRANULE_RANGE_UNDELEGATE [@v14-kernel-rmi.c:32-49]. */
export function rmi_undelegate_range(w: World, phys: bigint, size: bigint): number {
  return call(w, 'rmi_undelegate_range', { phys, size }, () => {
    const top = phys + size;
    let a = phys;
    let ret = 0;
    for (let rounds = 0; a < top; rounds++) {
      const r = RMI_GRANULE_RANGE_UNDELEGATE(w, a, top);
      ret = r.ret;
      if (r.status === RMI_SUCCESS) a = outReg(r, 'top');
      else if (r.status !== RMI_BUSY && r.status !== RMI_BLOCKED) break;
      if (rounds > LIVELOCK_ROUNDS * 512)
        kernelLivelock(w, 'rmi_undelegate_range', 'no progress undelegating');
    }
    return ret;
  });
}

/**
 * alloc_delegated_granule(mc): a page from the memcache (or GFP_ATOMIC when `mc` is NULL),
 * delegated; PHYS_ADDR_MAX when the delegation fails [@v14-rmi.c:119-141]. alloc_rtt() adds the
 * page-table accounting, which the model leaves out [@v14-rmi.c:143-151].
 */
function alloc_rtt(w: World, mc: bigint[] | null): bigint {
  const pfn = mc === null ? allocPages(w, 1n, 'kernel') : kvm_mmu_memory_cache_alloc(w, mc);
  const phys = pfn << 12n;
  if (rmi_delegate_range(w, phys, PAGE_SIZE, { delegated: 0n }) !== 0) {
    freePage(w, pfn);
    return NO_PAGE;
  }
  return phys;
}

/**
 * free_rtt(phys): free_delegated_page(): undelegate and free the page; a failed undelegation WARNs
 * and leaks it [@v14-rmi.c:153-159], [@v14-kernel-rmi.c:80-90].
 */
function free_rtt(w: World, phys: bigint): void {
  if (rmi_undelegate_range(w, phys, PAGE_SIZE) !== 0) {
    WARN_ON(w, 'free_delegated_page', 'rmi_undelegate_page(phys)');
    return;
  }
  freePage(w, phys >> 12n);
}

/** realm_rtt_create(realm, addr, level, phys): RMI_RTT_CREATE at addr aligned down to the parent entry [@v14-rmi.c:180-187]. */
const realm_rtt_create = (w: World, addr: bigint, level: number, phys: bigint): RmiResult =>
  RMI_RTT_CREATE(w, phys, addr & ~(rmi_rtt_level_mapsize(level - 1) - 1n), level);

/**
 * realm_create_rtt_levels(realm, ipa, level, max_level, mc): create every missing RTT from
 * level + 1 down to max_level. RMI_ERROR_RTT with index level - 1 means the table exists: the
 * page is freed and creation goes on; any other failure WARNs and returns -ENXIO; a page that
 * cannot be had or delegated gives -ENOMEM [@v14-rmi.c:229-259] (the same after v14).
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
        const rtt = alloc_rtt(w, mc);
        if (rtt === NO_PAGE) return ENOMEM;
        const r = realm_rtt_create(w, ipa, level, rtt);
        if (r.status === RMI_ERROR_RTT && r.index === level - 1) {
          decide(w, 'realm_create_rtt_levels', `the L${level} RTT already exists: free the page`);
          free_rtt(w, rtt);
          continue;
        }
        if (r.ret !== 0) {
          WARN_ON(w, 'realm_create_rtt_levels', '1', {
            macro: 'WARN',
            note: `Failed to create RTT at level ${level}: ${hex(r.ret)}`,
          });
          free_rtt(w, rtt);
          return ENXIO;
        }
      }
      return 0;
    },
  );
}

/**
 * realm_fold_rtt_level(realm, level, start, end): for each entry-sized step of [start, end) at
 * `level - 1`, RMI_RTT_FOLD the RTT at `level` below it; RMI_ERROR_RTT at a deeper level recurses
 * one level down and retries. The address folded is ALIGN(addr, map_size), which rounds *up*: from
 * an unaligned start it targets the next entry, not the one holding `start` [@v14-rmi.c:359-409]
 * (the same after v14 [@post-v14-gw-rmi.c:323-375]). Returns the number of tables not folded,
 * or a negative errno.
 */
function realm_fold_rtt_level(w: World, level: number, start: bigint, end: bigint): number {
  return call(w, 'realm_fold_rtt_level', { level, start, end }, () => {
    if (level > PAGE_LEVEL) {
      WARN_ON(w, 'realm_fold_rtt_level', 'level > KVM_PGTABLE_LAST_LEVEL');
      return EINVAL;
    }
    const mapSize = rmi_rtt_level_mapsize(level - 1);
    const align = (a: bigint): bigint => (a + mapSize - 1n) & ~(mapSize - 1n);
    let notFolded = 0;
    let next: bigint;
    // The loop advances one entry per round; only the retry at the same address after a deeper
    // fold that left nothing (next_addr = addr) can repeat without a bound.
    let prev = -1n;
    let retries = 0;
    for (let addr = start; addr < end; addr = next) {
      retries = addr === prev ? retries + 1 : 0;
      prev = addr;
      if (retries > LIVELOCK_ROUNDS)
        kernelLivelock(w, 'realm_fold_rtt_level', 'the same table keeps failing to fold');
      next = align(addr + 1n);
      const r = RMI_RTT_FOLD(w, align(addr), level);
      if (r.status === RMI_SUCCESS) {
        free_rtt(w, outReg(r, 'rtt'));
      } else if (r.status === RMI_ERROR_RTT) {
        if (level === PAGE_LEVEL || r.index < level) {
          notFolded++;
        } else {
          const sub = realm_fold_rtt_level(w, level + 1, addr, next);
          if (sub < 0) return sub;
          if (sub === 0) next = addr;
        }
      } else {
        WARN_ON(w, 'realm_fold_rtt_level', '1', { note: `RMI_RTT_FOLD returned ${hex(r.ret)}` });
        return ENXIO;
      }
    }
    return notFolded;
  });
}

/**
 * undelegate_range_desc(desc): undelegate what an RmiAddrRangeDesc describes, unless its ST says
 * UNDELEGATED or it is empty [@v14-rmi.c:103-117].
 */
function undelegate_range_desc(w: World, desc: bigint): number {
  const d = rangeDescFields(desc);
  if (d.st === RMI_OP_MEM_UNDELEGATED) return 0;
  const size = levelSize(d.level) * BigInt(d.count);
  if (size === 0n) return 0;
  return rmi_undelegate_range(w, d.addr, size);
}

/**
 * realm_unmap_shared_range(kvm, start, end, may_block): RMI_RTT_UNPROT_UNMAP over the shared alias
 * of [start, end), then fold. v14 forms the alias with OR, so an exclusive `end` equal to the
 * shared bit becomes the shared bit itself and nothing is unmapped [@v14-rmi.c:419-469];
 * post-v14 returns early on an empty range and adds the bit, only to a range below it
 * [@post-v14-gw-rmi.c:412-475]. RMI_ERROR_RTT at a level at or below find_map_level() means
 * nothing is mapped there (skip one entry of that level from `addr`); at a shallower level the
 * missing RTTs are created with no memcache (GFP_ATOMIC) and the same address is retried.
 */
export function realm_unmap_shared_range(w: World, start: bigint, end: bigint): void {
  call(w, 'realm_unmap_shared_range', { start, end }, () => {
    const fn = 'realm_unmap_shared_range';
    const bit = w.geom.sharedBit;
    if (w.variant === 'v14') {
      start |= bit;
      end |= bit;
    } else {
      if (start >= end) return 0;
      if (start < bit) {
        start += bit;
        end += bit;
      }
    }
    if (end <= start) decide(w, fn, () => `end ${hex(end)} <= start ${hex(start)}: the loop does nothing`);
    let next: bigint;
    for (let addr = start, rounds = 0; addr < end; addr = next, rounds++) {
      if (rounds > LIVELOCK_ROUNDS * 8) kernelLivelock(w, fn, 'RMI_RTT_UNPROT_UNMAP makes no progress');
      const r = RMI_RTT_UNPROT_UNMAP(w, addr, end);
      next = outReg(r, 'next');
      if (r.status === RMI_SUCCESS) continue;
      if (r.status === RMI_ERROR_RTT) {
        const level = find_map_level(w, addr, end);
        if (r.index >= level) {
          next = addr + rmi_rtt_level_mapsize(r.index);
          decide(
            w,
            fn,
            () =>
              `RMI_ERROR_RTT(${r.index}) at or below level ${level}: nothing mapped, skip to ${hex(next)}`,
          );
          continue;
        }
        if (realm_create_rtt_levels(w, addr, r.index, level, null) !== 0) {
          WARN_ON(w, fn, 'realm_create_rtt_levels()');
          return 0;
        }
        next = addr;
        continue;
      }
      WARN_ON(w, fn, '1', { note: `RMI_RTT_UNPROT_UNMAP returned ${hex(r.ret)}` });
      return 0;
    }
    realm_fold_rtt_level(w, get_start_level(w) + 1, start, end);
    return 0;
  });
}

/**
 * realm_unmap_private_range(kvm, start, end, may_block): RMI_RTT_DATA_UNMAP from each address
 * (RMI_ADDR_TYPE_SINGLE) and undelegate the range it returns, then fold. RMI_ERROR_RTT with progress
 * (next > addr) skips an unassigned entry; without progress a block larger than the range must be
 * split: one RTT is created (no memcache) at index + 1 and the command retried. Any other error
 * WARNs and the loop goes on from the returned `next` [@v14-rmi.c:582-631] (the same after v14
 * [@post-v14-gw-rmi.c:551-602]).
 */
export function realm_unmap_private_range(w: World, start: bigint, end: bigint): void {
  call(w, 'realm_unmap_private_range', { start, end }, () => {
    const fn = 'realm_unmap_private_range';
    let next: bigint;
    let rounds = 0;
    for (let addr = start; addr < end; addr = next) {
      for (;;) {
        if (rounds++ > LIVELOCK_ROUNDS * 8) kernelLivelock(w, fn, 'RMI_RTT_DATA_UNMAP makes no progress');
        const r = RMI_RTT_DATA_UNMAP(w, addr, end);
        next = outReg(r, 'next');
        if (r.status === RMI_ERROR_RTT) {
          if (next > addr) break;
          const rtt = alloc_rtt(w, null);
          if (rtt === NO_PAGE) {
            WARN_ON(w, fn, 'rtt == PHYS_ADDR_MAX');
            return 0;
          }
          const c = realm_rtt_create(w, addr, r.index + 1, rtt);
          if (c.ret !== 0) {
            WARN_ON(w, fn, `realm_rtt_create() returned ${hex(c.ret)}`);
            free_rtt(w, rtt);
            return 0;
          }
          continue;
        }
        if (r.ret !== 0) {
          WARN_ON(w, fn, 'ret', { note: `RMI_RTT_DATA_UNMAP returned ${hex(r.ret)}` });
          break;
        }
        if (undelegate_range_desc(w, outReg(r, 'range')) !== 0) {
          WARN_ON(w, fn, 'undelegate_range_desc()');
          next = end;
        }
        break;
      }
    }
    realm_fold_rtt_level(w, get_start_level(w) + 1, start, end);
    return 0;
  });
}

/** KVM_FILTER_PRIVATE / KVM_FILTER_SHARED of struct kvm_gfn_range.attr_filter (include/linux/kvm_host.h). */
export const KVM_FILTER_SHARED = 1;
export const KVM_FILTER_PRIVATE = 2;

/**
 * The realm end of kvm_unmap_gfn_range() → __unmap_stage2_range(). v14: kvm_realm_unmap_range()
 * returns if the realm is not created, caps `end` at the shared bit, always unmaps the shared
 * alias, and the private range only when unmap_private = !only_shared, i.e. when the filter has
 * KVM_FILTER_PRIVATE [@v14-rmi.c:633-648], [@v14-mmu.c:329-346]. Post-v14:
 * kvm_realm_unmap_range_filter() unmaps exactly the halves the filter names
 * [@post-v14-gw-rmi.c:604-620]; that mmu.c passes it the filter is INFERRED (no post-v14 mmu.c with
 * that call was found).
 */
export function kvm_realm_unmap_range(w: World, start: bigint, size: bigint, attrFilter: number): void {
  if (w.kvm.realmState === 'NONE') {
    decide(
      w,
      'kvm_unmap_gfn_range',
      'the realm is not created yet (kvm_realm_is_created() is false): nothing to unmap',
    );
    return;
  }
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
    call(w, 'kvm_realm_unmap_range_filter', { start, size, attr_filter: attrFilter }, () => {
      if ((attrFilter & KVM_FILTER_SHARED) !== 0) realm_unmap_shared_range(w, start, end);
      if ((attrFilter & KVM_FILTER_PRIVATE) !== 0) realm_unmap_private_range(w, start, end);
      return 0;
    });
  }
}

/**
 * realm_map_protected(kvm, ipa, pfn, map_size, memcache): delegate the page(s) and
 * RMI_RTT_DATA_MAP them into the protected half. A failed delegation is taken as a race with
 * another vCPU (return 0). On RMI_ERROR_RTT, v14 creates every missing level down to 3 and retries
 * once [@v14-rmi.c:724-790]; post-v14 creates one level and loops, and maps only the delegated
 * prefix after a partial delegation [@post-v14-gw-rmi.c:709-783]. Returns 0, -EINVAL (WARN,
 * misaligned) or -ENXIO (WARN, after unmapping and undelegating).
 */
export function realm_map_protected(w: World, ipa: bigint, pfn: Pfn, mapSize: bigint, mc: bigint[]): number {
  return call(w, 'realm_map_protected', { ipa, pfn, map_size: mapSize }, () => {
    const fn = 'realm_map_protected';
    if ((mapSize & 0xfffn) !== 0n || (ipa & (mapSize - 1n)) !== 0n) {
      WARN_ON(w, fn, '!IS_ALIGNED(map_size, PAGE_SIZE) || !IS_ALIGNED(ipa, map_size)');
      return EINVAL;
    }
    const basePhys = __pfn_to_phys(pfn) as bigint;
    const baseIpa = ipa;
    const dr = { delegated: 0n };
    if (rmi_delegate_range(w, basePhys, mapSize, dr) !== 0) {
      if (w.variant === 'v14' || dr.delegated === 0n) {
        decide(w, fn, 'delegation failed: assume another vCPU raced on this fault, return 0');
        return 0;
      }
      decide(w, fn, () => `partial delegation: map only the delegated ${hex(dr.delegated)} bytes`);
      mapSize = dr.delegated;
    }
    const top = ipa + mapSize;
    let cur = ipa;
    let phys = basePhys;
    const unwind = (): number => {
      decide(w, fn, 'error: unmap what was mapped, undelegate the range');
      realm_unmap_private_range(w, baseIpa, cur);
      if (rmi_undelegate_range(w, basePhys, mapSize) !== 0)
        WARN_ON(w, fn, 'rmi_undelegate_range(base_phys, map_size)');
      return ENXIO;
    };
    for (let rounds = 0; cur < top; rounds++) {
      if (rounds > LIVELOCK_ROUNDS) kernelLivelock(w, fn, 'RMI_RTT_DATA_MAP makes no progress');
      const desc = addr_range_desc(w, phys, top - cur, RMI_OP_MEM_DELEGATED);
      let r = RMI_RTT_DATA_MAP(w, cur, top, RMI_ADDR_TYPE_SINGLE, desc);
      if (r.status === RMI_ERROR_RTT) {
        const level = r.index;
        if (w.variant === 'v14') {
          if (level === PAGE_LEVEL) WARN_ON(w, fn, 'level == KVM_PGTABLE_LAST_LEVEL');
          if (realm_create_rtt_levels(w, cur, level, PAGE_LEVEL, mc) !== 0) return unwind();
          r = RMI_RTT_DATA_MAP(w, cur, top, RMI_ADDR_TYPE_SINGLE, desc);
        } else {
          if (level >= PAGE_LEVEL) {
            WARN_ON(w, fn, 'level >= KVM_PGTABLE_LAST_LEVEL');
            return unwind();
          }
          if (realm_create_rtt_levels(w, cur, level, level + 1, mc) !== 0) return unwind();
          continue;
        }
      }
      if (r.ret !== 0) {
        WARN_ON(w, fn, 'ret', { note: `RMI_RTT_DATA_MAP returned ${hex(r.ret)}` });
        return unwind();
      }
      const outTop = outReg(r, 'top');
      phys += outTop - cur;
      cur = outTop;
    }
    return 0;
  });
}

/**
 * realm_map_non_secure(realm|kvm, ipa, pfn, size, prot, memcache): RMI_RTT_UNPROT_MAP of host
 * memory into the unprotected half, with MEMATTR from prot's DEVICE/NORMAL_NC bits (DEVICE and
 * NORMAL_NC together: -EINVAL) and S2AP from its R and W bits.
 * - v14: WARN and -EINVAL unless `size` is page-aligned and `ipa` aligned to it. On RMI_ERROR_RTT,
 *   create every missing level down to 3 and retry once; any other failure WARNs and returns the
 *   raw RMI return value, a positive number [@v14-rmi.c:792-861].
 * - post-v14: only `size` is checked. On RMI_ERROR_RTT at a level at or below
 *   find_map_level() an entry already exists — "maybe we are relaxing a permission": unmap the
 *   shared range and retry, without a bound; at a shallower level create RTTs down to that level
 *   only and retry once; a second RMI_ERROR_RTT is not an error and the loop advances to the
 *   command's out_top [@post-v14-gw-rmi.c:785-868] (Suzuki K Poulose's proposal,
 *   [@v14-29-poulose-0626b]).
 */
export function realm_map_non_secure(
  w: World,
  ipa: bigint,
  pfn: Pfn,
  mapSize: bigint,
  prot: number,
  mc: bigint[],
): number {
  const args = (): Args => ({ ipa, pfn, size: mapSize, prot: hex(prot) });
  return call(w, 'realm_map_non_secure', args, () => {
    const fn = 'realm_map_non_secure';
    const v14 = w.variant === 'v14';
    if ((mapSize & 0xfffn) !== 0n || (v14 && (ipa & (mapSize - 1n)) !== 0n)) {
      WARN_ON(
        w,
        fn,
        v14 ? '!IS_ALIGNED(size, PAGE_SIZE) || !IS_ALIGNED(ipa, size)' : '!IS_ALIGNED(size, PAGE_SIZE)',
      );
      return EINVAL;
    }
    const dev = (prot & KVM_PGTABLE_PROT_DEVICE) !== 0;
    const nc = (prot & KVM_PGTABLE_PROT_NORMAL_NC) !== 0;
    if (dev && nc) return EINVAL;
    const memattr = dev ? MT_S2_FWB_DEVICE_nGnRE : nc ? MT_S2_FWB_NORMAL_NC : MT_S2_FWB_NORMAL;
    let s2ap = 0;
    if ((prot & KVM_PGTABLE_PROT_R) !== 0) s2ap |= RMI_S2AP_DIRECT_READ;
    if ((prot & KVM_PGTABLE_PROT_W) !== 0) s2ap |= RMI_S2AP_DIRECT_WRITE;
    const flags = RMI_ADDR_TYPE_SINGLE | (BigInt(memattr) << 16n) | (BigInt(s2ap) << 19n);
    const top = ipa + mapSize;
    let cur = ipa;
    let phys = __pfn_to_phys(pfn) as bigint;
    for (let rounds = 0; cur < top; rounds++) {
      if (rounds > LIVELOCK_ROUNDS)
        kernelLivelock(w, fn, 'RMI_RTT_UNPROT_MAP keeps failing at the same address');
      const desc = addr_range_desc(w, phys, top - cur, RMI_OP_MEM_UNDELEGATED);
      let r = RMI_RTT_UNPROT_MAP(w, cur, top, flags, desc);
      if (r.status === RMI_ERROR_RTT) {
        const level = r.index;
        if (v14) {
          if (level === PAGE_LEVEL) WARN_ON(w, fn, 'level == KVM_PGTABLE_LAST_LEVEL');
          const err = realm_create_rtt_levels(w, cur, level, PAGE_LEVEL, mc);
          if (err !== 0) return err;
        } else {
          const reqLevel = find_map_level(w, cur, top);
          if (level >= reqLevel) {
            decide(
              w,
              fn,
              `RMI_ERROR_RTT(${level}) at or below req_level ${reqLevel}: an entry exists; unmap the range and retry`,
            );
            realm_unmap_shared_range(w, cur, top);
            continue;
          }
          const err = realm_create_rtt_levels(w, cur, level, reqLevel, mc);
          if (err !== 0) return err;
        }
        r = RMI_RTT_UNPROT_MAP(w, cur, top, flags, desc);
      }
      if (v14) {
        if (r.ret !== 0) {
          WARN_ON(w, fn, 'ret', { note: `RMI_RTT_UNPROT_MAP returned ${hex(r.ret)}` });
          return r.ret;
        }
      } else if (r.ret !== 0 && r.status !== RMI_ERROR_RTT) {
        return r.ret;
      }
      const outTop = outReg(r, 'top');
      if (outTop <= cur) kernelLivelock(w, fn, `out_top ${hex(outTop)} does not advance past ${hex(cur)}`);
      phys += outTop - cur;
      cur = outTop;
    }
    return 0;
  });
}

/**
 * realm_map_ipa(kvm, ipa, pfn, map_size, prot, memcache): send a fault's mapping to the mapper of
 * its half.
 * - v14, a static function in mmu.c: WARN and -EFAULT unless prot has W, for both halves; align
 *   `ipa` down to PAGE_SIZE only [@v14-mmu.c:1549-1570].
 * - post-v14, in rmi.c: -EBUSY unless the realm is ACTIVE; align `ipa` down to map_size; shared
 *   mappings may be read-only; protected ones still need W [@post-v14-gw-rmi.c:870-890].
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
    let a = ipa as bigint;
    if (w.variant === 'v14') {
      if ((prot & KVM_PGTABLE_PROT_W) === 0) {
        WARN_ON(w, fn, '!(prot & KVM_PGTABLE_PROT_W)');
        return EFAULT;
      }
      a &= ~(PAGE_SIZE - 1n);
      if (!kvm_realm_is_private_address(w, a)) return realm_map_non_secure(w, a, pfn, mapSize, prot, mc);
      return realm_map_protected(w, a, pfn, mapSize, mc);
    }
    if (w.kvm.realmState !== 'ACTIVE') {
      decide(w, fn, `realm state ${w.kvm.realmState} is not REALM_STATE_ACTIVE`);
      return EBUSY;
    }
    a &= ~(mapSize - 1n);
    if (!kvm_realm_is_private_address(w, a)) return realm_map_non_secure(w, a, pfn, mapSize, prot, mc);
    if ((prot & KVM_PGTABLE_PROT_W) === 0) {
      WARN_ON(w, fn, '!(prot & KVM_PGTABLE_PROT_W)');
      return EFAULT;
    }
    return realm_map_protected(w, a, pfn, mapSize, mc);
  });
}

/**
 * ripas_change(kvm, vcpu, ipa, end, action, &top_ipa): RMI_RTT_INIT_RIPAS (activation, no vCPU)
 * or RMI_RTT_SET_RIPAS (a REC's request) from `ipa` until `end`. RMI_ERROR_RTT creates the missing
 * RTTs from the error level down to find_map_level() (the vCPU memcache for SET, none for INIT)
 * and retries; if the error level is already that deep nothing is created and v14 retries forever
 * [@v14-rmi.c:897-957]; post-v14 refuses that case for INIT (WARN_ON_ONCE, -ENXIO)
 * [@post-v14-gw-rmi.c:907-985]. Any other failure WARNs and returns -ENXIO. Sets `out.top`.
 */
function ripas_change(
  w: World,
  vcpu: VcpuState | null,
  ipa: bigint,
  end: bigint,
  out: { top: bigint },
): number {
  const init = vcpu === null;
  return call(w, 'ripas_change', { ipa, end, action: init ? 'RIPAS_INIT' : 'RIPAS_SET' }, () => {
    const fn = 'ripas_change';
    out.top = ipa;
    for (let rounds = 0; ipa < end; rounds++) {
      if (rounds > LIVELOCK_ROUNDS * 8) kernelLivelock(w, fn, 'the RIPAS command makes no progress');
      const r = init ? RMI_RTT_INIT_RIPAS(w, ipa, end) : RMI_RTT_SET_RIPAS(w, vcpu.id, ipa, end);
      if (r.status === RMI_SUCCESS) {
        ipa = outReg(r, 'top');
        out.top = ipa;
        continue;
      }
      if (r.status === RMI_ERROR_RTT) {
        const level = find_map_level(w, ipa, end);
        if (r.index >= level) {
          if (w.variant !== 'v14' && init) {
            WARN_ON(w, fn, 'err_level >= level', { macro: 'WARN_ON_ONCE' });
            return ENXIO;
          }
          kernelLivelock(
            w,
            fn,
            `RMI_ERROR_RTT(${r.index}) at or below level ${level}: no RTT to create, the same call is retried forever`,
          );
        }
        const err = realm_create_rtt_levels(w, ipa, r.index, level, init ? null : vcpu.memcache);
        if (err !== 0) return err;
        continue;
      }
      WARN_ON(w, fn, '1', { note: `RMI_RTT_${init ? 'INIT' : 'SET'}_RIPAS returned ${hex(r.ret)}` });
      return ENXIO;
    }
    return 0;
  });
}

/**
 * realm_set_ipa_state(vcpu, start, end, ripas, &top_ipa): ripas_change(RIPAS_SET); for EMPTY, unmap
 * the private pages of the part that changed [@v14-rmi.c:959-972] (post-v14 only on success
 * [@post-v14-gw-rmi.c:987-1000]).
 */
function realm_set_ipa_state(
  w: World,
  vcpu: VcpuState,
  start: bigint,
  end: bigint,
  ripas: number,
  out: { top: bigint },
): number {
  return call(
    w,
    'realm_set_ipa_state',
    { start, end, ripas: ripas === RMI_EMPTY ? 'RMI_EMPTY' : 'RMI_RAM' },
    () => {
      const ret = ripas_change(w, vcpu, start, end, out);
      if (ripas === RMI_EMPTY && out.top !== start && (w.variant === 'v14' || ret === 0))
        realm_unmap_private_range(w, start, out.top);
      return ret;
    },
  );
}

/**
 * realm_init_ipa_state(kvm, gfn, pages): RIPAS RAM for a range of a NEW realm [@v14-rmi.c:974-980].
 */
export function realm_init_ipa_state(w: World, gfn: bigint, pages: bigint): number {
  return call(w, 'realm_init_ipa_state', { gfn, pages }, () =>
    ripas_change(w, null, gfn << 12n, (gfn + pages) << 12n, { top: 0n }),
  );
}

/**
 * ripas_range_matches_gmem(kvm, start, end, ripas) (post-v14 only): every GFN of the range has the
 * guest_memfd private/shared state the requested RIPAS implies [@post-v14-gw-rmi.c:1112-1131].
 */
function ripas_range_matches_gmem(w: World, base: bigint, top: bigint, toRam: boolean): boolean {
  return callT(
    w,
    'ripas_range_matches_gmem',
    { start: base, end: top, ripas: toRam ? 'RMI_RAM' : 'RMI_EMPTY' },
    () => rangeAllAttr(w, base >> 12n, top >> 12n, toRam),
    String,
  );
}

/**
 * kvm_complete_ripas_change(vcpu): before re-entering a REC that exited with RMI_EXIT_RIPAS_CHANGE,
 * apply the change. v14: loop { top up the memcache; realm_set_ipa_state() under mmu_lock; an
 * error other than -ENOMEM WARNs and stops } until the range is done, and record the progress in
 * exit.ripas_base [@v14-rmi.c:1062-1095]. Post-v14 first checks the range against guest_memfd's
 * attributes and, on a mismatch, raises KVM_EXIT_MEMORY_FAULT again and returns -EFAULT (the
 * change is retried on the next KVM_RUN); it also retries after an invalidation, which the model
 * cannot race [@post-v14-gw-rmi.c:1133-1200]. Returns 1 (enter) or -EFAULT.
 */
export function kvm_complete_ripas_change(w: World, vcpu: VcpuState): number {
  const ex = vcpu.lastExit;
  if (ex === null) return 1;
  return call(
    w,
    'kvm_complete_ripas_change',
    { base: ex.ripasBase, top: ex.ripasTop, ripas: ex.ripas === RMI_RAM ? 'RMI_RAM' : 'RMI_EMPTY' },
    () => {
      const fn = 'kvm_complete_ripas_change';
      const toRam = ex.ripas === RMI_RAM;
      let base = ex.ripasBase;
      const top = ex.ripasTop;
      for (let rounds = 0; base < top; rounds++) {
        if (rounds > LIVELOCK_ROUNDS) kernelLivelock(w, fn, 'no progress');
        if (w.variant !== 'v14' && !ripas_range_matches_gmem(w, base, top, toRam)) {
          kvm_prepare_memory_fault_exit(w, vcpu, base, top - base, false, false, toRam);
          decide(
            w,
            fn,
            'guest_memfd attributes do not match the requested RIPAS: exit to the VMM again (KVM_REQ_RMI)',
          );
          ex.ripasBase = base;
          return EFAULT;
        }
        kvm_mmu_topup_memory_cache(w, vcpu);
        const out = { top: base };
        const ret = realm_set_ipa_state(w, vcpu, base, top, ex.ripas, out);
        if (ret !== 0 && ret !== ENOMEM) {
          WARN_ON(w, fn, w.variant === 'v14' ? 'ret && ret != -ENOMEM' : 'ret', {
            macro: 'WARN_RATELIMIT',
            note: `Unable to satisfy RIPAS_CHANGE for ${hex(base)} - ${hex(top)}`,
          });
          break;
        }
        if (ret === ENOMEM && out.top === base) {
          if (w.variant !== 'v14') break;
        }
        base = out.top;
      }
      ex.ripasBase = base;
      return 1;
    },
  );
}
