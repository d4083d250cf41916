/**
 * The RMM reads RmiAddrRangeDesc and RmiRttUnprotMapFlags with its own small field readers (hot
 * path, src/rmm/rmi.ts); the CLI and the Reference pages use the public decoders (src/decode).
 * If the two ever disagreed on a field, the simulator and the decoder would tell a reader
 * different things about the same value. These tests pin them to each other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRangeDesc, decodeUnprotFlags, RMI_RANGE_SIZE_TABLE } from '../src/decode/index.js';
import { RMI_STATUS } from '../src/rmm/constants.js';
import {
  RMI_GRANULE_RANGE_DELEGATE,
  RMI_REALM_CREATE,
  RMI_RTT_DATA_MAP,
  rangeDescFields,
  unprotFlagsFields,
} from '../src/rmm/rmi.js';
import { rttWalk, setRtte } from '../src/rmm/rtt.js';
import { createWorld } from '../src/sim/engine.js';
import { allocPages } from '../src/vmm/host.js';
import { scenario } from './helpers.js';

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('RMI_RTT_DATA_MAP / RMI_RTT_UNPROT_MAP descriptor fields', () => {
  it("reads the seed's range_desc 0xb8b59004 as the public decoder does (L3, COUNT 1, ADDR 0xb8b59000, ST 0)", () => {
    expect(rangeDescFields(0xb8b59004n)).toEqual({ level: 3, count: 1, addr: 0xb8b59000n, st: 0n });
  });

  it('agrees with decodeRangeDesc on every 64-bit value', () => {
    fc.assert(
      fc.property(u64, (v) => {
        const rmm = rangeDescFields(v);
        const pub = decodeRangeDesc(v);
        expect([rmm.level, rmm.count, rmm.addr, Number(rmm.st)]).toEqual([
          pub.level,
          pub.count,
          pub.addr,
          pub.st,
        ]);
      }),
    );
  });

  it("reads the seed's flags 0x1e0001 as SINGLE, MEMATTR 6, S2AP 3", () => {
    expect(unprotFlagsFields(0x1e0001n)).toEqual({ oaddrType: 1, listCount: 0, memattr: 6, s2ap: 3 });
  });

  it('agrees with decodeUnprotFlags on every 64-bit value', () => {
    fc.assert(
      fc.property(u64, (v) => {
        const rmm = unprotFlagsFields(v);
        const pub = decodeUnprotFlags(v);
        expect(rmm).toEqual({
          oaddrType: pub.oaddrType,
          listCount: pub.listCount,
          memattr: pub.memattr,
          s2ap: pub.s2ap,
        });
      }),
    );
  });

  it('marks as refused exactly the SIZE values RMI_RTT_DATA_MAP refuses: level 0, above S2TT_MIN_BLOCK_LEVEL (rtt_map.c 31-39)', () => {
    const w = createWorld(scenario({ steps: [] }), 'v14', false, 1_000_000);
    const pa = allocPages(w, 8n, 'kernel') << 12n;
    for (let g = pa; g < pa + 0x5000n; g += 0x1000n) RMI_GRANULE_RANGE_DELEGATE(w, g, g + 0x1000n);
    expect(RMI_REALM_CREATE(w, pa + 0x4000n, pa, w.geom.startLevel, w.geom.rootTables).ret).toBe(0);
    // The L1 entry at IPA 0 already maps the 1 GiB block the SIZE 2 descriptor names (an
    // idempotent success); SIZE 0 and 1 stop at that L1 entry (RMI_ERROR_RTT(1)).
    const wr = rttWalk(w, 0n);
    setRtte(w, wr.rtt, wr.idx, { s: 'assigned', ripas: 'ram', pa: 0x8000_0000n });
    for (const row of RMI_RANGE_SIZE_TABLE) {
      const addr = row.level === 0 ? 0x80_0000_0000n : 0x8000_0000n;
      const r = RMI_RTT_DATA_MAP(w, 0n, row.bytes, 1n, addr | 4n | BigInt(row.value));
      expect(r.status !== RMI_STATUS.RMI_ERROR_INPUT, `SIZE ${row.value}`).toBe(row.mapAccepts);
    }
  });
});
