/**
 * The decoders must decode the seed's own values, say which TF-RMM reporting path a realm
 * syndrome fits (TF-RMM runtime/core/exit.c at 9a7f8ef4 and before 4de93bb0), describe RMI values
 * as TF-RMM reads them, cite only sources the registry knows, and reject bad input with a message
 * naming the input and the expectation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  decodeEsr,
  decodeIpa,
  decodeProt,
  decodePte,
  decodeRangeDesc,
  decodeRmiReturn,
  decodeUnprotFlags,
  DFSC_TABLE,
  ESR_EC_TABLE,
  formatDecoded,
  parseHexInput,
  RMI_STATUS_TABLE,
  decodedToJson,
  type Decoded,
} from '../src/decode/index.js';
import { citationProblems, findCitations } from '../src/sources/cite.js';

const raw = (d: Decoded, name: string) => d.fields.find((f) => f.name === name)?.raw;
const meaning = (d: Decoded, name: string) => d.fields.find((f) => f.name === name)?.meaning;

describe('decodeEsr (ESR_EL2)', () => {
  it('decodes the seed fault 0x92000007: DABT_LOW, IL 1, ISV 0, WnR 0, translation fault level 3', () => {
    const d = decodeEsr('0x92000007');
    expect(d).toMatchObject({ ec: 0x24, ecName: 'DABT_LOW', il: true, rmmView: 'unprotected_no_isv' });
    expect(d.dataAbort).toMatchObject({ isv: false, wnr: false, dfsc: 7, accessBytes: null });
    expect(d.dataAbort?.fault).toMatchObject({ kind: 'translation', level: 3 });
    expect(meaning(d, 'DFSC')).toBe('translation fault, level 3');
    expect(d.notes.join(' ')).toMatch(/ISV = 0: SAS, SSE, SRT, SF and AR hold no information/);
    expect(d.notes.join(' ')).toMatch(/WnR is hidden/);
  });

  it('names every architectural field the issue lists, with its bit range', () => {
    const d = decodeEsr(0x92000007n);
    const got = Object.fromEntries(d.fields.map((f) => [f.name, [f.msb, f.lsb]]));
    expect(got).toMatchObject({
      EC: [31, 26],
      IL: [25, 25],
      ISV: [24, 24],
      SAS: [23, 22],
      SSE: [21, 21],
      SRT: [20, 16],
      SF: [15, 15],
      SET: [12, 11],
      FnV: [10, 10],
      EA: [9, 9],
      CM: [8, 8],
      S1PTW: [7, 7],
      WnR: [6, 6],
      DFSC: [5, 0],
    });
  });

  it('decodes the other syndromes of the seed thread', () => {
    expect(decodeEsr('0x92000047')).toMatchObject({ rmmView: 'not_tf_rmm_main', dataAbort: { wnr: true } });
    expect(decodeEsr('0x90000007')).toMatchObject({
      il: false,
      rmmView: 'protected',
      dataAbort: { dfsc: 7 },
    });
    expect(decodeEsr('0x90000005').dataAbort?.fault).toMatchObject({ kind: 'translation', level: 1 });
    expect(decodeEsr('0x92000006').dataAbort?.fault?.level).toBe(2);
    expect(decodeEsr('0x9200000F').dataAbort?.fault).toMatchObject({ kind: 'permission', level: 3 });
    const mmio = decodeEsr('0x91C08047');
    expect(mmio).toMatchObject({ il: false, rmmView: 'unprotected_isv' });
    expect(mmio.dataAbort).toMatchObject({ isv: true, accessBytes: 8, sf: true, wnr: true, srt: 0, dfsc: 7 });
    expect(mmio.notes.join(' ')).toMatch(/gprs\[0\]/);
  });

  it('decodes the GPF and SEA codes v14 wires up', () => {
    expect(decodeEsr('0x96000028').dataAbort?.fault?.kind).toBe('gpf');
    expect(decodeEsr('0x96000023').dataAbort?.fault).toMatchObject({ kind: 'gpf_walk', level: -1 });
    expect(decodeEsr('0x96000010').dataAbort?.fault?.kind).toBe('sea');
    expect(decodeEsr('0x9600002B').dataAbort?.fault).toMatchObject({ kind: 'translation', level: -1 });
  });

  it('decodes instruction aborts and other classes without data-abort fields', () => {
    const iabt = decodeEsr('0x82000007');
    expect(iabt).toMatchObject({ ecName: 'IABT_LOW', dataAbort: null, rmmView: null });
    expect(meaning(iabt, 'IFSC')).toBe('translation fault, level 3');
    expect(decodeEsr('0x5e000000')).toMatchObject({ ecName: 'SMC64', dataAbort: null });
    expect(raw(decodeEsr('0x5e000000'), 'ISS')).toBe(0n);
  });

  it('classifies 0x90000047 as TF-RMM before 4de93bb0: emulated mask, IL dropped, WnR kept (d2c6c52b exit.c 263-268)', () => {
    const d = decodeEsr('0x90000047');
    expect(d).toMatchObject({
      il: false,
      rmmView: 'unprotected_no_isv_pre_4de93bb0',
      dataAbort: { isv: false, wnr: true },
    });
    expect(d.notes.join(' ')).toMatch(/since 4de93bb0 reports the same abort .* as 0x92000007/);
    expect(meaning(d, 'FnV')).toMatch(/FAR_EL2\[11:0\]/);
  });

  it('says no TF-RMM version reported IL = 1 with WnR = 1 and ISV = 0 (exit.c 265-273; d2c6c52b exit.c 263-268)', () => {
    const d = decodeEsr('0x92000047');
    expect(d.rmmView).toBe('not_tf_rmm_main');
    expect(d.notes.join(' ')).toMatch(/IL = 1 with WnR = 1 and ISV = 0 was never reported by TF-RMM/);
    expect(d.notes.join(' ')).toMatch(/non-realm VM, or from another RMM/);
    expect(decodeEsr('0x92000007').notes.join(' ')).not.toMatch(/never reported/);
  });

  it('says what rec_exit.far holds for FnV = 0 on each path, not a bare "FAR valid" (exit.c 215, 279)', () => {
    expect(meaning(decodeEsr('0x92000007'), 'FnV')).toMatch(/rec_exit\.far = 0/);
    expect(meaning(decodeEsr('0x90000007'), 'FnV')).toMatch(/rec_exit\.far = 0/);
    expect(meaning(decodeEsr('0x91C08047'), 'FnV')).toMatch(/only FAR_EL2\[11:0\]/);
    expect(meaning(decodeEsr('0x96000007'), 'FnV')).toBe('FAR valid');
    expect(meaning(decodeEsr('0x90000407'), 'FnV')).toBe('FAR not valid');
  });

  it('reports FAR and HPFAR as 0 for an external abort, which fits the non-emulated mask (exit.c 139-189)', () => {
    const d = decodeEsr('0x90001810');
    expect(d).toMatchObject({ rmmView: 'protected', dataAbort: { set: 3, dfsc: 0x10 } });
    expect(d.notes.join(' ')).toMatch(/writes neither FAR nor HPFAR, so the host reads both as 0/);
    expect(meaning(d, 'FnV')).toMatch(/no FAR \(and no HPFAR\)/);
    expect(decodeEsr('0x90000007').notes.join(' ')).not.toMatch(/external abort: TF-RMM reports/);
  });

  it('notes that a protected-path value is also what pre-4de93bb0 TF-RMM reported for an unprotected read without ISV', () => {
    expect(decodeEsr('0x90000007').notes.join(' ')).toMatch(/Before TF-RMM 4de93bb0, an unprotected read/);
  });

  it('has unique EC and DFSC codes in its tables', () => {
    expect(new Set(ESR_EC_TABLE.map((e) => e.ec)).size).toBe(ESR_EC_TABLE.length);
    expect(new Set(DFSC_TABLE.map((e) => e.code)).size).toBe(DFSC_TABLE.length);
  });
});

describe('decodePte (stage-1 page descriptor)', () => {
  it('decodes the seed PTE 0x00e8010046880707', () => {
    const d = decodePte('0x00e8010046880707', { ipaBits: 41 });
    expect(d).toMatchObject({
      valid: true,
      attrIndx: 1,
      attrName: 'MT_NORMAL_TAGGED',
      outputAddress: 0x100_4688_0000n,
      sharedAliasOf: 0x4688_0000n,
      writable: true,
      dirty: true,
      pxn: true,
      uxn: true,
    });
    expect(raw(d, 'NS')).toBe(0n);
    expect(raw(d, 'AP')).toBe(0n);
    expect(meaning(d, 'AP')).toBe('EL1 read/write, no EL0 access');
    expect(meaning(d, 'SH')).toBe('inner shareable');
    expect(raw(d, 'AF')).toBe(1n);
    expect(raw(d, 'nG')).toBe(0n);
    expect(meaning(d, 'DBM')).toMatch(/PTE_WRITE/);
    expect(meaning(d, 'PTE_DIRTY')).toMatch(/dirty/);
    expect(formatDecoded(d)).toMatch(/^stage-1 page descriptor 0x00e8010046880707\n/);
  });

  it('does not guess a shared alias without an IPA width', () => {
    expect(decodePte('0x00e8010046880707').sharedAliasOf).toBeNull();
  });
});

describe('decodeRmiReturn (status | index << 8)', () => {
  it('decodes 0x204 as RMI_ERROR_RTT at level 2', () => {
    expect(decodeRmiReturn('0x204')).toMatchObject({
      status: 4,
      statusName: 'RMI_ERROR_RTT',
      index: 2,
      rttLevel: 2,
    });
    expect(decodeRmiReturn('0x104')).toMatchObject({ statusName: 'RMI_ERROR_RTT', rttLevel: 1 });
    expect(decodeRmiReturn('0x0')).toMatchObject({ statusName: 'RMI_SUCCESS', rttLevel: null });
  });

  it('decodes MEMREQ and CAN_CANCEL for RMI_INCOMPLETE', () => {
    expect(decodeRmiReturn('0x60d')).toMatchObject({
      statusName: 'RMI_INCOMPLETE',
      memreq: 2,
      canCancel: true,
    });
  });

  it('decodes index 0xff of RMI_ERROR_RTT as level −1 (status.h 51-58) and gives RMI_ERROR_RTT_AUX an RTT level (rtt.c 219)', () => {
    expect(decodeRmiReturn('0xff04')).toMatchObject({ statusName: 'RMI_ERROR_RTT', rttLevel: -1 });
    expect(decodeRmiReturn('0x207')).toMatchObject({ statusName: 'RMI_ERROR_RTT_AUX', rttLevel: 2 });
    expect(decodeRmiReturn('0x502')).toMatchObject({ statusName: 'RMI_ERROR_REALM', rttLevel: null });
  });

  it('cites smc-rmi.h for every status value, not status.h', () => {
    for (const st of RMI_STATUS_TABLE) expect(st.source, st.name).toMatch(/^\[@tf-rmm-smc-rmi\.h:\d+-\d+/);
  });

  it('reports an unknown status without throwing', () => {
    expect(decodeRmiReturn('0x42')).toMatchObject({ statusName: null });
  });

  it('numbers the statuses 0…16 as smc-rmi.h 26-113 defines them', () => {
    expect(RMI_STATUS_TABLE.map((s) => s.status)).toEqual([...Array(17).keys()]);
    expect(RMI_STATUS_TABLE[10]?.name).toBe('RMI_BUSY');
    expect(RMI_STATUS_TABLE[16]?.name).toBe('RMI_ERROR_GRANULE');
  });
});

describe('decodeRangeDesc (RmiAddrRangeDesc)', () => {
  it('decodes the seed descriptor 0xb8b59004: SIZE 0, COUNT 1, ADDR 0xb8b59000, ST 0', () => {
    const d = decodeRangeDesc('0xb8b59004');
    expect(d).toMatchObject({ size: 0, level: 3, count: 1, addr: 0xb8b5_9000n, st: 0, totalBytes: 0x1000n });
    expect(meaning(d, 'ST')).toBe('RMI_OP_MEM_DELEGATED');
    expect(d.notes.join(' ')).toMatch(/missing ST bit/);
  });

  it('notes that the map commands refuse SIZE 3, a level-0 block (rtt_map.c 31-39)', () => {
    expect(decodeRangeDesc('0x8000000007').notes.join(' ')).toMatch(
      /SIZE 3 .* refuse it with RMI_ERROR_INPUT/,
    );
    expect(decodeRangeDesc('0xb8b59004').notes.join(' ')).not.toMatch(/refuse it/);
  });

  it('decodes a post-v14 L2 block with ST = UNDELEGATED', () => {
    const d = decodeRangeDesc((1n << 63n) | 0x4680_0000n | (1n << 2n) | 1n);
    expect(d).toMatchObject({ size: 1, level: 2, count: 1, st: 1, totalBytes: 0x20_0000n });
    expect(meaning(d, 'ST')).toBe('RMI_OP_MEM_UNDELEGATED');
  });
});

describe('decodeUnprotFlags (RmiRttUnprotMapFlags)', () => {
  it('decodes the seed flags 0x1e0001: OADDR_TYPE SINGLE, MEMATTR 6, S2AP 3 (RW)', () => {
    const d = decodeUnprotFlags('0x1e0001');
    expect(d).toMatchObject({
      oaddrType: 1,
      listCount: 0,
      memattr: 6,
      memattrName: 'MT_S2_FWB_NORMAL',
      s2ap: 3,
      read: true,
      write: true,
    });
    expect(meaning(d, 'OADDR_TYPE')).toMatch(/^RMI_ADDR_TYPE_SINGLE/);
  });

  it('names OADDR_TYPE 2 RMI_ADDR_TYPE_LIST and notes that RMI_RTT_UNPROT_MAP refuses NONE (smc-rmi.h 1290-1293; rtt_map.c 136-169)', () => {
    expect(meaning(decodeUnprotFlags('0x1e0002'), 'OADDR_TYPE')).toMatch(/^RMI_ADDR_TYPE_LIST/);
    expect(decodeUnprotFlags('0x1e0002').notes.join(' ')).not.toMatch(/OADDR_TYPE/);
    expect(decodeUnprotFlags('0x1e0000').notes.join(' ')).toMatch(/OADDR_TYPE 0: .*RMI_ERROR_INPUT/);
  });

  it('says TF-RMM refuses S2AP bits 2–3 and MEMATTR 4 with RMI_ERROR_INPUT (rtt_map.c 1029-1043; s2tt.c 960-965)', () => {
    const s2ap = decodeUnprotFlags('0x3e0001');
    expect(meaning(s2ap, 'S2AP')).toMatch(/bits 2–3 set: TF-RMM returns RMI_ERROR_INPUT/);
    expect(s2ap.notes.join(' ')).toMatch(/S2AP bits 2–3 are set/);
    const memattr = decodeUnprotFlags('0x1c0001');
    expect(meaning(memattr, 'MEMATTR')).toMatch(/^reserved FWB encoding: RMI_ERROR_INPUT/);
    expect(memattr.notes.join(' ')).toMatch(/MEMATTR 4 is the reserved FWB encoding/);
    expect(decodeUnprotFlags('0x1e0001').notes.join(' ')).not.toMatch(/RMI_ERROR_INPUT/);
  });

  it('decodes a post-v14 read-only mapping (S2AP READ = 2)', () => {
    expect(decodeUnprotFlags('0x160001')).toMatchObject({ s2ap: 2, read: true, write: false });
  });
});

describe('decodeProt (kvm_pgtable_prot)', () => {
  it('decodes the seed prot 0xf as PX|UX|W|R and derives the seed flags', () => {
    const d = decodeProt('0xf');
    expect(d.names).toEqual(['PX', 'UX', 'W', 'R']);
    expect(d.unprotFlags).toBe(0x1e0001n);
    expect(d.notes.join(' ')).toContain('[@linux-kvm_pgtable.h:272-287]');
  });

  it('maps DEVICE to MEMATTR 1, NORMAL_NC to 5 and rejects both together', () => {
    expect(decodeProt('0x1c').unprotFlags).toBe(0x1_0001n | (3n << 19n));
    expect(decodeProt('0x28').unprotFlags).toBe(0x5_0001n | (2n << 19n));
    expect(decodeProt('0x3c').unprotFlags).toBeNull();
  });
});

describe('decodeIpa', () => {
  it('decodes the seed IPA 0x10046880000 in a 41-bit realm: L1 0x401, L2 0x34, L3 0x80', () => {
    const d = decodeIpa('0x10046880000', 41);
    expect(d).toMatchObject({
      half: 'unprotected',
      gpa: 0x4688_0000n,
      gfn: 0x46880n,
      hpfar: 0x1_0046_8800n,
      outOfRange: false,
      sharedBit: 0x100_0000_0000n,
    });
    expect(d.levels.map((l) => [l.level, l.index])).toEqual([
      [1, 0x401],
      [2, 0x34],
      [3, 0x80],
    ]);
    expect(d.levels[0]?.entries).toBe(2048);
  });

  it('puts the private alias in the lower half with the same L2/L3 indices', () => {
    const d = decodeIpa('0x46880000', 41);
    expect(d.half).toBe('protected');
    expect(d.levels.map((l) => l.index)).toEqual([0x1, 0x34, 0x80]);
  });

  it('marks an IPA at or beyond 2^ipaBits as out of range, without throwing', () => {
    expect(decodeIpa('0x20000000000', 41).outOfRange).toBe(true);
    expect(decodeIpa('0x1ffffffffff', 41).outOfRange).toBe(false);
  });

  it('walks from L0 for a 48-bit realm', () => {
    expect(decodeIpa('0x800046880000', 48).levels.map((l) => l.level)).toEqual([0, 1, 2, 3]);
  });
});

describe('bad input', () => {
  it('rejects a value that is not hex, naming the input', () => {
    expect(() => decodeEsr('0xZZ')).toThrow(DecodeError);
    expect(() => decodeEsr('0xZZ')).toThrow(
      "ESR_EL2 value: expected a hexadecimal value of at most 64 bits (e.g. 0x92000007), got '0xZZ'",
    );
    expect(() => decodeEsr('')).toThrow(/ESR_EL2 value: expected a hexadecimal value/);
    expect(() => decodeRmiReturn('-1')).toThrow(/RMI return value: expected/);
  });

  it('rejects a value wider than 64 bits', () => {
    expect(() => decodePte('0x1_0000_0000_0000_0000')).toThrow(
      /PTE value: expected .* at most 64 bits.*65 bits/,
    );
    expect(() => parseHexInput(1n << 64n, 'x')).toThrow(/x: expected/);
  });

  it('rejects huge strings quickly with a truncated echo', () => {
    const big = '1'.repeat(10_000_000);
    expect(() => decodeEsr(big)).toThrow(/\(10000000 characters\)/);
  });

  it('rejects ipaBits outside 32…52', () => {
    expect(() => decodeIpa('0x1000', 31)).toThrow('ipaBits: expected an integer 32…52, got 31');
    expect(() => decodeIpa('0x1000', 53)).toThrow(/ipaBits/);
    expect(() => decodePte('0x1000', { ipaBits: 41.5 })).toThrow(/ipaBits/);
  });

  it('accepts hex without 0x and with _ separators', () => {
    expect(decodeEsr('92000007').value).toBe(0x92000007n);
    expect(decodeIpa('0x100_4688_0000', 41).gfn).toBe(0x46880n);
  });
});

describe('formatting', () => {
  it('prints one row per field and the notes', () => {
    const text = formatDecoded(decodeEsr('0x92000007'));
    expect(text).toMatch(/^ESR_EL2 0x92000007\n/);
    expect(text).toMatch(/ {2}DFSC +\[5:0\] +0x7 +translation fault, level 3\n/);
  });

  it('renders bigints as 0x strings in JSON', () => {
    const j = decodedToJson(decodeRangeDesc('0xb8b59004')) as Record<string, unknown>;
    expect(j['addr']).toBe('0xb8b59000');
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});

describe('citations', () => {
  it('every [@…] citation in the RMM model, the decoders and the reference data resolves against the source registry', () => {
    const root = new URL('../', import.meta.url);
    const files = [
      ...['rmm/constants.ts', 'rmm/rmi.ts', 'rmm/rtt.ts', 'rmm/exit.ts'].map(
        (f) => new URL(`src/${f}`, root),
      ),
      ...['esr.ts', 'rmi.ts', 'tables.ts'].map((f) => new URL(`src/decode/${f}`, root)),
      new URL('../../src/components/reference/reference-data.ts', root),
    ];
    let count = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      count += findCitations(text).length;
      expect(citationProblems(text), f.pathname).toEqual([]);
    }
    expect(count).toBeGreaterThan(100);
  });

  it('the decoders’ notes and field meanings cite only known sources', () => {
    const values: Decoded[] = [
      ...['0x92000007', '0x90000047', '0x92000047', '0x91C08047', '0x90001810', '0x90000007'].map((v) =>
        decodeEsr(v),
      ),
      decodeRmiReturn('0xff04'),
      decodeRangeDesc('0x8000000007'),
      decodeRangeDesc('0xb8b59004'),
      decodeUnprotFlags('0x3c0000'),
      decodeProt('0x3c'),
    ];
    for (const d of values) {
      const text = [...d.notes, ...d.fields.map((f) => f.meaning)].join('\n');
      expect(citationProblems(text), d.title).toEqual([]);
    }
    expect(decodeEsr('0x92000007').notes.join(' ')).toMatch(/\[@tf-rmm-exit\.c:265-273/);
  });
});
