/**
 * The Decoder widget's decoding (src/widgets/decoder): it shows what the model's decoders and
 * the CLI's `decode` show, and bad input comes back as a message for the field it concerns.
 */
import {
  DECODE_KINDS,
  DEFAULT_DECODE_IPA_BITS,
  DecodeError,
  bitRange,
  decode,
  decodeEsr,
  formatDecoded,
  type DecodeKind,
} from '@realmfault/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeInputs } from '../../src/widgets/decoder/decode.js';
import {
  exitFieldsFor,
  KIND_LABELS,
  RMM_VIEW_EXIT,
  RMM_VIEW_LABELS,
  renderDecoderHtml,
} from '../../src/widgets/decoder/view.js';
import { citeHtml } from '../../src/widgets/cite-html.js';

/** A value from the seed report or a TF-RMM return for each kind (the reference page's starting values). */
const SAMPLES: Record<DecodeKind, string> = {
  esr: '0x92000007',
  ipa: '0x10046880000',
  pte: '0x00e8010046880707',
  'rmi-ret': '0x204',
  'range-desc': '0xb8b59004',
  'unprot-flags': '0x1e0001',
  prot: '0xf',
};

function ok(kind: string, value: string, bits = '') {
  const r = decodeInputs(kind, value, bits);
  if (!r.ok) throw new Error(`expected ${kind} ${value} to decode, got: ${r.message}`);
  return r;
}

describe('decodeInputs (the widget) against decode (the model and the CLI)', () => {
  it.each(DECODE_KINDS)('%s: the heading, every field and every note of the model', (kind) => {
    const r = ok(kind, SAMPLES[kind]);
    const d = decode(kind, SAMPLES[kind], kind === 'ipa' ? { ipaBits: DEFAULT_DECODE_IPA_BITS } : {});
    expect(r.view.heading).toBe(formatDecoded(d).split('\n')[0]);
    expect(r.view.rows).toEqual(
      d.fields.map((f) => ({
        name: f.name,
        bits: bitRange(f),
        raw: `0x${f.raw.toString(16)}`,
        meaning: f.meaning,
      })),
    );
    expect(r.view.notes).toEqual(d.notes);
    expect(KIND_LABELS[kind]).toContain(`(${kind})`);
  });

  it('names the TF-RMM path the model classifies an ESR into', () => {
    for (const v of ['0x92000007', '0x90000005', '0x91c08047', '0x92000047']) {
      const view = ok('esr', v).view;
      const rmmView = decodeEsr(v).rmmView;
      expect(rmmView).not.toBeNull();
      if (rmmView !== null) expect(view.rmmPath).toBe(RMM_VIEW_LABELS[rmmView]);
    }
    // Not a data abort from a lower EL: no path.
    expect(ok('esr', '0x56000000').view.rmmPath).toBeNull();
  });

  it('passes the IPA width to ipa (default: the seed realm) and pte (default: none)', () => {
    expect(ok('ipa', '0x10046880000').view).toEqual(ok('ipa', '0x10046880000', '41').view);
    expect(ok('ipa', '0x10046880000', '48').view.heading).toBe(
      formatDecoded(decode('ipa', '0x10046880000', { ipaBits: 48 })).split('\n')[0],
    );
    expect(ok('pte', SAMPLES.pte, '41').view.notes).toEqual(
      decode('pte', SAMPLES.pte, { ipaBits: 41 }).notes,
    );
    expect(ok('pte', SAMPLES.pte).view.notes).toEqual(decode('pte', SAMPLES.pte).notes);
    // The CLI takes --ipa-bits only with ipa and pte; the widget ignores the width elsewhere.
    expect(ok('esr', '0x92000007', 'nonsense').view).toEqual(ok('esr', '0x92000007').view);
  });

  it('decodes what the model decodes, for any 64-bit value of any kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DECODE_KINDS),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (kind, v) => {
          const text = `0x${v.toString(16)}`;
          let expected: string | null = null;
          let rows: number | null = null;
          try {
            const d = decode(kind, text, kind === 'ipa' ? { ipaBits: DEFAULT_DECODE_IPA_BITS } : {});
            expected = formatDecoded(d).split('\n')[0] ?? null;
            rows = d.fields.length;
          } catch (e) {
            if (!(e instanceof DecodeError)) throw e;
          }
          const r = decodeInputs(kind, text, '');
          if (expected === null) {
            expect(r.ok).toBe(false);
          } else {
            expect(r.ok && r.view.heading).toBe(expected);
            expect(r.ok && r.view.rows.length).toBe(rows);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('decodeInputs: bad input is explained for the field it concerns', () => {
  function bad(kind: string, value: string, bits = '') {
    const r = decodeInputs(kind, value, bits);
    if (r.ok) throw new Error(`expected ${kind} ${value} (${bits}) to be rejected`);
    return r;
  }

  it('rejects a value that is not hexadecimal with the model message', () => {
    const r = bad('esr', 'zz');
    expect(r.input).toBe('value');
    let message = '';
    try {
      decodeEsr('zz');
    } catch (e) {
      message = e instanceof Error ? e.message : '';
    }
    expect(message).not.toBe('');
    expect(r.message).toBe(message);
    expect(bad('esr', '').message).toMatch(/^ESR_EL2 value: expected a hexadecimal value/);
  });

  it('rejects a value wider than 64 bits, saying how wide it is', () => {
    const r = bad('pte', `0x1${'0'.repeat(16)}`);
    expect(r.input).toBe('value');
    expect(r.message).toContain('(65 bits)');
  });

  it('rejects an IPA width outside 32…52 on the width field', () => {
    for (const bits of ['99', '31', '4x', '-1', '41.5']) {
      const r = bad('ipa', '0x1000', bits);
      expect(r.input).toBe('ipaBits');
      expect(r.message).toContain('expected an integer 32…52');
    }
  });

  it('rejects an unknown kind', () => {
    expect(bad('pmd', '0x1').input).toBe('kind');
  });
});

describe('renderDecoderHtml', () => {
  it('escapes every text it puts into HTML', () => {
    const html = renderDecoderHtml({
      kind: 'esr',
      heading: '<b>&',
      rows: [{ name: '"x"', bits: '[1]', raw: '0x1', meaning: "<script>alert('x')</script>" }],
      notes: ['a < b'],
      rmmPath: 'p & q',
      exit: { far: '0 & <x>', hpfar: 'HPFAR_EL2', gprs0: '0' },
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;b&gt;&amp;');
    expect(html).toContain('&quot;x&quot;');
    expect(html).toContain('a &lt; b');
    expect(html).toContain('p &amp; q');
    expect(html).toContain('far = 0 &amp; &lt;x&gt;');
  });

  it('renders the notes’ and the path’s citations as links, in the build and in the worker alike', () => {
    const r = ok('esr', '0x92000007');
    const citing = r.view.notes.filter((n) => n.includes('[@'));
    expect(citing.length).toBeGreaterThan(0);
    for (const n of citing) expect(r.html).toContain(citeHtml(n));
    expect(r.html).toContain(citeHtml(r.view.rmmPath ?? ''));
    expect(r.html).not.toContain('[@');
  });
});

describe('what the host reads in rec_exit (FAR and HPFAR)', () => {
  it('never says the host gets a FAR where TF-RMM reports 0', () => {
    // Protected, unprotected ISV = 0 (since 4de93bb0), external abort: FAR 0 [@tf-rmm-exit.c:212-290].
    for (const v of ['0x90000005', '0x92000007', '0x90000010']) {
      const r = ok('esr', v);
      expect(r.view.exit?.far, v).toBe('0');
      expect(r.html, v).toContain('far = 0;');
      const fnv = r.view.rows.find((x) => x.name === 'FnV');
      expect(fnv?.meaning, v).not.toMatch(/^FAR valid$/);
    }
    // An external abort writes neither FAR nor HPFAR.
    expect(ok('esr', '0x90000010').view.exit).toEqual(RMM_VIEW_EXIT.external_abort);
  });

  it('gives FAR_EL2[11:0] only on the emulatable (ISV = 1) unprotected path', () => {
    const r = ok('esr', '0x91c08047');
    expect(decodeEsr('0x91c08047').rmmView).toBe('unprotected_isv');
    expect(r.view.exit?.far).toBe('FAR_EL2[11:0]');
  });

  it('shows no exit fields for a value no TF-RMM path reports, or that is not a data abort', () => {
    // WnR with IL and without ISV: TF-RMM main hides WnR there, and before 4de93bb0 it dropped IL.
    expect(decodeEsr('0x92000047').rmmView).toBe('not_tf_rmm_main');
    expect(ok('esr', '0x92000047').view.exit).toBeNull();
    expect(ok('esr', '0x92000047').html).not.toContain('What the host reads');
    expect(ok('esr', '0x56000000').view.exit).toBeNull();
    expect(exitFieldsFor(null, 0n)).toBeNull();
  });
});
