/**
 * citeHtml (src/widgets/cite-html.ts), the citation renderer of components and widgets: text is
 * escaped, each citation group becomes links carrying the source's address (with the line anchor
 * for code lines), and an unknown id throws CitationError so the build fails on it. Expected
 * addresses and labels are taken from the model's resolver, not copied from output.
 */
import { CitationError, resolveCitation, sourceById } from '@realmfault/model';
import { describe, expect, it } from 'vitest';
import { citeHtml } from '../../src/widgets/cite-html.js';
import { esc } from '../../src/widgets/html.js';

describe('citeHtml', () => {
  it('escapes text without citations exactly as esc() does', () => {
    const text = `<script>alert("x")</script> & 'quoted' [not a citation]`;
    expect(citeHtml(text)).toBe(esc(text));
    expect(citeHtml(text)).not.toContain('<script>');
  });

  it('turns a source citation into a link to its address, keeping the text around it', () => {
    const s = sourceById('v14-29-shan-0625');
    if (s === undefined) throw new Error('registry changed');
    const html = citeHtml('The seed <report> [@v14-29-shan-0625].');
    expect(html.startsWith('The seed &lt;report&gt; [<a class="rf-cite" ')).toBe(true);
    expect(html).toContain(`href="${esc(s.url)}"`);
    expect(html).toContain(`>${esc(s.short)}</a>]`);
    expect(html.endsWith('</a>].')).toBe(true);
  });

  it('links code lines with the line anchor, and renders every citation of a group', () => {
    const lines = resolveCitation({ kind: 'lines', id: 'v14-rmi.c', lines: { from: 853, to: 854 } });
    const fn = resolveCitation({ kind: 'function', tree: 'tf-rmm', fn: 'handle_data_abort' });
    const html = citeHtml('[@v14-rmi.c:853-854; @tf-rmm handle_data_abort()]');
    expect(lines.href).toMatch(/#L853-854$/);
    expect(html).toBe(
      `[<a class="rf-cite" href="${esc(lines.href)}" title="${esc(lines.title)}">${esc(lines.label)}</a>; ` +
        `<a class="rf-cite" href="${esc(fn.href)}" title="${esc(fn.title)}">${esc(fn.label)}</a>]`,
    );
  });

  it('throws CitationError naming an unknown id, a bad line range and an unknown function', () => {
    expect(() => citeHtml('see [@no-such-source]')).toThrow(CitationError);
    expect(() => citeHtml('see [@no-such-source]')).toThrow(/no-such-source/);
    expect(() => citeHtml('[@v14-rmi.c:20-10]')).toThrow(CitationError);
    expect(() => citeHtml('[@v14 no_such_function()]')).toThrow(/no_such_function/);
  });
});
