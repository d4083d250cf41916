/**
 * Invariants checked after every step (and, by the explorer, after every action). They are
 * reported, not thrown: the modelled code breaks them (the seed's bug breaks (3)). Checks are
 * incremental: only RTT entries, pages and attribute ranges that changed during the step are
 * examined, so a long run stays linear. INVARIANTS below states each one with its sources.
 */
import { levelSize } from '../arch/geometry.js';
import { isPrivateGfn } from '../kernel/memattr.js';
import { RMI_S2AP_DIRECT_WRITE } from '../rmm/constants.js';
import { granuleState, leafAt, leavesAt, offsetInEntry, rttWalk } from '../rmm/rtt.js';
import { getPte, gfnToHva, memslotForGfn, readPhys } from '../vmm/host.js';
import { modelBroken } from './errors.js';
import type { InvariantNo, Violation } from './result.js';
import { hex } from './trace.js';
import type { World } from './world.js';

/** One invariant: its number (as violations carry it), a short name, what it states, and why. */
export interface InvariantInfo {
  readonly no: InvariantNo;
  readonly name: string;
  readonly statement: string;
  /** Citations, in the citation syntax of src/sources/cite.ts. */
  readonly source: string;
}

export const INVARIANTS: readonly InvariantInfo[] = [
  {
    no: 1,
    name: 'NS entry reaches realm memory',
    statement:
      'No unprotected (assigned_ns) entry reaches a granule the RMM holds (delegated, RD, RTT or data).',
    source: '[@tf-rmm-granule.c:76-100]',
  },
  {
    no: 2,
    name: 'protected entry off a data granule',
    statement: 'Every assigned protected entry points at delegated granules in the DATA state.',
    source: '[@tf-rmm-rtt_map.c:362-396]',
  },
  {
    no: 3,
    name: 'writable shared mapping of a shared page',
    statement:
      "A writable shared-alias mapping never points at a page the host maps read-only, at the shared zero page, or at a page that backs more than one GFN — the seed's bug.",
    source: '[@v14-29-shan-0626a; @linux-memory.c:3853-4002]',
  },
  {
    no: 4,
    name: 'coherence',
    statement:
      "A shared-alias mapping points at the page the VMM's page table maps at that GFN's HVA, unless an invalidation is in progress: the MMU notifier unmaps the alias before a PTE changes, and a fault that looked the page up before an invalidation retries.",
    source: '[@linux-kvm_main.c:715-728; @linux-mmu.c:1851-1858; @linux-mmu.c:2004-2008]',
  },
  {
    no: 5,
    name: 'host reaches a delegated granule',
    statement:
      "No granule the RMM holds is mapped by the VMM's page table: delegation moves it to the realm PAS, where a host access takes a granule protection fault.",
    source: '[@tf-rmm-granule.c:76-100]',
  },
  {
    no: 6,
    name: 'private mapping of a shared GFN',
    statement:
      'An assigned protected (private-alias) entry exists only for a GFN whose attribute is PRIVATE: KVM_SET_MEMORY_ATTRIBUTES invalidates and unmaps the alias that no longer applies, and gmem_abort() refuses a private fault on a shared GFN.',
    source: '[@linux-kvm_main.c:2537-2598; @v14-mmu.c:2787-2800; @v14-mmu.c:1659-1680]',
  },
  {
    no: 7,
    name: 'private data lost',
    statement:
      'A word the guest stored at a protected IPA reads back the same until the guest asks for a conversion of it (RSI_IPA_STATE_SET), or the page is gone visibly: RIPAS DESTROYED, so the next access takes an SEA. Unassigned with RIPAS RAM would let the next fault map a fresh page in silence.',
    source: '[@tf-rmm-rtt_unmap.c:250-275; @tf-rmm-exit.c:228-251]',
  },
];

/** No violations (shared: most steps have none, and callers only read the list). */
const NONE: readonly Violation[] = Object.freeze([]);

/** Append the IPAs of the assigned leaf entries that start at PFN `head` to `cand`. */
function addLeavesAt(w: World, head: number, cand: number[]): void {
  const s = w.rmm.byPfn.get(head);
  if (s === undefined) return;
  if (typeof s === 'number') cand.push(s);
  else for (const ipa of s) cand.push(ipa);
}

/** Whether `list` is already in ascending order (the usual case here; sorting allocates). */
function isAscending(list: readonly number[]): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i - 1] ?? 0) > (list[i] ?? 0)) return false;
  return true;
}

export function checkInvariants(w: World, step: number): readonly Violation[] {
  const acc = w.t.acc;
  if (acc.dirtyIpas.length === 0 && acc.dirtyPfns.length === 0 && acc.dirtyAttr.length === 0) return NONE;
  const out: Violation[] = [];
  hostReachable(w, step, out);
  privateAttributes(w, step, out);
  guestData(w, step, out);
  // Candidates may repeat (a page changes state twice in a step): they are sorted and each IPA is
  // checked once.
  const cand = acc.dirtyIpas.slice();
  let last = -1;
  for (const pfn of acc.dirtyPfns) {
    if (pfn === last) continue;
    last = pfn;
    // The entry may start at this page, or at the head of a 2 MiB or 1 GiB block holding it.
    addLeavesAt(w, pfn, cand);
    addLeavesAt(w, pfn - (pfn % 512), cand);
    addLeavesAt(w, pfn - (pfn % 262144), cand);
  }
  if (cand.length === 0) return out.length === 0 ? NONE : out;
  if (!isAscending(cand)) cand.sort((a, b) => a - b);
  let prev = -1;
  for (const n of cand) {
    if (n === prev) continue;
    prev = n;
    const ipa = BigInt(n);
    const leaf = leafAt(w, ipa);
    if (leaf === undefined) continue;
    const e = leaf.e;
    const size = levelSize(leaf.level);
    const shared = ipa >= w.geom.sharedBit;
    if (e.s === 'assigned_ns') {
      if (!shared) throw modelBroken(`assigned_ns entry at protected IPA ${hex(ipa)}`);
      const bad = firstProtectedGranule(w, e.pa, size);
      if (bad !== null) {
        out.push({
          invariant: 1,
          step,
          message: `NS entry at IPA ${hex(ipa)} reaches ${granuleState(w, bad)} granule PA ${hex(bad)}`,
        });
      }
      if ((e.s2ap & RMI_S2AP_DIRECT_WRITE) !== 0) {
        const msg = writableSharedProblem(w, ipa, e.pa);
        if (msg !== null) out.push({ invariant: 3, step, message: msg });
      }
      const stale = staleSharedMapping(w, ipa, e.pa, size);
      if (stale !== null) out.push({ invariant: 4, step, message: stale });
    } else {
      if (shared) throw modelBroken(`protected entry at shared IPA ${hex(ipa)}`);
      const priv = privateEntryOnSharedGfn(w, ipa, size);
      if (priv !== null) out.push({ invariant: 6, step, message: priv });
      for (let g = 0n; g < size; g += 0x1000n) {
        const st = granuleState(w, e.pa + g);
        if (st !== 'data') {
          out.push({
            invariant: 2,
            step,
            message: `assigned_${e.ripas} entry at IPA ${hex(ipa)} points at ${st} granule PA ${hex(e.pa + g)}`,
          });
          break;
        }
      }
    }
  }
  return out;
}

function firstProtectedGranule(w: World, pa: bigint, size: bigint): bigint | null {
  if (size <= 0x20_0000n) {
    for (let g = 0n; g < size; g += 0x1000n) if (granuleState(w, pa + g) !== 'undelegated') return pa + g;
    return null;
  }
  let best: bigint | null = null;
  for (const pfn of w.rmm.granules.keys()) {
    const a = BigInt(pfn) << 12n;
    if (a >= pa && a < pa + size && (best === null || a < best)) best = a;
  }
  return best;
}

function writableSharedProblem(w: World, ipa: bigint, pa: bigint): string | null {
  const pfn = pa >> 12n;
  // The message is built only when there is a problem.
  const where = (): string => `writable shared mapping at IPA ${hex(ipa)} → PFN ${hex(pfn)}`;
  if (pfn === w.host.zeroPfn) return `${where()} is the host's shared zero page`;
  const self = Number(ipa);
  const others = leavesAt(w, pfn).filter((o) => o !== self && leafAt(w, BigInt(o))?.e.s === 'assigned_ns');
  if (others.length > 0) return `${where()} also backs IPA ${others.map(hex).join(', ')}`;
  const gfn = (ipa - w.geom.sharedBit) >> 12n;
  const m = memslotForGfn(w, gfn);
  if (m === undefined) return null;
  const pte = getPte(w, gfnToHva(m, gfn));
  // A page the host no longer maps there is invariant 4's (coherence) to report.
  if (pte === undefined || pte.pfn !== pfn) return null;
  if (!pte.writable) return `${where()}: the host maps that page read-only (copy-on-write)`;
  const page = w.host.pages.get(Number(pfn));
  if (page !== undefined && page.mapcount > 1)
    return `${where()} is mapped ${page.mapcount} times by the host`;
  return null;
}

/**
 * Invariant 4: the shared-alias entry at `ipa` (of `size` bytes, at `pa`) maps, page by page, what
 * the VMM's page table maps at the GFN's HVA. Skipped while an invalidation is in progress, and for
 * GFNs outside every memslot.
 */
function staleSharedMapping(w: World, ipa: bigint, pa: bigint, size: bigint): string | null {
  if (w.kvm.mmuInvalidateInProgress > 0) return null;
  const gfn0 = (ipa - w.geom.sharedBit) >> 12n;
  for (let off = 0n; off < size; off += 0x1000n) {
    const gfn = gfn0 + (off >> 12n);
    const m = memslotForGfn(w, gfn);
    if (m === undefined) continue;
    const pte = getPte(w, gfnToHva(m, gfn));
    const pfn = (pa + off) >> 12n;
    if (pte === undefined || pte.pfn !== pfn) {
      return `shared mapping at IPA ${hex(ipa + off)} → PFN ${hex(pfn)}, but the VMM's page table maps ${pte === undefined ? 'nothing' : `PFN ${hex(pte.pfn)}`} at HVA ${hex(gfnToHva(m, gfn))} (stale page)`;
    }
  }
  return null;
}

/** Invariant 5: every dirty PFN that the RMM holds is not mapped by the VMM's page table. */
function hostReachable(w: World, step: number, out: Violation[]): void {
  const seen = new Set<number>();
  for (const pfn of w.t.acc.dirtyPfns) {
    if (seen.has(pfn)) continue;
    seen.add(pfn);
    const st = w.rmm.granules.get(pfn);
    if (st === undefined) continue;
    const page = w.host.pages.get(pfn);
    if (page !== undefined && page.mapcount > 0)
      out.push({
        invariant: 5,
        step,
        message: `PFN ${hex(pfn)} is ${st} in the RMM and the VMM's page table still maps it (${page.mapcount} PTE${page.mapcount === 1 ? '' : 's'})`,
      });
  }
}

/** Invariant 6 for one assigned protected entry. */
function privateEntryOnSharedGfn(w: World, ipa: bigint, size: bigint): string | null {
  const first = ipa >> 12n;
  for (let g = first; g < first + (size >> 12n); g++) {
    if (!isPrivateGfn(w.kvm.privateAttr, g))
      return `private-alias entry at IPA ${hex(ipa)} covers GFN ${hex(g)}, whose attribute is shared`;
  }
  return null;
}

/** Invariant 6 for GFN ranges whose attributes changed: their assigned protected entries. */
function privateAttributes(w: World, step: number, out: Violation[]): void {
  for (const r of w.t.acc.dirtyAttr) {
    if (r.end - r.start <= 4096n) {
      for (let g = r.start; g < r.end;) {
        const wr = rttWalk(w, g << 12n);
        const span = levelSize(wr.level) >> 12n;
        if (wr.e.s === 'assigned') {
          const base = (g << 12n) - offsetInEntry(wr, g << 12n);
          const msg = privateEntryOnSharedGfn(w, base, levelSize(wr.level));
          if (msg !== null) out.push({ invariant: 6, step, message: msg });
        }
        g = (g / span + 1n) * span;
      }
    } else {
      // A large range: look only at the assigned entries (the PFN index lists them).
      const ipas: number[] = [];
      for (const v of w.rmm.byPfn.values()) {
        if (typeof v === 'number') ipas.push(v);
        else ipas.push(...v);
      }
      ipas.sort((a, b) => a - b);
      for (const n of ipas) {
        const ipa = BigInt(n);
        if (ipa >= w.geom.sharedBit || ipa >> 12n < r.start || ipa >> 12n >= r.end) continue;
        const leaf = leafAt(w, ipa);
        if (leaf === undefined || leaf.e.s !== 'assigned') continue;
        const msg = privateEntryOnSharedGfn(w, ipa, levelSize(leaf.level));
        if (msg !== null) out.push({ invariant: 6, step, message: msg });
      }
    }
  }
}

/**
 * Invariant 7: the guest's private words on the pages whose entries changed read back as stored,
 * or their RIPAS shows the loss (DESTROYED).
 */
function guestData(w: World, step: number, out: Violation[]): void {
  const data = w.guest.data;
  if (data.size === 0 || w.t.acc.dirtyIpas.length === 0) return;
  const pages = new Set<number>();
  for (const n of w.t.acc.dirtyIpas) {
    const ipa = BigInt(n);
    if (ipa >= w.geom.sharedBit) continue;
    const span = levelSize(rttWalk(w, ipa).level);
    if (span <= 0x20_0000n) {
      const first = n / 4096;
      for (let p = first; p < first + Number(span >> 12n); p++) if (data.has(p)) pages.add(p);
    } else {
      for (const p of data.keys()) if (p * 4096 >= n && p * 4096 < n + Number(span)) pages.add(p);
    }
  }
  for (const p of [...pages].sort((a, b) => a - b)) {
    const words = data.get(p);
    if (words === undefined) continue;
    const pageIpa = BigInt(p) << 12n;
    const wr = rttWalk(w, pageIpa);
    const e = wr.e;
    if (e.s === 'unassigned' && e.ripas === 'ram') {
      out.push({
        invariant: 7,
        step,
        message: `the guest's data at IPA ${hex(pageIpa)} is gone, but the entry is unassigned with RIPAS RAM: the next access maps a fresh page without an SEA`,
      });
      continue;
    }
    if (e.s !== 'assigned' || e.ripas !== 'ram') continue;
    const base = e.pa + offsetInEntry(wr, pageIpa);
    for (const [word, value] of [...words].sort((a, b) => a[0] - b[0])) {
      const got = readPhys(w, base + BigInt(word * 8), 8);
      if (got !== value) {
        out.push({
          invariant: 7,
          step,
          message: `the guest stored ${hex(value)} at IPA ${hex(pageIpa + BigInt(word * 8))}; it now reads ${hex(got)} (PA ${hex(base + BigInt(word * 8))})`,
        });
        break;
      }
    }
  }
}
