/**
 * The built-in scenarios. They are stored in the public JSON format and parsed with the parser
 * users get, so they double as examples of the format. Each description says what happens under
 * each variant and cites its primary sources in the citation syntax of src/sources/cite.ts.
 *
 * Common setup, from the seed report [@v14-29-shan-0625]: a 41-bit realm (the shared bit is
 * 1 << 40: the seed's fault IPA 0x10046880000 is GPA 0x46880000 with bit 40 set), one guest_memfd
 * memslot GPA [0x40000000, 0xC0000000) at HVA 0xffff23e00000, which QEMU makes PRIVATE when it
 * creates it [@qemu-kvm-all.c:1612-1619]; activation sets RIPAS RAM at level 1, because the slot
 * is 1 GiB-aligned [@v14-rmi.c:1001-1023].
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

/** A VMM that leaves guest_memfd memory shared (KVM's default attribute) when it creates the slot. */
const SHARED_AT_CREATION: Raw = { gmemPrivateAtCreation: false };

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

export const BUILTIN_SCENARIOS: readonly Raw[] = [
  {
    name: 'private-first-touch',
    description:
      'The first store to a private page. RIPAS is RAM at level 1, so the RMM reports a level-1 translation fault (ESR 0x90000005: IL and WnR hidden [@tf-rmm handle_data_abort()]) and RMI_RTT_DATA_MAP fails with RMI_ERROR_RTT(1). v14 creates the L2 and L3 tables in one call and retries once [@v14 realm_map_protected()]; post-v14 creates one level per retry, so DATA_MAP fails again with RMI_ERROR_RTT(2) first [@post-v14 realm_map_protected()].',
    ...COMMON(),
    steps: [
      { guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false },
      { guest: 'read', ipa: '0x46880000', size: 8 },
    ],
  },
  {
    name: 'private-fault-shared-attr',
    description:
      'A private-alias fault on a GFN whose attribute is still shared, with a VMM that leaves guest_memfd memory shared at creation (upstream QEMU makes it private [@qemu-bd3bcf69]). gmem_abort() raises KVM_EXIT_MEMORY_FAULT {flags = PRIVATE, gpa = 0x46880000, size = 0x1000} and returns -EFAULT [@v14 gmem_abort()]; the VMM converts the page to private [@qemu-kvm-all.c:3057-3152] and runs the vCPU again, and the fault then maps as in private-first-touch.',
    ...COMMON(),
    vmm: SHARED_AT_CREATION,
    steps: [
      { guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false },
      { guest: 'read', ipa: '0x46880000', size: 8 },
    ],
  },
  {
    name: 'explicit-private-to-shared',
    description:
      "set_memory_decrypted() of a mapped private page. RSI_IPA_STATE_SET exits with RMI_EXIT_RIPAS_CHANGE, KVM raises KVM_EXIT_MEMORY_FAULT {flags = 0} [@v14 rec_exit_ripas_change()] and QEMU converts: the attribute change unmaps the shared alias and the private page (RMI_RTT_DATA_UNMAP: assigned_ram → unassigned_destroyed), and the guest_memfd hole punch unmaps them again — in v14 every unmap includes the shared alias, the seed's two log lines [@v14 kvm_realm_unmap_range()]. On the next KVM_RUN kvm_complete_ripas_change() runs RMI_RTT_SET_RIPAS (→ unassigned_empty). The VMM then writes the page and the guest reads it through the shared alias.",
    ...COMMON(),
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
      "A shared fault (ESR 0x92000007, the seed's [@v14-29-shan-0625]) on a page the VMM has already written. GUP finds a writable page, so prot is R|W|X and RMI_RTT_UNPROT_MAP gets flags 0x1e0001 and the descriptor (PFN << 12) | 4, one 4 KiB entry (the seed logs 0xb8b59004 for PFN 0xb8b59) → assigned_ns RW [@v14 realm_map_non_secure()]; the guest reads the VMM's value.",
    ...COMMON(),
    steps: [
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { vmm: 'write', gpa: '0x46880000', value: '0xabcd', size: 8 },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
    ],
  },
  {
    name: 'shared-fault-zero-page',
    description:
      "A shared read fault on an untouched MAP_PRIVATE page. GUP returns the shared zero page, not writable, so prot lacks W: v14's realm_map_ipa() WARNs and returns -EFAULT [@v14 realm_map_ipa()], KVM_RUN fails with EFAULT without a memory-fault exit and QEMU stops the VM [@qemu-kvm-all.c:3219-3232] — Gavin Shan's first report [@v14-29-shan-0605a]. Post-v14 maps the page read-only (S2AP READ) and the read returns 0 [@post-v14 realm_map_ipa()].",
    ...COMMON(),
    steps: [
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
    ],
  },
  {
    name: 'shared-read-then-vmm-write',
    description:
      "The guest reads an untouched MAP_PRIVATE shared page, then the VMM writes it. Post-v14 maps the shared zero page read-only; the VMM's write breaks copy-on-write (wp_page_copy()), whose MMU-notifier invalidation unmaps the shared alias (KVM_FILTER_SHARED) [@linux-memory.c:3853-4002], [@linux-kvm_main.c:607-611], so the guest's next read faults again and maps the VMM's new page: it reads the VMM's value. v14 cannot map the zero page at all: the first read fails with EFAULT.",
    ...COMMON(),
    variant: 'post-v14-review',
    steps: [
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
      { vmm: 'write', gpa: '0x46880000', value: '0x5eed', size: 8 },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
    ],
  },
  {
    name: 'shared-write-cow-retry',
    description:
      'The VMM reads a MAP_PRIVATE shared page first, so its page table maps the shared zero page; then the guest makes an emulatable store (ISV=1, so the RMM reports WnR) to it. user_mem_abort() samples mmu_seq, then GUP with FOLL_WRITE breaks copy-on-write (wp_page_copy()), and the MMU notifier that brackets the PTE change moves mmu_invalidate_seq [@linux-memory.c:3853-4002; @linux-kvm_main.c:771-795]; under the fault lock mmu_invalidate_retry() is true, so the fault returns -EAGAIN (0) without mapping [@linux-mmu.c:1989-2075]. The guest faults again, GUP finds the new writable page and the store completes — one extra REC exit, in both variants.',
    ...COMMON(),
    steps: [
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { vmm: 'read', gpa: '0x46880000', size: 8 },
      { guest: 'write', ipa: '0x10046880000', value: '0x77', size: 8, isv: true },
      { vmm: 'read', gpa: '0x46880000', size: 8 },
    ],
  },
  {
    name: 'shared-force-write-zero-page',
    description:
      "The seed's bug: Gavin Shan's local change forces W into every shared-space mapping [@v14-29-shan-0626a], so faults on untouched MAP_PRIVATE pages map the shared zero page RW (prot 0xf, flags 0x1e0001). Vring A and vring B alias: B reads A's descriptor, the memset of B wipes A, and the VMM reads zeros at GPA 0x46880000; Suzuki K Poulose named the cause [@v14-29-poulose-0626a] and Gavin Shan confirmed it [@v14-29-shan-0626b]. Invariant 3 is violated.",
    ...COMMON(),
    toggles: { forceSharedWrite: true },
    steps: SEED_STEPS,
  },
  {
    name: 'shared-force-write-memfd',
    description:
      'The same steps as shared-force-write-zero-page with a MAP_SHARED backend (share=yes) [@qemu-hostmem-ram.c:31]: GUP returns the shmem page the VMM maps, data stays coherent and the VMM reads the descriptor, as Gavin Shan found [@v14-29-shan-0626b].',
    ...COMMON('anon-shared'),
    toggles: { forceSharedWrite: true },
    steps: SEED_STEPS,
  },
  {
    name: 'shared-read-then-write',
    description:
      "Post-v14: a read without a valid syndrome maps the shared zero page read-only; the later store (ISV=0) takes a permission fault. TF-RMM hides WnR for such aborts (0x9200000F) [@tf-rmm handle_data_abort()], so with TF-RMM as it is KVM sees a read: VM_WARN_ON_ONCE fires, GUP runs without FOLL_WRITE, the same read-only mapping is made again and the guest faults until the model's entry budget runs out. This scenario sets rmmRevealsWriteOnPermissionFault — the unpublished TF-RMM change Suzuki K Poulose mentions [@v14-29-poulose-0626a], modelled as a hypothesis — so the RMM reports 0x9200004F: GUP with FOLL_WRITE breaks copy-on-write, the MMU notifier unmaps the read-only shared alias [@linux-kvm_main.c:721-769] and mmu_invalidate_retry() makes the fault return without mapping. The retried access is a translation fault (0x92000007, reported as a read) that maps the new page RW, since the VMM's page is now writable; the relax-permission path of realm_map_non_secure() [@post-v14 realm_map_non_secure()] is not reached. The VMM sees the write.",
    ...COMMON(),
    variant: 'post-v14-review',
    toggles: { rmmRevealsWriteOnPermissionFault: true },
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
      "THP-backed shared memory: the VMM populated a 2 MiB THP at GPA 0x46800000. A fault at 0x10046880000: transparent_hugepage_adjust() returns 2 MiB and aligns gfn and pfn, but v14 passes the unaligned fault_ipa [@v14-mmu.c:2124-2134], so realm_map_non_secure() WARNs and KVM_RUN fails with EINVAL — Gavin Shan's second point [@v14-29-shan-0605a]. Post-v14 aligns the IPA to 0x10046800000, creates RTTs only down to level 2 and maps a 2 MiB assigned_ns block [@post-v14 realm_map_ipa()].",
    ...COMMON('thp'),
    steps: [
      { vmm: 'write', gpa: '0x46880000', value: '0x5a5a', size: 8 },
      { guest: 'read', ipa: '0x10046880000', size: 8, isv: false },
    ],
  },
  {
    name: 'thp-aligned',
    description:
      'A THP fault already 2 MiB-aligned (an inference from the code, not reported on the list). v14: RMI_RTT_UNPROT_MAP → RMI_ERROR_RTT(1), RTTs created down to level 3, retry → RMI_ERROR_RTT(2) because level 2 is now a table → WARN, and realm_map_non_secure() returns the positive RMI status, which KVM treats as "resume": the guest faults forever [@v14 realm_map_non_secure()]. Post-v14 creates RTTs down to level 2 only and maps a 2 MiB block [@post-v14 realm_map_non_secure()].',
    ...COMMON('thp'),
    steps: [
      { vmm: 'write', gpa: '0x46800000', value: '0x5a5a', size: 8 },
      { guest: 'read', ipa: '0x10046800000', size: 8, isv: false },
    ],
  },
  {
    name: 'hugetlb-unaligned',
    description:
      'hugetlbfs 2 MiB backing (an inference from the code). The VMA size is 2 MiB and gfn is aligned, but fault_ipa is not: v14 realm_map_non_secure() WARNs and KVM_RUN fails with EINVAL [@v14 realm_map_non_secure()]. Post-v14 maps a 2 MiB block.',
    ...COMMON('hugetlb-2m'),
    steps: [{ guest: 'read', ipa: '0x10046880000', size: 8, isv: false }],
  },
  {
    name: 'invalidation-race',
    description:
      'Between the mmu_seq sample and kvm_fault_lock() the VMM sets the page shared. KVM_SET_MEMORY_ATTRIBUTES opens and closes an invalidation [@linux-kvm_main.c:2537-2598], so mmu_invalidate_retry() is true: -EAGAIN, returned as 0, and the REC is entered again with no RMI map call [@v14 gmem_abort()]. The re-fault follows the new state: a memory-fault exit, QEMU converts the page back to private, and the fault maps.',
    ...COMMON(),
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
      "vCPU 0 maps the page inside vCPU 1's fault window. vCPU 1's rmi_delegate_range() fails (the page is already delegated) and realm_map_protected() returns 0, assuming a race [@v14 realm_map_protected()]; vCPU 1 re-enters and its access completes on vCPU 0's mapping.",
    ...COMMON(),
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
      'The host cannot top up the stage-2 page cache: topup_mmu_memcache() returns -ENOMEM and KVM_RUN fails with ENOMEM [@v14 gmem_abort()].',
    ...COMMON(),
    host: { freePages: 0 },
    steps: [{ guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false }],
  },
  {
    name: 'mmio-valid-syndrome',
    description:
      "A 64-bit store to the UART at IPA 0x10009000000 (no memslot): the RMM reports ESR 0x91C08045 (a level-1 translation fault: no RTT exists below level 1 there) with the data in gprs[0] and FAR's page offset [@tf-rmm handle_data_abort()]; KVM copies gprs[0] to the register the syndrome names [@v14 rec_exit_sync_dabt()] and io_mem_abort(0x09000000) gives KVM_EXIT_MMIO {phys_addr = 0x09000000, is_write = 1}. On the next KVM_RUN kvm_handle_mmio_return() sets REC_ENTER_FLAG_EMULATED_MMIO (and, for the load, enter.gprs[0]) [@v14-mmio.c:143-156].",
    ...COMMON(),
    steps: [
      { guest: 'write', ipa: '0x10009000000', value: '0x41', size: 8, isv: true },
      { guest: 'read', ipa: '0x10009000000', size: 8, isv: true },
    ],
  },
  {
    name: 'mmio-no-syndrome',
    description:
      'An LDP to a device (ISV=0): io_mem_abort() cannot emulate it, and for a REC kvm_inject_sea_dabt() sets REC_ENTER_FLAG_INJECT_SEA [@v14-inject_fault.c:229-233]: the realm takes a synchronous external abort.',
    ...COMMON(),
    steps: [{ guest: 'read', ipa: '0x10009000000', size: 8, isv: false }],
  },
  {
    name: 'private-alias-of-shared-page',
    description:
      'After set_memory_decrypted() the guest touches the private alias: its RIPAS is EMPTY, so the RMM injects an SEA itself, with no host exit [@tf-rmm-exit.c:228-251].',
    ...COMMON(),
    steps: [
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { guest: 'read', ipa: '0x46880000', size: 8 },
    ],
  },
  {
    name: 'beyond-ipa-size',
    description:
      'An access at IPA 2^41, beyond the realm width: the RMM injects an SEA, with no host exit [@tf-rmm-exit.c:253-256].',
    ...COMMON(),
    steps: [{ guest: 'read', ipa: '0x20000000000', size: 8 }],
  },
  {
    name: 'realm-not-active',
    description:
      "KVM's realm state is not ACTIVE: here activation failed (kvm_create_rec() could not allocate), which leaves REALM_STATE_DEAD [@v14 kvm_activate_realm()]. The first KVM_RUN fails with ENOMEM (the model's setup absorbs it). v14: the next KVM_RUN skips activation (DEAD counts as past ACTIVE) and kvm_rec_pre_enter() refuses before any REC entry: EINVAL [@v14 kvm_rec_pre_enter()]. Post-v14: the failed activation also called kvm_vm_dead() [@post-v14-gw-rmi.c:1492-1494], so every later vCPU ioctl fails with EIO [@linux-kvm_main.c:4415-4416]. Post-v14's realm_map_ipa() also returns -EBUSY for a realm that is not ACTIVE [@post-v14 realm_map_ipa()], a check no fault reaches here.",
    ...COMMON(),
    realm: { ipaBits: 41, state: 'DEAD' },
    steps: [{ guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false }],
  },
  {
    name: 'realm-system-off',
    description:
      "Another vCPU called PSCI SYSTEM_OFF, so the RMM's realm is SYSTEM_OFF while KVM's state is still ACTIVE. RMI_REC_ENTER fails with RMI_ERROR_REALM [@tf-rmm-run.c:447-454], handle_rec_exit() turns that into KVM_EXIT_SHUTDOWN [@v14 handle_rec_exit()]; QEMU takes it as a guest reset request [@qemu-kvm-all.c:3258-3261], and the model stops the run there.",
    ...COMMON(),
    realm: { ipaBits: 41, state: 'SYSTEM_OFF' },
    steps: [{ guest: 'write', ipa: '0x46880000', value: '0x1234', size: 8, isv: false }],
  },
  {
    name: 'ripas-change-not-protected',
    description:
      "RSI_IPA_STATE_SET for a range that crosses into the unprotected half. TF-RMM refuses it itself: RSI_ERROR_INPUT in X0 and no REC exit [@tf-rmm-rsi-memory.c:33-40], so set_memory_decrypted() fails with -EINVAL and the guest WARNs that the pages leak [@linux-pageattr.c:338-346]. KVM's own check in rec_exit_ripas_change() (reject and -EINVAL) [@v14 rec_exit_ripas_change()] is never reached with this RMM.",
    ...COMMON(),
    steps: [{ guest: 'set_memory_shared', ipa: '0xfffffff000', size: '0x2000' }],
  },
  {
    name: 'seed-post-v14-anon-private',
    description:
      "The seed's steps under the post-v14 variant without the force-W change, on MAP_PRIVATE memory. Reads map the zero page read-only; with rmmRevealsWriteOnPermissionFault (a hypothesis [@v14-29-poulose-0626a]) writes take permission faults that break copy-on-write and remap RW, so the vrings do not alias and the VMM reads the descriptor.",
    ...COMMON(),
    variant: 'post-v14-review',
    toggles: { rmmRevealsWriteOnPermissionFault: true },
    steps: SEED_STEPS,
  },
];

/** Names the built-in scenarios had before they were renamed, and what they are now. */
export const RENAMED_SCENARIOS: Readonly<Record<string, string>> = {
  'fixed-read-then-write': 'shared-read-then-write',
  'seed-fixed-anon-private': 'seed-post-v14-anon-private',
};

function nameOf(s: Raw): string {
  const n = s['name'];
  if (typeof n !== 'string') throw new TypeError('built-in scenario without a name');
  return n;
}

const BY_NAME = new Map<string, Raw>(BUILTIN_SCENARIOS.map((s) => [nameOf(s), s]));

/** Names of the built-in scenarios, in the order above. */
export const BUILTIN_SCENARIO_NAMES: readonly string[] = BUILTIN_SCENARIOS.map(nameOf);

/** A built-in scenario, parsed (a former name is accepted). Throws RangeError for an unknown name. */
export function getBuiltinScenario(name: string): Scenario {
  const raw = BY_NAME.get(
    Object.hasOwn(RENAMED_SCENARIOS, name) ? (RENAMED_SCENARIOS[name] as string) : name,
  );
  if (raw === undefined) {
    throw new RangeError(`scenario: expected one of ${BUILTIN_SCENARIO_NAMES.join(', ')}, got ${name}`);
  }
  return parseScenario(raw);
}
