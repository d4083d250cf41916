// Explorer speed (issue 14): transitions per second and the reduction against naive enumeration,
// for every built-in scenario with two or more actors and for a larger synthetic one, under both
// variants. A transition is one step run to its end or to a fault window (a top-level step or a
// step run inside a window), each the whole fault path of the model. Target: ≥ 100 000
// transitions/s, and every built-in concurrent scenario explored exhaustively within its bound in
// under 10 s.
//
// Baseline in the same run: the same model stepping without the explorer — each actor's steps in
// program order on a copy of the post-setup world, repeated — so the explorer's own cost (world
// copies, state keys, invariant checks) shows as the ratio between the two.
//
// Run after `npm run prepare` (which builds packages/model/dist): `node bench/explore.mjs [--json]`.
import {
  BUILTIN_SCENARIO_NAMES,
  explore,
  getBuiltinScenario,
  parseScenario,
  scenarioActors,
} from '../packages/model/dist/index.js';
import { activateRealm, createWorld, runStep } from '../packages/model/dist/sim/engine.js';
import { cloneWorld, quietTracer } from '../packages/model/dist/sim/snapshot.js';
import { newAcc } from '../packages/model/dist/sim/world.js';

const asJson = process.argv.includes('--json');

/** Three vCPUs, the VMM and the host on two shared pages and one private page. */
const STRESS = parseScenario({
  name: 'bench-stress',
  variant: 'post-v14-review',
  seed: 1,
  memslots: [
    {
      gpa: '0x40000000',
      size: '0x80000000',
      hva: '0xffff23e00000',
      guestMemfd: true,
      backing: 'anon-private',
    },
  ],
  steps: [
    { guest: 'set_memory_shared', ipa: '0x46880000', size: '0x2000' },
    { guest: 'read', ipa: '0x10046880000', vcpu: 0 },
    { guest: 'write', ipa: '0x10046881000', value: '0x1', vcpu: 1 },
    { guest: 'write', ipa: '0x46890000', value: '0x2', isv: false, vcpu: 2 },
    { guest: 'read', ipa: '0x46890000', vcpu: 2 },
    { vmm: 'write', gpa: '0x46880000', value: '0x5' },
    { vmm: 'set_attributes', gpa: '0x46890000', size: '0x1000', private: false },
    { host: 'migrate', gpa: '0x46881000' },
  ],
});

const concurrent = BUILTIN_SCENARIO_NAMES.map(getBuiltinScenario).filter(
  (s) => scenarioActors(s).length >= 2,
);

/**
 * Median of `runs` timings of fn() (ms), after `warm` untimed calls, and fn()'s last result.
 * @template T
 * @param {() => T} fn
 * @returns {{ ms: number, last: T }}
 */
function timeIt(fn, runs = 5, warm = 3) {
  for (let i = 0; i < warm; i++) fn();
  /** @type {number[]} */
  const times = [];
  let last = fn();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)] ?? 0, last };
}

/**
 * Steps per second of plain stepping: each actor's steps in program order on a copy of the post-setup world.
 * @param {import('../packages/model/dist/index.js').Scenario} sc
 * @param {import('../packages/model/dist/index.js').Variant} variant
 */
function baseline(sc, variant) {
  const w = createWorld({ ...sc, variant }, variant, false, 1e9);
  activateRealm(w);
  const steps = scenarioActors(sc).flatMap((a) => a.steps);
  let n = 0;
  const { ms } = timeIt(() => {
    n = 0;
    for (let k = 0; k < 50; k++) {
      const c = cloneWorld(w, quietTracer(1e9));
      for (const s of steps) {
        c.t.acc = newAcc();
        runStep(c, s);
        n++;
      }
    }
  });
  return n / (ms / 1000);
}

const rows = [];
for (const sc of [...concurrent, STRESS]) {
  for (const variant of /** @type {const} */ (['v14', 'post-v14-review'])) {
    const bound = 2;
    const { ms, last: r } = timeIt(
      () => explore(sc, { variant, bound }),
      sc === STRESS ? 3 : 5,
      sc === STRESS ? 1 : 3,
    );
    rows.push({
      scenario: sc.name,
      variant,
      bound,
      actors: r.actors.length,
      states: r.states,
      actions: r.actions,
      transitions: r.steps,
      naiveActions: r.naive.actions,
      reduction: +r.reduction.toFixed(2),
      ms: +ms.toFixed(2),
      transitionsPerSecond: Math.round(r.steps / (ms / 1000)),
      baselineStepsPerSecond: Math.round(baseline(sc, variant)),
      broken: r.invariants.filter((i) => !i.holds).map((i) => i.invariant),
    });
  }
}

const total = rows.reduce((a, r) => ({ t: a.t + r.transitions, ms: a.ms + r.ms }), { t: 0, ms: 0 });
const builtin = rows.filter((r) => r.scenario !== STRESS.name);
const summary = {
  transitionsPerSecond: Math.round(total.t / (total.ms / 1000)),
  slowestBuiltinMs: Math.max(...builtin.map((r) => r.ms)),
  target: { transitionsPerSecond: 100_000, builtinMs: 10_000 },
};
if (asJson) console.log(JSON.stringify({ rows, summary }));
else {
  console.log(
    'explore bench (bound 2; median of 5 runs, 3 for the stress scenario; baseline = plain stepping, same steps)',
  );
  console.log(
    'scenario                      variant          actors  states  actions  transitions  naive  reduction      ms  transitions/s  baseline steps/s  broken',
  );
  for (const r of rows)
    console.log(
      `${r.scenario.padEnd(29)} ${r.variant.padEnd(16)} ${String(r.actors).padStart(6)} ${String(r.states).padStart(7)} ${String(r.actions).padStart(8)} ${String(r.transitions).padStart(12)} ${String(r.naiveActions).padStart(6)} ${r.reduction.toFixed(2).padStart(10)} ${r.ms.toFixed(1).padStart(7)} ${String(r.transitionsPerSecond).padStart(14)} ${String(r.baselineStepsPerSecond).padStart(17)}  [${r.broken.join(',')}]`,
    );
  console.log(
    `all: ${summary.transitionsPerSecond} transitions/s (target ≥ 100000); slowest built-in exploration ${summary.slowestBuiltinMs.toFixed(1)} ms (target < 10000 ms)`,
  );
}
