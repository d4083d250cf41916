/**
 * MIRRORED_FUNCTIONS drives the site's call diagrams, so every function the traces enter must be
 * in it, and every caller → callee edge (functions and RMI commands) a trace shows must be listed.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIO_NAMES } from '../src/scenarios/builtin.js';
import { MIRRORED_FUNCTIONS } from '../src/sim/functions.js';
import { runBuiltin } from './helpers.js';

const byName = new Map(MIRRORED_FUNCTIONS.map((f) => [f.name, f]));
/** Where the guest blocks in an SMC or another actor interleaves, the host's calls are not its callees. */
const BARRIERS = new Set(['rsi_set_memory_range_shared', 'rsi_set_memory_range_protected']);

function edges(): { fns: Set<string>; edges: Set<string>; byVariant: Record<string, Set<string>> } {
  const fns = new Set<string>();
  const out = new Set<string>();
  const byVariant: Record<string, Set<string>> = { v14: new Set(), 'post-v14-review': new Set() };
  for (const name of BUILTIN_SCENARIO_NAMES) {
    for (const v of ['v14', 'post-v14-review'] as const) {
      const stack: string[] = [];
      for (const e of runBuiltin(name, v).trace) {
        const top = stack.at(-1);
        if (e.type === 'fn_enter') {
          fns.add(e.fn);
          byVariant[v]?.add(e.fn);
          if (top !== undefined && top !== '|' && !BARRIERS.has(top)) out.add(`${top} -> ${e.fn}`);
          stack.push(e.fn);
        } else if (e.type === 'fn_return') {
          expect(stack.pop()).toBe(e.fn);
        } else if (e.type === 'rmi_call') {
          if (top !== undefined && top !== '|' && !BARRIERS.has(top)) out.add(`${top} -> ${e.cmd}`);
        } else if (e.type === 'step' && e.index === -2) stack.push('|');
        else if (e.type === 'outcome' && e.index === -2) expect(stack.pop()).toBe('|');
      }
      expect(stack).toEqual([]);
    }
  }
  return { fns, edges: out, byVariant };
}

describe('MIRRORED_FUNCTIONS', () => {
  const seen = edges();
  it('lists every function the built-in traces enter', () => {
    expect([...seen.fns].filter((f) => !byName.has(f))).toEqual([]);
  });
  it('lists every caller → callee edge the traces show', () => {
    const missing = [...seen.edges].filter((e) => {
      const [from = '', to = ''] = e.split(' -> ');
      return !(byName.get(from)?.calls.includes(to) ?? false);
    });
    expect(missing).toEqual([]);
  });
  it('enters a function marked for one variant only under that variant', () => {
    const other = { v14: 'post-v14-review', 'post-v14-review': 'v14' } as const;
    const onlyOne = MIRRORED_FUNCTIONS.filter((f) => f.only !== undefined);
    expect(onlyOne.map((f) => `${f.name}:${f.only ?? ''}`).sort()).toEqual([
      'kvm_realm_unmap_range_filter:post-v14-review',
      'ripas_range_matches_gmem:post-v14-review',
    ]);
    for (const f of onlyOne) {
      if (f.only === undefined) continue;
      expect(seen.byVariant[f.only]?.has(f.name), `${f.name} under ${f.only}`).toBe(true);
      expect(seen.byVariant[other[f.only]]?.has(f.name), `${f.name} under ${other[f.only]}`).toBe(false);
    }
  });
  it('names only listed functions as callees, and each name once', () => {
    const names = MIRRORED_FUNCTIONS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(MIRRORED_FUNCTIONS.flatMap((f) => f.calls).filter((c) => !byName.has(c))).toEqual([]);
  });
});
