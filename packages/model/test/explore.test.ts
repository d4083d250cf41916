import { describe, expect, it } from 'vitest';
import {
  BUILTIN_SCENARIO_NAMES,
  ExploreLimitExceeded,
  MUTATIONS,
  explore,
  getBuiltinScenario,
  initialWorld,
  parseScenario,
  step,
  runScenario,
  scenarioActors,
  type Json,
} from '../src/index.js';
import { activateRealm, createWorld, runStep } from '../src/sim/engine.js';
import { checkInvariants } from '../src/sim/invariants.js';
import { cloneWorld, quietTracer, setTableSharing, stateKey } from '../src/sim/snapshot.js';
import { newAcc } from '../src/sim/world.js';
import { rttWalk, setRtte } from '../src/rmm/rtt.js';
import type { Step } from '../src/scenario/types.js';

/** Step `i` of a scenario (the test fails if there is none). */
function stepOf(steps: readonly Step[], i: number): Step {
  const s = steps[i];
  if (s === undefined) throw new Error(`no step ${i}`);
  return s;
}

const CONCURRENT = BUILTIN_SCENARIO_NAMES.filter((n) => scenarioActors(getBuiltinScenario(n)).length >= 2);
const VARIANTS = ['v14', 'post-v14-review'] as const;

describe('the explorer finds a replayable counterexample for every mutation', () => {
  for (const m of MUTATIONS) {
    it(`${m.name} on ${m.example.scenario} (${m.example.variant})`, () => {
      const sc = getBuiltinScenario(m.example.scenario);
      const opts = {
        variant: m.example.variant,
        ...(m.example.bound === undefined ? {} : { bound: m.example.bound }),
      };
      const plain = explore(sc, opts);
      expect(plain.counterexamples).toEqual([]);
      const r = explore(sc, { ...opts, mutations: [m.name] });
      expect(r.mutations).toEqual([m.name]);
      expect(r.counterexamples.length).toBeGreaterThan(0);
      for (const c of r.counterexamples) {
        expect(m.breaks).toContain(c.invariant);
        // The counterexample is an ordinary scenario file: parsed and run, it breaks the same
        // invariant with the same message after its last step.
        const replay = runScenario(parseScenario(c.scenario));
        expect(replay.violations).toContainEqual({
          invariant: c.invariant,
          step: c.actions - 1,
          message: c.message,
        });
        expect((c.scenario as { mutations?: Json }).mutations).toEqual([m.name]);
        expect(c.path).toHaveLength(c.actions);
        // Without the mutation the same interleaving keeps the invariant.
        const unmutated = Object.fromEntries(
          Object.entries(c.scenario as Record<string, Json>).filter(([k]) => k !== 'mutations'),
        );
        expect(
          runScenario(parseScenario(unmutated)).violations.filter((v) => v.invariant === c.invariant),
        ).toEqual([]);
      }
    });
  }
});

/**
 * What the unmutated code breaks on the concurrent built-ins, as found: the seed's bug where its
 * scenario turns on forceSharedWrite (Gavin Shan's local change, TOGGLE_INFO), and invariant 6 on
 * invalidation-race, because gmem_abort() checks the attributes before it samples mmu_seq
 * (the finding TOGGLE_INFO gmemAttributeCheckAfterMmuSeq documents).
 */
const FOUND: Readonly<Record<string, readonly number[]>> = {
  'shared-force-write-zero-page': [3],
  'invalidation-race': [6],
};

describe('the unmutated code', () => {
  for (const name of CONCURRENT)
    for (const variant of VARIANTS)
      it(`${name} (${variant}) breaks ${JSON.stringify(FOUND[name] ?? [])}`, () => {
        const sc = getBuiltinScenario(name);
        const r = explore(sc, { variant });
        const broken = r.invariants.filter((i) => !i.holds).map((i) => i.invariant);
        expect(broken).toEqual(FOUND[name] ?? []);
        expect(r.states).toBeGreaterThan(1);
      });

  it('invariant 6 on invalidation-race needs the window before the mmu_seq sample, and the x86 order closes it', () => {
    const sc = getBuiltinScenario('invalidation-race');
    for (const variant of VARIANTS) {
      const r = explore(sc, { variant });
      const c = r.counterexamples.find((x) => x.invariant === 6);
      expect(c?.path).toEqual([
        '[0] guest vCPU0: write 0x1234 (8 bytes) at IPA 0x46880000 (ISV=0) { before_mmu_seq: VMM: KVM_SET_MEMORY_ATTRIBUTES(0x46880000, 0x1000, 0) }',
      ]);
      const fixed = explore(
        { ...sc, toggles: { ...sc.toggles, gmemAttributeCheckAfterMmuSeq: true } },
        { variant },
      );
      expect(fixed.counterexamples).toEqual([]);
    }
  });

  it('with gmemAttributeCheckAfterMmuSeq, nothing breaks on any concurrent built-in but the seed’s bug', () => {
    for (const name of CONCURRENT) {
      const sc = getBuiltinScenario(name);
      const r = explore(
        { ...sc, toggles: { ...sc.toggles, gmemAttributeCheckAfterMmuSeq: true } },
        { variant: 'post-v14-review' },
      );
      expect(r.invariants.filter((i) => !i.holds).map((i) => i.invariant)).toEqual(
        name === 'shared-force-write-zero-page' ? [3] : [],
      );
    }
  });
});

describe('explore', () => {
  const sc = getBuiltinScenario('two-vcpus-same-page');

  it('is deterministic: the same scenario gives the same result, byte for byte', () => {
    const a = JSON.stringify(explore(sc, { mutations: ['skip-mmu-invalidate-retry'] }), (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString(16) : v,
    );
    const b = JSON.stringify(explore(sc, { mutations: ['skip-mmu-invalidate-retry'] }), (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString(16) : v,
    );
    expect(a).toBe(b);
  });

  it('splits the steps by actor, nested ones included, in file order', () => {
    expect(scenarioActors(sc).map((a) => [a.id, a.steps.length])).toEqual([
      ['vcpu1', 2],
      ['vcpu0', 2],
    ]);
    for (const a of scenarioActors(sc))
      for (const s of a.steps) expect(Object.keys(s)).not.toContain('interleave');
  });

  it('counts the naive schedules: with bound 0, the interleavings of the actors’ step sequences', () => {
    // Two actors of two steps each: C(4, 2) = 6 orders, each of 4 actions.
    const r = explore(sc, { bound: 0 });
    expect(r.naive.schedules).toBe(6);
    expect(r.naive.actions).toBe(24);
    expect(r.actions).toBeLessThan(r.naive.actions);
    expect(r.reduction).toBeCloseTo(r.naive.actions / r.actions, 10);
  });

  it('a larger bound explores more, never less', () => {
    const s0 = explore(sc, { bound: 0 }).states;
    const s1 = explore(sc, { bound: 1 }).states;
    const s2 = explore(sc, { bound: 2 }).states;
    expect(s1).toBeGreaterThan(s0);
    expect(s2).toBeGreaterThanOrEqual(s1);
  });

  it('with bound 0 no step runs inside a window, so the window mutations find nothing', () => {
    const r = explore(getBuiltinScenario('shared-fault-vmm-written'), {
      variant: 'post-v14-review',
      mutations: ['mmu-seq-after-lookup'],
      bound: 0,
    });
    expect(r.counterexamples).toEqual([]);
    expect(r.steps).toBe(r.actions);
  });

  it('stops with ExploreLimitExceeded past maxStates', () => {
    expect(() => explore(sc, { maxStates: 3 })).toThrow(ExploreLimitExceeded);
  });

  it('refuses bad options with a message naming them', () => {
    expect(() => explore(sc, { bound: 99 })).toThrow(/^bound: expected an integer 0…8, got 99$/);
    expect(() => explore(sc, { mutations: ['nope'] })).toThrow(/^mutation: expected one of .*, got "nope"$/);
    expect(() => explore(sc, { variant: 'v13' as never })).toThrow(/^variant: expected/);
    expect(() => explore(sc, { maxStates: 0 })).toThrow(/^maxStates: expected a positive integer/);
  });

  it('stops when asked to (shouldStop), through the progress callback', () => {
    let calls = 0;
    expect(() =>
      explore(sc, {
        progressEvery: 1,
        onProgress: () => {
          calls++;
        },
        shouldStop: () => calls >= 3,
      }),
    ).toThrow('the exploration was cancelled');
    expect(calls).toBe(3);
  });
});

describe('world copies and state keys', () => {
  const sc = getBuiltinScenario('explicit-private-to-shared');
  const fresh = () => {
    const w = createWorld(sc, 'v14', false, 1e7);
    activateRealm(w);
    return w;
  };

  it('a copy has the same key, and running a step on it leaves the original alone', () => {
    const w = fresh();
    const before = stateKey(w);
    const c = cloneWorld(w, quietTracer(1e7));
    expect(stateKey(c)).toBe(before);
    c.t.acc = newAcc();
    runStep(c, stepOf(sc.steps, 0));
    expect(stateKey(c)).not.toBe(before);
    expect(stateKey(w)).toBe(before);
  });

  it('two runs of the same steps give equal keys; a different value gives a different key', () => {
    const a = fresh();
    const b = fresh();
    runStep(a, stepOf(sc.steps, 0));
    runStep(b, stepOf(sc.steps, 0));
    expect(stateKey(a)).toBe(stateKey(b));
    const c = fresh();
    const s0 = stepOf(sc.steps, 0);
    runStep(c, { ...s0, value: 0x9999n } as typeof s0);
    expect(stateKey(c)).not.toBe(stateKey(a));
  });
});

describe('invariant 7: private data lost', () => {
  it('fires when a written private page is left unassigned with RIPAS RAM, not when it is DESTROYED', () => {
    const sc = getBuiltinScenario('private-first-touch');
    const w = createWorld(sc, 'v14', false, 1e7);
    activateRealm(w);
    runStep(w, stepOf(sc.steps, 0));
    const wr = rttWalk(w, 0x4688_0000n);
    expect(wr.e.s).toBe('assigned');
    w.t.acc = newAcc();
    setRtte(w, wr.rtt, wr.idx, { s: 'unassigned', ripas: 'destroyed' }, false);
    expect(checkInvariants(w, 0).filter((v) => v.invariant === 7)).toEqual([]);
    w.t.acc = newAcc();
    setRtte(w, wr.rtt, wr.idx, { s: 'unassigned', ripas: 'ram' }, false);
    expect(checkInvariants(w, 1).filter((v) => v.invariant === 7)).toEqual([
      {
        invariant: 7,
        step: 1,
        message:
          "the guest's data at IPA 0x46880000 is gone, but the entry is unassigned with RIPAS RAM: the next access maps a fresh page without an SEA",
      },
    ]);
  });
});

describe('host migrate steps', () => {
  const raw = {
    name: 'migrate',
    variant: 'post-v14-review',
    seed: 1,
    memslots: [{ gpa: '0x40000000', size: '0x80000000', hva: '0xffff23e00000' }],
    steps: [
      { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x1000' },
      { vmm: 'write', gpa: '0x46880000', value: '0x5' },
      { guest: 'read', ipa: '0x10046880000' },
      { host: 'migrate', gpa: '0x46880000' },
      { guest: 'read', ipa: '0x10046880000' },
    ],
  };

  it('move the page behind the notifier: the guest reads the same value, coherence holds', () => {
    const r = runScenario(parseScenario(raw));
    expect(r.violations).toEqual([]);
    expect(r.steps[4]?.value).toBe(5n);
    expect(r.trace.some((e) => e.type === 'host_mm' && e.what === 'migrate')).toBe(true);
  });

  it('with the notifier not unmapping, the shared alias goes stale (invariant 4)', () => {
    const r = runScenario(parseScenario({ ...raw, mutations: ['notifier-skips-shared-unmap'] }));
    expect(r.violations.map((v) => [v.invariant, v.step])).toEqual([[4, 3]]);
  });
});

describe('table sharing between world copies', () => {
  it('changes no result: every concurrent built-in explores the same with and without it', () => {
    const strip = (v: unknown) => JSON.stringify(v);
    for (const name of CONCURRENT)
      for (const variant of VARIANTS) {
        const sc = getBuiltinScenario(name);
        const shared = strip(explore(sc, { variant, mutations: ['skip-mmu-invalidate-retry'] }));
        setTableSharing(false);
        try {
          expect(strip(explore(sc, { variant, mutations: ['skip-mmu-invalidate-retry'] }))).toBe(shared);
        } finally {
          setTableSharing(true);
        }
      }
  });

  it('a copy that changes a table leaves the original’s table as it was', () => {
    const sc = getBuiltinScenario('private-first-touch');
    const w = createWorld(sc, 'v14', false, 1e7);
    activateRealm(w);
    const before = stateKey(w);
    const c = cloneWorld(w, quietTracer(1e7));
    c.t.acc = newAcc();
    runStep(c, stepOf(sc.steps, 0));
    expect(rttWalk(c, 0x4688_0000n).e.s).toBe('assigned');
    expect(rttWalk(w, 0x4688_0000n).e.s).not.toBe('assigned');
    expect(stateKey(w)).toBe(before);
  });
});

describe('step(world, action): the pure stepping API', () => {
  for (const name of ['explicit-private-to-shared', 'two-vcpus-same-page', 'seed-post-v14-anon-private'])
    it(`folding step() over ${name} gives runScenario()'s summaries and violations, and leaves each World as it was`, () => {
      const sc = getBuiltinScenario(name);
      const run = runScenario(sc, { trace: false });
      let w = initialWorld(sc);
      const summaries: unknown[] = [];
      const violations: unknown[] = [];
      sc.steps.forEach((s, i) => {
        const before = stateKey(w);
        const out = step(w, s, i);
        expect(stateKey(w)).toBe(before);
        summaries.push(out.summary);
        violations.push(...out.violations);
        w = out.world;
      });
      expect(summaries).toEqual(run.steps);
      expect(violations).toEqual(run.violations);
    });

  it('traces a step when asked: the same events runScenario records for it', () => {
    const sc = getBuiltinScenario('private-first-touch');
    const full = runScenario(sc);
    const out = step(initialWorld(sc), stepOf(sc.steps, 0), 0, { trace: true });
    const first = full.trace.findIndex((e) => e.type === 'step' && e.index === 0);
    const next = full.trace.findIndex((e) => e.type === 'step' && e.index === 1);
    expect(out.trace).toEqual(full.trace.slice(first, next));
  });
});
