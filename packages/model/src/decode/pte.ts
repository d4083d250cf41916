/**
 * Stage-1 page descriptors (level 3, 4 KiB granule, 48-bit output address), as the seed's guest
 * log prints them (PTE 0x00e8010046880707 [@v14-29-shan-0625]). The Linux software bits the seed's
 * values use are named; the rest of the software range is reported as such.
 */
import { sharedBit } from '../types/addr.js';
import { MAX_IPA_BITS, MIN_IPA_BITS } from '../arch/geometry.js';
import {
  bits,
  DecodeError,
  field,
  hex,
  mask,
  parseHexInput,
  type Decoded,
  type DecodeInput,
} from './field.js';
import { lookup, MT_TABLE } from './tables.js';

export interface PteDecoded extends Decoded {
  readonly kind: 'pte';
  readonly valid: boolean;
  /** AttrIndx [4:2], an index into Linux's MAIR (MT_*). */
  readonly attrIndx: number;
  readonly attrName: string | null;
  /** The output address, OA [47:12] << 12. */
  readonly outputAddress: bigint;
  /** When ipaBits was given and the OA has the shared bit: the OA without it. */
  readonly sharedAliasOf: bigint | null;
  readonly writable: boolean;
  readonly dirty: boolean;
  readonly pxn: boolean;
  readonly uxn: boolean;
}

const AP_MEANING = [
  'EL1 read/write, no EL0 access',
  'EL1 read/write, EL0 read/write',
  'EL1 read-only, no EL0 access',
  'EL1 read-only, EL0 read-only',
] as const;
const SH_MEANING = ['non-shareable', 'reserved', 'outer shareable', 'inner shareable'] as const;

export interface PteOptions {
  /** The realm IPA width; when given, an OA with bit ipaBits-1 set is reported as a shared alias. */
  readonly ipaBits?: number;
}

/** Decode a stage-1 level-3 page descriptor. */
export function decodePte(input: DecodeInput, options: PteOptions = {}): PteDecoded {
  const v = parseHexInput(input, 'PTE value');
  const { ipaBits } = options;
  if (
    ipaBits !== undefined &&
    (!Number.isInteger(ipaBits) || ipaBits < MIN_IPA_BITS || ipaBits > MAX_IPA_BITS)
  ) {
    throw new DecodeError('ipaBits', `an integer ${MIN_IPA_BITS}…${MAX_IPA_BITS}`, String(ipaBits));
  }
  const type = bits(v, 1, 0);
  const valid = type === 0b11n;
  const attrIndx = Number(bits(v, 4, 2));
  const attr = lookup(MT_TABLE, 'value', attrIndx);
  const outputAddress = v & mask(47, 12);
  const notes: string[] = [
    'Decoded as a level-3 page descriptor (4 KiB granule, 48-bit OA); at levels 0–2, 0b11 in bits [1:0] would be a table descriptor.',
  ];
  let sharedAliasOf: bigint | null = null;
  if (ipaBits !== undefined) {
    const bit = sharedBit(ipaBits);
    if ((outputAddress & bit) !== 0n) {
      sharedAliasOf = outputAddress & ~bit;
      notes.push(
        `OA ${hex(outputAddress)} has bit ${ipaBits - 1} set: the shared (unprotected) alias of IPA ${hex(sharedAliasOf)} in a ${ipaBits}-bit realm, as PROT_NS_SHARED makes it [@linux-pgtable-prot.h:74-76; @linux-rsi.c:150].`,
      );
    } else {
      notes.push(`OA ${hex(outputAddress)} is in the protected half of a ${ipaBits}-bit realm.`);
    }
  }
  if (!valid)
    notes.push(
      'Bits [1:0] are not 0b11: not a valid page descriptor; the other fields are software-defined.',
    );

  const fields = [
    field(v, 'Valid/Type', 1, 0, (r) =>
      r === 0b11n ? 'valid page' : r === 0b01n ? 'reserved at level 3 (block at levels 1–2)' : 'invalid',
    ),
    field(v, 'AttrIndx', 4, 2, (r) => {
      const mt = lookup(MT_TABLE, 'value', Number(r));
      return mt ? `${mt.name}: ${mt.description} (Linux MAIR index)` : 'not a Linux MT_* index';
    }),
    field(v, 'NS', 5, 5, (r) =>
      r ? 'non-secure output address' : 'security state of the translation regime',
    ),
    field(v, 'AP', 7, 6, (r) => AP_MEANING[Number(r)] ?? '?'),
    field(v, 'SH', 9, 8, (r) => SH_MEANING[Number(r)] ?? '?'),
    field(v, 'AF', 10, 10, (r) => (r ? 'accessed' : 'not accessed (access flag fault on first use)')),
    field(v, 'nG', 11, 11, (r) => (r ? 'not global (ASID-tagged)' : 'global')),
    field(v, 'OA', 47, 12, (r) => `output address ${hex(r << 12n)}`),
    field(v, 'RES0/OA[51:48]', 49, 48, (r) => (r ? 'set: reserved with a 48-bit OA' : 'zero')),
    field(v, 'GP', 50, 50, (r) => (r ? 'guarded page (BTI)' : 'not a guarded page')),
    field(v, 'DBM', 51, 51, (r) =>
      r ? 'dirty bit modifier; Linux PTE_WRITE: writable' : 'Linux PTE_WRITE clear',
    ),
    field(v, 'Contiguous', 52, 52, (r) => (r ? 'part of a contiguous range' : 'not contiguous')),
    field(v, 'PXN', 53, 53, (r) => (r ? 'privileged execute never' : 'privileged execute allowed')),
    field(v, 'UXN', 54, 54, (r) => (r ? 'unprivileged execute never' : 'unprivileged execute allowed')),
    field(v, 'PTE_DIRTY', 55, 55, (r) =>
      r ? 'Linux software dirty bit: dirty' : 'Linux software dirty bit: clean',
    ),
    field(v, 'SW', 58, 56, (r) => (r ? 'other software bits set (Linux use not decoded here)' : 'zero')),
    field(v, 'PBHA', 62, 59, (r) => (r ? 'page-based hardware attributes' : 'zero')),
    field(v, 'IGNORED', 63, 63, (r) => (r ? 'set (ignored by hardware)' : 'zero')),
  ];
  return {
    kind: 'pte',
    title: 'stage-1 page descriptor',
    value: v,
    fields,
    notes,
    valid,
    attrIndx,
    attrName: attr?.name ?? null,
    outputAddress,
    sharedAliasOf,
    writable: bits(v, 51, 51) === 1n,
    dirty: bits(v, 55, 55) === 1n,
    pxn: bits(v, 53, 53) === 1n,
    uxn: bits(v, 54, 54) === 1n,
  };
}
