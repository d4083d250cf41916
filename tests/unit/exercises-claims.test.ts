/**
 * The onboarding exercises (src/content/exercises.ts): every run an answer talks about is run
 * through the model under its stated variant, and every claimed outcome must match. The page
 * renders from the same data, so an answer cannot drift from the model.
 */
import {
  BUILTIN_SCENARIO_NAMES,
  getBuiltinScenario,
  parseScenario,
  runScenario,
  type RunResult,
  type StepSummary,
} from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import {
  describeClaim,
  EXERCISES,
  inlineHtml,
  runCommand,
  type ExerciseRun,
  type StepClaim,
} from '../../src/content/exercises.js';
import { calledFunction, KNOWN_FUNCTION_NAMES, scenarioFlags } from '../../src/plugins/references/index.js';

const hex = (v: bigint | undefined): string | undefined =>
  v === undefined ? undefined : `0x${v.toString(16)}`;

function run(r: ExerciseRun): RunResult {
  const scenario =
    typeof r.scenario === 'string' ? getBuiltinScenario(r.scenario) : parseScenario(r.scenario.json);
  return runScenario(scenario, { variant: r.variant, trace: false });
}

function check(step: StepSummary | undefined, c: StepClaim): void {
  expect(step, `step ${c.step} exists`).toBeDefined();
  if (!step) return;
  if (c.outcome !== undefined) expect(step.outcome).toBe(c.outcome);
  if (c.errno !== undefined) expect(step.errno).toBe(c.errno);
  if (c.value !== undefined) expect(hex(step.value)).toBe(c.value);
  if (c.rsi !== undefined) expect(step.rsi).toBe(c.rsi);
  if (c.exits !== undefined) {
    expect(step.exits.map((e) => e.reason)).toEqual(c.exits.map((e) => e.reason));
    c.exits.forEach((e, i) => {
      const got = step.exits[i];
      if (e.gpa !== undefined) expect(hex(got?.gpa)).toBe(e.gpa);
      if (e.flags !== undefined) expect(hex(got?.flags)).toBe(e.flags);
      if (e.isWrite !== undefined) expect(got?.isWrite).toBe(e.isWrite);
    });
  }
  if (c.faults !== undefined) {
    expect(step.faults.length).toBeGreaterThanOrEqual(c.faults.length);
    c.faults.forEach((f, i) => {
      const got = step.faults[i];
      expect(got?.handler, `fault ${i}`).toBe(f.handler);
      if (f.esr !== undefined) expect(hex(got?.esr), `fault ${i} ESR`).toBe(f.esr);
      if (f.ret !== undefined) expect(got?.ret, `fault ${i} return`).toBe(f.ret);
    });
  }
  if (c.faultCount !== undefined) expect(step.faults.length).toBe(c.faultCount);
  if (c.rmiCalls !== undefined) expect(step.rmi.length).toBe(c.rmiCalls);
  for (const r of c.rmi ?? []) {
    const n = step.rmi.filter(
      (x) =>
        x.cmd === r.cmd &&
        (r.status === undefined || x.status === r.status) &&
        (r.index === undefined || x.index === r.index),
    ).length;
    expect(n, `${r.cmd} ${r.status ?? ''}`).toBe(r.count);
  }
  if (c.warnings !== undefined) expect(step.warnings).toEqual(c.warnings);
}

describe('onboarding exercises', () => {
  it('has at least eight, with distinct ids and a question, a prediction, an answer and sources each', () => {
    expect(EXERCISES.length).toBeGreaterThanOrEqual(8);
    const ids = EXERCISES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of EXERCISES) {
      expect(e.id).toMatch(/^[a-z0-9-]+$/);
      for (const t of [e.title, e.question, e.predict, e.sources, ...e.answer]) expect(t.trim()).not.toBe('');
      expect(e.runs.length).toBeGreaterThan(0);
      for (const r of e.runs) expect(r.claims.length, `${e.id}: ${r.label}`).toBeGreaterThan(0);
    }
  });

  for (const e of EXERCISES) {
    for (const r of e.runs) {
      it(`${e.id}: ${r.label} (${runCommand(r)})`, () => {
        const result = run(r);
        for (const c of r.claims) check(result.steps[c.step], c);
        if (r.violations !== undefined) {
          expect([...new Set(result.violations.map((v) => v.invariant))].sort()).toEqual(r.violations);
        }
      });
    }
  }

  it('names only known functions and built-in scenarios in its text', () => {
    for (const e of EXERCISES) {
      const texts = [e.title, e.question, e.predict, ...e.answer, ...e.runs.map((r) => r.label)];
      for (const t of texts) {
        for (const m of t.matchAll(/`([^`]+)`/g)) {
          const fn = calledFunction(m[1] ?? '');
          if (fn !== undefined) expect(KNOWN_FUNCTION_NAMES.has(fn), `${e.id}: ${fn}()`).toBe(true);
          for (const s of scenarioFlags(m[1] ?? '')) expect(BUILTIN_SCENARIO_NAMES).toContain(s.name);
        }
        for (const m of t.matchAll(/`([a-z0-9]+(?:-[a-z0-9]+)+)`/g)) {
          expect(BUILTIN_SCENARIO_NAMES, `${e.id}: scenario ${m[1] ?? ''}`).toContain(m[1]);
        }
      }
      for (const r of e.runs) {
        if (typeof r.scenario === 'string') expect(BUILTIN_SCENARIO_NAMES).toContain(r.scenario);
        for (const c of r.claims)
          for (const w of c.warnings ?? []) expect(KNOWN_FUNCTION_NAMES.has(w)).toBe(true);
      }
    }
  });

  it('describes claims and renders its text subset safely', () => {
    expect(
      describeClaim({
        step: 0,
        outcome: 'kvm_run_error',
        errno: 'EINVAL',
        warnings: ['realm_map_non_secure'],
      }),
    ).toEqual(['outcome `kvm_run_error`', '`KVM_RUN` fails with EINVAL', 'WARN in `realm_map_non_secure()`']);
    expect(inlineHtml('a `<b>` **c** [d](/e/) <i>')).toBe(
      'a <code>&lt;b&gt;</code> <strong>c</strong> <a href="/e/">d</a> &lt;i&gt;',
    );
    expect(inlineHtml('[x](https://evil.example/)')).toBe('[x](https://evil.example/)');
  });

  it('renders citations as links to the registry address and fails on an unknown source', () => {
    // Built from parts so that no citation checker mistakes these test strings for citations.
    const at = '[' + '@';
    const h = inlineHtml(`see ${at}v14-29-shan-0625; @tf-rmm-exit.c:265-273] and \`${at}not-code]\``);
    expect(h).toMatch(/^see \[<a class="rf-cite" href="https:\/\/lkml\.iu\.edu\/[^"]+"[^>]*>[^<]+<\/a>; /);
    expect(h).toContain(
      'href="https://github.com/TF-RMM/tf-rmm/blob/9a7f8ef46378320ad69140a42e51c1ccf5914661/runtime/core/exit.c#L265-L273"',
    );
    expect(h.endsWith(`</a>] and <code>${at}not-code]</code>`)).toBe(true);
    expect(() => inlineHtml(`${at}no-such-source]`)).toThrow(/no-such-source/);
  });

  it('says which function returned what for each fault', () => {
    expect(
      describeClaim({
        step: 0,
        rsi: 'RSI_ERROR_INPUT',
        faults: [
          { handler: 'gmem_abort', esr: '0x90000005', ret: 1 },
          { handler: 'rmm_injected_sea', ret: 0 },
        ],
      }),
    ).toEqual([
      'the realm gets `RSI_ERROR_INPUT`',
      'faults: `gmem_abort()` ESR `0x90000005`, `kvm_handle_guest_abort()` returned 1; then SEA injected by the RMM, no host exit',
    ]);
  });

  it('cites only sources the registry knows, in every text field', () => {
    for (const e of EXERCISES) {
      for (const t of [e.question, e.predict, e.sources, ...e.answer])
        expect(() => inlineHtml(t), e.id).not.toThrow();
      expect(e.sources, e.id).toMatch(/\[@/);
    }
  });
});

describe('the exercises page', () => {
  it('shows every exercise once, in order, under a heading that is its title', async () => {
    const { readFileSync } = await import('node:fs');
    const page = readFileSync('src/content/docs/start-here/exercises.mdx', 'utf8');
    const shown = [...page.matchAll(/^## (.+)\n\n<Exercise id="([^"]+)" \/>$/gm)].map((m) => [m[2], m[1]]);
    expect(shown).toEqual(EXERCISES.map((e) => [e.id, e.title]));
    expect(page.match(/<Exercise /g)?.length).toBe(EXERCISES.length);
  });
});
