/**
 * The RMM reads RmiAddrRangeDesc and RmiRttUnprotMapFlags with its own small field readers (hot
 * path, src/rmm/rmi.ts); the CLI and the Reference pages use the public decoders (src/decode).
 * If the two ever disagreed on a field, the simulator and the decoder would tell a reader
 * different things about the same value. These tests pin them to each other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRangeDesc, decodeUnprotFlags } from '../src/decode/index.js';
import { rangeDescFields, unprotFlagsFields } from '../src/rmm/rmi.js';

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
});
