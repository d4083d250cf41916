/**
 * The playground's permalink: the scenario JSON deflated (CompressionStream "deflate-raw") and
 * base64url-encoded into the URL hash, with the variant choice: `#v=post-v14-review&s=<data>`.
 * Links made before the variant was renamed say `v=fixed`; decodeLink reads them as the variant
 * it became (VARIANT_ALIASES in packages/model/src/scenario/types.ts; a unit test keeps the two
 * tables equal, since this module stays free of model code). Works in the browser and in Node 22
 * (both have CompressionStream).
 */

/** Former variant names a link may carry, and the variant each is now. */
export const LINK_VARIANT_ALIASES: Readonly<Record<string, string>> = { fixed: 'post-v14-review' };

const toBase64Url = (bytes: Uint8Array): string => {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const fromBase64Url = (text: string): Uint8Array => {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** `text` as UTF-8, deflated (raw deflate) and base64url-encoded: the data part of a permalink. */
export async function deflateToBase64Url(text: string): Promise<string> {
  return toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')));
}

/** The text deflateToBase64Url encoded. Throws when the data is not base64url, not deflate-raw or not UTF-8. */
export async function inflateFromBase64Url(data: string): Promise<string> {
  const bytes = await pipe(fromBase64Url(data), new DecompressionStream('deflate-raw'));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

export interface PlaygroundLink {
  readonly json: string;
  /** "v14", "post-v14-review", or null for the scenario's own. */
  readonly variant: string | null;
}

/** The hash (with its leading #) for a scenario and variant choice. */
export async function encodeLink(link: PlaygroundLink): Promise<string> {
  const data = await deflateToBase64Url(link.json);
  return `#${link.variant === null ? '' : `v=${encodeURIComponent(link.variant)}&`}s=${data}`;
}

/**
 * The scenario and variant a hash carries; null when the hash is not a playground link. Throws
 * (with a sentence saying so) when it looks like one but cannot be decoded.
 */
export async function decodeLink(hash: string): Promise<PlaygroundLink | null> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const data = params.get('s');
  if (data === null || data === '') return null;
  try {
    const json = await inflateFromBase64Url(data);
    const v = params.get('v');
    return {
      json,
      variant: v === null ? null : (LINK_VARIANT_ALIASES[v] ?? v),
    };
  } catch {
    throw new Error('The link does not hold a readable scenario (it may have been cut short).');
  }
}
