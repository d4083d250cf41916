/**
 * The parsed, validated form of a scenario file (the public JSON format documented in
 * packages/model/scenario.schema.json). This file is the contract between the scenario
 * parser (src/scenario/parse.ts) and the simulator (src/sim): the parser produces exactly
 * these types, with addresses already branded and every default filled in.
 */
import type { Gpa, Hva, Ipa } from '../types/addr.js';

/** `v14`: the series as posted. `fixed`: post-v14 rmi.c plus the reviewers' proposals (brief §3.5, §3.7). */
export type Variant = 'v14' | 'fixed';
export const VARIANTS: readonly Variant[] = ['v14', 'fixed'];

/** QEMU-like RAM backends (brief §7, §8). */
export type Backing = 'anon-private' | 'anon-shared' | 'thp' | 'hugetlb-2m';
export const BACKINGS: readonly Backing[] = ['anon-private', 'anon-shared', 'thp', 'hugetlb-2m'];

/**
 * Named toggles for behaviour the brief marks UNCERTAIN or for local changes seen in the thread.
 * Every toggle has a default; the parser fills it in.
 */
export interface Toggles {
  /** TF-RMM since 4de93bb0 hides WnR for protected and ISV=0 aborts (brief §2.2 items 4–5). Default true. */
  readonly rmmMasksWnR: boolean;
  /** The local change in the seed thread that forces W for shared-space faults (brief §7, msg 151). Default false. */
  readonly forceSharedWrite: boolean;
  /** The unknown "corresponding TF-RMM change" of brief §9.1 hypothesis (a). Default false. */
  readonly rmmRevealsWriteOnPermissionFault: boolean;
  /**
   * A protected-IPA fault on a memslot without guest_memfd returns -EINVAL from user_mem_abort, as
   * v12 did; v14's patch 29 diff does not show the guard (brief §3.2, §9.4, UNCERTAIN). Default false.
   */
  readonly nonGmemPrivateGuard: boolean;
}
export type ToggleName = keyof Toggles;
export const DEFAULT_TOGGLES: Toggles = {
  rmmMasksWnR: true,
  forceSharedWrite: false,
  rmmRevealsWriteOnPermissionFault: false,
  nonGmemPrivateGuard: false,
};

/** One row of TOGGLE_INFO: what a toggle means, where the brief says so, and whether it is uncertain. */
export interface ToggleInfo {
  readonly name: ToggleName;
  readonly default: boolean;
  readonly description: string;
  readonly source: string;
  readonly uncertain: boolean;
}

/** Every toggle, documented (the site's toggle table and the CLI's help are generated from it). */
export const TOGGLE_INFO: readonly ToggleInfo[] = [
  {
    name: 'rmmMasksWnR',
    default: true,
    description:
      'The RMM hides WnR from the host for protected-IPA aborts and for unprotected aborts without a valid syndrome (ISV=0), as TF-RMM does since commit 4de93bb0. Off: the pre-2026-04 behaviour, where WnR is reported.',
    source: 'brief §2.2 items 4–5, §2.3; TF-RMM 4de93bb0',
    uncertain: false,
  },
  {
    name: 'forceSharedWrite',
    default: false,
    description:
      "Gavin Shan's local debug change: force write permission into every shared-space stage-2 mapping. With a MAP_PRIVATE backend it maps the shared zero page writable — the seed's bug.",
    source: 'brief §7 (S-THREAD msg 151), §8.6',
    uncertain: false,
  },
  {
    name: 'rmmRevealsWriteOnPermissionFault',
    default: false,
    description:
      'The unknown "corresponding TF-RMM change": the RMM reports WnR for permission faults on unprotected IPAs, so KVM can tell a write to a read-only shared mapping from a read (hypothesis (a)). Off: the write is invisible and a read-only mapping is never upgraded.',
    source: 'brief §8.8, §9.1 (S-THREAD msg 152)',
    uncertain: true,
  },
  {
    name: 'nonGmemPrivateGuard',
    default: false,
    description:
      'user_mem_abort() refuses (-EINVAL) a protected-IPA fault on a memslot without guest_memfd, as v12 did. Off: v14 as posted maps an ordinary host page through realm_map_protected().',
    source: 'brief §3.2, §9.4 (S-V12; S-THREAD msg 38)',
    uncertain: true,
  },
];

export type RealmState = 'NEW' | 'ACTIVE' | 'SYSTEM_OFF';

export interface RealmConfig {
  /** IPA width, 32…52. The shared bit is bit ipaBits-1. */
  readonly ipaBits: number;
  /** Realm state while the steps run. Default ACTIVE (activation happens before the first step). */
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
      readonly interleave?: Interleave;
    }
  | {
      readonly actor: 'guest';
      readonly op: 'write';
      readonly ipa: Ipa;
      readonly value: bigint;
      readonly size: AccessSize;
      readonly isv: boolean;
      readonly vcpu: number;
      readonly interleave?: Interleave;
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
 * Steps that run inside the first fault of a guest access, in the window between
 * `mmu_seq = kvm->mmu_invalidate_seq` and `kvm_fault_lock()` (brief §3.7, scenarios 12 and 13).
 * A guest step here is another vCPU's access, run to completion inside the window.
 */
export interface Interleave {
  readonly at: 'after_mmu_seq';
  readonly steps: readonly Step[];
}

export type Step = GuestStep | VmmStep;

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly variant: Variant;
  readonly seed: number;
  readonly toggles: Toggles;
  readonly realm: RealmConfig;
  readonly memslots: readonly Memslot[];
  /** GPA ranges whose KVM memory attribute starts PRIVATE. Default none. */
  readonly private: readonly GpaRange[];
  /** What RMI_RTT_INIT_RIPAS sets to RAM at activation. Default: every guest_memfd memslot. */
  readonly ripasRam: readonly GpaRange[];
  readonly vmm: {
    /** How the VMM reacts to KVM_EXIT_MEMORY_FAULT: convert (as kvm_convert_memory) or stop. Default convert. */
    readonly onMemoryFault: 'convert' | 'stop';
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
