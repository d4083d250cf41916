/**
 * A Sätteri mdast plugin: the first use of each glossary term on a page becomes a link to the
 * glossary with the definition as a tooltip, shown on hover and on keyboard focus by CSS alone
 * (src/styles/glossary.css). Authors write plain prose; the terms come from src/content/glossary.ts.
 *
 *     <span class="rf-term-wrap"><a class="rf-term" href="/reference/glossary/#term-ripas"
 *       aria-describedby="rf-tip-ripas">RIPAS</a><span class="rf-tip" role="tooltip"
 *       id="rf-tip-ripas" data-pagefind-ignore>RIPAS: Realm IPA state. …</span></span>
 *
 * Matching is case-sensitive on word boundaries (a term inside `realm_map_ipa` or `REC_ENTER` is
 * not a use). Text inside headings, links, code blocks, MDX components and directive labels
 * (the title of a :::note) is left alone; inline code counts
 * only when it is exactly a term (`KVM_RUN`). Each term is wrapped once per page, so the tooltip
 * ids are unique.
 */
import type { MdastPluginDefinition, MdastVisitorContext } from 'satteri';
import { GLOSSARY, glossaryHref, tooltipText, type GlossaryTerm } from '../../content/glossary.js';
import { walkPhrasing, type AnyNode } from '../phrasing-walk.js';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every spelling of every term, mapped to its term. */
function formsOf(terms: readonly GlossaryTerm[]): Map<string, GlossaryTerm> {
  const forms = new Map<string, GlossaryTerm>();
  for (const t of terms) {
    for (const f of [t.term, ...(t.aliases ?? [])]) {
      const prior = forms.get(f);
      if (prior && prior !== t)
        throw new Error(`glossary: "${f}" is a form of both ${prior.term} and ${t.term}`);
      forms.set(f, t);
    }
  }
  return forms;
}

/** One match of a term in a string. */
export interface TermMatch {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly term: GlossaryTerm;
}

/** A matcher over prose: every use of a term, on word boundaries, case-sensitive. */
export function termMatcher(terms: readonly GlossaryTerm[] = GLOSSARY): {
  readonly matches: (text: string) => TermMatch[];
  readonly exact: (text: string) => GlossaryTerm | undefined;
} {
  const forms = formsOf(terms);
  // Longest first, so "RTTE" wins over "RTT" and "zero page" is one match.
  const alternation = [...forms.keys()]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  // Not inside an identifier, a path or a file name: no word character or "/" on either side,
  // and no ".x" after (mmu.c).
  const re = new RegExp(`(?<![\\w/])(?:${alternation})(?![\\w/]|\\.\\w)`, 'g');
  return {
    matches(text) {
      const out: TermMatch[] = [];
      for (const m of text.matchAll(re)) {
        const term = forms.get(m[0]);
        if (term) out.push({ start: m.index, end: m.index + m[0].length, text: m[0], term });
      }
      return out;
    },
    exact: (text) => forms.get(text),
  };
}

/** The id of a term's tooltip on a page. */
export function tooltipId(term: GlossaryTerm): string {
  return `rf-tip-${term.slug}`;
}

type Phrasing = Record<string, unknown>;

/** The wrapper for one use: a link to the glossary entry and its tooltip. */
function wrapped(term: GlossaryTerm, inner: Phrasing): Phrasing {
  const id = tooltipId(term);
  return {
    type: 'emphasis',
    data: { hName: 'span', hProperties: { className: ['rf-term-wrap'] } },
    children: [
      {
        type: 'emphasis',
        data: {
          hName: 'a',
          hProperties: { className: ['rf-term'], href: glossaryHref(term), ariaDescribedBy: id },
        },
        children: [inner],
      },
      {
        type: 'emphasis',
        data: {
          hName: 'span',
          hProperties: { className: ['rf-tip'], role: 'tooltip', id, dataPagefindIgnore: '' },
        },
        children: [{ type: 'text', value: tooltipText(term) }],
      },
    ],
  };
}

export interface GlossaryPluginOptions {
  /** The terms (default: the site glossary). */
  readonly terms?: readonly GlossaryTerm[];
}

/**
 * The plugin for one document; pass a factory, `mdastPlugins: [() => glossaryPlugin()]`, so each
 * document starts with no term used.
 */
export function glossaryPlugin(options: GlossaryPluginOptions = {}): MdastPluginDefinition {
  const matcher = termMatcher(options.terms ?? GLOSSARY);
  const used = new Set<GlossaryTerm>();

  function text(node: AnyNode, ctx: MdastVisitorContext): void {
    const value = node.value ?? '';
    const fresh = matcher.matches(value).filter((m) => {
      if (used.has(m.term)) return false;
      used.add(m.term);
      return true;
    });
    if (fresh.length === 0) return;
    const parts: Phrasing[] = [];
    let at = 0;
    for (const m of fresh) {
      if (m.start > at) parts.push({ type: 'text', value: value.slice(at, m.start) });
      parts.push(wrapped(m.term, { type: 'text', value: m.text }));
      at = m.end;
    }
    if (at < value.length) parts.push({ type: 'text', value: value.slice(at) });
    ctx.replaceNode(node as never, parts as never);
  }

  function inlineCode(node: AnyNode, ctx: MdastVisitorContext): void {
    const term = matcher.exact(node.value ?? '');
    if (!term || used.has(term)) return;
    used.add(term);
    ctx.replaceNode(node as never, wrapped(term, { type: 'inlineCode', value: node.value }) as never);
  }

  return {
    name: 'realmfault-glossary',
    // A walk in document order (src/plugins/phrasing-walk.ts): "first use" needs the order, and
    // skipping needs the ancestors, which per-type visitors do not give cheaply.
    before(root, ctx) {
      walkPhrasing(root as AnyNode, ctx, { text, inlineCode });
    },
  };
}
