/**
 * Realm translation tables as TF-RMM keeps them: a tree of 512-entry tables from the (possibly
 * concatenated) root at the start level down to L3 [@tf-rmm-s2tt.c:485-558]. Entries use TF-RMM's
 * state names [@tf-rmm-s2tt_pvt_defs.h:13-54]: unassigned/assigned/table with a RIPAS in the
 * protected half, unassigned_ns/assigned_ns with MEMATTR and S2AP in the unprotected half.
 *
 * TF-RMM encodes them in an invalid descriptor's HIPAS field [5:3] (RmiRttEntryState: UNASSIGNED 0,
 * ASSIGNED 1, TABLE 2, ASSIGNED_DEV 3, AUX_DESTROYED 5 [@tf-rmm-smc-rmi.h:188-193]) and RIPAS field
 * [2:1], with bit 55 marking the unprotected half [@tf-rmm-s2tt_pvt_defs.h:55-85]; assigned_ram,
 * assigned_ns and table are valid descriptors. The model keeps the states as values, not bits, and
 * leaves out the device states, the drain-pending marker and auxiliary (per-plane) trees.
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

/**
 * s2tt_walk_lock_unlock(): walk from the root towards `ipa`, stopping at a non-table entry or at
 * `maxLevel`; returns the table, index and level reached (wi.last_level) [@tf-rmm-s2tt.c:485-558].
 * At a concatenated root the index runs over every root table; TF-RMM indexes within the one
 * 4 KiB root table `ipa` falls in, which `leafTableEnd()` accounts for.
 */
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

/**
 * The table of this World at `target`'s level and base, made this World's own first: a table it
 * shares with a copy (the explorer's, src/sim/snapshot.ts) is copied, with the tables on the path
 * from the root to it, before anything changes it. A caller may still hold the shared table: its
 * entries read the same until this one is changed, and setRtte() finds the copy again.
 */
function ownTable(w: World, target: Rtt): Rtt {
  const gen = w.rmm.gen;
  let t = w.rmm.root;
  if (t.gen !== gen) w.rmm.root = t = ownCopy(t, gen);
  const n = Number(target.base);
  // Every table on the path gets its subtree key cleared: the table below it is about to change.
  t.tree = undefined;
  while (t.level < target.level) {
    const idx = indexIn(t, n);
    const e = t.entries[idx];
    if (e?.s !== 'table') throw modelBroken(`no L${target.level} table at 0x${target.base.toString(16)}`);
    let child = e.rtt;
    if (child.gen !== gen) {
      // The parent is this World's own: pointing it at the copy changes nothing a reader sees.
      child = ownCopy(child, gen);
      t.entries[idx] = { s: 'table', rtt: child };
    }
    t = child;
    t.tree = undefined;
  }
  if (t.level !== target.level || t.base !== target.base)
    throw modelBroken(`no L${target.level} table at 0x${target.base.toString(16)}`);
  return t;
}

function ownCopy(r: Rtt, gen: number): Rtt {
  return {
    level: r.level,
    base: r.base,
    pa: r.pa,
    entries: r.entries.slice(),
    key: r.key,
    kids: r.kids,
    tree: r.tree,
    gen,
  };
}

/** Entries in one 4 KiB RTT granule (S2TTES_PER_S2TT [@tf-rmm-s2tt.h:75-76]). */
export const S2TTES_PER_S2TT = 512;

/**
 * The index just past the 4 KiB table granule that holds entry `idx` of `rtt`: where a command
 * that sweeps "one leaf table" stops (a concatenated root is several such tables).
 */
export const leafTableEnd = (rtt: Rtt, idx: number): number =>
  Math.min(rtt.entries.length, (Math.floor(idx / S2TTES_PER_S2TT) + 1) * S2TTES_PER_S2TT);

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
export function setRtte(w: World, shared: Rtt, idx: number, next: Rtte, trace = true): void {
  const rtt = ownTable(w, shared);
  const prev = rtt.entries[idx];
  if (prev === undefined) throw modelBroken(`setRtte: index ${idx} outside the L${rtt.level} table`);
  const ipa = entryIpaNumber(rtt, idx);
  if (isAssigned(prev)) unindexLeaf(w, ipa, prev.pa);
  rtt.entries[idx] = next;
  rtt.key = undefined;
  if ((prev.s === 'table') !== (next.s === 'table')) rtt.kids = undefined;
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

/**
 * The new table RMI_RTT_CREATE makes at `level` from `parent`: 512 entries in the parent's state,
 * or, for an assigned or assigned_ns block, 512 entries mapping consecutive PAs with the same
 * RIPAS or attributes [@tf-rmm-rtt.c:279-473]. Returns the table (not yet linked).
 */
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
  const rtt: Rtt = { level, base, pa, entries, gen: w.rmm.gen };
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
