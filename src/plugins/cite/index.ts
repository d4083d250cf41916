/**
 * A Sätteri mdast plugin: citations of primary sources in prose, `[@v14-29]`,
 * `[@v14 realm_map_ipa()]`, `[@tf-rmm-exit.c:212-290]` (the syntax is the model's, see
 * packages/model/src/sources/cite.ts), become links to the source with its line anchor, and the
 * page ends with the list of every source it cites. An unknown id, a function the verification
 * ledger does not list, or a malformed citation fails the build with "file:line: …".
 *
 *     … returns -EFAULT [<a class="rf-cite" href="https://gitlab.arm.com/…/mmu.c#L1549-1570"
 *       title="arch/arm64/kvm/mmu.c in linux-arm/linux-cca cca-host/v14 …">realm_map_ipa(),
 *       mmu.c L1549–1570, linux-arm/linux-cca cca-host/v14</a>].
 *
 * It runs first, before the glossary and function-link plugins, which leave links alone.
 */
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import type { MdastPluginDefinition, MdastVisitorContext } from 'satteri';
import {
  CitationError,
  describeSource,
  resolveCitations,
  type ResolvedCitation,
  type Source,
} from '@realmfault/model';
import { SKIP, type AnyNode } from '../phrasing-walk.js';
import { ReferenceBuildError } from '../references/index.js';

export type Phrasing = Record<string, unknown>;

function link(c: ResolvedCitation): Phrasing {
  return {
    type: 'link',
    url: c.href,
    title: c.title,
    data: { hProperties: { className: ['rf-cite'] } },
    children: [{ type: 'text', value: c.label }],
  };
}

/** `[a; b]` as mdast: brackets and separators as text, each citation a link. */
function group(cites: readonly ResolvedCitation[]): Phrasing[] {
  const out: Phrasing[] = [{ type: 'text', value: '[' }];
  cites.forEach((c, i) => {
    if (i > 0) out.push({ type: 'text', value: '; ' });
    out.push(link(c));
  });
  out.push({ type: 'text', value: ']' });
  return out;
}

/**
 * The citation groups of a text's value, as links, with where each is in the text: what replaces
 * them in the node.
 */
export interface CitationPiece {
  readonly start: number;
  readonly end: number;
  readonly nodes: readonly Phrasing[];
  readonly cites: readonly ResolvedCitation[];
}

/**
 * The citations in `value`, resolved; throws ReferenceBuildError naming `file` and the line (from
 * the node's position) for an unknown id, function or a malformed citation.
 */
export function citationPieces(value: string, file: string, firstLine: number): CitationPiece[] {
  if (!value.includes('[@')) return [];
  const line = (offset: number): number => firstLine + value.slice(0, offset).split('\n').length - 1;
  try {
    const groups = resolveCitations(value);
    // An opening "[@" that starts no group: the citation wraps onto the next line, or the Markdown
    // parser split it (":name" is a directive in MDX, so functions are cited as "@v14 name()").
    for (let at = value.indexOf('[@'); at >= 0; at = value.indexOf('[@', at + 2)) {
      if (!groups.some((g) => g.match.start === at))
        throw new ReferenceBuildError(
          file,
          line(at),
          `"${value.slice(at, at + 40).split('\n')[0] ?? ''}…" is not a whole citation: a citation group must close on the same line, and a function is cited as [@v14 name()]`,
        );
    }
    return groups.map(({ match, cites }) => ({
      start: match.start,
      end: match.end,
      nodes: group(cites),
      cites,
    }));
  } catch (e) {
    if (e instanceof CitationError) throw new ReferenceBuildError(file, line(e.offset), e.message);
    throw e;
  }
}

/** A citation group opens in `value` and does not close in it. */
function opensCitation(value: string): boolean {
  const open = value.lastIndexOf('[@');
  return open >= 0 && !value.includes(']', open);
}

export interface CitePluginOptions {
  /** Directory that file names in errors are relative to (default: the working directory). */
  readonly root?: string;
  /** Append the "Sources" list to the page (default true). */
  readonly sourceList?: boolean;
}

/** The plugin for one document: pass a factory so each page collects its own sources. */
export function citePlugin(options: CitePluginOptions = {}): MdastPluginDefinition {
  let file = '<markdown>';
  const cited = new Map<string, Source>();

  /**
   * Replace a run of sibling nodes that together hold `value` (one text node, or text nodes the
   * parser split at a ":N" it read as a directive) with the text and the citation links.
   */
  function replaceRun(nodes: readonly AnyNode[], value: string, ctx: MdastVisitorContext): void {
    const pos = (nodes[0] as { position?: { start: { line: number } } }).position;
    const pieces = citationPieces(value, file, pos?.start.line ?? 0);
    if (pieces.length === 0 && nodes.length === 1) return;
    for (const p of pieces) for (const c of p.cites) cited.set(c.source.id, c.source);
    const parts: Phrasing[] = [];
    let at = 0;
    for (const p of pieces) {
      if (p.start > at) parts.push({ type: 'text', value: value.slice(at, p.start) });
      parts.push(...p.nodes);
      at = p.end;
    }
    if (at < value.length) parts.push({ type: 'text', value: value.slice(at) });
    const [first, ...rest] = nodes;
    if (first === undefined) return;
    ctx.replaceNode(first as never, parts as never);
    for (const n of rest) ctx.removeNode(n as never);
  }

  /**
   * Every text node outside code, links, headings and MDX elements (the nodes walkPhrasing skips),
   * in document order. With directives on (Starlight's asides), the parser reads ":385-390" or
   * ":812" inside "[@tf-rmm-run.c:385-390]" as a text directive and splits the text around it; such
   * a directive inside an open citation is put back into the text before the citation is read.
   */
  function walk(node: AnyNode, ctx: MdastVisitorContext): void {
    if (SKIP.has(node.type)) return;
    if (node.type === 'paragraph' && node.data?.directiveLabel) return;
    const children = node.children ?? [];
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as AnyNode;
      if (child.type !== 'text') {
        walk(child, ctx);
        continue;
      }
      const run: AnyNode[] = [child];
      let value = child.value ?? '';
      for (;;) {
        const dir = children[i + 1] as (AnyNode & { name?: string; attributes?: object | null }) | undefined;
        const next = children[i + 2];
        if (!opensCitation(value) || dir?.type !== 'textDirective' || next?.type !== 'text') break;
        if ((dir.children ?? []).length > 0 || Object.keys(dir.attributes ?? {}).length > 0) break;
        value += `:${dir.name ?? ''}${next.value ?? ''}`;
        run.push(dir, next);
        i += 2;
      }
      replaceRun(run, value, ctx);
    }
  }

  return {
    name: 'realmfault-cite',
    options: { position: true },
    before(root, ctx) {
      if (ctx.fileURL) file = relative(options.root ?? process.cwd(), fileURLToPath(ctx.fileURL));
      walk(root as AnyNode, ctx);
      if (options.sourceList === false || cited.size === 0) return;
      const items = [...cited.values()]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((s) => ({
          type: 'listItem',
          spread: false,
          children: [
            {
              type: 'paragraph',
              children: [
                {
                  type: 'link',
                  url: s.url,
                  data: { hProperties: { className: ['rf-cite'] } },
                  children: [{ type: 'text', value: describeSource(s) }],
                },
              ],
            },
          ],
        }));
      ctx.appendChild(root, [
        { type: 'heading', depth: 2, children: [{ type: 'text', value: 'Sources cited on this page' }] },
        { type: 'list', ordered: false, spread: false, children: items },
      ] as never);
    },
  };
}
