/**
 * The RMM's RMI commands (TF-RMM `runtime/rmi/*.c`, RMM 2.0-bet1 as used by v14), simplified to
 * the rule table of brief §6.3. Each returns `ret = status | index << 8` plus its output values and
 * records one `rmi_call` trace event (emitted before the state changes it causes).
 */
import { levelSize, PAGE_LEVEL } from '../arch/geometry.js';
import type { RmiSummary } from '../sim/result.js';
import type { Args } from '../sim/trace.js';
import type { Rtte, World } from '../sim/world.js';
import { assertModel } from '../sim/errors.js';
import {
  RMI_FID,
  RMI_STATUS,
  rmiRet,
  rmiStatusName,
  type RmiCommand,
  type Ripas,
  RMI_OP_MEM_DELEGATED,
} from './constants.js';
import { entryIpa, granuleState, rttWalk, setGranule, setRtte, unfold } from './rtt.js';

export interface RmiResult {
  readonly ret: number;
  readonly status: number;
  readonly index: number;
  /** Output registers (out_top, next, range descriptor, …). */
  readonly out: Readonly<Record<string, bigint>>;
}

const { RMI_SUCCESS, RMI_ERROR_INPUT, RMI_ERROR_REALM, RMI_ERROR_RTT } = RMI_STATUS;

type Body = () => { status: number; index?: number; out?: Record<string, bigint> };

/** The output of a command that returns no values (shared: callers only read `out`). */
const NO_OUT: Readonly<Record<string, bigint>> = Object.freeze({});

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
  let r: ReturnType<Body>;
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
 * RmiAddrRangeDesc fields as the RMM reads them (brief §3.5): SIZE [1:0], COUNT [11:2],
 * ADDR [51:12], ST [63]. This is the hot-path reader; the public decoder with field names and
 * notes is decode/rmi.ts `decodeRangeDesc`, and test/rmm-layout.test.ts checks the two agree.
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

const inPar = (w: World, base: bigint, top: bigint): boolean => base < top && top <= w.geom.sharedBit;
const inUnprot = (w: World, base: bigint, top: bigint): boolean =>
  base < top && base >= w.geom.sharedBit && top <= w.geom.ipaLimit;

/** RMI_GRANULE_RANGE_DELEGATE: UNDELEGATED → DELEGATED; out `top` = how far it got. */
export function RMI_GRANULE_RANGE_DELEGATE(w: World, base: bigint, top: bigint): RmiResult {
  return rmi(w, 'RMI_GRANULE_RANGE_DELEGATE', { base, top }, () => {
    let a = base;
    while (a < top && granuleState(w, a) === 'undelegated') {
      setGranule(w, a, 'delegated');
      a += 0x1000n;
    }
    if (a === base) return { status: RMI_ERROR_INPUT, out: { top: a } };
    return { status: RMI_SUCCESS, out: { top: a } };
  });
}

/** RMI_GRANULE_RANGE_UNDELEGATE: DELEGATED → UNDELEGATED (the RMM scrubs the contents). */
export function RMI_GRANULE_RANGE_UNDELEGATE(w: World, base: bigint, top: bigint): RmiResult {
  return rmi(w, 'RMI_GRANULE_RANGE_UNDELEGATE', { base, top }, () => {
    let a = base;
    while (a < top && granuleState(w, a) === 'delegated') {
      setGranule(w, a, 'undelegated');
      const page = w.host.pages.get(Number(a >> 12n));
      if (page !== undefined) page.data = null;
      a += 0x1000n;
    }
    if (a === base) return { status: RMI_ERROR_INPUT, out: { top: a } };
    return { status: RMI_SUCCESS, out: { top: a } };
  });
}

/** RMI_RTT_CREATE(rd, rtt, ipa, level): unfold the parent entry at level-1 into a new table. */
export function RMI_RTT_CREATE(w: World, rtt: bigint, ipa: bigint, level: number): RmiResult {
  return rmi(w, 'RMI_RTT_CREATE', { rtt, ipa, level }, () => {
    if (level <= w.geom.startLevel || level > PAGE_LEVEL) return { status: RMI_ERROR_INPUT };
    if ((ipa & (levelSize(level - 1) - 1n)) !== 0n) return { status: RMI_ERROR_INPUT };
    if (granuleState(w, rtt) !== 'delegated') return { status: RMI_ERROR_INPUT };
    const wr = rttWalk(w, ipa, level - 1);
    if (wr.level < level - 1) return { status: RMI_ERROR_RTT, index: wr.level };
    if (wr.e.s === 'table') return { status: RMI_ERROR_RTT, index: level - 1 };
    const child = unfold(w, wr.e, level, ipa, rtt);
    setGranule(w, rtt, 'rtt');
    setRtte(w, wr.rtt, wr.idx, { s: 'table', rtt: child });
    return { status: RMI_SUCCESS };
  });
}

/** RMI_RTT_FOLD(rd, ipa, level): collapse a homogeneous table at `level` into its parent entry. */
export function RMI_RTT_FOLD(w: World, ipa: bigint, level: number): RmiResult {
  return rmi(w, 'RMI_RTT_FOLD', { ipa, level }, () => {
    const wr = rttWalk(w, ipa, level - 1);
    if (wr.level !== level - 1 || wr.e.s !== 'table') return { status: RMI_ERROR_RTT, index: wr.level };
    const child = wr.e.rtt;
    const first = child.entries[0];
    assertModel(first !== undefined, 'empty RTT');
    let folded: Rtte | null = null;
    if (first.s === 'unassigned' || first.s === 'unassigned_ns') {
      folded = child.entries.every((e) => e === first || (e.s === first.s && rtteEqualNoPa(e, first)))
        ? first
        : null;
    } else if (first.s === 'assigned' || first.s === 'assigned_ns') {
      const blk = levelSize(level - 1);
      const contiguous =
        (first.pa & (blk - 1n)) === 0n &&
        child.entries.every(
          (e, i) =>
            e.s === first.s &&
            'pa' in e &&
            e.pa === first.pa + BigInt(i) * levelSize(level) &&
            rtteEqualNoPa(e, first),
        );
      folded = contiguous ? first : null;
    }
    if (folded === null) return { status: RMI_ERROR_RTT, index: level };
    for (let i = 0; i < 512; i++) {
      const e = child.entries[i];
      if (e !== undefined && (e.s === 'assigned' || e.s === 'assigned_ns'))
        setRtte(w, child, i, { s: 'unassigned_ns' }, false);
    }
    setRtte(w, wr.rtt, wr.idx, folded);
    setGranule(w, child.pa, 'delegated');
    return { status: RMI_SUCCESS, out: { rtt: child.pa } };
  });
}

function rtteEqualNoPa(a: Rtte, b: Rtte): boolean {
  if (a.s !== b.s) return false;
  if ((a.s === 'assigned' || a.s === 'unassigned') && (b.s === 'assigned' || b.s === 'unassigned'))
    return a.ripas === b.ripas;
  if (a.s === 'assigned_ns' && b.s === 'assigned_ns') return a.memattr === b.memattr && a.s2ap === b.s2ap;
  return true;
}

/**
 * RMI_RTT_DATA_MAP(rd, base, top, flags, desc): map delegated granules into UNASSIGNED protected
 * entries at the descriptor's level; RIPAS is unchanged and contents are zeroed.
 */
export function RMI_RTT_DATA_MAP(
  w: World,
  base: bigint,
  top: bigint,
  flags: bigint,
  desc: bigint,
): RmiResult {
  return rmi(w, 'RMI_RTT_DATA_MAP', { base, top, flags, desc }, () => {
    // The model's RMM realm is always NEW or ACTIVE here, both of which DATA_MAP accepts.
    if (!inPar(w, base, top)) return { status: RMI_ERROR_INPUT };
    const d = rangeDescFields(desc);
    if (d.st !== RMI_OP_MEM_DELEGATED) return { status: RMI_ERROR_INPUT };
    const size = levelSize(d.level);
    if ((base & (size - 1n)) !== 0n || (d.addr & (size - 1n)) !== 0n || d.count === 0)
      return { status: RMI_ERROR_INPUT };
    let ipa = base;
    let pa = d.addr;
    for (let n = 0; n < d.count && ipa < top; n++) {
      const wr = rttWalk(w, ipa, d.level);
      const fail = wr.level < d.level ? wr.level : wr.e.s !== 'unassigned' ? d.level : -1;
      if (fail >= 0)
        return n === 0 ? { status: RMI_ERROR_RTT, index: fail } : { status: RMI_SUCCESS, out: { top: ipa } };
      for (let g = 0n; g < size; g += 0x1000n) {
        if (granuleState(w, pa + g) !== 'delegated')
          return n === 0 ? { status: RMI_ERROR_INPUT } : { status: RMI_SUCCESS, out: { top: ipa } };
      }
      for (let g = 0n; g < size; g += 0x1000n) {
        setGranule(w, pa + g, 'data');
        const page = w.host.pages.get(Number((pa + g) >> 12n));
        if (page !== undefined) page.data = null;
      }
      const ripas: Ripas = wr.e.s === 'unassigned' ? wr.e.ripas : 'empty';
      setRtte(w, wr.rtt, wr.idx, { s: 'assigned', ripas, pa });
      ipa += size;
      pa += size;
    }
    return { status: RMI_SUCCESS, out: { top: ipa } };
  });
}

/**
 * RmiRttUnprotMapFlags fields as the RMM reads them (brief §3.5): OADDR_TYPE [1:0],
 * LIST_COUNT [15:2], MEMATTR [18:16], S2AP [22:19]. The public decoder is decode/rmi.ts
 * `decodeUnprotFlags`; test/rmm-layout.test.ts checks the two agree.
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

/**
 * RMI_RTT_UNPROT_MAP(rd, base, top, flags, desc): UNASSIGNED_NS → ASSIGNED_NS at the descriptor's
 * level. An identical existing mapping succeeds as a no-op; a different one, or a table, fails with
 * RMI_ERROR_RTT at that level. The ST check is relaxed (TF-RMM 7626d97b, brief §3.5).
 */
export function RMI_RTT_UNPROT_MAP(
  w: World,
  base: bigint,
  top: bigint,
  flags: bigint,
  desc: bigint,
): RmiResult {
  return rmi(w, 'RMI_RTT_UNPROT_MAP', { base, top, flags, desc }, () => {
    if (!inUnprot(w, base, top)) return { status: RMI_ERROR_INPUT };
    const d = rangeDescFields(desc);
    const f = unprotFlagsFields(flags);
    const size = levelSize(d.level);
    if ((base & (size - 1n)) !== 0n || (d.addr & (size - 1n)) !== 0n || d.count === 0)
      return { status: RMI_ERROR_INPUT };
    let ipa = base;
    let pa = d.addr;
    for (let n = 0; n < d.count && ipa < top; n++) {
      const wr = rttWalk(w, ipa, d.level);
      const e = wr.e;
      let fail = -1;
      if (wr.level < d.level) fail = wr.level;
      else if (e.s === 'assigned_ns') {
        if (e.pa !== pa || e.memattr !== f.memattr || e.s2ap !== f.s2ap) fail = d.level;
      } else if (e.s !== 'unassigned_ns') fail = d.level;
      if (fail >= 0)
        return n === 0 ? { status: RMI_ERROR_RTT, index: fail } : { status: RMI_SUCCESS, out: { top: ipa } };
      if (e.s === 'unassigned_ns')
        setRtte(w, wr.rtt, wr.idx, { s: 'assigned_ns', pa, memattr: f.memattr, s2ap: f.s2ap });
      ipa += size;
      pa += size;
    }
    return { status: RMI_SUCCESS, out: { top: ipa } };
  });
}

/**
 * RMI_RTT_UNPROT_UNMAP(rd, base, top, flags, desc): ASSIGNED_NS → UNASSIGNED_NS for the entry at
 * `base`. Nothing mapped → RMI_ERROR_RTT(level) with `next` past that entry (progress); a block
 * larger than the range → RMI_ERROR_RTT(level) without progress.
 */
export function RMI_RTT_UNPROT_UNMAP(w: World, base: bigint, top: bigint): RmiResult {
  return rmi(w, 'RMI_RTT_UNPROT_UNMAP', { base, top, flags: 0n, desc: 0n }, () => {
    if (!inUnprot(w, base, top)) return { status: RMI_ERROR_INPUT };
    const wr = rttWalk(w, base);
    const size = levelSize(wr.level);
    const start = entryIpa(wr.rtt, wr.idx);
    const end = start + size;
    if (wr.e.s !== 'assigned_ns')
      return { status: RMI_ERROR_RTT, index: wr.level, out: { next: end < top ? end : top } };
    if (start !== base || end > top) return { status: RMI_ERROR_RTT, index: wr.level, out: { next: base } };
    setRtte(w, wr.rtt, wr.idx, { s: 'unassigned_ns' });
    return { status: RMI_SUCCESS, out: { next: end } };
  });
}

/**
 * RMI_RTT_DATA_UNMAP(rd, base, top, flags): ASSIGNED_{RAM,EMPTY,DESTROYED} → UNASSIGNED_{DESTROYED,
 * EMPTY,DESTROYED} (brief §4.1 item 7); returns the unmapped PA range as a descriptor (the host then
 * undelegates). UNASSIGNED → RMI_ERROR_RTT with progress.
 */
export function RMI_RTT_DATA_UNMAP(w: World, base: bigint, top: bigint): RmiResult {
  return rmi(w, 'RMI_RTT_DATA_UNMAP', { base, top, flags: 1n }, () => {
    if (!inPar(w, base, top)) return { status: RMI_ERROR_INPUT };
    const wr = rttWalk(w, base);
    const size = levelSize(wr.level);
    const start = entryIpa(wr.rtt, wr.idx);
    const end = start + size;
    if (wr.e.s !== 'assigned')
      return { status: RMI_ERROR_RTT, index: wr.level, out: { next: end < top ? end : top } };
    if (start !== base || end > top) return { status: RMI_ERROR_RTT, index: wr.level, out: { next: base } };
    const pa = wr.e.pa;
    const ripas: Ripas = wr.e.ripas === 'empty' ? 'empty' : 'destroyed';
    setRtte(w, wr.rtt, wr.idx, { s: 'unassigned', ripas });
    for (let g = 0n; g < size; g += 0x1000n) setGranule(w, pa + g, 'delegated');
    const sizeField = BigInt(PAGE_LEVEL - wr.level);
    return { status: RMI_SUCCESS, out: { next: end, range: pa | (1n << 2n) | sizeField } };
  });
}

/** RMI_RTT_INIT_RIPAS(rd, base, top): EMPTY → RAM for whole UNASSIGNED entries (realm NEW only). */
export function RMI_RTT_INIT_RIPAS(w: World, base: bigint, top: bigint): RmiResult {
  return rmi(w, 'RMI_RTT_INIT_RIPAS', { base, top }, () => {
    if (w.rmm.realmState !== 'NEW') return { status: RMI_ERROR_REALM };
    if (!inPar(w, base, top)) return { status: RMI_ERROR_INPUT };
    const first = rttWalk(w, base);
    let ipa = base;
    for (let idx = first.idx; idx < first.rtt.entries.length && ipa < top; idx++) {
      const e = first.rtt.entries[idx];
      const start = entryIpa(first.rtt, idx);
      const size = levelSize(first.rtt.level);
      if (e === undefined || start !== ipa || start + size > top || e.s !== 'unassigned') {
        if (ipa === base) return { status: RMI_ERROR_RTT, index: first.level };
        break;
      }
      setRtte(w, first.rtt, idx, { s: 'unassigned', ripas: 'ram' });
      ipa += size;
    }
    return { status: RMI_SUCCESS, out: { top: ipa } };
  });
}

/**
 * RMI_RTT_SET_RIPAS(rd, rec, base, top): apply the REC's pending RIPAS change to whole entries
 * from `base` (which must be the REC's next address). DESTROYED changes only with
 * RSI_CHANGE_DESTROYED (brief §4.1 item 6).
 */
export function RMI_RTT_SET_RIPAS(w: World, vcpu: number, base: bigint, top: bigint): RmiResult {
  return rmi(w, 'RMI_RTT_SET_RIPAS', { rec: vcpu, base, top }, () => {
    const rec = w.rmm.recs.get(vcpu);
    const req = rec?.setRipas ?? null;
    if (req === null || base !== req.addr || top > req.top) return { status: RMI_ERROR_INPUT };
    const first = rttWalk(w, base);
    let ipa = base;
    for (let idx = first.idx; idx < first.rtt.entries.length && ipa < top; idx++) {
      const e = first.rtt.entries[idx];
      const start = entryIpa(first.rtt, idx);
      const size = levelSize(first.rtt.level);
      if (
        e === undefined ||
        start !== ipa ||
        start + size > top ||
        (e.s !== 'unassigned' && e.s !== 'assigned')
      ) {
        if (ipa === base) return { status: RMI_ERROR_RTT, index: first.level };
        break;
      }
      if (e.ripas === 'destroyed' && !req.changeDestroyed) break;
      if (e.ripas !== req.ripas) setRtte(w, first.rtt, idx, { ...e, ripas: req.ripas });
      ipa += size;
    }
    if (ipa === base) return { status: RMI_ERROR_INPUT };
    req.addr = ipa;
    return { status: RMI_SUCCESS, out: { top: ipa } };
  });
}
