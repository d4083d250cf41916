/**
 * The host side of memory: a page allocator (seeded, so PFNs are deterministic), physical page
 * contents, and the VMM's page table with the behaviour of each RAM backend (mm/memory.c's
 * do_anonymous_page()/wp_page_copy() [@linux-memory.c:3853-4002], shmem, hugetlbfs):
 * - anon-private (MAP_PRIVATE anonymous): an untouched page reads as the shared zero page, mapped
 *   read-only; a write (or FOLL_WRITE GUP) breaks copy-on-write into a new page;
 * - anon-shared (`share=on`, shmem/memfd): the first touch allocates the real page, writable;
 * - thp: like anon-private, but a write populates a whole 2 MiB huge page where the aligned 2 MiB
 *   HVA block lies inside the mapping (huge pages exist only where populated);
 * - hugetlb-2m: the first touch allocates a 2 MiB page.
 */
import type { Backing, Memslot } from '../scenario/types.js';
import type { HostPage, HostPageKind, HostPte, World } from '../sim/world.js';
import { assertModel, modelBroken } from '../sim/errors.js';
import { granuleState } from '../rmm/rtt.js';
import { call } from '../sim/world.js';
import {
  kvm_mmu_notifier_invalidate_range_end,
  kvm_mmu_notifier_invalidate_range_start,
} from '../kernel/memattr.js';

export const PMD_PAGES = 512n;
const POOL_BASE = 0x80000n;
const POOL_PAGES = 1 << 22;

/** Whether the `n` PFNs from `head` are free. */
function isFree(pages: ReadonlyMap<number, HostPage>, head: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (pages.has(head + i)) return false;
  return true;
}

/** Allocate `count` (1 or 512) contiguous, aligned free PFNs, chosen by the seeded PRNG. */
export function allocPages(w: World, count: bigint, kind: HostPageKind): bigint {
  const pages = w.host.pages;
  const n = Number(count);
  const slots = POOL_PAGES / n;
  const base = Number(POOL_BASE);
  let head = -1;
  for (let tries = 0; tries < 64 && head < 0; tries++) {
    const cand = base + w.prng.below(slots) * n;
    if (isFree(pages, cand, n)) head = cand;
  }
  for (let i = 0; i < slots && head < 0; i++) {
    const cand = base + i * n;
    if (isFree(pages, cand, n)) head = cand;
  }
  assertModel(head >= 0, 'host page pool exhausted');
  for (let i = 0; i < n; i++) pages.set(head + i, { kind, mapcount: 0, data: null });
  return BigInt(head);
}

/** Free a host page. Freeing a page the RMM still owns is an impossible state. */
export function freePage(w: World, pfn: bigint): void {
  const st = granuleState(w, pfn << 12n);
  if (st !== 'undelegated')
    throw modelBroken(`host freed PFN 0x${pfn.toString(16)} while the RMM holds it (${st})`);
  w.host.pages.delete(Number(pfn));
  w.t.acc.dirtyPfns.push(Number(pfn));
}

export function hostPage(w: World, pfn: bigint): HostPage {
  const p = w.host.pages.get(Number(pfn));
  if (p === undefined) throw modelBroken(`PFN 0x${pfn.toString(16)} is not a host page`);
  return p;
}

const WORD_MASK = 0xffff_ffff_ffff_ffffn;
const sizeMask = (size: number): bigint => (size === 8 ? WORD_MASK : (1n << BigInt(8 * size)) - 1n);

/**
 * Read `size` bytes little-endian from physical memory. Accesses are size-aligned (the scenario
 * checks), so one never crosses a 64-bit word: contents are kept as sparse words.
 */
export function readPhys(w: World, pa: bigint, size: number): bigint {
  const off = Number(pa & 0xfffn);
  const word = w.host.pages.get(Number(pa >> 12n))?.data?.get(off >> 3) ?? 0n;
  // Words are stored masked to 64 bits, so a whole-word read is the word itself.
  if (size === 8) return word;
  return (word >> BigInt(8 * (off & 7))) & sizeMask(size);
}

/** Write `size` bytes little-endian to physical memory (size-aligned, within one word). */
export function writePhys(w: World, pa: bigint, size: number, value: bigint): void {
  const off = Number(pa & 0xfffn);
  const p = hostPage(w, pa >> 12n);
  p.data ??= new Map();
  // A whole-word write replaces the word.
  if (size === 8) {
    p.data.set(off >> 3, value & WORD_MASK);
    return;
  }
  const shift = BigInt(8 * (off & 7));
  const m = sizeMask(size) << shift;
  const old = p.data.get(off >> 3) ?? 0n;
  p.data.set(off >> 3, (old & ~m) | ((value << shift) & m));
}

function copyPage(w: World, from: bigint, to: bigint): void {
  const src = hostPage(w, from).data;
  hostPage(w, to).data = src === null ? null : new Map(src);
}

export function memslotForGfn(w: World, gfn: bigint): Memslot | undefined {
  // Compared as byte addresses in doubles: GPAs are below 2^52, so this is exact and allocates
  // nothing on the fault path.
  const gpa = Number(gfn) * 4096;
  for (const m of w.sc.memslots) {
    const base = Number(m.gpa);
    if (gpa >= base && gpa < base + Number(m.size)) return m;
  }
  return undefined;
}

/** __gfn_to_hva_memslot(). */
export const gfnToHva = (m: Memslot, gfn: bigint): bigint => m.hva + ((gfn - (m.gpa >> 12n)) << 12n);

function memslotForHva(w: World, hva: bigint): Memslot | undefined {
  for (const m of w.sc.memslots) if (hva >= m.hva && hva < m.hva + m.size) return m;
  return undefined;
}

/* HostState.pte keys: the 1 GiB block of an HVA and the page within it (exact in doubles). */
const pteBlock = (hva: bigint): number => Math.floor(Number(hva) / 2 ** 30);
const pteIndex = (hva: bigint): number => Math.floor(Number(hva) / 4096) % 2 ** 18;

/** The VMM's PTE for the page holding `hva`, if it maps one. */
export function getPte(w: World, hva: bigint): HostPte | undefined {
  return w.host.pte.get(pteBlock(hva))?.get(pteIndex(hva));
}

function setPte(w: World, hvaPage: bigint, pte: HostPte | null): void {
  const old = getPte(w, hvaPage);
  if (old !== undefined) {
    const p = w.host.pages.get(Number(old.pfn));
    if (p !== undefined) p.mapcount--;
    w.t.acc.dirtyPfns.push(Number(old.pfn));
  }
  const block = w.host.pte.get(pteBlock(hvaPage));
  if (pte === null) block?.delete(pteIndex(hvaPage));
  else {
    if (block === undefined) w.host.pte.set(pteBlock(hvaPage), new Map([[pteIndex(hvaPage), pte]]));
    else block.set(pteIndex(hvaPage), pte);
    hostPage(w, pte.pfn).mapcount++;
    w.t.acc.dirtyPfns.push(Number(pte.pfn));
  }
}

/** Whether the aligned 2 MiB HVA block around `hva` lies inside the memslot's mapping. */
function hugeBlockFits(m: Memslot, hva: bigint): boolean {
  const start = hva & ~0x1f_ffffn;
  return start >= m.hva && start + 0x20_0000n <= m.hva + m.size;
}

function populateHuge(w: World, hva: bigint, kind: HostPageKind): HostPte {
  const start = hva & ~0x1f_ffffn;
  const head = allocPages(w, PMD_PAGES, kind);
  if (w.t.on) w.t.ev({ type: 'host_mm', what: 'alloc_huge', hva: start, pfn: head });
  for (let i = 0n; i < PMD_PAGES; i++) {
    const old = getPte(w, start + (i << 12n));
    if (old !== undefined) copyPage(w, old.pfn, head + i);
    setPte(w, start + (i << 12n), { pfn: head + i, writable: true, huge: true });
  }
  const pte = getPte(w, hva);
  assertModel(pte !== undefined, 'huge page populate');
  return pte;
}

/**
 * Fault the VMM's mapping in at `hva` (a CPU access by the VMM, or GUP by KVM) and return the PTE.
 * `write` is FOLL_WRITE / a store: it breaks copy-on-write.
 */
export function handleHostFault(w: World, hva: bigint, write: boolean): HostPte {
  const page = hva & ~0xfffn;
  const m = memslotForHva(w, page);
  if (m === undefined) throw modelBroken(`HVA 0x${hva.toString(16)} is not in any memslot mapping`);
  const backing: Backing = m.backing;
  const cur = getPte(w, page);
  if (cur !== undefined && (cur.writable || !write)) return cur;
  switch (backing) {
    case 'anon-shared': {
      assertModel(cur === undefined, 'shmem PTEs are always writable');
      const pfn = allocPages(w, 1n, 'shmem');
      if (w.t.on) w.t.ev({ type: 'host_mm', what: 'alloc', hva: page, pfn });
      setPte(w, page, { pfn, writable: true, huge: false });
      break;
    }
    case 'hugetlb-2m': {
      assertModel(cur === undefined, 'hugetlb PTEs are always writable');
      populateHuge(w, page, 'huge');
      break;
    }
    case 'thp':
    case 'anon-private': {
      if (!write) {
        if (w.t.on) w.t.ev({ type: 'host_mm', what: 'zero_page', hva: page, pfn: w.host.zeroPfn });
        setPte(w, page, { pfn: w.host.zeroPfn, writable: false, huge: false });
      } else if (backing === 'thp' && cur === undefined && hugeBlockFits(m, page) && !anyPteIn(w, page)) {
        populateHuge(w, page, 'huge');
      } else if (cur !== undefined) {
        wp_page_copy(w, page, cur);
      } else {
        const pfn = allocPages(w, 1n, 'anon');
        if (w.t.on) w.t.ev({ type: 'host_mm', what: 'alloc', hva: page, pfn });
        setPte(w, page, { pfn, writable: true, huge: false });
      }
      break;
    }
    default:
      return backing satisfies never;
  }
  const pte = getPte(w, page);
  assertModel(pte !== undefined, 'host fault left no PTE');
  return pte;
}

/**
 * wp_page_copy() (mm/memory.c): a write to a page the VMM maps read-only (the shared zero page, or
 * a page still shared after fork) gets a private copy. The PTE change is bracketed by the MMU
 * notifier, so KVM unmaps whatever stage-2 entry still points at the old page before the PTE moves
 * and mmu_invalidate_seq moves on after it.
 */
function wp_page_copy(w: World, hvaPage: bigint, old: HostPte): void {
  call(w, 'wp_page_copy', { address: hvaPage, old_pfn: old.pfn }, () => {
    const end = hvaPage + 0x1000n;
    const pfn = allocPages(w, 1n, 'anon');
    copyPage(w, old.pfn, pfn);
    kvm_mmu_notifier_invalidate_range_start(w, hvaPage, end);
    if (w.t.on) w.t.ev({ type: 'host_mm', what: 'cow_break', hva: hvaPage, pfn });
    setPte(w, hvaPage, { pfn, writable: true, huge: false });
    kvm_mmu_notifier_invalidate_range_end(w, hvaPage, end);
    return 0;
  });
}

function anyPteIn(w: World, hva: bigint): boolean {
  const start = hva & ~0x1f_ffffn;
  for (let i = 0n; i < PMD_PAGES; i++) if (getPte(w, start + (i << 12n)) !== undefined) return true;
  return false;
}

/** get_user_mapping_size(): 2 MiB where the VMM's PTE belongs to a huge page, else 4 KiB. */
export function getUserMappingSize(w: World, hva: bigint): bigint {
  const pte = getPte(w, hva);
  return pte?.huge === true ? 0x20_0000n : 0x1000n;
}

/**
 * Drop the VMM's PTEs for [hva, hva+size), as madvise(MADV_DONTNEED) on anonymous memory or a hole
 * punched in a memfd does, and free the pages no longer mapped. The zap is bracketed by the MMU
 * notifier: KVM unmaps the shared alias of the GFNs first, then the PTEs go.
 */
export function discardHostRange(w: World, hva: bigint, size: bigint): void {
  const end = hva + size;
  kvm_mmu_notifier_invalidate_range_start(w, hva, end);
  for (let a = hva; a < end; a += 0x1000n) {
    const pte = getPte(w, a);
    if (pte === undefined) continue;
    if (w.t.on) w.t.ev({ type: 'host_mm', what: 'unmap', hva: a, pfn: pte.pfn });
    setPte(w, a, null);
    const p = w.host.pages.get(Number(pte.pfn));
    if (
      p !== undefined &&
      p.mapcount === 0 &&
      p.kind !== 'zero' &&
      granuleState(w, pte.pfn << 12n) === 'undelegated' &&
      !mappedByS2(w, pte.pfn)
    ) {
      freePage(w, pte.pfn);
    }
  }
  kvm_mmu_notifier_invalidate_range_end(w, hva, end);
}

/** A page still referenced by a stage-2 entry keeps its reference (KVM holds none for realms, but we keep contents observable). */
function mappedByS2(w: World, pfn: bigint): boolean {
  return w.rmm.byPfn.has(Number(pfn)) || w.rmm.byPfn.has(Number(pfn & ~0x1ffn));
}

/**
 * The host kernel migrates the page behind `gpa` (a `host: migrate` step): try_to_migrate_one()
 * replaces the VMM's PTE inside an MMU-notifier invalidation [@linux-rmap.c:2446-2459;
 * @linux-rmap.c:2708-2726], the contents are copied and remove_migration_ptes() maps the new page
 * with the old permissions [@linux-migrate.c:346-474]. Done as one step here. Nothing happens
 * when the VMM maps nothing there, or maps the shared zero page or a huge page (the model
 * migrates single small pages only).
 */
export function hostMigrate(w: World, gpa: bigint): { outcome: 'completed' } {
  call(w, 'try_to_migrate', { gpa }, () => {
    const m = memslotForGfn(w, gpa >> 12n);
    const hva = m === undefined ? undefined : gfnToHva(m, gpa >> 12n);
    const old = hva === undefined ? undefined : getPte(w, hva);
    if (hva === undefined || old === undefined || old.pfn === w.host.zeroPfn || old.huge) {
      if (w.t.on)
        w.t.ev({
          type: 'decision',
          fn: 'try_to_migrate',
          what:
            old === undefined
              ? 'the VMM maps nothing there: nothing to migrate'
              : 'the shared zero page or a huge page: not migrated by the model',
        });
      return 0;
    }
    const end = hva + 0x1000n;
    const kind = hostPage(w, old.pfn).kind;
    const pfn = allocPages(w, 1n, kind);
    kvm_mmu_notifier_invalidate_range_start(w, hva, end);
    copyPage(w, old.pfn, pfn);
    if (w.t.on) w.t.ev({ type: 'host_mm', what: 'migrate', hva, pfn });
    setPte(w, hva, { pfn, writable: old.writable, huge: false });
    const p = w.host.pages.get(Number(old.pfn));
    if (
      p !== undefined &&
      p.mapcount === 0 &&
      granuleState(w, old.pfn << 12n) === 'undelegated' &&
      !mappedByS2(w, old.pfn)
    )
      freePage(w, old.pfn);
    kvm_mmu_notifier_invalidate_range_end(w, hva, end);
    return 0;
  });
  return { outcome: 'completed' };
}
