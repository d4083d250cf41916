/**
 * The Replay page's model-free parts and its renderer: the permalink (src/widgets/replay/link.ts)
 * round-trips a log and its settings, refuses logs over MAX_LINK_BYTES and data it did not make
 * (before inflating it), and reads the former variant name; the renderer
 * (src/widgets/replay/render.ts) keeps control characters and markup out of the HTML, renders the
 * model's citations as links whatever their bracketing, and renders every line of a log — the
 * seed's and a hostile one — in both modes.
 */
import { replayLog, SEED_LOG } from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import { decodeReplayLink, encodeReplayLink, MAX_LINK_BYTES } from '../../src/widgets/replay/link.js';
import {
  detailHtml,
  printable,
  resultHtml,
  rowHtml,
  sourcesHtml,
  type RenderContext,
} from '../../src/widgets/replay/render.js';

const LIVE: RenderContext = { uid: 'rp', mode: 'live', targets: { playground: '/playground/' } };
const STATIC: RenderContext = { ...LIVE, mode: 'static' };

describe('the replay permalink', () => {
  it('round-trips a log and its settings', async () => {
    const hash = await encodeReplayLink(SEED_LOG, { ipaBits: 48, variant: 'post-v14-review' });
    expect(hash).toMatch(/^#log=[\w-]+&bits=48&v=post-v14-review$/);
    const back = await decodeReplayLink(hash ?? '');
    expect(back).toEqual({ text: SEED_LOG, bits: '48', variant: 'post-v14-review', problems: [] });
  });

  it('gives no link for a log over the limit, and is absent from other hashes', async () => {
    expect(
      await encodeReplayLink('x'.repeat(MAX_LINK_BYTES + 1), { ipaBits: 41, variant: 'v14' }),
    ).toBeNull();
    expect(
      await encodeReplayLink('é'.repeat(MAX_LINK_BYTES / 2), { ipaBits: 41, variant: 'v14' }),
    ).not.toBeNull();
    expect(
      await encodeReplayLink('é'.repeat(MAX_LINK_BYTES / 2 + 1), { ipaBits: 41, variant: 'v14' }),
    ).toBeNull();
    expect(await decodeReplayLink('#x=invalidation-race&b=2')).toBeNull();
    expect(await decodeReplayLink('')).toBeNull();
  });

  it('refuses data it did not make, and reads the former variant name', async () => {
    await expect(decodeReplayLink('#log=not-deflate')).rejects.toThrow(/cannot be read/);
    await expect(decodeReplayLink('#log=abc+def')).rejects.toThrow(/not one this page made/);
    await expect(decodeReplayLink(`#log=${'A'.repeat(20_000)}`)).rejects.toThrow(/not one this page made/);
    const hash = (await encodeReplayLink('a line', { ipaBits: 41, variant: 'v14' })) ?? '';
    const old = await decodeReplayLink(hash.replace('v=v14', 'v=fixed'));
    expect(old?.variant).toBe('post-v14-review');
    const bad = await decodeReplayLink(hash.replace('v=v14', 'v=v99'));
    expect(bad?.variant).toBeNull();
    expect(bad?.problems.join(' ')).toContain('“v99”');
  });
});

describe('the replay renderer', () => {
  it('keeps control characters and markup out of the HTML', () => {
    expect(printable('a\u0000b\u001bc\u007f')).toBe('a\u2400b\u241bc\u2421');
    const r = replayLog('<script>alert(1)</script>\n\u0000\u0001binary\n');
    for (const [i, line] of r.lines.entries())
      for (const html of [rowHtml(LIVE, line, i, r.lines.length), detailHtml(LIVE, line)]) {
        expect(html).not.toContain('<script>');
        expect(/[\0-\b]/.test(html)).toBe(false);
      }
    const binary = r.lines[1];
    expect(binary?.status).toBe('binary');
    if (binary) expect(rowHtml(LIVE, binary, 1, 2)).toContain('data-status="binary"');
  });

  it('renders the model’s citations as links, bracketed or not', () => {
    const a = sourcesHtml(['[@v14-29-shan-0625]', '@v14-rmi.c:63-66']);
    const b = sourcesHtml(['[@v14-29-shan-0625; @v14-rmi.c:63-66]']);
    expect(a).toBe(b);
    expect(a.match(/class="rf-cite"/g)?.length).toBe(2);
    // An id the registry does not know is shown as written, not thrown.
    expect(sourcesHtml(['[@no-such-source]'])).toBe('[@no-such-source]');
  });

  it('renders the seed’s reading in both modes, every line and episode', () => {
    const r = replayLog(SEED_LOG);
    const live = resultHtml(LIVE, { result: r, links: null });
    const stat = resultHtml(STATIC, { result: r, links: null, detailIndex: 6 });
    expect(live).toContain('role="listbox"');
    expect(live).toContain('class="rf-rp-goto" data-line="7"');
    expect(stat).not.toContain('rf-rp-goto');
    expect(stat.match(/<li class="rf-rp-row"/g)?.length).toBe(r.lines.length);
    for (const html of [live, stat]) {
      expect(html).toContain('data-ipa="0x10046880000"');
      expect(html).toContain('data-esr="0x92000007"');
      expect(html).toContain('data-handler="user_mem_abort"');
      expect(html.match(/class="rf-rp-div"/g)?.length).toBe(r.episodes[0]?.divergences.length);
    }
  });
});
