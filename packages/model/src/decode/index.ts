/**
 * Decoders for the values found in realm fault-path logs: ESR, IPA, stage-1 PTE, RMI return codes,
 * RMI descriptors. Only the public API is re-exported; small helpers (hex, bits, …) stay internal so they
 * cannot collide with the engine's own.
 */
export {
  DecodeError,
  DECODE_KINDS,
  parseHexInput,
  bitRange,
  type Decoded,
  type DecodedField,
  type DecodeInput,
  type DecodeKind,
} from './field.js';
export * from './tables.js';
export * from './esr.js';
export * from './pte.js';
export * from './rmi.js';
export * from './ipa.js';
export {
  formatDecoded,
  decodedToJson,
  decode,
  DEFAULT_DECODE_IPA_BITS,
  type DecodeOptions,
} from './format.js';
