/**
 * What the Decoder widget shows for a decoded value, and its HTML. The same facts as
 * `npx realmfault decode KIND VALUE` (packages/cli): the CLI's heading line from formatDecoded(),
 * one row per field (name, bit range, raw value, meaning) and the notes; for an ESR, also which
 * TF-RMM reporting path the value fits, as decodeEsr() classifies it, and what that path writes
 * into rec_exit.far, rec_exit.hpfar and rec_exit.gprs[0] — so a reader does not take FnV = 0 to
 * mean the host got a FAR: on most realm paths it reads 0. Used at build time by Decoder.astro
 * and in the browser (in the widget's worker) after the reader edits the value, so both render
 * alike; the notes' and paths' source citations become links through citeHtml in both.
 */
import {
  bitRange,
  formatDecoded,
  type Decoded,
  type DecodeKind,
  type EsrDecoded,
  type RmmEsrView,
} from '@realmfault/model';
import { esc } from '../html';
import { citeHtml } from '../cite-html';

/** The kinds in the order the selector lists them, with the CLI's description of each. */
export const KIND_LABELS = {
  esr: 'ESR_EL2 (esr)',
  ipa: 'Realm IPA (ipa)',
  pte: 'Stage-1 level-3 page descriptor (pte)',
  'rmi-ret': 'RMI return value: status | index << 8 (rmi-ret)',
  'range-desc': 'RmiAddrRangeDesc (range-desc)',
  'unprot-flags': 'RmiRttUnprotMapFlags (unprot-flags)',
  prot: 'kvm_pgtable_prot (prot)',
} as const satisfies Record<DecodeKind, string>;

/** What the value field is called for each kind: the register, type or structure. */
export const VALUE_NAMES = {
  esr: 'ESR_EL2',
  ipa: 'IPA',
  pte: 'Descriptor',
  'rmi-ret': 'RMI return value',
  'range-desc': 'RmiAddrRangeDesc',
  'unprot-flags': 'RmiRttUnprotMapFlags',
  prot: 'kvm_pgtable_prot',
} as const satisfies Record<DecodeKind, string>;

/** Kinds that take the realm's IPA width (required for ipa, optional for pte), as the CLI's --ipa-bits. */
export const KINDS_WITH_IPA_BITS: readonly DecodeKind[] = ['ipa', 'pte'];

/**
 * The TF-RMM reporting paths of decodeEsr()'s `rmmView`, in the words of the model's own
 * documentation of RmmEsrView (packages/model/src/decode/esr.ts), with its sources.
 */
export const RMM_VIEW_LABELS = {
  protected:
    'protected IPA, or an external abort: only EC, SET, FnV, EA and DFSC pass [@tf-rmm-exit.c:259-263; @tf-rmm-exit.c:168]',
  unprotected_no_isv: 'unprotected IPA with ISV = 0: IL kept, WnR hidden [@tf-rmm-exit.c:265-273]',
  unprotected_no_isv_pre_4de93bb0:
    'unprotected IPA with ISV = 0, as TF-RMM reported it before 4de93bb0: IL dropped, WnR kept [@tf-rmm-before-4de93bb0-exit.c:256-268]',
  unprotected_isv:
    'unprotected IPA with ISV = 1: ISV, SAS, SF and WnR kept; IL, SSE and SRT hidden [@tf-rmm-exit.c:275-280]',
  not_tf_rmm_main:
    'none: no TF-RMM version reports this (a non-realm VM, or another RMM) [@tf-rmm handle_data_abort()]',
} as const satisfies Record<RmmEsrView, string>;

/** What the host reads in rec_exit for a realm data abort: FAR, HPFAR and gprs[0]. */
export interface ExitFields {
  readonly far: string;
  readonly hpfar: string;
  readonly gprs0: string;
}

/**
 * What each TF-RMM reporting path writes into the exit record; the ESR reference table
 * (ESR_VIEWS in src/components/reference/reference-data.ts) shows these same entries. The exit record is zeroed on every REC entry, so a field a path does not write
 * reads 0 [@tf-rmm-run.c:385-390]. `external_abort` is the protected path's mask for a
 * synchronous external abort, which writes neither FAR nor HPFAR.
 */
export const RMM_VIEW_EXIT = {
  protected: { far: '0', hpfar: 'HPFAR_EL2', gprs0: '0' },
  unprotected_no_isv: { far: '0', hpfar: 'HPFAR_EL2', gprs0: '0' },
  unprotected_isv: {
    far: 'FAR_EL2[11:0]',
    hpfar: 'HPFAR_EL2',
    gprs0: 'a store: the register SRT names, masked to the access size; a load: 0',
  },
  unprotected_no_isv_pre_4de93bb0: {
    far: 'FAR_EL2[11:0]',
    hpfar: 'HPFAR_EL2',
    gprs0: 'a store: X0 & 0xff (SRT = SAS = 0 without ISV); a load: 0',
  },
  external_abort: { far: '0', hpfar: '0 (not written: UNKNOWN for external aborts)', gprs0: '0' },
} as const satisfies Record<Exclude<RmmEsrView, 'not_tf_rmm_main'> | 'external_abort', ExitFields>;

/** Whether a DFSC is a synchronous external abort (TF-RMM's fsc_is_external_abort() [@tf-rmm-exit.c:107-119]). */
const isExternalAbort = (dfsc: bigint): boolean => dfsc === 0x10n || (dfsc >= 0x13n && dfsc <= 0x17n);

/**
 * The exit-record fields for a path, or null when no TF-RMM path reports the value. A synchronous
 * external abort is handled before any other check and writes neither FAR nor HPFAR, whatever
 * the rest of the syndrome [@tf-rmm-exit.c:139-189; @tf-rmm-exit.c:221-226].
 */
export function exitFieldsFor(view: RmmEsrView | null, dfsc: bigint): ExitFields | null {
  if (view === null || view === 'not_tf_rmm_main') return null;
  if (isExternalAbort(dfsc)) return RMM_VIEW_EXIT.external_abort;
  return RMM_VIEW_EXIT[view];
}

export interface DecoderRow {
  readonly name: string;
  readonly bits: string;
  readonly raw: string;
  readonly meaning: string;
}

export interface DecoderView {
  readonly kind: DecodeKind;
  /** The CLI's first line, e.g. `ESR_EL2 0x92000007`. */
  readonly heading: string;
  readonly rows: readonly DecoderRow[];
  readonly notes: readonly string[];
  /** For an ESR data abort from a lower EL: the TF-RMM path the value fits. */
  readonly rmmPath: string | null;
  /** For such an ESR: what that path writes into rec_exit (FAR, HPFAR, gprs[0]). */
  readonly exit: ExitFields | null;
}

/** The view of a decoded value. */
export function decoderView(d: Decoded): DecoderView {
  const heading = formatDecoded(d).split('\n')[0] ?? d.title;
  const rmmView = d.kind === 'esr' ? (d as EsrDecoded).rmmView : null;
  const dfsc = d.fields.find((f) => f.name === 'DFSC')?.raw ?? 0n;
  return {
    kind: d.kind,
    heading,
    rows: d.fields.map((f) => ({
      name: f.name,
      bits: bitRange(f),
      raw: `0x${f.raw.toString(16)}`,
      meaning: f.meaning,
    })),
    notes: d.notes,
    rmmPath: rmmView === null ? null : RMM_VIEW_LABELS[rmmView],
    exit: exitFieldsFor(rmmView, dfsc),
  };
}

/** The view as HTML: a table of the fields with the heading as its caption, the TF-RMM path and exit fields, then the notes. */
export function renderDecoderHtml(v: DecoderView): string {
  const rows = v.rows
    .map(
      (r) =>
        `<tr><th scope="row"><code>${esc(r.name)}</code></th><td><code>${esc(r.bits)}</code></td>` +
        `<td><code>${esc(r.raw)}</code></td><td>${citeHtml(r.meaning)}</td></tr>`,
    )
    .join('');
  const path =
    v.rmmPath === null
      ? ''
      : `<p class="rf-decoder-path"><strong>TF-RMM path this value fits:</strong> ${citeHtml(v.rmmPath)}</p>`;
  const exit =
    v.exit === null
      ? ''
      : `<p class="rf-decoder-exit"><strong>What the host reads in rec_exit on that path:</strong> ` +
        `far = ${esc(v.exit.far)}; hpfar = ${esc(v.exit.hpfar)}; gprs[0] = ${esc(v.exit.gprs0)}. ` +
        `A field the path does not write reads 0, the record being zeroed on every REC entry ${citeHtml('[@tf-rmm-run.c:385-390]')}.</p>`;
  const notes =
    v.notes.length === 0
      ? ''
      : `<ul class="rf-decoder-notes">${v.notes.map((n) => `<li>${citeHtml(n)}</li>`).join('')}</ul>`;
  return (
    `<table class="rf-decoder-table" data-kind="${esc(v.kind)}"><caption><code>${esc(v.heading)}</code></caption>` +
    `<thead><tr><th scope="col">Field</th><th scope="col">Bits</th><th scope="col">Value</th><th scope="col">Meaning</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>${path}${exit}${notes}`
  );
}
