import { href } from '../site-base';
/**
 * The glossary: every term the site uses without explaining it each time. The glossary page
 * (src/content/docs/reference/glossary.mdx) renders this table, and the glossary plugin
 * (src/plugins/glossary) shows a term's definition at its first use on every page.
 *
 * Definitions are our own words and plain text, because the tooltips show them as they are.
 * `source` names where a reader checks the definition, as citations of primary sources in the
 * project's syntax (`[@v14 gmem_abort()]`, `[@tf-rmm-exit.c:275-280]`;
 * packages/model/src/sources/cite.ts), with a few plain words where a source has no registry entry.
 * A definition that rests on inference says so in `status`.
 */

export interface GlossaryTerm {
  /** The term as it is written in prose (case-sensitive). */
  readonly term: string;
  /** Anchor on the glossary page (`#term-<slug>`) and tooltip id suffix: lower case, [a-z0-9-]. */
  readonly slug: string;
  /** What an acronym stands for, when it is one. */
  readonly expansion?: string;
  /** One or two sentences in our own words. Plain text: no Markdown, no citations. */
  readonly definition: string;
  /** Where a reader checks it: citations of the primary sources, in the syntax described above. */
  readonly source: string;
  /**
   * Other spellings that count as a use of the term (plurals, a capitalised first word, register
   * names). Matched case-sensitively on word boundaries, like `term`.
   */
  readonly aliases?: readonly string[];
  /** ESTABLISHED unless the definition rests on inference. */
  readonly status?: 'INFERRED' | 'UNCERTAIN';
}

export const GLOSSARY: readonly GlossaryTerm[] = [
  {
    term: 'realm',
    slug: 'realm',
    definition:
      'An Arm CCA confidential VM: its protected memory and register state are managed by the RMM, not by the host, so KVM cannot read or map its private pages by itself.',
    source: 'Documentation/arch/arm64/arm-cca.rst (Linux v7.1.8), lines 7–30; [@rmm-spec]',
    aliases: ['realms', 'Realm', 'Realms'],
  },
  {
    term: 'seed',
    slug: 'seed',
    definition:
      "Gavin Shan's report of 2026-06-25 in the thread of v14 patch 29/44, which started this project: virtio descriptors a realm guest wrote to shared memory were not seen by QEMU. The cause was his local change forcing write permission onto shared mappings, which mapped the shared zero page writable.",
    source: '[@v14-29-shan-0625; @v14-29-poulose-0626a; @v14-29-shan-0626b]',
    aliases: ["seed's"],
  },
  {
    term: 'post-v14-review',
    slug: 'post-v14-review',
    definition:
      "The site's name for the post-v14 development code of the KVM CCA series — gwshan/linux rmi.c at 0242b60a and lpieralisi/linux mmu.c at 241a866f — which folds in fixes proposed in the v14 review. The other variant, v14, is the series as posted on 2026-05-13. The model also accepts the former name, fixed.",
    source: '[@post-v14-gw-rmi.c; @post-v14-lp-mmu.c; @v14-00]',
  },
  {
    term: 'RMM',
    slug: 'rmm',
    expansion: 'Realm Management Monitor',
    definition:
      'The firmware component in the Realm world that manages realms: it owns their stage-2 tables (RTTs), sanitises the fault syndrome it passes to the host, and carries out the RMI commands the host issues. TF-RMM is the reference implementation.',
    source: '[@rmm-spec; @tf-rmm handle_data_abort(); @tf-rmm-handler.c:106-177]',
  },
  {
    term: 'RMI',
    slug: 'rmi',
    expansion: 'Realm Management Interface',
    definition:
      'The SMC interface through which the host asks the RMM to act on a realm: delegate granules, create RTTs, map and unmap pages, enter a REC. A command returns status | (index << 8); RMI_ERROR_RTT carries the RTT level in the index.',
    source: '[@tf-rmm-smc-rmi.h:26-113; @tf-rmm-status.h:24-67; @v14-rmi_smc.h:136-157]',
  },
  {
    term: 'RSI',
    slug: 'rsi',
    expansion: 'Realm Services Interface',
    definition:
      'The SMC interface a realm uses to call the RMM, for example RSI_REALM_CONFIG to learn its IPA width and RSI_IPA_STATE_SET to change the RIPAS of a range. The RMM refuses an RSI_IPA_STATE_SET range that is not wholly in the protected half itself, without a host exit.',
    source: '[@tf-rmm-smc-rsi.h:170-181; @tf-rmm-rsi-memory.c:33-40; @linux-rsi.c:142-161]',
  },
  {
    term: 'REC',
    slug: 'rec',
    expansion: 'Realm Execution Context',
    definition:
      "The RMM's object for one vCPU of a realm. KVM runs it with RMI_REC_ENTER and learns why it stopped from the REC exit record (exit reason, sanitised ESR, FAR, HPFAR).",
    source: '[@v14 kvm_rec_enter(); @v14 handle_rec_exit(); @tf-rmm RMI_REC_ENTER()]',
    aliases: ['RECs'],
  },
  {
    term: 'RD',
    slug: 'rd',
    expansion: 'Realm Descriptor',
    definition:
      'The RMM object that describes one realm, created by RMI_REALM_CREATE; its address is the first argument of RMI commands such as RMI_RTT_DATA_MAP.',
    source: '[@v14 realm_create_rd(); @v14 realm_map_protected(); @tf-rmm RMI_REALM_CREATE()]',
  },
  {
    term: 'RTT',
    slug: 'rtt',
    expansion: 'Realm Translation Table',
    definition:
      "A table of the realm's stage-2 translation, kept in delegated granules and changed only by the RMM. KVM creates missing levels on demand with RMI_RTT_CREATE, taking pages from its memcache.",
    source: '[@v14 realm_create_rtt_levels(); @tf-rmm RMI_RTT_CREATE()]',
    aliases: ['RTTs'],
  },
  {
    term: 'RTTE',
    slug: 'rtte',
    expansion: 'RTT entry',
    definition:
      'One entry of an RTT. Its state combines HIPAS and, in the protected half, RIPAS, written in TF-RMM vocabulary such as unassigned_ram, assigned_ram, unassigned_empty, assigned_ns or table.',
    source: '[@tf-rmm-s2tt_pvt_defs.h:13-85]',
    aliases: ['RTTEs'],
  },
  {
    term: 'RIPAS',
    slug: 'ripas',
    expansion: 'Realm IPA state',
    definition:
      "The realm's view of a protected IPA: EMPTY, RAM, DESTROYED or DEV. RMI_RTT_INIT_RIPAS sets it before activation, RMI_RTT_SET_RIPAS after the guest asks with RSI_IPA_STATE_SET, and unmapping a RAM page makes it DESTROYED; an access to an EMPTY IPA gets an SEA from the RMM without a host exit.",
    source:
      '[@tf-rmm-smc-rmi.h:299-311; @tf-rmm RMI_RTT_INIT_RIPAS(); @tf-rmm RMI_RTT_SET_RIPAS(); @tf-rmm RMI_RTT_DATA_UNMAP(); @tf-rmm-exit.c:228-237]',
  },
  {
    term: 'HIPAS',
    slug: 'hipas',
    expansion: 'Host IPA state',
    definition:
      "The host's view of an RTT entry: UNASSIGNED, ASSIGNED or TABLE (plus ASSIGNED_DEV and AUX_DESTROYED) in TF-RMM. The 2.0-bet specification renamed these values; the kernel no longer uses them.",
    source: '[@tf-rmm-smc-rmi.h:188-193; @v14-04-price-0520]',
  },
  {
    term: 'PAR',
    slug: 'par',
    expansion: 'Protected Address Range',
    definition:
      "The protected lower half of a realm's IPA space, where the RMM owns the mappings (RMI_RTT_DATA_MAP). A fault inside it that reaches the host keeps only EC, SET, FnV, EA and DFSC of the ESR, and FAR reads 0.",
    source: '[@tf-rmm-realm.h:419-438; @tf-rmm-exit.c:259-263]',
  },
  {
    term: 'IPA',
    slug: 'ipa',
    expansion: 'Intermediate Physical Address',
    definition:
      "The address a guest uses as physical, translated to a host physical address by stage 2. A realm's IPA space is split by its top bit (bit ia_bits − 1): the lower half is protected, the upper half unprotected (shared).",
    source: 'Documentation/arch/arm64/arm-cca.rst (Linux v7.1.8), lines 23–30; [@v14-kvm_rmi.h:121-125]',
    aliases: ['IPAs'],
  },
  {
    term: 'shared alias',
    slug: 'shared-alias',
    definition:
      'The address of a realm page in the unprotected half: its IPA with the shared bit (bit ia_bits − 1) set. It is backed by the host page at the memslot HVA and mapped with RMI_RTT_UNPROT_MAP; the page with the bit clear is the protected (private) alias.',
    source: '[@v14-kvm_emulate.h:715-721; @v14 shared_ipa_fault(); @v14 realm_map_non_secure()]',
  },
  {
    term: 'GPA',
    slug: 'gpa',
    expansion: 'Guest Physical Address',
    definition:
      "KVM's name for a guest address as memslots see it. For a realm it is the IPA with the shared bit cleared (kvm_gpa_from_fault()), so both aliases of a page have the same GPA.",
    source: '[@v14-kvm_emulate.h:715-721; @v14-mmu.c:2409]',
    aliases: ['GPAs'],
  },
  {
    term: 'GFN',
    slug: 'gfn',
    expansion: 'Guest Frame Number',
    definition:
      'A GPA shifted right by PAGE_SHIFT: the page number KVM uses to find the memslot, the HVA and the memory attribute. GPA 0x46880000 is GFN 0x46880.',
    source: '[@v14-mmu.c:2409; @linux-kvm_host.h:2537-2552]',
    aliases: ['GFNs'],
  },
  {
    term: 'PFN',
    slug: 'pfn',
    expansion: 'Page Frame Number',
    definition:
      'A host physical address shifted right by PAGE_SHIFT. The fault handlers obtain one (kvm_gmem_get_pfn() for private memory, __kvm_faultin_pfn() for shared) and pass it to the RMM in an address-range descriptor.',
    source: '[@v14 gmem_abort(); @v14 user_mem_abort(); @v14 addr_range_desc()]',
    aliases: ['PFNs'],
  },
  {
    term: 'HVA',
    slug: 'hva',
    expansion: 'Host Virtual Address',
    definition:
      "An address in the VMM's own address space. A memslot maps its GFNs to HVAs (userspace_addr); the shared alias of a realm page is backed by the host page at that HVA.",
    source: '[@v14 kvm_handle_guest_abort(); @v14 user_mem_abort()]',
    aliases: ['HVAs'],
  },
  {
    term: 'NS',
    slug: 'ns',
    expansion: 'Non-secure',
    definition:
      "The host's (Normal world) physical address space. In the realm's unprotected half, RTT entries are NS variants (unassigned_ns, assigned_ns) that map host memory with MemAttr and S2AP chosen by the host.",
    source: '[@tf-rmm-s2tt_pvt_defs.h:13-85; @tf-rmm RMI_RTT_UNPROT_MAP()]',
  },
  {
    term: 'S2AP',
    slug: 's2ap',
    expansion: 'Stage-2 access permissions',
    definition:
      'The read/write permission of a stage-2 mapping. For RMI_RTT_UNPROT_MAP the host puts it in flags bits [22:19]: RMI_S2AP_DIRECT_READ is bit 1, RMI_S2AP_DIRECT_WRITE bit 0, so 3 means read-write; TF-RMM refuses any other bit.',
    source:
      '[@v14-rmi_smc.h:439-446; @tf-rmm-smc-rmi.h:1302-1320; @tf-rmm RMI_RTT_UNPROT_MAP(); @v14 realm_map_non_secure()]',
  },
  {
    term: 'MemAttr',
    slug: 'memattr',
    definition:
      'The memory-type field of a stage-2 mapping. For an unprotected mapping KVM passes it in RMI_RTT_UNPROT_MAP flags bits [18:16]: MT_S2_FWB_NORMAL (6) for ordinary memory, MT_S2_FWB_NORMAL_NC (5) or MT_S2_FWB_DEVICE_nGnRE (1) otherwise; TF-RMM refuses 4, a reserved encoding.',
    source: '[@linux-memory.h:192-195; @v14 realm_map_non_secure(); @tf-rmm-s2tt_pvt_defs.h:193-200]',
    aliases: ['MEMATTR'],
  },
  {
    term: 'FWB',
    slug: 'fwb',
    expansion: 'Forced Write-Back (FEAT_S2FWB)',
    definition:
      'The Arm feature that lets the stage-2 attributes force the memory type and cacheability instead of only combining with stage 1. The MT_S2_FWB_* MemAttr values KVM uses are its encodings (6 = Normal write-back).',
    source: '[@linux-memory.h:192-195; @tf-rmm-s2tt_pvt_defs.h:193-200]',
  },
  {
    term: 'THP',
    slug: 'thp',
    expansion: 'Transparent Huge Pages',
    definition:
      "Linux's automatic use of 2 MiB pages for anonymous memory. transparent_hugepage_adjust() lets KVM map such a page as a 2 MiB block; v14 then passes the unaligned fault IPA to realm_map_ipa(), and realm_map_non_secure() refuses the block with -EINVAL. Post-v14 code aligns the IPA down to the block.",
    source:
      '[@v14-mmu.c:2124-2134; @v14 realm_map_non_secure(); @post-v14 realm_map_ipa(); @v14-29-shan-0605a]',
  },
  {
    term: 'memslot',
    slug: 'memslot',
    definition:
      'A GPA range the VMM registers with KVM, with the HVA of its backing (userspace_addr) and, for private memory, a guest_memfd. Realm memslots are indexed by the stripped GPA, so both aliases find the same memslot.',
    source: '[@v14-mmu.c:2409; @qemu-kvm-all.c:1505-1627]',
    aliases: ['memslots'],
  },
  {
    term: 'guest_memfd',
    slug: 'guest-memfd',
    definition:
      "Guest-private memory that KVM allocates behind a file descriptor rather than through the VMM's mapping. The protected alias of a guest_memfd memslot is backed by it; gmem_abort() gets its pages with kvm_gmem_get_pfn(). QEMU makes every guest_memfd memslot private when it creates it.",
    source: '[@linux-guest_memfd.c:788-819; @v14 gmem_abort(); @qemu-kvm-all.c:1612-1619; @qemu-bd3bcf69]',
  },
  {
    term: 'memcache',
    slug: 'memcache',
    definition:
      "The vCPU's stage-2 page cache (vcpu->arch.mmu_page_cache), topped up before the fault takes its locks. For a realm, pages from it are delegated to become new RTTs; it is topped up to stage-2 levels − 1, i.e. 2 pages for a 3-level stage 2.",
    source: '[@linux-mmu.c:1530-1538; @v14 gmem_abort(); @v14 alloc_rtt()]',
  },
  {
    term: 'granule',
    slug: 'granule',
    definition:
      'The 4 KiB unit of physical memory whose ownership the RMM tracks. The host delegates granules (RMI_GRANULE_RANGE_DELEGATE) before they can hold realm data, RTTs or an RD, and undelegates them afterwards.',
    source: '[@tf-rmm RMI_GRANULE_RANGE_DELEGATE(); @tf-rmm-utils_def.h:151-152]',
    aliases: ['granules'],
  },
  {
    term: 'delegation',
    slug: 'delegation',
    definition:
      'Handing a granule from the Normal world to the Realm world with RMI_GRANULE_RANGE_DELEGATE, after which the host can no longer access it and the RMM can use it as realm data, an RTT or an RD. TF-RMM delegates one granule per call; KVM loops over the range in rmi_delegate_range().',
    source: '[@tf-rmm RMI_GRANULE_RANGE_DELEGATE(); @v14 rmi_delegate_range(); @v14-03]',
  },
  {
    term: 'SEA',
    slug: 'sea',
    expansion: 'Synchronous External Abort',
    definition:
      'An abort the guest receives for an access that cannot complete. The RMM injects one itself for an EMPTY protected IPA or an IPA beyond the realm size; KVM asks for one (REC_ENTER_FLAG_INJECT_SEA) for MMIO it cannot emulate.',
    source: '[@tf-rmm-exit.c:228-256; @v14 io_mem_abort(); @v14-inject_fault.c:229-233]',
    aliases: ['SEAs'],
  },
  {
    term: 'ESR',
    slug: 'esr',
    expansion: 'Exception Syndrome Register (ESR_EL2)',
    definition:
      'The register describing why an exception was taken: class (EC), ISV, WnR, DFSC and more. For a realm the host never reads it from hardware; the RMM writes a masked copy into the REC exit (0xFC001E3F for a protected IPA).',
    source: '[@tf-rmm-arch.h:359-437; @tf-rmm handle_data_abort()]',
    aliases: ['ESR_EL2'],
  },
  {
    term: 'DFSC',
    slug: 'dfsc',
    expansion: 'Data Fault Status Code',
    definition:
      'ESR bits [5:0]: the kind of data abort and its level. 0x04–0x07 is a translation fault at level 0–3, 0x08–0x0B an access-flag fault, 0x0C–0x0F a permission fault, 0x10 a synchronous external abort.',
    source: '[@tf-rmm-arch.h:413-422]',
  },
  {
    term: 'ISV',
    slug: 'isv',
    expansion: 'Instruction Syndrome Valid',
    definition:
      'ESR bit 24: when set, the syndrome describes the access (size, register) well enough to emulate it. LDP/STP, SIMD and DC ZVA give ISV = 0; KVM cannot emulate such an MMIO access and has an SEA injected into a realm.',
    source: '[@tf-rmm-exit.c:265-280; @v14 io_mem_abort()]',
  },
  {
    term: 'WnR',
    slug: 'wnr',
    expansion: 'Write not Read',
    definition:
      'ESR bit 6: 1 for a write, 0 for a read. TF-RMM hides it for protected-IPA aborts and, since commit 4de93bb0, for unprotected aborts with ISV = 0, so KVM sees those writes as reads.',
    source: '[@tf-rmm-exit.c:259-273; @tf-rmm-4de93bb0; @linux-kvm_emulate.h:480-502]',
  },
  {
    term: 'FAR',
    slug: 'far',
    expansion: 'Fault Address Register (FAR_EL2)',
    definition:
      'The virtual address of the faulting access. TF-RMM reports it only for an emulatable (ISV = 1) abort at an unprotected IPA, and then only bits [11:0], the offset in the 4 KiB granule; every other realm exit has FAR = 0, and an external abort has FAR = HPFAR = 0.',
    source: '[@tf-rmm-exit.c:275-280; @tf-rmm-exit.c:215; @tf-rmm-exit.c:170-176; @tf-rmm-run.c:385-390]',
    aliases: ['FAR_EL2'],
  },
  {
    term: 'HPFAR',
    slug: 'hpfar',
    expansion: 'Hypervisor IPA Fault Address Register (HPFAR_EL2)',
    definition:
      'The register giving the faulting IPA: its FIPA field, bits [43:4], holds IPA[51:12], so the value is IPA >> 8. The RMM passes it through, except for an external abort (0); KVM reads the fault IPA from it.',
    source: '[@tf-rmm-arch.h:956-959; @tf-rmm-exit.c:282-289; @v14 handle_rec_exit()]',
    aliases: ['HPFAR_EL2'],
  },
  {
    term: 'MMIO',
    slug: 'mmio',
    expansion: 'Memory-mapped I/O',
    definition:
      "Device registers reached by loads and stores. In a realm the guest reaches emulated devices through the unprotected alias of an address with no memslot; KVM's io_mem_abort() hands the access to the VMM as KVM_EXIT_MMIO, at the address without the shared bit.",
    source: '[@v14-mmu.c:2454; @v14 io_mem_abort(); @v14-mmio.c:143-156]',
  },
  {
    term: 'VMM',
    slug: 'vmm',
    expansion: 'Virtual Machine Monitor',
    definition:
      'The user-space program that drives KVM (here QEMU): it registers memslots, calls KVM_RUN, emulates MMIO and converts pages between private and shared on KVM_EXIT_MEMORY_FAULT.',
    source: '[@qemu-kvm-all.c:3154-3344; @qemu-kvm-all.c:3057-3152]',
  },
  {
    term: 'KVM_RUN',
    slug: 'kvm-run',
    definition:
      'The vCPU ioctl that runs the guest. It returns 0 with run->exit_reason set when the VMM must act, or −1 with errno; KVM_EXIT_MEMORY_FAULT comes with −1 and EFAULT.',
    source: '[@linux-api.rst:7247-7267; @v14-rmi-exit.c:144-147]',
  },
  {
    term: 'CoW',
    slug: 'cow',
    expansion: 'copy-on-write',
    definition:
      'How a MAP_PRIVATE page is shared read-only until someone writes it; a write fault (GUP with FOLL_WRITE) "breaks CoW" and gives the writer its own copy, with an MMU-notifier invalidation around the change.',
    source: '[@linux-memory.c:3853-4002; @v14-29-poulose-0626a]',
  },
  {
    term: 'zero page',
    slug: 'zero-page',
    definition:
      "The kernel's single shared page of zeros. A read of untouched MAP_PRIVATE anonymous memory maps it; forcing write permission onto it made several shared IPAs alias one page in the seed bug.",
    source: '[@linux-memory.c:3853-4002; @v14-29-shan-0626b]',
  },
];

/** Terms by slug (the glossary page's anchors). */
export const GLOSSARY_BY_SLUG: ReadonlyMap<string, GlossaryTerm> = new Map(GLOSSARY.map((t) => [t.slug, t]));

/** The glossary page and the anchor of a term on it. */
export const GLOSSARY_PATH = '/reference/glossary/';
export function glossaryHref(term: GlossaryTerm): string {
  return href(`${GLOSSARY_PATH}#term-${term.slug}`);
}

/** The text shown in a tooltip: expansion first, then the definition. */
export function tooltipText(term: GlossaryTerm): string {
  return term.expansion
    ? `${term.term}: ${term.expansion}. ${term.definition}`
    : `${term.term}: ${term.definition}`;
}
