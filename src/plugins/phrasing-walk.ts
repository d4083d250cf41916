/**
 * A document-order walk over the prose of an mdast tree, shared by the plugins that turn words
 * into links (src/plugins/glossary, src/plugins/fnlinks). It skips what must never be rewritten:
 * headings, links, code blocks, HTML, MDX components and expressions, and directive labels (the
 * title of a :::note). Document order matters to them: both link only a first use per page.
 */
import type { MdastVisitorContext } from 'satteri';

/** Node types whose text is never rewritten. */
export const SKIP = new Set([
  'heading',
  'link',
  'linkReference',
  'definition',
  'code',
  'html',
  'image',
  'imageReference',
  'footnoteDefinition',
  'mdxJsxFlowElement',
  'mdxJsxTextElement',
  'mdxFlowExpression',
  'mdxTextExpression',
  'mdxjsEsm',
  'yaml',
  'toml',
  'math',
  'inlineMath',
]);

/** A node as the walkers read it (the subset of mdast they need). */
export interface AnyNode {
  readonly type: string;
  readonly value?: string;
  readonly children?: readonly AnyNode[];
  readonly data?: { readonly directiveLabel?: boolean | null } | null;
}

export interface PhrasingVisitors {
  readonly text?: (node: AnyNode, ctx: MdastVisitorContext) => void;
  readonly inlineCode?: (node: AnyNode, ctx: MdastVisitorContext) => void;
}

/** Visit every text and inline-code node outside the skipped nodes, in document order. */
export function walkPhrasing(node: AnyNode, ctx: MdastVisitorContext, visit: PhrasingVisitors): void {
  if (SKIP.has(node.type)) return;
  if (node.type === 'paragraph' && node.data?.directiveLabel) return;
  if (node.type === 'text') {
    visit.text?.(node, ctx);
    return;
  }
  if (node.type === 'inlineCode') {
    visit.inlineCode?.(node, ctx);
    return;
  }
  for (const child of node.children ?? []) walkPhrasing(child, ctx, visit);
}
