/**
 * arch/arm64/kvm/rmi.c helpers and the unmap paths (brief §3.5–§3.7): find_map_level,
 * addr_range_desc (incl. the seed's 0xb8b59004), and v14's OR-for-the-end bug in
 * realm_unmap_shared_range.
 */
import { describe, expect, it } from 'vitest';
import { addr_range_desc, find_map_level } from '../src/kernel/rmi.js';
import { runScenario, activateRealm, createWorld } from '../src/sim/engine.js';
import { parseScenario } from '../src/scenario/parse.js';
import { rmiSeq, scenario, stepEvents } from './helpers.js';

function world(variant: 'v14' | 'fixed') {
  const w = createWorld(scenario({ steps: [] }), variant, false, 100_000);
  activateRealm(w);
  return w;
}

describe('find_map_level', () => {
  it('is L1 for the 1 GiB-aligned 2 GiB slot, L2 for an aligned 2 MiB block, L3 for a page', () => {
    const w = world('fixed');
    expect(find_map_level(w, 0x40000000n, 0xc0000000n)).toBe(1);
    expect(find_map_level(w, 0x10046800000n, 0x10046a00000n)).toBe(2);
    expect(find_map_level(w, 0x10046880000n, 0x10046881000n)).toBe(3);
    expect(find_map_level(w, 0x46880000n, 0x46a80000n)).toBe(3);
  });
});

describe('addr_range_desc', () => {
  it("v14 gives the seed's descriptor 0xb8b59004 (SIZE 0, COUNT 1, ST 0) for the unprotected page", () => {
    expect(addr_range_desc(world('v14'), 0xb8b59000n, 0x1000n, true)).toBe(0xb8b59004n);
  });
  it('fixed sets ST = UNDELEGATED for unprotected memory and not for protected', () => {
    const w = world('fixed');
    expect(addr_range_desc(w, 0xb8b59000n, 0x1000n, true)).toBe(0x80000000b8b59004n);
    expect(addr_range_desc(w, 0xb8b59000n, 0x1000n, false)).toBe(0xb8b59004n);
  });
  it('exact 2 MiB / 1 GiB sizes give COUNT 1 at SIZE 1 / 2; other sizes SIZE 0 with COUNT min(pages, 511)', () => {
    const w = world('v14');
    expect(addr_range_desc(w, 0xb8a00000n, 0x200000n, true)).toBe(0xb8a00005n);
    expect(addr_range_desc(w, 0xc0000000n, 0x40000000n, true)).toBe(0xc0000006n);
    expect(addr_range_desc(w, 0xb8a00000n, 0x3000n, true)).toBe(0xb8a0000cn);
    expect(addr_range_desc(w, 0xb8a00000n, 0x400000n, true) & 0xfffn).toBe(511n << 2n);
  });
});

describe('realm_unmap_shared_range: v14 OR-for-the-end bug (brief §3.7, INFERRED)', () => {
  // A 32-bit realm whose memslot ends exactly at the shared bit (0x80000000): an unmap of its last
  // page has end == BIT(ia_bits-1), which v14 ORs into itself.
  const sc = parseScenario({
    name: 'or-bug',
    seed: 1,
    realm: { ipaBits: 32 },
    memslots: [{ gpa: '0x40000000', size: '0x40000000', hva: '0xffff00000000', backing: 'anon-shared' }],
    steps: [
      { guest: 'read', ipa: '0xfffff000', isv: false },
      { vmm: 'set_attributes', gpa: '0x7ffff000', size: '0x1000', private: true },
      { guest: 'read', ipa: '0xfffff000', isv: false },
    ],
  });

  it('v14: end|bit == bit <= start|bit, so nothing is unmapped and the shared mapping survives', () => {
    const r = runScenario(sc, { variant: 'v14' });
    expect(rmiSeq(r, 1)).toEqual([]);
    expect(stepEvents(r, 1).some((e) => e.type === 'decision' && e.fn === 'realm_unmap_shared_range')).toBe(
      true,
    );
    expect(r.steps[2]?.faults).toEqual([]);
  });

  it('fixed: the end advances to the top of the IPA space and the page is unmapped', () => {
    const r = runScenario(sc, { variant: 'fixed' });
    expect(rmiSeq(r, 1)).toEqual(['RMI_RTT_UNPROT_UNMAP:RMI_SUCCESS']);
    expect(r.steps[2]?.faults).toHaveLength(1);
  });
});
