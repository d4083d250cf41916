/**
 * The RMM model against TF-RMM main at 9a7f8ef4: one test per rule, each naming the TF-RMM lines
 * it pins (runtime/rmi/*.c, runtime/core/exit.c, runtime/rmi/run.c, runtime/rsi/memory.c). The
 * realm is built with the model's own RMI commands (RMI_REALM_CREATE, RMI_RTT_CREATE, …), not
 * through the kernel model, so these tests do not depend on it.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOGGLES } from '../src/scenario/types.js';
import {
  REC_ENTER_FLAG_EMULATED_MMIO,
  REC_ENTER_FLAG_INJECT_SEA,
  REC_ENTER_FLAG_RIPAS_RESPONSE,
  RMI_RETURN_INDEX,
  RMI_RETURN_STATUS,
  RMI_STATUS,
  rmiRet,
  rmiStatusName,
  type Ripas,
} from '../src/rmm/constants.js';
import { rmm_rec_enter, sanitiseEsr, type GuestOp, type RecRunResult } from '../src/rmm/exit.js';
import {
  RMI_GRANULE_RANGE_DELEGATE,
  RMI_GRANULE_RANGE_UNDELEGATE,
  RMI_REALM_ACTIVATE,
  RMI_REALM_CREATE,
  RMI_RTT_CREATE,
  RMI_RTT_DATA_MAP,
  RMI_RTT_DATA_MAP_INIT,
  RMI_RTT_DATA_UNMAP,
  RMI_RTT_FOLD,
  RMI_RTT_INIT_RIPAS,
  RMI_RTT_SET_RIPAS,
  RMI_RTT_UNPROT_MAP,
  RMI_RTT_UNPROT_UNMAP,
} from '../src/rmm/rmi.js';
import { granuleState, rttWalk, rtteName, setRtte } from '../src/rmm/rtt.js';
import { createWorld } from '../src/sim/engine.js';
import { ModelInvariantError } from '../src/sim/errors.js';
import type { RecState, Rtte, World } from '../src/sim/world.js';
import { allocPages, writePhys } from '../src/vmm/host.js';
import { scenario } from './helpers.js';

const { RMI_ERROR_INPUT, RMI_ERROR_REALM, RMI_ERROR_REC, RMI_ERROR_RTT } = RMI_STATUS;
const PAGE = 0x1000n;
/** RmiRttUnprotMapFlags: SINGLE, MEMATTR 6 (normal WB), S2AP RW: the seed's 0x1e0001. */
const RW = 0x1e0001n;
const RO = 0x160001n;

/** A world with a realm created by RMI_REALM_CREATE (NEW), for an IPA width (default 41 bits). */
function realm(opts: { ipaBits?: number; toggles?: Partial<typeof DEFAULT_TOGGLES> } = {}): {
  w: World;
  rd: bigint;
  root: bigint;
} {
  const sc = scenario({ steps: [], realm: { ipaBits: opts.ipaBits ?? 41 } });
  const w = createWorld({ ...sc, toggles: { ...sc.toggles, ...opts.toggles } }, 'v14', true, 10_000_000);
  const rd = delegated(w);
  const n = BigInt(w.geom.rootTables);
  const root = delegated(w, n);
  expect(RMI_REALM_CREATE(w, rd, root, w.geom.startLevel, w.geom.rootTables).ret).toBe(0);
  return { w, rd, root };
}

/** `pages` delegated granules at consecutive PAs, one RMI_GRANULE_RANGE_DELEGATE per granule. */
function delegated(w: World, pages = 1n): bigint {
  const pa = allocPages(w, pages, 'kernel') << 12n;
  for (let a = pa; a < pa + pages * PAGE;) {
    const r = RMI_GRANULE_RANGE_DELEGATE(w, a, pa + pages * PAGE);
    expect(r.status).toBe(0);
    a = r.out['top'] ?? a;
  }
  return pa;
}

/** RTTs for `ipa` from the start level + 1 down to `level`. */
function tables(w: World, ipa: bigint, level: number): void {
  for (let l = w.geom.startLevel + 1; l <= level; l++) {
    const parentSize = 1n << BigInt(12 + 9 * (4 - l));
    const r = RMI_RTT_CREATE(w, delegated(w), ipa & ~(parentSize - 1n), l);
    expect([0, rmiRet(RMI_ERROR_RTT, l - 1)]).toContain(r.ret);
  }
}

const state = (w: World, ipa: bigint, level = 3): string => {
  const r = rttWalk(w, ipa, level);
  return `L${r.level} ${rtteName(r.e)}`;
};

/** Put an entry in a state directly (a fixture: the states some commands need to start from). */
function put(w: World, ipa: bigint, e: Rtte, level = 3): void {
  const r = rttWalk(w, ipa, level);
  expect(r.level).toBe(level);
  setRtte(w, r.rtt, r.idx, e);
}

function addRec(w: World, id = 0): RecState {
  const rec: RecState = {
    setRipas: null,
    enterFlags: 0,
    enterGprs0: 0n,
    lastExitEsr: null,
    lastExitUnprotected: false,
  };
  w.rmm.recs.set(id, rec);
  return rec;
}

/** An ACTIVE realm with a REC. */
function running(opts: Parameters<typeof realm>[0] = {}) {
  const r = realm(opts);
  expect(RMI_REALM_ACTIVATE(r.w, r.rd).ret).toBe(0);
  return { ...r, rec: addRec(r.w) };
}

const access = (ipa: bigint, write: boolean, size = 8, value = 0n, isv = true): GuestOp => ({
  kind: 'access',
  write,
  ipa,
  size,
  value,
  isv,
});

describe('RMI return codes', () => {
  it('encode status | index << 8, the level as an unsigned char (status.h 42-58)', () => {
    expect(rmiRet(4, 2)).toBe(0x204);
    expect(RMI_RETURN_STATUS(0x204)).toBe(4);
    expect(RMI_RETURN_INDEX(0x204)).toBe(2);
    expect(rmiRet(4, -1)).toBe(0xff04);
    expect(rmiStatusName(4)).toBe('RMI_ERROR_RTT');
    expect(() => rmiStatusName(99)).toThrow(/status: expected a known RMI status/);
  });
});

describe('RMI_GRANULE_RANGE_DELEGATE / UNDELEGATE (granule.c 76-182)', () => {
  it('delegates exactly one granule per call: out top = base + 4 KiB (granule.c 110-128)', () => {
    const { w } = realm();
    const pa = allocPages(w, 4n, 'kernel') << 12n;
    const r = RMI_GRANULE_RANGE_DELEGATE(w, pa, pa + 3n * PAGE);
    expect([r.ret, r.out['top']]).toEqual([0, pa + PAGE]);
    expect([granuleState(w, pa), granuleState(w, pa + PAGE)]).toEqual(['delegated', 'undelegated']);
    expect(RMI_GRANULE_RANGE_DELEGATE(w, pa + PAGE, pa + 3n * PAGE).out['top']).toBe(pa + 2n * PAGE);
  });

  it('RMI_ERROR_INPUT with out top = base for a misaligned range, a range under 4 KiB or a granule not NS (granule.c 114-122, 81-84)', () => {
    const { w } = realm();
    const pa = delegated(w);
    for (const [b, t] of [
      [pa + 8n, pa + PAGE],
      [pa, pa + 0x800n],
      [pa, pa],
      [pa, pa + PAGE],
    ] as const) {
      const r = RMI_GRANULE_RANGE_DELEGATE(w, b, t);
      expect([r.ret, r.out['top']]).toEqual([RMI_ERROR_INPUT, b]);
    }
  });

  it('undelegates one DELEGATED granule per call and scrubs it; other states give RMI_ERROR_INPUT (granule.c 130-182)', () => {
    const { w, rd } = realm();
    const pa = delegated(w, 2n);
    writePhys(w, pa, 8, 0x1234n);
    const r = RMI_GRANULE_RANGE_UNDELEGATE(w, pa, pa + 2n * PAGE);
    expect([r.ret, r.out['top']]).toEqual([0, pa + PAGE]);
    expect(w.host.pages.get(Number(pa >> 12n))?.data).toBeNull();
    expect(granuleState(w, pa + PAGE)).toBe('delegated');
    expect(RMI_GRANULE_RANGE_UNDELEGATE(w, rd, rd + PAGE).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_GRANULE_RANGE_UNDELEGATE(w, pa, pa + PAGE).out['top']).toBe(pa);
  });
});

describe('RMI_REALM_CREATE / RMI_REALM_ACTIVATE (realm.c 30-56, 607-782)', () => {
  it('creates a NEW realm: RD granule → RD, root granules → RTT, protected half unassigned_empty, the rest unassigned_ns (realm.c 190-247, 671-695)', () => {
    const { w, rd, root } = realm();
    expect(w.rmm.realmState).toBe('NEW');
    expect(granuleState(w, rd)).toBe('rd');
    for (let i = 0n; i < 4n; i++) expect(granuleState(w, root + i * PAGE)).toBe('rtt');
    expect(w.rmm.root.pa).toBe(root);
    expect(state(w, 0x46880000n)).toBe('L1 unassigned_empty');
    expect(state(w, 0xff_c000_0000n)).toBe('L1 unassigned_empty');
    expect(state(w, 0x100_0000_0000n)).toBe('L1 unassigned_ns');
  });

  it('refuses a wrong rtt_num_start, an inconsistent start level and a misaligned root with RMI_ERROR_INPUT (realm.c 116-150, 353-361, 434-442)', () => {
    const sc = scenario({ steps: [] });
    const w = createWorld(sc, 'v14', true, 1_000_000);
    const rd = delegated(w);
    const root = delegated(w, 4n);
    expect(RMI_REALM_CREATE(w, rd, root, 1, 2).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_REALM_CREATE(w, rd, root, 3, 4).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_REALM_CREATE(w, rd, root + PAGE, 1, 4).ret).toBe(RMI_ERROR_INPUT);
    expect(granuleState(w, rd)).toBe('delegated');
  });

  it('refuses root granules or an RD that are not DELEGATED, or an RD among the root granules, and changes nothing (realm.c 663-690)', () => {
    const sc = scenario({ steps: [] });
    const w = createWorld(sc, 'v14', true, 1_000_000);
    const rd = delegated(w);
    const root = allocPages(w, 4n, 'kernel') << 12n;
    for (let i = 0n; i < 3n; i++) RMI_GRANULE_RANGE_DELEGATE(w, root + i * PAGE, root + 4n * PAGE);
    expect(RMI_REALM_CREATE(w, rd, root, 1, 4).ret).toBe(RMI_ERROR_INPUT);
    expect(granuleState(w, root)).toBe('delegated');
    RMI_GRANULE_RANGE_DELEGATE(w, root + 3n * PAGE, root + 4n * PAGE);
    expect(RMI_REALM_CREATE(w, root + PAGE, root, 1, 4).ret).toBe(RMI_ERROR_INPUT);
    const plain = allocPages(w, 1n, 'kernel') << 12n;
    expect(RMI_REALM_CREATE(w, plain, root, 1, 4).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_REALM_CREATE(w, rd, root, 1, 4).ret).toBe(0);
  });

  it('a start level TF-RMM accepts but the model’s geometry does not use is a model error, not an RMI result (realm.c 86-114)', () => {
    const sc = scenario({ steps: [] });
    const w = createWorld(sc, 'v14', true, 1_000_000);
    const rd = delegated(w);
    const root = delegated(w);
    expect(() => RMI_REALM_CREATE(w, rd, root, 0, 1)).toThrow(ModelInvariantError);
  });

  it('activates a NEW realm once; then RMI_ERROR_REALM; a non-RD address gives RMI_ERROR_INPUT (realm.c 36-55)', () => {
    const { w, rd } = realm();
    expect(RMI_REALM_ACTIVATE(w, rd + PAGE).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_REALM_ACTIVATE(w, rd).ret).toBe(0);
    expect(w.rmm.realmState).toBe('ACTIVE');
    expect(RMI_REALM_ACTIVATE(w, rd).ret).toBe(RMI_ERROR_REALM);
  });
});

describe('RMI_RTT_CREATE (rtt.c 204-512)', () => {
  it('unfolds the parent; a table parent gives RMI_ERROR_RTT(level − 1); a walk ending higher gives the walk level (rtt.c 265-269, 474-476)', () => {
    const { w } = realm();
    expect(RMI_RTT_CREATE(w, delegated(w), 0x46800000n, 3).ret).toBe(0x104);
    expect(RMI_RTT_CREATE(w, delegated(w), 0x40000000n, 2).ret).toBe(0);
    expect(state(w, 0x46880000n)).toBe('L2 unassigned_empty');
    expect(RMI_RTT_CREATE(w, delegated(w), 0x40000000n, 2).ret).toBe(0x104);
  });

  it('RMI_ERROR_INPUT for an undelegated RTT granule, a misaligned IPA, or a level not above the start level (rtt.c 221-236)', () => {
    const { w } = realm();
    expect(RMI_RTT_CREATE(w, delegated(w), 0x46801000n, 3).status).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_CREATE(w, delegated(w), 0x40000000n, 1).status).toBe(RMI_ERROR_INPUT);
    const undelegated = allocPages(w, 1n, 'kernel') << 12n;
    expect(RMI_RTT_CREATE(w, undelegated, 0x40000000n, 2).status).toBe(RMI_ERROR_INPUT);
  });
});

describe('RMI_RTT_FOLD (rtt.c 562-831)', () => {
  it('folds a table of like unassigned entries into the parent, returns its PA and delegates it again (rtt.c 664-672, 783-810)', () => {
    const { w } = realm();
    const rtt = delegated(w);
    RMI_RTT_CREATE(w, rtt, 0x40000000n, 2);
    expect(RMI_RTT_FOLD(w, 0x40000000n, 2)).toMatchObject({ ret: 0, out: { rtt } });
    expect(state(w, 0x40000000n)).toBe('L1 unassigned_empty');
    expect(granuleState(w, rtt)).toBe('delegated');
  });

  it('mixed entries give RMI_ERROR_RTT(level); a parent that is not a table RMI_ERROR_RTT(level − 1); a walk ending higher the walk level; bad level or alignment RMI_ERROR_INPUT (rtt.c 595-630, 693-700)', () => {
    const { w } = realm();
    tables(w, 0x10046800000n, 3);
    RMI_RTT_UNPROT_MAP(w, 0x10046880000n, 0x10046881000n, RW, 0xb8b59004n);
    expect(RMI_RTT_FOLD(w, 0x10046800000n, 3).ret).toBe(0x304);
    tables(w, 0x40000000n, 2);
    expect(RMI_RTT_FOLD(w, 0x40000000n, 3).ret).toBe(0x204);
    expect(RMI_RTT_FOLD(w, 0x80000000n, 3).ret).toBe(0x104);
    expect(RMI_RTT_FOLD(w, 0x10046801000n, 3).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_FOLD(w, 0x10046800000n, 1).ret).toBe(RMI_ERROR_INPUT);
  });

  it('folds 512 assigned_ram pages at consecutive, block-aligned PAs into an L2 block (rtt.c 702-764)', () => {
    const { w } = realm();
    tables(w, 0x46800000n, 3);
    const pa = delegated(w, 512n);
    for (let i = 0n; i < 512n; i++) put(w, 0x46800000n + i * PAGE, { s: 'unassigned', ripas: 'ram' });
    expect(RMI_RTT_DATA_MAP(w, 0x46800000n, 0x46a00000n, 1n, pa | (512n << 2n)).out['top']).toBe(0x46a00000n);
    expect(RMI_RTT_FOLD(w, 0x46800000n, 3).ret).toBe(0);
    expect(state(w, 0x46800000n)).toBe('L2 assigned_ram');
  });

  it('no block above level 1: folding a level-1 RTT of assigned_ns or assigned entries gives RMI_ERROR_RTT(0) (rtt.c 673-682, 717-721)', () => {
    const { w } = realm({ ipaBits: 48 });
    const ns = 1n << 47n;
    tables(w, ns, 1);
    const desc = 0x80_0000_0000n | (512n << 2n) | 2n;
    expect(RMI_RTT_UNPROT_MAP(w, ns, ns + 0x80_0000_0000n, RW, desc).out['top']).toBe(ns + 0x80_0000_0000n);
    expect(RMI_RTT_FOLD(w, ns, 1).ret).toBe(0x004);
    tables(w, 0n, 1);
    for (let i = 0n; i < 512n; i++) put(w, i << 30n, { s: 'assigned', ripas: 'ram', pa: i << 30n }, 1);
    expect(RMI_RTT_FOLD(w, 0n, 1).ret).toBe(0x004);
    expect(state(w, 0n, 1)).toBe('L1 assigned_ram');
  });
});

describe('RMI_RTT_DATA_MAP (rtt_map.c 576-732)', () => {
  it('maps a delegated granule into an unassigned entry, RIPAS unchanged, zeroed, granule → DATA (rtt_map.c 376-408, 449-493)', () => {
    const { w } = realm();
    tables(w, 0x46880000n, 3);
    const data = delegated(w);
    writePhys(w, data, 8, 0xdeadn);
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, data | 4n)).toMatchObject({
      ret: 0,
      out: { top: 0x46881000n },
    });
    expect(state(w, 0x46880000n)).toBe('L3 assigned_empty');
    expect(granuleState(w, data)).toBe('data');
    expect(w.host.pages.get(Number(data >> 12n))?.data).toBeNull();
  });

  it('a block that would end past top gives RMI_ERROR_RTT(level) (rtt_map.c 199-201, 264-266)', () => {
    const { w } = realm();
    tables(w, 0x46800000n, 2);
    const pa = delegated(w, 512n);
    expect(RMI_RTT_DATA_MAP(w, 0x46800000n, 0x46801000n, 1n, pa | 4n | 1n).ret).toBe(0x204);
  });

  it('SIZE 3, OADDR_TYPE other than SINGLE/LIST and ST = UNDELEGATED give RMI_ERROR_INPUT (rtt_map.c 31-39, 136-197)', () => {
    const { w } = realm();
    tables(w, 0x46880000n, 3);
    const data = delegated(w);
    expect(RMI_RTT_DATA_MAP(w, 0n, 0x80_0000_0000n, 1n, data | 4n | 3n).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 0n, data | 4n).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 3n, data | 4n).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, data | 4n | (1n << 63n)).ret).toBe(
      RMI_ERROR_INPUT,
    );
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46880000n, 1n, data | 4n).ret).toBe(RMI_ERROR_INPUT);
    expect(() => RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 2n, data)).toThrow(/LIST/);
  });

  it('an entry already assigned to the same PA succeeds unchanged; another PA or a table gives RMI_ERROR_RTT(level) (rtt_map.c 459-478)', () => {
    const { w } = realm();
    tables(w, 0x46880000n, 3);
    const data = delegated(w);
    RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, data | 4n);
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, data | 4n)).toMatchObject({
      ret: 0,
      out: { top: 0x46881000n },
    });
    expect(state(w, 0x46880000n)).toBe('L3 assigned_empty');
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, delegated(w) | 4n).ret).toBe(0x304);
    const block = delegated(w, 512n);
    expect(RMI_RTT_DATA_MAP(w, 0x46800000n, 0x46a00000n, 1n, block | 4n | 1n).ret).toBe(0x204);
  });

  it('a walk that ends above the level gives RMI_ERROR_RTT(walk level) (rtt_map.c 633-638)', () => {
    const { w } = realm();
    expect(RMI_RTT_DATA_MAP(w, 0x46880000n, 0x46881000n, 1n, delegated(w) | 4n).ret).toBe(0x104);
  });

  it('one leaf RTT per call, and a later failure is RMI_SUCCESS with out top = progress (rtt_map.c 51-65, 657-707)', () => {
    const { w } = realm();
    tables(w, 0x46800000n, 3);
    tables(w, 0x46a00000n, 3);
    const pa = delegated(w, 4n);
    const r = RMI_RTT_DATA_MAP(w, 0x469ff000n, 0x46a02000n, 1n, pa | (3n << 2n));
    expect([r.ret, r.out['top']]).toEqual([0, 0x46a00000n]);
    const two = allocPages(w, 2n, 'kernel') << 12n;
    RMI_GRANULE_RANGE_DELEGATE(w, two, two + PAGE);
    const p = RMI_RTT_DATA_MAP(w, 0x46a00000n, 0x46a02000n, 1n, two | (2n << 2n));
    expect([p.ret, p.out['top']]).toEqual([0, 0x46a01000n]);
    expect(state(w, 0x46a01000n)).toBe('L3 unassigned_empty');
  });

  it('refuses a range not wholly in PAR with RMI_ERROR_INPUT (rtt_map.c 190-197)', () => {
    const { w } = realm();
    const data = delegated(w);
    expect(RMI_RTT_DATA_MAP(w, 0xfffffff000n, 0x10000001000n, 1n, data | (2n << 2n)).ret).toBe(
      RMI_ERROR_INPUT,
    );
  });
});

describe('RMI_RTT_DATA_MAP_INIT (rtt_map.c 740-900)', () => {
  it('copies the NS page into a delegated granule and maps it assigned_ram whatever the RIPAS; realm NEW only (rtt_map.c 787-790, 822-827, 877-880)', () => {
    const { w, rd } = realm();
    tables(w, 0x46880000n, 3);
    const src = allocPages(w, 1n, 'anon') << 12n;
    writePhys(w, src, 8, 0xabcdn);
    const data = delegated(w);
    expect(RMI_RTT_DATA_MAP_INIT(w, data, 0x46880000n, src, 1n).ret).toBe(0);
    expect(state(w, 0x46880000n)).toBe('L3 assigned_ram');
    expect(w.host.pages.get(Number(data >> 12n))?.data?.get(0)).toBe(0xabcdn);
    expect(RMI_RTT_DATA_MAP_INIT(w, delegated(w), 0x46880000n, src, 0n).ret).toBe(0x304);
    expect(RMI_RTT_DATA_MAP_INIT(w, delegated(w), 0x46881000n, src, 2n).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_DATA_MAP_INIT(w, delegated(w), 0x46a00000n, src, 0n).ret).toBe(0x204);
    RMI_REALM_ACTIVATE(w, rd);
    expect(RMI_RTT_DATA_MAP_INIT(w, delegated(w), 0x46881000n, src, 0n).ret).toBe(RMI_ERROR_REALM);
  });
});

describe('RMI_RTT_UNPROT_MAP (rtt_map.c 1192-1291)', () => {
  it('maps unassigned_ns; the same mapping succeeds unchanged; a different one is RMI_ERROR_RTT(level) (rtt_map.c 1145-1157)', () => {
    const { w } = realm();
    const ipa = 0x10046880000n;
    tables(w, ipa, 3);
    expect(RMI_RTT_UNPROT_MAP(w, ipa, ipa + PAGE, RW, 0xb8b59004n).ret).toBe(0);
    expect(state(w, ipa)).toBe('L3 assigned_ns(RW)');
    expect(RMI_RTT_UNPROT_MAP(w, ipa, ipa + PAGE, RW, 0xb8b59004n).ret).toBe(0);
    expect(RMI_RTT_UNPROT_MAP(w, ipa, ipa + PAGE, RO, 0xb8b59004n).ret).toBe(0x304);
    expect(RMI_RTT_UNPROT_MAP(w, ipa, ipa + PAGE, RW, 0xb8b5a004n).ret).toBe(0x304);
  });

  it('does not check the descriptor’s ST since 7626d97b (rtt_map.c 1081-1086, 1266-1270)', () => {
    const { w } = realm();
    tables(w, 0x10046880000n, 3);
    expect(RMI_RTT_UNPROT_MAP(w, 0x10046880000n, 0x10046881000n, RW, 0xb8b59004n | (1n << 63n)).ret).toBe(0);
    expect(RMI_RTT_UNPROT_MAP(w, 0x10046881000n, 0x10046882000n, RW, 0xb8b5a004n).ret).toBe(0);
  });

  it('S2AP bits other than WRITE and READ give RMI_ERROR_INPUT (rtt_map.c 1029-1043)', () => {
    const { w } = realm();
    tables(w, 0x10046880000n, 3);
    const s2ap7 = 1n | (6n << 16n) | (7n << 19n);
    expect(RMI_RTT_UNPROT_MAP(w, 0x10046880000n, 0x10046881000n, s2ap7, 0xb8b59004n).ret).toBe(
      RMI_ERROR_INPUT,
    );
  });

  it('MEMATTR 4, the FWB reserved encoding, gives RMI_ERROR_INPUT (rtt_map.c 1124-1127; s2tt.c 960-965)', () => {
    const { w } = realm();
    tables(w, 0x10046880000n, 3);
    const memattr4 = 1n | (4n << 16n) | (3n << 19n);
    expect(RMI_RTT_UNPROT_MAP(w, 0x10046880000n, 0x10046881000n, memattr4, 0xb8b59004n).ret).toBe(
      RMI_ERROR_INPUT,
    );
    const memattr1 = 1n | (1n << 16n) | (3n << 19n);
    expect(RMI_RTT_UNPROT_MAP(w, 0x10046880000n, 0x10046881000n, memattr1, 0xb8b59004n).ret).toBe(0);
  });

  it('a range wholly in PAR is RMI_ERROR_INPUT; one that only starts in PAR fails on its protected entry with RMI_ERROR_RTT(level) (rtt_map.c 190-197)', () => {
    const { w } = realm();
    const bit = w.geom.sharedBit;
    tables(w, bit - PAGE, 3);
    expect(RMI_RTT_UNPROT_MAP(w, 0x46880000n, 0x46881000n, RW, 0xb8b59004n).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_UNPROT_MAP(w, bit - PAGE, bit + PAGE, RW, 0xb8b59008n).ret).toBe(0x304);
  });

  it('a 2 MiB map where the L2 entry is already a table fails with RMI_ERROR_RTT(2) (rtt_map.c 1145-1154)', () => {
    const { w } = realm();
    tables(w, 0x10046800000n, 3);
    expect(RMI_RTT_UNPROT_MAP(w, 0x10046800000n, 0x10046a00000n, RW, 0xb8a00005n).ret).toBe(0x204);
  });
});

describe('RMI_RTT_UNPROT_UNMAP (rtt_unmap.c 360-546, 1000-1119, 1392-1507)', () => {
  it('skips an unassigned_ns entry: RMI_SUCCESS with out next = top (rtt_unmap.c 396-410, 1099-1113)', () => {
    const { w } = realm();
    const ipa = 0x10046880000n;
    tables(w, ipa, 3);
    expect(RMI_RTT_UNPROT_UNMAP(w, ipa, ipa + PAGE)).toMatchObject({ ret: 0, out: { next: ipa + PAGE } });
  });

  it('sweeps assigned_ns entries back to unassigned_ns up to top, skipping unmapped ones (rtt_unmap.c 384-541)', () => {
    const { w } = realm();
    const ipa = 0x10046880000n;
    tables(w, ipa, 3);
    RMI_RTT_UNPROT_MAP(w, ipa, ipa + PAGE, RW, 0xb8b59004n);
    RMI_RTT_UNPROT_MAP(w, ipa + 2n * PAGE, ipa + 3n * PAGE, RW, 0xb8b70004n);
    expect(RMI_RTT_UNPROT_UNMAP(w, ipa, ipa + 4n * PAGE)).toMatchObject({
      ret: 0,
      out: { next: ipa + 4n * PAGE },
    });
    expect([state(w, ipa), state(w, ipa + 2n * PAGE)]).toEqual(['L3 unassigned_ns', 'L3 unassigned_ns']);
  });

  it('stops at the end of the leaf RTT (rtt_unmap.c 384, 954-958)', () => {
    const { w } = realm();
    tables(w, 0x10046800000n, 3);
    tables(w, 0x10046a00000n, 3);
    expect(RMI_RTT_UNPROT_UNMAP(w, 0x100469ff000n, 0x10046a01000n).out['next']).toBe(0x10046a00000n);
  });

  it('RMI_ERROR_RTT(level) with out next 0 only for a first entry larger than the range or a base inside an entry (rtt_unmap.c 396-404, 436-443, 1045-1056)', () => {
    const { w } = realm();
    expect(RMI_RTT_UNPROT_UNMAP(w, 0x10046880000n, 0x10046881000n)).toMatchObject({
      ret: 0x104,
      out: { next: 0n },
    });
    tables(w, 0x10046800000n, 2);
    RMI_RTT_UNPROT_MAP(w, 0x10046800000n, 0x10046a00000n, RW, 0xb8a00005n);
    expect(RMI_RTT_UNPROT_UNMAP(w, 0x10046801000n, 0x10046802000n).ret).toBe(0x204);
    expect(RMI_RTT_UNPROT_UNMAP(w, 0x10046800000n, 0x10046801000n).ret).toBe(0x204);
    expect(RMI_RTT_UNPROT_UNMAP(w, 0x10046800000n, 0x10046a00000n)).toMatchObject({
      ret: 0,
      out: { next: 0x10046a00000n },
    });
  });

  it('refuses a range in PAR with RMI_ERROR_INPUT (rtt_unmap.c 79-89)', () => {
    const { w } = realm();
    expect(RMI_RTT_UNPROT_UNMAP(w, 0x46880000n, 0x46881000n).ret).toBe(RMI_ERROR_INPUT);
  });
});

describe('RMI_RTT_DATA_UNMAP (rtt_unmap.c 1228-1377)', () => {
  it('skips an unassigned entry: RMI_SUCCESS with progress and no range (rtt_unmap.c 396-410, 898-911)', () => {
    const { w } = realm();
    tables(w, 0x46880000n, 3);
    expect(RMI_RTT_DATA_UNMAP(w, 0x46880000n, 0x46882000n)).toMatchObject({
      ret: 0,
      out: { next: 0x46882000n, range: 0n },
    });
  });

  it('assigned_ram → unassigned_destroyed, assigned_empty → unassigned_empty, assigned_destroyed → unassigned_destroyed, granules → DELEGATED, SINGLE range = base | COUNT | SIZE (rtt_unmap.c 245-299, 913-927)', () => {
    const { w } = realm();
    const ipa = 0x46880000n;
    tables(w, ipa, 3);
    const ripas: Ripas[] = ['ram', 'empty', 'destroyed'];
    ripas.forEach((r, i) => {
      put(w, ipa + BigInt(i) * PAGE, { s: 'unassigned', ripas: r });
    });
    const pa = delegated(w, 4n);
    expect(RMI_RTT_DATA_MAP(w, ipa, ipa + 3n * PAGE, 1n, pa | (3n << 2n)).out['top']).toBe(ipa + 3n * PAGE);
    const r = RMI_RTT_DATA_UNMAP(w, ipa, ipa + 3n * PAGE);
    expect(r).toMatchObject({ ret: 0, out: { next: ipa + 3n * PAGE, range: pa | (3n << 2n) } });
    expect([0n, 1n, 2n].map((i) => state(w, ipa + i * PAGE))).toEqual([
      'L3 unassigned_destroyed',
      'L3 unassigned_empty',
      'L3 unassigned_destroyed',
    ]);
    expect([0n, 1n, 2n].map((i) => granuleState(w, pa + i * PAGE))).toEqual([
      'delegated',
      'delegated',
      'delegated',
    ]);
  });

  it('with a SINGLE output the sweep stops at a PA discontinuity; NONE goes on (rtt_unmap.c 497-501)', () => {
    const { w } = realm();
    const ipa = 0x46880000n;
    tables(w, ipa, 3);
    const a = delegated(w, 4n);
    const b = a + 2n * PAGE;
    RMI_RTT_DATA_MAP(w, ipa, ipa + PAGE, 1n, a | 4n);
    RMI_RTT_DATA_MAP(w, ipa + PAGE, ipa + 2n * PAGE, 1n, b | 4n);
    expect(RMI_RTT_DATA_UNMAP(w, ipa, ipa + 2n * PAGE)).toMatchObject({
      out: { next: ipa + PAGE, range: a | 4n },
    });
    expect(state(w, ipa + PAGE)).toBe('L3 assigned_empty');
    RMI_RTT_DATA_MAP(w, ipa, ipa + PAGE, 1n, a | 4n);
    expect(RMI_RTT_DATA_UNMAP(w, ipa, ipa + 2n * PAGE, 0n)).toMatchObject({
      ret: 0,
      out: { next: ipa + 2n * PAGE, range: 0n },
    });
    expect([state(w, ipa), state(w, ipa + PAGE)]).toEqual(['L3 unassigned_empty', 'L3 unassigned_empty']);
    expect([granuleState(w, a), granuleState(w, b)]).toEqual(['delegated', 'delegated']);
  });

  it('a base inside a larger block gives RMI_ERROR_RTT(level) with out next 0 (rtt_unmap.c 1045-1056)', () => {
    const { w } = realm();
    tables(w, 0x46800000n, 2);
    const block = delegated(w, 512n);
    expect(RMI_RTT_DATA_MAP(w, 0x46800000n, 0x46a00000n, 1n, block | 4n | 1n).ret).toBe(0);
    expect(RMI_RTT_DATA_UNMAP(w, 0x46801000n, 0x46802000n)).toMatchObject({ ret: 0x204, out: { next: 0n } });
    expect(RMI_RTT_DATA_UNMAP(w, 0x46800000n, 0x46a00000n)).toMatchObject({
      ret: 0,
      out: { next: 0x46a00000n, range: block | 4n | 1n },
    });
  });
});

describe('RMI_RTT_INIT_RIPAS (rtt.c 1236-1343)', () => {
  it('unassigned_empty → unassigned_ram, assigned_empty → assigned_ram, RAM entries unchanged, stops at a destroyed entry (rtt.c 1304-1328)', () => {
    const { w } = realm();
    const ipa = 0x46880000n;
    tables(w, ipa, 3);
    RMI_RTT_DATA_MAP(w, ipa + PAGE, ipa + 2n * PAGE, 1n, delegated(w) | 4n);
    put(w, ipa + 2n * PAGE, { s: 'unassigned', ripas: 'ram' });
    put(w, ipa + 3n * PAGE, { s: 'unassigned', ripas: 'destroyed' });
    expect(RMI_RTT_INIT_RIPAS(w, ipa, ipa + 8n * PAGE)).toMatchObject({
      ret: 0,
      out: { top: ipa + 3n * PAGE },
    });
    expect([0n, 1n, 2n, 3n].map((i) => state(w, ipa + i * PAGE))).toEqual([
      'L3 unassigned_ram',
      'L3 assigned_ram',
      'L3 unassigned_ram',
      'L3 unassigned_destroyed',
    ]);
  });

  it('no progress gives RMI_ERROR_RTT(level): a destroyed first entry, or a base inside a larger entry (rtt.c 1289-1299, 1330-1336)', () => {
    const { w } = realm();
    tables(w, 0x46880000n, 3);
    put(w, 0x46880000n, { s: 'unassigned', ripas: 'destroyed' });
    expect(RMI_RTT_INIT_RIPAS(w, 0x46880000n, 0x46881000n).ret).toBe(0x304);
    expect(RMI_RTT_INIT_RIPAS(w, 0x80001000n, 0x80002000n).ret).toBe(0x104);
  });

  it('checks the range (RMI_ERROR_INPUT) before the realm state (RMI_ERROR_REALM, NEW only) (rtt.c 1251-1279)', () => {
    const { w, rd } = realm();
    RMI_REALM_ACTIVATE(w, rd);
    expect(RMI_RTT_INIT_RIPAS(w, 0x40000000n, 0x40000000n).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_INIT_RIPAS(w, 0xfffffff000n, 0x10000001000n).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_INIT_RIPAS(w, 0x40000000n, 0x80000000n).ret).toBe(RMI_ERROR_REALM);
  });
});

describe('RMI_RTT_SET_RIPAS (rtt.c 1152-1234, 1378-1573)', () => {
  function pending(ripas: Ripas, changeDestroyed: boolean, base = 0x46880000n, top = base + 4n * PAGE) {
    const r = running();
    tables(r.w, base, 3);
    r.rec.setRipas = { base, top, addr: base, ripas, changeDestroyed, exited: true };
    return r;
  }

  it('base must be the REC’s progress address and top at most the requested top; nothing pending is RMI_ERROR_INPUT (rtt.c 1523-1526)', () => {
    const { w, rec } = pending('ram', true);
    expect(RMI_RTT_SET_RIPAS(w, 0, 0x46881000n, 0x46882000n).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_SET_RIPAS(w, 0, 0x46880000n, 0x46885000n).ret).toBe(RMI_ERROR_INPUT);
    expect(RMI_RTT_SET_RIPAS(w, 0, 0x46880000n, 0x46880800n).ret).toBe(RMI_ERROR_INPUT);
    rec.setRipas = null;
    expect(RMI_RTT_SET_RIPAS(w, 0, 0x46880000n, 0x46881000n).ret).toBe(RMI_ERROR_INPUT);
  });

  it('advances the REC’s progress address on success (rtt.c 1560-1562)', () => {
    const { w, rec } = pending('ram', true);
    expect(RMI_RTT_SET_RIPAS(w, 0, 0x46880000n, 0x46882000n)).toMatchObject({
      ret: 0,
      out: { top: 0x46882000n },
    });
    expect(rec.setRipas?.addr).toBe(0x46882000n);
    expect(RMI_RTT_SET_RIPAS(w, 0, 0x46882000n, 0x46884000n).ret).toBe(0);
    expect(state(w, 0x46883000n)).toBe('L3 unassigned_ram');
  });

  it('a RAM request changes a DESTROYED entry only with RSI_CHANGE_DESTROYED; without it no progress is RMI_ERROR_RTT(level) (rtt.c 1178-1197, 1463-1469)', () => {
    const a = pending('ram', false);
    put(a.w, 0x46880000n, { s: 'unassigned', ripas: 'destroyed' });
    expect(RMI_RTT_SET_RIPAS(a.w, 0, 0x46880000n, 0x46884000n).ret).toBe(0x304);
    const b = pending('ram', true);
    put(b.w, 0x46880000n, { s: 'unassigned', ripas: 'destroyed' });
    expect(RMI_RTT_SET_RIPAS(b.w, 0, 0x46880000n, 0x46884000n).ret).toBe(0);
    expect(state(b.w, 0x46880000n)).toBe('L3 unassigned_ram');
  });

  it('an EMPTY request changes DESTROYED entries without RSI_CHANGE_DESTROYED (rtt.c 1206-1216; commit 4c40d408)', () => {
    const { w } = pending('empty', false);
    const pa = delegated(w);
    put(w, 0x46880000n, { s: 'unassigned', ripas: 'destroyed' });
    put(w, 0x46881000n, { s: 'unassigned', ripas: 'destroyed' });
    RMI_RTT_DATA_MAP(w, 0x46881000n, 0x46882000n, 1n, pa | 4n);
    expect(state(w, 0x46881000n)).toBe('L3 assigned_destroyed');
    expect(RMI_RTT_SET_RIPAS(w, 0, 0x46880000n, 0x46882000n).ret).toBe(0);
    expect([state(w, 0x46880000n), state(w, 0x46881000n)]).toEqual([
      'L3 unassigned_empty',
      'L3 assigned_empty',
    ]);
  });

  it('an entry with no RIPAS (a table) stops the walk, with the progress made so far (rtt.c 1162-1164, 1442-1446)', () => {
    const { w, rec } = running();
    tables(w, 0x46800000n, 3);
    rec.setRipas = {
      base: 0x46600000n,
      top: 0x46a00000n,
      addr: 0x46600000n,
      ripas: 'ram',
      changeDestroyed: true,
      exited: true,
    };
    expect(RMI_RTT_SET_RIPAS(w, 0, 0x46600000n, 0x46a00000n)).toMatchObject({
      ret: 0,
      out: { top: 0x46800000n },
    });
    expect(state(w, 0x46600000n)).toBe('L2 unassigned_ram');
  });
});

describe('RMI_REC_ENTER checks (run.c 368-619)', () => {
  it('a realm that is not ACTIVE gives RMI_ERROR_REALM and the REC does not run (run.c 447-454)', () => {
    const { w } = realm();
    addRec(w);
    expect(rmm_rec_enter(w, 0, access(0x10009000000n, true))).toEqual({
      kind: 'error',
      status: RMI_ERROR_REALM,
      index: 0,
    });
  });

  it('INJECT_SEA needs a last exit that was a data abort at an unprotected IPA, else RMI_ERROR_REC (run.c 293-315, 494-497)', () => {
    const { w, rec } = running();
    put(w, 0x40000000n, { s: 'unassigned', ripas: 'ram' }, 1);
    rec.enterFlags = REC_ENTER_FLAG_INJECT_SEA;
    expect(rmm_rec_enter(w, 0, access(0x10009000000n, true)).kind).toBe('error');
    expect(rmm_rec_enter(w, 0, access(0x46880000n, true)).kind).toBe('exit');
    rec.enterFlags = REC_ENTER_FLAG_INJECT_SEA;
    expect(rmm_rec_enter(w, 0, access(0x46880000n, true))).toMatchObject({
      kind: 'error',
      status: RMI_ERROR_REC,
    });
    rmm_rec_enter(w, 0, access(0x10009000000n, true, 8, 0n, false));
    rec.enterFlags = REC_ENTER_FLAG_INJECT_SEA;
    expect(rmm_rec_enter(w, 0, access(0x10009000000n, true, 8, 0n, false))).toEqual({
      kind: 'done',
      outcome: 'guest_sea',
    });
  });

  it('EMULATED_MMIO needs a last exit that was an emulatable data abort (DABT, ISV = 1), else RMI_ERROR_REC (run.c 31-63, 499-502)', () => {
    const { w, rec } = running();
    rmm_rec_enter(w, 0, access(0x10009000000n, false, 8, 0n, false));
    rec.enterFlags = REC_ENTER_FLAG_EMULATED_MMIO;
    expect(rmm_rec_enter(w, 0, access(0x10009000000n, false))).toMatchObject({
      kind: 'error',
      status: RMI_ERROR_REC,
    });
    const rsi: GuestOp = { kind: 'rsi', base: 0x46880000n, end: 0x46881000n, ripas: 'empty' };
    expect(rmm_rec_enter(w, 0, rsi).kind).toBe('exit');
    rec.enterFlags = REC_ENTER_FLAG_EMULATED_MMIO;
    expect(rmm_rec_enter(w, 0, rsi)).toMatchObject({ kind: 'error', status: RMI_ERROR_REC });
  });

  it('EMULATED_MMIO completes a load with enter.gprs[0] masked to the access size (run.c 65-87)', () => {
    const { w, rec } = running();
    expect(rmm_rec_enter(w, 0, access(0x10009000004n, false, 2)).kind).toBe('exit');
    rec.enterFlags = REC_ENTER_FLAG_EMULATED_MMIO;
    rec.enterGprs0 = 0x1234_5678n;
    expect(rmm_rec_enter(w, 0, access(0x10009000004n, false, 2))).toEqual({
      kind: 'done',
      outcome: 'completed',
      value: 0x5678n,
    });
  });
});

describe('handle_data_abort (exit.c 139-290)', () => {
  const exitOf = (r: RecRunResult) => {
    if (r.kind !== 'exit' || r.reason !== 'RMI_EXIT_SYNC')
      throw new Error(`expected a data-abort exit, got ${r.kind}`);
    return { esr: r.esr, far: r.far, hpfar: r.hpfar, gprs0: r.gprs0 };
  };

  it('unprotected ISV = 1: emulated mask, FAR = FAR_EL2[11:0], gprs[0] = the stored register masked to the access size (exit.c 56-66, 275-280)', () => {
    const { w } = running();
    const r = exitOf(rmm_rec_enter(w, 0, access(0x10009000ff2n, true, 2, 0xabcd_1234n)));
    expect(r).toEqual({ esr: 0x91400045n, far: 0xff2n, hpfar: 0x1_0009_0000n, gprs0: 0x1234n });
  });

  it('unprotected ISV = 0 (TF-RMM since 4de93bb0): IL kept, WnR hidden, FAR 0, gprs[0] 0 (exit.c 215, 265-273)', () => {
    const { w } = running();
    expect(exitOf(rmm_rec_enter(w, 0, access(0x10009000010n, true, 8, 7n, false)))).toEqual({
      esr: 0x92000005n,
      far: 0n,
      hpfar: 0x1_0009_0000n,
      gprs0: 0n,
    });
  });

  it('unprotected ISV = 0 before 4de93bb0: emulated mask (IL dropped, WnR kept), FAR[11:0], gprs[0] = X0 & 0xff, 0 for the model’s guest (d2c6c52b exit.c 263-268)', () => {
    const { w } = running({ toggles: { rmmEsrBefore4de93bb0: true } });
    expect(exitOf(rmm_rec_enter(w, 0, access(0x10009000010n, true, 8, 7n, false)))).toEqual({
      esr: 0x90000045n,
      far: 0x10n,
      hpfar: 0x1_0009_0000n,
      gprs0: 0n,
    });
  });

  it('protected IPA: non-emulated mask, FAR 0, gprs[0] 0, HPFAR as the hardware wrote it (exit.c 259-263)', () => {
    const { w } = running();
    put(w, 0x40000000n, { s: 'unassigned', ripas: 'ram' }, 1);
    expect(exitOf(rmm_rec_enter(w, 0, access(0x46880008n, true, 8, 5n)))).toEqual({
      esr: 0x90000005n,
      far: 0n,
      hpfar: 0x46880n << 4n,
      gprs0: 0n,
    });
  });

  it('RIPAS EMPTY in PAR, or an IPA beyond the IPA size, is an SEA into the realm with no host exit (exit.c 228-237, 253-256)', () => {
    const { w } = running();
    expect(rmm_rec_enter(w, 0, access(0x46880000n, false))).toEqual({ kind: 'done', outcome: 'guest_sea' });
    expect(rmm_rec_enter(w, 0, access(0x200_0000_0000n, false))).toEqual({
      kind: 'done',
      outcome: 'guest_sea',
    });
  });
});

describe('sanitiseEsr and the toggles (exit.c 258-280; d2c6c52b exit.c 256-268)', () => {
  const store = 0x92000047n | (1n << 16n);
  it('protected: EC|SET|FnV|EA|DFSC only, in every TF-RMM version (0x90000007 for a store at L3)', () => {
    const w = realm().w;
    const wr = realm({ toggles: { rmmEsrBefore4de93bb0: true } }).w;
    expect(sanitiseEsr(w, store, true, false, false)).toBe(0x90000007n);
    expect(sanitiseEsr(wr, store, true, false, false)).toBe(0x90000007n);
  });
  it('unprotected ISV=0: 0x92000007 since 4de93bb0; 0x90000047 before it (IL dropped, WnR kept)', () => {
    const w = realm().w;
    const wr = realm({ toggles: { rmmEsrBefore4de93bb0: true } }).w;
    expect(sanitiseEsr(w, store, false, false, false)).toBe(0x92000007n);
    expect(sanitiseEsr(wr, store, false, false, false)).toBe(0x90000047n);
  });
  it('unprotected ISV=1: ISV, SAS, SF, WnR kept; IL, SSE and SRT dropped (0x91C08047)', () => {
    const w = realm().w;
    const full = 0x93c08047n | (1n << 21n) | (5n << 16n);
    expect(sanitiseEsr(w, full, false, true, false)).toBe(0x91c08047n);
  });
  it('permission fault on an unprotected IPA: WnR only with rmmRevealsWriteOnPermissionFault', () => {
    const w = realm().w;
    const wp = realm({ toggles: { rmmRevealsWriteOnPermissionFault: true } }).w;
    expect(sanitiseEsr(w, 0x9200004fn, false, false, true)).toBe(0x9200000fn);
    expect(sanitiseEsr(wp, 0x9200004fn, false, false, true)).toBe(0x9200004fn);
  });
});

describe('RSI_IPA_STATE_SET (rsi/memory.c 19-56) and its completion (run.c 90-115)', () => {
  const rsi = (base: bigint, end: bigint, ripas: Ripas = 'empty'): GuestOp & { kind: 'rsi' } => ({
    kind: 'rsi',
    base,
    end,
    ripas,
  });

  it('a range across the shared bit returns RSI_ERROR_INPUT to the realm, with no exit (memory.c 33-40)', () => {
    const { w, rec } = running();
    const bit = w.geom.sharedBit;
    expect(rmm_rec_enter(w, 0, rsi(bit - PAGE, bit + PAGE))).toEqual({
      kind: 'done',
      outcome: 'completed',
      rsi: 'RSI_ERROR_INPUT',
    });
    expect(rec.setRipas).toBeNull();
  });

  it('RIPAS above RAM, a misaligned base or top, and top ≤ base also give RSI_ERROR_INPUT (memory.c 33-36)', () => {
    const { w } = running();
    for (const op of [
      rsi(0x46880000n, 0x46881000n, 'destroyed'),
      rsi(0x46880800n, 0x46881000n),
      rsi(0x46880000n, 0x46880800n),
      rsi(0x46881000n, 0x46881000n),
    ])
      expect(rmm_rec_enter(w, 0, op)).toMatchObject({ kind: 'done', rsi: 'RSI_ERROR_INPUT' });
  });

  it('a valid range exits with RMI_EXIT_RIPAS_CHANGE and records the request, progress address = base (memory.c 42-55)', () => {
    const { w, rec } = running();
    expect(rmm_rec_enter(w, 0, rsi(0x46880000n, 0x46882000n, 'ram'))).toEqual({
      kind: 'exit',
      reason: 'RMI_EXIT_RIPAS_CHANGE',
      base: 0x46880000n,
      top: 0x46882000n,
      ripas: 1,
    });
    expect(rec.setRipas).toMatchObject({ addr: 0x46880000n, top: 0x46882000n, ripas: 'ram' });
  });

  it('the host’s reject of an incomplete RAM request reaches the realm as RSI_REJECT (run.c 106-108, 551-553)', () => {
    const { w, rec } = running();
    const op = rsi(0x46880000n, 0x46882000n, 'ram');
    rmm_rec_enter(w, 0, op);
    rec.enterFlags = REC_ENTER_FLAG_RIPAS_RESPONSE;
    expect(rmm_rec_enter(w, 0, op)).toEqual({
      kind: 'done',
      outcome: 'completed',
      rsi: 'RSI_SUCCESS',
      rsiResponse: 'RSI_REJECT',
    });
  });

  it('an EMPTY request is always ACCEPT: X1 = the progress address, and the guest asks again from there (run.c 103-111)', () => {
    const { w, rec } = running();
    tables(w, 0x46880000n, 3);
    const op = rsi(0x46880000n, 0x46882000n, 'empty');
    rmm_rec_enter(w, 0, op);
    expect(RMI_RTT_SET_RIPAS(w, 0, 0x46880000n, 0x46881000n).ret).toBe(0);
    rec.enterFlags = REC_ENTER_FLAG_RIPAS_RESPONSE;
    expect(rmm_rec_enter(w, 0, op)).toMatchObject({
      kind: 'exit',
      reason: 'RMI_EXIT_RIPAS_CHANGE',
      base: 0x46881000n,
    });
    expect(op.base).toBe(0x46881000n);
    expect(RMI_RTT_SET_RIPAS(w, 0, 0x46881000n, 0x46882000n).ret).toBe(0);
    expect(rmm_rec_enter(w, 0, op)).toEqual({
      kind: 'done',
      outcome: 'completed',
      rsi: 'RSI_SUCCESS',
      rsiResponse: 'RSI_ACCEPT',
    });
    expect(op.base).toBe(0x46882000n);
  });
});
