/**
 * The playground editor's pure parts (src/playground/json-doc.ts, diagnostics.ts): reading JSON
 * with the source range of every value, mapping the model parser's field paths to ranges (and
 * back), and telling what the cursor is on. The paths checked against ranges come from the
 * model's own parser, so a change in how it names fields shows up here.
 */
import { BUILTIN_SCENARIOS, parseScenarioJson, ScenarioError } from '@realmfault/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateProblem, offsetOf } from '../../src/playground/diagnostics';
import {
  contextAt,
  fieldAt,
  formatFieldPath,
  keyAt,
  nodeAt,
  parseFieldPath,
  rangeOfPath,
  readJson,
  type JsonNode,
} from '../../src/playground/json-doc';

/** The parser's error for `text`. */
function parserError(text: string): ScenarioError {
  try {
    parseScenarioJson(text);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('the scenario is valid');
}

/** The plain JSON value a node stands for (to compare the reader with JSON.parse). */
function plain(node: JsonNode | null): unknown {
  if (node === null) return undefined;
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'array') return node.items.map(plain);
  return Object.fromEntries(node.props.map((p) => [p.key, plain(p.value)]));
}

const pretty = (x: unknown): string => JSON.stringify(x, null, 2);

describe('readJson', () => {
  it('reads valid JSON as JSON.parse does, with each value’s exact source range', () => {
    for (const doc of BUILTIN_SCENARIOS) {
      const text = pretty(doc);
      const root = readJson(text);
      expect(plain(root)).toEqual(JSON.parse(text));
      expect(root?.from).toBe(0);
      expect(root?.to).toBe(text.length);
    }
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (v, indent) => {
        const text = JSON.stringify(v, null, indent ? 2 : 0);
        const root = readJson(text);
        expect(plain(root)).toEqual(JSON.parse(text));
        const walk = (n: JsonNode | null): void => {
          if (n === null) return;
          expect(JSON.parse(text.slice(n.from, n.to))).toEqual(plain(n));
          if (n.kind === 'array') n.items.forEach(walk);
          if (n.kind === 'object') {
            for (const p of n.props) {
              expect(JSON.parse(text.slice(p.keyFrom, p.keyTo))).toBe(p.key);
              walk(p.value);
            }
          }
        };
        walk(root);
      }),
    );
  });

  it('reads half-typed text without throwing', () => {
    const root = readJson('{\n  "name": "x",\n  "steps": [\n    { "guest": "re');
    expect(root?.kind).toBe('object');
    const step = nodeAt(root, ['steps', 0]);
    expect(step?.kind).toBe('object');
    expect(plain(step)).toEqual({ guest: 're' });
    // A missing comma between fields, a field without a value, a stray closing bracket.
    expect(plain(readJson('{"a": 1 "b": 2}'))).toEqual({ a: 1, b: 2 });
    expect(plain(readJson('{"a": , "b": true}'))).toEqual({ a: undefined, b: true });
    expect(plain(readJson('[1, ], 2]'))).toEqual([1]);
    expect(readJson('')).toBeNull();
    expect(readJson('   ')).toBeNull();
    // Deep nesting is read without recursion.
    const deep = '['.repeat(100_000);
    expect(readJson(deep)?.kind).toBe('array');
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', 'a', '1', ' ', '\n', '\\') }),
        (t) => {
          readJson(t);
        },
      ),
    );
  });
});

describe('field paths', () => {
  it('parses the parser’s paths and writes them back the same way', () => {
    expect(parseFieldPath('')).toEqual([]);
    expect(parseFieldPath('steps[2].ipa')).toEqual(['steps', 2, 'ipa']);
    expect(parseFieldPath('steps[0].interleave[1].steps[3].gpa')).toEqual([
      'steps',
      0,
      'interleave',
      1,
      'steps',
      3,
      'gpa',
    ]);
    expect(parseFieldPath('toggles."odd name"')).toEqual(['toggles', 'odd name']);
    expect(parseFieldPath('"x.y"')).toEqual(['x.y']);
    for (const bad of ['steps[', 'steps[x]', '.a', 'a..b', 'a b', '"open'])
      expect(parseFieldPath(bad)).toBeNull();
    for (const p of ['steps[2].ipa', 'toggles."odd name"', 'memslots[0]', 'mutations[1]', '"a b".c[0]']) {
      expect(formatFieldPath(parseFieldPath(p) ?? [])).toBe(p);
    }
  });

  it('maps every field the parser names to that field’s range', () => {
    // Each step field of each built-in scenario, made invalid in turn: the parser's path must
    // lead to exactly the broken value.
    let checked = 0;
    for (const doc of BUILTIN_SCENARIOS) {
      const steps = (doc as { steps: Record<string, unknown>[] }).steps;
      steps.forEach((step, i) => {
        for (const field of Object.keys(step)) {
          if (field === 'interleave') continue;
          const broken = structuredClone(doc) as { steps: Record<string, unknown>[] };
          (broken.steps[i] as Record<string, unknown>)[field] = 'BROKEN';
          const text = pretty(broken);
          const e = parserError(text);
          expect(e.path).toBe(`steps[${String(i)}].${field}`);
          const p = locateProblem(text, e.path, e.message);
          expect(text.slice(p.from, p.to)).toBe('"BROKEN"');
          expect(p.exact).toBe(true);
          expect(p.message).toBe(e.message);
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('shows a missing field on its parent, an object or array by its name or bracket', () => {
    const text = pretty({ name: 'x', memslots: [], steps: [{ guest: 'read' }] });
    const e = parserError(text);
    expect(e.path).toBe('steps[0].ipa');
    const p = locateProblem(text, e.path, e.message);
    expect(text.slice(p.from, p.to)).toBe('{');
    expect(p.from).toBe(text.indexOf('{', text.indexOf('"steps"')));
    expect(p.exact).toBe(false);
    // A required top-level field: the document's opening brace.
    const noSteps = pretty({ name: 'x', memslots: [] });
    const e2 = parserError(noSteps);
    expect(e2.path).toBe('steps');
    expect(locateProblem(noSteps, e2.path, e2.message)).toMatchObject({ from: 0, to: 1, exact: false });
    // A field whose value is an object: its name, not the whole block.
    const root = readJson(pretty({ realm: { ipaBits: 41 } }));
    const r = rangeOfPath(root, ['realm']);
    expect(r).toMatchObject({ exact: true });
    expect(pretty({ realm: { ipaBits: 41 } }).slice(r?.from, r?.to)).toBe('"realm"');
    // An unknown field: the parser names it, and its value is marked.
    const extra = pretty({ name: 'x', memslots: [], steps: [], colour: 'blue' });
    const e3 = parserError(extra);
    expect(e3.path).toBe('colour');
    const p3 = locateProblem(extra, e3.path, e3.message);
    expect(extra.slice(p3.from, p3.to)).toBe('"blue"');
  });

  it('puts a JSON syntax error on the character the parser names', () => {
    const cases = [
      ['{\n  "name": "x",\n  "memslots": [] oops\n}', 'o'],
      ['{\n  "name": "x",,\n}', ','],
      ['{\n  "name": \'x\'\n}', "'"],
      ['[1, 2', '2'],
    ] as const;
    for (const [text, char] of cases) {
      const e = parserError(text);
      expect(e.path).toBe('');
      expect(e.message).toMatch(/at line \d+, column \d+$/);
      const p = locateProblem(text, e.path, e.message);
      expect(text.slice(p.from, p.to)).toBe(char);
    }
    expect(offsetOf('ab\ncd', 2, 2)).toBe(4);
    expect(offsetOf('ab\ncd', 9, 1)).toBe(5);
    expect(offsetOf('', 1, 1)).toBe(0);
    // Not a JSON object at all, or empty: the first character, and never a throw.
    expect(locateProblem('[]', '', parserError('[]').message)).toMatchObject({ from: 0, to: 1 });
    expect(locateProblem('', '', 'scenario: expected a JSON object, got empty input')).toMatchObject({
      from: 0,
      to: 0,
    });
  });
});

describe('what the cursor is on', () => {
  const at = (marked: string): ReturnType<typeof contextAt> => {
    const pos = marked.indexOf('|');
    const text = marked.replace('|', '');
    return contextAt(text, readJson(text), pos);
  };

  it('a field name being typed, with the path of its object', () => {
    expect(at('{"steps": [{"guest": "write", "i|"}]}')).toMatchObject({
      kind: 'key',
      path: ['steps', 0],
      typed: 'i',
      hasColon: false,
    });
    const c = at('{"realm": {"ip|Bits": 41}}');
    expect(c).toMatchObject({ kind: 'key', path: ['realm'], typed: 'ip', hasColon: true });
    // The range a completion replaces is the whole name, quotes included.
    expect(c?.to).toBe('{"realm": {"ipBits"'.length);
    // A gap where a name can go.
    expect(at('{"name": "x", |}')).toMatchObject({ kind: 'key', path: [], typed: '' });
    expect(at('{"memslots": [{|}]}')).toMatchObject({ kind: 'key', path: ['memslots', 0] });
  });

  it('a value, with the path of its field or item', () => {
    expect(at('{"variant": "po|"}')).toMatchObject({ kind: 'value', path: ['variant'], typed: 'po' });
    expect(at('{"variant": |}')).toMatchObject({ kind: 'value', path: ['variant'], typed: '' });
    expect(at('{"steps": [{"size": 4|}]}')).toMatchObject({ kind: 'value', path: ['steps', 0, 'size'] });
    expect(at('{"mutations": ["a", |]}')).toMatchObject({ kind: 'value', path: ['mutations', 1] });
    expect(at('{"mutations": ["a", "b|"]}')).toMatchObject({
      kind: 'value',
      path: ['mutations', 1],
      typed: 'b',
    });
    // On a bracket of a nested value, or outside everything: nothing to complete.
    expect(at('|{"a": 1}')).toBeNull();
  });

  it('the field name under the mouse, and the field of a value for the keyboard', () => {
    const text = pretty({ steps: [{ guest: 'read', isv: false }] });
    const root = readJson(text);
    const pos = text.indexOf('"isv"') + 2;
    expect(keyAt(root, pos)?.path).toEqual(['steps', 0, 'isv']);
    expect(keyAt(root, text.indexOf('false'))).toBeNull();
    expect(fieldAt(root, text.indexOf('false') + 1)?.path).toEqual(['steps', 0, 'isv']);
    expect(fieldAt(root, pos)?.path).toEqual(['steps', 0, 'isv']);
  });
});
