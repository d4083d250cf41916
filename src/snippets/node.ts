/**
 * The Node evaluator for snippets: the build (src/plugins/sim) and the test suite run each
 * snippet in a fresh `vm` context with the same wall-clock limit the reader's worker has, so an
 * endless snippet fails the build instead of hanging it. The context is hardened as the worker
 * hardens itself (src/snippets/harden.ts), so a snippet that reaches for eval, fetch and the like
 * fails the build with the error a reader would see. Not a security boundary (page authors are
 * trusted; the model's functions come from Node's own realm); the reader's code runs only in the
 * browser's worker.
 */
import vm from 'node:vm';
import { harden } from './harden';
import { runSnippet, SNIPPET_LIMITS, type Evaluate, type LineOf, type SnippetRun } from './runtime';

const FILE = 'snippet.ts';

/**
 * The wrapper puts the snippet on the wrapper's own first line, so line N of the compiled code
 * is line N of the script and of the reader's snippet.
 */
const evaluate: Evaluate = (js, scope) => {
  const names = Object.keys(scope);
  const context = vm.createContext({ __rfScope: scope });
  const source = `(function (${names.join(', ')}) {${js}\n}).apply(undefined, [${names
    .map((n) => `__rfScope[${JSON.stringify(n)}]`)
    .join(', ')}]);`;
  const script = new vm.Script(source, { filename: FILE });
  harden(vm.runInContext('globalThis', context) as object);
  try {
    script.runInContext(context, { timeout: SNIPPET_LIMITS.timeoutMs });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new SnippetTimeout();
    }
    throw e;
  }
};

/** The snippet ran past the wall-clock limit. */
export class SnippetTimeout extends Error {
  constructor() {
    super(`the snippet ran longer than ${SNIPPET_LIMITS.timeoutMs} ms and was stopped`);
    this.name = 'SnippetTimeout';
  }
}

/** The first stack frame in the snippet file gives the line. */
const lineOf: LineOf = (e) => {
  const stack = (e as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return null;
  const m = new RegExp(`${FILE.replace('.', '\\.')}:(\\d+)`).exec(stack);
  return m ? Number(m[1]) : null;
};

/** Run one snippet in Node, as the build and the tests do. */
export function runSnippetInNode(code: string): SnippetRun {
  const run = runSnippet(code, evaluate, lineOf);
  if (run.problem?.kind === 'runtime' && run.problem.message.startsWith('SnippetTimeout:')) {
    return {
      ...run,
      problem: { kind: 'timeout', message: run.problem.message.replace(/^SnippetTimeout: /, ''), line: null },
    };
  }
  return run;
}
