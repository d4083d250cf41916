/**
 * The parsed, validated form of a scenario file (the public JSON format documented in
 * packages/model/scenario.schema.json). This file is the contract between the scenario
 * parser (src/scenario/parse.ts) and the simulator (src/sim): the parser produces exactly
 * these types, with addresses already branded and every default filled in.
 */
import type { Gpa, Hva, Ipa } from '../types/addr.js';
import type { MutationName } from '../sim/mutations.js';

/**
 * Which code the kernel side of the model follows:
 * - `v14`: the series as posted, 2026-05-13 [@v14-00] (the tree cca-host/v14);
 * - `post-v14-review`: the post-v14 development code — gwshan/linux's rmi.c and lpieralisi/linux's
 *   mmu.c — which folds in fixes proposed in the v14 review, plus those proposals where no code
 *   was found (the verification ledger says which, per function).
 * `fixed`, the earlier name of post-v14-review, is still accepted in scenario files and the CLI.
 */
export type Variant = 'v14' | 'post-v14-review';
export const VARIANTS: readonly Variant[] = ['v14', 'post-v14-review'];

/** Former names of variants, still accepted. */
export const VARIANT_ALIASES: Readonly<Record<string, Variant>> = { fixed: 'post-v14-review' };

/** What each variant follows, in a few words (pages and diagrams label themselves with it). */
export const VARIANT_INFO: Readonly<
  Record<Variant, { readonly short: string; readonly label: string; readonly tree: string }>
> = {
  v14: {
    short: 'v14',
    label: 'v14 as posted',
    tree: 'linux-arm/linux-cca cca-host/v14',
  },
  'post-v14-review': {
    short: 'post-v14',
    label: 'post-v14 code + review fixes',
    tree: 'gwshan/linux 0242b60a (rmi.c), lpieralisi/linux 241a866f (mmu.c)',
  },
};

/** A variant name, or a former one, as a Variant; undefined when it is neither. */
export function toVariant(name: string): Variant | undefined {
  return (VARIANTS as readonly string[]).includes(name)
    ? (name as Variant)
    : Object.hasOwn(VARIANT_ALIASES, name)
      ? VARIANT_ALIASES[name]
      : undefined;
}

/** QEMU-like RAM backends: memory-backend-ram (share=off/on), THP, hugetlbfs [@qemu-hostmem-ram.c; @qemu-mmap-alloc.c]. */
export type Backing = 'anon-private' | 'anon-shared' | 'thp' | 'hugetlb-2m';
export const BACKINGS: readonly Backing[] = ['anon-private', 'anon-shared', 'thp', 'hugetlb-2m'];

/**
 * Named toggles for behaviour the sources leave uncertain, for RMM versions other than the one the
 * site follows, and for local changes seen in the v14 thread. Every toggle has a default; the
 * parser fills it in. TOGGLE_INFO documents each with its sources.
 */
export interface Toggles {
  /**
   * The RMM sanitises ESR as TF-RMM did before commit 4de93bb0: unprotected aborts without a
   * valid syndrome (ISV=0) take the emulatable path. Default false (TF-RMM since 4de93bb0).
   */
  readonly rmmEsrBefore4de93bb0: boolean;
  /** The local change in the seed thread that forces W for shared-space faults. Default false. */
  readonly forceSharedWrite: boolean;
  /** The unknown "corresponding TF-RMM change" the MAP_PRIVATE fix needs (a hypothesis). Default false. */
  readonly rmmRevealsWriteOnPermissionFault: boolean;
  /**
   * A protected-IPA fault on a memslot without guest_memfd returns -EINVAL from user_mem_abort, as
   * v12 did; the v14 patches do not have the guard. Default false.
   */
  readonly nonGmemPrivateGuard: boolean;
  /**
   * gmem_abort() samples mmu_seq before the realm's attribute check, in the order x86 uses, so an
   * attribute change that lands between them is caught. In no posted code: the fix the explorer's
   * finding suggests. Default false.
   */
  readonly gmemAttributeCheckAfterMmuSeq: boolean;
}
export type ToggleName = keyof Toggles;
export const DEFAULT_TOGGLES: Toggles = {
  rmmEsrBefore4de93bb0: false,
  forceSharedWrite: false,
  rmmRevealsWriteOnPermissionFault: false,
  nonGmemPrivateGuard: false,
  gmemAttributeCheckAfterMmuSeq: false,
};

/** Toggles that were renamed or withdrawn, with what to use instead (the parser names it). */
export const RETIRED_TOGGLES: Readonly<Record<string, string>> = {
  rmmMasksWnR:
    'rmmEsrBefore4de93bb0 (with the opposite sense): no TF-RMM version reported WnR for protected aborts, and before commit 4de93bb0 an unprotected abort without a valid syndrome lost IL as it kept WnR',
};

/** One row of TOGGLE_INFO: what a toggle means, its primary sources, and whether it is uncertain. */
export interface ToggleInfo {
  readonly name: ToggleName;
  readonly default: boolean;
  readonly description: string;
  /** Citations of the primary sources, in the citation syntax of src/sources/cite.ts. */
  readonly source: string;
  readonly uncertain: boolean;
}

/** Every toggle, documented (the site's toggle table and the CLI's help are generated from it). */
export const TOGGLE_INFO: readonly ToggleInfo[] = [
  {
    name: 'rmmEsrBefore4de93bb0',
    default: false,
    description:
      'The RMM reports realm data aborts as TF-RMM did before commit 4de93bb0 (2026-04-14): an abort at an unprotected IPA without a valid syndrome (ISV=0) goes through the emulatable path, so the host sees WnR, SAS and SF but not IL (a level-3 write translation fault reads 0x90000047, not 0x92000007), FAR keeps the page offset and gprs[0] holds the low bytes of the register the instruction names. Off: TF-RMM since that commit, which keeps IL and hides WnR on that path. Protected-IPA aborts hide WnR in both.',
    source: '[@tf-rmm-4de93bb0; @tf-rmm handle_data_abort(); @tf-rmm-before-4de93bb0-exit.c:210-278]',
    uncertain: false,
  },
  {
    name: 'forceSharedWrite',
    default: false,
    description:
      "Gavin Shan's local debug change: write permission forced into every shared-space stage-2 mapping, so that QEMU was not stopped by -EFAULT. With a MAP_PRIVATE backend it maps the shared zero page writable — the seed's bug.",
    source: '[@v14-29-shan-0626a; @v14-29-poulose-0626a; @v14-29-shan-0626b]',
    uncertain: false,
  },
  {
    name: 'rmmRevealsWriteOnPermissionFault',
    default: false,
    description:
      'The "corresponding tf-RMM change" the MAP_PRIVATE fix needs, whose content is not public: here, the RMM reports WnR for permission faults on unprotected IPAs, so KVM can tell a write to a read-only shared mapping from a read. Off: TF-RMM main, which hides WnR for aborts without a valid syndrome, so such a write looks like a read and a read-only mapping is never upgraded.',
    source: '[@v14-29-poulose-0626a; @tf-rmm handle_data_abort()]',
    uncertain: true,
  },
  {
    name: 'nonGmemPrivateGuard',
    default: false,
    description:
      "user_mem_abort() refuses (-EINVAL) a protected-IPA fault on a memslot without guest_memfd, as v12 did. Off: neither v14 nor the post-v14 mmu.c has such a guard — a memslot without guest_memfd sends every fault to user_mem_abort(), and v14 patch 37 refuses only kvm_phys_addr_ioremap() for realms — so such a fault reaches realm_map_protected() with the VMM's own host page.",
    source: '[@v12-24; @v14-37; @v14-mmu.c:2482; @post-v14-lp-mmu.c:2459]',
    uncertain: false,
  },
  {
    name: 'gmemAttributeCheckAfterMmuSeq',
    default: false,
    description:
      "gmem_abort() samples mmu_seq first and checks the memory attributes after it, as x86's kvm_mmu_faultin_pfn() does, whose comment says the sequence number also catches a concurrent attribute change. In no posted code: v14 and the post-v14 mmu.c check the attributes first and sample mmu_seq after the memcache top-up, so a KVM_SET_MEMORY_ATTRIBUTES that completes in between is not seen and the fault maps a private page for a GFN that is now shared (the explorer's finding on invalidation-race, inferred from the code). Off: the code as posted.",
    source:
      '[@v14-mmu.c:1659-1685; @v14-mmu.c:1697; @post-v14-lp-mmu.c:1636-1674; @linux-x86-mmu.c:4675-4691]',
    uncertain: false,
  },
];

/**
 * The realm's state when the steps run. ACTIVE: created and activated, as the first KVM_RUN does.
 * DEAD: activation failed (the model makes kvm_create_rec() fail), so KVM's realm state is
 * REALM_STATE_DEAD and the RMM's realm is still NEW. SYSTEM_OFF: activated, then a vCPU called
 * PSCI SYSTEM_OFF, so the RMM's realm is SYSTEM_OFF while KVM's is still ACTIVE.
 */
export type RealmState = 'ACTIVE' | 'DEAD' | 'SYSTEM_OFF';

export interface RealmConfig {
  /** IPA width, 32…52. The shared bit is bit ipaBits-1. */
  readonly ipaBits: number;
  /** Realm state while the steps run (see RealmState). Default ACTIVE. */
  readonly state: RealmState;
}

export interface Memslot {
  readonly gpa: Gpa;
  /** Bytes; a multiple of 4 KiB. */
  readonly size: bigint;
  readonly hva: Hva;
  readonly guestMemfd: boolean;
  readonly backing: Backing;
}

export interface GpaRange {
  readonly gpa: Gpa;
  /** Bytes; a multiple of 4 KiB. */
  readonly size: bigint;
}

export type AccessSize = 1 | 2 | 4 | 8;

/** What the guest does. `vcpu` defaults to 0. */
export type GuestStep =
  | {
      readonly actor: 'guest';
      readonly op: 'read';
      readonly ipa: Ipa;
      readonly size: AccessSize;
      /** Whether the instruction gives a valid syndrome (ISV): a plain LDR does, LDP/SIMD/DC ZVA do not. Default true. */
      readonly isv: boolean;
      readonly vcpu: number;
      readonly interleave?: readonly Interleave[];
    }
  | {
      readonly actor: 'guest';
      readonly op: 'write';
      readonly ipa: Ipa;
      readonly value: bigint;
      readonly size: AccessSize;
      readonly isv: boolean;
      readonly vcpu: number;
      readonly interleave?: readonly Interleave[];
    }
  | {
      /** set_memory_decrypted(): RSI_IPA_STATE_SET to EMPTY with RSI_CHANGE_DESTROYED. JSON also accepts "set_memory_shared". */
      readonly actor: 'guest';
      readonly op: 'set_memory_decrypted';
      readonly ipa: Ipa;
      readonly size: bigint;
      readonly vcpu: number;
    }
  | {
      /** set_memory_encrypted(): RSI_IPA_STATE_SET to RAM with RSI_CHANGE_DESTROYED. JSON also accepts "set_memory_private". */
      readonly actor: 'guest';
      readonly op: 'set_memory_encrypted';
      readonly ipa: Ipa;
      readonly size: bigint;
      readonly vcpu: number;
    };

/** What the VMM does on its own initiative (not in reaction to an exit). */
export type VmmStep =
  | { readonly actor: 'vmm'; readonly op: 'read'; readonly gpa: Gpa; readonly size: AccessSize }
  | {
      readonly actor: 'vmm';
      readonly op: 'write';
      readonly gpa: Gpa;
      readonly value: bigint;
      readonly size: AccessSize;
    }
  | {
      readonly actor: 'vmm';
      readonly op: 'set_attributes';
      readonly gpa: Gpa;
      readonly size: bigint;
      readonly private: boolean;
    }
  | { readonly actor: 'vmm'; readonly op: 'discard'; readonly gpa: Gpa; readonly size: bigint };

/**
 * The points of a fault where the model lets other actors run (a "fault window"), in the order
 * the code reaches them. At none of them does the fault hold kvm->mmu_lock, which it takes only in
 * kvm_fault_lock(), so an invalidation or an attribute change can run there:
 * - `before_mmu_seq`: after the memcache top-up (and, in gmem_abort(), after the realm's attribute
 *   check [@v14-mmu.c:1659-1685]), before `mmu_seq = kvm->mmu_invalidate_seq` is sampled;
 * - `after_mmu_seq`: the sample was taken (kvm_s2_fault_get_vma_info() [@linux-mmu.c:1858],
 *   gmem_abort() [@linux-mmu.c:1613]);
 * - `after_page_lookup`: the page was looked up (__kvm_faultin_pfn() [@linux-mmu.c:1885],
 *   kvm_gmem_get_pfn() [@linux-mmu.c:1617]), before kvm_fault_lock() and the
 *   mmu_invalidate_retry() check under it [@linux-mmu.c:2004-2008; @linux-mmu.c:1636-1637].
 */
export type WindowPoint = 'before_mmu_seq' | 'after_mmu_seq' | 'after_page_lookup';
export const WINDOW_POINTS: readonly WindowPoint[] = ['before_mmu_seq', 'after_mmu_seq', 'after_page_lookup'];

/**
 * Steps that run inside the first fault of a guest access, at one of its windows
 * [@linux-mmu.c:1821-1862; @linux-mmu.c:1989-2075]. A guest step here is another vCPU's access,
 * run to completion inside the window (it may have windows of its own). An access lists at most
 * one block per point; a block whose window never opens (no fault reached it) runs after the access.
 */
export interface Interleave {
  readonly at: WindowPoint;
  readonly steps: readonly Step[];
}

/**
 * What the host kernel does on its own to the memory behind the VMM's mapping.
 * `migrate`: the page backing `gpa` moves to a new physical page (compaction, NUMA balancing);
 * try_to_migrate_one() replaces the PTE inside an MMU-notifier invalidation [@linux-rmap.c:2446-2459; @linux-rmap.c:2708-2726]
 * and remove_migration_ptes() installs the new page [@linux-migrate.c:346-474]. The model does
 * both in one step: a GUP in between would wait for the migration entry.
 */
export type HostStep = { readonly actor: 'host'; readonly op: 'migrate'; readonly gpa: Gpa };

export type Step = GuestStep | VmmStep | HostStep;

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly variant: Variant;
  readonly seed: number;
  readonly toggles: Toggles;
  /** Guards of the real code removed or moved (src/sim/mutations.ts); none by default. */
  readonly mutations: readonly MutationName[];
  readonly realm: RealmConfig;
  readonly memslots: readonly Memslot[];
  /** GPA ranges made PRIVATE before activation besides what vmm.gmemPrivateAtCreation does. Default none. */
  readonly private: readonly GpaRange[];
  /** What RMI_RTT_INIT_RIPAS sets to RAM at activation. Default: every guest_memfd memslot. */
  readonly ripasRam: readonly GpaRange[];
  readonly vmm: {
    /** How the VMM reacts to KVM_EXIT_MEMORY_FAULT: convert (as kvm_convert_memory) or stop. Default convert. */
    readonly onMemoryFault: 'convert' | 'stop';
    /**
     * Whether the VMM makes every guest_memfd memslot PRIVATE when it creates it, as QEMU does
     * since 9.1 [@qemu-bd3bcf69]. false: the attributes keep KVM's default, shared. Default true.
     */
    readonly gmemPrivateAtCreation: boolean;
  };
  readonly host: {
    /**
     * Pages the host can still allocate for the stage-2 memcache; topup_mmu_memcache() fails
     * with -ENOMEM when it cannot reach its minimum (scenario 14). Default: unlimited (null).
     */
    readonly freePages: number | null;
  };
  readonly steps: readonly Step[];
}
