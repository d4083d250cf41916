/**
 * The RMM model against the rule table of brief §6.3 and the ESR sanitising of §2.2: return-code
 * encoding, RTT_CREATE, DATA_MAP, UNPROT_MAP/UNMAP, DATA_UNMAP, INIT_RIPAS, FOLD.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOGGLES } from '../src/scenario/types.js';
import { RMI_RETURN_INDEX, RMI_RETURN_STATUS, rmiRet, rmiStatusName } from '../src/rmm/constants.js';
import { sanitiseEsr } from '../src/rmm/exit.js';
import {
  RMI_GRANULE_RANGE_DELEGATE,
  RMI_RTT_CREATE,
  RMI_RTT_DATA_MAP,
  RMI_RTT_DATA_UNMAP,
  RMI_RTT_FOLD,
  RMI_RTT_INIT_RIPAS,
  RMI_RTT_UNPROT_MAP,
  RMI_RTT_UNPROT_UNMAP,
} from '../src/rmm/rmi.js';
import { rttWalk, rtteName } from '../src/rmm/rtt.js';
import { activateRealm, createWorld } from '../src/sim/engine.js';
import type { World } from '../src/sim/world.js';
import { allocPages } from '../src/vmm/host.js';
import { scenario } from './helpers.js';

function world(toggles: Partial<typeof DEFAULT_TOGGLES> = {}): World {
  const sc = scenario({ steps: [] });
  const w = createWorld({ ...sc, toggles: { ...sc.toggles, ...toggles } }, 'v14', true, 1_000_000);
  activateRealm(w);
  return w;
}

/** A delegated granule, ready to be an RTT or data. */
function delegated(w: World): bigint {
  const pa = allocPages(w, 1n, 'kernel') << 12n;
  expect(RMI_GRANULE_RANGE_DELEGATE(w, pa, pa + 0x1000n).status).toBe(0);
  return pa;
}

const state = (w: World, ipa: bigint): string => {
  const r = rttWalk(w, ipa);
  return `L${r.level} ${rtteName(r.e)}`;
};

describe('RMI return codes (brief §6.1)', () => {
  it('encode status | index << 8: RMI_ERROR_RTT at level 2 is 0x204', () => {
    expect(rmiRet(4, 2)).toBe(0x204);
    expect(RMI_RETURN_STATUS(0x204)).toBe(4);
    expect(RMI_RETURN_INDEX(0x204)).toBe(2);
    expect(rmiStatusName(4)).toBe('RMI_ERROR_RTT');
    expect(() => rmiStatusName(99)).toThrow(/status: expected a known RMI status/);
  });
});

describe('RMI_RTT_INIT_RIPAS at activation (brief §3.6)', () => {
  it('marks the 1 GiB-aligned 2 GiB slot RAM at L1, and refuses once the realm is ACTIVE', () => {
    const w = world();
    expect(state(w, 0x46880000n)).toBe('L1 unassigned_ram');
    expect(state(w, 0x10046880000n)).toBe('L1 unassigned_ns');
    expect(state(w, 0x3000_0000n)).toBe('L1 unassigned_empty');
    expect(RMI_RTT_INIT_RIPAS(w, 0x0n, 0x40000000n).ret).toBe(2);
  });
});

describe('RMI_RTT_CREATE (brief §6.3)', () => {
  it('unfolds an UNASSIGNED parent; a TABLE parent gives RMI_ERROR_RTT(level-1); too shallow a walk gives the walk level', () => {
    const w = world();
    expect(RMI_RTT_CREATE(w, delegated(w), 0x46800000n, 3).ret).toBe(0x104);
    expect(RMI_RTT_CREATE(w, delegated(w), 0x40000000n, 2).ret).toBe(0);
    expect(state(w, 0x46880000n)).toBe('L2 unassigned_ram');
    expect(RMI_RTT_CREATE(w, delegated(w), 0x40000000n, 2).ret).toBe(0x104);
    expect(RMI_RTT_CREATE(w, delegated(w), 0x46801000n, 3).status).toBe(1);
    const undelegated = allocPages(w, 1n, 'kernel') << 12n;
    expect(RMI_RTT_CREATE(w, undelegated, 0x46800000n, 3).status).toBe(1);
  });
});

describe('RMI_RTT_DATA_MAP / RMI_RTT_DATA_UNMAP (brief §6.3, §4.1 item 7)', () => {
  it('maps a delegated granule into an UNASSIGNED entry, refuses ST=UNDELEGATED and undelegated memory, and unmaps to destroyed', () => {
    const w = world();
    const data = delegated(w);
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, data | 4n).ret).toBe(0x104);
    RMI_RTT_CREATE(w, delegated(w), 0x40000000n, 2);
    RMI_RTT_CREATE(w, delegated(w), 0x46800000n, 3);
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, data | 4n | (1n << 63n)).status).toBe(1);
    const plain = allocPages(w, 1n, 'kernel') << 12n;
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, plain | 4n).status).toBe(1);
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, data | 4n).ret).toBe(0);
    expect(state(w, 0x46880000n)).toBe('L3 assigned_ram');
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, data | 4n).ret).toBe(0x304);
    const un = RMI_RTT_DATA_UNMAP(w, 0x46880000n, 0x46881000n);
    expect(un.ret).toBe(0);
    expect(un.out['range']).toBe(data | 4n);
    expect(state(w, 0x46880000n)).toBe('L3 unassigned_destroyed');
    const again = RMI_RTT_DATA_UNMAP(w, 0x46880000n, 0x46881000n);
    expect([again.ret, again.out['next']]).toEqual([0x304, 0x46881000n]);
  });
});

describe('RMI_RTT_UNPROT_MAP / RMI_RTT_UNPROT_UNMAP (brief §6.3)', () => {
  it('maps UNASSIGNED_NS, accepts an identical mapping, refuses a different one with RMI_ERROR_RTT(level), unmaps', () => {
    const w = world();
    const ipa = 0x10046880000n;
    RMI_RTT_CREATE(w, delegated(w), 0x10040000000n, 2);
    RMI_RTT_CREATE(w, delegated(w), 0x10046800000n, 3);
    const rw = 0x1e0001n;
    const ro = 0x160001n;
    expect(RMI_RTT_UNPROT_MAP(w, ipa, ipa + 0x1000n, rw, 0xb8b59004n).ret).toBe(0);
    expect(state(w, ipa)).toBe('L3 assigned_ns(RW)');
    expect(RMI_RTT_UNPROT_MAP(w, ipa, ipa + 0x1000n, rw, 0xb8b59004n).ret).toBe(0);
    expect(RMI_RTT_UNPROT_MAP(w, ipa, ipa + 0x1000n, ro, 0xb8b59004n).ret).toBe(0x304);
    expect(RMI_RTT_UNPROT_MAP(w, 0x46880000n, 0x46881000n, rw, 0xb8b59004n).status).toBe(1);
    expect(RMI_RTT_UNPROT_UNMAP(w, ipa, ipa + 0x1000n).ret).toBe(0);
    expect(state(w, ipa)).toBe('L3 unassigned_ns');
    expect(RMI_RTT_UNPROT_UNMAP(w, ipa, ipa + 0x1000n).ret).toBe(0x304);
  });

  it('a 2 MiB map where L2 is already a table fails with RMI_ERROR_RTT(2) (brief §7 item 2)', () => {
    const w = world();
    RMI_RTT_CREATE(w, delegated(w), 0x10040000000n, 2);
    RMI_RTT_CREATE(w, delegated(w), 0x10046800000n, 3);
    expect(RMI_RTT_UNPROT_MAP(w, 0x10046800000n, 0x10046a00000n, 0x1e0001n, 0xb8a00005n).ret).toBe(0x204);
  });
});

describe('RMI_RTT_FOLD', () => {
  it('folds a homogeneous table back into its parent entry and refuses a mixed one', () => {
    const w = world();
    const rtt = delegated(w);
    RMI_RTT_CREATE(w, rtt, 0x40000000n, 2);
    expect(RMI_RTT_FOLD(w, 0x40000000n, 2)).toMatchObject({ ret: 0, out: { rtt } });
    expect(state(w, 0x40000000n)).toBe('L1 unassigned_ram');
    RMI_RTT_CREATE(w, delegated(w), 0x10040000000n, 2);
    RMI_RTT_CREATE(w, delegated(w), 0x10046800000n, 3);
    RMI_RTT_UNPROT_MAP(w, 0x10046880000n, 0x10046881000n, 0x1e0001n, 0xb8b59004n);
    expect(RMI_RTT_FOLD(w, 0x10046800000n, 3).ret).toBe(0x304);
  });
});

describe('handle_data_abort ESR sanitising (brief §2.2, §2.3)', () => {
  const w = world();
  const wr = world({ rmmMasksWnR: false });
  const wp = world({ rmmRevealsWriteOnPermissionFault: true });
  const store = 0x92000047n | (1n << 16n);
  it('protected: EC|SET|FnV|EA|DFSC only (0x90000007 for a store at L3)', () => {
    expect(sanitiseEsr(w, store, true, false, false)).toBe(0x90000007n);
  });
  it('unprotected ISV=0: adds IL, still hides WnR (0x92000007), unless rmmMasksWnR is off (0x92000047)', () => {
    expect(sanitiseEsr(w, store, false, false, false)).toBe(0x92000007n);
    expect(sanitiseEsr(wr, store, false, false, false)).toBe(0x92000047n);
  });
  it('unprotected ISV=1: ISV, SAS, SF, WnR kept; IL, SSE and SRT dropped (0x91C08047)', () => {
    const full = 0x93c08047n | (1n << 21n) | (5n << 16n);
    expect(sanitiseEsr(w, full, false, true, false)).toBe(0x91c08047n);
  });
  it('permission fault on an unprotected IPA: WnR only with rmmRevealsWriteOnPermissionFault', () => {
    expect(sanitiseEsr(w, 0x9200004fn, false, false, true)).toBe(0x9200000fn);
    expect(sanitiseEsr(wp, 0x9200004fn, false, false, true)).toBe(0x9200004fn);
  });
});
