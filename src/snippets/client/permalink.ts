/**
 * Snippet permalinks: `#snippet=<id>:<code>`, the code deflate-raw compressed (CompressionStream)
 * and base64url encoded, or `#snippet=<id>` alone for a link to the snippet as written. Links are
 * capped in length; reading one refuses anything malformed, damaged or too large with a
 * PermalinkError that says so, and the page then keeps the original code.
 */

export const HASH_PREFIX = '#snippet=';
/** Characters of encoded code a link may carry (browsers and chat tools cut long URLs). */
export const MAX_ENCODED_CHARS = 8_000;
/** Characters of code a link may expand to (a small link must not inflate into megabytes). */
export const MAX_CODE_CHARS = 100_000;

/** A link that cannot be made or read; the message is for the reader. */
export class PermalinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermalinkError';
  }
}

/** Snippet ids as the build gives them (src/plugins/sim: lower-case letters, digits, dashes). */
const ID = /^[a-z0-9][a-z0-9-]*$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** The bytes through a (de)compression stream, stopping once more than `limit` come out. */
async function through(
  bytes: Uint8Array,
  transform: CompressionStream | DecompressionStream,
  limit: number,
): Promise<Uint8Array> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new PermalinkError(
        `the code in this link is longer than ${MAX_CODE_CHARS.toLocaleString('en')} characters`,
      );
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The hash for `id` with `code`: `#snippet=<id>:<deflate-raw, base64url>`. */
export async function permalinkHash(id: string, code: string): Promise<string> {
  if (code.length > MAX_CODE_CHARS) {
    throw new PermalinkError(
      `your code is ${code.length.toLocaleString('en')} characters long; a link can carry at most ${MAX_CODE_CHARS.toLocaleString('en')}`,
    );
  }
  const bytes = new TextEncoder().encode(code);
  const data = toBase64url(await through(bytes, new CompressionStream('deflate-raw'), Infinity));
  if (data.length > MAX_ENCODED_CHARS) {
    throw new PermalinkError(
      `your code is too long for a link: ${data.length.toLocaleString('en')} characters once compressed, the limit is ${MAX_ENCODED_CHARS.toLocaleString('en')}`,
    );
  }
  return `${HASH_PREFIX}${id}:${data}`;
}

/** A snippet link, parsed but not yet decoded: the id and the encoded code (null: none). */
export interface ParsedPermalink {
  readonly id: string;
  readonly data: string | null;
}

/**
 * Parse `location.hash`: null when it is not a snippet link at all, else the id and data.
 * Throws PermalinkError for a snippet link that is malformed.
 */
export function parsePermalink(hash: string): ParsedPermalink | null {
  if (!hash.startsWith(HASH_PREFIX)) return null;
  const rest = hash.slice(HASH_PREFIX.length);
  const colon = rest.indexOf(':');
  const id = colon === -1 ? rest : rest.slice(0, colon);
  const data = colon === -1 ? null : rest.slice(colon + 1);
  if (!ID.test(id)) {
    throw new PermalinkError(
      `this link names the snippet "${id.slice(0, 80)}", which is not a snippet id (expected lower-case letters, digits and dashes)`,
    );
  }
  if (data !== null && (!BASE64URL.test(data) || data.length === 0)) {
    throw new PermalinkError('the code in this link is damaged (it is not base64url text)');
  }
  if (data !== null && data.length > MAX_ENCODED_CHARS) {
    throw new PermalinkError(
      `the code in this link is too long (${data.length.toLocaleString('en')} characters; links carry at most ${MAX_ENCODED_CHARS.toLocaleString('en')})`,
    );
  }
  return { id, data };
}

/** The code a link carries. Throws PermalinkError when it is damaged or too large. */
export async function decodePermalinkCode(data: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(data);
  } catch {
    throw new PermalinkError('the code in this link is damaged (it is not base64url text)');
  }
  let raw: Uint8Array;
  try {
    raw = await through(bytes, new DecompressionStream('deflate-raw'), MAX_CODE_CHARS * 4);
  } catch (e) {
    if (e instanceof PermalinkError) throw e;
    throw new PermalinkError('the code in this link is damaged (it could not be decompressed)');
  }
  let code: string;
  try {
    code = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new PermalinkError('the code in this link is damaged (it is not UTF-8 text)');
  }
  if (code.length > MAX_CODE_CHARS) {
    throw new PermalinkError(
      `the code in this link is longer than ${MAX_CODE_CHARS.toLocaleString('en')} characters`,
    );
  }
  return code;
}
