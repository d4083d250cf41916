/**
 * The shape every decoder returns, and the helpers they share.
 *
 * A decoded value is a list of fields, each named as the architecture or the RMM spec names
 * it, with its bit range, raw value and meaning, plus notes for what the fields alone do not
 * say (a masked bit, an ambiguity the sources leave). The same structure feeds the CLI's text
 * and JSON output and the site's reference pages.
 */

/** One named bit field of a decoded value. */
export interface DecodedField {
  /** The name the architecture or spec gives the field (EC, DFSC, MEMATTR, …). */
  readonly name: string;
  /** Most significant bit of the field. */
  readonly msb: number;
  /** Least significant bit of the field. */
  readonly lsb: number;
  /** The field's value, shifted down to bit 0. */
  readonly raw: bigint;
  /** What the value means here, as a sentence fragment. */
  readonly meaning: string;
}

/** What every decoder returns; each decoder extends it with typed, field-specific results. */
export interface Decoded {
  /** Which decoder produced it (the CLI's `decode` kind). */
  readonly kind: DecodeKind;
  /** The register, structure or type decoded, e.g. `ESR_EL2`, `RmiAddrRangeDesc`. */
  readonly title: string;
  readonly value: bigint;
  readonly fields: readonly DecodedField[];
  /** Observations that are not a single field (masking, uncertainty, derived values). */
  readonly notes: readonly string[];
}

export type DecodeKind = 'esr' | 'pte' | 'rmi-ret' | 'range-desc' | 'unprot-flags' | 'prot' | 'ipa';
export const DECODE_KINDS: readonly DecodeKind[] = [
  'esr',
  'pte',
  'rmi-ret',
  'range-desc',
  'unprot-flags',
  'prot',
  'ipa',
];

/**
 * Bad input to a decoder: not hexadecimal, wider than the value can be, or a parameter out of
 * range. The message names the input and what was expected.
 */
export class DecodeError extends RangeError {
  constructor(
    /** The name of the input, e.g. `ESR_EL2 value` or `ipaBits`. */
    readonly input: string,
    /** What was expected, as a noun phrase. */
    readonly expected: string,
    /** The offending input as given (truncated). */
    readonly got: string,
  ) {
    super(`${input}: expected ${expected}, got ${got}`);
    this.name = 'DecodeError';
  }
}

/** Decoders take a bigint or a hexadecimal string, with or without `0x`, `_` allowed between digits. */
export type DecodeInput = bigint | string;

const MAX_INPUT_CHARS = 80;

/** A short, printable rendering of bad input for an error message. */
export function quoteInput(s: string): string {
  const clean = s.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
  return s.length > 40 ? `'${clean}…' (${s.length} characters)` : `'${clean}'`;
}

/**
 * Parse a decoder's input as an unsigned value of at most `bits` bits. Strings are always read
 * as hexadecimal, because that is how logs print these values.
 */
export function parseHexInput(value: DecodeInput, input: string, bits = 64): bigint {
  const expected = `a hexadecimal value of at most ${bits} bits (e.g. 0x92000007)`;
  let v: bigint;
  if (typeof value === 'bigint') {
    v = value;
    if (v < 0n) throw new DecodeError(input, expected, `${v}`);
  } else {
    const s = value.trim();
    if (s.length === 0 || s.length > MAX_INPUT_CHARS || !/^(0[xX])?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(s)) {
      throw new DecodeError(input, expected, quoteInput(value));
    }
    const digits = s.replace(/^0[xX]/, '').replace(/_/g, '');
    v = BigInt(`0x${digits}`);
  }
  if (v >> BigInt(bits) !== 0n) {
    throw new DecodeError(input, expected, `0x${v.toString(16)} (${v.toString(2).length} bits)`);
  }
  return v;
}

/** Bits [msb:lsb] of v, shifted down. */
export function bits(v: bigint, msb: number, lsb: number): bigint {
  return (v >> BigInt(lsb)) & ((1n << BigInt(msb - lsb + 1)) - 1n);
}

/** A mask with bits [msb:lsb] set. */
export function mask(msb: number, lsb: number): bigint {
  return ((1n << BigInt(msb - lsb + 1)) - 1n) << BigInt(lsb);
}

/** Build a field from its position and a function of its raw value. */
export function field(
  v: bigint,
  name: string,
  msb: number,
  lsb: number,
  meaning: (raw: bigint) => string,
): DecodedField {
  const raw = bits(v, msb, lsb);
  return { name, msb, lsb, raw, meaning: meaning(raw) };
}

/** `0x…` lower-case hex, as the kernel prints. */
export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

/** `[31:26]` or `[25]`. */
export function bitRange(f: Pick<DecodedField, 'msb' | 'lsb'>): string {
  return f.msb === f.lsb ? `[${f.msb}]` : `[${f.msb}:${f.lsb}]`;
}

/** A human-readable size: 4 KiB, 2 MiB, 1 GiB, or bytes. */
export function sizeName(n: bigint): string {
  const units: [bigint, string][] = [
    [1n << 40n, 'TiB'],
    [1n << 30n, 'GiB'],
    [1n << 20n, 'MiB'],
    [1n << 10n, 'KiB'],
  ];
  for (const [u, name] of units) {
    if (n >= u && n % u === 0n) return `${n / u} ${name}`;
  }
  return `${n} bytes`;
}

/** Throw for a value that a switch or table should have covered (a model bug, not bad input). */
export function assertNever(x: never, what: string): never {
  throw new Error(`unhandled ${what}: ${String(x)}`);
}
