/**
 * The generated Scenarios pages (issue 6): every built-in scenario has primary sources, its page
 * shows what the simulator computes, its JSON round-trips through the public parser, and the
 * sidebar lists exactly the built-in scenarios. Expected values are computed from the model.
 */
import {
  BUILTIN_SCENARIO_NAMES,
  BUILTIN_SCENARIOS,
  citationProblems,
  findCitations,
  getBuiltinScenario,
  parseScenario,
  runScenario,
  VARIANTS,
} from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import {
  describeSteps,
  reproduceCommands,
  scenarioJson,
  scenarioRow,
  scenarioRows,
  stepOutcomeText,
} from '../../src/components/reference/scenario-runs.js';
import { scenarioHref, scenarioSidebarItems } from '../../src/components/reference/scenario-sidebar.js';
import { SCENARIO_SOURCES, scenarioSources } from '../../src/components/reference/scenario-sources.js';
import { citeHtml } from '../../src/widgets/cite-html.js';
import { BRIEF_CITATION } from '../../scripts/check-brief.mjs';

describe('SCENARIO_SOURCES (the primary sources behind each built-in scenario)', () => {
  it.each(BUILTIN_SCENARIO_NAMES)(
    '%s has at least one source, each a resolvable citation and a claim',
    (name) => {
      const sources = scenarioSources(name);
      expect(sources.length).toBeGreaterThan(0);
      for (const s of sources) {
        // Only citations: the rendered text is the links.
        const cites = findCitations(s.cite);
        expect(cites.length, s.cite).toBeGreaterThan(0);
        expect(s.cite.replace(/\[@[^\]]*\]/g, '').trim(), s.cite).toBe('');
        expect(citationProblems(s.cite), s.cite).toEqual([]);
        expect(citeHtml(s.cite)).toMatch(/<a class="rf-cite" href="https:\/\//);
        expect(s.supports.trim()).not.toBe('');
        // Primary sources, not the project's brief, and the variants by their current names.
        expect(`${s.cite} ${s.supports}`).not.toMatch(BRIEF_CITATION);
        expect(`${s.cite} ${s.supports}`).not.toMatch(/\bbrief\b|thread message|\bfixed\b/i);
      }
    },
  );

  it('has no entry for a scenario the model does not have', () => {
    expect(Object.keys(SCENARIO_SOURCES).filter((n) => !BUILTIN_SCENARIO_NAMES.includes(n))).toEqual([]);
  });

  it('fails naming the scenario when one has no sources', () => {
    expect(() => scenarioSources('no-such-scenario')).toThrow(/no-such-scenario/);
  });
});

describe('scenario descriptions', () => {
  it.each(BUILTIN_SCENARIO_NAMES)(
    '%s: shown as the model has it, its citations rendered as links',
    (name) => {
      const row = scenarioRow(name);
      expect(row.description).toBe(getBuiltinScenario(name).description);
      const html = citeHtml(row.description);
      expect((html.match(/<a class="rf-cite"/g) ?? []).length).toBe(
        findCitations(row.description).reduce((n, m) => n + m.refs.length, 0),
      );
      expect(html).not.toContain('[@');
    },
  );
});

describe('scenarioRow (the Scenarios table and the outcome table of each page)', () => {
  it.each(BUILTIN_SCENARIO_NAMES)('%s: per-step outcome, exits and errno equal a direct run', (name) => {
    const row = scenarioRow(name);
    const sc = getBuiltinScenario(name);
    expect(row.stepCount).toBe(sc.steps.length);
    for (const variant of VARIANTS) {
      const r = runScenario(sc, { variant });
      expect(row.runs[variant].steps.map((s) => [s.outcome, s.exits, s.errno])).toEqual(
        r.steps.map((s) => [s.outcome, s.exits.map((e) => e.reason), s.errno ?? null]),
      );
      expect(row.runs[variant].violations).toEqual(
        r.violations.map((v) => ({ invariant: v.invariant, step: v.step })),
      );
    }
    expect(row.differs).toBe(JSON.stringify(row.runs.v14) !== JSON.stringify(row.runs['post-v14-review']));
  });

  it('lists every built-in scenario once, in the model’s order', () => {
    expect(scenarioRows().map((r) => r.name)).toEqual([...BUILTIN_SCENARIO_NAMES]);
  });

  it('fails the build naming an unknown scenario and the valid names', () => {
    expect(() => scenarioRow('nope')).toThrow(/unknown built-in scenario "nope".*private-first-touch/);
  });

  it('shows the outcome, then exits and errno', () => {
    expect(stepOutcomeText({ index: 0, outcome: 'completed', exits: [], errno: null })).toBe('completed');
    expect(
      stepOutcomeText({
        index: 1,
        outcome: 'kvm_run_error',
        exits: ['KVM_EXIT_MEMORY_FAULT'],
        errno: 'EFAULT',
      }),
    ).toBe('kvm_run_error: KVM_EXIT_MEMORY_FAULT, EFAULT');
  });
});

describe('scenario page pieces', () => {
  it.each(BUILTIN_SCENARIO_NAMES)('%s: the JSON parses back to the same scenario', (name) => {
    expect(parseScenario(JSON.parse(scenarioJson(name)))).toEqual(getBuiltinScenario(name));
  });

  it.each(BUILTIN_SCENARIO_NAMES)('%s: one description per step, with interleaved steps', (name) => {
    const sc = getBuiltinScenario(name);
    const steps = describeSteps(name);
    expect(steps).toHaveLength(sc.steps.length);
    sc.steps.forEach((s, i) => {
      const inter = 'interleave' in s ? s.interleave.reduce((n, b) => n + b.steps.length, 0) : 0;
      expect(steps[i]?.interleaved).toHaveLength(inter);
    });
  });

  it('the JSON is the stored built-in, not a re-serialisation of the parsed form', () => {
    const raw = BUILTIN_SCENARIOS.find((s) => s['name'] === 'thp-aligned');
    expect(JSON.parse(scenarioJson('thp-aligned'))).toEqual(raw);
  });

  it('the CLI commands name the scenario and each variant', () => {
    expect(reproduceCommands('mmio-no-syndrome')).toEqual(
      VARIANTS.map((v) => `npx realmfault run --scenario mmio-no-syndrome --variant ${v}`),
    );
  });
});

describe('scenarioSidebarItems', () => {
  it('links every built-in scenario page, in the model’s order', () => {
    expect(scenarioSidebarItems()).toEqual(
      BUILTIN_SCENARIO_NAMES.map((name) => ({ label: name, link: scenarioHref(name) })),
    );
    expect(new Set(scenarioSidebarItems().map((i) => i.link)).size).toBe(BUILTIN_SCENARIO_NAMES.length);
  });
});
