/**
 * The Replay page's permalink: a short log, deflated (CompressionStream "deflate-raw", as the
 * playground's permalink) and base64url-encoded into the URL hash with the settings:
 * `#log=<data>&bits=41&v=v14`. Only logs of up to MAX_LINK_BYTES of UTF-8 get one: the whole log
 * goes into the address, and addresses are copied, logged and shared. No model code; works in the
 * browser and in Node 22.
 */
import { deflateToBase64Url, inflateFromBase64Url } from '../../playground/permalink';
import { VARIANT_CHOICES, type ReplaySettings, type VariantChoice } from './protocol';

/** The longest log (UTF-8 bytes) a permalink carries. */
export const MAX_LINK_BYTES = 8 * 1024;
/**
 * The longest `log=` data read from an address. Deflate never makes 8 KiB much larger than
 * 8 KiB, and base64 adds a third, so anything longer is not a link this page made; refusing it
 * before inflating keeps a crafted link from inflating to gigabytes.
 */
const MAX_LINK_DATA = 16 * 1024;

export const DEFAULT_SETTINGS: ReplaySettings = { ipaBits: 41, variant: 'v14' };

/** UTF-8 length of a text. */
export const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

/** The hash (with its `#`) for a log and settings; null when the log is longer than MAX_LINK_BYTES. */
export async function encodeReplayLink(text: string, settings: ReplaySettings): Promise<string | null> {
  if (utf8Bytes(text) > MAX_LINK_BYTES) return null;
  const data = await deflateToBase64Url(text);
  return `#log=${data}&bits=${String(settings.ipaBits)}&v=${encodeURIComponent(settings.variant)}`;
}

export interface ReplayLink {
  readonly text: string;
  /** The settings the link names; `bits` as written (checked by the form, then by the model). */
  readonly bits: string | null;
  readonly variant: VariantChoice | null;
  /** What in the link was not understood, in sentences. */
  readonly problems: readonly string[];
}

/**
 * The log and settings a hash carries; null when the hash has no `log=`. Throws an Error whose
 * message is a sentence for the reader when the data cannot be read.
 */
export async function decodeReplayLink(hash: string): Promise<ReplayLink | null> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const data = params.get('log');
  if (data === null) return null;
  if (data === '' || data.length > MAX_LINK_DATA || !/^[\w-]+$/.test(data))
    throw new Error(
      `This link's log cannot be read: it is not one this page made (a link carries at most ${String(MAX_LINK_BYTES / 1024)} KiB of log).`,
    );
  let text: string;
  try {
    text = await inflateFromBase64Url(data);
  } catch {
    throw new Error("This link's log cannot be read (the link may have been cut short).");
  }
  if (utf8Bytes(text) > MAX_LINK_BYTES)
    throw new Error(
      `This link's log is longer than the ${String(MAX_LINK_BYTES / 1024)} KiB a link may carry.`,
    );
  const problems: string[] = [];
  const v = params.get('v');
  let variant: VariantChoice | null = null;
  if (v !== null) {
    if ((VARIANT_CHOICES as readonly string[]).includes(v)) variant = v as VariantChoice;
    else if (v === 'fixed') variant = 'post-v14-review';
    else
      problems.push(
        `The variant “${v}” is not one of ${VARIANT_CHOICES.join(' and ')}, so ${DEFAULT_SETTINGS.variant} is used.`,
      );
  }
  return { text, bits: params.get('bits'), variant, problems };
}
