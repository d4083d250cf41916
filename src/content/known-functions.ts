/**
 * Functions (and function-like macros) the pages name but the model does not mirror. Together
 * with the model's MIRRORED_FUNCTIONS they are every `name()` a page may write in inline code;
 * the references plugin (src/plugins/references) fails the build on any other.
 *
 * Every row comes from /work/shared/brief/realm-fault-path.md: `file` is set only where the brief
 * (or the single source it cites for that passage) places the function in a file; otherwise it
 * is null and `note` says where the brief mentions it. Nothing here is guessed.
 */
import type { MirroredFunction } from '@realmfault/model';

export interface KnownFunction {
  readonly name: string;
  /** Path in its tree, when the brief gives it; null when it does not. */
  readonly file: string | null;
  readonly tree: MirroredFunction['tree'];
  /** Brief section and its source tag. */
  readonly source: string;
  /** Where the brief mentions it, when `file` is null, or what kind of thing it is. */
  readonly note?: string;
}

const MMU = 'arch/arm64/kvm/mmu.c';

export const KNOWN_FUNCTIONS: readonly KnownFunction[] = [
  // Kernel: the fault path around the mirrored functions.
  {
    name: 'kvm_gpa_from_fault',
    file: 'arch/arm64/include/asm/kvm_emulate.h',
    tree: 'linux',
    source: 'brief §1.2 (S-THREAD msg 30)',
  },
  {
    name: 'shared_ipa_fault',
    file: MMU,
    tree: 'linux',
    source: 'brief §1.2 (S-THREAD msg 30)',
    note: 'static',
  },
  {
    name: 'kvm_is_write_fault',
    file: 'arch/arm64/include/asm/kvm_emulate.h',
    tree: 'linux',
    source: 'brief §2.2 (S-KWF)',
  },
  { name: 'handle_access_fault', file: MMU, tree: 'linux', source: 'brief §3.2 step 8 (S-LPMMU)' },
  { name: '__unmap_stage2_range', file: MMU, tree: 'linux', source: 'brief §3.7 (S-LPMMU)' },
  { name: 'kvm_s2_resolve_vma_size', file: MMU, tree: 'linux', source: 'brief §3.4 step 2.1 (S-LPMMU)' },
  {
    name: 'kvm_vcpu_get_fault_ipa',
    file: null,
    tree: 'linux',
    source: 'brief §3.2 step 2 (S-LPMMU)',
    note: 'called by kvm_handle_guest_abort() in arch/arm64/kvm/mmu.c',
  },
  {
    name: 'kvm_handle_guest_sea',
    file: null,
    tree: 'linux',
    source: 'brief §3.2 step 1 (S-LPMMU)',
    note: 'called by kvm_handle_guest_abort() for an SEA',
  },
  {
    name: 'gfn_to_memslot',
    file: null,
    tree: 'linux',
    source: 'brief §3.2 step 6 (S-LPMMU)',
    note: 'generic KVM, called by kvm_handle_guest_abort()',
  },
  {
    name: 'kvm_slot_has_gmem',
    file: null,
    tree: 'linux',
    source: 'brief §3.2 step 11 (S-THREAD msg 30)',
    note: 'the dispatch test in kvm_handle_guest_abort()',
  },
  {
    name: 'kvm_vcpu_dabt_iswrite',
    file: null,
    tree: 'linux',
    source: 'brief §3.1 step 4 (S-THREAD msg 23)',
    note: 'called by rec_exit_sync_dabt()',
  },
  {
    name: 'kvm_vcpu_dabt_isvalid',
    file: null,
    tree: 'linux',
    source: 'brief §3.1 step 4 (S-THREAD msg 23)',
    note: 'called by rec_exit_sync_dabt()',
  },
  {
    name: 'kvm_inject_sea_dabt',
    file: null,
    tree: 'linux',
    source: 'brief §8.16 (S-THREAD msg 25)',
    note: 'called by io_mem_abort() for a REC without a valid syndrome',
  },
  {
    name: 'kvm_mmu_cache_min_pages',
    file: null,
    tree: 'linux',
    source: 'brief §3.3 step 3 (S-LPMMU)',
    note: 'the memcache top-up target in gmem_abort()',
  },
  {
    name: 'kvm_release_faultin_page',
    file: null,
    tree: 'linux',
    source: 'brief §3.3 step 8 (S-LPMMU)',
    note: 'called at the end of gmem_abort() and user_mem_abort()',
  },
  {
    name: 'kvm_phys_addr_ioremap',
    file: null,
    tree: 'linux',
    source: 'brief §3.2 (S-THREAD msg 38)',
    note: 'the only function patch 37/44 touches',
  },
  {
    name: 'kvm_rec_enter',
    file: null,
    tree: 'linux',
    source: 'brief §3.1 step 1 (S-THREAD msgs 23, 25)',
    note: 'issues RMI_REC_ENTER',
  },
  {
    name: 'get_start_level',
    file: null,
    tree: 'linux',
    source: 'brief §1.3 (S-THREAD msg 29)',
    note: 'v14 patch 28/44; 4 − stage2_pgtable_levels(ia_bits)',
  },
  {
    name: 'realm_create_rd',
    file: null,
    tree: 'linux',
    source: 'brief §1.3 (S-THREAD msg 29)',
    note: 'v14 patch 28/44; issues RMI_REALM_CREATE',
  },
  {
    name: 'kvm_fault_lock',
    file: null,
    tree: 'linux',
    source: 'brief §3.3 step 6, §3.4 step 4, §3.7 (S-LPMMU)',
    note: 'taken by gmem_abort() and kvm_s2_fault_map() before mmu_invalidate_retry()',
  },
  {
    name: 'VM_WARN_ON_ONCE',
    file: null,
    tree: 'linux',
    source: 'brief §3.2 step 10 (S-LPMMU)',
    note: 'a macro, used in kvm_handle_guest_abort()',
  },
  {
    name: 'smp_rmb',
    file: null,
    tree: 'linux',
    source: 'brief §3.3 step 4 (S-LPMMU)',
    note: 'a barrier macro, after sampling mmu_seq in gmem_abort()',
  },
  // Kernel: the guest side.
  { name: 'arm64_rsi_init', file: 'arch/arm64/kernel/rsi.c', tree: 'linux', source: 'brief §5 (S-RSI-C)' },
  {
    name: 'rsi_set_memory_range',
    file: 'arch/arm64/include/asm/rsi.h',
    tree: 'linux',
    source: 'brief §4.1 guest step 3 (S-RSI-H)',
  },
  {
    name: '__set_memory_enc_dec',
    file: null,
    tree: 'linux',
    source: 'brief §4.1 (S-PAGEATTR)',
    note: 'arm64, behind set_memory_decrypted() and set_memory_encrypted()',
  },
  {
    name: 'dma_direct_alloc',
    file: null,
    tree: 'linux',
    source: 'brief §5 (S-THREAD msg 151)',
    note: 'guest coherent DMA allocation, calls dma_set_decrypted()',
  },
  {
    name: 'dma_set_decrypted',
    file: null,
    tree: 'linux',
    source: 'brief §5 (S-THREAD msg 151)',
    note: 'calls set_memory_decrypted()',
  },
  {
    name: 'memset',
    file: null,
    tree: 'linux',
    source: 'brief §5 (S-THREAD msg 151)',
    note: 'the guest kernel clearing a freshly decrypted DMA buffer',
  },
  // TF-RMM.
  { name: 'handle_data_abort', file: 'runtime/core/exit.c', tree: 'tf-rmm', source: 'brief §2.2 (S-TFRMM)' },
  {
    name: 'emulate_stage2_data_abort',
    file: 'runtime/core/exit.c',
    tree: 'tf-rmm',
    source: 'brief §2.2 item 8 (S-TFRMM exit.c)',
  },
  {
    name: 'ipa_is_empty',
    file: null,
    tree: 'tf-rmm',
    source: 'brief §2.2 item 2 (S-TFRMM)',
    note: 'called by handle_data_abort() in runtime/core/exit.c',
  },
];
