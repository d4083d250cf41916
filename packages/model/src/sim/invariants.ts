/**
 * Invariants checked after every step (issue 3). They are reported, not thrown: the modelled code
 * breaks them (the seed's bug breaks (3)). Checks are incremental: only RTT entries and pages that
 * changed during the step are examined, so a long run stays linear.
 * (1) No protected (delegated) granule is reachable through an NS entry.
 * (2) Every assigned protected entry points at a delegated data granule.
 * (3) A writable stage-2 mapping of a shared IPA never points at a page that the host maps
 *     read-only, that the host no longer maps at that GFN's HVA, or that backs more than one GFN
 *     (the shared zero page, a page still shared by copy-on-write).
 */
import { levelSize } from '../arch/geometry.js';
import { RMI_S2AP_DIRECT_WRITE } from '../rmm/constants.js';
import { granuleState, leafAt, leavesAt } from '../rmm/rtt.js';
import { getPte, gfnToHva, memslotForGfn } from '../vmm/host.js';
import { modelBroken } from './errors.js';
import type { Violation } from './result.js';
import { hex } from './trace.js';
import type { World } from './world.js';

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
  if (acc.dirtyIpas.length === 0 && acc.dirtyPfns.length === 0) return NONE;
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
  if (cand.length === 0) return NONE;
  const out: Violation[] = [];
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
    } else {
      if (shared) throw modelBroken(`protected entry at shared IPA ${hex(ipa)}`);
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
  if (pte === undefined || pte.pfn !== pfn) {
    return `${where()}: the host maps ${pte === undefined ? 'nothing' : `PFN ${hex(pte.pfn)}`} at the GFN's HVA (stale page)`;
  }
  if (!pte.writable) return `${where()}: the host maps that page read-only (copy-on-write)`;
  const page = w.host.pages.get(Number(pfn));
  if (page !== undefined && page.mapcount > 1)
    return `${where()} is mapped ${page.mapcount} times by the host`;
  return null;
}
