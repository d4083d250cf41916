/**
 * The vCPU's stage-2 page cache, vcpu->arch.mmu_page_cache (virt/kvm/kvm_main.c): pages set aside
 * before taking mmu_lock so that RTT creation under the lock does not allocate.
 */
import { call, decide, WARN_ON, type VcpuState, type World } from '../sim/world.js';
import { ENOMEM } from '../sim/errno.js';
import { allocPages } from '../vmm/host.js';

/** kvm_mmu_cache_min_pages(mmu): stage-2 levels - 1 (2 for a 41-bit realm). */
export const kvm_mmu_cache_min_pages = (w: World): number => w.geom.levels - 1;

/**
 * kvm_mmu_topup_memory_cache(mc, min): fill the cache to `min` pages. With the scenario's
 * `host.freePages` limit the allocation can fail: -ENOMEM. Returns 0 or -ENOMEM.
 */
export function kvm_mmu_topup_memory_cache(w: World, vcpu: VcpuState): number {
  return call(
    w,
    'kvm_mmu_topup_memory_cache',
    { min: kvm_mmu_cache_min_pages(w), nobjs: vcpu.memcache.length },
    () => {
      const need = kvm_mmu_cache_min_pages(w) - vcpu.memcache.length;
      if (need <= 0) return 0;
      if (w.host.freePages !== null && w.host.freePages < need) {
        decide(
          w,
          'kvm_mmu_topup_memory_cache',
          `the host cannot allocate ${need} page(s) (${w.host.freePages} free)`,
        );
        return ENOMEM;
      }
      for (let i = 0; i < need; i++) vcpu.memcache.push(allocPages(w, 1n, 'kernel'));
      if (w.host.freePages !== null) w.host.freePages -= need;
      return 0;
    },
  );
}

/**
 * kvm_mmu_memory_cache_alloc(mc): a page from the cache; an empty cache WARNs and falls back to a
 * GFP_ATOMIC allocation.
 */
export function kvm_mmu_memory_cache_alloc(w: World, mc: bigint[]): bigint {
  const p = mc.pop();
  if (p !== undefined) return p;
  WARN_ON(w, 'kvm_mmu_memory_cache_alloc', '!mc->nobjs');
  return allocPages(w, 1n, 'kernel');
}
