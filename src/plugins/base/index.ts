/**
 * Links in the pages' Markdown under the base path (issue 16): a root-absolute link written in a
 * page, `[the RTT states](/concepts/rtt-states/)`, or made by an earlier plugin (the glossary's
 * and the function index's links), points at `/realmfault/concepts/rtt-states/` when the site is
 * built with BASE_PATH=/realmfault/. It runs last, so it sees every plugin's links; full URLs,
 * relative links and `#anchors` are left alone.
 */
import type { MdastPluginDefinition, MdastVisitorContext } from 'satteri';
import { href } from '../../site-base';

interface UrlNode {
  readonly url: string;
  readonly data?: { readonly hProperties?: Readonly<Record<string, unknown>> } | null;
}

function rebase(node: UrlNode, ctx: MdastVisitorContext): void {
  const url = href(node.url);
  if (url !== node.url) ctx.setProperty(node as never, 'url' as never, url as never);
  const props = node.data?.hProperties;
  const h = props?.['href'];
  if (typeof h === 'string' && href(h) !== h) {
    ctx.setProperty(node as never, 'data', { ...node.data, hProperties: { ...props, href: href(h) } });
  }
}

/** The plugin for one document: `mdastPlugins: [..., () => basePlugin()]`, last. */
export function basePlugin(): MdastPluginDefinition {
  return {
    name: 'realmfault-base',
    link: (node, ctx) => {
      rebase(node as UrlNode, ctx);
    },
    definition: (node, ctx) => {
      rebase(node as UrlNode, ctx);
    },
    image: (node, ctx) => {
      rebase(node as UrlNode, ctx);
    },
  };
}
