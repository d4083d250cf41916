/**
 * The playground permalink (src/playground/permalink.ts): a scenario and variant survive the
 * deflate + base64url round trip, the hash stays URL-safe, and a damaged link is reported rather
 * than loaded.
 */
import { BUILTIN_SCENARIOS } from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from '../../src/playground/permalink';

describe('playground permalink', () => {
  it('round-trips every built-in scenario with and without a variant', async () => {
    for (const raw of BUILTIN_SCENARIOS) {
      const json = JSON.stringify(raw, null, 2);
      for (const variant of [null, 'fixed']) {
        const hash = await encodeLink({ json, variant });
        expect(hash).toMatch(/^#(v=fixed&)?s=[\w-]+$/);
        expect(hash.length).toBeLessThan(json.length);
        await expect(decodeLink(hash)).resolves.toEqual({ json, variant });
      }
    }
  });

  it('keeps non-ASCII text intact', async () => {
    const json = '{"name":"é — ✓"}';
    await expect(decodeLink(await encodeLink({ json, variant: null }))).resolves.toEqual({
      json,
      variant: null,
    });
  });

  it('ignores hashes that are not playground links and rejects damaged ones', async () => {
    await expect(decodeLink('#a-heading')).resolves.toBeNull();
    await expect(decodeLink('')).resolves.toBeNull();
    const hash = await encodeLink({ json: JSON.stringify(BUILTIN_SCENARIOS[0]), variant: 'v14' });
    await expect(decodeLink(hash.slice(0, hash.length - 12))).rejects.toThrow(
      /does not hold a readable scenario/,
    );
  });
});
