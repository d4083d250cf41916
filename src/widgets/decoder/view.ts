/**
 * What the Decoder widget shows for a decoded value, and its HTML. The same facts as
 * `npx realmfault decode KIND VALUE` (packages/cli): the CLI's heading line from formatDecoded(),
 * one row per field (name, bit range, raw value, meaning) and the notes; for an ESR, also which
 * TF-RMM reporting path the value fits, as decodeEsr() classifies it. Used at build time by
 * Decoder.astro and in the browser after the reader edits the value, so both render alike.
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
 * documentation of RmmEsrView (packages/model/src/decode/esr.ts, brief §2.2).
 */
export const RMM_VIEW_LABELS = {
  protected:
    'protected IPA, or an external abort: only EC, SET, FnV, EA and DFSC pass (brief §2.2 items 4, 1)',
  unprotected_no_isv: 'unprotected IPA with ISV = 0: IL kept, WnR hidden (brief §2.2 item 5)',
  unprotected_isv:
    'unprotected IPA with ISV = 1: ISV, SAS, SF and WnR kept; SSE and SRT hidden (brief §2.2 item 6)',
  not_tf_rmm_main:
    'none: it has bits TF-RMM main masks on every realm path (an older RMM, or not a realm; brief §2.2, §2.3)',
} as const satisfies Record<RmmEsrView, string>;

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
}

/** The view of a decoded value. */
export function decoderView(d: Decoded): DecoderView {
  const heading = formatDecoded(d).split('\n')[0] ?? d.title;
  const rmmView = d.kind === 'esr' ? (d as EsrDecoded).rmmView : null;
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
  };
}

/** The view as HTML: a table of the fields with the heading as its caption, then the notes. */
export function renderDecoderHtml(v: DecoderView): string {
  const rows = v.rows
    .map(
      (r) =>
        `<tr><th scope="row"><code>${esc(r.name)}</code></th><td><code>${esc(r.bits)}</code></td>` +
        `<td><code>${esc(r.raw)}</code></td><td>${esc(r.meaning)}</td></tr>`,
    )
    .join('');
  const path =
    v.rmmPath === null
      ? ''
      : `<p class="rf-decoder-path"><strong>TF-RMM path this value fits:</strong> ${esc(v.rmmPath)}</p>`;
  const notes =
    v.notes.length === 0
      ? ''
      : `<ul class="rf-decoder-notes">${v.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
  return (
    `<table class="rf-decoder-table" data-kind="${esc(v.kind)}"><caption><code>${esc(v.heading)}</code></caption>` +
    `<thead><tr><th scope="col">Field</th><th scope="col">Bits</th><th scope="col">Value</th><th scope="col">Meaning</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>${path}${notes}`
  );
}
