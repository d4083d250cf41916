/**
 * The snippet runtime (src/snippets/runtime.ts) with the Node evaluator (src/snippets/node.ts),
 * as the build and the snippet tests run it: how output is formatted, how each way of failing
 * is reported (kind, message, line in the reader's code), the limits, and determinism.
 */
import { describe, expect, it } from 'vitest';
import { formatEvent, getBuiltinScenario, runScenario } from '@realmfault/model';
import { runSnippetInNode } from '../../src/snippets/node.js';
import {
  compileSnippet,
  describeThrown,
  formatRun,
  formatValue,
  SNIPPET_LIMITS,
  SNIPPET_MODULE,
} from '../../src/snippets/runtime.js';

/** Lines joined, so a snippet reads like the code block on a page. */
const code = (...lines: string[]): string => lines.join('\n');

describe('output formatting', () => {
  it('prints bigints in hex, also inside objects, arrays, Maps and Sets', () => {
    const run = runSnippetInNode(
      code(
        'console.log(0x46880000n, -255n);',
        'console.log({ ipa: 0x1000n, list: [1n, 2n], m: new Map([[3n, "x"]]), s: new Set([4n]) });',
      ),
    );
    expect(run.problem).toBeNull();
    const [first, ...rest] = run.output.split('\n');
    expect(first).toBe('0x46880000 -0xff');
    expect(JSON.parse(rest.join('\n'))).toEqual({
      ipa: '0x1000',
      list: ['0x1', '0x2'],
      m: [['0x3', 'x']],
      s: ['0x4'],
    });
  });

  it('prints strings as they are, other primitives as JavaScript does, arguments joined by a space', () => {
    const run = runSnippetInNode('console.log("a b", 1.5, true, null, undefined, "")');
    expect(run.output).toBe('a b 1.5 true null undefined ');
  });

  it('prints errors as "Name: message", functions and cycles by name', () => {
    const run = runSnippetInNode(
      code(
        'const o: { self?: unknown; f: () => void } = { f: function named() {} };',
        'o.self = o;',
        'console.log(new RangeError("out of range"));',
        'console.log(o);',
      ),
    );
    expect(run.problem).toBeNull();
    const [err, ...obj] = run.output.split('\n');
    expect(err).toBe('RangeError: out of range');
    expect(JSON.parse(obj.join('\n'))).toEqual({ f: '[function named]', self: '[circular]' });
  });

  it('captures every console method, in order', () => {
    const run = runSnippetInNode('console.info(1); console.warn(2); console.error(3); console.debug(4);');
    expect(run.output).toBe('1\n2\n3\n4');
  });

  it('formatValue and formatRun agree with what the snippet printed', () => {
    expect(formatValue({ a: 10n })).toBe('{\n  "a": "0xa"\n}');
    const run = runSnippetInNode('console.log("x");\nnull!.y;');
    expect(formatRun(run)).toBe(`x\n✗ ${run.problem?.message ?? '?'} (line 2)`);
  });
});

describe('problems, with the line in the reader code', () => {
  it('a syntax error names its line and prints nothing', () => {
    const run = runSnippetInNode(code('const a = 1;', 'const b = ;', 'console.log(a);'));
    expect(run.output).toBe('');
    expect(run.problem).toMatchObject({ kind: 'syntax', line: 2 });
    expect(run.problem?.message).toMatch(/^SyntaxError: /);
    expect(compileSnippet('let x: number = 1;')).toEqual({
      js: expect.stringContaining('let x = 1') as unknown,
    });
  });

  it('a TypeError on line 3 reports line 3, after the output printed before it', () => {
    const run = runSnippetInNode(
      code('const o: { f?: () => void } = {};', 'console.log("before");', 'o.f!();', 'console.log("after");'),
    );
    expect(run.output).toBe('before');
    expect(run.problem).toMatchObject({ kind: 'runtime', line: 3 });
    expect(run.problem?.message).toMatch(/^TypeError: /);
  });

  it('type annotations do not shift lines', () => {
    const run = runSnippetInNode(
      code(
        'interface Pair {',
        '  a: number;',
        '  b: number;',
        '}',
        'type T = Pair;',
        'const p: T = { a: 1, b: 2 };',
        'throw new Error(`line 7 ${p.a}`);',
      ),
    );
    expect(run.problem).toMatchObject({ kind: 'runtime', message: 'Error: line 7 1', line: 7 });
  });

  it('throwing a non-Error says what was thrown', () => {
    expect(runSnippetInNode('throw "boom";').problem).toMatchObject({
      kind: 'runtime',
      message: 'Uncaught boom (a string was thrown, not an Error)',
    });
    expect(runSnippetInNode('throw { code: 42n };').problem?.message).toBe(
      'Uncaught {"code":"0x2a"} (an object was thrown, not an Error)',
    );
    expect(describeThrown(undefined)).toBe('Uncaught undefined (an undefined was thrown, not an Error)');
  });

  it('recursion past the stack is a RangeError with the recursing line', () => {
    const run = runSnippetInNode(
      code('function f(n: number): number {', '  return f(n + 1) + 1;', '}', 'f(0);'),
    );
    expect(run.problem?.kind).toBe('runtime');
    expect(run.problem?.message).toMatch(/^RangeError: Maximum call stack size exceeded/);
    expect(run.problem?.line).toBe(2);
  });

  it('an import of anything but the model names the module (the import is used, so it is kept)', () => {
    const run = runSnippetInNode(
      code('console.log("start");', "import { readFileSync } from 'node:fs';", 'console.log(readFileSync);'),
    );
    expect(run.problem?.kind).toBe('runtime');
    expect(run.problem?.message).toBe(
      `SnippetImportError: cannot import "node:fs": a snippet can import only "${SNIPPET_MODULE}"`,
    );
    // sucrase turns the import into a require() where it stands (in the worker too).
    expect(run.output).toBe('start');
    expect(run.problem?.line).toBe(2);
  });

  it('the model is importable by name and is the real model', () => {
    const run = runSnippetInNode(
      code(
        "import { runScenario, getBuiltinScenario } from '@realmfault/model';",
        "const r = runScenario(getBuiltinScenario('private-first-touch'), { variant: 'v14' });",
        'console.log(r.steps.map((s) => s.outcome).join(","));',
      ),
    );
    const direct = runScenario(getBuiltinScenario('private-first-touch'), { variant: 'v14' });
    expect(run.problem).toBeNull();
    expect(run.output).toBe(direct.steps.map((s) => s.outcome).join(','));
  });
});

describe('limits', () => {
  it('a model run past the budget is kind budget, at the line of the call', () => {
    const run = runSnippetInNode(
      code(
        "import { runScenario, getBuiltinScenario } from '@realmfault/model';",
        "const s = getBuiltinScenario('private-first-touch');",
        'runScenario(s, { budget: 10 });',
      ),
    );
    expect(run.problem?.kind).toBe('budget');
    expect(run.problem?.message).toMatch(/^StepBudgetExceeded: /);
    expect(run.problem?.message).toContain(SNIPPET_LIMITS.budget.toLocaleString('en'));
    expect(run.problem?.line).toBe(3);
  });

  it('an endless loop is stopped as a timeout, within the limit (plus slack for the machine)', () => {
    const t = performance.now();
    const run = runSnippetInNode(code('console.log("spinning");', 'for (;;) {}'));
    const ms = performance.now() - t;
    expect(run.problem).toMatchObject({ kind: 'timeout' });
    expect(run.problem?.message).toContain(`${String(SNIPPET_LIMITS.timeoutMs)} ms`);
    expect(run.output).toBe('spinning');
    expect(ms).toBeGreaterThanOrEqual(SNIPPET_LIMITS.timeoutMs - 50);
    expect(ms).toBeLessThan(SNIPPET_LIMITS.timeoutMs + 1500);
  });

  it('an endless loop of model runs is stopped too, keeping the first traces only', () => {
    const run = runSnippetInNode(
      code(
        "import { runScenario, getBuiltinScenario } from '@realmfault/model';",
        "for (;;) runScenario(getBuiltinScenario('private-first-touch'));",
      ),
    );
    expect(run.problem?.kind).toBe('timeout');
    expect(run.traces).toHaveLength(SNIPPET_LIMITS.traces);
  });

  it('output past the cap stops the snippet: kind output, output cut at the cap', () => {
    const run = runSnippetInNode(code('let i = 0;', 'for (;;) console.log("line", i++);'));
    expect(run.problem).toMatchObject({ kind: 'output', line: 2 });
    expect(run.output.length).toBeLessThanOrEqual(SNIPPET_LIMITS.outputChars);
    expect(run.output.length).toBeGreaterThan(SNIPPET_LIMITS.outputChars - 20);
    expect(run.output.startsWith('line 0\nline 1\n')).toBe(true);
  });
});

describe('traces', () => {
  it('records the first run: scenario, variant and the model formatEvent text of each event', () => {
    const run = runSnippetInNode(
      code(
        "import { runScenario, getBuiltinScenario } from '@realmfault/model';",
        "runScenario(getBuiltinScenario('thp-unaligned'), { variant: 'post-v14-review' });",
      ),
    );
    const direct = runScenario(getBuiltinScenario('thp-unaligned'), { variant: 'post-v14-review' });
    expect(run.traces).toHaveLength(1);
    const [trace] = run.traces;
    expect(trace?.scenario).toBe('thp-unaligned');
    expect(trace?.variant).toBe('post-v14-review');
    expect(trace?.lines).toEqual(direct.trace.map((e) => formatEvent(e)));
    expect(trace?.depths).toEqual(direct.trace.map((e) => e.depth));
    expect(trace?.events).toHaveLength(direct.trace.length);
  });

  it('is deterministic: the same snippet twice gives identical output and traces', () => {
    const snippet = code(
      "import { runScenario, getBuiltinScenario, formatTrace } from '@realmfault/model';",
      "const r = runScenario(getBuiltinScenario('invalidation-race'), { variant: 'v14' });",
      'console.log(r.steps, formatTrace(r.trace));',
    );
    const a = runSnippetInNode(snippet);
    const b = runSnippetInNode(snippet);
    expect(a.problem).toBeNull();
    expect(a.output.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
  });
});
