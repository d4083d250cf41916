/**
 * The stepper's source index (src/stepper/source-index.ts) and event locator
 * (src/stepper/locate.ts): every mirrored function is found in its model file, every decide(),
 * WARN_ON*() and call site in the model resolves to a function, and every event of every
 * built-in scenario, under both variants, maps to a line inside the function it names.
 */
import {
  BUILTIN_SCENARIO_NAMES,
  getBuiltinScenario,
  MIRRORED_FUNCTIONS,
  runScenario,
  toJSONValue,
  VARIANTS,
} from '@realmfault/model';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { stepperDataFromTrace } from '../../src/stepper/data';
import { groupSteps, locateEvents } from '../../src/stepper/locate';
import { buildSourceIndex, patternOf } from '../../src/stepper/source-index';
import type { JsonEvent } from '../../src/stepper/types';

const index = buildSourceIndex();

/** Every call of decide(), WARN_ON*(), call() and callT() in the model sources, as file and line. */
function modelSites(): { file: string; line: number; callee: string }[] {
  const root = 'packages/model/src';
  const out: { file: string; line: number; callee: string }[] = [];
  for (const rel of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!rel.endsWith('.ts')) continue;
    const file = `packages/model/src/${rel}`;
    if (file.endsWith('sim/world.ts')) continue; // the helpers' own definitions
    const sf = ts.createSourceFile(file, readFileSync(join(root, rel), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
        const callee = n.expression.text;
        if (['decide', 'WARN_ON', 'WARN_ON_ONCE', 'call', 'callT'].includes(callee)) {
          out.push({ file, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, callee });
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

describe('source index over packages/model/src', () => {
  it('finds every MIRRORED_FUNCTIONS entry in the model file the table names', () => {
    for (const f of MIRRORED_FUNCTIONS) {
      const s = index.slices[f.name];
      expect(s, f.name).toBeDefined();
      expect(s?.model).toBe(`packages/model/${f.model}`);
      expect(s?.lines.length).toBe((s?.end ?? 0) - (s?.start ?? 0) + 1);
      expect(s?.decl).toBeGreaterThanOrEqual(s?.start ?? Infinity);
      expect(s?.decl).toBeLessThanOrEqual(s?.end ?? -Infinity);
    }
  });

  it('resolves every decide(), WARN_ON*() and call()/callT() site in the model to a slice', () => {
    const sites = modelSites();
    expect(sites.length).toBeGreaterThan(50);
    const slices = Object.values(index.slices);
    for (const site of sites) {
      const owner = slices.find((s) => s.model === site.file && s.start <= site.line && site.line <= s.end);
      expect(owner, `${site.file}:${String(site.line)} ${site.callee}()`).toBeDefined();
      if (site.callee === 'decide' || site.callee.startsWith('WARN_ON')) {
        const recorded = slices.some((s) =>
          s.sites.some((x) => x.kind !== 'call' && x.line === site.line && s.model === site.file),
        );
        expect(recorded, `${site.file}:${String(site.line)} ${site.callee}() is not indexed`).toBe(true);
      }
    }
  });

  it('builds decision patterns that keep literal text and leave computed parts open', () => {
    const expr = (code: string): ts.Expression => {
      const sf = ts.createSourceFile('x.ts', `(${code});`, ts.ScriptTarget.Latest, true);
      const st = sf.statements[0];
      if (st === undefined || !ts.isExpressionStatement(st)) throw new Error('bad snippet');
      return (st.expression as ts.ParenthesizedExpression).expression;
    };
    const re = (code: string): RegExp => new RegExp(patternOf(expr(code)), 's');
    expect(re("'a.b (c)'").test('a.b (c)')).toBe(true);
    expect(re("'a.b (c)'").test('axb (c)')).toBe(false);
    expect(re('`PFN ${hex(p)} is leaked`').test('PFN 0x12 is leaked')).toBe(true);
    expect(re('`PFN ${hex(p)} is leaked`').test('PFN 0x12 was leaked')).toBe(false);
    expect(re('() => `x ${a}`').test('x 1')).toBe(true);
    expect(re("c ? 'yes' : `no ${n}`").test('no 3')).toBe(true);
    expect(re("c ? 'yes' : `no ${n}`").test('maybe')).toBe(false);
  });
});

describe.each(VARIANTS)('every built-in scenario under %s', (variant) => {
  it.each(BUILTIN_SCENARIO_NAMES)('%s: each event maps to a line inside its function', (name) => {
    const trace = runScenario(getBuiltinScenario(name), { variant }).trace;
    const events = toJSONValue(trace) as JsonEvent[];
    const loc = locateEvents(events, index);
    expect(loc).toHaveLength(events.length);
    events.forEach((e, i) => {
      const l = loc[i];
      const where = `${name} event ${String(i)} (${e.type})`;
      if (l === undefined) throw new Error(`${where}: no location`);
      if (l.fn !== null) {
        const s = index.slices[l.fn];
        expect(s, where).toBeDefined();
        expect(l.line, where).not.toBeNull();
        expect(l.line ?? 0, where).toBeGreaterThanOrEqual(s?.start ?? Infinity);
        expect(l.line ?? 0, where).toBeLessThanOrEqual(s?.end ?? -Infinity);
      }
      const fn = e['fn'];
      switch (e.type) {
        case 'fn_enter':
          expect(l, where).toEqual({ fn, line: index.slices[String(fn)]?.decl, node: fn });
          break;
        case 'fn_return':
          expect(l, where).toEqual({ fn, line: index.slices[String(fn)]?.end, node: fn });
          break;
        case 'decision':
        case 'warn_on': {
          // The marked line is a decide()/WARN_ON site of that function whose text matches.
          expect(l.fn === fn || (index.scopes[String(fn)] ?? []).includes(String(l.fn)), where).toBe(true);
          const text = String(e.type === 'decision' ? e['what'] : e['cond']);
          const site = index.slices[String(l.fn)]?.sites.find(
            (s) => s.line === l.line && s.fn === fn && s.kind === (e.type === 'decision' ? 'decide' : 'warn'),
          );
          expect(site, `${where}: no site at line ${String(l.line)}`).toBeDefined();
          expect(new RegExp(site?.pattern ?? '^$', 's').test(text), `${where}: ${text}`).toBe(true);
          break;
        }
        case 'rmi_call':
          expect(l.node, where).toBe(e['cmd']);
          if (l.fn !== null) {
            // One line may issue either of two commands (`init ? RMI_RTT_INIT_RIPAS(…) : RMI_RTT_SET_RIPAS(…)`).
            const issued = (index.slices[l.fn]?.sites ?? [])
              .filter((s) => s.line === l.line && s.kind === 'call')
              .map((s) => s.fn);
            expect(issued, `${where}: the marked line issues ${String(e['cmd'])}`).toContain(e['cmd']);
          }
          break;
        default:
          break;
      }
    });
  });
});

describe('stepper steps (groupSteps)', () => {
  it('makes the setup one step, joins granule changes to the step before and keeps every other event', () => {
    const trace = runScenario(getBuiltinScenario('private-first-touch'), { variant: 'v14' }).trace;
    const events = toJSONValue(trace) as JsonEvent[];
    const steps = groupSteps(events);
    const firstScenarioStep = events.findIndex((e) => e.type === 'step' && e['index'] === 0);
    expect(steps[0]).toBe(0);
    expect(steps[1]).toBe(firstScenarioStep);
    const later = events.slice(firstScenarioStep);
    expect(steps.length - 1).toBe(later.filter((e) => e.type !== 'granule_change').length);
    for (const s of steps.slice(1)) expect(events[s]?.type).not.toBe('granule_change');
  });

  it('ships only the source slices the trace touches', () => {
    const trace = runScenario(getBuiltinScenario('mmio-no-syndrome'), { variant: 'v14' }).trace;
    const data = stepperDataFromTrace('mmio-no-syndrome', 'v14', trace, index);
    const used = new Set(data.loc.map((l) => l.fn).filter((f) => f !== null));
    expect(new Set(Object.keys(data.sources))).toEqual(used);
    expect(data.sources['gmem_abort']).toBeUndefined();
    expect(data.prose).toHaveLength(trace.length);
  });
});
