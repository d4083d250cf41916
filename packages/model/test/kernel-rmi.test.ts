/**
 * arch/arm64/kvm/rmi.c helpers and the unmap paths: find_map_level [@v14-rmi.c:68-85],
 * addr_range_desc (incl. the seed's 0xb8b59004 [@v14-29-shan-0625]) in its v14
 * [@v14-rmi.c:690-722] and post-v14 [@post-v14-gw-rmi.c:671-707] forms, and v14's OR of the shared
 * bit into the end of the range in realm_unmap_shared_range [@v14-rmi.c:429-430], which post-v14
 * replaces with an addition [@post-v14-gw-rmi.c:422-433].
 */
import { describe, expect, it } from 'vitest';
import { addr_range_desc, find_map_level } from '../src/kernel/rmi.js';
import { RMI_OP_MEM_DELEGATED, RMI_OP_MEM_UNDELEGATED } from '../src/rmm/constants.js';
import { runScenario, activateRealm, createWorld } from '../src/sim/engine.js';
import { parseScenario } from '../src/scenario/parse.js';
import { rmiSeq, scenario, stepEvents } from './helpers.js';

function world(variant: 'v14' | 'post-v14-review') {
  const w = createWorld(scenario({ steps: [] }), variant, false, 100_000);
  activateRealm(w);
  return w;
}

describe('find_map_level', () => {
  it('is L1 for the 1 GiB-aligned 2 GiB slot, L2 for an aligned 2 MiB block, L3 for a page', () => {
    const w = world('post-v14-review');
    expect(find_map_level(w, 0x40000000n, 0xc0000000n)).toBe(1);
    expect(find_map_level(w, 0x10046800000n, 0x10046a00000n)).toBe(2);
    expect(find_map_level(w, 0x10046880000n, 0x10046881000n)).toBe(3);
    expect(find_map_level(w, 0x46880000n, 0x46a80000n)).toBe(3);
  });
});

describe('addr_range_desc', () => {
  it("v14 gives the seed's descriptor 0xb8b59004 (SIZE 0, COUNT 1, ST 0) whatever state is asked", () => {
    // v14's addr_range_desc() has no state parameter: ST (bit 63) stays 0, RMI_OP_MEM_DELEGATED.
    const w = world('v14');
    expect(addr_range_desc(w, 0xb8b59000n, 0x1000n, RMI_OP_MEM_UNDELEGATED)).toBe(0xb8b59004n);
    expect(addr_range_desc(w, 0xb8b59000n, 0x1000n, RMI_OP_MEM_DELEGATED)).toBe(0xb8b59004n);
  });
  it('post-v14 puts the state it is given in ST (bit 63): UNDELEGATED = 1, DELEGATED = 0', () => {
    const w = world('post-v14-review');
    expect(addr_range_desc(w, 0xb8b59000n, 0x1000n, RMI_OP_MEM_UNDELEGATED)).toBe(0x80000000b8b59004n);
    expect(addr_range_desc(w, 0xb8b59000n, 0x1000n, RMI_OP_MEM_DELEGATED)).toBe(0xb8b59004n);
    expect(addr_range_desc(w, 0xb8a00000n, 0x200000n, RMI_OP_MEM_UNDELEGATED)).toBe(0x80000000b8a00005n);
  });
  it('exact 2 MiB / 1 GiB sizes give COUNT 1 at SIZE 1 / 2; other sizes SIZE 0 with COUNT min(pages, 511)', () => {
    const w = world('v14');
    const d = RMI_OP_MEM_DELEGATED;
    expect(addr_range_desc(w, 0xb8a00000n, 0x200000n, d)).toBe(0xb8a00005n);
    expect(addr_range_desc(w, 0xc0000000n, 0x40000000n, d)).toBe(0xc0000006n);
    expect(addr_range_desc(w, 0xb8a00000n, 0x3000n, d)).toBe(0xb8a0000cn);
    expect(addr_range_desc(w, 0xb8a00000n, 0x400000n, d) & 0xfffn).toBe(511n << 2n);
    // The same sizes give the same fields after v14.
    const p = world('post-v14-review');
    expect(addr_range_desc(p, 0xb8a00000n, 0x3000n, d)).toBe(0xb8a0000cn);
    expect(addr_range_desc(p, 0xb8a00000n, 0x400000n, d) & 0xfffn).toBe(511n << 2n);
  });
});

describe('realm_unmap_shared_range: the end of a range that reaches the shared bit', () => {
  // A 32-bit realm whose memslot ends exactly at the shared bit (0x80000000): an unmap of its last
  // page has end == BIT(ia_bits-1), which v14 ORs into itself. The VMM leaves the slot shared at
  // creation, so making the page private is a real attribute change that unmaps the shared alias
  // (kvm_arch_post_set_memory_attributes() with KVM_FILTER_SHARED [@v14-mmu.c:2787-2800]).
  const sc = parseScenario({
    name: 'or-bug',
    seed: 1,
    realm: { ipaBits: 32 },
    vmm: { gmemPrivateAtCreation: false },
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

  it('post-v14: the end advances to the top of the IPA space and the page is unmapped', () => {
    const r = runScenario(sc, { variant: 'post-v14-review' });
    // The fold that follows targets ALIGN(0xfffff000, 2 MiB) = 2^32, rounded *up* past the last
    // entry [@post-v14-gw-rmi.c:338-342], which is outside the 32-bit IPA space: TF-RMM refuses it
    // (RMI_ERROR_INPUT [@tf-rmm-rtt.c:595-600]) and realm_fold_rtt_level() WARNs (inferred from the
    // code; not reported anywhere).
    expect(rmiSeq(r, 1)).toEqual(['RMI_RTT_UNPROT_UNMAP:RMI_SUCCESS', 'RMI_RTT_FOLD:RMI_ERROR_INPUT']);
    const fold = stepEvents(r, 1).find((e) => e.type === 'rmi_call' && e.cmd === 'RMI_RTT_FOLD');
    expect(fold).toMatchObject({ args: { ipa: 0x100000000n, level: 3 } });
    expect(r.steps[1]?.warnings).toEqual(['realm_fold_rtt_level']);
    expect(r.steps[2]?.faults).toHaveLength(1);
  });
});
