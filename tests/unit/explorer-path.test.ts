/**
 * The Fault explorer's path shaping (src/widgets/explorer/path.ts): rounds cut at REC entries,
 * identical rounds shown once, and the first difference kept visible.
 */
import type { TraceEvent } from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import {
  firstDivergence,
  groupRounds,
  splitRounds,
  stepLines,
  type PathLine,
} from '../../src/widgets/explorer/path.js';

const enter: TraceEvent = { type: 'rec_enter', depth: 0, flags: [] };
const dec = (what: string, depth = 1): TraceEvent => ({ type: 'decision', depth, fn: 'f', what });
const line = (e: TraceEvent): PathLine => ({ depth: e.depth, type: e.type, text: e.type, event: e });
const lines = (...whats: (string | null)[]): PathLine[] =>
  whats.map((w) => {
    const e = w === null ? enter : dec(w);
    return { depth: e.depth, type: e.type, text: w ?? 'RMI_REC_ENTER', event: e };
  });

describe('stepLines', () => {
  it('drops the set-up and granule changes and files events under their step', () => {
    const trace: TraceEvent[] = [
      { type: 'step', depth: 0, index: -1, what: 'setup' },
      dec('setup decision'),
      { type: 'step', depth: 0, index: 0, what: 'first' },
      dec('a'),
      { type: 'granule_change', depth: 1, pa: 0x1000n, from: 'undelegated', to: 'delegated' },
      { type: 'step', depth: 0, index: 1, what: 'second' },
      enter,
    ];
    const out = stepLines(trace, 2);
    expect(out.map((s) => s.map((l) => l.text))).toEqual([['· a'], ['RMI_REC_ENTER']]);
    expect(out[0]?.[0]).toEqual({ depth: 1, type: 'decision', text: '· a', event: trace[3] });
  });
});

describe('splitRounds and groupRounds', () => {
  it('cuts at each REC entry', () => {
    expect(splitRounds(lines('g', null, 'x', null, 'y')).map((r) => r.map((l) => l.text))).toEqual([
      ['g'],
      ['RMI_REC_ENTER', 'x'],
      ['RMI_REC_ENTER', 'y'],
    ]);
  });

  it('shows identical consecutive rounds once, with their count and first entry number', () => {
    const g = groupRounds(lines('g', null, 'x', null, 'x', null, 'x', null, 'y'), null);
    expect(g.map((r) => [r.first, r.times, r.lines.length])).toEqual([
      [0, 1, 1],
      [1, 3, 2],
      [4, 1, 2],
    ]);
  });

  it('numbers rounds from 1 when the step starts with a REC entry', () => {
    expect(groupRounds(lines(null, 'x', null, 'y'), null).map((r) => r.first)).toEqual([1, 2]);
  });

  it('keeps the round holding the first difference at the start of its own group', () => {
    // Line 5 opens the third of three identical rounds: it must not be folded into the first two.
    const g = groupRounds(lines('g', null, 'x', null, 'x', null, 'x'), 5);
    expect(g.map((r) => [r.first, r.times, r.divergesAt])).toEqual([
      [0, 1, null],
      [1, 2, null],
      [3, 1, 0],
    ]);
    // A difference in the first round of a run of identical ones: the run still folds after it.
    const h = groupRounds(lines('g', null, 'x', null, 'x', null, 'x'), 2);
    expect(h.map((r) => [r.first, r.times, r.divergesAt])).toEqual([
      [0, 1, null],
      [1, 3, 1],
    ]);
  });
});

describe('firstDivergence', () => {
  it('finds the first differing line, step by step', () => {
    const a = [lines('p', 'q'), lines('r', 's', 't')];
    const b = [lines('p', 'q'), lines('r', 'S')];
    expect(firstDivergence(a, b)).toMatchObject({ step: 1, line: 1, a: { text: 's' }, b: { text: 'S' } });
  });

  it('says which run ended first when one path is a prefix of the other', () => {
    const d = firstDivergence([lines('p')], [lines('p', 'q')]);
    expect(d).toMatchObject({ step: 0, line: 1, a: null, b: { text: 'q' } });
  });

  it('is null for identical paths', () => {
    expect(firstDivergence([lines('p', null, 'q')], [lines('p', null, 'q')])).toBeNull();
  });

  it('tells lines apart by call depth too', () => {
    const a = [[line(dec('x', 1))]];
    const b = [[line(dec('x', 2))]];
    expect(firstDivergence(a, b)).toMatchObject({ step: 0, line: 0 });
  });
});
