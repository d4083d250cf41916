/**
 * The built-in scenarios: the 20 of brief §8, plus the seed reproduced under `fixed`. They are
 * stored in the public JSON format (issue 3) and parsed with the same parser users get, so they
 * double as examples of the format. Every description cites the brief.
 *
 * Common setup (brief §8): a 41-bit realm (shared bit 1 << 40), one guest_memfd memslot
 * GPA [0x40000000, 0xC0000000) at HVA 0xffff23e00000, RIPAS RAM at L1 granularity.
 */
import type { Scenario } from '../scenario/types.js';
import { parseScenario, type Json } from '../scenario/parse.js';

type Raw = { readonly [k: string]: Json };

const SLOT = (backing = 'anon-private'): Raw => ({
  gpa: '0x40000000',
  size: '0x80000000',
  hva: '0xffff23e00000',
  guestMemfd: true,
  backing,
});

const COMMON = (backing?: string): Raw => ({
  variant: 'v14',
  seed: 1,
  realm: { ipaBits: 41 },
  memslots: [SLOT(backing)],
});

const PAGE = { gpa: '0x46880000', size: '0x1000' };

/** The seed's vrings, reduced to two shared pages: A (Rx, GPA 0x46880000) and B (Ctrl, GPA 0x46890000). */
const SEED_STEPS: readonly Raw[] = [
  { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
  { guest: 'set_memory_shared', ipa: '0x46890000', size: '0x1000' },
  { guest: 'write', ipa: '0x10046880000', value: '0x100b983f000', size: 8, isv: false },
  { guest: 'read', ipa: '0x10046890000', size: 8, isv: false },
  { guest: 'write', ipa: '0x10046890000', value: '0x0', size: 8, isv: false },
  { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
  { vmm: 'read', gpa: '0x46880000', size: 8 },
];
const SEED_PRIVATE = [{ gpa: '0x46880000', size: '0x20000' }];

export const BUILTIN_SCENARIOS: readonly Raw[] = [
  {
    name: 'private-first-touch',
    description:
      'Brief §8.1: first store to a PRIVATE page; RIPAS RAM at L1, so the RMM reports 0x90000005 and RMI_RTT_DATA_MAP fails with RMI_ERROR_RTT(1). v14 creates L2 and L3 in one go; fixed creates one level per retry (0x104, then 0x204). §3.3, §3.5, §3.6.',
    ...COMMON(),
    private: [PAGE],
    steps: [
      { guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false },
      { guest: 'read', ipa: '0x46880000', size: 8 },
    ],
  },
  {
    name: 'private-fault-shared-attr',
    description:
      'Brief §8.2, §4.2: a private-alias fault on a GFN whose attribute is still shared. gmem_abort raises KVM_EXIT_MEMORY_FAULT {flags=PRIVATE, gpa=0x46880000, size=0x1000} with -EFAULT; the VMM converts to private and re-runs, then scenario 1 follows.',
    ...COMMON(),
    steps: [
      { guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false },
      { guest: 'read', ipa: '0x46880000', size: 8 },
    ],
  },
  {
    name: 'explicit-private-to-shared',
    description:
      "Brief §8.3, §4.1: set_memory_decrypted() of a mapped private page. RMI_EXIT_RIPAS_CHANGE → KVM_EXIT_MEMORY_FAULT {flags=0}; the attribute change and the guest_memfd discard each unmap the shared alias in v14 (the seed's two log lines) and RTT_DATA_UNMAP turns assigned_ram into unassigned_destroyed; kvm_complete_ripas_change → RTT_SET_RIPAS → unassigned_empty. The VMM then writes the page and the guest reads it through the shared alias (scenario 4).",
    ...COMMON(),
    private: [PAGE],
    steps: [
      { guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false },
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { vmm: 'write', gpa: '0x46880000', value: '0xabcd', size: 8 },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
    ],
  },
  {
    name: 'shared-fault-vmm-written',
    description:
      "Brief §8.4: shared fault (ESR 0x92000007, as in the seed) on a page the VMM already wrote. GUP finds a writable page, prot R|W|X, RMI_RTT_UNPROT_MAP with flags 0x1e0001 and desc pfn|4 → assigned_ns RW; the guest reads the VMM's value. Under fixed the to-shared conversion does not unmap the shared alias, so no RTTs exist there and the first UNPROT_MAP returns RMI_ERROR_RTT(1).",
    ...COMMON(),
    private: [PAGE],
    steps: [
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { vmm: 'write', gpa: '0x46880000', value: '0xabcd', size: 8 },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
    ],
  },
  {
    name: 'shared-fault-zero-page',
    description:
      'Brief §8.5, §3.5: shared read fault on an untouched MAP_PRIVATE page. GUP returns the shared zero page, map_writable = false, prot lacks W: v14 realm_map_ipa WARNs and returns -EFAULT, so KVM_RUN fails with EFAULT and no KVM_EXIT_MEMORY_FAULT. fixed maps it read-only (S2AP READ) and the read returns 0.',
    ...COMMON(),
    private: [PAGE],
    steps: [
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
    ],
  },
  {
    name: 'shared-force-write-zero-page',
    description:
      "Brief §8.6, §7 (the seed): with Gavin's force-W change, shared faults on untouched MAP_PRIVATE pages map the shared zero page RW (prot 0xf, flags 0x1e0001). Vring A and vring B alias: B reads A's descriptor, the memset of B wipes A, and the VMM reads zeros at GPA 0x46880000. Invariant (3) is violated.",
    ...COMMON(),
    toggles: { forceSharedWrite: true },
    private: SEED_PRIVATE,
    steps: SEED_STEPS,
  },
  {
    name: 'shared-force-write-memfd',
    description:
      'Brief §8.7: the same steps as shared-force-write-zero-page with a MAP_SHARED backend (share=yes): GUP returns the real shmem page the VMM maps, data stays coherent and the VMM reads the descriptor.',
    ...COMMON('anon-shared'),
    toggles: { forceSharedWrite: true },
    private: SEED_PRIVATE,
    steps: SEED_STEPS,
  },
  {
    name: 'fixed-read-then-write',
    description:
      'Brief §8.8, §9.1: fix path. A read (ISV=0) maps the zero page read-only; the later write takes a permission fault (0x9200000F, or 0x9200004F when the RMM reveals WnR). With rmmRevealsWriteOnPermissionFault (UNCERTAIN, hypothesis (a)) KVM GUPs with FOLL_WRITE, RMI_RTT_UNPROT_MAP returns RMI_ERROR_RTT(3), KVM unmaps and retries → RW mapping of the CoW-broken page, which the VMM also maps. Without the toggle it loops (no_progress).',
    ...COMMON(),
    variant: 'fixed',
    toggles: { rmmRevealsWriteOnPermissionFault: true },
    private: [PAGE],
    steps: [
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
      { guest: 'write', ipa: '0x10046880000', value: '0x77', size: 8, isv: false },
      { vmm: 'read', gpa: '0x46880000', size: 8 },
    ],
  },
  {
    name: 'thp-unaligned',
    description:
      'Brief §8.9, §7 item 1: THP-backed shared memory; the VMM populated a 2 MiB THP at GPA 0x46800000. A fault at 0x10046880000: transparent_hugepage_adjust returns 2 MiB, but v14 passes the unaligned fault_ipa, realm_map_non_secure WARNs and KVM_RUN fails with EINVAL. fixed aligns to 0x10046800000, creates RTTs only to L2 and maps a 2 MiB assigned_ns block.',
    ...COMMON('thp'),
    steps: [
      { vmm: 'write', gpa: '0x46880000', value: '0x5a5a', size: 8 },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
    ],
  },
  {
    name: 'thp-aligned',
    description:
      'Brief §8.10 (INFERRED), §7 item 2: THP fault already 2 MiB-aligned. v14: UNPROT_MAP → RMI_ERROR_RTT(1), RTTs created down to L3, retry → RMI_ERROR_RTT(2) because L2 is now a table → WARN, realm_map_non_secure returns 0x204, which KVM treats as "resume": the guest re-faults forever (no_progress). fixed: as thp-unaligned.',
    ...COMMON('thp'),
    steps: [
      { vmm: 'write', gpa: '0x46800000', value: '0x5a5a', size: 8 },
      { guest: 'read', ipa: '0x10046800000', size: 8, isv: false },
    ],
  },
  {
    name: 'hugetlb-unaligned',
    description:
      'Brief §8.11 (INFERRED): hugetlbfs 2 MiB backing. vma_pagesize is 2 MiB, gfn is aligned but fault_ipa is not: v14 realm_map_non_secure WARNs, -EINVAL. fixed maps a 2 MiB block.',
    ...COMMON('hugetlb-2m'),
    steps: [{ guest: 'read', ipa: '0x10046880000', size: 8, isv: false }],
  },
  {
    name: 'invalidation-race',
    description:
      'Brief §8.12, §3.7: between the mmu_seq sample and kvm_fault_lock the VMM sets the page shared. mmu_invalidate_retry → -EAGAIN → 0 → re-enter with no RMI map call; the re-fault follows the new state (scenario 2: memory-fault exit, convert back, map).',
    ...COMMON(),
    private: [PAGE],
    steps: [
      {
        guest: 'write',
        ipa: '0x46880000',
        value: '0x1234',
        size: 8,
        isv: false,
        interleave: {
          at: 'after_mmu_seq',
          steps: [{ vmm: 'set_attributes', gpa: '0x46880000', size: '0x1000', private: false }],
        },
      },
    ],
  },
  {
    name: 'two-vcpus-same-page',
    description:
      "Brief §8.13: vCPU 0 maps the page inside vCPU 1's fault window. vCPU 1's rmi_delegate_range fails (already delegated) and realm_map_protected returns 0 (race) → re-enter; the access then succeeds on the existing mapping.",
    ...COMMON(),
    private: [PAGE],
    steps: [
      {
        guest: 'write',
        ipa: '0x46880000',
        value: '0xb',
        size: 8,
        isv: false,
        vcpu: 1,
        interleave: {
          at: 'after_mmu_seq',
          steps: [{ guest: 'write', ipa: '0x46880008', value: '0xa', size: 8, isv: false, vcpu: 0 }],
        },
      },
      { guest: 'read', ipa: '0x46880000', size: 8 },
      { guest: 'read', ipa: '0x46880008', size: 8, vcpu: 1 },
    ],
  },
  {
    name: 'memcache-exhaustion',
    description:
      'Brief §8.14: the host cannot top up the stage-2 memcache: topup_mmu_memcache → -ENOMEM → KVM_RUN fails with ENOMEM.',
    ...COMMON(),
    private: [PAGE],
    host: { freePages: 0 },
    steps: [{ guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false }],
  },
  {
    name: 'mmio-valid-syndrome',
    description:
      'Brief §8.15, §2.3: a 64-bit store to the UART at IPA 0x10009000000 (no memslot): ESR 0x91C08047, gprs[0] = data, KVM copies it to x0, io_mem_abort(0x09000000) → KVM_EXIT_MMIO {phys_addr=0x09000000, is_write=1}; REC_ENTER_FLAG_EMULATED_MMIO on re-entry. The load returns what the device holds.',
    ...COMMON(),
    steps: [
      { guest: 'write', ipa: '0x10009000000', value: '0x41', size: 8, isv: true },
      { guest: 'read', ipa: '0x10009000000', size: 8, isv: true },
    ],
  },
  {
    name: 'mmio-no-syndrome',
    description:
      'Brief §8.16: an LDP to a device (ISV=0): io_mem_abort cannot emulate it and injects an SEA (REC_ENTER_FLAG_INJECT_SEA).',
    ...COMMON(),
    steps: [{ guest: 'read', ipa: '0x10009000000', size: 8, isv: false }],
  },
  {
    name: 'private-alias-of-shared-page',
    description:
      'Brief §8.17, §2.2 item 2: after set_memory_decrypted the guest touches the private alias; RIPAS is EMPTY, so the RMM injects an SEA itself with no host exit.',
    ...COMMON(),
    private: [PAGE],
    steps: [
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { guest: 'read', ipa: '0x46880000', size: 8 },
    ],
  },
  {
    name: 'beyond-ipa-size',
    description:
      'Brief §8.18, §2.2 item 3: an access at IPA 2^41 (beyond the realm width): the RMM injects an SEA; no host exit.',
    ...COMMON(),
    steps: [{ guest: 'read', ipa: '0x20000000000', size: 8 }],
  },
  {
    name: 'realm-not-active',
    description:
      "Brief §8.19, §3.5: KVM's realm state is not ACTIVE. fixed: realm_map_ipa returns -EBUSY and KVM_RUN fails with EBUSY; v14 has no such check and maps. (The model keeps the RMM running the REC; only KVM's view of the state differs.)",
    ...COMMON(),
    realm: { ipaBits: 41, state: 'NEW' },
    private: [PAGE],
    steps: [{ guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false }],
  },
  {
    name: 'ripas-change-not-protected',
    description:
      "Brief §8.20, §4.1: RSI_IPA_STATE_SET for a range that crosses into the unprotected half. rec_exit_ripas_change sets REC_ENTER_FLAG_RIPAS_RESPONSE (reject) and returns -EINVAL: KVM_RUN fails with EINVAL. (The model's RMM forwards the range; TF-RMM may reject it itself — INFERRED.)",
    ...COMMON(),
    steps: [{ guest: 'set_memory_shared', ipa: '0xfffffff000', size: '0x2000' }],
  },
  {
    name: 'seed-fixed-anon-private',
    description:
      "Brief §7, §8.8, §9.1: the seed's steps under the fixed variant without the force-W change, on MAP_PRIVATE memory. Reads map the zero page read-only; writes take permission faults that (with rmmRevealsWriteOnPermissionFault, UNCERTAIN) break copy-on-write and remap RW, so the vrings do not alias and the VMM reads the descriptor.",
    ...COMMON(),
    variant: 'fixed',
    toggles: { rmmRevealsWriteOnPermissionFault: true },
    private: SEED_PRIVATE,
    steps: SEED_STEPS,
  },
];

function nameOf(s: Raw): string {
  const n = s['name'];
  if (typeof n !== 'string') throw new TypeError('built-in scenario without a name');
  return n;
}

const BY_NAME = new Map<string, Raw>(BUILTIN_SCENARIOS.map((s) => [nameOf(s), s]));

/** Names of the built-in scenarios, in brief order. */
export const BUILTIN_SCENARIO_NAMES: readonly string[] = BUILTIN_SCENARIOS.map(nameOf);

/** A built-in scenario, parsed. Throws RangeError for an unknown name. */
export function getBuiltinScenario(name: string): Scenario {
  const raw = BY_NAME.get(name);
  if (raw === undefined) {
    throw new RangeError(`scenario: expected one of ${BUILTIN_SCENARIO_NAMES.join(', ')}, got ${name}`);
  }
  return parseScenario(raw);
}
