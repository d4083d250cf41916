/**
 * Copies of a World, and a key that says when two Worlds are the same state. The explorer
 * (src/explore) keeps one World per state it has reached and runs each action on a copy, so the
 * stepping API stays pure: `step(world, action)` never changes `world`.
 *
 * The copy shares what no step mutates (the scenario, the geometry, RTT entry values, host PTE
 * values) and copies everything else. The key lists every mutable field in a fixed order, with
 * maps sorted by key, so equal states give equal keys whatever order they were built in.
 */
import type { Rtt, Rtte, VcpuState, World } from './world.js';
import { Tracer } from './world.js';

/** The indexes of `r`'s entries that are tables (cached on the table until setRtte() changes it). */
function kidsOf(r: Rtt): number[] {
  if (r.kids !== undefined) return r.kids;
  const kids: number[] = [];
  const entries = r.entries;
  for (let i = 0; i < entries.length; i++) if ((entries[i] as Rtte).s === 'table') kids.push(i);
  r.kids = kids;
  return kids;
}

function cloneRtt(r: Rtt): Rtt {
  const entries = r.entries.slice();
  const kids = kidsOf(r);
  for (const i of kids) {
    const e = entries[i] as Extract<Rtte, { s: 'table' }>;
    entries[i] = { s: 'table', rtt: cloneRtt(e.rtt) };
  }
  return { level: r.level, base: r.base, pa: r.pa, entries, key: r.key, kids, tree: r.tree };
}

function cloneVcpu(v: VcpuState): VcpuState {
  return {
    id: v.id,
    memcache: v.memcache.slice(),
    fault: { ...v.fault },
    lastExit: v.lastExit === null ? null : { ...v.lastExit },
    regs: new Map(v.regs),
    run: {
      exitReason: v.run.exitReason,
      memoryFault: v.run.memoryFault === null ? null : { ...v.run.memoryFault },
      mmio: v.run.mmio === null ? null : { ...v.run.mmio },
    },
    mmioReadPending: v.mmioReadPending === null ? null : { ...v.mmioReadPending },
  };
}

/** Generations of Worlds (RmmState.gen): every copy takes a new one, and so does its original. */
let lastGen = 0;

/**
 * Whether copies share RTT tables until they change them (true; a test turns it off to check that
 * sharing changes no result).
 */
let shareTables = true;
export function setTableSharing(on: boolean): void {
  shareTables = on;
}

/**
 * A copy of `w` that shares nothing mutable with it, with tracer `t` (the copy's own). RTT tables
 * are shared until one of the two Worlds changes them (setRtte() copies them then): both take a
 * new generation, so neither changes a shared table in place.
 */
export function cloneWorld(w: World, t: Tracer): World {
  let root = w.rmm.root;
  let gen = 0;
  if (shareTables) {
    w.rmm.gen = ++lastGen;
    gen = ++lastGen;
  } else {
    root = cloneRtt(root);
  }
  const byPfn = new Map<number, number | number[]>();
  for (const [k, v] of w.rmm.byPfn) byPfn.set(k, typeof v === 'number' ? v : v.slice());
  const recs = new Map<number, World['rmm']['recs'] extends Map<number, infer R> ? R : never>();
  for (const [k, r] of w.rmm.recs)
    recs.set(k, { ...r, setRipas: r.setRipas === null ? null : { ...r.setRipas } });
  const vcpus = new Map<number, VcpuState>();
  for (const [k, v] of w.kvm.vcpus) vcpus.set(k, cloneVcpu(v));
  const pages = new Map<number, World['host']['pages'] extends Map<number, infer P> ? P : never>();
  for (const [k, p] of w.host.pages)
    pages.set(k, { kind: p.kind, mapcount: p.mapcount, data: p.data === null ? null : new Map(p.data) });
  const pte = new Map<
    number,
    Map<number, World['host']['pte'] extends Map<number, Map<number, infer E>> ? E : never>
  >();
  for (const [k, m] of w.host.pte) pte.set(k, new Map(m));
  const data = new Map<number, Map<number, bigint>>();
  for (const [k, m] of w.guest.data) data.set(k, new Map(m));
  return {
    sc: w.sc,
    variant: w.variant,
    toggles: w.toggles,
    geom: w.geom,
    t,
    prng: w.prng.clone(),
    rmm: {
      realmState: w.rmm.realmState,
      root,
      gen,
      granules: new Map(w.rmm.granules),
      recs,
      byPfn,
    },
    kvm: {
      realmState: w.kvm.realmState,
      rd: w.kvm.rd,
      mmuInvalidateSeq: w.kvm.mmuInvalidateSeq,
      mmuInvalidateInProgress: w.kvm.mmuInvalidateInProgress,
      privateAttr: w.kvm.privateAttr.map((r) => ({ ...r })),
      gmem: new Map(w.kvm.gmem),
      vcpus,
      warnedOnce: new Set(w.kvm.warnedOnce),
      vmDead: w.kvm.vmDead,
    },
    host: { pages, pte, zeroPfn: w.host.zeroPfn, freePages: w.host.freePages },
    vmm: { mmio: new Map(w.vmm.mmio) },
    guest: { data },
    hooks: { window: null },
    mutations: w.mutations,
  };
}

const sortedKeys = <K extends number | string | bigint>(m: ReadonlyMap<K, unknown> | ReadonlySet<K>): K[] =>
  [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** The key of a table's own entries (a child table is written as `T` and keyed on its own). */
function localKey(r: Rtt): string {
  if (r.key !== undefined) return r.key;
  const out: string[] = [`T${r.level}:${r.base.toString(16)}:${r.pa.toString(16)}[`];
  // Runs of equal entries are written once with a count: a fresh table is 512 equal entries.
  let prev = '';
  let prevEntry: Rtte | null = null;
  let run = 0;
  const flush = (): void => {
    if (run > 0) out.push(run === 1 ? prev : `${prev}*${run}`, ',');
  };
  for (const e of r.entries) {
    // Entries are immutable values, and a table built from one entry repeats the same object.
    if (e === prevEntry) {
      run++;
      continue;
    }
    prevEntry = e;
    const k =
      e.s === 'table'
        ? 'T'
        : e.s === 'unassigned'
          ? `u${e.ripas[0]}`
          : e.s === 'assigned'
            ? `a${e.ripas[0]}${e.pa.toString(16)}`
            : e.s === 'unassigned_ns'
              ? 'n'
              : `N${e.pa.toString(16)}.${e.memattr}.${e.s2ap}`;
    if (k === prev) run++;
    else {
      flush();
      prev = k;
      run = 1;
    }
  }
  flush();
  out.push(']');
  r.key = out.join('');
  return r.key;
}

function rttKey(r: Rtt, out: string[]): void {
  if (r.tree === undefined) {
    const sub: string[] = [localKey(r)];
    for (const i of kidsOf(r)) rttKey((r.entries[i] as Extract<Rtte, { s: 'table' }>).rtt, sub);
    r.tree = sub.join('');
  }
  out.push(r.tree);
}

const h = (v: bigint): string => v.toString(16);

function vcpuKey(v: VcpuState, out: string[]): void {
  out.push(`${v.id}m${v.memcache.map(h).join('.')}f${h(v.fault.esr)}.${h(v.fault.far)}.${h(v.fault.hpfar)}`);
  const e = v.lastExit;
  out.push(
    e === null ? 'e-' : `e${e.reason}.${h(e.ripasBase)}.${h(e.ripasTop)}.${e.ripas}.${h(e.gprs0)}`,
    'g',
  );
  for (const r of sortedKeys(v.regs)) out.push(`${r}=${h(v.regs.get(r) ?? 0n)}.`);
  const run = v.run;
  out.push(`x${run.exitReason ?? '-'}`);
  const mf = run.memoryFault;
  out.push(mf === null ? '-' : `${h(mf.flags)}.${h(mf.gpa)}.${h(mf.size)}`);
  const io = run.mmio;
  out.push(io === null ? '-' : `${h(io.physAddr)}.${io.len}.${io.isWrite ? 1 : 0}.${h(io.data)}`);
  const p = v.mmioReadPending;
  out.push(p === null ? '-;' : `${p.srt}.${p.len};`);
}

/**
 * A string that is equal for two Worlds exactly when every mutable part of them is equal (the
 * tracer and the hooks aside). Two states with equal keys behave the same from then on.
 */
export function stateKey(w: World): string {
  const out: string[] = [];
  out.push(`p${w.prng.position};r${w.rmm.realmState};k${w.kvm.realmState}${w.kvm.vmDead ? 'D' : ''}`);
  out.push(`;s${w.kvm.mmuInvalidateSeq}.${w.kvm.mmuInvalidateInProgress};rd${w.kvm.rd.toString(16)};`);
  rttKey(w.rmm.root, out);
  out.push(';G');
  for (const k of sortedKeys(w.rmm.granules))
    out.push(`${k.toString(16)}${(w.rmm.granules.get(k) ?? '')[0]},`);
  out.push(';R');
  for (const k of sortedKeys(w.rmm.recs)) {
    const r = w.rmm.recs.get(k);
    if (r === undefined) continue;
    const sr = r.setRipas;
    out.push(
      `${k}:${r.enterFlags}:${r.enterGprs0.toString(16)}:${r.lastExitEsr?.toString(16) ?? '-'}:${r.lastExitUnprotected ? 1 : 0}:`,
      sr === null
        ? '-,'
        : `${sr.base.toString(16)}.${sr.top.toString(16)}.${sr.addr.toString(16)}.${sr.ripas}.${sr.changeDestroyed ? 1 : 0}${sr.exited ? 1 : 0},`,
    );
  }
  out.push(';A');
  for (const r of w.kvm.privateAttr) out.push(`${r.start.toString(16)}-${r.end.toString(16)},`);
  out.push(';M');
  for (const k of sortedKeys(w.kvm.gmem))
    out.push(`${k.toString(16)}=${(w.kvm.gmem.get(k) ?? 0).toString(16)},`);
  out.push(';V');
  for (const k of sortedKeys(w.kvm.vcpus)) {
    const v = w.kvm.vcpus.get(k);
    if (v !== undefined) vcpuKey(v, out);
  }
  out.push(';W', sortedKeys(w.kvm.warnedOnce).join('|'));
  out.push(';H');
  for (const k of sortedKeys(w.host.pages)) {
    const p = w.host.pages.get(k);
    if (p === undefined) continue;
    out.push(`${k.toString(16)}${p.kind[0]}${p.mapcount}`);
    if (p.data !== null)
      for (const d of sortedKeys(p.data)) out.push(`.${d}=${(p.data.get(d) ?? 0n).toString(16)}`);
    out.push(',');
  }
  out.push(';P');
  for (const b of sortedKeys(w.host.pte)) {
    const m = w.host.pte.get(b);
    if (m === undefined) continue;
    for (const i of sortedKeys(m)) {
      const e = m.get(i);
      if (e !== undefined)
        out.push(`${b}.${i}=${e.pfn.toString(16)}${e.writable ? 'w' : 'r'}${e.huge ? 'h' : ''},`);
    }
  }
  out.push(`;z${w.host.zeroPfn.toString(16)};f${w.host.freePages ?? '-'};O`);
  for (const k of sortedKeys(w.vmm.mmio))
    out.push(`${k.toString(16)}=${(w.vmm.mmio.get(k) ?? 0n).toString(16)},`);
  out.push(';D');
  for (const k of sortedKeys(w.guest.data)) {
    const m = w.guest.data.get(k);
    if (m === undefined) continue;
    out.push(`${k.toString(16)}:`);
    for (const i of sortedKeys(m)) out.push(`${i}=${(m.get(i) ?? 0n).toString(16)},`);
  }
  return out.join('');
}

/** A fresh tracer for a copy: no trace, the given work budget. */
export const quietTracer = (budget: number): Tracer => new Tracer(null, budget);
