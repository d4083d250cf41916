/**
 * The simulated machine: RMM, KVM, host mm and VMM state, plus the tracer. Inside a step the code
 * mutates this like the C mirrors mutate kernel state; `runScenario` owns one World per run and
 * nothing outside the engine sees it (design.md §1).
 */
import type { Stage2Geometry } from '../arch/geometry.js';
import type { Scenario, Toggles, Variant, WindowPoint } from '../scenario/types.js';
import type { MutationName } from './mutations.js';
import type { Ripas } from '../rmm/constants.js';
import type { Outcome, ExitSummary, FaultSummary, RmiSummary } from './result.js';
import type { Args, TraceEvent } from './trace.js';
import { formatCRet } from './errno.js';
import { KernelLivelock, StepBudgetExceeded } from './errors.js';
import type { Prng } from './prng.js';

/* ---------------- RMM ---------------- */

/** One RTT entry in TF-RMM's vocabulary (s2tt.h's unassigned/assigned × RIPAS, plus table) [@tf-rmm-s2tt.h]. Entries are immutable values. */
export type Rtte =
  | { readonly s: 'unassigned'; readonly ripas: Ripas }
  | { readonly s: 'assigned'; readonly ripas: Ripas; readonly pa: bigint }
  | { readonly s: 'unassigned_ns' }
  | { readonly s: 'assigned_ns'; readonly pa: bigint; readonly memattr: number; readonly s2ap: number }
  | { readonly s: 'table'; readonly rtt: Rtt };

/** A realm translation table at `level`, covering IPAs from `base`. */
export interface Rtt {
  readonly level: number;
  readonly base: bigint;
  /** PA of the granule(s) holding this table. */
  readonly pa: bigint;
  readonly entries: Rtte[];
  /**
   * The explorer's state key for this table's own entries (src/sim/snapshot.ts), cached;
   * setRtte() clears it, and nothing else changes entries after a table is built.
   */
  key?: string | undefined;
  /** Indexes of the entries that are tables, cached with `key` (cleared with it). */
  kids?: number[] | undefined;
  /** The key of this table and every table below it, cached; setRtte() clears it along the path. */
  tree?: string | undefined;
  /**
   * Which World may change this table in place: its RmmState.gen. Copies of a World share their
   * tables until one changes them (setRtte() copies a table it does not own, and the path to it).
   */
  gen?: number | undefined;
}

export type GranuleState = 'delegated' | 'rd' | 'rtt' | 'data';

export interface RecState {
  /** The RSI_IPA_STATE_SET request the REC is waiting on (rec->set_ripas). */
  setRipas: {
    base: bigint;
    top: bigint;
    addr: bigint;
    ripas: Ripas;
    changeDestroyed: boolean;
    exited: boolean;
  } | null;
  /** Flags of the next RMI_REC_ENTER. */
  enterFlags: number;
  /** rec->run->enter.gprs[0]. */
  enterGprs0: bigint;
  /**
   * last_run_info.esr of the REC's last exit to the host, with ISV cleared if the host's copy had
   * it clear [@tf-rmm-exit.c:858-868]; null: no exit since the last entry.
   */
  lastExitEsr: bigint | null;
  /** Whether the IPA in last_run_info.hpfar is outside PAR. */
  lastExitUnprotected: boolean;
}

export interface RmmState {
  /** The RMM's realm state (TF-RMM REALM_NEW, REALM_ACTIVE, REALM_SYSTEM_OFF). */
  realmState: 'NEW' | 'ACTIVE' | 'SYSTEM_OFF';
  root: Rtt;
  /** The generation that owns tables this World may change in place (see Rtt.gen). */
  gen: number;
  /** Granule states by PFN (number keys: Map lookups on bigint keys are several times slower). */
  granules: Map<number, GranuleState>;
  recs: Map<number, RecState>;
  /** Assigned leaf IPAs (as numbers: exact, below 2^52) by head PFN: one, or a list when several entries share the page. */
  byPfn: Map<number, number | number[]>;
}

/* ---------------- KVM ---------------- */

export interface KvmRun {
  exitReason: 'KVM_EXIT_MEMORY_FAULT' | 'KVM_EXIT_MMIO' | 'KVM_EXIT_SHUTDOWN' | null;
  memoryFault: { flags: bigint; gpa: bigint; size: bigint } | null;
  mmio: { physAddr: bigint; len: number; isWrite: boolean; data: bigint } | null;
}

export interface VcpuState {
  readonly id: number;
  /** Host PFNs in vcpu->arch.mmu_page_cache. */
  memcache: bigint[];
  /** vcpu->arch.fault (esr, far, hpfar | NS) and the last rec_exit. */
  fault: { esr: bigint; far: bigint; hpfar: bigint };
  lastExit: {
    reason: 'RMI_EXIT_SYNC' | 'RMI_EXIT_RIPAS_CHANGE';
    ripasBase: bigint;
    ripasTop: bigint;
    ripas: number;
    gprs0: bigint;
  } | null;
  /** General purpose registers KVM emulates (only what MMIO touches). */
  regs: Map<number, bigint>;
  run: KvmRun;
  /** An MMIO read whose value the VMM supplied and KVM must return to the guest. */
  mmioReadPending: { srt: number; len: number } | null;
}

/** Disjoint, sorted [start, end) GFN ranges whose attribute is PRIVATE. */
export type RangeList = { start: bigint; end: bigint }[];

/** KVM's enum realm_state [@v14-kvm_rmi.h:15-46]. */
export type KvmRealmState = 'NONE' | 'NEW' | 'ACTIVE' | 'DYING' | 'DEAD';

export interface KvmState {
  realmState: KvmRealmState;
  /** realm->rd: the realm descriptor's PA once created. */
  rd: bigint;
  mmuInvalidateSeq: number;
  /** kvm->mmu_invalidate_in_progress: invalidations begun and not yet ended. */
  mmuInvalidateInProgress: number;
  privateAttr: RangeList;
  /** guest_memfd pages: GFN → PFN (PFNs are small: numbers, which the map holds without boxing). */
  gmem: Map<number, number>;
  vcpus: Map<number, VcpuState>;
  warnedOnce: Set<string>;
  /** kvm->vm_dead: set by kvm_vm_dead(); every vCPU ioctl then fails with -EIO [@linux-kvm_main.c:4415-4416]. */
  vmDead: boolean;
}

/* ---------------- host mm ---------------- */

export type HostPageKind = 'zero' | 'anon' | 'shmem' | 'huge' | 'gmem' | 'kernel';

export interface HostPage {
  readonly kind: HostPageKind;
  /** Host PTEs that map it. */
  mapcount: number;
  /** Sparse contents: 64-bit word index (offset >> 3) → little-endian word. */
  data: Map<number, bigint> | null;
}

export interface HostPte {
  readonly pfn: bigint;
  readonly writable: boolean;
  readonly huge: boolean;
}

export interface HostState {
  pages: Map<number, HostPage>;
  /**
   * The VMM's page table: HVA → PTE, as 1 GiB blocks (HVA >> 30) of entries by page index within
   * the block, so both keys are small integers (a map keyed by a 48-bit HVA boxes every key).
   * Use getPte()/setPte() in vmm/host.ts.
   */
  pte: Map<number, Map<number, HostPte>>;
  zeroPfn: bigint;
  /** Pages the memcache top-up may still allocate (null: unlimited). */
  freePages: number | null;
}

/**
 * What the guest itself knows about its private memory, for invariant 7: the contents of every
 * 64-bit word it stored to at a protected IPA, by page (IPA >> 12) and word within the page, until
 * it asks for that range to be converted (RSI_IPA_STATE_SET).
 */
export interface GuestState {
  data: Map<number, Map<number, bigint>>;
}

export interface VmmState {
  /** MMIO device registers (what the VMM returns for an emulated read). */
  mmio: Map<bigint, bigint>;
}

/* ---------------- tracer ---------------- */

export interface StepAcc {
  exits: ExitSummary[];
  faults: FaultSummary[];
  rmi: RmiSummary[];
  warnings: string[];
  errno: string | undefined;
  value: bigint | undefined;
  outcome: Outcome | undefined;
  dirtyIpas: number[];
  dirtyPfns: number[];
  /** GFN ranges whose memory attributes changed (invariant 6 re-checks their private entries). */
  dirtyAttr: { start: bigint; end: bigint }[];
}

export const newAcc = (): StepAcc => ({
  exits: [],
  faults: [],
  rmi: [],
  warnings: [],
  errno: undefined,
  value: undefined,
  outcome: undefined,
  dirtyIpas: [],
  dirtyPfns: [],
  dirtyAttr: [],
});

export class Tracer {
  depth = 0;
  work = 0;
  acc: StepAcc = newAcc();
  /** Whether events are recorded (callers skip building text for the trace when not). */
  readonly on: boolean;
  constructor(
    readonly events: TraceEvent[] | null,
    readonly budget: number,
  ) {
    this.on = events !== null;
  }

  /** Count one unit of work; throws StepBudgetExceeded past the budget. */
  tick(): void {
    if (++this.work > this.budget) throw new StepBudgetExceeded(this.budget);
  }

  /** Record an event (the depth is filled in). */
  ev(e: DistributiveOmit<TraceEvent, 'depth'>): void {
    if (this.events !== null) this.events.push({ ...e, depth: this.depth });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface World {
  readonly sc: Scenario;
  readonly variant: Variant;
  readonly toggles: Toggles;
  readonly geom: Stage2Geometry;
  readonly t: Tracer;
  readonly prng: Prng;
  readonly rmm: RmmState;
  readonly kvm: KvmState;
  readonly host: HostState;
  readonly vmm: VmmState;
  readonly guest: GuestState;
  /**
   * Where other actors run inside a fault (the scenario's `interleave` blocks, or the explorer's
   * choices): called at each fault window of the running access; null when nothing listens.
   */
  readonly hooks: { window: ((point: WindowPoint) => void) | null };
  /** Guards removed for this run (src/sim/mutations.ts). */
  readonly mutations: ReadonlySet<MutationName>;
}

/**
 * Run `body` as the mirrored C function `fn`: trace entry and return (with the return value as the
 * C shows it) and count the work. `args` may be a thunk where building them formats text: it is
 * evaluated, at entry, only when tracing.
 */
export function call(w: World, fn: string, args: Args | (() => Args), body: () => number): number {
  const t = w.t;
  t.tick();
  if (t.on) t.ev({ type: 'fn_enter', fn, args: typeof args === 'function' ? args() : args });
  t.depth++;
  let ret: number;
  try {
    ret = body();
  } finally {
    t.depth--;
  }
  if (t.on) t.ev({ type: 'fn_return', fn, ret: formatCRet(ret) });
  return ret;
}

/** Like `call` for functions returning something other than an int (bool, pfn, …). */
export function callT<T>(w: World, fn: string, args: Args, body: () => T, fmt: (v: T) => string): T {
  const t = w.t;
  t.tick();
  if (t.on) t.ev({ type: 'fn_enter', fn, args });
  t.depth++;
  let ret: T;
  try {
    ret = body();
  } finally {
    t.depth--;
  }
  if (t.on) t.ev({ type: 'fn_return', fn, ret: fmt(ret) });
  return ret;
}

/** Trace a decision taken in `fn` (`what` may be a thunk, built only when tracing). */
export function decide(w: World, fn: string, what: string | (() => string)): void {
  if (w.t.on) w.t.ev({ type: 'decision', fn, what: typeof what === 'string' ? what : what() });
}

/** Which warning macro the C uses at a site, and what the model knows about why it fired. */
export interface WarnSite {
  /** WARN_ON (default), WARN, WARN_ON_ONCE, VM_WARN_ON_ONCE, WARN_RATELIMIT. */
  readonly macro?: string;
  /** What made the condition true in this run (an RMI return value, a range). */
  readonly note?: string;
}

/** WARN_ON(cond) (or another macro) in `fn`: traced, recorded in the step's warnings; never throws. */
export function WARN_ON(w: World, fn: string, cond: string, site: WarnSite = {}): void {
  if (w.t.on) {
    const ev: { type: 'warn_on'; fn: string; cond: string; macro?: string; note?: string } = {
      type: 'warn_on',
      fn,
      cond,
    };
    if (site.macro !== undefined) ev.macro = site.macro;
    if (site.note !== undefined) ev.note = site.note;
    w.t.ev(ev);
  }
  w.t.acc.warnings.push(fn);
}

/** WARN_ON_ONCE / VM_WARN_ON_ONCE: fires at most once per run and per site. */
export function WARN_ON_ONCE(w: World, fn: string, cond: string, macro = 'WARN_ON_ONCE'): void {
  const key = `${fn}:${cond}`;
  if (w.kvm.warnedOnce.has(key)) return;
  w.kvm.warnedOnce.add(key);
  WARN_ON(w, fn, cond, { macro });
}

/** Stop a step whose C code would loop forever: traced, then KernelLivelock (see sim/errors.ts). */
export function kernelLivelock(w: World, fn: string, why: string): never {
  if (w.t.on) w.t.ev({ type: 'decision', fn, what: `livelock: ${why}; the C loops here without a bound` });
  throw new KernelLivelock(fn, why);
}
