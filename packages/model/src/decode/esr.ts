/**
 * ESR_EL2 decoding for the syndromes realm data aborts produce.
 *
 * Besides the architectural fields, the decoder says which of TF-RMM's reporting paths
 * (handle_data_abort() in runtime/core/exit.c [@tf-rmm-exit.c:212-290], and the same function
 * before commit 4de93bb0 [@tf-rmm-before-4de93bb0-exit.c:210-278]) the value is consistent with,
 * because in a realm the host never sees the hardware syndrome: the RMM writes rec_exit.esr and
 * hides fields, WnR among them.
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

/** ESR_ELx_EC_DABT_LOW (ESR_EL2_EC_DATA_ABORT [@tf-rmm-arch.h:379]). */
export const ESR_ELx_EC_DABT_LOW = 0x24;
/** ESR_ELx_EC_DABT_CUR. */
export const ESR_ELx_EC_DABT_CUR = 0x25;
/** ESR_ELx_EC_IABT_LOW (ESR_EL2_EC_INST_ABORT [@tf-rmm-arch.h:377]). */
export const ESR_ELx_EC_IABT_LOW = 0x20;
/** ESR_ELx_EC_IABT_CUR. */
export const ESR_ELx_EC_IABT_CUR = 0x21;

/**
 * TF-RMM's sanitising masks [@tf-rmm-arch.h:424-437], the same since v0.1.0.
 * ESR_NONEMULATED_ABORT_MASK keeps EC | SET | FnV | EA | DFSC.
 */
export const ESR_NONEMULATED_ABORT_MASK =
  mask(31, 26) | mask(12, 11) | mask(10, 10) | mask(9, 9) | mask(5, 0);
/** Unprotected IPA with ISV = 0 (since TF-RMM 4de93bb0 [@tf-rmm-exit.c:265-273]): the non-emulated mask plus IL. */
export const ESR_NONEMULATED_ABORT_MASK_WITH_IL = ESR_NONEMULATED_ABORT_MASK | mask(25, 25);
/** ESR_EMULATED_ABORT_MASK: the non-emulated fields plus ISV, SAS, SF and WnR (not IL, SSE, SRT). */
export const ESR_EMULATED_ABORT_MASK =
  ESR_NONEMULATED_ABORT_MASK | mask(24, 24) | mask(23, 22) | mask(15, 15) | mask(6, 6);

/** Which TF-RMM reporting path a DABT_LOW syndrome is consistent with. */
export type RmmEsrView =
  /**
   * A protected-IPA abort, an AArch32 realm's abort, or an external abort: only EC, SET, FnV, EA
   * and DFSC survive [@tf-rmm-exit.c:259-263; @tf-rmm-exit.c:168].
   */
  | 'protected'
  /** Unprotected IPA, ISV = 0, TF-RMM since 4de93bb0: IL kept, WnR hidden [@tf-rmm-exit.c:265-273]. */
  | 'unprotected_no_isv'
  /**
   * Unprotected IPA, ISV = 0, as TF-RMM reported it before 4de93bb0: the emulated mask, so IL
   * dropped and WnR, SAS, SF kept [@tf-rmm-before-4de93bb0-exit.c:256-268].
   */
  | 'unprotected_no_isv_pre_4de93bb0'
  /** Unprotected IPA, ISV = 1: ISV, SAS, SF, WnR kept; IL, SSE, SRT hidden [@tf-rmm-exit.c:275-280]. */
  | 'unprotected_isv'
  /**
   * Has bits no TF-RMM version reports for a realm data abort (e.g. IL = 1 with WnR = 1 and
   * ISV = 0): a non-realm VM, or another RMM. (The id predates the pre-4de93bb0 view.)
   */
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
  /** For DABT_LOW: which TF-RMM reporting path the value fits; null otherwise. */
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
  return f ? f.description : 'reserved or not listed';
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
    if (ec === ESR_ELx_EC_DABT_LOW) rmmView = classifyRmmView(v, isv);
    const view = rmmView;
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
      field(v, 'FnV', 10, 10, (r) => (r ? 'FAR not valid' : fnvValidMeaning(view, dfsc))),
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
    if (view !== null) notes.push(...rmmNotes(v, view, dataAbort));
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
        'v14 handle_rec_exit() does not handle realm instruction aborts: "Unhandled instruction abort", -ENXIO [@v14-22].',
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

/** Whether a DFSC is a synchronous external abort (fsc_is_external_abort() [@tf-rmm-exit.c:107-119]). */
const isExternalAbort = (dfsc: number): boolean => dfsc === 0x10 || (dfsc >= 0x13 && dfsc <= 0x17);

/**
 * What FnV = 0 means for a realm's data abort: the hardware FAR_EL2 was valid, but the host gets
 * rec_exit.far, which TF-RMM fills only on the emulatable path, with FAR_EL2[11:0]
 * [@tf-rmm-exit.c:279; @tf-rmm-utils_def.h:151-152]; elsewhere it stays 0, the exit record being
 * zeroed on every REC entry [@tf-rmm-exit.c:215; @tf-rmm-run.c:385-390].
 */
function fnvValidMeaning(view: RmmEsrView | null, dfsc: number): string {
  switch (view) {
    case null:
    case 'not_tf_rmm_main':
      return 'FAR valid';
    case 'protected':
      return isExternalAbort(dfsc)
        ? 'FAR_EL2 valid; a realm reports no FAR (and no HPFAR) for an external abort: both read 0'
        : 'FAR_EL2 valid; a realm reports rec_exit.far = 0 on this path';
    case 'unprotected_no_isv':
      return 'FAR_EL2 valid; a realm reports rec_exit.far = 0 without ISV (TF-RMM since 4de93bb0)';
    case 'unprotected_no_isv_pre_4de93bb0':
    case 'unprotected_isv':
      return 'FAR_EL2 valid; a realm reports only FAR_EL2[11:0], the offset in the 4 KiB granule';
    default:
      return view satisfies never;
  }
}

/** The reporting path a DABT_LOW syndrome fits, trying the masks from the narrowest. */
function classifyRmmView(v: bigint, isv: boolean): RmmEsrView {
  const low = v & 0xffff_ffffn;
  const il = (v & mask(25, 25)) !== 0n;
  if ((low & ~ESR_NONEMULATED_ABORT_MASK) === 0n) return 'protected';
  // TF-RMM reports a synchronous external abort before any other check, through the
  // non-emulated mask, whatever the IPA [@tf-rmm-exit.c:139-189]: no other view fits one.
  if (isExternalAbort(Number(low & 0x3fn))) return 'not_tf_rmm_main';
  if (!isv && (low & ~ESR_NONEMULATED_ABORT_MASK_WITH_IL) === 0n) return 'unprotected_no_isv';
  if (!isv && !il && (low & ~ESR_EMULATED_ABORT_MASK) === 0n) return 'unprotected_no_isv_pre_4de93bb0';
  if (isv && (low & ~ESR_EMULATED_ABORT_MASK) === 0n) return 'unprotected_isv';
  return 'not_tf_rmm_main';
}

/** What TF-RMM passes and hides, with its sources, for the path the value fits. */
function rmmNotes(v: bigint, view: RmmEsrView, da: EsrDataAbort): string[] {
  const wnrHidden =
    'WnR = 0 here does not mean a read: TF-RMM hides WnR on this path, so a write (STP, a SIMD store, DC ZVA) looks like a read to the host.';
  switch (view) {
    case 'protected': {
      const notes = [
        "In a realm this fits TF-RMM's report of a protected-IPA abort, an AArch32 realm's abort or an external abort: only EC, SET, FnV, EA and DFSC reach the host; IL, ISV, SAS, SRT, WnR and S1PTW are hidden [@tf-rmm-exit.c:259-263; @tf-rmm-arch.h:424-430]. rec_exit.far and gprs[0] are 0 and HPFAR is HPFAR_EL2 as the hardware wrote it [@tf-rmm-exit.c:215; @tf-rmm-exit.c:282-286].",
        wnrHidden,
        `Before TF-RMM 4de93bb0, an unprotected read without a valid syndrome was reported with this same value (the emulated mask dropped IL, and a read has WnR = 0), with FAR_EL2[11:0] in rec_exit.far [@tf-rmm-before-4de93bb0-exit.c:256-268].`,
      ];
      if (isExternalAbort(da.dfsc))
        notes.push(
          'The DFSC is a synchronous external abort: TF-RMM reports it before any other check, with SET UER also injecting an SEA into the realm and SET UC stopping the RMM (panic). It writes neither FAR nor HPFAR, so the host reads both as 0 [@tf-rmm-exit.c:139-189; @tf-rmm-run.c:385-390].',
        );
      return notes;
    }
    case 'unprotected_no_isv':
      return [
        "In a realm this fits TF-RMM's report, since commit 4de93bb0, of an unprotected-IPA abort without a valid syndrome: EC, SET, FnV, EA, DFSC and IL reach the host; WnR is hidden, as are SAS and SF; rec_exit.far and gprs[0] are 0 [@tf-rmm-exit.c:265-273; @tf-rmm-exit.c:215; @tf-rmm-4de93bb0].",
        wnrHidden,
        `Before 4de93bb0 TF-RMM reported the same abort without IL and with WnR: ${hex(v & ESR_NONEMULATED_ABORT_MASK)} for a read, ${hex((v & ESR_NONEMULATED_ABORT_MASK) | mask(6, 6))} for a write [@tf-rmm-before-4de93bb0-exit.c:263-268].`,
      ];
    case 'unprotected_no_isv_pre_4de93bb0': {
      const since = (v & ESR_NONEMULATED_ABORT_MASK) | mask(25, 25);
      return [
        `In a realm this fits TF-RMM before commit 4de93bb0 reporting an unprotected-IPA abort without a valid syndrome: that path used the emulated mask, which drops IL and keeps WnR, SAS and SF [@tf-rmm-before-4de93bb0-exit.c:256-268; @tf-rmm-arch.h:432-437].` +
          (da.wnr ? ' WnR = 1: a write.' : ''),
        'On that path rec_exit.far held FAR_EL2[11:0] and, for a write, gprs[0] held the register SRT names masked to the size SAS gives; with ISV = 0 both fields are 0, so that is the low byte of X0 [@tf-rmm-before-4de93bb0-exit.c:263-267; @tf-rmm-exit.c:56-66; @tf-rmm-esr.h:54-67].',
        `TF-RMM since 4de93bb0 reports the same abort (from an A64 instruction, IL = 1) as ${hex(since)}: IL kept, WnR hidden [@tf-rmm-exit.c:265-273].`,
      ];
    }
    case 'unprotected_isv':
      return [
        "In a realm this fits TF-RMM's report of an emulatable unprotected-IPA access: ISV, SAS, SF and WnR reach the host, IL, SSE, SRT and AR do not, so SRT reads as 0; rec_exit.far keeps FAR_EL2[11:0] only [@tf-rmm-exit.c:275-280; @tf-rmm-arch.h:432-437; @tf-rmm-utils_def.h:151-152]." +
          (da.wnr
            ? ' For a write, rec_exit.gprs[0] holds the stored register masked to the access size [@tf-rmm-exit.c:56-66].'
            : ''),
      ];
    case 'not_tf_rmm_main': {
      const il = (v & mask(25, 25)) !== 0n;
      const allowed = da.isv || !il ? ESR_EMULATED_ABORT_MASK : ESR_NONEMULATED_ABORT_MASK_WITH_IL;
      const extra = v & 0xffff_ffffn & ~allowed;
      const notes = [
        `No TF-RMM version reports this for a realm data abort: bits ${hex(extra)} are outside the mask of the path it would take, and the masks have not changed since v0.1.0 [@tf-rmm-arch.h:424-437]. It comes from a non-realm VM, or from another RMM.`,
      ];
      if (il && da.wnr && !da.isv)
        notes.push(
          'IL = 1 with WnR = 1 and ISV = 0 was never reported by TF-RMM: before 4de93bb0 that path dropped IL (it used the emulated mask), since then it drops WnR [@tf-rmm-before-4de93bb0-exit.c:263-268; @tf-rmm-exit.c:265-273].',
        );
      return notes;
    }
  }
}
