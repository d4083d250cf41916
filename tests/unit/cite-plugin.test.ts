/**
 * Citations in pages (src/plugins/cite): `[@id]` becomes a link to the primary source with its
 * line anchor, the page ends with the sources it cites, and an unknown id, an unknown function or
 * a malformed citation fails the build naming the file and the line.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { markdownToHtml, mdxToJs } from 'satteri';
import { describe, expect, it } from 'vitest';
import { GLOSSARY } from '../../src/content/glossary.js';
import { citePlugin } from '../../src/plugins/cite/index.js';
import { glossaryPlugin } from '../../src/plugins/glossary/index.js';

const FILE = resolve('src/content/docs/example.mdx');

async function html(md: string): Promise<string> {
  const out = await markdownToHtml(md, { mdastPlugins: [() => citePlugin()] });
  return out.html;
}

async function failure(mdx: string): Promise<string> {
  try {
    await mdxToJs(mdx, { fileURL: pathToFileURL(FILE), mdastPlugins: [() => citePlugin()] });
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected the compile to fail');
}

describe('citePlugin', () => {
  it('links a mail to its archive address and lists it at the end of the page', async () => {
    const h = await html('Suzuki named the root cause [@v14-29-poulose-0626a].\n');
    expect(h).toContain('class="rf-cite"');
    expect(h).toContain('href="https://lore.kernel.org/all/?q=');
    expect(h).toContain('>Suzuki K Poulose, 2026-06-26</a>]');
    expect(h).toContain('Sources cited on this page');
  });

  it('links lines of a v14 file to the cca-host/v14 tree with a GitLab line anchor', async () => {
    const h = await html('See [@v14-rmi.c:792-861].\n');
    expect(h).toContain(
      'href="https://gitlab.arm.com/linux-arm/linux-cca/-/blob/cca-host/v14/arch/arm64/kvm/rmi.c#L792-861"',
    );
    expect(h).toContain('rmi.c L792–861, linux-arm/linux-cca cca-host/v14');
  });

  it('links lines of TF-RMM with a GitHub anchor pinned to the commit', async () => {
    const h = await html('[@tf-rmm-exit.c:212-290]\n');
    expect(h).toContain('blob/9a7f8ef46378320ad69140a42e51c1ccf5914661/runtime/core/exit.c#L212-L290"');
  });

  it('keeps the text around several citations in one group', async () => {
    const h = await html('Before [@tf-rmm-4de93bb0; @rmm-spec §A4.3.4.3] after.\n');
    expect(h).toMatch(
      /Before \[<a [^>]*>TF-RMM 4de93bb0<\/a>; <a [^>]*>RMM spec 2\.0-bet1 §A4\.3\.4\.3<\/a>\] after\./,
    );
  });

  it('leaves code spans and code blocks alone', async () => {
    const h = await html('`[@v14-29]`\n\n```\n[@v14-29]\n```\n');
    expect(h).not.toContain('rf-cite');
  });

  it('fails on an unknown source id with file, line and what was expected', async () => {
    const msg = await failure('# Title\n\nText.\n\nA claim [@no-such-source].\n');
    expect(msg).toContain('src/content/docs/example.mdx:5');
    expect(msg).toContain('unknown source id "no-such-source"');
    expect(msg).toContain('registry.ts');
  });

  it('fails on a function the ledger does not list', async () => {
    const msg = await failure('A claim [@v14 no_such_function()].\n');
    expect(msg).toContain('example.mdx:1');
    expect(msg).toContain('unknown function "no_such_function"');
  });

  it('fails on lines of a source that is not code', async () => {
    const msg = await failure('A claim [@v14-29:10-20].\n');
    expect(msg).toContain('is a mail, not code');
  });

  it('fails on a malformed line range', async () => {
    const msg = await failure('A claim [@v14-rmi.c:20-10].\n');
    expect(msg).toContain('line range 20-10');
  });
});

describe('citePlugin with the glossary plugin (the site pipeline)', () => {
  const PIPELINE = [() => citePlugin(), () => glossaryPlugin()];

  it('links citations in a text node the glossary also rewrites, and the glossary term too', async () => {
    const out = await markdownToHtml('The RMM reports FAR only on that path [@tf-rmm-exit.c:275-280].\n', {
      mdastPlugins: PIPELINE,
    });
    expect(out.html).toContain('class="rf-term"');
    expect(out.html).toMatch(/\[<a href="[^"]*exit\.c#L275-L280"[^>]*class="rf-cite"/);
    expect(out.html).not.toContain('[@');
    expect(out.html).toContain('Sources cited on this page');
  });

  it('links citations in a text node with no glossary term', async () => {
    const out = await markdownToHtml('Nothing to link here [@v14-29].\n', { mdastPlugins: PIPELINE });
    expect(out.html).toContain('class="rf-cite"');
    expect(out.html).not.toContain('[@');
  });

  it('never matches a glossary term inside a citation', async () => {
    const base = GLOSSARY.find((t) => t.term === 'RMM');
    if (!base) throw new Error('no glossary term RMM');
    const terms = [{ ...base, term: 'rmm', aliases: [] }];
    const out = await markdownToHtml('See [@tf-rmm-exit.c:212-290].\n', {
      mdastPlugins: [() => citePlugin(), () => glossaryPlugin({ terms })],
    });
    expect(out.html).not.toContain('rf-term');
    expect(out.html).toContain('class="rf-cite"');
  });
});

describe('citePlugin: a citation the parser cannot keep whole', () => {
  it('fails the build on a group that does not close on its line, naming the file and line', async () => {
    const message = await failure('Intro.\n\nA claim [@v14-29;\n@v14-30] here.\n');
    expect(message).toMatch(/example\.mdx:3: "\[@v14-29;…" is not a whole citation/);
  });
});

describe('citePlugin with directives on (Starlight asides)', () => {
  it('reads lines of a citation that the parser split at ":385-390" as a directive', async () => {
    const out = await mdxToJs('A claim [@tf-rmm-run.c:385-390] and [@v14-rmi.c:1; @v14-rmi.c:5-6] b.\n', {
      features: { directive: true },
      mdastPlugins: [() => citePlugin()],
    });
    const code = out.code;
    expect(code).toContain('runtime/rmi/run.c#L385-L390');
    expect(code).toContain('arch/arm64/kvm/rmi.c#L1');
    expect(code).toContain('arch/arm64/kvm/rmi.c#L5-6');
    expect(code).not.toContain('[@');
  });

  it('leaves a directive outside a citation alone', async () => {
    const out = await mdxToJs('At 10:30 the claim [@v14-29] holds.\n', {
      features: { directive: true },
      mdastPlugins: [() => citePlugin()],
    });
    expect(out.code).toContain('rf-cite');
    expect(out.code).toContain('"At 10"');
    expect(out.code).not.toContain('[@');
  });
});
