/**
 * Functions (and function-like macros) the pages name but the model does not mirror. Together
 * with the model's MIRRORED_FUNCTIONS they are every `name()` a page may write in inline code;
 * the references plugin (src/plugins/references) fails the build on any other.
 *
 * Every row cites where the function is, in the source registry's syntax
 * (packages/model/src/sources): its definition where the code was read, otherwise the lines that
 * call or use it, with `note` saying so. tests/unit/references-plugin.test.ts checks that every
 * citation resolves and that no row duplicates a mirrored function.
 */
import type { MirroredFunction } from '@realmfault/model';

export interface KnownFunction {
  readonly name: string;
  /** Path of its definition in its tree, when that was read; null when only its uses were. */
  readonly file: string | null;
  readonly tree: MirroredFunction['tree'];
  /** Where it is: a citation of its definition, or of the lines that use it (see `note`). */
  readonly source: string;
  /** What kind of thing it is, or, when `file` is null, where the cited lines use it. */
  readonly note?: string;
}

const MMU = 'arch/arm64/kvm/mmu.c';
const EMULATE = 'arch/arm64/include/asm/kvm_emulate.h';

export const KNOWN_FUNCTIONS: readonly KnownFunction[] = [
  // Kernel: the fault path around the mirrored functions.
  {
    name: 'kvm_mem_is_private',
    file: 'include/linux/kvm_host.h',
    tree: 'linux',
    source: '[@linux-kvm_host.h:2549-2552]',
    note: 'whether a GFN has the PRIVATE memory attribute',
  },
  {
    name: 'kvm_mmu_faultin_pfn',
    file: 'arch/x86/kvm/mmu/mmu.c',
    tree: 'linux',
    source: '[@linux-x86-mmu.c:4665-4782]',
    note: "x86's counterpart of the page lookup in a fault, named for comparison",
  },
  {
    name: 'kvm_gpa_from_fault',
    file: EMULATE,
    tree: 'linux',
    source: '[@v14-kvm_emulate.h:715-721]',
    note: 'added by v14 patch 29',
  },
  {
    name: 'shared_ipa_fault',
    file: MMU,
    tree: 'linux',
    source: '[@v14 shared_ipa_fault()]',
    note: 'static; added by v14 patch 29',
  },
  { name: 'kvm_is_write_fault', file: EMULATE, tree: 'linux', source: '[@linux-kvm_emulate.h:480-502]' },
  {
    name: 'handle_access_fault',
    file: MMU,
    tree: 'linux',
    source: '[@linux-mmu.c:2117-2128]',
    note: 'static',
  },
  {
    name: '__unmap_stage2_range',
    file: MMU,
    tree: 'linux',
    source: '[@v14-mmu.c:329-346]',
    note: 'static; v14 patch 29 adds the realm branch',
  },
  {
    name: 'kvm_s2_resolve_vma_size',
    file: MMU,
    tree: 'linux',
    source: '[@linux-mmu.c:1750-1814]',
    note: 'static',
  },
  { name: 'kvm_vcpu_get_fault_ipa', file: EMULATE, tree: 'linux', source: '[@linux-kvm_emulate.h:348-356]' },
  { name: 'kvm_handle_guest_sea', file: MMU, tree: 'linux', source: '[@linux-mmu.c:2158-2207]' },
  {
    name: 'gfn_to_memslot',
    file: 'virt/kvm/kvm_main.c',
    tree: 'linux',
    source: '[@linux-kvm_main.c:2628-2631]',
  },
  {
    name: 'kvm_slot_has_gmem',
    file: 'include/linux/kvm_host.h',
    tree: 'linux',
    source: '[@linux-kvm_host.h:619-622]',
    note: 'the dispatch test in kvm_handle_guest_abort()',
  },
  { name: 'kvm_vcpu_dabt_iswrite', file: EMULATE, tree: 'linux', source: '[@linux-kvm_emulate.h:399-402]' },
  { name: 'kvm_vcpu_dabt_isvalid', file: EMULATE, tree: 'linux', source: '[@linux-kvm_emulate.h:368-371]' },
  {
    name: 'kvm_inject_sea_dabt',
    file: EMULATE,
    tree: 'linux',
    source: '[@linux-kvm_emulate.h:54-57; @v14-inject_fault.c:229-233]',
    note: 'for a REC, v14 sets REC_ENTER_FLAG_INJECT_SEA instead of injecting',
  },
  {
    name: 'kvm_mmu_cache_min_pages',
    file: null,
    tree: 'linux',
    source: '[@linux-mmu.c:1530-1538]',
    note: 'the memcache top-up target: topup_mmu_memcache() calls it',
  },
  {
    name: 'kvm_release_faultin_page',
    file: 'include/linux/kvm_host.h',
    tree: 'linux',
    source: '[@linux-kvm_host.h:1285-1309]',
    note: 'called at the end of gmem_abort() and user_mem_abort()',
  },
  {
    name: 'kvm_phys_addr_ioremap',
    file: null,
    tree: 'linux',
    source: '[@v14-mmu.c:1233-1235; @v14-37]',
    note: 'arch/arm64/kvm/mmu.c; v14 patch 37 makes it refuse realms with -EPERM (the lines it adds)',
  },
  {
    name: 'kvm_rec_enter',
    file: 'arch/arm64/kvm/rmi.c',
    tree: 'linux',
    source: '[@v14 kvm_rec_enter()]',
    note: 'issues RMI_REC_ENTER',
  },
  {
    name: 'get_start_level',
    file: 'arch/arm64/kvm/rmi.c',
    tree: 'linux',
    source: '[@v14-rmi.c:63-66]',
    note: 'the start RTT level from the realm’s IPA width',
  },
  {
    name: 'kvm_fault_lock',
    file: null,
    tree: 'linux',
    source: '[@linux-mmu.c:1636; @linux-mmu.c:2004]',
    note: 'taken by gmem_abort() and kvm_s2_fault_map() before mmu_invalidate_retry()',
  },
  {
    name: 'VM_WARN_ON_ONCE',
    file: null,
    tree: 'linux',
    source: '[@linux-mmu.c:2387-2389]',
    note: 'a macro; kvm_handle_guest_abort() uses it for a permission fault that is neither a write nor an exec',
  },
  {
    name: 'smp_rmb',
    file: null,
    tree: 'linux',
    source: '[@linux-mmu.c:1615]',
    note: 'a barrier macro, after sampling mmu_seq in gmem_abort()',
  },
  // Kernel: the guest side.
  {
    name: 'arm64_rsi_init',
    file: 'arch/arm64/kernel/rsi.c',
    tree: 'linux',
    source: '[@linux-rsi.c:142-161]',
  },
  {
    name: 'rsi_set_memory_range',
    file: 'arch/arm64/include/asm/rsi.h',
    tree: 'linux',
    source: '[@linux-rsi.h:26-40]',
  },
  {
    name: '__set_memory_enc_dec',
    file: 'arch/arm64/mm/pageattr.c',
    tree: 'linux',
    source: '[@linux-pageattr.c:278-322]',
    note: 'static; behind set_memory_decrypted() and set_memory_encrypted()',
  },
  {
    name: 'dma_direct_alloc',
    file: null,
    tree: 'linux',
    source: '[@v14-29-shan-0626a]',
    note: 'guest coherent DMA allocation, which calls dma_set_decrypted(); named in Gavin Shan’s bisection',
  },
  {
    name: 'dma_set_decrypted',
    file: null,
    tree: 'linux',
    source: '[@v14-29-shan-0626a]',
    note: 'calls set_memory_decrypted(); named in Gavin Shan’s bisection',
  },
  {
    name: 'memset',
    file: null,
    tree: 'linux',
    source: '[@v14-29-shan-0626a]',
    note: 'the guest kernel clearing a freshly decrypted DMA buffer, in Gavin Shan’s bisection',
  },
  // TF-RMM.
  {
    name: 'handle_data_abort',
    file: 'runtime/core/exit.c',
    tree: 'tf-rmm',
    source: '[@tf-rmm handle_data_abort()]',
  },
  {
    name: 'emulate_stage2_data_abort',
    file: 'runtime/core/exit.c',
    tree: 'tf-rmm',
    source: '[@tf-rmm-exit.c:191-205]',
    note: 'builds a translation-fault exit (FAR 0, HPFAR from the IPA) for the host',
  },
  {
    name: 'ipa_is_empty',
    file: 'runtime/core/exit.c',
    tree: 'tf-rmm',
    source: '[@tf-rmm-exit.c:87-105]',
    note: 'static; handle_data_abort() calls it',
  },
];
