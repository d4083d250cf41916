/**
 * The RMM's RMI commands as TF-RMM main implements them at 9a7f8ef4 (handlers registered in
 * [@tf-rmm-handler.c:106-177]): the RMM 2.0 range commands, each one call over at most one leaf
 * RTT, returning partial progress as RMI_SUCCESS with the address reached.
 *
 * Each function returns `ret = status | index << 8` plus its output registers under the names the
 * kernel side reads (`top`, `next`, `range`, `rtt`), and records one `rmi_call` trace event (emitted
 * before the state changes it causes).
 *
 * What the model leaves out, for every command: the RD argument (the model has one realm, whose RD
 * is always valid where a command needs one), RMM activation (RMI_ERROR_GLOBAL before
 * RMI_RMM_ACTIVATE [@tf-rmm-handler.c:332-354]), stateful operations (RMI_INCOMPLETE: the default
 * build never yields in these commands), drain-pending entries (RMI_BUSY), auxiliary RTTs
 * (RMI_ERROR_RTT_AUX), device memory, LPA2 and OADDR_TYPE LIST (an NS descriptor list; the model's
 * kernel always passes SINGLE or NONE).
 */
import { levelSize, PAGE_LEVEL } from '../arch/geometry.js';
import type { RmiSummary } from '../sim/result.js';
import type { Args } from '../sim/trace.js';
import type { Rtt, Rtte, World } from '../sim/world.js';
import { assertModel, modelBroken } from '../sim/errors.js';
import {
  RMI_ADDR_TYPE_LIST,
  RMI_ADDR_TYPE_NONE,
  RMI_ADDR_TYPE_SINGLE,
  RMI_FID,
  RMI_OP_MEM_DELEGATED,
  RMI_S2AP_DIRECT_READ,
  RMI_S2AP_DIRECT_WRITE,
  RMI_STATUS,
  rmiRet,
  rmiStatusName,
  S2TTE_MEMATTR_FWB_RESERVED,
  type RmiCommand,
  type Ripas,
} from './constants.js';
import { granuleState, leafTableEnd, rttWalk, S2TTES_PER_S2TT, setGranule, setRtte, unfold } from './rtt.js';

export interface RmiResult {
  readonly ret: number;
  readonly status: number;
  readonly index: number;
  /** Output registers (out_top, next, range descriptor, …). */
  readonly out: Readonly<Record<string, bigint>>;
}

const { RMI_SUCCESS, RMI_ERROR_INPUT, RMI_ERROR_REALM, RMI_ERROR_RTT } = RMI_STATUS;

type BodyResult = { status: number; index?: number; out?: Record<string, bigint> };
type Body = () => BodyResult;

/** The output of a command that returns no values (shared: callers only read `out`). */
const NO_OUT: Readonly<Record<string, bigint>> = Object.freeze({});

const GRANULE = 0x1000n;
/** S2TT_MAX_PA_BITS: without LPA2 an output address must fit in 48 bits [@tf-rmm-s2tt.h:59]. */
const MAX_PA = 1n << 48n;
/** S2TT_MIN_BLOCK_LEVEL: no block (and no map command) above level 1 [@tf-rmm-s2tt.h:69]. */
const S2TT_MIN_BLOCK_LEVEL = 1;

const input = (): BodyResult => ({ status: RMI_ERROR_INPUT });
const rttErr = (level: number): BodyResult => ({ status: RMI_ERROR_RTT, index: level });

function rmi(w: World, cmd: RmiCommand, args: Args, body: Body): RmiResult {
  const t = w.t;
  t.tick();
  // The event is pushed before the body runs (it comes before the state changes it causes) and
  // filled in afterwards; without tracing no event is built.
  const ev =
    t.events === null
      ? null
      : {
          type: 'rmi_call' as const,
          depth: t.depth,
          cmd,
          fid: RMI_FID[cmd],
          args,
          status: '',
          index: 0,
          ret: 0,
          out: NO_OUT as Args,
        };
  if (ev !== null) t.events?.push(ev);
  t.depth++;
  let r: BodyResult;
  try {
    r = body();
  } finally {
    t.depth--;
  }
  const index = r.index ?? 0;
  const ret = rmiRet(r.status, index);
  const out = r.out ?? NO_OUT;
  const status = rmiStatusName(r.status);
  if (ev !== null) {
    ev.status = status;
    ev.index = index;
    ev.ret = ret;
    ev.out = out;
  }
  t.acc.rmi.push(rmiSummary(cmd, status, index, ret));
  return { ret, status: r.status, index, out };
}

/**
 * Step summaries are immutable and there are few distinct ones (a command and its return value),
 * while a long run records several per fault: share one object per command and return value.
 */
const RMI_SUMMARIES = new Map<number, RmiSummary>();
function rmiSummary(cmd: RmiCommand, status: string, index: number, ret: number): RmiSummary {
  const key = RMI_FID[cmd] * 0x1_0000 + ret;
  let sum = RMI_SUMMARIES.get(key);
  if (sum === undefined) {
    sum = Object.freeze({ cmd, status, index });
    RMI_SUMMARIES.set(key, sum);
  }
  return sum;
}

/**
 * RmiAddrRangeDesc fields as the RMM reads them: SIZE [1:0], COUNT [11:2], ADDR [51:12], ST [63]
 * [@tf-rmm-smc-rmi.h:1251-1259]. This is the hot-path reader; the public decoder with field names
 * and notes is decode/rmi.ts `decodeRangeDesc`, and test/rmm-layout.test.ts checks the two agree.
 */
export interface RangeDesc {
  readonly level: number;
  readonly count: number;
  readonly addr: bigint;
  readonly st: bigint;
}
export function rangeDescFields(desc: bigint): RangeDesc {
  return {
    level: PAGE_LEVEL - Number(desc & 3n),
    count: Number((desc >> 2n) & 0x3ffn),
    addr: desc & 0x000f_ffff_ffff_f000n,
    st: (desc >> 63n) & 1n,
  };
}

/**
 * RmiRttUnprotMapFlags fields as the RMM reads them: OADDR_TYPE [1:0], LIST_COUNT [15:2],
 * MEMATTR [18:16], S2AP [22:19] [@tf-rmm-smc-rmi.h:1302-1313]. The public decoder is
 * decode/rmi.ts `decodeUnprotFlags`; test/rmm-layout.test.ts checks the two agree.
 */
export function unprotFlagsFields(flags: bigint): {
  oaddrType: number;
  listCount: number;
  memattr: number;
  s2ap: number;
} {
  return {
    oaddrType: Number(flags & 3n),
    listCount: Number((flags >> 2n) & 0x3fffn),
    memattr: Number((flags >> 16n) & 7n),
    s2ap: Number((flags >> 19n) & 0xfn),
  };
}

/* ------------------------------------------------------------------ address checks */

/** addr_in_par(): below the protected half's end [@tf-rmm-realm.h:429-432]. */
const inPar = (w: World, addr: bigint): boolean => addr < w.geom.sharedBit;

/**
 * validate_map_addr(addr, level): inside the realm's IPA space and aligned to the size of an
 * entry at `level` [@tf-rmm-rtt.c:36-43].
 */
const validMapAddr = (w: World, addr: bigint, level: number): boolean =>
  addr >= 0n && addr < w.geom.ipaLimit && (addr & (levelSize(level) - 1n)) === 0n;

/**
 * validate_rtt_structure_cmds(addr, level): level from the start level + 1 to 3, and the address
 * valid for an entry of the parent level [@tf-rmm-rtt.c:49-59].
 */
const validStructureCmd = (w: World, addr: bigint, level: number): boolean =>
  level > w.geom.startLevel && level <= PAGE_LEVEL && validMapAddr(w, addr, level - 1);

/** s2tte_is_live(): the entry has an output address (valid, or HIPAS assigned) [@tf-rmm-s2tt.c:1715-1719]. */
const isLive = (e: Rtte): e is Extract<Rtte, { s: 'assigned' | 'assigned_ns' | 'table' }> =>
  e.s === 'assigned' || e.s === 'assigned_ns' || e.s === 'table';

/** The granules of a block, in order. */
function* granulesOf(pa: bigint, size: bigint): Generator<bigint> {
  for (let g = 0n; g < size; g += GRANULE) yield pa + g;
}

/* ------------------------------------------------------------------ granules */

/**
 * RMI_GRANULE_RANGE_DELEGATE(base, top): TF-RMM's "simplified" implementation delegates exactly
 * one granule, the first of the range: base and top 4 KiB-aligned and top ≥ base + 4 KiB, else
 * RMI_ERROR_INPUT; the granule must be undelegated (NS), else RMI_ERROR_INPUT; it becomes
 * DELEGATED. Out `top` = base + 4 KiB on success, base on failure. Mirrors
 * smc_granule_range_delegate() and smc_granule_delegate() [@tf-rmm-granule.c:76-128]; the host
 * loops on `top` to cover a range.
 */
export function RMI_GRANULE_RANGE_DELEGATE(w: World, base: bigint, top: bigint): RmiResult {
  return rmi(w, 'RMI_GRANULE_RANGE_DELEGATE', { base, top }, () => {
    if ((base & (GRANULE - 1n)) !== 0n || (top & (GRANULE - 1n)) !== 0n || top < base + GRANULE)
      return { status: RMI_ERROR_INPUT, out: { top: base } };
    if (granuleState(w, base) !== 'undelegated') return { status: RMI_ERROR_INPUT, out: { top: base } };
    setGranule(w, base, 'delegated');
    return { status: RMI_SUCCESS, out: { top: base + GRANULE } };
  });
}

/**
 * RMI_GRANULE_RANGE_UNDELEGATE(base, top): one granule per call, like the delegate command; the
 * granule must be DELEGATED, else RMI_ERROR_INPUT; it is scrubbed and returns to NS. Out `top` =
 * base + 4 KiB on success, base on failure. Mirrors smc_granule_range_undelegate() and
 * smc_granule_undelegate() [@tf-rmm-granule.c:130-182].
 */
export function RMI_GRANULE_RANGE_UNDELEGATE(w: World, base: bigint, top: bigint): RmiResult {
  return rmi(w, 'RMI_GRANULE_RANGE_UNDELEGATE', { base, top }, () => {
    if ((base & (GRANULE - 1n)) !== 0n || (top & (GRANULE - 1n)) !== 0n || top < base + GRANULE)
      return { status: RMI_ERROR_INPUT, out: { top: base } };
    if (granuleState(w, base) !== 'delegated') return { status: RMI_ERROR_INPUT, out: { top: base } };
    const page = w.host.pages.get(Number(base >> 12n));
    if (page !== undefined) page.data = null;
    setGranule(w, base, 'undelegated');
    return { status: RMI_SUCCESS, out: { top: base + GRANULE } };
  });
}

/* ------------------------------------------------------------------ realm */

/** S2TT_MAX_IPA_BITS, S2TT_MAX_IPA_BITS_LPA2, S2TT_MIN_IPA_BITS [@tf-rmm-s2tt.h:57-61]. */
const MIN_IPA_BITS = 32;
const MAX_IPA_BITS = 48;
const MAX_IPA_BITS_LPA2 = 52;

/**
 * s2_inconsistent_sl(): whether a start level cannot translate `ipaBits` with at most 16
 * concatenated root tables [@tf-rmm-realm.c:86-114].
 */
function s2InconsistentSl(ipaBits: number, sl: number, lpa2: boolean): boolean {
  const minBits = (PAGE_LEVEL - sl) * 9 + 12 + 1;
  let maxBits = sl === -1 && lpa2 ? minBits + 3 : minBits + 8;
  if (sl > 0 || (sl === 0 && lpa2)) maxBits += 4;
  return ipaBits < minBits || ipaBits > maxBits;
}

/** s2_num_root_rtts(): how many concatenated 4 KiB root tables the start level needs [@tf-rmm-realm.c:158-179]. */
function s2NumRootRtts(ipaBits: number, sl: number): number {
  const slBits = (PAGE_LEVEL - sl) * 9 + 12 + 9;
  return slBits >= ipaBits ? 1 : 2 ** (ipaBits - slBits);
}

/**
 * RMI_REALM_CREATE(rd, params) with the parameters the model has: the root RTT base, its start
 * level and the number of concatenated root tables; the IPA width is the scenario's, with LPA2
 * taken as requested above 48 bits (the only way TF-RMM accepts such a width). Checks as
 * smc_realm_create() and validate_realm_params() [@tf-rmm-realm.c:607-782; @tf-rmm-realm.c:116-150;
 * @tf-rmm-realm.c:353-361; @tf-rmm-realm.c:434-442]: an inconsistent start level, a wrong
 * rtt_num_start or a root base not aligned to the concatenated size → RMI_ERROR_INPUT; root RTT
 * granules not all DELEGATED → RMI_ERROR_INPUT (nothing changes); RD not DELEGATED (including an
 * RD that is one of the root granules) → RMI_ERROR_INPUT. Success: RD granule → RD, root granules
 * → RTT, realm NEW, and the root entries initialised as init_s2_starting_level() does: the
 * protected half unassigned_empty, the rest unassigned_ns [@tf-rmm-realm.c:190-247]. Returns
 * RMI_SUCCESS with no output. (TF-RMM's hardware check "start level 0 needs a PA width of 44 bits"
 * and the other realm parameters are not modelled.)
 */
export function RMI_REALM_CREATE(
  w: World,
  rd: bigint,
  rttBase: bigint,
  rttLevelStart: number,
  rttNumStart: number,
): RmiResult {
  const args = { rd, rtt_base: rttBase, rtt_level_start: rttLevelStart, rtt_num_start: rttNumStart };
  return rmi(w, 'RMI_REALM_CREATE', args, () => {
    const ipaBits = w.geom.ipaBits;
    const lpa2 = ipaBits > MAX_IPA_BITS;
    const maxBits = lpa2 ? MAX_IPA_BITS_LPA2 : MAX_IPA_BITS;
    const minSl = lpa2 ? -1 : 0;
    if (ipaBits < MIN_IPA_BITS || ipaBits > maxBits) return input();
    if (!Number.isInteger(rttLevelStart) || rttLevelStart < minSl || rttLevelStart > PAGE_LEVEL)
      return input();
    if (s2InconsistentSl(ipaBits, rttLevelStart, lpa2)) return input();
    if (s2NumRootRtts(ipaBits, rttLevelStart) !== rttNumStart) return input();
    const rootBytes = BigInt(rttNumStart) * GRANULE;
    if ((rttBase & (rootBytes - 1n)) !== 0n) return input();
    for (const g of granulesOf(rttBase, rootBytes)) if (granuleState(w, g) !== 'delegated') return input();
    const rdInRoot = rd >= rttBase && rd < rttBase + rootBytes;
    if (rdInRoot || granuleState(w, rd) !== 'delegated') return input();
    if (rttLevelStart !== w.geom.startLevel || rttNumStart !== w.geom.rootTables)
      throw modelBroken(
        `RMI_REALM_CREATE: start level ${rttLevelStart} with ${rttNumStart} root table(s) is valid for a ${ipaBits}-bit realm, but the model's stage-2 geometry uses level ${w.geom.startLevel} with ${w.geom.rootTables}`,
      );
    for (const g of granulesOf(rttBase, rootBytes)) setGranule(w, g, 'rtt');
    setGranule(w, rd, 'rd');
    const step = levelSize(rttLevelStart);
    const entries = new Array<Rtte>(w.geom.rootEntries);
    for (let i = 0; i < entries.length; i++)
      entries[i] = inPar(w, BigInt(i) * step) ? { s: 'unassigned', ripas: 'empty' } : { s: 'unassigned_ns' };
    w.rmm.root = { level: rttLevelStart, base: 0n, pa: rttBase, entries, gen: w.rmm.gen };
    w.rmm.realmState = 'NEW';
    return { status: RMI_SUCCESS };
  });
}

/**
 * RMI_REALM_ACTIVATE(rd): not an RD → RMI_ERROR_INPUT; NEW → ACTIVE with RMI_SUCCESS; any other
 * state → RMI_ERROR_REALM. Mirrors smc_realm_activate() [@tf-rmm-realm.c:30-56].
 */
export function RMI_REALM_ACTIVATE(w: World, rd: bigint): RmiResult {
  return rmi(w, 'RMI_REALM_ACTIVATE', { rd }, () => {
    if (granuleState(w, rd) !== 'rd') return input();
    if (w.rmm.realmState !== 'NEW') return { status: RMI_ERROR_REALM };
    w.rmm.realmState = 'ACTIVE';
    return { status: RMI_SUCCESS };
  });
}

/* ------------------------------------------------------------------ RTT structure */

/**
 * RMI_RTT_CREATE(rd, rtt, ipa, level): the new RTT granule must be DELEGATED, else
 * RMI_ERROR_INPUT; level from start level + 1 to 3, the IPA inside the IPA space and aligned to
 * the parent level, else RMI_ERROR_INPUT; a PA beyond 48 bits → RMI_ERROR_INPUT; a walk that stops
 * above level − 1 → RMI_ERROR_RTT(walk level); a parent that is already a table →
 * RMI_ERROR_RTT(level − 1). Otherwise the parent entry is unfolded into the new table, which
 * becomes an RTT granule. No realm-state check; either half. Mirrors rtt_create()
 * [@tf-rmm-rtt.c:204-503].
 */
export function RMI_RTT_CREATE(w: World, rtt: bigint, ipa: bigint, level: number): RmiResult {
  return rmi(w, 'RMI_RTT_CREATE', { rtt, ipa, level }, () => {
    if (granuleState(w, rtt) !== 'delegated') return input();
    if (!validStructureCmd(w, ipa, level)) return input();
    if (rtt >= MAX_PA) return input();
    const wr = rttWalk(w, ipa, level - 1);
    if (wr.level < level - 1) return rttErr(wr.level);
    if (wr.e.s === 'table') return rttErr(level - 1);
    const child = unfold(w, wr.e, level, ipa, rtt);
    setGranule(w, rtt, 'rtt');
    setRtte(w, wr.rtt, wr.idx, { s: 'table', rtt: child });
    return { status: RMI_SUCCESS };
  });
}

/** Whether every entry of `t` is an unassigned entry of one RIPAS, or every one unassigned_ns. */
function uniformUnassigned(t: Rtt): Rtte | null {
  const first = t.entries[0];
  assertModel(first !== undefined, 'empty RTT');
  if (first.s === 'unassigned')
    return t.entries.every((e) => e.s === 'unassigned' && e.ripas === first.ripas) ? first : null;
  if (first.s === 'unassigned_ns') return t.entries.every((e) => e.s === 'unassigned_ns') ? first : null;
  return null;
}

/**
 * Whether `t` (at `level`) maps one block of the parent level: every entry of the first entry's
 * kind, the same RIPAS (assigned) or attributes (assigned_ns), consecutive PAs, and a first PA
 * aligned to the parent's block size (table_maps_block() [@tf-rmm-s2tt.c:1938-2020]). Returns
 * the parent block entry, or null.
 */
function mapsBlock(t: Rtt, level: number): Rtte | null {
  const first = t.entries[0];
  assertModel(first !== undefined, 'empty RTT');
  if (first.s !== 'assigned' && first.s !== 'assigned_ns') return null;
  if ((first.pa & (levelSize(level - 1) - 1n)) !== 0n) return null;
  const step = levelSize(level);
  const same = t.entries.every((e, i) => {
    const pa = first.pa + BigInt(i) * step;
    if (first.s === 'assigned') return e.s === 'assigned' && e.ripas === first.ripas && e.pa === pa;
    return e.s === 'assigned_ns' && e.memattr === first.memattr && e.s2ap === first.s2ap && e.pa === pa;
  });
  return same ? first : null;
}

/**
 * RMI_RTT_FOLD(rd, ipa, level): fold the RTT at `level` into its parent entry. Level and
 * alignment as for RMI_RTT_CREATE, else RMI_ERROR_INPUT; a walk that stops above level − 1 →
 * RMI_ERROR_RTT(walk level); a parent that is not a table → RMI_ERROR_RTT(level − 1). The child's
 * refcount (its table and assigned protected entries) decides: 0 → all unassigned with one RIPAS
 * or all unassigned_ns fold into that state; an assigned_ns block folds too, but not into a block
 * at level ≤ S2TT_MIN_BLOCK_LEVEL (folding a level-1 table: RMI_ERROR_RTT(level − 1)); 512 →
 * level ≤ 1 gives RMI_ERROR_RTT(level − 1), else an assigned block of one RIPAS folds; anything
 * else → RMI_ERROR_RTT(level). Success: out `rtt` = the child's PA, which returns to DELEGATED.
 * Mirrors rtt_fold() [@tf-rmm-rtt.c:562-823].
 */
export function RMI_RTT_FOLD(w: World, ipa: bigint, level: number): RmiResult {
  return rmi(w, 'RMI_RTT_FOLD', { ipa, level }, () => {
    if (!validStructureCmd(w, ipa, level)) return input();
    const wr = rttWalk(w, ipa, level - 1);
    if (wr.level < level - 1) return rttErr(wr.level);
    if (wr.e.s !== 'table') return rttErr(level - 1);
    const child = wr.e.rtt;
    const refcount = child.entries.filter((e) => e.s === 'assigned' || e.s === 'table').length;
    let folded: Rtte | null;
    if (refcount === 0) {
      folded = uniformUnassigned(child);
      if (folded === null) {
        folded = mapsBlock(child, level);
        if (folded !== null && level <= S2TT_MIN_BLOCK_LEVEL) return rttErr(level - 1);
      }
    } else if (refcount === S2TTES_PER_S2TT) {
      if (level <= S2TT_MIN_BLOCK_LEVEL) return rttErr(level - 1);
      folded = mapsBlock(child, level);
    } else folded = null;
    if (folded === null) return rttErr(level);
    // The child's assigned entries leave the PFN index (the parent block takes their place).
    for (let i = 0; i < child.entries.length; i++) {
      const e = child.entries[i];
      if (e !== undefined && (e.s === 'assigned' || e.s === 'assigned_ns'))
        setRtte(w, child, i, { s: 'unassigned_ns' }, false);
    }
    setRtte(w, wr.rtt, wr.idx, folded);
    setGranule(w, child.pa, 'delegated');
    return { status: RMI_SUCCESS, out: { rtt: child.pa } };
  });
}

/* ------------------------------------------------------------------ map commands */

type MapInputs =
  | { readonly ok: true; readonly level: number; readonly size: bigint; readonly desc: RangeDesc }
  | { readonly ok: false; readonly r: BodyResult };

/**
 * validate_map_inputs_common() for RMI_RTT_DATA_MAP and RMI_RTT_UNPROT_MAP, in TF-RMM's order
 * [@tf-rmm-rtt_map.c:108-206]: realm not NEW or ACTIVE → RMI_ERROR_REALM; top ≤ base →
 * RMI_ERROR_INPUT; OADDR_TYPE not SINGLE or LIST → RMI_ERROR_INPUT; (DATA_MAP only) descriptor ST
 * not DELEGATED → RMI_ERROR_INPUT; the descriptor's level (3 − SIZE) outside 1…3, base not
 * aligned to it or outside the IPA space, top not 4 KiB-aligned or outside it → RMI_ERROR_INPUT;
 * PAR: DATA_MAP needs base and top − 4 KiB both in PAR, UNPROT_MAP rejects only a range with both
 * in PAR → RMI_ERROR_INPUT; a range shorter than one block → RMI_ERROR_RTT(level).
 */
function validateMapInputs(
  w: World,
  cmd: 'RMI_RTT_DATA_MAP' | 'RMI_RTT_UNPROT_MAP',
  base: bigint,
  top: bigint,
  oaddrType: bigint,
  oaddr: bigint,
): MapInputs {
  const fail = (r: BodyResult): MapInputs => ({ ok: false, r });
  if (w.rmm.realmState !== 'NEW' && w.rmm.realmState !== 'ACTIVE') return fail({ status: RMI_ERROR_REALM });
  if (top <= base) return fail(input());
  if (oaddrType === RMI_ADDR_TYPE_LIST)
    throw modelBroken(`${cmd}: OADDR_TYPE LIST (an NS descriptor list) is not modelled`);
  if (oaddrType !== RMI_ADDR_TYPE_SINGLE) return fail(input());
  const desc = rangeDescFields(oaddr);
  // 7626d97b: UNPROT_MAP no longer checks ST [@tf-rmm-7626d97b; @tf-rmm-rtt_map.c:184-186].
  if (cmd === 'RMI_RTT_DATA_MAP' && desc.st !== RMI_OP_MEM_DELEGATED) return fail(input());
  const level = desc.level;
  const size = levelSize(level);
  const bothInPar = inPar(w, base) && inPar(w, top - GRANULE);
  if (
    level < S2TT_MIN_BLOCK_LEVEL ||
    !validMapAddr(w, base, level) ||
    !validMapAddr(w, top - GRANULE, PAGE_LEVEL) ||
    bothInPar !== (cmd === 'RMI_RTT_DATA_MAP')
  )
    return fail(input());
  if (top - base < size) return fail(rttErr(level));
  return { ok: true, level, size, desc };
}

/**
 * map_pop_next_block() for a SINGLE descriptor: the PA of block `n` of the descriptor, or the
 * error that stops the loop — no block left → RMI_ERROR_INPUT; the block would end above top →
 * RMI_ERROR_RTT(level); a PA not aligned to the block or beyond 48 bits → RMI_ERROR_INPUT
 * [@tf-rmm-rtt_map.c:230-284].
 */
function popBlock(
  d: RangeDesc,
  n: number,
  level: number,
  size: bigint,
  outTop: bigint,
  top: bigint,
): bigint | BodyResult {
  if (n >= d.count) return input();
  if (outTop + size > top) return rttErr(level);
  const pa = d.addr + BigInt(n) * size;
  if ((pa & (size - 1n)) !== 0n || pa + size > MAX_PA) return input();
  return pa;
}

/** map_partial_progress_finalize(): any progress turns the stopping error into RMI_SUCCESS [@tf-rmm-rtt_map.c:51-65]. */
function finalizeMap(r: BodyResult, outTop: bigint, base: bigint): BodyResult {
  if (outTop > base || r.status === RMI_SUCCESS) return { status: RMI_SUCCESS, out: { top: outTop } };
  return r;
}

/**
 * The sweep RMI_RTT_DATA_MAP and RMI_RTT_UNPROT_MAP share: walk to the descriptor's level (a walk
 * that ends above it → RMI_ERROR_RTT(walk level)), then, for each entry of that one leaf RTT from
 * `base`, pop the next block of the descriptor [@tf-rmm-rtt_map.c:230-284] and hand it to
 * `entry`, which maps it or returns the error that stops the sweep. A stop after some progress is
 * RMI_SUCCESS with out `top` = the IPA reached [@tf-rmm-rtt_map.c:51-65].
 */
function mapSweep(
  w: World,
  base: bigint,
  top: bigint,
  v: { readonly level: number; readonly size: bigint; readonly desc: RangeDesc },
  entry: (rtt: Rtt, idx: number, e: Rtte, pa: bigint) => BodyResult | null,
): BodyResult {
  const { level, size, desc } = v;
  const wr = rttWalk(w, base, level);
  if (wr.level !== level) return rttErr(wr.level);
  let outTop = base;
  let r: BodyResult = { status: RMI_SUCCESS };
  const end = leafTableEnd(wr.rtt, wr.idx);
  for (let idx = wr.idx, n = 0; idx < end; idx++, n++) {
    const pa = popBlock(desc, n, level, size, outTop, top);
    if (typeof pa !== 'bigint') {
      r = pa;
      break;
    }
    const e = wr.rtt.entries[idx];
    assertModel(e !== undefined, 'RTT index out of range');
    const stop = entry(wr.rtt, idx, e, pa);
    if (stop !== null) {
      r = stop;
      break;
    }
    outTop += size;
  }
  return finalizeMap(r, outTop, base);
}

/**
 * RMI_RTT_DATA_MAP(rd, base, top, flags, oaddr): map DELEGATED granules, one block of the
 * descriptor's level per entry, over the entries of one leaf RTT from `base`. After
 * validateMapInputs(): a walk that ends above the level → RMI_ERROR_RTT(walk level). Per entry
 * (data_map_one_entry() [@tf-rmm-rtt_map.c:449-493]): already assigned to the same PA → success,
 * unchanged; assigned to another PA, or not unassigned (a table) → RMI_ERROR_RTT(level); else
 * every granule of the block must be DELEGATED (else RMI_ERROR_INPUT, nothing changes), is zeroed
 * and becomes DATA, and the entry becomes assigned with its RIPAS unchanged
 * [@tf-rmm-rtt_map.c:376-408]. A stop after some progress is RMI_SUCCESS with out `top` = the IPA
 * reached. Mirrors smc_rtt_data_map() [@tf-rmm-rtt_map.c:576-732].
 */
export function RMI_RTT_DATA_MAP(
  w: World,
  base: bigint,
  top: bigint,
  flags: bigint,
  desc: bigint,
): RmiResult {
  return rmi(w, 'RMI_RTT_DATA_MAP', { base, top, flags, desc }, () => {
    const v = validateMapInputs(w, 'RMI_RTT_DATA_MAP', base, top, flags & 3n, desc);
    if (!v.ok) return v.r;
    return mapSweep(w, base, top, v, (rtt, idx, e, pa) => {
      if (e.s === 'assigned') return e.pa === pa ? null : rttErr(v.level);
      if (e.s !== 'unassigned') return rttErr(v.level);
      for (const g of granulesOf(pa, v.size)) if (granuleState(w, g) !== 'delegated') return input();
      for (const g of granulesOf(pa, v.size)) {
        setGranule(w, g, 'data');
        const page = w.host.pages.get(Number(g >> 12n));
        if (page !== undefined) page.data = null;
      }
      setRtte(w, rtt, idx, { s: 'assigned', ripas: e.ripas, pa });
      return null;
    });
  });
}

/**
 * RMI_RTT_DATA_MAP_INIT(rd, data, ipa, src, flags): populate one 4 KiB page before the realm
 * runs. flags not RMI_NO_MEASURE_CONTENT (0) or RMI_MEASURE_CONTENT (1) → RMI_ERROR_INPUT; src not
 * an NS granule → RMI_ERROR_INPUT; realm not NEW → RMI_ERROR_REALM; IPA not in PAR, not 4 KiB-
 * aligned or outside the IPA space, or data beyond 48 bits → RMI_ERROR_INPUT; a walk that stops
 * above level 3 → RMI_ERROR_RTT(walk level); the entry not unassigned (any RIPAS) →
 * RMI_ERROR_RTT(3); data not DELEGATED (or the leaf RTT itself) → RMI_ERROR_INPUT. Success: the
 * page's contents are copied from src (measurement is not modelled), the granule becomes DATA and
 * the entry assigned_ram whatever its RIPAS was. Mirrors smc_rtt_data_map_init()
 * [@tf-rmm-rtt_map.c:740-900].
 */
export function RMI_RTT_DATA_MAP_INIT(
  w: World,
  data: bigint,
  ipa: bigint,
  src: bigint,
  flags: bigint,
): RmiResult {
  return rmi(w, 'RMI_RTT_DATA_MAP_INIT', { data, ipa, src, flags }, () => {
    if (flags !== 0n && flags !== 1n) return input();
    if (granuleState(w, src) !== 'undelegated') return input();
    if (w.rmm.realmState !== 'NEW') return { status: RMI_ERROR_REALM };
    if (!inPar(w, ipa) || !validMapAddr(w, ipa, PAGE_LEVEL)) return input();
    if (data >= MAX_PA) return input();
    const wr = rttWalk(w, ipa, PAGE_LEVEL);
    if (wr.level !== PAGE_LEVEL) return rttErr(wr.level);
    if (wr.e.s !== 'unassigned') return rttErr(PAGE_LEVEL);
    if (data === wr.rtt.pa || granuleState(w, data) !== 'delegated') return input();
    const from = w.host.pages.get(Number(src >> 12n));
    const to = w.host.pages.get(Number(data >> 12n));
    const contents = from?.data ?? null;
    if (to !== undefined) to.data = contents === null ? null : new Map(contents);
    setGranule(w, data, 'data');
    setRtte(w, wr.rtt, wr.idx, { s: 'assigned', ripas: 'ram', pa: data });
    return { status: RMI_SUCCESS };
  });
}

/**
 * RMI_RTT_UNPROT_MAP(rd, base, top, flags, oaddr): map NS memory, one block per entry, over the
 * entries of one leaf RTT from `base`, with MEMATTR and S2AP from the flags. After
 * validateMapInputs() (ST not checked since 7626d97b): S2AP bits other than W and R →
 * RMI_ERROR_INPUT [@tf-rmm-rtt_map.c:1015-1048]; a walk that ends above the level →
 * RMI_ERROR_RTT(walk level). Per entry (unprot_map_one_entry() [@tf-rmm-rtt_map.c:1113-1159]):
 * MEMATTR 4, the FWB reserved encoding, → RMI_ERROR_INPUT [@tf-rmm-s2tt.c:960-965]; unassigned_ns
 * → assigned_ns; the same mapping already there (PA, MEMATTR, S2AP) → success, unchanged; any
 * other entry (another mapping, a table, a protected entry) → RMI_ERROR_RTT(level). A stop after
 * some progress is RMI_SUCCESS with out `top`. Mirrors smc_rtt_unprot_map()
 * [@tf-rmm-rtt_map.c:1192-1291].
 */
export function RMI_RTT_UNPROT_MAP(
  w: World,
  base: bigint,
  top: bigint,
  flags: bigint,
  desc: bigint,
): RmiResult {
  return rmi(w, 'RMI_RTT_UNPROT_MAP', { base, top, flags, desc }, () => {
    const f = unprotFlagsFields(flags);
    const v = validateMapInputs(w, 'RMI_RTT_UNPROT_MAP', base, top, BigInt(f.oaddrType), desc);
    if (!v.ok) return v.r;
    if ((f.s2ap & ~(RMI_S2AP_DIRECT_READ | RMI_S2AP_DIRECT_WRITE)) !== 0) return input();
    return mapSweep(w, base, top, v, (rtt, idx, e, pa) => {
      if (f.memattr === S2TTE_MEMATTR_FWB_RESERVED) return input();
      if (e.s === 'unassigned_ns') {
        setRtte(w, rtt, idx, { s: 'assigned_ns', pa, memattr: f.memattr, s2ap: f.s2ap });
        return null;
      }
      const same = e.s === 'assigned_ns' && e.pa === pa && e.memattr === f.memattr && e.s2ap === f.s2ap;
      return same ? null : rttErr(v.level);
    });
  });
}

/* ------------------------------------------------------------------ unmap commands */

type UnmapCmd = 'RMI_RTT_DATA_UNMAP' | 'RMI_RTT_UNPROT_UNMAP';

/** The error frame of the unmap commands: X1 (and X2) are 0 [@tf-rmm-rtt_unmap.c:1049-1055]. */
const unmapRttErr = (level: number): BodyResult => ({
  status: RMI_ERROR_RTT,
  index: level,
  out: { next: 0n, range: 0n },
});

/**
 * The shared body of RMI_RTT_DATA_UNMAP and RMI_RTT_UNPROT_UNMAP (rtt_unmap_run() and
 * rtt_unmap_one_table() [@tf-rmm-rtt_unmap.c:1000-1119; @tf-rmm-rtt_unmap.c:360-546]).
 *
 * Inputs (validate_unmap_inputs() [@tf-rmm-rtt_unmap.c:55-141]): base and top 4 KiB-aligned, top >
 * base, base and top − 4 KiB inside the IPA space and both in PAR (DATA) or both outside it
 * (UNPROT), OADDR_TYPE NONE or SINGLE (oaddr and LIST_COUNT 0), else RMI_ERROR_INPUT. No
 * realm-state check.
 *
 * The walk goes to the deepest level; base not aligned to that level's entry size →
 * RMI_ERROR_RTT(level). Then the sweep runs over the entries of that one leaf RTT: non-live
 * entries (every unassigned state) are skipped; a table, or a live entry of the other kind, stops
 * it; an entry larger than what is left of the range stops it; with SINGLE output the first PA
 * discontinuity stops it. Any of these stops on the very first entry is RMI_ERROR_RTT(level)
 * (out `next` 0) — except a skipped entry that fits. Unmapped entries: DATA assigned_ram →
 * unassigned_destroyed, assigned_empty → unassigned_empty, assigned_destroyed →
 * unassigned_destroyed, their granules back to DELEGATED after the TLBI [@tf-rmm-rtt_unmap.c:245-299];
 * UNPROT assigned_ns → unassigned_ns. Result: RMI_SUCCESS with out `next` = the IPA after the last
 * entry swept (also when nothing was unmapped) and `range` = the unmapped PAs as one
 * RmiAddrRangeDesc for SINGLE (base | COUNT | SIZE, ST 0), else 0
 * [@tf-rmm-rtt_unmap.c:898-942].
 */
function rttUnmap(w: World, cmd: UnmapCmd, base: bigint, top: bigint, flags: bigint): BodyResult {
  const oaddrType = flags & 3n;
  const listCount = (flags >> 2n) & 0x3fffn;
  if ((base & (GRANULE - 1n)) !== 0n || (top & (GRANULE - 1n)) !== 0n || top <= base) return input();
  if (!validMapAddr(w, base, PAGE_LEVEL) || !validMapAddr(w, top - GRANULE, PAGE_LEVEL)) return input();
  const wantPar = cmd === 'RMI_RTT_DATA_UNMAP';
  if (inPar(w, base) !== wantPar || inPar(w, top - GRANULE) !== wantPar) return input();
  if (oaddrType === RMI_ADDR_TYPE_LIST)
    throw modelBroken(`${cmd}: OADDR_TYPE LIST (an NS output list) is not modelled`);
  if (oaddrType !== RMI_ADDR_TYPE_NONE && oaddrType !== RMI_ADDR_TYPE_SINGLE) return input();
  if (listCount !== 0n) return input();

  const wr = rttWalk(w, base);
  const level = wr.level;
  const size = levelSize(level);
  if ((base & (size - 1n)) !== 0n) return unmapRttErr(level);

  const owned: Rtte['s'] = cmd === 'RMI_RTT_DATA_UNMAP' ? 'assigned' : 'assigned_ns';
  const single = oaddrType === RMI_ADDR_TYPE_SINGLE;
  let addr = base;
  let firstPa: bigint | null = null;
  let count = 0n;
  const freed: bigint[] = [];
  const end = leafTableEnd(wr.rtt, wr.idx);
  for (let idx = wr.idx; idx < end; idx++) {
    const first = idx === wr.idx;
    const e = wr.rtt.entries[idx];
    assertModel(e !== undefined, 'RTT index out of range');
    const fits = addr + size <= top;
    if (!isLive(e)) {
      if (!fits) {
        if (first) return unmapRttErr(level);
        break;
      }
      addr += size;
      continue;
    }
    if (e.s === 'table' || !fits || e.s !== owned) {
      if (first) return unmapRttErr(level);
      break;
    }
    if (single && firstPa !== null && e.pa !== firstPa + count * size) break;
    if (firstPa === null) firstPa = e.pa;
    count++;
    if (e.s === 'assigned') {
      setRtte(w, wr.rtt, idx, { s: 'unassigned', ripas: e.ripas === 'empty' ? 'empty' : 'destroyed' });
      freed.push(e.pa);
    } else setRtte(w, wr.rtt, idx, { s: 'unassigned_ns' });
    addr += size;
  }
  // The drain: DATA granules return to DELEGATED once the TLBI pass is done.
  for (const pa of freed) for (const g of granulesOf(pa, size)) setGranule(w, g, 'delegated');
  const range = single && firstPa !== null ? firstPa | (count << 2n) | BigInt(PAGE_LEVEL - level) : 0n;
  return { status: RMI_SUCCESS, out: { next: addr, range } };
}

/**
 * RMI_RTT_UNPROT_UNMAP(rd, base, top, flags, oaddr): sweep assigned_ns entries of one leaf RTT
 * back to unassigned_ns (see rttUnmap()). `flags` is RMI_ADDR_TYPE_NONE unless given. Out `next`
 * = the IPA after the last entry swept; unassigned_ns entries are skipped with RMI_SUCCESS.
 * Mirrors smc_rtt_unprot_unmap() [@tf-rmm-rtt_unmap.c:1392-1507].
 */
export function RMI_RTT_UNPROT_UNMAP(
  w: World,
  base: bigint,
  top: bigint,
  flags = RMI_ADDR_TYPE_NONE,
): RmiResult {
  return rmi(w, 'RMI_RTT_UNPROT_UNMAP', { base, top, flags, desc: 0n }, () =>
    rttUnmap(w, 'RMI_RTT_UNPROT_UNMAP', base, top, flags),
  );
}

/**
 * RMI_RTT_DATA_UNMAP(rd, base, top, flags, oaddr): sweep assigned entries of one leaf RTT back to
 * unassigned (see rttUnmap()); `flags` is RMI_ADDR_TYPE_SINGLE unless given, so out `range`
 * describes the unmapped (now DELEGATED) PAs for the host to undelegate. Unassigned entries are
 * skipped with RMI_SUCCESS. Mirrors smc_rtt_data_unmap() [@tf-rmm-rtt_unmap.c:1228-1377].
 */
export function RMI_RTT_DATA_UNMAP(
  w: World,
  base: bigint,
  top: bigint,
  flags = RMI_ADDR_TYPE_SINGLE,
): RmiResult {
  return rmi(w, 'RMI_RTT_DATA_UNMAP', { base, top, flags }, () =>
    rttUnmap(w, 'RMI_RTT_DATA_UNMAP', base, top, flags),
  );
}

/* ------------------------------------------------------------------ RIPAS */

/**
 * RMI_RTT_INIT_RIPAS(rd, base, top): set RIPAS RAM before the realm runs. top ≤ base →
 * RMI_ERROR_INPUT; base or top not 4 KiB-aligned or outside the IPA space, base or top − 4 KiB
 * outside PAR → RMI_ERROR_INPUT; realm not NEW → RMI_ERROR_REALM; walk to the deepest level, base
 * not aligned to that level's entry → RMI_ERROR_RTT(level). Then over the entries of that leaf RTT
 * that fit below top: unassigned_empty → unassigned_ram, assigned_empty → assigned_ram, RAM
 * entries unchanged; a destroyed entry or a table stops it. Progress → RMI_SUCCESS with out `top`
 * = the end reached; none → RMI_ERROR_RTT(level). Mirrors smc_rtt_init_ripas()
 * [@tf-rmm-rtt.c:1236-1343].
 */
export function RMI_RTT_INIT_RIPAS(w: World, base: bigint, top: bigint): RmiResult {
  return rmi(w, 'RMI_RTT_INIT_RIPAS', { base, top }, () => {
    if (top <= base) return input();
    if (
      !validMapAddr(w, base, PAGE_LEVEL) ||
      !validMapAddr(w, top, PAGE_LEVEL) ||
      !inPar(w, base) ||
      !inPar(w, top - GRANULE)
    )
      return input();
    if (w.rmm.realmState !== 'NEW') return { status: RMI_ERROR_REALM };
    const wr = rttWalk(w, base);
    const size = levelSize(wr.level);
    if ((base & (size - 1n)) !== 0n) return rttErr(wr.level);
    let addr = base;
    const end = leafTableEnd(wr.rtt, wr.idx);
    for (let idx = wr.idx; idx < end && addr + size <= top; idx++) {
      const e = wr.rtt.entries[idx];
      assertModel(e !== undefined, 'RTT index out of range');
      if ((e.s === 'unassigned' || e.s === 'assigned') && e.ripas === 'empty')
        setRtte(w, wr.rtt, idx, { ...e, ripas: 'ram' });
      else if (!((e.s === 'unassigned' || e.s === 'assigned') && e.ripas === 'ram')) break;
      addr += size;
    }
    if (addr > base) return { status: RMI_SUCCESS, out: { top: addr } };
    return rttErr(wr.level);
  });
}

/**
 * update_ripas() for one entry and a requested RIPAS [@tf-rmm-rtt.c:1152-1234]: the new entry,
 * the entry itself when nothing changes, or null to stop (no RIPAS: an NS entry or a table; a
 * DESTROYED entry and a RAM request without RSI_CHANGE_DESTROYED). An EMPTY request changes
 * DESTROYED entries whatever the flag says (commit 4c40d408 [@tf-rmm-4c40d408]).
 */
function updateRipas(e: Rtte, ripas: Ripas, changeDestroyed: boolean): Rtte | null {
  if (e.s !== 'unassigned' && e.s !== 'assigned') return null;
  if (ripas === 'ram') {
    if (e.ripas === 'destroyed' && !changeDestroyed) return null;
    return e.ripas === 'ram' ? e : { ...e, ripas: 'ram' };
  }
  if (ripas === 'empty') return e.ripas === 'empty' ? e : { ...e, ripas: 'empty' };
  throw modelBroken('RMI_RTT_SET_RIPAS: a request for RIPAS DESTROYED (RSI_IPA_STATE_SET refuses it)');
}

/**
 * RMI_RTT_SET_RIPAS(rd, rec, base, top): apply the REC's pending RSI_IPA_STATE_SET request from
 * its progress address. top ≤ base or top not 4 KiB-aligned → RMI_ERROR_INPUT; no such REC →
 * RMI_ERROR_INPUT; base not the REC's progress address, or top above the requested top (also when
 * nothing is pending) → RMI_ERROR_INPUT; walk to the deepest level, base not aligned to that
 * level's entry → RMI_ERROR_RTT(level). Then over the entries of that leaf RTT that fit below top,
 * update_ripas() until it stops. Progress → RMI_SUCCESS with out `top`, and the REC's progress
 * address advances to it; none → RMI_ERROR_RTT(level). (A REC that is running, or of another
 * realm, gives RMI_ERROR_REC in TF-RMM; neither happens in the model.) Mirrors smc_rtt_set_ripas()
 * and rtt_set_ripas_range() [@tf-rmm-rtt.c:1472-1573; @tf-rmm-rtt.c:1378-1470].
 */
export function RMI_RTT_SET_RIPAS(w: World, vcpu: number, base: bigint, top: bigint): RmiResult {
  return rmi(w, 'RMI_RTT_SET_RIPAS', { rec: vcpu, base, top }, () => {
    if (top <= base || (top & (GRANULE - 1n)) !== 0n) return input();
    const rec = w.rmm.recs.get(vcpu);
    if (rec === undefined) return input();
    const req = rec.setRipas;
    if (req === null || base !== req.addr || top > req.top) return input();
    const wr = rttWalk(w, base);
    const size = levelSize(wr.level);
    if (!validMapAddr(w, base, wr.level)) return rttErr(wr.level);
    let addr = base;
    const end = leafTableEnd(wr.rtt, wr.idx);
    for (let idx = wr.idx; idx < end && addr + size <= top; idx++) {
      const e = wr.rtt.entries[idx];
      assertModel(e !== undefined, 'RTT index out of range');
      const next = updateRipas(e, req.ripas, req.changeDestroyed);
      if (next === null) break;
      if (next !== e) setRtte(w, wr.rtt, idx, next);
      addr += size;
    }
    if (addr === base) return rttErr(wr.level);
    req.addr = addr;
    return { status: RMI_SUCCESS, out: { top: addr } };
  });
}
