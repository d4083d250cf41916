/**
 * realmfault replay: text and JSON, standard input, and bad input (exit 2, one line).
 */
import { describe, expect, it } from 'vitest';
import { SEED_LOG } from '@realmfault/model';
import { main } from '../src/main.js';
import { capture, cli } from './run-cli.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('realmfault replay', () => {
  it('prints every line, the episode against the model, the inferred scenario and the sources', async () => {
    const { code, out, err } = await cli(['replay', 'seed.log'], { 'seed.log': enc(SEED_LOG) });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(
      'replay of seed.log: 17 lines, 17 recognised (6 debug, 8 qemu, 3 guest), 0 unrecognised',
    );
    expect(out).toContain(
      'esr 0x92000007: EC 0x24 (DABT_LOW): translation fault, level 3; IL 1, ISV 0, WnR 0',
    );
    expect(out).toMatch(
      /episode 1 \(lines 7–9\): shared-alias fault at IPA 0x10046880000 .*→ user_mem_abort\(\)/,
    );
    expect(out).toContain('outcome: realm_map_ipa() WARNs and KVM_RUN fails with EFAULT.');
    expect(out).toMatch(/\[model matches\] A local change forces W .*\(toggle forceSharedWrite\) \[\d+\]/);
    expect(out).toContain('"guest": "set_memory_shared"');
    expect(out).toMatch(/\nsources:\n {2}\[1\] /);
    expect(out).not.toContain('[@');
  });

  it('--episodes leaves the lines out; --json is one object with resolved sources', async () => {
    const short = await cli(['replay', 'seed.log', '--episodes'], { 'seed.log': enc(SEED_LOG) });
    expect(short.out).not.toContain('\nlines:\n');
    expect(short.out).toContain('\nepisodes:\n');
    const { code, out } = await cli(
      ['replay', 'seed.log', '--json', '--variant', 'post-v14-review', '--ipa-bits', '41'],
      {
        'seed.log': enc(SEED_LOG),
      },
    );
    expect(code).toBe(0);
    const j = JSON.parse(out) as {
      input: string;
      variant: string;
      stats: { lines: number };
      episodes: { prediction: { variant: string } }[];
      sources: { href: string }[];
    };
    expect(j.input).toBe('seed.log');
    expect(j.stats.lines).toBe(17);
    expect(j.episodes[0]?.prediction.variant).toBe('post-v14-review');
    expect(j.sources.length).toBeGreaterThan(5);
    expect(j.sources.every((s) => s.href.startsWith('https://'))).toBe(true);
  });

  it('reads standard input with -', async () => {
    const io = Object.assign(capture(), {
      readStdin: () => Promise.resolve(enc('kvm_entry: PC: 0x0000000000000000\n')),
    });
    expect(await main(['replay', '-'], io)).toBe(0);
    expect(io.out).toContain('replay of standard input: 1 line, 1 recognised (1 trace)');
  });

  it('reads a binary file without failing, marking its lines', async () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 37) % 256);
    const { code, out } = await cli(['replay', 'blob'], { blob: bytes });
    expect(code).toBe(0);
    expect(out).toMatch(/\d+ binary/);
  });

  it.each([
    [['replay'], 'realmfault: replay: expected a log FILE, or - for standard input, got neither\n'],
    [['replay', 'a', 'b'], 'realmfault: replay: expected one log FILE (or -), got 2 arguments\n'],
    [['replay', 'nope.log'], 'realmfault: nope.log: expected an existing file, got no such file\n'],
    [
      ['replay', 'seed.log', '--ipa-bits', '99'],
      "realmfault: --ipa-bits: expected an integer 32…52, got '99'\n",
    ],
    [
      ['replay', 'seed.log', '--variant', 'v9'],
      "realmfault: --variant: expected v14 or post-v14-review, or fixed (the former name of post-v14-review), got 'v9'\n",
    ],
    [
      ['replay', 'seed.log', '--bogus'],
      "realmfault: replay: Unknown option '--bogus' (see realmfault replay --help)\n",
    ],
  ])('%j: exit 2 and one line', async (argv, message) => {
    const { code, out, err } = await cli(argv, { 'seed.log': enc(SEED_LOG) });
    expect({ code, out, err }).toEqual({ code: 2, out: '', err: message });
  });

  it('refuses a log over 32 MiB with one line', async () => {
    const big = new Uint8Array(33 * 1024 * 1024).fill(0x61);
    for (let i = 99; i < big.length; i += 100) big[i] = 0x0a;
    const { code, out, err } = await cli(['replay', 'big.log'], { 'big.log': big });
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toMatch(
      /^realmfault: replay input: more than 33554432 characters \(32 MiB of plain text\), the most the replay reads; cut the log to the part around the fault\n$/,
    );
  });

  it('refuses standard input where there is none', async () => {
    const io = capture();
    expect(await main(['replay', '-'], io)).toBe(2);
    expect(io.err).toBe(
      'realmfault: standard input: expected a readable file, got standard input is not available\n',
    );
  });
});
