/**
 * The CLI's I/O, injected so tests drive `main` without a process, and the Node implementation
 * the bin uses. Reading is bounded: `realmfault run /dev/zero` must fail with a message, not
 * exhaust memory.
 */
import { open } from 'node:fs/promises';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  /** The file's bytes; rejects with a Node fs error (with `code`) or a FileTooLarge. */
  readFile(path: string): Promise<Uint8Array>;
  /** Standard input's bytes, bounded like readFile (realmfault replay -). */
  readStdin?(): Promise<Uint8Array>;
}

/** Files larger than this are not scenarios (the parser's own limit is 32 Mi characters). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** What realmfault replay reads at most: the model's own limit (32 MiB of text). */
export const REPLAY_INPUT_BYTES = 32 * 1024 * 1024;

export class FileTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`expected a file of at most ${limit} bytes`);
  }
}

/** Read at most `limit` bytes; a longer file (or an endless device) rejects with FileTooLarge. */
export async function readFileBounded(path: string, limit = MAX_FILE_BYTES): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buf = new Uint8Array(Math.min(1024 * 1024, limit + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw new FileTooLarge(limit);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } finally {
    await fh.close();
  }
}

let quietOnEpipe = false;

/**
 * The process's I/O. When the reader of stdout goes away (`realmfault source --list | head`), the
 * process ends quietly, as a command killed by SIGPIPE would, instead of dying on the write error.
 */
export function nodeIo(): Io {
  if (!quietOnEpipe) {
    quietOnEpipe = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readFile: (p) => readFileBounded(p),
    readStdin: () => readFileBounded('/dev/stdin', REPLAY_INPUT_BYTES),
  };
}

/** A one-line reason for a failed read, from a Node fs error. */
export function readErrorReason(e: unknown): string {
  if (e instanceof FileTooLarge) return e.message;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  switch (code) {
    case 'ENOENT':
      return 'expected an existing file, got no such file';
    case 'EACCES':
    case 'EPERM':
      return 'expected a readable file, got permission denied';
    case 'EISDIR':
      return 'expected a file, got a directory';
    default: {
      const m = e instanceof Error ? e.message : String(e);
      return `expected a readable file, got ${(m.split('\n')[0] ?? m).slice(0, 160)}`;
    }
  }
}
