/**
 * The explorer: every interleaving of a scenario's actors, up to a bound, with the invariants
 * checked after every action (issue 14).
 *
 * Actors. Each vCPU is an actor running its guest steps in order, the VMM is one, and the host
 * kernel (`host` steps) is one. A scenario's steps are split among them in file order, nested
 * `interleave` steps included (the explorer chooses the interleaving itself).
 *
 * Interleavings. An action runs one actor's next step. Inside a guest access, a fault reaches three
 * windows where it does not hold kvm->mmu_lock (scenario/types.ts WindowPoint): before the mmu_seq sample,
 * after it and after the page lookup, all before kvm_fault_lock(). At the first time each window opens,
 * the explorer may run another actor's next step there, to its end (it may open windows of its
 * own). That is exactly what a scenario's `interleave` blocks say, so
 * every path the explorer takes is an ordinary scenario, and a counterexample replays with
 * `realmfault run`. The bound is the number of steps run inside windows on one path (preemptions).
 * Not enumerated: two faults that stop in a window each and resume crosswise (each window runs
 * steps to their end), and windows of a fault after the access's first (a retry's).
 *
 * Reduction. A state is the World after an action, each actor's position and the steps run inside
 * windows so far (which limits what may follow). A state reached again is not explored again: World
 * copies share their translation tables until they change them, and a canonical key tells equal
 * states apart (src/sim/snapshot.ts). The search is depth first, so only the Worlds on the current
 * path are alive. The naive count is the number of complete paths through the state graph: the
 * schedules an enumeration without state merging would run, and the actions on them.
 */
import type { Json } from '../scenario/parse.js';
import { scenarioToJson } from '../scenario/parse.js';
import type { Scenario, Step, Variant, WindowPoint } from '../scenario/types.js';
import { toVariant, VARIANTS } from '../scenario/types.js';
import {
  describeStep,
  initialWorld,
  runScenario,
  step,
  validateScenario,
  withWindowPolicy,
  type WindowPolicy,
} from '../sim/engine.js';
import { modelBroken } from '../sim/errors.js';
import { INVARIANTS } from '../sim/invariants.js';
import { isMutationName, MUTATION_NAMES, type MutationName } from '../sim/mutations.js';
import type { InvariantNo, RunResult, Violation } from '../sim/result.js';
import { stateKey } from '../sim/snapshot.js';
import type { World } from '../sim/world.js';

export interface ExploreOptions {
  /** Overrides the scenario's variant. */
  readonly variant?: Variant;
  /** Overrides the scenario's mutations (canonical order is restored). */
  readonly mutations?: readonly string[];
  /** Steps run inside fault windows on one path, at most (default 2). */
  readonly bound?: number;
  /** Distinct states before the explorer gives up with ExploreLimitExceeded (default 200 000). */
  readonly maxStates?: number;
  /** Called every `progressEvery` actions with the counts so far. */
  readonly onProgress?: (p: ExploreProgress) => void;
  readonly progressEvery?: number;
  /** Polled with the progress: return true to stop (ExploreCancelled). */
  readonly shouldStop?: () => boolean;
}

export const DEFAULT_BOUND = 2;
export const MAX_BOUND = 8;
export const DEFAULT_MAX_STATES = 200_000;
/** Work units (function calls, RMI commands) one action may take. */
const ACTION_BUDGET = 1_000_000;

export interface ExploreProgress {
  readonly states: number;
  readonly actions: number;
  readonly steps: number;
}

/** The explorer ran out of its state budget; the message names the limit and how to raise it. */
export class ExploreLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(
      `the exploration reached ${limit} distinct states without finishing: lower the bound or raise the state limit`,
    );
    this.name = 'ExploreLimitExceeded';
  }
}

/** shouldStop() returned true. */
export class ExploreCancelled extends Error {
  constructor() {
    super('the exploration was cancelled');
    this.name = 'ExploreCancelled';
  }
}

export interface ExploreActor {
  /** `vcpu0`, `vcpu1`, …, `vmm`, `host`. */
  readonly id: string;
  readonly steps: readonly Step[];
}

export interface Counterexample {
  readonly invariant: InvariantNo;
  readonly message: string;
  /** Actions on the path (top-level steps of the scenario), and steps run inside windows. */
  readonly actions: number;
  readonly preemptions: number;
  /** The path as a scenario file: `realmfault run` on it reproduces the violation. */
  readonly scenario: Json;
  /** One line per action, with what ran inside its windows. */
  readonly path: readonly string[];
}

export interface InvariantOutcome {
  readonly invariant: InvariantNo;
  readonly name: string;
  /** Whether no explored path breaks it. */
  readonly holds: boolean;
  /** Paths (distinct action sequences) found breaking it: at least one when it does not hold. */
  readonly violatingEdges: number;
}

export interface ExploreResult {
  readonly scenario: string;
  readonly variant: Variant;
  readonly mutations: readonly MutationName[];
  readonly bound: number;
  /** Each actor and its steps, described (describeStep()). */
  readonly actors: readonly { readonly id: string; readonly steps: readonly string[] }[];
  /** Distinct states (World + positions), the initial one included. */
  readonly states: number;
  /** Actions run (each a top-level step with what ran in its windows), re-runs for window choices included. */
  readonly actions: number;
  /** Steps run in all, nested ones included: the explorer's transitions. */
  readonly steps: number;
  /** Complete schedules within the bound, and the actions a naive enumeration would run for them. */
  readonly naive: { readonly schedules: number; readonly actions: number };
  /** naive.actions / actions. */
  readonly reduction: number;
  readonly invariants: readonly InvariantOutcome[];
  /** The shortest counterexample found for each broken invariant (fewest actions, then preemptions). */
  readonly counterexamples: readonly Counterexample[];
}

const actorOf = (s: Step): string => (s.actor === 'guest' ? `vcpu${s.vcpu}` : s.actor);

/** `s` without its interleave blocks. */
function bare(s: Step): Step {
  if (s.actor !== 'guest' || (s.op !== 'read' && s.op !== 'write') || s.interleave === undefined) return s;
  return s.op === 'read'
    ? { actor: s.actor, op: s.op, ipa: s.ipa, size: s.size, isv: s.isv, vcpu: s.vcpu }
    : { actor: s.actor, op: s.op, ipa: s.ipa, value: s.value, size: s.size, isv: s.isv, vcpu: s.vcpu };
}

/** The scenario's steps, nested ones included, split by actor in file order. */
export function scenarioActors(sc: Scenario): ExploreActor[] {
  const by = new Map<string, Step[]>();
  const visit = (steps: readonly Step[]): void => {
    for (const s of steps) {
      const id = actorOf(s);
      let list = by.get(id);
      if (list === undefined) by.set(id, (list = []));
      list.push(bare(s));
      if (s.actor === 'guest' && (s.op === 'read' || s.op === 'write') && s.interleave !== undefined)
        for (const b of s.interleave) visit(b.steps);
    }
  };
  visit(sc.steps);
  return [...by].map(([id, steps]) => ({ id, steps }));
}

interface Node {
  readonly pos: readonly number[];
  /** Steps run inside windows on the way here (part of the state: it limits what follows). */
  readonly pre: number;
  readonly consumed: number;
  /** Actions out of this state, each to the state it reaches. */
  readonly succ: { readonly to: Node; readonly step: Step }[];
  /** Complete schedules from here, and the actions on them (the naive count); set when expanded. */
  schedules: number;
  scheduleActions: number;
  /** The fewest actions from the initial state, and the action that reaches here on such a path. */
  depth: number;
  parent: Node | null;
  via: Step | null;
}

interface ActionRun {
  readonly world: World;
  readonly pos: number[];
  readonly step: Step;
  readonly nested: number;
  readonly stepsRun: number;
  readonly violations: readonly Violation[];
}

/**
 * Run actor `a`'s next step from `node` with the window choices in `script` (choices past its
 * end are "run nothing"); `options` receives the number of choices at every decision point.
 */
function runAction(
  node: Node,
  world: World,
  actors: readonly ExploreActor[],
  a: number,
  script: readonly number[],
  options: number[],
  budgetLeft: number,
  stepIndex: number,
): ActionRun {
  const pos = node.pos.slice();
  const busy = new Set<number>([a]);
  const blocks = new Map<Step, { at: WindowPoint; steps: Step[] }[]>();
  let cursor = 0;
  let nested = 0;
  let stepsRun = 1;
  const first = actors[a]?.steps[pos[a] ?? 0];
  if (first === undefined) throw modelBroken('explorer: no step to run');
  pos[a] = (pos[a] ?? 0) + 1;
  const running: number[] = [];
  const policy: WindowPolicy = {
    window(_w, s, point) {
      const avail: number[] = [];
      if (nested < budgetLeft)
        actors.forEach((act, i) => {
          if (!busy.has(i) && (pos[i] ?? 0) < act.steps.length) avail.push(i);
        });
      options.push(avail.length + 1);
      const pick = script[cursor++] ?? 0;
      if (pick === 0) return null;
      const b = avail[pick - 1];
      const step = b === undefined ? undefined : actors[b]?.steps[pos[b] ?? 0];
      if (b === undefined || step === undefined) throw modelBroken('explorer: a window choice out of range');
      pos[b] = (pos[b] ?? 0) + 1;
      nested++;
      stepsRun++;
      // Busy (it cannot run again inside its own step) until after() says its step is over.
      busy.add(b);
      running.push(b);
      let list = blocks.get(s);
      if (list === undefined) blocks.set(s, (list = []));
      list.push({ at: point, steps: [step] });
      return [step];
    },
    after() {
      const b = running.pop();
      if (b !== undefined) busy.delete(b);
    },
  };
  const out = withWindowPolicy(policy, () => step(world, first, stepIndex, { budget: ACTION_BUDGET }));
  const rebuild = (s: Step): Step => {
    const bl = blocks.get(s);
    if (bl === undefined || s.actor !== 'guest' || (s.op !== 'read' && s.op !== 'write')) return s;
    return { ...s, interleave: bl.map((b) => ({ at: b.at, steps: b.steps.map(rebuild) })) };
  };
  return { world: out.world, pos, step: rebuild(first), nested, stepsRun, violations: out.violations };
}

/** The next window-choice script after `script`, given the options seen running it; null when done. */
function nextScript(script: readonly number[], options: readonly number[]): number[] | null {
  for (let i = options.length - 1; i >= 0; i--) {
    const chosen = script[i] ?? 0;
    if (chosen + 1 < (options[i] ?? 0))
      return [...Array.from({ length: i }, (_, j) => script[j] ?? 0), chosen + 1];
  }
  return null;
}

const scenarioWith = (sc: Scenario, variant: Variant, mutations: readonly MutationName[]): Scenario => ({
  ...sc,
  variant,
  mutations,
});

/** Explore every interleaving of `scenario` within the bound. Deterministic. */
export function explore(scenario: Scenario, opts: ExploreOptions = {}): ExploreResult {
  validateScenario(scenario);
  const asked = opts.variant ?? scenario.variant;
  const variant = toVariant(asked);
  if (variant === undefined)
    throw new RangeError(`variant: expected one of ${VARIANTS.join(', ')}, got ${JSON.stringify(asked)}`);
  const requested = opts.mutations ?? scenario.mutations;
  for (const m of requested)
    if (!isMutationName(m))
      throw new RangeError(
        `mutation: expected one of ${MUTATION_NAMES.join(', ')}, got ${JSON.stringify(m)}`,
      );
  const mutations = MUTATION_NAMES.filter((m) => requested.includes(m));
  const bound = opts.bound ?? DEFAULT_BOUND;
  if (!Number.isSafeInteger(bound) || bound < 0 || bound > MAX_BOUND)
    throw new RangeError(`bound: expected an integer 0…${MAX_BOUND}, got ${String(bound)}`);
  const maxStates = opts.maxStates ?? DEFAULT_MAX_STATES;
  if (!Number.isSafeInteger(maxStates) || maxStates < 1)
    throw new RangeError(`maxStates: expected a positive integer, got ${String(maxStates)}`);
  const progressEvery = opts.progressEvery ?? 500;

  const sc = scenarioWith(scenario, variant, mutations);
  const actors = scenarioActors(sc);
  const total = actors.reduce((n, a) => n + a.steps.length, 0);

  const w0 = initialWorld(sc, { variant, budget: ACTION_BUDGET });
  const newNode = (pos: readonly number[], pre: number): Node => ({
    pos,
    pre,
    consumed: pos.reduce((n, p) => n + p, 0),
    succ: [],
    schedules: 0,
    scheduleActions: 0,
    depth: -1,
    parent: null,
    via: null,
  });
  const root = newNode(
    actors.map(() => 0),
    0,
  );
  const seen = new Map<string, Node>();
  seen.set(`${root.pos.join(',')}|0|${stateKey(w0)}`, root);

  let actionsRun = 0;
  let stepsRun = 0;
  interface Broken {
    readonly from: Node;
    readonly step: Step;
    readonly v: Violation;
    readonly to: Node;
  }
  const violating = new Map<InvariantNo, Broken[]>();

  const progress = (): void => {
    if (actionsRun % progressEvery !== 0) return;
    if (opts.shouldStop?.() === true) throw new ExploreCancelled();
    opts.onProgress?.({ states: seen.size, actions: actionsRun, steps: stepsRun });
  };

  /*
   * Depth first: only the Worlds on the current path are alive. A state reached again is not
   * expanded again; its counts are final by then, because every action consumes a step, so the
   * state graph has no cycle.
   */
  const expand = (node: Node, world: World): void => {
    if (node.consumed === total) {
      node.schedules = 1;
      return;
    }
    for (let a = 0; a < actors.length; a++) {
      if ((node.pos[a] ?? 0) >= (actors[a]?.steps.length ?? 0)) continue;
      let script: number[] | null = [];
      while (script !== null) {
        const options: number[] = [];
        const run = runAction(node, world, actors, a, script, options, bound - node.pre, node.depth);
        actionsRun++;
        stepsRun += run.stepsRun;
        progress();
        const pre = node.pre + run.nested;
        const key = `${run.pos.join(',')}|${pre}|${stateKey(run.world)}`;
        let next = seen.get(key);
        if (next === undefined) {
          if (seen.size >= maxStates) throw new ExploreLimitExceeded(maxStates);
          next = newNode(run.pos, pre);
          seen.set(key, next);
          expand(next, run.world);
        }
        node.succ.push({ to: next, step: run.step });
        node.schedules += next.schedules;
        node.scheduleActions += next.scheduleActions + next.schedules;
        for (const v of run.violations) {
          let list = violating.get(v.invariant);
          if (list === undefined) violating.set(v.invariant, (list = []));
          list.push({ from: node, step: run.step, v, to: next });
        }
        script = nextScript(script, options);
      }
    }
  };
  expand(root, w0);

  // The fewest actions to each state (breadth first over the edges found), for the shortest
  // counterexamples.
  root.depth = 0;
  const queue: Node[] = [root];
  for (let qi = 0; qi < queue.length; qi++) {
    const n = queue[qi] as Node;
    for (const e of n.succ) {
      if (e.to.depth >= 0) continue;
      e.to.depth = n.depth + 1;
      e.to.parent = n;
      e.to.via = e.step;
      queue.push(e.to);
    }
  }
  const broken = new Map<InvariantNo, { edges: number; best: Broken }>();
  for (const [inv, list] of violating) {
    let best = list[0] as Broken;
    for (const b of list)
      if (b.from.depth < best.from.depth || (b.from.depth === best.from.depth && b.to.pre < best.to.pre))
        best = b;
    broken.set(inv, { edges: list.length, best });
  }

  const counterexamples: Counterexample[] = [];
  for (const [inv, { best }] of [...broken].sort((x, y) => x[0] - y[0])) {
    const steps: Step[] = [best.step];
    for (let n: Node | null = best.from; n !== null && n.via !== null; n = n.parent) steps.unshift(n.via);
    const cx: Scenario = {
      ...sc,
      // Unique per exploration: the mutations are in the name (files are saved side by side).
      name: `${sc.name}${mutations.map((m) => `-${m}`).join('')}-invariant-${inv}`,
      description: counterexampleDescription(
        sc.name,
        variant,
        mutations,
        bound,
        inv,
        best.v.message,
        steps.length,
      ),
      steps,
    };
    const replay: RunResult = runScenario(cx, { trace: false });
    const again = replay.violations.find(
      (v) => v.invariant === inv && v.message === best.v.message && v.step === steps.length - 1,
    );
    if (again === undefined)
      throw modelBroken(
        `explorer: the counterexample for invariant ${inv} does not replay (${best.v.message})`,
      );
    counterexamples.push({
      invariant: inv,
      message: best.v.message,
      actions: steps.length,
      preemptions: best.to.pre,
      scenario: scenarioToJson(cx),
      path: steps.map((s, i) => `[${i}] ${describePath(s)}`),
    });
  }

  return {
    scenario: sc.name,
    variant,
    mutations,
    bound,
    actors: actors.map((a) => ({ id: a.id, steps: a.steps.map(describeStep) })),
    states: seen.size,
    actions: actionsRun,
    steps: stepsRun,
    naive: { schedules: root.schedules, actions: root.scheduleActions },
    reduction: actionsRun === 0 ? 1 : root.scheduleActions / actionsRun,
    invariants: INVARIANTS.map((i) => ({
      invariant: i.no,
      name: i.name,
      holds: !broken.has(i.no),
      violatingEdges: broken.get(i.no)?.edges ?? 0,
    })),
    counterexamples,
  };
}

/** What a counterexample file says about itself: where it comes from and what it breaks, cited. */
function counterexampleDescription(
  from: string,
  variant: Variant,
  mutations: readonly MutationName[],
  bound: number,
  inv: InvariantNo,
  message: string,
  actions: number,
): string {
  const info = INVARIANTS.find((i) => i.no === inv);
  const muts =
    mutations.length > 0
      ? `with the mutation${mutations.length > 1 ? 's' : ''} ${mutations.join(', ')}`
      : 'with no mutation';
  return (
    `A counterexample realmfault explore found in ${from} (${variant}, ${muts}, bound ${bound}). ` +
    `After step ${actions - 1}, invariant ${inv}${info === undefined ? '' : ` (${info.name})`} breaks: ${message}.` +
    (info === undefined ? '' : ` The invariant: ${info.statement} ${info.source}`)
  );
}

/** A step and, in brackets, what ran inside its windows. */
function describePath(s: Step): string {
  const head = describeStep(s);
  if (s.actor !== 'guest' || (s.op !== 'read' && s.op !== 'write') || s.interleave === undefined) return head;
  return `${head} { ${s.interleave.map((b) => `${b.at}: ${b.steps.map(describePath).join('; ')}`).join(' | ')} }`;
}
