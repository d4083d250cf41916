/**
 * What the model deliberately leaves out or simplifies, with the reason, so the documentation can
 * be honest about its limits (design.md §2). Items marked INFERRED are the model's reading where
 * the brief gives no source.
 */
export interface ModelLimit {
  readonly what: string;
  readonly why: string;
}

export const NOT_MODELLED: readonly ModelLimit[] = [
  {
    what: 'RTT folding after unmaps (realm_fold_rtt_level) and RTT destruction (RMI_RTT_DESTROY, kvm_destroy_realm)',
    why: 'Folding changes no fault-path outcome in the 20 scenarios; tables stay unfolded. RMI_RTT_FOLD exists in the RMM model and is tested on its own.',
  },
  {
    what: 'Non-realm stage 2 (kvm_pgtable_stage2_map/relax_perms), nested virtualisation, dirty logging, MTE',
    why: 'The brief covers realms; these branches of user_mem_abort are not taken for a REC.',
  },
  {
    what: 'Instruction aborts, access-flag faults, S1PTW, cache-maintenance aborts, SError/SEA routing to the host',
    why: 'The guest model issues loads, stores and RSI calls only (brief §8 needs no others).',
  },
  {
    what: 'Device (PFNMAP/MIXEDMAP) and non-cacheable host memory',
    why: 'MMIO is modelled through io_mem_abort (no memslot); memslots are RAM backends.',
  },
  {
    what: 'Stateful RMI operations (RMI_INCOMPLETE) and RMI_BUSY/RMI_BLOCKED retries',
    why: 'v14 fault-path commands complete in one call in every scenario of the brief.',
  },
  {
    what: "The RMM's own validation of RSI_IPA_STATE_SET ranges",
    why: "The model forwards the request so that KVM's check in rec_exit_ripas_change is reachable (§8.20); TF-RMM may reject such a range itself (INFERRED).",
  },
  {
    what: "The RMM's realm state during the steps",
    why: "realm.state is KVM's view (realm->state); the RMM realm is ACTIVE after activation, so a 'NEW' realm still runs its REC (§8.19 only needs KVM's check).",
  },
  {
    what: 'Concurrency beyond the mmu_seq window',
    why: "Other vCPUs and the VMM run only at the one point scenarios 12–13 need: between the mmu_seq sample and kvm_fault_lock() (interleave 'after_mmu_seq').",
  },
  {
    what: 'kvm_gmem_get_pfn() failures (e.g. -EHWPOISON) and HWPOISON from GUP',
    why: 'No scenario needs them; guest_memfd allocation always succeeds.',
  },
  {
    what: 'The THP huge zero page',
    why: 'A read of untouched THP memory maps the 4 KiB shared zero page; only writes populate a 2 MiB page.',
  },
  {
    what: 'KVM_EXIT_MEMORY_FAULT R/W/X flag bits',
    why: 'Mainline ignores is_write/is_exec (brief §4.3); only KVM_MEMORY_EXIT_FLAG_PRIVATE is set.',
  },
  {
    what: 'The v12 (RMM 1.0) command set',
    why: 'Variants are v14 and fixed; v12 appears in the brief only as a comparison (§3.5).',
  },
  {
    what: "The guest's stage-1 page tables, swiotlb and virtio",
    why: 'Guest steps address IPAs directly (with the shared bit for shared memory); the seed vrings are reduced to two pages.',
  },
  {
    what: 'X in stage-2 prot',
    why: 'ARM64_HAS_CACHE_DIC is assumed, so X is always set (consistent with the seed prot=0xf; INFERRED).',
  },
  {
    what: 'realm_unmap_shared_range on RMI_ERROR_RTT',
    why: 'At a level ≥ find_map_level() it skips ahead, shallower it creates RTTs with mc = NULL and retries (brief §3.7); the RMM reports an unassigned entry with progress to the end of that entry (INFERRED).',
  },
];
