/**
 * The path a run took, from its trace (the model's one contract with its consumers, design.md
 * §1): per scenario step, the events in the CLI's own words (formatEvent), indented by call
 * depth and cut into rounds at each REC entry, so that a guest that faults again and again shows
 * as one round with a count. And where two runs first part: the first event, in scenario order,
 * at which their paths differ.
 */
import { formatEvent, type TraceEvent, type TraceEventType } from '@realmfault/model';

export interface PathLine {
  readonly depth: number;
  readonly type: TraceEventType;
  /** The event as `realmfault run` prints it. */
  readonly text: string;
  readonly event: TraceEvent;
}

/** Delegation bookkeeping of granules: true, but noise next to the decisions a reader follows. */
const HIDDEN: ReadonlySet<TraceEventType> = new Set<TraceEventType>(['granule_change']);

/**
 * The trace's lines for each scenario step (index 0, 1, …): the events after the step's own
 * `step` event up to the next step, without the realm set-up (index -1) and without granule
 * changes. Depths are relative to the step (the set-up is the same under both variants).
 */
export function stepLines(trace: readonly TraceEvent[], stepCount: number): PathLine[][] {
  const out: PathLine[][] = Array.from({ length: stepCount }, () => []);
  let current: PathLine[] | null = null;
  for (const e of trace) {
    if (e.type === 'step' && e.index >= 0) {
      current = out[e.index] ?? null;
      continue;
    }
    if (current === null || HIDDEN.has(e.type)) continue;
    current.push({ depth: e.depth, type: e.type, text: formatEvent(e), event: e });
  }
  return out;
}

/** Lines of a step cut at every REC entry: round 0 is what precedes the first entry. */
export function splitRounds(lines: readonly PathLine[]): PathLine[][] {
  const rounds: PathLine[][] = [[]];
  for (const l of lines) {
    if (l.type === 'rec_enter') rounds.push([]);
    (rounds[rounds.length - 1] as PathLine[]).push(l);
  }
  if (rounds[0]?.length === 0 && rounds.length > 1) rounds.shift();
  return rounds;
}

const lineKey = (l: PathLine): string => `${l.depth}\u0000${l.text}`;
const sameRound = (a: readonly PathLine[], b: readonly PathLine[]): boolean =>
  a.length === b.length && a.every((l, i) => lineKey(l) === lineKey(b[i] as PathLine));

/** Where two runs' paths first differ. */
export interface Divergence {
  /** Scenario step. */
  readonly step: number;
  /** Identical lines in that step before the difference. */
  readonly line: number;
  /** Each run's line at the difference; null where that run's step has already ended. */
  readonly a: PathLine | null;
  readonly b: PathLine | null;
}

/** The first line at which two runs of the same scenario differ, or null when the paths agree. */
export function firstDivergence(
  a: readonly (readonly PathLine[])[],
  b: readonly (readonly PathLine[])[],
): Divergence | null {
  const steps = Math.max(a.length, b.length);
  for (let s = 0; s < steps; s++) {
    const la = a[s] ?? [];
    const lb = b[s] ?? [];
    const n = Math.max(la.length, lb.length);
    for (let i = 0; i < n; i++) {
      const x = la[i];
      const y = lb[i];
      if (x === undefined || y === undefined || lineKey(x) !== lineKey(y)) {
        return { step: s, line: i, a: x ?? null, b: y ?? null };
      }
    }
  }
  return null;
}

/** Consecutive identical rounds, shown once. `first` counts REC entries from 1 (0: before any). */
export interface RoundGroup {
  readonly lines: readonly PathLine[];
  readonly first: number;
  readonly times: number;
  /** Index in `lines` of the first difference from the other run, when it falls in this group. */
  readonly divergesAt: number | null;
}

/**
 * The step's rounds with identical neighbours merged. `divergeLine` (an index into the step's
 * lines) is kept visible: the round holding it starts a group of its own, so the line is in the
 * group's shown copy.
 */
export function groupRounds(lines: readonly PathLine[], divergeLine: number | null): RoundGroup[] {
  const rounds = splitRounds(lines);
  const startsWithEntry = lines[0]?.type === 'rec_enter';
  let divergeRound = -1;
  let divergeOffset = -1;
  if (divergeLine !== null) {
    let start = 0;
    rounds.forEach((r, i) => {
      if (divergeLine >= start && divergeLine < start + r.length) {
        divergeRound = i;
        divergeOffset = divergeLine - start;
      }
      start += r.length;
    });
  }
  const groups: RoundGroup[] = [];
  rounds.forEach((r, i) => {
    const entry = startsWithEntry ? i + 1 : i;
    const last = groups[groups.length - 1];
    if (last && i !== divergeRound && sameRound(last.lines, r)) {
      groups[groups.length - 1] = { ...last, times: last.times + 1 };
    } else {
      groups.push({
        lines: r,
        first: entry,
        times: 1,
        divergesAt: i === divergeRound ? divergeOffset : null,
      });
    }
  });
  return groups;
}
