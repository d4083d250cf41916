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

function cloneRtt(r: Rtt): Rtt {
  const entries = r.entries.slice();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Rtte;
    if (e.s === 'table') entries[i] = { s: 'table', rtt: cloneRtt(e.rtt) };
  }
  return { level: r.level, base: r.base, pa: r.pa, entries, key: r.key };
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

/** A copy of `w` that shares nothing mutable with it, with tracer `t` (the copy's own). */
export function cloneWorld(w: World, t: Tracer): World {
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
      root: cloneRtt(w.rmm.root),
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
  let run = 0;
  const flush = (): void => {
    if (run > 0) out.push(run === 1 ? prev : `${prev}*${run}`, ',');
  };
  for (const e of r.entries) {
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
  out.push(localKey(r));
  for (const e of r.entries) if (e.s === 'table') rttKey(e.rtt, out);
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
    if (r !== undefined)
      out.push(
        `${k}:${r.enterFlags}:${r.enterGprs0.toString(16)}:${r.lastExitEsr?.toString(16) ?? '-'}:${r.lastExitUnprotected ? 1 : 0}:${r.setRipas === null ? '-' : JSON.stringify(r.setRipas, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(16) : v))},`,
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
    if (v !== undefined)
      out.push(
        JSON.stringify(
          [
            v.id,
            v.memcache,
            v.fault,
            v.lastExit,
            [...v.regs].sort((a, b) => a[0] - b[0]),
            v.run,
            v.mmioReadPending,
          ],
          (_k, x: unknown) => (typeof x === 'bigint' ? x.toString(16) : x),
        ),
      );
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
