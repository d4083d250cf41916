/**
 * arch/arm64/kvm/mmu.c by function name: the stage-2 abort handler and its two fault paths, as
 * mainline v7.1 stages user_mem_abort() [@linux-64f2fa63] and as v14 patch 29 adds the realm
 * branches [@v14-29]. The post-v14 variant follows the post-v14 mmu.c [@post-v14-lp-mmu.c]. Only
 * the realm branches are modelled; KVM's own stage-2 page table, which a realm does not use, is not.
 */
import type { Memslot, WindowPoint } from '../scenario/types.js';
import {
  type Gpa,
  type Ipa,
  type Pfn,
  ipa as asIpa,
  kvm_gpa_from_fault,
  pfn as asPfn,
} from '../types/addr.js';
import {
  ESR_ELx_ISV,
  ESR_ELx_S1PTW,
  ESR_ELx_SAS_SHIFT,
  ESR_ELx_SRT_SHIFT,
  ESR_ELx_WNR,
  KVM_PGTABLE_PROT_R,
  KVM_PGTABLE_PROT_W,
  KVM_PGTABLE_PROT_X,
  REC_ENTER_FLAG_INJECT_SEA,
} from '../rmm/constants.js';
import { EAGAIN, EFAULT, EINVAL } from '../sim/errno.js';
import { modelBroken } from '../sim/errors.js';
import { hex } from '../sim/trace.js';
import { call, callT, decide, WARN_ON_ONCE, type VcpuState, type World } from '../sim/world.js';
import type { FaultHandler } from '../sim/result.js';
import { allocPages, getUserMappingSize, gfnToHva, handleHostFault, memslotForGfn } from '../vmm/host.js';
import { kvm_mmu_topup_memory_cache } from './memcache.js';
import { kvm_mem_is_private, kvm_prepare_memory_fault_exit } from './memattr.js';
import { realm_map_ipa } from './rmi.js';
import { levelSize } from '../arch/geometry.js';

const PAGE_SIZE = 0x1000n;
const PMD_SIZE = 0x20_0000n;

/* ---- ESR helpers (asm/kvm_emulate.h) ---- */
export const esrFsc = (esr: bigint): number => Number(esr & 0x3fn);
export const isTranslationFault = (fsc: number): boolean => (fsc >= 0x04 && fsc <= 0x07) || fsc === 0x2b;
export const isPermissionFault = (fsc: number): boolean => fsc >= 0x0c && fsc <= 0x0f;
export const isAccessFault = (fsc: number): boolean => fsc >= 0x08 && fsc <= 0x0b;
export const kvm_vcpu_dabt_isvalid = (v: VcpuState): boolean => (v.fault.esr & ESR_ELx_ISV) !== 0n;
export const kvm_vcpu_dabt_iswrite = (v: VcpuState): boolean => (v.fault.esr & ESR_ELx_WNR) !== 0n;
export const kvm_vcpu_dabt_get_rd = (v: VcpuState): number =>
  Number((v.fault.esr >> ESR_ELx_SRT_SHIFT) & 0x1fn);
export const kvm_vcpu_dabt_get_as = (v: VcpuState): number =>
  1 << Number((v.fault.esr >> ESR_ELx_SAS_SHIFT) & 3n);

/** kvm_vcpu_get_fault_ipa(): HPFAR_EL2.FIPA << 8 (the NS "valid" bit is dropped). */
export const kvm_vcpu_get_fault_ipa = (v: VcpuState): Ipa =>
  asIpa((v.fault.hpfar & 0x0000_ffff_ffff_fff0n) << 8n);

/**
 * kvm_is_write_fault(): true for an S1PTW permission fault, otherwise the WnR bit of a data
 * abort [@linux-kvm_emulate.h:480-502]. With WnR hidden by the RMM it is false.
 */
export function kvm_is_write_fault(v: VcpuState): boolean {
  const esr = v.fault.esr;
  if ((esr & ESR_ELx_S1PTW) !== 0n && isPermissionFault(esrFsc(esr))) return true;
  return (esr & ESR_ELx_WNR) !== 0n;
}

/** shared_ipa_fault(kvm, fault_ipa): stripping the shared bit changed the address. */
export const shared_ipa_fault = (w: World, faultIpa: Ipa): boolean =>
  (kvm_gpa_from_fault(w.geom.ipaBits, faultIpa) as bigint) !== (faultIpa as bigint);

/** kvm_slot_has_gmem(memslot). */
export const kvm_slot_has_gmem = (m: Memslot): boolean => m.guestMemfd;

/**
 * mmu_invalidate_retry(kvm, mmu_seq): an invalidation is in progress, or one ended since `mmu_seq`
 * was sampled (mmu_invalidate_seq moved on).
 */
export function mmu_invalidate_retry(w: World, mmuSeq: number): boolean {
  return callT(
    w,
    'mmu_invalidate_retry',
    {
      mmu_seq: mmuSeq,
      mmu_invalidate_seq: w.kvm.mmuInvalidateSeq,
      mmu_invalidate_in_progress: w.kvm.mmuInvalidateInProgress,
    },
    () => w.kvm.mmuInvalidateInProgress > 0 || w.kvm.mmuInvalidateSeq !== mmuSeq,
    String,
  );
}

/**
 * A fault window (scenario/types.ts WindowPoint): the fault does not hold kvm->mmu_lock here (it takes it only in kvm_fault_lock()), so other actors —
 * the scenario's `interleave` blocks, or the explorer's choices — may run.
 */
function faultWindow(w: World, point: WindowPoint): void {
  const hook = w.hooks.window;
  if (hook !== null) hook(point);
}

/**
 * topup_mmu_memcache(vcpu, memcache): fill the vCPU's page cache to kvm_mmu_cache_min_pages()
 * (stage-2 levels - 1). Returns 0 or -ENOMEM.
 */
export function topup_mmu_memcache(w: World, vcpu: VcpuState): number {
  return call(w, 'topup_mmu_memcache', {}, () => kvm_mmu_topup_memory_cache(w, vcpu));
}

/** kvm_gmem_get_pfn(kvm, slot, gfn, &pfn, …): the guest_memfd page for `gfn`, allocated on first use. */
function kvm_gmem_get_pfn(w: World, gfn: bigint, out: { pfn: Pfn }): number {
  return call(w, 'kvm_gmem_get_pfn', { gfn }, () => {
    const cached = w.kvm.gmem.get(Number(gfn));
    let p: bigint;
    if (cached === undefined) {
      p = allocPages(w, 1n, 'gmem');
      w.kvm.gmem.set(Number(gfn), Number(p));
      const allocated = p;
      decide(w, 'kvm_gmem_get_pfn', () => `allocated guest_memfd page PFN ${hex(allocated)}`);
    } else p = BigInt(cached);
    out.pfn = asPfn(p);
    return 0;
  });
}

export interface S2FaultDesc {
  readonly vcpu: VcpuState;
  /** The fault IPA as HPFAR gives it: shared bit kept [@v14-mmu.c:2482]. */
  readonly fault_ipa: Ipa;
  readonly memslot: Memslot;
  readonly hva: bigint;
  readonly write: boolean;
  readonly perm: boolean;
}

/**
 * gmem_abort(s2fd): a fault on the private alias of a guest_memfd memslot. For a realm, first the
 * attribute check: a private-alias fault on a GFN whose attribute is shared (or the reverse, which
 * cannot reach here) fills a KVM_EXIT_MEMORY_FAULT for the GPA and returns -EFAULT
 * [@v14-mmu.c:1659-1680]. Then the memcache top-up, the mmu_seq sample, kvm_gmem_get_pfn() (a
 * failure fills a memory-fault exit without the private flag and returns its error), and under
 * the fault lock realm_map_ipa(fault_ipa, pfn, PAGE_SIZE, R|W) [@v14-mmu.c:1726-1729]; an
 * invalidation since the sample gives -EAGAIN, returned as 0. Post-v14 is the same code
 * [@post-v14-lp-mmu.c:1620-1721]. Gavin Shan's simpler form of the check, "private fault on a
 * shared GFN" [@v14-29-shan-0605c], which Steven Price agreed to [@v14-29-price-0608b], is
 * equivalent here and not in the code that was found.
 */
export function gmem_abort(w: World, s2fd: S2FaultDesc): number {
  return call(w, 'gmem_abort', { fault_ipa: s2fd.fault_ipa }, () => {
    const vcpu = s2fd.vcpu;
    const g: Gpa = kvm_gpa_from_fault(w.geom.ipaBits, s2fd.fault_ipa);
    // The gmemAttributeCheckAfterMmuSeq toggle: the sample first, in x86's order.
    const sampleFirst = w.toggles.gmemAttributeCheckAfterMmuSeq;
    let mmuSeq = 0;
    if (sampleFirst) {
      faultWindow(w, 'before_mmu_seq');
      mmuSeq = w.kvm.mmuInvalidateSeq;
      decide(w, 'gmem_abort', 'gmemAttributeCheckAfterMmuSeq: mmu_seq is sampled before the attribute check');
      faultWindow(w, 'after_mmu_seq');
    }
    const isPrivGfn = kvm_mem_is_private(w, g >> 12n);
    const isPrivFault = (g as bigint) === (s2fd.fault_ipa as bigint);
    const skipCheck = isPrivGfn !== isPrivFault && w.mutations.has('gmem-abort-no-attribute-check');
    if (skipCheck)
      decide(w, 'gmem_abort', 'mutation gmem-abort-no-attribute-check: the attribute check is skipped');
    if (isPrivGfn !== isPrivFault && !skipCheck) {
      decide(w, 'gmem_abort', `attribute mismatch: is_priv_gfn=${isPrivGfn} is_priv_fault=${isPrivFault}`);
      kvm_prepare_memory_fault_exit(w, vcpu, g, PAGE_SIZE, kvm_is_write_fault(vcpu), false, isPrivFault);
      return EFAULT;
    }
    let ret = topup_mmu_memcache(w, vcpu);
    if (ret !== 0) return ret;
    const gfn = g >> 12n;
    const late = !sampleFirst && w.mutations.has('mmu-seq-after-lookup');
    if (late)
      decide(w, 'gmem_abort', 'mutation mmu-seq-after-lookup: mmu_seq is sampled after kvm_gmem_get_pfn()');
    if (!sampleFirst) {
      faultWindow(w, 'before_mmu_seq');
      if (!late) {
        mmuSeq = w.kvm.mmuInvalidateSeq;
        faultWindow(w, 'after_mmu_seq');
      }
    }
    const out = { pfn: asPfn(0n) };
    ret = kvm_gmem_get_pfn(w, gfn, out);
    if (ret !== 0) {
      kvm_prepare_memory_fault_exit(w, vcpu, g, PAGE_SIZE, s2fd.write, false, false);
      return ret;
    }
    faultWindow(w, 'after_page_lookup');
    if (late) {
      mmuSeq = w.kvm.mmuInvalidateSeq;
      faultWindow(w, 'after_mmu_seq');
    }
    const noRetry = w.mutations.has('skip-mmu-invalidate-retry');
    if (noRetry)
      decide(w, 'gmem_abort', 'mutation skip-mmu-invalidate-retry: mmu_invalidate_retry() is not checked');
    if (!noRetry && mmu_invalidate_retry(w, mmuSeq)) ret = EAGAIN;
    else
      ret = realm_map_ipa(
        w,
        s2fd.fault_ipa,
        out.pfn,
        PAGE_SIZE,
        KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_W,
        vcpu.memcache,
      );
    return ret !== EAGAIN ? ret : 0;
  });
}

interface S2VmaInfo {
  vma_pagesize: bigint;
  gfn: bigint;
  mmu_seq: number;
  pfn: Pfn;
  map_writable: boolean;
}

/** fault_supports_stage2_huge_mapping(memslot, hva, map_size): GPA/HVA congruent and the block inside the slot. */
function fault_supports_stage2_huge_mapping(m: Memslot, hva: bigint, mapSize: bigint): boolean {
  if (((m.gpa - m.hva) & (mapSize - 1n)) !== 0n) return false;
  const start = hva & ~(mapSize - 1n);
  return start >= m.hva && start + mapSize <= m.hva + m.size;
}

/**
 * kvm_s2_fault_get_vma_info(s2fd, s2vi): vma_pagesize (PMD for hugetlbfs when the block fits,
 * PAGE_SIZE for anonymous and THP memory), gfn = kvm_gpa_from_fault(ALIGN_DOWN(fault_ipa,
 * vma_pagesize)) >> PAGE_SHIFT (the patch-29 change [@v14-mmu.c:1922]), and the mmu_seq sample
 * [@linux-mmu.c:1821-1862].
 */
function kvm_s2_fault_get_vma_info(w: World, s2fd: S2FaultDesc, s2vi: S2VmaInfo): number {
  return call(w, 'kvm_s2_fault_get_vma_info', { fault_ipa: s2fd.fault_ipa, hva: s2fd.hva }, () => {
    s2vi.vma_pagesize =
      s2fd.memslot.backing === 'hugetlb-2m' &&
      fault_supports_stage2_huge_mapping(s2fd.memslot, s2fd.hva, PMD_SIZE)
        ? PMD_SIZE
        : PAGE_SIZE;
    s2vi.gfn = kvm_gpa_from_fault(w.geom.ipaBits, asIpa(s2fd.fault_ipa & ~(s2vi.vma_pagesize - 1n))) >> 12n;
    if (!w.mutations.has('mmu-seq-after-lookup')) s2vi.mmu_seq = w.kvm.mmuInvalidateSeq;
    decide(
      w,
      'kvm_s2_fault_get_vma_info',
      () => `vma_pagesize ${hex(s2vi.vma_pagesize)}, gfn ${hex(s2vi.gfn)}`,
    );
    return 0;
  });
}

/**
 * __kvm_faultin_pfn(memslot, gfn, FOLL_WRITE?, &map_writable, &page): GUP on the VMM's mapping.
 * A read on untouched MAP_PRIVATE memory yields the shared zero page, not writable; FOLL_WRITE
 * breaks copy-on-write [@linux-kvm_main.c:3049-3068; @linux-memory.c:3853-4002]. Returns the PFN.
 */
function __kvm_faultin_pfn(w: World, m: Memslot, gfn: bigint, write: boolean, s2vi: S2VmaInfo): Pfn {
  return callT(
    w,
    '__kvm_faultin_pfn',
    { gfn, flags: write ? 'FOLL_WRITE' : '0' },
    () => {
      const pte = handleHostFault(w, gfnToHva(m, gfn), write);
      s2vi.map_writable = pte.writable;
      if (pte.pfn === w.host.zeroPfn)
        decide(w, '__kvm_faultin_pfn', 'GUP returned the shared zero page (map_writable = false)');
      return asPfn(pte.pfn);
    },
    (p) => `pfn ${hex(p)}${s2vi.map_writable ? '' : ' (!map_writable)'}`,
  );
}

/** kvm_s2_fault_pin_pfn(s2fd, s2vi): vma info, then the PFN [@linux-mmu.c:1876-1936]. */
function kvm_s2_fault_pin_pfn(w: World, s2fd: S2FaultDesc, s2vi: S2VmaInfo): number {
  return call(w, 'kvm_s2_fault_pin_pfn', {}, () => {
    const ret = kvm_s2_fault_get_vma_info(w, s2fd, s2vi);
    if (ret !== 0) return ret;
    const late = w.mutations.has('mmu-seq-after-lookup');
    if (late)
      decide(
        w,
        'kvm_s2_fault_pin_pfn',
        'mutation mmu-seq-after-lookup: mmu_seq is sampled after __kvm_faultin_pfn()',
      );
    if (!late) faultWindow(w, 'after_mmu_seq');
    s2vi.pfn = __kvm_faultin_pfn(w, s2fd.memslot, s2vi.gfn, s2fd.write, s2vi);
    faultWindow(w, 'after_page_lookup');
    if (late) {
      s2vi.mmu_seq = w.kvm.mmuInvalidateSeq;
      faultWindow(w, 'after_mmu_seq');
    }
    return 0;
  });
}

/**
 * kvm_s2_fault_compute_prot(s2fd, s2vi): R; W when the host mapping is writable (map_writable)
 * and the memslot is not dirty-logged, or the fault is a write; X for an exec fault, or for
 * cacheable memory on a CPU with ARM64_HAS_CACHE_DIC [@linux-mmu.c:1938-1987] (mainline, which v14
 * does not change). The model has no dirty logging and assumes CACHE_DIC, consistent with the
 * seed's prot=0xf [@v14-29-shan-0625]. With the `forceSharedWrite` toggle W is forced for
 * shared-space faults, Gavin Shan's local change [@v14-29-shan-0626a]. Returns prot.
 */
function kvm_s2_fault_compute_prot(w: World, s2fd: S2FaultDesc, s2vi: S2VmaInfo): number {
  return callT(
    w,
    'kvm_s2_fault_compute_prot',
    { map_writable: s2vi.map_writable, write_fault: s2fd.write },
    () => {
      let prot = KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_X;
      if (s2vi.map_writable) prot |= KVM_PGTABLE_PROT_W;
      if (
        w.toggles.forceSharedWrite &&
        shared_ipa_fault(w, s2fd.fault_ipa) &&
        (prot & KVM_PGTABLE_PROT_W) === 0
      ) {
        decide(
          w,
          'kvm_s2_fault_compute_prot',
          'forceSharedWrite: W forced for a shared-space fault (local change)',
        );
        prot |= KVM_PGTABLE_PROT_W;
      }
      return prot;
    },
    (p) => hex(p),
  );
}

/**
 * transparent_hugepage_adjust(kvm, memslot, hva, &pfn, &gfn): when GPA/HVA are congruent mod
 * 2 MiB, the block fits in the slot and the VMM maps a huge page there, align gfn and pfn down to
 * 2 MiB and return PMD_SIZE; else PAGE_SIZE [@linux-mmu.c:1402-1433].
 */
function transparent_hugepage_adjust(w: World, m: Memslot, hva: bigint, s2vi: S2VmaInfo): bigint {
  return callT(
    w,
    'transparent_hugepage_adjust',
    { hva, pfn: s2vi.pfn, gfn: s2vi.gfn },
    () => {
      if (fault_supports_stage2_huge_mapping(m, hva, PMD_SIZE) && getUserMappingSize(w, hva) >= PMD_SIZE) {
        s2vi.gfn &= ~0x1ffn;
        s2vi.pfn = asPfn(s2vi.pfn & ~0x1ffn);
        return PMD_SIZE;
      }
      return PAGE_SIZE;
    },
    (v) => hex(v),
  );
}

/** kvm_vcpu_trap_get_perm_fault_granule(vcpu): the size of the level a permission fault is at. */
const permFaultGranule = (esr: bigint): bigint => levelSize(Number(esr & 3n));

/**
 * kvm_s2_fault_map(s2fd, s2vi, prot): under the fault lock, an invalidation since the mmu_seq
 * sample gives -EAGAIN (returned as 0). For a PAGE_SIZE mapping of cacheable memory, a permission
 * fault larger than a page maps at its granule, otherwise transparent_hugepage_adjust() may raise
 * the mapping to a 2 MiB block (aligning gfn and pfn) [@linux-mmu.c:1989-2075]. Then:
 * - v14: a permission fault whose granule equals the mapping size relaxes the permissions of
 *   KVM's own stage-2 table (kvm_pgtable_stage2_relax_perms), before the realm branch
 *   [@v14-mmu.c:2124-2134]. For a realm that table is not in use (its root is delegated to the RMM),
 *   so this would fault in the host; no v14 mapping is read-only, so the model never gets here and
 *   treats it as impossible. Otherwise realm_map_ipa(fault_ipa, pfn, mapping_size, prot), with the
 *   unaligned, unstripped fault IPA.
 * - post-v14: the realm branch comes first, so a permission fault maps again through
 *   realm_map_ipa() [@post-v14-lp-mmu.c:2095-2110].
 */
function kvm_s2_fault_map(w: World, s2fd: S2FaultDesc, s2vi: S2VmaInfo, prot: number): number {
  return call(
    w,
    'kvm_s2_fault_map',
    () => ({ prot: hex(prot) }),
    () => {
      const noRetry = w.mutations.has('skip-mmu-invalidate-retry');
      if (noRetry)
        decide(
          w,
          'kvm_s2_fault_map',
          'mutation skip-mmu-invalidate-retry: mmu_invalidate_retry() is not checked',
        );
      if (!noRetry && mmu_invalidate_retry(w, s2vi.mmu_seq)) return 0;
      let mappingSize = s2vi.vma_pagesize;
      const granule = s2fd.perm ? permFaultGranule(s2fd.vcpu.fault.esr) : 0n;
      if (mappingSize === PAGE_SIZE) {
        if (granule > PAGE_SIZE) mappingSize = granule;
        else mappingSize = transparent_hugepage_adjust(w, s2fd.memslot, s2fd.hva, s2vi);
      }
      if (w.variant === 'v14' && mappingSize === granule)
        throw modelBroken(
          'v14: a realm permission fault reached the kvm_pgtable_stage2_relax_perms() branch of kvm_s2_fault_map(); v14 maps nothing read-only',
        );
      const ret = realm_map_ipa(w, s2fd.fault_ipa, s2vi.pfn, mappingSize, prot, s2fd.vcpu.memcache);
      return ret !== EAGAIN ? ret : 0;
    },
  );
}

/**
 * user_mem_abort(s2fd): the shared path and non-gmem memslots [@linux-mmu.c:2077-2114]: memcache top-up unless
 * a permission fault, pin the PFN, compute prot, map. With the `nonGmemPrivateGuard` toggle a
 * protected-IPA fault on a memslot without guest_memfd returns -EINVAL as v12 did [@v12-24];
 * neither v14 nor the post-v14 mmu.c has that guard [@post-v14-lp-mmu.c:2459]. Returns 0 or a
 * negative errno (or a positive RMI status, v14).
 */
export function user_mem_abort(w: World, s2fd: S2FaultDesc): number {
  return call(w, 'user_mem_abort', { fault_ipa: s2fd.fault_ipa, write_fault: s2fd.write }, () => {
    if (w.toggles.nonGmemPrivateGuard && !shared_ipa_fault(w, s2fd.fault_ipa)) {
      decide(w, 'user_mem_abort', 'protected IPA on a memslot without guest_memfd: -EINVAL (v12 guard)');
      return EINVAL;
    }
    if (!s2fd.perm) {
      const ret = topup_mmu_memcache(w, s2fd.vcpu);
      if (ret !== 0) return ret;
    }
    faultWindow(w, 'before_mmu_seq');
    const s2vi: S2VmaInfo = {
      vma_pagesize: PAGE_SIZE,
      gfn: 0n,
      mmu_seq: 0,
      pfn: asPfn(0n),
      map_writable: false,
    };
    const ret = kvm_s2_fault_pin_pfn(w, s2fd, s2vi);
    if (ret !== 0) return ret;
    const prot = kvm_s2_fault_compute_prot(w, s2fd, s2vi);
    return kvm_s2_fault_map(w, s2fd, s2vi, prot);
  });
}

/**
 * io_mem_abort(vcpu, fault_ipa): MMIO emulation. For a REC without a valid syndrome it injects an
 * SEA (REC_ENTER_FLAG_INJECT_SEA) and returns 1 [@v14-mmio.c:178-185; @v14-inject_fault.c:229-233]; otherwise it fills
 * run->mmio and returns 0 (KVM_EXIT_MMIO).
 */
export function io_mem_abort(w: World, vcpu: VcpuState, g: Gpa): number {
  return call(w, 'io_mem_abort', { fault_ipa: g }, () => {
    if (!kvm_vcpu_dabt_isvalid(vcpu)) {
      decide(w, 'io_mem_abort', 'no valid syndrome: kvm_inject_sea_dabt() → REC_ENTER_FLAG_INJECT_SEA');
      const rec = w.rmm.recs.get(vcpu.id);
      if (rec !== undefined) rec.enterFlags |= REC_ENTER_FLAG_INJECT_SEA;
      return 1;
    }
    const isWrite = kvm_vcpu_dabt_iswrite(vcpu);
    const len = kvm_vcpu_dabt_get_as(vcpu);
    const rt = kvm_vcpu_dabt_get_rd(vcpu);
    const mask = len === 8 ? 0xffff_ffff_ffff_ffffn : (1n << BigInt(8 * len)) - 1n;
    const data = isWrite ? (vcpu.regs.get(rt) ?? 0n) & mask : 0n;
    vcpu.run.exitReason = 'KVM_EXIT_MMIO';
    vcpu.run.mmio = { physAddr: g, len, isWrite, data };
    vcpu.mmioReadPending = isWrite ? null : { srt: rt, len };
    return 0;
  });
}

/**
 * kvm_handle_guest_abort(vcpu): the stage-2 abort handler [@linux-mmu.c:2220-2405], as v14 patch 29
 * changes it for realms [@v14-mmu.c:2299-2482]. An FSC other than a translation, permission or
 * access-flag fault (or an exclusive/atomic one) → -EFAULT ("Unsupported FSC"). The memslot is
 * found with the shared bit stripped (kvm_gpa_from_fault()); no memslot → MMIO: io_mem_abort() on
 * the stripped IPA with FAR's page offset. An access-flag fault goes to handle_access_fault() on
 * KVM's own table, which a realm does not use (the RMM does not report them; the model returns 1).
 * A permission fault that is neither a write nor an exec fault hits VM_WARN_ON_ONCE. Then a
 * guest_memfd memslot and a private-alias fault → gmem_abort(), anything else → user_mem_abort().
 * A 0 from them becomes 1 (resume the guest).
 */
export function kvm_handle_guest_abort(w: World, vcpu: VcpuState): number {
  const esr = vcpu.fault.esr;
  const faultIpa = kvm_vcpu_get_fault_ipa(vcpu);
  let handler: FaultHandler = 'none';
  const ret = call(w, 'kvm_handle_guest_abort', { fault_ipa: faultIpa, esr }, () => {
    const fn = 'kvm_handle_guest_abort';
    const fsc = esrFsc(esr);
    if (!isTranslationFault(fsc) && !isPermissionFault(fsc) && !isAccessFault(fsc)) {
      decide(w, fn, `Unsupported FSC ${hex(fsc)}: -EFAULT`);
      return EFAULT;
    }
    const g = kvm_gpa_from_fault(w.geom.ipaBits, faultIpa);
    const gfn = g >> 12n;
    const memslot = memslotForGfn(w, gfn);
    const write = kvm_is_write_fault(vcpu);
    if (memslot === undefined) {
      handler = 'io_mem_abort';
      decide(w, fn, `no memslot for gfn ${hex(gfn)}: MMIO`);
      const withOffset = asIpa(faultIpa | (vcpu.fault.far & 0xfffn));
      return io_mem_abort(w, vcpu, kvm_gpa_from_fault(w.geom.ipaBits, withOffset));
    }
    if (isAccessFault(fsc)) {
      decide(
        w,
        fn,
        "access flag fault: handle_access_fault() on KVM's own stage-2 table, which a realm does not use",
      );
      return 1;
    }
    const perm = isPermissionFault(fsc);
    if (perm && !write)
      WARN_ON_ONCE(
        w,
        fn,
        'kvm_vcpu_trap_is_permission_fault(vcpu) && !write_fault && !exec_fault',
        'VM_WARN_ON_ONCE',
      );
    const s2fd: S2FaultDesc = {
      vcpu,
      fault_ipa: faultIpa,
      memslot,
      hva: gfnToHva(memslot, gfn),
      write,
      perm,
    };
    let r: number;
    if (kvm_slot_has_gmem(memslot) && !shared_ipa_fault(w, faultIpa)) {
      handler = 'gmem_abort';
      r = gmem_abort(w, s2fd);
    } else {
      handler = 'user_mem_abort';
      r = user_mem_abort(w, s2fd);
    }
    return r === 0 ? 1 : r;
  });
  w.t.acc.faults.push({ ipa: faultIpa, esr, handler, ret });
  return ret;
}
