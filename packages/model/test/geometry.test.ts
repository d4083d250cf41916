import { describe, expect, it } from 'vitest';
import { levelSize, stage2Geometry } from '../src/arch/geometry.js';

describe('stage2Geometry (stage2_pgtable_levels / get_start_level)', () => {
  // get_start_level() [@v14-rmi.c:63-66]; the seed realm's 41-bit IPA [@v14-29-shan-0625].
  it('gives the seed realm (41-bit IPA) 3 levels from L1 with 4 concatenated root tables', () => {
    const g = stage2Geometry(41);
    expect(g).toMatchObject({ levels: 3, startLevel: 1, rootEntries: 2048, rootTables: 4 });
    expect(g.sharedBit).toBe(0x100_0000_0000n);
  });

  it('starts a 32-bit realm at L2 and a 48-bit realm at L0', () => {
    expect(stage2Geometry(32)).toMatchObject({ levels: 2, startLevel: 2, rootEntries: 2048, rootTables: 4 });
    expect(stage2Geometry(48)).toMatchObject({ levels: 4, startLevel: 0, rootEntries: 512, rootTables: 1 });
    expect(stage2Geometry(52)).toMatchObject({ levels: 4, startLevel: 0, rootEntries: 8192, rootTables: 16 });
  });

  it('rejects widths outside 32…52 with a message naming ipaBits', () => {
    expect(() => stage2Geometry(31)).toThrow(/ipaBits: expected an integer 32…52, got 31/);
    expect(() => stage2Geometry(40.5)).toThrow(/ipaBits/);
  });

  it('maps 4 KiB at L3, 2 MiB at L2 and 1 GiB at L1', () => {
    expect([3, 2, 1].map(levelSize)).toEqual([0x1000n, 0x20_0000n, 0x4000_0000n]);
  });
});
