/**
 * RMI values from the host side of the realm fault path: return codes, RmiAddrRangeDesc and
 * RmiRttUnprotMapFlags as TF-RMM reads them [@tf-rmm-status.h:42-67; @tf-rmm-smc-rmi.h:1251-1320],
 * and kvm_pgtable_prot, the KVM permission set realm_map_non_secure turns into those flags
 * [@v14-29].
 */
import { bits, field, hex, mask, parseHexInput, sizeName, type Decoded, type DecodeInput } from './field.js';
import {
  KVM_PGTABLE_PROT_TABLE,
  lookup,
  MEMATTR_RESERVED,
  MT_S2_FWB_TABLE,
  RMI_ADDR_TYPE_TABLE,
  RMI_MEMREQ_TABLE,
  RMI_OP_MEM_TABLE,
  RMI_RANGE_SIZE_TABLE,
  RMI_S2AP_TABLE,
  RMI_STATUS_TABLE,
  type RmiStatusName,
} from './tables.js';

// ---------------------------------------------------------------------------------------------
// Return codes: ret = status | index << 8 (pack_return_code() [@tf-rmm-status.h:42-58]).

export interface RmiReturnDecoded extends Decoded {
  readonly kind: 'rmi-ret';
  /** RMI_RETURN_STATUS(ret) = ret & 0xff. */
  readonly status: number;
  readonly statusName: RmiStatusName | null;
  /** RMI_RETURN_INDEX(ret) = (ret >> 8) & 0xff. */
  readonly index: number;
  /** For RMI_ERROR_RTT and RMI_ERROR_RTT_AUX: the RTT level the index names (−1 for 0xff). */
  readonly rttLevel: number | null;
  /** For RMI_INCOMPLETE: MEMREQ [9:8] and CAN_CANCEL [10]. */
  readonly memreq: number | null;
  readonly canCancel: boolean | null;
}

/** The RMI status name for a status value, or null. */
export function rmiStatusName(status: number): RmiStatusName | null {
  return lookup(RMI_STATUS_TABLE, 'status', status)?.name ?? null;
}

/** Decode an RMI command's return value. */
export function decodeRmiReturn(input: DecodeInput): RmiReturnDecoded {
  const v = parseHexInput(input, 'RMI return value');
  const status = Number(bits(v, 7, 0));
  const info = lookup(RMI_STATUS_TABLE, 'status', status);
  const index = Number(bits(v, 15, 8));
  const notes: string[] = [];
  const fields = [
    field(v, 'status', 7, 0, () =>
      info
        ? `${info.name}${info.description ? `: ${info.description}` : ''}`
        : 'not an RMI status: TF-RMM defines 0…16',
    ),
  ];
  let rttLevel: number | null = null;
  let memreq: number | null = null;
  let canCancel: boolean | null = null;
  switch (info?.index ?? 'unused') {
    case 'rtt_level':
      // pack_return_code() stores the level as an unsigned char: LPA2's level −1 reads 0xff.
      rttLevel = index === 0xff ? -1 : index;
      fields.push(
        field(v, 'index', 15, 8, (r) =>
          r <= 3n
            ? `RTT level ${r}: where the walk stopped, or the level of the unexpected entry`
            : r === 0xffn
              ? 'RTT level −1 (FEAT_LPA2), stored as an unsigned char'
              : `level ${r}: not a valid RTT level (−1…3)`,
        ),
      );
      break;
    case 'sro':
      memreq = Number(bits(v, 9, 8));
      canCancel = bits(v, 10, 10) === 1n;
      fields.push(
        field(
          v,
          'MEMREQ',
          9,
          8,
          (r) => lookup(RMI_MEMREQ_TABLE, 'value', Number(r))?.description ?? 'reserved',
        ),
        field(v, 'CAN_CANCEL', 10, 10, (r) => (r ? 'the operation can be cancelled' : 'cannot be cancelled')),
        field(v, 'index[15:11]', 15, 11, (r) => (r ? 'set: reserved' : 'zero')),
      );
      break;
    case 'unused':
      fields.push(field(v, 'index', 15, 8, (r) => (r ? 'set, but this status defines no index' : 'zero')));
      break;
  }
  if (bits(v, 63, 16) !== 0n) {
    notes.push(`Bits [63:16] are set (${hex(v & mask(63, 16))}): RMI return values use only bits [15:0].`);
  }
  return {
    kind: 'rmi-ret',
    title: 'RMI return value',
    value: v,
    fields,
    notes,
    status,
    statusName: info?.name ?? null,
    index,
    rttLevel,
    memreq,
    canCancel,
  };
}

// ---------------------------------------------------------------------------------------------
// RmiAddrRangeDesc (RmiAddrRangeDesc4KB [@tf-rmm-smc-rmi.h:1251-1259; @v14-rmi_smc.h]).

export interface RangeDescDecoded extends Decoded {
  readonly kind: 'range-desc';
  /** SIZE [1:0]: 0 = L3 page … 3 = L0 block. */
  readonly size: number;
  /** The RTT level SIZE names. */
  readonly level: number;
  /** Bytes per block of this SIZE. */
  readonly blockBytes: bigint;
  /** COUNT [11:2]. */
  readonly count: number;
  /** ADDR [51:12], as an address. */
  readonly addr: bigint;
  /** ST [63]: 0 = RMI_OP_MEM_DELEGATED, 1 = RMI_OP_MEM_UNDELEGATED. */
  readonly st: number;
  /** count × blockBytes. */
  readonly totalBytes: bigint;
}

/** Decode an RmiAddrRangeDesc (4 KiB granules). */
export function decodeRangeDesc(input: DecodeInput): RangeDescDecoded {
  const v = parseHexInput(input, 'RmiAddrRangeDesc value');
  const size = Number(bits(v, 1, 0));
  const sz = RMI_RANGE_SIZE_TABLE[size];
  if (!sz) throw new Error(`RmiAddrRangeDesc: SIZE ${size} missing from RMI_RANGE_SIZE_TABLE`);
  const count = Number(bits(v, 11, 2));
  const addr = v & mask(51, 12);
  const st = Number(bits(v, 63, 63));
  const totalBytes = BigInt(count) * sz.bytes;
  const notes: string[] = [];
  if (count === 0)
    notes.push(
      'COUNT = 0 describes no memory: a map command given it has no block to map and returns RMI_ERROR_INPUT [@tf-rmm-rtt_map.c:252-254].',
    );
  if (addr % sz.bytes !== 0n)
    notes.push(
      `ADDR ${hex(addr)} is not aligned to the ${sizeName(sz.bytes)} block size: a map command returns RMI_ERROR_INPUT for it [@tf-rmm-rtt_map.c:268-270].`,
    );
  if (bits(v, 62, 52) !== 0n) notes.push('Bits [62:52] are set; they are not defined for 4 KiB granules.');
  if (!sz.mapAccepts)
    notes.push(
      `SIZE ${size} names a level-${sz.level} block: RMI_RTT_DATA_MAP and RMI_RTT_UNPROT_MAP refuse it with RMI_ERROR_INPUT, since no map command works above level 1 (S2TT_MIN_BLOCK_LEVEL) [@tf-rmm-rtt_map.c:31-39; @tf-rmm-rtt_map.c:190-197].`,
    );
  if (count > 0) {
    notes.push(
      `Describes ${hex(addr)}…${hex(addr + totalBytes)} (${sizeName(totalBytes)}), pfn ${hex(addr >> 12n)}.`,
    );
  }
  if (st === 0) {
    notes.push(
      "ST = 0 claims delegated memory, as RMI_RTT_DATA_MAP requires [@tf-rmm-rtt_map.c:184-186]. For RMI_RTT_UNPROT_MAP this is v14's missing ST bit [@v14-29]: the post-v14 development code sets UNDELEGATED, and TF-RMM 7626d97b stopped checking ST for RMI_RTT_UNPROT_MAP as a workaround [@tf-rmm-7626d97b].",
    );
  }
  const fields = [
    field(v, 'SIZE', 1, 0, () => `level ${sz.level}, ${sizeName(sz.bytes)} per block`),
    field(v, 'COUNT', 11, 2, (r) => `${r} block${r === 1n ? '' : 's'}`),
    field(v, 'ADDR', 51, 12, (r) => `address ${hex(r << 12n)}`),
    field(v, 'ST', 63, 63, (r) => lookup(RMI_OP_MEM_TABLE, 'value', Number(r))?.name ?? '?'),
  ];
  return {
    kind: 'range-desc',
    title: 'RmiAddrRangeDesc',
    value: v,
    fields,
    notes,
    size,
    level: sz.level,
    blockBytes: sz.bytes,
    count,
    addr,
    st,
    totalBytes,
  };
}

// ---------------------------------------------------------------------------------------------
// RmiRttUnprotMapFlags: OADDR_TYPE [1:0], LIST_COUNT [15:2], MEMATTR [18:16], S2AP [22:19]
// [@tf-rmm-smc-rmi.h:1302-1313].

export interface UnprotFlagsDecoded extends Decoded {
  readonly kind: 'unprot-flags';
  readonly oaddrType: number;
  readonly listCount: number;
  readonly memattr: number;
  readonly memattrName: string | null;
  readonly s2ap: number;
  readonly read: boolean;
  readonly write: boolean;
}

function s2apMeaning(raw: bigint): string {
  const names = RMI_S2AP_TABLE.filter((b) => (raw >> BigInt(b.bit)) & 1n).map((b) => b.name);
  const rw = `${raw & 2n ? 'R' : '-'}${raw & 1n ? 'W' : '-'}`;
  const extra = raw & ~3n ? '; bits 2–3 set: TF-RMM returns RMI_ERROR_INPUT' : '';
  return `${rw}${names.length ? ` (${names.join(' | ')})` : ' (no access)'}${extra}`;
}

/** Decode RmiRttUnprotMapFlags, the flags argument of RMI_RTT_UNPROT_MAP. */
export function decodeUnprotFlags(input: DecodeInput): UnprotFlagsDecoded {
  const v = parseHexInput(input, 'RmiRttUnprotMapFlags value');
  const memattr = Number(bits(v, 18, 16));
  const mt = lookup(MT_S2_FWB_TABLE, 'value', memattr);
  const s2ap = Number(bits(v, 22, 19));
  const notes: string[] = [];
  if (bits(v, 63, 23) !== 0n)
    notes.push(`Bits [63:23] are set (${hex(v & mask(63, 23))}): not defined by RmiRttUnprotMapFlags.`);
  if (!(s2ap & 1))
    notes.push(
      'No write permission: a read-only unprotected mapping, which v14 never creates (realm_map_ipa requires W) [@v14-29] but the post-v14 development code does.',
    );
  const oaddrType = Number(bits(v, 1, 0));
  if (oaddrType !== 1 && oaddrType !== 2)
    notes.push(
      `OADDR_TYPE ${oaddrType}: RMI_RTT_UNPROT_MAP takes only RMI_ADDR_TYPE_SINGLE or RMI_ADDR_TYPE_LIST and returns RMI_ERROR_INPUT [@tf-rmm-rtt_map.c:136-169].`,
    );
  if (memattr === MEMATTR_RESERVED)
    notes.push(
      'MEMATTR 4 is the reserved FWB encoding (0b100): RMI_RTT_UNPROT_MAP returns RMI_ERROR_INPUT [@tf-rmm-s2tt_pvt_defs.h:200; @tf-rmm-s2tt.c:960-965].',
    );
  if (s2ap & ~3)
    notes.push(
      'S2AP bits 2–3 are set: with the direct S2AP encoding only WRITE (bit 0) and READ (bit 1) are defined, and RMI_RTT_UNPROT_MAP returns RMI_ERROR_INPUT [@tf-rmm-rtt_map.c:1029-1043].',
    );
  const fields = [
    field(v, 'OADDR_TYPE', 1, 0, (r) => {
      const t = lookup(RMI_ADDR_TYPE_TABLE, 'value', Number(r));
      return t ? `${t.name}: ${t.description}` : 'reserved: RMI_ERROR_INPUT';
    }),
    field(v, 'LIST_COUNT', 15, 2, (r) => (r ? `${r} entries in a descriptor list` : 'zero (not a list)')),
    field(v, 'MEMATTR', 18, 16, (r) => {
      const m = lookup(MT_S2_FWB_TABLE, 'value', Number(r));
      if (m) return `${m.name}: ${m.description}`;
      return Number(r) === MEMATTR_RESERVED
        ? 'reserved FWB encoding: RMI_ERROR_INPUT'
        : 'not an MT_S2_FWB_* value Linux uses; TF-RMM accepts it';
    }),
    field(v, 'S2AP', 22, 19, s2apMeaning),
  ];
  return {
    kind: 'unprot-flags',
    title: 'RmiRttUnprotMapFlags',
    value: v,
    fields,
    notes,
    oaddrType,
    listCount: Number(bits(v, 15, 2)),
    memattr,
    memattrName: mt?.name ?? null,
    s2ap,
    read: (s2ap & 2) !== 0,
    write: (s2ap & 1) !== 0,
  };
}

/**
 * The RmiRttUnprotMapFlags realm_map_non_secure builds for a kvm_pgtable_prot [@v14-29]:
 * OADDR_TYPE SINGLE, MEMATTR from DEVICE/NORMAL_NC, S2AP from R/W. Null for DEVICE together
 * with NORMAL_NC, which the C rejects with -EINVAL.
 */
export function unprotFlagsForProt(prot: bigint): bigint | null {
  const device = (prot >> 4n) & 1n;
  const nc = (prot >> 5n) & 1n;
  if (device && nc) return null;
  const memattr = device ? 1n : nc ? 5n : 6n;
  const s2ap = (((prot >> 3n) & 1n) << 1n) | ((prot >> 2n) & 1n);
  return 1n | (memattr << 16n) | (s2ap << 19n);
}

// ---------------------------------------------------------------------------------------------
// kvm_pgtable_prot (Linux arch/arm64/include/asm/kvm_pgtable.h).

export interface ProtDecoded extends Decoded {
  readonly kind: 'prot';
  /** The names of the set bits, in bit order. */
  readonly names: readonly string[];
  /** What realm_map_non_secure would pass as RmiRttUnprotMapFlags; null when it returns -EINVAL. */
  readonly unprotFlags: bigint | null;
}

/** Decode a kvm_pgtable_prot value. */
export function decodeProt(input: DecodeInput): ProtDecoded {
  const v = parseHexInput(input, 'kvm_pgtable_prot value');
  const fields = KVM_PGTABLE_PROT_TABLE.map((b) =>
    field(v, b.name, b.bit, b.bit, (r) => (r ? `set: ${b.description}` : 'clear')),
  );
  const names = KVM_PGTABLE_PROT_TABLE.filter((b) => (v >> BigInt(b.bit)) & 1n).map((b) =>
    b.name.replace('KVM_PGTABLE_PROT_', ''),
  );
  const notes: string[] = [
    'Bit layout of enum kvm_pgtable_prot: PX=BIT(0), UX=BIT(1), W=BIT(2), R=BIT(3), DEVICE=BIT(4), NORMAL_NC=BIT(5) [@linux-kvm_pgtable.h:272-287]; the seed logs prot=0xf (R|W|X) with MEMATTR 6 [@v14-29-shan-0625].',
  ];
  if (bits(v, 63, 6) !== 0n) notes.push(`Bits [63:6] are set (${hex(v & mask(63, 6))}): not decoded here.`);
  const unprotFlags = unprotFlagsForProt(v);
  if (unprotFlags === null) {
    notes.push('DEVICE together with NORMAL_NC: realm_map_non_secure returns -EINVAL [@v14-29].');
  } else {
    notes.push(`realm_map_non_secure would pass flags ${hex(unprotFlags)} to RMI_RTT_UNPROT_MAP [@v14-29].`);
  }
  if (!((v >> 2n) & 1n)) {
    notes.push(
      'No W: v14 realm_map_ipa WARNs and returns -EFAULT for either half [@v14-29]; the post-v14 development code maps an unprotected IPA read-only.',
    );
  }
  return {
    kind: 'prot',
    title: 'kvm_pgtable_prot',
    value: v,
    fields,
    notes,
    names,
    unprotFlags,
  };
}
