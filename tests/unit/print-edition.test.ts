/**
 * The print edition's HTML rewriting (src/pages/print/_edition.ts): one page's rendered HTML made
 * to live inside a print page next to the others.
 */
import { describe, expect, it } from 'vitest';
import { pagePrefix, rewritePageHtml, sitePath, type PrintPage } from '../../src/pages/print/_edition';

const page = (path: string): PrintPage => ({ path, prefix: pagePrefix(path) });
const worlds = page('/concepts/worlds/');
const pages = new Map(
  [worlds, page('/concepts/rtt-states/'), page('/scenarios/thp-unaligned/')].map((p) => [p.path, p]),
);
const rewrite = (html: string, base = '/', shift = 1): string =>
  rewritePageHtml(html, { page: worlds, base, pages, shift });

describe('pagePrefix and sitePath', () => {
  it('names a page by its path', () => {
    expect(pagePrefix('/concepts/worlds/')).toBe('concepts-worlds');
    expect(pagePrefix('/scenarios/thp-unaligned/')).toBe('scenarios-thp-unaligned');
    expect(() => pagePrefix('/')).toThrow(/no prefix for the site root/);
  });
  it('strips the base path, and refuses a path outside it', () => {
    expect(sitePath('/realmfault/concepts/', '/realmfault/')).toBe('/concepts/');
    expect(sitePath('/concepts/', '/')).toBe('/concepts/');
    expect(sitePath('/other/concepts/', '/realmfault/')).toBeUndefined();
  });
});

describe('rewritePageHtml', () => {
  it('prefixes every id and every reference to one of them', () => {
    const html =
      '<div class="sl-heading-wrapper level-h2"><h2 id="rtt">RTT</h2><a class="sl-anchor-link" href="#rtt">§</a></div>' +
      '<a aria-describedby="tip other" href="#tip">x</a><span id="tip" role="tooltip">t</span>' +
      '<label for="in">L</label><svg><defs><marker id="arrow"/></defs><path marker-end="url(#arrow)" fill="url(#none)"/></svg>';
    const out = rewrite(html);
    expect(out).toContain('<h3 id="concepts-worlds--rtt">RTT</h3>');
    expect(out).toContain('class="sl-heading-wrapper level-h3"');
    expect(out).toContain('href="#concepts-worlds--rtt"');
    // An id the page does not have is left alone (it is not this page's to rename).
    expect(out).toContain('aria-describedby="concepts-worlds--tip other"');
    expect(out).toContain('href="#concepts-worlds--tip"');
    expect(out).toContain('for="in"');
    expect(out).toContain('<marker id="concepts-worlds--arrow"/>');
    expect(out).toContain('marker-end="url(#concepts-worlds--arrow)" fill="url(#none)"');
  });

  it('points links to pages of the print page inside it, and keeps other links working from its address', () => {
    const out = rewrite(
      '<a href="/concepts/rtt-states/">a</a><a href="/concepts/rtt-states/#table">b</a>' +
        '<a href="../rtt-states/">c</a><a href="/concepts/delegation/#x">d</a><a href="../delegation/">e</a>' +
        '<a href="https://example.org/a#b">f</a><a href="/playground/#v=1&amp;s=x">g</a>' +
        '<a href="/scenarios/thp-unaligned/?q=1">h</a>',
    );
    expect(out).toContain('<a href="#concepts-rtt-states">a</a>');
    expect(out).toContain('<a href="#concepts-rtt-states--table">b</a>');
    expect(out).toContain('<a href="#concepts-rtt-states">c</a>');
    expect(out).toContain('<a href="/concepts/delegation/#x">d</a>');
    expect(out).toContain('<a href="/concepts/delegation/">e</a>');
    expect(out).toContain('<a href="https://example.org/a#b">f</a>');
    expect(out).toContain('<a href="/playground/#v=1&amp;s=x">g</a>');
    expect(out).toContain('<a href="/scenarios/thp-unaligned/?q=1">h</a>');
  });

  it('follows the base path', () => {
    const out = rewrite(
      '<a href="/realmfault/concepts/rtt-states/">a</a><a href="../delegation/">b</a>',
      '/realmfault/',
    );
    expect(out).toContain('<a href="#concepts-rtt-states">a</a>');
    expect(out).toContain('<a href="/realmfault/concepts/delegation/">b</a>');
  });

  it('moves headings down, at most to h6, drops scripts and opens exercise answers only', () => {
    const out = rewrite(
      '<h2 id="a">A</h2><h5>E</h5><script type="module" src="/x.js"></script>' +
        '<script type="application/json">{"a":"<b>"}</script>' +
        '<details class="rf-exercise-answer x"><summary>S</summary>D</details>' +
        '<details class="rf-diagram-text"><summary>T</summary></details>',
      '/',
      2,
    );
    expect(out).toBe(
      '<h4 id="concepts-worlds--a">A</h4><h6>E</h6>' +
        '<details open class="rf-exercise-answer x"><summary>S</summary>D</details>' +
        '<details class="rf-diagram-text"><summary>T</summary></details>',
    );
  });

  it('leaves text alone, including what looks like markup in attribute values', () => {
    const html = '<p title="a > b" data-x=\'id="y"\'>id="z" &lt;h2&gt;</p>';
    expect(rewrite(html)).toBe(html);
    // A rewritten value is written back quoted and escaped.
    expect(rewrite("<a href='#q'>x</a><i id='q' title=\"a&amp;b\"></i>")).toBe(
      '<a href="#concepts-worlds--q">x</a><i id="concepts-worlds--q" title="a&amp;b"></i>',
    );
  });
});
