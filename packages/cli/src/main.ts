/**
 * realmfault: the command-line face of @realmfault/model.
 *
 * `main` takes its I/O as arguments so tests can drive it without a process; it returns the
 * exit code (0 success, 2 bad input) instead of exiting, and never lets a stack trace reach
 * the user for bad input.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { stage2Geometry } from '@realmfault/model';

export const VERSION = '0.1.0';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  readFile(path: string): Promise<Uint8Array>;
}

/** Bad input: printed as one line, exit code 2. */
export class UsageError extends Error {}

const HELP = `realmfault ${VERSION} — the Arm CCA realm fault path, simulated

Usage:
  realmfault geometry --ipa-bits N   stage-2 levels, start level and shared bit of a realm
  realmfault --version | --help
`;

export function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return Promise.resolve(dispatch(argv, io));
  } catch (e) {
    if (e instanceof UsageError || e instanceof RangeError) {
      io.stderr(`realmfault: ${e.message}\n`);
      return Promise.resolve(2);
    }
    throw e;
  }
}

function dispatch(argv: readonly string[], io: Io): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.stdout(HELP);
    return 0;
  }
  if (command === '--version' || command === '-V') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (command === 'geometry') {
    const { values } = parse(rest, { 'ipa-bits': { type: 'string' } });
    const bits = values['ipa-bits'];
    if (typeof bits !== 'string' || !/^\d+$/.test(bits)) {
      throw new UsageError('--ipa-bits: expected an integer 32…52');
    }
    const g = stage2Geometry(Number(bits));
    io.stdout(
      `ipaBits ${g.ipaBits}: ${g.levels} levels, start level ${g.startLevel}, ` +
        `${g.rootEntries} root entries (${g.rootTables} tables), shared bit 0x${g.sharedBit.toString(16)}\n`,
    );
    return 0;
  }
  throw new UsageError(`unknown command '${command}': expected one of geometry (see --help)`);
}

function parse(args: readonly string[], options: ParseArgsOptionsConfig) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}
