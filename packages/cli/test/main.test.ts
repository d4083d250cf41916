import { describe, expect, it } from 'vitest';
import { main, VERSION, type Io } from '../src/main.js';

function capture(): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(s: string) {
      io.out += s;
    },
    stderr(s: string) {
      io.err += s;
    },
    readFile: () => Promise.reject(new Error('no files in this test')),
  };
  return io;
}

describe('realmfault CLI', () => {
  it('prints its version', async () => {
    const io = capture();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out).toBe(`${VERSION}\n`);
  });

  it('prints the seed realm geometry for --ipa-bits 41', async () => {
    const io = capture();
    expect(await main(['geometry', '--ipa-bits', '41'], io)).toBe(0);
    expect(io.out).toContain(
      '3 levels, start level 1, 2048 root entries (4 tables), shared bit 0x10000000000',
    );
  });

  it('exits 2 with one line naming the option for a bad width, without a stack trace', async () => {
    const io = capture();
    expect(await main(['geometry', '--ipa-bits', '60'], io)).toBe(2);
    expect(io.err).toBe('realmfault: ipaBits: expected an integer 32…52, got 60\n');
  });

  it('exits 2 for an unknown command', async () => {
    const io = capture();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err).toMatch(/unknown command 'frobnicate'/);
  });
});
