/**
 * Mutations: named switches that remove or move one guard of the real code, so that the explorer
 * (src/explore) can show why the guard exists — with each one on, some interleaving of a built-in
 * scenario breaks an invariant. A mutation is never the behaviour of any posted code: it is a
 * "what if this line were missing". Each entry cites the line(s) it removes in v14 and in the
 * post-v14 tree (the mainline line where neither series changes it).
 */
import type { Variant } from '../scenario/types.js';

export type MutationName =
  | 'skip-mmu-invalidate-retry'
  | 'mmu-seq-after-lookup'
  | 'gmem-abort-no-attribute-check'
  | 'notifier-skips-shared-unmap'
  | 'attributes-skip-unmap';

export interface MutationInfo {
  readonly name: MutationName;
  /** What the mutated code does, in a sentence. */
  readonly description: string;
  /** The line(s) removed or moved, in the citation syntax of src/sources/cite.ts. */
  readonly removes: string;
  /** The invariant(s) (src/sim/invariants.ts) a counterexample is expected to break. */
  readonly breaks: readonly number[];
  /**
   * A built-in scenario on which the explorer finds a counterexample with the mutation and none
   * without it, the variant, and the bound when it is not the default.
   */
  readonly example: { readonly scenario: string; readonly variant: Variant; readonly bound?: number };
}

export const MUTATIONS: readonly MutationInfo[] = [
  {
    name: 'skip-mmu-invalidate-retry',
    description:
      'Under kvm_fault_lock() the fault maps without asking mmu_invalidate_retry() whether an invalidation ended since mmu_seq was sampled, in kvm_s2_fault_map() and in gmem_abort(): a page looked up before an invalidation is mapped after it.',
    removes: '[@v14-mmu.c:2087; @v14-mmu.c:1721; @post-v14-lp-mmu.c:2064; @post-v14-lp-mmu.c:1698]',
    breaks: [4, 6],
    example: { scenario: 'shared-fault-vmm-written', variant: 'post-v14-review' },
  },
  {
    name: 'mmu-seq-after-lookup',
    description:
      'mmu_seq is sampled after the page lookup instead of before it (after __kvm_faultin_pfn() and after kvm_gmem_get_pfn()): an invalidation that ends between the lookup and the sample goes unnoticed, because the sample already holds the new sequence number.',
    removes: '[@v14-mmu.c:1938; @v14-mmu.c:1697; @post-v14-lp-mmu.c:1915; @post-v14-lp-mmu.c:1674]',
    breaks: [4, 6],
    example: { scenario: 'shared-fault-vmm-written', variant: 'post-v14-review' },
  },
  {
    name: 'gmem-abort-no-attribute-check',
    description:
      "gmem_abort() skips the realm's attribute check (is_priv_gfn != is_priv_fault → KVM_EXIT_MEMORY_FAULT, -EFAULT): a private-alias fault on a GFN whose attribute is shared maps a guest_memfd page behind the VMM's back.",
    removes: '[@v14-mmu.c:1659-1680; @post-v14-lp-mmu.c:1636-1657]',
    breaks: [6],
    example: { scenario: 'private-fault-shared-attr', variant: 'post-v14-review' },
  },
  {
    name: 'notifier-skips-shared-unmap',
    description:
      "kvm_mmu_notifier_invalidate_range_start() opens the invalidation but does not unmap the GFNs (its handler, kvm_mmu_unmap_gfn_range(), is not called): when the host mm moves the VMM's page — a copy-on-write break, a migration — the realm's shared alias keeps pointing at the old page.",
    removes: '[@linux-kvm_main.c:715-719; @linux-kvm_main.c:721-728; @v14-mmu.c:2505-2506]',
    breaks: [4],
    example: { scenario: 'shared-read-then-vmm-write', variant: 'post-v14-review' },
  },
  {
    name: 'attributes-skip-unmap',
    description:
      'kvm_arch_post_set_memory_attributes() does not call kvm_unmap_gfn_range(): after KVM_SET_MEMORY_ATTRIBUTES the alias whose attribute no longer applies stays mapped — a private page stays mapped after the GFN became shared.',
    removes: '[@v14-mmu.c:2787-2800; @post-v14-lp-mmu.c:2764-2777]',
    breaks: [6],
    // Bound 0: with a window, invalidation-race breaks invariant 6 without any mutation (the
    // attribute check runs before the mmu_seq sample: TOGGLE_INFO gmemAttributeCheckAfterMmuSeq).
    example: { scenario: 'invalidation-race', variant: 'post-v14-review', bound: 0 },
  },
];

export const MUTATION_NAMES: readonly MutationName[] = MUTATIONS.map((m) => m.name);

/** Whether `name` is a mutation's name. */
export const isMutationName = (name: string): name is MutationName =>
  (MUTATION_NAMES as readonly string[]).includes(name);
