/**
 * Realm translation tables as TF-RMM keeps them (brief §6.2): a tree of 512-entry tables from the
 * (possibly concatenated) root at the start level down to L3. Entries use TF-RMM's states:
 * unassigned/assigned/table with a RIPAS in the protected half, unassigned_ns/assigned_ns with
 * MemAttr and S2AP in the unprotected half.
 */
import { levelSize, levelSizeNumber, PAGE_LEVEL } from '../arch/geometry.js';
import type { GranuleState, Rtt, Rtte, World } from '../sim/world.js';
import { modelBroken } from '../sim/errors.js';
import { RMI_S2AP_DIRECT_READ, RMI_S2AP_DIRECT_WRITE } from './constants.js';

/** The TF-RMM name of an entry state, e.g. `unassigned_ram`, `assigned_ns`, `table`. */
export function rtteName(e: Rtte): string {
  switch (e.s) {
    case 'unassigned':
    case 'assigned':
      return `${e.s}_${e.ripas}`;
    case 'unassigned_ns':
      return 'unassigned_ns';
    case 'assigned_ns':
      return `assigned_ns(${s2apName(e.s2ap)})`;
    case 'table':
      return 'table';
    default:
      return e satisfies never;
  }
}

export function s2apName(s2ap: number): string {
  const r = (s2ap & RMI_S2AP_DIRECT_READ) !== 0 ? 'R' : '';
  const w = (s2ap & RMI_S2AP_DIRECT_WRITE) !== 0 ? 'W' : '';
  return r + w || 'none';
}

export interface WalkResult {
  readonly rtt: Rtt;
  readonly idx: number;
  readonly level: number;
  readonly e: Rtte;
}

/*
 * IPAs are below 2^52 and RTT bases and entry sizes are powers-of-two multiples, so the index
 * arithmetic is exact in doubles; it avoids a bigint allocation per level of every walk.
 */
function indexIn(rtt: Rtt, ipa: number): number {
  return Math.floor((ipa - Number(rtt.base)) / levelSizeNumber(rtt.level));
}

/** Walk from the root towards `ipa`, stopping at a non-table entry or at `maxLevel`. */
export function rttWalk(w: World, ipa: bigint, maxLevel = PAGE_LEVEL): WalkResult {
  let rtt = w.rmm.root;
  const n = Number(ipa);
  for (;;) {
    const idx = indexIn(rtt, n);
    const e = rtt.entries[idx];
    if (e === undefined) throw modelBroken(`RTT walk of 0x${ipa.toString(16)} left the L${rtt.level} table`);
    if (e.s !== 'table' || rtt.level >= maxLevel) return { rtt, idx, level: rtt.level, e };
    rtt = e.rtt;
  }
}

/** Offset of `ipa` within the entry the walk ended at (entries are aligned to their size). */
export const offsetInEntry = (wr: WalkResult, ipa: bigint): bigint =>
  BigInt(Number(ipa) % levelSizeNumber(wr.level));

/** IPA of entry `idx` of `rtt`, as a number (exact: IPAs are below 2^52). */
const entryIpaNumber = (rtt: Rtt, idx: number): number => Number(rtt.base) + idx * levelSizeNumber(rtt.level);

/** IPA of entry `idx` of `rtt`. */
export const entryIpa = (rtt: Rtt, idx: number): bigint => BigInt(entryIpaNumber(rtt, idx));

const isAssigned = (e: Rtte): e is Extract<Rtte, { pa: bigint }> =>
  e.s === 'assigned' || e.s === 'assigned_ns';

/** Set an entry, tracing the change and keeping the invariant indexes up to date. */
export function setRtte(w: World, rtt: Rtt, idx: number, next: Rtte, trace = true): void {
  const prev = rtt.entries[idx];
  if (prev === undefined) throw modelBroken(`setRtte: index ${idx} outside the L${rtt.level} table`);
  const ipa = entryIpaNumber(rtt, idx);
  if (isAssigned(prev)) unindexLeaf(w, ipa, prev.pa);
  rtt.entries[idx] = next;
  if (isAssigned(next)) indexLeaf(w, ipa, next);
  w.t.acc.dirtyIpas.push(ipa);
  if (trace && w.t.on)
    w.t.ev({
      type: 'rtte_change',
      ipa: BigInt(ipa),
      level: rtt.level,
      from: rtteName(prev),
      to: rtteName(next),
    });
}

/** The PFN of `pa` as a map key (exact in a double: PAs are below 2^52; allocates nothing). */
const pfnKey = (pa: bigint): number => Math.floor(Number(pa) / 4096);

function indexLeaf(w: World, ipa: number, e: Rtte & { pa: bigint }): void {
  const head = pfnKey(e.pa);
  const s = w.rmm.byPfn.get(head);
  if (s === undefined) w.rmm.byPfn.set(head, ipa);
  else if (typeof s === 'number') {
    if (s !== ipa) w.rmm.byPfn.set(head, [s, ipa]);
  } else if (!s.includes(ipa)) s.push(ipa);
}

/** The assigned leaf entry that starts exactly at `ipa`, if any (walks the RTTs). */
export function leafAt(
  w: World,
  ipa: bigint,
): { level: number; e: Extract<Rtte, { pa: bigint }> } | undefined {
  const r = rttWalk(w, ipa);
  if ((r.e.s === 'assigned' || r.e.s === 'assigned_ns') && entryIpa(r.rtt, r.idx) === ipa)
    return { level: r.level, e: r.e };
  return undefined;
}

/** The assigned leaf IPAs (as numbers) whose entry starts at PFN `head`. */
export function leavesAt(w: World, head: bigint | number): readonly number[] {
  const s = w.rmm.byPfn.get(Number(head));
  return s === undefined ? [] : typeof s === 'number' ? [s] : s;
}

function unindexLeaf(w: World, ipa: number, pa: bigint): void {
  const head = pfnKey(pa);
  const s = w.rmm.byPfn.get(head);
  if (s === undefined) return;
  if (typeof s === 'number') {
    if (s === ipa) w.rmm.byPfn.delete(head);
    return;
  }
  const rest = s.filter((x) => x !== ipa);
  const [only] = rest;
  if (rest.length === 0) w.rmm.byPfn.delete(head);
  else if (rest.length === 1 && only !== undefined) w.rmm.byPfn.set(head, only);
  else w.rmm.byPfn.set(head, rest);
}

/** A new table at `level` whose 512 entries unfold `parent` (brief §3.6, RMI_RTT_CREATE). */
export function unfold(w: World, parent: Rtte, level: number, base: bigint, pa: bigint): Rtt {
  const entries: Rtte[] = new Array<Rtte>(512);
  const step = levelSize(level);
  for (let i = 0; i < 512; i++) {
    switch (parent.s) {
      case 'unassigned':
      case 'unassigned_ns':
        entries[i] = parent;
        break;
      case 'assigned':
        entries[i] = { s: 'assigned', ripas: parent.ripas, pa: parent.pa + BigInt(i) * step };
        break;
      case 'assigned_ns':
        entries[i] = { ...parent, pa: parent.pa + BigInt(i) * step };
        break;
      case 'table':
        throw new Error('unreachable: unfolding a table');
      default:
        return parent satisfies never;
    }
  }
  const rtt: Rtt = { level, base, pa, entries };
  if (parent.s === 'assigned' || parent.s === 'assigned_ns') {
    for (let i = 0; i < 512; i++) {
      const e = entries[i];
      if (e !== undefined && (e.s === 'assigned' || e.s === 'assigned_ns'))
        indexLeaf(w, Number(base) + i * Number(step), e);
    }
  }
  return rtt;
}

/** The state of the granule at `pa` (undelegated when not tracked). */
export function granuleState(w: World, pa: bigint): GranuleState | 'undelegated' {
  return w.rmm.granules.get(pfnKey(pa)) ?? 'undelegated';
}

/** Change a granule's state, tracing it. */
export function setGranule(w: World, pa: bigint, to: GranuleState | 'undelegated'): void {
  const pfn = pfnKey(pa);
  // The previous state is only for the trace event.
  const from = w.t.on ? (w.rmm.granules.get(pfn) ?? 'undelegated') : null;
  if (to === 'undelegated') w.rmm.granules.delete(pfn);
  else w.rmm.granules.set(pfn, to);
  w.t.acc.dirtyPfns.push(pfn);
  if (from !== null) w.t.ev({ type: 'granule_change', pa, from, to });
}
