/**
 * The glossary: every term the site uses without explaining it each time. The glossary page
 * (src/content/docs/reference/glossary.mdx) renders this table, and the glossary plugin
 * (src/plugins/glossary) shows a term's definition at its first use on every page.
 *
 * Definitions are our own words, each checked against the project brief
 * (/work/shared/brief/realm-fault-path.md, section in `brief`); `source` is the primary source a
 * reader can check it in (spec, kernel or TF-RMM file, list message). A definition that rests on
 * inference says so in `status`.
 */

export interface GlossaryTerm {
  /** The term as it is written in prose (case-sensitive). */
  readonly term: string;
  /** Anchor on the glossary page (`#term-<slug>`) and tooltip id suffix: lower case, [a-z0-9-]. */
  readonly slug: string;
  /** What an acronym stands for, when it is one. */
  readonly expansion?: string;
  /** One or two sentences in our own words. Plain text: no Markdown. */
  readonly definition: string;
  /** Where a reader checks it: spec section, kernel, TF-RMM or QEMU file, list message. */
  readonly source: string;
  /** The section of the project brief (/work/shared/brief/realm-fault-path.md) it was checked against. */
  readonly brief: string;
  /**
   * Other spellings that count as a use of the term (plurals, a capitalised first word, register
   * names). Matched case-sensitively on word boundaries, like `term`.
   */
  readonly aliases?: readonly string[];
  /** ESTABLISHED unless the definition rests on inference (the brief's labels). */
  readonly status?: 'INFERRED' | 'UNCERTAIN';
}

export const GLOSSARY: readonly GlossaryTerm[] = [
  {
    term: 'realm',
    slug: 'realm',
    definition:
      'An Arm CCA confidential VM: its protected memory and register state are managed by the RMM, not by the host, so KVM cannot read or map its private pages by itself.',
    brief: '§1.1',
    source: 'Documentation/arch/arm64/arm-cca.rst',
    aliases: ['realms', 'Realm', 'Realms'],
  },
  {
    term: 'RMM',
    slug: 'rmm',
    expansion: 'Realm Management Monitor',
    definition:
      'The firmware component that manages realms: it owns their stage-2 tables (RTTs), sanitises the fault syndrome it passes to the host, and carries out the RMI commands the host issues. TF-RMM is the reference implementation.',
    brief: '§2.2, §6',
    source: 'RMM specification DEN0137 2.0-bet1; TF-RMM (github.com/TF-RMM/tf-rmm)',
  },
  {
    term: 'RMI',
    slug: 'rmi',
    expansion: 'Realm Management Interface',
    definition:
      'The SMC interface through which the host asks the RMM to act on a realm: delegate granules, create RTTs, map and unmap pages, enter a REC. A command returns status | (index << 8); RMI_ERROR_RTT carries the RTT level in the index.',
    brief: '§6.1, §6.3',
    source: 'DEN0137; TF-RMM lib/smc/include/smc-rmi.h and lib/common/include/status.h',
  },
  {
    term: 'RSI',
    slug: 'rsi',
    expansion: 'Realm Services Interface',
    definition:
      'The SMC interface a realm uses to call the RMM, for example RSI_REALM_CONFIG to learn its IPA width and RSI_IPA_STATE_SET to change the RIPAS of a range.',
    brief: '§1.1, §4.1, §5',
    source: 'TF-RMM lib/smc/include/smc-rsi.h; arch/arm64/kernel/rsi.c',
  },
  {
    term: 'REC',
    slug: 'rec',
    expansion: 'Realm Execution Context',
    definition:
      "The RMM's object for one vCPU of a realm. KVM runs it with RMI_REC_ENTER and learns why it stopped from the REC exit record (exit reason, sanitised ESR, FAR, HPFAR).",
    brief: '§3.1',
    source: 'v14 patches 22/44 and 24/44 (thread messages 23, 25): handle_rec_exit(), kvm_rec_enter()',
    aliases: ['RECs'],
  },
  {
    term: 'RD',
    slug: 'rd',
    expansion: 'Realm Descriptor',
    definition:
      'The RMM object that describes one realm, created by RMI_REALM_CREATE; its address is the first argument of RMI commands such as RMI_RTT_DATA_MAP.',
    brief: '§1.3, §3.5',
    source: 'v14 patches 28/44 and 29/44 (thread messages 29, 30): realm_create_rd(), realm_map_protected()',
  },
  {
    term: 'RTT',
    slug: 'rtt',
    expansion: 'Realm Translation Table',
    definition:
      "A table of the realm's stage-2 translation, kept in delegated granules and changed only by the RMM. KVM creates missing levels on demand with RMI_RTT_CREATE, taking pages from its memcache.",
    brief: '§3.6',
    source: 'v14 patch 23/44 (thread message 24): realm_create_rtt_levels(); TF-RMM runtime/rmi/rtt.c',
    aliases: ['RTTs'],
  },
  {
    term: 'RTTE',
    slug: 'rtte',
    expansion: 'RTT entry',
    definition:
      'One entry of an RTT. Its state combines HIPAS and, in the protected half, RIPAS, written in TF-RMM vocabulary such as unassigned_ram, assigned_ram, unassigned_empty, assigned_ns or table.',
    brief: '§6.2',
    source: 'TF-RMM lib/s2tt/src/s2tt_pvt_defs.h',
    aliases: ['RTTEs'],
  },
  {
    term: 'RIPAS',
    slug: 'ripas',
    expansion: 'Realm IPA state',
    definition:
      "The realm's view of a protected IPA: EMPTY, RAM, DESTROYED or DEV. RMI_RTT_INIT_RIPAS sets it before activation, RMI_RTT_SET_RIPAS after the guest asks with RSI_IPA_STATE_SET; an access to an EMPTY IPA gets an SEA from the RMM without a host exit.",
    brief: '§2.2 item 2, §4.1, §6.2',
    source: 'TF-RMM runtime/core/exit.c (handle_data_abort) and runtime/rmi/rtt.c; DEN0137',
  },
  {
    term: 'HIPAS',
    slug: 'hipas',
    expansion: 'Host IPA state',
    definition:
      "The host's view of an RTT entry: UNASSIGNED, ASSIGNED or TABLE (plus ASSIGNED_DEV and AUX_DESTROYED). The 2.0-bet specification renamed these values; the kernel no longer uses them.",
    brief: '§6.2',
    source: 'TF-RMM lib/s2tt/src/s2tt_pvt_defs.h; Steven Price in the v14 thread (message 60)',
  },
  {
    term: 'PAR',
    slug: 'par',
    expansion: 'Protected Address Range',
    definition:
      "The protected half of a realm's IPA space, where the RMM owns the mappings (RMI_RTT_DATA_MAP). A fault inside it that reaches the host keeps only EC, SET, FnV, EA and DFSC of the ESR, and FAR reads 0.",
    brief: '§2.2 item 4, §6.3',
    source: 'TF-RMM runtime/core/exit.c (handle_data_abort); DEN0137',
  },
  {
    term: 'IPA',
    slug: 'ipa',
    expansion: 'Intermediate Physical Address',
    definition:
      "The address a guest uses as physical, translated to a host physical address by stage 2. A realm's IPA space is split by its top bit (bit ia_bits − 1): the lower half is protected, the upper half unprotected (shared).",
    brief: '§1.1, §1.3',
    source: 'Documentation/arch/arm64/arm-cca.rst; Arm ARM (stage 2 translation)',
    aliases: ['IPAs'],
  },
  {
    term: 'GPA',
    slug: 'gpa',
    expansion: 'Guest Physical Address',
    definition:
      "KVM's name for a guest address as memslots see it. For a realm it is the IPA with the shared bit cleared (kvm_gpa_from_fault()), so both aliases of a page have the same GPA.",
    brief: '§1.2',
    source:
      'kvm_gpa_from_fault() in arch/arm64/include/asm/kvm_emulate.h (v14 patch 29/44, thread message 30)',
    aliases: ['GPAs'],
  },
  {
    term: 'GFN',
    slug: 'gfn',
    expansion: 'Guest Frame Number',
    definition:
      'A GPA shifted right by PAGE_SHIFT: the page number KVM uses to find the memslot, the HVA and the memory attribute. GPA 0x46880000 is GFN 0x46880.',
    brief: '§1.2, §1.3',
    source: 'arch/arm64/kvm/mmu.c, kvm_handle_guest_abort() (v14 patch 29/44)',
    aliases: ['GFNs'],
  },
  {
    term: 'PFN',
    slug: 'pfn',
    expansion: 'Page Frame Number',
    definition:
      'A host physical address shifted right by PAGE_SHIFT. The fault handlers obtain one (kvm_gmem_get_pfn() for private memory, __kvm_faultin_pfn() for shared) and pass it to the RMM in an address-range descriptor.',
    brief: '§3.3, §3.4, §3.5',
    source:
      'gmem_abort() and user_mem_abort() in arch/arm64/kvm/mmu.c; addr_range_desc() in arch/arm64/kvm/rmi.c (v14 patch 29/44)',
    aliases: ['PFNs'],
  },
  {
    term: 'HVA',
    slug: 'hva',
    expansion: 'Host Virtual Address',
    definition:
      "An address in the VMM's own address space. A memslot maps its GFNs to HVAs (userspace_addr); the shared alias of a realm page is backed by the host page at that HVA.",
    brief: '§1.2, §1.3',
    source: 'kvm_handle_guest_abort() in arch/arm64/kvm/mmu.c (v14-era tree)',
    aliases: ['HVAs'],
  },
  {
    term: 'NS',
    slug: 'ns',
    expansion: 'Non-secure',
    definition:
      "The host's (Normal world) physical address space. In the realm's unprotected half, RTT entries are NS variants (unassigned_ns, assigned_ns) that map host memory with MemAttr and S2AP chosen by the host.",
    brief: '§6.2',
    source: 'TF-RMM lib/s2tt/src/s2tt_pvt_defs.h',
  },
  {
    term: 'S2AP',
    slug: 's2ap',
    expansion: 'Stage-2 access permissions',
    definition:
      'The read/write permission of a stage-2 mapping. For RMI_RTT_UNPROT_MAP the host puts it in flags bits [22:19]: RMI_S2AP_DIRECT_READ is bit 1, RMI_S2AP_DIRECT_WRITE bit 0, so 3 means read-write.',
    brief: '§3.5',
    source:
      'realm_map_non_secure() in arch/arm64/kvm/rmi.c and RmiRttUnprotMapFlags in v14 patch 04/44 (thread message 5); TF-RMM lib/smc/include/smc-rmi.h',
  },
  {
    term: 'MemAttr',
    slug: 'memattr',
    definition:
      'The memory-type field of a stage-2 mapping. For an unprotected mapping KVM passes it in RMI_RTT_UNPROT_MAP flags bits [18:16]: MT_S2_FWB_NORMAL (6) for ordinary memory, MT_S2_FWB_NORMAL_NC (5) or MT_S2_FWB_DEVICE_nGnRE (1) otherwise.',
    brief: '§3.5',
    source:
      'arch/arm64/include/asm/memory.h (MT_S2_FWB_*); realm_map_non_secure() in arch/arm64/kvm/rmi.c (v14 patch 29/44)',
    aliases: ['MEMATTR'],
  },
  {
    term: 'FWB',
    slug: 'fwb',
    expansion: 'Forced Write-Back (FEAT_S2FWB)',
    definition:
      'The Arm feature that lets the stage-2 attributes force the memory type and cacheability instead of only combining with stage 1. The MT_S2_FWB_* MemAttr values KVM uses are its encodings (6 = Normal write-back).',
    brief: '§3.5 seed log decode',
    source: 'arch/arm64/include/asm/memory.h (MT_S2_FWB_*); Arm ARM, FEAT_S2FWB',
  },
  {
    term: 'THP',
    slug: 'thp',
    expansion: 'Transparent Huge Pages',
    definition:
      "Linux's automatic use of 2 MiB pages for anonymous memory. transparent_hugepage_adjust() lets KVM map such a page as a 2 MiB block; v14 then passes the unaligned fault_ipa to realm_map_ipa(), which fails with -EINVAL.",
    brief: '§3.4 step 4, §7 item 1, §8.9',
    source:
      'transparent_hugepage_adjust() and kvm_s2_fault_map() in arch/arm64/kvm/mmu.c; Gavin Shan in the v14 29/44 thread (message 124)',
  },
  {
    term: 'memslot',
    slug: 'memslot',
    definition:
      'A GPA range the VMM registers with KVM, with the HVA of its backing (userspace_addr) and, for private memory, a guest_memfd. Realm memslots are indexed by the stripped GPA, so both aliases find the same memslot.',
    brief: '§1.2',
    source: 'kvm_handle_guest_abort() in arch/arm64/kvm/mmu.c (v14 patch 29/44)',
    aliases: ['memslots'],
  },
  {
    term: 'guest_memfd',
    slug: 'guest-memfd',
    definition:
      "Guest-private memory that KVM allocates behind a file descriptor rather than through the VMM's mapping. The protected alias of a guest_memfd memslot is backed by it; gmem_abort() gets its pages with kvm_gmem_get_pfn().",
    brief: '§1.2, §3.3',
    source: 'gmem_abort() in arch/arm64/kvm/mmu.c (v14 patch 29/44)',
  },
  {
    term: 'memcache',
    slug: 'memcache',
    definition:
      "The vCPU's stage-2 page cache (vcpu->arch.mmu_page_cache), topped up before the fault takes its locks. For a realm, pages from it are delegated to become new RTTs; it is topped up to stage-2 levels − 1, i.e. 2 pages for a 3-level stage 2.",
    brief: '§3.3 step 3, §3.6, §8.14',
    source:
      'gmem_abort() in arch/arm64/kvm/mmu.c; realm_create_rtt_levels() in arch/arm64/kvm/rmi.c (v14 patch 23/44)',
  },
  {
    term: 'granule',
    slug: 'granule',
    definition:
      'The 4 KiB unit of physical memory whose ownership the RMM tracks. The host delegates granules (RMI_GRANULE_RANGE_DELEGATE) before they can hold realm data, RTTs or an RD, and undelegates them afterwards.',
    brief: '§0, §6.3',
    source: 'DEN0137; TF-RMM runtime/rmi/granule.c',
    aliases: ['granules'],
  },
  {
    term: 'SEA',
    slug: 'sea',
    expansion: 'Synchronous External Abort',
    definition:
      'An abort the guest receives for an access that cannot complete. The RMM injects one itself for an EMPTY protected IPA or an IPA beyond the realm size; KVM asks for one (REC_ENTER_FLAG_INJECT_SEA) for MMIO it cannot emulate.',
    brief: '§2.2 items 2–3, §3.2 step 7, §8.16–8.18',
    source:
      'TF-RMM runtime/core/exit.c (handle_data_abort); io_mem_abort() for RECs, v14 patch 24/44 (thread message 25)',
    aliases: ['SEAs'],
  },
  {
    term: 'ESR',
    slug: 'esr',
    expansion: 'Exception Syndrome Register (ESR_EL2)',
    definition:
      'The register describing why an exception was taken: class (EC), ISV, WnR, DFSC and more. For a realm the host never reads it from hardware; the RMM writes a sanitised copy into the REC exit.',
    brief: '§2.1, §2.2',
    source: 'Arm ARM, ESR_EL2; TF-RMM lib/arch/include/arch.h and runtime/core/exit.c',
    aliases: ['ESR_EL2'],
  },
  {
    term: 'DFSC',
    slug: 'dfsc',
    expansion: 'Data Fault Status Code',
    definition:
      'ESR bits [5:0]: the kind of data abort and its level. 0x04–0x07 is a translation fault at level 0–3, 0x08–0x0B an access-flag fault, 0x0C–0x0F a permission fault, 0x10 a synchronous external abort.',
    brief: '§2.1',
    source: 'Arm ARM, ESR_EL2 ISS encoding for data aborts; TF-RMM lib/arch/include/arch.h',
  },
  {
    term: 'ISV',
    slug: 'isv',
    expansion: 'Instruction Syndrome Valid',
    definition:
      'ESR bit 24: when set, the syndrome describes the access (size, register) well enough to emulate it. LDP/STP, SIMD and DC ZVA give ISV = 0; KVM cannot emulate such an MMIO access and injects an SEA.',
    brief: '§2.1, §2.2 items 5–6, §8.16',
    source: 'Arm ARM, ESR_EL2; TF-RMM runtime/core/exit.c',
  },
  {
    term: 'WnR',
    slug: 'wnr',
    expansion: 'Write not Read',
    definition:
      'ESR bit 6: 1 for a write, 0 for a read. TF-RMM hides it for protected-IPA aborts and for unprotected aborts with ISV = 0, so KVM sees those writes as reads.',
    brief: '§2.1, §2.2 items 4–5',
    source:
      'TF-RMM commit 4de93bb0 (runtime/core/exit.c); kvm_is_write_fault() in arch/arm64/include/asm/kvm_emulate.h',
  },
  {
    term: 'FAR',
    slug: 'far',
    expansion: 'Fault Address Register (FAR_EL2)',
    definition:
      'The virtual address of the faulting access. For a realm the RMM reports 0 for protected-IPA aborts, and FAR_EL2 with the granule offset bits cleared for emulatable unprotected ones.',
    brief: '§2.2 items 4, 6',
    source: 'TF-RMM runtime/core/exit.c (handle_data_abort)',
    aliases: ['FAR_EL2'],
  },
  {
    term: 'HPFAR',
    slug: 'hpfar',
    expansion: 'Hypervisor IPA Fault Address Register (HPFAR_EL2)',
    definition:
      'The register giving the faulting IPA: its FIPA field, bits [43:4], holds IPA[51:12], so the value is IPA >> 8. The RMM passes it through; KVM reads the fault IPA from it.',
    brief: '§1.3, §2.2 item 7',
    source:
      'TF-RMM lib/arch/include/arch.h (HPFAR_EL2_FIPA_OFFSET); handle_rec_exit(), v14 patch 22/44 (thread message 23)',
    aliases: ['HPFAR_EL2'],
  },
  {
    term: 'MMIO',
    slug: 'mmio',
    expansion: 'Memory-mapped I/O',
    definition:
      "Device registers reached by loads and stores. In a realm the guest reaches emulated devices through the unprotected alias of an address with no memslot; KVM's io_mem_abort() hands the access to the VMM as KVM_EXIT_MMIO.",
    brief: '§1.1, §1.2, §8.15',
    source:
      'Documentation/arch/arm64/arm-cca.rst; io_mem_abort() in arch/arm64/kvm/mmu.c (v14 patches 24/44, 29/44)',
  },
  {
    term: 'VMM',
    slug: 'vmm',
    expansion: 'Virtual Machine Monitor',
    definition:
      'The user-space program that drives KVM (here QEMU): it registers memslots, calls KVM_RUN, emulates MMIO and converts pages between private and shared on KVM_EXIT_MEMORY_FAULT.',
    brief: '§4.1 host step 3, §8',
    source: 'QEMU accel/kvm/kvm-all.c (kvm_convert_memory)',
  },
  {
    term: 'KVM_RUN',
    slug: 'kvm-run',
    definition:
      'The vCPU ioctl that runs the guest. It returns 0 with run->exit_reason set when the VMM must act, or −1 with errno; KVM_EXIT_MEMORY_FAULT comes with −1 and EFAULT.',
    brief: '§3.2 step 12, §4.3',
    source: 'KVM API documentation (Documentation/virt/kvm/api.rst), KVM_RUN and KVM_EXIT_MEMORY_FAULT',
  },
  {
    term: 'CoW',
    slug: 'cow',
    expansion: 'copy-on-write',
    definition:
      'How a MAP_PRIVATE page is shared read-only until someone writes it; a write fault (GUP with FOLL_WRITE) "breaks CoW" and gives the writer its own copy.',
    brief: '§7, §8.8',
    source: 'Suzuki K Poulose and Gavin Shan in the v14 29/44 thread (messages 152, 154)',
  },
  {
    term: 'zero page',
    slug: 'zero-page',
    definition:
      "The kernel's single shared page of zeros. A read of untouched MAP_PRIVATE anonymous memory maps it; forcing write permission onto it made several shared IPAs alias one page in the seed bug.",
    brief: '§7, §8.5–8.6',
    source: 'Gavin Shan in the v14 29/44 thread (message 154)',
  },
];

/** Terms by slug (the glossary page's anchors). */
export const GLOSSARY_BY_SLUG: ReadonlyMap<string, GlossaryTerm> = new Map(GLOSSARY.map((t) => [t.slug, t]));

/** The glossary page and the anchor of a term on it. */
export const GLOSSARY_PATH = '/reference/glossary/';
export function glossaryHref(term: GlossaryTerm): string {
  return `${GLOSSARY_PATH}#term-${term.slug}`;
}

/** The text shown in a tooltip: expansion first, then the definition. */
export function tooltipText(term: GlossaryTerm): string {
  return term.expansion
    ? `${term.term}: ${term.expansion}. ${term.definition}`
    : `${term.term}: ${term.definition}`;
}
