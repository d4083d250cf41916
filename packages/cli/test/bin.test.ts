/**
 * The installed command: build the CLI as `npm run prepare` does, spawn
 * `node packages/cli/bin/realmfault.js`, and check exit codes and that bad input reaches the
 * user as one line without a stack trace.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = 'packages/cli/bin/realmfault.js';

function realmfault(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  // The root "prepare" script: tsc -b packages/cli/tsconfig.build.json (builds the model too).
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

describe('bin/realmfault.js', () => {
  it('decodes the seed ESR and exits 0', () => {
    const r = realmfault('decode', 'esr', '0x92000007');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/DFSC +\[5:0\] +0x7 +translation fault, level 3/);
    expect(r.err).toBe('');
  });

  it('exits 2 for bad input with one line on stderr and no stack trace', () => {
    const r = realmfault('decode', 'esr', '0xnothex');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      "realmfault: ESR_EL2 value: expected a hexadecimal value of at most 64 bits (e.g. 0x92000007), got '0xnothex'\n",
    );
    const missing = realmfault('run', 'no/such/file.json');
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('realmfault: no/such/file.json: expected an existing file, got no such file\n');
    expect(missing.err).not.toMatch(/\n\s+at /);
  });

  it('runs a built-in scenario to one JSON object', () => {
    const r = realmfault('run', '--scenario', 'private-first-touch', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { variant: string; steps: { outcome: string }[] };
    expect(j.variant).toBe('v14');
    expect(j.steps.length).toBeGreaterThan(0);
  });

  it('runs --variant fixed as post-v14-review', () => {
    const r = realmfault('run', '--scenario', 'shared-fault-zero-page', '--variant', 'fixed', '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { variant: string }).variant).toBe('post-v14-review');
  });

  it('ends quietly when the reader of its output goes away (| head)', async () => {
    const child = spawn(process.execPath, [BIN, 'source', '--list'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});
