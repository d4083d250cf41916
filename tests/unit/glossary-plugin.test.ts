/**
 * The glossary (src/content/glossary.ts) and its plugin (src/plugins/glossary): the first use of
 * each term on a page becomes a link with a tooltip, later uses stay plain, and headings, links,
 * code and components are never touched.
 */
import { markdownToHtml, mdxToJs } from 'satteri';
import { describe, expect, it } from 'vitest';
import { citationProblems } from '@realmfault/model';
import { GLOSSARY, glossaryHref, tooltipText } from '../../src/content/glossary.js';
import { glossaryPlugin, termMatcher, tooltipId } from '../../src/plugins/glossary/index.js';

async function html(md: string): Promise<string> {
  const out = await markdownToHtml(md, { mdastPlugins: [() => glossaryPlugin()] });
  return out.html;
}

function term(name: string): (typeof GLOSSARY)[number] {
  const t = GLOSSARY.find((g) => g.term === name);
  if (!t) throw new Error(`no glossary term ${name}`);
  return t;
}

/** How many times a term is wrapped in a piece of HTML. */
function wraps(h: string, slug: string): number {
  return h.split(`href="/reference/glossary/#term-${slug}"`).length - 1;
}

describe('the glossary data', () => {
  const REQUIRED = [
    'IPA',
    'GPA',
    'GFN',
    'PFN',
    'HVA',
    'PAR',
    'RIPAS',
    'HIPAS',
    'RTT',
    'RTTE',
    'REC',
    'RD',
    'RMI',
    'RSI',
    'NS',
    'S2AP',
    'MemAttr',
    'FWB',
    'THP',
    'memslot',
    'guest_memfd',
    'memcache',
    'SEA',
    'DFSC',
    'ESR',
    'FAR',
    'HPFAR',
    'ISV',
    'WnR',
    'granule',
    'realm',
    'RMM',
    'VMM',
    'CoW',
    'zero page',
    'MMIO',
    'KVM_RUN',
  ];

  it('has every required term', () => {
    const have = new Set(GLOSSARY.map((t) => t.term));
    expect(REQUIRED.filter((r) => !have.has(r))).toEqual([]);
  });

  it('gives each term a unique anchor-safe slug, a definition and primary sources that resolve', () => {
    const slugs = GLOSSARY.map((t) => t.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const t of GLOSSARY) {
      expect(t.slug).toMatch(/^[a-z0-9-]+$/);
      expect(t.definition.length, t.term).toBeGreaterThan(40);
      expect(t.definition, t.term).not.toMatch(/walkthrough|`|\]\(/i);
      expect(t.source, t.term).toMatch(/\[@/);
      expect(citationProblems(t.source), t.term).toEqual([]);
    }
  });

  it('never gives one spelling to two terms', () => {
    expect(() => termMatcher(GLOSSARY)).not.toThrow();
    expect(() =>
      termMatcher([...GLOSSARY, { ...term('IPA'), slug: 'dup', term: 'IPAs', aliases: [] }]),
    ).toThrow(/"IPAs" is a form of both IPA and IPAs/);
  });
});

describe('termMatcher', () => {
  const { matches } = termMatcher();
  const found = (s: string): string[] => matches(s).map((m) => m.text);

  it('matches case-sensitively on word boundaries', () => {
    expect(found('The RIPAS of an IPA')).toEqual(['RIPAS', 'IPA']);
    expect(found('ripas and ipa and Ipa')).toEqual([]);
    expect(found('REC_ENTER, realm_map_ipa, RTTEx, xRTT')).toEqual([]);
  });

  it('prefers the longest form and knows plurals and capitalised forms', () => {
    expect(found('an RTTE of two RTTs')).toEqual(['RTTE', 'RTTs']);
    expect(found('Realms map the zero page')).toEqual(['Realms', 'zero page']);
  });

  it('skips paths and file names', () => {
    expect(found('see arch/arm64/kvm/mmu.c and realm/x and NS.c')).toEqual([]);
  });
});

describe('glossaryPlugin', () => {
  it('wraps the first use in a link with a tooltip it describes, and leaves later uses plain', async () => {
    const h = await html('The RIPAS of a page. Later the RIPAS changes.\n\nAnd RIPAS again.\n');
    const t = term('RIPAS');
    expect(wraps(h, 'ripas')).toBe(1);
    expect(h).toContain(
      `<a class="rf-term" href="${glossaryHref(t)}" aria-describedby="${tooltipId(t)}">RIPAS</a>` +
        `<span class="rf-tip" role="tooltip" id="${tooltipId(t)}" data-pagefind-ignore="">`,
    );
    expect(h).toContain(`>${tooltipText(t)}</span></span> of a page. Later the RIPAS changes.`);
    expect(h).toContain('<p>And RIPAS again.</p>');
  });

  it('wraps several different terms in one text node, each once', async () => {
    const h = await html('A REC exit reports the ESR and the HPFAR; the REC then re-enters.\n');
    expect(wraps(h, 'rec')).toBe(1);
    expect(wraps(h, 'esr')).toBe(1);
    expect(wraps(h, 'hpfar')).toBe(1);
    expect(h).toMatch(/re-enters\.<\/p>/);
    expect(h).toContain('; the REC then');
  });

  it('gives every tooltip a unique id', async () => {
    const h = await html(GLOSSARY.map((t) => `Use of ${t.term} here, and ${t.term} again.`).join('\n\n'));
    const ids = [...h.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBe(GLOSSARY.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never touches headings, links, code blocks or image text, and wraps the first use after them', async () => {
    const md = [
      '# The RIPAS heading',
      '',
      'A [link about RIPAS](/x/) and ![RIPAS](/a.png).',
      '',
      '```c',
      'RIPAS = 1;',
      '```',
      '',
      'Prose about RIPAS.',
    ].join('\n');
    const h = await html(md);
    expect(h).toContain('<h1>The RIPAS heading</h1>');
    expect(h).toContain('<a href="/x/">link about RIPAS</a>');
    expect(h).toContain('RIPAS = 1;');
    expect(wraps(h, 'ripas')).toBe(1);
    expect(h).toMatch(/Prose about <span class="rf-term-wrap"><a class="rf-term"[^>]*>RIPAS<\/a>/);
  });

  it('wraps inline code only when it is exactly a term', async () => {
    const h = await html('Call `KVM_RUN` again; `KVM_RUN(fd)` is code, as is `the RIPAS`.\n');
    expect(h).toMatch(
      /<a class="rf-term" href="\/reference\/glossary\/#term-kvm-run"[^>]*><code>KVM_RUN<\/code><\/a>/,
    );
    expect(h).toContain('<code>KVM_RUN(fd)</code>');
    expect(h).toContain('<code>the RIPAS</code>');
  });

  it('works inside emphasis, lists and tables', async () => {
    const h = await html('- *The realm* runs\n\n| a |\n|---|\n| the VMM |\n');
    expect(wraps(h, 'realm')).toBe(1);
    expect(wraps(h, 'vmm')).toBe(1);
  });

  it('leaves MDX component children and directive labels alone', async () => {
    const { code } = await mdxToJs('<Aside>About RIPAS</Aside>\n\nThen RIPAS.\n', {
      mdastPlugins: [() => glossaryPlugin()],
    });
    expect(code).toContain('"About RIPAS"');
    expect(code.split('#term-ripas').length - 1).toBe(1);
    const d = await html(':::note[RIPAS note]\nBody about RIPAS.\n:::\n');
    expect(d).not.toMatch(/<a class="rf-term"[^>]*>RIPAS<\/a> note/);
  });

  it('starts each document afresh', async () => {
    expect(wraps(await html('The RMM.\n'), 'rmm')).toBe(1);
    expect(wraps(await html('The RMM.\n'), 'rmm')).toBe(1);
  });
});
