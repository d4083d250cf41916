/**
 * Text and JSON renderings of a decoded value, shared by the CLI and the site.
 */
import { citationsToLabels } from '../sources/cite.js';
import { decodeEsr } from './esr.js';
import { assertNever, bitRange, hex, type Decoded, type DecodeInput, type DecodeKind } from './field.js';
import { decodeIpa } from './ipa.js';
import { decodePte } from './pte.js';
import { decodeProt, decodeRangeDesc, decodeRmiReturn, decodeUnprotFlags } from './rmi.js';

/**
 * A fixed-width table of the fields followed by the notes (citations as their short labels; the
 * CLI and the site's decoder render them as links or footnotes from the Decoded value itself):
 *
 *   ESR_EL2 0x92000007
 *     EC     [31:26]  0x24  ESR_ELx_EC_DABT_LOW: data abort from a lower exception level
 */
export function formatDecoded(d: Decoded): string {
  const rows = d.fields.map((f) => [f.name, bitRange(f), hex(f.raw), f.meaning] as const);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const w2 = Math.max(...rows.map((r) => r[2].length));
  // Descriptors print at full width, as the kernel logs them (PTE 0x00e8010046880707).
  const value = d.kind === 'pte' ? `0x${d.value.toString(16).padStart(16, '0')}` : hex(d.value);
  const lines = [`${d.title} ${value}`];
  for (const [name, range, raw, meaning] of rows) {
    lines.push(`  ${name.padEnd(w0)}  ${range.padEnd(w1)}  ${raw.padEnd(w2)}  ${citationsToLabels(meaning)}`);
  }
  for (const n of d.notes) lines.push(`  * ${citationsToLabels(n)}`);
  return `${lines.join('\n')}\n`;
}

/** A decoded value as JSON: bigints become `"0x…"` strings. */
export function decodedToJson(d: Decoded): unknown {
  return toJsonValue(d);
}

export interface DecodeOptions {
  /** The realm IPA width: required by `ipa` (default 41, the seed's realm), optional for `pte`. */
  readonly ipaBits?: number;
}

/** The realm width `decode('ipa', …)` assumes when none is given: 41, the width the seed's shared PTE implies (its output address has bit 40 set) [@v14-29-shan-0625]. */
export const DEFAULT_DECODE_IPA_BITS = 41;

/** Decode `value` as `kind`, the CLI's `decode KIND VALUE`. */
export function decode(kind: DecodeKind, value: DecodeInput, options: DecodeOptions = {}): Decoded {
  switch (kind) {
    case 'esr':
      return decodeEsr(value);
    case 'pte':
      return decodePte(value, options.ipaBits === undefined ? {} : { ipaBits: options.ipaBits });
    case 'rmi-ret':
      return decodeRmiReturn(value);
    case 'range-desc':
      return decodeRangeDesc(value);
    case 'unprot-flags':
      return decodeUnprotFlags(value);
    case 'prot':
      return decodeProt(value);
    case 'ipa':
      return decodeIpa(value, options.ipaBits ?? DEFAULT_DECODE_IPA_BITS);
    default:
      return assertNever(kind, 'decode kind');
  }
}

/**
 * A JSON-ready copy of any value: bigints become `"0x…"` strings (the project's JSON convention
 * for 64-bit values), everything else is copied as is.
 */
function toJsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return hex(v);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined) out[k] = toJsonValue(x);
    }
    return out;
  }
  return v;
}
