/**
 * The snippet runner's lock-down (src/snippets/harden.ts, issue 16), in Node: harden() applied to
 * a vm context laid out like Chromium's worker global scope (importScripts, fetch and the timers
 * on a WorkerGlobalScope prototype, navigator.storage on the navigator's prototype), the order
 * the worker keeps (compile with the real constructor, then harden, then run), the build's
 * evaluator giving the reader's errors, and the runtime's refusal of import() in a snippet's text.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BLOCKED, FUNCTION_KINDS, harden, NO_EVAL } from '../../src/snippets/harden';
import { runSnippetInNode } from '../../src/snippets/node';
import {
  compileSnippet,
  DYNAMIC_IMPORT,
  DYNAMIC_IMPORT_MESSAGE,
  formatRun,
} from '../../src/snippets/runtime';
import { runInWorker } from '../../src/snippets/worker';

interface FakeWorker {
  context: vm.Context;
  global: Record<string, unknown>;
  /** What the original timers and importScripts were called with (`this` first). */
  calls: unknown[][];
  run: (code: string) => unknown;
}

/**
 * A fresh vm context whose global inherits, like a dedicated worker's, from a
 * DedicatedWorkerGlobalScope prototype and then a WorkerGlobalScope prototype that holds
 * importScripts, fetch, setTimeout and setInterval (recording fakes), with a navigator whose
 * prototype holds storage.
 */
function fakeWorker(): FakeWorker {
  const calls: unknown[][] = [];
  const context = vm.createContext({ __calls: calls });
  const run = (code: string): unknown => vm.runInContext(code, context);
  run(`
    const record = (name) => function (...args) { __calls.push([this === globalThis ? 'global' : this, name, ...args]); return 7; };
    const WorkerGlobalScope = function WorkerGlobalScope() {};
    for (const name of ['importScripts', 'fetch', 'setTimeout', 'setInterval']) {
      WorkerGlobalScope.prototype[name] = record(name);
    }
    const dedicated = Object.create(WorkerGlobalScope.prototype);
    Object.setPrototypeOf(globalThis, dedicated);
    globalThis.WorkerGlobalScope = WorkerGlobalScope;
    const WorkerNavigator = function WorkerNavigator() {};
    Object.defineProperty(WorkerNavigator.prototype, 'storage', { get: () => 'the storage manager', configurable: true });
    globalThis.navigator = new WorkerNavigator();
  `);
  return { context, global: run('globalThis') as Record<string, unknown>, calls, run };
}

/** The message the code's first throw carries (or "no error"). */
function thrown(w: FakeWorker, code: string): string {
  return w.run(
    `(() => { try { ${code}; return 'no error'; } catch (e) { return String(e && e.message); } })()`,
  ) as string;
}

const notAvailable = (what: string, why: string): string => `${what} is not available: ${why}`;

describe('harden() closes every way to code from a string', () => {
  it.each([
    ['indirect eval', '(0, eval)("1")', 'eval'],
    ['direct eval', 'eval("1")', 'eval'],
    ['eval as a property of the global', 'globalThis["ev" + "al"]("1")', 'eval'],
    ['the eval getter itself', 'Object.getOwnPropertyDescriptor(globalThis, "eval").get()', 'eval'],
    ['Function()', 'Function("return 1")()', 'Function'],
    ['new Function', 'new Function("return 1")', 'Function'],
    ['Reflect.construct(Function, …)', 'Reflect.construct(Function, ["return 1"])', 'Function'],
    ['the constructor of an arrow function', '(() => 0).constructor("return 1")', 'Function'],
    ['the constructor of a bound method', 'Math.max.bind(null).constructor("return 1")', 'Function'],
    [
      'super.constructor of a function prototype',
      '({ __proto__: Object.getPrototypeOf(() => 0), m() { return super.constructor; } }).m()',
      'Function',
    ],
    [
      'the AsyncFunction constructor',
      'Object.getPrototypeOf(async function () {}).constructor("return 1")',
      'AsyncFunction',
    ],
    [
      'the AsyncFunction constructor of an async arrow',
      '(async () => 0).constructor("return 1")',
      'AsyncFunction',
    ],
    [
      'the GeneratorFunction constructor',
      'Object.getPrototypeOf(function* () {}).constructor("yield 1")',
      'GeneratorFunction',
    ],
    [
      'the AsyncGeneratorFunction constructor',
      'Object.getPrototypeOf(async function* () {}).constructor("yield 1")',
      'AsyncGeneratorFunction',
    ],
    [
      'the constructor via __lookupGetter__',
      'Object.getPrototypeOf(() => 0).__lookupGetter__("constructor")()',
      'Function',
    ],
  ])('%s throws a clear error', (_what, code, name) => {
    const w = fakeWorker();
    harden(w.global);
    expect(thrown(w, code)).toBe(notAvailable(name, NO_EVAL));
  });

  it('names each of the four function constructors', () => {
    expect(FUNCTION_KINDS).toEqual([
      'Function',
      'AsyncFunction',
      'GeneratorFunction',
      'AsyncGeneratorFunction',
    ]);
  });

  it('refuses setTimeout and setInterval with a string, on the global and on its prototypes', () => {
    const w = fakeWorker();
    harden(w.global);
    const refused = (name: string) => notAvailable(`${name} with a string`, `${NO_EVAL} (pass a function)`);
    expect(thrown(w, 'setTimeout("1", 0)')).toBe(refused('setTimeout'));
    expect(thrown(w, 'setInterval("1", 0)')).toBe(refused('setInterval'));
    expect(thrown(w, 'WorkerGlobalScope.prototype.setTimeout.call(globalThis, "1")')).toBe(
      refused('setTimeout'),
    );
    expect(thrown(w, 'Object.getPrototypeOf(Object.getPrototypeOf(globalThis)).setInterval("1")')).toBe(
      refused('setInterval'),
    );
    // Anything but a function would be turned into a string of code.
    expect(thrown(w, 'setTimeout({ toString: () => "1" }, 0)')).toBe(refused('setTimeout'));
    expect(w.calls).toEqual([]);
  });

  it('still runs a function with setTimeout, passing the delay as a number and the arguments', () => {
    const w = fakeWorker();
    harden(w.global);
    w.run('globalThis.__f = () => 0; setTimeout(__f, "25", "a", 2); setInterval(__f);');
    const f = w.global['__f'];
    expect(w.calls).toEqual([
      ['global', 'setTimeout', f, 25, 'a', 2],
      ['global', 'setInterval', f, 0],
    ]);
  });

  it('blocks importScripts, fetch and navigator.storage wherever they are reached from', () => {
    const w = fakeWorker();
    harden(w.global);
    const imports = notAvailable('importScripts', BLOCKED['importScripts'] ?? '?');
    expect(thrown(w, 'importScripts("https://example.org/x.js")')).toBe(imports);
    expect(thrown(w, 'WorkerGlobalScope.prototype.importScripts.call(globalThis, "x.js")')).toBe(imports);
    expect(thrown(w, 'Object.getPrototypeOf(Object.getPrototypeOf(globalThis)).importScripts("x.js")')).toBe(
      imports,
    );
    expect(thrown(w, 'Object.getPrototypeOf(globalThis).fetch("x")')).toBe(
      notAvailable('fetch', BLOCKED['fetch'] ?? '?'),
    );
    expect(thrown(w, 'Object.getPrototypeOf(navigator).storage')).toBe(
      notAvailable('navigator.storage', "snippets run in a Web Worker without the page's DOM or storage"),
    );
    expect(thrown(w, 'new Worker("data:text/javascript,1")')).toBe(
      notAvailable('Worker', 'snippets cannot start other workers'),
    );
    expect(thrown(w, 'new FontFace("f", "url(https://example.org/f.woff2)")')).toBe(
      notAvailable('FontFace', 'snippets run in a Web Worker without network access'),
    );
    expect(w.calls).toEqual([]);
  });

  it('cannot be undone by the snippet', () => {
    const w = fakeWorker();
    harden(w.global);
    const originalEval = vm.runInNewContext('eval') as unknown;
    for (const code of [
      'Object.defineProperty(globalThis, "eval", { value: 1 })',
      'Object.defineProperty(Object.getPrototypeOf(() => 0), "constructor", { value: 1 })',
      'Object.defineProperty(WorkerGlobalScope.prototype, "importScripts", { value: 1 })',
      'Object.defineProperty(WorkerGlobalScope.prototype, "setTimeout", { value: 1 })',
      '(function () { "use strict"; delete Object.getPrototypeOf(() => 0).constructor; })()',
      '(function () { "use strict"; delete WorkerGlobalScope.prototype.importScripts; })()',
      '(function () { "use strict"; globalThis.setTimeout = 1; })()',
    ]) {
      expect(thrown(w, code), code).toMatch(/^Cannot (redefine|delete|assign)/);
    }
    // (Node's vm global answers a delete with false even in strict code; a worker's throws.)
    expect(w.run('delete globalThis.eval')).toBe(false);
    expect(thrown(w, 'globalThis.eval = 1')).toBe(notAvailable('eval', NO_EVAL));
    // Still locked after all that.
    expect(thrown(w, 'eval("1")')).toBe(notAvailable('eval', NO_EVAL));
    expect(thrown(w, 'setTimeout("1")')).toMatch(/^setTimeout with a string is not available/);
    expect(originalEval).toBeTypeOf('function');
  });

  it('keeps a function compiled before it (the worker compiles the snippet first) and ordinary code working', async () => {
    const w = fakeWorker();
    const RealFunction = w.global['Function'] as FunctionConstructor;
    // What the worker does before hardening: compile the snippet with the real constructor.
    const compiled = new RealFunction(
      'x',
      'return [x * 2, [1, 2].map((n) => n + x), JSON.stringify({ x })];',
    ) as (x: number) => unknown;
    harden(w.global);
    expect(compiled(21)).toEqual([42, [22, 23], '{"x":21}']);
    const result = w.run(`(async () => {
      class A { static make() { return new A(); } get v() { return 3; } }
      function* g() { yield 1; yield 2; }
      const fromAsync = await Promise.all([1, 2].map(async (n) => n * 10));
      return [A.make().v, [...g()], fromAsync, typeof (() => 0), (() => 0) instanceof Object];
    })()`) as Promise<unknown>;
    await expect(result).resolves.toEqual([3, [1, 2], [10, 20], 'function', true]);
  });

  it('does nothing the second time, and refuses to go on when a name cannot be blocked', () => {
    const w = fakeWorker();
    harden(w.global);
    expect(() => {
      harden(w.global);
    }).not.toThrow();
    const stuck = fakeWorker();
    stuck.run('Object.defineProperty(globalThis, "fetch", { value: () => 1, configurable: false })');
    expect(() => {
      harden(stuck.global);
    }).toThrow(/^the snippet runner could not block fetch \(.+\), so it did not run the snippet$/);
  });
});

describe('the worker compiles, then hardens, then runs', () => {
  it('hardens the given scope before the snippet runs, and not for a snippet that does not compile', () => {
    const broken = fakeWorker();
    expect(runInWorker('const = 1;', broken.global).run.problem?.kind).toBe('syntax');
    expect(broken.run('eval("1 + 1")')).toBe(2);

    const ok = fakeWorker();
    const result = runInWorker('console.log("ran");', ok.global);
    expect(result.text).toBe('ran');
    expect(thrown(ok, 'eval("1")')).toBe(notAvailable('eval', NO_EVAL));
  });

  it('reports a scope it could not harden as the problem, without running the snippet', () => {
    const stuck = fakeWorker();
    stuck.run('Object.defineProperty(globalThis, "fetch", { value: () => 1, configurable: false })');
    const result = runInWorker('console.log("ran");', stuck.global);
    expect(result.run.output).toBe('');
    expect(result.run.problem?.message).toMatch(/^Error: the snippet runner could not block fetch/);
  });
});

describe("the build's evaluator gives the reader's errors, with their lines", () => {
  it.each([
    [
      '(0, eval)',
      "console.log('a');\n(0, eval)('1 + 1');",
      'a\n✗ Error: eval is not available: ' + NO_EVAL + ' (line 2)',
    ],
    [
      'Function',
      "const f = Function('return 1');",
      `✗ Error: Function is not available: ${NO_EVAL} (line 1)`,
    ],
    [
      'AsyncFunction via a prototype',
      'const proto = Object.getPrototypeOf(async function () {});\nconst AsyncFunction = proto.constructor;',
      `✗ Error: AsyncFunction is not available: ${NO_EVAL} (line 2)`,
    ],
    [
      'Reflect.construct',
      "Reflect.construct(Function, ['return 1']);",
      `✗ Error: Function is not available: ${NO_EVAL} (line 1)`,
    ],
    [
      'a nested worker',
      "new Worker('data:text/javascript,1');",
      '✗ Error: Worker is not available: snippets cannot start other workers (line 1)',
    ],
  ])('%s', (_what, code, text) => {
    expect(formatRun(runSnippetInNode(code))).toBe(text);
  });

  it('still runs an ordinary snippet: the model, classes, generators, promises', () => {
    const run = runSnippetInNode(
      [
        "import { BUILTIN_SCENARIO_NAMES } from '@realmfault/model';",
        'function* twice<T>(x: T) { yield x; yield x; }',
        'class C { n = BUILTIN_SCENARIO_NAMES.length; }',
        'console.log([...twice(new C().n > 0)], typeof Promise.resolve(1).then);',
      ].join('\n'),
    );
    expect(formatRun(run)).toBe('[\n  true,\n  true\n] function');
  });
});

describe('a dynamic import in the text of a snippet is refused', () => {
  it.each([
    ['a call', "import('https://example.org/x.js')"],
    ['a spread call', "[...import('z')]"],
    ['whitespace and a line break first', "import\n  ('x')"],
    ['a block comment first', "import /* c */ ('x')"],
    ['a line comment first', "import // c\n('x')"],
    ['an HTML-like open comment first', "import <!-- c\n('x')"],
    ['an HTML-like close comment first', "import\n--> c\n('x')"],
    ['import.source()', "import.source('x')"],
    ['import.defer() with comments', "import . /* a */ defer /* b */ ('x')"],
    ['an escaped name after import.', "import.\\u0073ource('x')"],
    ['a string for eval', `(0, eval)("import('x')")`],
  ])('%s', (_what, js) => {
    expect(DYNAMIC_IMPORT.test(js)).toBe(true);
  });

  it.each([
    ['a longer name', "reimport('x'); $import('x'); import_('x')"],
    ['importScripts', "importScripts('/pwned-import.js')"],
    ['a file name with import.', 'console.log("import.js")'],
    ['import.meta (a syntax error in a snippet anyway)', 'import.meta'],
    ['an escaped keyword (a name, or a syntax error)', "x.\\u0069mport('x')"],
  ])('but not %s', (_what, js) => {
    expect(DYNAMIC_IMPORT.test(js)).toBe(false);
  });

  it('with its line, before anything runs', () => {
    const run = runSnippetInNode("console.log('never');\n\nvoid import('https://example.org/x.js');");
    expect(run.output).toBe('');
    expect(run.problem).toEqual({ kind: 'syntax', message: DYNAMIC_IMPORT_MESSAGE, line: 3 });
  });

  it('also where the type stripper thinks it is inside a template (an HTML-like comment hides it)', () => {
    // sucrase reads `<!-- \`` as a comparison with a template literal spanning the next lines;
    // V8 reads `<!--` as a comment, so for V8 line 3 is code.
    const code = "const a = 1;\na <!-- `\nimport('https://example.org/x.js');\n<!-- `;";
    expect(compileSnippet(code)).toEqual({
      problem: { kind: 'syntax', message: DYNAMIC_IMPORT_MESSAGE, line: 3 },
    });
  });

  it('a static import of the model is still fine', () => {
    const run = runSnippetInNode(
      "import { BUILTIN_SCENARIO_NAMES } from '@realmfault/model';\nconsole.log(BUILTIN_SCENARIO_NAMES.length > 0);",
    );
    expect(formatRun(run)).toBe('true');
  });
});
