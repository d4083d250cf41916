/**
 * Golden traces: every built-in scenario under both variants, committed under test/golden and
 * reviewed like code. Regenerate with `UPDATE_GOLDEN=1 npx vitest run packages/model/test/golden.test.ts`
 * and review the diff against the code each scenario description cites. Every golden file belongs
 * to a built-in scenario and a variant: a renamed or removed scenario leaves none behind.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIO_NAMES } from '../src/scenarios/builtin.js';
import { VARIANTS } from '../src/scenario/types.js';
import { goldenText, runBuiltin } from './helpers.js';

const update = process.env['UPDATE_GOLDEN'] === '1';
const GOLDEN_DIR = new URL('./golden/', import.meta.url);

describe('runScenario golden traces (built-in scenarios × variants)', () => {
  for (const name of BUILTIN_SCENARIO_NAMES) {
    for (const variant of VARIANTS) {
      it(`${name} under ${variant} matches test/golden/${name}.${variant}.json`, () => {
        const file = new URL(`${name}.${variant}.json`, GOLDEN_DIR);
        const text = goldenText(name, runBuiltin(name, variant));
        if (update) writeFileSync(file, text);
        expect(existsSync(file), `missing golden file; run with UPDATE_GOLDEN=1`).toBe(true);
        expect(text).toBe(readFileSync(file, 'utf8'));
      });
    }
  }
});

describe('test/golden', () => {
  it('holds exactly one file per built-in scenario and variant', () => {
    const expected = BUILTIN_SCENARIO_NAMES.flatMap((n) => VARIANTS.map((v) => `${n}.${v}.json`)).sort();
    expect(readdirSync(GOLDEN_DIR).sort()).toEqual(expected);
  });
});
