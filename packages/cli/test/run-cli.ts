/**
 * The CLI run in-process with its I/O captured: what main() writes to stdout and stderr, and the
 * files it may read (anything else is ENOENT). Shared by the CLI's test files.
 */
import { expect } from 'vitest';
import { main, type Engine, type Io } from '../src/main.js';

export function capture(
  files: Record<string, Uint8Array | NodeJS.ErrnoException> = {},
): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(s: string) {
      io.out += s;
    },
    stderr(s: string) {
      io.err += s;
    },
    readFile: (p: string) => {
      const f = files[p];
      if (f instanceof Uint8Array) return Promise.resolve(f);
      return Promise.reject(
        f ?? Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' }),
      );
    },
  };
  return io;
}

/** Run the CLI with `argv`; `files` are what it may read, `engine` stands in for the model. */
export async function cli(
  argv: string[],
  files: Record<string, Uint8Array | NodeJS.ErrnoException> = {},
  engine?: Engine,
) {
  const io = capture(files);
  const code = await main(argv, io, engine);
  return { code, out: io.out, err: io.err };
}

/** Bad input: exit 2, one line on stderr, nothing on stdout, no stack trace. */
export async function bad(
  argv: string[],
  message: string | RegExp,
  files: Record<string, Uint8Array | NodeJS.ErrnoException> = {},
  engine?: Engine,
) {
  const r = await cli(argv, files, engine);
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.split('\n')).toHaveLength(2);
  expect(r.err).not.toMatch(/\n\s+at /);
  if (typeof message === 'string') expect(r.err).toBe(`realmfault: ${message}\n`);
  else expect(r.err).toMatch(message);
}
