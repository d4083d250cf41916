/**
 * Citations of primary sources (`[@v14-29]`, `[@tf-rmm-exit.c:212-290]`; the syntax of
 * packages/model/src/sources/cite.ts) in text that components and widgets render as HTML strings:
 * the text is escaped and each citation becomes a link with its line anchor. The build (Astro
 * `set:html`) and the browser (widgets re-rendering after a change) use this same function, so a
 * citation looks the same wherever it appears. An unknown id throws CitationError: the build fails
 * on it, naming the citation.
 */
import { resolveCitations, type ResolvedCitation } from '@realmfault/model';
import { esc } from './html.js';

function link(c: ResolvedCitation): string {
  return `<a class="rf-cite" href="${esc(c.href)}" title="${esc(c.title)}">${esc(c.label)}</a>`;
}

/** `text` as HTML: escaped, with every citation group rendered as `[link; link]`. */
export function citeHtml(text: string): string {
  let out = '';
  let at = 0;
  for (const { match, cites } of resolveCitations(text)) {
    out += esc(text.slice(at, match.start));
    out += `[${cites.map(link).join('; ')}]`;
    at = match.end;
  }
  return out + esc(text.slice(at));
}
