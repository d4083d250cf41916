/**
 * What the model deliberately leaves out or simplifies, with the reason, so the documentation can
 * be honest about its limits. Per-function omissions are in the verification ledger
 * (src/sources/ledger-rows.ts); these are the ones that cut across functions. Items marked
 * INFERRED are the model's reading where no code settles it.
 */
export interface ModelLimit {
  readonly what: string;
  readonly why: string;
}

export const NOT_MODELLED: readonly ModelLimit[] = [
  {
    what: 'RTT destruction (RMI_RTT_DESTROY, RMI_REALM_DESTROY, kvm_destroy_realm) and realm teardown',
    why: 'Teardown is not on the fault path; every scenario ends with the realm alive. Folding after unmaps (realm_fold_rtt_level, RMI_RTT_FOLD) is modelled.',
  },
  {
    what: 'Non-realm stage 2 (kvm_pgtable_stage2_map/relax_perms), nested virtualisation, dirty logging, MTE',
    why: 'These branches of the fault path are not taken for a REC; where v14 would reach relax_perms on a realm the model reports it instead of simulating KVM\u2019s unused page table.',
  },
  {
    what: 'Instruction aborts, S1PTW, cache-maintenance aborts, SError routing to the host',
    why: 'The guest model issues loads, stores and RSI_IPA_STATE_SET only. External aborts and the RMM\u2019s own SEA injection (RIPAS EMPTY, IPA beyond the realm width) are modelled.',
  },
  {
    what: 'Device (PFNMAP/MIXEDMAP) and non-cacheable host memory',
    why: 'MMIO is modelled through io_mem_abort (no memslot); memslots are RAM backends.',
  },
  {
    what: 'Stateful RMI operations (SRO, RMI_INCOMPLETE), descriptor lists, RMI_BUSY/RMI_BLOCKED from the RMM',
    why: 'TF-RMM 9a7f8ef4\u2019s default build never yields on the fault-path commands [@tf-rmm-rtt_map.c:51-65]; the kernel\u2019s retry loops are modelled, and a loop that cannot progress is reported as a livelock.',
  },
  {
    what: 'Concurrency other than at the three fault windows',
    why: "Other vCPUs, the VMM and the host run between steps, or inside a fault at one of the three points where the fault does not hold kvm->mmu_lock and ordering changes the outcome: before the mmu_seq sample, after it, and after the page lookup, all before kvm_fault_lock() (interleave 'before_mmu_seq', 'after_mmu_seq', 'after_page_lookup') [@v14-mmu.c:1659-1685; @linux-mmu.c:1858; @linux-mmu.c:1885; @linux-mmu.c:2004-2008]. A step run in a window runs to its end: two faults stopped in windows never resume crosswise, and the explorer opens only an access's first fault's windows (not a retry's). Work under kvm_fault_lock() and inside an MMU-notifier invalidation is atomic.",
  },
  {
    what: 'Page reclaim (swap) and the migration entry',
    why: "The host kernel's own step is page migration, done in one step: try_to_migrate_one() and remove_migration_ptes() with nothing in between (a GUP there would wait on the migration entry). Swapping a page out and in is not modelled.",
  },
  {
    what: 'kvm_gmem_get_pfn() failures (e.g. -EHWPOISON) and HWPOISON from GUP',
    why: 'guest_memfd allocation always succeeds in the model.',
  },
  {
    what: 'The THP huge zero page',
    why: 'A read of untouched THP memory maps the 4 KiB shared zero page; only writes populate a 2 MiB page.',
  },
  {
    what: 'KVM_EXIT_MEMORY_FAULT R/W/X flag bits',
    why: 'kvm_prepare_memory_fault_exit() does not pass is_write/is_exec on; only KVM_MEMORY_EXIT_FLAG_PRIVATE is set [@linux-kvm_host.h:2513-2526].',
  },
  {
    what: 'The v12 (RMM 1.0) command set',
    why: 'The variants are v14 and the post-v14 code; v12 is cited only where v14 dropped something it had [@v12-24].',
  },
  {
    what: "The guest's stage-1 page tables, swiotlb and virtio",
    why: 'Guest steps address IPAs directly (with the shared bit for shared memory); the seed vrings are reduced to two pages.',
  },
  {
    what: 'X in stage-2 prot',
    why: 'ARM64_HAS_CACHE_DIC is assumed, so X is always set on cacheable memory (consistent with the seed\u2019s prot=0xf [@v14-29-shan-0625]; INFERRED).',
  },
  {
    what: 'RECs other than the faulting vCPU\u2019s, PSCI, host calls, timers and the vGIC',
    why: 'They do not change how a stage-2 fault is handled; vCPUs share the realm\u2019s RTTs and memory.',
  },
];
