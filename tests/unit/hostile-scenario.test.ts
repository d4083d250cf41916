/**
 * Hostile scenario input (issue 7): the parser (parseScenario, parseScenarioJson) and the CLI
 * (`main(['run', FILE])` in-process, and the installed bin in a child process) get wrong types,
 * numbers past 2^64 (as JSON numbers and as "0x…" strings), deep nesting, 10 MB strings, unknown
 * keys at every level, empty files, invalid UTF-8, invalid JSON and huge arrays.
 *
 * Every case must end in a ScenarioError (exit code 2 for the CLI) whose one-line message names
 * the field by its path, with no stack trace, within a time bound — never a hang or a crash.
 * Each input is a valid scenario (a built-in one or the format's example) with one hostile
 * change, so the error's path can be predicted from where the change was made.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_SCENARIOS,
  EXAMPLE_SCENARIO,
  parseScenario,
  parseScenarioJson,
  SCENARIO_FIELDS,
  ScenarioError,
  scenarioToJson,
  toggleNames,
} from '@realmfault/model';
import { main, readFileBounded, type Io } from '@realmfault/cli';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MB10 = 10 * 1024 * 1024;
/** Wall-clock bound for one input through the parser (10 MB inputs included); a hang fails. */
const PARSE_BOUND_MS = 5_000;
/** The same for one CLI run in-process (write the file, read it back, parse). */
const CLI_BOUND_MS = 10_000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Segment = string | number;

/** Valid documents to corrupt: the example and every built-in scenario, as written and canonical. */
const BASES: Json[] = [
  EXAMPLE_SCENARIO as Json,
  ...BUILTIN_SCENARIOS.map((s) => s as Json),
  ...BUILTIN_SCENARIOS.map((s) => scenarioToJson(parseScenario(s)) as Json),
];

/** The parser's way of writing a path (parse.ts `join`): `steps[2].ipa`, `"odd key"`. */
function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') {
      out += `[${s}]`;
      continue;
    }
    const k = /^[A-Za-z_$][\w$]*$/.test(s) ? s : JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
    out += out === '' ? k : `.${k}`;
  }
  return out;
}

/** Every location in a document: objects (where a key can be added) and values (to replace). */
function locations(doc: Json, at: Segment[] = []): { path: Segment[]; isObject: boolean }[] {
  const here = { path: at, isObject: doc !== null && typeof doc === 'object' && !Array.isArray(doc) };
  if (doc === null || typeof doc !== 'object') return [here];
  const children = Array.isArray(doc)
    ? doc.flatMap((v, i) => locations(v, [...at, i]))
    : Object.entries(doc).flatMap(([k, v]) => locations(v, [...at, k]));
  return [here, ...children];
}

/** A deep copy of `doc` with the value at `path` replaced by `value` (or a key added). */
function withValue(doc: Json, path: readonly Segment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(doc)) return doc.map((v, i) => (i === head ? withValue(v, rest, value) : v));
  const o = doc as Record<string, Json>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = k === head ? withValue(v, rest, value) : v;
  if (!Object.hasOwn(o, head as string)) {
    // Own property even for "__proto__", as JSON.parse would make it.
    Object.defineProperty(out, head as string, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Field names the format knows anywhere; an added key outside this set is unknown everywhere. */
const KNOWN_KEYS = new Set<string>(toggleNames());
(function collect(x: unknown): void {
  if (Array.isArray(x)) x.forEach((k) => typeof k === 'string' && KNOWN_KEYS.add(k));
  else if (x && typeof x === 'object') Object.values(x).forEach(collect);
})(SCENARIO_FIELDS);

const unknownKey = fc
  .oneof(
    fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', 'steps ', 'Name'),
    fc.string({ maxLength: 60, unit: 'grapheme' }),
    fc.string({ minLength: 41, maxLength: 300 }),
  )
  .filter((k) => !KNOWN_KEYS.has(k));

/**
 * Values no field accepts: replacing any field with one must fail at that field. Hex strings
 * past 2^64 are only hostile where a number is expected (a name may read "0x1…").
 */
const NEVER_VALID: [label: string, value: unknown][] = [
  ['2^64 as a number', 2 ** 64],
  ['2^70 as a number', 2 ** 70],
  ['1e300', 1e300],
  ['-1', -1],
  ['1.5', 1.5],
  ['2^53', 2 ** 53],
  ['2^64 as hex', '0x10000000000000000'],
  ['2^64+1 as hex', '0x10000000000000001'],
  ['2^256 as hex', `0x1${'0'.repeat(64)}`],
  ['a long hex string', `0x${'f'.repeat(10_000)}`],
  ['a 10 MB string', 'x'.repeat(MB10)],
  ['a 10 MB hex string', `0x${'0'.repeat(MB10)}`],
  ['a huge array', new Array<number>(1_000_000).fill(0)],
  ['a huge array of steps', new Array<Json>(200_001).fill({ guest: 'read', ipa: '0x40000000' })],
  ['deep nesting', deepArray(100_000)],
  ['deep objects', deepObject(10_000)],
  ['a function', () => 1],
  ['a bigint', 2n ** 64n],
  ['a symbol', Symbol('x')],
];

/** Wrong types that some fields do accept (null for freePages, [] for steps, …). */
const SOMETIMES_VALID: unknown[] = [null, true, false, 0, 1, '', 'x', '0x1000', [], {}, [{}], { a: 1 }];

function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function deepObject(depth: number): unknown {
  let v: unknown = {};
  for (let i = 0; i < depth; i++) v = { steps: v };
  return v;
}

/** One line, prefixed by the path, no stack frames or source positions. */
function expectOneLine(message: string): void {
  expect(message).not.toMatch(/\n/);
  expect(message).not.toMatch(/\bat .*:\d+:\d+|node:internal|\.ts:\d+/);
  expect(message.length).toBeLessThan(1_000);
}

/** `run` must throw a ScenarioError within the bound; returns it. */
function scenarioErrorOf(run: () => unknown): ScenarioError {
  const started = performance.now();
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - started;
  expect(ms, 'parse time (ms)').toBeLessThan(PARSE_BOUND_MS);
  if (!(error instanceof ScenarioError)) {
    throw new Error(
      `expected a ScenarioError, got ${error === undefined ? 'a parsed scenario' : error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`,
    );
  }
  expectOneLine(error.message);
  expect(error.message.startsWith(`${error.path === '' ? 'scenario' : error.path}: expected `)).toBe(true);
  return error;
}

/** The error names the changed field, a field inside it, or the object that holds it. */
function expectRelated(error: ScenarioError, changed: readonly Segment[]): void {
  const p = formatPath(changed);
  const parent = formatPath(changed.slice(0, -1));
  const ok =
    error.path === p ||
    error.path.startsWith(`${p}.`) ||
    error.path.startsWith(`${p}[`) ||
    error.path === parent;
  expect(ok, `error at "${error.path}" for a change at "${p}": ${error.message}`).toBe(true);
}

const base = fc.constantFrom(...BASES);
const objectLocation = base.chain((doc) =>
  fc.constantFrom(...locations(doc).filter((l) => l.isObject)).map((l) => ({ doc, path: l.path })),
);
const valueLocation = base.chain((doc) =>
  fc.constantFrom(...locations(doc).filter((l) => l.path.length > 0)).map((l) => ({ doc, path: l.path })),
);
/** Locations of numbers: addresses, sizes and values ("0x…") and small integers. */
const numberLocation = base.chain((doc) =>
  fc
    .constantFrom(
      ...locations(doc).filter((l) => {
        const v = l.path.reduce<unknown>((o, s) => (o as Record<string | number, unknown>)[s], doc);
        return typeof v === 'number' || (typeof v === 'string' && v.startsWith('0x'));
      }),
    )
    .map((l) => ({ doc, path: l.path })),
);

describe('parseScenario on hostile values', () => {
  it('rejects an unknown key at every level, naming exactly that key', () => {
    fc.assert(
      fc.property(objectLocation, unknownKey, fc.anything(), ({ doc, path }, key, value) => {
        const e = scenarioErrorOf(() => parseScenario(withValue(doc, [...path, key], value)));
        expect(e.path).toBe(formatPath([...path, key]));
        expect(e.message).toContain('unknown field');
      }),
      { numRuns: 400 },
    );
  });

  it.each(NEVER_VALID)('rejects %s in any field, naming that field', (label, hostile) => {
    fc.assert(
      fc.property(label.includes('hex') ? numberLocation : valueLocation, ({ doc, path }) => {
        expectRelated(
          scenarioErrorOf(() => parseScenario(withValue(doc, path, hostile))),
          path,
        );
      }),
      { numRuns: 60 },
    );
  });

  it('either accepts or names a field for a wrong type anywhere', () => {
    fc.assert(
      fc.property(
        valueLocation,
        fc.oneof(fc.constantFrom(...SOMETIMES_VALID), fc.anything()),
        ({ doc, path }, value) => {
          const started = performance.now();
          try {
            parseScenario(withValue(doc, path, value));
          } catch (e) {
            if (!(e instanceof ScenarioError)) throw e;
            expectOneLine(e.message);
          }
          expect(performance.now() - started).toBeLessThan(PARSE_BOUND_MS);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects anything that is not an object at the top', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((x) => x === null || typeof x !== 'object' || Array.isArray(x)),
        (x) => {
          expect(scenarioErrorOf(() => parseScenario(x)).path).toBe('');
        },
      ),
    );
  });
});

/** The JSON text of `doc` with `raw` (not valid as a JS value, e.g. a long number) at `path`. */
function textWithRaw(doc: Json, path: readonly Segment[], raw: string): string {
  const marker = '\u0000RAW\u0000';
  const text = JSON.stringify(withValue(doc, path, marker));
  const quoted = JSON.stringify(marker);
  expect(text.split(quoted)).toHaveLength(2);
  return text.replace(quoted, raw);
}

const RAW_NEVER_VALID: [label: string, raw: string][] = [
  ['2^64', '18446744073709551616'],
  ['2^64+1', '18446744073709551617'],
  ['a 400-digit number', '9'.repeat(400)],
  ['1e400', '1e400'],
  ['-1e400', '-1e400'],
  ['2^64 in exponent form', '1.8446744073709552e19'],
  ['a negative number past 2^64', '-18446744073709551617'],
  ['a 10 MB string', JSON.stringify('y'.repeat(MB10))],
  ['10 MB of digits', '1'.repeat(MB10)],
  ['a huge array', `[${new Array<string>(1_000_000).fill('0').join(',')}]`],
  ['nesting 65 deep', `${'['.repeat(65)}${']'.repeat(65)}`],
  ['nesting 1 000 000 deep', `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`],
  ['objects nested 100 000 deep', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
];

describe('parseScenarioJson on hostile text', () => {
  it.each(RAW_NEVER_VALID)(
    'rejects %s in any field, naming the field or the nesting',
    (label, raw) => {
      fc.assert(
        fc.property(valueLocation, ({ doc, path }) => {
          const e = scenarioErrorOf(() => parseScenarioJson(textWithRaw(doc, path, raw)));
          if (label.startsWith('nesting') || label.startsWith('objects nested')) {
            // Too deep for the format anywhere: reported for the document, with line and column.
            if (e.path === '') expect(e.message).toMatch(/nested at most \d+ deep.*line 1, column \d+/);
            else expectRelated(e, path);
          } else {
            expectRelated(e, path);
          }
        }),
        // The 10 MB and million-element texts cost ~0.2 s each to build and parse.
        { numRuns: raw.length > 100_000 ? 8 : 25 },
      );
    },
    60_000,
  );

  it('rejects an unknown key at every level in JSON text too', () => {
    fc.assert(
      fc.property(objectLocation, unknownKey, ({ doc, path }, key) => {
        const text = textWithRaw(doc, [...path, key], '0');
        const e = scenarioErrorOf(() => parseScenarioJson(text));
        expect(e.path).toBe(formatPath([...path, key]));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects empty and blank text', () => {
    for (const text of ['', ' ', '\n\n', '\t \r\n', '\u00a0', '\ufeff']) {
      const e = scenarioErrorOf(() => parseScenarioJson(text));
      expect(e.path).toBe('');
    }
  });

  it('rejects invalid JSON with a line and column, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ maxLength: 200, unit: 'binary' }),
          // A valid document cut short, or with a character changed.
          fc.tuple(base, fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([doc, n, s]) => {
            const t = JSON.stringify(doc, null, 2);
            const at = n % t.length;
            return n % 2 === 0 ? t.slice(0, at) : t.slice(0, at) + s + t.slice(at + 1);
          }),
        ),
        (text) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text) as unknown;
          } catch {
            const e = scenarioErrorOf(() => parseScenarioJson(text));
            expect(e.path).toBe('');
            if (text.trim() !== '')
              expect(e.message).toMatch(/expected valid JSON, got .* line \d+, column \d+/);
            return;
          }
          // Valid JSON after all (a changed digit, say): it must parse or name a field.
          try {
            parseScenario(parsed);
          } catch (e) {
            if (!(e instanceof ScenarioError)) throw e;
            expectOneLine(e.message);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The CLI: `realmfault run FILE` with hostile files.

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'realmfault-hostile-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Hostile file contents by class, each with the field its error must name ('' = the file). */
function fileClasses(): [label: string, bytes: Uint8Array, field: RegExp][] {
  const doc = EXAMPLE_SCENARIO as Json;
  return [
    ['an empty file', new Uint8Array(0), /expected a JSON object, got empty input/],
    ['a blank file', utf8(' \n\t\n'), /expected a JSON object, got empty input/],
    ['invalid UTF-8', Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), /not valid UTF-8/],
    ['an overlong UTF-8 sequence', Uint8Array.from([0x7b, 0xc0, 0xaf, 0x7d]), /not valid UTF-8/],
    ['a lone surrogate in UTF-8', Uint8Array.from([0x22, 0xed, 0xa0, 0x80, 0x22]), /not valid UTF-8/],
    ['invalid JSON', utf8('{"name": "x",, }'), /expected valid JSON, got .*line 1, column \d+/],
    ['a wrong type', utf8(textWithRaw(doc, ['memslots', 0, 'gpa'], 'true')), /memslots\[0\]\.gpa: expected/],
    [
      '2^64 as a JSON number',
      utf8(textWithRaw(doc, ['steps', 0, 'ipa'], '18446744073709551617')),
      /steps\[0\]\.ipa: expected/,
    ],
    [
      '2^64 as a hex string',
      utf8(textWithRaw(doc, ['steps', 4, 'value'], '"0x10000000000000000"')),
      /steps\[4\]\.value: expected/,
    ],
    [
      'deep nesting',
      utf8(textWithRaw(doc, ['steps', 1], `${'['.repeat(200_000)}${']'.repeat(200_000)}`)),
      /scenario: expected JSON nested at most \d+ deep/,
    ],
    [
      'a 10 MB string',
      utf8(textWithRaw(doc, ['name'], JSON.stringify('n'.repeat(MB10)))),
      /name: expected a string of at most/,
    ],
    [
      'an unknown key',
      utf8(textWithRaw(doc, ['realm', 'ipaBitz'], '41')),
      /realm\.ipaBitz: expected one of the fields/,
    ],
    [
      'a huge array',
      utf8(textWithRaw(doc, ['private'], `[${new Array<string>(500_000).fill('{}').join(',')}]`)),
      /private: expected at most \d+/,
    ],
  ];
}

function captureIo(): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (s: string) => {
      io.out += s;
    },
    stderr: (s: string) => {
      io.err += s;
    },
    readFile: (p: string) => readFileBounded(p),
  };
  return io;
}

/** realmfault's exit code 2 line for `file`: one line, the file, the field, no stack. */
function expectBadInputLine(stderr: string, file: string, field: RegExp): void {
  expect(stderr.endsWith('\n')).toBe(true);
  const line = stderr.slice(0, -1);
  expectOneLine(line);
  expect(line.startsWith(`realmfault: ${file}: `)).toBe(true);
  expect(line).toMatch(field);
}

describe('realmfault run FILE (in-process)', () => {
  it.each(fileClasses())(
    'exits 2 on %s, naming the field',
    async (label, bytes, field) => {
      const file = join(dir, `${label.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, bytes);
      const io = captureIo();
      const started = performance.now();
      await expect(main(['run', file], io)).resolves.toBe(2);
      expect(performance.now() - started).toBeLessThan(CLI_BOUND_MS);
      expect(io.out).toBe('');
      expectBadInputLine(io.err, file, field);
    },
    30_000,
  );

  it('exits 2 with one line for random corrupted files', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // Random bytes (mostly invalid UTF-8 or invalid JSON).
          fc.uint8Array({ maxLength: 300 }),
          // A valid document with one hostile value, as bytes.
          fc
            .tuple(valueLocation, fc.constantFrom(...RAW_NEVER_VALID.slice(0, 7)))
            .map(([{ doc, path }, [, raw]]) => utf8(textWithRaw(doc, path, raw))),
          // A valid document with an unknown key.
          fc
            .tuple(objectLocation, unknownKey)
            .map(([{ doc, path }, key]) => utf8(textWithRaw(doc, [...path, key], '1'))),
          // A valid document with invalid UTF-8 spliced in.
          fc
            .tuple(
              base,
              fc.nat(),
              fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80]),
            )
            .map(([doc, at, bad]) => {
              const b = utf8(JSON.stringify(doc));
              const i = at % b.length;
              return Uint8Array.from([...b.subarray(0, i), ...bad, ...b.subarray(i)]);
            }),
        ),
        async (bytes) => {
          const file = join(dir, `random-${n++}.json`);
          writeFileSync(file, bytes);
          const io = captureIo();
          const started = performance.now();
          const code = await main(['run', file], io);
          expect(performance.now() - started).toBeLessThan(CLI_BOUND_MS);
          // Random bytes can, rarely, be a valid scenario; anything else is bad input.
          if (code === 0) {
            expect(() =>
              parseScenarioJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes)),
            ).not.toThrow();
            return;
          }
          expect(code).toBe(2);
          expect(io.out).toBe('');
          expectBadInputLine(io.err, file, /: expected /);
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);
});

describe('realmfault run FILE (the installed bin, one process per class)', () => {
  beforeAll(() => {
    // The root "prepare" script: the bin runs the compiled CLI in packages/cli/dist.
    execFileSync(
      process.execPath,
      ['node_modules/typescript/bin/tsc', '-b', 'packages/cli/tsconfig.build.json'],
      {
        cwd: ROOT,
        stdio: 'pipe',
        timeout: 240_000,
      },
    );
  }, 300_000);

  it('exits 2 with one line naming the field for every class, within 30 s each', async () => {
    const classes = fileClasses();
    const results = await Promise.all(
      classes.map(async ([label, bytes, field]) => {
        const file = join(dir, `bin-${label.replace(/\W+/g, '-')}.json`);
        writeFileSync(file, bytes);
        const r = await spawnBin(['run', file]);
        return { label, file, field, ...r };
      }),
    );
    for (const r of results) {
      expect(r.signal, r.label).toBeNull();
      expect(r.code, `${r.label}: ${r.err}`).toBe(2);
      expect(r.out, r.label).toBe('');
      expectBadInputLine(r.err, r.file, r.field);
    }
  }, 120_000);
});

function spawnBin(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['packages/cli/bin/realmfault.js', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', fail);
    child.on('close', (code, signal) => {
      done({ code, signal, out, err });
    });
  });
}
