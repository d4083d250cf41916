/**
 * The data shaping behind <ScenarioCompare> (src/components/scenario-compare.ts): the first step
 * where v14 and fixed differ, repeat compression, and the build-failing error for a bad name.
 */
import { BUILTIN_SCENARIO_NAMES } from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import { compareScenario, compressRepeats, loadScenario } from '../../src/components/scenario-compare.js';

describe('compareScenario', () => {
  it('finds where shared-fault-zero-page diverges', () => {
    const cmp = compareScenario('shared-fault-zero-page');
    expect(cmp.stepCount).toBe(2);
    // Step 0 (set_memory_decrypted) already differs in its RMI calls: v14 also unmaps the
    // shared alias, creating RTTs for it; fixed filters the unmap to the private half.
    expect(cmp.firstDifference).toBe(0);
    expect(cmp.firstDifferenceFields).toEqual(['rmi']);
    // Step 1 (the read through the shared alias) is where the outcome differs.
    expect(cmp.firstOutcomeDifference).toBe(1);
    const read = cmp.rows[1];
    expect(read?.v14.outcome).toMatch(/^kvm_run_error/);
    expect(read?.v14.errno).toBe('EFAULT');
    expect(read?.v14.exits).toEqual([]);
    expect(read?.v14.warnings).toEqual([{ items: ['realm_map_ipa'], times: 1 }]);
    expect(read?.fixed.outcome).toMatch(/^completed/);
    expect(read?.fixed.value).toBe('0x0');
    expect(read?.differs).toContain('outcome');
    expect(read?.v14.faults[0]?.items[0]).toBe('IPA 0x10046880000, ESR 0x92000007, user_mem_abort → -EFAULT');
  });

  it('shows only the requested steps but reports the first difference over all of them', () => {
    const cmp = compareScenario('shared-fault-zero-page', [1]);
    expect(cmp.rows.map((r) => r.index)).toEqual([1]);
    expect(cmp.firstDifference).toBe(0);
  });

  it('reports the violations of the seed reproduction and the toggle it sets', () => {
    const cmp = compareScenario('shared-force-write-zero-page');
    expect(cmp.violations.length).toBeGreaterThan(0);
    expect(cmp.violations.every((v) => v.invariant === 3)).toBe(true);
    expect(cmp.toggles.map((t) => t.name)).toEqual(['forceSharedWrite']);
  });

  it('throws for an unknown scenario, naming the prop and every valid name', () => {
    expect(() => compareScenario('no-such-scenario')).toThrow(
      /<ScenarioCompare scenario="no-such-scenario">/,
    );
    try {
      loadScenario('no-such-scenario');
      expect.unreachable();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain('unknown built-in scenario "no-such-scenario"');
      for (const name of BUILTIN_SCENARIO_NAMES) expect(msg).toContain(name);
    }
  });

  it('throws for a step index outside the scenario', () => {
    expect(() => compareScenario('shared-fault-zero-page', [2])).toThrow(/steps 0…1/);
  });
});

describe('compressRepeats', () => {
  it('collapses tandem repeats and keeps the rest in order', () => {
    expect(compressRepeats(['a', 'b', 'c', 'b', 'c', 'b', 'c', 'd'])).toEqual([
      { items: ['a'], times: 1 },
      { items: ['b', 'c'], times: 3 },
      { items: ['d'], times: 1 },
    ]);
    expect(compressRepeats([])).toEqual([]);
  });
});
