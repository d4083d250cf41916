/**
 * Golden traces: every built-in scenario under both variants, committed under test/golden and
 * reviewed like code. Regenerate with `UPDATE_GOLDEN=1 npx vitest run packages/model/test/golden.test.ts`
 * and review the diff against the brief.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIO_NAMES } from '../src/scenarios/builtin.js';
import { VARIANTS } from '../src/scenario/types.js';
import { goldenText, runBuiltin } from './helpers.js';

const update = process.env['UPDATE_GOLDEN'] === '1';

describe('runScenario golden traces (built-in scenarios × variants)', () => {
  for (const name of BUILTIN_SCENARIO_NAMES) {
    for (const variant of VARIANTS) {
      it(`${name} under ${variant} matches test/golden/${name}.${variant}.json`, () => {
        const file = new URL(`./golden/${name}.${variant}.json`, import.meta.url);
        const text = goldenText(name, runBuiltin(name, variant));
        if (update) writeFileSync(file, text);
        expect(existsSync(file), `missing golden file; run with UPDATE_GOLDEN=1`).toBe(true);
        expect(text).toBe(readFileSync(file, 'utf8'));
      });
    }
  }
});
