/**
 * A value found in a log line, decoded with the model's decoders (src/decode) and reduced to one
 * JSON-safe ReplayValue: the decoder's fields plus a one-line reading.
 */
import {
  decode,
  DecodeError,
  type Decoded,
  type DecodeKind,
  type EsrDecoded,
  type IpaDecoded,
  type PteDecoded,
  type ProtDecoded,
  type RangeDescDecoded,
  type RmiReturnDecoded,
  type UnprotFlagsDecoded,
} from '../decode/index.js';
import type { ReplayValue } from './types.js';

export const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** Parse 0x-prefixed or bare hex; null when it is not hex or wider than 64 bits. */
export function parseHex(text: string): bigint | null {
  const t = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (t.length === 0 || t.length > 16 || !/^[0-9a-fA-F]+$/.test(t)) return null;
  return BigInt(`0x${t}`);
}

function reading(d: Decoded): string {
  switch (d.kind) {
    case 'esr': {
      const e = d as EsrDecoded;
      const ec = `EC ${hex(e.ec)}${e.ecName ? ` (${e.ecName})` : ''}`;
      const da = e.dataAbort;
      if (!da) return `${ec}, IL ${e.il ? 1 : 0}`;
      const what = da.fault?.description ?? `fault status ${hex(da.dfsc)} (not in the table)`;
      return `${ec}: ${what}; IL ${e.il ? 1 : 0}, ISV ${da.isv ? 1 : 0}, WnR ${da.wnr ? 1 : 0}`;
    }
    case 'ipa': {
      const i = d as IpaDecoded;
      if (i.outOfRange) return `beyond the ${String(i.ipaBits)}-bit IPA space`;
      const half = i.half === 'unprotected' ? 'shared alias (unprotected)' : 'private (protected)';
      return `${half}: GPA ${hex(i.gpa)}, GFN ${hex(i.gfn)}`;
    }
    case 'prot': {
      const p = d as ProtDecoded;
      return p.names.length ? p.names.join(' | ') : 'no permission bits';
    }
    case 'unprot-flags': {
      const f = d as UnprotFlagsDecoded;
      const rw = `${f.read ? 'R' : '-'}${f.write ? 'W' : '-'}`;
      return `S2AP ${rw}, MEMATTR ${String(f.memattr)}${f.memattrName ? ` (${f.memattrName})` : ''}, OADDR_TYPE ${String(f.oaddrType)}`;
    }
    case 'range-desc': {
      const r = d as RangeDescDecoded;
      return `${String(r.count)} × level-${String(r.level)} ${r.level === 3 ? 'page' : 'block'} at PA ${hex(r.addr)} (PFN ${hex(r.addr >> 12n)}), ST ${String(r.st)}`;
    }
    case 'pte': {
      const p = d as PteDecoded;
      if (!p.valid) return 'not a valid descriptor';
      const alias = p.sharedAliasOf !== null ? `, the shared alias of ${hex(p.sharedAliasOf)}` : '';
      return `OA ${hex(p.outputAddress)}${alias}; ${p.writable ? 'writable' : 'read-only'}${p.attrName ? `, ${p.attrName}` : ''}`;
    }
    case 'rmi-ret': {
      const r = d as RmiReturnDecoded;
      return `${r.statusName ?? `status ${String(r.status)}`}${r.rttLevel !== null ? ` at level ${String(r.rttLevel)}` : ''}`;
    }
  }
}

/**
 * Decoded values, shared between lines: a log repeats its syndromes, flags and addresses, and a
 * ReplayValue is never changed once made. Cleared when it grows past CACHE_MAX entries.
 */
const cache = new Map<string, ReplayValue>();
const CACHE_MAX = 65_536;

/** A value decoded by `kind`, or a plain number when kind is null. */
export function value(
  name: string,
  text: string,
  kind: DecodeKind | null,
  ipaBits: number,
  plain?: string,
): ReplayValue {
  const key =
    kind === null ? `|${name}|${text}|${plain ?? ''}` : `${kind}|${String(ipaBits)}|${name}|${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const v =
    kind === null
      ? { name, text, kind: null, reading: plain ?? text, fields: [], notes: [] }
      : decodeValue(name, text, kind, ipaBits);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, v);
  return v;
}

function decodeValue(name: string, text: string, kind: DecodeKind, ipaBits: number): ReplayValue {
  const v = parseHex(text);
  if (v === null)
    return { name, text, kind: null, reading: `not a hex number of at most 64 bits`, fields: [], notes: [] };
  try {
    const d = decode(kind, v, { ipaBits });
    return {
      name,
      text,
      kind,
      reading: reading(d),
      fields: d.fields.map((f) => ({
        msb: f.msb,
        lsb: f.lsb,
        name: f.name,
        raw: hex(f.raw),
        meaning: f.meaning,
      })),
      notes: [...d.notes],
    };
  } catch (e) {
    if (e instanceof DecodeError)
      return {
        name,
        text,
        kind: null,
        reading: `not decodable as ${kind}: ${e.message}`,
        fields: [],
        notes: [],
      };
    throw e;
  }
}
