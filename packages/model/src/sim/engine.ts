/**
 * The engine entry point: `runScenario(scenario, opts)` builds a World, creates and activates the
 * realm, runs each step, checks the invariants after it, and returns the per-step summaries, the
 * violations and the full trace. Deterministic: same scenario and seed → byte-identical trace.
 */
import { stage2Geometry } from '../arch/geometry.js';
import type { Scenario, Step, Variant } from '../scenario/types.js';
import { VARIANTS } from '../scenario/types.js';
import { RMI_RTT_INIT_RIPAS, RMI_GRANULE_RANGE_DELEGATE } from '../rmm/rmi.js';
import { setGranule } from '../rmm/rtt.js';
import { find_map_level, realm_create_rtt_levels } from '../kernel/rmi.js';
import { setRangeAttr } from '../kernel/memattr.js';
import { guestAccess, guestSetMemory } from '../guest/guest.js';
import { allocPages } from '../vmm/host.js';
import { vmmDiscard, vmmRead, vmmSetAttributes, vmmWrite, type OpResult } from '../vmm/qemu.js';
import { RMI_STATUS } from '../rmm/constants.js';
import { Prng } from './prng.js';
import { checkInvariants } from './invariants.js';
import type { RunResult, StepSummary, Violation } from './result.js';
import { hex, type TraceEvent } from './trace.js';
import {
  call,
  decide,
  newAcc,
  Tracer,
  type Rtte,
  type StepAcc,
  type VcpuState,
  type World,
} from './world.js';

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
  need(VARIANTS.includes(sc.variant), 'variant', 'v14 or fixed', sc.variant);
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
          if (s.interleave !== undefined) checkSteps(s.interleave.steps, at('.interleave.steps'));
        } else {
          if ((s.ipa & 0xfffn) !== 0n) fail(at('.ipa'), 'a 4 KiB-aligned IPA', s.ipa);
          if (!isBig(s.size)) needBig(s.size, at('.size'));
          if (!(s.size > 0n && (s.size & 0xfffn) === 0n))
            fail(at('.size'), 'a positive multiple of 4 KiB', s.size);
        }
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
  const root = { level: geom.startLevel, base: 0n, pa: 0n, entries: new Array<Rtte>(geom.rootEntries) };
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
      granules: new Map(),
      recs: new Map(),
      byPfn: new Map(),
    },
    kvm: {
      realmState: sc.realm.state,
      mmuInvalidateSeq: 0,
      privateAttr: [],
      gmem: new Map(),
      vcpus: new Map(),
      warnedOnce: new Set(),
    },
    host: { pages: new Map(), pte: new Map(), zeroPfn: 0n, freePages: sc.host.freePages },
    vmm: { mmio: new Map() },
    hooks: { afterMmuSeq: null },
  };
  const half = geom.rootEntries / 2;
  for (let i = 0; i < geom.rootEntries; i++)
    root.entries[i] = i < half ? { s: 'unassigned', ripas: 'empty' } : { s: 'unassigned_ns' };
  return w;
}

/**
 * Realm creation and activation (v14 patches 27–28, brief §3.6, §4.2): the RD and the root RTTs
 * are delegated (rtt_level_start, rtt_num_start = root tables), then kvm_activate_realm() →
 * set_ripas_of_protected_regions() runs RMI_RTT_INIT_RIPAS over `ripasRam`, creating RTTs only
 * down to find_map_level() (so a 1 GiB-aligned slot is RAM at L1), then the realm is ACTIVE.
 */
export function activateRealm(w: World): void {
  w.host.zeroPfn = allocPages(w, 1n, 'zero');
  call(
    w,
    'kvm_create_realm',
    { rtt_level_start: w.geom.startLevel, rtt_num_start: w.geom.rootTables },
    () => {
      const rd = allocPages(w, 1n, 'kernel') << 12n;
      RMI_GRANULE_RANGE_DELEGATE(w, rd, rd + 0x1000n);
      setGranule(w, rd, 'rd');
      const rootPfn = allocPages(w, BigInt(w.geom.rootTables), 'kernel');
      const rootPa = rootPfn << 12n;
      RMI_GRANULE_RANGE_DELEGATE(w, rootPa, rootPa + BigInt(w.geom.rootTables) * 0x1000n);
      for (let i = 0; i < w.geom.rootTables; i++) setGranule(w, rootPa + BigInt(i) * 0x1000n, 'rtt');
      (w.rmm.root as { pa: bigint }).pa = rootPa;
      decide(
        w,
        'kvm_create_realm',
        `RMI_REALM_CREATE: RTT root at L${w.geom.startLevel}, ${w.geom.rootEntries} entries in ${w.geom.rootTables} table(s); IPA width ${w.geom.ipaBits}`,
      );
      return 0;
    },
  );
  call(w, 'kvm_activate_realm', {}, () => {
    call(w, 'set_ripas_of_protected_regions', {}, () => {
      for (const r of w.sc.ripasRam) {
        let addr = r.gpa as bigint;
        const end = r.gpa + r.size;
        const level = find_map_level(w, addr, end);
        if (level > w.geom.startLevel) realm_create_rtt_levels(w, addr, w.geom.startLevel, level, null);
        for (let guard = 0; addr < end && guard < 1_000_000; guard++) {
          const res = RMI_RTT_INIT_RIPAS(w, addr, end);
          if (res.status === RMI_STATUS.RMI_ERROR_RTT && res.index < 3) {
            realm_create_rtt_levels(w, addr, res.index, res.index + 1, null);
            continue;
          }
          if (res.status !== RMI_STATUS.RMI_SUCCESS)
            throw new Error(`RMI_RTT_INIT_RIPAS failed at ${hex(addr)} (${hex(res.ret)})`);
          addr = res.out['top'] ?? end;
        }
      }
      return 0;
    });
    w.rmm.realmState = 'ACTIVE';
    decide(
      w,
      'kvm_activate_realm',
      `RMI_REALM_ACTIVATE: RMM realm ACTIVE; KVM realm->state ${w.kvm.realmState}`,
    );
    return 0;
  });
  for (const r of w.sc.private)
    w.kvm.privateAttr = setRangeAttr(w.kvm.privateAttr, r.gpa >> 12n, (r.gpa + r.size) >> 12n, true);
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
    w.rmm.recs.set(id, { setRipas: null, enterFlags: 0, enterGprs0: 0n });
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

/** Run one step to its outcome. */
export function runStep(w: World, s: Step): OpResult {
  if (s.actor === 'guest') {
    const vcpu = getVcpu(w, s.vcpu);
    switch (s.op) {
      case 'read':
      case 'write': {
        const inter = s.interleave;
        if (inter !== undefined) {
          w.hooks.afterMmuSeq = () => {
            runNested(w, inter.steps);
          };
        }
        const r = guestAccess(
          w,
          vcpu,
          s.op === 'write',
          s.ipa,
          s.size,
          s.op === 'write' ? s.value : 0n,
          s.isv,
        );
        if (w.hooks.afterMmuSeq !== null) {
          w.hooks.afterMmuSeq = null;
          decide(w, 'interleave', 'no fault window opened: the interleaved steps run after the access');
          if (inter !== undefined) runNested(w, inter.steps);
        }
        return r;
      }
      case 'set_memory_decrypted':
        return guestSetMemory(w, vcpu, true, s.ipa, s.size);
      case 'set_memory_encrypted':
        return guestSetMemory(w, vcpu, false, s.ipa, s.size);
      default:
        return s satisfies never;
    }
  }
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
 * JSON output shows (outcome, value, exits, errno, faults, rmi, warnings).
 */
function stepSummary(r: OpResult, acc: StepAcc): StepSummary {
  const { outcome, value, errno } = r;
  // The summaries live as long as the result: keep exact-size copies, not the step's growable lists.
  const exits = settle(acc.exits);
  const faults = settle(acc.faults);
  const rmi = settle(acc.rmi);
  const warnings = settle(acc.warnings);
  if (errno === undefined) {
    return value === undefined
      ? { outcome, exits, faults, rmi, warnings }
      : { outcome, value, exits, faults, rmi, warnings };
  }
  return value === undefined
    ? { outcome, exits, errno, faults, rmi, warnings }
    : { outcome, value, exits, errno, faults, rmi, warnings };
}

/**
 * Run a scenario under a variant (default: the scenario's own). Never throws for behaviour the
 * brief describes; throws RangeError/TypeError for bad model-API input, ModelInvariantError for an
 * impossible state and StepBudgetExceeded when the work budget runs out.
 */
export function runScenario(scenario: Scenario, opts: RunOptions = {}): RunResult {
  validateScenario(scenario);
  const variant = opts.variant ?? scenario.variant;
  if (!VARIANTS.includes(variant)) throw new RangeError(`variant: expected v14 or fixed, got ${variant}`);
  const budget = opts.budget ?? DEFAULT_BUDGET;
  if (!Number.isSafeInteger(budget) || budget <= 0)
    throw new RangeError(`budget: expected a positive integer, got ${String(budget)}`);
  const w = createWorld(scenario, variant, opts.trace ?? true, budget);
  if (w.t.on) w.t.ev({ type: 'step', index: -1, what: `setup: create and activate the realm (${variant})` });
  activateRealm(w);
  w.t.acc = newAcc();
  const steps: StepSummary[] = [];
  const violations: Violation[] = [];
  scenario.steps.forEach((s, i) => {
    w.t.acc = newAcc();
    if (w.t.on) w.t.ev({ type: 'step', index: i, what: describeStep(s) });
    const r = runStep(w, s);
    const acc = w.t.acc;
    if (w.t.on) w.t.ev({ type: 'outcome', index: i, outcome: r.outcome });
    for (const v of checkInvariants(w, i)) {
      violations.push(v);
      if (w.t.on) w.t.ev({ type: 'violation', invariant: v.invariant, message: v.message });
    }
    steps.push(stepSummary(r, acc));
  });
  return { variant, steps, violations, trace: w.t.events ?? [] };
}
