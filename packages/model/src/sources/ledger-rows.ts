/**
 * The rows of the verification ledger (src/sources/ledger.ts), one per function, RMI command and
 * RSI call, in the order of the fault path. Line numbers: v14 from the v14 tree (cca-host/v14,
 * computed from the patches), post-v14 from gwshan/linux 0242b60a (rmi.c) and lpieralisi/linux
 * 241a866f (mmu.c), mainline from Linux v7.1.8, TF-RMM from 9a7f8ef4, QEMU from ece40881.
 */
import type { CodeRef } from './types.js';
import type { LedgerRow } from './ledger.js';

const at = (source: string, from: number, to: number = from): CodeRef => ({ source, lines: { from, to } });

/** The VMM run loop and KVM_RUN. */
const RUN: readonly LedgerRow[] = [
  {
    name: 'kvm_cpu_exec',
    kind: 'vmm',
    other: at('qemu-kvm-all.c', 3154, 3344),
    status: 'checked',
    omits:
      'Every exit reason but KVM_EXIT_MMIO, KVM_EXIT_MEMORY_FAULT and KVM_EXIT_SHUTDOWN; signals, dirty rings, the iothread lock.',
    notes:
      'KVM_RUN failing with -EAGAIN is run again; -EFAULT with a memory-fault exit goes to kvm_convert_memory(); -EFAULT without one, or any other error, stops the vCPU [@qemu-kvm-all.c:3213-3232]. The model calls this loop vmmRunVcpu().',
  },
  {
    name: 'kvm_arch_vcpu_ioctl_run',
    kind: 'kernel',
    v14: at('v14-arm.c', 1341, 1488),
    status: 'checked',
    omits:
      'Signals, pending requests other than the ones below, vGIC and timer sync, the IRQ exit window, PMU; only the REC branches patch 22 adds are modelled [@v14-arm.c:1341-1342; @v14-arm.c:1391-1394; @v14-arm.c:1485-1488].',
    notes:
      'The arm.c line numbers are computed from the v14 hunk headers. No post-v14 arm.c was read; both variants use the v14 loop.',
  },
  {
    name: 'kvm_handle_mmio_return',
    kind: 'kernel',
    v14: at('v14-mmio.c', 143, 156),
    other: at('linux-mmio.c', 108, 151),
    status: 'checked',
    omits: 'Sign extension and data-size masking of the value, which TF-RMM does when it completes the load.',
    notes:
      'The REC completion (read data into enter.gprs[0], REC_ENTER_FLAG_EMULATED_MMIO instead of kvm_incr_pc()) is in this function, not in kvm_rec_pre_enter() [@v14-mmio.c:143-146; @v14-mmio.c:153-156].',
  },
  {
    name: 'kvm_rec_pre_enter',
    kind: 'kernel',
    v14: at('v14-rmi.c', 1144, 1165),
    postV14: at('post-v14-lp-rmi.c', 1178, 1199),
    status: 'checked',
    omits: 'Completion of RMI_EXIT_HOST_CALL and RMI_EXIT_PSCI.',
    notes:
      'Returns -EINVAL when the realm is not REALM_STATE_ACTIVE [@v14-rmi.c:1148-1149]. The later gwshan tree replaces it with kvm_rec_handle_request() and KVM_REQ_RMI [@post-v14-gw-rmi.c:1226-1254]; the post-v14 variant keeps the lpieralisi form.',
  },
  {
    name: 'kvm_rec_enter',
    kind: 'kernel',
    v14: at('v14-rmi.c', 1167, 1178),
    postV14: at('post-v14-gw-rmi.c', 1319, 1338),
    status: 'checked',
    omits: 'guest_state_enter_irqoff()/guest_state_exit_irqoff(), DAIF masking, timer state.',
    notes: 'The model enters the RMM directly from the run loop; kvm_rec_enter() does no state check.',
  },
  {
    name: 'RMI_REC_ENTER',
    kind: 'rmi',
    v14: at('v14-rmi_cmds.h', 468, 475),
    tfRmm: at('tf-rmm-run.c', 368, 619),
    status: 'checked',
    omits:
      'vGIC state, PSCI completion, host calls, planes, S2AP and device-memory responses, WFI/WFE trapping; the exit record fields other than exit reason, ESR, FAR, HPFAR, gprs[0] and the RIPAS range.',
    notes:
      'A realm that is not ACTIVE gives RMI_ERROR_REALM [@tf-rmm-run.c:447-454]; REC_ENTRY_FLAG_EMUL_MMIO after an exit that was not an emulatable data abort gives RMI_ERROR_REC [@tf-rmm-run.c:499-502]. The exit record is zeroed on every entry [@tf-rmm-run.c:385-390].',
  },
  {
    name: 'handle_rec_exit',
    kind: 'kernel',
    v14: at('v14-rmi-exit.c', 148, 215),
    status: 'checked',
    omits: 'Timers, PMU overflow, RMI_EXIT_IRQ/FIQ/SERROR/PSCI/HOST_CALL/S2AP_CHANGE handling.',
    notes:
      'REC_ENTER failures return before anything is copied: RMI_ERROR_REALM → KVM_EXIT_SHUTDOWN and 0, RMI_ERROR_REC → -EAGAIN, anything else → -ENXIO [@v14-rmi-exit.c:166-179]. ESR and FAR are copied for every exit reason; HPFAR is 0 unless RMI_EXIT_SYNC, where the NS bit is set as a "valid" flag [@v14-rmi-exit.c:181-197]. No post-v14 rmi-exit.c of the same tree was found (the gwshan tree at another commit replaces this with kvm_rec_exit() [@post-v14-gw-0acb-rmi-exit.c:109-178]); both variants use v14.',
  },
  {
    name: 'rec_exit_sync_dabt',
    kind: 'kernel',
    v14: at('v14-rmi-exit.c', 26, 43),
    status: 'checked',
    omits: '',
    notes:
      'For an emulatable write (ISV and WnR set) the store data in exit.gprs[0] goes to the transfer register before kvm_handle_guest_abort() [@v14-rmi-exit.c:38-40].',
  },
  {
    name: 'rec_exit_ripas_change',
    kind: 'kernel',
    v14: at('v14-rmi-exit.c', 90, 117),
    status: 'checked',
    omits: '',
    notes:
      'A range with base or top − 1 outside the protected half is refused (REC_ENTER_FLAG_RIPAS_RESPONSE, -EINVAL); otherwise a KVM_EXIT_MEMORY_FAULT for [base, top) and -EFAULT. TF-RMM already refuses such a range at the RSI call [@tf-rmm-rsi-memory.c:33-40], so this branch is reached only with another RMM.',
  },
];

/** The stage-2 abort handler and its two paths (arch/arm64/kvm/mmu.c). */
const MMU: readonly LedgerRow[] = [
  {
    name: 'kvm_handle_guest_abort',
    kind: 'kernel',
    v14: at('v14-mmu.c', 2299, 2482),
    postV14: at('post-v14-lp-mmu.c', 2287, 2473),
    other: at('linux-mmu.c', 2220, 2405),
    status: 'checked',
    omits:
      'SEA and nested (NV) handling, instruction aborts, pKVM, the IPA-size check, dirty logging; handle_access_fault() acts on KVM\u2019s own table, which a realm does not use, and the model returns 1 for an access-flag fault.',
    notes:
      'Memslot lookup and MMIO use the shared-bit-stripped IPA [@v14-mmu.c:2409; @v14-mmu.c:2454]; a guest_memfd memslot reached through its private alias goes to gmem_abort(), everything else to user_mem_abort() [@v14-mmu.c:2482]. A permission fault that is neither a write nor an exec fault hits VM_WARN_ON_ONCE and continues [@post-v14-lp-mmu.c:2455-2457].',
  },
  {
    name: 'kvm_is_write_fault',
    kind: 'kernel',
    other: at('linux-kvm_emulate.h', 480, 502),
    status: 'checked',
    omits: 'Instruction aborts (never a write).',
    notes:
      'Unchanged by v14 and after: the WnR bit the RMM reports decides, so a masked WnR makes every data abort a read.',
  },
  {
    name: 'shared_ipa_fault',
    kind: 'kernel',
    v14: at('v14-mmu.c', 2292, 2297),
    postV14: at('post-v14-lp-mmu.c', 2269, 2274),
    status: 'checked',
    omits: '',
  },
  {
    name: 'gmem_abort',
    kind: 'kernel',
    v14: at('v14-mmu.c', 1645, 1739),
    postV14: at('post-v14-lp-mmu.c', 1620, 1721),
    other: at('linux-mmu.c', 1581, 1664),
    status: 'checked',
    omits: 'Nested translation, exec faults, dirty marking, the read-only memslot case.',
    notes:
      'Realms always map one page read-write, whatever prot was computed [@v14-mmu.c:1726-1729]. The attribute check tests both directions, but only "private alias, shared attribute" can reach it [@v14-29-shan-0605c]. A kvm_gmem_get_pfn() failure fills a memory-fault exit without the private flag and returns the error as is [@post-v14-lp-mmu.c:1679-1683]. Linux v7.1.8 has a later gmem_abort() fix for permission faults that v14 does not have.',
  },
  {
    name: 'kvm_gmem_get_pfn',
    kind: 'kernel',
    other: at('linux-guest_memfd.c', 788, 819),
    status: 'inferred',
    omits: 'Folio sizes other than 4 KiB, preparation hooks, hwpoison; a page is allocated on first use.',
    notes:
      'Modelled as "the guest_memfd page for this GFN"; errors are not modelled except a punched hole, which allocates again.',
  },
  {
    name: 'kvm_prepare_memory_fault_exit',
    kind: 'kernel',
    other: at('linux-kvm_host.h', 2513, 2526),
    status: 'checked',
    omits: '',
  },
  {
    name: 'user_mem_abort',
    kind: 'kernel',
    v14: at('linux-mmu.c', 2077, 2114),
    postV14: at('post-v14-lp-mmu.c', 2137, 2174),
    status: 'checked',
    omits: 'Nested and dirty-logging cases.',
    notes:
      'v14 does not change it (v14\u2019s base has the same text as the mainline rework [@linux-64f2fa63]). The memcache is topped up only for a fault that is not a permission fault. Neither version checks the memory attributes of a shared-alias fault.',
  },
  {
    name: 'kvm_s2_fault_get_vma_info',
    kind: 'kernel',
    v14: at('v14-mmu.c', 1922),
    postV14: at('post-v14-lp-mmu.c', 1878, 1919),
    other: at('linux-mmu.c', 1821, 1862),
    status: 'checked',
    omits: 'MTE, VM_PFNMAP/VM_IO, cacheability of the VMA (all memory is normal, cacheable RAM).',
    notes:
      'v14 changes only the GFN: the fault IPA aligned down to the VMA size, with the shared bit stripped [@v14-mmu.c:1922].',
  },
  {
    name: '__kvm_faultin_pfn',
    kind: 'mm',
    other: at('linux-kvm_main.c', 3049, 3068),
    status: 'inferred',
    omits:
      'GUP itself: the model resolves the host PTE (allocating, or CoW on FOLL_WRITE through wp_page_copy()) instead of running get_user_pages().',
    notes:
      'A read of untouched MAP_PRIVATE memory gives the shared zero page, not writable; a FOLL_WRITE fault breaks CoW [@linux-memory.c:3853-4002].',
  },
  {
    name: 'kvm_s2_fault_pin_pfn',
    kind: 'kernel',
    v14: at('linux-mmu.c', 1876, 1936),
    postV14: at('post-v14-lp-mmu.c', 1933, 1993),
    status: 'checked',
    omits: 'HW-poison, PFNMAP/MIXEDMAP and device memory.',
    notes: 'FOLL_WRITE only when kvm_is_write_fault() [@post-v14-lp-mmu.c:1942-1944]; unchanged by v14.',
  },
  {
    name: 'kvm_s2_fault_compute_prot',
    kind: 'kernel',
    v14: at('linux-mmu.c', 1938, 1987),
    postV14: at('post-v14-lp-mmu.c', 1995, 2044),
    status: 'checked',
    omits:
      'Exclusive/atomic faults, MTE, NC/device memory, nested; the CPU is assumed to have CACHE_DIC (X on cacheable memory).',
    notes:
      'W iff the host mapping is writable and (no dirty logging, or a write fault) [@post-v14-lp-mmu.c:2017-2020]. Nothing realm-specific in either version; forcing W for the shared half is Gavin Shan\u2019s local change [@v14-29-shan-0626a], the `forceSharedWrite` toggle.',
  },
  {
    name: 'transparent_hugepage_adjust',
    kind: 'kernel',
    v14: at('linux-mmu.c', 1402, 1433),
    postV14: at('post-v14-lp-mmu.c', 1446, 1477),
    status: 'checked',
    omits: '',
    notes: 'Aligns gfn and pfn down to 2 MiB; never touches the fault IPA that realm_map_ipa() receives.',
  },
  {
    name: 'kvm_s2_fault_map',
    kind: 'kernel',
    v14: at('v14-mmu.c', 2124, 2134),
    postV14: at('post-v14-lp-mmu.c', 2046, 2135),
    other: at('linux-mmu.c', 1989, 2075),
    status: 'checked',
    omits: 'MTE sanitising, dirty marking, the non-realm map and relax paths.',
    notes:
      'v14 tests the permission-fault relax_perms branch before the realm branch [@v14-mmu.c:2129-2133], so a realm permission fault at the mapping size would relax KVM\u2019s unused table; no v14 realm mapping is read-only, so the model treats that branch as unreachable. Post-v14 tests the realm first [@post-v14-lp-mmu.c:2095-2110]. realm_map_ipa() gets the raw fault IPA (shared bit kept, not aligned to the mapping size).',
  },
  {
    name: 'topup_mmu_memcache',
    kind: 'kernel',
    other: at('linux-mmu.c', 1530, 1538),
    status: 'checked',
    omits: 'pKVM\u2019s hyp memcache.',
  },
  {
    name: 'kvm_mmu_topup_memory_cache',
    kind: 'kernel',
    other: at('linux-kvm_main.c', 364, 406),
    status: 'checked',
    omits: 'GFP flags; allocation never fails unless the scenario limits host memory.',
    notes: 'Minimum: kvm_mmu_cache_min_pages(), the stage-2 levels minus one.',
  },
  {
    name: 'kvm_mmu_memory_cache_alloc',
    kind: 'kernel',
    other: at('linux-kvm_main.c', 428, 438),
    status: 'checked',
    omits: '',
    notes: 'An empty cache WARNs and falls back to an atomic allocation.',
  },
  {
    name: 'mmu_invalidate_retry',
    kind: 'kernel',
    other: at('linux-kvm_host.h', 2125, 2145),
    status: 'checked',
    omits: '',
    notes: 'True while an invalidation is in progress or when mmu_invalidate_seq moved since the sample.',
  },
  {
    name: 'io_mem_abort',
    kind: 'kernel',
    v14: at('v14-mmio.c', 178, 185),
    other: at('linux-mmio.c', 153, 259),
    status: 'checked',
    omits: 'In-kernel MMIO devices (ioeventfd, vGIC), the KVM_CAP_ARM_NISV_TO_USER exit.',
    notes:
      'A REC abort without a valid syndrome gets an SEA (REC_ENTER_FLAG_INJECT_SEA through __kvm_inject_sea() [@v14-inject_fault.c:229-233]).',
  },
];

/** The realm mapping code (arch/arm64/kvm/rmi.c and arch/arm64/kernel/rmi.c). */
const MAP: readonly LedgerRow[] = [
  {
    name: 'realm_map_ipa',
    kind: 'kernel',
    v14: at('v14-mmu.c', 1549, 1570),
    postV14: at('post-v14-gw-rmi.c', 870, 890),
    status: 'checked',
    omits: '',
    notes:
      'v14: prot must have W in both halves (else WARN, -EFAULT), IPA aligned down to PAGE_SIZE only. Post-v14: -EBUSY unless ACTIVE, ALIGN_DOWN(ipa, map_size), read-only shared mappings allowed — the fixes for the read-fault and THP-alignment problems Gavin Shan raised [@v14-29-shan-0605a], which Lorenzo Pieralisi said were being worked on [@v14-29-pieralisi-0605a; @v14-29-pieralisi-0605b]; Suzuki K Poulose explains why MAP_PRIVATE memory must first be mapped read-only [@v14-29-poulose-0626a]. The intermediate lpieralisi tree still aligns to PAGE_SIZE [@post-v14-lp-rmi.c:873-895].',
  },
  {
    name: 'realm_map_protected',
    kind: 'kernel',
    v14: at('v14-rmi.c', 724, 790),
    postV14: at('post-v14-gw-rmi.c', 709, 783),
    status: 'checked',
    omits: '',
    notes:
      'A failed delegation returns 0: taken as another vCPU\u2019s race. Post-v14 maps only the delegated prefix and creates one RTT level per RMI_ERROR_RTT, as proposed in review [@v14-29-poulose-0608a; @v14-29-price-0608a; @v14-29-poulose-0608b].',
  },
  {
    name: 'realm_map_non_secure',
    kind: 'kernel',
    v14: at('v14-rmi.c', 792, 861),
    postV14: at('post-v14-gw-rmi.c', 785, 868),
    status: 'checked',
    omits: '',
    notes:
      'v14 returns the raw RMI return value (status and index), a positive number, after WARN [@v14-rmi.c:853-854]; kvm_handle_guest_abort() passes it up and the run loop treats it as "resume the guest". Post-v14 unmaps and retries when an entry already exists — "relaxing a permission" [@v14-29-poulose-0626b] — without a bound (the model reports a livelock); a second RMI_ERROR_RTT after creating RTTs falls through to out_top.',
  },
  {
    name: 'addr_range_desc',
    kind: 'kernel',
    v14: at('v14-rmi.c', 690, 722),
    postV14: at('post-v14-gw-rmi.c', 671, 707),
    status: 'checked',
    omits: '',
    notes:
      'v14 never sets the ST bit, so unprotected memory is described as DELEGATED; TF-RMM stopped checking ST for RMI_RTT_UNPROT_MAP [@tf-rmm-7626d97b].',
  },
  {
    name: 'find_map_level',
    kind: 'kernel',
    v14: at('v14-rmi.c', 68, 85),
    postV14: at('post-v14-gw-rmi.c', 41, 58),
    status: 'checked',
    omits: '',
  },
  {
    name: 'realm_create_rtt_levels',
    kind: 'kernel',
    v14: at('v14-rmi.c', 229, 259),
    postV14: at('post-v14-gw-rmi.c', 186, 221),
    status: 'checked',
    omits: '',
    notes:
      'RMI_ERROR_RTT with index level − 1 means the table already exists: the page is freed and creation goes on.',
  },
  {
    name: 'alloc_rtt',
    kind: 'kernel',
    v14: at('v14-rmi.c', 119, 151),
    postV14: at('post-v14-gw-rmi.c', 84, 116),
    status: 'checked',
    omits: 'Page-table page accounting.',
    notes:
      'alloc_delegated_granule(): from the memcache, or GFP_ATOMIC when there is none; a failed delegation frees the page.',
  },
  {
    name: 'free_rtt',
    kind: 'kernel',
    v14: at('v14-rmi.c', 153, 159),
    postV14: at('post-v14-gw-rmi.c', 118, 124),
    status: 'checked',
    omits: 'Page-table page accounting.',
    notes: 'Through free_delegated_page(): a failed undelegation leaks the page [@v14-kernel-rmi.c:80-90].',
  },
  {
    name: 'rmi_delegate_range',
    kind: 'kernel',
    v14: at('v14-kernel-rmi.c', 15, 30),
    postV14: at('post-v14-gw-fw-rmi.c', 30, 52),
    status: 'checked',
    omits: '',
    notes:
      'RMI_BUSY and RMI_BLOCKED are retried without a bound (the model stops after a fixed number of rounds and reports a livelock). Post-v14 also reports how far it got, as agreed in review of patch 28 [@v14-28-shan-0528; @v14-28-price-0608b].',
  },
  {
    name: 'rmi_undelegate_range',
    kind: 'kernel',
    v14: at('v14-kernel-rmi.c', 32, 49),
    status: 'checked',
    omits: '',
  },
  {
    name: 'RMI_GRANULE_RANGE_DELEGATE',
    kind: 'rmi',
    v14: at('v14-rmi_cmds.h', 266, 283),
    tfRmm: at('tf-rmm-granule.c', 110, 128),
    status: 'checked',
    omits: 'Device granules, granule tracking regions.',
    notes:
      'TF-RMM 9a7f8ef4 delegates exactly one granule per call (its "simplified" implementation) and returns X1 = the next address.',
  },
  {
    name: 'RMI_GRANULE_RANGE_UNDELEGATE',
    kind: 'rmi',
    tfRmm: at('tf-rmm-granule.c', 131, 149),
    status: 'checked',
    omits: 'Scrubbing (the model clears the page).',
  },
  {
    name: 'RMI_RTT_CREATE',
    kind: 'rmi',
    v14: at('v14-rmi_cmds.h', 489, 497),
    tfRmm: at('tf-rmm-rtt.c', 204, 512),
    status: 'checked',
    omits: 'LPA2 and device entries.',
  },
  {
    name: 'RMI_RTT_DATA_MAP',
    kind: 'rmi',
    v14: at('v14-rmi_cmds.h', 172, 193),
    tfRmm: at('tf-rmm-rtt_map.c', 576, 732),
    status: 'checked',
    omits: 'Descriptor lists (RMI_ADDR_TYPE_LIST), SRO context, auxiliary planes.',
    notes: 'The entry keeps its RIPAS: unassigned_empty becomes assigned_empty [@tf-rmm-rtt_map.c:405-408].',
  },
  {
    name: 'RMI_RTT_DATA_MAP_INIT',
    kind: 'rmi',
    v14: at('v14-rmi_cmds.h', 149, 159),
    tfRmm: at('tf-rmm-rtt_map.c', 740, 900),
    status: 'checked',
    omits:
      'Measurement of the contents, the RD-as-data check, RMI_BUSY for a slot with a pending drain; no modelled path calls it (the populate path, realm_data_map_init() [@v14-rmi.c:650-688], is not modelled).',
    notes:
      'Only for a NEW realm (RMI_ERROR_REALM otherwise); the entry must be unassigned, whatever its RIPAS, and becomes assigned_ram [@tf-rmm-rtt_map.c:822-827; @tf-rmm-rtt_map.c:877-879].',
  },
  {
    name: 'RMI_RTT_UNPROT_MAP',
    kind: 'rmi',
    v14: at('v14-rmi_cmds.h', 592, 610),
    tfRmm: at('tf-rmm-rtt_map.c', 1192, 1291),
    status: 'checked',
    omits: 'Descriptor lists, the indirect S2AP encoding.',
    notes:
      'An assigned_ns entry with exactly the same descriptor succeeds unchanged; any other live entry gives RMI_ERROR_RTT at its level [@tf-rmm-rtt_map.c:1145-1155].',
  },
];

/** Unmapping, folding and RIPAS. */
const UNMAP: readonly LedgerRow[] = [
  {
    name: 'kvm_unmap_gfn_range',
    kind: 'kernel',
    v14: at('v14-mmu.c', 2505, 2506),
    postV14: at('post-v14-lp-mmu.c', 2475, 2487),
    other: at('linux-mmu.c', 2407, 2418),
    status: 'checked',
    omits: 'Nested stage-2 unmapping.',
    notes:
      'v14 passes only_shared = !(attr_filter & KVM_FILTER_PRIVATE) to __unmap_stage2_range() [@v14-mmu.c:329-346].',
  },
  {
    name: 'kvm_realm_unmap_range',
    kind: 'kernel',
    v14: at('v14-rmi.c', 633, 648),
    postV14: at('post-v14-gw-rmi.c', 622, 627),
    status: 'checked',
    omits: '',
    notes:
      'v14 always unmaps the shared alias and the private range only with unmap_private; a private-only invalidation also unmaps shared mappings, by design [@v14-23-price-0605]. Post-v14 takes the filter instead, as Wei-Lin Chang suggested [@v14-23-chang-0527].',
  },
  {
    name: 'kvm_realm_unmap_range_filter',
    kind: 'kernel',
    postV14: at('post-v14-gw-rmi.c', 604, 620),
    status: 'inferred',
    omits: '',
    notes:
      'The function was read; that the post-v14 mmu.c calls it with the notifier\u2019s filter is inferred: no post-v14 mmu.c with that call was found.',
  },
  {
    name: 'realm_unmap_shared_range',
    kind: 'kernel',
    v14: at('v14-rmi.c', 419, 469),
    postV14: at('post-v14-gw-rmi.c', 412, 475),
    status: 'checked',
    omits: 'cond_resched_rwlock_write().',
    notes:
      'v14 ORs the shared bit into start and end [@v14-rmi.c:429-430]: for a range ending exactly at the shared bit (a range reaching the top of the protected half, as kvm_realm_unmap_range() clips it) the end is unchanged and nothing is unmapped. Post-v14 adds the bit only to a range below it and returns early on an empty range.',
  },
  {
    name: 'realm_unmap_private_range',
    kind: 'kernel',
    v14: at('v14-rmi.c', 582, 631),
    postV14: at('post-v14-gw-rmi.c', 551, 602),
    status: 'checked',
    omits: 'cond_resched_rwlock_write().',
    notes:
      'An error other than RMI_ERROR_RTT WARNs and the loop continues from whatever next address the command returned.',
  },
  {
    name: 'undelegate_range_desc',
    kind: 'kernel',
    v14: at('v14-rmi.c', 103, 117),
    postV14: at('post-v14-gw-rmi.c', 68, 82),
    status: 'checked',
    omits: '',
  },
  {
    name: 'realm_fold_rtt_level',
    kind: 'kernel',
    v14: at('v14-rmi.c', 359, 409),
    postV14: at('post-v14-gw-rmi.c', 323, 375),
    status: 'checked',
    omits: '',
    notes:
      'The address folded is ALIGN(addr, map_size), which rounds up: from an unaligned start the first fold targets the next entry. Whether this is intended is not said in the thread; the model does what the code does.',
  },
  {
    name: 'RMI_RTT_DATA_UNMAP',
    kind: 'rmi',
    v14: at('v14-rmi_cmds.h', 210, 234),
    tfRmm: at('tf-rmm-rtt_unmap.c', 1228, 1377),
    status: 'checked',
    omits: 'Descriptor lists, auxiliary planes, device entries.',
    notes:
      'Succeeds with X1 past the swept entries even when nothing was live; assigned_ram becomes unassigned_destroyed.',
  },
  {
    name: 'RMI_RTT_UNPROT_UNMAP',
    kind: 'rmi',
    v14: at('v14-rmi_cmds.h', 654, 678),
    tfRmm: at('tf-rmm-rtt_unmap.c', 1392, 1507),
    status: 'checked',
    omits: 'Descriptor lists, auxiliary planes.',
  },
  {
    name: 'RMI_RTT_FOLD',
    kind: 'rmi',
    tfRmm: at('tf-rmm-rtt.c', 562, 831),
    status: 'checked',
    omits: 'Auxiliary planes, device entries.',
  },
  {
    name: 'kvm_complete_ripas_change',
    kind: 'kernel',
    v14: at('v14-rmi.c', 1062, 1095),
    postV14: at('post-v14-gw-rmi.c', 1133, 1200),
    status: 'checked',
    omits: 'KVM_REQ_RMI (the model re-runs the completion on the next KVM_RUN instead).',
    notes:
      'Post-v14 checks the range against guest_memfd\u2019s attributes and, on a mismatch, exits to the VMM again with KVM_EXIT_MEMORY_FAULT [@post-v14-gw-rmi.c:1161-1168]; it also retries after an invalidation. No message of the v14 thread proposes this check.',
  },
  {
    name: 'ripas_range_matches_gmem',
    kind: 'kernel',
    postV14: at('post-v14-gw-rmi.c', 1112, 1131),
    status: 'checked',
    omits: '',
  },
  {
    name: 'realm_set_ipa_state',
    kind: 'kernel',
    v14: at('v14-rmi.c', 959, 972),
    postV14: at('post-v14-gw-rmi.c', 987, 1000),
    status: 'checked',
    omits: '',
  },
  {
    name: 'ripas_change',
    kind: 'kernel',
    v14: at('v14-rmi.c', 897, 957),
    postV14: at('post-v14-gw-rmi.c', 907, 985),
    status: 'checked',
    omits: '',
    notes:
      'v14 retries without a bound when RMI_ERROR_RTT names a level that is already as deep as find_map_level() (the model reports a livelock); post-v14 refuses that case for INIT.',
  },
  {
    name: 'realm_init_ipa_state',
    kind: 'kernel',
    v14: at('v14-rmi.c', 974, 980),
    postV14: at('post-v14-gw-rmi.c', 1002, 1008),
    status: 'checked',
    omits: '',
  },
  {
    name: 'RMI_RTT_INIT_RIPAS',
    kind: 'rmi',
    v14: at('v14-rmi_cmds.h', 566, 577),
    tfRmm: at('tf-rmm-rtt.c', 1236, 1343),
    status: 'checked',
    omits: '',
    notes: 'Only for a NEW realm (else RMI_ERROR_REALM); assigned_empty becomes assigned_ram.',
  },
  {
    name: 'RMI_RTT_SET_RIPAS',
    kind: 'rmi',
    v14: at('v14-rmi_cmds.h', 625, 637),
    tfRmm: at('tf-rmm-rtt.c', 1152, 1573),
    status: 'checked',
    omits: 'Auxiliary planes, device entries.',
    notes:
      'base must equal the REC\u2019s progress address; the change-destroyed flag matters only for requests to RAM since [@tf-rmm-4c40d408].',
  },
];

/** Realm creation and activation. */
const REALM: readonly LedgerRow[] = [
  {
    name: 'kvm_activate_realm',
    kind: 'kernel',
    v14: at('v14-rmi.c', 1277, 1320),
    postV14: at('post-v14-gw-rmi.c', 1443, 1496),
    status: 'checked',
    omits: 'REC creation details, vGIC checks, locks.',
    notes:
      'Marks the realm DEAD before the work, so a failure part-way leaves it unusable, and ACTIVE after RMI_REALM_ACTIVATE succeeds. A DEAD realm counts as past ACTIVE, so v14 does not retry activation and the next KVM_RUN fails in kvm_rec_pre_enter() with -EINVAL; post-v14 also calls kvm_vm_dead() on failure [@post-v14-gw-rmi.c:1492-1494], and every later vCPU ioctl fails with -EIO [@linux-kvm_main.c:4415-4416].',
  },
  {
    name: 'realm_ensure_created',
    kind: 'kernel',
    v14: at('v14-rmi.c', 982, 999),
    postV14: at('post-v14-gw-rmi.c', 1010, 1026),
    status: 'checked',
    omits: '',
  },
  {
    name: 'realm_create_rd',
    kind: 'kernel',
    v14: at('v14-rmi.c', 504, 580),
    postV14: at('post-v14-gw-rmi.c', 477, 549),
    status: 'checked',
    omits:
      'The realm parameters other than the IPA size and start level (SVE, PMU, breakpoints, hash, LPA2).',
    notes:
      'On a failed delegation v14 undelegates the whole root range; post-v14 only what was delegated [@v14-28-shan-0528; @v14-28-price-0608b].',
  },
  {
    name: 'set_ripas_of_protected_regions',
    kind: 'kernel',
    v14: at('v14-rmi.c', 1001, 1023),
    postV14: at('post-v14-gw-rmi.c', 1028, 1052),
    status: 'checked',
    omits: '',
    notes:
      'Every memslot with guest_memfd gets RIPAS RAM over its whole range, whatever its memory attributes.',
  },
  {
    name: 'RMI_REALM_CREATE',
    kind: 'rmi',
    tfRmm: at('tf-rmm-realm.c', 607, 782),
    status: 'checked',
    omits: 'Parameter validation beyond IPA size and root tables; VMID, MEC, measurement.',
    notes: 'The protected half starts unassigned_empty, the unprotected half unassigned_ns.',
  },
  {
    name: 'RMI_REALM_ACTIVATE',
    kind: 'rmi',
    tfRmm: at('tf-rmm-realm.c', 30, 56),
    status: 'checked',
    omits: '',
  },
];

/** The RMM's side of a realm fault and of RSI_IPA_STATE_SET. */
const RMM: readonly LedgerRow[] = [
  {
    name: 'handle_data_abort',
    kind: 'rmm',
    tfRmm: at('tf-rmm-exit.c', 212, 290),
    status: 'checked',
    omits: 'Auxiliary planes, AArch32 realms, the UC external-abort panic.',
    notes:
      'FAR reaches the host only for an emulatable (ISV = 1) abort at an unprotected IPA, and then only bits [11:0]; every other exit has FAR = 0. An ISV = 0 unprotected abort keeps IL and drops WnR since [@tf-rmm-4de93bb0] (toggle `rmmEsrBefore4de93bb0`).',
  },
  {
    name: 'RSI_IPA_STATE_SET',
    kind: 'rsi',
    tfRmm: at('tf-rmm-rsi-memory.c', 19, 56),
    status: 'checked',
    omits: '',
    notes:
      'A bad RIPAS, misaligned or empty range, or one not wholly in the protected half is refused with RSI_ERROR_INPUT and the realm resumes: the host never sees it [@tf-rmm-rsi-memory.c:33-40]. Completion on the next entry: X1 = the progress address, X2 = REJECT only for a RAM request left incomplete with the response flag set [@tf-rmm-run.c:90-115].',
  },
];

/** The VMM, generic KVM and mm. */
const HOST: readonly LedgerRow[] = [
  {
    name: 'kvm_convert_memory',
    kind: 'vmm',
    other: at('qemu-kvm-all.c', 3057, 3152),
    status: 'checked',
    omits: 'RAM blocks other than one memory backend per memslot; confidential-guest-support checks.',
    notes:
      'Unaligned or non-RAM ranges fail; memory without guest_memfd is left alone; converting discards the side that stops being used (not for hugetlb-backed shared memory).',
  },
  {
    name: 'kvm_vm_set_mem_attributes',
    kind: 'kernel',
    other: at('linux-kvm_main.c', 2537, 2598),
    status: 'checked',
    omits: 'xarray reservation failures.',
    notes:
      'kvm_mmu_invalidate_begin(), unmap, set the attributes, kvm_arch_post_set_memory_attributes(), end.',
  },
  {
    name: 'kvm_arch_post_set_memory_attributes',
    kind: 'kernel',
    v14: at('v14-mmu.c', 2787, 2800),
    postV14: at('post-v14-lp-mmu.c', 2764, 2777),
    status: 'checked',
    omits: '',
    notes:
      'Unmaps the side the new attribute leaves: KVM_FILTER_SHARED when going private, KVM_FILTER_PRIVATE when going shared.',
  },
  {
    name: 'kvm_mmu_invalidate_begin',
    kind: 'kernel',
    other: at('linux-kvm_main.c', 673, 687),
    status: 'checked',
    omits: 'The range bookkeeping (the model widens to "any invalidation in progress").',
  },
  {
    name: 'kvm_mmu_invalidate_end',
    kind: 'kernel',
    other: at('linux-kvm_main.c', 771, 795),
    status: 'checked',
    omits: '',
  },
  {
    name: 'kvm_mmu_notifier_invalidate_range_start',
    kind: 'kernel',
    other: at('linux-kvm_main.c', 721, 769),
    status: 'checked',
    omits: 'Other notifier events (clear_young, release).',
    notes:
      'Host-address invalidations reach only shared mappings (KVM_FILTER_SHARED) [@linux-kvm_main.c:607-611].',
  },
  {
    name: 'kvm_mmu_notifier_invalidate_range_end',
    kind: 'kernel',
    other: at('linux-kvm_main.c', 797, 826),
    status: 'checked',
    omits: '',
  },
  {
    name: 'wp_page_copy',
    kind: 'mm',
    other: at('linux-memory.c', 3853, 4002),
    status: 'inferred',
    omits: 'Everything but the copy, the new PTE and the notifier bracket around the PTE change.',
  },
  {
    name: 'try_to_migrate',
    kind: 'mm',
    other: at('linux-rmap.c', 2415, 2729),
    status: 'inferred',
    omits:
      'Everything but the notifier bracket, the copy and the new PTE: try_to_migrate_one() leaves a migration entry and remove_migration_ptes() [@linux-migrate.c:346-474] maps the new page later; the model does both in one step (a GUP in between would wait on the migration entry).',
  },
  {
    name: 'kvm_gmem_punch_hole',
    kind: 'kernel',
    other: at('linux-guest_memfd.c', 230, 250),
    status: 'checked',
    omits: '',
    notes: 'Brackets the unmap of private mappings with kvm_mmu_invalidate_begin()/end().',
  },
  {
    name: 'kvm_set_phys_mem',
    kind: 'vmm',
    other: at('qemu-kvm-all.c', 1505, 1627),
    status: 'checked',
    omits:
      'Everything but registering a guest_memfd memslot as private [@qemu-kvm-all.c:1612-1619] (toggle `vmm.gmemPrivateAtCreation`).',
    notes: 'Since [@qemu-bd3bcf69] QEMU sets a guest_memfd memslot private when it registers it.',
  },
];

/** The guest. */
const GUEST: readonly LedgerRow[] = [
  {
    name: 'set_memory_decrypted',
    kind: 'guest',
    other: at('linux-pageattr.c', 338, 346),
    status: 'inferred',
    omits: 'The linear-map update, cache maintenance; the dispatch through arm64_mem_crypt_ops was not read.',
    notes:
      'realm_set_memory_decrypted() → __set_memory_enc_dec() [@linux-pageattr.c:278-322] → rsi_set_memory_range_shared(). A failure WARNs and returns the error.',
  },
  {
    name: 'set_memory_encrypted',
    kind: 'guest',
    other: at('linux-pageattr.c', 324, 336),
    status: 'inferred',
    omits: 'As set_memory_decrypted().',
  },
  {
    name: 'rsi_set_memory_range_shared',
    kind: 'guest',
    other: at('linux-rsi.h', 64, 69),
    status: 'checked',
    omits: '',
    notes:
      'RIPAS EMPTY with RSI_CHANGE_DESTROYED. rsi_set_memory_range() calls RSI_IPA_STATE_SET from the address X1 returned until the end; a status other than RSI_SUCCESS, X2 other than RSI_ACCEPT (-EPERM from rsi_set_addr_range_state() [@linux-rsi_cmds.h:71-89]) or an X1 outside the range gives -EINVAL [@linux-rsi.h:26-40].',
  },
  {
    name: 'rsi_set_memory_range_protected',
    kind: 'guest',
    other: at('linux-rsi.h', 46, 51),
    status: 'checked',
    omits: '',
    notes:
      'RIPAS RAM, also with RSI_CHANGE_DESTROYED (the _safe variant, which the model does not use, passes RSI_NO_CHANGE_DESTROYED [@linux-rsi.h:57-62]).',
  },
];

export const LEDGER_ROWS: readonly LedgerRow[] = [
  ...RUN,
  ...MMU,
  ...MAP,
  ...UNMAP,
  ...REALM,
  ...RMM,
  ...HOST,
  ...GUEST,
];
