/**
 * The decoding behind the Decoder widget: the model's decode() with the widget's inputs, and a
 * clear, field-specific message for bad input. In the browser it runs in the widget's Web Worker
 * (./worker.ts), started on the reader's first edit; the build uses it directly.
 */
import {
  DecodeError,
  DECODE_KINDS,
  DEFAULT_DECODE_IPA_BITS,
  MAX_IPA_BITS,
  MIN_IPA_BITS,
  decode,
  type DecodeKind,
} from '@realmfault/model';
import { decoderView, KINDS_WITH_IPA_BITS, renderDecoderHtml, type DecoderView } from './view';

/** Which input a message belongs to. */
export type DecoderInput = 'kind' | 'value' | 'ipaBits';

export type DecodeOutcome =
  | { readonly ok: true; readonly view: DecoderView; readonly html: string }
  | { readonly ok: false; readonly input: DecoderInput; readonly message: string };

export { DEFAULT_DECODE_IPA_BITS };

/** Whether `s` names a decode kind. */
export function isDecodeKind(s: string): s is DecodeKind {
  return (DECODE_KINDS as readonly string[]).includes(s);
}

/**
 * Decode the widget's inputs. `ipaBits` is the text of the IPA-width field: for `ipa` an empty
 * field means the default width (the seed's realm), for `pte` it means none; other kinds ignore
 * it, as the CLI only takes --ipa-bits with ipa and pte.
 */
export function decodeInputs(kind: string, value: string, ipaBits: string): DecodeOutcome {
  if (!isDecodeKind(kind)) {
    return {
      ok: false,
      input: 'kind',
      message: `kind: expected one of ${DECODE_KINDS.join(', ')}, got '${kind}'`,
    };
  }
  let bits: number | undefined;
  if (KINDS_WITH_IPA_BITS.includes(kind)) {
    const t = ipaBits.trim();
    if (t === '') {
      bits = kind === 'ipa' ? DEFAULT_DECODE_IPA_BITS : undefined;
    } else if (/^\d{1,3}$/.test(t) && Number(t) >= MIN_IPA_BITS && Number(t) <= MAX_IPA_BITS) {
      bits = Number(t);
    } else {
      const shown = t.length > 20 ? `${t.slice(0, 20)}…` : t;
      return {
        ok: false,
        input: 'ipaBits',
        message: `IPA width: expected an integer ${MIN_IPA_BITS}…${MAX_IPA_BITS}, got '${shown}'`,
      };
    }
  }
  try {
    const view = decoderView(decode(kind, value, bits === undefined ? {} : { ipaBits: bits }));
    return { ok: true, view, html: renderDecoderHtml(view) };
  } catch (e) {
    if (e instanceof DecodeError) {
      return { ok: false, input: e.input === 'ipaBits' ? 'ipaBits' : 'value', message: e.message };
    }
    throw e;
  }
}
