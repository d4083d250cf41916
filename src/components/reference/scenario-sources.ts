/**
 * The primary sources behind each built-in scenario, for the Sources section of its page
 * (src/pages/scenarios/[name].astro): the code each claim rests on and the review mails that
 * raised it, cited through the source registry (packages/model/src/sources; the page
 * renders them with citeHtml). A function citation such as `[@v14 gmem_abort()]` resolves through
 * the verification ledger to the function's lines in that tree.
 * tests/unit/content-gen-scenarios.test.ts fails when a built-in scenario has no entry here, an
 * entry names a scenario that does not exist, or a citation does not resolve.
 *
 * Each `supports` says what the source shows, checked against the code at the lines cited.
 * `label` marks what is not read directly off one source: INFERRED where it follows from reading
 * the code (or running the model on it) and nobody reported it on the list; UNCERTAIN where the
 * code that would settle it is not public.
 */

export interface ScenarioSource {
  /** The sources, as citations (several in one group where they support the claim together). */
  readonly cite: string;
  /** What these sources support in the scenario. */
  readonly supports: string;
  readonly label?: 'INFERRED' | 'UNCERTAIN';
}

const gmemAbort: ScenarioSource = {
  cite: '[@v14 gmem_abort()]',
  supports:
    'a private-alias fault goes to gmem_abort(): a GFN whose attribute is shared gives KVM_EXIT_MEMORY_FAULT and -EFAULT; otherwise the memcache is topped up and realm_map_ipa() maps one PAGE_SIZE page with R|W',
};
const userMemAbort: ScenarioSource = {
  cite: '[@v14 kvm_handle_guest_abort(); @v14 kvm_s2_fault_compute_prot(); @v14 kvm_s2_fault_map()]',
  supports:
    'a shared-alias fault goes to user_mem_abort() even on a guest_memfd memslot; W enters prot only when GUP gave a writable page (map_writable); the realm branch passes the unstripped, unaligned fault_ipa to realm_map_ipa()',
};
const realmMapIpa: ScenarioSource = {
  cite: '[@v14 realm_map_ipa(); @post-v14 realm_map_ipa()]',
  supports:
    'v14: WARN and -EFAULT without W in prot, for both halves, and the IPA aligned to PAGE_SIZE only; post-v14: -EBUSY unless the realm is ACTIVE, the IPA aligned down to map_size, and W required only for the protected half, so shared pages can be mapped read-only',
};
const unprotMap: ScenarioSource = {
  cite: '[@v14 realm_map_non_secure(); @v14 addr_range_desc(); @tf-rmm RMI_RTT_UNPROT_MAP()]',
  supports:
    'RMI_RTT_UNPROT_MAP gets flags with OADDR_TYPE SINGLE, MEMATTR and the S2AP bits from prot (0x1e0001 for R|W Normal memory) and a range descriptor with the PA, SIZE 0 and COUNT 1 (pfn << 12 | 4)',
};
const exitUnprot: ScenarioSource = {
  cite: '[@tf-rmm-exit.c:265-273; @tf-rmm-4de93bb0]',
  supports:
    'TF-RMM reports an unprotected-IPA abort without a valid syndrome with EC, SET, FnV, EA, DFSC and IL only, so WnR is hidden: ESR 0x92000007 for a level-3 translation fault, read or write',
};
const seed: ScenarioSource = {
  cite: '[@v14-29-shan-0625]',
  supports:
    'the seed report: the fault on 0x10046880000 with ESR 0x92000007, prot=0xf, flags=0x1e0001 and range_desc=0xb8b59004, two realm_unmap_shared_range lines for the same IPA, and QEMU reading zeros at GPA 0x46880000',
};
const thpReview: ScenarioSource = {
  cite: '[@v14-29-shan-0605a]',
  supports:
    'Gavin Shan’s review of patch 29: the W check in realm_map_ipa() fires for read faults and QEMU stops on the -EFAULT; with THP, transparent_hugepage_adjust() aligns gfn and pfn while the realm branch passes the unaligned fault_ipa',
};
const rttDepth: ScenarioSource = {
  cite: '[@post-v14 realm_map_non_secure(); @post-v14 find_map_level(); @v14-29-poulose-0608a]',
  supports:
    'post-v14 computes the level the block needs (find_map_level()) and creates RTTs only down to it, the RTT-depth concern Suzuki K Poulose raised for block mappings',
};
const mapPrivateFix: ScenarioSource = {
  cite: '[@v14-29-poulose-0626a; @v14-29-poulose-0626b]',
  supports:
    'Suzuki K Poulose: with MAP_PRIVATE a read fault must map the page read-only and a later permission fault replace it with a writable page; the KVM fix and a corresponding TF-RMM change were announced for the next posting; the sketch of realm_map_non_secure() unmaps and retries when RMI_RTT_UNPROT_MAP finds the entry already mapped (“relaxing a permission”)',
};
const wnrHidden: ScenarioSource = {
  cite: '[@tf-rmm handle_data_abort(); @post-v14 kvm_handle_guest_abort()]',
  supports:
    'how KVM would learn that a permission fault on a read-only shared mapping is a write is not public: TF-RMM main hides WnR for aborts without a valid syndrome and no v14 or post-v14 code treats a realm permission fault as a write, hence the toggle rmmRevealsWriteOnPermissionFault',
  label: 'UNCERTAIN',
};

/** The sources of every built-in scenario, keyed by scenario name. */
export const SCENARIO_SOURCES: Readonly<Record<string, readonly ScenarioSource[]>> = {
  'private-first-touch': [
    gmemAbort,
    {
      cite: '[@v14 realm_map_protected(); @v14 realm_create_rtt_levels()]',
      supports:
        'v14: after RMI_ERROR_RTT, realm_map_protected() creates every missing level down to level 3 in one realm_create_rtt_levels() call, then retries RMI_RTT_DATA_MAP once',
    },
    {
      cite: '[@post-v14 realm_map_protected(); @v14-29-price-0608a; @v14-29-poulose-0608b]',
      supports:
        'post-v14 creates one level per RMI_ERROR_RTT and re-issues the map (RMI_ERROR_RTT(1), then (2)), as Steven Price proposed and Suzuki K Poulose acked',
    },
    {
      cite: '[@tf-rmm-exit.c:258-263]',
      supports:
        'TF-RMM reports a protected-IPA abort with EC, SET, FnV, EA and DFSC only (IL and WnR hidden): ESR 0x90000005 for a level-1 translation fault',
    },
    {
      cite: '[@v14 set_ripas_of_protected_regions(); @tf-rmm RMI_RTT_INIT_RIPAS()]',
      supports:
        'activation sets RIPAS RAM over every guest_memfd memslot; the memslot is 1 GiB-aligned, so RMI_RTT_INIT_RIPAS sets it on a level-1 entry and the first walk ends at level 1',
      label: 'INFERRED',
    },
  ],
  'private-fault-shared-attr': [
    gmemAbort,
    {
      cite: '[@linux-kvm_host.h:2513-2526; @linux-uapi-kvm.h:191; @linux-uapi-kvm.h:458-464; @linux-api.rst:7245-7267]',
      supports:
        'KVM_EXIT_MEMORY_FAULT (39) with flags KVM_MEMORY_EXIT_FLAG_PRIVATE (bit 3), gpa and size; it comes with KVM_RUN returning -1 and errno EFAULT',
    },
    {
      cite: '[@v14-29-shan-0605c; @v14-29-price-0608b]',
      supports:
        'Gavin Shan and Steven Price: the check only needs to catch a private-alias fault on a GFN whose attribute is shared, since gmem_abort() only runs for private-alias faults',
    },
    {
      cite: '[@qemu-kvm-all.c:3316-3328; @qemu-kvm-all.c:3057-3152]',
      supports:
        'QEMU answers a memory-fault exit with kvm_convert_memory(): KVM_SET_MEMORY_ATTRIBUTES to the state the flags ask for, then a discard of the backing the page no longer uses; its vCPU loop then runs KVM_RUN again',
    },
    {
      cite: '[@qemu-bd3bcf69; @qemu-kvm-all.c:1612-1619]',
      supports:
        'upstream QEMU makes guest_memfd RAM private when it creates the memslot; this scenario sets gmemPrivateAtCreation false to model a VMM that does not',
    },
  ],
  'explicit-private-to-shared': [
    {
      cite: '[@linux-pageattr.c:300-346; @linux-rsi.h:64-69]',
      supports:
        'set_memory_decrypted() invalidates the linear-map entries, then issues RSI_IPA_STATE_SET for EMPTY with RSI_CHANGE_DESTROYED',
    },
    {
      cite: '[@v14 rec_exit_ripas_change()]',
      supports: 'RMI_EXIT_RIPAS_CHANGE becomes KVM_EXIT_MEMORY_FAULT with flags 0 and -EFAULT',
    },
    {
      cite: '[@v14 kvm_arch_post_set_memory_attributes(); @v14 kvm_realm_unmap_range(); @linux-guest_memfd.c:230-250]',
      supports:
        'the attribute change and the guest_memfd hole punch each unmap the range; in v14 every unmap includes the shared alias',
    },
    {
      cite: '[@v14 kvm_complete_ripas_change(); @tf-rmm RMI_RTT_DATA_UNMAP(); @tf-rmm RMI_RTT_SET_RIPAS()]',
      supports:
        'RMI_RTT_DATA_UNMAP takes assigned_ram to unassigned_destroyed; on the next KVM_RUN kvm_complete_ripas_change() issues RMI_RTT_SET_RIPAS, which takes it to unassigned_empty',
    },
    { cite: '[@v14-29-shan-0625]', supports: 'the two realm_unmap_shared_range log lines for 0x10046880000' },
  ],
  'shared-fault-vmm-written': [userMemAbort, realmMapIpa, unprotMap, exitUnprot, seed],
  'shared-fault-zero-page': [userMemAbort, realmMapIpa, thpReview, exitUnprot],
  'shared-read-then-vmm-write': [
    realmMapIpa,
    {
      cite: '[@linux-memory.c:3853-4002; @linux-kvm_main.c:721-769; @v14 kvm_unmap_gfn_range()]',
      supports:
        'the VMM’s write breaks copy-on-write (wp_page_copy()), whose MMU-notifier invalidation unmaps the shared alias, so the guest’s next access faults again and maps the new page',
    },
  ],
  'shared-write-cow-retry': [
    userMemAbort,
    {
      cite: '[@linux-kvm_main.c:3049-3068; @linux-memory.c:5337-5440]',
      supports:
        'GUP with FOLL_WRITE on a page nothing has mapped yet allocates a new anonymous page (do_anonymous_page()); nothing is unmapped, so no MMU-notifier invalidation moves mmu_invalidate_seq and the store maps on its first fault. Copy-on-write (wp_page_copy(), which does invalidate) happens only once the zero page or another page is mapped there',
    },
    {
      cite: '[@tf-rmm-exit.c:275-280]',
      supports:
        'an emulatable (ISV=1) unprotected abort keeps WnR, so this store is seen as a write: ESR 0x91C08047',
    },
  ],
  'shared-force-write-zero-page': [
    seed,
    {
      cite: '[@v14-29-shan-0626a]',
      supports:
        'Gavin Shan had added host code that forces write permission for every shared-space stage-2 fault; the vring data is lost once the Ctrl queue is allocated and cleared',
    },
    mapPrivateFix,
    {
      cite: '[@v14-29-shan-0626b; @v14-29-shan-0628]',
      supports:
        'Gavin Shan: several shared IPAs end up on the zero page; his QEMU command line used a MAP_PRIVATE RAM backend (no share=yes) with THP never',
    },
    userMemAbort,
  ],
  'shared-force-write-memfd': [
    {
      cite: '[@v14-29-shan-0626b; @v14-29-shan-0628]',
      supports: 'with -object memory-backend-ram,…,share=yes virtio-net works',
    },
    {
      cite: '[@qemu-hostmem-ram.c:31]',
      supports: 'share=yes makes QEMU map guest RAM MAP_SHARED',
    },
    mapPrivateFix,
    userMemAbort,
  ],
  'shared-read-then-write': [
    mapPrivateFix,
    realmMapIpa,
    {
      cite: '[@post-v14 realm_map_non_secure()]',
      supports:
        'post-v14: RMI_ERROR_RTT at or below the level the block needs is taken as an existing mapping: realm_unmap_shared_range() and the map is issued again',
    },
    wnrHidden,
  ],
  'thp-unaligned': [
    thpReview,
    userMemAbort,
    realmMapIpa,
    {
      cite: '[@v14 realm_map_non_secure()]',
      supports: 'v14: an IPA not aligned to the block size is refused with WARN and -EINVAL',
    },
    rttDepth,
  ],
  'thp-aligned': [
    thpReview,
    {
      cite: '[@v14 realm_map_non_secure(); @tf-rmm RMI_RTT_UNPROT_MAP()]',
      supports:
        'v14 creates RTTs down to level 3 after RMI_ERROR_RTT; the retry of a 2 MiB block then fails with RMI_ERROR_RTT(2) and realm_map_non_secure() returns that positive RMI status after WARN, which KVM takes as “resume the guest”',
      label: 'INFERRED',
    },
    rttDepth,
  ],
  'hugetlb-unaligned': [
    {
      cite: '[@v14 kvm_s2_fault_get_vma_info()]',
      supports: 'with hugetlbfs the VMA page size is 2 MiB; gfn is aligned to it, fault_ipa is not',
      label: 'INFERRED',
    },
    realmMapIpa,
    {
      cite: '[@v14 realm_map_non_secure()]',
      supports: 'v14: an IPA not aligned to the block size is refused with WARN and -EINVAL',
    },
  ],
  'invalidation-race': [
    {
      cite: '[@v14 gmem_abort(); @linux-kvm_host.h:2125-2145]',
      supports:
        'mmu_invalidate_retry() after kvm_fault_lock() gives -EAGAIN, which the abort handler turns into 0: the REC is entered again without a map call',
    },
    {
      cite: '[@linux-kvm_main.c:2537-2598]',
      supports: 'KVM_SET_MEMORY_ATTRIBUTES brackets the attribute change with an MMU invalidation',
    },
  ],
  'two-vcpus-same-page': [
    {
      cite: '[@v14 realm_map_protected(); @v14 rmi_delegate_range()]',
      supports: 'v14: a failed delegation is taken as a race with another vCPU: return 0, re-enter',
    },
    {
      cite: '[@post-v14 realm_map_protected(); @post-v14 rmi_delegate_range(); @v14-28-shan-0528; @v14-28-price-0608b]',
      supports:
        'post-v14: rmi_delegate_range() reports how far it got; nothing delegated is the race, a partial delegation maps only the delegated prefix, as Gavin Shan asked and Steven Price agreed',
    },
  ],
  'memcache-exhaustion': [
    {
      cite: '[@v14 gmem_abort(); @linux-mmu.c:1530-1538]',
      supports: 'a failed topup_mmu_memcache() returns -ENOMEM, so KVM_RUN fails with ENOMEM',
    },
    {
      cite: '[@v14 realm_create_rtt_levels()]',
      supports: 'RTTs created on the fault path take their pages from the vCPU’s memcache',
    },
  ],
  'mmio-valid-syndrome': [
    {
      cite: '[@v14 rec_exit_sync_dabt()]',
      supports: 'for an emulatable write, gprs[0] is copied into the register the syndrome names (SRT 0)',
    },
    {
      cite: '[@v14 kvm_handle_guest_abort(); @v14 kvm_handle_mmio_return()]',
      supports:
        'no memslot: io_mem_abort() with the shared bit stripped gives KVM_EXIT_MMIO; on the next KVM_RUN REC_ENTER_FLAG_EMULATED_MMIO replaces kvm_incr_pc() and a load’s value goes in enter.gprs[0]',
    },
    {
      cite: '[@tf-rmm-exit.c:275-289]',
      supports:
        'an emulatable unprotected abort keeps ISV, SAS, SF and WnR, and FAR_EL2[11:0]: ESR 0x91C0804n for this 64-bit store from X0, n the translation-fault level (in this run 0x91C08045: no RTT below level 1 covers the UART)',
    },
    {
      cite: '[@linux-uapi-kvm.h:158; @linux-uapi-kvm.h:274-280]',
      supports: 'KVM_EXIT_MMIO (6) and its fields',
    },
  ],
  'mmio-no-syndrome': [
    {
      cite: '[@v14 io_mem_abort(); @v14-inject_fault.c:229-233]',
      supports:
        'io_mem_abort() cannot emulate an access without a valid syndrome; for a REC, kvm_inject_sea_dabt() sets REC_ENTER_FLAG_INJECT_SEA',
    },
    exitUnprot,
  ],
  'private-alias-of-shared-page': [
    {
      cite: '[@tf-rmm-exit.c:228-251]',
      supports:
        'a protected IPA whose RIPAS is EMPTY: the RMM injects an SEA into the realm and does not exit to the host',
    },
  ],
  'beyond-ipa-size': [
    {
      cite: '[@tf-rmm-exit.c:253-256]',
      supports: 'an IPA at or above the realm’s IPA size: the RMM injects an SEA, no host exit',
    },
  ],
  'realm-not-active': [
    {
      cite: '[@v14 kvm_activate_realm()]',
      supports: 'a failed activation (here kvm_create_rec()) leaves KVM’s realm state REALM_STATE_DEAD',
    },
    {
      cite: '[@v14-rmi.c:1148-1149]',
      supports:
        'kvm_rec_pre_enter() returns -EINVAL for a realm that is not REALM_STATE_ACTIVE, before any REC entry',
    },
    {
      cite: '[@post-v14 realm_map_ipa()]',
      supports:
        'post-v14’s realm_map_ipa() also returns -EBUSY unless the realm is ACTIVE; no fault reaches it here',
    },
  ],
  'realm-system-off': [
    {
      cite: '[@tf-rmm-run.c:447-454]',
      supports: 'RMI_REC_ENTER for a realm that is not ACTIVE (here SYSTEM_OFF) fails with RMI_ERROR_REALM',
    },
    {
      cite: '[@v14-rmi-exit.c:166-179]',
      supports: 'handle_rec_exit() turns RMI_ERROR_REALM into KVM_EXIT_SHUTDOWN and returns 0',
    },
    {
      cite: '[@qemu-kvm-all.c:3258-3261]',
      supports:
        'QEMU answers KVM_EXIT_SHUTDOWN with a system reset request (SHUTDOWN_CAUSE_GUEST_RESET); the simulator ends the step there, as a VMM exit',
    },
  ],
  'ripas-change-not-protected': [
    {
      cite: '[@tf-rmm-rsi-memory.c:33-40]',
      supports:
        'TF-RMM refuses RSI_IPA_STATE_SET for a range outside the protected half with RSI_ERROR_INPUT, without a REC exit',
    },
    {
      cite: '[@linux-pageattr.c:338-346]',
      supports: 'set_memory_decrypted() then fails and the guest WARNs that the pages will be leaked',
    },
    {
      cite: '[@v14 rec_exit_ripas_change()]',
      supports:
        'KVM’s own check (REC_ENTER_FLAG_RIPAS_RESPONSE reject and -EINVAL) is reached only with an RMM that lets such a range through',
    },
  ],
  'seed-post-v14-anon-private': [
    seed,
    mapPrivateFix,
    {
      cite: '[@v14-29-pieralisi-0626]',
      supports: 'Lorenzo Pieralisi: the KVM and TF-RMM fixes for MAP_PRIVATE come with the next posting',
    },
    realmMapIpa,
    wnrHidden,
  ],
};

/** The sources of a built-in scenario; throws naming the scenario when there are none. */
export function scenarioSources(name: string): readonly ScenarioSource[] {
  const s = SCENARIO_SOURCES[name];
  if (s === undefined || s.length === 0) {
    throw new RangeError(
      `scenario ${name}: no primary sources in src/components/reference/scenario-sources.ts (expected an entry for every built-in scenario)`,
    );
  }
  return s;
}
