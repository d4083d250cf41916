/**
 * The functions the model mirrors, by their C (or RMI) names: where each lives in the v14 tree
 * (and after v14, where that differs), in TF-RMM, QEMU or mainline Linux, which model file
 * implements it, and whom it calls. The site's call diagrams are generated from this table
 * (Mermaid node ids are these names); a test checks that every caller → callee edge a trace shows
 * is listed here, and the verification ledger (src/sources/ledger-rows.ts) has a row for each.
 */
export interface MirroredFunction {
  /** The C function or RMI command name. */
  readonly name: string;
  /** Path in its source tree: the v14 tree for the kernel, TF-RMM, QEMU. */
  readonly file: string;
  /** Where it is in the post-v14 code, when that differs from `file`. */
  readonly postV14File?: string;
  /** Which tree `file` is in. */
  readonly tree: 'linux' | 'tf-rmm' | 'qemu';
  /** Present in only one variant's code (absent: in both). */
  readonly only?: 'v14' | 'post-v14-review';
  /** The model file that implements it. */
  readonly model: string;
  /** Functions and RMI commands it calls in the model. */
  readonly calls: readonly string[];
}

const K = 'linux' as const;
const MMU = 'arch/arm64/kvm/mmu.c';
const RMI = 'arch/arm64/kvm/rmi.c';
const RMIX = 'arch/arm64/kvm/rmi-exit.c';
const KVM_MAIN = 'virt/kvm/kvm_main.c';
const M_MMU = 'src/kernel/mmu.ts';
const M_RMI = 'src/kernel/rmi.ts';
const M_REALM = 'src/kernel/realm.ts';
const M_ATTR = 'src/kernel/memattr.ts';
const M_MC = 'src/kernel/memcache.ts';

const rmiCmd = (name: string, file: string): MirroredFunction => ({
  name,
  file,
  tree: 'tf-rmm',
  model: 'src/rmm/rmi.ts',
  calls: [],
});

export const MIRRORED_FUNCTIONS: readonly MirroredFunction[] = [
  {
    name: 'kvm_arch_vcpu_ioctl_run',
    file: 'arch/arm64/kvm/arm.c',
    tree: K,
    model: 'src/kernel/run.ts',
    calls: ['kvm_handle_mmio_return', 'kvm_rec_pre_enter', 'handle_rec_exit'],
  },
  {
    name: 'kvm_handle_mmio_return',
    file: 'arch/arm64/kvm/mmio.c',
    tree: K,
    model: 'src/kernel/run.ts',
    calls: [],
  },
  {
    name: 'kvm_rec_pre_enter',
    file: RMI,
    tree: K,
    model: 'src/kernel/run.ts',
    calls: ['kvm_complete_ripas_change'],
  },
  {
    name: 'handle_rec_exit',
    file: RMIX,
    tree: K,
    model: 'src/kernel/rmi-exit.ts',
    calls: ['rec_exit_sync_dabt', 'rec_exit_ripas_change'],
  },
  {
    name: 'rec_exit_sync_dabt',
    file: RMIX,
    tree: K,
    model: 'src/kernel/rmi-exit.ts',
    calls: ['kvm_handle_guest_abort'],
  },
  {
    name: 'rec_exit_ripas_change',
    file: RMIX,
    tree: K,
    model: 'src/kernel/rmi-exit.ts',
    calls: ['kvm_prepare_memory_fault_exit'],
  },
  {
    name: 'kvm_handle_guest_abort',
    file: MMU,
    tree: K,
    model: M_MMU,
    calls: ['gmem_abort', 'user_mem_abort', 'io_mem_abort'],
  },
  {
    name: 'gmem_abort',
    file: MMU,
    tree: K,
    model: M_MMU,
    calls: [
      'kvm_prepare_memory_fault_exit',
      'topup_mmu_memcache',
      'kvm_gmem_get_pfn',
      'mmu_invalidate_retry',
      'realm_map_ipa',
    ],
  },
  {
    name: 'user_mem_abort',
    file: MMU,
    tree: K,
    model: M_MMU,
    calls: ['topup_mmu_memcache', 'kvm_s2_fault_pin_pfn', 'kvm_s2_fault_compute_prot', 'kvm_s2_fault_map'],
  },
  {
    name: 'kvm_s2_fault_pin_pfn',
    file: MMU,
    tree: K,
    model: M_MMU,
    calls: ['kvm_s2_fault_get_vma_info', '__kvm_faultin_pfn'],
  },
  { name: 'kvm_s2_fault_get_vma_info', file: MMU, tree: K, model: M_MMU, calls: [] },
  { name: '__kvm_faultin_pfn', file: KVM_MAIN, tree: K, model: M_MMU, calls: ['wp_page_copy'] },
  { name: 'kvm_s2_fault_compute_prot', file: MMU, tree: K, model: M_MMU, calls: [] },
  {
    name: 'kvm_s2_fault_map',
    file: MMU,
    tree: K,
    model: M_MMU,
    calls: ['mmu_invalidate_retry', 'transparent_hugepage_adjust', 'realm_map_ipa'],
  },
  { name: 'transparent_hugepage_adjust', file: MMU, tree: K, model: M_MMU, calls: [] },
  { name: 'io_mem_abort', file: 'arch/arm64/kvm/mmio.c', tree: K, model: M_MMU, calls: [] },
  { name: 'topup_mmu_memcache', file: MMU, tree: K, model: M_MMU, calls: ['kvm_mmu_topup_memory_cache'] },
  { name: 'kvm_mmu_topup_memory_cache', file: KVM_MAIN, tree: K, model: M_MC, calls: [] },
  { name: 'mmu_invalidate_retry', file: 'include/linux/kvm_host.h', tree: K, model: M_MMU, calls: [] },
  { name: 'kvm_gmem_get_pfn', file: 'virt/kvm/guest_memfd.c', tree: K, model: M_MMU, calls: [] },
  {
    name: 'kvm_prepare_memory_fault_exit',
    file: 'include/linux/kvm_host.h',
    tree: K,
    model: M_ATTR,
    calls: [],
  },
  {
    name: 'realm_map_ipa',
    file: MMU,
    postV14File: RMI,
    tree: K,
    model: M_RMI,
    calls: ['realm_map_non_secure', 'realm_map_protected'],
  },
  {
    name: 'realm_map_protected',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: [
      'rmi_delegate_range',
      'RMI_RTT_DATA_MAP',
      'realm_create_rtt_levels',
      'realm_unmap_private_range',
      'rmi_undelegate_range',
    ],
  },
  {
    name: 'realm_map_non_secure',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: ['RMI_RTT_UNPROT_MAP', 'realm_create_rtt_levels', 'realm_unmap_shared_range'],
  },
  {
    name: 'realm_create_rtt_levels',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: ['rmi_delegate_range', 'RMI_RTT_CREATE', 'rmi_undelegate_range'],
  },
  {
    name: 'rmi_delegate_range',
    file: 'arch/arm64/kernel/rmi.c',
    postV14File: 'drivers/firmware/arm_rmm/rmi.c',
    tree: K,
    model: M_RMI,
    calls: ['RMI_GRANULE_RANGE_DELEGATE'],
  },
  {
    name: 'rmi_undelegate_range',
    file: 'arch/arm64/kernel/rmi.c',
    postV14File: 'drivers/firmware/arm_rmm/rmi.c',
    tree: K,
    model: M_RMI,
    calls: ['RMI_GRANULE_RANGE_UNDELEGATE'],
  },
  {
    name: 'realm_fold_rtt_level',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: ['RMI_RTT_FOLD', 'rmi_undelegate_range', 'realm_fold_rtt_level'],
  },
  {
    name: 'realm_unmap_shared_range',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: ['RMI_RTT_UNPROT_UNMAP', 'realm_create_rtt_levels', 'realm_fold_rtt_level'],
  },
  {
    name: 'realm_unmap_private_range',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: [
      'RMI_RTT_DATA_UNMAP',
      'rmi_delegate_range',
      'RMI_RTT_CREATE',
      'rmi_undelegate_range',
      'realm_fold_rtt_level',
    ],
  },
  {
    // Post-v14 keeps it as a wrapper of kvm_realm_unmap_range_filter() [@post-v14-gw-rmi.c:622-627];
    // the modelled post-v14 paths call the filter version directly.
    name: 'kvm_realm_unmap_range',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: ['realm_unmap_shared_range', 'realm_unmap_private_range'],
  },
  {
    name: 'kvm_realm_unmap_range_filter',
    file: RMI,
    tree: K,
    only: 'post-v14-review',
    model: M_RMI,
    calls: ['realm_unmap_shared_range', 'realm_unmap_private_range'],
  },
  {
    name: 'kvm_complete_ripas_change',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: [
      'kvm_mmu_topup_memory_cache',
      'ripas_range_matches_gmem',
      'kvm_prepare_memory_fault_exit',
      'realm_set_ipa_state',
    ],
  },
  {
    name: 'realm_set_ipa_state',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: ['ripas_change', 'realm_unmap_private_range'],
  },
  {
    name: 'ripas_change',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: ['RMI_RTT_INIT_RIPAS', 'RMI_RTT_SET_RIPAS', 'realm_create_rtt_levels'],
  },
  {
    name: 'ripas_range_matches_gmem',
    file: RMI,
    tree: K,
    only: 'post-v14-review',
    model: M_RMI,
    calls: [],
  },
  {
    name: 'kvm_activate_realm',
    file: RMI,
    tree: K,
    model: M_REALM,
    calls: ['realm_ensure_created', 'set_ripas_of_protected_regions', 'RMI_REALM_ACTIVATE'],
  },
  {
    name: 'realm_ensure_created',
    file: RMI,
    tree: K,
    model: M_REALM,
    calls: ['realm_create_rd'],
  },
  {
    name: 'realm_create_rd',
    file: RMI,
    tree: K,
    model: M_REALM,
    calls: ['rmi_delegate_range', 'RMI_REALM_CREATE', 'rmi_undelegate_range'],
  },
  {
    name: 'set_ripas_of_protected_regions',
    file: RMI,
    tree: K,
    model: M_REALM,
    calls: ['realm_init_ipa_state'],
  },
  { name: 'realm_init_ipa_state', file: RMI, tree: K, model: M_RMI, calls: ['ripas_change'] },
  {
    name: 'kvm_vm_set_mem_attributes',
    file: KVM_MAIN,
    tree: K,
    model: M_ATTR,
    calls: ['kvm_mmu_invalidate_begin', 'kvm_mmu_invalidate_end', 'kvm_arch_post_set_memory_attributes'],
  },
  { name: 'kvm_mmu_invalidate_begin', file: KVM_MAIN, tree: K, model: M_ATTR, calls: [] },
  { name: 'kvm_mmu_invalidate_end', file: KVM_MAIN, tree: K, model: M_ATTR, calls: [] },
  {
    name: 'kvm_arch_post_set_memory_attributes',
    file: MMU,
    tree: K,
    model: M_ATTR,
    calls: ['kvm_unmap_gfn_range'],
  },
  {
    name: 'kvm_unmap_gfn_range',
    file: MMU,
    tree: K,
    model: M_ATTR,
    calls: ['kvm_realm_unmap_range', 'kvm_realm_unmap_range_filter'],
  },
  {
    name: 'kvm_mmu_notifier_invalidate_range_start',
    file: KVM_MAIN,
    tree: K,
    model: M_ATTR,
    calls: ['kvm_mmu_invalidate_begin', 'kvm_unmap_gfn_range'],
  },
  {
    name: 'kvm_mmu_notifier_invalidate_range_end',
    file: KVM_MAIN,
    tree: K,
    model: M_ATTR,
    calls: ['kvm_mmu_invalidate_end'],
  },
  {
    name: 'wp_page_copy',
    file: 'mm/memory.c',
    tree: K,
    model: 'src/vmm/host.ts',
    calls: ['kvm_mmu_notifier_invalidate_range_start', 'kvm_mmu_notifier_invalidate_range_end'],
  },
  {
    name: 'try_to_migrate',
    file: 'mm/rmap.c',
    tree: K,
    model: 'src/vmm/host.ts',
    calls: ['kvm_mmu_notifier_invalidate_range_start', 'kvm_mmu_notifier_invalidate_range_end'],
  },
  {
    name: 'kvm_gmem_punch_hole',
    file: 'virt/kvm/guest_memfd.c',
    tree: K,
    model: M_ATTR,
    calls: ['kvm_mmu_invalidate_begin', 'kvm_unmap_gfn_range', 'kvm_mmu_invalidate_end'],
  },
  {
    name: 'kvm_convert_memory',
    file: 'accel/kvm/kvm-all.c',
    tree: 'qemu',
    model: 'src/vmm/qemu.ts',
    calls: [
      'kvm_vm_set_mem_attributes',
      'kvm_mmu_notifier_invalidate_range_start',
      'kvm_mmu_notifier_invalidate_range_end',
      'kvm_gmem_punch_hole',
    ],
  },
  {
    name: 'set_memory_decrypted',
    file: 'arch/arm64/mm/pageattr.c',
    tree: K,
    model: 'src/guest/guest.ts',
    calls: ['rsi_set_memory_range_shared'],
  },
  {
    name: 'set_memory_encrypted',
    file: 'arch/arm64/mm/pageattr.c',
    tree: K,
    model: 'src/guest/guest.ts',
    calls: ['rsi_set_memory_range_protected'],
  },
  {
    name: 'rsi_set_memory_range_shared',
    file: 'arch/arm64/include/asm/rsi.h',
    tree: K,
    model: 'src/guest/guest.ts',
    calls: [],
  },
  {
    name: 'rsi_set_memory_range_protected',
    file: 'arch/arm64/include/asm/rsi.h',
    tree: K,
    model: 'src/guest/guest.ts',
    calls: [],
  },
  rmiCmd('RMI_GRANULE_RANGE_DELEGATE', 'runtime/rmi/granule.c'),
  rmiCmd('RMI_GRANULE_RANGE_UNDELEGATE', 'runtime/rmi/granule.c'),
  rmiCmd('RMI_REALM_CREATE', 'runtime/rmi/realm.c'),
  rmiCmd('RMI_REALM_ACTIVATE', 'runtime/rmi/realm.c'),
  rmiCmd('RMI_RTT_CREATE', 'runtime/rmi/rtt.c'),
  rmiCmd('RMI_RTT_FOLD', 'runtime/rmi/rtt.c'),
  rmiCmd('RMI_RTT_DATA_MAP', 'runtime/rmi/rtt_map.c'),
  rmiCmd('RMI_RTT_UNPROT_MAP', 'runtime/rmi/rtt_map.c'),
  rmiCmd('RMI_RTT_DATA_UNMAP', 'runtime/rmi/rtt_unmap.c'),
  rmiCmd('RMI_RTT_UNPROT_UNMAP', 'runtime/rmi/rtt_unmap.c'),
  rmiCmd('RMI_RTT_INIT_RIPAS', 'runtime/rmi/rtt.c'),
  rmiCmd('RMI_RTT_SET_RIPAS', 'runtime/rmi/rtt.c'),
];
