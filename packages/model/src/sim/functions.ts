/**
 * The functions the model mirrors, by their C (or RMI) names: where each lives in the kernel,
 * TF-RMM or QEMU tree, which model file implements it, and whom it calls. The site's call
 * diagrams are generated from this table (Mermaid node ids are these names), and a test checks
 * that every caller → callee edge seen in a trace is listed here.
 */
export interface MirroredFunction {
  /** The C function or RMI command name. */
  readonly name: string;
  /** Path in its source tree (kernel, TF-RMM or QEMU). */
  readonly file: string;
  /** Which tree `file` is in. */
  readonly tree: 'linux' | 'tf-rmm' | 'qemu';
  /** The model file that implements it. */
  readonly model: string;
  /** Functions and RMI commands it calls in the model. */
  readonly calls: readonly string[];
}

const K = 'linux' as const;
const MMU = 'arch/arm64/kvm/mmu.c';
const RMI = 'arch/arm64/kvm/rmi.c';
const RMIX = 'arch/arm64/kvm/rmi-exit.c';
const M_MMU = 'src/kernel/mmu.ts';
const M_RMI = 'src/kernel/rmi.ts';
const M_ATTR = 'src/kernel/memattr.ts';

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
    calls: ['kvm_rec_pre_enter', 'handle_rec_exit'],
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
  { name: '__kvm_faultin_pfn', file: 'virt/kvm/kvm_main.c', tree: K, model: M_MMU, calls: [] },
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
  { name: 'topup_mmu_memcache', file: MMU, tree: K, model: M_MMU, calls: [] },
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
    file: RMI,
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
      'RMI_GRANULE_RANGE_UNDELEGATE',
      'addr_range_desc',
    ],
  },
  {
    name: 'realm_map_non_secure',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: [
      'find_map_level',
      'addr_range_desc',
      'RMI_RTT_UNPROT_MAP',
      'realm_create_rtt_levels',
      'realm_unmap_shared_range',
    ],
  },
  {
    name: 'realm_create_rtt_levels',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: ['RMI_GRANULE_RANGE_DELEGATE', 'RMI_RTT_CREATE', 'RMI_GRANULE_RANGE_UNDELEGATE'],
  },
  { name: 'rmi_delegate_range', file: RMI, tree: K, model: M_RMI, calls: ['RMI_GRANULE_RANGE_DELEGATE'] },
  { name: 'find_map_level', file: RMI, tree: K, model: M_RMI, calls: [] },
  { name: 'addr_range_desc', file: RMI, tree: K, model: M_RMI, calls: [] },
  {
    name: 'realm_unmap_shared_range',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: ['find_map_level', 'RMI_RTT_UNPROT_UNMAP', 'realm_create_rtt_levels'],
  },
  {
    name: 'realm_unmap_private_range',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: ['RMI_RTT_DATA_UNMAP', 'realm_create_rtt_levels', 'RMI_GRANULE_RANGE_UNDELEGATE'],
  },
  {
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
    model: M_RMI,
    calls: ['realm_unmap_shared_range', 'realm_unmap_private_range'],
  },
  {
    name: 'kvm_complete_ripas_change',
    file: RMI,
    tree: K,
    model: M_RMI,
    calls: [
      'ripas_range_matches_gmem',
      'kvm_prepare_memory_fault_exit',
      'RMI_RTT_SET_RIPAS',
      'realm_create_rtt_levels',
      'realm_unmap_private_range',
    ],
  },
  { name: 'ripas_range_matches_gmem', file: RMI, tree: K, model: M_RMI, calls: [] },
  {
    name: 'kvm_create_realm',
    file: RMI,
    tree: K,
    model: 'src/sim/engine.ts',
    calls: ['RMI_GRANULE_RANGE_DELEGATE'],
  },
  {
    name: 'kvm_activate_realm',
    file: RMI,
    tree: K,
    model: 'src/sim/engine.ts',
    calls: ['set_ripas_of_protected_regions'],
  },
  {
    name: 'set_ripas_of_protected_regions',
    file: RMI,
    tree: K,
    model: 'src/sim/engine.ts',
    calls: ['find_map_level', 'realm_create_rtt_levels', 'RMI_RTT_INIT_RIPAS'],
  },
  {
    name: 'kvm_vm_set_mem_attributes',
    file: 'virt/kvm/kvm_main.c',
    tree: K,
    model: M_ATTR,
    calls: ['kvm_arch_post_set_memory_attributes'],
  },
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
    file: 'virt/kvm/kvm_main.c',
    tree: K,
    model: M_ATTR,
    calls: ['kvm_unmap_gfn_range'],
  },
  {
    name: 'kvm_gmem_punch_hole',
    file: 'virt/kvm/guest_memfd.c',
    tree: K,
    model: M_ATTR,
    calls: ['kvm_unmap_gfn_range'],
  },
  {
    name: 'kvm_convert_memory',
    file: 'accel/kvm/kvm-all.c',
    tree: 'qemu',
    model: 'src/vmm/qemu.ts',
    calls: ['kvm_vm_set_mem_attributes', 'kvm_mmu_notifier_invalidate_range_start', 'kvm_gmem_punch_hole'],
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
  rmiCmd('RMI_RTT_CREATE', 'runtime/rmi/rtt.c'),
  rmiCmd('RMI_RTT_FOLD', 'runtime/rmi/rtt.c'),
  rmiCmd('RMI_RTT_DATA_MAP', 'runtime/rmi/rtt_map.c'),
  rmiCmd('RMI_RTT_UNPROT_MAP', 'runtime/rmi/rtt_map.c'),
  rmiCmd('RMI_RTT_DATA_UNMAP', 'runtime/rmi/rtt_unmap.c'),
  rmiCmd('RMI_RTT_UNPROT_UNMAP', 'runtime/rmi/rtt_unmap.c'),
  rmiCmd('RMI_RTT_INIT_RIPAS', 'runtime/rmi/rtt.c'),
  rmiCmd('RMI_RTT_SET_RIPAS', 'runtime/rmi/rtt.c'),
];
