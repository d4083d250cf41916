/**
 * The primary sources behind each built-in scenario: the kernel function and file, the TF-RMM
 * file, the specification or the list message that the brief's §8 entry rests on. The model's
 * scenario descriptions cite the brief ("Brief §8.x"); the scenario pages cite these instead.
 * tests/unit/content-gen-scenarios.test.ts fails when a built-in scenario has no entry here, or
 * an entry names a scenario that does not exist.
 *
 * Thread messages are numbered as in the compiled v14 mailbox "arm64: Support for Arm CCA in KVM"
 * (156 messages, 2026-05-13 … 2026-06-28): message n+1 is patch n, so patch 29/44 is message 30.
 * Labels follow the brief: INFERRED where it was derived by reading code, UNCERTAIN where the
 * brief says so.
 */

export interface ScenarioSource {
  /** Where: a function and its file, a TF-RMM file, a spec section, a list message. */
  readonly ref: string;
  /** What this source supports in the scenario. */
  readonly supports: string;
  readonly label?: 'INFERRED' | 'UNCERTAIN';
}

const MMU = 'arch/arm64/kvm/mmu.c';
const RMI = 'arch/arm64/kvm/rmi.c';
const P29 = 'v14 patch 29/44 “arm64: RMI: Runtime faulting of memory” (thread message 30)';
const EXIT_C = 'TF-RMM runtime/core/exit.c, handle_data_abort()';
const SEED =
  'Gavin Shan, “Re: [PATCH v14 29/44] arm64: RMI: Runtime faulting of memory”, 2026-06-25 (message 148)';
const MEMFAULT_UAPI =
  'KVM_EXIT_MEMORY_FAULT (39), KVM_MEMORY_EXIT_FLAG_PRIVATE: include/uapi/linux/kvm.h; Documentation/virt/kvm/api.rst';

const gmemAbort: ScenarioSource = {
  ref: `gmem_abort(), ${MMU} — ${P29}`,
  supports: 'private-alias faults: the attribute check, the memcache top-up, the R|W 4 KiB mapping',
};
const userMemAbort: ScenarioSource = {
  ref: `user_mem_abort() staged as kvm_s2_fault_pin_pfn() / kvm_s2_fault_compute_prot() / kvm_s2_fault_map(), ${MMU} (v14-era lpieralisi/linux @241a866ff5ac; ${P29})`,
  supports: 'shared-alias faults: GUP, prot from map_writable, realm_map_ipa() with the unstripped fault_ipa',
};
const realmMapIpa: ScenarioSource = {
  ref: `realm_map_ipa(), realm_map_non_secure(), addr_range_desc(), ${RMI} — ${P29}; post-v14 ${RMI} (gwshan/linux @0242b60a8f65)`,
  supports:
    'v14: WARN and -EFAULT without W, PAGE_SIZE alignment only; fixed: ALIGN_DOWN(ipa, map_size), read-only shared mappings',
};
const unprotMapRmm: ScenarioSource = {
  ref: 'TF-RMM runtime/rmi/rtt_map.c (RMI_RTT_UNPROT_MAP); RmiRttUnprotMapFlags and RmiAddrRangeDesc in lib/smc/include/smc-rmi.h',
  supports: 'the flags 0x1e0001 and descriptor pfn|4, RMI_ERROR_RTT at the walk level',
};
const exitUnprot: ScenarioSource = {
  ref: `${EXIT_C}; TF-RMM commit 4de93bb0 (2026-04-14), citing DEN0137 A4.3.4.3 and rule RRYVFL`,
  supports: 'unprotected ISV=0 aborts reported with EC|SET|FnV|EA|DFSC|IL only: ESR 0x92000007, WnR hidden',
};
const thp: ScenarioSource = {
  ref: `transparent_hugepage_adjust(), ${MMU}; Gavin Shan, thread message 124 (2026-06-05)`,
  supports: 'gfn and pfn aligned to 2 MiB while the realm branch passes the unaligned fault_ipa',
};
const rttDepth: ScenarioSource = {
  ref: `realm_map_non_secure() find_map_level() / req_level, post-v14 ${RMI}; Suzuki Poulose, thread messages 136, 153`,
  supports: 'fixed creates RTTs only down to the level of the block it maps',
};
const zeroPage: ScenarioSource = {
  ref: 'Suzuki Poulose, thread message 152; Gavin Shan, thread messages 151, 154',
  supports:
    'forced W maps the shared zero page writable into several shared IPAs; MAP_PRIVATE needs read-only then a CoW-breaking upgrade',
};
const seed: ScenarioSource = {
  ref: SEED,
  supports: 'the fault on 0x10046880000 with ESR 0x92000007, prot=0xf, flags=0x1e0001, range_desc=0xb8b59004',
};

/** The sources of every built-in scenario, keyed by scenario name. */
export const SCENARIO_SOURCES: Readonly<Record<string, readonly ScenarioSource[]>> = {
  'private-first-touch': [
    gmemAbort,
    {
      ref: `realm_map_protected(), ${RMI} — ${P29}; realm_create_rtt_levels(), v14 patch 23 (thread message 24)`,
      supports: 'v14 creates every missing level down to L3 after RMI_ERROR_RTT, then retries once',
    },
    {
      ref: 'Steven Price, thread message 141, acked by Suzuki Poulose, message 144',
      supports: 'fixed creates one level at a time (RMI_ERROR_RTT(1), then (2))',
    },
    { ref: EXIT_C, supports: 'protected-IPA aborts reported with EC|SET|FnV|EA|DFSC only: ESR 0x90000005' },
    {
      ref: 'set_ripas_of_protected_regions(), v14 patch 27 (thread message 28); RMI_RTT_INIT_RIPAS',
      supports: 'RIPAS RAM set at L1 granularity at activation, so the first walk ends at L1',
      label: 'INFERRED',
    },
  ],
  'private-fault-shared-attr': [
    gmemAbort,
    {
      ref: 'kvm_prepare_memory_fault_exit(), include/linux/kvm_host.h',
      supports: 'the memory-fault exit that must come with -EFAULT',
    },
    { ref: MEMFAULT_UAPI, supports: 'exit reason 39, flags bit 3 = PRIVATE, KVM_RUN returns -1/EFAULT' },
    {
      ref: 'Gavin Shan, thread message 127; Steven Price, message 142',
      supports: 'the check only catches a private-alias fault on a shared-attribute GFN',
    },
    {
      ref: 'QEMU kvm_convert_memory(), accel/kvm/kvm-all.c',
      supports: 'the VMM sets the attribute PRIVATE, discards the shared backing and re-runs',
    },
    {
      ref: 'kvm_activate_realm() → set_ripas_of_protected_regions(), v14 patch 27 (thread message 28)',
      supports:
        'RIPAS RAM for every guest_memfd memslot while every GFN’s attribute starts shared, so a first private touch takes this path',
      label: 'INFERRED',
    },
  ],
  'explicit-private-to-shared': [
    {
      ref: '__set_memory_enc_dec() (“arm64: Enable memory encrypt for Realms”); rsi_set_memory_range_shared(), arch/arm64/include/asm/rsi.h',
      supports: 'set_memory_decrypted() issues RSI_IPA_STATE_SET(EMPTY, RSI_CHANGE_DESTROYED)',
    },
    {
      ref: 'rec_exit_ripas_change(), v14 patch 22 (thread message 23)',
      supports: 'RMI_EXIT_RIPAS_CHANGE becomes KVM_EXIT_MEMORY_FAULT {flags=0} with -EFAULT',
    },
    {
      ref: 'kvm_arch_post_set_memory_attributes(), v14 patch 25 (thread message 26); realm_unmap_shared_range(), realm_unmap_private_range(), kvm_complete_ripas_change(), v14 patch 23 (thread message 24)',
      supports: 'the attribute change unmaps both aliases in v14; RMI_RTT_SET_RIPAS on re-entry',
    },
    {
      ref: 'TF-RMM runtime/rmi/rtt_unmap.c (RMI_RTT_DATA_UNMAP) and runtime/rmi/rtt.c (RMI_RTT_SET_RIPAS)',
      supports: 'assigned_ram → unassigned_destroyed → unassigned_empty',
    },
    { ref: SEED, supports: 'the two realm_unmap_shared_range log lines for 0x10046880000' },
  ],
  'shared-fault-vmm-written': [userMemAbort, realmMapIpa, unprotMapRmm, exitUnprot, seed],
  'shared-fault-zero-page': [
    userMemAbort,
    realmMapIpa,
    {
      ref: 'Gavin Shan, thread message 124 (2026-06-05)',
      supports: 'the WARN in realm_map_ipa() fires for read faults and QEMU stops on -EFAULT',
    },
    exitUnprot,
  ],
  'shared-force-write-zero-page': [
    seed,
    zeroPage,
    userMemAbort,
    {
      ref: 'Gavin Shan, thread message 156',
      supports: 'the failing QEMU command line: MAP_PRIVATE RAM backend (no share=yes), THP never',
    },
  ],
  'shared-force-write-memfd': [
    {
      ref: 'Gavin Shan, thread messages 154, 156',
      supports: '-object memory-backend-ram,…,share=yes makes virtio-net work',
    },
    zeroPage,
    userMemAbort,
  ],
  'fixed-read-then-write': [
    {
      ref: 'Suzuki Poulose, thread messages 152, 153',
      supports: 'map read-only on a read fault, upgrade on the permission fault by unmapping and retrying',
    },
    realmMapIpa,
    {
      ref: `${EXIT_C}; TF-RMM commit 4de93bb0`,
      supports: 'how KVM learns the fault is a write while WnR is masked is not known (the toggle)',
      label: 'UNCERTAIN',
    },
  ],
  'thp-unaligned': [thp, userMemAbort, realmMapIpa, rttDepth],
  'thp-aligned': [
    thp,
    {
      ref: `realm_map_non_secure(), ${RMI} — ${P29}`,
      supports:
        'v14 creates RTTs down to L3, the retry fails with RMI_ERROR_RTT(2) and the positive status is returned',
      label: 'INFERRED',
    },
    rttDepth,
    { ref: 'Suzuki Poulose, thread message 136', supports: 'the RTT-depth concern for block mappings' },
  ],
  'hugetlb-unaligned': [
    {
      ref: `kvm_s2_fault_get_vma_info() / kvm_s2_resolve_vma_size(), ${MMU}`,
      supports: 'vma_pagesize is 2 MiB for hugetlbfs; gfn is aligned, fault_ipa is not',
      label: 'INFERRED',
    },
    realmMapIpa,
  ],
  'invalidation-race': [
    {
      ref: `mmu_invalidate_retry() after kvm_fault_lock() in gmem_abort() / kvm_s2_fault_map(), ${MMU}`,
      supports: '-EAGAIN is turned into 0 and the guest is re-entered without a map call',
    },
    {
      ref: 'kvm_arch_post_set_memory_attributes(), v14 patch 25 (thread message 26)',
      supports: 'the attribute change invalidates the range (MMU notifier)',
    },
  ],
  'two-vcpus-same-page': [
    {
      ref: `realm_map_protected() and rmi_delegate_range(), ${RMI} — ${P29}`,
      supports: 'a failed delegation is taken as a race with another vCPU: return 0, re-enter',
    },
    {
      ref: 'Gavin Shan, thread message 105; Steven Price, message 140; post-v14 rmi.c',
      supports: 'fixed: full failure is the race, a partial delegation maps only the delegated prefix',
    },
  ],
  'memcache-exhaustion': [
    {
      ref: `topup_mmu_memcache() in gmem_abort(), ${MMU} — ${P29}`,
      supports: 'a failed top-up returns -ENOMEM, so KVM_RUN fails with ENOMEM',
    },
    {
      ref: 'realm_create_rtt_levels(), v14 patch 23 (thread message 24)',
      supports: 'RTT creation takes its pages from the memcache',
    },
  ],
  'mmio-valid-syndrome': [
    {
      ref: 'rec_exit_sync_dabt(), v14 patch 22 (thread message 23)',
      supports: 'gprs[0] is copied into the register named by SRT (0) for a valid-syndrome write',
    },
    {
      ref: `kvm_handle_guest_abort() → io_mem_abort(), ${MMU}; REC_ENTER_FLAG_EMULATED_MMIO, v14 patch 24 (thread message 25)`,
      supports:
        'no memslot: KVM_EXIT_MMIO with the shared bit stripped; the RMM skips the instruction on re-entry',
    },
    {
      ref: EXIT_C,
      supports: 'ISV=1 unprotected aborts keep ISV, SAS, SF, WnR: ESR 0x91C08047',
    },
    { ref: 'KVM_EXIT_MMIO (6): include/uapi/linux/kvm.h', supports: 'the exit the VMM sees' },
  ],
  'mmio-no-syndrome': [
    {
      ref: 'io_mem_abort() for a REC without a valid syndrome; REC_ENTER_FLAG_INJECT_SEA, v14 patch 24 (thread message 25)',
      supports: 'KVM cannot emulate the access and injects an SEA',
    },
    exitUnprot,
  ],
  'private-alias-of-shared-page': [
    {
      ref: `${EXIT_C} (ipa_is_empty())`,
      supports: 'a protected IPA whose RIPAS is EMPTY: the RMM injects an SEA and never exits to the host',
    },
  ],
  'beyond-ipa-size': [
    {
      ref: EXIT_C,
      supports: 'an IPA at or above the realm IPA size: the RMM injects an SEA, no host exit',
    },
  ],
  'realm-not-active': [
    {
      ref: `realm_map_ipa(), post-v14 ${RMI} (gwshan/linux @0242b60a8f65)`,
      supports: 'fixed returns -EBUSY unless the realm is REALM_STATE_ACTIVE; v14 patch 29 has no such check',
    },
  ],
  'ripas-change-not-protected': [
    {
      ref: 'rec_exit_ripas_change(), v14 patch 22 (thread message 23)',
      supports:
        'a range not wholly in the protected half: REC_ENTER_FLAG_RIPAS_RESPONSE (reject) and -EINVAL',
    },
    {
      ref: 'TF-RMM RSI_IPA_STATE_SET handling',
      supports: 'whether the RMM rejects such a range itself is not modelled',
      label: 'INFERRED',
    },
  ],
  'seed-fixed-anon-private': [
    seed,
    {
      ref: 'Suzuki Poulose, thread message 152; Lorenzo Pieralisi, message 155',
      supports: 'the KVM and TF-RMM fixes for MAP_PRIVATE were announced for the next posting',
    },
    realmMapIpa,
    {
      ref: `${EXIT_C}; TF-RMM commit 4de93bb0`,
      supports: 'the write is seen only if the RMM reveals it on a permission fault (the toggle)',
      label: 'UNCERTAIN',
    },
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

/**
 * A model description without its references to the brief ("Brief §8.1:", "§3.3, §3.5."): the
 * page lists the primary sources instead. Labels such as INFERRED in the removed prefix are kept.
 */
export function descriptionWithoutBriefRefs(description: string): string {
  let text = description;
  let label = '';
  const prefix = /^Brief [^:]*:\s*/.exec(text);
  if (prefix !== null) {
    if (prefix[0].includes('INFERRED')) label = 'INFERRED: ';
    text = text.slice(prefix[0].length);
  }
  text = text
    .replace(/\s*§\d+(\.\d+)*( item \d+)?(,\s*§\d+(\.\d+)*( item \d+)?)*\.?(?=\s|$)/g, '')
    .replace(/\s+\./g, '.')
    .trim();
  return label + text;
}
