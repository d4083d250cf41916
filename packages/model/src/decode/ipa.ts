/**
 * A realm IPA taken apart: which half it is in, the GPA and GFN KVM derives
 * from it (kvm_gpa_from_fault, gpa_to_gfn), the HPFAR value the RMM reports, and the stage-2
 * table index at each level for the realm's IPA width.
 */
import { MAX_IPA_BITS, MIN_IPA_BITS, PAGE_LEVEL, levelSize, stage2Geometry } from '../arch/geometry.js';
import { gpa_to_gfn, ipa as toIpa, kvm_gpa_from_fault, type Gfn, type Gpa, type Ipa } from '../types/addr.js';
import {
  DecodeError,
  hex,
  parseHexInput,
  type Decoded,
  type DecodedField,
  type DecodeInput,
} from './field.js';

export interface IpaLevelIndex {
  readonly level: number;
  /** IPA bits this level's index comes from. */
  readonly msb: number;
  readonly lsb: number;
  readonly index: number;
  /** Entries in the table at this level (the root may be concatenated). */
  readonly entries: number;
}

export interface IpaDecoded extends Decoded {
  readonly kind: 'ipa';
  readonly ipa: Ipa;
  readonly ipaBits: number;
  /** `protected` (lower half, RMM-owned) or `unprotected` (upper half, shared). */
  readonly half: 'protected' | 'unprotected';
  readonly sharedBit: bigint;
  /** kvm_gpa_from_fault(): the IPA without the shared bit. */
  readonly gpa: Gpa;
  readonly gfn: Gfn;
  /** IPA >> 8, what the RMM writes to rec_exit.hpfar for a host exit [@tf-rmm-exit.c:216-217]. */
  readonly hpfar: bigint;
  /** True when ipa ≥ 2^ipaBits: the RMM injects an SEA into the realm, no host exit [@tf-rmm-exit.c:253-256]. */
  readonly outOfRange: boolean;
  readonly levels: readonly IpaLevelIndex[];
}

/** Decode an IPA for a realm of `ipaBits` (32…52) bits. */
export function decodeIpa(input: DecodeInput, ipaBits: number): IpaDecoded {
  if (!Number.isInteger(ipaBits) || ipaBits < MIN_IPA_BITS || ipaBits > MAX_IPA_BITS) {
    throw new DecodeError('ipaBits', `an integer ${MIN_IPA_BITS}…${MAX_IPA_BITS}`, String(ipaBits));
  }
  const v = parseHexInput(input, 'IPA');
  const g = stage2Geometry(ipaBits);
  const ipa = toIpa(v);
  const outOfRange = v >> BigInt(ipaBits) !== 0n;
  const unprotected = (v & g.sharedBit) !== 0n;
  const gpa = kvm_gpa_from_fault(ipaBits, ipa);
  const gfn = gpa_to_gfn(gpa);

  const levels: IpaLevelIndex[] = [];
  for (let level = g.startLevel; level <= PAGE_LEVEL; level++) {
    // levelSize(level) is a power of two; its log2 is where this level's index starts.
    const lsb = levelSize(level).toString(2).length - 1;
    const entries = level === g.startLevel ? g.rootEntries : 512;
    const msb = lsb + Math.log2(entries) - 1;
    levels.push({ level, msb, lsb, index: Number((v >> BigInt(lsb)) & BigInt(entries - 1)), entries });
  }

  const fields: DecodedField[] = [];
  if (outOfRange) {
    fields.push({
      name: 'beyond IPA width',
      msb: 63,
      lsb: ipaBits,
      raw: v >> BigInt(ipaBits),
      meaning: `set: the IPA is ≥ 2^${ipaBits}`,
    });
  }
  fields.push({
    name: 'shared bit',
    msb: ipaBits - 1,
    lsb: ipaBits - 1,
    raw: unprotected ? 1n : 0n,
    meaning: unprotected
      ? 'unprotected (shared) half: the host maps it'
      : 'protected (private) half: the RMM maps it',
  });
  for (const l of levels) {
    fields.push({
      name: `L${l.level} index`,
      msb: l.msb,
      lsb: l.lsb,
      raw: BigInt(l.index),
      meaning:
        `entry ${hex(l.index)} of ${l.entries}` +
        (l.level === g.startLevel && g.rootTables > 1 ? ` (root: ${g.rootTables} concatenated tables)` : ''),
    });
  }
  fields.push({
    name: 'page offset',
    msb: 11,
    lsb: 0,
    raw: v & 0xfffn,
    meaning: `byte ${hex(v & 0xfffn)} of the 4 KiB page`,
  });

  const notes: string[] = [
    `${ipaBits}-bit realm: shared bit ${hex(g.sharedBit)} (bit ${ipaBits - 1}), ${g.levels} stage-2 levels from L${g.startLevel} [@v14-rmi.c:63-66].`,
    `GPA ${hex(gpa)} (kvm_gpa_from_fault), GFN ${hex(gfn)}, HPFAR ${hex(v >> 8n)} (IPA >> 8).`,
  ];
  if (outOfRange) {
    notes.push(
      `The IPA is beyond the realm's ${ipaBits}-bit IPA space: the RMM injects an SEA into the realm without a host exit [@tf-rmm-exit.c:253-256]. The indices above ignore the bits beyond the width.`,
    );
  }
  return {
    kind: 'ipa',
    title: `IPA (${ipaBits}-bit realm)`,
    value: v,
    fields,
    notes,
    ipa,
    ipaBits,
    half: unprotected ? 'unprotected' : 'protected',
    sharedBit: g.sharedBit,
    gpa,
    gfn,
    hpfar: v >> 8n,
    outOfRange,
    levels,
  };
}
