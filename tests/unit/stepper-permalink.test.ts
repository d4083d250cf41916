/**
 * The playground permalink (src/playground/permalink.ts): a scenario and variant survive the
 * deflate + base64url round trip, the hash stays URL-safe, a link made before the variant was
 * renamed (`#v=fixed`) still loads as post-v14-review, and a damaged link is reported rather than
 * loaded.
 */
import { BUILTIN_SCENARIOS, toVariant, VARIANT_ALIASES, VARIANTS } from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, LINK_VARIANT_ALIASES } from '../../src/playground/permalink';

describe('playground permalink', () => {
  it('round-trips every built-in scenario with and without a variant', async () => {
    for (const raw of BUILTIN_SCENARIOS) {
      const json = JSON.stringify(raw, null, 2);
      for (const variant of [null, 'post-v14-review']) {
        const hash = await encodeLink({ json, variant });
        expect(hash).toMatch(/^#(v=post-v14-review&)?s=[\w-]+$/);
        expect(hash.length).toBeLessThan(json.length);
        await expect(decodeLink(hash)).resolves.toEqual({ json, variant });
      }
    }
  });

  it('loads an old link that names the variant by its former name, fixed, as post-v14-review', async () => {
    const json = JSON.stringify(BUILTIN_SCENARIOS[0]);
    const current = await encodeLink({ json, variant: 'post-v14-review' });
    const old = current.replace('#v=post-v14-review&', '#v=fixed&');
    expect(old).toMatch(/^#v=fixed&s=/);
    await expect(decodeLink(old)).resolves.toEqual({ json, variant: 'post-v14-review' });
    // Any other variant comes back as written (the worker then refuses or ignores it).
    const other = current.replace('#v=post-v14-review&', '#v=v13&');
    await expect(decodeLink(other)).resolves.toEqual({ json, variant: 'v13' });
  });

  it('knows exactly the model’s former variant names, each mapped as the model maps it', () => {
    expect(LINK_VARIANT_ALIASES).toEqual(VARIANT_ALIASES);
    for (const [old, now] of Object.entries(LINK_VARIANT_ALIASES)) {
      expect(toVariant(old)).toBe(now);
      expect(VARIANTS).toContain(now);
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
