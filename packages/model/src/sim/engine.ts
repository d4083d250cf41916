/**
 * The engine entry point: `runScenario(scenario, opts)` builds a World, creates and activates the
 * realm, runs each step, checks the invariants after it, and returns the per-step summaries, the
 * violations and the full trace. Deterministic: same scenario and seed → byte-identical trace.
 */
import { stage2Geometry } from '../arch/geometry.js';
import type { Scenario, Step, Variant, WindowPoint } from '../scenario/types.js';
import { toVariant, VARIANTS } from '../scenario/types.js';
import { kvm_activate_realm } from '../kernel/realm.js';
import { kvm_vm_set_mem_attributes } from '../kernel/memattr.js';
import { guestAccess, guestSetMemory } from '../guest/guest.js';
import { allocPages } from '../vmm/host.js';
import { vmmDiscard, vmmRead, vmmSetAttributes, vmmWrite, type OpResult } from '../vmm/qemu.js';
import { hostMigrate } from '../vmm/host.js';
import { KernelLivelock } from './errors.js';
import { Prng } from './prng.js';
import { checkInvariants } from './invariants.js';
import type { RunResult, StepSummary, Violation } from './result.js';
import { hex, type TraceEvent } from './trace.js';
import { decide, newAcc, Tracer, type Rtte, type StepAcc, type VcpuState, type World } from './world.js';
import { cloneWorld } from './snapshot.js';

export interface RunOptions {
  /** Overrides `scenario.variant`. */
  readonly variant?: Variant;
  /** Record the full trace (default true). The summaries and violations are produced either way. */
  readonly trace?: boolean;
  /** Units of work (function calls, RMI commands, REC entries) before StepBudgetExceeded. */
  readonly budget?: number;
}

export const DEFAULT_BUDGET = 20_000_000;

const isBig = (v: unknown): v is bigint => typeof v === 'bigint';

function fail(what: string, expected: string, got: unknown): never {
  const shown = typeof got === 'bigint' ? hex(got) : String(got);
  throw new RangeError(`${what}: expected ${expected}, got ${shown}`);
}

function need(cond: boolean, what: string, expected: string, got: unknown): void {
  if (!cond) fail(what, expected, got);
}

const ACCESS_SIZES: readonly number[] = [1, 2, 4, 8];
const IPA_LIMIT = 1n << 52n;

function needBig(v: unknown, what: string): asserts v is bigint {
  if (!isBig(v)) throw new TypeError(`${what}: expected a bigint, got ${typeof v}`);
}

/** Check the model-API input; a parsed scenario always passes. Throws RangeError/TypeError. */
export function validateScenario(sc: Scenario): void {
  const g = stage2Geometry(sc.realm.ipaBits);
  need(Number.isSafeInteger(sc.seed), 'seed', 'a safe integer', sc.seed);
  need(VARIANTS.includes(sc.variant), 'variant', `one of ${VARIANTS.join(', ')}`, sc.variant);
  sc.memslots.forEach((m, i) => {
    needBig(m.gpa, `memslots[${i}].gpa`);
    needBig(m.size, `memslots[${i}].size`);
    needBig(m.hva, `memslots[${i}].hva`);
    need((m.gpa & 0xfffn) === 0n, `memslots[${i}].gpa`, 'a 4 KiB-aligned GPA', m.gpa);
    need(
      m.size > 0n && (m.size & 0xfffn) === 0n,
      `memslots[${i}].size`,
      'a positive multiple of 4 KiB',
      m.size,
    );
    need((m.hva & 0xfffn) === 0n, `memslots[${i}].hva`, 'a 4 KiB-aligned HVA', m.hva);
    need(
      m.gpa + m.size <= g.sharedBit,
      `memslots[${i}]`,
      `a range below the shared bit ${hex(g.sharedBit)}`,
      m.gpa + m.size,
    );
  });
  const ranges = (list: Scenario['private'], name: string): void => {
    list.forEach((r, i) => {
      needBig(r.gpa, `${name}[${i}].gpa`);
      needBig(r.size, `${name}[${i}].size`);
      need((r.gpa & 0xfffn) === 0n, `${name}[${i}].gpa`, 'a 4 KiB-aligned GPA', r.gpa);
      need(
        r.size > 0n && (r.size & 0xfffn) === 0n,
        `${name}[${i}].size`,
        'a positive multiple of 4 KiB',
        r.size,
      );
      need(r.gpa + r.size <= g.sharedBit, `${name}[${i}]`, 'a range in the protected half', r.gpa + r.size);
    });
  };
  ranges(sc.private, 'private');
  ranges(sc.ripasRam, 'ripasRam');
  need(
    sc.host.freePages === null || (Number.isSafeInteger(sc.host.freePages) && sc.host.freePages >= 0),
    'host.freePages',
    'null or a non-negative integer',
    sc.host.freePages,
  );
  // Steps are checked once each in a possibly long scenario: the field names are formatted only
  // for the message of a check that fails.
  const checkSteps = (steps: readonly Step[], path: string): void => {
    steps.forEach((s, i) => {
      const at = (field: string): string => `${path}[${i}]${field}`;
      if (s.actor === 'guest') {
        if (!isBig(s.ipa)) needBig(s.ipa, at('.ipa'));
        if (!(s.ipa >= 0n && s.ipa < IPA_LIMIT)) fail(at('.ipa'), 'an IPA below 2^52', s.ipa);
        if (!(Number.isSafeInteger(s.vcpu) && s.vcpu >= 0 && s.vcpu < 64))
          fail(at('.vcpu'), 'an integer 0…63', s.vcpu);
        if (s.op === 'read' || s.op === 'write') {
          if (!ACCESS_SIZES.includes(s.size)) fail(at('.size'), '1, 2, 4 or 8', s.size);
          if (s.ipa % BigInt(s.size) !== 0n)
            fail(at('.ipa'), `an address aligned to the access size ${s.size}`, s.ipa);
          if (s.op === 'write' && !isBig(s.value)) needBig(s.value, at('.value'));
          if (s.interleave !== undefined)
            s.interleave.forEach((b, j) => {
              checkSteps(b.steps, at(`.interleave[${j}].steps`));
            });
        } else {
          if ((s.ipa & 0xfffn) !== 0n) fail(at('.ipa'), 'a 4 KiB-aligned IPA', s.ipa);
          if (!isBig(s.size)) needBig(s.size, at('.size'));
          if (!(s.size > 0n && (s.size & 0xfffn) === 0n))
            fail(at('.size'), 'a positive multiple of 4 KiB', s.size);
        }
      } else if (s.actor === 'host') {
        if (!isBig(s.gpa)) needBig(s.gpa, at('.gpa'));
        if ((s.gpa & 0xfffn) !== 0n) fail(at('.gpa'), 'a 4 KiB-aligned GPA', s.gpa);
      } else {
        if (!isBig(s.gpa)) needBig(s.gpa, at('.gpa'));
        if (s.op === 'read' || s.op === 'write') {
          if (!ACCESS_SIZES.includes(s.size)) fail(at('.size'), '1, 2, 4 or 8', s.size);
          if (s.gpa % BigInt(s.size) !== 0n)
            fail(at('.gpa'), `an address aligned to the access size ${s.size}`, s.gpa);
        } else {
          if ((s.gpa & 0xfffn) !== 0n) fail(at('.gpa'), 'a 4 KiB-aligned GPA', s.gpa);
          if (!(s.size > 0n && (s.size & 0xfffn) === 0n))
            fail(at('.size'), 'a positive multiple of 4 KiB', s.size);
          if (s.gpa + s.size > g.sharedBit) fail(at(''), 'a range in the protected half', s.gpa + s.size);
        }
      }
    });
  };
  checkSteps(sc.steps, 'steps');
}

/** A fresh World for `sc` (not yet activated). */
export function createWorld(sc: Scenario, variant: Variant, trace: boolean, budget: number): World {
  const geom = stage2Geometry(sc.realm.ipaBits);
  const events: TraceEvent[] | null = trace ? [] : null;
  // RMI_REALM_CREATE builds the real root at setup; until then there is none.
  const root = { level: geom.startLevel, base: 0n, pa: 0n, entries: [] as Rtte[] };
  const w: World = {
    sc,
    variant,
    toggles: sc.toggles,
    geom,
    t: new Tracer(events, budget),
    prng: new Prng(sc.seed),
    rmm: {
      realmState: 'NEW',
      root,
      gen: 0,
      granules: new Map(),
      recs: new Map(),
      byPfn: new Map(),
    },
    kvm: {
      realmState: 'NONE',
      rd: 0n,
      mmuInvalidateSeq: 0,
      mmuInvalidateInProgress: 0,
      privateAttr: [],
      gmem: new Map(),
      vcpus: new Map(),
      warnedOnce: new Set(),
      vmDead: false,
    },
    host: { pages: new Map(), pte: new Map(), zeroPfn: 0n, freePages: sc.host.freePages },
    vmm: { mmio: new Map() },
    guest: { data: new Map() },
    hooks: { window: null },
    mutations: new Set(sc.mutations),
  };
  return w;
}

/**
 * The scenario's setup, in the order a VMM and KVM do it: the VMM creates the memslots — and QEMU
 * sets every guest_memfd memslot PRIVATE as it does so (vmm.gmemPrivateAtCreation,
 * [@qemu-kvm-all.c:1612-1619]), plus the scenario's `private` ranges — then the first KVM_RUN
 * creates and activates the realm (kvm_activate_realm(), src/kernel/realm.ts). With realm.state
 * SYSTEM_OFF a vCPU has since called PSCI SYSTEM_OFF, which the RMM records in its realm state.
 */
export function activateRealm(w: World): void {
  w.host.zeroPfn = allocPages(w, 1n, 'zero');
  if (w.sc.vmm.gmemPrivateAtCreation)
    for (const m of w.sc.memslots) if (m.guestMemfd) kvm_vm_set_mem_attributes(w, m.gpa, m.size, true);
  for (const r of w.sc.private) kvm_vm_set_mem_attributes(w, r.gpa, r.size, true);
  const ret = kvm_activate_realm(w);
  if (ret !== 0 && w.sc.realm.state !== 'DEAD')
    throw new Error(`the realm could not be activated: kvm_activate_realm() returned ${ret}`);
  if (w.sc.realm.state === 'SYSTEM_OFF') {
    w.rmm.realmState = 'SYSTEM_OFF';
    decide(
      w,
      'setup',
      "a vCPU called PSCI SYSTEM_OFF: the RMM's realm is SYSTEM_OFF, KVM's state stays ACTIVE",
    );
  }
}

function getVcpu(w: World, id: number): VcpuState {
  let v = w.kvm.vcpus.get(id);
  if (v === undefined) {
    v = {
      id,
      memcache: [],
      fault: { esr: 0n, far: 0n, hpfar: 0n },
      lastExit: null,
      regs: new Map(),
      run: { exitReason: null, memoryFault: null, mmio: null },
      mmioReadPending: null,
    };
    w.kvm.vcpus.set(id, v);
    w.rmm.recs.set(id, {
      setRipas: null,
      enterFlags: 0,
      enterGprs0: 0n,
      lastExitEsr: null,
      lastExitUnprotected: false,
    });
  }
  return v;
}

/** A one-line description of a step, for the trace. */
export function describeStep(s: Step): string {
  if (s.actor === 'guest') {
    switch (s.op) {
      case 'read':
        return `guest vCPU${s.vcpu}: read ${s.size} bytes at IPA ${hex(s.ipa)}${s.isv ? '' : ' (ISV=0)'}`;
      case 'write':
        return `guest vCPU${s.vcpu}: write ${hex(s.value)} (${s.size} bytes) at IPA ${hex(s.ipa)}${s.isv ? '' : ' (ISV=0)'}`;
      case 'set_memory_decrypted':
      case 'set_memory_encrypted':
        return `guest vCPU${s.vcpu}: ${s.op}(${hex(s.ipa)}, ${hex(s.size)})`;
      default:
        return s satisfies never;
    }
  }
  if (s.actor === 'host') return `host: migrate the page behind GPA ${hex(s.gpa)}`;
  switch (s.op) {
    case 'read':
      return `VMM: read ${s.size} bytes at GPA ${hex(s.gpa)}`;
    case 'write':
      return `VMM: write ${hex(s.value)} at GPA ${hex(s.gpa)}`;
    case 'set_attributes':
      return `VMM: KVM_SET_MEMORY_ATTRIBUTES(${hex(s.gpa)}, ${hex(s.size)}, ${s.private ? 'PRIVATE' : '0'})`;
    case 'discard':
      return `VMM: discard ${hex(s.gpa)}+${hex(s.size)}`;
    default:
      return s satisfies never;
  }
}

/** What the trace says when a fault window opens for a scenario's `interleave` block. */
export const WINDOW_DECISION: Readonly<Record<WindowPoint, string>> = {
  before_mmu_seq: 'another actor runs before the mmu_seq sample',
  after_mmu_seq: 'another actor runs between the mmu_seq sample and kvm_fault_lock()',
  after_page_lookup: 'another actor runs between the page lookup and kvm_fault_lock()',
};

/**
 * Who decides what runs in a fault window. The default runs the step's own `interleave` blocks;
 * the explorer (src/explore) installs its own. `window(w, step, point)` returns the steps to run
 * in the window (run like `interleave` steps), or null for none.
 */
export interface WindowPolicy {
  window(w: World, step: Step, point: WindowPoint): readonly Step[] | null;
  /** Called when the steps `window()` returned for this window have run. */
  after?(w: World, step: Step, point: WindowPoint): void;
}

/** The default policy: each `interleave` block runs at the first time its point is reached. */
const SCENARIO_WINDOWS: WindowPolicy = {
  window(_w, s, point) {
    if (s.actor !== 'guest' || (s.op !== 'read' && s.op !== 'write') || s.interleave === undefined)
      return null;
    const block = s.interleave.find((b) => b.at === point);
    return block === undefined ? null : block.steps;
  },
};

let policy: WindowPolicy = SCENARIO_WINDOWS;

/** Run `body` with `p` deciding the fault windows (the explorer's hook); restores the default. */
export function withWindowPolicy<T>(p: WindowPolicy, body: () => T): T {
  const prev = policy;
  policy = p;
  try {
    return body();
  } finally {
    policy = prev;
  }
}

/** Run one step to its outcome. */
export function runStep(w: World, s: Step): OpResult {
  if (s.actor === 'guest') {
    const vcpu = getVcpu(w, s.vcpu);
    switch (s.op) {
      case 'read':
      case 'write': {
        const opened = new Set<WindowPoint>();
        const prev = w.hooks.window;
        w.hooks.window = (point) => {
          // Each point opens once per access: at its first occurrence.
          if (opened.has(point)) return;
          opened.add(point);
          const steps = policy.window(w, s, point);
          if (steps === null || steps.length === 0) return;
          decide(w, 'interleave', WINDOW_DECISION[point]);
          runNested(w, steps);
          policy.after?.(w, s, point);
        };
        let r: OpResult;
        try {
          r = guestAccess(w, vcpu, s.op === 'write', s.ipa, s.size, s.op === 'write' ? s.value : 0n, s.isv);
        } finally {
          w.hooks.window = prev;
        }
        // A block whose window never opened runs after the access (scenario policy only).
        if (s.interleave !== undefined) {
          const late = s.interleave.filter((b) => !opened.has(b.at));
          if (late.length > 0 && policy === SCENARIO_WINDOWS) {
            decide(w, 'interleave', 'no fault window opened: the interleaved steps run after the access');
            for (const b of late) runNested(w, b.steps);
          }
        }
        return r;
      }
      case 'set_memory_decrypted':
        return withoutWindows(w, () => guestSetMemory(w, vcpu, true, s.ipa, s.size));
      case 'set_memory_encrypted':
        return withoutWindows(w, () => guestSetMemory(w, vcpu, false, s.ipa, s.size));
      default:
        return s satisfies never;
    }
  }
  if (s.actor === 'host') return hostMigrate(w, s.gpa);
  switch (s.op) {
    case 'read':
      return vmmRead(w, s.gpa, s.size);
    case 'write':
      return vmmWrite(w, s.gpa, s.size, s.value);
    case 'set_attributes':
      return vmmSetAttributes(w, s.gpa, s.size, s.private);
    case 'discard':
      return vmmDiscard(w, s.gpa, s.size);
    default:
      return s satisfies never;
  }
}

/** Run `body` with no fault windows open (a step without windows of its own, nested in one that has). */
function withoutWindows<T>(w: World, body: () => T): T {
  const prev = w.hooks.window;
  w.hooks.window = null;
  try {
    return body();
  } finally {
    w.hooks.window = prev;
  }
}

/** runStep(), with a livelock of the modelled code turned into the step's outcome. */
export function runStepOrLivelock(w: World, s: Step): OpResult {
  try {
    return runStep(w, s);
  } catch (e) {
    if (e instanceof KernelLivelock) return { outcome: 'kernel_livelock' };
    throw e;
  }
}

function runNested(w: World, steps: readonly Step[]): void {
  for (const s of steps) {
    if (w.t.on) w.t.ev({ type: 'step', index: -2, what: `interleaved: ${describeStep(s)}` });
    w.t.depth++;
    try {
      const r = runStep(w, s);
      if (w.t.on) w.t.ev({ type: 'outcome', index: -2, outcome: r.outcome });
    } finally {
      w.t.depth--;
    }
  }
}

const NOTHING: readonly never[] = Object.freeze([]);

/** An exact-size copy of a list a step built up (the shared empty list when it is empty). */
const settle = <T>(list: readonly T[]): readonly T[] => (list.length === 0 ? NOTHING : list.slice());

/**
 * The summary of one step: `value` and `errno` only where the step has them, in the key order the
 * JSON output shows (outcome, value, exits, errno, rsi, rsiResponse, faults, rmi, warnings).
 */
function stepSummary(r: OpResult, acc: StepAcc): StepSummary {
  const { outcome, value, errno, rsi, rsiResponse } = r;
  // The summaries live as long as the result: keep exact-size copies, not the step's growable lists.
  // Keys are added in the order the JSON output shows them.
  const sum: { -readonly [K in keyof StepSummary]?: StepSummary[K] } = { outcome };
  if (value !== undefined) sum.value = value;
  sum.exits = settle(acc.exits);
  if (errno !== undefined) sum.errno = errno;
  if (rsi !== undefined) sum.rsi = rsi;
  if (rsiResponse !== undefined) sum.rsiResponse = rsiResponse;
  sum.faults = settle(acc.faults);
  sum.rmi = settle(acc.rmi);
  sum.warnings = settle(acc.warnings);
  return sum as StepSummary;
}

/** The variant and budget a run asked for, checked. */
function runSettings(scenario: Scenario, opts: RunOptions): { variant: Variant; budget: number } {
  const asked = opts.variant ?? scenario.variant;
  const variant = toVariant(asked);
  if (variant === undefined)
    throw new RangeError(`variant: expected one of ${VARIANTS.join(', ')}, got ${JSON.stringify(asked)}`);
  const budget = opts.budget ?? DEFAULT_BUDGET;
  if (!Number.isSafeInteger(budget) || budget <= 0)
    throw new RangeError(`budget: expected a positive integer, got ${String(budget)}`);
  return { variant, budget };
}

/** Run step `s` as step `index` on `w` (which it changes): trace, outcome, invariants, summary. */
function applyStep(w: World, s: Step, index: number): { summary: StepSummary; violations: Violation[] } {
  w.t.acc = newAcc();
  if (w.t.on) w.t.ev({ type: 'step', index, what: describeStep(s) });
  const r = runStepOrLivelock(w, s);
  const acc = w.t.acc;
  if (w.t.on) w.t.ev({ type: 'outcome', index, outcome: r.outcome });
  const violations: Violation[] = [];
  for (const v of checkInvariants(w, index)) {
    violations.push(v);
    if (w.t.on) w.t.ev({ type: 'violation', invariant: v.invariant, message: v.message });
  }
  return { summary: stepSummary(r, acc), violations };
}

/**
 * The World a scenario's steps start from: created, with the realm activated (the setup of
 * runScenario()). Treat it as a value: step() never changes the World it is given.
 */
export function initialWorld(scenario: Scenario, opts: RunOptions = {}): World {
  validateScenario(scenario);
  const { variant, budget } = runSettings(scenario, opts);
  const w = createWorld(scenario, variant, opts.trace ?? false, budget);
  activateRealm(w);
  return w;
}

/** What step() returns: the new World, the step's summary, its violations and its trace. */
export interface StepOutcome {
  readonly world: World;
  readonly summary: StepSummary;
  readonly violations: readonly Violation[];
  readonly trace: readonly TraceEvent[];
}

/**
 * The pure stepping API: run `s` (as step `index`) on a copy of `world` and return the copy with
 * what happened; `world` itself is unchanged, so a caller can try several steps from one World
 * (the explorer does). The copy shares RTT tables with `world` until it changes them
 * (src/sim/snapshot.ts). Same World and step, same result.
 */
export function step(
  world: World,
  s: Step,
  index = 0,
  opts: { readonly trace?: boolean; readonly budget?: number } = {},
): StepOutcome {
  const events: TraceEvent[] | null = opts.trace === true ? [] : null;
  const w = cloneWorld(world, new Tracer(events, opts.budget ?? DEFAULT_BUDGET));
  const { summary, violations } = applyStep(w, s, index);
  return { world: w, summary, violations, trace: events ?? [] };
}

/**
 * Run a scenario under a variant (default: the scenario's own). Never throws for behaviour of the
 * code it models; throws RangeError/TypeError for bad model-API input, ModelInvariantError for an
 * impossible state and StepBudgetExceeded when the work budget runs out. The same as folding
 * step() over the steps from initialWorld(), on one World it owns (no copies).
 */
export function runScenario(scenario: Scenario, opts: RunOptions = {}): RunResult {
  validateScenario(scenario);
  const { variant, budget } = runSettings(scenario, opts);
  const w = createWorld(scenario, variant, opts.trace ?? true, budget);
  if (w.t.on) w.t.ev({ type: 'step', index: -1, what: `setup: create and activate the realm (${variant})` });
  activateRealm(w);
  w.t.acc = newAcc();
  const steps: StepSummary[] = [];
  const violations: Violation[] = [];
  scenario.steps.forEach((s, i) => {
    const r = applyStep(w, s, i);
    violations.push(...r.violations);
    steps.push(r.summary);
  });
  return { variant, steps, violations, trace: w.t.events ?? [] };
}
