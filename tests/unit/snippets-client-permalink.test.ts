/**
 * The browser side of snippets, the parts that need no DOM: permalinks (encode, parse, decode,
 * refusals), the check of the worker's result message, the page's copy of the time limit, and
 * the worker's `new Function` evaluator against the Node one the build uses.
 */
import { describe, expect, it } from 'vitest';
import { formatRun, SNIPPET_LIMITS } from '../../src/snippets/runtime';
import { runSnippetInNode } from '../../src/snippets/node';
import {
  decodePermalinkCode,
  HASH_PREFIX,
  MAX_CODE_CHARS,
  MAX_ENCODED_CHARS,
  parsePermalink,
  PermalinkError,
  permalinkHash,
} from '../../src/snippets/client/permalink';
import { checkResult } from '../../src/snippets/client/result';
import { TIMEOUT_MS, TIMEOUT_TEXT } from '../../src/snippets/client/runner';
import { runInWorker, WARM_UP } from '../../src/snippets/worker';

const CODE = `import { runScenario, getBuiltinScenario } from '@realmfault/model';
const r = runScenario(getBuiltinScenario('private-first-touch'), { variant: 'v14' });
console.log(r.steps.length, 'steps — ünïcode ✓');
`;

/** Decode the code of a hash made by permalinkHash. */
async function roundTrip(id: string, code: string): Promise<string> {
  const hash = await permalinkHash(id, code);
  const link = parsePermalink(hash);
  expect(link?.id).toBe(id);
  if (!link?.data) throw new Error(`no data in ${hash}`);
  return decodePermalinkCode(link.data);
}

describe('snippet permalinks', () => {
  it('round-trip code, including non-ASCII text, through a compact hash', async () => {
    const hash = await permalinkHash('rec-exit-1', CODE);
    expect(hash).toMatch(/^#snippet=rec-exit-1:[A-Za-z0-9_-]+$/);
    await expect(roundTrip('rec-exit-1', CODE)).resolves.toBe(CODE);
    await expect(roundTrip('a', '')).resolves.toBe('');
    // Real snippets repeat the model's names: a longer one compresses below its own length.
    const long = CODE.repeat(6);
    expect((await permalinkHash('a', long)).length).toBeLessThan(long.length / 2 + HASH_PREFIX.length);
    await expect(roundTrip('a', long)).resolves.toBe(long);
  });

  it('leave other hashes alone and read a link without code', () => {
    expect(parsePermalink('')).toBeNull();
    expect(parsePermalink('#the-first-touch')).toBeNull();
    expect(parsePermalink('#snippet=rec-exit-1')).toEqual({ id: 'rec-exit-1', data: null });
  });

  it('refuse malformed links with a message that says what is wrong', async () => {
    expect(() => parsePermalink('#snippet=Bad_Id:AAAA')).toThrow(/not a snippet id/);
    expect(() => parsePermalink('#snippet=x:not base64!')).toThrow(/not base64url/);
    expect(() => parsePermalink(`#snippet=x:${'A'.repeat(MAX_ENCODED_CHARS + 1)}`)).toThrow(/too long/);
    await expect(decodePermalinkCode('AAAAAAAA')).rejects.toThrow(/could not be decompressed/);
    await expect(decodePermalinkCode('A')).rejects.toThrow(PermalinkError);
    expect(() => parsePermalink('#snippet=x:')).toThrow(/not base64url/);
  });

  it('refuse a small link that inflates past the code limit, and code too long to link', async () => {
    const big = 'x'.repeat(MAX_CODE_CHARS + 1);
    await expect(permalinkHash('x', big)).rejects.toThrow(/at most/);
    // Compress it ourselves: highly repetitive text makes a tiny link.
    const bytes = new Uint8Array(
      await new Response(
        new Blob([big]).stream().pipeThrough(new CompressionStream('deflate-raw')),
      ).arrayBuffer(),
    );
    const data = btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(data.length).toBeLessThan(MAX_ENCODED_CHARS);
    await expect(decodePermalinkCode(data)).rejects.toThrow(/longer than/);
    // Incompressible code longer than a link can carry.
    let noise = '';
    let seed = 1;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      noise += String.fromCharCode(33 + (seed % 90));
    }
    await expect(permalinkHash('x', noise)).rejects.toThrow(/too long for a link/);
  });
});

describe('the worker result check', () => {
  const good = {
    kind: 'result',
    text: 'a\n✗ Error: x (line 2)',
    problemText: '✗ Error: x (line 2)',
    run: {
      output: 'a',
      problem: { kind: 'runtime', message: 'Error: x', line: 2 },
      traces: [{ scenario: 's', variant: 'v14', events: [], lines: ['e'], depths: [0] }],
    },
  };

  it('accepts a well-formed result and keeps only plain fields', () => {
    expect(checkResult(good)).toEqual({
      text: good.text,
      output: 'a',
      problemText: good.problemText,
      line: 2,
      traces: [{ scenario: 's', variant: 'v14', lines: ['e'], depths: [0] }],
    });
  });

  it.each([
    ['another kind', { ...good, kind: 'ready' }],
    ['no text', { ...good, text: 1 }],
    [
      'an unknown problem kind',
      { ...good, run: { ...good.run, problem: { ...good.run.problem, kind: 'pwned' } } },
    ],
    ['a bad line', { ...good, run: { ...good.run, problem: { ...good.run.problem, line: -1 } } }],
    ['a problem without its text', { ...good, problemText: null }],
    ['a problem text without a problem', { ...good, run: { ...good.run, problem: null } }],
    ['not an object', 'result'],
  ])('refuses %s', (_what, data) => {
    expect(checkResult(data)).toBeNull();
  });
});

describe('the worker evaluator', () => {
  it('warms a spare worker with a snippet that runs cleanly', () => {
    const run = runInWorker(WARM_UP).run;
    expect(run.problem).toBeNull();
    expect(run.output.split('\n').length).toBeGreaterThanOrEqual(4);
  });

  it('reports recursion past the stack as a RangeError in the recursing function', () => {
    // Where V8 notices the overflow (entry or call) varies with the stack; both lines are right.
    const code = 'function f(n: number): number {\n  return f(n + 1) + 1;\n}\nf(0);';
    for (const run of [runInWorker(code).run, runSnippetInNode(code)]) {
      expect(run.problem?.message).toBe('RangeError: Maximum call stack size exceeded');
      expect([1, 2]).toContain(run.problem?.line);
    }
  });

  it('uses the runtime time limit and the text Node gives a timeout', () => {
    expect(TIMEOUT_MS).toBe(SNIPPET_LIMITS.timeoutMs);
    expect(TIMEOUT_TEXT).toBe(
      formatRun({ output: '', problem: runSnippetInNode('for (;;) {}').problem, traces: [] }),
    );
  });

  it.each([
    ['a normal run', CODE],
    ['an error on line 3', 'const a = 1;\nconsole.log(a);\nnull!.x;\n'],
    ['a type annotation and a throw on line 2', 'const n: number = 1;\nthrow new RangeError(`n=${n}`);'],
    ['a non-Error throw', 'console.log(1);\nthrow 42;'],
    ['a syntax error', 'const x = 1;\nconst = ;'],
    ['an import of another module', "import fs from 'node:fs';\nconsole.log(fs);"],
    ['an output flood', "for (let i = 0; ; i++) console.log('line', i);"],
  ])('gives the output and problem line Node gives for %s', (_what, code) => {
    const inWorker = runInWorker(code);
    const inNode = runSnippetInNode(code);
    expect(inWorker.text).toBe(formatRun(inNode));
    expect(inWorker.run.problem?.line ?? null).toBe(inNode.problem?.line ?? null);
    expect(inWorker.problemText).toBe(
      inNode.problem ? formatRun({ output: '', problem: inNode.problem, traces: [] }) : null,
    );
  });
});
