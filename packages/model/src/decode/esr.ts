/**
 * ESR_EL2 decoding for the syndromes realm data aborts produce (brief §2.1–§2.3).
 *
 * Besides the architectural fields, the decoder says which of TF-RMM's sanitising masks
 * (handle_data_abort() in runtime/core/exit.c, brief §2.2) the value is consistent with, because
 * in a realm the host never sees the hardware syndrome: the RMM writes rec_exit.esr and hides
 * fields, WnR among them.
 */
import {
  bits,
  field,
  hex,
  mask,
  parseHexInput,
  type Decoded,
  type DecodedField,
  type DecodeInput,
} from './field.js';
import { DFSC_TABLE, ESR_EC_TABLE, ESR_SET_TABLE, lookup, type FaultStatusInfo } from './tables.js';

/** ESR_ELx_EC_DABT_LOW (brief §2.1). */
export const ESR_ELx_EC_DABT_LOW = 0x24;
/** ESR_ELx_EC_DABT_CUR. */
export const ESR_ELx_EC_DABT_CUR = 0x25;
/** ESR_ELx_EC_IABT_LOW (brief §2.1). */
export const ESR_ELx_EC_IABT_LOW = 0x20;
/** ESR_ELx_EC_IABT_CUR. */
export const ESR_ELx_EC_IABT_CUR = 0x21;

/**
 * TF-RMM's sanitising masks (lib/arch/include/arch.h, brief §2.2 items 4–6).
 * ESR_NONEMULATED_ABORT_MASK keeps EC | SET | FnV | EA | DFSC.
 */
export const ESR_NONEMULATED_ABORT_MASK =
  mask(31, 26) | mask(12, 11) | mask(10, 10) | mask(9, 9) | mask(5, 0);
/** Unprotected IPA with ISV = 0 (since TF-RMM 4de93bb0): the non-emulated mask plus IL. */
export const ESR_NONEMULATED_ABORT_MASK_WITH_IL = ESR_NONEMULATED_ABORT_MASK | mask(25, 25);
/** ESR_EMULATED_ABORT_MASK: the non-emulated fields plus ISV, SAS, SF and WnR (not IL, SSE, SRT). */
export const ESR_EMULATED_ABORT_MASK =
  ESR_NONEMULATED_ABORT_MASK | mask(24, 24) | mask(23, 22) | mask(15, 15) | mask(6, 6);

/** Which TF-RMM reporting path (brief §2.2) a DABT_LOW syndrome is consistent with. */
export type RmmEsrView =
  /** Item 4 (protected IPA) or item 1 (external abort): only EC|SET|FnV|EA|DFSC survive. */
  | 'protected'
  /** Item 5: unprotected IPA, ISV = 0; IL kept, WnR hidden. */
  | 'unprotected_no_isv'
  /** Item 6: unprotected IPA, ISV = 1; ISV, SAS, SF, WnR kept; SSE and SRT hidden. */
  | 'unprotected_isv'
  /** Has bits TF-RMM main masks: an older RMM, or not a realm. */
  | 'not_tf_rmm_main';

export interface EsrDataAbort {
  readonly isv: boolean;
  /** Access size in bytes when ISV = 1 (SAS 0…3 → 1, 2, 4, 8); null when ISV = 0. */
  readonly accessBytes: 1 | 2 | 4 | 8 | null;
  readonly sse: boolean;
  readonly srt: number;
  readonly sf: boolean;
  readonly set: number;
  readonly fnv: boolean;
  readonly ea: boolean;
  readonly cm: boolean;
  readonly s1ptw: boolean;
  readonly wnr: boolean;
  readonly dfsc: number;
  readonly fault: FaultStatusInfo | null;
}

export interface EsrDecoded extends Decoded {
  readonly kind: 'esr';
  readonly ec: number;
  /** Linux's ESR_ELx_EC_* suffix, null for an EC the table does not list. */
  readonly ecName: string | null;
  readonly il: boolean;
  readonly iss: bigint;
  /** The data-abort ISS fields, for EC 0x24/0x25; null otherwise. */
  readonly dataAbort: EsrDataAbort | null;
  /** For DABT_LOW: which TF-RMM reporting path the value fits (brief §2.2); null otherwise. */
  readonly rmmView: RmmEsrView | null;
}

const SAS_BYTES = [1, 2, 4, 8] as const;
const SAS_NAMES = ['byte', 'halfword', 'word', 'doubleword'] as const;

/** The DFSC table entry for a fault status code, or null. */
export function faultStatus(code: number): FaultStatusInfo | null {
  return lookup(DFSC_TABLE, 'code', code) ?? null;
}

/** The meaning of a DFSC/IFSC, including the level. */
export function describeFaultStatus(code: number): string {
  const f = faultStatus(code);
  return f ? f.description : 'reserved or not listed (brief §2.1)';
}

function ecMeaning(ec: bigint): string {
  const info = lookup(ESR_EC_TABLE, 'ec', Number(ec));
  return info ? `ESR_ELx_EC_${info.name}: ${info.description}` : 'unallocated or not listed';
}

function setMeaning(raw: bigint): string {
  const s = lookup(ESR_SET_TABLE, 'value', Number(raw));
  return s ? `${s.name} (${s.description}); meaningful only for a synchronous external abort` : 'reserved';
}

/** Decode an ESR_EL2 value. Throws DecodeError for input that is not hex or is wider than 64 bits. */
export function decodeEsr(input: DecodeInput): EsrDecoded {
  const v = parseHexInput(input, 'ESR_EL2 value');
  const ec = Number(bits(v, 31, 26));
  const ecInfo = lookup(ESR_EC_TABLE, 'ec', ec);
  const il = bits(v, 25, 25) === 1n;
  const fields: DecodedField[] = [];
  const notes: string[] = [];

  const iss2 = bits(v, 55, 32);
  if (iss2 !== 0n) {
    fields.push(
      field(v, 'ISS2', 55, 32, () => 'ISS2: extra syndrome (FEAT_LS64, FEAT_THE, …); not decoded here'),
    );
  }
  if (bits(v, 63, 56) !== 0n) notes.push('Bits [63:56] are RES0 but are set: this is not an ESR_EL2 value.');

  fields.push(field(v, 'EC', 31, 26, ecMeaning));
  fields.push(
    field(v, 'IL', 25, 25, (r) => (r ? '32-bit instruction' : '16-bit instruction, or IL not reported')),
  );

  let dataAbort: EsrDataAbort | null = null;
  let rmmView: RmmEsrView | null = null;

  if (ec === ESR_ELx_EC_DABT_LOW || ec === ESR_ELx_EC_DABT_CUR) {
    const isv = bits(v, 24, 24) === 1n;
    const dfsc = Number(bits(v, 5, 0));
    const ifIsv = (s: string) => (isv ? s : `${s} (not valid: ISV = 0)`);
    fields.push(
      field(v, 'ISV', 24, 24, (r) =>
        r
          ? 'instruction syndrome valid: SAS, SSE, SRT, SF, AR hold the access'
          : 'no valid instruction syndrome',
      ),
      field(v, 'SAS', 23, 22, (r) =>
        ifIsv(`${SAS_NAMES[Number(r)] ?? '?'} (${SAS_BYTES[Number(r)] ?? '?'} byte${r ? 's' : ''})`),
      ),
      field(v, 'SSE', 21, 21, (r) => ifIsv(r ? 'sign-extend' : 'no sign extension')),
      field(v, 'SRT', 20, 16, (r) => ifIsv(r === 31n ? 'register 31 (XZR/WZR)' : `register X${r}/W${r}`)),
      field(v, 'SF', 15, 15, (r) => ifIsv(r ? '64-bit register' : '32-bit register')),
      field(v, 'AR', 14, 14, (r) => ifIsv(r ? 'acquire/release semantics' : 'no acquire/release')),
      field(v, 'VNCR', 13, 13, (r) => (r ? 'fault on a VNCR_EL2-relative access' : 'not a VNCR_EL2 access')),
      field(v, 'SET', 12, 11, setMeaning),
      field(v, 'FnV', 10, 10, (r) => (r ? 'FAR not valid' : 'FAR valid')),
      field(v, 'EA', 9, 9, (r) =>
        r ? 'external abort type: implementation defined classification' : 'not classified as external',
      ),
      field(v, 'CM', 8, 8, (r) =>
        r ? 'from a cache maintenance or address translation instruction' : 'not a cache maintenance fault',
      ),
      field(v, 'S1PTW', 7, 7, (r) =>
        r ? 'stage-2 fault on a stage-1 translation table walk' : 'not on a stage-1 walk',
      ),
      field(v, 'WnR', 6, 6, (r) => (r ? 'write' : 'read')),
      field(v, 'DFSC', 5, 0, (r) => describeFaultStatus(Number(r))),
    );
    const sas = Number(bits(v, 23, 22));
    dataAbort = {
      isv,
      accessBytes: isv ? (SAS_BYTES[sas] ?? null) : null,
      sse: bits(v, 21, 21) === 1n,
      srt: Number(bits(v, 20, 16)),
      sf: bits(v, 15, 15) === 1n,
      set: Number(bits(v, 12, 11)),
      fnv: bits(v, 10, 10) === 1n,
      ea: bits(v, 9, 9) === 1n,
      cm: bits(v, 8, 8) === 1n,
      s1ptw: bits(v, 7, 7) === 1n,
      wnr: bits(v, 6, 6) === 1n,
      dfsc,
      fault: faultStatus(dfsc),
    };
    if (!isv) {
      notes.push(
        'ISV = 0: SAS, SSE, SRT, SF and AR hold no information (a non-emulatable access: LDP/STP, SIMD, DC ZVA, …).',
      );
    }
    if (ec === ESR_ELx_EC_DABT_LOW) {
      rmmView = classifyRmmView(v, isv);
      notes.push(...rmmNotes(v, rmmView, dataAbort));
    }
  } else if (ec === ESR_ELx_EC_IABT_LOW || ec === ESR_ELx_EC_IABT_CUR) {
    fields.push(
      field(v, 'SET', 12, 11, setMeaning),
      field(v, 'FnV', 10, 10, (r) => (r ? 'FAR not valid' : 'FAR valid')),
      field(v, 'EA', 9, 9, (r) =>
        r ? 'external abort type: implementation defined classification' : 'not classified as external',
      ),
      field(v, 'S1PTW', 7, 7, (r) =>
        r ? 'stage-2 fault on a stage-1 translation table walk' : 'not on a stage-1 walk',
      ),
      field(v, 'IFSC', 5, 0, (r) => describeFaultStatus(Number(r))),
    );
    if (ec === ESR_ELx_EC_IABT_LOW) {
      notes.push(
        'v14 handle_rec_exit() does not handle realm instruction aborts: "Unhandled instruction abort", -ENXIO (brief §3.1).',
      );
    }
  } else {
    fields.push(field(v, 'ISS', 24, 0, () => 'instruction specific syndrome; not decoded for this EC'));
  }

  return {
    kind: 'esr',
    title: 'ESR_EL2',
    value: v,
    fields,
    notes,
    ec,
    ecName: ecInfo?.name ?? null,
    il,
    iss: bits(v, 24, 0),
    dataAbort,
    rmmView,
  };
}

function classifyRmmView(v: bigint, isv: boolean): RmmEsrView {
  const low = v & 0xffff_ffffn;
  if ((low & ~ESR_NONEMULATED_ABORT_MASK) === 0n) return 'protected';
  if (!isv && (low & ~ESR_NONEMULATED_ABORT_MASK_WITH_IL) === 0n) return 'unprotected_no_isv';
  if (isv && (low & ~ESR_EMULATED_ABORT_MASK) === 0n) return 'unprotected_isv';
  return 'not_tf_rmm_main';
}

/** What TF-RMM would have hidden, per brief §2.2, for the path the value fits. */
function rmmNotes(v: bigint, view: RmmEsrView, da: EsrDataAbort): string[] {
  switch (view) {
    case 'protected':
      return [
        "In a realm this fits TF-RMM's report of a protected-IPA abort (or an external abort): only EC, SET, FnV, EA and DFSC are passed; IL, ISV, WnR and S1PTW are hidden and FAR is 0 (brief §2.2 item 4).",
        'WnR = 0 here does not mean a read: the host cannot tell a write from a read (brief §2.2).',
      ];
    case 'unprotected_no_isv':
      return [
        "In a realm this fits TF-RMM's report of an unprotected-IPA abort with ISV = 0: EC, SET, FnV, EA, DFSC and IL are passed; WnR is hidden (TF-RMM 4de93bb0, brief §2.2 item 5).",
        'WnR = 0 here does not mean a read: with current TF-RMM a write (memset/STP, DC ZVA) reads as a read (brief §2.2).',
      ];
    case 'unprotected_isv':
      return [
        `In a realm this fits TF-RMM's report of an emulatable unprotected-IPA access: ISV, SAS, SF and WnR are passed, IL, SSE and SRT are not, so SRT reads as 0 (brief §2.2 item 6).` +
          (da.wnr ? ' For a write, the data is in rec_exit.gprs[0].' : ''),
      ];
    case 'not_tf_rmm_main': {
      const allowed = da.isv ? ESR_EMULATED_ABORT_MASK : ESR_NONEMULATED_ABORT_MASK_WITH_IL;
      const extra = v & 0xffff_ffffn & ~allowed;
      return [
        `TF-RMM main (since 4de93bb0) would not report this to the host: bits ${hex(extra)} are masked on every realm path (brief §2.2). Possible from an RMM that does not mask WnR for ISV = 0 (before 2026-04) or from a non-realm VM (brief §2.3).`,
      ];
    }
  }
}
